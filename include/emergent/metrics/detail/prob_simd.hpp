/// @file
/// @brief Internal: portable SIMD building blocks for the probabilistic aggregate kernels, written
///        with the GCC/Clang vector extensions so that the same source compiles to SSE2 (the x86-64
///        baseline, 2 doubles per vector) and, inside functions marked target("avx2,fma") and chosen
///        at run time, to AVX2 (4 doubles per vector). Vectorised log (fdlibm's e_log.c reduction and
///        polynomial, <= 1 ulp) and exp (Cody-Waite reduction, degree-13 Taylor polynomial, ~1 ulp;
///        and a degree-7 variant accurate to ~1e-8 used only for validation).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "emergent/core/detail/cpu_features.hpp"


namespace emergent::detail::prob::simd {

/// Vector types for W doubles.
template <int W>
struct v;
template <>
struct v<2> {
  typedef double d __attribute__((vector_size(16)));
  typedef std::int64_t i __attribute__((vector_size(16)));
};
template <>
struct v<4> {
  typedef double d __attribute__((vector_size(32)));
  typedef std::int64_t i __attribute__((vector_size(32)));
};

#define EMERGENT_PROB_INLINE [[gnu::always_inline]] inline

// Every helper takes vectors by reference and writes results through a reference: a 32-byte vector
// passed or returned by value from a function compiled without AVX changes the ABI (GCC warns,
// Clang refuses), and these helpers are compiled for the default target and inlined into AVX2 code.

/// out = x in every lane.
template <int W>
EMERGENT_PROB_INLINE void splat(typename v<W>::d& out, double x) {
  if constexpr (W == 2) {
    out = typename v<W>::d{x, x};
  } else {
    out = typename v<W>::d{x, x, x, x};
  }
}

/// out = W consecutive values of any arithmetic type, as doubles.
template <int W, class T>
EMERGENT_PROB_INLINE void load(typename v<W>::d& out, const T* p) {
  if constexpr (std::is_same_v<T, double>) {
    std::memcpy(&out, p, sizeof out);
  } else if constexpr (std::is_same_v<T, bool>) {
    typedef unsigned char t __attribute__((vector_size(W)));
    t x;
    std::memcpy(&x, p, sizeof x);
    out = __builtin_convertvector(x, typename v<W>::d);
  } else if constexpr (std::is_arithmetic_v<T> && sizeof(T) <= 4) {
    typedef T t __attribute__((vector_size(sizeof(T) * W)));
    t x;
    std::memcpy(&x, p, sizeof x);
    out = __builtin_convertvector(x, typename v<W>::d);
  } else {
    out = typename v<W>::d{};
    for (int l = 0; l < W; ++l) out[l] = static_cast<double>(p[l]);
  }
}

/// out = m ? a : b lane-wise, m an all-ones / all-zeros lane mask (the result of a comparison).
template <int W, class M>
EMERGENT_PROB_INLINE void select(typename v<W>::d& out, const M& m, const typename v<W>::d& a,
                                 const typename v<W>::d& b) {
  static_assert(sizeof(M) == sizeof(typename v<W>::i));
  typename v<W>::i mi{}, ai{}, bi{};
  std::memcpy(&mi, &m, sizeof mi);
  std::memcpy(&ai, &a, sizeof ai);
  std::memcpy(&bi, &b, sizeof bi);
  ai = (ai & mi) | (bi & ~mi);
  std::memcpy(&out, &ai, sizeof out);
}

/// x = min(x, bound) / max(x, bound) lane-wise (inputs are validated separately; NaN-agnostic).
template <int W>
EMERGENT_PROB_INLINE void clamp_above(typename v<W>::d& x, const typename v<W>::d& bound) {
  select<W>(x, x > bound, bound, x);
}
template <int W>
EMERGENT_PROB_INLINE void clamp_below(typename v<W>::d& x, const typename v<W>::d& bound) {
  select<W>(x, x < bound, bound, x);
}

/// out = x in every 64-bit integer lane.
template <int W>
EMERGENT_PROB_INLINE void splat_int(typename v<W>::i& out, std::int64_t x) {
  if constexpr (W == 2) {
    out = typename v<W>::i{x, x};
  } else {
    out = typename v<W>::i{x, x, x, x};
  }
}

/// Loads W 0/1 outcomes of any integer type (or bool) into 64-bit lanes and ORs into `bad_bits`
/// something non-zero when one of them is neither 0 nor 1. One-byte types take a broadcast, a
/// per-lane shift and a mask (GCC scalarises the direct byte-to-lane conversion).
template <int W, class T>
EMERGENT_PROB_INLINE void load_outcomes(typename v<W>::i& out, std::uint64_t& bad_bits, const T* p) {
  using I = typename v<W>::i;
  if constexpr (sizeof(T) == 1) {
    std::uint32_t word = 0;
    std::memcpy(&word, p, W);
    bad_bits |= word & 0xfefefefeu;
    I shifts{};
    if constexpr (W == 2) {
      shifts = I{0, 8};
    } else {
      shifts = I{0, 8, 16, 24};
    }
    splat_int<W>(out, static_cast<std::int64_t>(word));
    out = (out >> shifts) & std::int64_t{0xff};
  } else {
    out = I{};
    for (int l = 0; l < W; ++l) {
      const auto value = static_cast<std::uint64_t>(static_cast<std::int64_t>(p[l]));
      bad_bits |= value & ~std::uint64_t{1};
      out[l] = static_cast<std::int64_t>(value);
    }
  }
}

/// The doubles 1.0 / 0.0 where a lane mask is set / clear.
template <int W, class M>
EMERGENT_PROB_INLINE void ones_where(typename v<W>::d& out, const M& m) {
  static_assert(sizeof(M) == sizeof(typename v<W>::i));
  typename v<W>::i mi{};
  std::memcpy(&mi, &m, sizeof mi);
  mi &= std::int64_t{0x3ff0000000000000};
  std::memcpy(&out, &mi, sizeof out);
}

/// |x| lane-wise.
template <int W>
EMERGENT_PROB_INLINE void abs(typename v<W>::d& x) {
  typename v<W>::i xi{};
  std::memcpy(&xi, &x, sizeof xi);
  xi &= std::int64_t{0x7fffffffffffffff};
  std::memcpy(&x, &xi, sizeof x);
}

/// out[l] = sum of the lanes of rows[l], l < W: a transpose-and-add of W vectors.
template <int W>
EMERGENT_PROB_INLINE void transpose_sum(typename v<W>::d& out, const typename v<W>::d* rows) {
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
  using D = typename v<W>::d;
  if constexpr (W == 2) {
    out = __builtin_shufflevector(rows[0], rows[1], 0, 2) + __builtin_shufflevector(rows[0], rows[1], 1, 3);
  } else {
    const D lo = __builtin_shufflevector(rows[0], rows[1], 0, 4, 2, 6) + __builtin_shufflevector(rows[0], rows[1], 1, 5, 3, 7);
    const D hi = __builtin_shufflevector(rows[2], rows[3], 0, 4, 2, 6) + __builtin_shufflevector(rows[2], rows[3], 1, 5, 3, 7);
    out = __builtin_shufflevector(lo, hi, 0, 1, 4, 5) + __builtin_shufflevector(lo, hi, 2, 3, 6, 7);
  }
#else
  for (int l = 0; l < W; ++l) {
    double s = 0.0;
    for (int j = 0; j < W; ++j) s += rows[l][j];
    out[l] = s;
  }
#endif
}

/// Sum of the lanes.
template <int W>
EMERGENT_PROB_INLINE double hsum(const typename v<W>::d& x) {
  double s = 0.0;
  for (int l = 0; l < W; ++l) s += x[l];
  return s;
}

/// True when any lane of a comparison mask is set.
template <int W, class M>
EMERGENT_PROB_INLINE bool any(const M& m) {
  static_assert(sizeof(M) == sizeof(typename v<W>::i));
  typename v<W>::i mi{};
  std::memcpy(&mi, &m, sizeof mi);
  std::int64_t acc = 0;
  for (int l = 0; l < W; ++l) acc |= mi[l];
  return acc != 0;
}

/// x = log(x) for positive, finite lanes (subnormals included; 0 gives about -745, callers select
/// ±inf themselves). fdlibm e_log.c: x = 2^k (1 + f), 1 + f in [sqrt(2)/2, sqrt(2)), s = f / (2 + f),
/// log(1 + f) = f - hfsq + s (hfsq + R(s^2)), error <= 1 ulp.
template <int W>
EMERGENT_PROB_INLINE void log(typename v<W>::d& x) {
  using D = typename v<W>::d;
  using I = typename v<W>::i;
  D c{}, zero{}, one{};
  splat<W>(zero, 0.0);
  splat<W>(one, 1.0);
  splat<W>(c, 2.2250738585072014e-308);
  const auto subnormal = x < c;
  D scaled{}, k_adjust{}, minus54{};
  splat<W>(c, 18014398509481984.0);  // 2^54
  scaled = x * c;
  select<W>(x, subnormal, scaled, x);
  splat<W>(minus54, -54.0);
  select<W>(k_adjust, subnormal, minus54, zero);
  I bits{};
  std::memcpy(&bits, &x, sizeof bits);
  // the exponent as a double without an int64 -> double conversion (absent before AVX-512):
  // the bits of 2^52 with e in the low mantissa bits are the double 2^52 + e.
  I exp_bits = (bits >> 52) | std::int64_t{0x4330000000000000};
  D k{};
  std::memcpy(&k, &exp_bits, sizeof k);
  splat<W>(c, 4503599627370496.0 + 1023.0);
  k = k - c;
  I mant_bits = (bits & std::int64_t{0x000fffffffffffff}) | std::int64_t{0x3ff0000000000000};
  D m{};
  std::memcpy(&m, &mant_bits, sizeof m);
  splat<W>(c, 1.4142135623730951);
  const auto big = m > c;
  D half_m{}, k_big{};
  splat<W>(c, 0.5);
  half_m = m * c;
  select<W>(m, big, half_m, m);
  select<W>(k_big, big, one, zero);
  k = k + k_big + k_adjust;
  D two{};
  splat<W>(two, 2.0);
  const D f = m - one;
  const D s = f / (two + f);
  const D z = s * s;
  const D w = z * z;
  D l1{}, l2{}, l3{}, l4{}, l5{}, l6{}, l7{};
  splat<W>(l1, 6.666666666666735130e-01);
  splat<W>(l2, 3.999999999940941908e-01);
  splat<W>(l3, 2.857142874366239149e-01);
  splat<W>(l4, 2.222219843214978396e-01);
  splat<W>(l5, 1.818357216161805012e-01);
  splat<W>(l6, 1.531383769920937332e-01);
  splat<W>(l7, 1.479819860511658591e-01);
  const D t1 = w * (l2 + w * (l4 + w * l6));
  const D t2 = z * (l1 + w * (l3 + w * (l5 + w * l7)));
  const D r = t2 + t1;
  const D hfsq = c * f * f;  // c = 0.5
  D ln2_hi{}, ln2_lo{};
  splat<W>(ln2_hi, 6.93147180369123816490e-01);
  splat<W>(ln2_lo, 1.90821492927058770002e-10);
  x = k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f);
}

