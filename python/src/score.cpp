// Bindings of emergent/scoring: the scorer behind `emergent score` (read files of any format, score
// every record under the metrics, aggregate per model and task), its merge, and its versioned state
// (pickled as the state's JSON form, the document keys as raw arrays) so that shards scored in other
// processes (Dask) merge into the table one pass gives.
#include "common.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "emergent/io/compute.hpp"
#include "emergent/io/dispatch.hpp"
#include "emergent/scoring/read_file.hpp"
#include "emergent/scoring/results.hpp"
#include "emergent/scoring/scorer.hpp"
#include "emergent/scoring/scorer_state_json.hpp"

namespace emergent_py {
namespace {

using emergent::input_error;
namespace eio = emergent::io;
namespace sc = emergent::scoring;

// A scorer and the reader buffers it reuses from one file to the next (the buffers are not state).
struct py_scorer {
  sc::scorer scorer;
  eio::reader_context context;
  explicit py_scorer(sc::scorer s) : scorer(std::move(s)) {}
};

sc::scorer_options make_options(const std::string& metrics, double level, std::int64_t max_tokens,
                                const std::string& format) {
  sc::scorer_options o;
  if (metrics != "auto") o.metrics = sc::parse_metric_list(metrics);
  o.format = format;  // the framework's defaults (auto metrics, exact-match normalisation), as the CLI
  o.level = level;
  if (max_tokens < 1) throw input_error("score: max_tokens: must be at least 1");
  o.max_tokens = static_cast<std::size_t>(max_tokens);
  return o;
}

py::dict summary_of(const eio::read_summary& s) {
  py::dict d;
  d["read"] = s.read;
  d["delivered"] = s.delivered;
  d["skipped"] = s.skipped;
  d["ignored"] = s.ignored;
  d["first_errors"] = s.first_errors;
  return d;
}

// One file (or the whole lines of bytes [begin, end) of a JSON Lines file, whose first line is
// first_line) read into the scorer; the GIL is released while reading and scoring.
py::dict read_into(py_scorer& self, const std::string& format, const std::string& path, const std::string& mapping,
                   const std::string& model, const std::string& task, const std::string& filter, bool skip_bad,
                   std::int64_t begin, std::int64_t end, std::int64_t first_line) {
  const eio::input_format f = eio::parse_input_format(format);
  eio::input_options ro;
  ro.model = model;
  ro.task = task;
  ro.filter = filter;
  ro.skip_bad = skip_bad;
  if (eio::needs_column_mapping(f)) {
    if (mapping.empty()) throw input_error("score: format '" + format + "' needs a column mapping (mapping='model=...,example_id=...')");
    ro.mapping = eio::parse_column_mapping(mapping);
    if (ro.mapping->task.empty() && task.empty()) {
      throw input_error("score: format " + format + ": no task: map a task column (task=COLUMN) or give task=");
    }
    if (ro.mapping->model.empty() && model.empty()) {
      throw input_error("score: format " + format + ": no model: map a model column (model=COLUMN) or give model=");
    }
  } else if (!mapping.empty()) {
    throw input_error("score: mapping: only format 'csv' or 'jsonl' reads a column mapping ('" + format + "' knows its fields)");
  }
  eio::read_summary s;
  if (begin < 0) {
    py::gil_scoped_release release;
    s = sc::read_file(self.scorer, f, path, ro, self.context);
  } else {
    if (!eio::reads_line_ranges(f)) throw input_error("score: format " + format + " cannot be read in byte ranges");
    if (end < begin || first_line < 1) throw input_error("score: byte range: need 0 <= begin <= end and first_line >= 1");
    eio::detail::line_range range;
    range.begin = static_cast<std::uint64_t>(begin);
    range.end = static_cast<std::uint64_t>(end);
    range.first_line = static_cast<std::size_t>(first_line);
    py::gil_scoped_release release;
    self.scorer.begin_source(path);
    const eio::record_sink sink = [&](const eio::record& r) { self.scorer.add(r); };
    s = eio::read_file_lines(f, path, range, ro, sink, self.context);
    self.scorer.add_summary(s);
  }
  return summary_of(s);
}

// The aggregate rows as columns, with the compute table's columns when one is given (as the CLI's
// --compute): model, task, metric, n, value, lower, upper, stderr, interval, params, tokens, flops,
// flops_derived. Absent numbers are NaN, an absent interval name "".
py::dict results_of(const py_scorer& self, const std::string& compute_path) {
  std::vector<eio::compute_entry> compute;
  if (!compute_path.empty()) {
    compute = eio::read_compute_table_file(compute_path);
    for (const auto& c : compute) {
      for (const auto& [v, name] : {std::pair{c.parameters, "params"}, std::pair{c.tokens, "tokens"}, std::pair{c.flops, "flops"}}) {
        if (v && !std::isfinite(*v)) {
          throw emergent::parse_error(compute_path, c.line, name, std::string(name) + " of model '" + c.model +
                                                                      "' overflows a double (larger than 1.8e308)");
        }
      }
    }
  }
  const auto rows = sc::results(self.scorer);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> model, task, metric, interval;
  std::vector<std::int64_t> n;
  std::vector<double> value, lower, upper, se, params, tokens, flops;
  std::vector<py::object> derived;
  for (const auto& r : rows) {
    model.push_back(r.model);
    task.push_back(r.task);
    metric.push_back(r.metric);
    n.push_back(static_cast<std::int64_t>(r.n));
    value.push_back(r.value);
    lower.push_back(r.lower.value_or(nan));
    upper.push_back(r.upper.value_or(nan));
    se.push_back(r.stderr_.value_or(nan));
    interval.push_back(r.interval);
    const eio::compute_entry* c = eio::find_compute(compute, r.model);
    params.push_back(c && c->parameters ? *c->parameters : nan);
    tokens.push_back(c && c->tokens ? *c->tokens : nan);
    flops.push_back(c && c->flops ? *c->flops : nan);
    derived.push_back(c ? py::object(py::bool_(c->flops_derived)) : py::object(py::none()));
  }
  auto array = [](const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
  };
  py::dict d;
  d["model"] = model;
  d["task"] = task;
  d["metric"] = metric;
  d["n"] = array(n);
  d["value"] = array(value);
  d["lower"] = array(lower);
  d["upper"] = array(upper);
  d["stderr"] = array(se);
  d["interval"] = interval;
  d["params"] = array(params);
  d["tokens"] = array(tokens);
  d["flops"] = array(flops);
  d["flops_derived"] = derived;
  return d;
}

py::dict full_summary(const py_scorer& self) {
  py::dict d = summary_of(self.scorer.summary());
  py::dict per;
  const auto& metrics = self.scorer.metrics();
  const auto& counts = self.scorer.counts();
  for (std::size_t i = 0; i < metrics.size() && i < counts.size(); ++i) {
    py::dict c;
    c["scored"] = counts[i].scored;
    c["not_applicable"] = counts[i].not_applicable;
    per[py::str(metrics[i].name)] = c;
  }
  d["per_metric"] = per;
  d["uniform"] = self.scorer.uniform();
  return d;
}

std::vector<std::string> metric_names(const py_scorer& self) {
  std::vector<std::string> out;
  for (const auto& m : self.scorer.metrics()) out.push_back(m.name);
  return out;
}

// Pickled form: the state's JSON without the document keys, then the keys and their source indices
// as raw little-endian arrays (one key per document: as JSON text they are most of the state's bytes
// and of its parse time).
py::tuple pickle_state(const py_scorer& self) {
  sc::scorer_state s = self.scorer.state();
  std::string keys(s.documents.size() * sizeof(std::uint64_t), '\0');
  std::string sources(s.documents.size() * sizeof(std::uint32_t), '\0');
  for (std::size_t i = 0; i < s.documents.size(); ++i) {
    std::memcpy(keys.data() + i * sizeof(std::uint64_t), &s.documents[i].key, sizeof(std::uint64_t));
    std::memcpy(sources.data() + i * sizeof(std::uint32_t), &s.documents[i].source, sizeof(std::uint32_t));
  }
  s.documents.clear();
  return py::make_tuple(py::bytes(sc::to_json(s)), py::bytes(keys), py::bytes(sources));
}

py_scorer unpickle_state(const py::tuple& t) {
  if (t.size() != 3) throw input_error("pickled scorer: expected (state, keys, sources)");
  sc::scorer_state s = sc::scorer_state_from_json(t[0].cast<std::string>(), "pickled scorer");
  const auto keys = t[1].cast<std::string>();
  const auto sources = t[2].cast<std::string>();
  const std::size_t n = keys.size() / sizeof(std::uint64_t);
  if (keys.size() % sizeof(std::uint64_t) != 0 || sources.size() != n * sizeof(std::uint32_t)) {
    throw input_error("pickled scorer: documents: the key and source arrays differ in length");
  }
  s.documents.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(&s.documents[i].key, keys.data() + i * sizeof(std::uint64_t), sizeof(std::uint64_t));
    std::memcpy(&s.documents[i].source, sources.data() + i * sizeof(std::uint32_t), sizeof(std::uint32_t));
  }
  return py_scorer(sc::scorer::from_state(s));
}

}  // namespace

