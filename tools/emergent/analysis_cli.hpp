// Helpers shared by the analysis subcommands (breakpoint, sharpness, mirage): reading an x/y curve
// from a CSV table with the same rules as `emergent fit`, and JSON numbers that are never NaN.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <emergent/core/error.hpp>


namespace emergent::cli {

/// A minimal CSV table for the analysis subcommands (header row, comma-separated cells, no quoting;
/// blank lines and '#' comments skipped). Errors are parse_errors naming file, line and column.
struct analysis_table {
  std::string file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;

  static std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
  }
  static analysis_table read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw parse_error(path, 0, "", "cannot open file");
    analysis_table t;
    t.file = path;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      const std::string tl = trim(line);
      if (tl.empty() || tl.front() == '#') continue;
      std::vector<std::string> cells;
      std::size_t start = 0;
      while (true) {
        const auto comma = line.find(',', start);
        cells.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (t.header.empty()) {
        t.header = std::move(cells);
        continue;
      }
      if (cells.size() != t.header.size()) {
        throw parse_error(path, number, "", "row has " + std::to_string(cells.size()) + " cells but the header has " +
                                                std::to_string(t.header.size()));
      }
      t.rows.push_back(std::move(cells));
      t.lines.push_back(number);
    }
    if (t.header.empty()) throw parse_error(path, number, "", "no header row (the file is empty)");
    return t;
  }
  [[nodiscard]] std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
      const auto k = std::stoul(name);
      if (k >= 1 && k <= header.size()) return k - 1;
    }
    std::string known;
    for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
    throw parse_error(file, 1, name, "no such column (columns: " + known + ")");
  }
  [[nodiscard]] std::vector<double> numbers(std::size_t col) const {
    std::vector<double> out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::string& cell = rows[r][col];
      if (cell.empty()) throw parse_error(file, lines[r], header[col], "empty cell where a number is expected");
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (end != cell.c_str() + cell.size()) throw parse_error(file, lines[r], header[col], "'" + cell + "' is not a number");
      if (!std::isfinite(v)) throw parse_error(file, lines[r], header[col], "'" + cell + "' is not a finite number");
      out.push_back(v);
    }
    return out;
  }
};

/// A finite number, or null (JSON has no infinity or NaN).
inline nlohmann::ordered_json json_number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

/// %.6g, with "inf"/"-inf" for infinities.
inline std::string short_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// Reads x (optionally log10) and y columns of a curve file; errors are parse_errors naming file,
/// line and column (exit 3). Rows are returned in file order.
struct xy_columns {
  std::vector<double> x, y;
  std::vector<std::size_t> lines;
  std::string x_name, y_name;
};

inline xy_columns read_xy(const analysis_table& table, const std::string& x_col, const std::string& y_col, bool x_log10) {
  if (table.header.size() < 2 && (x_col.empty() || y_col.empty())) {
    throw parse_error(table.file, 1, "", "need at least two columns (x and y)");
  }
  const std::size_t cx = x_col.empty() ? 0 : table.column(x_col);
  const std::size_t cy = y_col.empty() ? 1 : table.column(y_col);
  xy_columns out;
  out.x = table.numbers(cx);
  out.y = table.numbers(cy);
  out.lines = table.lines;
  out.x_name = table.header[cx];
  out.y_name = table.header[cy];
  if (x_log10) {
    for (std::size_t i = 0; i < out.x.size(); ++i) {
      if (!(out.x[i] > 0)) {
        throw parse_error(table.file, table.lines[i], out.x_name,
                          short_number(out.x[i]) + " is not positive, so --x-log10 cannot take its logarithm");
      }
      out.x[i] = std::log10(out.x[i]);
    }
  }
  return out;
}

}  // namespace emergent::cli
