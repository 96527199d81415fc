// Profile intervals, bands, bootstrap, model comparison, LRT, backtest, batch and user models.
#include <doctest/doctest.h>

#include <emergent/fit.hpp>

#include <cmath>
#include <random>
#include <vector>

using namespace emergent;

namespace {

std::vector<double> grid(double a, double b, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(a + (b - a) * i / (n - 1));
  return v;
}

std::vector<double> logistic_data(const std::vector<double>& x, double sigma, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> noise(0, sigma);
  std::vector<double> y;
  for (double xi : x) y.push_back(0.05 + 0.8 / (1 + std::exp(-3 * (xi - 21.2))) + noise(gen));
  return y;
}

}  // namespace

TEST_CASE("profile likelihood: equals the Wald interval for a straight line, and is open when unbounded") {
  const auto x = grid(0, 5, 12);
  std::vector<double> y;
  std::mt19937_64 gen(5);
  std::normal_distribution<double> noise(0, 0.1);
  for (double xi : x) y.push_back(1 + 2 * xi + noise(gen));
  const auto fit = fit_xy(x, y, fit_model::linear);
  const auto prof = profile_likelihood(x, y, fit, "slope");
  const auto wald = fit.wald_interval("slope");
  CHECK(prof.interval.lower == doctest::Approx(wald.lower).epsilon(1e-6));
  CHECK(prof.interval.upper == doctest::Approx(wald.upper).epsilon(1e-6));
  CHECK_FALSE(prof.open_lower);
  CHECK_FALSE(prof.open_upper);

  const auto xs = grid(18, 24, 25);
  const auto ys = logistic_data(xs, 0.01, 2);
  const auto lf = fit_xy(xs, ys, fit_model::logistic);
  const auto px0 = profile_likelihood(xs, ys, lf, "x0");
  CHECK(px0.interval.lower < lf.param("x0"));
  CHECK(px0.interval.upper > lf.param("x0"));
  CHECK(px0.interval.width() == doctest::Approx(2 * lf.t_quantile() * lf.std_error("x0")).epsilon(0.2));
  CHECK_THROWS_AS((void)profile_likelihood(xs, ys, lf, "nope"), input_error);
}

TEST_CASE("prediction bands contain the confidence band and widen outside the data") {
  const auto x = grid(18, 24, 25);
  const auto y = logistic_data(x, 0.02, 3);
  const auto fit = fit_xy(x, y, fit_model::logistic);
  const std::vector<double> at = {17.0, 21.0, 25.0};
  const auto b = predict_band(fit, at);
  for (std::size_t i = 0; i < at.size(); ++i) {
    CHECK(b.pred_lower[i] < b.conf_lower[i]);
    CHECK(b.conf_lower[i] < b.fit[i]);
    CHECK(b.fit[i] < b.conf_upper[i]);
    CHECK(b.conf_upper[i] < b.pred_upper[i]);
  }
  // For a line, the confidence half-width at x is t·s·√(1/n + (x − x̄)²/Sxx).
  const auto xl = grid(0, 5, 6);
  const std::vector<double> yl = {1.1, 2.9, 5.2, 6.8, 9.1, 11.0};
  const auto lf = fit_xy(xl, yl, fit_model::linear);
  const std::vector<double> at2 = {7.0};
  const auto bl = predict_band(lf, at2);
  const double s = std::sqrt(lf.rss / 4);
  const double half = 2.776445105 * s * std::sqrt(1.0 / 6 + std::pow(7.0 - 2.5, 2) / 17.5);
  CHECK(bl.conf_upper[0] - bl.fit[0] == doctest::Approx(half).epsilon(1e-6));
  const double phalf = 2.776445105 * s * std::sqrt(1 + 1.0 / 6 + std::pow(7.0 - 2.5, 2) / 17.5);
  CHECK(bl.pred_upper[0] - bl.fit[0] == doctest::Approx(phalf).epsilon(1e-6));
}

