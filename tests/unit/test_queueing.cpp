// Queueing formulas against closed forms and published tables.
#include <catch2/catch.hpp>
#include <cmath>

#include "llmhw/queueing.hpp"

namespace q = llmhw::queueing;

TEST_CASE("Erlang C matches the M/M/c closed form and a published table", "[queueing]") {
  // One server: an arrival waits exactly when the server is busy, with probability rho.
  CHECK(q::erlang_c(1, 0.7) == Approx(0.7));
  // Two servers at a = 1 Erlang: (a^2/2!/(1 - a/2)) / (1 + a + a^2/2!/(1 - a/2)) = 1/3.
  CHECK(q::erlang_c(2, 1.0) == Approx(1.0 / 3.0));
  // Call-centre tables: 10 agents offered 8 Erlangs wait with probability 0.4092 (e.g. Cooper,
  // Introduction to Queueing Theory, Table 3.1 region; cross-checked by the factorial formula).
  CHECK(q::erlang_c(10, 8.0) == Approx(0.40918).epsilon(1e-4));
  CHECK(q::erlang_c(5, 4.5) == Approx(0.7625).epsilon(1e-3));
  // Unstable and idle edges.
  CHECK(q::erlang_c(3, 3.0) == 1.0);
  CHECK(q::erlang_c(3, 0.0) == 0.0);
}

TEST_CASE("M/M/1 and M/D/1 waits match their closed forms", "[queueing]") {
  // M/M/1, lambda 0.5/s, service 1 s: Wq = rho / (mu - lambda) = 0.5 / 0.5 = 1 s.
  const q::Wait mm1 = q::mgc_wait(0.5, 1.0, 1.0, 1);
  CHECK(mm1.mean_s() == Approx(1.0));
  // Its tail P(W > t) = rho e^{-(mu - lambda) t}: the 90th percentile is ln(0.5 / 0.1) / 0.5.
  CHECK(mm1.quantile(0.9) == Approx(2.0 * std::log(5.0)));
  // Half the arrivals do not wait at all: the median wait is 0.
  CHECK(mm1.quantile(0.5) == 0.0);
  // M/D/1 (Pollaczek-Khinchine with no service variance): Wq = rho S / (2 (1 - rho)) = 0.5 s.
  CHECK(q::mgc_wait(0.5, 1.0, 0.0, 1).mean_s() == Approx(0.5));
  // M/M/2, lambda 1/s, S 1 s: Wq = C(2, 1) / (2 mu - lambda) = (1/3) / 1.
  CHECK(q::mgc_wait(1.0, 1.0, 1.0, 2).mean_s() == Approx(1.0 / 3.0));
}

TEST_CASE("waits grow with load and are unbounded at saturation", "[queueing]") {
  double previous = 0;
  for (double rate : {0.1, 0.3, 0.5, 0.7, 0.9, 0.99}) {
    const q::Wait w = q::mgc_wait(rate, 1.0, 0.5, 1);
    CHECK(w.mean_s() > previous);
    CHECK(w.quantile(0.99) >= w.mean_s());
    previous = w.mean_s();
  }
  const q::Wait saturated = q::mgc_wait(2.0, 1.0, 1.0, 2);
  CHECK_FALSE(saturated.stable);
  CHECK(std::isinf(saturated.quantile(0.9)));
}

TEST_CASE("normal quantiles match the standard table", "[queueing]") {
  CHECK(q::normal_quantile(0.5) == Approx(0.0).margin(1e-9));
  CHECK(q::normal_quantile(0.9) == Approx(1.2815516));
  CHECK(q::normal_quantile(0.95) == Approx(1.6448536));
  CHECK(q::normal_quantile(0.99) == Approx(2.3263479));
  CHECK(q::normal_quantile(0.025) == Approx(-1.9599640));
  CHECK(q::normal_quantile(0.999) == Approx(3.0902323));
}
