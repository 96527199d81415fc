/// @file
/// @brief Umbrella header for the vocabulary shared by all layers (errors, concepts, scaling_curve).
#pragma once

#include "emergent/core/concepts.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/information_criteria.hpp"
#include "emergent/core/interval.hpp"
#include "emergent/core/resampling.hpp"
#include "emergent/core/scaling_curve.hpp"
#include "emergent/version.hpp"
