#include <doctest/doctest.h>

#include <emergent/analysis/break_tests.hpp>
#include <emergent/analysis/segmented.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace emergent;

namespace {

struct reference_case {
  std::string name;
  std::map<std::string, std::vector<double>> v;
};

std::vector<reference_case> read_reference() {
  std::ifstream in(EMERGENT_TEST_REFERENCE_DIR "/segmented_reference.txt");
  REQUIRE(in.good());
  std::vector<reference_case> cases;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "dataset") {
      cases.emplace_back();
      ls >> cases.back().name;
      continue;
    }
    double value = 0;
    while (ls >> value) cases.back().v[key].push_back(value);
  }
  return cases;
}

// Brute force: the RSS of the continuous one-break model at psi.
double rss_at(const std::vector<double>& x, const std::vector<double>& y, double psi) {
  // OLS on [1, x, (x-psi)+] by normal equations in long double
  long double s[3][3] = {}, b[3] = {};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const long double r[3] = {1.0L, x[i], std::max(x[i] - psi, 0.0)};
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 3; ++k) s[j][k] += r[j] * r[k];
      b[j] += r[j] * y[i];
    }
  }
  // Gaussian elimination
  for (int c = 0; c < 3; ++c) {
    for (int r = c + 1; r < 3; ++r) {
      const long double f = s[r][c] / s[c][c];
      for (int k = c; k < 3; ++k) s[r][k] -= f * s[c][k];
      b[r] -= f * b[c];
    }
  }
  long double beta[3];
  for (int c = 2; c >= 0; --c) {
    long double v = b[c];
    for (int k = c + 1; k < 3; ++k) v -= s[c][k] * beta[k];
    beta[c] = v / s[c][c];
  }
  long double rss = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const long double f = beta[0] + beta[1] * x[i] + beta[2] * std::max(x[i] - psi, 0.0);
    rss += (y[i] - f) * (y[i] - f);
  }
  return static_cast<double>(rss);
}

}  // namespace

TEST_CASE("fit_segmented and the break tests agree with R segmented on seven data sets") {
  const auto cases = read_reference();
  REQUIRE(cases.size() >= 6);
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto& x = c.v.at("x");
    const auto& y = c.v.at("y");
    segmented_options o;
    o.breaks = static_cast<std::size_t>(c.v.at("npsi")[0]);
    const segmented_fit f = fit_segmented(x, y, o);
    const double r_rss = c.v.at("rss")[0];
    // Never worse than segmented's own optimum.
    CHECK(f.rss <= r_rss * (1 + 1e-9) + 1e-14);
    const double range = x.back() - x.front();
    if (f.rss < r_rss * (1 - 1e-4)) {
      MESSAGE(c.name << ": segmented stopped at a local optimum (RSS " << r_rss << "), ours is " << f.rss);
    } else {
      REQUIRE(f.breakpoints.size() == o.breaks);
      for (std::size_t b = 0; b < o.breaks; ++b) {
        CHECK(f.breakpoints[b].estimate == doctest::Approx(c.v.at("psi")[b]).epsilon(2e-5 * range));
        CHECK(f.breakpoints[b].std_error == doctest::Approx(c.v.at("se")[b]).epsilon(2e-3));
        CHECK(f.breakpoints[b].interval.lower == doctest::Approx(c.v.at("ci_low")[b]).epsilon(2e-3));
        CHECK(f.breakpoints[b].interval.upper == doctest::Approx(c.v.at("ci_high")[b]).epsilon(2e-3));
        CHECK(f.breakpoints[b].bracket_left <= f.breakpoints[b].estimate);
        CHECK(f.breakpoints[b].bracket_right > f.breakpoints[b].estimate);
      }
      for (std::size_t s = 0; s < f.slopes.size(); ++s) {
        CHECK(f.slopes[s] == doctest::Approx(c.v.at("slopes")[s]).epsilon(1e-4));
      }
      CHECK(f.rss == doctest::Approx(r_rss).epsilon(1e-4));
    }
    const break_test_result d = davies_test(x, y);
    CHECK(d.p_value == doctest::Approx(c.v.at("davies_p")[0]).epsilon(1e-9));
    CHECK(d.best == doctest::Approx(c.v.at("davies_best")[0]).epsilon(1e-12));
    CHECK(d.n_points == 10);
    const break_test_result s = pscore_test(x, y);
    CHECK(s.statistic == doctest::Approx(c.v.at("score_stat")[0]).epsilon(1e-9));
    CHECK(s.p_value == doctest::Approx(c.v.at("score_p")[0]).epsilon(1e-9));
  }
}

