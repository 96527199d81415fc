/// @file
/// @brief Ready-made property checks for a metric that scores one predicted token sequence against
///        one reference (exact match, edit distance, a partial-credit score, ...): bounds, the score of
///        a perfect prediction, symmetry and the triangle inequality for distances, monotonicity under
///        fixing a wrong token, finiteness, and invariance of aggregates to the order of examples.
///
/// The metric is any callable `metric(prediction, reference)` returning a number, where both
/// arguments are of the type `Sequence` (by default `std::vector<int>`; `std::string`,
/// `std::vector<char>`, `std::u32string` and `std::vector<std::string>` work too: symbol s becomes
/// the token `s`, a one-byte character from a-z, A-Z, 0-9, a wider character `'a' + s`, or the
/// string `"t<s>"`).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "emergent/testing/property.hpp"

namespace emergent::testing {

/// Which end of a metric's range is good.
enum class better {
  higher,  ///< larger scores are better (accuracy, similarity, log-likelihood)
  lower,   ///< smaller scores are better (distances, losses, Brier score)
};

/// What a metric declares about itself; the checks hold it to these claims.
struct metric_spec {
  double min_value = 0.0;             ///< smallest value the metric can take (use -infinity when unbounded)
  double max_value = 1.0;             ///< largest value the metric can take (use +infinity when unbounded)
  better direction = better::higher;  ///< whether higher or lower scores are better
  bool distance = false;              ///< true when the metric claims to be a distance (symmetric, triangle inequality)

