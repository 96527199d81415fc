/// @file
/// @brief The bootstrap over examples (Efron 1979): percentile and BCa (Efron 1987) intervals for any
///        statistic of per-example scores, a paired bootstrap for two scores on the same items, and
///        count resampling (binomial / multinomial draws) for binary and few-valued outcomes.
///
/// Determinism: replicate b draws from its own generator, xoshiro256** seeded by SplitMix64 from
/// (seed, b) (`detail::xoshiro256ss::stream`), so the replicates, and hence the interval, are the
/// same for a given seed whatever the number of threads. Threads split the replicates into
/// contiguous blocks (`detail::parallel_blocks` of core/detail/parallel.hpp; `threads = 0` means
/// `std::thread::hardware_concurrency()`). Interval ends are type-7 quantiles of the replicates
/// (`detail::quantile_select`, core/detail/quantile.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <boost/math/distributions/normal.hpp>

#include "emergent/core/detail/math_policy.hpp"
#include "emergent/core/detail/parallel.hpp"
#include "emergent/core/detail/quantile.hpp"
#include "emergent/core/detail/random.hpp"
#include "emergent/core/error.hpp"
#include "emergent/core/resampling.hpp"
#include "emergent/stats/intervals.hpp"

namespace emergent {

/// How a bootstrap interval is read off the replicates.
enum class bootstrap_method {
  /// Percentile interval (Efron 1979): the alpha/2 and 1 - alpha/2 quantiles of the replicates.
  percentile,
  /// Bias-corrected and accelerated interval (Efron 1987, "Better bootstrap confidence intervals",
  /// JASA 82): quantiles at Phi(z0 + (z0 + z_q) / (1 - a (z0 + z_q))) for z_q = z_{alpha/2},
  /// z_{1-alpha/2}, with bias correction z0 = Phi^{-1}((#{theta*_b < theta_hat} + #{= theta_hat}/2) / B)
  /// and acceleration a = sum d_i^3 / (6 (sum d_i^2)^{3/2}), d_i = mean(theta_(.)) - theta_(i)
  /// from the jackknife (leave-one-out) values theta_(i). Needs B >= 100 and n >= 2.
  bca,
};

/// Settings shared by the bootstrap functions.
struct bootstrap_options {
  /// Replicates B (>= 1; >= 100 for BCa), seed and threads (the result does not depend on threads).
  resampling_options resampling{2000};
  double level = 0.95;           ///< confidence level in (0, 1)
};

/// A bootstrap estimate: the statistic on the original sample, the interval, and the replicates.
struct bootstrap_result {
  double estimate = 0.0;             ///< theta_hat, the statistic of the original sample
  confidence_interval interval;      ///< percentile or BCa interval at options.level
  double standard_error = 0.0;       ///< standard deviation of the replicates (divisor B - 1)
  double bias = 0.0;                 ///< mean of the replicates minus theta_hat
  std::vector<double> replicates;    ///< theta*_b for b = 0, ..., B - 1 (in replicate order)
};

namespace detail {

inline void check_options(const bootstrap_options& options, bootstrap_method method, const char* function) {
  check_level(options.level, function);
  if (options.resampling.replicates == 0) throw input_error(std::string(function) + ": resampling.replicates: B = 0");
  if (method == bootstrap_method::bca && options.resampling.replicates < 100) {
    throw input_error(std::string(function) + ": resampling.replicates: BCa needs B >= 100, got " +
                      std::to_string(options.resampling.replicates));
  }
}

inline void check_scores(std::span<const double> scores, const char* function, const char* argument) {
  if (scores.empty()) throw input_error(std::string(function) + ": " + argument + ": empty group (no scores)");
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) throw input_error(describe_at(function, argument, i, "not finite"));
  }
}

