// The toolkit applied to emergent's own metrics: the built-in scoring rules are proper, finite and
// reject invalid input; differential tests against them find a user's bug, shrunk.
#include <doctest/doctest.h>

#include <emergent/metrics.hpp>
#include <emergent/testing.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace et = emergent::testing;

namespace {

const auto brier_binary = [](double q, int outcome) { return emergent::brier_score(q, outcome); };
const auto brier_multi = [](const std::vector<double>& q, std::size_t label) { return emergent::brier_score(q, label); };
const auto log_loss = [](double q, int outcome) {
  emergent::log_loss_options o;
  o.allow_infinite = true;
  return emergent::log_loss(q, outcome, o);
};
const auto cross_entropy = [](const std::vector<double>& q, std::size_t label) {
  emergent::log_loss_options o;
  o.allow_infinite = true;
  return emergent::cross_entropy(q, label, o);
};
constexpr double inf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("Brier score is proper, binary and multi-class, and stays within its range") {
  const et::scoring_rule_spec binary{0.0, 1.0, et::better::lower, false, 5};
  const et::scoring_rule_spec multi{0.0, 2.0, et::better::lower, false, 5};
  const auto proper = et::check_proper_binary(brier_binary, binary);
  INFO(proper.describe());
  CHECK(proper.passed);
  CHECK(et::check_proper_multiclass(brier_multi, multi).passed);
  CHECK(et::check_finite_binary(brier_binary, binary).passed);
  CHECK(et::check_finite_multiclass(brier_multi, multi).passed);
  // The mean-over-classes convention is proper too (a positive multiple of the sum).
  const auto mean = [](const std::vector<double>& q, std::size_t label) {
    return emergent::brier_score(q, label, emergent::brier_options{emergent::brier_convention::mean_over_classes});
  };
  CHECK(et::check_proper_multiclass(mean, multi).passed);
}

TEST_CASE("log loss and cross-entropy are proper; infinite only where the outcome got probability 0") {
  const et::scoring_rule_spec spec{0.0, inf, et::better::lower, true, 5};
  CHECK(et::check_proper_binary(log_loss, spec).passed);
  CHECK(et::check_proper_multiclass(cross_entropy, spec).passed);
  CHECK(et::check_finite_binary(log_loss, spec).passed);
  CHECK(et::check_finite_multiclass(cross_entropy, spec).passed);
  // Without allow_infinite, log loss throws input_error at a certain error: the finite check reports it.
  const auto strict = [](double q, int outcome) { return emergent::log_loss(q, outcome); };
  const auto report = et::check_finite_binary(strict, spec);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->reason.find("threw emergent::input_error: log_loss") == 0);
}

TEST_CASE("built-in scoring rules reject invalid input with input_error") {
  CHECK(et::check_rejects_invalid_binary(brier_binary).passed);
  CHECK(et::check_rejects_invalid_multiclass(brier_multi).passed);
  CHECK(et::check_rejects_invalid_binary(log_loss).passed);
  CHECK(et::check_rejects_invalid_multiclass(cross_entropy).passed);
}

TEST_CASE("differential testing against the built-in metrics: agreement, and a user's bug found and shrunk") {
  // A correct re-implementation agrees on valid input.
  const auto mine = [](double q, int outcome) { return (q - outcome) * (q - outcome); };
  const auto agree = et::check_agreement_binary(mine, brier_binary);
  INFO(agree.describe());
  CHECK(agree.passed);
  // A multi-class Brier that averages over classes, compared with the built-in default (sum over classes).
  const auto averaged = [](const std::vector<double>& q, std::size_t label) {
    double s = 0.0;
    for (std::size_t j = 0; j < q.size(); ++j) s += (q[j] - (j == label ? 1.0 : 0.0)) * (q[j] - (j == label ? 1.0 : 0.0));
    return s / static_cast<double>(q.size());
  };
  const auto report = et::check_agreement_multiclass(averaged, brier_multi);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->probabilities[0].size() == 2);  // shrunk to two classes
  CHECK(report.example->text == "q = [0.5, 0.5], label = 0: implementation returned 0.25 but the oracle 0.5");
  // A log loss clipped at 1e-15 disagrees with the exact one only where the outcome got probability 0.
  const auto clipped = [](double q, int outcome) {
    const double p = std::clamp(outcome == 1 ? q : 1.0 - q, 1e-15, 1.0);
    return -std::log(p);
  };
  const auto log_report = et::check_agreement_binary(clipped, log_loss);
  REQUIRE_FALSE(log_report.passed);
  CHECK(log_report.example->text.find("q = 0, outcome = 1: implementation returned 34.5") == 0);
  CHECK(log_report.example->reason.find("but the oracle inf") != std::string::npos);
}

