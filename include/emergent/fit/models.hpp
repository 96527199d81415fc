/// @file
/// @brief The built-in scaling-law models of `emergent::fit`, written on a log axis
///        x = log10(compute, parameters, tokens or steps), with their analytic gradients.
///
/// | model          | formula                                                              | parameters |
/// | -------------- | -------------------------------------------------------------------- | ---------- |
/// | `linear`       | y = intercept + slope·x                                              | 2 |
/// | `power_law`    | y = E + A·10^(−α(x − x_ref))                                         | 3 |
/// | `logistic`     | y = lo + (hi − lo)/(1 + e^(−k(x − x0)))                              | 4 |
/// | `accuracy_law` | y = exp(−c·10^(−α x))                                                | 2 |
/// | `bnsl`         | y = a + b·10^(−c0(x − x_ref))·Π_i (1 + 10^((x − d_i)/f_i))^(−c_i f_i) | 3 + 3·breaks |
///
/// x_ref is the mean of the fitted x values (stored in the result), so that A and b do not depend on
/// where the x axis starts and shifting x by a constant leaves every parameter but x0 and d_i unchanged.
///
/// Each model is one traits type in `emergent::models` (`linear`, `power_law`, `logistic`,
/// `accuracy_law`, `bnsl`) holding everything the fitter needs to know about it: its name, parameter
/// names, value and gradient, box bounds, the deterministic start grid, and its identifiability checks.
/// The fitter (fit_curve.hpp) is written once against that interface; `visit_fit_model` maps the
/// run-time enum to the type, so `fit<models::logistic>(x, y)` compiles the logistic alone. Adding a
/// model = one struct here, one enumerator, one line in `visit_fit_model` (docs/design.md).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "emergent/core/detail/small_dense.hpp"
#include "emergent/core/error.hpp"
#include "emergent/fit/fit_flag.hpp"

