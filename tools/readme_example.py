#!/usr/bin/env python3
"""Rewrites README.md's "Example" section from the binary's output on the shipped data.

The text example is `recommend --model 70b --qps 50 --top 5` with the "Why" list trimmed to its
first two entries; the JSON example is the same query with `--format json --top 1` and `rejected`
trimmed to two entries. Run after a refit or any change to the flagship answer:
    python3 tools/readme_example.py build/release/llmhw README.md
Python 3 standard library only.
"""
import datetime
import json
import re
import subprocess
import sys

QUERY = ["recommend", "--model", "70b", "--qps", "50"]


def run(binary, *args):
    env = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": "/nonexistent"}
    return subprocess.run([binary, *QUERY, *args], check=True, capture_output=True, text=True, env=env).stdout


def trimmed_text(out):
    lines = out.rstrip("\n").split("\n")
    why = lines.index("Why:")
    rejected = lines.index("Rejected:")
    third = next(i for i in range(why + 1, rejected) if re.match(r"^3\. ", lines[i]))
    return "\n".join(lines[:third] + ["..."] + lines[rejected:])


def trimmed_json(out):
    doc = json.loads(out)
    if json.dumps(doc, indent=2, ensure_ascii=False) != out.rstrip("\n"):
        sys.exit("readme_example: the binary's JSON does not round-trip through Python's json; trim by hand")
    doc["rejected"] = doc["rejected"][:2]
    return json.dumps(doc, indent=2, ensure_ascii=False)


def main():
    binary, readme = sys.argv[1], sys.argv[2]
    text = open(readme, encoding="utf-8").read()
    today = datetime.date.today().isoformat()
    head = re.compile(r"(`llmhw recommend --model 70b --qps 50 --top 5` \(shipped catalog, )[0-9-]+(;[^\n]*\n\n```\n)"
                      r".*?(\n```\n)", re.S)
    text, n1 = head.subn(lambda m: m.group(1) + today + m.group(2) + trimmed_text(run(binary, "--top", "5")) + m.group(3),
                         text, count=1)
    body = re.compile(r"(The same with `--format json --top 1`[^\n]*\n[^\n]*\n\n```json\n).*?(\n```\n)", re.S)
    text, n2 = body.subn(lambda m: m.group(1) + trimmed_json(run(binary, "--format", "json", "--top", "1")) + m.group(2),
                         text, count=1)
    if n1 != 1 or n2 != 1:
        sys.exit(f"readme_example: did not find the example blocks in {readme} (text {n1}, json {n2})")
    open(readme, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main()
