#pragma once
// How JSON outputs print numbers, shared by the JSON renderers.

namespace llmhw::render {

// v rounded to 4 significant digits, so outputs diff cleanly; a non-finite v is an internal
// error (exit 1) naming `what`, never a NaN or Infinity in the output.
double json_number(double v, const char* what);
// A dollar amount: to the cent from $1 up, else as json_number.
double usd_number(double v, const char* what);

}  // namespace llmhw::render