TEST_CASE("differential testing of sequence metrics: exceptions on one side are disagreements") {
  const auto total = [](const std::vector<int>& p, const std::vector<int>& r) { return static_cast<double>(p.size() + r.size()); };
  CHECK(et::check_agreement(total, total).passed);
  const auto picky = [](const std::vector<int>& p, const std::vector<int>& r) {
    if (p.empty()) throw emergent::input_error("picky: prediction: empty");
    return static_cast<double>(p.size() + r.size());
  };
  const auto report = et::check_agreement(picky, total);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->text ==
        "prediction = [], reference = []: implementation threw emergent::input_error: picky: prediction: empty but the oracle returned 0");
}

TEST_CASE("built-in Levenshtein distance is a distance; differential testing finds an indel-only re-implementation") {
  const auto distance = [](const std::vector<int>& a, const std::vector<int>& b) {
    return static_cast<double>(emergent::levenshtein_distance(a, b));
  };
  const et::metric_spec spec{0.0, inf, et::better::lower, true};
  CHECK(et::check_symmetry(distance).passed);
  CHECK(et::check_triangle_inequality(distance).passed);
  CHECK(et::check_perfect_prediction(distance, spec).passed);
  CHECK(et::check_finite(distance).passed);
  const auto normalized = [](const std::vector<int>& a, const std::vector<int>& b) {
    return emergent::levenshtein_normalized_distance(a, b);
  };
  CHECK(et::check_bounds(normalized, {0.0, 1.0, et::better::lower, false}).passed);
  CHECK(et::check_finite(normalized).passed);
  // A user's distance that only inserts and deletes (no substitutions): found on one token each.
  const auto indel = [](const std::vector<int>& a, const std::vector<int>& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({up + 1, row[j - 1] + 1, a[i - 1] == b[j - 1] ? diagonal : diagonal + 2});
        diagonal = up;
      }
    }
    return static_cast<double>(row[b.size()]);
  };
  const auto report = et::check_agreement(indel, distance);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->text == "prediction = [0], reference = [1]: implementation returned 2 but the oracle 1");
}

TEST_CASE("built-in exact match over token sequences: bounds, perfect prediction, monotone") {
  const auto em = [](const std::vector<int>& p, const std::vector<int>& r) { return emergent::exact_match(p, r) ? 1.0 : 0.0; };
  CHECK(et::all_passed(et::check_sequence_metric(em, {0.0, 1.0, et::better::higher, false})));
  // Exact match on whole strings (characters as tokens) after the SQuAD normaliser is still perfect on equal strings.
  const auto squad = [](const std::string& p, const std::string& r) {
    return emergent::exact_match(p, r, emergent::normalise::squad()) ? 1.0 : 0.0;
  };
  CHECK(et::check_perfect_prediction<std::string>(squad, {0.0, 1.0, et::better::higher, false}).passed);
  CHECK(et::check_symmetry<std::string>(squad).passed);
}

TEST_CASE("aggregates over examples: the built-in means do not depend on the order; a running average does") {
  const auto mean_brier = [](const std::vector<double>& p, const std::vector<int>& o) { return emergent::mean_brier_score(p, o); };
  CHECK(et::check_order_invariance_binary(mean_brier).passed);
  const auto mean_log_loss = [](const std::vector<double>& p, const std::vector<int>& o) {
    emergent::log_loss_options options;
    options.allow_infinite = true;
    return emergent::mean_log_loss(p, o, options);
  };
  CHECK(et::check_order_invariance_binary(mean_log_loss).passed);
  const auto running = [](const std::vector<double>& p, const std::vector<int>& o) {
    double average = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) average = 0.9 * average + 0.1 * (p[i] - o[i]) * (p[i] - o[i]);
    return average;
  };
  const auto report = et::check_order_invariance_binary(running);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->probabilities[0].size() == 2);  // two examples
  CHECK(report.example->text.find("probabilities = [") == 0);
}
