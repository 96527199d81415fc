/// @file
/// @brief The metrics `emergent score` (and `emergent::scoring::scorer`) computes per record: what
///        each is (`metric_kind`), its definition (`metric_spec`), parsing of a metric list such as
///        `exact_match,brier,stored:acc`, the automatic choice from the first record, and why a
///        metric does not apply to a kind of record. A new metric is a new `metric_kind` value here
///        (name in `metric_names`, reason in `not_applicable_reason`) and its computation in
///        scoring/score_metric.hpp.
#pragma once

#include <array>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/framework_defaults.hpp"
#include "emergent/io/record.hpp"
#include "emergent/stats/value_range.hpp"

namespace emergent::scoring {

/// What a metric computes from one record (scoring/score_metric.hpp has the formulas).
enum class metric_kind {
  exact_match,           ///< 1 when the prediction equals a reference byte for byte, else 0
  exact_match_stripped,  ///< exact_match after stripping white space at both ends (HELM's exact_match)
  edit_distance,         ///< smallest token Levenshtein distance from the extracted answer to a reference
  edit_similarity,       ///< largest 1 - distance / max(lengths), in [0, 1] (metrics/generation_scoring.hpp)
  token_accuracy,        ///< largest position-wise per-token accuracy, in [0, 1]
  brier,                 ///< Brier score of the softmax of the option log-likelihoods
  mc_grade,              ///< 1 when the gold option has the highest log-likelihood (or was chosen), else 0
  acc_norm,              ///< mc_grade on log-likelihoods divided by the options' lengths in characters
  log_loss,              ///< cross-entropy -log softmax(loglik)[gold]
  log_likelihood,        ///< the gold option's log-likelihood, else the sum of the token log-probabilities
  kofk,                  ///< probability of the whole sequence, exp(sum of token log-probabilities)
  token_nll,             ///< mean negative log-probability per token
  stored                 ///< a score the evaluation tool stored with the record (`stored:NAME`)
};

/// One metric to compute: its name as the user wrote it, what it computes, and how it aggregates.
struct metric_spec {
  /// The name as given (`acc`, `exact_match`, `stored:acc`); column and row label in the output.
  std::string name;
  /// What it computes.
  metric_kind kind = metric_kind::exact_match;
  /// 0/1 per record: aggregated as a rate with a Wilson interval (else a mean with a t interval).
  bool binary = false;
  /// For `metric_kind::stored`: the name of the stored score (the part after `stored:`).
  std::string stored;
  /// Field-wise equality (two scorers merge only with equal metric lists).
  friend bool operator==(const metric_spec&, const metric_spec&) = default;
};

/// The built-in metric names with their kind and whether they are 0/1 (`acc` is `mc_grade`).
inline constexpr std::array<std::pair<std::string_view, std::pair<metric_kind, bool>>, 13> metric_names = {{
    {"acc", {metric_kind::mc_grade, true}},
    {"acc_norm", {metric_kind::acc_norm, true}},
    {"brier", {metric_kind::brier, false}},
    {"edit_distance", {metric_kind::edit_distance, false}},
    {"edit_similarity", {metric_kind::edit_similarity, false}},
    {"exact_match", {metric_kind::exact_match, true}},
    {"exact_match_stripped", {metric_kind::exact_match_stripped, true}},
    {"kofk", {metric_kind::kofk, false}},
    {"log_likelihood", {metric_kind::log_likelihood, false}},
    {"log_loss", {metric_kind::log_loss, false}},
    {"mc_grade", {metric_kind::mc_grade, true}},
    {"token_accuracy", {metric_kind::token_accuracy, false}},
    {"token_nll", {metric_kind::token_nll, false}},
}};

/// The metric named `name`: a built-in name or `stored:NAME`. Throws input_error naming the known
/// metrics for any other name.
inline metric_spec parse_metric(std::string_view name) {
  if (name.rfind("stored:", 0) == 0 && name.size() > 7) {
    return {std::string(name), metric_kind::stored, false, std::string(name.substr(7))};
  }
  for (const auto& [known, what] : metric_names) {
    if (known == name) return {std::string(name), what.first, what.second, ""};
  }
  std::string list;
  for (const auto& [known, what] : metric_names) {
    list += list.empty() ? "" : ", ";
    list += known;
  }
  throw input_error("unknown metric '" + std::string(name) + "' (known: " + list + ", stored:NAME)");
}

/// The metrics of a comma-separated list (white space around names ignored). Throws input_error
/// for an unknown name, an empty list or a name given twice.
inline std::vector<metric_spec> parse_metric_list(std::string_view list) {
  std::vector<metric_spec> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    constexpr std::string_view space = " \t\r\n";
    while (!name.empty() && space.find(name.front()) != std::string_view::npos) name.remove_prefix(1);
    while (!name.empty() && space.find(name.back()) != std::string_view::npos) name.remove_suffix(1);
    if (!name.empty()) out.push_back(parse_metric(name));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (out.empty()) throw input_error("no metric named");
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (std::size_t k = 0; k < i; ++k) {
      if (out[k].name == out[i].name) throw input_error("'" + out[i].name + "' is named twice");
    }
  }
  return out;
}

