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
#include <optional>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/analysis/break_tests.hpp"
#include "emergent/analysis/judgement.hpp"
#include "emergent/analysis/k_of_k.hpp"
#include "emergent/analysis/segmented.hpp"
#include "emergent/analysis/sharpness.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/resampling.hpp"
#include "emergent/core/interval.hpp"
#include "emergent/fit/fit_curve.hpp"
#include "emergent/stats/hierarchical.hpp"

namespace emergent {

/// The verdict of a mirage analysis.
enum class mirage_verdict {
  sharp_under_both,       ///< genuine: the soft metric jumps too, or the hard jump is sharper than the soft metric predicts
  sharp_under_hard_only,  ///< metric-induced: the hard curve is sharper than the soft one, which is smooth (and predicts it)
  smooth_under_both,      ///< no emergence to explain: the hard curve is flat, saturated, or no sharper than the soft one
  sharp_under_soft_only,  ///< the soft metric jumps but the hard one does not rise (rare; reported, not hidden)
  not_resolvable,         ///< an analysis the verdict needs cannot run (too few models, a curve not resolvable, k-of-k failed)
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

/// Criteria and bootstrap settings of `mirage_analysis` (see docs/analysis.md, "The mirage verdict").
struct mirage_options {
  judgement_options hard_judgement;  ///< how the hard curve is judged (`judge_curve`; its replicates are not used)
  judgement_options soft_judgement;  ///< how the soft curve is judged
  /// The hard curve counts as sharper than the soft one when the ratio of their 10-90% rise widths
  /// (monotone fits) is at most this. 0.9: p^L of a p linear in log compute gives 0.5-0.8 for
  /// L = 3..8, while L = 1 (the same metric) gives 1.
  double max_width_ratio = 0.9;
  /// Answer lengths (tokens) of the items; when given, `k_of_k_check` asks whether E[p^L] of the soft
  /// curve predicts the hard one (the soft metric must then be per-token accuracy or probability).
  std::vector<double> answer_lengths;
  double k_of_k_tolerance = 0.01;  ///< equivalence margin of `k_of_k_check`
  std::size_t min_models = 5;      ///< fewer models: not resolvable
  double min_probability = 0.8;    ///< a verdict holding in fewer bootstrap replicates is reported as uncertain
  double level = 0.95;             ///< level of the width-ratio interval
  resampling_options resampling{200};  ///< paired hierarchical bootstrap replicates and seed
  // Descriptive shape criteria reported per curve (not used by the verdict since issue 15):
  double alpha = 0.05;             ///< level of Davies' test (criterion A, descriptive)
  double slope_ratio = 3.0;        ///< slope after / before the break (criterion A, descriptive)
  double min_rise = 0.05;          ///< fitted rise of criteria A and B (metric units, descriptive)
  double max_width_decades = 1.0;  ///< logistic width of criterion B (descriptive)
};

/// What one metric's curve looks like.
struct mirage_curve {
  std::vector<double> y;        ///< mean score per model, in increasing x
  bool sharp = false;           ///< judged sharp (`judge_curve`)
  curve_judgement_result judgement;  ///< the judgement of this curve, with its reasons
  double rise_width_decades = std::numeric_limits<double>::infinity();  ///< 10-90% width of its monotone fit
  double davies_p = 1;          ///< Davies' test of a break (two-sided, k = 10)
  double score_p = 1;           ///< pseudo-score test of a break
  double breakpoint = 0;        ///< location of the one-break continuous fit
  double slope_before = 0;      ///< its slope before the break (per x unit)
  double slope_after = 0;       ///< its slope after the break
  double rise = 0;              ///< fitted rise after the break: slope_after (max x - break)
  bool accelerates = false;     ///< descriptive criterion A: Davies break, then a slope_ratio times faster rise
  bool jumps = false;           ///< descriptive criterion B: a logistic rise narrower than max_width_decades
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
  bool uncertain = false;       ///< the verdict's bootstrap probability is below min_probability
  /// Ratio of the hard to the soft 10-90% rise width (monotone fits), with its bootstrap percentile
  /// interval (NaN ends when fewer than two replicates had both widths finite).
  double width_ratio = std::numeric_limits<double>::quiet_NaN();
  confidence_interval width_ratio_interval{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(), 0.95};  ///< bootstrap percentile interval of width_ratio
  bool conjunction_checked = false;   ///< answer lengths were given and k_of_k_check ran
  k_of_k_result conjunction;          ///< its result (E[p^L] of the soft curve against the hard one)
  bool sharper_than_predicted = false;  ///< the hard curve is narrower than E[p^L] predicts (by max_width_ratio) and not explained

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

template <class Deferred = void>
curve_call shape_criteria(std::span<const double> x, std::span<const double> y, const mirage_options& o,
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

/// Per-model uncertainty of per-example scores for `judge_curve`: counts when every score is 0 or 1
/// (binomial), otherwise the standard error of the mean.
struct curve_uncertainty {
  std::vector<double> n, se;
};

inline curve_uncertainty uncertainty_of(const std::vector<std::vector<double>>& scores) {
  curve_uncertainty u;
  bool binary = true;
  for (const auto& v : scores) {
    for (double s : v) binary = binary && (s == 0.0 || s == 1.0);
  }
  for (const auto& v : scores) {
    const double m = static_cast<double>(v.size());
    if (binary) {
      u.n.push_back(m);
      continue;
    }
    double mean = 0, ss = 0;
    for (double s : v) mean += s;
    mean /= m;
    for (double s : v) ss += (s - mean) * (s - mean);
    u.se.push_back(m > 1 ? std::sqrt(ss / (m - 1) / m) : 0.0);
  }
  return u;
}

/// The verdict from the two judgements, the width ratio and the conjunction check (docs/analysis.md).
inline mirage_verdict combine(curve_judgement hard, curve_judgement soft, double width_ratio, bool sharper_than_predicted,
                              const mirage_options& o) {
  // an unresolved soft shape leaves the question open; an unresolved hard shape does not (judge_curve
  // returns flat and saturated first, so a not_resolvable hard curve does rise, and the mirage
  // question is whether it is sharper than the soft one: the width ratio and E[p^L] answer that)
  if (soft == curve_judgement::not_resolvable) return mirage_verdict::not_resolvable;
  const bool hard_rises = hard != curve_judgement::flat && hard != curve_judgement::saturated;
  const bool soft_sharp = soft == curve_judgement::sharp;
  if (!hard_rises) return soft_sharp ? mirage_verdict::sharp_under_soft_only : mirage_verdict::smooth_under_both;
  if (soft_sharp || sharper_than_predicted) return mirage_verdict::sharp_under_both;
  if (hard == curve_judgement::sharp || width_ratio <= o.max_width_ratio) return mirage_verdict::sharp_under_hard_only;
  return mirage_verdict::smooth_under_both;
}

/// 10-90% width (decades) of the monotone (unweighted isotonic) fit of a curve; infinite without a rise.
inline double monotone_width(std::span<const double> x, std::span<const double> y) {
  std::vector<std::size_t> block;
  const std::vector<double> w(y.size(), 1.0);
  const std::vector<double> f = isotonic_fit(y, w, block);
  const double total = f.back() - f.front();
  if (!(total > 0)) return std::numeric_limits<double>::infinity();
  const auto cross = [&](double level) {
    const double t = f.front() + level * total;
    for (std::size_t i = 1; i < f.size(); ++i) {
      if (f[i] >= t) {
        const double d = f[i] - f[i - 1];
        return x[i - 1] + (d > 0 ? (t - f[i - 1]) / d : 1.0) * (x[i] - x[i - 1]);
      }
    }
    return x.back();
  };
  return cross(0.9) - cross(0.1);
}

}  // namespace detail

/// Whether a curve (x increasing, x = log10 compute, y in [0, 1] or the range of
/// options.hard_judgement) is judged `sharp` by `judge_curve` with options.hard_judgement and no
/// per-point uncertainty (significance then comes from the scatter about the monotone fit).
[[nodiscard]] inline bool is_sharp_curve(std::span<const double> x, std::span<const double> y,
                                         const mirage_options& options = {}) {
  detail::sharpness_check(x, y, "is_sharp_curve");
  judgement_options o = options.hard_judgement;
  o.resampling.replicates = 0;
  return judge_curve(x, y, {}, {}, o).judgement == curve_judgement::sharp;
}

/// The mirage analysis (Schaeffer, Miranda & Koyejo 2023, "Are emergent abilities of large language
/// models a mirage?"). hard[i][j] and soft[i][j] are the hard (e.g. exact match) and soft (e.g.
/// per-token accuracy, 1 - normalised edit distance) scores of example j of model i; x[i] is the
/// model's x (log10 compute). Each curve is judged by `judge_curve` (counts when the scores are 0/1,
/// otherwise standard errors of the means); the 10-90% widths w of their monotone fits give the
/// ratio w_hard / w_soft; with options.answer_lengths, `k_of_k_check` asks whether E[p^L] of the soft
/// curve predicts the hard one. Verdict, in order: not_resolvable when fewer than min_models models
/// or the soft curve is not resolvable or k-of-k fails; hard flat or saturated -> smooth_under_both (or
/// sharp_under_soft_only when the soft curve is sharp); soft sharp, or the hard curve sharper than
/// predicted (not explained and w_hard <= max_width_ratio w_predicted) -> sharp_under_both (genuine);
/// hard sharp or w_hard / w_soft <= max_width_ratio -> sharp_under_hard_only (metric-induced);
/// otherwise smooth_under_both. The same rules on `replicates` paired hierarchical resamples (the
/// same examples for both metrics, resampled within each model) give each verdict's probability and
/// the percentile interval of the width ratio; below min_probability the verdict is marked uncertain.
/// Throws input_error for mismatched sizes, non-finite scores, empty models, or repeated x.
template <class Deferred = void>
[[nodiscard]] mirage_result mirage_analysis(std::span<const double> x, std::vector<std::vector<double>> hard,
                                                   std::vector<std::vector<double>> soft,
                                                   const mirage_options& options = {}) {
  constexpr const char* fn = "mirage_analysis";
  if (x.size() != hard.size()) {
    throw input_error(std::string(fn) + ": x has " + std::to_string(x.size()) + " models but hard has " +
                      std::to_string(hard.size()));
  }
  if (x.size() < 3) throw input_error(std::string(fn) + ": x: " + std::to_string(x.size()) + " models are too few (need at least 3)");
  if (options.resampling.replicates < 1) throw input_error(std::string(fn) + ": resampling.replicates: must be at least 1");
  if (!(options.level > 0 && options.level < 1)) throw input_error(std::string(fn) + ": level: must be in (0, 1)");
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
  const detail::curve_uncertainty uh = detail::uncertainty_of(h), us = detail::uncertainty_of(s);
  std::optional<paired_hierarchical_resampler> res;
  res.emplace(h, s, options.resampling.seed);
  out.hard.y = res->observed_means_a();
  out.soft.y = res->observed_means_b();
  const std::span<const double> xs(out.x);
  judgement_options oh = options.hard_judgement, os = options.soft_judgement;
  oh.resampling.replicates = os.resampling.replicates = 0;
  oh.min_models = os.min_models = std::max<std::size_t>(2, options.min_models);

  const auto fill = [&](mirage_curve& c, const judgement_options& jo, const detail::curve_uncertainty& u) {
    c.judgement = judge_curve(xs, c.y, u.n, u.se, jo);
    c.sharp = c.judgement.judgement == curve_judgement::sharp;
    c.rise_width_decades = detail::monotone_width(xs, c.y);
    const detail::curve_call call = detail::shape_criteria(xs, c.y, options, true);
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
  fill(out.hard, oh, uh);
  fill(out.soft, os, us);
  const auto ratio = [](double wh, double ws) {
    if (std::isfinite(wh) && std::isfinite(ws) && ws > 0) return wh / ws;
    return std::numeric_limits<double>::quiet_NaN();
  };
  out.width_ratio = ratio(out.hard.rise_width_decades, out.soft.rise_width_decades);
  bool k_of_k_failed = false;
  std::string k_of_k_error;
  if (!options.answer_lengths.empty()) {
    try {
      k_of_k_options ko;
      ko.resampling.replicates = std::max<std::size_t>(2, options.resampling.replicates);
      ko.resampling.seed = options.resampling.seed;
      ko.tolerance = options.k_of_k_tolerance;
      out.conjunction = k_of_k_check(xs, s, h, options.answer_lengths, ko);
      out.conjunction_checked = true;
      std::vector<double> pred;
      for (const auto& pt : out.conjunction.points) pred.push_back(pt.predicted);
      const double wp = detail::monotone_width(xs, pred);
      out.sharper_than_predicted = !out.conjunction.explains_curve && std::isfinite(out.hard.rise_width_decades) &&
                                   out.hard.rise_width_decades <= options.max_width_ratio * wp;
    } catch (const std::exception& e) {
      k_of_k_failed = true;
      k_of_k_error = e.what();
    }
  }
  out.observed_verdict = detail::combine(out.hard.judgement.judgement, out.soft.judgement.judgement, out.width_ratio,
                                         out.sharper_than_predicted, options);
  if (k_of_k_failed) out.observed_verdict = mirage_verdict::not_resolvable;

  std::vector<double> a(out.models), b(out.models), ratios;
  std::vector<std::vector<double>> ra(out.models), rb(out.models);
  for (std::size_t r = 0; r < options.resampling.replicates; ++r) {
    res->resample_means(r, a, b);
    // the replicate's per-model uncertainty: the observed one (counts or standard errors)
    mirage_verdict v = mirage_verdict::not_resolvable;
    try {
      const curve_judgement jh = judge_curve(xs, a, uh.n, uh.se, oh).judgement;
      const curve_judgement js = judge_curve(xs, b, us.n, us.se, os).judgement;
      const double q = ratio(detail::monotone_width(xs, a), detail::monotone_width(xs, b));
      if (std::isfinite(q)) ratios.push_back(q);
      v = detail::combine(jh, js, q, out.sharper_than_predicted, options);
    } catch (const std::exception&) {
      v = mirage_verdict::not_resolvable;
    }
    if (k_of_k_failed) v = mirage_verdict::not_resolvable;
    out.probability[static_cast<std::size_t>(v)] += 1.0;
  }
  for (double& p : out.probability) p /= static_cast<double>(options.resampling.replicates);
  out.width_ratio_interval.level = options.level;
  if (ratios.size() >= 2) {
    std::sort(ratios.begin(), ratios.end());
    out.width_ratio_interval.lower = detail::sorted_quantile(ratios.data(), ratios.size(), 0.5 * (1 - options.level));
    out.width_ratio_interval.upper = detail::sorted_quantile(ratios.data(), ratios.size(), 1 - 0.5 * (1 - options.level));
  }

  const auto describe = [&](const char* name, const mirage_curve& c) {
    for (const auto& why : c.judgement.reasons) out.reasons.push_back(std::string(name) + " metric: " + why);
  };
  describe("hard", out.hard);
  describe("soft", out.soft);
  {
    char buf[200];
    std::snprintf(buf, sizeof buf, "10-90%% rise widths (monotone fits): hard %.3g, soft %.3g decades; ratio %.3g [%.3g, %.3g] (max_width_ratio %.3g)",
                  out.hard.rise_width_decades, out.soft.rise_width_decades, out.width_ratio, out.width_ratio_interval.lower,
                  out.width_ratio_interval.upper, options.max_width_ratio);
    out.reasons.emplace_back(buf);
  }
  if (out.conjunction_checked) {
    char buf[240];
    std::snprintf(buf, sizeof buf, "k-of-k: E[p^L] of the soft curve %s the hard curve (RMS difference %.3g [%.3g, %.3g], %.0f%% of models agree)%s",
                  out.conjunction.explains_curve ? "predicts" : "does not predict", out.conjunction.rms_difference,
                  out.conjunction.rms_interval.lower, out.conjunction.rms_interval.upper, 100 * out.conjunction.fraction_agreeing,
                  out.sharper_than_predicted ? "; the hard curve is sharper than predicted: the jump is not made by the metric" : "");
    out.reasons.emplace_back(buf);
  } else if (k_of_k_failed) {
    out.reasons.push_back("not resolvable: the k-of-k check failed: " + k_of_k_error);
  } else {
    out.reasons.emplace_back("no answer lengths given: the conjunction E[p^L] was not checked; the verdict rests on the two judgements and the width ratio");
  }
  out.verdict = out.observed_verdict;
  if (out.models < options.min_models) {
    out.verdict = mirage_verdict::not_resolvable;
    out.reasons.push_back("not resolvable: only " + std::to_string(out.models) + " models (min_models " +
                          std::to_string(options.min_models) + ")");
  }
  out.uncertain = out.probability_of(out.verdict) < options.min_probability;
  if (out.uncertain) {
    out.reasons.push_back("uncertain: the verdict " + std::string(to_string(out.verdict)) + " holds in only " +
                          std::to_string(out.probability_of(out.verdict)) + " of the bootstrap resamples of examples (min_probability " +
                          std::to_string(options.min_probability) + "; fewest examples per model: " +
                          std::to_string(out.min_examples) + ")");
  }
  return out;
}

}  // namespace emergent
