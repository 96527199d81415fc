/// @file
/// @brief How sharp is the rise? BIG-bench's breakthroughness and linearity (Srivastava et al. 2022,
///        Appendix B; breakthroughness is Schaeffer et al.'s 2023 emergence score), the logistic slope
///        k with its interval, the 10-90% rise width in decades, the steepest slope per decade and
///        the largest jump relative to the points' own uncertainty; with bootstrap intervals.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "emergent/analysis/breakthroughness.hpp"
#include "emergent/analysis/detail/small_lsq.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/interval.hpp"
#include "emergent/core/scaling_curve.hpp"
#include "emergent/fit/fit_curve.hpp"

namespace emergent {

/// Options of `measure_sharpness`.
struct sharpness_options {
  bool fit_logistic = true;  ///< fit the four-parameter logistic (k, rise width)
  double level = 0.95;       ///< level of the logistic k interval and of bootstrap intervals
};

/// Sharpness measures of one curve (x = log_base quantity, in increasing order).
struct sharpness {
  double breakthroughness = 0;   ///< see `emergent::breakthroughness`
  double linearity = 0;          ///< see `emergent::linearity`
  double logistic_k = 0;         ///< slope k of lo + (hi - lo)/(1 + exp(-k (x - x0))), per decade of the quantity
  confidence_interval logistic_k_interval;  ///< Wald interval of k at options.level (Student t, fit layer)
  double logistic_x0 = 0;        ///< midpoint x0 of the logistic (x units)
  std::string logistic_status;   ///< fit status of the logistic ("converged", "hit_bound", ...; "not fitted")
  double rise_width_decades = 0; ///< 10-90% rise width of the logistic, 2 ln 9 / |k| decades
  double observed_rise_width_decades = 0;  ///< 10-90% of the observed range, by interpolation on the running maximum
  double steepest_slope_per_decade = 0;    ///< max_i (y_{i+1} - y_i) / decades between x_i and x_{i+1}
  double steepest_at = 0;        ///< midpoint x of that step
  double largest_jump = 0;       ///< max_i (y_{i+1} - y_i)
  /// largest_jump / sqrt(se_i^2 + se_{i+1}^2) with the points' own standard errors
  /// (from the curve's intervals read as +/-1.96 se, or from bootstrap replicates); 0 when unknown.
  double jump_z = 0;
};

namespace detail {

inline double decades_per_unit(double log_base) { return std::log10(log_base); }

inline void observed_rise(std::span<const double> x, std::span<const double> y, double per_unit, sharpness& s) {
  // running maximum: the first x at which the curve reaches 10% and 90% of its rise above its start
  std::vector<double> run(y.begin(), y.end());
  for (std::size_t i = 1; i < run.size(); ++i) run[i] = std::max(run[i], run[i - 1]);
  const double lo = run.front(), hi = run.back();
  if (!(hi > lo)) {
    s.observed_rise_width_decades = 0;
    return;
  }
  const auto cross = [&](double level) {
    const double target = lo + level * (hi - lo);
    for (std::size_t i = 1; i < run.size(); ++i) {
      if (run[i] >= target) {
        const double f = (target - run[i - 1]) / (run[i] - run[i - 1]);
        return x[i - 1] + f * (x[i] - x[i - 1]);
      }
    }
    return x.back();
  };
  s.observed_rise_width_decades = (cross(0.9) - cross(0.1)) * per_unit;
}

}  // namespace detail

/// Measures the sharpness of a curve given as points (x increasing, x = log_base quantity) with
/// optional per-point standard errors `se` (empty when unknown). The logistic is fitted with the
/// fit layer (`fit_xy`, unweighted); its k is reported per decade (k / log10(base)) and the
/// 10-90% rise width is 2 ln 9 / |k| decades.
/// Throws input_error as `breakthroughness` or when se has the wrong length or a negative entry.
template <class Deferred = void>
[[nodiscard]] sharpness measure_sharpness(std::span<const double> x, std::span<const double> y,
                                                 std::span<const double> se = {}, double log_base = 10.0,
                                                 const sharpness_options& options = {}) {
  constexpr const char* fn = "measure_sharpness";
  detail::sharpness_check(x, y, fn);
  if (!se.empty() && se.size() != x.size()) {
    throw input_error(std::string(fn) + ": se has " + std::to_string(se.size()) + " values but x has " +
                      std::to_string(x.size()));
  }
  for (std::size_t i = 0; i < se.size(); ++i) {
    if (!(se[i] >= 0) || !std::isfinite(se[i])) throw input_error(detail::describe_at(fn, "se", i, "not a finite non-negative number"));
  }
  if (!(log_base > 1) || !std::isfinite(log_base)) throw input_error(std::string(fn) + ": log_base: must be > 1");
  const double per_unit = detail::decades_per_unit(log_base);
  sharpness s;
  s.breakthroughness = breakthroughness(x, y);
  s.linearity = linearity(x, y);
  s.steepest_slope_per_decade = -std::numeric_limits<double>::infinity();
  s.largest_jump = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double dy = y[i + 1] - y[i];
    const double slope = dy / ((x[i + 1] - x[i]) * per_unit);
    if (slope > s.steepest_slope_per_decade) {
      s.steepest_slope_per_decade = slope;
      s.steepest_at = 0.5 * (x[i] + x[i + 1]);
    }
    if (dy > s.largest_jump) {
      s.largest_jump = dy;
      if (!se.empty()) {
        const double d = std::sqrt(se[i] * se[i] + se[i + 1] * se[i + 1]);
        s.jump_z = detail::ratio_or_limit(dy, d);
      }
    }
  }
  detail::observed_rise(x, y, per_unit, s);
  s.logistic_status = "not fitted";
  if (options.fit_logistic && x.size() >= 5) {
    fit_options fo;
    fo.use_weights = false;
    const fit_result f = fit_xy(x, y, fit_model::logistic, fo);
    s.logistic_status = std::string(to_string(f.status));
    if (f.status != fit_status::failed) {
      s.logistic_k = f.param("k") / per_unit;
      const auto ci = f.wald_interval("k", options.level);
      s.logistic_k_interval = {ci.lower / per_unit, ci.upper / per_unit, ci.level};
      s.logistic_x0 = f.param("x0");
      s.rise_width_decades = s.logistic_k != 0 ? 2.0 * std::log(9.0) / std::abs(s.logistic_k)
                                               : std::numeric_limits<double>::infinity();
    }
  }
  return s;
}

