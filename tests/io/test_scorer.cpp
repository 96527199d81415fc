// The library scorer (emergent/scoring/*.hpp) and the format dispatch (emergent/io/dispatch.hpp):
// per-metric counts, values against the metric functions called directly, aggregates against the
// accumulators and intervals (a brute-force mean and sample variance too), merge equal to one pass,
// state and JSON round trips, reading one file in parts equal to one pass, reuse of a reader
// context, and every error path.
#include <doctest/doctest.h>

#include <emergent/io/dispatch.hpp>
#include <emergent/metrics/brier.hpp>
#include <emergent/scoring/read_parallel.hpp>
#include <emergent/scoring/scorer.hpp>
#include <emergent/scoring/results.hpp>
#include <emergent/scoring/scorer_state.hpp>
#include <emergent/scoring/scorer_state_json.hpp>
#include <emergent/stats/intervals.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace io = emergent::io;
namespace sc = emergent::scoring;

namespace {

io::record generation(const std::string& model, const std::string& id, const std::string& prediction,
                      const std::string& reference, const std::string& source = "gen.jsonl", std::size_t line = 1) {
  io::record r;
  r.source = source;
  r.line = line;
  r.model = model;
  r.task = "t";
  r.example_id = id;
  r.filter = "none";
  r.has_prediction = true;
  r.prediction = prediction;
  r.references = {reference};
  return r;
}

io::record choice(const std::string& model, const std::string& id, std::vector<double> lls, std::size_t gold,
                  const std::string& source = "mc.jsonl", std::size_t line = 1) {
  io::record r;
  r.source = source;
  r.line = line;
  r.model = model;
  r.task = "t";
  r.example_id = id;
  r.filter = "none";
  for (double l : lls) r.options.push_back({l, false, 1, 1});
  r.gold = gold;
  return r;
}

sc::scorer_options with_metrics(const char* list) {
  sc::scorer_options o;
  o.metrics = sc::parse_metric_list(list);
  return o;
}

std::vector<io::record> some_records(std::size_t n) {
  std::vector<io::record> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string model = i % 3 == 0 ? "a" : "b";
    out.push_back(choice(model, std::to_string(i),
                         {-0.1 * static_cast<double>(i % 7) - 0.3, -0.2 * static_cast<double>(i % 5) - 0.1,
                          -1.0 / (1.0 + static_cast<double>(i))},
                         i % 3, "mc.jsonl", i + 1));
  }
  return out;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("emergent_test_scorer_" + name)).string();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

}  // namespace

TEST_CASE("metric lists: names, stored:NAME, auto choice, refusals") {
  const auto m = sc::parse_metric_list(" exact_match, acc ,stored:acc");
  REQUIRE(m.size() == 3);
  CHECK(m[0].kind == sc::metric_kind::exact_match);
  CHECK(m[0].binary);
  CHECK(m[1].kind == sc::metric_kind::mc_grade);
  CHECK(m[1].name == "acc");
  CHECK(m[2].kind == sc::metric_kind::stored);
  CHECK(m[2].stored == "acc");
  CHECK_FALSE(m[2].binary);
  CHECK_THROWS_WITH_AS(sc::parse_metric("bleu"),
                       doctest::Contains("unknown metric 'bleu' (known: acc, acc_norm, brier"), emergent::input_error);
  CHECK_THROWS_WITH_AS(sc::parse_metric("stored:"), doctest::Contains("unknown metric"), emergent::input_error);
  CHECK_THROWS_WITH_AS(sc::parse_metric_list(" , "), "no metric named", emergent::input_error);
  CHECK_THROWS_WITH_AS(sc::parse_metric_list("brier,brier"), "'brier' is named twice", emergent::input_error);
  CHECK(sc::auto_metrics(choice("a", "1", {-1, -2}, 0)).size() == 3);
  CHECK(sc::auto_metrics(generation("a", "1", "x", "x")).front().name == "exact_match");
  CHECK(std::string(sc::not_applicable_reason(sc::metric_kind::kofk)) == "no token log-probabilities");
}

TEST_CASE("scorer: values equal the metric functions; per-metric counts of scored and not applicable") {
  sc::scorer s(with_metrics("exact_match,edit_distance,brier,mc_grade"));
  const auto& v1 = s.add(generation("a", "1", "paris", "Paris"));
  CHECK(*v1[0] == 0.0);
  CHECK(*v1[1] == 1.0);
  CHECK_FALSE(v1[2]);
  CHECK_FALSE(v1[3]);
  const auto& v2 = s.add(choice("a", "2", {-0.5, -1.5, -2.0}, 1));
  CHECK_FALSE(v2[0]);
  const std::vector<double> lls{-0.5, -1.5, -2.0};
  CHECK(*v2[2] == emergent::brier_score_from_log_likelihoods(lls, 1));
  CHECK(*v2[3] == 0.0);
  s.add(generation("a", "3", "x", "x"));
  REQUIRE(s.counts().size() == 4);
  CHECK(s.counts()[0].scored == 2);
  CHECK(s.counts()[0].not_applicable == 1);
  CHECK(s.counts()[2].scored == 1);
  CHECK(s.counts()[2].not_applicable == 2);
  CHECK_FALSE(s.uniform());
  const auto rows = sc::results(s);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].metric == "exact_match");
  CHECK(rows[0].n == 2);
  CHECK(rows[0].value == 0.5);
  const auto w = emergent::wilson_interval(1, 2);
  CHECK(*rows[0].lower == w.lower);
  CHECK(rows[0].interval == "wilson");
  CHECK(rows[2].metric == "brier");
  CHECK(rows[2].n == 1);
  CHECK_FALSE(rows[2].lower);  // a mean of one record has no interval
  CHECK(rows[2].interval.empty());
}

