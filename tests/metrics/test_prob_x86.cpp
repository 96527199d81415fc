// The x86 block kernels (include/emergent/metrics/detail/prob_x86.hpp): their exp against
// std::exp, and differential tests against the per-example functions on random inputs salted with
// every kind of bad or borderline value, for each instruction set this CPU has (AVX2, AVX-512F).
#include <doctest/doctest.h>

#include <emergent/metrics.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <vector>

namespace prob = emergent::detail::prob;

#ifdef EMERGENT_X86_DISPATCH
namespace x86 = emergent::detail::prob::x86;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();

[[gnu::target("avx2,fma")]] void exp_float_avx2(const float* in, float* out) {
  const x86::v8f y = x86::exp_float(emergent::detail::x86::load8f(in));
  std::memcpy(out, &y, sizeof y);
}
[[gnu::target("avx512f,avx2,fma")]] void exp_float_avx512(const float* in, float* out) {
  const x86::v16f y = x86::exp_float16(emergent::detail::x86::load16f(in));
  std::memcpy(out, &y, sizeof y);
}

// Max relative error of an exp over a dense sample of [-87, 0] (and a few special values).
template <int Lanes, class F>
double max_relative_error(F&& f) {
  std::vector<float> xs;
  for (float x = -87.0f; x <= 0.0f; x += 0.00037f) xs.push_back(x);
  for (float x : {0.0f, -0.0f, -1e-30f, -1e-7f, -0.34657359f, -0.6931472f, -86.99f, -87.0f}) xs.push_back(x);
  while (xs.size() % Lanes != 0) xs.push_back(-1.0f);
  std::vector<float> ys(xs.size());
  for (std::size_t i = 0; i < xs.size(); i += Lanes) f(xs.data() + i, ys.data() + i);
  double worst = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double exact = std::exp(static_cast<double>(xs[i]));
    worst = std::max(worst, std::fabs(static_cast<double>(ys[i]) - exact) / exact);
  }
  return worst;
}

// Per-example oracle of a mean: nullopt when some example is invalid (the per-example function throws).
template <class F>
std::optional<double> oracle(std::size_t n, F&& f) {
  long double s = 0.0L;
  try {
    for (std::size_t i = 0; i < n; ++i) s += static_cast<long double>(f(i));
  } catch (const emergent::input_error&) {
    return std::nullopt;
  }
  return static_cast<double>(s / static_cast<long double>(n));
}

template <class F>
std::optional<double> attempt(F&& f) {
  try {
    return f();
  } catch (const emergent::input_error&) {
    return std::nullopt;
  }
}

void check_same(const std::optional<double>& got, const std::optional<double>& want) {
  REQUIRE(got.has_value() == want.has_value());
  if (got && want) {
    if (std::isinf(*want)) {
      CHECK(*got == *want);
    } else {
      CHECK(*got == doctest::Approx(*want).epsilon(1e-13));
    }
  }
}

// Random rows on the simplex, some with entries exactly 0 or 1.
void make_rows(std::size_t n, std::mt19937_64& rng, std::vector<double>& p) {
  std::gamma_distribution<double> g(0.7, 1.0);
  p.assign(n * 4, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0.0;
    if (rng() % 50 == 0) {  // one-hot row
      p[i * 4 + rng() % 4] = 1.0;
      continue;
    }
    for (std::size_t j = 0; j < 4; ++j) s += (p[i * 4 + j] = g(rng));
    for (std::size_t j = 0; j < 4; ++j) p[i * 4 + j] /= s;
  }
}

// One salt: an invalid or borderline value at a random place (or nothing).
void salt_probabilities(std::vector<double>& p, std::mt19937_64& rng) {
  const std::size_t i = rng() % p.size();
  const std::size_t row = i / 4;
  switch (rng() % 9) {
    case 0: p[i] = std::nan(""); break;
    case 1: p[i] = inf; break;
    case 2: p[i] = -0.25; break;
    case 3: p[i] = 1.0 + 5e-10; p[row * 4 + (i + 1) % 4] = 0.0; break;  // within the tolerance, clamped
    case 4: p[row * 4] += 0.999e-6; break;                                 // row sum inside the band
    case 5: p[row * 4] += 1.001e-6; break;                                 // row sum just outside
    case 6: p[i] = -0.0; break;
    default: break;
  }
}
}  // namespace

TEST_CASE("x86 exp kernels: relative error below 2^-23 on [-87, 0]") {
  if (!emergent::detail::cpu::has_avx2_fma()) {
    MESSAGE("this CPU has no AVX2 + FMA: nothing to test");
    return;
  }
  CHECK(max_relative_error<8>(exp_float_avx2) <= 0x1p-23);
  if (emergent::detail::cpu::has_avx512f()) CHECK(max_relative_error<16>(exp_float_avx512) <= 0x1p-23);
}

