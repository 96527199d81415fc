/// @file
/// @brief Grokking (Power et al. 2022): the training step at which the train and test curves (or any
///        progress measures) first reach a threshold, interpolated on log steps, the delay between
///        them in decades, and the break of the test curve.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emergent/analysis/break_tests.hpp"
#include "emergent/analysis/segmented.hpp"
#include "emergent/core/error.hpp"

namespace emergent {

/// Which way a progress measure improves.
enum class progress_direction {
  rising,   ///< larger is better (accuracy): crossing means value >= threshold
  falling,  ///< smaller is better (loss): crossing means value <= threshold
};

/// Where a curve first reaches a threshold.
struct threshold_crossing {
  bool reached = false;        ///< false when no point reaches the threshold
  double step = 0;             ///< interpolated step (0 when not reached)
  double log10_step = 0;       ///< log10 of that step
  std::size_t index = 0;       ///< index (in step order) of the first point at or past the threshold
  bool at_first_point = false; ///< true when the first point already reaches it (the crossing is at or before it)
};

/// The first step at which `values` reaches `threshold`, interpolated linearly in log10(step)
/// between the last point before and the first point at or past the threshold:
/// log10 s* = log10 s_{i-1} + (threshold - v_{i-1}) / (v_i - v_{i-1}) (log10 s_i - log10 s_{i-1}).
/// Points are taken in increasing step order. Throws input_error for mismatched lengths, a step
/// that is not positive and finite, a non-finite value or threshold, or unsorted/duplicate steps.
[[nodiscard]] inline threshold_crossing first_crossing(std::span<const double> steps, std::span<const double> values,
                                                       double threshold,
                                                       progress_direction direction = progress_direction::rising) {
  constexpr const char* fn = "first_crossing";
  if (steps.size() != values.size()) {
    throw input_error(std::string(fn) + ": steps has " + std::to_string(steps.size()) + " values but values has " +
                      std::to_string(values.size()));
  }
  if (steps.empty()) throw input_error(std::string(fn) + ": steps: empty");
  if (!std::isfinite(threshold)) throw input_error(std::string(fn) + ": threshold: not finite");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (!(steps[i] > 0) || !std::isfinite(steps[i])) {
      throw input_error(detail::describe_at(fn, "steps", i, "not a positive finite number"));
    }
    if (i > 0 && !(steps[i] > steps[i - 1])) throw input_error(detail::describe_at(fn, "steps", i, "not increasing"));
    if (!std::isfinite(values[i])) throw input_error(detail::describe_at(fn, "values", i, "not finite"));
  }
  const double sign = direction == progress_direction::rising ? 1.0 : -1.0;
  threshold_crossing out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (sign * (values[i] - threshold) >= 0) {
      out.reached = true;
      out.index = i;
      if (i == 0) {
        out.at_first_point = true;
        out.log10_step = std::log10(steps[0]);
      } else {
        const double a = std::log10(steps[i - 1]), b = std::log10(steps[i]);
        const double frac = (threshold - values[i - 1]) / (values[i] - values[i - 1]);
        out.log10_step = a + frac * (b - a);
      }
      out.step = std::pow(10.0, out.log10_step);
      return out;
    }
  }
  return out;
}

/// Options of `grokking_delay`.
struct grokking_options {
  double train_threshold = 0.9;   ///< threshold of the first measure (train accuracy)
  double test_threshold = 0.9;    ///< threshold of the second measure (test accuracy)
  progress_direction train_direction = progress_direction::rising;  ///< how the first measure improves
  progress_direction test_direction = progress_direction::rising;   ///< how the second measure improves
  bool fit_break = true;          ///< also fit one break to the test curve on log10 steps
};

/// The grokking analysis of two progress curves over training steps.
struct grokking_result {
  threshold_crossing train;     ///< first crossing of the train (first) measure
  threshold_crossing test;      ///< first crossing of the test (second) measure
  /// log10(test step) - log10(train step) when both cross: the delay in decades of steps.
  std::optional<double> delay_decades;
  std::optional<segmented_fit> test_break;  ///< one-break fit of the test curve on log10(step)
  std::optional<double> test_davies_p;      ///< Davies' test of a break in the test curve
};

/// Grokking delay (Power et al. 2022, "Grokking: generalization beyond overfitting on small
/// algorithmic datasets"): the steps at which the train and test curves first reach their
/// thresholds (see `first_crossing`), the delay log10(s_test) - log10(s_train) in decades, and the
/// breakpoint of the test curve on log10(step) (`fit_segmented`, one break) with Davies' test. Any
/// two progress measures may be given (for instance a loss with direction falling). The break is
/// omitted (not an error) when the curve has too few points for it.
template <class Deferred = void>
[[nodiscard]] grokking_result grokking_delay(std::span<const double> steps, std::span<const double> train,
                                                    std::span<const double> test, const grokking_options& options = {}) {
  grokking_result out;
  out.train = first_crossing(steps, train, options.train_threshold, options.train_direction);
  out.test = first_crossing(steps, test, options.test_threshold, options.test_direction);
  if (out.train.reached && out.test.reached) out.delay_decades = out.test.log10_step - out.train.log10_step;
  if (options.fit_break && steps.size() >= 6) {
    std::vector<double> lx(steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) lx[i] = std::log10(steps[i]);
    try {
      out.test_break = fit_segmented(std::span<const double>(lx), test);
      out.test_davies_p = davies_test(std::span<const double>(lx), test).p_value;
    } catch (const std::exception&) {
      out.test_break.reset();
      out.test_davies_p.reset();
    }
  }
  return out;
}

}  // namespace emergent
