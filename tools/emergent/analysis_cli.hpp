// Helpers shared by the analysis subcommands (breakpoint, sharpness, mirage): reading an x/y curve
// from a CSV table with the same rules as `emergent fit`, and JSON numbers that are never NaN.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <emergent/analysis/judgement.hpp>
#include <emergent/core/error.hpp>

#include "csv_table.hpp"

namespace emergent::cli {

/// The options of the rise rules of `judge_curve` shared by `sharpness` and `mirage` (one place for
/// their names, defaults and help).
inline void add_rise_options(CLI::App& cmd, judgement_options& j) {
  cmd.add_option("--min-rise", j.min_rise, "a curve is flat below this rise, as a share of its range above the floor (default 0.10)");
  cmd.add_option("--saturated-start", j.saturated_start, "saturated when a curve starts this share of the range above the floor (default 0.5)");
  cmd.add_option("--window", j.window_decades, "a sharp rise happens within this many decades of x (default 1)");
  cmd.add_option("--min-share", j.min_share, "... and carries this share of the total rise (default 0.5)");
  cmd.add_option("--max-rise-before", j.max_rise_before, "... after models holding at most this share of the rise (default 0.2)");
  cmd.add_option("--z", j.z, "significance of rises and dips in standard errors (default 3)");
}

/// --replicates (at least `min_replicates`) and --seed of a subcommand's bootstrap.
inline void add_resampling_options(CLI::App& cmd, std::size_t& replicates, std::uint64_t& seed, std::size_t min_replicates) {
  cmd.add_option("--replicates", replicates, "bootstrap replicates (default 200)")->check(CLI::Range(min_replicates, std::size_t{100000}));
  cmd.add_option("--seed", seed, "seed of the bootstrap (default 1)");
}

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