TEST_CASE("x86 binary Brier kernel equals the per-example oracle on salted random inputs") {
  if (!emergent::detail::cpu::has_avx2_fma()) return;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t n = 1 + rng() % 9000;
    std::vector<double> p(n);
    std::vector<std::uint8_t> o(n);
    for (std::size_t i = 0; i < n; ++i) {
      p[i] = trial % 7 == 0 ? std::round(u(rng)) : u(rng);
      o[i] = static_cast<std::uint8_t>(u(rng) < p[i]);
    }
    const std::size_t i = rng() % n;
    switch (rng() % 8) {
      case 0: p[i] = std::nan(""); break;
      case 1: p[i] = -inf; break;
      case 2: p[i] = 1.0 + 5e-10; break;
      case 3: p[i] = -5e-10; break;
      case 4: o[i] = 2; break;
      case 5: p[i] = -0.0; break;
      default: break;
    }
    CAPTURE(trial);
    CAPTURE(n);
    const auto want = oracle(n, [&](std::size_t k) { return emergent::brier_score(p[k], o[k]); });
    check_same(attempt([&] { return emergent::mean_brier_score(p, o); }), want);
    // the block kernel alone: when it accepts, its sum is the exact one
    const std::size_t m = n / 16 * 16;
    const auto block = x86::brier_binary_block(p.data(), o.data(), m);
    if (block.ok && m > 0) {
      const auto exact = oracle(m, [&](std::size_t k) { return emergent::brier_score(p[k], o[k]); });
      REQUIRE(exact.has_value());
      CHECK(block.sum / static_cast<double>(m) == doctest::Approx(*exact).epsilon(1e-13));
    }
  }
}

TEST_CASE_TEMPLATE("x86 4-class kernels equal the per-example oracle on salted random inputs", L, std::uint8_t, std::int8_t,
                   int, std::int64_t, std::uint32_t) {
  if (!emergent::detail::cpu::has_avx2_fma()) return;
  std::mt19937_64 rng(29 + sizeof(L));
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = 1 + rng() % 3000;
    std::vector<double> p;
    make_rows(n, rng, p);
    std::vector<L> y(n);
    for (auto& v : y) v = static_cast<L>(rng() % 4);
    const int salts = static_cast<int>(rng() % 3);
    for (int s = 0; s < salts; ++s) salt_probabilities(p, rng);
    if (rng() % 10 == 0) y[rng() % n] = static_cast<L>(4 + rng() % 3);
    if (std::is_signed_v<L> && rng() % 10 == 0) y[rng() % n] = static_cast<L>(-1);
    CAPTURE(trial);
    CAPTURE(n);
    const auto row = [&](std::size_t i) { return std::span<const double>(p.data() + i * 4, 4); };
    const auto brier = oracle(n, [&](std::size_t i) { return emergent::brier_score(row(i), static_cast<long long>(y[i])); });
    check_same(attempt([&] { return emergent::mean_brier_score(p, y, 4); }), brier);

    // log-probabilities: the same rows, plus -inf (probability 0) and 0 (probability 1) entries as they come
    std::vector<double> lp(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) lp[i] = std::isnan(p[i]) ? p[i] : p[i] < 0.0 ? 0.25 : std::log(p[i]);
    if (rng() % 4 == 0) lp[rng() % lp.size()] = 3e-10;  // above 0, within the tolerance
    const auto lrow = [&](std::size_t i) { return std::span<const double>(lp.data() + i * 4, 4); };
    for (const bool allow_infinite : {false, true}) {
      const emergent::log_loss_options options{.allow_infinite = allow_infinite};
      const auto ce = oracle(n, [&](std::size_t i) {
        return emergent::cross_entropy_from_log_probabilities(lrow(i), static_cast<long long>(y[i]), options);
      });
      check_same(attempt([&] { return emergent::mean_cross_entropy_from_log_probabilities(lp, y, 4, options); }), ce);
    }
    // each block kernel alone: when it accepts, the labels were valid and its sum is the exact one
    if (x86::labels_below_4(y.data(), n)) {
      const std::size_t m8 = n / 8 * 8, m16 = n / 16 * 16;
      const auto b4 = x86::brier4_block(p.data(), y.data(), n / 4 * 4);
      if (b4.ok && n >= 4) {
        const auto exact = oracle(n / 4 * 4, [&](std::size_t i) { return emergent::brier_score(row(i), static_cast<long long>(y[i])); });
        REQUIRE(exact.has_value());
        CHECK(b4.sum / static_cast<double>(n / 4 * 4) == doctest::Approx(*exact).epsilon(1e-13));
      }
      const auto exact_ce = [&](std::size_t m) {
        return oracle(m, [&](std::size_t i) {
          return emergent::cross_entropy_from_log_probabilities(lrow(i), static_cast<long long>(y[i]));
        });
      };
      const auto c8 = x86::cross_entropy4_block(lp.data(), y.data(), m8, prob::float_row_sum_accept);
      if (c8.ok && m8 > 0) {
        const auto exact = exact_ce(m8);
        REQUIRE(exact.has_value());
        CHECK(-c8.sum / static_cast<double>(m8) == doctest::Approx(*exact).epsilon(1e-13));
      }
      if (emergent::detail::cpu::has_avx512f()) {
        const auto c16 = x86::cross_entropy4_block_avx512(lp.data(), y.data(), m16, prob::float_row_sum_accept);
        if (m16 > 0) CHECK(c16.ok == x86::cross_entropy4_block(lp.data(), y.data(), m16, prob::float_row_sum_accept).ok);
        if (c16.ok && m16 > 0) {
          const auto exact = exact_ce(m16);
          REQUIRE(exact.has_value());
          CHECK(-c16.sum / static_cast<double>(m16) == doctest::Approx(*exact).epsilon(1e-13));
        }
      }
    }
  }
}

