#!/usr/bin/env python3
"""Acceptance and step cost of InferenceX's MTP runs against llmhw's speculative-decoding model.

tools/mtp_accuracy.py checks the TPOT of `llmhw estimate --speculative mtp` on InferenceX's
single-node MTP runs. This script splits that TPOT into its two factors, each checked on its own:

  TPOT = (verification step + K drafter passes) / tokens kept per step (the acceptance, tau)

1. Acceptance. Where an engine streams every step, a streamed chunk holds the tokens one step keeps,
   so ITL (per chunk) / TPOT (per token) measures tau. The runs without speculation show which
   engines do: their ITL / TPOT is 1.00 for ATOM and SGLang on MI355X (one token per chunk), 9.95
   for TensorRT-LLM (a chunk every 10 iterations, so tau = ratio / 10), 10 to 30 for SGLang on
   NVIDIA, whose InferenceX scripts set --stream-interval 30 (a chunk every 30 tokens, which says
   nothing about tau). Printed beside llmhw's published default for the K the run used.
2. Step cost. A run with MTP and a run without it at the same engine, device, precision, layout,
   lengths and concurrency measure the step ratio (TPOT_mtp x tau) / TPOT_plain: what one
   speculative step (verification of K + 1 tokens per sequence plus the drafter) costs against a
   plain decode step. llmhw's ratio is its own (TPOT_mtp x tau_default) / TPOT_plain.

  python3 tools/mtp_acceptance.py build/release/llmhw [--rows]
"""
import statistics
import sys
import tempfile
from pathlib import Path

import mtp_accuracy as ma

# Tokens per streamed chunk when decoding without speculation, per engine and device kind: the
# divisor that turns ITL / TPOT into tokens per step (None: the chunk is not a step).
STEPS_PER_CHUNK = {("atom", "amd"): 1, ("sglang", "amd"): 1, ("trt", "nvidia"): 10, ("sglang", "nvidia"): None}


def default_tau(k):
    """llmhw's default MTP acceptance (src/core/speculative.cpp): 1 + 0.875 (1 + 0.615 + ...)."""
    return 1 + 0.875 * sum(0.615 ** i for i in range(k))


def plain_runs():
    """Newest run without speculation per configuration: TPOT (mean, else median)."""
    plain = {}
    for r in ma.csv.DictReader((ma.ROOT / "data/calibration/external/inferencex.csv").open(encoding="utf-8")):
        n = ma.notes_of(r["notes"])
        if n.get("spec_method") != "none" or n.get("disagg") != "False" or n.get("is_multinode") != "False":
            continue
        tpot = r["tpot_ms_mean"] or n.get("median_tpot_ms", "")
        if tpot and (key(r, n) not in plain or n.get("date", "") >= plain[key(r, n)][1]):
            plain[key(r, n)] = (float(tpot), n.get("date", ""))
    return {k: v[0] for k, v in plain.items()}


def key(r, n):
    return (r["engine"], r["hardware"], r["precision"], r["tp"], r["ep"], n.get("decode_dp_attention"), r["isl"],
            r["osl"], r["concurrency"])


def measured_tau(r):
    steps = STEPS_PER_CHUNK.get((r["engine"], "amd" if r["hardware"].startswith("mi") else "nvidia"))
    if not steps or not r["itl_ms_mean"] or not r["tpot_ms_mean"]:
        return None
    return float(r["itl_ms_mean"]) / float(r["tpot_ms_mean"]) / steps


def main():
    llmhw = sys.argv[1] if len(sys.argv) > 1 else str(ma.ROOT / "build/release/llmhw")
    show_rows = "--rows" in sys.argv
    argv0 = sys.argv[:1]  # mtp_accuracy.predict reads --plain from sys.argv
    selected = ma.rows()
    plain = plain_runs()
    scratch = tempfile.TemporaryDirectory(prefix="llmhw-mtp-")
    data_dir = ma.data_subset(Path(scratch.name), {ma.HARDWARE[r["hardware"]] for r, _, _ in selected})
    taus, ratios = {}, {}
    for r, n, measured in selected:
        k = ma.draft_tokens(r["engine"], r["hardware"], n.get("decode_dp_attention") == "True", r["precision"],
                            n.get("date", ""))
        tau = measured_tau(r)
        # More tokens per step than K + 1 cannot be: such runs drafted more than the K assumed
        # (ATOM's MTP default is 1; its later fp8 runs keep 2.5-2.7 tokens per step).
        group = f"{r['engine']}/{r['hardware']} K={k}" + ("+" if tau and tau > k + 1 else "")
        if tau is not None:
            taus.setdefault(group, []).append(tau)
        base = plain.get(key(r, n))
        if tau is None or base is None:
            continue
        sys.argv = argv0
        spec, _ = ma.predict(llmhw, data_dir, r, n)
        sys.argv = argv0 + ["--plain"]
        flat, _ = ma.predict(llmhw, data_dir, r, n)
        if spec is None or flat is None:
            continue
        step = (measured * tau / base, spec * default_tau(k) / flat)
        ratios.setdefault(group, []).append(step)
        if show_rows:
            print(f"{group:22} {r['precision']} isl{r['isl']} osl{r['osl']} c{r['concurrency']:>4}: tau {tau:.2f} "
                  f"(default {default_tau(k):.2f}), step ratio measured {step[0]:.2f} llmhw {step[1]:.2f}")
    print("K+: runs that kept more than K + 1 tokens per step, so drafted more than K\n")
    print(f"{'engine/device K':22} {'runs':>4}  {'tau measured':>12}  {'range':>11}  {'llmhw default':>13}")
    for group, values in sorted(taus.items()):
        k = int(group.rsplit("=", 1)[1].rstrip("+"))
        print(f"{group:22} {len(values):>4}  {statistics.mean(values):>12.2f}  {min(values):>5.2f}-{max(values):<5.2f}"
              f"  {default_tau(k):>13.2f}")
    print(f"\n{'engine/device K':22} {'pairs':>5}  {'step ratio measured':>19}  {'llmhw':>6}")
    for group, pairs in sorted(ratios.items()):
        print(f"{group:22} {len(pairs):>5}  {statistics.mean(p[0] for p in pairs):>19.2f}  "
              f"{statistics.mean(p[1] for p in pairs):>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