/// Sharpness of a scaling curve: sorted by x; standard errors from its intervals read as +/-1.96 se.
template <class Deferred = void>
[[nodiscard]] sharpness measure_sharpness(const scaling_curve& curve, const sharpness_options& options = {}) {
  curve.validate();
  const scaling_curve c = curve.sorted();
  std::vector<double> se;
  if (!c.lower.empty()) {
    for (std::size_t i = 0; i < c.size(); ++i) se.push_back((c.upper[i] - c.lower[i]) / (2.0 * 1.959963984540054));
  }
  return measure_sharpness(c.x, c.y, se, c.log_base, options);
}

/// One sharpness measure with its percentile bootstrap interval.
struct interval_estimate {
  double estimate = 0;           ///< the measure on the data
  confidence_interval interval;  ///< percentile interval of the replicates at options.level
};

/// Sharpness with bootstrap intervals.
struct sharpness_intervals {
  sharpness point;                          ///< the measures on the data (jump_z from the replicates' standard errors)
  interval_estimate breakthroughness;        ///< B with its interval
  interval_estimate linearity;               ///< L with its interval
  interval_estimate logistic_k;              ///< k with its bootstrap interval (replicates whose logistic fit failed left out)
  interval_estimate rise_width_decades;      ///< logistic 10-90% width with its interval
  interval_estimate steepest_slope_per_decade;  ///< steepest slope with its interval
  std::size_t replicates = 0;               ///< replicates used
};

/// Sharpness measures with percentile bootstrap intervals: replicate r fills y* through
/// `resample(r, y_star)` (for instance `hierarchical_resampler::resample_means`, examples resampled
/// within each model), and every measure is recomputed. The per-point standard errors used for
/// jump_z are the standard deviations of the replicates. Infinite replicate values are kept (they
/// sort last); logistic replicates that fail are left out of the k and width intervals.
template <class Resample>
[[nodiscard]] sharpness_intervals measure_sharpness_with(std::span<const double> x, std::span<const double> y,
                                                        Resample&& resample, std::size_t replicates = 200,
                                                        double log_base = 10.0, const sharpness_options& options = {}) {
  constexpr const char* fn = "measure_sharpness";
  detail::sharpness_check(x, y, fn);
  if (replicates < 2) throw input_error(std::string(fn) + ": replicates: must be at least 2");
  const std::size_t n = x.size();
  std::vector<double> ystar(n), sum(n, 0.0), sum2(n, 0.0);
  std::vector<double> b, l, k, w, s;
  sharpness_options light = options;
  for (std::size_t r = 0; r < replicates; ++r) {
    resample(static_cast<std::uint64_t>(r), std::span<double>(ystar));
    for (std::size_t i = 0; i < n; ++i) {
      sum[i] += ystar[i];
      sum2[i] += ystar[i] * ystar[i];
    }
    const sharpness m = measure_sharpness(x, ystar, {}, log_base, light);
    b.push_back(m.breakthroughness);
    l.push_back(m.linearity);
    s.push_back(m.steepest_slope_per_decade);
    if (m.logistic_status != "not fitted" && m.logistic_status != "failed") {
      k.push_back(m.logistic_k);
      w.push_back(m.rise_width_decades);
    }
  }
  std::vector<double> se(n);
  const double rr = static_cast<double>(replicates);
  for (std::size_t i = 0; i < n; ++i) {
    const double mean = sum[i] / rr;
    se[i] = std::sqrt(std::max(0.0, (sum2[i] - rr * mean * mean) / (rr - 1.0)));
  }
  sharpness_intervals out;
  out.point = measure_sharpness(x, y, se, log_base, options);
  out.replicates = replicates;
  const double a = 0.5 * (1.0 - options.level);
  const auto fill = [&](interval_estimate& mi, double estimate, std::vector<double>& v) {
    mi.estimate = estimate;
    mi.interval.level = options.level;
    if (v.empty()) {
      mi.interval.lower = mi.interval.upper = estimate;
      return;
    }
    std::sort(v.begin(), v.end());
    mi.interval.lower = detail::sorted_quantile(v.data(), v.size(), a);
    mi.interval.upper = detail::sorted_quantile(v.data(), v.size(), 1.0 - a);
  };
  fill(out.breakthroughness, out.point.breakthroughness, b);
  fill(out.linearity, out.point.linearity, l);
  fill(out.logistic_k, out.point.logistic_k, k);
  fill(out.rise_width_decades, out.point.rise_width_decades, w);
  fill(out.steepest_slope_per_decade, out.point.steepest_slope_per_decade, s);
  return out;
}

}  // namespace emergent
