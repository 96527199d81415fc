/// @file
/// @brief Mergeable accumulators in the Boost.Histogram style: value types, `operator()` adds one
///        observation, `operator+=` merges a shard, so a dump can be split across threads or
///        machines and the shards merged in any order.
///
/// Merge formulas (Chan, Golub & LeVeque 1979, "Updating formulae and a pairwise algorithm for
/// computing sample variances"; West 1979 for weights): for shards A and B with counts n_A, n_B,
/// means m_A, m_B and sums of squared deviations M2_A, M2_B,
///
///     n = n_A + n_B,   delta = m_B - m_A,
///     M2 = M2_A + M2_B + delta^2 * n_A * n_B / n.
///
/// The sum behind the mean is kept with Neumaier's compensated summation, so the mean of merged
/// shards equals the one-pass mean to a few ulps whatever the order; M2 (Welford 1962 update for
/// one observation) agrees to a relative 1e-12 or better.
///
/// Accumulators travel: `state()` returns a small struct of plain numbers (a `version` field, the
/// counts as signed 64-bit integers, the sums as doubles with their compensation terms) and
/// `Accumulator::from_state(s)` rebuilds an accumulator equal to the original, so a shard can be
/// written by one process (in any format that keeps a double exactly: binary, `%a`, 17 significant
/// digits) and merged in another. `from_state` validates what it reads and throws `input_error`
/// naming the field: a version other than `accumulator_state_version`, a negative count, successes
/// above trials, a non-finite number, a negative sum of squares or of weights, sums without
/// observations.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "emergent/core/error.hpp"

