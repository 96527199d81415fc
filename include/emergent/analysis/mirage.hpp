/// @file
/// @brief The mirage verdict (Schaeffer et al. 2023, "Are emergent abilities of large language
///        models a mirage?"): given per-example scores of the same predictions under a hard and a
///        soft metric for a family of models, is the jump genuine, induced by the metric, absent, or
///        not resolvable with this many models and examples? With the bootstrap probability of each
///        verdict.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/analysis/break_tests.hpp"
#include "emergent/analysis/segmented.hpp"
#include "emergent/analysis/sharpness.hpp"
#include "emergent/core/error.hpp"
#include "emergent/fit/fit_curve.hpp"
#include "emergent/stats/hierarchical.hpp"

namespace emergent {

/// The verdict of a mirage analysis.
enum class mirage_verdict {
  sharp_under_both,       ///< the jump is there under both metrics: a genuine transition
  sharp_under_hard_only,  ///< sharp under the hard metric, smooth under the soft one: metric-induced
  smooth_under_both,      ///< no sharp rise under either metric
  sharp_under_soft_only,  ///< the soft metric jumps but the hard one does not (rare; reported, not hidden)
  not_resolvable,         ///< too few models, or the verdict is unstable under resampling of examples
};

/// The name of a verdict as printed by the command line ("sharp_under_both", ...).
[[nodiscard]] inline std::string_view to_string(mirage_verdict v) noexcept {
  switch (v) {
    case mirage_verdict::sharp_under_both: return "sharp_under_both";
    case mirage_verdict::sharp_under_hard_only: return "sharp_under_hard_only";
    case mirage_verdict::smooth_under_both: return "smooth_under_both";
    case mirage_verdict::sharp_under_soft_only: return "sharp_under_soft_only";
    case mirage_verdict::not_resolvable: return "not_resolvable";
  }
  return "not_resolvable";
}

/// Criteria and bootstrap settings of `mirage_analysis` (see docs/analysis.md).
struct mirage_options {
  double alpha = 0.05;          ///< level of Davies' test for a break
  double slope_ratio = 3.0;     ///< slope after the break must be at least this times the slope before (floored at 0)
  double min_rise = 0.05;       ///< the fitted rise (after the break, or of the logistic) must be at least this (metric units)
  double max_width_decades = 1.0;  ///< a logistic rising 10-90% within this many decades is a jump
  std::size_t min_models = 6;   ///< fewer models: not resolvable
  double min_probability = 0.5; ///< the observed verdict must have at least this bootstrap probability
  std::size_t replicates = 200; ///< paired hierarchical bootstrap replicates
  std::uint64_t seed = 1;       ///< seed of the resampler
};

/// What one metric's curve looks like.
struct mirage_curve {
  std::vector<double> y;        ///< mean score per model, in increasing x
  bool sharp = false;           ///< the sharpness criterion holds (see `is_sharp_curve`)
  double davies_p = 1;          ///< Davies' test of a break (two-sided, k = 10)
  double score_p = 1;           ///< pseudo-score test of a break
  double breakpoint = 0;        ///< location of the one-break continuous fit
  double slope_before = 0;      ///< its slope before the break (per x unit)
  double slope_after = 0;       ///< its slope after the break
  double rise = 0;              ///< fitted rise after the break: slope_after (max x - break)
  bool accelerates = false;     ///< criterion A: flat (or slow), then a break, then a fast rise
  bool jumps = false;           ///< criterion B: a logistic rise narrower than max_width_decades
  double logistic_width_decades = 0;  ///< 10-90% width of the fitted logistic (infinite when not fitted)
  sharpness measures;           ///< breakthroughness, linearity, logistic k, rise width, ...
};

/// The result of `mirage_analysis`.
struct mirage_result {
  mirage_verdict verdict = mirage_verdict::not_resolvable;           ///< the reported verdict
  mirage_verdict observed_verdict = mirage_verdict::not_resolvable;  ///< the verdict on the data before the stability check
  /// Bootstrap probability of each verdict, indexed by the enum's value (not_resolvable: replicates
  /// in which a curve could not be analysed).
  std::array<double, 5> probability{};
  mirage_curve hard;            ///< the hard metric's curve
  mirage_curve soft;            ///< the soft metric's curve
  std::vector<double> x;        ///< model x values, increasing
  std::size_t models = 0;       ///< number of models
  std::size_t min_examples = 0; ///< fewest examples of any model
  std::vector<std::string> reasons;  ///< why the verdict is what it is, in words

