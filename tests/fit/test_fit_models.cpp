// Models, gradients, recovery, flags, invariance and error paths of fit_xy / fit_curve.
#include <doctest/doctest.h>

#include <emergent/fit.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace emergent;

namespace {

std::vector<double> grid(double a, double b, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(a + (b - a) * i / (n - 1));
  return v;
}

double logistic(double x, double lo, double hi, double k, double x0) { return lo + (hi - lo) / (1 + std::exp(-k * (x - x0))); }

std::vector<double> noisy(const std::vector<double>& x, double sigma, unsigned seed, auto&& f) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> y;
  for (double xi : x) y.push_back(f(xi) + sigma * noise(gen));
  return y;
}

}  // namespace

TEST_CASE("model gradients match central differences for every model") {
  struct item {
    fit_model model;
    int breaks;
    std::vector<double> p;
  };
  const std::vector<item> items = {
      {fit_model::linear, 0, {0.3, -0.2}},
      {fit_model::power_law, 0, {1.5, 2.0, 0.3}},
      {fit_model::logistic, 0, {0.1, 0.9, 2.5, 21.0}},
      {fit_model::accuracy_law, 0, {1e5, 0.25}},
      {fit_model::bnsl, 1, {0.2, 1.0, 0.3, 0.8, 21.0, 0.4}},
      {fit_model::bnsl, 2, {0.2, 1.0, 0.3, 0.8, 20.5, 0.4, -0.5, 22.0, 0.2}},
      {fit_model::bnsl, 3, {0.2, 1.0, 0.3, 0.8, 20.5, 0.4, -0.5, 22.0, 0.2, 0.3, 23.0, 0.3}},
  };
  for (const auto& it : items) {
    Eigen::VectorXd p = Eigen::Map<const Eigen::VectorXd>(it.p.data(), static_cast<Eigen::Index>(it.p.size()));
    for (double x : {19.0, 20.7, 21.3, 23.5}) {
      Eigen::VectorXd g(p.size());
      (void)detail::fit_model_eval(it.model, it.breaks, 21.0, x, p, &g);
      for (Eigen::Index j = 0; j < p.size(); ++j) {
        const double h = 1e-6 * std::max(1.0, std::abs(p(j)));
        Eigen::VectorXd a = p, b = p;
        a(j) += h;
        b(j) -= h;
        const auto none = static_cast<Eigen::VectorXd*>(nullptr);
        const double fd = (detail::fit_model_eval(it.model, it.breaks, 21.0, x, a, none) -
                           detail::fit_model_eval(it.model, it.breaks, 21.0, x, b, none)) / (2 * h);
        INFO(to_string(it.model), " breaks ", it.breaks, " x ", x, " param ", j);
        CHECK(g(j) == doctest::Approx(fd).epsilon(1e-5).scale(1.0));
      }
    }
  }
}

TEST_CASE("parameter names, counts and model names") {
  CHECK(parameter_names(fit_model::logistic) == std::vector<std::string>{"lo", "hi", "k", "x0"});
  CHECK(parameter_names(fit_model::power_law) == std::vector<std::string>{"E", "A", "alpha"});
  CHECK(parameter_names(fit_model::bnsl, 2).size() == 9);
  CHECK(parameter_count(fit_model::bnsl, 3) == 12);
  CHECK(parse_fit_model("accuracy_law") == fit_model::accuracy_law);
  CHECK_THROWS_WITH_AS((void)parse_fit_model("fit_sigmoid"),
                       "parse_fit_model: name: 'fit_sigmoid' is not one of linear, power_law, logistic, accuracy_law, bnsl",
                       input_error);
  CHECK_THROWS_WITH_AS((void)parameter_count(fit_model::bnsl, 4), "parameter_count: breaks: 4 is not 1, 2 or 3",
                       input_error);
}

