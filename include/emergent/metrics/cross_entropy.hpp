/// @file
/// @brief Cross-entropy and log-likelihood: −log p(target) from probabilities, log-probabilities or
///        logits; the binary log-loss; and, from per-token log-probabilities, the sequence
///        log-likelihood, the mean per-token negative log-likelihood and the perplexity.
///
/// A true-class probability of exactly 0 has loss −log 0 = +inf. That is mathematically right but
/// a single such example turns a whole mean into +inf without saying why, so by default it is an
/// `input_error` naming the example. The caller opts in to a finite answer with
/// `log_loss_options::clamp_epsilon` (probabilities clipped into [ε, 1 − ε], scikit-learn's rule) or
/// to the infinity with `log_loss_options::allow_infinite`. Nothing is ever clamped silently.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/concepts.hpp"
#include "emergent/core/error.hpp"
#include "emergent/metrics/probability.hpp"

namespace emergent {

/// Options shared by the log-loss and cross-entropy functions.
struct log_loss_options {
  /// When > 0, every probability is clipped into [ε, 1 − ε] before its logarithm is taken (for
  /// log-probabilities: into [log ε, log(1 − ε)]), so the loss is at most −log ε. 0 (default): no
  /// clipping. Must lie in [0, 0.5).
  double clamp_epsilon = 0.0;
  /// When true, a true-class probability of 0 gives +inf; when false (default) it throws `input_error`.
  bool allow_infinite = false;
  /// Whether a probability vector must sum to 1 (default) or is divided by its sum (after clipping,
  /// as scikit-learn does).
  normalization normalize = normalization::require;

