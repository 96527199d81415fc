// Internals shared by the JSON readers of emergent::io: loading files with simdjson's padding,
// streaming JSON Lines in fixed-size chunks, converting leaves that tools write either as JSON
// values or as strings ("-0.41", "True"), and turning simdjson errors into parse_error.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io::detail {

using simdjson::dom::element;
using simdjson::dom::element_type;

/// Where a record is: file and line, used to build parse_error.
struct where {
  std::string_view file;
  std::size_t line = 0;
  [[noreturn]] void fail(std::string_view field, const std::string& message) const {
    throw parse_error(std::string(file), line, std::string(field), message);
  }
};

inline std::string simdjson_message(simdjson::error_code e) {
  switch (e) {
    case simdjson::UTF8_ERROR: return "invalid UTF-8";
    case simdjson::UNCLOSED_STRING: return "unclosed string (truncated record?)";
    case simdjson::TAPE_ERROR: return "malformed JSON (truncated record?)";
    case simdjson::EMPTY: return "empty document";
    case simdjson::DEPTH_ERROR: return "JSON nested too deeply";
    case simdjson::CAPACITY: return "document too large";
    default: return std::string("malformed JSON: ") + simdjson::error_message(e);
  }
}

/// The text without leading and trailing white space.
inline std::string_view trim_view(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

/// Number of Unicode code points in valid UTF-8 text (counts the bytes that do not continue a sequence).
inline std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0u) != 0x80u;
  return n;
}

/// Counts lines incrementally: line_at(p) for non-decreasing pointers into one buffer.
class line_counter {
 public:
  line_counter(const char* base) : pos_(base) {}
  std::size_t line_at(const char* p) {
    if (p > pos_) {
      line_ += static_cast<std::size_t>(std::count(pos_, p, '\n'));
      pos_ = p;
    }
    return line_;
  }

 private:
  const char* pos_;
  std::size_t line_ = 1;
};

inline std::string type_name(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

/// Parses a decimal number written as text ("-0.41", "1e-3", "-inf"); nullopt when it is not one.
inline std::optional<double> number_from_text(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (s == "-inf" || s == "-Infinity" || s == "-infinity") return -std::numeric_limits<double>::infinity();
  if (s == "inf" || s == "Infinity" || s == "infinity") return std::numeric_limits<double>::infinity();
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (end != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Underflow (1e-400) rounds to zero like a JSON parser does; overflow (1e400) is not a number.
    const std::string copy(s);
    v = std::strtod(copy.c_str(), nullptr);
    if (!std::isfinite(v)) return std::nullopt;
    return v;
  }
  if (ec != std::errc()) return std::nullopt;
  if (std::isnan(v)) return std::nullopt;
  return v;
}

/// A number written as a JSON number, a numeric string, or a boolean (true = 1).
inline double to_number(element e, const where& at, std::string_view field) {
  switch (e.type()) {
    case element_type::INT64: return static_cast<double>(int64_t(e));
    case element_type::UINT64: return static_cast<double>(uint64_t(e));
    case element_type::DOUBLE: return double(e);
    case element_type::BOOL: return bool(e) ? 1.0 : 0.0;
    case element_type::STRING: {
      const std::string_view s(e);
      if (s == "True" || s == "true") return 1.0;
      if (s == "False" || s == "false") return 0.0;
      if (auto v = number_from_text(s)) return *v;
      at.fail(field, "\"" + std::string(s.substr(0, 40)) + "\" is not a number");
    }
    default: at.fail(field, "expected a number, found " + type_name(e.type()));
  }
}

/// A boolean written as JSON true/false, "True"/"False", or 0/1.
inline bool to_bool(element e, const where& at, std::string_view field) {
  switch (e.type()) {
    case element_type::BOOL: return bool(e);
    case element_type::INT64: return int64_t(e) != 0;
    case element_type::UINT64: return uint64_t(e) != 0;
    case element_type::STRING: {
      const std::string_view s(e);
      if (s == "True" || s == "true" || s == "1") return true;
      if (s == "False" || s == "false" || s == "0") return false;
      at.fail(field, "\"" + std::string(s.substr(0, 40)) + "\" is not a boolean");
    }
    default: at.fail(field, "expected a boolean, found " + type_name(e.type()));
  }
}

/// A log-probability: a number that is not NaN and not positive.
inline double to_logprob(element e, const where& at, std::string_view field) {
  const double v = to_number(e, at, field);
  if (v > 0.0) at.fail(field, "log-probability " + std::to_string(v) + " is positive");
  return v;
}

/// A short identifier: a string as is, a number in decimal.
inline std::string to_id(element e, const where& at, std::string_view field) {
  switch (e.type()) {
    case element_type::STRING: return std::string(std::string_view(e));
    case element_type::INT64: return std::to_string(int64_t(e));
    case element_type::UINT64: return std::to_string(uint64_t(e));
    default: at.fail(field, "expected a string or an integer, found " + type_name(e.type()));
  }
}

inline std::string_view to_string(element e, const where& at, std::string_view field) {
  if (e.type() != element_type::STRING) at.fail(field, "expected a string, found " + type_name(e.type()));
  return std::string_view(e);
}

/// A non-negative option index written as an integer or a string of digits; nullopt if it is text.
inline std::optional<std::size_t> to_index(element e) {
  if (e.type() == element_type::INT64) {
    const int64_t v = int64_t(e);
    if (v >= 0) return static_cast<std::size_t>(v);
    return std::nullopt;
  }
  if (e.type() == element_type::UINT64) return static_cast<std::size_t>(uint64_t(e));
  if (e.type() == element_type::STRING) {
    const std::string_view s(e);
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) return v;
  }
  return std::nullopt;
}

