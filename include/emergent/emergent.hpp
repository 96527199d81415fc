/// @file
/// @brief Umbrella header: the computing library — metrics, statistics, curve fitting and the
///        emergence analyses (`core`, `metrics`, `stats`, `fit`, `analysis`).
///
/// Three opt-in parts are not included, so that a research program pays only for what it uses
/// (docs/design.md, "What an include costs"):
/// - `<emergent/io.hpp>`: the eval-dump readers (simdjson);
/// - `<emergent/testing.hpp>`: property checks and reference vectors for testing your own metrics;
/// - `<emergent/metrics/eigen.hpp>`: overloads of the metrics taking Eigen matrices.
#pragma once

#include "emergent/core.hpp"
#include "emergent/metrics.hpp"
#include "emergent/stats.hpp"
#include "emergent/fit.hpp"
#include "emergent/analysis.hpp"
