// Output of `emergent score` and `emergent merge`: the per-model table (CSV or JSON) from a
// scoring::scorer, the JSON summary, and the summary lines on standard error. Both commands write
// through these functions, so a merged table is byte for byte the table of one score run.
#pragma once

#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <emergent/io/compute.hpp>
#include <emergent/scoring/results.hpp>
#include <emergent/scoring/scorer.hpp>

namespace emergent::cli::score {

inline std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

inline std::string json_string(std::string_view s) {
  std::string out;
  scoring::detail::json_quote(out, s);
  return out;
}

inline std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

/// Writes the per-model rows (CSV with its header, or the opening of the JSON object and its rows)
/// joined with the compute table; returns whether some FLOPs were derived as 6ND.
inline bool write_per_model(std::ostream& out, const scoring::scorer& sc, const std::vector<io::compute_entry>& compute,
                            bool json_out) {
  const std::vector<scoring::result_row> rows = scoring::results(sc);  // throws before anything is written
  if (json_out) {
    out << "{\"aggregates\": [";
  } else {
    out << "model,task,metric,n,value,lower,upper,stderr,interval,params,tokens,flops,flops_derived\n";
  }
  bool any_derived = false;
  for (const auto& [model, task] : sc.groups()) {
    const io::compute_entry* c = io::find_compute(compute, model);
    if (c != nullptr && c->flops_derived) any_derived = true;
  }
  bool first = true;
  for (const auto& row : rows) {
    const io::compute_entry* c = io::find_compute(compute, row.model);
    auto opt = [&](const std::optional<double>& v) { return v ? number(*v) : std::string(json_out ? "null" : ""); };
    if (json_out) {
      out << (first ? "\n  {" : ",\n  {") << "\"model\": " << json_string(row.model)
          << ", \"task\": " << json_string(row.task) << ", \"metric\": " << json_string(row.metric)
          << ", \"n\": " << row.n << ", \"value\": " << number(row.value) << ", \"lower\": " << opt(row.lower)
          << ", \"upper\": " << opt(row.upper) << ", \"stderr\": " << opt(row.stderr_)
          << ", \"interval\": " << (row.interval.empty() ? "null" : json_string(row.interval))
          << ", \"params\": " << opt(c ? c->parameters : std::nullopt)
          << ", \"tokens\": " << opt(c ? c->tokens : std::nullopt)
          << ", \"flops\": " << opt(c ? c->flops : std::nullopt)
          << ", \"flops_derived\": " << (c && c->flops_derived ? "true" : "false") << '}';
    } else {
      out << csv_field(row.model) << ',' << csv_field(row.task) << ',' << csv_field(row.metric) << ',' << row.n << ','
          << number(row.value) << ',' << opt(row.lower) << ',' << opt(row.upper) << ',' << opt(row.stderr_) << ','
          << row.interval << ',' << opt(c ? c->parameters : std::nullopt) << ','
          << opt(c ? c->tokens : std::nullopt) << ',' << opt(c ? c->flops : std::nullopt) << ','
          << (c ? (c->flops_derived ? "true" : "false") : "") << '\n';
    }
    first = false;
  }
  return any_derived;
}

/// Writes the closing of the JSON output: the summary object.
inline void write_json_summary(std::ostream& out, const scoring::scorer& sc, bool any_derived) {
  const auto& total = sc.summary();
  out << "\n], \"summary\": {\"read\": " << total.read << ", \"scored\": " << total.delivered
      << ", \"skipped\": " << total.skipped << ", \"ignored\": " << total.ignored << ", \"per_metric\": {";
  for (std::size_t i = 0; i < sc.metrics().size(); ++i) {
    out << (i ? ", " : "") << json_string(sc.metrics()[i].name) << ": {\"scored\": " << sc.counts()[i].scored
        << ", \"not_applicable\": " << sc.counts()[i].not_applicable << "}";
  }
  const auto [generations, failed] = sc.extraction_counts();
  out << "}, \"generations\": " << generations << ", \"extraction_failed\": " << failed
      << ", \"flops_derived_as_6ND\": " << (any_derived ? "true" : "false") << "}}\n";
}

/// The summary on standard error: "read N, scored N, skipped N", per-metric counts when some metric
/// did not apply to some records, the first skipped records.
/// `filter_given`: whether --filter chose a filter (else the ignored lines are openai/evals lines that
/// hold no record: spec, final report, events other than match).
inline void report_summary(const char* command, const scoring::scorer& sc, bool any_derived, bool filter_given = true) {
  const auto& total = sc.summary();
  const bool uniform = sc.uniform();
  std::cerr << "emergent " << command << ": read " << total.read;
  if (uniform) {
    std::cerr << ", scored " << total.delivered;
  } else {
    std::cerr << ", delivered " << total.delivered;
  }
  std::cerr << ", skipped " << total.skipped;
  if (total.ignored > 0) {
    std::cerr << " (" << total.ignored
              << (filter_given ? " records of other filters ignored)"
                               : " lines that hold no record ignored: openai/evals spec, report and non-match events)");
  }
  std::cerr << '\n';
  if (!uniform) {
    for (std::size_t i = 0; i < sc.metrics().size(); ++i) {
      const auto& c = sc.counts()[i];
      std::cerr << "  " << sc.metrics()[i].name << ": scored " << c.scored;
      if (c.not_applicable > 0) {
        std::cerr << ", not applicable to " << c.not_applicable << " ("
                  << scoring::not_applicable_reason(sc.metrics()[i].kind) << ")";
      }
      std::cerr << '\n';
    }
  }
  for (const auto& e : total.first_errors) std::cerr << "  skipped: " << e << '\n';
  if (total.skipped > total.first_errors.size()) {
    std::cerr << "  ... and " << total.skipped - total.first_errors.size() << " more\n";
  }
  if (any_derived) {
    std::cerr << "emergent " << command << ": FLOPs of some models were derived as 6*N*D (flops_derived=true)\n";
  }
  // What auto picked and why, failed answer extractions, agreement with stored scores, placeholders.
  for (const auto& n : sc.notes()) std::cerr << "emergent " << command << ": " << n << '\n';
}

/// Runs f(); an input_error of the library comes back with the command's prefix ("score: "), a
/// parse_error as it is.
template <class F>
decltype(auto) prefixed(const char* prefix, F&& f) {
  try {
    return f();
  } catch (const parse_error&) {
    throw;
  } catch (const input_error& e) {
    throw input_error(prefix + std::string(e.what()));
  }
}

}  // namespace emergent::cli::score
