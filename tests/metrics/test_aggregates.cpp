#include <doctest/doctest.h>

#include <emergent/metrics.hpp>
#include <emergent/metrics/eigen.hpp>

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "../reference/metrics_sklearn.hpp"

namespace ref = metrics_reference;
namespace prob = emergent::detail::prob;
using emergent::brier_convention;
using emergent::input_error;
using emergent::log_loss_options;
using emergent::normalization;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();

// Exactly rounded-ish mean of per-example values (long double accumulation), the oracle for the kernels.
template <class F>
double oracle_mean(std::size_t n, F&& f) {
  long double s = 0.0L;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<long double>(f(i));
  return static_cast<double>(s / static_cast<long double>(n));
}

struct binary_data {
  std::vector<double> p;
  std::vector<std::uint8_t> o;
};

binary_data make_binary(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  binary_data d;
  for (std::size_t i = 0; i < n; ++i) {
    double p = u(rng);
    if (i % 13 == 0) p = std::pow(p, 40.0);  // tiny probabilities
    if (i % 17 == 0) p = 1.0 - std::pow(u(rng), 40.0);
    d.p.push_back(p);
    d.o.push_back(static_cast<std::uint8_t>(u(rng) < p ? 1 : 0));
  }
  return d;
}

// n×K row-major rows on the simplex (exactly normalised up to rounding), labels.
void make_rows(std::size_t n, std::size_t k, std::uint64_t seed, std::vector<double>& p, std::vector<int>& y) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> g(0.7, 1.0);
  p.assign(n * k, 0.0);
  y.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0.0;
    for (std::size_t j = 0; j < k; ++j) s += (p[i * k + j] = g(rng) + 1e-300);
    for (std::size_t j = 0; j < k; ++j) p[i * k + j] /= s;
    y[i] = static_cast<int>(rng() % k);
  }
}

const std::size_t sizes[] = {1, 2, 3, 5, 7, 8, 9, 31, 4095, 4096, 4097, 10007};
}  // namespace

TEST_CASE("SIMD log and exp match std::log and std::exp") {
  namespace s = emergent::detail::prob::simd;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-320.0, 0.0);
  double worst_log = 0.0, worst_exp = 0.0;
  s::v<2>::d x;
  for (int i = 0; i < 20000; ++i) {
    double xs[2] = {std::pow(10.0, u(rng)), i % 100 == 0 ? 4.9e-324 * (1 + i) : std::pow(10.0, u(rng) / 100.0)};
    std::memcpy(&x, xs, sizeof x);
    s::log<2>(x);
    for (int j = 0; j < 2; ++j) {
      const double r = std::log(xs[j]);
      worst_log = std::max(worst_log, std::fabs(x[j] - r) / std::fabs(r == 0.0 ? 1.0 : r));
    }
    double es[2] = {u(rng) * 2.2, u(rng) / 300.0};
    std::memcpy(&x, es, sizeof x);
    s::exp_poly<2, 13>(x);
    for (int j = 0; j < 2; ++j) {
      const double r = std::exp(es[j]);
      if (r > 1e-300) worst_exp = std::max(worst_exp, std::fabs(x[j] - r) / r);
    }
    std::memcpy(&x, es, sizeof x);
    s::exp_poly<2, 7>(x);
    for (int j = 0; j < 2; ++j) {
      const double r = std::exp(es[j]);
      if (r > 1e-300) CHECK(std::fabs(x[j] - r) / r < 1e-8);
    }
  }
  CHECK(worst_log < 4e-16);
  CHECK(worst_exp < 4e-16);
  double specials[2] = {-inf, -745.5};
  std::memcpy(&x, specials, sizeof x);
  s::exp_poly<2, 13>(x);
  const double e0 = x[0], e1 = x[1];
  CHECK(e0 == 0.0);
  CHECK(e1 == 0.0);
  double subnormal_result[2] = {-740.0, -709.5};
  std::memcpy(&x, subnormal_result, sizeof x);
  s::exp_poly<2, 13>(x);
  const double s0 = x[0], s1 = x[1];
  CHECK(s0 == doctest::Approx(std::exp(-740.0)).epsilon(1e-6));  // subnormal: fewer bits
  CHECK(s1 == doctest::Approx(std::exp(-709.5)).epsilon(1e-15));
}