TEST_CASE("scorer: means and intervals against a brute-force mean and sample variance") {
  sc::scorer s(with_metrics("log_likelihood"));
  const std::vector<double> gold_ll{-0.25, -1.5, -3.0, -0.125, -2.0};
  for (std::size_t i = 0; i < gold_ll.size(); ++i) s.add(choice("m", std::to_string(i), {gold_ll[i], -9.0}, 0));
  double mean = 0;
  for (double x : gold_ll) mean += x;
  mean /= 5;
  double ss = 0;
  for (double x : gold_ll) ss += (x - mean) * (x - mean);
  const double se = std::sqrt(ss / 4 / 5);
  const auto rows = sc::results(s);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].value == doctest::Approx(mean).epsilon(1e-15));
  CHECK(*rows[0].stderr_ == doctest::Approx(se).epsilon(1e-14));
  // log-likelihoods are <= 0: the t-log interval (stats/range_intervals.hpp) on d = 0 - mean, with the
  // t quantile with 4 degrees of freedom at 0.975: 2.7764451051977987 (scipy.stats.t.ppf(0.975, 4)):
  // [-d exp(q se / d), -d exp(-q se / d)]
  const double q = 2.7764451051977987;
  const double d = -mean;
  CHECK(*rows[0].lower == doctest::Approx(-d * std::exp(q * se / d)).epsilon(1e-12));
  CHECK(*rows[0].upper == doctest::Approx(-d * std::exp(-q * se / d)).epsilon(1e-12));
  CHECK(*rows[0].upper < 0.0);
  CHECK(rows[0].interval == "t-log");
}

TEST_CASE("scorer: stored scores that are all 0 or 1 are a rate; others a mean") {
  sc::scorer s(with_metrics("stored:acc,stored:f1"));
  for (int i = 0; i < 4; ++i) {
    auto r = generation("m", std::to_string(i), "x", "y");
    r.stored = {{"acc", i % 2 == 0 ? 1.0 : 0.0}, {"f1", 0.25 * i}};
    s.add(r);
  }
  const auto rows = sc::results(s);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].interval == "wilson");
  CHECK(rows[0].value == 0.5);
  CHECK(rows[1].interval == "t");
  CHECK(rows[1].value == doctest::Approx(0.375));
}

TEST_CASE("scorer: merge equals one pass (rates and counts exactly, means to a few ulps, kept values exactly)") {
  const auto records = some_records(60);
  const auto options = with_metrics("mc_grade,brier,log_loss");
  sc::scorer whole(options);
  whole.begin_source("mc.jsonl");
  for (const auto& r : records) whole.add(r);
  sc::scorer a(options), b(options);
  a.begin_source("mc.jsonl");
  b.begin_source("mc.jsonl");
  for (std::size_t i = 0; i < records.size(); ++i) (i < 25 ? a : b).add(records[i]);
  a.merge(b);
  const auto x = sc::results(whole), y = sc::results(a);
  REQUIRE(x.size() == y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].n == y[i].n);
    CHECK(x[i].value == doctest::Approx(y[i].value).epsilon(1e-15));
    CHECK(*x[i].stderr_ == doctest::Approx(*y[i].stderr_).epsilon(1e-12));
    if (x[i].interval == "wilson") {
      CHECK(x[i].value == y[i].value);
      CHECK(*x[i].lower == *y[i].lower);
    }
  }
  CHECK(a.counts()[1].scored == 60);
  // Kept values replay record by record: every number equal.
  auto keep = options;
  keep.keep_values = true;
  sc::scorer c(options), k1(keep), k2(keep);
  for (std::size_t i = 0; i < records.size(); ++i) (i < 31 ? k1 : k2).add(records[i]);
  c.merge(k1);
  c.merge(k2);
  const auto z = sc::results(c);
  REQUIRE(z.size() == x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].value == z[i].value);
    CHECK(*x[i].stderr_ == *z[i].stderr_);
    CHECK(*x[i].lower == *z[i].lower);
  }
  CHECK_THROWS_WITH_AS((void)k1.state(), doctest::Contains("keeps values"), emergent::input_error);
  // Merging an empty scorer changes nothing; an automatic scorer takes the other's metrics.
  sc::scorer empty(options);
  c.merge(empty);
  CHECK(sc::results(c).size() == z.size());
  sc::scorer automatic;
  automatic.merge(whole);
  CHECK(automatic.metrics() == whole.metrics());
  CHECK(sc::results(automatic).size() == x.size());
}

TEST_CASE("scorer: state and JSON round trips give the same scorer") {
  const auto records = some_records(40);
  sc::scorer s(with_metrics("mc_grade,brier,stored:acc"));
  s.begin_source("mc.jsonl");
  for (const auto& r : records) s.add(r);
  io::read_summary summary;
  summary.read = 42;
  summary.delivered = 40;
  summary.skipped = 2;
  summary.first_errors = {"mc.jsonl:7: doc_id: bad", "mc.jsonl:9: \"quoted\"\n"};
  s.add_summary(summary);
  const sc::scorer_state st = s.state();
  const sc::scorer back = sc::scorer::from_state(st);
  const auto json = sc::to_json(st);
  const sc::scorer_state parsed = sc::scorer_state_from_json(json, "s.json");
  CHECK(sc::to_json(parsed) == json);
  CHECK(sc::to_json(back.state()) == json);
  const auto x = sc::results(s), y = sc::results(back);
  REQUIRE(x.size() == y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].value == y[i].value);
    CHECK(*x[i].lower == *y[i].lower);
  }
  CHECK(back.summary().first_errors == summary.first_errors);
  CHECK(back.summary().skipped == 2);
  // The documents travel: the same record again is refused after the round trip.
  sc::scorer again = sc::scorer::from_state(parsed);
  sc::scorer one(with_metrics("mc_grade,brier,stored:acc"));
  one.begin_source("other.jsonl");
  one.add(records[3]);
  CHECK_THROWS_WITH_AS(again.merge(one), doctest::Contains("1 document is counted in both scorers"),
                       emergent::input_error);
}

