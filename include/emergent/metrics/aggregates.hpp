/// @file
/// @brief Aggregate kernels: the mean of a probabilistic metric over millions of examples stored
///        contiguously (any contiguous range such as `std::span` or `std::vector`; Eigen expressions
///        through the opt-in metrics/eigen.hpp). Mean binary and multi-class Brier score
///        (aggregates/brier.hpp), mean binary log-loss from probabilities and mean cross-entropy from
///        log-probabilities (aggregates/log_loss.hpp), and mean sequence probability
///        (aggregates/sequence.hpp).
///
/// The kernels are memory-bound and written for it: one pass over the input in blocks of a few
/// thousand elements; inside a block a branch-free vector loop computes the sum and records in a
/// lane mask whether any element was invalid; only after the block is a flag tested, and on error a
/// cold routine rescans the block to name the first bad index and throws `input_error`. Vector code
/// uses the GCC/Clang vector extensions: SSE2 (2 doubles) by default and, when the CPU has them,
/// AVX2 + FMA (4 doubles) chosen at run time (`__builtin_cpu_supports`), so no `-march` flag is
/// needed. Three hot cases have x86 block kernels (detail/prob_x86.hpp): binary Brier over double
/// probabilities and byte outcomes, and 4-class Brier and cross-entropy from log-probabilities over
/// double rows (AVX-512F for the latter's exp where the CPU has it). Per-block sums are combined with Neumaier's compensated summation. The results agree with
/// the per-example functions (brier.hpp, cross_entropy.hpp, conjunction.hpp) averaged with exact
/// summation to about 1e-15 relative; they are not bit-identical to a sequential loop.
#pragma once

#include "emergent/metrics/aggregates/brier.hpp"
#include "emergent/metrics/aggregates/log_loss.hpp"
#include "emergent/metrics/aggregates/ranges.hpp"
#include "emergent/metrics/aggregates/sequence.hpp"
