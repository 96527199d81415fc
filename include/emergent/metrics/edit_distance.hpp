/// @file
/// @brief Levenshtein (unit-cost edit) distance on any equality-comparable element type: bytes,
///        UTF-32 code points, 32-bit token ids, strings as tokens. Bit-parallel after Myers (1999)
///        in Hyyrö's (2003) formulation, in blocks of 64 rows for longer sequences, inside a
///        doubling diagonal band (Ukkonen 1985), after stripping the common prefix and suffix.
///        The API follows rapidfuzz-cpp's: `distance`, `similarity`, `normalized_distance`,
///        `normalized_similarity`, each for two ranges or two iterator pairs with an optional
///        `score_cutoff`, and `cached_levenshtein` for scoring one sequence against many.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "emergent/core/concepts.hpp"
#include "emergent/core/error.hpp"
#include "emergent/metrics/detail/levenshtein_impl.hpp"

namespace emergent {
namespace detail {

template <class T>
concept lev_char_like = std::same_as<T, char> || std::same_as<T, wchar_t> || std::same_as<T, char8_t> ||
                        std::same_as<T, char16_t> || std::same_as<T, char32_t>;

/// A string literal (array of characters) is viewed up to its terminating NUL; any other range as is.
template <class R>
[[nodiscard]] constexpr decltype(auto) lev_symbols(const R& r) noexcept {
  if constexpr (std::is_array_v<R> && lev_char_like<std::remove_cv_t<std::remove_extent_t<R>>>) {
    return std::basic_string_view<std::remove_cv_t<std::remove_extent_t<R>>>(r);
  } else {
    return (r);
  }
}

template <class T>
concept lev_hashable = requires(const T& x) {
  { std::hash<T>{}(x) } -> std::convertible_to<std::size_t>;
};

/// Maps arbitrary equality-comparable symbols to dense 32-bit ids (equal symbols, equal ids):
/// through std::hash when the type has one, otherwise by linear search over the distinct symbols.
template <class T>
class lev_symbol_ids {
 public:
  lev_symbol_ids() = default;
  explicit lev_symbol_ids(std::size_t expected) { reset(expected); }
  void reset(std::size_t expected) {
    if constexpr (lev_hashable<T>) {
      map_.clear();
      map_.reserve(expected);
    } else {
      list_.clear();
    }
  }
  std::uint32_t insert(const T& x) {
    if constexpr (lev_hashable<T>) {
      return map_.try_emplace(x, static_cast<std::uint32_t>(map_.size())).first->second;
    } else {
      for (std::size_t i = 0; i < list_.size(); ++i) {
        if (list_[i] == x) return static_cast<std::uint32_t>(i);
      }
      list_.push_back(x);
      return static_cast<std::uint32_t>(list_.size() - 1);
    }
  }
  [[nodiscard]] std::uint32_t find(const T& x, std::uint32_t absent) const {
    if constexpr (lev_hashable<T>) {
      const auto it = map_.find(x);
      return it == map_.end() ? absent : it->second;
    } else {
      for (std::size_t i = 0; i < list_.size(); ++i) {
        if (list_[i] == x) return static_cast<std::uint32_t>(i);
      }
      return absent;
    }
  }
  [[nodiscard]] std::size_t size() const noexcept {
    if constexpr (lev_hashable<T>) {
      return map_.size();
    } else {
      return list_.size();
    }
  }

