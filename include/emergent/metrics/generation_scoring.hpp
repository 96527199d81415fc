/// @file
/// @brief Hard and soft scores of one generation from one extracted answer: extract the answer
///        (answer_extraction.hpp), normalise it and the references (exact_match.hpp's normalisers),
///        cut both into tokens (bytes, code points, words, digits, numbers or a user regex), then
///        exact match, token edit distance (Levenshtein 1966), normalised edit similarity and
///        position-wise per-token accuracy (the soft metric of Schaeffer, Miranda & Koyejo 2023,
///        "Are emergent abilities of large language models a mirage?") all compare the same pair.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/metrics/answer_extraction.hpp"
#include "emergent/metrics/edit_distance.hpp"
#include "emergent/metrics/exact_match.hpp"
#include "emergent/metrics/tokenize.hpp"

namespace emergent {

/// Parses a named normalisation: `none` (identity), `strip` (trim white space at both ends, HELM's
/// `exact_match`), `lm-eval` (lm-evaluation-harness's `exact_match` with its default options: the
/// identity), `lm-eval-gsm8k` (its gsm8k options: ignore `,`, `$`, everything up to `#### ` and a final
/// `.`, then lower case), `squad` (SQuAD's `normalize_answer`, also HELM's `quasi_exact_match`:
/// lower case, no punctuation, no articles, white space collapsed) or `numeric` (white space collapsed
/// and numbers written canonically, so "3.0" = "3" = "3.00" and "1,000" = "1000"). Throws
/// `input_error` naming the known ones otherwise.
template <class Regex = std::regex>
[[nodiscard]] text_normaliser parse_text_normaliser(std::string_view spec) {
  if (spec == "none" || spec == "lm-eval") return text_normaliser();
  if (spec == "strip") return normalise::trim();
  if (spec == "lm-eval-gsm8k") {
    lm_eval_exact_match_options o;
    o.regexes_to_ignore = {",", "\\$", "(?s).*#### ", "\\.$"};
    o.ignore_case = true;
    return normalise::lm_eval(o);  // the only step with regular expressions
  }
  if (spec == "squad" || spec == "helm-quasi") return normalise::squad();
  if (spec == "numeric") return normalise::collapse_whitespace() | normalise::numeric_equivalence();
  throw input_error("normalisation '" + std::string(spec) +
                    "' is unknown (known: none, strip, lm-eval, lm-eval-gsm8k, squad, numeric)");
}

namespace detail {

/// Every non-empty match of the compiled pattern (a `const Regex*` behind `pattern`) in `text`, left to right.
template <class Regex>
void find_all_matches(const void* pattern, std::string_view text, std::vector<std::string_view>& out) {
  using it = std::regex_iterator<std::string_view::const_iterator>;
  for (it m(text.begin(), text.end(), *static_cast<const Regex*>(pattern)), end; m != end; ++m) {
    if (m->length(0) == 0) continue;
    out.push_back(text.substr(static_cast<std::size_t>(m->position(0)), static_cast<std::size_t>(m->length(0))));
  }
}

}  // namespace detail

/// How a text is cut into tokens for the soft scores. Every rule returns views into the text, so
/// code points are returned as their UTF-8 byte sequences. Calling it is thread-safe; a regular
/// expression is held type-erased (`<regex>` is instantiated only where a pattern is compiled).
class text_tokeniser {
 public:
  /// The rule.
  enum class kind_t {
    bytes,        ///< one token per byte (`chars`)
    code_points,  ///< one token per Unicode code point (strict UTF-8, `utf8_code_points`)
    words,        ///< runs of non-whitespace (`whitespace_words`, Python's `str.split()`)
    digits,       ///< words, with every ASCII digit its own token (`digit_tokens(text, 1)`)
    numbers,      ///< words, with every number one token (`number_tokens`)
    regex,        ///< every non-empty match of a user regular expression, left to right (`re.findall`)
  };

  /// One token per byte.
  text_tokeniser() = default;

