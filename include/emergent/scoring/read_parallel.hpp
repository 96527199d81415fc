/// @file
/// @brief `scoring::read_file_parallel`: scores one large line-based file (lm-eval samples, mapped
///        JSON Lines) on several threads with the same result as one thread. The file is cut into
///        byte ranges at line boundaries (no pass over the file before the parallel work). The
///        first range is scored straight into the caller's scorer; each other range into a scorer
///        of its own that keeps the values in order, numbering its lines from 1 and counting them
///        as it goes. At the merge, the line numbers of range k (in its values, skipped-record
///        messages and notes) are shifted by the lines of ranges 0..k-1, and the range scorers are
///        replayed in order, so every sum is formed in the one-pass order (byte-identical
///        aggregates). Whenever a range fails (a bad record without skip_bad, a document in two
///        ranges, an overflow), the file is read again on one thread from the scorer's state
///        before it, so the first error reported and the skipped records are exactly those of one
///        pass.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "emergent/core/detail/parallel.hpp"
#include "emergent/io/dispatch.hpp"
#include "emergent/scoring/scorer.hpp"

namespace emergent::scoring {

/// What `read_file_parallel` reports: the reader's summary and how the file was read.
struct parallel_read_result {
  io::read_summary summary;  ///< records read, delivered, skipped, ignored; the first problems
  std::size_t parts = 1;     ///< ranges the file was read in (1: one thread)
  bool fell_back = false;    ///< a range failed and the file was read again on one thread
  /// Per part, what to add to the `line` of the records `on_record` received from it to get their
  /// line in the file (the lines of the parts before it; {0} when the file was read in one pass).
  std::vector<std::size_t> line_offsets{0};
};

namespace detail {

/// Cuts [0, size) into at most `parts` ranges ending just after a newline (the last at `size`);
/// every range numbers its lines from 1 (read_file_parallel renumbers them at the merge).
inline std::vector<io::detail::line_range> split_lines(const std::string& path, std::uint64_t size, unsigned parts) {
  std::vector<std::uint64_t> cuts{0};
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw parse_error(path, 0, "", "cannot open file");
  std::vector<char> block(1 << 16);
  for (unsigned t = 1; t < parts; ++t) {
    std::uint64_t pos = std::max<std::uint64_t>(size * t / parts, cuts.back());
    if (pos == 0 || pos >= size) continue;
    // The cut is just after the first newline at or after byte pos - 1.
    std::uint64_t at = pos - 1;
    bool found = false;
    while (!found && at < size) {
      if (std::fseek(file.get(), static_cast<long>(at), SEEK_SET) != 0) throw parse_error(path, 0, "", "cannot seek");
      const std::size_t got = std::fread(block.data(), 1, block.size(), file.get());
      if (got == 0) break;
      if (const void* nl = std::memchr(block.data(), '\n', got)) {
        at += static_cast<std::uint64_t>(static_cast<const char*>(nl) - block.data()) + 1;
        found = true;
      } else {
        at += got;
      }
    }
    if (found && at < size && at > cuts.back()) cuts.push_back(at);
  }
  cuts.push_back(size);
  std::vector<io::detail::line_range> out(cuts.size() - 1);
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) out[k] = {cuts[k], cuts[k + 1], 1};
  return out;
}

/// Thrown by the peeking sink once it has the first record.
struct first_record_found {};

}  // namespace detail

