/// @file
/// @brief `fit_flag`: the cautions a fit can raise, as an enum with `to_string` / `parse_fit_flag`.
///        `fit_result::flags` holds their printed forms ("at_bound:k", "break_outside_data:d2", ...).
#pragma once

#include <string>
#include <string_view>

#include "emergent/core/error.hpp"

namespace emergent {

/// A caution raised by a fit. A fit with any flag never reports `fit_status::converged`.
/// Printed as `to_string(flag)`, followed by `:` and a subject for the flags that have one
/// (`at_bound:NAME` names the parameter, `break_outside_data:dI` the break).
enum class fit_flag {
  at_bound,               ///< a parameter ended at a box bound (subject: the parameter)
  not_identifiable,       ///< near-singular JᵀJ, huge standard errors, or a feature outside the data
  too_few_points,         ///< fewer points than parameters + 2
  midpoint_outside_data,  ///< logistic: the midpoint x0 lies outside the fitted x range
  plateaus_outside_data,  ///< logistic: neither plateau is reached inside the fitted x range
  break_outside_data,     ///< bnsl: a break lies outside the fitted x range (subject: dI)
  max_iterations,         ///< the optimiser stopped at its iteration limit
  aicc_not_finite,        ///< the AICc is infinite (too few points, or an exact fit)
  failed,                 ///< the model could not be evaluated at any starting point
};

/// The printed name of a flag: "at_bound", "not_identifiable", "too_few_points",
/// "midpoint_outside_data", "plateaus_outside_data", "break_outside_data", "max_iterations",
/// "aicc_not_finite" or "failed".
[[nodiscard]] constexpr std::string_view to_string(fit_flag flag) noexcept {
  switch (flag) {
    case fit_flag::at_bound: return "at_bound";
    case fit_flag::not_identifiable: return "not_identifiable";
    case fit_flag::too_few_points: return "too_few_points";
    case fit_flag::midpoint_outside_data: return "midpoint_outside_data";
    case fit_flag::plateaus_outside_data: return "plateaus_outside_data";
    case fit_flag::break_outside_data: return "break_outside_data";
    case fit_flag::max_iterations: return "max_iterations";
    case fit_flag::aicc_not_finite: return "aicc_not_finite";
    case fit_flag::failed: return "failed";
  }
  return "unknown";
}

/// The printed form of a flag with a subject: "at_bound:k" (`to_string(flag) + ":" + subject`), or
/// the bare name when `subject` is empty.
[[nodiscard]] inline std::string flag_string(fit_flag flag, std::string_view subject = {}) {
  std::string s(to_string(flag));
  if (!subject.empty()) (s += ':') += subject;
  return s;
}

/// Parses a printed flag ("not_identifiable", or "at_bound:k" — the subject after ':' is ignored);
/// throws `input_error` naming the value and listing the valid names on anything else.
[[nodiscard]] inline fit_flag parse_fit_flag(std::string_view text) {
  const std::string_view name = text.substr(0, text.find(':'));
  for (const fit_flag f : {fit_flag::at_bound, fit_flag::not_identifiable, fit_flag::too_few_points,
                           fit_flag::midpoint_outside_data, fit_flag::plateaus_outside_data,
                           fit_flag::break_outside_data, fit_flag::max_iterations, fit_flag::aicc_not_finite,
                           fit_flag::failed}) {
    if (name == to_string(f)) return f;
  }
  throw input_error("parse_fit_flag: name: '" + std::string(text) +
                    "' is not one of at_bound, not_identifiable, too_few_points, midpoint_outside_data, "
                    "plateaus_outside_data, break_outside_data, max_iterations, aicc_not_finite, failed");
}

}  // namespace emergent
