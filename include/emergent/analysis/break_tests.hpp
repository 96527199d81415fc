/// @file
/// @brief Is there a break? Davies' (2002) test and Muggeo's (2016) pseudo-score test for a change
///        in slope, computed exactly as R's `segmented::davies.test` and `segmented::pscore.test`
///        compute them for a linear model y ~ x.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "emergent/analysis/detail/small_lsq.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/scaling_curve.hpp"

namespace emergent {

/// Direction of the alternative hypothesis of a break test (R's `alternative`).
enum class break_alternative {
  two_sided,  ///< the slope changes in either direction
  less,       ///< the slope decreases
  greater,    ///< the slope increases
};

/// Options of `davies_test` and `pscore_test`: the defaults are R's (k = 10, two-sided).
struct break_test_options {
  std::size_t k = 10;                                      ///< number of candidate breakpoints in the grid
  break_alternative alternative = break_alternative::two_sided;  ///< direction of the alternative
};

/// The result of a test for a change in slope.
struct break_test_result {
  double statistic = 0;   ///< Davies: the maximum (or min/max abs) of the Wald statistics; score: the standardised score
  double p_value = 1;     ///< p-value, capped at 1
  double best = 0;        ///< Davies: the grid value where the statistic is extreme ("'best' at" in R); score: NaN-free 0
  std::size_t n_points = 0;   ///< grid points used (R's n.points)
  std::vector<double> grid;   ///< the candidate breakpoints
  std::vector<double> process;  ///< the statistic at each candidate breakpoint (Davies only)
};

namespace detail {

inline void break_test_check(std::span<const double> x, std::span<const double> y, const break_test_options& o,
                             const char* fn) {
  if (x.size() != y.size()) {
    throw input_error(std::string(fn) + ": x has " + std::to_string(x.size()) + " values but y has " +
                      std::to_string(y.size()));
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) throw input_error(describe_at(fn, "x", i, "not finite"));
    if (!std::isfinite(y[i])) throw input_error(describe_at(fn, "y", i, "not finite"));
  }
  if (o.k < 2) throw input_error(std::string(fn) + ": k: " + std::to_string(o.k) + " must be at least 2");
  if (x.size() < 4) {
    throw input_error(std::string(fn) + ": x: " + std::to_string(x.size()) + " points are too few (need at least 4)");
  }
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  if (!(*hi > *lo)) throw input_error(std::string(fn) + ": x: all values are equal");
}

/// R's seq(from, to, length = k).
inline std::vector<double> r_seq(double from, double to, std::size_t k) {
  std::vector<double> v(k);
  const double by = (to - from) / static_cast<double>(k - 1);
  for (std::size_t i = 0; i < k; ++i) v[i] = from + static_cast<double>(i) * by;
  if (k > 1) v[k - 1] = to;
  return v;
}

}  // namespace detail

