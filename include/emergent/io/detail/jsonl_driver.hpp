// The loop shared by every JSON Lines reader: parse one line, let the format fill the record,
// count it, detect duplicated example ids, deliver it, and apply the bad-record policy.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <string>
#include <string_view>
#include <type_traits>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/reader_context.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io::detail {

/// Parses lines with a format-specific `fill(root, where, record&)` and delivers records; a `fill`
/// returning `false` marks a line that holds no record (counted in `read_summary::ignored`).
template <class Fill>
class jsonl_driver {
 public:
  jsonl_driver(std::string source, const read_options& options, const record_sink& sink, Fill fill,
               reader_context& context)
      : source_(std::move(source)),
        options_(options),
        sink_(sink),
        fill_(std::move(fill)),
        parser_(context.parser),
        record_(context.current) {}

  void operator()(const char* data, std::size_t len, std::size_t line, bool complete) {
    const where at{source_, line};
    if (line == bom_line_ && len >= 3 && std::string_view(data, 3) == "\xEF\xBB\xBF") {  // UTF-8 byte-order mark
      data += 3;
      len -= 3;
      if (len == 0) return;
    }
    bool counted = false;
    try {
      element root;
      if (auto err = parser_.parse(data, len, false).get(root)) {
        if (!complete) at.fail("", "truncated last line (no newline at end of file): " + simdjson_message(err));
        at.fail("", simdjson_message(err));
      }
      if (root.type() != element_type::OBJECT) at.fail("", "expected one JSON object per line");
      record_.clear();
      record_.source = source_;
      record_.line = line;
      // A fill that returns bool says whether the line is a record at all (false: another kind of
      // line, such as an openai/evals `spec` or `sampling` event, counted as ignored).
      if constexpr (std::is_same_v<decltype(fill_(root, at, record_)), bool>) {
        if (!fill_(root, at, record_)) {
          ++summary_.ignored;
          return;
        }
      } else {
        fill_(root, at, record_);
      }
      if (!options_.model.empty()) record_.model = options_.model;
      if (!options_.task.empty()) record_.task = options_.task;
      if (!options_.filter.empty() && record_.filter != options_.filter) {
        ++summary_.ignored;
        return;
      }
      ++summary_.read;
      counted = true;
      std::string group = record_.model;
      group += '\x1f';
      group += record_.task;
      group += '\x1f';
      group += record_.filter;
      if (duplicates_.seen(group, record_.example_id)) {
        at.fail("doc_id", "duplicated example id " + record_.example_id + " (task " + record_.task + ", filter " +
                               record_.filter + ")");
      }
      sink_(record_);
      ++summary_.delivered;
    } catch (const parse_error& e) {
      if (!counted) ++summary_.read;
      skip_or_throw(e, options_, summary_);
    }
  }

  [[nodiscard]] read_summary summary() const { return summary_; }

  /// The number of the file's first line, where a byte-order mark may stand (0: the lines read do
  /// not start the file, as in a byte range after the first, whose lines count from 1).
  void set_bom_line(std::size_t line) noexcept { bom_line_ = line; }

 private:
  std::string source_;
  const read_options& options_;
  const record_sink& sink_;
  Fill fill_;
  simdjson::dom::parser& parser_;
  record& record_;
  read_summary summary_;
  duplicate_detector duplicates_;
  std::size_t bom_line_ = 1;
};

/// Runs a JSON Lines reader over a file (or the part `range` of it) with the buffers of `context`;
/// `context.lines` is then the number of lines read (newlines).
template <class Fill>
read_summary read_jsonl_file(const std::string& path, const read_options& options, const record_sink& sink, Fill fill,
                             reader_context& context, const line_range& range = {}) {
  jsonl_driver<Fill> driver(path, options, sink, std::move(fill), context);
  driver.set_bom_line(range.begin == 0 ? range.first_line : 0);
  context.lines = for_each_line_in_file(path, options, driver, context.line_buffer, range);
  return driver.summary();
}

/// Runs a JSON Lines reader over a file with buffers of its own.
template <class Fill>
read_summary read_jsonl_file(const std::string& path, const read_options& options, const record_sink& sink, Fill fill) {
  reader_context context;
  return read_jsonl_file(path, options, sink, std::move(fill), context);
}

/// Runs a JSON Lines reader over text in memory, naming it `source` in records and errors.
template <class Fill>
read_summary read_jsonl_buffer(std::string_view text, std::string_view source, const read_options& options,
                               const record_sink& sink, Fill fill, reader_context& context) {
  jsonl_driver<Fill> driver(std::string(source), options, sink, std::move(fill), context);
  for_each_line_in_buffer(text, driver);
  return driver.summary();
}

/// Runs a JSON Lines reader over text in memory with a parser of its own.
template <class Fill>
read_summary read_jsonl_buffer(std::string_view text, std::string_view source, const read_options& options,
                               const record_sink& sink, Fill fill) {
  reader_context context;
  return read_jsonl_buffer(text, source, options, sink, std::move(fill), context);
}

}  // namespace emergent::io::detail
