/// @file
/// @brief How many breaks? The number of breakpoints chosen by AICc and by sequential pseudo-score
///        tests, with a warning when the curve has too few points for the choice to mean anything.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "emergent/analysis/break_tests.hpp"
#include "emergent/analysis/detail/small_lsq.hpp"
#include "emergent/analysis/segmented.hpp"
#include "emergent/core/error.hpp"

namespace emergent {

/// Options of `choose_breaks`.
struct break_count_options {
  std::size_t max_breaks = 3;   ///< largest number of breakpoints considered (1..3)
  double alpha = 0.05;          ///< family-wise level of the sequential tests (Bonferroni over max_breaks)
  segmented_shape shape = segmented_shape::continuous;  ///< continuous or plateau
  std::size_t min_points_per_segment = 2;  ///< as in segmented_options
};

/// The choice of the number of breakpoints.
struct break_count {
  std::vector<double> aicc;       ///< AICc of the models with 0..max_breaks breakpoints (infinite when not fittable)
  std::vector<double> rss;        ///< their residual sums of squares
  std::vector<double> score_p;    ///< p-value of the pseudo-score test of k versus k+1 breaks, k = 0..max-1
  std::size_t by_aicc = 0;        ///< number of breakpoints with the smallest AICc
  std::size_t by_tests = 0;       ///< number chosen by the sequential tests
  std::vector<segmented_fit> fits;  ///< fits with 1..max_breaks breakpoints that could be fitted (index k-1)
  std::vector<std::string> warnings;  ///< e.g. too few points for the choice to be meaningful
};

/// Pseudo-score test for one more breakpoint given breakpoints already fitted (R's
/// `pscore.test(segmented_fit, more.break = TRUE)`): the null model is the segmented fit with its
/// breakpoints held fixed as known hinge columns [1, x, (x - psi_j)_+] (plateau: without x); the
/// averaged hinge m_i = (1/k) sum_j (x_i - g_j)_+ over g = seq(min x, max x, length = k) is
/// residualised on it, and statistic = m'(I-H)y / (sigma sqrt(m'(I-H)m)) with sigma^2 = RSS/(n - p0 - 2K)
/// and p = 2 P(T_{n - p0 - 2K} > |statistic|) (Muggeo 2016).
/// Throws input_error for invalid x, y or k < 2; numerical_error when the null design is singular.
template <class Deferred = void>
[[nodiscard]] break_test_result pscore_test_more(std::span<const double> x, std::span<const double> y,
                                                        std::span<const double> breakpoints,
                                                        segmented_shape shape = segmented_shape::continuous,
                                                        const break_test_options& options = {}) {
  constexpr const char* fn = "pscore_test_more";
  detail::break_test_check(x, y, options, fn);
  const std::size_t n = x.size();
  const std::size_t p0 = shape == segmented_shape::plateau ? 1 : 2;
  const std::size_t q = p0 + breakpoints.size();
  if (q + 1 >= n) throw input_error(std::string(fn) + ": x: too few points for the null model");
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  break_test_result out;
  out.grid = detail::r_seq(*lo, *hi, options.k);
  out.n_points = options.k;
  std::vector<double> mbar(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (double g : out.grid) s += std::max(x[i] - g, 0.0);
    mbar[i] = s / static_cast<double>(options.k);
  }
  const double xc = 0.5 * (*lo + *hi);
  const auto column = [&](std::size_t j, std::size_t i) {
    if (j == 0) return 1.0;
    if (j == 1 && p0 == 2) return x[i] - xc;
    return std::max(x[i] - breakpoints[j - p0], 0.0);
  };
  std::array<double, detail::lsq_max> by{}, bm{};
  double rss0 = 0, rssm = 0;
  if (!detail::ols(n, q, y.data(), column, by, rss0) || !detail::ols(n, q, mbar.data(), column, bm, rssm)) {
    throw numerical_error(std::string(fn) + ": the null model's design is singular");
  }
  double score = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double fy = 0, fm = 0;
    for (std::size_t j = 0; j < q; ++j) {
      fy += by[j] * column(j, i);
      fm += bm[j] * column(j, i);
    }
    score += (mbar[i] - fm) * (y[i] - fy);
  }
  // R uses the residual degrees of freedom of the segmented fit: n - p0 - 2K
  const double df = static_cast<double>(n) - static_cast<double>(p0 + 2 * breakpoints.size());
  const double sigma = std::sqrt(rss0 / df);
  if (!(rssm > 0) || !(sigma > 0)) throw numerical_error(std::string(fn) + ": the score has no variance");
  const double stat = score / (sigma * std::sqrt(rssm));
  out.statistic = stat;
  out.p_value = std::min(1.0, 2.0 * detail::student_t_upper(std::abs(stat), df));
  return out;
}

