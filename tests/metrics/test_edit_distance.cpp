// Levenshtein distance: the bit-parallel kernels against the plain dynamic programme on random
// pairs, every entry point against every other, metric properties, and every error path.
#include <doctest/doctest.h>

#include <emergent/metrics/edit_distance.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <list>
#include <random>
#include <string>
#include <vector>

namespace {

using emergent::detail::levenshtein_reference;

#if defined(__SANITIZE_ADDRESS__)
constexpr std::size_t kRandomPairs = 100000;  // ASan: the same count, the reference dominates anyway
#else
constexpr std::size_t kRandomPairs = 100000;
#endif

// Lengths 0..300, mostly short so that the O(mn) reference stays cheap: 75% up to 70 (single word and
// the first block boundary), 22% up to 150, 3% up to 300.
std::size_t draw_length(std::mt19937_64& rng) {
  const auto u = rng() % 100;
  const std::size_t max = u < 75 ? 70 : (u < 97 ? 150 : 300);
  return static_cast<std::size_t>(rng() % (max + 1));
}

// A copy of `a` with about `rate` of its symbols edited (substitution, insertion or deletion).
template <class T, class Draw>
std::vector<T> mutate(const std::vector<T>& a, double rate, std::mt19937_64& rng, Draw&& draw) {
  std::vector<T> b = a;
  const auto edits = static_cast<std::size_t>(rate * static_cast<double>(a.size())) + rng() % 3;
  for (std::size_t e = 0; e < edits; ++e) {
    const std::size_t op = rng() % 3;
    if (op == 0 && !b.empty()) {
      b[rng() % b.size()] = draw();
    } else if (op == 1) {
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(b.empty() ? 0 : rng() % (b.size() + 1)), draw());
    } else if (!b.empty()) {
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(rng() % b.size()));
    }
  }
  while (b.size() > 300) b.pop_back();
  return b;
}

// Pointer ranges keep the O(mn) reference fast in unoptimised (debug) builds.
struct raw_range {
  const std::uint32_t* first;
  const std::uint32_t* last;
  const std::uint32_t* begin() const { return first; }
  const std::uint32_t* end() const { return last; }
  std::size_t size() const { return static_cast<std::size_t>(last - first); }
};

std::size_t reference_ids(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  return levenshtein_reference(raw_range{a.data(), a.data() + a.size()}, raw_range{b.data(), b.data() + b.size()});
}

std::size_t clamp_to(std::size_t d, std::size_t cutoff) { return d <= cutoff ? d : cutoff + 1; }

}  // namespace

TEST_CASE("levenshtein_distance: worked examples") {
  using emergent::levenshtein_distance;
  CHECK(levenshtein_distance("kitten", "sitting") == 3);
  CHECK(levenshtein_distance("", "") == 0);
  CHECK(levenshtein_distance("", "abc") == 3);
  CHECK(levenshtein_distance("abc", "") == 3);
  CHECK(levenshtein_distance("flaw", "lawn") == 2);
  CHECK(levenshtein_distance(std::string("intention"), std::string("execution")) == 5);
  CHECK(levenshtein_distance(std::u32string(U"naïve café"), std::u32string(U"naive cafe")) == 2);
  const std::vector<std::uint32_t> a{1, 2, 3, 4, 5};
  const std::vector<std::uint32_t> b{1, 3, 4, 5, 6};
  CHECK(levenshtein_distance(a, b) == 2);
  const std::vector<std::string> words_a{"the", "cat", "sat"};
  const std::vector<std::string> words_b{"the", "dog", "sat", "down"};
  CHECK(levenshtein_distance(words_a, words_b) == 2);
  // A string literal is a string, not an array with a NUL.
  CHECK(levenshtein_distance("abc", std::string("abc")) == 0);
}

