// Aggregate metric kernels over 10 million examples, each next to a read-bandwidth probe: a plain
// sum, as 64-bit integers, over exactly the bytes the kernel reads (the same buffers). Report each
// kernel as its bytes/second divided by the probe's (docs/performance.md).
//
//   cmake --preset release && cmake --build build/release -j2 --target bench_metric_kernels
//   build/release/benchmarks/bench_metric_kernels --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <emergent/emergent.hpp>
#include <emergent/metrics/eigen.hpp>
#include <emergent/testing.hpp>

#if __has_include(<emergent/metrics/exact_match.hpp>)
#include <emergent/metrics/exact_match.hpp>
#define EMERGENT_BENCH_EXACT_MATCH 1
#endif

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t examples = 10'000'000;
constexpr std::size_t tokens = 16;

// splitmix64: fast, seeded, good enough for benchmark data
struct rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }  // (0, 1)
};

struct dataset {
  std::string name;
  std::vector<double> p;              // probabilities / log-probabilities
  std::vector<std::uint8_t> o;        // outcomes / labels
  std::vector<std::uint32_t> a, b;    // token ids (exact match)
  std::vector<std::pair<const void*, std::size_t>> regions() const {
    std::vector<std::pair<const void*, std::size_t>> r;
    if (!p.empty()) r.emplace_back(p.data(), p.size() * sizeof(double));
    if (!o.empty()) r.emplace_back(o.data(), o.size());
    if (!a.empty()) r.emplace_back(a.data(), a.size() * sizeof(std::uint32_t));
    if (!b.empty()) r.emplace_back(b.data(), b.size() * sizeof(std::uint32_t));
    return r;
  }
  std::size_t bytes() const {
    std::size_t n = 0;
    for (const auto& [ptr, size] : regions()) n += size;
    return n;
  }
};

// One data set alive at a time (the largest is 1.3 GB); benchmarks of one data set run consecutively.
const dataset& data(const std::string& name) {
  static std::unique_ptr<dataset> current;
  if (current && current->name == name) return *current;
  current.reset();
  auto d = std::make_unique<dataset>();
  d->name = name;
  rng r{20231126};
  if (name == "binary") {
    d->p.resize(examples);
    d->o.resize(examples);
    for (std::size_t i = 0; i < examples; ++i) {
      d->p[i] = r.uniform();
      d->o[i] = r.uniform() < d->p[i] ? 1 : 0;
    }
  } else if (name == "four_class" || name == "four_class_log") {
    d->p.resize(examples * 4);
    d->o.resize(examples);
    for (std::size_t i = 0; i < examples; ++i) {
      double s = 0.0;
      for (int j = 0; j < 4; ++j) s += (d->p[i * 4 + j] = r.uniform());
      for (int j = 0; j < 4; ++j) d->p[i * 4 + j] /= s;
      d->o[i] = static_cast<std::uint8_t>(r.next() % 4);
    }
    if (name == "four_class_log") {
      for (auto& v : d->p) v = std::log(v);
    }
  } else if (name == "sequences") {
    d->p.resize(examples * tokens);
    for (auto& v : d->p) v = -0.05 * r.uniform();
  } else if (name == "token_ids") {
    d->a.resize(examples * tokens);
    d->b.resize(examples * tokens);
    for (std::size_t i = 0; i < examples; ++i) {
      const bool equal = r.uniform() < 0.5;
      for (std::size_t t = 0; t < tokens; ++t) {
        const auto id = static_cast<std::uint32_t>(r.next() % 50000);
        d->a[i * tokens + t] = id;
        d->b[i * tokens + t] = equal || t != 7 ? id : id + 1;
      }
    }
  }
  current = std::move(d);
  return *current;
}

// The read-bandwidth probe: a plain sum of the data set's bytes as 64-bit words.
void probe(benchmark::State& state, const std::string& name) {
  const dataset& d = data(name);
  const auto regions = d.regions();
  for (auto _ : state) {
    std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (const auto& [ptr, size] : regions) {
      const auto* w = static_cast<const std::uint64_t*>(ptr);
      const std::size_t n = size / 8;
      std::size_t i = 0;
      for (; i + 4 <= n; i += 4) {
        s0 += w[i];
        s1 += w[i + 1];
        s2 += w[i + 2];
        s3 += w[i + 3];
      }
      for (; i < n; ++i) s0 += w[i];
    }
    std::uint64_t s = s0 + s1 + s2 + s3;
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(d.bytes()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(examples));
}

template <class F>
void kernel(benchmark::State& state, const std::string& name, F&& f) {
  const dataset& d = data(name);
  for (auto _ : state) {
    double v = f(d);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(d.bytes()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(examples));
}

void brier_binary_probe(benchmark::State& s) { probe(s, "binary"); }
void brier_binary(benchmark::State& s) {
  kernel(s, "binary", [](const dataset& d) { return emergent::mean_brier_score(d.p, d.o); });
}
void log_loss_binary(benchmark::State& s) {
  kernel(s, "binary", [](const dataset& d) { return emergent::mean_log_loss(d.p, d.o); });
}
void brier_4class_probe(benchmark::State& s) { probe(s, "four_class"); }
void brier_4class(benchmark::State& s) {
  kernel(s, "four_class", [](const dataset& d) { return emergent::mean_brier_score(d.p, d.o, 4); });
}
void log_loss_4class_probe(benchmark::State& s) { probe(s, "four_class_log"); }
void log_loss_4class_from_log_probs(benchmark::State& s) {
  kernel(s, "four_class_log",
         [](const dataset& d) { return emergent::mean_cross_entropy_from_log_probabilities(d.p, d.o, 4); });
}
void sequence_probability_probe(benchmark::State& s) { probe(s, "sequences"); }
void sequence_probability_16(benchmark::State& s) {
  kernel(s, "sequences", [](const dataset& d) { return emergent::mean_sequence_probability(d.p, tokens); });
}
#ifdef EMERGENT_BENCH_EXACT_MATCH
void exact_match_probe(benchmark::State& s) { probe(s, "token_ids"); }
void exact_match_16(benchmark::State& s) {
  kernel(s, "token_ids", [](const dataset& d) {
    return emergent::exact_match_rate(std::span<const std::uint32_t>(d.a), std::span<const std::uint32_t>(d.b), tokens);
  });
}
#endif

}  // namespace

BENCHMARK(brier_binary_probe)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(brier_binary)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(log_loss_binary)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(brier_4class_probe)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(brier_4class)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(log_loss_4class_probe)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(log_loss_4class_from_log_probs)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(sequence_probability_probe)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(sequence_probability_16)->Unit(benchmark::kMillisecond)->UseRealTime();
#ifdef EMERGENT_BENCH_EXACT_MATCH
BENCHMARK(exact_match_probe)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(exact_match_16)->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

BENCHMARK_MAIN();
