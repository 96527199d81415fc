/// @file
/// @brief Internal: x86 block kernels written with intrinsics (AVX2 + FMA; AVX-512F for the
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
#include "emergent/metrics/probability.hpp"

#ifdef EMERGENT_X86_DISPATCH
#include <immintrin.h>

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

/// Sum of the four lanes.
[[gnu::target("avx2,fma")]] inline double hsum(__m256d x) noexcept {
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

/// Largest / smallest lane.
[[gnu::target("avx2,fma")]] inline double hmax(__m256d x) noexcept {
  const __m128d s = _mm_max_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
  return _mm_cvtsd_f64(_mm_max_sd(s, _mm_unpackhi_pd(s, s)));
}
[[gnu::target("avx2,fma")]] inline double hmin(__m256d x) noexcept {
  const __m128d s = _mm_min_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
  return _mm_cvtsd_f64(_mm_min_sd(s, _mm_unpackhi_pd(s, s)));
}

/// Σ (p_i − o_i)² over n probabilities (double) and one-byte 0/1 outcomes, n a multiple of 16.
/// Accepted: p in [0, 1] exactly (a running min and max), outcomes 0 or 1 (the OR of all outcome
/// bytes has no bit but the lowest), and a finite sum (a NaN anywhere reaches the sum).
template <class O>
[[gnu::target("avx2,fma")]] inline block_result brier_binary_block(const double* p, const O* o, std::size_t n) noexcept {
  static_assert(sizeof(O) == 1);
  __m256d acc0 = _mm256_setzero_pd(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  __m256d lo = acc0, hi = acc0;
  __m128i outcome_bits = _mm_setzero_si128();
  const auto* const bytes = reinterpret_cast<const unsigned char*>(o);
  for (std::size_t i = 0; i < n; i += 16) {
    outcome_bits = _mm_or_si128(outcome_bits, _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i)));
    const __m256d x0 = _mm256_loadu_pd(p + i);
    const __m256d x1 = _mm256_loadu_pd(p + i + 4);
    const __m256d x2 = _mm256_loadu_pd(p + i + 8);
    const __m256d x3 = _mm256_loadu_pd(p + i + 12);
    const __m256d y0 = _mm256_cvtepi32_pd(_mm_cvtepu8_epi32(_mm_loadu_si32(bytes + i)));
    const __m256d y1 = _mm256_cvtepi32_pd(_mm_cvtepu8_epi32(_mm_loadu_si32(bytes + i + 4)));
    const __m256d y2 = _mm256_cvtepi32_pd(_mm_cvtepu8_epi32(_mm_loadu_si32(bytes + i + 8)));
    const __m256d y3 = _mm256_cvtepi32_pd(_mm_cvtepu8_epi32(_mm_loadu_si32(bytes + i + 12)));
    lo = _mm256_min_pd(lo, _mm256_min_pd(x0, x1));
    hi = _mm256_max_pd(hi, _mm256_max_pd(x0, x1));
    lo = _mm256_min_pd(lo, _mm256_min_pd(x2, x3));
    hi = _mm256_max_pd(hi, _mm256_max_pd(x2, x3));
    const __m256d d0 = _mm256_sub_pd(x0, y0);
    const __m256d d1 = _mm256_sub_pd(x1, y1);
    const __m256d d2 = _mm256_sub_pd(x2, y2);
    const __m256d d3 = _mm256_sub_pd(x3, y3);
    acc0 = _mm256_fmadd_pd(d0, d0, acc0);
    acc1 = _mm256_fmadd_pd(d1, d1, acc1);
    acc2 = _mm256_fmadd_pd(d2, d2, acc2);
    acc3 = _mm256_fmadd_pd(d3, d3, acc3);
  }
  const bool outcomes_ok = _mm_testz_si128(outcome_bits, _mm_set1_epi8(static_cast<char>(0xfe))) != 0;
  const double sum = hsum(_mm256_add_pd(_mm256_add_pd(acc0, acc1), _mm256_add_pd(acc2, acc3)));
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
  __m256d acc0 = _mm256_setzero_pd(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  __m256d lo = acc0, hi = acc0, deviation = acc0;
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffff));
  for (std::size_t r = 0; r < rows; r += 4) {
    const double* const x = p + r * 4;
    const __m256d x0 = _mm256_loadu_pd(x);
    const __m256d x1 = _mm256_loadu_pd(x + 4);
    const __m256d x2 = _mm256_loadu_pd(x + 8);
    const __m256d x3 = _mm256_loadu_pd(x + 12);
    const auto y0 = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(labels[r]) & 3u);
    const auto y1 = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(labels[r + 1]) & 3u);
    const auto y2 = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(labels[r + 2]) & 3u);
    const auto y3 = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(labels[r + 3]) & 3u);
    const __m256d d0 = _mm256_sub_pd(x0, _mm256_loadu_pd(onehot - y0));
    const __m256d d1 = _mm256_sub_pd(x1, _mm256_loadu_pd(onehot - y1));
    const __m256d d2 = _mm256_sub_pd(x2, _mm256_loadu_pd(onehot - y2));
    const __m256d d3 = _mm256_sub_pd(x3, _mm256_loadu_pd(onehot - y3));
    acc0 = _mm256_fmadd_pd(d0, d0, acc0);
    acc1 = _mm256_fmadd_pd(d1, d1, acc1);
    acc2 = _mm256_fmadd_pd(d2, d2, acc2);
    acc3 = _mm256_fmadd_pd(d3, d3, acc3);
    lo = _mm256_min_pd(lo, _mm256_min_pd(_mm256_min_pd(x0, x1), _mm256_min_pd(x2, x3)));
    hi = _mm256_max_pd(hi, _mm256_max_pd(_mm256_max_pd(x0, x1), _mm256_max_pd(x2, x3)));
    // [x0_0 + x0_1, x1_0 + x1_1, x0_2 + x0_3, x1_2 + x1_3] and the same for rows 2, 3
    const __m256d h01 = _mm256_hadd_pd(x0, x1);
    const __m256d h23 = _mm256_hadd_pd(x2, x3);
    const __m256d sums = _mm256_add_pd(_mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
    deviation = _mm256_max_pd(deviation, _mm256_and_pd(_mm256_sub_pd(sums, one), abs_mask));
  }
  const double sum = hsum(_mm256_add_pd(_mm256_add_pd(acc0, acc1), _mm256_add_pd(acc2, acc3)));
  return {sum, hmin(lo) >= 0.0 && hmax(hi) <= 1.0 &&
                   hmax(deviation) <= (1.0 - 0x1p-20) * probability_sum_tolerance && std::isfinite(sum)};
}

