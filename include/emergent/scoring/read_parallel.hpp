/// @file
/// @brief `scoring::read_file_parallel`: scores one large line-based file (lm-eval samples, mapped
///        JSON Lines) on several threads with the same result as one thread. The file is cut into
///        parts at line boundaries (many more than threads, no pass over the file before the
///        parallel work). The calling thread reads the file from its start straight into the
///        caller's scorer, claiming one part after another; the other threads claim parts from the
///        end backwards, each part scored into a scorer of its own that keeps the values in order,
///        numbering its lines from 1. When the two meet, every part is read: the later parts' line
///        numbers (in their values, skipped-record messages and notes) are shifted by the lines
///        before them, and their scorers are replayed in order, so every sum is formed in the
///        one-pass order (byte-identical aggregates). Because parts are claimed while reading, a
///        slower core (another process on it, a slower vCPU) reads fewer of them: the threads finish
///        together. Whenever a part fails (a bad record without skip_bad, a document in two parts,
///        an overflow), the file is read again on one thread from the scorer's state before it, so
///        the first error reported and the skipped records are exactly those of one pass.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
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
inline std::vector<io::detail::line_range> split_lines(const std::string& path, std::uint64_t size, std::size_t parts) {
  std::vector<std::uint64_t> cuts{0};
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw parse_error(path, 0, "", "cannot open file");
  std::vector<char> block(1 << 16);
  for (std::size_t t = 1; t < parts; ++t) {
    std::uint64_t pos = std::max<std::uint64_t>(size / parts * t + size % parts * t / parts, cuts.back());
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
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    out[k].begin = cuts[k];
    out[k].end = cuts[k + 1];
  }
  return out;
}

/// How many parts `read_file_parallel` cuts a file of `size` bytes into for `threads` threads: 16
/// per thread (a part is claimed at a time, so a thread that finishes late holds up the others by
/// one part at most), none under 4 MiB (each part opens the file and sets up a reader), and at
/// least one per thread.
[[nodiscard]] constexpr std::size_t parallel_parts(std::uint64_t size, unsigned threads) noexcept {
  constexpr std::uint64_t smallest = std::uint64_t{1} << 22;
  const std::uint64_t most = std::uint64_t{threads} * 16;
  return static_cast<std::size_t>(std::max<std::uint64_t>(threads, std::min(most, size / smallest)));
}

/// Thrown by the peeking sink once it has the first record.
struct first_record_found {};

}  // namespace detail

