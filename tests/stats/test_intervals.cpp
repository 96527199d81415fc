#include <doctest/doctest.h>

#include <emergent/stats.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct reference_row {
  std::string method;
  std::uint64_t successes = 0;
  std::uint64_t n = 0;
  double level = 0;
  double lower = 0;
  double upper = 0;
};

std::vector<reference_row> read_reference() {
  std::ifstream in(std::string(EMERGENT_TEST_REFERENCE_DIR) + "/intervals_scipy.csv");
  REQUIRE(in.good());
  std::vector<reference_row> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("method,", 0) == 0) continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream fields(line);
    reference_row r;
    fields >> r.method >> r.successes >> r.n >> r.level >> r.lower >> r.upper;
    REQUIRE(!fields.fail());
    rows.push_back(r);
  }
  return rows;
}

double relative_difference(double a, double b) {
  if (a == b) return 0.0;
  return std::fabs(a - b) / std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

TEST_CASE("proportion intervals agree with SciPy (tests/reference/intervals_scipy.py)") {
  const auto rows = read_reference();
  REQUIRE(rows.size() > 100);
  int checked = 0;
  for (const auto& r : rows) {
    CAPTURE(r.method);
    CAPTURE(r.successes);
    CAPTURE(r.n);
    CAPTURE(r.level);
    if (r.method == "zero_upper") {
      CHECK(emergent::zero_success_upper_bound(r.n, r.level) == doctest::Approx(r.upper).epsilon(1e-12));
      ++checked;
      continue;
    }
    emergent::confidence_interval ci;
    if (r.method == "wilson") {
      ci = emergent::wilson_interval(r.successes, r.n, r.level);
    } else if (r.method == "exact" || r.method == "exact_beta") {
      ci = emergent::clopper_pearson_interval(r.successes, r.n, r.level);
    } else if (r.method == "jeffreys") {
      ci = emergent::jeffreys_interval(r.successes, r.n, r.level);
    } else {
      FAIL("unknown method " << r.method);
    }
    CHECK(ci.level == r.level);
    // binomtest's exact limits come from a root finder (about 1e-9 relative); the others are direct.
    const double tolerance = r.method == "exact" ? 1e-8 : 1e-12;
    CHECK(relative_difference(ci.lower, r.lower) <= tolerance);
    CHECK(relative_difference(ci.upper, r.upper) <= tolerance);
    if (r.successes == 0) CHECK(ci.lower == 0.0);
    if (r.successes == r.n) CHECK(ci.upper == 1.0);
    ++checked;
  }
  CHECK(checked == static_cast<int>(rows.size()));
}

TEST_CASE("zero successes: the one-sided upper bound follows the rule of three") {
  CHECK(emergent::zero_success_upper_bound(1000, 0.95) == doctest::Approx(0.002991).epsilon(1e-3));
  CHECK(emergent::zero_success_upper_bound(1000, 0.95) < 3.0 / 1000.0);
  CHECK(emergent::zero_success_upper_bound(1, 0.95) == doctest::Approx(0.95));
}

TEST_CASE("interval functions reject bad input with input_error") {
  CHECK_THROWS_WITH_AS(emergent::wilson_interval(0, 0, 0.95), "wilson_interval: n: 0 trials (empty group)",
                       emergent::input_error);
  CHECK_THROWS_WITH_AS(emergent::wilson_interval(5, 4, 0.95), "wilson_interval: successes: 5 exceed n = 4",
                       emergent::input_error);
  CHECK_THROWS_WITH_AS(emergent::wilson_interval(1, 4, 1.0), "wilson_interval: level: 1.000000 is outside (0, 1)",
                       emergent::input_error);
  CHECK_THROWS_AS(emergent::wilson_interval(1, 4, 0.0), emergent::input_error);
  CHECK_THROWS_AS(emergent::wilson_interval(1, 4, std::nan("")), emergent::input_error);
  CHECK_THROWS_AS(emergent::clopper_pearson_interval(1, 0, 0.95), emergent::input_error);
  CHECK_THROWS_AS(emergent::clopper_pearson_interval(2, 1, 0.95), emergent::input_error);
  CHECK_THROWS_AS(emergent::clopper_pearson_interval(1, 2, -0.5), emergent::input_error);
  CHECK_THROWS_AS(emergent::jeffreys_interval(1, 0, 0.95), emergent::input_error);
  CHECK_THROWS_AS(emergent::jeffreys_interval(3, 2, 0.95), emergent::input_error);
  CHECK_THROWS_AS(emergent::jeffreys_interval(1, 2, 1.5), emergent::input_error);
  CHECK_THROWS_WITH_AS(emergent::zero_success_upper_bound(0, 0.95),
                       "zero_success_upper_bound: n: 0 trials (empty group)", emergent::input_error);
  CHECK_THROWS_AS(emergent::zero_success_upper_bound(10, 1.0), emergent::input_error);
}

TEST_CASE("interval overloads taking a binary_accumulator") {
  emergent::binary_accumulator acc;
  acc.add(7, 20);
  CHECK(emergent::wilson_interval(acc, 0.9).lower == emergent::wilson_interval(7, 20, 0.9).lower);
  CHECK(emergent::clopper_pearson_interval(acc, 0.9).upper == emergent::clopper_pearson_interval(7, 20, 0.9).upper);
  CHECK(emergent::jeffreys_interval(acc).lower == emergent::jeffreys_interval(7, 20).lower);
  CHECK_THROWS_AS(emergent::jeffreys_interval(emergent::binary_accumulator{}), emergent::input_error);
}

TEST_CASE("t_interval for a mean: formula and bad input") {
  emergent::mean_accumulator acc;
  for (double v : {1.0, 2.0, 3.0, 4.0, 5.0}) acc(v);
  // scipy.stats.t.ppf(0.975, 4) = 2.7764451051977987; s = sqrt(2.5)
  const double half = 2.7764451051977987 * std::sqrt(2.5 / 5.0);
  const auto ci = emergent::t_interval(acc, 0.95);
  CHECK(ci.lower == doctest::Approx(3.0 - half).epsilon(1e-12));
  CHECK(ci.upper == doctest::Approx(3.0 + half).epsilon(1e-12));
  emergent::mean_accumulator one;
  one(1.0);
  CHECK_THROWS_WITH_AS(emergent::t_interval(one, 0.95), "t_interval: needs at least 2 observations, got 1",
                       emergent::input_error);
  CHECK_THROWS_AS(emergent::t_interval(acc, 2.0), emergent::input_error);
}

TEST_CASE("Wilson 95% interval covers the true proportion in 93-97% of 2,000 simulated data sets") {
  struct setting {
    std::uint64_t n;
    double p;
  };
  std::mt19937_64 rng(424242);
  for (const setting s : {setting{50, 0.3}, setting{200, 0.1}, setting{1000, 0.5}}) {
    CAPTURE(s.n);
    CAPTURE(s.p);
    std::binomial_distribution<std::uint64_t> draw(s.n, s.p);
    int covered = 0;
    const int data_sets = 2000;
    for (int d = 0; d < data_sets; ++d) {
      const auto k = draw(rng);
      if (emergent::wilson_interval(k, s.n, 0.95).contains(s.p)) ++covered;
    }
    const double coverage = covered / static_cast<double>(data_sets);
    MESSAGE("n = " << s.n << ", p = " << s.p << ": Wilson coverage " << coverage);
    CHECK(coverage >= 0.93);
    CHECK(coverage <= 0.97);
  }
}
