// `emergent sharpness`: BIG-bench breakthroughness and linearity, the logistic slope k with its
// interval, the 10-90% rise width in decades, the steepest slope per decade and the largest jump
// relative to the points' own uncertainty (from --lower/--upper 95% interval columns).
#include <algorithm>
#include <iostream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <emergent/analysis/sharpness.hpp>

#include "analysis_cli.hpp"
#include "command.hpp"

namespace {

struct sharpness_args {
  std::string file, x_col, y_col, lower_col, upper_col;
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
  if (a.lower_col.empty() != a.upper_col.empty()) {
    throw input_error("sharpness: --lower and --upper must be given together");
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
  std::vector<double> x, y, s;
  for (std::size_t i : order) {
    if (!x.empty() && d.x[i] == x.back()) {
      throw parse_error(a.file, d.lines[i], d.x_name, cli::short_number(d.x[i]) + " repeats an x value of another row");
    }
    x.push_back(d.x[i]);
    y.push_back(d.y[i]);
    if (!se.empty()) s.push_back(se[i]);
  }
  const sharpness m = cli::analysing(a.file, [&] { return measure_sharpness(x, y, s); });
  if (a.json) {
    nlohmann::ordered_json out;
    out["file"] = a.file;
    out["n"] = x.size();
    out["breakthroughness"] = cli::json_number(m.breakthroughness);
    out["linearity"] = cli::json_number(m.linearity);
    // A logistic that was not fitted has no k, x0 or rise width: null, never 0 with [0, 0].
    const bool fitted = m.logistic_status != "not fitted" && m.logistic_status != "failed";
    const auto fitted_number = [&](double v) { return fitted ? cli::json_number(v) : nlohmann::ordered_json(nullptr); };
    out["logistic_k"] = fitted_number(m.logistic_k);
    out["logistic_k_ci95"] = {fitted_number(m.logistic_k_low), fitted_number(m.logistic_k_high)};
    out["logistic_x0"] = fitted_number(m.logistic_x0);
    out["logistic_status"] = m.logistic_status;
    out["rise_width_decades"] = fitted_number(m.rise_width_decades);
    out["observed_rise_width_decades"] = cli::json_number(m.observed_rise_width_decades);
    out["steepest_slope_per_decade"] = cli::json_number(m.steepest_slope_per_decade);
    out["steepest_at"] = cli::json_number(m.steepest_at);
    out["largest_jump"] = cli::json_number(m.largest_jump);
    out["jump_z"] = se.empty() ? nlohmann::ordered_json(nullptr) : cli::json_number(m.jump_z);
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << "n: " << x.size() << '\n';
  std::cout << "breakthroughness: " << cli::short_number(m.breakthroughness) << '\n';
  std::cout << "linearity: " << cli::short_number(m.linearity) << '\n';
  if (m.logistic_status == "not fitted" || m.logistic_status == "failed") {
    std::cout << "logistic_k: -  status: " << m.logistic_status << '\n';
    std::cout << "rise_width_decades: -  (observed: " << cli::short_number(m.observed_rise_width_decades) << ")\n";
  } else {
    std::cout << "logistic_k: " << cli::short_number(m.logistic_k) << " per decade  ci95: ["
              << cli::short_number(m.logistic_k_low) << ", " << cli::short_number(m.logistic_k_high) << "]  status: "
              << m.logistic_status << '\n';
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
  cmd->add_flag("--x-log10", args->x_log10, "take log10 of the x column (when it holds raw compute/parameters)");
  cmd->add_flag("--json", args->json, "print one JSON object instead of a table");
  cmd->add_option("file", args->file, "CSV file with a header row")->required();
  cmd->callback([args] { run_sharpness(*args); });
}};

}  // namespace
