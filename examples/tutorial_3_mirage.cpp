// Tutorial 3 (docs/tutorials/3_mirage.md): the mirage, reproduced and detected.
//
// Twelve simulated models, 10^18 to 10^23.5 FLOPs. Family A: per-token cross-entropy falls as a power law in
// compute, L(C) = 1.2 (C / 10^18)^-0.29, so each token is right with p = exp(-L), independently. Each model
// answers 300 questions whose answers are 10 tokens long. We score every answer twice: exact match (hard)
// and token edit-distance similarity 1 - d/10 (soft, emergent::levenshtein_normalized_similarity). Exact
// match looks emergent; token similarity rises smoothly: the mirage of Schaeffer, Miranda & Koyejo (2023).
//
// Family B, the control: the per-token probability itself jumps (a logistic in log-compute). There both
// metrics jump. emergent::mirage_analysis tells the two apart from the per-example scores.
//
// With a path argument it also writes the figure: example_tutorial_3_mirage docs/tutorials/tutorial_3_mirage.svg
#include <emergent/emergent.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "plot/svg_plot.hpp"

namespace {

// SplitMix64 (Steele, Lea & Flood 2014): a tiny, portable, seeded uniform generator.
struct uniform_source {
  std::uint64_t state;
  std::uint64_t next_u64() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double next() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  int token(int vocabulary) { return static_cast<int>(next_u64() % static_cast<std::uint64_t>(vocabulary)); }
};

constexpr int answer_length = 10, vocabulary = 50, questions = 300;

struct family {
  std::string name;
  std::vector<double> x, p;                       // log10 compute, per-token probability
  std::vector<std::vector<double>> hard, soft;    // per model, per example
  std::vector<double> hard_mean, soft_mean, hard_lo, hard_hi, soft_lo, soft_hi;
};

family simulate(const std::string& name, double (*per_token)(double), std::uint64_t seed) {
  family f;
  f.name = name;
  uniform_source rng{seed};
  for (int m = 0; m < 12; ++m) {
    const double x = 18.0 + 0.5 * m;
    const double p = per_token(x);
    std::vector<double> hard, soft;
    emergent::binary_accumulator em;
    emergent::mean_accumulator sim;
    for (int q = 0; q < questions; ++q) {
      std::vector<int> target(answer_length), answer(answer_length);
      for (int t = 0; t < answer_length; ++t) {
        target[t] = rng.token(vocabulary);
        // right with probability p; otherwise one of the other vocabulary - 1 tokens
        answer[t] = rng.next() < p ? target[t] : (target[t] + 1 + rng.token(vocabulary - 1)) % vocabulary;
      }
      const bool exact = answer == target;
      const double similarity = emergent::levenshtein_normalized_similarity(answer, target);
      hard.push_back(exact ? 1.0 : 0.0);
      soft.push_back(similarity);
      em(exact);
      sim(similarity);
    }
    const auto hci = emergent::wilson_interval(em);
    const auto sci = emergent::t_interval(sim);
    f.x.push_back(x);
    f.p.push_back(p);
    f.hard.push_back(hard);
    f.soft.push_back(soft);
    f.hard_mean.push_back(static_cast<double>(em.successes()) / questions);
    f.hard_lo.push_back(hci.lower);
    f.hard_hi.push_back(hci.upper);
    f.soft_mean.push_back(sim.mean());
    f.soft_lo.push_back(sci.lower);
    f.soft_hi.push_back(sci.upper);
  }
  return f;
}

double power_law_token(double x) { return std::exp(-1.2 * std::pow(10.0, -0.29 * (x - 18.0))); }
double jumping_token(double x) { return 0.30 + 0.69 / (1.0 + std::exp(-4.0 * (x - 21.5))); }

void report(const family& f) {
  std::printf("%s\nlog10 C   per-token p   exact match [95%% Wilson]   token similarity [95%% t]\n", f.name.c_str());
  for (std::size_t i = 0; i < f.x.size(); ++i) {
    std::printf("%7.1f   %11.3f   %5.3f [%.3f, %.3f]        %5.3f [%.3f, %.3f]\n", f.x[i], f.p[i], f.hard_mean[i],
                f.hard_lo[i], f.hard_hi[i], f.soft_mean[i], f.soft_lo[i], f.soft_hi[i]);
  }
  emergent::mirage_options options;
  options.resampling.replicates = 200;
  options.resampling.seed = 11;
  const auto r = emergent::mirage_analysis(std::span<const double>(f.x), f.hard, f.soft, options);
  std::printf("exact match:      %s (Davies p = %.2g, break at 10^%.2f, rise width %.2f decades)\n",
              r.hard.sharp ? "sharp" : "smooth", r.hard.davies_p, r.hard.breakpoint,
              r.hard.measures.observed_rise_width_decades);
  std::printf("token similarity: %s (Davies p = %.2g, rise width %.2f decades)\n", r.soft.sharp ? "sharp" : "smooth",
              r.soft.davies_p, r.soft.measures.observed_rise_width_decades);
  std::printf("verdict: %s (bootstrap probability %.2f over %zu paired resamples of the examples)\n\n",
              std::string(emergent::to_string(r.verdict)).c_str(), r.probability_of(r.observed_verdict),
              options.resampling.replicates);
}

}  // namespace

int main(int argc, char** argv) {
  const family a = simulate("A: per-token loss falls as a power law in compute", power_law_token, 2023);
  const family b = simulate("B (control): the per-token probability itself jumps near 10^21.5", jumping_token, 2024);
  report(a);
  report(b);

  if (argc > 1) {
    using namespace emergent::plot;
    figure fig;
    fig.title = "The mirage: the same answers scored by exact match and by token edit distance";
    panel hard, soft;
    hard.title = "hard metric: exact match (10-token answers)";
    soft.title = "soft metric: token edit-distance similarity";
    hard.x_label = soft.x_label = "training compute (FLOPs)";
    hard.y_label = "exact match";
    soft.y_label = "1 - edit distance / 10";
    hard.y_range = soft.y_range = std::pair{-0.02, 1.02};
    const family* fams[] = {&a, &b};
    const char* labels[] = {"A: smooth per-token loss (power law)", "B: per-token ability jumps (control)"};
    for (int i = 0; i < 2; ++i) {
      const family& f = *fams[i];
      series h{labels[i], palette()[i], f.x, f.hard_mean, f.hard_lo, f.hard_hi, {}, {}, {}, {}, true, false};
      series s{labels[i], palette()[i], f.x, f.soft_mean, f.soft_lo, f.soft_hi, {}, {}, {}, {}, true, false};
      hard.data.push_back(h);
      soft.data.push_back(s);
    }
    fig.panels = {hard, soft};
    std::ofstream(argv[1]) << render_svg(fig);
  }
}
