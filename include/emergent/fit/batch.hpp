/// @file
/// @brief Fitting many curves at once on several threads. Each curve is fitted independently (and
///        random procedures use per-curve seeds from `replicate_seed`), so results do not depend on the
///        number of threads or on scheduling.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "emergent/core/scaling_curve.hpp"
#include "emergent/fit/fit_curve.hpp"
#include "emergent/fit/fit_result.hpp"
#include "emergent/core/detail/parallel.hpp"
#include "emergent/fit/intervals.hpp"

namespace emergent {

/// Runs `task(i)` for i in [0, count) on `threads` std::threads (0: std::thread::hardware_concurrency()),
/// handing out indices dynamically. The first exception thrown by a task is rethrown after all threads
/// have stopped. `task` must only write to its own index's output.
template <class Task>
void parallel_for_each_index(std::size_t count, unsigned threads, Task&& task) {
  detail::parallel_for_each_index(count, threads, std::forward<Task>(task));
}

/// Fits `model` to every curve (as `fit_curve` does) on `threads` threads (0: all cores). The i-th
/// result belongs to the i-th curve; results are identical for any thread count. An invalid curve
/// throws its `input_error` (prefixed by the curve index) after the other threads stop.
template <class Deferred = void>  // a template only so that the fitter is compiled where it is called
[[nodiscard]] std::vector<fit_result> fit_batch(std::span<const scaling_curve> curves, fit_model model,
                                                       const fit_options& options = {}, unsigned threads = 0) {
  std::vector<fit_result> out(curves.size());
  parallel_for_each_index(curves.size(), threads, [&](std::size_t i) {
    try {
      out[i] = fit_curve(curves[i], model, options);
    } catch (const input_error& e) {
      throw input_error("fit_batch: curves[" + std::to_string(i) + "]: " + e.what());
    }
  });
  return out;
}

/// Bootstraps every curve (`bootstrap_fit` on its x, y and weights) on `threads` threads; curve i uses
/// the seed replicate_seed(bo.resampling.seed, i), so results do not depend on the thread count.
template <class Deferred = void>  // a template only so that the fitter is compiled where it is called
[[nodiscard]] std::vector<fit_bootstrap_result> bootstrap_batch(std::span<const scaling_curve> curves, fit_model model,
                                                                   const fit_options& options = {},
                                                                   const fit_bootstrap_options& bo = {}, unsigned threads = 0) {
  std::vector<fit_bootstrap_result> out(curves.size());
  parallel_for_each_index(curves.size(), threads, [&](std::size_t i) {
    curves[i].validate();
    const std::vector<double> w = options.use_weights ? curve_weights(curves[i]) : std::vector<double>{};
    fit_bootstrap_options b = bo;
    b.resampling.seed = replicate_seed(bo.resampling.seed, i);
    out[i] = bootstrap_fit(curves[i].x, curves[i].y, model, options, b, w);
  });
  return out;
}

}  // namespace emergent