TEST_CASE("robust losses and fit flags: to_string and parse round-trip, parse errors name the value and the choices") {
  for (const robust_loss l : {robust_loss::none, robust_loss::huber, robust_loss::soft_l1, robust_loss::cauchy}) {
    CHECK(parse_robust_loss(to_string(l)) == l);
  }
  CHECK(to_string(robust_loss::soft_l1) == "soft_l1");
  CHECK_THROWS_WITH_AS((void)parse_robust_loss("l2"), "parse_robust_loss: name: 'l2' is not one of none, huber, soft_l1, cauchy",
                       input_error);
  for (const fit_flag f : {fit_flag::at_bound, fit_flag::not_identifiable, fit_flag::too_few_points,
                           fit_flag::midpoint_outside_data, fit_flag::plateaus_outside_data, fit_flag::break_outside_data,
                           fit_flag::max_iterations, fit_flag::aicc_not_finite, fit_flag::failed}) {
    CHECK(parse_fit_flag(to_string(f)) == f);
    CHECK(parse_fit_flag(flag_string(f, "x0")) == f);
  }
  CHECK(flag_string(fit_flag::at_bound, "k") == "at_bound:k");
  CHECK(flag_string(fit_flag::failed) == "failed");
  CHECK_THROWS_WITH_AS((void)parse_fit_flag("bounded:k"),
                       "parse_fit_flag: name: 'bounded:k' is not one of at_bound, not_identifiable, too_few_points, "
                       "midpoint_outside_data, plateaus_outside_data, break_outside_data, max_iterations, "
                       "aicc_not_finite, failed",
                       input_error);
  // a fit's printed flags parse back to their kinds
  const std::vector<double> x = {18, 19.5, 21, 22.5, 24};
  std::vector<double> y;
  for (double xi : x) y.push_back(0.1 + 0.7 / (1 + std::exp(-2 * (xi - 21))));
  const fit_result r = fit_xy(x, y, fit_model::logistic);
  CHECK(r.has_flag(fit_flag::too_few_points));
  CHECK(r.has_flag("too_few_points"));
  CHECK_FALSE(r.has_flag(fit_flag::break_outside_data));
}

TEST_CASE("recovery: estimates approach the truth as noise shrinks") {
  const auto x = grid(18, 24, 25);
  struct truth {
    fit_model model;
    int breaks;
    std::vector<double> p;
  };
  const std::vector<truth> truths = {
      {fit_model::linear, 0, {-2.0, 0.12}},
      {fit_model::power_law, 0, {1.7, 1.2, 0.35}},
      {fit_model::logistic, 0, {0.05, 0.85, 3.0, 21.2}},
      {fit_model::accuracy_law, 0, {std::pow(10.0, 0.4 * 21.0), 0.4}},
      {fit_model::bnsl, 1, {0.1, 0.8, 0.1, 0.9, 21.0, 0.3}},
  };
  for (const auto& t : truths) {
    Eigen::VectorXd p = Eigen::Map<const Eigen::VectorXd>(t.p.data(), static_cast<Eigen::Index>(t.p.size()));
    const double xref = 21.0;  // mean of the grid
    double previous = std::numeric_limits<double>::infinity();
    for (double sigma : {1e-2, 1e-3, 1e-4}) {
      const auto y = noisy(x, sigma, 7, [&](double xi) {
        return detail::fit_model_eval(t.model, t.breaks, xref, xi, p, static_cast<Eigen::VectorXd*>(nullptr));
      });
      fit_options o;
      o.breaks = t.breaks == 0 ? 1 : t.breaks;
      const fit_result r = fit_xy(x, y, t.model, o);
      double err = 0;
      for (Eigen::Index j = 0; j < p.size(); ++j) {
        err = std::max(err, std::abs(r.params(j) - p(j)) / std::max(1.0, std::abs(p(j))));
      }
      INFO(to_string(t.model), " sigma ", sigma, " max relative error ", err);
      if (t.model == fit_model::accuracy_law) {
        CHECK(std::abs(std::log10(r.param("c")) - std::log10(p(0))) < 200 * sigma);
        CHECK(std::abs(r.param("alpha") - p(1)) < 50 * sigma);
      } else {
        CHECK(err < 300 * sigma);
      }
      CHECK(err < previous * 1.5);
      previous = err;
      if (sigma == 1e-4) CHECK(r.status == fit_status::converged);
    }
  }
}

