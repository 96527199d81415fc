/// @file
/// @brief Random numbers for the bootstrap: SplitMix64 (seeding), xoshiro256** (the generator),
///        Lemire's nearly-divisionless bounded integers, and binomial / multinomial samplers
///        (inversion for small n·p, BTPE of Kachitvichyanukul & Schmeiser 1988 otherwise).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace emergent::detail {

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

/// SplitMix64 generator, used to fill the state of xoshiro256** from one 64-bit seed.
struct splitmix64 {
  std::uint64_t state;
  constexpr std::uint64_t operator()() noexcept {
    state += 0x9E3779B97F4A7C15ULL;
    return splitmix64_mix(state);
  }
};

/// xoshiro256** 1.0 (Blackman & Vigna 2018): 256 bits of state, period 2^256 - 1, passes BigCrush.
class xoshiro256ss {
 public:
  using result_type = std::uint64_t;
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~std::uint64_t{0}; }

  /// Seeds the four state words from SplitMix64(seed), as the authors recommend.
  explicit constexpr xoshiro256ss(std::uint64_t seed) noexcept {
    splitmix64 sm{seed};
    for (auto& w : s_) w = sm();
  }

  /// The generator for stream `stream` of seed `seed`: replicate b of a bootstrap uses
  /// stream(seed, b), so results do not depend on which thread draws which replicate.
  static constexpr xoshiro256ss stream(std::uint64_t seed, std::uint64_t stream_id) noexcept {
    return xoshiro256ss(splitmix64_mix(seed ^ 0x6A09E667F3BCC909ULL) ^ splitmix64_mix(stream_id + 0x3C6EF372FE94F82BULL));
  }

  constexpr result_type operator()() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5U, 7) * 9U;
    const std::uint64_t t = s_[1] << 17U;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
  }
  std::uint64_t s_[4]{};
};

/// A double uniform on [0, 1) with 53 random bits.
template <class Rng>
inline double uniform01(Rng& rng) noexcept {
  return static_cast<double>(rng() >> 11U) * 0x1.0p-53;
}

/// A double uniform on (0, 1) (never 0, so its logarithm is finite).
template <class Rng>
inline double uniform_open01(Rng& rng) noexcept {
  return (static_cast<double>(rng() >> 12U) + 0.5) * 0x1.0p-52;
}

/// A standard normal variate by the Box–Muller transform (Box & Muller 1958), one value per call:
/// √(−2 ln u1)·cos(2π u2). Unlike `std::normal_distribution`, whose algorithm each standard library
/// chooses, it gives the same numbers under libstdc++ and libc++ for the same generator.
template <class Rng>
inline double standard_normal(Rng& rng) noexcept {
  const double u1 = uniform_open01(rng);
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925 * u2);
}

/// Lemire (2019), "Fast random integer generation in an interval": maps a uniform 32-bit value `x`
/// to [0, s) without bias, rejecting only when the low half falls below 2^32 mod s. `more` supplies
/// fresh 32-bit values in the rare rejection case.
template <class More>
inline std::uint32_t lemire32(std::uint32_t x, std::uint32_t s, More&& more) noexcept {
  std::uint64_t m = std::uint64_t{x} * std::uint64_t{s};
  auto low = static_cast<std::uint32_t>(m);
  if (low < s) {
    const std::uint32_t threshold = static_cast<std::uint32_t>(-s) % s;
    while (low < threshold) {
      m = std::uint64_t{more()} * std::uint64_t{s};
      low = static_cast<std::uint32_t>(m);
    }
  }
  return static_cast<std::uint32_t>(m >> 32U);
}

