// Text comparisons used by `emergent score` until the metrics layer provides them: whitespace
// stripping and the Levenshtein (1966) distance over bytes, bit-parallel (Myers 1999; Hyyrö 2003,
// global form) when the shorter string has at most 64 bytes, else the two-row dynamic programme.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace emergent::cli::score::text {

inline std::string_view strip(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// Levenshtein distance between a and b (unit costs for insertion, deletion, substitution), over bytes.
inline std::size_t levenshtein(std::string_view a, std::string_view b) {
  // Common prefix and suffix do not change the distance.
  while (!a.empty() && !b.empty() && a.front() == b.front()) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  while (!a.empty() && !b.empty() && a.back() == b.back()) {
    a.remove_suffix(1);
    b.remove_suffix(1);
  }
  if (a.size() < b.size()) std::swap(a, b);  // b is the shorter: the pattern
  if (b.empty()) return a.size();
  if (b.size() <= 64) {
    std::array<std::uint64_t, 256> peq{};
    for (std::size_t i = 0; i < b.size(); ++i) peq[static_cast<unsigned char>(b[i])] |= std::uint64_t{1} << i;
    const std::uint64_t last = std::uint64_t{1} << (b.size() - 1);
    std::uint64_t pv = ~std::uint64_t{0}, mv = 0;
    std::size_t score = b.size();
    for (const char ch : a) {
      const std::uint64_t eq = peq[static_cast<unsigned char>(ch)];
      const std::uint64_t xv = eq | mv;
      const std::uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
      std::uint64_t ph = mv | ~(xh | pv);
      std::uint64_t mh = pv & xh;
      if (ph & last) ++score;
      if (mh & last) --score;
      ph = (ph << 1) | 1;
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    return score;
  }
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace emergent::cli::score::text
