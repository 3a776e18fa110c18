#!/usr/bin/env python3
"""Accuracy of `llmhw estimate --prefill SPEC --decode SPEC` against measured disaggregated runs.

  python3 bench/disaggregated_validation.py [--binary build/release/llmhw] [--rows] [--csv OUT] [--breakdown]

Reads two files of data/calibration/external/ (see data/calibration/README.md):
  - silicon_disaggregated.csv: aiconfigurator's silicon sample, disaggregated TRT-LLM, SGLang and
    vLLM closed-loop runs with per-side workers, TP, attention DP and MoE EP;
  - inferencex.csv: the rows with disagg=True in `notes` (Dynamo with TRT-LLM or SGLang), per-side
    GPUs, workers, TP/EP and attention-DP in `notes`.
Predicts each run with the same model, device, engine, weight precision, lengths, concurrency and
per-side layout, and prints the mean absolute percentage error (MAPE) of TTFT and TPOT, overall and
per device, engine and source.

No parameter of the disaggregated model is fitted to any of these rows (the efficiencies are the
aggregated fits of data/efficiency.json), so every row is held out of the disaggregated fit. The
`held-out model` line restricts to rows whose model family was not in the aggregated fit of the
row's device group either (DeepSeek on H100: the hopper fit saw only Qwen3 and Llama rows).

--breakdown adds where the TTFT error comes from: the parts of the predicted TTFT (prefill, prefill
queueing, KV transfer, decode-slot wait, the rest: the engine's request latency), the rows sorted
into kinds of miss with each kind's share of the summed absolute error, the first-token waits split
by the prefill and decode layouts, and the TPOT ratio with and without attention DP on the decode
side (docs/estimation.md "Disaggregated validation").

Rows are skipped, with the count per reason: devices without a profile (GB300), runs whose worker
counts are not recorded (most of the silicon sample's 2026-03/04 rows), speculative decoding
(spec_method=mtp), InferenceX rows without a mean TTFT.
"""
import argparse
import collections
import csv
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXT = os.path.join(HERE, "..", "data", "calibration", "external")

MODELS = {
    "deepseek-ai/DeepSeek-R1": "deepseek-r1",
    "deepseek-ai/DeepSeek-V3": "deepseek-v3",
    "Qwen/Qwen3-32B": "qwen3-32b",
    "nvidia/Qwen3-32B-NVFP4": "qwen3-32b",
    "Qwen/Qwen3-235B-A22B-FP8": "qwen3-235b-a22b",
}
SYSTEMS = {"gb200": "gb200", "b200_sxm": "b200", "b300_sxm": "b300", "h100_sxm": "h100-sxm",
           "b200": "b200", "b300": "b300", "h100": "h100-sxm", "h200": "h200-sxm"}
ENGINES = {"trtllm": "trtllm", "sglang": "sglang", "vllm": "vllm", "dynamo-trt": "trtllm",
           "dynamo-sglang": "sglang"}
# (device, model family) pairs the aggregated fit had rows for (data/calibration/serving_ttft_tpot.csv,
# InferenceX aggregated rows): a row outside them is held out by model as well.
HOPPER = {"h100-sxm", "h200-sxm"}


def spec(workers, tp, dp, ep):
    return f"workers={workers},tp={tp},dp={dp},ep={ep}"


def silicon_rows(skipped):
    with open(os.path.join(EXT, "silicon_disaggregated.csv"), newline="") as f:
        for r in csv.DictReader(f):
            hw = SYSTEMS.get(r["system"])
            if not hw:
                skipped[f"no profile for {r['system']}"] += 1
                continue
            if not r["prefill_num_workers"] or not r["decode_num_workers"]:
                skipped["silicon: worker counts not recorded"] += 1
                continue
            src = dict(kv.split("=", 1) for kv in (x.strip() for x in r["silicon_data_source"].split(";")) if "=" in kv)
            if "silicon_concurrency" not in src:
                skipped["silicon: concurrency not recorded"] += 1
                continue
            sides = []
            for side in ("prefill", "decode"):
                tp, dp = int(r[f"{side}_tp_size"]), int(r[f"{side}_attention_dp_size"])
                # tp_size is the attention TP; tp x dp = moe_tp x moe_ep = the worker's GPUs.
                ep = max(1, int(r[f"{side}_moe_ep_size"] or 1))
                sides.append(spec(r[f"{side}_num_workers"], tp, dp, ep))
            yield {
                "source": "silicon", "id": r["id"], "model": MODELS[r["model_path"]], "hardware": hw,
                "engine": ENGINES[r["backend"]], "precision": "fp4" if r["precision"] == "fp4" else "fp8",
                "isl": r["isl"], "osl": r["osl"], "concurrency": src["silicon_concurrency"],
                "prefill": sides[0], "decode": sides[1],
                "ttft": float(r["silicon_ttft_ms"]), "tpot": float(r["silicon_tpot_ms"]),
                # The run's decode max batch per engine instance (attention-DP rank), when recorded.
                "max_batch": r["decode_batch_size"],
                "version": r["backend_version"],
            }


