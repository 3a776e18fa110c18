// `--emit k8s`: a Kubernetes Deployment (a LeaderWorkerSet when a replica spans nodes) and a
// Service for the deployment, its pods running the engine command emit_engine.cpp builds.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "llmhw/error.hpp"
#include "llmhw/render_emit.hpp"

namespace llmhw::render {
namespace {

// A YAML double-quoted scalar: JSON's string syntax is a subset of YAML's.
std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump();
}

// DNS-1123 label: lower case alphanumerics and '-', at most 63 characters.
std::string dns_name(const std::string& text) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "llmhw" : out;
}

// The extended resource each vendor's device plugin advertises (NVIDIA and AMD GPU device
// plugins, GKE TPUs, Intel Gaudi's habana device plugin, AWS Neuron's device plugin).
std::string accelerator_resource(const Hardware& hw) {
  if (hw.kind == DeviceKind::cpu) return "";
  if (hw.kind == DeviceKind::tpu) return "google.com/tpu";
  if (hw.vendor == "nvidia") return "nvidia.com/gpu";
  if (hw.vendor == "amd") return "amd.com/gpu";
  if (hw.vendor == "intel") return "habana.ai/gaudi";
  if (hw.vendor == "aws") return "aws.amazon.com/neuron";
  return "";
}

// GKE's TPU node labels (cloud.google.com/kubernetes-engine/docs/concepts/tpus): the
// accelerator type and a slice topology of `chips` chips (2-D for v5e and v6e, 3-D otherwise).
struct TpuLabels {
  std::string accelerator, topology;
};
TpuLabels tpu_labels(const Hardware& hw, int chips) {
  const bool two_d = hw.id == "tpu-v5e" || hw.id == "tpu-v6e";
  TpuLabels l;
  l.accelerator = hw.id == "tpu-v4"    ? "tpu-v4-podslice"
                  : hw.id == "tpu-v5e" ? "tpu-v5-lite-podslice"
                  : hw.id == "tpu-v5p" ? "tpu-v5p-slice"
                  : hw.id == "tpu-v6e" ? "tpu-v6e-slice"
                  : hw.id == "tpu-v7"  ? "tpu7x"
                                       : "";
  if (two_d) {
    const int x =
        chips >= 4 ? static_cast<int>(std::lround(std::pow(2, std::floor(std::log2(chips) / 2)))) : 1;
    l.topology = fmt::format("{}x{}", x, chips / x);
  } else {
    const int z = std::max(1, chips / 4);
    l.topology = chips >= 4 ? fmt::format("2x2x{}", z) : fmt::format("{}x1x1", chips);
  }
  return l;
}

struct Pod {
  std::vector<std::pair<std::string, std::string>> node_selector;
  std::vector<std::string> selector_notes;
  std::string resource;           // accelerator resource name ("" = CPU)
  int devices = 1;                // per pod
  double cpu = 0, memory_gb = 0;  // CPU pods: requests
};

Pod pod_shape(const EmitPlan& p, int pods) {
  const Deployment& d = p.deployment;
  const Hardware& hw = *d.hardware;
  Pod pod;
  pod.resource = accelerator_resource(hw);
  pod.devices = d.devices() / pods;
  if (hw.kind == DeviceKind::tpu) {
    const TpuLabels l = tpu_labels(hw, pod.devices);
    if (!l.accelerator.empty()) {
      pod.node_selector.push_back({"cloud.google.com/gke-tpu-accelerator", l.accelerator});
      pod.node_selector.push_back({"cloud.google.com/gke-tpu-topology", l.topology});
    }
  }
  // node.kubernetes.io/instance-type is a well-known label every cloud's nodes carry.
  if (!p.instance_type.empty()) {
    pod.node_selector.push_back({"node.kubernetes.io/instance-type", p.instance_type});
  } else if (pod.node_selector.empty()) {
    pod.selector_notes.push_back(
        fmt::format("no standard node label names {}: add a nodeSelector for your nodes", hw.id));
  }
  if (hw.kind == DeviceKind::cpu) {
    pod.cpu = static_cast<double>(hw.vcpus > 0 ? hw.vcpus : hw.socket_vcpus()) * pod.devices;
    // What the estimate places in memory: weights, reserve and every slot's full-length KV.
    const MemoryPlan& m = p.memory;
    pod.memory_gb =
        std::ceil((m.weights_gb + m.reserve_gb + m.kv_gb_per_sequence * p.max_num_seqs) * pod.devices);
  }
  return pod;
}

