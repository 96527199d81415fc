/// @file
/// @brief Umbrella header for curve fitting on log axes: models, Levenberg–Marquardt, results,
///        intervals, model comparison, extrapolation backtests, batch fitting and user models.
#pragma once

#include "emergent/fit/fit_flag.hpp"
#include "emergent/fit/models.hpp"
#include "emergent/fit/levenberg_marquardt.hpp"
#include "emergent/fit/fit_result.hpp"
#include "emergent/fit/fit_curve.hpp"
#include "emergent/fit/intervals.hpp"
#include "emergent/fit/compare.hpp"
#include "emergent/fit/backtest.hpp"
#include "emergent/fit/batch.hpp"
#include "emergent/fit/custom.hpp"
