// The data model of `emergent report`: what to read (report_spec), and what was found (task_result,
// series_result, point). Building the points from the CSV inputs lives here too.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <emergent/analysis/judgement.hpp>
#include <emergent/core/error.hpp>
#include <emergent/stats/accumulators.hpp>
#include <emergent/stats/intervals.hpp>

#include "../csv_table.hpp"

namespace emergent::cli::report {

/// The report reads its tables with the program's CSV reader, keeping cells as written.
using cli::csv_table;

/// Reads a CSV input of the report (cells kept as written, blanks included); "-" is standard input,
/// read once (the table of a single-table report, e.g. piped from `emergent score --per-example`).
inline csv_table read_csv(const std::string& path) {
  if (path != "-") return csv_table::read(path, cell_blanks::keep);
  static const csv_table stdin_table = csv_table::read_or_stdin(path, cell_blanks::keep);
  return stdin_table;
}

/// Whether `t` is the per-example output of `emergent score` (header source, line, model, task,
/// example_id, then the metrics and, with --compute, params, tokens, flops, flops_derived).
inline bool is_score_per_example(const csv_table& t) {
  static const char* const lead[] = {"source", "line", "model", "task", "example_id"};
  if (t.header.size() < 5) return false;
  for (std::size_t i = 0; i < 5; ++i) {
    if (t.header[i] != lead[i]) return false;
  }
  return true;
}

/// Pivots a long table (one row per model and metric, columns `metric` and `value`, as written by
/// `emergent score --per-model`) into a wide one: one row per combination of the other columns, and for
/// each metric M the columns M, M_lower, M_upper, M_n and M_stderr (from `lower`, `upper`, `n`, `stderr`
/// when present). The line of a wide row is the line of its first long row. A metric given twice for the
/// same row is a parse_error.
inline csv_table pivot_long(const csv_table& t) {
  const std::size_t metric = t.column("metric"), value = t.column("value");
  const std::vector<std::string> companions{"lower", "upper", "n", "stderr"};
  std::vector<std::size_t> keys;
  for (std::size_t c = 0; c < t.header.size(); ++c) {
    const std::string& h = t.header[c];
    if (c == metric || c == value || h == "interval") continue;
    bool companion = false;
    for (const auto& name : companions) companion = companion || h == name;
    if (!companion) keys.push_back(c);
  }
  csv_table out;
  out.file = t.file;
  for (std::size_t c : keys) out.header.push_back(t.header[c]);
  std::map<std::string, std::size_t> metric_base;  // metric -> first column of its block
  std::map<std::vector<std::string>, std::size_t> row_of;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& m = t.rows[r][metric];
    if (!metric_base.count(m)) {
      metric_base[m] = out.header.size();
      out.header.push_back(m);
      for (const auto& name : companions) out.header.push_back(m + "_" + name);
      for (auto& row : out.rows) row.resize(out.header.size());
    }
  }
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::vector<std::string> key;
    for (std::size_t c : keys) key.push_back(t.rows[r][c]);
    auto [it, inserted] = row_of.try_emplace(key, out.rows.size());
    if (inserted) {
      std::vector<std::string> row = key;
      row.resize(out.header.size());
      out.rows.push_back(row);
      out.lines.push_back(t.lines[r]);
    }
    std::vector<std::string>& row = out.rows[it->second];
    const std::size_t base = metric_base[t.rows[r][metric]];
    if (!row[base].empty()) {
      throw parse_error(t.file, t.lines[r], "metric", "'" + t.rows[r][metric] + "' appears twice for the same model");
    }
    row[base] = t.rows[r][value];
    for (std::size_t k = 0; k < companions.size(); ++k) {
      if (auto c = t.find(companions[k])) row[base + 1 + k] = t.rows[r][*c];
    }
  }
  return out;
}


