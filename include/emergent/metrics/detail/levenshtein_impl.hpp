/// @file
/// @brief Internals of `emergent/metrics/edit_distance.hpp`: bit-parallel Levenshtein distance after
///        Myers (1999) in Hyyrö's (2003) formulation, in one 64-bit word and in blocks of words with a
///        diagonal band (Ukkonen 1985) that prunes blocks which cannot lie on a path within the cutoff.
///        Everything here works on symbols already mapped to integer keys; the public header maps
///        arbitrary element types onto them.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "emergent/core/detail/cpu_features.hpp"
#include "emergent/metrics/detail/x86_ops.hpp"

namespace emergent::detail {

/// "No cutoff": the largest distance representable.
inline constexpr std::size_t lev_no_cutoff = std::numeric_limits<std::size_t>::max();

/// Clamps a distance to the cutoff convention: distances above `cutoff` are reported as cutoff + 1.
[[nodiscard]] constexpr std::size_t lev_clamp(std::size_t d, std::size_t cutoff) noexcept {
  return d <= cutoff ? d : cutoff + 1;  // cutoff < d <= max, so cutoff + 1 does not overflow
}

/// The textbook O(m n) dynamic programme (Wagner & Fischer 1974) with two rows: the oracle for tests,
/// the fuzzer and the benchmark's plain-DP peer.
template <class A, class B>
[[nodiscard]] std::size_t levenshtein_reference(const A& a, const B& b) {
  const std::size_t n = static_cast<std::size_t>(std::size(b));
  std::vector<std::size_t> storage(n + 1);
  std::size_t* row = storage.data();  // raw pointer: keeps unoptimised (debug) builds fast
  for (std::size_t j = 0; j <= n; ++j) row[j] = j;
  std::size_t i = 0;
  for (const auto& x : a) {
    ++i;
    std::size_t diag = row[0];
    std::size_t left = i;
    row[0] = i;
    std::size_t* cell = row + 1;
    for (const auto& y : b) {
      const std::size_t up = *cell;
      std::size_t v = x == y ? diag : diag + 1;
      v = up + 1 < v ? up + 1 : v;
      v = left + 1 < v ? left + 1 : v;
      *cell++ = v;
      left = v;
      diag = up;
    }
  }
  return row[n];
}

// ------------------------------------------------------------------------------------------------
// Keys and small hash maps

/// Integer-like element types whose values map to unsigned keys without loss.
template <class T>
concept lev_integral = (std::integral<T> || std::is_enum_v<T>) && !std::same_as<T, bool>;

/// One-byte element types: a 256-entry table replaces hashing.
template <class T>
concept lev_byte = (lev_integral<T> && sizeof(T) == 1) || std::same_as<T, std::byte>;

/// The unsigned key of an integer-like value (32 bits when the type fits, else 64).
template <class T>
using lev_key_t = std::conditional_t<(sizeof(T) <= 4), std::uint32_t, std::uint64_t>;

template <class T>
[[nodiscard]] constexpr lev_key_t<T> lev_key(T x) noexcept {
  if constexpr (std::is_enum_v<T>) {
    using U = std::make_unsigned_t<std::underlying_type_t<T>>;
    return static_cast<lev_key_t<T>>(static_cast<U>(x));
  } else if constexpr (std::same_as<T, std::byte>) {
    return static_cast<lev_key_t<T>>(x);
  } else {
    return static_cast<lev_key_t<T>>(static_cast<std::make_unsigned_t<T>>(x));
  }
}

/// Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4): the top `bits` bits of key * 2^64/phi.
[[nodiscard]] constexpr std::size_t lev_hash(std::uint64_t key, unsigned bits) noexcept {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64U - bits));
}

/// Open-addressing map from key to a 64-bit match mask for patterns of at most 64 symbols: 128 slots,
/// load factor at most 1/2, linear probing; a slot is empty while its mask is zero.
template <class K>
struct lev_mask_map {
  std::array<K, 128> keys;
  std::array<std::uint64_t, 128> masks;

  void clear() noexcept { masks.fill(0); }

