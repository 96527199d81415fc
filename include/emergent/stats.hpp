/// @file
/// @brief Umbrella header for the statistics layer: mergeable accumulators, grouping, intervals for
///        proportions and means, the bootstrap, hierarchical resampling and scaling-curve builders.
#pragma once

#include "emergent/stats/accumulators.hpp"
#include "emergent/stats/grouping.hpp"
#include "emergent/stats/intervals.hpp"
#include "emergent/stats/range_intervals.hpp"
#include "emergent/stats/value_range.hpp"
#include "emergent/stats/bootstrap.hpp"
#include "emergent/stats/hierarchical.hpp"
#include "emergent/stats/curve.hpp"
