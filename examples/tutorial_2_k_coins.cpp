// Tutorial 2 (docs/tutorials/2_k_coins.md): k coins.
//
// A task needs k steps to all go right, each with probability p: P(all k) = p^k (emergent::k_of_k).
// Against p the curve for large k sits at zero and then shoots up near p = 1; against log p (the negative
// cross-entropy per step) it is a straight line, log P = k log p. A per-step improvement that is smooth
// looks sudden through the all-or-nothing lens.
//
// Run without arguments it prints the tables (checked in CI); with a path it also writes the figure:
// example_tutorial_2_k_coins docs/tutorials/tutorial_2_k_coins.svg
#include <emergent/emergent.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <vector>

#include "plot/svg_plot.hpp"

int main(int argc, char** argv) {
  const std::vector<std::size_t> ks{1, 3, 10, 30, 100};

  std::printf("P(all k heads) = p^k\n   p    log p");
  for (std::size_t k : ks) std::printf("   k=%-4zu", k);
  std::printf("\n");
  for (double p : {0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, 0.995, 0.999}) {
    std::printf("%5.3f  %6.3f", p, std::log(p));
    for (std::size_t k : ks) std::printf("  %7.4f", emergent::k_of_k(p, k));
    std::printf("\n");
  }

  // Where does P(all k) rise from 0.1 to 0.9? Against p the window shrinks like 1/k; against log p the
  // curve is the straight line k log p, so its "rise" is the same line for every k, only steeper.
  std::printf("\n  k   p at P=0.1  p at P=0.9  width in p   log P per unit of log p\n");
  for (std::size_t k : ks) {
    const double kd = static_cast<double>(k);
    const double p10 = std::pow(0.1, 1.0 / kd), p90 = std::pow(0.9, 1.0 / kd);
    std::printf("%3zu   %10.4f  %10.4f  %10.4f   %6.1f (a straight line)\n", k, p10, p90, p90 - p10, kd);
  }
  std::printf("\nA model whose per-step log-probability improves steadily shows, on a 100-step task, nothing\n"
              "until p is about 0.98 and then everything: the sharpness is k, the metric's, not the model's.\n");

  if (argc > 1) {
    using namespace emergent::plot;
    figure fig;
    fig.title = "k coins: P(all k heads) = p^k against p, and its logarithm against log p";
    panel hard, soft;
    hard.log_x = soft.log_x = false;
    hard.title = "hard: P(all k) against p";
    hard.x_label = "p, the probability of one step";
    hard.y_label = "P(all k steps right)";
    hard.y_range = std::pair{-0.02, 1.02};
    hard.x_range = std::pair{0.5, 1.0};
    soft.title = "soft: log P(all k) = k log p against log p";
    soft.x_label = "log p (negative cross-entropy per step)";
    soft.y_label = "log P(all k steps right)";
    soft.x_range = std::pair{-0.7, 0.0};
    soft.y_range = std::pair{-10.0, 0.3};
    for (std::size_t i = 0; i < ks.size(); ++i) {
      const double kd = static_cast<double>(ks[i]);
      series h, s;
      h.label = s.label = "k = " + std::to_string(ks[i]);
      h.color = s.color = palette()[i];
      for (int j = 0; j <= 200; ++j) {
        const double p = 0.5 + 0.5 * j / 200.0;
        h.fit_x.push_back(p);
        h.fit_y.push_back(emergent::k_of_k(p, ks[i]));
        const double lp = -0.7 + 0.7 * j / 200.0;
        s.fit_x.push_back(lp);
        s.fit_y.push_back(kd * lp);
      }
      hard.data.push_back(h);
      soft.data.push_back(s);
    }
    fig.panels = {hard, soft};
    std::ofstream(argv[1]) << render_svg(fig);
  }
}
