// `emergent score`: re-scores evaluation dumps (lm-eval, HELM, Inspect, CSV/JSONL) under the metrics
// asked for, and writes per-example scores or per-model aggregates with intervals. See docs/formats.md.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <emergent/core/error.hpp>
#include <emergent/io.hpp>
#include <emergent/metrics/brier.hpp>
#include <emergent/metrics/conjunction.hpp>
#include <emergent/metrics/cross_entropy.hpp>
#include <emergent/metrics/edit_distance.hpp>
#include <emergent/metrics/exact_match.hpp>
#include <emergent/metrics/multiple_choice.hpp>
#include <emergent/stats/accumulators.hpp>
#include <emergent/stats/intervals.hpp>

#include "command.hpp"
#include "score/text_metrics.hpp"  // strip()

namespace emergent::cli::score {
namespace {

enum class metric_kind {
  exact_match,
  exact_match_stripped,
  edit_distance,
  brier,
  mc_grade,
  acc_norm,
  log_loss,
  log_likelihood,
  kofk,
  token_nll,
  stored
};

struct metric_def {
  std::string name;
  metric_kind kind;
  bool binary;        // 0/1 per example: Wilson interval on the rate
  std::string stored; // for kind == stored
};

metric_def parse_metric(const std::string& name) {
  static const std::map<std::string, std::pair<metric_kind, bool>> known = {
      {"exact_match", {metric_kind::exact_match, true}},
      {"exact_match_stripped", {metric_kind::exact_match_stripped, true}},
      {"edit_distance", {metric_kind::edit_distance, false}},
      {"brier", {metric_kind::brier, false}},
      {"mc_grade", {metric_kind::mc_grade, true}},
      {"acc", {metric_kind::mc_grade, true}},
      {"acc_norm", {metric_kind::acc_norm, true}},
      {"log_loss", {metric_kind::log_loss, false}},
      {"log_likelihood", {metric_kind::log_likelihood, false}},
      {"kofk", {metric_kind::kofk, false}},
      {"token_nll", {metric_kind::token_nll, false}},
  };
  if (name.rfind("stored:", 0) == 0 && name.size() > 7) return {name, metric_kind::stored, false, name.substr(7)};
  const auto it = known.find(name);
  if (it == known.end()) {
    std::string list;
    for (const auto& [k, v] : known) list += (list.empty() ? "" : ", ") + k;
    throw input_error("score: --metrics: unknown metric '" + name + "' (known: " + list + ", stored:NAME)");
  }
  return {name, it->second.first, it->second.second, ""};
}

[[noreturn]] void bad(const io::record& r, const std::string& metric, const std::string& message) {
  throw parse_error(r.source, r.line, metric, message);
}

std::size_t gold_of(const io::record& r, const std::string& metric) {
  if (r.gold == io::no_option) bad(r, metric, "the gold option is unknown");
  return r.gold;
}

/// One metric on one record; nullopt when the metric does not apply to this kind of record
/// (a generation metric on a log-likelihood request and the reverse): an empty cell, not an error.
std::optional<double> score_one(const metric_def& m, const io::record& r, std::vector<double>& scratch,
                              std::vector<double>& lengths) {
  try {
    switch (m.kind) {
      case metric_kind::exact_match:
      case metric_kind::exact_match_stripped: {
        if (!r.has_prediction) return std::nullopt;
        if (r.references.empty()) bad(r, m.name, "no reference to compare the prediction with");
        const bool strip = m.kind == metric_kind::exact_match_stripped;
        for (const auto& ref : r.references) {
          const bool match = strip ? exact_match(r.prediction, ref, [](std::string_view x) { return text::strip(x); })
                                   : exact_match(r.prediction, ref);
          if (match) return 1.0;
        }
        return 0.0;
      }
      case metric_kind::edit_distance: {
        if (!r.has_prediction) return std::nullopt;
        if (r.references.empty()) bad(r, m.name, "no reference to compare the prediction with");
        std::size_t best = static_cast<std::size_t>(-1);
        for (const auto& ref : r.references) {
          best = std::min(best, levenshtein_distance(std::string_view(r.prediction), std::string_view(ref)));
        }
        return static_cast<double>(best);
      }
      case metric_kind::brier: {
        if (r.options.empty()) return std::nullopt;
        scratch.clear();
        for (const auto& o : r.options) scratch.push_back(o.loglik);
        return brier_score_from_log_likelihoods(scratch, gold_of(r, m.name));
      }
      case metric_kind::log_loss: {
        if (r.options.empty()) return std::nullopt;
        scratch.clear();
        for (const auto& o : r.options) scratch.push_back(o.loglik);
        return cross_entropy_from_logits(scratch, gold_of(r, m.name));
      }
      case metric_kind::mc_grade:
      case metric_kind::acc_norm: {
        if (r.options.empty()) {
          if (r.chosen == io::no_option || m.kind == metric_kind::acc_norm) return std::nullopt;
          return r.chosen == gold_of(r, m.name) ? 1.0 : 0.0;  // the tool recorded the choice (HELM, Inspect)
        }
        const std::size_t gold = gold_of(r, m.name);
        scratch.clear();
        for (const auto& o : r.options) scratch.push_back(o.loglik);
        if (m.kind == metric_kind::mc_grade) return multiple_choice_grade(scratch, gold);
        lengths.clear();
        for (const auto& o : r.options) {
          if (o.chars == 0) bad(r, m.name, "option lengths unknown (the file has no option texts)");
          lengths.push_back(static_cast<double>(o.chars));
        }
        return multiple_choice_grade(scratch, lengths, gold);
      }
      case metric_kind::log_likelihood: {
        if (!r.options.empty()) return r.options[gold_of(r, m.name)].loglik;
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
    bad(r, m.name, e.what());
  }
  return std::nullopt;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

/// Shows progress on standard error when it is a terminal.
class progress_bar {
 public:
  progress_bar() : enabled_(isatty(STDERR_FILENO) != 0) {}
  void start(const std::string& file) {
    file_ = file;
    std::error_code ec;
    size_ = std::filesystem::file_size(file, ec);
    if (ec) size_ = 0;
    started_ = std::chrono::steady_clock::now();
    last_ = started_;
  }
  void update(std::size_t bytes) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200) && bytes < size_) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - started_).count();
    const double fraction = size_ > 0 ? std::min(1.0, static_cast<double>(bytes) / static_cast<double>(size_)) : 0.0;
    const int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::fprintf(stderr, "\r[%.*s%*s] %5.1f%% %8.1f MB/s  %s", filled, "##############################",
                 width - filled, "", 100 * fraction, seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0,
                 std::filesystem::path(file_).filename().string().c_str());
    shown_ = true;
  }
  void finish() {
    if (enabled_ && shown_) std::fprintf(stderr, "\r%*s\r", 100, "");
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::string file_;
  std::uintmax_t size_ = 0;
  std::chrono::steady_clock::time_point started_, last_;
};

struct group_scores {
  std::vector<binary_accumulator> binary;
  std::vector<mean_accumulator> mean;
  std::vector<binary_accumulator> stored01;  // stored scores while every value is 0 or 1
  std::vector<bool> only01;
};

struct options_t {
  std::string format = "lm-eval";
  std::string metrics = "auto";
  std::string compute;
  bool per_example = false;
  bool per_model = false;
  std::string out;
  std::vector<std::string> files;
  bool skip_bad = false;
  std::string filter;
  std::string model;
  std::string task;
  std::string map;
  std::string map_file;
  double level = 0.95;
};

void run(const options_t& o) {
  if (o.files.empty()) throw input_error("score: FILES: at least one file is required");
  if (o.per_example && o.per_model) throw input_error("score: --per-example and --per-model exclude each other");
  const bool per_model = !o.per_example;  // per-model aggregates are the default
  const bool json_out = o.out.size() > 5 && o.out.substr(o.out.size() - 5) == ".json";
  if (!o.out.empty() && !json_out && !(o.out.size() > 4 && o.out.substr(o.out.size() - 4) == ".csv")) {
    throw input_error("score: --out: '" + o.out + "' must end in .csv or .json");
  }
  std::optional<io::column_mapping> mapping;
  if (o.format == "csv" || o.format == "jsonl") {
    if (o.map.empty() && o.map_file.empty()) {
      throw input_error("score: --format " + o.format + " needs a column mapping (--map or --map-file)");
    }
    mapping = o.map.empty() ? io::read_column_mapping_file(o.map_file) : io::parse_column_mapping(o.map);
  }
  std::vector<io::compute_entry> compute;
  if (!o.compute.empty()) compute = io::read_compute_table_file(o.compute);

  std::vector<metric_def> metrics;
  bool auto_metrics = o.metrics == "auto";
  if (!auto_metrics) {
    std::string_view list = o.metrics;
    while (!list.empty()) {
      const auto comma = list.find(',');
      const std::string name(io::detail::trim_view(list.substr(0, comma)));
      if (!name.empty()) metrics.push_back(parse_metric(name));
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    if (metrics.empty()) throw input_error("score: --metrics: no metric named");
  }

  // Output: a file or standard output.
  std::ofstream file_out;
  if (!o.out.empty()) {
    file_out.open(o.out, std::ios::binary);
    if (!file_out) throw input_error("score: --out: cannot write '" + o.out + "'");
  }
  std::ostream& out = o.out.empty() ? std::cout : file_out;
  std::vector<char> out_buffer(1 << 20);
  if (!o.out.empty()) file_out.rdbuf()->pubsetbuf(out_buffer.data(), static_cast<std::streamsize>(out_buffer.size()));

  std::map<std::pair<std::string, std::string>, group_scores> groups;
  std::vector<double> scratch, lengths;
  std::vector<std::optional<double>> values;
  std::string line;
  bool header_written = false, first_json_row = true;
  auto write_header = [&]() {
    if (header_written) return;
    header_written = true;
    if (!per_model) {
      if (json_out) {
        out << "{\"records\": [";
      } else {
        out << "source,line,model,task,example_id";
        for (const auto& m : metrics) out << ',' << csv_field(m.name);
        out << '\n';
      }
    }
  };

  io::read_options ro;
  ro.skip_bad = o.skip_bad;
  ro.filter = o.filter;
  ro.model = o.model;
  ro.task = o.task;
  progress_bar bar;
  ro.progress = [&](std::size_t bytes) { bar.update(bytes); };

  const io::record_sink sink = [&](const io::record& r) {
    if (auto_metrics) {  // from the first record: generations or option log-likelihoods
      if (!r.options.empty()) {
        for (const char* n : {"mc_grade", "brier", "log_loss"}) metrics.push_back(parse_metric(n));
      } else {
        for (const char* n : {"exact_match", "edit_distance"}) metrics.push_back(parse_metric(n));
      }
      auto_metrics = false;
    }
    write_header();
    values.resize(metrics.size());
    for (std::size_t i = 0; i < metrics.size(); ++i) values[i] = score_one(metrics[i], r, scratch, lengths);
    if (per_model) {
      auto& g = groups[{r.model, r.task}];
      if (g.binary.empty()) {
        g.binary.resize(metrics.size());
        g.mean.resize(metrics.size());
        g.stored01.resize(metrics.size());
        g.only01.assign(metrics.size(), true);
      }
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        if (!values[i]) continue;
        if (metrics[i].binary) {
          g.binary[i](*values[i] != 0.0);
        } else {
          g.mean[i](*values[i]);
          if (metrics[i].kind == metric_kind::stored) {
            if (*values[i] == 0.0 || *values[i] == 1.0) {
              g.stored01[i](*values[i] == 1.0);
            } else {
              g.only01[i] = false;
            }
          }
        }
      }
      return;
    }
    line.clear();
    if (json_out) {
      line += first_json_row ? "\n  {" : ",\n  {";
      first_json_row = false;
      line += "\"source\": " + json_string(r.source) + ", \"line\": " + std::to_string(r.line) +
              ", \"model\": " + json_string(r.model) + ", \"task\": " + json_string(r.task) +
              ", \"example_id\": " + json_string(r.example_id);
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        line += ", " + json_string(metrics[i].name) + ": " + (values[i] ? number(*values[i]) : std::string("null"));
      }
      line += '}';
    } else {
      line += csv_field(r.source);
      line += ',';
      line += std::to_string(r.line);
      line += ',';
      line += csv_field(r.model);
      line += ',';
      line += csv_field(r.task);
      line += ',';
      line += csv_field(r.example_id);
      for (const auto& v : values) {
        line += ',';
        if (v) line += number(*v);
      }
      line += '\n';
    }
    out << line;
  };

