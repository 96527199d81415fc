/// @file
/// @brief Builders of `emergent::scaling_curve` (core/scaling_curve.hpp) from grouped accumulators
///        or per-model scores and a table model -> quantity (compute in FLOPs, parameters, tokens or
///        steps): one point per model, x = log_base(quantity), y the metric, a per-point interval
///        (Wilson for proportions, Student t or the bootstrap for means) and n.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/core/scaling_curve.hpp"
#include "emergent/stats/accumulators.hpp"
#include "emergent/stats/bootstrap.hpp"
#include "emergent/stats/grouping.hpp"
#include "emergent/stats/intervals.hpp"

namespace emergent {

/// What the built curve's axes mean and the confidence level of its intervals.
struct curve_options {
  std::string quantity = "compute";  ///< what x is the logarithm of: "compute", "parameters", "tokens", "steps"
  double log_base = 10.0;            ///< base of the logarithm on the x axis (> 0, != 1)
  double level = 0.95;               ///< confidence level of the per-point intervals, in (0, 1)
  std::string metric;                ///< name of the metric on the y axis, copied to the curve
};

namespace detail {

inline void check_curve_options(const curve_options& options, const char* function) {
  check_level(options.level, function);
  if (!(options.log_base > 0.0) || options.log_base == 1.0 || !std::isfinite(options.log_base)) {
    throw input_error(std::string(function) + ": log_base: " + std::to_string(options.log_base) +
                      " is not a valid logarithm base");
  }
}

inline double log_quantity(const std::map<std::string, double>& quantity_by_model, const std::string& model,
                           const curve_options& options, const char* function) {
  const auto it = quantity_by_model.find(model);
  if (it == quantity_by_model.end()) {
    throw input_error(std::string(function) + ": quantity_by_model: no " + options.quantity + " for model '" + model +
                      "'");
  }
  if (!(it->second > 0.0) || !std::isfinite(it->second)) {
    throw input_error(std::string(function) + ": quantity_by_model: " + options.quantity + " of model '" + model +
                      "' is " + std::to_string(it->second) + ", not a positive finite number");
  }
  return std::log(it->second) / std::log(options.log_base);
}

template <class Accumulator, class Point>
scaling_curve build_curve(const grouped<Accumulator>& groups, const std::map<std::string, double>& quantity_by_model,
                          std::string_view task, std::string_view subtask, const curve_options& options,
                          const char* function, Point point) {
  check_curve_options(options, function);
  scaling_curve curve;
  curve.quantity = options.quantity;
  curve.log_base = options.log_base;
  curve.metric = options.metric;
  curve.task = std::string(task);
  for (const auto& [key, acc] : groups) {
    if (key.task != task || key.subtask != subtask) continue;
    curve.x.push_back(log_quantity(quantity_by_model, key.model, options, function));
    double y = 0.0;
    confidence_interval ci;
    std::size_t n = 0;
    point(key, acc, y, ci, n);
    curve.y.push_back(y);
    curve.lower.push_back(std::min(ci.lower, y));
    curve.upper.push_back(std::max(ci.upper, y));
    curve.n.push_back(n);
    curve.labels.push_back(key.model);
  }
  if (curve.x.empty()) {
    throw input_error(std::string(function) + ": groups: no group for task '" + std::string(task) + "'" +
                      (subtask.empty() ? std::string() : ", subtask '" + std::string(subtask) + "'") +
                      " (empty group)");
  }
  return curve;
}

}  // namespace detail

/// A scaling curve of proportions for `task` (and `subtask`, empty when none) from grouped binary
/// outcomes (binary_accumulator or exact_match_accumulator): one point per model of that task, in model
/// order, y = k/n with Wilson's interval (see wilson_interval) and n trials. Throws input_error
/// when no group matches, a model is missing from `quantity_by_model` or has a non-positive
/// quantity, or options are invalid.
template <std::derived_from<binary_accumulator> Accumulator>
[[nodiscard]] scaling_curve make_scaling_curve(const grouped<Accumulator>& groups,
                                               const std::map<std::string, double>& quantity_by_model,
                                               std::string_view task, const curve_options& options = {},
                                               std::string_view subtask = {}) {
  return detail::build_curve(groups, quantity_by_model, task, subtask, options, "make_scaling_curve",
                             [&](const group_key&, const binary_accumulator& acc, double& y, confidence_interval& ci,
                                 std::size_t& n) {
                               y = acc.proportion();
                               ci = wilson_interval(acc.successes(), acc.count(), options.level);
                               n = static_cast<std::size_t>(acc.count());
                             });
}

/// A scaling curve of means for `task` (and `subtask`) from grouped real scores (mean_accumulator
/// or the metric-family accumulators brier_accumulator, log_loss_accumulator, edit_distance_accumulator): y = mean with
/// Student's t interval (see t_interval) and n. Each group needs n >= 2. Throws input_error as the
/// binary overload, or naming the model whose group has fewer than 2 scores.
template <std::derived_from<mean_accumulator> Accumulator>
[[nodiscard]] scaling_curve make_scaling_curve(const grouped<Accumulator>& groups,
                                               const std::map<std::string, double>& quantity_by_model,
                                               std::string_view task, const curve_options& options = {},
                                               std::string_view subtask = {}) {
  return detail::build_curve(groups, quantity_by_model, task, subtask, options, "make_scaling_curve",
                             [&](const group_key& key, const mean_accumulator& acc, double& y, confidence_interval& ci,
                                 std::size_t& n) {
                               if (acc.count() < 2) {
                                 throw input_error("make_scaling_curve: groups: model '" + key.model + "' has " +
                                                   std::to_string(acc.count()) +
                                                   " scores; a t interval needs at least 2");
                               }
                               y = acc.mean();
                               ci = t_interval(acc, options.level);
                               n = static_cast<std::size_t>(acc.count());
                             });
}

/// A scaling curve of mean scores with bootstrap intervals: `scores_by_model` maps each model to
/// its per-example scores; y = mean, interval from bootstrap_mean (percentile or BCa, with
/// `bootstrap.level` replaced by options.level), n = number of scores. Models are in name order.
/// Throws input_error when there is no model, a model has no scores, a score is not finite, a
/// model lacks a positive quantity, or options are invalid.
template <class Deferred = void>
[[nodiscard]] scaling_curve make_scaling_curve_bootstrap(
    const std::map<std::string, std::vector<double>>& scores_by_model,
    const std::map<std::string, double>& quantity_by_model, std::string_view task,
    bootstrap_method method = bootstrap_method::percentile, bootstrap_options bootstrap = {},
    const curve_options& options = {}) {
  detail::check_curve_options(options, "make_scaling_curve_bootstrap");
  if (scores_by_model.empty()) throw input_error("make_scaling_curve_bootstrap: scores_by_model: no models");
  bootstrap.level = options.level;
  scaling_curve curve;
  curve.quantity = options.quantity;
  curve.log_base = options.log_base;
  curve.metric = options.metric;
  curve.task = std::string(task);
  for (const auto& [model, scores] : scores_by_model) {
    curve.x.push_back(detail::log_quantity(quantity_by_model, model, options, "make_scaling_curve_bootstrap"));
    if (scores.empty()) {
      throw input_error("make_scaling_curve_bootstrap: scores_by_model: model '" + model + "' has no scores (empty group)");
    }
    const auto result = bootstrap_mean(scores, method, bootstrap);
    curve.y.push_back(result.estimate);
    curve.lower.push_back(std::min(result.interval.lower, result.estimate));
    curve.upper.push_back(std::max(result.interval.upper, result.estimate));
    curve.n.push_back(scores.size());
    curve.labels.push_back(model);
  }
  return curve;
}

}  // namespace emergent
