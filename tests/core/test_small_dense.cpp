// The small dense routines of the fit layer against Eigen's own decompositions (differential tests on
// random symmetric matrices of every order 1..12) and exact properties (orthogonality, reconstruction).
#include <doctest/doctest.h>

#include <emergent/core/detail/random.hpp>
#include <emergent/core/detail/small_dense.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <vector>

using emergent::detail::small_matrix;

namespace {

// A random symmetric positive semi-definite matrix BᵀB + shift·I with eigenvalues spread over `spread` decades.
Eigen::MatrixXd random_spd(emergent::detail::xoshiro256ss& rng, int n, double spread) {
  Eigen::MatrixXd q = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) q(i, j) = emergent::detail::standard_normal(rng);
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(q);
  const Eigen::MatrixXd Q = qr.householderQ();
  Eigen::VectorXd d(n);
  for (int i = 0; i < n; ++i) d(i) = std::pow(10.0, -spread * emergent::detail::uniform01(rng));
  return Q * d.asDiagonal() * Q.transpose();
}

small_matrix to_small(const Eigen::MatrixXd& m) {
  small_matrix s;
  s.n = static_cast<int>(m.rows());
  for (int i = 0; i < s.n; ++i)
    for (int j = 0; j < s.n; ++j) s(i, j) = m(i, j);
  return s;
}

}  // namespace

TEST_CASE("small_symmetric_eigen agrees with Eigen's SelfAdjointEigenSolver on every order 1..12") {
  auto rng = emergent::detail::xoshiro256ss(2026);
  for (int n = 1; n <= 12; ++n) {
    for (int trial = 0; trial < 40; ++trial) {
      const Eigen::MatrixXd a = random_spd(rng, n, trial % 2 == 0 ? 3.0 : 12.0);
      small_matrix vectors;
      std::vector<double> w(static_cast<std::size_t>(n));
      emergent::detail::small_symmetric_eigen(to_small(a), w.data(), vectors);
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(a);
      std::vector<double> ours = w;
      std::sort(ours.begin(), ours.end());
      const double scale = eig.eigenvalues().cwiseAbs().maxCoeff();
      for (int k = 0; k < n; ++k) CHECK(std::abs(ours[static_cast<std::size_t>(k)] - eig.eigenvalues()(k)) <= 1e-13 * scale);
      // V orthogonal and A = V diag(w) Vᵀ.
      for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
          double vv = 0, rec = 0;
          for (int k = 0; k < n; ++k) {
            vv += vectors(k, i) * vectors(k, j);
            rec += vectors(i, k) * w[static_cast<std::size_t>(k)] * vectors(j, k);
          }
          CHECK(std::abs(vv - (i == j ? 1.0 : 0.0)) <= 1e-13);
          CHECK(std::abs(rec - a(i, j)) <= 1e-13 * scale);
        }
      }
    }
  }
}

TEST_CASE("small_cholesky solves like Eigen's LDLT and refuses singular or indefinite matrices") {
  auto rng = emergent::detail::xoshiro256ss(7);
  for (int n = 1; n <= 12; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      const Eigen::MatrixXd a = random_spd(rng, n, 6.0);
      Eigen::VectorXd b(n);
      for (int i = 0; i < n; ++i) b(i) = emergent::detail::standard_normal(rng);
      small_matrix l = to_small(a);
      REQUIRE(emergent::detail::small_cholesky(l));
      std::vector<double> x(b.data(), b.data() + n);
      emergent::detail::small_cholesky_solve(l, x.data());
      const Eigen::VectorXd ref = a.ldlt().solve(b);
      for (int i = 0; i < n; ++i) CHECK(std::abs(x[static_cast<std::size_t>(i)] - ref(i)) <= 1e-8 * ref.cwiseAbs().maxCoeff());
    }
  }
  small_matrix singular;
  singular.n = 2;
  singular(0, 0) = singular(0, 1) = singular(1, 0) = singular(1, 1) = 1.0;  // rank 1
  CHECK_FALSE(emergent::detail::small_cholesky(singular));
  small_matrix indefinite;
  indefinite.n = 2;
  indefinite(0, 0) = 1;
  indefinite(1, 1) = -1;
  CHECK_FALSE(emergent::detail::small_cholesky(indefinite));
}
