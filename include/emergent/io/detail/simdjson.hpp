/// @file
/// @brief Includes `<simdjson.h>` without the SIMD implementations that this translation unit's
///        compiler flags cannot make simdjson's built-in one (internal; every emergent header that
///        needs simdjson includes it through this one).
///
/// The amalgamated `simdjson.h` carries the inline code of every x86-64 implementation (icelake,
/// haswell, westmere, fallback), about 2,200 lines each, but a translation unit uses only two kinds
/// of simdjson code: the DOM parser, whose parsing is compiled into libsimdjson and picks the best
/// implementation for the CPU at run time (get_active_implementation), and the On-Demand API, which
/// is inline and compiled for the one *built-in* implementation that the compiler flags guarantee
/// (`SIMDJSON_BUILTIN_IMPLEMENTATION`: fallback without `-march` flags, haswell with AVX2, ...).
/// The other implementations' inline code is parsed and never used. simdjson's documented
/// `SIMDJSON_IMPLEMENTATION_<NAME>` macros (0: not compiled) drop them here; an implementation is
/// dropped only when the flags rule it out as the built-in one (the same conditions as simdjson's
/// `SIMDJSON_CAN_ALWAYS_RUN_<NAME>`), so the built-in implementation, and with it every inline
/// function of ours that uses On-Demand, is the same as with a plain `#include <simdjson.h>`, in
/// every translation unit, whatever its flags. Run-time dispatch is untouched (it lives in the
/// compiled library). Measured: `<simdjson.h>` alone, `g++-12 -std=c++20 -fsyntax-only`, 2.2 s →
/// 1.5 s of CPU (docs/performance.md). A translation unit that names one of the dropped
/// namespaces (`simdjson::haswell`, ...) itself defines the macro as 1 before its first include,
/// or includes `<simdjson.h>` first.
#pragma once

#if !defined(SIMDJSON_IMPLEMENTATION_ICELAKE) &&                                                 \
    !(defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512CD__) && defined(__AVX512BW__) && \
      defined(__AVX512VL__) && defined(__AVX512VBMI2__))
#define SIMDJSON_IMPLEMENTATION_ICELAKE 0
#endif
#if !defined(SIMDJSON_IMPLEMENTATION_HASWELL) && !defined(__AVX2__)
#define SIMDJSON_IMPLEMENTATION_HASWELL 0
#endif
#if !defined(SIMDJSON_IMPLEMENTATION_WESTMERE) && !(defined(__SSE4_2__) && defined(__PCLMUL__))
#define SIMDJSON_IMPLEMENTATION_WESTMERE 0
#endif

#include <simdjson.h>
