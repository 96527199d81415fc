// The analysis of one series for `emergent report`: the descriptive largest jump, and the hooks into
// the library's fitting and analysis layers (logistic fit, breakpoint, sharpness, mirage verdict).
#pragma once

#include <cmath>
#include <cstddef>
#include <string>

#include "report_data.hpp"

namespace emergent::cli::report {

/// Fills `s.analysis` from `s.points` (sorted by x).
inline void analyse(series_result& s, const task_result& task) {
  series_analysis& a = s.analysis;
  const auto& pts = s.points;
  const double sign = task.spec.hard.lower_is_better ? -1.0 : 1.0;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const double rise = sign * (pts[i].hard.value - pts[i - 1].hard.value);
    if (!a.jump_from || rise > a.jump) {
      a.jump_from = i - 1;
      a.jump = rise;
    }
  }
  if (pts.size() < 3) {
    a.verdict = "too few models";
    a.verdict_reason = std::to_string(pts.size()) + " model(s): a curve needs at least 3";
    return;
  }
  // TODO(fit): logistic fit of the hard metric with emergent::fit_curve(curve, fit_model::logistic).
  // TODO(analysis): breakpoint with interval, sharpness scores and the mirage verdict (hard vs soft).
  a.verdict = "not analysed";
  a.verdict_reason = "the analysis layer is not available in this build";
}

}  // namespace emergent::cli::report
