/// @file
/// @brief Confidence intervals for a mean that stay inside the range the values can take: a
///        log-transformed Student t interval for values bounded on one side (edit distances ≥ 0,
///        negative log-likelihoods ≥ 0, log-likelihoods ≤ 0) and a logit-transformed one for values
///        bounded on both sides (edit similarity and per-token accuracy in [0, 1], Brier in [0, 2]).
///
/// The plain t interval m ± t·se is symmetric and ignores the range: a mean edit distance of 729
/// with a long right tail gets [−153, 1611]. Transforming the mean by g (log of the distance to the
/// bound, or logit of the position in the range), building the t interval on that scale with the
/// delta-method standard error se·|g'(m)| and mapping the ends back gives an interval inside the
/// range and asymmetric like the sampling distribution of a skewed mean (the usual transformation
/// intervals, e.g. Agresti & Coull 1998 for the logit; Zhou & Gao 1997, "Confidence intervals for
/// the log-normal mean", for the log). When every value sits on a bound (m at the bound, se = 0)
/// the interval is the point [m, m].
///
/// The functions are templates on the Boost.Math policy (`Policy`, default `detail::math_policy`) so
/// that only translation units that call them instantiate Boost.Math's Student t quantile.
#pragma once

#include <cmath>
#include <limits>
#include <string>

#include "emergent/core/error.hpp"
#include "emergent/core/interval.hpp"
#include "emergent/stats/accumulators.hpp"
#include "emergent/stats/intervals.hpp"
#include "emergent/stats/value_range.hpp"

namespace emergent {

/// How `mean_interval_in_range` built its interval.
enum class mean_interval_method {
  t,        ///< Student t on the mean itself (no finite bound)
  t_log,    ///< t on log(m - lower) (or log(upper - m)), mapped back: one finite bound
  t_logit,  ///< t on logit((m - lower) / (upper - lower)), mapped back: two finite bounds
};

/// The short name of a method as `emergent score` writes it in its `interval` column: "t", "t-log", "t-logit".
[[nodiscard]] constexpr const char* interval_method_name(mean_interval_method m) noexcept {
  switch (m) {
    case mean_interval_method::t: return "t";
    case mean_interval_method::t_log: return "t-log";
    case mean_interval_method::t_logit: return "t-logit";
  }
  return "t";
}

/// An interval for a mean and the method that built it.
struct mean_interval {
  confidence_interval interval;  ///< [lower, upper] at the requested level
  mean_interval_method method = mean_interval_method::t;  ///< how it was built
};

namespace detail {

template <class Policy>
double t_quantile(std::uint64_t n, double level) {
  const boost::math::students_t_distribution<double, Policy> t(static_cast<double>(n - 1));
  return boost::math::quantile(boost::math::complement(t, (1.0 - level) / 2.0));
}

inline void check_mean_in_range(const mean_accumulator& values, const value_range& range, const char* function) {
  if (!(range.lower < range.upper) || std::isnan(range.lower) || std::isnan(range.upper)) {
    throw input_error(std::string(function) + ": range: [" + std::to_string(range.lower) + ", " +
                      std::to_string(range.upper) + "] is empty");
  }
  if (values.count() < 2) {
    throw input_error(std::string(function) + ": needs at least 2 observations, got " + std::to_string(values.count()));
  }
  const double m = values.mean();
  if (m < range.lower || m > range.upper) {
    throw input_error(std::string(function) + ": the mean " + std::to_string(m) + " is outside the range [" +
                      std::to_string(range.lower) + ", " + std::to_string(range.upper) + "]");
  }
}

}  // namespace detail

/// Log-transformed t interval for the mean m of values ≥ `lower_bound`: with d = m − lower_bound,
/// se the standard error of the mean and q = t_{n−1, 1−(1−level)/2},
///
///     [lower_bound + d·exp(−q·se/d),  lower_bound + d·exp(q·se/d)]
///
/// (the t interval of log d with the delta-method standard error se/d). Always above the bound;
/// [m, m] when d = 0. Needs n ≥ 2; throws input_error otherwise, when the mean is below the bound, or
/// when level is outside (0, 1).
template <class Policy = detail::math_policy>
confidence_interval log_t_interval(const mean_accumulator& values, double lower_bound = 0.0, double level = 0.95) {
  detail::check_level(level, "log_t_interval");
  detail::check_mean_in_range(values, {lower_bound, std::numeric_limits<double>::infinity()}, "log_t_interval");
  const double m = values.mean();
  const double d = m - lower_bound;
  if (d == 0.0) return {m, m, level};
  const double h = detail::t_quantile<Policy>(values.count(), level) * values.standard_error() / d;
  return {lower_bound + d * std::exp(-h), lower_bound + d * std::exp(h), level};
}

/// Logit-transformed t interval for the mean m of values in [lower, upper]: with p = (m − lower) /
/// (upper − lower), the t interval of logit(p) with the delta-method standard error
/// se / ((upper − lower)·p·(1 − p)), mapped back through the logistic function and rescaled:
///
///     lower + (upper − lower) / (1 + exp(−(logit(p) ± q·se_logit)))
///
/// Always inside (lower, upper); [m, m] when m is on a bound. Needs n ≥ 2; throws input_error
/// otherwise, when the range is empty, the mean is outside it, or level is outside (0, 1).
template <class Policy = detail::math_policy>
confidence_interval logit_t_interval(const mean_accumulator& values, value_range range, double level = 0.95) {
  detail::check_level(level, "logit_t_interval");
  detail::check_mean_in_range(values, range, "logit_t_interval");
  if (!std::isfinite(range.lower) || !std::isfinite(range.upper)) {
    throw input_error("logit_t_interval: range: both ends must be finite");
  }
  const double m = values.mean();
  const double width = range.upper - range.lower;
  const double p = (m - range.lower) / width;
  if (p <= 0.0 || p >= 1.0) return {m, m, level};
  const double centre = std::log(p) - std::log1p(-p);
  const double h = detail::t_quantile<Policy>(values.count(), level) * values.standard_error() / (width * p * (1.0 - p));
  auto back = [&](double z) { return range.lower + width / (1.0 + std::exp(-z)); };
  return {back(centre - h), back(centre + h), level};
}

/// An interval for a mean that respects the values' range: logit-transformed t when both ends are
/// finite, log-transformed t (on the distance to the finite end) when one is, plain Student t when
/// none is. Needs n ≥ 2; throws as the functions it calls.
template <class Policy = detail::math_policy>
mean_interval mean_interval_in_range(const mean_accumulator& values, value_range range, double level = 0.95) {
  const bool lo = std::isfinite(range.lower), hi = std::isfinite(range.upper);
  if (lo && hi) return {logit_t_interval<Policy>(values, range, level), mean_interval_method::t_logit};
  if (lo) return {log_t_interval<Policy>(values, range.lower, level), mean_interval_method::t_log};
  if (hi) {
    // values <= upper: the log interval of upper - x, reflected.
    detail::check_level(level, "mean_interval_in_range");
    detail::check_mean_in_range(values, range, "mean_interval_in_range");
    const double m = values.mean();
    const double d = range.upper - m;
    if (d == 0.0) return {{m, m, level}, mean_interval_method::t_log};
    const double h = detail::t_quantile<Policy>(values.count(), level) * values.standard_error() / d;
    return {{range.upper - d * std::exp(h), range.upper - d * std::exp(-h), level}, mean_interval_method::t_log};
  }
  return {t_interval(values, level), mean_interval_method::t};
}

}  // namespace emergent