/// Acceleration from jackknife values theta_(i) with multiplicities (weights): a = sum w d^3 /
/// (6 (sum w d^2)^{3/2}), d = weighted mean - theta_(i). Returns 0 when all values are equal.
inline double jackknife_acceleration(std::span<const double> values, std::span<const double> weights) noexcept {
  double total = 0.0;
  double mean = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    total += weights[i];
    mean += weights[i] * values[i];
  }
  mean /= total;
  double s2 = 0.0;
  double s3 = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double d = mean - values[i];
    s2 += weights[i] * d * d;
    s3 += weights[i] * d * d * d;
  }
  if (!(s2 > 0.0)) return 0.0;
  return s3 / (6.0 * std::pow(s2, 1.5));
}

/// Fills result.interval, standard_error and bias from result.replicates and result.estimate.
/// For BCa, `acceleration` is the jackknife a.
template <class Policy = math_policy>  // only callers instantiate the Boost.Math normal quantile
void finish_interval(bootstrap_result& result, bootstrap_method method, double level, double acceleration) {
  const auto& reps = result.replicates;
  if (!std::isfinite(result.estimate)) {
    throw numerical_error("bootstrap: the statistic of the original sample is not finite (" +
                          std::to_string(result.estimate) + ")");
  }
  for (std::size_t b = 0; b < reps.size(); ++b) {
    if (!std::isfinite(reps[b])) {
      throw numerical_error("bootstrap: replicates[" + std::to_string(b) + "]: the statistic returned " +
                            std::to_string(reps[b]) + " on a resample");
    }
  }
  if (!std::isfinite(acceleration)) {
    throw numerical_error("bootstrap: the jackknife acceleration is not finite (the statistic returned a non-finite "
                          "value on a leave-one-out sample)");
  }
  const double b = static_cast<double>(reps.size());
  double mean = 0.0;
  for (double r : reps) mean += r;
  mean /= b;
  double ss = 0.0;
  for (double r : reps) ss += (r - mean) * (r - mean);
  result.standard_error = reps.size() > 1 ? std::sqrt(ss / (b - 1.0)) : 0.0;
  result.bias = mean - result.estimate;
  const auto [smallest, largest] = std::minmax_element(reps.begin(), reps.end());
  const double alpha = 1.0 - level;
  double p_lo = alpha / 2.0;
  double p_hi = 1.0 - alpha / 2.0;
  if (method == bootstrap_method::bca && *smallest != *largest) {
    const boost::math::normal_distribution<double, Policy> standard;
    std::size_t below = 0;
    std::size_t equal = 0;
    for (double r : reps) {
      below += r < result.estimate ? 1U : 0U;
      equal += r == result.estimate ? 1U : 0U;
    }
    double fraction = (static_cast<double>(below) + 0.5 * static_cast<double>(equal)) / b;
    fraction = std::clamp(fraction, 0.5 / b, 1.0 - 0.5 / b);  // keep z0 finite
    const double z0 = boost::math::quantile(standard, fraction);
    const auto adjusted = [&](double p) {
      const double zq = boost::math::quantile(standard, p);
      const double t = z0 + zq;
      const double denom = 1.0 - acceleration * t;
      if (!(denom > 0.0)) return p < 0.5 ? 0.0 : 1.0;
      return boost::math::cdf(standard, z0 + t / denom);
    };
    p_lo = adjusted(p_lo);
    p_hi = adjusted(p_hi);
  }
  std::vector<double> work(reps);
  const double lower = quantile_select(work, p_lo);
  const double upper = quantile_select(work, p_hi);
  result.interval = {lower, upper, level};
}

}  // namespace detail

/// A statistic of one sample of per-example scores: called as `double(std::span<const double>)`.
template <class F>
concept sample_statistic = std::copy_constructible<F> && requires(F& f, std::span<const double> x) {
  { f(x) } -> std::convertible_to<double>;
};

/// A statistic of two aligned samples (scores a[i], b[i] of the same item i):
/// `double(std::span<const double> a, std::span<const double> b)`.
template <class F>
concept paired_statistic = std::copy_constructible<F> && requires(F& f, std::span<const double> x) {
  { f(x, x) } -> std::convertible_to<double>;
};

