#!/usr/bin/env python3
"""Checks `llmhw recommend --emit k8s` with a real YAML parser against the JSON answer of the same
query: every document parses; the Deployment (or LeaderWorkerSet) has spec.replicas = the JSON
replicas; its container asks for the accelerator resource = devices per replica; the readiness
probe hits the engine's health endpoint on the container's port; a Service selects the pods.
With --load-profile (issue 22), the manifest deploys the day's rank N and adds an autoscaling/v2
HorizontalPodAutoscaler over that workload whose minReplicas/maxReplicas are the fewest/most of
the JSON schedule[].replicas and whose Pods-metric target is the peak's concurrency_per_replica.

usage: check_manifest.py LLMHW_BINARY DATA_DIR    (exit 77 = PyYAML is not installed)
"""
import json
import os
import subprocess
import sys
import tempfile

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


# A day: 3 req/s at night, 25 in the morning and evening, 60 in the afternoon (12:00-17:59).
def day_rate(hour):
    if hour < 7 or hour >= 22:
        return 3
    return 60 if 12 <= hour < 18 else 25


def check_hpa(args, rec, workload, hpa):
    assert hpa, f"{args}: --load-profile without a HorizontalPodAutoscaler"
    assert hpa["apiVersion"] == "autoscaling/v2", f"{args}: HPA apiVersion"
    # Under an HPA the workload leaves spec.replicas to it (kubectl apply would reset the count).
    assert "replicas" not in workload["spec"], f"{args}: spec.replicas beside an HPA"
    ref = hpa["spec"]["scaleTargetRef"]
    want = (workload["apiVersion"], workload["kind"], workload["metadata"]["name"])
    assert (ref["apiVersion"], ref["kind"], ref["name"]) == want, f"{args}: scaleTargetRef {ref}"
    replicas = [s["replicas"] for s in rec["schedule"]]
    assert hpa["spec"]["minReplicas"] == max(1, min(replicas)), f"{args}: minReplicas vs {replicas}"
    assert hpa["spec"]["maxReplicas"] == max(replicas), f"{args}: maxReplicas vs {replicas}"
    (metric,) = hpa["spec"]["metrics"]
    assert metric["type"] == "Pods", f"{args}: metric type"
    assert metric["pods"]["metric"]["name"] == "vllm_num_requests_running", f"{args}: metric name"
    target = metric["pods"]["target"]
    assert target["type"] == "AverageValue"
    assert target["averageValue"] == max(1, int(rec["concurrency_per_replica"] + 0.5)), f"{args}: target"
    print(f"  hpa: {min(replicas)}..{max(replicas)} replicas, {target['averageValue']} running per pod")


def check(binary, data, args, resource, rank=1, profile=False):
    answer = json.loads(run(binary, data, args + ["--format", "json"]))
    rec = answer["recommendations"][rank - 1]
    emit = ["--emit", "k8s"] + (["--rank", str(rank)] if rank > 1 else [])
    docs = [d for d in yaml.safe_load_all(run(binary, data, args + emit)) if d]
    kinds = {d["kind"]: d for d in docs}
    assert "Service" in kinds, f"{args}: no Service"
    workload = kinds.get("Deployment") or kinds.get("LeaderWorkerSet")
    assert workload, f"{args}: neither a Deployment nor a LeaderWorkerSet"
    # The workload is named after the model and the hardware: the rank asked for is the one deployed.
    assert workload["metadata"]["name"].endswith(rec["hardware"]["id"]), f"{args}: rank {rank}"
    hpa = kinds.get("HorizontalPodAutoscaler")
    if profile:
        check_hpa(args, rec, workload, hpa)
    else:
        assert hpa is None, f"{args}: an HPA without --load-profile"
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
    print(f"ok: {' '.join(args)} rank {rank} -> {workload['kind']} x{rec['replicas']}, {resource} {per_pod} x {pods}")


def main():
    binary, data = sys.argv[1:3]
    for args, resource in QUERIES:
        check(binary, data, args, resource)
    with tempfile.TemporaryDirectory() as tmp:
        day = os.path.join(tmp, "day.csv")
        with open(day, "w") as f:
            f.write("hour,qps\n" + "".join(f"{h},{day_rate(h)}\n" for h in range(24)))
        profile = ["--load-profile", day]
        check(binary, data, ["--model", "70b", "--hardware", "h100-sxm"] + profile, "nvidia.com/gpu", profile=True)
        # A replica across two nodes: the HPA scales the LeaderWorkerSet.
        check(binary, data, ["--model", "405b", "--hardware", "h100-sxm", "--precision", "bf16"] + profile,
              "nvidia.com/gpu", profile=True)
        # Rank 2 of the day's ranking (plan_days re-ranks by cost per day), not of the peak's.
        check(binary, data, ["--model", "70b", "--kind", "gpu"] + profile, "nvidia.com/gpu", rank=2, profile=True)


if __name__ == "__main__":
    main()
