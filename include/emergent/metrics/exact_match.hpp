/// @file
/// @brief Exact match, the hard metric of generation tasks: 1 when the prediction equals the
///        reference after normalisation, else 0. Composable text normalisers (trim, collapse
///        whitespace, case folding, punctuation, English articles as in SQuAD (Rajpurkar et al.
///        2016), regular expressions to ignore, digits, numeric equivalence) reproduce the
///        lm-evaluation-harness `exact_match` options and the SQuAD answer normalisation, and an
///        aggregate kernel gives the exact-match rate over millions of fixed-length token rows.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ranges>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "emergent/core/concepts.hpp"
#include "emergent/core/error.hpp"
#include "emergent/metrics/detail/x86_ops.hpp"
#include "emergent/metrics/tokenize.hpp"

namespace emergent {
namespace detail {

/// Python's `string.punctuation`: the 32 ASCII punctuation characters.
[[nodiscard]] constexpr bool is_ascii_punctuation(unsigned char c) noexcept {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

/// A "word" byte for \b boundaries: ASCII letters, digits, '_' and any non-ASCII byte (letters
/// outside ASCII, as Python's Unicode \b treats them).
[[nodiscard]] constexpr bool is_word_byte(unsigned char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

/// Lower case of one code point as Python's `str.lower` gives it, for Basic Latin, Latin-1,
/// Latin Extended-A (except U+0130, whose lower case is two code points), Greek and Cyrillic;
/// other code points are returned unchanged.
[[nodiscard]] constexpr char32_t lower_code_point(char32_t c) noexcept {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x130) return c;
    if (c == 0x178) return 0xFF;
    const bool even = (c % 2) == 0;
    if ((c <= 0x137 && even) || (c >= 0x139 && c <= 0x148 && !even) || (c >= 0x14A && c <= 0x177 && even) ||
        (c >= 0x179 && c <= 0x17E && !even)) {
      return c + 1;
    }
    return c;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

inline void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

inline std::string case_fold_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out += static_cast<char>((b >= 'A' && b <= 'Z') ? b + 32 : b);
      ++i;
      continue;
    }
    char32_t cp = 0;
    std::size_t next = i;
    if (utf8_decode_one(s, next, cp) == nullptr) {
      append_utf8(out, lower_code_point(cp));
      i = next;
    } else {
      out += s[i];  // not valid UTF-8: the byte is kept as it is
      ++i;
    }
  }
  return out;
}

inline std::string trim_text(std::string_view s) {
  std::size_t a = 0;
  std::size_t b = s.size();
  while (a < b && is_ascii_space(s[a])) ++a;
  while (b > a && is_ascii_space(s[b - 1])) --b;
  return std::string(s.substr(a, b - a));
}

inline std::string collapse_whitespace_text(std::string_view s) {
  std::string out;
  for (const std::string_view w : whitespace_words(s)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

inline std::string strip_punctuation_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (!is_ascii_punctuation(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

inline std::string remove_digits_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (!is_ascii_digit(c)) out += c;
  }
  return out;
}

/// SQuAD's `re.sub(r'\b(a|an|the)\b', ' ', text)`, matching the articles in any letter case.
inline std::string strip_articles_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  while (i < s.size()) {
    const bool at_start = i == 0 || !is_word_byte(static_cast<unsigned char>(s[i - 1]));
    if (at_start) {
      std::size_t len = 0;
      for (const std::string_view article : {std::string_view("the"), std::string_view("an"), std::string_view("a")}) {
        if (i + article.size() <= s.size()) {
          bool same = true;
          for (std::size_t k = 0; k < article.size(); ++k) same = same && lower(s[i + k]) == article[k];
          const std::size_t end = i + article.size();
          if (same && (end == s.size() || !is_word_byte(static_cast<unsigned char>(s[end])))) {
            len = article.size();
            break;
          }
        }
      }
      if (len != 0) {
        out += ' ';
        i += len;
        continue;
      }
    }
    out += s[i];
    ++i;
  }
  return out;
}

/// Rewrites every number in `s` in a canonical form: grouping commas removed ("1,234" -> "1234",
/// only when every group after the first has exactly three digits), leading zeros of the integer
/// part and trailing zeros of the fraction removed ("007.50" -> "7.5", "1234.0" -> "1234",
/// ".5" -> "0.5"), a '+' sign dropped and "-0" written "0". A sign counts only when it does not
/// follow a word character.
inline std::string canonical_numbers_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const std::size_t n = s.size();
  std::size_t i = 0;
  const auto digit = [&](std::size_t k) { return k < n && is_ascii_digit(s[k]); };
  while (i < n) {
    const bool prev_word = i > 0 && (is_word_byte(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '.');
    std::size_t j = i;
    bool negative = false;
    if (!prev_word && (s[j] == '-' || s[j] == '+') && (digit(j + 1) || (j + 1 < n && s[j + 1] == '.' && digit(j + 2)))) {
      negative = s[j] == '-';
      ++j;
    }
    const bool starts_number = !prev_word && (digit(j) || (s[j] == '.' && digit(j + 1)));
    if (!starts_number) {
      out += s[i];
      ++i;
      continue;
    }
    std::string integer;
    std::size_t run = 0;
    while (digit(j)) {
      integer += s[j++];
      ++run;
    }
    if (run >= 1 && run <= 3) {  // grouping commas: ",ddd" not followed by another digit
      while (j < n && s[j] == ',' && digit(j + 1) && digit(j + 2) && digit(j + 3) && !digit(j + 4)) {
        integer.append(s.substr(j + 1, 3));
        j += 4;
      }
    }
    std::string fraction;
    if (j < n && s[j] == '.' && digit(j + 1)) {
      ++j;
      while (digit(j)) fraction += s[j++];
    }
    const std::size_t nz = integer.find_first_not_of('0');
    integer = nz == std::string::npos ? "0" : integer.substr(nz);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    if (negative && !(integer == "0" && fraction.empty())) out += '-';
    out += integer;
    if (!fraction.empty()) {
      out += '.';
      out += fraction;
    }
    i = j;
  }
  return out;
}

/// Compiles a user pattern (ECMAScript) for `normalise::ignore_regex`, answer extractors and
/// tokenisers (`who` names the caller in the error). Python's leading inline flags are understood:
/// `(?s)` lets '.' match newlines (rewritten as [\s\S] outside brackets), `(?i)` ignores case. A
/// template on the regex type so that only translation units that compile a pattern instantiate `<regex>`.
template <class Regex>
std::shared_ptr<const Regex> compile_user_regex(std::string_view pattern, const char* who) {
  std::string p(pattern);
  bool dot_all = false;
  auto flags = Regex::ECMAScript;
  while (p.size() >= 4 && p[0] == '(' && p[1] == '?' && p[3] == ')' && (p[2] == 's' || p[2] == 'i')) {
    if (p[2] == 's') dot_all = true;
    if (p[2] == 'i') flags |= Regex::icase;
    p.erase(0, 4);
  }
  if (dot_all) {
    std::string q;
    bool in_class = false;
    for (std::size_t k = 0; k < p.size(); ++k) {
      const char c = p[k];
      if (c == '\\' && k + 1 < p.size()) {
        q += c;
        q += p[++k];
        continue;
      }
      if (c == '[') in_class = true;
      if (c == ']') in_class = false;
      if (c == '.' && !in_class) {
        q += "[\\s\\S]";
      } else {
        q += c;
      }
    }
    p = std::move(q);
  }
  try {
    return std::make_shared<const Regex>(p, flags);
  } catch (const std::runtime_error& e) {  // std::regex_error (and boost::regex_error) derive from it
    throw input_error(describe(who, "pattern",
                               "'" + std::string(pattern) + "' is not a valid regular expression (" + e.what() + ")"));
  }
}

/// Deletes every match of the compiled pattern (a `const Regex*` behind `pattern`) from `s`.
template <class Regex>
void erase_matches(const void* pattern, std::string& s) {
  s = std::regex_replace(s, *static_cast<const Regex*>(pattern), "");
}

}  // namespace detail

/// A text normaliser: a sequence of steps applied in order to a string (see the factory functions
/// in `emergent::normalise`). Steps compose with `|` (left first): `normalise::case_fold() |
/// normalise::strip_punctuation()`. A default-constructed normaliser is the identity. Copies share
/// compiled regular expressions; calling it is thread-safe. A regular-expression step holds its
/// compiled pattern type-erased, so `<regex>`'s compiler and matcher are instantiated only in
/// translation units that build such a step (`normalise::ignore_regex`, `normalise::lm_eval`).
class text_normaliser {
 public:
  /// What a step does (see the factory functions in `emergent::normalise` for the precise rules).
  enum class step_kind {
    trim,                 ///< remove leading and trailing ASCII whitespace
    collapse_whitespace,  ///< Python's " ".join(text.split()): runs of whitespace to one space, trimmed
    case_fold,            ///< lower case (Python `str.lower` on Latin, Greek and Cyrillic)
    strip_punctuation,    ///< delete the ASCII punctuation of Python's `string.punctuation`
    strip_articles,       ///< SQuAD: replace the words a, an, the by a space
    ignore_regex,         ///< delete every match of a regular expression
    remove_digits,        ///< delete ASCII digits (lm-evaluation-harness `ignore_numbers`)
    numeric_equivalence,  ///< write numbers canonically: "1,234" = "1234" = "1234.0"
  };

