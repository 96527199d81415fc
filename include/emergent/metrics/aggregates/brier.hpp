/// @file
/// @brief Mean Brier score over many examples stored contiguously: binary (probabilities and 0/1
///        outcomes) and multi-class (n x K row-major probabilities and labels).
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
#include "emergent/metrics/brier.hpp"
#include "emergent/metrics/detail/aggregate_kernel.hpp"

namespace emergent {

namespace detail::prob {

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
  for (const auto [begin, end] : blocks(n, kernel_block_elements)) {
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

/// Binary Brier kernel: on AVX2 with double probabilities and one-byte outcomes, the x86 block
/// kernel (prob_x86.hpp), a block it does not accept recomputed exactly; otherwise the vector body.
struct brier_binary_kernel {
  template <int W, class P, class O>
  [[gnu::always_inline]] static void run(const P* p, const O* o, std::size_t n, std::size_t offset,
                                         kernel_total& total) {
#ifdef EMERGENT_X86_DISPATCH
    if constexpr (W == 4 && std::is_same_v<plain<P>, double> && sizeof(O) == 1) {
      for (const auto [begin, end] : blocks(n, kernel_block_elements)) {
        const std::size_t vector_end = begin + (end - begin) / 16 * 16;
        const x86::block_result fast = x86::brier_binary_block(p + begin, o + begin, vector_end - begin);
        if (fast.ok) {
          total.add(fast.sum + brier_binary_scalar(p, o, vector_end, end, offset));
        } else {
          total.add(brier_binary_scalar(p, o, begin, end, offset));
        }
      }
      return;
    }
#endif
    brier_binary_body<W>(p, o, n, offset, total);
  }
};

template <class P, class O>
void brier_binary(const P* p, const O* o, std::size_t n, std::size_t offset, kernel_total& total) {
  dispatch<brier_binary_kernel>(p, o, n, offset, total);
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
  for (const auto [row_begin, row_end] : blocks(rows, rows_per_block)) {
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

/// `rows_kernel` policy of the K-specialised multi-class Brier (K a multiple of W): the one-hot
/// vector of a row is its label's row of the table (no gather, so an invalid label cannot read out
/// of bounds), row sums come from the kernel's transpose-and-add. The vector path accepts values in
/// [0, 1] exactly; a block with anything else (values within the tolerance, NaN, bad labels or sums)
/// is recomputed by `brier_rows_scalar`, which clamps and validates.
template <int W, std::size_t K, class P, class L>
struct brier_rows {
  using D = typename simd::v<W>::d;
  using table_element = double;
  static constexpr std::size_t classes = K;
  static constexpr bool sums_rows = true;
  static constexpr double table_one = 1.0;

  const P* p;
  const L* labels;
  std::size_t row_offset;
  D zero{}, one{}, sum_tol{};

  [[gnu::always_inline]] brier_rows(const P* p_, const L* labels_, std::size_t row_offset_)
      : p(p_), labels(labels_), row_offset(row_offset_) {
    simd::splat<W>(zero, 0.0);
    simd::splat<W>(one, 1.0);
    simd::splat<W>(sum_tol, probability_sum_tolerance);
  }
  template <class M>
  [[gnu::always_inline]] void element(const P* x, const double* onehot_row, bool even, D& rs, D& acc0, D& acc1,
                                      M& good) const {
    D xv{}, onehot{};
    simd::load<W>(xv, x);
    simd::load<W>(onehot, onehot_row);
    good &= (xv >= zero) & (xv <= one);
    rs += xv;
    xv -= onehot;
    if (even) {
      acc0 += xv * xv;
    } else {
      acc1 += xv * xv;
    }
  }
  template <class M>
  [[gnu::always_inline]] void group(D& sums, D& /*acc0*/, M& good) const {
    sums -= one;
    simd::abs<W>(sums);
    good &= sums <= sum_tol;
  }
  template <class M>
  [[gnu::always_inline]] double finish(std::size_t row_begin, std::size_t vector_end, std::size_t row_end, const D& acc,
                                       std::uint64_t bad_labels, const M& good) const {
    if (bad_labels != 0 || simd::any<W>(~good)) return brier_rows_scalar(p, labels, K, row_begin, row_end, row_offset);
    return simd::hsum<W>(acc) + brier_rows_scalar(p, labels, K, vector_end, row_end, row_offset);
  }
};

#ifdef EMERGENT_X86_DISPATCH
/// K = 4 over double rows: the x86 block kernel (prob_x86.hpp) for blocks whose labels are
/// all valid and whose values it accepts, `brier_rows_scalar` (exact, validating) for the others and
/// for the rows after the last multiple of 4.
template <class L>
[[gnu::target("avx2,fma")]] void brier4_avx2(const double* p, const L* labels, std::size_t rows, std::size_t row_offset,
                                             kernel_total& total) {
  constexpr std::size_t rows_per_block = kernel_block_elements / 4;
  for (const auto [row_begin, row_end] : blocks(rows, rows_per_block)) {
    const std::size_t vector_end = row_begin + (row_end - row_begin) / 4 * 4;
    x86::block_result fast;
    if (x86::labels_below_4(labels + row_begin, row_end - row_begin)) {
      fast = x86::brier4_block(p + row_begin * 4, labels + row_begin, vector_end - row_begin);
    }
    if (fast.ok) {
      total.add(fast.sum + brier_rows_scalar(p, labels, 4, vector_end, row_end, row_offset));
    } else {
      total.add(brier_rows_scalar(p, labels, 4, row_begin, row_end, row_offset));
    }
  }
}
#endif

/// Multi-class Brier kernel for rows that must sum to 1: K = 2 (W = 2 only), 4 and 8 by the
/// K-specialised row kernel (`rows_kernel` with `brier_rows`; K = 4 over doubles on AVX2 by the
/// x86 block kernel), any other K by the generic body.
struct brier_multi_kernel {
  template <int W, class P, class L>
  [[gnu::always_inline]] static void run(const P* p, const L* labels, std::size_t rows, std::size_t k,
                                         std::size_t row_offset, kernel_total& total) {
    switch (k) {
      case 2:
        if constexpr (W == 2) return rows_kernel<2>(brier_rows<2, 2, P, L>(p, labels, row_offset), p, labels, rows, 2, total);
        break;
      case 4:
#ifdef EMERGENT_X86_DISPATCH
        if constexpr (W == 4 && std::is_same_v<plain<P>, double>) return brier4_avx2(p, labels, rows, row_offset, total);
#endif
        return rows_kernel<W>(brier_rows<W, 4, P, L>(p, labels, row_offset), p, labels, rows, 4, total);
      case 8: return rows_kernel<W>(brier_rows<W, 8, P, L>(p, labels, row_offset), p, labels, rows, 8, total);
      default: break;
    }
    brier_multi_body<W>(p, labels, rows, k, row_offset, total);
  }
};

/// Renormalising variant: per row, Σ_k (p_k / S − [k = y])² (scalar; not the fast path).
template <class P, class L>
void brier_multi_renormalized(const P* p, const L* labels, std::size_t rows, std::size_t k, std::size_t row_offset,
                              kernel_total& total) {
  for (const auto [row_begin, row_end] : blocks(rows, 1024)) {
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
  dispatch<brier_multi_kernel>(p, labels, rows, k, row_offset, total);
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

}  // namespace emergent
