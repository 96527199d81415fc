// Definition of emergent::cli::report::analyse (see analyse.hpp).
#include <algorithm>
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
#if __has_include(<emergent/analysis/mirage.hpp>) && __has_include(<emergent/analysis/sharpness.hpp>)
#include <emergent/analysis/mirage.hpp>
#include <emergent/analysis/sharpness.hpp>
#define EMERGENT_REPORT_HAVE_MIRAGE 1
#endif

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

void analyse(series_result& s, const task_result& task) {
  series_analysis& a = s.analysis;
  const auto& pts = s.points;
  const double sign = task.spec.hard.lower_is_better ? -1.0 : 1.0;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const double rise = sign * (pts[i].hard.value - pts[i - 1].hard.value);
    if (!a.jump_from || rise > a.jump) {
      a.jump_from = i - 1;
      a.jump = rise;
    }
  }
  std::vector<double> x, y;
  for (const auto& p : pts) {
    x.push_back(p.x);
    y.push_back(p.hard.value);
  }
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < x.size(); ++i) distinct += (i == 0 || x[i] != x[i - 1]) ? 1 : 0;
  if (distinct < 4) {
    a.verdict = "too few models";
    a.verdict_reason = std::to_string(distinct) + " distinct x value(s): a break needs at least 4";
    return;
  }
  if (*std::max_element(y.begin(), y.end()) == *std::min_element(y.begin(), y.end())) {
    a.verdict = "flat";
    a.verdict_reason = "the hard metric has the same value for every model";
    return;
  }
  try {
    const segmented_fit f = fit_segmented(std::span<const double>(x), std::span<const double>(y));
    const auto& b = f.breakpoints.front();
    a.breakpoint = b.estimate;
    a.breakpoint_lower = b.ci_low;
    a.breakpoint_upper = b.ci_high;
    a.segmented_fit = segmented_curve(f, x.front(), x.back());
    for (const auto& w : f.warnings) a.notes.push_back(w);
  } catch (const std::exception& e) {
    a.notes.push_back(std::string("segmented regression failed: ") + e.what());
  }
  try {
    const break_test_result d = davies_test(std::span<const double>(x), std::span<const double>(y));
    a.breakpoint_p = d.p_value;
  } catch (const numerical_error& e) {  // e.g. a curve a hinge fits exactly: no residual variance
    a.notes.push_back(std::string("Davies test failed: ") + e.what());
  } catch (const input_error& e) {  // too few points for the test
    a.notes.push_back(std::string("Davies test failed: ") + e.what());
  }
#ifdef EMERGENT_REPORT_HAVE_FIT
  // The four-parameter logistic of the hard metric (fit layer), weighted by the points' intervals.
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
    f.model = "logistic";
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
    for (const auto& flag : r.flags) a.notes.push_back("logistic fit: " + flag);
    a.hard_fit = f;
  } catch (const std::exception& e) {
    a.notes.push_back(std::string("logistic fit failed: ") + e.what());
  }
#endif
#ifdef EMERGENT_REPORT_HAVE_MIRAGE
  // Sharpness of the hard curve, and the mirage verdict: is the curve sharp under the hard metric,
  // under the soft one, both or neither (emergent::is_sharp_curve, the criterion of mirage_analysis).
  try {
    const sharpness m = measure_sharpness(std::span<const double>(x), std::span<const double>(y));
    a.sharpness = {{"breakthroughness", m.breakthroughness}, {"linearity", m.linearity}};
    if (m.logistic_status == "converged" || m.logistic_status == "hit_bound") {
      a.sharpness.emplace_back("logistic_k", m.logistic_k);
      a.sharpness.emplace_back("rise_width_decades", m.rise_width_decades);
    }
    a.sharpness.emplace_back("observed_rise_width_decades", m.observed_rise_width_decades);
  } catch (const std::exception& e) {
    a.notes.push_back(std::string("sharpness failed: ") + e.what());
  }
  try {
    const bool hard_sharp = is_sharp_curve(std::span<const double>(x), std::span<const double>(y));
    std::vector<double> sx, sy;
    for (const auto& p : pts) {
      if (!p.soft) continue;
      double v = p.soft->value;
      const metric_spec& sm = *task.spec.soft;
      if (sm.log_scale) v = v > 0 ? std::log10(v) : std::nan("");
      if (sm.lower_is_better) v = -v;  // a rising curve means improving
      if (!std::isfinite(v)) continue;
      sx.push_back(p.x);
      sy.push_back(v);
    }
    if (task.spec.soft && sx.size() >= 4) {
      const bool soft_sharp = is_sharp_curve(std::span<const double>(sx), std::span<const double>(sy));
      a.verdict = std::string(to_string(hard_sharp ? (soft_sharp ? mirage_verdict::sharp_under_both
                                                                 : mirage_verdict::sharp_under_hard_only)
                                                   : (soft_sharp ? mirage_verdict::sharp_under_soft_only
                                                                 : mirage_verdict::smooth_under_both)));
      a.verdict_reason = std::string("hard metric ") + (hard_sharp ? "sharp" : "smooth") + ", soft metric " +
                         (soft_sharp ? "sharp" : "smooth") + " (emergent::is_sharp_curve on the per-model values)";
    } else {
      a.verdict = hard_sharp ? "sharp (no soft metric)" : "smooth (no soft metric)";
      a.verdict_reason = std::string("hard metric ") + (hard_sharp ? "sharp" : "smooth") +
                         "; without a soft metric of the same answers the mirage question cannot be asked";
    }
    return;
  } catch (const std::exception& e) {
    a.notes.push_back(std::string("mirage verdict failed: ") + e.what());
  }
#endif
  if (a.breakpoint_p) {
    const bool brk = *a.breakpoint_p < 0.05;
    a.verdict = brk ? "break" : "no significant break";
    char buf[160];
    std::snprintf(buf, sizeof buf, "Davies test for a change in slope: p = %.3g", *a.breakpoint_p);
    a.verdict_reason = buf;
  } else if (!a.notes.empty()) {
    a.verdict_reason = a.notes.back();
  }
}

}  // namespace emergent::cli::report