namespace emergent {

/// The curve families that `fit_curve` and `fit_xy` know. Each is documented with its formula and
/// source in docs/fitting.md.
enum class fit_model {
  /// y = intercept + slope·x: the straight line on a log axis (a pure power law in log-log space).
  linear,
  /// y = E + A·10^(−α(x − x_ref)): a power law in the quantity with an irreducible offset E
  /// (Kaplan et al. 2020; Hoffmann et al. 2022 for the offset).
  power_law,
  /// y = lo + (hi − lo)/(1 + e^(−k(x − x0))): the four-parameter logistic in x = log10 quantity,
  /// the usual description of an "emergent" jump (Wei et al. 2022; Srivastava et al. 2022).
  logistic,
  /// y = exp(−c·10^(−α x)): the accuracy of an exact-match task whose per-token loss follows a power law
  /// (Schaeffer et al. 2023, toy model; Hu et al. 2024, PassUntil).
  accuracy_law,
  /// Smoothly broken power law with 1 to 3 breaks, Caballero et al. (2022) "Broken Neural Scaling Laws":
  /// y = a + b·X^(−c0)·Π_i (1 + (X/D_i)^(1/f_i))^(−c_i f_i) with X = 10^x, written here with d_i = log10 D_i
  /// and b taken at x_ref.
  bnsl,
};

/// The name used on the command line and in JSON output: "linear", "power_law", "logistic",
/// "accuracy_law" or "bnsl".
[[nodiscard]] inline std::string_view to_string(fit_model model) noexcept {
  switch (model) {
    case fit_model::linear: return "linear";
    case fit_model::power_law: return "power_law";
    case fit_model::logistic: return "logistic";
    case fit_model::accuracy_law: return "accuracy_law";
    case fit_model::bnsl: return "bnsl";
  }
  return "unknown";
}

/// Parses a model name as printed by `to_string(fit_model)`; throws `input_error` on anything else.
[[nodiscard]] inline fit_model parse_fit_model(std::string_view name) {
  if (name == "linear") return fit_model::linear;
  if (name == "power_law") return fit_model::power_law;
  if (name == "logistic") return fit_model::logistic;
  if (name == "accuracy_law") return fit_model::accuracy_law;
  if (name == "bnsl") return fit_model::bnsl;
  throw input_error("parse_fit_model: name: '" + std::string(name) +
                    "' is not one of linear, power_law, logistic, accuracy_law, bnsl");
}


namespace detail {

inline constexpr double fit_ln10 = 2.302585092994045684;

/// Numerically stable logistic function 1/(1 + e^(−z)).
inline double fit_sigmoid(double z) noexcept {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

/// Numerically stable softplus log(1 + e^z).
inline double fit_softplus(double z) noexcept {
  if (z > 0) return z + std::log1p(std::exp(-z));
  return std::log1p(std::exp(z));
}

/// The data of one fitting problem: points, weights, ranges and the sums the grid reuses.
struct fit_data {
  std::span<const double> x, y;
  std::vector<double> sw;  // √weight per point (1 when unweighted)
  std::vector<double> w;   // weight per point
  double x_min = 0, x_max = 0, range = 1, x_ref = 0, y_scale = 1;
  double sum_w = 0, sum_wy = 0, sum_wyy = 0;  // Σw, Σwy, Σwy² (constant over the grid)
};

/// k evenly spaced values from a to b (the midpoint when k = 1).
inline std::vector<double> fit_linspace(double a, double b, int k) {
  std::vector<double> v(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) v[static_cast<std::size_t>(i)] = k == 1 ? 0.5 * (a + b) : a + (b - a) * i / (k - 1);
  return v;
}

/// What a model's identifiability check found (see each model's `check`).
struct fit_check {
  bool unidentified = false;  ///< standard errors too large for the data to determine the parameters
  bool outside = false;       ///< a midpoint, plateau or break lies outside the data
};

/// Standard error limits of the identifiability checks, in units of the data (from `fit_options`).
struct fit_limits {
  double location;   ///< x0/d_i standard error above this many x ranges
  double amplitude;  ///< linear-parameter standard error above this many y scales
};

}  // namespace detail

/// The built-in models as traits types. Each has: `id`; `parameter_count(breaks)`;
/// `parameter_names(breaks)`; `value(x, x_ref, breaks, p, grad)` (the model and, when `grad` is not
/// null, dy/dp); `bounds(data, breaks, lower, upper)`; `grid(data, breaks, previous, g)`, which offers
/// deterministic starting points to `g` (`g.projected(p, complement, φ1)` when the first two
/// parameters enter linearly, `g.direct(p)` otherwise); `check(...)`, the model's identifiability
/// rules; and `default_starts`, how many grid points Levenberg–Marquardt polishes.
namespace models {

/// y = intercept + slope·x.
struct linear {
  static constexpr fit_model id = fit_model::linear;  ///< the run-time name
  static constexpr int default_starts = 1;            ///< starts polished by default
  /// 2.
  static int parameter_count(int /*breaks*/ = 0) noexcept { return 2; }
  /// {intercept, slope}.
  static std::vector<std::string> parameter_names(int /*breaks*/ = 0) { return {"intercept", "slope"}; }
  /// intercept + slope·x, gradient (1, x).
  template <class P, class G>
  static double value(double x, double /*x_ref*/, int /*breaks*/, const P& p, G* grad) {
    if (grad) {
      (*grad)(0) = 1.0;
      (*grad)(1) = x;
    }
    return p(0) + p(1) * x;
  }
  /// Unbounded.
  static void bounds(const detail::fit_data&, int, detail::small_vector&, detail::small_vector&) noexcept {}
  /// The exact weighted least-squares line (one start).
  template <class Grid>
  static void grid(const detail::fit_data& d, int, const detail::small_vector*, Grid& g) {
    detail::small_vector p;
    p.n = 2;
    g.projected(p, false, [&](std::size_t i) { return d.x[i]; });
  }
  /// A line is always identifiable when the x differ.
  static void check(const detail::fit_data&, const detail::fit_limits&, int, const detail::small_vector&,
                    const detail::small_vector&, std::vector<std::string>&, detail::fit_check&) {}
};

/// y = E + A·10^(−α(x − x_ref)).
struct power_law {
  static constexpr fit_model id = fit_model::power_law;  ///< the run-time name
  static constexpr int default_starts = 1;               ///< starts polished by default
  /// 3.
  static int parameter_count(int /*breaks*/ = 0) noexcept { return 3; }
  /// {E, A, alpha}.
  static std::vector<std::string> parameter_names(int /*breaks*/ = 0) { return {"E", "A", "alpha"}; }
  /// E + A·t with t = 10^(−α(x − x_ref)); gradient (1, t, −A·t·ln10·(x − x_ref)).
  template <class P, class G>
  static double value(double x, double x_ref, int /*breaks*/, const P& p, G* grad) {
    const double u = x - x_ref;
    const double t = std::exp(-detail::fit_ln10 * p(2) * u);
    if (grad) {
      (*grad)(0) = 1.0;
      (*grad)(1) = t;
      (*grad)(2) = -p(1) * t * detail::fit_ln10 * u;
    }
    return p(0) + p(1) * t;
  }
  /// α ∈ [−64/R, 64/R].
  static void bounds(const detail::fit_data& d, int, detail::small_vector& lo, detail::small_vector& hi) noexcept {
    lo(2) = -64 / d.range;
    hi(2) = 64 / d.range;
  }
  /// 34 rates α (both signs), E and A projected.
  template <class Grid>
  static void grid(const detail::fit_data& d, int, const detail::small_vector*, Grid& g) {
    static constexpr double rates[] = {0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 32};
    detail::small_vector p;
    p.n = 3;
    for (double sign : {1.0, -1.0}) {
      for (double rate : rates) {
        p(2) = sign * rate / d.range;
        g.projected(p, false, [&](std::size_t i) { return std::exp(-detail::fit_ln10 * p(2) * (d.x[i] - d.x_ref)); });
      }
    }
  }
  /// E or A with a standard error above `amplitude` y scales.
  static void check(const detail::fit_data& d, const detail::fit_limits& lim, int, const detail::small_vector&,
                    const detail::small_vector& se, std::vector<std::string>&, detail::fit_check& c) {
    if (se(0) > lim.amplitude * d.y_scale || se(1) > lim.amplitude * d.y_scale) c.unidentified = true;
  }
};

/// y = lo + (hi − lo)/(1 + e^(−k(x − x0))).
struct logistic {
  static constexpr fit_model id = fit_model::logistic;  ///< the run-time name
  static constexpr int default_starts = 1;              ///< starts polished by default
  /// 4.
  static int parameter_count(int /*breaks*/ = 0) noexcept { return 4; }
  /// {lo, hi, k, x0}.
  static std::vector<std::string> parameter_names(int /*breaks*/ = 0) { return {"lo", "hi", "k", "x0"}; }
  /// lo + (hi − lo)·s with s = σ(k(x − x0)); gradient (1 − s, s, (hi − lo)s(1 − s)(x − x0), −(hi − lo)s(1 − s)k).
  template <class P, class G>
  static double value(double x, double /*x_ref*/, int /*breaks*/, const P& p, G* grad) {
    const double d = x - p(3);
    const double s = detail::fit_sigmoid(p(2) * d);
    if (grad) {
      const double amp = (p(1) - p(0)) * s * (1.0 - s);
      (*grad)(0) = 1.0 - s;
      (*grad)(1) = s;
      (*grad)(2) = amp * d;
      (*grad)(3) = -amp * p(2);
    }
    return p(0) + (p(1) - p(0)) * s;
  }
  /// k ∈ [0.1/R, 1000/R], x0 ∈ [x_min − 2R, x_max + 2R].
  static void bounds(const detail::fit_data& d, int, detail::small_vector& lo, detail::small_vector& hi) noexcept {
    const double R = d.range;
    lo(2) = 0.1 / R;
    hi(2) = 1000 / R;
    lo(3) = d.x_min - 2 * R;
    hi(3) = d.x_max + 2 * R;
  }
  /// 9 rates × 17 centres, lo and hi projected. s = 1/(1 + e^(−k(x − x_ref))·e^(k(c − x_ref))): one
  /// exp per point and per centre, not per pair (|k(x − x_ref)| ≤ 64 and |k(c − x_ref)| ≤ 96 here).
  template <class Grid>
  static void grid(const detail::fit_data& d, int, const detail::small_vector*, Grid& g) {
    static constexpr double rates[] = {0.5, 1, 2, 4, 8, 16, 32, 64, 128};
    const double R = d.range;
    const std::size_t n = d.x.size();
    const auto centers = detail::fit_linspace(d.x_min - 0.25 * R, d.x_max + 0.25 * R, 17);
    std::vector<double> ex(n);
    detail::small_vector p;
    p.n = 4;
    for (double rate : rates) {
      p(2) = rate / R;
      for (std::size_t i = 0; i < n; ++i) ex[i] = std::exp(-p(2) * (d.x[i] - d.x_ref));
      for (double c : centers) {
        p(3) = c;
        const double ec = std::exp(p(2) * (c - d.x_ref));
        g.projected(p, true, [&](std::size_t i) { return 1.0 / (1.0 + ex[i] * ec); });
      }
    }
  }
  /// x0 standard error above `location` x ranges, or lo/hi above `amplitude` y scales: not identifiable;
  /// midpoint outside the data, or neither plateau approached within it: flagged and not identifiable.
  static void check(const detail::fit_data& d, const detail::fit_limits& lim, int, const detail::small_vector& p,
                    const detail::small_vector& se, std::vector<std::string>& flags, detail::fit_check& c) {
    if (se(3) > lim.location * d.range || se(0) > lim.amplitude * d.y_scale || se(1) > lim.amplitude * d.y_scale) {
      c.unidentified = true;
    }
    if (p(3) < d.x_min || p(3) > d.x_max) {
      flags.push_back(flag_string(fit_flag::midpoint_outside_data));
      c.outside = true;
    }
    // Neither plateau approached within the data: lo and hi are extrapolations, and a line or a
    // parabola describes the points as well (the logistic covers less than its middle 80%).
    const double s_lo = detail::fit_sigmoid(p(2) * (d.x_min - p(3))), s_hi = detail::fit_sigmoid(p(2) * (d.x_max - p(3)));
    if (s_lo > 0.1 && s_hi < 0.9) {
      flags.push_back(flag_string(fit_flag::plateaus_outside_data));
      c.outside = true;
    }
  }
};

/// y = exp(−c·10^(−α x)).
struct accuracy_law {
  static constexpr fit_model id = fit_model::accuracy_law;  ///< the run-time name
  static constexpr int default_starts = 3;                  ///< starts polished by default
  /// 2.
  static int parameter_count(int /*breaks*/ = 0) noexcept { return 2; }
  /// {c, alpha}.
  static std::vector<std::string> parameter_names(int /*breaks*/ = 0) { return {"c", "alpha"}; }
  /// f = exp(−c·t), t = 10^(−αx); gradient (−t·f, c·t·ln10·x·f).
  template <class P, class G>
  static double value(double x, double /*x_ref*/, int /*breaks*/, const P& p, G* grad) {
    const double t = std::exp(-detail::fit_ln10 * p(1) * x);
    const double f = std::exp(-p(0) * t);
    if (grad) {
      (*grad)(0) = -t * f;
      (*grad)(1) = p(0) * t * detail::fit_ln10 * x * f;
    }
    return f;
  }
  /// c ≥ 0, α ∈ [10⁻⁶/R, 64/R].
  static void bounds(const detail::fit_data& d, int, detail::small_vector& lo, detail::small_vector& hi) noexcept {
    lo(0) = 0;
    lo(1) = 1e-6 / d.range;
    hi(1) = 64 / d.range;
  }
  /// 9 rates × 21 centres (no linear parameter to project).
  template <class Grid>
  static void grid(const detail::fit_data& d, int, const detail::small_vector*, Grid& g) {
    static constexpr double rates[] = {0.1, 0.2, 0.5, 1, 2, 4, 8, 16, 32};
    const double R = d.range;
    const auto centers = detail::fit_linspace(d.x_min - R, d.x_max + R, 21);
    detail::small_vector p;
    p.n = 2;
    for (double rate : rates) {
      p(1) = rate / R;
      for (double c : centers) {
        p(0) = std::exp(detail::fit_ln10 * p(1) * c);
        g.direct(p);
      }
    }
  }
  /// No extra rule beyond the condition number.
  static void check(const detail::fit_data&, const detail::fit_limits&, int, const detail::small_vector&,
                    const detail::small_vector&, std::vector<std::string>&, detail::fit_check&) {}
};

/// y = a + b·10^(−c0(x − x_ref))·Π_i (1 + 10^((x − d_i)/f_i))^(−c_i f_i), 1 to 3 breaks.
struct bnsl {
  static constexpr fit_model id = fit_model::bnsl;  ///< the run-time name
  static constexpr int default_starts = 3;          ///< starts polished by default
  /// 3 + 3·breaks; throws `input_error` unless breaks is 1, 2 or 3.
  static int parameter_count(int breaks = 1) {
    if (breaks < 1 || breaks > 3) {
      throw input_error("parameter_count: breaks: " + std::to_string(breaks) + " is not 1, 2 or 3");
    }
    return 3 + 3 * breaks;
  }
  /// {a, b, c0, c1, d1, f1, ...}.
  static std::vector<std::string> parameter_names(int breaks = 1) {
    (void)parameter_count(breaks);
    std::vector<std::string> names{"a", "b", "c0"};
    for (int i = 1; i <= breaks; ++i) {
      names.push_back("c" + std::to_string(i));
      names.push_back("d" + std::to_string(i));
      names.push_back("f" + std::to_string(i));
    }
    return names;
  }
  /// The model in log space (softplus for log(1 + 10^z)) and its analytic gradient.
  template <class P, class G>
  static double value(double x, double x_ref, int breaks, const P& p, G* grad) {
    const double u = x - x_ref;
    double log_prod = -detail::fit_ln10 * p(2) * u;  // natural log of the product P without b
    for (int i = 0; i < breaks; ++i) {
      const double c = p(3 + 3 * i), d = p(4 + 3 * i), f = p(5 + 3 * i);
      log_prod -= c * f * detail::fit_softplus(detail::fit_ln10 * (x - d) / f);
    }
    const double prod = std::exp(log_prod);
    if (grad) {
      const double bp = p(1) * prod;
      (*grad)(0) = 1.0;
      (*grad)(1) = prod;
      (*grad)(2) = -bp * detail::fit_ln10 * u;
      for (int i = 0; i < breaks; ++i) {
        const double c = p(3 + 3 * i), d = p(4 + 3 * i), f = p(5 + 3 * i);
        const double e = detail::fit_ln10 * (x - d) / f;
        const double L = detail::fit_softplus(e);
        const double q = detail::fit_sigmoid(e);  // 10^((x-d)/f) / (1 + 10^((x-d)/f))
        (*grad)(3 + 3 * i) = -bp * f * L;
        (*grad)(4 + 3 * i) = bp * c * q * detail::fit_ln10;
        (*grad)(5 + 3 * i) = bp * (-c * L + c * q * e);
      }
    }
    return p(0) + p(1) * prod;
  }
  /// c_i ∈ [−100/R, 100/R], d_i ∈ [x_min − R, x_max + R], f_i ∈ [R/1000, 10R].
  static void bounds(const detail::fit_data& d, int breaks, detail::small_vector& lo, detail::small_vector& hi) noexcept {
    const double R = d.range;
    lo(2) = -100 / R;
    hi(2) = 100 / R;
    for (int i = 0; i < breaks; ++i) {
      lo(3 + 3 * i) = -100 / R;
      hi(3 + 3 * i) = 100 / R;
      lo(4 + 3 * i) = d.x_min - R;
      hi(4 + 3 * i) = d.x_max + R;
      lo(5 + 3 * i) = R / 1000;
      hi(5 + 3 * i) = 10 * R;
    }
  }
  /// The last break on a 6 slopes × 7 positions × 3 smoothness grid (× 5 base slopes for one break);
  /// earlier breaks come from `previous`, the (B − 1)-break fit. a and b projected.
  template <class Grid>
  static void grid(const detail::fit_data& d, int breaks, const detail::small_vector* previous, Grid& g) {
    const double R = d.range;
    const auto positions = detail::fit_linspace(d.x_min + R / 8, d.x_max - R / 8, 7);
    static constexpr double slopes[] = {-8, -2, -0.5, 0.5, 2, 8};
    static constexpr double smooth[] = {0.03, 0.1, 0.3};
    static constexpr double base_slopes[] = {-2, -0.5, 0, 0.5, 2};
    const int b = breaks - 1;
    detail::small_vector p;
    p.n = 3 + 3 * breaks;
    if (previous) p = *previous;
    p.n = 3 + 3 * breaks;
    const int base_count = previous ? 1 : 5;
    for (int bi = 0; bi < base_count; ++bi) {
      if (!previous) p(2) = base_slopes[bi] / R;
      for (double c : slopes) {
        p(3 + 3 * b) = c / R;
        for (double pos : positions) {
          p(4 + 3 * b) = pos;
          for (double f : smooth) {
            p(5 + 3 * b) = f * R;
            detail::small_vector q = p;
            q(0) = 0;
            q(1) = 1;
            g.projected(p, false, [&](std::size_t i) {
              return value(d.x[i], d.x_ref, breaks, q, static_cast<detail::small_vector*>(nullptr));
            });
          }
        }
      }
    }
  }
  /// a with a standard error above `amplitude` y scales or a break location above `location` x
  /// ranges: not identifiable; a break outside the data: flagged and not identifiable.
  static void check(const detail::fit_data& d, const detail::fit_limits& lim, int breaks, const detail::small_vector& p,
                    const detail::small_vector& se, std::vector<std::string>& flags, detail::fit_check& c) {
    if (se(0) > lim.amplitude * d.y_scale) c.unidentified = true;
    for (int i = 0; i < breaks; ++i) {
      if (se(4 + 3 * i) > lim.location * d.range) c.unidentified = true;
    }
    for (int i = 0; i < breaks; ++i) {
      const double b = p(4 + 3 * i);
      if (b < d.x_min || b > d.x_max) {
        flags.push_back(flag_string(fit_flag::break_outside_data, "d" + std::to_string(i + 1)));
        c.outside = true;
      }
    }
  }
};

}  // namespace models

/// Calls `f(M{})` with M the traits type of `model` (one of `emergent::models`) and returns its
/// result: the one place where the run-time model name meets the compile-time types.
template <class F>
decltype(auto) visit_fit_model(fit_model model, F&& f) {
  switch (model) {
    case fit_model::linear: return f(models::linear{});
    case fit_model::power_law: return f(models::power_law{});
    case fit_model::logistic: return f(models::logistic{});
    case fit_model::accuracy_law: return f(models::accuracy_law{});
    case fit_model::bnsl: return f(models::bnsl{});
  }
  throw input_error("visit_fit_model: model: " + std::to_string(static_cast<int>(model)) + " is not a built-in model");
}

/// Number of parameters of `model` (`breaks` is used by `bnsl` only and must be 1, 2 or 3).
[[nodiscard]] inline int parameter_count(fit_model model, int breaks = 1) {
  switch (model) {
    case fit_model::linear: return models::linear::parameter_count(breaks);
    case fit_model::power_law: return models::power_law::parameter_count(breaks);
    case fit_model::logistic: return models::logistic::parameter_count(breaks);
    case fit_model::accuracy_law: return models::accuracy_law::parameter_count(breaks);
    case fit_model::bnsl: return models::bnsl::parameter_count(breaks);
  }
  return 0;
}

/// Parameter names of `model` in the order of `fit_result::params`: linear {intercept, slope};
/// power_law {E, A, alpha}; logistic {lo, hi, k, x0}; accuracy_law {c, alpha};
/// bnsl {a, b, c0, c1, d1, f1, c2, d2, f2, ...}.
[[nodiscard]] inline std::vector<std::string> parameter_names(fit_model model, int breaks = 1) {
  return visit_fit_model(model, [&](auto m) { return decltype(m)::parameter_names(breaks); });
}

namespace detail {

/// Value of a built-in model at x; `p` is any vector with `operator()(int)` (Eigen or `small_vector`).
/// When `grad` is not null it receives dy/dp (same length as p).
template <class P, class G>
double fit_model_eval(fit_model model, int breaks, double x_ref, double x, const P& p, G* grad) {
  return visit_fit_model(model, [&](auto m) { return decltype(m)::value(x, x_ref, breaks, p, grad); });
}

}  // namespace detail
}  // namespace emergent
