#include <doctest/doctest.h>

#include <emergent/analysis/break_vs_smooth.hpp>
#include <emergent/analysis/mirage.hpp>
#include <emergent/analysis/sharpness.hpp>
#include <emergent/stats/hierarchical.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace emergent;

TEST_CASE("breakthroughness and linearity against hand-computed values") {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  // straight line, steps of 0.1: I = 0.4, RMS step = median step = 0.1 -> B = L = 4 = n - 1
  const std::vector<double> line = {0.1, 0.2, 0.3, 0.4, 0.5};
  CHECK(breakthroughness(x, line) == doctest::Approx(4.0));
  CHECK(linearity(x, line) == doctest::Approx(4.0));
  // steps 0.01, 0.02, 0.5, 0.03: I = 0.56; squares 1e-4, 4e-4, 0.25, 9e-4
  // median of squares = (4e-4 + 9e-4)/2 = 6.5e-4 -> B = 0.56 / sqrt(6.5e-4) = 21.965...
  // mean of squares = 0.2514/4 = 0.06285 -> L = 0.56 / sqrt(0.06285) = 2.2337...
  const std::vector<double> jump = {0.0, 0.01, 0.03, 0.53, 0.56};
  CHECK(breakthroughness(x, jump) == doctest::Approx(0.56 / std::sqrt(6.5e-4)));
  CHECK(linearity(x, jump) == doctest::Approx(0.56 / std::sqrt(0.06285)));
  // falling curve: argmax before argmin -> negative sign
  const std::vector<double> fall = {0.5, 0.4, 0.3};
  CHECK(breakthroughness(std::vector<double>{1, 2, 3}, fall) == doctest::Approx(-2.0));
  // flat: 0 (never NaN); one jump among flat steps: +infinity for B, sqrt(n-1) for L
  const std::vector<double> flat = {0.2, 0.2, 0.2, 0.2, 0.2};
  CHECK(breakthroughness(x, flat) == 0.0);
  CHECK(linearity(x, flat) == 0.0);
  const std::vector<double> step = {0.2, 0.2, 0.2, 0.9, 0.9};
  CHECK(breakthroughness(x, step) == std::numeric_limits<double>::infinity());
  CHECK(linearity(x, step) == doctest::Approx(2.0));
  CHECK_THROWS_WITH_AS((void)breakthroughness(std::vector<double>{1, 2}, std::vector<double>{1, 2}),
                       "breakthroughness: x: 2 points are too few (need at least 3)", input_error);
  CHECK_THROWS_WITH_AS((void)linearity(std::vector<double>{1, 3, 2}, std::vector<double>{0.1, 0.2, 0.3}),
                       "linearity: x[2]: not increasing", input_error);
}

TEST_CASE("measure_sharpness: logistic k, rise width, steepest slope and jump z") {
  std::vector<double> x, y, se;
  for (int i = 0; i < 13; ++i) {
    x.push_back(20 + 0.5 * i);
    y.push_back(0.1 + 0.8 / (1 + std::exp(-3.0 * (x.back() - 23.0))));
    se.push_back(0.01);
  }
  const sharpness s = measure_sharpness(x, y, se);
  CHECK(s.logistic_k == doctest::Approx(3.0).epsilon(1e-3));
  CHECK(s.logistic_x0 == doctest::Approx(23.0).epsilon(1e-4));
  CHECK(s.rise_width_decades == doctest::Approx(2 * std::log(9.0) / 3.0).epsilon(1e-3));
  CHECK(s.logistic_k_interval.contains(s.logistic_k));
  CHECK(s.logistic_k_interval.level == 0.95);
  // steepest step: the two points around x0 = 23 (22.75? no: steps at 22.5-23 and 23-23.5 are equal)
  const double d = y[7] - y[6];
  CHECK(s.steepest_slope_per_decade == doctest::Approx(d / 0.5));
  CHECK(s.largest_jump == doctest::Approx(d));
  CHECK(s.jump_z == doctest::Approx(d / std::sqrt(2e-4)));
  CHECK(s.observed_rise_width_decades > 0.5);
  CHECK(s.observed_rise_width_decades < 2.0);
  // log base 2 axis: one unit is log10(2) decades
  const sharpness s2 = measure_sharpness(x, y, se, 2.0);
  CHECK(s2.logistic_k == doctest::Approx(3.0 / std::log10(2.0)).epsilon(1e-3));
  CHECK_THROWS_AS((void)measure_sharpness(x, y, std::vector<double>{1.0}), input_error);
}