TEST_CASE("mean_brier_score and mean_log_loss agree with scikit-learn on the reference inputs") {
  const std::span<const double> p(ref::binary_p, ref::binary_n);
  std::vector<std::uint8_t> y(ref::binary_y, ref::binary_y + ref::binary_n);
  CHECK(emergent::mean_brier_score(p, y) == doctest::Approx(ref::binary_brier_mean).epsilon(1e-14));
  CHECK(emergent::mean_log_loss(p, y, log_loss_options::scikit_learn()) ==
        doctest::Approx(ref::binary_log_loss_auto_mean).epsilon(1e-13));
  const std::span<const double> pm(ref::multi_p, ref::multi_n * ref::multi_k);
  const std::span<const int> ym(ref::multi_y, ref::multi_n);
  CHECK(emergent::mean_brier_score(pm, ym, ref::multi_k) == doctest::Approx(ref::multi_brier_sum_mean).epsilon(1e-14));
  CHECK(emergent::mean_brier_score(pm, ym, ref::multi_k, {.convention = brier_convention::mean_over_classes}) ==
        doctest::Approx(ref::multi_brier_sum_mean / 4.0).epsilon(1e-14));
  std::vector<double> lp(pm.size());
  for (std::size_t i = 0; i < lp.size(); ++i) lp[i] = std::log(pm[i]);  // log 0 = -inf for two entries
  CHECK(emergent::mean_cross_entropy_from_log_probabilities(lp, ym, ref::multi_k, {.clamp_epsilon = 2.220446049250313e-16}) ==
        doctest::Approx(ref::multi_log_loss_auto_mean).epsilon(1e-13));
}

TEST_CASE("binary kernels equal the mean of the per-example functions, every size and tail") {
  for (const std::size_t n : sizes) {
    CAPTURE(n);
    const auto d = make_binary(n, 100 + n);
    const double brier = oracle_mean(n, [&](std::size_t i) { return emergent::brier_score(d.p[i], d.o[i]); });
    CHECK(emergent::mean_brier_score(d.p, d.o) == doctest::Approx(brier).epsilon(1e-14));
    const double ll = oracle_mean(n, [&](std::size_t i) { return emergent::log_loss(d.p[i], d.o[i]); });
    CHECK(emergent::mean_log_loss(d.p, d.o) == doctest::Approx(ll).epsilon(1e-13));
    const log_loss_options sk = log_loss_options::scikit_learn();
    const double llc = oracle_mean(n, [&](std::size_t i) { return emergent::log_loss(d.p[i], d.o[i], sk); });
    CHECK(emergent::mean_log_loss(d.p, d.o, sk) == doctest::Approx(llc).epsilon(1e-13));
    // both code paths (SSE2 portable and, where the CPU has it, AVX2) give the same answer
    emergent::detail::prob::kernel_total t1, t2;
    prob::run_portable<prob::brier_binary_kernel>(d.p.data(), d.o.data(), n, 0, t1);
    prob::run_portable<prob::log_loss_binary_kernel>(d.p.data(), d.o.data(), n, 0, log_loss_options{}, t2);
    CHECK(t1.value() / static_cast<double>(n) == doctest::Approx(brier).epsilon(1e-14));
    CHECK(t2.value() / static_cast<double>(n) == doctest::Approx(ll).epsilon(1e-13));
    // float probabilities and bool outcomes
    std::vector<float> pf(d.p.begin(), d.p.end());
    std::vector<bool> ob(d.o.begin(), d.o.end());
    std::vector<std::int32_t> oi(d.o.begin(), d.o.end());
    const double brier_f = oracle_mean(n, [&](std::size_t i) { return emergent::brier_score(pf[i], d.o[i]); });
    CHECK(emergent::mean_brier_score(pf, oi) == doctest::Approx(brier_f).epsilon(1e-14));
  }
}

