// The analysis of one series for `emergent report`: the descriptive largest rise, a segmented
// regression of the hard metric with its breakpoint and Wald interval (emergent::fit_segmented, as R
// `segmented`), Davies' test for a break (emergent::davies_test), the logistic fit (fit layer), sharpness
// the judgement of the hard curve (emergent::judge_curve) and, with a soft metric, the mirage verdict
// of the pair, each with its bootstrap probability (analysis layer). Defined in analyse.cpp, its own translation unit: it
// instantiates the fitting code, the heaviest part of the program to compile.
#pragma once

#include "report_data.hpp"

namespace emergent::cli::report {

/// Fills `s.analysis` from `s.points` (sorted by x); analysis failures on valid data become notes.
void analyse(series_result& s, const task_result& task, const report_spec& spec);

}  // namespace emergent::cli::report
