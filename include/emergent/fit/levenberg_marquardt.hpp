/// @file
/// @brief Levenberg–Marquardt for small problems: the parameter count is a template argument, so the
///        normal equations live in fixed-size Eigen types and the iteration allocates nothing (the
///        residual vector and Jacobian are allocated once, before the first iteration).
///
/// Method (Moré 1978; Nielsen 1999 for the damping update): at each step solve
/// (JᵀJ + μ·D) δ = −Jᵀr with D the running maximum of diag(JᵀJ) (Marquardt's scaling, which makes
/// the iteration invariant to rescaling a parameter), project p + δ onto the box [lower, upper]
/// (bounds by projection), accept the step when the cost decreased, and update μ by the gain ratio.
/// Robust losses follow SciPy's `least_squares` (Triggs et al. 2000 correction): with z = (r/s)²,
/// cost = ½ s² Σ ρ(z), and each residual and Jacobian row is rescaled so that the Gauss–Newton model
/// matches the robust cost to second order.
///
/// Stopping rules are relative, so they do not depend on the scale of y: the cost decreased by less
/// than `ftol`·cost; the step is shorter than `xtol`·(‖p‖ + xtol); or the largest cosine between the
/// residual vector and a (free) Jacobian column is below `gtol` (MINPACK's gtol).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "emergent/core/error.hpp"

