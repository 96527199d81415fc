// `emergent sharpness`: BIG-bench breakthroughness and linearity, the logistic slope k with its
// interval, the 10-90% rise width in decades, the steepest slope per decade and the largest jump
// relative to the points' own uncertainty (from --lower/--upper 95% interval columns); and the
// judgement of the curve (emergent::judge_curve: sharp, smooth, saturated, flat, not_resolvable) with
// its reasons and bootstrap probability, count-aware with --n/--correct.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <emergent/analysis/judgement.hpp>
#include <emergent/analysis/sharpness.hpp>

#include "analysis_cli.hpp"
#include "command.hpp"

namespace {

struct sharpness_args {
  std::string file, x_col, y_col, lower_col, upper_col, n_col, correct_col;
  double chance = std::numeric_limits<double>::quiet_NaN(), range_min = std::numeric_limits<double>::quiet_NaN(), range_max = std::numeric_limits<double>::quiet_NaN();  // NaN: not given
  emergent::judgement_options judge;
  bool x_log10 = false;
  bool json = false;
};

void run_sharpness(const sharpness_args& a) {
  using namespace emergent;
  if (a.lower_col.empty() != a.upper_col.empty()) {
    throw input_error("sharpness: --lower and --upper must be given together");
  }
  const auto table = cli::csv_table::read(a.file);
  cli::xy_columns d = cli::read_xy(table, a.x_col, a.y_col, a.x_log10);
  if (d.x.size() < 3) {
    throw parse_error(a.file, d.lines.empty() ? 1 : d.lines.back(), d.y_name,
                      std::to_string(d.x.size()) + " data rows are too few (need at least 3)");
  }
  if (!a.correct_col.empty() && a.n_col.empty()) throw input_error("sharpness: --correct needs --n (items per point)");
  std::vector<double> counts;
  if (!a.n_col.empty()) {
    const std::size_t cn = table.column_or_position(a.n_col);
    counts = table.numbers(cn);
    std::vector<double> correct;
    if (!a.correct_col.empty()) correct = table.numbers(table.column_or_position(a.correct_col));
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (!(counts[i] >= 1) || counts[i] != std::floor(counts[i])) {
        throw parse_error(a.file, d.lines[i], table.header[cn], cli::short_number(counts[i]) + " is not a positive whole number of items");
      }
      if (!correct.empty()) {
        if (!(correct[i] >= 0 && correct[i] <= counts[i])) {
          throw parse_error(a.file, d.lines[i], a.correct_col, cli::short_number(correct[i]) + " correct is not between 0 and n");
        }
        d.y[i] = correct[i] / counts[i];
      }
      if (!(d.y[i] >= 0 && d.y[i] <= 1)) {
        throw parse_error(a.file, d.lines[i], d.y_name, cli::short_number(d.y[i]) + " is not a fraction in [0, 1] (needed with --n)");
      }
    }
  }
  std::vector<double> se;
  if (!a.lower_col.empty()) {
    const std::size_t cl = table.column_or_position(a.lower_col), cu = table.column_or_position(a.upper_col);
    const std::vector<double> lo = table.numbers(cl), hi = table.numbers(cu);
    for (std::size_t i = 0; i < lo.size(); ++i) {
      if (!(lo[i] <= d.y[i] && d.y[i] <= hi[i])) {
        throw parse_error(a.file, d.lines[i], table.header[cl], "the interval [" + cli::short_number(lo[i]) + ", " +
                                                                    cli::short_number(hi[i]) + "] does not contain y");
      }
      se.push_back((hi[i] - lo[i]) / (2.0 * 1.959963984540054));
    }
  }
  // sort by x; a repeated x is an error naming its line
  std::vector<std::size_t> order(d.x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t p, std::size_t q) { return d.x[p] < d.x[q]; });
  std::vector<double> x, y, s, nn;
  for (std::size_t i : order) {
    if (!x.empty() && d.x[i] == x.back()) {
      throw parse_error(a.file, d.lines[i], d.x_name, cli::short_number(d.x[i]) + " repeats an x value of another row");
    }
    x.push_back(d.x[i]);
    y.push_back(d.y[i]);
    if (!se.empty()) s.push_back(se[i]);
    if (!counts.empty()) {
      nn.push_back(counts[i]);
      if (s.size() < nn.size() && se.empty()) {
        // binomial standard errors for jump z when only counts are given
        s.push_back(std::sqrt(std::max(y.back() * (1 - y.back()), 0.25 / counts[i]) / counts[i]));
      }
    }
  }
  const sharpness m = cli::analysing(a.file, [&] { return measure_sharpness(x, y, s); });
  judgement_options jo = a.judge;
  const auto given = [](double v) { return std::isnan(v) ? std::optional<double>() : std::optional<double>(v); };
  jo.chance = given(a.chance);
  jo.range_low = given(a.range_min);
  jo.range_high = given(a.range_max);
  const curve_judgement_result j = cli::analysing(a.file, [&] {
    return judge_curve(x, y, nn, nn.empty() ? std::span<const double>(s) : std::span<const double>(), jo);
  });
  const std::string identifiability = m.logistic_status == "not_identifiable" ? std::string(not_identifiable_reason(j)) : std::string();
  if (a.json) {
    nlohmann::ordered_json out;
    out["file"] = a.file;
    out["n"] = x.size();
    out["judgement"] = std::string(to_string(j.judgement));
    out["probability"] = cli::json_number(j.probability);
    out["uncertain"] = j.uncertain;
    out["reasons"] = j.reasons;
    nlohmann::ordered_json probs;
    for (std::size_t v = 0; v < j.probabilities.size(); ++v) {
      probs[std::string(to_string(static_cast<curve_judgement>(v)))] = j.replicates > 0 ? cli::json_number(j.probabilities[v]) : nlohmann::ordered_json(nullptr);
    }
    out["probabilities"] = probs;
    out["replicates"] = j.replicates;
    out["range"] = {cli::json_number(j.range_low), cli::json_number(j.range_high)};
    out["range_source"] = j.range_source;
    out["floor"] = cli::json_number(j.floor);
    out["start_share"] = cli::json_number(j.start_share);
    out["rise_share"] = cli::json_number(j.rise_share);
    out["rise_z"] = j.significance_tested ? cli::json_number(j.rise_z) : nlohmann::ordered_json(nullptr);
    out["dispersion"] = cli::json_number(j.dispersion);
    out["non_monotone"] = j.non_monotone;
    out["bracket"] = {cli::json_number(j.bracket_low), cli::json_number(j.bracket_high)};
    out["bracket_probability"] = cli::json_number(j.bracket_probability);
    out["step_share"] = cli::json_number(j.step_share);
    out["step_between_models"] = j.step_between_models;
    out["width_at_most_decades"] = cli::json_number(j.width_at_most_decades);
    out["monotone_rise_width_decades"] = cli::json_number(j.rise_width_decades);
    out["window"] = j.window_found ? nlohmann::ordered_json{cli::json_number(j.window_low), cli::json_number(j.window_high)}
                                   : nlohmann::ordered_json(nullptr);
    out["window_share"] = j.window_found ? cli::json_number(j.window_share) : nlohmann::ordered_json(nullptr);
    out["breakthroughness"] = cli::json_number(m.breakthroughness);
    out["linearity"] = cli::json_number(m.linearity);
    // A logistic that was not fitted has no k, x0 or rise width: null, never 0 with [0, 0].
    const bool fitted = m.logistic_status != "not fitted" && m.logistic_status != "failed";
    const auto fitted_number = [&](double v) { return fitted ? cli::json_number(v) : nlohmann::ordered_json(nullptr); };
    out["logistic_k"] = fitted_number(m.logistic_k);
    out["logistic_k_ci95"] = {fitted_number(m.logistic_k_interval.lower), fitted_number(m.logistic_k_interval.upper)};
    out["logistic_x0"] = fitted_number(m.logistic_x0);
    out["logistic_status"] = m.logistic_status;
    out["logistic_not_identifiable_because"] = identifiability.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(identifiability);
    out["rise_width_decades"] = fitted_number(m.rise_width_decades);
    out["observed_rise_width_decades"] = cli::json_number(m.observed_rise_width_decades);
    out["steepest_slope_per_decade"] = cli::json_number(m.steepest_slope_per_decade);
    out["steepest_at"] = cli::json_number(m.steepest_at);
    out["largest_jump"] = cli::json_number(m.largest_jump);
    out["jump_z"] = se.empty() ? nlohmann::ordered_json(nullptr) : cli::json_number(m.jump_z);
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << "judgement: " << to_string(j.judgement);
  if (j.replicates > 0) std::cout << "  probability: " << cli::short_number(j.probability) << (j.uncertain ? " (uncertain)" : "");
  std::cout << '\n';
  for (const auto& why : j.reasons) std::cout << "  " << why << '\n';
  std::cout << "n: " << x.size() << '\n';
  std::cout << "breakthroughness: " << cli::short_number(m.breakthroughness) << '\n';
  std::cout << "linearity: " << cli::short_number(m.linearity) << '\n';
  if (m.logistic_status == "not fitted" || m.logistic_status == "failed") {
    std::cout << "logistic_k: -  status: " << m.logistic_status << '\n';
    std::cout << "rise_width_decades: -  (observed: " << cli::short_number(m.observed_rise_width_decades) << ")\n";
  } else {
    std::cout << "logistic_k: " << cli::short_number(m.logistic_k) << " per decade  ci95: ["
              << cli::short_number(m.logistic_k_interval.lower) << ", " << cli::short_number(m.logistic_k_interval.upper) << "]  status: "
              << m.logistic_status << (identifiability.empty() ? "" : " (" + identifiability + ")") << '\n';
    std::cout << "rise_width_decades: " << cli::short_number(m.rise_width_decades)
              << "  (observed: " << cli::short_number(m.observed_rise_width_decades) << ")\n";
  }
  std::cout << "steepest_slope_per_decade: " << cli::short_number(m.steepest_slope_per_decade) << " at x "
            << cli::short_number(m.steepest_at) << '\n';
  std::cout << "largest_jump: " << cli::short_number(m.largest_jump);
  if (!se.empty()) std::cout << "  jump_z: " << cli::short_number(m.jump_z);
  std::cout << '\n';
}