 private:
  std::conditional_t<lev_hashable<T>, std::unordered_map<T, std::uint32_t>, char> map_{};
  std::conditional_t<lev_hashable<T>, char, std::vector<T>> list_{};
};

/// Distance of two contiguous integer-like sequences (dispatch on the element width).
template <class T>
[[nodiscard]] std::size_t lev_contiguous(const T* a, std::size_t m, const T* b, std::size_t n, std::size_t cutoff) {
  if constexpr (lev_byte<T>) {
    return lev_bytes(a, m, b, n, cutoff);
  } else {
    return lev_wide(a, m, b, n, cutoff);
  }
}

/// Distance of any two iterator ranges with the same value type, clamped to cutoff + 1.
template <class I1, class S1, class I2, class S2>
[[nodiscard]] std::size_t lev_iterators(I1 first1, S1 last1, I2 first2, S2 last2, std::size_t cutoff) {
  using T = std::iter_value_t<I1>;
  if constexpr (lev_byte<T> || lev_integral<T>) {
    if constexpr (std::contiguous_iterator<I1> && std::contiguous_iterator<I2>) {
      const auto m = static_cast<std::size_t>(std::ranges::distance(first1, last1));
      const auto n = static_cast<std::size_t>(std::ranges::distance(first2, last2));
      const T* a = m == 0 ? nullptr : std::to_address(first1);
      const T* b = n == 0 ? nullptr : std::to_address(first2);
      return lev_contiguous<T>(a, m, b, n, cutoff);
    } else {
      std::vector<T> a;
      std::vector<T> b;
      for (; first1 != last1; ++first1) a.push_back(*first1);
      for (; first2 != last2; ++first2) b.push_back(*first2);
      return lev_contiguous<T>(a.data(), a.size(), b.data(), b.size(), cutoff);
    }
  } else {
    // Strings as tokens and other symbols: dense ids over both sequences, then the integer path.
    std::vector<std::uint32_t> a;
    std::vector<std::uint32_t> b;
    lev_symbol_ids<T> ids(64);
    for (; first1 != last1; ++first1) a.push_back(ids.insert(*first1));
    for (; first2 != last2; ++first2) b.push_back(ids.insert(*first2));
    return lev_wide(a.data(), a.size(), b.data(), b.size(), cutoff);
  }
}

/// The distance cutoff that lets a similarity cutoff prune: similarity = max_len - distance.
[[nodiscard]] constexpr std::size_t lev_distance_cutoff_for_similarity(std::size_t max_len, std::size_t sim_cutoff) noexcept {
  return max_len - sim_cutoff;  // caller ensured sim_cutoff <= max_len
}

inline void lev_check_normalized_cutoff(const char* function, double cutoff) {
  if (!(cutoff >= 0.0 && cutoff <= 1.0)) {
    throw input_error(describe(function, "score_cutoff", std::to_string(cutoff) + " is outside [0, 1]"));
  }
}

/// Normalised distance d / max_len with pruning: `dist(k)` returns the distance clamped to k + 1.
template <class Dist>
[[nodiscard]] double lev_normalized_distance(std::size_t max_len, double cutoff, Dist&& dist) {
  if (max_len == 0) return 0.0;
  const auto k = static_cast<std::size_t>(std::ceil(cutoff * static_cast<double>(max_len)));
  const std::size_t d = dist(std::min(k, max_len));
  const double nd = static_cast<double>(d) / static_cast<double>(max_len);
  return nd <= cutoff ? nd : 1.0;
}

template <class Dist>
[[nodiscard]] double lev_normalized_similarity(std::size_t max_len, double cutoff, Dist&& dist) {
  if (max_len == 0) return 1.0;
  const auto k = static_cast<std::size_t>(std::ceil((1.0 - cutoff) * static_cast<double>(max_len)));
  const std::size_t d = dist(std::min(k, max_len));
  const double ns = 1.0 - static_cast<double>(d) / static_cast<double>(max_len);
  return ns >= cutoff ? ns : 0.0;
}

template <class R>
using lev_value_t = std::ranges::range_value_t<std::remove_cvref_t<decltype(lev_symbols(std::declval<const R&>()))>>;

}  // namespace detail

/// Two ranges whose symbols can be scored against each other: forward ranges with the same
/// equality-comparable value type (string literals count as strings, without their NUL).
template <class R1, class R2>
concept levenshtein_comparable = symbol_range<R1> && symbol_range<R2> &&
                                 std::same_as<std::remove_cv_t<detail::lev_value_t<R1>>,
                                              std::remove_cv_t<detail::lev_value_t<R2>>>;

/// Two iterator ranges that can be scored against each other: forward iterators with the same
/// equality-comparable value type.
template <class I1, class S1, class I2, class S2>
concept levenshtein_iterators = std::forward_iterator<I1> && std::sentinel_for<S1, I1> &&
                                std::forward_iterator<I2> && std::sentinel_for<S2, I2> &&
                                std::equality_comparable<std::iter_value_t<I1>> &&
                                std::same_as<std::iter_value_t<I1>, std::iter_value_t<I2>>;

/// "No cutoff" for the `std::size_t` score cutoffs of the distance functions.
inline constexpr std::size_t no_score_cutoff = detail::lev_no_cutoff;

/// Levenshtein distance (Levenshtein 1966): the least number of single-symbol insertions, deletions
/// and substitutions that turn [first1, last1) into [first2, last2), computed by the recurrence
/// D[i][j] = min(D[i-1][j] + 1, D[i][j-1] + 1, D[i-1][j-1] + [a_i != b_j]) with D[i][0] = i,
/// D[0][j] = j, evaluated 64 cells per instruction (Myers 1999; Hyyrö 2003).
/// When the distance exceeds `score_cutoff`, returns `score_cutoff + 1` (and may stop early).
template <class I1, class S1, class I2, class S2>
  requires levenshtein_iterators<I1, S1, I2, S2>
[[nodiscard]] std::size_t levenshtein_distance(I1 first1, S1 last1, I2 first2, S2 last2,
                                               std::size_t score_cutoff = no_score_cutoff) {
  return detail::lev_iterators(std::move(first1), std::move(last1), std::move(first2), std::move(last2), score_cutoff);
}

/// Levenshtein distance between two ranges (see the iterator-pair overload): the least number of
/// insertions, deletions and substitutions turning `a` into `b`; `score_cutoff + 1` when above the cutoff.
template <class R1, class R2>
  requires levenshtein_comparable<R1, R2>
[[nodiscard]] std::size_t levenshtein_distance(const R1& a, const R2& b, std::size_t score_cutoff = no_score_cutoff) {
  const auto& x = detail::lev_symbols(a);
  const auto& y = detail::lev_symbols(b);
  return detail::lev_iterators(std::ranges::begin(x), std::ranges::end(x), std::ranges::begin(y), std::ranges::end(y),
                               score_cutoff);
}

/// Levenshtein similarity: max(|a|, |b|) - distance(a, b), in [0, max(|a|, |b|)]; 0 when below `score_cutoff`.
template <class I1, class S1, class I2, class S2>
  requires levenshtein_iterators<I1, S1, I2, S2>
[[nodiscard]] std::size_t levenshtein_similarity(I1 first1, S1 last1, I2 first2, S2 last2, std::size_t score_cutoff = 0) {
  const auto m = static_cast<std::size_t>(std::ranges::distance(first1, last1));
  const auto n = static_cast<std::size_t>(std::ranges::distance(first2, last2));
  const std::size_t max_len = std::max(m, n);
  if (score_cutoff > max_len) return 0;
  const std::size_t d =
      detail::lev_iterators(first1, last1, first2, last2, detail::lev_distance_cutoff_for_similarity(max_len, score_cutoff));
  const std::size_t sim = d >= max_len ? 0 : max_len - d;
  return sim >= score_cutoff ? sim : 0;
}

/// Levenshtein similarity between two ranges: max(|a|, |b|) - distance(a, b); 0 when below `score_cutoff`.
template <class R1, class R2>
  requires levenshtein_comparable<R1, R2>
[[nodiscard]] std::size_t levenshtein_similarity(const R1& a, const R2& b, std::size_t score_cutoff = 0) {
  const auto& x = detail::lev_symbols(a);
  const auto& y = detail::lev_symbols(b);
  return levenshtein_similarity(std::ranges::begin(x), std::ranges::end(x), std::ranges::begin(y), std::ranges::end(y),
                                score_cutoff);
}

/// Normalised Levenshtein distance: distance(a, b) / max(|a|, |b|), in [0, 1]; 0 for two empty
/// sequences. Returns 1 when the value exceeds `score_cutoff` (in [0, 1], else `input_error`).
template <class I1, class S1, class I2, class S2>
  requires levenshtein_iterators<I1, S1, I2, S2>
[[nodiscard]] double levenshtein_normalized_distance(I1 first1, S1 last1, I2 first2, S2 last2, double score_cutoff = 1.0) {
  detail::lev_check_normalized_cutoff("levenshtein_normalized_distance", score_cutoff);
  const auto m = static_cast<std::size_t>(std::ranges::distance(first1, last1));
  const auto n = static_cast<std::size_t>(std::ranges::distance(first2, last2));
  return detail::lev_normalized_distance(std::max(m, n), score_cutoff,
                                         [&](std::size_t k) { return detail::lev_iterators(first1, last1, first2, last2, k); });
}

/// Normalised Levenshtein distance between two ranges: distance / max length, 0 for two empty sequences;
/// 1 when above `score_cutoff`.
template <class R1, class R2>
  requires levenshtein_comparable<R1, R2>
[[nodiscard]] double levenshtein_normalized_distance(const R1& a, const R2& b, double score_cutoff = 1.0) {
  const auto& x = detail::lev_symbols(a);
  const auto& y = detail::lev_symbols(b);
  return levenshtein_normalized_distance(std::ranges::begin(x), std::ranges::end(x), std::ranges::begin(y),
                                         std::ranges::end(y), score_cutoff);
}

/// Normalised Levenshtein similarity: 1 - distance(a, b) / max(|a|, |b|), in [0, 1]; 1 for two empty
/// sequences. Returns 0 when the value is below `score_cutoff` (in [0, 1], else `input_error`).
template <class I1, class S1, class I2, class S2>
  requires levenshtein_iterators<I1, S1, I2, S2>
[[nodiscard]] double levenshtein_normalized_similarity(I1 first1, S1 last1, I2 first2, S2 last2,
                                                       double score_cutoff = 0.0) {
  detail::lev_check_normalized_cutoff("levenshtein_normalized_similarity", score_cutoff);
  const auto m = static_cast<std::size_t>(std::ranges::distance(first1, last1));
  const auto n = static_cast<std::size_t>(std::ranges::distance(first2, last2));
  return detail::lev_normalized_similarity(
      std::max(m, n), score_cutoff, [&](std::size_t k) { return detail::lev_iterators(first1, last1, first2, last2, k); });
}

/// Normalised Levenshtein similarity between two ranges: 1 - normalised distance; 0 when below `score_cutoff`.
template <class R1, class R2>
  requires levenshtein_comparable<R1, R2>
[[nodiscard]] double levenshtein_normalized_similarity(const R1& a, const R2& b, double score_cutoff = 0.0) {
  const auto& x = detail::lev_symbols(a);
  const auto& y = detail::lev_symbols(b);
  return levenshtein_normalized_similarity(std::ranges::begin(x), std::ranges::end(x), std::ranges::begin(y),
                                           std::ranges::end(y), score_cutoff);
}

/// Levenshtein scorer with one side fixed (the "pattern"), for scoring one reference against many
/// predictions: the pattern's symbols are mapped to dense ids and its match vectors (one bit per
/// pattern position and symbol, Myers 1999) are built once; each query then maps its symbols with one
/// lookup each and runs the bit-parallel kernel. Results equal the free functions'. Queries are
/// `const` and may run concurrently from several threads.
template <class T>
class cached_levenshtein {
 public:
  /// Precomputes the pattern [first, last).
  template <std::forward_iterator I, std::sentinel_for<I> S>
    requires std::same_as<std::iter_value_t<I>, T>
  cached_levenshtein(I first, S last) {
    std::vector<T> pattern;
    for (; first != last; ++first) pattern.push_back(*first);
    m_ = pattern.size();
    std::vector<std::uint32_t> pid(m_);
    if constexpr (is_byte) {
      for (std::size_t i = 0; i < m_; ++i) pid[i] = static_cast<std::uint32_t>(detail::lev_key(pattern[i]));
      ids_count_ = 256;
    } else {
      ids_.reset(m_);
      for (std::size_t i = 0; i < m_; ++i) pid[i] = insert_key(pattern[i]);
      ids_count_ = ids_.size();
    }
    build(pid);
  }