void init_score(py::module_& m) {
  py::class_<py_scorer>(m, "Scorer")
      .def(py::init([](const std::string& metrics, double level, std::int64_t max_tokens, const std::string& format) {
             return py_scorer(sc::scorer(make_options(metrics, level, max_tokens, format)));
           }),
           py::arg("metrics") = "auto", py::arg("level") = 0.95, py::arg("max_tokens") = 100000,
           py::arg("format") = "")
      .def("read", &read_into, py::arg("format"), py::arg("path"), py::arg("mapping") = "", py::arg("model") = "",
           py::arg("task") = "", py::arg("filter") = "", py::arg("skip_bad") = false, py::arg("begin") = -1,
           py::arg("end") = -1, py::arg("first_line") = 1)
      .def("merge", [](py_scorer& self, const py_scorer& other) {
        py::gil_scoped_release release;
        self.scorer.merge(other.scorer);
      })
      .def("check_complete", [](const py_scorer& self) { self.scorer.check_complete(); })
      .def("results", &results_of, py::arg("compute") = "")
      .def("summary", &full_summary)
      .def_property_readonly("metrics", &metric_names)
      .def("to_json", [](const py_scorer& self) { return sc::to_json(self.scorer.state()); })
      .def_static("from_json", [](const std::string& text) {
        return py_scorer(sc::scorer::from_state(sc::scorer_state_from_json(text, "scorer state")));
      })
      .def(py::pickle(&pickle_state, &unpickle_state));
}

}  // namespace emergent_py
