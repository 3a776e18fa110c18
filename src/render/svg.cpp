// The cost/latency trade-off of every feasible deployment as an SVG scatter plot.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "llmhw/render_plot.hpp"
#include "llmhw/text.hpp"
#include "render/numbers.hpp"
#include "render/xml.hpp"

namespace llmhw::render {
namespace {

constexpr double kWidth = 900, kHeight = 596;
constexpr double kLeft = 90, kRight = 860, kTop = 112, kBottom = 516;  // the plot area
constexpr double kLegendY = 90;                                        // the middle of the legend row
constexpr double kCharWidth = 6.6;  // a generous average for 11-12 px sans-serif, to keep labels apart

struct Point {
  size_t rank = 0;
  std::string hardware, detail;
  double tpot_ms = 0, cost = 0;  // as the JSON prints them
  bool frontier = false;
  DeviceKind kind = DeviceKind::gpu;
};

struct Axis {
  bool log = false;
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  double a, b;  // pixel range for lo, hi
  double t(double v) const { return log ? std::log10(v) : v; }
  double px(double v) const { return a + (t(v) - t(lo)) / (t(hi) - t(lo)) * (b - a); }
};

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

// Tick values print in their shortest exact form: "0.2", "5", "100".
std::string tick_label(double v) {
  return fmt::format("{}", text::round_significant(v, 6));
}

// 1, 2 and 5 times powers of ten: the values a reader can interpolate between.
double nice_below(double v) {
  const double decade = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {5.0, 2.0, 1.0})
    if (m * decade <= v * (1 + 1e-9)) return m * decade;
  return decade;
}
double nice_above(double v) {
  const double decade = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * decade >= v * (1 - 1e-9)) return m * decade;
  return 10 * decade;
}

// Log scale when the values span more than 10x (and are all positive), else linear; the domain
// ends on round values and the ticks fall on 1-2-5 values (log) or multiples of a 1-2-5 step.
Axis make_axis(const std::vector<double>& values, double a, double b) {
  Axis axis{false, 0, 1, {}, a, b};
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  const double lo = *min_it, hi = *max_it;
  axis.log = lo > 0 && hi / lo > 10;
  if (axis.log) {
    axis.lo = nice_below(lo);
    axis.hi = nice_above(hi);
    std::vector<double> all;
    for (int e = static_cast<int>(std::floor(std::log10(axis.lo))); e <= std::ceil(std::log10(axis.hi));
         ++e) {
      for (double m : {1.0, 2.0, 5.0}) {
        const double v = m * std::pow(10.0, e);
        if (v >= axis.lo * (1 - 1e-9) && v <= axis.hi * (1 + 1e-9)) all.push_back(v);
      }
    }
    for (double v : all)  // many decades: only the powers of ten
      if (all.size() <= 10 || text::round_significant(v / std::pow(10.0, std::floor(std::log10(v))), 3) == 1)
        axis.ticks.push_back(v);
    return axis;
  }
  const double span = hi > lo ? hi - lo : std::max(std::fabs(hi) * 0.5, 1e-9);
  const double step = nice_above(span / 5);
  axis.lo = std::floor(lo / step) * step;
  axis.hi = std::ceil(hi / step) * step;
  if (axis.hi - axis.lo < step * 2) {  // one value, or all in one step: give it room
    axis.lo = std::max(0.0, axis.lo - step);
    axis.hi += step;
  }
  for (long k = std::lround(axis.lo / step); k <= std::lround(axis.hi / step); ++k)
    axis.ticks.push_back(text::round_significant(static_cast<double>(k) * step, 6));
  return axis;
}

// TPOT as the target reads it: the mean, or the target's percentile.
double tpot_ms(const LoadPoint& l, double percentile) {
  return (percentile > 0 ? l.tpot_at(percentile) : l.tpot_s) * 1e3;
}