/// Looks up a member; nullopt when `e` is not an object or has no such key.
inline std::optional<element> member(element e, std::string_view key) {
  simdjson::dom::object obj;
  if (e.get_object().get(obj)) return std::nullopt;
  element out;
  if (obj[key].get(out)) return std::nullopt;
  return out;
}

/// Looks up a required member of an object; fails naming `field` when it is missing.
inline element required(element e, std::string_view key, const where& at, std::string_view field) {
  if (e.type() != element_type::OBJECT) at.fail(field, "expected an object, found " + type_name(e.type()));
  if (auto m = member(e, key)) return *m;
  at.fail(field, "missing");
}

/// Loads a whole file with simdjson's padding; parse_error when it cannot be read.
inline simdjson::padded_string load_file(const std::string& path) {
  simdjson::padded_string text;
  if (auto err = simdjson::padded_string::load(path).get(text)) {
    throw parse_error(path, 0, "", std::string("cannot read file: ") + simdjson::error_message(err));
  }
  return text;
}

/// Parses a complete JSON document held in a padded buffer (len + SIMDJSON_PADDING readable).
inline element parse_document(simdjson::dom::parser& parser, const char* data, std::size_t len, const where& at) {
  element root;
  if (auto err = parser.parse(data, len, false).get(root)) at.fail("", simdjson_message(err));
  return root;
}

/// Records a skipped bad record in the summary, or rethrows when skipping is off.
inline void skip_or_throw(const parse_error& e, const read_options& options, read_summary& summary) {
  if (!options.skip_bad) throw e;
  ++summary.skipped;
  if (summary.first_errors.size() < options.max_listed) summary.first_errors.emplace_back(e.what());
}

/// A part of a file made of whole lines: bytes [begin, end) of the file, whose first line is line
/// `first_line` of the file (`begin` is 0 or just after a newline, `end` just after a newline or the
/// file's size). The default is the whole file.
struct line_range {
  std::uint64_t begin = 0;                                       ///< first byte
  std::uint64_t end = std::numeric_limits<std::uint64_t>::max();  ///< one past the last byte (clamped to the size)
  std::size_t first_line = 1;                                    ///< 1-based line number of the first byte
};