/// Davies' test for a change in the slope of y on x (Davies 2002, "Hypothesis testing when a
/// nuisance parameter is present only under the alternative: linear model case", Biometrika 89:484),
/// exactly as R `segmented::davies.test(lm(y ~ x), k = 10)` computes it (segmented 1.6):
///
/// - grid psi_1..psi_k = seq(x_(2), x_(n-1), length = k) (second smallest to second largest x);
/// - at each psi the linear model [ (x - psi)_+, 1, x ] is fitted and the Wald statistic of the
///   hinge coefficient s(psi) = b / (sigma^ sqrt((X'X)^-1_11)), sigma^2 = RSS/(n-3), is recorded;
/// - for n <= 300 (R's daviesLM): M = max |s| (two-sided), V = sum |diff(asin(sqrt(r)))| with
///   r = Z^2/(Z^2 + RSS), Z = b/sqrt((X'X)^-1_11), u = M^2/(n-3+M^2), and
///   p = 2 [ P(T_{n-3} > M) + V (1-u)^{(n-4)/2} Gamma((n-2)/2) / (2 Gamma((n-3)/2) sqrt(pi)) ];
/// - for n > 300 (R's daviesGLM with type "wald"): V = sum |diff(s)|, p = 2 [ P(Z > M) +
///   V exp(-M^2/2)/sqrt(8 pi) ].
/// One-sided alternatives use min s ("less") or max s ("greater") and drop the factor 2.
///
/// Throws input_error for mismatched lengths, non-finite values, fewer than 4 points, constant x, k < 2.
/// Throws numerical_error when the statistic is undefined for valid data: constant y (message
/// "davies_test: y is constant: ..."), or y fitted exactly (zero residual variance) at a candidate
/// break (RSS below 2^-80 of the total sum of squares), where s(psi) = b/(σ̂·se) divides rounding
/// noise by rounding noise (R returns NaN or a meaningless p-value there).
template <class Deferred = void>
[[nodiscard]] break_test_result davies_test(std::span<const double> x, std::span<const double> y,
                                                   const break_test_options& options = {}) {
  constexpr const char* fn = "davies_test";
  detail::break_test_check(x, y, options, fn);
  const std::size_t n = x.size();
  if (const auto [ylo, yhi] = std::minmax_element(y.begin(), y.end()); !(*yhi > *ylo)) {
    char value[32];
    std::snprintf(value, sizeof value, "%.17g", *ylo);
    throw numerical_error(std::string(fn) + ": y is constant: all " + std::to_string(n) + " values are " + value +
                          ", so every hinge model fits exactly and the Wald statistic is 0/0");
  }
  std::vector<double> xs(x.begin(), x.end());
  std::sort(xs.begin(), xs.end());
  break_test_result out;
  out.grid = detail::r_seq(xs[1], xs[n - 2], options.k);
  const double df = static_cast<double>(n) - 3.0;
  // centre x for conditioning; the hinge column is unaffected by a shift applied to x and psi alike
  const double xc = 0.5 * (xs.front() + xs.back());
  // A hinge fit with RSS below (2^-40)^2 of the total sum of squares is exact up to rounding: its
  // Wald statistic would be rounding noise divided by rounding noise.
  double ybar = 0;
  for (double v : y) ybar += v / static_cast<double>(n);
  double tss = 0;
  for (double v : y) tss += (v - ybar) * (v - ybar);
  const double exact_rss = tss * 0x1p-80;
  std::vector<double> valori, stat, ratio;
  for (double psi : out.grid) {
    std::array<double, detail::lsq_max> beta{};
    double rss = 0;
    std::array<double, detail::lsq_max * detail::lsq_max> inv{};
    const bool ok = detail::ols(n, 3, y.data(), [&](std::size_t j, std::size_t i) {
      if (j == 0) return std::max(x[i] - psi, 0.0);
      return j == 1 ? 1.0 : x[i] - xc;
    }, beta, rss, &inv);
    if (!ok) continue;
    const double sigma = std::sqrt(rss / df);
    const double se1 = std::sqrt(inv[0]);
    if (!(rss > exact_rss) || !std::isfinite(beta[0] / (sigma * se1))) {
      char at[32];
      std::snprintf(at, sizeof at, "%.6g", psi);
      throw numerical_error(std::string(fn) + ": y: the hinge model at psi = " + at +
                            " fits exactly (residual variance 0), so the Wald statistic is undefined");
    }
    valori.push_back(psi);
    stat.push_back(beta[0] / (sigma * se1));
    const double z = beta[0] / se1;
    ratio.push_back(z * z / (z * z + rss));
  }
  if (stat.empty()) throw numerical_error(std::string(fn) + ": no candidate breakpoint gives an estimable model");
  std::size_t at = 0;
  double m = 0;
  for (std::size_t i = 0; i < stat.size(); ++i) {
    const double v = options.alternative == break_alternative::two_sided ? std::abs(stat[i]) : stat[i];
    const bool better = i == 0 || (options.alternative == break_alternative::less ? v < m : v > m);
    if (better) {
      m = v;
      at = i;
    }
  }
  double p = 0;
  if (n <= 300) {
    double var = 0;
    for (std::size_t i = 1; i < ratio.size(); ++i) {
      var += std::abs(std::asin(std::sqrt(ratio[i])) - std::asin(std::sqrt(ratio[i - 1])));
    }
    const double naive = options.alternative == break_alternative::less ? detail::student_t_lower(m, df)
                                                                        : detail::student_t_upper(m, df);
    const double u = m * m / ((static_cast<double>(n) - 3.0) + m * m);
    const double approx = var * std::pow(1.0 - u, (df - 1.0) / 2.0) *
                          std::exp(std::lgamma(df / 2.0 + 0.5) - std::lgamma(df / 2.0)) / (2.0 * std::sqrt(std::numbers::pi));
    p = naive + approx;
  } else {
    double var = 0;
    for (std::size_t i = 1; i < stat.size(); ++i) var += std::abs(stat[i] - stat[i - 1]);
    const double naive = options.alternative == break_alternative::less ? 1.0 - detail::normal_upper(m)
                                                                        : detail::normal_upper(m);
    p = naive + var * std::exp(-m * m / 2.0) / std::sqrt(8.0 * std::numbers::pi);
  }
  if (options.alternative == break_alternative::two_sided) p *= 2.0;
  out.statistic = m;
  out.p_value = std::min(p, 1.0);
  out.best = valori[at];
  out.n_points = valori.size();
  out.grid = valori;
  out.process = stat;
  return out;
}

