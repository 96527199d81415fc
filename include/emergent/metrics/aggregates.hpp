/// @file
/// @brief Aggregate kernels: the mean of a probabilistic metric over millions of examples stored
///        contiguously (any contiguous range such as `std::span` or `std::vector`, or Eigen
///        expressions taken as `const Eigen::MatrixBase<Derived>&` without copying the input). Mean
///        binary and multi-class Brier score, mean binary log-loss from probabilities, mean
///        cross-entropy from log-probabilities, and mean sequence probability.
///
/// The kernels are memory-bound and written for it: one pass over the input in blocks of a few
/// thousand elements; inside a block a branch-free vector loop computes the sum and records in a
/// lane mask whether any element was invalid; only after the block is a flag tested, and on error a
/// cold routine rescans the block to name the first bad index and throws `input_error`. Vector code
/// uses the GCC/Clang vector extensions: SSE2 (2 doubles) by default and, when the CPU has them,
/// AVX2 + FMA (4 doubles) chosen at run time (`__builtin_cpu_supports`), so no `-march` flag is
/// needed. Three hot cases have x86 intrinsics kernels (detail/prob_x86.hpp): binary Brier over double
/// probabilities and byte outcomes, and 4-class Brier and cross-entropy from log-probabilities over
/// double rows (AVX-512F for the latter's exp where the CPU has it). Per-block sums are combined with Neumaier's compensated summation. The results agree with
/// the per-example functions (brier.hpp, cross_entropy.hpp, conjunction.hpp) averaged with exact
/// summation to about 1e-15 relative; they are not bit-identical to a sequential loop.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "emergent/core/concepts.hpp"
#include "emergent/core/error.hpp"
#include "emergent/metrics/brier.hpp"
#include "emergent/metrics/cross_entropy.hpp"
#include "emergent/metrics/detail/prob_x86.hpp"
#include "emergent/metrics/detail/prob_simd.hpp"
#include "emergent/metrics/probability.hpp"


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

namespace detail::prob {

/// Elements per validation block: small enough to stay in L1 for the rescan on error.
inline constexpr std::size_t kernel_block_elements = 4096;

template <class T>
using plain = std::remove_cv_t<T>;

/// Accumulates block sums with compensation, remembering +inf separately (inf - inf would be NaN).
struct kernel_total {
  compensated_sum sum;
  bool infinite = false;
  void add(double x) noexcept {
    if (std::isinf(x)) {
      infinite = true;
    } else {
      sum.add(x);
    }
  }
  [[nodiscard]] double value() const noexcept {
    return infinite ? std::numeric_limits<double>::infinity() : sum.value();
  }
};

inline void check_sizes(std::size_t a, std::size_t b, std::string_view function, std::string_view first,
                        std::string_view second) {
  if (a != b) {
    throw input_error(detail::describe(function, second,
                                       "has " + std::to_string(b) + " entries but " + std::string(first) + " has " +
                                           std::to_string(a)));
  }
}

inline void check_nonempty(std::size_t n, std::string_view function, std::string_view argument) {
  if (n == 0) throw input_error(detail::describe(function, argument, "is empty: the mean of nothing is undefined"));
}

/// Checks a 0/1 outcome at an index (cold path).
template <class O>
void check_outcome_at(O outcome, std::string_view function, std::size_t index) {
  if (outcome != O(0) && outcome != O(1)) {
    throw input_error(detail::describe_at(function, "outcomes", index,
                                          std::to_string(static_cast<long long>(outcome)) + " is not 0 or 1"));
  }
}

/// Checks a label of row `row` against K classes (cold path).
template <class L>
void check_label_at(L label, std::size_t k, std::string_view function, std::size_t row) {
  bool bad = false;
  if constexpr (std::is_signed_v<L>) bad = label < 0;
  if (!bad) bad = static_cast<std::uintmax_t>(label) >= k;
  if (bad) {
    throw input_error(detail::describe_at(function, "labels", row,
                                          std::to_string(static_cast<long long>(label)) + " is out of range [0, " +
                                              std::to_string(k) + ")"));
  }
}

[[noreturn]] inline void throw_row_sum(std::string_view function, std::string_view argument, std::size_t row, double sum) {
  throw input_error(std::string(function) + ": " + std::string(argument) + "[row " + std::to_string(row) +
                    "]: sums to " + number(sum) + ", not 1 (pass normalization::renormalize to divide by the sum)");
}

[[noreturn]] inline void throw_unlocated(std::string_view function) {
  throw input_error(std::string(function) + ": invalid input (the rescan could not locate it)");
}

/// Integral label as an index, 0 when out of range (the row is flagged separately): branch-free guard
/// so an invalid label never reads out of bounds.
template <class L>
[[gnu::always_inline]] inline std::size_t guarded_label(L label, std::size_t k, bool& bad) noexcept {
  bool out = false;
  if constexpr (std::is_signed_v<L>) out = label < 0;
  out = out || static_cast<std::uintmax_t>(label) >= k;
  bad = bad || out;
  return out ? 0 : static_cast<std::size_t>(label);
}

// ------------------------------------------------------------------------------------------ Brier, binary

template <class P, class O>
[[gnu::cold, gnu::noinline]] void locate_brier_binary(const P* p, const O* o, std::size_t begin, std::size_t end,
                                                      std::size_t offset, std::string_view fn) {
  for (std::size_t i = begin; i < end; ++i) {
    (void)checked_probability_at(static_cast<double>(p[i]), fn, "probabilities", offset + i);
    check_outcome_at(o[i], fn, offset + i);
  }
  throw_unlocated(fn);
}

/// Exact scalar binary Brier over [begin, end) (values within the tolerance clamped, everything
/// validated): the tail, and the path for blocks the vector check flagged.
template <class P, class O>
double brier_binary_scalar(const P* p, const O* o, std::size_t begin, std::size_t end, std::size_t offset) {
  double sum = 0.0;
  bool bad = false;
  for (std::size_t i = begin; i < end; ++i) {
    double x = static_cast<double>(p[i]);
    const double y = static_cast<double>(o[i]);
    bad = bad || !(x >= -probability_tolerance && x <= 1.0 + probability_tolerance) || !(y == 0.0 || y == 1.0);
    x = std::min(std::max(x, 0.0), 1.0) - y;
    sum += x * x;
  }
  if (bad) locate_brier_binary(p, o, begin, end, offset, "mean_brier_score");
  return sum;
}

/// Vector binary Brier: accepts probabilities in [0, 1] exactly and 0/1 outcomes; a block holding
/// anything else (a value within the tolerance, NaN, a bad outcome) is recomputed by the scalar path.
template <int W, class P, class O>
[[gnu::always_inline]] inline void brier_binary_body(const P* p, const O* o, std::size_t n, std::size_t offset,
                                                     kernel_total& total) {
  namespace s = simd;
  using D = typename s::v<W>::d;
  D zero{}, one{};
  s::splat<W>(zero, 0.0);
  s::splat<W>(one, 1.0);
  for (std::size_t begin = 0; begin < n; begin += kernel_block_elements) {
    const std::size_t end = std::min(n, begin + kernel_block_elements);
    D acc0 = zero, acc1 = zero, x0{}, x1{}, y0{}, y1{};
    typename s::v<W>::i o0{}, o1{}, one_i{};
    s::splat_int<W>(one_i, 1);
    std::uint64_t bad_bits = 0;
    auto good = zero == zero;
    std::size_t i = begin;
    for (; i + 2 * W <= end; i += 2 * W) {
      s::load<W>(x0, p + i);
      s::load<W>(x1, p + i + W);
      s::load_outcomes<W>(o0, bad_bits, o + i);
      s::load_outcomes<W>(o1, bad_bits, o + i + W);
      s::ones_where<W>(y0, o0 == one_i);
      s::ones_where<W>(y1, o1 == one_i);
      good &= (x0 >= zero) & (x0 <= one) & (x1 >= zero) & (x1 <= one);
      x0 -= y0;
      x1 -= y1;
      acc0 += x0 * x0;
      acc1 += x1 * x1;
    }
    if (bad_bits != 0 || s::any<W>(~good)) {
      total.add(brier_binary_scalar(p, o, begin, end, offset));
    } else {
      total.add(s::hsum<W>(acc0 + acc1) + brier_binary_scalar(p, o, i, end, offset));
    }
  }
}

template <class P, class O>
void brier_binary_portable(const P* p, const O* o, std::size_t n, std::size_t offset, kernel_total& total) {
  brier_binary_body<2>(p, o, n, offset, total);
}

#ifdef EMERGENT_PROB_DISPATCH_AVX2
template <class P, class O>
[[gnu::target("avx2,fma")]] void brier_binary_avx2(const P* p, const O* o, std::size_t n, std::size_t offset,
                                                   kernel_total& total) {
  if constexpr (std::is_same_v<plain<P>, double> && sizeof(O) == 1) {
    // intrinsics block kernel (prob_x86.hpp); a block it does not accept is recomputed exactly
    for (std::size_t begin = 0; begin < n; begin += kernel_block_elements) {
      const std::size_t end = std::min(n, begin + kernel_block_elements);
      const std::size_t vector_end = begin + (end - begin) / 16 * 16;
      const x86::block_result block = x86::brier_binary_block(p + begin, o + begin, vector_end - begin);
      if (block.ok) {
        total.add(block.sum + brier_binary_scalar(p, o, vector_end, end, offset));
      } else {
        total.add(brier_binary_scalar(p, o, begin, end, offset));
      }
    }
  } else {
    brier_binary_body<4>(p, o, n, offset, total);
  }
}
#endif

template <class P, class O>
void brier_binary(const P* p, const O* o, std::size_t n, std::size_t offset, kernel_total& total) {
#ifdef EMERGENT_PROB_DISPATCH_AVX2
  if (simd::has_avx2_fma()) return brier_binary_avx2(p, o, n, offset, total);
#endif
  brier_binary_portable(p, o, n, offset, total);
}

// ------------------------------------------------------------------------------------------ Brier, K classes

template <class P, class L>
[[gnu::cold, gnu::noinline]] void locate_rows(const P* p, const L* labels, std::size_t k, std::size_t row_begin,
                                              std::size_t row_end, std::size_t row_offset, std::string_view fn,
                                              bool check_sum) {
  for (std::size_t r = row_begin; r < row_end; ++r) {
    double sum = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      sum += checked_probability_at(static_cast<double>(p[r * k + j]), fn, "probabilities", (row_offset + r) * k + j);
    }
    if (check_sum && !(std::fabs(sum - 1.0) <= probability_sum_tolerance)) throw_row_sum(fn, "probabilities", row_offset + r, sum);
    if (!check_sum && !(sum > 0.0)) {
      throw input_error(std::string(fn) + ": probabilities[row " + std::to_string(row_offset + r) +
                        "]: sums to 0 and cannot be renormalised");
    }
    check_label_at(labels[r], k, fn, row_offset + r);
  }
  // nothing invalid: the vector check was conservative (row sums rounded in another order)
}

