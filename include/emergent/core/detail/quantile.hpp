/// @file
/// @brief Internal: the one sample quantile of emergent, Hyndman & Fan (1996) type 7 (linear
///        interpolation between order statistics, the default of R and NumPy): with h = (n - 1) p,
///        Q(p) = x_(floor h) + (h - floor h) (x_(floor h + 1) - x_(floor h)) on the sorted values.
///        Two entry points read the same definition: `quantile_sorted` on values already sorted, and
///        `quantile_select` by selection (std::nth_element, O(n)) when only one or two quantiles of
///        unsorted values are needed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <span>

namespace emergent::detail {

/// Type-7 interpolation between the order statistics `below` = x_(floor h) and `above` =
/// x_(floor h + 1) at fraction `frac` = h - floor h. Equal neighbours or frac = 0 give `below`
/// exactly; an infinite neighbour gives the nearer order statistic (no inf - inf).
[[nodiscard]] inline double quantile_interpolate(double below, double above, double frac) noexcept {
  if (frac == 0.0 || below == above) return below;
  if (!std::isfinite(below) || !std::isfinite(above)) return frac < 0.5 ? below : above;
  return below + frac * (above - below);
}

/// Type-7 quantile at probability p (clamped to [0, 1]) of `n` values sorted in ascending order;
/// NaN when n = 0.
[[nodiscard]] inline double quantile_sorted(const double* sorted, std::size_t n, double p) noexcept {
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double h = (static_cast<double>(n) - 1.0) * std::clamp(p, 0.0, 1.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = lo + 1 < n ? lo + 1 : lo;
  return quantile_interpolate(sorted[lo], sorted[hi], h - static_cast<double>(lo));
}

/// Type-7 quantile at probability p (clamped to [0, 1]) of unsorted values, by selection: equal to
/// `quantile_sorted` on the sorted values. Reorders `values`; NaN when it is empty.
[[nodiscard]] inline double quantile_select(std::span<double> values, double p) noexcept {
  const std::size_t n = values.size();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double h = (static_cast<double>(n) - 1.0) * std::clamp(p, 0.0, 1.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(values.begin(), nth, values.end());
  const double below = *nth;
  const double above = lo + 1 < n ? *std::min_element(nth + 1, values.end()) : below;
  return quantile_interpolate(below, above, h - static_cast<double>(lo));
}

}  // namespace emergent::detail