  io::read_summary total;
  for (const auto& path : o.files) {
    bar.start(path);
    io::read_summary s;
    if (o.format == "lm-eval") {
      s = io::read_lm_eval_samples_file(path, ro, sink);
    } else if (o.format == "lm-eval-v03") {
      s = io::read_lm_eval_write_out_file(path, ro, sink);
    } else if (o.format == "helm") {
      const bool dir = std::filesystem::is_directory(path);
      s = io::read_helm_scenario_state_file(dir ? path + "/scenario_state.json" : path, ro, sink);
    } else if (o.format == "inspect") {
      s = io::read_inspect_log_file(path, ro, sink);
    } else if (o.format == "csv") {
      s = io::read_csv_file(path, *mapping, ro, sink);
    } else {
      s = io::read_jsonl_file(path, *mapping, ro, sink);
    }
    bar.finish();
    total.read += s.read;
    total.delivered += s.delivered;
    total.skipped += s.skipped;
    total.ignored += s.ignored;
    for (auto& e : s.first_errors) {
      if (total.first_errors.size() < 10) total.first_errors.push_back(std::move(e));
    }
  }
  write_header();

  bool any_derived = false;
  if (per_model) {
    if (json_out) {
      out << "{\"aggregates\": [";
    } else {
      out << "model,task,metric,n,value,lower,upper,stderr,interval,params,tokens,flops,flops_derived\n";
    }
    bool first = true;
    for (const auto& [key, g] : groups) {
      const io::compute_entry* c = io::find_compute(compute, key.first);
      if (c != nullptr && c->flops_derived) any_derived = true;
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        // 0/1 scores (and stored scores that were all 0 or 1, like Inspect's C/I): a rate with a Wilson interval.
        const bool rate = metrics[i].binary || (metrics[i].kind == metric_kind::stored && g.only01[i]);
        const binary_accumulator& counts = metrics[i].binary ? g.binary[i] : g.stored01[i];
        std::uint64_t n = rate ? counts.count() : g.mean[i].count();
        if (n == 0) continue;
        double value = 0;
        std::optional<double> lower, upper, se;
        std::string interval;
        if (rate) {
          value = counts.proportion();
          const auto ci = wilson_interval(counts, o.level);
          lower = ci.lower;
          upper = ci.upper;
          se = std::sqrt(value * (1 - value) / static_cast<double>(n));
          interval = "wilson";
        } else {
          value = g.mean[i].mean();
          if (n >= 2) {
            const auto ci = t_interval(g.mean[i], o.level);
            lower = ci.lower;
            upper = ci.upper;
            se = g.mean[i].standard_error();
            interval = "t";
          }
        }
        auto opt = [&](const std::optional<double>& v) { return v ? number(*v) : std::string(json_out ? "null" : ""); };
        if (json_out) {
          out << (first ? "\n  {" : ",\n  {") << "\"model\": " << json_string(key.first)
              << ", \"task\": " << json_string(key.second) << ", \"metric\": " << json_string(metrics[i].name)
              << ", \"n\": " << n << ", \"value\": " << number(value) << ", \"lower\": " << opt(lower)
              << ", \"upper\": " << opt(upper) << ", \"stderr\": " << opt(se)
              << ", \"interval\": " << (interval.empty() ? "null" : json_string(interval))
              << ", \"params\": " << opt(c ? c->parameters : std::nullopt)
              << ", \"tokens\": " << opt(c ? c->tokens : std::nullopt)
              << ", \"flops\": " << opt(c ? c->flops : std::nullopt)
              << ", \"flops_derived\": " << (c && c->flops_derived ? "true" : "false") << '}';
        } else {
          out << csv_field(key.first) << ',' << csv_field(key.second) << ',' << csv_field(metrics[i].name) << ',' << n
              << ',' << number(value) << ',' << opt(lower) << ',' << opt(upper) << ',' << opt(se) << ',' << interval
              << ',' << opt(c ? c->parameters : std::nullopt) << ',' << opt(c ? c->tokens : std::nullopt) << ','
              << opt(c ? c->flops : std::nullopt) << ',' << (c ? (c->flops_derived ? "true" : "false") : "") << '\n';
        }
        first = false;
      }
    }
  }
  if (json_out) {
    out << "\n], \"summary\": {\"read\": " << total.read << ", \"scored\": " << total.delivered
        << ", \"skipped\": " << total.skipped << ", \"ignored\": " << total.ignored
        << ", \"flops_derived_as_6ND\": " << (any_derived ? "true" : "false") << "}}\n";
  }
  out.flush();
  std::cerr << "emergent score: read " << total.read << ", scored " << total.delivered << ", skipped " << total.skipped;
  if (total.ignored > 0) std::cerr << " (" << total.ignored << " records of other filters ignored)";
  std::cerr << '\n';
  for (const auto& e : total.first_errors) std::cerr << "  skipped: " << e << '\n';
  if (total.skipped > total.first_errors.size()) {
    std::cerr << "  ... and " << total.skipped - total.first_errors.size() << " more\n";
  }
  if (any_derived) std::cerr << "emergent score: FLOPs of some models were derived as 6*N*D (flops_derived=true)\n";
}

