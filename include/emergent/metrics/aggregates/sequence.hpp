/// @file
/// @brief Mean sequence probability over many sequences stored contiguously (n x T row-major
///        per-token log-probabilities): the mean of exp(sum of each row).
///        See metrics/aggregates.hpp for how the kernels are built; the Eigen overloads are in
///        metrics/eigen.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/metrics/detail/aggregate_kernel.hpp"

namespace emergent {

namespace detail::prob {

// ------------------------------------------------------------------------------------------ sequence probability

template <class P>
[[gnu::cold, gnu::noinline]] void locate_sequences(const P* lp, std::size_t t, std::size_t row_begin, std::size_t row_end,
                                                   std::size_t row_offset) {
  constexpr std::string_view fn = "mean_sequence_probability";
  for (std::size_t i = row_begin * t; i < row_end * t; ++i) {
    (void)checked_log_probability_at(static_cast<double>(lp[i]), fn, "token_log_probs", row_offset * t + i);
  }
  throw_unlocated(fn);
}

/// Σ over rows of exp(Σ_t lp[t]) for row-major n×T per-token log-probabilities: the row pass sums
/// each row's tokens in vector lanes; the exp pass runs the accurate vector exp over the row sums.
template <int W, class P>
[[gnu::always_inline]] inline void sequence_probability_body(const P* lp, std::size_t rows, std::size_t t,
                                                             std::size_t row_offset, double* buffer,
                                                             kernel_total& total) {
  namespace s = simd;
  using D = typename s::v<W>::d;
  D hi{}, zero{}, v{};
  s::splat<W>(hi, probability_tolerance);
  s::splat<W>(zero, 0.0);
  const std::size_t rows_per_block = std::max<std::size_t>(1, kernel_block_elements / t);
  for (const auto [row_begin, row_end] : blocks(rows, rows_per_block)) {
    auto good = zero == zero;
    bool bad = false;
    for (std::size_t r = row_begin; r < row_end; ++r) {
      const P* const x = lp + r * t;
      D acc = zero;
      std::size_t j = 0;
      for (; j + W <= t; j += W) {
        s::load<W>(v, x + j);
        good &= v <= hi;
        s::clamp_above<W>(v, zero);
        acc += v;
      }
      double sum = s::hsum<W>(acc);
      for (; j < t; ++j) {
        const double y = static_cast<double>(x[j]);
        bad = bad || !(y <= probability_tolerance);
        sum += std::min(y, 0.0);
      }
      buffer[r - row_begin] = sum;
    }
    if (bad || s::any<W>(~good)) locate_sequences(lp, t, row_begin, row_end, row_offset);
    const std::size_t m = row_end - row_begin;
    D acc = zero;
    std::size_t i = 0;
    for (; i + W <= m; i += W) {
      std::memcpy(&v, buffer + i, sizeof v);
      s::exp_poly<W, 13>(v);
      acc += v;
    }
    double sum = s::hsum<W>(acc);
    for (; i < m; ++i) sum += std::exp(buffer[i]);
    total.add(sum);
  }
}

/// `rows_kernel` policy of the sequences whose length is a multiple of W: W rows at a time, each
/// row's tokens summed in vector lanes, the W row sums (the kernel's transpose-and-add)
/// exponentiated together.
template <int W, class P>
struct sequence_rows {
  using D = typename simd::v<W>::d;
  using table_element = double;  // unlabelled: no table
  static constexpr std::size_t classes = 0;
  static constexpr bool sums_rows = true;
  static constexpr double table_one = 1.0;

  const P* lp;
  std::size_t t;
  std::size_t row_offset;
  D hi{}, zero{};

