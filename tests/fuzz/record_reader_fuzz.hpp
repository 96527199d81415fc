// The harness shared by the libFuzzer targets of the record readers (read_helm.cpp, read_inspect.cpp,
// read_lm_eval.cpp, read_write_out.cpp): the reader runs on the fuzzer's bytes once stopping at the
// first bad record and once with skip_bad; it must deliver records or throw emergent::parse_error (a
// clean error), and count every record it read as delivered or skipped. Any other exception, crash,
// hang or sanitizer report is a bug.
#pragma once

#include <emergent/io.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace emergent_fuzz {

/// A reader of records from text: (text, source name, options, sink) -> summary.
using record_reader = emergent::io::read_summary (*)(std::string_view, std::string_view,
                                                     const emergent::io::read_options&,
                                                     const emergent::io::record_sink&);

/// Runs `read` on `data` as libFuzzer's LLVMFuzzerTestOneInput does; traps on a miscounted summary.
inline int fuzz_record_reader(const std::uint8_t* data, std::size_t size, record_reader read) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const bool skip : {false, true}) {
    emergent::io::read_options options;
    options.skip_bad = skip;
    try {
      std::size_t n = 0;  // touches each record's vectors, so that the sanitizers see them
      const auto summary = read(text, "fuzz", options, [&](const emergent::io::record& r) {
        n += r.options.size() + r.references.size();
      });
      if (summary.read != summary.delivered + summary.skipped) __builtin_trap();
    } catch (const emergent::parse_error&) {
    }
  }
  return 0;
}

}  // namespace emergent_fuzz
