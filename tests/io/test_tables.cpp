// lm-eval aggregate results, the generic CSV/JSONL readers with a column mapping, and compute tables.
#include <doctest/doctest.h>

#include <emergent/io.hpp>

#include <map>
#include <string>
#include <vector>

namespace {
const std::string data_dir = std::string(EMERGENT_TEST_DATA_DIR) + "/io/";

const emergent::io::aggregate_result* find(const std::vector<emergent::io::aggregate_result>& rows, const std::string& task,
                                           const std::string& metric) {
  for (const auto& r : rows) {
    if (r.task == task && r.metric == metric) return &r;
  }
  return nullptr;
}
}  // namespace

TEST_CASE("lm-eval 0.4 results with groups: metric,filter keys, stderr, groups, parents, n") {
  const auto rows = emergent::io::read_lm_eval_results_file(data_dir + "lm_eval/results_mamba2-130m_groups.json");
  const auto* arc = find(rows, "arc_challenge", "acc");
  REQUIRE(arc != nullptr);
  CHECK(arc->model == "state-spaces/mamba2-130m");
  CHECK(arc->filter == "none");
  CHECK(arc->value == doctest::Approx(0.20733788395904437));
  REQUIRE(arc->stderr_value.has_value());
  CHECK(*arc->stderr_value == doctest::Approx(0.011846905782971368));
  CHECK_FALSE(arc->is_group);
  const auto* mmlu = find(rows, "mmlu", "acc");
  REQUIRE(mmlu != nullptr);
  CHECK(mmlu->is_group);
  CHECK(mmlu->value == doctest::Approx(0.22981056829511465));
  const auto* humanities = find(rows, "mmlu_humanities", "acc");
  REQUIRE(humanities != nullptr);
  CHECK(humanities->is_group);
  CHECK(humanities->parent == "mmlu");
  CHECK(humanities->alias == "humanities");
  const auto* logic = find(rows, "mmlu_formal_logic", "acc");
  REQUIRE(logic != nullptr);
  CHECK(logic->parent == "mmlu_humanities");
  CHECK(logic->value == doctest::Approx(0.2857142857142857));
  const auto* ppl = find(rows, "lambada_openai", "perplexity");
  REQUIRE(ppl != nullptr);
  CHECK(ppl->value == doctest::Approx(16.7872255653198));
  for (const auto& r : rows) CHECK(r.metric.find("_stderr") == std::string::npos);
}

TEST_CASE("lm-eval 0.4 results of the generate_until run, and the v0.3 layout") {
  const auto gen = emergent::io::read_lm_eval_results_file(data_dir + "lm_eval/results_2026-01-21T03-44-18.458309.json");
  const auto* em = find(gen, "math_rephrased_full", "exact_match");
  REQUIRE(em != nullptr);
  CHECK(em->value == doctest::Approx(0.0004));
  REQUIRE(em->n.has_value());
  CHECK(*em->n == 5000);
  const auto old = emergent::io::read_lm_eval_results_file(data_dir + "lm_eval/results_v0.3_pythia-160m_step143000.json");
  const auto* cp = find(old, "crows_pairs_english", "pct_stereotype");
  REQUIRE(cp != nullptr);
  CHECK(cp->model == "EleutherAI/pythia-v1.1-160m");
  CHECK(cp->filter == "none");
  CHECK(cp->value == doctest::Approx(0.5617173524150268));
  CHECK(*cp->stderr_value == doctest::Approx(0.012119900409052399));
  CHECK(*cp->num_fewshot == 0);
  std::map<std::string, int> tasks;
  for (const auto& r : old) tasks[r.task]++;
  CHECK(tasks.size() == 87);
}

TEST_CASE("WinoGrande option log-likelihood CSV (3,801 rows): accuracies 0.738, 0.7616, 0.7814") {
  const auto mapping = emergent::io::parse_column_mapping(
      "model=model,example_id=doc_id,gold=gold_option,options=loglik_option0;loglik_option1,stored=acc");
  emergent::io::read_options options;
  options.task = "winogrande";
  std::map<std::string, std::pair<std::size_t, std::size_t>> counts;  // model -> (correct, n)
  std::size_t agree = 0, rows = 0;
  const auto summary = emergent::io::read_csv_file(
      data_dir + "winogrande_5shot_option_loglik_llama2_mistral.csv", mapping, options,
      [&](const emergent::io::record& r) {
        REQUIRE(r.options.size() == 2);
        const std::size_t choice = r.options[1].loglik > r.options[0].loglik ? 1 : 0;
        const bool correct = choice == r.gold;
        counts[r.model].first += correct;
        counts[r.model].second += 1;
        agree += (correct ? 1.0 : 0.0) == *r.stored_value("acc");
        ++rows;
      });
  CHECK(summary.read == 3801);
  CHECK(summary.delivered == 3801);
  CHECK(agree == 3801);
  REQUIRE(counts.size() == 3);
  CHECK(counts["Llama-2-7b-hf"].second == 1267);
  CHECK(double(counts["Llama-2-7b-hf"].first) / 1267 == doctest::Approx(0.738).epsilon(0.0005));
  CHECK(double(counts["Llama-2-13b-hf"].first) / 1267 == doctest::Approx(0.7616).epsilon(0.0005));
  CHECK(double(counts["Mistral-7B-v0.1"].first) / 1267 == doctest::Approx(0.7814).epsilon(0.0005));
}

