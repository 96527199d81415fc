#include <doctest/doctest.h>

#include <emergent/stats.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace {

// Distance in units in the last place between two finite doubles of the same sign.
std::int64_t ulps(double a, double b) {
  if (a == b) return 0;
  std::int64_t ia = 0;
  std::int64_t ib = 0;
  std::memcpy(&ia, &a, sizeof a);
  std::memcpy(&ib, &b, sizeof b);
  return ia > ib ? ia - ib : ib - ia;
}

// Splits [0, n) into random shards, accumulates each, and merges them in a random order.
template <class Acc, class Add>
Acc merged_in_random_shards(std::size_t n, std::mt19937_64& rng, Add add) {
  std::uniform_int_distribution<std::size_t> cuts_dist(1, 12);
  std::vector<std::size_t> cuts{0, n};
  const std::size_t extra = cuts_dist(rng);
  std::uniform_int_distribution<std::size_t> pos(0, n);
  for (std::size_t i = 0; i < extra; ++i) cuts.push_back(pos(rng));
  std::sort(cuts.begin(), cuts.end());
  std::vector<Acc> shards;
  for (std::size_t s = 0; s + 1 < cuts.size(); ++s) {
    Acc a;
    for (std::size_t i = cuts[s]; i < cuts[s + 1]; ++i) add(a, i);
    shards.push_back(a);
  }
  std::shuffle(shards.begin(), shards.end(), rng);
  Acc total;
  for (const auto& s : shards) total += s;
  return total;
}

}  // namespace

TEST_CASE("mean_accumulator matches a two-pass computation") {
  const std::vector<double> x{2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0};
  emergent::mean_accumulator acc;
  for (double v : x) acc(v);
  CHECK(acc.count() == 8);
  CHECK(acc.mean() == 5.0);
  CHECK(acc.population_variance() == doctest::Approx(4.0).epsilon(1e-15));
  CHECK(acc.variance() == doctest::Approx(32.0 / 7.0).epsilon(1e-15));
  CHECK(acc.standard_error() == doctest::Approx(std::sqrt(32.0 / 7.0 / 8.0)).epsilon(1e-15));
}

TEST_CASE("mean_accumulator: random shards merged in any order equal one pass") {
  std::mt19937_64 rng(20261126);
  std::lognormal_distribution<double> dist(3.0, 2.0);  // skewed, large offset: a hard case
  for (int trial = 0; trial < 50; ++trial) {
    const std::size_t n = 1 + rng() % 5000;
    std::vector<double> x(n);
    for (auto& v : x) v = dist(rng) + 1e6;
    emergent::mean_accumulator one;
    for (double v : x) one(v);
    const auto merged =
        merged_in_random_shards<emergent::mean_accumulator>(n, rng, [&](auto& a, std::size_t i) { a(x[i]); });
    CHECK(merged.count() == one.count());
    CHECK(ulps(merged.mean(), one.mean()) <= 4);
    if (n >= 2) CHECK(merged.variance() == doctest::Approx(one.variance()).epsilon(1e-11));
  }
}

TEST_CASE("mean_accumulator: bad input and empty groups are input_error") {
  emergent::mean_accumulator empty;
  CHECK_THROWS_WITH_AS((void)empty.mean(), "mean_accumulator::mean: empty group (no observations were added)",
                       emergent::input_error);
  emergent::mean_accumulator one;
  one(1.0);
  CHECK_THROWS_AS((void)one.variance(), emergent::input_error);
  one(std::nan(""));
  CHECK_THROWS_WITH_AS((void)one.mean(), "mean_accumulator::mean: 1 of the values added were NaN or infinite",
                       emergent::input_error);
  emergent::mean_accumulator other;
  other(2.0);
  other += one;  // the NaN travels with the merge
  CHECK(other.non_finite_count() == 1);
  CHECK_THROWS_AS((void)other.mean(), emergent::input_error);
  static_assert(noexcept(std::declval<emergent::mean_accumulator&>()(1.0)));
  static_assert(noexcept(std::declval<emergent::mean_accumulator&>() += emergent::mean_accumulator{}));
}