  void add(K key, std::uint64_t bit) noexcept {
    std::size_t i = lev_hash(key, 7);
    while (masks[i] != 0 && keys[i] != key) i = (i + 1) & 127U;
    keys[i] = key;
    masks[i] |= bit;
  }

  [[nodiscard]] std::uint64_t get(K key) const noexcept {
    std::size_t i = lev_hash(key, 7);
    while (masks[i] != 0) {
      if (keys[i] == key) return masks[i];
      i = (i + 1) & 127U;
    }
    return 0;
  }
};

/// Open-addressing map from key to a dense id (0, 1, 2, ... in order of first insertion), sized
/// for a known maximum number of keys at load factor at most 1/2. Used once per pair (or once per
/// cached pattern) so that the match vectors can be a dense table indexed by id.
template <class K>
class lev_id_map {
 public:
  lev_id_map() = default;
  explicit lev_id_map(std::size_t max_keys) { reset(max_keys); }

  void reset(std::size_t max_keys) {
    bits_ = 4;
    while ((std::size_t{1} << bits_) < 2 * max_keys + 2) ++bits_;
    keys_.assign(std::size_t{1} << bits_, K{});
    ids_.assign(std::size_t{1} << bits_, 0);
    size_ = 0;
  }

  /// The id of `key`, inserting it with the next free id when absent.
  std::uint32_t insert(K key) {
    const std::size_t mask = keys_.size() - 1;
    std::size_t i = lev_hash(key, bits_);
    while (ids_[i] != 0) {
      if (keys_[i] == key) return ids_[i] - 1;
      i = (i + 1) & mask;
    }
    keys_[i] = key;
    ids_[i] = static_cast<std::uint32_t>(++size_);
    return static_cast<std::uint32_t>(size_ - 1);
  }

  /// The id of `key`, or `absent` when it was never inserted.
  [[nodiscard]] std::uint32_t find(K key, std::uint32_t absent) const noexcept {
    const std::size_t mask = keys_.size() - 1;
    std::size_t i = lev_hash(key, bits_);
    while (ids_[i] != 0) {
      if (keys_[i] == key) return ids_[i] - 1;
      i = (i + 1) & mask;
    }
    return absent;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  std::vector<K> keys_;
  std::vector<std::uint32_t> ids_;  // id + 1; 0 marks an empty slot
  std::size_t size_ = 0;
  unsigned bits_ = 4;
};

/// Hash table for 32-bit keys with buckets of 8 keys (one 32-byte line) and branch-free lookups:
/// two SIMD compares find the key's slot, and an always-zero ninth value answers "absent", so a
/// lookup costs no mispredicted branch (linear probing mispredicts about once per lookup on
/// dissimilar pairs). Values must be non-zero. Keys are inserted into their home bucket only; when
/// a bucket is full the table reports overflow and the caller falls back to `lev_id_map`. With at
/// least as many buckets as keys, overflow (more than 8 keys in a bucket) has probability below
/// 1e-6 per bucket. Kept per thread; `prepare` starts a new generation, which empties every bucket
/// at once (a bucket's fill counts only when its generation tag is the current one).
template <class V>
class lev_bucket_table {
 public:
  /// Empties the table and makes room for `max_keys` keys.
  void prepare(std::size_t max_keys) {
    unsigned bits = 3;
    while ((std::size_t{1} << bits) < max_keys) ++bits;
    if (bits > bits_ || keys_.empty() || generation_ == 0x0FFFFFFFU) {
      bits_ = std::max(bits, bits_);
      const std::size_t buckets = std::size_t{1} << bits_;
      keys_.assign(buckets * 8, 0);
      vals_.assign(buckets * 9, V{0});
      tags_.assign(buckets, 0);
      generation_ = 0;
    }
    ++generation_;
    mask_ = (std::size_t{1} << bits) - 1;  // use only as many buckets as this call needs
    shift_ = bits;
    overflow_ = false;
  }

  [[nodiscard]] bool overflow() const noexcept { return overflow_; }

  /// The value stored for `key`, or 0.
  [[nodiscard]] V get(std::uint32_t key) const noexcept {
    const std::size_t b = bucket(key);
    return vals_[b * 9 + slot(b, key, fill(b))];
  }

