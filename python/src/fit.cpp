// Bindings of emergent/fit: fit_xy with options, the result (parameters by name, covariance,
// flags, AICc, prediction and bands), profile-likelihood intervals and the fit bootstrap.
#include "common.hpp"

#include <pybind11/eigen.h>

#include <string>
#include <vector>

#include "emergent/fit/fit_curve.hpp"
#include "emergent/fit/intervals.hpp"

namespace emergent_py {
namespace {

using emergent::fit_options;
using emergent::fit_result;
using emergent::input_error;

emergent::robust_loss parse_loss(const std::string& loss) {
  if (loss.empty() || loss == "linear") return emergent::robust_loss::none;  // None, and SciPy's name
  try {
    return emergent::parse_robust_loss(loss);
  } catch (const input_error& e) {
    throw input_error(std::string("fit: loss: ") + e.what());
  }
}

fit_options make_options(const std::string& loss, double loss_scale, int breaks, int starts, int max_iterations) {
  fit_options o;
  o.loss = parse_loss(loss);
  o.loss_scale = loss_scale;
  o.breaks = breaks;
  o.starts = starts;
  o.max_iterations = max_iterations;
  return o;
}

std::span<const double> weights_of(const py::object& w, f64_array& holder) {
  if (w.is_none()) return {};
  holder = w.cast<f64_array>();
  return span_of(holder, "fit", "weights");
}

emergent::fit_status parse_status(const std::string& s) {
  for (auto st : {emergent::fit_status::converged, emergent::fit_status::hit_bound, emergent::fit_status::not_identifiable,
                  emergent::fit_status::too_few_points, emergent::fit_status::max_iterations, emergent::fit_status::failed}) {
    if (emergent::to_string(st) == s) return st;
  }
  throw input_error("FitResult state: status: '" + s + "' is unknown");
}

py::tuple result_state(const fit_result& r) {
  return py::make_tuple(std::string(emergent::to_string(r.model)), std::string(emergent::to_string(r.status)), r.breaks,
                        r.x_ref, r.x_min, r.x_max, r.param_names, r.params, r.std_errors, r.covariance, r.residuals, r.rss,
                        r.aicc, r.bic, r.n, r.iterations, r.condition, r.flags);
}

fit_result result_from_state(const py::tuple& t) {
  if (t.size() != 18) throw input_error("FitResult state: expected 18 fields");
  fit_result r;
  r.model = emergent::parse_fit_model(t[0].cast<std::string>());
  r.status = parse_status(t[1].cast<std::string>());
  r.breaks = t[2].cast<int>();
  r.x_ref = t[3].cast<double>();
  r.x_min = t[4].cast<double>();
  r.x_max = t[5].cast<double>();
  r.param_names = t[6].cast<std::vector<std::string>>();
  r.params = t[7].cast<Eigen::VectorXd>();
  r.std_errors = t[8].cast<Eigen::VectorXd>();
  r.covariance = t[9].cast<Eigen::MatrixXd>();
  r.residuals = t[10].cast<Eigen::VectorXd>();
  r.rss = t[11].cast<double>();
  r.aicc = t[12].cast<double>();
  r.bic = t[13].cast<double>();
  r.n = t[14].cast<std::size_t>();
  r.iterations = t[15].cast<int>();
  r.condition = t[16].cast<double>();
  r.flags = t[17].cast<std::vector<std::string>>();
  return r;
}

}  // namespace

void init_fit(py::module_& m) {
  py::class_<fit_result>(m, "CoreFitResult")
      .def_property_readonly("model", [](const fit_result& r) { return std::string(emergent::to_string(r.model)); })
      .def_property_readonly("status", [](const fit_result& r) { return std::string(emergent::to_string(r.status)); })
      .def_readonly("breaks", &fit_result::breaks)
      .def_readonly("x_ref", &fit_result::x_ref)
      .def_readonly("x_min", &fit_result::x_min)
      .def_readonly("x_max", &fit_result::x_max)
      .def_readonly("param_names", &fit_result::param_names)
      .def_readonly("params", &fit_result::params)
      .def_readonly("std_errors", &fit_result::std_errors)
      .def_readonly("covariance", &fit_result::covariance)
      .def_readonly("residuals", &fit_result::residuals)
      .def_readonly("rss", &fit_result::rss)
      .def_readonly("aicc", &fit_result::aicc)
      .def_readonly("bic", &fit_result::bic)
      .def_readonly("n", &fit_result::n)
      .def_readonly("iterations", &fit_result::iterations)
      .def_readonly("condition", &fit_result::condition)
      .def_readonly("flags", &fit_result::flags)
      .def_property_readonly("dof", &fit_result::dof)
      .def("predict", [](const fit_result& r, const f64_array& x) {
        const auto xs = span_of(x, "FitResult.predict", "x");
        py::array_t<double> out(static_cast<py::ssize_t>(xs.size()));
        double* dst = out.mutable_data();
        for (std::size_t i = 0; i < xs.size(); ++i) dst[i] = r.predict(xs[i]);
        return out;
      })
      .def("wald_interval", &fit_result::wald_interval<>, py::arg("name"), py::arg("level") = 0.95)
      .def("predict_band", [](const fit_result& r, const f64_array& x, double level) {
        const auto b = emergent::predict_band(r, span_of(x, "FitResult.predict_band", "x"), level);
        py::dict d;
        d["x"] = b.x;
        d["fit"] = b.fit;
        d["conf_lower"] = b.conf_lower;
        d["conf_upper"] = b.conf_upper;
        d["pred_lower"] = b.pred_lower;
        d["pred_upper"] = b.pred_upper;
        return d;
      })
      .def(py::pickle(&result_state, &result_from_state));

  m.def("fit_xy", [](const f64_array& x, const f64_array& y, const std::string& model, const py::object& weights,
                     const std::string& loss, double loss_scale, int breaks, int starts, int max_iterations) {
    f64_array wh;
    const auto w = weights_of(weights, wh);
    const auto xs = span_of(x, "fit", "x");
    const auto ys = span_of(y, "fit", "y");
    const auto mdl = emergent::parse_fit_model(model);
    const auto o = make_options(loss, loss_scale, breaks, starts, max_iterations);
    py::gil_scoped_release release;
    return emergent::fit_xy(xs, ys, mdl, o, w);
  });

  m.def("profile_likelihood", [](const f64_array& x, const f64_array& y, const fit_result& r, const std::string& name,
                                 double level, const py::object& weights, const std::string& loss, double loss_scale,
                                 int breaks, int starts, int max_iterations) {
    f64_array wh;
    const auto w = weights_of(weights, wh);
    const auto o = make_options(loss, loss_scale, breaks, starts, max_iterations);
    const auto p = emergent::profile_likelihood(span_of(x, "profile_likelihood", "x"), span_of(y, "profile_likelihood", "y"),
                                                r, name, level, o, w);
    py::dict d;
    d["name"] = p.name;
    d["estimate"] = p.estimate;
    d["lower"] = p.interval.lower;
    d["upper"] = p.interval.upper;
    d["open_lower"] = p.open_lower;
    d["open_upper"] = p.open_upper;
    return d;
  });

  m.def("bootstrap_fit", [](const f64_array& x, const f64_array& y, const std::string& model, const py::object& weights,
                            const std::string& kind, std::int64_t replicates, std::uint64_t seed, double level,
                            const std::string& loss, double loss_scale, int breaks, int starts, int max_iterations) {
    f64_array wh;
    const auto w = weights_of(weights, wh);
    emergent::fit_bootstrap_options bo;
    if (replicates < 1) throw input_error("bootstrap_fit: replicates: must be at least 1");
    bo.resampling.replicates = static_cast<std::size_t>(replicates);
    bo.resampling.seed = seed;
    bo.level = level;
    if (kind == "residual") bo.kind = emergent::fit_bootstrap_kind::residual;
    else if (kind == "wild") bo.kind = emergent::fit_bootstrap_kind::wild;
    else if (kind == "pairs") bo.kind = emergent::fit_bootstrap_kind::pairs;
    else throw input_error("bootstrap_fit: kind: '" + kind + "' is not 'residual', 'wild' or 'pairs'");
    const auto xs = span_of(x, "bootstrap_fit", "x");
    const auto ys = span_of(y, "bootstrap_fit", "y");
    const auto mdl = emergent::parse_fit_model(model);
    const auto o = make_options(loss, loss_scale, breaks, starts, max_iterations);
    emergent::fit_bootstrap_result b;
    {
      py::gil_scoped_release release;
      b = emergent::bootstrap_fit(xs, ys, mdl, o, bo, w);
    }
    py::dict d;
    d["param_names"] = b.param_names;
    d["replicates"] = b.replicates;
    d["lower"] = b.lower;
    d["upper"] = b.upper;
    d["std_errors"] = b.std_errors;
    d["failed"] = b.failed;
    d["not_identifiable"] = b.not_identifiable;
    return d;
  });
}

}  // namespace emergent_py