/// Σ over rows of Σ_k (p_k − [k = y])² for row-major n×K probabilities, rows required to sum to 1:
/// computed as Σ p² − 2 Σ p_y + n so that the element pass is a flat vector loop.
template <int W, class P, class L>
[[gnu::always_inline]] inline void brier_multi_body(const P* p, const L* labels, std::size_t rows, std::size_t k,
                                                    std::size_t row_offset, kernel_total& total) {
  namespace s = simd;
  using D = typename s::v<W>::d;
  D lo{}, hi{}, zero{}, one{};
  s::splat<W>(lo, -probability_tolerance);
  s::splat<W>(hi, 1.0 + probability_tolerance);
  s::splat<W>(zero, 0.0);
  s::splat<W>(one, 1.0);
  const std::size_t rows_per_block = std::max<std::size_t>(1, kernel_block_elements / k);
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += rows_per_block) {
    const std::size_t row_end = std::min(rows, row_begin + rows_per_block);
    const P* const x = p + row_begin * k;
    const std::size_t m = (row_end - row_begin) * k;
    // element pass: squares and range
    D acc0 = zero, acc1 = zero, x0{}, x1{};
    auto good = zero == zero;
    std::size_t i = 0;
    for (; i + 2 * W <= m; i += 2 * W) {
      s::load<W>(x0, x + i);
      s::load<W>(x1, x + i + W);
      good &= (x0 >= lo) & (x0 <= hi) & (x1 >= lo) & (x1 <= hi);
      s::clamp_below<W>(x0, zero);
      s::clamp_above<W>(x0, one);
      s::clamp_below<W>(x1, zero);
      s::clamp_above<W>(x1, one);
      acc0 += x0 * x0;
      acc1 += x1 * x1;
    }
    double squares = 0.0;
    bool bad = false;
    for (; i < m; ++i) {
      double v = static_cast<double>(x[i]);
      bad = bad || !(v >= -probability_tolerance && v <= 1.0 + probability_tolerance);
      v = std::min(std::max(v, 0.0), 1.0);
      squares += v * v;
    }
    // row pass (the block is in L1 now): row sums, labels, the true-class probability
    double true_class = 0.0;
    for (std::size_t r = row_begin; r < row_end; ++r) {
      const P* const row = p + r * k;
      double sum = 0.0;
      for (std::size_t j = 0; j < k; ++j) sum += static_cast<double>(row[j]);
      bad = bad || !(std::fabs(sum - 1.0) <= probability_sum_tolerance);
      const std::size_t y = guarded_label(labels[r], k, bad);
      true_class += std::min(std::max(static_cast<double>(row[y]), 0.0), 1.0);
    }
    if (bad || s::any<W>(~good)) locate_rows(p, labels, k, row_begin, row_end, row_offset, "mean_brier_score", true);
    const double block = s::hsum<W>(acc0 + acc1) + squares - 2.0 * true_class + static_cast<double>(row_end - row_begin);
    total.add(block < 0.0 ? 0.0 : block);
  }
}

/// Exact scalar multi-class Brier over rows [row_begin, row_end) (values within the tolerance clamped,
/// everything validated): the path for blocks the vector check flagged.
template <class P, class L>
double brier_rows_scalar(const P* p, const L* labels, std::size_t k, std::size_t row_begin, std::size_t row_end,
                         std::size_t row_offset) {
  double total = 0.0;
  bool bad = false;
  for (std::size_t r = row_begin; r < row_end; ++r) {
    const P* const row = p + r * k;
    double sum = 0.0;
    const std::size_t y = guarded_label(labels[r], k, bad);
    for (std::size_t j = 0; j < k; ++j) {
      const double v = static_cast<double>(row[j]);
      bad = bad || !(v >= -probability_tolerance && v <= 1.0 + probability_tolerance);
      sum += v;
      const double d = std::min(std::max(v, 0.0), 1.0) - (j == y ? 1.0 : 0.0);
      total += d * d;
    }
    bad = bad || !(std::fabs(sum - 1.0) <= probability_sum_tolerance);
  }
  if (bad) locate_rows(p, labels, k, row_begin, row_end, row_offset, "mean_brier_score", true);
  return total;
}

/// K-specialised multi-class Brier (K a multiple of W): W rows at a time, each row K/W vectors; the
/// one-hot vector is built by comparing lane indices with the label (no gather, so an invalid label
/// cannot read out of bounds), row sums come from a transpose-and-add of W row vectors. The vector
/// path accepts values in [0, 1] exactly; a block with anything else (values within the tolerance,
/// NaN, bad labels or sums) is recomputed by `brier_rows_scalar`, which clamps and validates.
template <int W, std::size_t K, class P, class L>
[[gnu::always_inline]] inline void brier_rows_body(const P* p, const L* labels, std::size_t rows,
                                                   std::size_t row_offset, kernel_total& total) {
  static_assert(K % W == 0);
  constexpr std::size_t V = K / W;
  namespace s = simd;
  using D = typename s::v<W>::d;
    D zero{}, one{}, sum_tol{};
  s::splat<W>(zero, 0.0);
  s::splat<W>(one, 1.0);
  s::splat<W>(sum_tol, probability_sum_tolerance);
  // one-hot rows, one per label, plus an all-zero row that invalid labels are pointed at (they are
  // flagged separately): a table lookup instead of a broadcast and a compare per row
  alignas(64) double onehot_table[(K + 1) * K] = {};
  for (std::size_t j = 0; j < K; ++j) onehot_table[j * K + j] = 1.0;
  constexpr std::size_t rows_per_block = kernel_block_elements / K;
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += rows_per_block) {
    const std::size_t row_end = std::min(rows, row_begin + rows_per_block);
    D acc0 = zero, acc1 = zero;
    auto good = zero == zero;
    std::uint64_t bad_labels = 0;
    std::size_t r = row_begin;
    for (; r + W <= row_end; r += W) {
      D row_sum[W];  // every element is assigned below (a zero-initialiser costs a rep stos per group)
      for (int q = 0; q < W; ++q) {
        const P* const x = p + (r + static_cast<std::size_t>(q)) * K;
        const auto label = static_cast<std::uint64_t>(static_cast<std::int64_t>(labels[r + static_cast<std::size_t>(q)]));
        const bool invalid = label >= K;
        bad_labels |= invalid ? 1u : 0u;
        const double* const onehot_row = onehot_table + (invalid ? K : label) * K;
        D rs = zero;
        for (std::size_t v = 0; v < V; ++v) {
          D xv{}, onehot{};
          s::load<W>(xv, x + v * W);
          s::load<W>(onehot, onehot_row + v * W);
          good &= (xv >= zero) & (xv <= one);
          rs += xv;
          xv -= onehot;
          if (q % 2 == 0) {  // alternate accumulators between rows: one FMA chain would bound the loop
            acc0 += xv * xv;
          } else {
            acc1 += xv * xv;
          }
        }
        row_sum[q] = rs;
      }
      D sums{};
      s::transpose_sum<W>(sums, row_sum);
      sums -= one;
      s::abs<W>(sums);
      good &= sums <= sum_tol;
    }
    if (bad_labels != 0 || s::any<W>(~good)) {
      total.add(brier_rows_scalar(p, labels, K, row_begin, row_end, row_offset));
    } else {
      total.add(s::hsum<W>(acc0 + acc1) + brier_rows_scalar(p, labels, K, r, row_end, row_offset));
    }
  }
}