/// Bootstrap of any statistic of per-example scores by resampling examples (indices) with
/// replacement: theta*_b = statistic(x*_b), x*_b = n scores drawn uniformly with replacement with
/// replicate b's generator. The statistic is copied once per thread and must be safe to call on
/// its copy. BCa's jackknife calls it n more times on n - 1 scores (cost O(n) calls).
/// Throws input_error for empty or non-finite scores, level outside (0, 1), B = 0, or B < 100 / n < 2 for BCa;
/// numerical_error when the statistic returns NaN or infinity (on the sample, a resample or a
/// leave-one-out sample).
template <sample_statistic Statistic>
[[nodiscard]] bootstrap_result bootstrap(std::span<const double> scores, Statistic statistic,
                                         bootstrap_method method = bootstrap_method::percentile,
                                         const bootstrap_options& options = {}) {
  detail::check_options(options, method, "bootstrap");
  detail::check_scores(scores, "bootstrap", "scores");
  const std::size_t n = scores.size();
  if (method == bootstrap_method::bca && n < 2) throw input_error("bootstrap: scores: BCa needs n >= 2, got 1");
  bootstrap_result result;
  result.estimate = static_cast<double>(statistic(scores));
  result.replicates.assign(options.resampling.replicates, 0.0);
  detail::parallel_blocks(options.resampling.replicates, options.resampling.threads, [&](std::size_t begin, std::size_t end) {
    Statistic local = statistic;
    std::vector<double> buffer(n);
    for (std::size_t b = begin; b < end; ++b) {
      auto rng = detail::xoshiro256ss::stream(options.resampling.seed, b);
      double* out = buffer.data();
      detail::for_each_bounded_index(rng, n, n, [&](std::size_t i) noexcept { *out++ = scores[i]; });
      result.replicates[b] = static_cast<double>(local(std::span<const double>(buffer)));
    }
  });
  double acceleration = 0.0;
  if (method == bootstrap_method::bca) {
    std::vector<double> jack(n);
    detail::parallel_blocks(n, options.resampling.threads, [&](std::size_t begin, std::size_t end) {
      Statistic local = statistic;
      // buffer holds the scores without scores[i]; moving from i to i + 1 is one assignment
      std::vector<double> buffer;
      buffer.reserve(n - 1);
      for (std::size_t j = 0; j < n; ++j) {
        if (j != begin) buffer.push_back(scores[j]);
      }
      for (std::size_t i = begin; i < end; ++i) {
        if (i > begin) buffer[i - 1] = scores[i - 1];
        jack[i] = static_cast<double>(local(std::span<const double>(buffer)));
      }
    });
    const std::vector<double> ones(n, 1.0);
    acceleration = detail::jackknife_acceleration(jack, ones);
  }
  detail::finish_interval(result, method, options.level, acceleration);
  return result;
}

/// Bootstrap of the mean of per-example scores by index resampling, without materialising the
/// resample (theta*_b = (1/n) sum of n scores drawn with replacement); BCa's jackknife is closed
/// form, theta_(i) = (S - x_i) / (n - 1). Same replicates as `bootstrap(scores, mean)` up to
/// rounding. Throws as bootstrap().
template <class Deferred = void>
[[nodiscard]] bootstrap_result bootstrap_mean(std::span<const double> scores,
                                                     bootstrap_method method = bootstrap_method::percentile,
                                                     const bootstrap_options& options = {}) {
  detail::check_options(options, method, "bootstrap_mean");
  detail::check_scores(scores, "bootstrap_mean", "scores");
  const std::size_t n = scores.size();
  if (method == bootstrap_method::bca && n < 2) throw input_error("bootstrap_mean: scores: BCa needs n >= 2, got 1");
  const double nd = static_cast<double>(n);
  double total = 0.0;
  for (double s : scores) total += s;
  bootstrap_result result;
  result.estimate = total / nd;
  result.replicates.assign(options.resampling.replicates, 0.0);
  detail::parallel_blocks(options.resampling.replicates, options.resampling.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t b = begin; b < end; ++b) {
      auto rng = detail::xoshiro256ss::stream(options.resampling.seed, b);
      double sum = 0.0;
      detail::for_each_bounded_index(rng, n, n, [&](std::size_t i) noexcept { sum += scores[i]; });
      result.replicates[b] = sum / nd;
    }
  });
  double acceleration = 0.0;
  if (method == bootstrap_method::bca) {
    std::vector<double> jack(n);
    for (std::size_t i = 0; i < n; ++i) jack[i] = (total - scores[i]) / (nd - 1.0);
    const std::vector<double> ones(n, 1.0);
    acceleration = detail::jackknife_acceleration(jack, ones);
  }
  detail::finish_interval(result, method, options.level, acceleration);
  return result;
}

