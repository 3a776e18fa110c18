#!/usr/bin/env python3
"""Runs the real llmhw binary and validates its JSON outputs against data/schema/ with Debian's
python3-jsonschema, an independent implementation: `recommend` outputs against
recommend.schema.json, and every profile `hardware list --format json` prints against
hardware.schema.json (which cross-checks llmhw's own schema validator)."""
import json
import subprocess
import sys

import jsonschema

binary, data_dir, schema_path = sys.argv[1:4]
hardware_schema_path = schema_path.replace("recommend.schema.json", "hardware.schema.json")
schema = json.load(open(schema_path))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

queries = [
    ["--model", "70b", "--qps", "50"],
    ["--model", "llama-3.1-8b", "--qps", "200", "--tpot", "30ms", "--kind", "gpu"],
    ["--model", "405b", "--qps", "5", "--budget", "20000/month", "--precision", "fp8"],
    ["--model", "deepseek-v3", "--qps", "10", "--precision", "fp8,fp4"],
    ["--model", "70b", "--qps", "50", "--tpot", "1ms"],  # nothing feasible: exit 3, still valid JSON
    ["--model", "qwen3-30b-a3b", "--qps", "100", "--kind", "cpu,tpu", "--pricing", "spot"],
]
failures = 0
for q in queries:
    run = subprocess.run([binary, "--data-dir", data_dir, "recommend", *q, "--format", "json", "--top", "100"],
                         capture_output=True, text=True)
    if run.returncode not in (0, 3):
        print(f"FAIL {' '.join(q)}: exit {run.returncode}: {run.stderr.strip()}")
        failures += 1
        continue
    doc = json.loads(run.stdout, parse_constant=lambda c: sys.exit(f"non-finite number {c} in output"))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        print(f"FAIL {' '.join(q)}: /{'/'.join(map(str, e.path))}: {e.message}")
    failures += len(errors)
    print(f"ok   {' '.join(q)} (exit {run.returncode}, {len(doc['recommendations'])} recommendations)")
hardware_validator = jsonschema.Draft202012Validator(json.load(open(hardware_schema_path)))
listing = subprocess.run([binary, "--data-dir", data_dir, "hardware", "list", "--format", "json"],
                         capture_output=True, text=True, check=True)
profiles = json.loads(listing.stdout)["hardware"]
for profile in profiles:
    for e in hardware_validator.iter_errors(profile):
        print(f"FAIL hardware {profile.get('id')}: /{'/'.join(map(str, e.path))}: {e.message}")
        failures += 1
print(f"ok   hardware list: {len(profiles)} profiles")
estimate_validator = jsonschema.Draft202012Validator(
    json.load(open(schema_path.replace("recommend.schema.json", "estimate.schema.json"))))
estimates = [
    ["--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "4", "--precision", "fp8", "--concurrency", "64",
     "--engine", "trtllm"],
    ["--model", "deepseek-v3", "--hardware", "b200", "--tp", "8", "--concurrency", "max"],
    ["--model", "qwen3-30b-a3b", "--hardware", "h100-sxm", "--tp", "2", "--ep", "2", "--concurrency", "32"],
    ["--model", "llama-3.1-70b", "--hardware", "l4", "--tp", "1", "--precision", "bf16", "--concurrency", "1"],  # exit 3
]
for q in estimates:
    run = subprocess.run([binary, "--data-dir", data_dir, "estimate", *q, "--input-tokens", "1024",
                          "--output-tokens", "256", "--format", "json"], capture_output=True, text=True)
    if run.returncode not in (0, 3):
        print(f"FAIL estimate {' '.join(q)}: exit {run.returncode}: {run.stderr.strip()}")
        failures += 1
        continue
    doc = json.loads(run.stdout, parse_constant=lambda c: sys.exit(f"non-finite number {c} in output"))
    for e in estimate_validator.iter_errors(doc):
        print(f"FAIL estimate {' '.join(q)}: /{'/'.join(map(str, e.path))}: {e.message}")
        failures += 1
    print(f"ok   estimate {' '.join(q)} (exit {run.returncode})")
checks = len(queries) + 1 + len(estimates)
print(f"{checks - min(failures, checks)} passed, {min(failures, checks)} failed")
sys.exit(1 if failures else 0)
