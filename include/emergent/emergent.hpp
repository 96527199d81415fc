/// @file
/// @brief Umbrella header: everything in emergent except the optional file readers in `emergent/io/`.
#pragma once

#include "emergent/core.hpp"
#include "emergent/metrics.hpp"
#include "emergent/metrics/eigen.hpp"
#include "emergent/stats.hpp"
#include "emergent/fit.hpp"
#include "emergent/testing.hpp"
#include "emergent/analysis.hpp"