template <class P, class L>
void brier_multi_portable(const P* p, const L* labels, std::size_t rows, std::size_t k, std::size_t row_offset,
                          kernel_total& total) {
  switch (k) {
    case 2: return brier_rows_body<2, 2>(p, labels, rows, row_offset, total);
    case 4: return brier_rows_body<2, 4>(p, labels, rows, row_offset, total);
    case 8: return brier_rows_body<2, 8>(p, labels, rows, row_offset, total);
    default: return brier_multi_body<2>(p, labels, rows, k, row_offset, total);
  }
}

#ifdef EMERGENT_PROB_DISPATCH_AVX2
/// K = 4 over double rows: the intrinsics block kernel (prob_x86.hpp) for blocks whose labels are
/// all valid and whose values it accepts, `brier_rows_scalar` (exact, validating) for the others and
/// for the rows after the last multiple of 4.
template <class L>
[[gnu::target("avx2,fma")]] void brier4_avx2(const double* p, const L* labels, std::size_t rows, std::size_t row_offset,
                                             kernel_total& total) {
  constexpr std::size_t rows_per_block = kernel_block_elements / 4;
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += rows_per_block) {
    const std::size_t row_end = std::min(rows, row_begin + rows_per_block);
    const std::size_t vector_end = row_begin + (row_end - row_begin) / 4 * 4;
    x86::block_result block;
    if (x86::labels_below_4(labels + row_begin, row_end - row_begin)) {
      block = x86::brier4_block(p + row_begin * 4, labels + row_begin, vector_end - row_begin);
    }
    if (block.ok) {
      total.add(block.sum + brier_rows_scalar(p, labels, 4, vector_end, row_end, row_offset));
    } else {
      total.add(brier_rows_scalar(p, labels, 4, row_begin, row_end, row_offset));
    }
  }
}

template <class P, class L>
[[gnu::target("avx2,fma")]] void brier_multi_avx2(const P* p, const L* labels, std::size_t rows, std::size_t k,
                                                  std::size_t row_offset, kernel_total& total) {
  switch (k) {
    case 4:
      if constexpr (std::is_same_v<plain<P>, double>) return brier4_avx2(p, labels, rows, row_offset, total);
      return brier_rows_body<4, 4>(p, labels, rows, row_offset, total);
    case 8: return brier_rows_body<4, 8>(p, labels, rows, row_offset, total);
    default: return brier_multi_body<4>(p, labels, rows, k, row_offset, total);
  }
}
#endif

/// Renormalising variant: per row, Σ_k (p_k / S − [k = y])² (scalar; not the fast path).
template <class P, class L>
void brier_multi_renormalized(const P* p, const L* labels, std::size_t rows, std::size_t k, std::size_t row_offset,
                              kernel_total& total) {
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += 1024) {
    const std::size_t row_end = std::min(rows, row_begin + 1024);
    double block = 0.0;
    bool bad = false;
    for (std::size_t r = row_begin; r < row_end; ++r) {
      const P* const row = p + r * k;
      double sum = 0.0;
      for (std::size_t j = 0; j < k; ++j) {
        const double v = static_cast<double>(row[j]);
        bad = bad || !(v >= -probability_tolerance && v <= 1.0 + probability_tolerance);
        sum += std::min(std::max(v, 0.0), 1.0);
      }
      bad = bad || !(sum > 0.0);
      const std::size_t y = guarded_label(labels[r], k, bad);
      const double inv = sum > 0.0 ? 1.0 / sum : 0.0;
      for (std::size_t j = 0; j < k; ++j) {
        const double d = std::min(std::max(static_cast<double>(row[j]), 0.0), 1.0) * inv - (j == y ? 1.0 : 0.0);
        block += d * d;
      }
    }
    if (bad) locate_rows(p, labels, k, row_begin, row_end, row_offset, "mean_brier_score", false);
    total.add(block);
  }
}

template <class P, class L>
void brier_multi(const P* p, const L* labels, std::size_t rows, std::size_t k, std::size_t row_offset,
                 normalization mode, kernel_total& total) {
  if (mode == normalization::renormalize) return brier_multi_renormalized(p, labels, rows, k, row_offset, total);
#ifdef EMERGENT_PROB_DISPATCH_AVX2
  if (simd::has_avx2_fma()) return brier_multi_avx2(p, labels, rows, k, row_offset, total);
#endif
  brier_multi_portable(p, labels, rows, k, row_offset, total);
}

// ------------------------------------------------------------------------------------------ log-loss, binary

template <class P, class O>
[[gnu::cold, gnu::noinline]] void locate_log_loss_binary(const P* p, const O* o, std::size_t begin, std::size_t end,
                                                         std::size_t offset, const log_loss_options& options) {
  constexpr std::string_view fn = "mean_log_loss";
  for (std::size_t i = begin; i < end; ++i) {
    const double q = checked_probability_at(static_cast<double>(p[i]), fn, "probabilities", offset + i);
    check_outcome_at(o[i], fn, offset + i);
    const bool certain_wrong = o[i] == O(1) ? q == 0.0 : q == 1.0;
    if (certain_wrong && options.clamp_epsilon == 0.0 && !options.allow_infinite) {
      throw_infinite(fn, "probabilities[" + std::to_string(offset + i) + "] = " + number(q));
    }
  }
  throw_unlocated(fn);
}

/// Scalar log-loss of elements [begin, end): the exact per-example rules (used for tails and for
/// blocks holding a special value: a probability outside [0, 1], 0, 1, or below DBL_MIN).
template <class P, class O>
double log_loss_binary_scalar(const P* p, const O* o, std::size_t begin, std::size_t end, std::size_t offset,
                              const log_loss_options& options) {
  double loss = 0.0;
  bool bad = false;
  const double eps = options.clamp_epsilon;
  for (std::size_t i = begin; i < end; ++i) {
    double x = static_cast<double>(p[i]);
    const double y = static_cast<double>(o[i]);
    bad = bad || !(x >= -probability_tolerance && x <= 1.0 + probability_tolerance) || !(y == 0.0 || y == 1.0);
    x = std::min(std::max(x, eps), 1.0 - eps);
    const double q = y == 1.0 ? x : 1.0 - x;
    bad = bad || (q == 0.0 && !options.allow_infinite);
    loss -= q == 0.0 ? -std::numeric_limits<double>::infinity() : std::log(q);
  }
  if (bad) locate_log_loss_binary(p, o, begin, end, offset, options);
  return loss;
}

/// Binary log-loss as the logarithm of a product: Σ_i log q_i = Σ_i e_i ln 2 + log Π_i m_i with
/// q_i = m_i 2^{e_i}, m_i in [1, 2). Each lane multiplies mantissas (renormalised every 32 steps, an
/// exact operation) and adds exponents as integers; one std::log per lane per block remains. The
/// product's rounding (<= 32 ulp between renormalisations) costs ~1e-16 per example, well inside the
/// 1e-13 agreement the tests ask of the means. A block holding anything the fast path does not
/// cover (q outside [DBL_MIN, 1], NaN, an outcome other than 0/1) is recomputed by the scalar path,
/// which applies the exact rules and reports errors.
template <int W, bool Clip, class P, class O>
[[gnu::always_inline]] inline void log_loss_binary_body(const P* p, const O* o, std::size_t n, std::size_t offset,
                                                        const log_loss_options& options, kernel_total& total) {
  namespace s = simd;
  using D = typename s::v<W>::d;
  using I = typename s::v<W>::i;
  D one{}, smallest{}, clip_lo{}, clip_hi{};
  s::splat<W>(one, 1.0);
  s::splat<W>(smallest, 2.2250738585072014e-308);
  s::splat<W>(clip_lo, options.clamp_epsilon);
  s::splat<W>(clip_hi, 1.0 - options.clamp_epsilon);
  I one_i{}, mantissa{}, one_bits{}, bias{};
  s::splat_int<W>(one_i, 1);
  s::splat_int<W>(mantissa, 0x000fffffffffffffLL);
  s::splat_int<W>(one_bits, 0x3ff0000000000000LL);
  s::splat_int<W>(bias, 1023);
  constexpr std::size_t renormalise_every = 32;
  for (std::size_t begin = 0; begin < n; begin += kernel_block_elements) {
    const std::size_t end = std::min(n, begin + kernel_block_elements);
    D prod0 = one, prod1 = one;
    I exps{};
    std::uint64_t bad_bits = 0;
    auto good = one == one;
    std::size_t i = begin;
    std::size_t steps = 0;
    while (i + 2 * W <= end) {
      const std::size_t stop = std::min(end - (end - i) % (2 * W), i + renormalise_every * 2 * W);
      for (; i < stop; i += 2 * W) {
        D x0{}, x1{}, q0{}, q1{};
        I o0{}, o1{};
        s::load<W>(x0, p + i);
        s::load<W>(x1, p + i + W);
        s::load_outcomes<W>(o0, bad_bits, o + i);
        s::load_outcomes<W>(o1, bad_bits, o + i + W);
        if constexpr (Clip) {
          s::clamp_below<W>(x0, clip_lo);
          s::clamp_above<W>(x0, clip_hi);
          s::clamp_below<W>(x1, clip_lo);
          s::clamp_above<W>(x1, clip_hi);
        }
        s::select<W>(q0, o0 == one_i, x0, one - x0);
        s::select<W>(q1, o1 == one_i, x1, one - x1);
        good &= (q0 >= smallest) & (q0 <= one) & (q1 >= smallest) & (q1 <= one);
        I b0{}, b1{};
        std::memcpy(&b0, &q0, sizeof b0);
        std::memcpy(&b1, &q1, sizeof b1);
        exps += (b0 >> 52) + (b1 >> 52);
        b0 = (b0 & mantissa) | one_bits;
        b1 = (b1 & mantissa) | one_bits;
        std::memcpy(&q0, &b0, sizeof q0);
        std::memcpy(&q1, &b1, sizeof q1);
        prod0 *= q0;
        prod1 *= q1;
        steps += 2;
      }
      // renormalise the products (exact): move their exponents into `exps`
      I b0{}, b1{};
      std::memcpy(&b0, &prod0, sizeof b0);
      std::memcpy(&b1, &prod1, sizeof b1);
      exps += (b0 >> 52) + (b1 >> 52) - bias - bias;
      b0 = (b0 & mantissa) | one_bits;
      b1 = (b1 & mantissa) | one_bits;
      std::memcpy(&prod0, &b0, sizeof prod0);
      std::memcpy(&prod1, &b1, sizeof prod1);
    }
    double loss = 0.0;
    if (bad_bits != 0 || s::any<W>(~good)) {
      loss = log_loss_binary_scalar(p, o, begin, end, offset, options);
    } else {
      double log_sum = 0.0;
      for (int l = 0; l < W; ++l) {
        const double e = static_cast<double>(exps[l] - static_cast<std::int64_t>(steps) * 1023);
        log_sum += e * 0.6931471805599453 + std::log(prod0[l] * prod1[l]);
      }
      loss = -log_sum + log_loss_binary_scalar(p, o, i, end, offset, options);
    }
    total.add(loss);
  }
}

