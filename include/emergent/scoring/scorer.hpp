/// @file
/// @brief `scoring::scorer`: re-scores evaluation records under a list of metrics and aggregates
///        them per (model, task) — what `emergent score` and the Python package's `score` do. It
///        checks that every document counts once (one key per model, task, filter and document id
///        across sources; one filter per model and task), counts per metric the records scored and
///        those it does not apply to, refuses sums that overflow, and gives per-(model, task,
///        metric) aggregates (`aggregates`): a rate for 0/1 metrics, a mean otherwise. Scorers of
///        shards merge (`merge`) and travel as a versioned plain-number state (`state` /
///        `from_state`, scoring/scorer_state.hpp).
///
/// Three headers complete it, each paying for its own dependencies so that this one needs neither
/// simdjson nor Boost.Math: scoring/read_file.hpp (`read_file`: a file of any format into a
/// scorer, through io/dispatch.hpp), scoring/results.hpp (`results`: the rows with their Wilson or
/// t intervals) and scoring/scorer_state_json.hpp (the state as JSON).
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/framework_defaults.hpp"
#include "emergent/io/logprob_audit.hpp"
#include "emergent/io/record.hpp"
#include "emergent/scoring/detail/document_table.hpp"
#include "emergent/scoring/metric_spec.hpp"
#include "emergent/scoring/score_metric.hpp"
#include "emergent/scoring/scorer_state.hpp"
#include "emergent/stats/accumulators.hpp"

namespace emergent::scoring {

/// How a scorer scores.
struct scorer_options {
  /// The metrics; empty: chosen from the first record (`auto_metrics`).
  std::vector<metric_spec> metrics;
  /// Confidence level of the intervals, in (0, 1).
  double level = 0.95;
  /// edit_distance: the longest prediction or reference in characters; a longer one is a bad record.
  std::size_t max_tokens = 100000;
  /// Aggregate per (model, task) (false: only per-record values and counts, as `--per-example`).
  bool aggregate = true;
  /// Keep each record's values in order instead of aggregating, so that merging this scorer into
  /// another replays them exactly as one pass would (used to split one file across threads).
  bool keep_values = false;
  /// The input format ("lm-eval", "helm", "inspect", ...): automatic metrics and the default text
  /// normalisation are the framework's own (io::default_scoring). Empty: the format-free choice.
  std::string format;
  /// Generations: how the answer is taken from the text (`answer_extractor::parse` names).
  std::string extract = "none";
  /// Generations: normalisation of answer and references (`parse_text_normaliser` names); empty:
  /// the format's own (`io::default_normalisation`).
  std::string normalize;
  /// Generations: the tokens of the soft text scores (`text_tokeniser::parse` names).
  std::string tokenize = "chars";
  /// Score log-probability metrics even when a (model, task)'s log-probabilities are all exactly 0
  /// (placeholders); otherwise `check_complete` refuses them.
  bool force_logprobs = false;
};

/// The per-metric counts: records scored and records the metric does not apply to.
struct metric_counts {
  std::uint64_t scored = 0;          ///< records with a value
  std::uint64_t not_applicable = 0;  ///< records without one (see `not_applicable_reason`)
};

/// The aggregates of one (model, task), one entry per metric in each vector (in the order of
/// `scorer::metrics()`); scoring/results.hpp turns them into rows with intervals.
struct group_aggregates {
  std::vector<binary_accumulator> binary;    ///< 0/1 metrics: successes and trials
  std::vector<mean_accumulator> mean;        ///< other metrics: count, compensated sum, M2
  std::vector<binary_accumulator> stored01;  ///< stored scores, as 0/1, while every value is 0 or 1
  std::vector<bool> only01;                  ///< whether every stored value was 0 or 1
  std::vector<double> largest;               ///< largest |value| per metric (for overflow messages)
  std::vector<std::string> largest_at;       ///< where it was (file:line)
  /// Empty aggregates for `m` metrics.
  void resize(std::size_t m) {
    binary.resize(m);
    mean.resize(m);
    stored01.resize(m);
    only01.assign(m, true);
    largest.assign(m, 0.0);
    largest_at.resize(m);
  }
};

namespace detail {

/// %.6g, for numbers in messages.
inline std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// Makes room for `extra` more elements in a container with `capacity()` and `reserve()` (a vector,
/// the document table), growing its capacity at least geometrically: merging many shards one after
/// another then costs linear time (a reserve of the exact size would reallocate or rehash
/// everything at every merge).
template <class Container>
void reserve_more(Container& c, std::size_t extra) {
  const std::size_t wanted = c.size() + extra;
  if (wanted > c.capacity()) c.reserve(std::max(wanted, 2 * c.capacity()));
}

/// One record's values, kept in order by a scorer with `keep_values`.
struct kept_record {
  std::size_t group = 0;  // index into the keeper's group names
  std::size_t line = 0;
  std::size_t first_value = 0;  // index into the keeper's values
};

/// Where `text` starts with `file`, ':' and a line number, adds `offset` to that number.
inline void shift_line_of(std::string& text, std::string_view file, std::size_t offset) {
  if (offset == 0 || text.size() <= file.size() + 1 || text.compare(0, file.size(), file) != 0 ||
      text[file.size()] != ':') {
    return;
  }
  const char* first = text.data() + file.size() + 1;
  const char* last = text.data() + text.size();
  std::size_t line = 0;
  const auto [end, ec] = std::from_chars(first, last, line);
  if (ec != std::errc() || end == first) return;
  text.replace(file.size() + 1, static_cast<std::size_t>(end - first), std::to_string(line + offset));
}

/// 64-bit FNV-1a over (model, task, filter, example id), each part closed by 0x1f.
inline std::uint64_t document_key(const io::record& r) noexcept {
  std::uint64_t h = 1469598103934665603ull;
  for (const std::string* part : {&r.model, &r.task, &r.filter, &r.example_id}) {
    for (unsigned char c : *part) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0x1fu) * 1099511628211ull;
  }
  return h;
}

}  // namespace detail

