#include <doctest/doctest.h>

#include <emergent/metrics.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../reference/multiple_choice_lm_eval.hpp"

using emergent::input_error;
using emergent::length_unit;

TEST_CASE("acc, acc_norm and acc_bytes agree with lm-evaluation-harness's numpy formulas on 300 random items") {
  for (const auto& c : mc_reference::cases) {
    const auto k = static_cast<std::size_t>(c.k);
    const std::span<const double> lls(c.lls, k);
    std::vector<std::string_view> choices(c.choices, c.choices + k);
    CAPTURE(c.pred_norm);
    CHECK(emergent::multiple_choice_prediction(lls) == static_cast<std::size_t>(c.pred));
    CHECK(emergent::multiple_choice_prediction(lls, choices, length_unit::characters) ==
          static_cast<std::size_t>(c.pred_norm));
    CHECK(emergent::multiple_choice_prediction(lls, choices, length_unit::bytes) == static_cast<std::size_t>(c.pred_byte));
    for (int gold = 0; gold < c.k; ++gold) {
      CHECK(emergent::multiple_choice_grade(lls, gold) == (gold == c.pred ? 1.0 : 0.0));
      CHECK(emergent::multiple_choice_grade(lls, choices, gold) == (gold == c.pred_norm ? 1.0 : 0.0));
      CHECK(emergent::multiple_choice_grade(lls, choices, gold, length_unit::bytes) == (gold == c.pred_byte ? 1.0 : 0.0));
    }
  }
}

TEST_CASE("utf8_length counts code points like Python's len(str)") {
  CHECK(emergent::utf8_length("") == 0);
  CHECK(emergent::utf8_length("abc") == 3);
  CHECK(emergent::utf8_length("caf\xc3\xa9") == 4);           // café
  CHECK(emergent::utf8_length("\xe6\x97\xa5\xe6\x9c\xac") == 2);  // 日本
  CHECK(emergent::utf8_length("\xf0\x9f\x98\x80!") == 2);        // 😀!
}

TEST_CASE("worked example: normalisation changes the pick; ties go to the first maximum") {
  // A long correct option loses on raw log-likelihood but wins per character.
  const std::array<double, 2> lls{-6.0, -10.0};
  const std::array<std::string_view, 2> choices{"no", "a much longer answer"};
  CHECK(emergent::multiple_choice_prediction(lls) == 0);
  CHECK(emergent::multiple_choice_prediction(lls, choices, length_unit::characters) == 1);
  CHECK(emergent::multiple_choice_grade(lls, choices, 1) == 1.0);
  CHECK(emergent::multiple_choice_grade(lls, 1) == 0.0);
  // per-token normalisation with caller-supplied token counts
  const std::array<int, 2> tokens{1, 4};
  CHECK(emergent::multiple_choice_prediction(lls, tokens) == 1);
  CHECK(emergent::multiple_choice_grade(lls, tokens, 1) == 1.0);
  // ties: numpy.argmax returns the first maximum
  CHECK(emergent::multiple_choice_prediction(std::vector<double>{-1.0, -0.5, -0.5}) == 1);
  CHECK(emergent::multiple_choice_prediction(std::vector<double>{-2.0, -4.0}, std::vector<double>{1.0, 2.0}) == 0);
  // -inf options are impossible, never picked unless all are
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(emergent::multiple_choice_prediction(std::vector<double>{-inf, -50.0}) == 1);
  CHECK(emergent::multiple_choice_prediction(std::vector<double>{-inf, -inf}) == 0);
}

TEST_CASE("multiple-choice error paths") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS((void)emergent::multiple_choice_prediction(std::vector<double>{}),
                       "multiple_choice_prediction: log_likelihoods: is empty (no option to choose)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::multiple_choice_prediction(std::vector<double>{-1.0, std::nan("")}),
                       "multiple_choice_prediction: log_likelihoods[1]: nan is NaN or +inf", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::multiple_choice_grade(std::vector<double>{-1.0, inf}, 0),
                       "multiple_choice_grade: log_likelihoods[1]: inf is NaN or +inf", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::multiple_choice_grade(std::vector<double>{-1.0, -2.0}, 2),
                       "multiple_choice_grade: label: 2 is out of range [0, 2)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::multiple_choice_prediction(std::vector<double>{-1.0, -2.0}, std::vector<int>{3}),
                       "multiple_choice_prediction: lengths: has 1 entries but log_likelihoods has 2", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::multiple_choice_prediction(std::vector<double>{-1.0, -2.0}, std::vector<int>{3, 0}),
                       "multiple_choice_prediction: lengths[1]: 0 is not a positive length", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::multiple_choice_grade(std::vector<double>{-1.0, -2.0}, std::vector<double>{1.0, -2.0}, 0),
                       "multiple_choice_grade: lengths[1]: -2 is not a positive length", input_error);
  const std::array<std::string_view, 2> with_empty{"yes", ""};
  CHECK_THROWS_WITH_AS((void)emergent::multiple_choice_grade(std::vector<double>{-1.0, -2.0}, with_empty, 0),
                       "multiple_choice_grade: choices[1]: 0 is not a positive length", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::multiple_choice_prediction(std::vector<double>{-1.0}, with_empty, length_unit::bytes),
                       "multiple_choice_prediction: choices: has 2 entries but log_likelihoods has 1", input_error);
}