template <class P, class O>
void log_loss_binary_portable(const P* p, const O* o, std::size_t n, std::size_t offset, const log_loss_options& options,
                              kernel_total& total) {
  if (options.clamp_epsilon > 0.0) return log_loss_binary_body<2, true>(p, o, n, offset, options, total);
  log_loss_binary_body<2, false>(p, o, n, offset, options, total);
}

#ifdef EMERGENT_PROB_DISPATCH_AVX2
template <class P, class O>
[[gnu::target("avx2,fma")]] void log_loss_binary_avx2(const P* p, const O* o, std::size_t n, std::size_t offset,
                                                      const log_loss_options& options, kernel_total& total) {
  if (options.clamp_epsilon > 0.0) return log_loss_binary_body<4, true>(p, o, n, offset, options, total);
  log_loss_binary_body<4, false>(p, o, n, offset, options, total);
}
#endif

template <class P, class O>
void log_loss_binary(const P* p, const O* o, std::size_t n, std::size_t offset, const log_loss_options& options,
                     kernel_total& total) {
#ifdef EMERGENT_PROB_DISPATCH_AVX2
  if (simd::has_avx2_fma()) return log_loss_binary_avx2(p, o, n, offset, options, total);
#endif
  log_loss_binary_portable(p, o, n, offset, options, total);
}

// ------------------------------------------------------------------------------------------ cross-entropy, K classes

template <class P, class L>
[[gnu::cold, gnu::noinline]] void locate_log_prob_rows(const P* lp, const L* labels, std::size_t k, std::size_t row_begin,
                                                       std::size_t row_end, std::size_t row_offset,
                                                       const log_loss_options& options) {
  constexpr std::string_view fn = "mean_cross_entropy_from_log_probabilities";
  for (std::size_t r = row_begin; r < row_end; ++r) {
    std::vector<double> row(k);
    for (std::size_t j = 0; j < k; ++j) {
      row[j] = checked_log_probability_at(static_cast<double>(lp[r * k + j]), fn, "log_probabilities",
                                          (row_offset + r) * k + j);
    }
    const double lse = log_sum_exp_unchecked(row);
    if (options.normalize == normalization::require && !(std::fabs(std::expm1(lse)) <= probability_sum_tolerance)) {
      throw input_error(std::string(fn) + ": log_probabilities[row " + std::to_string(row_offset + r) + "]: exp() sums to " +
                        number(std::exp(lse)) + ", not 1 (pass normalization::renormalize to renormalise)");
    }
    if (options.normalize == normalization::renormalize && lse == -std::numeric_limits<double>::infinity()) {
      throw input_error(std::string(fn) + ": log_probabilities[row " + std::to_string(row_offset + r) +
                        "]: every entry is -inf and cannot be renormalised");
    }
    check_label_at(labels[r], k, fn, row_offset + r);
    const double target = row[static_cast<std::size_t>(labels[r])];
    if (target == -std::numeric_limits<double>::infinity() && options.clamp_epsilon == 0.0 && !options.allow_infinite) {
      throw_infinite(fn, "log_probabilities[" + std::to_string((row_offset + r) * k + static_cast<std::size_t>(labels[r])) +
                             "] (the label of row " + std::to_string(row_offset + r) + ") = -inf");
    }
  }
  // nothing invalid: the vector check (approximate exp, tighter tolerance) was conservative
}

/// Σ over rows of −lp[y] for row-major n×K log-probabilities whose rows must be normalised: the
/// element pass checks the range and computes exp() with a degree-7 polynomial (relative error
/// ~1e-8, ample for the 1e-6 sum check); the row pass sums those, checks labels and gathers −lp[y].
template <int W, class P, class L>
[[gnu::always_inline]] inline void cross_entropy_multi_body(const P* lp, const L* labels, std::size_t rows,
                                                            std::size_t k, std::size_t row_offset,
                                                            const log_loss_options& options, double* buffer,
                                                            kernel_total& total) {
  namespace s = simd;
  using D = typename s::v<W>::d;
  D hi{}, zero{};
  s::splat<W>(hi, probability_tolerance);
  s::splat<W>(zero, 0.0);
  const double clip_lo = options.clamp_epsilon > 0.0 ? std::log(options.clamp_epsilon) : -std::numeric_limits<double>::infinity();
  const double clip_hi = options.clamp_epsilon > 0.0 ? std::log1p(-options.clamp_epsilon) : 0.0;
  const bool forbid_infinite = !options.allow_infinite && options.clamp_epsilon == 0.0;
  const std::size_t rows_per_block = std::max<std::size_t>(1, kernel_block_elements / k);
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += rows_per_block) {
    const std::size_t row_end = std::min(rows, row_begin + rows_per_block);
    const P* const x = lp + row_begin * k;
    const std::size_t m = (row_end - row_begin) * k;
    auto good = zero == zero;
    D x0{};
    std::size_t i = 0;
    for (; i + W <= m; i += W) {
      s::load<W>(x0, x + i);
      good &= x0 <= hi;
      s::clamp_above<W>(x0, zero);
      s::exp_poly<W, 7>(x0);
      std::memcpy(buffer + i, &x0, sizeof x0);
    }
    bool bad = false;
    for (; i < m; ++i) {
      const double v = static_cast<double>(x[i]);
      bad = bad || !(v <= probability_tolerance);
      buffer[i] = std::exp(std::min(v, 0.0));
    }
    double loss = 0.0;
    for (std::size_t r = 0; r < row_end - row_begin; ++r) {
      double sum = 0.0;
      for (std::size_t j = 0; j < k; ++j) sum += buffer[r * k + j];
      bad = bad || !(std::fabs(sum - 1.0) <= 0.99 * probability_sum_tolerance);  // approximate exp: flag early, rescan exactly
      const std::size_t y = guarded_label(labels[row_begin + r], k, bad);
      double target = std::min(static_cast<double>(x[r * k + y]), 0.0);
      target = std::min(std::max(target, clip_lo), clip_hi);
      bad = bad || (forbid_infinite && target == -std::numeric_limits<double>::infinity());
      loss -= target;
    }
    if (bad || s::any<W>(~good)) locate_log_prob_rows(lp, labels, k, row_begin, row_end, row_offset, options);
    total.add(loss);
  }
}

