#pragma once
// Queueing formulas for sizing a fleet from a request rate (docs/estimation.md "Queueing").
// Pure functions; the textbook cases they reduce to are tested against closed forms and tables.

namespace llmhw::queueing {

// Erlang C: the probability that an arrival has to wait in an M/M/c queue with `servers`
// servers and offered load a = arrival rate x mean service time (in Erlangs). 1 when a >= c
// (the queue is unstable and every arrival waits).
double erlang_c(int servers, double offered_load);

// The waiting time before service in an M/G/c queue: waits with probability `probability`,
// and a wait, given that it happens, is taken as exponential with mean `conditional_mean_s`.
// Exact for M/M/c; for general service times the mean follows the Allen-Cunneen
// approximation, Wq = C(c, a) / (c mu - lambda) x (1 + cs^2) / 2, which for one server is the
// exact Pollaczek-Khinchine mean (M/D/1: rho S / (2 (1 - rho))).
struct Wait {
  double probability = 0;
  double conditional_mean_s = 0;
  bool stable = true;  // false when utilisation >= 1: waits grow without bound
  double mean_s() const;
  // The p-quantile (0 < p < 1) of the wait: 0 when fewer than 1 - p of arrivals wait.
  double quantile(double p) const;
};

// `service_scv` is the squared coefficient of variation of the service time, Var(S) / E[S]^2
// (0 deterministic, 1 exponential).
Wait mgc_wait(double arrival_rate, double mean_service_s, double service_scv, int servers);

// The p-quantile of the standard normal distribution (Acklam's rational approximation, relative
// error < 1.2e-9), for 0 < p < 1.
double normal_quantile(double p);

}  // namespace llmhw::queueing
