/// @file
/// @brief Where the reference vectors are: `reference_vectors.json`, installed next to this header,
///        holds canonical inputs and expected values for every built-in metric of emergent, computed
///        independently (scikit-learn, SciPy, exact arithmetic, brute force) by
///        tests/reference/reference_vectors.py. Its schema is `reference_vectors.schema.json` beside
///        it, documented in docs/testing-metrics.md. Any implementation, in any language, can be
///        tested against the file; emergent's own tests read the same file.
///
/// emergent never parses files outside `emergent/io/`; this header only says where the files are.
#pragma once

#include <filesystem>

namespace emergent::testing {

/// Path of `reference_vectors.json`, found beside this header (through `__FILE__`, so it works in
/// the source tree and after `cmake --install`, as long as the header was included by an absolute
/// include path, which CMake's targets give).
[[nodiscard]] inline std::filesystem::path reference_vectors_path() {
  return std::filesystem::path(__FILE__).parent_path() / "reference_vectors.json";
}

/// Path of `reference_vectors.schema.json`, the JSON Schema (draft 2020-12) of the reference vectors.
[[nodiscard]] inline std::filesystem::path reference_vectors_schema_path() {
  return std::filesystem::path(__FILE__).parent_path() / "reference_vectors.schema.json";
}

}  // namespace emergent::testing