TEST_CASE("the one-break optimum is global: no psi on a fine grid does better") {
  detail::analysis_rng rng(7);
  for (int rep = 0; rep < 40; ++rep) {
    const std::size_t n = 8 + static_cast<std::size_t>(rng.below(20));
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<double>(i) + 0.5 * rng.uniform();
      y[i] = std::sin(x[i] * (0.2 + rng.uniform())) + 0.3 * rng.normal();
    }
    const segmented_fit f = fit_segmented(x, y);
    std::vector<double> xs = x;
    std::sort(xs.begin(), xs.end());
    double brute = 1e300;
    for (int g = 0; g <= 20000; ++g) {
      const double psi = xs[1] + (xs[n - 2] - xs[1]) * g / 20000.0;
      brute = std::min(brute, rss_at(x, y, psi));
    }
    CHECK(f.rss <= brute * (1 + 1e-10) + 1e-12);
    CHECK(f.rss == doctest::Approx(rss_at(x, y, f.breakpoints[0].estimate)).epsilon(1e-9));
  }
}

TEST_CASE("two and three breaks recover planted breakpoints and beat a vertex grid") {
  std::vector<double> x, y;
  detail::analysis_rng rng(11);
  for (int i = 0; i < 45; ++i) {
    const double t = i * 0.5;
    x.push_back(t);
    y.push_back(1 + 0.2 * t + 1.0 * std::max(t - 6.3, 0.0) - 1.5 * std::max(t - 12.7, 0.0) +
                0.9 * std::max(t - 18.2, 0.0) + 0.05 * rng.normal());
  }
  segmented_options o;
  o.breaks = 3;
  const segmented_fit f = fit_segmented(x, y, o);
  REQUIRE(f.breakpoints.size() == 3);
  CHECK(f.breakpoints[0].estimate == doctest::Approx(6.3).epsilon(0.02));
  CHECK(f.breakpoints[1].estimate == doctest::Approx(12.7).epsilon(0.02));
  CHECK(f.breakpoints[2].estimate == doctest::Approx(18.2).epsilon(0.02));
  CHECK(f.slopes.size() == 4);
  CHECK(f.slopes[1] == doctest::Approx(1.2).epsilon(0.05));
  o.breaks = 2;
  const segmented_fit f2 = fit_segmented(x, y, o);
  CHECK(f2.rss > f.rss);
  CHECK(f2.aicc > f.aicc);
}

TEST_CASE("plateau and step variants") {
  std::vector<double> x, y;
  for (int i = 0; i < 20; ++i) {
    x.push_back(18 + 0.3 * i);
    y.push_back(0.25 + 0.5 * std::max(x.back() - 22.0, 0.0) + (i % 2 ? 0.003 : -0.003));
  }
  segmented_options o;
  o.shape = segmented_shape::plateau;
  const segmented_fit p = fit_segmented(x, y, o);
  CHECK(p.slopes[0] == 0.0);
  CHECK(p.breakpoints[0].estimate == doctest::Approx(22.0).epsilon(0.005));
  CHECK(p.slopes[1] == doctest::Approx(0.5).epsilon(0.02));
  CHECK(p.parameters == 3);
  CHECK(p.predict(19.0) == doctest::Approx(p.intercept));

  std::vector<double> ys(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) ys[i] = 0.1 + 0.01 * x[i] + (x[i] > 21.1 ? 0.4 : 0.0);
  o.shape = segmented_shape::step;
  const segmented_fit s = fit_segmented(x, ys, o);
  CHECK(s.jump == doctest::Approx(0.4));
  CHECK(s.slopes[0] == doctest::Approx(0.01));
  CHECK(s.breakpoints[0].bracket_left == doctest::Approx(21.0));
  CHECK(s.breakpoints[0].bracket_right == doctest::Approx(21.3));
  CHECK(s.predict(22) == doctest::Approx(0.1 + 0.22 + 0.4));
}

