// Tutorial 1 (docs/tutorials/1_hurdle.md): the hurdle.
//
// A high jumper trains; the height she reaches grows smoothly, a straight line in log(training). The
// event only records whether she clears a 1 m bar. The clearing rate (a hard, thresholded metric) stays
// at zero for a long time and then shoots up; the mean height (a soft metric) never does anything
// surprising. Same jumper, same jumps: the jump is in the metric.
//
// Run without arguments it prints the table and the analysis (checked in CI); with a path it also writes
// the figure there: example_tutorial_1_hurdle docs/tutorials/tutorial_1_hurdle.svg
#include <emergent/emergent.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <span>
#include <vector>

#include "plot/svg_plot.hpp"

namespace {

// SplitMix64 (Steele, Lea & Flood 2014) and Box-Muller: a tiny, portable, seeded normal generator.
struct normal_source {
  std::uint64_t state;
  double next_uniform() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (static_cast<double>(z >> 11) + 0.5) * 0x1.0p-53;  // in (0, 1)
  }
  double next_normal() {
    const double u1 = next_uniform(), u2 = next_uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};

}  // namespace

int main(int argc, char** argv) {
  constexpr double bar = 1.0;          // metres
  constexpr double spread = 0.03;      // jump-to-jump standard deviation, metres
  constexpr std::size_t jumps = 400;   // attempts per training level
  const auto mean_height = [](double x) { return 0.70 + 0.10 * (x - 18.0); };  // x = log10(training)

  normal_source rng{20240601};
  std::vector<double> x, clear_rate, clear_lo, clear_hi, height, height_lo, height_hi;
  std::printf("log10(training)  mean height [95%% CI]      cleared 1 m [95%% Wilson]\n");
  for (int level = 0; level <= 14; ++level) {
    const double lx = 18.0 + 0.25 * level;
    emergent::binary_accumulator cleared;
    emergent::mean_accumulator heights;
    for (std::size_t j = 0; j < jumps; ++j) {
      const double h = mean_height(lx) + spread * rng.next_normal();
      heights(h);
      cleared(h >= bar);
    }
    const auto hci = emergent::t_interval(heights);
    const auto cci = emergent::wilson_interval(cleared);
    const double rate = static_cast<double>(cleared.successes()) / static_cast<double>(cleared.count());
    x.push_back(lx);
    height.push_back(heights.mean());
    height_lo.push_back(hci.lower);
    height_hi.push_back(hci.upper);
    clear_rate.push_back(rate);
    clear_lo.push_back(cci.lower);
    clear_hi.push_back(cci.upper);
    std::printf("%15.2f  %.3f m [%.3f, %.3f]  %5.3f [%.3f, %.3f]\n", lx, heights.mean(), hci.lower, hci.upper, rate,
                cci.lower, cci.upper);
  }

  // The analysis layer: is there a break, and where?
  const auto hard_test = emergent::davies_test(std::span<const double>(x), std::span<const double>(clear_rate));
  const auto soft_test = emergent::davies_test(std::span<const double>(x), std::span<const double>(height));
  const auto hard_fit = emergent::fit_segmented(std::span<const double>(x), std::span<const double>(clear_rate));
  const auto& b = hard_fit.breakpoints.front();
  std::printf("\nclearing rate (hard): Davies test for a change in slope p = %.2g; break at 10^%.2f [%.2f, %.2f]\n",
              hard_test.p_value, b.estimate, b.interval.lower, b.interval.upper);
  std::printf("mean height (soft):   Davies test p = %.2f: no break, a straight line in log(training)\n", soft_test.p_value);
  std::printf("mean height reaches the bar at 10^%.2f; the break marks the onset, when the better jumps\n"
              "(mean + 2 standard deviations) first reach it at 10^%.2f. Nothing about the jumper changes there.\n",
              18.0 + (bar - 0.70) / 0.10, 18.0 + (bar - 2 * spread - 0.70) / 0.10);

  if (argc > 1) {
    using namespace emergent::plot;
    figure fig;
    fig.title = "The hurdle: smooth height, sudden clearing of a 1 m bar";
    panel hard, soft;
    hard.title = "hard metric: share of jumps clearing 1 m";
    hard.x_label = soft.x_label = "training (arbitrary units)";
    hard.y_label = "cleared the bar";
    hard.y_range = std::pair{-0.02, 1.02};
    soft.title = "soft metric: mean height";
    soft.y_label = "mean height (m)";
    series h{"400 jumps per level", palette()[0], x, clear_rate, clear_lo, clear_hi, {}, {}, {}, {}, false, false};
    series s{"400 jumps per level", palette()[0], x, height, height_lo, height_hi, {}, {}, {}, {}, false, false};
    series truth_h, truth_s;
    truth_h.label = truth_s.label = "exact expectation";
    truth_h.color = truth_s.color = "#999999";
    for (int i = 0; i <= 148; ++i) {
      const double lx = 17.9 + 0.025 * i;
      const double z = (mean_height(lx) - bar) / spread;
      truth_h.fit_x.push_back(lx);
      truth_h.fit_y.push_back(0.5 * std::erfc(-z / std::sqrt(2.0)));
      truth_s.fit_x.push_back(lx);
      truth_s.fit_y.push_back(mean_height(lx));
    }
    series bar_line;
    bar_line.label = "the bar (1 m)";
    bar_line.color = "#D55E00";
    bar_line.fit_x = {17.9, 21.6};
    bar_line.fit_y = {bar, bar};
    bar_line.dashed_fit = true;
    hard.data = {truth_h, h};
    soft.data = {truth_s, bar_line, s};
    hard.breakpoints.push_back({b.estimate, b.interval.lower, b.interval.upper, palette()[1]});
    fig.panels = {hard, soft};
    std::ofstream(argv[1]) << render_svg(fig);
  }
}