/// exp(min(max(x, −87), 0)) for 8 floats: `simd::exp_float` (Cody-Waite reduction, degree-7 Taylor
/// polynomial, relative error <= 2^-22; see there for the analysis) with intrinsics. The clamps keep
/// NaN (the input is the second operand of min/max), so a NaN reaches the row sum and fails it.
[[gnu::always_inline, gnu::target("avx2,fma")]] inline __m256 exp_float(__m256 x) noexcept {
  x = _mm256_max_ps(_mm256_set1_ps(simd::exp_float_floor), x);
  x = _mm256_min_ps(_mm256_setzero_ps(), x);
  // 1.5 * 2^23 + 127: adding it rounds x log2(e) to an integer k and leaves k + 127 in the low bits
  const __m256 shift = _mm256_set1_ps(12583039.0f);
  const __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), shift);
  const __m256 kd = _mm256_sub_ps(t, shift);  // k + 127 - 127 = k exactly
  __m256 r = _mm256_fnmadd_ps(kd, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(kd, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 q = _mm256_set1_ps(1.0f / 5040.0f);
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f / 720.0f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f / 120.0f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f / 24.0f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f / 6.0f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.5f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f));
  const __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(t), 23));  // 2^k
  return _mm256_mul_ps(q, scale);
}

/// Σ_rows lp[y] over `rows` rows of 4 log-probabilities (rows a multiple of 8), labels already known to
/// lie in [0, 4). Accepted: every lp <= 0 exactly (larger values within the tolerance need clamping),
/// every row passing the single-precision normalisation check |s − 1| <= `float_row_sum_accept` of
/// `row_sums_4_accepted` (the same conversions, exp and summation order ((e0 + e1) + (e2 + e3)), so
/// the proof there applies: an accepted row passes the exact check), and a finite sum (a -inf at a
/// label goes to the exact path, which applies the options).
/// exp_float of two consecutive rows of 4 log-probabilities (8 floats, row 0 in the low half), and
/// their largest element folded into `hi`.
[[gnu::always_inline, gnu::target("avx2,fma")]] inline __m256 exp_two_rows(const double* x, __m256d& hi) noexcept {
  const __m256d a = _mm256_loadu_pd(x);
  const __m256d b = _mm256_loadu_pd(x + 4);
  hi = _mm256_max_pd(hi, _mm256_max_pd(a, b));
  return exp_float(_mm256_set_m128(_mm256_cvtpd_ps(b), _mm256_cvtpd_ps(a)));
}

