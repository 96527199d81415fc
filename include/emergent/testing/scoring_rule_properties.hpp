/// @file
/// @brief Property checks for a probabilistic scoring rule (Brier score, log loss, a user's own):
///        properness, checked numerically; finite values on valid input; bounds; and a clean
///        `emergent::input_error` on invalid probabilities and labels.
///
/// A binary rule is a callable `score(q, outcome)` with q the predicted probability of outcome 1
/// (a double) and outcome 0 or 1 (an int). A multi-class rule is a callable `score(q, label)` with q
/// a `std::vector<double>` of class probabilities (it converts to `std::span<const double>`) and
/// label a `std::size_t`.
///
/// Properness (Gneiting & Raftery 2007, "Strictly proper scoring rules, prediction, and
/// estimation"): a rule S is proper when, for every true distribution p, the expected score
/// E_p[S(q, Y)] = sum_j p_j S(q, j) is optimised at q = p. The check draws true distributions p at
/// random and compares E_p[S(p, Y)] with E_p[S(q, Y)] over a grid of forecasts q.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emergent/testing/property.hpp"
#include "emergent/testing/sequence_properties.hpp"

namespace emergent::testing {

/// What a probabilistic scoring rule declares about itself.
struct scoring_rule_spec {
  double min_value = 0.0;                  ///< smallest value the rule can take
  double max_value = 1.0;                  ///< largest value the rule can take (+infinity for log loss)
  better direction = better::lower;        ///< losses (Brier, log loss) are better when lower
  bool infinite_at_certain_error = false;  ///< true when the rule is infinite where it gives the outcome probability 0 (log loss)
  std::size_t max_classes = 5;             ///< multi-class checks use 2 .. max_classes classes
};

/// One invalid input and the call that must reject it; used by `check_throws_input_error`.
struct invalid_input {
  std::string description;      ///< the input in words, e.g. "q = 1.5"
  std::function<void()> call;   ///< calls the metric on the input (its result is ignored)
};

namespace detail {

/// Expected score of forecast q under the true distribution p: sum_j p_j S(q, j), skipping the
/// classes with p_j = 0 (so that an infinite score on an impossible class does not give NaN).
template <class Score>
double expected_score_binary(Score& score, double p, double q) {
  double e = 0.0;
  if (p > 0.0) e += p * static_cast<double>(score(q, 1));
  if (p < 1.0) e += (1.0 - p) * static_cast<double>(score(q, 0));
  return e;
}

template <class Score>
double expected_score(Score& score, const std::vector<double>& p, const std::vector<double>& q) {
  double e = 0.0;
  for (std::size_t j = 0; j < p.size(); ++j) {
    if (p[j] > 0.0) e += p[j] * static_cast<double>(score(q, j));
  }
  return e;
}

/// Rounds probabilities to multiples of 1/denominator keeping the sum 1 (the largest entry absorbs
/// the rounding error); used to shrink probability counterexamples to readable ones.
inline std::vector<double> round_distribution(const std::vector<double>& p, double denominator) {
  std::vector<double> out(p.size());
  double sum = 0.0;
  for (std::size_t j = 0; j < p.size(); ++j) {
    out[j] = std::round(p[j] * denominator) / denominator;
    sum += out[j];
  }
  const auto largest = static_cast<std::size_t>(std::max_element(out.begin(), out.end()) - out.begin());
  out[largest] += 1.0 - sum;
  if (out[largest] < 0.0) return p;
  return out;
}

/// Simpler binary probabilities than p, simplest first.
inline std::vector<double> simpler_probabilities(double p) {
  std::vector<double> out;
  for (const double d : {2.0, 4.0, 10.0, 20.0, 100.0}) {
    const double r = std::round(p * d) / d;
    if (r != p && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  return out;
}

/// Random distribution over k classes: Dirichlet(1, ..., 1), sometimes with a class of probability 0.
inline std::vector<double> random_distribution(rng& random, std::size_t k) {
  std::vector<double> p(k);
  double sum = 0.0;
  for (double& v : p) sum += (v = random.exponential());
  for (double& v : p) v /= sum;
  if (k > 2 && random.below(5) == 0) {
    const auto zero = static_cast<std::size_t>(random.below(k));
    const double removed = p[zero];
    p[zero] = 0.0;
    for (double& v : p) v /= (1.0 - removed);
  }
  return p;
}

/// Candidate forecasts q for the true distribution p: mixtures of p with each vertex and with the
/// uniform distribution, tempered versions p^a / sum p^a, and random distributions.
inline std::vector<std::vector<double>> candidate_forecasts(const std::vector<double>& p, std::uint64_t seed) {
  const std::size_t k = p.size();
  std::vector<std::vector<double>> out;
  for (std::size_t vertex = 0; vertex <= k; ++vertex) {
    for (int step = 1; step <= 20; ++step) {
      const double t = step / 20.0;
      std::vector<double> q(k);
      for (std::size_t j = 0; j < k; ++j) {
        const double target = vertex == k ? 1.0 / static_cast<double>(k) : (j == vertex ? 1.0 : 0.0);
        q[j] = (1.0 - t) * p[j] + t * target;
      }
      out.push_back(std::move(q));
    }
  }
  for (const double a : {0.25, 0.5, 0.8, 1.25, 2.0, 4.0}) {
    std::vector<double> q(k);
    double sum = 0.0;
    for (std::size_t j = 0; j < k; ++j) sum += (q[j] = p[j] > 0.0 ? std::pow(p[j], a) : 0.0);
    for (double& v : q) v /= sum;
    out.push_back(std::move(q));
  }
  rng random(seed);
  for (int i = 0; i < 40; ++i) out.push_back(random_distribution(random, k));
  return out;
}

struct binary_case {
  double p = 0.5;
};

struct multiclass_case {
  std::vector<double> p;
};

}  // namespace detail

/// Checks that a binary scoring rule is proper: for random true probabilities p (and simple ones
/// such as 0, 0.5, 1), the expected score p S(q, 1) + (1 - p) S(q, 0) at q = p is at least as good as
/// at every q on the grid 0, 0.01, ..., 1. The counterexample gives p and the q that beats it most.
template <class Score>
[[nodiscard]] property_report check_proper_binary(Score score, const scoring_rule_spec& spec,
                                                  const check_options& options = {}) {
  const metric_spec orientation{spec.min_value, spec.max_value, spec.direction, false};
  std::vector<double> grid;
  for (int i = 0; i <= 100; ++i) grid.push_back(i / 100.0);
  // The forecast that beats p most, remembered for the counterexample.
  double worst_q = 0.0;
  const auto violation = [&](double p) -> std::optional<std::string> {
    const double at_p = detail::expected_score_binary(score, p, p);
    std::optional<std::string> reason;
    double gain = 0.0;
    for (const double q : grid) {
      const double at_q = detail::expected_score_binary(score, p, q);
      if (orientation.strictly_better(at_q, at_p, options.tolerance) && std::fabs(at_q - at_p) > gain) {
        gain = std::fabs(at_q - at_p);
        worst_q = q;
        reason = "expected score at the true probability " + detail::fmt(at_p) + " is beaten by forecasting q = " +
                 detail::fmt(q) + ": " + detail::fmt(at_q);
      }
    }
    if (std::isnan(at_p)) reason = "expected score at the true probability is NaN";
    return reason;
  };
  return check_property(
      "proper scoring rule (binary)", options,
      [&](detail::rng& r, std::size_t i) {
        const double simple[] = {0.5, 0.0, 1.0, 0.1, 0.9};
        return detail::binary_case{i < 5 ? simple[i] : r.uniform()};
      },
      [&](const detail::binary_case& c) { return violation(c.p); },
      [](const detail::binary_case& c) {
        std::vector<detail::binary_case> out;
        for (const double p : detail::simpler_probabilities(c.p)) out.push_back({p});
        return out;
      },
      [&](const detail::binary_case& c, const std::string&) {
        (void)violation(c.p);  // recompute the best competing forecast for the final case
        counterexample ex;
        ex.probability_names = {"p (true)", "q"};
        ex.probabilities = {{c.p}, {worst_q}};
        ex.values = {detail::expected_score_binary(score, c.p, c.p), detail::expected_score_binary(score, c.p, worst_q)};
        return ex;
      });
}

/// Checks that a multi-class scoring rule is proper: for random true distributions p over 2 ..
/// spec.max_classes classes, the expected score sum_j p_j S(q, j) at q = p is at least as good as at
/// every candidate q (mixtures of p with each class's vertex and with the uniform distribution,
/// tempered p^a, random distributions). The counterexample gives p and the q that beats it most.
template <class Score>
[[nodiscard]] property_report check_proper_multiclass(Score score, const scoring_rule_spec& spec,
                                                      const check_options& options = {}) {
  const metric_spec orientation{spec.min_value, spec.max_value, spec.direction, false};
  std::vector<double> worst_q;
  const auto violation = [&](const std::vector<double>& p) -> std::optional<std::string> {
    const double at_p = detail::expected_score(score, p, p);
    if (std::isnan(at_p)) return std::string("expected score at the true distribution is NaN");
    std::optional<std::string> reason;
    double gain = 0.0;
    for (const auto& q : detail::candidate_forecasts(p, options.seed)) {
      const double at_q = detail::expected_score(score, p, q);
      if (orientation.strictly_better(at_q, at_p, options.tolerance) && std::fabs(at_q - at_p) > gain) {
        gain = std::fabs(at_q - at_p);
        worst_q = q;
        reason = "expected score at the true distribution " + detail::fmt(at_p) + " is beaten by forecasting q: " +
                 detail::fmt(at_q);
      }
    }
    return reason;
  };
  const std::size_t max_classes = std::max<std::size_t>(spec.max_classes, 2);
  return check_property(
      "proper scoring rule (multi-class)", options,
      [&](detail::rng& r, std::size_t) {
        return detail::multiclass_case{
            detail::random_distribution(r, 2 + static_cast<std::size_t>(r.below(max_classes - 1)))};
      },
      [&](const detail::multiclass_case& c) { return violation(c.p); },
      [](const detail::multiclass_case& c) {
        std::vector<detail::multiclass_case> out;
        const std::size_t k = c.p.size();
        if (k > 2) {
          for (std::size_t drop = 0; drop < k; ++drop) {
            std::vector<double> q;
            double sum = 0.0;
            for (std::size_t j = 0; j < k; ++j) {
              if (j != drop) {
                q.push_back(c.p[j]);
                sum += c.p[j];
              }
            }
            if (sum <= 0.0) continue;
            for (double& v : q) v /= sum;
            out.push_back({q});
          }
        }
        for (const double d : {2.0, 4.0, 10.0, 20.0, 100.0}) {
          std::vector<double> q = detail::round_distribution(c.p, d);
          if (q != c.p) out.push_back({q});
        }
        return out;
      },
      [&](const detail::multiclass_case& c, const std::string&) {
        (void)violation(c.p);
        counterexample ex;
        ex.probability_names = {"p (true)", "q"};
        ex.probabilities = {c.p, worst_q};
        ex.values = {detail::expected_score(score, c.p, c.p), detail::expected_score(score, c.p, worst_q)};
        return ex;
      });
}

/// Checks that a binary rule gives a finite value within [spec.min_value, spec.max_value] for every
/// q in [0, 1] (endpoints included) and outcome 0 or 1; when `spec.infinite_at_certain_error`, an
/// infinite value is accepted exactly where q gives the outcome probability 0.
template <class Score>
[[nodiscard]] property_report check_finite_binary(Score score, const scoring_rule_spec& spec,
                                                  const check_options& options = {}) {
  struct binary_input {
    double q;
    int outcome;
  };
  return check_property(
      "finite and within bounds on valid input (binary)", options,
      [&](detail::rng& r, std::size_t i) {
        const double edges[] = {0.0, 1.0, 0.5};
        return binary_input{i < 6 ? edges[i / 2] : r.uniform(), static_cast<int>(i < 6 ? i % 2 : r.below(2))};
      },
      [&](const binary_input& c) -> std::optional<std::string> {
        const double v = static_cast<double>(score(c.q, c.outcome));
        const bool certain_error = (c.outcome == 1 && c.q == 0.0) || (c.outcome == 0 && c.q == 1.0);
        if (std::isinf(v) && spec.infinite_at_certain_error && certain_error) return std::nullopt;
        if (!std::isfinite(v) || v < spec.min_value || v > spec.max_value) {
          return "S(q, outcome) = " + detail::fmt(v) + (std::isfinite(v) ? " is outside the declared bounds" : "");
        }
        return std::nullopt;
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

/// Checks that a multi-class rule gives a finite value within the declared bounds on random valid
/// distributions (including some with zero entries and one-hot ones) and every label; with
/// `spec.infinite_at_certain_error`, infinity is accepted where q gives the label probability 0.
template <class Score>
[[nodiscard]] property_report check_finite_multiclass(Score score, const scoring_rule_spec& spec,
                                                      const check_options& options = {}) {
  struct multiclass_input {
    std::vector<double> q;
    std::size_t label;
  };
  const std::size_t max_classes = std::max<std::size_t>(spec.max_classes, 2);
  return check_property(
      "finite and within bounds on valid input (multi-class)", options,
      [&](detail::rng& r, std::size_t) {
        const std::size_t k = 2 + static_cast<std::size_t>(r.below(max_classes - 1));
        std::vector<double> q = detail::random_distribution(r, k);
        if (r.below(6) == 0) {
          std::fill(q.begin(), q.end(), 0.0);
          q[static_cast<std::size_t>(r.below(k))] = 1.0;
        }
        return multiclass_input{q, static_cast<std::size_t>(r.below(k))};
      },
      [&](const multiclass_input& c) -> std::optional<std::string> {
        const double v = static_cast<double>(score(c.q, c.label));
        if (std::isinf(v) && spec.infinite_at_certain_error && c.q[c.label] == 0.0) return std::nullopt;
        if (!std::isfinite(v) || v < spec.min_value || v > spec.max_value) {
          return "S(q, label) = " + detail::fmt(v) + (std::isfinite(v) ? " is outside the declared bounds" : "");
        }
        return std::nullopt;
      },
      [](const multiclass_input& c) {
        std::vector<multiclass_input> out;
        for (const double d : {2.0, 4.0, 10.0}) {
          std::vector<double> q = detail::round_distribution(c.q, d);
          if (q != c.q) out.push_back({q, c.label});
        }
        return out;
      },
      [](const multiclass_input& c, const std::string&) {
        counterexample ex;
        ex.probability_names = {"q", "label"};
        ex.probabilities = {c.q, {static_cast<double>(c.label)}};
        return ex;
      });
}

/// Checks that an aggregate over binary forecasts, `aggregate(probabilities, outcomes)` (a
/// `std::vector<double>` and a `std::vector<int>` of equal length, at least 2), gives the same value
/// within the tolerance when the examples are reversed or rotated by one (a mean Brier score or log
/// loss must; a running average that weights late examples more does not). The counterexample is
/// shrunk to fewer examples and rounder probabilities.
template <class Aggregate>
[[nodiscard]] property_report check_order_invariance_binary(Aggregate aggregate, const check_options& options = {}) {
  struct examples {
    std::vector<double> p;
    std::vector<int> o;
  };
  const auto evaluate = [&](const examples& e) { return static_cast<double>(aggregate(e.p, e.o)); };
  return check_property(
      "invariance to the order of examples (binary forecasts)", options,
      [](detail::rng& r, std::size_t) {
        examples e;
        const std::size_t n = 2 + static_cast<std::size_t>(r.below(9));
        for (std::size_t i = 0; i < n; ++i) {
          e.p.push_back(r.below(4) == 0 ? static_cast<double>(r.below(2)) : r.uniform());
          e.o.push_back(static_cast<int>(r.below(2)));
        }
        return e;
      },
      [&](const examples& e) -> std::optional<std::string> {
        if (e.p.size() < 2) return std::nullopt;
        const double original = evaluate(e);
        examples reversed{std::vector<double>(e.p.rbegin(), e.p.rend()), std::vector<int>(e.o.rbegin(), e.o.rend())};
        const double backwards = evaluate(reversed);
        if (!detail::close(original, backwards, options.tolerance)) {
          return "aggregate = " + detail::fmt(original) + " in the given order but " + detail::fmt(backwards) + " reversed";
        }
        examples rotated = e;
        std::rotate(rotated.p.begin(), rotated.p.begin() + 1, rotated.p.end());
        std::rotate(rotated.o.begin(), rotated.o.begin() + 1, rotated.o.end());
        const double turned = evaluate(rotated);
        if (!detail::close(original, turned, options.tolerance)) {
          return "aggregate = " + detail::fmt(original) + " in the given order but " + detail::fmt(turned) + " rotated by one";
        }
        return std::nullopt;
      },
      [](const examples& e) {
        std::vector<examples> out;
        if (e.p.size() > 2) {
          for (std::size_t i = 0; i < e.p.size(); ++i) {
            examples d = e;
            d.p.erase(d.p.begin() + static_cast<std::ptrdiff_t>(i));
            d.o.erase(d.o.begin() + static_cast<std::ptrdiff_t>(i));
            out.push_back(std::move(d));
          }
        }
        for (std::size_t i = 0; i < e.p.size(); ++i) {
          for (const double q : detail::simpler_probabilities(e.p[i])) {
            examples d = e;
            d.p[i] = q;
            out.push_back(std::move(d));
          }
          if (e.o[i] != 0) {
            examples d = e;
            d.o[i] = 0;
            out.push_back(std::move(d));
          }
        }
        return out;
      },
      [](const examples& e, const std::string&) {
        counterexample ex;
        ex.probability_names = {"probabilities", "outcomes"};
        ex.probabilities = {e.p, std::vector<double>(e.o.begin(), e.o.end())};
        return ex;
      });
}

/// Checks that each of the given invalid inputs makes the metric throw `emergent::input_error`
/// (not another exception, not a value). The counterexample names the first input that did not.
[[nodiscard]] inline property_report check_throws_input_error(const std::vector<invalid_input>& inputs,
                                                              std::string property = "rejects invalid input") {
  check_options options;
  options.cases = inputs.size();
  return check_property(
      std::move(property), options, [](detail::rng&, std::size_t i) { return i; },
      [&](std::size_t i) -> std::optional<std::string> {
        try {
          inputs[i].call();
        } catch (const emergent::input_error&) {
          return std::nullopt;
        } catch (...) {
          return detail::describe_exception(std::current_exception()) + " instead of emergent::input_error";
        }
        return std::string("returned normally instead of throwing emergent::input_error");
      },
      [](std::size_t) { return std::vector<std::size_t>{}; },
      [&](std::size_t i, const std::string& reason) {
        counterexample ex;
        ex.reason = reason;
        ex.names = {};
        ex.values = {};
        ex.probability_names = {};
        ex.text = inputs[i].description;
        return ex;
      });
}

/// Checks that a binary rule rejects invalid input with `emergent::input_error`: q = -0.1, 1.5,
/// NaN, +infinity, -infinity (with outcome 1), and outcomes 2 and -1 (with q = 0.5).
template <class Score>
[[nodiscard]] property_report check_rejects_invalid_binary(Score score) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<invalid_input> inputs;
  for (const double q : {-0.1, 1.5, nan, inf, -inf}) {
    inputs.push_back({"q = " + detail::fmt(q) + ", outcome = 1", [score, q]() mutable { (void)score(q, 1); }});
  }
  for (const int outcome : {2, -1}) {
    inputs.push_back({"q = 0.5, outcome = " + std::to_string(outcome), [score, outcome]() mutable { (void)score(0.5, outcome); }});
  }
  return check_throws_input_error(inputs, "rejects invalid input (binary)");
}

/// Checks that a multi-class rule rejects invalid input with `emergent::input_error`: a negative
/// entry, an entry above 1, NaN, a vector summing to 0.7, an empty vector, and a label equal to the
/// number of classes.
template <class Score>
[[nodiscard]] property_report check_rejects_invalid_multiclass(Score score) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<invalid_input> inputs;
  const std::vector<std::pair<std::string, std::vector<double>>> bad = {
      {"q = [-0.1, 1.1], label = 0", {-0.1, 1.1}},
      {"q = [1.5, 0.2], label = 0", {1.5, 0.2}},
      {"q = [nan, 0.5], label = 0", {nan, 0.5}},
      {"q = [0.5, 0.2], label = 0 (sums to 0.7)", {0.5, 0.2}},
      {"q = [], label = 0", {}},
  };
  for (const auto& [description, q] : bad) {
    inputs.push_back({description, [score, q = q]() mutable { (void)score(q, std::size_t{0}); }});
  }
  inputs.push_back({"q = [0.5, 0.5], label = 2", [score]() mutable { (void)score(std::vector<double>{0.5, 0.5}, std::size_t{2}); }});
  return check_throws_input_error(inputs, "rejects invalid input (multi-class)");
}

}  // namespace emergent::testing
