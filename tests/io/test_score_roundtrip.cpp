// The round trip of `emergent score`: tools/tests/score_roundtrip.cmake checks that the command's
// per-model aggregates on the WinoGrande option log-likelihoods equal tests/data/io/winogrande_per_model.csv;
// this test checks that every number of that table equals what the library's own metrics and
// accumulators give on the same records (read with emergent::io), so the command cannot drift.
#include <doctest/doctest.h>

#include <emergent/io.hpp>
#include <emergent/metrics/brier.hpp>
#include <emergent/metrics/cross_entropy.hpp>
#include <emergent/stats/accumulators.hpp>
#include <emergent/stats/intervals.hpp>
#include <emergent/stats/range_intervals.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

struct per_model {
  emergent::binary_accumulator grade;
  emergent::mean_accumulator brier;
  emergent::mean_accumulator log_loss;
};

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

TEST_CASE("per-model aggregates of emergent score equal the library's accumulators on the same records") {
  const std::string dir = std::string(EMERGENT_TEST_DATA_DIR) + "/io/";
  const auto mapping = emergent::io::read_column_mapping_file(dir + "winogrande_mapping.conf");
  emergent::io::read_options options;
  options.task = "winogrande";
  std::map<std::string, per_model> models;
  std::vector<double> lls;
  const auto summary = emergent::io::read_csv_file(
      dir + "winogrande_5shot_option_loglik_llama2_mistral.csv", mapping, options, [&](const emergent::io::record& r) {
        lls.clear();
        for (const auto& o : r.options) lls.push_back(o.loglik);
        auto& m = models[r.model];
        std::size_t best = 0;
        for (std::size_t i = 1; i < lls.size(); ++i) {
          if (lls[i] > lls[best]) best = i;
        }
        m.grade(best == r.gold);
        m.brier(emergent::brier_score_from_log_likelihoods(lls, r.gold));
        m.log_loss(emergent::cross_entropy_from_logits(lls, r.gold));
      });
  REQUIRE(summary.delivered == 3801);
  const auto compute = emergent::io::read_compute_table_file(dir + "winogrande_compute.csv");

  // The expected table, row by row, in the command's format.
  std::string expected = "model,task,metric,n,value,lower,upper,stderr,interval,params,tokens,flops,flops_derived\n";
  for (const auto& [model, m] : models) {
    const auto* c = emergent::io::find_compute(compute, model);
    REQUIRE(c != nullptr);
    auto opt = [](const std::optional<double>& v) { return v ? number(*v) : std::string(); };
    const std::string tail = "," + opt(c->parameters) + "," + opt(c->tokens) + "," + opt(c->flops) + "," +
                             (c->flops_derived ? "true" : "false") + "\n";
    const double p = m.grade.proportion();
    const auto w = emergent::wilson_interval(m.grade);
    expected += model + ",winogrande,mc_grade,1267," + number(p) + "," + number(w.lower) + "," + number(w.upper) + "," +
                number(std::sqrt(p * (1 - p) / 1267.0)) + ",wilson" + tail;
    // Brier lies in [0, 2] (logit-transformed t interval), log loss in [0, inf) (log-transformed t).
    const auto brier = emergent::logit_t_interval(m.brier, {0.0, 2.0});
    expected += model + ",winogrande,brier,1267," + number(m.brier.mean()) + "," + number(brier.lower) + "," +
                number(brier.upper) + "," + number(m.brier.standard_error()) + ",t-logit" + tail;
    const auto log_loss = emergent::log_t_interval(m.log_loss, 0.0);
    expected += model + ",winogrande,log_loss,1267," + number(m.log_loss.mean()) + "," + number(log_loss.lower) + "," +
                number(log_loss.upper) + "," + number(m.log_loss.standard_error()) + ",t-log" + tail;
  }
  std::FILE* f = std::fopen((dir + "winogrande_per_model.csv").c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string golden;
  char buf[4096];
  std::size_t got = 0;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) golden.append(buf, got);
  std::fclose(f);
  CHECK(golden == expected);
  // And the accuracies are the published ones.
  CHECK(models["Llama-2-7b-hf"].grade.proportion() == doctest::Approx(0.738).epsilon(0.0005));
  CHECK(models["Llama-2-13b-hf"].grade.proportion() == doctest::Approx(0.7616).epsilon(0.0005));
  CHECK(models["Mistral-7B-v0.1"].grade.proportion() == doctest::Approx(0.7814).epsilon(0.0005));
}
