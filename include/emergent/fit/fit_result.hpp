/// @file
/// @brief `emergent::fit_result`: what a fit returns — parameters, covariance, standard errors,
///        Student-t intervals, residuals, RSS, AICc, BIC, iterations, a status and flags.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <boost/math/distributions/students_t.hpp>

#include "emergent/core/detail/math_policy.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/interval.hpp"
#include "emergent/fit/models.hpp"

namespace emergent {

/// The overall verdict of a fit. A fit with any flag never reports `converged`.
enum class fit_status {
  /// The optimiser converged and no flag was raised.
  converged,
  /// A parameter ended at one of its box bounds (flag `at_bound:NAME`).
  hit_bound,
  /// The data do not determine the parameters: near-singular JᵀJ or huge standard errors
  /// (flag `not_identifiable`), or a midpoint/break outside the data range.
  not_identifiable,
  /// Fewer points than parameters + 2 (flag `too_few_points`): the fit exists but cannot be judged.
  too_few_points,
  /// The optimiser stopped at its iteration limit (flag `max_iterations`).
  max_iterations,
  /// The fit failed: the model could not be evaluated at any starting point.
  failed,
};

/// Name of a status as printed by the command line ("converged", "hit_bound", ...).
[[nodiscard]] inline std::string_view to_string(fit_status status) noexcept {
  switch (status) {
    case fit_status::converged: return "converged";
    case fit_status::hit_bound: return "hit_bound";
    case fit_status::not_identifiable: return "not_identifiable";
    case fit_status::too_few_points: return "too_few_points";
    case fit_status::max_iterations: return "max_iterations";
    case fit_status::failed: return "failed";
  }
  return "unknown";
}

/// The result of fitting one model to one curve.
///
/// Covariance is s²(JᵀJ)⁻¹ with J the (weighted) Jacobian at the optimum and s² = RSS/(n − p), as
/// SciPy's `curve_fit` with `absolute_sigma=False`; with a robust loss, J and the cost are the
/// robustly rescaled ones (as `curve_fit` with `loss=`). When JᵀJ is numerically singular, or n = p,
/// the covariance and standard errors are +infinity (never NaN) and the fit is flagged.
/// AICc = n·ln(RSS/n) + 2k + 2k(k+1)/(n − k − 1) and BIC = n·ln(RSS/n) + k·ln n with k = p + 1
/// (the noise variance counts as a parameter); AICc is +infinity when n ≤ k + 1.
struct [[nodiscard]] fit_result {
  fit_model model = fit_model::linear;    ///< the fitted model
  fit_status status = fit_status::failed; ///< overall verdict (see `fit_status`)
  int breaks = 0;                         ///< number of breaks (bnsl only, else 0)
  double x_ref = 0;                       ///< reference x of power_law and bnsl (mean of the fitted x)
  double x_min = 0;                       ///< smallest fitted x
  double x_max = 0;                       ///< largest fitted x
  std::vector<std::string> param_names;   ///< names of the parameters, in order (see `parameter_names`)
  Eigen::VectorXd params;                 ///< estimated parameters
  Eigen::VectorXd std_errors;             ///< standard errors: square roots of the covariance diagonal
  Eigen::MatrixXd covariance;             ///< s²(JᵀJ)⁻¹
  Eigen::VectorXd residuals;              ///< y − model(x) at each point (unweighted), in input order
  double rss = 0;                         ///< weighted residual sum of squares Σ w_i (y_i − model(x_i))²
  double aicc = 0;                        ///< small-sample corrected Akaike information criterion
  double bic = 0;                         ///< Bayesian information criterion
  std::size_t n = 0;                      ///< number of points fitted
  int iterations = 0;                     ///< Levenberg–Marquardt iterations in the final polish
  double condition = 0;                   ///< condition number of the column-scaled JᵀJ
  std::vector<std::string> flags;         ///< printed `fit_flag`s: "at_bound:NAME", "not_identifiable",
                                          ///< "too_few_points", "midpoint_outside_data", "plateaus_outside_data",
                                          ///< "break_outside_data:dI", "max_iterations", "aicc_not_finite", "failed"

  /// The model's value at x with the fitted parameters.
  [[nodiscard]] double predict(double x) const {
    return detail::fit_model_eval(model, breaks, x_ref, x, params, static_cast<Eigen::VectorXd*>(nullptr));
  }

  /// Gradient of the model value at x with respect to the parameters (for confidence bands).
  [[nodiscard]] Eigen::VectorXd gradient(double x) const {
    Eigen::VectorXd g(params.size());
    (void)detail::fit_model_eval(model, breaks, x_ref, x, params, &g);
    return g;
  }

  /// Index of the parameter called `name`; throws `input_error` on an unknown name.
  [[nodiscard]] std::size_t index_of(std::string_view name) const {
    for (std::size_t i = 0; i < param_names.size(); ++i) {
      if (param_names[i] == name) return i;
    }
    std::string known;
    for (const auto& s : param_names) known += (known.empty() ? "" : ", ") + s;
    throw input_error("fit_result::param: name: '" + std::string(name) + "' is not a parameter of " +
                      std::string(to_string(model)) + " (" + known + ")");
  }

  /// Value of the parameter called `name`; throws `input_error` on an unknown name.
  [[nodiscard]] double param(std::string_view name) const { return params(static_cast<Eigen::Index>(index_of(name))); }

  /// Standard error of the parameter called `name`; throws `input_error` on an unknown name.
  [[nodiscard]] double std_error(std::string_view name) const {
    return std_errors(static_cast<Eigen::Index>(index_of(name)));
  }

  /// True when `flag` is among the flags, as printed ("not_identifiable", "at_bound:k").
  [[nodiscard]] bool has_flag(std::string_view flag) const {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
  }

  /// True when a flag of kind `flag` was raised, whatever its subject (`fit_flag::at_bound` matches
  /// "at_bound:k").
  [[nodiscard]] bool has_flag(fit_flag flag) const {
    return std::any_of(flags.begin(), flags.end(), [flag](const std::string& f) { return parse_fit_flag(f) == flag; });
  }

  /// Residual degrees of freedom n − p.
  [[nodiscard]] long dof() const noexcept { return static_cast<long>(n) - static_cast<long>(params.size()); }

  /// Two-sided Student-t quantile t_{1−(1−level)/2, n−p} (Boost.Math); +infinity when n ≤ p.
  /// (A template on the Boost.Math policy so that only callers instantiate the t quantile.)
  template <class Policy = detail::math_policy>
  [[nodiscard]] double t_quantile(double level = 0.95) const {
    if (!(level > 0 && level < 1)) {
      throw input_error("fit_result::wald_interval: level: " + std::to_string(level) + " is outside (0, 1)");
    }
    if (dof() <= 0) return std::numeric_limits<double>::infinity();
    const boost::math::students_t_distribution<double, Policy> dist(static_cast<double>(dof()));
    return boost::math::quantile(boost::math::complement(dist, (1 - level) / 2));
  }

  /// Wald interval estimate ± t_{1−(1−level)/2, n−p}·se for the parameter `name` (Student-t, Boost.Math;
  /// Seber & Wild 1989, §5.1). Infinite ends when the standard error is infinite.
  template <class Policy = detail::math_policy>
  [[nodiscard]] emergent::confidence_interval wald_interval(std::string_view name, double level = 0.95) const {
    const auto i = static_cast<Eigen::Index>(index_of(name));
    const double half = t_quantile<Policy>(level) * std_errors(i);
    if (!std::isfinite(half)) {
      return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(), level};
    }
    return {params(i) - half, params(i) + half, level};
  }
};

}  // namespace emergent
