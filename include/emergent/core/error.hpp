/// @file
/// @brief The exception types of emergent: invalid input is kept apart from parse errors and
///        from numerical failures, in the spirit of Boost.Math's error-handling policies.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace emergent {

/// Thrown when a caller passes input that violates a documented precondition: a probability outside
/// [0, 1], NaN, mismatched lengths, an empty group, ... The message names the argument and, where it
/// applies, the index of the offending element.
class input_error : public std::invalid_argument {
 public:
  /// Creates the error with a message saying what is wrong and where.
  explicit input_error(const std::string& what) : std::invalid_argument(what) {}
};

/// Thrown by the readers in `emergent/io/` when a file does not have the expected shape.
/// Carries the file, the 1-based line (0 when unknown) and the field that was wrong; `what()`
/// reads `file:line: field: message`.
class parse_error : public input_error {
 public:
  /// Creates the error for `field` at `file`:`line` with the explanation `message`.
  parse_error(std::string file, std::size_t line, std::string field, const std::string& message)
      : input_error(format(file, line, field, message)),
        file_(std::move(file)),
        line_(line),
        field_(std::move(field)) {}

  /// The file in which the error was found.
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  /// The 1-based line number (0 when the format has no lines).
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  /// The field (column, JSON key path) that was wrong; empty when the whole record was.
  [[nodiscard]] const std::string& field() const noexcept { return field_; }

 private:
  static std::string format(const std::string& file, std::size_t line, const std::string& field,
                            const std::string& message) {
    std::string out = file;
    out += ':';
    out += std::to_string(line);
    out += ": ";
    if (!field.empty()) {
      out += field;
      out += ": ";
    }
    out += message;
    return out;
  }

  std::string file_;
  std::size_t line_;
  std::string field_;
};

/// Thrown when a computation cannot produce a meaningful number from valid input (for example a
/// statistic that is undefined for the data given) and the caller did not ask for NaN.
class numerical_error : public std::runtime_error {
 public:
  /// Creates the error with a message saying which computation failed and why.
  explicit numerical_error(const std::string& what) : std::runtime_error(what) {}
};

namespace detail {

/// Builds "function: argument[index] = value: reason" style messages without iostreams.
inline std::string describe(std::string_view function, std::string_view argument, std::string_view reason) {
  std::string out(function);
  out += ": ";
  out += argument;
  out += ": ";
  out += reason;
  return out;
}

/// As above, naming the element index.
inline std::string describe_at(std::string_view function, std::string_view argument, std::size_t index,
                               std::string_view reason) {
  std::string out(function);
  out += ": ";
  out += argument;
  out += '[';
  out += std::to_string(index);
  out += "]: ";
  out += reason;
  return out;
}

}  // namespace detail
}  // namespace emergent
