/// @file
/// @brief `scoring::results`: a scorer's aggregates as rows with intervals, one per (model, task,
///        metric) — a rate with a Wilson (1927) interval for 0/1 metrics, a mean with a Student t
///        interval that stays inside the metric's range otherwise (stats/range_intervals.hpp). The
///        rows `emergent score` and the Python package's `Scorer.results` print. The only scoring
///        header that needs Boost.Math.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "emergent/core/detail/math_policy.hpp"
#include "emergent/core/error.hpp"
#include "emergent/scoring/metric_spec.hpp"
#include "emergent/scoring/scorer.hpp"
#include "emergent/stats/accumulators.hpp"
#include "emergent/stats/intervals.hpp"
#include "emergent/stats/range_intervals.hpp"

namespace emergent::scoring {

/// One aggregate row: a metric over the records of one (model, task).
struct result_row {
  std::string model;             ///< the model
  std::string task;              ///< the task
  std::string metric;            ///< the metric's name
  std::uint64_t n = 0;           ///< records aggregated
  double value = 0.0;            ///< the rate (0/1 metrics) or the mean
  std::optional<double> lower;   ///< lower end of the interval (none for a mean of one record)
  std::optional<double> upper;   ///< upper end of the interval
  std::optional<double> stderr_; ///< standard error: sqrt(p(1-p)/n) for a rate, s/sqrt(n) for a mean
  std::string interval;          ///< "wilson", "t", "t-log", "t-logit" (stats/range_intervals.hpp), or empty
};

/// The aggregate rows of `s`, by model, task and metric order, at the scorer's confidence level
/// (`s.options().level`). A rate (0/1 metrics, and stored scores whose values were all 0 or 1) has
/// the Wilson interval and standard error sqrt(p(1-p)/n); a mean has the t interval inside the
/// metric's range (`metric_range`: log-t for one finite bound, logit-t for two; docs/statistics.md)
/// and s/sqrt(n) when n >= 2, no interval for n = 1. Groups where a metric has no value give no
/// row. Throws input_error naming the model, task and metric when a mean or an interval end
/// overflows a double. A template on the Boost.Math policy (as the interval functions) and on the
/// scorer's regular-expression type, so that including this header instantiates nothing.
template <class Policy = emergent::detail::math_policy, class Regex = std::regex>
[[nodiscard]] std::vector<result_row> results(const basic_scorer<Regex>& s) {
  std::vector<result_row> out;
  const auto& metrics = s.metrics();
  const double level = s.options().level;
  for (const auto& [key, g] : s.aggregates()) {
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      const bool rate = metrics[i].binary || (metrics[i].kind == metric_kind::stored && g.only01[i]);
      const binary_accumulator& counts = metrics[i].binary ? g.binary[i] : g.stored01[i];
      result_row row;
      row.n = rate ? counts.count() : g.mean[i].count();
      if (row.n == 0) continue;
      row.model = key.first;
      row.task = key.second;
      row.metric = metrics[i].name;
      if (rate) {
        row.value = counts.proportion();
        const auto ci = wilson_interval<Policy>(counts, level);
        row.lower = ci.lower;
        row.upper = ci.upper;
        row.stderr_ = std::sqrt(row.value * (1 - row.value) / static_cast<double>(row.n));
        row.interval = "wilson";
      } else {
        row.value = g.mean[i].mean();
        if (row.n >= 2) {
          const auto ci = mean_interval_in_range<Policy>(g.mean[i], metric_range(metrics[i].kind), level);
          row.lower = ci.interval.lower;
          row.upper = ci.interval.upper;
          row.stderr_ = g.mean[i].standard_error();
          row.interval = interval_method_name(ci.method);
        }
      }
      for (const auto& v : {std::optional<double>(row.value), row.lower, row.upper, row.stderr_}) {
        if (v && !std::isfinite(*v)) {
          throw input_error("model '" + key.first + "', task '" + key.second + "', " + metrics[i].name +
                            ": the mean or its interval overflows a double (largest magnitude " +
                            detail::short_number(g.largest[i]) + " at " + g.largest_at[i] + ")");
        }
      }
      out.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace emergent::scoring
