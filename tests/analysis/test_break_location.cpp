#include <doctest/doctest.h>

#include <emergent/analysis/break_count.hpp>
#include <emergent/analysis/break_location.hpp>
#include <emergent/analysis/break_tests.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace emergent;

namespace {

std::map<std::string, std::map<std::string, std::vector<double>>> reference() {
  std::ifstream in(EMERGENT_TEST_REFERENCE_DIR "/segmented_reference.txt");
  REQUIRE(in.good());
  std::map<std::string, std::map<std::string, std::vector<double>>> out;
  std::string line, current;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "dataset") {
      ls >> current;
      continue;
    }
    double v = 0;
    while (ls >> v) out[current][key].push_back(v);
  }
  return out;
}

void one_break_curve(detail::analysis_rng& rng, double psi, double sd, std::vector<double>& x, std::vector<double>& y) {
  x.clear();
  y.clear();
  for (int i = 1; i <= 25; ++i) {
    x.push_back(i);
    y.push_back(1 + 0.2 * i + 0.8 * std::max(i - psi, 0.0) + sd * rng.normal());
  }
}

}  // namespace

TEST_CASE("pscore_test_more agrees with R pscore.test(more.break = TRUE) at R's breakpoint") {
  for (const auto& entry : reference()) {
    const auto& v = entry.second;
    if (v.at("npsi")[0] != 1) continue;
    CAPTURE(entry.first);
    const auto r = pscore_test_more(v.at("x"), v.at("y"), v.at("psi"));
    CHECK(r.statistic == doctest::Approx(v.at("score_more_stat")[0]).epsilon(1e-8));
    CHECK(r.p_value == doctest::Approx(v.at("score_more_p")[0]).epsilon(1e-8));
  }
}

TEST_CASE("profile-likelihood interval: its ends sit on the chi-squared cut") {
  detail::analysis_rng rng(3);
  std::vector<double> x, y;
  one_break_curve(rng, 12.37, 1.0, x, y);
  const segmented_fit f = fit_segmented(x, y);
  const profile_location p = breakpoint_profile_interval(x, y);
  const confidence_interval iv = p.interval;
  CHECK(iv.level == 0.95);
  CHECK(iv.lower < f.breakpoints[0].estimate);
  CHECK(iv.upper > f.breakpoints[0].estimate);
  const auto lr = [&](double psi) {
    double rss = 0;
    std::array<double, detail::lsq_max> b{};
    REQUIRE(detail::ols(x.size(), 3, y.data(), [&](std::size_t j, std::size_t i) {
      return j == 0 ? 1.0 : j == 1 ? x[i] : std::max(x[i] - psi, 0.0);
    }, b, rss));
    return 25.0 * std::log(rss / f.rss);
  };
  if (!p.truncated) {
    CHECK(lr(iv.lower) == doctest::Approx(3.841458820694124).epsilon(1e-6));
    CHECK(lr(iv.upper) == doctest::Approx(3.841458820694124).epsilon(1e-6));
  }
  CHECK(lr(0.5 * (iv.lower + f.breakpoints[0].estimate)) < 3.8414588);
}

TEST_CASE("locate_breakpoint reports three intervals and the bracket") {
  detail::analysis_rng rng(5);
  std::vector<double> x, y;
  one_break_curve(rng, 12.37, 0.3, x, y);
  location_bootstrap_options bo;
  bo.resampling.replicates = 100;
  const break_location loc = locate_breakpoint(x, y, {}, bo);
  CHECK(loc.wald.bracket_left == 12.0);
  CHECK(loc.wald.bracket_right == 13.0);
  CHECK(loc.bootstrap.replicates.size() + loc.bootstrap.failed_replicates == 100);
  CHECK(loc.bootstrap.interval.lower <= loc.wald.estimate);
  CHECK(loc.bootstrap.interval.upper >= loc.wald.estimate);
  CHECK(loc.profile.interval.lower <= loc.wald.estimate);
  // very precise data: every interval is narrower than the one-unit gap, and flagged
  CHECK(loc.wald.narrower_than_gap == (loc.wald.interval.width() < 1.0));
  CHECK(loc.bootstrap.narrower_than_gap == (loc.bootstrap.interval.upper - loc.bootstrap.interval.lower < 1.0));
  CHECK_THROWS_AS((void)breakpoint_bootstrap(x, y, {}, {{1, 1}, 0.95}), input_error);
}

TEST_CASE("coverage: the 95% bootstrap interval of one break covers the truth in 90-98% of 500 curves") {
  detail::analysis_rng rng(2024);
  const double truth = 12.37;
  int covered = 0;
  const int curves = 500;
  location_bootstrap_options bo;
  bo.resampling.replicates = 100;
  std::vector<double> x, y;
  for (int c = 0; c < curves; ++c) {
    one_break_curve(rng, truth, 1.0, x, y);
    bo.resampling.seed = static_cast<std::uint64_t>(c) + 1;
    const bootstrap_location b = breakpoint_bootstrap(x, y, {}, bo);
    if (b.interval.contains(truth)) ++covered;
  }
  const double rate = static_cast<double>(covered) / curves;
  MESSAGE("bootstrap coverage " << rate);
  CHECK(rate >= 0.90);
  CHECK(rate <= 0.98);
}

TEST_CASE("the Davies test rejects at about its level on straight lines") {
  detail::analysis_rng rng(99);
  int rejected = 0;
  const int lines = 2000;
  std::vector<double> x(25), y(25);
  for (int c = 0; c < lines; ++c) {
    for (int i = 0; i < 25; ++i) {
      x[i] = i;
      y[i] = 0.5 + 0.1 * i + rng.normal();
    }
    if (davies_test(x, y).p_value < 0.05) ++rejected;
  }
  const double rate = static_cast<double>(rejected) / lines;
  MESSAGE("Davies rejection rate at 5% on straight lines: " << rate);
  // Davies' bound is conservative: the rate is at most about the level, not far below it
  CHECK(rate <= 0.065);
  CHECK(rate >= 0.02);
}

TEST_CASE("choose_breaks finds 0 on a line and 3 on a three-break curve") {
  detail::analysis_rng rng(17);
  std::vector<double> x, y, yl;
  for (int i = 0; i < 45; ++i) {
    const double t = i * 0.5;
    x.push_back(t);
    y.push_back(1 + 0.2 * t + 1.0 * std::max(t - 6.3, 0.0) - 1.5 * std::max(t - 12.7, 0.0) +
                0.9 * std::max(t - 18.2, 0.0) + 0.05 * rng.normal());
    yl.push_back(1 + 0.2 * t + 0.3 * rng.normal());
  }
  const break_count c3 = choose_breaks(x, y);
  CHECK(c3.by_aicc == 3);
  CHECK(c3.by_tests == 3);
  CHECK(c3.aicc.size() == 4);
  const break_count c0 = choose_breaks(x, yl);
  CHECK(c0.by_aicc <= 1);
  CHECK(c0.by_tests == 0);
  // six points: a warning that the choice means little
  const std::vector<double> xs = {19.2, 20.1, 21.0, 21.8, 22.9, 23.7}, ys = {0.02, 0.03, 0.025, 0.06, 0.31, 0.55};
  const break_count few = choose_breaks(xs, ys);
  CHECK(!few.warnings.empty());
  break_count_options o;
  o.max_breaks = 0;
  CHECK_THROWS_WITH_AS((void)choose_breaks(x, y, o), "choose_breaks: max_breaks: 0 is outside 1..3", input_error);
}
