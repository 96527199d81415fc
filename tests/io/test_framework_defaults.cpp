// io::default_scoring: the metrics each framework reports for a kind of record, from real first
// records of the fixtures (HELM joint multiple choice and generation, Inspect with choices and
// with a match scorer, lm-eval generation and multiple choice) and constructed ones.
#include <doctest/doctest.h>

#include <emergent/io.hpp>
#include <emergent/io/framework_defaults.hpp>

#include <string>
#include <vector>

namespace {
const std::string dir = std::string(EMERGENT_TEST_DATA_DIR) + "/io/";

// The file readers have overloads (with and without a reader_context): name the one taken.
using file_reader = emergent::io::read_summary (*)(const std::string&, const emergent::io::read_options&,
                                                   const emergent::io::record_sink&);

emergent::io::record first_of(file_reader reader, const std::string& path) {
  emergent::io::record first;
  bool got = false;
  reader(path, emergent::io::read_options{}, [&](const emergent::io::record& r) {
    if (!got) first = r;
    got = true;
  });
  REQUIRE(got);
  return first;
}

using v = std::vector<std::string>;

// read_lm_eval_samples_file has overloads: name the one taken.
const auto lm_eval_reader = [](const std::string& path, const emergent::io::read_options& options,
                               const emergent::io::record_sink& sink) {
  return emergent::io::read_lm_eval_samples_file(path, options, sink);
};
}  // namespace

TEST_CASE("default_scoring: HELM") {
  const auto mc = first_of(&emergent::io::read_helm_scenario_state_file, dir + "helm/hellaswag_pythia-1b-v0/scenario_state.json");
  auto d = emergent::io::default_scoring("helm", mc);
  CHECK(d.metrics == v{"mc_grade"});
  CHECK(d.normalise == "strip");
  CHECK(d.reason.find("HELM's `exact_match`") != std::string::npos);
  const auto gen = first_of(&emergent::io::read_helm_scenario_state_file, dir + "helm/narrative_qa_gpt2/scenario_state.json");
  d = emergent::io::default_scoring("helm", gen);
  CHECK(d.metrics == v{"exact_match", "edit_distance"});
  CHECK(d.normalise == "strip");
}

TEST_CASE("default_scoring: Inspect") {
  const auto arc = first_of(&emergent::io::read_inspect_log_file, dir + "inspect/arc_easy_claude-sonnet-4.json");
  auto d = emergent::io::default_scoring("inspect", arc);
  CHECK(d.metrics == v{"stored:choice", "mc_grade"});
  const auto pop = first_of(&emergent::io::read_inspect_log_file, dir + "inspect/2025-05-12T20-28-13-04-00_popularity.json");
  d = emergent::io::default_scoring("inspect", pop);
  CHECK(d.metrics == v{"stored:match"});
  emergent::io::record bare;  // no stored score, no choices
  bare.has_prediction = true;
  d = emergent::io::default_scoring("inspect", bare);
  CHECK(d.metrics == v{"exact_match", "edit_distance"});
}

TEST_CASE("default_scoring: lm-eval and the generic formats") {
  const auto math = first_of(lm_eval_reader,
                             dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl");
  auto d = emergent::io::default_scoring("lm-eval", math);
  CHECK(d.metrics == v{"exact_match", "edit_distance"});
  CHECK(d.normalise == "none");
  const auto mc = first_of(lm_eval_reader,
                           dir + "lm_eval/samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl");
  d = emergent::io::default_scoring("lm-eval", mc);
  CHECK(d.metrics == v{"mc_grade", "brier", "log_loss"});
  d = emergent::io::default_scoring("csv", mc);
  CHECK(d.metrics == v{"mc_grade", "brier", "log_loss"});
  CHECK(emergent::io::default_normalisation("jsonl") == "none");
  CHECK(emergent::io::default_normalisation("helm") == "strip");
}
