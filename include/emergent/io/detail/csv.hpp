// A small RFC 4180 CSV parser fed line by line (so it reuses the streaming line readers): quoted
// fields with doubled quotes, quoted fields spanning lines, CRLF endings, UTF-8 validated per line.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"

namespace emergent::io::detail {

class csv_parser {
 public:
  explicit csv_parser(std::string source) : source_(std::move(source)) {}

  /// Feeds one physical line; returns true when a complete row is available in fields().
  /// A UTF-8 byte-order mark at the start of line 1 is skipped.
  bool feed(std::string_view line, std::size_t line_number, bool complete) {
    if (line_number == 1 && line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (!simdjson::validate_utf8(line.data(), line.size())) {
      throw parse_error(source_, line_number, "", "invalid UTF-8");
    }
    if (!in_quotes_) {
      fields_.clear();
      field_.clear();
      start_line_ = line_number;
    } else {
      field_ += '\n';
    }
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (in_quotes_) {
        if (c == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field_ += '"';
            ++i;
          } else {
            in_quotes_ = false;
          }
        } else {
          field_ += c;
        }
      } else if (c == '"') {
        in_quotes_ = true;
      } else if (c == ',') {
        fields_.push_back(field_);
        field_.clear();
      } else {
        field_ += c;
      }
    }
    if (in_quotes_) {
      if (!complete) throw parse_error(source_, start_line_, "", "truncated last line: unclosed quoted field");
      return false;
    }
    fields_.push_back(field_);
    return true;
  }

  /// Whether a quoted field is still open (at the end of the input: a truncated file).
  [[nodiscard]] bool open() const { return in_quotes_; }
  [[nodiscard]] const std::vector<std::string>& fields() const { return fields_; }
  [[nodiscard]] std::size_t line() const { return start_line_; }

 private:
  std::string source_;
  std::vector<std::string> fields_;
  std::string field_;
  bool in_quotes_ = false;
  std::size_t start_line_ = 0;
};

}  // namespace emergent::io::detail
