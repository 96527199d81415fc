// Helpers shared by the analysis subcommands (breakpoint, sharpness, mirage): reading an x/y curve
// from a CSV table with the same rules as `emergent fit`, and JSON numbers that are never NaN.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <emergent/core/error.hpp>

#include "csv_table.hpp"

namespace emergent::cli {

/// A finite number, or null (JSON has no infinity or NaN).
inline nlohmann::ordered_json json_number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

/// Runs an analysis of the data read from `file`; its numerical_error and input_error (not a
/// parse_error, which names its file already) are rethrown with the file in front, so that the
/// message says which input could not be analysed.
template <class F>
auto analysing(const std::string& file, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const parse_error&) {
    throw;
  } catch (const input_error& e) {
    throw input_error(file + ": " + e.what());
  } catch (const numerical_error& e) {
    throw numerical_error(file + ": " + e.what());
  }
}

/// Throws numerical_error (exit 4) when every value of `y` is the same: no curve, break or rise can be
/// found in a constant.
inline void require_varying(const std::string& file, const std::string& what, const std::string& name,
                            const std::vector<double>& y) {
  for (double v : y) {
    if (v != y.front()) return;
  }
  if (y.empty()) return;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", y.front());
  throw numerical_error(file + ": " + name + " is constant (every row has " + buf + "): " + what);
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

inline xy_columns read_xy(const csv_table& table, const std::string& x_col, const std::string& y_col, bool x_log10) {
  if (table.header.size() < 2 && (x_col.empty() || y_col.empty())) {
    throw parse_error(table.file, 1, "", "need at least two columns (x and y)");
  }
  const std::size_t cx = x_col.empty() ? 0 : table.column_or_position(x_col);
  const std::size_t cy = y_col.empty() ? 1 : table.column_or_position(y_col);
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
