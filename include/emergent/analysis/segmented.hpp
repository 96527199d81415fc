/// @file
/// @brief Segmented (piecewise-linear) regression on a scaling curve with 1 to 3 breakpoints found
///        by exact search, the plateau-then-rise and step variants, and breakpoint standard errors
///        computed as R's `segmented` package computes them (Muggeo 2003).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "emergent/analysis/detail/small_lsq.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/information_criteria.hpp"
#include "emergent/core/interval.hpp"
#include "emergent/core/scaling_curve.hpp"

namespace emergent {

/// The shape of a segmented model.
enum class segmented_shape {
  /// Continuous piecewise-linear: y = a + b x + sum_j c_j (x - psi_j)_+ (Muggeo 2003).
  continuous,
  /// Plateau then rise: the first slope is fixed to 0, y = a + sum_j c_j (x - psi_j)_+ — the
  /// "flat at chance level, then improving" shape that Wei et al. (2022) call emergence.
  plateau,
  /// A discontinuous jump with a common slope: y = a + b x + delta 1(x > psi). The jump location is
  /// identified only up to the gap between two observed x values.
  step,
};

/// Options of `fit_segmented`.
struct segmented_options {
  std::size_t breaks = 1;                      ///< number of breakpoints, 1 to 3 (step: 1)
  segmented_shape shape = segmented_shape::continuous;  ///< model shape
  std::size_t min_points_per_segment = 2;      ///< distinct x values required at each end; at least
                                               ///< min_points_per_segment - 1 strictly between breaks
  double level = 0.95;                         ///< level of the Wald intervals of the breakpoints
};

/// One estimated breakpoint.
struct breakpoint_estimate {
  double estimate = 0;     ///< location psi on the x axis
  double std_error = 0;    ///< Wald standard error (as `segmented`; step model: gap / sqrt(12))
  /// Wald interval psi -/+ t_{df, (1+level)/2} * std_error at options.level (step model: the gap
  /// between the bracketing observed x values).
  confidence_interval interval;
  double bracket_left = 0;   ///< largest observed x <= psi
  double bracket_right = 0;  ///< smallest observed x > psi
  /// True when the interval is narrower than the gap between the bracketing observed x values:
  /// no data can place a break more precisely than "between these two models".
  bool narrower_than_gap = false;
};

/// The result of `fit_segmented`.
struct segmented_fit {
  segmented_shape shape = segmented_shape::continuous;  ///< the model that was fitted
  std::vector<breakpoint_estimate> breakpoints;  ///< sorted by location
  std::vector<double> slopes;   ///< slope of each segment, left to right (step: one common slope)
  double intercept = 0;         ///< value of the leftmost segment's line at x = 0
  double jump = 0;              ///< step model only: the jump delta at the breakpoint
  double rss = 0;               ///< residual sum of squares
  std::size_t n = 0;            ///< number of points
  std::size_t parameters = 0;   ///< mean-model parameters, breakpoints included (continuous: 2 + 2K)
  std::size_t df_residual = 0;  ///< n - parameters
  double sigma = 0;             ///< residual standard error sqrt(rss / df_residual)
  double aicc = 0;              ///< AICc of the Gaussian model, counting sigma as a parameter
  std::vector<std::string> warnings;  ///< human-readable cautions (few points, ...)

