// Hard and soft metrics on the same predictions: five answers to 4-digit additions, scored by exact
// match (hard: all digits right or nothing), by token edit distance over digit tokens (soft: partial
// credit per digit) and by the model's per-token probability of the reference digits (soft: how
// close the model was to the right answer), side by side. The hard score sees one success in five;
// the soft scores see that most digits are right and most reference tokens likely (Schaeffer,
// Miranda & Koyejo 2023). The probability of the whole reference is the product of its per-token
// probabilities, p^L for L tokens (the k-of-k argument): the steep hard metric in disguise.
#include <emergent/emergent.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  struct item {
    const char* question;
    const char* reference;
    const char* prediction;
    std::vector<double> reference_token_probs;  // p(reference digit t | question, digits before t)
  };
  const std::vector<item> items = {
      {"1234 + 4678", "5912", "5912", {0.98, 0.95, 0.97, 0.93}},  // right
      {"2781 + 3405", "6186", "6187", {0.97, 0.90, 0.88, 0.41}},  // last digit wrong
      {"4509 + 1388", "5897", "5987", {0.96, 0.45, 0.40, 0.85}},  // two digits swapped
      {"3617 + 2245", "5862", "586", {0.95, 0.92, 0.89, 0.30}},   // one digit missing
      {"7070 + 1919", "8989", "9000", {0.20, 0.15, 0.25, 0.10}},  // every digit wrong
  };
  const emergent::text_normaliser normalise = emergent::normalise::trim();
  std::printf("%-12s %-9s %-10s %11s %14s %17s %16s %13s\n", "question", "reference", "prediction", "exact_match",
              "edit_distance", "token_similarity", "mean_token_prob", "p(reference)");
  double em_sum = 0.0;
  double dist_sum = 0.0;
  double sim_sum = 0.0;
  double token_p_sum = 0.0;
  double seq_p_sum = 0.0;
  for (const item& it : items) {
    const bool em = emergent::exact_match(it.prediction, it.reference, normalise);
    // One token per digit, as LLaMA-style tokenizers split numbers.
    const auto pred_tokens = emergent::digit_tokens(it.prediction, 1);
    const auto ref_tokens = emergent::digit_tokens(it.reference, 1);
    const std::size_t d = emergent::levenshtein_distance(pred_tokens, ref_tokens);
    const double sim = emergent::levenshtein_normalized_similarity(pred_tokens, ref_tokens);
    std::vector<double> log_probs;
    for (const double p : it.reference_token_probs) log_probs.push_back(std::log(p));
    const double token_p = std::exp(-emergent::mean_token_nll(log_probs));  // geometric mean per token
    const double seq_p = emergent::sequence_probability(log_probs);        // product over tokens
    std::printf("%-12s %-9s %-10s %11d %14zu %17.3f %16.3f %13.3f\n", it.question, it.reference, it.prediction,
                em ? 1 : 0, d, sim, token_p, seq_p);
    em_sum += em ? 1.0 : 0.0;
    dist_sum += static_cast<double>(d);
    sim_sum += sim;
    token_p_sum += token_p;
    seq_p_sum += seq_p;
  }
  const auto n = static_cast<double>(items.size());
  std::printf("%-12s %-9s %-10s %11.3f %14.3f %17.3f %16.3f %13.3f\n", "mean", "", "", em_sum / n, dist_sum / n,
              sim_sum / n, token_p_sum / n, seq_p_sum / n);
}
