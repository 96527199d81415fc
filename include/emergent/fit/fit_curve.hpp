/// @file
/// @brief `fit`, `fit_xy` and `fit_curve`: fit a built-in model globally — variable projection over a
///        deterministic grid of the nonlinear parameters, then a bounded Levenberg–Marquardt polish —
///        and report honest uncertainty and loud flags.
///
/// Where parameters enter linearly (logistic lo/hi; power-law E/A; BNSL a/b) they are solved exactly by
/// weighted least squares for every grid point of the nonlinear ones (variable projection, Golub &
/// Pereyra 1973), so the result does not depend on a starting guess. The best grid points are polished
/// by `levenberg_marquardt` over all parameters with box bounds (projection). BNSL with more than one
/// break is grown greedily: the (B−1)-break fit is kept and a grid over the new break's (c, d, f) is
/// searched before the joint polish.
///
/// The fitter is written once against the model traits of fit/models.hpp and works in run-time sizes
/// (at most 12 parameters, on fixed-capacity arrays): `fit<models::logistic>` instantiates the logistic
/// alone, and `fit_xy` (run-time model) one small copy of the fitter per model, with no Eigen solver.
///
/// Box bounds (R = x range): logistic k ∈ [0.1/R, 1000/R], x0 ∈ [x_min − 2R, x_max + 2R];
/// power_law α ∈ [−64/R, 64/R]; accuracy_law c ≥ 0, α ∈ [10⁻⁶/R, 64/R]; bnsl c_i ∈ [−100/R, 100/R],
/// d_i ∈ [x_min − R, x_max + R], f_i ∈ [R/1000, 10R]. Linear parameters are unbounded.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "emergent/core/detail/small_dense.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/information_criteria.hpp"
#include "emergent/core/scaling_curve.hpp"
#include "emergent/fit/fit_options.hpp"
#include "emergent/fit/fit_result.hpp"
#include "emergent/fit/levenberg_marquardt.hpp"
#include "emergent/fit/models.hpp"

namespace emergent {

namespace detail {

/// A starting point found by the grid and its cost.
struct fit_grid_start {
  small_vector p;
  double cost = std::numeric_limits<double>::infinity();
};

/// Keeps the K lowest-cost starting points.
template <int K>
struct fit_top_k {
  std::array<fit_grid_start, K> items{};
  int count = 0;
  void offer(const small_vector& p, double cost) {
    if (!std::isfinite(cost)) return;
    int pos = count < K ? count : K;
    if (pos == K && cost >= items[K - 1].cost) return;
    if (pos == K) pos = K - 1;
    while (pos > 0 && items[pos - 1].cost > cost) {
      items[pos] = items[pos - 1];
      --pos;
    }
    items[pos].p = p;
    items[pos].cost = cost;
    if (count < K) ++count;
  }
};

/// Robust (or plain) cost of model M at p over the data.
template <class M, class P>
double fit_data_cost(int breaks, const fit_data& d, const P& p, const fit_options& o) {
  double sum = 0;
  const double s2 = o.loss_scale * o.loss_scale;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    const double r = d.sw[i] * (M::value(d.x[i], d.x_ref, breaks, p, static_cast<P*>(nullptr)) - d.y[i]);
    if (o.loss == robust_loss::none) {
      sum += r * r;
    } else {
      double r0, r1, r2;
      lm_robust_rho(o.loss, r * r / s2, r0, r1, r2);
      sum += s2 * r0;
    }
  }
  return std::isfinite(sum) ? 0.5 * sum : std::numeric_limits<double>::infinity();
}

/// The grid context handed to a model's `grid`: scores each offered start and keeps the best three.
template <class M>
struct fit_grid {
  const fit_data& d;
  const fit_options& o;
  int breaks;
  fit_top_k<3> best;

  /// A start whose every parameter is given: its cost is evaluated directly.
  void direct(const small_vector& p) { best.offer(p, fit_data_cost<M>(breaks, d, p, o)); }

