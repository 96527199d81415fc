// libFuzzer target: emergent::io::read_lm_eval_samples on arbitrary bytes must either deliver records or throw
// emergent::parse_error (a clean error); any other exception, crash, hang or sanitizer report is a bug.
#include <emergent/io.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const bool skip : {false, true}) {
    emergent::io::read_options options;
    options.skip_bad = skip;
    try {
      std::size_t n = 0;
      const auto summary = emergent::io::read_lm_eval_samples(text, "fuzz", options, [&](const emergent::io::record& r) {
        n += r.options.size() + r.references.size();
      });
      if (summary.read != summary.delivered + summary.skipped) __builtin_trap();
    } catch (const emergent::parse_error&) {
    }
  }
  return 0;
}
