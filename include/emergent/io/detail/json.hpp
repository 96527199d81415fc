// Internals shared by the JSON readers of emergent::io: loading files with simdjson's padding,
// streaming JSON Lines in fixed-size chunks, converting leaves that tools write either as JSON
// values or as strings ("-0.41", "True"), and turning simdjson errors into parse_error.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
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

/// The compression of a byte stream, recognised by its first bytes (magic numbers).
enum class compression_kind {
  none,  ///< plain bytes
  gzip,  ///< gzip (RFC 1952): 1f 8b
  zstd,  ///< Zstandard frame (RFC 8878): 28 b5 2f fd
  zip    ///< ZIP archive: "PK\3\4" (or "PK\5\6", an empty archive), e.g. an Inspect `.eval` log
};

/// Recognises gzip, Zstandard and ZIP by their magic numbers in the first bytes of a file.
inline compression_kind compression_of(std::string_view first) noexcept {
  if (first.size() >= 2 && first[0] == '\x1f' && first[1] == '\x8b') return compression_kind::gzip;
  if (first.size() >= 4 && first.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) return compression_kind::zstd;
  if (first.size() >= 4 && (first.substr(0, 4) == std::string_view("PK\x03\x04", 4) ||
                            first.substr(0, 4) == std::string_view("PK\x05\x06", 4))) {
    return compression_kind::zip;
  }
  return compression_kind::none;
}

/// A source of bytes read in pieces: `read(buffer, capacity)` fills up to `capacity` bytes and
/// returns how many (0 at the end); it throws parse_error on a read or decoding error.
class byte_stream {
 public:
  virtual ~byte_stream() = default;
  /// Reads up to `capacity` bytes into `buffer`; 0 means the end of the stream.
  virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
  /// How many bytes of the underlying file were read so far (compressed bytes for a decompressing
  /// stream): the progress through the file.
  [[nodiscard]] virtual std::uint64_t file_position() const = 0;
};

/// A file read with stdio; the first bytes, already read to recognise the compression, are served first.
class file_stream final : public byte_stream {
 public:
  explicit file_stream(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "rb"), &std::fclose) {
    if (!file_) throw parse_error(path, 0, "", "cannot open file");
    char head[4];
    const std::size_t got = std::fread(head, 1, sizeof head, file_.get());
    if (got < sizeof head && std::ferror(file_.get())) throw parse_error(path, 0, "", "read error");
    head_.assign(head, got);
  }
  /// Continues reading at byte `offset` (`line` names it in errors).
  void seek(std::uint64_t offset, std::size_t line) {
    if (std::fseek(file_.get(), static_cast<long>(offset), SEEK_SET) != 0) {
      throw parse_error(path_, line, "", "cannot seek to byte " + std::to_string(offset));
    }
    head_.clear();
    served_ = 0;
    position_ = offset;
  }
  /// The first (up to 4) bytes of the file.
  [[nodiscard]] std::string_view head() const noexcept { return head_; }
  std::size_t read(char* buffer, std::size_t capacity) override {
    std::size_t n = 0;
    if (served_ < head_.size()) {
      n = std::min(capacity, head_.size() - served_);
      std::memcpy(buffer, head_.data() + served_, n);
      served_ += n;
      if (n == capacity) return n;
    }
    const std::size_t got = std::fread(buffer + n, 1, capacity - n, file_.get());
    if (got == 0 && std::ferror(file_.get())) throw parse_error(path_, 0, "", "read error");
    position_ += n + got;
    return n + got;
  }
  [[nodiscard]] std::uint64_t file_position() const override { return position_; }

 private:
  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::string head_;
  std::size_t served_ = 0;
  std::uint64_t position_ = 0;
};

/// Wraps a stream of compressed bytes into a stream of the decompressed bytes. Set by
/// `emergent/io/decompress.hpp` (which needs zlib and libzstd) when a program includes it; while it
/// is null, a compressed input is refused with a parse_error that says so.
using decompressor_factory = std::unique_ptr<byte_stream> (*)(compression_kind, std::unique_ptr<byte_stream>,
                                                               const std::string& source);

