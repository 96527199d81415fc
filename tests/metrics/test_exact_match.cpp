// Exact match: the normalisers one by one, lm-evaluation-harness and SQuAD semantics against the
// answers of tests/reference/exact_match_lm_eval.py, the link with edit distance, the rate kernel,
// and every error path.
#if defined(__GNUC__) && !defined(__clang__)
// g++-12 reports a false "may be used uninitialized" inside libstdc++'s <regex> (std::function in the
// regex compiler) at -O2 with sanitizers; it must be silenced before the first standard header.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <doctest/doctest.h>

#include <emergent/metrics/edit_distance.hpp>
#include <emergent/metrics/exact_match.hpp>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using emergent::input_error;
using emergent::text_normaliser;
namespace nz = emergent::normalise;

namespace {

std::string unhex(const std::string& h) {
  std::string out;
  if (h == "-") return out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

}  // namespace

TEST_CASE("exact_match: plain strings and token sequences") {
  CHECK(emergent::exact_match("Paris", "Paris"));
  CHECK_FALSE(emergent::exact_match("Paris", "paris"));
  CHECK_FALSE(emergent::exact_match("Paris ", "Paris"));
  CHECK(emergent::exact_match("", ""));
  CHECK(emergent::exact_match(std::string("abc"), "abc"));
  const std::vector<std::uint32_t> a{5, 9, 2};
  const std::vector<std::uint32_t> b{5, 9, 2};
  const std::vector<std::uint32_t> c{5, 9};
  CHECK(emergent::exact_match(a, b));
  CHECK_FALSE(emergent::exact_match(a, c));
  // A sequence normaliser: drop padding token 0.
  const auto drop_padding = [](const std::vector<std::uint32_t>& v) {
    std::vector<std::uint32_t> out;
    for (const auto t : v) {
      if (t != 0) out.push_back(t);
    }
    return out;
  };
  CHECK(emergent::exact_match(std::vector<std::uint32_t>{5, 9, 0, 0}, c, drop_padding));
  // Any callable on strings.
  CHECK(emergent::exact_match("A", "a", [](std::string_view s) { return s.size(); }));
}

TEST_CASE("normalisers one by one") {
  CHECK(nz::trim()("  a b \n") == "a b");
  CHECK(nz::collapse_whitespace()("  a \t\n b  ") == "a b");
  CHECK(nz::case_fold()("HeLLo \xC3\x89T\xC3\x89") == "hello \xC3\xA9t\xC3\xA9");   // ÉTÉ -> été
  CHECK(nz::case_fold()("\xD0\x9C\xD0\x9E") == "\xD0\xBC\xD0\xBE");                  // МО -> мо
  CHECK(nz::case_fold()("\xCE\x86") == "\xCE\xAC");                                  // Ά -> ά
  CHECK(nz::case_fold()("\xC5\xB8\xC4\x80") == "\xC3\xBF\xC4\x81");                  // Ÿ -> ÿ, Ā -> ā
  CHECK(nz::case_fold()("A\xFF" "B") == "a\xFF" "b");  // invalid UTF-8 bytes are kept as they are
  CHECK(nz::strip_punctuation()("a.b,c!d?(e)") == "abcde");
  CHECK(nz::strip_articles()("The cat ate an apple and a pear") == "  cat ate   apple and   pear");
  CHECK(nz::strip_articles()("theatre another Anna") == "theatre another Anna");
  CHECK(nz::remove_digits()("a1b22c") == "abc");
  CHECK(nz::ignore_regex("[0-9]+")("a12b3") == "ab");
  CHECK(nz::ignore_regex("(?i)answer:\\s*")("ANSWER: 42") == "42");
  CHECK(nz::ignore_regex("(?s).*#### ")("line one\nline two\n#### 7") == "7");
  CHECK(nz::ignore_regex("(?s)[.]x")("a.xb") == "ab");
  const text_normaliser identity;
  CHECK(identity("  X ") == "  X ");
  CHECK(identity.size() == 0);
  const text_normaliser both = nz::trim() | nz::case_fold();
  CHECK(both.size() == 2);
  CHECK(both.kinds() == std::vector<text_normaliser::step_kind>{text_normaliser::step_kind::trim,
                                                                    text_normaliser::step_kind::case_fold});
  CHECK(both("  ABC ") == "abc");
}

TEST_CASE("numeric equivalence: 1,234 = 1234 = 1234.0") {
  const text_normaliser num = nz::numeric_equivalence();
  CHECK(num("1,234") == "1234");
  CHECK(num("1234.0") == "1234");
  CHECK(num("1234") == "1234");
  CHECK(num("+1,234.00") == "1234");
  CHECK(num("0.50") == "0.5");
  CHECK(num(".5") == "0.5");
  CHECK(num("007") == "7");
  CHECK(num("-0.0") == "0");
  CHECK(num("-12.50") == "-12.5");
  CHECK(num("1,2") == "1,2");              // not a thousands grouping
  CHECK(num("12,3456") == "12,3456");
  CHECK(num("1,234,567.890") == "1234567.89");
  CHECK(num("x-1") == "x-1");              // a '-' after a word character is not a sign
  CHECK(num("v1.0") == "v1.0");            // digits glued to a word are not a number
  CHECK(num("costs $1,000.00 now") == "costs $1000 now");
  CHECK(emergent::exact_match("1,234", "1234.0", num));
  CHECK(emergent::exact_match("The answer is 1,234.", "the answer is 1234.00.", nz::case_fold() | num));
  CHECK_FALSE(emergent::exact_match("1,234", "1235", num));
}

TEST_CASE("lm-evaluation-harness exact_match options and SQuAD normalisation match Python") {
  std::ifstream in(std::string(EMERGENT_TEST_REFERENCE_DIR) + "/exact_match_lm_eval.tsv");
  REQUIRE(in.good());
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    const auto f = split(line, '\t');
    REQUIRE(f.size() == 8);
    const std::string pred = unhex(f[1]);
    const std::string ref = unhex(f[2]);
    const bool expected = f[7] == "1";
    text_normaliser n;
    if (f[0] == "lm_eval") {
      emergent::lm_eval_exact_match_options o;
      if (f[3] != "-") {
        for (const auto& h : split(f[3], ',')) o.regexes_to_ignore.push_back(unhex(h));
      }
      o.ignore_case = f[4] == "1";
      o.ignore_punctuation = f[5] == "1";
      o.ignore_numbers = f[6] == "1";
      n = nz::lm_eval(o);
    } else {
      n = nz::squad();
    }
    INFO("case " << cases << ": " << f[0] << " '" << pred << "' vs '" << ref << "'");
    CHECK(emergent::exact_match(pred, ref, n) == expected);
    ++cases;
  }
  CHECK(cases == 33);
}

