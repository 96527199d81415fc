/// @file
/// @brief One-line doctest assertions over the property checks of `emergent::testing`: each runs
///        nothing itself but checks a `property_report` (or a vector of them) and, on failure, prints
///        the property, the number of cases and the shrunk counterexample.
///
/// This is the only header of emergent that includes doctest; it is not part of any umbrella header.
/// Include it after `<doctest/doctest.h>` in a test file:
///
///     #include <doctest/doctest.h>
///     #include <emergent/testing.hpp>
///     #include <emergent/testing/doctest.hpp>
///
///     TEST_CASE("my metric is a distance") {
///       EMERGENT_CHECK_PROPERTY(emergent::testing::check_symmetry(my_metric));
///     }
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "emergent/testing/property.hpp"

namespace emergent::testing::detail {

/// All failing reports of a list, described one after the other (empty when all passed).
inline std::string describe_failures(const std::vector<property_report>& reports) {
  std::string out;
  for (const property_report& r : reports) {
    if (r.passed) continue;
    if (!out.empty()) out += '\n';
    out += r.describe();
  }
  return out;
}

inline std::string describe_failures(const property_report& report) {
  return report.passed ? std::string() : report.describe();
}

inline bool passed(const std::vector<property_report>& reports) {
  for (const property_report& r : reports) {
    if (!r.passed) return false;
  }
  return true;
}

inline bool passed(const property_report& report) { return report.passed; }

}  // namespace emergent::testing::detail

/// Checks (doctest CHECK) that a property report, or every report of a `std::vector<property_report>`,
/// passed; on failure prints each failing property with its shrunk counterexample. The argument is
/// evaluated once.
#define EMERGENT_CHECK_PROPERTY(...)                                                        \
  do {                                                                                      \
    const auto& emergent_property_reports_ = (__VA_ARGS__);                                 \
    INFO(::emergent::testing::detail::describe_failures(emergent_property_reports_));       \
    CHECK_MESSAGE(::emergent::testing::detail::passed(emergent_property_reports_), #__VA_ARGS__); \
  } while (false)

/// As `EMERGENT_CHECK_PROPERTY`, but stops the test case on failure (doctest REQUIRE).
#define EMERGENT_REQUIRE_PROPERTY(...)                                                      \
  do {                                                                                      \
    const auto& emergent_property_reports_ = (__VA_ARGS__);                                 \
    INFO(::emergent::testing::detail::describe_failures(emergent_property_reports_));       \
    REQUIRE_MESSAGE(::emergent::testing::detail::passed(emergent_property_reports_), #__VA_ARGS__); \
  } while (false)

/// Checks that a property report shows a failure (the property is expected NOT to hold, for example
/// on a deliberately broken metric); on unexpected success prints the number of cases tried.
#define EMERGENT_CHECK_PROPERTY_FAILS(...)                                                  \
  do {                                                                                      \
    const auto& emergent_property_report_ = (__VA_ARGS__);                                  \
    INFO(emergent_property_report_.describe());                                             \
    CHECK_MESSAGE(!emergent_property_report_.passed, #__VA_ARGS__);                         \
  } while (false)
