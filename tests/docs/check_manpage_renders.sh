#!/usr/bin/env bash
# docs/llmhw.1 renders without a single groff warning (-ww: all warnings), as `man` shows it.
# Exits 77 (skipped) when groff is not installed (Debian: groff-base, which man-db pulls in).
# usage: check_manpage_renders.sh MANPAGE
set -uo pipefail
manpage=$1
if ! command -v groff >/dev/null; then
    echo "groff is not installed: skipped"
    exit 77
fi
warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$manpage" 2>&1) || { echo "FAIL groff exit $?: $warnings"; exit 1; }
if [[ -n $warnings ]]; then
    echo "FAIL groff warnings for $manpage:"
    echo "$warnings"
    exit 1
fi
lines=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww "$manpage" 2>/dev/null | grep -c .)
# A page that renders to almost nothing (a broken .TH, a stray .ig) is not a clean render.
if ((lines < 100)); then
    echo "FAIL $manpage renders to only $lines non-empty lines"
    exit 1
fi
echo "ok   $manpage renders without warnings ($lines non-empty lines)"