  /// The best value the metric can take: `max_value` when higher is better, else `min_value`.
  [[nodiscard]] double best() const noexcept { return direction == better::higher ? max_value : min_value; }
  /// True when score `a` is strictly better than score `b` by more than `tolerance` (absolute plus relative).
  [[nodiscard]] bool strictly_better(double a, double b, double tolerance) const noexcept {
    const double slack = tolerance * (1.0 + std::fmax(std::fabs(a), std::fabs(b)));
    return direction == better::higher ? a > b + slack : a < b - slack;
  }
};

namespace detail {

template <class T>
inline constexpr bool is_char_like_v = std::is_same_v<T, char> || std::is_same_v<T, char8_t> ||
                                       std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t> ||
                                       std::is_same_v<T, wchar_t>;

/// How many distinct symbols a token type can represent through `make_sequence`: 62 for one-byte
/// characters (a-z, A-Z, 0-9), unlimited (as far as an int goes) otherwise.
template <class Token>
constexpr int symbol_capacity() noexcept {
  if constexpr (is_char_like_v<Token> && sizeof(Token) == 1) {
    return 62;
  } else {
    return 1 << 30;
  }
}

/// Converts generated symbol ids into the metric's own sequence type: integers as themselves,
/// one-byte characters as a-z, A-Z, 0-9 (symbols 0-61), wider characters as 'a' + symbol, and
/// strings as "t<symbol>".
template <class Sequence>
Sequence make_sequence(const symbol_sequence& symbols) {
  using token = typename Sequence::value_type;
  Sequence out;
  for (const int s : symbols) {
    if constexpr (is_char_like_v<token> && sizeof(token) == 1) {
      out.push_back(static_cast<token>(s < 26 ? 'a' + s : (s < 52 ? 'A' + (s - 26) : '0' + (s - 52))));
    } else if constexpr (is_char_like_v<token>) {
      out.push_back(static_cast<token>('a' + s));
    } else if constexpr (std::is_arithmetic_v<token>) {
      out.push_back(static_cast<token>(s));
    } else {
      out.push_back(token("t" + std::to_string(s)));
    }
  }
  return out;
}

/// Calls a sequence metric on symbol ids and returns its value as a double.
template <class Sequence, class Metric>
double call_metric(Metric& metric, const symbol_sequence& prediction, const symbol_sequence& reference) {
  const Sequence p = make_sequence<Sequence>(prediction);
  const Sequence r = make_sequence<Sequence>(reference);
  return static_cast<double>(metric(p, r));
}

/// A case of the sequence checks: some token sequences and, for the monotonicity check, the
/// position of the wrong token that gets fixed.
struct sequences_case {
  std::vector<symbol_sequence> sequences;
  std::size_t position = 0;
};

inline symbol_sequence random_sequence(rng& random, const check_options& options) {
  const int alphabet = std::clamp(options.alphabet, 1, 62);
  // One case in eight is empty: empty sequences are where metrics divide by zero.
  const std::size_t length = random.below(8) == 0 ? 0 : static_cast<std::size_t>(random.below(options.max_length + 1));
  symbol_sequence s(length);
  for (int& t : s) t = random.between(0, alphabet - 1);
  return s;
}

/// A random edit of `s`: a few substitutions, insertions and deletions, so that generated pairs are
/// often similar (most of the interesting behaviour of a metric is near a perfect prediction).
inline symbol_sequence mutate(rng& random, symbol_sequence s, const check_options& options) {
  const int alphabet = std::clamp(options.alphabet, 1, 62);
  const std::size_t edits = random.below(3);
  for (std::size_t e = 0; e < edits; ++e) {
    const std::uint64_t kind = random.below(3);
    if (kind == 0 && !s.empty()) {
      s[random.below(s.size())] = random.between(0, alphabet - 1);
    } else if (kind == 1 && s.size() < options.max_length) {
      s.insert(s.begin() + static_cast<std::ptrdiff_t>(random.below(s.size() + 1)), random.between(0, alphabet - 1));
    } else if (!s.empty()) {
      s.erase(s.begin() + static_cast<std::ptrdiff_t>(random.below(s.size())));
    }
  }
  return s;
}

/// `count` sequences, each either independent or an edit of the first one (half the time).
inline sequences_case random_sequences(rng& random, const check_options& options, std::size_t count) {
  sequences_case c;
  c.sequences.push_back(random_sequence(random, options));
  for (std::size_t k = 1; k < count; ++k) {
    c.sequences.push_back(random.below(2) == 0 ? random_sequence(random, options)
                                               : mutate(random, c.sequences.front(), options));
  }
  return c;
}

/// Simpler variants of a case, simplest first: empty a sequence, delete half of it, delete one
/// token, then lower one symbol to 0 or by one. When `aligned`, sequences 0 and 1 share positions
/// (a prediction aligned with its reference) and deletions apply to both, keeping `position` valid.
inline std::vector<sequences_case> shrink_sequences(const sequences_case& c, bool aligned) {
  std::vector<sequences_case> out;
  if (aligned) {
    const std::size_t n = c.sequences[0].size();
    for (std::size_t j = 0; j < n; ++j) {
      if (j == c.position) continue;
      sequences_case d = c;
      for (std::size_t k = 0; k < 2; ++k) d.sequences[k].erase(d.sequences[k].begin() + static_cast<std::ptrdiff_t>(j));
      if (j < c.position) --d.position;
      out.push_back(std::move(d));
    }
    // Pairs of positions: deleting one token at a time can get stuck where a property depends on a
    // count's parity or on a balance between two tokens.
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        if (i == c.position || j == c.position) continue;
        sequences_case d = c;
        for (std::size_t k = 0; k < 2; ++k) {
          d.sequences[k].erase(d.sequences[k].begin() + static_cast<std::ptrdiff_t>(j));
          d.sequences[k].erase(d.sequences[k].begin() + static_cast<std::ptrdiff_t>(i));
        }
        d.position -= (i < c.position ? 1 : 0) + (j < c.position ? 1 : 0);
        out.push_back(std::move(d));
      }
    }
  } else {
    // Column j deleted from every sequence that has it: keeps equal sequences equal.
    std::size_t longest = 0;
    for (const auto& s : c.sequences) longest = std::max(longest, s.size());
    if (c.sequences.size() > 1) {
      for (std::size_t j = 0; j < longest; ++j) {
        sequences_case d = c;
        for (auto& s : d.sequences) {
          if (j < s.size()) s.erase(s.begin() + static_cast<std::ptrdiff_t>(j));
        }
        out.push_back(std::move(d));
      }
    }
    for (std::size_t k = 0; k < c.sequences.size(); ++k) {
      const std::size_t n = c.sequences[k].size();
      if (n == 0) continue;
      for (std::size_t j = 0; j + 1 < n; ++j) {
        sequences_case two = c;
        two.sequences[k].erase(two.sequences[k].begin() + static_cast<std::ptrdiff_t>(j),
                               two.sequences[k].begin() + static_cast<std::ptrdiff_t>(j + 2));
        out.push_back(std::move(two));
      }
      sequences_case d = c;
      d.sequences[k].clear();
      out.push_back(std::move(d));
      if (n >= 4) {
        for (std::size_t half = 0; half < 2; ++half) {
          sequences_case h = c;
          auto& s = h.sequences[k];
          if (half == 0) {
            s.erase(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n / 2));
          } else {
            s.erase(s.begin() + static_cast<std::ptrdiff_t>(n / 2), s.end());
          }
          out.push_back(std::move(h));
        }
      }
      for (std::size_t j = 0; j < n; ++j) {
        sequences_case e = c;
        e.sequences[k].erase(e.sequences[k].begin() + static_cast<std::ptrdiff_t>(j));
        out.push_back(std::move(e));
      }
    }
  }
  for (std::size_t k = 0; k < c.sequences.size(); ++k) {
    for (std::size_t j = 0; j < c.sequences[k].size(); ++j) {
      const int v = c.sequences[k][j];
      if (v <= 0) continue;
      sequences_case z = c;
      z.sequences[k][j] = 0;
      out.push_back(std::move(z));
      if (v > 1) {
        sequences_case m = c;
        m.sequences[k][j] = v - 1;
        out.push_back(std::move(m));
      }
    }
  }
  return out;
}

