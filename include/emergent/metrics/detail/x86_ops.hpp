/// @file
/// @brief Internal: the few x86 SIMD operations emergent's kernels use, without `<immintrin.h>`.
///
/// GCC/Clang vector types (`vector_size`) with their operators (+, −, ×, &, |, ^, ==, <=, shifts),
/// `__builtin_shufflevector` and `__builtin_convertvector` express most of the kernels; the
/// operations with no operator (fused multiply-add, x86 min/max, horizontal add, mask extraction,
/// AVX-512 scale and mask compare) are the compiler builtins that the intrinsics of `<immintrin.h>`
/// wrap, called here through small always-inline functions. Including `<immintrin.h>` costs g++-12
/// about 0.6 s per translation unit (it parses every instruction-set header, AVX-512 included); this
/// header is a few dozen small functions.
///
/// Semantics kept from the instructions:
/// - `min(a, b)` / `max(a, b)` are `a < b ? a : b` / `a > b ? a : b` lane-wise: when either operand
///   is NaN the result is `b` (the kernels put the value to check second so that a NaN passes on).
/// - `fmadd(a, b, c)` = a·b + c with one rounding; `fnmadd(a, b, c)` = −(a·b) + c. Whether a·b + c
///   written with operators is contracted depends on the compiler (g++ in ISO mode: never; clang:
///   within one expression), so use these where one rounding is meant and keep a product and a sum
///   that must round separately in separate statements.
/// - Comparisons with operators give lane masks of all ones / all zeros, the same lanes as the
///   ordered predicates of `_mm256_cmp_ps` (`_CMP_LE_OQ` for `<=`): a NaN lane compares false.
///
/// The AVX2/FMA functions carry `target("avx2,fma")` (AVX-512F ones `"avx512f,avx2,fma"`) and are
/// only called from functions with at least those targets, which run after the run-time checks of
/// core/detail/cpu_features.hpp. The SSE2 ones need no target (SSE2 is the x86-64 baseline).
#pragma once

#include <cstring>

#include "emergent/core/detail/cpu_features.hpp"

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))