/// Acceptance bound of the single-precision normalisation check for rows of 4 log-probabilities
/// (`row_sums_4_accepted`): a row whose float sum s = (e0 + e1) + (e2 + e3) of e_j = exp_float(float(lp_j))
/// satisfies |s - 1| <= this bound certainly satisfies the double-precision check
/// |exp(LSE(lp)) - 1| <= `probability_sum_tolerance` (1e-6). Error bound e, for the true sum S = Σ p_j,
/// p_j = exp(min(lp_j, 0)) <= 1:
///  - exp_float: relative <= 2^-22 per term, so <= 2^-22 S in total;
///  - the conversion lp -> float: relative <= 2^-24 |lp_j|, so exp(lp_j) moves by <= p_j |ln p_j| 2^-24
///    (1 + 2^-20) per term and Σ_j p_j |ln p_j| <= 4/e (p |ln p| <= 1/e): <= 1.4716 × 2^-24;
///    lp_j < -87 (and -inf) give exp(-87) < 1.7e-38 for a true value in [0, 1.7e-38];
///  - the sum: each term passes through two float additions, <= 2^-23 s (1 + 2^-22);
/// hence |s - S| <= (2^-22 + 2^-23)(1 + 2^-20) S + 1.4716 × 2^-24 + 7e-38, and |s - 1| <= A implies
/// |S - 1| <= (A + 3.577e-7 + 8.78e-8) / (1 - 3.6e-7) < 9.5e-7 < 1e-6 for A = 5e-7 (the remaining
/// 5e-8 also covers the rounding of the double check itself, ~1e-15). A row that fails the bound does
/// not by itself mean an error: its block is rescanned with the exact double check
/// (`locate_log_prob_rows`), which throws for the first row that really fails, so the accepted and
/// rejected inputs are exactly those of the double check.
inline constexpr float float_row_sum_accept = 5e-7f;
static_assert((5e-7 + (0x1p-22 + 0x1p-23) * (1.0 + 0x1p-20) * (1.0 + 1e-6) + 1.4716 * 0x1p-24 + 7e-38) /
                      (1.0 - 3.6e-7) <
                  0.96 * probability_sum_tolerance,
              "the single-precision acceptance bound must leave the double check's tolerance untouched");

/// True when each of the `rows` rows of 4 log-probabilities at `lp` passes the single-precision check
/// |s - 1| <= `float_row_sum_accept` (false: some row must be rechecked exactly). NaN fails.
/// 2W rows per step (4 vectors of 2W floats), the remainder with the double-precision std::exp.
template <int W, class P>
[[gnu::always_inline]] inline bool row_sums_4_accepted(const P* lp, std::size_t rows) {
  namespace s = simd;
  using F = typename s::vf<W>::f;
  using I = typename s::vf<W>::i;
  constexpr std::size_t step = 2 * W;  // rows per step
  F one{}, accept{};
  s::splat_float<W>(one, 1.0f);
  s::splat_float<W>(accept, float_row_sum_accept);
  I ok{};
  for (int l = 0; l < 2 * W; ++l) ok[l] = -1;
  std::size_t r = 0;
  for (; r + step <= rows; r += step) {
    const P* const x = lp + r * 4;
    F a{}, b{}, c{}, d{}, sums{};
    s::load_float<W>(a, x);
    s::load_float<W>(b, x + 2 * W);
    s::load_float<W>(c, x + 4 * W);
    s::load_float<W>(d, x + 6 * W);
    s::exp_float<W>(a);
    s::exp_float<W>(b);
    s::exp_float<W>(c);
    s::exp_float<W>(d);
    s::row_sums_4<W>(sums, a, b, c, d);
    sums -= one;
    const F neg = -sums;
    ok &= (sums <= accept) & (neg <= accept);
  }
  std::int32_t all = -1;
  for (int l = 0; l < 2 * W; ++l) all &= ok[l];
  bool accepted = all == -1;
  for (; r < rows; ++r) {
    double sum = 0.0;
    for (std::size_t j = 0; j < 4; ++j) sum += std::exp(std::min(static_cast<double>(lp[r * 4 + j]), 0.0));
    accepted = accepted && std::fabs(sum - 1.0) <= 0.8 * probability_sum_tolerance;
  }
  return accepted;
}

/// K-specialised cross-entropy from log-probabilities (K a multiple of W): W rows at a time; the
/// label's log-probability is selected by comparing lane indices with the label, the normalisation
/// check sums exp() (`exp_check`, relative error < 1.3e-7) over each row via a transpose-and-add,
/// against 0.8 x `probability_sum_tolerance` so that the approximation can only raise false alarms,
/// which the exact rescan then clears. For K = 4 the check is `row_sums_4_accepted` (single precision,
/// twice the lanes, proven acceptance bound) run over the block after the gather pass.
template <int W, std::size_t K, class P, class L>
[[gnu::always_inline]] inline void cross_entropy_rows_body(const P* lp, const L* labels, std::size_t rows,
                                                           std::size_t row_offset, const log_loss_options& options,
                                                           kernel_total& total) {
  static_assert(K % W == 0);
  constexpr std::size_t V = K / W;
  namespace s = simd;
  using D = typename s::v<W>::d;
  using I = typename s::v<W>::i;
  D hi{}, zero{}, one{}, sum_tol{}, clip_lo{}, clip_hi{};
  s::splat<W>(hi, probability_tolerance);
  s::splat<W>(zero, 0.0);
  s::splat<W>(one, 1.0);
  s::splat<W>(sum_tol, 0.8 * probability_sum_tolerance);
  const bool clip = options.clamp_epsilon > 0.0;
  s::splat<W>(clip_lo, clip ? std::log(options.clamp_epsilon) : 0.0);
  s::splat<W>(clip_hi, clip ? std::log1p(-options.clamp_epsilon) : 0.0);
  const bool forbid_infinite = !options.allow_infinite && !clip;
  // per label, an all-ones mask on its lane (and an all-zero row for invalid labels, flagged apart)
  alignas(64) std::int64_t mask_table[(K + 1) * K] = {};
  for (std::size_t j = 0; j < K; ++j) mask_table[j * K + j] = -1;
  constexpr std::size_t rows_per_block = kernel_block_elements / K;
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += rows_per_block) {
    const std::size_t row_end = std::min(rows, row_begin + rows_per_block);
    D acc = zero, acc_odd = zero;
    auto good = zero == zero;
    std::uint64_t bad_labels = 0;
    std::size_t r = row_begin;
    for (; r + W <= row_end; r += W) {
      D row_sum[W];  // every element is assigned below (a zero-initialiser costs a rep stos per group)
      for (int q = 0; q < W; ++q) {
        const P* const x = lp + (r + static_cast<std::size_t>(q)) * K;
        const auto label = static_cast<std::uint64_t>(static_cast<std::int64_t>(labels[r + static_cast<std::size_t>(q)]));
        const bool invalid = label >= K;
        bad_labels |= invalid ? 1u : 0u;
        const std::int64_t* const mask_row = mask_table + (invalid ? K : label) * K;
        D rs = zero;
        for (std::size_t v = 0; v < V; ++v) {
          D xv{}, e{}, target{};
          s::load<W>(xv, x + v * W);
          good &= xv <= hi;
          s::clamp_above<W>(xv, zero);
          if constexpr (K == 4) {  // K = 4: the single-precision check below
            (void)e;
          } else {
            e = xv;
            s::exp_check<W>(e);
            rs += e;
          }
          if (clip) {
            s::clamp_below<W>(xv, clip_lo);
            s::clamp_above<W>(xv, clip_hi);
          }
          I mask{}, bits{};
          std::memcpy(&mask, mask_row + v * W, sizeof mask);
          std::memcpy(&bits, &xv, sizeof bits);
          bits &= mask;
          std::memcpy(&target, &bits, sizeof target);
          if (q % 2 == 0) {  // alternate accumulators between rows: one add chain would bound the loop
            acc += target;
          } else {
            acc_odd += target;
          }
        }
        row_sum[q] = rs;
      }
      if constexpr (K != 4) {
        D sums{};
        s::transpose_sum<W>(sums, row_sum);
        sums -= one;
        s::abs<W>(sums);
        good &= sums <= sum_tol;
      } else {
        (void)row_sum;
      }
    }
    bool float_check_failed = false;
    if constexpr (K == 4) float_check_failed = !row_sums_4_accepted<W>(lp + row_begin * K, r - row_begin);
    double tail = 0.0;
    bool bad = false;
    for (; r < row_end; ++r) {
      const P* const row = lp + r * K;
      double sum = 0.0;
      for (std::size_t j = 0; j < K; ++j) {
        const double v = static_cast<double>(row[j]);
        bad = bad || !(v <= probability_tolerance);
        sum += std::exp(std::min(v, 0.0));
      }
      bad = bad || !(std::fabs(sum - 1.0) <= 0.8 * probability_sum_tolerance);
      const std::size_t y = guarded_label(labels[r], K, bad);
      double target = std::min(static_cast<double>(row[y]), 0.0);
      if (clip) target = std::min(std::max(target, std::log(options.clamp_epsilon)), std::log1p(-options.clamp_epsilon));
      tail += target;
    }
    const double block = s::hsum<W>(acc + acc_odd) + tail;
    if (bad || float_check_failed || bad_labels != 0 || s::any<W>(~good) || (forbid_infinite && std::isinf(block))) {
      locate_log_prob_rows(lp, labels, K, row_begin, row_end, row_offset, options);
    }
    total.add(-block);
  }
}

template <class P, class L>
void cross_entropy_multi_portable(const P* lp, const L* labels, std::size_t rows, std::size_t k, std::size_t row_offset,
                                  const log_loss_options& options, double* buffer, kernel_total& total) {
  switch (k) {
    case 2: return cross_entropy_rows_body<2, 2>(lp, labels, rows, row_offset, options, total);
    case 4: return cross_entropy_rows_body<2, 4>(lp, labels, rows, row_offset, options, total);
    case 8: return cross_entropy_rows_body<2, 8>(lp, labels, rows, row_offset, options, total);
    default: return cross_entropy_multi_body<2>(lp, labels, rows, k, row_offset, options, buffer, total);
  }
}

