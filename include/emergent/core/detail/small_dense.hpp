/// @file
/// @brief Dense linear algebra for the small symmetric systems of the fit and analysis layers
///        (at most 12 unknowns): Cholesky factor and solve, and the symmetric eigen-decomposition by
///        cyclic Jacobi rotations. Plain loops on a fixed-capacity array, no heap, no Eigen solver.
///
/// Why not Eigen's solvers: these systems have at most 12 unknowns, and instantiating
/// `Eigen::SelfAdjointEigenSolver<MatrixXd>` costs about 6 s of compiler time and 350 MB in every
/// translation unit that reaches it (fixed-size versions, one per parameter count, cost ten times that);
/// the Jacobi method below is about 40 lines, is exact to machine precision for symmetric matrices
/// (Golub & Van Loan 2013, §8.5; Demmel & Veselić 1992 for its high relative accuracy), and is tested
/// against Eigen's solver in tests/core/test_small_dense.cpp.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

namespace emergent::detail {

/// Largest system handled by the routines of this file (BNSL with three breaks has 12 parameters).
inline constexpr int small_max = 12;

/// A square matrix of order `n` ≤ `small_max`, row-major in a fixed-capacity array.
struct small_matrix {
  int n = 0;                                     ///< order
  std::array<double, small_max * small_max> a{};  ///< entries, row i at a[i·small_max]
  /// Entry (i, j).
  double& operator()(int i, int j) noexcept { return a[static_cast<std::size_t>(i * small_max + j)]; }
  /// Entry (i, j).
  [[nodiscard]] double operator()(int i, int j) const noexcept { return a[static_cast<std::size_t>(i * small_max + j)]; }
};

/// A vector of length `n` ≤ `small_max` in a fixed-capacity array.
struct small_vector {
  int n = 0;                           ///< length
  std::array<double, small_max> v{};  ///< entries
  /// Entry i.
  double& operator()(int i) noexcept { return v[static_cast<std::size_t>(i)]; }
  /// Entry i.
  [[nodiscard]] double operator()(int i) const noexcept { return v[static_cast<std::size_t>(i)]; }
  /// Length, for code written against Eigen vectors.
  [[nodiscard]] int size() const noexcept { return n; }
};

/// In-place Cholesky factor L (lower triangle) of a symmetric positive definite matrix. Returns false
/// when a pivot is not positive relative to its own diagonal entry (numerically singular).
inline bool small_cholesky(small_matrix& m, double relative_pivot = 1e-14) noexcept {
  for (int j = 0; j < m.n; ++j) {
    const double diag = m(j, j);
    double d = diag;
    for (int k = 0; k < j; ++k) d -= m(j, k) * m(j, k);
    if (!(d > relative_pivot * diag) || !(diag > 0) || !std::isfinite(d)) return false;
    d = std::sqrt(d);
    m(j, j) = d;
    for (int i = j + 1; i < m.n; ++i) {
      double s = m(i, j);
      for (int k = 0; k < j; ++k) s -= m(i, k) * m(j, k);
      m(i, j) = s / d;
    }
  }
  return true;
}

/// Solves L Lᵀ x = b in place (b becomes x) with the factor from `small_cholesky`.
inline void small_cholesky_solve(const small_matrix& l, double* b) noexcept {
  for (int i = 0; i < l.n; ++i) {
    double s = b[i];
    for (int k = 0; k < i; ++k) s -= l(i, k) * b[k];
    b[i] = s / l(i, i);
  }
  for (int i = l.n - 1; i >= 0; --i) {
    double s = b[i];
    for (int k = i + 1; k < l.n; ++k) s -= l(k, i) * b[k];
    b[i] = s / l(i, i);
  }
}

/// Eigen-decomposition A = V·diag(w)·Vᵀ of a symmetric matrix by the cyclic Jacobi method with the
/// threshold strategy (Golub & Van Loan 2013, Algorithm 8.5.3; rotations as in Rutishauser 1966).
/// Eigenvalues come out unsorted; column k of `vectors` belongs to values[k]. Sweeps stop when the
/// off-diagonal mass is below 1e-30 of the diagonal mass or after 60 sweeps.
inline void small_symmetric_eigen(const small_matrix& matrix, double* values, small_matrix& vectors) noexcept {
  small_matrix a = matrix;
  const int n = a.n;
  vectors.n = n;
  vectors.a.fill(0.0);
  for (int i = 0; i < n; ++i) vectors(i, i) = 1.0;
  for (int sweep = 0; sweep < 60; ++sweep) {
    double off = 0, diag = 0;
    for (int i = 0; i < n; ++i) {
      diag += a(i, i) * a(i, i);
      for (int j = i + 1; j < n; ++j) off += a(i, j) * a(i, j);
    }
    if (!(off > 1e-30 * diag) || !std::isfinite(off)) break;
    for (int p = 0; p < n; ++p) {
      for (int q = p + 1; q < n; ++q) {
        const double apq = a(p, q);
        if (apq == 0.0) continue;
        // Rotation that annihilates a(p, q): t = sign(θ)/(|θ| + √(θ² + 1)), θ = (a_qq − a_pp)/(2 a_pq).
        const double theta = (a(q, q) - a(p, p)) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; ++k) {  // columns p and q
          const double akp = a(k, p), akq = a(k, q);
          a(k, p) = c * akp - s * akq;
          a(k, q) = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) {  // rows p and q
          const double apk = a(p, k), aqk = a(q, k);
          a(p, k) = c * apk - s * aqk;
          a(q, k) = s * apk + c * aqk;
        }
        a(p, q) = a(q, p) = 0.0;
        for (int k = 0; k < n; ++k) {
          const double vkp = vectors(k, p), vkq = vectors(k, q);
          vectors(k, p) = c * vkp - s * vkq;
          vectors(k, q) = s * vkp + c * vkq;
        }
      }
    }
  }
  for (int i = 0; i < n; ++i) values[i] = a(i, i);
}

}  // namespace emergent::detail
