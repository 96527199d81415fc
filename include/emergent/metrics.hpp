/// @file
/// @brief Umbrella header for the metrics layer: per-example hard and soft scores and the aggregate
///        kernels over many examples.
#pragma once

#include "emergent/metrics/aggregates.hpp"
#include "emergent/metrics/brier.hpp"
#include "emergent/metrics/conjunction.hpp"
#include "emergent/metrics/cross_entropy.hpp"
#include "emergent/metrics/edit_distance.hpp"
#include "emergent/metrics/answer_extraction.hpp"
#include "emergent/metrics/exact_match.hpp"
#include "emergent/metrics/generation_scoring.hpp"
#include "emergent/metrics/multiple_choice.hpp"
#include "emergent/metrics/probability.hpp"
#include "emergent/metrics/tokenize.hpp"