TEST_CASE("multi-class kernels equal the mean of the per-example functions") {
  for (const std::size_t k : {1u, 2u, 3u, 4u, 8u, 10u}) {
    for (const std::size_t n : {1u, 3u, 1023u, 1025u, 5000u}) {
      CAPTURE(k);
      CAPTURE(n);
      std::vector<double> p;
      std::vector<int> y;
      make_rows(n, k, 7 * k + n, p, y);
      const auto row = [&](std::size_t i) { return std::span<const double>(p.data() + i * k, k); };
      const double b = oracle_mean(n, [&](std::size_t i) { return emergent::brier_score(row(i), y[i]); });
      CHECK(emergent::mean_brier_score(p, y, k) == doctest::Approx(b).epsilon(1e-13));
      std::vector<double> lp(p.size());
      for (std::size_t i = 0; i < p.size(); ++i) lp[i] = std::log(p[i]);
      const double ce = oracle_mean(n, [&](std::size_t i) {
        return emergent::cross_entropy_from_log_probabilities(std::span<const double>(lp.data() + i * k, k), y[i]);
      });
      CHECK(emergent::mean_cross_entropy_from_log_probabilities(lp, y, k) == doctest::Approx(ce).epsilon(1e-13));
      // the portable (SSE2) code path gives the same answers as the dispatched one
      {
        emergent::detail::prob::kernel_total tb, tc;
        std::vector<double> buffer(std::max<std::size_t>(1, 4096 / k) * k);
        prob::run_portable<prob::brier_multi_kernel>(p.data(), y.data(), n, k, 0, tb);
        prob::run_portable<prob::cross_entropy_multi_kernel>(lp.data(), y.data(), n, k, 0, emergent::log_loss_options{},
                                                             buffer.data(), tc);
        CHECK(tb.value() / static_cast<double>(n) == doctest::Approx(b).epsilon(1e-13));
        CHECK(tc.value() / static_cast<double>(n) == doctest::Approx(ce).epsilon(1e-13));
      }
      // renormalisation: rows scaled by 0.5 (probabilities) or shifted by -1 (log-probabilities)
      std::vector<double> half(p), shifted(lp);
      for (auto& v : half) v *= 0.5;
      for (auto& v : shifted) v -= 1.0;
      CHECK(emergent::mean_brier_score(half, y, k, {.normalize = normalization::renormalize}) == doctest::Approx(b).epsilon(1e-13));
      CHECK(emergent::mean_cross_entropy_from_log_probabilities(shifted, y, k, {.normalize = normalization::renormalize}) ==
            doctest::Approx(ce).epsilon(1e-13));
    }
  }
}

