#!/usr/bin/env python3
"""Checks `llmhw recommend --plot` against the JSON answer of the same query, independently of
the C++ renderer: the SVG parses as XML and is self-contained; each feasible deployment is one
point at the coordinates its TPOT and cost map to on the plot's axes; the frontier points are
exactly the non-dominated ones (brute force) and the frontier line joins them by TPOT; the rank-1
point is labelled and the title names the query.

usage: check_plot.py LLMHW_BINARY DATA_DIR TMP_DIR
"""
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
QUERIES = [
    ["--model", "70b", "--qps", "50"],
    ["--model", "8b", "--qps", "1", "--tpot", "500ms"],
    ["--model", "deepseek-v3", "--qps", "30"],
    ["--model", "llama-3.1-8b", "--qps", "20", "--kind", "gpu", "--pricing", "spot"],
    ["--model", "70b", "--qps", "20", "--tpot", "p99:60ms", "--ttft", "p90:2s"],
]


def tpot_of(rec, percentile):
    """The TPOT the target is about: the mean, or the target's percentile."""
    if not percentile:
        return rec["metrics"]["tpot_ms"]
    return rec["metrics"]["tpot_ms_distribution"][f"p{percentile:g}"]


def run(binary, data, args):
    r = subprocess.run([binary, "--data-dir", data, "recommend"] + args, capture_output=True, text=True)
    if r.returncode not in (0, 3):
        sys.exit(f"llmhw {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r.stdout


def expected_px(value, scale, lo, hi, a, b):
    t = math.log10 if scale == "log" else (lambda v: v)
    return a + (t(value) - t(lo)) / (t(hi) - t(lo)) * (b - a)


def close(a, b, what):
    # Coordinates are printed with one decimal.
    if abs(a - b) > 0.051:
        sys.exit(f"{what}: {a} in the SVG, {b:.3f} expected")


def check(binary, data, tmp, args):
    path = os.path.join(tmp, "plot.svg")
    run(binary, data, args + ["--plot", path, "--quiet"])
    answer = json.loads(run(binary, data, args + ["--format", "json", "--top", "100000"]))
    recs = answer["recommendations"]
    assert len(recs) == answer["feasible_count"], "the JSON must list every feasible deployment"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    root = ET.fromstring(text)  # raises on malformed XML
    assert root.tag == SVG + "svg", root.tag
    # Self-contained: nothing to fetch or run.
    for el in root.iter():
        assert el.tag not in (SVG + "script", SVG + "image", SVG + "foreignObject"), el.tag
        for k in el.attrib:
            assert not k.endswith("href"), f"{el.tag} links {el.attrib[k]}"
    assert "url(" not in text and "@import" not in text and "@font-face" not in text

    title = "".join(next(root.iter(SVG + "text")).itertext())
    assert title.startswith(answer["model"]["id"] + " at "), title
    qps = answer["query"]["qps"]
    assert f"{qps:.1f} req/s" in title or f"{qps:.2f} req/s" in title or f"{qps:,.0f} req/s" in title, title

    circles = [c for c in root.iter(SVG + "circle") if "point" in c.get("class", "").split()]
    assert len(circles) == len(recs), f"{len(circles)} points for {len(recs)} deployments"
    if not recs:
        return 0, None
    area = next(g for g in root.iter(SVG + "g") if g.get("id") == "plot-area")
    left, right, top, bottom = (float(area.get("data-" + k)) for k in ("left", "right", "top", "bottom"))
    xs, ys = area.get("data-x-scale"), area.get("data-y-scale")
    xmin, xmax, ymin, ymax = (float(area.get("data-" + k)) for k in ("x-min", "x-max", "y-min", "y-max"))

    percentile = answer["query"]["tpot_percentile"]
    tpots = [tpot_of(r, percentile) for r in recs]
    costs = [r["cost"]["per_million_tokens_usd"] for r in recs]
    x_values = tpots + [answer["query"]["tpot_ms"]]  # the TPOT target is drawn too
    # Log scale exactly when the values span more than 10x; the domain holds every value.
    assert (xs == "log") == (max(x_values) / min(x_values) > 10), (xs, min(x_values), max(x_values))
    assert (ys == "log") == (max(costs) / min(costs) > 10), (ys, min(costs), max(costs))
    assert xmin <= min(x_values) and max(x_values) <= xmax, (xmin, xmax)
    assert ymin <= min(costs) and max(costs) <= ymax, (ymin, ymax)

    by_hw = {c.get("data-hardware"): c for c in circles}
    assert len(by_hw) == len(circles), "one point per hardware"
    for r in recs:
        c = by_hw[r["hardware"]["id"]]
        tpot, cost = tpot_of(r, percentile), r["cost"]["per_million_tokens_usd"]
        assert int(c.get("data-rank")) == r["rank"]
        assert float(c.get("data-tpot-ms")) == tpot, (c.get("data-tpot-ms"), tpot)
        assert float(c.get("data-cost-usd")) == cost, (c.get("data-cost-usd"), cost)
        close(float(c.get("cx")), expected_px(tpot, xs, xmin, xmax, left, right), r["hardware"]["id"] + " cx")
        close(float(c.get("cy")), expected_px(cost, ys, ymin, ymax, bottom, top), r["hardware"]["id"] + " cy")

    # Tick labels sit where their values map.
    for cls, scale, lo, hi, a, b, attr in (("x-tick", xs, xmin, xmax, left, right, "x"),
                                           ("y-tick", ys, ymin, ymax, bottom, top, "y")):
        ticks = [t for t in root.iter(SVG + "text") if t.get("class") == cls]
        assert len(ticks) >= 2, f"{cls}: {len(ticks)} ticks"
        for t in ticks:
            v = float(t.text)
            assert lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9), (cls, v)
            offset = 4 if attr == "y" else 0  # y labels sit on their line's baseline + 4
            close(float(t.get(attr)) - offset, expected_px(v, scale, lo, hi, a, b), f"{cls} {v}")

    # The Pareto frontier by brute force: no other deployment as cheap and as fast, better in one.
    points = [(tpot_of(r, percentile), r["cost"]["per_million_tokens_usd"], r["hardware"]["id"]) for r in recs]
    frontier = {p[2] for p in points
                if not any(q[0] <= p[0] and q[1] <= p[1] and (q[0] < p[0] or q[1] < p[1]) for q in points)}
    marked = {c.get("data-hardware") for c in circles if "frontier" in c.get("class").split()}
    assert marked == frontier, f"marked {sorted(marked)}, non-dominated {sorted(frontier)}"
    line = next(p for p in root.iter(SVG + "polyline") if p.get("class") == "frontier-line")
    vertices = [tuple(float(v) for v in pair.split(",")) for pair in line.get("points").split()]
    ordered = sorted((p for p in points if p[2] in frontier), key=lambda p: (p[0], -p[1]))
    assert len(vertices) == len(ordered)
    for (vx, vy), p in zip(vertices, ordered):
        c = by_hw[p[2]]
        close(vx, float(c.get("cx")), "frontier line x")
        close(vy, float(c.get("cy")), "frontier line y")

    best = recs[0]["hardware"]["id"]
    labels = ["".join(t.itertext()) for t in root.iter(SVG + "text") if t.get("class") == "label"]
    assert any(l.startswith(f"#1 {best} ") for l in labels), labels

    # Colour by kind: each point's fill is its kind's legend colour, one legend entry per kind shown.
    legend = {c.get("data-kind"): c.get("fill") for c in root.iter(SVG + "circle")
              if c.get("class") == "legend-kind"}
    kinds = {r["hardware"]["kind"] for r in recs}
    assert set(legend) == kinds, (sorted(legend), sorted(kinds))
    assert len(set(legend.values())) == len(legend), "one colour per kind"
    for r in recs:
        c = by_hw[r["hardware"]["id"]]
        assert c.get("data-kind") == r["hardware"]["kind"], (c.get("data-kind"), r["hardware"]["kind"])
        assert c.get("fill") == legend[r["hardware"]["kind"]], r["hardware"]["id"]

    # Every point labelled once with its hardware, and no two labels overlap (the renderer's
    # width estimate: 6.6 px a character, 7.2 for the bold rank-1 label; 13 px high).
    texts = [t for t in root.iter(SVG + "text") if t.get("class") == "label"]
    named = [t.get("data-hardware") for t in texts]
    assert sorted(named) == sorted(by_hw), (sorted(named), sorted(by_hw))
    boxes = []
    for t in texts:
        text = "".join(t.itertext())
        assert text == t.get("data-hardware") or text.startswith("#1 " + t.get("data-hardware") + " "), text
        w = len(text) * (7.2 if text.startswith("#1 ") else 6.6)
        x, y = float(t.get("x")), float(t.get("y"))
        boxes.append((x, y - 10, x + w, y + 3, text))
    for i, a in enumerate(boxes):
        assert left <= a[0] and a[2] <= right and top <= a[1] and a[3] <= bottom, f"label {a[4]} outside the plot"
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), f"{a[4]} overlaps {b[4]}"
    return len(frontier), xs