/// Lemire's method for 64-bit ranges (128-bit product).
template <class Rng>
inline std::uint64_t bounded64(Rng& rng, std::uint64_t s) noexcept {
  __extension__ using u128 = unsigned __int128;
  u128 m = static_cast<u128>(rng()) * s;
  auto low = static_cast<std::uint64_t>(m);
  if (low < s) {
    const std::uint64_t threshold = (0 - s) % s;
    while (low < threshold) {
      m = static_cast<u128>(rng()) * s;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64U);
}

/// Calls `f(i)` for `count` indices drawn uniformly with replacement from [0, n), n > 0. For
/// n < 2^32 each 64-bit output gives two indices (Lemire's 32-bit method on each half).
template <class Rng, class F>
inline void for_each_bounded_index(Rng& rng, std::size_t n, std::size_t count, F&& f) noexcept {
  if (n <= 0xFFFFFFFFULL) {
    const auto s = static_cast<std::uint32_t>(n);
    const auto more = [&rng]() noexcept { return static_cast<std::uint32_t>(rng() >> 32U); };
    std::size_t i = 0;
    for (; i + 2 <= count; i += 2) {
      const std::uint64_t r = rng();
      f(static_cast<std::size_t>(lemire32(static_cast<std::uint32_t>(r), s, more)));
      f(static_cast<std::size_t>(lemire32(static_cast<std::uint32_t>(r >> 32U), s, more)));
    }
    if (i < count) f(static_cast<std::size_t>(lemire32(static_cast<std::uint32_t>(rng() >> 32U), s, more)));
  } else {
    for (std::size_t i = 0; i < count; ++i) f(static_cast<std::size_t>(bounded64(rng, n)));
  }
}

/// Precomputed constants for drawing many Binomial(n, p) variates with the same n and p.
/// Small n·min(p, 1-p) (< 30): sequential inversion; otherwise BTPE (Kachitvichyanukul &
/// Schmeiser 1988, "Binomial random variate generation", CACM 31(2)), a triangle/parallelogram/
/// exponential-tails rejection sampler with a squeeze and a Stirling-series acceptance bound.
class binomial_sampler {
 public:
  binomial_sampler(std::uint64_t n, double p) noexcept : n_(n) {
    flip_ = p > 0.5;
    r_ = flip_ ? 1.0 - p : p;
    q_ = 1.0 - r_;
    const double nd = static_cast<double>(n);
    if (n == 0 || r_ <= 0.0) {
      kind_ = kind::degenerate;
      return;
    }
    if (nd * r_ < 30.0) {
      kind_ = kind::inversion;
      qn_ = std::exp(nd * std::log1p(-r_));
      s_ = r_ / q_;
      a_ = s_ * (nd + 1.0);
      bound_ = std::min(nd, nd * r_ + 10.0 * std::sqrt(nd * r_ * q_ + 1.0));
      return;
    }
    kind_ = kind::btpe;
    npq_ = nd * r_ * q_;
    const double fm = nd * r_ + r_;
    m_ = std::floor(fm);
    p1_ = std::floor(2.195 * std::sqrt(npq_) - 4.6 * q_) + 0.5;
    xm_ = m_ + 0.5;
    xl_ = xm_ - p1_;
    xr_ = xm_ + p1_;
    c_ = 0.134 + 20.5 / (15.3 + m_);
    double a = (fm - xl_) / (fm - xl_ * r_);
    laml_ = a * (1.0 + a / 2.0);
    a = (xr_ - fm) / (xr_ * q_);
    lamr_ = a * (1.0 + a / 2.0);
    p2_ = p1_ * (1.0 + 2.0 * c_);
    p3_ = p2_ + c_ / laml_;
    p4_ = p3_ + c_ / lamr_;
    s_ = r_ / q_;
    a_ = s_ * (nd + 1.0);
  }

  /// One Binomial(n, p) variate.
  template <class Rng>
  std::uint64_t operator()(Rng& rng) const noexcept {
    std::uint64_t y = 0;
    switch (kind_) {
      case kind::degenerate: y = 0; break;
      case kind::inversion: y = inversion(rng); break;
      case kind::btpe: y = btpe(rng); break;
    }
    return flip_ ? n_ - y : y;
  }

 private:
  enum class kind { degenerate, inversion, btpe };

  template <class Rng>
  std::uint64_t inversion(Rng& rng) const noexcept {
    for (;;) {
      double u = uniform01(rng);
      double px = qn_;
      double x = 0.0;
      bool restart = false;
      while (u > px) {
        u -= px;
        x += 1.0;
        if (x > bound_) {
          restart = true;
          break;
        }
        px *= a_ / x - s_;
      }
      if (!restart) return static_cast<std::uint64_t>(x);
    }
  }

  static double stirling_tail(double x) noexcept {
    const double x2 = x * x;
    return (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 / x2) / x2) / x2) / x2) / x / 166320.0;
  }

  template <class Rng>
  std::uint64_t btpe(Rng& rng) const noexcept {
    const double nd = static_cast<double>(n_);
    for (;;) {
      const double u = uniform01(rng) * p4_;
      double v = uniform_open01(rng);
      double y = 0.0;
      if (u <= p1_) {  // triangular region: accept at once
        return static_cast<std::uint64_t>(std::floor(xm_ - p1_ * v + u));
      }
      if (u <= p2_) {  // parallelograms
        const double x = xl_ + (u - p1_) / c_;
        v = v * c_ + 1.0 - std::fabs(m_ - x + 0.5) / p1_;
        if (v > 1.0 || v <= 0.0) continue;
        y = std::floor(x);
      } else if (u <= p3_) {  // left exponential tail
        y = std::floor(xl_ + std::log(v) / laml_);
        if (y < 0.0) continue;
        v = v * (u - p2_) * laml_;
      } else {  // right exponential tail
        y = std::floor(xr_ - std::log(v) / lamr_);
        if (y > nd) continue;
        v = v * (u - p3_) * lamr_;
      }
      const double k = std::fabs(y - m_);
      if (k <= 20.0 || k >= npq_ / 2.0 - 1.0) {
        // explicit evaluation of f(y)/f(m) by the recurrence f(i)/f(i-1) = a/i - s
        double f = 1.0;
        if (m_ < y) {
          for (double i = m_ + 1.0; i <= y; i += 1.0) f *= a_ / i - s_;
        } else if (m_ > y) {
          for (double i = y + 1.0; i <= m_; i += 1.0) f /= a_ / i - s_;
        }
        if (v <= f) return static_cast<std::uint64_t>(y);
        continue;
      }
      // squeeze on log f(y)/f(m) using a normal approximation
      const double rho = (k / npq_) * ((k * (k / 3.0 + 0.625) + 1.0 / 6.0) / npq_ + 0.5);
      const double t = -k * k / (2.0 * npq_);
      const double alv = std::log(v);
      if (alv < t - rho) return static_cast<std::uint64_t>(y);
      if (alv > t + rho) continue;
      // final acceptance with Stirling's formula for the factorials
      const double x1 = y + 1.0;
      const double f1 = m_ + 1.0;
      const double z = nd + 1.0 - m_;
      const double w = nd - y + 1.0;
      const double bound = xm_ * std::log(f1 / x1) + (nd - m_ + 0.5) * std::log(z / w) +
                           (y - m_) * std::log(w * r_ / (x1 * q_)) + stirling_tail(f1) + stirling_tail(z) -
                           stirling_tail(x1) - stirling_tail(w);
      if (alv <= bound) return static_cast<std::uint64_t>(y);
    }
  }

  std::uint64_t n_;
  bool flip_ = false;
  kind kind_ = kind::degenerate;
  double r_ = 0, q_ = 1, qn_ = 0, s_ = 0, a_ = 0, bound_ = 0;
  double npq_ = 0, m_ = 0, p1_ = 0, xm_ = 0, xl_ = 0, xr_ = 0, c_ = 0, laml_ = 0, lamr_ = 0, p2_ = 0, p3_ = 0, p4_ = 0;
};

