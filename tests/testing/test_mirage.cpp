// The mirage classifier: exact match on 5-token answers is thresholded and sharpens the curve; token
// edit distance, Brier and log-likelihood do not; k-of-k sharpens without being thresholded.
#include <doctest/doctest.h>

#include <emergent/testing.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace et = emergent::testing;

namespace {

double exact_match(const std::vector<int>& p, const std::vector<int>& r) { return p == r ? 1.0 : 0.0; }

double hamming(const std::vector<int>& p, const std::vector<int>& r) {
  double d = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) d += p[i] != r[i] ? 1.0 : 0.0;
  return d;
}

}  // namespace

TEST_CASE("exact match: E = p^L exactly, thresholded, a late and much narrower rise") {
  const auto report = et::mirage_risk(exact_match);
  REQUIRE(report.accuracy_grid.size() == 101);
  for (std::size_t i = 0; i < report.accuracy_grid.size(); ++i) {
    CHECK(report.expected_metric[i] == doctest::Approx(std::pow(report.accuracy_grid[i], 5)).epsilon(1e-12));
  }
  CHECK(report.exact);
  CHECK(report.kind == et::metric_kind::thresholded);
  CHECK(report.largest_step == doctest::Approx(1.0));
  CHECK(report.higher_is_better);
  CHECK(report.adds_sharpness);
  CHECK(report.sharpness_ratio > 1.5);
  CHECK(report.delay_decades > 1.0);
  CHECK(report.response_at_midpoint < 0.1);
  CHECK(report.risk == "high");
  CHECK(report.by_errors.size() == 1);
  CHECK(report.by_errors[0] == std::vector<double>{1, 0, 0, 0, 0, 0});
}

