// Disaggregated prefill/decode serving (src/core/disaggregated.cpp): SPEC parsing and checks, the
// KV transfer worked out by hand, and the closed- and open-loop serving points' invariants.
// The device is llmhw_test::round_gpu(): 80 GB, 1e12 B/s, 1e14 FLOP/s bf16, 100 GB/s link, 8 per
// node.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "llmhw/disaggregated.hpp"
#include "llmhw/error.hpp"
#include "test_shapes.hpp"

using llmhw::Precision;

namespace {

// Llama 3.1 8B: 131,072 KV bytes per token at bf16 (test_shapes.hpp).
using llmhw_test::kKvPerToken8b;

std::string error_of(const std::string& spec, const llmhw::Model& m) {
  try {
    llmhw::check_worker_spec(llmhw::parse_worker_spec(spec, "--prefill"), m, "--prefill");
  } catch (const llmhw::Error& e) {
    CHECK(e.code() == llmhw::ExitCode::usage);
    return e.what();
  }
  return "";
}

llmhw::DisaggregatedDeployment split(const llmhw::Model& m, const llmhw::Hardware& hw, int prefill_workers,
                                     int prefill_tp, int decode_workers, int decode_tp) {
  llmhw::Deployment base{&m, &hw, Precision::bf16, Precision::bf16};
  return {llmhw::worker_deployment(base, {prefill_workers, prefill_tp}), prefill_workers,
          llmhw::worker_deployment(base, {decode_workers, decode_tp}), decode_workers};
}

}  // namespace

TEST_CASE("worker SPEC: omitted keys are 1, every key parsed", "[disaggregated]") {
  const auto s = llmhw::parse_worker_spec("workers=3,tp=4,ep=8,dp=2", "--decode");
  CHECK(s.workers == 3);
  CHECK(s.tp == 4);
  CHECK(s.dp == 2);
  CHECK(s.ep == 8);
  CHECK(s.pp == 1);
  const auto d = llmhw::parse_worker_spec("tp=2", "--decode");
  CHECK(d.workers == 1);
  CHECK(d.tp == 2);
}

TEST_CASE("worker SPEC: bad keys and values are usage errors naming the key", "[disaggregated]") {
  const llmhw::Model dense = llmhw_test::llama_8b();    // 32 heads, no experts
  const llmhw::Model moe = llmhw_test::mixtral_8x7b();  // 8 experts
  CHECK(error_of("workers=2,tq=4", dense).find("key 'tq'") != std::string::npos);
  CHECK(error_of("workers=0", dense).find("key 'workers'") != std::string::npos);
  CHECK(error_of("tp=", dense).find("key 'tp'") != std::string::npos);
  CHECK(error_of("tp=2,tp=4", dense).find("key 'tp'") != std::string::npos);
  CHECK(error_of("tp=3", dense).find("key 'tp'") != std::string::npos);       // 3 does not divide 32 heads
  CHECK(error_of("tp=8,ep=16", moe).find("key 'ep'") != std::string::npos);   // 16 > 8 experts
  CHECK(error_of("tp=2,ep=2", dense).find("key 'ep'") != std::string::npos);  // no experts
  CHECK(error_of("workers=2,tp=8,ep=8", moe).empty());
  // One line each.
  CHECK(error_of("workers=0", dense).find('\n') == std::string::npos);
}

TEST_CASE("KV transfer: one prompt's KV over NVLink inside a node, the network between nodes",
          "[disaggregated]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  llmhw::Hardware hw = llmhw_test::round_gpu();
  hw.scale_out = llmhw::Link{"ib-test", 50};
  const llmhw::Workload w{1000, 100};
  const llmhw::Efficiency eff = llmhw_test::ideal();
  // 1 x TP2 + 1 x TP2 = 4 devices in one 8-device node: NVLink, 2 lanes of 100 GB/s.
  // 1000 tokens x 131,072 B = 131,072,000 B / 200e9 B/s = 0.65536 ms.
  const llmhw::KvTransfer inside = llmhw::kv_transfer(split(m, hw, 1, 2, 1, 2), w, eff);
  CHECK(inside.bytes == Approx(1000 * kKvPerToken8b));
  CHECK_FALSE(inside.scale_out);
  CHECK(inside.lanes == 2);
  CHECK(inside.seconds == Approx(131072000.0 / 200e9));
  // 3 x TP2 + 2 x TP2 = 10 devices: two nodes, the 50 GB/s network, 2 lanes: 1.31072 ms.
  const llmhw::KvTransfer across = llmhw::kv_transfer(split(m, hw, 3, 2, 2, 2), w, eff);
  CHECK(across.scale_out);
  CHECK(across.link == "ib-test");
  CHECK(across.seconds == Approx(131072000.0 / 100e9));
  // Lanes are the smaller side's ranks: TP1 prefill to TP4 decode sends over one link.
  CHECK(llmhw::kv_transfer(split(m, hw, 1, 1, 1, 4), w, eff).lanes == 1);
}