  /// Precomputes the pattern `pattern` (a string literal is taken without its NUL).
  template <class R>
    requires symbol_range<R> && std::same_as<std::remove_cv_t<detail::lev_value_t<R>>, T>
  explicit cached_levenshtein(const R& pattern)
      : cached_levenshtein(std::ranges::begin(detail::lev_symbols(pattern)), std::ranges::end(detail::lev_symbols(pattern))) {}

  /// Length of the pattern.
  [[nodiscard]] std::size_t size() const noexcept { return m_; }

  /// Levenshtein distance from the pattern to [first, last); `score_cutoff + 1` when above the cutoff.
  template <std::forward_iterator I, std::sentinel_for<I> S>
    requires std::same_as<std::iter_value_t<I>, T>
  [[nodiscard]] std::size_t distance(I first, S last, std::size_t score_cutoff = no_score_cutoff) const {
    auto& s = detail::lev_scratch();
    s.text_ids.clear();
    const auto absent = static_cast<std::uint32_t>(ids_count_);
    for (; first != last; ++first) s.text_ids.push_back(find(*first, absent));
    return detail::lev_clamp(run(s.text_ids.data(), s.text_ids.size(), score_cutoff, s), score_cutoff);
  }

  /// Levenshtein distance from the pattern to `text`; `score_cutoff + 1` when above the cutoff.
  template <class R>
    requires symbol_range<R> && std::same_as<std::remove_cv_t<detail::lev_value_t<R>>, T>
  [[nodiscard]] std::size_t distance(const R& text, std::size_t score_cutoff = no_score_cutoff) const {
    const auto& x = detail::lev_symbols(text);
    return distance(std::ranges::begin(x), std::ranges::end(x), score_cutoff);
  }