std::string container(const EngineCommand& c, const Pod& pod, const std::string& indent, bool probe,
                      const std::vector<std::string>& argv) {
  std::string o;
  o += indent + "- name: engine\n";
  o += indent + "  image: " + quoted(c.image) + "\n";
  o += indent + "  command: [" + quoted(argv.front()) + "]\n";
  o += indent + "  args:\n";
  for (size_t i = 1; i < argv.size(); ++i) o += indent + "    - " + quoted(argv[i]) + "\n";
  o += indent + "  ports:\n" + indent + "    - name: http\n" + indent +
       fmt::format("      containerPort: {}\n", c.port);
  o += indent + "  resources:\n";
  if (!pod.resource.empty()) {
    o += indent + "    limits:\n" + indent + fmt::format("      {}: {}\n", pod.resource, pod.devices);
  } else {
    o += indent + "    requests:\n" + indent + fmt::format("      cpu: {:g}\n", pod.cpu) + indent +
         fmt::format("      memory: {:g}G\n", pod.memory_gb);
  }
  if (probe) {
    // Loading and warming up a large model takes minutes: ready once the engine answers.
    o += indent + "  readinessProbe:\n" + indent + "    httpGet:\n" + indent +
         "      path: " + c.health_path + "\n" + indent + "      port: http\n" + indent +
         "    initialDelaySeconds: 60\n" + indent + "    periodSeconds: 10\n" + indent +
         "    failureThreshold: 3\n";
    o += indent + "  startupProbe:\n" + indent + "    httpGet:\n" + indent + "      path: " + c.health_path +
         "\n" + indent + "      port: http\n" + indent + "    periodSeconds: 10\n" + indent +
         "    failureThreshold: 180\n";
  }
  o += indent + "  volumeMounts:\n" + indent + "    - name: dshm\n" + indent + "      mountPath: /dev/shm\n";
  return o;
}

std::string pod_spec(const EngineCommand& c, const Pod& pod, const std::string& indent, bool probe,
                     const std::vector<std::string>& argv) {
  std::string o;
  if (!pod.node_selector.empty()) {
    o += indent + "nodeSelector:\n";
    for (const auto& [k, v] : pod.node_selector) o += indent + "  " + k + ": " + quoted(v) + "\n";
  }
  for (const auto& note : pod.selector_notes) o += indent + "# " + note + "\n";
  o += indent + "containers:\n" + container(c, pod, indent + "  ", probe, argv);
  // Tensor-parallel workers exchange through shared memory; the container default (64 MiB) is too small.
  o += indent + "volumes:\n" + indent + "  - name: dshm\n" + indent + "    emptyDir:\n" + indent +
       "      medium: Memory\n";
  return o;
}

std::string labels(const std::string& indent, const std::string& name) {
  return indent + "labels:\n" + indent + "  app.kubernetes.io/name: " + name + "\n" + indent +
         "  app.kubernetes.io/managed-by: llmhw\n";
}

std::string service(const std::string& name, const EngineCommand& c, bool leader_only) {
  std::string o =
      "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n" + labels("  ", name);
  o += "spec:\n  selector:\n    app.kubernetes.io/name: " + name + "\n";
  if (leader_only) o += "    leaderworkerset.sigs.k8s.io/worker-index: \"0\"\n";
  o += fmt::format("  ports:\n    - name: http\n      port: 80\n      targetPort: {}\n", c.port);
  return o;
}

// The engine a manifest runs: the one asked for, else vLLM (llama.cpp on CPUs).
EmitTarget manifest_engine(const EmitPlan& p) {
  if (!p.engine_for_manifest.empty()) {
    const auto t = parse_emit_target(p.engine_for_manifest);
    if (t && *t != EmitTarget::k8s && *t != EmitTarget::trtllm) return *t;
    throw usage_error(
        fmt::format("--emit k8s: pods run vllm, sglang or llama.cpp, not '{}'", p.engine_for_manifest));
  }
  return p.deployment.hardware->kind == DeviceKind::cpu ? EmitTarget::llama_cpp : EmitTarget::vllm;
}

