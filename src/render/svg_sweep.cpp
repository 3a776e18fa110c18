// The concurrency sweep of one deployment: three stacked panels sharing the concurrency axis.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "llmhw/render_sweep.hpp"
#include "render/xml.hpp"

namespace llmhw::render {
namespace {

constexpr double kSweepWidth = 900, kSweepLeft = 100, kSweepRight = 860, kPanelTop = 90, kPanelHeight = 170,
                 kGap = 50;

// A 1-2-5 step that cuts [0, hi] into about five intervals.
double nice_step(double hi) {
  const double raw = hi > 0 ? hi / 5 : 1;
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * decade >= raw * (1 - 1e-9)) return m * decade;
  return 10 * decade;
}

// Concurrency on a log2 axis (sweeps double it); a single point sits in the middle.
struct XAxis {
  double lo, hi;
  double px(double c) const {
    if (hi <= lo) return (kSweepLeft + kSweepRight) / 2;
    return kSweepLeft +
           (std::log2(c) - std::log2(lo)) / (std::log2(hi) - std::log2(lo)) * (kSweepRight - kSweepLeft);
  }
};

struct Metric {
  const char* id;
  const char* name;
  const char* colour;
  double (*value)(const SweepPoint&);
};

std::string panel(const SweepView& v, const XAxis& x, const Metric& m, double top, bool last) {
  const double bottom = top + kPanelHeight;
  double hi = 0;
  for (const auto& p : v.points) hi = std::max(hi, m.value(p));
  const double step = nice_step(hi);
  const double ymax = std::max(step, std::ceil(hi / step) * step);
  auto py = [&](double val) { return bottom - val / ymax * kPanelHeight; };
  std::string o = fmt::format(
      "<g class=\"panel\" id=\"panel-{}\" data-top=\"{}\" data-bottom=\"{}\" data-y-max=\"{:g}\">\n", m.id,
      top, bottom, ymax);
  o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n",
                   kSweepLeft, top, kSweepRight - kSweepLeft, kPanelHeight);
  for (double t = 0; t <= ymax * (1 + 1e-9); t += step) {
    o += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#e4e4e4\"/><text x=\"{}\" "
        "y=\"{:.1f}\" "
        "font-size=\"11\" text-anchor=\"end\">{:g}</text>\n",
        kSweepLeft, py(t), kSweepRight, py(t), kSweepLeft - 6, py(t) + 4, t);
  }
  // Tick labels at least 30 px apart, the last (the limit) always: 512 and 549 would collide.
  std::vector<bool> labelled(v.points.size(), false);
  double next_px = 1e9;
  for (size_t i = v.points.size(); i-- > 0;) {
    if (x.px(v.points[i].concurrency) <= next_px - 30) {
      labelled[i] = true;
      next_px = x.px(v.points[i].concurrency);
    }
  }
  for (size_t i = 0; i < v.points.size(); ++i) {
    const SweepPoint& p = v.points[i];
    o += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#f0f0f0\"/>\n",
                     x.px(p.concurrency), top, bottom);
    if (last && labelled[i])
      o += fmt::format(
          "<text class=\"x-tick\" x=\"{:.1f}\" y=\"{}\" font-size=\"11\" "
          "text-anchor=\"middle\">{:g}</text>\n",
          x.px(p.concurrency), bottom + 16, p.concurrency);
  }
  if (v.kv_limit > 0 && v.kv_limit >= x.lo && v.kv_limit <= x.hi) {
    o += fmt::format(
        "<line class=\"kv-limit\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#b00020\" "
        "stroke-dasharray=\"5,4\"/>\n",
        x.px(v.kv_limit), top, bottom);
  }
  std::string line;
  for (const auto& p : v.points)
    line += fmt::format("{}{:.1f},{:.1f}", line.empty() ? "" : " ", x.px(p.concurrency), py(m.value(p)));
  o += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", line,
                   m.colour);
  for (const auto& p : v.points) {
    o += fmt::format(
        "<circle class=\"sweep-point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\" data-metric=\"{}\" "
        "data-concurrency=\"{:g}\" data-value=\"{:.4g}\"><title>{:g} in flight: {} {:.4g}</title></circle>\n",
        x.px(p.concurrency), py(m.value(p)), m.colour, m.id, p.concurrency, m.value(p), p.concurrency, m.name,
        m.value(p));
  }
  o += fmt::format(
      "<text transform=\"translate(30 {:.1f}) rotate(-90)\" font-size=\"12\" "
      "text-anchor=\"middle\">{}</text>\n",
      top + kPanelHeight / 2, m.name);
  return o + "</g>\n";
}

}  // namespace

std::string estimate_sweep_svg(const SweepView& v) {
  const double height = kPanelTop + 3 * kPanelHeight + 2 * kGap + 60;
  std::string o = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\">\n<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n",
      kSweepWidth, height);
  o += fmt::format("<text x=\"20\" y=\"30\" font-size=\"18\" font-weight=\"bold\">{}</text>\n",
                   xml_escaped(v.title));
  o += fmt::format("<text x=\"20\" y=\"50\" font-size=\"12\" fill=\"#444\">{}</text>\n",
                   xml_escaped(v.subtitle));
  if (v.kv_limit > 0) {
    o += fmt::format(
        "<g font-size=\"12\"><line x1=\"20\" y1=\"66\" x2=\"36\" y2=\"66\" stroke=\"#b00020\" "
        "stroke-dasharray=\"5,4\"/><text x=\"42\" y=\"70\">the KV cache holds {:g} requests; beyond it they "
        "wait or are preempted</text></g>\n",
        v.kv_limit);
  }
  if (v.points.empty()) return o + "</svg>\n";
  const XAxis x{v.points.front().concurrency, v.points.back().concurrency};
  static const Metric metrics[] = {
      {"ttft", "TTFT (ms)", "#1f77b4", [](const SweepPoint& p) { return p.ttft_ms; }},
      {"tpot", "TPOT (ms)", "#e07b00", [](const SweepPoint& p) { return p.tpot_ms; }},
      {"throughput", "output tokens/s", "#2ca02c",
       [](const SweepPoint& p) { return p.output_tokens_per_s; }}};
  for (size_t i = 0; i < 3; ++i)
    o += panel(v, x, metrics[i], kPanelTop + static_cast<double>(i) * (kPanelHeight + kGap), i == 2);
  o += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"13\" text-anchor=\"middle\">requests in flight (closed "
      "loop, "
      "log scale)</text>\n",
      (kSweepLeft + kSweepRight) / 2, kPanelTop + 3 * kPanelHeight + 2 * kGap + 40);
  return o + "</svg>\n";
}

}  // namespace llmhw::render