  /// A tokeniser of the given kind (not `regex`: use `from_regex`).
  explicit text_tokeniser(kind_t k) : kind_(k) {
    if (k == kind_t::regex) throw input_error("text_tokeniser: a regex tokeniser needs a pattern (from_regex)");
  }

  /// A tokeniser whose tokens are the non-empty matches of `pattern` (ECMAScript std::regex over
  /// UTF-8 bytes), e.g. `\w+|[^\w\s]`. Throws `input_error` when the pattern does not compile.
  template <class Regex = std::regex>
  [[nodiscard]] static text_tokeniser from_regex(std::string_view pattern) {
    text_tokeniser t;
    t.kind_ = kind_t::regex;
    t.pattern_ = detail::compile_user_regex<Regex>(pattern, "text_tokeniser");
    t.find_all_ = &detail::find_all_matches<Regex>;
    t.text_ = std::string(pattern);
    return t;
  }

  /// Parses `chars` (or `bytes`), `codepoints`, `words`, `digits`, `numbers` or `regex:PATTERN`;
  /// throws `input_error` naming the known ones otherwise.
  template <class Regex = std::regex>
  [[nodiscard]] static text_tokeniser parse(std::string_view spec) {
    if (spec == "chars" || spec == "bytes") return text_tokeniser();
    if (spec == "codepoints") return text_tokeniser(kind_t::code_points);
    if (spec == "words") return text_tokeniser(kind_t::words);
    if (spec == "digits") return text_tokeniser(kind_t::digits);
    if (spec == "numbers") return text_tokeniser(kind_t::numbers);
    if (spec.substr(0, 6) == "regex:" && spec.size() > 6) return from_regex<Regex>(spec.substr(6));
    throw input_error("tokenisation '" + std::string(spec) +
                      "' is unknown (known: chars, codepoints, words, digits, numbers, regex:PATTERN)");
  }

  /// The tokens of `text`, as views into it. Throws `input_error` on invalid UTF-8 for `codepoints`.
  [[nodiscard]] std::vector<std::string_view> operator()(std::string_view text) const {
    std::vector<std::string_view> out;
    switch (kind_) {
      case kind_t::bytes:
        out.reserve(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) out.push_back(text.substr(i, 1));
        return out;
      case kind_t::code_points: {
        std::size_t i = 0;
        while (i < text.size()) {
          const std::size_t start = i;
          char32_t cp = 0;
          if (const char* why = detail::utf8_decode_one(text, i, cp)) {
            throw input_error(detail::describe_at("text_tokeniser", "text", i, std::string("invalid UTF-8 (") + why + ")"));
          }
          out.push_back(text.substr(start, i - start));
        }
        return out;
      }
      case kind_t::words: return whitespace_words(text);
      case kind_t::digits: return digit_tokens(text, 1);
      case kind_t::numbers: return number_tokens(text);
      case kind_t::regex: find_all_(pattern_.get(), text, out); return out;
    }
    return out;
  }

  /// The rule.
  [[nodiscard]] kind_t kind() const noexcept { return kind_; }

  /// The spelling `parse` accepts for this tokeniser.
  [[nodiscard]] std::string name() const {
    switch (kind_) {
      case kind_t::bytes: return "chars";
      case kind_t::code_points: return "codepoints";
      case kind_t::words: return "words";
      case kind_t::digits: return "digits";
      case kind_t::numbers: return "numbers";
      case kind_t::regex: return "regex:" + text_;
    }
    return "chars";
  }