TEST_CASE("levenshtein: similarity and normalised forms") {
  using namespace emergent;
  CHECK(levenshtein_similarity("kitten", "sitting") == 4);
  CHECK(levenshtein_normalized_distance("kitten", "sitting") == doctest::Approx(3.0 / 7.0));
  CHECK(levenshtein_normalized_similarity("kitten", "sitting") == doctest::Approx(4.0 / 7.0));
  CHECK(levenshtein_normalized_distance("", "") == 0.0);
  CHECK(levenshtein_normalized_similarity("", "") == 1.0);
  CHECK(levenshtein_normalized_distance("", "ab") == 1.0);
  // Cutoffs: distances above report cutoff + 1, similarities below report 0.
  CHECK(levenshtein_distance("kitten", "sitting", 2) == 3);
  CHECK(levenshtein_distance("kitten", "sitting", 1) == 2);
  CHECK(levenshtein_distance("kitten", "sitting", 3) == 3);
  CHECK(levenshtein_similarity("kitten", "sitting", 4) == 4);
  CHECK(levenshtein_similarity("kitten", "sitting", 5) == 0);
  CHECK(levenshtein_similarity("kitten", "sitting", 99) == 0);
  CHECK(levenshtein_normalized_distance("kitten", "sitting", 0.5) == doctest::Approx(3.0 / 7.0));
  CHECK(levenshtein_normalized_distance("kitten", "sitting", 0.4) == 1.0);
  CHECK(levenshtein_normalized_similarity("kitten", "sitting", 0.5) == doctest::Approx(4.0 / 7.0));
  CHECK(levenshtein_normalized_similarity("kitten", "sitting", 0.6) == 0.0);
}

TEST_CASE("levenshtein: error paths name the function and argument") {
  using namespace emergent;
  CHECK_THROWS_WITH_AS((void)levenshtein_normalized_distance("a", "b", 1.5),
                       "levenshtein_normalized_distance: score_cutoff: 1.500000 is outside [0, 1]", input_error);
  CHECK_THROWS_AS((void)levenshtein_normalized_distance("a", "b", -0.1), input_error);
  CHECK_THROWS_AS((void)levenshtein_normalized_distance("a", "b", std::nan("")), input_error);
  CHECK_THROWS_WITH_AS((void)levenshtein_normalized_similarity("a", "b", 2.0),
                       "levenshtein_normalized_similarity: score_cutoff: 2.000000 is outside [0, 1]", input_error);
  const std::string a = "abc";
  CHECK_THROWS_AS((void)levenshtein_normalized_similarity(a.begin(), a.end(), a.begin(), a.end(), -1.0), input_error);
  const cached_levenshtein cached("abc");
  CHECK_THROWS_WITH_AS((void)cached.normalized_distance("abd", 3.0),
                       "cached_levenshtein::normalized_distance: score_cutoff: 3.000000 is outside [0, 1]", input_error);
  CHECK_THROWS_AS((void)cached.normalized_similarity("abd", -3.0), input_error);
}

