#include <doctest/doctest.h>

#include <emergent/metrics.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <list>
#include <random>
#include <span>
#include <vector>

#include "../reference/metrics_sklearn.hpp"

namespace ref = metrics_reference;
using emergent::brier_convention;
using emergent::input_error;
using emergent::normalization;

TEST_CASE("binary brier_score equals scikit-learn's brier_score_loss per example and on average") {
  double total = 0.0;
  for (std::size_t i = 0; i < ref::binary_n; ++i) {
    const double b = emergent::brier_score(ref::binary_p[i], ref::binary_y[i]);
    CHECK(b == doctest::Approx(ref::binary_brier[i]).epsilon(1e-15));
    total += b;
  }
  CHECK(total / static_cast<double>(ref::binary_n) == doctest::Approx(ref::binary_brier_mean).epsilon(1e-13));
}

TEST_CASE("binary brier_score: worked values, bool outcomes, tolerance clamping") {
  CHECK(emergent::brier_score(0.7, 1) == doctest::Approx(0.09));
  CHECK(emergent::brier_score(0.7, 0) == doctest::Approx(0.49));
  CHECK(emergent::brier_score(0.7, true) == doctest::Approx(0.09));
  CHECK(emergent::brier_score(1.0 + 5e-10, 1) == 0.0);  // inside the tolerance: clamped to 1
  CHECK(emergent::brier_score(-5e-10, 0) == 0.0);
}

TEST_CASE("multi-class brier_score matches lm-evaluation-harness's np.sum((p - onehot)**2) formula") {
  double total = 0.0;
  for (std::size_t i = 0; i < ref::multi_n; ++i) {
    const std::span<const double> row(ref::multi_p + i * ref::multi_k, ref::multi_k);
    const double b = emergent::brier_score(row, ref::multi_y[i]);
    CHECK(b == doctest::Approx(ref::multi_brier_sum[i]).epsilon(1e-14));
    const double mean = emergent::brier_score(row, ref::multi_y[i], {.convention = brier_convention::mean_over_classes});
    CHECK(mean == doctest::Approx(ref::multi_brier_sum[i] / 4.0).epsilon(1e-14));
    total += b;
  }
  CHECK(total / static_cast<double>(ref::multi_n) == doctest::Approx(ref::multi_brier_sum_mean).epsilon(1e-13));
}

TEST_CASE("brier_score_from_log_likelihoods matches softmax + Brier (lm-evaluation-harness)") {
  for (std::size_t i = 0; i < ref::multi_n; ++i) {
    const std::span<const double> lls(ref::mc_lls + i * ref::multi_k, ref::multi_k);
    CHECK(emergent::brier_score_from_log_likelihoods(lls, ref::multi_y[i]) ==
          doctest::Approx(ref::mc_brier_sum[i]).epsilon(1e-12));
    const auto p = emergent::softmax(lls);
    for (std::size_t k = 0; k < ref::multi_k; ++k) {
      CHECK(p[k] == doctest::Approx(ref::mc_softmax[i * ref::multi_k + k]).epsilon(1e-12));
    }
  }
  // -inf options are impossible options, allowed
  const std::array<double, 3> lls{-1.0, -std::numeric_limits<double>::infinity(), -1.0};
  CHECK(emergent::brier_score_from_log_likelihoods(lls, 0) == doctest::Approx(0.5));
}

TEST_CASE("the two-class vector form under sum_over_classes is twice the binary form") {
  for (double p : {0.0, 0.1, 0.5, 0.93, 1.0}) {
    const std::vector<double> v{1.0 - p, p};
    CHECK(emergent::brier_score(v, 1) == doctest::Approx(2.0 * emergent::brier_score(p, 1)));
    CHECK(emergent::brier_score(v, 1, {.convention = brier_convention::mean_over_classes}) ==
          doctest::Approx(emergent::brier_score(p, 1)));
  }
}

TEST_CASE("property: Brier scores stay within their ranges on random forecasts") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::size_t k = 1 + static_cast<std::size_t>(trial % 9);
    std::vector<double> p(k);
    double s = 0.0;
    for (auto& v : p) s += (v = u(rng));
    for (auto& v : p) v /= s;
    const auto y = static_cast<std::size_t>(trial) % k;
    const double sum = emergent::brier_score(p, y);
    CHECK(sum >= 0.0);
    CHECK(sum <= 2.0);
    const double mean = emergent::brier_score(p, y, {.convention = brier_convention::mean_over_classes});
    CHECK(mean <= 2.0 / static_cast<double>(k) + 1e-15);
    const double b = emergent::brier_score(u(rng), trial % 2);
    CHECK(b >= 0.0);
    CHECK(b <= 1.0);
  }
  // the extremes: certain and right = 0, certain and wrong = 2
  CHECK(emergent::brier_score(std::vector<double>{0.0, 1.0, 0.0}, 1) == 0.0);
  CHECK(emergent::brier_score(std::vector<double>{0.0, 1.0, 0.0}, 2) == 2.0);
}

