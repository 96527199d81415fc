// Per-model accuracy with honest intervals: for each model in a small per-example score file, the
// accuracy with a Wilson interval and a bootstrap (BCa) interval, and, for a model that scored 0,
// the one-sided upper bound a report can quote ("below 1.5%") instead of "0". Then a paired
// bootstrap of the difference between two models on the same items.
//
// Data: examples/data/model_accuracy_scores.csv (200 WinoGrande validation items, 5-shot, three
// real models from lm-evaluation-harness write-out files, plus one SYNTHETIC model that scores 0;
// provenance in examples/data/SOURCES.md). Run from the repository root.
#include <emergent/stats.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

int main() {
  // A few lines of std code instead of the io layer: "model,doc_id,correct", '#' comments.
  std::ifstream in("examples/data/model_accuracy_scores.csv");
  if (!in) {
    std::fprintf(stderr, "cannot open examples/data/model_accuracy_scores.csv (run from the repository root)\n");
    return 1;
  }
  std::map<std::string, std::vector<double>> scores;  // per model, in doc_id order
  emergent::grouped<emergent::exact_match_accumulator> groups;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::istringstream fields(line);
    std::string model;
    std::string doc_id;
    std::string correct;
    std::getline(fields, model, ',');
    std::getline(fields, doc_id, ',');
    std::getline(fields, correct, ',');
    const bool ok = correct == "1";
    scores[model].push_back(ok ? 1.0 : 0.0);
    groups({model, "winogrande", ""}, ok);
  }

  const double level = 0.95;
  emergent::bootstrap_options boot;
  boot.resampling.replicates = 2000;
  boot.level = level;
  boot.resampling.seed = 2026;

  std::printf("WinoGrande (5-shot, first 200 validation items): accuracy with 95%% intervals\n\n");
  std::printf("%-28s %9s %9s %18s %18s\n", "model", "correct", "accuracy", "Wilson", "bootstrap BCa");
  for (const auto& [key, acc] : groups) {
    const auto wilson = emergent::wilson_interval(acc.successes(), acc.count(), level);
    const auto bca = emergent::bootstrap_proportion(acc.successes(), acc.count(), emergent::bootstrap_method::bca, boot);
    std::printf("%-28s %4llu/%-4llu %8.1f%% [%5.1f%%, %5.1f%%] [%5.1f%%, %5.1f%%]\n", key.model.c_str(),
                static_cast<unsigned long long>(acc.successes()), static_cast<unsigned long long>(acc.count()),
                100.0 * acc.value(), 100.0 * wilson.lower, 100.0 * wilson.upper, 100.0 * bca.interval.lower,
                100.0 * bca.interval.upper);
    if (acc.successes() == 0) {
      const double bound = emergent::zero_success_upper_bound(acc.count(), level);
      std::printf("  0 of %llu correct: report \"below %.1f%%\" (95%% one-sided upper bound 1 - 0.05^(1/n); "
                  "rule of three 3/n = %.1f%%),\n  not 0%%; the bootstrap cannot see past what was observed "
                  "and gives [0, 0].\n",
                  static_cast<unsigned long long>(acc.count()), 100.0 * bound, 300.0 / static_cast<double>(acc.count()));
    }
  }

  // Two models on the same items: pair them, so that the items' difficulty cancels.
  const auto& big = scores.at("meta-llama/Llama-2-13b-hf");
  const auto& small = scores.at("meta-llama/Llama-2-7b-hf");
  const auto diff = emergent::bootstrap_mean_difference(big, small, emergent::bootstrap_method::bca, boot);
  std::printf("\nLlama-2-13b minus Llama-2-7b on the same 200 items: %+.1f points, 95%% paired BCa [%+.1f, %+.1f]\n",
              100.0 * diff.estimate, 100.0 * diff.interval.lower, 100.0 * diff.interval.upper);
  if (diff.interval.contains(0.0)) {
    std::printf("The interval contains 0: on these items the two models are not told apart.\n");
  } else {
    std::printf("The interval excludes 0: the difference is larger than the resampling noise.\n");
  }
  return 0;
}
