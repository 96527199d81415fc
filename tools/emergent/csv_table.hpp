// The CSV reader of the `emergent` program, shared by its subcommands (fit, breakpoint, sharpness,
// mirage, report): a header row, then rows of cells; every error is an emergent::parse_error naming the
// file, the 1-based line and, where there is one, the column. The library's readers live in
// emergent/io; this one only serves the command line.
//
//   auto table = emergent::cli::csv_table::read("curve.csv");
//   std::size_t cx = table.column_or_position("compute");  // by header name, or "2" = second column
//   std::vector<double> x = table.numbers(cx);             // throws on a non-numeric or empty cell
//
// Format: RFC 4180: comma-separated, cells may be double-quoted ("a,b", "" for a quote, line breaks
// inside quotes); LF, CRLF or CR line ends; blank lines and lines starting with '#' are skipped; every
// row must have as many cells as the header. With cell_blanks::trim (the default) spaces and tabs
// around a cell (outside its quotes) are dropped, and lines holding only blanks, or blanks then '#',
// are skipped too; with cell_blanks::keep (the report subcommand) cells are taken as written.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <emergent/core/error.hpp>

#include "output_file.hpp"  // check_input_file, quote_cell

namespace emergent::cli {

/// Whether the reader drops the spaces and tabs around cells (trim) or keeps every cell as written.
enum class cell_blanks { trim, keep };

/// A CSV file read into memory: header, cells and the source line of each row.
struct csv_table {
  std::string file;                             ///< path as given (used in error messages)
  std::vector<std::string> header;              ///< column names from the first record
  std::vector<std::vector<std::string>> rows;   ///< data cells, row by row
  std::vector<std::size_t> lines;               ///< 1-based line on which each row starts

