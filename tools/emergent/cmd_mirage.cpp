// `emergent mirage`: reads per-example scores (one row per example: a model column, an x column and
// one column per metric), builds the hard and soft curves from the same predictions and prints the
// mirage verdict with the bootstrap probability of each verdict (see docs/analysis.md).
#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <emergent/analysis/mirage.hpp>

#include "analysis_cli.hpp"
#include "command.hpp"

namespace {

struct mirage_args {
  std::string file, model_col = "model", x_col = "x", hard_col, soft_col, length_col, task;
  bool x_given = false;
  emergent::judgement_options judge;
  double hard_chance = std::numeric_limits<double>::quiet_NaN(), soft_chance = std::numeric_limits<double>::quiet_NaN();  // NaN: not given
  double max_width_ratio = 0.9;
  std::size_t min_models = 5;
  double min_probability = 0.8;
  bool x_log10 = false;
  bool json = false;
  std::size_t replicates = 200;
  std::uint64_t seed = 1;
};

/// Whether `table` is the per-example output of `emergent score` (its header starts with source, line,
/// model, task, example_id).
bool is_score_per_example(const emergent::cli::csv_table& table) {
  static const char* const lead[] = {"source", "line", "model", "task", "example_id"};
  if (table.header.size() < 5) return false;
  for (std::size_t i = 0; i < 5; ++i) {
    if (table.header[i] != lead[i]) return false;
  }
  return true;
}

/// The per-example output of `emergent score --per-example --compute TABLE` as the table of one task
/// that run_mirage reads: the x column (flops unless --x names params or tokens) is taken to log10; the
/// rows of one task (--task, needed when there are several); rows of a model without x (absent from
/// the compute table) are left out, counted and named on standard error.
emergent::cli::csv_table score_rows(const emergent::cli::csv_table& table, mirage_args& a) {
  using emergent::parse_error;
  const std::string file = table.file;
  if (!a.x_given) a.x_col = "flops";
  if (a.x_col != "flops" && a.x_col != "params" && a.x_col != "tokens") {
    throw emergent::input_error("mirage: --x: '" + a.x_col + "': the x of per-example scores is flops, params or tokens");
  }
  if (!table.find(a.x_col)) {
    throw parse_error(file, 1, a.x_col,
                      "per-example scores without the x columns (params, tokens, flops): give --compute to score "
                      "(emergent score --per-example --compute TABLE ...)");
  }
  const std::size_t ct = table.column("task"), cm = table.column("model"), cx = table.column(a.x_col);
  if (a.task.empty()) {
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      if (table.rows[r][ct] != table.rows[0][ct]) {
        throw parse_error(file, table.lines[r], "task",
                          "a second task '" + table.rows[r][ct] + "' (first '" + table.rows[0][ct] +
                              "'): choose one with --task");
      }
    }
  }
  emergent::cli::csv_table out;
  out.file = file;
  out.header = table.header;
  std::map<std::string, std::size_t> without_x;
  std::size_t of_task = 0;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (!a.task.empty() && table.rows[r][ct] != a.task) continue;
    ++of_task;
    if (!table.number(r, cx)) {
      ++without_x[table.rows[r][cm]];
      continue;
    }
    out.rows.push_back(table.rows[r]);
    out.lines.push_back(table.lines[r]);
  }
  if (!a.task.empty() && of_task == 0) {
    throw parse_error(file, 1, "task", "no row of the task '" + a.task + "'");
  }
  if (!without_x.empty()) {
    std::size_t n = 0;
    std::string names;
    for (const auto& [model, rows] : without_x) {
      n += rows;
      names += (names.empty() ? "'" : ", '") + model + "' (" + std::to_string(rows) + ")";
    }
    std::cerr << "emergent mirage: left out " << n << " rows of " << without_x.size()
              << (without_x.size() == 1 ? " model" : " models") << " without " << a.x_col
              << " (not in the compute table given to score, or without " << a.x_col << " there): " << names << '\n';
  }
  if (out.rows.empty()) {
    throw parse_error(file, table.lines.empty() ? 1 : table.lines.back(), a.x_col,
                      table.rows.empty() ? "no per-example rows (empty input)"
                                         : "no row has a " + a.x_col + " value (no model is in the compute table given to score)");
  }
  a.model_col = "model";
  a.x_log10 = true;
  return out;
}

