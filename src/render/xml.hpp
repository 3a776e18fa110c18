#pragma once
// Text for the SVG plots' elements and attributes, with the XML specials escaped: a model or
// hardware id may come from a file name. One escape for every plot (svg.cpp, svg_sweep.cpp,
// load_profile.cpp).
#include <string>
#include <string_view>

namespace llmhw::render {

inline std::string xml_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace llmhw::render
