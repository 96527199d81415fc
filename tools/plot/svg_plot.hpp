// SVG figures for the `emergent` program and the tutorials (not part of the public library).
//
// A figure is one or more panels side by side; every panel has a log-scaled x axis (values are already
// log10 of compute, parameters, tokens or steps) labelled in powers of ten, a linear or log y axis,
// points with error bars, fitted curves, breakpoint bands and grey bands where no model lies. The legend
// sits under the panels and wraps; text widths are estimated conservatively (0.62 em per character) so
// that no two labels overlap: tick labels are thinned until they fit, titles are shortened with an
// ellipsis when they would run past their panel.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emergent::plot {

/// One set of points (a model family) in a panel, with optional error bars and a fitted curve.
struct series {
  std::string label;              ///< legend text
  std::string color;              ///< CSS colour; empty: taken from the palette
  std::vector<double> x;          ///< log10 of the quantity on the x axis
  std::vector<double> y;          ///< metric values (not logged, even on a log y axis)
  std::vector<double> lower;      ///< error-bar lower ends (empty: none)
  std::vector<double> upper;      ///< error-bar upper ends (empty: none)
  std::vector<double> fit_x;      ///< samples of a fitted curve, log10 x (empty: none)
  std::vector<double> fit_y;      ///< fitted curve values
  std::vector<double> seg_x;      ///< a second (piecewise-linear) fit, drawn dashed (empty: none)
  std::vector<double> seg_y;
  bool connect = false;           ///< draw a thin line through the points (sorted by x)
  bool dashed_fit = false;        ///< draw the fitted curve dashed
};

/// A vertical band [lower, upper] around a breakpoint estimate (log10 x), in the colour of its series.
struct breakpoint_band {
  double at = 0;
  double lower = 0;
  double upper = 0;
  std::string color;
};

/// One panel: axes, series, bands and an optional note written in the middle (e.g. "no soft metric").
struct panel {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_y = false;
  bool log_x = true;  ///< x values are log10 of the quantity (labels 10^k); false: a plain linear axis
  std::optional<std::pair<double, double>> y_range;  ///< fixed y range; otherwise from the data
  std::optional<std::pair<double, double>> x_range;  ///< fixed x range (in x units); otherwise from the data
  std::vector<series> data;
  std::vector<breakpoint_band> breakpoints;
  std::vector<std::pair<double, double>> gaps;       ///< x ranges (log10) without any model
  std::string note;
};

/// A figure: a title, an optional subtitle and panels side by side.
struct figure {
  std::string title;
  std::string subtitle;
  std::vector<panel> panels;
  double panel_width = 400;   ///< plot area width in px
  double panel_height = 280;  ///< plot area height in px
  std::string fit_label = "fitted curve";      ///< legend text of the series' fitted curves
  std::string segmented_label = "segmented fit";  ///< legend text of the dashed piecewise-linear fits
};

/// The colour-blind-safe palette (Okabe & Ito 2008 plus greys) used when a series has no colour.
inline const std::vector<std::string>& palette() {
  static const std::vector<std::string> colors{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                               "#56B4E9", "#000000", "#8C564B", "#7F7F7F", "#BCBD22"};
  return colors;
}

namespace detail {

inline std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

inline std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

/// Conservative width in px of `text` at `size` px (UTF-8 continuation bytes are not counted).
inline double text_width(const std::string& text, double size) {
  double chars = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) chars += 1;
  }
  return chars * 0.62 * size;
}

inline std::string shorten(const std::string& text, double size, double max_width) {
  if (text_width(text, size) <= max_width) return text;
  std::string s = text;
  while (!s.empty() && text_width(s + "...", size) > max_width) {
    s.pop_back();
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0xC0) s.pop_back();
  }
  return s + "...";
}

/// A tick: position (in axis units: log10 x, or y / log10 y) and its label as SVG text content, with
/// the label's plain-text width estimate.
struct tick {
  double at;
  std::string svg;   // may contain <tspan>
  double width;      // px at the tick font size
};