TEST_CASE("values within the tolerance, exact 0 and 1, and clipping take the exact paths inside the kernels") {
  for (const std::size_t n : {7u, 4096u, 9000u}) {
    CAPTURE(n);
    auto d = make_binary(n, 50 + n);
    d.p[n / 2] = 1.0 + 5e-10;
    d.o[n / 2] = 1;
    d.p[n / 3] = -5e-10;
    d.o[n / 3] = 0;
    d.p[n - 1] = 1.0;
    d.o[n - 1] = 1;
    d.p[0] = 0.0;
    d.o[0] = 0;
    const double brier = oracle_mean(n, [&](std::size_t i) { return emergent::brier_score(d.p[i], d.o[i]); });
    CHECK(emergent::mean_brier_score(d.p, d.o) == doctest::Approx(brier).epsilon(1e-14));
    const double ll = oracle_mean(n, [&](std::size_t i) { return emergent::log_loss(d.p[i], d.o[i]); });
    CHECK(emergent::mean_log_loss(d.p, d.o) == doctest::Approx(ll).epsilon(1e-13));
    const log_loss_options clip{.clamp_epsilon = 1e-3};
    const double llc = oracle_mean(n, [&](std::size_t i) { return emergent::log_loss(d.p[i], d.o[i], clip); });
    CHECK(emergent::mean_log_loss(d.p, d.o, clip) == doctest::Approx(llc).epsilon(1e-13));
    // a subnormal probability of the outcome
    d.p[1] = 1e-310;
    d.o[1] = 1;
    const double lls = oracle_mean(n, [&](std::size_t i) { return emergent::log_loss(d.p[i], d.o[i]); });
    CHECK(emergent::mean_log_loss(d.p, d.o) == doctest::Approx(lls).epsilon(1e-13));
  }
  std::vector<double> p;
  std::vector<int> y;
  make_rows(3000, 4, 77, p, y);
  p[4 * 1234 + 1] += p[4 * 1234] + 5e-10;  // the row now holds an exact 0 and a value a hair above its share
  p[4 * 1234] = 0.0;
  p[4 * 2000] = 1.0 + 4e-10;  // within the range tolerance; the row sum stays within its tolerance
  p[4 * 2000 + 1] = p[4 * 2000 + 2] = p[4 * 2000 + 3] = 0.0;
  const auto row = [&](std::size_t i) { return std::span<const double>(p.data() + i * 4, 4); };
  const double b = oracle_mean(3000, [&](std::size_t i) { return emergent::brier_score(row(i), y[i]); });
  CHECK(emergent::mean_brier_score(p, y, 4) == doctest::Approx(b).epsilon(1e-13));
  // a row of log-probabilities normalised to 0.9e-6: accepted exactly as the per-example function does
  std::vector<double> lp(4 * 100, std::log(0.25));
  lp[4 * 50] = std::log(0.25 + 0.9e-6);
  std::vector<int> y0(100, 0);
  const double ce = oracle_mean(100, [&](std::size_t i) {
    return emergent::cross_entropy_from_log_probabilities(std::span<const double>(lp.data() + i * 4, 4), y0[i]);
  });
  CHECK(emergent::mean_cross_entropy_from_log_probabilities(lp, y0, 4) == doctest::Approx(ce).epsilon(1e-13));
  lp[4 * 50] = std::log(0.25 + 1.1e-6);
  CHECK_THROWS_AS((void)emergent::mean_cross_entropy_from_log_probabilities(lp, y0, 4), input_error);
}

TEST_CASE("mean_sequence_probability equals the mean of sequence_probability") {
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> e(8.0);
  for (const std::size_t t : {1u, 3u, 4u, 16u, 17u}) {
    for (const std::size_t n : {1u, 2u, 5u, 257u, 1000u}) {
      CAPTURE(t);
      CAPTURE(n);
      std::vector<double> lp(n * t);
      for (std::size_t i = 0; i < lp.size(); ++i) lp[i] = i % 97 == 5 ? -inf : -e(rng);
      const double m = oracle_mean(n, [&](std::size_t i) {
        return emergent::sequence_probability(std::span<const double>(lp.data() + i * t, t));
      });
      CHECK(emergent::mean_sequence_probability(lp, t) == doctest::Approx(m).epsilon(1e-14));
      {
        emergent::detail::prob::kernel_total ts;
        std::vector<double> buffer(std::max<std::size_t>(1, 4096 / t));
        prob::run_portable<prob::sequence_probability_kernel>(lp.data(), n, t, 0, buffer.data(), ts);
        CHECK(ts.value() / static_cast<double>(n) == doctest::Approx(m).epsilon(1e-14));
      }
      const std::vector<float> lpf(lp.begin(), lp.end());
      const double mf = oracle_mean(n, [&](std::size_t i) {
        return emergent::sequence_probability(std::span<const float>(lpf.data() + i * t, t));
      });
      CHECK(emergent::mean_sequence_probability(lpf, t) == doctest::Approx(mf).epsilon(1e-14));
    }
  }
}

