// The byte-level Levenshtein distance used by `emergent score` (tools/emergent/score/text_metrics.hpp):
// bit-parallel path and the dynamic programme against a brute-force full-matrix oracle.
#include <doctest/doctest.h>

#include "../../tools/emergent/score/text_metrics.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace {
std::size_t oracle(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1u : 0u)});
    }
  }
  return d[a.size()][b.size()];
}
}  // namespace

TEST_CASE("levenshtein: known values") {
  using emergent::cli::score::text::levenshtein;
  CHECK(levenshtein("kitten", "sitting") == 3);
  CHECK(levenshtein("", "abc") == 3);
  CHECK(levenshtein("abc", "") == 3);
  CHECK(levenshtein("flaw", "lawn") == 2);
  CHECK(levenshtein("same", "same") == 0);
  CHECK(emergent::cli::score::text::strip("  x y \n") == "x y");
}

TEST_CASE("levenshtein equals the full dynamic programme on random pairs (both paths)") {
  std::mt19937 gen(7);
  for (int t = 0; t < 3000; ++t) {
    std::string a, b;
    const std::size_t la = gen() % 150, lb = gen() % 150;
    const int alphabet = 1 + static_cast<int>(gen() % 4);
    for (std::size_t i = 0; i < la; ++i) a += static_cast<char>('a' + gen() % alphabet);
    for (std::size_t i = 0; i < lb; ++i) b += static_cast<char>('a' + gen() % alphabet);
    CAPTURE(a);
    CAPTURE(b);
    CHECK(emergent::cli::score::text::levenshtein(a, b) == oracle(a, b));
  }
}