TEST_CASE("measure_sharpness_with: bootstrap intervals from hierarchical resampling of examples") {
  std::vector<double> x;
  std::vector<std::vector<double>> per_model;
  detail::analysis_rng rng(8);
  for (int i = 0; i < 10; ++i) {
    x.push_back(20 + 0.5 * i);
    const double p = 0.1 + 0.8 / (1 + std::exp(-4.0 * (x.back() - 22.3)));
    per_model.emplace_back();
    for (int j = 0; j < 300; ++j) per_model.back().push_back(rng.uniform() < p ? 1.0 : 0.0);
  }
  const hierarchical_resampler res(per_model, 5);
  const auto r = measure_sharpness_with(
      x, res.observed_means(), [&](std::uint64_t k, std::span<double> y) { res.resample_means(k, y); }, 100);
  CHECK(r.replicates == 100);
  CHECK(r.breakthroughness.interval.lower <= r.breakthroughness.estimate);
  CHECK(r.linearity.interval.lower <= r.linearity.interval.upper);
  CHECK(r.logistic_k.interval.lower <= r.logistic_k.estimate);
  CHECK(r.logistic_k.interval.upper >= r.logistic_k.estimate);
  CHECK(r.logistic_k.interval.lower > 1.0);
  CHECK(r.point.jump_z > 5.0);
}

namespace {

// A family of models with per-token accuracy p(x) and 5-token answers: the soft score is the share
// of tokens right, the hard score is exact match (all 5 right), from the same simulated predictions.
template <class PerToken>
void family(PerToken p_of, int models, int examples, std::vector<double>& x, std::vector<std::vector<double>>& hard,
            std::vector<std::vector<double>>& soft, std::uint64_t seed) {
  detail::analysis_rng rng(seed);
  for (int m = 0; m < models; ++m) {
    const double xm = 18.0 + 8.0 * m / (models - 1);
    const double p = p_of(xm);
    x.push_back(xm);
    hard.emplace_back();
    soft.emplace_back();
    for (int j = 0; j < examples; ++j) {
      int right = 0;
      for (int t = 0; t < 5; ++t) right += rng.uniform() < p ? 1 : 0;
      soft.back().push_back(right / 5.0);
      hard.back().push_back(right == 5 ? 1.0 : 0.0);
    }
  }
}

}  // namespace

TEST_CASE("mirage verdict: smooth per-token accuracy gives sharp under the hard metric only (exact match, 5 tokens)") {
  std::vector<double> x;
  std::vector<std::vector<double>> hard, soft;
  // per-token accuracy rising linearly in log compute from 0.45 to 0.97 over 8 decades
  family([](double xm) { return 0.45 + 0.065 * (xm - 18.0); }, 12, 500, x, hard, soft, 1);
  mirage_options o;
  o.resampling.replicates = 100;
  const mirage_result r = mirage_analysis(x, hard, soft, o);
  std::string why;
  for (const auto& s : r.reasons) why += s + "\n";
  CAPTURE(why);
  CHECK_FALSE(r.soft.sharp);
  CHECK(r.soft.judgement.judgement == curve_judgement::smooth);
  CHECK(r.verdict == mirage_verdict::sharp_under_hard_only);
  CHECK(r.probability_of(mirage_verdict::sharp_under_hard_only) >= 0.8);
  CHECK_FALSE(r.uncertain);
  double total = 0;
  for (double p : r.probability) total += p;
  CHECK(total == doctest::Approx(1.0));
  // the hard curve is narrower than the soft one, with a bootstrap interval below 1
  CHECK(r.width_ratio < 0.9);
  CHECK(r.width_ratio_interval.upper < 1.0);
  CHECK(r.width_ratio_interval.contains(r.width_ratio));
  CHECK(r.hard.measures.linearity < r.soft.measures.linearity);
  CHECK_FALSE(r.conjunction_checked);
  // with the answer lengths, E[p^5] of the soft curve predicts the hard one
  o.answer_lengths = {5.0};
  const mirage_result k = mirage_analysis(x, hard, soft, o);
  CHECK(k.conjunction_checked);
  CHECK(k.conjunction.explains_curve);
  CHECK(k.verdict == mirage_verdict::sharp_under_hard_only);
}

TEST_CASE("mirage verdict: p^L with p linear in log compute is metric-induced for L = 3..8 (the issue's 4-token case)") {
  for (int length = 3; length <= 8; ++length) {
    CAPTURE(length);
    std::vector<double> x;
    std::vector<std::vector<double>> hard, soft;
    detail::analysis_rng rng(static_cast<std::uint64_t>(100 + length));
    for (int m = 0; m < 10; ++m) {
      const double xm = 18.0 + 8.0 * m / 9;
      const double p = 0.2 + 0.75 * (xm - 18.0) / 8.0;
      x.push_back(xm);
      hard.emplace_back();
      soft.emplace_back();
      for (int j = 0; j < 400; ++j) {
        int right = 0;
        for (int t = 0; t < length; ++t) right += rng.uniform() < p ? 1 : 0;
        soft.back().push_back(static_cast<double>(right) / length);
        hard.back().push_back(right == length ? 1.0 : 0.0);
      }
    }
    mirage_options o;
    o.resampling.replicates = 60;
    o.answer_lengths = {static_cast<double>(length)};
    const mirage_result r = mirage_analysis(x, hard, soft, o);
    std::string why;
    for (const auto& s : r.reasons) why += s + "\n";
    CAPTURE(why);
    CHECK(r.verdict == mirage_verdict::sharp_under_hard_only);
    CHECK(r.conjunction.explains_curve);
  }
}

