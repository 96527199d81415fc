/// @file
/// @brief `scoring::read_file`: reads one file of any input format into a `scorer` (the reader
///        that io/dispatch.hpp picks for the format, so this header includes every reader and
///        simdjson; scoring/scorer.hpp itself includes no reader).
#pragma once

#include <functional>
#include <string>

#include "emergent/io/dispatch.hpp"
#include "emergent/io/reader_context.hpp"
#include "emergent/io/record.hpp"
#include "emergent/scoring/scorer.hpp"

namespace emergent::scoring {

/// Reads the file `path` of `format` into `into`: `into.begin_source(path)`, `into.add` for every
/// record the reader delivers, then `into.add_summary` with the reader's summary, which it returns.
/// `on_record(record, values)` is called after each record is scored. Errors: those of the reader
/// (parse_error naming file and line; skipped records are counted in the summary when `read` asks
/// to skip bad ones) and of `scorer::add`. (A template on the scorer's regular-expression type, so
/// that including this header instantiates nothing.)
template <class Regex>
io::read_summary read_file(basic_scorer<Regex>& into, io::input_format format, const std::string& path,
                           const io::input_options& read, io::reader_context& context,
                           const std::function<void(const io::record&, const score_values&)>& on_record = {}) {
  into.begin_source(path);
  const io::record_sink sink = [&](const io::record& r) {
    const score_values& v = into.add(r);
    if (on_record) on_record(r, v);
  };
  io::read_summary s = io::read_file(format, path, read, sink, context);
  into.add_summary(s);
  return s;
}

}  // namespace emergent::scoring
