/// @file
/// @brief Built-in tokenisations for users without a model tokenizer: UTF-8 text to Unicode code
///        points (RFC 3629, strict), whitespace-separated words (Python's `str.split()` on ASCII
///        whitespace), and digit / number groups (numbers as one token, or digits in fixed-size
///        groups as GPT-style tokenizers split them). The results feed `levenshtein_distance`
///        and `exact_match` as token sequences.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"

namespace emergent {
namespace detail {

inline std::string hex_byte(unsigned char c) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "0x";
  out += digits[c >> 4];
  out += digits[c & 15];
  return out;
}

/// Decodes one code point starting at text[i] per RFC 3629 (no overlong forms, no surrogates,
/// nothing above U+10FFFF). On success stores it in `cp`, advances `i` and returns nullptr; on
/// failure returns the reason and leaves `i` at the offending sequence's first byte.
inline const char* utf8_decode_one(std::string_view text, std::size_t& i, char32_t& cp) noexcept {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    cp = b0;
    ++i;
    return nullptr;
  }
  std::size_t len = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1FU;
    min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0FU;
    min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07U;
    min = 0x10000;
  } else if (b0 >= 0x80 && b0 <= 0xBF) {
    return "unexpected continuation byte";
  } else {
    return "invalid lead byte";  // 0xC0, 0xC1 (always overlong) and 0xF5..0xFF
  }
  if (i + len > text.size()) return "truncated sequence";
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0U) != 0x80U) return "truncated sequence";
    cp = (cp << 6) | (b & 0x3FU);
  }
  if (cp < min) return "overlong encoding";
  if (cp >= 0xD800 && cp <= 0xDFFF) return "encoded surrogate";
  if (cp > 0x10FFFF) return "code point above U+10FFFF";
  i += len;
  return nullptr;
}

[[nodiscard]] constexpr bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

[[nodiscard]] constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace detail

/// Decodes UTF-8 `text` into Unicode code points (RFC 3629: no overlong forms, no UTF-16
/// surrogates, nothing above U+10FFFF). Throws `input_error` naming the byte offset of the first
/// invalid sequence, e.g. `utf8_code_points: text[3]: invalid UTF-8 (truncated sequence, byte 0xe2)`.
[[nodiscard]] inline std::u32string utf8_code_points(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    if (const char* why = detail::utf8_decode_one(text, i, cp)) {
      throw input_error(detail::describe_at("utf8_code_points", "text", i,
                                            std::string("invalid UTF-8 (") + why + ", byte " +
                                                detail::hex_byte(static_cast<unsigned char>(text[i])) + ")"));
    }
    out.push_back(cp);
  }
  return out;
}

/// Splits `text` into maximal runs of non-whitespace bytes (ASCII whitespace: space, \\t, \\n, \\v,
/// \\f, \\r), as Python's `str.split()` does on ASCII text. The views point into `text`.
[[nodiscard]] inline std::vector<std::string_view> whitespace_words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && detail::is_ascii_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !detail::is_ascii_space(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

/// Splits `text` at whitespace and around numbers: a number (ASCII digits, with single `,` or `.`
/// between digits, as in "1,234.50") is one token, and each maximal run of other non-whitespace
/// bytes is one token. "costs $1,234.50 now" gives {"costs", "$", "1,234.50", "now"}.
[[nodiscard]] inline std::vector<std::string_view> number_tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    if (detail::is_ascii_space(text[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (detail::is_ascii_digit(text[i])) {
      while (i < n && (detail::is_ascii_digit(text[i]) ||
                       ((text[i] == ',' || text[i] == '.') && i + 1 < n && detail::is_ascii_digit(text[i + 1])))) {
        ++i;
      }
    } else {
      while (i < n && !detail::is_ascii_space(text[i]) && !detail::is_ascii_digit(text[i])) ++i;
    }
    out.push_back(text.substr(start, i - start));
  }
  return out;
}

/// Splits `text` at whitespace and around digits, cutting each maximal run of ASCII digits into
/// groups of `digits_per_token` from the left (1: one token per digit, as LLaMA's tokenizer does;
/// 3: groups of up to three, as GPT-4's cl100k does); other non-whitespace runs are one token each.
/// "x=12345" with 3 gives {"x=", "123", "45"}. Throws `input_error` when `digits_per_token` is 0.
[[nodiscard]] inline std::vector<std::string_view> digit_tokens(std::string_view text, std::size_t digits_per_token = 1) {
  if (digits_per_token == 0) {
    throw input_error(detail::describe("digit_tokens", "digits_per_token", "must be at least 1"));
  }
  std::vector<std::string_view> out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    if (detail::is_ascii_space(text[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (detail::is_ascii_digit(text[i])) {
      while (i < n && i - start < digits_per_token && detail::is_ascii_digit(text[i])) ++i;
    } else {
      while (i < n && !detail::is_ascii_space(text[i]) && !detail::is_ascii_digit(text[i])) ++i;
    }
    out.push_back(text.substr(start, i - start));
  }
  return out;
}

}  // namespace emergent