/// The installed decompressor (see decompressor_factory); null when none is.
inline decompressor_factory installed_decompressor = nullptr;

/// Opens `path` for reading, decompressing gzip and Zstandard transparently when
/// emergent/io/decompress.hpp is part of the program. A ZIP archive is not a stream: it is refused
/// here (the Inspect `.eval` reader opens archives itself).
inline std::unique_ptr<byte_stream> open_input(const std::string& path) {
  auto file = std::make_unique<file_stream>(path);
  const compression_kind kind = compression_of(file->head());
  if (kind == compression_kind::none) return file;
  if (kind == compression_kind::zip) {
    throw parse_error(path, 0, "",
                      "a ZIP archive (an Inspect .eval log?) where a text file was expected: read it with "
                      "read_inspect_eval_file (emergent/io/inspect_eval.hpp; `emergent score --format inspect-eval` "
                      "or `auto`)");
  }
  const char* name = kind == compression_kind::gzip ? "gzip" : "zstd";
  if (installed_decompressor == nullptr) {
    throw parse_error(path, 0, "",
                      std::string("a ") + name +
                          "-compressed file, and this program was built without decompression (include "
                          "<emergent/io/decompress.hpp>, which needs zlib and libzstd)");
  }
  return installed_decompressor(kind, std::move(file), path);
}

