// `emergent score`: re-scores evaluation dumps (lm-eval, HELM, Inspect, CSV/JSONL) under the metrics
// asked for, and writes per-example scores or per-model aggregates with intervals. See docs/formats.md.
#include <unistd.h>

#include <algorithm>
#include <cmath>
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
#include <unordered_map>
#include <vector>

#include <emergent/core/error.hpp>
#include <emergent/io.hpp>
#include <emergent/io/detect_format.hpp>
#include <emergent/io/dispatch.hpp>
#include <emergent/metrics/brier.hpp>
#include <emergent/metrics/conjunction.hpp>
#include <emergent/metrics/cross_entropy.hpp>
#include <emergent/metrics/edit_distance.hpp>
#include <emergent/metrics/exact_match.hpp>
#include <emergent/metrics/multiple_choice.hpp>
#include <emergent/stats/accumulators.hpp>
#include <emergent/stats/intervals.hpp>

#include "command.hpp"
#include "output_file.hpp"
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

/// %.6g, for numbers in messages (signed as they are).
std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
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

/// Why a metric did not apply to a record (the count of such records is printed per metric).
const char* not_applicable_reason(metric_kind k) {
  switch (k) {
    case metric_kind::exact_match:
    case metric_kind::exact_match_stripped:
    case metric_kind::edit_distance: return "no generated text (log-likelihood requests)";
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

struct group_scores {
  std::vector<binary_accumulator> binary;
  std::vector<mean_accumulator> mean;
  std::vector<binary_accumulator> stored01;  // stored scores while every value is 0 or 1
  std::vector<bool> only01;
  std::vector<double> largest;               // largest |value| per metric, and where it was
  std::vector<std::string> largest_at;
};

struct options_t {
  std::string format = "auto";
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
  bool level_given = false;
  std::size_t max_tokens = 100000;
};

/// The file a HELM run folder stands for.
std::string input_path(const options_t& o, const std::string& path) {
  if (o.format == "helm" && std::filesystem::is_directory(path)) return path + "/scenario_state.json";
  return path;
}

/// Every check that needs no record: options, their combinations, the input files and the output.
void check_options(const options_t& o) {
  if (o.files.empty()) throw input_error("score: FILES: at least one file is required");
  if (o.per_example && o.per_model) throw input_error("score: --per-example and --per-model exclude each other");
  const bool json_out = o.out.size() > 5 && o.out.substr(o.out.size() - 5) == ".json";
  if (!o.out.empty() && !json_out && !(o.out.size() > 4 && o.out.substr(o.out.size() - 4) == ".csv")) {
    throw input_error("score: --out: '" + o.out + "' must end in .csv or .json");
  }
  if (!(o.level > 0 && o.level < 1)) {
    throw input_error("score: --level: " + short_number(o.level) + " is not a confidence level between 0 and 1 (e.g. 0.95)");
  }
  if (o.per_example && o.level_given) throw input_error("score: --level: has no effect with --per-example (no intervals)");
  if (o.per_example && !o.compute.empty()) {
    throw input_error("score: --compute: has no effect with --per-example (compute is joined to per-model rows)");
  }
  if (o.max_tokens == 0) throw input_error("score: --max-tokens: must be at least 1");
  const bool mapped = o.format == "csv" || o.format == "jsonl";
  if (!mapped && (!o.map.empty() || !o.map_file.empty())) {
    throw input_error("score: --" + std::string(o.map.empty() ? "map-file" : "map") + ": only --format csv or jsonl reads a column mapping (--format " + o.format + " knows its fields)");
  }
  if (!o.map.empty() && !o.map_file.empty()) {
    throw input_error("score: --map and --map-file: give one column mapping, not two");
  }
  if (mapped && o.map.empty() && o.map_file.empty()) {
    throw input_error("score: --format " + o.format + " needs a column mapping (--map or --map-file)");
  }
  std::vector<std::string> inputs;
  for (const auto& f : o.files) {
    check_input_file(f, "score: FILES", o.format == "helm");
    if (o.format == "helm" && std::filesystem::is_directory(f)) {
      check_input_file(input_path(o, f), "score: FILES (a HELM run folder holds scenario_state.json)");
    }
    inputs.push_back(input_path(o, f));
  }
  check_distinct_inputs(inputs, "score: FILES");
  if (!o.compute.empty()) {
    check_input_file(o.compute, "score: --compute");
    inputs.push_back(o.compute);
  }
  if (!o.map_file.empty()) {
    check_input_file(o.map_file, "score: --map-file");
    inputs.push_back(o.map_file);
  }
  if (!o.out.empty()) check_not_an_input(o.out, inputs, "score: --out");
  if (o.format == "lm-eval" && o.task.empty()) {
    for (const auto& f : o.files) {
      if (io::detail::lm_eval_sample_name(f).first.empty()) {
        throw input_error("score: '" + f +
                          "': the task cannot be derived from the file name (lm-eval writes "
                          "samples_<task>_<date>.jsonl): give it with --task");
      }
    }
  }
}

/// `--format auto`: the format of every input from its name and first bytes; all must agree. With a
/// column mapping (--map, --map-file) a .csv input is csv and any other jsonl.
std::string resolve_format(const options_t& o) {
  for (const auto& f : o.files) check_input_file(f, "score: FILES", true);
  std::string found, first_file, why;
  for (const auto& f : o.files) {
    std::string name;
    std::string reason;
    if (!o.map.empty() || !o.map_file.empty()) {
      std::string base = std::filesystem::path(f).filename().string();
      for (const char* ext : {".gz", ".zst"}) {
        const std::string e(ext);
        if (base.size() > e.size() && base.compare(base.size() - e.size(), e.size(), e) == 0) base.resize(base.size() - e.size());
      }
      const bool csv = base.size() > 4 && base.compare(base.size() - 4, 4, ".csv") == 0;
      name = csv ? "csv" : "jsonl";
      reason = "a column mapping was given";
    } else {
      io::detected_format d;
      try {
        d = io::detect_input_format(f);
      } catch (const input_error& e) {
        throw input_error(std::string("score: --format auto: ") + e.what());
      }
      name = d.name();
      reason = d.why;
    }
    if (found.empty()) {
      found = name;
      first_file = f;
      why = reason;
    } else if (name != found) {
      throw input_error("score: --format auto: '" + first_file + "' is " + found + " (" + why + ") but '" + f + "' is " +
                        name + " (" + reason + "): give files of one format, or --format");
    }
  }
  return found;
}

/// `--format lm-eval-results` / `lm-eval-table`: aggregate numbers that lm-eval already computed,
/// one row per (model, revision, task, metric, filter): the points of per-model (or per-checkpoint) curves.
void run_aggregates(const options_t& o) {
  const bool table = o.format == "lm-eval-table";
  if (o.files.empty()) throw input_error("score: FILES: at least one file is required");
  auto refuse = [&](bool given, const std::string& option) {
    if (given) throw input_error("score: " + option + ": has no effect with --format " + o.format + " (it reads numbers lm-eval already computed)");
  };
  refuse(o.per_example, "--per-example");
  refuse(!o.map.empty(), "--map");
  refuse(!o.map_file.empty(), "--map-file");
  refuse(o.level_given, "--level");
  refuse(o.skip_bad, "--skip-bad");
  refuse(!table && !o.model.empty(), "--model");
  const bool json_out = o.out.size() > 5 && o.out.substr(o.out.size() - 5) == ".json";
  if (!o.out.empty() && !json_out && !(o.out.size() > 4 && o.out.substr(o.out.size() - 4) == ".csv")) {
    throw input_error("score: --out: '" + o.out + "' must end in .csv or .json");
  }
  std::vector<std::string> inputs;
  for (const auto& f : o.files) {
    check_input_file(f, "score: FILES", !table);
    inputs.push_back(f);
  }
  check_distinct_inputs(inputs, "score: FILES");
  if (!o.compute.empty()) {
    check_input_file(o.compute, "score: --compute");
    inputs.push_back(o.compute);
  }
  if (!o.out.empty()) check_not_an_input(o.out, inputs, "score: --out");
  std::vector<std::string> wanted;  // --metrics: the metric names to keep (auto: all)
  if (o.metrics != "auto") {
    for (const auto& m : io::detail::split_list(o.metrics)) wanted.push_back(m);
    if (wanted.empty()) throw input_error("score: --metrics: no metric named");
  }
  std::vector<io::aggregate_result> rows;
  if (table) {
    for (const auto& f : o.files) {
      auto part = io::read_lm_eval_table_file(f, o.model);
      for (auto& r : part) {
        if (r.model.empty()) {
          throw input_error("score: '" + f + "': the printed table does not name the model (no 'pretrained=' line above it): give it with --model");
        }
      }
      rows.insert(rows.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
  } else {
    rows = io::read_lm_eval_results_collection(o.files);
  }
  const std::size_t read = rows.size();
  std::vector<io::aggregate_result> kept;
  for (auto& r : rows) {
    if (!o.filter.empty() && r.filter != o.filter) continue;
    if (!o.task.empty() && r.task != o.task) continue;
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), r.metric) == wanted.end()) continue;
    kept.push_back(std::move(r));
  }
  if (read > 0 && kept.empty()) {
    throw input_error("score: no row of the " + std::to_string(read) + " read has the --filter/--task/--metrics asked for");
  }
  std::vector<io::compute_entry> compute;
  if (!o.compute.empty()) compute = io::read_compute_table_file(o.compute);
  std::optional<output_file> file_out;
  if (!o.out.empty()) file_out.emplace(o.out, "score: --out");
  std::ostream& out = file_out ? file_out->stream() : std::cout;
  auto opt = [&](const std::optional<double>& v) { return v ? number(*v) : std::string(json_out ? "null" : ""); };
  if (json_out) {
    out << "{\"rows\": [";
  } else {
    out << "model,revision,task,parent,is_group,metric,filter,num_fewshot,n,value,stderr,source,params,tokens,flops,flops_derived\n";
  }
  bool first = true;
  for (const auto& r : kept) {
    const io::compute_entry* c = io::find_compute(compute, r.model);
    if (json_out) {
      out << (first ? "\n  {" : ",\n  {") << "\"model\": " << json_string(r.model) << ", \"revision\": " << json_string(r.revision)
          << ", \"task\": " << json_string(r.task) << ", \"parent\": " << json_string(r.parent)
          << ", \"is_group\": " << (r.is_group ? "true" : "false") << ", \"metric\": " << json_string(r.metric)
          << ", \"filter\": " << json_string(r.filter) << ", \"num_fewshot\": " << opt(r.num_fewshot)
          << ", \"n\": " << opt(r.n) << ", \"value\": " << number(r.value) << ", \"stderr\": " << opt(r.stderr_value)
          << ", \"source\": " << json_string(r.source) << ", \"params\": " << opt(c ? c->parameters : std::nullopt)
          << ", \"tokens\": " << opt(c ? c->tokens : std::nullopt) << ", \"flops\": " << opt(c ? c->flops : std::nullopt)
          << ", \"flops_derived\": " << (c && c->flops_derived ? "true" : "false") << '}';
    } else {
      out << csv_field(r.model) << ',' << csv_field(r.revision) << ',' << csv_field(r.task) << ',' << csv_field(r.parent) << ','
          << (r.is_group ? "true" : "false") << ',' << csv_field(r.metric) << ',' << csv_field(r.filter) << ','
          << opt(r.num_fewshot) << ',' << opt(r.n) << ',' << number(r.value) << ',' << opt(r.stderr_value) << ','
          << csv_field(r.source) << ',' << opt(c ? c->parameters : std::nullopt) << ',' << opt(c ? c->tokens : std::nullopt)
          << ',' << opt(c ? c->flops : std::nullopt) << ',' << (c ? (c->flops_derived ? "true" : "false") : "") << '\n';
    }
    first = false;
  }
  if (json_out) out << "\n], \"summary\": {\"read\": " << read << ", \"written\": " << kept.size() << "}}\n";
  if (file_out) {
    file_out->commit();
  } else {
    check_stdout();
  }
  std::cerr << "emergent score: read " << read << " rows from " << o.files.size() << (o.files.size() == 1 ? " path" : " paths")
            << ", wrote " << kept.size() << '\n';
}

void run(const options_t& given) {
  options_t o = given;
  if (o.format == "auto" && !o.files.empty()) o.format = resolve_format(o);
  if (o.format == "lm-eval-results" || o.format == "lm-eval-table") {
    run_aggregates(o);
    return;
  }
  check_options(o);
  const bool per_model = !o.per_example;  // per-model aggregates are the default
  const bool json_out = o.out.size() > 5 && o.out.substr(o.out.size() - 5) == ".json";
  std::optional<io::column_mapping> mapping;
  if (o.format == "csv" || o.format == "jsonl") {
    mapping = o.map.empty() ? io::read_column_mapping_file(o.map_file) : io::parse_column_mapping(o.map);
    if (mapping->task.empty() && o.task.empty()) {
      throw input_error("score: --format " + o.format + ": no task: map a task column (task=COLUMN) or give --task");
    }
    if (mapping->model.empty() && o.model.empty()) {
      throw input_error("score: --format " + o.format + ": no model: map a model column (model=COLUMN) or give --model");
    }
  }
  std::vector<io::compute_entry> compute;
  if (!o.compute.empty()) {
    compute = io::read_compute_table_file(o.compute);
    for (const auto& c : compute) {
      for (const auto& [v, name] : {std::pair{c.parameters, "params"}, std::pair{c.tokens, "tokens"}, std::pair{c.flops, "flops"}}) {
        if (v && !std::isfinite(*v)) {
          throw parse_error(o.compute, c.line, name,
                            std::string(c.flops_derived && std::string(name) == "flops" ? "6 * params * tokens" : name) +
                                " of model '" + c.model + "' overflows a double (larger than 1.8e308)");
        }
      }
    }
  }

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
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      for (std::size_t k = 0; k < i; ++k) {
        if (metrics[k].name == metrics[i].name) throw input_error("score: --metrics: '" + metrics[i].name + "' is named twice");
      }
    }
  }

  // Output: a file written atomically (renamed into place at the end), or standard output.
  std::optional<output_file> file_out;
  if (!o.out.empty()) file_out.emplace(o.out, "score: --out");
  std::ostream& out = file_out ? file_out->stream() : std::cout;
  const std::string out_name = o.out.empty() ? std::string("standard output") : "'" + o.out + "'";

  std::map<std::pair<std::string, std::string>, group_scores> groups;
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> filter_of;  // -> filter, where
  std::unordered_map<std::uint64_t, std::size_t> seen_docs;  // hash of (model, task, filter, id) -> file index
  std::vector<std::size_t> scored(0), not_applicable(0);
  std::size_t file_index = 0;
  std::vector<double> scratch, lengths;
  std::vector<mean_accumulator> staged;
  std::vector<std::optional<double>> values;
  std::string line;
  bool header_written = false, first_json_row = true;
  auto write_header = [&]() {
    if (header_written) return;
    header_written = true;
    scored.assign(metrics.size(), 0);
    not_applicable.assign(metrics.size(), 0);
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

  const io::input_format format = io::parse_input_format(o.format);
  io::reader_context context;  // one line buffer and parser for every file
  io::input_options ro;
  ro.mapping = mapping;
  ro.skip_bad = o.skip_bad;
  ro.filter = o.filter;
  ro.model = o.model;
  ro.task = o.task;
  progress_bar bar;
  ro.progress = [&](std::size_t bytes) { bar.update(bytes); };

  const io::record_sink sink = [&](const io::record& r) {
    // One key per document: (model, task, filter, example id); names are never empty.
    if (r.model.empty()) {
      if (mapping && !mapping->model.empty()) throw parse_error(r.source, r.line, mapping->model, "empty model name");
      throw input_error("score: '" + r.source + "': the model cannot be derived from the file: give it with --model");
    }
    if (r.task.empty()) {
      if (mapping && !mapping->task.empty()) throw parse_error(r.source, r.line, mapping->task, "empty task name");
      throw input_error("score: '" + r.source + "': the task cannot be derived from the file: give it with --task");
    }
    const auto mt = std::pair{r.model, r.task};
    auto [f, new_task] = filter_of.try_emplace(mt, r.filter, r.source + ":" + std::to_string(r.line));
    if (!new_task && f->second.first != r.filter) {
      throw input_error("score: " + r.source + ":" + std::to_string(r.line) + ": model '" + r.model + "', task '" +
                        r.task + "': documents under the filter '" + r.filter + "' here and '" + f->second.first +
                        "' at " + f->second.second +
                        ": each document would count once per filter; choose one with --filter");
    }
    if (o.files.size() > 1) {
      std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the key
      for (const std::string* part : {&r.model, &r.task, &r.filter, &r.example_id}) {
        for (unsigned char c : *part) h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0x1fu) * 1099511628211ull;
      }
      auto [d, fresh] = seen_docs.try_emplace(h, file_index);
      if (!fresh && d->second != file_index) {
        throw input_error("score: document '" + r.example_id + "' (model '" + r.model + "', task '" + r.task +
                          "', filter '" + r.filter + "') is in both '" + o.files[d->second] + "' and " + r.source +
                          ":" + std::to_string(r.line) + ": it would be counted twice (give each file once)");
      }
    }
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
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      if (metrics[i].kind == metric_kind::edit_distance && r.has_prediction) {
        std::size_t longest = r.prediction.size();
        for (const auto& ref : r.references) longest = std::max(longest, ref.size());
        if (longest > o.max_tokens) {
          bad(r, metrics[i].name, "a text of " + std::to_string(longest) + " characters is longer than --max-tokens " +
                                      std::to_string(o.max_tokens) +
                                      " (edit distance takes time proportional to the product of the lengths; raise "
                                      "--max-tokens to score it)");
        }
      }
      values[i] = score_one(metrics[i], r, scratch, lengths);
      if (values[i] && !std::isfinite(*values[i])) {
        bad(r, metrics[i].name, "the score is " + short_number(*values[i]) +
                                    " (an option or token with log-likelihood -inf?): not a finite number");
      }
    }
    if (per_model) {
      auto& g = groups[mt];
      if (g.binary.empty()) {
        g.binary.resize(metrics.size());
        g.mean.resize(metrics.size());
        g.stored01.resize(metrics.size());
        g.only01.assign(metrics.size(), true);
        g.largest.assign(metrics.size(), 0.0);
        g.largest_at.resize(metrics.size());
      }
      // First check that no sum overflows, then add: a bad record leaves every aggregate as it was.
      staged.assign(g.mean.begin(), g.mean.end());
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        if (!values[i] || metrics[i].binary) continue;
        const double v = *values[i];
        staged[i](v);
        if (!std::isfinite(staged[i].sum()) || !std::isfinite(staged[i].sum_of_squared_deviations())) {
          bad(r, metrics[i].name, "the value " + short_number(v) + " makes the sum or the spread of " + metrics[i].name +
                                      " overflow a double (largest magnitude before it " + short_number(g.largest[i]) +
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
        g.mean[i] = staged[i];
        if (std::abs(v) > g.largest[i] || g.largest_at[i].empty()) {
          g.largest[i] = std::abs(v);
          g.largest_at[i] = r.source + ":" + std::to_string(r.line);
        }
        if (metrics[i].kind == metric_kind::stored) {
          if (v == 0.0 || v == 1.0) {
            g.stored01[i](v == 1.0);
          } else {
            g.only01[i] = false;
          }
        }
      }
      for (std::size_t i = 0; i < metrics.size(); ++i) ++(values[i] ? scored[i] : not_applicable[i]);
      return;
    }
    for (std::size_t i = 0; i < metrics.size(); ++i) ++(values[i] ? scored[i] : not_applicable[i]);
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
    check_stream(out, out_name);  // stop at once on a closed pipe or a full disk
  };

  io::read_summary total;
  for (file_index = 0; file_index < o.files.size(); ++file_index) {
    const std::string& path = o.files[file_index];
    bar.start(path);
    const io::read_summary s = io::read_file(format, path, ro, sink, context);
    bar.finish();
    total.read += s.read;
    total.delivered += s.delivered;
    total.skipped += s.skipped;
    total.ignored += s.ignored;
    for (auto& e : s.first_errors) {
      if (total.first_errors.size() < 10) total.first_errors.push_back(std::move(e));
    }
  }
  if (total.delivered == 0 && total.read == 0 && !o.filter.empty() && total.ignored > 0) {
    throw input_error("score: --filter: no record has the filter '" + o.filter + "' (" + std::to_string(total.ignored) +
                      " records of other filters)");
  }
  write_header();
  // A stored metric that no record has is a misspelt name, not an empty result.
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].kind == metric_kind::stored && total.delivered > 0 && scored[i] == 0) {
      throw input_error("score: --metrics: " + metrics[i].name + ": no record stores a score named '" +
                        metrics[i].stored + "'");
    }
  }

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
        for (const auto& v : {std::optional<double>(value), lower, upper, se}) {
          if (v && !std::isfinite(*v)) {
            throw input_error("score: model '" + key.first + "', task '" + key.second + "', " + metrics[i].name +
                              ": the mean or its interval overflows a double (largest magnitude " +
                              short_number(g.largest[i]) + " at " + g.largest_at[i] + ")");
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
  // "scored N" only when every metric scored N; otherwise the count of each metric, and why not the rest.
  bool uniform = true;
  for (std::size_t i = 0; i < metrics.size(); ++i) uniform = uniform && not_applicable[i] == 0;
  if (json_out) {
    out << "\n], \"summary\": {\"read\": " << total.read << ", \"scored\": " << total.delivered
        << ", \"skipped\": " << total.skipped << ", \"ignored\": " << total.ignored << ", \"per_metric\": {";
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      out << (i ? ", " : "") << json_string(metrics[i].name) << ": {\"scored\": " << scored[i]
          << ", \"not_applicable\": " << not_applicable[i] << "}";
    }
    out << "}, \"flops_derived_as_6ND\": " << (any_derived ? "true" : "false") << "}}\n";
  }
  if (file_out) {
    file_out->commit();
  } else {
    check_stdout();
  }
  std::cerr << "emergent score: read " << total.read;
  if (uniform) {
    std::cerr << ", scored " << total.delivered;
  } else {
    std::cerr << ", delivered " << total.delivered;
  }
  std::cerr << ", skipped " << total.skipped;
  if (total.ignored > 0) {
    std::cerr << " (" << total.ignored
              << (o.filter.empty() ? " lines that hold no record ignored: openai/evals spec, report and non-match events)"
                                   : " records of other filters ignored)");
  }
  std::cerr << '\n';
  if (!uniform) {
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      std::cerr << "  " << metrics[i].name << ": scored " << scored[i];
      if (not_applicable[i] > 0) {
        std::cerr << ", not applicable to " << not_applicable[i] << " (" << not_applicable_reason(metrics[i].kind) << ")";
      }
      std::cerr << '\n';
    }
  }
  for (const auto& e : total.first_errors) std::cerr << "  skipped: " << e << '\n';
  if (total.skipped > total.first_errors.size()) {
    std::cerr << "  ... and " << total.skipped - total.first_errors.size() << " more\n";
  }
  if (any_derived) std::cerr << "emergent score: FLOPs of some models were derived as 6*N*D (flops_derived=true)\n";
}