/// The Taylor coefficients 1/j! of exp, j = 0..Degree (factorials exact up to 18!).
template <int Degree>
constexpr std::array<double, Degree + 1> taylor_exp() {
  std::array<double, Degree + 1> c{};
  double factorial = 1.0;
  for (int j = 0; j <= Degree; ++j) {
    c[static_cast<std::size_t>(j)] = 1.0 / factorial;
    factorial *= static_cast<double>(j + 1);
  }
  return c;
}

/// p = p * r + c[J-1], then recursively down to c[0]: Horner's rule unrolled at compile time (GCC at
/// -O2 keeps a runtime loop otherwise, with a broadcast per step).
template <int W, std::size_t N, std::size_t J>
EMERGENT_PROB_INLINE void horner(typename v<W>::d& p, const typename v<W>::d& r, const std::array<double, N>& c) {
  if constexpr (J > 0) {
    typename v<W>::d cj{};
    splat<W>(cj, c[J - 1]);
    p = p * r + cj;
    horner<W, N, J - 1>(p, r, c);
  }
}

/// x = exp(x) lane-wise: Cody-Waite reduction x = k ln2 + r, |r| <= ln2/2, a Taylor polynomial of
/// degree `Degree` for exp(r) (13: ~1 ulp; 7: relative error ~1e-8), and 2^k applied in two halves so
/// that subnormal results round once. Lanes below -745.2 (including -inf) give 0; lanes are assumed
/// <= 709 (callers validate).
template <int W, int Degree>
EMERGENT_PROB_INLINE void exp_poly(typename v<W>::d& x) {
  using D = typename v<W>::d;
  using I = typename v<W>::i;
  D c{}, zero{};
  splat<W>(zero, 0.0);
  splat<W>(c, -745.2);
  const auto underflow = x < c;
  clamp_below<W>(x, c);
  D shift{}, inv_ln2{};
  splat<W>(shift, 6755399441055744.0);  // 1.5 * 2^52: adding it rounds to an integer
  splat<W>(inv_ln2, 1.4426950408889634);
  const D t = x * inv_ln2 + shift;
  const D kd = t - shift;
  I k{}, shift_bits{};
  std::memcpy(&k, &t, sizeof k);
  std::memcpy(&shift_bits, &shift, sizeof shift_bits);
  k = k - shift_bits;
  D ln2_hi{}, ln2_lo{};
  splat<W>(ln2_hi, 6.93147180369123816490e-01);
  splat<W>(ln2_lo, 1.90821492927058770002e-10);
  const D r = (x - kd * ln2_hi) - kd * ln2_lo;
  static constexpr std::array<double, Degree + 1> coefficients = taylor_exp<Degree>();
  D p{};
  splat<W>(p, coefficients[static_cast<std::size_t>(Degree)]);
  horner<W, Degree + 1, Degree>(p, r, coefficients);
  const I k1 = k >> 1;
  const I k2 = k - k1;
  const I b1 = (k1 + std::int64_t{1023}) << 52;
  const I b2 = (k2 + std::int64_t{1023}) << 52;
  D scale1{}, scale2{};
  std::memcpy(&scale1, &b1, sizeof scale1);
  std::memcpy(&scale2, &b2, sizeof scale2);
  p = p * scale1 * scale2;
  select<W>(x, underflow, zero, p);
}

