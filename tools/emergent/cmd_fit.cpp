// `emergent fit`: fits one scaling-law model to two columns of a CSV file and prints the parameters,
// their standard errors and 95% intervals, RSS, AICc, BIC, the status and the flags (a table, or one
// JSON object with --json).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <emergent/core/error.hpp>
#include <emergent/fit.hpp>

#include "analysis_cli.hpp"  // analysing(): analysis errors name the file
#include "command.hpp"
#include "csv_table.hpp"

namespace {

struct fit_args {
  std::string model = "logistic";
  int breaks = 1;
  std::string x_col, y_col, weights_col;
  bool x_log10 = false;
  std::string loss = "none";
  double loss_scale = 1.0;
  bool json = false;
  std::string file;
  bool breaks_given = false, loss_scale_given = false;
};

// JSON has no infinity: non-finite numbers become null.
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string fixed(double v) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : (v < 0 ? "-inf" : "nan");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void run_fit(const fit_args& a) {
  using namespace emergent;
  // Options are checked before the file is read; an option that would have no effect is refused.
  if (a.breaks_given && a.model != "bnsl") {
    throw input_error("fit: --breaks: only --model bnsl has breaks (--model " + a.model + " has none)");
  }
  fit_options options;
  try {
    options.loss = parse_robust_loss(a.loss);
  } catch (const input_error& e) {
    throw input_error(std::string("fit: --loss: ") + e.what());
  }
  if (a.loss_scale_given && options.loss == robust_loss::none) {
    throw input_error("fit: --loss-scale: has no effect without a robust --loss (huber, soft_l1 or cauchy)");
  }
  const fit_model model = parse_fit_model(a.model);
  options.breaks = a.breaks;
  options.loss_scale = a.loss_scale;

  const auto table = cli::csv_table::read(a.file);
  if (table.header.size() < 2 && (a.x_col.empty() || a.y_col.empty())) {
    throw parse_error(a.file, 1, "", "need at least two columns (x and y)");
  }
  const std::size_t cx = a.x_col.empty() ? 0 : table.column_or_position(a.x_col);
  const std::size_t cy = a.y_col.empty() ? 1 : table.column_or_position(a.y_col);
  std::vector<double> x = table.numbers(cx);
  const std::vector<double> y = table.numbers(cy);
  if (a.x_log10) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!(x[i] > 0)) {
        throw parse_error(a.file, table.lines[i], table.header[cx],
                          fixed(x[i]) + " is not positive, so --x-log10 cannot take its logarithm");
      }
      x[i] = std::log10(x[i]);
    }
  }
  std::vector<double> w;
  if (!a.weights_col.empty()) {
    const std::size_t cw = table.column_or_position(a.weights_col);
    w = table.numbers(cw);
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (!(w[i] > 0)) throw parse_error(a.file, table.lines[i], table.header[cw], fixed(w[i]) + " is not a positive weight");
    }
  }
  for (const double& v : y) {
    if (v != y.front()) break;
    if (&v == &y.back()) {
      throw numerical_error("fit: " + a.file + ": " + table.header[cy] + " is constant (every row has " + fixed(v) +
                            "): a flat line has no " + a.model + " curve to fit");
    }
  }
  const int p = parameter_count(model, a.breaks);
  if (static_cast<long>(x.size()) < p) {
    throw parse_error(a.file, table.lines.empty() ? 1 : table.lines.back(), table.header[cy],
                      std::to_string(x.size()) + " data rows but " + a.model + " has " + std::to_string(p) +
                          " parameters");
  }
  const fit_result r = cli::analysing(a.file, [&] { return fit_xy(x, y, model, options, w); });
  // A fit whose AICc is not finite is not a usable fit, whatever the optimiser's status says: an exact
  // fit (RSS = 0, AICc = -inf) or too few points for the AICc correction (n <= p + 1, AICc = +inf).
  if (!std::isfinite(r.aicc) || !std::isfinite(r.rss)) {
    if (r.aicc > 0 && r.rss > 0) {
      throw numerical_error("fit: " + a.file + ": AICc is undefined with " + std::to_string(x.size()) + " points and " +
                            std::to_string(p) + " parameters (its small-sample correction divides by zero): add "
                            "points or fit a model with fewer parameters");
    }
    throw numerical_error("fit: " + a.file + ": the " + a.model + " curve passes exactly through every point (rss " +
                          fixed(r.rss) + ", AICc " + fixed(r.aicc) +
                          "): the fit has no residual error, so its AICc and standard errors are undefined "
                          "(are x and y the same column, or y a function of x?)");
  }
  if (a.json) {
    nlohmann::ordered_json out;
    out["model"] = std::string(to_string(r.model));
    if (r.model == fit_model::bnsl) out["breaks"] = r.breaks;
    out["status"] = std::string(to_string(r.status));
    out["n"] = r.n;
    nlohmann::ordered_json params = nlohmann::ordered_json::object(), se = nlohmann::ordered_json::object(),
                           ci = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < r.param_names.size(); ++i) {
      const auto& name = r.param_names[i];
      params[name] = number(r.params(static_cast<Eigen::Index>(i)));
      se[name] = number(r.std_errors(static_cast<Eigen::Index>(i)));
      const auto [lo, hi, level] = r.wald_interval(name);
      ci[name] = nlohmann::ordered_json::array({number(lo), number(hi)});
    }
    out["params"] = params;
    out["std_errors"] = se;
    out["ci95"] = ci;
    out["rss"] = number(r.rss);
    out["aicc"] = number(r.aicc);
    out["bic"] = number(r.bic);
    out["iterations"] = r.iterations;
    if (r.model == fit_model::power_law || r.model == fit_model::bnsl) out["x_ref"] = number(r.x_ref);
    out["flags"] = r.flags;
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << "model: " << to_string(r.model);
  if (r.model == fit_model::bnsl) std::cout << " (" << r.breaks << (r.breaks == 1 ? " break)" : " breaks)");
  std::cout << "  status: " << to_string(r.status) << "  n: " << r.n << '\n';
  if (r.model == fit_model::power_law || r.model == fit_model::bnsl) std::cout << "x_ref: " << fixed(r.x_ref) << '\n';
  std::printf("%-10s %14s %14s %14s %14s\n", "parameter", "estimate", "std_error", "ci95_low", "ci95_high");
  for (std::size_t i = 0; i < r.param_names.size(); ++i) {
    const auto [lo, hi, level] = r.wald_interval(r.param_names[i]);
    std::printf("%-10s %14s %14s %14s %14s\n", r.param_names[i].c_str(), fixed(r.params(static_cast<Eigen::Index>(i))).c_str(),
                fixed(r.std_errors(static_cast<Eigen::Index>(i))).c_str(), fixed(lo).c_str(), fixed(hi).c_str());
  }
  std::fflush(stdout);
  std::cout << "rss: " << fixed(r.rss) << "  aicc: " << fixed(r.aicc) << "  bic: " << fixed(r.bic)
            << "  iterations: " << r.iterations << '\n';
  std::cout << "flags:";
  if (r.flags.empty()) std::cout << " none";
  for (const auto& f : r.flags) std::cout << ' ' << f;
  std::cout << '\n';
}

