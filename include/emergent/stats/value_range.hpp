/// @file
/// @brief `value_range`: the range [lower, upper] the values of a metric can take, which the
///        range-respecting mean intervals (stats/range_intervals.hpp) keep inside. A header of its
///        own, without Boost.Math, so that code naming a range (the scorer's metric list,
///        scoring/metric_spec.hpp) does not pay for the interval code.
#pragma once

#include <limits>

namespace emergent {

/// The range [lower, upper] the values of a metric can take; an infinite end is an open side.
struct value_range {
  double lower = -std::numeric_limits<double>::infinity();  ///< smallest possible value (or -inf)
  double upper = std::numeric_limits<double>::infinity();   ///< largest possible value (or +inf)
};

}  // namespace emergent