/// One Binomial(n, p) variate (setup included; for many draws with the same n and p keep a
/// binomial_sampler).
template <class Rng>
inline std::uint64_t binomial(Rng& rng, std::uint64_t n, double p) noexcept {
  return binomial_sampler(n, p)(rng);
}

/// Multinomial(n, probabilities) by conditional binomials: counts[j] ~ Binomial(n - sum of the
/// earlier counts, p_j / (1 - sum of the earlier p)). `probabilities` must sum to 1.
template <class Rng>
inline void multinomial(Rng& rng, std::uint64_t n, std::span<const double> probabilities,
                        std::span<std::uint64_t> counts) noexcept {
  double remaining_p = 1.0;
  std::uint64_t remaining_n = n;
  const std::size_t k = probabilities.size();
  for (std::size_t j = 0; j < k; ++j) {
    if (j + 1 == k || remaining_n == 0) {
      counts[j] = (j + 1 == k) ? remaining_n : 0;
      if (j + 1 != k) continue;
      break;
    }
    const double pj = remaining_p > 0.0 ? std::min(1.0, probabilities[j] / remaining_p) : 1.0;
    const std::uint64_t c = binomial(rng, remaining_n, pj);
    counts[j] = c;
    remaining_n -= c;
    remaining_p -= probabilities[j];
  }
}

}  // namespace emergent::detail
