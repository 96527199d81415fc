// libFuzzer target: emergent::io::read_openai_evals (openai/evals record logs, JSON Lines) on arbitrary
// bytes must either deliver records or throw emergent::parse_error (a clean error); any other
// exception, crash, hang or sanitizer report is a bug. The harness is in record_reader_fuzz.hpp.
#include "record_reader_fuzz.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return emergent_fuzz::fuzz_record_reader(data, size, emergent::io::read_openai_evals);
}
