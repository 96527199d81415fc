/// @file
/// @brief The state of a `scoring::scorer` as plain numbers and strings (`scorer_state`): what
///        `scorer::state` gives and `scorer::from_state` takes, so shards scored by separate jobs
///        merge into the table one pass over all of them gives. Its JSON form (`to_json` /
///        `scorer_state_from_json`, what `emergent score --save-state` writes and `emergent merge`
///        reads) is in scoring/scorer_state_json.hpp, which needs simdjson; this header does not.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emergent/stats/accumulators.hpp"

namespace emergent::scoring {

/// Version of `scorer_state` (and of its JSON form) that this build writes. Version 2 added the
/// text settings (format, --extract, --normalize, --tokenize, --force-logprobs), the log-probability
/// audits, the answer-extraction counts, the agreements with stored scores and the automatic-metrics
/// note; a version-1 state is still read (those fields then take their defaults: no format, no
/// extraction, the format's normalisation, chars, no audits). Any other version is refused.
inline constexpr std::uint32_t scorer_state_version = 2;

/// The oldest version of `scorer_state` this build reads.
inline constexpr std::uint32_t scorer_state_oldest_version = 1;

/// A scorer's complete state (see `scorer::state` and `scorer::from_state`).
struct scorer_state {
  /// One (model, task)'s aggregates, one entry per metric in each vector.
  struct group {
    std::string model;                  ///< the model
    std::string task;                   ///< the task
    std::vector<binary_state> binary;   ///< 0/1 metrics: successes and trials
    std::vector<mean_state> mean;       ///< other metrics: count, compensated sum, M2
    std::vector<binary_state> stored01; ///< stored metrics while all values were 0 or 1
    std::vector<bool> only01;           ///< whether every stored value was 0 or 1
    std::vector<double> largest;        ///< largest |value| (for overflow messages)
    std::vector<std::string> largest_at;///< where it was (file:line)
  };
  /// The filter the documents of a (model, task) were read under, and where it was first seen.
  struct filter {
    std::string model;   ///< the model
    std::string task;    ///< the task
    std::string filter;  ///< the lm-eval filter
    std::string where;   ///< file:line of its first record
  };
  /// A document key (hash of model, task, filter and document id) and the index of its source.
  struct document {
    std::uint64_t key = 0;     ///< 64-bit FNV-1a of the key
    std::uint32_t source = 0;  ///< index into `sources`
    /// Ordered by key, then source.
    friend bool operator<(const document& a, const document& b) noexcept {
      return a.key != b.key ? a.key < b.key : a.source < b.source;
    }
  };
  /// The log-probability counts of one (model, task) (io::logprob_audit), since version 2.
  struct audit {
    std::string model;                      ///< the model
    std::string task;                       ///< the task
    std::int64_t records = 0;               ///< records added
    std::int64_t records_with_tokens = 0;   ///< records with token log-probabilities
    std::int64_t token_values = 0;          ///< token log-probabilities seen
    std::int64_t token_zeros = 0;           ///< of which exactly 0
    std::int64_t records_with_options = 0;  ///< records with answer options
    std::int64_t option_values = 0;         ///< option log-likelihoods seen
    std::int64_t option_zeros = 0;          ///< of which exactly 0
  };
  /// A metric's comparison with the score the framework stored under the same meaning, since version 2.
  struct agreement {
    std::string name;           ///< the stored score's name ("" when the metric has none)
    std::int64_t compared = 0;  ///< records with both
    std::int64_t differ = 0;    ///< of which different
    std::string first;          ///< the first difference (file:line, ours against theirs)
  };
  std::uint32_t version = scorer_state_version;  ///< format version (scorer_state_version)
  std::vector<std::string> metrics;              ///< metric names, in order
  double level = 0.95;                           ///< confidence level of the intervals
  std::int64_t max_tokens = 100000;              ///< edit_distance length limit
  bool aggregate = true;                         ///< per-(model, task) aggregates kept
  std::string format;                            ///< input format (`--format`; empty: not recorded, version 1)
  std::string extract = "none";                  ///< `--extract`
  std::string normalize;                         ///< `--normalize` (empty: the format's own)
  std::string tokenize = "chars";                ///< `--tokenize`
  bool force_logprobs = false;                   ///< `--force-logprobs`
  std::vector<audit> audits;                     ///< log-probability audit per (model, task)
  std::int64_t generations = 0;                  ///< generations scored by a text metric
  std::int64_t extraction_failed = 0;            ///< of which without an extractable answer
  std::vector<std::string> first_failed;         ///< where the first of those were (at most 5, file:line)
  std::vector<agreement> agreements;             ///< per metric: agreement with the stored score
  std::string auto_reason;                       ///< why `--metrics auto` chose the metrics ("" when given)
  std::vector<group> groups;                     ///< aggregates by (model, task)
  std::vector<std::int64_t> scored;              ///< records scored, per metric
  std::vector<std::int64_t> not_applicable;      ///< records a metric did not apply to, per metric
  std::int64_t read = 0;                         ///< records read
  std::int64_t delivered = 0;                    ///< records delivered (scored)
  std::int64_t skipped = 0;                      ///< malformed records skipped
  std::int64_t ignored = 0;                      ///< records of other filters
  std::vector<std::string> first_errors;         ///< the first problems (at most 10)
  std::vector<filter> filters;                   ///< one filter per (model, task)
  std::vector<std::string> sources;              ///< the files scored
  std::vector<document> documents;               ///< every document key, sorted
};

}  // namespace emergent::scoring