/// How one metric (hard or soft) is read.
struct metric_spec {
  std::string kind = "column";  ///< "column": per-model value; "mean": per-example mean of `column`;
                                ///< "gold_option_probability": per-example softmax over `options` at `gold`
  std::string column;           ///< value column (kind column/mean)
  std::string name;             ///< display name (default: the column)
  std::string n_column;         ///< examples behind each value
  std::optional<double> n;      ///< constant number of examples (when no n column)
  std::string correct_column;   ///< number of correct examples (hard metrics), for exact intervals
  std::string stderr_column;    ///< standard error, for a normal 95% interval
  std::string lower_column;     ///< interval ends given by the table
  std::string upper_column;
  std::vector<std::string> options;  ///< per-option log-likelihood columns (gold_option_probability)
  std::string gold_column;           ///< index of the gold option (gold_option_probability)
  bool lower_is_better = false;      ///< e.g. perplexity, loss
  bool log_scale = false;            ///< draw on a log y axis
  bool bounded01 = true;             ///< values are fractions in [0, 1] (hard metrics, probabilities)
  std::optional<double> chance;      ///< floor of the metric for the judgement (chance level; default: range low end)
  std::optional<std::pair<double, double>> range;  ///< the metric's range (default: inferred, see judge_curve)
};

/// One task of the report: which table, which rows, which series, which x, which metrics.
struct task_spec {
  std::string id;
  std::string title;
  std::string table;                            ///< CSV path (relative to the spec's directory)
  std::string kind = "scores";                  ///< "scores" (one row per model) or "per_example"
  std::vector<std::pair<std::string, std::string>> where;  ///< keep rows with column == value
  std::string series_column = "family";         ///< one series (colour, fit, analysis) per value
  std::string series_prefix, series_suffix;     ///< series label = prefix + value + suffix
  std::string model_column = "model";
  std::string x = "compute";                    ///< compute | params | tokens | steps
  std::string x_column;                         ///< read x (not logged) from this column instead
  metric_spec hard;
  std::optional<metric_spec> soft;
};

/// The whole report.
struct report_spec {
  std::string title = "emergent report";
  std::string compute_table;  ///< CSV with model, params, tokens, flops (optional)
  double gap_factor = 4;      ///< grey band where consecutive models differ by more than this factor in x
  emergent::judgement_options judge;  ///< thresholds of the judgement of each curve (spec key "judgement")
  double max_width_ratio = 0.9;       ///< hard sharper than soft below this ratio of 10-90% widths (mirage verdict)
  std::vector<task_spec> tasks;
};

/// One estimate with its 95% interval (lower/upper NaN when unknown) and its number of examples.
struct estimate {
  double value = std::nan("");
  double lower = std::nan("");
  double upper = std::nan("");
  std::optional<double> n;
  std::string interval;  ///< how the interval was made: "wilson", "normal (1.96 se)", "given", ""
};

/// One model (or checkpoint) on a curve.
struct point {
  std::string model;
  double quantity = 0;  ///< compute/params/tokens/steps (not logged)
  double x = 0;         ///< log10(quantity)
  std::string x_source; ///< where the quantity came from
  estimate hard;
  std::optional<estimate> soft;
  /// Per-example input: the model's example scores (hard, and soft when given, in the same order),
  /// resampled within the model by the bootstrap over examples; empty for per-model input.
  std::vector<double> hard_examples, soft_examples;
};

/// A fitted curve sampled for drawing, with its parameters.
struct fitted_curve {
  std::string model;   ///< e.g. "logistic"
  std::string status;  ///< the fitter's status
  std::vector<std::pair<std::string, double>> parameters;
  std::vector<std::pair<std::string, double>> standard_errors;
  std::vector<double> x, y;  ///< samples (log10 x)
  std::vector<std::string> flags;  ///< the fitter's flags (e.g. not_identifiable): drawn dashed, named in the legend
};