/// What `scorer::add` returns: one value per metric, nullopt where the metric does not apply.
using score_values = std::vector<std::optional<double>>;

/// Scores records under a list of metrics and aggregates them per (model, task); see the file
/// comment. Use it as `scorer` (= `basic_scorer<std::regex>`). `Regex` is the regular-expression
/// type of the user patterns in the text settings (`regex:PATTERN` of `--extract`, `--normalize`,
/// `--tokenize`; any type with std::regex's interface, as in metrics/generation_scoring.hpp). The
/// class is a template so that a translation unit instantiates only the members it calls: the
/// std::regex compiler behind the text settings and the containers behind the aggregates are
/// compiled where a scorer is built or fed, not in every file that includes this header
/// (docs/design.md, "What including a header costs").
///
/// Use: `begin_source(name)` before the records of each file (or `read_file`, scoring/read_file.hpp,
/// which does it), `add(record)` per record, `add_summary(reader summary)` per file, then
/// `check_complete()` and `results(scorer)` (scoring/results.hpp). Errors: `parse_error` naming
/// file, line and metric for a record a metric cannot score or whose value makes an aggregate
/// overflow; `input_error` for a document seen in two sources, two filters of one (model, task), a
/// record without model or task, a stored metric that no record has, and for merging scorers that
/// do not match.
template <class Regex = std::regex>
class basic_scorer {
 public:
  /// What `add` returns: one value per metric, nullopt where the metric does not apply.
  using values_type = score_values;

  /// A scorer with the given options; throws input_error for a level outside (0, 1) or max_tokens 0.
  explicit basic_scorer(scorer_options options = {}) : options_(std::move(options)) {
    if (!(options_.level > 0 && options_.level < 1)) {
      throw input_error("--level: " + detail::short_number(options_.level) +
                        " is not a confidence level between 0 and 1 (e.g. 0.95)");
    }
    if (options_.max_tokens == 0) throw input_error("--max-tokens: must be at least 1");
    auto setting = [](const char* option, auto&& parse) {
      try {
        return parse();
      } catch (const input_error& e) {
        throw input_error(std::string(option) + ": " + e.what());
      }
    };
    text_.extract = setting("--extract", [&] { return answer_extractor::template parse<Regex>(options_.extract); });
    text_.normalise = setting("--normalize", [&] { return parse_text_normaliser<Regex>(normalisation()); });
    text_.tokenise = setting("--tokenize", [&] { return text_tokeniser::template parse<Regex>(options_.tokenize); });
    auto_chosen_ = options_.metrics.empty();
    if (!options_.metrics.empty()) resolve(options_.metrics);
  }

  /// The text normalisation in use: `options().normalize`, else the format's own.
  [[nodiscard]] std::string normalisation() const {
    return options_.normalize.empty() ? io::default_normalisation(options_.format) : options_.normalize;
  }

  /// The options (with the metrics once they are known).
  [[nodiscard]] const scorer_options& options() const noexcept { return options_; }
  /// The metrics (empty until the first record when they are chosen automatically).
  [[nodiscard]] const std::vector<metric_spec>& metrics() const noexcept { return options_.metrics; }
  /// Whether the metrics are known (given, or chosen from a first record).
  [[nodiscard]] bool metrics_known() const noexcept { return !options_.metrics.empty(); }
  /// Fixes the metrics of a scorer whose metrics are chosen automatically (no effect once known).
  void resolve(std::vector<metric_spec> metrics) {
    if (!counts_.empty() || metrics.empty()) return;
    options_.metrics = std::move(metrics);
    counts_.assign(options_.metrics.size(), metric_counts{});
    values_.assign(options_.metrics.size(), std::nullopt);
  }

