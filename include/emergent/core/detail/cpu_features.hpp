/// @file
/// @brief Internal: the one CPU-feature check of emergent. Kernels compiled with
///        `[[gnu::target("avx2,fma")]]` (or `"avx512f,..."`) are called only after these run-time
///        checks, so no `-march` flag is needed. Each answer is computed once per process
///        (`__builtin_cpu_supports`, GCC and Clang on x86) and is `false` elsewhere.
///
/// `EMERGENT_X86_DISPATCH` is defined (to 1) where the x86 kernels exist: x86-64 with GCC or Clang.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EMERGENT_X86_DISPATCH 1
#endif

namespace emergent::detail::cpu {

#ifdef EMERGENT_X86_DISPATCH
/// True when the CPU has AVX2.
[[nodiscard]] inline bool has_avx2() noexcept {
  static const bool yes = __builtin_cpu_supports("avx2") != 0;
  return yes;
}
/// True when the CPU has AVX2 and FMA (the probability kernels need both).
[[nodiscard]] inline bool has_avx2_fma() noexcept {
  static const bool yes = has_avx2() && __builtin_cpu_supports("fma") != 0;
  return yes;
}
/// True when the CPU has AVX-512F, AVX2 and FMA.
[[nodiscard]] inline bool has_avx512f() noexcept {
  static const bool yes = has_avx2_fma() && __builtin_cpu_supports("avx512f") != 0;
  return yes;
}
#else
/// True when the CPU has AVX2 (never on this target).
[[nodiscard]] constexpr bool has_avx2() noexcept { return false; }
/// True when the CPU has AVX2 and FMA (never on this target).
[[nodiscard]] constexpr bool has_avx2_fma() noexcept { return false; }
/// True when the CPU has AVX-512F (never on this target).
[[nodiscard]] constexpr bool has_avx512f() noexcept { return false; }
#endif

}  // namespace emergent::detail::cpu
