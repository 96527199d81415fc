/// @file
/// @brief The input concepts of the aggregate kernels (metrics/aggregates/*.hpp): contiguous, sized
///        ranges of numbers (`std::span`, `std::vector`, `std::array`, C arrays) read in place.
#pragma once

#include <concepts>
#include <ranges>
#include <type_traits>

#include "emergent/core/concepts.hpp"

namespace emergent {

/// A contiguous, sized range of arithmetic values (`std::span`, `std::vector`, `std::array`, C array):
/// what the aggregate kernels read without copying.
template <class R>
concept contiguous_numeric_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                                   arithmetic<std::remove_cv_t<std::ranges::range_value_t<R>>>;

/// A contiguous, sized range of integers (0/1 outcomes, class labels).
template <class R>
concept contiguous_integral_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                                    std::integral<std::remove_cv_t<std::ranges::range_value_t<R>>>;

}  // namespace emergent