  /// The options that reproduce scikit-learn's `log_loss` (1.2 to 1.4 with `eps="auto"`, and the
  /// later releases that always clip): ε = machine epsilon of double (2.22e-16), clip every
  /// probability into [ε, 1 − ε], then renormalise each row by its sum.
  [[nodiscard]] static constexpr log_loss_options scikit_learn() noexcept {
    return log_loss_options{std::numeric_limits<double>::epsilon(), false, normalization::renormalize};
  }
};

namespace detail::prob {

inline void check_options(const log_loss_options& options, std::string_view function) {
  if (!(options.clamp_epsilon >= 0.0 && options.clamp_epsilon < 0.5)) {
    throw input_error(detail::describe(function, "options.clamp_epsilon",
                                       number(options.clamp_epsilon) + " is outside [0, 0.5)"));
  }
}

[[noreturn]] inline void throw_infinite(std::string_view function, const std::string& where) {
  throw input_error(std::string(function) + ": " + where +
                    ": the true outcome has probability 0, so the loss is +inf; pass "
                    "log_loss_options::clamp_epsilon to clip or allow_infinite to accept +inf");
}

/// Negated log-probability of the target as a loss, applying the clamp and infinity rules.
inline double loss_from_log_probability(double lp, const log_loss_options& options, std::string_view function,
                                        const std::string& where) {
  if (options.clamp_epsilon > 0.0) {
    const double lo = std::log(options.clamp_epsilon);
    const double hi = std::log1p(-options.clamp_epsilon);
    lp = lp < lo ? lo : (lp > hi ? hi : lp);
  }
  if (lp == -std::numeric_limits<double>::infinity()) {
    if (!options.allow_infinite) throw_infinite(function, where);
    return std::numeric_limits<double>::infinity();
  }
  return -lp;
}

/// Validated sum of per-token log-probabilities with the clamp and infinity rules.
template <numeric_range R>
double token_log_likelihood(const R& token_log_probs, const log_loss_options& options, std::string_view function,
                            std::size_t& count) {
  check_options(options, function);
  const double lo = options.clamp_epsilon > 0.0 ? std::log(options.clamp_epsilon)
                                                : -std::numeric_limits<double>::infinity();
  compensated_sum sum;
  bool infinite = false;
  std::size_t i = 0;
  for (const auto& v : token_log_probs) {
    double lp = checked_log_probability_at(static_cast<double>(v), function, "token_log_probs", i);
    if (lp < lo) lp = lo;
    if (lp == -std::numeric_limits<double>::infinity()) {
      if (!options.allow_infinite) throw_infinite(function, "token_log_probs[" + std::to_string(i) + "]");
      infinite = true;
    } else {
      sum.add(lp);
    }
    ++i;
  }
  count = i;
  return infinite ? -std::numeric_limits<double>::infinity() : sum.value();
}

}  // namespace detail::prob

/// Binary log-loss of one forecast: −[o log p + (1 − o) log(1 − p)], i.e. −log p when the outcome o
/// is 1 and −log1p(−p) when it is 0 (log1p keeps full relative precision for small p). Averaged over
/// examples this is scikit-learn's `log_loss` for binary labels (use `log_loss_options::scikit_learn()`
/// to clip as it does). Throws `input_error` when p is not a probability, the outcome is not 0 or 1,
/// or the outcome has probability 0 and neither clipping nor `allow_infinite` was requested.
template <std::integral O>
[[nodiscard]] double log_loss(double p, O outcome, const log_loss_options& options = {}) {
  detail::prob::check_options(options, "log_loss");
  double q = detail::prob::checked_probability(p, "log_loss", "p");
  const int o = detail::prob::checked_outcome(outcome, "log_loss");
  if (options.clamp_epsilon > 0.0) {
    q = q < options.clamp_epsilon ? options.clamp_epsilon : (q > 1.0 - options.clamp_epsilon ? 1.0 - options.clamp_epsilon : q);
  }
  const double target = o == 1 ? q : 1.0 - q;
  if (target == 0.0) {
    if (!options.allow_infinite) detail::prob::throw_infinite("log_loss", "p = " + detail::prob::number(q));
    return std::numeric_limits<double>::infinity();
  }
  return o == 1 ? -std::log(q) : -std::log1p(-q);
}

/// Cross-entropy of one forecast against a class label: −log p_label, where p is a probability
/// vector over K classes. With `normalize = renormalize` the vector is first divided by its sum; with
/// `clamp_epsilon = ε` every entry is first clipped into [ε, 1 − ε] (scikit-learn clips, then
/// renormalises: `log_loss_options::scikit_learn()`). Result ≥ 0. Throws `input_error` for an entry
/// that is not a probability (naming its index), a sum other than 1 under `require`, a label outside
/// [0, K), and a zero true-class probability without clipping or `allow_infinite`.
template <numeric_range R, std::integral L>
[[nodiscard]] double cross_entropy(const R& probabilities, L label, const log_loss_options& options = {}) {
  detail::prob::check_options(options, "cross_entropy");
  double sum = 0.0;
  auto p = detail::prob::checked_probability_vector(probabilities, "cross_entropy", "probabilities",
                                                    options.normalize, sum);
  const std::size_t y = detail::prob::checked_label(label, p.size(), "cross_entropy");
  if (options.clamp_epsilon > 0.0) {
    const double lo = options.clamp_epsilon;
    const double hi = 1.0 - options.clamp_epsilon;
    sum = 0.0;
    for (double& v : p) {
      v = v < lo ? lo : (v > hi ? hi : v);
      sum += v;
    }
  }
  const double scale = options.normalize == normalization::renormalize ? sum : 1.0;
  if (p[y] == 0.0) {
    if (!options.allow_infinite) {
      detail::prob::throw_infinite("cross_entropy", "probabilities[" + std::to_string(y) + "] (the label) = 0");
    }
    return std::numeric_limits<double>::infinity();
  }
  const double loss = -std::log(p[y] / scale);
  return loss < 0.0 ? 0.0 : loss;  // −log(1 + tiny) under the sum tolerance: report 0, never a negative loss
}

/// Cross-entropy from log-probabilities: −log p_label = −lp_label. Under `normalize = require` the
/// vector must be normalised, |exp(LSE(lp)) − 1| <= `probability_sum_tolerance`; under `renormalize`
/// the loss is LSE(lp) − lp_label (stable log-sum-exp). -inf entries are allowed (probability 0);
/// NaN, +inf and values above 0 throw `input_error` naming the index, as do a label outside [0, K)
/// and lp_label = -inf without clipping or `allow_infinite`.
template <numeric_range R, std::integral L>
[[nodiscard]] double cross_entropy_from_log_probabilities(const R& log_probabilities, L label,
                                                          const log_loss_options& options = {}) {
  constexpr std::string_view fn = "cross_entropy_from_log_probabilities";
  detail::prob::check_options(options, fn);
  std::vector<double> lp;
  lp.reserve(static_cast<std::size_t>(std::ranges::size(log_probabilities)));
  std::size_t i = 0;
  for (const auto& v : log_probabilities) {
    lp.push_back(detail::prob::checked_log_probability_at(static_cast<double>(v), fn, "log_probabilities", i++));
  }
  const std::size_t y = detail::prob::checked_label(label, lp.size(), fn);
  const double lse = detail::prob::log_sum_exp_unchecked(lp);
  double target = lp[y];
  if (options.normalize == normalization::require) {
    if (!(std::fabs(std::expm1(lse)) <= probability_sum_tolerance)) {
      throw input_error(detail::describe(fn, "log_probabilities",
                                         "exp() sums to " + detail::prob::number(std::exp(lse)) +
                                             ", not 1 (pass normalization::renormalize to renormalise)"));
    }
  } else {
    if (lse == -std::numeric_limits<double>::infinity()) {
      throw input_error(detail::describe(fn, "log_probabilities", "every entry is -inf and cannot be renormalised"));
    }
    target -= lse;
  }
  const double loss = detail::prob::loss_from_log_probability(
      target, options, fn, "log_probabilities[" + std::to_string(y) + "] (the label) = -inf");
  return loss < 0.0 ? 0.0 : loss;
}

/// Cross-entropy from unnormalised logits: LSE(z) − z_label, with the stable log-sum-exp
/// LSE(z) = m + log Σ exp(z_k − m), m = max z (the softmax cross-entropy of deep-learning libraries).
/// -inf logits (masked options) are allowed; NaN and +inf throw `input_error` naming the index, as do
/// an empty input, a label outside [0, K) and z_label = -inf without clipping or `allow_infinite`.
/// `clamp_epsilon` bounds the loss to [−log(1 − ε), −log ε]; `normalize` is ignored (logits are
/// always normalised by their log-sum-exp).
template <numeric_range R, std::integral L>
[[nodiscard]] double cross_entropy_from_logits(const R& logits, L label, const log_loss_options& options = {}) {
  constexpr std::string_view fn = "cross_entropy_from_logits";
  detail::prob::check_options(options, fn);
  const auto z = detail::prob::checked_scores(logits, fn, "logits");
  const std::size_t y = detail::prob::checked_label(label, z.size(), fn);
  const double lse = detail::prob::log_sum_exp_unchecked(z);
  if (lse == -std::numeric_limits<double>::infinity()) {
    throw input_error(detail::describe(fn, "logits", "every entry is -inf (no distribution)"));
  }
  const double loss = detail::prob::loss_from_log_probability(z[y] - lse, options, fn,
                                                              "logits[" + std::to_string(y) + "] (the label) = -inf");
  return loss < 0.0 ? 0.0 : loss;
}

/// Sequence log-likelihood from per-token log-probabilities: log P(sequence) = Σ_t log p_t
/// (Neumaier-compensated sum). The empty sequence has log-likelihood 0 (probability 1). A token with
/// log-probability -inf makes the result -inf: that throws `input_error` naming the token unless
/// `allow_infinite` (then -inf) or `clamp_epsilon` (each token clipped to at least log ε). NaN, +inf
/// and values above 0 throw `input_error` naming the index.
template <numeric_range R>
[[nodiscard]] double sequence_log_likelihood(const R& token_log_probs, const log_loss_options& options = {}) {
  std::size_t n = 0;
  return detail::prob::token_log_likelihood(token_log_probs, options, "sequence_log_likelihood", n);
}

/// Mean per-token negative log-likelihood, −(1/T) Σ_t log p_t, in nats: the cross-entropy of a
/// sequence per token. Same rules as `sequence_log_likelihood`; an empty sequence throws
/// `input_error` (the mean of nothing is undefined).
template <numeric_range R>
[[nodiscard]] double mean_token_nll(const R& token_log_probs, const log_loss_options& options = {}) {
  std::size_t n = 0;
  const double ll = detail::prob::token_log_likelihood(token_log_probs, options, "mean_token_nll", n);
  if (n == 0) throw input_error(detail::describe("mean_token_nll", "token_log_probs", "is empty (no mean)"));
  const double nll = -ll / static_cast<double>(n);
  return nll < 0.0 ? 0.0 : nll;
}

/// Perplexity, exp(−(1/T) Σ_t log p_t) = exp(`mean_token_nll`): the effective number of equally likely
/// choices per token, ≥ 1. Same rules as `mean_token_nll` (empty throws `input_error`); when the
/// mean NLL exceeds log(DBL_MAX) ≈ 709.78 the perplexity overflows: +inf under `allow_infinite`,
/// otherwise `numerical_error`.
template <numeric_range R>
[[nodiscard]] double perplexity(const R& token_log_probs, const log_loss_options& options = {}) {
  std::size_t n = 0;
  const double ll = detail::prob::token_log_likelihood(token_log_probs, options, "perplexity", n);
  if (n == 0) throw input_error(detail::describe("perplexity", "token_log_probs", "is empty (no mean)"));
  const double nll = -ll / static_cast<double>(n);
  const double ppl = std::exp(nll < 0.0 ? 0.0 : nll);
  if (std::isinf(ppl) && !options.allow_infinite) {
    throw numerical_error("perplexity: mean negative log-likelihood " + detail::prob::number(nll) +
                          " overflows exp(); pass allow_infinite to accept +inf");
  }
  return ppl;
}

}  // namespace emergent
