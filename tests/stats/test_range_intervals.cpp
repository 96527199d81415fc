// Range-respecting intervals for a mean (stats/range_intervals.hpp): the formulas against hand
// computation with Boost's t quantile written out, the intervals stay in range where the plain t
// interval does not, and coverage in seeded simulations (exponential and geometric edit-distance-like
// data for the log interval, U^2 and U^4 for the logit interval), plus every error path.
#include <doctest/doctest.h>

#include <emergent/stats/range_intervals.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

using emergent::input_error;
using emergent::mean_accumulator;
using emergent::value_range;

namespace {

mean_accumulator acc(const std::vector<double>& xs) {
  mean_accumulator a;
  for (double x : xs) a(x);
  return a;
}

double uniform01(std::mt19937_64& rng) { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; }

struct coverage_result {
  double range_coverage = 0, t_coverage = 0;
  std::size_t range_out_of_range = 0, t_out_of_range = 0;
};

/// Coverage of mean_interval_in_range and of the plain t interval over `reps` seeded samples of size n.
template <class Draw>
coverage_result simulate(Draw draw, double truth, std::size_t n, value_range range, std::size_t reps, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  coverage_result out;
  std::size_t hit = 0, hit_t = 0;
  for (std::size_t r = 0; r < reps; ++r) {
    mean_accumulator a;
    for (std::size_t i = 0; i < n; ++i) a(draw(rng));
    const auto ci = emergent::mean_interval_in_range(a, range).interval;
    const auto t = emergent::t_interval(a);
    hit += ci.lower <= truth && truth <= ci.upper ? 1U : 0U;
    hit_t += t.lower <= truth && truth <= t.upper ? 1U : 0U;
    out.range_out_of_range += ci.lower < range.lower || ci.upper > range.upper || ci.lower > ci.upper ? 1U : 0U;
    out.t_out_of_range += t.lower < range.lower || t.upper > range.upper ? 1U : 0U;
  }
  out.range_coverage = static_cast<double>(hit) / static_cast<double>(reps);
  out.t_coverage = static_cast<double>(hit_t) / static_cast<double>(reps);
  return out;
}

}  // namespace

TEST_CASE("log_t_interval: the delta-method formula, by hand") {
  // values 0, 1, 2, 9: mean 3, sd = sqrt(((9+4+1+36))/3) = sqrt(50/3), se = sd/2; t_{3,0.975} = 3.182446305284263
  const auto a = acc({0, 1, 2, 9});
  const double se = std::sqrt(50.0 / 3.0) / 2.0;
  const double h = 3.182446305284263 * se / 3.0;
  const auto ci = emergent::log_t_interval(a, 0.0, 0.95);
  CHECK(ci.lower == doctest::Approx(3.0 * std::exp(-h)).epsilon(1e-12));
  CHECK(ci.upper == doctest::Approx(3.0 * std::exp(h)).epsilon(1e-12));
  CHECK(ci.level == 0.95);
  const auto plain = emergent::t_interval(a);
  CHECK(plain.lower < 0.0);  // the plain t interval leaves the range, the log one does not
  CHECK(ci.lower > 0.0);
  // a shifted bound: values >= 10 shift the same way
  const auto shifted = emergent::log_t_interval(acc({10, 11, 12, 19}), 10.0);
  CHECK(shifted.lower == doctest::Approx(10.0 + ci.lower).epsilon(1e-12));
  CHECK(shifted.upper == doctest::Approx(10.0 + ci.upper).epsilon(1e-12));
  // every value on the bound: the point
  const auto zero = emergent::log_t_interval(acc({0, 0, 0}));
  CHECK(zero.lower == 0.0);
  CHECK(zero.upper == 0.0);
}

TEST_CASE("logit_t_interval: the delta-method formula, by hand, and a [0, 2] range") {
  const auto a = acc({0.1, 0.2, 0.9, 0.4, 0.0});  // mean 0.32
  const double m = 0.32;
  const double se = a.standard_error();
  const double q = 2.7764451051977987;  // t_{4, 0.975}
  const double z = std::log(m / (1 - m));
  const double h = q * se / (m * (1 - m));
  const auto ci = emergent::logit_t_interval(a, {0.0, 1.0});
  CHECK(ci.lower == doctest::Approx(1.0 / (1.0 + std::exp(-(z - h)))).epsilon(1e-12));
  CHECK(ci.upper == doctest::Approx(1.0 / (1.0 + std::exp(-(z + h)))).epsilon(1e-12));
  // Brier scores in [0, 2]: the same data doubled gives the interval doubled
  const auto b = emergent::logit_t_interval(acc({0.2, 0.4, 1.8, 0.8, 0.0}), {0.0, 2.0});
  CHECK(b.lower == doctest::Approx(2 * ci.lower).epsilon(1e-12));
  CHECK(b.upper == doctest::Approx(2 * ci.upper).epsilon(1e-12));
  const auto ones = emergent::logit_t_interval(acc({1, 1, 1}), {0.0, 1.0});
  CHECK(ones.lower == 1.0);
  CHECK(ones.upper == 1.0);
}

