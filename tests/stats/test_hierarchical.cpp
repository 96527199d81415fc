#include <doctest/doctest.h>

#include <emergent/stats.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

namespace {

std::vector<std::vector<double>> curve_scores() {
  std::mt19937_64 rng(8);
  std::vector<std::vector<double>> per_model;
  // model 0: binary, 0 of 50 (scored zero); model 1: binary 30%; model 2: continuous; model 3: 3-valued
  per_model.emplace_back(50, 0.0);
  std::vector<double> m1(400);
  for (std::size_t i = 0; i < m1.size(); ++i) m1[i] = (i % 10) < 3 ? 1.0 : 0.0;
  per_model.push_back(m1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> m2(300);
  for (auto& v : m2) v = u(rng);
  per_model.push_back(m2);
  std::vector<double> m3(600);
  for (std::size_t i = 0; i < m3.size(); ++i) m3[i] = static_cast<double>(i % 3) / 2.0;
  per_model.push_back(m3);
  return per_model;
}

}  // namespace

TEST_CASE("hierarchical_resampler: deterministic in (seed, replicate), from any thread") {
  const emergent::hierarchical_resampler resampler(curve_scores(), 2026);
  REQUIRE(resampler.models() == 4);
  CHECK(resampler.examples(1) == 400);
  CHECK(resampler.observed_means()[1] == doctest::Approx(0.3));
  const auto r5 = resampler.resample_means(5);
  CHECK(r5 == resampler.resample_means(5));
  CHECK(r5 != resampler.resample_means(6));
  CHECK(r5[0] == 0.0);  // a model that scored 0 stays at 0
  std::vector<double> from_thread(4);
  std::thread t([&] { resampler.resample_means(5, from_thread); });
  t.join();
  CHECK(from_thread == r5);
  const emergent::hierarchical_resampler other_seed(curve_scores(), 2027);
  CHECK(other_seed.resample_means(5) != r5);
}

TEST_CASE("hierarchical_resampler: replicate means have the bootstrap mean and variance per model") {
  const auto scores = curve_scores();
  const emergent::hierarchical_resampler resampler(scores, 1);
  const int replicates = 4000;
  std::vector<emergent::mean_accumulator> acc(4);
  std::vector<double> means(4);
  for (int r = 0; r < replicates; ++r) {
    resampler.resample_means(static_cast<std::uint64_t>(r), means);
    for (std::size_t i = 0; i < 4; ++i) acc[i](means[i]);
  }
  for (std::size_t i = 1; i < 4; ++i) {
    CAPTURE(i);
    emergent::mean_accumulator original;
    for (double v : scores[i]) original(v);
    const double n = static_cast<double>(scores[i].size());
    // E[mean*] = mean, Var[mean*] = population variance / n
    const double expected_var = original.population_variance() / n;
    CHECK(acc[i].mean() == doctest::Approx(original.mean()).epsilon(4.0 * std::sqrt(expected_var / replicates) /
                                                                   original.mean()));
    CHECK(acc[i].variance() == doctest::Approx(expected_var).epsilon(0.1));
  }
  CHECK(acc[0].variance() == 0.0);
}

TEST_CASE("paired_hierarchical_resampler: both metrics see the same resampled items") {
  auto a = curve_scores();
  std::vector<std::vector<double>> b;
  for (const auto& m : a) {
    std::vector<double> soft;
    for (double v : m) soft.push_back(1.0 - v);  // a deterministic function of a: same items => mean_b = 1 - mean_a
    b.push_back(soft);
  }
  const emergent::paired_hierarchical_resampler resampler(a, b, 99);
  REQUIRE(resampler.models() == 4);
  std::vector<double> ma(4);
  std::vector<double> mb(4);
  for (std::uint64_t r = 0; r < 50; ++r) {
    resampler.resample_means(r, ma, mb);
    for (std::size_t i = 0; i < 4; ++i) CHECK(ma[i] + mb[i] == doctest::Approx(1.0).epsilon(1e-12));
  }
  // the a-means of the paired resampler have the same distribution as the unpaired ones
  const emergent::hierarchical_resampler single(a, 99);
  emergent::mean_accumulator pv;
  emergent::mean_accumulator sv;
  for (std::uint64_t r = 0; r < 3000; ++r) {
    resampler.resample_means(r, ma, mb);
    pv(ma[2]);
    sv(single.resample_means(r)[2]);
  }
  CHECK(pv.variance() == doctest::Approx(sv.variance()).epsilon(0.12));
  CHECK(resampler.observed_means_a()[1] == doctest::Approx(0.3));
  CHECK(resampler.examples(3) == 600);
  CHECK(resampler.seed() == 99);
  CHECK(resampler.observed_means_b()[1] == doctest::Approx(0.7));
}

TEST_CASE("hierarchical resamplers: bad input is input_error") {
  CHECK_THROWS_WITH_AS(emergent::hierarchical_resampler({}, 1), "hierarchical_resampler: per_model: no models",
                       emergent::input_error);
  CHECK_THROWS_WITH_AS(emergent::hierarchical_resampler({{1.0}, {}}, 1),
                       "hierarchical_resampler: per_model[1]: empty group (no scores for this model)",
                       emergent::input_error);
  CHECK_THROWS_WITH_AS(emergent::hierarchical_resampler({{1.0, NAN}}, 1),
                       "hierarchical_resampler: per_model[0]: score 1 is not finite", emergent::input_error);
  const emergent::hierarchical_resampler ok({{1.0, 0.0}}, 1);
  std::vector<double> two(2);
  CHECK_THROWS_WITH_AS(ok.resample_means(0, two),
                       "hierarchical_resampler::resample_means: means has 2 entries but there are 1 models",
                       emergent::input_error);
  CHECK_THROWS_AS(emergent::paired_hierarchical_resampler({{1.0}}, {{1.0}, {2.0}}, 1), emergent::input_error);
  CHECK_THROWS_WITH_AS(emergent::paired_hierarchical_resampler({{1.0, 2.0}}, {{1.0}}, 1),
                       "paired_hierarchical_resampler: per_model_b[0]: has 1 scores but per_model_a has 2",
                       emergent::input_error);
  const emergent::paired_hierarchical_resampler paired({{1.0, 0.0}}, {{0.5, 0.25}}, 1);
  std::vector<double> one(1);
  CHECK_THROWS_AS(paired.resample_means(0, one, two), emergent::input_error);
}
