// libFuzzer target: the CSV and JSONL readers with a column mapping, the lm-eval results reader,
// the HELM per-instance statistics reader and the compute table on arbitrary bytes: records or
// emergent::parse_error, nothing else.
#include <emergent/io.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const auto mapping = emergent::io::parse_column_mapping(
      "model=m,example_id=id,prediction=p,references=r,gold=g,options=o0;o1,token_logprobs=t,stored=acc");
  emergent::io::read_options options;
  options.skip_bad = size % 2 == 0;
  auto sink = [](const emergent::io::record&) {};
  try {
    (void)emergent::io::read_csv(text, "fuzz.csv", mapping, options, sink);
  } catch (const emergent::parse_error&) {
  }
  try {
    (void)emergent::io::read_jsonl(text, "fuzz.jsonl", mapping, options, sink);
  } catch (const emergent::parse_error&) {
  }
  try {
    (void)emergent::io::read_lm_eval_results(text, "fuzz.json");
  } catch (const emergent::parse_error&) {
  }
  try {
    (void)emergent::io::read_helm_per_instance_stats(text, "fuzz.json");
  } catch (const emergent::parse_error&) {
  }
  try {
    (void)emergent::io::read_compute_table(text, "fuzz.csv");
  } catch (const emergent::parse_error&) {
  }
  return 0;
}
