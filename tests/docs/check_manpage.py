#!/usr/bin/env python3
"""Keeps docs/llmhw.1 in step with the binary: walks `llmhw --help` and every subcommand's
`--help`, and checks that each command with options has a `.SS "<command>"` section under
COMMANDS whose option tags (`.TP` lines) list exactly the long options that its help prints;
the top-level options are under GLOBAL OPTIONS; every command is in the SYNOPSIS; and the
version in `.TH` is `llmhw --version`.

usage: check_manpage.py LLMHW_BINARY MANPAGE"""
import re
import subprocess
import sys

binary, manpage = sys.argv[1:3]
failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL {message}")


def help_of(path):
    run = subprocess.run([binary, *path, "--help"], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"llmhw {' '.join(path)} --help: exit {run.returncode}: {run.stderr.strip()}")
    options, subcommands, section = set(), [], None
    for line in run.stdout.splitlines():
        if re.match(r"^[A-Z][A-Za-z ]*:$", line):
            section = line[:-1]
            continue
        if not line.startswith("  "):
            section = None
            continue
        if section == "Options":
            m = re.match(r"^  (?:-\w,)?(--[a-z][a-z0-9-]*)", line)
            if m:
                options.add(m.group(1))
        elif section == "Subcommands":
            m = re.match(r"^  ([a-z][a-z0-9-]*)\s", line)
            if m:
                subcommands.append(m.group(1))
    return options, subcommands


def plain(roff):
    """Roff source to the text a reader sees, near enough for option names."""
    text = roff.replace("\\-", "-").replace("\\&", "").replace("\\|", "").replace("\\e", "\\")
    return re.sub(r"\\f[BIRP]", "", text)


source = open(manpage, encoding="utf-8").read().splitlines()
sections = {}  # ".SH"/".SS" heading -> {"tags": [tag lines], "text": [all lines]}
current = None
after_tp = False
for raw in source:
    line = plain(raw)
    heading = re.match(r'^\.(SH|SS)\s+"?([^"]*)"?\s*$', line)
    if heading:
        current = sections.setdefault((heading.group(1), heading.group(2).strip()), {"tags": [], "text": []})
        after_tp = False
        continue
    if current is None:
        continue
    current["text"].append(line)
    if after_tp:
        current["tags"].append(line)
    after_tp = line.startswith(".TP")


def tag_options(key):
    return set(re.findall(r"--[a-z][a-z0-9-]*", "\n".join(sections.get(key, {"tags": []})["tags"])))


# Walk the command tree from the top-level help.
commands = {}  # path tuple -> long options (without --help)
pending = [()]
while pending:
    path = pending.pop(0)
    options, subcommands = help_of(list(path))
    commands[path] = options
    pending += [path + (s,) for s in subcommands]
if len(commands) < 2:
    fail(f"found no subcommands in `{binary} --help`")

documented_sections = {name for (kind, name) in sections if kind == "SS"}
checked = 0
for path, options in sorted(commands.items()):
    if path == ():
        key, where = ("SH", "GLOBAL OPTIONS"), "GLOBAL OPTIONS"
        wanted = options
    else:
        name = " ".join(path)
        key, where = ("SS", name), f'.SS "{name}"'
        wanted = options - {"--help"}
        if not wanted and ("SS", name) not in sections:
            continue  # a command group such as `hardware`: its subcommands carry the options
    if key not in sections:
        fail(f"llmhw {' '.join(path)}: no {where} section in {manpage}")
        continue
    tagged = tag_options(key)
    before = len(failures)
    for option in sorted(wanted - tagged):
        fail(f"llmhw {' '.join(path)} --help lists {option}, {where} in {manpage} does not")
    for option in sorted(tagged - wanted - {"--help"}):
        fail(f"{where} in {manpage} documents {option}, llmhw {' '.join(path)} --help does not list it")
    checked += 1
    if len(failures) == before:
        print(f"ok   {where}: {len(wanted)} options")

for name in sorted(documented_sections):
    if tuple(name.split()) not in commands:
        fail(f'.SS "{name}" in {manpage} is not a command of {binary}')

synopsis = " ".join(" ".join(sections.get(("SH", "SYNOPSIS"), {"text": []})["text"]).split())
for path in commands:
    if path and commands[path] - {"--help"}:
        if " ".join(path) not in synopsis:
            fail(f"llmhw {' '.join(path)} is not in the SYNOPSIS of {manpage}")

version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout.strip()
th = next((plain(line) for line in source if line.startswith(".TH ")), "")
if f'"llmhw {version}"' not in th:
    fail(f".TH of {manpage} does not say llmhw {version}: {th}")

print(f"{checked} sections checked, {len(failures)} problems")
sys.exit(1 if failures else 0)