namespace emergent::detail::x86 {

// Element types as the builtins declare them (GCC refuses `long` where `long long` is declared).
typedef double v2d __attribute__((vector_size(16)));   ///< 2 doubles (SSE2)
typedef float v4f __attribute__((vector_size(16)));    ///< 4 floats (SSE)
typedef int v4i __attribute__((vector_size(16)));      ///< 4 32-bit integers (SSE2)
typedef long long v2l __attribute__((vector_size(16)));  ///< 2 64-bit integers (SSE2)
typedef char v16c __attribute__((vector_size(16)));    ///< 16 bytes (SSE2)

/// The vector of type V (16 bytes or less) at `p`, which need not be aligned.
template <class V>
[[gnu::always_inline]] inline V load(const void* p) noexcept {
  static_assert(sizeof(V) <= 16);
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// x86 lane-wise minimum / maximum of 2 doubles (`minpd` / `maxpd`; NaN in either: `b`).
[[gnu::always_inline]] inline v2d min(v2d a, v2d b) noexcept { return __builtin_ia32_minpd(a, b); }
[[gnu::always_inline]] inline v2d max(v2d a, v2d b) noexcept { return __builtin_ia32_maxpd(a, b); }

/// One bit per 32-bit lane: the sign bits of `x` (lane i → bit i; `movmskps`).
[[gnu::always_inline]] inline int movemask(v4i x) noexcept { return __builtin_ia32_movmskps(__builtin_bit_cast(v4f, x)); }

/// One bit per byte: the sign bits of the 16 bytes of `x` (`pmovmskb`).
[[gnu::always_inline]] inline int movemask_bytes(v4i x) noexcept {
  return __builtin_ia32_pmovmskb128(__builtin_bit_cast(v16c, x));
}

}  // namespace emergent::detail::x86

#endif

#ifdef EMERGENT_X86_DISPATCH

namespace emergent::detail::x86 {

typedef double v4d __attribute__((vector_size(32)));     ///< 4 doubles (AVX)
typedef float v8f __attribute__((vector_size(32)));      ///< 8 floats (AVX)
typedef int v8i __attribute__((vector_size(32)));        ///< 8 32-bit integers (AVX2)
typedef long long v4l __attribute__((vector_size(32)));  ///< 4 64-bit integers (AVX2)
typedef double v8d __attribute__((vector_size(64)));     ///< 8 doubles (AVX-512F)
typedef float v16f __attribute__((vector_size(64)));     ///< 16 floats (AVX-512F)
typedef int v16i __attribute__((vector_size(64)));       ///< 16 32-bit integers (AVX-512F)

#define EMERGENT_X86_AVX2 [[gnu::always_inline, gnu::target("avx2,fma")]] inline
#define EMERGENT_X86_AVX512 [[gnu::always_inline, gnu::target("avx512f,avx2,fma")]] inline

/// 4 doubles / 8 floats at `p`, which need not be aligned (`vmovupd` / `vmovups`).
EMERGENT_X86_AVX2 v4d load4d(const double* p) noexcept {
  typedef double unaligned __attribute__((vector_size(32), aligned(1), may_alias));
  return *reinterpret_cast<const unaligned*>(p);
}
EMERGENT_X86_AVX2 v8f load8f(const float* p) noexcept {
  typedef float unaligned __attribute__((vector_size(32), aligned(1), may_alias));
  return *reinterpret_cast<const unaligned*>(p);
}

/// `c` in every lane of a 32-byte vector V.
template <class V, class T>
EMERGENT_X86_AVX2 V splat256(T c) noexcept {
  V v = {};
  for (unsigned i = 0; i < sizeof(V) / sizeof(T); ++i) v[i] = c;
  return v;
}

/// Four bytes at `p`, zero-extended and converted to doubles (`vpmovzxbd` + `vcvtdq2pd`).
EMERGENT_X86_AVX2 v4d widen_bytes(const unsigned char* p) noexcept {
#if defined(__clang__)
  typedef unsigned char bytes4 __attribute__((vector_size(4)));
  return __builtin_convertvector(__builtin_convertvector(load<bytes4>(p), v4i), v4d);
#else  // GCC scalarises the conversion above; its builtins give the two instructions
  int w;
  std::memcpy(&w, p, sizeof w);
  return __builtin_ia32_cvtdq2pd256(__builtin_ia32_pmovzxbd128(__builtin_bit_cast(v16c, v4i{w, 0, 0, 0})));
#endif
}

/// [lo, hi]: two 4-float vectors as one 8-float vector (`vinsertf128`).
EMERGENT_X86_AVX2 v8f concat(v4f lo, v4f hi) noexcept {
#if defined(__clang__)
  return __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7);
#else  // GCC 12 adds a register move for the shuffle above
  return __builtin_ia32_vinsertf128_ps256(__builtin_ia32_ps256_ps(lo), hi, 1);
#endif
}

/// x86 lane-wise minimum / maximum: `a < b ? a : b` / `a > b ? a : b` (NaN in either: `b`).
EMERGENT_X86_AVX2 v4d min(v4d a, v4d b) noexcept { return __builtin_ia32_minpd256(a, b); }
EMERGENT_X86_AVX2 v4d max(v4d a, v4d b) noexcept { return __builtin_ia32_maxpd256(a, b); }
EMERGENT_X86_AVX2 v8f min(v8f a, v8f b) noexcept { return __builtin_ia32_minps256(a, b); }
EMERGENT_X86_AVX2 v8f max(v8f a, v8f b) noexcept { return __builtin_ia32_maxps256(a, b); }

/// a·b + c with one rounding (`vfmadd`).
EMERGENT_X86_AVX2 v4d fmadd(v4d a, v4d b, v4d c) noexcept { return __builtin_ia32_vfmaddpd256(a, b, c); }
EMERGENT_X86_AVX2 v8f fmadd(v8f a, v8f b, v8f c) noexcept { return __builtin_ia32_vfmaddps256(a, b, c); }
/// −(a·b) + c with one rounding (`vfnmadd`).
EMERGENT_X86_AVX2 v8f fnmadd(v8f a, v8f b, v8f c) noexcept {
#if defined(__clang__)
  return __builtin_ia32_vfmaddps256(-a, b, c);
#else  // GCC 12 does not fold the negation into the instruction
  return __builtin_ia32_vfnmaddps256(a, b, c);
#endif
}

/// Horizontal add within 128-bit halves (`vhaddpd`): [a0 + a1, b0 + b1, a2 + a3, b2 + b3].
EMERGENT_X86_AVX2 v4d hadd(v4d a, v4d b) noexcept { return __builtin_ia32_haddpd256(a, b); }
/// Horizontal add within 128-bit halves (`vhaddps`): [a0+a1, a2+a3, b0+b1, b2+b3, a4+a5, a6+a7, b4+b5, b6+b7].
EMERGENT_X86_AVX2 v8f hadd(v8f a, v8f b) noexcept { return __builtin_ia32_haddps256(a, b); }

/// True when `a & b` is all zeros (`vptest`).
EMERGENT_X86_AVX2 bool testz(v2l a, v2l b) noexcept { return __builtin_ia32_ptestz128(a, b) != 0; }

/// One bit per 32-bit lane: the sign bits of `x` (`vmovmskps`; AVX2 only, for callers without FMA).
[[gnu::always_inline, gnu::target("avx2")]] inline int movemask(v8i x) noexcept { return __builtin_ia32_movmskps256(__builtin_bit_cast(v8f, x)); }

/// 8 doubles / 16 floats at `p`, which need not be aligned (`vmovupd` / `vmovups` zmm).
EMERGENT_X86_AVX512 v8d load8d(const double* p) noexcept {
  typedef double unaligned __attribute__((vector_size(64), aligned(1), may_alias));
  return *reinterpret_cast<const unaligned*>(p);
}
EMERGENT_X86_AVX512 v16f load16f(const float* p) noexcept {
  typedef float unaligned __attribute__((vector_size(64), aligned(1), may_alias));
  return *reinterpret_cast<const unaligned*>(p);
}

/// `c` in every lane of a 64-byte vector V.
template <class V, class T>
EMERGENT_X86_AVX512 V splat512(T c) noexcept {
  V v = {};
  for (unsigned i = 0; i < sizeof(V) / sizeof(T); ++i) v[i] = c;
  return v;
}

/// x86 lane-wise maximum (`vmaxps` / `vmaxpd` zmm; NaN in either: `b`).
EMERGENT_X86_AVX512 v16f max(v16f a, v16f b) noexcept {
#if defined(__clang__)
  return __builtin_ia32_maxps512(a, b, 4);  // 4: _MM_FROUND_CUR_DIRECTION
#else
  return __builtin_ia32_maxps512_mask(a, b, a, static_cast<unsigned short>(-1), 4);
#endif
}
EMERGENT_X86_AVX512 v8d max(v8d a, v8d b) noexcept {
#if defined(__clang__)
  return __builtin_ia32_maxpd512(a, b, 4);
#else
  return __builtin_ia32_maxpd512_mask(a, b, a, static_cast<unsigned char>(-1), 4);
#endif
}

/// a·b + c and −(a·b) + c with one rounding (`vfmadd` / `vfnmadd` zmm).
EMERGENT_X86_AVX512 v16f fmadd(v16f a, v16f b, v16f c) noexcept {
  return __builtin_ia32_vfmaddps512_mask(a, b, c, static_cast<unsigned short>(-1), 4);
}
EMERGENT_X86_AVX512 v16f fnmadd(v16f a, v16f b, v16f c) noexcept {
#if defined(__clang__)
  return __builtin_ia32_vfmaddps512_mask(-a, b, c, static_cast<unsigned short>(-1), 4);
#else
  return __builtin_ia32_vfnmaddps512_mask(a, b, c, static_cast<unsigned short>(-1), 4);
#endif
}

/// [lo, hi]: two 8-float vectors as one 16-float vector (`vinsertf64x4`).
EMERGENT_X86_AVX512 v16f concat(v8f lo, v8f hi) noexcept {
#if defined(__clang__)
  return __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
#else  // GCC 12 adds register moves for the shuffle above
  const v8d wide = __builtin_ia32_pd512_256pd(__builtin_bit_cast(v4d, lo));
  return __builtin_bit_cast(v16f, __builtin_ia32_insertf64x4_mask(wide, __builtin_bit_cast(v4d, hi), 1, wide,
                                                                  static_cast<unsigned char>(-1)));
#endif
}

/// a · 2^floor(b) lane-wise (`vscalefps`).
EMERGENT_X86_AVX512 v16f scalef(v16f a, v16f b) noexcept {
  return __builtin_ia32_scalefps512_mask(a, b, a, static_cast<unsigned short>(-1), 4);
}

/// Bit i set when lane i of a <= b, ordered and quiet (`vcmpps` with `_CMP_LE_OQ` into a mask).
EMERGENT_X86_AVX512 unsigned short cmp_le_mask(v16f a, v16f b) noexcept {
  return static_cast<unsigned short>(__builtin_ia32_cmpps512_mask(a, b, 0x12, static_cast<unsigned short>(-1), 4));
}

#undef EMERGENT_X86_AVX2
#undef EMERGENT_X86_AVX512

}  // namespace emergent::detail::x86

#endif