  /// Finds `key` or inserts it with value `make()`, then ORs `or_bits` into its value and returns
  /// the value (0 on overflow).
  template <class Make>
  V upsert(std::uint32_t key, Make&& make, V or_bits = V{0}) noexcept {
    const std::size_t b = bucket(key);
    const unsigned f = fill(b);
    std::size_t s = slot(b, key, f);
    if (s >= f) {
      if (f == 8) {
        overflow_ = true;
        return V{0};
      }
      s = f;
      keys_[b * 8 + s] = key;
      vals_[b * 9 + s] = make();
      tags_[b] = (generation_ << 4) | (f + 1);
    }
    vals_[b * 9 + s] |= or_bits;
    return vals_[b * 9 + s];
  }

 private:
  [[nodiscard]] std::size_t bucket(std::uint32_t key) const noexcept { return lev_hash(key, shift_) & mask_; }

  [[nodiscard]] unsigned fill(std::size_t b) const noexcept {
    const std::uint32_t t = tags_[b];
    return (t >> 4) == generation_ ? (t & 15U) : 0U;
  }

  // Lowest of the first `f` slots holding `key`, or 8 (the zero value) when none does.
  [[nodiscard]] std::size_t slot(std::size_t b, std::uint32_t key, unsigned f) const noexcept {
    const std::uint32_t* k = keys_.data() + b * 8;
#if defined(__SSE2__)
    const int needle = static_cast<int>(key);
    const x86::v4i lo = x86::load<x86::v4i>(k) == needle;
    const x86::v4i hi = x86::load<x86::v4i>(k + 4) == needle;
    auto bits = static_cast<unsigned>(x86::movemask(lo)) | (static_cast<unsigned>(x86::movemask(hi)) << 4);
#else
    unsigned bits = 0;
    for (unsigned s = 0; s < 8; ++s) bits |= static_cast<unsigned>(k[s] == key) << s;
#endif
    bits &= (1U << f) - 1U;
    return static_cast<std::size_t>(std::countr_zero(bits | 0x100U));
  }

  std::vector<std::uint32_t> keys_;
  std::vector<V> vals_;
  std::vector<std::uint32_t> tags_;  // generation << 4 | fill
  std::uint32_t generation_ = 0;
  std::size_t mask_ = 7;
  unsigned shift_ = 3;
  unsigned bits_ = 3;
  bool overflow_ = false;
};

/// Per-thread bucket tables: match masks (patterns of at most 64 symbols) and dense ids + 1.
struct lev_bucket_scratch {
  lev_bucket_table<std::uint64_t> masks;
  lev_bucket_table<std::uint32_t> ids;
};

[[nodiscard]] inline lev_bucket_scratch& lev_buckets() {
  thread_local lev_bucket_scratch s;
  return s;
}

// ------------------------------------------------------------------------------------------------
// The bit-parallel kernels

/// Myers (1999) / Hyyrö (2003) for a pattern of 1 <= m <= 64 symbols against n text symbols:
/// `eq(j)` is the match mask of text symbol j (bit i set when pattern[i] equals it). Returns the
/// distance, or a value above `k` (not necessarily k + 1) once it is certain to exceed `k`.
template <class Eq>
[[nodiscard]] std::size_t myers_single_word(std::size_t m, std::size_t n, Eq&& eq, std::size_t k) noexcept {
  std::uint64_t vp = ~std::uint64_t{0};
  std::uint64_t vn = 0;
  if (k >= m + n) {
    // No cutoff can bite: skip the per-column score and read D[m][n] off the last column,
    // D[m][n] = D[0][n] + sum of its vertical deltas = n + popcount(VP) - popcount(VN) over m rows.
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t x = eq(j);
      const std::uint64_t d0 = (((x & vp) + vp) ^ vp) | x | vn;
      std::uint64_t hp = vn | ~(d0 | vp);
      std::uint64_t hn = d0 & vp;
      hp = (hp << 1) | 1U;
      hn <<= 1;
      vp = hn | ~(d0 | hp);
      vn = hp & d0;
    }
    const std::uint64_t rows = m == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << m) - 1;
    return n + static_cast<std::size_t>(std::popcount(vp & rows)) - static_cast<std::size_t>(std::popcount(vn & rows));
  }
  const std::uint64_t last = std::uint64_t{1} << (m - 1);
  std::size_t score = m;
  // D[m][n] >= D[m][j] - (n - j): once score > k + (n - j) the result exceeds k.
  std::size_t slack = (k >= lev_no_cutoff - n) ? lev_no_cutoff : k + n;
  for (std::size_t j = 0; j < n; ++j) {
    const std::uint64_t x = eq(j);
    const std::uint64_t d0 = (((x & vp) + vp) ^ vp) | x | vn;
    std::uint64_t hp = vn | ~(d0 | vp);
    std::uint64_t hn = d0 & vp;
    score += (hp & last) != 0;
    score -= (hn & last) != 0;
    hp = (hp << 1) | 1U;
    hn <<= 1;
    vp = hn | ~(d0 | hp);
    vn = hp & d0;
    --slack;
    if (score > slack) return score + (n - j);  // > k
  }
  return score;
}

