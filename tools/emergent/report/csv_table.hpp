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

/// Reads and parses a CSV file; throws parse_error when it cannot be opened.
inline csv_table read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw parse_error(path, 0, "", "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_csv(ss.str(), path);
}

}  // namespace emergent::cli::report