  /// The identity normaliser.
  text_normaliser() = default;

  /// A normaliser with the single step `kind` (use `normalise::ignore_regex` for patterns).
  explicit text_normaliser(step_kind kind) : steps_{step{kind, nullptr, nullptr}} {}

  /// Applies the steps in order and returns the normalised text.
  [[nodiscard]] std::string operator()(std::string_view text) const {
    std::string s(text);
    for (const step& st : steps_) {
      switch (st.kind) {
        case step_kind::trim: s = detail::trim_text(s); break;
        case step_kind::collapse_whitespace: s = detail::collapse_whitespace_text(s); break;
        case step_kind::case_fold: s = detail::case_fold_text(s); break;
        case step_kind::strip_punctuation: s = detail::strip_punctuation_text(s); break;
        case step_kind::strip_articles: s = detail::strip_articles_text(s); break;
        case step_kind::ignore_regex: st.erase_matches(st.pattern.get(), s); break;
        case step_kind::remove_digits: s = detail::remove_digits_text(s); break;
        case step_kind::numeric_equivalence: s = detail::canonical_numbers_text(s); break;
      }
    }
    return s;
  }

  /// Number of steps.
  [[nodiscard]] std::size_t size() const noexcept { return steps_.size(); }

  /// The steps' kinds, in order.
  [[nodiscard]] std::vector<step_kind> kinds() const {
    std::vector<step_kind> out;
    for (const step& st : steps_) out.push_back(st.kind);
    return out;
  }

