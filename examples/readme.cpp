// The program on the README's first screen (kept compiling and output-checked by CI).
#include <emergent/emergent.hpp>
#include <cstdio>

int main() {
  const auto pred = emergent::whitespace_words("the answer is 1,235");
  const auto ref = emergent::whitespace_words("the answer is 1,234");
  std::printf("exact match %d, token edit distance %zu\n", emergent::exact_match(pred, ref),
              emergent::levenshtein_distance(pred, ref));
  std::printf("P(all 5 tokens right) at p = 0.9: %.3f\n", emergent::k_of_k(0.9, 5));
  const auto ci = emergent::wilson_interval(0, 200);  // a small model that never succeeded
  std::printf("0/200 correct: 95%% interval [%.3f, %.3f]\n", ci.lower, ci.upper);
}