TEST_CASE("Eigen inputs: contiguous storage, strided maps, column-major matrices and expressions") {
  const std::size_t n = 5000, k = 4;
  std::vector<double> p;
  std::vector<int> y;
  make_rows(n, k, 99, p, y);
  const double expected_brier = emergent::mean_brier_score(p, y, k);
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const RowMajor> rows(p.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k));
  const Eigen::Map<const Eigen::VectorXi> labels(y.data(), static_cast<Eigen::Index>(n));
  CHECK(emergent::mean_brier_score(rows, labels) == doctest::Approx(expected_brier).epsilon(1e-14));
  const Eigen::MatrixXd col_major = rows;  // column-major: read a block of rows at a time
  CHECK(emergent::mean_brier_score(col_major, labels) == doctest::Approx(expected_brier).epsilon(1e-14));
  CHECK(emergent::mean_brier_score(col_major * 1.0, labels) == doctest::Approx(expected_brier).epsilon(1e-14));
  const RowMajor lp = rows.array().log().matrix();
  const double expected_ce = emergent::mean_cross_entropy_from_log_probabilities(
      std::span<const double>(lp.data(), n * k), y, k);
  CHECK(emergent::mean_cross_entropy_from_log_probabilities(lp, labels) == doctest::Approx(expected_ce).epsilon(1e-14));
  CHECK(emergent::mean_cross_entropy_from_log_probabilities(rows.array().log().matrix(), labels) ==
        doctest::Approx(expected_ce).epsilon(1e-14));
  // binary vectors: contiguous, strided (every other element of the rows), expression
  const auto d = make_binary(n, 1);
  const Eigen::Map<const Eigen::VectorXd> pv(d.p.data(), static_cast<Eigen::Index>(n));
  const Eigen::Map<const Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1>> ov(d.o.data(), static_cast<Eigen::Index>(n));
  CHECK(emergent::mean_brier_score(pv, ov) == doctest::Approx(emergent::mean_brier_score(d.p, d.o)).epsilon(1e-14));
  CHECK(emergent::mean_log_loss(pv, ov) == doctest::Approx(emergent::mean_log_loss(d.p, d.o)).epsilon(1e-14));
  CHECK(emergent::mean_log_loss((pv.array() * 1.0).matrix(), ov) ==
        doctest::Approx(emergent::mean_log_loss(d.p, d.o)).epsilon(1e-14));
  const Eigen::Map<const Eigen::VectorXd, 0, Eigen::InnerStride<4>> column0(p.data(), static_cast<Eigen::Index>(n));
  const Eigen::VectorXi outcomes = (labels.array() == 0).cast<int>();
  std::vector<double> c0(n);
  std::vector<int> o0(n);
  for (std::size_t i = 0; i < n; ++i) {
    c0[i] = p[i * k];
    o0[i] = y[i] == 0 ? 1 : 0;
  }
  CHECK(emergent::mean_brier_score(column0, outcomes) == doctest::Approx(emergent::mean_brier_score(c0, o0)).epsilon(1e-14));
  // sequences
  std::vector<double> seq(n * 16);
  for (std::size_t i = 0; i < seq.size(); ++i) seq[i] = -0.01 * static_cast<double>(i % 23);
  const Eigen::Map<const RowMajor> seq_rows(seq.data(), static_cast<Eigen::Index>(n), 16);
  const double expected_seq = emergent::mean_sequence_probability(seq, 16);
  CHECK(emergent::mean_sequence_probability(seq_rows) == doctest::Approx(expected_seq).epsilon(1e-14));
  const Eigen::MatrixXd seq_col = seq_rows;
  CHECK(emergent::mean_sequence_probability(seq_col) == doctest::Approx(expected_seq).epsilon(1e-14));
}

