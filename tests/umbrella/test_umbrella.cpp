// The umbrella consumer: one translation unit that includes <emergent/emergent.hpp> and names every
// public type and calls every public function family. A class and a function sharing a name, two
// layers defining the same name, or a header that needs another it does not include, fails to compile here.
#include <emergent/emergent.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace {

template <class... T>
constexpr bool all_complete = ((sizeof(T) > 0) && ...);

}  // namespace

TEST_CASE("umbrella: every public type is nameable alongside every other") {
  using namespace emergent;
  static_assert(all_complete<input_error, parse_error, numerical_error, confidence_interval, scaling_curve>);
  static_assert(all_complete<brier_options, log_loss_options, lm_eval_exact_match_options, text_normaliser,
                             cached_levenshtein<char>>);
  static_assert(std::is_enum_v<brier_convention> && std::is_enum_v<length_unit> && std::is_enum_v<normalization>);
  static_assert(all_complete<answer_extractor, text_tokeniser, generation_score, generation_scorer, value_range,
                             mean_interval>);
  static_assert(std::is_enum_v<mean_interval_method>);
  static_assert(all_complete<count_accumulator, mean_accumulator, weighted_mean_accumulator, binary_accumulator,
                             exact_match_accumulator, brier_accumulator, log_loss_accumulator,
                             edit_distance_accumulator, group_key, grouped<mean_accumulator>, bootstrap_options,
                             bootstrap_result, curve_options, hierarchical_resampler, paired_hierarchical_resampler>);
  static_assert(std::is_enum_v<bootstrap_method>);
  static_assert(all_complete<fit_options, fit_result, lm_options, lm_outcome, fit_bootstrap_options,
                             fit_bootstrap_result, prediction_band, profile_interval, model_spec,
                             model_comparison_row, lrt_result, backtest_result, custom_fit_result<2>,
                             models::linear, models::power_law, models::logistic, models::accuracy_law, models::bnsl>);
  static_assert(std::is_enum_v<fit_model> && std::is_enum_v<fit_status> && std::is_enum_v<robust_loss> &&
                std::is_enum_v<lm_stop> && std::is_enum_v<fit_bootstrap_kind>);
  static_assert(all_complete<segmented_options, segmented_fit, breakpoint_estimate, break_test_options,
                             break_test_result, break_count, break_count_options, location_bootstrap_options,
                             bootstrap_location, break_location, break_vs_smooth_options, break_vs_smooth_result,
                             sharpness_options, grokking_options, grokking_result, threshold_crossing, k_of_k_options,
                             k_of_k_point, k_of_k_result, mirage_options, mirage_result>);
  static_assert(std::is_enum_v<segmented_shape> && std::is_enum_v<break_alternative> &&
                std::is_enum_v<progress_direction> && std::is_enum_v<mirage_verdict>);
  static_assert(all_complete<testing::check_options, testing::counterexample, testing::property_report,
                             testing::scoring_rule_spec, testing::metric_spec, testing::mirage_options,
                             testing::mirage_report>);
  // The accumulators are not the functions of the same metric (names no longer collide).
  exact_match_accumulator em;
  em(true);
  em(false);
  log_loss_accumulator ll;
  ll(0.5);
  grouped<exact_match_accumulator> groups;
  groups({"m", "t", ""}, true);
  CHECK(em.value() == 0.5);
  CHECK(ll.value() == 0.5);
  CHECK(groups.size() == 1);
}

