/// @file
/// @brief Internal: the documents a `scoring::scorer` has seen, as a flat hash table from 64-bit
///        document keys (already hashes of model, task, filter and example id) to the index of
///        the source (file) they came from. Open addressing with linear probing over an array of
///        keys (sources in a parallel array, read only on a hit), capacity a power of two, at most
///        70% full: 12 bytes per slot, no allocation per document. Memory matters more than it
///        seems: on the virtual machine this project is measured on, a first touch of a fresh 4 KiB
///        page costs about 12 us, so a table's size is paid again in page faults. A node-based `std::unordered_map` spent most of the in-order merge of
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
    if (stored() + 1 > capacity()) grow(keys_.empty() ? 16 : 2 * keys_.size());
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t i = home(key);; i = (i + 1) & mask) {
      if (keys_[i] == key) return {sources_[i], false};
      if (keys_[i] == 0) {
        keys_[i] = key;
        sources_[i] = source;
        ++size_;
        return {source, true};
      }
    }
  }

  /// The source stored for `key`, or nullptr.
  [[nodiscard]] const std::uint32_t* find(std::uint64_t key) const noexcept {
    if (key == 0) return has_zero_ ? &zero_source_ : nullptr;
    if (keys_.empty()) return nullptr;
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t i = home(key);; i = (i + 1) & mask) {
      if (keys_[i] == key) return &sources_[i];
      if (keys_[i] == 0) return nullptr;
    }
  }

  /// Calls `f(key, source)` for every document.
  template <class F>
  void for_each(F&& f) const {
    if (has_zero_) f(std::uint64_t{0}, zero_source_);
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] != 0) f(keys_[i], sources_[i]);
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// Documents (other than the key 0) it holds before it grows: 70% of the slots.
  [[nodiscard]] std::size_t capacity() const noexcept { return limit(keys_.size()); }
  /// Makes room for `n` documents.
  void reserve(std::size_t n) {
    std::size_t slots = 16;
    while (limit(slots) < n) slots *= 2;
    if (slots > keys_.size()) grow(slots);
  }

 private:
  /// Documents a table of `slots` slots holds before it grows (70%: linear probing stays short).
  [[nodiscard]] static constexpr std::size_t limit(std::size_t slots) noexcept { return slots * 7 / 10; }
  [[nodiscard]] std::size_t stored() const noexcept { return size_ - (has_zero_ ? 1 : 0); }

  /// Fibonacci hashing: the high bits of key * 2^64 / phi (keys of a weak hash spread evenly).
  [[nodiscard]] std::size_t home(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void grow(std::size_t slots) {
    std::vector<std::uint64_t> old_keys(slots, 0);
    std::vector<std::uint32_t> old_sources(slots, 0);
    old_keys.swap(keys_);
    old_sources.swap(sources_);
    shift_ = 64;
    for (std::size_t s = slots; s > 1; s /= 2) --shift_;
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t k = 0; k < old_keys.size(); ++k) {
      if (old_keys[k] == 0) continue;
      std::size_t i = home(old_keys[k]);
      while (keys_[i] != 0) i = (i + 1) & mask;
      keys_[i] = old_keys[k];
      sources_[i] = old_sources[k];
    }
  }

  std::vector<std::uint64_t> keys_;     // 0: empty slot
  std::vector<std::uint32_t> sources_;  // of the key in the same slot
  unsigned shift_ = 64;
  std::size_t size_ = 0;  // including the key 0
  bool has_zero_ = false;
  std::uint32_t zero_source_ = 0;
};

}  // namespace emergent::scoring::detail