  /// Levenshtein similarity max(m, n) - distance to `text`; 0 when below `score_cutoff`.
  template <class R>
    requires symbol_range<R> && std::same_as<std::remove_cv_t<detail::lev_value_t<R>>, T>
  [[nodiscard]] std::size_t similarity(const R& text, std::size_t score_cutoff = 0) const {
    const auto& x = detail::lev_symbols(text);
    const std::size_t max_len = std::max(m_, static_cast<std::size_t>(std::ranges::distance(x)));
    if (score_cutoff > max_len) return 0;
    const std::size_t d = distance(x, max_len - score_cutoff);
    const std::size_t sim = d >= max_len ? 0 : max_len - d;
    return sim >= score_cutoff ? sim : 0;
  }

  /// Normalised distance to `text`: distance / max(m, n), 0 when both are empty; 1 above `score_cutoff`.
  template <class R>
    requires symbol_range<R> && std::same_as<std::remove_cv_t<detail::lev_value_t<R>>, T>
  [[nodiscard]] double normalized_distance(const R& text, double score_cutoff = 1.0) const {
    detail::lev_check_normalized_cutoff("cached_levenshtein::normalized_distance", score_cutoff);
    const auto& x = detail::lev_symbols(text);
    const std::size_t max_len = std::max(m_, static_cast<std::size_t>(std::ranges::distance(x)));
    return detail::lev_normalized_distance(max_len, score_cutoff, [&](std::size_t k) { return distance(x, k); });
  }