TEST_CASE("aggregate kernels name the first bad index, in the vector body, the tail and later blocks") {
  for (const std::size_t bad : {std::size_t{0}, std::size_t{5}, std::size_t{4100}, std::size_t{9998}}) {
    CAPTURE(bad);
    auto d = make_binary(9999, 2);
    d.p[bad] = 1.5;
    CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(d.p, d.o),
                         ("mean_brier_score: probabilities[" + std::to_string(bad) + "]: 1.5 is outside [0, 1]").c_str(),
                         input_error);
    d.p[bad] = std::nan("");
    CHECK_THROWS_WITH_AS((void)emergent::mean_log_loss(d.p, d.o),
                         ("mean_log_loss: probabilities[" + std::to_string(bad) + "]: nan is not a finite number").c_str(),
                         input_error);
    d.p[bad] = 0.5;
    d.o[bad] = 2;
    CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(d.p, d.o),
                         ("mean_brier_score: outcomes[" + std::to_string(bad) + "]: 2 is not 0 or 1").c_str(), input_error);
    d.o[bad] = 1;
    d.p[bad] = 0.0;
    CHECK_THROWS_WITH_AS((void)emergent::mean_log_loss(d.p, d.o),
                         ("mean_log_loss: probabilities[" + std::to_string(bad) +
                          "] = 0: the true outcome has probability 0, so the loss is +inf; pass "
                          "log_loss_options::clamp_epsilon to clip or allow_infinite to accept +inf")
                             .c_str(),
                         input_error);
    CHECK(emergent::mean_log_loss(d.p, d.o, {.allow_infinite = true}) == inf);
    CHECK(std::isfinite(emergent::mean_log_loss(d.p, d.o, {.clamp_epsilon = 1e-15})));
  }
  // multi-class: range, row sum, label
  std::vector<double> p;
  std::vector<int> y;
  make_rows(3000, 4, 8, p, y);
  auto q = p;
  q[2001 * 4 + 2] = -0.25;
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(q, y, 4), "mean_brier_score: probabilities[8006]: -0.25 is outside [0, 1]",
                       input_error);
  q = p;
  q[1500 * 4] += 0.01;
  CHECK_THROWS_AS((void)emergent::mean_brier_score(q, y, 4), input_error);
  q[1500 * 4 + 1] -= 0.01;
  CHECK_NOTHROW((void)emergent::mean_brier_score(q, y, 4));
  q = p;
  q[3] = 0.7;
  q[0] = 0.7;
  q[1] = 0.7;
  q[2] = 0.7;
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(q, y, 4),
                       "mean_brier_score: probabilities[row 0]: sums to 2.8, not 1 (pass normalization::renormalize to "
                       "divide by the sum)",
                       input_error);
  auto z = y;
  z[2999] = 4;
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(p, z, 4), "mean_brier_score: labels[2999]: 4 is out of range [0, 4)",
                       input_error);
  z[2999] = -1;
  CHECK_THROWS_WITH_AS((void)emergent::mean_cross_entropy_from_log_probabilities(std::vector<double>(3000 * 4, std::log(0.25)), z, 4),
                       "mean_cross_entropy_from_log_probabilities: labels[2999]: -1 is out of range [0, 4)", input_error);
  std::vector<double> lp(3000 * 4, std::log(0.25));
  lp[77] = 0.5;
  CHECK_THROWS_WITH_AS((void)emergent::mean_cross_entropy_from_log_probabilities(lp, y, 4),
                       "mean_cross_entropy_from_log_probabilities: log_probabilities[77]: 0.5 is above 0 (a probability "
                       "above 1)",
                       input_error);
  lp[77] = std::log(0.5);
  CHECK_THROWS_WITH_AS((void)emergent::mean_cross_entropy_from_log_probabilities(lp, y, 4),
                       "mean_cross_entropy_from_log_probabilities: log_probabilities[row 19]: exp() sums to 1.25, not 1 "
                       "(pass normalization::renormalize to renormalise)",
                       input_error);
  lp[77] = std::log(0.25);
  std::vector<int> y0(3000, 0);
  lp[2500 * 4] = -inf;
  lp[2500 * 4 + 1] = std::log(0.5);
  CHECK_THROWS_WITH_AS((void)emergent::mean_cross_entropy_from_log_probabilities(lp, y0, 4),
                       "mean_cross_entropy_from_log_probabilities: log_probabilities[10000] (the label of row 2500) = -inf: "
                       "the true outcome has probability 0, so the loss is +inf; pass log_loss_options::clamp_epsilon to "
                       "clip or allow_infinite to accept +inf",
                       input_error);
  CHECK(emergent::mean_cross_entropy_from_log_probabilities(lp, y0, 4, {.allow_infinite = true}) == inf);
  // sequences
  std::vector<double> seq(1000 * 16, -0.1);
  seq[16 * 700 + 15] = 0.25;
  CHECK_THROWS_WITH_AS((void)emergent::mean_sequence_probability(seq, 16),
                       "mean_sequence_probability: token_log_probs[11215]: 0.25 is above 0 (a probability above 1)",
                       input_error);
  seq[16 * 700 + 15] = inf;
  CHECK_THROWS_AS((void)emergent::mean_sequence_probability(seq, 16), input_error);
  seq[16 * 700 + 15] = std::nan("");
  CHECK_THROWS_AS((void)emergent::mean_sequence_probability(seq, 17 - 1), input_error);
}

