// gaussian_aicc: the one AICc of the fit and analysis layers, checked against the Gaussian
// log-likelihood summed point by point (AICc = -2 ln L + 2k + 2k(k+1)/(n-k-1) minus the constant
// n ln(2 pi) + n that every model on the same data shares), and its two infinite cases.
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <vector>

#include <doctest/doctest.h>
#include <emergent/core/information_criteria.hpp>

TEST_CASE("gaussian_aicc is -2 ln L + 2k + 2k(k+1)/(n-k-1) up to the shared constant") {
  const std::vector<double> residuals = {0.3, -0.1, 0.7, -0.5, 0.2, -0.4, 0.1, 0.6, -0.2, -0.3};
  const std::size_t n = residuals.size();
  double rss = 0;
  for (double r : residuals) rss += r * r;
  const double s2 = rss / static_cast<double>(n);  // the maximum-likelihood variance
  double log_l = 0;
  for (double r : residuals) log_l += -0.5 * std::log(2 * std::numbers::pi * s2) - r * r / (2 * s2);
  for (std::size_t p : {1U, 2U, 4U}) {
    const double k = static_cast<double>(p) + 1.0;
    const double nn = static_cast<double>(n);
    const double expected = -2 * log_l + 2 * k + 2 * k * (k + 1) / (nn - k - 1) - nn * std::log(2 * std::numbers::pi) - nn;
    CHECK(emergent::gaussian_aicc(rss, n, p) == doctest::Approx(expected).epsilon(1e-12));
  }
  // hand value: n = 10, RSS = 2, two mean parameters: 10 ln(0.2) + 6 + 24/6
  CHECK(emergent::gaussian_aicc(2.0, 10, 2) == doctest::Approx(10 * std::log(0.2) + 10.0).epsilon(1e-14));
}

TEST_CASE("gaussian_aicc: +inf when n <= k + 1, -inf for an exact fit") {
  constexpr double inf = std::numeric_limits<double>::infinity();
  CHECK(emergent::gaussian_aicc(1.0, 4, 2) == inf);  // k = 3, n - k - 1 = 0
  CHECK(emergent::gaussian_aicc(1.0, 3, 2) == inf);
  CHECK(emergent::gaussian_aicc(0.0, 10, 2) == -inf);
  CHECK(std::isfinite(emergent::gaussian_aicc(1e-200, 10, 2)));
}