TEST_CASE("bootstrap: residual, wild and pairs intervals cover the truth and are reproducible") {
  const auto x = grid(18, 24, 20);
  const auto y = logistic_data(x, 0.02, 4);
  for (auto kind : {fit_bootstrap_kind::residual, fit_bootstrap_kind::wild, fit_bootstrap_kind::pairs}) {
    fit_bootstrap_options bo;
    bo.resampling.replicates = 60;
    bo.resampling.seed = 11;
    bo.kind = kind;
    const auto a = bootstrap_fit(x, y, fit_model::logistic, {}, bo);
    const auto b = bootstrap_fit(x, y, fit_model::logistic, {}, bo);
    CHECK(a.replicates == b.replicates);
    CHECK(a.replicates.rows() + static_cast<Eigen::Index>(a.failed) == 60);
    CHECK(a.lower(3) < 21.2);
    CHECK(a.upper(3) > 21.2);
    CHECK(a.std_errors(3) > 0);
  }
  fit_bootstrap_options bad;
  bad.resampling.replicates = 1;
  CHECK_THROWS_WITH_AS((void)bootstrap_fit(x, y, fit_model::logistic, {}, bad),
                       "bootstrap_fit: options.resampling.replicates: must be at least 2", input_error);
}

TEST_CASE("bootstrap_curves accepts curves or y vectors from a callback") {
  scaling_curve base;
  base.x = grid(18, 24, 15);
  base.y = logistic_data(base.x, 0.01, 5);
  const auto ys = [&](std::uint64_t b) {
    std::mt19937_64 gen(replicate_seed(3, b));
    std::normal_distribution<double> noise(0, 0.01);
    std::vector<double> y = base.y;
    for (double& v : y) v += noise(gen);
    return y;
  };
  fit_bootstrap_options bo;
  bo.resampling.replicates = 30;
  const auto a = bootstrap_curves(base, ys, fit_model::logistic, {}, bo);
  CHECK(a.replicates.rows() == 30);
  const auto curves = [&](std::uint64_t b) {
    scaling_curve c = base;
    c.y = ys(b);
    return c;
  };
  const auto b = bootstrap_curves(base, curves, fit_model::logistic, {}, bo);
  CHECK(b.replicates == a.replicates);
  const auto wrong = [](std::uint64_t) { return std::vector<double>{1.0, 2.0}; };
  CHECK_THROWS_WITH_AS((void)bootstrap_curves(base, wrong, fit_model::logistic, {}, bo),
                       "bootstrap_curves: resample[0]: returned 2 values for 15 points", input_error);
}

TEST_CASE("compare_models prefers the generating model; the bootstrap LRT detects a real break") {
  const auto x = grid(18, 24, 25);
  const auto y = logistic_data(x, 0.01, 6);
  const std::vector<model_spec> models = {{fit_model::linear}, {fit_model::power_law}, {fit_model::logistic}};
  const auto rows = compare_models(x, y, models);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].spec.model == fit_model::logistic);
  CHECK(rows[0].delta_aicc == 0);
  CHECK(rows[0].akaike_weight > 0.99);
  CHECK(rows[1].delta_aicc > 10);

  const auto lrt = bootstrap_lrt(x, y, {fit_model::linear}, {fit_model::logistic}, {19, 7});
  CHECK(lrt.p_value == doctest::Approx(0.05));
  CHECK(lrt.statistic > 0);
  // Data from the null: the p-value is not small.
  std::vector<double> yl;
  std::mt19937_64 gen(8);
  std::normal_distribution<double> noise(0, 0.02);
  for (double xi : x) yl.push_back(0.1 * xi - 1.5 + noise(gen));
  const auto null = bootstrap_lrt(x, yl, {fit_model::linear}, {fit_model::power_law}, {19, 7});
  CHECK(null.p_value > 0.05);
  CHECK_THROWS_AS((void)bootstrap_lrt(x, y, {fit_model::logistic}, {fit_model::linear}, {5, 1}), input_error);
}

TEST_CASE("extrapolation backtest: a power law predicts its own continuation") {
  const auto x = grid(18, 24, 20);
  std::vector<double> y;
  for (double xi : x) y.push_back(1.7 + 2.0 * std::pow(10.0, -0.3 * (xi - 21)));
  const auto bt = extrapolation_backtest(x, y, fit_model::power_law, 4);
  CHECK(bt.x_test.size() == 4);
  CHECK(bt.rmse < 1e-6);
  REQUIRE(bt.rmsle.has_value());
  CHECK(*bt.rmsle < 1e-6);
  const auto lin = extrapolation_backtest(x, y, fit_model::linear, 4);
  CHECK(lin.rmse > 0.01);
  CHECK_THROWS_WITH_AS((void)extrapolation_backtest(x, y, fit_model::power_law, 18),
                       "extrapolation_backtest: holdout: 18 leaves 2 training points for 3 parameters", input_error);
  std::vector<double> yn = y;
  for (double& v : yn) v -= 2.5;  // negative values: no RMSLE
  CHECK_FALSE(extrapolation_backtest(x, yn, fit_model::power_law, 4).rmsle.has_value());
}