/// Reads the file `path` of `format` (one for which `io::reads_line_ranges` holds) into `into` on
/// `threads` threads, as `into.begin_source(source)` and one `add` per record and `add_summary`
/// would on one thread, with the same aggregates, counts, summary and errors.
/// `on_record(part, record, values)` is called for every scored record from the thread reading
/// `part` (parts are in file order: concatenating what each part produced gives the one-pass
/// order); the record's `line` counts from the start of its part: add the result's
/// `line_offsets[part]` (known once every part is read) for its line in the file.
/// `on_restart()` is called before the file is read again on one thread (then every record is
/// reported as part 0, with its line in the file): discard what the parts produced. `contexts`
/// holds one reader context per thread (resized as needed) and is reused across calls.
/// `check(record)`, when given, is called before each record is scored (the caller's own checks,
/// which may throw; it sees part-relative lines too, and an error it throws makes the file be read
/// again on one thread, where the error is reported with the line in the file). A template on the
/// scorer's regular-expression type, so that including this header instantiates nothing.
template <class Regex>
parallel_read_result read_file_parallel(
    basic_scorer<Regex>& into, io::input_format format, const std::string& path, const std::string& source,
    const io::input_options& options, unsigned threads, std::vector<io::reader_context>& contexts,
    const std::function<void(std::size_t, const io::record&, const score_values&)>& on_record,
    const std::function<void()>& on_restart, const std::function<void(const io::record&)>& check = {}) {
  parallel_read_result result;
  threads = emergent::detail::resolve_threads(threads);
  if (contexts.size() < std::max(threads, 1U)) contexts.resize(std::max(threads, 1U));
  const auto one_pass = [&]() {
    into.begin_source(source);
    const io::record_sink sink = [&](const io::record& r) {
      if (check) check(r);
      const auto& v = into.add(r);
      if (on_record) on_record(0, r, v);
    };
    result.summary = io::read_file(format, path, options, sink, contexts[0]);
    into.add_summary(result.summary);
    return result;
  };
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (threads <= 1 || !io::reads_line_ranges(format) || ec) return one_pass();
  const std::vector<io::detail::line_range> ranges = detail::split_lines(path, size, threads);
  if (ranges.size() <= 1) return one_pass();

  io::input_options part_options = options;
  part_options.progress = nullptr;  // not from several threads
  scorer_options part_scorer = into.options();
  part_scorer.keep_values = true;
  if (!into.metrics_known()) {  // the metrics of the first record the one pass would score
    std::vector<metric_spec> found;
    try {
      const io::record_sink peek = [&](const io::record& r) {
        found = auto_metrics(into.options().format, r);
        into.resolve(found);
        into.note_auto_choice(r);
        throw detail::first_record_found{};
      };
      io::read_file(format, path, part_options, peek, contexts[0]);
    } catch (const detail::first_record_found&) {
    } catch (...) {
      return one_pass();  // it fails on one thread too, with the same error
    }
    part_scorer.metrics = found;  // empty when no record is delivered at all
    into.resolve(found);          // what its first add would do (on_record may read into.metrics())
  }
  // The first range is scored straight into `into` (its records come first in the one-pass order);
  // the others into scorers that keep their values, replayed into `into` in order afterwards.
  basic_scorer<Regex> snapshot = into;  // what `into` is restored to when a range fails
  into.begin_source(source);
  std::vector<basic_scorer<Regex>> parts(ranges.size() - 1, basic_scorer<Regex>(part_scorer));
  std::vector<std::exception_ptr> failed(ranges.size());
  std::vector<std::size_t> lines(ranges.size(), 0);
  io::read_summary first_summary;
  emergent::detail::parallel_for_each_index(ranges.size(), threads, [&](std::size_t k) {
    try {
      basic_scorer<Regex>& part = k == 0 ? into : parts[k - 1];
      if (k > 0) part.begin_source(source);
      const io::record_sink sink = [&](const io::record& r) {
        if (check) check(r);
        const auto& v = part.add(r);
        if (on_record) on_record(k, r, v);
      };
      io::reader_context& context = contexts[k % contexts.size()];
      const io::read_summary summary = io::read_file_lines(format, path, ranges[k], part_options, sink, context);
      part.add_summary(summary);
      lines[k] = context.lines;
      if (k == 0) first_summary = summary;
    } catch (...) {
      failed[k] = std::current_exception();
    }
  });
  const bool any_failed = std::any_of(failed.begin(), failed.end(), [](const auto& e) { return bool(e); });
  if (!any_failed) {
    std::vector<std::size_t> offsets(ranges.size(), 0);
    for (std::size_t k = 1; k < ranges.size(); ++k) offsets[k] = offsets[k - 1] + lines[k - 1];
    try {
      for (std::size_t k = 1; k < ranges.size(); ++k) {
        parts[k - 1].shift_lines(path, offsets[k]);
        into.merge(parts[k - 1]);
      }
      for (std::size_t k = 0; k < ranges.size(); ++k) {
        const io::read_summary& s = k == 0 ? first_summary : parts[k - 1].summary();
        result.summary.read += s.read;
        result.summary.delivered += s.delivered;
        result.summary.skipped += s.skipped;
        result.summary.ignored += s.ignored;
        for (const auto& e : s.first_errors) {
          if (result.summary.first_errors.size() < options.max_listed) result.summary.first_errors.push_back(e);
        }
      }
      result.parts = ranges.size();
      result.line_offsets = std::move(offsets);
      // The parts' memory (values, document keys) is freed on the threads, not after them on this one.
      emergent::detail::parallel_for_each_index(parts.size(), threads, [&](std::size_t k) {
        const basic_scorer<Regex> gone = std::move(parts[k]);
      });
      return result;
    } catch (...) {
    }
  }
  into = std::move(snapshot);
  if (on_restart) on_restart();
  result.fell_back = true;
  result.summary = {};
  return one_pass();
}

}  // namespace emergent::scoring