  /// Bootstrap probability of verdict v.
  [[nodiscard]] double probability_of(mirage_verdict v) const { return probability[static_cast<std::size_t>(v)]; }
};

namespace detail {

struct curve_call {
  bool sharp = false, accelerates = false, jumps = false;
  bool ok = true;
  double davies_p = 1, score_p = 1, psi = 0, before = 0, after = 0, rise = 0;
  double width = std::numeric_limits<double>::infinity();
};

inline curve_call judge_curve(std::span<const double> x, std::span<const double> y, const mirage_options& o,
                              bool with_score) {
  curve_call c;
  const auto [mn, mx] = std::minmax_element(y.begin(), y.end());
  if (!(*mx - *mn > 1e-12)) return c;  // a flat curve: smooth, nothing to test
  try {
    c.davies_p = davies_test(x, y).p_value;
    if (with_score) {
      try {
        c.score_p = pscore_test(x, y).p_value;
      } catch (const numerical_error&) {
        c.score_p = 0.0;  // a perfect straight line with a kink-free fit: no residual variance
      }
    }
    const segmented_fit f = fit_segmented(x, y);
    c.psi = f.breakpoints[0].estimate;
    c.before = f.slopes[0];
    c.after = f.slopes[1];
    c.rise = c.after * (x.back() - c.psi);
  } catch (const std::exception&) {
    c.ok = false;
    return c;
  }
  c.accelerates = c.davies_p < o.alpha && c.after > 0 && c.after >= o.slope_ratio * std::max(c.before, 0.0) &&
                  c.rise >= o.min_rise;
  // criterion B: a logistic jump, narrow, inside the data, large enough, and better than a line by AICc
  try {
    fit_options fo;
    fo.use_weights = false;
    const fit_result lg = fit_xy(x, y, fit_model::logistic, fo);
    if (lg.status != fit_status::failed && x.size() >= 5) {
      const fit_result ln = fit_xy(x, y, fit_model::linear, fo);
      const double k = lg.param("k"), x0 = lg.param("x0");
      c.width = k != 0 ? 2.0 * std::log(9.0) / std::abs(k) : std::numeric_limits<double>::infinity();
      const double amplitude = (lg.param("hi") - lg.param("lo")) * (k > 0 ? 1.0 : -1.0);
      c.jumps = k > 0 && c.width <= o.max_width_decades && amplitude >= o.min_rise && x0 >= x.front() &&
                x0 <= x.back() && lg.aicc < ln.aicc - 2.0;
    }
  } catch (const std::exception&) {
    c.jumps = false;
  }
  c.sharp = c.accelerates || c.jumps;
  return c;
}

inline mirage_verdict combine(bool hard, bool soft) {
  if (hard && soft) return mirage_verdict::sharp_under_both;
  if (hard) return mirage_verdict::sharp_under_hard_only;
  if (soft) return mirage_verdict::sharp_under_soft_only;
  return mirage_verdict::smooth_under_both;
}

}  // namespace detail

/// Whether a curve (x increasing, x = log10 compute) looks like an emergent jump in this window of
/// compute. It does when either criterion holds:
/// - A (flat, then a fast rise): Davies' test finds a break (p < alpha), the one-break continuous fit
///   rises after the break at least slope_ratio times as fast as before (the slope before floored
///   at 0), and the fitted rise after the break is at least min_rise;
/// - B (a jump): the four-parameter logistic rises (k > 0) by at least min_rise, its midpoint lies
///   inside the data, its 10-90% width 2 ln 9 / k is at most max_width_decades, and it beats a
///   straight line by more than 2 in AICc.
/// A constant curve is not sharp.
[[nodiscard]] inline bool is_sharp_curve(std::span<const double> x, std::span<const double> y,
                                         const mirage_options& options = {}) {
  detail::sharpness_check(x, y, "is_sharp_curve");
  return detail::judge_curve(x, y, options, false).sharp;
}

/// The mirage analysis. hard[i][j] and soft[i][j] are the hard (e.g. exact match) and soft (e.g.
/// per-token accuracy, 1 - normalised edit distance, Brier skill) scores of example j of model i;
/// x[i] is the model's x (log10 compute). Both curves are fitted (one-break segmented fit, logistic),
/// tested for a break (Davies, pseudo-score) and measured (`measure_sharpness`); each is judged by
/// `is_sharp_curve`, and the verdicts combine as: both sharp -> sharp_under_both; hard only ->
/// sharp_under_hard_only; neither -> smooth_under_both. The same judgement is repeated on
/// `replicates` paired hierarchical resamples (the same examples for both metrics, resampled within
/// each model) to give the probability of each verdict. The reported verdict is not_resolvable when
/// there are fewer than min_models models or when the observed verdict's bootstrap probability is
/// below min_probability.
/// Throws input_error for mismatched sizes, non-finite scores, empty models, or repeated x.
[[nodiscard]] inline mirage_result mirage_analysis(std::span<const double> x, std::vector<std::vector<double>> hard,
                                                   std::vector<std::vector<double>> soft,
                                                   const mirage_options& options = {}) {
  constexpr const char* fn = "mirage_analysis";
  if (x.size() != hard.size()) {
    throw input_error(std::string(fn) + ": x has " + std::to_string(x.size()) + " models but hard has " +
                      std::to_string(hard.size()));
  }
  if (x.size() < 3) throw input_error(std::string(fn) + ": x: " + std::to_string(x.size()) + " models are too few (need at least 3)");
  if (options.replicates < 1) throw input_error(std::string(fn) + ": replicates: must be at least 1");
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  mirage_result out;
  std::vector<std::vector<double>> h, s;
  for (std::size_t i : order) {
    if (!std::isfinite(x[i])) throw input_error(detail::describe_at(fn, "x", i, "not finite"));
    if (!out.x.empty() && x[i] == out.x.back()) throw input_error(detail::describe_at(fn, "x", i, "repeats another model's x"));
    out.x.push_back(x[i]);
    h.push_back(std::move(hard[i]));
    s.push_back(std::move(soft[i]));
  }
  out.models = out.x.size();
  out.min_examples = h.front().size();
  for (const auto& v : h) out.min_examples = std::min(out.min_examples, v.size());
  const paired_hierarchical_resampler res(std::move(h), std::move(s), options.seed);
  out.hard.y = res.observed_means_a();
  out.soft.y = res.observed_means_b();
  const std::span<const double> xs(out.x);

  const auto fill = [&](mirage_curve& c) {
    const detail::curve_call call = detail::judge_curve(xs, c.y, options, true);
    c.sharp = call.sharp;
    c.davies_p = call.davies_p;
    c.score_p = call.score_p;
    c.breakpoint = call.psi;
    c.slope_before = call.before;
    c.slope_after = call.after;
    c.rise = call.rise;
    c.accelerates = call.accelerates;
    c.jumps = call.jumps;
    c.logistic_width_decades = call.width;
    try {
      c.measures = measure_sharpness(xs, c.y);
    } catch (const std::exception&) {
      c.measures = {};
    }
  };
  fill(out.hard);
  fill(out.soft);
  out.observed_verdict = detail::combine(out.hard.sharp, out.soft.sharp);

  std::vector<double> a(out.models), b(out.models);
  for (std::size_t r = 0; r < options.replicates; ++r) {
    res.resample_means(r, a, b);
    const detail::curve_call ch = detail::judge_curve(xs, a, options, false);
    const detail::curve_call cs = detail::judge_curve(xs, b, options, false);
    const mirage_verdict v = (ch.ok && cs.ok) ? detail::combine(ch.sharp, cs.sharp) : mirage_verdict::not_resolvable;
    out.probability[static_cast<std::size_t>(v)] += 1.0;
  }
  for (double& p : out.probability) p /= static_cast<double>(options.replicates);

  const auto describe = [&](const char* name, const mirage_curve& c) {
    std::string r = std::string(name) + (c.sharp ? " metric is sharp" : " metric is smooth") +
                    (c.accelerates ? " (flat, then a fast rise)" : "") + (c.jumps ? " (a logistic jump)" : "") +
                    ": logistic 10-90% width " + std::to_string(c.logistic_width_decades) + " decades, Davies p = " +
                    std::to_string(c.davies_p) + ", slope " + std::to_string(c.slope_before) + " before and " +
                    std::to_string(c.slope_after) + " after the break at " + std::to_string(c.breakpoint) +
                    ", rise " + std::to_string(c.rise);
    out.reasons.push_back(std::move(r));
  };
  describe("hard", out.hard);
  describe("soft", out.soft);
  out.verdict = out.observed_verdict;
  if (out.models < options.min_models) {
    out.verdict = mirage_verdict::not_resolvable;
    out.reasons.push_back("only " + std::to_string(out.models) + " models (at least " +
                          std::to_string(options.min_models) + " are needed to test for a break)");
  } else if (out.probability_of(out.observed_verdict) < options.min_probability) {
    out.verdict = mirage_verdict::not_resolvable;
    out.reasons.push_back("the verdict " + std::string(to_string(out.observed_verdict)) + " holds in only " +
                          std::to_string(out.probability_of(out.observed_verdict)) +
                          " of the bootstrap resamples of examples (fewest examples per model: " +
                          std::to_string(out.min_examples) + ")");
  }
  return out;
}

}  // namespace emergent
