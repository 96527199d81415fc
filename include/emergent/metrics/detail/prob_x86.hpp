/// @file
/// @brief Internal: x86 block kernels (AVX2 + FMA; AVX-512F for the
///        exp-heavy one) for the three aggregate workloads whose generic vector-extension code left a
///        quarter to two thirds of the memory bandwidth unused: the binary Brier score over double
///        probabilities and one-byte outcomes, and the 4-class Brier score and cross-entropy from
///        log-probabilities over double rows (any integer label type).
///
/// Each function processes one block whose length is a multiple of its step, in one pass, and
/// returns the block's sum together with a verdict: `ok == false` means the block holds something the
/// fast path does not accept (an invalid value, a value inside a tolerance band that needs clamping,
/// a row sum near the tolerance, a -inf at a label), and the caller recomputes the block with the
/// exact scalar code, which validates and throws `input_error` naming the first bad index. The fast
/// paths accept strictly less than the exact ones, so the accepted inputs and the results do not
/// depend on which path ran (to rounding). Invalid labels are found by a pre-pass
/// (`labels_below_4`) before the loop; inside the loop every label is additionally masked with `& 3`
/// so that no input can make a load leave its row.
///
/// Written with GCC/Clang vector types and the builtins of `detail/x86_ops.hpp`, not `<immintrin.h>`
/// (which costs g++-12 about 0.6 s per translation unit); each operation is the instruction the
/// intrinsic of the same name gives (x86 min/max NaN rules, single-rounding fma), so the sums are the
/// same bit for bit.
///
/// Only compiled on x86-64 with GCC or Clang; the functions carry `target("avx2,fma")` (or
/// `"avx512f,avx2,fma"`) and are only called after the run-time checks `cpu::has_avx2_fma()` /
/// `cpu::has_avx512f()` (core/detail/cpu_features.hpp), so no `-march` flag is needed.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "emergent/metrics/detail/prob_simd.hpp"
#include "emergent/metrics/detail/x86_ops.hpp"
#include "emergent/metrics/probability.hpp"

#ifdef EMERGENT_X86_DISPATCH

namespace emergent::detail::prob::x86 {

/// A block's sum and whether the fast path accepted every element of it.
struct block_result {
  double sum = 0.0;  ///< the block's contribution when `ok`
  bool ok = false;   ///< false: recompute the block with the exact scalar path
};

/// True when every label of `rows` labels is 0, 1, 2 or 3: the OR of all labels (as unsigned 64-bit
/// values, so negative labels set the high bits) stays below 4 exactly when each one does.
template <class L>
[[nodiscard]] inline bool labels_below_4(const L* labels, std::size_t rows) noexcept {
  std::uint64_t bits = 0;
  std::size_t r = 0;
  if constexpr (sizeof(L) == 1) {  // eight labels per 64-bit word: every byte must be below 4
    for (; r + 8 <= rows; r += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, labels + r, 8);
      bits |= word & 0xfcfcfcfcfcfcfcfcULL;
    }
  }
  for (; r < rows; ++r) {
    bits |= static_cast<std::uint64_t>(static_cast<std::int64_t>(labels[r])) & ~std::uint64_t{3};
  }
  return bits == 0;
}

using detail::x86::v16f;
using detail::x86::v2l;
using detail::x86::v4d;
using detail::x86::v4l;
using detail::x86::v8d;
using detail::x86::v8f;
using detail::x86::v8i;
namespace ops = detail::x86;

/// x86 scalar maximum / minimum (`maxsd` / `minsd`): the second operand when either is NaN.
[[nodiscard]] constexpr double max_sd(double a, double b) noexcept { return a > b ? a : b; }
[[nodiscard]] constexpr double min_sd(double a, double b) noexcept { return a < b ? a : b; }

/// Low and high 128-bit halves of 4 doubles.
[[gnu::always_inline, gnu::target("avx2,fma")]] inline ops::v2d low(v4d x) noexcept { return __builtin_shufflevector(x, x, 0, 1); }
[[gnu::always_inline, gnu::target("avx2,fma")]] inline ops::v2d high(v4d x) noexcept { return __builtin_shufflevector(x, x, 2, 3); }

/// Sum of the four lanes, (x0 + x2) + (x1 + x3).
[[gnu::target("avx2,fma")]] inline double hsum(v4d x) noexcept {
  const ops::v2d s = low(x) + high(x);
  return s[0] + s[1];
}

