/// @file
/// @brief The property-check engine of `emergent::testing`: seeded generation of cases, a report with
///        the first counterexample, and greedy shrinking of that counterexample to a small one. The
///        ready-made checks (sequence_properties.hpp, scoring_rule_properties.hpp) are built on it, and
///        users can write their own properties with `check_property`.
///
/// The approach is the one of QuickCheck (Claessen & Hughes 2000) and Hypothesis: generate random
/// inputs from a seed, stop at the first input on which the property fails, then repeatedly try
/// smaller variants of it (delete a token, lower a symbol, round a probability) and keep any variant
/// that still fails, until no variant fails.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "emergent/core/error.hpp"

namespace emergent::testing {

/// A token sequence as the checks generate and report it: each token is a small non-negative symbol
/// id (0, 1, 2, ...), converted to the metric's own token type when the metric is called.
using symbol_sequence = std::vector<int>;

/// Settings shared by every property check. The defaults run in milliseconds on metrics of the cost
/// of an edit distance and find the usual mistakes; raise `cases` for a more thorough search.
struct check_options {
  std::uint64_t seed = 20230428;       ///< seed of the generator: the same seed gives the same cases and report
  std::size_t cases = 300;             ///< number of generated cases tried before the property is declared to hold
  std::size_t max_length = 8;          ///< longest generated token sequence
  int alphabet = 4;                    ///< generated tokens are symbols 0 .. alphabet-1, at most 62 (a small alphabet makes collisions likely)
  std::size_t max_shrink_steps = 2000; ///< bound on the accepted plus rejected shrinking attempts
  double tolerance = 1e-9;             ///< absolute slack allowed in comparisons of scores (plus `tolerance` times their magnitude)
};

/// The first input on which a property failed, after shrinking, as data and as text.
struct counterexample {
  std::vector<std::string> names;                    ///< what each entry of `sequences` is ("prediction", "reference", ...)
  std::vector<symbol_sequence> sequences;            ///< the token sequences involved, as symbol ids
  std::vector<std::string> probability_names;        ///< what each entry of `probabilities` is ("p (true)", "q", ...)
  std::vector<std::vector<double>> probabilities;    ///< probability vectors or scalars involved (a scalar is a vector of one)
  std::vector<double> values;                        ///< metric values observed on this input, in the order the message cites them
  std::string reason;                                ///< why the property fails on this input, e.g. `m(a, b) = 1 but m(b, a) = 2`
  std::string text;                                  ///< the whole counterexample rendered on one or more lines (input, then reason)
};

/// The outcome of one property check. Converts to `true` when the property held on every case.
struct property_report {
  std::string property;                    ///< name of the property checked, e.g. "symmetry"
  bool passed = true;                      ///< true when no generated case violated the property
  std::size_t cases_tried = 0;             ///< cases generated and checked (up to and including the first failure)
  std::size_t shrink_steps = 0;            ///< shrinking candidates that still failed and were adopted
  std::optional<counterexample> example;   ///< the shrunk counterexample when the property failed
  std::string note;                        ///< extra information (for example why a property was skipped)

  /// True when the property held.
  explicit operator bool() const noexcept { return passed; }

  /// One paragraph for people: `symmetry: passed (300 cases)` or `symmetry: FAILED after 12 cases
  /// (shrunk in 5 steps)` followed by the counterexample's text.
  [[nodiscard]] std::string describe() const {
    std::string out = property;
    if (passed) {
      out += ": passed (" + std::to_string(cases_tried) + " cases)";
    } else {
      out += ": FAILED after " + std::to_string(cases_tried) + " case" + (cases_tried == 1 ? "" : "s");
      out += " (shrunk in " + std::to_string(shrink_steps) + " step" + (shrink_steps == 1 ? "" : "s") + ")";
      if (example) out += "\n  " + example->text;
    }
    if (!note.empty()) out += "\n  note: " + note;
    return out;
  }
};

namespace detail {

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast generator whose output is the same on every
/// platform and standard library, unlike the distributions of <random>.
class rng {
 public:
  explicit rng(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  /// Uniform integer in [0, n) (n > 0), without modulo bias.
  std::uint64_t below(std::uint64_t n) noexcept {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % n;
  }
  /// Uniform integer in [lo, hi].
  int between(int lo, int hi) noexcept {
    return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo) + 1U));
  }
  /// A standard exponential draw (for Dirichlet-distributed probability vectors).
  double exponential() noexcept { return -std::log(1.0 - uniform()); }

 private:
  std::uint64_t state_;
};