/// Per-example input: what the bootstrap over examples (examples resampled with replacement within
/// each model, emergent::hierarchical_resampler; the verdict by emergent::mirage_analysis, paired)
/// gives for the series. Percentile intervals at `level`.
struct example_bootstrap {
  std::size_t replicates = 0;  ///< bootstrap replicates
  std::uint64_t seed = 0;      ///< their seed
  double level = 0.95;         ///< level of the intervals
  std::optional<std::pair<double, double>> breakpoint;  ///< interval of the segmented breakpoint (refitted per replicate)
  std::size_t breakpoint_failed = 0;                    ///< replicates whose refit failed (left out)
  std::optional<std::pair<double, double>> jump;        ///< interval of the largest rise between consecutive models
  double jump_same_models = std::nan("");               ///< share of replicates whose largest rise is between the same two models
  double judgement_probability = std::nan("");          ///< share of replicates giving the same judgement of the hard curve
  std::optional<std::vector<std::pair<std::string, double>>> verdict_probabilities;  ///< mirage verdict shares (with a soft metric)
  std::optional<std::array<double, 3>> width_ratio;    ///< hard/soft 10-90% width ratio, its interval (NaN: unknown)
};

/// The analysis of one series; every field optional because not every series allows every analysis.
struct series_analysis {
  // The largest rise of the hard metric between consecutive models (descriptive, always computed).
  std::optional<std::size_t> jump_from;  ///< index into points (sorted by x)
  double jump = std::nan("");
  std::optional<fitted_curve> hard_fit;
  std::optional<fitted_curve> soft_fit;
  std::optional<fitted_curve> segmented_fit;  ///< piecewise-linear fit behind the breakpoint
  std::optional<double> breakpoint, breakpoint_lower, breakpoint_upper, breakpoint_p;
  std::optional<std::pair<double, double>> breakpoint_bracket;  ///< the observed x around the break
  bool breakpoint_narrower_than_gap = false;  ///< its interval is narrower than the bracket: drawn as the bracket
  std::string judgement = "not analysed";     ///< judge_curve of the hard curve: sharp, smooth, saturated, flat, not_resolvable
  double judgement_probability = std::nan(""); ///< its bootstrap probability (NaN: no uncertainty known)
  std::vector<std::string> judgement_reasons; ///< why
  std::optional<std::pair<double, double>> rise_bracket;  ///< the models bracketing the largest rise of the monotone fit
  double verdict_probability = std::nan("");  ///< bootstrap probability of the verdict
  bool uncertain = false;                     ///< verdict probability below min_probability
  std::vector<std::pair<std::string, double>> sharpness;  ///< named sharpness scores
  std::string verdict = "not analysed";
  std::string verdict_reason;
  std::optional<example_bootstrap> examples;  ///< per-example input: the bootstrap over examples
  std::vector<std::string> notes;
};

/// One series (a model family, or any grouping) of a task.
struct series_result {
  std::string label;
  std::vector<point> points;  ///< sorted by x
  series_analysis analysis;
};

/// One task: its metrics' names and its series.
struct task_result {
  task_spec spec;
  std::string hard_name, soft_name;
  std::string x_label;
  std::vector<series_result> series;
  std::vector<std::pair<double, double>> gaps;  ///< log10 x ranges without a model
  std::vector<std::string> notes;               ///< rows left out and why
  std::string figure;                           ///< file name of the SVG
};

/// The compute table: model -> params, tokens, FLOPs (any may be missing).
struct compute_entry {
  std::optional<double> params, tokens, flops;
};

inline std::map<std::string, compute_entry> read_compute_table(const std::string& path) {
  std::map<std::string, compute_entry> out;
  if (path.empty()) return out;
  const csv_table t = read_csv(path);
  const std::size_t model = t.column("model");
  const auto params = t.find("params"), tokens = t.find("tokens"), flops = t.find("flops");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    compute_entry e;
    if (params) e.params = t.number(r, *params);
    if (tokens) e.tokens = t.number(r, *tokens);
    if (flops) e.flops = t.number(r, *flops);
    if (!out.emplace(t.rows[r][model], e).second) {
      throw parse_error(path, t.lines[r], "model", "'" + t.rows[r][model] + "' appears twice");
    }
  }
  return out;
}

/// Axis label for the x quantity.
inline std::string x_label_for(const task_spec& spec) {
  if (!spec.x_column.empty() && spec.x != "compute" && spec.x != "params" && spec.x != "tokens" && spec.x != "steps") {
    return spec.x_column;
  }
  if (spec.x == "params") return "parameters";
  if (spec.x == "tokens") return "training tokens";
  if (spec.x == "steps") return "training steps";
  return "training compute (FLOPs)";
}

