/// @file
/// @brief BIG-bench's breakthroughness and linearity (Srivastava et al. 2022, Appendix B;
///        breakthroughness is Schaeffer et al.'s 2023 emergence score): two scores of how sharply a
///        curve rises, on its points alone. `measure_sharpness` (sharpness.hpp) reports them with the
///        rest; the testing layer's mirage check uses them without the fit layer.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "emergent/core/error.hpp"

namespace emergent {

namespace detail {

/// I(y) = sign(argmax y - argmin y) (max y - min y), on points in x order (first index on ties).
inline double signed_range(std::span<const double> y) {
  const auto mx = std::max_element(y.begin(), y.end());
  const auto mn = std::min_element(y.begin(), y.end());
  const double sign = (mx - mn) > 0 ? 1.0 : -1.0;
  return sign * (*mx - *mn);
}

inline void sharpness_check(std::span<const double> x, std::span<const double> y, const char* fn) {
  if (x.size() != y.size()) {
    throw input_error(std::string(fn) + ": x has " + std::to_string(x.size()) + " values but y has " +
                      std::to_string(y.size()));
  }
  if (x.size() < 3) throw input_error(std::string(fn) + ": x: " + std::to_string(x.size()) + " points are too few (need at least 3)");
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) throw input_error(describe_at(fn, "x", i, "not finite"));
    if (!std::isfinite(y[i])) throw input_error(describe_at(fn, "y", i, "not finite"));
    if (i > 0 && !(x[i] > x[i - 1])) throw input_error(describe_at(fn, "x", i, "not increasing"));
  }
}

inline double ratio_or_limit(double num, double den) {
  if (den > 0) return num / den;
  if (num == 0) return 0.0;  // a flat curve: no rise, no breakthrough
  return num > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

}  // namespace detail

/// Breakthroughness (Srivastava et al. 2022, "Beyond the Imitation Game", Appendix B), identical to
/// the emergence score of Schaeffer et al. (2023, eq. in section 5):
///   B = I(y) / sqrt(median_i (y_{i+1} - y_i)^2),  I(y) = sign(argmax y - argmin y) (max y - min y),
/// with the points in increasing x. Large when most of the change happens in few steps. A flat
/// curve gives 0; a rise whose median squared step is 0 gives +/-infinity (reported, never NaN).
/// Throws input_error for fewer than 3 points, mismatched lengths, non-finite or non-increasing x.
[[nodiscard]] inline double breakthroughness(std::span<const double> x, std::span<const double> y) {
  detail::sharpness_check(x, y, "breakthroughness");
  std::vector<double> sq(y.size() - 1);
  for (std::size_t i = 0; i + 1 < y.size(); ++i) sq[i] = (y[i + 1] - y[i]) * (y[i + 1] - y[i]);
  std::sort(sq.begin(), sq.end());
  const std::size_t m = sq.size();
  const double med = m % 2 ? sq[m / 2] : 0.5 * (sq[m / 2 - 1] + sq[m / 2]);
  return detail::ratio_or_limit(detail::signed_range(y), std::sqrt(med));
}

/// Linearity (Srivastava et al. 2022, Appendix B): L = I(y) / sqrt(mean_i (y_{i+1} - y_i)^2),
/// the same signed range over the root-mean-square step. For n equally spaced steps of a straight
/// line L = n - 1 (its maximum); a single jump among flat steps gives sqrt(n - 1).
/// Throws as `breakthroughness`.
[[nodiscard]] inline double linearity(std::span<const double> x, std::span<const double> y) {
  detail::sharpness_check(x, y, "linearity");
  double s = 0;
  for (std::size_t i = 0; i + 1 < y.size(); ++i) s += (y[i + 1] - y[i]) * (y[i + 1] - y[i]);
  return detail::ratio_or_limit(detail::signed_range(y), std::sqrt(s / static_cast<double>(y.size() - 1)));
}

}  // namespace emergent