TEST_CASE("scorer: a version-1 state (no settings, audits or extraction counts) is still read and merges") {
  const auto records = some_records(40);
  sc::scorer whole(with_metrics("mc_grade,brier"));
  sc::scorer a(with_metrics("mc_grade,brier")), b(with_metrics("mc_grade,brier"));
  whole.begin_source("mc.jsonl");
  a.begin_source("mc.jsonl");
  b.begin_source("mc.jsonl");
  for (std::size_t i = 0; i < records.size(); ++i) {
    whole.add(records[i]);
    (i < 20 ? a : b).add(records[i]);
  }
  sc::scorer_state v1 = a.state();
  v1.version = 1;  // to_json writes the version-1 layout: no settings, audits, extraction, agreements
  const std::string text = sc::to_json(v1);
  CHECK(text.find("\"version\": 1,") != std::string::npos);
  CHECK(text.find("\"settings\"") == std::string::npos);
  CHECK(text.find("\"audits\"") == std::string::npos);
  const sc::scorer_state parsed = sc::scorer_state_from_json(text, "v1.json");
  CHECK(parsed.version == 1);
  CHECK(parsed.audits.empty());
  CHECK(parsed.extract == "none");
  CHECK(parsed.tokenize == "chars");
  sc::scorer back = sc::scorer::from_state(parsed);
  CHECK(back.logprob_audits().empty());
  // merged with a version-2 state (which has a format-free scorer's settings): the aggregates of one pass
  back.merge(sc::scorer::from_state(sc::scorer_state_from_json(sc::to_json(b.state()), "v2.json")));
  const auto x = sc::results(whole), y = sc::results(back);
  REQUIRE(x.size() == y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].n == y[i].n);
    CHECK(x[i].value == doctest::Approx(y[i].value).epsilon(1e-15));
  }
  // the version-2 state's audits survive: the 20 records of b, none of a (version 1 had none)
  std::size_t audited = 0;
  for (const auto& [key, au] : back.logprob_audits()) audited += au.records;
  CHECK(audited == 20);
}

TEST_CASE("scorer: the version-2 state carries the audits, and merged audits are the one-pass audits") {
  const auto records = some_records(40);
  sc::scorer whole(with_metrics("brier")), a(with_metrics("brier")), b(with_metrics("brier"));
  whole.begin_source("mc.jsonl");
  a.begin_source("mc.jsonl");
  b.begin_source("mc.jsonl");
  for (std::size_t i = 0; i < records.size(); ++i) {
    whole.add(records[i]);
    (i % 3 == 0 ? a : b).add(records[i]);
  }
  sc::scorer merged = sc::scorer::from_state(sc::scorer_state_from_json(sc::to_json(a.state()), "a.json"));
  merged.merge(sc::scorer::from_state(sc::scorer_state_from_json(sc::to_json(b.state()), "b.json")));
  REQUIRE(merged.logprob_audits().size() == whole.logprob_audits().size());
  for (const auto& [key, w] : whole.logprob_audits()) {
    const auto& m = merged.logprob_audits().at(key);
    CHECK(m.records == w.records);
    CHECK(m.records_with_options == w.records_with_options);
    CHECK(m.option_values == w.option_values);
    CHECK(m.option_zeros == w.option_zeros);
    CHECK(m.token_values == w.token_values);
  }
  std::size_t audited = 0;
  for (const auto& [key, au] : merged.logprob_audits()) audited += au.records;
  CHECK(audited == 40);
}

