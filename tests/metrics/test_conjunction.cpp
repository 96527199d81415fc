#include <doctest/doctest.h>

#include <emergent/metrics.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "../reference/metrics_sklearn.hpp"

using emergent::input_error;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();

// Brute force pass@k: the fraction of the C(n, k) subsets of k samples that contain a correct one.
double pass_at_k_brute_force(unsigned n, unsigned c, unsigned k) {
  std::uint64_t hit = 0, total = 0;
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    if (static_cast<unsigned>(__builtin_popcount(mask)) != k) continue;
    ++total;
    if ((mask & ((1u << c) - 1u)) != 0) ++hit;  // samples 0..c-1 are the correct ones
  }
  return static_cast<double>(hit) / static_cast<double>(total);
}
}  // namespace

TEST_CASE("sequence_probability is the product of the token probabilities, computed in log space") {
  const std::vector<double> lp{std::log(0.9), std::log(0.8), std::log(0.5)};
  CHECK(emergent::sequence_probability(lp) == doctest::Approx(0.36));
  CHECK(emergent::sequence_log_probability(lp) == doctest::Approx(std::log(0.36)));
  CHECK(emergent::sequence_probability(std::vector<double>{}) == 1.0);
  CHECK(emergent::sequence_probability(std::vector<double>{-0.1, -inf}) == 0.0);
  CHECK(emergent::sequence_log_probability(std::vector<double>{-0.1, -inf}) == -inf);
  // 2000 tokens at p = 0.7: the product underflows naively in float but not in log space
  const std::vector<float> long_seq(2000, std::log(0.7f));
  CHECK(emergent::sequence_log_probability(long_seq) == doctest::Approx(2000.0 * std::log(0.7f)).epsilon(1e-12));
  CHECK_THROWS_WITH_AS((void)emergent::sequence_probability(std::vector<double>{-0.1, 0.2}),
                       "sequence_log_probability: token_log_probs[1]: 0.2 is above 0 (a probability above 1)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::sequence_probability(std::vector<double>{inf}),
                       "sequence_log_probability: token_log_probs[0]: inf is not a log-probability (NaN or +inf)",
                       input_error);
}

TEST_CASE("k_of_k = p^k, monotone increasing in p and decreasing in k") {
  CHECK(emergent::k_of_k(0.9, 1) == doctest::Approx(0.9));
  CHECK(emergent::k_of_k(0.9, 10) == doctest::Approx(0.3486784401));
  CHECK(emergent::k_of_k(0.0, 3) == 0.0);
  CHECK(emergent::k_of_k(1.0, 1000) == 1.0);
  for (std::size_t k = 1; k <= 64; k *= 2) {
    double previous = -1.0;
    for (int i = 0; i <= 100; ++i) {
      const double p = i / 100.0;
      const double v = emergent::k_of_k(p, k);
      CHECK(v >= previous);
      CHECK(v <= emergent::k_of_k(p, k == 1 ? 1 : k / 2));
      previous = v;
    }
  }
  CHECK_THROWS_WITH_AS((void)emergent::k_of_k(0.5, 0), "k_of_k: k: must be at least 1", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::k_of_k(1.5, 2), "k_of_k: p: 1.5 is outside [0, 1]", input_error);
}

TEST_CASE("all parts correct, and its probability") {
  CHECK(emergent::all_parts_correct(std::vector<bool>{true, true, true}));
  CHECK_FALSE(emergent::all_parts_correct(std::array<int, 3>{1, 0, 1}));
  CHECK(emergent::all_parts_correct(std::vector<bool>{}));  // vacuous truth
  CHECK(emergent::all_parts_probability(std::vector<double>{0.9, 0.5, 0.2}) == doctest::Approx(0.09));
  CHECK(emergent::all_parts_probability(std::vector<double>{}) == 1.0);
  CHECK(emergent::all_parts_probability(std::vector<double>{0.9, 0.0}) == 0.0);
  CHECK(emergent::all_parts_probability(std::vector<double>(5, 0.8)) == doctest::Approx(emergent::k_of_k(0.8, 5)));
  CHECK_THROWS_WITH_AS((void)emergent::all_parts_probability(std::vector<double>{0.9, -0.1}),
                       "all_parts_probability: part_probabilities[1]: -0.1 is outside [0, 1]", input_error);
}

