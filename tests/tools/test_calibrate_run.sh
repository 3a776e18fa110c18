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
  "groups": [{ "name": "test", "hardware": ["h100-sxm", "l4", "tpu-v6e"], "family": "fam" },
             { "name": "other", "hardware": ["mi300x"], "family": "fam" }]
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

# Both groups are one family: each device is held out of a fit on the family's other devices, so
# MI300X (alone in its group) is predicted from the test group's trtllm rows.
grep -q '^other/trtllm,hardware,' "$holdout" || fail "MI300X not held out of a fit on its family"
eff=$data/efficiency.json
# measured_hardware lists the devices with rows (tpu-v6e is in the group but has none).
tr -d ' \n' < "$eff" | grep -q '"group":"test","hardware":\["h100-sxm","l4","tpu-v6e"\],"engine":"trtllm","rows":16,"measured_hardware":\["h100-sxm","l4"\]' ||
  fail "test/trtllm's measured_hardware is not [h100-sxm, l4]"
tr -d ' \n' < "$eff" | grep -q '"engine":"trtllm","rows":8,"measured_hardware":\["mi300x"\]' ||
  fail "other/trtllm's measured_hardware is not [mi300x]"
# Every fitted entry has family_bounds; with fewer than 30 held-out rows per metric the band is at
# least a factor 2 either way (calibrate's band()).
[ "$(grep -c '"family_bounds"' "$eff")" = "$(grep -c '"measured_hardware"' "$eff")" ] || fail "an entry lacks family_bounds"
# by_kind is generated: the gpu defaults' bandwidth efficiency is the lower of the two groups'
# all-engine fits (both groups are GPUs); the hand-written defaults are kept as by_kind_physics
# (the fixture's 0.8), and the CPU kind, with no fitted group, keeps its physics defaults and band.
kinds=$(awk '/"by_kind": \{/,/"bounds_by_kind"/' "$eff")
gpu_bw=$(echo "$kinds" | awk '/"gpu": \{/ { g = 1 } g && /"memory_bandwidth"/ { gsub(/[ ,]/, ""); split($0, a, ":"); print a[2]; exit }')
low_bw=$(awk '/"engine": "\*"/ { star = 1 } star && /"memory_bandwidth"/ { gsub(/[ ,]/, ""); split($0, a, ":"); print a[2]; star = 0 }' "$eff" |
  sort -g | head -1)
[ -n "$gpu_bw" ] && [ "$gpu_bw" = "$low_bw" ] || fail "by_kind.gpu.memory_bandwidth $gpu_bw is not the lowest group fit's $low_bw"
awk '/"by_kind_physics": \{/,/^  \}/' "$eff" | grep -q '"memory_bandwidth": 0.8,' || fail "by_kind_physics lost the fixture's gpu 0.8"
tr -d ' \n' < "$eff" | grep -q '"bounds_by_kind":{"gpu":{[^}]*},"tpu":{[^}]*},"accelerator":{[^}]*},"cpu":{"ttft":\[0.3,3.0\],"tpot":\[0.5,2.0\],"throughput":\[0.4,2.5\]}' ||
  fail "the CPU band changed though no CPU group was fitted"
# Each group is predicted with the other group's defaults (leave-one-group-out): 16 + 8 rows.
[ "$(grep -c ',group,' "$holdout")" = 24 ] || fail "not 24 leave-one-group-out predictions"

# The report's held-out table: all 24 rows (each device held out of its family's fit), also with
# the closed-loop factors as fitted.
"$accuracy" --data "$data" --rows "$scratch/rows.csv" > "$scratch/report.md" 2> "$scratch/log" ||
  { cat "$scratch/log"; fail "accuracy exited $?"; }
for set in "hardware: held out" "hardware: held out, closed-loop factors as fitted" "hardware: the same rows, fitted"; do
  grep -q "^| $set | 24 |" "$scratch/report.md" || fail "report has no '$set' line over 24 rows"