  /// A start whose first two parameters enter linearly with basis (φ0, φ1), φ1 = `f1(i)` and
  /// φ0 = 1 − φ1 (`complement`, the logistic) or φ0 = 1 (line, power law, BNSL); they are solved
  /// by weighted least squares (variable projection). Only Σwφ1, Σwφ1², Σwφ1y depend on the grid
  /// point; the rest of the 2×2 normal equations comes from Σw, Σwy, Σwy² computed once.
  template <class F1>
  void projected(small_vector p, bool complement, F1&& f1) {
    const std::size_t n = d.x.size();
    double s1a = 0, s2a = 0, ta = 0, s1b = 0, s2b = 0, tb = 0;  // two chains: shorter dependencies
    std::size_t i = 0;
    for (; i + 1 < n; i += 2) {
      const double fa = f1(i), fb = f1(i + 1);
      const double wa = d.w[i] * fa, wb = d.w[i + 1] * fb;
      s1a += wa;
      s2a += wa * fa;
      ta += wa * d.y[i];
      s1b += wb;
      s2b += wb * fb;
      tb += wb * d.y[i + 1];
    }
    if (i < n) {
      const double fa = f1(i);
      const double wa = d.w[i] * fa;
      s1a += wa;
      s2a += wa * fa;
      ta += wa * d.y[i];
    }
    const double S1 = s1a + s1b, S2 = s2a + s2b, T = ta + tb;
    double s00, s01, s11, t0, t1;
    if (complement) {
      s00 = d.sum_w - 2 * S1 + S2;
      s01 = S1 - S2;
      s11 = S2;
      t0 = d.sum_wy - T;
      t1 = T;
      if (!(s00 > 1e-9 * d.sum_w && s11 > 1e-9 * d.sum_w)) return;  // φ0 or φ1 ≈ 0 on all points
    } else {
      s00 = d.sum_w;
      s01 = S1;
      s11 = S2;
      t0 = d.sum_wy;
      t1 = T;
    }
    const double det = s00 * s11 - s01 * s01;
    if (!(det > 1e-10 * s00 * s11) || !std::isfinite(det)) return;
    const double c0 = (s11 * t0 - s01 * t1) / det, c1 = (s00 * t1 - s01 * t0) / det;
    double cost = std::max(0.0, d.sum_wyy - c0 * t0 - c1 * t1);
    p(0) = c0;
    p(1) = c1;
    cost = o.loss == robust_loss::none ? 0.5 * cost : fit_data_cost<M>(breaks, d, p, o);
    best.offer(p, cost);
  }
};

/// Residuals √w (model − y) and their Jacobian, for Levenberg–Marquardt.
template <class M>
struct fit_model_residuals {
  int breaks;
  const fit_data* d;
  void operator()(const Eigen::VectorXd& p, Eigen::VectorXd& r, Eigen::MatrixXd* jac) const {
    small_vector g;
    g.n = static_cast<int>(p.size());
    const Eigen::Index rows = static_cast<Eigen::Index>(d->x.size());
    for (Eigen::Index i = 0; i < rows; ++i) {
      const auto ii = static_cast<std::size_t>(i);
      const double f = M::value(d->x[ii], d->x_ref, breaks, p, jac ? &g : static_cast<small_vector*>(nullptr));
      r(i) = d->sw[ii] * (f - d->y[ii]);
      if (jac) {
        for (int j = 0; j < g.n; ++j) (*jac)(i, j) = d->sw[ii] * g(j);
      }
    }
  }
};

/// Box bounds of model M as Eigen vectors (±infinity where unbounded).
template <class M>
void fit_bounds(const fit_data& d, int breaks, int N, Eigen::VectorXd& lower, Eigen::VectorXd& upper) {
  small_vector lo, hi;
  lo.n = hi.n = N;
  lo.v.fill(-std::numeric_limits<double>::infinity());
  hi.v.fill(std::numeric_limits<double>::infinity());
  M::bounds(d, breaks, lo, hi);
  lower.resize(N);
  upper.resize(N);
  for (int j = 0; j < N; ++j) {
    lower(j) = lo(j);
    upper(j) = hi(j);
  }
}

/// Fills covariance, standard errors, information criteria, flags and status of a finished fit.
template <class M>
void fit_finish(fit_result& res, const fit_data& d, const Eigen::VectorXd& p, const lm_outcome& lm, const Eigen::VectorXd& lower,
                const Eigen::VectorXd& upper, const fit_options& o) {
  const std::size_t n = d.x.size();
  const int N = static_cast<int>(p.size());
  const auto rows = static_cast<Eigen::Index>(n);
  const double inf = std::numeric_limits<double>::infinity();
  Eigen::VectorXd r(rows);
  Eigen::MatrixXd J(rows, N);
  fit_model_residuals<M>{res.breaks, &d}(p, r, &J);
  res.params = p;
  res.n = n;
  res.iterations = lm.iterations;
  res.residuals.resize(rows);
  for (Eigen::Index i = 0; i < rows; ++i) res.residuals(i) = -r(i) / d.sw[static_cast<std::size_t>(i)];
  res.rss = r.squaredNorm();
  double cost2 = res.rss;  // 2·cost, as in curve_fit
  if (o.loss != robust_loss::none) {
    cost2 = 2 * lm_robust_cost(r, o.loss, o.loss_scale);
    lm_robust_scale(r, J, o.loss, o.loss_scale);
  }
  const lm_covariance cov = lm_covariance_at(J, r, cost2, static_cast<long>(n) - N);
  res.condition = cov.condition;
  res.covariance.resize(N, N);
  res.std_errors.resize(N);
  for (int j = 0; j < N; ++j) {
    for (int k = 0; k < N; ++k) res.covariance(j, k) = cov.covariance(j, k);
    res.std_errors(j) = std::sqrt(std::max(0.0, res.covariance(j, j)));
  }
  // An exact fit (RSS at rounding level relative to Σwy²) has no likelihood-based criterion.
  const bool exact = !(res.rss > 1e-26 * d.sum_wyy);
  res.aicc = gaussian_aicc(exact ? 0.0 : res.rss, n, static_cast<std::size_t>(N));
  const double nn = static_cast<double>(n);
  res.bic = !exact ? nn * std::log(res.rss / nn) + (N + 1.0) * std::log(nn) : -inf;

  // Flags.
  auto& flags = res.flags;
  bool bound = false;
  for (int j = 0; j < N; ++j) {
    const double width = (std::isfinite(upper(j)) && std::isfinite(lower(j))) ? upper(j) - lower(j) : 1.0;
    const double tol = 1e-6 * width;
    if ((std::isfinite(lower(j)) && p(j) <= lower(j) + tol) || (std::isfinite(upper(j)) && p(j) >= upper(j) - tol)) {
      flags.push_back(flag_string(fit_flag::at_bound, res.param_names[static_cast<std::size_t>(j)]));
      bound = true;
    }
  }
  fit_check check;
  if (res.condition > o.condition_limit) check.unidentified = true;
  small_vector ps, se;
  ps.n = se.n = N;
  for (int j = 0; j < N; ++j) {
    ps(j) = p(j);
    se(j) = res.std_errors(j);
  }
  M::check(d, fit_limits{o.location_se_limit, o.amplitude_se_limit}, res.breaks, ps, se, flags, check);
  if (check.unidentified || check.outside) flags.push_back(flag_string(fit_flag::not_identifiable));
  const bool few = static_cast<long>(n) < N + 2;
  if (few) flags.push_back(flag_string(fit_flag::too_few_points));
  const bool maxit = lm.reason == lm_stop::max_iterations;
  if (maxit) flags.push_back(flag_string(fit_flag::max_iterations));
  if (lm.reason == lm_stop::failed || !p.allFinite() || !std::isfinite(res.rss)) {
    res.status = fit_status::failed;
    flags.push_back(flag_string(fit_flag::failed));
  } else if (few) {
    res.status = fit_status::too_few_points;
  } else if (check.unidentified || check.outside) {
    res.status = fit_status::not_identifiable;
  } else if (bound) {
    res.status = fit_status::hit_bound;
  } else if (maxit) {
    res.status = fit_status::max_iterations;
  } else {
    res.status = fit_status::converged;
  }
  if (res.status == fit_status::converged && !std::isfinite(res.aicc)) {
    // An exact fit (RSS = 0) or too few points for AICc: the fit is not judged converged.
    flags.push_back(flag_string(fit_flag::aicc_not_finite));
    res.status = fit_status::not_identifiable;
  }
}

/// Fits model M with `breaks` breaks: grid, Levenberg–Marquardt polish of the best starts, then
/// `fit_finish`. `previous` seeds BNSL's earlier breaks.
template <class M>
fit_result fit_global(int breaks, const fit_data& d, const fit_options& o, const small_vector* previous = nullptr) {
  const int N = M::parameter_count(breaks);
  fit_result res;
  res.model = M::id;
  res.breaks = M::id == fit_model::bnsl ? breaks : 0;
  res.x_ref = d.x_ref;
  res.x_min = d.x_min;
  res.x_max = d.x_max;
  res.param_names = M::parameter_names(breaks);
  Eigen::VectorXd lower, upper;
  fit_bounds<M>(d, breaks, N, lower, upper);
  fit_grid<M> grid{d, o, breaks, {}};
  M::grid(d, breaks, previous, grid);
  const auto& best = grid.best;
  int starts = o.starts > 0 ? std::min(o.starts, 3) : M::default_starts;
  starts = std::min(starts, best.count);
  lm_options lo;
  lo.max_iterations = o.max_iterations;
  lo.loss = o.loss;
  lo.loss_scale = o.loss_scale;
  const fit_model_residuals<M> f{res.breaks, &d};
  lm_outcome chosen;
  chosen.cost = std::numeric_limits<double>::infinity();
  chosen.params = Eigen::VectorXd::Zero(N);
  if (best.count == 0) {
    chosen.params = chosen.params.cwiseMax(lower).cwiseMin(upper);
    chosen.reason = lm_stop::failed;
  }
  Eigen::VectorXd start(N);
  for (int s = 0; s < starts; ++s) {
    for (int j = 0; j < N; ++j) start(j) = best.items[static_cast<std::size_t>(s)].p(j);
    auto out = levenberg_marquardt(f, start, lower, upper, d.x.size(), lo);
    if (out.reason != lm_stop::failed && out.cost < chosen.cost) chosen = std::move(out);
    else if (s == 0 && out.reason == lm_stop::failed && chosen.reason == lm_stop::failed) chosen = std::move(out);
  }
  if (!std::isfinite(chosen.cost) && best.count > 0) {
    for (int j = 0; j < N; ++j) chosen.params(j) = best.items[0].p(j);
    chosen.reason = lm_stop::failed;
  }
  fit_finish<M>(res, d, chosen.params, chosen, lower, upper, o);
  return res;
}

/// Model M globally; BNSL with B breaks is grown greedily from the (B − 1)-break fit.
template <class M>
fit_result fit_grown(const fit_data& d, const fit_options& o) {
  if constexpr (M::id == fit_model::bnsl) {
    fit_result res = fit_global<M>(1, d, o);
    for (int b = 2; b <= o.breaks; ++b) {
      small_vector start;
      start.n = 3 + 3 * b;
      for (Eigen::Index j = 0; j < res.params.size(); ++j) start(static_cast<int>(j)) = res.params(j);
      res = fit_global<M>(b, d, o, &start);
    }
    return res;
  } else {
    return fit_global<M>(0, d, o);
  }
}

inline fit_data fit_prepare(std::span<const double> x, std::span<const double> y, std::span<const double> weights,
                        const fit_options& o, fit_model model, const char* fn) {
  if (x.size() != y.size()) {
    throw input_error(std::string(fn) + ": y: has " + std::to_string(y.size()) + " values but x has " +
                      std::to_string(x.size()));
  }
  if (!weights.empty() && weights.size() != x.size()) {
    throw input_error(std::string(fn) + ": weights: has " + std::to_string(weights.size()) +
                      " values but x has " + std::to_string(x.size()));
  }
  if (model == fit_model::bnsl && (o.breaks < 1 || o.breaks > 3)) {
    throw input_error(std::string(fn) + ": options.breaks: " + std::to_string(o.breaks) + " is not 1, 2 or 3");
  }
  if (o.loss != robust_loss::none && !(o.loss_scale > 0 && std::isfinite(o.loss_scale))) {
    throw input_error(std::string(fn) + ": options.loss_scale: must be positive and finite");
  }
  const int p = parameter_count(model, o.breaks);
  if (static_cast<long>(x.size()) < p) {
    throw input_error(std::string(fn) + ": x: " + std::to_string(x.size()) + " points but " +
                      std::string(to_string(model)) + " has " + std::to_string(p) + " parameters");
  }
  fit_data d;
  d.x = x;
  d.y = y;
  d.sw.assign(x.size(), 1.0);
  d.w.assign(x.size(), 1.0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) throw input_error(describe_at(fn, "x", i, "not finite"));
    if (!std::isfinite(y[i])) throw input_error(describe_at(fn, "y", i, "not finite"));
    if (!weights.empty() && o.use_weights) {
      if (!(weights[i] > 0 && std::isfinite(weights[i]))) {
        throw input_error(describe_at(fn, "weights", i, std::to_string(weights[i]) + " is not positive and finite"));
      }
      d.sw[i] = std::sqrt(weights[i]);
      d.w[i] = weights[i];
    }
    d.sum_w += d.w[i];
    d.sum_wy += d.w[i] * y[i];
    d.sum_wyy += d.w[i] * y[i] * y[i];
  }
  const auto [mn, mx] = std::minmax_element(x.begin(), x.end());
  d.x_min = *mn;
  d.x_max = *mx;
  d.range = d.x_max - d.x_min;
  if (!(d.range > 0)) throw input_error(std::string(fn) + ": x: all points have the same x");
  double sum = 0;
  for (double v : x) sum += v;
  d.x_ref = sum / static_cast<double>(x.size());
  const auto [ymn, ymx] = std::minmax_element(y.begin(), y.end());
  d.y_scale = std::max({*ymx - *ymn, std::abs(*ymx), std::abs(*ymn), 1e-300});
  return d;
}

}  // namespace detail

