#include <doctest/doctest.h>

#include <emergent/core/detail/random.hpp>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>

#include <cstdint>
#include <vector>

namespace {

// Pearson chi-square of `samples` draws against the exact Binomial(n, p) pmf, pooling cells so that
// each expected count is at least 5; returns (statistic, p-value).
std::pair<double, double> binomial_chi_square(std::uint64_t n, double p, const std::vector<std::uint64_t>& draws) {
  const boost::math::binomial_distribution<double> exact(static_cast<double>(n), p);
  std::vector<double> observed(n + 1, 0.0);
  for (auto d : draws) observed[d] += 1.0;
  const double total = static_cast<double>(draws.size());
  std::vector<std::pair<double, double>> cells;  // (observed, expected)
  double o = 0.0;
  double e = 0.0;
  for (std::uint64_t k = 0; k <= n; ++k) {
    o += observed[k];
    e += total * boost::math::pdf(exact, static_cast<double>(k));
    if (e >= 5.0) {
      cells.emplace_back(o, e);
      o = 0.0;
      e = 0.0;
    }
  }
  if (cells.empty()) cells.emplace_back(0.0, 0.0);
  cells.back().first += o;
  cells.back().second += e;
  double chi2 = 0.0;
  for (const auto& [obs, expected] : cells) chi2 += (obs - expected) * (obs - expected) / expected;
  const boost::math::chi_squared_distribution<double> reference(static_cast<double>(cells.size() - 1));
  return {chi2, boost::math::cdf(boost::math::complement(reference, chi2))};
}

}  // namespace

TEST_CASE("binomial sampler (inversion and BTPE) matches the exact pmf (chi-square)") {
  struct setting {
    std::uint64_t n;
    double p;
  };
  std::uint64_t seed = 1;
  for (const setting s : {setting{10, 0.3}, setting{1000, 0.02}, setting{200, 0.4}, setting{100000, 0.5},
                          setting{1000, 0.97}, setting{60, 0.5}, setting{5000, 0.9999}, setting{1, 0.5}}) {
    CAPTURE(s.n);
    CAPTURE(s.p);
    auto rng = emergent::detail::xoshiro256ss::stream(2026, seed++);
    const emergent::detail::binomial_sampler draw(s.n, s.p);
    std::vector<std::uint64_t> draws(40000);
    for (auto& d : draws) {
      d = draw(rng);
      REQUIRE(d <= s.n);
    }
    const auto result = binomial_chi_square(s.n, s.p, draws);
    CAPTURE(result.first);
    CHECK(result.second > 1e-4);
  }
  // the check can fail: draws from p = 0.5 are rejected as Binomial(100000, 0.502)
  auto rng = emergent::detail::xoshiro256ss::stream(2026, 99);
  const emergent::detail::binomial_sampler draw(100000, 0.5);
  std::vector<std::uint64_t> draws(40000);
  for (auto& d : draws) d = draw(rng);
  CHECK(binomial_chi_square(100000, 0.502, draws).second < 1e-6);
}

TEST_CASE("degenerate binomials and multinomial counts") {
  auto rng = emergent::detail::xoshiro256ss::stream(1, 1);
  CHECK(emergent::detail::binomial(rng, 0, 0.5) == 0);
  CHECK(emergent::detail::binomial(rng, 17, 0.0) == 0);
  CHECK(emergent::detail::binomial(rng, 17, 1.0) == 17);
  const std::vector<double> p{0.2, 0.0, 0.5, 0.3};
  std::vector<std::uint64_t> c(4);
  std::vector<double> sums(4, 0.0);
  for (int r = 0; r < 2000; ++r) {
    emergent::detail::multinomial(rng, 1000, p, c);
    CHECK(c[0] + c[1] + c[2] + c[3] == 1000);
    CHECK(c[1] == 0);
    for (int j = 0; j < 4; ++j) sums[static_cast<std::size_t>(j)] += static_cast<double>(c[static_cast<std::size_t>(j)]);
  }
  CHECK(sums[0] / 2000.0 == doctest::Approx(200.0).epsilon(0.01));
  CHECK(sums[2] / 2000.0 == doctest::Approx(500.0).epsilon(0.01));
  CHECK(sums[3] / 2000.0 == doctest::Approx(300.0).epsilon(0.01));
}

TEST_CASE("bounded indices are uniform and streams are reproducible") {
  auto a = emergent::detail::xoshiro256ss::stream(5, 7);
  auto b = emergent::detail::xoshiro256ss::stream(5, 7);
  auto c = emergent::detail::xoshiro256ss::stream(5, 8);
  const auto first = a();
  CHECK(first == b());
  CHECK(first != c());
  std::vector<double> counts(7, 0.0);
  auto rng = emergent::detail::xoshiro256ss::stream(3, 3);
  emergent::detail::for_each_bounded_index(rng, 7, 70001, [&](std::size_t i) {
    REQUIRE(i < 7);
    counts[i] += 1.0;
  });
  double chi2 = 0.0;
  for (double o : counts) chi2 += (o - 10000.143) * (o - 10000.143) / 10000.143;
  CHECK(chi2 < 22.46);  // chi-square(6) 0.999 quantile
  std::size_t big = 0;
  emergent::detail::for_each_bounded_index(rng, std::size_t{1} << 40U, 1000, [&](std::size_t i) {
    REQUIRE(i < (std::size_t{1} << 40U));
    big += i >> 39U;
  });
  CHECK(big > 400);
  CHECK(big < 600);
}