/// Chooses the number of breakpoints (0..max_breaks) two ways:
/// - by AICc (Hurvich & Tsai 1989) of the Gaussian model, counting 2 + 2K mean parameters
///   (plateau: 1 + 2K) plus sigma, with K = 0 the straight line (plateau: the constant);
/// - by sequential pseudo-score tests: starting at K = 0, add a breakpoint while the test of K versus
///   K+1 (`pscore_test` for K = 0, `pscore_test_more` otherwise) rejects at alpha / max_breaks.
/// Adds a warning when the curve has fewer than 5 points per segment of the largest model or when
/// the two criteria disagree.
template <class Deferred = void>
[[nodiscard]] break_count choose_breaks(std::span<const double> x, std::span<const double> y,
                                               const break_count_options& options = {}) {
  constexpr const char* fn = "choose_breaks";
  if (options.max_breaks < 1 || options.max_breaks > 3) {
    throw input_error(std::string(fn) + ": max_breaks: " + std::to_string(options.max_breaks) + " is outside 1..3");
  }
  if (options.shape == segmented_shape::step) throw input_error(std::string(fn) + ": shape: step is not supported");
  if (!(options.alpha > 0 && options.alpha < 1)) throw input_error(std::string(fn) + ": alpha: must be in (0, 1)");
  const detail::seg_data d = detail::seg_prepare(x, y, fn);
  const std::size_t p0 = options.shape == segmented_shape::plateau ? 1 : 2;
  if (d.n <= p0 + 1) throw input_error(std::string(fn) + ": x: too few points");
  break_count out;
  // K = 0
  {
    std::array<double, detail::lsq_max> b{};
    double rss = 0;
    const bool ok = detail::ols(d.n, p0, d.y.data(), [&](std::size_t j, std::size_t i) { return j == 0 ? 1.0 : d.t[i]; },
                                b, rss);
    if (!ok) throw input_error(std::string(fn) + ": x: all values are equal");
    out.rss.push_back(rss);
    out.aicc.push_back(gaussian_aicc(rss, d.n, p0));
  }
  for (std::size_t k = 1; k <= options.max_breaks; ++k) {
    segmented_options so;
    so.breaks = k;
    so.shape = options.shape;
    so.min_points_per_segment = options.min_points_per_segment;
    try {
      out.fits.push_back(fit_segmented(x, y, so));
      out.rss.push_back(out.fits.back().rss);
      out.aicc.push_back(out.fits.back().aicc);
    } catch (const input_error&) {
      out.rss.push_back(std::numeric_limits<double>::infinity());
      out.aicc.push_back(std::numeric_limits<double>::infinity());
      out.warnings.push_back("too few points to fit " + std::to_string(k) + " breakpoint(s)");
      break;
    }
  }
  out.by_aicc = static_cast<std::size_t>(std::min_element(out.aicc.begin(), out.aicc.end()) - out.aicc.begin());
  const double level = options.alpha / static_cast<double>(options.max_breaks);
  bool going = true;
  for (std::size_t k = 0; k < options.max_breaks; ++k) {
    double p = 1.0;
    try {
      if (k == 0 && options.shape == segmented_shape::continuous) {
        p = pscore_test(x, y).p_value;
      } else if (k == 0) {
        p = pscore_test_more(x, y, {}, options.shape).p_value;
      } else if (k - 1 < out.fits.size()) {
        std::vector<double> psi;
        for (const auto& b : out.fits[k - 1].breakpoints) psi.push_back(b.estimate);
        p = pscore_test_more(x, y, psi, options.shape).p_value;
      } else {
        break;
      }
    } catch (const std::exception&) {
      p = 1.0;  // no residual variance or singular: nothing more to find
    }
    out.score_p.push_back(p);
    if (going && p < level && k < out.fits.size()) {
      out.by_tests = k + 1;
    } else {
      going = false;
    }
  }
  if (d.n < 5 * (options.max_breaks + 1)) {
    out.warnings.push_back("only " + std::to_string(d.n) + " points: fewer than 5 per segment for " +
                           std::to_string(options.max_breaks) + " breakpoints, so the number of breaks is not well determined");
  }
  if (out.by_aicc != out.by_tests) {
    out.warnings.push_back("AICc chooses " + std::to_string(out.by_aicc) + " and the sequential tests choose " +
                           std::to_string(out.by_tests) + " breakpoint(s)");
  }
  return out;
}

}  // namespace emergent
