#!/usr/bin/env bash
# `cmake --install` into a scratch prefix, then the installed llmhw run from another directory:
# it answers `recommend` and `hardware list` from <prefix>/share/llmhw/data (not from the
# checkout), LLMHW_DATA_DIR overrides that, and the man page, completions and docs are installed.
# The scratch directories are removed on exit; nothing is written to the source tree.
#
# usage: test_install.sh CMAKE_COMMAND BUILD_DIR FIXTURE_DATA_DIR
set -uo pipefail
cmake=$1 build=$2
fixture=$(cd "$3" && pwd) || exit 1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/llmhw-install-test.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
mkdir -p "$scratch/elsewhere" "$scratch/config"
failures=0 checks=0
check() { # description, then a command that must succeed
    local what=$1
    shift
    ((checks++))
    if "$@"; then
        echo "ok   $what"
    else
        echo "FAIL $what"
        ((failures++))
    fi
}

if ! "$cmake" --install "$build" --prefix "$prefix" >"$scratch/install.log" 2>&1; then
    echo "FAIL cmake --install $build --prefix $prefix:"
    cat "$scratch/install.log"
    exit 1
fi
echo "ok   cmake --install: $(grep -c '^-- Installing' "$scratch/install.log") files"

for file in bin/llmhw share/man/man1/llmhw.1 share/bash-completion/completions/llmhw \
    share/zsh/vendor-completions/_llmhw share/doc/llmhw/README.md share/doc/llmhw/LICENSE \
    share/llmhw/data/efficiency.json share/llmhw/data/schema/hardware.schema.json \
    share/llmhw/data/schema/recommend.schema.json; do
    check "installed $file" test -s "$prefix/$file"
done
check "installed bin/llmhw is executable" test -x "$prefix/bin/llmhw"

# The installed binary, from another directory, without the developer's environment.
llmhw() { (cd "$scratch/elsewhere" && env -u LLMHW_DATA_DIR XDG_CONFIG_HOME="$scratch/config" "$prefix/bin/llmhw" "$@"); }
count_profiles() { python3 -c 'import json, sys; print(len(json.load(sys.stdin)["hardware"]))'; }

out=$(llmhw recommend --model 70b --qps 50)
code=$?
check "recommend --model 70b --qps 50: exit 0 (got $code)" test "$code" -eq 0
check "recommend --model 70b --qps 50: output on stdout ($(wc -l <<<"$out") lines)" test -n "$out"
ranked=$(llmhw recommend --model 70b --qps 50 --format json |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["recommendations"]))')
check "recommend --model 70b --qps 50 --format json: $ranked recommendations" test "${ranked:-0}" -ge 1

installed_profiles=$(find "$prefix/share/llmhw/data/hardware" -name '*.json' | wc -l)
listed=$(llmhw hardware list --format json | count_profiles)
check "hardware list: $listed profiles, as installed ($installed_profiles)" test "$listed" -eq "$installed_profiles"
out=$(llmhw hardware list)
code=$?
check "hardware list: exit 0 (got $code), a table of $(wc -l <<<"$out") lines" test "$code" -eq 0 -a -n "$out"

# It reads <prefix>/share/llmhw/data, not the checkout's data/: take one installed profile away.
victim=$(find "$prefix/share/llmhw/data/hardware" -name '*.json' | sort | head -1)
rm -f "$victim"
listed=$(llmhw hardware list --format json | count_profiles)
check "hardware list follows the installed data ($(basename "$victim") removed: $listed profiles)" \
    test "$listed" -eq $((installed_profiles - 1))
fixture_profiles=$(find "$fixture/hardware" -name '*.json' | wc -l)
listed=$(cd "$scratch/elsewhere" && LLMHW_DATA_DIR="$fixture" XDG_CONFIG_HOME="$scratch/config" \
    "$prefix/bin/llmhw" hardware list --format json | count_profiles)
check "LLMHW_DATA_DIR overrides the installed data ($listed profiles)" test "$listed" -eq "$fixture_profiles"

if command -v groff >/dev/null; then
    check "installed man page renders" test -n "$(groff -man -Tutf8 -ww "$prefix/share/man/man1/llmhw.1" 2>/dev/null)"
fi
check "installed bash completion completes 'llmhw rec'" bash -c '
    source "$1" && COMP_WORDS=(llmhw rec) COMP_CWORD=1 && _llmhw && [[ ${COMPREPLY[*]} == recommend ]]' \
    _ "$prefix/share/bash-completion/completions/llmhw"
if command -v zsh >/dev/null; then
    check "installed zsh completion parses (zsh -n)" zsh -n "$prefix/share/zsh/vendor-completions/_llmhw"
fi

echo "$((checks - failures)) passed, $failures failed"
((failures == 0))
