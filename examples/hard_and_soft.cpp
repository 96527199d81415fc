// Hard and soft metrics on the same predictions: five answers to 4-digit additions, scored by exact
// match (hard: all digits right or nothing) and by token edit distance over digit tokens (soft:
// partial credit per digit), side by side. The hard score sees one success in five; the soft score
// sees that most digits are right (Schaeffer, Miranda & Koyejo 2023).
#include <emergent/emergent.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main() {
  struct item {
    const char* question;
    const char* reference;
    const char* prediction;
  };
  const std::vector<item> items = {
      {"1234 + 4678", "5912", "5912"},   // right
      {"2781 + 3405", "6186", "6187"},   // last digit wrong
      {"4509 + 1388", "5897", "5987"},   // two digits swapped
      {"3617 + 2245", "5862", "586"},    // one digit missing
      {"7070 + 1919", "8989", "9000"},   // every digit wrong
  };
  const emergent::text_normaliser normalise = emergent::normalise::trim();
  std::printf("%-12s %-9s %-10s %11s %14s %19s\n", "question", "reference", "prediction", "exact_match",
              "edit_distance", "token_similarity");
  double em_sum = 0.0;
  double dist_sum = 0.0;
  double sim_sum = 0.0;
  for (const item& it : items) {
    const bool em = emergent::exact_match(it.prediction, it.reference, normalise);
    // One token per digit, as LLaMA-style tokenizers split numbers.
    const auto pred_tokens = emergent::digit_tokens(it.prediction, 1);
    const auto ref_tokens = emergent::digit_tokens(it.reference, 1);
    const std::size_t d = emergent::levenshtein_distance(pred_tokens, ref_tokens);
    const double sim = emergent::levenshtein_normalized_similarity(pred_tokens, ref_tokens);
    std::printf("%-12s %-9s %-10s %11d %14zu %19.3f\n", it.question, it.reference, it.prediction, em ? 1 : 0, d, sim);
    em_sum += em ? 1.0 : 0.0;
    dist_sum += static_cast<double>(d);
    sim_sum += sim;
  }
  const auto n = static_cast<double>(items.size());
  std::printf("%-12s %-9s %-10s %11.3f %14.3f %19.3f\n", "mean", "", "", em_sum / n, dist_sum / n, sim_sum / n);
}
