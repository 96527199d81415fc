// Text helpers of `emergent score`: white-space stripping for `exact_match_stripped` (HELM's
// exact_match compares stripped strings). Edit distance and exact match themselves come from the
// metrics layer (emergent/metrics/edit_distance.hpp, exact_match.hpp).
#pragma once

#include <string_view>

namespace emergent::cli::score::text {

/// The text without spaces, tabs, carriage returns and newlines at either end.
inline std::string_view strip(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace emergent::cli::score::text