/// Ticks for a log10 axis on [lo, hi]: powers of ten when at least two fit, else 1-2-5 (or 1..9)
/// mantissas labelled "2×10^9".
inline std::vector<tick> log_ticks(double lo, double hi, double font) {
  std::vector<tick> out;
  const auto power_label = [&](int e, int mantissa) {
    tick t{};
    t.at = std::log10(static_cast<double>(mantissa)) + e;
    std::string exp = std::to_string(e);
    if (e == 0 && mantissa == 1) {
      t.svg = "1";
      t.width = text_width("1", font);
      return t;
    }
    std::string prefix = mantissa == 1 ? "" : std::to_string(mantissa) + "\u00d7";
    t.svg = escape(prefix) + "10<tspan dy=\"-0.45em\" font-size=\"0.72em\">" + exp + "</tspan>";
    t.width = text_width(prefix + "10", font) + text_width(exp, font * 0.72) + 2;
    return t;
  };
  const int e0 = static_cast<int>(std::floor(lo)) - 1;
  const int e1 = static_cast<int>(std::ceil(hi)) + 1;
  const double eps = 1e-9;
  for (const std::vector<int>& mantissas : {std::vector<int>{1}, std::vector<int>{1, 2, 5},
                                           std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
    out.clear();
    for (int e = e0; e <= e1; ++e) {
      for (int m : mantissas) {
        const double at = std::log10(static_cast<double>(m)) + e;
        if (at >= lo - eps && at <= hi + eps) out.push_back(power_label(e, m));
      }
    }
    if (out.size() >= 2) break;
  }
  return out;
}

inline std::string fixed_label(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s == "-0" || s == "-0.0" || s == "-0.00" || s == "-0.000") s = s.substr(1);
  return s;
}

/// "Nice" linear ticks (steps of 1, 2 or 5 × 10^k) for [lo, hi], about `target` of them.
inline std::vector<tick> linear_ticks(double lo, double hi, double font, int target = 5) {
  std::vector<tick> out;
  const double span = hi - lo;
  if (!(span > 0)) return out;
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)) + (std::fmod(step / mag, 1.0) > 0.01 ? 1 : 0));
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    tick t{};
    t.at = v;
    std::string label = fixed_label(v, decimals);
    t.svg = escape(label);
    t.width = text_width(label, font);
    out.push_back(t);
  }
  return out;
}

/// True when every labelled tick sits at an integer power of ten.
inline bool x1_is_power(const std::vector<tick>& ticks) {
  for (const auto& t : ticks) {
    if (std::abs(t.at - std::round(t.at)) > 1e-9) return false;
  }
  return true;
}

/// Keeps every k-th tick so that labels of horizontal ticks (x axis) are at least `gap` px apart.
inline std::vector<tick> thin_x(const std::vector<tick>& ticks, double px_per_unit, double gap) {
  for (std::size_t k = 1; k <= ticks.size(); ++k) {
    bool ok = true;
    std::vector<tick> kept;
    for (std::size_t i = 0; i < ticks.size(); i += k) kept.push_back(ticks[i]);
    for (std::size_t i = 1; i < kept.size(); ++i) {
      const double distance = (kept[i].at - kept[i - 1].at) * px_per_unit;
      if (distance < (kept[i].width + kept[i - 1].width) / 2 + gap) ok = false;
    }
    if (ok) return kept;
  }
  return ticks.empty() ? ticks : std::vector<tick>{ticks.front()};
}

/// Same for vertical spacing on the y axis (label height `font`).
inline std::vector<tick> thin_y(const std::vector<tick>& ticks, double px_per_unit, double font) {
  for (std::size_t k = 1; k <= ticks.size(); ++k) {
    bool ok = true;
    std::vector<tick> kept;
    for (std::size_t i = 0; i < ticks.size(); i += k) kept.push_back(ticks[i]);
    for (std::size_t i = 1; i < kept.size(); ++i) {
      if ((kept[i].at - kept[i - 1].at) * std::abs(px_per_unit) < font * 1.6) ok = false;
    }
    if (ok) return kept;
  }
  return ticks.empty() ? ticks : std::vector<tick>{ticks.front()};
}

