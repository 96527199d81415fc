/// @file
/// @brief What the readers of `emergent::io` reuse from one file to the next: the line buffer of
///        the streaming JSON Lines / CSV readers (which also holds the text of a single-document
///        file: HELM, Inspect, lm-eval `--write_out`), the simdjson parsers and the record they fill.
///        Reading many files through one context allocates (and zeroes) these once, not once per
///        file: under allocators that return freed memory at once (Dask's nanny sets
///        `MALLOC_TRIM_THRESHOLD_`), a fresh 1 MiB buffer per small file costs more than parsing it.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <cstddef>
#include <vector>

#include "emergent/io/record.hpp"

namespace emergent::io {

/// Buffers and parser that readers reuse across files. Not thread-safe: one context per thread.
/// Pass it to the `*_file` readers' overloads that take one (or to `io::read_file`).
struct reader_context {
  /// The streaming readers' line buffer (grows for a long line, keeps its capacity).
  std::vector<char> line_buffer;
  /// The simdjson parser (keeps its capacity, which grows to the largest document parsed).
  simdjson::dom::parser parser;
  /// The On-Demand parser that walks the single-document formats (HELM, Inspect, lm-eval
  /// `--write_out`), whose text is loaded whole into `line_buffer` (kept capacity too).
  simdjson::ondemand::parser document_parser;
  /// The record the JSON Lines readers fill and deliver (its vectors keep their capacity).
  record current;
  /// The newlines the last streaming JSON Lines read through this context went past: for a byte
  /// range (`read_file_lines`), the number of lines in it, which numbers the lines of the next range.
  std::size_t lines = 0;
};

}  // namespace emergent::io