void setup(CLI::App& app) {
  auto o = std::make_shared<options_t>();
  auto* cmd = app.add_subcommand("score", "Re-score evaluation dumps: per-example scores or per-model aggregates");
  cmd->add_option("--format", o->format, "lm-eval, lm-eval-v03, helm, inspect, csv or jsonl")
      ->check(CLI::IsMember({"lm-eval", "lm-eval-v03", "helm", "inspect", "csv", "jsonl"}))
      ->capture_default_str();
  cmd->add_option("--metrics", o->metrics,
                  "comma-separated: exact_match, exact_match_stripped, edit_distance, brier, mc_grade (acc), "
                  "acc_norm, log_loss, log_likelihood, kofk, token_nll, stored:NAME; auto picks from the first record")
      ->capture_default_str();
  cmd->add_option("--compute", o->compute, "compute table (CSV: model, params, tokens, flops)");
  cmd->add_flag("--per-example", o->per_example, "one row per example");
  cmd->add_flag("--per-model", o->per_model, "one row per (model, task, metric) with an interval (default)");
  cmd->add_option("--out", o->out, "output file, .csv or .json (default: CSV on standard output)");
  cmd->add_flag("--skip-bad", o->skip_bad, "skip malformed records (counted and listed) instead of stopping");
  cmd->add_option("--filter", o->filter, "lm-eval: only this filter (a document appears once per filter)");
  cmd->add_option("--model", o->model, "model name for every record (overrides the file)");
  cmd->add_option("--task", o->task, "task name for every record (overrides the file)");
  cmd->add_option("--map", o->map, "csv/jsonl column mapping: key=column,... (see docs/formats.md)");
  cmd->add_option("--map-file", o->map_file, "csv/jsonl column mapping file: key = column per line");
  cmd->add_option("--level", o->level, "confidence level of the intervals")->capture_default_str();
  cmd->add_option("files", o->files, "input files (helm: a run folder or its scenario_state.json)")->required();
  cmd->callback([o]() { run(*o); });
}

const register_command registration{"score", setup};

}  // namespace
}  // namespace emergent::cli::score