TEST_CASE("fit_segmented rejects bad input with messages naming the argument") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6}, y = {1, 2, 3, 4, 5, 6};
  CHECK_THROWS_WITH_AS((void)fit_segmented(x, std::vector<double>{1, 2}), "fit_segmented: x has 6 values but y has 2",
                       input_error);
  segmented_options o;
  o.breaks = 4;
  CHECK_THROWS_WITH_AS((void)fit_segmented(x, y, o), "fit_segmented: breaks: 4 is outside 1..3", input_error);
  o.breaks = 3;
  CHECK_THROWS_AS((void)fit_segmented(x, y, o), input_error);
  std::vector<double> bad = y;
  bad[2] = std::nan("");
  CHECK_THROWS_WITH_AS((void)fit_segmented(x, bad), "fit_segmented: y[2]: not finite", input_error);
  CHECK_THROWS_WITH_AS((void)fit_segmented(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1, 2, 3, 4}),
                       "fit_segmented: x: 4 distinct values and 4 points are too few for 1 breakpoint(s) (need at "
                       "least 4 distinct values and more than 4 points)",
                       input_error);
  o = {};
  o.shape = segmented_shape::step;
  o.breaks = 2;
  CHECK_THROWS_AS((void)fit_segmented(x, y, o), input_error);
  o = {};
  o.level = 1.5;
  CHECK_THROWS_AS((void)fit_segmented(x, y, o), input_error);
  CHECK_THROWS_WITH_AS((void)davies_test(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2, 3}),
                       "davies_test: x: 3 points are too few (need at least 4)", input_error);
  CHECK_THROWS_WITH_AS((void)pscore_test(x, bad), "pscore_test: y[2]: not finite", input_error);
  break_test_options bo;
  bo.k = 1;
  CHECK_THROWS_WITH_AS((void)davies_test(x, y, bo), "davies_test: k: 1 must be at least 2", input_error);
  CHECK_THROWS_AS((void)pscore_test(x, y), numerical_error);  // exact line: no residual variance
}

TEST_CASE("davies_test on a constant curve throws numerical_error naming the reason, not a Boost.Math error") {
  // A task on which every model scores the same (here 0): before the check, s(psi) = 0/0 reached
  // Boost.Math's Student-t CDF, which threw std::domain_error.
  const std::vector<double> x = {18, 19, 20, 21, 22, 23, 24, 25}, flat(8, 0.0), half(8, 0.5);
  CHECK_THROWS_WITH_AS((void)davies_test(x, flat),
                       "davies_test: y is constant: all 8 values are 0, so every hinge model fits exactly and the "
                       "Wald statistic is 0/0",
                       numerical_error);
  CHECK_THROWS_WITH_AS((void)davies_test(x, half),
                       "davies_test: y is constant: all 8 values are 0.5, so every hinge model fits exactly and the "
                       "Wald statistic is 0/0",
                       numerical_error);
  scaling_curve c;
  c.x = x;
  c.y = half;
  CHECK_THROWS_AS((void)davies_test(c), numerical_error);
  // not std::domain_error (what escaped before), and not a silent NaN
  CHECK_THROWS_AS((void)davies_test(x, flat, {10, break_alternative::greater}), numerical_error);
}

TEST_CASE("davies_test on a curve a hinge fits exactly throws numerical_error instead of a meaningless p-value") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  std::vector<double> line(x.size()), hinge(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    line[i] = 0.25 + 0.5 * x[i];                 // a straight line: every hinge coefficient is rounding noise
    hinge[i] = 0.1 + std::max(x[i] - 5.0, 0.0);  // a hinge at 5, which is on the grid seq(2, 11, length 10)
  }
  CHECK_THROWS_WITH_AS((void)davies_test(x, line),
                       "davies_test: y: the hinge model at psi = 2 fits exactly (residual variance 0), so the Wald "
                       "statistic is undefined",
                       numerical_error);
  CHECK_THROWS_AS((void)davies_test(x, hinge), numerical_error);
  // a little noise and the test is defined again
  std::vector<double> noisy = line;
  noisy[3] += 0.01;
  const break_test_result d = davies_test(x, noisy);
  CHECK(std::isfinite(d.p_value));
  CHECK(d.p_value >= 0);
  CHECK(d.p_value <= 1);
}
