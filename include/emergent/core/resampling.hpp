/// @file
/// @brief `resampling_options`: how many bootstrap (or Monte Carlo) replicates, from which seed, on
///        how many threads — the one settings type of every resampling procedure of every layer —
///        and `default_seed`, the one default seed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace emergent {

/// The default seed of every seeded procedure of emergent (bootstrap intervals, parametric
/// bootstrap tests, judgement and verdict probabilities). Replicate r of seed s draws from the
/// stream `xoshiro256**(s, r)` (core/detail/random.hpp), so a result depends on (seed, replicates)
/// only: not on the thread count, the order in which replicates run, or the standard library.
inline constexpr std::uint64_t default_seed = 1;

/// The settings of a resampling procedure. Each options struct that resamples holds one as its
/// member `resampling`, with its own default number of replicates (2000 for the stats layer's
/// bootstrap intervals, 1000 for fit parameter bootstraps, 200 or 500 for the analysis layer's
/// tests and probabilities).
struct resampling_options {
  std::size_t replicates = 200;        ///< number of replicates B
  std::uint64_t seed = default_seed;   ///< seed: the same seed gives the same replicates and result
  /// Threads drawing replicates; 0 = std::thread::hardware_concurrency(). The result never depends
  /// on it. Used by the stats layer's bootstrap; the fit and analysis procedures run in the calling
  /// thread (parallelise across curves instead, e.g. `fit_batch`).
  unsigned threads = 1;
};

}  // namespace emergent