/// One 64-row block of Myers' algorithm (Myers 1999, section 4): advances the block's vertical delta
/// vectors (pv, mv) by one text column with match mask `eq`, given the horizontal delta `hin` in
/// {-1, 0, +1} entering at the block's top; returns the horizontal deltas leaving the block at bit 63
/// (`carry`, for the block below) and at bit `bottom` (the block's last row, for its score).
struct lev_block_step {
  int carry;
  int bottom;
};

[[nodiscard]] inline lev_block_step lev_advance_block(std::uint64_t& pv, std::uint64_t& mv, std::uint64_t eq, int hin,
                                                      unsigned bottom) noexcept {
  const std::uint64_t hin_neg = hin < 0 ? 1U : 0U;
  const std::uint64_t hin_pos = hin > 0 ? 1U : 0U;
  const std::uint64_t xv = eq | mv;
  eq |= hin_neg;
  const std::uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
  std::uint64_t ph = mv | ~(xh | pv);
  std::uint64_t mh = pv & xh;
  lev_block_step out{static_cast<int>(ph >> 63) - static_cast<int>(mh >> 63),
                     static_cast<int>((ph >> bottom) & 1U) - static_cast<int>((mh >> bottom) & 1U)};
  ph = (ph << 1) | hin_pos;
  mh = (mh << 1) | hin_neg;
  pv = mh | ~(xv | ph);
  mv = ph & xv;
  return out;
}

/// Per-thread scratch for the blocked kernel (kept between calls to avoid reallocating).
struct lev_block_state {
  std::vector<std::uint64_t> pv, mv;
};

