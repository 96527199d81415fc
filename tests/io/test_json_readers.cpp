// Readers of the JSON formats on the real fixtures in tests/data/io (see tests/data/SOURCES.md):
// counts of documents and options, and our re-scoring equal to the scores the tools stored.
#include <doctest/doctest.h>

#include <emergent/io.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace {

const std::string data_dir = std::string(EMERGENT_TEST_DATA_DIR) + "/io/";

std::vector<emergent::io::record> collect_with(
    emergent::io::read_summary (*reader)(const std::string&, const emergent::io::read_options&,
                                         const emergent::io::record_sink&),
    const std::string& path, emergent::io::read_options options = {}) {
  std::vector<emergent::io::record> out;
  const auto summary = reader(path, options, [&](const emergent::io::record& r) { out.push_back(r); });
  CHECK(summary.read == summary.delivered + summary.skipped);
  CHECK(summary.delivered == out.size());
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Index of the largest log-likelihood (first on ties), as lm-evaluation-harness grades `acc`.
std::size_t argmax(const std::vector<emergent::io::option_score>& options) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < options.size(); ++i) {
    if (options[i].loglik > options[best].loglik) best = i;
  }
  return best;
}

}  // namespace

TEST_CASE("lm-eval 0.4 samples (generate_until): 10 documents, generation and target, stored exact_match") {
  const auto records = collect_with(&emergent::io::read_lm_eval_samples_file,
                                    data_dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl");
  REQUIRE(records.size() == 10);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    CHECK(r.example_id == std::to_string(i));
    CHECK(r.line == i + 1);
    CHECK(r.task == "math_perturbed_full");
    CHECK(r.model == "RylanSchaeffer/mem_Qwen3-93M_minerva_math_rep_0_sbst_1.0000_epch_1_ot_1");
    CHECK(r.filter == "none");
    CHECK(r.has_prediction);
    CHECK(r.options.empty());
    REQUIRE(r.references.size() == 1);
    // Re-scored exact match (lm-eval's exact_match: string equality) equals the value stored per sample.
    const double ours = r.prediction == r.references[0] ? 1.0 : 0.0;
    REQUIRE(r.stored_value("exact_match").has_value());
    CHECK(ours == *r.stored_value("exact_match"));
  }
  CHECK(records[0].references[0] == "3");
  CHECK(records[2].references[0] == "\\dfrac{13}{9}");
  CHECK(records[0].prediction.substr(0, 17) == " 1. The graph of ");
}

TEST_CASE("lm-eval 0.4 samples (constructed multiple choice): options, string leaves, lengths, gold, filters") {
  // tests/data/io/lm_eval/samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl: written by us in
  // the 0.4 shape (no real multiple-choice samples file exists), leaves as strings like lm-eval writes.
  const auto records = collect_with(&emergent::io::read_lm_eval_samples_file,
                                    data_dir + "lm_eval/samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl");
  REQUIRE(records.size() == 4);
  CHECK(records[0].task == "constructed_mc");
  CHECK(records[0].model == "lm_eval");  // no results file beside it: the directory name
  REQUIRE(records[0].options.size() == 4);
  CHECK(records[0].options[0].loglik == doctest::Approx(-0.41));
  CHECK(records[0].options[0].is_greedy);
  CHECK_FALSE(records[0].options[1].is_greedy);
  CHECK(records[0].options[2].bytes == 5);  // " Paris" without lm-eval's target delimiter
  CHECK(records[0].options[3].chars == 6);  // "Zürich": 7 bytes, 6 code points
  CHECK(records[0].options[3].bytes == 7);
  CHECK(records[0].gold == 0);
  for (const auto& r : records) {
    const double acc = argmax(r.options) == r.gold ? 1.0 : 0.0;
    CHECK(acc == *r.stored_value("acc"));
  }
  // The same documents under a second filter: each (doc_id, filter) once; --filter picks one.
  emergent::io::read_options only;
  only.filter = "strict";
  const auto strict = collect_with(&emergent::io::read_lm_eval_samples_file,
                                   data_dir + "lm_eval/samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl", only);
  CHECK(strict.size() == 1);
  CHECK(strict[0].filter == "strict");
}

TEST_CASE("lm-eval v0.3 --write_out: 25 records, 2 options each, re-scored acc equals the stored acc") {
  const auto records = collect_with(&emergent::io::read_lm_eval_write_out_file,
                                    data_dir + "lm_eval/winogrande_write_out_info_llama-2-7b_first25.json");
  REQUIRE(records.size() == 25);
  std::size_t correct = 0;
  for (const auto& r : records) {
    CHECK(r.task == "winogrande");
    REQUIRE(r.options.size() == 2);
    REQUIRE(r.gold < 2);
    const double acc = argmax(r.options) == r.gold ? 1.0 : 0.0;
    CHECK(acc == *r.stored_value("acc"));
    correct += acc == 1.0;
  }
  CHECK(records[0].options[0].loglik == doctest::Approx(-60.83873748779297));
  CHECK(records[0].gold == 1);
  CHECK(records[0].line == 2);
  CHECK(records[1].line > records[0].line);
  CHECK(correct > 0);
}