/// Largest / smallest lane, in the same pairing as `hsum` (x86 semantics at each step).
[[gnu::target("avx2,fma")]] inline double hmax(v4d x) noexcept {
  const ops::v2d s = ops::max(low(x), high(x));
  return max_sd(s[0], s[1]);
}
[[gnu::target("avx2,fma")]] inline double hmin(v4d x) noexcept {
  const ops::v2d s = ops::min(low(x), high(x));
  return min_sd(s[0], s[1]);
}

/// Σ (p_i − o_i)² over n probabilities (double) and one-byte 0/1 outcomes, n a multiple of 16.
/// Accepted: p in [0, 1] exactly (a running min and max), outcomes 0 or 1 (the OR of all outcome
/// bytes has no bit but the lowest), and a finite sum (a NaN anywhere reaches the sum).
template <class O>
[[gnu::target("avx2,fma")]] inline block_result brier_binary_block(const double* p, const O* o, std::size_t n) noexcept {
  static_assert(sizeof(O) == 1);
  typedef unsigned char bytes16 __attribute__((vector_size(16)));
  v4d acc0 = {}, acc1 = acc0, acc2 = acc0, acc3 = acc0;
  v4d lo = acc0, hi = acc0;
  bytes16 outcome_bits = {};
  const auto* const bytes = reinterpret_cast<const unsigned char*>(o);
  for (std::size_t i = 0; i < n; i += 16) {
    outcome_bits |= ops::load<bytes16>(bytes + i);
    const v4d x0 = ops::load4d(p + i);
    const v4d x1 = ops::load4d(p + i + 4);
    const v4d x2 = ops::load4d(p + i + 8);
    const v4d x3 = ops::load4d(p + i + 12);
    const v4d y0 = ops::widen_bytes(bytes + i);
    const v4d y1 = ops::widen_bytes(bytes + i + 4);
    const v4d y2 = ops::widen_bytes(bytes + i + 8);
    const v4d y3 = ops::widen_bytes(bytes + i + 12);
    lo = ops::min(lo, ops::min(x0, x1));
    hi = ops::max(hi, ops::max(x0, x1));
    lo = ops::min(lo, ops::min(x2, x3));
    hi = ops::max(hi, ops::max(x2, x3));
    const v4d d0 = x0 - y0;
    const v4d d1 = x1 - y1;
    const v4d d2 = x2 - y2;
    const v4d d3 = x3 - y3;
    acc0 = ops::fmadd(d0, d0, acc0);
    acc1 = ops::fmadd(d1, d1, acc1);
    acc2 = ops::fmadd(d2, d2, acc2);
    acc3 = ops::fmadd(d3, d3, acc3);
  }
  const bytes16 high_bits = {0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe};
  const bool outcomes_ok = ops::testz(__builtin_bit_cast(v2l, outcome_bits), __builtin_bit_cast(v2l, high_bits));
  const double sum = hsum((acc0 + acc1) + (acc2 + acc3));
  return {sum, outcomes_ok && hmin(lo) >= 0.0 && hmax(hi) <= 1.0 && std::isfinite(sum)};
}