 private:
  kind_t kind_ = kind_t::bytes;
  std::shared_ptr<const void> pattern_;
  void (*find_all_)(const void*, std::string_view, std::vector<std::string_view>&) = nullptr;
  std::string text_;
};

/// Position-wise per-token accuracy of a prediction against a reference: the number of positions i
/// with prediction[i] == reference[i], divided by max(|prediction|, |reference|), so that missing and
/// extra tokens count as wrong. For two sequences of the same length it is the fraction of tokens
/// right (Schaeffer et al. 2023's per-token accuracy); two empty sequences score 1.
template <class T>
[[nodiscard]] double token_accuracy(std::span<const T> prediction, std::span<const T> reference) {
  const std::size_t longest = std::max(prediction.size(), reference.size());
  if (longest == 0) return 1.0;
  const std::size_t shortest = std::min(prediction.size(), reference.size());
  std::size_t right = 0;
  for (std::size_t i = 0; i < shortest; ++i) right += prediction[i] == reference[i] ? 1U : 0U;
  return static_cast<double>(right) / static_cast<double>(longest);
}

/// The scores of one generation against its references, all from the same extracted, normalised
/// answer. With several references each score takes its best reference (largest match, similarity
/// and accuracy; smallest distance), as lm-evaluation-harness and HELM do for exact match.
struct generation_score {
  /// False when the extractor found no answer: the answer is then empty and every score counts it
  /// as wrong (exact match 0, similarity 0, accuracy 0, distance = the shortest reference's length
  /// in tokens).
  bool extracted = false;
  /// The extracted answer after normalisation (empty when extraction failed).
  std::string answer;
  /// 1 when the normalised answer equals a normalised reference, else 0.
  bool exact = false;
  /// Smallest token Levenshtein distance to a reference.
  std::size_t edit_distance = 0;
  /// Largest normalised edit similarity 1 - distance / max(|answer|, |reference|), in [0, 1].
  double edit_similarity = 0.0;
  /// Largest position-wise per-token accuracy (`token_accuracy`), in [0, 1].
  double token_accuracy = 0.0;
};

/// Extract, normalise, tokenise and score: the one place where exact match and its soft
/// counterparts are computed for a generation, so that they always see the same answer.
struct generation_scorer {
  answer_extractor extract;   ///< how the answer is taken from the prediction (references are not extracted)
  text_normaliser normalise;  ///< applied to the extracted answer and to every reference
  text_tokeniser tokenise;    ///< the tokens of the soft scores

  /// Scores `prediction` against `references` (at least one; throws `input_error` otherwise).
  /// Throws `input_error` when tokenisation fails (invalid UTF-8 with `codepoints`).
  /// (A template only so that the edit-distance kernels are compiled where a scorer is called.)
  template <class Deferred = void>
  [[nodiscard]] generation_score operator()(std::string_view prediction, std::span<const std::string> references) const {
    if (references.empty()) throw input_error("generation_scorer: no reference to compare the prediction with");
    generation_score s;
    std::optional<std::string> a = extract(prediction);
    s.extracted = a.has_value();
    s.answer = a ? normalise(*a) : std::string();
    const bool bytes = tokenise.kind() == text_tokeniser::kind_t::bytes;
    const std::vector<std::string_view> at = bytes ? std::vector<std::string_view>() : tokenise(s.answer);
    s.edit_distance = static_cast<std::size_t>(-1);
    for (const std::string& ref : references) {
      const std::string r = normalise(ref);
      if (s.extracted && s.answer == r) s.exact = true;
      std::size_t d = 0, longest = 0;
      double accuracy = 0;
      if (bytes) {  // no token vectors for bytes: the strings are the sequences
        d = levenshtein_distance(std::string_view(s.answer), std::string_view(r));
        longest = std::max(s.answer.size(), r.size());
        accuracy = emergent::token_accuracy(std::span<const char>(s.answer), std::span<const char>(r));
      } else {
        const std::vector<std::string_view> rt = tokenise(r);
        d = levenshtein_distance(at, rt);
        longest = std::max(at.size(), rt.size());
        accuracy = emergent::token_accuracy(std::span<const std::string_view>(at), std::span<const std::string_view>(rt));
      }
      s.edit_distance = std::min(s.edit_distance, d);
      s.edit_similarity = std::max(s.edit_similarity, longest == 0 ? 1.0 : 1.0 - static_cast<double>(d) / static_cast<double>(longest));
      s.token_accuracy = std::max(s.token_accuracy, accuracy);
    }
    if (!s.extracted) {  // no answer is a wrong answer, also for the soft scores
      s.edit_similarity = 0.0;
      s.token_accuracy = 0.0;
    }
    return s;
  }
};

}  // namespace emergent