  /// The fitted value at x: intercept + slopes[0] x + sum_j (slopes[j] - slopes[j-1]) (x - psi_j)_+
  /// (step: intercept + slope x + jump 1(x > psi)).
  [[nodiscard]] double predict(double x) const {
    if (shape == segmented_shape::step) {
      return intercept + slopes[0] * x + (x > breakpoints[0].estimate ? jump : 0.0);
    }
    double f = intercept + slopes[0] * x;
    for (std::size_t j = 0; j < breakpoints.size(); ++j) {
      const double h = x - breakpoints[j].estimate;
      if (h > 0) f += (slopes[j + 1] - slopes[j]) * h;
    }
    return f;
  }
};

namespace detail {

/// Data prepared for the exact search: points sorted by x, x centred and scaled to t, the distinct
/// values of t and where each starts.
struct seg_data {
  std::size_t n = 0;
  std::vector<double> t;      // sorted, scaled
  std::vector<double> y;      // in the same order
  std::vector<double> u;      // distinct t values
  std::vector<std::size_t> start;  // start[g] = first point with t == u[g]; start[m] = n
  double center = 0, scale = 1;
  double yy = 0;
};

inline seg_data seg_prepare(std::span<const double> x, std::span<const double> y, const char* function) {
  if (x.size() != y.size()) {
    throw input_error(std::string(function) + ": x has " + std::to_string(x.size()) + " values but y has " +
                      std::to_string(y.size()));
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) throw input_error(describe_at(function, "x", i, "not finite"));
    if (!std::isfinite(y[i])) throw input_error(describe_at(function, "y", i, "not finite"));
  }
  seg_data d;
  d.n = x.size();
  std::vector<std::size_t> order(d.n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  double lo = d.n ? x[order.front()] : 0.0, hi = d.n ? x[order.back()] : 0.0;
  d.center = 0.5 * (lo + hi);
  d.scale = hi > lo ? 0.5 * (hi - lo) : 1.0;
  d.t.resize(d.n);
  d.y.resize(d.n);
  for (std::size_t i = 0; i < d.n; ++i) {
    d.t[i] = (x[order[i]] - d.center) / d.scale;
    d.y[i] = y[order[i]];
    d.yy += d.y[i] * d.y[i];
  }
  for (std::size_t i = 0; i < d.n; ++i) {
    if (i == 0 || x[order[i]] != x[order[i - 1]]) {
      d.u.push_back(d.t[i]);
      d.start.push_back(i);
    }
  }
  d.start.push_back(d.n);
  return d;
}

/// Exact minimisation of the residual sum of squares over one breakpoint psi in [u[g_lo], u[g_hi]]
/// for the model y = B beta + c (t - psi)_+, with B given as `base` (p columns, column-major n x p).
///
/// For psi inside the closed interval [u_g, u_{g+1}] the set of points right of psi is fixed, so the
/// model is the linear model [B, t 1_R, 1_R] (coefficients beta, c, d) under the one linear
/// restriction d + c psi = 0. The restricted RSS is (Rao's formula for restricted least squares)
///   RSS(psi) = RSS_u + (d^ + c^ psi)^2 / (S_cc psi^2 + 2 S_cd psi + S_dd),  S = (X'X)^{-1}
/// whose derivative vanishes only at psi = -d^/c^ (where RSS = RSS_u, the minimum) and at one
/// maximum; so the minimum over the interval is at -d^/c^ when it lies inside, else at an end.
struct profile_result {
  double psi = 0;
  double rss = std::numeric_limits<double>::infinity();
  bool ok = false;
};

struct profile_engine {
  const seg_data* d = nullptr;
  std::size_t p = 0;
  std::vector<double> base;  // column-major n x p
  // Suffix sums over points i >= k: for each base column j: sum B_ij t_i and sum B_ij; and scalars.
  std::vector<double> sbt, sb;            // (n+1) x p
  std::vector<double> stt, st, s1, sty, sy;  // n+1
  std::array<double, lsq_max * lsq_max> btb{};
  std::array<double, lsq_max> bty{};

