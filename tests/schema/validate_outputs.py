#!/usr/bin/env python3
"""Runs the real llmhw binary on several queries and validates each JSON output against
data/schema/recommend.schema.json (Debian's python3-jsonschema)."""
import json
import subprocess
import sys

import jsonschema

binary, data_dir, schema_path = sys.argv[1:4]
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
print(f"{len(queries) - min(failures, len(queries))} passed, {min(failures, len(queries))} failed")
sys.exit(1 if failures else 0)