inline counterexample sequences_example(const sequences_case& c, std::vector<std::string> names,
                                        std::vector<double> values = {}) {
  counterexample ex;
  ex.names = std::move(names);
  ex.sequences = c.sequences;
  ex.values = std::move(values);
  return ex;
}

inline std::string fmt(double v) { return format_number(v); }

}  // namespace detail

/// Checks that every score lies within [spec.min_value, spec.max_value] and is not NaN, on random
/// (prediction, reference) pairs including empty ones.
template <class Sequence = symbol_sequence, class Metric>
[[nodiscard]] property_report check_bounds(Metric metric, const metric_spec& spec, const check_options& options = {}) {
  return check_property(
      "bounds [" + detail::fmt(spec.min_value) + ", " + detail::fmt(spec.max_value) + "]", options,
      [&](detail::rng& r, std::size_t) { return detail::random_sequences(r, options, 2); },
      [&](const detail::sequences_case& c) -> std::optional<std::string> {
        const double v = detail::call_metric<Sequence>(metric, c.sequences[0], c.sequences[1]);
        if (std::isnan(v) || v < spec.min_value || v > spec.max_value) {
          return "m(prediction, reference) = " + detail::fmt(v) + " is outside [" + detail::fmt(spec.min_value) + ", " +
                 detail::fmt(spec.max_value) + "]";
        }
        return std::nullopt;
      },
      [](const detail::sequences_case& c) { return detail::shrink_sequences(c, false); },
      [](const detail::sequences_case& c, const std::string&) {
        return detail::sequences_example(c, {"prediction", "reference"});
      });
}