TEST_CASE("exact match is true exactly when the normalised sequences have edit distance 0") {
  std::mt19937_64 rng(5);
  const char alphabet[] = "aAbB ,.1 2tThe";
  const text_normaliser normalisers[] = {text_normaliser{}, nz::squad(), nz::case_fold() | nz::strip_punctuation(),
                                         nz::numeric_equivalence() | nz::collapse_whitespace()};
  int equal = 0;
  for (int it = 0; it < 4000; ++it) {
    std::string p(rng() % 8, ' ');
    for (auto& c : p) c = alphabet[rng() % (sizeof alphabet - 1)];
    std::string r = p;
    if (rng() % 2 == 0 && !r.empty()) r[rng() % r.size()] = alphabet[rng() % (sizeof alphabet - 1)];
    const text_normaliser& n = normalisers[it % 4];
    const bool em = emergent::exact_match(p, r, n);
    CHECK(em == (emergent::levenshtein_distance(n(p), n(r)) == 0));
    CHECK(em == (emergent::levenshtein_normalized_distance(n(p), n(r)) == 0.0));
    equal += em ? 1 : 0;
  }
  CHECK(equal > 500);  // both outcomes occur
  CHECK(equal < 3500);
}

TEST_CASE("exact_match_rate over rows of token ids") {
  std::mt19937_64 rng(9);
  for (const std::size_t width : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{16}, std::size_t{64}}) {
    const std::size_t rows = 257;
    std::vector<std::uint32_t> p(rows * width);
    for (auto& t : p) t = static_cast<std::uint32_t>(rng() % 50000);
    std::vector<std::uint32_t> r = p;
    std::size_t equal = rows;
    for (std::size_t i = 0; i < rows; i += 3) {  // break every third row at a random position
      r[i * width + rng() % width] ^= 1U << (rng() % 32);
      --equal;
    }
    CHECK(emergent::exact_match_rate(p, r, width) == static_cast<double>(equal) / static_cast<double>(rows));
  }
  const std::vector<std::uint32_t> one{1, 2, 3, 4};
  CHECK(emergent::exact_match_rate(one, one, 2) == 1.0);
  const std::vector<std::string> preds{"Paris", "london", "Rome "};
  const std::vector<std::string> refs{"Paris", "London", "Rome"};
  CHECK(emergent::exact_match_rate(preds, refs) == doctest::Approx(1.0 / 3.0));
  CHECK(emergent::exact_match_rate(preds, refs, nz::trim() | nz::case_fold()) == 1.0);
}

TEST_CASE("exact match: error paths") {
  const std::vector<std::uint32_t> four{1, 2, 3, 4};
  const std::vector<std::uint32_t> three{1, 2, 3};
  const std::vector<std::uint32_t> none;
  CHECK_THROWS_WITH_AS((void)emergent::exact_match_rate(four, four, 0), "exact_match_rate: tokens_per_row: must be at least 1",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::exact_match_rate(four, three, 1),
                       "exact_match_rate: references: has 3 tokens but predictions has 4", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::exact_match_rate(three, three, 2),
                       "exact_match_rate: predictions: 3 tokens are not a whole number of rows of 2", input_error);
  CHECK_THROWS_WITH_AS((void)emergent::exact_match_rate(none, none, 16),
                       "exact_match_rate: predictions: no rows: the rate of nothing is undefined", input_error);
  const std::vector<std::string> two{"a", "b"};
  const std::vector<std::string> one{"a"};
  const std::vector<std::string> empty;
  CHECK_THROWS_WITH_AS((void)emergent::exact_match_rate(two, one), "exact_match_rate: references: has 1 strings but predictions has 2",
                       input_error);
  CHECK_THROWS_WITH_AS((void)emergent::exact_match_rate(empty, empty),
                       "exact_match_rate: predictions: empty: the rate of nothing is undefined", input_error);
  CHECK_THROWS_AS((void)nz::ignore_regex("(unclosed"), input_error);
  CHECK_THROWS_WITH_AS((void)nz::ignore_regex("[z-a]"),
                       doctest::Contains("normalise::ignore_regex: pattern: '[z-a]' is not a valid regular expression"),
                       input_error);
  emergent::lm_eval_exact_match_options bad;
  bad.regexes_to_ignore = {"*"};
  CHECK_THROWS_AS((void)nz::lm_eval(bad), input_error);
}
