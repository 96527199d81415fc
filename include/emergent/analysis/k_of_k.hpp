/// @file
/// @brief The k-of-k argument: from the soft curve of per-token accuracy (or per-token probability)
///        and the distribution of answer lengths L, predict the exact-match curve E[p^L] and check
///        it against the observed exact-match curve with bootstrap intervals.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "emergent/analysis/detail/small_lsq.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/resampling.hpp"
#include "emergent/core/interval.hpp"
#include "emergent/stats/hierarchical.hpp"

namespace emergent {

/// Predicted exact match of each model under the conjunction (k-of-k) model: every one of the L
/// tokens of an answer must be right, independently, with the model's per-token accuracy p, so
/// E[exact match] = E_L[p^L] = (1/m) sum_j p^{L_j} over the m answer lengths given (Schaeffer et al.
/// 2023, "Are emergent abilities of large language models a mirage?", section 2).
/// Throws input_error when a p is outside [0, 1] or not finite, or a length is not a positive finite
/// number, or there are no lengths.
[[nodiscard]] inline std::vector<double> k_of_k_predict(std::span<const double> per_token,
                                                        std::span<const double> lengths) {
  constexpr const char* fn = "k_of_k_predict";
  if (lengths.empty()) throw input_error(std::string(fn) + ": lengths: empty");
  for (std::size_t j = 0; j < lengths.size(); ++j) {
    if (!(lengths[j] > 0) || !std::isfinite(lengths[j])) {
      throw input_error(detail::describe_at(fn, "lengths", j, std::to_string(lengths[j]) + " is not a positive length"));
    }
  }
  std::vector<double> out(per_token.size());
  for (std::size_t i = 0; i < per_token.size(); ++i) {
    const double p = per_token[i];
    if (!(p >= 0.0 && p <= 1.0)) {
      throw input_error(detail::describe_at(fn, "per_token", i, std::to_string(p) + " is outside [0, 1]"));
    }
    double s = 0;
    for (double l : lengths) s += std::pow(p, l);
    out[i] = s / static_cast<double>(lengths.size());
  }
  return out;
}

/// Options of `k_of_k_check`.
struct k_of_k_options {
  resampling_options resampling{500};  ///< hierarchical bootstrap replicates and seed
  double level = 0.95;           ///< level of the intervals
  /// Equivalence margin: a model agrees when its difference interval reaches [-tolerance, tolerance].
  /// Needed because a percentile interval collapses to a point when a model has no exact matches.
  double tolerance = 0.01;
};

/// One model of a k-of-k check.
struct k_of_k_point {
  double x = 0;                ///< the model's x (log compute)
  double per_token = 0;        ///< observed mean per-token accuracy (or probability)
  double observed = 0;         ///< observed exact match
  double predicted = 0;        ///< E_L[p^L]
  confidence_interval predicted_interval;   ///< bootstrap percentile interval of the prediction
  confidence_interval difference_interval;  ///< bootstrap interval of observed - predicted (same resampled items)
  bool agrees = false;         ///< the difference interval reaches [-tolerance, tolerance]
};

/// The result of a k-of-k check.
struct k_of_k_result {
  std::vector<k_of_k_point> points;  ///< one per model, in input order
  double rms_difference = 0;         ///< sqrt(mean over models of (observed - predicted)^2)
  confidence_interval rms_interval;  ///< bootstrap percentile interval of the RMS difference
  double fraction_agreeing = 0;      ///< share of models that agree (see k_of_k_point::agrees)
  /// True when every model agrees: within the resampling uncertainty, the conjunction of
  /// independent per-token successes reproduces the observed exact-match curve, jump included.
  bool explains_curve = false;
};

/// Checks the k-of-k prediction on per-example scores: per_token[i][j] is the per-token accuracy
/// (or probability) of example j of model i and exact[i][j] its exact-match score, x[i] the model's
/// x; lengths is the sample of answer lengths. The predicted curve E_L[p_i^L] (k_of_k_predict) is
/// compared with the observed exact-match means; intervals come from the paired hierarchical
/// bootstrap (examples resampled within each model, the same items for both metrics), percentile.
/// Throws input_error for mismatched sizes or invalid scores (see paired_hierarchical_resampler).
[[nodiscard]] inline k_of_k_result k_of_k_check(std::span<const double> x, std::vector<std::vector<double>> per_token,
                                                std::vector<std::vector<double>> exact, std::span<const double> lengths,
                                                const k_of_k_options& options = {}) {
  constexpr const char* fn = "k_of_k_check";
  if (x.size() != per_token.size()) {
    throw input_error(std::string(fn) + ": x has " + std::to_string(x.size()) + " models but per_token has " +
                      std::to_string(per_token.size()));
  }
  if (!(options.tolerance >= 0)) throw input_error(std::string(fn) + ": tolerance: must be >= 0");
  if (options.resampling.replicates < 2) throw input_error(std::string(fn) + ": resampling.replicates: must be at least 2");
  if (!(options.level > 0 && options.level < 1)) throw input_error(std::string(fn) + ": level: must be in (0, 1)");
  const paired_hierarchical_resampler res(std::move(per_token), std::move(exact), options.resampling.seed);
  const std::size_t m = res.models();
  const std::vector<double>& p = res.observed_means_a();
  const std::vector<double>& e = res.observed_means_b();
  const std::vector<double> pred = k_of_k_predict(p, lengths);
  std::vector<std::vector<double>> pred_rep(m), diff_rep(m);
  std::vector<double> rms_rep;
  std::vector<double> a(m), b(m);
  for (std::size_t r = 0; r < options.resampling.replicates; ++r) {
    res.resample_means(r, a, b);
    for (double& v : a) v = std::clamp(v, 0.0, 1.0);
    const std::vector<double> pr = k_of_k_predict(a, lengths);
    double ss = 0;
    for (std::size_t i = 0; i < m; ++i) {
      pred_rep[i].push_back(pr[i]);
      diff_rep[i].push_back(b[i] - pr[i]);
      ss += (b[i] - pr[i]) * (b[i] - pr[i]);
    }
    rms_rep.push_back(std::sqrt(ss / static_cast<double>(m)));
  }
  const double lo = 0.5 * (1 - options.level), hi = 1 - lo;
  const auto quant = [&](std::vector<double>& v, double q) {
    std::sort(v.begin(), v.end());
    return detail::sorted_quantile(v.data(), v.size(), q);
  };
  k_of_k_result out;
  double ss = 0;
  std::size_t agree = 0;
  for (std::size_t i = 0; i < m; ++i) {
    k_of_k_point pt;
    pt.x = x[i];
    pt.per_token = p[i];
    pt.observed = e[i];
    pt.predicted = pred[i];
    pt.predicted_interval = {quant(pred_rep[i], lo), quant(pred_rep[i], hi), options.level};
    pt.difference_interval = {quant(diff_rep[i], lo), quant(diff_rep[i], hi), options.level};
    pt.agrees = pt.difference_interval.lower <= options.tolerance && -options.tolerance <= pt.difference_interval.upper;
    agree += pt.agrees ? 1 : 0;
    ss += (e[i] - pred[i]) * (e[i] - pred[i]);
    out.points.push_back(pt);
  }
  out.rms_difference = std::sqrt(ss / static_cast<double>(m));
  out.rms_interval = {quant(rms_rep, lo), quant(rms_rep, hi), options.level};
  out.fraction_agreeing = static_cast<double>(agree) / static_cast<double>(m);
  out.explains_curve = agree == m;
  return out;
}

}  // namespace emergent
