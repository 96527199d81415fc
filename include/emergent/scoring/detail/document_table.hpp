/// @file
/// @brief Internal: the documents a `scoring::scorer` has seen, as a flat hash table from 64-bit
///        document keys (already hashes of model, task, filter and example id) to the index of
///        the source (file) they came from. Open addressing with linear probing in one array,
///        capacity a power of two, at most half full: one cache line per lookup and no allocation
///        per document. A node-based `std::unordered_map` spent most of the in-order merge of
///        `score --threads` inserting the later parts' keys (25 of 38 ms for 122k documents) and
///        freed one node per document at exit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace emergent::scoring::detail {

/// Document key -> source index, with insert-if-absent, lookup and iteration (in no particular
/// order). Keys are arbitrary 64-bit values; the empty slot is marked by the key 0, which is kept
/// out of the array.
class document_table {
 public:
  /// Inserts `key` -> `source` unless `key` is present; returns the source stored for `key` and
  /// whether it was inserted now.
  std::pair<std::uint32_t, bool> try_emplace(std::uint64_t key, std::uint32_t source) {
    if (key == 0) {
      if (has_zero_) return {zero_source_, false};
      has_zero_ = true;
      zero_source_ = source;
      ++size_;
      return {source, true};
    }
    const std::size_t stored = size_ - (has_zero_ ? 1 : 0);
    if (2 * (stored + 1) > slots_.size()) grow(slots_.empty() ? 16 : 2 * slots_.size());  // at most half full
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = home(key);; i = (i + 1) & mask) {
      slot& s = slots_[i];
      if (s.key == key) return {s.source, false};
      if (s.key == 0) {
        s = {key, source};
        ++size_;
        return {source, true};
      }
    }
  }

  /// The source stored for `key`, or nullptr.
  [[nodiscard]] const std::uint32_t* find(std::uint64_t key) const noexcept {
    if (key == 0) return has_zero_ ? &zero_source_ : nullptr;
    if (slots_.empty()) return nullptr;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = home(key);; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.key == key) return &s.source;
      if (s.key == 0) return nullptr;
    }
  }

  /// Calls `f(key, source)` for every document.
  template <class F>
  void for_each(F&& f) const {
    if (has_zero_) f(std::uint64_t{0}, zero_source_);
    for (const slot& s : slots_) {
      if (s.key != 0) f(s.key, s.source);
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// Documents it holds before it grows.
  [[nodiscard]] std::size_t capacity() const noexcept { return slots_.size() / 2; }
  /// Makes room for `n` documents.
  void reserve(std::size_t n) {
    std::size_t want = 16;
    while (want / 2 < n + 1) want *= 2;
    if (want > slots_.size()) grow(want);
  }

 private:
  struct slot {
    std::uint64_t key = 0;
    std::uint32_t source = 0;
  };

  /// Fibonacci hashing: the high bits of key * 2^64 / phi (keys of a weak hash spread evenly).
  [[nodiscard]] std::size_t home(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void grow(std::size_t slots) {
    std::vector<slot> old(slots, slot{});
    old.swap(slots_);
    shift_ = 64;
    for (std::size_t s = slots; s > 1; s /= 2) --shift_;
    const std::size_t mask = slots_.size() - 1;
    for (const slot& s : old) {
      if (s.key == 0) continue;
      std::size_t i = home(s.key);
      while (slots_[i].key != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<slot> slots_;
  unsigned shift_ = 64;
  std::size_t size_ = 0;  // including the key 0
  bool has_zero_ = false;
  std::uint32_t zero_source_ = 0;
};

}  // namespace emergent::scoring::detail
