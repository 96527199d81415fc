// Outputs of `emergent report`: one SVG per task, report.json (every number shown), index.html (a
// summary table and the figures) and the plain-text summary for the terminal.
#pragma once

#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <emergent/version.hpp>

#include "plot/svg_plot.hpp"
#include "report_data.hpp"

namespace emergent::cli::report {

/// "1.2e+21" style, `digits` significant digits.
inline std::string sci(double v, int digits = 2) {
  if (!std::isfinite(v)) return "-";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

/// Fixed decimals.
inline std::string fixed(double v, int decimals = 3) {
  if (!std::isfinite(v)) return "-";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// Builds the figure of one task: the hard panel and the soft panel (or a note that there is none).
inline plot::figure make_figure(const task_result& t, double gap_factor) {
  plot::figure fig;
  fig.title = t.spec.title.empty() ? t.spec.id : t.spec.title;
  fig.fit_label = "logistic fit";
  fig.segmented_label = "segmented fit (significant break)";
  plot::panel hard, soft;
  hard.title = "hard metric: " + t.hard_name;
  hard.x_label = soft.x_label = t.x_label;
  hard.y_label = t.hard_name;
  hard.log_y = t.spec.hard.log_scale;
  soft.title = t.spec.soft ? "soft metric: " + t.soft_name : "soft metric";
  soft.y_label = t.spec.soft ? t.soft_name : "";
  soft.log_y = t.spec.soft && t.spec.soft->log_scale;
  std::vector<double> xs;
  std::size_t color = 0;
  for (const auto& s : t.series) {
    const std::string c = plot::palette()[color++ % plot::palette().size()];
    plot::series hs, ss;
    hs.label = ss.label = s.label;
    hs.color = ss.color = c;
    hs.connect = ss.connect = true;
    for (const auto& p : s.points) {
      xs.push_back(p.x);
      hs.x.push_back(p.x);
      hs.y.push_back(p.hard.value);
      hs.lower.push_back(std::isfinite(p.hard.lower) ? p.hard.lower : p.hard.value);
      hs.upper.push_back(std::isfinite(p.hard.upper) ? p.hard.upper : p.hard.value);
      if (p.soft) {
        ss.x.push_back(p.x);
        ss.y.push_back(p.soft->value);
        ss.lower.push_back(std::isfinite(p.soft->lower) ? p.soft->lower : p.soft->value);
        ss.upper.push_back(std::isfinite(p.soft->upper) ? p.soft->upper : p.soft->value);
      }
    }
    const series_analysis& a = s.analysis;
    std::optional<plot::series> flagged;
    if (a.hard_fit && a.hard_fit->flags.empty()) {
      hs.fit_x = a.hard_fit->x;
      hs.fit_y = a.hard_fit->y;
    } else if (a.hard_fit) {
      // a flagged fit is drawn dashed, and its flags are named in the legend
      plot::series fs;
      std::string flags;
      for (const auto& f : a.hard_fit->flags) flags += (flags.empty() ? "" : ", ") + f;
      fs.label = s.label + ": " + a.hard_fit->model + " fit, " + flags;
      fs.color = c;
      fs.fit_x = a.hard_fit->x;
      fs.fit_y = a.hard_fit->y;
      fs.dashed_fit = true;
      flagged = std::move(fs);
    }
    const bool significant = a.breakpoint && a.breakpoint_p && *a.breakpoint_p < 0.05;
    if (a.segmented_fit && significant) {
      hs.connect = false;
      hs.seg_x = a.segmented_fit->x;
      hs.seg_y = a.segmented_fit->y;
    }
    if (a.soft_fit) {
      ss.fit_x = a.soft_fit->x;
      ss.fit_y = a.soft_fit->y;
    }
    if (significant) {  // only breaks that Davies' test supports are drawn
      double lo = a.breakpoint_lower.value_or(*a.breakpoint), hi = a.breakpoint_upper.value_or(*a.breakpoint);
      if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = *a.breakpoint;
      if (a.breakpoint_narrower_than_gap && a.breakpoint_bracket) {  // no interval is narrower than the models around it
        lo = a.breakpoint_bracket->first;
        hi = a.breakpoint_bracket->second;
      }
      hard.breakpoints.push_back({*a.breakpoint, lo, hi, c});
    }
    hard.data.push_back(std::move(hs));
    if (flagged) hard.data.push_back(std::move(*flagged));
    if (!ss.x.empty()) soft.data.push_back(std::move(ss));
  }
  hard.gaps = soft.gaps = plot::empty_ranges(xs, gap_factor);
  if (!t.spec.soft) soft.note = "no soft metric in this data";
  fig.panels = {hard, soft};
  return fig;
}

/// Grey bands of a task (same rule as the figure).
inline std::vector<std::pair<double, double>> task_gaps(const task_result& t, double gap_factor) {
  std::vector<double> xs;
  for (const auto& s : t.series) {
    for (const auto& p : s.points) xs.push_back(p.x);
  }
  return plot::empty_ranges(xs, gap_factor);
}

namespace detail {

inline nlohmann::ordered_json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

inline nlohmann::ordered_json to_json(const estimate& e) {
  nlohmann::ordered_json j;
  j["value"] = number_or_null(e.value);
  j["lower"] = number_or_null(e.lower);
  j["upper"] = number_or_null(e.upper);
  j["n"] = e.n ? nlohmann::ordered_json(*e.n) : nlohmann::ordered_json(nullptr);
  j["interval"] = e.interval;
  return j;
}

inline nlohmann::ordered_json to_json(const fitted_curve& f) {
  nlohmann::ordered_json j;
  j["model"] = f.model;
  j["status"] = f.status;
  j["parameters"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : f.parameters) j["parameters"][k] = number_or_null(v);
  j["standard_errors"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : f.standard_errors) j["standard_errors"][k] = number_or_null(v);
  j["curve"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < f.x.size(); ++i) j["curve"].push_back({f.x[i], number_or_null(f.y[i])});
  j["flags"] = f.flags;
  return j;
}

}  // namespace detail

/// report.json: the inputs' description and every number that the figures and tables show.
inline nlohmann::ordered_json make_json(const report_spec& spec, const std::vector<task_result>& tasks) {
  nlohmann::ordered_json j;
  j["schema"] = "https://example.invalid/emergent/report.schema.json";
  j["schema_version"] = 1;
  j["generator"] = "emergent " + std::to_string(EMERGENT_VERSION_MAJOR) + "." + std::to_string(EMERGENT_VERSION_MINOR) + "." +
                   std::to_string(EMERGENT_VERSION_PATCH);
  j["title"] = spec.title;
  j["compute_table"] = spec.compute_table;
  j["gap_factor"] = spec.gap_factor;
  j["tasks"] = nlohmann::ordered_json::array();
  for (const auto& t : tasks) {
    nlohmann::ordered_json tj;
    tj["id"] = t.spec.id;
    tj["title"] = t.spec.title.empty() ? t.spec.id : t.spec.title;
    tj["table"] = t.spec.table;
    tj["kind"] = t.spec.kind;
    tj["where"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : t.spec.where) tj["where"][k] = v;
    tj["x"] = {{"quantity", t.spec.x}, {"label", t.x_label}, {"log_base", 10}};
    tj["hard_metric"] = {{"name", t.hard_name}, {"column", t.spec.hard.column}, {"lower_is_better", t.spec.hard.lower_is_better}};
    if (t.spec.soft) {
      tj["soft_metric"] = {{"name", t.soft_name},
                           {"column", t.spec.soft->kind == "gold_option_probability" ? std::string("") : t.spec.soft->column},
                           {"lower_is_better", t.spec.soft->lower_is_better}};
    } else {
      tj["soft_metric"] = nullptr;
    }
    tj["figure"] = t.figure;
    tj["gaps"] = nlohmann::ordered_json::array();
    for (const auto& [a, b] : t.gaps) tj["gaps"].push_back({{"from", a}, {"to", b}});
    tj["notes"] = t.notes;
    tj["series"] = nlohmann::ordered_json::array();
    for (const auto& s : t.series) {
      nlohmann::ordered_json sj;
      sj["label"] = s.label;
      sj["points"] = nlohmann::ordered_json::array();
      for (const auto& p : s.points) {
        nlohmann::ordered_json pj;
        pj["model"] = p.model;
        pj["quantity"] = p.quantity;
        pj["x"] = p.x;
        pj["x_source"] = p.x_source;
        pj["hard"] = detail::to_json(p.hard);
        pj["soft"] = p.soft ? detail::to_json(*p.soft) : nlohmann::ordered_json(nullptr);
        sj["points"].push_back(pj);
      }
      const series_analysis& a = s.analysis;
      nlohmann::ordered_json aj;
      if (a.jump_from) {
        const auto& p0 = s.points[*a.jump_from];
        const auto& p1 = s.points[*a.jump_from + 1];
        aj["largest_jump"] = {{"from_model", p0.model}, {"to_model", p1.model}, {"from_x", p0.x}, {"to_x", p1.x},
                              {"rise", detail::number_or_null(a.jump)}};
      } else {
        aj["largest_jump"] = nullptr;
      }
      aj["hard_fit"] = a.hard_fit ? detail::to_json(*a.hard_fit) : nlohmann::ordered_json(nullptr);
      aj["soft_fit"] = a.soft_fit ? detail::to_json(*a.soft_fit) : nlohmann::ordered_json(nullptr);
      aj["segmented_fit"] = a.segmented_fit ? detail::to_json(*a.segmented_fit) : nlohmann::ordered_json(nullptr);
      if (a.breakpoint) {
        aj["breakpoint"] = {{"x", *a.breakpoint},
                            {"lower", detail::number_or_null(a.breakpoint_lower.value_or(std::nan("")))},
                            {"upper", detail::number_or_null(a.breakpoint_upper.value_or(std::nan("")))},
                            {"p_value", detail::number_or_null(a.breakpoint_p.value_or(std::nan("")))},
                            {"bracket", a.breakpoint_bracket ? nlohmann::ordered_json{a.breakpoint_bracket->first, a.breakpoint_bracket->second}
                                                             : nlohmann::ordered_json(nullptr)},
                            {"narrower_than_gap", a.breakpoint_narrower_than_gap}};
      } else {
        aj["breakpoint"] = nullptr;
      }
      aj["sharpness"] = nlohmann::ordered_json::object();
      for (const auto& [k, v] : a.sharpness) aj["sharpness"][k] = detail::number_or_null(v);
      aj["judgement"] = a.judgement;
      aj["judgement_probability"] = detail::number_or_null(a.judgement_probability);
      aj["judgement_reasons"] = a.judgement_reasons;
      aj["rise_bracket"] = a.rise_bracket ? nlohmann::ordered_json{a.rise_bracket->first, a.rise_bracket->second}
                                          : nlohmann::ordered_json(nullptr);
      aj["verdict"] = a.verdict;
      aj["verdict_probability"] = detail::number_or_null(a.verdict_probability);
      aj["uncertain"] = a.uncertain;
      aj["verdict_reason"] = a.verdict_reason;
      if (a.examples) {  // per-example input: the bootstrap over examples
        const example_bootstrap& e = *a.examples;
        const auto pair = [](const std::optional<std::pair<double, double>>& v) {
          return v ? nlohmann::ordered_json{detail::number_or_null(v->first), detail::number_or_null(v->second)}
                   : nlohmann::ordered_json(nullptr);
        };
        nlohmann::ordered_json ej;
        ej["replicates"] = e.replicates;
        ej["seed"] = e.seed;
        ej["level"] = e.level;
        ej["breakpoint_interval"] = pair(e.breakpoint);
        ej["breakpoint_failed_replicates"] = e.breakpoint_failed;
        ej["largest_jump_interval"] = pair(e.jump);
        ej["largest_jump_same_models"] = detail::number_or_null(e.jump_same_models);
        ej["judgement_probability"] = detail::number_or_null(e.judgement_probability);
        if (e.verdict_probabilities) {
          ej["verdict_probabilities"] = nlohmann::ordered_json::object();
          for (const auto& [k, v] : *e.verdict_probabilities) ej["verdict_probabilities"][k] = v;
        } else {
          ej["verdict_probabilities"] = nullptr;
        }
        ej["width_ratio"] = e.width_ratio ? nlohmann::ordered_json{detail::number_or_null((*e.width_ratio)[0]),
                                                                   detail::number_or_null((*e.width_ratio)[1]),
                                                                   detail::number_or_null((*e.width_ratio)[2])}
                                          : nlohmann::ordered_json(nullptr);
        aj["example_bootstrap"] = ej;
      } else {
        aj["example_bootstrap"] = nullptr;
      }
      aj["notes"] = a.notes;
      sj["analysis"] = aj;
      tj["series"].push_back(sj);
    }
    j["tasks"].push_back(tj);
  }
  return j;
}

/// Text of the x position of a breakpoint or jump: "10^21.3".
inline std::string pow10_text(double x) { return "10^" + fixed(x, 1); }

/// True when the rise from x0 to x1 (log10) crosses a gap with no model: a grey band of the task's
/// figure, or neighbours of the series more than gap_factor apart.
inline bool spans_gap(const task_result& t, double x0, double x1, double gap_factor = 4) {
  if (x1 - x0 > std::log10(gap_factor)) return true;
  for (const auto& [g0, g1] : t.gaps) {
    if (g0 < x1 && g1 > x0) return true;
  }
  return false;
}

/// " (p = 0.98)", " (p = 0.62, uncertain)", or "" when there is no bootstrap probability.
inline std::string probability_text(double p, bool uncertain) {
  if (!std::isfinite(p)) return "";
  return " (p = " + fixed(p, 2) + (uncertain ? ", uncertain)" : ")");
}

/// One summary row per series: the cells shown in the terminal and in index.html.
struct summary_row {
  std::string task, series, models, hard_range, jump, breakpoint, sharpness, verdict;
};

inline std::vector<summary_row> summary_rows(const std::vector<task_result>& tasks, double gap_factor = 4) {
  std::vector<summary_row> rows;
  for (const auto& t : tasks) {
    for (const auto& s : t.series) {
      summary_row r;
      r.task = t.spec.id;
      r.series = s.label;
      r.models = std::to_string(s.points.size());
      double lo = INFINITY, hi = -INFINITY;
      for (const auto& p : s.points) {
        lo = std::min(lo, p.hard.value);
        hi = std::max(hi, p.hard.value);
      }
      r.hard_range = fixed(lo, 3) + "-" + fixed(hi, 3);
      const auto& a = s.analysis;
      if (a.jump_from) {
        const double x0 = s.points[*a.jump_from].x, x1 = s.points[*a.jump_from + 1].x;
        r.jump = (a.jump >= 0 ? "+" : "") + fixed(a.jump, 3) + " from " + pow10_text(x0) + " to " + pow10_text(x1) +
                 (spans_gap(t, x0, x1, gap_factor) ? " (across a " + sci(std::pow(10.0, x1 - x0), 2) + "x gap: no model there)" : "");
        if (a.examples && a.examples->jump) {  // per-example input: its interval over bootstrap resamples of examples
          r.jump += " [" + fixed(a.examples->jump->first, 3) + ", " + fixed(a.examples->jump->second, 3) + "; same models " +
                    fixed(a.examples->jump_same_models, 2) + "]";
        }
      } else {
        r.jump = "-";
      }
      if (a.breakpoint && a.breakpoint_narrower_than_gap && a.breakpoint_bracket) {
        r.breakpoint = "between " + pow10_text(a.breakpoint_bracket->first) + " and " + pow10_text(a.breakpoint_bracket->second) +
                       " (its interval is narrower than this gap)";
      } else r.breakpoint = a.breakpoint ? pow10_text(*a.breakpoint) +
                                        (a.breakpoint_lower && std::isfinite(*a.breakpoint_lower) &&
                                                 std::isfinite(*a.breakpoint_upper)
                                             ? " [" + fixed(*a.breakpoint_lower, 1) + ", " +
                                                                  fixed(*a.breakpoint_upper, 1) + "]"
                                                            : std::string())
                                  : "-";
      if (a.examples && a.examples->breakpoint) {
        r.breakpoint += "; examples [" + fixed(a.examples->breakpoint->first, 1) + ", " + fixed(a.examples->breakpoint->second, 1) + "]";
      }
      // Short names on the terminal and in the tables; report.json has the full ones.
      static const std::map<std::string, std::string> short_names{{"breakthroughness", "B"},
                                                                  {"linearity", "L"},
                                                                  {"logistic_k", "k"},
                                                                  {"rise_width_decades", "w"},
                                                                  {"observed_rise_width_decades", "w_obs"},
                                                                  {"monotone_rise_width_decades", "w_mono"},
                                                                  {"width_at_most_decades", "w_max"}};
      std::string sharp;
      for (const auto& [k, v] : a.sharpness) {
        const auto found = short_names.find(k);
        sharp += (sharp.empty() ? "" : " ") + (found == short_names.end() ? k : found->second) + "=" + sci(v, 3);
      }
      r.sharpness = sharp.empty() ? "-" : sharp;
      r.verdict = a.verdict + probability_text(a.verdict_probability, a.uncertain);
      if (a.verdict != a.judgement) r.verdict += "; hard: " + a.judgement + probability_text(a.judgement_probability, false);
      rows.push_back(r);
    }
  }
  return rows;
}

/// The plain-text table printed on the terminal.
inline std::string summary_text(const std::vector<task_result>& tasks, double gap_factor = 4) {
  const auto rows = summary_rows(tasks, gap_factor);
  std::vector<summary_row> all{{"task", "series", "models", "hard range", "largest rise", "breakpoint [95% CI]", "sharpness", "verdict"}};
  all.insert(all.end(), rows.begin(), rows.end());
  std::vector<std::size_t> w(8, 0);
  const auto cells = [](const summary_row& r) {
    return std::vector<std::string>{r.task, r.series, r.models, r.hard_range, r.jump, r.breakpoint, r.sharpness, r.verdict};
  };
  for (const auto& r : all) {
    const auto c = cells(r);
    for (std::size_t i = 0; i < c.size(); ++i) w[i] = std::max(w[i], c[i].size());
  }
  std::string out;
  for (std::size_t k = 0; k < all.size(); ++k) {
    const auto c = cells(all[k]);
    std::string line;
    for (std::size_t i = 0; i < c.size(); ++i) {
      line += c[i];
      if (i + 1 < c.size()) line += std::string(w[i] - c[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

inline std::string html_escape(const std::string& s) { return plot::detail::escape(s); }

/// Escapes `s` for HTML and writes the powers of ten of the summary ("10^21.4") as superscripts.
inline std::string html_text(const std::string& s) {
  const std::string e = html_escape(s);
  std::string out;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e.compare(i, 3, "10^") == 0) {
      std::size_t j = i + 3;
      if (j < e.size() && e[j] == '-') ++j;  // a sign only at the start: "10^21.4-10^21.7" is two powers
      while (j < e.size() && (std::isdigit(static_cast<unsigned char>(e[j])) || e[j] == '.')) ++j;
      if (j > i + 3 && e[j - 1] == '.') --j;  // a full stop after the number is not part of it
      if (j > i + 3) {
        out += "10<sup>" + e.substr(i + 3, j - i - 3) + "</sup>";
        i = j - 1;
        continue;
      }
    }
    out += e[i];
  }
  return out;
}

/// index.html: a summary table and the figures. An inline script sets the document title to
/// "ok N/N" once all N figures have loaded ("failed k/N" otherwise), which the browser check reads.
inline std::string make_html(const report_spec& spec, const std::vector<task_result>& tasks) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<link rel=\"icon\" href=\"data:,\">\n<title>" << html_escape(spec.title) << "</title>\n<style>\n"
    << "body{font-family:DejaVu Sans,Arial,Helvetica,sans-serif;margin:24px;color:#222;max-width:1400px}\n"
    << "table{border-collapse:collapse;font-size:13px;margin:12px 0 24px}\n"
    << "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}\n"
    << "th{background:#f2f2f2}\nsection{margin:28px 0}\nh2{font-size:18px}\np.note,p.reasons{font-size:13px;color:#444;margin:4px 0}\n"
    << "img{max-width:100%;height:auto;border:1px solid #eee}\n</style>\n</head>\n<body>\n";
  o << "<h1>" << html_escape(spec.title) << "</h1>\n";
  o << "<p>For each task and series: the hard metric (left) and the soft metric (right) against "
       "log-compute, with 95% intervals, fitted curves (dashed when the fitter flags them), breakpoints, the judgement "
       "of each curve (sharp, smooth, saturated, flat, not_resolvable) and, with a soft metric, the mirage verdict, each "
       "with its bootstrap probability p. "
       "Every number is also in <a href=\"report.json\">report.json</a>.</p>\n";
  // Overview: one row per task.
  o << "<table id=\"overview\">\n<tr><th>task</th><th>series</th><th>models</th><th>largest rise of the hard metric</th>"
       "<th>verdicts</th></tr>\n";
  const auto rows = summary_rows(tasks, spec.gap_factor);
  for (const auto& t : tasks) {
    std::size_t models = 0;
    const series_result* best = nullptr;
    std::map<std::string, int> verdicts;
    for (const auto& s : t.series) {
      models += s.points.size();
      if (s.analysis.jump_from && (!best || s.analysis.jump > best->analysis.jump)) best = &s;
      ++verdicts[s.analysis.verdict + (s.analysis.uncertain ? " (uncertain)" : "")];
    }
    std::string v;
    for (const auto& [k, c] : verdicts) v += (v.empty() ? "" : ", ") + std::to_string(c) + " " + k;
    std::string rise = "-";
    if (best) {
      const double x0 = best->points[*best->analysis.jump_from].x, x1 = best->points[*best->analysis.jump_from + 1].x;
      rise = fixed(best->analysis.jump, 3) + " (" + best->label + ", " + pow10_text(x0) + " to " + pow10_text(x1) +
             (spans_gap(t, x0, x1, spec.gap_factor) ? ", across a " + sci(std::pow(10.0, x1 - x0), 2) + "x gap with no model: the rise could be anywhere in it" : "") + ")";
    }
    o << "<tr><td><a href=\"#" << html_escape(t.spec.id) << "\">" << html_escape(t.spec.id) << "</a></td><td>" << t.series.size()
      << "</td><td>" << models << "</td><td>" << html_text(rise) << "</td><td>" << html_escape(v) << "</td></tr>\n";
  }
  o << "</table>\n";
  // One section per task: the figure, then its per-series table.
  for (const auto& t : tasks) {
    const std::string title = t.spec.title.empty() ? t.spec.id : t.spec.title;
    o << "<section id=\"" << html_escape(t.spec.id) << "\">\n<h2>" << html_escape(title) << "</h2>\n";
    o << "<img src=\"" << html_escape(t.figure) << "\" alt=\""
      << html_escape(title + ": " + t.hard_name + (t.spec.soft ? " and " + t.soft_name : std::string()) + " against " + t.x_label)
      << "\">\n";
    o << "<table>\n<tr><th>series</th><th>models</th><th>hard range</th><th>largest rise</th><th>breakpoint</th>"
         "<th>sharpness</th><th>verdict</th></tr>\n";
    for (const auto& r : rows) {
      if (r.task != t.spec.id) continue;
      o << "<tr><td>" << html_escape(r.series) << "</td><td>" << r.models << "</td><td>" << r.hard_range << "</td><td>"
        << html_text(r.jump) << "</td><td>" << html_text(r.breakpoint) << "</td><td>" << html_escape(r.sharpness)
        << "</td><td>" << html_escape(r.verdict) << "</td></tr>\n";
    }
    o << "</table>\n";
    for (const auto& s : t.series) {
      if (!s.analysis.verdict_reason.empty()) {
        o << "<p class=\"reasons\">" << html_text(s.label + ": " + s.analysis.verdict + probability_text(s.analysis.verdict_probability, s.analysis.uncertain) +
                                                  ". " + s.analysis.verdict_reason) << "</p>\n";
      }
    }
    for (const auto& n : t.notes) o << "<p class=\"note\">" << html_escape(n) << "</p>\n";
    for (const auto& s : t.series) {
      for (const auto& n : s.analysis.notes) o << "<p class=\"note\">" << html_escape(s.label + ": " + n) << "</p>\n";
    }
    o << "</section>\n";
  }
  o << "<script>\n(function () {\n  var imgs = document.images, n = imgs.length, ok = 0, bad = 0;\n"
       "  function done() { if (ok + bad === n) document.title = (bad === 0 ? 'ok ' : 'failed ') + ok + '/' + n; }\n"
       "  function loaded() { ok++; done(); }\n"
       "  function failed() { bad++; console.error('figure failed to load: ' + this.src); done(); }\n"
       "  for (var i = 0; i < n; i++) {\n    var im = imgs[i];\n"
       "    if (im.complete) { if (im.naturalWidth > 0) ok++; else { bad++; console.error('figure failed to load: ' + im.src); } }\n"
       "    else { im.addEventListener('load', loaded); im.addEventListener('error', failed); }\n  }\n  done();\n})();\n"
       "</script>\n</body>\n</html>\n";
  return o.str();
}

}  // namespace emergent::cli::report