  /// The composition "first `a`, then `b`".
  friend text_normaliser operator|(text_normaliser a, const text_normaliser& b) {
    a.steps_.insert(a.steps_.end(), b.steps_.begin(), b.steps_.end());
    return a;
  }

  /// A normaliser deleting every match of `pattern` (see `normalise::ignore_regex`). `Regex` is the
  /// regular-expression type (std::regex; any type with std::regex's constructor, flags and a
  /// `std::regex_replace` overload).
  template <class Regex = std::regex>
  [[nodiscard]] static text_normaliser from_regex(std::string_view pattern) {
    text_normaliser n;
    n.steps_.push_back(step{step_kind::ignore_regex, detail::compile_user_regex<Regex>(pattern, "normalise::ignore_regex"),
                            &detail::erase_matches<Regex>});
    return n;
  }

 private:
  struct step {
    step_kind kind;
    std::shared_ptr<const void> pattern;                   ///< the compiled regex of an ignore_regex step
    void (*erase_matches)(const void*, std::string&) = nullptr;  ///< deletes its matches
  };
  std::vector<step> steps_;
};

/// The options of lm-evaluation-harness's `exact_match` metric (`exact_match_hf_evaluate` in
/// lm_eval/api/metrics.py, ported from Hugging Face `evaluate`), applied in its order: every
/// regex in `regexes_to_ignore` removed (in list order), then lower case, then punctuation, then digits.
struct lm_eval_exact_match_options {
  std::vector<std::string> regexes_to_ignore;  ///< patterns deleted with re.sub(pattern, "", text), in order
  bool ignore_case = false;                    ///< lower-case both strings (after the regexes)
  bool ignore_punctuation = false;             ///< delete `string.punctuation` (after lower-casing)
  bool ignore_numbers = false;                 ///< delete `string.digits` (last)
};

/// Factories for the normalisation steps; compose them with `|`.
namespace normalise {

/// Removes leading and trailing ASCII whitespace.
[[nodiscard]] inline text_normaliser trim() { return text_normaliser(text_normaliser::step_kind::trim); }

/// Replaces each run of ASCII whitespace by one space and trims, as Python's " ".join(s.split()).
[[nodiscard]] inline text_normaliser collapse_whitespace() {
  return text_normaliser(text_normaliser::step_kind::collapse_whitespace);
}

/// Lower-cases as Python's `str.lower` does on Basic Latin, Latin-1, Latin Extended-A (except
/// U+0130), Greek and Cyrillic; other code points and bytes that are not valid UTF-8 are kept.
[[nodiscard]] inline text_normaliser case_fold() { return text_normaliser(text_normaliser::step_kind::case_fold); }

/// Deletes the 32 ASCII punctuation characters of Python's `string.punctuation`.
[[nodiscard]] inline text_normaliser strip_punctuation() {
  return text_normaliser(text_normaliser::step_kind::strip_punctuation);
}

/// Replaces the English articles "a", "an", "the" (whole words, any letter case) by a space: the
/// SQuAD v1.1 evaluation script's `re.sub(r'\\b(a|an|the)\\b', ' ', text)` (Rajpurkar et al. 2016).
[[nodiscard]] inline text_normaliser strip_articles() {
  return text_normaliser(text_normaliser::step_kind::strip_articles);
}

/// Deletes every match of the regular expression `pattern` (ECMAScript syntax of std::regex, over
/// UTF-8 bytes; Python's leading `(?s)` and `(?i)` flags are understood), as `re.sub(pattern, "", s)`.
/// Throws `input_error` when the pattern does not compile.
template <class Regex = std::regex>
[[nodiscard]] text_normaliser ignore_regex(std::string_view pattern) {
  return text_normaliser::from_regex<Regex>(pattern);
}

/// Deletes the ASCII digits 0-9 (lm-evaluation-harness's `ignore_numbers`).
[[nodiscard]] inline text_normaliser remove_digits() {
  return text_normaliser(text_normaliser::step_kind::remove_digits);
}

/// Writes every number canonically so that numerically equal spellings compare equal:
/// "1,234" = "1234" = "1234.0" = "+1234.00", "0.50" = ".5", "-0" = "0". Grouping commas count only
/// in groups of exactly three digits; exponents are not interpreted.
[[nodiscard]] inline text_normaliser numeric_equivalence() {
  return text_normaliser(text_normaliser::step_kind::numeric_equivalence);
}

/// The SQuAD v1.1 `normalize_answer`: lower case, delete punctuation, replace articles by a
/// space, collapse whitespace (Rajpurkar et al. 2016, evaluate-v1.1.py).
[[nodiscard]] inline text_normaliser squad() {
  return case_fold() | strip_punctuation() | strip_articles() | collapse_whitespace();
}

/// lm-evaluation-harness's `exact_match` normalisation for the given options (see
/// `lm_eval_exact_match_options` for the order of the steps).
/// (A template on the regular-expression type only so that `<regex>` is instantiated where it is used.)
template <class Regex = std::regex>
[[nodiscard]] text_normaliser lm_eval(const lm_eval_exact_match_options& options) {
  text_normaliser n;
  for (const std::string& r : options.regexes_to_ignore) n = n | ignore_regex<Regex>(r);
  if (options.ignore_case) n = n | case_fold();
  if (options.ignore_punctuation) n = n | strip_punctuation();
  if (options.ignore_numbers) n = n | remove_digits();
  return n;
}

}  // namespace normalise

/// Exact match of two strings: true when they are byte for byte equal.
[[nodiscard]] inline bool exact_match(std::string_view prediction, std::string_view reference) noexcept {
  return prediction == reference;
}

/// Exact match after normalisation: true when normaliser(prediction) == normaliser(reference).
[[nodiscard]] inline bool exact_match(std::string_view prediction, std::string_view reference,
                                      const text_normaliser& normaliser) {
  return normaliser(prediction) == normaliser(reference);
}

/// Exact match of two strings under any callable normaliser `f` (string_view -> comparable value):
/// true when f(prediction) == f(reference).
template <class F>
  requires std::invocable<const F&, std::string_view> && (!std::same_as<std::remove_cvref_t<F>, text_normaliser>) &&
           std::equality_comparable<std::invoke_result_t<const F&, std::string_view>>
[[nodiscard]] bool exact_match(std::string_view prediction, std::string_view reference, const F& f) {
  return std::invoke(f, prediction) == std::invoke(f, reference);
}

/// Exact match of two token sequences (token ids, code points, words): true when they have the same
/// length and equal symbols at every position.
template <class R1, class R2>
  requires symbol_range<R1> && symbol_range<R2> && (!std::convertible_to<const R1&, std::string_view>) &&
           (!std::convertible_to<const R2&, std::string_view>) &&
           std::equality_comparable_with<std::ranges::range_value_t<R1>, std::ranges::range_value_t<R2>>
[[nodiscard]] bool exact_match(const R1& prediction, const R2& reference) {
  return std::ranges::equal(prediction, reference);
}

/// Exact match of two token sequences after a sequence normaliser `f` (for example one that drops
/// padding or special tokens): true when f(prediction) == f(reference).
template <class R1, class R2, class F>
  requires symbol_range<R1> && symbol_range<R2> && (!std::convertible_to<const R1&, std::string_view>) &&
           (!std::convertible_to<const R2&, std::string_view>) && std::invocable<const F&, const R1&> &&
           std::invocable<const F&, const R2&>
[[nodiscard]] bool exact_match(const R1& prediction, const R2& reference, const F& f) {
  return std::invoke(f, prediction) == std::invoke(f, reference);
}

namespace detail {

/// Rows of W tokens that are equal in both arrays; branch-free over each row so that it vectorises.
template <std::size_t W>
[[nodiscard]] std::size_t em_count_equal_rows(const std::uint32_t* p, const std::uint32_t* r, std::size_t rows) noexcept {
  std::size_t count = 0;
#if defined(__SSE2__)
  if constexpr (W % 4 == 0) {
    for (std::size_t i = 0; i < rows; ++i) {
      x86::v4i diff = {};
      for (std::size_t t = 0; t < W; t += 4) diff |= x86::load<x86::v4i>(p + i * W + t) ^ x86::load<x86::v4i>(r + i * W + t);
      count += static_cast<std::size_t>(x86::movemask_bytes(diff == 0) == 0xFFFF);
    }
    return count;
  }
#endif
  for (std::size_t i = 0; i < rows; ++i) {
    std::uint32_t diff = 0;
    for (std::size_t t = 0; t < W; ++t) diff |= p[i * W + t] ^ r[i * W + t];
    count += static_cast<std::size_t>(diff == 0);
  }
  return count;
}

[[nodiscard]] inline std::size_t em_count_equal_rows_any(const std::uint32_t* p, const std::uint32_t* r,
                                                         std::size_t rows, std::size_t width) noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    std::uint32_t diff = 0;
    for (std::size_t t = 0; t < width; ++t) diff |= p[i * width + t] ^ r[i * width + t];
    count += static_cast<std::size_t>(diff == 0);
  }
  return count;
}

}  // namespace detail

