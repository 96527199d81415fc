/// @file
/// @brief Umbrella header of the optional `emergent::io` component (CMake target `emergent::io`,
///        needs simdjson): readers for evaluation dumps and compute tables. Not included by
///        `emergent/emergent.hpp`; the metric, statistics, fitting and analysis layers never include it.
#pragma once

#include "emergent/io/record.hpp"
#include "emergent/io/lm_eval_samples.hpp"
#include "emergent/io/lm_eval_write_out.hpp"
#include "emergent/io/helm.hpp"
#include "emergent/io/inspect.hpp"
#include "emergent/io/lm_eval_results.hpp"
#include "emergent/io/table.hpp"
#include "emergent/io/reader_context.hpp"
#include "emergent/io/dispatch.hpp"
#include "emergent/io/compute.hpp"
