#!/usr/bin/env bash
# completions/_llmhw: `zsh -n`, then real completions through zsh's completion system
# (zsh_complete.zsh drives an interactive zsh in a pseudo-terminal): commands, each command's
# options (exactly the long options `llmhw CMD --help` lists, plus the global ones), option
# values, and hardware/model ids (expected: the file names in the data directories).
# Exits 77 (skipped) when zsh or its zpty module is not installed.
#
# usage: test_zsh_completion.sh LLMHW_BINARY COMPLETION_DIR DATA_DIR FIXTURE_DATA_DIR
set -uo pipefail
binary=$1 completion_dir=$2 data=$3 fixture=$4
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v zsh >/dev/null; then
    echo "zsh is not installed: skipped"
    exit 77
fi
zsh -n "$completion_dir/_llmhw" || { echo "FAIL zsh -n $completion_dir/_llmhw"; exit 1; }
echo "ok   zsh -n $completion_dir/_llmhw"
zsh -fc 'zmodload zsh/zpty' 2>/dev/null || { echo "zsh/zpty is not available: completions not run"; exit 77; }

# The completion runs `llmhw` as typed: put the binary under test first on PATH.
export PATH="$(cd "$(dirname "$binary")" && pwd):$PATH"
export XDG_CONFIG_HOME
XDG_CONFIG_HOME=$(mktemp -d) || exit 1
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
failures=0 checks=0

complete_line() {
    timeout 30 zsh -f "$here/zsh_complete.zsh" "$completion_dir" "$1" | tr -d '\r' | sed '/^$/d' | LC_ALL=C sort -u
}

# expect "EXPECTED WORDS" "COMMAND LINE": the candidates for the line are exactly EXPECTED.
expect() {
    local expected actual
    expected=$(printf '%s\n' $1 | LC_ALL=C sort -u | sed '/^$/d')
    actual=$(complete_line "$2")
    ((checks++))
    if [[ $actual == "$expected" ]]; then
        echo "ok   $2<TAB>: $(echo $actual)"
    else
        echo "FAIL $2<TAB>"
        echo "     expected: $(echo $expected)"
        echo "     got:      $(echo $actual)"
        ((failures++))
    fi
}

ids() { (cd "$1" && for f in "$2"*.json; do [[ -e $f ]] && echo "${f%.json}"; done); }

expect "recommend" "llmhw rec"
expect "calibrate capacity config estimate hardware models recommend validate" "llmhw "
expect "--format" "llmhw recommend --for"
expect "csv json markdown table" "llmhw recommend --format "
expect "json markdown table" "llmhw hardware show --format "
expect "always auto never" "llmhw --color "
expect "show" "llmhw config "
expect "json" "llmhw recommend --format=j"
expect "tpu" "llmhw recommend --kind gpu,t"
expect "fp16 fp4 fp8" "llmhw recommend --precision fp"
expect "bf16 fp16 fp8 int8 int4 fp4 q8_0 q4_0 q4_k_m q3_k_m" "llmhw estimate --precision "
expect "on-demand spot reserved amortized-purchase" "llmhw recommend --pricing "
expect "list show" "llmhw hardware "
expect "$(ids "$data/hardware" tpu)" "llmhw hardware show tpu"
expect "$(ids "$data/hardware" h100)" "llmhw estimate --model 70b --hardware h100"
expect "$(ids "$data/models" deepseek)" "llmhw models show deep"
expect "$(ids "$data/models" qwen3-3)" "llmhw recommend -m qwen3-3"
expect "$(ids "$fixture/hardware" "")" "llmhw --data-dir $fixture recommend --hardware "
expect "amd apple aws" "llmhw recommend --vendor a"
expect "gcp" "llmhw recommend --cloud gc"
expect "cost latency throughput energy" "llmhw recommend --optimize "
expect "$data/models/deepseek-r1.json $data/models/deepseek-v3.json" "llmhw recommend --scenarios $data/models/deepseek"

help_options() { "$binary" "$@" --help | sed -n 's/^  \(-[a-z],\)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p'; }
global=$(help_options | grep -v -x -e --version)
for command in recommend estimate capacity "hardware list" "hardware show" "models list" "models show" "config show" \
    validate calibrate; do
    # shellcheck disable=SC2086
    expect "$( (help_options $command; echo "$global") | LC_ALL=C sort -u)" "llmhw $command --"
done
expect "$("$binary" --help | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p')" "llmhw "
echo "$((checks - failures)) passed, $failures failed"
((failures == 0))
