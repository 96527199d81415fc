/// @file
/// @brief One metric on one record (`score_metric`): the per-example value that `emergent score`
///        writes with `--per-example` and aggregates per (model, task) otherwise. The formulas are
///        the metrics layer's (emergent/metrics/*.hpp); this file maps record fields to them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/record.hpp"
#include "emergent/metrics/brier.hpp"
#include "emergent/metrics/conjunction.hpp"
#include "emergent/metrics/cross_entropy.hpp"
#include "emergent/metrics/edit_distance.hpp"
#include "emergent/metrics/exact_match.hpp"
#include "emergent/metrics/multiple_choice.hpp"
#include "emergent/scoring/metric_spec.hpp"

namespace emergent::scoring {

/// Scratch vectors `score_metric` reuses from record to record (no allocation per record).
struct score_scratch {
  std::vector<double> logliks;  ///< the options' log-likelihoods
  std::vector<double> lengths;  ///< the options' lengths in characters (acc_norm)
};

namespace detail {

[[noreturn]] inline void bad_record(const io::record& r, const std::string& metric, const std::string& message) {
  throw parse_error(r.source, r.line, metric, message);
}

inline std::size_t gold_of(const io::record& r, const std::string& metric) {
  if (r.gold == io::no_option) bad_record(r, metric, "the gold option is unknown");
  return r.gold;
}

/// The text without spaces, tabs, carriage returns and newlines at either end.
inline std::string_view strip(std::string_view s) noexcept {
  constexpr std::string_view space = " \n\t\r";
  while (!s.empty() && space.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && space.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

}  // namespace detail

/// The value of metric `m` on record `r`; nullopt when the metric does not apply to this kind of
/// record (a generation metric on a log-likelihood request and the reverse: an empty cell, not an
/// error). Throws parse_error naming the record's file, line and the metric when the record lacks
/// what the metric needs (no reference, unknown gold option, unknown option lengths) or the metric
/// function refuses its input.
///
/// exact_match: max over references of [prediction == reference]; exact_match_stripped: the same
/// after stripping white space; edit_distance: min over references of the Levenshtein distance;
/// brier: sum_i (softmax(l)_i - [i = gold])^2; log_loss: -log softmax(l)_gold; mc_grade:
/// [argmax l = gold] (or [chosen = gold] when the file records the choice); acc_norm: [argmax l_i /
/// chars_i = gold]; log_likelihood: l_gold, else sum of token log-probabilities; kofk: exp(sum of
/// token log-probabilities) (Schaeffer et al. 2023); token_nll: -(1/T) sum of token log-probabilities.
inline std::optional<double> score_metric(const metric_spec& m, const io::record& r, score_scratch& scratch) {
  try {
    switch (m.kind) {
      case metric_kind::exact_match:
      case metric_kind::exact_match_stripped: {
        if (!r.has_prediction) return std::nullopt;
        if (r.references.empty()) detail::bad_record(r, m.name, "no reference to compare the prediction with");
        const bool strip = m.kind == metric_kind::exact_match_stripped;
        for (const auto& ref : r.references) {
          const bool match = strip ? exact_match(r.prediction, ref, [](std::string_view x) { return detail::strip(x); })
                                   : exact_match(r.prediction, ref);
          if (match) return 1.0;
        }
        return 0.0;
      }
      case metric_kind::edit_distance: {
        if (!r.has_prediction) return std::nullopt;
        if (r.references.empty()) detail::bad_record(r, m.name, "no reference to compare the prediction with");
        std::size_t best = static_cast<std::size_t>(-1);
        for (const auto& ref : r.references) {
          best = std::min(best, levenshtein_distance(std::string_view(r.prediction), std::string_view(ref)));
        }
        return static_cast<double>(best);
      }
      case metric_kind::brier: {
        if (r.options.empty()) return std::nullopt;
        scratch.logliks.clear();
        for (const auto& o : r.options) scratch.logliks.push_back(o.loglik);
        return brier_score_from_log_likelihoods(scratch.logliks, detail::gold_of(r, m.name));
      }
      case metric_kind::log_loss: {
        if (r.options.empty()) return std::nullopt;
        scratch.logliks.clear();
        for (const auto& o : r.options) scratch.logliks.push_back(o.loglik);
        return cross_entropy_from_logits(scratch.logliks, detail::gold_of(r, m.name));
      }
      case metric_kind::mc_grade:
      case metric_kind::acc_norm: {
        if (r.options.empty()) {
          if (r.chosen == io::no_option || m.kind == metric_kind::acc_norm) return std::nullopt;
          return r.chosen == detail::gold_of(r, m.name) ? 1.0 : 0.0;  // the tool recorded the choice (HELM, Inspect)
        }
        const std::size_t gold = detail::gold_of(r, m.name);
        scratch.logliks.clear();
        for (const auto& o : r.options) scratch.logliks.push_back(o.loglik);
        if (m.kind == metric_kind::mc_grade) return multiple_choice_grade(scratch.logliks, gold);
        scratch.lengths.clear();
        for (const auto& o : r.options) {
          if (o.chars == 0) detail::bad_record(r, m.name, "option lengths unknown (the file has no option texts)");
          scratch.lengths.push_back(static_cast<double>(o.chars));
        }
        return multiple_choice_grade(scratch.logliks, scratch.lengths, gold);
      }
      case metric_kind::log_likelihood: {
        if (!r.options.empty()) return r.options[detail::gold_of(r, m.name)].loglik;
        if (r.token_logprobs.empty()) return std::nullopt;
        return sequence_log_probability(r.token_logprobs);
      }
      case metric_kind::kofk: {
        if (r.token_logprobs.empty()) return std::nullopt;
        return sequence_probability(r.token_logprobs);
      }
      case metric_kind::token_nll: {
        if (r.token_logprobs.empty()) return std::nullopt;
        return -sequence_log_probability(r.token_logprobs) / static_cast<double>(r.token_logprobs.size());
      }
      case metric_kind::stored: {
        return r.stored_value(m.stored);
      }
    }
  } catch (const parse_error&) {
    throw;
  } catch (const input_error& e) {
    detail::bad_record(r, m.name, e.what());
  }
  return std::nullopt;
}

}  // namespace emergent::scoring
