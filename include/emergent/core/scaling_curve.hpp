/// @file
/// @brief `emergent::scaling_curve`, the value type that the statistics layer produces and the
///        fitting and analysis layers consume: one point per model (or checkpoint), x on a log axis.
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <cstddef>
#include <string>
#include <vector>

#include "emergent/core/error.hpp"

namespace emergent {

/// A scaling curve: for each model, x = log_base(quantity) (compute in FLOPs, parameters, training
/// tokens or steps), the metric value y, an optional interval [lower, upper] around y, the number of
/// examples n behind y, and a label. Points need not be sorted; `sorted()` returns a copy sorted by x.
///
/// Optional columns (`lower`, `upper`, `n`, `labels`) are either empty or as long as `x`.
struct scaling_curve {
  std::vector<double> x;            ///< log_base of the quantity, one entry per point
  std::vector<double> y;            ///< metric value per point
  std::vector<double> lower;        ///< lower end of each point's interval (empty when unknown)
  std::vector<double> upper;        ///< upper end of each point's interval (empty when unknown)
  std::vector<std::size_t> n;       ///< examples behind each point (empty when unknown)
  std::vector<std::string> labels;  ///< model or checkpoint name per point (empty when unknown)
  std::string quantity = "compute"; ///< what x is the logarithm of: "compute", "parameters", "tokens", "steps"
  double log_base = 10.0;           ///< base of the logarithm on the x axis
  std::string metric;               ///< name of the metric on the y axis
  std::string task;                 ///< name of the task

  /// Number of points.
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }

  /// Throws `input_error` naming the column and index when the columns have different lengths,
  /// when x or y holds NaN or infinity, or when an interval does not contain its point.
  void validate() const {
    const auto check_size = [&](std::size_t size, const char* column) {
      if (size != 0 && size != x.size()) {
        throw input_error(std::string("scaling_curve: column '") + column + "' has " + std::to_string(size) +
                          " entries but x has " + std::to_string(x.size()));
      }
    };
    if (y.size() != x.size()) {
      throw input_error("scaling_curve: column 'y' has " + std::to_string(y.size()) + " entries but x has " +
                        std::to_string(x.size()));
    }
    check_size(lower.size(), "lower");
    check_size(upper.size(), "upper");
    check_size(n.size(), "n");
    check_size(labels.size(), "labels");
    if (lower.empty() != upper.empty()) {
      throw input_error("scaling_curve: 'lower' and 'upper' must both be given or both be empty");
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!std::isfinite(x[i])) throw input_error(detail::describe_at("scaling_curve", "x", i, "not finite"));
      if (!std::isfinite(y[i])) throw input_error(detail::describe_at("scaling_curve", "y", i, "not finite"));
      if (!lower.empty() && !(lower[i] <= y[i] && y[i] <= upper[i])) {
        throw input_error(detail::describe_at("scaling_curve", "lower/upper", i, "interval does not contain y"));
      }
    }
  }

  /// Returns a copy with every column permuted so that x is non-decreasing (stable for ties).
  [[nodiscard]] scaling_curve sorted() const;
};

inline scaling_curve scaling_curve::sorted() const {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  scaling_curve out;
  out.quantity = quantity;
  out.log_base = log_base;
  out.metric = metric;
  out.task = task;
  const auto permute = [&](const auto& in, auto& dst) {
    if (in.empty()) return;
    dst.reserve(in.size());
    for (std::size_t i : order) dst.push_back(in[i]);
  };
  permute(x, out.x);
  permute(y, out.y);
  permute(lower, out.lower);
  permute(upper, out.upper);
  permute(n, out.n);
  permute(labels, out.labels);
  return out;
}

}  // namespace emergent