def inferencex_rows(skipped):
    with open(os.path.join(EXT, "inferencex.csv"), newline="") as f:
        for i, r in enumerate(csv.DictReader(f), start=1):
            n = dict(kv.split("=", 1) for kv in (x.strip() for x in r["notes"].split(";")) if "=" in kv)
            if n.get("disagg") != "True":
                continue
            if n.get("spec_method", "none") != "none":
                skipped["inferencex: speculative decoding"] += 1
                continue
            hw = SYSTEMS.get(r["hardware"])
            engine = ENGINES.get(r["engine"])
            if not hw or not engine:
                skipped[f"inferencex: no profile or engine for {r['hardware']}/{r['engine']}"] += 1
                continue
            if not r["ttft_ms_mean"] or not r["tpot_ms_mean"]:
                skipped["inferencex: no mean TTFT/TPOT"] += 1
                continue
            sides = []
            for side in ("prefill", "decode"):
                gpus = int(n.get(f"num_{side}_gpu", 0) or 0)
                workers = int(n.get(f"{side}_num_workers", 0) or 0)
                tp = int(n.get(f"{side}_tp", r["tp"] if side == "decode" else 0) or 0)
                ep = int(n.get(f"{side}_ep", r["ep"] if side == "decode" else 1) or 1)
                if not gpus or not tp or workers <= 0:
                    sides = None
                    break
                per_worker = gpus // workers
                dp_attn = n.get(f"{side}_dp_attention") == "True"
                # Attention DP: the worker's GPUs each run attention for their own sequences.
                layout = (1, per_worker) if dp_attn else (per_worker, 1)
                sides.append(spec(workers, layout[0], layout[1], min(ep, per_worker)))
            if not sides:
                skipped["inferencex: per-side workers not recorded"] += 1
                continue
            yield {
                "source": "inferencex", "id": f"x{i}", "model": "deepseek-r1", "hardware": hw,
                "engine": engine, "precision": r["precision"], "isl": r["isl"], "osl": r["osl"],
                "concurrency": r["concurrency"], "prefill": sides[0], "decode": sides[1],
                "ttft": float(r["ttft_ms_mean"]), "tpot": float(r["tpot_ms_mean"]), "max_batch": "",
                "version": r.get("engine_version", ""),
            }


def predict(binary, row):
    args = [binary, "estimate", "--model", row["model"], "--hardware", row["hardware"],
            "--engine", row["engine"], "--precision", row["precision"],
            "--input-tokens", row["isl"], "--output-tokens", row["osl"],
            "--concurrency", row["concurrency"], "--prefill", row["prefill"], "--decode", row["decode"],
            "--format", "json"]
    if row["max_batch"]:
        args += ["--max-batch", row["max_batch"]]
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        return None, run.stderr.strip() or f"exit {run.returncode}"
    out = json.loads(run.stdout)
    metrics = dict(out["metrics"])
    metrics["disaggregated"] = out.get("disaggregated", {})
    return metrics, None


def mape(pairs):
    return 100 * sum(abs(p - m) / m for p, m in pairs) / len(pairs) if pairs else float("nan")


def side(spec_text):
    return {k: int(v) for k, v in (kv.split("=") for kv in spec_text.split(","))}


def miss_kind(row, ttft, part):
    """The kind of TTFT miss of one row (for --breakdown)."""
    ratio = ttft / row["ttft"]
    decode_s = (int(row["osl"]) - 1) * row["tpot"]
    queued = part["prefill"]["queue_ms"] + part["decode"]["slot_wait_ms"]
    if ratio < 0.5 and row["ttft"] > 0.1 * decode_s and queued < 0.3 * row["ttft"]:
        return "under: first token waits > 10% of the decode, no queue predicted"
    if ratio > 1.5 and part["limited_by"] == "prefill":
        return "over: prefill side saturated in the model"
    if ratio > 1.5 and part["prefill"]["queue_ms"] > 0.5 * ttft:
        return "over: prefill queueing > half the prediction"
    if ratio > 1.5:
        return "over: little queueing predicted"
    if ratio < 2 / 3:
        return "under: other"
    return "within 1.5x"