std::vector<Point> points_of(const RecommendResult& result, const Query& query) {
  std::vector<Point> points;
  for (size_t i = 0; i < result.recommendations.size(); ++i) {
    const Evaluation& e = result.recommendations[i].evaluation;
    points.push_back({i + 1, e.deployment.hardware->id,
                      fmt::format("{}, {}x{}", to_string(e.deployment.weights), e.devices(), e.replicas),
                      json_number(tpot_ms(e.at_load, query.tpot_percentile), "tpot"),
                      json_number(e.cost_per_million_tokens, "cost"), false});
    points.back().kind = e.deployment.hardware->kind;
  }
  // Pareto frontier on the printed figures: no other point is at least as cheap and as fast and
  // better in one of the two.
  for (Point& p : points) {
    p.frontier = std::none_of(points.begin(), points.end(), [&](const Point& q) {
      return q.cost <= p.cost && q.tpot_ms <= p.tpot_ms && (q.cost < p.cost || q.tpot_ms < p.tpot_ms);
    });
  }
  return points;
}

std::string header(const RecommendContext& ctx, size_t feasible) {
  const Query& q = *ctx.query;
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n",
      kWidth, kHeight);
  out += fmt::format(
      "<text x=\"20\" y=\"30\" font-size=\"18\" font-weight=\"bold\">{} at {} req/s: cost against "
      "TPOT</text>\n",
      xml_escaped(ctx.model->id), text::rate(q.qps));
  // Two short lines rather than one that a long precision list would push past the edge.
  out += fmt::format(
      "<text x=\"20\" y=\"50\" font-size=\"12\" fill=\"#444\">{} input + {} output tokens per request; "
      "targets {}TTFT ≤ {}, {}TPOT ≤ {}</text>\n",
      text::grouped(q.workload.input_tokens), text::grouped(q.workload.output_tokens),
      text::percentile_prefix(q.ttft_percentile), text::ms(q.ttft_ms),
      text::percentile_prefix(q.tpot_percentile), text::ms(q.tpot_ms));
  out += fmt::format(
      "<text x=\"20\" y=\"66\" font-size=\"12\" fill=\"#444\">precision {}; {} prices; {} feasible "
      "deployment{}</text>\n",
      xml_escaped(ctx.precision_text), xml_escaped(q.pricing), feasible, feasible == 1 ? "" : "s");
  return out;
}

// Colours by device kind, distinguishable in colour-blind palettes (Tableau 10's first four).
const char* kind_colour(DeviceKind k) {
  switch (k) {
    case DeviceKind::cpu:
      return "#2ca02c";
    case DeviceKind::gpu:
      return "#1f77b4";
    case DeviceKind::tpu:
      return "#9467bd";
    case DeviceKind::accelerator:
      break;
  }
  return "#d62728";
}

const char* kind_name(DeviceKind k) {
  switch (k) {
    case DeviceKind::cpu:
      return "CPU";
    case DeviceKind::gpu:
      return "GPU";
    case DeviceKind::tpu:
      return "TPU";
    case DeviceKind::accelerator:
      break;
  }
  return "accelerator";
}

// One row under the title: the kinds plotted, the frontier ring and the TPOT target; each entry
// starts after the previous one's text.
std::string legend(const std::vector<Point>& points) {
  std::string out = "<g font-size=\"12\">\n";
  double x = 26;
  auto entry = [&](const std::string& marker, std::string_view text) {
    out += marker + fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", x + 12, kLegendY + 4, text);
    x += 12 + static_cast<double>(text.size()) * kCharWidth + 20;
  };
  for (DeviceKind k : {DeviceKind::cpu, DeviceKind::gpu, DeviceKind::tpu, DeviceKind::accelerator}) {
    if (std::none_of(points.begin(), points.end(), [&](const Point& p) { return p.kind == k; })) continue;
    entry(fmt::format("<circle class=\"legend-kind\" data-kind=\"{}\" cx=\"{}\" cy=\"{}\" r=\"4.5\" "
                      "fill=\"{}\"/>",
                      to_string(k), x, kLegendY, kind_colour(k)),
          kind_name(k));
  }
  entry(fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"white\" stroke=\"#111\" stroke-width=\"2\"/>",
                    x, kLegendY),
        "Pareto frontier (nothing else both cheaper and faster)");
  entry(fmt::format(
            "<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"#b00020\" stroke-dasharray=\"5,4\"/>",
            x - 8, x + 8, kLegendY),
        "TPOT target");
  return out + "</g>\n";
}

