/// @file
/// @brief Are the log-probabilities of a (model, task) real? HELM runs of local models store 0.0 for
///        every token log-probability and every completion log-probability (placeholders: the
///        serving code does not compute them), and many dumps have none at all. A metric computed
///        from them (p^k = exp(0) = 1, token NLL = −0) looks like a perfect model. `logprob_audit`
///        counts, per group of records, the token and option log-probabilities and how many are
///        exactly zero, so that callers can refuse such metrics and say why.
#pragma once

#include <cstddef>
#include <string>

#include "emergent/io/record.hpp"

namespace emergent::io {

/// Counts of the log-probabilities of a group of records (one model on one task).
/// A group has *placeholder* log-probabilities of a kind when it has some and every one is exactly
/// 0 (or −0): a probability of 1 for every generated token or every option, which no real model
/// gives over a whole task. A single zero is legitimate (a token the model was sure of).
struct logprob_audit {
  std::size_t records = 0;                ///< records added
  std::size_t records_with_tokens = 0;    ///< records with at least one token log-probability
  std::size_t token_values = 0;           ///< token log-probabilities seen
  std::size_t token_zeros = 0;            ///< of which exactly 0
  std::size_t records_with_options = 0;   ///< records with answer options
  std::size_t option_values = 0;          ///< option log-likelihoods seen
  std::size_t option_zeros = 0;           ///< of which exactly 0

  /// Adds one record's log-probabilities.
  void add(const record& r) noexcept {
    ++records;
    if (!r.token_logprobs.empty()) ++records_with_tokens;
    for (double v : r.token_logprobs) {
      ++token_values;
      token_zeros += v == 0.0 ? 1U : 0U;
    }
    if (!r.options.empty()) ++records_with_options;
    for (const option_score& o : r.options) {
      ++option_values;
      option_zeros += o.loglik == 0.0 ? 1U : 0U;
    }
  }

  /// True when the group has token log-probabilities and every one is exactly 0 (placeholders).
  [[nodiscard]] bool token_placeholders() const noexcept { return token_values > 0 && token_zeros == token_values; }
  /// True when the group has option log-likelihoods, more than one option in total, and every one is exactly 0.
  [[nodiscard]] bool option_placeholders() const noexcept { return option_values > 1 && option_zeros == option_values; }
  /// True when no record of the group has token log-probabilities.
  [[nodiscard]] bool tokens_missing() const noexcept { return records_with_tokens == 0; }

  /// Whether token log-probabilities can be used: present in some record and not placeholders.
  [[nodiscard]] bool tokens_usable() const noexcept { return !tokens_missing() && !token_placeholders(); }

  /// A sentence on the token log-probabilities, e.g. "all 10 token log-probabilities of 10 records are
  /// 0.0 (placeholders, as HELM stores for local models)", "no record has token log-probabilities",
  /// or "10 token log-probabilities in 10 of 10 records".
  [[nodiscard]] std::string describe_tokens() const {
    if (tokens_missing()) return "no record has token log-probabilities";
    if (token_placeholders()) {
      return "all " + std::to_string(token_values) + " token log-probabilities of " + std::to_string(records_with_tokens) +
             " records are exactly 0 (placeholders, as HELM stores for models run locally)";
    }
    return std::to_string(token_values) + " token log-probabilities in " + std::to_string(records_with_tokens) + " of " +
           std::to_string(records) + " records";
  }

  /// A sentence on the option log-likelihoods, as `describe_tokens`.
  [[nodiscard]] std::string describe_options() const {
    if (option_values == 0) return "no record has answer options";
    if (option_placeholders()) {
      return "all " + std::to_string(option_values) + " option log-likelihoods of " +
             std::to_string(records_with_options) + " records are exactly 0 (placeholders)";
    }
    return std::to_string(option_values) + " option log-likelihoods in " + std::to_string(records_with_options) +
           " of " + std::to_string(records) + " records";
  }
};

}  // namespace emergent::io
