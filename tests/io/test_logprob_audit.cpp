// logprob_audit: the HELM fixtures (local runs: every token log-probability stored as 0.0) are
// detected as placeholders; a record with real log-probabilities, one with a single legitimate 0,
// option log-likelihoods, and records with none are told apart.
#include <doctest/doctest.h>

#include <emergent/io.hpp>
#include <emergent/io/logprob_audit.hpp>

#include <string>

namespace {
const std::string helm_dir = std::string(EMERGENT_TEST_DATA_DIR) + "/io/helm/";

emergent::io::logprob_audit audit_of(const std::string& run) {
  emergent::io::logprob_audit a;
  emergent::io::read_helm_scenario_state_file(helm_dir + run + "/scenario_state.json", {},
                                              [&](const emergent::io::record& r) { a.add(r); });
  return a;
}
}  // namespace

TEST_CASE("logprob_audit: HELM local runs store 0.0 placeholders, found in all three fixtures") {
  const auto hs = audit_of("hellaswag_pythia-1b-v0");
  CHECK(hs.records == 10);
  CHECK(hs.token_values == 10);
  CHECK(hs.token_zeros == 10);
  CHECK(hs.token_placeholders());
  CHECK_FALSE(hs.tokens_usable());
  CHECK(hs.describe_tokens() ==
        "all 10 token log-probabilities of 10 records are exactly 0 (placeholders, as HELM stores for models run locally)");
  const auto nq = audit_of("narrative_qa_gpt2");
  CHECK(nq.token_values == 209);
  CHECK(nq.token_placeholders());
  CHECK(audit_of("mmlu_philosophy_gpt2").token_placeholders());
}

TEST_CASE("logprob_audit: real, partly zero, missing and option log-probabilities") {
  emergent::io::logprob_audit a;
  emergent::io::record r;
  r.token_logprobs = {0.0, -0.25, -1.5};  // one token the model was sure of: legitimate
  a.add(r);
  CHECK(a.tokens_usable());
  CHECK_FALSE(a.token_placeholders());
  CHECK(a.describe_tokens() == "3 token log-probabilities in 1 of 1 records");
  emergent::io::logprob_audit none;
  r.token_logprobs.clear();
  none.add(r);
  CHECK(none.tokens_missing());
  CHECK_FALSE(none.tokens_usable());
  CHECK(none.describe_tokens() == "no record has token log-probabilities");
  CHECK(none.describe_options() == "no record has answer options");
  emergent::io::logprob_audit opts;
  r.options.resize(4);  // loglik 0.0 each
  opts.add(r);
  CHECK(opts.option_placeholders());
  CHECK(opts.describe_options() == "all 4 option log-likelihoods of 1 records are exactly 0 (placeholders)");
  r.options[2].loglik = -3.0;
  opts.add(r);
  CHECK_FALSE(opts.option_placeholders());
  CHECK(opts.describe_options() == "8 option log-likelihoods in 2 of 2 records");
}
