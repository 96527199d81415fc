/// @file
/// @brief `fit_options`: the settings of a global fit (`fit`, `fit_xy`, `fit_curve`), shared by every model.
#pragma once

#include "emergent/fit/levenberg_marquardt.hpp"

namespace emergent {

/// Settings of `fit`, `fit_xy` and `fit_curve`.
struct fit_options {
  int breaks = 1;                        ///< number of breaks of `bnsl` (1, 2 or 3)
  robust_loss loss = robust_loss::none;  ///< robust loss (SciPy `least_squares` semantics)
  double loss_scale = 1.0;               ///< scale of the robust loss, in units of y (times √w)
  bool use_weights = true;               ///< weights 1/σ² from the curve's intervals (or the weights given)
  int max_iterations = 200;              ///< iteration limit of each Levenberg–Marquardt polish
  double condition_limit = 1e10;         ///< condition number of column-scaled JᵀJ above which the fit is not identifiable
  double location_se_limit = 2.0;        ///< x0/d_i standard error above this many x ranges: not identifiable
  double amplitude_se_limit = 10.0;      ///< linear-parameter standard error above this many y scales: not identifiable
  int starts = 0;                        ///< grid points polished by LM (0: the model's default, 1 to 3)
};

}  // namespace emergent
