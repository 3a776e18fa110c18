#pragma once
// How JSON outputs print numbers, shared by the JSON renderers; and the per-unit costs every
// recommend renderer derives from a deployment's total cost per hour.
#include "llmhw/recommend.hpp"

namespace llmhw::render {

// v rounded to 4 significant digits, so outputs diff cleanly; a non-finite v is an internal
// error (exit 1) naming `what`, never a NaN or Infinity in the output.
double json_number(double v, const char* what);
// A dollar amount: to the cent from $1 up, else as json_number.
double usd_number(double v, const char* what);

// The total cost per hour (rental, plus energy for purchased hardware) per month (730 h), per
// request, and per 1M tokens read and written (input + output; the whole cost over the output
// tokens alone is Evaluation::cost_per_million_tokens, and its split between input and output
// tokens is token_prices() in prefix_cache.hpp).
double cost_per_month(const Evaluation& e);
double cost_per_request(const Evaluation& e, const Query& q);
double cost_per_million_io_tokens(const Evaluation& e, const Query& q);

}  // namespace llmhw::render
