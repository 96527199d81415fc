// Built-in tokenisations: UTF-8 decoding (valid and every kind of invalid input), whitespace words,
// number and digit groups.
#include <doctest/doctest.h>

#include <emergent/metrics/edit_distance.hpp>
#include <emergent/metrics/tokenize.hpp>

#include <string>
#include <string_view>
#include <vector>

using emergent::input_error;

TEST_CASE("utf8_code_points decodes 1- to 4-byte sequences") {
  CHECK(emergent::utf8_code_points("") == U"");
  CHECK(emergent::utf8_code_points("abc") == U"abc");
  CHECK(emergent::utf8_code_points("na\xC3\xAFve") == U"na\u00EFve");              // ï: 2 bytes
  CHECK(emergent::utf8_code_points("\xE2\x82\xAC") == U"\u20AC");                 // €: 3 bytes
  CHECK(emergent::utf8_code_points("\xF0\x9F\x98\x80!") == U"\U0001F600!");       // 😀: 4 bytes
  CHECK(emergent::utf8_code_points("\xF4\x8F\xBF\xBF") == U"\U0010FFFF");         // the last code point
  CHECK(emergent::utf8_code_points("\xEF\xBB\xBF") == U"\uFEFF");                 // a BOM is a code point
  // Code-point edit distance counts a 2-byte character once; byte edit distance twice.
  CHECK(emergent::levenshtein_distance(emergent::utf8_code_points("caf\xC3\xA9"), emergent::utf8_code_points("cafe")) == 1);
  CHECK(emergent::levenshtein_distance(std::string_view("caf\xC3\xA9"), std::string_view("cafe")) == 2);
}

TEST_CASE("utf8_code_points: invalid UTF-8 is an input_error with the byte offset") {
  CHECK_THROWS_WITH_AS((void)emergent::utf8_code_points("ab\x80"),
                       "utf8_code_points: text[2]: invalid UTF-8 (unexpected continuation byte, byte 0x80)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::utf8_code_points("abc\xE2\x82"),
                       "utf8_code_points: text[3]: invalid UTF-8 (truncated sequence, byte 0xe2)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::utf8_code_points("\xE2(x"),
                       "utf8_code_points: text[0]: invalid UTF-8 (truncated sequence, byte 0xe2)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::utf8_code_points("x\xC0\xAF"),
                       "utf8_code_points: text[1]: invalid UTF-8 (invalid lead byte, byte 0xc0)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::utf8_code_points("\xE0\x80\xAF"),
                       "utf8_code_points: text[0]: invalid UTF-8 (overlong encoding, byte 0xe0)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::utf8_code_points("\xED\xA0\x80"),
                       "utf8_code_points: text[0]: invalid UTF-8 (encoded surrogate, byte 0xed)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::utf8_code_points("\xF4\x90\x80\x80"),
                       "utf8_code_points: text[0]: invalid UTF-8 (code point above U+10FFFF, byte 0xf4)", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::utf8_code_points("\xFF"),
                       "utf8_code_points: text[0]: invalid UTF-8 (invalid lead byte, byte 0xff)", input_error);
}

TEST_CASE("whitespace_words splits like Python's str.split()") {
  using V = std::vector<std::string_view>;
  CHECK(emergent::whitespace_words("") == V{});
  CHECK(emergent::whitespace_words(" \t\n ") == V{});
  CHECK(emergent::whitespace_words("  the cat\tsat\n\non  the mat ") == V{"the", "cat", "sat", "on", "the", "mat"});
  CHECK(emergent::whitespace_words("one") == V{"one"});
  // Word-level edit distance.
  CHECK(emergent::levenshtein_distance(emergent::whitespace_words("the cat sat on the mat"),
                                       emergent::whitespace_words("the cat sat on a mat")) == 1);
}

TEST_CASE("number_tokens keeps numbers whole") {
  using V = std::vector<std::string_view>;
  CHECK(emergent::number_tokens("costs $1,234.50 now") == V{"costs", "$", "1,234.50", "now"});
  CHECK(emergent::number_tokens("x=12+3.") == V{"x=", "12", "+", "3", "."});
  CHECK(emergent::number_tokens("1,2,3") == V{"1,2,3"});
  CHECK(emergent::number_tokens("") == V{});
  CHECK(emergent::number_tokens("v2") == V{"v", "2"});
}

TEST_CASE("digit_tokens cuts digit runs into fixed-size groups") {
  using V = std::vector<std::string_view>;
  CHECK(emergent::digit_tokens("x=12345") == V{"x=", "1", "2", "3", "4", "5"});
  CHECK(emergent::digit_tokens("x=12345", 3) == V{"x=", "123", "45"});
  CHECK(emergent::digit_tokens("2024 was  a year", 2) == V{"20", "24", "was", "a", "year"});
  CHECK(emergent::digit_tokens("") == V{});
  CHECK_THROWS_WITH_AS((void)emergent::digit_tokens("12", 0), "digit_tokens: digits_per_token: must be at least 1",
                       input_error);
}
