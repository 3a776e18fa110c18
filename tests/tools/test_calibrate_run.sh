#!/usr/bin/env bash
# tools/calibrate and tools/accuracy end to end on a tiny synthetic data directory (the fixture
# catalog plus a few dozen made-up observations): calibrate fits, writes efficiency.json with a
# fitted entry per subset and the held-out predictions, and --only writes nothing; accuracy's
# report counts the rows (coverage, per device, held out) and averages them as recomputed here.
# The fitted numbers are not checked (tests/tools/test_fit.cpp checks the fit). Nothing is written
# to the source tree.
#
# usage: test_calibrate_run.sh LLMHW_CALIBRATE FIXTURE_DATA_DIR LLMHW_ACCURACY
set -uo pipefail
calibrate=$1
accuracy=$3
scratch=$(mktemp -d "${TMPDIR:-/tmp}/llmhw-calibrate-test.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
data=$scratch/data
cp -r "$2" "$data" && mkdir -p "$data/calibration" || exit 1
# Llama 3.3 70B: the 3.1 architecture under another id, to be held out together with it.
sed 's/"id": "llama-3.1-70b"/"id": "llama-3.3-70b"/' "$data/models/llama-3.1-70b.json" > "$data/models/llama-3.3-70b.json"
cat > "$data/calibration/fit_groups.json" <<'JSON'
{
  "min_rows_per_engine": 4,
  "min_rows_any_engine": 4,
  "prior": {
    "prefill_compute": { "centre": 0.6, "weight": 0.05 },
    "request_latency_ms": { "centre": 100, "weight": 0.002, "engine_wide": true }
  },
  "groups": [{ "name": "test", "hardware": ["h100-sxm", "l4"] }, { "name": "other", "hardware": ["mi300x"] }]
}
JSON
{
  echo "obs_id,source,source_row,model,hardware,engine,precision,kv_precision,tp,pp,dp,moe_tp,moe_ep,devices,isl,osl,concurrency,metric,value,status,note"
  n=0
  for row in "llama-3.1-8b h100-sxm 1" "llama-3.1-70b h100-sxm 4" "llama-3.3-70b h100-sxm 8" "llama-3.1-8b l4 1" "llama-3.1-8b mi300x 1" \
    "llama-3.1-70b mi300x 1"; do
    read -r model hw tp <<< "$row"
    for c in 1 8; do
      n=$((n + 1))
      echo "s$n-ttft,serving,$n,$model,$hw,trtllm,fp8,fp8,$tp,1,1,$tp,1,$tp,1024,256,$c,ttft_ms,$((150 + 20 * c)),mapped,"
      echo "s$n-tpot,serving,$n,$model,$hw,trtllm,fp8,fp8,$tp,1,1,$tp,1,$tp,1024,256,$c,tpot_ms,$((10 + c)),mapped,"
    done
  done
} > "$data/calibration/observations.csv"

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$calibrate" --data "$data" --write 2> "$scratch/log" || { cat "$scratch/log"; fail "calibrate --write exited $?"; }
grep -q '"group": "test"' "$data/efficiency.json" || fail "efficiency.json has no fitted entry for the test group"
# The engine-wide request latency of each group's fit is centred on the other group's first pass.
grep -q '^first pass other/trtllm: 4 TTFT rows' "$scratch/log" || fail "no first-pass fit of other/trtllm"
grep '^test/trtllm: request_latency_ms centred on' "$scratch/log" | grep -qv 'on 100.000 ' ||
  fail "test/trtllm not centred on other/trtllm's fit"
# Its weight is 0.002 x the other group's TTFT rows / the fit's own: 0.002 x 4 / 8 for the test
# group (8 TTFT rows), 0.002 x 8 / 4 for the other (4).
grep -q '^test/trtllm: request_latency_ms centred on .* at weight 0.0010$' "$scratch/log" ||
  fail "test/trtllm's centre not weighted 0.002 x 4 / 8"
grep -q '^other/trtllm: request_latency_ms centred on .* at weight 0.0040$' "$scratch/log" ||
  fail "other/trtllm's centre not weighted 0.002 x 8 / 4"
# Models of one architecture are held out together: never one while the other stays in the fit.
grep -q '^  without llama-3.1-70b+llama-3.3-70b ' "$scratch/log" || fail "Llama 3.1 and 3.3 70B not held out together"
! grep -q '^  without llama-3.3-70b ' "$scratch/log" || fail "Llama 3.3 70B held out alone"
# The all-engine fit is centred on every engine's first pass on the other groups: here the same.
[ "$(grep '^test/trtllm: request_latency_ms' "$scratch/log" | cut -d' ' -f4)" = \
  "$(grep '^test/\*: request_latency_ms' "$scratch/log" | cut -d' ' -f4)" ] ||
  fail "the all-engine fit's centre differs from the only engine's"
grep -q '"engine": "trtllm"' "$data/efficiency.json" || fail "efficiency.json has no trtllm entry"
holdout=$data/calibration/holdout_predictions.csv
head -1 "$holdout" | grep -qx 'subset,held_out,obs_id,predicted' || fail "holdout_predictions.csv header"
grep -q '^test/trtllm,model,' "$holdout" || fail "no leave-one-model-out predictions"
grep -q '^test/trtllm,hardware,' "$holdout" || fail "no leave-one-hardware-out predictions"
grep -q '^test/trtllm,hardware-factors,' "$holdout" ||
  fail "no leave-one-hardware-out predictions with the closed-loop factors as fitted"
# The all-engine fit's held-out rows are left out where the engine has its own fit.
! grep -q '^test/\*,' "$holdout" || fail "the all-engine fit's held-out rows repeat the trtllm fit's"

# The report's held-out table: the test group's 16 rows (its two devices, each held out), also
# with the closed-loop factors as fitted; the other group has one device and none.
"$accuracy" --data "$data" --rows "$scratch/rows.csv" > "$scratch/report.md" 2> "$scratch/log" ||
  { cat "$scratch/log"; fail "accuracy exited $?"; }
for set in "hardware: held out" "hardware: held out, closed-loop factors as fitted" "hardware: the same rows, fitted"; do
  grep -q "^| $set | 16 |" "$scratch/report.md" || fail "report has no '$set' line over 16 rows"
done
# Coverage and the per-device tables count the made-up rows above: all 24 fit, 12 on H100, 4 on
# L4 and 8 on MI300X.
grep -q '^24 of 24 measured numbers predicted (100.0%)' "$scratch/report.md" || fail "coverage is not 24 of 24"
for row in "h100-sxm | 12" "l4 | 4" "mi300x | 8"; do
  grep -q "^| $row |" "$scratch/report.md" || fail "the by-hardware table has no '$row' line"
done
# The overall TTFT MAPE, recomputed from the per-row predictions, matches the table's.
mape=$(awk -F, 'NR > 1 && $14 == "ttft_ms" { s += ($16 > $15 ? $16 - $15 : $15 - $16) / $15; n++ }
                END { printf "%.1f%%", 100 * s / n }' "$scratch/rows.csv")
grep -q "^| all | 24 | [^|]* | [^|]* | $mape |" "$scratch/report.md" || fail "overall TTFT MAPE is not $mape"

before=$(md5sum "$data/efficiency.json" "$holdout")
"$calibrate" --data "$data" --only test/trtllm 2> "$scratch/log" || fail "calibrate --only exited $?"
grep -q '^test/trtllm: 16 rows' "$scratch/log" || { cat "$scratch/log"; fail "--only did not fit test/trtllm's 16 rows"; }
[ "$before" = "$(md5sum "$data/efficiency.json" "$holdout")" ] || fail "--only wrote a file"

"$calibrate" --data "$data" --bogus 2> /dev/null && fail "an unknown option was accepted"
[ "$failures" -eq 0 ] && echo "calibrate: all checks passed"
exit "$failures"
