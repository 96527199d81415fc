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
#include <mutex>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <emergent/core/error.hpp>
#include <emergent/io.hpp>
#include <emergent/io/detect_format.hpp>
#include <emergent/io/dispatch.hpp>
#include <emergent/scoring/read_parallel.hpp>
#include <emergent/scoring/scorer.hpp>
#include <emergent/scoring/scorer_state.hpp>
#include <emergent/scoring/scorer_state_json.hpp>

#include "command.hpp"
#include "output_file.hpp"
#include "score/score_output.hpp"

namespace emergent::cli::score {
namespace {

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
  unsigned threads = 1;
  std::string save_state;
  std::string extract = "none";
  std::string normalize;  // empty: the format's own (io::default_normalisation)
  std::string tokenize = "chars";
  bool force_logprobs = false;
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
  if (!o.save_state.empty()) {
    if (o.per_example) throw input_error("score: --save-state: needs per-model aggregates (not with --per-example)");
    if (!o.out.empty()) inputs.push_back(o.out);
    check_not_an_input(o.save_state, inputs, "score: --save-state");
  }
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

  scoring::scorer_options so;
  if (o.metrics != "auto") so.metrics = prefixed("score: --metrics: ", [&] { return scoring::parse_metric_list(o.metrics); });
  so.level = o.level;
  so.max_tokens = o.max_tokens;
  so.aggregate = per_model;
  so.format = o.format;
  so.extract = o.extract;
  so.normalize = o.normalize;
  so.tokenize = o.tokenize;
  so.force_logprobs = o.force_logprobs;
  scoring::scorer sc = prefixed("score: ", [&] { return scoring::scorer(so); });

  // Output: a file written atomically (renamed into place at the end), or standard output.
  std::optional<output_file> file_out;
  if (!o.out.empty()) file_out.emplace(o.out, "score: --out");
  std::ostream& out = file_out ? file_out->stream() : std::cout;
  const std::string out_name = o.out.empty() ? std::string("standard output") : "'" + o.out + "'";
  std::optional<output_file> state_out;
  if (!o.save_state.empty()) state_out.emplace(o.save_state, "score: --save-state");

  // Per-example rows carry the x columns of their model (the names of the per-model table) when a
  // compute table is given; a model absent from it gets empty cells (null), counted on standard error.
  const bool with_x = !per_model && !o.compute.empty();
  std::map<std::string, std::size_t, std::less<>> rows_without_x, file_without_x;  // model -> rows (all, this file)
  bool derived_x = false;
  std::mutex without_x_mutex;  // append_row runs on the reading threads
  auto x_of = [&](const io::record& r) -> const io::compute_entry* {
    const io::compute_entry* c = io::find_compute(compute, r.model);
    if (c == nullptr || c->flops_derived) {
      const std::lock_guard<std::mutex> lock(without_x_mutex);
      if (c == nullptr) ++file_without_x[r.model];
      else derived_x = true;
    }
    return c;
  };
  bool header_written = false, first_json_row = true;
  auto write_header = [&]() {
    if (header_written || !sc.metrics_known()) return;
    header_written = true;
    if (!per_model) {
      if (json_out) {
        out << "{\"records\": [";
      } else {
        out << "source,line,model,task,example_id";
        for (const auto& m : sc.metrics()) out << ',' << csv_field(m.name);
        if (with_x) out << ",params,tokens,flops,flops_derived";
        out << '\n';
      }
    }
  };
  // One per-example row; JSON rows start with ",\n  {" (the first one's comma is dropped when written).
  // With `marks` (a part of a file read on several threads), the line number is left out and its
  // place and part-relative value are noted, to be filled in once the part's first line is known.
  using line_marks = std::vector<std::pair<std::size_t, std::size_t>>;  // (offset in the rows, line)
  auto put_line = [](std::string& line, std::size_t number, line_marks* marks) {
    if (marks != nullptr) {
      marks->emplace_back(line.size(), number);
    } else {
      line += std::to_string(number);
    }
  };
  auto append_row = [&](std::string& line, const io::record& r, const scoring::scorer::values_type& values,
                        line_marks* marks = nullptr) {
    if (json_out) {
      line += ",\n  {\"source\": " + json_string(r.source) + ", \"line\": ";
      put_line(line, r.line, marks);
      line += ", \"model\": " + json_string(r.model) + ", \"task\": " + json_string(r.task) +
              ", \"example_id\": " + json_string(r.example_id);
      for (std::size_t i = 0; i < values.size(); ++i) {
        line += ", " + json_string(sc.metrics()[i].name) + ": " + (values[i] ? number(*values[i]) : std::string("null"));
      }
      if (with_x) {
        const io::compute_entry* c = x_of(r);
        const auto opt = [](const std::optional<double>& v) { return v ? number(*v) : std::string("null"); };
        line += ", \"params\": " + opt(c ? c->parameters : std::nullopt) + ", \"tokens\": " +
                opt(c ? c->tokens : std::nullopt) + ", \"flops\": " + opt(c ? c->flops : std::nullopt) +
                ", \"flops_derived\": " + (c ? (c->flops_derived ? "true" : "false") : "null");
      }
      line += '}';
    } else {
      line += csv_field(r.source);
      line += ',';
      put_line(line, r.line, marks);
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
      if (with_x) {
        const io::compute_entry* c = x_of(r);
        for (const auto& v : {c ? c->parameters : std::nullopt, c ? c->tokens : std::nullopt, c ? c->flops : std::nullopt}) {
          line += ',';
          if (v) line += number(*v);
        }
        line += ',';
        if (c) line += c->flops_derived ? "true" : "false";
      }
      line += '\n';
    }
  };
  auto write_rows = [&](std::string_view rows) {
    if (rows.empty()) return;
    write_header();
    if (json_out && first_json_row) {
      out.write(rows.data() + 1, static_cast<std::streamsize>(rows.size() - 1));
      first_json_row = false;
    } else {
      out << rows;
    }
    check_stream(out, out_name);  // stop at once on a closed pipe or a full disk
  };
  // The checks of the command (names that the column mapping should give) before the library's.
  auto check_names = [&](const io::record& r) {
    if (r.model.empty() && mapping && !mapping->model.empty()) {
      throw parse_error(r.source, r.line, mapping->model, "empty model name");
    }
    if (!r.model.empty() && r.task.empty() && mapping && !mapping->task.empty()) {
      throw parse_error(r.source, r.line, mapping->task, "empty task name");
    }
  };