def breakdown(results, parts):
    """Where the TTFT error comes from (--breakdown)."""
    def median(xs):
        return statistics.median(xs) if xs else float("nan")

    print("\npredicted TTFT, median share of each part:")
    names = [("prefill", lambda p: p["prefill"]["prefill_ms"]), ("prefill queueing", lambda p: p["prefill"]["queue_ms"]),
             ("KV transfer", lambda p: p["kv_transfer"]["ms_per_request"]),
             ("decode-slot wait", lambda p: p["decode"]["slot_wait_ms"])]
    for name, get in names:
        shares = [get(parts[id(r)]) / t for r, t, _ in results]
        print(f"  {name:<18} {100 * median(shares):5.1f}%  (max {100 * max(shares):5.1f}%)")
    rest = [1 - sum(get(parts[id(r)]) for _, get in names) / t for r, t, _ in results]
    print(f"  {'the rest':<18} {100 * median(rest):5.1f}%  (the request latency of the aggregated fit)")
    total = sum(abs(t - r["ttft"]) / r["ttft"] for r, t, _ in results)
    kinds = collections.defaultdict(list)
    for r, t, p in results:
        kinds[miss_kind(r, t, parts[id(r)])].append((r, t, p))
    print("\nTTFT misses by kind:")
    print(f"  {'kind':<66} {'rows':>4}  {'MAPE':>6}  share of error")
    for kind, sel in sorted(kinds.items()):
        err = sum(abs(t - r["ttft"]) / r["ttft"] for r, t, _ in sel)
        print(f"  {kind:<66} {len(sel):>4}  {100 * err / len(sel):5.1f}%  {100 * err / total:5.1f}%")
    print("\nfirst-token waits (the first kind) by layout:")
    layouts = collections.defaultdict(lambda: [0, 0])
    for r, t, _ in results:
        pre, dec = side(r["prefill"]), side(r["decode"])
        key = (r["engine"], "prefill dp>1" if pre["dp"] > 1 else "prefill dp=1",
               "decode workers>1" if dec["workers"] > 1 else "decode workers=1")
        layouts[key][0] += 1
        layouts[key][1] += miss_kind(r, t, parts[id(r)]).startswith("under: first token")
    for key, (n, waits) in sorted(layouts.items()):
        print(f"  {' / '.join(key):<50} rows {n:>3}  first-token waits {waits:>3}")
    waits_by_build(results, parts)
    print("\nTPOT measured / predicted (median):")
    for label, want in (("decode attention DP", True), ("decode without attention DP", False)):
        sel = [p / r["tpot"] for r, _, p in results if (side(r["decode"])["dp"] > 1) == want]
        print(f"  {label:<28} rows {len(sel):>3}  {median([1 / x for x in sel]):.2f}")


def random_routing_wait(n, stations, slots, decode_s, think_s):
    """Mean wait for a decode slot if each request went to one of `stations` decode engines at
    random, whatever their free slots (closed network of n requests, mean value analysis with
    Seidmann's multi-server approximation, exponential service). A counterfactual for
    --breakdown, not part of the model."""
    demand = decode_s / stations
    queue, response = 0.0, decode_s
    for k in range(1, n + 1):
        per_station = demand / slots * (1 + queue) + demand * (slots - 1) / slots
        response = stations * per_station
        queue = k / (response + think_s) * per_station
    return max(0.0, response - decode_s)