done
# Per vendor (NVIDIA: H100 and L4, 16 rows, 8 TPOT; AMD: MI300X, 8 rows, 4 TPOT; no others), held
# out and in-sample; coverage per tier counts every row once per tier.
[ "$(grep -c '^| NVIDIA | 16 | 8 | ' "$scratch/report.md")" = 3 ] || fail "NVIDIA is not 16 rows (8 TPOT) in the three vendor tables"
[ "$(grep -c '^| AMD | 8 | 4 | ' "$scratch/report.md")" = 3 ] || fail "AMD is not 8 rows (4 TPOT) in the three vendor tables"
[ "$(grep -c '^| Google | 0 | – |' "$scratch/report.md")" = 3 ] || fail "Google has rows"
for tier in measured family datasheet; do
  grep -q "^| $tier | [0-9]*% | 24 |" "$scratch/report.md" || fail "the $tier tier's coverage is not over 24 rows"
done
# The AMD held-out TPOT median measured / predicted, recomputed from the held-out predictions.
ratio=$(awk -F, 'NR == FNR { if ($2 == "hardware") p[$3] = $4; next }
                 FNR > 1 && $5 == "mi300x" && $18 == "tpot_ms" { print $19 / p[$1] }' \
          "$holdout" "$data/calibration/observations.csv" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (v[2] + v[3]) / 2 }')
grep -q "^| AMD | 8 | 4 | [^|]* | $ratio |" "$scratch/report.md" ||
  fail "AMD held-out TPOT median measured / predicted is not $ratio"
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

# Vendor-shared per-layer overhead (fit_groups.json shared_by_vendor): H100 and L4 in groups of
# their own, both NVIDIA. Shared, each group's fit holds the pooled value; a group marked
# "shared_by_vendor": false (its rows ran an engine build the others do not share) neither takes
# the pool nor adds its first pass to the other's: the H100 group then holds its own first pass.
shared=$scratch/shared
cp -r "$data" "$shared" || exit 1
cat > "$shared/calibration/fit_groups.json" <<'JSON'
{
  "min_rows_per_engine": 4,
  "min_rows_any_engine": 4,
  "prior": { "prefill_compute": { "centre": 0.6, "weight": 0.05 } },
  "shared_by_vendor": { "factors": ["layer_overhead_us"] },
  "groups": [{ "name": "h100grp", "hardware": ["h100-sxm"] },
             { "name": "l4grp", "hardware": ["l4"], "shared_by_vendor": false }]
}
JSON
"$calibrate" --data "$shared" --only h100grp/trtllm 2> "$scratch/log" || { cat "$scratch/log"; fail "calibrate (shared) exited $?"; }
own=$(grep '^first pass h100grp/trtllm:' "$scratch/log" | sed 's/.*, \([0-9.]*\) us\/layer$/\1/')
grep -q "^h100grp/trtllm: shared across nvidia groups: $own\$" "$scratch/log" ||
  fail "h100grp does not hold its own first pass ($own us/layer) with l4grp apart"
"$calibrate" --data "$shared" --only l4grp/trtllm 2> "$scratch/log" || { cat "$scratch/log"; fail "calibrate (apart) exited $?"; }
! grep -q '^l4grp/trtllm: shared across' "$scratch/log" || fail "l4grp, marked apart, took the shared overhead"
sed -i 's/, "shared_by_vendor": false//' "$shared/calibration/fit_groups.json"
"$calibrate" --data "$shared" --only l4grp/trtllm 2> "$scratch/log" || { cat "$scratch/log"; fail "calibrate (pooled) exited $?"; }
grep -q '^l4grp/trtllm: shared across nvidia groups:' "$scratch/log" || fail "l4grp, not apart, did not take the shared overhead"

"$calibrate" --data "$data" --bogus 2> /dev/null && fail "an unknown option was accepted"
[ "$failures" -eq 0 ] && echo "calibrate: all checks passed"
exit "$failures"