TEST_CASE("weighted_mean_accumulator: formula, merge, Kish effective count") {
  emergent::weighted_mean_accumulator acc;
  acc(1.0, 1.0);
  acc(3.0, 3.0);
  acc(10.0, 0.0);
  CHECK(acc.count() == 3);
  CHECK(acc.mean() == doctest::Approx(2.5));
  // S/W = (1*(1-2.5)^2 + 3*(3-2.5)^2) / 4 = (2.25 + 0.75)/4
  CHECK(acc.variance() == doctest::Approx(0.75));
  CHECK(acc.effective_count() == doctest::Approx(16.0 / 10.0));

  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 30; ++trial) {
    const std::size_t n = 2 + rng() % 3000;
    std::vector<double> x(n);
    std::vector<double> w(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = 100.0 * u(rng);
      w[i] = u(rng) < 0.1 ? 0.0 : u(rng);
    }
    w[0] = 0.5;
    emergent::weighted_mean_accumulator one;
    for (std::size_t i = 0; i < n; ++i) one(x[i], w[i]);
    const auto merged = merged_in_random_shards<emergent::weighted_mean_accumulator>(
        n, rng, [&](auto& a, std::size_t i) { a(x[i], w[i]); });
    CHECK(merged.mean() == doctest::Approx(one.mean()).epsilon(1e-14));
    CHECK(merged.variance() == doctest::Approx(one.variance()).epsilon(1e-11));
    CHECK(merged.count() == one.count());
  }
}

TEST_CASE("weighted_mean_accumulator: negative and all-zero weights are input_error") {
  emergent::weighted_mean_accumulator zero;
  zero(1.0, 0.0);
  zero(2.0, 0.0);
  CHECK_THROWS_WITH_AS((void)zero.mean(), "weighted_mean_accumulator::mean: all weights are zero",
                       emergent::input_error);
  emergent::weighted_mean_accumulator negative;
  negative(1.0, 1.0);
  negative(2.0, -0.5);
  CHECK_THROWS_WITH_AS((void)negative.mean(),
                       "weighted_mean_accumulator::mean: 1 of the weights added were negative, NaN or infinite",
                       emergent::input_error);
  emergent::weighted_mean_accumulator empty;
  CHECK_THROWS_AS((void)empty.mean(), emergent::input_error);
}

TEST_CASE("binary_accumulator and the metric-family accumulators") {
  emergent::binary_accumulator b;
  for (int i = 0; i < 10; ++i) b(i % 3 == 0);
  CHECK(b.successes() == 4);
  CHECK(b.count() == 10);
  CHECK(b.proportion() == doctest::Approx(0.4));
  b.add(6, 10);
  CHECK(b.proportion() == doctest::Approx(0.5));
  CHECK_THROWS_WITH_AS(b.add(3, 2), "binary_accumulator::add: successes (3) exceed trials (2)",
                       emergent::input_error);
  emergent::binary_accumulator empty;
  CHECK_THROWS_AS((void)empty.proportion(), emergent::input_error);

  std::mt19937_64 rng(11);
  std::vector<bool> y(2000);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = (rng() & 3U) == 0;
  emergent::exact_match_accumulator one;
  for (bool v : y) one(v);
  const auto merged = merged_in_random_shards<emergent::exact_match_accumulator>(
      y.size(), rng, [&](auto& a, std::size_t i) { a(static_cast<bool>(y[i])); });
  CHECK(merged == one);  // integer counts: exactly equal
  CHECK(merged.value() == one.proportion());

  emergent::brier_accumulator brier;
  emergent::log_loss_accumulator log_loss;
  emergent::edit_distance_accumulator edit;
  for (double s : {0.25, 0.5, 0.0}) {
    brier(s);
    log_loss(2.0 * s);
    edit(4.0 * s);
  }
  CHECK(brier.value() == doctest::Approx(0.25));
  CHECK(log_loss.value() == doctest::Approx(0.5));
  CHECK(edit.value() == doctest::Approx(1.0));
  emergent::log_loss_accumulator infinite;
  infinite(INFINITY);
  CHECK_THROWS_AS((void)infinite.value(), emergent::input_error);
  emergent::brier_accumulator b2 = brier;
  b2 += brier;
  CHECK(b2.count() == 6);
  CHECK(b2.value() == doctest::Approx(0.25));

  emergent::count_accumulator c;
  c(1.0);
  c("x", 2);
  emergent::count_accumulator c2;
  c2();
  c += c2;
  CHECK(c.count() == 3);
}