TEST_CASE("umbrella: every function family is callable") {
  using namespace emergent;
  // metrics
  const auto a = whitespace_words("the answer is 42");
  const auto b = whitespace_words("the answer is 41");
  CHECK(levenshtein_distance(a, b) == 1);
  CHECK(levenshtein_normalized_similarity(a, b) == doctest::Approx(0.75));
  CHECK(extract_boxed("so \\boxed{42}") == std::string_view("42"));
  const generation_scorer gs{answer_extractor::parse("last-number"), parse_text_normaliser("numeric"),
                             text_tokeniser::parse("digits")};
  CHECK(gs("the answer is 42.0", std::vector<std::string>{"42"}).exact);
  CHECK(token_accuracy(std::span<const std::string_view>(a), std::span<const std::string_view>(b)) == doctest::Approx(0.75));
  {
    mean_accumulator d;
    for (double x : {0.0, 1.0, 9.0}) d(x);
    CHECK(mean_interval_in_range(d, value_range{0.0, 1e300}).interval.lower > 0.0);
  }
  CHECK(digit_tokens("123").size() == 3);
  CHECK(number_tokens("a 12 b").size() >= 1);
  CHECK(exact_match(std::string("Yes"), std::string("yes"), normalise::case_fold()));
  const std::vector<double> probs = {0.2, 0.9};
  const std::vector<int> outcomes = {0, 1};
  CHECK(brier_score(0.9, 1) == doctest::Approx(0.01));
  CHECK(mean_brier_score(probs, outcomes) == doctest::Approx((0.04 + 0.01) / 2));
  CHECK(mean_log_loss(probs, outcomes) == doctest::Approx(-(std::log(0.8) + std::log(0.9)) / 2));
  CHECK(log_loss(0.5, 1) == doctest::Approx(std::log(2.0)));
  const std::vector<double> lls = {-1.0, -2.0, -0.5};
  CHECK(multiple_choice_prediction(lls) == 2);
  CHECK(log_sum_exp(lls) > -0.5);
  CHECK(softmax(lls).size() == 3);
  CHECK(k_of_k(0.9, 2) == doctest::Approx(0.81));
  CHECK(pass_at_k(10, 1, 1) == doctest::Approx(0.1));
  CHECK(sequence_probability(std::vector<double>{std::log(0.5), std::log(0.5)}) == doctest::Approx(0.25));
  // stats
  const auto w = wilson_interval(3, 10);
  const auto cp = clopper_pearson_interval(3, 10);
  const auto j = jeffreys_interval(3, 10);
  CHECK((w.contains(0.3) && cp.contains(0.3) && j.contains(0.3)));
  std::vector<double> scores;
  for (int i = 0; i < 50; ++i) scores.push_back(i % 3 == 0 ? 1.0 : 0.0);
  bootstrap_options bo;
  bo.resamples = 200;
  CHECK(bootstrap_mean(scores, bootstrap_method::percentile, bo).interval.contains(17.0 / 50));
  mean_accumulator m;
  for (double s : scores) m(s);
  CHECK(t_interval(m).contains(m.mean()));
  // fit
  std::vector<double> x, y;
  for (int i = 0; i < 12; ++i) {
    x.push_back(19 + 0.5 * i);
    y.push_back(0.1 + 0.7 / (1 + std::exp(-2 * (x.back() - 21.7))) + 0.01 * std::sin(5.0 * i));
  }
  const fit_result lf = fit<models::logistic>(x, y);
  CHECK(lf.wald_interval("x0").contains(lf.param("x0")));
  CHECK(fit_xy(x, y, fit_model::linear).params.size() == 2);
  CHECK(parameter_names(fit_model::bnsl, 2).size() == 9);
  CHECK(predict_band(lf, x).fit.size() == x.size());
  const std::vector<model_spec> specs = {{fit_model::linear, 1}, {fit_model::logistic, 1}};
  CHECK(compare_models(x, y, specs).size() == 2);
  // analysis
  const segmented_fit seg = fit_segmented(x, y);
  CHECK(seg.breakpoints.size() == 1);
  CHECK(davies_test(x, y).p_value <= 1.0);
  CHECK(std::isfinite(breakthroughness(x, y)));
  CHECK(std::isfinite(linearity(x, y)));
  CHECK(k_of_k_predict(std::vector<double>{0.9}, std::vector<double>{2.0}).at(0) == doctest::Approx(0.81));
}
