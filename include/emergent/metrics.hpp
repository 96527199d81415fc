/// @file
/// @brief Umbrella header for the metrics layer: per-example hard and soft scores and the aggregate
///        kernels over many examples.
#pragma once

#include "emergent/metrics/brier.hpp"
#include "emergent/metrics/conjunction.hpp"
#include "emergent/metrics/cross_entropy.hpp"
#include "emergent/metrics/probability.hpp"