TEST_CASE("flags: a logistic fitted to a straight line is not identifiable") {
  const auto x = grid(18, 24, 25);
  SUBCASE("noiseless") {
    std::vector<double> y;
    for (double xi : x) y.push_back(0.1 * xi - 1.5);
    const auto r = fit_xy(x, y, fit_model::logistic);
    CHECK(r.status == fit_status::not_identifiable);
    CHECK(r.has_flag("not_identifiable"));
  }
  SUBCASE("noisy") {
    for (unsigned seed = 1; seed <= 5; ++seed) {
      const auto y = noisy(x, 0.02, seed, [](double xi) { return 0.1 * xi - 1.5; });
      const auto r = fit_xy(x, y, fit_model::logistic);
      INFO("seed ", seed);
      CHECK(r.status == fit_status::not_identifiable);
      CHECK(r.has_flag("not_identifiable"));
      CHECK(r.status != fit_status::converged);
    }
  }
}

TEST_CASE("flags: a logistic fitted to a smooth power law is not identifiable") {
  const auto x = grid(18, 24, 25);
  for (unsigned seed = 1; seed <= 5; ++seed) {
    const auto y = noisy(x, 0.01, seed, [](double xi) { return 1.7 + 2.0 * std::pow(10.0, -0.3 * (xi - 18)); });
    const auto r = fit_xy(x, y, fit_model::logistic);
    INFO("seed ", seed);
    CHECK(r.status == fit_status::not_identifiable);
    CHECK(r.has_flag("not_identifiable"));
  }
}

TEST_CASE("flags: too few points and parameter at a bound") {
  const auto x = grid(18, 24, 5);
  std::vector<double> y;
  for (double xi : x) y.push_back(logistic(xi, 0.1, 0.8, 2.0, 21.0));
  const auto r = fit_xy(x, y, fit_model::logistic);
  CHECK(r.status == fit_status::too_few_points);
  CHECK(r.has_flag("too_few_points"));

  // A step between two points: k runs to its upper bound.
  const auto x2 = grid(18, 24, 13);
  std::vector<double> y2;
  for (double xi : x2) y2.push_back(xi < 21.2 ? 0.1 : 0.8);
  const auto r2 = fit_xy(x2, y2, fit_model::logistic);
  // The step is matched exactly by any midpoint in the gap with a steep enough k: not identifiable.
  CHECK((r2.has_flag("at_bound:k") || r2.has_flag("not_identifiable")));
  CHECK(r2.status != fit_status::converged);
}

TEST_CASE("invariance: shifting x shifts x0 and the breaks and nothing else") {
  const auto x = grid(18, 24, 25);
  const auto y = noisy(x, 0.01, 3, [](double xi) { return logistic(xi, 0.05, 0.85, 3.0, 21.2); });
  auto shifted = x;
  for (double& v : shifted) v += 3.5;
  const auto a = fit_xy(x, y, fit_model::logistic);
  const auto b = fit_xy(shifted, y, fit_model::logistic);
  CHECK(b.param("x0") == doctest::Approx(a.param("x0") + 3.5).epsilon(1e-6));
  for (const char* name : {"lo", "hi", "k"}) {
    CHECK(b.param(name) == doctest::Approx(a.param(name)).epsilon(1e-5));
    CHECK(b.std_error(name) == doctest::Approx(a.std_error(name)).epsilon(1e-4));
  }
  CHECK(b.rss == doctest::Approx(a.rss).epsilon(1e-8));

  const auto yb = noisy(x, 0.005, 4, [](double xi) {
    Eigen::VectorXd p(6);
    p << 0.1, 0.8, 0.1, 0.9, 21.0, 0.3;
    return detail::fit_model_eval(fit_model::bnsl, 1, 21.0, xi, p, static_cast<Eigen::VectorXd*>(nullptr));
  });
  const auto c = fit_xy(x, yb, fit_model::bnsl);
  const auto d = fit_xy(shifted, yb, fit_model::bnsl);
  CHECK(d.param("d1") == doctest::Approx(c.param("d1") + 3.5).epsilon(1e-5));
  for (const char* name : {"a", "b", "c0", "c1", "f1"}) CHECK(d.param(name) == doctest::Approx(c.param(name)).epsilon(1e-4));
}