/// Streams a JSON Lines file in fixed-size chunks: memory is bounded by the chunk size and the
/// longest line, never by the file size. Calls `on_line(data, len, line_number, complete)` for
/// every non-blank line; `data` has at least SIMDJSON_PADDING readable bytes after `len`.
/// `complete` is false for a last line that does not end with a newline. `buffer` is reused (its
/// capacity is kept from call to call: no fresh zeroed 4 MiB per file); `range` reads a part.
template <class OnLine>
void for_each_line_in_file(const std::string& path, const read_options& options, OnLine&& on_line,
                           std::vector<char>& buffer, const line_range& range = {}) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw parse_error(path, 0, "", "cannot open file");
  if (range.begin > 0 && std::fseek(file.get(), static_cast<long>(range.begin), SEEK_SET) != 0) {
    throw parse_error(path, range.first_line, "", "cannot seek to byte " + std::to_string(range.begin));
  }
  std::uint64_t left = range.end > range.begin ? range.end - range.begin : 0;  // bytes of the range not yet read
  std::size_t capacity = std::size_t{1} << 22;  // 4 MiB, grows only for a longer line
  if (buffer.size() > capacity + simdjson::SIMDJSON_PADDING) capacity = buffer.size() - simdjson::SIMDJSON_PADDING;
  if (buffer.size() < capacity + simdjson::SIMDJSON_PADDING) buffer.resize(capacity + simdjson::SIMDJSON_PADDING);
  std::size_t begin = 0, end = 0, line_number = range.first_line, consumed = 0;
  bool eof = false;
  while (true) {
    // Complete lines in [begin, end).
    while (true) {
      const char* start = buffer.data() + begin;
      const void* nl = std::memchr(start, '\n', end - begin);
      if (nl == nullptr) break;
      const std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      std::size_t trimmed = len;
      if (trimmed > 0 && start[trimmed - 1] == '\r') --trimmed;
      if (trimmed > 0) on_line(start, trimmed, line_number, true);
      ++line_number;
      begin += len + 1;
      consumed += len + 1;
    }
    if (eof) {
      if (end > begin) {
        std::fill(buffer.begin() + static_cast<std::ptrdiff_t>(end),
                  buffer.begin() + static_cast<std::ptrdiff_t>(end + simdjson::SIMDJSON_PADDING), ' ');
        on_line(buffer.data() + begin, end - begin, line_number, false);
        consumed += end - begin;
      }
      if (options.progress) options.progress(consumed);
      return;
    }
    // Move the partial line to the front, grow if it fills the buffer, read more.
    if (begin > 0) {
      std::memmove(buffer.data(), buffer.data() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    if (end == capacity) {
      capacity *= 2;
      buffer.resize(capacity + simdjson::SIMDJSON_PADDING);
    }
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(capacity - end, left));
    const std::size_t got = want == 0 ? 0 : std::fread(buffer.data() + end, 1, want, file.get());
    if (got == 0) {
      if (std::ferror(file.get())) throw parse_error(path, line_number, "", "read error");
      eof = true;
    }
    left -= got;
    end += got;
    if (options.progress) options.progress(consumed);
  }
}

/// The same with a buffer of its own (one call, one file).
template <class OnLine>
void for_each_line_in_file(const std::string& path, const read_options& options, OnLine&& on_line) {
  std::vector<char> buffer;
  for_each_line_in_file(path, options, std::forward<OnLine>(on_line), buffer);
}

/// The same over an in-memory buffer (tests, fuzzing): copies it once into a padded string.
template <class OnLine>
void for_each_line_in_buffer(std::string_view text, OnLine&& on_line) {
  const simdjson::padded_string padded(text);
  const char* data = padded.data();
  std::size_t begin = 0, line_number = 1;
  while (begin < text.size()) {
    const void* nl = std::memchr(data + begin, '\n', text.size() - begin);
    const bool complete = nl != nullptr;
    const std::size_t len = complete ? static_cast<std::size_t>(static_cast<const char*>(nl) - (data + begin))
                                     : text.size() - begin;
    std::size_t trimmed = len;
    if (trimmed > 0 && data[begin + trimmed - 1] == '\r') --trimmed;
    if (trimmed > 0) on_line(data + begin, trimmed, line_number, complete);
    ++line_number;
    begin += len + 1;
  }
}

/// Exact duplicate detection of (filter, example id) keys with bounded memory per key.
class duplicate_detector {
 public:
  /// True when the key was seen before.
  bool seen(std::string_view group, std::string_view id) {
    std::size_t g = 0;
    for (; g < groups_.size(); ++g) {
      if (groups_[g] == group) break;
    }
    if (g == groups_.size()) groups_.emplace_back(group);
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
    if (ec == std::errc() && end == id.data() + id.size() && v < (std::uint64_t{1} << 48) && g < 65535 &&
        !(id.size() > 1 && id.front() == '0')) {
      return !numeric_.insert((std::uint64_t(g) << 48) | v).second;
    }
    std::string key(group);
    key += '\x1f';
    key.append(id);
    return !text_.insert(std::move(key)).second;
  }

 private:
  std::vector<std::string> groups_;
  std::unordered_set<std::uint64_t> numeric_;
  std::unordered_set<std::string> text_;
};

}  // namespace emergent::io::detail