/// Exact-match rate over rows of token ids stored contiguously, `tokens_per_row` per example (pad
/// shorter sequences with a token id that cannot occur, identically in both arrays): the fraction of
/// rows i with predictions[i*w .. i*w+w) == references[i*w .. i*w+w). One pass, no allocation,
/// vectorised (SSE2) for widths that are multiples of 4. Throws `input_error` when the arrays differ
/// in length, `tokens_per_row` is 0 or does not divide the length, or there are no rows.
[[nodiscard]] inline double exact_match_rate(std::span<const std::uint32_t> predictions,
                                             std::span<const std::uint32_t> references, std::size_t tokens_per_row) {
  if (tokens_per_row == 0) {
    throw input_error(detail::describe("exact_match_rate", "tokens_per_row", "must be at least 1"));
  }
  if (predictions.size() != references.size()) {
    throw input_error(detail::describe("exact_match_rate", "references",
                                       "has " + std::to_string(references.size()) + " tokens but predictions has " +
                                           std::to_string(predictions.size())));
  }
  if (predictions.size() % tokens_per_row != 0) {
    throw input_error(detail::describe("exact_match_rate", "predictions",
                                       std::to_string(predictions.size()) + " tokens are not a whole number of rows of " +
                                           std::to_string(tokens_per_row)));
  }
  const std::size_t rows = predictions.size() / tokens_per_row;
  if (rows == 0) {
    throw input_error(detail::describe("exact_match_rate", "predictions", "no rows: the rate of nothing is undefined"));
  }
  const std::uint32_t* p = predictions.data();
  const std::uint32_t* r = references.data();
  std::size_t equal = 0;
  switch (tokens_per_row) {
    case 4: equal = detail::em_count_equal_rows<4>(p, r, rows); break;
    case 8: equal = detail::em_count_equal_rows<8>(p, r, rows); break;
    case 16: equal = detail::em_count_equal_rows<16>(p, r, rows); break;
    case 32: equal = detail::em_count_equal_rows<32>(p, r, rows); break;
    case 64: equal = detail::em_count_equal_rows<64>(p, r, rows); break;
    default: equal = detail::em_count_equal_rows_any(p, r, rows, tokens_per_row); break;
  }
  return static_cast<double>(equal) / static_cast<double>(rows);
}

/// Exact-match rate over pairs of strings: the fraction of i with
/// normaliser(predictions[i]) == normaliser(references[i]). Throws `input_error` when the spans
/// differ in length or are empty.
[[nodiscard]] inline double exact_match_rate(std::span<const std::string> predictions, std::span<const std::string> references,
                                             const text_normaliser& normaliser = {}) {
  if (predictions.size() != references.size()) {
    throw input_error(detail::describe("exact_match_rate", "references",
                                       "has " + std::to_string(references.size()) + " strings but predictions has " +
                                           std::to_string(predictions.size())));
  }
  if (predictions.empty()) {
    throw input_error(detail::describe("exact_match_rate", "predictions", "empty: the rate of nothing is undefined"));
  }
  std::size_t equal = 0;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    equal += static_cast<std::size_t>(exact_match(predictions[i], references[i], normaliser));
  }
  return static_cast<double>(equal) / static_cast<double>(predictions.size());
}

}  // namespace emergent
