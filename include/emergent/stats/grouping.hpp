/// @file
/// @brief Accumulating per-example scores by (model, task, subtask) in one pass over records, with
///        a deterministic (lexicographic) iteration order, and merging grouped shards.
#pragma once

#include <compare>
#include <cstddef>
#include <iterator>
#include <map>
#include <ranges>
#include <string>
#include <utility>
#include <vector>

#include "emergent/core/error.hpp"

namespace emergent {

/// The key of a group: model, task and an optional subtask (empty when unused). Ordered
/// lexicographically by (model, task, subtask), which is the iteration order of grouped<>.
struct group_key {
  std::string model;    ///< model or checkpoint name
  std::string task;     ///< task name
  std::string subtask;  ///< subtask name, empty when the task has none
  /// Lexicographic order on (model, task, subtask). Written out rather than `= default`: libc++ 14's
  /// std::string has no operator<=>, so a defaulted one would be deleted there.
  friend std::strong_ordering operator<=>(const group_key& a, const group_key& b) {
    if (const int c = a.model.compare(b.model); c != 0) return c <=> 0;
    if (const int c = a.task.compare(b.task); c != 0) return c <=> 0;
    return a.subtask.compare(b.subtask) <=> 0;
  }
  /// Equality of all three fields.
  friend bool operator==(const group_key&, const group_key&) = default;
};

/// The plain-number state of a grouped<Accumulator> (see grouped::state): one (key, accumulator
/// state) pair per group, in key order.
template <class Accumulator>
using grouped_state = std::vector<std::pair<group_key, typename Accumulator::state_type>>;

/// One accumulator per group_key. Add with `g(key, values...)` (forwards to the accumulator's
/// operator()), merge shards with `+=` (groups present in both are merged with the accumulator's
/// own +=, others copied). Iterates in key order (std::map), so output does not depend on the order
/// in which records arrived.
template <class Accumulator>
class grouped {
 public:
  /// The underlying ordered map.
  using map_type = std::map<group_key, Accumulator>;
  /// Iterator over (key, accumulator) pairs in key order.
  using const_iterator = typename map_type::const_iterator;

  /// Adds an observation to the group `key` (created empty on first use).
  template <class... Args>
  void operator()(const group_key& key, Args&&... args) {
    groups_[key](std::forward<Args>(args)...);
  }

  /// The accumulator of group `key`, created empty on first use.
  Accumulator& operator[](const group_key& key) { return groups_[key]; }

  /// The accumulator of group `key`; throws input_error naming the key when there is no such group.
  [[nodiscard]] const Accumulator& at(const group_key& key) const {
    const auto it = groups_.find(key);
    if (it == groups_.end()) {
      throw input_error("grouped::at: no group for model '" + key.model + "', task '" + key.task + "', subtask '" +
                        key.subtask + "' (empty group)");
    }
    return it->second;
  }

  /// True when the group exists.
  [[nodiscard]] bool contains(const group_key& key) const { return groups_.find(key) != groups_.end(); }

  /// Merges a grouped shard: group by group, with Accumulator::operator+=.
  grouped& operator+=(const grouped& other) {
    for (const auto& [key, acc] : other.groups_) groups_[key] += acc;
    return *this;
  }

  /// Number of groups.
  [[nodiscard]] std::size_t size() const noexcept { return groups_.size(); }
  /// True when no group exists.
  [[nodiscard]] bool empty() const noexcept { return groups_.empty(); }
  /// First (key, accumulator) pair in key order.
  [[nodiscard]] const_iterator begin() const noexcept { return groups_.begin(); }
  /// Past-the-end iterator.
  [[nodiscard]] const_iterator end() const noexcept { return groups_.end(); }
  /// The underlying map.
  [[nodiscard]] const map_type& groups() const noexcept { return groups_; }

  /// The state of every group, in key order (for accumulators with `state()`, e.g. those of
  /// stats/accumulators.hpp): written by one process, restored with from_state and merged in another.
  template <class A = Accumulator>
  [[nodiscard]] grouped_state<A> state() const {
    grouped_state<A> out;
    out.reserve(groups_.size());
    for (const auto& [key, acc] : groups_) out.emplace_back(key, acc.state());
    return out;
  }

  /// Rebuilds grouped accumulators from a state, each group with `Accumulator::from_state`. Throws
  /// input_error when a key appears twice, or when a group's state is invalid (the message names the
  /// entry and its key, then the field).
  template <class A = Accumulator>
  [[nodiscard]] static grouped from_state(const grouped_state<A>& state) {
    grouped out;
    for (std::size_t i = 0; i < state.size(); ++i) {
      const group_key& key = state[i].first;
      try {
        if (!out.groups_.emplace(key, A::from_state(state[i].second)).second) {
          throw input_error("the key appears twice");
        }
      } catch (const input_error& e) {
        throw input_error("grouped::from_state: state[" + std::to_string(i) + "] (model '" + key.model + "', task '" +
                          key.task + "', subtask '" + key.subtask + "'): " + e.what());
      }
    }
    return out;
  }

 private:
  map_type groups_;
};

/// Accumulates a range of records in one pass: for each record r, `result(key_of(r), value_of(r))`.
/// `key_of` returns a group_key; `value_of` returns what the accumulator's operator() takes.
template <class Accumulator, std::ranges::input_range Records, class KeyOf, class ValueOf>
[[nodiscard]] grouped<Accumulator> accumulate_by_group(Records&& records, KeyOf key_of, ValueOf value_of) {
  grouped<Accumulator> result;
  for (auto&& record : records) result[key_of(record)](value_of(record));
  return result;
}

}  // namespace emergent
