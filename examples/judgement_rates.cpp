// Verdict rates of judge_curve and mirage_analysis on simulated families with known truth
// (docs/analysis.md, "How often is the judgement right?"). Ten models from 10^18 to 10^26 FLOPs.
//   single curves (2,000 items per model, binomial counts):
//     step       accuracy jumps from 0.02 to 0.92 within ~0.3 decades at a random place  -> sharp
//     gradual    accuracy rises linearly in log compute from 0.05 to 0.85 over 8 decades   -> smooth
//     saturating accuracy starts at 0.85 and approaches 0.99                              -> saturated
//     floor      accuracy stays at 0.01 (+ a 0.02 wobble)                                  -> flat
//   hard/soft pairs (500 items per model, per-token accuracy p and exact match of L tokens):
//     mirage L   p rises linearly in log compute from 0.2 to 0.95; exact match = p^L       -> sharp_under_hard_only
//     genuine    p itself jumps from 0.3 to 0.95 within ~0.3 decades; L = 5                -> sharp_under_both
//     same       L = 1: the hard metric is the soft one                                    -> smooth_under_both
// Usage: example_judgement_rates [families per case (default 10)] [bootstrap replicates (default 50)]
// The shipped expected output uses the defaults (fast, for CI); docs/analysis.md quotes 200 families.
#include <emergent/analysis.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

struct splitmix {
  std::uint64_t state;
  double uniform() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  }
};

constexpr int models = 10;
double x_of(int m) { return 18.0 + 8.0 * m / (models - 1); }
double logistic(double t) { return 1.0 / (1.0 + std::exp(-t)); }

void single(const char* name, const char* truth, int families, std::size_t replicates,
            const std::function<double(double, double)>& accuracy) {
  std::array<int, 5> count{};
  int uncertain = 0;
  for (int f = 0; f < families; ++f) {
    splitmix rng{0x1234ULL + 7919ULL * static_cast<std::uint64_t>(f)};
    const double where = 20.0 + 4.0 * rng.uniform();  // where the family's feature sits
    std::vector<double> x, y, n;
    for (int m = 0; m < models; ++m) {
      const double p = accuracy(x_of(m), where);
      int k = 0;
      for (int j = 0; j < 2000; ++j) k += rng.uniform() < p ? 1 : 0;
      x.push_back(x_of(m));
      y.push_back(k / 2000.0);
      n.push_back(2000);
    }
    emergent::judgement_options o;
    o.resampling.replicates = replicates;
    o.resampling.seed = static_cast<std::uint64_t>(f) + 1;
    const auto r = emergent::judge_curve(x, y, n, {}, o);
    ++count[static_cast<std::size_t>(r.judgement)];
    uncertain += r.uncertain ? 1 : 0;
  }
  std::printf("| %s | %s | %d |", name, truth, families);
  for (int c : count) std::printf(" %.3f |", static_cast<double>(c) / families);
  std::printf(" %.3f |\n", static_cast<double>(uncertain) / families);
}

void pair(const char* name, const char* truth, int families, std::size_t replicates, int length,
          const std::function<double(double, double)>& per_token) {
  std::array<int, 5> count{};
  int uncertain = 0;
  for (int f = 0; f < families; ++f) {
    splitmix rng{0xABCDULL + 104729ULL * static_cast<std::uint64_t>(f) + static_cast<std::uint64_t>(length)};
    const double where = 20.5 + 3.0 * rng.uniform();
    std::vector<double> x;
    std::vector<std::vector<double>> hard, soft;
    for (int m = 0; m < models; ++m) {
      const double p = per_token(x_of(m), where);
      x.push_back(x_of(m));
      hard.emplace_back();
      soft.emplace_back();
      for (int j = 0; j < 500; ++j) {
        int right = 0;
        for (int t = 0; t < length; ++t) right += rng.uniform() < p ? 1 : 0;
        soft.back().push_back(static_cast<double>(right) / length);
        hard.back().push_back(right == length ? 1.0 : 0.0);
      }
    }
    emergent::mirage_options o;
    o.resampling.replicates = replicates;
    o.resampling.seed = static_cast<std::uint64_t>(f) + 1;
    o.answer_lengths = {static_cast<double>(length)};
    const auto r = emergent::mirage_analysis(x, hard, soft, o);
    ++count[static_cast<std::size_t>(r.verdict)];
    uncertain += r.uncertain ? 1 : 0;
  }
  std::printf("| %s | %s | %d |", name, truth, families);
  for (int c : count) std::printf(" %.3f |", static_cast<double>(c) / families);
  std::printf(" %.3f |\n", static_cast<double>(uncertain) / families);
}

}  // namespace

int main(int argc, char** argv) {
  const int families = argc > 1 ? std::atoi(argv[1]) : 10;
  const std::size_t replicates = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 50;
  std::printf("Single curves (judge_curve), share of each judgement\n\n");
  std::printf("| case | truth | families | sharp | smooth | saturated | flat | not_resolvable | uncertain |\n");
  std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  single("step", "sharp", families, replicates,
         [](double x, double w) { return 0.02 + 0.90 * logistic((x - w) / 0.07); });
  single("gradual", "smooth", families, replicates, [](double x, double) { return 0.05 + 0.10 * (x - 18.0); });
  single("saturating", "saturated", families, replicates,
         [](double x, double w) { return 0.99 - 0.14 * std::exp(-(x - 18.0) / (w - 17.0)); });
  single("floor", "flat", families, replicates,
         [](double x, double w) { return 0.01 + 0.01 * std::sin(x - w); });
  std::printf("\nHard/soft pairs (mirage_analysis with answer lengths), share of each verdict\n\n");
  std::printf("| case | truth | families | sharp_under_both | sharp_under_hard_only | smooth_under_both | sharp_under_soft_only | not_resolvable | uncertain |\n");
  std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  for (int length = 3; length <= 8; ++length) {
    const std::string name = "mirage L = " + std::to_string(length);
    pair(name.c_str(), "sharp_under_hard_only", families, replicates, length,
         [](double x, double) { return 0.2 + 0.75 * (x - 18.0) / 8.0; });
  }
  pair("genuine L = 5", "sharp_under_both", families, replicates, 5,
       [](double x, double w) { return 0.3 + 0.65 * logistic((x - w) / 0.07); });
  pair("same metric L = 1", "smooth_under_both", families, replicates, 1,
       [](double x, double) { return 0.2 + 0.75 * (x - 18.0) / 8.0; });
  return 0;
}