/// Exact Σ over rows [row_begin, row_end) of min(lp[y], 0) (clipped as the options say), after
/// `locate_log_prob_rows` has validated every row exactly (and thrown for the first bad one): the path
/// for blocks the fast K = 4 kernel did not accept and for its tail rows.
template <class P, class L>
double cross_entropy_rows_exact(const P* lp, const L* labels, std::size_t k, std::size_t row_begin, std::size_t row_end,
                                std::size_t row_offset, const log_loss_options& options) {
  locate_log_prob_rows(lp, labels, k, row_begin, row_end, row_offset, options);
  const bool clip = options.clamp_epsilon > 0.0;
  const double clip_lo = clip ? std::log(options.clamp_epsilon) : 0.0;
  const double clip_hi = clip ? std::log1p(-options.clamp_epsilon) : 0.0;
  double sum = 0.0;
  for (std::size_t r = row_begin; r < row_end; ++r) {
    double target = std::min(static_cast<double>(lp[r * k + static_cast<std::size_t>(labels[r])]), 0.0);
    if (clip) target = std::min(std::max(target, clip_lo), clip_hi);
    sum += target;
  }
  return sum;
}

#ifdef EMERGENT_PROB_DISPATCH_AVX2
/// K = 4 over double rows without clipping: the intrinsics block kernel (prob_x86.hpp; AVX-512F,
/// 16 rows per step, where the CPU has it, else AVX2, 8 rows) with the single-precision normalisation
/// check, `cross_entropy_rows_exact` for blocks it does not accept and for the rows after the last
/// multiple of the step.
template <class L>
[[gnu::target("avx2,fma")]] void cross_entropy4_avx2(const double* lp, const L* labels, std::size_t rows,
                                                     std::size_t row_offset, const log_loss_options& options,
                                                     kernel_total& total) {
  constexpr std::size_t rows_per_block = kernel_block_elements / 4;
  const bool avx512 = x86::has_avx512f();
  const std::size_t step = avx512 ? 16 : 8;
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += rows_per_block) {
    const std::size_t row_end = std::min(rows, row_begin + rows_per_block);
    const std::size_t vector_end = row_begin + (row_end - row_begin) / step * step;
    x86::block_result block;
    if (x86::labels_below_4(labels + row_begin, row_end - row_begin)) {
      block = avx512 ? x86::cross_entropy4_block_avx512(lp + row_begin * 4, labels + row_begin, vector_end - row_begin,
                                                        float_row_sum_accept)
                     : x86::cross_entropy4_block(lp + row_begin * 4, labels + row_begin, vector_end - row_begin,
                                                 float_row_sum_accept);
    }
    if (block.ok) {
      total.add(-(block.sum + cross_entropy_rows_exact(lp, labels, 4, vector_end, row_end, row_offset, options)));
    } else {
      total.add(-cross_entropy_rows_exact(lp, labels, 4, row_begin, row_end, row_offset, options));
    }
  }
}

template <class P, class L>
[[gnu::target("avx2,fma")]] void cross_entropy_multi_avx2(const P* lp, const L* labels, std::size_t rows, std::size_t k,
                                                          std::size_t row_offset, const log_loss_options& options,
                                                          double* buffer, kernel_total& total) {
  switch (k) {
    case 4:
      if constexpr (std::is_same_v<plain<P>, double>) {
        if (options.clamp_epsilon == 0.0) return cross_entropy4_avx2(lp, labels, rows, row_offset, options, total);
      }
      return cross_entropy_rows_body<4, 4>(lp, labels, rows, row_offset, options, total);
    case 8: return cross_entropy_rows_body<4, 8>(lp, labels, rows, row_offset, options, total);
    default: return cross_entropy_multi_body<4>(lp, labels, rows, k, row_offset, options, buffer, total);
  }
}
#endif

/// Renormalising variant: per row LSE(lp) − lp[y] with the accurate scalar exp/log (not the fast path).
template <class P, class L>
void cross_entropy_multi_renormalized(const P* lp, const L* labels, std::size_t rows, std::size_t k,
                                      std::size_t row_offset, const log_loss_options& options, kernel_total& total) {
  std::vector<double> row(k);
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += 1024) {
    const std::size_t row_end = std::min(rows, row_begin + 1024);
    double block = 0.0;
    bool bad = false;
    for (std::size_t r = row_begin; r < row_end; ++r) {
      for (std::size_t j = 0; j < k; ++j) {
        const double v = static_cast<double>(lp[r * k + j]);
        bad = bad || !(v <= probability_tolerance);
        row[j] = std::min(v, 0.0);
      }
      const double lse = log_sum_exp_unchecked(row);
      bad = bad || lse == -std::numeric_limits<double>::infinity();
      const std::size_t y = guarded_label(labels[r], k, bad);
      double target = row[y] - lse;
      if (options.clamp_epsilon > 0.0) {
        target = std::min(std::max(target, std::log(options.clamp_epsilon)), std::log1p(-options.clamp_epsilon));
      }
      bad = bad || (!options.allow_infinite && target == -std::numeric_limits<double>::infinity());
      block -= std::min(target, 0.0);
    }
    if (bad) locate_log_prob_rows(lp, labels, k, row_begin, row_end, row_offset, options);
    total.add(block);
  }
}

