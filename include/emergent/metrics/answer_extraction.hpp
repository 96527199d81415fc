/// @file
/// @brief Answer extraction: the short answer inside a long generation, so that exact match and its
///        soft counterparts (edit distance, per-token accuracy) compare the same extracted answer.
///        Extractors: the last LaTeX `\boxed{...}` (nested braces; lm-evaluation-harness's Minerva
///        MATH `last_boxed_only_string` / `remove_boxed`, Lewkowycz et al. 2022), the GSM8K `#### N`
///        line (lm-evaluation-harness gsm8k "strict-match", Cobbe et al. 2021), the last number, the
///        first non-empty line, and a user regular expression with a capture group.
///
/// An extractor that finds nothing returns `std::nullopt`: the caller decides (and must say) what
/// a failed extraction counts as; `emergent score` counts it, reports it and scores it as wrong.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "emergent/core/error.hpp"
#include "emergent/metrics/exact_match.hpp"

namespace emergent {
namespace detail {

/// The first match of the compiled pattern (a `const Regex*` behind `pattern`) in `text`: its first
/// capture group when the pattern has one, else the whole match; nullopt when there is none.
template <class Regex>
std::optional<std::string> first_capture(const void* pattern, std::string_view text) {
  const Regex& re = *static_cast<const Regex*>(pattern);
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(text.begin(), text.end(), m, re)) return std::nullopt;
  const std::size_t group = re.mark_count() > 0 ? 1 : 0;
  if (!m[group].matched) return std::nullopt;
  return m[group].str();
}

}  // namespace detail

/// The answer in the last `\boxed{...}` (or `\fbox{...}`) of `text`, braces balanced, without the
/// command and its outer braces: "so \\boxed{\\frac{1}{2}}." gives "\\frac{1}{2}". As in
/// lm-evaluation-harness's Minerva MATH utilities, the form `\boxed 5` (a space, no brace) gives the
/// text after `\boxed ` up to the next `$`. Returns nullopt when there is no `\boxed` or its braces
/// do not close. The view points into `text`.
[[nodiscard]] inline std::optional<std::string_view> extract_boxed(std::string_view text) noexcept {
  constexpr std::string_view spaced = "\\boxed ";
  if (const auto sp = text.rfind(spaced); sp != std::string_view::npos) {
    // lm-eval checks the spaced form first: string.split("\\boxed ")[-1].split("$")[0]
    std::string_view rest = text.substr(sp + spaced.size());
    return rest.substr(0, rest.find('$'));
  }
  std::size_t at = text.rfind("\\boxed");
  std::size_t command = 6;
  if (at == std::string_view::npos) {
    at = text.rfind("\\fbox");
    command = 5;
    if (at == std::string_view::npos) return std::nullopt;
  }
  std::size_t open = at + command;
  if (open >= text.size() || text[open] != '{') return std::nullopt;
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}' && --depth == 0) return text.substr(open + 1, i - open - 1);
  }
  return std::nullopt;
}

/// The answer after the GSM8K marker `#### ` (Cobbe et al. 2021): the first match of
/// lm-evaluation-harness's gsm8k "strict-match" filter, `#### (\-?[0-9\.\,]+)`, i.e. an optional
/// minus sign and a run of digits, dots and commas. "so 18.\n#### 1,018" gives "1,018". Returns
/// nullopt when no `#### ` is followed by such a run.
[[nodiscard]] inline std::optional<std::string_view> extract_gsm8k(std::string_view text) noexcept {
  std::size_t from = 0;
  while ((from = text.find("#### ", from)) != std::string_view::npos) {
    std::size_t i = from + 5;
    const std::size_t start = i;
    if (i < text.size() && text[i] == '-') ++i;
    const std::size_t digits = i;
    while (i < text.size() && (detail::is_ascii_digit(text[i]) || text[i] == '.' || text[i] == ',')) ++i;
    if (i > digits) return text.substr(start, i - start);
    from += 1;
  }
  return std::nullopt;
}

/// The last number in `text`: an optional sign (`-` or `+`, not right after a letter or digit), then
/// digits with optional thousands groups (`,` followed by exactly three digits) and an optional
/// decimal part (`.` followed by digits), or a bare decimal part (".5", not right after a digit).
/// Scanned left to right, each number maximal: "x = 1,234.5 or -7." gives "-7"; "1.1.1" gives "1"
/// (the numbers are "1.1" and "1"); "3-2" has the numbers "3" and "2". Returns nullopt when the text
/// has no digit.
[[nodiscard]] inline std::optional<std::string_view> extract_last_number(std::string_view text) noexcept {
  std::optional<std::string_view> last;
  const std::size_t n = text.size();
  auto digit = [&](std::size_t k) { return k < n && detail::is_ascii_digit(text[k]); };
  std::size_t i = 0;
  while (i < n) {
    std::size_t start = i;
    std::size_t j = i;
    if ((text[j] == '-' || text[j] == '+') && (j == 0 || !(detail::is_ascii_digit(text[j - 1]) ||
                                                          (text[j - 1] >= 'a' && text[j - 1] <= 'z') ||
                                                          (text[j - 1] >= 'A' && text[j - 1] <= 'Z')))) {
      ++j;
    }
    const bool bare_decimal = j < n && text[j] == '.' && digit(j + 1) && !(j > 0 && detail::is_ascii_digit(text[j - 1]));
    if (digit(j) || bare_decimal) {
      if (digit(j)) {
        while (digit(j)) ++j;
        while (j < n && text[j] == ',' && digit(j + 1) && digit(j + 2) && digit(j + 3) && !digit(j + 4)) j += 4;
      }
      if (j < n && text[j] == '.' && digit(j + 1)) {
        ++j;
        while (digit(j)) ++j;
      }
      last = text.substr(start, j - start);
      i = j;
    } else {
      i = start + 1;
    }
  }
  return last;
}