namespace emergent {

/// Version of the plain-number states written by the accumulators' `state()` and read by their
/// `from_state()`; a state of any other version is rejected (input_error naming `version`).
inline constexpr std::uint32_t accumulator_state_version = 1;

/// State of a count_accumulator.
struct count_state {
  std::uint32_t version = accumulator_state_version;  ///< format version (accumulator_state_version)
  std::int64_t count = 0;                             ///< number of observations (>= 0)
  /// Field-wise equality.
  friend bool operator==(const count_state&, const count_state&) = default;
};

/// State of a mean_accumulator (and of the metric-family means built on it): the count, the
/// compensated sum (sum + sum_compensation is the sum of the observations) and M2.
struct mean_state {
  std::uint32_t version = accumulator_state_version;  ///< format version (accumulator_state_version)
  std::int64_t count = 0;                             ///< finite observations added (>= 0)
  std::int64_t non_finite = 0;                        ///< NaN or infinite observations rejected (>= 0)
  double sum = 0.0;                                   ///< leading part of the compensated sum
  double sum_compensation = 0.0;                      ///< correction term of the compensated sum
  double m2 = 0.0;                                    ///< sum of squared deviations from the mean (>= 0)
  /// Field-wise equality.
  friend bool operator==(const mean_state&, const mean_state&) = default;
};

/// State of a weighted_mean_accumulator: counts, the compensated sums of w and w x, the sum of w^2
/// and S, the weighted sum of squared deviations.
struct weighted_mean_state {
  std::uint32_t version = accumulator_state_version;  ///< format version (accumulator_state_version)
  std::int64_t count = 0;                             ///< observations added, weight zero included (>= 0)
  std::int64_t bad_weights = 0;                       ///< negative or non-finite weights rejected (>= 0)
  std::int64_t non_finite = 0;                        ///< NaN or infinite values rejected (>= 0)
  double sum_weights = 0.0;                           ///< leading part of sum w (>= 0)
  double sum_weights_compensation = 0.0;              ///< correction term of sum w
  double sum_weighted_values = 0.0;                   ///< leading part of sum w x
  double sum_weighted_values_compensation = 0.0;      ///< correction term of sum w x
  double sum_squared_weights = 0.0;                   ///< sum w^2 (>= 0)
  double m2 = 0.0;                                    ///< S = sum w (x - mean)^2 (>= 0)
  /// Field-wise equality.
  friend bool operator==(const weighted_mean_state&, const weighted_mean_state&) = default;
};

/// State of a binary_accumulator (and of exact_match_accumulator).
struct binary_state {
  std::uint32_t version = accumulator_state_version;  ///< format version (accumulator_state_version)
  std::int64_t successes = 0;                         ///< successes k (0 <= k <= trials)
  std::int64_t trials = 0;                            ///< trials n (>= 0)
  /// Field-wise equality.
  friend bool operator==(const binary_state&, const binary_state&) = default;
};

namespace detail {

/// Neumaier's variant of Kahan summation: sum + compensation carries about twice the precision.
struct compensated_sum {
  double sum = 0.0;
  double compensation = 0.0;
  void add(double x) noexcept {
    const double t = sum + x;
    if (std::fabs(sum) >= std::fabs(x)) {
      compensation += (sum - t) + x;
    } else {
      compensation += (x - t) + sum;
    }
    sum = t;
  }
  void merge(const compensated_sum& other) noexcept {
    add(other.sum);
    compensation += other.compensation;
  }
  [[nodiscard]] double value() const noexcept { return sum + compensation; }
};

[[noreturn]] inline void throw_bad_state(const char* function, const char* field, const std::string& reason) {
  throw input_error(std::string(function) + ": " + field + ": " + reason);
}

inline void check_state_version(std::uint32_t version, const char* function) {
  if (version != accumulator_state_version) {
    throw_bad_state(function, "version",
                    std::to_string(version) + " is not a state version this build reads (" +
                        std::to_string(accumulator_state_version) + ")");
  }
}

/// A state count as the accumulator's unsigned count; throws input_error naming `field` when negative.
inline std::uint64_t from_state_count(std::int64_t value, const char* function, const char* field) {
  if (value < 0) throw_bad_state(function, field, std::to_string(value) + " is negative");
  return static_cast<std::uint64_t>(value);
}

/// An unsigned count as a state field (saturating at 2^63 - 1, which no count reaches in practice).
constexpr std::int64_t to_state_count(std::uint64_t value) noexcept {
  constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(value > largest ? largest : value);
}

/// A real state field; throws input_error naming `field` when NaN or infinite, or negative when
/// `non_negative` is set.
inline double from_state_real(double value, const char* function, const char* field, bool non_negative) {
  if (!std::isfinite(value)) throw_bad_state(function, field, std::to_string(value) + " is not finite");
  if (non_negative && value < 0.0) throw_bad_state(function, field, std::to_string(value) + " is negative");
  return value;
}

/// Throws input_error naming `field` when a sum is not zero although nothing was added.
inline void require_zero_without_observations(double value, const char* function, const char* field) {
  if (value != 0.0) throw_bad_state(function, field, std::to_string(value) + " is not 0 although count is 0");
}

inline void require_nonempty(std::uint64_t n, const char* function) {
  if (n == 0) throw input_error(std::string(function) + ": empty group (no observations were added)");
}

inline void require_finite_inputs(std::uint64_t non_finite, const char* function) {
  if (non_finite != 0) {
    throw input_error(std::string(function) + ": " + std::to_string(non_finite) +
                      " of the values added were NaN or infinite");
  }
}

}  // namespace detail

/// Counts observations. Merge: n = n_A + n_B.
class count_accumulator {
 public:
  /// Counts one observation (its value is ignored).
  template <class... Ts>
  constexpr void operator()(const Ts&... /*ignored*/) noexcept {
    ++n_;
  }
  /// Merges a shard: the counts add.
  constexpr count_accumulator& operator+=(const count_accumulator& other) noexcept {
    n_ += other.n_;
    return *this;
  }
  /// Number of observations.
  [[nodiscard]] constexpr std::uint64_t count() const noexcept { return n_; }
  /// Two accumulators are equal when their counts are.
  friend constexpr bool operator==(const count_accumulator&, const count_accumulator&) = default;

