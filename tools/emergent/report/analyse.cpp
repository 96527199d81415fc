// Definition of emergent::cli::report::analyse (see analyse.hpp).
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <cmath>
#include <cstdio>
#include <span>
#include <cstddef>
#include <string>
#include <vector>

#include <emergent/analysis.hpp>
#if __has_include(<emergent/fit/fit_curve.hpp>)
#include <emergent/fit/fit_curve.hpp>
#define EMERGENT_REPORT_HAVE_FIT 1
#endif
#include <emergent/analysis/judgement.hpp>
#include <emergent/analysis/mirage.hpp>
#include <emergent/analysis/breakthroughness.hpp>

#include "analyse.hpp"

namespace emergent::cli::report {

namespace {

/// Samples a fitted segmented line at the data's range for drawing.
fitted_curve segmented_curve(const segmented_fit& f, double x0, double x1) {
  fitted_curve c;
  c.model = "segmented (continuous, 1 break)";
  c.status = "ok";
  const auto value = [&](double x) {
    double y = f.intercept + f.slopes[0] * x;
    for (std::size_t j = 0; j < f.breakpoints.size(); ++j) {
      const double psi = f.breakpoints[j].estimate;
      if (x > psi) y += (f.slopes[j + 1] - f.slopes[j]) * (x - psi);
    }
    return y;
  };
  std::vector<double> xs{x0, x1};
  for (const auto& b : f.breakpoints) xs.push_back(b.estimate);
  std::sort(xs.begin(), xs.end());
  for (double x : xs) {
    if (x < x0 || x > x1) continue;
    c.x.push_back(x);
    c.y.push_back(value(x));
  }
  c.parameters.emplace_back("intercept", f.intercept);
  for (std::size_t j = 0; j < f.slopes.size(); ++j) c.parameters.emplace_back("slope" + std::to_string(j + 1), f.slopes[j]);
  for (std::size_t j = 0; j < f.breakpoints.size(); ++j) {
    c.parameters.emplace_back("psi" + std::to_string(j + 1), f.breakpoints[j].estimate);
    c.standard_errors.emplace_back("psi" + std::to_string(j + 1), f.breakpoints[j].std_error);
  }
  return c;
}

}  // namespace

namespace {

/// The largest rise y[i] - y[i-1] between consecutive models and the index i - 1 it starts from
/// (the first of equal rises); none for fewer than two values.
struct rise {
  std::size_t from = 0;
  double size = 0;
};
std::optional<rise> largest_rise(std::span<const double> y) {
  std::optional<rise> best;
  for (std::size_t i = 1; i < y.size(); ++i) {
    const double r = y[i] - y[i - 1];
    if (!best || r > best->size) best = rise{i - 1, r};
  }
  return best;
}

/// The hard or soft curve of a series prepared for judge_curve: values transformed so that rising
/// means improving, with counts or standard errors.
struct judged_curve {
  std::vector<double> x, y, n, se;
  judgement_options options;
};

judged_curve prepare(const series_result& s, const metric_spec& m, bool hard, const report_spec& spec) {
  judged_curve c;
  c.options = spec.judge;
  c.options.chance = m.chance;
  if (m.range) {
    c.options.range_low = m.range->first;
    c.options.range_high = m.range->second;
  }
  bool counts = m.bounded01 && !m.lower_is_better && !m.log_scale;
  bool errors = true;
  for (const auto& p : s.points) {
    const estimate* e = hard ? &p.hard : (p.soft ? &*p.soft : nullptr);
    if (!e || !std::isfinite(e->value)) continue;
    double v = e->value, se = (e->upper - e->lower) / (2 * 1.959963984540054);
    if (m.log_scale) {
      if (!(v > 0)) continue;
      se = se / (v * std::log(10.0));
      v = std::log10(v);
    }
    if (m.lower_is_better) v = -v;
    c.x.push_back(p.x);
    c.y.push_back(v);
    counts = counts && e->n && *e->n >= 1 && e->value >= 0 && e->value <= 1;
    c.n.push_back(e->n.value_or(0));
    errors = errors && std::isfinite(se) && se >= 0;
    c.se.push_back(std::isfinite(se) ? se : 0.0);
  }
  if (!counts) c.n.clear();
  if (counts || !errors) c.se.clear();
  if (m.log_scale || m.lower_is_better) {
    // a transformed loss has no fixed range: judged on its own range (the reasons say so)
    c.options.range_low.reset();
    c.options.range_high.reset();
    c.options.chance.reset();
  }
  return c;
}

bool strictly_increasing(const std::vector<double>& x) {
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (!(x[i] > x[i - 1])) return false;
  }
  return true;
}

}  // namespace

