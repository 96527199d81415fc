/// @file
/// @brief Internals of the analysis layer: tiny dense symmetric solves without heap allocation, a
///        deterministic random generator, and Student-t / normal tail probabilities.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "emergent/core/detail/math_policy.hpp"
#include "emergent/core/detail/quantile.hpp"

namespace emergent::detail {

/// Largest number of columns of the linear models solved in the analysis layer.
inline constexpr std::size_t lsq_max = 12;

/// A symmetric p x p system (row-major, p <= lsq_max) with its right-hand side.
struct sym_system {
  std::size_t p = 0;
  std::array<double, lsq_max * lsq_max> a{};
  std::array<double, lsq_max> b{};
  double& at(std::size_t i, std::size_t j) { return a[i * lsq_max + j]; }
  [[nodiscard]] double at(std::size_t i, std::size_t j) const { return a[i * lsq_max + j]; }
};

/// In-place Cholesky factor (lower triangle) of a symmetric matrix; false when a pivot is not
/// positive relative to the matrix' own diagonal (numerically singular design).
inline bool cholesky(std::size_t p, std::array<double, lsq_max * lsq_max>& a) {
  for (std::size_t j = 0; j < p; ++j) {
    const double scale = a[j * lsq_max + j];
    double d = scale;
    for (std::size_t k = 0; k < j; ++k) d -= a[j * lsq_max + k] * a[j * lsq_max + k];
    if (!(d > 1e-11 * scale) || !(scale > 0)) return false;
    d = std::sqrt(d);
    a[j * lsq_max + j] = d;
    for (std::size_t i = j + 1; i < p; ++i) {
      double s = a[i * lsq_max + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * lsq_max + k] * a[j * lsq_max + k];
      a[i * lsq_max + j] = s / d;
    }
  }
  return true;
}

/// Solves L L' x = b in place (b becomes x) with the factor from `cholesky`.
inline void cholesky_solve(std::size_t p, const std::array<double, lsq_max * lsq_max>& l,
                           std::array<double, lsq_max>& b) {
  for (std::size_t i = 0; i < p; ++i) {
    double s = b[i];
    for (std::size_t k = 0; k < i; ++k) s -= l[i * lsq_max + k] * b[k];
    b[i] = s / l[i * lsq_max + i];
  }
  for (std::size_t ii = p; ii-- > 0;) {
    double s = b[ii];
    for (std::size_t k = ii + 1; k < p; ++k) s -= l[k * lsq_max + ii] * b[k];
    b[ii] = s / l[ii * lsq_max + ii];
  }
}

/// The inverse (full symmetric, row-major) from the Cholesky factor.
inline std::array<double, lsq_max * lsq_max> cholesky_inverse(std::size_t p,
                                                              const std::array<double, lsq_max * lsq_max>& l) {
  std::array<double, lsq_max * lsq_max> inv{};
  for (std::size_t c = 0; c < p; ++c) {
    std::array<double, lsq_max> e{};
    e[c] = 1.0;
    cholesky_solve(p, l, e);
    for (std::size_t r = 0; r < p; ++r) inv[r * lsq_max + c] = e[r];
  }
  return inv;
}

/// Ordinary least squares on an n x p design given column by column through `column(j, i)`.
/// Returns false when the design is singular. Fills beta, the residual sum of squares (computed
/// from the residuals, not from the normal equations) and optionally the inverse of X'X.
template <class Column>
bool ols(std::size_t n, std::size_t p, const double* y, Column&& column, std::array<double, lsq_max>& beta,
         double& rss, std::array<double, lsq_max * lsq_max>* xtx_inverse = nullptr) {
  sym_system s;
  s.p = p;
  std::array<double, lsq_max> row{};
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < p; ++j) row[j] = column(j, i);
    for (std::size_t j = 0; j < p; ++j) {
      for (std::size_t k = 0; k <= j; ++k) s.a[j * lsq_max + k] += row[j] * row[k];
      s.b[j] += row[j] * y[i];
    }
  }
  for (std::size_t j = 0; j < p; ++j)
    for (std::size_t k = 0; k < j; ++k) s.a[k * lsq_max + j] = s.a[j * lsq_max + k];
  if (!cholesky(p, s.a)) return false;
  beta = s.b;
  cholesky_solve(p, s.a, beta);
  rss = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    double f = 0.0;
    for (std::size_t j = 0; j < p; ++j) f += beta[j] * column(j, i);
    const double r = y[i] - f;
    rss += r * r;
  }
  if (xtx_inverse != nullptr) *xtx_inverse = cholesky_inverse(p, s.a);
  return true;
}

/// Upper tail P(T > t) of Student's t with `df` degrees of freedom (df may be non-integer).
template <class Policy = math_policy>  // only callers instantiate the Boost.Math distribution
double student_t_upper(double t, double df) {
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  boost::math::students_t_distribution<double, Policy> dist(df);
  return boost::math::cdf(boost::math::complement(dist, t));
}

/// Lower tail P(T <= t) of Student's t.
template <class Policy = math_policy>  // only callers instantiate the Boost.Math distribution
double student_t_lower(double t, double df) {
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  boost::math::students_t_distribution<double, Policy> dist(df);
  return boost::math::cdf(dist, t);
}

/// Quantile of Student's t.
template <class Policy = math_policy>  // only callers instantiate the Boost.Math distribution
double student_t_quantile(double p, double df) {
  // Bootstrap loops ask for the same quantile thousands of times: remember the last few.
  struct entry {
    double p, df, q;
  };
  thread_local std::array<entry, 4> cache{{{-1, -1, 0}, {-1, -1, 0}, {-1, -1, 0}, {-1, -1, 0}}};
  thread_local std::size_t next = 0;
  for (const entry& e : cache) {
    if (e.p == p && e.df == df) return e.q;
  }
  boost::math::students_t_distribution<double, Policy> dist(df);
  const double q = boost::math::quantile(dist, p);
  cache[next] = {p, df, q};
  next = (next + 1) % cache.size();
  return q;
}

/// Upper tail of the standard normal.
inline double normal_upper(double z) {
  if (std::isinf(z)) return z > 0 ? 0.0 : 1.0;
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

/// Quantile of the chi-squared distribution.
template <class Policy = math_policy>  // only callers instantiate the Boost.Math distribution
double chi_squared_quantile(double p, double df) {
  boost::math::chi_squared_distribution<double, Policy> dist(df);
  return boost::math::quantile(dist, p);
}

/// SplitMix64 followed by xoshiro256**: a small, fast, platform-independent generator, so that
/// every random procedure of the analysis layer gives the same numbers on every compiler.
class analysis_rng {
 public:
  explicit analysis_rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::uint64_t z = seed ^ (0x9E3779B97F4A7C15ULL * (stream + 1));
    for (auto& s : state_) s = splitmix(z);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  /// Uniform on [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n).
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }
  /// Standard normal (Box-Muller, one value per call).
  double normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& z) {
    z += 0x9E3779B97F4A7C15ULL;
    std::uint64_t r = z;
    r = (r ^ (r >> 30)) * 0xBF58476D1CE4E5B9ULL;
    r = (r ^ (r >> 27)) * 0x94D049BB133111EBULL;
    return r ^ (r >> 31);
  }
  std::array<std::uint64_t, 4> state_{};
};

/// Percentile (type 7, as R's default quantile) of sorted values: the library's one quantile.
inline double sorted_quantile(const double* sorted, std::size_t n, double p) { return quantile_sorted(sorted, n, p); }

}  // namespace emergent::detail