/// Fits the model with traits type M (one of `emergent::models`, e.g. `models::logistic`) to the points
/// (x[i], y[i]) with optional positive weights (1/σ²; ignored when `options.use_weights` is false).
/// x is the log10 of the scale quantity. Compiles M's fitter alone. Same errors and flags as `fit_xy`.
template <class M>
[[nodiscard]] fit_result fit(std::span<const double> x, std::span<const double> y, const fit_options& options = {},
                             std::span<const double> weights = {}) {
  const detail::fit_data d = detail::fit_prepare(x, y, weights, options, M::id, "fit");
  return detail::fit_grown<M>(d, options);
}

/// Fits `model` to the points (x[i], y[i]) with optional positive weights (1/σ²; ignored when
/// `options.use_weights` is false). x is the log10 of the scale quantity.
///
/// Throws `input_error` naming the argument and index on mismatched lengths, non-finite values,
/// non-positive weights, fewer points than parameters, a single distinct x, or a bad option. A fit
/// that runs but cannot be trusted is reported through `fit_result::status` and `flags`, never thrown.
template <class Deferred = void>  // a template only so that the fitter is compiled where it is called
[[nodiscard]] fit_result fit_xy(std::span<const double> x, std::span<const double> y, fit_model model,
                                       const fit_options& options = {}, std::span<const double> weights = {}) {
  const detail::fit_data d = detail::fit_prepare(x, y, weights, options, model, "fit_xy");
  return visit_fit_model(model, [&](auto m) { return detail::fit_grown<decltype(m)>(d, options); });
}