TEST_CASE("scorer: error paths") {
  SUBCASE("options") {
    sc::scorer_options o;
    o.level = 1.0;
    CHECK_THROWS_WITH_AS(sc::scorer{o}, doctest::Contains("--level: 1 is not a confidence level"), emergent::input_error);
    o.level = 0.95;
    o.max_tokens = 0;
    CHECK_THROWS_WITH_AS(sc::scorer{o}, "--max-tokens: must be at least 1", emergent::input_error);
  }
  SUBCASE("records without model or task") {
    sc::scorer s;
    auto r = generation("", "1", "x", "x");
    CHECK_THROWS_WITH_AS(s.add(r), doctest::Contains("the model cannot be derived"), emergent::input_error);
    r.model = "m";
    r.task.clear();
    CHECK_THROWS_WITH_AS(s.add(r), doctest::Contains("the task cannot be derived"), emergent::input_error);
  }
  SUBCASE("two filters of one model and task") {
    sc::scorer s;
    s.add(generation("m", "1", "x", "x", "f.jsonl", 1));
    auto r = generation("m", "2", "x", "x", "f.jsonl", 2);
    r.filter = "strict";
    CHECK_THROWS_WITH_AS(s.add(r),
                         "f.jsonl:2: model 'm', task 't': documents under the filter 'strict' here and 'none' at "
                         "f.jsonl:1: each document would count once per filter; choose one with --filter",
                         emergent::input_error);
  }
  SUBCASE("a document in two sources; the same source is the reader's business") {
    sc::scorer s;
    s.begin_source("one.jsonl");
    s.add(generation("m", "7", "x", "x", "one.jsonl", 3));
    s.begin_source("two.jsonl");
    CHECK_THROWS_WITH_AS(s.add(generation("m", "7", "y", "x", "two.jsonl", 5)),
                         "document '7' (model 'm', task 't', filter 'none') is in both 'one.jsonl' and two.jsonl:5: "
                         "it would be counted twice (give each file once)",
                         emergent::input_error);
    s.begin_source("one.jsonl");
    CHECK_NOTHROW(s.add(generation("m", "7", "x", "x", "one.jsonl", 9)));
  }
  SUBCASE("a bad record leaves every aggregate and count as it was") {
    sc::scorer s(with_metrics("brier,log_likelihood"));
    s.add(choice("m", "1", {-1, -2}, 0, "f", 1));
    auto r = choice("m", "2", {-1, -2}, 0, "f", 2);
    r.gold = io::no_option;
    CHECK_THROWS_WITH_AS(s.add(r), "f:2: brier: the gold option is unknown", emergent::parse_error);
    CHECK(s.counts()[0].scored == 1);
    CHECK(sc::results(s)[0].n == 1);
  }
  SUBCASE("an edit distance over too long a text") {
    sc::scorer_options o = with_metrics("edit_distance");
    o.max_tokens = 3;
    sc::scorer s(o);
    CHECK_THROWS_WITH_AS(s.add(generation("m", "1", "abcd", "x", "g", 4)),
                         doctest::Contains("g:4: edit_distance: a text of 4 characters is longer than --max-tokens 3"),
                         emergent::parse_error);
  }
  SUBCASE("a score that is not finite") {
    sc::scorer s(with_metrics("log_likelihood"));
    CHECK_THROWS_WITH_AS(s.add(choice("m", "1", {-std::numeric_limits<double>::infinity(), -1}, 0, "f", 6)),
                         doctest::Contains("f:6: log_likelihood: the score is -inf"), emergent::parse_error);
  }
  SUBCASE("a value that makes a sum overflow") {
    sc::scorer s(with_metrics("log_likelihood"));
    s.add(choice("m", "1", {-1.7e308, 0}, 0, "f", 2));
    CHECK_THROWS_WITH_AS(s.add(choice("m", "2", {-1.7e308, 0}, 0, "f", 3)),
                         doctest::Contains("f:3: log_likelihood: the value -1.7e+308 makes the sum or the spread of "
                                           "log_likelihood overflow a double (largest magnitude before it 1.7e+308 at f:2)"),
                         emergent::parse_error);
    CHECK(s.counts()[0].scored == 1);
  }
  SUBCASE("a stored metric that no record has") {
    sc::scorer s(with_metrics("stored:nope"));
    s.add(generation("m", "1", "x", "x"));
    io::read_summary one;
    one.read = one.delivered = 1;
    s.add_summary(one);
    CHECK_THROWS_WITH_AS(s.check_complete(), "--metrics: stored:nope: no record stores a score named 'nope'",
                         emergent::input_error);
  }
  SUBCASE("merging scorers that do not match") {
    sc::scorer a(with_metrics("brier")), b(with_metrics("mc_grade"));
    CHECK_THROWS_WITH_AS(a.merge(b), "cannot merge scores of different metrics (brier and mc_grade)",
                         emergent::input_error);
    auto o = with_metrics("brier");
    o.level = 0.9;
    CHECK_THROWS_WITH_AS(a.merge(sc::scorer(o)), doctest::Contains("different confidence levels (0.95 and 0.9)"),
                         emergent::input_error);
    o = with_metrics("brier");
    o.max_tokens = 5;
    CHECK_THROWS_WITH_AS(a.merge(sc::scorer(o)), doctest::Contains("different --max-tokens"), emergent::input_error);
    o = with_metrics("brier");
    o.aggregate = false;
    CHECK_THROWS_WITH_AS(a.merge(sc::scorer(o)), "cannot merge per-example and per-model scores", emergent::input_error);
    sc::scorer c(with_metrics("brier")), d(with_metrics("brier"));
    c.add(choice("m", "1", {-1, -2}, 0, "f", 1));
    auto r = choice("m", "2", {-1, -2}, 0, "g", 4);
    r.filter = "strict";
    d.add(r);
    CHECK_THROWS_WITH_AS(c.merge(d), doctest::Contains("g:4: model 'm', task 't': documents under the filter 'strict' here"),
                         emergent::input_error);
  }
  SUBCASE("states that are not valid") {
    sc::scorer s(with_metrics("brier"));
    s.add(choice("m", "1", {-1, -2}, 0));
    auto st = s.state();
    st.version = 3;
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("version: 3 is not a version this build reads (1 to 2)"),
                         emergent::input_error);
    st.version = 0;
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("version: 0 is not a version"), emergent::input_error);
    st = s.state();
    st.extract = "boxd";
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("scorer state: settings: --extract: answer extractor 'boxd'"),
                         emergent::input_error);
    st = s.state();
    REQUIRE(st.audits.size() == 1);
    st.audits[0].option_zeros = st.audits[0].option_values + 1;
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("audits: model 'm', task 't': counts that disagree"),
                         emergent::input_error);
    st.audits[0].option_zeros = -1;
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("negative count"), emergent::input_error);
    st = s.state();
    st.extraction_failed = 1;
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("extraction: the counts"), emergent::input_error);
    st = s.state();
    st.agreements.push_back({});
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("agreements: one entry per metric"), emergent::input_error);
    st = s.state();
    st.metrics = {"bleu"};
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("unknown metric 'bleu'"), emergent::input_error);
    st = s.state();
    st.scored.push_back(1);
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("one count per metric"), emergent::input_error);
    st = s.state();
    st.groups[0].mean[0].count = -1;
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("count"), emergent::input_error);
    st = s.state();
    st.groups[0].largest.clear();
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("one aggregate per metric"), emergent::input_error);
    st = s.state();
    st.read = 5;
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("read != delivered + skipped"), emergent::input_error);
    st = s.state();
    st.documents.push_back({1, 9});
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("source index out of range"), emergent::input_error);
    st = s.state();
    st.max_tokens = 0;
    CHECK_THROWS_WITH_AS((void)sc::scorer::from_state(st), doctest::Contains("max_tokens"), emergent::input_error);
    const std::string json = sc::to_json(s.state());
    CHECK_THROWS_WITH_AS(sc::scorer_state_from_json("{", "x.json"), doctest::Contains("x.json: (document): not JSON"),
                         emergent::input_error);
    CHECK_THROWS_WITH_AS(sc::scorer_state_from_json("{\"format\": \"csv\"}", "x.json"),
                         "x.json: format: not an emergent scorer state", emergent::input_error);
    std::string v9 = json;
    v9.replace(v9.find("\"version\": 2"), 12, "\"version\": 9");
    CHECK_THROWS_WITH_AS(sc::scorer_state_from_json(v9, "x.json"), doctest::Contains("version: 9 is not a state version"),
                         emergent::input_error);
    std::string missing = json;
    missing.replace(missing.find("\"level\""), 7, "\"lever\"");
    CHECK_THROWS_WITH_AS(sc::scorer_state_from_json(missing, "x.json"), "x.json: level: missing", emergent::input_error);
    std::string mistyped = json;
    mistyped.replace(mistyped.find("\"max_tokens\": 100000"), 20, "\"max_tokens\": \"many\"");
    CHECK_THROWS_WITH_AS(sc::scorer_state_from_json(mistyped, "x.json"), "x.json: max_tokens: expected an integer",
                         emergent::input_error);
    std::string no_settings = json;
    no_settings.replace(no_settings.find("\"settings\""), 10, "\"setting\"");
    CHECK_THROWS_WITH_AS(sc::scorer_state_from_json(no_settings, "x.json"), "x.json: settings: missing", emergent::input_error);
    std::string bad_audit = json;
    bad_audit.replace(bad_audit.find("\"token_zeros\": 0"), 16, "\"token_zeros\": x");
    CHECK_THROWS_WITH_AS(sc::scorer_state_from_json(bad_audit, "x.json"), doctest::Contains("x.json: (document): not JSON"),
                         emergent::input_error);
    bad_audit = json;
    bad_audit.replace(bad_audit.find("\"token_zeros\": 0"), 16, "\"token_zeros\": -1");
    CHECK_THROWS_WITH_AS(sc::scorer_state_from_json(bad_audit, "x.json"), "x.json: audits[m/t].token_zeros: negative count",
                         emergent::input_error);
  }
}