/// Myers' blocked algorithm for a pattern of m > 0 rows in `blocks` = ceil(m / 64) words against n
/// text columns, restricted to the diagonal band of cells that can lie on an alignment of cost <= k
/// (Ukkonen 1985). `row(j)` returns, for text position j, an object whose `[b]` is the match mask of
/// block b. Cells outside the band are over-estimated (new blocks start from the block above plus
/// one per row, the row above the first computed block grows by one per column), which never lowers
/// a value, so every cell on a path of cost <= k is exact. A block is dropped from the top once a
/// lower bound on any alignment through it, D[i][j] + |(m - i) - (n - j)|, exceeds k.
/// Returns the distance if it is <= k, otherwise a value > k.
template <class Row>
[[nodiscard]] std::size_t myers_banded(std::size_t m, std::size_t n, Row&& row, std::size_t k, lev_block_state& st,
                                       std::size_t* failed_at = nullptr) {
  const std::size_t blocks = (m + 63) / 64;
  const auto im = static_cast<std::ptrdiff_t>(m);
  const auto in = static_cast<std::ptrdiff_t>(n);
  const std::ptrdiff_t d = im - in;
  const std::size_t kmax = std::max(m, n);
  if (k > kmax) k = kmax;
  const auto ik = static_cast<std::ptrdiff_t>(k);
  if ((d < 0 ? -d : d) > ik) return k + 1;
  st.pv.resize(blocks);
  st.mv.resize(blocks);
  const unsigned last_bottom = static_cast<unsigned>((m - 1) % 64);
  const auto bottom_of = [&](std::size_t b) noexcept { return b + 1 == blocks ? last_bottom : 63U; };
  const auto rows_to = [&](std::size_t b) noexcept { return std::min(64 * (b + 1), m); };  // r_b
  // Last row that can be on a path of cost <= k at column j: j + (k + d) / 2 (and <= m).
  const std::ptrdiff_t below = (ik + d) / 2;
  const auto last_block_at = [&](std::ptrdiff_t j) noexcept {
    const std::ptrdiff_t hi = std::min(im, j + below);
    return hi <= 0 ? std::size_t{0} : static_cast<std::size_t>((hi - 1) / 64);
  };
  // Only the score (value at the bottom row) of the first active block is tracked; any other
  // block's follows from the block above it: score(b) = score(b - 1) + popcount(VP_b) - popcount(VN_b)
  // over its rows (Myers' vertical deltas), so the inner loop carries nothing but the deltas.
  const auto delta = [&](std::size_t b) noexcept {
    const std::size_t rows = std::min<std::size_t>(64, m - 64 * b);
    const std::uint64_t mask = rows == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << rows) - 1;
    return static_cast<std::ptrdiff_t>(std::popcount(st.pv[b] & mask)) -
           static_cast<std::ptrdiff_t>(std::popcount(st.mv[b] & mask));
  };
  std::size_t first = 0;
  std::size_t last = last_block_at(0);
  for (std::size_t b = 0; b <= last; ++b) {
    st.pv[b] = ~std::uint64_t{0};
    st.mv[b] = 0;
  }
  auto score_first = static_cast<std::ptrdiff_t>(rows_to(0));
  std::uint64_t* pv = st.pv.data();
  std::uint64_t* mv = st.mv.data();
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t want = last_block_at(static_cast<std::ptrdiff_t>(j) + 1);
    if (want > last) {  // at most one new block per column; it continues the block above by +1 per row
      ++last;
      pv[last] = ~std::uint64_t{0};
      mv[last] = 0;
    }
    const auto r = row(j);
    const lev_block_step top_step = lev_advance_block(pv[first], mv[first], r[first], 1, bottom_of(first));
    score_first += top_step.bottom;
    int hin = top_step.carry;
    for (std::size_t b = first + 1; b <= last; ++b) hin = lev_advance_block(pv[b], mv[b], r[b], hin, 63U).carry;
    // Drop blocks from the top whose every cell has D + remaining length difference > k.
    const std::ptrdiff_t c = d + static_cast<std::ptrdiff_t>(j) + 1;
    while (true) {
      const auto top = static_cast<std::ptrdiff_t>(64 * first + 1);
      std::ptrdiff_t bound = score_first - static_cast<std::ptrdiff_t>(rows_to(first)) + std::max(c, 2 * top - c);
      // Row 0, above block 0, belongs to no block: D[0][j + 1] = j + 1 exactly, and a path still on it
      // costs at least j + 1 + |c|. When the text is longer than the pattern (d < 0) that can be one
      // less than any cell of block 0 (rows 1..64 all mismatching the first text symbols), so block 0
      // is kept while row 0 can still carry a path of cost <= k.
      if (first == 0) bound = std::min(bound, static_cast<std::ptrdiff_t>(j) + 1 + (c < 0 ? -c : c));
      if (bound <= ik) break;
      if (first == last) {
        if (failed_at != nullptr) *failed_at = j + 1;
        return k + 1;
      }
      ++first;
      score_first += delta(first);
    }
  }
  if (failed_at != nullptr) *failed_at = n;
  for (std::size_t b = first + 1; b < blocks; ++b) score_first += delta(b);
  return static_cast<std::size_t>(score_first);
}

