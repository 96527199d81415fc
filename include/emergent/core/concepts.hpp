/// @file
/// @brief Concepts shared by all layers: what counts as a sequence of comparable symbols, a range of
///        numbers, and so on. Kept small: each layer states its own requirements with these.
#pragma once

#include <concepts>
#include <iterator>
#include <ranges>
#include <type_traits>

namespace emergent {

/// A type that behaves as a real number in arithmetic (integers are promoted to double by callers).
template <class T>
concept arithmetic = std::is_arithmetic_v<T>;

/// A forward range whose elements can be compared with `==`: characters, code points, token ids, strings.
template <class R>
concept symbol_range = std::ranges::forward_range<R> && std::equality_comparable<std::ranges::range_value_t<R>>;

/// A sized forward range of arithmetic values (probabilities, scores, log-probabilities).
template <class R>
concept numeric_range = std::ranges::forward_range<R> && std::ranges::sized_range<R> &&
                        arithmetic<std::remove_cvref_t<std::ranges::range_value_t<R>>>;

}  // namespace emergent