  /// The plain-number state this accumulator travels as.
  using state_type = count_state;
  /// The state: the count.
  [[nodiscard]] constexpr count_state state() const noexcept {
    return {accumulator_state_version, detail::to_state_count(n_)};
  }
  /// Rebuilds an accumulator from a state; throws input_error for another version or a negative count.
  [[nodiscard]] static count_accumulator from_state(const count_state& s) {
    constexpr const char* fn = "count_accumulator::from_state";
    detail::check_state_version(s.version, fn);
    count_accumulator out;
    out.n_ = detail::from_state_count(s.count, fn, "count");
    return out;
  }

 private:
  std::uint64_t n_ = 0;
};

/// Count, mean and variance of real observations: Welford's (1962) one-pass update
/// m_n = m_{n-1} + (x - m_{n-1}) / n, M2_n = M2_{n-1} + (x - m_{n-1})(x - m_n), and the Chan et al.
/// (1979) merge M2 = M2_A + M2_B + (m_B - m_A)^2 n_A n_B / n. The sum behind the mean is
/// compensated (Neumaier), so merging shards in any order reproduces the one-pass mean to a few ulps.
/// NaN or infinite observations are counted and reported (input_error) when a result is read.
class mean_accumulator {
 public:
  /// Adds one observation x.
  void operator()(double x) noexcept {
    if (!std::isfinite(x)) {
      ++non_finite_;
      return;
    }
    const double old_mean = n_ == 0 ? 0.0 : sum_.value() / static_cast<double>(n_);
    ++n_;
    sum_.add(x);
    const double new_mean = sum_.value() / static_cast<double>(n_);
    m2_ += (x - old_mean) * (x - new_mean);
  }

  /// Merges a shard (Chan, Golub & LeVeque 1979): M2 = M2_A + M2_B + delta^2 n_A n_B / (n_A + n_B).
  mean_accumulator& operator+=(const mean_accumulator& other) noexcept {
    non_finite_ += other.non_finite_;
    if (other.n_ == 0) return *this;
    if (n_ == 0) {
      const std::uint64_t nf = non_finite_;
      *this = other;
      non_finite_ = nf;
      return *this;
    }
    const double na = static_cast<double>(n_);
    const double nb = static_cast<double>(other.n_);
    const double delta = other.sum_.value() / nb - sum_.value() / na;
    m2_ += other.m2_ + delta * delta * (na * nb / (na + nb));
    n_ += other.n_;
    sum_.merge(other.sum_);
    return *this;
  }

  /// Number of finite observations added.
  [[nodiscard]] std::uint64_t count() const noexcept { return n_; }
  /// Number of NaN or infinite observations that were rejected.
  [[nodiscard]] std::uint64_t non_finite_count() const noexcept { return non_finite_; }
  /// Sum of the observations (compensated).
  [[nodiscard]] double sum() const noexcept { return sum_.value(); }

  /// Arithmetic mean (1/n) sum x_i. Throws input_error for an empty group or non-finite input.
  [[nodiscard]] double mean() const {
    check("mean_accumulator::mean");
    return sum_.value() / static_cast<double>(n_);
  }
  /// Sum of squared deviations from the mean, M2 = sum (x_i - mean)^2 (Welford / Chan et al.).
  [[nodiscard]] double sum_of_squared_deviations() const {
    check("mean_accumulator::sum_of_squared_deviations");
    return m2_ < 0.0 ? 0.0 : m2_;
  }
  /// Unbiased sample variance M2 / (n - 1); needs n >= 2.
  [[nodiscard]] double variance() const {
    check("mean_accumulator::variance");
    if (n_ < 2) throw input_error("mean_accumulator::variance: needs at least 2 observations, got 1");
    return sum_of_squared_deviations() / static_cast<double>(n_ - 1);
  }
  /// Population variance M2 / n.
  [[nodiscard]] double population_variance() const {
    return sum_of_squared_deviations() / static_cast<double>(n_);
  }
  /// Standard error of the mean, sqrt(variance / n); needs n >= 2.
  [[nodiscard]] double standard_error() const { return std::sqrt(variance() / static_cast<double>(n_)); }

