// Compile-cost baseline for scripts/bench-compile.sh: what emergent's two dependencies cost anyway —
// an Eigen LDLT solve and a Boost.Math Student-t quantile, in one translation unit.
#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>

#include <cstdio>

int main() {
  Eigen::MatrixXd a = Eigen::MatrixXd::Random(4, 4);
  a = a * a.transpose() + Eigen::MatrixXd::Identity(4, 4);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(4);
  const Eigen::VectorXd x = a.ldlt().solve(b);
  const boost::math::students_t t(10);
  std::printf("%g %g\n", x(0), boost::math::quantile(t, 0.975));
}
