/// @file
/// @brief Levenberg–Marquardt for small problems (at most 12 parameters): the normal equations are
///        solved by the Cholesky routine of core/detail/small_dense.hpp on a fixed-capacity array, so
///        the iteration allocates nothing after its first step and instantiates no Eigen solver (the
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
#include <string_view>

#include <Eigen/Core>

#include "emergent/core/detail/small_dense.hpp"
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

/// The name of a loss as given on the command line and in Python: "none", "huber", "soft_l1" or
/// "cauchy" (SciPy's `least_squares(loss=...)` names, "linear" there being "none" here).
[[nodiscard]] constexpr std::string_view to_string(robust_loss loss) noexcept {
  switch (loss) {
    case robust_loss::none: return "none";
    case robust_loss::huber: return "huber";
    case robust_loss::soft_l1: return "soft_l1";
    case robust_loss::cauchy: return "cauchy";
  }
  return "unknown";
}

/// Parses a loss name as printed by `to_string(robust_loss)`; throws `input_error` naming the value
/// and listing the valid names on anything else.
[[nodiscard]] inline robust_loss parse_robust_loss(std::string_view name) {
  for (const robust_loss l : {robust_loss::none, robust_loss::huber, robust_loss::soft_l1, robust_loss::cauchy}) {
    if (name == to_string(l)) return l;
  }
  throw input_error("parse_robust_loss: name: '" + std::string(name) + "' is not one of none, huber, soft_l1, cauchy");
}

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
struct lm_outcome {
  Eigen::VectorXd params;              ///< the parameters at which the iteration stopped
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

namespace detail {

/// A = JᵀJ (upper and lower triangle) and g = Jᵀr for an n×p column-major Jacobian.
inline void lm_normal_equations(const Eigen::MatrixXd& J, const Eigen::VectorXd& r, small_matrix& A,
                                small_vector& g) noexcept {
  const auto rows = J.rows();
  const int p = static_cast<int>(J.cols());
  A.n = g.n = p;
  for (int j = 0; j < p; ++j) {
    const double* cj = J.data() + j * rows;
    for (int k = 0; k <= j; ++k) {
      const double* ck = J.data() + k * rows;
      double s = 0;
      for (Eigen::Index i = 0; i < rows; ++i) s += cj[i] * ck[i];
      A(j, k) = A(k, j) = s;
    }
    double t = 0;
    for (Eigen::Index i = 0; i < rows; ++i) t += cj[i] * r(i);
    g(j) = t;
  }
}

/// Covariance s²(JᵀJ)⁻¹ at a least-squares optimum, s² = `cost2`/`dof`, computed on the column-scaled
/// JᵀJ (Marquardt scaling) through its eigen-decomposition; `condition` is that matrix's condition
/// number (+infinity when singular or when a column of J is zero). When the condition number is not
/// below 10¹⁴ or dof ≤ 0, `covariance` is +infinity everywhere (never NaN).
struct lm_covariance {
  double condition = 0;  ///< condition number of the column-scaled JᵀJ
  small_matrix covariance;  ///< s²(JᵀJ)⁻¹, or +infinity
};

/// See `lm_covariance`. `J` and `r` are the (robustly rescaled) Jacobian and residuals at the optimum.
inline lm_covariance lm_covariance_at(const Eigen::MatrixXd& J, const Eigen::VectorXd& r, double cost2, long dof) noexcept {
  const int N = static_cast<int>(J.cols());
  const double inf = std::numeric_limits<double>::infinity();
  small_matrix A, As, V;
  small_vector g, scale, w;
  lm_normal_equations(J, r, A, g);
  scale.n = w.n = As.n = N;
  bool scaled = true;
  for (int j = 0; j < N; ++j) {
    scale(j) = A(j, j) > 0 ? 1.0 / std::sqrt(A(j, j)) : 0.0;
    scaled = scaled && scale(j) > 0;
  }
  for (int j = 0; j < N; ++j)
    for (int k = 0; k < N; ++k) As(j, k) = scale(j) * A(j, k) * scale(k);
  small_symmetric_eigen(As, w.v.data(), V);
  double lmin = w(0), lmax = w(0);
  for (int j = 1; j < N; ++j) {
    lmin = std::min(lmin, w(j));
    lmax = std::max(lmax, w(j));
  }
  lm_covariance out;
  out.condition = (lmin > 0 && scaled) ? lmax / lmin : inf;
  out.covariance.n = N;
  if (!(out.condition < 1e14) || dof <= 0) {
    out.covariance.a.fill(inf);
    return out;
  }
  const double s2 = cost2 / static_cast<double>(dof);
  for (int j = 0; j < N; ++j) {
    for (int k = 0; k < N; ++k) {
      double inv = 0;  // (V·diag(1/w)·Vᵀ)(j, k)
      for (int m = 0; m < N; ++m) inv += V(j, m) * V(k, m) / w(m);
      out.covariance(j, k) = s2 * scale(j) * inv * scale(k);
    }
  }
  return out;
}

}  // namespace detail

/// Minimises ½ Σ ρ(r_i(p)²) over the box [lower, upper] by Levenberg–Marquardt.
///
/// `residuals(p, r, J)` receives `const Eigen::VectorXd& p`, writes the n residuals at p into `r` (an
/// `Eigen::VectorXd` of size n) and, when `J` (an `Eigen::MatrixXd*`) is not null, the n×N Jacobian
/// dr/dp into `*J`. N = p0.size() must be between 1 and 12; `p0` is clamped into the box. Returns the
/// final parameters, cost, iteration count and the stopping reason; never throws for a bad fit.
template <class Residuals>
[[nodiscard]] lm_outcome levenberg_marquardt(Residuals&& residuals, const Eigen::VectorXd& p0, const Eigen::VectorXd& lower,
                                             const Eigen::VectorXd& upper, std::size_t n, const lm_options& options = {}) {
  const int N = static_cast<int>(p0.size());
  if (N < 1 || N > detail::small_max || lower.size() != N || upper.size() != N) {
    throw input_error("levenberg_marquardt: p0: " + std::to_string(N) +
                      " parameters (1 to 12, with lower and upper of the same length)");
  }
  const auto rows = static_cast<Eigen::Index>(n);
  Eigen::VectorXd r(rows), r_new(rows);
  Eigen::MatrixXd J(rows, N), J_new(rows, N);  // trial residuals and Jacobian are computed together, swapped in on success
  lm_outcome out;
  Eigen::VectorXd p = p0.cwiseMax(lower).cwiseMin(upper);
  Eigen::VectorXd p_new(N), step(N);
  out.params = p;
  residuals(static_cast<const Eigen::VectorXd&>(p), r, &J);
  out.evaluations = 1;
  if (!r.allFinite() || !J.allFinite()) {
    out.reason = lm_stop::failed;
    out.cost = std::numeric_limits<double>::infinity();
    return out;
  }
  double cost = detail::lm_robust_cost(r, options.loss, options.loss_scale);
  detail::lm_robust_scale(r, J, options.loss, options.loss_scale);
  detail::small_matrix A, M;
  detail::small_vector g, D;
  detail::lm_normal_equations(J, r, A, g);
  D.n = N;
  for (int j = 0; j < N; ++j) D(j) = std::max(A(j, j), 1e-300);
  double mu = 1e-3, nu = 2;
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
    M = A;
    for (int j = 0; j < N; ++j) M(j, j) += mu * D(j);
    detail::small_vector delta;
    delta.n = N;
    for (int j = 0; j < N; ++j) delta(j) = -g(j);
    const bool solved = detail::small_cholesky(M, 0.0);
    if (solved) detail::small_cholesky_solve(M, delta.v.data());
    for (int j = 0; j < N; ++j) p_new(j) = std::min(std::max(p(j) + delta(j), lower(j)), upper(j));
    step = p_new - p;
    if (!solved || !step.allFinite()) {
      mu *= nu;
      nu *= 2;
      continue;
    }
    if (step.norm() <= options.xtol * (p.norm() + options.xtol)) {
      out.reason = lm_stop::xtol;
      break;
    }
    residuals(static_cast<const Eigen::VectorXd&>(p_new), r_new, &J_new);
    ++out.evaluations;
    const double cost_new =
        r_new.allFinite() ? detail::lm_robust_cost(r_new, options.loss, options.loss_scale) : std::numeric_limits<double>::infinity();
    double gs = 0, sAs = 0;
    for (int j = 0; j < N; ++j) {
      gs += g(j) * step(j);
      double row = 0;
      for (int k = 0; k < N; ++k) row += A(j, k) * step(k);
      sAs += step(j) * row;
    }
    const double predicted = -(gs + 0.5 * sAs);
    const double actual = cost - cost_new;
    if (actual > 0 && std::isfinite(cost_new)) {
      const double rho = predicted > 0 ? actual / predicted : 1.0;
      p.swap(p_new);
      r.swap(r_new);  // pointer swaps: no allocation
      J.swap(J_new);
      if (!J.allFinite()) {
        out.reason = lm_stop::failed;
        break;
      }
      const double old_cost = cost;
      cost = cost_new;
      detail::lm_robust_scale(r, J, options.loss, options.loss_scale);
      detail::lm_normal_equations(J, r, A, g);
      for (int j = 0; j < N; ++j) D(j) = std::max(D(j), A(j, j));
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