  void init(const seg_data& data, std::size_t columns, std::vector<double> base_columns) {
    d = &data;
    p = columns;
    base = std::move(base_columns);
    const std::size_t n = data.n;
    sbt.assign((n + 1) * p, 0.0);
    sb.assign((n + 1) * p, 0.0);
    stt.assign(n + 1, 0.0);
    st.assign(n + 1, 0.0);
    s1.assign(n + 1, 0.0);
    sty.assign(n + 1, 0.0);
    sy.assign(n + 1, 0.0);
    for (std::size_t i = n; i-- > 0;) {
      const double t = data.t[i], y = data.y[i];
      for (std::size_t j = 0; j < p; ++j) {
        const double b = base[j * n + i];
        sbt[i * p + j] = sbt[(i + 1) * p + j] + b * t;
        sb[i * p + j] = sb[(i + 1) * p + j] + b;
      }
      stt[i] = stt[i + 1] + t * t;
      st[i] = st[i + 1] + t;
      s1[i] = s1[i + 1] + 1.0;
      sty[i] = sty[i + 1] + t * y;
      sy[i] = sy[i + 1] + y;
    }
    btb.fill(0.0);
    bty.fill(0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < p; ++j) {
        const double bj = base[j * n + i];
        for (std::size_t k = 0; k <= j; ++k) btb[j * lsq_max + k] += bj * base[k * n + i];
        bty[j] += bj * data.y[i];
      }
    }
    for (std::size_t j = 0; j < p; ++j)
      for (std::size_t k = 0; k < j; ++k) btb[k * lsq_max + j] = btb[j * lsq_max + k];
  }

  // Minimum over psi in [u[g], u[g+1]].
  [[nodiscard]] profile_result interval(std::size_t g) const {
    profile_result out;
    const std::size_t r = d->start[g + 1];  // first point with t > u[g]
    const std::size_t q = p + 2;
    std::array<double, lsq_max * lsq_max> m{};
    std::array<double, lsq_max> rhs{};
    for (std::size_t j = 0; j < p; ++j) {
      for (std::size_t k = 0; k < p; ++k) m[j * lsq_max + k] = btb[j * lsq_max + k];
      m[j * lsq_max + p] = m[p * lsq_max + j] = sbt[r * p + j];
      m[j * lsq_max + p + 1] = m[(p + 1) * lsq_max + j] = sb[r * p + j];
      rhs[j] = bty[j];
    }
    m[p * lsq_max + p] = stt[r];
    m[p * lsq_max + p + 1] = m[(p + 1) * lsq_max + p] = st[r];
    m[(p + 1) * lsq_max + p + 1] = s1[r];
    rhs[p] = sty[r];
    rhs[p + 1] = sy[r];
    if (!cholesky(q, m)) return out;
    std::array<double, lsq_max> beta = rhs;
    cholesky_solve(q, m, beta);
    double rss_u = d->yy;
    for (std::size_t j = 0; j < q; ++j) rss_u -= beta[j] * rhs[j];
    // Last two rows of the inverse: solve for unit vectors e_p and e_{p+1}.
    std::array<double, lsq_max> ec{}, ed{};
    ec[p] = 1.0;
    ed[p + 1] = 1.0;
    cholesky_solve(q, m, ec);
    cholesky_solve(q, m, ed);
    const double scc = ec[p], scd = ec[p + 1], sdd = ed[p + 1];
    const double c = beta[p], dd = beta[p + 1];
    const auto profile = [&](double psi) {
      const double num = dd + c * psi;
      const double den = scc * psi * psi + 2.0 * scd * psi + sdd;
      return rss_u + num * num / den;
    };
    const double lo = d->u[g], hi = d->u[g + 1];
    out.ok = true;
    out.psi = lo;
    out.rss = profile(lo);
    const double rh = profile(hi);
    if (rh < out.rss) {
      out.rss = rh;
      out.psi = hi;
    }
    if (c != 0.0) {
      const double psi = -dd / c;
      if (psi > lo && psi < hi) {
        out.psi = psi;
        out.rss = std::max(rss_u, 0.0);
      }
    }
    return out;
  }