/// Bootstrap of the mean of outcomes that take few distinct values, by resampling counts: with
/// counts[j] examples of value values[j] (sum n), replicate b draws (c*_1, ..., c*_k) ~
/// Multinomial(n, counts / n) (conditional binomials, BTPE / inversion) and theta*_b =
/// sum c*_j values[j] / n. Exactly the distribution of index resampling, at a cost independent
/// of n. BCa's jackknife is closed form per category. Throws input_error when the lengths differ,
/// a value is not finite, the counts sum to 0, or as bootstrap().
template <class Deferred = void>
[[nodiscard]] bootstrap_result bootstrap_counts(std::span<const double> values,
                                                       std::span<const std::uint64_t> counts,
                                                       bootstrap_method method = bootstrap_method::percentile,
                                                       const bootstrap_options& options = {}) {
  detail::check_options(options, method, "bootstrap_counts");
  if (values.size() != counts.size()) {
    throw input_error("bootstrap_counts: values has " + std::to_string(values.size()) + " entries but counts has " +
                      std::to_string(counts.size()));
  }
  detail::check_scores(values, "bootstrap_counts", "values");
  std::uint64_t n = 0;
  for (auto c : counts) n += c;
  if (n == 0) throw input_error("bootstrap_counts: counts: empty group (counts sum to 0)");
  if (method == bootstrap_method::bca && n < 2) throw input_error("bootstrap_counts: counts: BCa needs n >= 2, got 1");
  const double nd = static_cast<double>(n);
  const std::size_t k = values.size();
  std::vector<double> probabilities(k);
  double total = 0.0;
  for (std::size_t j = 0; j < k; ++j) {
    probabilities[j] = static_cast<double>(counts[j]) / nd;
    total += static_cast<double>(counts[j]) * values[j];
  }
  bootstrap_result result;
  result.estimate = total / nd;
  result.replicates.assign(options.resampling.replicates, 0.0);
  if (k == 2) {  // binary-like: one binomial per replicate, sampler set up once
    const detail::binomial_sampler draw(n, probabilities[0]);
    detail::parallel_blocks(options.resampling.replicates, options.resampling.threads, [&](std::size_t begin, std::size_t end) {
      for (std::size_t b = begin; b < end; ++b) {
        auto rng = detail::xoshiro256ss::stream(options.resampling.seed, b);
        const auto c0 = static_cast<double>(draw(rng));
        result.replicates[b] = (c0 * values[0] + (nd - c0) * values[1]) / nd;
      }
    });
  } else {
    detail::parallel_blocks(options.resampling.replicates, options.resampling.threads, [&](std::size_t begin, std::size_t end) {
      std::vector<std::uint64_t> drawn(k);
      for (std::size_t b = begin; b < end; ++b) {
        auto rng = detail::xoshiro256ss::stream(options.resampling.seed, b);
        detail::multinomial(rng, n, probabilities, drawn);
        double s = 0.0;
        for (std::size_t j = 0; j < k; ++j) s += static_cast<double>(drawn[j]) * values[j];
        result.replicates[b] = s / nd;
      }
    });
  }
  double acceleration = 0.0;
  if (method == bootstrap_method::bca) {
    std::vector<double> jack(k);
    std::vector<double> weights(k);
    for (std::size_t j = 0; j < k; ++j) {
      jack[j] = (total - values[j]) / (nd - 1.0);
      weights[j] = static_cast<double>(counts[j]);
    }
    acceleration = detail::jackknife_acceleration(jack, weights);
  }
  detail::finish_interval(result, method, options.level, acceleration);
  return result;
}

