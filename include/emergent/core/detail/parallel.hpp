/// @file
/// @brief Internal: the one parallel loop of emergent on `std::thread`. `run_workers` starts the
///        threads, joins them and carries exceptions back; the two schedules on top of it are
///        `parallel_blocks` (contiguous blocks of [0, count), one per thread: for work of equal cost
///        per index and for bodies that set up per-thread state once, as the bootstrap's replicates and
///        jackknife) and `parallel_for_each_index` (indices handed out one at a time: for work of
///        uneven cost, as fitting many curves). Results written by index do not depend on the number
///        of threads. `threads = 0` means `std::thread::hardware_concurrency()` everywhere.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace emergent::detail {

/// Resolves a `threads` option: 0 means std::thread::hardware_concurrency() (at least 1).
[[nodiscard]] inline unsigned resolve_threads(unsigned threads) noexcept {
  if (threads != 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1U : hw;
}

/// Runs worker(t) for t = 0, ..., threads - 1 concurrently (t = 0 on the calling thread) and waits for
/// all of them; then rethrows the exception of the lowest t that threw, if any.
template <class Worker>
void run_workers(unsigned threads, Worker&& worker) {
  if (threads <= 1) {
    worker(0U);
    return;
  }
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  const auto guarded = [&worker, &errors](unsigned t) {
    try {
      worker(t);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  try {
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
  } catch (...) {  // could not start a thread: finish what was started, then report
    for (auto& th : pool) th.join();
    throw;
  }
  guarded(0U);
  for (auto& th : pool) th.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

/// Runs body(begin, end) on contiguous blocks [count t / T, count (t + 1) / T) of [0, count), one per
/// thread (T = the resolved thread count, at most count); rethrows the first block's exception.
template <class Body>
void parallel_blocks(std::size_t count, unsigned threads, Body&& body) {
  threads = resolve_threads(threads);
  if (count < threads) threads = static_cast<unsigned>(std::max<std::size_t>(count, 1));
  run_workers(threads, [&](unsigned t) {
    body(count * t / threads, count * (t + 1) / threads);
  });
}

/// Runs task(i) for every i in [0, count), handing indices out one at a time to `threads` threads.
/// After a task throws no further indices are handed out, and the exception is rethrown once all
/// threads have stopped. `task` must only write to its own index's output.
template <class Task>
void parallel_for_each_index(std::size_t count, unsigned threads, Task&& task) {
  threads = static_cast<unsigned>(std::min<std::size_t>(resolve_threads(threads), std::max<std::size_t>(count, 1)));
  std::atomic<std::size_t> next{0};
  run_workers(threads, [&](unsigned) {
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      try {
        task(i);
      } catch (...) {
        next.store(count, std::memory_order_relaxed);
        throw;
      }
    }
  });
}

}  // namespace emergent::detail