  const io::input_format format = io::parse_input_format(o.format);
  io::input_options ro;
  ro.mapping = mapping;
  ro.skip_bad = o.skip_bad;
  ro.filter = o.filter;
  ro.model = o.model;
  ro.task = o.task;
  progress_bar bar;
  ro.progress = [&](std::size_t bytes) { bar.update(bytes); };
  const unsigned threads = emergent::detail::resolve_threads(o.threads);
  std::vector<io::reader_context> contexts(threads);  // reused for every file

  std::string line;
  std::vector<std::string> part_rows;
  std::vector<line_marks> part_marks;
  for (std::size_t file_index = 0; file_index < o.files.size(); ++file_index) {
    const std::string& path = o.files[file_index];
    bar.start(path);
    if (threads > 1 && io::reads_line_ranges(format)) {
      const auto on_record = [&](std::size_t part, const io::record& r, const scoring::scorer::values_type& v) {
        if (!per_model) append_row(part_rows[part], r, v, &part_marks[part]);
      };
      const auto on_parts = [&](std::size_t parts) {  // before the first record, and before a re-read
        part_rows.assign(parts, std::string());
        part_marks.assign(parts, line_marks());
        file_without_x.clear();
      };
      scoring::parallel_read_result read;
      prefixed("score: ", [&] {
        read = scoring::read_file_parallel(sc, format, io::input_path(format, path), path, ro, threads, contexts,
                                           on_record, on_parts, check_names);
      });
      // The rows of each part, with their line numbers in the file (the part's offset added).
      for (std::size_t k = 0; k < part_rows.size(); ++k) {
        const std::size_t offset = k < read.line_offsets.size() ? read.line_offsets[k] : 0;
        const std::string_view rows = part_rows[k];
        std::size_t from = 0;
        for (const auto& [at, number] : part_marks[k]) {
          write_rows(rows.substr(from, at - from));
          write_rows(std::to_string(number + offset));
          from = at;
        }
        write_rows(rows.substr(from));
      }
    } else {
      sc.begin_source(path);
      const io::record_sink sink = [&](const io::record& r) {
        check_names(r);
        const auto& values = prefixed("score: ", [&]() -> const scoring::scorer::values_type& { return sc.add(r); });
        if (per_model) return;
        line.clear();
        append_row(line, r, values);
        write_rows(line);
      };
      const io::read_summary s = io::read_file(format, path, ro, sink, contexts[0]);
      sc.add_summary(s);
    }
    bar.finish();
    for (const auto& [model, rows] : file_without_x) rows_without_x[model] += rows;
    file_without_x.clear();
  }
  const io::read_summary& total = sc.summary();
  if (total.delivered == 0 && total.read == 0 && !o.filter.empty() && total.ignored > 0) {
    throw input_error("score: --filter: no record has the filter '" + o.filter + "' (" + std::to_string(total.ignored) +
                      " records of other filters)");
  }
  if (!per_model && !sc.metrics_known()) {  // no record: the header without metric columns
    header_written = true;
    out << (json_out ? "{\"records\": [" : with_x ? "source,line,model,task,example_id,params,tokens,flops,flops_derived\n"
                                                : "source,line,model,task,example_id\n");
  }
  write_header();
  prefixed("score: ", [&] { sc.check_complete(); });

