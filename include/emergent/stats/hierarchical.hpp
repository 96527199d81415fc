/// @file
/// @brief Hierarchical resampling for scaling curves: examples are resampled with replacement
///        within each model, independently across models, so a downstream fit (fit/, analysis/)
///        can be bootstrapped as a whole curve. A paired variant resamples the same items for two
///        metrics of the same predictions (hard and soft score, for the mirage verdict).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/core/detail/random.hpp"

namespace emergent {

namespace detail {

/// One model's sample, prepared for fast resampling of its mean. When the scores take at most
/// `max_categories` distinct values (0/1 outcomes, graded answers), the counts are resampled
/// (multinomial, or one binomial for two values) instead of the indices: the same distribution
/// as index resampling, at a cost independent of n.
struct resampling_plan {
  std::size_t n = 0;
  std::vector<double> a;  // index resampling: the scores (metric a)
  std::vector<double> b;  // paired: metric b (empty when unpaired)
  // count resampling (categories of distinct values or (a, b) pairs)
  bool counts = false;
  std::vector<double> value_a;
  std::vector<double> value_b;
  std::vector<double> probabilities;
  std::optional<binomial_sampler> two_way;

  static constexpr std::size_t max_categories = 8;

  void prepare() {
    n = a.size();
    const bool paired = !b.empty();
    std::vector<std::uint64_t> count;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t j = 0;
      for (; j < value_a.size(); ++j) {
        if (value_a[j] == a[i] && (!paired || value_b[j] == b[i])) break;
      }
      if (j == value_a.size()) {
        if (value_a.size() == max_categories) {
          value_a.clear();
          value_b.clear();
          return;  // too many distinct values: resample indices
        }
        value_a.push_back(a[i]);
        if (paired) value_b.push_back(b[i]);
        count.push_back(0);
      }
      ++count[j];
    }
    counts = true;
    probabilities.resize(count.size());
    for (std::size_t j = 0; j < count.size(); ++j) {
      probabilities[j] = static_cast<double>(count[j]) / static_cast<double>(n);
    }
    if (count.size() == 2) two_way.emplace(n, probabilities[0]);
    a.clear();
    a.shrink_to_fit();
    b.clear();
    b.shrink_to_fit();
  }

  /// Draws one resample with `rng`; writes the mean of metric a (and of b when paired).
  void resample(xoshiro256ss& rng, double& mean_a, double* mean_b) const {
    const double nd = static_cast<double>(n);
    if (counts) {
      const std::size_t k = value_a.size();
      double sa = 0.0;
      double sb = 0.0;
      if (k == 1) {
        sa = nd * value_a[0];
        if (mean_b != nullptr) sb = nd * value_b[0];
      } else if (k == 2) {
        const auto c0 = static_cast<double>((*two_way)(rng));
        sa = c0 * value_a[0] + (nd - c0) * value_a[1];
        if (mean_b != nullptr) sb = c0 * value_b[0] + (nd - c0) * value_b[1];
      } else {
        std::uint64_t drawn[max_categories] = {};
        multinomial(rng, n, probabilities, std::span<std::uint64_t>(drawn, k));
        for (std::size_t j = 0; j < k; ++j) {
          sa += static_cast<double>(drawn[j]) * value_a[j];
          if (mean_b != nullptr) sb += static_cast<double>(drawn[j]) * value_b[j];
        }
      }
      mean_a = sa / nd;
      if (mean_b != nullptr) *mean_b = sb / nd;
      return;
    }
    double sa = 0.0;
    if (mean_b == nullptr) {
      for_each_bounded_index(rng, n, n, [&](std::size_t i) noexcept { sa += a[i]; });
      mean_a = sa / nd;
      return;
    }
    double sb = 0.0;
    for_each_bounded_index(rng, n, n, [&](std::size_t i) noexcept {
      sa += a[i];
      sb += b[i];
    });
    mean_a = sa / nd;
    *mean_b = sb / nd;
  }
};

inline void check_model_scores(const std::vector<double>& scores, std::size_t model, const char* function,
                               const char* argument) {
  if (scores.empty()) {
    throw input_error(describe_at(function, argument, model, "empty group (no scores for this model)"));
  }
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) {
      throw input_error(describe_at(function, argument, model, "score " + std::to_string(i) + " is not finite"));
    }
  }
}

}  // namespace detail

/// Resamples a scaling curve: `per_model[i]` holds the per-example scores of model i; replicate r
/// draws, within each model independently, n_i scores with replacement and returns the n_i-means
/// (Davison & Hinkley 1997, section 3.8, resampling at the lowest stage of a hierarchy whose upper
/// stage, the models, is fixed). Deterministic in (seed, replicate): replicate r uses the generator
/// `xoshiro256**` seeded from (seed, r), and draws models in order, so any thread may compute any
/// replicate and the result does not depend on scheduling. Models whose scores take at most 8
/// distinct values are resampled by counts (binomial / multinomial), which has the same
/// distribution as resampling indices.
class hierarchical_resampler {
 public:
  /// Takes the per-model scores; throws input_error when there is no model, a model has no
  /// scores, or a score is NaN or infinite (naming the model index).
  hierarchical_resampler(std::vector<std::vector<double>> per_model, std::uint64_t seed) : seed_(seed) {
    if (per_model.empty()) throw input_error("hierarchical_resampler: per_model: no models");
    plans_.resize(per_model.size());
    for (std::size_t i = 0; i < per_model.size(); ++i) {
      detail::check_model_scores(per_model[i], i, "hierarchical_resampler", "per_model");
      double total = 0.0;
      for (double s : per_model[i]) total += s;
      means_.push_back(total / static_cast<double>(per_model[i].size()));
      plans_[i].a = std::move(per_model[i]);
      plans_[i].prepare();
    }
  }