TEST_CASE("levenshtein: bit-parallel = dynamic programme on 100,000 random pairs, all entry points agree") {
  std::mt19937_64 rng(20260101);
  // Alphabets: 2 symbols up to full 32-bit ids; sizes <= 256 are also run as bytes.
  const std::uint64_t alphabets[] = {2, 4, 26, 256, 50000, std::uint64_t{1} << 32};
  std::size_t checked = 0;
  std::size_t failures = 0;
  for (std::size_t it = 0; it < kRandomPairs; ++it) {
    const std::uint64_t alphabet = alphabets[it % 6];
    const auto draw = [&] { return static_cast<std::uint32_t>(rng() % alphabet); };
    std::vector<std::uint32_t> a(draw_length(rng));
    for (auto& x : a) x = draw();
    std::vector<std::uint32_t> b;
    if (it % 2 == 0) {
      b.resize(draw_length(rng));
      for (auto& x : b) x = draw();
    } else {
      b = mutate(a, (it % 4 == 1) ? 0.1 : 0.3, rng, draw);
    }
    const std::size_t expected = reference_ids(a, b);
    const std::size_t cutoff = rng() % (expected + 4);
    std::size_t got[8] = {};
    got[0] = emergent::levenshtein_distance(a, b);
    got[1] = emergent::levenshtein_distance(a.begin(), a.end(), b.begin(), b.end());
    const emergent::cached_levenshtein<std::uint32_t> cached(a);
    got[2] = cached.distance(b);
    got[3] = emergent::levenshtein_distance(b, a);  // symmetry
    got[4] = emergent::levenshtein_distance(a, b, cutoff);
    got[5] = cached.distance(b, cutoff);
    got[6] = emergent::levenshtein_distance(a.data(), a.data() + a.size(), b.data(), b.data() + b.size(), cutoff);
    got[7] = expected;
    if (alphabet <= 256) {
      const std::string sa(a.begin(), a.end());
      const std::string sb(b.begin(), b.end());
      got[7] = emergent::levenshtein_distance(sa, sb);
      const emergent::cached_levenshtein cached_bytes(sa);
      if (cached_bytes.distance(sb) != expected || cached_bytes.distance(sb, cutoff) != clamp_to(expected, cutoff) ||
          emergent::levenshtein_distance(sa, sb, cutoff) != clamp_to(expected, cutoff)) {
        ++failures;
      }
    }
    const bool ok = got[0] == expected && got[1] == expected && got[2] == expected && got[3] == expected &&
                    got[4] == clamp_to(expected, cutoff) && got[5] == clamp_to(expected, cutoff) &&
                    got[6] == clamp_to(expected, cutoff) && got[7] == expected;
    if (!ok) {
      ++failures;
      if (failures < 5) {
        MESSAGE("pair " << it << ": |a|=" << a.size() << " |b|=" << b.size() << " alphabet=" << alphabet
                        << " expected=" << expected << " cutoff=" << cutoff << " got=" << got[0] << "," << got[1] << ","
                        << got[2] << "," << got[3] << "," << got[4] << "," << got[5] << "," << got[6] << "," << got[7]);
      }
    }
    // Non-contiguous containers and the derived scores, on a sample.
    if (it % 50 == 0) {
      const std::list<std::uint32_t> la(a.begin(), a.end());
      const std::deque<std::uint32_t> db(b.begin(), b.end());
      CHECK(emergent::levenshtein_distance(la, db) == expected);
      CHECK(emergent::levenshtein_distance(la.begin(), la.end(), db.begin(), db.end(), cutoff) == clamp_to(expected, cutoff));
      CHECK(cached.distance(db) == expected);
      const std::size_t max_len = std::max(a.size(), b.size());
      CHECK(emergent::levenshtein_similarity(a, b) == max_len - expected);
      CHECK(cached.similarity(b) == max_len - expected);
      const double nd = emergent::levenshtein_normalized_distance(a, b);
      CHECK(nd >= 0.0);
      CHECK(nd <= 1.0);
      CHECK(nd == (max_len == 0 ? 0.0 : static_cast<double>(expected) / static_cast<double>(max_len)));
      CHECK(cached.normalized_distance(b) == nd);
      CHECK(emergent::levenshtein_normalized_similarity(a, b) == doctest::Approx(1.0 - nd));
      CHECK(cached.normalized_similarity(b) == doctest::Approx(1.0 - nd));
      // Strings as tokens take the generic (hashing) path.
      std::vector<std::string> ta;
      std::vector<std::string> tb;
      for (const auto x : a) ta.push_back("t" + std::to_string(x));
      for (const auto x : b) tb.push_back("t" + std::to_string(x));
      CHECK(emergent::levenshtein_distance(ta, tb) == expected);
      CHECK(emergent::cached_levenshtein<std::string>(ta).distance(tb) == expected);
    }
    ++checked;
  }
  CHECK(failures == 0);
  CHECK(checked == kRandomPairs);
}

TEST_CASE("levenshtein: long sequences (multi-block, band, sparse match vectors) agree with the reference") {
  std::mt19937_64 rng(7);
  for (int it = 0; it < 12; ++it) {
    const std::uint64_t alphabet = it % 3 == 0 ? 4 : (it % 3 == 1 ? 50000 : std::uint64_t{1} << 32);
    const auto draw = [&] { return static_cast<std::uint32_t>(rng() % alphabet); };
    std::vector<std::uint32_t> a(700 + rng() % 900);
    for (auto& x : a) x = draw();
    std::vector<std::uint32_t> b = it % 2 == 0 ? std::vector<std::uint32_t>(a.size() + rng() % 50) : a;
    if (it % 2 == 0) {
      for (auto& x : b) x = draw();
    } else {
      for (int e = 0; e < 40; ++e) b[rng() % b.size()] = draw();
      b.insert(b.begin() + 10, 7u);
      b.erase(b.begin() + 500);
    }
    const std::size_t expected = reference_ids(a, b);
    CHECK(emergent::levenshtein_distance(a, b) == expected);
    CHECK(emergent::cached_levenshtein<std::uint32_t>(a).distance(b) == expected);
    CHECK(emergent::levenshtein_distance(a, b, expected) == expected);
    if (expected > 0) CHECK(emergent::levenshtein_distance(a, b, expected - 1) == expected);
  }
  // A pattern long and varied enough that dense match vectors would exceed the memory limit:
  // (distinct symbols + 1) * blocks > 2^19 words, so the per-block hash maps are used.
  std::vector<std::uint32_t> a(6000);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint32_t>(i * 2654435761U);
  std::vector<std::uint32_t> b = a;
  for (int e = 0; e < 30; ++e) b[rng() % b.size()] = static_cast<std::uint32_t>(rng());
  b.erase(b.begin() + 100, b.begin() + 110);
  const std::size_t expected = reference_ids(a, b);
  CHECK(emergent::levenshtein_distance(a, b) == expected);
  CHECK(emergent::cached_levenshtein<std::uint32_t>(a).distance(b) == expected);
  std::vector<std::uint32_t> c(a.rbegin(), a.rend());
  CHECK(emergent::levenshtein_distance(a, c) == reference_ids(a, c));
}