/// The first line of `text` that is not blank, without leading and trailing ASCII whitespace:
/// "\n  Paris.\nIt is..." gives "Paris.". Returns nullopt when every line is blank.
[[nodiscard]] inline std::optional<std::string_view> extract_first_line(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(i, end - i);
    while (!line.empty() && detail::is_ascii_space(line.front())) line.remove_prefix(1);
    while (!line.empty() && detail::is_ascii_space(line.back())) line.remove_suffix(1);
    if (!line.empty()) return line;
    i = end + 1;
  }
  return std::nullopt;
}

/// How an answer is taken from a generated text: one of the extractors above, a regular
/// expression, or the whole text (`none`). Build one with the static factories or `parse`; calling
/// it is thread-safe and copies share the compiled regular expression, which is held type-erased so
/// that `<regex>` is instantiated only where a pattern is compiled (`from_regex`, `parse`).
class answer_extractor {
 public:
  /// The extraction rule.
  enum class kind_t {
    none,         ///< the whole text is the answer (never fails)
    boxed,        ///< `extract_boxed`
    gsm8k,        ///< `extract_gsm8k`
    last_number,  ///< `extract_last_number`
    first_line,   ///< `extract_first_line`
    regex,        ///< the first match of a user regular expression: its first capture group, else the whole match
  };

  /// The identity extractor (`none`): the answer is the whole text.
  answer_extractor() = default;

  /// An extractor of the given kind (not `regex`: use `from_regex`).
  explicit answer_extractor(kind_t k) : kind_(k) {
    if (k == kind_t::regex) throw input_error("answer_extractor: a regex extractor needs a pattern (from_regex)");
  }

  /// An extractor taking the first match of `pattern` (ECMAScript syntax of std::regex, over UTF-8
  /// bytes; Python's leading `(?s)` and `(?i)` flags are understood): its first capture group when the
  /// pattern has one, else the whole match, as lm-evaluation-harness's `regex` filter with
  /// `group_select: 0`. Throws `input_error` when the pattern does not compile.
  template <class Regex = std::regex>
  [[nodiscard]] static answer_extractor from_regex(std::string_view pattern) {
    answer_extractor e;
    e.kind_ = kind_t::regex;
    e.pattern_ = detail::compile_user_regex<Regex>(pattern, "answer_extractor");
    e.search_ = &detail::first_capture<Regex>;
    e.text_ = std::string(pattern);
    return e;
  }

  /// Parses `none`, `boxed`, `gsm8k`, `last-number`, `first-line` or `regex:PATTERN`; throws
  /// `input_error` naming the known extractors otherwise.
  template <class Regex = std::regex>
  [[nodiscard]] static answer_extractor parse(std::string_view spec) {
    if (spec == "none") return answer_extractor();
    if (spec == "boxed") return answer_extractor(kind_t::boxed);
    if (spec == "gsm8k") return answer_extractor(kind_t::gsm8k);
    if (spec == "last-number") return answer_extractor(kind_t::last_number);
    if (spec == "first-line") return answer_extractor(kind_t::first_line);
    if (spec.substr(0, 6) == "regex:" && spec.size() > 6) return from_regex<Regex>(spec.substr(6));
    throw input_error("answer extractor '" + std::string(spec) +
                      "' is unknown (known: none, boxed, gsm8k, last-number, first-line, regex:PATTERN)");
  }

  /// The extracted answer, or nullopt when the rule finds none.
  [[nodiscard]] std::optional<std::string> operator()(std::string_view text) const {
    std::optional<std::string_view> v;
    switch (kind_) {
      case kind_t::none: return std::string(text);
      case kind_t::boxed: v = extract_boxed(text); break;
      case kind_t::gsm8k: v = extract_gsm8k(text); break;
      case kind_t::last_number: v = extract_last_number(text); break;
      case kind_t::first_line: v = extract_first_line(text); break;
      case kind_t::regex: return search_(pattern_.get(), text);
    }
    if (!v) return std::nullopt;
    return std::string(*v);
  }

  /// The rule.
  [[nodiscard]] kind_t kind() const noexcept { return kind_; }

  /// The spelling `parse` accepts for this extractor (`regex:PATTERN` with its pattern).
  [[nodiscard]] std::string name() const {
    switch (kind_) {
      case kind_t::none: return "none";
      case kind_t::boxed: return "boxed";
      case kind_t::gsm8k: return "gsm8k";
      case kind_t::last_number: return "last-number";
      case kind_t::first_line: return "first-line";
      case kind_t::regex: return "regex:" + text_;
    }
    return "none";
  }

 private:
  kind_t kind_ = kind_t::none;
  std::shared_ptr<const void> pattern_;
  std::optional<std::string> (*search_)(const void*, std::string_view) = nullptr;
  std::string text_;
};

}  // namespace emergent