TEST_CASE("mean_interval_in_range: picks the method from the finite ends") {
  const auto a = acc({0.1, 0.5, 0.7});
  CHECK(emergent::mean_interval_in_range(a, {0.0, 1.0}).method == emergent::mean_interval_method::t_logit);
  CHECK(emergent::mean_interval_in_range(a, {0.0, std::numeric_limits<double>::infinity()}).method ==
        emergent::mean_interval_method::t_log);
  const auto neg = acc({-0.1, -2.5, -0.7});  // log-likelihoods <= 0
  const auto up = emergent::mean_interval_in_range(neg, {-std::numeric_limits<double>::infinity(), 0.0});
  CHECK(up.method == emergent::mean_interval_method::t_log);
  CHECK(up.interval.upper < 0.0);
  const auto mirrored = emergent::log_t_interval(acc({0.1, 2.5, 0.7}));
  CHECK(up.interval.lower == doctest::Approx(-mirrored.upper).epsilon(1e-12));
  CHECK(up.interval.upper == doctest::Approx(-mirrored.lower).epsilon(1e-12));
  const auto free = emergent::mean_interval_in_range(neg, {});
  CHECK(free.method == emergent::mean_interval_method::t);
  CHECK(free.interval.lower == emergent::t_interval(neg).lower);
  CHECK(std::string(emergent::interval_method_name(emergent::mean_interval_method::t_logit)) == "t-logit");
  CHECK(std::string(emergent::interval_method_name(emergent::mean_interval_method::t_log)) == "t-log");
  CHECK(std::string(emergent::interval_method_name(emergent::mean_interval_method::t)) == "t");
}

TEST_CASE("range intervals: errors") {
  CHECK_THROWS_AS(emergent::log_t_interval(acc({1.0})), input_error);
  CHECK_THROWS_AS(emergent::log_t_interval(acc({-1.0, -2.0})), input_error);  // mean below the bound
  CHECK_THROWS_AS(emergent::log_t_interval(acc({1.0, 2.0}), 0.0, 1.5), input_error);
  CHECK_THROWS_AS(emergent::logit_t_interval(acc({0.5, 2.0}), {0.0, 1.0}), input_error);  // mean outside
  CHECK_THROWS_AS(emergent::logit_t_interval(acc({0.5, 0.2}), {1.0, 0.0}), input_error);  // empty range
  CHECK_THROWS_AS(emergent::logit_t_interval(acc({0.5, 0.2}), {0.0, std::numeric_limits<double>::infinity()}), input_error);
  CHECK_THROWS_AS(emergent::mean_interval_in_range(acc({0.5, 0.2}), {0.0, 1.0}, 0.0), input_error);
  CHECK_THROWS_AS(emergent::mean_interval_in_range(acc({0.5, 0.2}), {-std::numeric_limits<double>::infinity(), 0.1}),
                  input_error);
}

TEST_CASE("range intervals: stay in range and cover at about the nominal level (seeded simulation)") {
  const double inf = std::numeric_limits<double>::infinity();
  // Exponential(1) "edit distances", n = 30: the log interval covers the mean about 93-94% of the time
  // (NumPy with the same formula: 0.9335 over 4000 samples), the plain t about 92%.
  const auto ex = simulate([](std::mt19937_64& g) { return -std::log(uniform01(g)); }, 1.0, 30, {0.0, inf}, 4000, 1);
  CHECK(ex.range_out_of_range == 0);
  CHECK(ex.range_coverage > 0.92);
  CHECK(ex.range_coverage < 0.965);
  CHECK(ex.range_coverage >= ex.t_coverage - 0.005);
  // Geometric(0.01) - 1 (mean 99, a long right tail), n = 20.
  const auto geo = simulate([](std::mt19937_64& g) { return std::floor(std::log(uniform01(g)) / std::log1p(-0.01)); },
                            99.0, 20, {0.0, inf}, 4000, 2);
  CHECK(geo.range_out_of_range == 0);
  CHECK(geo.range_coverage > 0.92);
  CHECK(geo.range_coverage < 0.965);
  // U^2 on [0, 1] (mean 1/3), n = 20: NumPy 0.9595.
  const auto u2 = simulate([](std::mt19937_64& g) { const double u = uniform01(g); return u * u; }, 1.0 / 3.0, 20,
                           {0.0, 1.0}, 4000, 3);
  CHECK(u2.range_out_of_range == 0);
  CHECK(u2.range_coverage > 0.935);
  CHECK(u2.range_coverage < 0.975);
  // U^4 (mean 0.2), n = 10: the plain t interval crosses 0 in about 40% of the samples; the logit one
  // never leaves [0, 1] and covers at least as often (NumPy: 0.9325 against 0.893).
  const auto u4 = simulate([](std::mt19937_64& g) { return std::pow(uniform01(g), 4.0); }, 0.2, 10, {0.0, 1.0}, 4000, 4);
  CHECK(u4.range_out_of_range == 0);
  CHECK(u4.t_out_of_range > 1000);
  CHECK(u4.range_coverage > 0.915);
  CHECK(u4.range_coverage > u4.t_coverage);
}