/// Davies' test on a scaling curve; see the span overload.
template <class Deferred = void>
[[nodiscard]] break_test_result davies_test(const scaling_curve& curve, const break_test_options& options = {}) {
  curve.validate();
  return davies_test(std::span<const double>(curve.x), std::span<const double>(curve.y), options);
}

/// Muggeo's pseudo-score test for one change in slope (Muggeo 2016, "Testing with a nuisance
/// parameter present only under the alternative: a score-based approach with application to
/// segmented modelling", J. Stat. Comput. Simul. 86:3059), exactly as R
/// `segmented::pscore.test(lm(y ~ x), k = 10)` computes it (segmented 1.6):
///
/// - grid psi_1..psi_k = seq(min x, max x, length = k);
/// - averaged hinge m_i = (1/k) sum_j (x_i - psi_j)_+;
/// - with H the hat matrix of [1, x] and sigma^2 = RSS_0/(n-2) of the null fit y ~ x,
///   statistic = m'(I-H)y / (sigma sqrt(m'(I-H)m)), p = 2 P(T_{n-2} > |statistic|) (two-sided).
///
/// Throws input_error as `davies_test`.
template <class Deferred = void>
[[nodiscard]] break_test_result pscore_test(std::span<const double> x, std::span<const double> y,
                                                   const break_test_options& options = {}) {
  constexpr const char* fn = "pscore_test";
  detail::break_test_check(x, y, options, fn);
  const std::size_t n = x.size();
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  break_test_result out;
  out.grid = detail::r_seq(*lo, *hi, options.k);
  out.n_points = options.k;
  std::vector<double> mbar(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (double psi : out.grid) s += std::max(x[i] - psi, 0.0);
    mbar[i] = s / static_cast<double>(options.k);
  }
  // residualise y and m on [1, x]
  double sx = 0, sy = 0, sm = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sx += x[i];
    sy += y[i];
    sm += mbar[i];
  }
  const double nn = static_cast<double>(n);
  const double mx = sx / nn, my = sy / nn, mm = sm / nn;
  double sxx = 0, sxy = 0, sxm = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    sxm += (x[i] - mx) * (mbar[i] - mm);
  }
  const double by = sxy / sxx, bm = sxm / sxx;
  double rss0 = 0, score = 0, var = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double ry = (y[i] - my) - by * (x[i] - mx);
    const double rm = (mbar[i] - mm) - bm * (x[i] - mx);
    rss0 += ry * ry;
    score += rm * ry;
    var += rm * rm;
  }
  const double df = nn - 2.0;
  const double sigma = std::sqrt(rss0 / df);
  if (!(var > 0) || !(sigma > 0)) {
    throw numerical_error(std::string(fn) + ": the null model fits exactly or the score has no variance");
  }
  const double stat = score / (sigma * std::sqrt(var));
  double p = 0;
  switch (options.alternative) {
    case break_alternative::two_sided: p = 2.0 * detail::student_t_upper(std::abs(stat), df); break;
    case break_alternative::less: p = detail::student_t_lower(stat, df); break;
    case break_alternative::greater: p = detail::student_t_upper(stat, df); break;
  }
  out.statistic = stat;
  out.p_value = std::min(p, 1.0);
  return out;
}

/// The pseudo-score test on a scaling curve; see the span overload.
template <class Deferred = void>
[[nodiscard]] break_test_result pscore_test(const scaling_curve& curve, const break_test_options& options = {}) {
  curve.validate();
  return pscore_test(std::span<const double>(curve.x), std::span<const double>(curve.y), options);
}

}  // namespace emergent
