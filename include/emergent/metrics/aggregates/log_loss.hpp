/// @file
/// @brief Mean log-loss over many examples stored contiguously: binary from probabilities, and
///        multi-class cross-entropy from n x K row-major log-probabilities and labels.
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
#include "emergent/metrics/cross_entropy.hpp"
#include "emergent/metrics/detail/aggregate_kernel.hpp"

namespace emergent {

namespace detail::prob {

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
  for (const auto [begin, end] : blocks(n, kernel_block_elements)) {
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

/// Binary log-loss kernel: the product-of-mantissas body, with or without clipping.
struct log_loss_binary_kernel {
  template <int W, class P, class O>
  [[gnu::always_inline]] static void run(const P* p, const O* o, std::size_t n, std::size_t offset,
                                         const log_loss_options& options, kernel_total& total) {
    if (options.clamp_epsilon > 0.0) return log_loss_binary_body<W, true>(p, o, n, offset, options, total);
    log_loss_binary_body<W, false>(p, o, n, offset, options, total);
  }
};

template <class P, class O>
void log_loss_binary(const P* p, const O* o, std::size_t n, std::size_t offset, const log_loss_options& options,
                     kernel_total& total) {
  dispatch<log_loss_binary_kernel>(p, o, n, offset, options, total);
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
  for (const auto [row_begin, row_end] : blocks(rows, rows_per_block)) {
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

/// `rows_kernel` policy of the K-specialised cross-entropy from log-probabilities (K a multiple of
/// W): the label's log-probability is selected by its row of the lane-mask table, the normalisation
/// check sums exp() (`exp_check`, relative error < 1.3e-7) over each row via the kernel's
/// transpose-and-add, against 0.8 x `probability_sum_tolerance` so that the approximation can only
/// raise false alarms, which the exact rescan then clears. For K = 4 the check is
/// `row_sums_4_accepted` (single precision, twice the lanes, proven acceptance bound) run over the
/// block after the gather pass.
template <int W, std::size_t K, class P, class L>
struct cross_entropy_rows {
  using D = typename simd::v<W>::d;
  using I = typename simd::v<W>::i;
  using table_element = std::int64_t;  // per label, an all-ones mask on its lane
  static constexpr std::size_t classes = K;
  static constexpr bool sums_rows = K != 4;
  static constexpr std::int64_t table_one = -1;

  const P* lp;
  const L* labels;
  std::size_t row_offset;
  const log_loss_options& options;
  bool clip;
  bool forbid_infinite;
  D hi{}, zero{}, one{}, sum_tol{}, clip_lo{}, clip_hi{};

  [[gnu::always_inline]] cross_entropy_rows(const P* lp_, const L* labels_, std::size_t row_offset_,
                                            const log_loss_options& options_)
      : lp(lp_),
        labels(labels_),
        row_offset(row_offset_),
        options(options_),
        clip(options_.clamp_epsilon > 0.0),
        forbid_infinite(!options_.allow_infinite && !clip) {
    simd::splat<W>(hi, probability_tolerance);
    simd::splat<W>(zero, 0.0);
    simd::splat<W>(one, 1.0);
    simd::splat<W>(sum_tol, 0.8 * probability_sum_tolerance);
    simd::splat<W>(clip_lo, clip ? std::log(options.clamp_epsilon) : 0.0);
    simd::splat<W>(clip_hi, clip ? std::log1p(-options.clamp_epsilon) : 0.0);
  }
  template <class M>
  [[gnu::always_inline]] void element(const P* x, const std::int64_t* mask_row, bool even, D& rs, D& acc0, D& acc1,
                                      M& good) const {
    D xv{}, target{};
    simd::load<W>(xv, x);
    good &= xv <= hi;
    simd::clamp_above<W>(xv, zero);
    if constexpr (K == 4) {  // K = 4: the single-precision check in `finish`
      (void)rs;
    } else {
      D e = xv;
      simd::exp_check<W>(e);
      rs += e;
    }
    if (clip) {
      simd::clamp_below<W>(xv, clip_lo);
      simd::clamp_above<W>(xv, clip_hi);
    }
    I mask{}, bits{};
    std::memcpy(&mask, mask_row, sizeof mask);
    std::memcpy(&bits, &xv, sizeof bits);
    bits &= mask;
    std::memcpy(&target, &bits, sizeof target);
    if (even) {
      acc0 += target;
    } else {
      acc1 += target;
    }
  }
  template <class M>
  [[gnu::always_inline]] void group(D& sums, D& /*acc0*/, M& good) const {
    if constexpr (K != 4) {
      sums -= one;
      simd::abs<W>(sums);
      good &= sums <= sum_tol;
    } else {
      (void)sums;
      (void)good;
    }
  }
  template <class M>
  [[gnu::always_inline]] double finish(std::size_t row_begin, std::size_t vector_end, std::size_t row_end, const D& acc,
                                       std::uint64_t bad_labels, const M& good) const {
    bool float_check_failed = false;
    if constexpr (K == 4) float_check_failed = !row_sums_4_accepted<W>(lp + row_begin * K, vector_end - row_begin);
    double tail = 0.0;
    bool bad = false;
    for (std::size_t r = vector_end; r < row_end; ++r) {
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
    const double block = simd::hsum<W>(acc) + tail;
    if (bad || float_check_failed || bad_labels != 0 || simd::any<W>(~good) || (forbid_infinite && std::isinf(block))) {
      locate_log_prob_rows(lp, labels, K, row_begin, row_end, row_offset, options);
    }
    return -block;
  }
};

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

#ifdef EMERGENT_X86_DISPATCH
/// K = 4 over double rows without clipping: the x86 block kernel (prob_x86.hpp; AVX-512F,
/// 16 rows per step, where the CPU has it, else AVX2, 8 rows) with the single-precision normalisation
/// check, `cross_entropy_rows_exact` for blocks it does not accept and for the rows after the last
/// multiple of the step.
template <class L>
[[gnu::target("avx2,fma")]] void cross_entropy4_avx2(const double* lp, const L* labels, std::size_t rows,
                                                     std::size_t row_offset, const log_loss_options& options,
                                                     kernel_total& total) {
  constexpr std::size_t rows_per_block = kernel_block_elements / 4;
  const bool avx512 = cpu::has_avx512f();
  const std::size_t step = avx512 ? 16 : 8;
  for (const auto [row_begin, row_end] : blocks(rows, rows_per_block)) {
    const std::size_t vector_end = row_begin + (row_end - row_begin) / step * step;
    x86::block_result fast;
    if (x86::labels_below_4(labels + row_begin, row_end - row_begin)) {
      fast = avx512 ? x86::cross_entropy4_block_avx512(lp + row_begin * 4, labels + row_begin, vector_end - row_begin,
                                                        float_row_sum_accept)
                     : x86::cross_entropy4_block(lp + row_begin * 4, labels + row_begin, vector_end - row_begin,
                                                 float_row_sum_accept);
    }
    if (fast.ok) {
      total.add(-(fast.sum + cross_entropy_rows_exact(lp, labels, 4, vector_end, row_end, row_offset, options)));
    } else {
      total.add(-cross_entropy_rows_exact(lp, labels, 4, row_begin, row_end, row_offset, options));
    }
  }
}

#endif

/// Multi-class cross-entropy kernel for normalised rows: K = 2 (W = 2 only), 4 and 8 by the
/// K-specialised row kernel (`rows_kernel` with `cross_entropy_rows`; K = 4 over doubles without
/// clipping on AVX2 by the x86 block kernel), any other K by the generic body.
struct cross_entropy_multi_kernel {
  template <int W, class P, class L>
  [[gnu::always_inline]] static void run(const P* lp, const L* labels, std::size_t rows, std::size_t k,
                                         std::size_t row_offset, const log_loss_options& options, double* buffer,
                                         kernel_total& total) {
    switch (k) {
      case 2:
        if constexpr (W == 2) {
          return rows_kernel<2>(cross_entropy_rows<2, 2, P, L>(lp, labels, row_offset, options), lp, labels, rows, 2,
                                total);
        }
        break;
      case 4:
#ifdef EMERGENT_X86_DISPATCH
        if constexpr (W == 4 && std::is_same_v<plain<P>, double>) {
          if (options.clamp_epsilon == 0.0) return cross_entropy4_avx2(lp, labels, rows, row_offset, options, total);
        }
#endif
        return rows_kernel<W>(cross_entropy_rows<W, 4, P, L>(lp, labels, row_offset, options), lp, labels, rows, 4, total);
      case 8:
        return rows_kernel<W>(cross_entropy_rows<W, 8, P, L>(lp, labels, row_offset, options), lp, labels, rows, 8, total);
      default: break;
    }
    cross_entropy_multi_body<W>(lp, labels, rows, k, row_offset, options, buffer, total);
  }
};

/// Renormalising variant: per row LSE(lp) − lp[y] with the accurate scalar exp/log (not the fast path).
template <class P, class L>
void cross_entropy_multi_renormalized(const P* lp, const L* labels, std::size_t rows, std::size_t k,
                                      std::size_t row_offset, const log_loss_options& options, kernel_total& total) {
  std::vector<double> row(k);
  for (const auto [row_begin, row_end] : blocks(rows, 1024)) {
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
  dispatch<cross_entropy_multi_kernel>(lp, labels, rows, k, row_offset, options, buffer.data(), total);
}

}  // namespace detail::prob

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

}  // namespace emergent
