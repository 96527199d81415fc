// scoring::scorer with the framework defaults, answer extraction, placeholder log-probabilities and
// range-respecting intervals, on the real fixtures: HELM HellaSwag auto-picks mc_grade = 3/10 (HELM's
// own exact_match), kofk on HELM's 0.0 log-probabilities is refused unless force_logprobs, the MATH
// generations under last-number extraction count 1 failed extraction of 10, and edit distances get a
// t-log interval inside [0, inf) where the plain t interval goes below 0.
#include <doctest/doctest.h>

#include <emergent/io.hpp>
#include <emergent/scoring/read_file.hpp>
#include <emergent/scoring/results.hpp>
#include <emergent/scoring/scorer.hpp>

#include <string>

namespace {
const std::string dir = std::string(EMERGENT_TEST_DATA_DIR) + "/io/";

emergent::scoring::scorer run(emergent::scoring::scorer_options o, emergent::io::input_format f, const std::string& path) {
  emergent::scoring::scorer sc(std::move(o));
  emergent::io::reader_context context;
  (void)emergent::scoring::read_file(sc, f, emergent::io::input_path(f, path), emergent::io::input_options{}, context);
  return sc;
}

bool has_note(const emergent::scoring::scorer& sc, const std::string& part) {
  for (const auto& n : sc.notes()) {
    if (n.find(part) != std::string::npos) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("scorer: HELM joint multiple choice, defaults reproduce HELM's exact_match (3/10)") {
  emergent::scoring::scorer_options o;
  o.format = "helm";
  const auto sc = run(o, emergent::io::input_format::helm, dir + "helm/hellaswag_pythia-1b-v0");
  REQUIRE(sc.metrics().size() == 1);
  CHECK(sc.metrics()[0].name == "mc_grade");
  const auto rows = emergent::scoring::results(sc);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].value == doctest::Approx(0.3));
  CHECK(rows[0].interval == "wilson");
  CHECK(has_note(sc, "--metrics auto: mc_grade (HELM joint multiple choice"));
  CHECK(has_note(sc, "note: model 'eleutherai/pythia-1b-v0', task 'hellaswag': all 10 token log-probabilities"));
  CHECK_NOTHROW(sc.check_complete());
  // Without the format: the old choice (exact match of the raw " B" against "B": 0/10).
  const auto plain = run({}, emergent::io::input_format::helm, dir + "helm/hellaswag_pythia-1b-v0");
  CHECK(plain.metrics()[0].name == "exact_match");
  CHECK(emergent::scoring::results(plain)[0].value == 0.0);
}

TEST_CASE("scorer: placeholder log-probabilities are refused unless force_logprobs") {
  emergent::scoring::scorer_options o;
  o.format = "helm";
  o.metrics = emergent::scoring::parse_metric_list("exact_match,kofk,token_nll");
  const auto sc = run(o, emergent::io::input_format::helm, dir + "helm/narrative_qa_gpt2");
  CHECK_THROWS_WITH_AS(sc.check_complete(),
                       "model 'openai/gpt2', task 'narrativeqa': kofk, token_nll read log-probabilities, but all 209 "
                       "token log-probabilities of 5 records are exactly 0 (placeholders, as HELM stores for models "
                       "run locally): refused (--force-logprobs scores them anyway)",
                       emergent::input_error);
  o.force_logprobs = true;
  const auto forced = run(o, emergent::io::input_format::helm, dir + "helm/narrative_qa_gpt2");
  CHECK_NOTHROW(forced.check_complete());
  CHECK(has_note(forced, "warning: model 'openai/gpt2', task 'narrativeqa': kofk, token_nll scored from"));
  CHECK(forced.logprob_audits().begin()->second.token_values == 209);
}

TEST_CASE("scorer: answer extraction counted; soft scores and their intervals stay in range") {
  emergent::scoring::scorer_options o;
  o.format = "lm-eval";
  o.extract = "last-number";
  o.tokenize = "digits";
  o.metrics = emergent::scoring::parse_metric_list("exact_match,edit_distance,edit_similarity,token_accuracy");
  const auto sc = run(o, emergent::io::input_format::lm_eval,
                      dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl");
  CHECK(sc.extraction_counts() == std::pair<std::uint64_t, std::uint64_t>{10, 1});
  CHECK(has_note(sc, "answer extraction last-number found no answer in 1 of 10 generations (scored as wrong"));
  for (const auto& row : emergent::scoring::results(sc)) {
    INFO(row.metric);
    if (row.metric == "exact_match") {
      CHECK(row.interval == "wilson");
      continue;
    }
    REQUIRE(row.lower.has_value());
    CHECK(*row.lower >= 0.0);
    if (row.metric == "edit_distance") CHECK(row.interval == "t-log");
    if (row.metric != "edit_distance") {
      CHECK(row.interval == "t-logit");
      CHECK(*row.upper <= 1.0);
    }
  }
  // The whole texts (no extraction): the mean edit distance in bytes has a t-log interval above 0.
  emergent::scoring::scorer_options whole;
  whole.format = "inspect";
  whole.metrics = emergent::scoring::parse_metric_list("edit_distance");
  const auto arc = run(whole, emergent::io::input_format::inspect, dir + "inspect/arc_easy_claude-sonnet-4.json");
  const auto rows = emergent::scoring::results(arc);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].value == doctest::Approx(728.6));
  CHECK(rows[0].interval == "t-log");
  CHECK(*rows[0].lower > 0.0);  // the plain t interval would be [-153.4, 1610.6]
  CHECK(*rows[0].lower == doctest::Approx(217.15754357880965).epsilon(1e-9));
}

TEST_CASE("scorer: text settings are checked and merged scorers must share them") {
  emergent::scoring::scorer_options o;
  o.extract = "boxd";
  CHECK_THROWS_WITH_AS(emergent::scoring::scorer{o},
                       "--extract: answer extractor 'boxd' is unknown (known: none, boxed, gsm8k, last-number, "
                       "first-line, regex:PATTERN)",
                       emergent::input_error);
  emergent::scoring::scorer_options a, b;
  a.metrics = b.metrics = emergent::scoring::parse_metric_list("exact_match");
  b.extract = "boxed";
  emergent::scoring::scorer x(a), y(b);
  CHECK_THROWS_WITH_AS(x.merge(y), "cannot merge scores made with different --extract ('none' and 'boxed')", emergent::input_error);
  // the state records the text settings: restored, they still refuse the merge
  const auto restored = emergent::scoring::scorer::from_state(y.state());
  CHECK(restored.options().extract == "boxed");
  CHECK_THROWS_WITH_AS(x.merge(restored), "cannot merge scores made with different --extract ('none' and 'boxed')",
                       emergent::input_error);
  emergent::scoring::scorer_options c = a;
  c.normalize = "lm-eval";
  emergent::scoring::scorer z(c);
  CHECK_THROWS_WITH_AS(x.merge(emergent::scoring::scorer::from_state(z.state())),
                       "cannot merge scores made with different --normalize ((the format's own) and 'lm-eval')", emergent::input_error);
  c = a;
  c.tokenize = "words";
  CHECK_THROWS_WITH_AS(x.merge(emergent::scoring::scorer(c)), "cannot merge scores made with different --tokenize ('chars' and 'words')",
                       emergent::input_error);
  c = a;
  c.force_logprobs = true;
  CHECK_THROWS_WITH_AS(x.merge(emergent::scoring::scorer(c)), "cannot merge scores made with and without --force-logprobs",
                       emergent::input_error);
}
