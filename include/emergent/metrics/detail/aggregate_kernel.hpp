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
/// Runs `Kernel::run<4>(args...)` compiled for AVX2 + FMA (4-double vectors; the x86 block
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


/// The one row kernel of the aggregates (multi-class Brier, cross-entropy from log-probabilities,
/// sequence probability): blocks of rows, W rows at a time, each row a run of W-double vectors whose
/// sum is formed per row and then, for the W rows together, by a transpose-and-add. What differs
/// between the metrics is the `Policy` (the per-W struct of each metric, constructed inside the
/// dispatched function so that its vector constants are built for its target):
///  - `static constexpr std::size_t classes`: K, the compile-time row length (a multiple of W) of a
///    labelled kernel, whose rows are indexed by a label through a table of K + 1 rows of K
///    `table_element`s (row y holds `table_one` at y, row K, for invalid labels, is all zero; they
///    are flagged apart); or 0: an unlabelled kernel with rows of `row_length` (a multiple of W).
///  - `static constexpr bool sums_rows`: whether the W row sums are formed and passed to `group`.
///  - `element(x, table, even, row_sum, acc0, acc1, good)` (labelled) or `element(x, row_sum, good)`
///    (unlabelled): the work on one vector of a row; `even` says which accumulator the row uses
///    (alternating between rows: one add chain would bound the loop).
///  - `group(sums, acc0, good)`: the work on the W row sums of a group of W rows.
///  - `finish(row_begin, vector_end, row_end, acc, bad_labels, good)`: the block's contribution to
///    the total, given acc0 + acc1: the rows after `vector_end`, and the exact (validating) fallback
///    for a block that `good` or `bad_labels` flags.
template <int W, class Policy, class T, class L>
[[gnu::always_inline]] inline void rows_kernel(const Policy& policy, const T* x, const L* labels, std::size_t rows,
                                               std::size_t row_length, kernel_total& total) {
  namespace s = simd;
  using D = typename s::v<W>::d;
  constexpr std::size_t K = Policy::classes;
  static_assert(K % W == 0);
  using E = typename Policy::table_element;
  D zero{};
  s::splat<W>(zero, 0.0);
  const std::size_t length = K != 0 ? K : row_length;
  alignas(64) E table[K == 0 ? 1 : (K + 1) * K] = {};
  if constexpr (K != 0) {
    for (std::size_t j = 0; j < K; ++j) table[j * K + j] = Policy::table_one;
  }
  const std::size_t rows_per_block = std::max<std::size_t>(1, kernel_block_elements / length);
  for (const auto [row_begin, row_end] : blocks(rows, rows_per_block)) {
    D acc0 = zero, acc1 = zero;
    auto good = zero == zero;
    std::uint64_t bad_labels = 0;
    std::size_t r = row_begin;
    for (; r + W <= row_end; r += W) {
      D row_sum[W];  // every element is assigned below (a zero-initialiser costs a rep stos per group)
      for (int q = 0; q < W; ++q) {
        const std::size_t row = r + static_cast<std::size_t>(q);
        const T* const xr = x + row * length;
        if constexpr (K != 0) {
          const auto label = static_cast<std::uint64_t>(static_cast<std::int64_t>(labels[row]));
          const bool invalid = label >= K;
          bad_labels |= invalid ? 1u : 0u;
          const E* const table_row = table + (invalid ? K : label) * K;
          D rs = zero;
          for (std::size_t v = 0; v < K / W; ++v) {
            policy.element(xr + v * W, table_row + v * W, q % 2 == 0, rs, acc0, acc1, good);
          }
          row_sum[q] = rs;
        } else {
          (void)labels;
          (void)table;
          D rs0 = zero, rs1 = zero;
          std::size_t j = 0;
          for (; j + 2 * W <= length; j += 2 * W) {
            policy.element(xr + j, rs0, good);
            policy.element(xr + j + W, rs1, good);
          }
          if (j < length) policy.element(xr + j, rs0, good);
          row_sum[q] = rs0 + rs1;
        }
      }
      D sums{};
      if constexpr (Policy::sums_rows) s::transpose_sum<W>(sums, row_sum);
      policy.group(sums, acc0, good);
    }
    const D acc = acc0 + acc1;
    total.add(policy.finish(row_begin, r, row_end, acc, bad_labels, good));
  }
}

}  // namespace emergent::detail::prob