/// Bootstrap of a proportion (successes out of n binary outcomes) by count resampling:
/// k*_b ~ Binomial(n, k/n), theta*_b = k*_b / n. See bootstrap_counts().
/// Throws input_error when n = 0, successes > n, or as bootstrap().
template <class Deferred = void>
[[nodiscard]] bootstrap_result bootstrap_proportion(std::uint64_t successes, std::uint64_t n,
                                                           bootstrap_method method = bootstrap_method::percentile,
                                                           const bootstrap_options& options = {}) {
  if (n == 0) throw input_error("bootstrap_proportion: n: 0 trials (empty group)");
  if (successes > n) {
    throw input_error("bootstrap_proportion: successes: " + std::to_string(successes) + " exceed n = " +
                      std::to_string(n));
  }
  const double values[2] = {1.0, 0.0};
  const std::uint64_t counts[2] = {successes, n - successes};
  return bootstrap_counts(values, counts, method, options);
}

/// Paired bootstrap of mean(a) - mean(b) by count resampling, for scores that take few distinct
/// (a, b) pairs (two models' 0/1 outcomes on the same items: a 2 x 2 table). counts[j] items have
/// scores (values_a[j], values_b[j]); replicate r draws Multinomial(n, counts / n) over the pairs
/// and theta*_r = sum c*_j (values_a[j] - values_b[j]) / n, the same distribution as resampling the
/// items jointly (bootstrap_mean_difference), at a cost independent of n. Throws input_error when
/// the three spans differ in length, a value is not finite, the counts sum to 0, or as bootstrap().
template <class Deferred = void>
[[nodiscard]] bootstrap_result bootstrap_paired_counts(std::span<const double> values_a,
                                                              std::span<const double> values_b,
                                                              std::span<const std::uint64_t> counts,
                                                              bootstrap_method method = bootstrap_method::percentile,
                                                              const bootstrap_options& options = {}) {
  detail::check_options(options, method, "bootstrap_paired_counts");
  if (values_a.size() != counts.size() || values_b.size() != counts.size()) {
    throw input_error("bootstrap_paired_counts: values_a has " + std::to_string(values_a.size()) + ", values_b " +
                      std::to_string(values_b.size()) + " and counts " + std::to_string(counts.size()) + " entries");
  }
  detail::check_scores(values_a, "bootstrap_paired_counts", "values_a");
  detail::check_scores(values_b, "bootstrap_paired_counts", "values_b");
  std::vector<double> differences(values_a.size());
  for (std::size_t j = 0; j < values_a.size(); ++j) differences[j] = values_a[j] - values_b[j];
  return bootstrap_counts(differences, counts, method, options);
}