const emergent::cli::register_command registration{"sharpness", [](CLI::App& app) {
  auto args = std::make_shared<sharpness_args>();
  auto* cmd = app.add_subcommand("sharpness", "how sharp is the rise: breakthroughness, linearity, logistic k, rise width");
  cmd->add_option("--x", args->x_col, "x column (name or 1-based index; default: the first)");
  cmd->add_option("--y", args->y_col, "y column (name or 1-based index; default: the second)");
  cmd->add_option("--lower", args->lower_col, "column of the lower end of each point's 95% interval");
  cmd->add_option("--upper", args->upper_col, "column of the upper end of each point's 95% interval");
  cmd->add_option("--n", args->n_col, "column of the items behind each point: binomial uncertainty (y must be a fraction)");
  cmd->add_option("--correct", args->correct_col, "column of correct items (with --n): y = correct / n");
  cmd->add_option("--chance", args->chance, "floor of the metric: chance level, e.g. 0.25 for four options (default: the range's low end)");
  cmd->add_option("--range-min", args->range_min, "low end of the metric's range (default: inferred, 0)");
  cmd->add_option("--range-max", args->range_max, "high end of the metric's range (default: inferred, 1, or 100 when a value exceeds 1)");
  auto& j = args->judge;
  emergent::cli::add_rise_options(*cmd, j);
  cmd->add_option("--min-dip", j.min_dip, "report decreases of at least this share of the range (default 0.05)");
  cmd->add_option("--min-models", j.min_models, "fewer models: sharp vs smooth not resolvable (default 5)");
  cmd->add_option("--min-probability", j.min_probability, "below this bootstrap share a judgement is uncertain (default 0.8)");
  emergent::cli::add_resampling_options(*cmd, j.resampling.replicates, j.resampling.seed, 0);
  cmd->add_flag("--x-log10", args->x_log10, "take log10 of the x column (when it holds raw compute/parameters)");
  cmd->add_flag("--json", args->json, "print one JSON object instead of a table");
  cmd->add_option("file", args->file, "CSV file with a header row")->required();
  cmd->callback([args] { run_sharpness(*args); });
}};

}  // namespace