void analyse(series_result& s, const task_result& task, const report_spec& spec) {
  series_analysis& a = s.analysis;
  const auto& pts = s.points;
  const double sign = task.spec.hard.lower_is_better ? -1.0 : 1.0;
  std::vector<double> improvement;  // the hard metric, rising when it improves
  for (const auto& p : pts) improvement.push_back(sign * p.hard.value);
  if (const auto r = largest_rise(improvement)) {
    a.jump_from = r->from;
    a.jump = r->size;
  }
  std::vector<double> x, y;
  for (const auto& p : pts) {
    x.push_back(p.x);
    y.push_back(p.hard.value);
  }
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < x.size(); ++i) distinct += (i == 0 || x[i] != x[i - 1]) ? 1 : 0;
  const bool constant = *std::max_element(y.begin(), y.end()) == *std::min_element(y.begin(), y.end());
  if (distinct < 4) {
    a.notes.push_back(std::to_string(distinct) + " distinct x value(s): no breakpoint or logistic fit (they need at least 4)");
  } else if (constant) {
    a.notes.push_back("the hard metric has the same value for every model: no breakpoint or logistic fit");
  } else {
    try {
      const segmented_fit f = fit_segmented(std::span<const double>(x), std::span<const double>(y));
      const auto& b = f.breakpoints.front();
      a.breakpoint = b.estimate;
      a.breakpoint_lower = b.interval.lower;
      a.breakpoint_upper = b.interval.upper;
      a.breakpoint_bracket = std::pair{b.bracket_left, b.bracket_right};
      a.breakpoint_narrower_than_gap = b.narrower_than_gap;
      a.segmented_fit = segmented_curve(f, x.front(), x.back());
      for (const auto& w : f.warnings) a.notes.push_back(w);
    } catch (const std::exception& e) {
      a.notes.push_back(std::string("segmented regression failed: ") + e.what());
    }
    try {
      const break_test_result d = davies_test(std::span<const double>(x), std::span<const double>(y));
      a.breakpoint_p = d.p_value;
    } catch (const std::exception& e) {  // e.g. a curve a hinge fits exactly: no residual variance
      a.notes.push_back(std::string("Davies test failed: ") + e.what());
    }
  }

  // The judgement of the hard curve (emergent::judge_curve, counts when known) and, with a soft
  // metric, the verdict of the pair; both with their bootstrap probability.
  judged_curve hc = prepare(s, task.spec.hard, true, spec);
  std::optional<judged_curve> sc;
  if (task.spec.soft) sc = prepare(s, *task.spec.soft, false, spec);
  // Per-example input: the uncertainty of each model's mean is its examples' (counts when every
  // score is 0 or 1, otherwise the standard error of the mean, as emergent mirage), and the
  // probabilities come from the bootstrap over examples below, not from a parametric one.
  const bool per_example = !pts.empty() && hc.x.size() == pts.size() && !task.spec.hard.lower_is_better &&
                           !task.spec.hard.log_scale &&
                           std::all_of(pts.begin(), pts.end(), [](const point& p) { return !p.hard_examples.empty(); });
  std::vector<std::vector<double>> hard_examples;
  if (per_example) {
    for (const auto& p : pts) hard_examples.push_back(p.hard_examples);
    const emergent::detail::curve_uncertainty u = emergent::detail::uncertainty_of(hard_examples);
    hc.n = u.n;
    hc.se = u.se;
    hc.options.resampling.replicates = 0;
  }
  curve_judgement_result hj;
  bool judged = false;
  if (!strictly_increasing(hc.x)) {
    a.judgement = "not_resolvable";
    a.judgement_reasons = {"two models of this series share an x value: the curve cannot be judged"};
  } else {
    try {
      hj = judge_curve(hc.x, hc.y, hc.n, hc.se, hc.options);
      judged = true;
      a.judgement = std::string(to_string(hj.judgement));
      a.judgement_probability = hj.probability;
      a.judgement_reasons = hj.reasons;
      if (hj.rise_share > 0) a.rise_bracket = std::pair{hj.bracket_low, hj.bracket_high};
    } catch (const std::exception& e) {
      a.judgement = "not_resolvable";
      a.judgement_reasons = {std::string("the judgement failed: ") + e.what()};
    }
  }
  // The bootstrap over examples (per-example input): examples resampled within each model
  // (emergent::hierarchical_resampler); on each replicate the largest rise, the judgement and (by
  // emergent::breakpoint_bootstrap_with) the segmented breakpoint are found again.
  bool example_verdict = false;
  std::string example_reason;
  if (per_example) {
    example_bootstrap eb;
    eb.replicates = spec.judge.resampling.replicates;
    eb.seed = spec.judge.resampling.seed;
    const double tail = 0.5 * (1 - eb.level);
    const hierarchical_resampler res(hard_examples, eb.seed);
    const auto resample = [&](std::uint64_t r, std::span<double> out) { res.resample_means(r, out); };
    std::vector<double> ys(x.size()), jumps;
    std::size_t same_pair = 0, same_judgement = 0;
    judgement_options jo = hc.options;
    jo.resampling.replicates = 0;
    for (std::size_t r = 0; r < eb.replicates; ++r) {
      resample(r, ys);
      if (const auto best = largest_rise(ys)) {  // per-example input is higher-is-better (checked above)
        jumps.push_back(best->size);
        same_pair += best->from == a.jump_from ? 1 : 0;
      }
      if (judged) {
        try {
          same_judgement += judge_curve(hc.x, ys, hc.n, hc.se, jo).judgement == hj.judgement ? 1 : 0;
        } catch (const std::exception&) {  // counted as a different judgement
        }
      }
    }
    if (eb.replicates > 0) {
      if (!jumps.empty()) {
        std::sort(jumps.begin(), jumps.end());
        eb.jump = std::pair{emergent::detail::sorted_quantile(jumps.data(), jumps.size(), tail),
                            emergent::detail::sorted_quantile(jumps.data(), jumps.size(), 1 - tail)};
        eb.jump_same_models = static_cast<double>(same_pair) / static_cast<double>(eb.replicates);
      }
      if (judged) {
        eb.judgement_probability = static_cast<double>(same_judgement) / static_cast<double>(eb.replicates);
        a.judgement_probability = eb.judgement_probability;
        hj.uncertain = eb.judgement_probability < spec.judge.min_probability;
        char buf[200];
        std::snprintf(buf, sizeof buf, "%s in %.0f%% of %zu bootstrap resamples of examples (seed %llu)%s",
                      a.judgement.c_str(), 100 * eb.judgement_probability, eb.replicates,
                      static_cast<unsigned long long>(eb.seed), hj.uncertain ? ": uncertain (below min_probability)" : "");
        a.judgement_reasons.emplace_back(buf);
      }
    }
    if (a.breakpoint && eb.replicates >= 2) {
      try {
        location_bootstrap_options bo;
        bo.resampling = spec.judge.resampling;
        bo.level = eb.level;
        const bootstrap_location bl = breakpoint_bootstrap_with(std::span<const double>(x), std::span<const double>(y), resample,
                                                                segmented_options{}, bo);
        eb.breakpoint = std::pair{bl.interval.lower, bl.interval.upper};
        eb.breakpoint_failed = bl.failed_replicates;
      } catch (const std::exception& e) {
        a.notes.push_back(std::string("bootstrap of the breakpoint over examples failed: ") + e.what());
      }
    }
    // The verdict of the pair: emergent::mirage_analysis, the paired bootstrap over examples that
    // `emergent mirage` runs (same options, same seed: the same verdict and probabilities).
    if (sc && judged && !task.spec.soft->log_scale && sc->x.size() == pts.size() &&
        std::all_of(pts.begin(), pts.end(), [](const point& p) { return p.soft_examples.size() == p.hard_examples.size(); })) {
      std::vector<std::vector<double>> soft_examples;
      for (const auto& p : pts) {
        soft_examples.push_back(p.soft_examples);
        if (task.spec.soft->lower_is_better) {
          for (double& v : soft_examples.back()) v = -v;
        }
      }
      try {
        mirage_options mo;
        mo.hard_judgement = hc.options;
        mo.soft_judgement = sc->options;
        mo.max_width_ratio = spec.max_width_ratio;
        mo.min_models = spec.judge.min_models;
        mo.min_probability = spec.judge.min_probability;
        mo.resampling = spec.judge.resampling;
        const mirage_result mr = mirage_analysis(std::span<const double>(x), hard_examples, soft_examples, mo);
        a.verdict = std::string(to_string(mr.verdict));
        a.verdict_probability = mr.probability_of(mr.verdict);
        a.uncertain = mr.uncertain;
        std::vector<std::pair<std::string, double>> probabilities;
        for (std::size_t v = 0; v < mr.probability.size(); ++v) {
          probabilities.emplace_back(std::string(to_string(static_cast<mirage_verdict>(v))), mr.probability[v]);
        }
        eb.verdict_probabilities = probabilities;
        eb.width_ratio = std::array<double, 3>{mr.width_ratio, mr.width_ratio_interval.lower, mr.width_ratio_interval.upper};
        for (const auto& r : mr.reasons) example_reason += (example_reason.empty() ? "" : "; ") + r;
        example_verdict = true;
      } catch (const std::exception& e) {
        a.notes.push_back(std::string("the mirage verdict over examples could not run (the verdict is from the per-model curves): ") +
                          e.what());
      }
    } else if (sc) {
      a.notes.push_back("the verdict is from the per-model curves (a log-scale soft metric, or models without soft scores)");
    }
    a.examples = eb;
  }
  if (!example_verdict) {
    a.verdict = a.judgement;
    a.verdict_probability = a.judgement_probability;
    a.uncertain = hj.uncertain;
  }
  std::string reason;
  for (const auto& r : a.judgement_reasons) reason += (reason.empty() ? "" : "; ") + r;
  const bool rises = hj.judgement != curve_judgement::flat && hj.judgement != curve_judgement::saturated;
  if (example_verdict) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "mirage verdict over %zu paired bootstrap resamples of examples (seed %llu): ",
                  spec.judge.resampling.replicates, static_cast<unsigned long long>(spec.judge.resampling.seed));
    reason = buf + example_reason;
  } else if (sc && (!judged || (rises && hc.x.size() < spec.judge.min_models))) {
    a.verdict = "not_resolvable";  // the hard curve could not be judged, or too few models: neither can the pair
  } else if (sc && sc->x.size() >= 2) {
    try {
      if (!strictly_increasing(sc->x)) throw input_error("two models of this series share an x value");
      judgement_options so = sc->options, ho = hc.options;
      so.resampling.replicates = ho.resampling.replicates = 0;
      const curve_judgement_result sj = judge_curve(sc->x, sc->y, sc->n, sc->se, so);
      mirage_options mo;
      mo.max_width_ratio = spec.max_width_ratio;
      const auto hard_judgement = hj.judgement;
      const double ratio = emergent::detail::monotone_width(hc.x, hc.y) / emergent::detail::monotone_width(sc->x, sc->y);
      const mirage_verdict v = emergent::detail::combine(hard_judgement, sj.judgement, ratio, false, mo);
      a.verdict = std::string(to_string(v));
      // bootstrap: binomial counts (or normal with the se) for the hard curve, normal with the se for the soft one
      std::size_t same = 0, runs = 0;
      const bool hard_noise = !hc.n.empty() || !hc.se.empty(), soft_noise = !sc->se.empty() || !sc->n.empty();
      if (hard_noise || soft_noise) {
        std::vector<double> yh(hc.y.size()), ys(sc->y.size());
        for (std::size_t b = 0; b < spec.judge.resampling.replicates; ++b) {
          auto rng = emergent::detail::xoshiro256ss::stream(spec.judge.resampling.seed + 7, b);
          const auto draw = [&](const judged_curve& c, std::vector<double>& out) {
            for (std::size_t i = 0; i < c.y.size(); ++i) {
              if (!c.n.empty()) {
                const auto ni = static_cast<std::uint64_t>(std::llround(c.n[i]));
                out[i] = static_cast<double>(emergent::detail::binomial(rng, ni, std::clamp(c.y[i], 0.0, 1.0))) / static_cast<double>(ni);
              } else if (!c.se.empty()) {
                const double u1 = emergent::detail::uniform_open01(rng), u2 = emergent::detail::uniform01(rng);
                out[i] = c.y[i] + c.se[i] * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
              } else {
                out[i] = c.y[i];
              }
            }
          };
          draw(hc, yh);
          draw(*sc, ys);
          try {
            const auto jh = judge_curve(hc.x, yh, hc.n, hc.se, ho).judgement;
            const auto js = judge_curve(sc->x, ys, sc->n, sc->se, so).judgement;
            const double q = emergent::detail::monotone_width(hc.x, yh) / emergent::detail::monotone_width(sc->x, ys);
            same += emergent::detail::combine(jh, js, q, false, mo) == v ? 1 : 0;
          } catch (const std::exception&) {
          }
          ++runs;
        }
      }
      a.verdict_probability = runs > 0 ? static_cast<double>(same) / static_cast<double>(runs) : std::nan("");
      a.uncertain = runs > 0 && a.verdict_probability < spec.judge.min_probability;
      for (const auto& r : sj.reasons) reason += "; soft metric: " + r;
      char buf[160];
      std::snprintf(buf, sizeof buf, "; 10-90%% width ratio hard/soft %.3g (max_width_ratio %.3g)", ratio, spec.max_width_ratio);
      reason += buf;
      reason += "; no per-example scores: the conjunction E[p^L] is not checked (emergent mirage --length does)";
    } catch (const std::exception& e) {
      a.verdict = "not_resolvable";
      a.verdict_probability = std::nan("");
      reason += std::string("; the soft curve could not be judged: ") + e.what();
    }
  }
  if (a.uncertain && !example_verdict) reason += "; uncertain: below min_probability";
  a.verdict_reason = reason;