def check_sweep(binary, data, tmp):
    """estimate --plot --sweep concurrency: TTFT, TPOT and throughput at 1, 2, 4, ... in flight, each
    as estimate --concurrency N --format json predicts it."""
    path = os.path.join(tmp, "sweep.svg")
    base = [binary, "--data-dir", data, "estimate", "--model", "llama-3.1-70b", "--hardware", "h100-sxm",
            "--tp", "4", "--precision", "fp8", "--engine", "vllm"]
    r = subprocess.run(base + ["--plot", path, "--sweep", "concurrency"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    root = ET.parse(path).getroot()
    points = [c for c in root.iter(SVG + "circle") if c.get("class") == "sweep-point"]
    by_metric = {}
    for c in points:
        by_metric.setdefault(c.get("data-metric"), []).append(c)
    assert sorted(by_metric) == ["throughput", "tpot", "ttft"], sorted(by_metric)
    levels = [float(c.get("data-concurrency")) for c in by_metric["ttft"]]
    assert levels[:4] == [1, 2, 4, 8] and levels == sorted(levels), levels
    for level in (1, 4, levels[-1]):
        j = json.loads(subprocess.run(base + ["--concurrency", f"{level:g}", "--format", "json"],
                                      capture_output=True, text=True, check=True).stdout)["metrics"]
        for metric, key in (("ttft", "ttft_ms"), ("tpot", "tpot_ms"), ("throughput", "output_tokens_per_s")):
            value = next(float(c.get("data-value")) for c in by_metric[metric]
                         if float(c.get("data-concurrency")) == level)
            assert abs(value - j[key]) <= 0.001 * abs(j[key]) + 0.05, (metric, level, value, j[key])
    print(f"ok: estimate sweep at {len(levels)} concurrencies up to {levels[-1]:g}")


def main():
    binary, data, tmp = sys.argv[1:4]
    os.makedirs(tmp, exist_ok=True)
    largest_frontier, scales = 0, set()
    for args in QUERIES:
        n, xs = check(binary, data, tmp, args)
        largest_frontier = max(largest_frontier, n)
        scales.add(xs)
        print(f"ok: {' '.join(args)}: frontier of {n}, x scale {xs}")
    n, _ = check(binary, data, tmp, ["--model", "70b", "--qps", "50", "--tpot", "1ms"])
    assert n == 0
    # The queries must exercise what is checked: a frontier line and both kinds of axis.
    assert largest_frontier >= 3, largest_frontier
    assert {"log", "linear"} <= scales, scales
    check_sweep(binary, data, tmp)


if __name__ == "__main__":
    main()
