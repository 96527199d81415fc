// Accumulators that travel: state() / from_state() round trips, merges of restored shards, a trip
// through text (as between two processes), and every validation error of from_state.
#include <doctest/doctest.h>

#include <emergent/stats/accumulators.hpp>
#include <emergent/stats/grouping.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// Writes a mean_state as text with hexadecimal floats (exact) and reads it back, as a shard file
// written by one process and read by another would be.
emergent::mean_state through_text(const emergent::mean_state& s) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "%u %lld %lld %a %a %a", s.version, static_cast<long long>(s.count),
                static_cast<long long>(s.non_finite), s.sum, s.sum_compensation, s.m2);
  emergent::mean_state out;
  char* p = buffer;
  out.version = static_cast<std::uint32_t>(std::strtoul(p, &p, 10));
  out.count = std::strtoll(p, &p, 10);
  out.non_finite = std::strtoll(p, &p, 10);
  out.sum = std::strtod(p, &p);
  out.sum_compensation = std::strtod(p, &p);
  out.m2 = std::strtod(p, &p);
  return out;
}

// Shards of skewed values with a large offset (hard for the mean and M2), some NaN.
std::vector<std::vector<double>> shards_of_values(std::mt19937_64& rng, std::size_t shards) {
  std::lognormal_distribution<double> dist(2.0, 1.5);
  std::vector<std::vector<double>> out(shards);
  for (auto& shard : out) {
    shard.resize(rng() % 700);
    for (auto& v : shard) v = dist(rng) + 1e5;
  }
  return out;
}

}  // namespace

TEST_CASE("state round trip: every accumulator is restored equal to the original") {
  std::mt19937_64 rng(13);
  emergent::count_accumulator count;
  emergent::mean_accumulator mean;
  emergent::weighted_mean_accumulator weighted;
  emergent::binary_accumulator binary;
  emergent::exact_match_accumulator exact;
  emergent::brier_accumulator brier;
  emergent::log_loss_accumulator log_loss;
  emergent::edit_distance_accumulator edit;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 1000; ++i) {
    const double x = u(rng);
    count(x);
    mean(1e3 + x);
    weighted(x, 2.0 * u(rng));
    binary(x < 0.3);
    exact(x < 0.7);
    brier(x * x);
    log_loss(-std::log(x));
    edit(std::floor(10.0 * x));
  }
  mean(not_a_number);  // rejected values travel too
  weighted(1.0, -1.0);
  weighted(infinity, 1.0);

  CHECK(emergent::count_accumulator::from_state(count.state()) == count);
  CHECK(emergent::binary_accumulator::from_state(binary.state()) == binary);
  CHECK(emergent::exact_match_accumulator::from_state(exact.state()) == exact);
  const auto mean2 = emergent::mean_accumulator::from_state(mean.state());
  CHECK(mean2 == mean);
  CHECK(mean2.non_finite_count() == 1);
  CHECK(mean2.state() == mean.state());
  const auto weighted2 = emergent::weighted_mean_accumulator::from_state(weighted.state());
  CHECK(weighted2 == weighted);
  CHECK_THROWS_AS((void)weighted2.mean(), emergent::input_error);  // the bad weight is remembered
  CHECK(weighted2.count() == weighted.count());
  const auto brier2 = emergent::brier_accumulator::from_state(brier.state());
  const auto log_loss2 = emergent::log_loss_accumulator::from_state(log_loss.state());
  const auto edit2 = emergent::edit_distance_accumulator::from_state(edit.state());
  CHECK(brier2 == brier);
  CHECK(log_loss2 == log_loss);
  CHECK(edit2 == edit);
  // bit-identical results, not just close ones
  CHECK(brier2.value() == brier.value());
  CHECK(log_loss2.variance() == log_loss.variance());
  CHECK(edit2.standard_error() == edit.standard_error());
  CHECK(exact.state().successes + 0 <= exact.state().trials);
  CHECK(emergent::mean_accumulator::from_state(through_text(mean.state())) == mean);

  // empty accumulators travel as well
  CHECK(emergent::mean_accumulator::from_state(emergent::mean_accumulator{}.state()).count() == 0);
  CHECK(emergent::weighted_mean_accumulator::from_state(emergent::weighted_mean_accumulator{}.state()).count() == 0);
}

