// Fits per second on 25-point curves (logistic, power law with offset, one-break BNSL) on one thread,
// and a batch of 10,000 logistic curves on 1 and 2 threads. benchmarks/fit_vs_scipy.py runs this
// program and SciPy's curve_fit on the same data (scripts/bench-fit.sh); the data file is given by
// the environment variable EMERGENT_FIT_BENCH_DATA (lines "model y1 ... y25" on x = 18..24), and
// without it the same kind of curves are simulated here.
#include <benchmark/benchmark.h>

#include <emergent/fit.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<double> xs() {
  std::vector<double> x;
  for (int i = 0; i < 25; ++i) x.push_back(18 + 6.0 * i / 24);
  return x;
}

const std::map<std::string, std::vector<std::vector<double>>>& curves() {
  static const auto data = [] {
    std::map<std::string, std::vector<std::vector<double>>> out;
    if (const char* path = std::getenv("EMERGENT_FIT_BENCH_DATA")) {
      std::ifstream in(path);
      std::string line;
      while (std::getline(in, line)) {
        std::istringstream s(line);
        std::string model;
        s >> model;
        std::vector<double> y;
        double v;
        while (s >> v) y.push_back(v);
        out[model].push_back(std::move(y));
      }
      return out;
    }
    const auto x = xs();
    std::mt19937_64 gen(1);
    std::normal_distribution<double> noise(0, 0.02);
    std::uniform_real_distribution<double> u(0, 1);
    for (int c = 0; c < 10000; ++c) {
      const double k = 1 + 5 * u(gen), x0 = 20 + 2 * u(gen);
      std::vector<double> y;
      for (double xi : x) y.push_back(0.05 + 0.8 / (1 + std::exp(-k * (xi - x0))) + noise(gen));
      out["logistic"].push_back(y);
    }
    for (int c = 0; c < 100; ++c) {
      const double alpha = 0.2 + 0.3 * u(gen);
      std::vector<double> y, yb;
      for (double xi : x) {
        y.push_back(1.7 + 2.0 * std::pow(10.0, -alpha * (xi - 21)) + 0.5 * noise(gen));
        yb.push_back(0.1 + 0.8 * std::pow(10.0, -0.1 * (xi - 21)) * std::pow(1 + std::pow(10.0, (xi - 21) / 0.3), -0.9 * 0.3) +
                     0.25 * noise(gen));
      }
      out["power_law"].push_back(y);
      out["bnsl"].push_back(yb);
    }
    return out;
  }();
  return data;
}

void fit_one(benchmark::State& state, const std::string& name, emergent::fit_model model) {
  const auto x = xs();
  const auto& ys = curves().at(name);
  const std::size_t use = std::min<std::size_t>(ys.size(), 200);
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = emergent::fit_xy(x, ys[i % use], model);
    benchmark::DoNotOptimize(r.rss);
    ++i;
  }
  state.counters["fits_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_fit_logistic(benchmark::State& state) { fit_one(state, "logistic", emergent::fit_model::logistic); }
void BM_fit_power_law(benchmark::State& state) { fit_one(state, "power_law", emergent::fit_model::power_law); }
void BM_fit_bnsl1(benchmark::State& state) { fit_one(state, "bnsl", emergent::fit_model::bnsl); }

void BM_batch_logistic_10000(benchmark::State& state) {
  const auto x = xs();
  const auto& ys = curves().at("logistic");
  std::vector<emergent::scaling_curve> batch(10000);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].x = x;
    batch[i].y = ys[i % ys.size()];
  }
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    auto r = emergent::fit_batch(batch, emergent::fit_model::logistic, {}, threads);
    benchmark::DoNotOptimize(r.data());
  }
  state.counters["fits_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 10000.0, benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_fit_logistic)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_fit_power_law)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_fit_bnsl1)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_batch_logistic_10000)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(5)->ReportAggregatesOnly(true);

BENCHMARK_MAIN();
