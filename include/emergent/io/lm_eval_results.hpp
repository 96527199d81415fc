/// @file
/// @brief Reader for lm-evaluation-harness aggregate results (`results_<date>.json`): the 0.4
///        layout with `"metric,filter"` keys, groups and subtasks, and the older 0.3 layout.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"

namespace emergent::io {

/// One aggregate number of an lm-evaluation-harness results file.
struct aggregate_result {
  /// The model (`model_name`, else `pretrained=` of `config.model_args`).
  std::string model;
  /// The task or group name (the key in `results`).
  std::string task;
  /// The display alias (`alias`; 0.4 only), with its indentation removed.
  std::string alias;
  /// The metric (`acc`, `exact_match`, `perplexity`, ...).
  std::string metric;
  /// The filter (`none`, `strict-match`, ...; `none` for 0.3 files).
  std::string filter;
  /// The value.
  double value = 0.0;
  /// The standard error, when the file gives one (not "N/A").
  std::optional<double> stderr_value;
  /// The number of examples (`n-samples.<task>.effective`), when given.
  std::optional<double> n;
  /// The few-shot count (`n-shot.<task>`, 0.3: `config.num_fewshot`), when given.
  std::optional<double> num_fewshot;
  /// Whether `task` is a group of subtasks (listed in `groups` or with subtasks in `group_subtasks`).
  bool is_group = false;
  /// The group this task belongs to (from `group_subtasks`), empty at the top level.
  std::string parent;
  /// The model's checkpoint (`revision=` of `config.model_args`, e.g. `step13000`), empty when not given.
  std::string revision;
  /// The file the number was read from.
  std::string source;
};

namespace detail {

/// The value of `key=` in a comma-separated `model_args` string ("pretrained=X,revision=Y"); empty when absent.
inline std::string model_arg(std::string_view args, std::string_view key) {
  while (!args.empty()) {
    const auto comma = args.find(',');
    const std::string_view part = args.substr(0, comma);
    if (part.size() > key.size() && part.substr(0, key.size()) == key && part[key.size()] == '=') {
      return std::string(part.substr(key.size() + 1));
    }
    if (comma == std::string_view::npos) break;
    args.remove_prefix(comma + 1);
  }
  return "";
}

inline std::string revision_from_results(element root) {
  if (auto config = member(root, "config")) {
    if (auto args = member(*config, "model_args"); args && args->type() == element_type::STRING) {
      return model_arg(std::string_view(*args), "revision");
    }
  }
  return "";
}

inline std::string model_from_results(element root) {
  if (auto name = member(root, "model_name"); name && name->type() == element_type::STRING) {
    return std::string(std::string_view(*name));
  }
  if (auto config = member(root, "config")) {
    if (auto args = member(*config, "model_args"); args && args->type() == element_type::STRING) {
      const std::string_view a(*args);
      const auto p = a.find("pretrained=");
      if (p != std::string_view::npos) {
        const auto start = p + 11;
        return std::string(a.substr(start, a.find(',', start) - start));
      }
      return std::string(a);
    }
  }
  return "";
}

}  // namespace detail

/// Reads an lm-evaluation-harness results file from a buffer into one row per (task, metric,
/// filter). 0.4: `results.<task>."<metric>,<filter>"` with `"<metric>_stderr,<filter>"` beside it
/// ("N/A" = no standard error), `groups`/`group_subtasks` mark groups and parents, `n-samples` and
/// `n-shot` give n and the shot count. 0.3: `results.<task>.<metric>` with `<metric>_stderr`.
inline std::vector<aggregate_result> read_lm_eval_results(std::string_view text, std::string_view source) {
  using namespace detail;
  const simdjson::padded_string padded(detail::without_bom(text));
  simdjson::dom::parser parser;
  const where at{source, 0};
  const element root = parse_document(parser, padded.data(), padded.size(), at);
  const element results = required(root, "results", at, "results");
  if (results.type() != element_type::OBJECT) at.fail("results", "expected an object");
  const std::string model = model_from_results(root);
  const std::string revision = revision_from_results(root);
  std::optional<double> default_shots;
  if (auto config = member(root, "config")) {
    if (auto shots = member(*config, "num_fewshot"); shots && shots->type() != element_type::NULL_VALUE) {
      default_shots = to_number(*shots, at, "config.num_fewshot");
    }
  }
  std::vector<aggregate_result> out;
  for (auto [task_key, metrics] : simdjson::dom::object(results)) {
    const std::string task(task_key);
    const std::string field = "results." + task;
    if (metrics.type() != element_type::OBJECT) at.fail(field, "expected an object of metrics");
    aggregate_result base;
    base.model = model;
    base.revision = revision;
    base.source = std::string(source);
    base.task = task;
    base.filter = "none";
    base.num_fewshot = default_shots;
    if (auto alias = member(metrics, "alias"); alias && alias->type() == element_type::STRING) {
      std::string_view a(*alias);
      while (!a.empty() && (a.front() == ' ' || a.front() == '-')) a.remove_prefix(1);
      base.alias = std::string(a);
    }
    if (auto groups = member(root, "groups"); groups && member(*groups, task)) base.is_group = true;
    if (auto gs = member(root, "group_subtasks"); gs && gs->type() == element_type::OBJECT) {
      for (auto [group, subtasks] : simdjson::dom::object(*gs)) {
        if (subtasks.type() != element_type::ARRAY) continue;
        if (group == task_key && simdjson::dom::array(subtasks).size() > 0) base.is_group = true;
        for (element s : simdjson::dom::array(subtasks)) {
          if (s.type() == element_type::STRING && std::string_view(s) == task_key) base.parent = std::string(group);
        }
      }
    }
    if (auto ns = member(root, "n-samples")) {
      if (auto entry = member(*ns, task)) {
        if (auto eff = member(*entry, "effective")) base.n = to_number(*eff, at, "n-samples." + task + ".effective");
      }
    }
    if (auto shots = member(root, "n-shot")) {
      if (auto s = member(*shots, task); s && s->type() != element_type::NULL_VALUE) {
        base.num_fewshot = to_number(*s, at, "n-shot." + task);
      }
    }
    for (auto [key, value] : simdjson::dom::object(metrics)) {
      if (key == "alias" || key == "name" || key == "sample_len" || key == "sample_count") continue;
      std::string_view metric = key, filter = "none";
      if (const auto comma = key.find(','); comma != std::string_view::npos) {
        metric = key.substr(0, comma);
        filter = key.substr(comma + 1);
      }
      if (metric.size() > 7 && metric.substr(metric.size() - 7) == "_stderr") continue;
      if (value.type() == element_type::STRING && std::string_view(value) == "N/A") continue;
      if (value.type() == element_type::OBJECT || value.type() == element_type::ARRAY ||
          value.type() == element_type::NULL_VALUE) {
        continue;
      }
      aggregate_result row = base;
      row.metric = std::string(metric);
      row.filter = std::string(filter);
      row.value = to_number(value, at, field + "." + std::string(key));
      std::string stderr_key = row.metric + "_stderr";
      if (key.find(',') != std::string_view::npos) stderr_key += "," + row.filter;
      if (auto se = member(metrics, stderr_key)) {
        if (!(se->type() == element_type::STRING && std::string_view(*se) == "N/A") &&
            se->type() != element_type::NULL_VALUE) {
          row.stderr_value = to_number(*se, at, field + "." + stderr_key);
        }
      }
      out.push_back(std::move(row));
    }
  }
  return out;
}

/// Reads an lm-evaluation-harness results file (small; loaded whole; gzip/zstd decompressed when
/// emergent/io/decompress.hpp is part of the program).
inline std::vector<aggregate_result> read_lm_eval_results_file(const std::string& path) {
  const simdjson::padded_string text = detail::load_file(path);
  return read_lm_eval_results(std::string_view(text.data(), text.size()), path);
}

/// Reads a collection of lm-evaluation-harness results files into one table of (model, revision,
/// task, metric, filter, value, stderr) rows, e.g. the Pythia suite's 672 files, one per model and
/// checkpoint. Each path is a results file or a directory, walked recursively in name order: every
/// `*.json` in it (also `.json.gz`, `.json.zst`) except lm-eval's `samples_*` files must be a
/// results file (a parse_error names the first that is not). Rows keep the file order, then the
/// order of read_lm_eval_results.
inline std::vector<aggregate_result> read_lm_eval_results_collection(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  auto is_results_name = [](const fs::path& p) {
    const std::string name = p.filename().string();
    if (name.rfind("samples_", 0) == 0) return false;
    for (const char* ext : {".json", ".json.gz", ".json.zst"}) {
      const std::string e(ext);
      if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return true;
    }
    return false;
  };
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && is_results_name(it->path())) found.push_back(it->path().string());
      }
      if (ec) throw parse_error(p, 0, "", "cannot list the directory: " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty()) throw parse_error(p, 0, "", "no results file (*.json) in this directory");
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  std::vector<aggregate_result> out;
  for (const auto& f : files) {
    std::vector<aggregate_result> rows = read_lm_eval_results_file(f);
    out.insert(out.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  return out;
}

}  // namespace emergent::io