template <class P, class L>
void cross_entropy_multi(const P* lp, const L* labels, std::size_t rows, std::size_t k, std::size_t row_offset,
                         const log_loss_options& options, std::vector<double>& buffer, kernel_total& total) {
  if (options.normalize == normalization::renormalize) {
    return cross_entropy_multi_renormalized(lp, labels, rows, k, row_offset, options, total);
  }
  buffer.resize(std::max<std::size_t>(1, kernel_block_elements / k) * k);
#ifdef EMERGENT_PROB_DISPATCH_AVX2
  if (simd::has_avx2_fma()) return cross_entropy_multi_avx2(lp, labels, rows, k, row_offset, options, buffer.data(), total);
#endif
  cross_entropy_multi_portable(lp, labels, rows, k, row_offset, options, buffer.data(), total);
}

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
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += rows_per_block) {
    const std::size_t row_end = std::min(rows, row_begin + rows_per_block);
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

/// Sequences whose length is a multiple of W: W rows at a time, each row's tokens summed in vector
/// lanes, the W row sums formed by a transpose-and-add and exponentiated together.
template <int W, class P>
[[gnu::always_inline]] inline void sequence_rows_body(const P* lp, std::size_t rows, std::size_t t,
                                                      std::size_t row_offset, kernel_total& total) {
  namespace s = simd;
  using D = typename s::v<W>::d;
  D hi{}, zero{};
  s::splat<W>(hi, probability_tolerance);
  s::splat<W>(zero, 0.0);
  const std::size_t rows_per_block = std::max<std::size_t>(1, kernel_block_elements / t);
  for (std::size_t row_begin = 0; row_begin < rows; row_begin += rows_per_block) {
    const std::size_t row_end = std::min(rows, row_begin + rows_per_block);
    D acc = zero;
    auto good = zero == zero;
    std::size_t r = row_begin;
    for (; r + W <= row_end; r += W) {
      D row_sum[W];  // every element is assigned below (a zero-initialiser costs a rep stos per group)
      for (int q = 0; q < W; ++q) {
        const P* const x = lp + (r + static_cast<std::size_t>(q)) * t;
        D rs0 = zero, rs1 = zero, v0{}, v1{};
        std::size_t j = 0;
        for (; j + 2 * W <= t; j += 2 * W) {
          s::load<W>(v0, x + j);
          s::load<W>(v1, x + j + W);
          good &= (v0 <= hi) & (v1 <= hi);
          s::clamp_above<W>(v0, zero);
          s::clamp_above<W>(v1, zero);
          rs0 += v0;
          rs1 += v1;
        }
        if (j < t) {
          s::load<W>(v0, x + j);
          good &= v0 <= hi;
          s::clamp_above<W>(v0, zero);
          rs0 += v0;
        }
        row_sum[q] = rs0 + rs1;
      }
      D sums{};
      s::transpose_sum<W>(sums, row_sum);
      s::exp_poly<W, 13>(sums);
      acc += sums;
    }
    double tail = 0.0;
    bool bad = false;
    for (; r < row_end; ++r) {
      double sum = 0.0;
      for (std::size_t j = 0; j < t; ++j) {
        const double v = static_cast<double>(lp[r * t + j]);
        bad = bad || !(v <= probability_tolerance);
        sum += std::min(v, 0.0);
      }
      tail += std::exp(sum);
    }
    if (bad || s::any<W>(~good)) locate_sequences(lp, t, row_begin, row_end, row_offset);
    total.add(s::hsum<W>(acc) + tail);
  }
}

template <class P>
void sequence_probability_portable(const P* lp, std::size_t rows, std::size_t t, std::size_t row_offset, double* buffer,
                                   kernel_total& total) {
  if (t % 2 == 0) return sequence_rows_body<2>(lp, rows, t, row_offset, total);
  sequence_probability_body<2>(lp, rows, t, row_offset, buffer, total);
}

#ifdef EMERGENT_PROB_DISPATCH_AVX2
template <class P>
[[gnu::target("avx2,fma")]] void sequence_probability_avx2(const P* lp, std::size_t rows, std::size_t t,
                                                           std::size_t row_offset, double* buffer, kernel_total& total) {
  if (t % 4 == 0) return sequence_rows_body<4>(lp, rows, t, row_offset, total);
  sequence_probability_body<4>(lp, rows, t, row_offset, buffer, total);
}
#endif

template <class P>
void sequence_probability_sum(const P* lp, std::size_t rows, std::size_t t, std::size_t row_offset,
                              std::vector<double>& buffer, kernel_total& total) {
  buffer.resize(std::max<std::size_t>(1, kernel_block_elements / t));
#ifdef EMERGENT_PROB_DISPATCH_AVX2
  if (simd::has_avx2_fma()) return sequence_probability_avx2(lp, rows, t, row_offset, buffer.data(), total);
#endif
  sequence_probability_portable(lp, rows, t, row_offset, buffer.data(), total);
}

// ------------------------------------------------------------------------------------------ Eigen access

/// Calls f(pointer, count, offset) over a vector expression: directly on its storage when it is
/// contiguous, otherwise on chunks evaluated into a bounded buffer (never a copy of the whole input).
template <class Derived, class F>
void for_each_vector_chunk(const Eigen::MatrixBase<Derived>& x, F&& f) {
  using Scalar = typename Derived::Scalar;
  if constexpr (bool(Derived::Flags & Eigen::DirectAccessBit)) {
    if (x.innerStride() == 1 || x.size() <= 1) {
      f(x.derived().data(), static_cast<std::size_t>(x.size()), std::size_t{0});
      return;
    }
  }
  constexpr Eigen::Index chunk = 4096;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> buffer;
  for (Eigen::Index i = 0; i < x.size(); i += chunk) {
    const Eigen::Index len = std::min(chunk, x.size() - i);
    buffer = x.derived().reshaped().segment(i, len);
    f(buffer.data(), static_cast<std::size_t>(len), static_cast<std::size_t>(i));
  }
}

/// Calls f(pointer, rows, row_offset) over an n×K matrix expression in row-major order: directly when
/// its storage is row-major and contiguous, otherwise on blocks of rows evaluated into a buffer.
template <class Derived, class F>
void for_each_row_chunk(const Eigen::MatrixBase<Derived>& x, F&& f) {
  using Scalar = typename Derived::Scalar;
  if constexpr (bool(Derived::Flags & Eigen::DirectAccessBit) && bool(Derived::Flags & Eigen::RowMajorBit)) {
    if (x.innerStride() == 1 && (x.outerStride() == x.cols() || x.rows() <= 1)) {
      f(x.derived().data(), static_cast<std::size_t>(x.rows()), std::size_t{0});
      return;
    }
  }
  if constexpr (bool(Derived::Flags & Eigen::DirectAccessBit) && !bool(Derived::Flags & Eigen::RowMajorBit)) {
    if (x.cols() == 1 && x.innerStride() == 1) {  // a column vector is also one value per row
      f(x.derived().data(), static_cast<std::size_t>(x.rows()), std::size_t{0});
      return;
    }
  }
  const Eigen::Index chunk = std::max<Eigen::Index>(1, 4096 / std::max<Eigen::Index>(1, x.cols()));
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> buffer;
  for (Eigen::Index r = 0; r < x.rows(); r += chunk) {
    const Eigen::Index len = std::min(chunk, x.rows() - r);
    buffer = x.middleRows(r, len);
    f(buffer.data(), static_cast<std::size_t>(len), static_cast<std::size_t>(r));
  }
}

/// Pointer to a vector expression's values: its own storage when contiguous, else `storage` filled
/// with them (used for labels and outcomes only when they are not contiguous).
template <class Derived>
const typename Derived::Scalar* contiguous_values(const Eigen::MatrixBase<Derived>& x,
                                                  Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, 1>& storage) {
  if constexpr (bool(Derived::Flags & Eigen::DirectAccessBit)) {
    if (x.innerStride() == 1 || x.size() <= 1) return x.derived().data();
  }
  storage = x.derived().reshaped();
  return storage.data();
}

template <class Derived>
void check_eigen_vector(const Eigen::MatrixBase<Derived>& x, std::string_view function, std::string_view argument) {
  if (x.rows() != 1 && x.cols() != 1) {
    throw input_error(detail::describe(function, argument, "must be a vector (one row or one column)"));
  }
}

}  // namespace detail::prob

/// Mean binary Brier score over n examples, (1/n) Σ_i (p_i − o_i)² (Brier 1950; scikit-learn's
/// `brier_score_loss`), from a contiguous range of probabilities (float or double) and one of 0/1
/// outcomes (any integer type or bool). Throws `input_error` for different lengths, an empty input
/// (the mean of nothing), and, naming the first bad index, a probability that is NaN, infinite or
/// outside [0, 1] beyond `probability_tolerance`, or an outcome other than 0 or 1.
template <contiguous_numeric_range P, contiguous_integral_range O>
[[nodiscard]] double mean_brier_score(const P& probabilities, const O& outcomes) {
  const std::size_t n = std::ranges::size(probabilities);
  detail::prob::check_sizes(n, std::ranges::size(outcomes), "mean_brier_score", "probabilities", "outcomes");
  detail::prob::check_nonempty(n, "mean_brier_score", "probabilities");
  detail::prob::kernel_total total;
  detail::prob::brier_binary(std::ranges::data(probabilities), std::ranges::data(outcomes), n, 0, total);
  return total.value() / static_cast<double>(n);
}

/// Mean multi-class Brier score over n examples: `probabilities` holds n rows of K = `num_classes`
/// values in row-major order and `labels` one class index per row;
/// (1/n) Σ_i Σ_k (p_ik − [k = y_i])² under `sum_over_classes` (default, lm-evaluation-harness), divided
/// by K under `mean_over_classes`. Rows must sum to 1 within `probability_sum_tolerance` unless
/// `options.normalize` is `renormalize` (a slower per-row path). Throws `input_error` for
/// `num_classes` = 0, a size that is not rows × K, no rows, and, naming the first bad index or row,
/// invalid probabilities, rows that do not sum to 1, and labels outside [0, K).
template <contiguous_numeric_range P, contiguous_integral_range L>
[[nodiscard]] double mean_brier_score(const P& probabilities, const L& labels, std::size_t num_classes,
                                      const brier_options& options = {}) {
  constexpr std::string_view fn = "mean_brier_score";
  if (num_classes == 0) throw input_error(detail::describe(fn, "num_classes", "must be at least 1"));
  const std::size_t rows = std::ranges::size(labels);
  if (std::ranges::size(probabilities) != rows * num_classes) {
    throw input_error(detail::describe(fn, "probabilities",
                                       "has " + std::to_string(std::ranges::size(probabilities)) + " entries, not " +
                                           std::to_string(rows) + " labels x " + std::to_string(num_classes) + " classes"));
  }
  detail::prob::check_nonempty(rows, fn, "labels");
  detail::prob::kernel_total total;
  detail::prob::brier_multi(std::ranges::data(probabilities), std::ranges::data(labels), rows, num_classes, 0,
                            options.normalize, total);
  double mean = total.value() / static_cast<double>(rows);
  if (options.convention == brier_convention::mean_over_classes) mean /= static_cast<double>(num_classes);
  return mean;
}

/// Mean binary log-loss over n examples from probabilities of the positive outcome:
/// −(1/n) Σ_i [o_i log p_i + (1 − o_i) log(1 − p_i)] (scikit-learn's `log_loss` for binary labels;
/// `log_loss_options::scikit_learn()` clips as it does). Computed as the logarithm of a product:
/// mantissas multiplied and exponents added in vector lanes, one `std::log` per lane per block of
/// 4096 examples (~1e-16 per example). A zero probability for the observed outcome throws `input_error`
/// naming the example unless `clamp_epsilon` or `allow_infinite` is set; other errors as `mean_brier_score`.
template <contiguous_numeric_range P, contiguous_integral_range O>
[[nodiscard]] double mean_log_loss(const P& probabilities, const O& outcomes, const log_loss_options& options = {}) {
  detail::prob::check_options(options, "mean_log_loss");
  const std::size_t n = std::ranges::size(probabilities);
  detail::prob::check_sizes(n, std::ranges::size(outcomes), "mean_log_loss", "probabilities", "outcomes");
  detail::prob::check_nonempty(n, "mean_log_loss", "probabilities");
  detail::prob::kernel_total total;
  detail::prob::log_loss_binary(std::ranges::data(probabilities), std::ranges::data(outcomes), n, 0, options, total);
  return total.value() / static_cast<double>(n);
}

