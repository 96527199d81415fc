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
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "emergent/core/error.hpp"

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

/// Number of parameters of `model` (`breaks` is used by `bnsl` only and must be 1, 2 or 3).
[[nodiscard]] inline int parameter_count(fit_model model, int breaks = 1) {
  switch (model) {
    case fit_model::linear: return 2;
    case fit_model::power_law: return 3;
    case fit_model::logistic: return 4;
    case fit_model::accuracy_law: return 2;
    case fit_model::bnsl:
      if (breaks < 1 || breaks > 3) {
        throw input_error("parameter_count: breaks: " + std::to_string(breaks) + " is not 1, 2 or 3");
      }
      return 3 + 3 * breaks;
  }
  return 0;
}

/// Parameter names of `model` in the order of `fit_result::params`: linear {intercept, slope};
/// power_law {E, A, alpha}; logistic {lo, hi, k, x0}; accuracy_law {c, alpha};
/// bnsl {a, b, c0, c1, d1, f1, c2, d2, f2, ...}.
[[nodiscard]] inline std::vector<std::string> parameter_names(fit_model model, int breaks = 1) {
  switch (model) {
    case fit_model::linear: return {"intercept", "slope"};
    case fit_model::power_law: return {"E", "A", "alpha"};
    case fit_model::logistic: return {"lo", "hi", "k", "x0"};
    case fit_model::accuracy_law: return {"c", "alpha"};
    case fit_model::bnsl: {
      std::vector<std::string> names{"a", "b", "c0"};
      for (int i = 1; i <= breaks && i <= 3; ++i) {
        names.push_back("c" + std::to_string(i));
        names.push_back("d" + std::to_string(i));
        names.push_back("f" + std::to_string(i));
      }
      (void)parameter_count(model, breaks);
      return names;
    }
  }
  return {};
}

namespace detail {

inline constexpr double fit_ln10 = 2.302585092994045684;

/// Numerically stable logistic function 1/(1 + e^(−z)).
inline double fit_sigmoid(double z) noexcept {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

/// Numerically stable fit_softplus log(1 + e^z).
inline double fit_softplus(double z) noexcept {
  if (z > 0) return z + std::log1p(std::exp(-z));
  return std::log1p(std::exp(z));
}

/// Value of a built-in model at x; `p` is any Eigen vector expression of the right length.
/// When `grad` is not null it receives dy/dp (same length as p).
template <class P, class G>
double fit_model_eval(fit_model model, int breaks, double x_ref, double x, const P& p, G* grad) {
  // A fixed-size parameter vector instantiates only the branch of its own size (`if constexpr`), so
  // that g++ does not warn about the other models' indices in code that cannot run.
  constexpr int rows = P::RowsAtCompileTime;
  constexpr bool dynamic = rows == Eigen::Dynamic;
  switch (model) {
    case fit_model::linear:
      if (grad) {
        (*grad)(0) = 1.0;
        (*grad)(1) = x;
      }
      return p(0) + p(1) * x;
    case fit_model::power_law:
      if constexpr (dynamic || rows == 3) {
        const double u = x - x_ref;
        const double t = std::exp(-fit_ln10 * p(2) * u);
        if (grad) {
          (*grad)(0) = 1.0;
          (*grad)(1) = t;
          (*grad)(2) = -p(1) * t * fit_ln10 * u;
        }
        return p(0) + p(1) * t;
      } else {
        return 0.0;
      }
    case fit_model::logistic:
      if constexpr (dynamic || rows == 4) {
        const double d = x - p(3);
        const double s = fit_sigmoid(p(2) * d);
        if (grad) {
          const double amp = (p(1) - p(0)) * s * (1.0 - s);
          (*grad)(0) = 1.0 - s;
          (*grad)(1) = s;
          (*grad)(2) = amp * d;
          (*grad)(3) = -amp * p(2);
        }
        return p(0) + (p(1) - p(0)) * s;
      } else {
        return 0.0;
      }
    case fit_model::accuracy_law:
      if constexpr (dynamic || rows == 2) {
        const double t = std::exp(-fit_ln10 * p(1) * x);
        const double f = std::exp(-p(0) * t);
        if (grad) {
          (*grad)(0) = -t * f;
          (*grad)(1) = p(0) * t * fit_ln10 * x * f;
        }
        return f;
      } else {
        return 0.0;
      }
    case fit_model::bnsl:
      if constexpr (dynamic || rows >= 6) {
        const int count = dynamic ? breaks : std::min(breaks, (rows - 3) / 3);
        const double u = x - x_ref;
        double log_prod = -fit_ln10 * p(2) * u;  // natural log of the product P without b
        for (int i = 0; i < count; ++i) {
          const double c = p(3 + 3 * i), d = p(4 + 3 * i), f = p(5 + 3 * i);
          log_prod -= c * f * fit_softplus(fit_ln10 * (x - d) / f);
        }
        const double prod = std::exp(log_prod);
        if (grad) {
          const double bp = p(1) * prod;
          (*grad)(0) = 1.0;
          (*grad)(1) = prod;
          (*grad)(2) = -bp * fit_ln10 * u;
          for (int i = 0; i < count; ++i) {
            const double c = p(3 + 3 * i), d = p(4 + 3 * i), f = p(5 + 3 * i);
            const double e = fit_ln10 * (x - d) / f;
            const double L = fit_softplus(e);
            const double q = fit_sigmoid(e);  // 10^((x-d)/f) / (1 + 10^((x-d)/f))
            (*grad)(3 + 3 * i) = -bp * f * L;
            (*grad)(4 + 3 * i) = bp * c * q * fit_ln10;
            (*grad)(5 + 3 * i) = bp * (-c * L + c * q * e);
          }
        }
        return p(0) + p(1) * prod;
      } else {
        return 0.0;
      }
  }
  return 0.0;
}

}  // namespace detail
}  // namespace emergent
