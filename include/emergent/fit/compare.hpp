/// @file
/// @brief Model comparison: an AICc table across candidate models (Burnham & Anderson 2002) and a
///        parametric-bootstrap likelihood-ratio test between nested models.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/core/resampling.hpp"
#include "emergent/core/detail/random.hpp"
#include "emergent/fit/fit_curve.hpp"
#include "emergent/fit/fit_result.hpp"
#include "emergent/fit/intervals.hpp"

namespace emergent {

/// A candidate model: the family and, for `bnsl`, the number of breaks.
struct model_spec {
  fit_model model = fit_model::linear;  ///< the model family
  int breaks = 1;                       ///< breaks of `bnsl` (ignored otherwise)
};

/// One row of `compare_models`.
struct model_comparison_row {
  model_spec spec;               ///< the model
  fit_result fit;                ///< its fit
  double delta_aicc = 0;         ///< AICc − min AICc over the table
  double akaike_weight = 0;      ///< exp(−Δ/2)/Σ exp(−Δ/2): relative support (Burnham & Anderson 2002, §2.9)
};

/// Fits every model in `models` to (x, y) and returns the rows sorted by AICc (best first), with
/// ΔAICc and Akaike weights. Models with more parameters than points are skipped; a model whose AICc
/// is infinite (n ≤ p + 2) gets weight 0. Throws `input_error` when no model can be fitted.
template <class Deferred = void>  // a template only so that the fitter is compiled where it is called
[[nodiscard]] std::vector<model_comparison_row> compare_models(std::span<const double> x, std::span<const double> y,
                                                                      std::span<const model_spec> models,
                                                                      const fit_options& options = {},
                                                                      std::span<const double> weights = {}) {
  std::vector<model_comparison_row> rows;
  for (const auto& m : models) {
    if (static_cast<long>(x.size()) < parameter_count(m.model, m.model == fit_model::bnsl ? m.breaks : 1)) continue;
    fit_options o = options;
    o.breaks = m.breaks;
    rows.push_back({m, fit_xy(x, y, m.model, o, weights), 0, 0});
  }
  if (rows.empty()) throw input_error("compare_models: models: no model has as few parameters as there are points");
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.fit.aicc < b.fit.aicc; });
  const double best = rows.front().fit.aicc;
  double total = 0;
  for (auto& r : rows) {
    r.delta_aicc = r.fit.aicc - best;
    r.akaike_weight = std::isfinite(r.delta_aicc) ? std::exp(-0.5 * r.delta_aicc) : 0.0;
    total += r.akaike_weight;
  }
  for (auto& r : rows) r.akaike_weight = total > 0 ? r.akaike_weight / total : 0.0;
  return rows;
}

/// Result of `bootstrap_lrt`.
struct lrt_result {
  double statistic = 0;         ///< n·ln(RSS_null/RSS_alt) on the data
  double p_value = 1;           ///< (1 + #{T* ≥ T})/(1 + B)
  std::size_t replicates = 0;   ///< replicates that could be fitted (B)
  fit_result null_fit;          ///< the null (smaller) model's fit
  fit_result alt_fit;           ///< the alternative (larger) model's fit
};

/// Parametric-bootstrap likelihood-ratio test of `null_model` against the larger `alt_model` (which
/// must nest it, e.g. power_law in bnsl, or linear in power_law: the caller asserts the nesting).
/// T = n·ln(RSS₀/RSS₁); replicates y* = ŷ₀ + ε, ε ~ N(0, s₀²/w_i) with s₀² = RSS₀/(n − p₀), are refitted
/// under both models (McLachlan 1987). The bootstrap avoids the χ² approximation, which fails when the
/// null sits on the boundary or nuisance parameters vanish under it (a logistic's x0 when k → 0).
template <class Deferred = void>  // a template only so that the fitter is compiled where it is called
[[nodiscard]] lrt_result bootstrap_lrt(std::span<const double> x, std::span<const double> y, model_spec null_model,
                                              model_spec alt_model, const resampling_options& resampling = {},
                                              const fit_options& options = {}, std::span<const double> weights = {}) {
  if (resampling.replicates < 1) throw input_error("bootstrap_lrt: resampling.replicates: must be at least 1");
  const int p0 = parameter_count(null_model.model, null_model.breaks);
  const int p1 = parameter_count(alt_model.model, alt_model.breaks);
  if (p1 <= p0) {
    throw input_error("bootstrap_lrt: alt_model: has " + std::to_string(p1) + " parameters, not more than the null's " +
                      std::to_string(p0));
  }
  fit_options o0 = options, o1 = options;
  o0.breaks = null_model.breaks;
  o1.breaks = alt_model.breaks;
  lrt_result out;
  out.null_fit = fit_xy(x, y, null_model.model, o0, weights);
  out.alt_fit = fit_xy(x, y, alt_model.model, o1, weights);
  const double n = static_cast<double>(x.size());
  const auto stat = [n](double r0, double r1) {
    if (r1 <= 0) return std::numeric_limits<double>::infinity();
    return n * std::log(std::max(r0, r1) / r1);
  };
  out.statistic = stat(out.null_fit.rss, out.alt_fit.rss);
  const double s0 = std::sqrt(out.null_fit.rss / static_cast<double>(std::max<long>(1, out.null_fit.dof())));
  std::vector<double> ys(x.size());
  std::size_t exceed = 0;
  for (std::size_t b = 0; b < resampling.replicates; ++b) {
    auto gen = detail::xoshiro256ss::stream(resampling.seed, b);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double sd = weights.empty() || !options.use_weights ? s0 : s0 / std::sqrt(weights[i]);
      ys[i] = out.null_fit.predict(x[i]) + sd * detail::standard_normal(gen);
    }
    const fit_result f0 = fit_xy(x, ys, null_model.model, o0, weights);
    const fit_result f1 = fit_xy(x, ys, alt_model.model, o1, weights);
    if (f0.status == fit_status::failed || f1.status == fit_status::failed) continue;
    ++out.replicates;
    if (stat(f0.rss, f1.rss) >= out.statistic) ++exceed;
  }
  out.p_value = (1.0 + static_cast<double>(exceed)) / (1.0 + static_cast<double>(out.replicates));
  return out;
}

}  // namespace emergent
