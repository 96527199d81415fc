// The doctest helpers: passing reports pass, failing ones fail and print the counterexample.
#include <doctest/doctest.h>

#include <emergent/testing.hpp>
#include <emergent/testing/doctest.hpp>

#include <cstddef>
#include <vector>

namespace et = emergent::testing;

namespace {

double hamming(const std::vector<int>& p, const std::vector<int>& r) {
  double d = 0.0;
  for (std::size_t i = 0; i < std::min(p.size(), r.size()); ++i) d += p[i] != r[i] ? 1.0 : 0.0;
  return d + static_cast<double>(std::max(p.size(), r.size()) - std::min(p.size(), r.size()));
}

double asymmetric(const std::vector<int>& p, const std::vector<int>& r) { return p.size() > r.size() ? 1.0 : 0.0; }

}  // namespace

TEST_CASE("EMERGENT_CHECK_PROPERTY passes on a passing report and on a list of passing reports") {
  EMERGENT_CHECK_PROPERTY(et::check_symmetry(hamming));
  EMERGENT_REQUIRE_PROPERTY(et::check_sequence_metric(hamming, {0.0, 1e9, et::better::lower, true}));
  EMERGENT_CHECK_PROPERTY_FAILS(et::check_symmetry(asymmetric));
}

// A failing check must fail the test and print the counterexample: run it in a test case that is
// expected to fail (doctest's should_fail), so the suite stays green while the failure path is run.
TEST_CASE("EMERGENT_CHECK_PROPERTY fails on a failing report" * doctest::should_fail()) {
  EMERGENT_CHECK_PROPERTY(et::check_symmetry(asymmetric));
}

TEST_CASE("EMERGENT_REQUIRE_PROPERTY stops on a failing list" * doctest::should_fail()) {
  EMERGENT_REQUIRE_PROPERTY(std::vector<et::property_report>{et::check_symmetry(hamming), et::check_symmetry(asymmetric)});
}

TEST_CASE("describe_failures lists only the failing properties") {
  const std::vector<et::property_report> reports{et::check_symmetry(hamming), et::check_symmetry(asymmetric)};
  const std::string text = et::detail::describe_failures(reports);
  CHECK(text.find("symmetry: FAILED") == 0);
  CHECK(text.find("passed") == std::string::npos);
  CHECK(et::detail::describe_failures(reports[0]).empty());
}
