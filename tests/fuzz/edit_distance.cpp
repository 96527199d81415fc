// libFuzzer target: the bit-parallel Levenshtein distance (free function, cached scorer, with and
// without a cutoff) against the plain dynamic programme, on fuzzer-chosen sequences of bytes and of
// 32-bit token ids. Aborts on any disagreement.
#include <emergent/metrics/edit_distance.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

void fail(const char* what, std::size_t expected, std::size_t got) {
  std::fprintf(stderr, "edit_distance fuzz: %s: expected %zu, got %zu\n", what, expected, got);
  std::abort();
}

template <class Seq>
void check_pair(const Seq& a, const Seq& b, std::size_t cutoff) {
  const std::size_t expected = emergent::detail::levenshtein_reference(a, b);
  const std::size_t clamped = expected <= cutoff ? expected : cutoff + 1;
  std::size_t got = emergent::levenshtein_distance(a, b);
  if (got != expected) fail("levenshtein_distance(a, b)", expected, got);
  got = emergent::levenshtein_distance(b, a);
  if (got != expected) fail("levenshtein_distance(b, a)", expected, got);
  got = emergent::levenshtein_distance(a, b, cutoff);
  if (got != clamped) fail("levenshtein_distance(a, b, cutoff)", clamped, got);
  const emergent::cached_levenshtein<typename Seq::value_type> cached(a);
  got = cached.distance(b);
  if (got != expected) fail("cached.distance(b)", expected, got);
  got = cached.distance(b, cutoff);
  if (got != clamped) fail("cached.distance(b, cutoff)", clamped, got);
}

}  // namespace

// Layout: byte 0 chooses the element type (even: bytes, odd: 32-bit ids) and the alphabet mask,
// byte 1 the cutoff; the rest is split at its midpoint, or at the first 0xFF byte when there is one,
// into the two sequences.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t mode = data[0];
  const std::size_t cutoff = data[1];
  data += 2;
  size -= 2;
  const auto* sep = static_cast<const std::uint8_t*>(std::memchr(data, 0xFF, size));
  const std::size_t split = sep != nullptr ? static_cast<std::size_t>(sep - data) : size / 2;
  const std::size_t rest = sep != nullptr ? split + 1 : split;
  if ((mode & 1U) == 0) {
    const std::uint8_t mask = (mode & 2U) != 0 ? 0x03 : 0xFF;  // a 4-symbol alphabet makes long matches likely
    std::vector<std::uint8_t> a(data, data + split);
    std::vector<std::uint8_t> b(data + rest, data + size);
    for (auto& x : a) x &= mask;
    for (auto& x : b) x &= mask;
    check_pair(a, b, cutoff);
  } else {
    // Each byte becomes one token id: a few low bits pick the symbol, spread over the 32-bit range.
    const std::uint32_t mask = (mode & 2U) != 0 ? 0x3U : 0xFFU;
    std::vector<std::uint32_t> a;
    std::vector<std::uint32_t> b;
    for (std::size_t i = 0; i < split; ++i) a.push_back((data[i] & mask) * 0x9E3779B1U);
    for (std::size_t i = rest; i < size; ++i) b.push_back((data[i] & mask) * 0x9E3779B1U);
    check_pair(a, b, cutoff);
  }
  return 0;
}