/// Paired bootstrap: resamples items (the same indices for both samples) and evaluates
/// statistic(a*_b, b*_b), e.g. the difference of two metrics on the same examples, or of two models
/// on the same items. Throws input_error when a and b have different lengths, or as bootstrap().
template <paired_statistic Statistic>
[[nodiscard]] bootstrap_result bootstrap_paired(std::span<const double> a, std::span<const double> b,
                                                Statistic statistic,
                                                bootstrap_method method = bootstrap_method::percentile,
                                                const bootstrap_options& options = {}) {
  detail::check_options(options, method, "bootstrap_paired");
  if (a.size() != b.size()) {
    throw input_error("bootstrap_paired: a has " + std::to_string(a.size()) + " scores but b has " +
                      std::to_string(b.size()));
  }
  detail::check_scores(a, "bootstrap_paired", "a");
  detail::check_scores(b, "bootstrap_paired", "b");
  const std::size_t n = a.size();
  if (method == bootstrap_method::bca && n < 2) throw input_error("bootstrap_paired: a: BCa needs n >= 2, got 1");
  bootstrap_result result;
  result.estimate = static_cast<double>(statistic(a, b));
  result.replicates.assign(options.resampling.replicates, 0.0);
  detail::parallel_blocks(options.resampling.replicates, options.resampling.threads, [&](std::size_t begin, std::size_t end) {
    Statistic local = statistic;
    std::vector<double> buf_a(n);
    std::vector<double> buf_b(n);
    for (std::size_t r = begin; r < end; ++r) {
      auto rng = detail::xoshiro256ss::stream(options.resampling.seed, r);
      std::size_t pos = 0;
      detail::for_each_bounded_index(rng, n, n, [&](std::size_t i) noexcept {
        buf_a[pos] = a[i];
        buf_b[pos] = b[i];
        ++pos;
      });
      result.replicates[r] = static_cast<double>(local(std::span<const double>(buf_a), std::span<const double>(buf_b)));
    }
  });
  double acceleration = 0.0;
  if (method == bootstrap_method::bca) {
    std::vector<double> jack(n);
    detail::parallel_blocks(n, options.resampling.threads, [&](std::size_t begin, std::size_t end) {
      Statistic local = statistic;
      std::vector<double> buf_a;
      std::vector<double> buf_b;
      buf_a.reserve(n - 1);
      buf_b.reserve(n - 1);
      for (std::size_t j = 0; j < n; ++j) {
        if (j == begin) continue;
        buf_a.push_back(a[j]);
        buf_b.push_back(b[j]);
      }
      for (std::size_t i = begin; i < end; ++i) {
        if (i > begin) {
          buf_a[i - 1] = a[i - 1];
          buf_b[i - 1] = b[i - 1];
        }
        jack[i] = static_cast<double>(local(std::span<const double>(buf_a), std::span<const double>(buf_b)));
      }
    });
    const std::vector<double> ones(n, 1.0);
    acceleration = detail::jackknife_acceleration(jack, ones);
  }
  detail::finish_interval(result, method, options.level, acceleration);
  return result;
}

/// Paired bootstrap of the difference of means, mean(a) - mean(b), over the same items (indices
/// resampled jointly; no resample is materialised). Throws as bootstrap_paired().
template <class Deferred = void>
[[nodiscard]] bootstrap_result bootstrap_mean_difference(std::span<const double> a, std::span<const double> b,
                                                                bootstrap_method method = bootstrap_method::percentile,
                                                                const bootstrap_options& options = {}) {
  detail::check_options(options, method, "bootstrap_mean_difference");
  if (a.size() != b.size()) {
    throw input_error("bootstrap_mean_difference: a has " + std::to_string(a.size()) + " scores but b has " +
                      std::to_string(b.size()));
  }
  detail::check_scores(a, "bootstrap_mean_difference", "a");
  detail::check_scores(b, "bootstrap_mean_difference", "b");
  const std::size_t n = a.size();
  if (method == bootstrap_method::bca && n < 2) {
    throw input_error("bootstrap_mean_difference: a: BCa needs n >= 2, got 1");
  }
  const double nd = static_cast<double>(n);
  std::vector<double> d(n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    d[i] = a[i] - b[i];
    total += d[i];
  }
  bootstrap_result result;
  result.estimate = total / nd;
  result.replicates.assign(options.resampling.replicates, 0.0);
  detail::parallel_blocks(options.resampling.replicates, options.resampling.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      auto rng = detail::xoshiro256ss::stream(options.resampling.seed, r);
      double sum = 0.0;
      detail::for_each_bounded_index(rng, n, n, [&](std::size_t i) noexcept { sum += d[i]; });
      result.replicates[r] = sum / nd;
    }
  });
  double acceleration = 0.0;
  if (method == bootstrap_method::bca) {
    std::vector<double> jack(n);
    for (std::size_t i = 0; i < n; ++i) jack[i] = (total - d[i]) / (nd - 1.0);
    const std::vector<double> ones(n, 1.0);
    acceleration = detail::jackknife_acceleration(jack, ones);
  }
  detail::finish_interval(result, method, options.level, acceleration);
  return result;
}

}  // namespace emergent