/// The label's entries of four consecutive rows of 4 doubles, [x0[y0], x1[y1], x2[y2], x3[y3]].
template <class L>
[[gnu::always_inline, gnu::target("avx2,fma")]] inline __m256d gather_labels_4(const double* x, const L* labels) noexcept {
  const auto at = [&](std::size_t q) { return x + 4 * q + (static_cast<std::size_t>(labels[q]) & 3u); };
  const __m128d lo = _mm_loadh_pd(_mm_load_sd(at(0)), at(1));
  const __m128d hi = _mm_loadh_pd(_mm_load_sd(at(2)), at(3));
  return _mm256_insertf128_pd(_mm256_castpd128_pd256(lo), hi, 1);
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
  __m256d hi = _mm256_set1_pd(-std::numeric_limits<double>::infinity());
  __m256d targets = _mm256_setzero_pd();
  __m256i ok = _mm256_set1_epi32(-1);
  for (std::size_t r = 0; r < rows; r += 8) {
    const double* const x = lp + r * 4;
    const __m256 e01 = exp_two_rows(x, hi);
    const __m256 e23 = exp_two_rows(x + 8, hi);
    const __m256 e45 = exp_two_rows(x + 16, hi);
    const __m256 e67 = exp_two_rows(x + 24, hi);
    // per 128-bit half: pairs, then ((e0 + e1) + (e2 + e3)) of rows 0, 2, 4, 6 (low) and 1, 3, 5, 7 (high)
    const __m256 sums = _mm256_hadd_ps(_mm256_hadd_ps(e01, e23), _mm256_hadd_ps(e45, e67));
    const __m256 deviation =
        _mm256_and_ps(_mm256_sub_ps(sums, _mm256_set1_ps(1.0f)), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
    ok = _mm256_and_si256(ok, _mm256_castps_si256(_mm256_cmp_ps(deviation, _mm256_set1_ps(accept), _CMP_LE_OQ)));
    targets = _mm256_add_pd(targets, _mm256_add_pd(gather_labels_4(x, labels + r), gather_labels_4(x + 16, labels + r + 4)));
  }
  const double sum = hsum(targets);
  const bool rows_ok = _mm256_movemask_ps(_mm256_castsi256_ps(ok)) == 0xff;
  return {sum, rows_ok && hmax(hi) <= 0.0 && std::isfinite(sum)};
}

// GCC 12's AVX-512 intrinsics start from `_mm512_undefined_*()` (a self-initialised variable), which
// -Wmaybe-uninitialized reports once they are inlined here (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

/// `exp_float` on 16 floats with AVX-512F: the same clamp, reduction (same k, same r) and polynomial,
/// the power of two applied by `vscalefps` (exact for the normal results this range gives).
[[gnu::always_inline, gnu::target("avx512f,avx2,fma")]] inline __m512 exp_float16(__m512 x) noexcept {
  x = _mm512_max_ps(_mm512_set1_ps(simd::exp_float_floor), x);
  const __m512 shift = _mm512_set1_ps(12582912.0f);  // 1.5 * 2^23
  const __m512 kd = _mm512_sub_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), shift), shift);
  __m512 r = _mm512_fnmadd_ps(kd, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(kd, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 q = _mm512_set1_ps(1.0f / 5040.0f);
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 720.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 120.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 24.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 6.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.5f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(q, kd);
}

/// exp_float16 of four consecutive rows of 4 log-probabilities (row i in 128-bit lane i), their largest
/// element folded into `hi`.
[[gnu::always_inline, gnu::target("avx512f,avx2,fma")]] inline __m512 exp_four_rows(const double* x, __m512d& hi) noexcept {
  const __m512d a = _mm512_loadu_pd(x);
  const __m512d b = _mm512_loadu_pd(x + 8);
  hi = _mm512_max_pd(hi, _mm512_max_pd(a, b));
  const __m512d both = _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(_mm512_cvtpd_ps(a))),
                                          _mm256_castps_pd(_mm512_cvtpd_ps(b)), 1);
  return exp_float16(_mm512_castpd_ps(both));
}