TEST_CASE("levenshtein: other element types (signed, 64-bit, enums, bytes, equality-only)") {
  enum class colour : std::uint16_t { red, green, blue };
  const std::vector<colour> a{colour::red, colour::green, colour::blue, colour::red};
  const std::vector<colour> b{colour::green, colour::blue, colour::red, colour::red};
  CHECK(emergent::levenshtein_distance(a, b) == levenshtein_reference(a, b));
  const std::vector<std::int64_t> x{-1, 5, -1, 7, std::int64_t{1} << 40};
  const std::vector<std::int64_t> y{-1, -1, 7, 5, std::int64_t{1} << 40};
  CHECK(emergent::levenshtein_distance(x, y) == levenshtein_reference(x, y));
  const std::vector<signed char> s{-1, 2, -3};
  const std::vector<signed char> t{-1, -3, 2};
  CHECK(emergent::levenshtein_distance(s, t) == 2);
  struct point {  // equality only: no hash, no order
    int x;
    bool operator==(const point&) const = default;
  };
  std::mt19937_64 rng(3);
  for (int it = 0; it < 200; ++it) {
    std::vector<point> p(rng() % 90);
    std::vector<point> q(rng() % 90);
    for (auto& e : p) e.x = static_cast<int>(rng() % 5);
    for (auto& e : q) e.x = static_cast<int>(rng() % 5);
    const std::size_t expected = levenshtein_reference(p, q);
    CHECK(emergent::levenshtein_distance(p, q) == expected);
    CHECK(emergent::cached_levenshtein<point>(p).distance(q) == expected);
  }
}

TEST_CASE("levenshtein: symmetry and the triangle inequality") {
  std::mt19937_64 rng(11);
  for (int it = 0; it < 3000; ++it) {
    const std::uint64_t alphabet = it % 2 == 0 ? 3 : 1000;
    const auto draw = [&] { return static_cast<std::uint32_t>(rng() % alphabet); };
    std::vector<std::uint32_t> a(rng() % 140);
    for (auto& x : a) x = draw();
    const auto b = mutate(a, 0.2, rng, draw);
    const auto c = it % 3 == 0 ? mutate(b, 0.2, rng, draw) : mutate(a, 0.5, rng, draw);
    const std::size_t ab = emergent::levenshtein_distance(a, b);
    const std::size_t bc = emergent::levenshtein_distance(b, c);
    const std::size_t ac = emergent::levenshtein_distance(a, c);
    CHECK(ab == emergent::levenshtein_distance(b, a));
    CHECK(ac <= ab + bc);
    CHECK(ab <= ac + bc);
    CHECK(bc <= ab + ac);
    CHECK((ab == 0) == (a == b));
    const double nd = emergent::levenshtein_normalized_distance(a, c);
    CHECK(nd >= 0.0);
    CHECK(nd <= 1.0);
  }
}

namespace {

template <class T>
void check_random_pairs_of(std::mt19937_64& rng, std::uint64_t alphabet, int pairs) {
  for (int it = 0; it < pairs; ++it) {
    const auto draw = [&] { return static_cast<T>(rng() % alphabet); };
    std::vector<T> a(rng() % 150);
    for (auto& x : a) x = draw();
    std::vector<T> b;
    if (it % 2 == 0) {
      b.resize(rng() % 150);
      for (auto& x : b) x = draw();
    } else {
      b = mutate(a, 0.15, rng, draw);
    }
    const std::size_t expected = levenshtein_reference(a, b);
    CHECK(emergent::levenshtein_distance(a, b) == expected);
    CHECK(emergent::cached_levenshtein<T>(a).distance(b) == expected);
    const std::size_t cutoff = rng() % (expected + 3);
    CHECK(emergent::levenshtein_distance(a, b, cutoff) == clamp_to(expected, cutoff));
  }
}

}  // namespace