TEST_CASE("fit_batch and bootstrap_batch give the same results on 1 and 2 threads") {
  std::vector<scaling_curve> curves(12);
  for (std::size_t i = 0; i < curves.size(); ++i) {
    curves[i].x = grid(18, 24, 15);
    curves[i].y = logistic_data(curves[i].x, 0.02, static_cast<unsigned>(i));
  }
  const auto a = fit_batch(curves, fit_model::logistic, {}, 1);
  const auto b = fit_batch(curves, fit_model::logistic, {}, 2);
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const auto single = fit_curve(curves[i], fit_model::logistic);
    CHECK(a[i].params == b[i].params);
    CHECK(a[i].params == single.params);
  }
  fit_bootstrap_options bo;
  bo.resampling.replicates = 5;
  const auto c = bootstrap_batch(std::span<const scaling_curve>(curves).first(4), fit_model::logistic, {}, bo, 1);
  const auto d = bootstrap_batch(std::span<const scaling_curve>(curves).first(4), fit_model::logistic, {}, bo, 2);
  for (std::size_t i = 0; i < 4; ++i) CHECK(c[i].replicates == d[i].replicates);
  curves[3].y[2] = std::nan("");
  CHECK_THROWS_WITH_AS((void)fit_batch(curves, fit_model::logistic, {}, 2), "fit_batch: curves[3]: scaling_curve: y[2]: not finite",
                       input_error);
}

TEST_CASE("fit_custom: a user model with and without a Jacobian, with bounds and a robust loss") {
  // y = a·exp(b·x) on x in [0, 1].
  const auto x = grid(0, 1, 15);
  std::vector<double> y;
  for (double xi : x) y.push_back(2.0 * std::exp(-1.3 * xi));
  y[4] += 1.0;  // an outlier
  using vec = Eigen::Matrix<double, 2, 1>;
  const auto res = [&](const vec& p, Eigen::VectorXd& r) {
    for (std::size_t i = 0; i < x.size(); ++i) r(static_cast<Eigen::Index>(i)) = p(0) * std::exp(p(1) * x[i]) - y[i];
  };
  const auto res_jac = [&](const vec& p, Eigen::VectorXd& r, Eigen::Matrix<double, Eigen::Dynamic, 2>* J) {
    res(p, r);
    if (J) {
      for (std::size_t i = 0; i < x.size(); ++i) {
        const auto ii = static_cast<Eigen::Index>(i);
        (*J)(ii, 0) = std::exp(p(1) * x[i]);
        (*J)(ii, 1) = p(0) * x[i] * std::exp(p(1) * x[i]);
      }
    }
  };
  // Plain least squares first (the outlier pulls it), then the Cauchy loss from there (no global grid
  // for user models: a robust loss with a tiny scale needs a start near the inliers).
  const auto plain = fit_custom<2>(res, vec(1.0, 0.0), x.size());
  CHECK(std::abs(plain.params(0) - 2.0) > 0.01);
  lm_options o;
  o.loss = robust_loss::cauchy;
  o.loss_scale = 0.1;
  const auto a = fit_custom<2>(res, plain.params, x.size(), vec::Constant(-10), vec::Constant(10), o);
  const auto b = fit_custom<2>(res_jac, plain.params, x.size(), vec::Constant(-10), vec::Constant(10), o);
  CHECK(a.params(0) == doctest::Approx(2.0).epsilon(5e-3));
  CHECK(a.params(1) == doctest::Approx(-1.3).epsilon(5e-3));
  CHECK(std::abs(a.params(0) - 2.0) < 0.2 * std::abs(plain.params(0) - 2.0));
  CHECK(b.params(0) == doctest::Approx(a.params(0)).epsilon(1e-6));
  CHECK(b.status == fit_status::converged);
  // A bound that binds.
  const auto c = fit_custom<2>(res_jac, vec(1.0, 0.0), x.size(), vec(-10, -1.0), vec(10, 10));
  CHECK(c.params(1) == -1.0);
  CHECK(c.status == fit_status::hit_bound);
  CHECK(c.flags.front() == "at_bound:p1");
  CHECK_THROWS_WITH_AS((void)fit_custom<2>(res, vec(1.0, 0.0), 1), "fit_custom: n: 1 residuals for 2 parameters", input_error);
}
