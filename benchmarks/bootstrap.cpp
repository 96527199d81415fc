// Bootstrap of the mean of 100,000 binary outcomes, 10,000 resamples (issue 4):
//  - index resampling with emergent (xoshiro256** + Lemire bounded integers), 1 and 2 threads;
//  - the same with a plain std::mt19937_64 + std::uniform_int_distribution loop (the baseline);
//  - count resampling with emergent (one Binomial(n, k/n) draw per replicate, BTPE), 1 and 2 threads,
//    both the draws alone (what NumPy's rng.binomial(n, p_hat, size=10000) does, see
//    benchmarks/bootstrap_numpy.py) and the full bootstrap_proportion (draws + sorted percentile interval).
// Run through scripts/bench-bootstrap.sh, which prints the ratios.
#include <benchmark/benchmark.h>

#include <emergent/stats.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace {

constexpr std::size_t n_outcomes = 100000;
constexpr std::size_t n_resamples = 10000;
constexpr std::size_t n_successes = 31416;  // p_hat = 0.31416

const std::vector<double>& outcomes() {
  static const std::vector<double> x = [] {
    std::vector<double> v(n_outcomes, 0.0);
    std::fill(v.begin(), v.begin() + n_successes, 1.0);
    std::mt19937_64 rng(1);
    std::shuffle(v.begin(), v.end(), rng);
    return v;
  }();
  return x;
}

void index_emergent(benchmark::State& state) {
  const auto& x = outcomes();
  emergent::bootstrap_options options;
  options.resampling.replicates = n_resamples;
  options.resampling.seed = 7;
  options.resampling.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    auto result = emergent::bootstrap_mean(x, emergent::bootstrap_method::percentile, options);
    benchmark::DoNotOptimize(result.interval.lower);
  }
  state.counters["draws_per_s"] =
      benchmark::Counter(static_cast<double>(n_outcomes * n_resamples), benchmark::Counter::kIsIterationInvariantRate);
}

void index_mt19937_plain(benchmark::State& state) {
  const auto& x = outcomes();
  for (auto _ : state) {
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::size_t> pick(0, n_outcomes - 1);
    std::vector<double> means(n_resamples);
    for (std::size_t b = 0; b < n_resamples; ++b) {
      double sum = 0.0;
      for (std::size_t i = 0; i < n_outcomes; ++i) sum += x[pick(rng)];
      means[b] = sum / static_cast<double>(n_outcomes);
    }
    benchmark::DoNotOptimize(means.data());
  }
  state.counters["draws_per_s"] =
      benchmark::Counter(static_cast<double>(n_outcomes * n_resamples), benchmark::Counter::kIsIterationInvariantRate);
}

void count_draws_emergent(benchmark::State& state) {
  const double p_hat = static_cast<double>(n_successes) / static_cast<double>(n_outcomes);
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    std::vector<double> means(n_resamples);
    const emergent::detail::binomial_sampler draw(n_outcomes, p_hat);
    emergent::detail::parallel_blocks(n_resamples, threads, [&](std::size_t begin, std::size_t end) {
      for (std::size_t b = begin; b < end; ++b) {
        auto rng = emergent::detail::xoshiro256ss::stream(7, b);
        means[b] = static_cast<double>(draw(rng)) / static_cast<double>(n_outcomes);
      }
    });
    benchmark::DoNotOptimize(means.data());
  }
}

void count_bootstrap_emergent(benchmark::State& state) {
  emergent::bootstrap_options options;
  options.resampling.replicates = n_resamples;
  options.resampling.seed = 7;
  options.resampling.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    auto result = emergent::bootstrap_proportion(n_successes, n_outcomes, emergent::bootstrap_method::percentile, options);
    benchmark::DoNotOptimize(result.interval.lower);
  }
}

}  // namespace

// Each configuration is repeated and reported as mean/median/stddev (the script reads the medians).
// Index resampling: 10^9 draws per run, 3 runs.
BENCHMARK(index_emergent)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(index_mt19937_plain)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(3)->ReportAggregatesOnly(true);
// Count resampling takes well under a millisecond: like the NumPy script, time single runs and take
// the median of 101, so that on a loaded machine preempted runs do not enter the figure.
BENCHMARK(count_draws_emergent)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime()->Iterations(1)->Repetitions(101)->ReportAggregatesOnly(true);
BENCHMARK(count_bootstrap_emergent)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime()->Iterations(1)->Repetitions(101)->ReportAggregatesOnly(true);

BENCHMARK_MAIN();