/// `cross_entropy4_block` with AVX-512F, 16 rows per step (rows a multiple of 16): the same accepted
/// inputs, the same single-precision values and the same row-sum order ((e0 + e1) + (e2 + e3)), in
/// 16 lanes. Row sums: a shuffle-and-add of 128-bit lanes pairs each row's (e0 + e1) and (e2 + e3),
/// a second one adds them, giving the 16 row sums in one vector.
template <class L>
[[gnu::target("avx512f,avx2,fma")]] inline block_result cross_entropy4_block_avx512(const double* lp, const L* labels,
                                                                                     std::size_t rows,
                                                                                     float accept) noexcept {
  __m512d hi = _mm512_set1_pd(-std::numeric_limits<double>::infinity());
  __m256d targets = _mm256_setzero_pd();
  __mmask16 ok = 0xffff;
  for (std::size_t r = 0; r < rows; r += 16) {
    const double* const x = lp + r * 4;
    const __m512 e0 = exp_four_rows(x, hi);        // rows 0-3
    const __m512 e1 = exp_four_rows(x + 16, hi);   // rows 4-7
    const __m512 e2 = exp_four_rows(x + 32, hi);   // rows 8-11
    const __m512 e3 = exp_four_rows(x + 48, hi);   // rows 12-15
    // lane i: [row i: e0 + e1, e2 + e3, row 4+i: e0 + e1, e2 + e3] (and rows 8+i, 12+i)
    const __m512 p01 = _mm512_add_ps(_mm512_shuffle_ps(e0, e1, 0x88), _mm512_shuffle_ps(e0, e1, 0xdd));
    const __m512 p23 = _mm512_add_ps(_mm512_shuffle_ps(e2, e3, 0x88), _mm512_shuffle_ps(e2, e3, 0xdd));
    // lane i: the sums of rows i, 4+i, 8+i, 12+i, each (e0 + e1) + (e2 + e3)
    const __m512 sums = _mm512_add_ps(_mm512_shuffle_ps(p01, p23, 0x88), _mm512_shuffle_ps(p01, p23, 0xdd));
    const __m512 deviation = _mm512_abs_ps(_mm512_sub_ps(sums, _mm512_set1_ps(1.0f)));
    ok = static_cast<__mmask16>(ok & _mm512_cmp_ps_mask(deviation, _mm512_set1_ps(accept), _CMP_LE_OQ));
    targets = _mm256_add_pd(targets, _mm256_add_pd(gather_labels_4(x, labels + r), gather_labels_4(x + 16, labels + r + 4)));
    targets = _mm256_add_pd(targets,
                            _mm256_add_pd(gather_labels_4(x + 32, labels + r + 8), gather_labels_4(x + 48, labels + r + 12)));
  }
  const double sum = hsum(targets);
  return {sum, ok == 0xffff && _mm512_reduce_max_pd(hi) <= 0.0 && std::isfinite(sum)};
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace emergent::detail::prob::x86

#endif