void run_mirage(mirage_args a) {
  using namespace emergent;
  auto table = cli::csv_table::read_or_stdin(a.file);
  if (a.file == "-") a.file = "standard input";
  if (is_score_per_example(table)) {
    table = score_rows(table, a);
  } else if (!a.task.empty()) {
    throw input_error("mirage: --task: only per-example output of `emergent score` has a task column");
  }
  if (table.rows.empty()) throw parse_error(a.file, 1, "", "no rows (empty input)");
  const std::size_t cm = table.column_or_position(a.model_col), cx = table.column_or_position(a.x_col);
  const std::size_t ch = table.column_or_position(a.hard_col), cs = table.column_or_position(a.soft_col);
  std::vector<double> xs = table.numbers(cx);
  const std::vector<double> hs = table.numbers(ch), ss = table.numbers(cs);
  std::vector<double> lengths_all;
  if (!a.length_col.empty()) lengths_all = table.numbers(table.column_or_position(a.length_col));
  std::vector<double> lengths;  // the answer lengths of the first model's items (the same items for every model)
  for (std::size_t r = 0; r < hs.size(); ++r) {  // a hard score is a 0/1 grade or a fraction
    if (!(hs[r] >= 0 && hs[r] <= 1)) {
      throw parse_error(a.file, table.lines[r], table.header[ch],
                        cli::quote_cell(table.rows[r][ch]) + " is outside [0, 1]: a hard score is a grade or a fraction");
    }
  }
  std::map<std::string, std::size_t> index;
  std::vector<std::string> names;
  std::vector<double> x;
  std::vector<std::vector<double>> hard, soft;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    double xv = xs[r];
    if (a.x_log10) {
      if (!(xv > 0)) {
        throw parse_error(a.file, table.lines[r], table.header[cx],
                          cli::short_number(xv) + " is not positive, so --x-log10 cannot take its logarithm");
      }
      xv = std::log10(xv);
    }
    const std::string& name = table.rows[r][cm];
    auto it = index.find(name);
    if (it == index.end()) {
      it = index.emplace(name, names.size()).first;
      names.push_back(name);
      x.push_back(xv);
      hard.emplace_back();
      soft.emplace_back();
    } else if (x[it->second] != xv) {
      throw parse_error(a.file, table.lines[r], table.header[cx],
                        "model '" + name + "' has x " + cli::short_number(xv) + " here but " +
                            cli::short_number(x[it->second]) + " on an earlier row");
    }
    if (!lengths_all.empty() && it->second == 0) lengths.push_back(lengths_all[r]);
    hard[it->second].push_back(hs[r]);
    soft[it->second].push_back(ss[r]);
  }
  if (names.size() < 3) {
    throw parse_error(a.file, table.lines.empty() ? 1 : table.lines.back(), table.header[cm],
                      std::to_string(names.size()) + " models are too few (need at least 3)");
  }
  mirage_options o;
  o.resampling.replicates = a.replicates;
  o.resampling.seed = a.seed;
  o.hard_judgement = a.judge;
  o.soft_judgement = a.judge;
  if (!std::isnan(a.hard_chance)) o.hard_judgement.chance = a.hard_chance;
  if (!std::isnan(a.soft_chance)) o.soft_judgement.chance = a.soft_chance;
  o.max_width_ratio = a.max_width_ratio;
  o.min_models = a.min_models;
  o.min_probability = a.min_probability;
  o.answer_lengths = lengths;
  const mirage_result r = cli::analysing(a.file, [&] { return mirage_analysis(x, hard, soft, o); });
  std::vector<std::string> sorted_names(names.size());
  {
    // models in increasing x, as the result
    std::vector<std::size_t> order(names.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t p, std::size_t q) { return x[p] < x[q]; });
    for (std::size_t i = 0; i < order.size(); ++i) sorted_names[i] = names[order[i]];
  }
  const auto curve_json = [&](const mirage_curve& c) {
    nlohmann::ordered_json o2;
    o2["judgement"] = std::string(to_string(c.judgement.judgement));
    o2["judgement_reasons"] = c.judgement.reasons;
    o2["rise_width_decades_monotone"] = cli::json_number(c.rise_width_decades);
    o2["bracket"] = {cli::json_number(c.judgement.bracket_low), cli::json_number(c.judgement.bracket_high)};
    o2["sharp"] = c.sharp;
    o2["accelerates"] = c.accelerates;
    o2["jumps"] = c.jumps;
    o2["davies_p"] = cli::json_number(c.davies_p);
    o2["score_p"] = cli::json_number(c.score_p);
    o2["breakpoint"] = cli::json_number(c.breakpoint);
    o2["slopes"] = {cli::json_number(c.slope_before), cli::json_number(c.slope_after)};
    o2["breakthroughness"] = cli::json_number(c.measures.breakthroughness);
    o2["linearity"] = cli::json_number(c.measures.linearity);
    o2["logistic_k"] = cli::json_number(c.measures.logistic_k);
    o2["rise_width_decades"] = cli::json_number(c.measures.rise_width_decades);
    std::vector<nlohmann::ordered_json> ys;
    for (double v : c.y) ys.push_back(cli::json_number(v));
    o2["y"] = ys;
    return o2;
  };
  if (a.json) {
    nlohmann::ordered_json out;
    out["file"] = a.file;
    out["hard"] = a.hard_col;
    out["soft"] = a.soft_col;
    out["verdict"] = std::string(to_string(r.verdict));
    out["observed_verdict"] = std::string(to_string(r.observed_verdict));
    out["verdict_probability"] = cli::json_number(r.probability_of(r.verdict));
    out["uncertain"] = r.uncertain;
    out["width_ratio"] = cli::json_number(r.width_ratio);
    out["width_ratio_ci"] = {cli::json_number(r.width_ratio_interval.lower), cli::json_number(r.width_ratio_interval.upper)};
    if (r.conjunction_checked) {
      nlohmann::ordered_json k;
      k["explains_curve"] = r.conjunction.explains_curve;
      k["rms_difference"] = cli::json_number(r.conjunction.rms_difference);
      k["rms_ci"] = {cli::json_number(r.conjunction.rms_interval.lower), cli::json_number(r.conjunction.rms_interval.upper)};
      k["fraction_agreeing"] = cli::json_number(r.conjunction.fraction_agreeing);
      std::vector<nlohmann::ordered_json> pred;
      for (const auto& pt : r.conjunction.points) pred.push_back(cli::json_number(pt.predicted));
      k["predicted"] = pred;
      k["sharper_than_predicted"] = r.sharper_than_predicted;
      out["conjunction"] = k;
    } else {
      out["conjunction"] = nullptr;
    }
    nlohmann::ordered_json prob;
    for (std::size_t v = 0; v < r.probability.size(); ++v) {
      prob[std::string(to_string(static_cast<mirage_verdict>(v)))] = r.probability[v];
    }
    out["probability"] = prob;
    out["models"] = sorted_names;
    out["x"] = r.x;
    out["min_examples"] = r.min_examples;
    out["hard_curve"] = curve_json(r.hard);
    out["soft_curve"] = curve_json(r.soft);
    out["reasons"] = r.reasons;
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << "verdict: " << to_string(r.verdict) << "  probability: " << cli::short_number(r.probability_of(r.verdict))
            << (r.uncertain ? " (uncertain)" : "") << '\n';
  std::cout << "bootstrap probability:";
  for (std::size_t v = 0; v < r.probability.size(); ++v) {
    std::cout << ' ' << to_string(static_cast<mirage_verdict>(v)) << '=' << cli::short_number(r.probability[v]);
  }
  std::cout << "\n\n";
  std::printf("%-20s %10s %12s %12s\n", "model", "x", a.hard_col.c_str(), a.soft_col.c_str());
  for (std::size_t i = 0; i < r.x.size(); ++i) {
    std::printf("%-20s %10s %12s %12s\n", sorted_names[i].c_str(), cli::short_number(r.x[i]).c_str(),
                cli::short_number(r.hard.y[i]).c_str(), cli::short_number(r.soft.y[i]).c_str());
  }
  std::cout << '\n';
  for (const auto& reason : r.reasons) std::cout << reason << '\n';
}

