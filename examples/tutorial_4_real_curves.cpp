// Tutorial 4 (docs/tutorials/4_real_curves.md): real scaling curves.
//
// 1. Arithmetic across model families (ObsScaling, 2-shot, 2000 items per task): for each family with at
//    least 5 models, where does accuracy break (emergent::fit_segmented + emergent::davies_test) and how
//    sharp is the rise?
// 2. Pythia (deduplicated) 2-shot addition at the final checkpoint, by compute.
// 3. LAMBADA: accuracy against perplexity on the same items, over all Pythia sizes and checkpoints: the
//    hard metric is a smooth function of the soft one.
//
// Run from the repository root (CTest does). With a path argument it also writes the figure:
// example_tutorial_4_real_curves docs/tutorials/tutorial_4_real_curves.svg
#include <emergent/emergent.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "emergent/csv_table.hpp"  // the command-line program's CSV reader (tools/emergent/)
#include "plot/svg_plot.hpp"

namespace {

struct family_curve {
  std::vector<double> x, y, lo, hi;
  std::vector<std::string> models;
};

// Sorts a curve by x.
void sort_curve(family_curve& c) {
  std::vector<std::size_t> idx(c.x.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return c.x[a] < c.x[b]; });
  family_curve s;
  for (std::size_t i : idx) {
    s.x.push_back(c.x[i]);
    s.y.push_back(c.y[i]);
    s.lo.push_back(c.lo[i]);
    s.hi.push_back(c.hi[i]);
    s.models.push_back(c.models[i]);
  }
  c = s;
}

// One line of analysis: largest rise, break and Davies' test.
void describe(const std::string& name, const family_curve& c) {
  std::size_t at = 0;
  double rise = -1;
  for (std::size_t i = 1; i < c.y.size(); ++i) {
    if (c.y[i] - c.y[i - 1] > rise) {
      rise = c.y[i] - c.y[i - 1];
      at = i;
    }
  }
  std::printf("%-10s %2zu models  %.3f-%.3f  largest rise %+.3f at 10^%.1f-10^%.1f", name.c_str(), c.x.size(),
              *std::min_element(c.y.begin(), c.y.end()), *std::max_element(c.y.begin(), c.y.end()), rise, c.x[at - 1],
              c.x[at]);
  const auto fit = emergent::fit_segmented(std::span<const double>(c.x), std::span<const double>(c.y));
  const auto test = emergent::davies_test(std::span<const double>(c.x), std::span<const double>(c.y));
  const auto& b = fit.breakpoints.front();
  std::printf("  break 10^%.2f, Davies p = %.2g -> %s\n", b.estimate, test.p_value,
              test.p_value < 0.05 ? "break" : "no significant break");
}

}  // namespace

