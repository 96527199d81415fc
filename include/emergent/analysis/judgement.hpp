/// @file
/// @brief The judgement of one scaling curve: `sharp`, `smooth`, `saturated`, `flat` or
///        `not_resolvable`, with its reasons and its bootstrap probability. Count-aware (binomial
///        standard errors from the items behind each point, quasi-likelihood dispersion between
///        models), scale-free (every threshold a fraction of the metric's range above its floor or
///        chance level), robust to dips (a weighted monotone fit pools a decrease instead of letting
///        it erase the jump) and honest about steps between two models (the rise is bracketed by
///        them and its width bounded by their gap). See docs/analysis.md, "Judging one curve".
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/core/resampling.hpp"
#include "emergent/core/detail/random.hpp"

namespace emergent {

/// What a careful reader says about one curve (Wei et al. 2022's emergence: near the floor, then
/// well above it within a narrow range of scale).
enum class curve_judgement {
  sharp,           ///< a rise from the floor concentrated within `window_decades` after a flat stretch
  smooth,          ///< a significant rise of at least `min_rise`, spread over the range
  saturated,       ///< the curve starts near its ceiling: no emergence can be seen in this window
  flat,            ///< the curve never rises `min_rise` of its range (or not significantly)
  not_resolvable,  ///< the data cannot say: too few models, or the rise lies in a gap wider than the window
};

/// The name of a judgement as printed by the command line and the report ("sharp", ...).
[[nodiscard]] inline std::string_view to_string(curve_judgement j) noexcept {
  switch (j) {
    case curve_judgement::sharp: return "sharp";
    case curve_judgement::smooth: return "smooth";
    case curve_judgement::saturated: return "saturated";
    case curve_judgement::flat: return "flat";
    case curve_judgement::not_resolvable: return "not_resolvable";
  }
  return "not_resolvable";
}

/// Thresholds of `judge_curve`; every one is a fraction of the metric's range above its floor, a
/// number of decades of the x quantity, or a count (defaults and reasons in docs/analysis.md).
struct judgement_options {
  /// The metric's range. Unset: [0, 1] when every value lies in [0, 1] (or counts are given),
  /// [0, 100] when every value lies in [0, 100] (BLEU, percentages), else the data's own range.
  std::optional<double> range_low;
  std::optional<double> range_high;  ///< high end of the metric's range (see range_low)
  /// The floor the rise starts from: chance level (1 / options for multiple choice). Unset: range_low.
  std::optional<double> chance;
  double min_rise = 0.10;         ///< flat unless the monotone fit rises at least this share of (ceiling - floor)
  double saturated_start = 0.5;   ///< saturated when the curve starts at least this share of the range above the floor
  double window_decades = 1.0;    ///< a sharp rise happens within this many decades of x
  double min_share = 0.5;         ///< ... and carries at least this share of the total rise
  double max_rise_before = 0.2;   ///< ... after a flat stretch: at most this share of the rise before the window
  double z = 3.0;                 ///< rises must exceed z standard errors (quasi-likelihood); dips too, to be reported
  double min_dip = 0.05;          ///< a decrease is reported (non-monotone) when at least this share of the range
  std::size_t min_models = 5;     ///< fewer models: sharp vs smooth is not resolvable (flat and saturated still are)
  double min_probability = 0.8;   ///< a judgement holding in fewer bootstrap replicates is reported as uncertain
  resampling_options resampling{200};  ///< bootstrap replicates (binomial counts, or normal with the given se) and seed
  double log_base = 10.0;         ///< x = log_base(quantity); windows are measured in decades
};

/// The judgement of one curve with the evidence behind it.
struct curve_judgement_result {
  curve_judgement judgement = curve_judgement::not_resolvable;  ///< the judgement on the data
  std::vector<std::string> reasons;  ///< why, in words, with the numbers
  /// Bootstrap share of replicates giving the same judgement; NaN (JSON null) when the points have
  /// no uncertainty (no counts, no standard errors), which `reasons` then says.
  double probability = std::numeric_limits<double>::quiet_NaN();
  std::array<double, 5> probabilities{};  ///< share of each judgement, indexed by the enum
  bool uncertain = false;                 ///< probability < min_probability
  std::size_t replicates = 0;             ///< bootstrap replicates run
  double range_low = 0;                   ///< the metric's range used: low end
  double range_high = 1;                  ///< high end
  std::string range_source;               ///< "given", "[0, 1]", "[0, 100]" or "data"
  double floor = 0;                       ///< chance level or range_low
  std::vector<double> monotone;           ///< weighted isotonic (non-decreasing) fit of y
  double dispersion = 1;                  ///< quasi-likelihood phi = max(1, Pearson chi2 / df) about the monotone fit
  bool significance_tested = false;       ///< false when the points carry no uncertainty
  double start_share = 0;                 ///< (monotone start - floor) / (ceiling - floor)
  double end_share = 0;                   ///< (monotone end - floor) / (ceiling - floor)
  double rise_share = 0;                  ///< total monotone rise / (ceiling - floor)
  double rise_z = 0;                      ///< total rise / its quasi-likelihood standard error
  std::size_t step_from = 0;              ///< the largest adjacent rise of the monotone fit is between models step_from and step_from + 1
  double step_rise = 0;                   ///< that rise (metric units)
  double step_share = 0;                  ///< its share of the total rise
  double step_z = 0;                      ///< largest raw adjacent rise / sqrt(se_i^2 + se_j^2) (binomial or given se)
  double step_gap_decades = 0;            ///< gap between the two bracketing models (decades)
  double bracket_low = 0;                 ///< x of the model before the largest rise: where the step is located
  double bracket_high = 0;                ///< x of the model after it
  double bracket_probability = std::numeric_limits<double>::quiet_NaN();  ///< bootstrap share with the same bracket
  bool window_found = false;              ///< a sharp window was found
  double window_low = 0;                  ///< x range of the best window (largest share within window_decades): start
  double window_high = 0;                 ///< end
  double window_share = 0;                ///< its share of the total rise
  double rise_before_share = 0;           ///< share of the rise before the window
  /// Smallest span of consecutive models that holds 80% of the monotone rise: the 10-90% width is
  /// at most this at the models' resolution (a step between two models: width <= their gap).
  double width_at_most_decades = std::numeric_limits<double>::infinity();
  double rise_width_decades = std::numeric_limits<double>::infinity();  ///< 10-90% width of the monotone fit, linear interpolation
  bool non_monotone = false;              ///< a significant decrease of at least min_dip of the range
  bool step_between_models = false;       ///< the largest adjacent rise holds at least 80% of the rise: width <= gap
};

namespace detail {

/// Weighted pool-adjacent-violators: the non-decreasing fit minimising sum w_i (y_i - f_i)^2
/// (Barlow et al. 1972). Returns the fit and the block index of every point.
inline std::vector<double> isotonic_fit(std::span<const double> y, std::span<const double> w, std::vector<std::size_t>& block) {
  struct pool {
    double sum_wy, sum_w;
    std::size_t first, last;
  };
  std::vector<pool> s;
  for (std::size_t i = 0; i < y.size(); ++i) {
    s.push_back({w[i] * y[i], w[i], i, i});
    while (s.size() >= 2 && s[s.size() - 2].sum_wy / s[s.size() - 2].sum_w > s.back().sum_wy / s.back().sum_w) {
      pool b = s.back();
      s.pop_back();
      s.back().sum_wy += b.sum_wy;
      s.back().sum_w += b.sum_w;
      s.back().last = b.last;
    }
  }
  std::vector<double> f(y.size());
  block.assign(y.size(), 0);
  for (std::size_t k = 0; k < s.size(); ++k) {
    for (std::size_t i = s[k].first; i <= s[k].last; ++i) {
      f[i] = s[k].sum_wy / s[k].sum_w;
      block[i] = k;
    }
  }
  return f;
}

inline std::string judgement_number(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

inline std::string judgement_percent(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * v);
  return buf;
}

/// The points' variances: binomial p(1-p)/n with p = (k + 1/2)/(n + 1) so that 0 and n correct
/// keep a positive variance; or se^2; or none (empty).
inline std::vector<double> point_variances(std::span<const double> y, std::span<const double> n, std::span<const double> se) {
  std::vector<double> v;
  if (!n.empty()) {
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double p = (y[i] * n[i] + 0.5) / (n[i] + 1.0);
      v.push_back(p * (1.0 - p) / n[i]);
    }
  } else if (!se.empty()) {
    double smallest = std::numeric_limits<double>::infinity();
    for (double s : se) {
      if (s > 0) smallest = std::min(smallest, s);
    }
    if (!std::isfinite(smallest)) return {};
    for (double s : se) v.push_back(s > 0 ? s * s : smallest * smallest);
  }
  return v;
}

/// One judgement without bootstrap (the rules of docs/analysis.md, in order).
inline curve_judgement_result judge_once(std::span<const double> x, std::span<const double> y, std::span<const double> var,
                                         double lo, double hi, double floor, const judgement_options& o, bool words) {
  curve_judgement_result r;
  const std::size_t n = x.size();
  const double span = hi - floor;
  const double per_unit = std::log10(o.log_base);
  const auto say = [&](std::string s) {
    if (words) r.reasons.push_back(std::move(s));
  };
  r.range_low = lo;
  r.range_high = hi;
  r.floor = floor;
  std::vector<double> w(n, 1.0);
  const bool have_var = !var.empty();
  if (have_var) {
    for (std::size_t i = 0; i < n; ++i) w[i] = 1.0 / var[i];
  }
  std::vector<std::size_t> block;
  r.monotone = isotonic_fit(y, w, block);
  const std::size_t blocks = block.back() + 1;
  // quasi-likelihood dispersion about the monotone fit (McCullagh & Nelder 1989, section 4.5):
  // departures from monotonicity beyond the points' own noise are variation between models
  double chi2 = 0;
  for (std::size_t i = 0; i < n; ++i) chi2 += w[i] * (y[i] - r.monotone[i]) * (y[i] - r.monotone[i]);
  const std::size_t df = n - blocks;
  if (have_var) {
    r.dispersion = df > 0 ? std::max(1.0, chi2 / static_cast<double>(df)) : 1.0;
    r.significance_tested = true;
  } else if (df > 0 && chi2 > 0) {
    r.dispersion = chi2 / static_cast<double>(df);  // sigma^2 of equal-weight points
    r.significance_tested = true;
  }
  // variance of a block mean: phi / sum of its weights
  std::vector<double> block_w(blocks, 0.0);
  for (std::size_t i = 0; i < n; ++i) block_w[block[i]] += w[i];
  const auto rise_z = [&](std::size_t i, std::size_t j) {
    const double d = r.monotone[j] - r.monotone[i];
    if (block[i] == block[j]) return 0.0;
    const double v = r.dispersion * (1.0 / block_w[block[i]] + 1.0 / block_w[block[j]]);
    return d / std::sqrt(v);
  };
  const double total = r.monotone.back() - r.monotone.front();
  r.start_share = (r.monotone.front() - floor) / span;
  r.end_share = (r.monotone.back() - floor) / span;
  r.rise_share = total / span;
  r.rise_z = r.significance_tested ? rise_z(0, n - 1) : 0.0;

  // descriptive evidence: the largest adjacent rise of the monotone fit and of the raw points
  double best_step = -1;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double d = r.monotone[i + 1] - r.monotone[i];
    if (d > best_step) {
      best_step = d;
      r.step_from = i;
    }
  }
  r.step_rise = best_step;
  r.step_share = total > 0 ? best_step / total : 0.0;
  r.step_gap_decades = (x[r.step_from + 1] - x[r.step_from]) * per_unit;
  r.bracket_low = x[r.step_from];
  r.bracket_high = x[r.step_from + 1];
  r.step_between_models = total > 0 && r.step_share >= 0.8;
  double raw_best = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double d = y[i + 1] - y[i];
    if (d > raw_best) {
      raw_best = d;
      r.step_z = have_var ? d / std::sqrt(var[i] + var[i + 1]) : 0.0;
    }
    // a significant decrease: reported, but it does not erase the rise (the monotone fit pools it)
    const double drop = y[i] - y[i + 1];
    if (drop >= o.min_dip * span && have_var && drop / std::sqrt(var[i] + var[i + 1]) >= o.z) {
      r.non_monotone = true;
      say("non-monotone: the point at x = " + judgement_number(x[i + 1]) + " is " + judgement_number(drop) +
          " below the one at x = " + judgement_number(x[i]) + " (z = " + judgement_number(drop / std::sqrt(var[i] + var[i + 1])) +
          " with the points' own standard errors); the monotone fit pools them, so the rise before it stands");
    }
  }
  if (total > 0) {
    // 10-90% width of the monotone fit, and the smallest span of models holding 80% of the rise
    const auto cross = [&](double level) {
      const double t = r.monotone.front() + level * total;
      for (std::size_t i = 1; i < n; ++i) {
        if (r.monotone[i] >= t) {
          const double d = r.monotone[i] - r.monotone[i - 1];
          const double f = d > 0 ? (t - r.monotone[i - 1]) / d : 1.0;
          return x[i - 1] + f * (x[i] - x[i - 1]);
        }
      }
      return x[n - 1];
    };
    r.rise_width_decades = (cross(0.9) - cross(0.1)) * per_unit;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        if (r.monotone[j] - r.monotone[i] >= 0.8 * total - 1e-15 * std::abs(total)) {
          r.width_at_most_decades = std::min(r.width_at_most_decades, (x[j] - x[i]) * per_unit);
          break;
        }
      }
    }
  }

  // 1. saturated: starts near the ceiling
  if (r.start_share >= o.saturated_start) {
    r.judgement = curve_judgement::saturated;
    say("saturated: the smallest model already scores " + judgement_number(r.monotone.front()) + ", " +
        judgement_percent(r.start_share) + " of the range above the floor " + judgement_number(floor) + " (saturated_start " +
        judgement_percent(o.saturated_start) + "); no rise from the floor can be seen in this window");
    return r;
  }
  // 2. flat: never leaves the floor, or no significant rise
  if (r.rise_share < o.min_rise) {
    r.judgement = curve_judgement::flat;
    say("flat: the monotone fit rises " + judgement_number(total) + ", " + judgement_percent(r.rise_share) +
        " of the range [" + judgement_number(floor) + ", " + judgement_number(hi) + "] (min_rise " + judgement_percent(o.min_rise) + ")");
    return r;
  }
  if (r.significance_tested && r.rise_z < o.z) {
    r.judgement = curve_judgement::flat;
    say("flat: the rise of " + judgement_number(total) + " is not significant (z = " + judgement_number(r.rise_z) +
        " < " + judgement_number(o.z) + ", dispersion " + judgement_number(r.dispersion) + ")");
    return r;
  }
  // 3. the shape of the rise needs enough models
  if (n < o.min_models) {
    r.judgement = curve_judgement::not_resolvable;
    say("not resolvable: " + std::to_string(n) + " models; whether the rise of " + judgement_percent(r.rise_share) +
        " of the range is sharp or smooth needs at least " + std::to_string(o.min_models) + " (min_models)");
    return r;
  }
  // 4. sharp: a window of at most window_decades, after a flat stretch, holding min_share of the rise
  double best_share = -1, best_span = 0;
  std::size_t bi = 0, bj = 0;
  for (std::size_t i = 1; i < n; ++i) {
    const double before = (r.monotone[i] - r.monotone.front()) / total;
    if (before > o.max_rise_before) break;
    for (std::size_t j = i + 1; j < n && (x[j] - x[i]) * per_unit <= o.window_decades + 1e-12; ++j) {
      const double share = (r.monotone[j] - r.monotone[i]) / total;
      if (share < o.min_share) continue;
      if (r.significance_tested && rise_z(i, j) < o.z) continue;
      const double sp = x[j] - x[i];
      if (share > best_share + 1e-12 || (std::abs(share - best_share) <= 1e-12 && sp < best_span)) {
        best_share = share;
        best_span = sp;
        bi = i;
        bj = j;
      }
    }
  }
  if (best_share >= 0) {
    r.window_found = true;
    r.window_low = x[bi];
    r.window_high = x[bj];
    r.window_share = best_share;
    r.rise_before_share = (r.monotone[bi] - r.monotone.front()) / total;
    r.judgement = curve_judgement::sharp;
    say("sharp: " + judgement_percent(best_share) + " of the rise (" + judgement_number(r.monotone[bi]) + " to " +
        judgement_number(r.monotone[bj]) + ") happens between x = " + judgement_number(x[bi]) + " and " + judgement_number(x[bj]) +
        " (" + judgement_number((x[bj] - x[bi]) * per_unit) + " decades <= window " + judgement_number(o.window_decades) +
        "), after " + std::to_string(bi + 1) + " models near the floor (they hold " + judgement_percent(r.rise_before_share) + " of the rise)");
    say("the largest step is between x = " + judgement_number(r.bracket_low) + " and " + judgement_number(r.bracket_high) +
        " (" + judgement_percent(r.step_share) + " of the rise" +
        (have_var ? ", z = " + judgement_number(r.step_z) + " with the points' own standard errors" : std::string()) +
        (r.step_between_models ? "; a step between two models: its 10-90% width is at most their gap of " +
                                     judgement_number(r.step_gap_decades) + " decades"
                               : std::string()) + ")");
    return r;
  }
  // 5. a rise hidden in a gap wider than the window, or split by one model over two gaps wider
  //    together than the window (a step landing on a model): a step and a smooth rise look the same
  for (std::size_t i = 1; i + 1 < n; ++i) {
    if ((r.monotone[i] - r.monotone.front()) / total > o.max_rise_before) break;
    const std::size_t j = std::min(i + 2, n - 1);
    const double share = (r.monotone[j] - r.monotone[i]) / total;
    if (share < o.min_share || (r.significance_tested && rise_z(i, j) < o.z)) continue;
    r.judgement = curve_judgement::not_resolvable;
    say("not resolvable: " + judgement_percent(share) + " of the rise happens between x = " + judgement_number(x[i]) + " and " +
        judgement_number(x[j]) + " (" + judgement_number((x[j] - x[i]) * per_unit) + " decades, " + std::to_string(j - i) +
        (j - i == 1 ? " gap" : " gaps") + ", wider than the window of " + judgement_number(o.window_decades) +
        " decades): a step and a rise that wide look the same at this spacing of models");
    return r;
  }
  if (r.step_share >= o.min_share && r.step_gap_decades > o.window_decades) {
    r.judgement = curve_judgement::not_resolvable;
    say("not resolvable: " + judgement_percent(r.step_share) + " of the rise lies between x = " + judgement_number(r.bracket_low) +
        " and " + judgement_number(r.bracket_high) + ", a gap of " + judgement_number(r.step_gap_decades) +
        " decades with no model (window " + judgement_number(o.window_decades) + "): a step and a smooth rise look the same");
    return r;
  }
  r.judgement = curve_judgement::smooth;
  std::string why = "smooth: the curve rises " + judgement_percent(r.rise_share) + " of its range, but no window of " +
                    judgement_number(o.window_decades) + " decades after a flat stretch holds " + judgement_percent(o.min_share) +
                    " of the rise (10-90% width of the monotone fit " + judgement_number(r.rise_width_decades) + " decades)";
  if (r.monotone[1] - r.monotone[0] > o.max_rise_before * total) {
    why += "; the curve is already rising at the smallest model";
  }
  say(why);
  return r;
}

}  // namespace detail