  /// The records that follow come from the source (file) `name`; a document seen under another
  /// source name is an error (`add` throws input_error naming both).
  void begin_source(std::string_view name) {
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (sources_[i] == name) {
        source_ = i;
        return;
      }
    }
    sources_.emplace_back(name);
    source_ = sources_.size() - 1;
  }

  /// Scores one record and adds it to its (model, task) aggregates; returns its values (valid until
  /// the next call). A record that throws leaves every aggregate and count as it was.
  const values_type& add(const io::record& r) {
    if (r.model.empty()) {
      throw input_error("'" + r.source + "': the model cannot be derived from the file: give it with --model");
    }
    if (r.task.empty()) {
      throw input_error("'" + r.source + "': the task cannot be derived from the file: give it with --task");
    }
    if (sources_.empty()) begin_source(r.source);
    auto mt = std::pair{r.model, r.task};
    auto [f, new_task] = filter_of_.try_emplace(mt, r.filter, r.source + ":" + std::to_string(r.line));
    if (!new_task && f->second.first != r.filter) {
      throw input_error(r.source + ":" + std::to_string(r.line) + ": model '" + r.model + "', task '" + r.task +
                        "': documents under the filter '" + r.filter + "' here and '" + f->second.first + "' at " +
                        f->second.second + ": each document would count once per filter; choose one with --filter");
    }
    const std::uint64_t key = detail::document_key(r);
    const auto [stored, fresh] = documents_.try_emplace(key, static_cast<std::uint32_t>(source_));
    if (!fresh && stored != source_) {
      throw input_error("document '" + r.example_id + "' (model '" + r.model + "', task '" + r.task + "', filter '" +
                        r.filter + "') is in both '" + sources_[stored] + "' and " + r.source + ":" +
                        std::to_string(r.line) + ": it would be counted twice (give each file once)");
    }
    if (options_.metrics.empty()) resolve(auto_metrics(options_.format, r));
    const auto& metrics = options_.metrics;
    scratch_.text = &text_;
    scratch_.next_record();
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      if (is_text_metric(metrics[i].kind) && metrics[i].kind != metric_kind::exact_match && r.has_prediction) {
        std::size_t longest = r.prediction.size();
        for (const auto& ref : r.references) longest = std::max(longest, ref.size());
        if (longest > options_.max_tokens) {
          throw parse_error(r.source, r.line, metrics[i].name,
                            "a text of " + std::to_string(longest) + " characters is longer than --max-tokens " +
                                std::to_string(options_.max_tokens) +
                                " (edit distance takes time proportional to the product of the lengths; raise "
                                "--max-tokens to score it)");
        }
      }
      values_[i] = score_metric(metrics[i], r, scratch_);
      if (values_[i] && !std::isfinite(*values_[i])) {
        throw parse_error(r.source, r.line, metrics[i].name,
                          "the score is " + detail::short_number(*values_[i]) +
                              " (an option or token with log-likelihood -inf?): not a finite number");
      }
    }
    note_record(r, mt);
    if (options_.keep_values) {
      auto [g, added] = group_index_.try_emplace(mt, group_names_.size());
      if (added) group_names_.push_back(mt);
      kept_.push_back({g->second, r.line, kept_values_.size()});
      // NaN stands for "not applicable": a value that is not finite was refused above.
      for (const auto& v : values_) kept_values_.push_back(v ? *v : std::numeric_limits<double>::quiet_NaN());
      if (kept_source_ != r.source) kept_source_ = r.source;
    } else if (options_.aggregate) {
      accumulate(groups_[std::move(mt)], values_, r.source, r.line);
    }
    for (std::size_t i = 0; i < metrics.size(); ++i) ++(values_[i] ? counts_[i].scored : counts_[i].not_applicable);
    return values_;
  }

  /// Adds a reader's summary (records read, delivered, skipped, ignored; the first problems, at most 10 listed).
  void add_summary(const io::read_summary& s) {
    total_.read += s.read;
    total_.delivered += s.delivered;
    total_.skipped += s.skipped;
    total_.ignored += s.ignored;
    for (const auto& e : s.first_errors) {
      if (total_.first_errors.size() < 10) total_.first_errors.push_back(e);
    }
  }

  /// The checks that need every record: a stored metric that no record has is a misspelt name
  /// (input_error), not an empty result.
  void check_complete() const {
    for (std::size_t i = 0; i < options_.metrics.size(); ++i) {
      const auto& m = options_.metrics[i];
      if (m.kind == metric_kind::stored && total_.delivered > 0 && counts_[i].scored == 0) {
        throw input_error("--metrics: " + m.name + ": no record stores a score named '" + m.stored + "'");
      }
    }
    // Log-probabilities that are placeholders (all exactly 0, as HELM stores for local models).
    if (options_.force_logprobs) return;
    for (const auto& [key, a] : audits_) {
      const auto [tokens, options] = placeholder_users(a);
      for (const auto& [uses, what] : {std::pair{tokens, a.describe_tokens()}, std::pair{options, a.describe_options()}}) {
        if (uses.empty()) continue;
        throw input_error("model '" + key.first + "', task '" + key.second + "': " + uses +
                          " read log-probabilities, but " + what + ": refused (--force-logprobs scores them anyway)");
      }
    }
  }

  /// Sentences for standard error on what the scorer noticed: the automatic metrics and why (when
  /// chosen automatically), how many generations had no extractable answer (scored as wrong),
  /// whether each metric agrees with the score the framework stored under the same meaning
  /// (lm-eval `exact_match`, `acc`, `acc_norm`; Inspect `choice`), and placeholder log-probabilities
  /// per (model, task) (a note, or a warning when scored under `force_logprobs`).
  [[nodiscard]] std::vector<std::string> notes() const {
    std::vector<std::string> out;
    if (!auto_reason_.empty()) out.push_back(auto_reason_);
    if (options_.extract != "none" && generations_ > 0) {
      std::string n = "answer extraction " + options_.extract + " found no answer in " +
                      std::to_string(extraction_failed_) + " of " + std::to_string(generations_) + " generations";
      if (extraction_failed_ > 0) {
        n += " (scored as wrong: exact match 0, edit similarity 0, token accuracy 0, distance to the empty answer; first at";
        for (const auto& f : first_failed_) n += " " + f;
        n += ")";
      }
      out.push_back(n);
    }
    for (std::size_t i = 0; i < twins_.size() && i < options_.metrics.size(); ++i) {
      const auto& t = twins_[i];
      if (t.compared == 0) continue;
      if (t.differ == 0) {
        out.push_back(options_.metrics[i].name + " equals the stored " + t.name + " on all " + std::to_string(t.compared) +
                      " records that have one");
      } else {
        out.push_back("warning: " + options_.metrics[i].name + " differs from the stored " + t.name + " on " +
                      std::to_string(t.differ) + " of " + std::to_string(t.compared) + " records, first at " + t.first +
                      " (the task may extract or normalise answers: see --extract and --normalize)");
      }
    }
    for (const auto& [key, a] : audits_) {
      const std::string who = "model '" + key.first + "', task '" + key.second + "'";
      const auto [tokens, options] = placeholder_users(a);
      for (const auto& [uses, what] : {std::pair{tokens, a.describe_tokens()}, std::pair{options, a.describe_options()}}) {
        if (!uses.empty()) {
          out.push_back("warning: " + who + ": " + uses + " scored from log-probabilities that are placeholders (" +
                        what + "), as --force-logprobs asks");
        }
      }
      if (tokens.empty() && a.token_placeholders()) {
        out.push_back("note: " + who + ": " + a.describe_tokens() +
                      "; metrics that read them (kofk, token_nll, log_likelihood) would be refused");
      }
      if (options.empty() && a.option_placeholders()) {
        out.push_back("note: " + who + ": " + a.describe_options() +
                      "; metrics that read them (mc_grade, brier, log_loss, ...) would be refused");
      }
    }
    return out;
  }

  /// Remembers why the automatic metrics were chosen, from the first record (no effect when the
  /// metrics were given, or once done). `add` calls it; a reader that resolves the metrics itself
  /// (read_file_parallel) calls it with the record it chose them from.
  void note_auto_choice(const io::record& r) {
    if (!auto_reason_.empty() || !auto_chosen_ || options_.metrics.empty()) return;
    std::string names;
    for (const auto& m : options_.metrics) names += (names.empty() ? "" : ",") + m.name;
    auto_reason_ = "--metrics auto: " + names + " (" + io::default_scoring(options_.format, r).reason +
                   "); exact match normalisation " + normalisation() +
                   (options_.normalize.empty() ? " (the format's own)" : "") + ", answer extraction " + options_.extract;
  }

  /// Generations scored by a text metric, and those whose answer could not be extracted.
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> extraction_counts() const noexcept {
    return {generations_, extraction_failed_};
  }

  /// The log-probability audit of each (model, task) (io::logprob_audit).
  [[nodiscard]] const std::map<std::pair<std::string, std::string>, io::logprob_audit>& logprob_audits() const noexcept {
    return audits_;
  }

  /// What the readers reported, summed over files.
  [[nodiscard]] const io::read_summary& summary() const noexcept { return total_; }
  /// Records scored and not applicable, per metric (same order as `metrics()`).
  [[nodiscard]] const std::vector<metric_counts>& counts() const noexcept { return counts_; }
  /// True when every metric scored every record (no metric was not applicable to any).
  [[nodiscard]] bool uniform() const noexcept {
    return std::all_of(counts_.begin(), counts_.end(), [](const metric_counts& c) { return c.not_applicable == 0; });
  }
  /// The (model, task) pairs with aggregates, sorted.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> groups() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [k, g] : groups_) out.push_back(k);
    return out;
  }

  /// The aggregates per (model, task), sorted by model and task (scoring/results.hpp turns them
  /// into rows with intervals).
  [[nodiscard]] const std::map<std::pair<std::string, std::string>, group_aggregates>& aggregates() const noexcept {
    return groups_;
  }

  /// Adds `offset` to every line number this scorer holds of records read from `file` (kept values,
  /// where the largest value was, answers not extracted, the first disagreement with a stored
  /// score, where a filter was first seen, skipped-record messages `file:line: ...`): for a scorer
  /// that read a byte range of `file` numbering its lines from 1, `offset` being the lines before
  /// the range (read_file_parallel does this before merging the ranges in order).
  void shift_lines(std::string_view file, std::size_t offset) {
    if (offset == 0) return;
    if (kept_source_ == file) {
      for (auto& k : kept_) k.line += offset;
    }
    for (auto& f : first_failed_) detail::shift_line_of(f, file, offset);
    for (auto& t : twins_) detail::shift_line_of(t.first, file, offset);
    for (auto& [mt, f] : filter_of_) detail::shift_line_of(f.second, file, offset);
    for (auto& [mt, g] : groups_) {
      for (auto& at : g.largest_at) detail::shift_line_of(at, file, offset);
    }
    for (auto& e : total_.first_errors) detail::shift_line_of(e, file, offset);
  }

  /// Merges another scorer (a shard) into this one: counts and summaries add, aggregates merge
  /// (Chan et al. 1979 for means: equal to one pass to a few ulps; rates exactly), documents and
  /// filters are checked as if the shard's records had been added here. A scorer made with
  /// `keep_values` is replayed record by record instead, which equals one pass exactly.
  /// Throws input_error for other metrics, level or max_tokens, for a document in both, for two
  /// filters of one (model, task), and parse_error when a replayed value overflows an aggregate.
  void merge(const basic_scorer& other) {
    check_compatible(other.options_, other.metrics_known() && metrics_known());
    if (!other.metrics_known()) {  // no record was added to it: only its reader counts
      add_summary(other.total_);
      return;
    }
    if (!metrics_known()) resolve(other.options_.metrics);
    // Documents and filters first: a failed merge leaves this scorer as it was (but for these checks).
    std::vector<std::size_t> source_map(other.sources_.size());
    for (std::size_t i = 0; i < other.sources_.size(); ++i) {
      std::size_t k = 0;
      while (k < sources_.size() && sources_[k] != other.sources_[i]) ++k;
      source_map[i] = k;  // == sources_.size() + j for a new one, fixed below
    }
    std::size_t fresh_sources = 0;
    for (auto& m : source_map) {
      if (m == sources_.size()) m = sources_.size() + fresh_sources++;
    }
    for (const auto& [mt, f] : other.filter_of_) {
      const auto it = filter_of_.find(mt);
      if (it != filter_of_.end() && it->second.first != f.first) {
        throw input_error(f.second + ": model '" + mt.first + "', task '" + mt.second + "': documents under the filter '" +
                          f.first + "' here and '" + it->second.first + "' at " + it->second.second +
                          ": each document would count once per filter; choose one with --filter");
      }
    }
    std::size_t shared = 0;
    std::string example;
    other.documents_.for_each([&](std::uint64_t key, std::uint32_t src) {
      if (const std::uint32_t* mine = documents_.find(key)) {
        if (shared++ == 0) {
          const std::string& a = sources_[*mine];
          const std::size_t b = source_map[src];
          const std::string& c = b < sources_.size() ? sources_[b] : other.sources_[src];
          example = a == c ? "from '" + a + "' in both" : "in '" + a + "' and '" + c + "'";
        }
      }
    });
    if (shared > 0) {
      throw input_error(std::to_string(shared) + " document" + (shared == 1 ? " is" : "s are") +
                        " counted in both scorers (same model, task, filter and document id; the first " + example +
                        "): each shard must score different documents");
    }
    if (other.options_.keep_values) {
      // Replay: exactly what one pass over the shard's records would have added.
      const std::size_t m = counts_.size();
      values_type v(m);
      // Each of the shard's groups is looked up once, not once per record.
      constexpr std::size_t unknown = std::numeric_limits<std::size_t>::max();
      std::vector<std::size_t> index(other.group_names_.size(), unknown);
      std::vector<group_aggregates*> target(other.group_names_.size(), nullptr);
      if (options_.keep_values) {
        detail::reserve_more(kept_, other.kept_.size());
        detail::reserve_more(kept_values_, other.kept_values_.size());
      }
      for (const auto& k : other.kept_) {
        const double* first = other.kept_values_.data() + k.first_value;
        if (options_.keep_values) {
          if (index[k.group] == unknown) {
            auto [g, added] = group_index_.try_emplace(other.group_names_[k.group], group_names_.size());
            if (added) group_names_.push_back(other.group_names_[k.group]);
            index[k.group] = g->second;
          }
          kept_.push_back({index[k.group], k.line, kept_values_.size()});
          kept_values_.insert(kept_values_.end(), first, first + m);
        } else if (options_.aggregate) {
          for (std::size_t i = 0; i < m; ++i) {
            v[i] = std::isnan(first[i]) ? std::nullopt : std::optional<double>(first[i]);
          }
          if (target[k.group] == nullptr) target[k.group] = &groups_[other.group_names_[k.group]];
          accumulate(*target[k.group], v, other.kept_source_, k.line);
        }
      }
    } else {
      for (const auto& [mt, g] : other.groups_) {
        auto& mine = groups_[mt];
        if (mine.binary.empty()) {
          mine = g;
          continue;
        }
        for (std::size_t i = 0; i < counts_.size(); ++i) {
          mine.binary[i] += g.binary[i];
          mine.mean[i] += g.mean[i];
          mine.stored01[i] += g.stored01[i];
          mine.only01[i] = mine.only01[i] && g.only01[i];
          if (g.largest[i] > mine.largest[i] || (mine.largest_at[i].empty() && !g.largest_at[i].empty())) {
            mine.largest[i] = g.largest[i];
            mine.largest_at[i] = g.largest_at[i];
          }
        }
      }
    }
    for (std::size_t i = 0; i < other.sources_.size(); ++i) {
      if (source_map[i] >= sources_.size()) sources_.push_back(other.sources_[i]);
    }
    for (const auto& [mt, f] : other.filter_of_) filter_of_.try_emplace(mt, f);
    detail::reserve_more(documents_, other.documents_.size());
    other.documents_.for_each([&](std::uint64_t key, std::uint32_t src) {
      documents_.try_emplace(key, static_cast<std::uint32_t>(source_map[src]));
    });
    for (std::size_t i = 0; i < counts_.size() && i < other.counts_.size(); ++i) {
      counts_[i].scored += other.counts_[i].scored;
      counts_[i].not_applicable += other.counts_[i].not_applicable;
    }
    for (const auto& [mt, a] : other.audits_) {
      auto& mine = audits_[mt];
      mine.records += a.records;
      mine.records_with_tokens += a.records_with_tokens;
      mine.token_values += a.token_values;
      mine.token_zeros += a.token_zeros;
      mine.records_with_options += a.records_with_options;
      mine.option_values += a.option_values;
      mine.option_zeros += a.option_zeros;
    }
    generations_ += other.generations_;
    extraction_failed_ += other.extraction_failed_;
    for (const auto& f : other.first_failed_) {
      if (first_failed_.size() < 5) first_failed_.push_back(f);
    }
    if (twins_.size() < other.twins_.size()) twins_.resize(other.twins_.size());
    for (std::size_t i = 0; i < other.twins_.size(); ++i) {
      if (twins_[i].name.empty()) twins_[i].name = other.twins_[i].name;
      if (twins_[i].differ == 0 && other.twins_[i].differ > 0) twins_[i].first = other.twins_[i].first;
      twins_[i].compared += other.twins_[i].compared;
      twins_[i].differ += other.twins_[i].differ;
    }
    if (auto_reason_.empty()) auto_reason_ = other.auto_reason_;
    add_summary(other.total_);
  }

  /// The scorer as plain numbers and strings (scoring/scorer_state.hpp), to be written and merged
  /// elsewhere. Throws input_error for a scorer made with `keep_values` (its values are not a state).
  [[nodiscard]] scorer_state state() const {
    if (options_.keep_values) throw input_error("scorer::state: a scorer that keeps values has no state");
    scorer_state s;
    for (const auto& m : options_.metrics) s.metrics.push_back(m.name);
    s.level = options_.level;
    s.max_tokens = static_cast<std::int64_t>(options_.max_tokens);
    s.aggregate = options_.aggregate;
    s.format = options_.format;
    s.extract = options_.extract;
    s.normalize = options_.normalize;
    s.tokenize = options_.tokenize;
    s.force_logprobs = options_.force_logprobs;
    for (const auto& [mt, a] : audits_) {
      s.audits.push_back({mt.first, mt.second, static_cast<std::int64_t>(a.records), static_cast<std::int64_t>(a.records_with_tokens),
                          static_cast<std::int64_t>(a.token_values), static_cast<std::int64_t>(a.token_zeros),
                          static_cast<std::int64_t>(a.records_with_options), static_cast<std::int64_t>(a.option_values),
                          static_cast<std::int64_t>(a.option_zeros)});
    }
    s.generations = static_cast<std::int64_t>(generations_);
    s.extraction_failed = static_cast<std::int64_t>(extraction_failed_);
    s.first_failed = first_failed_;
    for (const auto& t : twins_) {
      s.agreements.push_back({t.name, static_cast<std::int64_t>(t.compared), static_cast<std::int64_t>(t.differ), t.first});
    }
    s.auto_reason = auto_reason_;
    for (const auto& [mt, g] : groups_) {
      scorer_state::group e;
      e.model = mt.first;
      e.task = mt.second;
      for (std::size_t i = 0; i < g.binary.size(); ++i) {
        e.binary.push_back(g.binary[i].state());
        e.mean.push_back(g.mean[i].state());
        e.stored01.push_back(g.stored01[i].state());
        e.only01.push_back(g.only01[i]);
        e.largest.push_back(g.largest[i]);
        e.largest_at.push_back(g.largest_at[i]);
      }
      s.groups.push_back(std::move(e));
    }
    for (const auto& c : counts_) {
      s.scored.push_back(static_cast<std::int64_t>(c.scored));
      s.not_applicable.push_back(static_cast<std::int64_t>(c.not_applicable));
    }
    s.read = static_cast<std::int64_t>(total_.read);
    s.delivered = static_cast<std::int64_t>(total_.delivered);
    s.skipped = static_cast<std::int64_t>(total_.skipped);
    s.ignored = static_cast<std::int64_t>(total_.ignored);
    s.first_errors = total_.first_errors;
    for (const auto& [mt, f] : filter_of_) s.filters.push_back({mt.first, mt.second, f.first, f.second});
    s.sources = sources_;
    s.documents.reserve(documents_.size());
    documents_.for_each([&](std::uint64_t key, std::uint32_t src) { s.documents.push_back({key, src}); });
    std::sort(s.documents.begin(), s.documents.end());
    return s;
  }

  /// Rebuilds a scorer from a state (version 1 or 2; a version-1 state has no text settings,
  /// audits or extraction counts: they take their defaults); throws input_error naming the field for
  /// a state of another version, unknown metrics or settings, counts that disagree, or bad
  /// accumulator states.
  [[nodiscard]] static basic_scorer from_state(const scorer_state& s) {
    if (s.version < scorer_state_oldest_version || s.version > scorer_state_version) {
      throw input_error("scorer state: version: " + std::to_string(s.version) + " is not a version this build reads (" +
                        std::to_string(scorer_state_oldest_version) + " to " + std::to_string(scorer_state_version) + ")");
    }
    scorer_options o;
    for (const auto& name : s.metrics) o.metrics.push_back(parse_metric(name));
    o.level = s.level;
    if (s.max_tokens <= 0) throw input_error("scorer state: max_tokens: must be at least 1");
    o.max_tokens = static_cast<std::size_t>(s.max_tokens);
    o.aggregate = s.aggregate;
    o.format = s.format;
    o.extract = s.extract;
    o.normalize = s.normalize;
    o.tokenize = s.tokenize;
    o.force_logprobs = s.force_logprobs;
    basic_scorer out = [&] {
      try {
        return basic_scorer(o);
      } catch (const input_error& e) {  // an unknown --extract, --normalize or --tokenize
        throw input_error(std::string("scorer state: settings: ") + e.what());
      }
    }();
    const std::size_t m = o.metrics.size();
    for (const auto& a : s.audits) {
      for (const std::int64_t c : {a.records, a.records_with_tokens, a.token_values, a.token_zeros, a.records_with_options,
                                   a.option_values, a.option_zeros}) {
        if (c < 0) throw input_error("scorer state: audits: model '" + a.model + "', task '" + a.task + "': negative count");
      }
      if (a.token_zeros > a.token_values || a.option_zeros > a.option_values || a.records_with_tokens > a.records ||
          a.records_with_options > a.records) {
        throw input_error("scorer state: audits: model '" + a.model + "', task '" + a.task + "': counts that disagree");
      }
      auto& e = out.audits_[{a.model, a.task}];
      e.records = static_cast<std::size_t>(a.records);
      e.records_with_tokens = static_cast<std::size_t>(a.records_with_tokens);
      e.token_values = static_cast<std::size_t>(a.token_values);
      e.token_zeros = static_cast<std::size_t>(a.token_zeros);
      e.records_with_options = static_cast<std::size_t>(a.records_with_options);
      e.option_values = static_cast<std::size_t>(a.option_values);
      e.option_zeros = static_cast<std::size_t>(a.option_zeros);
    }
    if (s.generations < 0 || s.extraction_failed < 0 || s.extraction_failed > s.generations) {
      throw input_error("scorer state: extraction: the counts must satisfy 0 <= failed <= generations");
    }
    out.generations_ = static_cast<std::uint64_t>(s.generations);
    out.extraction_failed_ = static_cast<std::uint64_t>(s.extraction_failed);
    out.first_failed_ = s.first_failed;
    if (!s.agreements.empty() && s.agreements.size() != m) {
      throw input_error("scorer state: agreements: one entry per metric expected");
    }
    for (const auto& a : s.agreements) {
      if (a.compared < 0 || a.differ < 0 || a.differ > a.compared) {
        throw input_error("scorer state: agreements: the counts must satisfy 0 <= differ <= compared");
      }
      out.twins_.push_back({a.name, static_cast<std::uint64_t>(a.compared), static_cast<std::uint64_t>(a.differ), a.first});
    }
    out.auto_reason_ = s.auto_reason;
    if (s.scored.size() != m || s.not_applicable.size() != m) {
      throw input_error("scorer state: scored, not_applicable: one count per metric expected");
    }
    for (std::size_t i = 0; i < m; ++i) {
      if (s.scored[i] < 0 || s.not_applicable[i] < 0) throw input_error("scorer state: scored: negative count");
      out.counts_[i] = {static_cast<std::uint64_t>(s.scored[i]), static_cast<std::uint64_t>(s.not_applicable[i])};
    }
    for (const auto& e : s.groups) {
      if (e.binary.size() != m || e.mean.size() != m || e.stored01.size() != m || e.only01.size() != m ||
          e.largest.size() != m || e.largest_at.size() != m) {
        throw input_error("scorer state: groups: model '" + e.model + "', task '" + e.task +
                          "': one aggregate per metric expected");
      }
      auto& g = out.groups_[{e.model, e.task}];
      g.resize(m);
      for (std::size_t i = 0; i < m; ++i) {
        g.binary[i] = binary_accumulator::from_state(e.binary[i]);
        g.mean[i] = mean_accumulator::from_state(e.mean[i]);
        g.stored01[i] = binary_accumulator::from_state(e.stored01[i]);
        g.only01[i] = e.only01[i];
        g.largest[i] = e.largest[i];
        g.largest_at[i] = e.largest_at[i];
      }
    }
    for (const auto* c : {&s.read, &s.delivered, &s.skipped, &s.ignored}) {
      if (*c < 0) throw input_error("scorer state: summary: negative count");
    }
    if (s.read != s.delivered + s.skipped) throw input_error("scorer state: summary: read != delivered + skipped");
    out.total_.read = static_cast<std::size_t>(s.read);
    out.total_.delivered = static_cast<std::size_t>(s.delivered);
    out.total_.skipped = static_cast<std::size_t>(s.skipped);
    out.total_.ignored = static_cast<std::size_t>(s.ignored);
    out.total_.first_errors = s.first_errors;
    for (const auto& f : s.filters) out.filter_of_.try_emplace({f.model, f.task}, f.filter, f.where);
    out.sources_ = s.sources;
    for (const auto& d : s.documents) {
      if (d.source >= s.sources.size()) throw input_error("scorer state: documents: source index out of range");
      out.documents_.try_emplace(d.key, d.source);
    }
    return out;
  }

 private:
  void check_compatible(const scorer_options& o, bool known) const {
    if (known && o.metrics != options_.metrics) {
      std::string a, b;
      for (const auto& m : options_.metrics) a += (a.empty() ? "" : ",") + m.name;
      for (const auto& m : o.metrics) b += (b.empty() ? "" : ",") + m.name;
      throw input_error("cannot merge scores of different metrics (" + a + " and " + b + ")");
    }
    if (o.level != options_.level) {
      throw input_error("cannot merge scores at different confidence levels (" + detail::short_number(options_.level) +
                        " and " + detail::short_number(o.level) + ")");
    }
    if (o.max_tokens != options_.max_tokens) {
      throw input_error("cannot merge scores with different --max-tokens (" + std::to_string(options_.max_tokens) +
                        " and " + std::to_string(o.max_tokens) + ")");
    }
    if (o.aggregate != options_.aggregate) throw input_error("cannot merge per-example and per-model scores");
    // A scorer restored from a version-1 state has no format: only two named formats conflict.
    const auto refuse = [](const char* option, const std::string& mine, const std::string& theirs) {
      const auto shown = [](const std::string& v) { return v.empty() ? std::string("(the format's own)") : "'" + v + "'"; };
      throw input_error(std::string("cannot merge scores made with different ") + option + " (" + shown(mine) + " and " +
                        shown(theirs) + ")");
    };
    if (!o.format.empty() && !options_.format.empty() && o.format != options_.format) refuse("--format", options_.format, o.format);
    if (o.extract != options_.extract) refuse("--extract", options_.extract, o.extract);
    if (o.normalize != options_.normalize) refuse("--normalize", options_.normalize, o.normalize);
    if (o.tokenize != options_.tokenize) refuse("--tokenize", options_.tokenize, o.tokenize);
    if (o.force_logprobs != options_.force_logprobs) {
      throw input_error("cannot merge scores made with and without --force-logprobs");
    }
  }

  /// The metrics that read placeholder log-probabilities of a group: (token readers, option readers).
  [[nodiscard]] std::pair<std::string, std::string> placeholder_users(const io::logprob_audit& a) const {
    std::string tokens, options;
    for (const auto& m : options_.metrics) {
      if (needs_token_logprobs(m.kind) && a.token_placeholders()) tokens += (tokens.empty() ? "" : ", ") + m.name;
      if (needs_option_logliks(m.kind) && a.option_placeholders()) options += (options.empty() ? "" : ", ") + m.name;
    }
    return {tokens, options};
  }

  /// What a record tells beyond its values: its log-probabilities (per group), whether its answer
  /// could be extracted, and whether the values agree with the scores the framework stored.
  void note_record(const io::record& r, const std::pair<std::string, std::string>& mt) {
    audits_[mt].add(r);
    if (scratch_.text_done && scratch_.text_scores) {
      ++generations_;
      if (!scratch_.text_scores->extracted) {
        ++extraction_failed_;
        if (first_failed_.size() < 5) first_failed_.push_back(r.source + ":" + std::to_string(r.line));
      }
    }
    const auto& metrics = options_.metrics;
    if (twins_.empty()) {
      note_auto_choice(r);
      twins_.resize(metrics.size());
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        if (metrics[i].kind == metric_kind::exact_match) twins_[i].name = "exact_match";
        if (metrics[i].kind == metric_kind::mc_grade) twins_[i].name = options_.format == "inspect" ? "choice" : "acc";
        if (metrics[i].kind == metric_kind::acc_norm) twins_[i].name = "acc_norm";
      }
    }
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      if (twins_[i].name.empty() || !values_[i]) continue;
      if (const auto v = r.stored_value(twins_[i].name)) {
        ++twins_[i].compared;
        if (*v != *values_[i] && twins_[i].differ++ == 0) {
          twins_[i].first = r.source + ":" + std::to_string(r.line) + " (" + detail::short_number(*values_[i]) +
                            " against " + detail::short_number(*v) + ")";
        }
      }
    }
  }

  /// Adds one record's values to its group; first checks that no sum overflows, so a bad record
  /// leaves every aggregate as it was.
  void accumulate(group_aggregates& g, const values_type& values, const std::string& source, std::size_t line) {
    const auto& metrics = options_.metrics;
    if (g.binary.empty()) g.resize(metrics.size());
    staged_.assign(g.mean.begin(), g.mean.end());
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      if (!values[i] || metrics[i].binary) continue;
      const double v = *values[i];
      staged_[i](v);
      if (!std::isfinite(staged_[i].sum()) || !std::isfinite(staged_[i].sum_of_squared_deviations())) {
        throw parse_error(source, line, metrics[i].name,
                          "the value " + detail::short_number(v) + " makes the sum or the spread of " +
                              metrics[i].name + " overflow a double (largest magnitude before it " +
                              detail::short_number(g.largest[i]) +
                              (g.largest_at[i].empty() ? std::string() : " at " + g.largest_at[i]) + ")");
      }
    }
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      if (!values[i]) continue;
      if (metrics[i].binary) {
        g.binary[i](*values[i] != 0.0);
        continue;
      }
      const double v = *values[i];
      g.mean[i] = staged_[i];
      if (std::abs(v) > g.largest[i] || g.largest_at[i].empty()) {
        g.largest[i] = std::abs(v);
        g.largest_at[i] = source + ":" + std::to_string(line);
      }
      if (metrics[i].kind == metric_kind::stored) {
        if (v == 0.0 || v == 1.0) {
          g.stored01[i](v == 1.0);
        } else {
          g.only01[i] = false;
        }
      }
    }
  }

  /// A metric's comparison with the score the framework stored under the same meaning.
  struct twin {
    std::string name;           // the stored score's name ("" when none)
    std::uint64_t compared = 0; // records with both
    std::uint64_t differ = 0;   // of which different
    std::string first;          // the first difference, file:line (ours against theirs)
  };

  scorer_options options_;
  generation_scorer text_;
  std::map<std::pair<std::string, std::string>, io::logprob_audit> audits_;
  std::uint64_t generations_ = 0, extraction_failed_ = 0;
  std::vector<std::string> first_failed_;
  std::vector<twin> twins_;
  std::string auto_reason_;
  bool auto_chosen_ = false;  // the metrics were chosen from the first record
  std::map<std::pair<std::string, std::string>, group_aggregates> groups_;
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> filter_of_;  // -> filter, where
  detail::document_table documents_;  // document key -> source index
  std::vector<std::string> sources_;
  std::size_t source_ = 0;
  std::vector<metric_counts> counts_;
  io::read_summary total_;
  values_type values_;
  score_scratch scratch_;
  std::vector<mean_accumulator> staged_;
  // keep_values: the records' values in order.
  std::map<std::pair<std::string, std::string>, std::size_t> group_index_;
  std::vector<std::pair<std::string, std::string>> group_names_;
  std::vector<detail::kept_record> kept_;
  std::vector<double> kept_values_;  // metrics.size() per kept record; NaN: not applicable
  std::string kept_source_;
};

/// The scorer with std::regex for the user patterns of the text settings.
using scorer = basic_scorer<>;

}  // namespace emergent::scoring
