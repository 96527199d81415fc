// Bindings of emergent/stats: the interval type, Wilson / Clopper–Pearson / Jeffreys intervals on
// scalars and arrays, bootstrap, and accumulators that merge with + and pickle (by their state()).
#include "common.hpp"

#include <cmath>
#include <string>

#include "emergent/core/interval.hpp"
#include "emergent/stats/accumulators.hpp"
#include "emergent/stats/bootstrap.hpp"
#include "emergent/stats/intervals.hpp"

namespace emergent_py {
namespace {

using emergent::confidence_interval;
using emergent::input_error;
using i64_vector = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

std::string number(double x) {
  return py::str(py::float_(x)).cast<std::string>();
}

std::string repr(const confidence_interval& ci) {
  return "Interval(lower=" + number(ci.lower) + ", upper=" + number(ci.upper) + ", level=" + number(ci.level) + ")";
}

using interval_fn = confidence_interval (*)(std::uint64_t, std::uint64_t, double);

std::uint64_t count_arg(std::int64_t value, const char* function, const char* name, std::size_t index, bool array) {
  if (value < 0) {
    throw input_error(array ? emergent::detail::describe_at(function, name, index, std::to_string(value) + " is negative")
                            : std::string(function) + ": " + name + ": " + std::to_string(value) + " is negative");
  }
  return static_cast<std::uint64_t>(value);
}

template <interval_fn F>
void def_interval(py::module_& m, const char* name) {
  m.def(name, [name](std::int64_t successes, std::int64_t n, double level) {
    return F(count_arg(successes, name, "successes", 0, false), count_arg(n, name, "n", 0, false), level);
  });
  m.def((std::string(name) + "_array").c_str(), [name](const i64_vector& s, const i64_vector& n, double level) {
    const auto ss = typed_span<std::int64_t>(s);
    const auto ns = typed_span<std::int64_t>(n);
    if (ss.size() != ns.size()) throw input_error(std::string(name) + ": successes and n have different sizes");
    py::array_t<double> lower(static_cast<py::ssize_t>(ss.size())), upper(static_cast<py::ssize_t>(ss.size()));
    double* lo = lower.mutable_data();
    double* hi = upper.mutable_data();
    for (std::size_t i = 0; i < ss.size(); ++i) {
      const std::uint64_t k = count_arg(ss[i], name, "successes", i, true);
      const std::uint64_t t = count_arg(ns[i], name, "n", i, true);
      if (t == 0) throw input_error(emergent::detail::describe_at(name, "n", i, "0 trials (empty group)"));
      if (k > t) {
        throw input_error(emergent::detail::describe_at(name, "successes", i,
                                                        std::to_string(k) + " exceed n = " + std::to_string(t)));
      }
      const confidence_interval ci = F(k, t, level);
      lo[i] = ci.lower;
      hi[i] = ci.upper;
    }
    return py::make_tuple(lower, upper);
  });
}

confidence_interval wilson(std::uint64_t k, std::uint64_t n, double level) { return emergent::wilson_interval(k, n, level); }
confidence_interval clopper(std::uint64_t k, std::uint64_t n, double level) {
  return emergent::clopper_pearson_interval(k, n, level);
}
confidence_interval jeffreys(std::uint64_t k, std::uint64_t n, double level) { return emergent::jeffreys_interval(k, n, level); }

emergent::bootstrap_method parse_method(const std::string& method) {
  if (method == "percentile") return emergent::bootstrap_method::percentile;
  if (method == "bca") return emergent::bootstrap_method::bca;
  throw input_error("bootstrap: method: '" + method + "' is not 'percentile' or 'bca'");
}

emergent::bootstrap_options boot_options(std::int64_t resamples, double level, std::uint64_t seed, int threads) {
  if (resamples < 1) throw input_error("bootstrap: resamples: must be at least 1");
  if (threads < 0) throw input_error("bootstrap: workers: must be >= 0");
  emergent::bootstrap_options o;
  o.resampling.replicates = static_cast<std::size_t>(resamples);
  o.level = level;
  o.resampling.seed = seed;
  o.resampling.threads = static_cast<unsigned>(threads);
  return o;
}

// ---- accumulator state: exact through state()/from_state() when the headers have them ----

template <class A>
py::dict mean_state_of(const A& a) {
  py::dict d;
  if constexpr (requires { a.state(); }) {
    const auto s = a.state();
    d["version"] = s.version;
    d["count"] = s.count;
    d["non_finite"] = s.non_finite;
    d["sum"] = s.sum;
    d["sum_compensation"] = s.sum_compensation;
    d["m2"] = s.m2;
  } else {
    d["version"] = 1;
    d["count"] = a.count();
    d["non_finite"] = a.non_finite_count();
    d["sum"] = a.sum();
    d["sum_compensation"] = 0.0;
    double m2 = 0.0;
    if (a.count() > 0 && a.non_finite_count() == 0) m2 = a.sum_of_squared_deviations();
    d["m2"] = m2;
  }
  return d;
}

// Fallback rebuild from public operations: n copies of v by doubling (M2 stays 0), then two groups
// whose means differ so that the merged M2 is the one recorded (exact up to rounding).
template <class A>
A constant_accumulator(double v, std::uint64_t n) {
  A out, base;
  base(v);
  while (n != 0) {
    if (n & 1U) out += base;
    n >>= 1U;
    if (n != 0) base += A(base);
  }
  return out;
}

template <class A>
A mean_from_state(const py::dict& d) {
  const auto get_count = [&](const char* key) {
    if (!d.contains(key)) throw input_error(std::string("accumulator state: missing field '") + key + "'");
    const auto v = d[key].cast<std::int64_t>();
    if (v < 0) throw input_error(std::string("accumulator state: ") + key + ": " + std::to_string(v) + " is negative");
    return v;
  };
  const auto get_real = [&](const char* key) {
    if (!d.contains(key)) throw input_error(std::string("accumulator state: missing field '") + key + "'");
    const auto v = d[key].cast<double>();
    if (!std::isfinite(v)) throw input_error(std::string("accumulator state: ") + key + ": not finite");
    return v;
  };
  if constexpr (requires { typename A::state_type; }) {
    typename A::state_type s;
    s.version = static_cast<decltype(s.version)>(get_count("version"));
    s.count = get_count("count");
    s.non_finite = get_count("non_finite");
    s.sum = get_real("sum");
    s.sum_compensation = get_real("sum_compensation");
    s.m2 = get_real("m2");
    return A::from_state(s);
  } else {
    if (get_count("version") != 1) throw input_error("accumulator state: version: not 1");
    const auto n = static_cast<std::uint64_t>(get_count("count"));
    const auto bad = static_cast<std::uint64_t>(get_count("non_finite"));
    const double sum = get_real("sum") + get_real("sum_compensation");
    const double m2 = get_real("m2");
    if (m2 < 0) throw input_error("accumulator state: m2: negative");
    A out;
    if (n == 1) {
      out(sum);
    } else if (n >= 2) {
      const std::uint64_t n1 = n / 2, n2 = n - n1;
      const double nd = static_cast<double>(n);
      const double mean = sum / nd;
      const double delta = std::sqrt(m2 * nd / (static_cast<double>(n1) * static_cast<double>(n2)));
      out = constant_accumulator<A>(mean - delta * static_cast<double>(n2) / nd, n1);
      out += constant_accumulator<A>(mean + delta * static_cast<double>(n1) / nd, n2);
    }
    for (std::uint64_t i = 0; i < bad; ++i) out(std::nan(""));
    return out;
  }
}

template <class A>
void bind_mean_accumulator(py::module_& m, const char* name) {
  py::class_<A>(m, name)
      .def(py::init<>())
      .def("update",
           [](A& a, const f64_array& values) {
             for (double x : span_of(values, "MeanAccumulator.update", "values")) a(x);
             return &a;
           },
           py::return_value_policy::reference_internal)
      .def("add", [](A& a, double x) { a(x); })
      .def("__iadd__", [](A& a, const A& b) -> A& { return a += b; }, py::return_value_policy::reference_internal)
      .def("__add__", [](const A& a, const A& b) { A c = a; c += b; return c; })
      .def_property_readonly("count", &A::count)
      .def_property_readonly("non_finite_count", &A::non_finite_count)
      .def_property_readonly("sum", &A::sum)
      .def_property_readonly("mean", &A::mean)
      .def_property_readonly("variance", &A::variance)
      .def_property_readonly("standard_error", &A::standard_error)
      .def("t_interval", [](const A& a, double level) { return emergent::t_interval(a, level); }, py::arg("level") = 0.95)
      .def("state", &mean_state_of<A>)
      .def_static("from_state", &mean_from_state<A>)
      .def("__eq__", [](const A& a, const A& b) { return mean_state_of(a).equal(mean_state_of(b)); })
      .def(py::pickle([](const A& a) { return mean_state_of(a); }, [](const py::dict& d) { return mean_from_state<A>(d); }))
      .def("__repr__", [name](const A& a) {
        std::string s = std::string(name) + "(count=" + std::to_string(a.count());
        if (a.count() > 0 && a.non_finite_count() == 0) s += ", mean=" + number(a.mean());
        if (a.non_finite_count() > 0) s += ", non_finite=" + std::to_string(a.non_finite_count());
        return s + ")";
      });
}

py::dict binary_state_of(const emergent::binary_accumulator& a) {
  py::dict d;
  d["version"] = 1;
  d["successes"] = a.successes();
  d["trials"] = a.count();
  return d;
}

emergent::binary_accumulator binary_from_state(const py::dict& d) {
  for (const char* key : {"version", "successes", "trials"}) {
    if (!d.contains(key)) throw input_error(std::string("accumulator state: missing field '") + key + "'");
  }
  if (d["version"].cast<std::int64_t>() != 1) throw input_error("accumulator state: version: not 1");
  const auto k = d["successes"].cast<std::int64_t>();
  const auto n = d["trials"].cast<std::int64_t>();
  if (k < 0 || n < 0) throw input_error("accumulator state: successes/trials: negative");
  emergent::binary_accumulator a;
  a.add(static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(n));
  return a;
}

}  // namespace

void init_stats(py::module_& m) {
  py::class_<confidence_interval>(m, "Interval", "A confidence interval: lower, upper, level (unpacks as (lower, upper))")
      .def(py::init([](double lower, double upper, double level) { return confidence_interval{lower, upper, level}; }),
           py::arg("lower"), py::arg("upper"), py::arg("level") = 0.95)
      .def_readonly("lower", &confidence_interval::lower)
      .def_readonly("upper", &confidence_interval::upper)
      .def_readonly("level", &confidence_interval::level)
      .def_property_readonly("width", &confidence_interval::width)
      .def("contains", &confidence_interval::contains)
      .def("__iter__", [](const confidence_interval& c) { return py::iter(py::make_tuple(c.lower, c.upper)); })
      .def("__len__", [](const confidence_interval&) { return 2; })
      .def("__getitem__", [](const confidence_interval& c, int i) {
        if (i == 0 || i == -2) return c.lower;
        if (i == 1 || i == -1) return c.upper;
        throw py::index_error("Interval index out of range");
      })
      .def("__eq__", [](const confidence_interval& a, const confidence_interval& b) {
        return a.lower == b.lower && a.upper == b.upper && a.level == b.level;
      })
      .def("__repr__", &repr)
      .def(py::pickle([](const confidence_interval& c) { return py::make_tuple(c.lower, c.upper, c.level); },
                      [](const py::tuple& t) {
                        return confidence_interval{t[0].cast<double>(), t[1].cast<double>(), t[2].cast<double>()};
                      }));

  def_interval<&wilson>(m, "wilson_interval");
  def_interval<&clopper>(m, "clopper_pearson_interval");
  def_interval<&jeffreys>(m, "jeffreys_interval");
  m.def("zero_success_upper_bound", [](std::int64_t n, double level) {
    return emergent::zero_success_upper_bound(count_arg(n, "zero_success_upper_bound", "n", 0, false), level);
  });

  py::class_<emergent::bootstrap_result>(m, "BootstrapResult")
      .def_readonly("estimate", &emergent::bootstrap_result::estimate)
      .def_readonly("interval", &emergent::bootstrap_result::interval)
      .def_readonly("standard_error", &emergent::bootstrap_result::standard_error)
      .def_readonly("bias", &emergent::bootstrap_result::bias)
      .def_property_readonly("replicates", [](const emergent::bootstrap_result& r) {
        return py::array_t<double>(static_cast<py::ssize_t>(r.replicates.size()), r.replicates.data());
      })
      .def("__repr__", [](const emergent::bootstrap_result& r) {
        return "BootstrapResult(estimate=" + number(r.estimate) + ", interval=" + repr(r.interval) +
               ", standard_error=" + number(r.standard_error) + ", replicates=" + std::to_string(r.replicates.size()) + ")";
      });
  m.def("bootstrap_mean", [](const f64_array& scores, const std::string& method, std::int64_t resamples, double level,
                             std::uint64_t seed, int workers) {
    const auto s = span_of(scores, "bootstrap_mean", "scores");
    const auto o = boot_options(resamples, level, seed, workers);
    const auto mt = parse_method(method);
    py::gil_scoped_release release;
    return emergent::bootstrap_mean(s, mt, o);
  });
  m.def("bootstrap_proportion", [](std::int64_t k, std::int64_t n, const std::string& method, std::int64_t resamples,
                                   double level, std::uint64_t seed, int workers) {
    const auto o = boot_options(resamples, level, seed, workers);
    return emergent::bootstrap_proportion(count_arg(k, "bootstrap_proportion", "successes", 0, false),
                                          count_arg(n, "bootstrap_proportion", "n", 0, false), parse_method(method), o);
  });
  m.def("bootstrap_mean_difference", [](const f64_array& a, const f64_array& b, const std::string& method,
                                        std::int64_t resamples, double level, std::uint64_t seed, int workers) {
    const auto sa = span_of(a, "bootstrap_mean_difference", "a");
    const auto sb = span_of(b, "bootstrap_mean_difference", "b");
    const auto o = boot_options(resamples, level, seed, workers);
    const auto mt = parse_method(method);
    py::gil_scoped_release release;
    return emergent::bootstrap_mean_difference(sa, sb, mt, o);
  });

  using B = emergent::binary_accumulator;
  py::class_<B>(m, "BinaryAccumulator")
      .def(py::init<>())
      .def("update",
           [](B& a, const py::array& values) {
             with_integer_array(values, "BinaryAccumulator.update", "values", [&](auto v) {
               std::uint64_t k = 0;
               for (std::size_t i = 0; i < v.size(); ++i) {
                 if (v[i] != 0 && v[i] != 1) {
                   throw input_error(emergent::detail::describe_at("BinaryAccumulator.update", "values", i, "not 0 or 1"));
                 }
                 k += v[i] ? 1U : 0U;
               }
               a.add(k, v.size());
               return 0;
             });
             return &a;
           },
           py::return_value_policy::reference_internal)
      .def("add",
           [](B& a, std::int64_t k, std::int64_t n) {
             a.add(count_arg(k, "BinaryAccumulator.add", "successes", 0, false),
                   count_arg(n, "BinaryAccumulator.add", "trials", 0, false));
           },
           py::arg("successes"), py::arg("trials") = 1)
      .def("__iadd__", [](B& a, const B& b) -> B& { return a += b; }, py::return_value_policy::reference_internal)
      .def("__add__", [](const B& a, const B& b) { B c = a; c += b; return c; })
      .def_property_readonly("successes", &B::successes)
      .def_property_readonly("count", &B::count)
      .def_property_readonly("proportion", &B::proportion)
      .def_property_readonly("mean", &B::mean)
      .def("interval",
           [](const B& a, const std::string& method, double level) {
             if (method == "wilson") return emergent::wilson_interval(a, level);
             if (method == "clopper_pearson") return emergent::clopper_pearson_interval(a, level);
             if (method == "jeffreys") return emergent::jeffreys_interval(a, level);
             throw input_error("BinaryAccumulator.interval: method: '" + method +
                               "' is not 'wilson', 'clopper_pearson' or 'jeffreys'");
           },
           py::arg("method") = "wilson", py::arg("level") = 0.95)
      .def("state", &binary_state_of)
      .def_static("from_state", &binary_from_state)
      .def("__eq__", [](const B& a, const B& b) { return a == b; })
      .def(py::pickle([](const B& a) { return binary_state_of(a); }, [](const py::dict& d) { return binary_from_state(d); }))
      .def("__repr__", [](const B& a) {
        return "BinaryAccumulator(successes=" + std::to_string(a.successes()) + ", count=" + std::to_string(a.count()) + ")";
      });

  bind_mean_accumulator<emergent::mean_accumulator>(m, "MeanAccumulator");
}

}  // namespace emergent_py
