#pragma once
// What owned hardware can serve (llmhw capacity): for each pool of identical devices, the layout
// recommend would search that serves the highest request rate within the latency targets on at
// most that many devices, and the devices it leaves unused. The inverse of recommend: at 95% of
// the rate found, recommend on that hardware needs at most the devices owned; at more than the
// rate, any layout needs more (docs/estimation.md "Capacity").
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/recommend.hpp"

namespace llmhw {

// Devices of one hardware id the user owns.
struct Pool {
  const Hardware* hardware = nullptr;
  long devices = 0;
};

// What one pool sustains.
struct PoolCapacity {
  Pool pool;
  // The layout that serves the most, evaluated at that rate (replicas include --n-plus spares);
  // none when no layout of at most pool.devices devices fits the model or meets the targets.
  std::optional<Evaluation> best;
  double max_requests_per_s = 0;
  long unused_devices = 0;
  std::string reason;  // why none serves (when !best)
  Evidence evidence = Evidence::datasheet;
  std::string evidence_basis;
  Bounds bounds;
};

struct CapacityResult {
  std::vector<PoolCapacity> pools;  // in the order given
  double max_requests_per_s = 0;    // all pools together (each serves its own share)
};

// The rate one replica of `e` may carry: its capacity at the targets times the utilisation cap.
double replica_rate(const Evaluation& e, const Query& q);

// The highest sustainable request rate of each pool. q.qps is ignored; q.n_plus spare replicas
// per pool stand by and serve nothing extra.
CapacityResult capacity(const Query& q, const Model& model, std::span<const Pool> pools,
                        const Calibration& calibration, std::span<const Hardware> known);

}  // namespace llmhw