/// 95% Wilson score interval for `k` successes in `n` trials (emergent::wilson_interval, Wilson 1927).
inline std::pair<double, double> wilson95(double k, double n) {
  const auto ci = emergent::wilson_interval(static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(n));
  return {ci.lower, ci.upper};
}

namespace detail {

inline bool keep_row(const csv_table& t, std::size_t r, const std::vector<std::pair<std::size_t, std::string>>& where) {
  for (const auto& [col, value] : where) {
    if (t.rows[r][col] != value) return false;
  }
  return true;
}

/// %.6g of a value, signed as it is.
inline std::string short_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// Reads a per-model metric value and its interval from row r; the value, n and correct are checked
/// (finite; in [0, 1] for a bounded metric; n a whole number >= 1; correct a whole number in [0, n] that
/// agrees with the value to within rounding), each error naming file:line and column.
inline estimate read_estimate(const csv_table& t, std::size_t r, const metric_spec& given) {
  // Companion columns named after the metric (M_n, M_lower/M_upper, M_stderr) are used unless the spec
  // names others.
  metric_spec m = given;
  if (m.n_column.empty() && !m.n && t.find(m.column + "_n")) m.n_column = m.column + "_n";
  if (m.lower_column.empty() && t.find(m.column + "_lower") && t.find(m.column + "_upper")) {
    m.lower_column = m.column + "_lower";
    m.upper_column = m.column + "_upper";
  }
  if (m.stderr_column.empty() && t.find(m.column + "_stderr")) m.stderr_column = m.column + "_stderr";
  estimate e;
  const std::size_t value_col = t.column(m.column);
  const auto v = t.number(r, value_col);
  if (!v) throw parse_error(t.file, t.lines[r], m.column, "empty value");
  e.value = *v;
  if (!std::isfinite(e.value)) {
    throw parse_error(t.file, t.lines[r], m.column, quote_cell(t.rows[r][value_col]) + " is not a finite number");
  }
  if (m.bounded01 && (e.value < 0 || e.value > 1)) {
    throw parse_error(t.file, t.lines[r], m.column, quote_cell(t.rows[r][value_col]) + " is outside [0, 1]");
  }
  if (!m.n_column.empty()) {
    const std::size_t nc = t.column(m.n_column);
    e.n = t.number(r, nc);
    if (e.n && !(*e.n >= 1 && *e.n == std::floor(*e.n) && *e.n < 9.0e15)) {
      throw parse_error(t.file, t.lines[r], m.n_column,
                        quote_cell(t.rows[r][nc]) + " is not a number of examples (a whole number, at least 1)");
    }
  }
  if (!e.n && m.n) e.n = m.n;
  // A count of correct examples is a whole number in [0, n] that agrees with the value.
  std::optional<double> correct;
  if (!m.correct_column.empty()) {
    const std::size_t cc = t.column(m.correct_column);
    correct = t.number(r, cc);
    if (correct) {
      const std::string cell = quote_cell(t.rows[r][cc]);
      if (!(*correct >= 0 && *correct == std::floor(*correct) && *correct < 9.0e15)) {
        throw parse_error(t.file, t.lines[r], m.correct_column,
                          cell + " is not a count of correct examples (a whole number, at least 0)");
      }
      if (e.n && *correct > *e.n) {
        throw parse_error(t.file, t.lines[r], m.correct_column,
                          cell + " correct examples is more than n = " + short_number(*e.n));
      }
      if (e.n && m.bounded01 && std::abs(*correct / *e.n - e.value) > 0.5 / *e.n + 1e-9) {
        throw parse_error(t.file, t.lines[r], m.correct_column,
                          cell + " correct of " + short_number(*e.n) + " is " + short_number(*correct / *e.n) +
                              " but " + m.column + " is " + quote_cell(t.rows[r][value_col]));
      }
    }
  }
  if (!m.lower_column.empty() && !m.upper_column.empty()) {
    const auto lo = t.number(r, t.column(m.lower_column)), hi = t.number(r, t.column(m.upper_column));
    if (lo && hi) {
      if (!(*lo <= e.value && e.value <= *hi)) {
        throw parse_error(t.file, t.lines[r], m.lower_column + "/" + m.upper_column,
                          "the interval [" + t.rows[r][t.column(m.lower_column)] + ", " +
                              t.rows[r][t.column(m.upper_column)] + "] does not contain the value " + t.rows[r][t.column(m.column)]);
      }
      e.lower = *lo;
      e.upper = *hi;
      e.interval = "given";
      return e;
    }
  }
  if (m.bounded01 && e.n && *e.n > 0) {
    const double k = correct ? *correct : e.value * *e.n;
    std::tie(e.lower, e.upper) = wilson95(std::round(k), *e.n);
    e.lower = std::min(e.lower, e.value);
    e.upper = std::max(e.upper, e.value);
    e.interval = "wilson";
    return e;
  }
  if (!m.stderr_column.empty()) {
    if (auto se = t.number(r, t.column(m.stderr_column))) {
      e.lower = e.value - 1.959963984540054 * *se;
      e.upper = e.value + 1.959963984540054 * *se;
      if (m.bounded01) {
        e.lower = std::max(0.0, e.lower);
        e.upper = std::min(1.0, e.upper);
      }
      if (m.log_scale && e.lower <= 0) e.lower = e.value / (1 + 1.959963984540054 * *se / e.value);
      e.interval = "normal (1.96 se)";
    }
  }
  return e;
}

}  // namespace detail

