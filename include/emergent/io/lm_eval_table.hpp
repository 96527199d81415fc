/// @file
/// @brief Reader for the Markdown results table that lm-evaluation-harness prints at the end of a
///        run (`|Tasks|Version|Filter|n-shot|Metric| |Value| |Stderr|`, and the `|Groups|...` table),
///        into the rows of io/lm_eval_results.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/lm_eval_results.hpp"

namespace emergent::io {

namespace detail {

/// The cells of a Markdown table line `|a|b|c|` (without the outer bars), untrimmed.
inline std::vector<std::string_view> table_cells(std::string_view line) {
  std::vector<std::string_view> cells;
  line = trim_view(line);
  if (line.empty() || line.front() != '|') return cells;
  line.remove_prefix(1);
  if (!line.empty() && line.back() == '|') line.remove_suffix(1);
  while (true) {
    const auto bar = line.find('|');
    cells.push_back(line.substr(0, bar));
    if (bar == std::string_view::npos) break;
    line.remove_prefix(bar + 1);
  }
  return cells;
}

}  // namespace detail

/// Reads the results table(s) lm-evaluation-harness prints (Markdown; `--output_path` not needed)
/// from text. Columns are found by their header names (`Tasks` or `Groups`, `Filter`, `n-shot`,
/// `Metric`, `Value`, `Stderr`); a row with an empty task continues the task above; a task written
/// ` - name` is a subtask of the nearest less indented one above (its `parent`), which is then a
/// group. `N/A` or an empty cell is no standard error. The model comes from `model` when given, else
/// from `pretrained=` in the configuration line lm-eval prints above the table (`hf (pretrained=...,
/// ...), gen_kwargs: ...`), else it is empty. A row that the `|Groups|` table repeats is kept once.
/// Throws parse_error (`source:line: column: message`) on a malformed row or when there is no table.
inline std::vector<aggregate_result> read_lm_eval_table(std::string_view text, std::string_view source,
                                                        std::string_view model = {}) {
  using detail::trim_view;
  std::vector<aggregate_result> out;
  std::string model_name(model), revision;
  struct columns {
    std::size_t task = 0, filter = 0, shots = 0, metric = 0, value = 0, stderr_ = 0, count = 0;
  };
  columns cols;  // of the current table (a plain struct and a flag: GCC -O2 warns on std::optional here)
  bool in_table = false;
  std::vector<std::pair<std::size_t, std::string>> stack;  // (indent, task) of the rows above
  std::string task;
  std::size_t line_no = 0;
  bool saw_table = false;
  const std::string file(source);
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view t = trim_view(line);
    if (t.empty() || t.front() != '|') {
      if (model.empty() && model_name.empty()) {  // the configuration line above the table
        const auto open = t.find("(pretrained=");
        if (open != std::string_view::npos) {
          std::string_view args = t.substr(open + 1);
          args = args.substr(0, args.find(')'));
          model_name = detail::model_arg(args, "pretrained");
          revision = detail::model_arg(args, "revision");
        }
      }
      in_table = false;  // a table ends at a line that is not a table row
      continue;
    }
    const std::vector<std::string_view> cells = detail::table_cells(t);
    const std::string_view first = trim_view(cells.front());
    if (first == "Tasks" || first == "Groups") {
      columns c;
      c.count = cells.size();
      bool have[5] = {false, false, false, false, false};
      for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::string_view name = trim_view(cells[i]);
        if (name == "Filter") c.filter = i, have[0] = true;
        if (name == "n-shot") c.shots = i, have[1] = true;
        if (name == "Metric") c.metric = i, have[2] = true;
        if (name == "Value") c.value = i, have[3] = true;
        if (name == "Stderr") c.stderr_ = i, have[4] = true;
      }
      const char* names[5] = {"Filter", "n-shot", "Metric", "Value", "Stderr"};
      for (int k = 0; k < 5; ++k) {
        if (!have[k]) throw parse_error(file, line_no, names[k], "missing from the table header");
      }
      cols = c;
      in_table = true;
      saw_table = true;
      stack.clear();
      task.clear();
      continue;
    }
    if (!in_table) throw parse_error(file, line_no, "", "a table row before any |Tasks| or |Groups| header");
    if (first.find_first_not_of("-:") == std::string_view::npos && !first.empty()) continue;  // |---|---:|
    if (cells.size() != cols.count) {
      throw parse_error(file, line_no, "",
                        std::to_string(cells.size()) + " cells where the header has " + std::to_string(cols.count));
    }
    if (!first.empty()) {  // a new task; " - name" is a subtask, nested by its indentation
      const std::string_view raw = cells.front();
      std::size_t indent = raw.find_first_not_of(' ');
      std::string_view name = trim_view(raw);
      if (name.size() >= 2 && name.substr(0, 2) == "- ") {
        name.remove_prefix(2);
        name = trim_view(name);
        indent += 1;
      } else {
        indent = 0;
      }
      while (!stack.empty() && stack.back().first >= indent) stack.pop_back();
      task = std::string(name);
      if (!stack.empty()) {  // the task above is a group
        for (auto& row : out) row.is_group = row.is_group || row.task == stack.back().second;
      }
      stack.emplace_back(indent, task);
    }
    if (task.empty()) throw parse_error(file, line_no, "Tasks", "a continuation row with no task above it");
    aggregate_result row;
    row.model = model_name;
    row.revision = revision;
    row.source = file;
    row.task = task;
    row.alias = task;
    if (stack.size() >= 2) row.parent = stack[stack.size() - 2].second;
    row.filter = std::string(trim_view(cells[cols.filter]));
    if (row.filter.empty()) row.filter = "none";
    row.metric = std::string(trim_view(cells[cols.metric]));
    if (row.metric.empty()) throw parse_error(file, line_no, "Metric", "empty");
    const std::string_view value = trim_view(cells[cols.value]);
    const auto v = detail::number_from_text(value);
    if (!v) throw parse_error(file, line_no, "Value", "'" + std::string(value.substr(0, 40)) + "' is not a number");
    row.value = *v;
    const std::string_view se = trim_view(cells[cols.stderr_]);
    if (!se.empty() && se != "N/A") {
      const auto s = detail::number_from_text(se);
      if (!s) throw parse_error(file, line_no, "Stderr", "'" + std::string(se.substr(0, 40)) + "' is not a number");
      row.stderr_value = *s;
    }
    const std::string_view shots = trim_view(cells[cols.shots]);
    if (!shots.empty() && shots != "N/A") {
      const auto s = detail::number_from_text(shots);
      if (!s) throw parse_error(file, line_no, "n-shot", "'" + std::string(shots.substr(0, 40)) + "' is not a number");
      row.num_fewshot = *s;
    }
    bool repeated = false;  // the |Groups| table repeats group rows of the |Tasks| table
    for (const auto& o : out) {
      if (o.task == row.task && o.metric == row.metric && o.filter == row.filter) {
        if (o.value != row.value) {
          throw parse_error(file, line_no, "Value",
                            "task '" + row.task + "', " + row.metric + ": a second, different value");
        }
        repeated = true;
      }
    }
    if (!repeated) out.push_back(std::move(row));
  }
  if (!saw_table) throw parse_error(file, 0, "", "no lm-eval results table (a line starting |Tasks| or |Groups|)");
  return out;
}

/// Reads a printed lm-eval results table from a file (gzip/zstd decompressed when
/// emergent/io/decompress.hpp is part of the program).
inline std::vector<aggregate_result> read_lm_eval_table_file(const std::string& path, std::string_view model = {}) {
  const simdjson::padded_string text = detail::load_file(path);
  return read_lm_eval_table(std::string_view(text.data(), text.size()), path, model);
}

}  // namespace emergent::io
