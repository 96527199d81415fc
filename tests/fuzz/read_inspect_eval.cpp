// libFuzzer target: emergent::io::read_inspect_eval (an Inspect .eval ZIP archive in memory) on arbitrary
// bytes must either deliver records or throw emergent::parse_error (a clean error); any other
// exception, crash, hang or sanitizer report is a bug. The harness is in record_reader_fuzz.hpp; the
// corpus holds a small valid archive with a deflated and a zstd member.
#include "record_reader_fuzz.hpp"

#include <emergent/io/inspect_eval.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return emergent_fuzz::fuzz_record_reader(data, size, emergent::io::read_inspect_eval);
}