TEST_CASE("HELM scenario_state: instances, references, chosen letter; exact_match equals HELM's per-instance stat") {
  for (const char* run : {"hellaswag_pythia-1b-v0", "mmlu_philosophy_gpt2", "narrative_qa_gpt2"}) {
    CAPTURE(run);
    const std::string dir = data_dir + "helm/" + run + "/";
    const auto records = collect_with(&emergent::io::read_helm_scenario_state_file, dir + "scenario_state.json");
    const auto stats = emergent::io::read_helm_per_instance_stats_file(dir + "per_instance_stats.json");
    std::map<std::string, double> stored;
    for (const auto& s : stats) {
      if (s.name == "exact_match" && !s.perturbed) stored[s.instance_id] = s.mean;
    }
    const bool generation = std::string(run) == "narrative_qa_gpt2";
    CHECK(records.size() == (generation ? 5u : 10u));
    CHECK(stored.size() == records.size());
    for (const auto& r : records) {
      CAPTURE(r.example_id);
      CHECK(r.has_prediction);
      CHECK(r.tokens.size() == r.token_logprobs.size());
      CHECK(!r.tokens.empty());
      // HELM's exact_match: the stripped prediction equals a stripped correct reference.
      double em = 0.0;
      for (const auto& ref : r.references) em = std::max(em, trim(ref) == trim(r.prediction) ? 1.0 : 0.0);
      REQUIRE(stored.count(r.example_id) == 1);
      CHECK(em == stored[r.example_id]);
      if (!generation) {
        CHECK(r.gold < 4);
        CHECK(r.chosen < 4);
        CHECK((r.chosen == r.gold) == (em == 1.0));
      }
    }
    CHECK(records[0].model == (std::string(run) == "hellaswag_pythia-1b-v0" ? "eleutherai/pythia-1b-v0" : "openai/gpt2"));
  }
  const auto mc = collect_with(&emergent::io::read_helm_scenario_state_file,
                               data_dir + "helm/hellaswag_pythia-1b-v0/scenario_state.json");
  CHECK(mc[0].task == "hellaswag");
  CHECK(mc[0].example_id == "id44874");
  CHECK(mc[0].gold == 2);    // reference 2 is tagged correct
  CHECK(mc[0].chosen == 1);  // the completion is " B"
  CHECK(mc[0].references == std::vector<std::string>{"C"});
}

TEST_CASE("Inspect JSON logs: samples, model, task; re-scored match/choice equals the scores Inspect stored") {
  struct expected_log {
    const char* file;
    std::size_t samples;
    const char* model;
    const char* task;
    const char* scorer;
  };
  for (const expected_log& log : {expected_log{"arc_easy_qwen2.5-0.5b.json", 3, "ollama/qwen2.5:0.5b", "inspect_evals/arc_easy", "choice"},
                                  expected_log{"2025-05-12T20-28-13-04-00_popularity.json", 3, "openai/gpt-4o-mini", "popularity", "match"},
                                  expected_log{"log_read_sample.json", 1, "ollama/gemma3", "popularity", "match"}}) {
    CAPTURE(log.file);
    const auto records = collect_with(&emergent::io::read_inspect_log_file, data_dir + "inspect/" + log.file);
    REQUIRE(records.size() == log.samples);
    for (const auto& r : records) {
      CHECK(r.model == log.model);
      CHECK(r.task == log.task);
      CHECK(r.has_prediction);
      REQUIRE(r.stored_value(log.scorer).has_value());
      // match: the stripped, case-folded output equals the target; choice: the extracted letter does.
      const std::string_view answer = std::string(log.scorer) == "choice" ? std::string_view(r.answer) : std::string_view(r.prediction);
      const double ours = lower(trim(answer)) == lower(trim(r.references.at(0))) ? 1.0 : 0.0;
      CHECK(ours == *r.stored_value(log.scorer));
    }
  }
  const auto arc = collect_with(&emergent::io::read_inspect_log_file, data_dir + "inspect/arc_easy_qwen2.5-0.5b.json");
  CHECK(arc[0].gold == 0);
  CHECK(arc[0].chosen == 0);
  CHECK(arc[1].gold == 1);
  CHECK(arc[1].chosen == 3);
}

TEST_CASE("Inspect .eval archives given to the JSON log reader are refused, naming the archive reader") {
  CHECK_THROWS_WITH_AS(emergent::io::read_inspect_log_file(data_dir + "inspect/mmlu-summary-choices.eval", {},
                                                           [](const emergent::io::record&) {}),
                       doctest::Contains("read_inspect_eval_file (emergent/io/inspect_eval.hpp"), emergent::parse_error);
  const std::string zip("PK\x03\x04rest", 8);
  CHECK_THROWS_WITH_AS(emergent::io::read_inspect_log(zip, "x.eval", {}, [](const emergent::io::record&) {}),
                       doctest::Contains("inspect log convert --to json"), emergent::parse_error);
}
