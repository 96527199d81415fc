/// @file
/// @brief A bootstrap likelihood-ratio test of a break against the best smooth model (linear,
///        power law, logistic): a smooth power law fools the straight-line tests of Davies and
///        Muggeo, because against a straight line any curvature looks like a break.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "emergent/analysis/detail/small_lsq.hpp"
#include "emergent/analysis/segmented.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/resampling.hpp"
#include "emergent/fit/fit_curve.hpp"

namespace emergent {

/// Options of `break_vs_smooth_test`.
struct break_vs_smooth_options {
  resampling_options resampling{200};  ///< parametric bootstrap replicates and seed
  std::vector<fit_model> smooth = {fit_model::linear, fit_model::power_law, fit_model::logistic};  ///< candidate null models
  segmented_options segmented;    ///< the break model (default: one break, continuous)
};

/// The result of `break_vs_smooth_test`.
struct break_vs_smooth_result {
  fit_model null_model = fit_model::linear;  ///< the smooth model with the smallest AICc
  double null_rss = 0;            ///< its residual sum of squares
  double break_rss = 0;           ///< RSS of the segmented fit
  double statistic = 0;           ///< T = n ln(RSS_null / RSS_break) (negative when the smooth model fits better)
  double p_value = 1;             ///< (1 + #{T* >= T}) / (1 + B)
  std::size_t replicates = 0;     ///< replicates in which both models could be fitted (B)
};

/// Bootstrap likelihood-ratio test of "a break" against "the best smooth model": the null is the
/// smooth model (among options.smooth, fitted by the fit layer, unweighted) with the smallest AICc;
/// the alternative is the exact segmented fit. T = n ln(RSS_0 / RSS_1). Replicates
/// y* = yhat_0 + e*, e* ~ N(0, RSS_0 / (n - p_0)), are refitted under the same null family and the
/// segmented model, and p = (1 + #{T* >= T}) / (1 + B) (parametric bootstrap LR test, McLachlan
/// 1987). The models are not nested, so the reference distribution must come from the bootstrap.
/// Throws input_error as `fit_segmented`, or when no smooth model is given or replicates < 1.
template <class Deferred = void>
[[nodiscard]] break_vs_smooth_result break_vs_smooth_test(std::span<const double> x, std::span<const double> y,
                                                                 const break_vs_smooth_options& options = {}) {
  constexpr const char* fn = "break_vs_smooth_test";
  if (options.smooth.empty()) throw input_error(std::string(fn) + ": smooth: no candidate model");
  if (options.resampling.replicates < 1) throw input_error(std::string(fn) + ": resampling.replicates: must be at least 1");
  const segmented_fit alt = fit_segmented(x, y, options.segmented);
  fit_options fo;
  fo.use_weights = false;
  double best_aicc = std::numeric_limits<double>::infinity();
  fit_result null_fit;
  bool have = false;
  for (fit_model m : options.smooth) {
    try {
      fit_result f = fit_xy(x, y, m, fo);
      if (f.status == fit_status::failed) continue;
      if (!have || f.aicc < best_aicc) {
        best_aicc = f.aicc;
        null_fit = std::move(f);
        have = true;
      }
    } catch (const input_error&) {
      continue;  // too few points for this model
    }
  }
  if (!have) throw numerical_error(std::string(fn) + ": no smooth model could be fitted");
  const std::size_t n = x.size();
  const double nn = static_cast<double>(n);
  break_vs_smooth_result out;
  out.null_model = null_fit.model;
  out.null_rss = null_fit.rss;
  out.break_rss = alt.rss;
  const auto stat = [&](double rss0, double rss1) { return nn * std::log(std::max(rss0, 1e-300) / std::max(rss1, 1e-300)); };
  out.statistic = stat(null_fit.rss, alt.rss);
  const double dof = static_cast<double>(null_fit.dof());
  const double s0 = dof > 0 ? std::sqrt(null_fit.rss / dof) : 0.0;
  std::vector<double> yhat(n), ystar(n);
  for (std::size_t i = 0; i < n; ++i) yhat[i] = null_fit.predict(x[i]);
  std::size_t exceed = 0;
  for (std::size_t r = 0; r < options.resampling.replicates; ++r) {
    detail::analysis_rng rng(options.resampling.seed, r);
    for (std::size_t i = 0; i < n; ++i) ystar[i] = yhat[i] + s0 * rng.normal();
    try {
      const fit_result f0 = fit_xy(x, ystar, null_fit.model, fo);
      if (f0.status == fit_status::failed) continue;
      const segmented_fit f1 = fit_segmented(x, std::span<const double>(ystar), options.segmented);
      ++out.replicates;
      if (stat(f0.rss, f1.rss) >= out.statistic) ++exceed;
    } catch (const std::exception&) {
      continue;
    }
  }
  if (out.replicates == 0) throw numerical_error(std::string(fn) + ": no bootstrap replicate could be fitted");
  out.p_value = (1.0 + static_cast<double>(exceed)) / (1.0 + static_cast<double>(out.replicates));
  return out;
}

}  // namespace emergent
