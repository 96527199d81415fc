/// @file
/// @brief Probability vectors: the tolerances every probabilistic metric applies, the choice between
///        requiring a normalised vector and renormalising it, and the numerically stable
///        log-sum-exp, softmax and log-softmax used to turn log-likelihoods or logits into probabilities.
#pragma once

#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <ranges>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "emergent/core/concepts.hpp"
#include "emergent/core/error.hpp"

namespace emergent {

/// Absolute tolerance on the range [0, 1] of a probability: a value in [-1e-9, 0) or (1, 1 + 1e-9]
/// is taken as rounding error and clamped into [0, 1]; anything further outside is an `input_error`.
/// The same tolerance applies to a log-probability above 0 (a value in (0, 1e-9] is taken as 0).
inline constexpr double probability_tolerance = 1e-9;

/// Absolute tolerance on the sum of a probability vector: |sum - 1| <= 1e-6 is accepted (the rounding
/// of a float32 softmax over a few thousand classes stays inside it); a larger gap is an `input_error`
/// unless the caller asked for `normalization::renormalize`. For log-probabilities the same bound
/// applies to exp(log-sum-exp) - 1.
inline constexpr double probability_sum_tolerance = 1e-6;

/// What a metric does with a probability vector whose sum is not 1 (beyond `probability_sum_tolerance`).
enum class normalization {
  require,     ///< the vector must sum to 1 within `probability_sum_tolerance`, otherwise `input_error`
  renormalize  ///< divide by the sum (the sum must be positive), as scikit-learn's `log_loss` does
};

namespace detail::prob {

/// Shortest round-trip decimal form of `value` ("nan", "inf", "-inf" for the special values).
inline std::string number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (result.ec != std::errc()) return "?";
  return std::string(buffer, result.ptr);
}

/// Checks one probability: NaN/inf and values outside [0, 1] beyond `probability_tolerance` throw;
/// values inside the tolerance are clamped into [0, 1].
inline double checked_probability(double p, std::string_view function, std::string_view argument) {
  if (std::isnan(p) || std::isinf(p)) {
    throw input_error(detail::describe(function, argument, number(p) + " is not a finite number"));
  }
  if (p < -probability_tolerance || p > 1.0 + probability_tolerance) {
    throw input_error(detail::describe(function, argument, number(p) + " is outside [0, 1]"));
  }
  return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
}

/// As above for element `index` of `argument`.
inline double checked_probability_at(double p, std::string_view function, std::string_view argument,
                                     std::size_t index) {
  if (std::isnan(p) || std::isinf(p)) {
    throw input_error(detail::describe_at(function, argument, index, number(p) + " is not a finite number"));
  }
  if (p < -probability_tolerance || p > 1.0 + probability_tolerance) {
    throw input_error(detail::describe_at(function, argument, index, number(p) + " is outside [0, 1]"));
  }
  return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
}

/// Checks a log-probability: NaN and +inf throw, -inf is allowed (probability 0), a value above 0
/// beyond `probability_tolerance` throws, a value in (0, tolerance] becomes 0.
inline double checked_log_probability_at(double lp, std::string_view function, std::string_view argument,
                                         std::size_t index) {
  if (std::isnan(lp) || lp == std::numeric_limits<double>::infinity()) {
    throw input_error(detail::describe_at(function, argument, index,
                                          number(lp) + " is not a log-probability (NaN or +inf)"));
  }
  if (lp > probability_tolerance) {
    throw input_error(detail::describe_at(function, argument, index,
                                          number(lp) + " is above 0 (a probability above 1)"));
  }
  return lp > 0.0 ? 0.0 : lp;
}

/// Checks a real score (log-likelihood, logit): NaN and +inf throw; -inf is allowed (probability 0).
inline double checked_score_at(double x, std::string_view function, std::string_view argument, std::size_t index) {
  if (std::isnan(x) || x == std::numeric_limits<double>::infinity()) {
    throw input_error(detail::describe_at(function, argument, index, number(x) + " is NaN or +inf"));
  }
  return x;
}

/// Converts an integral label to an index into `size` classes, throwing when it is out of range.
template <std::integral L>
std::size_t checked_label(L label, std::size_t size, std::string_view function) {
  if constexpr (std::is_signed_v<L>) {
    if (label < 0) {
      throw input_error(detail::describe(function, "label",
                                         std::to_string(label) + " is out of range [0, " + std::to_string(size) + ")"));
    }
  }
  const auto index = static_cast<std::size_t>(label);
  if (static_cast<std::uintmax_t>(label) >= size) {
    throw input_error(detail::describe(function, "label",
                                       std::to_string(label) + " is out of range [0, " + std::to_string(size) + ")"));
  }
  return index;
}

/// Checks a binary outcome (0 or 1; `bool` is accepted).
template <std::integral O>
int checked_outcome(O outcome, std::string_view function) {
  if (outcome != O(0) && outcome != O(1)) {
    throw input_error(detail::describe(function, "outcome", std::to_string(outcome) + " is not 0 or 1"));
  }
  return outcome == O(1) ? 1 : 0;
}

/// Copies a numeric range into doubles, validating each element as a probability; returns the
/// clamped values. Checks the sum when `mode` is `require`; rejects a zero sum when `renormalize`.
template <numeric_range R>
std::vector<double> checked_probability_vector(const R& values, std::string_view function, std::string_view argument,
                                               normalization mode, double& sum) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(std::ranges::size(values)));
  std::size_t i = 0;
  sum = 0.0;
  for (const auto& v : values) {
    const double p = checked_probability_at(static_cast<double>(v), function, argument, i++);
    out.push_back(p);
    sum += p;
  }
  if (mode == normalization::require) {
    if (!(std::fabs(sum - 1.0) <= probability_sum_tolerance)) {
      throw input_error(detail::describe(function, argument,
                                         "sums to " + number(sum) +
                                             ", not 1 (pass normalization::renormalize to divide by the sum)"));
    }
  } else if (!(sum > 0.0)) {
    throw input_error(detail::describe(function, argument, "sums to 0 and cannot be renormalised"));
  }
  return out;
}