struct range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  [[nodiscard]] bool empty() const { return !(lo <= hi); }
};

struct axes {
  double x0, x1, y0, y1;  // data ranges (x log10; y linear or log10)
  bool log_y;
  double left, top, width, height;
  [[nodiscard]] double px(double x) const { return left + (x - x0) / (x1 - x0) * width; }
  [[nodiscard]] double py(double y) const {
    const double v = log_y ? std::log10(std::max(y, 1e-300)) : y;
    return top + height - (v - y0) / (y1 - y0) * height;
  }
};

/// Data ranges of a panel: x from points, fits and bands; y from points, intervals and fits.
inline void panel_ranges(const panel& p, range& xr, range& yr) {
  const auto yv = [&](double v) { return p.log_y ? (v > 0 ? std::log10(v) : std::nan("")) : v; };
  for (const auto& s : p.data) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      xr.add(s.x[i]);
      yr.add(yv(s.y[i]));
      if (!s.lower.empty()) {
        yr.add(yv(s.lower[i]));
        yr.add(yv(s.upper[i]));
      }
    }
    for (double v : s.fit_y) yr.add(yv(v));
  }
  for (const auto& b : p.breakpoints) xr.add(b.at);  // intervals may be wide: they are clipped, not fitted
}

}  // namespace detail

