#!/usr/bin/env python3
"""Runs what docs/ci.md tells people to run, so that it keeps working as the JSON evolves: the
gate script on its capacity.txt (exit 0), on a budget nothing meets (exit 3) and on an unknown
model (exit 2), and the same with --scenarios; and every jq one-liner against real output, which must succeed and print no
null and no empty TSV field (a renamed field reads as null in jq). Exits 77 (skipped) when jq is not installed.

usage: check_ci_doc.py LLMHW_BINARY CI_MD"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

binary, ci_md = sys.argv[1:3]
if not shutil.which("jq"):
    print("jq is not installed: skipped")
    sys.exit(77)
text = pathlib.Path(ci_md).read_text()
blocks = re.findall(r"```(\w+)\n(.*?)```", text, re.S)
failures = 0
checks = 0


def check(label, ok, detail=""):
    global failures, checks
    checks += 1
    print(f"{'ok  ' if ok else 'FAIL'} {label}{'' if ok else ': ' + detail}")
    failures += not ok


def block(start):
    found = [body for _, body in blocks if body.startswith(start)]
    if not found:
        sys.exit(f"FAIL {ci_md} has no code block starting with {start!r}")
    return found[0]


with tempfile.TemporaryDirectory() as work:
    env = dict(os.environ, PATH=f"{pathlib.Path(binary).resolve().parent}:{os.environ['PATH']}",
               XDG_CONFIG_HOME=str(pathlib.Path(work, "no-config")))
    env.pop("LLMHW_DATA_DIR", None)
    gate = pathlib.Path(work, "ci", "llmhw-gate.sh")
    gate.parent.mkdir()
    gate.write_text(block("#!/usr/bin/env bash"))
    pathlib.Path(work, "capacity.txt").write_text(block("# capacity.txt"))
    pathlib.Path(work, "tight.txt").write_text("llama-3.1-70b 50 1s 50ms 5/h\n")
    pathlib.Path(work, "unknown.txt").write_text("no-such-model 50 1s 50ms 5/h\n")
    for capacity, code in (("capacity.txt", 0), ("tight.txt", 3), ("unknown.txt", 2)):
        run = subprocess.run(["bash", str(gate), capacity], cwd=work, env=env, capture_output=True, text=True)
        check(f"gate script on {capacity}: exit {code}", run.returncode == code,
              f"exit {run.returncode}\n{run.stdout}{run.stderr}")
    # the same gate as --scenarios lines
    batch = block("llmhw recommend --scenarios")
    pathlib.Path(work, "capacity.jsonl").write_text(block('{"model"'))
    for capacity, code in (("capacity.jsonl", 0), ("tight.jsonl", 3), ("invalid.jsonl", 2)):
        if capacity == "tight.jsonl":
            pathlib.Path(work, capacity).write_text('{"model": "70b", "qps": 50, "budget": "5/h"}\n')
        if capacity == "invalid.jsonl":
            pathlib.Path(work, capacity).write_text('{"model": "70b", "qps": 50}\n{"model": "70b"}\n')
        run = subprocess.run(["bash", "-c", batch.replace("capacity.jsonl", capacity)], cwd=work, env=env,
                             capture_output=True, text=True)
        lines = run.stdout.splitlines()
        want = "ok   " if code == 0 else "FAIL line"
        check(f"--scenarios gate on {capacity}: exit {code}, a line per query",
              run.returncode == code and lines and any(l.startswith(want) for l in lines) and "null" not in run.stdout,
              f"exit {run.returncode}\n{run.stdout}{run.stderr}")
    models = [line.split()[0] for line in block("# capacity.txt").splitlines() if line and line[0] != "#"]
    check("gate script wrote plans/<model>.json", all(pathlib.Path(work, "plans", f"{m}.json").is_file() for m in models))

    def llmhw(*args):
        return subprocess.run([binary, *args, "--format", "json"], env=env, capture_output=True, text=True).stdout

    inputs = {
        "recommend": llmhw("recommend", "--model", "70b", "--qps", "50", "--top", "5"),
        "estimate": llmhw("estimate", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "4", "--precision",
                          "fp8", "--input-tokens", "1024", "--output-tokens", "256", "--concurrency", "64"),
    }
    section = text[text.index("## jq one-liners"):]
    one_liners = [body for _, body in re.findall(r"```(\w+)\n(.*?)```", section, re.S)]
    for which, body in zip(["recommend", "estimate", None], one_liners):
        for line in body.splitlines():
            if not line or line.startswith("#"):
                continue
            run = subprocess.run(["bash", "-o", "pipefail", "-c", line], input=inputs.get(which, ""), env=env,
                                 capture_output=True, text=True)
            if " -e " in line:  # a gate: true or false, but no error
                check(line, run.returncode in (0, 1) and run.stdout.strip() in ("true", "false"),
                      f"exit {run.returncode}: {run.stdout}{run.stderr}")
            else:
                out = run.stdout.strip()
                # @tsv prints null as an empty field
                empty_field = "@tsv" in line and any("" in row.split("\t") for row in out.splitlines())
                check(line, run.returncode == 0 and out and "null" not in out and not empty_field,
                      f"exit {run.returncode}: {out[:300]}{run.stderr}")
    check("three blocks of jq one-liners (recommend, estimate, catalogs)", len(one_liners) == 3,
          f"{len(one_liners)} blocks")
print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
