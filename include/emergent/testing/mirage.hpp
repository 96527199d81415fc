/// @file
/// @brief Will this metric make a mirage? The expected value of a metric under a model of per-token
///        errors, the curve it induces against log-compute when per-token accuracy improves
///        smoothly, how sharp that curve is compared with per-token accuracy, and whether the metric
///        is continuous (soft) or thresholded (hard).
///
/// The argument is the one of Schaeffer, Miranda & Koyejo (2023), "Are Emergent Abilities of Large
/// Language Models a Mirage?": if each of the L tokens of an answer is right independently with
/// probability p, and p improves smoothly with scale, then exact match (expected value p^L) rises
/// late and steeply, while token edit distance (expected value L (1 - p)) follows p linearly. The
/// sharpness comes from the metric, not from the model. `mirage_risk` measures that for any metric.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "emergent/analysis/breakthroughness.hpp"
#include "emergent/core/error.hpp"
#include "emergent/testing/property.hpp"
#include "emergent/testing/sequence_properties.hpp"

namespace emergent::testing {

/// How per-token accuracy p improves with x = log10(compute): the smooth improvement the mirage
/// argument starts from.
struct per_token_curve {
  /// The functional form.
  enum class form {
    logistic,   ///< p(x) = floor + (ceiling - floor) / (1 + exp(-slope (x - midpoint)))
    power_law,  ///< per-token loss l(x) = loss_at_start * 10^(-exponent (x - x_start)), p(x) = exp(-l(x)) (Schaeffer et al. 2023, Fig. 2)
  };
  form shape = form::logistic;  ///< which of the two forms
  double slope = 0.5;           ///< logistic: slope in natural-log odds per decade of compute
  double midpoint = 21.0;       ///< logistic: log10(compute) at which p is halfway between floor and ceiling
  double floor = 0.0;           ///< logistic: per-token accuracy of a very small model
  double ceiling = 1.0;         ///< logistic: per-token accuracy of a very large model
  double loss_at_start = 2.0;   ///< power law: per-token cross-entropy (nats) at x = x_start
  double exponent = 0.25;       ///< power law: the loss falls by a factor 10^exponent per decade
  double x_start = 18.0;        ///< power law: reference point of the loss

