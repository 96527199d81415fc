// k-of-k: why a hard metric looks sharp when the soft one does not.
//
// A model whose per-token accuracy p improves smoothly with scale answers a 10-token question exactly
// only when all 10 tokens are right, with probability p^10 (Schaeffer, Miranda & Koyejo 2023). The
// expected token edit distance 10(1 - p) falls on a straight line over the same models. The second
// table is the unbiased pass@k of Chen et al. (2021) from n = 200 samples per problem.
#include <emergent/emergent.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  constexpr std::size_t answer_tokens = 10;
  std::printf("per-token p | exact match p^10 | expected edit distance | sequence prob (log space)\n");
  for (double p : {0.50, 0.60, 0.70, 0.80, 0.90, 0.95, 0.99}) {
    const std::vector<double> token_log_probs(answer_tokens, std::log(p));
    std::printf("%11.2f | %16.4f | %22.2f | %25.4f\n", p, emergent::k_of_k(p, answer_tokens),
                emergent::expected_token_edit_distance(answer_tokens, p),
                emergent::sequence_probability(token_log_probs));
  }
  std::printf("\npass@k from n = 200 samples\n");
  std::printf("correct c | pass@1 | pass@10 | pass@100\n");
  for (unsigned c : {0u, 1u, 5u, 20u, 100u}) {
    std::printf("%9u | %6.4f | %7.4f | %8.4f\n", c, emergent::pass_at_k(200, c, 1), emergent::pass_at_k(200, c, 10),
                emergent::pass_at_k(200, c, 100));
  }
  return 0;
}
