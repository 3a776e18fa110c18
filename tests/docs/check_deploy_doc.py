#!/usr/bin/env python3
"""Keeps docs/deploy.md's examples true: each ```console block starts with `$ llmhw ...` (an
optional `> FILE` redirect and a `$ cat FILE` line after it) and shows exactly what that command
prints (stdout, then stderr) on the shipped data, run from the repository root (the doc's
parent directory's parent) so an example can name a file such as docs/examples/day.csv. With --update, rewrites the blocks instead
(after a data or calibration change: review the diff).

usage: check_deploy_doc.py LLMHW_BINARY DOC [--update]"""
import os
import re
import shlex
import subprocess
import sys

binary, doc = sys.argv[1:3]
update = "--update" in sys.argv[3:]
text = open(doc, encoding="utf-8").read()
failures = []


def regenerate(match):
    lines = match.group(1).splitlines(keepends=True)
    command = lines[0][2:].strip()
    head = [lines[0]]
    if ">" in command:  # `$ llmhw ... > FILE` then `$ cat FILE`
        command = command.split(">")[0]
        head.append(lines[1])
    args = shlex.split(command)
    assert args[0] == "llmhw", command
    root = os.path.dirname(os.path.dirname(os.path.abspath(doc)))
    run = subprocess.run([os.path.abspath(binary)] + args[1:], capture_output=True, text=True, cwd=root)
    shown = run.stdout + run.stderr
    if "".join(lines[len(head):]) != shown:
        failures.append(command)
    return "```console\n" + "".join(head) + shown + "```"


new = re.sub(r"```console\n(.*?)```", regenerate, text, flags=re.S)
if update:
    open(doc, "w", encoding="utf-8").write(new)
    print(f"rewrote {len(failures)} example(s)")
elif failures:
    for f in failures:
        print(f"FAIL {doc}: the output of `{f}` differs (rerun with --update and review)")
    sys.exit(1)
else:
    print(f"ok: {doc}'s examples match")