/// Reads the file `path` of `format` (one for which `io::reads_line_ranges` holds) into `into` on
/// `threads` threads, as `into.begin_source(source)` and one `add` per record and `add_summary`
/// would on one thread, with the same aggregates, counts, summary and errors.
/// `on_parts(n)` is called before any record is reported with the number of parts the file is
/// read in (size per-part buffers to n, empty); it is called again with 1 before the file is read
/// again on one thread after a part failed: discard what the parts produced (every record is then
/// reported as part 0, with its line in the file).
/// `on_record(part, record, values)` is called for every scored record from the thread reading
/// `part` (parts are in file order: concatenating what each part produced gives the one-pass
/// order; some parts may produce nothing); the record's `line` counts from the start of its part:
/// add the result's `line_offsets[part]` (known once every part is read) for its line in the file.
/// `contexts` holds one reader context per thread (resized as needed) and is reused across calls.
/// `check(record)`, when given, is called before each record is scored (the caller's own checks,
/// which may throw; it sees part-relative lines too, and an error it throws makes the file be read
/// again on one thread, where the error is reported with the line in the file).
/// `parts` is the number of parts to cut the file into (0: `detail::parallel_parts`; fewer when
/// the file has fewer lines). A template on the scorer's regular-expression type, so that
/// including this header instantiates nothing.
template <class Regex>
parallel_read_result read_file_parallel(
    basic_scorer<Regex>& into, io::input_format format, const std::string& path, const std::string& source,
    const io::input_options& options, unsigned threads, std::vector<io::reader_context>& contexts,
    const std::function<void(std::size_t, const io::record&, const score_values&)>& on_record,
    const std::function<void(std::size_t)>& on_parts, const std::function<void(const io::record&)>& check = {},
    std::size_t parts = 0) {
  parallel_read_result result;
  threads = emergent::detail::resolve_threads(threads);
  if (contexts.size() < std::max(threads, 1U)) contexts.resize(std::max(threads, 1U));
  const auto one_pass = [&]() {
    if (on_parts) on_parts(1);
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
  std::vector<io::detail::line_range> ranges =
      detail::split_lines(path, size, parts > 0 ? parts : detail::parallel_parts(size, threads));
  const std::size_t n = ranges.size();
  if (n <= 1) return one_pass();

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
  if (on_parts) on_parts(n);
  // Parts [0, front) are claimed by the calling thread, [back, n) by the others (from the end).
  std::mutex claims;
  std::size_t front = 1, back = n;
  bool stop = false;  // a part failed: claim nothing more
  basic_scorer<Regex> snapshot = into;  // what `into` is restored to when a part fails
  into.begin_source(source);
  std::vector<std::optional<basic_scorer<Regex>>> later(n);  // [front, n): the later parts' scorers
  std::vector<std::size_t> lines(n, 0);
  std::exception_ptr failed;
  io::read_summary first_summary;  // of parts [0, front), read as one range
  const auto give_up = [&] {  // in a catch block: keep the first failure, let no thread claim more
    const std::lock_guard<std::mutex> lock(claims);
    stop = true;
    if (!failed) failed = std::current_exception();
  };
  emergent::detail::run_workers(threads, [&](unsigned t) {
    io::reader_context& context = contexts[t];
    if (t == 0) {
      try {
        io::detail::line_range range = ranges[0];
        range.extend = [&](std::uint64_t end) {
          const std::lock_guard<std::mutex> lock(claims);
          if (stop || front >= back) return end;
          return ranges[front++].end;
        };
        const io::record_sink sink = [&](const io::record& r) {
          if (check) check(r);
          const auto& v = into.add(r);
          if (on_record) on_record(0, r, v);
        };
        first_summary = io::read_file_lines(format, path, range, part_options, sink, context);
        into.add_summary(first_summary);
        lines[0] = context.lines;
      } catch (...) {
        give_up();
      }
      return;
    }
    for (;;) {
      std::size_t k = 0;
      {
        const std::lock_guard<std::mutex> lock(claims);
        if (stop || back <= front) return;
        k = --back;
      }
      try {
        basic_scorer<Regex>& part = later[k].emplace(part_scorer);
        part.begin_source(source);
        const io::record_sink sink = [&](const io::record& r) {
          if (check) check(r);
          const auto& v = part.add(r);
          if (on_record) on_record(k, r, v);
        };
        part.add_summary(io::read_file_lines(format, path, ranges[k], part_options, sink, context));
        lines[k] = context.lines;
      } catch (...) {
        give_up();
        return;
      }
    }
  });
  if (!failed) {
    // Line offsets: parts [0, front) were read as one range numbered from the file's first line.
    std::vector<std::size_t> offsets(n, 0);
    std::size_t before = lines[0];
    for (std::size_t k = front; k < n; ++k) {
      offsets[k] = before;
      before += lines[k];
    }
    try {
      for (std::size_t k = front; k < n; ++k) {
        later[k]->shift_lines(path, offsets[k]);
        into.merge(*later[k]);
      }
      const auto add = [&](const io::read_summary& s) {  // in file order
        result.summary.read += s.read;
        result.summary.delivered += s.delivered;
        result.summary.skipped += s.skipped;
        result.summary.ignored += s.ignored;
        for (const auto& e : s.first_errors) {
          if (result.summary.first_errors.size() < options.max_listed) result.summary.first_errors.push_back(e);
        }
      };
      add(first_summary);
      for (std::size_t k = front; k < n; ++k) add(later[k]->summary());
      result.parts = n;
      result.line_offsets = std::move(offsets);
      // The parts' memory (values, document keys) is freed on the threads, not after them on this one.
      emergent::detail::parallel_for_each_index(n - front, threads, [&](std::size_t k) {
        const std::optional<basic_scorer<Regex>> gone = std::move(later[front + k]);
      });
      return result;
    } catch (...) {
    }
  }
  into = std::move(snapshot);
  result.fell_back = true;
  result.summary = {};
  return one_pass();
}

}  // namespace emergent::scoring