/// Formats a double compactly and exactly enough to reproduce the failure: %.17g trimmed to the
/// shortest representation that reads back to the same value.
inline std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    if (std::strtod(buffer, nullptr) == v) break;
  }
  return buffer;
}

inline std::string format_sequence(const symbol_sequence& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(s[i]);
  }
  return out + "]";
}

inline std::string format_vector(const std::vector<double>& v) {
  if (v.size() == 1) return format_number(v[0]);
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += format_number(v[i]);
  }
  return out + "]";
}

/// Renders the input part of a counterexample: `prediction = [0, 1], reference = [1]`.
inline void render(counterexample& ex) {
  std::string input;
  for (std::size_t i = 0; i < ex.sequences.size(); ++i) {
    if (!input.empty()) input += ", ";
    input += (i < ex.names.size() ? ex.names[i] : "sequence " + std::to_string(i)) + " = " + format_sequence(ex.sequences[i]);
  }
  for (std::size_t i = 0; i < ex.probabilities.size(); ++i) {
    if (!input.empty()) input += ", ";
    input += (i < ex.probability_names.size() ? ex.probability_names[i] : "p" + std::to_string(i)) + " = " +
             format_vector(ex.probabilities[i]);
  }
  if (input.empty()) input = ex.text;  // a check may describe its input in words instead of data
  ex.text = input.empty() ? ex.reason : input + ": " + ex.reason;
}

/// Describes an exception escaping a metric: its kind and message.
inline std::string describe_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const emergent::input_error& x) {
    return std::string("threw emergent::input_error: ") + x.what();
  } catch (const std::exception& x) {
    return std::string("threw ") + typeid(x).name() + ": " + x.what();
  } catch (...) {
    return "threw a non-standard exception";
  }
}

/// True when a and b agree within the check's tolerance (absolute plus relative); two infinities of
/// the same sign agree, NaN agrees with nothing.
inline bool close(double a, double b, double tolerance) noexcept {
  if (a == b) return true;
  if (std::isnan(a) || std::isnan(b) || std::isinf(a) || std::isinf(b)) return false;
  return std::fabs(a - b) <= tolerance * (1.0 + std::fmax(std::fabs(a), std::fabs(b)));
}

}  // namespace detail

/// Runs a property on `options.cases` seeded cases and shrinks the first failing case.
///
/// - `generate(rng, i)` returns case number i (the `rng` is an `emergent::testing::detail::rng`
///   seeded from `options.seed`);
/// - `check(case)` returns `std::nullopt` when the property holds on the case, or a sentence saying
///   how it fails; an exception escaping `check` counts as a failure and its message is reported;
/// - `shrink(case)` returns simpler variants of a case, simplest first; any variant that still fails
///   replaces the case and shrinking starts again from it (greedy shrinking), until no variant fails
///   or `options.max_shrink_steps` attempts were made;
/// - `describe(case, reason)` turns the final case into a `counterexample` (fill the data fields;
///   the text is rendered from them).
///
/// A case on which a property's precondition does not hold (for example a shrunk "prediction" that no
/// longer differs from its reference where the property needs a difference) must make `check` return
/// `std::nullopt`, so that shrinking cannot wander outside the property's domain.
template <class Generate, class Check, class Shrink, class Describe>
[[nodiscard]] property_report check_property(std::string property, const check_options& options, Generate&& generate,
                                             Check&& check, Shrink&& shrink, Describe&& describe) {
  using case_type = std::remove_cvref_t<decltype(generate(std::declval<detail::rng&>(), std::size_t{0}))>;
  const auto failure = [&](const case_type& c) -> std::optional<std::string> {
    try {
      return check(c);
    } catch (...) {
      return detail::describe_exception(std::current_exception());
    }
  };
  property_report report;
  report.property = std::move(property);
  detail::rng random(options.seed);
  for (std::size_t i = 0; i < options.cases; ++i) {
    case_type current = generate(random, i);
    ++report.cases_tried;
    std::optional<std::string> reason = failure(current);
    if (!reason) continue;
    report.passed = false;
    std::size_t attempts = 0;
    bool improved = true;
    while (improved && attempts < options.max_shrink_steps) {
      improved = false;
      for (case_type& candidate : shrink(current)) {
        if (++attempts > options.max_shrink_steps) break;
        if (std::optional<std::string> r = failure(candidate)) {
          current = std::move(candidate);
          reason = std::move(r);
          ++report.shrink_steps;
          improved = true;
          break;
        }
      }
    }
    counterexample ex = describe(current, *reason);
    ex.reason = *reason;
    detail::render(ex);
    report.example = std::move(ex);
    return report;
  }
  return report;
}

}  // namespace emergent::testing