  /// Normalised similarity to `text`: 1 - normalised distance, 1 when both are empty; 0 below `score_cutoff`.
  template <class R>
    requires symbol_range<R> && std::same_as<std::remove_cv_t<detail::lev_value_t<R>>, T>
  [[nodiscard]] double normalized_similarity(const R& text, double score_cutoff = 0.0) const {
    detail::lev_check_normalized_cutoff("cached_levenshtein::normalized_similarity", score_cutoff);
    const auto& x = detail::lev_symbols(text);
    const std::size_t max_len = std::max(m_, static_cast<std::size_t>(std::ranges::distance(x)));
    return detail::lev_normalized_similarity(max_len, score_cutoff, [&](std::size_t k) { return distance(x, k); });
  }

 private:
  static constexpr bool is_byte = detail::lev_byte<T>;
  static constexpr bool is_integral = detail::lev_integral<T> && !is_byte;
  struct no_map {};
  using key_map = std::conditional_t<is_integral, detail::lev_id_map<detail::lev_key_t<std::conditional_t<is_integral, T, int>>>,
                                     std::conditional_t<is_byte, no_map, detail::lev_symbol_ids<T>>>;

  std::uint32_t insert_key(const T& x) {
    if constexpr (is_integral) {
      return ids_.insert(detail::lev_key(x));
    } else {
      return ids_.insert(x);
    }
  }

