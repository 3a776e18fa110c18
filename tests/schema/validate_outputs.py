#!/usr/bin/env python3
"""Runs the real llmhw binary and validates every JSON output against data/schema/ with Debian's
python3-jsonschema, an independent implementation: `recommend` (and its `--scenarios` lines),
`estimate`, `hardware list`, `hardware show`, `models list` and `models show` (whose profiles,
through $ref, also go against hardware.schema.json, which cross-checks llmhw's own schema
validator). Besides the schemas it checks what they cannot say: ids in order, the --kind filter,
`hardware show` giving the profile that `hardware list` gives, MoE/MLA blocks present for the
models that have them, scenario line numbers and exit codes. Every schema in the directory must
be exercised, so that a new output cannot go without a test.

usage: validate_outputs.py LLMHW_BINARY DATA_DIR SCHEMA_DIR MODEL_CONFIG_DIR"""
import json
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

binary, data_dir, schema_dir, config_dir = sys.argv[1:5]
schema_dir, config_dir = pathlib.Path(schema_dir), pathlib.Path(config_dir)
schemas = {}
for path in sorted(schema_dir.glob("*.schema.json")):
    schemas[path.name] = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schemas[path.name])
store = {schema["$id"]: schema for schema in schemas.values()}


def refuse(uri):
    raise jsonschema.RefResolutionError(f"$ref {uri} is not a schema in {schema_dir}")


validators = {
    name: jsonschema.Draft202012Validator(
        schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store,
                                                            handlers={"http": refuse, "https": refuse}))
    for name, schema in schemas.items()
}
used = set()
failures = 0
checks = 0


def fail(label, message):
    global failures
    failures += 1
    print(f"FAIL {label}: {message}")


def run_json(args, codes=(0,)):
    """Runs llmhw on the data directory; the parsed JSON, or None after a failure."""
    run = subprocess.run([binary, "--data-dir", data_dir, *args], capture_output=True, text=True)
    if run.returncode not in codes:
        fail(" ".join(args), f"exit {run.returncode}: {run.stderr.strip()}")
        return None, run.returncode
    return json.loads(run.stdout, parse_constant=lambda c: sys.exit(f"non-finite number {c} in output")), \
        run.returncode


