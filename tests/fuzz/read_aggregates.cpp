// libFuzzer target: the readers of aggregate numbers and the format detector on arbitrary bytes:
// read_lm_eval_table (the printed Markdown table) and read_lm_eval_results must return rows or throw
// emergent::parse_error, detect_input_format_of must return a format or throw emergent::input_error,
// and every row must carry a finite value (no silent NaN). Anything else is a bug.
#include <emergent/io.hpp>
#include <emergent/io/detect_format.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& row : emergent::io::read_lm_eval_table(text, "fuzz.md")) {
      if (!std::isfinite(row.value) && !std::isinf(row.value)) __builtin_trap();
    }
  } catch (const emergent::parse_error&) {
  }
  try {
    for (const auto& row : emergent::io::read_lm_eval_results(text, "fuzz.json")) {
      if (std::isnan(row.value)) __builtin_trap();
    }
  } catch (const emergent::parse_error&) {
  }
  try {
    (void)emergent::io::detect_input_format_of(text, "fuzz");
  } catch (const emergent::input_error&) {
  }
  return 0;
}