/// Renders `fig` as a standalone SVG document.
inline std::string render_svg(const figure& fig) {
  using namespace detail;
  const double font = 13, tick_font = 12, title_font = 16, panel_title_font = 14;
  const double pw = fig.panel_width, ph = fig.panel_height;
  const std::size_t npanels = std::max<std::size_t>(1, fig.panels.size());

  // Per-panel ranges and y ticks first: the left margin depends on the widest y label.
  struct prepared {
    double x0, x1, y0, y1;
    std::vector<tick> xt, yt;
    double left_margin;
  };
  std::vector<prepared> prep;
  for (const auto& p : fig.panels) {
    range xr, yr;
    panel_ranges(p, xr, yr);
    if (xr.empty()) { xr.lo = 0; xr.hi = 1; }
    if (yr.empty()) { yr.lo = 0; yr.hi = 1; }
    if (p.y_range) {
      yr.lo = p.log_y ? std::log10(p.y_range->first) : p.y_range->first;
      yr.hi = p.log_y ? std::log10(p.y_range->second) : p.y_range->second;
    }
    double xspan = std::max(xr.hi - xr.lo, p.log_x ? 0.3 : 1e-9);
    const double xmid = (xr.lo + xr.hi) / 2;
    double x0 = xmid - xspan / 2 - 0.06 * xspan, x1 = xmid + xspan / 2 + 0.06 * xspan;
    if (p.x_range) {
      x0 = p.x_range->first;
      x1 = p.x_range->second;
    }
    double y0 = yr.lo, y1 = yr.hi;
    if (!(y1 > y0)) { y0 -= 0.5; y1 += 0.5; }
    if (!p.y_range) {
      const double pad = 0.06 * (y1 - y0);
      y0 -= pad;
      y1 += pad;
    }
    prepared q{x0, x1, y0, y1, {}, {}, 0};
    q.xt = p.log_x ? log_ticks(x0, x1, tick_font) : linear_ticks(x0, x1, tick_font, 6);
    q.yt = p.log_y ? log_ticks(y0, y1, tick_font) : linear_ticks(y0, y1, tick_font);
    q.xt = thin_x(q.xt, pw / (x1 - x0), 10);
    q.yt = thin_y(q.yt, ph / (y1 - y0), tick_font);
    if (p.data.empty()) {  // an empty panel shows only its note
      q.xt.clear();
      q.yt.clear();
    }
    double widest = 0;
    for (const auto& t : q.yt) widest = std::max(widest, t.width);
    q.left_margin = widest + 10 + font + 14;
    prep.push_back(std::move(q));
  }

  const double right_margin = 26, gap_between = 12;
  double total_width = 0;
  for (const auto& q : prep) total_width += q.left_margin + pw + right_margin;
  total_width += gap_between * (static_cast<double>(npanels) - 1);
  if (prep.empty()) total_width = 2 * pw;
  total_width = std::max(total_width, 480.0);

  // Legend entries (unique by label): series, then the meaning of fits, bands and gaps.
  struct legend_entry {
    std::string kind;  // point, fit, band, gap
    std::string color;
    std::string label;
  };
  std::vector<legend_entry> legend;
  bool any_fit = false, any_seg = false, any_band = false, any_gap = false;
  std::size_t color_index = 0;
  std::vector<std::vector<std::string>> colors(fig.panels.size());
  for (std::size_t pi = 0; pi < fig.panels.size(); ++pi) {
    for (const auto& s : fig.panels[pi].data) {
      std::string c = s.color;
      const auto found = std::find_if(legend.begin(), legend.end(), [&](const legend_entry& e) { return e.label == s.label; });
      if (c.empty()) c = found != legend.end() ? found->color : palette()[color_index++ % palette().size()];
      colors[pi].push_back(c);
      const bool curve_only = s.x.empty() && !s.fit_x.empty();
      if (found == legend.end() && !s.label.empty()) legend.push_back({curve_only ? (s.dashed_fit ? "fitdash" : "fit") : "point", c, s.label});
      if (!s.fit_x.empty() && !curve_only) any_fit = true;
      if (!s.seg_x.empty()) any_seg = true;
    }
    if (!fig.panels[pi].breakpoints.empty()) any_band = true;
    if (!fig.panels[pi].gaps.empty()) any_gap = true;
  }
  if (any_fit) legend.push_back({"fit", "#444444", fig.fit_label});
  if (any_seg) legend.push_back({"seg", "#444444", fig.segmented_label});
  if (any_band) legend.push_back({"band", "#444444", "breakpoint (line) with 95% interval, or the models around it when narrower (band)"});
  if (any_gap) legend.push_back({"gap", "#dddddd", "no model in this range"});

  // Legend layout: rows of entries, wrapping at the figure width.
  const double legend_left = 16, entry_gap = 22, swatch = 26;
  std::vector<std::pair<double, double>> legend_pos;
  double lx = legend_left, ly = 0;
  for (const auto& e : legend) {
    const double w = swatch + 6 + text_width(e.label, font);
    if (lx + w > total_width - 10 && lx > legend_left) {
      lx = legend_left;
      ly += font * 1.8;
    }
    legend_pos.emplace_back(lx, ly);
    lx += w + entry_gap;
  }
  const double legend_height = legend.empty() ? 0 : ly + font * 1.8;

  const double title_h = fig.title.empty() ? 8 : 30;
  const double subtitle_h = fig.subtitle.empty() ? 0 : 20;
  const double panel_title_h = 24;
  const double x_axis_h = tick_font * 1.8 + font * 2.2;
  const double plot_top = title_h + subtitle_h + panel_title_h;
  const double legend_top = plot_top + ph + x_axis_h + 8;
  const double total_height = legend_top + legend_height + 6;

  std::string o;
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(total_width) + "\" height=\"" + num(total_height) +
       "\" viewBox=\"0 0 " + num(total_width) + " " + num(total_height) +
       "\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" font-size=\"" + num(font) + "\">\n";
  o += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!fig.title.empty()) {
    o += "<text x=\"16\" y=\"22\" font-size=\"" + num(title_font) + "\" font-weight=\"bold\">" +
         escape(shorten(fig.title, title_font, total_width - 32)) + "</text>\n";
  }
  if (!fig.subtitle.empty()) {
    o += "<text x=\"16\" y=\"" + num(title_h + 12) + "\" fill=\"#444\">" +
         escape(shorten(fig.subtitle, font, total_width - 32)) + "</text>\n";
  }

  double offset = 0;
  for (std::size_t pi = 0; pi < fig.panels.size(); ++pi) {
    const panel& p = fig.panels[pi];
    const prepared& q = prep[pi];
    const axes ax{q.x0, q.x1, q.y0, q.y1, p.log_y, offset + q.left_margin, plot_top, pw, ph};
    const std::string clip = "clip" + std::to_string(pi);
    o += "<g>\n";
    o += "<clipPath id=\"" + clip + "\"><rect x=\"" + num(ax.left) + "\" y=\"" + num(ax.top) + "\" width=\"" + num(pw) +
         "\" height=\"" + num(ph) + "\"/></clipPath>\n";
    // panel title
    o += "<text x=\"" + num(ax.left) + "\" y=\"" + num(plot_top - 8) + "\" font-size=\"" + num(panel_title_font) +
         "\" font-weight=\"bold\">" + escape(shorten(p.title, panel_title_font, pw)) + "</text>\n";
    // gaps
    for (const auto& [g0, g1] : p.gaps) {
      const double a = std::max(ax.px(g0), ax.left), b = std::min(ax.px(g1), ax.left + pw);
      if (b > a) {
        o += "<rect x=\"" + num(a) + "\" y=\"" + num(ax.top) + "\" width=\"" + num(b - a) + "\" height=\"" + num(ph) +
             "\" fill=\"#e4e4e4\"/>\n";
      }
    }
    // grid + ticks
    for (const auto& t : q.yt) {
      const double y = ax.top + ax.height - (t.at - ax.y0) / (ax.y1 - ax.y0) * ax.height;
      o += "<line x1=\"" + num(ax.left) + "\" x2=\"" + num(ax.left + pw) + "\" y1=\"" + num(y) + "\" y2=\"" + num(y) +
           "\" stroke=\"#eeeeee\"/>\n";
      o += "<line x1=\"" + num(ax.left - 5) + "\" x2=\"" + num(ax.left) + "\" y1=\"" + num(y) + "\" y2=\"" + num(y) +
           "\" stroke=\"#333\"/>\n";
      o += "<text x=\"" + num(ax.left - 8) + "\" y=\"" + num(y + tick_font * 0.35) + "\" font-size=\"" + num(tick_font) +
           "\" text-anchor=\"end\">" + t.svg + "</text>\n";
    }
    for (const auto& t : q.xt) {
      const double x = ax.px(t.at);
      o += "<line x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(ax.top) + "\" y2=\"" + num(ax.top + ph) +
           "\" stroke=\"#eeeeee\"/>\n";
      o += "<line x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(ax.top + ph) + "\" y2=\"" + num(ax.top + ph + 5) +
           "\" stroke=\"#333\"/>\n";
      o += "<text x=\"" + num(x) + "\" y=\"" + num(ax.top + ph + 8 + tick_font * 1.1) + "\" font-size=\"" + num(tick_font) +
           "\" text-anchor=\"middle\">" + t.svg + "</text>\n";
    }
    // minor ticks of a log x axis at 2..9 x 10^k (unlabelled) when the labelled ticks are powers of ten
    if (p.log_x && !q.xt.empty() && (x1_is_power(q.xt))) {
      for (int e = static_cast<int>(std::floor(q.x0)); e <= static_cast<int>(std::ceil(q.x1)); ++e) {
        for (int m = 2; m <= 9; ++m) {
          const double at = e + std::log10(static_cast<double>(m));
          if (at <= q.x0 || at >= q.x1) continue;
          const double x = ax.px(at);
          o += "<line x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(ax.top + ph) + "\" y2=\"" +
               num(ax.top + ph + 3) + "\" stroke=\"#666\"/>\n";
        }
      }
    }
    // axis labels
    o += "<text x=\"" + num(ax.left + pw / 2) + "\" y=\"" + num(ax.top + ph + x_axis_h - 4) + "\" text-anchor=\"middle\">" +
         escape(shorten(p.x_label, font, pw)) + "</text>\n";
    const double ylx = offset + font + 2;
    o += "<text transform=\"translate(" + num(ylx) + "," + num(ax.top + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         escape(shorten(p.y_label, font, ph)) + "</text>\n";
    // breakpoint bands
    for (const auto& b : p.breakpoints) {
      const double a = std::max(ax.px(b.lower), ax.left), c = std::min(ax.px(b.upper), ax.left + pw);
      if (c > a) {
        o += "<rect x=\"" + num(a) + "\" y=\"" + num(ax.top) + "\" width=\"" + num(c - a) + "\" height=\"" + num(ph) +
             "\" fill=\"" + (b.color.empty() ? "#444" : b.color) + "\" fill-opacity=\"0.10\"/>\n";
      }
      const double x = ax.px(b.at);
      if (x >= ax.left && x <= ax.left + pw) {
        o += "<line x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(ax.top) + "\" y2=\"" + num(ax.top + ph) +
             "\" stroke=\"" + (b.color.empty() ? "#444" : b.color) + "\" stroke-dasharray=\"5,3\" stroke-width=\"1.5\"/>\n";
      }
    }
    // series
    o += "<g clip-path=\"url(#" + clip + ")\">\n";
    for (std::size_t si = 0; si < p.data.size(); ++si) {
      const series& s = p.data[si];
      const std::string& c = colors[pi][si];
      if (!s.fit_x.empty()) {
        o += "<polyline fill=\"none\" stroke=\"" + c + "\" stroke-width=\"2\"" +
             (s.dashed_fit ? std::string(" stroke-dasharray=\"6,3\"") : std::string()) + " points=\"";
        for (std::size_t i = 0; i < s.fit_x.size(); ++i) {
          if (p.log_y && !(s.fit_y[i] > 0)) continue;
          o += num(ax.px(s.fit_x[i])) + "," + num(ax.py(s.fit_y[i])) + " ";
        }
        o += "\"/>\n";
      }
      if (!s.seg_x.empty()) {
        o += "<polyline fill=\"none\" stroke=\"" + c + "\" stroke-width=\"1.5\" stroke-dasharray=\"5,3\" points=\"";
        for (std::size_t i = 0; i < s.seg_x.size(); ++i) {
          if (p.log_y && !(s.seg_y[i] > 0)) continue;
          o += num(ax.px(s.seg_x[i])) + "," + num(ax.py(s.seg_y[i])) + " ";
        }
        o += "\"/>\n";
      }
      if (s.connect && s.x.size() > 1) {
        std::vector<std::size_t> order(s.x.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s.x[a] < s.x[b]; });
        o += "<polyline fill=\"none\" stroke=\"" + c + "\" stroke-width=\"1\" stroke-opacity=\"0.6\" points=\"";
        for (std::size_t i : order) {
          if (p.log_y && !(s.y[i] > 0)) continue;
          o += num(ax.px(s.x[i])) + "," + num(ax.py(s.y[i])) + " ";
        }
        o += "\"/>\n";
      }
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (p.log_y && !(s.y[i] > 0)) continue;
        const double x = ax.px(s.x[i]), y = ax.py(s.y[i]);
        if (!s.lower.empty() && s.upper[i] > s.lower[i]) {
          const double ylo = ax.py(p.log_y ? std::max(s.lower[i], 1e-300) : s.lower[i]), yhi = ax.py(s.upper[i]);
          o += "<path d=\"M" + num(x) + "," + num(ylo) + "V" + num(yhi) + "M" + num(x - 3) + "," + num(ylo) + "H" + num(x + 3) +
               "M" + num(x - 3) + "," + num(yhi) + "H" + num(x + 3) + "\" stroke=\"" + c + "\" stroke-width=\"1.2\"/>\n";
        }
        o += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3.8\" fill=\"" + c +
             "\" stroke=\"white\" stroke-width=\"0.8\"><title>" + escape(s.label) + "</title></circle>\n";
      }
    }
    o += "</g>\n";
    // frame
    o += "<rect x=\"" + num(ax.left) + "\" y=\"" + num(ax.top) + "\" width=\"" + num(pw) + "\" height=\"" + num(ph) +
         "\" fill=\"none\" stroke=\"#333\"/>\n";
    if (!p.note.empty()) {
      o += "<text x=\"" + num(ax.left + pw / 2) + "\" y=\"" + num(ax.top + ph / 2) + "\" text-anchor=\"middle\" fill=\"#666\">" +
           escape(shorten(p.note, font, pw - 20)) + "</text>\n";
    }
    o += "</g>\n";
    offset += q.left_margin + pw + right_margin + gap_between;
  }

  // legend
  for (std::size_t i = 0; i < legend.size(); ++i) {
    const auto& e = legend[i];
    const double x = legend_pos[i].first, y = legend_top + legend_pos[i].second;
    const double cy = y + font * 0.9;
    if (e.kind == "point") {
      o += "<circle cx=\"" + num(x + swatch / 2) + "\" cy=\"" + num(cy - font * 0.35) + "\" r=\"4\" fill=\"" + e.color + "\"/>\n";
    } else if (e.kind == "fit") {
      o += "<line x1=\"" + num(x) + "\" x2=\"" + num(x + swatch) + "\" y1=\"" + num(cy - font * 0.35) + "\" y2=\"" +
           num(cy - font * 0.35) + "\" stroke=\"" + e.color + "\" stroke-width=\"2\"/>\n";
    } else if (e.kind == "fitdash") {
      o += "<line x1=\"" + num(x) + "\" x2=\"" + num(x + swatch) + "\" y1=\"" + num(cy - font * 0.35) + "\" y2=\"" +
           num(cy - font * 0.35) + "\" stroke=\"" + e.color + "\" stroke-width=\"2\" stroke-dasharray=\"6,3\"/>\n";
    } else if (e.kind == "seg") {
      o += "<line x1=\"" + num(x) + "\" x2=\"" + num(x + swatch) + "\" y1=\"" + num(cy - font * 0.35) + "\" y2=\"" +
           num(cy - font * 0.35) + "\" stroke=\"" + e.color + "\" stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n";
    } else if (e.kind == "band") {
      o += "<rect x=\"" + num(x + 4) + "\" y=\"" + num(cy - font) + "\" width=\"" + num(swatch - 8) + "\" height=\"" +
           num(font * 1.3) + "\" fill=\"#444\" fill-opacity=\"0.12\"/>\n";
      o += "<line x1=\"" + num(x + swatch / 2) + "\" x2=\"" + num(x + swatch / 2) + "\" y1=\"" + num(cy - font) + "\" y2=\"" +
           num(cy + font * 0.3) + "\" stroke=\"#444\" stroke-dasharray=\"3,2\"/>\n";
    } else {
      o += "<rect x=\"" + num(x + 4) + "\" y=\"" + num(cy - font) + "\" width=\"" + num(swatch - 8) + "\" height=\"" +
           num(font * 1.3) + "\" fill=\"#e4e4e4\"/>\n";
    }
    o += "<text x=\"" + num(x + swatch + 6) + "\" y=\"" + num(cy) + "\">" + escape(e.label) + "</text>\n";
  }
  o += "</svg>\n";
  return o;
}

/// Ranges of log10 x with no observed point: consecutive observed values (pooled over `xs`) further
/// apart than log10(factor). Each range is the open gap between the two neighbours.
inline std::vector<std::pair<double, double>> empty_ranges(std::vector<double> xs, double factor) {
  std::vector<std::pair<double, double>> out;
  std::sort(xs.begin(), xs.end());
  const double limit = std::log10(factor);
  for (std::size_t i = 1; i < xs.size(); ++i) {
    if (xs[i] - xs[i - 1] > limit) out.emplace_back(xs[i - 1], xs[i]);
  }
  return out;
}

}  // namespace emergent::plot
