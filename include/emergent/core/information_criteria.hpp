/// @file
/// @brief `gaussian_aicc`: the one small-sample Akaike criterion of every layer (curve fits,
///        segmented regression, choosing the number of breaks).
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

namespace emergent {

/// AICc of a Gaussian least-squares model with `mean_parameters` parameters in its mean function;
/// the noise variance counts as one more, k = mean_parameters + 1 (Hurvich & Tsai 1989):
///
///     AICc = n ln(RSS / n) + 2k + 2k(k + 1) / (n − k − 1)
///
/// +infinity when n ≤ k + 1 (the correction is undefined), −infinity for an exact fit (RSS ≤ 0).
/// The fit layer flags a fit whose AICc is not finite (`aicc_not_finite`); the analysis layer
/// compares the AICc of 0..3 breaks with it.
[[nodiscard]] inline double gaussian_aicc(double rss, std::size_t n, std::size_t mean_parameters) noexcept {
  const double nn = static_cast<double>(n);
  const double k = static_cast<double>(mean_parameters) + 1.0;
  if (!(nn - k - 1.0 > 0.0)) return std::numeric_limits<double>::infinity();
  const double ll = rss > 0 ? nn * std::log(rss / nn) : -std::numeric_limits<double>::infinity();
  return ll + 2.0 * k + 2.0 * k * (k + 1.0) / (nn - k - 1.0);
}

}  // namespace emergent