/// Runs `kernel(k, &failed_at)` with growing bands until the result is within k or k reaches
/// `cutoff` (Ukkonen's doubling): k starts at max(|m - n|, 32) and at least doubles; when a band died
/// early, at column j of n, the pair differs at a rate of about k / j, so the next k is raised to
/// about 1.25 k n / j (a dissimilar pair goes almost straight to the full matrix instead of paying
/// for every doubling). Work stays within a small factor of the band the true distance needs.
template <class Kernel>
[[nodiscard]] std::size_t lev_with_doubling(std::size_t m, std::size_t n, std::size_t cutoff, Kernel&& kernel) {
  const std::size_t kmax = std::max(m, n);
  const std::size_t limit = std::min(cutoff, kmax);
  std::size_t k = std::max<std::size_t>(m > n ? m - n : n - m, 32);
  const std::size_t cols = std::min(m, n);
  while (k < limit) {
    std::size_t failed_at = 0;
    const std::size_t r = kernel(k, &failed_at);
    if (r <= k) return r;
    std::size_t next = 2 * k;
    if (failed_at > 0 && failed_at < cols) next = std::max(next, k * cols / failed_at + k * cols / (4 * failed_at));
    if (next >= limit / 4 * 3) next = limit;  // within a quarter of the full matrix: just do it
    k = next;
  }
  return kernel(limit, nullptr);
}

/// Dense table of match vectors, (ids + 1) rows of `blocks` words, kept zero between uses
/// (only the words set for a pattern are cleared afterwards), one per thread.
struct lev_dense_scratch {
  std::vector<std::uint64_t> pm;
  std::vector<std::uint64_t> masks;  // per text symbol, for patterns of at most 64 symbols
  std::vector<std::uint32_t> pattern_ids;
  std::vector<std::uint32_t> text_ids;
  lev_block_state blocks;
};

[[nodiscard]] inline lev_dense_scratch& lev_scratch() {
  thread_local lev_dense_scratch s;
  return s;
}

/// Above this many words (4 MiB) the dense table is replaced by one small hash map per block.
inline constexpr std::size_t lev_dense_limit = std::size_t{1} << 19;

/// Match vectors as one 128-slot map per block, keyed by dense id: memory linear in m whatever the
/// alphabet (for very long patterns with many distinct symbols).
struct lev_sparse_pm {
  std::vector<lev_mask_map<std::uint32_t>> maps;

  void build(const std::uint32_t* ids, std::size_t m) {
    maps.resize((m + 63) / 64);
    for (auto& map : maps) map.clear();
    for (std::size_t i = 0; i < m; ++i) maps[i / 64].add(ids[i], std::uint64_t{1} << (i % 64));
  }

  struct row_ref {
    const lev_mask_map<std::uint32_t>* maps;
    std::uint32_t id;
    std::uint64_t operator[](std::size_t b) const noexcept { return maps[b].get(id); }
  };
};

/// Distance between a pattern and a text already mapped to dense ids in [0, ids] (ids + 1 rows of
/// match vectors; a text id that no pattern position has selects an all-zero row, so "not in the
/// pattern" may be any such id), m > 64. Uses the per-thread scratch.
[[nodiscard]] inline std::size_t lev_blocks_dense_ids(const std::uint32_t* pid, std::size_t m, const std::uint32_t* tid,
                                                      std::size_t n, std::size_t ids, std::size_t cutoff,
                                                      lev_dense_scratch& s) {
  const std::size_t blocks = (m + 63) / 64;
  if ((ids + 1) * blocks <= lev_dense_limit) {
    if (s.pm.size() < (ids + 1) * blocks) s.pm.resize((ids + 1) * blocks, 0);
    std::uint64_t* pm = s.pm.data();
    for (std::size_t i = 0; i < m; ++i) pm[pid[i] * blocks + i / 64] |= std::uint64_t{1} << (i % 64);
    const auto row = [&](std::size_t j) noexcept { return pm + static_cast<std::size_t>(tid[j]) * blocks; };
    const std::size_t r =
        lev_with_doubling(m, n, cutoff, [&](std::size_t k, std::size_t* f) { return myers_banded(m, n, row, k, s.blocks, f); });
    for (std::size_t i = 0; i < m; ++i) pm[pid[i] * blocks + i / 64] = 0;
    return r;
  }
  lev_sparse_pm sp;
  sp.build(pid, m);
  const auto row = [&](std::size_t j) noexcept { return lev_sparse_pm::row_ref{sp.maps.data(), tid[j]}; };
  return lev_with_doubling(m, n, cutoff, [&](std::size_t k, std::size_t* f) { return myers_banded(m, n, row, k, s.blocks, f); });
}