TEST_CASE("mirage verdict: a genuine step in per-token accuracy gives sharp under both") {
  std::vector<double> x;
  std::vector<std::vector<double>> hard, soft;
  family([](double xm) { return 0.3 + 0.65 / (1 + std::exp(-8.0 * (xm - 22.3))); }, 12, 500, x, hard, soft, 2);
  mirage_options o;
  o.resampling.replicates = 100;
  const mirage_result r = mirage_analysis(x, hard, soft, o);
  std::string why;
  for (const auto& s : r.reasons) why += s + "\n";
  CAPTURE(why);
  CHECK(r.soft.judgement.judgement == curve_judgement::sharp);
  CHECK(r.verdict == mirage_verdict::sharp_under_both);
  CHECK(r.probability_of(mirage_verdict::sharp_under_both) >= 0.8);
}

TEST_CASE("mirage verdict: smooth under both, and not resolvable with few models or a failed analysis") {
  std::vector<double> x;
  std::vector<std::vector<double>> hard, soft;
  // almost perfect per-token accuracy rising slowly: exact match ~ p^5 starts above half its range
  family([](double xm) { return 0.90 + 0.01 * (xm - 18.0); }, 12, 500, x, hard, soft, 3);
  mirage_options o;
  o.resampling.replicates = 100;
  const mirage_result r = mirage_analysis(x, hard, soft, o);
  CAPTURE(r.reasons[0]);
  CHECK(r.verdict == mirage_verdict::smooth_under_both);
  CHECK(r.hard.judgement.judgement == curve_judgement::saturated);

  std::vector<double> x4;
  std::vector<std::vector<double>> h4, s4;
  family([](double xm) { return 0.3 + 0.65 / (1 + std::exp(-8.0 * (xm - 22.3))); }, 4, 200, x4, h4, s4, 4);
  const mirage_result r4 = mirage_analysis(x4, h4, s4, o);
  CHECK(r4.verdict == mirage_verdict::not_resolvable);
  CHECK(r4.models == 4);
  // a needed analysis that cannot run (k-of-k on a soft metric outside [0, 1]) -> not_resolvable
  std::vector<std::vector<double>> scaled = soft;
  for (auto& v : scaled) {
    for (double& s : v) s *= 100;
  }
  o.answer_lengths = {5.0};
  const mirage_result rk = mirage_analysis(x, hard, scaled, o);
  CHECK(rk.verdict == mirage_verdict::not_resolvable);
  CHECK_FALSE(rk.conjunction_checked);
  CHECK(rk.probability_of(mirage_verdict::not_resolvable) == doctest::Approx(1.0));
  CHECK_THROWS_AS((void)mirage_analysis(std::vector<double>{1, 2}, h4, s4, o), input_error);
  std::vector<double> dup = x4;
  dup[1] = dup[0];
  CHECK_THROWS_WITH_AS((void)mirage_analysis(dup, h4, s4, o), "mirage_analysis: x[1]: repeats another model's x",
                       input_error);
}

TEST_CASE("break_vs_smooth_test: a smooth power law fools Davies' test but not the bootstrap LR test") {
  std::vector<double> x, yp, yb;
  detail::analysis_rng rng(31);
  for (int i = 0; i < 15; ++i) {
    x.push_back(19 + 5.0 * i / 14);
    yp.push_back(0.02 * std::pow(10.0, 0.25 * (x.back() - 19)) + 0.005 * rng.normal());
    yb.push_back(0.05 + 0.3 * std::max(x.back() - 22.1, 0.0) + 0.005 * rng.normal());
  }
  CHECK(davies_test(x, yp).p_value < 0.01);  // the straight-line test sees a "break"
  break_vs_smooth_options o;
  o.resampling.replicates = 100;
  const auto smooth = break_vs_smooth_test(x, yp, o);
  CHECK(smooth.p_value > 0.05);
  const auto kink = break_vs_smooth_test(x, yb, o);
  CHECK(kink.p_value < 0.05);
  CHECK(kink.statistic > 0);
  o.smooth.clear();
  CHECK_THROWS_WITH_AS((void)break_vs_smooth_test(x, yb, o), "break_vs_smooth_test: smooth: no candidate model",
                       input_error);
}