  /// Reads and splits `path`; throws parse_error when the file cannot be opened, has no header, has
  /// an unterminated quote, or a row with the wrong number of cells.
  /// A file that is missing, a directory or unreadable is an input_error (exit 2).
  static csv_table read(const std::string& path, cell_blanks blanks = cell_blanks::trim) {
    check_input_file(path, "");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw emergent::input_error("'" + path + "': cannot open file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw emergent::input_error("'" + path + "': read error");
    return parse(text.str(), path, blanks);
  }

  /// read(), or standard input when `path` is "-" (named "standard input" in errors): the readers of
  /// per-example scores (mirage, report) take the output of `emergent score` through a pipe.
  static csv_table read_or_stdin(const std::string& path, cell_blanks blanks = cell_blanks::trim) {
    if (path != "-") return read(path, blanks);
    std::ostringstream text;
    text << std::cin.rdbuf();
    if (std::cin.bad()) throw emergent::input_error("standard input: read error");
    return parse(text.str(), "standard input", blanks);
  }

  /// Splits CSV `text` read from `file` (named in errors); the errors of read() but "cannot open".
  /// A UTF-8 byte-order mark at the start is skipped.
  static csv_table parse(std::string_view text, const std::string& file, cell_blanks blanks = cell_blanks::trim) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    const bool trim = blanks == cell_blanks::trim;
    csv_table t;
    t.file = file;
    std::vector<std::string> record;
    std::string cell;
    std::size_t line = 1, record_line = 1;
    bool in_quotes = false, at_record_start = true, cell_quoted = false;
    const auto end_cell = [&]() {
      record.push_back(trim && !cell_quoted ? std::string(trim_blanks(cell)) : cell);
      cell.clear();
      cell_quoted = false;
    };
    const auto end_record = [&]() {
      end_cell();
      if (t.header.empty()) {
        t.header = std::move(record);
      } else {
        if (record.size() != t.header.size()) {
          throw emergent::parse_error(file, record_line, "", "row has " + std::to_string(record.size()) +
                                                                 " cells but the header has " +
                                                                 std::to_string(t.header.size()));
        }
        t.rows.push_back(std::move(record));
        t.lines.push_back(record_line);
      }
      record.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (at_record_start) {
        record_line = line;
        std::size_t first = i;  // first character that is not a blank (trim) or i (keep)
        if (trim) {
          while (first < text.size() && is_blank(text[first])) ++first;
        }
        if (first == text.size() || text[first] == '#' || text[first] == '\n' || text[first] == '\r') {
          // comment or blank line: skip to its end (a CR LF pair or a lone CR or LF)
          while (i < text.size() && text[i] != '\n' && text[i] != '\r') ++i;
          if (i + 1 < text.size() && text[i] == '\r' && text[i + 1] == '\n') ++i;
          ++line;
          continue;
        }
        at_record_start = false;
      }
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell += '"';
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n' || (c == '\r' && !(i + 1 < text.size() && text[i + 1] == '\n'))) ++line;
          cell += c;
        }
        continue;
      }
      // a quote opens a quoted cell at its start (trim: after blanks, or again after a closed quote)
      if (c == '"' && (trim ? trim_blanks(cell).empty() : cell.empty() && !cell_quoted)) {
        in_quotes = cell_quoted = true;
        cell.clear();
      } else if (c == ',') {
        end_cell();
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        end_record();
        at_record_start = true;
        ++line;
      } else if (!(trim && cell_quoted && is_blank(c))) {
        cell += c;
      }
    }
    if (in_quotes) {
      const std::size_t col = record.size();
      throw emergent::parse_error(file, record_line, col < t.header.size() ? t.header[col] : "",
                                  "unterminated quoted cell");
    }
    if (!at_record_start) end_record();
    if (t.header.empty()) throw emergent::parse_error(file, 0, "", "no header row (the file has no records)");
    return t;
  }

  /// Index of the column called `name`, or nothing.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    return std::nullopt;
  }

  /// Index of the column called `name`; throws parse_error (line 1) listing the columns when there is
  /// none.
  [[nodiscard]] std::size_t column(std::string_view name) const {
    if (auto i = find(name)) return *i;
    throw no_such_column(name);
  }

  /// Index of the column called `name`; a name that is not a header but a number k in 1..columns
  /// selects the k-th column. Throws parse_error (line 1) listing the columns when there is none.
  [[nodiscard]] std::size_t column_or_position(std::string_view name) const {
    if (auto i = find(name)) return *i;
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos) {
      const auto k = std::stoul(std::string(name));
      if (k >= 1 && k <= header.size()) return k - 1;
    }
    throw no_such_column(name);
  }

  /// The cells of column `col` as numbers; throws parse_error naming line and column on an empty or
  /// non-numeric cell, or on NaN/infinity.
  [[nodiscard]] std::vector<double> numbers(std::size_t col) const {
    std::vector<double> out;
    out.reserve(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::string& cell = rows[r][col];
      if (cell.empty()) throw emergent::parse_error(file, lines[r], header[col], "empty cell where a number is expected");
      const double v = parse_number(r, col);
      if (!std::isfinite(v)) throw emergent::parse_error(file, lines[r], header[col], quote_cell(cell) + " is not finite");
      out.push_back(v);
    }
    return out;
  }

  /// The cell at (`row`, `col`) as a number, or nothing when it is empty or NA/nan/NaN (a missing
  /// value); throws parse_error naming line and column when it is not a number.
  [[nodiscard]] std::optional<double> number(std::size_t row, std::size_t col) const {
    const std::string& s = rows[row][col];
    if (s.empty() || s == "NA" || s == "nan" || s == "NaN") return std::nullopt;
    return parse_number(row, col);
  }

 private:
  static bool is_blank(char c) { return c == ' ' || c == '\t'; }

  static std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
  }

  // The whole cell as a double (strtod: decimal, exponent, hex, inf, nan); parse_error when any of it
  // is left over or the value overflows. Underflow is not an error: 1e-310 is a valid (subnormal)
  // double, and a value below the smallest subnormal rounds to 0.
  [[nodiscard]] double parse_number(std::size_t row, std::size_t col) const {
    const std::string& cell = rows[row][col];
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(cell.c_str(), &end);
    if (cell.empty() || end != cell.c_str() + cell.size()) {
      throw emergent::parse_error(file, lines[row], header[col], quote_cell(cell) + " is not a number");
    }
    if (errno == ERANGE && std::isinf(v)) {
      throw emergent::parse_error(file, lines[row], header[col], quote_cell(cell) + " is too large for a double");
    }
    return v;
  }

  [[nodiscard]] emergent::parse_error no_such_column(std::string_view name) const {
    std::string known;
    for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
    return emergent::parse_error(file, 1, std::string(name), "no such column (columns: " + known + ")");
  }
};

}  // namespace emergent::cli
