// Bindings of emergent/io: the record readers (lm-eval samples and write_out, HELM, Inspect, CSV
// and JSONL with a column mapping) deliver columns (lists) that the Python layer turns into a pandas
// DataFrame or a dict of numpy arrays; lm-eval results files and compute tables likewise.
#include "common.hpp"

#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "emergent/io/compute.hpp"
#include "emergent/io/helm.hpp"
#include "emergent/io/inspect.hpp"
#include "emergent/io/lm_eval_results.hpp"
#include "emergent/io/lm_eval_samples.hpp"
#include "emergent/io/lm_eval_write_out.hpp"
#include "emergent/io/table.hpp"

namespace emergent_py {
namespace {

using emergent::input_error;
namespace eio = emergent::io;

// Column builder of records: one vector per field, stored scores by name (NaN where absent).
struct record_columns {
  std::vector<std::string> source, model, task, example_id, filter, answer;
  std::vector<std::int64_t> line, gold, chosen;
  std::vector<py::object> prediction, references, token_logprobs, option_logliks, option_greedy;
  std::map<std::string, std::vector<double>> stored;
  std::size_t rows = 0;

  void add(const eio::record& r) {
    source.push_back(r.source);
    line.push_back(static_cast<std::int64_t>(r.line));
    model.push_back(r.model);
    task.push_back(r.task);
    example_id.push_back(r.example_id);
    filter.push_back(r.filter);
    answer.push_back(r.answer);
    prediction.push_back(r.has_prediction ? py::object(py::str(r.prediction)) : py::object(py::none()));
    references.push_back(py::cast(r.references));
    token_logprobs.push_back(py::array_t<double>(static_cast<py::ssize_t>(r.token_logprobs.size()), r.token_logprobs.data()));
    py::array_t<double> ll(static_cast<py::ssize_t>(r.options.size()));
    py::array_t<bool> greedy(static_cast<py::ssize_t>(r.options.size()));
    for (std::size_t i = 0; i < r.options.size(); ++i) {
      ll.mutable_data()[i] = r.options[i].loglik;
      greedy.mutable_data()[i] = r.options[i].is_greedy;
    }
    option_logliks.push_back(ll);
    option_greedy.push_back(greedy);
    gold.push_back(r.gold == eio::no_option ? -1 : static_cast<std::int64_t>(r.gold));
    chosen.push_back(r.chosen == eio::no_option ? -1 : static_cast<std::int64_t>(r.chosen));
    for (const auto& s : r.stored) {
      auto& col = stored[s.name];
      col.resize(rows, std::numeric_limits<double>::quiet_NaN());
      col.push_back(s.value);
    }
    ++rows;
    for (auto& [name, col] : stored) col.resize(rows, std::numeric_limits<double>::quiet_NaN());
  }