  /// The plain-number state this accumulator travels as.
  using state_type = mean_state;
  /// The state: counts, the compensated sum and M2 (written clamped at 0, as every reader sees it).
  [[nodiscard]] mean_state state() const noexcept {
    return {accumulator_state_version, detail::to_state_count(n_), detail::to_state_count(non_finite_),
            sum_.sum, sum_.compensation, m2_ < 0.0 ? 0.0 : m2_};
  }
  /// Rebuilds an accumulator from a state: `from_state(a.state())` equals `a` and merges as `a`.
  /// Throws input_error naming the field for another version, a negative count, a non-finite sum,
  /// a negative or non-finite M2, or a non-zero sum or M2 with count 0.
  [[nodiscard]] static mean_accumulator from_state(const mean_state& s) {
    mean_accumulator out;
    out.restore(s, "mean_accumulator::from_state");
    return out;
  }
  /// Field-wise equality (counts, compensated sum, M2): true for an accumulator and its restored state.
  friend bool operator==(const mean_accumulator& a, const mean_accumulator& b) noexcept {
    return a.state() == b.state();
  }

 protected:
  /// Validates `s` and makes this accumulator hold it; `function` names the caller in errors.
  void restore(const mean_state& s, const char* function) {
    detail::check_state_version(s.version, function);
    const std::uint64_t n = detail::from_state_count(s.count, function, "count");
    const std::uint64_t non_finite = detail::from_state_count(s.non_finite, function, "non_finite");
    const double sum = detail::from_state_real(s.sum, function, "sum", false);
    const double compensation = detail::from_state_real(s.sum_compensation, function, "sum_compensation", false);
    const double m2 = detail::from_state_real(s.m2, function, "m2", true);
    if (n == 0) {
      detail::require_zero_without_observations(sum, function, "sum");
      detail::require_zero_without_observations(compensation, function, "sum_compensation");
      detail::require_zero_without_observations(m2, function, "m2");
    }
    n_ = n;
    non_finite_ = non_finite;
    sum_.sum = sum;
    sum_.compensation = compensation;
    m2_ = m2;
  }

 private:
  void check(const char* function) const {
    detail::require_nonempty(n_, function);
    detail::require_finite_inputs(non_finite_, function);
  }
  std::uint64_t n_ = 0;
  std::uint64_t non_finite_ = 0;
  detail::compensated_sum sum_;
  double m2_ = 0.0;
};

/// Weighted mean and weighted variance with non-negative weights (West 1979, "Updating mean and
/// variance estimates: an improved method"): W_n = W_{n-1} + w, m_n = m_{n-1} + (w / W_n)(x - m_{n-1}),
/// S_n = S_{n-1} + w (x - m_{n-1})(x - m_n); merge S = S_A + S_B + delta^2 W_A W_B / W.
/// Also tracks sum w^2 for Kish's effective sample size (sum w)^2 / sum w^2.
class weighted_mean_accumulator {
 public:
  /// Adds observation x with weight w >= 0. Negative, NaN or infinite weights are counted and
  /// reported (input_error) when a result is read; NaN or infinite x likewise.
  void operator()(double x, double w) noexcept {
    if (!std::isfinite(w) || w < 0.0) {
      ++bad_weights_;
      return;
    }
    if (!std::isfinite(x)) {
      ++non_finite_;
      return;
    }
    ++n_;
    if (w == 0.0) return;
    const double old_mean = mean_unchecked();
    sum_w_.add(w);
    sum_wx_.add(w * x);
    sum_w2_ += w * w;
    const double new_mean = mean_unchecked();
    s_ += w * (x - old_mean) * (x - new_mean);
  }

