#include <doctest/doctest.h>

#include <emergent/metrics.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "../reference/metrics_sklearn.hpp"

namespace ref = metrics_reference;
using emergent::input_error;
using emergent::log_loss_options;
using emergent::normalization;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
}

TEST_CASE("log_loss with scikit_learn() options equals sklearn.metrics.log_loss (eps='auto'), extremes included") {
  double total = 0.0;
  for (std::size_t i = 0; i < ref::binary_n; ++i) {
    const double l = emergent::log_loss(ref::binary_p[i], ref::binary_y[i], log_loss_options::scikit_learn());
    CHECK(l == doctest::Approx(ref::binary_log_loss_auto[i]).epsilon(1e-12));
    total += l;
  }
  CHECK(total / static_cast<double>(ref::binary_n) == doctest::Approx(ref::binary_log_loss_auto_mean).epsilon(1e-12));
}

TEST_CASE("log_loss with clamp_epsilon = 1e-15 equals sklearn's log_loss(eps=1e-15)") {
  const log_loss_options options{.clamp_epsilon = 1e-15, .normalize = normalization::renormalize};
  for (std::size_t i = 0; i < ref::binary_n; ++i) {
    CHECK(emergent::log_loss(ref::binary_p[i], ref::binary_y[i], options) ==
          doctest::Approx(ref::binary_log_loss_1e15[i]).epsilon(1e-12));
  }
}

TEST_CASE("log_loss: a zero-probability outcome is an error unless clipping or infinity was asked for") {
  CHECK(emergent::log_loss(0.25, 1) == doctest::Approx(std::log(4.0)));
  CHECK(emergent::log_loss(0.25, 0) == doctest::Approx(-std::log(0.75)));
  CHECK(emergent::log_loss(1e-20, 0) == doctest::Approx(1e-20).epsilon(1e-12));  // log1p keeps tiny losses exact
  CHECK(emergent::log_loss(0.0, 0) == 0.0);
  CHECK(emergent::log_loss(0.0, 1, {.allow_infinite = true}) == inf);
  CHECK(emergent::log_loss(1.0, 0, {.allow_infinite = true}) == inf);
  CHECK(emergent::log_loss(0.0, 1, {.clamp_epsilon = 1e-15}) == doctest::Approx(-std::log(1e-15)));
  CHECK_THROWS_WITH_AS((void)emergent::log_loss(0.0, 1),
                       "log_loss: p = 0: the true outcome has probability 0, so the loss is +inf; pass "
                       "log_loss_options::clamp_epsilon to clip or allow_infinite to accept +inf",
                       input_error);
  CHECK_THROWS_AS((void)emergent::log_loss(1.0, 0), input_error);
  CHECK_THROWS_WITH_AS((void)emergent::log_loss(-0.5, 1), "log_loss: p: -0.5 is outside [0, 1]", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::log_loss(0.5, -1), "log_loss: outcome: -1 is not 0 or 1", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::log_loss(0.5, 1, {.clamp_epsilon = 0.5}),
                       "log_loss: options.clamp_epsilon: 0.5 is outside [0, 0.5)", input_error);
  CHECK_THROWS_AS((void)emergent::log_loss(0.5, 1, {.clamp_epsilon = -1e-3}), input_error);
}

TEST_CASE("cross_entropy equals sklearn's multi-class log_loss, on normalised and unnormalised rows") {
  double total = 0.0;
  for (std::size_t i = 0; i < ref::multi_n; ++i) {
    const std::span<const double> row(ref::multi_p + i * ref::multi_k, ref::multi_k);
    const double l = emergent::cross_entropy(row, ref::multi_y[i], log_loss_options::scikit_learn());
    CHECK(l == doctest::Approx(ref::multi_log_loss_auto[i]).epsilon(1e-12));
    total += l;
    const std::span<const double> unnorm(ref::unnorm_p + i * ref::multi_k, ref::multi_k);
    CHECK(emergent::cross_entropy(unnorm, ref::multi_y[i], log_loss_options::scikit_learn()) ==
          doctest::Approx(ref::unnorm_log_loss_auto[i]).epsilon(1e-12));
  }
  CHECK(total / static_cast<double>(ref::multi_n) == doctest::Approx(ref::multi_log_loss_auto_mean).epsilon(1e-12));
}