/// Mean multi-class cross-entropy over n examples from log-probabilities: `log_probabilities` holds n
/// rows of K = `num_classes` values (row-major), `labels` one class per row; −(1/n) Σ_i lp_{i, y_i}
/// (scikit-learn's multi-class `log_loss`, computed from log-probabilities). Under `require` (default)
/// every row must satisfy |Σ_k exp(lp_ik) − 1| <= `probability_sum_tolerance` (checked with a
/// vectorised exp); under `renormalize` the loss is LSE(row) − lp_y (slower per-row path). -inf
/// entries are allowed; a -inf at the label throws unless `clamp_epsilon` or `allow_infinite`. Other
/// errors (NaN, +inf, values above 0, bad labels, sizes, no rows) throw `input_error` naming the index.
template <contiguous_numeric_range P, contiguous_integral_range L>
[[nodiscard]] double mean_cross_entropy_from_log_probabilities(const P& log_probabilities, const L& labels,
                                                               std::size_t num_classes,
                                                               const log_loss_options& options = {}) {
  constexpr std::string_view fn = "mean_cross_entropy_from_log_probabilities";
  detail::prob::check_options(options, fn);
  if (num_classes == 0) throw input_error(detail::describe(fn, "num_classes", "must be at least 1"));
  const std::size_t rows = std::ranges::size(labels);
  if (std::ranges::size(log_probabilities) != rows * num_classes) {
    throw input_error(detail::describe(fn, "log_probabilities",
                                       "has " + std::to_string(std::ranges::size(log_probabilities)) + " entries, not " +
                                           std::to_string(rows) + " labels x " + std::to_string(num_classes) + " classes"));
  }
  detail::prob::check_nonempty(rows, fn, "labels");
  detail::prob::kernel_total total;
  std::vector<double> buffer;
  detail::prob::cross_entropy_multi(std::ranges::data(log_probabilities), std::ranges::data(labels), rows, num_classes, 0,
                                    options, buffer, total);
  return total.value() / static_cast<double>(rows);
}

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

/// Eigen overload of the mean binary Brier score: `probabilities` and `outcomes` are vector
/// expressions of equal size (outcomes of an integer scalar type). Selected when `probabilities` is
/// a vector at compile time (VectorXd, a Map of one, `.col(j)`, ...); a dynamic matrix selects the
/// multi-class overload. Contiguous storage is read in place; other expressions are evaluated a
/// block at a time, never copied whole.
template <class DP, class DO>
  requires(bool(DP::IsVectorAtCompileTime))
[[nodiscard]] double mean_brier_score(const Eigen::MatrixBase<DP>& probabilities, const Eigen::MatrixBase<DO>& outcomes) {
  static_assert(std::is_integral_v<typename DO::Scalar>, "mean_brier_score: outcomes must have an integer scalar type");
  constexpr std::string_view fn = "mean_brier_score";
  detail::prob::check_eigen_vector(probabilities, fn, "probabilities");
  detail::prob::check_eigen_vector(outcomes, fn, "outcomes");
  const auto n = static_cast<std::size_t>(probabilities.size());
  detail::prob::check_sizes(n, static_cast<std::size_t>(outcomes.size()), fn, "probabilities", "outcomes");
  detail::prob::check_nonempty(n, fn, "probabilities");
  detail::prob::kernel_total total;
  detail::prob::for_each_vector_chunk(outcomes, [&](const typename DO::Scalar* o, std::size_t m, std::size_t off) {
    const auto pseg = probabilities.derived().reshaped().segment(static_cast<Eigen::Index>(off), static_cast<Eigen::Index>(m));
    detail::prob::for_each_vector_chunk(pseg, [&](const typename DP::Scalar* p, std::size_t mm, std::size_t off2) {
      detail::prob::brier_binary(p, o + off2, mm, off + off2, total);
    });
  });
  return total.value() / static_cast<double>(n);
}

/// Eigen overload of the mean multi-class Brier score: `probabilities` is an n×K matrix expression
/// (one row per example; not a vector at compile time), `labels` an integer vector of n class
/// indices. Row-major contiguous storage is read in place; anything else a block of rows at a time.
template <class DP, class DL>
  requires(!bool(DP::IsVectorAtCompileTime))
[[nodiscard]] double mean_brier_score(const Eigen::MatrixBase<DP>& probabilities, const Eigen::MatrixBase<DL>& labels,
                                      const brier_options& options = {}) {
  static_assert(std::is_integral_v<typename DL::Scalar>, "mean_brier_score: labels must have an integer scalar type");
  constexpr std::string_view fn = "mean_brier_score";
  detail::prob::check_eigen_vector(labels, fn, "labels");
  const auto rows = static_cast<std::size_t>(probabilities.rows());
  const auto k = static_cast<std::size_t>(probabilities.cols());
  detail::prob::check_sizes(rows, static_cast<std::size_t>(labels.size()), fn, "probabilities rows", "labels");
  if (k == 0) throw input_error(detail::describe(fn, "probabilities", "has no columns (classes)"));
  detail::prob::check_nonempty(rows, fn, "labels");
  Eigen::Matrix<typename DL::Scalar, Eigen::Dynamic, 1> storage;
  const auto* y = detail::prob::contiguous_values(labels, storage);
  detail::prob::kernel_total total;
  detail::prob::for_each_row_chunk(probabilities, [&](const typename DP::Scalar* p, std::size_t m, std::size_t r) {
    detail::prob::brier_multi(p, y + r, m, k, r, options.normalize, total);
  });
  double mean = total.value() / static_cast<double>(rows);
  if (options.convention == brier_convention::mean_over_classes) mean /= static_cast<double>(k);
  return mean;
}

/// Eigen overload of the mean binary log-loss (vectors of probabilities and integer 0/1 outcomes).
template <class DP, class DO>
[[nodiscard]] double mean_log_loss(const Eigen::MatrixBase<DP>& probabilities, const Eigen::MatrixBase<DO>& outcomes,
                                   const log_loss_options& options = {}) {
  static_assert(std::is_integral_v<typename DO::Scalar>, "mean_log_loss: outcomes must have an integer scalar type");
  constexpr std::string_view fn = "mean_log_loss";
  detail::prob::check_options(options, fn);
  detail::prob::check_eigen_vector(probabilities, fn, "probabilities");
  detail::prob::check_eigen_vector(outcomes, fn, "outcomes");
  const auto n = static_cast<std::size_t>(probabilities.size());
  detail::prob::check_sizes(n, static_cast<std::size_t>(outcomes.size()), fn, "probabilities", "outcomes");
  detail::prob::check_nonempty(n, fn, "probabilities");
  detail::prob::kernel_total total;
  detail::prob::for_each_vector_chunk(outcomes, [&](const typename DO::Scalar* o, std::size_t m, std::size_t off) {
    const auto pseg = probabilities.derived().reshaped().segment(static_cast<Eigen::Index>(off), static_cast<Eigen::Index>(m));
    detail::prob::for_each_vector_chunk(pseg, [&](const typename DP::Scalar* p, std::size_t mm, std::size_t off2) {
      detail::prob::log_loss_binary(p, o + off2, mm, off + off2, options, total);
    });
  });
  return total.value() / static_cast<double>(n);
}

/// Eigen overload of the mean multi-class cross-entropy from log-probabilities: an n×K matrix
/// expression and an integer vector of n labels.
template <class DP, class DL>
[[nodiscard]] double mean_cross_entropy_from_log_probabilities(const Eigen::MatrixBase<DP>& log_probabilities,
                                                               const Eigen::MatrixBase<DL>& labels,
                                                               const log_loss_options& options = {}) {
  static_assert(std::is_integral_v<typename DL::Scalar>, "labels must have an integer scalar type");
  constexpr std::string_view fn = "mean_cross_entropy_from_log_probabilities";
  detail::prob::check_options(options, fn);
  detail::prob::check_eigen_vector(labels, fn, "labels");
  const auto rows = static_cast<std::size_t>(log_probabilities.rows());
  const auto k = static_cast<std::size_t>(log_probabilities.cols());
  detail::prob::check_sizes(rows, static_cast<std::size_t>(labels.size()), fn, "log_probabilities rows", "labels");
  if (k == 0) throw input_error(detail::describe(fn, "log_probabilities", "has no columns (classes)"));
  detail::prob::check_nonempty(rows, fn, "labels");
  Eigen::Matrix<typename DL::Scalar, Eigen::Dynamic, 1> storage;
  const auto* y = detail::prob::contiguous_values(labels, storage);
  detail::prob::kernel_total total;
  std::vector<double> buffer;
  detail::prob::for_each_row_chunk(log_probabilities, [&](const typename DP::Scalar* p, std::size_t m, std::size_t r) {
    detail::prob::cross_entropy_multi(p, y + r, m, k, r, options, buffer, total);
  });
  return total.value() / static_cast<double>(rows);
}

/// Eigen overload of the mean sequence probability: an n×T matrix expression of per-token
/// log-probabilities, one sequence per row.
template <class DP>
[[nodiscard]] double mean_sequence_probability(const Eigen::MatrixBase<DP>& token_log_probs) {
  constexpr std::string_view fn = "mean_sequence_probability";
  const auto rows = static_cast<std::size_t>(token_log_probs.rows());
  const auto t = static_cast<std::size_t>(token_log_probs.cols());
  if (t == 0) throw input_error(detail::describe(fn, "token_log_probs", "has no columns (tokens)"));
  detail::prob::check_nonempty(rows, fn, "token_log_probs");
  detail::prob::kernel_total total;
  std::vector<double> buffer;
  detail::prob::for_each_row_chunk(token_log_probs, [&](const typename DP::Scalar* p, std::size_t m, std::size_t r) {
    detail::prob::sequence_probability_sum(p, m, t, r, buffer, total);
  });
  return total.value() / static_cast<double>(rows);
}

}  // namespace emergent