TEST_CASE("disaggregated closed loop: Little's law, TPOT is the decode step, TTFT holds the transfer",
          "[disaggregated]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  llmhw::Hardware hw = llmhw_test::round_gpu();
  hw.scale_out = llmhw::Link{"ib-test", 1};  // a slow network makes the transfer visible
  const llmhw::Workload w{2000, 200};
  const llmhw::Efficiency eff = llmhw_test::realistic();
  llmhw::DisaggregatedLimits limits;
  limits.prefill.max_num_tokens = 8192;
  limits.decode.max_batch = 256;
  const double c = 64;
  const auto near = split(m, hw, 1, 1, 1, 1);
  const llmhw::DisaggregatedPoint p = llmhw::serve_disaggregated(near, w, c, eff, limits);
  // Closed loop: C = X x (TTFT + (osl - 1) x TPOT).
  CHECK(c == Approx(p.requests_per_s * (p.ttft_s + (w.output_tokens - 1) * p.tpot_s)));
  // TPOT is the decode worker's step at its running batch: no prefill stretches it.
  CHECK(p.tpot_s == Approx(llmhw::decode_step(near.decode, p.decode_running, 2100, eff).total_s()));
  // The aggregated replica of the same worker interleaves prefills with its decode steps.
  llmhw::EngineLimits agg;
  agg.max_batch = 256;
  const llmhw::ServingPoint a = llmhw::serve_closed_loop(near.decode, w, c, eff, agg);
  CHECK(p.tpot_s < a.tpot_s);
  // Across nodes at 1 GB/s, 2000 tokens x 131,072 B = 262 MB take 262 ms more per prompt.
  const auto far = split(m, hw, 5, 1, 4, 1);
  const llmhw::DisaggregatedPoint q = llmhw::serve_disaggregated(far, w, c, eff, limits);
  CHECK(q.transfer.scale_out);
  CHECK(q.transfer.seconds == Approx(2000 * kKvPerToken8b / 1e9 * (1.0 / eff.interconnect_bandwidth) +
                                     eff.collective_latency_us * 1e-6));
  CHECK(q.ttft_s >= q.prefill_s + q.transfer.seconds);
}

TEST_CASE("disaggregated open loop: more decode workers lower TPOT, more prefill workers lower TTFT",
          "[disaggregated]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Workload w{2000, 200};
  const llmhw::Efficiency eff = llmhw_test::realistic();
  llmhw::DisaggregatedLimits limits;
  limits.decode.max_batch = 512;
  // One 2000-token prefill takes about 0.5 s here (8B x 2 x 2000 = 32 TFLOP at
  // 60 TFLOP/s), so 1 req/s keeps one prefill worker half busy.
  const double qps = 1;
  const auto base = llmhw::serve_disaggregated_at_rate(split(m, hw, 1, 1, 1, 1), w, qps, eff, limits);
  const auto more_decode = llmhw::serve_disaggregated_at_rate(split(m, hw, 1, 1, 2, 1), w, qps, eff, limits);
  const auto more_prefill = llmhw::serve_disaggregated_at_rate(split(m, hw, 2, 1, 1, 1), w, qps, eff, limits);
  REQUIRE(base.sustainable);
  CHECK(more_decode.tpot_s < base.tpot_s);
  CHECK(more_prefill.ttft_s < base.ttft_s);
  CHECK(more_prefill.tpot_s == Approx(base.tpot_s));
  // Little's law on the decode side: running per worker = rate per worker x (osl - 1) x TPOT.
  CHECK(base.decode_running == Approx(qps * (w.output_tokens - 1) * base.tpot_s).epsilon(1e-3));
  // Far beyond what one decode worker holds: not sustainable.
  CHECK_FALSE(llmhw::serve_disaggregated_at_rate(split(m, hw, 1, 1, 1, 1), w, 1e4, eff, limits).sustainable);
}
