/// @file
/// @brief `fit_xy` and `fit_curve`: fit a built-in model globally — variable projection over a
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
#include <Eigen/Eigenvalues>

#include "emergent/core/error.hpp"
#include "emergent/core/scaling_curve.hpp"
#include "emergent/fit/fit_result.hpp"
#include "emergent/fit/levenberg_marquardt.hpp"
#include "emergent/fit/models.hpp"

namespace emergent {

/// Settings of `fit_xy` and `fit_curve`.
struct fit_options {
  int breaks = 1;                        ///< number of breaks of `bnsl` (1, 2 or 3)
  robust_loss loss = robust_loss::none;  ///< robust loss (SciPy `least_squares` semantics)
  double loss_scale = 1.0;               ///< scale of the robust loss, in units of y (times √w)
  bool use_weights = true;               ///< weights 1/σ² from the curve's intervals (or the weights given)
  int max_iterations = 200;              ///< iteration limit of each Levenberg–Marquardt polish
  double condition_limit = 1e10;         ///< condition number of column-scaled JᵀJ above which the fit is not identifiable
  double location_se_limit = 2.0;        ///< x0/d_i standard error above this many x ranges: not identifiable
  double amplitude_se_limit = 10.0;      ///< linear-parameter standard error above this many y scales: not identifiable
  int starts = 0;                        ///< grid points polished by LM (0: the model's default, 1 to 3)
};

namespace detail {

/// Sizes, bounds and reference points of one fitting problem.
struct fit_data {
  std::span<const double> x, y;
  std::vector<double> sw;  // √weight per point (1 when unweighted)
  std::vector<double> w;   // weight per point
  double x_min = 0, x_max = 0, range = 1, x_ref = 0, y_scale = 1;
  double sum_w = 0, sum_wy = 0, sum_wyy = 0;  // Σw, Σwy, Σwy² (constant over the grid)
};

/// A starting point found by the grid and its cost.
template <int N>
struct fit_grid_start {
  Eigen::Matrix<double, N, 1> p;
  double cost = std::numeric_limits<double>::infinity();
};

/// Keeps the K lowest-cost starting points.
template <int N, int K>
struct fit_top_k {
  std::array<fit_grid_start<N>, K> items{};
  int count = 0;
  void offer(const Eigen::Matrix<double, N, 1>& p, double cost) {
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

/// Weighted least squares for y ≈ c0·φ0 + c1·φ1 from accumulated sums; returns the RSS (inf when singular).
struct fit_two_basis {
  double s00 = 0, s01 = 0, s11 = 0, t0 = 0, t1 = 0, yy = 0;
  void add(double w, double f0, double f1, double y) {
    s00 += w * f0 * f0;
    s01 += w * f0 * f1;
    s11 += w * f1 * f1;
    t0 += w * f0 * y;
    t1 += w * f1 * y;
    yy += w * y * y;
  }
  double solve(double& c0, double& c1) const {
    const double det = s00 * s11 - s01 * s01;
    if (!(det > 1e-12 * s00 * s11) || !std::isfinite(det)) return std::numeric_limits<double>::infinity();
    c0 = (s11 * t0 - s01 * t1) / det;
    c1 = (s00 * t1 - s01 * t0) / det;
    return std::max(0.0, yy - c0 * t0 - c1 * t1);
  }
};

/// Robust (or plain) cost of the model at p over the data.
template <class P>
double fit_data_cost(fit_model model, int breaks, const fit_data& d, const P& p, const fit_options& o) {
  double sum = 0;
  const double s2 = o.loss_scale * o.loss_scale;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    const double r = d.sw[i] * (fit_model_eval(model, breaks, d.x_ref, d.x[i], p, static_cast<P*>(nullptr)) - d.y[i]);
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

/// Offers one variable-projection grid point with basis (φ0, φ1), φ1 = `f1(i)` and φ0 = 1 − φ1
/// (`complement`, the logistic) or φ0 = 1 (power law, BNSL). Only Σwφ1, Σwφ1², Σwφ1y depend on the
/// grid point; the rest of the 2×2 normal equations comes from Σw, Σwy, Σwy² computed once.
template <int N, int K, class F1, class Place>
void fit_offer_projected(fit_top_k<N, K>& best, const fit_data& d, Eigen::Matrix<double, N, 1> p, fit_model model,
                         int breaks, const fit_options& o, bool complement, F1&& f1, Place&& place) {
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
  place(p, c0, c1);
  cost = o.loss == robust_loss::none ? 0.5 * cost : fit_data_cost(model, breaks, d, p, o);
  best.offer(p, cost);
}

inline std::vector<double> fit_linspace(double a, double b, int k) {
  std::vector<double> v(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) v[static_cast<std::size_t>(i)] = k == 1 ? 0.5 * (a + b) : a + (b - a) * i / (k - 1);
  return v;
}

/// Box bounds of a built-in model (see the file comment).
template <int N>
void fit_model_bounds(fit_model model, int breaks, const fit_data& d, Eigen::Matrix<double, N, 1>& lo,
                  Eigen::Matrix<double, N, 1>& hi) {
  const double inf = std::numeric_limits<double>::infinity();
  const double R = d.range;
  lo.setConstant(-inf);
  hi.setConstant(inf);
  // `if constexpr` keeps g++ from warning about indices of the other models' (dead) branches.
  switch (model) {
    case fit_model::linear: break;
    case fit_model::power_law:
      if constexpr (N == 3) {
        lo(2) = -64 / R;
        hi(2) = 64 / R;
      }
      break;
    case fit_model::logistic:
      if constexpr (N == 4) {
        lo(2) = 0.1 / R; hi(2) = 1000 / R;
        lo(3) = d.x_min - 2 * R; hi(3) = d.x_max + 2 * R;
      }
      break;
    case fit_model::accuracy_law:
      if constexpr (N == 2) {
        lo(0) = 0; lo(1) = 1e-6 / R; hi(1) = 64 / R;
      }
      break;
    case fit_model::bnsl:
      if constexpr (N >= 6) {
        lo(2) = -100 / R; hi(2) = 100 / R;
        for (int i = 0; i < breaks && 5 + 3 * i < N; ++i) {
          lo(3 + 3 * i) = -100 / R; hi(3 + 3 * i) = 100 / R;
          lo(4 + 3 * i) = d.x_min - R; hi(4 + 3 * i) = d.x_max + R;
          lo(5 + 3 * i) = R / 1000; hi(5 + 3 * i) = 10 * R;
        }
      }
      break;
  }
}

/// Deterministic grid over the nonlinear parameters; the linear ones are projected out.
template <int N, int K>
void fit_grid_search(fit_model model, int breaks, const fit_data& d, const fit_options& o, fit_top_k<N, K>& best,
                 const Eigen::Matrix<double, N, 1>* previous) {
  using vec = Eigen::Matrix<double, N, 1>;
  const double R = d.range;
  const std::size_t n = d.x.size();
  vec p = vec::Zero();
  switch (model) {
    case fit_model::linear: {
      if constexpr (N == 2) {
        fit_two_basis acc;
        for (std::size_t i = 0; i < n; ++i) acc.add(d.sw[i] * d.sw[i], 1.0, d.x[i], d.y[i]);
        double c0 = 0, c1 = 0;
        const double cost = acc.solve(c0, c1);
        p(0) = c0;
        p(1) = c1;
        best.offer(p, std::isfinite(cost) ? 0.5 * cost : 1.0);
      }
      return;
    }
    case fit_model::power_law: {
      if constexpr (N == 3) {
        static constexpr double rates[] = {0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 32};
        for (double sign : {1.0, -1.0}) {
          for (double rate : rates) {
            p(2) = sign * rate / R;
            fit_offer_projected(best, d, p, model, breaks, o, false,
                            [&](std::size_t i) { return std::exp(-fit_ln10 * p(2) * (d.x[i] - d.x_ref)); },
                            [](vec& q, double c0, double c1) { q(0) = c0; q(1) = c1; });
          }
        }
      }
      return;
    }
    case fit_model::logistic: {
      if constexpr (N == 4) {
        static constexpr double rates[] = {0.5, 1, 2, 4, 8, 16, 32, 64, 128};
        constexpr int n_centers = 17;
        const auto centers = fit_linspace(d.x_min - 0.25 * R, d.x_max + 0.25 * R, n_centers);
        // s = 1/(1 + e^(−k(x − x_ref))·e^(k(c − x_ref))): one exp per point and per centre, not per pair
        // (|k(x − x_ref)| ≤ 64 and |k(c − x_ref)| ≤ 96 on this grid, far from overflow).
        std::vector<double> ex(n);
        for (double rate : rates) {
          p(2) = rate / R;
          for (std::size_t i = 0; i < n; ++i) ex[i] = std::exp(-p(2) * (d.x[i] - d.x_ref));
          for (double c : centers) {
            p(3) = c;
            const double ec = std::exp(p(2) * (c - d.x_ref));
            fit_offer_projected(best, d, p, model, breaks, o, true,
                            [&](std::size_t i) { return 1.0 / (1.0 + ex[i] * ec); },
                            [](vec& q, double c0, double c1) { q(0) = c0; q(1) = c1; });
          }
        }
      }
      return;
    }
    case fit_model::accuracy_law: {
      if constexpr (N == 2) {
        static constexpr double rates[] = {0.1, 0.2, 0.5, 1, 2, 4, 8, 16, 32};
        const auto centers = fit_linspace(d.x_min - R, d.x_max + R, 21);
        for (double rate : rates) {
          p(1) = rate / R;
          for (double c : centers) {
            p(0) = std::exp(fit_ln10 * p(1) * c);
            best.offer(p, fit_data_cost(model, breaks, d, p, o));
          }
        }
      }
      return;
    }
    case fit_model::bnsl: {
      if constexpr (N >= 6) {
        const auto positions = fit_linspace(d.x_min + R / 8, d.x_max - R / 8, 7);
        static constexpr double slopes[] = {-8, -2, -0.5, 0.5, 2, 8};
        static constexpr double smooth[] = {0.03, 0.1, 0.3};
        const int b = breaks - 1;  // the break searched on the grid; earlier ones come from `previous`
        if (b < 0 || 5 + 3 * b >= N) return;
        if (previous) p = *previous;
        static constexpr double base_slopes[] = {-2, -0.5, 0, 0.5, 2};
        const int base_count = previous ? 1 : 5;
        for (int bi = 0; bi < base_count; ++bi) {
          if (!previous) p(2) = base_slopes[bi] / R;
          for (double c : slopes) {
            p(3 + 3 * b) = c / R;
            for (double pos : positions) {
              p(4 + 3 * b) = pos;
              for (double f : smooth) {
                p(5 + 3 * b) = f * R;
                vec q = p;
                q(0) = 0;
                q(1) = 1;
                fit_offer_projected(best, d, p, model, breaks, o, false,
                                [&](std::size_t i) {
                                  return fit_model_eval(model, breaks, d.x_ref, d.x[i], q, static_cast<vec*>(nullptr));
                                },
                                [](vec& q, double c0, double c1) { q(0) = c0; q(1) = c1; });
              }
            }
          }
        }
      }
      return;
    }
  }
}

/// Residuals √w (model − y) and their Jacobian for the LM polish.
struct fit_model_residuals {
  fit_model model;
  int breaks;
  const fit_data* d;
  template <class P, class J>
  void operator()(const P& p, Eigen::VectorXd& r, J* jac) const {
    using row_t = Eigen::Matrix<double, P::RowsAtCompileTime, 1>;
    row_t g;
    for (std::size_t i = 0; i < d->x.size(); ++i) {
      const auto ii = static_cast<Eigen::Index>(i);
      const double f = fit_model_eval(model, breaks, d->x_ref, d->x[i], p, jac ? &g : static_cast<row_t*>(nullptr));
      r(ii) = d->sw[i] * (f - d->y[i]);
      if (jac) jac->row(ii) = d->sw[i] * g.transpose();
    }
  }
};

/// Fills covariance, standard errors, information criteria, flags and status of a finished fit.
template <int N>
void fit_finish(fit_result& res, const fit_data& d, const Eigen::Matrix<double, N, 1>& p, const lm_outcome<N>& lm,
            const Eigen::Matrix<double, N, 1>& lower, const Eigen::Matrix<double, N, 1>& upper, const fit_options& o) {
  const std::size_t n = d.x.size();
  const auto rows = static_cast<Eigen::Index>(n);
  const double inf = std::numeric_limits<double>::infinity();
  Eigen::VectorXd r(rows);
  Eigen::Matrix<double, Eigen::Dynamic, N> J(rows, N);
  fit_model_residuals{res.model, res.breaks, &d}(p, r, &J);
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
  const long dof = static_cast<long>(n) - N;
  // Dynamic sizes here (once per fit): the fixed-size eigen-solver trips g++-12's -Wmaybe-uninitialized.
  const Eigen::MatrixXd A = J.transpose() * J;
  Eigen::VectorXd scale(N);
  for (int j = 0; j < N; ++j) scale(j) = A(j, j) > 0 ? 1.0 / std::sqrt(A(j, j)) : 0.0;
  const Eigen::MatrixXd As = scale.asDiagonal() * A * scale.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(As);
  const double lmax = eig.eigenvalues().maxCoeff(), lmin = eig.eigenvalues().minCoeff();
  res.condition = (lmin > 0 && (scale.array() > 0).all()) ? lmax / lmin : inf;
  res.covariance.resize(N, N);
  res.std_errors.resize(N);
  const bool singular = !(res.condition < 1e14) || !std::isfinite(res.condition);
  if (singular || dof <= 0) {
    res.covariance.setConstant(inf);
    res.std_errors.setConstant(inf);
  } else {
    const double s2 = cost2 / static_cast<double>(dof);
    const Eigen::MatrixXd inv = eig.eigenvectors() * eig.eigenvalues().cwiseInverse().asDiagonal() * eig.eigenvectors().transpose();
    res.covariance = s2 * (scale.asDiagonal() * inv * scale.asDiagonal());
    for (int j = 0; j < N; ++j) res.std_errors(j) = std::sqrt(std::max(0.0, res.covariance(j, j)));
  }
  // Information criteria with k = p + 1.
  const double nn = static_cast<double>(n);
  const double k = N + 1.0;
  const double ll = res.rss > 0 ? nn * std::log(res.rss / nn) : -inf;
  res.aicc = (nn - k - 1 > 0) ? ll + 2 * k + 2 * k * (k + 1) / (nn - k - 1) : inf;
  res.bic = ll + k * std::log(nn);

  // Flags.
  auto& flags = res.flags;
  bool bound = false, unidentified = false;
  for (int j = 0; j < N; ++j) {
    const double width = (std::isfinite(upper(j)) && std::isfinite(lower(j))) ? upper(j) - lower(j) : 1.0;
    const double tol = 1e-6 * width;
    if ((std::isfinite(lower(j)) && p(j) <= lower(j) + tol) || (std::isfinite(upper(j)) && p(j) >= upper(j) - tol)) {
      flags.push_back("at_bound:" + res.param_names[static_cast<std::size_t>(j)]);
      bound = true;
    }
  }
  if (res.condition > o.condition_limit) unidentified = true;
  const auto se = [&](int j) { return res.std_errors(j); };
  switch (res.model) {
    case fit_model::logistic:
      if (se(3) > o.location_se_limit * d.range || se(0) > o.amplitude_se_limit * d.y_scale ||
          se(1) > o.amplitude_se_limit * d.y_scale) {
        unidentified = true;
      }
      break;
    case fit_model::power_law:
      if (se(0) > o.amplitude_se_limit * d.y_scale || se(1) > o.amplitude_se_limit * d.y_scale) unidentified = true;
      break;
    case fit_model::bnsl:
      if (se(0) > o.amplitude_se_limit * d.y_scale) unidentified = true;
      for (int i = 0; i < res.breaks; ++i) {
        if (se(4 + 3 * i) > o.location_se_limit * d.range) unidentified = true;
      }
      break;
    case fit_model::linear:
    case fit_model::accuracy_law: break;
  }
  bool outside = false;
  if constexpr (N == 4) {
   if (res.model == fit_model::logistic) {
    if (p(3) < d.x_min || p(3) > d.x_max) {
      flags.emplace_back("midpoint_outside_data");
      outside = true;
    }
    // Neither plateau approached within the data: lo and hi are extrapolations, and a line or a
    // parabola describes the points as well (the logistic covers less than its middle 80%).
    const double s_lo = fit_sigmoid(p(2) * (d.x_min - p(3))), s_hi = fit_sigmoid(p(2) * (d.x_max - p(3)));
    if (s_lo > 0.1 && s_hi < 0.9) {
      flags.emplace_back("plateaus_outside_data");
      outside = true;
    }
   }
  }
  if (res.model == fit_model::bnsl) {
    for (int i = 0; i < res.breaks && 4 + 3 * i < N; ++i) {
      const double b = res.params(4 + 3 * i);
      if (b < d.x_min || b > d.x_max) {
        flags.push_back("break_outside_data:d" + std::to_string(i + 1));
        outside = true;
      }
    }
  }
  if (unidentified || outside) flags.emplace_back("not_identifiable");
  const bool few = static_cast<long>(n) < N + 2;
  if (few) flags.emplace_back("too_few_points");
  const bool maxit = lm.reason == lm_stop::max_iterations;
  if (maxit) flags.emplace_back("max_iterations");
  if (lm.reason == lm_stop::failed || !p.allFinite() || !std::isfinite(res.rss)) {
    res.status = fit_status::failed;
    flags.emplace_back("failed");
  } else if (few) {
    res.status = fit_status::too_few_points;
  } else if (unidentified || outside) {
    res.status = fit_status::not_identifiable;
  } else if (bound) {
    res.status = fit_status::hit_bound;
  } else if (maxit) {
    res.status = fit_status::max_iterations;
  } else {
    res.status = fit_status::converged;
  }
}

/// Fits a model with N parameters: grid, LM polish of the best starts, then `fit_finish`.
template <int N>
fit_result fit_fixed(fit_model model, int breaks, const fit_data& d, const fit_options& o,
                     const Eigen::Matrix<double, N, 1>* previous = nullptr) {
  using vec = Eigen::Matrix<double, N, 1>;
  fit_result res;
  res.model = model;
  res.breaks = model == fit_model::bnsl ? breaks : 0;
  res.x_ref = d.x_ref;
  res.x_min = d.x_min;
  res.x_max = d.x_max;
  res.param_names = parameter_names(model, breaks);
  vec lower, upper;
  fit_model_bounds<N>(model, breaks, d, lower, upper);
  fit_top_k<N, 3> best;
  fit_grid_search<N, 3>(model, breaks, d, o, best, previous);
  int starts = o.starts > 0 ? std::min(o.starts, 3) : (model == fit_model::bnsl || model == fit_model::accuracy_law ? 3 : 1);
  starts = std::min(starts, best.count);
  lm_options lo;
  lo.max_iterations = o.max_iterations;
  lo.loss = o.loss;
  lo.loss_scale = o.loss_scale;
  const fit_model_residuals f{model, breaks, &d};
  lm_outcome<N> chosen;
  chosen.cost = std::numeric_limits<double>::infinity();
  chosen.params = vec::Zero();
  if (best.count == 0) {
    chosen.params = vec::Zero().cwiseMax(lower).cwiseMin(upper);
    chosen.reason = lm_stop::failed;
  }
  for (int s = 0; s < starts; ++s) {
    const auto out = levenberg_marquardt<N>(f, best.items[static_cast<std::size_t>(s)].p, lower, upper, d.x.size(), lo);
    if (out.reason != lm_stop::failed && out.cost < chosen.cost) chosen = out;
    if (s == 0 && out.reason == lm_stop::failed && chosen.reason == lm_stop::failed) chosen = out;
  }
  if (!std::isfinite(chosen.cost) && best.count > 0) {
    chosen.params = best.items[0].p;
    chosen.reason = lm_stop::failed;
  }
  fit_finish<N>(res, d, chosen.params, chosen, lower, upper, o);
  return res;
}

/// BNSL with B breaks, grown greedily from the (B−1)-break fit.
template <int B>
fit_result fit_bnsl(const fit_data& d, const fit_options& o) {
  constexpr int N = 3 + 3 * B;
  if constexpr (B == 1) {
    return fit_fixed<N>(fit_model::bnsl, 1, d, o);
  } else {
    const fit_result prev = fit_bnsl<B - 1>(d, o);
    Eigen::Matrix<double, N, 1> start = Eigen::Matrix<double, N, 1>::Zero();
    start.template head<N - 3>() = prev.params;
    return fit_fixed<N>(fit_model::bnsl, B, d, o, &start);
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

/// Fits `model` to the points (x[i], y[i]) with optional positive weights (1/σ²; ignored when
/// `options.use_weights` is false). x is the log10 of the scale quantity.
///
/// Throws `input_error` naming the argument and index on mismatched lengths, non-finite values,
/// non-positive weights, fewer points than parameters, a single distinct x, or a bad option. A fit
/// that runs but cannot be trusted is reported through `fit_result::status` and `flags`, never thrown.
[[nodiscard]] inline fit_result fit_xy(std::span<const double> x, std::span<const double> y, fit_model model,
                                       const fit_options& options = {}, std::span<const double> weights = {}) {
  const detail::fit_data d = detail::fit_prepare(x, y, weights, options, model, "fit_xy");
  switch (model) {
    case fit_model::linear: return detail::fit_fixed<2>(model, 0, d, options);
    case fit_model::power_law: return detail::fit_fixed<3>(model, 0, d, options);
    case fit_model::logistic: return detail::fit_fixed<4>(model, 0, d, options);
    case fit_model::accuracy_law: return detail::fit_fixed<2>(model, 0, d, options);
    case fit_model::bnsl:
      if (options.breaks == 1) return detail::fit_bnsl<1>(d, options);
      if (options.breaks == 2) return detail::fit_bnsl<2>(d, options);
      return detail::fit_bnsl<3>(d, options);
  }
  throw input_error("fit_xy: model: unknown model");
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
[[nodiscard]] inline fit_result fit_curve(const scaling_curve& curve, fit_model model, const fit_options& options = {}) {
  curve.validate();
  std::vector<double> w;
  if (options.use_weights) w = curve_weights(curve);
  return fit_xy(curve.x, curve.y, model, options, w);
}

}  // namespace emergent
