#include <doctest/doctest.h>

#include <emergent/analysis/grokking.hpp>
#include <emergent/analysis/k_of_k.hpp>

#include <cmath>
#include <vector>

using namespace emergent;

TEST_CASE("k_of_k_predict is the mean of p^L over the answer lengths (hand-computed)") {
  const std::vector<double> p = {0.5, 1.0, 0.0, 0.9};
  const std::vector<double> lengths = {1, 2};
  const auto e = k_of_k_predict(p, lengths);
  CHECK(e[0] == doctest::Approx(0.375));
  CHECK(e[1] == doctest::Approx(1.0));
  CHECK(e[2] == doctest::Approx(0.0));
  CHECK(e[3] == doctest::Approx((0.9 + 0.81) / 2));
  CHECK_THROWS_WITH_AS((void)k_of_k_predict(std::vector<double>{1.2}, lengths),
                       "k_of_k_predict: per_token[0]: 1.200000 is outside [0, 1]", input_error);
  CHECK_THROWS_WITH_AS((void)k_of_k_predict(p, std::vector<double>{3, 0}),
                       "k_of_k_predict: lengths[1]: 0.000000 is not a positive length", input_error);
  CHECK_THROWS_AS((void)k_of_k_predict(p, std::vector<double>{}), input_error);
}

namespace {

// Models with smoothly rising per-token accuracy; each example has `length` tokens.
void simulate(bool conjunction, std::vector<double>& x, std::vector<std::vector<double>>& soft,
              std::vector<std::vector<double>>& hard) {
  detail::analysis_rng rng(42);
  const int length = 5;
  for (int m = 0; m < 10; ++m) {
    const double xm = 20 + 0.5 * m;
    const double p = 1 / (1 + std::exp(-(xm - 22.0)));
    x.push_back(xm);
    soft.emplace_back();
    hard.emplace_back();
    for (int j = 0; j < 400; ++j) {
      int right = 0;
      for (int t = 0; t < length; ++t) right += rng.uniform() < p ? 1 : 0;
      soft.back().push_back(right / static_cast<double>(length));
      // the alternative: exact match drawn with probability p (no conjunction)
      hard.back().push_back(conjunction ? (right == length ? 1.0 : 0.0) : (rng.uniform() < p ? 1.0 : 0.0));
    }
  }
}

}  // namespace

TEST_CASE("k_of_k_check: the conjunction explains exact match on 5-token answers, and not a non-conjunctive metric") {
  std::vector<double> x;
  std::vector<std::vector<double>> soft, hard;
  simulate(true, x, soft, hard);
  const std::vector<double> lengths(1, 5.0);
  k_of_k_options o;
  o.resampling.replicates = 300;
  const k_of_k_result r = k_of_k_check(x, soft, hard, lengths, o);
  CHECK(r.points.size() == 10);
  CHECK(r.fraction_agreeing >= 0.9);
  CHECK(r.rms_difference < 0.03);
  CHECK(r.rms_interval.lower <= r.rms_interval.upper);
  for (const auto& p : r.points) {
    CHECK(p.predicted_interval.contains(p.predicted));
  }
  std::vector<double> x2;
  std::vector<std::vector<double>> soft2, hard2;
  simulate(false, x2, soft2, hard2);
  const k_of_k_result r2 = k_of_k_check(x2, soft2, hard2, lengths, o);
  CHECK_FALSE(r2.explains_curve);
  CHECK(r2.fraction_agreeing < 0.5);
  CHECK_THROWS_AS((void)k_of_k_check(std::vector<double>{1}, soft, hard, lengths, o), input_error);
}

TEST_CASE("first_crossing interpolates on log steps (hand-computed)") {
  const std::vector<double> steps = {10, 100, 1000, 10000};
  const std::vector<double> train = {0.1, 0.5, 0.95, 1.0};
  const std::vector<double> test = {0.0, 0.1, 0.2, 0.95};
  const auto c = first_crossing(steps, train, 0.9);
  REQUIRE(c.reached);
  CHECK(c.index == 2);
  CHECK(c.log10_step == doctest::Approx(1 + 0.4 / 0.45 + 1));
  const auto g = grokking_delay(steps, train, test);
  REQUIRE(g.delay_decades.has_value());
  CHECK(*g.delay_decades == doctest::Approx((3 + 0.7 / 0.75) - (2 + 0.4 / 0.45)));
  CHECK_FALSE(g.test_break.has_value());  // four points: too few for a break
  const auto never = first_crossing(steps, test, 0.99);
  CHECK_FALSE(never.reached);
  const std::vector<double> loss = {2.0, 1.0, 0.3, 0.1};
  const auto l = first_crossing(steps, loss, 0.5, progress_direction::falling);
  CHECK(l.log10_step == doctest::Approx(2 + 0.5 / 0.7));
  CHECK(first_crossing(steps, train, 0.05).at_first_point);
  CHECK_THROWS_WITH_AS((void)first_crossing(std::vector<double>{10, 5}, std::vector<double>{0, 1}, 0.5),
                       "first_crossing: steps[1]: not increasing", input_error);
  CHECK_THROWS_WITH_AS((void)first_crossing(std::vector<double>{0, 5}, std::vector<double>{0, 1}, 0.5),
                       "first_crossing: steps[0]: not a positive finite number", input_error);
  CHECK_THROWS_AS((void)first_crossing(steps, std::vector<double>{1}, 0.5), input_error);
}

TEST_CASE("grokking_delay finds the late break of the test curve") {
  std::vector<double> steps, train, test;
  for (int i = 0; i < 30; ++i) {
    const double ls = 1 + i * 0.15;  // 10^1 .. 10^5.35
    steps.push_back(std::pow(10.0, ls));
    train.push_back(std::min(1.0, 0.1 + 0.45 * std::max(ls - 1.0, 0.0)));
    test.push_back(0.05 + 0.8 * std::max(ls - 4.0, 0.0) + (i % 2 ? 0.005 : -0.005));
  }
  const auto g = grokking_delay(steps, train, test);
  REQUIRE(g.test_break.has_value());
  CHECK(g.test_break->breakpoints[0].estimate == doctest::Approx(4.0).epsilon(0.02));
  REQUIRE(g.test_davies_p.has_value());
  CHECK(*g.test_davies_p < 1e-6);
  REQUIRE(g.delay_decades.has_value());
  CHECK(*g.delay_decades > 2.0);
}
