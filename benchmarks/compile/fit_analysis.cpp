// Compile-cost probe for scripts/bench-compile.sh: a typical analysis program — fit a logistic, a
// segmented line and run the mirage analysis — through the fit and analysis umbrella headers.
#include <emergent/analysis.hpp>
#include <emergent/fit.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  std::vector<double> x, y;
  for (int i = 0; i < 12; ++i) {
    x.push_back(19.0 + 0.4 * i);
    y.push_back(0.05 + 0.8 / (1 + std::exp(-3.0 * (x.back() - 21.5))) + 0.01 * ((i * 7) % 5 - 2));
  }
  const emergent::fit_result logistic = emergent::fit<emergent::models::logistic>(x, y);
  const emergent::segmented_fit seg = emergent::fit_segmented(x, y);
  std::vector<std::vector<double>> hard(x.size()), soft(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (int j = 0; j < 50; ++j) {
      const double p = std::min(1.0, std::max(0.0, y[i] + 0.002 * (j % 7)));
      soft[i].push_back(p);
      hard[i].push_back(j < 50 * p * p * p ? 1.0 : 0.0);
    }
  }
  emergent::mirage_options options;
  options.resampling.replicates = 20;
  const emergent::mirage_result m = emergent::mirage_analysis(x, hard, soft, options);
  std::printf("x0 %.3f, break %.3f, verdict %s\n", logistic.param("x0"), seg.breakpoints.at(0).estimate,
              std::string(emergent::to_string(m.verdict)).c_str());
}