std::string axes(const Axis& x, const Axis& y, const Query& q) {
  std::string out = fmt::format(
      "<g id=\"plot-area\" data-left=\"{}\" data-right=\"{}\" data-top=\"{}\" data-bottom=\"{}\" "
      "data-x-scale=\"{}\" data-x-min=\"{}\" data-x-max=\"{}\" data-y-scale=\"{}\" data-y-min=\"{}\" "
      "data-y-max=\"{}\">\n",
      kLeft, kRight, kTop, kBottom, x.log ? "log" : "linear", tick_label(x.lo), tick_label(x.hi),
      y.log ? "log" : "linear", tick_label(y.lo), tick_label(y.hi));
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n",
                     kLeft, kTop, kRight - kLeft, kBottom - kTop);
  for (double v : x.ticks) {
    const double px = x.px(v);
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#e4e4e4\"/>"
        "<text class=\"x-tick\" x=\"{0:.1f}\" y=\"{3}\" font-size=\"11\" text-anchor=\"middle\">{4}</text>\n",
        px, kTop, kBottom, kBottom + 16, tick_label(v));
  }
  for (double v : y.ticks) {
    const double py = y.px(v);
    out += fmt::format(
        "<line x1=\"{1}\" y1=\"{0:.1f}\" x2=\"{2}\" y2=\"{0:.1f}\" stroke=\"#e4e4e4\"/>"
        "<text class=\"y-tick\" x=\"{3}\" y=\"{4:.1f}\" font-size=\"11\" text-anchor=\"end\">{5}</text>\n",
        py, kLeft, kRight, kLeft - 6, py + 4, tick_label(v));
  }
  out += "</g>\n";
  out += fmt::format(
      "<text x=\"{:.1f}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\">{}TPOT at the query's load "
      "(ms{})</text>\n",
      (kLeft + kRight) / 2, kBottom + 40, text::percentile_prefix(q.tpot_percentile),
      x.log ? ", log scale" : "");
  out += fmt::format(
      "<text transform=\"translate(24 {:.1f}) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">cost per "
      "1M output tokens (USD{})</text>\n",
      (kTop + kBottom) / 2, y.log ? ", log scale" : "");
  return out;
}

// Places a label beside a point where it keeps 3 px from every point and earlier label and stays
// inside the plot, trying the nearest spots first, then spots further out joined to the point by
// a leader line. A label with no free spot is left out (the point's tooltip still names it); the
// rank-1 label then takes the first spot inside the plot.
std::string label(const Point& p, double px, double py, bool rank1, std::vector<Box>& taken) {
  const std::string text = rank1 ? fmt::format("#1 {} ({})", p.hardware, p.detail) : p.hardware;
  const double w = static_cast<double>(text.size()) * (rank1 ? kCharWidth + 0.6 : kCharWidth), h = 13;
  const double right = px + 8, left = px - 8 - w, centre = px - w / 2;
  const std::pair<double, double> spots[] = {{right, -6},   {right, 14},  {left, -6},    {left, 14},
                                             {centre, -12}, {centre, 22}, {right, -20},  {left, -20},
                                             {right, 28},   {left, 28},   {centre, -26}, {centre, 36}};
  std::vector<std::pair<double, double>> tries(std::begin(spots), std::end(spots));
  const size_t near = tries.size();
  for (double r : {40.0, 60.0, 85.0, 115.0}) {  // further out, eight directions each
    for (int k = 0; k < 8; ++k) {
      const double a = k * 3.14159265358979 / 4;
      const double cx = px + r * std::cos(a), cy = py - r * std::sin(a);
      tries.push_back({std::cos(a) >= -0.1 ? cx : cx - w, cy - py + 4});
    }
  }
  std::optional<Box> chosen, fallback;
  size_t index = 0;
  for (size_t i = 0; i < tries.size(); ++i) {
    const auto [x0, dy] = tries[i];
    const Box box{x0, py + dy - h + 3, x0 + w, py + dy + 3};
    if (box.x0 < kLeft + 2 || box.x1 > kRight - 2 || box.y0 < kTop + 2 || box.y1 > kBottom - 2) continue;
    if (!fallback) fallback = box;
    const Box padded{box.x0 - 3, box.y0 - 3, box.x1 + 3, box.y1 + 3};
    if (std::none_of(taken.begin(), taken.end(), [&](const Box& t) { return t.overlaps(padded); })) {
      chosen = box;
      index = i;
      break;
    }
  }
  if (!chosen && rank1) chosen = fallback;
  if (!chosen) return "";
  taken.push_back(*chosen);
  std::string leader;
  if (index >= near) {  // a far label: a thin line from the point to the label's nearer edge
    const double lx = std::clamp(px, chosen->x0, chosen->x1), ly = std::clamp(py, chosen->y0, chosen->y1);
    leader = fmt::format(
        "<line class=\"leader\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#999\" "
        "stroke-width=\"0.8\"/>\n",
        px, py, lx, ly);
  }
  return leader +
         fmt::format(
             "<text class=\"label\" data-hardware=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{}\"{}>{}"
             "</text>\n",
             xml_escaped(p.hardware), chosen->x0, chosen->y1 - 3, rank1 ? 12 : 11,
             rank1 ? " font-weight=\"bold\"" : "", xml_escaped(text));
}

