// Text-layout helpers of the renderers (src/render/style.cpp, columns.cpp) and the generic CSV and
// Markdown tables (src/render/csv.cpp, markdown.cpp), on hand-written inputs.
#include <catch2/catch.hpp>
#include <sstream>

#include "../cli/cli_harness.hpp"
#include "llmhw/render_formats.hpp"
#include "render/columns.hpp"
#include "render/style.hpp"

using namespace llmhw::render;
using llmhw::test::lines_of;

namespace {}  // namespace

TEST_CASE("display_width counts characters, not bytes or escape sequences", "[render][text]") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("341 ms–1.92 s") == 13);  // the en dash is 3 bytes
  CHECK(display_width("\x1b[1mbold\x1b[0m") == 4);
  CHECK(display_width("") == 0);
}

TEST_CASE("wrap fills lines up to the width with the given prefixes", "[render][text]") {
  CHECK(wrap("one two three", 20, "- ", "  ") == "- one two three\n");
  CHECK(wrap("one two three", 9, "- ", "  ") == "- one two\n  three\n");
  // A number keeps its unit: "2.2 ms" is not split even though "2.2" alone would fit.
  CHECK(wrap("step 2.2 ms, more", 10, "", "") == "step\n2.2 ms,\nmore\n");
  // A word too long for a continuation line (a URL) gets its own line, indented by 4, unbroken.
  const std::string url = "https://example.com/" + std::string(30, 'x');
  CHECK(wrap("see " + url + " here", 40, "source:      ", "             ") ==
        "source:      see\n    " + url + "\n             here\n");
}

TEST_CASE("aligned pads columns by characters and wraps the last column under itself", "[render][text]") {
  const std::string out = aligned({{"k", "v"}, {"long key", "a b c d e f"}}, 16);
  CHECK(out == "k         v\nlong key  a b c\n          d e f\n");
}

TEST_CASE("paint wraps each line in an escape sequence only with colour on", "[render][text]") {
  Style plain, color;
  color.color = true;
  CHECK(paint("a\nb", Paint::green, plain) == "a\nb");
  CHECK(paint("a\nb", Paint::green, color) == "\x1b[32ma\x1b[0m\n\x1b[32mb\x1b[0m");
}

TEST_CASE("csv_table quotes fields per RFC 4180 and ends records with CRLF", "[render][csv]") {
  CHECK(csv_table({{"a", "b"}, {"1", "x,y"}, {"say \"hi\"", "two\nlines"}}) ==
        "a,b\r\n1,\"x,y\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
  CHECK(csv_table({{"", "plain"}}) == ",plain\r\n");
}

TEST_CASE("markdown_table escapes pipes and puts a separator under the header", "[render][markdown]") {
  const auto lines = lines_of(markdown_table({{"id", "note"}, {"a|b", "two\nlines"}}));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "| id | note |");
  CHECK(lines[1] == "| --- | --- |");
  CHECK(lines[2] == "| a\\|b | two lines |");
}