/// Finds the x quantity of one row: an explicit column, or the row's own flops/params/tokens columns,
/// or the compute table. Returns nothing (and the reason) when it is unknown.
inline std::optional<std::pair<double, std::string>> quantity_of(const csv_table& t, std::size_t r, const task_spec& s,
                                                                 const std::string& model,
                                                                 const std::map<std::string, compute_entry>& compute,
                                                                 std::string& why_not) {
  const auto cell = [&](const char* name) -> std::optional<double> {
    if (auto c = t.find(name)) return t.number(r, *c);
    return std::nullopt;
  };
  if (!s.x_column.empty()) {
    if (auto v = t.number(r, t.column(s.x_column))) return std::pair{*v, s.x_column + " column"};
    why_not = "empty " + s.x_column;
    return std::nullopt;
  }
  const auto found = compute.find(model);
  const compute_entry* c = found == compute.end() ? nullptr : &found->second;
  if (s.x == "compute") {
    if (auto f = cell("flops")) return std::pair{*f, std::string("flops column")};
    auto n = cell("params");
    auto d = cell("tokens");
    if (n && d) return std::pair{6 * *n * *d, std::string("6ND from the table's params and tokens")};
    if (c && c->flops) return std::pair{*c->flops, std::string("compute table flops")};
    if (!n && c) n = c->params;
    if (!d && c) d = c->tokens;
    if (n && d) return std::pair{6 * *n * *d, std::string("6ND from the compute table")};
    why_not = c ? "no FLOPs and no training tokens in the compute table" : "not in the compute table";
    return std::nullopt;
  }
  if (s.x == "params") {
    if (auto n = cell("params")) return std::pair{*n, std::string("params column")};
    if (auto n = cell("params_nominal")) return std::pair{*n, std::string("params_nominal column")};
    if (c && c->params) return std::pair{*c->params, std::string("compute table params")};
    why_not = "no parameter count";
    return std::nullopt;
  }
  if (s.x == "tokens") {
    if (auto d = cell("tokens")) return std::pair{*d, std::string("tokens column")};
    if (c && c->tokens) return std::pair{*c->tokens, std::string("compute table tokens")};
    why_not = "no token count";
    return std::nullopt;
  }
  if (s.x == "steps") {
    if (auto v = cell("checkpoint_step")) return std::pair{*v, std::string("checkpoint_step column")};
    if (auto v = cell("step")) return std::pair{*v, std::string("step column")};
    why_not = "no step column";
    return std::nullopt;
  }
  throw input_error("report: task '" + s.id + "': x: '" + s.x + "' is not one of compute, params, tokens, steps");
}

