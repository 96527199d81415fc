// The one quantile, parallel loop and CPU-feature check of core/detail/ that stats/, metrics/ (and,
// after the lead's switch, fit/ and analysis/) share.
#include <doctest/doctest.h>

#include <emergent/core/detail/cpu_features.hpp>
#include <emergent/core/detail/parallel.hpp>
#include <emergent/core/detail/quantile.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace detail = emergent::detail;

TEST_CASE("quantile: type 7 against R / NumPy values") {
  // R: quantile(c(1, 2, 3, 4), c(0, 0.1, 0.3, 0.5, 0.75, 1)) (type 7 is R's default)
  const std::vector<double> x{1.0, 2.0, 3.0, 4.0};
  CHECK(detail::quantile_sorted(x.data(), x.size(), 0.0) == 1.0);
  CHECK(detail::quantile_sorted(x.data(), x.size(), 0.1) == doctest::Approx(1.3).epsilon(1e-15));
  CHECK(detail::quantile_sorted(x.data(), x.size(), 0.3) == doctest::Approx(1.9).epsilon(1e-15));
  CHECK(detail::quantile_sorted(x.data(), x.size(), 0.5) == 2.5);
  CHECK(detail::quantile_sorted(x.data(), x.size(), 0.75) == 3.25);
  CHECK(detail::quantile_sorted(x.data(), x.size(), 1.0) == 4.0);
  // numpy.quantile([3, 1, 10, 7, 5], 0.9) = 8.8
  std::vector<double> y{3.0, 1.0, 10.0, 7.0, 5.0};
  CHECK(detail::quantile_select(y, 0.9) == doctest::Approx(8.8).epsilon(1e-15));
  // probabilities outside [0, 1] are clamped; no values give NaN; one value is every quantile
  CHECK(detail::quantile_sorted(x.data(), x.size(), -0.5) == 1.0);
  CHECK(detail::quantile_sorted(x.data(), x.size(), 1.5) == 4.0);
  CHECK(std::isnan(detail::quantile_sorted(x.data(), 0, 0.5)));
  std::vector<double> none;
  CHECK(std::isnan(detail::quantile_select(none, 0.5)));
  CHECK(detail::quantile_sorted(x.data() + 2, 1, 0.3) == 3.0);
  // an infinite neighbour gives the nearer order statistic, never inf - inf = NaN
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> z{-inf, 0.0, inf, inf};
  CHECK(detail::quantile_sorted(z.data(), z.size(), 0.1) == -inf);
  CHECK(detail::quantile_sorted(z.data(), z.size(), 0.3) == 0.0);
  CHECK(detail::quantile_sorted(z.data(), z.size(), 0.9) == inf);
}

TEST_CASE("quantile: selection equals sorting, bit for bit") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> v(1 + rng() % 300);
    for (auto& e : v) e = trial % 3 == 0 ? std::round(3.0 * normal(rng)) : normal(rng);  // ties too
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (const double p : {0.0, 0.025, 0.05, 0.5, 0.9, 0.975, 1.0}) {
      std::vector<double> work = v;
      CHECK(detail::quantile_select(work, p) == detail::quantile_sorted(sorted.data(), sorted.size(), p));
    }
  }
}

TEST_CASE("parallel loops: every index exactly once, for any thread count") {
  for (const unsigned threads : {0U, 1U, 2U, 3U, 8U, 64U}) {
    for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
      std::vector<int> hits(count, 0);
      detail::parallel_blocks(count, threads, [&](std::size_t begin, std::size_t end) {
        CHECK(begin <= end);
        for (std::size_t i = begin; i < end; ++i) ++hits[i];
      });
      CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
      std::vector<std::atomic<int>> dynamic_hits(count);
      detail::parallel_for_each_index(count, threads, [&](std::size_t i) { dynamic_hits[i].fetch_add(1); });
      CHECK(std::all_of(dynamic_hits.begin(), dynamic_hits.end(), [](const std::atomic<int>& h) { return h == 1; }));
    }
  }
  CHECK(detail::resolve_threads(0) >= 1);
  CHECK(detail::resolve_threads(3) == 3);
}

TEST_CASE("parallel loops: exceptions reach the caller after every thread stopped") {
  for (const unsigned threads : {1U, 2U, 4U}) {
    // blocks: the first failing block's exception is the one rethrown, whatever the timing
    CHECK_THROWS_WITH_AS(detail::parallel_blocks(100, threads,
                                                 [&](std::size_t begin, std::size_t) {
                                                   throw std::runtime_error("block at " + std::to_string(begin));
                                                 }),
                         "block at 0", std::runtime_error);
    std::atomic<int> ran{0};
    CHECK_THROWS_AS(detail::parallel_for_each_index(1000, threads,
                                                    [&](std::size_t i) {
                                                      ran.fetch_add(1);
                                                      if (i == 3) throw std::invalid_argument("index 3");
                                                    }),
                    std::invalid_argument);
    if (threads == 1) CHECK(ran.load() == 4);  // no further indices were handed out after the failure
  }
}

TEST_CASE("cpu features: each implies the narrower one") {
  if (detail::cpu::has_avx512f()) CHECK(detail::cpu::has_avx2_fma());
  if (detail::cpu::has_avx2_fma()) CHECK(detail::cpu::has_avx2());
  CHECK(detail::cpu::has_avx2() == detail::cpu::has_avx2());  // stable across calls
#ifndef EMERGENT_X86_DISPATCH
  CHECK_FALSE(detail::cpu::has_avx2());
#endif
}
