/// @file
/// @brief User-defined models: supply residuals (and optionally their Jacobian) and get the same
///        bounded, robust Levenberg–Marquardt, covariance and flags as the built-in models.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "emergent/core/detail/small_dense.hpp"
#include "emergent/core/error.hpp"
#include "emergent/fit/fit_result.hpp"
#include "emergent/fit/levenberg_marquardt.hpp"

namespace emergent {

/// Result of `fit_custom`: as `fit_result`, in fixed-size types and without a model to predict with.
template <int N>
struct [[nodiscard]] custom_fit_result {
  Eigen::Matrix<double, N, 1> params;      ///< estimated parameters
  Eigen::Matrix<double, N, 1> std_errors;  ///< √diag(covariance); +infinity when not identifiable
  Eigen::Matrix<double, N, N> covariance;  ///< s²(JᵀJ)⁻¹ with s² = 2·cost/(n − N)
  Eigen::VectorXd residuals;               ///< residuals at the estimate, as the callback returns them
  double rss = 0;                          ///< Σ r² at the estimate
  double condition = 0;                    ///< condition number of the column-scaled JᵀJ
  int iterations = 0;                      ///< Levenberg–Marquardt iterations
  fit_status status = fit_status::failed;  ///< verdict, as for the built-in models
  std::vector<std::string> flags;          ///< "at_bound:pJ", "not_identifiable", "too_few_points", "max_iterations"
};

/// Fits a user model by minimising ½ Σ ρ(r_i(p)²) from `p0` within [lower, upper].
///
/// `residuals` is either `void(const Eigen::Matrix<double, N, 1>& p, Eigen::VectorXd& r)` (the Jacobian
/// is then approximated by forward differences with step √ε·max(|p_j|, 1)) or
/// `void(const Eigen::Matrix<double, N, 1>& p, Eigen::VectorXd& r, Eigen::Matrix<double, Eigen::Dynamic, N>* J)`
/// filling J (n×N) when J is not null. `n` is the number of residuals. Unlike the built-in models
/// there is no global grid: the result depends on `p0`.
template <int N, class Residuals>
[[nodiscard]] custom_fit_result<N> fit_custom(Residuals&& residuals, const Eigen::Matrix<double, N, 1>& p0, std::size_t n,
                                              const Eigen::Matrix<double, N, 1>& lower =
                                                  Eigen::Matrix<double, N, 1>::Constant(-std::numeric_limits<double>::infinity()),
                                              const Eigen::Matrix<double, N, 1>& upper =
                                                  Eigen::Matrix<double, N, 1>::Constant(std::numeric_limits<double>::infinity()),
                                              const lm_options& options = {}) {
  using vec = Eigen::Matrix<double, N, 1>;
  using jac_t = Eigen::Matrix<double, Eigen::Dynamic, N>;
  if (n < static_cast<std::size_t>(N)) {
    throw input_error("fit_custom: n: " + std::to_string(n) + " residuals for " + std::to_string(N) + " parameters");
  }
  for (int j = 0; j < N; ++j) {
    if (!std::isfinite(p0(j))) throw input_error(detail::describe_at("fit_custom", "p0", static_cast<std::size_t>(j), "not finite"));
    if (!(lower(j) <= upper(j))) {
      throw input_error(detail::describe_at("fit_custom", "lower/upper", static_cast<std::size_t>(j), "lower bound above upper bound"));
    }
  }
  static_assert(N >= 1 && N <= detail::small_max, "fit_custom: 1 to 12 parameters");
  const auto rows = static_cast<Eigen::Index>(n);
  Eigen::VectorXd tmp(rows);
  jac_t Jn(rows, N);
  auto full = [&](const vec& p, Eigen::VectorXd& r, jac_t* J) {
    if constexpr (std::is_invocable_v<Residuals&, const vec&, Eigen::VectorXd&, jac_t*>) {
      residuals(p, r, J);
    } else {
      residuals(p, r);
      if (J) {
        for (int j = 0; j < N; ++j) {
          vec q = p;
          const double h = 1.4901161193847656e-08 * std::max(std::abs(p(j)), 1.0);
          q(j) += h;
          residuals(q, tmp);
          J->col(j) = (tmp - r) / h;
        }
      }
    }
  };
  // The run-time-sized core: the user's fixed-size types are filled from and copied back to it.
  auto dynamic = [&](const Eigen::VectorXd& pd, Eigen::VectorXd& r, Eigen::MatrixXd* J) {
    const vec p = pd;
    full(p, r, J ? &Jn : nullptr);
    if (J) *J = Jn;
  };
  const Eigen::VectorXd p0d = p0, lowerd = lower, upperd = upper;
  const auto lm = levenberg_marquardt(dynamic, p0d, lowerd, upperd, n, options);
  custom_fit_result<N> out;
  out.params = lm.params;
  out.iterations = lm.iterations;
  Eigen::VectorXd r(rows);
  Eigen::MatrixXd J(rows, N);
  dynamic(lm.params, r, &J);
  out.residuals = r;
  out.rss = r.squaredNorm();
  const double cost2 = 2 * detail::lm_robust_cost(r, options.loss, options.loss_scale);
  detail::lm_robust_scale(r, J, options.loss, options.loss_scale);
  const detail::lm_covariance cov = detail::lm_covariance_at(J, r, cost2, static_cast<long>(n) - N);
  out.condition = cov.condition;
  for (int j = 0; j < N; ++j) {
    for (int k = 0; k < N; ++k) out.covariance(j, k) = cov.covariance(j, k);
    out.std_errors(j) = std::sqrt(std::max(0.0, out.covariance(j, j)));
  }
  bool bound = false;
  for (int j = 0; j < N; ++j) {
    if ((std::isfinite(lower(j)) && lm.params(j) <= lower(j)) || (std::isfinite(upper(j)) && lm.params(j) >= upper(j))) {
      out.flags.push_back(flag_string(fit_flag::at_bound, "p" + std::to_string(j)));
      bound = true;
    }
  }
  const bool unidentified = out.condition > 1e10;
  if (unidentified) out.flags.push_back(flag_string(fit_flag::not_identifiable));
  const bool few = static_cast<long>(n) < N + 2;
  if (few) out.flags.push_back(flag_string(fit_flag::too_few_points));
  if (lm.reason == lm_stop::max_iterations) out.flags.push_back(flag_string(fit_flag::max_iterations));
  if (lm.reason == lm_stop::failed || !std::isfinite(out.rss)) out.status = fit_status::failed;
  else if (few) out.status = fit_status::too_few_points;
  else if (unidentified) out.status = fit_status::not_identifiable;
  else if (bound) out.status = fit_status::hit_bound;
  else if (lm.reason == lm_stop::max_iterations) out.status = fit_status::max_iterations;
  else out.status = fit_status::converged;
  return out;
}

}  // namespace emergent
