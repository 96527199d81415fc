// Proportion intervals (issue 13, Boost.Math policy): Clopper–Pearson and Jeffreys over a fixed grid
// of (successes, n) pairs, one interval per pair per iteration, so the figure is the cost of one
// interval (two beta quantiles). Run with the release preset; docs/performance.md has the command and
// the figures before and after `emergent::detail::math_policy` (no long-double promotion).
#include <benchmark/benchmark.h>

#include <emergent/stats/intervals.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace {

/// 64 (k, n) pairs: n from 10 to 100,000, k spread over [0, n] including 0 and n.
const std::vector<std::pair<std::uint64_t, std::uint64_t>>& grid() {
  static const std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs = [] {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> v;
    const std::uint64_t sizes[] = {10, 37, 100, 523, 1000, 4096, 20000, 100000};
    for (const std::uint64_t n : sizes) {
      const std::uint64_t ks[] = {0, 1, n / 50, n / 7, n / 2, n - n / 3, n - 1, n};
      for (const std::uint64_t k : ks) v.emplace_back(k, n);
    }
    return v;
  }();
  return pairs;
}

void clopper_pearson(benchmark::State& state) {
  const auto& pairs = grid();
  for (auto _ : state) {
    for (const auto& [k, n] : pairs) {
      const auto ci = emergent::clopper_pearson_interval(k, n, 0.95);
      benchmark::DoNotOptimize(ci.lower);
      benchmark::DoNotOptimize(ci.upper);
    }
  }
  state.counters["intervals_per_s"] =
      benchmark::Counter(static_cast<double>(pairs.size()), benchmark::Counter::kIsIterationInvariantRate);
}

void jeffreys(benchmark::State& state) {
  const auto& pairs = grid();
  for (auto _ : state) {
    for (const auto& [k, n] : pairs) {
      const auto ci = emergent::jeffreys_interval(k, n, 0.95);
      benchmark::DoNotOptimize(ci.lower);
      benchmark::DoNotOptimize(ci.upper);
    }
  }
  state.counters["intervals_per_s"] =
      benchmark::Counter(static_cast<double>(pairs.size()), benchmark::Counter::kIsIterationInvariantRate);
}

void wilson(benchmark::State& state) {
  const auto& pairs = grid();
  for (auto _ : state) {
    for (const auto& [k, n] : pairs) {
      const auto ci = emergent::wilson_interval(k, n, 0.95);
      benchmark::DoNotOptimize(ci.lower);
      benchmark::DoNotOptimize(ci.upper);
    }
  }
  state.counters["intervals_per_s"] =
      benchmark::Counter(static_cast<double>(pairs.size()), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(clopper_pearson)->Unit(benchmark::kMicrosecond);
BENCHMARK(jeffreys)->Unit(benchmark::kMicrosecond);
BENCHMARK(wilson)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
