// `emergent breakpoint`: segmented regression of a curve with 1-3 breakpoints (or the number chosen
// by AICc with --breaks auto), R-style standard errors and Wald intervals, the observed x values
// bracketing each break, a profile-likelihood interval (one break), Davies' and the pseudo-score
// test. A table by default, one JSON object with --json.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <emergent/analysis/break_count.hpp>
#include <emergent/analysis/break_location.hpp>
#include <emergent/analysis/break_tests.hpp>
#include <emergent/analysis/segmented.hpp>

#include "analysis_cli.hpp"
#include "command.hpp"

namespace {

struct breakpoint_args {
  std::string file, x_col, y_col, breaks = "1", shape = "continuous";
  bool x_log10 = false;
  bool json = false;
};

void analyse(const breakpoint_args& a, emergent::segmented_options options, bool automatic,
             const emergent::cli::xy_columns& d);

void run_breakpoint(const breakpoint_args& a) {
  using namespace emergent;
  segmented_options options;
  if (a.shape == "continuous") options.shape = segmented_shape::continuous;
  else if (a.shape == "plateau") options.shape = segmented_shape::plateau;
  else if (a.shape == "step") options.shape = segmented_shape::step;
  else throw input_error("breakpoint: --shape: '" + a.shape + "' is not one of continuous, plateau, step");
  const bool automatic = a.breaks == "auto";
  if (!automatic) {
    if (a.breaks != "1" && a.breaks != "2" && a.breaks != "3") {
      throw input_error("breakpoint: --breaks: '" + a.breaks + "' is not 1, 2, 3 or auto");
    }
    options.breaks = static_cast<std::size_t>(a.breaks[0] - '0');
  }
  const auto table = cli::csv_table::read(a.file);
  const cli::xy_columns d = cli::read_xy(table, a.x_col, a.y_col, a.x_log10);
  if (d.x.size() < 5) {
    throw parse_error(a.file, d.lines.empty() ? 1 : d.lines.back(), d.y_name,
                      std::to_string(d.x.size()) + " data rows are too few for a breakpoint (need at least 5)");
  }
  cli::require_varying(a.file, "a flat line has no breakpoint", d.y_name, d.y);
  cli::require_varying(a.file, "every point is at the same x, so there is no curve to break", d.x_name, d.x);
  cli::analysing(a.file, [&] { analyse(a, options, automatic, d); });
}

void analyse(const breakpoint_args& a, emergent::segmented_options options, bool automatic, const emergent::cli::xy_columns& d) {
  using namespace emergent;
  std::vector<std::string> warnings;
  nlohmann::ordered_json count = nullptr;
  std::size_t k = options.breaks;
  if (automatic) {
    break_count_options co;
    co.shape = options.shape == segmented_shape::step ? segmented_shape::continuous : options.shape;
    co.max_breaks = std::min<std::size_t>(3, std::max<std::size_t>(1, (d.x.size() - 2) / 4));
    const break_count c = choose_breaks(d.x, d.y, co);
    k = c.by_aicc;
    std::vector<nlohmann::ordered_json> aicc;
    for (double v : c.aicc) aicc.push_back(cli::json_number(v));
    std::vector<nlohmann::ordered_json> sp;
    for (double v : c.score_p) sp.push_back(cli::json_number(v));
    count = {{"by_aicc", c.by_aicc}, {"by_tests", c.by_tests}, {"aicc", aicc}, {"score_p", sp}};
    warnings.insert(warnings.end(), c.warnings.begin(), c.warnings.end());
    if (options.shape == segmented_shape::step && k > 1) k = 1;
  }
  const break_test_result davies = davies_test(d.x, d.y);
  double score_p = 0.0;
  try {
    score_p = pscore_test(d.x, d.y).p_value;
  } catch (const numerical_error&) {
    warnings.push_back("the points lie exactly on a line: the pseudo-score test is undefined (reported as p = 1)");
    score_p = 1.0;
  }
  nlohmann::ordered_json out;
  out["file"] = a.file;
  out["x"] = d.x_name;
  out["y"] = d.y_name;
  out["n"] = d.x.size();
  out["shape"] = a.shape;
  out["breaks"] = k;
  std::vector<nlohmann::ordered_json> bps;
  std::vector<double> slopes;
  double rss = 0, intercept = 0, aicc = 0, jump = 0;
  if (k == 0) {
    // the straight line (plateau: the constant) chosen by AICc
    const std::size_t n = d.x.size();
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < n; ++i) {
      mx += d.x[i];
      my += d.y[i];
    }
    mx /= static_cast<double>(n);
    my /= static_cast<double>(n);
    double sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sxx += (d.x[i] - mx) * (d.x[i] - mx);
      sxy += (d.x[i] - mx) * (d.y[i] - my);
    }
    const bool flat = options.shape == segmented_shape::plateau;
    const double b = flat ? 0.0 : sxy / sxx;
    intercept = my - b * mx;
    slopes = {b};
    for (std::size_t i = 0; i < n; ++i) rss += (d.y[i] - intercept - b * d.x[i]) * (d.y[i] - intercept - b * d.x[i]);
    aicc = gaussian_aicc(rss, n, flat ? 1 : 2);
  } else {
    options.breaks = k;
    const segmented_fit f = fit_segmented(d.x, d.y, options);
    profile_location profile{};
    const bool has_profile = k == 1 && options.shape != segmented_shape::step;
    if (has_profile) profile = breakpoint_profile_interval(d.x, d.y, options);
    for (const auto& b : f.breakpoints) {
      nlohmann::ordered_json o;
      o["estimate"] = cli::json_number(b.estimate);
      o["std_error"] = cli::json_number(b.std_error);
      o["ci95"] = {cli::json_number(b.interval.lower), cli::json_number(b.interval.upper)};
      o["bracket"] = {b.bracket_left, b.bracket_right};
      o["narrower_than_gap"] = b.narrower_than_gap;
      if (has_profile) o["profile95"] = {cli::json_number(profile.interval.lower), cli::json_number(profile.interval.upper)};
      bps.push_back(o);
      if (b.narrower_than_gap) {
        warnings.push_back("the interval of the break at " + cli::short_number(b.estimate) +
                           " is narrower than the gap between the observed x values " +
                           cli::short_number(b.bracket_left) + " and " + cli::short_number(b.bracket_right) +
                           ": the data only place it between them");
      }
    }
    slopes = f.slopes;
    rss = f.rss;
    intercept = f.intercept;
    aicc = f.aicc;
    jump = f.jump;
    warnings.insert(warnings.end(), f.warnings.begin(), f.warnings.end());
  }
  if (a.json) {
    out["breakpoints"] = bps;
    out["slopes"] = slopes;
    out["intercept"] = cli::json_number(intercept);
    if (options.shape == segmented_shape::step) out["jump"] = cli::json_number(jump);
    out["rss"] = cli::json_number(rss);
    out["aicc"] = cli::json_number(aicc);
    out["davies_p"] = cli::json_number(davies.p_value);
    out["davies_best"] = cli::json_number(davies.best);
    out["score_p"] = cli::json_number(score_p);
    if (automatic) out["break_count"] = count;
    out["warnings"] = warnings;
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << "shape: " << a.shape << "  breaks: " << k << "  n: " << d.x.size() << '\n';
  if (k > 0) {
    std::printf("%-12s %12s %12s %12s %12s %12s %12s\n", "breakpoint", "estimate", "std_error", "ci95_low", "ci95_high",
                "x_left", "x_right");
    for (std::size_t i = 0; i < bps.size(); ++i) {
      const auto& b = bps[i];
      const auto num = [](const nlohmann::ordered_json& v) {
        return v.is_null() ? std::string("inf") : cli::short_number(v.get<double>());
      };
      std::printf("%-12zu %12s %12s %12s %12s %12s %12s\n", i + 1, num(b["estimate"]).c_str(), num(b["std_error"]).c_str(),
                  num(b["ci95"][0]).c_str(), num(b["ci95"][1]).c_str(), num(b["bracket"][0]).c_str(),
                  num(b["bracket"][1]).c_str());
    }
  }
  std::cout << "slopes:";
  for (double s : slopes) std::cout << ' ' << cli::short_number(s);
  std::cout << "\nintercept: " << cli::short_number(intercept);
  if (options.shape == segmented_shape::step) std::cout << "  jump: " << cli::short_number(jump);
  std::cout << "\nrss: " << cli::short_number(rss) << "  aicc: " << cli::short_number(aicc) << '\n';
  std::cout << "davies_p: " << cli::short_number(davies.p_value) << "  score_p: " << cli::short_number(score_p) << '\n';
  if (automatic) {
    std::cout << "breaks by aicc: " << count["by_aicc"].get<std::size_t>()
              << "  by sequential score tests: " << count["by_tests"].get<std::size_t>() << '\n';
  }
  for (const auto& w : warnings) std::cout << "warning: " << w << '\n';
}

const emergent::cli::register_command registration{"breakpoint", [](CLI::App& app) {
  auto args = std::make_shared<breakpoint_args>();
  auto* cmd = app.add_subcommand("breakpoint", "segmented regression: breakpoints with intervals, Davies and score tests");
  cmd->add_option("--breaks", args->breaks, "number of breakpoints: 1, 2, 3 or auto (chosen by AICc)");
  cmd->add_option("--shape", args->shape, "continuous (default), plateau (flat first segment) or step");
  cmd->add_option("--x", args->x_col, "x column (name or 1-based index; default: the first)");
  cmd->add_option("--y", args->y_col, "y column (name or 1-based index; default: the second)");
  cmd->add_flag("--x-log10", args->x_log10, "take log10 of the x column (when it holds raw compute/parameters)");
  cmd->add_flag("--json", args->json, "print one JSON object instead of a table");
  cmd->add_option("file", args->file, "CSV file with a header row")->required();
  cmd->callback([args] { run_breakpoint(*args); });
}};

}  // namespace