/// Σ_rows Σ_k (p_k − [k = y])² over `rows` rows of 4 doubles (rows a multiple of 4), labels already
/// known to lie in [0, 4) (`labels_below_4`). The one-hot vector of label y is the 4-double window
/// starting at element 3 − y of {0, 0, 0, 1, 0, 0, 0}; row sums come from two horizontal adds and a
/// lane exchange per 4 rows. Accepted: every p in [0, 1] exactly, every |row sum − 1| at most
/// (1 − 2^-20) `probability_sum_tolerance` (tighter than the exact path, so that no summation order
/// accepts a row the exact check rejects), and a finite sum.
template <class L>
[[gnu::target("avx2,fma")]] inline block_result brier4_block(const double* p, const L* labels, std::size_t rows) noexcept {
  alignas(64) static constexpr double window[7] = {0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0};
  const double* const onehot = window + 3;
  v4d acc0 = {}, acc1 = acc0, acc2 = acc0, acc3 = acc0;
  v4d lo = acc0, hi = acc0, deviation = acc0;
  const v4d one = {1.0, 1.0, 1.0, 1.0};
  const v4l abs_mask = {0x7fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff};
  for (std::size_t r = 0; r < rows; r += 4) {
    const double* const x = p + r * 4;
    const v4d x0 = ops::load4d(x);
    const v4d x1 = ops::load4d(x + 4);
    const v4d x2 = ops::load4d(x + 8);
    const v4d x3 = ops::load4d(x + 12);
    const auto y0 = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(labels[r]) & 3u);
    const auto y1 = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(labels[r + 1]) & 3u);
    const auto y2 = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(labels[r + 2]) & 3u);
    const auto y3 = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(labels[r + 3]) & 3u);
    const v4d d0 = x0 - ops::load4d(onehot - y0);
    const v4d d1 = x1 - ops::load4d(onehot - y1);
    const v4d d2 = x2 - ops::load4d(onehot - y2);
    const v4d d3 = x3 - ops::load4d(onehot - y3);
    acc0 = ops::fmadd(d0, d0, acc0);
    acc1 = ops::fmadd(d1, d1, acc1);
    acc2 = ops::fmadd(d2, d2, acc2);
    acc3 = ops::fmadd(d3, d3, acc3);
    lo = ops::min(lo, ops::min(ops::min(x0, x1), ops::min(x2, x3)));
    hi = ops::max(hi, ops::max(ops::max(x0, x1), ops::max(x2, x3)));
    // [x0_0 + x0_1, x1_0 + x1_1, x0_2 + x0_3, x1_2 + x1_3] and the same for rows 2, 3
    const v4d h01 = ops::hadd(x0, x1);
    const v4d h23 = ops::hadd(x2, x3);
    const v4d sums = __builtin_shufflevector(h01, h23, 0, 1, 4, 5) + __builtin_shufflevector(h01, h23, 2, 3, 6, 7);
    deviation = ops::max(deviation, __builtin_bit_cast(v4d, __builtin_bit_cast(v4l, sums - one) & abs_mask));
  }
  const double sum = hsum((acc0 + acc1) + (acc2 + acc3));
  return {sum, hmin(lo) >= 0.0 && hmax(hi) <= 1.0 &&
                   hmax(deviation) <= (1.0 - 0x1p-20) * probability_sum_tolerance && std::isfinite(sum)};
}

/// exp(min(max(x, −87), 0)) for 8 floats: `simd::exp_float` (Cody-Waite reduction, degree-7 Taylor
/// polynomial, relative error <= 2^-22; see there for the analysis) in AVX2 + FMA. The clamps keep
/// NaN (the input is the second operand of min/max), so a NaN reaches the row sum and fails it.
[[gnu::always_inline, gnu::target("avx2,fma")]] inline v8f exp_float(v8f x) noexcept {
  x = ops::max(ops::splat256<v8f>(simd::exp_float_floor), x);
  x = ops::min(v8f{}, x);
  // 1.5 * 2^23 + 127: adding it rounds x log2(e) to an integer k and leaves k + 127 in the low bits
  const v8f shift = ops::splat256<v8f>(12583039.0f);
  const v8f t = ops::fmadd(x, ops::splat256<v8f>(1.44269504088896341f), shift);
  const v8f kd = t - shift;  // k + 127 - 127 = k exactly
  v8f r = ops::fnmadd(kd, ops::splat256<v8f>(0.693359375f), x);
  r = ops::fnmadd(kd, ops::splat256<v8f>(-2.12194440e-4f), r);
  v8f q = ops::splat256<v8f>(1.0f / 5040.0f);
  q = ops::fmadd(q, r, ops::splat256<v8f>(1.0f / 720.0f));
  q = ops::fmadd(q, r, ops::splat256<v8f>(1.0f / 120.0f));
  q = ops::fmadd(q, r, ops::splat256<v8f>(1.0f / 24.0f));
  q = ops::fmadd(q, r, ops::splat256<v8f>(1.0f / 6.0f));
  q = ops::fmadd(q, r, ops::splat256<v8f>(0.5f));
  q = ops::fmadd(q, r, ops::splat256<v8f>(1.0f));
  q = ops::fmadd(q, r, ops::splat256<v8f>(1.0f));
  const v8f scale = __builtin_bit_cast(v8f, __builtin_bit_cast(v8i, t) << 23);  // 2^k
  return q * scale;
}

/// exp_float of two consecutive rows of 4 log-probabilities (8 floats, row 0 in the low half), and
/// their largest element folded into `hi`.
[[gnu::always_inline, gnu::target("avx2,fma")]] inline v8f exp_two_rows(const double* x, v4d& hi) noexcept {
  const v4d a = ops::load4d(x);
  const v4d b = ops::load4d(x + 4);
  hi = ops::max(hi, ops::max(a, b));
  return exp_float(ops::concat(__builtin_convertvector(a, ops::v4f), __builtin_convertvector(b, ops::v4f)));
}