const emergent::cli::register_command registration{"mirage", [](CLI::App& app) {
  auto args = std::make_shared<mirage_args>();
  auto* cmd = app.add_subcommand("mirage", "is the jump genuine or induced by the metric? (per-example scores)");
  cmd->add_option("--model", args->model_col, "model column (default: model)");
  auto* x_opt = cmd->add_option("--x", args->x_col, "x column, log10 compute unless --x-log10 (default: x); per-example output of `emergent score`: flops (default), params or tokens, taken to log10");
  cmd->add_option("--task", args->task, "per-example output of `emergent score`: the task to analyse (needed when it holds several)");
  cmd->add_option("--hard", args->hard_col, "column of the hard metric (e.g. exact match)")->required();
  cmd->add_option("--soft", args->soft_col, "column of the soft metric of the same predictions")->required();
  emergent::cli::add_resampling_options(*cmd, args->replicates, args->seed, 1);
  cmd->add_option("--length", args->length_col, "column of each item's answer length in tokens: checks E[p^L] of the soft curve against the hard one (k-of-k)");
  cmd->add_option("--hard-chance", args->hard_chance, "floor (chance level) of the hard metric (default 0)");
  cmd->add_option("--soft-chance", args->soft_chance, "floor (chance level) of the soft metric (default: its range's low end)");
  cmd->add_option("--max-width-ratio", args->max_width_ratio, "hard is sharper than soft when its 10-90% width is at most this times the soft one (default 0.9)");
  cmd->add_option("--min-models", args->min_models, "fewer models: not resolvable (default 5)");
  cmd->add_option("--min-probability", args->min_probability, "below this bootstrap share a verdict is uncertain (default 0.8)");
  emergent::cli::add_rise_options(*cmd, args->judge);
  cmd->add_flag("--x-log10", args->x_log10, "take log10 of the x column");
  cmd->add_flag("--json", args->json, "print one JSON object instead of a table");
  cmd->add_option("file", args->file, "CSV file: one row per example, or the per-example output of `emergent score --per-example --compute TABLE`; - reads standard input")->required();
  cmd->callback([args, x_opt] {
    args->x_given = x_opt->count() > 0;
    run_mirage(*args);
  });
}};

}  // namespace