  // Global minimum over psi in [u[g_lo], u[g_hi]] (g_lo < g_hi).
  [[nodiscard]] profile_result minimise(std::size_t g_lo, std::size_t g_hi) const {
    profile_result best;
    for (std::size_t g = g_lo; g < g_hi; ++g) {
      const profile_result r = interval(g);
      if (r.ok && r.rss < best.rss) best = r;
    }
    return best;
  }
};

/// Base columns of a shape: continuous [1, t], plateau [1], step handled separately.
inline std::vector<double> seg_base(const seg_data& d, segmented_shape shape, std::size_t& p) {
  p = shape == segmented_shape::plateau ? 1 : 2;
  std::vector<double> b(d.n * p);
  for (std::size_t i = 0; i < d.n; ++i) {
    b[i] = 1.0;
    if (p == 2) b[d.n + i] = d.t[i];
  }
  return b;
}

/// RSS of the model with hinges at fixed locations (t scale); infinity when singular.
inline double seg_rss_at(const seg_data& d, std::size_t p, std::span<const double> psi) {
  std::array<double, lsq_max> beta{};
  double rss = 0;
  const std::size_t q = p + psi.size();
  const bool ok = ols(d.n, q, d.y.data(), [&](std::size_t j, std::size_t i) {
    if (j == 0) return 1.0;
    if (j == 1 && p == 2) return d.t[i];
    const double h = d.t[i] - psi[j - p];
    return h > 0 ? h : 0.0;
  }, beta, rss);
  return ok ? rss : std::numeric_limits<double>::infinity();
}

/// Admissible index range [lo, hi] (in distinct values) for a break given its neighbours: at least
/// s distinct values at or left of the first break, at or right of the last, and at least
/// max(s-1, 1) distinct values strictly between consecutive breaks.
inline void seg_range(const seg_data& d, std::size_t s, double left, double right, bool has_left, bool has_right,
                      std::size_t& lo, std::size_t& hi) {
  const std::size_t m = d.u.size();
  const std::size_t between = s > 1 ? s - 1 : 1;
  if (!has_left) {
    lo = s - 1;
  } else {
    const auto a = static_cast<std::size_t>(std::upper_bound(d.u.begin(), d.u.end(), left) - d.u.begin());
    lo = a + between - 1;
  }
  if (!has_right) {
    hi = m >= s ? m - s : 0;
  } else {
    const auto b = static_cast<std::size_t>(std::lower_bound(d.u.begin(), d.u.end(), right) - d.u.begin());
    hi = b >= between ? b - between : 0;
  }
}

/// Coordinate-wise exact refinement of K breakpoints (t scale): each sweep replaces each psi_j by the
/// global minimiser of the one-break profile with the other hinges held as fixed columns.
inline double seg_refine(const seg_data& d, segmented_shape shape, std::size_t s, std::vector<double>& psi) {
  std::size_t p0 = 0;
  const std::vector<double> base0 = seg_base(d, shape, p0);
  double current = seg_rss_at(d, p0, psi);
  const std::size_t k = psi.size();
  for (int sweep = 0; sweep < 100; ++sweep) {
    const double before = current;
    for (std::size_t j = 0; j < k; ++j) {
      std::vector<double> base = base0;
      std::size_t p = p0;
      for (std::size_t o = 0; o < k; ++o) {
        if (o == j) continue;
        for (std::size_t i = 0; i < d.n; ++i) base.push_back(std::max(d.t[i] - psi[o], 0.0));
        ++p;
      }
      profile_engine e;
      e.init(d, p, std::move(base));
      std::size_t lo = 0, hi = 0;
      seg_range(d, s, j > 0 ? psi[j - 1] : 0.0, j + 1 < k ? psi[j + 1] : 0.0, j > 0, j + 1 < k, lo, hi);
      if (hi <= lo) continue;
      const profile_result r = e.minimise(lo, hi);
      if (r.ok && r.rss < current - 1e-15 * std::max(1.0, current)) {
        psi[j] = r.psi;
        current = seg_rss_at(d, p0, psi);
      }
    }
    if (!(current < before - 1e-13 * std::max(1.0, before))) break;
  }
  return current;
}

/// Enumerates index tuples g_1 < ... < g_K with g_1 >= first, g_K <= last and g_{j+1} - g_j >= gap.
template <class Visit>
void seg_tuples(std::size_t k, std::size_t first, std::size_t last, std::size_t gap, Visit&& visit) {
  std::vector<std::size_t> g(k);
  const auto rec = [&](auto&& self, std::size_t j, std::size_t from) -> void {
    if (j == k) {
      visit(g);
      return;
    }
    for (std::size_t v = from; v <= last; ++v) {
      // leave room for the remaining breaks
      if (v + (k - j - 1) * gap > last) break;
      g[j] = v;
      self(self, j + 1, v + gap);
    }
  };
  if (first <= last) rec(rec, 0, first);
}

}  // namespace detail