  /// Merges a shard: S = S_A + S_B + (m_B - m_A)^2 W_A W_B / (W_A + W_B).
  weighted_mean_accumulator& operator+=(const weighted_mean_accumulator& other) noexcept {
    bad_weights_ += other.bad_weights_;
    non_finite_ += other.non_finite_;
    n_ += other.n_;
    const double wa = sum_w_.value();
    const double wb = other.sum_w_.value();
    if (wb > 0.0) {
      if (wa > 0.0) {
        const double delta = other.mean_unchecked() - mean_unchecked();
        s_ += other.s_ + delta * delta * (wa * wb / (wa + wb));
      } else {
        s_ = other.s_;
      }
      sum_w_.merge(other.sum_w_);
      sum_wx_.merge(other.sum_wx_);
      sum_w2_ += other.sum_w2_;
    }
    return *this;
  }

  /// Number of observations added (including those of weight zero).
  [[nodiscard]] std::uint64_t count() const noexcept { return n_; }
  /// Sum of the weights W.
  [[nodiscard]] double sum_of_weights() const noexcept { return sum_w_.value(); }
  /// Weighted mean sum(w x) / sum(w). Throws input_error for an empty group, any negative or
  /// non-finite weight, or weights that are all zero.
  [[nodiscard]] double mean() const {
    check("weighted_mean_accumulator::mean");
    return mean_unchecked();
  }
  /// Weighted population variance S / W (frequency-weights interpretation divides by W - 1:
  /// multiply by W / (W - 1) yourself when the weights are counts).
  [[nodiscard]] double variance() const {
    check("weighted_mean_accumulator::variance");
    return (s_ < 0.0 ? 0.0 : s_) / sum_w_.value();
  }
  /// Kish's effective sample size (sum w)^2 / sum w^2.
  [[nodiscard]] double effective_count() const {
    check("weighted_mean_accumulator::effective_count");
    const double w = sum_w_.value();
    return w * w / sum_w2_;
  }

  /// The plain-number state this accumulator travels as.
  using state_type = weighted_mean_state;
  /// The state: counts, the compensated sums of w and w x, sum w^2 and S (clamped at 0).
  [[nodiscard]] weighted_mean_state state() const noexcept {
    return {accumulator_state_version,
            detail::to_state_count(n_),
            detail::to_state_count(bad_weights_),
            detail::to_state_count(non_finite_),
            sum_w_.sum,
            sum_w_.compensation,
            sum_wx_.sum,
            sum_wx_.compensation,
            sum_w2_,
            s_ < 0.0 ? 0.0 : s_};
  }
  /// Rebuilds an accumulator from a state: `from_state(a.state())` equals `a` and merges as `a`.
  /// Throws input_error naming the field for another version, a negative count, a non-finite number,
  /// a negative sum of weights, sum of squared weights or S, or non-zero sums with count 0.
  [[nodiscard]] static weighted_mean_accumulator from_state(const weighted_mean_state& s) {
    constexpr const char* fn = "weighted_mean_accumulator::from_state";
    detail::check_state_version(s.version, fn);
    weighted_mean_accumulator out;
    out.n_ = detail::from_state_count(s.count, fn, "count");
    out.bad_weights_ = detail::from_state_count(s.bad_weights, fn, "bad_weights");
    out.non_finite_ = detail::from_state_count(s.non_finite, fn, "non_finite");
    out.sum_w_.sum = detail::from_state_real(s.sum_weights, fn, "sum_weights", true);
    out.sum_w_.compensation =
        detail::from_state_real(s.sum_weights_compensation, fn, "sum_weights_compensation", false);
    out.sum_wx_.sum = detail::from_state_real(s.sum_weighted_values, fn, "sum_weighted_values", false);
    out.sum_wx_.compensation =
        detail::from_state_real(s.sum_weighted_values_compensation, fn, "sum_weighted_values_compensation", false);
    out.sum_w2_ = detail::from_state_real(s.sum_squared_weights, fn, "sum_squared_weights", true);
    out.s_ = detail::from_state_real(s.m2, fn, "m2", true);
    if (out.n_ == 0) {
      detail::require_zero_without_observations(s.sum_weights, fn, "sum_weights");
      detail::require_zero_without_observations(s.sum_weighted_values, fn, "sum_weighted_values");
      detail::require_zero_without_observations(s.sum_squared_weights, fn, "sum_squared_weights");
      detail::require_zero_without_observations(s.m2, fn, "m2");
    }
    return out;
  }
  /// Field-wise equality (counts and sums): true for an accumulator and its restored state.
  friend bool operator==(const weighted_mean_accumulator& a, const weighted_mean_accumulator& b) noexcept {
    return a.state() == b.state();
  }