TEST_CASE("levenshtein: every symbol-mapping path (16-, 32-, 64-bit keys, enums) agrees with the reference") {
  std::mt19937_64 rng(21);
  enum class token : std::uint32_t {};
  check_random_pairs_of<std::int16_t>(rng, 3, 300);        // bucket-hash masks (<= 64) and ids (> 64)
  check_random_pairs_of<std::int16_t>(rng, 30000, 300);
  check_random_pairs_of<token>(rng, 40000, 300);           // 4-byte enum: bucket hash, no AVX2 path
  check_random_pairs_of<char32_t>(rng, 0x10FFFF, 300);     // AVX2 compares where available
  check_random_pairs_of<std::int64_t>(rng, 5, 300);        // 64-bit keys: open addressing
  check_random_pairs_of<std::uint64_t>(rng, ~std::uint64_t{0}, 300);
}

TEST_CASE("levenshtein: a bucket that overflows falls back to open addressing") {
  enum class tok : std::uint32_t {};  // a 4-byte enum takes the bucket-hash path even with AVX2
  // Keys that all land in one bucket of the 32-bit table (more than its 8 slots), for the bucket
  // sizes that patterns of 9..64 and of 100 symbols use.
  for (const unsigned bits : {6U, 7U}) {
    std::vector<std::uint32_t> colliding;
    for (std::uint32_t key = 1; colliding.size() < 40; ++key) {
      if (emergent::detail::lev_hash(key, bits) == 5) colliding.push_back(key);
    }
    std::mt19937_64 rng(bits);
    for (int it = 0; it < 20; ++it) {
      const std::size_t len = bits == 6 ? 40 + rng() % 24 : 100;
      std::vector<std::int32_t> a(len);  // int32: AVX2 compares up to 64 symbols, the bucket table above
      std::vector<tok> a16(len);
      for (std::size_t i = 0; i < len; ++i) {
        a[i] = static_cast<std::int32_t>(colliding[rng() % colliding.size()]);
        a16[i] = static_cast<tok>(a[i]);
      }
      std::vector<std::int32_t> b = a;
      for (int e = 0; e < 5; ++e) b[rng() % b.size()] = static_cast<std::int32_t>(colliding[rng() % colliding.size()]);
      std::vector<tok> b16(b.size());
      for (std::size_t i = 0; i < b.size(); ++i) b16[i] = static_cast<tok>(b[i]);
      CHECK(emergent::levenshtein_distance(a, b) == levenshtein_reference(a, b));
      CHECK(emergent::levenshtein_distance(a16, b16) == levenshtein_reference(a16, b16));
    }
  }
}

TEST_CASE("levenshtein: the band keeps block 0 while row 0 can still carry a path (text longer than pattern)") {
  // Regression (found by fuzz_edit_distance): a pattern of more than 64 symbols, a text that is the
  // pattern with insertions and starts with symbols the pattern lacks, and a cutoff equal to the
  // distance |n - m|. The only optimal paths run along row 0 first; the band used to drop block 0
  // at the first column and report cutoff + 1.
  std::mt19937_64 rng(2026);
  int checked = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::size_t m = 65 + rng() % 200;
    const std::uint8_t alphabet = static_cast<std::uint8_t>(2 + rng() % 4);
    std::vector<std::uint8_t> pattern(m);
    for (auto& x : pattern) x = static_cast<std::uint8_t>(rng() % alphabet);
    std::vector<std::uint8_t> text;
    const std::size_t prefix = 1 + rng() % 80;
    for (std::size_t i = 0; i < prefix; ++i) text.push_back(static_cast<std::uint8_t>(alphabet + rng() % 3));
    for (const auto x : pattern) {
      while (rng() % 4 == 0) text.push_back(static_cast<std::uint8_t>(rng() % (alphabet + 2)));
      text.push_back(x);
    }
    const std::size_t expected = emergent::detail::levenshtein_reference(pattern, text);
    REQUIRE(expected == text.size() - pattern.size());
    const emergent::cached_levenshtein<std::uint8_t> cached(pattern);
    for (const std::size_t cutoff : {expected, expected + 1, expected + 7}) {
      CHECK(cached.distance(text, cutoff) == expected);
      CHECK(emergent::levenshtein_distance(pattern, text, cutoff) == expected);
      CHECK(emergent::levenshtein_distance(text, pattern, cutoff) == expected);
    }
    if (expected > 0) CHECK(cached.distance(text, expected - 1) == expected);  // clamped: cutoff + 1
    ++checked;
  }
  CHECK(checked == 3000);
}
