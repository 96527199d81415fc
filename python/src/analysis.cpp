// Bindings of emergent/analysis: segmented regression, Davies / pseudo-score tests, sharpness,
// the mirage verdict, the k-of-k check and the grokking delay. Results come back as dicts of
// plain values; the Python layer wraps them in result objects with a readable repr.
#include "common.hpp"

#include <string>
#include <vector>

#include "emergent/analysis/break_tests.hpp"
#include "emergent/analysis/grokking.hpp"
#include "emergent/analysis/k_of_k.hpp"
#include "emergent/analysis/mirage.hpp"
#include "emergent/analysis/segmented.hpp"
#include "emergent/analysis/sharpness.hpp"

namespace emergent_py {
namespace {

using emergent::input_error;

py::dict to_dict(const emergent::segmented_fit& f) {
  py::list bps;
  for (const auto& b : f.breakpoints) {
    py::dict d;
    d["estimate"] = b.estimate;
    d["std_error"] = b.std_error;
    d["interval"] = b.interval;
    d["bracket_left"] = b.bracket_left;
    d["bracket_right"] = b.bracket_right;
    d["narrower_than_gap"] = b.narrower_than_gap;
    bps.append(d);
  }
  py::dict d;
  d["shape"] = f.shape == emergent::segmented_shape::continuous ? "continuous"
               : f.shape == emergent::segmented_shape::plateau  ? "plateau"
                                                                : "step";
  d["breakpoints"] = bps;
  d["slopes"] = f.slopes;
  d["intercept"] = f.intercept;
  d["jump"] = f.jump;
  d["rss"] = f.rss;
  d["n"] = f.n;
  d["parameters"] = f.parameters;
  d["df_residual"] = f.df_residual;
  d["sigma"] = f.sigma;
  d["aicc"] = f.aicc;
  d["warnings"] = f.warnings;
  return d;
}

py::dict to_dict(const emergent::break_test_result& r) {
  py::dict d;
  d["statistic"] = r.statistic;
  d["p_value"] = r.p_value;
  d["best"] = r.best;
  d["n_points"] = r.n_points;
  d["grid"] = r.grid;
  d["process"] = r.process;
  return d;
}

py::dict to_dict(const emergent::sharpness& s) {
  py::dict d;
  d["breakthroughness"] = s.breakthroughness;
  d["linearity"] = s.linearity;
  d["logistic_k"] = s.logistic_k;
  d["logistic_k_interval"] = s.logistic_k_interval;
  d["logistic_x0"] = s.logistic_x0;
  d["logistic_status"] = s.logistic_status;
  d["rise_width_decades"] = s.rise_width_decades;
  d["observed_rise_width_decades"] = s.observed_rise_width_decades;
  d["steepest_slope_per_decade"] = s.steepest_slope_per_decade;
  d["steepest_at"] = s.steepest_at;
  d["largest_jump"] = s.largest_jump;
  d["jump_z"] = s.jump_z;
  return d;
}

py::dict to_dict(const emergent::mirage_curve& c) {
  py::dict d;
  d["y"] = c.y;
  d["sharp"] = c.sharp;
  d["davies_p"] = c.davies_p;
  d["score_p"] = c.score_p;
  d["breakpoint"] = c.breakpoint;
  d["slope_before"] = c.slope_before;
  d["slope_after"] = c.slope_after;
  d["rise"] = c.rise;
  d["accelerates"] = c.accelerates;
  d["jumps"] = c.jumps;
  d["logistic_width_decades"] = c.logistic_width_decades;
  d["measures"] = to_dict(c.measures);
  return d;
}

py::dict to_dict(const emergent::threshold_crossing& c) {
  py::dict d;
  d["reached"] = c.reached;
  d["step"] = c.step;
  d["log10_step"] = c.log10_step;
  d["index"] = c.index;
  d["at_first_point"] = c.at_first_point;
  return d;
}

std::vector<std::vector<double>> groups(const py::list& values, const char* function, const char* name) {
  std::vector<std::vector<double>> out;
  out.reserve(values.size());
  std::size_t i = 0;
  for (const py::handle& h : values) {
    const auto a = py::reinterpret_borrow<py::object>(h).cast<f64_array>();
    if (a.ndim() != 1) {
      throw input_error(emergent::detail::describe_at(function, name, i, "expected a 1-D array of per-example scores"));
    }
    out.emplace_back(a.data(), a.data() + a.shape(0));
    ++i;
  }
  return out;
}

emergent::progress_direction direction(const std::string& s, const char* name) {
  if (s == "rising") return emergent::progress_direction::rising;
  if (s == "falling") return emergent::progress_direction::falling;
  throw input_error(std::string("grokking_delay: ") + name + ": '" + s + "' is not 'rising' or 'falling'");
}

}  // namespace

void init_analysis(py::module_& m) {
  m.def("fit_segmented", [](const f64_array& x, const f64_array& y, std::size_t breaks, const std::string& shape,
                            std::size_t min_points, double level) {
    emergent::segmented_options o;
    o.breaks = breaks;
    if (shape == "continuous") o.shape = emergent::segmented_shape::continuous;
    else if (shape == "plateau") o.shape = emergent::segmented_shape::plateau;
    else if (shape == "step") o.shape = emergent::segmented_shape::step;
    else throw input_error("fit_segmented: shape: '" + shape + "' is not 'continuous', 'plateau' or 'step'");
    o.min_points_per_segment = min_points;
    o.level = level;
    return to_dict(emergent::fit_segmented(span_of(x, "fit_segmented", "x"), span_of(y, "fit_segmented", "y"), o));
  });
  const auto test_options = [](std::size_t k, const std::string& alt, const char* fn) {
    emergent::break_test_options o;
    o.k = k;
    if (alt == "two-sided" || alt == "two_sided") o.alternative = emergent::break_alternative::two_sided;
    else if (alt == "less") o.alternative = emergent::break_alternative::less;
    else if (alt == "greater") o.alternative = emergent::break_alternative::greater;
    else throw input_error(std::string(fn) + ": alternative: '" + alt + "' is not 'two-sided', 'less' or 'greater'");
    return o;
  };
  m.def("davies_test", [test_options](const f64_array& x, const f64_array& y, std::size_t k, const std::string& alt) {
    return to_dict(emergent::davies_test(span_of(x, "davies_test", "x"), span_of(y, "davies_test", "y"),
                                         test_options(k, alt, "davies_test")));
  });
  m.def("pscore_test", [test_options](const f64_array& x, const f64_array& y, std::size_t k, const std::string& alt) {
    return to_dict(emergent::pscore_test(span_of(x, "pscore_test", "x"), span_of(y, "pscore_test", "y"),
                                         test_options(k, alt, "pscore_test")));
  });
  m.def("measure_sharpness", [](const f64_array& x, const f64_array& y, const py::object& se, double log_base,
                                bool fit_logistic, double level) {
    f64_array seh;
    std::span<const double> s;
    if (!se.is_none()) {
      seh = se.cast<f64_array>();
      s = span_of(seh, "measure_sharpness", "se");
    }
    emergent::sharpness_options o;
    o.fit_logistic = fit_logistic;
    o.level = level;
    return to_dict(emergent::measure_sharpness(span_of(x, "measure_sharpness", "x"), span_of(y, "measure_sharpness", "y"), s,
                                               log_base, o));
  });
  m.def("mirage_analysis", [](const f64_array& x, const py::list& hard, const py::list& soft, double alpha,
                              double slope_ratio, double min_rise, double max_width_decades, std::size_t min_models,
                              double min_probability, std::size_t replicates, std::uint64_t seed) {
    emergent::mirage_options o;
    o.alpha = alpha;
    o.slope_ratio = slope_ratio;
    o.min_rise = min_rise;
    o.max_width_decades = max_width_decades;
    o.min_models = min_models;
    o.min_probability = min_probability;
    o.resampling.replicates = replicates;
    o.resampling.seed = seed;
    auto h = groups(hard, "mirage_analysis", "hard");
    auto s = groups(soft, "mirage_analysis", "soft");
    const auto xs = span_of(x, "mirage_analysis", "x");
    emergent::mirage_result r;
    {
      py::gil_scoped_release release;
      r = emergent::mirage_analysis(xs, std::move(h), std::move(s), o);
    }
    py::dict d;
    d["verdict"] = std::string(emergent::to_string(r.verdict));
    d["observed_verdict"] = std::string(emergent::to_string(r.observed_verdict));
    py::dict prob;
    for (auto v : {emergent::mirage_verdict::sharp_under_both, emergent::mirage_verdict::sharp_under_hard_only,
                   emergent::mirage_verdict::smooth_under_both, emergent::mirage_verdict::sharp_under_soft_only,
                   emergent::mirage_verdict::not_resolvable}) {
      prob[py::str(std::string(emergent::to_string(v)))] = r.probability_of(v);
    }
    d["probability"] = prob;
    d["hard"] = to_dict(r.hard);
    d["soft"] = to_dict(r.soft);
    d["x"] = r.x;
    d["models"] = r.models;
    d["min_examples"] = r.min_examples;
    d["reasons"] = r.reasons;
    return d;
  });
  m.def("k_of_k_predict", [](const f64_array& p, const f64_array& lengths) {
    return emergent::k_of_k_predict(span_of(p, "k_of_k_predict", "per_token"), span_of(lengths, "k_of_k_predict", "lengths"));
  });
  m.def("k_of_k_check", [](const f64_array& x, const py::list& per_token, const py::list& exact, const f64_array& lengths,
                           std::size_t replicates, std::uint64_t seed, double level, double tolerance) {
    emergent::k_of_k_options o;
    o.resampling.replicates = replicates;
    o.resampling.seed = seed;
    o.level = level;
    o.tolerance = tolerance;
    auto p = groups(per_token, "k_of_k_check", "per_token");
    auto e = groups(exact, "k_of_k_check", "exact");
    const auto r = emergent::k_of_k_check(span_of(x, "k_of_k_check", "x"), std::move(p), std::move(e),
                                          span_of(lengths, "k_of_k_check", "lengths"), o);
    py::list points;
    for (const auto& q : r.points) {
      py::dict d;
      d["x"] = q.x;
      d["per_token"] = q.per_token;
      d["observed"] = q.observed;
      d["predicted"] = q.predicted;
      d["predicted_interval"] = q.predicted_interval;
      d["difference_interval"] = q.difference_interval;
      d["agrees"] = q.agrees;
      points.append(d);
    }
    py::dict d;
    d["points"] = points;
    d["rms_difference"] = r.rms_difference;
    d["rms_interval"] = r.rms_interval;
    d["fraction_agreeing"] = r.fraction_agreeing;
    d["explains_curve"] = r.explains_curve;
    return d;
  });
  m.def("grokking_delay", [](const f64_array& steps, const f64_array& train, const f64_array& test, double train_threshold,
                             double test_threshold, const std::string& train_direction, const std::string& test_direction,
                             bool fit_break) {
    emergent::grokking_options o;
    o.train_threshold = train_threshold;
    o.test_threshold = test_threshold;
    o.train_direction = direction(train_direction, "train_direction");
    o.test_direction = direction(test_direction, "test_direction");
    o.fit_break = fit_break;
    const auto r = emergent::grokking_delay(span_of(steps, "grokking_delay", "steps"), span_of(train, "grokking_delay", "train"),
                                            span_of(test, "grokking_delay", "test"), o);
    py::dict d;
    d["train"] = to_dict(r.train);
    d["test"] = to_dict(r.test);
    d["delay_decades"] = r.delay_decades ? py::object(py::float_(*r.delay_decades)) : py::object(py::none());
    d["test_break"] = r.test_break ? py::object(to_dict(*r.test_break)) : py::object(py::none());
    d["test_davies_p"] = r.test_davies_p ? py::object(py::float_(*r.test_davies_p)) : py::object(py::none());
    return d;
  });
}

}  // namespace emergent_py
