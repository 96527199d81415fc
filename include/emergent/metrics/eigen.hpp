/// @file
/// @brief Opt-in Eigen overloads of the aggregate kernels (metrics/aggregates.hpp): the mean Brier
///        score, log-loss, cross-entropy and sequence probability of Eigen vector and matrix
///        expressions, taken as `const Eigen::MatrixBase<Derived>&` and read without copying the input
///        (contiguous storage in place, anything else a bounded block at a time). The only metrics
///        header that needs Eigen's include path; the rest of metrics/ does not include Eigen.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "emergent/core/error.hpp"
#include "emergent/metrics/aggregates.hpp"

namespace emergent {

namespace detail::prob {

// ------------------------------------------------------------------------------------------ Eigen access

/// Calls f(pointer, count, offset) over a vector expression: directly on its storage when it is
/// contiguous, otherwise on chunks evaluated into a bounded buffer (never a copy of the whole input).
template <class Derived, class F>
void for_each_vector_chunk(const Eigen::MatrixBase<Derived>& x, F&& f) {
  using Scalar = typename Derived::Scalar;
  if constexpr (bool(Derived::Flags & Eigen::DirectAccessBit)) {
    if (x.innerStride() == 1 || x.size() <= 1) {
      f(x.derived().data(), static_cast<std::size_t>(x.size()), std::size_t{0});
      return;
    }
  }
  constexpr Eigen::Index chunk = 4096;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> buffer;
  for (Eigen::Index i = 0; i < x.size(); i += chunk) {
    const Eigen::Index len = std::min(chunk, x.size() - i);
    buffer = x.derived().reshaped().segment(i, len);
    f(buffer.data(), static_cast<std::size_t>(len), static_cast<std::size_t>(i));
  }
}

/// Calls f(pointer, rows, row_offset) over an n×K matrix expression in row-major order: directly when
/// its storage is row-major and contiguous, otherwise on blocks of rows evaluated into a buffer.
template <class Derived, class F>
void for_each_row_chunk(const Eigen::MatrixBase<Derived>& x, F&& f) {
  using Scalar = typename Derived::Scalar;
  if constexpr (bool(Derived::Flags & Eigen::DirectAccessBit) && bool(Derived::Flags & Eigen::RowMajorBit)) {
    if (x.innerStride() == 1 && (x.outerStride() == x.cols() || x.rows() <= 1)) {
      f(x.derived().data(), static_cast<std::size_t>(x.rows()), std::size_t{0});
      return;
    }
  }
  if constexpr (bool(Derived::Flags & Eigen::DirectAccessBit) && !bool(Derived::Flags & Eigen::RowMajorBit)) {
    if (x.cols() == 1 && x.innerStride() == 1) {  // a column vector is also one value per row
      f(x.derived().data(), static_cast<std::size_t>(x.rows()), std::size_t{0});
      return;
    }
  }
  const Eigen::Index chunk = std::max<Eigen::Index>(1, 4096 / std::max<Eigen::Index>(1, x.cols()));
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> buffer;
  for (Eigen::Index r = 0; r < x.rows(); r += chunk) {
    const Eigen::Index len = std::min(chunk, x.rows() - r);
    buffer = x.middleRows(r, len);
    f(buffer.data(), static_cast<std::size_t>(len), static_cast<std::size_t>(r));
  }
}

/// Pointer to a vector expression's values: its own storage when contiguous, else `storage` filled
/// with them (used for labels and outcomes only when they are not contiguous).
template <class Derived>
const typename Derived::Scalar* contiguous_values(const Eigen::MatrixBase<Derived>& x,
                                                  Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, 1>& storage) {
  if constexpr (bool(Derived::Flags & Eigen::DirectAccessBit)) {
    if (x.innerStride() == 1 || x.size() <= 1) return x.derived().data();
  }
  storage = x.derived().reshaped();
  return storage.data();
}

template <class Derived>
void check_eigen_vector(const Eigen::MatrixBase<Derived>& x, std::string_view function, std::string_view argument) {
  if (x.rows() != 1 && x.cols() != 1) {
    throw input_error(detail::describe(function, argument, "must be a vector (one row or one column)"));
  }
}

}  // namespace detail::prob

/// Eigen overload of the mean binary Brier score: `probabilities` and `outcomes` are vector
/// expressions of equal size (outcomes of an integer scalar type). Selected when `probabilities` is
/// a vector at compile time (VectorXd, a Map of one, `.col(j)`, ...); a dynamic matrix selects the
/// multi-class overload. Contiguous storage is read in place; other expressions are evaluated a
/// block at a time, never copied whole.
template <class DP, class DO>
  requires(bool(DP::IsVectorAtCompileTime))
[[nodiscard]] double mean_brier_score(const Eigen::MatrixBase<DP>& probabilities, const Eigen::MatrixBase<DO>& outcomes) {
  static_assert(std::is_integral_v<typename DO::Scalar>, "mean_brier_score: outcomes must have an integer scalar type");
  constexpr std::string_view fn = "mean_brier_score";
  detail::prob::check_eigen_vector(probabilities, fn, "probabilities");
  detail::prob::check_eigen_vector(outcomes, fn, "outcomes");
  const auto n = static_cast<std::size_t>(probabilities.size());
  detail::prob::check_sizes(n, static_cast<std::size_t>(outcomes.size()), fn, "probabilities", "outcomes");
  detail::prob::check_nonempty(n, fn, "probabilities");
  detail::prob::kernel_total total;
  detail::prob::for_each_vector_chunk(outcomes, [&](const typename DO::Scalar* o, std::size_t m, std::size_t off) {
    const auto pseg = probabilities.derived().reshaped().segment(static_cast<Eigen::Index>(off), static_cast<Eigen::Index>(m));
    detail::prob::for_each_vector_chunk(pseg, [&](const typename DP::Scalar* p, std::size_t mm, std::size_t off2) {
      detail::prob::brier_binary(p, o + off2, mm, off + off2, total);
    });
  });
  return total.value() / static_cast<double>(n);
}

/// Eigen overload of the mean multi-class Brier score: `probabilities` is an n×K matrix expression
/// (one row per example; not a vector at compile time), `labels` an integer vector of n class
/// indices. Row-major contiguous storage is read in place; anything else a block of rows at a time.
template <class DP, class DL>
  requires(!bool(DP::IsVectorAtCompileTime))
[[nodiscard]] double mean_brier_score(const Eigen::MatrixBase<DP>& probabilities, const Eigen::MatrixBase<DL>& labels,
                                      const brier_options& options = {}) {
  static_assert(std::is_integral_v<typename DL::Scalar>, "mean_brier_score: labels must have an integer scalar type");
  constexpr std::string_view fn = "mean_brier_score";
  detail::prob::check_eigen_vector(labels, fn, "labels");
  const auto rows = static_cast<std::size_t>(probabilities.rows());
  const auto k = static_cast<std::size_t>(probabilities.cols());
  detail::prob::check_sizes(rows, static_cast<std::size_t>(labels.size()), fn, "probabilities rows", "labels");
  if (k == 0) throw input_error(detail::describe(fn, "probabilities", "has no columns (classes)"));
  detail::prob::check_nonempty(rows, fn, "labels");
  Eigen::Matrix<typename DL::Scalar, Eigen::Dynamic, 1> storage;
  const auto* y = detail::prob::contiguous_values(labels, storage);
  detail::prob::kernel_total total;
  detail::prob::for_each_row_chunk(probabilities, [&](const typename DP::Scalar* p, std::size_t m, std::size_t r) {
    detail::prob::brier_multi(p, y + r, m, k, r, options.normalize, total);
  });
  double mean = total.value() / static_cast<double>(rows);
  if (options.convention == brier_convention::mean_over_classes) mean /= static_cast<double>(k);
  return mean;
}

/// Eigen overload of the mean binary log-loss (vectors of probabilities and integer 0/1 outcomes).
template <class DP, class DO>
[[nodiscard]] double mean_log_loss(const Eigen::MatrixBase<DP>& probabilities, const Eigen::MatrixBase<DO>& outcomes,
                                   const log_loss_options& options = {}) {
  static_assert(std::is_integral_v<typename DO::Scalar>, "mean_log_loss: outcomes must have an integer scalar type");
  constexpr std::string_view fn = "mean_log_loss";
  detail::prob::check_options(options, fn);
  detail::prob::check_eigen_vector(probabilities, fn, "probabilities");
  detail::prob::check_eigen_vector(outcomes, fn, "outcomes");
  const auto n = static_cast<std::size_t>(probabilities.size());
  detail::prob::check_sizes(n, static_cast<std::size_t>(outcomes.size()), fn, "probabilities", "outcomes");
  detail::prob::check_nonempty(n, fn, "probabilities");
  detail::prob::kernel_total total;
  detail::prob::for_each_vector_chunk(outcomes, [&](const typename DO::Scalar* o, std::size_t m, std::size_t off) {
    const auto pseg = probabilities.derived().reshaped().segment(static_cast<Eigen::Index>(off), static_cast<Eigen::Index>(m));
    detail::prob::for_each_vector_chunk(pseg, [&](const typename DP::Scalar* p, std::size_t mm, std::size_t off2) {
      detail::prob::log_loss_binary(p, o + off2, mm, off + off2, options, total);
    });
  });
  return total.value() / static_cast<double>(n);
}

/// Eigen overload of the mean multi-class cross-entropy from log-probabilities: an n×K matrix
/// expression and an integer vector of n labels.
template <class DP, class DL>
[[nodiscard]] double mean_cross_entropy_from_log_probabilities(const Eigen::MatrixBase<DP>& log_probabilities,
                                                               const Eigen::MatrixBase<DL>& labels,
                                                               const log_loss_options& options = {}) {
  static_assert(std::is_integral_v<typename DL::Scalar>, "labels must have an integer scalar type");
  constexpr std::string_view fn = "mean_cross_entropy_from_log_probabilities";
  detail::prob::check_options(options, fn);
  detail::prob::check_eigen_vector(labels, fn, "labels");
  const auto rows = static_cast<std::size_t>(log_probabilities.rows());
  const auto k = static_cast<std::size_t>(log_probabilities.cols());
  detail::prob::check_sizes(rows, static_cast<std::size_t>(labels.size()), fn, "log_probabilities rows", "labels");
  if (k == 0) throw input_error(detail::describe(fn, "log_probabilities", "has no columns (classes)"));
  detail::prob::check_nonempty(rows, fn, "labels");
  Eigen::Matrix<typename DL::Scalar, Eigen::Dynamic, 1> storage;
  const auto* y = detail::prob::contiguous_values(labels, storage);
  detail::prob::kernel_total total;
  std::vector<double> buffer;
  detail::prob::for_each_row_chunk(log_probabilities, [&](const typename DP::Scalar* p, std::size_t m, std::size_t r) {
    detail::prob::cross_entropy_multi(p, y + r, m, k, r, options, buffer, total);
  });
  return total.value() / static_cast<double>(rows);
}

/// Eigen overload of the mean sequence probability: an n×T matrix expression of per-token
/// log-probabilities, one sequence per row.
template <class DP>
[[nodiscard]] double mean_sequence_probability(const Eigen::MatrixBase<DP>& token_log_probs) {
  constexpr std::string_view fn = "mean_sequence_probability";
  const auto rows = static_cast<std::size_t>(token_log_probs.rows());
  const auto t = static_cast<std::size_t>(token_log_probs.cols());
  if (t == 0) throw input_error(detail::describe(fn, "token_log_probs", "has no columns (tokens)"));
  detail::prob::check_nonempty(rows, fn, "token_log_probs");
  detail::prob::kernel_total total;
  std::vector<double> buffer;
  detail::prob::for_each_row_chunk(token_log_probs, [&](const typename DP::Scalar* p, std::size_t m, std::size_t r) {
    detail::prob::sequence_probability_sum(p, m, t, r, buffer, total);
  });
  return total.value() / static_cast<double>(rows);
}

}  // namespace emergent