/// Strips the common prefix and suffix of [a, a + m) and [b, b + n) in place.
template <class T>
void lev_strip_affixes(const T*& a, std::size_t& m, const T*& b, std::size_t& n) noexcept {
  std::size_t p = 0;
  const std::size_t lim = std::min(m, n);
  while (p < lim && a[p] == b[p]) ++p;
  a += p;
  b += p;
  m -= p;
  n -= p;
  std::size_t s = 0;
  const std::size_t lim2 = std::min(m, n);
  while (s < lim2 && a[m - 1 - s] == b[n - 1 - s]) ++s;
  m -= s;
  n -= s;
}

/// Levenshtein distance of two contiguous sequences of one-byte symbols, clamped to cutoff + 1.
template <class T>
[[nodiscard]] std::size_t lev_bytes(const T* a, std::size_t m, const T* b, std::size_t n, std::size_t cutoff) {
  lev_strip_affixes(a, m, b, n);
  if (m > n) {
    std::swap(a, b);
    std::swap(m, n);
  }
  if (n - m > cutoff) return cutoff + 1;
  if (m == 0) return n;
  const auto key = [](T x) noexcept { return static_cast<std::size_t>(lev_key(x)); };
  if (m <= 64) {
    std::uint64_t pm[256];
    if (m + n < 128) {  // touch only the entries that will be read
      for (std::size_t j = 0; j < n; ++j) pm[key(b[j])] = 0;
      for (std::size_t i = 0; i < m; ++i) pm[key(a[i])] = 0;
    } else {
      std::memset(pm, 0, sizeof pm);
    }
    for (std::size_t i = 0; i < m; ++i) pm[key(a[i])] |= std::uint64_t{1} << i;
    return lev_clamp(myers_single_word(m, n, [&](std::size_t j) noexcept { return pm[key(b[j])]; }, cutoff), cutoff);
  }
  // Blocked: pattern = the longer side (fewer columns to sweep with the band).
  std::swap(a, b);
  std::swap(m, n);
  lev_dense_scratch& s = lev_scratch();
  const std::size_t blocks = (m + 63) / 64;
  if (s.pm.size() < 256 * blocks) s.pm.resize(256 * blocks, 0);
  std::uint64_t* pm = s.pm.data();
  for (std::size_t i = 0; i < m; ++i) pm[key(a[i]) * blocks + i / 64] |= std::uint64_t{1} << (i % 64);
  const auto row = [&](std::size_t j) noexcept { return pm + key(b[j]) * blocks; };
  const std::size_t r =
      lev_with_doubling(m, n, cutoff, [&](std::size_t k, std::size_t* f) { return myers_banded(m, n, row, k, s.blocks, f); });
  for (std::size_t i = 0; i < m; ++i) pm[key(a[i]) * blocks + i / 64] = 0;
  return lev_clamp(r, cutoff);
}

#ifdef EMERGENT_X86_DISPATCH
/// Match masks of a pattern of at most 64 32-bit keys for each of n text keys, by comparing every
/// text key with the whole pattern held in eight AVX2 registers (8 compares and 8 mask extractions
/// per text key, no hashing). Compiled for AVX2 and called only when the CPU has it.
__attribute__((target("avx2"))) inline void lev_masks_avx2(const std::uint32_t* pattern, std::size_t m,
                                                            const std::uint32_t* text, std::size_t n,
                                                            std::uint64_t* out) noexcept {
  alignas(32) std::uint32_t padded[64];
  for (std::size_t i = 0; i < 64; ++i) padded[i] = pattern[i < m ? i : m - 1];  // padding bits are masked off
  const std::size_t vectors = (m + 7) / 8;
  x86::v8i p[8];
  for (std::size_t v = 0; v < 8; ++v) std::memcpy(&p[v], padded + 8 * v, sizeof p[v]);
  const std::uint64_t keep = m == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << m) - 1;
  for (std::size_t j = 0; j < n; ++j) {
    const int needle = static_cast<int>(text[j]);
    std::uint64_t x = 0;
    for (std::size_t v = 0; v < vectors; ++v) {
      const auto bits = static_cast<unsigned>(x86::movemask(p[v] == needle));
      x |= static_cast<std::uint64_t>(bits) << (8 * v);
    }
    out[j] = x & keep;
  }
}