TEST_CASE("aggregate kernels: sizes, empty inputs and options") {
  const std::vector<double> none;
  const std::vector<std::uint8_t> no_outcomes;
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(none, no_outcomes),
                       "mean_brier_score: probabilities: is empty: the mean of nothing is undefined", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_log_loss(none, no_outcomes),
                       "mean_log_loss: probabilities: is empty: the mean of nothing is undefined", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(std::vector<double>{0.5, 0.5}, std::vector<int>{1}),
                       "mean_brier_score: outcomes: has 1 entries but probabilities has 2", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(std::vector<double>{0.5, 0.5, 1.0}, std::vector<int>{1, 0}, 2),
                       "mean_brier_score: probabilities: has 3 entries, not 2 labels x 2 classes", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(std::vector<double>{}, std::vector<int>{}, 2),
                       "mean_brier_score: labels: is empty: the mean of nothing is undefined", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(std::vector<double>{1.0}, std::vector<int>{0}, 0),
                       "mean_brier_score: num_classes: must be at least 1", input_error);
  CHECK_THROWS_AS((void)emergent::mean_cross_entropy_from_log_probabilities(std::vector<double>{0.0}, std::vector<int>{0}, 0),
                  input_error);
  CHECK_THROWS_AS((void)emergent::mean_cross_entropy_from_log_probabilities(std::vector<double>{0.0}, std::vector<int>{0, 0}, 1),
                  input_error);
  CHECK_THROWS_AS((void)emergent::mean_cross_entropy_from_log_probabilities(std::vector<double>{}, std::vector<int>{}, 1),
                  input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_log_loss(std::vector<double>{0.5}, std::vector<int>{1}, {.clamp_epsilon = 0.6}),
                       "mean_log_loss: options.clamp_epsilon: 0.6 is outside [0, 0.5)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_sequence_probability(std::vector<double>{-1.0}, 0),
                       "mean_sequence_probability: tokens_per_row: must be at least 1", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_sequence_probability(std::vector<double>{-1.0, -1.0, -1.0}, 2),
                       "mean_sequence_probability: token_log_probs: has 3 entries, not a multiple of tokens_per_row = 2",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_sequence_probability(std::vector<double>{}, 2),
                       "mean_sequence_probability: token_log_probs: is empty: the mean of nothing is undefined", input_error);
  // renormalised multi-class: a zero row cannot be renormalised
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(std::vector<double>{0.0, 0.0}, std::vector<int>{0}, 2,
                                                        {.normalize = normalization::renormalize}),
                       "mean_brier_score: probabilities[row 0]: sums to 0 and cannot be renormalised", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_cross_entropy_from_log_probabilities(
                           std::vector<double>{-inf, -inf}, std::vector<int>{0}, 2, {.normalize = normalization::renormalize}),
                       "mean_cross_entropy_from_log_probabilities: log_probabilities[row 0]: every entry is -inf and cannot "
                       "be renormalised",
                       input_error);
  // Eigen shape errors
  const Eigen::MatrixXd m = Eigen::MatrixXd::Constant(2, 2, 0.5);
  const Eigen::VectorXi l = Eigen::VectorXi::Zero(3);
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(m, l), "mean_brier_score: labels: has 3 entries but probabilities rows has 2",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::mean_brier_score(m, Eigen::MatrixXi::Zero(2, 2)),
                       "mean_brier_score: labels: must be a vector (one row or one column)", input_error);
  CHECK_THROWS_AS((void)emergent::mean_sequence_probability(Eigen::MatrixXd(0, 3)), input_error);
  CHECK_THROWS_AS((void)emergent::mean_sequence_probability(Eigen::MatrixXd(3, 0)), input_error);
}