 private:
  [[nodiscard]] double mean_unchecked() const noexcept {
    const double w = sum_w_.value();
    return w > 0.0 ? sum_wx_.value() / w : 0.0;
  }
  void check(const char* function) const {
    if (bad_weights_ != 0) {
      throw input_error(std::string(function) + ": " + std::to_string(bad_weights_) +
                        " of the weights added were negative, NaN or infinite");
    }
    detail::require_nonempty(n_, function);
    detail::require_finite_inputs(non_finite_, function);
    if (!(sum_w_.value() > 0.0)) throw input_error(std::string(function) + ": all weights are zero");
  }
  std::uint64_t n_ = 0;
  std::uint64_t bad_weights_ = 0;
  std::uint64_t non_finite_ = 0;
  detail::compensated_sum sum_w_;
  detail::compensated_sum sum_wx_;
  double sum_w2_ = 0.0;
  double s_ = 0.0;
};

/// Successes out of trials for 0/1 outcomes (exact, integer). Merge: the counts add.
class binary_accumulator {
 public:
  /// Adds one outcome (true = success).
  constexpr void operator()(bool success) noexcept {
    ++trials_;
    successes_ += success ? 1U : 0U;
  }
  /// Adds `successes` out of `trials` at once; throws input_error when successes > trials.
  void add(std::uint64_t successes, std::uint64_t trials) {
    if (successes > trials) {
      throw input_error("binary_accumulator::add: successes (" + std::to_string(successes) +
                        ") exceed trials (" + std::to_string(trials) + ")");
    }
    successes_ += successes;
    trials_ += trials;
  }
  /// Merges a shard: successes and trials add.
  constexpr binary_accumulator& operator+=(const binary_accumulator& other) noexcept {
    successes_ += other.successes_;
    trials_ += other.trials_;
    return *this;
  }
  /// Number of successes k.
  [[nodiscard]] constexpr std::uint64_t successes() const noexcept { return successes_; }
  /// Number of trials n.
  [[nodiscard]] constexpr std::uint64_t count() const noexcept { return trials_; }
  /// Proportion k / n; throws input_error for an empty group.
  [[nodiscard]] double proportion() const {
    detail::require_nonempty(trials_, "binary_accumulator::proportion");
    return static_cast<double>(successes_) / static_cast<double>(trials_);
  }
  /// Same as proportion().
  [[nodiscard]] double mean() const { return proportion(); }
  /// Two accumulators are equal when their counts are.
  friend constexpr bool operator==(const binary_accumulator&, const binary_accumulator&) = default;

  /// The plain-number state this accumulator travels as.
  using state_type = binary_state;
  /// The state: successes and trials.
  [[nodiscard]] constexpr binary_state state() const noexcept {
    return {accumulator_state_version, detail::to_state_count(successes_), detail::to_state_count(trials_)};
  }
  /// Rebuilds an accumulator from a state; throws input_error naming the field for another version,
  /// negative counts, or successes above trials.
  [[nodiscard]] static binary_accumulator from_state(const binary_state& s) {
    binary_accumulator out;
    out.restore(s, "binary_accumulator::from_state");
    return out;
  }

 protected:
  /// Validates `s` and makes this accumulator hold it; `function` names the caller in errors.
  void restore(const binary_state& s, const char* function) {
    detail::check_state_version(s.version, function);
    const std::uint64_t k = detail::from_state_count(s.successes, function, "successes");
    const std::uint64_t n = detail::from_state_count(s.trials, function, "trials");
    if (k > n) {
      detail::throw_bad_state(function, "successes",
                              std::to_string(k) + " exceed trials (" + std::to_string(n) + ")");
    }
    successes_ = k;
    trials_ = n;
  }