/// Reads a task's table and builds its series (points sorted by x). Rows whose x is unknown or not
/// positive are left out and listed in the task's notes.
inline task_result build_task(const task_spec& spec, const std::filesystem::path& base,
                              const std::map<std::string, compute_entry>& compute) {
  task_result out;
  out.spec = spec;
  out.hard_name = spec.hard.name.empty() ? spec.hard.column : spec.hard.name;
  if (spec.soft) out.soft_name = spec.soft->name.empty() ? spec.soft->column : spec.soft->name;
  out.x_label = x_label_for(spec);
  const std::filesystem::path path = spec.table == "-" || std::filesystem::path(spec.table).is_absolute()
                                        ? std::filesystem::path(spec.table)
                                        : base / spec.table;
  csv_table t = read_csv(path.string());
  // A long table (emergent score --per-model: model, task, metric, n, value, lower, upper, ...) is
  // pivoted so that each metric becomes a column with its companions M_lower, M_upper, M_n, M_stderr.
  if (!t.find(spec.hard.column) && t.find("metric") && t.find("value")) t = pivot_long(t);
  std::vector<std::pair<std::size_t, std::string>> where;
  for (const auto& [k, v] : spec.where) where.emplace_back(t.column(k), v);
  const std::size_t model_col = t.column(spec.model_column);
  const std::optional<std::size_t> series_col = t.find(spec.series_column);

  std::map<std::string, std::size_t> series_index;
  const auto series_for = [&](std::size_t r) -> series_result& {
    const std::string key = series_col ? t.rows[r][*series_col] : std::string("all models");
    const auto [it, inserted] = series_index.emplace(key, out.series.size());
    if (inserted) {
      out.series.push_back({});
      out.series.back().label = series_col ? spec.series_prefix + key + spec.series_suffix : key;
    }
    return out.series[it->second];
  };
  std::set<std::string> left_out;
  std::set<std::pair<std::string, std::string>> seen;

  if (spec.kind == "scores") {
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      if (!detail::keep_row(t, r, where)) continue;
      const std::string& model = t.rows[r][model_col];
      std::string why;
      const auto q = quantity_of(t, r, spec, model, compute, why);
      if (!q || !(q->first > 0)) {
        left_out.insert(model + " (" + (q ? spec.x + " = 0, not on a log axis" : why) + ")");
        continue;
      }
      series_result& s = series_for(r);
      if (!seen.emplace(s.label, model + "@" + std::to_string(q->first)).second) {
        throw parse_error(t.file, t.lines[r], spec.model_column,
                          "task '" + spec.id + "': model '" + model + "' appears twice at the same x; add a 'where' filter");
      }
      point p;
      p.model = model;
      p.quantity = q->first;
      p.x = std::log10(q->first);
      p.x_source = q->second;
      p.hard = detail::read_estimate(t, r, spec.hard);
      if (spec.soft) {
        const auto sv = t.number(r, t.column(spec.soft->column));
        if (sv) p.soft = detail::read_estimate(t, r, *spec.soft);
      }
      s.points.push_back(std::move(p));
    }
  } else if (spec.kind == "per_example") {
    // Group rows by (series, model); hard = mean of a 0/1 column, soft = mean of a column or the mean
    // probability of the gold option (softmax of the option log-likelihoods).
    // TODO(metrics): use the metrics layer's multiple-choice probability once it lands.
    struct acc {
      std::size_t row = 0;
      double n = 0, hard = 0;
      emergent::mean_accumulator soft;
      std::vector<double> hard_examples, soft_examples;  // for the bootstrap over examples
    };
    std::map<std::pair<std::string, std::string>, acc> groups;
    std::vector<std::pair<std::string, std::string>> order;
    const std::size_t hard_col = t.column(spec.hard.column);
    std::vector<std::size_t> option_cols;
    std::optional<std::size_t> gold_col, soft_col;
    if (spec.soft) {
      if (spec.soft->kind == "gold_option_probability") {
        for (const auto& o : spec.soft->options) option_cols.push_back(t.column(o));
        gold_col = t.column(spec.soft->gold_column);
      } else {
        soft_col = t.column(spec.soft->column);
      }
    }
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      if (!detail::keep_row(t, r, where)) continue;
      const std::string key = series_col ? t.rows[r][*series_col] : std::string("all models");
      const auto id = std::pair{key, t.rows[r][model_col]};
      auto [it, inserted] = groups.try_emplace(id);
      if (inserted) {
        it->second.row = r;
        order.push_back(id);
      }
      acc& a = it->second;
      const auto h = t.number(r, hard_col);
      if (!h) throw parse_error(t.file, t.lines[r], spec.hard.column, "empty value");
      if (!(*h >= 0 && *h <= 1)) {
        throw parse_error(t.file, t.lines[r], spec.hard.column,
                          quote_cell(t.rows[r][hard_col]) + " is outside [0, 1]: a hard score is a grade or a fraction");
      }
      a.n += 1;
      a.hard += *h;
      a.hard_examples.push_back(*h);
      if (spec.soft) {
        double v = 0;
        if (gold_col) {
          const auto g = t.number(r, *gold_col);
          if (!g || *g < 0 || *g >= static_cast<double>(option_cols.size()) || *g != std::floor(*g)) {
            throw parse_error(t.file, t.lines[r], spec.soft->gold_column, "not an option index");
          }
          double mx = -INFINITY;
          std::vector<double> ll;
          for (std::size_t c : option_cols) {
            const auto l = t.number(r, c);
            if (!l || *l > 0) throw parse_error(t.file, t.lines[r], t.header[c], "not a log-likelihood (<= 0)");
            ll.push_back(*l);
            mx = std::max(mx, *l);
          }
          double z = 0;
          for (double l : ll) z += std::exp(l - mx);
          v = std::exp(ll[static_cast<std::size_t>(*g)] - mx) / z;
        } else {
          const auto sv = t.number(r, *soft_col);
          if (!sv) throw parse_error(t.file, t.lines[r], spec.soft->column, "empty value");
          if (!std::isfinite(*sv)) {
            throw parse_error(t.file, t.lines[r], spec.soft->column, quote_cell(t.rows[r][*soft_col]) + " is not finite");
          }
          v = *sv;
        }
        a.soft(v);
        a.soft_examples.push_back(v);
      }
    }
    for (const auto& id : order) {
      acc& a = groups[id];
      std::string why;
      const auto q = quantity_of(t, a.row, spec, id.second, compute, why);
      if (!q || !(q->first > 0)) {
        left_out.insert(id.second + " (" + (q ? spec.x + " = 0" : why) + ")");
        continue;
      }
      series_result& s = series_for(a.row);
      point p;
      p.model = id.second;
      p.quantity = q->first;
      p.x = std::log10(q->first);
      p.x_source = q->second;
      p.hard.value = a.hard / a.n;
      p.hard.n = a.n;
      std::tie(p.hard.lower, p.hard.upper) = wilson95(a.hard, a.n);
      p.hard.interval = "wilson";
      if (spec.soft) {
        estimate e;
        e.value = a.soft.mean();
        e.n = a.n;
        if (a.soft.count() >= 2) {
          const auto ci = emergent::t_interval(a.soft);
          e.lower = ci.lower;
          e.upper = ci.upper;
          e.interval = "t";
        }
        p.soft = e;
      }
      p.hard_examples = std::move(a.hard_examples);
      p.soft_examples = std::move(a.soft_examples);
      s.points.push_back(std::move(p));
    }
  } else {
    throw input_error("report: task '" + spec.id + "': kind: '" + spec.kind + "' is not 'scores' or 'per_example'");
  }
  if (out.series.empty()) throw input_error("report: task '" + spec.id + "': no rows left after the filters");
  for (auto& s : out.series) {
    std::stable_sort(s.points.begin(), s.points.end(), [](const point& a, const point& b) { return a.x < b.x; });
  }
  for (const auto& l : left_out) out.notes.push_back("left out: " + l);
  return out;
}

}  // namespace emergent::cli::report