TEST_CASE("cross_entropy from probabilities, log-probabilities and logits agree") {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z(0.0, 3.0);
  for (int trial = 0; trial < 500; ++trial) {
    const std::size_t k = 2 + static_cast<std::size_t>(trial % 7);
    std::vector<double> logits(k);
    for (auto& v : logits) v = z(rng) + (trial % 3 == 0 ? 800.0 : 0.0);  // huge logits: the stable path
    const std::size_t y = static_cast<std::size_t>(trial) % k;
    const auto p = emergent::softmax(logits);
    const auto lp = emergent::log_softmax(logits);
    const double a = emergent::cross_entropy_from_logits(logits, y);
    const double b = emergent::cross_entropy_from_log_probabilities(lp, y);
    const double c = emergent::cross_entropy(p, y);
    CHECK(a == doctest::Approx(b).epsilon(1e-12));
    if (p[y] > 1e-300) CHECK(c == doctest::Approx(a).epsilon(1e-9));
    CHECK(a >= 0.0);  // property: cross-entropy is non-negative
    CHECK(b >= 0.0);
    CHECK(c >= 0.0);
    // unnormalised log-probabilities renormalised: shift by a constant changes nothing
    std::vector<double> shifted = lp;
    for (auto& v : shifted) v -= 2.5;
    CHECK(emergent::cross_entropy_from_log_probabilities(shifted, y, {.normalize = normalization::renormalize}) ==
          doctest::Approx(b).epsilon(1e-12));
  }
}

TEST_CASE("cross_entropy: -inf and zero true-class probabilities follow the explicit rules") {
  const std::vector<double> p{0.0, 1.0};
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy(p, 0),
                       "cross_entropy: probabilities[0] (the label) = 0: the true outcome has probability 0, so the "
                       "loss is +inf; pass log_loss_options::clamp_epsilon to clip or allow_infinite to accept +inf",
                       input_error);
  CHECK(emergent::cross_entropy(p, 0, {.allow_infinite = true}) == inf);
  CHECK(emergent::cross_entropy(p, 1) == 0.0);
  const std::vector<double> lp{-inf, 0.0};
  CHECK_THROWS_AS((void)emergent::cross_entropy_from_log_probabilities(lp, 0), input_error);
  CHECK(emergent::cross_entropy_from_log_probabilities(lp, 0, {.allow_infinite = true}) == inf);
  CHECK(emergent::cross_entropy_from_log_probabilities(lp, 0, {.clamp_epsilon = 1e-15}) == doctest::Approx(-std::log(1e-15)));
  const std::vector<double> logits{-inf, 3.0};
  CHECK_THROWS_AS((void)emergent::cross_entropy_from_logits(logits, 0), input_error);
  CHECK(emergent::cross_entropy_from_logits(logits, 0, {.allow_infinite = true}) == inf);
  CHECK(emergent::cross_entropy_from_logits(logits, 1) == 0.0);
}

