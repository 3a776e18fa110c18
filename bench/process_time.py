#!/usr/bin/env python3
"""Median wall time of whole llmhw processes (start, load, search, print).

  python3 bench/process_time.py [--runs 30] [--binary build/release/llmhw] [-- args...]

Default command: llmhw recommend --model 70b --qps 50 (output discarded). Prints the median,
the 10th and 90th percentiles and the minimum, in milliseconds.
"""
import argparse
import statistics
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--binary", default="build/release/llmhw")
    parser.add_argument("args", nargs="*", default=["recommend", "--model", "70b", "--qps", "50"])
    opts = parser.parse_args()
    times = []
    for _ in range(opts.runs):
        start = time.perf_counter()
        done = subprocess.run([opts.binary, *opts.args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1e3)
        if done.returncode not in (0, 3):
            print(f"{opts.binary} exited with {done.returncode}", file=sys.stderr)
            return 1
    deciles = statistics.quantiles(times, n=10)
    print(f"{' '.join(opts.args)}: median {statistics.median(times):.1f} ms "
          f"(p10 {deciles[0]:.1f}, p90 {deciles[-1]:.1f}, min {min(times):.1f}) over {opts.runs} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
