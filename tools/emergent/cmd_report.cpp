// `emergent report`: from per-model score tables or per-example tables plus a compute table, writes a
// directory with report.json (every number shown), one SVG figure per task (hard and soft metric
// against log-compute) and index.html, and prints a plain-text summary. See docs/report.md.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <iostream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <emergent/core/error.hpp>

#include <emergent/core/resampling.hpp>

#include "analysis_cli.hpp"
#include "command.hpp"
#include "output_file.hpp"
#include "report/analyse.hpp"
#include "report/report_data.hpp"
#include "report/writers.hpp"

namespace emergent::cli::report {
namespace {

using json = nlohmann::json;

void check_keys(const json& j, const std::set<std::string>& allowed, const std::string& where) {
  if (!j.is_object()) throw input_error("report: spec: " + where + ": expected an object");
  for (const auto& [k, v] : j.items()) {
    if (!allowed.count(k)) throw input_error("report: spec: " + where + ": unknown key '" + k + "'");
  }
}

std::string str(const json& j, const char* key, const std::string& fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_string()) throw input_error("report: spec: " + where + "." + key + ": expected a string");
  return j[key].get<std::string>();
}

metric_spec parse_metric(const json& j, const std::string& where, bool hard) {
  check_keys(j, {"kind", "column", "name", "n", "correct", "stderr", "lower", "upper", "options", "gold", "lower_is_better",
                 "log_scale", "bounded", "chance", "range"},
             where);
  metric_spec m;
  m.kind = str(j, "kind", "column", where);
  m.column = str(j, "column", "", where);
  m.name = str(j, "name", "", where);
  if (j.contains("n")) {
    if (j["n"].is_string()) {
      m.n_column = j["n"].get<std::string>();
    } else if (j["n"].is_number_integer() && j["n"].get<long long>() > 0) {
      m.n = j["n"].get<double>();
    } else {
      throw input_error("report: spec: " + where + ".n: " + j["n"].dump() +
                        " is not a column name or a positive whole number of examples");
    }
  }
  m.correct_column = str(j, "correct", "", where);
  m.stderr_column = str(j, "stderr", "", where);
  m.lower_column = str(j, "lower", "", where);
  m.upper_column = str(j, "upper", "", where);
  m.gold_column = str(j, "gold", "", where);
  if (j.contains("options")) m.options = j["options"].get<std::vector<std::string>>();
  m.lower_is_better = j.value("lower_is_better", false);
  m.log_scale = j.value("log_scale", false);
  m.bounded01 = j.value("bounded", hard || m.kind == "gold_option_probability");
  if (j.contains("chance")) {
    if (!j["chance"].is_number()) throw input_error("report: spec: " + where + ".chance: expected a number");
    m.chance = j["chance"].get<double>();
  }
  if (j.contains("range")) {
    if (!j["range"].is_array() || j["range"].size() != 2 || !j["range"][0].is_number() || !j["range"][1].is_number() ||
        !(j["range"][1].get<double>() > j["range"][0].get<double>())) {
      throw input_error("report: spec: " + where + ".range: expected [low, high] with high > low");
    }
    m.range = std::pair{j["range"][0].get<double>(), j["range"][1].get<double>()};
  }
  if (m.kind == "gold_option_probability") {
    if (m.options.size() < 2 || m.gold_column.empty()) {
      throw input_error("report: spec: " + where + ": gold_option_probability needs 'options' (2 or more) and 'gold'");
    }
    if (m.name.empty()) m.name = "probability of the gold option";
  } else if (m.column.empty()) {
    throw input_error("report: spec: " + where + ".column: missing");
  }
  return m;
}

report_spec parse_spec(const json& j, std::filesystem::path& base) {
  check_keys(j, {"title", "compute", "gap_factor", "tasks", "defaults", "judgement"}, "top level");
  report_spec spec;
  spec.title = str(j, "title", spec.title, "top level");
  spec.compute_table = str(j, "compute", "", "top level");
  if (!spec.compute_table.empty() && std::filesystem::path(spec.compute_table).is_relative()) {
    spec.compute_table = (base / spec.compute_table).string();
  }
  spec.gap_factor = j.value("gap_factor", spec.gap_factor);
  if (!(spec.gap_factor > 1)) throw input_error("report: spec: gap_factor: must be greater than 1");
  if (j.contains("judgement")) {
    // the thresholds of emergent::judge_curve and of the mirage verdict (docs/analysis.md)
    const json& jj = j["judgement"];
    check_keys(jj, {"min_rise", "saturated_start", "window_decades", "min_share", "max_rise_before", "z", "min_dip",
                    "min_models", "min_probability", "replicates", "seed", "max_width_ratio"},
               "judgement");
    const auto num = [&](const char* key, double& target) {
      if (!jj.contains(key)) return;
      if (!jj[key].is_number()) throw input_error(std::string("report: spec: judgement.") + key + ": expected a number");
      target = jj[key].get<double>();
    };
    const auto count = [&](const char* key, auto& target) {
      if (!jj.contains(key)) return;
      if (!jj[key].is_number_unsigned()) throw input_error(std::string("report: spec: judgement.") + key + ": expected a whole number >= 0");
      target = jj[key].get<std::uint64_t>();
    };
    num("min_rise", spec.judge.min_rise);
    num("saturated_start", spec.judge.saturated_start);
    num("window_decades", spec.judge.window_decades);
    num("min_share", spec.judge.min_share);
    num("max_rise_before", spec.judge.max_rise_before);
    num("z", spec.judge.z);
    num("min_dip", spec.judge.min_dip);
    num("min_probability", spec.judge.min_probability);
    num("max_width_ratio", spec.max_width_ratio);
    count("min_models", spec.judge.min_models);
    count("replicates", spec.judge.resampling.replicates);
    count("seed", spec.judge.resampling.seed);
  }
  if (!j.contains("tasks") || !j["tasks"].is_array() || j["tasks"].empty()) {
    throw input_error("report: spec: tasks: expected a non-empty array");
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < j["tasks"].size(); ++i) {
    const json& tj = j["tasks"][i];
    const std::string where = "tasks[" + std::to_string(i) + "]";
    check_keys(tj, {"id", "title", "table", "kind", "where", "series", "series_prefix", "series_suffix", "model", "x",
                    "x_column", "hard", "soft"},
               where);
    task_spec t;
    t.id = str(tj, "id", "", where);
    if (t.id.empty() || t.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
      throw input_error("report: spec: " + where + ".id: '" + t.id + "' must be non-empty [a-z0-9_-]");
    }
    if (!ids.insert(t.id).second) throw input_error("report: spec: " + where + ".id: '" + t.id + "' is used twice");
    t.title = str(tj, "title", "", where);
    t.table = str(tj, "table", "", where);
    if (t.table.empty()) throw input_error("report: spec: " + where + ".table: missing");
    t.kind = str(tj, "kind", "scores", where);
    if (tj.contains("where")) {
      if (!tj["where"].is_object()) throw input_error("report: spec: " + where + ".where: expected an object");
      for (const auto& [k, v] : tj["where"].items()) {
        if (v.is_string()) {
          t.where.emplace_back(k, v.get<std::string>());
        } else if (v.is_number_integer()) {
          t.where.emplace_back(k, std::to_string(v.get<long long>()));
        } else {
          throw input_error("report: spec: " + where + ".where." + k + ": expected a string or an integer");
        }
      }
    }
    t.series_column = str(tj, "series", "family", where);
    t.series_prefix = str(tj, "series_prefix", "", where);
    t.series_suffix = str(tj, "series_suffix", "", where);
    t.model_column = str(tj, "model", "model", where);
    t.x = str(tj, "x", "compute", where);
    t.x_column = str(tj, "x_column", "", where);
    if (!tj.contains("hard")) throw input_error("report: spec: " + where + ".hard: missing");
    t.hard = parse_metric(tj["hard"], where + ".hard", true);
    if (tj.contains("soft") && !tj["soft"].is_null()) t.soft = parse_metric(tj["soft"], where + ".soft", false);
    spec.tasks.push_back(t);
  }
  return spec;
}

struct options {
  std::string spec_file, table, out = "emergent-report", compute, title, kind = "scores", hard, hard_name, n, correct,
                         hard_stderr, soft, soft_name, soft_stderr, series = "family", model = "model", x = "compute", x_column;
  std::vector<std::string> where;
  bool soft_lower_is_better = false, soft_log = false, quiet = false;
  double gap_factor = 4;
  double chance = std::numeric_limits<double>::quiet_NaN();  // NaN: not given
  std::size_t replicates = 200;  ///< bootstrap replicates (judgement and verdict probabilities, the bootstrap over examples)
  std::uint64_t seed = emergent::default_seed;  ///< their seed
  std::vector<std::string> given;  ///< single-table options given on the command line (refused with --spec)
};

report_spec spec_from_options(const options& o) {
  report_spec spec;
  spec.title = o.title.empty() ? "emergent report: " + (o.table == "-" ? std::string("standard input")
                                                                        : std::filesystem::path(o.table).filename().string())
                               : o.title;
  spec.compute_table = o.compute;
  spec.gap_factor = o.gap_factor;
  if (!(spec.gap_factor > 1)) throw input_error("report: --gap-factor: must be greater than 1");
  spec.judge.resampling.replicates = o.replicates;
  spec.judge.resampling.seed = o.seed;
  task_spec t;
  t.id = "task";
  t.title = spec.title;
  t.table = o.table;
  t.kind = o.kind;
  // The per-example output of `emergent score` is recognised by its header: one row per example, the
  // x from its params, tokens, flops columns (score --compute) or from --compute here.
  if (o.table == "-" || std::find(o.given.begin(), o.given.end(), "--kind") == o.given.end()) {
    if (o.table != "-") check_input_file(o.table, "report: task 'task': table");
    const csv_table table = read_csv(o.table);
    if (is_score_per_example(table)) {
      t.kind = "per_example";
      if (o.compute.empty() && o.x_column.empty() && !table.find("flops") && !table.find("params") && !table.find("tokens")) {
        throw parse_error(table.file, 1, "", "per-example scores without the x columns (params, tokens, flops): give --compute to score (emergent score --per-example --compute TABLE ...) or to report");
      }
      if (table.rows.empty()) throw parse_error(table.file, 1, "", "no per-example rows (empty input)");
    }
  }
  t.series_column = o.series;
  t.model_column = o.model;
  t.x = o.x;
  t.x_column = o.x_column;
  for (const auto& w : o.where) {
    const auto eq = w.find('=');
    if (eq == std::string::npos) throw input_error("report: --where: '" + w + "' is not COLUMN=VALUE");
    t.where.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  if (o.hard.empty()) throw input_error("report: --hard: give the hard metric's column (or use --spec)");
  t.hard.kind = t.kind == "per_example" ? "mean" : "column";
  t.hard.column = o.hard;
  t.hard.name = o.hard_name;
  if (!o.n.empty()) {
    if (o.n.find_first_not_of("0123456789.+-eE") == std::string::npos) {
      char* end = nullptr;
      const double n = std::strtod(o.n.c_str(), &end);
      if (end != o.n.c_str() + o.n.size() || !(n >= 1) || n != std::floor(n) || n > 9.0e15) {
        throw input_error("report: --n: '" + o.n + "' is not a positive whole number of examples (or a column name)");
      }
      t.hard.n = n;
    } else {
      t.hard.n_column = o.n;
    }
  }
  t.hard.correct_column = o.correct;
  t.hard.stderr_column = o.hard_stderr;
  if (!std::isnan(o.chance)) t.hard.chance = o.chance;
  if (!o.soft.empty()) {
    metric_spec s;
    s.kind = t.hard.kind;
    s.column = o.soft;
    s.name = o.soft_name;
    s.stderr_column = o.soft_stderr;
    s.lower_is_better = o.soft_lower_is_better;
    s.log_scale = o.soft_log;
    s.bounded01 = false;
    t.soft = s;
  }
  spec.tasks.push_back(t);
  return spec;
}

/// The path of a task's table as build_task reads it.
std::string table_path(const task_spec& t, const std::filesystem::path& base) {
  return std::filesystem::path(t.table).is_absolute() ? t.table : (base / t.table).string();
}

void run(const options& o) {
  if (!o.spec_file.empty()) {
    if (!o.table.empty()) {
      throw input_error("report: --spec and a table '" + o.table + "': the spec names its tables; give one or the other");
    }
    if (!o.given.empty()) {
      std::string list;
      for (const auto& g : o.given) list += (list.empty() ? "" : ", ") + g;
      throw input_error("report: " + list + ": ha" + (o.given.size() == 1 ? "s" : "ve") +
                        " no effect with --spec (set them in the spec file)");
    }
  }
  report_spec spec;
  std::filesystem::path base = ".";
  if (!o.spec_file.empty()) {
    check_input_file(o.spec_file, "report: --spec");
    std::ifstream in(o.spec_file);
    if (!in) throw input_error("report: --spec: '" + o.spec_file + "': cannot open file");
    json j;
    try {
      j = json::parse(in);
    } catch (const json::parse_error& e) {
      throw parse_error(o.spec_file, 0, "", e.what());
    }
    base = std::filesystem::path(o.spec_file).parent_path();
    if (base.empty()) base = ".";
    try {
      spec = parse_spec(j, base);
    } catch (const json::exception& e) {  // a value of the wrong type
      throw input_error("report: spec '" + o.spec_file + "': " + e.what());
    }
  } else {
    if (o.table.empty()) throw input_error("report: give a score table or --spec FILE.json");
    spec = spec_from_options(o);
  }
  // Every input exists and is readable, and no output file is one of them.
  std::vector<std::string> inputs;
  if (!o.spec_file.empty()) inputs.push_back(o.spec_file);
  if (!spec.compute_table.empty()) {
    check_input_file(spec.compute_table, "report: compute table");
    inputs.push_back(spec.compute_table);
  }
  for (const auto& t : spec.tasks) {
    if (t.table == "-" && o.spec_file.empty()) continue;  // standard input
    const std::string path = table_path(t, base);
    check_input_file(path, "report: task '" + t.id + "': table");
    inputs.push_back(path);
  }
  const std::filesystem::path out = o.out;
  {
    std::vector<std::string> names{"report.json", "index.html"};
    for (const auto& t : spec.tasks) names.push_back(t.id + ".svg");
    for (const auto& n : names) check_not_an_input((out / n).string(), inputs, "report: --out");
  }
  const auto compute = read_compute_table(spec.compute_table);
  std::vector<task_result> tasks;
  for (const auto& t : spec.tasks) {
    task_result r = build_task(t, base, compute);
    for (auto& s : r.series) analyse(s, r, spec);
    r.gaps = task_gaps(r, spec.gap_factor);
    r.figure = r.spec.id + ".svg";
    tasks.push_back(std::move(r));
  }
  // Every file is built in a temporary directory inside `out` and renamed into place at the end: a
  // failing run changes nothing, and a link in `out` is replaced, never written through.
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& t : tasks) files.emplace_back(t.figure, plot::render_svg(make_figure(t, spec.gap_factor)));
  files.emplace_back("report.json", make_json(spec, tasks).dump(2) + "\n");
  files.emplace_back("index.html", make_html(spec, tasks));
  output_directory dir(o.out, "report: --out");
  for (const auto& [name, text] : files) dir.write(name, text);
  dir.commit();
  if (!o.quiet) {
    std::cout << spec.title << "\n\n" << summary_text(tasks, spec.gap_factor);
    std::size_t notes = 0;
    for (const auto& t : tasks) notes += t.notes.size();
    if (notes > 0) {
      std::cout << "\n";
      for (const auto& t : tasks) {
        for (const auto& n : t.notes) std::cout << t.spec.id << ": " << n << "\n";
      }
    }
    std::cout << "\nwrote " << (out / "index.html").string() << ", " << (out / "report.json").string() << " and "
              << tasks.size() << (tasks.size() == 1 ? " figure\n" : " figures\n");
  }
}

const register_command registration{"report", [](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand("report", "write figures, report.json and index.html for scaling curves, and print a summary");
  cmd->add_option("table", o->table, "score table (CSV, one row per model) or per-example table (with --kind per_example, or the per-example output of `emergent score`, recognised by its header); - reads standard input");
  cmd->add_option("--spec", o->spec_file, "a JSON file describing several tasks (see docs/report.md)");
  cmd->add_option("-o,--out", o->out, "output directory")->capture_default_str();
  cmd->add_option("--compute", o->compute, "compute table: model, params, tokens, flops");
  cmd->add_option("--title", o->title, "report title");
  cmd->add_option("--kind", o->kind, "scores or per_example")->check(CLI::IsMember({"scores", "per_example"}))->capture_default_str();
  cmd->add_option("--hard", o->hard, "column of the hard metric (accuracy, exact match)");
  cmd->add_option("--hard-name", o->hard_name, "display name of the hard metric");
  cmd->add_option("--n", o->n, "examples per model: a column name or a number (gives Wilson intervals)");
  cmd->add_option("--correct", o->correct, "column with the number of correct examples");
  cmd->add_option("--hard-stderr", o->hard_stderr, "column with the hard metric's standard error");
  cmd->add_option("--chance", o->chance, "chance level of the hard metric: the floor of its judgement (default 0)");
  cmd->add_option("--soft", o->soft, "column of the soft metric (log-likelihood, Brier, edit distance, perplexity)");
  cmd->add_option("--soft-name", o->soft_name, "display name of the soft metric");
  cmd->add_option("--soft-stderr", o->soft_stderr, "column with the soft metric's standard error");
  cmd->add_flag("--soft-lower-is-better", o->soft_lower_is_better, "the soft metric is a loss (perplexity, distance)");
  cmd->add_flag("--soft-log", o->soft_log, "draw the soft metric on a log axis");
  cmd->add_option("--series", o->series, "column that splits models into series (families)")->capture_default_str();
  cmd->add_option("--model", o->model, "column with the model name")->capture_default_str();
  cmd->add_option("--x", o->x, "x quantity")->check(CLI::IsMember({"compute", "params", "tokens", "steps"}))->capture_default_str();
  cmd->add_option("--x-column", o->x_column, "read the x quantity from this column");
  cmd->add_option("--where", o->where, "keep rows with COLUMN=VALUE (repeatable)");
  cmd->add_option("--gap-factor", o->gap_factor, "grey band where neighbouring models differ more than this factor in x")
      ->capture_default_str();
  emergent::cli::add_resampling_options(*cmd, o->replicates, o->seed, 2);
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing");
  cmd->callback([o, cmd]() {
    o->given.clear();
    for (const char* name : {"--compute", "--title", "--kind", "--hard", "--hard-name", "--n", "--correct", "--hard-stderr",
                             "--soft", "--soft-name", "--soft-stderr", "--soft-lower-is-better", "--soft-log", "--series",
                             "--model", "--x", "--x-column", "--where", "--gap-factor", "--chance", "--replicates", "--seed"}) {
      if (cmd->count(name) > 0) o->given.emplace_back(name);
    }
    run(*o);
  });
}};

}  // namespace
}  // namespace emergent::cli::report