  py::dict finish(const eio::read_summary& s) const {
    py::dict d;
    d["source"] = source;
    d["line"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(line.size()), line.data());
    d["model"] = model;
    d["task"] = task;
    d["example_id"] = example_id;
    d["filter"] = filter;
    d["prediction"] = prediction;
    d["answer"] = answer;
    d["references"] = references;
    d["token_logprobs"] = token_logprobs;
    d["option_logliks"] = option_logliks;
    d["option_greedy"] = option_greedy;
    d["gold"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(gold.size()), gold.data());
    d["chosen"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(chosen.size()), chosen.data());
    py::dict st;
    for (const auto& [name, col] : stored) st[py::str(name)] = py::array_t<double>(static_cast<py::ssize_t>(col.size()), col.data());
    py::dict summary;
    summary["read"] = s.read;
    summary["delivered"] = s.delivered;
    summary["skipped"] = s.skipped;
    summary["ignored"] = s.ignored;
    summary["first_errors"] = s.first_errors;
    py::dict out;
    out["columns"] = d;
    out["stored"] = st;
    out["summary"] = summary;
    return out;
  }
};

std::string helm_path(const std::string& path) {
  if (std::filesystem::is_directory(path)) return path + "/scenario_state.json";
  return path;
}

}  // namespace

void init_io(py::module_& m) {
  m.def("read_records", [](const std::string& format, const std::vector<std::string>& paths, const std::string& mapping,
                           const std::string& model, const std::string& task, const std::string& filter, bool skip_bad) {
    eio::read_options ro;
    ro.model = model;
    ro.task = task;
    ro.filter = filter;
    ro.skip_bad = skip_bad;
    std::optional<eio::column_mapping> map;
    if (format == "csv" || format == "jsonl") {
      if (mapping.empty()) throw input_error("read: format '" + format + "' needs a column mapping (mapping='model=...,example_id=...')");
      map = eio::parse_column_mapping(mapping);
    } else if (!mapping.empty()) {
      throw input_error("read: mapping: only format 'csv' or 'jsonl' reads a column mapping ('" + format + "' knows its fields)");
    }
    record_columns cols;
    eio::read_summary total;
    const eio::record_sink sink = [&](const eio::record& r) { cols.add(r); };
    for (const std::string& path : paths) {
      eio::read_summary s;
      if (format == "lm-eval") s = eio::read_lm_eval_samples_file(path, ro, sink);
      else if (format == "lm-eval-v03") s = eio::read_lm_eval_write_out_file(path, ro, sink);
      else if (format == "helm") s = eio::read_helm_scenario_state_file(helm_path(path), ro, sink);
      else if (format == "inspect") s = eio::read_inspect_log_file(path, ro, sink);
      else if (format == "csv") s = eio::read_csv_file(path, *map, ro, sink);
      else if (format == "jsonl") s = eio::read_jsonl_file(path, *map, ro, sink);
      else throw input_error("read: format: '" + format + "' is not one of lm-eval, lm-eval-v03, helm, inspect, csv, jsonl");
      total.read += s.read;
      total.delivered += s.delivered;
      total.skipped += s.skipped;
      total.ignored += s.ignored;
      for (auto& e : s.first_errors) {
        if (total.first_errors.size() < 10) total.first_errors.push_back(e);
      }
    }
    return cols.finish(total);
  });

  m.def("read_lm_eval_results", [](const std::string& path) {
    const auto rows = eio::read_lm_eval_results_file(path);
    py::dict d;
    std::vector<std::string> model, task, alias, metric, filter, parent;
    std::vector<double> value, se, n, shots;
    std::vector<bool> group;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const auto& r : rows) {
      model.push_back(r.model);
      task.push_back(r.task);
      alias.push_back(r.alias);
      metric.push_back(r.metric);
      filter.push_back(r.filter);
      parent.push_back(r.parent);
      value.push_back(r.value);
      se.push_back(r.stderr_value.value_or(nan));
      n.push_back(r.n.value_or(nan));
      shots.push_back(r.num_fewshot.value_or(nan));
      group.push_back(r.is_group);
    }
    d["model"] = model;
    d["task"] = task;
    d["alias"] = alias;
    d["metric"] = metric;
    d["filter"] = filter;
    d["value"] = py::array_t<double>(static_cast<py::ssize_t>(value.size()), value.data());
    d["stderr"] = py::array_t<double>(static_cast<py::ssize_t>(se.size()), se.data());
    d["n"] = py::array_t<double>(static_cast<py::ssize_t>(n.size()), n.data());
    d["num_fewshot"] = py::array_t<double>(static_cast<py::ssize_t>(shots.size()), shots.data());
    d["is_group"] = group;
    d["parent"] = parent;
    return d;
  });

  m.def("read_compute_table", [](const std::string& path) {
    const auto rows = eio::read_compute_table_file(path);
    std::vector<std::string> model;
    std::vector<double> params, tokens, flops;
    std::vector<bool> derived;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const auto& r : rows) {
      model.push_back(r.model);
      params.push_back(r.parameters.value_or(nan));
      tokens.push_back(r.tokens.value_or(nan));
      flops.push_back(r.flops.value_or(nan));
      derived.push_back(r.flops_derived);
    }
    py::dict d;
    d["model"] = model;
    d["params"] = py::array_t<double>(static_cast<py::ssize_t>(params.size()), params.data());
    d["tokens"] = py::array_t<double>(static_cast<py::ssize_t>(tokens.size()), tokens.data());
    d["flops"] = py::array_t<double>(static_cast<py::ssize_t>(flops.size()), flops.data());
    d["flops_derived"] = derived;
    return d;
  });
}

}  // namespace emergent_py