TEST_CASE("pass_at_k: Chen et al. (2021) worked values and exact rational references") {
  // pass@1 is the fraction correct
  CHECK(emergent::pass_at_k(200, 37, 1) == doctest::Approx(37.0 / 200.0).epsilon(1e-14));
  // n = 10, c = 3, k = 5: 1 - C(7,5)/C(10,5) = 1 - 21/252
  CHECK(emergent::pass_at_k(10, 3, 5) == doctest::Approx(1.0 - 21.0 / 252.0).epsilon(1e-14));
  CHECK(emergent::pass_at_k(10, 0, 5) == 0.0);
  CHECK_FALSE(std::signbit(emergent::pass_at_k(10, 0, 5)));
  CHECK(emergent::pass_at_k(10, 6, 5) == 1.0);  // n - c < k
  for (const auto& c : metrics_reference::pass_at_k_cases) {
    CAPTURE(c.n);
    CAPTURE(c.c);
    CAPTURE(c.k);
    CHECK(emergent::pass_at_k(c.n, c.c, c.k) == doctest::Approx(c.value).epsilon(1e-12));
  }
  // stable far beyond the thousands: tiny results keep their relative precision
  CHECK(emergent::pass_at_k(1000000, 1, 1) == doctest::Approx(1e-6).epsilon(1e-12));
  CHECK(emergent::pass_at_k(100000, 1, 100) == doctest::Approx(1e-3).epsilon(1e-12));
}

TEST_CASE("pass_at_k equals a brute-force enumeration of subsets for small n") {
  for (unsigned n = 1; n <= 12; ++n) {
    for (unsigned c = 0; c <= n; ++c) {
      for (unsigned k = 1; k <= n; ++k) {
        CAPTURE(n);
        CAPTURE(c);
        CAPTURE(k);
        CHECK(emergent::pass_at_k(n, c, k) == doctest::Approx(pass_at_k_brute_force(n, c, k)).epsilon(1e-13));
      }
    }
  }
}

TEST_CASE("pass_at_k error paths") {
  CHECK_THROWS_WITH_AS((void)emergent::pass_at_k(10, 3, 0), "pass_at_k: k: must be at least 1", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::pass_at_k(10, 11, 1), "pass_at_k: c: 11 correct samples exceed n = 10", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::pass_at_k(10, 3, 11),
                       "pass_at_k: k: 11 exceeds the n = 10 samples drawn (C(n, k) = 0)", input_error);
  CHECK_THROWS_AS((void)emergent::pass_at_k(0, 0, 1), input_error);
}

TEST_CASE("expected token edit distance L(1 - p) (Schaeffer et al. 2023) against its soft/hard pair") {
  // Schaeffer et al.: with per-token accuracy p, exact match over L tokens is p^L (sharp in p) while
  // the expected token edit distance is L(1 - p) (linear in p).
  CHECK(emergent::expected_token_edit_distance(5, 0.9) == doctest::Approx(0.5));
  CHECK(emergent::expected_token_edit_distance(0, 0.3) == 0.0);
  CHECK(emergent::expected_token_edit_distance(std::vector<double>{0.9, 0.5, 1.0}) == doctest::Approx(0.6));
  CHECK(emergent::expected_token_edit_distance(std::vector<double>{}) == 0.0);
  for (int i = 0; i <= 10; ++i) {
    const double p = i / 10.0;
    CHECK(emergent::expected_token_edit_distance(16, p) ==
          doctest::Approx(emergent::expected_token_edit_distance(std::vector<double>(16, p))));
  }
  CHECK_THROWS_WITH_AS((void)emergent::expected_token_edit_distance(3, 1.1),
                       "expected_token_edit_distance: p: 1.1 is outside [0, 1]", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::expected_token_edit_distance(std::vector<double>{0.5, std::nan("")}),
                       "expected_token_edit_distance: token_probabilities[1]: nan is not a finite number", input_error);
}