/// Judges one curve: x = log_base of the quantity (compute, parameters), increasing and distinct;
/// y the metric; `n` the items behind each point (binomial counts, y = correct / n) or `se` the
/// points' standard errors (either may be empty; `n` wins). The rules, in order:
/// 1. saturated when the monotone fit starts at least `saturated_start` of (ceiling - floor) above the floor;
/// 2. flat when it rises less than `min_rise` of that range, or not significantly (z < `z`);
/// 3. not_resolvable with fewer than `min_models` models;
/// 4. sharp when some window of at most `window_decades` decades, starting after at least two
///    models that hold at most `max_rise_before` of the rise, holds at least `min_share` of the
///    rise, significantly;
/// 5. not_resolvable when such a share (after such a flat stretch) lies within one or two gaps
///    wider together than the window, or anywhere in one gap wider than the window; otherwise smooth.
/// The monotone fit is weighted isotonic regression (w = 1 / variance); significance uses the
/// variance of the pooled blocks times the quasi-likelihood dispersion phi = max(1, Pearson X^2 / df)
/// about it (McCullagh & Nelder 1989), so a dip between models inflates the uncertainty instead of
/// erasing the jump. The probability is the share of `replicates` parametric bootstrap replicates
/// (k* ~ Binomial(n, y), or y* ~ N(y, se^2)) that give the same judgement. Emergence in the sense of
/// Wei et al. (2022), "Emergent abilities of large language models"; thresholds on the metric's
/// range so that a 0-100 metric (BLEU) is judged as a 0-1 one (Schaeffer et al. 2023).
/// Throws input_error for mismatched sizes, fewer than 2 points, x not strictly increasing,
/// non-finite values, n < 1, negative se, or a range whose ceiling is not above the floor.
[[nodiscard]] inline curve_judgement_result judge_curve(std::span<const double> x, std::span<const double> y,
                                                        std::span<const double> n = {}, std::span<const double> se = {},
                                                        const judgement_options& o = {}) {
  constexpr const char* fn = "judge_curve";
  if (x.size() != y.size()) {
    throw input_error(std::string(fn) + ": x has " + std::to_string(x.size()) + " values but y has " + std::to_string(y.size()));
  }
  if (x.size() < 2) throw input_error(std::string(fn) + ": x: " + std::to_string(x.size()) + " points are too few (need at least 2)");
  if (!n.empty() && n.size() != x.size()) throw input_error(std::string(fn) + ": n has " + std::to_string(n.size()) + " values but x has " + std::to_string(x.size()));
  if (n.empty() && !se.empty() && se.size() != x.size()) throw input_error(std::string(fn) + ": se has " + std::to_string(se.size()) + " values but x has " + std::to_string(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) throw input_error(std::string(fn) + ": point " + std::to_string(i) + " is not finite");
    if (i > 0 && !(x[i] > x[i - 1])) throw input_error(std::string(fn) + ": x must be strictly increasing (point " + std::to_string(i) + ")");
    if (!n.empty() && (!(n[i] >= 1) || !std::isfinite(n[i]) || y[i] < 0 || y[i] > 1)) {
      throw input_error(std::string(fn) + ": point " + std::to_string(i) + ": with counts, n must be >= 1 and y in [0, 1]");
    }
    if (n.empty() && !se.empty() && (!(se[i] >= 0) || !std::isfinite(se[i]))) {
      throw input_error(std::string(fn) + ": se[" + std::to_string(i) + "] is not a finite non-negative number");
    }
  }
  if (!(o.log_base > 1)) throw input_error(std::string(fn) + ": log_base: must be > 1");
  if (!(o.window_decades > 0) || !(o.min_share > 0 && o.min_share <= 1) || !(o.min_rise >= 0 && o.min_rise < 1) ||
      !(o.saturated_start > 0 && o.saturated_start <= 1) || !(o.max_rise_before >= 0 && o.max_rise_before < 1) || !(o.z >= 0) ||
      !(o.min_probability >= 0 && o.min_probability <= 1) || o.min_models < 2) {
    throw input_error(std::string(fn) + ": options: a threshold is outside its range (see judgement_options)");
  }
  // the metric's range: given, or inferred from the values
  const auto [mn, mx] = std::minmax_element(y.begin(), y.end());
  double lo = 0, hi = 1;
  std::string source = "[0, 1]";
  if (o.range_low || o.range_high) {
    lo = o.range_low.value_or(0.0);
    hi = o.range_high.value_or(*mx > 1 ? 100.0 : 1.0);
    source = "given";
  } else if (n.empty() && !(*mn >= 0 && *mx <= 1)) {
    if (*mn >= 0 && *mx <= 100) {
      hi = 100;
      source = "[0, 100]";
    } else {
      lo = *mn;
      hi = *mx;
      source = "data";
    }
  }
  const double floor = o.chance.value_or(lo);
  if (!(hi > floor)) {
    throw input_error(std::string(fn) + ": the ceiling " + detail::judgement_number(hi) + " is not above the floor " +
                      detail::judgement_number(floor) + " (give the range or the chance level)");
  }
  const std::vector<double> var = detail::point_variances(y, n, se);
  curve_judgement_result r = detail::judge_once(x, y, var, lo, hi, floor, o, true);
  r.range_source = source;
  if (source == "data") r.reasons.push_back("the metric's range is not known: taken from the data [" + detail::judgement_number(lo) + ", " + detail::judgement_number(hi) + "]; give it for a scale-free judgement");
  if (var.empty()) {
    r.reasons.push_back("no uncertainty given (no counts, no standard errors): " +
                        std::string(r.significance_tested ? "significance from the scatter about the monotone fit" : "significance not tested") +
                        ", no bootstrap probability");
    return r;
  }
  // parametric bootstrap: binomial counts, or normal with the given standard errors
  std::vector<double> ys(y.size());
  std::size_t same_bracket = 0;
  for (std::size_t b = 0; b < o.resampling.replicates; ++b) {
    auto rng = detail::xoshiro256ss::stream(o.resampling.seed, b);
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (!n.empty()) {
        const auto ni = static_cast<std::uint64_t>(std::llround(n[i]));
        ys[i] = static_cast<double>(detail::binomial(rng, ni, std::clamp(y[i], 0.0, 1.0))) / static_cast<double>(ni);
      } else {
        const double u1 = detail::uniform_open01(rng), u2 = detail::uniform01(rng);
        ys[i] = y[i] + std::sqrt(var[i]) * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      }
    }
    const std::vector<double> vs = detail::point_variances(ys, n, se);
    const curve_judgement_result rb = detail::judge_once(x, ys, vs, lo, hi, floor, o, false);
    r.probabilities[static_cast<std::size_t>(rb.judgement)] += 1.0;
    same_bracket += rb.step_from == r.step_from ? 1 : 0;
  }
  r.replicates = o.resampling.replicates;
  if (o.resampling.replicates > 0) {
    for (double& p : r.probabilities) p /= static_cast<double>(o.resampling.replicates);
    r.probability = r.probabilities[static_cast<std::size_t>(r.judgement)];
    r.bracket_probability = static_cast<double>(same_bracket) / static_cast<double>(o.resampling.replicates);
    r.uncertain = r.probability < o.min_probability;
    if (r.uncertain) {
      r.reasons.push_back("uncertain: only " + detail::judgement_percent(r.probability) + " of " + std::to_string(o.resampling.replicates) +
                          " bootstrap replicates agree (min_probability " + detail::judgement_percent(o.min_probability) + ")");
    }
  }
  return r;
}

/// Why a logistic fit of a curve is not identifiable, from the judgement of the same curve: "too
/// steep" when one gap between adjacent models holds at least 80% of the rise (the slope is
/// unbounded; the width is at most that gap, the midpoint is bracketed by the two models), otherwise
/// "flat or linear" (no curvature to fix the asymptotes and the slope).
[[nodiscard]] inline std::string_view not_identifiable_reason(const curve_judgement_result& j) noexcept {
  return j.step_between_models ? "too_steep" : "flat_or_linear";
}

}  // namespace emergent