def validate(schema, label, doc):
    """Validates doc against the schema; True when valid."""
    global checks
    checks += 1
    used.add(schema)
    errors = sorted(validators[schema].iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        fail(label, f"/{'/'.join(map(str, e.path))}: {e.message} ({schema})")
    return not errors


def expect(label, condition, message):
    if not condition:
        fail(label, message)
    return condition


# recommend
queries = [
    ["--model", "70b", "--qps", "50"],
    ["--model", "llama-3.1-8b", "--qps", "200", "--tpot", "30ms", "--kind", "gpu"],
    ["--model", "405b", "--qps", "5", "--budget", "20000/month", "--precision", "fp8"],
    ["--model", "deepseek-v3", "--qps", "10", "--precision", "fp8,fp4"],
    ["--model", "70b", "--qps", "50", "--tpot", "1ms"],  # nothing feasible: exit 3, still valid JSON
    ["--model", "qwen3-30b-a3b", "--qps", "100", "--kind", "cpu,tpu", "--pricing", "spot"],
    ["--model", "70b", "--qps", "50", "--confidence", "p90"],
    # derivation_numbers; a user's price; fits-memory rejections (closest without latencies)
    ["--model", "8b", "--qps", "2/min", "--explain", "--price", "h100-sxm=2.5"],
    ["--model", "6t", "--qps", "1", "--precision", "int8"],
    # a spread of prompt lengths: the mixed_fleet object (a split by length over two types)
    ["--model", "70b", "--qps", "50", "--input-tokens", "100..8000", "--ttft", "2s"],
    ["--model", "8b", "--qps", "20", "--input-tokens", "2000+-1500"],
]
for q in queries:
    doc, code = run_json(["recommend", *q, "--format", "json", "--top", "100"], codes=(0, 3))
    if doc is not None and validate("recommend.schema.json", f"recommend {' '.join(q)}", doc):
        # What the schema cannot say: each band brackets its prediction (low <= 1 <= high ratios).
        for rec in doc["recommendations"]:
            for key in ("ttft_ms", "tpot_ms"):
                low, high = rec["bounds"][key]
                expect(f"recommend {' '.join(q)}", low <= rec["metrics"][key] <= high,
                       f"{rec['hardware']['id']}: {key} {rec['metrics'][key]} outside its bounds [{low}, {high}]")
        print(f"ok   recommend {' '.join(q)} (exit {code}, {len(doc['recommendations'])} recommendations)")

# recommend --scenarios: one JSON object per line; answers, a line that finds nothing, invalid lines
scenarios = [
    ('{"qps": 50}', 0),
    ('{"model": "llama-3.1-8b", "qps": 200, "tpot": "30ms", "kind": "gpu", "top": 3}', 0),
    ('{"qps": 50, "tpot": "1ms"}', 3),
    ('', None),  # blank: skipped, but counted in the line numbers
    ('{"qps": 50, "tpott": "40ms"}', 2),
    ('{"model_config": "/nonexistent/config.json", "qps": 5}', 1),
    ('not json', 2),
]
run = subprocess.run([binary, "--data-dir", data_dir, "recommend", "--model", "70b", "--top", "5", "--scenarios", "-"],
                     input="\n".join(line for line, _ in scenarios) + "\n", capture_output=True, text=True)
label = "recommend --scenarios -"
expected = [(number, code) for number, (_, code) in enumerate(scenarios, 1) if code is not None]
answers = [json.loads(line) for line in run.stdout.splitlines()]
if expect(label, run.returncode == 2, f"exit {run.returncode}, expected 2 (an invalid line): {run.stderr}") and \
        expect(label, [(a.get("line"), a.get("exit_code")) for a in answers] == expected,
               f"(line, exit_code) {[(a.get('line'), a.get('exit_code')) for a in answers]}, expected {expected}"):
    if all([validate("recommend-scenarios.schema.json", f"{label} line {a['line']}", a) for a in answers]):
        single, _ = run_json(["recommend", "--model", "70b", "--qps", "50", "--top", "5", "--format", "json"])
        if expect(label, answers[0]["result"] == single, "line 1 is not what `recommend --qps 50` prints"):
            print(f"ok   {label} ({len(answers)} lines, exit codes {[a['exit_code'] for a in answers]})")

# estimate
estimates = [
    ["--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "4", "--precision", "fp8", "--concurrency", "64",
     "--engine", "trtllm"],
    ["--model", "deepseek-v3", "--hardware", "b200", "--tp", "8", "--concurrency", "max"],
    ["--model", "qwen3-30b-a3b", "--hardware", "h100-sxm", "--tp", "2", "--ep", "2", "--concurrency", "32"],
    ["--model", "llama-3.1-70b", "--hardware", "l4", "--tp", "1", "--precision", "bf16", "--concurrency", "1"],  # exit 3
    ["--model", "gpt-oss-120b", "--hardware", "h100-sxm", "--engine", "vllm", "--qps", "4"],  # open loop
]
for q in estimates:
    doc, code = run_json(["estimate", *q, "--input-tokens", "1024", "--output-tokens", "256", "--format", "json"],
                         codes=(0, 3))
    if doc is not None and validate("estimate.schema.json", f"estimate {' '.join(q)}", doc):
        print(f"ok   estimate {' '.join(q)} (exit {code})")

def check_listing(kind, key, noun):
    """`llmhw KIND list`: valid, and one entry per data/KEY/*.json file in id order; by id."""
    doc, _ = run_json([kind, "list", "--format", "json"])
    if doc is None or not validate(f"{kind}-list.schema.json", f"{kind} list", doc):
        return {}
    ids = [entry["id"] for entry in doc[key]]
    files = sorted(f.stem for f in pathlib.Path(data_dir, key).glob("*.json"))
    if expect(f"{kind} list", ids == files, f"ids {ids} are not the {noun} files {files}"):
        print(f"ok   {kind} list ({len(ids)} {noun}s, in id order)")
    return {entry["id"]: entry for entry in doc[key]}


# hardware list, whole and by kind
profiles = check_listing("hardware", "hardware", "profile")
for kinds in (["tpu"], ["cpu", "accelerator"]):
    label = f"hardware list --kind {','.join(kinds)}"
    doc, _ = run_json(["hardware", "list", "--kind", ",".join(kinds), "--format", "json"])
    if doc is not None and validate("hardware-list.schema.json", label, doc):
        wanted = sorted(i for i, p in profiles.items() if p["kind"] in kinds)
        got = [p["id"] for p in doc["hardware"]]
        if expect(label, got == wanted and got, f"{got}, expected {wanted}"):
            print(f"ok   {label} ({len(got)} profiles)")

# hardware show: a GPU, TPUs, CPUs (x86, Arm, Apple) and accelerators
with tempfile.TemporaryDirectory() as scratch:
    for hw in ["h100-sxm", "mi355x", "tpu-v6e", "tpu-v7", "xeon-6980p", "graviton4", "apple-m2-ultra", "gaudi3",
               "trainium2"]:
        label = f"hardware show {hw}"
        doc, _ = run_json(["hardware", "show", hw, "--format", "json"])
        if doc is None or not validate("hardware-show.schema.json", label, doc):
            continue
        if not expect(label, doc["hardware"] == profiles.get(hw), "not the profile that `hardware list` prints"):
            continue
        # `jq .hardware` is a profile that `llmhw validate` accepts.
        profile = pathlib.Path(scratch, f"{hw}.json")
        profile.write_text(json.dumps(doc["hardware"]))
        run = subprocess.run([binary, "validate", str(profile)], capture_output=True, text=True)
        if expect(label, run.returncode == 0, f"llmhw validate of .hardware: exit {run.returncode}: {run.stdout}"):
            print(f"ok   {label} ({doc['hardware']['kind']})")

# models list
catalog = check_listing("models", "models", "model")

# models show: dense, MoE, MoE+MLA, sliding window, linear attention, Mamba, a size, HF configs
shows = [
    (["llama-3.1-8b"], set()),
    (["deepseek-v3"], {"moe", "mla"}),
    (["qwen3-30b-a3b"], {"moe"}),
    (["gpt-oss-120b"], {"moe"}),
    (["gemma-3-27b"], set()),
    (["qwen3.5-35b-a3b"], {"moe"}),
    (["nemotron-3-nano-30b-a3b"], {"moe"}),
    (["70b"], set()),
    (["--model-config", str(config_dir / "nvidia--Llama-3.1-70B-Instruct-FP8.config.json")], set()),
    (["--model-config", str(config_dir / "deepseek-ai--DeepSeek-R1.config.json")], {"moe", "mla"}),
]
for args, blocks in shows:
    label = f"models show {' '.join(args)}"
    doc, _ = run_json(["models", "show", *args, "--format", "json"])
    if doc is None or not validate("models-show.schema.json", label, doc):
        continue
    model = doc["model"]
    present = {b for b in ("moe", "mla") if b in model}
    ok = expect(label, present == blocks, f"blocks {sorted(present)}, expected {sorted(blocks)}")
    if model["id"] in catalog and args[0] != "--model-config":
        ok &= expect(label, model == catalog[model["id"]], "not the model that `models list` prints")
    if ok:
        print(f"ok   {label} ({', '.join(model['features']) or 'dense'})")

# capacity: one pool, a mixed inventory, spares, and a model that does not fit (exit 3)
capacities = [
    (["--model", "70b", "--hardware", "h100-sxm", "--devices", "16"], 0),
    (["--model", "70b", "--devices", "16xh100-sxm,8xl40s", "--tpot", "40ms"], 0),
    (["--model", "8b", "--devices", "3xl4", "--n-plus", "1"], 0),
    (["--model", "405b", "--hardware", "l4", "--devices", "2"], 3),
]
for args, want in capacities:
    label = f"capacity {' '.join(args)}"
    doc, code = run_json(["capacity", *args, "--format", "json"], codes=(want,))
    if doc is not None and validate("capacity.schema.json", label, doc):
        total = sum(p["max_requests_per_s"] for p in doc["pools"])
        if expect(label, abs(total - doc["max_requests_per_s"]) <= 1e-3 * max(1.0, total),
                  f"pools add up to {total}, not {doc['max_requests_per_s']}"):
            print(f"ok   {label} (exit {code}, {doc['max_requests_per_s']} req/s)")

# recommend --load-profile (schedule, cost per day) and --power-budget
with tempfile.TemporaryDirectory() as tmp:
    profile = pathlib.Path(tmp) / "day.csv"
    profile.write_text("hour,qps\n" + "".join(f"{h},{60 if 12 <= h < 18 else 3}\n" for h in range(24)))
    for extra in ([], ["--baseline", "reserved"], ["--baseline", "spot", "--scale-up-minutes", "15"]):
        args = ["--model", "70b", "--load-profile", str(profile), *extra]
        label = f"recommend {' '.join(args)}"
        doc, code = run_json(["recommend", *args, "--format", "json", "--top", "5"])
        if doc is not None and validate("recommend.schema.json", label, doc):
            days = [r["cost"]["per_day_usd"] for r in doc["recommendations"]]
            if expect(label, days == sorted(days), f"not ranked by cost per day: {days}") and \
                    expect(label, all(len(r["schedule"]) == 24 for r in doc["recommendations"]), "24 periods"):
                print(f"ok   {label} ({len(days)} recommendations)")
for budget, want in (("40kW", (0,)), ("1kW", (3,))):
    args = ["--model", "70b", "--qps", "20", "--power-budget", budget]
    doc, code = run_json(["recommend", *args, "--format", "json", "--top", "100"], codes=want)
    if doc is not None and validate("recommend.schema.json", f"recommend {' '.join(args)}", doc):
        print(f"ok   recommend {' '.join(args)} (exit {code})")
# recommend --have: owned devices first (cost.owned_devices, rented_devices; a fully owned fleet costs 0)
for have in ("16xh100-sxm", "200xh100-sxm,8xl40s"):
    args = ["--model", "70b", "--qps", "50", "--have", have, "--owned-cost", "0"]
    doc, code = run_json(["recommend", *args, "--format", "json", "--top", "10"])
    if doc is not None and validate("recommend.schema.json", f"recommend {' '.join(args)}", doc):
        print(f"ok   recommend {' '.join(args)} (exit {code})")

# calibrate: a fit on three of the shipped fixture runs, the overlay it writes, and an estimate
# that applies it.
runs_dir = config_dir.parent / "calibration" / "vllm-qwen3-32b-h100-tp2"
with tempfile.TemporaryDirectory() as scratch:
    overlay_path = str(pathlib.Path(scratch) / "overlay.json")
    runs = [str(runs_dir / f"{name}.json") for name in ("i1024-o128-c8", "i1024-o512-c32", "i4096-o128-c16")]
    doc, _ = run_json(["calibrate", "--model", "qwen3-32b", "--hardware", "h100-sxm", "--engine", "vllm", "--tp", "2",
                       "--out", overlay_path, "--format", "json", *runs])
    if doc is not None and validate("calibrate.schema.json", "calibrate", doc):
        written = json.loads(pathlib.Path(overlay_path).read_text())
        if validate("calibration-overlay.schema.json", "calibrate --out", written):
            expect("calibrate --out", written == doc["overlay"], "the file is not the overlay printed")
    doc, _ = run_json(["--calibration", overlay_path, "estimate", "--model", "qwen3-32b", "--hardware", "h100-sxm",
                       "--engine", "vllm", "--tp", "2", "--input-tokens", "2048", "--output-tokens", "256",
                       "--concurrency", "16", "--format", "json"])
    if doc is not None and validate("estimate.schema.json", "estimate --calibration", doc):
        expect("estimate --calibration", doc["evidence"] == "calibrated", f"evidence {doc['evidence']}")
    doc, _ = run_json(["--calibration", overlay_path, "capacity", "--model", "qwen3-32b", "--hardware", "h100-sxm",
                       "--devices", "8", "--format", "json"])
    if doc is not None and validate("capacity.schema.json", "capacity --calibration", doc):
        expect("capacity --calibration", doc["pools"][0]["evidence"] == "calibrated" and len(doc["notes"]) == 1,
               "the overlay is not applied or not noted")
    # GuideLLM's report of eight runs (tests/fixtures/calibration/make_tool_fixtures.py)
    report = config_dir.parent / "calibration" / "guidellm-qwen3-32b-h100-tp2" / "benchmarks.json"
    doc, _ = run_json(["calibrate", "--model", "qwen3-32b", "--hardware", "h100-sxm", "--engine", "vllm", "--tp", "2",
                       "--format", "json", str(report)])
    if doc is not None and validate("calibrate.schema.json", "calibrate (GuideLLM)", doc):
        validate("calibration-overlay.schema.json", "calibrate (GuideLLM) overlay", doc["overlay"])

# hardware.schema.json is used through $ref; every other schema must have been exercised above.
unused = set(schemas) - used - {"hardware.schema.json"}
for name in sorted(unused):
    fail(name, "no output was validated against this schema")
print(f"{checks} outputs validated against {len(schemas)} schemas, {failures} failures")
sys.exit(1 if failures else 0)
