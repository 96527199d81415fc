/// @file
/// @brief Umbrella header of the analysis layer: segmented regression, tests for a break, break
///        location intervals, the number of breaks, sharpness scores, the mirage verdict, k-of-k
///        prediction and grokking delays.
#pragma once

#include "emergent/analysis/break_count.hpp"
#include "emergent/analysis/break_location.hpp"
#include "emergent/analysis/break_tests.hpp"
#include "emergent/analysis/break_vs_smooth.hpp"
#include "emergent/analysis/breakthroughness.hpp"
#include "emergent/analysis/grokking.hpp"
#include "emergent/analysis/judgement.hpp"
#include "emergent/analysis/k_of_k.hpp"
#include "emergent/analysis/mirage.hpp"
#include "emergent/analysis/sharpness.hpp"
#include "emergent/analysis/segmented.hpp"