/// The label's entries of four consecutive rows of 4 doubles, [x0[y0], x1[y1], x2[y2], x3[y3]].
template <class L>
[[gnu::always_inline, gnu::target("avx2,fma")]] inline v4d gather_labels_4(const double* x, const L* labels) noexcept {
  const auto at = [&](std::size_t q) { return x[4 * q + (static_cast<std::size_t>(labels[q]) & 3u)]; };
  return v4d{at(0), at(1), at(2), at(3)};
}

/// Σ_rows lp[y] over `rows` rows of 4 log-probabilities (rows a multiple of 8), labels already known to
/// lie in [0, 4). Accepted: every lp <= 0 exactly (larger values within the tolerance need clamping),
/// every row passing the single-precision normalisation check |s − 1| <= `accept` (the caller passes
/// `float_row_sum_accept`) with the same conversions, exp and summation order ((e0 + e1) + (e2 + e3))
/// as `row_sums_4_accepted`, so the proof there applies: an accepted row passes the exact check; and a
/// finite sum (a -inf at a label goes to the exact path, which applies the options).
template <class L>
[[gnu::target("avx2,fma")]] inline block_result cross_entropy4_block(const double* lp, const L* labels, std::size_t rows,
                                                                     float accept) noexcept {
  constexpr double minus_inf = -std::numeric_limits<double>::infinity();
  v4d hi = {minus_inf, minus_inf, minus_inf, minus_inf};
  v4d targets = {};
  v8i ok = {-1, -1, -1, -1, -1, -1, -1, -1};
  const v8f one = {1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f};
  const v8f limit = {accept, accept, accept, accept, accept, accept, accept, accept};
  const v8i abs_mask = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff};
  for (std::size_t r = 0; r < rows; r += 8) {
    const double* const x = lp + r * 4;
    const v8f e01 = exp_two_rows(x, hi);
    const v8f e23 = exp_two_rows(x + 8, hi);
    const v8f e45 = exp_two_rows(x + 16, hi);
    const v8f e67 = exp_two_rows(x + 24, hi);
    // per 128-bit half: pairs, then ((e0 + e1) + (e2 + e3)) of rows 0, 2, 4, 6 (low) and 1, 3, 5, 7 (high)
    const v8f sums = ops::hadd(ops::hadd(e01, e23), ops::hadd(e45, e67));
    const v8f deviation = __builtin_bit_cast(v8f, __builtin_bit_cast(v8i, sums - one) & abs_mask);
    ok &= deviation <= limit;  // a NaN lane compares false
    targets += gather_labels_4(x, labels + r) + gather_labels_4(x + 16, labels + r + 4);
  }
  const double sum = hsum(targets);
  return {sum, ops::movemask(ok) == 0xff && hmax(hi) <= 0.0 && std::isfinite(sum)};
}

/// `exp_float` on 16 floats with AVX-512F: the same clamp, reduction (same k, same r) and polynomial,
/// the power of two applied by `vscalefps` (exact for the normal results this range gives).
[[gnu::always_inline, gnu::target("avx512f,avx2,fma")]] inline v16f exp_float16(v16f x) noexcept {
  x = ops::max(ops::splat512<v16f>(simd::exp_float_floor), x);
  const v16f shift = ops::splat512<v16f>(12582912.0f);  // 1.5 * 2^23
  const v16f kd = ops::fmadd(x, ops::splat512<v16f>(1.44269504088896341f), shift) - shift;
  v16f r = ops::fnmadd(kd, ops::splat512<v16f>(0.693359375f), x);
  r = ops::fnmadd(kd, ops::splat512<v16f>(-2.12194440e-4f), r);
  v16f q = ops::splat512<v16f>(1.0f / 5040.0f);
  q = ops::fmadd(q, r, ops::splat512<v16f>(1.0f / 720.0f));
  q = ops::fmadd(q, r, ops::splat512<v16f>(1.0f / 120.0f));
  q = ops::fmadd(q, r, ops::splat512<v16f>(1.0f / 24.0f));
  q = ops::fmadd(q, r, ops::splat512<v16f>(1.0f / 6.0f));
  q = ops::fmadd(q, r, ops::splat512<v16f>(0.5f));
  q = ops::fmadd(q, r, ops::splat512<v16f>(1.0f));
  q = ops::fmadd(q, r, ops::splat512<v16f>(1.0f));
  return ops::scalef(q, kd);
}

