// Tutorial 5 (docs/tutorials/5_training_dynamics.md): emergence over training steps.
//
// Part 1, real: Pythia (deduplicated) 2-shot addition accuracy at six checkpoints (13000 ... 143000
// steps) for seven sizes, from examples/data/pythia_arithmetic.csv. The large models acquire addition
// during training; the small ones never do. `emergent::first_crossing` finds when each reaches 30%.
//
// Part 2, simulated: a grokking run (Power et al. 2022). Training accuracy saturates after ~10^2.5
// steps; test accuracy stays at chance for two more decades and then rises within half a decade.
// `emergent::grokking_delay` measures the delay and the break of the test curve.
//
// Run from the repository root (CTest does). With a path argument it also writes the figure:
// example_tutorial_5_training_dynamics docs/tutorials/tutorial_5_training_dynamics.svg
#include <emergent/emergent.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "emergent/csv_table.hpp"  // the command-line program's CSV reader (tools/emergent/)
#include "plot/svg_plot.hpp"

namespace {

// SplitMix64 (Steele, Lea & Flood 2014): a tiny, portable, seeded uniform generator.
struct uniform_source {
  std::uint64_t state;
  double next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;  // in [0, 1)
  }
};

double logistic(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

int main(int argc, char** argv) {
  // ---- Part 1: Pythia checkpoints.
  const auto table = emergent::cli::csv_table::read("examples/data/pythia_arithmetic.csv", emergent::cli::cell_blanks::keep);
  const std::size_t c_model = table.column("model"), c_task = table.column("task"), c_shots = table.column("num_fewshot"),
                    c_step = table.column("checkpoint_step"), c_n = table.column("n"), c_correct = table.column("correct");
  struct curve {
    std::vector<double> steps, acc, lo, hi;
  };
  std::vector<std::string> order;
  std::map<std::string, curve> curves;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (table.rows[r][c_task] != "addition" || table.rows[r][c_shots] != "2") continue;
    const std::string& model = table.rows[r][c_model];
    if (!curves.count(model)) order.push_back(model);
    curve& c = curves[model];
    const auto n = static_cast<std::uint64_t>(*table.number(r, c_n));
    const auto k = static_cast<std::uint64_t>(*table.number(r, c_correct));
    const auto ci = emergent::wilson_interval(k, n);
    c.steps.push_back(*table.number(r, c_step));
    c.acc.push_back(static_cast<double>(k) / static_cast<double>(n));
    c.lo.push_back(ci.lower);
    c.hi.push_back(ci.upper);
  }
  std::printf("Pythia (deduplicated), 2-shot addition, exact-match accuracy over training (5000 items each)\n");
  std::printf("%-32s", "model \\ step");
  for (double s : curves[order.front()].steps) std::printf("%8.0f", s);
  std::printf("   reaches 0.3 at step\n");
  for (const auto& model : order) {
    const curve& c = curves[model];
    std::printf("%-32s", model.c_str());
    for (double a : c.acc) std::printf("%8.3f", a);
    const auto cross = emergent::first_crossing(std::span<const double>(c.steps), std::span<const double>(c.acc), 0.3);
    if (cross.reached) {
      std::printf("   %.0f (10^%.2f)\n", cross.step, cross.log10_step);
    } else {
      std::printf("   never (max %.3f)\n", *std::max_element(c.acc.begin(), c.acc.end()));
    }
  }

  // ---- Part 2: a simulated grokking run, 1000 train and 1000 test examples evaluated at 41 steps.
  uniform_source rng{7};
  std::vector<double> steps, train, test;
  const auto draw = [&](double p, int n) {
    int k = 0;
    for (int i = 0; i < n; ++i) k += rng.next() < p ? 1 : 0;
    return static_cast<double>(k) / n;
  };
  for (int i = 0; i <= 40; ++i) {
    const double ls = 1.0 + 0.1 * i;  // log10(step) from 1 to 5
    steps.push_back(std::pow(10.0, ls));
    train.push_back(draw(0.01 + 0.99 * logistic(5.0 * (ls - 2.3)), 1000));
    test.push_back(draw(0.01 + 0.97 * logistic(9.0 * (ls - 4.3)), 1000));
  }
  const auto g = emergent::grokking_delay(std::span<const double>(steps), std::span<const double>(train),
                                          std::span<const double>(test));
  std::printf("\nsimulated grokking run (1000 train, 1000 test examples; 41 evaluations from 10^1 to 10^5 steps)\n");
  std::printf("train accuracy reaches 0.9 at step 10^%.2f\n", g.train.log10_step);
  std::printf("test accuracy reaches 0.9 at step 10^%.2f\n", g.test.log10_step);
  std::printf("delay: %.2f decades (%.0fx more steps)\n", *g.delay_decades, std::pow(10.0, *g.delay_decades));
  const auto& b = g.test_break->breakpoints.front();
  std::printf("test curve break at 10^%.2f [%.2f, %.2f], Davies p = %.2g\n", b.estimate, b.interval.lower, b.interval.upper,
              *g.test_davies_p);

  if (argc > 1) {
    using namespace emergent::plot;
    figure fig;
    fig.title = "Emergence over training: Pythia checkpoints and a simulated grokking run";
    panel real, sim;
    real.title = "Pythia, 2-shot addition, by model size";
    sim.title = "simulated grokking: train and test accuracy";
    real.x_label = sim.x_label = "training step";
    real.y_label = "exact-match accuracy";
    sim.y_label = "accuracy";
    real.y_range = sim.y_range = std::pair{-0.02, 1.02};
    for (std::size_t i = 0; i < order.size(); ++i) {
      const curve& c = curves[order[i]];
      series s;
      std::string size = order[i].substr(std::string("EleutherAI/pythia-").size());
      s.label = size.substr(0, size.find('-'));
      s.color = palette()[i];
      s.connect = true;
      for (std::size_t j = 0; j < c.steps.size(); ++j) {
        s.x.push_back(std::log10(c.steps[j]));
        s.y.push_back(c.acc[j]);
      }
      s.lower = c.lo;
      s.upper = c.hi;
      real.data.push_back(s);
    }
    series tr, te;
    tr.label = "train";
    te.label = "test";
    tr.color = palette()[8];
    te.color = palette()[7];
    tr.connect = te.connect = true;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      tr.x.push_back(std::log10(steps[i]));
      tr.y.push_back(train[i]);
      te.x.push_back(std::log10(steps[i]));
      te.y.push_back(test[i]);
    }
    sim.data = {tr, te};
    sim.breakpoints.push_back({b.estimate, b.interval.lower, b.interval.upper, palette()[7]});
    fig.panels = {real, sim};
    std::ofstream(argv[1]) << render_svg(fig);
  }
}