 private:
  std::uint64_t successes_ = 0;
  std::uint64_t trials_ = 0;
};

/// Exact-match rate: the proportion of examples whose prediction equals the reference (per-example
/// scores from the metrics layer, 1 = match). A binary_accumulator under the metric's name.
class exact_match_accumulator : public binary_accumulator {
 public:
  /// Adds one example's exact-match outcome.
  using binary_accumulator::operator();
  /// Merges a shard.
  exact_match_accumulator& operator+=(const exact_match_accumulator& other) noexcept {
    binary_accumulator::operator+=(other);
    return *this;
  }
  /// The exact-match rate k / n; throws input_error for an empty group.
  [[nodiscard]] double value() const { return proportion(); }
  /// Rebuilds an accumulator from a state, validated as binary_accumulator::from_state does (errors name
  /// exact_match_accumulator::from_state).
  [[nodiscard]] static exact_match_accumulator from_state(const binary_state& s) {
    exact_match_accumulator out;
    out.restore(s, "exact_match_accumulator::from_state");
    return out;
  }
};

/// Mean Brier score (Brier 1950) over examples, from per-example Brier scores
/// sum_k (p_k - y_k)^2. A mean_accumulator under the metric's name.
class brier_accumulator : public mean_accumulator {
 public:
  /// Adds one example's Brier score.
  using mean_accumulator::operator();
  /// Merges a shard (Chan et al. 1979).
  brier_accumulator& operator+=(const brier_accumulator& other) noexcept {
    mean_accumulator::operator+=(other);
    return *this;
  }
  /// The mean Brier score; throws input_error for an empty group.
  [[nodiscard]] double value() const { return mean(); }
  /// Rebuilds an accumulator from a state, validated as mean_accumulator::from_state does (errors name
  /// brier_accumulator::from_state).
  [[nodiscard]] static brier_accumulator from_state(const mean_state& s) {
    brier_accumulator out;
    out.restore(s, "brier_accumulator::from_state");
    return out;
  }
};

/// Mean log-loss (cross-entropy, -log p of the correct answer) over examples, from per-example
/// losses. A mean_accumulator under the metric's name; an infinite loss is reported as input_error.
class log_loss_accumulator : public mean_accumulator {
 public:
  /// Adds one example's log-loss.
  using mean_accumulator::operator();
  /// Merges a shard (Chan et al. 1979).
  log_loss_accumulator& operator+=(const log_loss_accumulator& other) noexcept {
    mean_accumulator::operator+=(other);
    return *this;
  }
  /// The mean log-loss; throws input_error for an empty group.
  [[nodiscard]] double value() const { return mean(); }
  /// Rebuilds an accumulator from a state, validated as mean_accumulator::from_state does (errors name
  /// log_loss_accumulator::from_state).
  [[nodiscard]] static log_loss_accumulator from_state(const mean_state& s) {
    log_loss_accumulator out;
    out.restore(s, "log_loss_accumulator::from_state");
    return out;
  }
};

/// Mean edit distance (Levenshtein 1966, raw or normalised) over examples, from per-example
/// distances. A mean_accumulator under the metric's name.
class edit_distance_accumulator : public mean_accumulator {
 public:
  /// Adds one example's edit distance.
  using mean_accumulator::operator();
  /// Merges a shard (Chan et al. 1979).
  edit_distance_accumulator& operator+=(const edit_distance_accumulator& other) noexcept {
    mean_accumulator::operator+=(other);
    return *this;
  }
  /// The mean edit distance; throws input_error for an empty group.
  [[nodiscard]] double value() const { return mean(); }
  /// Rebuilds an accumulator from a state, validated as mean_accumulator::from_state does (errors name
  /// edit_distance_accumulator::from_state).
  [[nodiscard]] static edit_distance_accumulator from_state(const mean_state& s) {
    edit_distance_accumulator out;
    out.restore(s, "edit_distance_accumulator::from_state");
    return out;
  }
};

}  // namespace emergent
