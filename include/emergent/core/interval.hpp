/// @file
/// @brief `confidence_interval`: the one interval type of every layer (proportions, bootstrap, fit
///        parameters, breakpoint locations, sharpness measures, verdict probabilities).
#pragma once

namespace emergent {

/// A two-sided confidence interval [lower, upper] at confidence `level` (e.g. 0.95).
///
/// Every function of emergent that returns an interval returns this type, whatever the method behind
/// it (Wilson, Clopper–Pearson, Jeffreys, Student t, bootstrap percentile or BCa, Wald, profile
/// likelihood). An interval that could not be computed has `lower` and `upper` not finite and says why
/// in the result that carries it.
struct confidence_interval {
  double lower = 0.0;  ///< lower end
  double upper = 0.0;  ///< upper end
  double level = 0.95; ///< confidence level in (0, 1)
  /// Width upper - lower.
  [[nodiscard]] constexpr double width() const noexcept { return upper - lower; }
  /// True when lower <= value <= upper.
  [[nodiscard]] constexpr bool contains(double value) const noexcept { return lower <= value && value <= upper; }
};

}  // namespace emergent