/// Checks that a perfect prediction gets the best score: m(r, r) equals `spec.best()` for every
/// reference r, and no prediction scores better than the perfect one on the same reference.
template <class Sequence = symbol_sequence, class Metric>
[[nodiscard]] property_report check_perfect_prediction(Metric metric, const metric_spec& spec,
                                                       const check_options& options = {}) {
  return check_property(
      "perfect prediction gets the best score", options,
      [&](detail::rng& r, std::size_t) { return detail::random_sequences(r, options, 2); },
      [&](const detail::sequences_case& c) -> std::optional<std::string> {
        const double perfect = detail::call_metric<Sequence>(metric, c.sequences[1], c.sequences[1]);
        if (!detail::close(perfect, spec.best(), options.tolerance)) {
          return "m(reference, reference) = " + detail::fmt(perfect) + " but the best score is " + detail::fmt(spec.best());
        }
        const double v = detail::call_metric<Sequence>(metric, c.sequences[0], c.sequences[1]);
        if (spec.strictly_better(v, perfect, options.tolerance)) {
          return "m(prediction, reference) = " + detail::fmt(v) + " is better than the perfect score " + detail::fmt(perfect);
        }
        return std::nullopt;
      },
      [](const detail::sequences_case& c) { return detail::shrink_sequences(c, false); },
      [](const detail::sequences_case& c, const std::string&) {
        return detail::sequences_example(c, {"prediction", "reference"});
      });
}

/// Checks symmetry, m(a, b) = m(b, a) within the tolerance, as a distance must satisfy.
template <class Sequence = symbol_sequence, class Metric>
[[nodiscard]] property_report check_symmetry(Metric metric, const check_options& options = {}) {
  return check_property(
      "symmetry", options, [&](detail::rng& r, std::size_t) { return detail::random_sequences(r, options, 2); },
      [&](const detail::sequences_case& c) -> std::optional<std::string> {
        const double ab = detail::call_metric<Sequence>(metric, c.sequences[0], c.sequences[1]);
        const double ba = detail::call_metric<Sequence>(metric, c.sequences[1], c.sequences[0]);
        if (!detail::close(ab, ba, options.tolerance)) {
          return "m(a, b) = " + detail::fmt(ab) + " but m(b, a) = " + detail::fmt(ba);
        }
        return std::nullopt;
      },
      [](const detail::sequences_case& c) { return detail::shrink_sequences(c, false); },
      [](const detail::sequences_case& c, const std::string&) { return detail::sequences_example(c, {"a", "b"}); });
}

/// Checks the triangle inequality m(a, c) <= m(a, b) + m(b, c) (within the tolerance), as a
/// distance (lower is better) must satisfy.
template <class Sequence = symbol_sequence, class Metric>
[[nodiscard]] property_report check_triangle_inequality(Metric metric, const check_options& options = {}) {
  return check_property(
      "triangle inequality", options, [&](detail::rng& r, std::size_t) { return detail::random_sequences(r, options, 3); },
      [&](const detail::sequences_case& c) -> std::optional<std::string> {
        const double ac = detail::call_metric<Sequence>(metric, c.sequences[0], c.sequences[2]);
        const double ab = detail::call_metric<Sequence>(metric, c.sequences[0], c.sequences[1]);
        const double bc = detail::call_metric<Sequence>(metric, c.sequences[1], c.sequences[2]);
        if (std::isnan(ac) || std::isnan(ab) || std::isnan(bc) ||
            ac > ab + bc + options.tolerance * (1.0 + std::fabs(ab + bc))) {
          return "m(a, c) = " + detail::fmt(ac) + " > m(a, b) + m(b, c) = " + detail::fmt(ab) + " + " + detail::fmt(bc);
        }
        return std::nullopt;
      },
      [](const detail::sequences_case& c) { return detail::shrink_sequences(c, false); },
      [](const detail::sequences_case& c, const std::string&) { return detail::sequences_example(c, {"a", "b", "c"}); });
}

