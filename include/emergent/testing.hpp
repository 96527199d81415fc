/// @file
/// @brief Umbrella header of the testing toolkit: property checks for a user's own metric, the
///        mirage risk of a metric, differential testing against the built-in metrics, and the path of
///        the reference vectors. The doctest helpers (`emergent/testing/doctest.hpp`) are not included.
#pragma once

#include "emergent/testing/property.hpp"
#include "emergent/testing/scoring_rule_properties.hpp"
#include "emergent/testing/sequence_properties.hpp"
#include "emergent/testing/mirage.hpp"
#include "emergent/testing/differential.hpp"
#include "emergent/testing/reference_vectors.hpp"