#ifdef EMERGENT_REPORT_HAVE_FIT
  // The four-parameter logistic of the hard metric (fit layer), weighted by the points' intervals:
  // drawn (dashed when flagged) and tabulated from the same fit.
  if (distinct >= 4 && !constant) {
    try {
      scaling_curve c;
      c.x = x;
      c.y = y;
      bool intervals = true;
      for (const auto& p : pts) intervals = intervals && std::isfinite(p.hard.lower) && p.hard.upper > p.hard.lower;
      if (intervals) {
        for (const auto& p : pts) {
          c.lower.push_back(p.hard.lower);
          c.upper.push_back(p.hard.upper);
        }
      }
      const fit_result r = fit_curve(c, fit_model::logistic);
      fitted_curve f;
      f.model = intervals ? "logistic (weighted)" : "logistic";
      f.status = std::string(to_string(r.status));
      for (std::size_t i = 0; i < r.param_names.size(); ++i) {
        f.parameters.emplace_back(r.param_names[i], r.params(static_cast<Eigen::Index>(i)));
        f.standard_errors.emplace_back(r.param_names[i], r.std_errors(static_cast<Eigen::Index>(i)));
      }
      for (int i = 0; i <= 120; ++i) {
        const double xi = x.front() + (x.back() - x.front()) * i / 120.0;
        f.x.push_back(xi);
        f.y.push_back(r.predict(xi));
      }
      f.flags = r.flags;
      if (r.status != fit_status::converged && std::find(f.flags.begin(), f.flags.end(), f.status) == f.flags.end()) {
        f.flags.insert(f.flags.begin(), f.status);
      }
      for (auto& flag : f.flags) {
        if (flag == "not_identifiable") flag += hj.step_between_models ? " (too steep: a step between two models)" : " (flat or linear)";
        a.notes.push_back("logistic fit: " + flag);
      }
      // the tabulated k and width are the drawn fit's (x is log10, so k is per decade)
      if (r.status == fit_status::converged || r.status == fit_status::hit_bound) {
        const double k = r.param("k");
        a.sharpness.emplace_back("logistic_k", k);
        a.sharpness.emplace_back("rise_width_decades", k != 0 ? 2.0 * std::log(9.0) / std::abs(k) : INFINITY);
      }
      a.hard_fit = f;
    } catch (const std::exception& e) {
      a.notes.push_back(std::string("logistic fit failed: ") + e.what());
    }
  }
#endif
  if (distinct >= 3 && strictly_increasing(x)) {
    try {
      a.sharpness.insert(a.sharpness.begin(), {{"breakthroughness", breakthroughness(std::span<const double>(x), std::span<const double>(y))},
                                               {"linearity", linearity(std::span<const double>(x), std::span<const double>(y))}});
    } catch (const std::exception& e) {
      a.notes.push_back(std::string("sharpness failed: ") + e.what());
    }
  }
  if (std::isfinite(hj.rise_width_decades) && a.judgement != "not analysed") {
    a.sharpness.emplace_back("monotone_rise_width_decades", hj.rise_width_decades);
    a.sharpness.emplace_back("width_at_most_decades", hj.width_at_most_decades);
  }
}

}  // namespace emergent::cli::report