/// Checks monotonicity: in a prediction aligned token by token with its reference, fixing one more
/// wrong token (setting it to the reference's token) never makes the score worse.
template <class Sequence = symbol_sequence, class Metric>
[[nodiscard]] property_report check_monotone(Metric metric, const metric_spec& spec, const check_options& options = {}) {
  const auto generate = [&](detail::rng& r, std::size_t) {
    detail::sequences_case c;
    const int alphabet = std::clamp(options.alphabet, 2, 62);
    const std::size_t n = 1 + static_cast<std::size_t>(r.below(std::max<std::size_t>(options.max_length, 1)));
    symbol_sequence reference(n);
    for (int& t : reference) t = r.between(0, alphabet - 1);
    symbol_sequence prediction = reference;
    c.position = static_cast<std::size_t>(r.below(n));
    for (std::size_t j = 0; j < n; ++j) {
      if (j == c.position || r.below(3) == 0) prediction[j] = (reference[j] + r.between(1, alphabet - 1)) % alphabet;
    }
    c.sequences = {prediction, reference};
    return c;
  };
  return check_property(
      "monotone (fixing a wrong token never hurts)", options, generate,
      [&](const detail::sequences_case& c) -> std::optional<std::string> {
        const auto& prediction = c.sequences[0];
        const auto& reference = c.sequences[1];
        if (prediction.size() != reference.size() || c.position >= prediction.size() ||
            prediction[c.position] == reference[c.position]) {
          return std::nullopt;  // outside the property's domain (a shrunk case that lost its wrong token)
        }
        symbol_sequence fixed = prediction;
        fixed[c.position] = reference[c.position];
        const double before = detail::call_metric<Sequence>(metric, prediction, reference);
        const double after = detail::call_metric<Sequence>(metric, fixed, reference);
        if (std::isnan(after) || spec.strictly_better(before, after, options.tolerance)) {
          return "fixing token " + std::to_string(c.position) + " changes the score from " + detail::fmt(before) + " to " +
                 detail::fmt(after) + " (worse)";
        }
        return std::nullopt;
      },
      [](const detail::sequences_case& c) { return detail::shrink_sequences(c, true); },
      [](const detail::sequences_case& c, const std::string&) {
        return detail::sequences_example(c, {"prediction", "reference"});
      });
}

/// Checks that the metric returns a finite number (no NaN, no infinity) on every valid input,
/// including empty predictions and references, and that it does not throw on valid input.
template <class Sequence = symbol_sequence, class Metric>
[[nodiscard]] property_report check_finite(Metric metric, const check_options& options = {}) {
  return check_property(
      "finite on valid input", options, [&](detail::rng& r, std::size_t) { return detail::random_sequences(r, options, 2); },
      [&](const detail::sequences_case& c) -> std::optional<std::string> {
        const double v = detail::call_metric<Sequence>(metric, c.sequences[0], c.sequences[1]);
        if (!std::isfinite(v)) return "m(prediction, reference) = " + detail::fmt(v);
        return std::nullopt;
      },
      [](const detail::sequences_case& c) { return detail::shrink_sequences(c, false); },
      [](const detail::sequences_case& c, const std::string&) {
        return detail::sequences_example(c, {"prediction", "reference"});
      });
}