/// x = exp(x) to a relative error below 1.3e-7, for validation only (is a row of log-probabilities
/// normalised?): lanes clamped to >= -700 (exp(-700) ~ 1e-304 counts as 0 in a sum that must be ~1),
/// Cody-Waite reduction and a degree-6 Taylor polynomial, one power-of-two scaling.
template <int W>
EMERGENT_PROB_INLINE void exp_check(typename v<W>::d& x) {
  using D = typename v<W>::d;
  using I = typename v<W>::i;
  D floor_value{}, shift{}, inv_ln2{}, ln2{};
  splat<W>(floor_value, -700.0);
  clamp_below<W>(x, floor_value);
  splat<W>(shift, 6755399441055744.0);
  splat<W>(inv_ln2, 1.4426950408889634);
  splat<W>(ln2, 0.6931471805599453);
  const D t = x * inv_ln2 + shift;
  const D kd = t - shift;
  I k{}, shift_bits{};
  std::memcpy(&k, &t, sizeof k);
  std::memcpy(&shift_bits, &shift, sizeof shift_bits);
  k = (k - shift_bits + std::int64_t{1023}) << 52;
  const D r = x - kd * ln2;
  static constexpr std::array<double, 7> c = taylor_exp<6>();
  D p{};
  splat<W>(p, c[6]);
  horner<W, 7, 6>(p, r, c);
  D scale{};
  std::memcpy(&scale, &k, sizeof scale);
  x = p * scale;
}