namespace emergent {

/// Robust loss ρ applied to z = (r/scale)² (the same functions as SciPy's `least_squares`).
enum class robust_loss {
  /// ρ(z) = z: ordinary least squares.
  none,
  /// ρ(z) = z for z ≤ 1, 2√z − 1 otherwise (Huber 1964).
  huber,
  /// ρ(z) = 2(√(1 + z) − 1): a smooth approximation of the absolute value.
  soft_l1,
  /// ρ(z) = ln(1 + z) (Cauchy / Lorentzian): strongly down-weights outliers.
  cauchy,
};

/// Why a Levenberg–Marquardt run stopped.
enum class lm_stop {
  /// Relative cost reduction below `ftol`.
  ftol,
  /// Relative step length below `xtol`.
  xtol,
  /// Gradient orthogonal to the residuals (cosine below `gtol`), or an exact fit.
  gtol,
  /// `max_iterations` reached before a convergence test held.
  max_iterations,
  /// The residuals were not finite at the starting point.
  failed,
};

/// Settings of the Levenberg–Marquardt iteration.
struct lm_options {
  int max_iterations = 200;          ///< maximum number of accepted or rejected steps
  double ftol = 1e-10;               ///< relative cost reduction test
  double xtol = 1e-9;                ///< relative step length test
  double gtol = 1e-10;               ///< cosine test between residuals and Jacobian columns
  robust_loss loss = robust_loss::none;  ///< robust loss applied to the residuals
  double loss_scale = 1.0;           ///< scale s of the robust loss: residuals well below s count as inliers
};

/// Outcome of `levenberg_marquardt`.
template <int N>
struct lm_outcome {
  Eigen::Matrix<double, N, 1> params;  ///< the parameters at which the iteration stopped
  double cost = 0;                     ///< ½ Σ ρ at `params` (½ Σ r² without a robust loss)
  int iterations = 0;                  ///< number of steps tried (accepted or rejected)
  int evaluations = 0;                 ///< number of residual evaluations
  lm_stop reason = lm_stop::failed;    ///< which test stopped the iteration
};

namespace detail {

/// ρ(z), ρ'(z), ρ''(z) of a robust loss.
inline void lm_robust_rho(robust_loss loss, double z, double& r0, double& r1, double& r2) noexcept {
  switch (loss) {
    case robust_loss::none: r0 = z; r1 = 1; r2 = 0; return;
    case robust_loss::huber:
      if (z <= 1) { r0 = z; r1 = 1; r2 = 0; }
      else { const double s = std::sqrt(z); r0 = 2 * s - 1; r1 = 1 / s; r2 = -0.5 / (z * s); }
      return;
    case robust_loss::soft_l1: {
      const double t = 1 + z, s = std::sqrt(t);
      r0 = 2 * (s - 1); r1 = 1 / s; r2 = -0.5 / (t * s);
      return;
    }
    case robust_loss::cauchy: {
      const double t = 1 + z;
      r0 = std::log(t); r1 = 1 / t; r2 = -1 / (t * t);
      return;
    }
  }
  r0 = z; r1 = 1; r2 = 0;
}

/// ½ s² Σ ρ((r/s)²), the robust cost of a residual vector.
template <class R>
double lm_robust_cost(const R& r, robust_loss loss, double scale) noexcept {
  if (loss == robust_loss::none) return 0.5 * r.squaredNorm();
  double sum = 0;
  const double s2 = scale * scale;
  for (Eigen::Index i = 0; i < r.size(); ++i) {
    double r0, r1, r2;
    lm_robust_rho(loss, r(i) * r(i) / s2, r0, r1, r2);
    sum += r0;
  }
  return 0.5 * s2 * sum;
}

/// Rescales residuals and Jacobian rows in place as SciPy's `scale_for_robust_loss_function` does.
template <class R, class J>
void lm_robust_scale(R& r, J& jac, robust_loss loss, double scale) noexcept {
  if (loss == robust_loss::none) return;
  const double s2 = scale * scale;
  for (Eigen::Index i = 0; i < r.size(); ++i) {
    double r0, r1, r2;
    const double z = r(i) * r(i) / s2;
    lm_robust_rho(loss, z, r0, r1, r2);
    double js = r1 + 2 * r2 * z;  // rho'' is per z; rho''·(f²) in SciPy's units is r2/s²·f² = r2·z
    if (js < std::numeric_limits<double>::epsilon()) js = std::numeric_limits<double>::epsilon();
    js = std::sqrt(js);
    r(i) *= r1 / js;
    jac.row(i) *= js;
  }
}

}  // namespace detail

/// Minimises ½ Σ ρ(r_i(p)²) over the box [lower, upper] by Levenberg–Marquardt.
///
/// `residuals(p, r, J)` writes the n residuals at p into `r` (an `Eigen::VectorXd` of size n) and,
/// when `J` is not null, the n×N Jacobian dr/dp into `*J`. `p0` is clamped into the box. Returns the
/// final parameters, cost, iteration count and the stopping reason; never throws for a bad fit.
template <int N, class Residuals>
[[nodiscard]] lm_outcome<N> levenberg_marquardt(Residuals&& residuals, const Eigen::Matrix<double, N, 1>& p0,
                                                const Eigen::Matrix<double, N, 1>& lower,
                                                const Eigen::Matrix<double, N, 1>& upper, std::size_t n,
                                                const lm_options& options = {}) {
  using vec = Eigen::Matrix<double, N, 1>;
  using mat = Eigen::Matrix<double, N, N>;
  using jac_t = Eigen::Matrix<double, Eigen::Dynamic, N>;
  const auto rows = static_cast<Eigen::Index>(n);
  Eigen::VectorXd r(rows), r_new(rows);
  jac_t J(rows, N), J_new(rows, N);  // trial residuals and Jacobian are computed together, swapped in on success
  lm_outcome<N> out;
  vec p = p0.cwiseMax(lower).cwiseMin(upper);
  out.params = p;
  residuals(p, r, &J);
  out.evaluations = 1;
  if (!r.allFinite() || !J.allFinite()) {
    out.reason = lm_stop::failed;
    out.cost = std::numeric_limits<double>::infinity();
    return out;
  }
  double cost = detail::lm_robust_cost(r, options.loss, options.loss_scale);
  detail::lm_robust_scale(r, J, options.loss, options.loss_scale);
  mat A = J.transpose() * J;
  vec g = J.transpose() * r;
  vec D = A.diagonal().cwiseMax(1e-300);
  double mu = 1e-3, nu = 2;
  Eigen::LDLT<mat> solver;
  out.reason = lm_stop::max_iterations;
  for (int it = 0; it < options.max_iterations; ++it) {
    // Gradient test on the free parameters (those not held at a bound by the gradient).
    if (cost <= 0) {
      out.reason = lm_stop::gtol;
      break;
    }
    double gmax = 0;
    const double rnorm = std::sqrt(2 * cost);
    for (int j = 0; j < N; ++j) {
      const bool held = (p(j) <= lower(j) && g(j) > 0) || (p(j) >= upper(j) && g(j) < 0);
      if (held || A(j, j) <= 0) continue;
      gmax = std::max(gmax, std::abs(g(j)) / (std::sqrt(A(j, j)) * rnorm));
    }
    if (gmax <= options.gtol) {
      out.reason = lm_stop::gtol;
      break;
    }
    ++out.iterations;
    mat M = A;
    M.diagonal() += mu * D;
    solver.compute(M);
    vec step = solver.solve(-g);
    vec p_new = (p + step).cwiseMax(lower).cwiseMin(upper);
    step = p_new - p;
    if (!step.allFinite()) {
      mu *= nu;
      nu *= 2;
      continue;
    }
    if (step.norm() <= options.xtol * (p.norm() + options.xtol)) {
      out.reason = lm_stop::xtol;
      break;
    }
    residuals(p_new, r_new, &J_new);
    ++out.evaluations;
    const double cost_new =
        r_new.allFinite() ? detail::lm_robust_cost(r_new, options.loss, options.loss_scale) : std::numeric_limits<double>::infinity();
    const double predicted = -(g.dot(step) + 0.5 * step.dot(A * step));
    const double actual = cost - cost_new;
    if (actual > 0 && std::isfinite(cost_new)) {
      const double rho = predicted > 0 ? actual / predicted : 1.0;
      p = p_new;
      r.swap(r_new);  // pointer swaps: no allocation
      J.swap(J_new);
      if (!J.allFinite()) {
        out.reason = lm_stop::failed;
        break;
      }
      const double old_cost = cost;
      cost = cost_new;
      detail::lm_robust_scale(r, J, options.loss, options.loss_scale);
      A.noalias() = J.transpose() * J;
      g.noalias() = J.transpose() * r;
      D = D.cwiseMax(A.diagonal());
      const double t = 2 * rho - 1;
      mu *= std::max(1.0 / 3.0, 1 - t * t * t);
      nu = 2;
      if (actual <= options.ftol * old_cost) {
        out.reason = lm_stop::ftol;
        break;
      }
    } else {
      mu *= nu;
      nu *= 2;
      if (mu > 1e20) {
        out.reason = lm_stop::xtol;
        break;
      }
    }
  }
  out.params = p;
  out.cost = cost;
  return out;
}

}  // namespace emergent
