/// @file
/// @brief Conjunctions of independent successes, the arithmetic behind "sharp" hard metrics: the
///        probability of a whole token sequence (product of per-token probabilities, computed in log
///        space), k-of-k (p^k), "all parts correct" over multi-part answers, the unbiased pass\@k
///        estimator of Chen et al. (2021), and the expected token edit distance L·(1 − p), the soft
///        counterpart that Schaeffer, Miranda & Koyejo (2023) contrast with exact match.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ranges>
#include <string>

#include "emergent/core/concepts.hpp"
#include "emergent/core/error.hpp"
#include "emergent/metrics/probability.hpp"

namespace emergent {

/// Log-probability of a whole sequence from its per-token log-probabilities: log P = Σ_t log p_t
/// (Neumaier-compensated sum). The empty sequence has log-probability 0. A -inf token (probability 0)
/// is an exact statement by the caller and gives -inf (probability 0); NaN, +inf and values above 0
/// (beyond `probability_tolerance`) throw `input_error` naming the index. For a loss that refuses
/// infinities see `sequence_log_likelihood` in cross_entropy.hpp.
template <numeric_range R>
[[nodiscard]] double sequence_log_probability(const R& token_log_probs) {
  detail::prob::compensated_sum sum;
  bool zero = false;
  std::size_t i = 0;
  for (const auto& v : token_log_probs) {
    const double lp =
        detail::prob::checked_log_probability_at(static_cast<double>(v), "sequence_log_probability", "token_log_probs", i++);
    if (lp == -std::numeric_limits<double>::infinity()) {
      zero = true;
    } else {
      sum.add(lp);
    }
  }
  return zero ? -std::numeric_limits<double>::infinity() : sum.value();
}

/// Probability of a whole sequence, P = Π_t p_t = exp(Σ_t log p_t), computed in log space so that
/// long sequences do not underflow before the end (Schaeffer et al. 2023: exact match on L tokens
/// succeeds with probability p^L under independent per-token errors). The empty sequence has
/// probability 1; a -inf token gives 0. Same validation as `sequence_log_probability`.
template <numeric_range R>
[[nodiscard]] double sequence_probability(const R& token_log_probs) {
  return std::exp(sequence_log_probability(token_log_probs));
}

/// k-of-k: the probability that k independent steps, each correct with probability p, are all
/// correct, p^k. This is why hard metrics look sharp: a smooth per-step p gives a steep p^k
/// (Schaeffer et al. 2023; the "k-of-k" argument). Monotone increasing in p and decreasing in k.
/// Throws `input_error` when p is not a probability or k = 0.
[[nodiscard]] inline double k_of_k(double p, std::size_t k) {
  const double q = detail::prob::checked_probability(p, "k_of_k", "p");
  if (k == 0) throw input_error(detail::describe("k_of_k", "k", "must be at least 1"));
  return std::pow(q, static_cast<double>(k));
}

/// "All parts correct" over a multi-part answer: true when every part is correct. An answer with no
/// parts is vacuously correct (the empty conjunction is true).
template <std::ranges::input_range R>
  requires std::convertible_to<std::ranges::range_reference_t<R>, bool>
[[nodiscard]] bool all_parts_correct(const R& parts_correct) {
  for (const auto& part : parts_correct) {
    if (!static_cast<bool>(part)) return false;
  }
  return true;
}

/// Probability that every part of a multi-part answer is correct when the parts succeed
/// independently with probabilities p_i: Π_i p_i, computed in log space. The empty product is 1.
/// Throws `input_error` naming the index of an entry that is not a probability.
template <numeric_range R>
[[nodiscard]] double all_parts_probability(const R& part_probabilities) {
  detail::prob::compensated_sum sum;
  bool zero = false;
  std::size_t i = 0;
  for (const auto& v : part_probabilities) {
    const double p = detail::prob::checked_probability_at(static_cast<double>(v), "all_parts_probability",
                                                          "part_probabilities", i++);
    if (p == 0.0) {
      zero = true;
    } else {
      sum.add(std::log(p));
    }
  }
  return zero ? 0.0 : std::exp(sum.value());
}

/// Unbiased pass\@k estimator of Chen et al. (2021), "Evaluating Large Language Models Trained on
/// Code", eq. (1): from n samples of which c are correct, the probability that at least one of k
/// samples drawn without replacement is correct, 1 − C(n − c, k) / C(n, k). Computed stably as
/// 1 − Π_{i=n−c+1}^{n} (1 − k/i) in log space, −expm1(Σ log1p(−k/i)), so n in the thousands (and far
/// beyond) neither overflows the binomials nor loses the small results; exactly 1 when n − c < k.
/// Throws `input_error` when k = 0, c > n or k > n (C(n, k) = 0: the estimator is undefined).
[[nodiscard]] inline double pass_at_k(std::uint64_t n, std::uint64_t c, std::uint64_t k) {
  if (k == 0) throw input_error(detail::describe("pass_at_k", "k", "must be at least 1"));
  if (c > n) {
    throw input_error(detail::describe("pass_at_k", "c",
                                       std::to_string(c) + " correct samples exceed n = " + std::to_string(n)));
  }
  if (k > n) {
    throw input_error(detail::describe("pass_at_k", "k",
                                       std::to_string(k) + " exceeds the n = " + std::to_string(n) +
                                           " samples drawn (C(n, k) = 0)"));
  }
  if (c == 0) return 0.0;  // (and not −expm1(0) = −0)
  if (n - c < k) return 1.0;
  const double kd = static_cast<double>(k);
  double log_ratio = 0.0;  // log C(n−c, k)/C(n, k) = Σ_{i=n−c+1}^{n} log(1 − k/i)
  for (std::uint64_t i = n - c + 1; i <= n; ++i) log_ratio += std::log1p(-kd / static_cast<double>(i));
  return -std::expm1(log_ratio);
}

/// Expected token edit distance of an L-token answer whose tokens are each wrong independently with
/// probability 1 − p: L·(1 − p) (the expected number of substituted tokens). Schaeffer, Miranda &
/// Koyejo (2023), "Are Emergent Abilities of Large Language Models a Mirage?", use it as the soft,
/// linear counterpart of exact match's p^L. 0 for L = 0. Throws `input_error` when p is not a probability.
[[nodiscard]] inline double expected_token_edit_distance(std::size_t length, double p) {
  const double q = detail::prob::checked_probability(p, "expected_token_edit_distance", "p");
  return static_cast<double>(length) * (1.0 - q);
}

/// Expected token edit distance with a probability per token: Σ_t (1 − p_t) (independent errors).
/// 0 for the empty answer. Throws `input_error` naming the index of an entry that is not a probability.
template <numeric_range R>
[[nodiscard]] double expected_token_edit_distance(const R& token_probabilities) {
  detail::prob::compensated_sum sum;
  std::size_t i = 0;
  for (const auto& v : token_probabilities) {
    sum.add(1.0 - detail::prob::checked_probability_at(static_cast<double>(v), "expected_token_edit_distance",
                                                       "token_probabilities", i++));
  }
  return sum.value();
}

}  // namespace emergent
