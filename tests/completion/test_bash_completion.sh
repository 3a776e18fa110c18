#!/usr/bin/env bash
# Sources completions/llmhw.bash in a non-interactive bash, sets COMP_WORDS/COMP_CWORD as bash
# does for a <TAB>, calls _llmhw and compares COMPREPLY with what is expected: commands, each
# command's options (exactly the long options `llmhw CMD --help` lists, plus the global ones),
# option values, and hardware/model ids (expected: the file names in the data directories).
#
# usage: test_bash_completion.sh LLMHW_BINARY COMPLETION_FILE DATA_DIR FIXTURE_DATA_DIR
set -uo pipefail
binary=$1 completion=$2 data=$3 fixture=$4
# shellcheck source=/dev/null
source "$completion" || exit 1
export XDG_CONFIG_HOME
XDG_CONFIG_HOME=$(mktemp -d) || exit 1
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
failures=0 checks=0

# Completes the last of the given words (as typed after `llmhw`); prints COMPREPLY sorted, one a line.
complete_words() {
    COMP_WORDS=("$binary" "$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _llmhw 2>/dev/null
    ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
}

# expect "EXPECTED WORDS" WORD... : the completion of the words is exactly EXPECTED.
expect() {
    local expected actual
    expected=$(printf '%s\n' $1 | LC_ALL=C sort | sed '/^$/d')
    shift
    actual=$(complete_words "$@")
    ((checks++))
    if [[ $actual == "$expected" ]]; then
        echo "ok   llmhw $* <TAB>: $(echo $actual)"
    else
        echo "FAIL llmhw $* <TAB>"
        echo "     expected: $(echo $expected)"
        echo "     got:      $(echo $actual)"
        ((failures++))
    fi
}

# ids: the profile/model file names under a data directory that start with a prefix.
ids() { (cd "$1" && for f in "$2"*.json; do [[ -e $f ]] && echo "${f%.json}"; done); }

expect "recommend" rec
expect "calibrate capacity config estimate hardware models recommend validate" ""
expect "hardware" h
expect "--data-dir" --data
expect "--format" recommend --for
expect "csv json markdown table" recommend --format ""
expect "json" recommend --format j
expect "table json csv markdown" recommend --format = ""
expect "json" hardware list --format = j
expect "json markdown table" hardware show --format ""
expect "csv json markdown table" config show --format ""
expect "show" config ""
expect "always auto" --color a
expect "never" recommend --color n
expect "--plot" recommend --pl
expect "$data/models/deepseek-r1.json $data/models/deepseek-v3.json" recommend --plot "$data/models/deepseek"
expect "json" --data-dir "$data" models show --format j
expect "gpu,tpu" recommend --kind gpu,t
expect "cpu gpu tpu accelerator" hardware list --kind ""
expect "auto" recommend --precision au
expect "fp16 fp4 fp8" recommend --precision fp
expect "bf16,int8 bf16,int4" recommend --precision bf16,in
expect "bf16 fp16 fp8 int8 int4 fp4 q8_0 q4_0 q4_k_m q3_k_m" estimate --precision ""
expect "auto bf16 fp8 int8" estimate --kv-precision ""
expect "on-demand spot reserved amortized-purchase" recommend --pricing ""
expect "spot" recommend --model 70b --pricing s
expect "cost latency throughput energy" recommend --optimize ""
expect "--explain --exclude" recommend --ex
expect "" recommend --e2e ""
expect "llama.cpp" estimate --engine ll
expect "max" estimate --concurrency m
expect "reserved spot" recommend --baseline ""
expect "json table" capacity --format ""
expect "16xh100-nvl 16xh100-pcie 16xh100-sxm" capacity --devices 16xh100
expect "8xl40s,4xl4 8xl40s,4xl40s" capacity --devices 8xl40s,4xl4
expect "$data/models/deepseek-r1.json $data/models/deepseek-v3.json" recommend --load-profile "$data/models/deepseek"
expect "" recommend --qps ""
expect "$data/models/deepseek-r1.json $data/models/deepseek-v3.json" recommend --scenarios "$data/models/deepseek"
expect "list show" hardware ""
expect "show" models s
expect "$(ids "$data/hardware" h100)" estimate --hardware h100
expect "$(ids "$data/hardware" tpu)" hardware show tpu
expect "" hardware show tpu-v6e ""
expect "$(ids "$data/hardware" b2 | sed 's/^/h100-sxm,/')" recommend --exclude h100-sxm,b2
expect "$(ids "$data/models" deepseek)" models show deepseek
expect "$(ids "$data/models" qwen3-3)" recommend --model qwen3-3
expect "$(ids "$data/models" llama-3.1)" estimate -m llama-3.1
# --data-dir on the command line is used for the ids (before or after the command).
expect "$(ids "$fixture/hardware" "")" --data-dir "$fixture" recommend --hardware ""
expect "$(ids "$fixture/models" "")" models show --data-dir "$fixture" ""
expect "amd apple aws" recommend --vendor a
expect "gcp" recommend --cloud gc
# All clouds and vendors of the catalog, as python reads them from the JSON.
catalog_values() {
    "$binary" --data-dir "$data" hardware list --format json | python3 -c "
import json, sys
hw = json.load(sys.stdin)['hardware']
print(' '.join(sorted({c for h in hw for c in h.get('availability', {}).get('clouds', [])})))
print(' '.join(sorted({h['vendor'] for h in hw})))"
}
expect "$(catalog_values | sed -n 1p)" recommend --cloud ""
expect "$(catalog_values | sed -n 2p)" recommend --vendor ""
expect "nvidia,intel" recommend --vendor nvidia,int

# Every command's options: exactly what its --help lists, plus the global options.
help_options() { "$binary" "$@" --help | sed -n 's/^  \(-[a-z],\)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p'; }
global=$(help_options | grep -v -x -e --version)
for command in recommend estimate capacity "hardware list" "hardware show" "models list" "models show" "config show" \
    validate calibrate; do
    # shellcheck disable=SC2086
    expected=$( (help_options $command; echo "$global") | LC_ALL=C sort -u)
    # shellcheck disable=SC2086
    actual=$(complete_words $command -- | LC_ALL=C sort -u)
    ((checks++))
    if [[ $actual == "$expected" ]]; then
        echo "ok   llmhw $command --<TAB>: $(echo $actual | wc -w) options, as --help lists them"
    else
        echo "FAIL llmhw $command --<TAB> differs from --help (< --help, > completion):"
        diff <(echo "$expected") <(echo "$actual") | sed -n 's/^[<>]/     &/p'
        ((failures++))
    fi
done
# The commands are those that `llmhw --help` lists.
expected=$("$binary" --help | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' | LC_ALL=C sort)
((checks++))
if [[ $(complete_words "") == "$expected" ]]; then
    echo "ok   commands as llmhw --help lists them"
else
    echo "FAIL commands differ from llmhw --help: $(echo $expected)"
    ((failures++))
fi
echo "$((checks - failures)) passed, $failures failed"
((failures == 0))