  [[gnu::always_inline]] sequence_rows(const P* lp_, std::size_t t_, std::size_t row_offset_)
      : lp(lp_), t(t_), row_offset(row_offset_) {
    simd::splat<W>(hi, probability_tolerance);
    simd::splat<W>(zero, 0.0);
  }
  template <class M>
  [[gnu::always_inline]] void element(const P* x, D& rs, M& good) const {
    D v{};
    simd::load<W>(v, x);
    good &= v <= hi;
    simd::clamp_above<W>(v, zero);
    rs += v;
  }
  template <class M>
  [[gnu::always_inline]] void group(D& sums, D& acc0, M& /*good*/) const {
    simd::exp_poly<W, 13>(sums);
    acc0 += sums;
  }
  template <class M>
  [[gnu::always_inline]] double finish(std::size_t row_begin, std::size_t vector_end, std::size_t row_end, const D& acc,
                                       std::uint64_t /*bad_labels*/, const M& good) const {
    double tail = 0.0;
    bool bad = false;
    for (std::size_t r = vector_end; r < row_end; ++r) {
      double sum = 0.0;
      for (std::size_t j = 0; j < t; ++j) {
        const double v = static_cast<double>(lp[r * t + j]);
        bad = bad || !(v <= probability_tolerance);
        sum += std::min(v, 0.0);
      }
      tail += std::exp(sum);
    }
    if (bad || simd::any<W>(~good)) locate_sequences(lp, t, row_begin, row_end, row_offset);
    return simd::hsum<W>(acc) + tail;
  }
};

/// Sequence-probability kernel: rows of a multiple of W tokens W at a time, others one at a time.
struct sequence_probability_kernel {
  template <int W, class P>
  [[gnu::always_inline]] static void run(const P* lp, std::size_t rows, std::size_t t, std::size_t row_offset,
                                         double* buffer, kernel_total& total) {
    if (t % W == 0) {
      return rows_kernel<W>(sequence_rows<W, P>(lp, t, row_offset), lp, static_cast<const std::uint8_t*>(nullptr), rows,
                            t, total);
    }
    sequence_probability_body<W>(lp, rows, t, row_offset, buffer, total);
  }
};

template <class P>
void sequence_probability_sum(const P* lp, std::size_t rows, std::size_t t, std::size_t row_offset,
                              std::vector<double>& buffer, kernel_total& total) {
  buffer.resize(std::max<std::size_t>(1, kernel_block_elements / t));
  dispatch<sequence_probability_kernel>(lp, rows, t, row_offset, buffer.data(), total);
}

}  // namespace detail::prob

/// Mean sequence probability over n sequences of T = `tokens_per_row` tokens each, stored row-major:
/// (1/n) Σ_i exp(Σ_t lp_it), each product formed in log space (the per-example `sequence_probability`
/// of conjunction.hpp) with a vectorised exp accurate to ~1 ulp. -inf tokens give probability 0.
/// Throws `input_error` for T = 0, a size that is not a multiple of T, no rows, and, naming the first
/// bad index, NaN, +inf or a log-probability above 0 (beyond `probability_tolerance`).
template <contiguous_numeric_range P>
[[nodiscard]] double mean_sequence_probability(const P& token_log_probs, std::size_t tokens_per_row) {
  constexpr std::string_view fn = "mean_sequence_probability";
  if (tokens_per_row == 0) throw input_error(detail::describe(fn, "tokens_per_row", "must be at least 1"));
  const std::size_t size = std::ranges::size(token_log_probs);
  if (size % tokens_per_row != 0) {
    throw input_error(detail::describe(fn, "token_log_probs",
                                       "has " + std::to_string(size) + " entries, not a multiple of tokens_per_row = " +
                                           std::to_string(tokens_per_row)));
  }
  const std::size_t rows = size / tokens_per_row;
  detail::prob::check_nonempty(rows, fn, "token_log_probs");
  detail::prob::kernel_total total;
  std::vector<double> buffer;
  detail::prob::sequence_probability_sum(std::ranges::data(token_log_probs), rows, tokens_per_row, 0, buffer, total);
  return total.value() / static_cast<double>(rows);
}

}  // namespace emergent