/// Checks that an aggregate over examples does not depend on their order: `aggregate(predictions,
/// references)` (two `std::vector<Sequence>` of equal length) gives the same value, within the
/// tolerance, when the examples are reversed or rotated by one.
template <class Sequence = symbol_sequence, class Aggregate>
[[nodiscard]] property_report check_order_invariance(Aggregate aggregate, const check_options& options = {}) {
  // Sequences 2k and 2k+1 of a case are the prediction and reference of example k.
  const auto generate = [&](detail::rng& r, std::size_t) {
    detail::sequences_case c;
    const std::size_t examples = 2 + static_cast<std::size_t>(r.below(5));
    for (std::size_t k = 0; k < examples; ++k) {
      detail::sequences_case pair = detail::random_sequences(r, options, 2);
      c.sequences.push_back(pair.sequences[1]);
      c.sequences.push_back(pair.sequences[0]);
    }
    return c;
  };
  const auto evaluate = [&](const std::vector<std::size_t>& order, const detail::sequences_case& c) {
    std::vector<Sequence> predictions;
    std::vector<Sequence> references;
    for (const std::size_t k : order) {
      predictions.push_back(detail::make_sequence<Sequence>(c.sequences[2 * k]));
      references.push_back(detail::make_sequence<Sequence>(c.sequences[2 * k + 1]));
    }
    return static_cast<double>(aggregate(predictions, references));
  };
  const auto shrink = [](const detail::sequences_case& c) {
    std::vector<detail::sequences_case> out;
    const std::size_t examples = c.sequences.size() / 2;
    if (examples > 2) {
      for (std::size_t k = 0; k < examples; ++k) {
        detail::sequences_case d = c;
        d.sequences.erase(d.sequences.begin() + static_cast<std::ptrdiff_t>(2 * k),
                          d.sequences.begin() + static_cast<std::ptrdiff_t>(2 * k + 2));
        out.push_back(std::move(d));
      }
    }
    // Shrink one example at a time as a pair: clear both sides, or delete the same position from both
    // (keeps a correct example correct).
    for (std::size_t k = 0; k < examples; ++k) {
      auto& prediction = c.sequences[2 * k];
      auto& reference = c.sequences[2 * k + 1];
      if (!prediction.empty() || !reference.empty()) {
        detail::sequences_case d = c;
        d.sequences[2 * k].clear();
        d.sequences[2 * k + 1].clear();
        out.push_back(std::move(d));
      }
      for (std::size_t j = 0; j < std::max(prediction.size(), reference.size()); ++j) {
        detail::sequences_case d = c;
        for (std::size_t side = 2 * k; side < 2 * k + 2; ++side) {
          auto& s = d.sequences[side];
          if (j < s.size()) s.erase(s.begin() + static_cast<std::ptrdiff_t>(j));
        }
        out.push_back(std::move(d));
      }
    }
    for (auto& d : detail::shrink_sequences(c, false)) out.push_back(std::move(d));
    return out;
  };
  return check_property(
      "invariance to the order of examples", options, generate,
      [&](const detail::sequences_case& c) -> std::optional<std::string> {
        const std::size_t n = c.sequences.size() / 2;
        std::vector<std::size_t> order(n);
        for (std::size_t k = 0; k < n; ++k) order[k] = k;
        const double original = evaluate(order, c);
        std::vector<std::size_t> reversed(order.rbegin(), order.rend());
        const double backwards = evaluate(reversed, c);
        if (!detail::close(original, backwards, options.tolerance)) {
          return "aggregate = " + detail::fmt(original) + " in the given order but " + detail::fmt(backwards) + " reversed";
        }
        std::rotate(order.begin(), order.begin() + 1, order.end());
        const double rotated = evaluate(order, c);
        if (!detail::close(original, rotated, options.tolerance)) {
          return "aggregate = " + detail::fmt(original) + " in the given order but " + detail::fmt(rotated) +
                 " rotated by one";
        }
        return std::nullopt;
      },
      shrink,
      [](const detail::sequences_case& c, const std::string&) {
        counterexample ex;
        for (std::size_t k = 0; 2 * k + 1 < c.sequences.size(); ++k) {
          ex.names.push_back("prediction " + std::to_string(k));
          ex.sequences.push_back(c.sequences[2 * k]);
          ex.names.push_back("reference " + std::to_string(k));
          ex.sequences.push_back(c.sequences[2 * k + 1]);
        }
        return ex;
      });
}

/// Runs every check that applies to a per-example sequence metric with the given claims: finite,
/// bounds, perfect prediction, monotone, and (when `spec.distance`) symmetry and the triangle
/// inequality. Returns one report per property, in that order.
template <class Sequence = symbol_sequence, class Metric>
[[nodiscard]] std::vector<property_report> check_sequence_metric(Metric metric, const metric_spec& spec,
                                                                 const check_options& options = {}) {
  std::vector<property_report> reports;
  reports.push_back(check_finite<Sequence>(metric, options));
  reports.push_back(check_bounds<Sequence>(metric, spec, options));
  reports.push_back(check_perfect_prediction<Sequence>(metric, spec, options));
  reports.push_back(check_monotone<Sequence>(metric, spec, options));
  if (spec.distance) {
    reports.push_back(check_symmetry<Sequence>(metric, options));
    reports.push_back(check_triangle_inequality<Sequence>(metric, options));
  }
  return reports;
}

/// True when every report in `reports` passed.
[[nodiscard]] inline bool all_passed(const std::vector<property_report>& reports) noexcept {
  return std::all_of(reports.begin(), reports.end(), [](const property_report& r) { return r.passed; });
}

}  // namespace emergent::testing