int main(int argc, char** argv) {
  const auto read_csv = [](const std::string& path) {
    return emergent::cli::csv_table::read(path, emergent::cli::cell_blanks::keep);
  };

  // ---- 1. ObsScaling arithmetic, by family.
  const auto obs = read_csv("examples/data/obsscaling_emergent_tasks_2shot.csv");
  const std::vector<std::pair<std::string, std::string>> tasks{{"arithmetic_2da_acc", "2-digit addition"},
                                                               {"arithmetic_3ds_acc", "3-digit subtraction"}};
  std::map<std::string, family_curve> addition;  // for the figure
  std::vector<std::string> family_order;
  for (const auto& [column, title] : tasks) {
    std::map<std::string, family_curve> by_family;
    std::vector<std::string> order;
    const std::size_t c_family = obs.column("family"), c_model = obs.column("model"), c_flops = obs.column("flops_1e21"),
                      c_acc = obs.column(column);
    for (std::size_t r = 0; r < obs.rows.size(); ++r) {
      const auto flops = obs.number(r, c_flops);
      if (!flops) continue;  // Qwen1.5-110B: no published token count
      const std::string& family = obs.rows[r][c_family];
      if (!by_family.count(family)) order.push_back(family);
      family_curve& c = by_family[family];
      const double acc = *obs.number(r, c_acc);
      const auto ci = emergent::wilson_interval(static_cast<std::uint64_t>(std::lround(acc * 2000)), 2000);
      c.x.push_back(std::log10(*flops * 1e21));
      c.y.push_back(acc);
      c.lo.push_back(std::min(ci.lower, acc));
      c.hi.push_back(std::max(ci.upper, acc));
      c.models.push_back(obs.rows[r][c_model]);
    }
    std::printf("ObsScaling, %s (2-shot), accuracy against training compute, families with >= 5 models:\n", title.c_str());
    for (const auto& family : order) {
      family_curve& c = by_family[family];
      sort_curve(c);
      if (c.x.size() >= 5) describe(family, c);
    }
    std::printf("\n");
    if (column == "arithmetic_2da_acc") {
      addition = by_family;
      family_order = order;
    }
  }

  // ---- 2. Pythia, 2-shot addition, final checkpoint.
  const auto pa = read_csv("examples/data/pythia_arithmetic.csv");
  family_curve pythia;
  for (std::size_t r = 0; r < pa.rows.size(); ++r) {
    if (pa.rows[r][pa.column("task")] != "addition" || pa.rows[r][pa.column("num_fewshot")] != "2" ||
        pa.rows[r][pa.column("checkpoint_step")] != "143000") {
      continue;
    }
    const double n = *pa.number(r, pa.column("params")), d = *pa.number(r, pa.column("tokens"));
    const double acc = *pa.number(r, pa.column("acc"));
    pythia.x.push_back(std::log10(6 * n * d));
    pythia.y.push_back(acc);
    pythia.lo.push_back(acc);
    pythia.hi.push_back(acc);
    pythia.models.push_back(pa.rows[r][pa.column("model")]);
  }
  sort_curve(pythia);
  std::printf("Pythia (deduplicated), addition, 2-shot, final checkpoint (5000 items per model):\n");
  describe("Pythia", pythia);

  // ---- 3. LAMBADA: accuracy against perplexity.
  const auto lam = read_csv("examples/data/pythia_lambada.csv");
  std::vector<double> log_ppl, acc;
  family_curve lambada_by_size[8];
  std::vector<std::string> sizes;
  for (std::size_t r = 0; r < lam.rows.size(); ++r) {
    if (lam.rows[r][lam.column("num_fewshot")] != "0" || lam.rows[r][lam.column("family")] != "Pythia (deduped)") continue;
    const double step = *lam.number(r, lam.column("checkpoint_step"));
    if (step < 1000) continue;  // the first checkpoints are at chance with astronomical perplexity
    const std::string& model = lam.rows[r][lam.column("model")];
    if (sizes.empty() || sizes.back() != model) sizes.push_back(model);
    const double p = *lam.number(r, lam.column("ppl")), a = *lam.number(r, lam.column("acc"));
    log_ppl.push_back(std::log10(p));
    acc.push_back(a);
    family_curve& c = lambada_by_size[sizes.size() - 1];
    c.x.push_back(std::log10(p));
    c.y.push_back(a);
  }
  // Spearman rank correlation between accuracy and perplexity.
  const auto ranks = [](const std::vector<double>& v) {
    std::vector<std::size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < idx.size();) {
      std::size_t j = i;
      while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
      for (std::size_t k = i; k <= j; ++k) r[idx[k]] = 0.5 * static_cast<double>(i + j) + 1;
      i = j + 1;
    }
    return r;
  };
  const auto ra = ranks(acc), rp = ranks(log_ppl);
  const double mean = (static_cast<double>(ra.size()) + 1) / 2;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    sxy += (ra[i] - mean) * (rp[i] - mean);
    sxx += (ra[i] - mean) * (ra[i] - mean);
    syy += (rp[i] - mean) * (rp[i] - mean);
  }
  std::printf("\nLAMBADA (0-shot), 8 Pythia sizes x %zu checkpoints from step 1000: accuracy against perplexity\n",
              lambada_by_size[0].x.size());
  std::printf("Spearman correlation of accuracy and perplexity over %zu (model, checkpoint) pairs: %.3f\n", acc.size(),
              sxy / std::sqrt(sxx * syy));
  std::vector<double> xs = log_ppl, ys = acc;
  const auto fit = emergent::fit_segmented(std::span<const double>(xs), std::span<const double>(ys));
  std::printf("segmented fit: accuracy changes by %+.3f per tenfold perplexity below perplexity %.0f and by %+.3f above\n",
              fit.slopes[0], std::pow(10.0, fit.breakpoints.front().estimate), fit.slopes[1]);

  if (argc > 1) {
    using namespace emergent::plot;
    figure fig;
    fig.title = "Real curves: 2-digit addition across families, and LAMBADA accuracy against perplexity";
    panel left, right;
    left.title = "ObsScaling 2-digit addition (2-shot)";
    left.x_label = "training compute (FLOPs)";
    left.y_label = "accuracy";
    left.y_range = std::pair{-0.02, 1.02};
    for (std::size_t i = 0; i < family_order.size(); ++i) {
      const family_curve& c = addition[family_order[i]];
      series s{family_order[i], palette()[i], c.x, c.y, c.lo, c.hi, {}, {}, {}, {}, true, false};
      left.data.push_back(s);
    }
    right.title = "LAMBADA: accuracy against perplexity";
    right.x_label = "perplexity (same items, lower is better)";
    right.y_label = "accuracy";
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      std::string size = sizes[i].substr(std::string("EleutherAI/pythia-").size());
      series s;
      s.label = "Pythia " + size.substr(0, size.find('-'));
      static const char* viridis[] = {"#440154", "#482878", "#3E4A89", "#31688E", "#26828E", "#1F9E89", "#35B779", "#6DCD59"};
      s.color = viridis[i % 8];
      s.x = lambada_by_size[i].x;
      s.y = lambada_by_size[i].y;
      right.data.push_back(s);
    }
    fig.panels = {left, right};
    std::ofstream(argv[1]) << render_svg(fig);
  }
}