/// Vector types for 2W floats (twice the lanes of v<W>): the single-precision normalisation check.
template <int W>
struct vf;
template <>
struct vf<2> {
  typedef float f __attribute__((vector_size(16)));
  typedef float half __attribute__((vector_size(8)));
  typedef std::int32_t i __attribute__((vector_size(16)));
};
template <>
struct vf<4> {
  typedef float f __attribute__((vector_size(32)));
  typedef float half __attribute__((vector_size(16)));
  typedef std::int32_t i __attribute__((vector_size(32)));
};

/// out = x in every float lane.
template <int W>
EMERGENT_PROB_INLINE void splat_float(typename vf<W>::f& out, float x) {
  for (int l = 0; l < 2 * W; ++l) out[l] = x;
}

/// out = 2W consecutive values converted to float (doubles: rounded to nearest, relative error
/// <= 2^-24 in the normal range, absolute <= 2^-150 below it; floats: exact).
template <int W, class T>
EMERGENT_PROB_INLINE void load_float(typename vf<W>::f& out, const T* p) {
  if constexpr (std::is_same_v<T, float>) {
    std::memcpy(&out, p, sizeof out);
  } else if constexpr (std::is_same_v<T, double>) {
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
    typename v<W>::d a{}, b{};
    std::memcpy(&a, p, sizeof a);
    std::memcpy(&b, p + W, sizeof b);
    const auto fa = __builtin_convertvector(a, typename vf<W>::half);
    const auto fb = __builtin_convertvector(b, typename vf<W>::half);
    if constexpr (W == 2) {
      out = __builtin_shufflevector(fa, fb, 0, 1, 2, 3);
    } else {
      out = __builtin_shufflevector(fa, fb, 0, 1, 2, 3, 4, 5, 6, 7);
    }
#else
    for (int l = 0; l < 2 * W; ++l) out[l] = static_cast<float>(p[l]);
#endif
  } else {
    for (int l = 0; l < 2 * W; ++l) out[l] = static_cast<float>(static_cast<double>(p[l]));
  }
}