TEST_CASE("dispatch: names, mapping required, line ranges only for line formats, buffers equal files") {
  for (const auto f : io::input_formats) CHECK(io::parse_input_format(io::to_string(f)) == f);
  CHECK_FALSE(io::find_input_format("xml"));
  CHECK_THROWS_WITH_AS(io::parse_input_format("xml"),
                       "unknown input format 'xml' (known: lm-eval, lm-eval-v03, helm, inspect, csv, jsonl, inspect-eval, openai-evals)",
                       emergent::input_error);
  CHECK(io::needs_column_mapping(io::input_format::csv));
  CHECK_FALSE(io::reads_line_ranges(io::input_format::csv));
  const std::string dir = std::string(EMERGENT_TEST_DATA_DIR) + "/io/";
  const std::string csv = dir + "winogrande_5shot_option_loglik_llama2_mistral.csv";
  io::input_options o;
  o.task = "wg";
  std::size_t n = 0;
  const io::record_sink count = [&](const io::record&) { ++n; };
  CHECK_THROWS_WITH_AS(io::read_file(io::input_format::csv, csv, o, count),
                       "format csv needs a column mapping (input_options::mapping)", emergent::input_error);
  o.mapping = io::read_column_mapping_file(dir + "winogrande_mapping.conf");
  io::reader_context context;
  CHECK_THROWS_WITH_AS(io::read_file_lines(io::input_format::csv, csv, {}, o, count, context),
                       doctest::Contains("cannot be read in line ranges"), emergent::input_error);
  // One context for two files gives what two fresh readers give.
  const std::string lm = dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl";
  io::input_options plain;
  CHECK(io::read_file(io::input_format::csv, csv, o, count, context).delivered == 3801);
  CHECK(io::read_file(io::input_format::lm_eval, lm, plain, count, context).delivered == 10);
  CHECK(io::read_file(io::input_format::csv, csv, o, count, context).delivered == 3801);
  CHECK(n == 2 * 3801 + 10);
  // read_buffer over the file's text delivers the same records.
  std::ifstream in(lm, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> from_file, from_buffer;
  plain.model = "m";
  plain.task = "math";
  io::read_file(io::input_format::lm_eval, lm, plain, [&](const io::record& r) { from_file.push_back(r.example_id + r.prediction); });
  io::read_buffer(io::input_format::lm_eval, text, "buffer", plain,
                  [&](const io::record& r) { from_buffer.push_back(r.example_id + r.prediction); });
  CHECK(from_file == from_buffer);
  CHECK(from_file.size() == 10);
  CHECK(io::input_path(io::input_format::helm, dir + "helm/mmlu_philosophy_gpt2") ==
        dir + "helm/mmlu_philosophy_gpt2/scenario_state.json");
}

TEST_CASE("read_file_parallel: parts give one pass's aggregates, records, line numbers and errors") {
  // A JSON Lines file with a field mapping: 500 multiple-choice records over two models, a blank line,
  // CRLF endings on some lines.
  std::string text;
  for (int i = 0; i < 500; ++i) {
    text += "{\"model\": \"" + std::string(i % 4 == 0 ? "a" : "b") + "\", \"id\": " + std::to_string(i) +
            ", \"options\": [" + std::to_string(-0.01 * (i % 13) - 0.2) + ", " + std::to_string(-0.03 * (i % 7) - 0.1) +
            "], \"gold\": " + std::to_string(i % 2) + "}" + (i % 5 == 0 ? "\r\n" : "\n");
    if (i == 250) text += "\n";
  }
  const std::string path = temp_path("parts.jsonl");
  write_text(path, text);
  io::input_options o;
  o.task = "t";
  o.mapping = io::parse_column_mapping("model=model,example_id=id,options=options,gold=gold");
  std::vector<std::string> notes;  // the scorer's notes of the last call
  std::size_t later_records = 0;   // records of the last call read by threads other than the caller's
  const auto one = [&](unsigned threads, const std::string& file, std::vector<std::string>& seen, io::input_options opts,
                       std::size_t cut_into = 0) {
    sc::scorer s(with_metrics("mc_grade,brier,log_loss"));
    std::vector<io::reader_context> contexts;
    std::vector<std::vector<std::pair<std::string, std::size_t>>> parts;
    const auto r = sc::read_file_parallel(
        s, io::input_format::jsonl, file, file, opts, threads, contexts,
        [&](std::size_t part, const io::record& rec, const sc::scorer::values_type&) {
          parts[part].emplace_back(rec.example_id, rec.line);
        },
        [&](std::size_t n) { parts.assign(n, {}); }, {}, cut_into);
    // Lines count from the start of each part: the offsets give the file's lines.
    REQUIRE(r.line_offsets.size() == r.parts);
    later_records = 0;
    for (std::size_t k = 1; k < parts.size(); ++k) later_records += parts[k].size();
    for (std::size_t k = 0; k < parts.size(); ++k) {
      for (const auto& [id, line] : parts[k]) {
        REQUIRE(k < r.line_offsets.size());
        seen.push_back(id + "@" + std::to_string(line + r.line_offsets[k]));
      }
    }
    notes = s.notes();
    return std::pair{sc::results(s), r};
  };
  std::vector<std::string> seen1, seen3;
  const auto [rows1, r1] = one(1, path, seen1, o);
  const auto [rows3, r3] = one(3, path, seen3, o);
  CHECK(r1.parts == 1);
  CHECK(r3.parts == 3);
  CHECK_FALSE(r3.fell_back);
  CHECK(seen1 == seen3);
  // Many more parts than threads: the first thread claims parts from the start, the others from the
  // end; whoever reads which part, the records, lines and aggregates are those of one pass.
  for (const auto& [threads_, cut_into_] : {std::pair{2U, 40UL}, std::pair{3U, 25UL}, std::pair{2U, 600UL}}) {
    const unsigned threads = threads_;  // (clang 14 cannot capture structured bindings)
    const std::size_t cut_into = cut_into_;
    CAPTURE(threads);
    CAPTURE(cut_into);
    // Which thread reads which part depends on timing: run until the other threads read some
    // parts (their lines renumbered, their values replayed), checking every run.
    for (int attempt = 0; attempt < 20; ++attempt) {
      std::vector<std::string> seen_many;
      const auto [rows_many, r_many] = one(threads, path, seen_many, o, cut_into);
      CHECK(r_many.parts <= cut_into);  // fewer when a part would hold no whole line
      CHECK(r_many.parts > threads);
      CHECK_FALSE(r_many.fell_back);
      CHECK(seen_many == seen1);
      REQUIRE(rows_many.size() == rows1.size());
      for (std::size_t i = 0; i < rows1.size(); ++i) {
        CHECK(rows_many[i].value == rows1[i].value);
        CHECK(*rows_many[i].stderr_ == *rows1[i].stderr_);
      }
      if (later_records > 0) break;
    }
    CHECK(later_records > 0);
  }
  REQUIRE(seen1.size() == 500);
  CHECK(seen1[251] == "251@253");  // after the blank line
  CHECK(r3.summary.delivered == 500);
  REQUIRE(rows1.size() == rows3.size());
  for (std::size_t i = 0; i < rows1.size(); ++i) {
    CHECK(rows1[i].value == rows3[i].value);
    CHECK(*rows1[i].stderr_ == *rows3[i].stderr_);
    CHECK(*rows1[i].upper == *rows3[i].upper);
  }
  // A document twice (in two parts): the part scorers cannot see it; the file is read again on one thread.
  std::string dup = text;
  dup += "{\"model\": \"a\", \"id\": 4, \"options\": [-1, -2], \"gold\": 0}\n";
  const std::string dup_path = temp_path("dup.jsonl");
  write_text(dup_path, dup);
  std::vector<std::string> seen_dup;
  const std::string first_error = dup_path + ":502: doc_id: duplicated example id 4 (task t, filter none)";
  CHECK_THROWS_WITH_AS(one(1, dup_path, seen_dup, o), first_error.c_str(), emergent::parse_error);
  CHECK_THROWS_WITH_AS(one(3, dup_path, seen_dup, o), first_error.c_str(), emergent::parse_error);
  o.skip_bad = true;
  std::vector<std::string> skip1, skip3;
  const auto [srows1, s1] = one(1, dup_path, skip1, o);
  const auto [srows3, s3] = one(3, dup_path, skip3, o);
  // (Read again on one thread when the copies fell in parts of different threads; when the first
  // thread claimed both parts, its reader saw both: no second reading. The result is the same.)
  CHECK(s3.summary.skipped == 1);
  CHECK(s3.summary.first_errors == s1.summary.first_errors);
  CHECK(skip1 == skip3);
  CHECK(srows1.size() == srows3.size());
  // The duplicate within the parts the first thread reads as one range (its reader sees both
  // copies), or across parts read by different threads: the same one-pass result either way.
  for (const std::size_t cut_into : {2UL, 7UL, 60UL}) {
    std::vector<std::string> skip_many;
    const auto [mrows, m] = one(2, dup_path, skip_many, o, cut_into);
    CHECK(m.summary.skipped == 1);
    CHECK(m.summary.first_errors == s1.summary.first_errors);
    CHECK(skip_many == skip1);
    CHECK(mrows.size() == srows1.size());
  }
  std::filesystem::remove(path);
  std::filesystem::remove(dup_path);
}

TEST_CASE("scorer's document table equals std::unordered_map on random keys (differential)") {
  std::mt19937_64 rng(20261205);
  for (const std::size_t n : {0UL, 1UL, 7UL, 8UL, 9UL, 1000UL, 50000UL}) {
    CAPTURE(n);
    sc::detail::document_table table;
    std::unordered_map<std::uint64_t, std::uint32_t> reference;
    if (n == 1000) table.reserve(700);
    for (std::size_t i = 0; i < n; ++i) {
      // Repeated keys, the key 0, keys that differ only in high or low bits.
      std::uint64_t key = rng();
      if (i % 5 == 0 && i > 0) key = reference.begin()->first;
      if (i % 97 == 3) key = 0;
      if (i % 11 == 4) key = (rng() % 64) << 58;
      if (i % 13 == 6) key = rng() % 64;
      const auto source = static_cast<std::uint32_t>(rng() % 5);
      const auto [it, fresh] = reference.try_emplace(key, source);
      const auto [stored, inserted] = table.try_emplace(key, source);
      REQUIRE(inserted == fresh);
      REQUIRE(stored == it->second);
    }
    CHECK(table.size() == reference.size());
    CHECK(table.capacity() >= table.size());
    std::size_t visited = 0;
    table.for_each([&](std::uint64_t key, std::uint32_t source) {
      ++visited;
      const auto it = reference.find(key);
      REQUIRE(it != reference.end());
      CHECK(it->second == source);
    });
    CHECK(visited == reference.size());
    for (const auto& [key, source] : reference) {
      const std::uint32_t* found = table.find(key);
      REQUIRE(found != nullptr);
      CHECK(*found == source);
    }
    for (int k = 0; k < 1000; ++k) {  // absent keys
      const std::uint64_t key = rng();
      CHECK((table.find(key) == nullptr) == (reference.find(key) == reference.end()));
    }
  }
}

TEST_CASE("read_file_parallel: 16 parts per thread, none under 4 MiB, at least one per thread") {
  using sc::detail::parallel_parts;
  constexpr std::uint64_t mib = std::uint64_t{1} << 20;
  CHECK(parallel_parts(0, 2) == 2);
  CHECK(parallel_parts(10 * mib, 2) == 2);
  CHECK(parallel_parts(12 * mib, 2) == 3);
  CHECK(parallel_parts(100 * mib, 2) == 25);
  CHECK(parallel_parts(1000 * mib, 2) == 32);
  CHECK(parallel_parts(1000 * mib, 4) == 64);
  CHECK(parallel_parts(1000 * mib, 1) == 16);
}

TEST_CASE("read_file_parallel: bad records, notes and a byte-order mark in later parts name the file's lines") {
  // 600 records, 3 parts of about 200 lines; stored acc disagrees with mc_grade from line 450 on (a note
  // naming the first such line); blank lines in part 1 shift every later line.
  std::string text;
  std::size_t line = 0;
  for (int i = 0; i < 600; ++i) {
    const int gold = i % 2;
    const bool right = i % 3 != 0;  // mc_grade: option `gold` has the larger log-likelihood
    const double acc = i >= 447 ? 1.0 - (right ? 1.0 : 0.0) : (right ? 1.0 : 0.0);
    const std::string hi = "-0.25", lo = "-1.5";
    const std::string o0 = (gold == 0) == right ? hi : lo, o1 = (gold == 0) == right ? lo : hi;
    text += "{\"model\": \"m\", \"id\": " + std::to_string(i) + ", \"options\": [" + o0 + ", " + o1 +
            "], \"gold\": " + std::to_string(gold) + ", \"acc\": " + std::to_string(acc) + "}\n";
    ++line;
    if (i == 40 || i == 41) {
      text += "\n";
      ++line;
    }
  }
  REQUIRE(line == 602);
  io::input_options o;
  o.task = "t";
  o.mapping = io::parse_column_mapping("model=model,example_id=id,options=options,gold=gold,stored=acc");
  const auto run = [&](const std::string& file, unsigned threads, io::input_options opts, std::size_t cut_into = 0) {
    sc::scorer s(with_metrics("mc_grade,brier"));
    std::vector<io::reader_context> contexts;
    const auto r =
        sc::read_file_parallel(s, io::input_format::jsonl, file, file, opts, threads, contexts, {}, {}, {}, cut_into);
    return std::tuple{r, s.notes(), s.summary().first_errors};
  };
  const auto lines = [&](std::string t) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < t.size()) {
      const std::size_t nl = t.find('\n', at);
      out.push_back(t.substr(at, nl - at));
      at = nl + 1;
    }
    return out;
  };
  const auto join = [](const std::vector<std::string>& v) {
    std::string t;
    for (const auto& l : v) t += l + "\n";
    return t;
  };
  std::vector<std::string> file_lines = lines(text);
  REQUIRE(file_lines.size() == 602);

  // Notes: the first disagreement with the stored acc is on line 450 (record 447, after two blank lines).
  const std::string good = temp_path("later_parts.jsonl");
  write_text(good, text);
  const auto [g1, notes1, e1] = run(good, 1, o);
  const auto [g3, notes3, e3] = run(good, 3, o);
  CHECK(g3.parts == 3);
  CHECK_FALSE(g3.fell_back);
  CHECK(notes1 == notes3);
  bool named = false;
  for (const auto& n : notes3) named = named || n.find(good + ":450 (") != std::string::npos;
  CHECK(named);

  // Bad records on lines 300 (part 2) and 560 (part 3).
  std::vector<std::string> bad = file_lines;
  bad[299] = "{\"model\": \"m\", oops";
  bad[559] = "{\"model\": \"m\", \"id\": 9999, \"options\": \"x\", \"gold\": 0}";
  const std::string bad_path = temp_path("later_parts_bad.jsonl");
  write_text(bad_path, join(bad));
  io::input_options skip = o;
  skip.skip_bad = true;
  const auto [b1, bnotes1, be1] = run(bad_path, 1, skip);
  const auto [b3, bnotes3, be3] = run(bad_path, 3, skip);
  CHECK(b3.parts == 3);
  CHECK_FALSE(b3.fell_back);  // skipped records do not make the file be read again
  CHECK(b1.summary.skipped == 2);
  CHECK(b3.summary.skipped == 2);
  CHECK(b3.summary.first_errors == b1.summary.first_errors);
  CHECK(be3 == be1);
  REQUIRE(b3.summary.first_errors.size() == 2);
  CHECK(b3.summary.first_errors[0].rfind(bad_path + ":300: ", 0) == 0);
  CHECK(b3.summary.first_errors[1].rfind(bad_path + ":560: ", 0) == 0);
  CHECK(bnotes1 == bnotes3);
  // Without skipping: the first bad record, as one thread reports it.
  const std::string first = bad_path + ":300: ";
  CHECK_THROWS_WITH_AS(run(bad_path, 1, o), doctest::Contains(first.c_str()), emergent::parse_error);
  CHECK_THROWS_WITH_AS(run(bad_path, 3, o), doctest::Contains(first.c_str()), emergent::parse_error);

  // A byte-order mark is allowed on the file's first line only, not on the first line of a later
  // part (whose lines count from 1): read as a part starting at line 402 and in parallel.
  std::vector<std::string> bom = file_lines;
  bom[0] = "\xEF\xBB\xBF" + bom[0];
  bom[401] = "\xEF\xBB\xBF" + bom[401];
  const std::string bom_text = join(bom);
  const std::string bom_path = temp_path("later_parts_bom.jsonl");
  write_text(bom_path, bom_text);
  std::uint64_t line_402 = 0;
  for (int k = 0; k < 401; ++k) line_402 = bom_text.find('\n', line_402) + 1;
  io::reader_context context;
  std::size_t delivered = 0;
  const io::record_sink count = [&](const io::record&) { ++delivered; };
  io::detail::line_range head, rest;
  head.end = line_402;
  rest.begin = line_402;
  rest.end = bom_text.size();
  const io::read_summary whole = io::read_file_lines(io::input_format::jsonl, bom_path, head, skip, count, context);
  CHECK(whole.skipped == 0);  // the mark on line 1 is dropped
  CHECK(context.lines == 401);
  const io::read_summary tail =
      io::read_file_lines(io::input_format::jsonl, bom_path, rest, skip, count, context);
  CHECK(tail.skipped == 1);
  CHECK(context.lines == 602 - 401);
  REQUIRE(tail.first_errors.size() == 1);
  CHECK(tail.first_errors[0].rfind(bom_path + ":1: ", 0) == 0);
  for (const unsigned threads : {2U, 3U, 4U, 7U}) {
    const auto [m1, mn1, me1] = run(bom_path, 1, skip);
    const auto [mt, mnt, met] = run(bom_path, threads, skip);
    CHECK(m1.summary.skipped == 1);
    CHECK(mt.summary.skipped == 1);
    CHECK(mt.summary.first_errors == m1.summary.first_errors);
    REQUIRE(mt.summary.first_errors.size() == 1);
    CHECK(mt.summary.first_errors[0].rfind(bom_path + ":402: ", 0) == 0);
  }
  // The same with many more parts than threads (each thread reads several; which ones depends on timing).
  for (const std::size_t cut_into : {9UL, 31UL, 120UL}) {
    CAPTURE(cut_into);
    const auto [gm, notesm, em] = run(good, 2, o, cut_into);
    CHECK(gm.parts > 2);
    CHECK_FALSE(gm.fell_back);
    CHECK(notesm == notes1);
    const auto [bm, bnotesm, bem] = run(bad_path, 3, skip, cut_into);
    CHECK_FALSE(bm.fell_back);
    CHECK(bm.summary.first_errors == b1.summary.first_errors);
    CHECK(bem == be1);
    CHECK(bnotesm == bnotes1);
    CHECK_THROWS_WITH_AS(run(bad_path, 2, o, cut_into), doctest::Contains(first.c_str()), emergent::parse_error);
    const auto [mm, mnm, mem] = run(bom_path, 2, skip, cut_into);
    REQUIRE(mm.summary.first_errors.size() == 1);
    CHECK(mm.summary.first_errors[0].rfind(bom_path + ":402: ", 0) == 0);
  }
  std::filesystem::remove(good);
  std::filesystem::remove(bad_path);
  std::filesystem::remove(bom_path);
}

TEST_CASE("scorer::shift_lines moves the line numbers of one file only") {
  sc::scorer s(with_metrics("mc_grade"));
  io::record r;
  r.source = "a.jsonl";
  r.line = 3;
  r.model = "m";
  r.task = "t";
  r.example_id = "1";
  r.options = {{-0.5, false, 1, 1}, {-1.0, false, 1, 1}};
  r.gold = 0;
  r.stored = {{"acc", 0.0}};  // disagrees with mc_grade = 1
  s.add(r);
  io::read_summary skipped;
  skipped.read = skipped.skipped = 2;
  skipped.first_errors = {"a.jsonl:7: gold: expected a number", "other.jsonl:7: gold: expected a number"};
  s.add_summary(skipped);
  s.shift_lines("a.jsonl", 100);
  CHECK(s.summary().first_errors ==
        std::vector<std::string>{"a.jsonl:107: gold: expected a number", "other.jsonl:7: gold: expected a number"});
  bool named = false;
  for (const auto& n : s.notes()) named = named || n.find("a.jsonl:103 (") != std::string::npos;
  CHECK(named);
}
