/// @file
/// @brief Where is the break? Wald, profile-likelihood and bootstrap intervals for the location of
///        one breakpoint, always with the observed x values that bracket it.
#pragma once

#include <algorithm>
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
#include "emergent/core/interval.hpp"

namespace emergent {

/// The profile-likelihood interval of a breakpoint location.
struct profile_location {
  confidence_interval interval;  ///< [lower, upper] at the options' level
  /// True when the interval is narrower than the gap between the observed x values that bracket
  /// the estimate: the data cannot place the break more precisely than "between these two models".
  bool narrower_than_gap = false;
  /// True when the interval reaches the edge of the admissible range (so its true end is unknown).
  bool truncated = false;
};

/// A bootstrap interval of a breakpoint location with its replicate estimates.
struct bootstrap_location {
  confidence_interval interval;      ///< percentile interval of the replicate estimates
  bool narrower_than_gap = false;    ///< as profile_location::narrower_than_gap
  std::vector<double> replicates;    ///< the replicate estimates (failed replicates omitted)
  std::size_t failed_replicates = 0; ///< replicates whose refit threw
};

/// Options of the bootstrap interval.
struct location_bootstrap_options {
  resampling_options resampling{200};  ///< bootstrap replicates and seed
  double level = 0.95;           ///< interval level
};

/// Break location with three kinds of interval.
struct break_location {
  breakpoint_estimate wald;          ///< estimate, R-style standard error, Wald interval and bracket
  profile_location profile;          ///< profile-likelihood interval
  bootstrap_location bootstrap;      ///< percentile bootstrap interval, replicate estimates, failures
};

namespace detail {

inline bool narrower_than_gap(const confidence_interval& iv, const breakpoint_estimate& b) noexcept {
  return iv.width() < (b.bracket_right - b.bracket_left);
}

}  // namespace detail

/// Profile-likelihood interval of a single breakpoint: the set of psi with
/// n log(RSS(psi) / RSS(psi^)) <= chi^2_{1, level} (the likelihood-ratio statistic of the Gaussian
/// model with sigma profiled out), returned as its hull [lower, upper] within the admissible range.
/// RSS(psi) is evaluated exactly (a linear fit at each psi) on a grid of 64 points per interval
/// between observed x values, and the edges are refined by bisection.
/// Throws input_error as `fit_segmented` or when options.breaks != 1 or the shape is a step.
template <class Deferred = void>
[[nodiscard]] profile_location breakpoint_profile_interval(std::span<const double> x, std::span<const double> y,
                                                                  const segmented_options& options = {}) {
  constexpr const char* fn = "breakpoint_profile_interval";
  if (options.breaks != 1 || options.shape == segmented_shape::step) {
    throw input_error(std::string(fn) + ": options: needs one breakpoint of a continuous or plateau model");
  }
  const segmented_fit f = fit_segmented(x, y, options);
  const detail::seg_data d = detail::seg_prepare(x, y, fn);
  std::size_t p = 0;
  (void)detail::seg_base(d, options.shape, p);
  const double nn = static_cast<double>(d.n);
  const double cut = detail::chi_squared_quantile(options.level, 1.0);
  const double rss_min = std::max(f.rss, 1e-300);
  const double psi_hat = (f.breakpoints[0].estimate - d.center) / d.scale;
  const auto inside = [&](double psi_t) {
    const double r[1] = {psi_t};
    const double rss = detail::seg_rss_at(d, p, std::span<const double>(r, 1));
    return nn * std::log(rss / rss_min) <= cut;
  };
  std::size_t lo = 0, hi = 0;
  detail::seg_range(d, options.min_points_per_segment, 0, 0, false, false, lo, hi);
  std::vector<double> grid;
  for (std::size_t g = lo; g < hi; ++g) {
    for (int k = 0; k < 64; ++k) grid.push_back(d.u[g] + (d.u[g + 1] - d.u[g]) * k / 64.0);
  }
  grid.push_back(d.u[hi]);
  std::size_t first = grid.size(), last = 0;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    if (inside(grid[i])) {
      first = std::min(first, i);
      last = i;
    }
  }
  profile_location out;
  out.interval.level = options.level;
  if (first == grid.size()) {  // numerical corner: only the optimum itself
    out.interval.lower = out.interval.upper = f.breakpoints[0].estimate;
  } else {
    const auto refine = [&](double in, double outside) {
      for (int it = 0; it < 50; ++it) {
        const double mid = 0.5 * (in + outside);
        (inside(mid) ? in : outside) = mid;
      }
      return in;
    };
    const double low_t = first == 0 ? grid[0] : refine(std::min(grid[first], psi_hat), grid[first - 1]);
    const double high_t = last + 1 == grid.size() ? grid.back() : refine(std::max(grid[last], psi_hat), grid[last + 1]);
    out.interval.lower = d.center + d.scale * low_t;
    out.interval.upper = d.center + d.scale * high_t;
    out.truncated = first == 0 || last + 1 == grid.size();
  }
  out.narrower_than_gap = detail::narrower_than_gap(out.interval, f.breakpoints[0]);
  return out;
}

