/// @file
/// @brief The record model of `emergent::io`: one evaluated example as the readers deliver it,
///        whatever file format it came from (lm-evaluation-harness, HELM, Inspect, CSV, JSONL).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emergent::io {

/// Marks an option index that the file did not give (no chosen option, no gold option).
inline constexpr std::size_t no_option = static_cast<std::size_t>(-1);

/// One answer option of a log-likelihood or multiple-choice request: the log-likelihood the model
/// gave the option's continuation (natural log, never positive) and the option's length, which
/// length-normalised grading needs (lm-evaluation-harness `acc_norm` divides by the length in
/// characters, Gao et al. 2021, "A framework for few-shot language model evaluation").
struct option_score {
  /// Log-likelihood of the option's continuation given the context (natural log, <= 0; may be -inf).
  double loglik = 0.0;
  /// Whether greedy decoding reproduces the continuation (lm-evaluation-harness `is_greedy`; false when unknown).
  bool is_greedy = false;
  /// Length of the option's text in UTF-8 bytes (0 when the file does not give the text).
  std::size_t bytes = 0;
  /// Length of the option's text in Unicode code points (0 when the file does not give the text).
  std::size_t chars = 0;
};

/// A score the evaluation tool itself stored with the example (for example lm-evaluation-harness'
/// per-sample `exact_match` or `acc`, HELM's per-instance statistics, Inspect's scorer values
/// mapped to numbers: C = 1, P = 0.5, I = 0, N = 0).
struct stored_score {
  /// The name of the score as the tool wrote it (`exact_match`, `acc`, `choice`, ...).
  std::string name;
  /// Its value as a number.
  double value = 0.0;
};

/// One evaluated example: what the model produced (text, tokens, per-token log-probabilities,
/// per-option log-likelihoods, the chosen option), what was expected (references, gold option),
/// who and what (model, task, example id, filter) and where it was read (file and line).
/// Readers reuse one record for every example they deliver, so the vectors keep their capacity.
struct record {
  /// The file the example was read from (as given to the reader).
  std::string source;
  /// The 1-based line at which the example starts in `source` (0 when unknown).
  std::size_t line = 0;
  /// The model that produced the output.
  std::string model;
  /// The task (benchmark, scenario) the example belongs to.
  std::string task;
  /// The example's identifier within its task (lm-eval `doc_id`, HELM instance id, Inspect sample id).
  std::string example_id;
  /// The post-processing filter the output went through (lm-eval `filter`, `none` when absent).
  std::string filter;
  /// Whether the model produced a text (generation tasks); false for pure log-likelihood requests.
  bool has_prediction = false;
  /// The generated text (after the tool's filter, when it applied one).
  std::string prediction;
  /// The answer the tool extracted from the prediction (Inspect `scores.*.answer`); empty when none.
  std::string answer;
  /// The reference answers (any of them counts as correct).
  std::vector<std::string> references;
  /// The generated tokens, when the file lists them.
  std::vector<std::string> tokens;
  /// The natural-log probability of each generated token (same length as `tokens` when both are given).
  std::vector<double> token_logprobs;
  /// The answer options with their log-likelihoods, in the order the tool listed them.
  std::vector<option_score> options;
  /// The option the model chose, when the file says it (HELM joint multiple choice, Inspect); otherwise `no_option`.
  std::size_t chosen = no_option;
  /// The correct option, when known; otherwise `no_option`.
  std::size_t gold = no_option;
  /// The scores the evaluation tool stored with the example.
  std::vector<stored_score> stored;

  /// Empties every field (vectors keep their capacity) so that the record can be refilled.
  void clear() {
    source.clear();
    line = 0;
    model.clear();
    task.clear();
    example_id.clear();
    filter.clear();
    has_prediction = false;
    prediction.clear();
    answer.clear();
    references.clear();
    tokens.clear();
    token_logprobs.clear();
    options.clear();
    chosen = no_option;
    gold = no_option;
    stored.clear();
  }

  /// The value the tool stored under `name`, if it stored one.
  [[nodiscard]] std::optional<double> stored_value(std::string_view name) const {
    for (const auto& s : stored) {
      if (s.name == name) return s.value;
    }
    return std::nullopt;
  }
};

/// What a reader did: how many records it read, delivered and skipped, and the first problems.
/// Always `read == delivered + skipped`; records of other filters than the one asked for are
/// counted in `ignored` and are not part of `read`.
struct read_summary {
  /// Records read (well-formed or not), excluding ignored ones.
  std::size_t read = 0;
  /// Records handed to the callback.
  std::size_t delivered = 0;
  /// Malformed records skipped (only with `read_options::skip_bad`).
  std::size_t skipped = 0;
  /// Records left out on purpose (another filter than `read_options::filter`), and lines that hold
  /// no record (openai/evals `spec`, `final_report` and events other than `match`).
  std::size_t ignored = 0;
  /// The first problems found, as `file:line: field: message` (at most `read_options::max_listed`).
  std::vector<std::string> first_errors;
};

/// Options shared by all readers.
struct read_options {
  /// When not empty, the model name to put in every record (overrides what the file says).
  std::string model;
  /// When not empty, the task name to put in every record (overrides what the file says).
  std::string task;
  /// When not empty, only records of this lm-evaluation-harness filter are delivered.
  std::string filter;
  /// Skip malformed records (counted and listed in the summary) instead of throwing `parse_error`.
  bool skip_bad = false;
  /// How many problems the summary lists in full.
  std::size_t max_listed = 10;
  /// Called now and then with the number of bytes of the current file consumed so far (may be empty).
  std::function<void(std::size_t)> progress;
};

/// The callback type through which readers deliver records, one at a time (the record is reused).
using record_sink = std::function<void(const record&)>;

}  // namespace emergent::io
