#pragma once
// Speculative decoding: a drafter (the model's multi-token-prediction layers, an EAGLE head or a
// smaller draft model) proposes K tokens, the target verifies them with K + 1 tokens per
// sequence in one step and keeps `acceptance` of them on average (docs/estimation.md
// "Speculative decoding"). Pure: the CLI turns --speculative and --acceptance into this.
#include <memory>
#include <optional>
#include <string>

#include "llmhw/model.hpp"

namespace llmhw {

enum class SpecMethod { none, mtp, eagle, draft };
const char* to_string(SpecMethod m);

struct Speculation {
  SpecMethod method = SpecMethod::none;
  int draft_tokens = 0;     // K: tokens the drafter proposes per step
  double acceptance = 1;    // mean tokens kept per verification step, 1..K + 1 (the bonus included)
  std::string source;       // where `acceptance` comes from (a flag, or the published number)
  std::string draft_model;  // draft:MODEL: the drafter's id
  // The drafter's shape and facts: one layer of the target's shape (MTP, EAGLE) or the draft model.
  std::shared_ptr<const Model> drafter;
  std::shared_ptr<const ModelFacts> drafter_facts;
  // MTP and EAGLE heads use the target's embedding and LM head: only their layer adds weights.
  bool shares_embedding = true;
  bool active() const { return method != SpecMethod::none && draft_tokens > 0 && drafter != nullptr; }
};

// Draft tokens per step when --speculative names none: mtp 1 (the depth DeepSeek-V3 trained its
// MTP module for), eagle 3, draft 4 (see speculative.cpp for the sources).
int default_draft_tokens(SpecMethod m);

// The published mean accepted tokens per step for the method, the model's family and K, and its
// source.
struct AcceptanceDefault {
  double acceptance = 1;
  std::string source;
};
AcceptanceDefault default_acceptance(const Model& target, SpecMethod m, int draft_tokens);

// Whether the model carries multi-token-prediction layers (num_nextn_predict_layers,
// mtp_num_hidden_layers): DeepSeek-V3/R1, GLM-4.5+, Qwen3.5.
bool has_mtp_head(const Model& m);

// The drafter of an MTP or EAGLE method: one decoder layer of the target's width (MTP: the
// target's own layer shape, MoE included; EAGLE: a dense layer) with the target's LM head.
Model head_drafter(const Model& target, SpecMethod m);

// A speculation with its drafter: `draft` is the draft model for SpecMethod::draft (ignored
// otherwise); `acceptance` nullopt = the published default.
Speculation make_speculation(const Model& target, SpecMethod m, int draft_tokens,
                             std::optional<double> acceptance, const Model* draft = nullptr,
                             const std::string& draft_id = "");

// Weight parameters the drafter adds to a replica (the shared embedding and head not again).
double drafter_parameters(const Speculation& s);

}  // namespace llmhw