TEST_CASE("token edit distance: E = L (1 - p), continuous, as sharp as per-token accuracy") {
  const auto report = et::mirage_risk(hamming);
  for (std::size_t i = 0; i < report.accuracy_grid.size(); ++i) {
    CHECK(report.expected_metric[i] == doctest::Approx(5.0 * (1.0 - report.accuracy_grid[i])).epsilon(1e-12));
  }
  CHECK(report.kind == et::metric_kind::continuous);
  CHECK(report.largest_step == doctest::Approx(0.2));
  CHECK_FALSE(report.higher_is_better);
  CHECK(report.sharpness_ratio == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(report.delay_decades == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(report.response_at_midpoint == doctest::Approx(0.5));
  CHECK_FALSE(report.adds_sharpness);
  CHECK(report.risk == "low");
}

TEST_CASE("on the same model of improvement, exact match is much sharper than token edit distance") {
  const auto em = et::mirage_risk(exact_match);
  const auto ed = et::mirage_risk(hamming);
  CHECK(em.sharpness_ratio > 1.5 * ed.sharpness_ratio);
  CHECK(em.induced_sharpness.rise_width_decades < 0.7 * ed.induced_sharpness.rise_width_decades);
  CHECK(em.induced_sharpness.max_slope_per_decade > 2.0 * ed.induced_sharpness.max_slope_per_decade);
  // Per-token accuracy is the same curve in both.
  CHECK(em.per_token == ed.per_token);
  // Under Schaeffer et al.'s power law in per-token loss too.
  et::mirage_options power;
  power.improvement.shape = et::per_token_curve::form::power_law;
  const auto em_power = et::mirage_risk(exact_match, power);
  const auto ed_power = et::mirage_risk(hamming, power);
  CHECK(em_power.delay_decades > 0.5);
  CHECK(ed_power.sharpness_ratio == doctest::Approx(1.0));
  CHECK(em_power.kind == et::metric_kind::thresholded);
}

TEST_CASE("probability metrics: k-of-k sharpens without a threshold; Brier and log-likelihood do not sharpen") {
  const auto k_of_k = [](std::span<const double> p) {
    double product = 1.0;
    for (const double v : p) product *= v;
    return product;
  };
  const auto log_likelihood = [](std::span<const double> p) {
    double sum = 0.0;
    for (const double v : p) sum += std::log(v);
    return sum;
  };
  const auto brier = [](std::span<const double> p) {  // mean per-token binary Brier score of the correct token
    double sum = 0.0;
    for (const double v : p) sum += (1.0 - v) * (1.0 - v);
    return sum / static_cast<double>(p.size());
  };
  const auto kk = et::mirage_risk_probabilistic(k_of_k);
  CHECK(kk.kind == et::metric_kind::continuous);
  CHECK(kk.adds_sharpness);
  CHECK(kk.risk == "medium");
  // Same expected curve as exact match: E[exact match] = p^L = k_of_k(p, L).
  const auto em = et::mirage_risk(exact_match);
  for (std::size_t i = 0; i < kk.induced.size(); ++i) CHECK(kk.induced[i] == doctest::Approx(em.induced[i]));
  const auto ll = et::mirage_risk_probabilistic(log_likelihood);
  CHECK(ll.kind == et::metric_kind::continuous);
  CHECK_FALSE(ll.adds_sharpness);
  CHECK(ll.delay_decades < 0.0);
  CHECK(ll.risk == "low");
  const auto br = et::mirage_risk_probabilistic(brier);
  CHECK(br.kind == et::metric_kind::continuous);
  CHECK_FALSE(br.higher_is_better);
  CHECK_FALSE(br.adds_sharpness);
  CHECK(br.risk == "low");
}

TEST_CASE("the 0/1 multiple-choice grade is not continuous") {
  // Four options: the correct one gets p, the three others (1 - p) / 3 each; graded by argmax.
  const auto grade = [](std::span<const double> p) {
    double correct = 0.0;
    for (const double v : p) correct += v > (1.0 - v) / 3.0 ? 1.0 : 0.0;
    return correct / static_cast<double>(p.size());
  };
  const auto report = et::mirage_risk_probabilistic(grade, [] {
    et::mirage_options o;
    o.lengths = {{1, 1.0}};
    return o;
  }());
  CHECK(report.kind == et::metric_kind::thresholded);
  CHECK(report.largest_step == doctest::Approx(1.0));
}

TEST_CASE("length distributions mix the lengths; long answers use sampled positions") {
  et::mirage_options options;
  options.lengths = {{2, 1.0}, {30, 1.0}};
  const auto report = et::mirage_risk(exact_match, options);
  CHECK_FALSE(report.exact);  // C(30, 15) sets of positions are sampled
  for (std::size_t i = 0; i < report.accuracy_grid.size(); ++i) {
    const double p = report.accuracy_grid[i];
    CHECK(report.expected_metric[i] == doctest::Approx(0.5 * std::pow(p, 2) + 0.5 * std::pow(p, 30)).epsilon(1e-12));
  }
  CHECK(report.by_errors.size() == 2);
}

TEST_CASE("mirage_risk rejects invalid options with input_error") {
  et::mirage_options o;
  o.lengths = {};
  CHECK_THROWS_WITH_AS((void)et::mirage_risk(exact_match, o), "mirage_risk: options.lengths: empty", emergent::input_error);
  o.lengths = {{5, -1.0}};
  CHECK_THROWS_WITH_AS((void)et::mirage_risk(exact_match, o), "mirage_risk: options.lengths[0]: weight is negative or not finite",
                       emergent::input_error);
  o.lengths = {{5, 0.0}};
  CHECK_THROWS_AS((void)et::mirage_risk(exact_match, o), emergent::input_error);
  o = {};
  o.points = 2;
  CHECK_THROWS_AS((void)et::mirage_risk(exact_match, o), emergent::input_error);
  o = {};
  o.x_max = o.x_min;
  CHECK_THROWS_AS((void)et::mirage_risk(exact_match, o), emergent::input_error);
  o = {};
  o.vocabulary = 1;
  CHECK_THROWS_AS((void)et::mirage_risk(exact_match, o), emergent::input_error);
  o = {};
  o.draws = 0;
  CHECK_THROWS_AS((void)et::mirage_risk(exact_match, o), emergent::input_error);
  o = {};
  o.improvement.ceiling = 1.5;
  CHECK_THROWS_WITH_AS((void)et::mirage_risk_probabilistic([](std::span<const double>) { return 0.0; }, o),
                       "mirage_risk_probabilistic: options.improvement: per-token accuracy outside [0, 1]", emergent::input_error);
  const auto nan_metric = [](const std::vector<int>&, const std::vector<int>&) { return std::nan(""); };
  CHECK_THROWS_AS((void)et::mirage_risk(nan_metric), emergent::numerical_error);
}

TEST_CASE("the summary reads as one line") {
  const auto report = et::mirage_risk(exact_match);
  CHECK(report.summary().find("thresholded (hard); largest step 1 of the range; rise ") == 0);
  CHECK(report.summary().find("mirage risk high") != std::string::npos);
}

TEST_CASE("sharpness measures of the mirage report on hand-computed curves") {
  // A straight line over 5 equally spaced points: 4 equal steps, breakthroughness = linearity = 4.
  const std::vector<double> x{0, 1, 2, 3, 4};
  const auto line = et::detail::measure_sharpness(x, {0, 1, 2, 3, 4});
  CHECK(line.breakthroughness == doctest::Approx(4.0));
  CHECK(line.linearity == doctest::Approx(4.0));
  CHECK(line.max_slope_per_decade == doctest::Approx(0.25));
  CHECK(line.rise_width_decades == doctest::Approx(3.2));  // from 0.4 to 3.6
  CHECK(line.midpoint == doctest::Approx(2.0));
  // One jump among flat steps: linearity sqrt(4) = 2, breakthroughness infinite (median step 0).
  const auto jump = et::detail::measure_sharpness(x, {0, 0, 1, 1, 1});
  CHECK(jump.linearity == doctest::Approx(2.0));
  CHECK(std::isinf(jump.breakthroughness));
  CHECK(jump.max_slope_per_decade == doctest::Approx(1.0));
  CHECK(jump.rise_width_decades == doctest::Approx(0.8));
  // A falling curve: negative signed range.
  CHECK(et::detail::measure_sharpness(x, {4, 3, 2, 1, 0}).linearity == doctest::Approx(-4.0));
  // Breakthroughness and linearity are the analysis layer's: argmax at its first index, so a curve
  // that falls from its maximum to its minimum and comes back has a negative signed range.
  // Squared steps 1, 0.25, 0.25, 0.25: median 0.25, mean 0.4375.
  const std::vector<double> tied_y{1, 0, 0.5, 1, 0.5};
  const auto tied = et::detail::measure_sharpness(x, tied_y);
  CHECK(tied.breakthroughness == doctest::Approx(-2.0));
  CHECK(tied.linearity == doctest::Approx(-1.0 / std::sqrt(0.4375)));
  CHECK(tied.breakthroughness == emergent::breakthroughness(x, tied_y));
  CHECK(tied.linearity == emergent::linearity(x, tied_y));
}

TEST_CASE("metrics over strings: one-byte characters stand for at most 62 symbols, so wrong tokens stay wrong") {
  const auto em = [](const std::string& p, const std::string& r) { return p == r ? 1.0 : 0.0; };
  const auto report = et::mirage_risk<std::string>(em);
  for (std::size_t i = 0; i < report.accuracy_grid.size(); ++i) {
    CHECK(report.expected_metric[i] == doctest::Approx(std::pow(report.accuracy_grid[i], 5)).epsilon(1e-12));
  }
  const auto words = [](const std::vector<std::string>& p, const std::vector<std::string>& r) { return p == r ? 1.0 : 0.0; };
  CHECK(et::mirage_risk<std::vector<std::string>>(words).by_errors[0] == std::vector<double>{1, 0, 0, 0, 0, 0});
}