TEST_CASE("x86 4-class kernels: a row sum in the single-precision band is settled by the exact check") {
  if (!emergent::detail::cpu::has_avx2_fma()) return;
  // rows whose exp() sums to 1 + 0.9e-6: the float check cannot accept them, the exact one does
  std::vector<double> lp(64 * 4, std::log(0.25));
  std::vector<std::uint8_t> y(64, 1);
  for (std::size_t r = 0; r < 64; ++r) lp[r * 4 + 3] = std::log(0.25 + 0.9e-6);
  CHECK_FALSE(x86::cross_entropy4_block(lp.data(), y.data(), 64, prob::float_row_sum_accept).ok);
  CHECK(emergent::mean_cross_entropy_from_log_probabilities(lp, y, 4) == doctest::Approx(-std::log(0.25)).epsilon(1e-15));
  for (std::size_t r = 0; r < 64; ++r) lp[r * 4 + 3] = std::log(0.25 + 1.1e-6);
  CHECK_THROWS_AS((void)emergent::mean_cross_entropy_from_log_probabilities(lp, y, 4), emergent::input_error);
}
TEST_CASE("x86 4-class kernels: log-probabilities above 0 are clamped within the tolerance and rejected beyond it") {
  // certain predictions: rows [0, -inf, -inf, -inf] with label 0 have loss exactly 0
  const std::size_t n = 2048;
  std::vector<double> lp(n * 4, -inf);
  for (std::size_t r = 0; r < n; ++r) lp[r * 4] = 0.0;
  const std::vector<std::uint8_t> y(n, 0);
  CHECK(emergent::mean_cross_entropy_from_log_probabilities(lp, y, 4) == 0.0);
  for (const std::size_t r : {std::size_t{0}, std::size_t{5}, std::size_t{17}, std::size_t{1000}, std::size_t{1023},
                              std::size_t{1030}, std::size_t{2047}}) {
    CAPTURE(r);
    lp[r * 4] = 3e-10;  // within probability_tolerance: clamped to 0, so the mean stays exactly 0
    CHECK(emergent::mean_cross_entropy_from_log_probabilities(lp, y, 4) == 0.0);
    lp[r * 4] = 5e-7;  // the row still sums to 1 within 1e-6, but the value is above 0 beyond the tolerance
    CHECK_THROWS_WITH_AS((void)emergent::mean_cross_entropy_from_log_probabilities(lp, y, 4),
                         ("mean_cross_entropy_from_log_probabilities: log_probabilities[" + std::to_string(r * 4) +
                          "]: 5e-07 is above 0 (a probability above 1)")
                             .c_str(),
                         emergent::input_error);
    if (emergent::detail::cpu::has_avx2_fma()) {
      CHECK_FALSE(x86::cross_entropy4_block(lp.data(), y.data(), n, prob::float_row_sum_accept).ok);
      if (emergent::detail::cpu::has_avx512f()) CHECK_FALSE(x86::cross_entropy4_block_avx512(lp.data(), y.data(), n, prob::float_row_sum_accept).ok);
    }
    lp[r * 4] = 0.0;
  }
}
#else
TEST_CASE("x86 kernels: not compiled on this target") { MESSAGE("no x86 block kernels on this target"); }
#endif
