/// @file
/// @brief Confidence intervals for a proportion (Wilson, Clopper–Pearson, Jeffreys), the one-sided
///        upper bound when no trial succeeded, and Student's t interval for a mean.
///
/// References: Wilson (1927), "Probable inference, the law of succession, and statistical
/// inference", JASA 22; Clopper & Pearson (1934), "The use of confidence or fiducial limits
/// illustrated in the case of the binomial", Biometrika 26; Brown, Cai & DasGupta (2001), "Interval
/// estimation for a binomial proportion", Statistical Science 16 (Jeffreys interval).
///
/// The functions that evaluate a Boost.Math quantile are templates on the Boost.Math policy
/// (`Policy`, default `detail::math_policy`: no long-double promotion, see core/detail/math_policy.hpp),
/// so that only translation units that call them instantiate Boost.Math's inverse incomplete beta
/// and Student t (several seconds of compile time each); call them as usual: `wilson_interval(3, 10)`.
#pragma once

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "emergent/core/detail/math_policy.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/interval.hpp"
#include "emergent/stats/accumulators.hpp"

namespace emergent {

namespace detail {

inline void check_level(double level, const char* function) {
  if (!(level > 0.0 && level < 1.0)) {
    throw input_error(std::string(function) + ": level: " + std::to_string(level) + " is outside (0, 1)");
  }
}

inline void check_proportion(std::uint64_t successes, std::uint64_t n, double level, const char* function) {
  if (n == 0) throw input_error(std::string(function) + ": n: 0 trials (empty group)");
  if (successes > n) {
    throw input_error(std::string(function) + ": successes: " + std::to_string(successes) + " exceed n = " +
                      std::to_string(n));
  }
  check_level(level, function);
}

/// Two-sided standard normal quantile z_{1 - (1 - level)/2}.
template <class Policy>
double normal_two_sided_quantile(double level) {
  const boost::math::normal_distribution<double, Policy> standard;
  return boost::math::quantile(boost::math::complement(standard, (1.0 - level) / 2.0));
}

}  // namespace detail

/// Wilson (1927) score interval for a proportion: with p = k/n and z = z_{1-(1-level)/2},
///
///     center = (p + z^2/(2n)) / (1 + z^2/n),
///     half   = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/(4n^2)),
///
/// [center - half, center + half] (lower = 0 exactly when k = 0, upper = 1 exactly when k = n).
/// Throws input_error when n = 0, successes > n or level is outside (0, 1).
template <class Policy = detail::math_policy>
confidence_interval wilson_interval(std::uint64_t successes, std::uint64_t n, double level = 0.95) {
  detail::check_proportion(successes, n, level, "wilson_interval");
  const double nd = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nd;
  const double z = detail::normal_two_sided_quantile<Policy>(level);
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nd;
  const double center = (p + z2 / (2.0 * nd)) / denom;
  const double half = z / denom * std::sqrt(p * (1.0 - p) / nd + z2 / (4.0 * nd * nd));
  confidence_interval out{center - half, center + half, level};
  if (successes == 0) out.lower = 0.0;
  if (successes == n) out.upper = 1.0;
  out.lower = std::max(0.0, out.lower);
  out.upper = std::min(1.0, out.upper);
  return out;
}

/// Clopper–Pearson (1934) "exact" interval: with alpha = 1 - level,
/// lower = B^{-1}(alpha/2; k, n-k+1) (0 when k = 0) and upper = B^{-1}(1-alpha/2; k+1, n-k)
/// (1 when k = n), B^{-1} the beta quantile (Boost.Math ibeta_inv). Guarantees coverage >= level.
/// Throws input_error when n = 0, successes > n or level is outside (0, 1).
template <class Policy = detail::math_policy>
confidence_interval clopper_pearson_interval(std::uint64_t successes, std::uint64_t n, double level = 0.95) {
  detail::check_proportion(successes, n, level, "clopper_pearson_interval");
  const double k = static_cast<double>(successes);
  const double nd = static_cast<double>(n);
  const double alpha = 1.0 - level;
  confidence_interval out{0.0, 1.0, level};
  if (successes > 0) {
    const boost::math::beta_distribution<double, Policy> lower_dist(k, nd - k + 1.0);
    out.lower = boost::math::quantile(lower_dist, alpha / 2.0);
  }
  if (successes < n) {
    const boost::math::beta_distribution<double, Policy> upper_dist(k + 1.0, nd - k);
    out.upper = boost::math::quantile(boost::math::complement(upper_dist, alpha / 2.0));
  }
  return out;
}

/// Jeffreys interval (Brown, Cai & DasGupta 2001): the equal-tailed interval of the posterior
/// Beta(k + 1/2, n - k + 1/2) under Jeffreys' prior, lower = B^{-1}(alpha/2), upper =
/// B^{-1}(1 - alpha/2), with BCD's modification lower = 0 when k = 0 and upper = 1 when k = n.
/// Throws input_error when n = 0, successes > n or level is outside (0, 1).
template <class Policy = detail::math_policy>
confidence_interval jeffreys_interval(std::uint64_t successes, std::uint64_t n, double level = 0.95) {
  detail::check_proportion(successes, n, level, "jeffreys_interval");
  const double k = static_cast<double>(successes);
  const double nd = static_cast<double>(n);
  const double alpha = 1.0 - level;
  const boost::math::beta_distribution<double, Policy> posterior(k + 0.5, nd - k + 0.5);
  confidence_interval out{0.0, 1.0, level};
  if (successes > 0) out.lower = boost::math::quantile(posterior, alpha / 2.0);
  if (successes < n) out.upper = boost::math::quantile(boost::math::complement(posterior, alpha / 2.0));
  return out;
}

/// One-sided upper confidence bound on a proportion when 0 of n trials succeeded: the largest p
/// with P(0 successes | p) = (1-p)^n >= 1 - level, i.e. 1 - (1 - level)^(1/n) (the one-sided
/// Clopper–Pearson bound; about 3/n at 95%, the "rule of three" of Hanley & Lippman-Hand 1983).
/// Computed as -expm1(log1p(-level)/n). Throws input_error when n = 0 or level is outside (0, 1).
inline double zero_success_upper_bound(std::uint64_t n, double level = 0.95) {
  if (n == 0) throw input_error("zero_success_upper_bound: n: 0 trials (empty group)");
  detail::check_level(level, "zero_success_upper_bound");
  return -std::expm1(std::log1p(-level) / static_cast<double>(n));
}

/// Wilson interval of a binary_accumulator's successes out of trials.
template <class Policy = detail::math_policy>
confidence_interval wilson_interval(const binary_accumulator& counts, double level = 0.95) {
  return wilson_interval<Policy>(counts.successes(), counts.count(), level);
}

/// Clopper–Pearson interval of a binary_accumulator's successes out of trials.
template <class Policy = detail::math_policy>
confidence_interval clopper_pearson_interval(const binary_accumulator& counts, double level = 0.95) {
  return clopper_pearson_interval<Policy>(counts.successes(), counts.count(), level);
}

/// Jeffreys interval of a binary_accumulator's successes out of trials.
template <class Policy = detail::math_policy>
confidence_interval jeffreys_interval(const binary_accumulator& counts, double level = 0.95) {
  return jeffreys_interval<Policy>(counts.successes(), counts.count(), level);
}

/// Student's t interval for a mean: mean ± t_{n-1, 1-(1-level)/2} * s / sqrt(n), with s the sample
/// standard deviation (Student 1908). Needs n >= 2; throws input_error otherwise, for non-finite
/// input, or when level is outside (0, 1).
template <class Policy = detail::math_policy>
confidence_interval t_interval(const mean_accumulator& values, double level = 0.95) {
  detail::check_level(level, "t_interval");
  if (values.count() < 2) {
    throw input_error("t_interval: needs at least 2 observations, got " + std::to_string(values.count()));
  }
  const double m = values.mean();
  const double se = values.standard_error();
  const boost::math::students_t_distribution<double, Policy> t(static_cast<double>(values.count() - 1));
  const double q = boost::math::quantile(boost::math::complement(t, (1.0 - level) / 2.0));
  return {m - q * se, m + q * se, level};
}

}  // namespace emergent