TEST_CASE("cross_entropy error paths") {
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy(std::vector<double>{0.5, 0.6}, 0),
                       "cross_entropy: probabilities: sums to 1.1, not 1 (pass normalization::renormalize to divide by "
                       "the sum)",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy(std::vector<double>{0.5, std::nan("")}, 0),
                       "cross_entropy: probabilities[1]: nan is not a finite number", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy(std::vector<double>{0.5, 0.5}, 5),
                       "cross_entropy: label: 5 is out of range [0, 2)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy(std::vector<double>{0.5, 0.5}, 0, {.clamp_epsilon = 0.7}),
                       "cross_entropy: options.clamp_epsilon: 0.7 is outside [0, 0.5)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy_from_log_probabilities(std::vector<double>{-1.0, -1.0}, 0),
                       "cross_entropy_from_log_probabilities: log_probabilities: exp() sums to 0.7357588823428847, not "
                       "1 (pass normalization::renormalize to renormalise)",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy_from_log_probabilities(std::vector<double>{0.5, -1.0}, 0),
                       "cross_entropy_from_log_probabilities: log_probabilities[0]: 0.5 is above 0 (a probability above 1)",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy_from_log_probabilities(std::vector<double>{-1.0, std::nan("")}, 0),
                       "cross_entropy_from_log_probabilities: log_probabilities[1]: nan is not a log-probability (NaN or "
                       "+inf)",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy_from_log_probabilities(std::vector<double>{-inf, -inf}, 1,
                                                                             {.normalize = normalization::renormalize}),
                       "cross_entropy_from_log_probabilities: log_probabilities: every entry is -inf and cannot be "
                       "renormalised",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy_from_log_probabilities(std::vector<double>{}, 0),
                       "cross_entropy_from_log_probabilities: label: 0 is out of range [0, 0)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy_from_logits(std::vector<double>{1.0, inf}, 0),
                       "cross_entropy_from_logits: logits[1]: inf is NaN or +inf", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy_from_logits(std::vector<double>{-inf, -inf}, 0),
                       "cross_entropy_from_logits: logits: every entry is -inf (no distribution)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::cross_entropy_from_logits(std::vector<double>{}, 0),
                       "cross_entropy_from_logits: label: 0 is out of range [0, 0)", input_error);
}

TEST_CASE("sequence log-likelihood, mean per-token NLL and perplexity") {
  const std::vector<double> lp{std::log(0.5), std::log(0.25), std::log(0.125)};
  CHECK(emergent::sequence_log_likelihood(lp) == doctest::Approx(std::log(0.5 * 0.25 * 0.125)));
  CHECK(emergent::mean_token_nll(lp) == doctest::Approx(2.0 * std::log(2.0)));
  CHECK(emergent::perplexity(lp) == doctest::Approx(4.0));  // geometric mean of 2, 4, 8
  CHECK(emergent::sequence_log_likelihood(std::vector<double>{}) == 0.0);
  const std::vector<float> certain{0.0f, 0.0f};
  CHECK(emergent::perplexity(certain) == 1.0);
  // compensated summation: 10^6 equal terms sum exactly to the product
  const std::vector<double> many(1000000, -0.1);
  CHECK(emergent::sequence_log_likelihood(many) == doctest::Approx(-100000.0).epsilon(1e-15));
  // a zero-probability token
  const std::vector<double> with_zero{-0.5, -inf, -0.25};
  CHECK_THROWS_WITH_AS((void)emergent::mean_token_nll(with_zero),
                       "mean_token_nll: token_log_probs[1]: the true outcome has probability 0, so the loss is +inf; "
                       "pass log_loss_options::clamp_epsilon to clip or allow_infinite to accept +inf",
                       input_error);
  CHECK(emergent::sequence_log_likelihood(with_zero, {.allow_infinite = true}) == -inf);
  CHECK(emergent::mean_token_nll(with_zero, {.allow_infinite = true}) == inf);
  CHECK(emergent::perplexity(with_zero, {.allow_infinite = true}) == inf);
  CHECK(emergent::mean_token_nll(with_zero, {.clamp_epsilon = 1e-10}) ==
        doctest::Approx((0.75 - std::log(1e-10)) / 3.0));
  CHECK_THROWS_WITH_AS((void)emergent::mean_token_nll(std::vector<double>{}),
                       "mean_token_nll: token_log_probs: is empty (no mean)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::perplexity(std::vector<double>{}), "perplexity: token_log_probs: is empty (no mean)",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::perplexity(std::vector<double>{-800.0}),
                       "perplexity: mean negative log-likelihood 800 overflows exp(); pass allow_infinite to accept +inf",
                       emergent::numerical_error);
  CHECK_THROWS_WITH_AS((void)emergent::sequence_log_likelihood(std::vector<double>{-1.0, 0.1}),
                       "sequence_log_likelihood: token_log_probs[1]: 0.1 is above 0 (a probability above 1)", input_error);
  CHECK_THROWS_AS((void)emergent::sequence_log_likelihood(std::vector<double>{std::nan("")}), input_error);
  CHECK_THROWS_AS((void)emergent::sequence_log_likelihood(std::vector<double>{-1.0}, {.clamp_epsilon = 2.0}), input_error);
}
