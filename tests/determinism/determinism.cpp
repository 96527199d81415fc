// Same seed, same numbers, whatever the standard library: this program prints every seeded result of
// emergent (bootstrap intervals of the stats layer, fit bootstraps and the bootstrap LRT of the fit
// layer, the analysis layer's break-location bootstrap, break-vs-smooth test and mirage probabilities)
// as hexadecimal floats. tests/determinism/compare.cmake builds it with g++/libstdc++ and with
// clang++/libc++ and requires the two outputs to be identical byte for byte.
#include <emergent/analysis.hpp>
#include <emergent/fit.hpp>
#include <emergent/stats.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

void print(const char* what, double v) { std::printf("%s %a\n", what, v); }
void print(const char* what, const emergent::confidence_interval& ci) {
  std::printf("%s [%a, %a]\n", what, ci.lower, ci.upper);
}

}  // namespace

int main() {
  using namespace emergent;
  // A deterministic curve with a jump, and per-example scores with no randomness of their own.
  std::vector<double> x, y;
  for (int i = 0; i < 10; ++i) {
    x.push_back(19.0 + 0.5 * i);
    y.push_back(0.05 + 0.8 / (1 + std::exp(-2.5 * (x.back() - 21.3))) + 0.02 * std::sin(3.0 * i));
  }
  std::vector<double> scores;
  for (int j = 0; j < 200; ++j) scores.push_back(static_cast<double>((j * 37) % 11) / 10.0);

  bootstrap_options bo;
  bo.resampling.replicates = 500;
  bo.resampling.seed = 42;
  print("bootstrap_mean percentile", bootstrap_mean(scores, bootstrap_method::percentile, bo).interval);
  print("bootstrap_mean bca", bootstrap_mean(scores, bootstrap_method::bca, bo).interval);
  print("bootstrap_proportion", bootstrap_proportion(37, 200, bootstrap_method::percentile, bo).interval);

  fit_bootstrap_options fb;
  fb.resampling.replicates = 60;
  fb.resampling.seed = 7;
  for (auto kind : {fit_bootstrap_kind::residual, fit_bootstrap_kind::wild, fit_bootstrap_kind::pairs}) {
    fb.kind = kind;
    const auto b = bootstrap_fit(x, y, fit_model::logistic, {}, fb);
    for (Eigen::Index j = 0; j < b.lower.size(); ++j) std::printf("bootstrap_fit %d p%ld [%a, %a]\n", static_cast<int>(kind), static_cast<long>(j), b.lower(j), b.upper(j));
  }
  const auto lrt = bootstrap_lrt(x, y, {fit_model::linear, 1}, {fit_model::logistic, 1}, {40, 3});
  print("bootstrap_lrt p", lrt.p_value);

  location_bootstrap_options lb;
  lb.resampling.replicates = 60;
  lb.resampling.seed = 5;
  const auto loc = breakpoint_bootstrap(x, y, {}, lb);
  std::printf("breakpoint_bootstrap [%a, %a]\n", loc.interval.lower, loc.interval.upper);
  break_vs_smooth_options bs;
  bs.resampling.replicates = 40;
  bs.resampling.seed = 9;
  print("break_vs_smooth p", break_vs_smooth_test(x, y, bs).p_value);

  std::vector<std::vector<double>> hard(x.size()), soft(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (int j = 0; j < 40; ++j) {
      const double p = std::min(1.0, std::max(0.0, y[i] + 0.01 * (j % 5 - 2)));
      soft[i].push_back(p);
      hard[i].push_back((j * 13) % 40 < 40 * p * p * p ? 1.0 : 0.0);
    }
  }
  mirage_options mo;
  mo.resampling.replicates = 20;
  mo.resampling.seed = 11;
  const auto m = mirage_analysis(x, hard, soft, mo);
  std::printf("mirage %s\n", std::string(to_string(m.verdict)).c_str());
  for (std::size_t v = 0; v < m.probability.size(); ++v) std::printf("mirage P(%zu) %a\n", v, m.probability[v]);
}
