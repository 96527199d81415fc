// The single-precision normalisation check of mean_cross_entropy_from_log_probabilities (K = 4):
// the float exp's error bound, and that the kernel (SSE2 and AVX2 paths) accepts and rejects exactly
// the rows the per-example double-precision check accepts and rejects.
#include <doctest/doctest.h>

#include <emergent/metrics.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

using emergent::input_error;
using emergent::log_loss_options;

namespace {

namespace prob = emergent::detail::prob;

template <int W>
[[gnu::always_inline]] inline void exp_float_block(const float* in, float* out) {
  typename prob::simd::vf<W>::f x{};
  std::memcpy(&x, in, sizeof x);
  prob::simd::exp_float<W>(x);
  std::memcpy(out, &x, sizeof x);
}

void exp_float_sse2(const float* in, float* out) { exp_float_block<2>(in, out); }

#ifdef EMERGENT_X86_DISPATCH
[[gnu::target("avx2,fma")]] void exp_float_avx2(const float* in, float* out) { exp_float_block<4>(in, out); }

[[gnu::target("avx2,fma")]] void run_avx2(const double* lp, const int* y, std::size_t n, prob::kernel_total& total) {
  std::vector<double> buffer(4096);
  prob::run_avx2<prob::cross_entropy_multi_kernel>(lp, y, n, 4, 0, log_loss_options{}, buffer.data(), total);
}
#endif

/// Maximum relative error of exp_float over `x` (multiple of 8 values) against std::exp in double.
double max_relative_error(const std::vector<float>& x, bool avx2) {
  std::vector<float> out(x.size());
  for (std::size_t i = 0; i < x.size(); i += 8) {
#ifdef EMERGENT_X86_DISPATCH
    if (avx2) {
      exp_float_avx2(x.data() + i, out.data() + i);
      continue;
    }
#endif
    (void)avx2;
    exp_float_sse2(x.data() + i, out.data() + i);
    exp_float_sse2(x.data() + i + 4, out.data() + i + 4);
  }
  double worst = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double exact = std::exp(static_cast<double>(x[i]));
    worst = std::max(worst, std::fabs(static_cast<double>(out[i]) - exact) / exact);
  }
  return worst;
}

/// What the per-example double-precision function says about one row: the loss, or NaN when it throws.
double per_example(const double* row, int label) {
  try {
    return emergent::cross_entropy_from_log_probabilities(std::span<const double>(row, 4), label);
  } catch (const input_error&) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}

/// Runs the kernel on one path (0 = SSE2, 1 = AVX2): the mean, or -1 - (row named in the error).
double run_kernel(const std::vector<double>& lp, const std::vector<int>& y, int path) {
  prob::kernel_total total;
  const std::size_t n = y.size();
  try {
    if (path == 0) {
      std::vector<double> buffer(4096);
      prob::run_portable<prob::cross_entropy_multi_kernel>(lp.data(), y.data(), n, 4, 0, log_loss_options{}, buffer.data(), total);
    } else {
#ifdef EMERGENT_X86_DISPATCH
      run_avx2(lp.data(), y.data(), n, total);
#endif
    }
  } catch (const input_error& e) {
    const std::string what = e.what();
    const auto at = what.find("[row ");
    if (at == std::string::npos) return -1e300;  // an element error (NaN, > 0): no row named
    return -1.0 - std::stod(what.substr(at + 5));
  }
  return total.value() / static_cast<double>(n);
}

std::vector<int> paths() {
  std::vector<int> p{0};
  if (emergent::detail::cpu::has_avx2_fma()) p.push_back(1);
  return p;
}

/// The kernel against the per-example function over all rows: both accept with the same mean, or
/// both reject and the kernel names the first rejected row (element errors name an index instead).
void check_against_per_example(const std::vector<double>& lp, const std::vector<int>& y) {
  const std::size_t n = y.size();
  double sum = 0.0;
  std::size_t first_bad = n;
  for (std::size_t r = 0; r < n && first_bad == n; ++r) {
    const double l = per_example(lp.data() + 4 * r, y[r]);
    if (std::isnan(l)) {
      first_bad = r;
    } else {
      sum += l;
    }
  }
  for (const int path : paths()) {
    CAPTURE(path);
    const double got = run_kernel(lp, y, path);
    if (first_bad == n) {
      CHECK(got == doctest::Approx(sum / static_cast<double>(n)).epsilon(1e-13));
    } else if (got != -1e300) {
      CHECK(got == -1.0 - static_cast<double>(first_bad));
    } else {
      CHECK(got < 0.0);
    }
  }
}

/// A row of log-probabilities whose probabilities sum to 1 + delta (computed in double).
void make_row(std::mt19937_64& gen, double delta, double* out) {
  std::uniform_real_distribution<double> u(0.01, 1.0);
  double p[4];
  double s = 0.0;
  for (double& v : p) s += (v = u(gen));
  for (double& v : p) v /= s;
  p[3] = (1.0 + delta) - (p[0] + p[1] + p[2]);
  for (int j = 0; j < 4; ++j) out[j] = std::log(p[j]);
}