TEST_CASE("state: merging restored shards equals merging the originals") {
  std::mt19937_64 rng(20261204);
  for (int trial = 0; trial < 20; ++trial) {
    const auto shards = shards_of_values(rng, 2 + rng() % 6);
    emergent::mean_accumulator one_pass;
    emergent::mean_accumulator merged;
    emergent::mean_accumulator merged_restored;
    emergent::weighted_mean_accumulator w_merged;
    emergent::weighted_mean_accumulator w_merged_restored;
    emergent::binary_accumulator b_merged;
    emergent::binary_accumulator b_merged_restored;
    emergent::count_accumulator c_merged;
    emergent::count_accumulator c_merged_restored;
    for (const auto& shard : shards) {
      emergent::mean_accumulator m;
      emergent::weighted_mean_accumulator w;
      emergent::binary_accumulator b;
      emergent::count_accumulator c;
      for (double v : shard) {
        one_pass(v);
        m(v);
        w(v, std::fmod(v, 3.0));
        b(std::fmod(v, 1.0) < 0.25);
        c(v);
      }
      merged += m;
      merged_restored += emergent::mean_accumulator::from_state(through_text(m.state()));
      w_merged += w;
      w_merged_restored += emergent::weighted_mean_accumulator::from_state(w.state());
      b_merged += b;
      b_merged_restored += emergent::binary_accumulator::from_state(b.state());
      c_merged += c;
      c_merged_restored += emergent::count_accumulator::from_state(c.state());
    }
    CHECK(c_merged_restored.count() == c_merged.count());  // counts: bit-identical
    CHECK(b_merged_restored == b_merged);
    CHECK(merged_restored.count() == merged.count());
    CHECK(merged_restored == merged);  // the state is exact, so the merge is too
    if (merged.count() >= 2) {
      CHECK(std::fabs(merged_restored.mean() - one_pass.mean()) <= 1e-12 * std::fabs(one_pass.mean()));
      CHECK(merged_restored.variance() == doctest::Approx(one_pass.variance()).epsilon(1e-11));
      CHECK(w_merged_restored == w_merged);
      CHECK(w_merged_restored.mean() == w_merged.mean());
    }
  }
}

TEST_CASE("grouped state: round trip, and errors name the entry") {
  emergent::grouped<emergent::exact_match_accumulator> g;
  for (int i = 0; i < 50; ++i) {
    g({"small", "arith", ""}, i % 3 == 0);
    g({"large", "arith", ""}, i % 5 != 0);
    g({"large", "logic", "syllogisms"}, i % 2 == 0);
  }
  const emergent::grouped_state<emergent::exact_match_accumulator> state = g.state();
  REQUIRE(state.size() == 3);
  CHECK(state[0].first.model == "large");  // key order
  const auto restored = emergent::grouped<emergent::exact_match_accumulator>::from_state(state);
  REQUIRE(restored.size() == g.size());
  for (const auto& [key, acc] : g) CHECK(restored.at(key) == acc);
  auto twice = restored;
  twice += emergent::grouped<emergent::exact_match_accumulator>::from_state(state);
  CHECK(twice.at({"small", "arith", ""}).count() == 100);
  CHECK(twice.at({"small", "arith", ""}).successes() == 2 * g.at({"small", "arith", ""}).successes());

  auto duplicate = state;
  duplicate.push_back(state[1]);
  CHECK_THROWS_WITH_AS((void)emergent::grouped<emergent::exact_match_accumulator>::from_state(duplicate),
                       "grouped::from_state: state[3] (model 'large', task 'logic', subtask 'syllogisms'): the key "
                       "appears twice",
                       emergent::input_error);
  auto bad = state;
  bad[2].second.successes = 51;
  CHECK_THROWS_WITH_AS((void)emergent::grouped<emergent::exact_match_accumulator>::from_state(bad),
                       "grouped::from_state: state[2] (model 'small', task 'arith', subtask ''): "
                       "exact_match_accumulator::from_state: successes: 51 exceed trials (50)",
                       emergent::input_error);

  emergent::grouped<emergent::mean_accumulator> means;
  means({"m", "t", ""}, 1.5);
  means({"m", "t", ""}, 2.5);
  const auto means2 = emergent::grouped<emergent::mean_accumulator>::from_state(means.state());
  CHECK(means2.at({"m", "t", ""}).mean() == 2.0);
}

