/// @file
/// @brief Differential testing: run a user's implementation of a metric and a trusted one (emergent's
///        built-in metric, the oracle) on the same random inputs and report the first disagreement,
///        shrunk to a small input. The approach of rapidfuzz-cpp's fuzz tests and of McKeeman (1998),
///        "Differential testing for software".
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "emergent/testing/property.hpp"
#include "emergent/testing/scoring_rule_properties.hpp"
#include "emergent/testing/sequence_properties.hpp"

namespace emergent::testing {

namespace detail {

/// Compares two results (each a value or an exception) and says how they differ, if they do.
template <class Mine, class Oracle>
std::optional<std::string> compare_calls(Mine&& mine, Oracle&& oracle, double tolerance) {
  double a = 0.0;
  double b = 0.0;
  std::optional<std::string> error_a;
  std::optional<std::string> error_b;
  try {
    a = mine();
  } catch (...) {
    error_a = describe_exception(std::current_exception());
  }
  try {
    b = oracle();
  } catch (...) {
    error_b = describe_exception(std::current_exception());
  }
  if (error_a && error_b) return std::nullopt;  // both reject the input
  if (error_a) return "implementation " + *error_a + " but the oracle returned " + format_number(b);
  if (error_b) return "implementation returned " + format_number(a) + " but the oracle " + *error_b;
  if (std::isnan(a) && std::isnan(b)) return std::nullopt;
  if (!close(a, b, tolerance)) return "implementation returned " + format_number(a) + " but the oracle " + format_number(b);
  return std::nullopt;
}

}  // namespace detail

/// Runs `implementation(prediction, reference)` and `oracle(prediction, reference)` (both sequence
/// metrics, called with `Sequence`s as in the property checks) on random pairs and reports the first
/// pair on which they differ by more than the tolerance (or on which only one of them throws),
/// shrunk. Both throwing is agreement.
template <class Sequence = symbol_sequence, class Implementation, class Oracle>
[[nodiscard]] property_report check_agreement(Implementation implementation, Oracle oracle,
                                              const check_options& options = {}) {
  return check_property(
      "agrees with the oracle", options, [&](detail::rng& r, std::size_t) { return detail::random_sequences(r, options, 2); },
      [&](const detail::sequences_case& c) {
        const Sequence p = detail::make_sequence<Sequence>(c.sequences[0]);
        const Sequence q = detail::make_sequence<Sequence>(c.sequences[1]);
        return detail::compare_calls([&] { return static_cast<double>(implementation(p, q)); },
                                     [&] { return static_cast<double>(oracle(p, q)); }, options.tolerance);
      },
      [](const detail::sequences_case& c) { return detail::shrink_sequences(c, false); },
      [](const detail::sequences_case& c, const std::string&) {
        return detail::sequences_example(c, {"prediction", "reference"});
      });
}

/// Differential test of two binary probabilistic metrics `f(q, outcome)`: random q in [0, 1]
/// (endpoints included) and outcomes 0 and 1; the first disagreement is shrunk to a rounder q.
template <class Implementation, class Oracle>
[[nodiscard]] property_report check_agreement_binary(Implementation implementation, Oracle oracle,
                                                     const check_options& options = {}) {
  struct binary_input {
    double q;
    int outcome;
  };
  return check_property(
      "agrees with the oracle (binary)", options,
      [](detail::rng& r, std::size_t i) {
        const double edges[] = {0.0, 1.0, 0.5};
        return binary_input{i < 6 ? edges[i / 2] : r.uniform(), static_cast<int>(i < 6 ? i % 2 : r.below(2))};
      },
      [&](const binary_input& c) {
        return detail::compare_calls([&] { return static_cast<double>(implementation(c.q, c.outcome)); },
                                     [&] { return static_cast<double>(oracle(c.q, c.outcome)); }, options.tolerance);
      },
      [](const binary_input& c) {
        std::vector<binary_input> out;
        for (const double q : detail::simpler_probabilities(c.q)) out.push_back({q, c.outcome});
        return out;
      },
      [](const binary_input& c, const std::string&) {
        counterexample ex;
        ex.probability_names = {"q", "outcome"};
        ex.probabilities = {{c.q}, {static_cast<double>(c.outcome)}};
        return ex;
      });
}

/// Differential test of two multi-class probabilistic metrics `f(q, label)` (q a
/// `std::vector<double>`, label a `std::size_t`): random distributions over 2 .. max_classes
/// classes (Dirichlet, some one-hot or with zeros), every label; the first disagreement is shrunk
/// to fewer classes and rounder probabilities.
template <class Implementation, class Oracle>
[[nodiscard]] property_report check_agreement_multiclass(Implementation implementation, Oracle oracle,
                                                         std::size_t max_classes = 5, const check_options& options = {}) {
  struct multiclass_input {
    std::vector<double> q;
    std::size_t label;
  };
  max_classes = std::max<std::size_t>(max_classes, 2);
  return check_property(
      "agrees with the oracle (multi-class)", options,
      [&](detail::rng& r, std::size_t) {
        const std::size_t k = 2 + static_cast<std::size_t>(r.below(max_classes - 1));
        std::vector<double> q = detail::random_distribution(r, k);
        if (r.below(6) == 0) {
          std::fill(q.begin(), q.end(), 0.0);
          q[static_cast<std::size_t>(r.below(k))] = 1.0;
        }
        return multiclass_input{q, static_cast<std::size_t>(r.below(k))};
      },
      [&](const multiclass_input& c) {
        return detail::compare_calls([&] { return static_cast<double>(implementation(c.q, c.label)); },
                                     [&] { return static_cast<double>(oracle(c.q, c.label)); }, options.tolerance);
      },
      [](const multiclass_input& c) {
        std::vector<multiclass_input> out;
        const std::size_t k = c.q.size();
        if (k > 2) {
          for (std::size_t drop = 0; drop < k; ++drop) {
            if (drop == c.label) continue;
            std::vector<double> q;
            double sum = 0.0;
            for (std::size_t j = 0; j < k; ++j) {
              if (j != drop) {
                q.push_back(c.q[j]);
                sum += c.q[j];
              }
            }
            if (sum <= 0.0) continue;
            for (double& v : q) v /= sum;
            out.push_back({q, c.label - (drop < c.label ? 1 : 0)});
          }
        }
        for (const double d : {2.0, 4.0, 10.0, 100.0}) {
          std::vector<double> q = detail::round_distribution(c.q, d);
          if (q != c.q) out.push_back({q, c.label});
        }
        if (c.label > 0) out.push_back({c.q, 0});
        return out;
      },
      [](const multiclass_input& c, const std::string&) {
        counterexample ex;
        ex.probability_names = {"q", "label"};
        ex.probabilities = {c.q, {static_cast<double>(c.label)}};
        return ex;
      });
}

}  // namespace emergent::testing
