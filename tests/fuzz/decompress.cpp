// libFuzzer target: emergent::io::decompress (gzip and zstd buffers, recognised by their magic
// numbers) on arbitrary bytes must return the decompressed bytes or throw emergent::parse_error;
// any other exception, crash, hang or sanitizer report is a bug. Then the decompressed text is fed
// to the lm-eval samples reader, as a compressed samples file would be. The corpus holds a small
// gzip and a small zstd stream.
#include "record_reader_fuzz.hpp"

#include <emergent/io/decompress.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text;
  try {
    text = emergent::io::decompress(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const emergent::parse_error&) {
    return 0;
  }
  if (text.size() > (std::size_t{1} << 24)) return 0;  // a bomb: decompressed fine, too large to parse here
  return emergent_fuzz::fuzz_record_reader(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(),
                                           emergent::io::read_lm_eval_samples);
}
