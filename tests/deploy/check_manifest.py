#!/usr/bin/env python3
"""Checks `llmhw recommend --emit k8s` with a real YAML parser against the JSON answer of the same
query: every document parses; the Deployment (or LeaderWorkerSet) has spec.replicas = the JSON
replicas; its container asks for the accelerator resource = devices per replica; the readiness
probe hits the engine's health endpoint on the container's port; a Service selects the pods.

usage: check_manifest.py LLMHW_BINARY DATA_DIR    (exit 77 = PyYAML is not installed)
"""
import json
import subprocess
import sys

try:
    import yaml
except ImportError:
    sys.exit(77)

QUERIES = [
    (["--model", "70b", "--qps", "20", "--hardware", "h100-sxm", "--top", "1"], "nvidia.com/gpu"),
    (["--model", "70b", "--qps", "20", "--hardware", "mi300x"], "amd.com/gpu"),
    (["--model", "8b", "--qps", "5", "--hardware", "tpu-v6e"], "google.com/tpu"),
    (["--model", "405b", "--qps", "2", "--hardware", "h100-sxm", "--precision", "bf16"], "nvidia.com/gpu"),
]


def run(binary, data, args):
    r = subprocess.run([binary, "--data-dir", data, "recommend"] + args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"llmhw recommend {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r.stdout


def check(binary, data, args, resource):
    rec = json.loads(run(binary, data, args + ["--format", "json"]))["recommendations"][0]
    docs = [d for d in yaml.safe_load_all(run(binary, data, args + ["--emit", "k8s"])) if d]
    kinds = {d["kind"]: d for d in docs}
    assert "Service" in kinds, f"{args}: no Service"
    workload = kinds.get("Deployment") or kinds.get("LeaderWorkerSet")
    assert workload, f"{args}: neither a Deployment nor a LeaderWorkerSet"
    assert workload["spec"]["replicas"] == rec["replicas"], f"{args}: replicas"
    if workload["kind"] == "Deployment":
        pods, template = 1, workload["spec"]["template"]
        labels = workload["spec"]["selector"]["matchLabels"]
        assert all(template["metadata"]["labels"][k] == v for k, v in labels.items()), "selector"
    else:
        pods = workload["spec"]["leaderWorkerTemplate"]["size"]
        template = workload["spec"]["leaderWorkerTemplate"]["leaderTemplate"]
    container = template["spec"]["containers"][0]
    per_pod = container["resources"]["limits"][resource]
    assert per_pod * pods == rec["devices_per_replica"], f"{args}: {per_pod} x {pods} devices"
    probe = container["readinessProbe"]["httpGet"]
    assert probe["path"] == "/health", f"{args}: probe path"
    port = next(p for p in container["ports"] if p["name"] == probe["port"])
    assert port["containerPort"] > 0
    assert any(str(rec["tp"]) == a for a in container["args"]) or workload["kind"] != "Deployment"
    print(f"ok: {' '.join(args)} -> {workload['kind']} x{rec['replicas']}, {resource} {per_pod} x {pods}")


def main():
    binary, data = sys.argv[1:3]
    for args, resource in QUERIES:
        check(binary, data, args, resource)


if __name__ == "__main__":
    main()