/// exp_float16 of four consecutive rows of 4 log-probabilities (row i in 128-bit lane i), their largest
/// element folded into `hi`.
[[gnu::always_inline, gnu::target("avx512f,avx2,fma")]] inline v16f exp_four_rows(const double* x, v8d& hi) noexcept {
  const v8d a = ops::load8d(x);
  const v8d b = ops::load8d(x + 8);
  hi = ops::max(hi, ops::max(a, b));
  return exp_float16(ops::concat(__builtin_convertvector(a, v8f), __builtin_convertvector(b, v8f)));
}

/// In each 128-bit lane, [a0, a2, b0, b2] (`vshufps` 0x88) and [a1, a3, b1, b3] (`vshufps` 0xdd).
[[gnu::always_inline, gnu::target("avx512f,avx2,fma")]] inline v16f even(v16f a, v16f b) noexcept {
  return __builtin_shufflevector(a, b, 0, 2, 16, 18, 4, 6, 20, 22, 8, 10, 24, 26, 12, 14, 28, 30);
}
[[gnu::always_inline, gnu::target("avx512f,avx2,fma")]] inline v16f odd(v16f a, v16f b) noexcept {
  return __builtin_shufflevector(a, b, 1, 3, 17, 19, 5, 7, 21, 23, 9, 11, 25, 27, 13, 15, 29, 31);
}

/// `cross_entropy4_block` with AVX-512F, 16 rows per step (rows a multiple of 16): the same accepted
/// inputs, the same single-precision values and the same row-sum order ((e0 + e1) + (e2 + e3)), in
/// 16 lanes. Row sums: a shuffle-and-add of 128-bit lanes pairs each row's (e0 + e1) and (e2 + e3),
/// a second one adds them, giving the 16 row sums in one vector.
template <class L>
[[gnu::target("avx512f,avx2,fma")]] inline block_result cross_entropy4_block_avx512(const double* lp, const L* labels,
                                                                                     std::size_t rows,
                                                                                     float accept) noexcept {
  constexpr double minus_inf = -std::numeric_limits<double>::infinity();
  v8d hi = {minus_inf, minus_inf, minus_inf, minus_inf, minus_inf, minus_inf, minus_inf, minus_inf};
  v4d targets = {};
  unsigned ok = 0xffff;
  const v16f one = ops::splat512<v16f>(1.0f);
  const v16f limit = ops::splat512<v16f>(accept);
  for (std::size_t r = 0; r < rows; r += 16) {
    const double* const x = lp + r * 4;
    const v16f e0 = exp_four_rows(x, hi);       // rows 0-3
    const v16f e1 = exp_four_rows(x + 16, hi);  // rows 4-7
    const v16f e2 = exp_four_rows(x + 32, hi);  // rows 8-11
    const v16f e3 = exp_four_rows(x + 48, hi);  // rows 12-15
    // lane i: [row i: e0 + e1, e2 + e3, row 4+i: e0 + e1, e2 + e3] (and rows 8+i, 12+i)
    const v16f p01 = even(e0, e1) + odd(e0, e1);
    const v16f p23 = even(e2, e3) + odd(e2, e3);
    // lane i: the sums of rows i, 4+i, 8+i, 12+i, each (e0 + e1) + (e2 + e3)
    const v16f sums = even(p01, p23) + odd(p01, p23);
    const v16f deviation = __builtin_bit_cast(v16f, __builtin_bit_cast(detail::x86::v16i, sums - one) & 0x7fffffff);
    ok &= ops::cmp_le_mask(deviation, limit);
    targets += gather_labels_4(x, labels + r) + gather_labels_4(x + 16, labels + r + 4);
    targets += gather_labels_4(x + 32, labels + r + 8) + gather_labels_4(x + 48, labels + r + 12);
  }
  const double sum = hsum(targets);
  // the largest lane, in the halving order of GCC's _mm512_reduce_max_pd
  double m[4];
  for (int i = 0; i < 4; ++i) m[i] = max_sd(hi[4 + i], hi[i]);
  const double top = max_sd(max_sd(m[2], m[0]), max_sd(m[3], m[1]));
  return {sum, ok == 0xffff && top <= 0.0 && std::isfinite(sum)};
}

}  // namespace emergent::detail::prob::x86

#endif