/// Weights 1/σ² of a curve's points, σ = (upper − lower)/(2·1.96) (a 95% interval read as ±1.96σ);
/// empty when the curve has no intervals. Throws `input_error` naming the index of a zero-width interval.
[[nodiscard]] inline std::vector<double> curve_weights(const scaling_curve& curve) {
  std::vector<double> w;
  if (curve.lower.empty()) return w;
  w.reserve(curve.size());
  for (std::size_t i = 0; i < curve.size(); ++i) {
    const double sigma = (curve.upper[i] - curve.lower[i]) / (2 * 1.96);
    if (!(sigma > 0)) {
      throw input_error(detail::describe_at("curve_weights", "upper - lower", i,
                                            "zero-width interval gives an infinite weight (set use_weights = false)"));
    }
    w.push_back(1.0 / (sigma * sigma));
  }
  return w;
}

/// Fits `model` to a scaling curve (x = log10 quantity). Points are weighted by 1/σ² from their
/// intervals when the curve has intervals and `options.use_weights` is true. Validates the curve first.
template <class Deferred = void>  // a template only so that the fitter is compiled where it is called
[[nodiscard]] fit_result fit_curve(const scaling_curve& curve, fit_model model, const fit_options& options = {}) {
  curve.validate();
  std::vector<double> w;
  if (options.use_weights) w = curve_weights(curve);
  return fit_xy(curve.x, curve.y, model, options, w);
}

}  // namespace emergent
