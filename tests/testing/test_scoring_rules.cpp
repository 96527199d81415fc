// Properness, finiteness and input validation of probabilistic scoring rules.
#include <doctest/doctest.h>

#include <emergent/testing.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace et = emergent::testing;

namespace {

void validate(double q, int outcome) {
  if (!(q >= 0.0 && q <= 1.0)) throw emergent::input_error("test: q: outside [0, 1]");
  if (outcome != 0 && outcome != 1) throw emergent::input_error("test: outcome: not 0 or 1");
}

double brier(double q, int outcome) {
  validate(q, outcome);
  return (q - outcome) * (q - outcome);
}

double log_loss(double q, int outcome) {
  validate(q, outcome);
  return -std::log(outcome == 1 ? q : 1.0 - q);
}

void validate(std::span<const double> q, std::size_t label) {
  if (q.empty()) throw emergent::input_error("test: q: empty");
  double sum = 0.0;
  for (std::size_t j = 0; j < q.size(); ++j) {
    if (!(q[j] >= 0.0 && q[j] <= 1.0)) throw emergent::input_error("test: q: outside [0, 1]");
    sum += q[j];
  }
  if (std::fabs(sum - 1.0) > 1e-9) throw emergent::input_error("test: q: does not sum to 1");
  if (label >= q.size()) throw emergent::input_error("test: label: out of range");
}

double brier_multi(std::span<const double> q, std::size_t label) {
  validate(q, label);
  double s = 0.0;
  for (std::size_t j = 0; j < q.size(); ++j) s += (q[j] - (j == label ? 1.0 : 0.0)) * (q[j] - (j == label ? 1.0 : 0.0));
  return s;
}

const et::scoring_rule_spec brier_spec{0.0, 1.0, et::better::lower, false, 5};
const et::scoring_rule_spec log_spec{0.0, std::numeric_limits<double>::infinity(), et::better::lower, true, 5};

}  // namespace

TEST_CASE("Brier and log loss are proper (binary and multi-class)") {
  CHECK(et::check_proper_binary(brier, brier_spec).passed);
  CHECK(et::check_proper_binary(log_loss, log_spec).passed);
  CHECK(et::check_proper_multiclass(brier_multi, {0.0, 2.0, et::better::lower, false, 5}).passed);
  const auto log_multi = [](std::span<const double> q, std::size_t label) {
    validate(q, label);
    return -std::log(q[label]);
  };
  CHECK(et::check_proper_multiclass(log_multi, log_spec).passed);
}

TEST_CASE("the absolute error is an improper scoring rule and is caught with a simple p") {
  const auto absolute = [](double q, int outcome) { return std::fabs(q - outcome); };
  const auto report = et::check_proper_binary(absolute, brier_spec);
  REQUIRE_FALSE(report.passed);
  REQUIRE(report.example);
  const double p = report.example->probabilities[0][0];
  const double q = report.example->probabilities[1][0];
  CHECK(p * 10.0 == doctest::Approx(std::round(p * 10.0)));  // shrunk to one decimal
  CHECK((q == 0.0 || q == 1.0));                              // the absolute error pushes forecasts to the ends
  CHECK(report.example->values[1] < report.example->values[0]);
  CHECK(report.example->text.find("p (true) = ") == 0);
}

TEST_CASE("an improper multi-class rule (probability of the label, linear) is caught") {
  // The linear score -q[label] is improper: the expected score is best at the vertex of the mode.
  const auto linear = [](std::span<const double> q, std::size_t label) { return 1.0 - q[label]; };
  const auto report = et::check_proper_multiclass(linear, brier_spec);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->probabilities[0].size() == 2);  // shrunk to two classes
}

TEST_CASE("higher-is-better rules: the log score is proper, the 0/1 grade is proper but only weakly") {
  const auto log_score = [](double q, int outcome) { return std::log(outcome == 1 ? q : 1.0 - q); };
  CHECK(et::check_proper_binary(log_score, {-std::numeric_limits<double>::infinity(), 0.0, et::better::higher, true}).passed);
  const auto grade = [](double q, int outcome) { return (q >= 0.5) == (outcome == 1) ? 1.0 : 0.0; };
  CHECK(et::check_proper_binary(grade, {0.0, 1.0, et::better::higher}).passed);
}

TEST_CASE("finiteness: log loss is infinite only at a certain error; a rule with NaN is caught") {
  CHECK(et::check_finite_binary(log_loss, log_spec).passed);
  CHECK(et::check_finite_binary(brier, brier_spec).passed);
  auto strict = log_spec;
  strict.infinite_at_certain_error = false;
  const auto report = et::check_finite_binary(log_loss, strict);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->text.find("= inf") != std::string::npos);
  // 0 * log(0) gives NaN at q = 0.
  const auto entropy_like = [](double q, int outcome) { return -(outcome * std::log(q) * q); };
  CHECK_FALSE(et::check_finite_binary(entropy_like, log_spec).passed);
  CHECK(et::check_finite_multiclass(brier_multi, {0.0, 2.0, et::better::lower, false, 5}).passed);
}

TEST_CASE("invalid input must throw emergent::input_error") {
  CHECK(et::check_rejects_invalid_binary(brier).passed);
  CHECK(et::check_rejects_invalid_multiclass(brier_multi).passed);
  const auto unchecked = [](double q, int outcome) { return (q - outcome) * (q - outcome); };
  const auto report = et::check_rejects_invalid_binary(unchecked);
  REQUIRE_FALSE(report.passed);
  CHECK(report.example->text == "q = -0.1, outcome = 1: returned normally instead of throwing emergent::input_error");
  const auto wrong_kind = [](double q, int) -> double {
    if (q < 0 || q > 1) throw std::out_of_range("q");
    return 0.0;
  };
  const auto kind = et::check_rejects_invalid_binary(wrong_kind);
  REQUIRE_FALSE(kind.passed);
  CHECK(kind.example->reason.find("instead of emergent::input_error") != std::string::npos);
  const auto unchecked_multi = [](std::span<const double> q, std::size_t label) { return label < q.size() ? 1.0 - q[label] : 0.0; };
  const auto multi = et::check_rejects_invalid_multiclass(unchecked_multi);
  REQUIRE_FALSE(multi.passed);
  CHECK(multi.example->text.find("q = [-0.1, 1.1], label = 0") == 0);
}
