// Property checks catch deliberately broken metrics, with small counterexamples, and pass correct ones.
#include <doctest/doctest.h>

#include <emergent/testing.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace et = emergent::testing;

namespace {

// A plain dynamic-programming edit distance with configurable costs (the test's own oracle).
double edit_distance(const std::vector<int>& a, const std::vector<int>& b, double deletion = 1.0, double insertion = 1.0) {
  std::vector<double> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<double>(j) * insertion;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    double diagonal = row[0];
    row[0] = static_cast<double>(i) * deletion;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const double up = row[j];
      row[j] = std::min({up + deletion, row[j - 1] + insertion, diagonal + (a[i - 1] == b[j - 1] ? 0.0 : 1.0)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::size_t total_tokens(const et::counterexample& ex) {
  std::size_t n = 0;
  for (const auto& s : ex.sequences) n += s.size();
  return n;
}

const et::metric_spec distance_spec{0.0, std::numeric_limits<double>::infinity(), et::better::lower, true};
const et::metric_spec accuracy_spec{0.0, 1.0, et::better::higher, false};

}  // namespace

TEST_CASE("a correct edit distance passes every sequence check except monotonicity, which it does not have") {
  const auto reports = et::check_sequence_metric([](const std::vector<int>& p, const std::vector<int>& r) { return edit_distance(p, r); },
                                                 distance_spec);
  REQUIRE(reports.size() == 6);
  for (const auto& r : reports) {
    INFO(r.describe());
    if (r.property.find("monotone") == 0) continue;
    CHECK(r.passed);
    CHECK(r.cases_tried == et::check_options{}.cases);
  }
  CHECK_FALSE(et::all_passed(reports));
  // Levenshtein distance is not monotone under fixing a token: a shifted copy is two edits away,
  // and fixing one token breaks the shift. The check finds the smallest such case.
  const auto& monotone = reports[3];
  REQUIRE_FALSE(monotone.passed);
  CHECK(monotone.example->text ==
        "prediction = [0, 1, 0, 1], reference = [1, 0, 1, 0]: fixing token 1 changes the score from 2 to 3 (worse)");
  // The Hamming distance of aligned sequences is monotone.
  const auto hamming = [](const std::vector<int>& p, const std::vector<int>& r) {
    double d = static_cast<double>(std::max(p.size(), r.size()) - std::min(p.size(), r.size()));
    for (std::size_t i = 0; i < std::min(p.size(), r.size()); ++i) d += p[i] != r[i] ? 1.0 : 0.0;
    return d;
  };
  CHECK(et::all_passed(et::check_sequence_metric(hamming, distance_spec)));
}

TEST_CASE("an asymmetric edit distance is caught with a counterexample of at most a few tokens") {
  // Deleting costs 2, inserting costs 1: d(a, b) != d(b, a) as soon as the lengths differ.
  const auto report = et::check_symmetry([](const std::vector<int>& a, const std::vector<int>& b) { return edit_distance(a, b, 2.0, 1.0); });
  REQUIRE_FALSE(report.passed);
  REQUIRE(report.example);
  CHECK(total_tokens(*report.example) == 1);  // one sequence of one token against an empty one
  CHECK(report.example->names == std::vector<std::string>{"a", "b"});
  CHECK(report.example->text.find("m(a, b) = ") != std::string::npos);
  CHECK(report.describe().find("symmetry: FAILED") == 0);
  // The counterexample is shrunk to the smallest symbol too.
  for (const auto& s : report.example->sequences) {
    for (const int t : s) CHECK(t == 0);
  }
}

TEST_CASE("a metric violating the triangle inequality is caught") {
  // The squared edit distance is symmetric but not a metric: d(0, 00) = 1, d(00, 000)... d([], [0,0]) = 4 > 1 + 1.
  const auto squared = [](const std::vector<int>& a, const std::vector<int>& b) {
    const double d = edit_distance(a, b);
    return d * d;
  };
  CHECK(et::check_symmetry(squared).passed);
  const auto report = et::check_triangle_inequality(squared);
  REQUIRE_FALSE(report.passed);
  CHECK(total_tokens(*report.example) <= 4);
}

TEST_CASE("a non-monotone metric is caught: fixing a wrong token makes it worse") {
  // Parity of the number of correct tokens: fixing one token flips it.
  const auto parity = [](const std::vector<int>& p, const std::vector<int>& r) {
    std::size_t correct = 0;
    for (std::size_t i = 0; i < std::min(p.size(), r.size()); ++i) correct += p[i] == r[i] ? 1 : 0;
    return static_cast<double>(correct % 2 == 0);
  };
  const auto report = et::check_monotone(parity, accuracy_spec);
  REQUIRE_FALSE(report.passed);
  REQUIRE(report.example);
  CHECK(report.example->names == std::vector<std::string>{"prediction", "reference"});
  CHECK(report.example->sequences[0].size() == report.example->sequences[1].size());
  CHECK(total_tokens(*report.example) <= 4);
  CHECK(report.example->reason.find("fixing token") == 0);
}

TEST_CASE("token accuracy is monotone; a perfect prediction gets 1") {
  const auto accuracy = [](const std::vector<int>& p, const std::vector<int>& r) {
    if (r.empty()) return p.empty() ? 1.0 : 0.0;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < std::min(p.size(), r.size()); ++i) correct += p[i] == r[i] ? 1 : 0;
    return static_cast<double>(correct) / static_cast<double>(std::max(p.size(), r.size()));
  };
  CHECK(et::check_monotone(accuracy, accuracy_spec).passed);
  CHECK(et::check_perfect_prediction(accuracy, accuracy_spec).passed);
  CHECK(et::check_bounds(accuracy, accuracy_spec).passed);
}

TEST_CASE("NaN on an empty input is caught with the empty pair as counterexample") {
  const auto normalized = [](const std::vector<int>& p, const std::vector<int>& r) {
    return edit_distance(p, r) / static_cast<double>(std::max(p.size(), r.size()));  // 0/0 on two empty sequences
  };
  const auto report = et::check_finite(normalized);
  REQUIRE_FALSE(report.passed);
  CHECK(total_tokens(*report.example) == 0);
  CHECK(report.example->text == "prediction = [], reference = []: m(prediction, reference) = nan");
  // The bounds check catches it too, and the guarded version passes both.
  CHECK_FALSE(et::check_bounds(normalized, accuracy_spec).passed);
  const auto guarded = [](const std::vector<int>& p, const std::vector<int>& r) {
    const std::size_t n = std::max(p.size(), r.size());
    return n == 0 ? 0.0 : edit_distance(p, r) / static_cast<double>(n);
  };
  CHECK(et::check_finite(guarded).passed);
  CHECK(et::check_bounds(guarded, {0.0, 1.0, et::better::lower, true}).passed);
}

TEST_CASE("a metric that throws on valid input fails the finite check, and the exception is reported") {
  const auto throwing = [](const std::vector<int>& p, const std::vector<int>&) {
    if (p.empty()) throw emergent::input_error("mine: prediction: empty");
    return 1.0;
  };
  const auto report = et::check_finite(throwing);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->reason == "threw emergent::input_error: mine: prediction: empty");
}

TEST_CASE("a perfect prediction that does not get the best score is caught") {
  const auto off_by_one = [](const std::vector<int>& p, const std::vector<int>& r) { return edit_distance(p, r) + 1.0; };
  const auto report = et::check_perfect_prediction(off_by_one, distance_spec);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->reason == "m(reference, reference) = 1 but the best score is 0");
  CHECK(total_tokens(*report.example) == 0);
}