void setup(CLI::App& app) {
  auto args = std::make_shared<fit_args>();
  CLI::App* cmd = app.add_subcommand("fit", "fit a scaling-law model (x = log10 quantity) to two CSV columns");
  cmd->add_option("--model", args->model, "logistic, power_law, accuracy_law, bnsl or linear")
      ->check(CLI::IsMember({"logistic", "power_law", "accuracy_law", "bnsl", "linear"}))
      ->required();
  auto* breaks = cmd->add_option("--breaks", args->breaks, "number of breaks of bnsl (1 to 3)")->check(CLI::Range(1, 3));
  cmd->add_option("--x", args->x_col, "x column (name or 1-based index; default: the first)");
  cmd->add_option("--y", args->y_col, "y column (name or 1-based index; default: the second)");
  cmd->add_flag("--x-log10", args->x_log10, "take log10 of the x column (when it holds raw compute/parameters)");
  cmd->add_option("--weights", args->weights_col, "column of positive weights (1/sigma^2)");
  cmd->add_option("--loss", args->loss, "robust loss: huber, soft_l1 or cauchy")
      ->check(CLI::IsMember({"none", "huber", "soft_l1", "cauchy"}));
  auto* loss_scale = cmd->add_option("--loss-scale", args->loss_scale, "scale of the robust loss, in units of y")
                         ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "print one JSON object instead of a table");
  cmd->add_option("file", args->file, "CSV file with a header row")->required();
  cmd->callback([args, breaks, loss_scale] {
    args->breaks_given = breaks->count() > 0;
    args->loss_scale_given = loss_scale->count() > 0;
    run_fit(*args);
  });
}

const emergent::cli::register_command registration{"fit", setup};

}  // namespace