/// Fits a segmented regression of y on x with `options.breaks` breakpoints by exact search.
///
/// One break: the profile residual sum of squares is minimised exactly on every interval between
/// consecutive distinct x values (closed form, see detail::profile_engine), so the result is the
/// global least-squares optimum over the admissible range, not a local one as an iteration from a
/// starting value can give. Two or three breaks: exhaustive search over all admissible placements
/// of the breaks at observed x values and over all combinations of intervals (the model is linear
/// once the intervals are fixed), followed by coordinate-wise exact refinement from the best
/// candidates. Step: exhaustive over the intervals (the RSS is constant inside each).
///
/// Standard errors follow R `segmented` (Muggeo 2003, "Estimating regression models with unknown
/// break-points", Stat. Med. 22:3055): the model is refitted with the extra columns
/// V_j = -1(x > psi_j) * (slope difference j), and SE(psi_j) is the standard error of V_j's
/// coefficient, sigma^2 (X'X)^{-1} with sigma^2 = RSS / (n - p). The interval is
/// psi -/+ t_{n-p, (1+level)/2} SE as `confint.segmented(method = "delta")`.
///
/// Throws input_error for mismatched lengths, non-finite values, a break count outside 1..3, or
/// too few distinct x values for the requested breaks.
template <class Deferred = void>
[[nodiscard]] segmented_fit fit_segmented(std::span<const double> x, std::span<const double> y,
                                                 const segmented_options& options = {}) {
  constexpr const char* fn = "fit_segmented";
  if (options.breaks < 1 || options.breaks > 3) {
    throw input_error(std::string(fn) + ": breaks: " + std::to_string(options.breaks) + " is outside 1..3");
  }
  if (options.shape == segmented_shape::step && options.breaks != 1) {
    throw input_error(std::string(fn) + ": breaks: the step model has exactly 1 breakpoint");
  }
  if (options.min_points_per_segment < 1) {
    throw input_error(std::string(fn) + ": min_points_per_segment: must be at least 1");
  }
  if (!(options.level > 0.0 && options.level < 1.0)) {
    throw input_error(std::string(fn) + ": level: " + std::to_string(options.level) + " is outside (0, 1)");
  }
  const detail::seg_data d = detail::seg_prepare(x, y, fn);
  const std::size_t k = options.breaks;
  const std::size_t s = options.min_points_per_segment;
  const std::size_t m = d.u.size();
  std::size_t p0 = 0;
  const std::vector<double> base0 = detail::seg_base(d, options.shape, p0);
  const std::size_t params = options.shape == segmented_shape::step ? 4 : p0 + 2 * k;
  const std::size_t need_distinct = 2 * s + (k - 1) * ((s > 1 ? s - 1 : 1) + 1);
  if (m < need_distinct || d.n <= params) {
    throw input_error(std::string(fn) + ": x: " + std::to_string(m) + " distinct values and " + std::to_string(d.n) +
                      " points are too few for " + std::to_string(k) + " breakpoint(s) (need at least " +
                      std::to_string(need_distinct) + " distinct values and more than " + std::to_string(params) +
                      " points)");
  }

  segmented_fit out;
  out.shape = options.shape;
  out.n = d.n;
  out.parameters = params;
  out.df_residual = d.n - params;
  const double xs = d.scale, xc = d.center;
  const auto to_x = [&](double t) { return xc + xs * t; };
  const double tq = detail::student_t_quantile(0.5 + 0.5 * options.level, static_cast<double>(out.df_residual));

  const auto bracket = [&](breakpoint_estimate& b, double psi_t) {
    auto it = std::upper_bound(d.u.begin(), d.u.end(), psi_t);  // first u > psi
    const std::size_t right = static_cast<std::size_t>(it - d.u.begin());
    const std::size_t left = right > 0 ? right - 1 : 0;
    b.bracket_left = to_x(d.u[left]);
    b.bracket_right = to_x(d.u[std::min(right, m - 1)]);
    b.narrower_than_gap = b.interval.width() < (b.bracket_right - b.bracket_left);
  };

  if (options.shape == segmented_shape::step) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t best_g = 0;
    std::array<double, detail::lsq_max> best_beta{};
    for (std::size_t g = s - 1; g + s < m; ++g) {
      const std::size_t r = d.start[g + 1];
      std::array<double, detail::lsq_max> beta{};
      double rss = 0;
      const bool ok = detail::ols(d.n, 3, d.y.data(), [&](std::size_t j, std::size_t i) {
        return j == 0 ? 1.0 : j == 1 ? d.t[i] : (i >= r ? 1.0 : 0.0);
      }, beta, rss);
      if (ok && rss < best) {
        best = rss;
        best_g = g;
        best_beta = beta;
      }
    }
    if (!std::isfinite(best)) throw numerical_error(std::string(fn) + ": no admissible step could be fitted");
    breakpoint_estimate b;
    const double lo = to_x(d.u[best_g]), hi = to_x(d.u[best_g + 1]);
    b.estimate = 0.5 * (lo + hi);
    b.std_error = (hi - lo) / std::sqrt(12.0);
    b.interval = {lo, hi, options.level};
    b.bracket_left = lo;
    b.bracket_right = hi;
    b.narrower_than_gap = false;
    out.breakpoints.push_back(b);
    out.slopes = {best_beta[1] / xs};
    out.intercept = best_beta[0] - best_beta[1] * xc / xs;
    out.jump = best_beta[2];
    out.rss = best;
  } else {
    // ---- search
    std::vector<double> psi(k);
    double best = std::numeric_limits<double>::infinity();
    if (k == 1) {
      detail::profile_engine e;
      e.init(d, p0, base0);
      const detail::profile_result r = e.minimise(s - 1, m - s);
      if (!r.ok) throw numerical_error(std::string(fn) + ": no admissible breakpoint could be fitted");
      psi[0] = r.psi;
      best = r.rss;
    } else {
      // candidates: breaks at observed values (vertices) and interior optima of interval combinations
      struct candidate {
        double rss;
        std::vector<double> psi;
      };
      std::vector<candidate> cands;
      const auto keep = [&](double rss, const std::vector<double>& at) {
        if (!std::isfinite(rss)) return;
        cands.push_back({rss, at});
        if (cands.size() > 64) {
          std::nth_element(cands.begin(), cands.begin() + 8, cands.end(),
                           [](const candidate& a, const candidate& b) { return a.rss < b.rss; });
          cands.resize(8);
        }
      };
      const std::size_t between = s > 1 ? s - 1 : 1;
      std::vector<double> at(k);
      detail::seg_tuples(k, s - 1, m - s, between + 1, [&](const std::vector<std::size_t>& g) {
        for (std::size_t j = 0; j < k; ++j) at[j] = d.u[g[j]];
        keep(detail::seg_rss_at(d, p0, at), at);
      });
      detail::seg_tuples(k, s - 1, m - s - 1, std::max<std::size_t>(between, 2), [&](const std::vector<std::size_t>& g) {
        std::array<double, detail::lsq_max> beta{};
        double rss = 0;
        const std::size_t q = p0 + 2 * k;
        const bool ok = detail::ols(d.n, q, d.y.data(), [&](std::size_t j, std::size_t i) {
          if (j < p0) return j == 0 ? 1.0 : d.t[i];
          const std::size_t b = (j - p0) / 2;
          const bool right = i >= d.start[g[b] + 1];
          if (!right) return 0.0;
          return (j - p0) % 2 == 0 ? d.t[i] : 1.0;
        }, beta, rss);
        if (!ok) return;
        for (std::size_t b = 0; b < k; ++b) {
          const double c = beta[p0 + 2 * b], dd = beta[p0 + 2 * b + 1];
          if (c == 0.0) return;
          const double ps = -dd / c;
          if (!(ps >= d.u[g[b]] && ps <= d.u[g[b] + 1])) return;
          at[b] = ps;
        }
        keep(rss, at);
      });
      if (cands.empty()) throw numerical_error(std::string(fn) + ": no admissible breakpoints could be fitted");
      std::sort(cands.begin(), cands.end(), [](const candidate& a, const candidate& b) { return a.rss < b.rss; });
      const std::size_t starts = std::min<std::size_t>(cands.size(), 4);
      for (std::size_t c = 0; c < starts; ++c) {
        std::vector<double> trial = cands[c].psi;
        const double rss = detail::seg_refine(d, options.shape, s, trial);
        if (rss < best) {
          best = rss;
          psi = trial;
        }
      }
    }
    // ---- final fit at psi: coefficients, R-style standard errors
    const std::size_t q = p0 + 2 * k;
    std::array<double, detail::lsq_max> beta{};
    double rss = 0;
    const auto hinge = [&](std::size_t b, std::size_t i) { return std::max(d.t[i] - psi[b], 0.0); };
    if (!detail::ols(d.n, p0 + k, d.y.data(), [&](std::size_t j, std::size_t i) {
          if (j < p0) return j == 0 ? 1.0 : d.t[i];
          return hinge(j - p0, i);
        }, beta, rss)) {
      throw numerical_error(std::string(fn) + ": the fitted breakpoints give a singular design");
    }
    std::array<double, detail::lsq_max> beta_f{};
    double rss_f = 0;
    std::array<double, detail::lsq_max * detail::lsq_max> inv{};
    const bool ok_f = detail::ols(d.n, q, d.y.data(), [&](std::size_t j, std::size_t i) {
      if (j < p0) return j == 0 ? 1.0 : d.t[i];
      if (j < p0 + k) return hinge(j - p0, i);
      const std::size_t b = j - p0 - k;
      return d.t[i] > psi[b] ? -beta[p0 + b] : 0.0;
    }, beta_f, rss_f, &inv);
    out.rss = rss;
    const double sigma2 = rss / static_cast<double>(out.df_residual);
    for (std::size_t b = 0; b < k; ++b) {
      breakpoint_estimate est;
      est.estimate = to_x(psi[b]);
      const double v = ok_f ? inv[(p0 + k + b) * detail::lsq_max + (p0 + k + b)] : std::numeric_limits<double>::infinity();
      est.std_error = std::sqrt(sigma2 * v) * xs;
      est.interval = {est.estimate - tq * est.std_error, est.estimate + tq * est.std_error, options.level};
      bracket(est, psi[b]);
      out.breakpoints.push_back(est);
    }
    const double b0 = p0 == 2 ? beta[1] : 0.0;
    out.intercept = beta[0] - b0 * xc / xs;
    out.slopes.push_back(b0 / xs);
    for (std::size_t b = 0; b < k; ++b) out.slopes.push_back(out.slopes.back() + beta[p0 + b] / xs);
    if (!ok_f) out.warnings.push_back("a slope difference is zero: breakpoint standard errors are infinite");
  }
  out.sigma = std::sqrt(out.rss / static_cast<double>(out.df_residual));
  out.aicc = gaussian_aicc(out.rss, out.n, out.parameters);
  if (d.n < 5 * (k + 1)) {
    out.warnings.push_back("only " + std::to_string(d.n) + " points for " + std::to_string(k) +
                           " breakpoint(s): fewer than 5 points per segment, the location is poorly determined");
  }
  return out;
}

/// Fits a segmented regression to a scaling curve (x = log of compute, y = metric); see the span overload.
template <class Deferred = void>
[[nodiscard]] segmented_fit fit_segmented(const scaling_curve& curve, const segmented_options& options = {}) {
  curve.validate();
  return fit_segmented(std::span<const double>(curve.x), std::span<const double>(curve.y), options);
}

}  // namespace emergent