TEST_CASE("generic JSONL with a field mapping: nested paths, option arrays, token log-probs") {
  const std::string text =
      "{\"m\":\"a\",\"id\":1,\"out\":{\"text\":\"Paris\"},\"ref\":[\"Paris\",\"paris\"],\"opts\":[-0.1,-2.5],\"g\":0,\"lp\":[-0.5,-0.25]}\n"
      "{\"m\":\"a\",\"id\":2,\"out\":{\"text\":\"Rome\"},\"ref\":\"Milan\",\"opts\":[[\"-3.0\",\"False\"],[\"-0.5\",\"True\"]],\"g\":\"1\",\"lp\":[]}\n";
  const auto mapping = emergent::io::parse_column_mapping(
      "model=m,example_id=id,prediction=out.text,references=ref,options=opts,gold=g,token_logprobs=lp");
  std::vector<emergent::io::record> got;
  const auto summary = emergent::io::read_jsonl(text, "mem.jsonl", mapping, {},
                                                [&](const emergent::io::record& r) { got.push_back(r); });
  CHECK(summary.read == 2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].prediction == "Paris");
  CHECK(got[0].references.size() == 2);
  CHECK(got[0].options.size() == 2);
  CHECK(got[0].token_logprobs == std::vector<double>{-0.5, -0.25});
  CHECK(got[1].options[1].is_greedy);
  CHECK(got[1].gold == 1);
  CHECK(got[1].line == 2);
}

TEST_CASE("column mappings: command-line spec and config file; bad specs are input errors") {
  const auto m = emergent::io::parse_column_mapping("example_id = doc , options = a ; b , stored=acc");
  CHECK(m.example_id == "doc");
  CHECK(m.options == std::vector<std::string>{"a", "b"});
  CHECK_THROWS_WITH_AS(emergent::io::parse_column_mapping("example_id=x,colour=red"),
                       "parse_column_mapping: spec: unknown key \"colour\"", emergent::input_error);
  CHECK_THROWS_WITH_AS(emergent::io::parse_column_mapping("model=m"),
                       "parse_column_mapping: spec: example_id is required", emergent::input_error);
  CHECK_THROWS_AS(emergent::io::parse_column_mapping("example_id"), emergent::input_error);
  const auto f = emergent::io::read_column_mapping_file(data_dir + "winogrande_mapping.conf");
  CHECK(f.gold == "gold_option");
  CHECK(f.options.size() == 2);
}

TEST_CASE("compute table: FLOPs = 6 N D when absent, and flagged as derived") {
  const std::string text =
      "model,params,tokens,flops\n"
      "small,1e8,2e10,\n"
      "big,7000000000,2000000000000,9e22\n"
      "\"quoted, name\",1e9,,\n";
  const auto table = emergent::io::read_compute_table(text, "compute.csv");
  REQUIRE(table.size() == 3);
  CHECK(*table[0].flops == doctest::Approx(6 * 1e8 * 2e10));
  CHECK(table[0].flops_derived);
  CHECK(*table[1].flops == 9e22);
  CHECK_FALSE(table[1].flops_derived);
  CHECK(table[2].model == "quoted, name");
  CHECK_FALSE(table[2].flops.has_value());
  CHECK(emergent::io::find_compute(table, "big") == &table[1]);
  CHECK(emergent::io::find_compute(table, "none") == nullptr);
  CHECK_THROWS_WITH_AS(emergent::io::read_compute_table("model,params\na,1\na,2\n", "c.csv"),
                       "c.csv:3: model: model a listed twice (line 2)", emergent::parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_compute_table("model,params\na,-1\n", "c.csv"),
                       "c.csv:2: params: -1 is not a positive finite number", emergent::parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_compute_table("model,params\na,seven\n", "c.csv"),
                       "c.csv:2: params: \"seven\" is not a number", emergent::parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_compute_table("params,tokens\n1,2\n", "c.csv"),
                       "c.csv:1: model: no model column in the header", emergent::parse_error);
}