/// Copies a range of scores (logits, log-likelihoods) into doubles, rejecting NaN and +inf.
template <numeric_range R>
std::vector<double> checked_scores(const R& values, std::string_view function, std::string_view argument) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(std::ranges::size(values)));
  std::size_t i = 0;
  for (const auto& v : values) out.push_back(checked_score_at(static_cast<double>(v), function, argument, i++));
  return out;
}

/// Neumaier's compensated sum (Neumaier 1974): the running error of each addition is kept in `c`
/// and added back at the end, so the result does not depend on the order to the last bits.
struct compensated_sum {
  double s = 0.0;  ///< running sum
  double c = 0.0;  ///< accumulated rounding error
  void add(double x) noexcept {
    const double t = s + x;
    c += std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  [[nodiscard]] double value() const noexcept { return s + c; }
};

/// log(sum(exp(x))) over already validated values (no NaN, no +inf); -inf for an empty or all -inf input.
inline double log_sum_exp_unchecked(const std::vector<double>& x) {
  double m = -std::numeric_limits<double>::infinity();
  for (double v : x) m = v > m ? v : m;
  if (m == -std::numeric_limits<double>::infinity()) return m;
  double s = 0.0;
  for (double v : x) s += std::exp(v - m);
  return m + std::log(s);
}

}  // namespace detail::prob

/// Numerically stable log-sum-exp, log(Σ_i exp(x_i)), computed as m + log(Σ_i exp(x_i - m)) with
/// m = max_i x_i so that no term overflows. -inf entries (probability 0) are allowed; NaN and +inf
/// throw `input_error`. The empty sum is 0, so an empty input gives -inf (log 0); so does an input
/// whose entries are all -inf.
template <numeric_range R>
[[nodiscard]] double log_sum_exp(const R& values) {
  return detail::prob::log_sum_exp_unchecked(detail::prob::checked_scores(values, "log_sum_exp", "values"));
}

/// Softmax, p_i = exp(x_i - LSE(x)) with LSE the stable log-sum-exp: turns per-option log-likelihoods
/// or logits into a probability vector that sums to 1 (this is how lm-evaluation-harness obtains the
/// probabilities behind its `brier_score`). Throws `input_error` for NaN or +inf, for an empty input
/// and when every entry is -inf (no distribution).
template <numeric_range R>
[[nodiscard]] std::vector<double> softmax(const R& scores) {
  auto x = detail::prob::checked_scores(scores, "softmax", "scores");
  if (x.empty()) throw input_error(detail::describe("softmax", "scores", "is empty"));
  const double lse = detail::prob::log_sum_exp_unchecked(x);
  if (lse == -std::numeric_limits<double>::infinity()) {
    throw input_error(detail::describe("softmax", "scores", "every entry is -inf (no distribution)"));
  }
  for (double& v : x) v = std::exp(v - lse);
  return x;
}

/// Log-softmax, log p_i = x_i - LSE(x) (stable log-sum-exp). Same preconditions as `softmax`.
template <numeric_range R>
[[nodiscard]] std::vector<double> log_softmax(const R& scores) {
  auto x = detail::prob::checked_scores(scores, "log_softmax", "scores");
  if (x.empty()) throw input_error(detail::describe("log_softmax", "scores", "is empty"));
  const double lse = detail::prob::log_sum_exp_unchecked(x);
  if (lse == -std::numeric_limits<double>::infinity()) {
    throw input_error(detail::describe("log_softmax", "scores", "every entry is -inf (no distribution)"));
  }
  for (double& v : x) v -= lse;
  return x;
}

}  // namespace emergent