TEST_CASE("out-of-bounds values are caught and shrunk") {
  const auto unnormalized = [](const std::vector<int>& p, const std::vector<int>& r) { return edit_distance(p, r); };
  const auto report = et::check_bounds(unnormalized, {0.0, 1.0, et::better::lower, true});
  REQUIRE_FALSE(report.passed);
  CHECK(total_tokens(*report.example) == 2);  // distance 2 needs two tokens
  CHECK(report.example->reason == "m(prediction, reference) = 2 is outside [0, 1]");
}

TEST_CASE("an aggregate that depends on the order of examples is caught") {
  using seqs = std::vector<std::vector<int>>;
  const auto mean_accuracy = [](const seqs& predictions, const seqs& references) {
    double sum = 0.0;
    for (std::size_t i = 0; i < predictions.size(); ++i) sum += predictions[i] == references[i] ? 1.0 : 0.0;
    return sum / static_cast<double>(predictions.size());
  };
  CHECK(et::check_order_invariance(mean_accuracy).passed);
  // An exponential moving average weights late examples more.
  const auto moving_average = [](const seqs& predictions, const seqs& references) {
    double average = 0.0;
    for (std::size_t i = 0; i < predictions.size(); ++i) average = 0.5 * average + 0.5 * (predictions[i] == references[i] ? 1.0 : 0.0);
    return average;
  };
  const auto report = et::check_order_invariance(moving_average);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->sequences.size() == 4);  // two examples
  CHECK(total_tokens(*report.example) <= 2);
}

TEST_CASE("the same seed gives the same report; another seed may give another") {
  const auto asym = [](const std::vector<int>& a, const std::vector<int>& b) { return edit_distance(a, b, 2.0, 1.0); };
  const auto a = et::check_symmetry(asym);
  const auto b = et::check_symmetry(asym);
  CHECK(a.cases_tried == b.cases_tried);
  CHECK(a.example->text == b.example->text);
}

TEST_CASE("metrics over strings and over string tokens are called with their own types") {
  const auto string_metric = [](const std::string& p, const std::string& r) { return p == r ? 1.0 : 0.0; };
  CHECK(et::check_perfect_prediction<std::string>(string_metric, accuracy_spec).passed);
  const auto word_metric = [](const std::vector<std::string>& p, const std::vector<std::string>& r) {
    return (p.empty() || p[0].front() == 't') && p == r ? 1.0 : 0.0;
  };
  CHECK(et::check_monotone<std::vector<std::string>>(word_metric, accuracy_spec).passed);
  const auto asym_string = [](const std::string& a, const std::string& b) { return static_cast<double>(a.size()) - static_cast<double>(b.size()) > 0 ? 1.0 : 0.0; };
  const auto report = et::check_symmetry<std::string>(asym_string);
  REQUIRE_FALSE(report.passed);
  CHECK(total_tokens(*report.example) == 1);
  CHECK(report.example->reason.find(" but m(b, a) = ") != std::string::npos);
}

TEST_CASE("check_property is usable directly for a user's own property") {
  et::check_options options;
  options.cases = 50;
  const auto report = et::check_property(
      "numbers below 30", options, [](et::detail::rng& r, std::size_t) { return static_cast<int>(r.below(100)); },
      [](int v) -> std::optional<std::string> {
        if (v >= 30) return "value " + std::to_string(v) + " is not below 30";
        return std::nullopt;
      },
      [](int v) { return std::vector<int>{v / 2, v - 1}; },
      [](int v, const std::string&) {
        et::counterexample ex;
        ex.values = {static_cast<double>(v)};
        ex.text = "v = " + std::to_string(v);
        return ex;
      });
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->values[0] == 30.0);  // shrunk to the boundary
  CHECK(report.example->text == "v = 30: value 30 is not below 30");
}
