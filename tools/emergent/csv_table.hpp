// A small CSV reader for the `emergent` subcommands (fit, breakpoint, sharpness, ...): a header row,
// then rows of cells; every error is an emergent::parse_error naming the file, the 1-based line and
// the column. The library's readers live in emergent/io; this one only serves the command line.
//
//   auto table = emergent::cli::csv_table::read("curve.csv");
//   std::size_t cx = table.column("compute");          // by header name, or "2" = second column
//   std::vector<double> x = table.numbers(cx);          // throws on a non-numeric or empty cell
//
// Format: comma-separated; cells may be double-quoted ("a,b" and "" for a quote); surrounding spaces
// and a trailing \r are trimmed; blank lines and lines starting with '#' are skipped. Every row must
// have as many cells as the header.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <emergent/core/error.hpp>

namespace emergent::cli {

/// A CSV file read into memory: header, cells and the source line of each row.
struct csv_table {
  std::string file;                             ///< path as given (used in error messages)
  std::vector<std::string> header;              ///< column names from the first non-blank line
  std::vector<std::vector<std::string>> rows;   ///< data cells, row by row
  std::vector<std::size_t> lines;               ///< 1-based line number of each row in the file

  /// Reads and splits `path`; throws parse_error when the file cannot be opened, has no header, has
  /// an unterminated quote, or a row with the wrong number of cells.
  static csv_table read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw emergent::parse_error(path, 0, "", "cannot open file");
    csv_table t;
    t.file = path;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (trim(line).empty() || trim(line).front() == '#') continue;
      auto cells = split(line, path, number);
      if (t.header.empty()) {
        t.header = std::move(cells);
        continue;
      }
      if (cells.size() != t.header.size()) {
        throw emergent::parse_error(path, number, "", "row has " + std::to_string(cells.size()) +
                                                          " cells but the header has " + std::to_string(t.header.size()));
      }
      t.rows.push_back(std::move(cells));
      t.lines.push_back(number);
    }
    if (t.header.empty()) throw emergent::parse_error(path, number, "", "no header row (the file is empty)");
    return t;
  }

  /// Index of the column called `name`; a name that is not a header but a number k in 1..columns
  /// selects the k-th column. Throws parse_error (line 1) listing the columns when there is none.
  [[nodiscard]] std::size_t column(std::string_view name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos) {
      const auto k = std::stoul(std::string(name));
      if (k >= 1 && k <= header.size()) return k - 1;
    }
    std::string known;
    for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
    throw emergent::parse_error(file, 1, std::string(name), "no such column (columns: " + known + ")");
  }

  /// The cells of column `col` as numbers; throws parse_error naming line and column on an empty or
  /// non-numeric cell, or on NaN/infinity.
  [[nodiscard]] std::vector<double> numbers(std::size_t col) const {
    std::vector<double> out;
    out.reserve(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::string& cell = rows[r][col];
      const std::string field = header[col];
      if (cell.empty()) throw emergent::parse_error(file, lines[r], field, "empty cell where a number is expected");
      errno = 0;
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (end != cell.c_str() + cell.size() || errno == ERANGE) {
        throw emergent::parse_error(file, lines[r], field, "'" + cell + "' is not a number");
      }
      if (!std::isfinite(v)) throw emergent::parse_error(file, lines[r], field, "'" + cell + "' is not finite");
      out.push_back(v);
    }
    return out;
  }

 private:
  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  }

  static std::vector<std::string> split(const std::string& line, const std::string& path, std::size_t number) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false, was_quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted) {
        if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell += c;
        }
      } else if (c == '"' && trim(cell).empty()) {
        quoted = true;
        was_quoted = true;
        cell.clear();
      } else if (c == ',') {
        cells.emplace_back(was_quoted ? cell : std::string(trim(cell)));
        cell.clear();
        was_quoted = false;
      } else if (!(was_quoted && (c == ' ' || c == '\t'))) {
        cell += c;
      }
    }
    if (quoted) throw emergent::parse_error(path, number, "", "unterminated quoted cell");
    cells.emplace_back(was_quoted ? cell : std::string(trim(cell)));
    return cells;
  }
};

}  // namespace emergent::cli