/// `text` without a leading UTF-8 byte-order mark (EF BB BF), which some Windows tools write at the
/// start of a JSON document and which JSON parsers reject (RFC 8259 §8.1 lets a parser ignore it).
inline std::string_view without_bom(std::string_view text) noexcept {
  return text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

/// Loads a whole file with simdjson's padding (decompressing it when it is compressed, see
/// open_input), without a leading byte-order mark; parse_error when it cannot be read.
inline simdjson::padded_string load_file(const std::string& path) {
  std::unique_ptr<byte_stream> in = open_input(path);
  if (dynamic_cast<file_stream*>(in.get()) != nullptr) {
    in.reset();
    simdjson::padded_string text;
    if (auto err = simdjson::padded_string::load(path).get(text)) {
      throw parse_error(path, 0, "", std::string("cannot read file: ") + simdjson::error_message(err));
    }
    const std::string_view view(text.data(), text.size());
    if (without_bom(view).size() != view.size()) return simdjson::padded_string(without_bom(view));
    return text;
  }
  std::string all;
  std::size_t size = 0;
  all.resize(std::size_t{1} << 16);
  while (true) {
    if (size == all.size()) all.resize(all.size() * 2);
    const std::size_t got = in->read(all.data() + size, all.size() - size);
    if (got == 0) break;
    size += got;
  }
  return simdjson::padded_string(without_bom(std::string_view(all.data(), size)));
}

/// Loads a whole file into `buffer` (reused: its capacity is kept from file to file) with
/// simdjson's padding after the text (filled with spaces), decompressing it when it is compressed;
/// returns the text without a leading byte-order mark. parse_error when the file cannot be read.
inline simdjson::padded_string_view load_file(const std::string& path, std::vector<char>& buffer) {
  std::unique_ptr<byte_stream> in = open_input(path);
  std::size_t size = 0;
  std::size_t room = std::size_t{1} << 16;  // bytes to have room for before the next read
  if (dynamic_cast<file_stream*>(in.get()) != nullptr) {  // a plain file: room for all of it and one byte more
    std::error_code ec;
    const std::uintmax_t bytes = std::filesystem::file_size(path, ec);
    if (!ec && bytes < std::numeric_limits<std::size_t>::max() / 2) room = static_cast<std::size_t>(bytes) + 1;
  }
  while (true) {
    if (buffer.size() < size + room + simdjson::SIMDJSON_PADDING) {
      buffer.resize(std::max(size + room + simdjson::SIMDJSON_PADDING, buffer.size() + buffer.size() / 2));
    }
    std::size_t got = 0;
    try {
      got = in->read(buffer.data() + size, buffer.size() - simdjson::SIMDJSON_PADDING - size);
    } catch (const parse_error& e) {
      if (e.line() != 0) throw;  // a decompression error names its line
      throw parse_error(path, 0, "", std::string("cannot read file: ") + simdjson::error_message(simdjson::IO_ERROR));
    }
    if (got == 0) break;
    size += got;
    room = 1;  // a full buffer grows by half (a stream of unknown length)
  }
  std::fill(buffer.begin() + static_cast<std::ptrdiff_t>(size),
            buffer.begin() + static_cast<std::ptrdiff_t>(size + simdjson::SIMDJSON_PADDING), ' ');
  const std::string_view text = without_bom(std::string_view(buffer.data(), size));
  const std::size_t skipped = size - text.size();
  return simdjson::padded_string_view(text.data(), text.size(), buffer.size() - skipped);
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
  /// When set, called with the current `end` once every byte before it has been read: returns a
  /// later end (just after a newline, or the file's size) to read on to, or the same end to stop.
  /// `scoring::read_file_parallel` lets the thread reading the file's start claim more of it this way.
  std::function<std::uint64_t(std::uint64_t)> extend;
};

/// Streams a JSON Lines file in fixed-size chunks: memory is bounded by the chunk size and the
/// longest line, never by the file size. Calls `on_line(data, len, line_number, complete)` for
/// every non-blank line; `data` has at least SIMDJSON_PADDING readable bytes after `len`.
/// `complete` is false for a last line that does not end with a newline. `buffer` is reused (its
/// capacity is kept from call to call: no fresh zeroed 1 MiB per file); `range` reads a part.
/// Compressed files (gzip, zstd) are decompressed while they are read (see open_input); a byte
/// range of a compressed file is refused (its offsets are not those of the text). Returns the
/// number of newlines read (the lines of a range, which ends just after a newline).
template <class OnLine>
std::size_t for_each_line_in_file(const std::string& path, const read_options& options, OnLine&& on_line,
                           std::vector<char>& buffer, const line_range& range = {}) {
  std::unique_ptr<byte_stream> file = open_input(path);
  const bool compressed = dynamic_cast<file_stream*>(file.get()) == nullptr;
  const bool whole = range.begin == 0 && range.end == std::numeric_limits<std::uint64_t>::max();
  if (!whole) {
    auto* plain = dynamic_cast<file_stream*>(file.get());
    if (plain == nullptr) {
      throw parse_error(path, range.first_line, "", "a byte range of a compressed file cannot be read: decompress it first");
    }
    if (range.begin > 0) plain->seek(range.begin, range.first_line);
  }
  std::uint64_t range_end = range.end;
  std::uint64_t left = range_end > range.begin ? range_end - range.begin : 0;  // bytes of the range not yet read
  std::size_t capacity = std::size_t{1} << 20;  // 1 MiB, grows only for a longer line
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
      if (options.progress) options.progress(compressed ? static_cast<std::size_t>(file->file_position()) : consumed);
      return line_number - range.first_line;
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
    if (left == 0 && range.extend) {  // the range may grow (a claim on the next part of the file)
      const std::uint64_t more = range.extend(range_end);
      if (more > range_end) {
        left = more - range_end;
        range_end = more;
      }
    }
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(capacity - end, left));
    const std::size_t got = want == 0 ? 0 : file->read(buffer.data() + end, want);
    if (got == 0) eof = true;
    left -= got;
    end += got;
    if (options.progress) options.progress(compressed ? static_cast<std::size_t>(file->file_position()) : consumed);
  }
}

/// The same with a buffer of its own (one call, one file).
template <class OnLine>
std::size_t for_each_line_in_file(const std::string& path, const read_options& options, OnLine&& on_line) {
  std::vector<char> buffer;
  return for_each_line_in_file(path, options, std::forward<OnLine>(on_line), buffer);
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
