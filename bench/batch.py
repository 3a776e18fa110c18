#!/usr/bin/env python3
"""Scenarios per second of `llmhw recommend --scenarios` on three seeded sweeps.

  python3 bench/batch.py [--runs 7] [--lines 2000] [--binary build/release/llmhw]

qps:    one model (70B), the request rate from 1 to 200 req/s (what capacity planning sweeps);
mixed:  five models x three TPOT targets, random rates (a model/target comparison);
varied: nine models and random pricing, budgets, objectives, precisions, kinds, length
        spreads and percentile targets (nearly every line a new query shape: the worst case).
Prints, per sweep, the median wall time over the runs, scenarios/s at that median, the best
run, and the CPU time (user + sys) per scenario, which a busy machine disturbs less than wall.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

MODELS = ["70b", "8b", "mixtral-8x7b", "qwen3-32b", "deepseek-v3"]


def qps_sweep(n, rng):
    return [{"qps": round(1 + i * 199 / max(1, n - 1), 3)} for i in range(n)]


def mixed_sweep(n, rng):
    return [{"model": MODELS[i % 5], "qps": round(1 + rng.random() * 100, 2),
             "tpot": rng.choice(["30ms", "50ms", "100ms"])} for i in range(n)]


def varied_sweep(n, rng):
    models = MODELS + ["gpt-oss-120b", "llama-3.1-405b", "1.5b", "gemma-3-27b"]
    lines = []
    for _ in range(n):
        d = {"model": rng.choice(models), "qps": round(10 ** rng.uniform(-1, 3), 3)}
        optional = {
            "tpot": ["20ms", "30ms", "50ms", "100ms", "p90:60ms", "p99:80ms"],
            "ttft": ["200ms", "500ms", "2s", "p90:800ms", "p99:3s"],
            "pricing": ["spot", "reserved", "amortized-purchase", "on-demand"],
            "budget": ["5/h", "30/h", "100/h", "20000/month"],
            "optimize": ["cost", "latency", "throughput", "energy"],
            "precision": ["bf16", "fp8", "int4", "fp4", "bf16,fp8", "auto"],
            "kind": ["gpu", "cpu", "tpu", "gpu,tpu"],
            "input_tokens": ["512", "4096", "1024+-256", "100..8000", "32000"],
            "output_tokens": ["64", "1024", "256+-100", "10..2000"],
        }
        for key, values in optional.items():
            if rng.random() < 0.3:
                d[key] = rng.choice(values)
        lines.append(d)
    return lines


def run(binary, path, runs):
    walls, cpus = [], []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        done = subprocess.run([binary, "recommend", "--model", "70b", "--scenarios", path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(after.children_user + after.children_system - before.children_user - before.children_system)
        if done.returncode not in (0, 3):
            sys.exit(f"{binary} exited with {done.returncode} on {path}")
    return walls, cpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--binary", default="build/release/llmhw")
    opts = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores, {opts.lines} lines, {opts.runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in [("qps", qps_sweep), ("mixed", mixed_sweep), ("varied", varied_sweep)]:
            path = os.path.join(tmp, name + ".jsonl")
            with open(path, "w") as f:
                for line in make(opts.lines, random.Random(20261126)):
                    f.write(json.dumps(line) + "\n")
            walls, cpus = run(opts.binary, path, opts.runs)
            median = statistics.median(walls)
            print(f"{name:7s} median {median:.3f} s = {opts.lines / median:,.0f} scenarios/s "
                  f"(best {opts.lines / min(walls):,.0f}/s); CPU {statistics.median(cpus) / opts.lines * 1e6:.0f} us/scenario")
    return 0


if __name__ == "__main__":
    sys.exit(main())