std::string scatter(const std::vector<Point>& points, const Axis& x, const Axis& y) {
  std::string out;
  std::vector<const Point*> front;
  for (const Point& p : points)
    if (p.frontier) front.push_back(&p);
  std::sort(front.begin(), front.end(), [](const Point* a, const Point* b) {
    return a->tpot_ms != b->tpot_ms ? a->tpot_ms < b->tpot_ms : a->cost > b->cost;
  });
  std::string line;
  for (const Point* p : front)
    line += fmt::format("{}{:.1f},{:.1f}", line.empty() ? "" : " ", x.px(p->tpot_ms), y.px(p->cost));
  out += fmt::format(
      "<polyline class=\"frontier-line\" points=\"{}\" fill=\"none\" stroke=\"#111\" "
      "stroke-width=\"1.5\"/>\n",
      line);
  // Every point takes its space first, so that labels avoid all of them.
  std::vector<Box> taken;
  for (const Point& p : points)
    taken.push_back({x.px(p.tpot_ms) - 5, y.px(p.cost) - 5, x.px(p.tpot_ms) + 5, y.px(p.cost) + 5});
  std::string labels;
  for (const Point& p : points) {
    const double px = x.px(p.tpot_ms), py = y.px(p.cost);
    out += fmt::format(
        "<circle class=\"point{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"{} data-rank=\"{}\" "
        "data-kind=\"{}\" data-hardware=\"{}\" data-tpot-ms=\"{}\" data-cost-usd=\"{}\"><title>#{} {} ({}): "
        "TPOT "
        "{} ms, ${} per 1M output tokens</title></circle>\n",
        p.frontier ? " frontier" : "", px, py, p.frontier ? "6" : "4.5", kind_colour(p.kind),
        p.frontier ? " stroke=\"#111\" stroke-width=\"2\"" : " fill-opacity=\"0.8\"", p.rank,
        to_string(p.kind), xml_escaped(p.hardware), p.tpot_ms, p.cost, p.rank, xml_escaped(p.hardware),
        xml_escaped(p.detail), p.tpot_ms, p.cost);
  }
  // Rank 1 first: its label matters most.
  for (const Point& p : points)
    if (p.rank == 1) labels += label(p, x.px(p.tpot_ms), y.px(p.cost), true, taken);
  for (const Point* p : front)
    if (p->rank != 1) labels += label(*p, x.px(p->tpot_ms), y.px(p->cost), false, taken);
  for (const Point& p : points)  // then every other point, best first
    if (p.rank != 1 && !p.frontier) labels += label(p, x.px(p.tpot_ms), y.px(p.cost), false, taken);
  return out + labels;
}

}  // namespace

std::string recommend_svg(const RecommendResult& result, const RecommendContext& ctx) {
  const std::vector<Point> points = points_of(result, *ctx.query);
  std::string out = header(ctx, points.size());
  if (points.empty()) {
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"16\" text-anchor=\"middle\">No deployment meets the "
        "constraints.</text>\n</svg>\n",
        kWidth / 2, kHeight / 2);
    return out;
  }
  std::vector<double> xs = {ctx.query->tpot_ms}, ys;
  for (const Point& p : points) {
    xs.push_back(p.tpot_ms);
    ys.push_back(p.cost);
  }
  const Axis x = make_axis(xs, kLeft, kRight), y = make_axis(ys, kBottom, kTop);
  out += legend(points) + axes(x, y, *ctx.query);
  const double target = x.px(ctx.query->tpot_ms);
  out += fmt::format(
      "<line class=\"target\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#b00020\" "
      "stroke-dasharray=\"5,4\"/>\n",
      target, kTop, kBottom);
  out += scatter(points, x, y);
  return out + "</svg>\n";
}

}  // namespace llmhw::render