/// Percentile bootstrap interval of the (first) breakpoint location from a user-supplied resampler:
/// for replicate r = 0..replicates-1, `resample(r, y_star)` fills y_star (one value per x, in the
/// order of x) — for example the means of a hierarchical (model, example) resample of per-example
/// scores — and the model is refitted exactly. Replicates whose refit throws are counted in
/// failed_replicates and left out; the interval flags are relative to the bracket of the fit to y.
template <class Resample>
[[nodiscard]] bootstrap_location breakpoint_bootstrap_with(std::span<const double> x, std::span<const double> y,
                                                          Resample&& resample, const segmented_options& options = {},
                                                          const location_bootstrap_options& boot = {}) {
  constexpr const char* fn = "breakpoint_bootstrap";
  if (boot.resampling.replicates < 2) throw input_error(std::string(fn) + ": resampling.replicates: must be at least 2");
  if (!(boot.level > 0 && boot.level < 1)) throw input_error(std::string(fn) + ": level: must be in (0, 1)");
  const segmented_fit f = fit_segmented(x, y, options);
  bootstrap_location out;
  std::vector<double> ystar(x.size());
  for (std::size_t r = 0; r < boot.resampling.replicates; ++r) {
    resample(static_cast<std::uint64_t>(r), std::span<double>(ystar));
    try {
      const segmented_fit fr = fit_segmented(x, std::span<const double>(ystar), options);
      out.replicates.push_back(fr.breakpoints[0].estimate);
    } catch (const std::exception&) {
      ++out.failed_replicates;
    }
  }
  if (out.replicates.size() < 2) throw numerical_error(std::string(fn) + ": fewer than 2 bootstrap refits succeeded");
  std::vector<double> sorted = out.replicates;
  std::sort(sorted.begin(), sorted.end());
  const double a = 0.5 * (1.0 - boot.level);
  out.interval = {detail::sorted_quantile(sorted.data(), sorted.size(), a),
                  detail::sorted_quantile(sorted.data(), sorted.size(), 1.0 - a), boot.level};
  out.narrower_than_gap = detail::narrower_than_gap(out.interval, f.breakpoints[0]);
  return out;
}

/// Residual bootstrap of the (first) breakpoint location: resamples the residuals of the fitted
/// segmented model, rescaled by sqrt(n / df_residual) to undo their shrinkage, adds them to the
/// fitted values and refits exactly (Efron & Tibshirani 1993, ch. 9); percentile interval.
template <class Deferred = void>
[[nodiscard]] bootstrap_location breakpoint_bootstrap(std::span<const double> x, std::span<const double> y,
                                                             const segmented_options& options = {},
                                                             const location_bootstrap_options& boot = {}) {
  const segmented_fit f = fit_segmented(x, y, options);
  const std::size_t n = x.size();
  std::vector<double> fitted(n), resid(n);
  const double inflate = std::sqrt(static_cast<double>(n) / static_cast<double>(f.df_residual));
  for (std::size_t i = 0; i < n; ++i) {
    fitted[i] = f.predict(x[i]);
    resid[i] = (y[i] - fitted[i]) * inflate;
  }
  return breakpoint_bootstrap_with(
      x, y,
      [&](std::uint64_t r, std::span<double> ystar) {
        detail::analysis_rng rng(boot.resampling.seed, r);
        for (std::size_t i = 0; i < n; ++i) ystar[i] = fitted[i] + resid[rng.below(n)];
      },
      options, boot);
}

/// Break location with Wald (R-style), profile-likelihood and residual-bootstrap intervals.
template <class Deferred = void>
[[nodiscard]] break_location locate_breakpoint(std::span<const double> x, std::span<const double> y,
                                                      const segmented_options& options = {},
                                                      const location_bootstrap_options& boot = {}) {
  break_location out;
  const segmented_fit f = fit_segmented(x, y, options);
  out.wald = f.breakpoints[0];
  if (options.breaks == 1 && options.shape != segmented_shape::step) {
    out.profile = breakpoint_profile_interval(x, y, options);
  } else {
    out.profile.interval = out.wald.interval;
    out.profile.narrower_than_gap = detail::narrower_than_gap(out.profile.interval, out.wald);
  }
  out.bootstrap = breakpoint_bootstrap(x, y, options, boot);
  return out;
}

}  // namespace emergent