std::string joined_shell(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// The engine's gauge of requests it is running, as Prometheus scrapes it from the pod's /metrics,
// and the flag that turns the endpoint on ("" = always on). Names read in each engine's source:
// vLLM vllm/v1/metrics/loggers.py @a6f0308 (PrometheusStatLogger: Gauge "vllm:num_requests_running");
// SGLang python/sglang/srt/metrics/collector.py @00ae9c1 (SchedulerMetricsCollector: Gauge
// "sglang:num_running_reqs"), enable_metrics (--enable-metrics) in server_args.py @001067f;
// llama.cpp examples/server/server.cpp @c392e50 lines 3647 and 3668-3670 ("llamacpp:" +
// "requests_processing", a gauge of the busy slots), --metrics in common/arg.cpp line 2058.
struct RunningMetric {
  std::string prometheus, flag;
};
RunningMetric running_metric(EmitTarget engine) {
  switch (engine) {
    case EmitTarget::sglang:
      return {"sglang:num_running_reqs", "--enable-metrics"};
    case EmitTarget::llama_cpp:
      return {"llamacpp:requests_processing", "--metrics"};
    default:
      return {"vllm:num_requests_running", ""};
  }
}

// The Custom Metrics API name prometheus-adapter gives a series under the rule quoted in the
// comment: the engine prefix's ':' becomes '_' ("vllm:num_requests_running" -> "vllm_num_requests_running").
std::string adapter_name(const std::string& prometheus) {
  std::string out = prometheus;
  const auto colon = out.find(':');
  if (colon != std::string::npos) out[colon] = '_';
  return out;
}

// autoscaling/v2 HorizontalPodAutoscaler over the Deployment or LeaderWorkerSet `kind`, bounded by
// the day plan, scaling on running requests per pod (per replica: an LWS exposes its leader pods to
// the HPA, and the leader runs the engine's API server).
std::string autoscaler(const EmitPlan& p, const std::string& name, const std::string& api_version,
                       const std::string& kind, const RunningMetric& metric) {
  const Autoscaling& a = *p.autoscaling;
  // At the peak's operating point the HPA asks for about the peak's replicas (its 10% tolerance
  // dwarfs the rounding); capacity_concurrency is the most a replica holds within the targets.
  const long target = std::max(1L, std::lround(a.target_running));
  // minReplicas >= 1 unless the cluster enables the alpha HPAScaleToZero feature gate.
  const long min_replicas = std::max(1L, a.min_replicas);
  const std::string series = metric.prometheus;
  const std::string prefix = series.substr(0, series.find(':'));
  std::string o = "---\n";
  o += fmt::format(
      "# Autoscaling for the load profile {}: {} replica{} in its quietest period, {} in its busiest\n",
      a.profile, a.min_replicas, a.min_replicas == 1 ? "" : "s", a.max_replicas);
  if (a.min_replicas < 1) o += "# (minReplicas is 1: 0 needs the alpha HPAScaleToZero feature gate)\n";
  o += fmt::format(
      "# (recommend --load-profile's schedule). It scales on {} per pod, target {}:\n"
      "# the requests in flight per replica at the peak as sized (at most {:.0f} meet the latency\n"
      "# targets). The HPA reacts to load; a new replica serves only after its model loads, so the\n"
      "# day plan's early start for a busier period is not reproduced.\n",
      series, target, std::floor(p.capacity_concurrency + 1e-9));
  o += "# Needs a metrics adapter serving Prometheus series as Pods metrics, such as prometheus-adapter, "
       "with\n";
  o += fmt::format("# the rule: seriesQuery: '{}{{namespace!=\"\",pod!=\"\"}}'\n", series);
  o += "#   resources: {overrides: {namespace: {resource: namespace}, pod: {resource: pod}}}\n";
  o += fmt::format("#   name: {{matches: \"^{}:(.*)$\", as: \"{}_${{1}}\"}}\n", prefix, prefix);
  o += "#   metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'\n";
  o += "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: " + name + "\n" +
       labels("  ", name);
  o += "spec:\n  scaleTargetRef:\n    apiVersion: " + api_version + "\n    kind: " + kind +
       "\n    name: " + name + "\n";
  o += fmt::format("  minReplicas: {}\n  maxReplicas: {}\n", min_replicas,
                   std::max(min_replicas, a.max_replicas));
  o += "  metrics:\n    - type: Pods\n      pods:\n        metric:\n          name: " + adapter_name(series) +
       "\n";
  o += fmt::format("        target:\n          type: AverageValue\n          averageValue: {}\n", target);
  return o;
}

// spec.replicas: the count, or under an HPA none (kubectl apply would reset the HPA's count to it:
// kubernetes.io, "Horizontal Pod Autoscaling", migrating Deployments to horizontal autoscaling).
std::string replicas_line(const EmitPlan& p) {
  if (p.autoscaling) return "  # replicas: set by the HorizontalPodAutoscaler below\n";
  return fmt::format("  replicas: {}\n", p.replicas);
}

}  // namespace

