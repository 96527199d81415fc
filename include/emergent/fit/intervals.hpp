/// @file
/// @brief Uncertainty beyond the Wald intervals of `fit_result`: profile-likelihood intervals,
///        confidence and prediction bands, and bootstrap intervals (residual, wild, pairs, and
///        whole-curve resampling through a caller's callback).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <boost/math/distributions/students_t.hpp>

#include "emergent/core/detail/quantile.hpp"
#include "emergent/core/detail/random.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/resampling.hpp"
#include "emergent/core/interval.hpp"
#include "emergent/core/scaling_curve.hpp"
#include "emergent/fit/fit_curve.hpp"
#include "emergent/fit/fit_result.hpp"

namespace emergent {

namespace detail {

/// splitmix64: a well-mixed 64-bit seed for replicate `index` of the stream `seed`.
inline std::uint64_t fit_mix_seed(std::uint64_t seed, std::uint64_t index) noexcept {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace detail

/// The seed of curve or replicate `index` derived from a base seed (splitmix64), so that results do
/// not depend on the order or the thread in which replicates run.
[[nodiscard]] inline std::uint64_t replicate_seed(std::uint64_t seed, std::uint64_t index) noexcept {
  return detail::fit_mix_seed(seed, index);
}

/// A profile-likelihood interval for one parameter.
struct profile_interval {
  std::string name;        ///< the parameter
  double estimate = 0;     ///< its least-squares estimate
  confidence_interval interval;  ///< [lower, upper] at `level`; an open end is the parameter's box bound
  bool open_lower = false; ///< the profile stayed below the threshold down to the bound: no finite lower end
  bool open_upper = false; ///< the profile stayed below the threshold up to the bound: no finite upper end
};

/// Profile-likelihood interval for parameter `name` of a model fitted to (x, y): the set of values θ
/// for which the RSS minimised over the other parameters with θ held fixed satisfies
/// RSS(θ) ≤ RSS_min·(1 + t²_{1−(1−level)/2, n−p}/(n − p)) (the F-test form, exact for linear models;
/// Venzon & Moolgavkar 1988; Bates & Watts 1988, §6.1). Unlike the Wald interval it follows the
/// curvature of the model and is open (flagged) when the data cannot bound the parameter.
/// `fit` must be the result of `fit_xy` on the same data and options (it supplies the optimum).
template <class Policy = detail::math_policy>  // Boost.Math policy; a template so that callers alone instantiate the t quantile
[[nodiscard]] profile_interval profile_likelihood(std::span<const double> x, std::span<const double> y,
                                                         const fit_result& fit, std::string_view name,
                                                         double level = 0.95, const fit_options& options = {},
                                                         std::span<const double> weights = {}) {
  const auto j = static_cast<int>(fit.index_of(name));
  if (!(level > 0 && level < 1)) {
    throw input_error("profile_likelihood: level: " + std::to_string(level) + " is outside (0, 1)");
  }
  if (fit.dof() <= 0) throw input_error("profile_likelihood: fit: needs more points than parameters");
  fit_options o = options;
  o.breaks = fit.model == fit_model::bnsl ? fit.breaks : options.breaks;
  const detail::fit_data d = detail::fit_prepare(x, y, weights, o, fit.model, "profile_likelihood");
  const double t = fit.template t_quantile<Policy>(level);
  const double threshold = fit.rss * (1 + t * t / static_cast<double>(fit.dof()));
  profile_interval out;
  out.name = std::string(name);
  out.estimate = fit.params(j);
  out.interval.level = level;
  visit_fit_model(fit.model, [&](auto model) {
    using M = decltype(model);
    const int N = static_cast<int>(fit.params.size());
    const int breaks = fit.model == fit_model::bnsl ? fit.breaks : 0;
    Eigen::VectorXd lower, upper;
    detail::fit_bounds<M>(d, breaks, N, lower, upper);
    const detail::fit_model_residuals<M> f{breaks, &d};
    lm_options lo;
    lo.max_iterations = options.max_iterations;
    const Eigen::VectorXd best = fit.params;
    // RSS with parameter j held at value v, continuing from `start` (updated to the new optimum).
    const auto profile_rss = [&](double v, Eigen::VectorXd& start) {
      Eigen::VectorXd l = lower, u = upper;
      l(j) = u(j) = v;
      start(j) = v;
      auto res = levenberg_marquardt(f, start, l, u, d.x.size(), lo);
      start = std::move(res.params);
      return 2 * res.cost;
    };
    const double se = fit.std_errors(j);
    const double step0 = std::isfinite(se) && se > 0 ? se : 0.05 * (std::abs(best(j)) + d.range);
    for (int side : {-1, 1}) {
      const double limit = side < 0 ? lower(j) : upper(j);
      Eigen::VectorXd start = best;
      double inside = best(j), step = step0, v = best(j);
      bool found = false;
      for (int k = 0; k < 60; ++k) {
        v = inside + side * step;
        if (std::isfinite(limit) && (side < 0 ? v <= limit : v >= limit)) v = limit;
        Eigen::VectorXd trial = start;
        const double rss = profile_rss(v, trial);
        if (rss > threshold) {
          found = true;
          break;
        }
        start = trial;
        inside = v;
        if (v == limit) break;
        step *= 1.6;
      }
      double bound = v;
      if (found) {  // bisect between `inside` (below threshold) and `v` (above)
        double a = inside, b = v;
        for (int k = 0; k < 40 && std::abs(b - a) > 1e-9 * (std::abs(a) + step0); ++k) {
          const double m = 0.5 * (a + b);
          Eigen::VectorXd trial = start;
          if (profile_rss(m, trial) > threshold) {
            b = m;
          } else {
            a = m;
            start = trial;
          }
        }
        bound = 0.5 * (a + b);
      }
      if (side < 0) {
        out.interval.lower = bound;
        out.open_lower = !found;
      } else {
        out.interval.upper = bound;
        out.open_upper = !found;
      }
    }
    return 0;
  });
  return out;
}

/// Pointwise bands around a fitted curve.
struct prediction_band {
  std::vector<double> x;           ///< where the bands are evaluated
  std::vector<double> fit;         ///< model value ŷ(x)
  std::vector<double> conf_lower;  ///< ŷ − t·√(gᵀCg): confidence band for the mean curve
  std::vector<double> conf_upper;  ///< ŷ + t·√(gᵀCg)
  std::vector<double> pred_lower;  ///< ŷ − t·√(gᵀCg + s²): prediction band for a new point of weight 1
  std::vector<double> pred_upper;  ///< ŷ + t·√(gᵀCg + s²)
};

/// Confidence and prediction bands at `x` by the delta method: g = ∂ŷ/∂p at the estimate, C the
/// covariance, s² = RSS/(n − p), t the Student-t quantile with n − p degrees of freedom (Seber & Wild
/// 1989, §5.1). Bands are infinite when the covariance is.
template <class Policy = detail::math_policy>  // Boost.Math policy; a template so that callers alone instantiate the t quantile
[[nodiscard]] prediction_band predict_band(const fit_result& fit, std::span<const double> x, double level = 0.95) {
  const double t = fit.template t_quantile<Policy>(level);
  const double s2 = fit.dof() > 0 ? fit.rss / static_cast<double>(fit.dof()) : std::numeric_limits<double>::infinity();
  prediction_band b;
  for (double xi : x) {
    if (!std::isfinite(xi)) throw input_error(detail::describe_at("predict_band", "x", b.x.size(), "not finite"));
    const double yhat = fit.predict(xi);
    const Eigen::VectorXd g = fit.gradient(xi);
    double var = fit.covariance.allFinite() ? g.dot(fit.covariance * g) : std::numeric_limits<double>::infinity();
    if (!(var >= 0)) var = std::numeric_limits<double>::infinity();
    const double c = t * std::sqrt(var), p = t * std::sqrt(var + s2);
    b.x.push_back(xi);
    b.fit.push_back(yhat);
    b.conf_lower.push_back(yhat - c);
    b.conf_upper.push_back(yhat + c);
    b.pred_lower.push_back(yhat - p);
    b.pred_upper.push_back(yhat + p);
  }
  return b;
}

/// How bootstrap replicates are drawn.
enum class fit_bootstrap_kind {
  /// y* = ŷ + e*, e* drawn with replacement from the centred residuals rescaled by √(n/(n − p)) (Efron & Tibshirani 1993, §9.5).
  residual,
  /// y* = ŷ + r_i·v_i with Rademacher v_i: robust to heteroscedastic noise (Wu 1986; Liu 1988).
  wild,
  /// Points (x_i, y_i) resampled with replacement (case resampling).
  pairs,
};

/// Settings of the bootstrap.
struct fit_bootstrap_options {
  resampling_options resampling{1000};       ///< replicates and seed (replicate b draws from stream (seed, b))
  double level = 0.95;                       ///< level of the percentile intervals
  fit_bootstrap_kind kind = fit_bootstrap_kind::residual;  ///< how replicates are drawn (ignored by bootstrap_curves)
};

/// Bootstrap distribution of a model's parameters with percentile intervals.
struct fit_bootstrap_result {
  std::vector<std::string> param_names;  ///< parameter names
  Eigen::MatrixXd replicates;            ///< one row per successful replicate, one column per parameter
  Eigen::VectorXd lower;                 ///< percentile interval lower ends ((1 − level)/2 quantile)
  Eigen::VectorXd upper;                 ///< percentile interval upper ends ((1 + level)/2 quantile)
  Eigen::VectorXd std_errors;            ///< standard deviation of each column
  std::size_t failed = 0;                ///< replicates whose fit failed or could not be drawn (excluded)
  std::size_t not_identifiable = 0;      ///< replicates flagged not identifiable (included)
};

namespace detail {


/// Fills the replicate matrix, the percentile interval and the standard deviation of each parameter.
/// (Plain loops: Eigen expressions here would be instantiated in every translation unit.)
inline void fit_summarise(fit_bootstrap_result& b, const std::vector<Eigen::VectorXd>& rows, std::size_t p, double level) {
  const auto np = static_cast<Eigen::Index>(p);
  b.replicates.resize(static_cast<Eigen::Index>(rows.size()), np);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (Eigen::Index j = 0; j < np; ++j) b.replicates(static_cast<Eigen::Index>(i), j) = rows[i](j);
  }
  b.lower.resize(np);
  b.upper.resize(np);
  b.std_errors.resize(np);
  for (Eigen::Index j = 0; j < np; ++j) {
    b.lower(j) = b.upper(j) = b.std_errors(j) = std::numeric_limits<double>::infinity();
  }
  if (rows.size() < 2) {
    throw numerical_error("bootstrap: fewer than 2 replicates could be fitted (" + std::to_string(b.failed) + " failed)");
  }
  const auto count = static_cast<double>(rows.size());
  std::vector<double> col(rows.size());
  for (Eigen::Index j = 0; j < np; ++j) {
    double mean = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      col[i] = rows[i](j);
      mean += col[i];
    }
    mean /= count;
    double ss = 0;
    for (const double v : col) ss += (v - mean) * (v - mean);
    b.std_errors(j) = std::sqrt(ss / (count - 1));
    std::sort(col.begin(), col.end());
    b.lower(j) = quantile_sorted(col.data(), col.size(), (1 - level) / 2);
    b.upper(j) = quantile_sorted(col.data(), col.size(), (1 + level) / 2);
  }
}

inline void fit_check_bootstrap_options(const fit_bootstrap_options& bo, const char* fn) {
  if (bo.resampling.replicates < 2) throw input_error(std::string(fn) + ": options.resampling.replicates: must be at least 2");
  if (!(bo.level > 0 && bo.level < 1)) throw input_error(std::string(fn) + ": options.level: must be in (0, 1)");
}

}  // namespace detail

/// Bootstraps the parameters of `model` fitted to (x, y) (residual, wild or pairs resampling, see
/// `fit_bootstrap_kind`); every replicate is refitted globally by `fit_xy`. Deterministic given the seed.
template <class Deferred = void>  // a template only so that the fitter is compiled where it is called
[[nodiscard]] fit_bootstrap_result bootstrap_fit(std::span<const double> x, std::span<const double> y, fit_model model,
                                                    const fit_options& options = {}, const fit_bootstrap_options& bo = {},
                                                    std::span<const double> weights = {}) {
  detail::fit_check_bootstrap_options(bo, "bootstrap_fit");
  const fit_result base = fit_xy(x, y, model, options, weights);
  const std::size_t n = x.size();
  const auto p = static_cast<std::size_t>(base.params.size());
  std::vector<double> fitted(n), resid(n);
  for (std::size_t i = 0; i < n; ++i) {
    fitted[i] = base.predict(x[i]);
    resid[i] = y[i] - fitted[i];
  }
  std::vector<double> centred = resid;
  double mean = 0;
  for (double r : resid) mean += r / static_cast<double>(n);
  const double inflate = base.dof() > 0 ? std::sqrt(static_cast<double>(n) / static_cast<double>(base.dof())) : 1.0;
  for (double& r : centred) r = (r - mean) * inflate;
  fit_bootstrap_result out;
  out.param_names = base.param_names;
  std::vector<Eigen::VectorXd> rows;
  std::vector<double> xs(n), ys(n), ws;
  for (std::size_t b = 0; b < bo.resampling.replicates; ++b) {
    auto gen = detail::xoshiro256ss::stream(bo.resampling.seed, b);
    const auto pick = [&] { return static_cast<std::size_t>(detail::bounded64(gen, n)); };
    xs.assign(x.begin(), x.end());
    ws.assign(weights.begin(), weights.end());
    for (std::size_t i = 0; i < n; ++i) {
      switch (bo.kind) {
        case fit_bootstrap_kind::residual: ys[i] = fitted[i] + centred[pick()]; break;
        case fit_bootstrap_kind::wild: ys[i] = fitted[i] + resid[i] * ((gen() & 1u) ? 1.0 : -1.0); break;
        case fit_bootstrap_kind::pairs: {
          const std::size_t k = pick();
          xs[i] = x[k];
          ys[i] = y[k];
          if (!weights.empty()) ws[i] = weights[k];
          break;
        }
      }
    }
    try {
      const fit_result r = fit_xy(xs, ys, model, options, ws);
      if (r.status == fit_status::failed) {
        ++out.failed;
        continue;
      }
      if (r.status == fit_status::not_identifiable) ++out.not_identifiable;
      rows.push_back(r.params);
    } catch (const input_error&) {  // e.g. a pairs replicate with a single distinct x
      ++out.failed;
    }
  }
  detail::fit_summarise(out, rows, p, bo.level);
  return out;
}

/// Whole-curve bootstrap: `resample(b)` returns replicate b either as a `scaling_curve` or as a
/// `std::vector<double>` of y values at `base.x` (for example from a hierarchical resampler over
/// examples and seeds); each replicate is refitted by `fit_curve`. Deterministic when `resample` is.
template <class Resample>
[[nodiscard]] fit_bootstrap_result bootstrap_curves(const scaling_curve& base, Resample&& resample, fit_model model,
                                                const fit_options& options = {}, const fit_bootstrap_options& bo = {}) {
  detail::fit_check_bootstrap_options(bo, "bootstrap_curves");
  fit_bootstrap_result out;
  out.param_names = parameter_names(model, options.breaks);
  std::vector<Eigen::VectorXd> rows;
  for (std::size_t b = 0; b < bo.resampling.replicates; ++b) {
    using R = std::invoke_result_t<Resample&, std::uint64_t>;
    scaling_curve c;
    if constexpr (std::is_convertible_v<R, scaling_curve>) {
      c = resample(static_cast<std::uint64_t>(b));
    } else {
      c = base;
      c.y = resample(static_cast<std::uint64_t>(b));
      c.lower.clear();
      c.upper.clear();
      if (c.y.size() != c.x.size()) {
        throw input_error(detail::describe_at("bootstrap_curves", "resample", b,
                                              "returned " + std::to_string(c.y.size()) + " values for " +
                                                  std::to_string(c.x.size()) + " points"));
      }
    }
    // A replicate without intervals keeps the base curve's interval widths (so its weights).
    if (c.lower.empty() && !base.lower.empty() && options.use_weights && c.size() == base.size()) {
      c.lower.resize(c.size());
      c.upper.resize(c.size());
      for (std::size_t i = 0; i < c.size(); ++i) {
        const double h = 0.5 * (base.upper[i] - base.lower[i]);
        c.lower[i] = c.y[i] - h;
        c.upper[i] = c.y[i] + h;
      }
    }
    try {
      const fit_result r = fit_curve(c, model, options);
      if (r.status == fit_status::failed) {
        ++out.failed;
        continue;
      }
      if (r.status == fit_status::not_identifiable) ++out.not_identifiable;
      rows.push_back(r.params);
    } catch (const numerical_error&) {
      ++out.failed;
    }
  }
  detail::fit_summarise(out, rows, out.param_names.size(), bo.level);
  return out;
}

}  // namespace emergent