  /// Per-token accuracy at x = log10(compute).
  [[nodiscard]] double operator()(double x) const {
    if (shape == form::logistic) return floor + (ceiling - floor) / (1.0 + std::exp(-slope * (x - midpoint)));
    return std::exp(-loss_at_start * std::pow(10.0, -exponent * (x - x_start)));
  }
};

/// Settings of a mirage-risk analysis.
struct mirage_options {
  std::vector<std::pair<std::size_t, double>> lengths = {{5, 1.0}};  ///< answer lengths L and their weights (normalised internally)
  per_token_curve improvement;            ///< how per-token accuracy improves with log10(compute)
  double x_min = 18.0;                    ///< first log10(compute) of the simulated family of models
  double x_max = 24.0;                    ///< last log10(compute)
  std::size_t points = 25;                ///< models in the family, evenly spaced in log10(compute)
  int vocabulary = 1000;                  ///< reference tokens and wrong tokens are drawn from 0 .. vocabulary-1 (at most 62 for one-byte characters)
  std::size_t max_position_sets = 64;     ///< error positions: all C(L, k) sets when at most this many, else this many sampled
  std::size_t draws = 4;                  ///< random references and wrong tokens per set of error positions
  std::uint64_t seed = 20230428;          ///< seed of the token draws and position samples
  double threshold_step = 0.5;            ///< a metric is thresholded when one step (one more error) moves it by at least this fraction of its range
  double sharpness_ratio_for_risk = 1.2;  ///< the metric adds sharpness when it narrows the rise by at least this factor and delays it
};

/// Continuous (soft) or thresholded (hard), as Schaeffer et al. (2023) contrast them.
enum class metric_kind {
  continuous,   ///< credit changes gradually: no single extra error (or small change of probability) moves the score by most of its range
  thresholded,  ///< one more error (or a small change of probability) moves the score by at least `threshold_step` of its range
};

/// Sharpness of one curve on the log10(compute) axis, each measure computed on the curve oriented so
/// that better is up. Ratios between two curves do not depend on the metric's scale.
struct curve_sharpness {
  double breakthroughness = 0.0;        ///< sign(argmax - argmin) (max y - min y) / sqrt(median (y_{i+1} - y_i)^2) (BIG-bench; Schaeffer et al.'s emergence score; `emergent::breakthroughness`)
  double linearity = 0.0;               ///< I(y) / sqrt(mean (y_{i+1} - y_i)^2) (BIG-bench, Srivastava et al. 2022, App. B): n - 1 for n equal steps, sqrt(n - 1) for one jump; `emergent::linearity`
  double max_slope_per_decade = 0.0;    ///< steepest rise of y per decade, as a fraction of the curve's total range
  double rise_width_decades = 0.0;      ///< decades between the first crossings of 10% and 90% of the curve's range (interpolated)
  double midpoint = 0.0;                ///< log10(compute) at which the curve first reaches 50% of its range
};

/// The answer of `mirage_risk`: the expected metric as a function of per-token accuracy, the curve
/// it induces on a family of models, and how much sharper that curve is than per-token accuracy.
struct mirage_report {
  std::vector<double> accuracy_grid;    ///< per-token accuracies p = 0, 0.01, ..., 1
  std::vector<double> expected_metric;  ///< E[metric] at each p of `accuracy_grid`
  std::vector<double> log_compute;      ///< x = log10(compute) of the simulated models
  std::vector<double> per_token;        ///< per-token accuracy p(x) of each model
  std::vector<double> induced;          ///< E[metric] at p(x): the curve the metric draws
  std::vector<std::vector<double>> by_errors;  ///< by_errors[i][k]: mean metric with k wrong tokens, for the i-th length of `options.lengths` (empty for probability metrics)
  bool higher_is_better = true;         ///< whether the metric rises as per-token accuracy rises (detected)
  bool exact = true;                    ///< true when every set of error positions was enumerated (Monte Carlo over positions otherwise)
  metric_kind kind = metric_kind::continuous;  ///< continuous or thresholded
  double largest_step = 0.0;            ///< the largest change from one more error (or one grid step of p), as a fraction of the range
  double response_at_midpoint = 0.0;    ///< normalised E[metric] at the middle of the per-token range of the family: 0.5 linear, below convex (credit comes late)
  curve_sharpness per_token_sharpness;  ///< sharpness of per-token accuracy p(x)
  curve_sharpness induced_sharpness;    ///< sharpness of the induced curve
  double sharpness_ratio = 1.0;         ///< per-token rise width / induced rise width: how much the metric alone narrows the rise
  double delay_decades = 0.0;           ///< induced midpoint - per-token midpoint: positive when the metric defers credit to larger models
  bool adds_sharpness = false;          ///< sharpness_ratio >= options.sharpness_ratio_for_risk and delay_decades > 0: a late, narrowed rise
  /// "high" (adds sharpness and thresholded), "medium" (adds sharpness or thresholded), "low".
  std::string risk;
  /// One line for people: kind, sharpness ratio, delay and risk.
  [[nodiscard]] std::string summary() const;
};

namespace detail {

/// Sharpness of one curve, as `curve_sharpness` documents it. Breakthroughness and linearity are the
/// analysis layer's (`emergent::breakthroughness`, `emergent::linearity`: the same BIG-bench formulas,
/// argmax and argmin taken at their first index). The other three stay here because the analysis
/// layer's measures mean something else: its steepest slope (`sharpness::steepest_slope_per_decade`)
/// is in units of y, not a fraction of the range floored at 0; its observed rise width follows the
/// running maximum from the first point (here: the first crossings above the curve's minimum; the two
/// agree on non-decreasing curves, not on the non-monotone curves a metric may induce); its other rise
/// width and its midpoint come from a fitted logistic, which would need at least 5 points and the fit
/// layer. A flat curve, or one of fewer than 3 points, gives all zeros.
inline curve_sharpness measure_sharpness(const std::vector<double>& x, const std::vector<double>& y) {
  curve_sharpness s;
  const std::size_t n = y.size();
  if (n < 3) return s;
  const double lowest = *std::min_element(y.begin(), y.end());
  const double range = *std::max_element(y.begin(), y.end()) - lowest;
  if (!(range > 0.0)) return s;
  s.breakthroughness = emergent::breakthroughness(x, y);
  s.linearity = emergent::linearity(x, y);
  double steepest = 0.0;
  for (std::size_t i = 0; i + 1 < n; ++i) steepest = std::max(steepest, (y[i + 1] - y[i]) / range / (x[i + 1] - x[i]));
  s.max_slope_per_decade = steepest;
  const auto crossing = [&](double level) {
    const double target = lowest + level * range;
    for (std::size_t i = 1; i < n; ++i) {
      if (y[i] >= target && y[i - 1] < target) {
        return x[i - 1] + (target - y[i - 1]) / (y[i] - y[i - 1]) * (x[i] - x[i - 1]);
      }
    }
    return y[0] >= target ? x[0] : x[n - 1];
  };
  s.rise_width_decades = crossing(0.9) - crossing(0.1);
  s.midpoint = crossing(0.5);
  return s;
}

inline double binomial_coefficient(std::size_t n, std::size_t k) {
  double c = 1.0;
  for (std::size_t i = 1; i <= k; ++i) c = c * static_cast<double>(n - k + i) / static_cast<double>(i);
  return c;
}

/// Visits every k-subset of {0, ..., n-1} in lexicographic order.
template <class Visit>
void for_each_subset(std::size_t n, std::size_t k, Visit&& visit) {
  std::vector<std::size_t> subset(k);
  for (std::size_t i = 0; i < k; ++i) subset[i] = i;
  while (true) {
    visit(subset);
    if (k == 0) return;
    std::size_t i = k;
    while (i > 0 && subset[i - 1] == n - k + i - 1) --i;
    if (i == 0) return;
    ++subset[i - 1];
    for (std::size_t j = i; j < k; ++j) subset[j] = subset[j - 1] + 1;
  }
}

inline void validate_mirage_options(const mirage_options& o, const char* function) {
  if (o.lengths.empty()) throw input_error(emergent::detail::describe(function, "options.lengths", "empty"));
  double total = 0.0;
  for (std::size_t i = 0; i < o.lengths.size(); ++i) {
    const double w = o.lengths[i].second;
    if (!(w >= 0.0) || !std::isfinite(w)) throw input_error(emergent::detail::describe_at(function, "options.lengths", i, "weight is negative or not finite"));
    total += w;
  }
  if (!(total > 0.0)) throw input_error(emergent::detail::describe(function, "options.lengths", "weights sum to 0"));
  if (o.points < 3) throw input_error(emergent::detail::describe(function, "options.points", "need at least 3 models"));
  if (!(o.x_max > o.x_min)) throw input_error(emergent::detail::describe(function, "options.x_max", "must be greater than options.x_min"));
  if (o.vocabulary < 2) throw input_error(emergent::detail::describe(function, "options.vocabulary", "need at least 2 tokens"));
  if (o.draws == 0 || o.max_position_sets == 0) throw input_error(emergent::detail::describe(function, "options.draws", "must be positive"));
  for (double x = o.x_min; x <= o.x_max; x += (o.x_max - o.x_min) / 8.0) {
    const double p = o.improvement(x);
    if (!(p >= 0.0 && p <= 1.0)) throw input_error(emergent::detail::describe(function, "options.improvement", "per-token accuracy outside [0, 1]"));
  }
}

/// Fills the curve, the sharpness measures, the ratio and the verdict once `response(p)` is known.
template <class Response>
void finish_mirage_report(mirage_report& r, const mirage_options& o, Response&& response) {
  for (int i = 0; i <= 100; ++i) {
    r.accuracy_grid.push_back(i / 100.0);
    r.expected_metric.push_back(response(i / 100.0));
  }
  for (std::size_t i = 0; i < o.points; ++i) {
    const double x = o.x_min + (o.x_max - o.x_min) * static_cast<double>(i) / static_cast<double>(o.points - 1);
    const double p = o.improvement(x);
    r.log_compute.push_back(x);
    r.per_token.push_back(p);
    r.induced.push_back(response(p));
  }
  for (std::size_t i = 0; i < r.induced.size(); ++i) {
    if (!std::isfinite(r.induced[i])) {
      throw numerical_error(emergent::detail::describe_at("mirage_risk", "induced curve", i, "the expected metric is not finite"));
    }
  }
  r.higher_is_better = r.induced.back() >= r.induced.front();
  std::vector<double> oriented = r.induced;
  if (!r.higher_is_better) {
    for (double& v : oriented) v = -v;
  }
  r.per_token_sharpness = measure_sharpness(r.log_compute, r.per_token);
  r.induced_sharpness = measure_sharpness(r.log_compute, oriented);
  const double p_lo = *std::min_element(r.per_token.begin(), r.per_token.end());
  const double p_hi = *std::max_element(r.per_token.begin(), r.per_token.end());
  const double at_lo = response(p_lo);
  const double at_hi = response(p_hi);
  r.response_at_midpoint = at_hi != at_lo ? (response(0.5 * (p_lo + p_hi)) - at_lo) / (at_hi - at_lo) : 0.0;
  r.sharpness_ratio = r.induced_sharpness.rise_width_decades > 0.0
                          ? r.per_token_sharpness.rise_width_decades / r.induced_sharpness.rise_width_decades
                          : HUGE_VAL;
  r.delay_decades = r.induced_sharpness.midpoint - r.per_token_sharpness.midpoint;
  r.adds_sharpness = r.sharpness_ratio >= o.sharpness_ratio_for_risk && r.delay_decades > 0.0;
  const bool hard = r.kind == metric_kind::thresholded;
  r.risk = r.adds_sharpness && hard ? "high" : (r.adds_sharpness || hard ? "medium" : "low");
}

}  // namespace detail

inline std::string mirage_report::summary() const {
  std::string out = kind == metric_kind::thresholded ? "thresholded (hard)" : "continuous (soft)";
  out += "; largest step " + detail::format_number(std::round(largest_step * 1000.0) / 1000.0) + " of the range";
  out += "; rise " + detail::format_number(std::round(sharpness_ratio * 100.0) / 100.0) + "x narrower than per-token accuracy";
  out += ", " + detail::format_number(std::round(delay_decades * 100.0) / 100.0) + " decades later";
  out += "; mirage risk " + risk;
  return out;
}

/// Mirage risk of a metric over token sequences, `metric(prediction, reference)` with both of type
/// `Sequence` (as in the property checks), under independent per-token errors.
///
/// Error model: a reference of length L is drawn from the vocabulary; each token of the prediction
/// is the reference's token with probability p and a different token otherwise, independently
/// (substitutions only, so prediction and reference have the same length). The expected metric is
///
///     E[m](p) = sum_L w_L sum_{k=0}^{L} C(L, k) (1 - p)^k p^(L - k) M_L(k),
///
/// where M_L(k) is the mean metric over predictions with exactly k wrong tokens: over all C(L, k)
/// sets of wrong positions when there are at most `options.max_position_sets` of them (exact for any
/// metric that depends on which tokens are wrong but not on the wrong tokens' values), else over that
/// many sampled sets; each set with `options.draws` random references and wrong tokens.
///
/// For exact match this gives p^L, for token edit distance L (1 - p) (Schaeffer et al. 2023).
template <class Sequence = symbol_sequence, class Metric>
[[nodiscard]] mirage_report mirage_risk(Metric metric, const mirage_options& options = {}) {
  detail::validate_mirage_options(options, "mirage_risk");
  mirage_report r;
  detail::rng random(options.seed);
  // One-byte characters can stand for 62 symbols only (see make_sequence).
  const int vocabulary = std::min(options.vocabulary, detail::symbol_capacity<typename Sequence::value_type>());
  std::vector<double> weights;
  double total = 0.0;
  for (const auto& [length, weight] : options.lengths) total += weight;
  for (const auto& entry : options.lengths) {
    const std::size_t length = entry.first;
    weights.push_back(entry.second / total);
    std::vector<double> by_k(length + 1, 0.0);
    for (std::size_t k = 0; k <= length; ++k) {
      double sum = 0.0;
      std::size_t count = 0;
      const auto score_positions = [&](const std::vector<std::size_t>& wrong) {
        for (std::size_t d = 0; d < options.draws; ++d) {
          symbol_sequence reference(length);
          for (int& t : reference) t = static_cast<int>(random.below(static_cast<std::uint64_t>(vocabulary)));
          symbol_sequence prediction = reference;
          for (const std::size_t j : wrong) {
            prediction[j] = static_cast<int>((static_cast<std::uint64_t>(reference[j]) + 1U +
                                              random.below(static_cast<std::uint64_t>(vocabulary - 1))) %
                                             static_cast<std::uint64_t>(vocabulary));
          }
          sum += detail::call_metric<Sequence>(metric, prediction, reference);
          ++count;
        }
      };
      if (detail::binomial_coefficient(length, k) <= static_cast<double>(options.max_position_sets)) {
        detail::for_each_subset(length, k, score_positions);
      } else {
        r.exact = false;
        for (std::size_t s = 0; s < options.max_position_sets; ++s) {
          // A uniform k-subset by a partial Fisher-Yates shuffle.
          std::vector<std::size_t> positions(length);
          for (std::size_t j = 0; j < length; ++j) positions[j] = j;
          for (std::size_t j = 0; j < k; ++j) {
            std::swap(positions[j], positions[j + static_cast<std::size_t>(random.below(length - j))]);
          }
          positions.resize(k);
          score_positions(positions);
        }
      }
      by_k[k] = sum / static_cast<double>(count);
      if (!std::isfinite(by_k[k])) {
        throw numerical_error(emergent::detail::describe_at("mirage_risk", "metric with k wrong tokens", k, "not finite"));
      }
    }
    r.by_errors.push_back(std::move(by_k));
  }
  // Thresholded: one more error moves the metric by most of its range (lengths >= 2 decide when present).
  bool any_long = false;
  for (const auto& [length, weight] : options.lengths) any_long = any_long || (length >= 2 && weight > 0.0);
  for (std::size_t i = 0; i < r.by_errors.size(); ++i) {
    const auto& m = r.by_errors[i];
    if (options.lengths[i].second <= 0.0 || (any_long && m.size() < 3)) continue;
    const auto [lo, hi] = std::minmax_element(m.begin(), m.end());
    const double range = *hi - *lo;
    if (!(range > 0.0)) continue;
    for (std::size_t k = 0; k + 1 < m.size(); ++k) r.largest_step = std::max(r.largest_step, std::fabs(m[k + 1] - m[k]) / range);
  }
  r.kind = r.largest_step >= options.threshold_step ? metric_kind::thresholded : metric_kind::continuous;
  const auto response = [&](double p) {
    double e = 0.0;
    for (std::size_t i = 0; i < r.by_errors.size(); ++i) {
      const std::size_t length = options.lengths[i].first;
      double inner = 0.0;
      for (std::size_t k = 0; k <= length; ++k) {
        inner += detail::binomial_coefficient(length, k) * std::pow(1.0 - p, static_cast<double>(k)) *
                 std::pow(p, static_cast<double>(length - k)) * r.by_errors[i][k];
      }
      e += weights[i] * inner;
    }
    return e;
  };
  detail::finish_mirage_report(r, options, response);
  return r;
}

/// Mirage risk of a metric computed from the probabilities a model gives the correct tokens:
/// `metric(probabilities)` with `probabilities` a `std::span<const double>` of L per-token
/// probabilities of the reference tokens (sequence probability, log-likelihood, mean per-token
/// Brier score, a multiple-choice grade, ...). Every token gets the probability p, so
/// E[m](p) = sum_L w_L m(p, ..., p) (L copies). A metric is thresholded when one step of 0.01 in p
/// moves it by at least `options.threshold_step` of its range over the family's per-token range.
template <class Metric>
[[nodiscard]] mirage_report mirage_risk_probabilistic(Metric metric, const mirage_options& options = {}) {
  detail::validate_mirage_options(options, "mirage_risk_probabilistic");
  mirage_report r;
  double total = 0.0;
  for (const auto& [length, weight] : options.lengths) total += weight;
  const auto response = [&](double p) {
    double e = 0.0;
    for (const auto& [length, weight] : options.lengths) {
      if (weight <= 0.0) continue;
      const std::vector<double> probabilities(length, p);
      e += weight / total * static_cast<double>(metric(std::span<const double>(probabilities)));
    }
    return e;
  };
  // Continuity over the family's range of per-token accuracy, on a grid of 0.01.
  double p_lo = 1.0;
  double p_hi = 0.0;
  for (std::size_t i = 0; i < options.points; ++i) {
    const double p = options.improvement(options.x_min + (options.x_max - options.x_min) * static_cast<double>(i) /
                                                             static_cast<double>(options.points - 1));
    p_lo = std::min(p_lo, p);
    p_hi = std::max(p_hi, p);
  }
  std::vector<double> values;
  for (double p = p_lo; p <= p_hi + 1e-12; p += 0.01) values.push_back(response(std::min(p, p_hi)));
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double range = *hi - *lo;
  if (range > 0.0) {
    for (std::size_t i = 0; i + 1 < values.size(); ++i) r.largest_step = std::max(r.largest_step, std::fabs(values[i + 1] - values[i]) / range);
  }
  r.kind = r.largest_step >= options.threshold_step ? metric_kind::thresholded : metric_kind::continuous;
  detail::finish_mirage_report(r, options, response);
  return r;
}

}  // namespace emergent::testing