std::string emit_k8s(const EmitPlan& p) {
  const Deployment& d = p.deployment;
  const Hardware& hw = *d.hardware;
  const EmitTarget engine = manifest_engine(p);
  EngineCommand c = engine_command(engine, p);
  const RunningMetric metric = running_metric(engine);
  if (p.autoscaling && !metric.flag.empty()) c.argv.push_back(metric.flag);  // the HPA's metric
  const std::string name = dns_name(fmt::format("{}-{}", d.model->id, hw.id));
  const int nodes = (d.devices() + hw.devices_per_node - 1) / hw.devices_per_node;
  std::string out = emit_header(p, fmt::format("Kubernetes manifest ({})", to_string(engine)));
  for (const auto& note : c.notes) out += "# " + note + "\n";
  out += "# gated models need a Hugging Face token: add HF_TOKEN from a Secret you create\n";
  if (nodes <= 1) {
    const Pod pod = pod_shape(p, 1);
    out += "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n" + labels("  ", name);
    out += "spec:\n" + replicas_line(p);
    out += "  selector:\n    matchLabels:\n      app.kubernetes.io/name: " + name + "\n";
    out += "  template:\n    metadata:\n" + labels("      ", name) + "    spec:\n";
    out += pod_spec(c, pod, "      ", true, c.argv);
    out += service(name, c, false);
    if (p.autoscaling) out += autoscaler(p, name, "apps/v1", "Deployment", metric);
    return out;
  }
  if (engine != EmitTarget::vllm) {
    throw usage_error(
        fmt::format("--emit k8s: a replica of {} devices spans {} nodes; the manifest runs it with "
                    "vLLM on Ray only",
                    d.devices(), nodes));
  }
  // LeaderWorkerSet (sigs.k8s.io/lws): one group of `nodes` pods per replica; the leader starts
  // the Ray head and vLLM, the workers join its Ray cluster (vLLM's LWS deployment guide).
  const Pod pod = pod_shape(p, nodes);
  out += "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: " + name + "\n" +
         labels("  ", name);
  out += "spec:\n" + replicas_line(p) + fmt::format("  leaderWorkerTemplate:\n    size: {}\n", nodes);
  out += "    restartPolicy: RecreateGroupOnPodRestart\n";
  out += "    leaderTemplate:\n      metadata:\n" + labels("        ", name) + "      spec:\n";
  out += pod_spec(c, pod, "        ", true,
                  {"sh", "-c", "ray start --head --port=6379 && exec " + joined_shell(c.argv)});
  out += "    workerTemplate:\n      metadata:\n" + labels("        ", name) + "      spec:\n";
  out += pod_spec(c, pod, "        ", false,
                  {"sh", "-c", "ray start --address=$(LWS_LEADER_ADDRESS):6379 --block"});
  out += service(name, c, true);
  if (p.autoscaling) out += autoscaler(p, name, "leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet", metric);
  return out;
}

}  // namespace llmhw::render
