/// @file
/// @brief Internal: what every aggregate kernel of metrics/aggregates/*.hpp shares: the block
///        iteration (`blocks`), the one dispatch between the 2-double and the AVX2 + FMA 4-double
///        builds of a kernel (`dispatch`, `run_portable`, `run_avx2`), the compensated total of the
///        block sums (`kernel_total`), and the argument checks and cold error paths.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "emergent/core/detail/cpu_features.hpp"
#include "emergent/core/error.hpp"
#include "emergent/metrics/aggregates/ranges.hpp"
#include "emergent/metrics/detail/prob_simd.hpp"
#include "emergent/metrics/detail/prob_x86.hpp"
#include "emergent/metrics/probability.hpp"

namespace emergent::detail::prob {

/// Elements per validation block: small enough to stay in L1 for the rescan on error.
inline constexpr std::size_t kernel_block_elements = 4096;

/// One block [begin, end) of a pass over a kernel's input.
struct block {
  std::size_t begin;  ///< first item of the block
  std::size_t end;    ///< one past the last item
};

/// The blocks of one pass over `count` items, `per_block` at a time (the last one shorter): every
/// kernel reads `for (const auto [begin, end] : blocks(count, per_block))`, validates a block as a
/// whole (a lane mask, a flag) and rescans it with the exact scalar code only when it is flagged.
class blocks {
 public:
  /// Past-the-end marker.
  struct sentinel {};
  /// Forward iterator over the blocks.
  class iterator {
   public:
    constexpr iterator(std::size_t begin, std::size_t count, std::size_t per_block) noexcept
        : begin_(begin), count_(count), per_block_(per_block) {}
    [[nodiscard]] constexpr block operator*() const noexcept {
      return {begin_, count_ - begin_ < per_block_ ? count_ : begin_ + per_block_};
    }
    constexpr iterator& operator++() noexcept {
      begin_ += per_block_;
      return *this;
    }
    [[nodiscard]] constexpr bool operator!=(sentinel) const noexcept { return begin_ < count_; }

   private:
    std::size_t begin_;
    std::size_t count_;
    std::size_t per_block_;
  };
  /// `count` items in blocks of `per_block` (>= 1).
  constexpr blocks(std::size_t count, std::size_t per_block) noexcept : count_(count), per_block_(per_block) {}
  [[nodiscard]] constexpr iterator begin() const noexcept { return {0, count_, per_block_}; }
  [[nodiscard]] constexpr sentinel end() const noexcept { return {}; }

 private:
  std::size_t count_;
  std::size_t per_block_;
};

/// Runs `Kernel::run<2>(args...)`: the kernel on 2-double vectors (SSE2, the x86-64 baseline; plain
/// vector code elsewhere). Also what the differential tests compare the wide path with.
template <class Kernel, class... Args>
void run_portable(Args&&... args) {
  Kernel::template run<2>(std::forward<Args>(args)...);
}

#ifdef EMERGENT_X86_DISPATCH
/// Runs `Kernel::run<4>(args...)` compiled for AVX2 + FMA (4-double vectors; the x86 intrinsics block
/// kernels where `run` selects them). Call only when `cpu::has_avx2_fma()`.
template <class Kernel, class... Args>
[[gnu::target("avx2,fma")]] void run_avx2(Args&&... args) {
  Kernel::template run<4>(std::forward<Args>(args)...);
}
#endif

/// The one dispatch of the aggregate kernels: `run_avx2` when the CPU has AVX2 + FMA
/// (core/detail/cpu_features.hpp), `run_portable` otherwise. A kernel is a struct with
/// `template <int W, ...> [[gnu::always_inline]] static void run(...)`, so its vector body is
/// compiled once per width inside the function that carries the target attribute.
template <class Kernel, class... Args>
void dispatch(Args&&... args) {
#ifdef EMERGENT_X86_DISPATCH
  if (cpu::has_avx2_fma()) return run_avx2<Kernel>(std::forward<Args>(args)...);
#endif
  run_portable<Kernel>(std::forward<Args>(args)...);
}

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

}  // namespace emergent::detail::prob
