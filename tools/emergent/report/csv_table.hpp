// A small CSV reader for the report command's inputs (score tables, per-example tables, compute
// tables): RFC 4180 quoting, '#' comment lines and blank lines skipped, a header row required.
// Errors are emergent::parse_error with file, line and field.
#pragma once

#include <cstddef>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <emergent/core/error.hpp>

namespace emergent::cli::report {

/// A CSV file held in memory: the header, the rows and the 1-based line of each row.
struct csv_table {
  std::string file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;

  /// Index of `name` in the header, or nothing.
  [[nodiscard]] std::optional<std::size_t> find(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    return std::nullopt;
  }
  /// Index of `name`; throws parse_error naming the file when the column is missing.
  [[nodiscard]] std::size_t column(const std::string& name) const {
    if (auto i = find(name)) return *i;
    std::string known;
    for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
    throw parse_error(file, 1, name, "no such column (columns: " + known + ")");
  }
  /// The cell as a number; throws parse_error when it is not one. Empty cells give nothing.
  [[nodiscard]] std::optional<double> number(std::size_t row, std::size_t col) const {
    const std::string& s = rows[row][col];
    if (s.empty() || s == "NA" || s == "nan" || s == "NaN") return std::nullopt;
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != s.size()) throw parse_error(file, lines[row], header[col], "'" + s + "' is not a number");
    return v;
  }
};

/// Splits CSV text into records (quoted fields may hold commas, quotes and newlines).
inline csv_table parse_csv(const std::string& text, const std::string& file) {
  csv_table t;
  t.file = file;
  std::vector<std::string> record;
  std::string field;
  std::size_t line = 1, record_line = 1;
  bool in_quotes = false, at_record_start = true, field_quoted = false;
  const auto end_record = [&]() {
    record.push_back(field);
    field.clear();
    if (t.header.empty()) {
      t.header = record;
    } else {
      if (record.size() != t.header.size()) {
        throw parse_error(file, record_line, "", "expected " + std::to_string(t.header.size()) + " fields, found " +
                                                     std::to_string(record.size()));
      }
      t.rows.push_back(record);
      t.lines.push_back(record_line);
    }
    record.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (at_record_start) {
      record_line = line;
      if (c == '#' || c == '\n' || c == '\r') {  // comment or blank line
        while (i < text.size() && text[i] != '\n') ++i;
        ++line;
        continue;
      }
      at_record_start = false;
    }
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty() && !field_quoted) {
      in_quotes = field_quoted = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
      field_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      field_quoted = false;
      at_record_start = true;
      ++line;
    } else {
      field += c;
    }
  }
  if (in_quotes) throw parse_error(file, record_line, "", "unterminated quoted field");
  if (!at_record_start) end_record();
  if (t.header.empty()) throw parse_error(file, 0, "", "no header row");
  return t;
}

/// Pivots a long table (one row per model and metric, columns `metric` and `value`, as written by
/// `emergent score --per-model`) into a wide one: one row per combination of the other columns, and for
/// each metric M the columns M, M_lower, M_upper, M_n and M_stderr (from `lower`, `upper`, `n`, `stderr`
/// when present). The line of a wide row is the line of its first long row. A metric given twice for the
/// same row is a parse_error.
inline csv_table pivot_long(const csv_table& t) {
  const std::size_t metric = t.column("metric"), value = t.column("value");
  const std::vector<std::string> companions{"lower", "upper", "n", "stderr"};
  std::vector<std::size_t> keys;
  for (std::size_t c = 0; c < t.header.size(); ++c) {
    const std::string& h = t.header[c];
    if (c == metric || c == value || h == "interval") continue;
    bool companion = false;
    for (const auto& name : companions) companion = companion || h == name;
    if (!companion) keys.push_back(c);
  }
  csv_table out;
  out.file = t.file;
  for (std::size_t c : keys) out.header.push_back(t.header[c]);
  std::map<std::string, std::size_t> metric_base;  // metric -> first column of its block
  std::map<std::vector<std::string>, std::size_t> row_of;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& m = t.rows[r][metric];
    if (!metric_base.count(m)) {
      metric_base[m] = out.header.size();
      out.header.push_back(m);
      for (const auto& name : companions) out.header.push_back(m + "_" + name);
      for (auto& row : out.rows) row.resize(out.header.size());
    }
  }
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::vector<std::string> key;
    for (std::size_t c : keys) key.push_back(t.rows[r][c]);
    auto [it, inserted] = row_of.try_emplace(key, out.rows.size());
    if (inserted) {
      std::vector<std::string> row = key;
      row.resize(out.header.size());
      out.rows.push_back(row);
      out.lines.push_back(t.lines[r]);
    }
    std::vector<std::string>& row = out.rows[it->second];
    const std::size_t base = metric_base[t.rows[r][metric]];
    if (!row[base].empty()) {
      throw parse_error(t.file, t.lines[r], "metric", "'" + t.rows[r][metric] + "' appears twice for the same model");
    }
    row[base] = t.rows[r][value];
    for (std::size_t k = 0; k < companions.size(); ++k) {
      if (auto c = t.find(companions[k])) row[base + 1 + k] = t.rows[r][*c];
    }
  }
  return out;
}

/// Reads and parses a CSV file; throws parse_error when it cannot be opened.
inline csv_table read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw parse_error(path, 0, "", "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_csv(ss.str(), path);
}

}  // namespace emergent::cli::report