/// exp(LSE(row)) - 1 as the double check computes it.
double double_gap(const double* row) {
  return std::expm1(prob::log_sum_exp_unchecked(std::vector<double>(row, row + 4)));
}

}  // namespace

TEST_CASE("exp_float stays within half its documented error bound (2^-22 relative) on [-87, 0]") {
  std::vector<float> x;
  for (float v = 0.0f; v > -87.0f; v -= 1.0f / 4096.0f) x.push_back(v);  // dense grid, every binade of r
  std::mt19937 gen(5);
  std::uniform_real_distribution<float> u(-87.0f, 0.0f);
  for (int i = 0; i < 400000; ++i) x.push_back(u(gen));
  for (float v : {-0.0f, -1e-30f, -1e-7f, -0.34657359f, -0.34657360f, -86.99999f, -87.0f}) x.push_back(v);
  while (x.size() % 8 != 0) x.push_back(-1.0f);
  const double sse2 = max_relative_error(x, false);
  CHECK(sse2 <= 0x1p-23);
  CHECK(sse2 > 0.0);  // not std::exp in disguise
  if (emergent::detail::cpu::has_avx2_fma()) CHECK(max_relative_error(x, true) <= 0x1p-23);
}

TEST_CASE("rows summing exactly at, just inside and just outside the tolerance: kernel = double check") {
  std::mt19937_64 gen(11);
  // deltas at the tolerance (with a fine grid across it), at the float acceptance bound, in the band
  // between, and outside; each in its own data set so that the kernel's verdict concerns that row.
  std::vector<double> deltas;
  for (const double centre : {1e-6, -1e-6, 5e-7, -5e-7, 4.4e-7, -4.4e-7, 1.5e-6, -1.5e-6}) {
    for (int j = -8; j <= 8; ++j) deltas.push_back(centre + j * 2e-17);
  }
  for (const double d : {7e-7, -7e-7, 9.9e-7, -9.9e-7, 1.01e-6, -1.01e-6, 0.0}) deltas.push_back(d);
  int inside = 0, outside = 0;
  for (const double delta : deltas) {
    for (const std::size_t n : {1u, 5u, 37u, 1030u}) {
      for (const std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
        CAPTURE(delta);
        CAPTURE(n);
        CAPTURE(at);
        std::vector<double> lp(4 * n);
        std::vector<int> y(n);
        for (std::size_t r = 0; r < n; ++r) {
          make_row(gen, r == at ? delta : 0.0, lp.data() + 4 * r);
          y[r] = static_cast<int>(gen() % 4);
        }
        const bool accepted = std::fabs(double_gap(lp.data() + 4 * at)) <= emergent::probability_sum_tolerance;
        (accepted ? inside : outside) += 1;
        check_against_per_example(lp, y);
      }
    }
  }
  // the grid really straddles the tolerance
  CHECK(inside > 100);
  CHECK(outside > 100);
}

TEST_CASE("random rows, -inf entries and NaN: the kernel on both paths agrees with the per-example function") {
  std::mt19937_64 gen(29);
  std::uniform_real_distribution<double> gap(-1.3e-6, 1.3e-6);
  for (int trial = 0; trial < 150; ++trial) {
    CAPTURE(trial);
    const std::size_t n = 1 + gen() % 2500;
    std::vector<double> lp(4 * n);
    std::vector<int> y(n);
    const bool with_errors = trial % 3 == 0;
    for (std::size_t r = 0; r < n; ++r) {
      double delta = 0.0;
      const auto kind = gen() % 16;
      if (kind == 0) delta = with_errors ? gap(gen) : gap(gen) * 0.75;  // the band, and beyond when allowed
      if (kind == 1) delta = 1e-12 * gap(gen);
      make_row(gen, delta, lp.data() + 4 * r);
      y[r] = static_cast<int>(gen() % 4);
      if (kind == 2 || kind == 3) {  // a zero (-inf) or below-float-range (-120) probability that is not
        const int zero = (y[r] + 1) % 4;  // the label, the rest renormalised
        const double value = kind == 2 ? -std::numeric_limits<double>::infinity() : -120.0;
        double s = std::exp(value);
        for (int j = 0; j < 4; ++j) s += j == zero ? 0.0 : std::exp(lp[4 * r + j]);
        for (int j = 0; j < 4; ++j) lp[4 * r + j] = j == zero ? value : lp[4 * r + j] - std::log(s);
      }
      if (kind == 4 && with_errors && gen() % 8 == 0) lp[4 * r + gen() % 4] = std::numeric_limits<double>::quiet_NaN();
    }
    check_against_per_example(lp, y);
  }
}
