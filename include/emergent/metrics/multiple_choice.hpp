/// @file
/// @brief Multiple-choice grading from per-option log-likelihoods, as lm-evaluation-harness does it:
///        `acc` (argmax of the log-likelihoods), `acc_norm` (argmax of log-likelihood divided by the
///        option's length in characters), `acc_bytes` (length in UTF-8 bytes), and a per-token
///        normalisation. Ties go to the first maximum, numpy.argmax's rule.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <ranges>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/concepts.hpp"
#include "emergent/core/error.hpp"
#include "emergent/metrics/probability.hpp"

namespace emergent {

/// The length by which `acc_norm`-style grading divides an option's log-likelihood, when the options
/// are given as strings.
enum class length_unit {
  characters,  ///< Unicode code points, Python's len(str): lm-evaluation-harness `acc_norm`
  bytes        ///< UTF-8 bytes, len(s.encode("utf-8")): lm-evaluation-harness `acc_bytes`
};

/// Number of Unicode code points in a UTF-8 string (Python's `len` of the decoded `str`): the bytes
/// that are not continuation bytes (10xxxxxx). For valid UTF-8 this is exact; a malformed sequence
/// counts one per lead or stray byte.
[[nodiscard]] inline std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (const char ch : text) n += (static_cast<unsigned char>(ch) & 0xC0u) != 0x80u ? 1u : 0u;
  return n;
}

namespace detail::prob {

/// First index of the maximum of already validated values (numpy.argmax's tie rule).
inline std::size_t first_argmax(const std::vector<double>& x) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (x[i] > x[best]) best = i;
  }
  return best;
}

template <numeric_range R>
std::vector<double> checked_options(const R& log_likelihoods, std::string_view function) {
  auto x = checked_scores(log_likelihoods, function, "log_likelihoods");
  if (x.empty()) throw input_error(detail::describe(function, "log_likelihoods", "is empty (no option to choose)"));
  return x;
}

/// Divides each log-likelihood by its length, checking the lengths (positive, finite, as many as options).
template <numeric_range Len>
void normalise_by(std::vector<double>& x, const Len& lengths, std::string_view function, std::string_view argument) {
  const auto n = static_cast<std::size_t>(std::ranges::size(lengths));
  if (n != x.size()) {
    throw input_error(detail::describe(function, argument,
                                       "has " + std::to_string(n) + " entries but log_likelihoods has " +
                                           std::to_string(x.size())));
  }
  std::size_t i = 0;
  for (const auto& v : lengths) {
    const double len = static_cast<double>(v);
    if (!(len > 0.0) || std::isinf(len)) {
      throw input_error(detail::describe_at(function, argument, i, number(len) + " is not a positive length"));
    }
    x[i] /= len;
    ++i;
  }
}

template <std::ranges::forward_range S>
std::vector<double> string_lengths(const S& choices, length_unit unit) {
  std::vector<double> lengths;
  for (const auto& c : choices) {
    const std::string_view s(c);
    lengths.push_back(static_cast<double>(unit == length_unit::characters ? utf8_length(s) : s.size()));
  }
  return lengths;
}

}  // namespace detail::prob

/// The option a model picks: the index of the largest log-likelihood, argmax_i ℓ_i (lm-evaluation-
/// harness `acc`). Ties go to the first maximum (numpy.argmax). -inf entries are allowed; NaN, +inf
/// and an empty input throw `input_error`.
template <numeric_range R>
[[nodiscard]] std::size_t multiple_choice_prediction(const R& log_likelihoods) {
  return detail::prob::first_argmax(detail::prob::checked_options(log_likelihoods, "multiple_choice_prediction"));
}

/// The option picked after length normalisation: argmax_i ℓ_i / len_i, first maximum on ties, with
/// caller-supplied lengths (token counts for per-token normalisation, or any positive length).
/// Throws `input_error` when the counts differ, a length is not positive and finite, or as above.
template <numeric_range R, numeric_range Len>
[[nodiscard]] std::size_t multiple_choice_prediction(const R& log_likelihoods, const Len& lengths) {
  auto x = detail::prob::checked_options(log_likelihoods, "multiple_choice_prediction");
  detail::prob::normalise_by(x, lengths, "multiple_choice_prediction", "lengths");
  return detail::prob::first_argmax(x);
}

/// The option picked after normalising by the length of each option's text: argmax_i ℓ_i / len(s_i),
/// with len in code points (`length_unit::characters`, lm-evaluation-harness `acc_norm`:
/// `np.argmax(lls / completion_len)`, completion_len = [len(choice) for choice in choices]) or in UTF-8
/// bytes (`length_unit::bytes`, `acc_bytes`). Pass the choice strings exactly as the harness's
/// `doc_to_choice` returns them (without the target delimiter). An empty option text throws
/// `input_error` (division by a zero length), as do mismatched counts and the cases above.
template <numeric_range R, std::ranges::forward_range S>
  requires std::convertible_to<std::ranges::range_reference_t<S>, std::string_view>
[[nodiscard]] std::size_t multiple_choice_prediction(const R& log_likelihoods, const S& choices, length_unit unit) {
  auto x = detail::prob::checked_options(log_likelihoods, "multiple_choice_prediction");
  detail::prob::normalise_by(x, detail::prob::string_lengths(choices, unit), "multiple_choice_prediction", "choices");
  return detail::prob::first_argmax(x);
}

/// Multiple-choice grade `acc`: 1 when the argmax of the log-likelihoods (first maximum on ties) is the
/// gold label, else 0. Throws `input_error` for a label outside [0, K) and as `multiple_choice_prediction`.
template <numeric_range R, std::integral L>
[[nodiscard]] double multiple_choice_grade(const R& log_likelihoods, L label) {
  auto x = detail::prob::checked_options(log_likelihoods, "multiple_choice_grade");
  const std::size_t y = detail::prob::checked_label(label, x.size(), "multiple_choice_grade");
  return detail::prob::first_argmax(x) == y ? 1.0 : 0.0;
}

/// Length-normalised grade with caller-supplied lengths (per-token normalisation: pass the token
/// count of each option): 1 when argmax_i ℓ_i / len_i is the gold label, else 0.
template <numeric_range R, numeric_range Len, std::integral L>
[[nodiscard]] double multiple_choice_grade(const R& log_likelihoods, const Len& lengths, L label) {
  auto x = detail::prob::checked_options(log_likelihoods, "multiple_choice_grade");
  detail::prob::normalise_by(x, lengths, "multiple_choice_grade", "lengths");
  const std::size_t y = detail::prob::checked_label(label, x.size(), "multiple_choice_grade");
  return detail::prob::first_argmax(x) == y ? 1.0 : 0.0;
}

/// lm-evaluation-harness `acc_norm` (default, lengths in characters) or `acc_bytes` (`length_unit::bytes`):
/// 1 when argmax_i ℓ_i / len(choice_i) is the gold label, else 0; first maximum on ties.
template <numeric_range R, std::ranges::forward_range S, std::integral L>
  requires std::convertible_to<std::ranges::range_reference_t<S>, std::string_view>
[[nodiscard]] double multiple_choice_grade(const R& log_likelihoods, const S& choices, L label,
                                           length_unit unit = length_unit::characters) {
  auto x = detail::prob::checked_options(log_likelihoods, "multiple_choice_grade");
  detail::prob::normalise_by(x, detail::prob::string_lengths(choices, unit), "multiple_choice_grade", "choices");
  const std::size_t y = detail::prob::checked_label(label, x.size(), "multiple_choice_grade");
  return detail::prob::first_argmax(x) == y ? 1.0 : 0.0;
}

}  // namespace emergent