  [[nodiscard]] std::uint32_t find(const T& x, std::uint32_t absent) const {
    if constexpr (is_byte) {
      return static_cast<std::uint32_t>(detail::lev_key(x));
    } else if constexpr (is_integral) {
      return ids_.find(detail::lev_key(x), absent);
    } else {
      return ids_.find(x, absent);
    }
  }

  void build(const std::vector<std::uint32_t>& pid) {
    blocks_ = (m_ + 63) / 64;
    const std::size_t rows = ids_count_ + 1;
    if (rows * blocks_ <= detail::lev_dense_limit) {
      pm_.assign(rows * blocks_, 0);
      for (std::size_t i = 0; i < m_; ++i) pm_[pid[i] * blocks_ + i / 64] |= std::uint64_t{1} << (i % 64);
    } else {
      sparse_ = true;
      sparse_pm_.build(pid.data(), m_);
    }
  }

  [[nodiscard]] std::size_t run(const std::uint32_t* tid, std::size_t n, std::size_t cutoff,
                                detail::lev_dense_scratch& s) const {
    const std::size_t m = m_;
    if (m == 0) return n;
    if (n == 0) return m;
    if ((m > n ? m - n : n - m) > cutoff) return cutoff + 1;
    if (!sparse_ && m <= 64) {
      const std::uint64_t* pm = pm_.data();
      return detail::myers_single_word(m, n, [&](std::size_t j) noexcept { return pm[tid[j]]; }, cutoff);
    }
    if (!sparse_) {
      const std::uint64_t* pm = pm_.data();
      const std::size_t blocks = blocks_;
      const auto row = [&](std::size_t j) noexcept { return pm + static_cast<std::size_t>(tid[j]) * blocks; };
      return detail::lev_with_doubling(m, n, cutoff,
                                       [&](std::size_t k, std::size_t* f) { return detail::myers_banded(m, n, row, k, s.blocks, f); });
    }
    const auto row = [&](std::size_t j) noexcept {
      return detail::lev_sparse_pm::row_ref{sparse_pm_.maps.data(), tid[j]};
    };
    return detail::lev_with_doubling(m, n, cutoff,
                                     [&](std::size_t k, std::size_t* f) { return detail::myers_banded(m, n, row, k, s.blocks, f); });
  }

  key_map ids_{};
  std::size_t ids_count_ = 0;
  std::size_t m_ = 0;
  std::size_t blocks_ = 0;
  bool sparse_ = false;
  std::vector<std::uint64_t> pm_;
  detail::lev_sparse_pm sparse_pm_;
};

/// Deduces the symbol type of a cached scorer from its pattern (a string literal gives `char`).
template <class R>
  requires symbol_range<R>
cached_levenshtein(const R&) -> cached_levenshtein<std::remove_cv_t<detail::lev_value_t<R>>>;

}  // namespace emergent