TEST_CASE("fit_curve weights points by their intervals") {
  scaling_curve c;
  c.x = grid(18, 24, 13);
  for (double xi : c.x) c.y.push_back(logistic(xi, 0.1, 0.8, 2.0, 21.0));
  c.y[12] += 0.2;  // a wild point with a wide interval
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double half = i == 12 ? 1.0 : 0.01;
    c.lower.push_back(c.y[i] - half);
    c.upper.push_back(c.y[i] + half);
  }
  const auto weighted = fit_curve(c, fit_model::logistic);
  fit_options o;
  o.use_weights = false;
  const auto plain = fit_curve(c, fit_model::logistic, o);
  CHECK(std::abs(weighted.param("hi") - 0.8) < std::abs(plain.param("hi") - 0.8));
  c.upper[3] = c.lower[3] = c.y[3];
  CHECK_THROWS_WITH_AS((void)fit_curve(c, fit_model::logistic),
                       "curve_weights: upper - lower[3]: zero-width interval gives an infinite weight (set use_weights = false)",
                       input_error);
}

TEST_CASE("fit_xy rejects bad input with the argument and index named") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6};
  const std::vector<double> y = {1, 2, 3, 4, 5};
  CHECK_THROWS_WITH_AS((void)fit_xy(x, y, fit_model::linear), "fit_xy: y: has 5 values but x has 6", input_error);
  std::vector<double> y6 = {1, 2, 3, 4, 5, std::nan("")};
  CHECK_THROWS_WITH_AS((void)fit_xy(x, y6, fit_model::linear), "fit_xy: y[5]: not finite", input_error);
  y6[5] = 6;
  const std::vector<double> w = {1, 1, 0, 1, 1, 1};
  CHECK_THROWS_WITH_AS((void)fit_xy(x, y6, fit_model::linear, {}, w), "fit_xy: weights[2]: 0.000000 is not positive and finite",
                       input_error);
  const std::vector<double> x3 = {1, 2, 3};
  const std::vector<double> y3 = {1, 2, 3};
  CHECK_THROWS_WITH_AS((void)fit_xy(x3, y3, fit_model::logistic), "fit_xy: x: 3 points but logistic has 4 parameters",
                       input_error);
  const std::vector<double> same = {2, 2, 2, 2, 2, 2};
  CHECK_THROWS_WITH_AS((void)fit_xy(same, y6, fit_model::linear), "fit_xy: x: all points have the same x", input_error);
  fit_options o;
  o.breaks = 5;
  CHECK_THROWS_WITH_AS((void)fit_xy(x, y6, fit_model::bnsl, o), "fit_xy: options.breaks: 5 is not 1, 2 or 3", input_error);
  o.breaks = 1;
  o.loss = robust_loss::huber;
  o.loss_scale = 0;
  CHECK_THROWS_WITH_AS((void)fit_xy(x, y6, fit_model::linear, o), "fit_xy: options.loss_scale: must be positive and finite",
                       input_error);
  const auto r = fit_xy(x, y6, fit_model::linear);
  CHECK_THROWS_WITH_AS((void)r.param("x0"), "fit_result::param: name: 'x0' is not a parameter of linear (intercept, slope)",
                       input_error);
  CHECK_THROWS_AS((void)r.wald_interval("slope", 1.5), input_error);
}