  /// Number of models.
  [[nodiscard]] std::size_t models() const noexcept { return plans_.size(); }
  /// Number of examples of model i (no bounds check).
  [[nodiscard]] std::size_t examples(std::size_t model) const noexcept { return plans_[model].n; }
  /// The means of the original (not resampled) scores, one per model.
  [[nodiscard]] const std::vector<double>& observed_means() const noexcept { return means_; }
  /// The seed given at construction.
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }

  /// Means of replicate `replicate` (deterministic in (seed, replicate), any thread may call it).
  /// Throws input_error when means.size() != models().
  void resample_means(std::uint64_t replicate, std::span<double> means) const {
    if (means.size() != plans_.size()) {
      throw input_error("hierarchical_resampler::resample_means: means has " + std::to_string(means.size()) +
                        " entries but there are " + std::to_string(plans_.size()) + " models");
    }
    auto rng = detail::xoshiro256ss::stream(seed_, replicate);
    for (std::size_t i = 0; i < plans_.size(); ++i) plans_[i].resample(rng, means[i], nullptr);
  }

  /// Means of replicate `replicate`, as a new vector (one entry per model).
  [[nodiscard]] std::vector<double> resample_means(std::uint64_t replicate) const {
    std::vector<double> means(plans_.size());
    resample_means(replicate, means);
    return means;
  }

 private:
  std::vector<detail::resampling_plan> plans_;
  std::vector<double> means_;
  std::uint64_t seed_;
};

/// Paired hierarchical resampling: two metrics (say a hard and a soft score of the same
/// predictions) per example of each model; each replicate resamples the items of each model once
/// and returns both metrics' means over the same resampled items, so their difference keeps its
/// within-item correlation. Models whose (a, b) pairs take at most 8 distinct values are resampled
/// by counts of the pairs (multinomial), which is the same joint distribution. Deterministic in
/// (seed, replicate), as hierarchical_resampler.
class paired_hierarchical_resampler {
 public:
  /// per_model_a[i][j] and per_model_b[i][j] are the two metrics of example j of model i. Throws
  /// input_error when the model counts or a model's example counts differ, a model is empty, or a
  /// score is not finite.
  paired_hierarchical_resampler(std::vector<std::vector<double>> per_model_a,
                                std::vector<std::vector<double>> per_model_b, std::uint64_t seed)
      : seed_(seed) {
    if (per_model_a.empty()) throw input_error("paired_hierarchical_resampler: per_model_a: no models");
    if (per_model_a.size() != per_model_b.size()) {
      throw input_error("paired_hierarchical_resampler: per_model_a has " + std::to_string(per_model_a.size()) +
                        " models but per_model_b has " + std::to_string(per_model_b.size()));
    }
    plans_.resize(per_model_a.size());
    for (std::size_t i = 0; i < per_model_a.size(); ++i) {
      detail::check_model_scores(per_model_a[i], i, "paired_hierarchical_resampler", "per_model_a");
      detail::check_model_scores(per_model_b[i], i, "paired_hierarchical_resampler", "per_model_b");
      if (per_model_a[i].size() != per_model_b[i].size()) {
        throw input_error(detail::describe_at(
            "paired_hierarchical_resampler", "per_model_b", i,
            "has " + std::to_string(per_model_b[i].size()) + " scores but per_model_a has " +
                std::to_string(per_model_a[i].size())));
      }
      double ta = 0.0;
      double tb = 0.0;
      for (std::size_t j = 0; j < per_model_a[i].size(); ++j) {
        ta += per_model_a[i][j];
        tb += per_model_b[i][j];
      }
      const double nd = static_cast<double>(per_model_a[i].size());
      means_a_.push_back(ta / nd);
      means_b_.push_back(tb / nd);
      plans_[i].a = std::move(per_model_a[i]);
      plans_[i].b = std::move(per_model_b[i]);
      plans_[i].prepare();
    }
  }

  /// Number of models.
  [[nodiscard]] std::size_t models() const noexcept { return plans_.size(); }
  /// Number of examples (items) of model i (no bounds check).
  [[nodiscard]] std::size_t examples(std::size_t model) const noexcept { return plans_[model].n; }
  /// The seed given at construction.
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }
  /// The means of metric a on the original scores, one per model.
  [[nodiscard]] const std::vector<double>& observed_means_a() const noexcept { return means_a_; }
  /// The means of metric b on the original scores, one per model.
  [[nodiscard]] const std::vector<double>& observed_means_b() const noexcept { return means_b_; }

  /// Means of both metrics for replicate `replicate`, over the same resampled items (deterministic
  /// in (seed, replicate), any thread may call it). Throws input_error when a span's size differs
  /// from models().
  void resample_means(std::uint64_t replicate, std::span<double> means_a, std::span<double> means_b) const {
    if (means_a.size() != plans_.size() || means_b.size() != plans_.size()) {
      throw input_error("paired_hierarchical_resampler::resample_means: means_a has " +
                        std::to_string(means_a.size()) + " and means_b " + std::to_string(means_b.size()) +
                        " entries but there are " + std::to_string(plans_.size()) + " models");
    }
    auto rng = detail::xoshiro256ss::stream(seed_, replicate);
    for (std::size_t i = 0; i < plans_.size(); ++i) plans_[i].resample(rng, means_a[i], &means_b[i]);
  }

 private:
  std::vector<detail::resampling_plan> plans_;
  std::vector<double> means_a_;
  std::vector<double> means_b_;
  std::uint64_t seed_;
};

}  // namespace emergent