/// Lower clamp of `exp_float`: exp(-87) ~ 1.65e-38 is still a normal float.
inline constexpr float exp_float_floor = -87.0f;

/// x = exp(min(max(x, -87), 0)) in single precision, lane-wise, for the normalisation check only.
/// Cody-Waite reduction x = k ln2 + r with ln2 = 0.693359375 (9 bits: k ln2_hi and x - k ln2_hi are
/// exact for |k| <= 126) - 2.12194440e-4, |r| <= ~0.35; the degree-7 Taylor polynomial of exp(r)
/// (truncation error < 6e-9 relative) by Horner's rule; 2^k by building the exponent (normal for
/// k >= -126). Error: relative <= 2^-22 on [-87, 0] (the analysis gives ~2.7 units of 2^-24: the
/// reduction ~0.4, the last two Horner steps ~2.2; tests/metrics/test_prob_simd_float.cpp measures the
/// maximum over a dense sample and requires <= 2^-23). Lanes below -87 (including -inf) give
/// exp(-87), an absolute error below 1.7e-38; NaN lanes give an unspecified value.
template <int W>
EMERGENT_PROB_INLINE void exp_float(typename vf<W>::f& x) {
  using F = typename vf<W>::f;
  using I = typename vf<W>::i;
  F lo{}, zero{}, shift{}, log2e{}, ln2_hi{}, ln2_lo{};
  splat_float<W>(lo, exp_float_floor);
  splat_float<W>(zero, 0.0f);
  {
    I xi{}, bound{};
    std::memcpy(&xi, &x, sizeof xi);
    std::memcpy(&bound, &lo, sizeof bound);
    I m = x < lo;
    xi = (bound & m) | (xi & ~m);
    std::memcpy(&x, &xi, sizeof x);
    m = x > zero;
    xi &= ~m;  // +0.0 where x > 0
    std::memcpy(&x, &xi, sizeof x);
  }
  splat_float<W>(shift, 12582912.0f);  // 1.5 * 2^23: adding it rounds to an integer
  splat_float<W>(log2e, 1.44269504088896341f);
  splat_float<W>(ln2_hi, 0.693359375f);
  splat_float<W>(ln2_lo, -2.12194440e-4f);
  const F t = x * log2e + shift;
  const F kd = t - shift;
  I k{}, shift_bits{};
  std::memcpy(&k, &t, sizeof k);
  std::memcpy(&shift_bits, &shift, sizeof shift_bits);
  k = (k - shift_bits + 127) << 23;
  const F r = (x - kd * ln2_hi) - kd * ln2_lo;
  F p{}, c{};
  splat_float<W>(p, 1.0f / 5040.0f);
  splat_float<W>(c, 1.0f / 720.0f);
  p = p * r + c;
  splat_float<W>(c, 1.0f / 120.0f);
  p = p * r + c;
  splat_float<W>(c, 1.0f / 24.0f);
  p = p * r + c;
  splat_float<W>(c, 1.0f / 6.0f);
  p = p * r + c;
  splat_float<W>(c, 0.5f);
  p = p * r + c;
  splat_float<W>(c, 1.0f);
  p = p * r + c;
  p = p * r + c;
  F scale{};
  std::memcpy(&scale, &k, sizeof scale);
  x = p * scale;
}