TEST_CASE("a straight line: covariance, t intervals and information criteria") {
  // y = 1 + 2x exactly plus known deviations: the OLS closed form is the reference.
  const std::vector<double> x = {0, 1, 2, 3, 4, 5};
  const std::vector<double> y = {1.1, 2.9, 5.2, 6.8, 9.1, 11.0};
  const auto r = fit_xy(x, y, fit_model::linear);
  const double xm = 2.5, sxx = 17.5;
  double sxy = 0, ym = 0;
  for (double v : y) ym += v / 6;
  for (int i = 0; i < 6; ++i) sxy += (x[i] - xm) * (y[i] - ym);
  const double slope = sxy / sxx, intercept = ym - slope * xm;
  double rss = 0;
  for (int i = 0; i < 6; ++i) rss += std::pow(y[i] - intercept - slope * x[i], 2);
  CHECK(r.param("slope") == doctest::Approx(slope).epsilon(1e-10));
  CHECK(r.param("intercept") == doctest::Approx(intercept).epsilon(1e-10));
  CHECK(r.rss == doctest::Approx(rss).epsilon(1e-10));
  CHECK(r.std_error("slope") == doctest::Approx(std::sqrt(rss / 4 / sxx)).epsilon(1e-8));
  const auto [lo, hi, level] = r.wald_interval("slope");
  CHECK(level == 0.95);
  CHECK(hi - r.param("slope") == doctest::Approx(2.776445105 * r.std_error("slope")).epsilon(1e-6));  // t_{0.975,4}
  CHECK(lo < slope);
  const double k = 3;
  CHECK(r.aicc == doctest::Approx(6 * std::log(rss / 6) + 2 * k + 2 * k * (k + 1) / (6 - k - 1)).epsilon(1e-10));
  CHECK(r.bic == doctest::Approx(6 * std::log(rss / 6) + k * std::log(6.0)).epsilon(1e-10));
  CHECK(r.status == fit_status::converged);
  CHECK(r.predict(10) == doctest::Approx(intercept + 10 * slope));
}

TEST_CASE("fit<Model> compiles one model and equals fit_xy with the run-time name") {
  const auto x = grid(19, 24, 12);
  const auto y = noisy(x, 0.01, 5, [](double v) { return logistic(v, 0.05, 0.8, 2.0, 21.4); });
  const fit_result a = fit<models::logistic>(x, y);
  const fit_result b = fit_xy(x, y, fit_model::logistic);
  CHECK(a.model == fit_model::logistic);
  CHECK(a.param_names == b.param_names);
  for (Eigen::Index j = 0; j < a.params.size(); ++j) CHECK(a.params(j) == b.params(j));
  CHECK(a.rss == b.rss);
  CHECK(a.status == b.status);
  fit_options three;
  three.breaks = 3;
  const auto yb = noisy(x, 0.01, 6, [](double v) { return 0.1 + 0.5 * std::pow(10.0, -0.2 * (v - 21)); });
  CHECK(fit<models::bnsl>(x, yb, three).params.size() == 12);
  CHECK(models::bnsl::parameter_count(2) == 9);
  CHECK_THROWS_AS((void)models::bnsl::parameter_count(4), input_error);
}

TEST_CASE("an exact fit has no finite AICc and is never reported converged") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6};
  const std::vector<double> y = {1, 2, 3, 4, 5, 6};  // y = x exactly
  const fit_result r = fit_xy(x, y, fit_model::linear);
  CHECK(r.rss < 1e-20);
  CHECK_FALSE(std::isfinite(r.aicc));
  CHECK(r.status != fit_status::converged);
  CHECK(r.has_flag("aicc_not_finite"));
}