/// The metrics chosen automatically from a record: `mc_grade, brier, log_loss` when it has answer
/// options with log-likelihoods, else `exact_match, edit_distance`.
inline std::vector<metric_spec> auto_metrics(const io::record& r) {
  std::vector<metric_spec> out;
  if (!r.options.empty()) {
    for (const char* n : {"mc_grade", "brier", "log_loss"}) out.push_back(parse_metric(n));
  } else {
    for (const char* n : {"exact_match", "edit_distance"}) out.push_back(parse_metric(n));
  }
  return out;
}

/// The metrics that reproduce what the framework of `format` ("lm-eval", "lm-eval-v03", "helm",
/// "inspect", "csv", "jsonl") reports for records like `r` (io::default_scoring); an empty or
/// unknown format gives `auto_metrics(r)`.
inline std::vector<metric_spec> auto_metrics(std::string_view format, const io::record& r) {
  if (format.empty()) return auto_metrics(r);
  std::vector<metric_spec> out;
  for (const auto& n : io::default_scoring(format, r).metrics) out.push_back(parse_metric(n));
  return out;
}

/// Whether a metric is computed from the generated text (by one `generation_scorer` per record).
constexpr bool is_text_metric(metric_kind k) noexcept {
  return k == metric_kind::exact_match || k == metric_kind::edit_distance || k == metric_kind::edit_similarity ||
         k == metric_kind::token_accuracy;
}

/// The values a metric can take, for intervals that stay inside them (stats/range_intervals.hpp,
/// scoring/results.hpp):
/// [0, inf) for edit_distance, log_loss, token_nll; [0, 1] for edit_similarity, token_accuracy,
/// kofk; [0, 2] for brier; (-inf, 0] for log_likelihood; unbounded otherwise (stored scores).
inline value_range metric_range(metric_kind k) noexcept {
  constexpr double inf = std::numeric_limits<double>::infinity();
  switch (k) {
    case metric_kind::edit_distance:
    case metric_kind::log_loss:
    case metric_kind::token_nll: return {0.0, inf};
    case metric_kind::edit_similarity:
    case metric_kind::token_accuracy:
    case metric_kind::kofk: return {0.0, 1.0};
    case metric_kind::brier: return {0.0, 2.0};
    case metric_kind::log_likelihood: return {-inf, 0.0};
    default: return {};
  }
}

/// Whether a metric reads token log-probabilities.
constexpr bool needs_token_logprobs(metric_kind k) noexcept {
  return k == metric_kind::kofk || k == metric_kind::token_nll || k == metric_kind::log_likelihood;
}

/// Whether a metric reads option log-likelihoods.
constexpr bool needs_option_logliks(metric_kind k) noexcept {
  return k == metric_kind::brier || k == metric_kind::log_loss || k == metric_kind::mc_grade ||
         k == metric_kind::acc_norm || k == metric_kind::log_likelihood;
}

/// Why a metric does not apply to some records (printed with the count of such records).
constexpr const char* not_applicable_reason(metric_kind k) noexcept {
  switch (k) {
    case metric_kind::exact_match:
    case metric_kind::exact_match_stripped:
    case metric_kind::edit_distance:
    case metric_kind::edit_similarity:
    case metric_kind::token_accuracy: return "no generated text (log-likelihood requests)";
    case metric_kind::brier:
    case metric_kind::log_loss:
    case metric_kind::acc_norm: return "no answer options (generations)";
    case metric_kind::mc_grade: return "no answer options and no chosen option (generations)";
    case metric_kind::log_likelihood: return "no options and no token log-probabilities";
    case metric_kind::kofk:
    case metric_kind::token_nll: return "no token log-probabilities";
    case metric_kind::stored: return "not stored with the record";
  }
  return "does not apply";
}

}  // namespace emergent::scoring