/// The row sums of 2W consecutive rows of 4 floats held in four vectors (rows 0..W/2-1 in a, ...):
/// out[l] = (x0 + x1) + (x2 + x3) of one row per lane (the lane order is a permutation of the rows;
/// callers only test whether every lane passes). Two float roundings per term.
template <int W>
EMERGENT_PROB_INLINE void row_sums_4(typename vf<W>::f& out, const typename vf<W>::f& a, const typename vf<W>::f& b,
                                     const typename vf<W>::f& c, const typename vf<W>::f& d) {
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
  if constexpr (W == 2) {
    const auto t0 = __builtin_shufflevector(a, b, 0, 4, 2, 6) + __builtin_shufflevector(a, b, 1, 5, 3, 7);
    const auto t1 = __builtin_shufflevector(c, d, 0, 4, 2, 6) + __builtin_shufflevector(c, d, 1, 5, 3, 7);
    out = __builtin_shufflevector(t0, t1, 0, 1, 4, 5) + __builtin_shufflevector(t0, t1, 2, 3, 6, 7);
  } else {
    const auto t0 = __builtin_shufflevector(a, b, 0, 8, 2, 10, 4, 12, 6, 14) +
                    __builtin_shufflevector(a, b, 1, 9, 3, 11, 5, 13, 7, 15);
    const auto t1 = __builtin_shufflevector(c, d, 0, 8, 2, 10, 4, 12, 6, 14) +
                    __builtin_shufflevector(c, d, 1, 9, 3, 11, 5, 13, 7, 15);
    out = __builtin_shufflevector(t0, t1, 0, 1, 8, 9, 4, 5, 12, 13) +
          __builtin_shufflevector(t0, t1, 2, 3, 10, 11, 6, 7, 14, 15);
  }
#else
  const typename vf<W>::f* rows[4] = {&a, &b, &c, &d};
  for (int l = 0; l < 2 * W; ++l) {
    const int row = l;  // row `row` lives in vector row / (W / 2), lanes 4 * (row % (W / 2)) ...
    const auto& vec = *rows[row / (W / 2)];
    const int base = 4 * (row % (W / 2));
    out[l] = (vec[base] + vec[base + 1]) + (vec[base + 2] + vec[base + 3]);
  }
#endif
}

#undef EMERGENT_PROB_INLINE

}  // namespace emergent::detail::prob::simd