TEST_CASE("from_state rejects invalid states with input_error naming the field") {
  using emergent::input_error;
  emergent::count_state c;
  c.version = 2;
  CHECK_THROWS_WITH_AS((void)emergent::count_accumulator::from_state(c),
                       "count_accumulator::from_state: version: 2 is not a state version this build reads (1)",
                       input_error);
  c = {};
  c.count = -1;
  CHECK_THROWS_WITH_AS((void)emergent::count_accumulator::from_state(c),
                       "count_accumulator::from_state: count: -1 is negative", input_error);

  emergent::binary_state b;
  b.version = 0;
  CHECK_THROWS_AS((void)emergent::binary_accumulator::from_state(b), input_error);
  b = {};
  b.successes = -3;
  CHECK_THROWS_WITH_AS((void)emergent::binary_accumulator::from_state(b),
                       "binary_accumulator::from_state: successes: -3 is negative", input_error);
  b = {};
  b.trials = -1;
  CHECK_THROWS_WITH_AS((void)emergent::binary_accumulator::from_state(b),
                       "binary_accumulator::from_state: trials: -1 is negative", input_error);
  b = {};
  b.successes = 5;
  b.trials = 4;
  CHECK_THROWS_WITH_AS((void)emergent::binary_accumulator::from_state(b),
                       "binary_accumulator::from_state: successes: 5 exceed trials (4)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::exact_match_accumulator::from_state(b),
                       "exact_match_accumulator::from_state: successes: 5 exceed trials (4)", input_error);
  b.trials = 5;
  CHECK(emergent::binary_accumulator::from_state(b).proportion() == 1.0);

  const emergent::mean_state good{emergent::accumulator_state_version, 3, 0, 6.0, 0.0, 2.0};
  CHECK(emergent::mean_accumulator::from_state(good).variance() == 1.0);
  auto m = good;
  m.version = 7;
  CHECK_THROWS_WITH_AS((void)emergent::mean_accumulator::from_state(m),
                       "mean_accumulator::from_state: version: 7 is not a state version this build reads (1)",
                       input_error);
  m = good;
  m.count = -2;
  CHECK_THROWS_WITH_AS((void)emergent::mean_accumulator::from_state(m),
                       "mean_accumulator::from_state: count: -2 is negative", input_error);
  m = good;
  m.non_finite = -1;
  CHECK_THROWS_WITH_AS((void)emergent::mean_accumulator::from_state(m),
                       "mean_accumulator::from_state: non_finite: -1 is negative", input_error);
  m = good;
  m.sum = not_a_number;
  CHECK_THROWS_WITH_AS((void)emergent::mean_accumulator::from_state(m),
                       "mean_accumulator::from_state: sum: nan is not finite", input_error);
  m = good;
  m.sum_compensation = infinity;
  CHECK_THROWS_WITH_AS((void)emergent::mean_accumulator::from_state(m),
                       "mean_accumulator::from_state: sum_compensation: inf is not finite", input_error);
  m = good;
  m.m2 = -infinity;
  CHECK_THROWS_WITH_AS((void)emergent::mean_accumulator::from_state(m),
                       "mean_accumulator::from_state: m2: -inf is not finite", input_error);
  m = good;
  m.m2 = -1.0;
  CHECK_THROWS_WITH_AS((void)emergent::mean_accumulator::from_state(m),
                       "mean_accumulator::from_state: m2: -1.000000 is negative", input_error);
  m = good;
  m.count = 0;
  CHECK_THROWS_WITH_AS((void)emergent::mean_accumulator::from_state(m),
                       "mean_accumulator::from_state: sum: 6.000000 is not 0 although count is 0", input_error);
  m.sum = 0.0;
  CHECK_THROWS_WITH_AS((void)emergent::mean_accumulator::from_state(m),
                       "mean_accumulator::from_state: m2: 2.000000 is not 0 although count is 0", input_error);
  m.m2 = 0.0;
  m.sum_compensation = 1e-17;
  CHECK_THROWS_AS((void)emergent::mean_accumulator::from_state(m), input_error);
  m = good;
  m.sum = not_a_number;
  CHECK_THROWS_WITH_AS((void)emergent::brier_accumulator::from_state(m),
                       "brier_accumulator::from_state: sum: nan is not finite", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::log_loss_accumulator::from_state(m),
                       "log_loss_accumulator::from_state: sum: nan is not finite", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::edit_distance_accumulator::from_state(m),
                       "edit_distance_accumulator::from_state: sum: nan is not finite", input_error);

  emergent::weighted_mean_accumulator wa;
  wa(1.0, 2.0);
  wa(3.0, 2.0);
  const emergent::weighted_mean_state wgood = wa.state();
  CHECK(emergent::weighted_mean_accumulator::from_state(wgood).mean() == 2.0);
  const auto wfails = [&](auto mutate, const char* message) {
    auto w = wgood;
    mutate(w);
    CHECK_THROWS_WITH_AS((void)emergent::weighted_mean_accumulator::from_state(w), message, input_error);
  };
  wfails([](auto& w) { w.version = 9; },
         "weighted_mean_accumulator::from_state: version: 9 is not a state version this build reads (1)");
  wfails([](auto& w) { w.count = -1; }, "weighted_mean_accumulator::from_state: count: -1 is negative");
  wfails([](auto& w) { w.bad_weights = -1; }, "weighted_mean_accumulator::from_state: bad_weights: -1 is negative");
  wfails([](auto& w) { w.non_finite = -4; }, "weighted_mean_accumulator::from_state: non_finite: -4 is negative");
  wfails([](auto& w) { w.sum_weights = -4.0; },
         "weighted_mean_accumulator::from_state: sum_weights: -4.000000 is negative");
  wfails([](auto& w) { w.sum_weights = not_a_number; },
         "weighted_mean_accumulator::from_state: sum_weights: nan is not finite");
  wfails([](auto& w) { w.sum_weights_compensation = infinity; },
         "weighted_mean_accumulator::from_state: sum_weights_compensation: inf is not finite");
  wfails([](auto& w) { w.sum_weighted_values = -infinity; },
         "weighted_mean_accumulator::from_state: sum_weighted_values: -inf is not finite");
  wfails([](auto& w) { w.sum_weighted_values_compensation = not_a_number; },
         "weighted_mean_accumulator::from_state: sum_weighted_values_compensation: nan is not finite");
  wfails([](auto& w) { w.sum_squared_weights = -1.0; },
         "weighted_mean_accumulator::from_state: sum_squared_weights: -1.000000 is negative");
  wfails([](auto& w) { w.m2 = -0.5; }, "weighted_mean_accumulator::from_state: m2: -0.500000 is negative");
  wfails([](auto& w) { w.count = 0; },
         "weighted_mean_accumulator::from_state: sum_weights: 4.000000 is not 0 although count is 0");
}
