/// @file
/// @brief Extrapolation backtest: fit on all but the k largest-x points, predict those, and report
///        how far off the prediction was (RMSE, MAE, and RMSLE as Caballero et al. 2022 report it).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/fit/fit_curve.hpp"
#include "emergent/fit/fit_result.hpp"

namespace emergent {

/// Outcome of `extrapolation_backtest`.
struct backtest_result {
  fit_result fit;                   ///< the fit on the training points (all but the k largest x)
  std::vector<double> x_test;       ///< held-out x, increasing
  std::vector<double> y_test;       ///< held-out y
  std::vector<double> predicted;    ///< model prediction at each held-out x
  double rmse = 0;                  ///< √(mean (ŷ − y)²) over the held-out points
  double mae = 0;                   ///< mean |ŷ − y| over the held-out points
  std::optional<double> rmsle;      ///< √(mean (ln ŷ − ln y)²) (BNSL's "RMSLE"); empty when some ŷ or y ≤ 0
};

/// Fits `model` to all points but the `holdout` largest-x ones and scores the prediction of those:
/// how predictable the curve was from its smaller scales (Caballero et al. 2022, §3, "extrapolation").
/// Throws `input_error` when holdout is 0 or leaves fewer training points than parameters.
template <class Deferred = void>  // a template only so that the fitter is compiled where it is called
[[nodiscard]] backtest_result extrapolation_backtest(std::span<const double> x, std::span<const double> y,
                                                            fit_model model, std::size_t holdout,
                                                            const fit_options& options = {},
                                                            std::span<const double> weights = {}) {
  if (x.size() != y.size()) {
    throw input_error("extrapolation_backtest: y: has " + std::to_string(y.size()) + " values but x has " +
                      std::to_string(x.size()));
  }
  if (!weights.empty() && weights.size() != x.size()) {
    throw input_error("extrapolation_backtest: weights: has " + std::to_string(weights.size()) + " values but x has " +
                      std::to_string(x.size()));
  }
  const auto p = static_cast<std::size_t>(parameter_count(model, options.breaks));
  if (holdout == 0 || holdout + p > x.size()) {
    throw input_error("extrapolation_backtest: holdout: " + std::to_string(holdout) + " leaves " +
                      std::to_string(x.size() - std::min(holdout, x.size())) + " training points for " +
                      std::to_string(p) + " parameters");
  }
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  const std::size_t train = x.size() - holdout;
  std::vector<double> xt, yt, wt;
  for (std::size_t k = 0; k < train; ++k) {
    xt.push_back(x[order[k]]);
    yt.push_back(y[order[k]]);
    if (!weights.empty()) wt.push_back(weights[order[k]]);
  }
  backtest_result out{fit_xy(xt, yt, model, options, wt), {}, {}, {}, 0, 0, std::nullopt};
  double se = 0, ae = 0, sle = 0;
  bool logs = true;
  for (std::size_t k = train; k < x.size(); ++k) {
    const double xi = x[order[k]], yi = y[order[k]], f = out.fit.predict(xi);
    out.x_test.push_back(xi);
    out.y_test.push_back(yi);
    out.predicted.push_back(f);
    se += (f - yi) * (f - yi);
    ae += std::abs(f - yi);
    if (f > 0 && yi > 0) sle += std::pow(std::log(f) - std::log(yi), 2);
    else logs = false;
  }
  const double h = static_cast<double>(holdout);
  out.rmse = std::sqrt(se / h);
  out.mae = ae / h;
  if (logs) out.rmsle = std::sqrt(sle / h);
  return out;
}

}  // namespace emergent
