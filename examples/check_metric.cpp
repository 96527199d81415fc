// Check a new metric before spending compute on it: "relaxed exact match" (an answer counts as
// correct when it is within one token edit of the reference). The property checks find what the
// definition really does, with the smallest counterexample; the mirage analysis measures how much
// sharper than per-token accuracy its scaling curve will look, next to exact match and token edit
// distance, under the same smooth improvement of per-token accuracy. Differential testing compares a
// quick implementation with the definition.
#include <emergent/emergent.hpp>
#include <emergent/metrics/eigen.hpp>
#include <emergent/testing.hpp>

#include <cstdio>
#include <vector>

namespace et = emergent::testing;

namespace {

// The new metric: 1 when the prediction is at most one token edit away from the reference.
double relaxed_exact_match(const std::vector<int>& prediction, const std::vector<int>& reference) {
  return emergent::levenshtein_distance(prediction, reference) <= 1 ? 1.0 : 0.0;
}

double exact_match(const std::vector<int>& prediction, const std::vector<int>& reference) {
  return emergent::exact_match(prediction, reference) ? 1.0 : 0.0;
}

// Token edit distance as a similarity in [0, 1], so that higher is better for all three.
double edit_similarity(const std::vector<int>& prediction, const std::vector<int>& reference) {
  return emergent::levenshtein_normalized_similarity(prediction, reference);
}

}  // namespace

int main() {
  std::printf("1. Properties of relaxed exact match (score in [0, 1], higher is better)\n");
  const et::metric_spec spec{0.0, 1.0, et::better::higher, false};
  for (const et::property_report& report : et::check_sequence_metric(relaxed_exact_match, spec)) {
    std::printf("%s\n", report.describe().c_str());
  }

  std::printf("\n2. Is the loss 1 - relaxed exact match a distance?\n");
  const auto loss = [](const std::vector<int>& a, const std::vector<int>& b) { return 1.0 - relaxed_exact_match(a, b); };
  std::printf("%s\n", et::check_symmetry(loss).describe().c_str());
  std::printf("%s\n", et::check_triangle_inequality(loss).describe().c_str());

  std::printf("\n3. A quick implementation (count mismatched positions) against the definition\n");
  const auto quick = [](const std::vector<int>& prediction, const std::vector<int>& reference) {
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < prediction.size() && i < reference.size(); ++i) mismatches += prediction[i] != reference[i];
    return mismatches <= 1 ? 1.0 : 0.0;
  };
  std::printf("%s\n", et::check_agreement(quick, relaxed_exact_match).describe().c_str());

  std::printf("\n4. Mirage risk: 5-token answers, per-token accuracy logistic in log10(compute)\n");
  const et::mirage_options options;  // lengths {5}, slope 0.5 per decade, midpoint 1e21 FLOPs, 1e18..1e24
  const et::mirage_report em = et::mirage_risk(exact_match, options);
  const et::mirage_report relaxed = et::mirage_risk(relaxed_exact_match, options);
  const et::mirage_report ed = et::mirage_risk(edit_similarity, options);
  std::printf("%-8s %-9s %-11s %-13s %s\n", "log10 C", "per-token", "exact match", "relaxed match", "edit similarity");
  for (std::size_t i = 0; i < em.log_compute.size(); i += 3) {
    std::printf("%-8.2f %-9.3f %-11.3f %-13.3f %.3f\n", em.log_compute[i], em.per_token[i], em.induced[i],
                relaxed.induced[i], ed.induced[i]);
  }
  std::printf("\n%-16s %-12s %-11s %-12s %-10s %-13s %s\n", "metric", "kind", "rise (dec)", "narrower by", "delay (dec)",
              "E at mid-p", "risk");
  const auto row = [](const char* name, const et::mirage_report& r) {
    std::printf("%-16s %-12s %-11.2f %-12.2f %-10.2f  %-13.3f %s\n", name,
                r.kind == et::metric_kind::thresholded ? "thresholded" : "continuous", r.induced_sharpness.rise_width_decades,
                r.sharpness_ratio, r.delay_decades, r.response_at_midpoint, r.risk.c_str());
  };
  std::printf("%-16s %-12s %-11.2f %-12s %-10s  %-13s %s\n", "per-token acc.", "-", em.per_token_sharpness.rise_width_decades, "1.00",
              "0.00", "0.500", "-");
  row("exact match", em);
  row("relaxed match", relaxed);
  row("edit similarity", ed);
  std::printf("\nrelaxed exact match: %s\n", relaxed.summary().c_str());
}