TEST_CASE("brier_score accepts any sized numeric range and renormalises on request") {
  const std::list<float> l{0.25f, 0.25f, 0.5f};
  CHECK(emergent::brier_score(l, 2) == doctest::Approx(0.375));
  const std::vector<double> unnormalised{1.0, 1.0, 2.0};  // entries within [0, 1]? no: 2.0 is outside
  CHECK_THROWS_AS((void)emergent::brier_score(unnormalised, 2, {.normalize = normalization::renormalize}), input_error);
  const std::vector<double> half{0.125, 0.125, 0.25};
  CHECK(emergent::brier_score(half, 2, {.normalize = normalization::renormalize}) == doctest::Approx(0.375));
}

TEST_CASE("brier_score error paths name the argument and the index") {
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(1.2, 1), "brier_score: p: 1.2 is outside [0, 1]", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(std::nan(""), 1), "brier_score: p: nan is not a finite number",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(0.5, 2), "brier_score: outcome: 2 is not 0 or 1", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(std::vector<double>{0.2, 0.3, 1.2, -0.7}, 0),
                       "brier_score: probabilities[2]: 1.2 is outside [0, 1]", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(std::vector<double>{0.5, std::numeric_limits<double>::infinity()}, 0),
                       "brier_score: probabilities[1]: inf is not a finite number", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(std::vector<double>{0.2, 0.3}, 0),
                       "brier_score: probabilities: sums to 0.5, not 1 (pass normalization::renormalize to divide "
                       "by the sum)",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(std::vector<double>{0.5, 0.5}, 2),
                       "brier_score: label: 2 is out of range [0, 2)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(std::vector<double>{0.5, 0.5}, -1),
                       "brier_score: label: -1 is out of range [0, 2)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(std::vector<double>{}, 0),
                       "brier_score: probabilities: sums to 0, not 1 (pass normalization::renormalize to divide by the "
                       "sum)",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score(std::vector<double>{0.0, 0.0}, 0, {.normalize = normalization::renormalize}),
                       "brier_score: probabilities: sums to 0 and cannot be renormalised", input_error);
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS((void)emergent::brier_score_from_log_likelihoods(std::vector<double>{-1.0, std::nan("")}, 0),
                       "brier_score_from_log_likelihoods: log_likelihoods[1]: nan is NaN or +inf", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score_from_log_likelihoods(std::vector<double>{-1.0, inf}, 0),
                       "brier_score_from_log_likelihoods: log_likelihoods[1]: inf is NaN or +inf", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score_from_log_likelihoods(std::vector<double>{-inf, -inf}, 0),
                       "brier_score_from_log_likelihoods: log_likelihoods: every entry is -inf (no distribution)",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::brier_score_from_log_likelihoods(std::vector<double>{}, 0),
                       "brier_score_from_log_likelihoods: label: 0 is out of range [0, 0)", input_error);
}

TEST_CASE("log_sum_exp, softmax and log_softmax are stable and validate") {
  const std::vector<double> big{1000.0, 1000.0};
  CHECK(emergent::log_sum_exp(big) == doctest::Approx(1000.0 + std::log(2.0)));
  const std::vector<double> small{-1000.0, -1000.0};
  CHECK(emergent::log_sum_exp(small) == doctest::Approx(-1000.0 + std::log(2.0)));
  CHECK(emergent::log_sum_exp(std::vector<double>{}) == -std::numeric_limits<double>::infinity());
  const auto p = emergent::softmax(big);
  CHECK(p[0] == doctest::Approx(0.5));
  const auto lp = emergent::log_softmax(std::vector<double>{0.0, std::log(3.0)});
  CHECK(lp[0] == doctest::Approx(std::log(0.25)));
  CHECK(lp[1] == doctest::Approx(std::log(0.75)));
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS((void)emergent::softmax(std::vector<double>{}), "softmax: scores: is empty", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::softmax(std::vector<double>{-inf}), "softmax: scores: every entry is -inf (no distribution)",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::log_softmax(std::vector<double>{}), "log_softmax: scores: is empty", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::log_softmax(std::vector<double>{-inf, -inf}),
                       "log_softmax: scores: every entry is -inf (no distribution)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::log_sum_exp(std::vector<double>{0.0, inf}), "log_sum_exp: values[1]: inf is NaN or +inf",
                       input_error);
}
