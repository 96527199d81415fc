/// @file
/// @brief What each evaluation framework itself reports per example, so that re-scoring a dump with
///        default settings reproduces the framework's own numbers: the metrics (by the names
///        `emergent score --metrics` takes), the text normalisation of exact match, and a sentence
///        saying why. Chosen from the format and the first record of a (model, task).
///
/// | format | records | metrics | normalisation | the framework's metric |
/// | --- | --- | --- | --- | --- |
/// | lm-eval 0.4 samples, v0.3 write_out, csv, jsonl | options | mc_grade, brier, log_loss | — | `acc` (argmax log-likelihood) |
/// | lm-eval 0.4 samples, v0.3, csv, jsonl | generations | exact_match, edit_distance | none | `exact_match` (`exact_match_hf_evaluate`, no options) |
/// | HELM | joint multiple choice (chosen letter) | mc_grade | strip | `exact_match` of the letter: strip(prediction) == correct letter |
/// | HELM | generations | exact_match, edit_distance | strip | `exact_match`: strip(prediction) == strip(reference) |
/// | Inspect (JSON log or `.eval` archive) | any | stored:NAME of the first scorer (+ mc_grade with choices) | strip | the scorer's stored value (`choice`, `match`, ...) |
/// | openai/evals | `match` events | stored:correct, edit_distance | none | `match`: the sampled text starts with an expected answer (`record_and_check_match`) |
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emergent/io/record.hpp"

namespace emergent::io {

/// The default scoring of a format: metric names, the exact-match normalisation (a name that
/// `emergent::parse_text_normaliser` takes) and why.
struct framework_defaults {
  std::vector<std::string> metrics;  ///< metric names, in output order (e.g. "mc_grade", "stored:choice")
  std::string normalise = "none";    ///< exact-match normalisation of the framework ("none", "strip", ...)
  std::string reason;                ///< one sentence: which framework metric this reproduces
};

/// The normalisation a format's own exact match applies: "strip" for HELM (its `exact_match` compares
/// stripped strings) and Inspect, "none" for lm-evaluation-harness (`exact_match_hf_evaluate` with
/// default options) and the generic formats.
[[nodiscard]] inline std::string default_normalisation(std::string_view format) {
  return format == "helm" || format == "inspect" || format == "inspect-eval" ? "strip" : "none";
}

/// The metrics that reproduce what the framework of `format` ("lm-eval", "lm-eval-v03", "helm",
/// "inspect", "inspect-eval", "openai-evals", "csv", "jsonl") reports for records like `first` (see the table in this header).
[[nodiscard]] inline framework_defaults default_scoring(std::string_view format, const record& first) {
  framework_defaults d;
  d.normalise = default_normalisation(format);
  const bool choice = first.options.empty() && first.gold != no_option;  // the tool recorded the choice
  if (format == "openai-evals") {
    for (const auto& st : first.stored) {
      if (st.name != "correct") continue;
      d.metrics = {"stored:correct", "edit_distance"};
      d.reason = "openai/evals' own `match` (data.correct: the sampled text starts with an expected answer, "
                 "evals.record_and_check_match), and the edit distance of the sampled text to the expected one";
      return d;
    }
  }
  if (format == "inspect" || format == "inspect-eval") {
    if (!first.stored.empty()) {
      d.metrics.push_back("stored:" + first.stored.front().name);
      d.reason = "Inspect's own score: the stored value of its scorer '" + first.stored.front().name + "' (C = 1, I = 0)";
    }
    if (choice) {
      d.metrics.emplace_back("mc_grade");
      d.reason += std::string(d.reason.empty() ? "" : "; ") +
                  "mc_grade: the answer letter Inspect extracted is the target letter (its `choice` scorer)";
    }
    if (d.metrics.empty()) {
      d.metrics = {"exact_match", "edit_distance"};
      d.reason = "no stored score and no choices: exact match after stripping white space, and its edit distance";
    }
    return d;
  }
  if (!first.options.empty()) {
    d.metrics = {"mc_grade", "brier", "log_loss"};
    d.reason = "multiple choice by option log-likelihoods: mc_grade is lm-evaluation-harness's `acc` (the option "
               "with the largest log-likelihood); brier and log_loss are its soft counterparts";
    return d;
  }
  if (format == "helm" && choice) {
    d.metrics = {"mc_grade"};
    d.reason = "HELM joint multiple choice: mc_grade is HELM's `exact_match` (the letter the model wrote, white "
               "space stripped, is the correct letter)";
    return d;
  }
  d.metrics = {"exact_match", "edit_distance"};
  if (format == "helm") {
    d.reason = "HELM's `exact_match` (prediction and reference compared after stripping white space), and the edit "
               "distance of the same stripped texts";
  } else {
    d.reason = "lm-evaluation-harness's `exact_match` (byte equality, its default options), and the edit distance "
               "of the same texts";
  }
  return d;
}

}  // namespace emergent::io