#endif

/// Levenshtein distance of two contiguous sequences of integer keys wider than a byte (token ids,
/// code points), clamped to cutoff + 1.
template <class T>
[[nodiscard]] std::size_t lev_wide(const T* a, std::size_t m, const T* b, std::size_t n, std::size_t cutoff) {
  using K = lev_key_t<T>;
  lev_strip_affixes(a, m, b, n);
  if (m > n) {
    std::swap(a, b);
    std::swap(m, n);
  }
  if (n - m > cutoff) return cutoff + 1;
  if (m == 0) return n;
  if (m <= 8) {  // a handful of compares beats hashing
    K pk[8];
    for (std::size_t i = 0; i < m; ++i) pk[i] = lev_key(a[i]);
    const auto eq = [&](std::size_t j) noexcept {
      const K t = lev_key(b[j]);
      std::uint64_t x = 0;
      for (std::size_t i = 0; i < m; ++i) x |= static_cast<std::uint64_t>(pk[i] == t) << i;
      return x;
    };
    return lev_clamp(myers_single_word(m, n, eq, cutoff), cutoff);
  }
  if (m <= 64) {
#ifdef EMERGENT_X86_DISPATCH
    if constexpr (sizeof(T) == 4 && std::is_integral_v<T>) {
      if (cpu::has_avx2()) {
        auto& eq = lev_scratch().masks;
        if (eq.size() < n) eq.resize(n);
        lev_masks_avx2(reinterpret_cast<const std::uint32_t*>(a), m, reinterpret_cast<const std::uint32_t*>(b), n,
                       eq.data());
        const std::uint64_t* e = eq.data();
        return lev_clamp(myers_single_word(m, n, [e](std::size_t j) noexcept { return e[j]; }, cutoff), cutoff);
      }
    }
#endif
    if constexpr (sizeof(K) == 4) {
      auto& table = lev_buckets().masks;
      table.prepare(64);
      for (std::size_t i = 0; i < m; ++i) {
        const std::uint64_t bit = std::uint64_t{1} << i;
        table.upsert(lev_key(a[i]), [bit] { return bit; }, bit);
      }
      if (!table.overflow()) {
        return lev_clamp(myers_single_word(m, n, [&](std::size_t j) noexcept { return table.get(lev_key(b[j])); }, cutoff),
                         cutoff);
      }
    }
    lev_mask_map<K> map;
    map.clear();
    for (std::size_t i = 0; i < m; ++i) map.add(lev_key(a[i]), std::uint64_t{1} << i);
    return lev_clamp(myers_single_word(m, n, [&](std::size_t j) noexcept { return map.get(lev_key(b[j])); }, cutoff),
                     cutoff);
  }
  std::swap(a, b);
  std::swap(m, n);
  lev_dense_scratch& s = lev_scratch();
  s.pattern_ids.resize(m);
  s.text_ids.resize(n);
  if constexpr (sizeof(K) == 4) {
    auto& table = lev_buckets().ids;
    table.prepare(m);
    std::uint32_t next = 0;
    for (std::size_t i = 0; i < m; ++i) s.pattern_ids[i] = table.upsert(lev_key(a[i]), [&next] { return ++next; });
    if (!table.overflow()) {
      // Ids are 1-based here: absent keys get 0, which selects the all-zero row of the match vectors.
      for (std::size_t j = 0; j < n; ++j) s.text_ids[j] = table.get(lev_key(b[j]));
      return lev_clamp(lev_blocks_dense_ids(s.pattern_ids.data(), m, s.text_ids.data(), n, next, cutoff, s), cutoff);
    }
  }
  lev_id_map<K> ids(m);
  for (std::size_t i = 0; i < m; ++i) s.pattern_ids[i] = ids.insert(lev_key(a[i]));
  const auto absent = static_cast<std::uint32_t>(ids.size());
  for (std::size_t j = 0; j < n; ++j) s.text_ids[j] = ids.find(lev_key(b[j]), absent);
  return lev_clamp(lev_blocks_dense_ids(s.pattern_ids.data(), m, s.text_ids.data(), n, ids.size(), cutoff, s), cutoff);
}

}  // namespace emergent::detail
