#include <doctest/doctest.h>

#include <emergent/stats.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

TEST_CASE("make_scaling_curve from grouped binary outcomes: Wilson intervals, n, log10 compute") {
  emergent::grouped<emergent::exact_match_accumulator> groups;
  for (int i = 0; i < 40; ++i) {
    groups({"small", "arith", ""}, false);
    groups({"large", "arith", ""}, i % 4 != 0);
    groups({"large", "qa", ""}, true);
  }
  const std::map<std::string, double> compute{{"small", 1e20}, {"large", 1e22}};
  emergent::curve_options options;
  options.metric = "exact_match";
  const auto curve = emergent::make_scaling_curve(groups, compute, "arith", options);
  REQUIRE(curve.size() == 2);
  CHECK_NOTHROW(curve.validate());
  CHECK(curve.labels == std::vector<std::string>{"large", "small"});  // key order
  CHECK(curve.x[0] == doctest::Approx(22.0));
  CHECK(curve.x[1] == doctest::Approx(20.0));
  CHECK(curve.y[0] == doctest::Approx(0.75));
  CHECK(curve.y[1] == 0.0);
  const auto w = emergent::wilson_interval(30, 40, 0.95);
  CHECK(curve.lower[0] == w.lower);
  CHECK(curve.upper[0] == w.upper);
  CHECK(curve.lower[1] == 0.0);
  CHECK(curve.upper[1] == doctest::Approx(emergent::wilson_interval(0, 40).upper));
  CHECK(curve.n == std::vector<std::size_t>{40, 40});
  CHECK(curve.metric == "exact_match");
  CHECK(curve.task == "arith");
  CHECK(curve.quantity == "compute");
  CHECK(curve.sorted().labels == std::vector<std::string>{"small", "large"});
}

TEST_CASE("make_scaling_curve from grouped means: t intervals; bootstrap builder") {
  emergent::grouped<emergent::brier_accumulator> groups;
  std::map<std::string, std::vector<double>> scores;
  for (int i = 0; i < 30; ++i) {
    const double a = 0.5 + 0.01 * (i % 7);
    const double b = 0.1 + 0.02 * (i % 5);
    groups({"a", "t", "sub"}, a);
    groups({"b", "t", "sub"}, b);
    scores["a"].push_back(a);
    scores["b"].push_back(b);
  }
  const std::map<std::string, double> params{{"a", 1e9}, {"b", 7e9}};
  emergent::curve_options options;
  options.quantity = "parameters";
  options.log_base = 2.0;
  const auto curve = emergent::make_scaling_curve(groups, params, "t", options, "sub");
  REQUIRE(curve.size() == 2);
  CHECK(curve.x[1] == doctest::Approx(std::log2(7e9)));
  const auto t = emergent::t_interval(groups.at({"a", "t", "sub"}), 0.95);
  CHECK(curve.lower[0] == t.lower);
  CHECK(curve.upper[0] == t.upper);
  CHECK_NOTHROW(curve.validate());
  CHECK_THROWS_AS((void)emergent::make_scaling_curve(groups, params, "t", options), emergent::input_error);  // no subtask ""

  emergent::bootstrap_options boot;
  boot.resampling.replicates = 400;
  boot.resampling.seed = 1;
  const auto bc = emergent::make_scaling_curve_bootstrap(scores, params, "t", emergent::bootstrap_method::bca, boot, options);
  REQUIRE(bc.size() == 2);
  CHECK(bc.y[0] == doctest::Approx(curve.y[0]));
  CHECK(bc.lower[0] < bc.y[0]);
  CHECK(bc.upper[0] > bc.y[0]);
  CHECK(bc.n[1] == 30);
  CHECK_NOTHROW(bc.validate());
}

TEST_CASE("scaling-curve builders: bad input is input_error") {
  emergent::grouped<emergent::binary_accumulator> groups;
  groups({"m", "t", ""}, true);
  const std::map<std::string, double> compute{{"m", 1e21}};
  CHECK_THROWS_WITH_AS((void)emergent::make_scaling_curve(groups, compute, "other"),
                       "make_scaling_curve: groups: no group for task 'other' (empty group)", emergent::input_error);
  CHECK_THROWS_WITH_AS((void)emergent::make_scaling_curve(groups, {}, "t"),
                       "make_scaling_curve: quantity_by_model: no compute for model 'm'", emergent::input_error);
  CHECK_THROWS_WITH_AS((void)emergent::make_scaling_curve(groups, {{"m", 0.0}}, "t"),
                       "make_scaling_curve: quantity_by_model: compute of model 'm' is 0.000000, not a positive finite number",
                       emergent::input_error);
  emergent::curve_options options;
  options.level = 1.2;
  CHECK_THROWS_AS((void)emergent::make_scaling_curve(groups, compute, "t", options), emergent::input_error);
  options.level = 0.95;
  options.log_base = 1.0;
  CHECK_THROWS_AS((void)emergent::make_scaling_curve(groups, compute, "t", options), emergent::input_error);
  emergent::grouped<emergent::mean_accumulator> means;
  means({"m", "t", ""}, 1.0);
  CHECK_THROWS_WITH_AS((void)emergent::make_scaling_curve(means, compute, "t"),
                       "make_scaling_curve: groups: model 'm' has 1 scores; a t interval needs at least 2",
                       emergent::input_error);
  CHECK_THROWS_AS((void)emergent::make_scaling_curve_bootstrap({}, compute, "t"), emergent::input_error);
  CHECK_THROWS_WITH_AS((void)emergent::make_scaling_curve_bootstrap({{"m", {}}}, compute, "t"),
                       "make_scaling_curve_bootstrap: scores_by_model: model 'm' has no scores (empty group)",
                       emergent::input_error);
}
