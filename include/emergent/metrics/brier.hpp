/// @file
/// @brief The Brier score (Brier 1950): squared distance between a forecast probability vector and
///        the one-hot outcome. Binary form (p - o)^2; multi-class form under two named conventions
///        (sum over classes, range [0, 2], the default; mean over classes, range [0, 2/K]); and from
///        per-option log-likelihoods through a stable softmax, as lm-evaluation-harness scores
///        multiple-choice tasks.
#pragma once

#include <cstddef>
#include <concepts>
#include <cmath>
#include <limits>
#include <vector>

#include "emergent/core/concepts.hpp"
#include "emergent/core/error.hpp"
#include "emergent/metrics/probability.hpp"

namespace emergent {

/// How the squared errors of a K-class Brier score are combined over the classes.
///
/// `sum_over_classes` is the default: it is Brier's (1950) original definition, the one
/// lm-evaluation-harness reports for multiple-choice tasks (`np.sum((p - onehot)**2, axis=1)`) and the
/// one scikit-learn (>= 1.7, `scale_by_half='auto'`) uses for a probability matrix, so numbers are
/// comparable with published evaluation results. `mean_over_classes` divides by K (the "mean
/// squared error over all entries" form); it is K times smaller and not comparable across K.
enum class brier_convention {
  sum_over_classes,  ///< BS = Σ_k (p_k - [k = y])^2, range [0, 2] (lm-evaluation-harness, Brier 1950)
  mean_over_classes  ///< BS = (1/K) Σ_k (p_k - [k = y])^2, range [0, 2/K]
};

/// Options of the multi-class Brier score.
struct brier_options {
  /// How squared errors are combined over classes (default: the sum, see `brier_convention`).
  brier_convention convention = brier_convention::sum_over_classes;
  /// Whether the probability vector must sum to 1 (`require`, default) or is divided by its sum.
  normalization normalize = normalization::require;
};

/// Binary Brier score of one forecast: (p - o)^2, where p is the forecast probability of the positive
/// outcome and o ∈ {0, 1} the outcome (Brier 1950; scikit-learn's `brier_score_loss` averages this
/// over examples). Range [0, 1]. Note that the two-class vector form under `sum_over_classes` is twice
/// this value. Throws `input_error` when p is NaN, infinite or outside [0, 1] (beyond
/// `probability_tolerance`) or when the outcome is not 0 or 1.
template <std::integral O>
[[nodiscard]] double brier_score(double p, O outcome) {
  const double q = detail::prob::checked_probability(p, "brier_score", "p");
  const int o = detail::prob::checked_outcome(outcome, "brier_score");
  const double d = q - static_cast<double>(o);
  return d * d;
}

/// Multi-class Brier score of one forecast: Σ_k (p_k - [k = label])^2 (`sum_over_classes`, default,
/// range [0, 2]) or that sum divided by K (`mean_over_classes`). Brier (1950), "Verification of
/// forecasts expressed in terms of probability". Throws `input_error` for an entry outside [0, 1] or
/// not finite (naming its index), a vector that does not sum to 1 within `probability_sum_tolerance`
/// (unless `options.normalize` is `renormalize`), and a label outside [0, K) (so an empty vector is
/// always an error).
template <numeric_range R, std::integral L>
[[nodiscard]] double brier_score(const R& probabilities, L label, const brier_options& options = {}) {
  double sum = 0.0;
  const auto p = detail::prob::checked_probability_vector(probabilities, "brier_score", "probabilities",
                                                          options.normalize, sum);
  const std::size_t y = detail::prob::checked_label(label, p.size(), "brier_score");
  const double scale = options.normalize == normalization::renormalize ? 1.0 / sum : 1.0;
  double total = 0.0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const double d = p[k] * scale - (k == y ? 1.0 : 0.0);
    total += d * d;
  }
  if (options.convention == brier_convention::mean_over_classes) total /= static_cast<double>(p.size());
  return total;
}

/// Multi-class Brier score from per-option log-likelihoods (or logits): the probabilities are
/// p = softmax(log_likelihoods), computed stably (max subtracted before exponentiation), then
/// `brier_score(p, label, convention)`. This is lm-evaluation-harness's multiple-choice `brier_score`
/// (`softmax(lls)` against the one-hot gold, summed over options). -inf entries (impossible options)
/// are allowed; NaN, +inf, an empty input, an all -inf input and an out-of-range label throw `input_error`.
template <numeric_range R, std::integral L>
[[nodiscard]] double brier_score_from_log_likelihoods(const R& log_likelihoods, L label,
                                                      brier_convention convention = brier_convention::sum_over_classes) {
  const auto x = detail::prob::checked_scores(log_likelihoods, "brier_score_from_log_likelihoods", "log_likelihoods");
  const std::size_t y = detail::prob::checked_label(label, x.size(), "brier_score_from_log_likelihoods");
  const double lse = detail::prob::log_sum_exp_unchecked(x);
  if (lse == -std::numeric_limits<double>::infinity()) {
    throw input_error(detail::describe("brier_score_from_log_likelihoods", "log_likelihoods",
                                       "every entry is -inf (no distribution)"));
  }
  double total = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double d = std::exp(x[k] - lse) - (k == y ? 1.0 : 0.0);
    total += d * d;
  }
  if (convention == brier_convention::mean_over_classes) total /= static_cast<double>(x.size());
  return total;
}

}  // namespace emergent
