// The streaming JSON writer (src/render/json_writer.cpp) against nlohmann's dump() as the
// oracle: random documents written both ways must match to the byte, compact and indented.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "render/json_writer.hpp"

using llmhw::render::JsonWriter;
using nlohmann::ordered_json;

namespace {

// Builds the same random document in nlohmann's tree and in the writer.
class RandomDocument {
 public:
  RandomDocument(unsigned seed, JsonWriter& w) : rng_(seed), w_(w) {}

  ordered_json value(int depth) {
    switch (pick(depth < 4 ? 8 : 6)) {
      case 0:
        w_.null();
        return nullptr;
      case 1: {
        const bool b = pick(2) == 1;
        w_.value(b);
        return b;
      }
      case 2: {
        const long long i =
            std::uniform_int_distribution<long long>(-1'000'000'000'000, 1'000'000'000'000)(rng_);
        w_.value(i);
        return i;
      }
      case 3: {
        const double d = number();
        w_.value(d);
        return d;
      }
      case 4: {
        const unsigned long long u = std::uniform_int_distribution<unsigned long long>()(rng_);
        w_.value(u);
        return u;
      }
      case 5: {
        const std::string s = text();
        w_.value(s);
        return s;
      }
      case 6: {
        ordered_json a = ordered_json::array();
        w_.begin_array();
        for (int n = pick(4); n > 0; --n) a.push_back(value(depth + 1));
        w_.end_array();
        return a;
      }
      default: {
        ordered_json o = ordered_json::object();
        w_.begin_object();
        for (int n = pick(4); n > 0; --n) {
          const std::string k = text() + std::to_string(n);  // distinct keys, as in real outputs
          w_.key(k);
          o[k] = value(depth + 1);
        }
        w_.end_object();
        return o;
      }
    }
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  // Magnitudes from 1e-12 to 1e22, a few exact integers and zeros of both signs.
  double number() {
    switch (pick(5)) {
      case 0:
        return pick(2) ? 0.0 : -0.0;
      case 1:
        return static_cast<double>(pick(100000));
      default: {
        const double mantissa = std::uniform_real_distribution<double>(-10, 10)(rng_);
        return mantissa * std::pow(10.0, pick(35) - 12);
      }
    }
  }

  // Plain text, UTF-8, quotes, backslashes and control characters.
  std::string text() {
    static const std::vector<std::string> pieces = {"a",    "TPOT", " ",  "\"", "\\",   "\n",
                                                    "\t",   "\r",   "\b", "\f", "\x01", "\x1f",
                                                    "\x7f", "µs",   "≤",  "/",  "é",    "😀"};
    std::string s;
    for (int n = pick(12); n > 0; --n)
      s += pieces[static_cast<size_t>(pick(static_cast<int>(pieces.size())))];
    return s;
  }

  std::mt19937 rng_;
  JsonWriter& w_;
};

}  // namespace

TEST_CASE("JsonWriter prints exactly what nlohmann's dump() prints", "[render][json]") {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    for (int indent : {-1, 2, 4}) {
      JsonWriter w(indent);
      RandomDocument doc(seed, w);
      const ordered_json tree = doc.value(0);
      INFO("seed " << seed << ", indent " << indent);
      REQUIRE(w.str() == tree.dump(indent));
    }
  }
}

TEST_CASE("JsonWriter: empty containers, optionals and string lists", "[render][json]") {
  JsonWriter w(2);
  w.begin_object()
      .field("empty_array", std::vector<std::string>{})
      .key("empty_object")
      .begin_object()
      .end_object()
      .field("missing", std::optional<double>())
      .field("present", std::optional<double>(0.5))
      .field("list", std::vector<std::string>{"x", "y"})
      .end_object();
  CHECK(w.str() ==
        "{\n  \"empty_array\": [],\n  \"empty_object\": {},\n  \"missing\": null,\n  \"present\": 0.5,\n"
        "  \"list\": [\n    \"x\",\n    \"y\"\n  ]\n}");
}

TEST_CASE("JsonWriter prints non-finite numbers as null, as nlohmann does", "[render][json]") {
  JsonWriter w;
  w.begin_array().value(std::nan("")).value(HUGE_VAL).end_array();
  CHECK(w.str() == "[null,null]");
  CHECK(w.str() == ordered_json::array({std::nan(""), HUGE_VAL}).dump());
}
