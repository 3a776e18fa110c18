#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (preset "fuzz": ASan+UBSan, coverage-guided) and runs
# each for SECONDS (default 30) from its seed corpus in tests/fuzz/corpus/. Any crash, leak,
# sanitizer report or hang (a single input over 10 s) fails the run; the failing input is left
# in build/fuzz/artifacts/.
#   bash tests/fuzz/run.sh 600      # the 10-minute run reported in issue notes
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2
mkdir -p build/fuzz/artifacts build/fuzz/work
status=0
passed=0
failed=0
for harness in hardware_profile hf_config quantities cli; do
  work="build/fuzz/work/$harness"
  rm -rf "$work" && mkdir -p "$work"
  echo "fuzz_$harness: ${seconds}s"
  if ! "build/fuzz/fuzz_$harness" "$work" "tests/fuzz/corpus/$harness" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=8192 -artifact_prefix="build/fuzz/artifacts/${harness}-" -print_final_stats=1 \
      >"build/fuzz/$harness.log" 2>&1; then
    echo "fuzz_$harness FAILED:"; tail -40 "build/fuzz/$harness.log"; status=1; failed=$((failed + 1))
  else
    grep -E "stat::number_of_executed_units|Done" "build/fuzz/$harness.log" | tail -2
    passed=$((passed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
exit $status