void setup(CLI::App& app) {
  auto o = std::make_shared<options_t>();
  auto* cmd = app.add_subcommand("score", "Re-score evaluation dumps: per-example scores or per-model aggregates");
  std::vector<std::string> formats{"auto"};
  for (const io::input_format f : io::input_formats) formats.emplace_back(io::to_string(f));
  formats.emplace_back("lm-eval-results");
  formats.emplace_back("lm-eval-table");
  std::string format_list;
  for (const auto& f : formats) format_list += (format_list.empty() ? "" : ", ") + f;
  cmd->add_option("--format", o->format,
                  format_list + " (auto: from each file's name and first bytes; gzip/zstd inputs are decompressed; "
                                "lm-eval-results/-table write lm-eval's own numbers per model and checkpoint)")
      ->check(CLI::IsMember(formats))
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
  auto* level = cmd->add_option("--level", o->level, "confidence level of the intervals, in (0, 1)")->capture_default_str();
  cmd->add_option("--max-tokens", o->max_tokens,
                  "edit_distance: longest prediction or reference, in characters; a longer one is a bad record "
                  "(the cost grows with the product of the lengths)")
      ->capture_default_str();
  cmd->add_option("files", o->files, "input files (helm: a run folder or its scenario_state.json)")->required();
  cmd->callback([o, level]() {
    o->level_given = level->count() > 0;
    run(*o);
  });
}

const register_command registration{"score", setup};

}  // namespace
}  // namespace emergent::cli::score