def waits_by_build(results, parts):
    """The measured first-token wait beyond the prediction as a share of the measured decode time,
    per engine build and layout (silicon rows: the sample sets the concurrency to the decode slots),
    and what load-unaware routing to the decode engines would predict (--breakdown)."""
    print("\nfirst-token wait beyond the prediction / decode time (silicon rows, by build and layout):")
    groups = collections.defaultdict(list)
    for r, t, p in results:
        if r["source"] != "silicon" or not r["max_batch"]:
            continue
        pre, dec = side(r["prefill"]), side(r["decode"])
        decode_s = (int(r["osl"]) - 1) * r["tpot"]
        key = (r["engine"], r["version"], r["hardware"], r["precision"], f"P{pre['workers']}xDP{pre['dp']}" if
               pre["dp"] > 1 else f"P{pre['workers']}xTP{pre['tp']}", f"D{dec['workers']}xDP{dec['dp']}" if
               dec["dp"] > 1 else f"D{dec['workers']}xTP{dec['tp']}")
        groups[key].append((int(r["concurrency"]), (r["ttft"] - t) / decode_s))
    for key, sel in sorted(groups.items()):
        cells = " ".join(f"c{c}:{w:+.2f}" for c, w in sorted(sel))
        print(f"  {' '.join(key):<52} {cells}")
    # Load-unaware routing (each request to a random decode engine: SGLang's mini load balancer
    # picks a random prefill/decode pair and a DP rank by bootstrap_room % dp): the stations are
    # the decode workers (TensorRT-LLM balances its attention-DP ranks by their requests) or, for
    # SGLang, every DP rank of every decode worker.
    pairs = []
    for r, t, p in results:
        if r["source"] != "silicon" or not r["max_batch"]:
            pairs.append((t, r["ttft"]))
            continue
        dec = side(r["decode"])
        stations = dec["workers"] * (dec["dp"] if r["engine"] == "sglang" else 1)
        slots = int(r["max_batch"]) * dec["dp"] * dec["workers"] // stations
        decode_s = (int(r["osl"]) - 1) * p
        extra = random_routing_wait(int(r["concurrency"]), stations, slots, decode_s, t) if stations > 1 else 0
        pairs.append((t + extra, r["ttft"]))
    print(f"  random routing to full decode engines would give TTFT MAPE {mape(pairs):.1f}% "
          f"(the model: {mape([(t, r['ttft']) for r, t, _ in results]):.1f}%)")


def held_out_model(row):
    return row["hardware"] in HOPPER and row["model"].startswith("deepseek")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "build", "release", "llmhw"))
    ap.add_argument("--rows", action="store_true", help="print every row")
    ap.add_argument("--csv", help="write the per-row predictions here")
    ap.add_argument("--breakdown", action="store_true", help="where the TTFT error comes from")
    a = ap.parse_args()
    skipped = collections.Counter()
    rows = list(silicon_rows(skipped))
    # InferenceX republishes some of the silicon sample's runs (the same TTFT and TPOT to the
    # microsecond): count each run once.
    seen = {(r["hardware"], round(r["ttft"], 3), round(r["tpot"], 3)) for r in rows}
    for r in inferencex_rows(skipped):
        if (r["hardware"], round(r["ttft"], 3), round(r["tpot"], 3)) in seen:
            skipped["inferencex: the same run as a silicon row"] += 1
            continue
        rows.append(r)
    results, failures, parts = [], collections.Counter(), {}
    for row in rows:
        m, err = predict(a.binary, row)
        if m is None:
            failures[err.splitlines()[0][:120]] += 1
            continue
        results.append((row, m["ttft_ms"], m["tpot_ms"]))
        parts[id(row)] = m["disaggregated"]
        if a.rows:
            print(f"{row['id']}: {row['hardware']} {row['engine']} {row['model']} c={row['concurrency']} "
                  f"P[{row['prefill']}] D[{row['decode']}] TTFT {m['ttft_ms']:.0f}/{row['ttft']:.0f} "
                  f"TPOT {m['tpot_ms']:.1f}/{row['tpot']:.1f}")
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["source", "id", "hardware", "engine", "model", "concurrency", "prefill", "decode",
                        "ttft_ms", "ttft_ms_predicted", "tpot_ms", "tpot_ms_predicted"])
            for row, t, p in results:
                w.writerow([row["source"], row["id"], row["hardware"], row["engine"], row["model"],
                            row["concurrency"], row["prefill"], row["decode"], row["ttft"], t, row["tpot"], p])

    def line(label, sel):
        sel = list(sel)
        if not sel:
            return
        ttft = mape([(t, r["ttft"]) for r, t, _ in sel])
        tpot = mape([(p, r["tpot"]) for r, _, p in sel])
        print(f"{label:<34} {len(sel):>5}  {ttft:>9.1f}%  {tpot:>9.1f}%")

    print(f"{'subset':<34} {'rows':>5}  {'TTFT MAPE':>10}  {'TPOT MAPE':>10}")
    line("all (held out of the disagg fit)", results)
    line("held-out model (DeepSeek on H100)", (x for x in results if held_out_model(x[0])))
    for key in ("source", "hardware", "engine", "model"):
        for value in sorted({x[0][key] for x in results}):
            line(f"  {key}={value}", (x for x in results if x[0][key] == value))
    if a.breakdown:
        breakdown(results, parts)
    for reason, n in sorted(skipped.items()):
        print(f"skipped {n}: {reason}")
    for reason, n in sorted(failures.items()):
        print(f"not predicted {n}: {reason}")


if __name__ == "__main__":
    sys.exit(main())