  bool any_derived = derived_x;
  if (per_model) any_derived = prefixed("score: ", [&] { return write_per_model(out, sc, compute, json_out); });
  if (json_out) write_json_summary(out, sc, any_derived);
  if (state_out) {
    state_out->stream() << scoring::to_json(sc.state());
    state_out->commit();
  }
  if (file_out) {
    file_out->commit();
  } else {
    check_stdout();
  }
  report_summary("score", sc, any_derived, !o.filter.empty());
  if (!rows_without_x.empty()) {
    std::size_t n = 0;
    std::string names;
    for (const auto& [model, rows] : rows_without_x) {
      n += rows;
      names += (names.empty() ? "'" : ", '") + model + "' (" + std::to_string(rows) + ")";
    }
    std::cerr << "emergent score: " << n << " per-example rows of " << rows_without_x.size()
              << (rows_without_x.size() == 1 ? " model" : " models")
              << " absent from the compute table '" << o.compute << "' have empty params, tokens, flops: " << names << '\n';
  }
}

void setup(CLI::App& app) {
  auto o = std::make_shared<options_t>();
  auto* cmd = app.add_subcommand("score", "Re-score evaluation dumps: per-example scores or per-model aggregates");
  std::vector<std::string> formats{"auto"};  // every format of io/dispatch.hpp, and the aggregate tables
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
                  "comma-separated: exact_match, exact_match_stripped, edit_distance, edit_similarity, token_accuracy, "
                  "brier, mc_grade (acc), acc_norm, log_loss, log_likelihood, kofk, token_nll, stored:NAME; auto "
                  "picks what the format's framework reports (said on standard error)")
      ->capture_default_str();
  cmd->add_option("--compute", o->compute, "compute table (CSV: model, params, tokens, flops): joined to per-model rows, or to every per-example row as columns params, tokens, flops, flops_derived");
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
  cmd->add_option("--threads", o->threads,
                  "lm-eval and jsonl: read each file in this many parts in parallel (same output as 1; 0: one per core)")
      ->capture_default_str();
  cmd->add_option("--save-state", o->save_state,
                  "also write the scorer's state (JSON) to this file, for `emergent merge` of separately scored shards");
  cmd->add_option("--extract", o->extract,
                  "generations: take the answer from the text before scoring: none, boxed (last \\boxed{...}), gsm8k "
                  "('#### N'), last-number, first-line, regex:PATTERN (first match, first capture group); an answer "
                  "that cannot be extracted is counted, reported and scored as wrong")
      ->capture_default_str();
  cmd->add_option("--normalize", o->normalize,
                  "generations: normalisation of answer and references: none, strip, lm-eval, lm-eval-gsm8k, squad, "
                  "numeric (default: the format's own: strip for helm and inspect, none otherwise)");
  cmd->add_option("--tokenize", o->tokenize,
                  "generations: tokens of edit_distance, edit_similarity, token_accuracy: chars, codepoints, words, "
                  "digits, numbers, regex:PATTERN (each match a token)")
      ->capture_default_str();
  cmd->add_flag("--force-logprobs", o->force_logprobs,
                "score log-probability metrics even when every log-probability of a (model, task) is exactly 0 "
                "(placeholders); without it they are refused");
  cmd->add_option("files", o->files, "input files (helm: a run folder or its scenario_state.json)")->required();
  cmd->callback([o, level]() {
    o->level_given = level->count() > 0;
    run(*o);
  });
}

const register_command registration{"score", setup};

}  // namespace
}  // namespace emergent::cli::score
