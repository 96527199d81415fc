// One-break exact segmented fits and Davies tests per second on 25 points, one thread. The same
// data are timed in R (segmented with default settings, davies.test) by benchmarks/segmented_r.R;
// scripts/bench-segmented.sh runs both and prints the ratios (docs/performance.md).
#include <benchmark/benchmark.h>

#include <emergent/analysis/break_tests.hpp>
#include <emergent/analysis/segmented.hpp>

#include <cmath>
#include <vector>

namespace {

// Deterministic data shared with segmented_r.R: a break at 14.3 plus a deterministic wiggle.
void make_data(std::vector<double>& x, std::vector<double>& y) {
  x.clear();
  y.clear();
  for (int i = 1; i <= 25; ++i) {
    const double t = i;
    x.push_back(t);
    y.push_back(2 + 0.5 * t + 1.5 * std::max(t - 14.3, 0.0) + 0.8 * std::sin(3.7 * t));
  }
}

void BM_segmented_one_break(benchmark::State& state) {
  std::vector<double> x, y;
  make_data(x, y);
  for (auto _ : state) {
    auto f = emergent::fit_segmented(x, y);
    benchmark::DoNotOptimize(f.rss);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_segmented_one_break);

void BM_davies_test(benchmark::State& state) {
  std::vector<double> x, y;
  make_data(x, y);
  for (auto _ : state) {
    auto d = emergent::davies_test(x, y);
    benchmark::DoNotOptimize(d.p_value);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_davies_test);

void BM_pscore_test(benchmark::State& state) {
  std::vector<double> x, y;
  make_data(x, y);
  for (auto _ : state) {
    auto d = emergent::pscore_test(x, y);
    benchmark::DoNotOptimize(d.p_value);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_pscore_test);

}  // namespace

BENCHMARK_MAIN();
