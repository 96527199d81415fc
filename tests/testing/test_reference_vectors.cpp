// The reference vectors: the installed JSON file is valid against its JSON Schema, and every built-in
// metric reproduces every case (values within the file's tolerance; invalid inputs throw input_error).
// The expected values were computed by tests/reference/reference_vectors.py (scikit-learn, SciPy,
// exact arithmetic, brute force), never by emergent.
#include <doctest/doctest.h>

#include <emergent/metrics.hpp>
#include <emergent/testing.hpp>

#if __has_include(<simdjson.h>)
#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// ---------------------------------------------------------------- a small JSON Schema validator
// The subset of draft 2020-12 that reference_vectors.schema.json uses: $ref (to #/$defs/...), type,
// const, enum, required, properties, additionalProperties, items, minItems, minProperties, minimum,
// pattern, oneOf, not. An unknown keyword is an error, so the schema cannot outgrow this validator
// silently.
class schema_validator {
 public:
  explicit schema_validator(element root) : root_(root) {}

  std::vector<std::string> validate(element value) {
    errors_.clear();
    check(value, root_, "$");
    return errors_;
  }

 private:
  static bool is_number(element v) {
    return v.type() == element_type::INT64 || v.type() == element_type::UINT64 || v.type() == element_type::DOUBLE;
  }

  static bool equal(element a, element b) {
    if (is_number(a) && is_number(b)) return double(a) == double(b);
    if (a.type() != b.type()) return false;
    if (a.type() == element_type::STRING) return std::string_view(a) == std::string_view(b);
    if (a.type() == element_type::BOOL) return bool(a) == bool(b);
    return a.type() == element_type::NULL_VALUE;
  }

  static bool identifier(std::string_view s) {
    if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
    for (const char c : s) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
  }

  bool matches(element value, element schema) {
    std::vector<std::string> saved;
    saved.swap(errors_);
    check(value, schema, "");
    const bool ok = errors_.empty();
    errors_.swap(saved);
    return ok;
  }

  void fail(const std::string& path, const std::string& message) { errors_.push_back(path + ": " + message); }

  void check(element value, element schema, const std::string& path) {
    static const std::set<std::string_view> ignored = {"$schema", "$id", "title", "description", "$defs"};
    for (const auto field : simdjson::dom::object(schema)) {
      const std::string_view key = field.key;
      const element rule = field.value;
      if (ignored.count(key) != 0) continue;
      if (key == "$ref") {
        const std::string_view ref = rule;
        const std::string prefix = "#/$defs/";
        if (ref.substr(0, prefix.size()) != prefix) {
          fail(path, "unsupported $ref");
          continue;
        }
        check(value, root_["$defs"][ref.substr(prefix.size())], path);
      } else if (key == "type") {
        const std::string_view t = rule;
        const bool ok = t == "object"    ? value.type() == element_type::OBJECT
                        : t == "array"   ? value.type() == element_type::ARRAY
                        : t == "string"  ? value.type() == element_type::STRING
                        : t == "number"  ? is_number(value)
                        : t == "integer" ? value.type() == element_type::INT64 || value.type() == element_type::UINT64
                        : t == "boolean" ? value.type() == element_type::BOOL
                                         : false;
        if (!ok) fail(path, "is not of type " + std::string(t));
      } else if (key == "const") {
        if (!equal(value, rule)) fail(path, "is not the constant required");
      } else if (key == "enum") {
        bool found = false;
        for (const element option : simdjson::dom::array(rule)) found = found || equal(value, option);
        if (!found) fail(path, "is not one of the allowed values");
      } else if (key == "required") {
        if (value.type() != element_type::OBJECT) continue;
        for (const element name : simdjson::dom::array(rule)) {
          if (value[std::string_view(name)].error() != simdjson::SUCCESS) fail(path, "lacks " + std::string(std::string_view(name)));
        }
      } else if (key == "properties" || key == "additionalProperties") {
        if (value.type() != element_type::OBJECT || key == "additionalProperties") continue;
        auto extra = schema["additionalProperties"];
        for (const auto member : simdjson::dom::object(value)) {
          auto property = rule[member.key];
          const std::string where = path + "." + std::string(member.key);
          if (property.error() == simdjson::SUCCESS) {
            check(member.value, property.value(), where);
          } else if (extra.error() == simdjson::SUCCESS) {
            if (extra.value().type() == element_type::BOOL) {
              if (!bool(extra.value())) fail(where, "is not allowed");
            } else {
              check(member.value, extra.value(), where);
            }
          }
        }
      } else if (key == "items") {
        if (value.type() != element_type::ARRAY) continue;
        std::size_t i = 0;
        for (const element item : simdjson::dom::array(value)) check(item, rule, path + "[" + std::to_string(i++) + "]");
      } else if (key == "minItems") {
        if (value.type() == element_type::ARRAY && simdjson::dom::array(value).size() < std::uint64_t(rule)) fail(path, "has too few items");
      } else if (key == "minProperties") {
        if (value.type() == element_type::OBJECT && simdjson::dom::object(value).size() < std::uint64_t(rule)) fail(path, "has too few members");
      } else if (key == "minimum") {
        if (is_number(value) && double(value) < double(rule)) fail(path, "is below the minimum");
      } else if (key == "pattern") {
        // The one pattern the schema uses, checked by hand (std::regex trips a false
        // -Wmaybe-uninitialized of g++-12 at -O2).
        if (std::string_view(rule) != "^[a-z][a-z0-9_]*$") {
          fail(path, "pattern " + std::string(std::string_view(rule)) + " is not supported by the test's validator");
        } else if (value.type() == element_type::STRING && !identifier(std::string_view(value))) {
          fail(path, "does not match the pattern");
        }
      } else if (key == "oneOf") {
        std::size_t count = 0;
        for (const element option : simdjson::dom::array(rule)) count += matches(value, option) ? 1 : 0;
        if (count != 1) fail(path, "matches " + std::to_string(count) + " alternatives of oneOf instead of one");
      } else if (key == "not") {
        if (matches(value, rule)) fail(path, "matches a schema it must not match");
      } else {
        fail(path, "schema keyword " + std::string(key) + " is not supported by the test's validator");
      }
    }
  }

  element root_;
  std::vector<std::string> errors_;
};

// ---------------------------------------------------------------- reading inputs
double number(element v) {
  if (v.type() == element_type::STRING) {
    const std::string_view s = v;
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    throw std::runtime_error("not a number: " + std::string(s));
  }
  return double(v);
}

std::vector<double> numbers(element v) {
  std::vector<double> out;
  for (const element x : simdjson::dom::array(v)) out.push_back(number(x));
  return out;
}

std::vector<std::int64_t> tokens(element v) {
  std::vector<std::int64_t> out;
  for (const element x : simdjson::dom::array(v)) out.push_back(x.type() == element_type::UINT64 ? std::int64_t(std::uint64_t(x)) : std::int64_t(x));
  return out;
}

std::vector<std::string> strings(element v) {
  std::vector<std::string> out;
  for (const element x : simdjson::dom::array(v)) out.emplace_back(std::string_view(x));
  return out;
}

std::size_t index(element v) { return static_cast<std::size_t>(std::int64_t(v)); }
int outcome(element v) { return static_cast<int>(std::int64_t(v)); }
std::string text(element v) { return std::string(std::string_view(v)); }

bool has(element input, std::string_view key) { return input[key].error() == simdjson::SUCCESS; }

emergent::brier_convention convention(element input) {
  return text(input["convention"]) == "mean_over_classes" ? emergent::brier_convention::mean_over_classes
                                                           : emergent::brier_convention::sum_over_classes;
}

// Every built-in metric with reference vectors, by the name used in the file.
const std::map<std::string, std::function<double(element)>>& dispatch() {
  static const std::map<std::string, std::function<double(element)>> table = {
      {"brier_score_binary", [](element in) { return emergent::brier_score(number(in["p"]), outcome(in["outcome"])); }},
      {"brier_score",
       [](element in) {
         return emergent::brier_score(numbers(in["probabilities"]), index(in["label"]), emergent::brier_options{convention(in)});
       }},
      {"brier_score_from_log_likelihoods",
       [](element in) {
         return emergent::brier_score_from_log_likelihoods(numbers(in["log_likelihoods"]), index(in["label"]), convention(in));
       }},
      {"log_loss",
       [](element in) {
         emergent::log_loss_options o;
         if (has(in, "clamp_epsilon")) o.clamp_epsilon = number(in["clamp_epsilon"]);
         if (has(in, "allow_infinite")) o.allow_infinite = bool(in["allow_infinite"]);
         return emergent::log_loss(number(in["p"]), outcome(in["outcome"]), o);
       }},
      {"cross_entropy", [](element in) { return emergent::cross_entropy(numbers(in["probabilities"]), index(in["label"])); }},
      {"cross_entropy_from_logits",
       [](element in) { return emergent::cross_entropy_from_logits(numbers(in["logits"]), index(in["label"])); }},
      {"cross_entropy_from_log_probabilities",
       [](element in) {
         return emergent::cross_entropy_from_log_probabilities(numbers(in["log_probabilities"]), index(in["label"]));
       }},
      {"sequence_log_probability", [](element in) { return emergent::sequence_log_probability(numbers(in["token_log_probs"])); }},
      {"sequence_probability", [](element in) { return emergent::sequence_probability(numbers(in["token_log_probs"])); }},
      {"sequence_log_likelihood", [](element in) { return emergent::sequence_log_likelihood(numbers(in["token_log_probs"])); }},
      {"mean_token_nll", [](element in) { return emergent::mean_token_nll(numbers(in["token_log_probs"])); }},
      {"perplexity", [](element in) { return emergent::perplexity(numbers(in["token_log_probs"])); }},
      {"k_of_k", [](element in) { return emergent::k_of_k(number(in["p"]), index(in["k"])); }},
      {"pass_at_k",
       [](element in) {
         return emergent::pass_at_k(std::uint64_t(in["n"]), std::uint64_t(in["c"]), std::uint64_t(in["k"]));
       }},
      {"expected_token_edit_distance",
       [](element in) { return emergent::expected_token_edit_distance(index(in["length"]), number(in["p"])); }},
      {"levenshtein_distance",
       [](element in) { return static_cast<double>(emergent::levenshtein_distance(tokens(in["a"]), tokens(in["b"]))); }},
      {"levenshtein_similarity",
       [](element in) { return static_cast<double>(emergent::levenshtein_similarity(tokens(in["a"]), tokens(in["b"]))); }},
      {"levenshtein_normalized_distance",
       [](element in) { return emergent::levenshtein_normalized_distance(tokens(in["a"]), tokens(in["b"])); }},
      {"levenshtein_normalized_similarity",
       [](element in) { return emergent::levenshtein_normalized_similarity(tokens(in["a"]), tokens(in["b"])); }},
      {"exact_match",
       [](element in) { return emergent::exact_match(text(in["prediction"]), text(in["reference"])) ? 1.0 : 0.0; }},
      {"multiple_choice_grade",
       [](element in) { return emergent::multiple_choice_grade(numbers(in["log_likelihoods"]), index(in["label"])); }},
      {"multiple_choice_grade_norm",
       [](element in) {
         return emergent::multiple_choice_grade(numbers(in["log_likelihoods"]), strings(in["choices"]), index(in["label"]),
                                                emergent::length_unit::characters);
       }},
      {"multiple_choice_grade_bytes",
       [](element in) {
         return emergent::multiple_choice_grade(numbers(in["log_likelihoods"]), strings(in["choices"]), index(in["label"]),
                                                emergent::length_unit::bytes);
       }},
      {"multiple_choice_grade_tokens",
       [](element in) {
         return emergent::multiple_choice_grade(numbers(in["log_likelihoods"]), numbers(in["lengths"]), index(in["label"]));
       }},
      {"mean_brier_score_binary",
       [](element in) { return emergent::mean_brier_score(numbers(in["probabilities"]), tokens(in["outcomes"])); }},
      {"mean_log_loss", [](element in) { return emergent::mean_log_loss(numbers(in["probabilities"]), tokens(in["outcomes"])); }},
      {"mean_cross_entropy_from_log_probabilities",
       [](element in) {
         return emergent::mean_cross_entropy_from_log_probabilities(numbers(in["log_probabilities"]), tokens(in["labels"]),
                                                                    index(in["num_classes"]));
       }},
      {"mean_sequence_probability",
       [](element in) { return emergent::mean_sequence_probability(numbers(in["token_log_probs"]), index(in["tokens_per_row"])); }},
      {"exact_match_squad",
       [](element in) {
         return emergent::exact_match(text(in["prediction"]), text(in["reference"]), emergent::normalise::squad()) ? 1.0 : 0.0;
       }},
  };
  return table;
}

struct loaded {
  simdjson::dom::parser parser;
  element root;
};

}  // namespace

TEST_CASE("the reference vectors are installed next to the headers and are valid against their schema") {
  const auto path = emergent::testing::reference_vectors_path();
  const auto schema_path = emergent::testing::reference_vectors_schema_path();
  CHECK(path.filename() == "reference_vectors.json");
  CHECK(path.parent_path().filename() == "testing");
  simdjson::dom::parser document_parser;
  simdjson::dom::parser schema_parser;
  const element document = document_parser.load(path.string());
  const element schema = schema_parser.load(schema_path.string());
  schema_validator validator(schema);
  const auto errors = validator.validate(document);
  for (const auto& e : errors) FAIL_CHECK(e);
  CHECK(errors.empty());
  CHECK(std::string_view(document["format"]) == "emergent-reference-vectors");
}

TEST_CASE("the schema check can fail: broken documents are rejected") {
  simdjson::dom::parser schema_parser;
  const element schema = schema_parser.load(emergent::testing::reference_vectors_schema_path().string());
  schema_validator validator(schema);
  const auto errors_of = [&](std::string_view json) {
    simdjson::dom::parser p;
    const element doc = p.parse(simdjson::padded_string(json));
    return validator.validate(doc);
  };
  const std::string head = R"j({"format":"emergent-reference-vectors","version":1,"generated_by":"x","tolerance":{"relative":0,"absolute":0},)j";
  const std::string metric = R"j("name":"m","call":"m(x)","definition":"d","source":"s","oracle":"o",)j";
  CHECK(errors_of(head + R"j("metrics":[{)j" + metric + R"j("cases":[{"input":{"x":1},"expected":2}]}]})j").empty());
  // Neither expected nor error; both; NaN written as a string; an unknown member; a bad name; no cases.
  CHECK_FALSE(errors_of(head + R"j("metrics":[{)j" + metric + R"j("cases":[{"input":{"x":1}}]}]})j").empty());
  CHECK_FALSE(errors_of(head + R"j("metrics":[{)j" + metric + R"j("cases":[{"input":{"x":1},"expected":2,"error":"input_error"}]}]})j").empty());
  CHECK_FALSE(errors_of(head + R"j("metrics":[{)j" + metric + R"j("cases":[{"input":{"x":1},"expected":"nan"}]}]})j").empty());
  CHECK_FALSE(errors_of(head + R"j("metrics":[{)j" + metric + R"j("cases":[{"input":{"x":1},"expected":2,"extra":1}]}]})j").empty());
  CHECK_FALSE(errors_of(head + R"j("metrics":[{"name":"Bad Name","call":"c","definition":"d","source":"s","oracle":"o","cases":[{"input":{"x":1},"expected":2}]}]})j").empty());
  CHECK_FALSE(errors_of(head + R"j("metrics":[{)j" + metric + R"j("cases":[]}]})j").empty());
  CHECK_FALSE(errors_of(R"j({"format":"other","version":1,"generated_by":"x","tolerance":{"relative":0,"absolute":0},"metrics":[]})j").empty());
}

TEST_CASE("every built-in metric reproduces every reference vector") {
  simdjson::dom::parser parser;
  const element document = parser.load(emergent::testing::reference_vectors_path().string());
  const double relative = double(document["tolerance"]["relative"]);
  const double absolute = double(document["tolerance"]["absolute"]);
  std::set<std::string> seen;
  std::size_t cases = 0;
  for (const element metric : simdjson::dom::array(document["metrics"])) {
    const std::string name = text(metric["name"]);
    seen.insert(name);
    const auto found = dispatch().find(name);
    if (found == dispatch().end()) {
      FAIL_CHECK("no built-in metric for reference vectors named " << name);
      continue;
    }
    std::size_t i = 0;
    for (const element c : simdjson::dom::array(metric["cases"])) {
      INFO(name << " case " << i++ << ": " << simdjson::to_string(c["input"]));
      ++cases;
      const element input = c["input"];
      if (has(c, "error")) {
        CHECK_THROWS_AS((void)found->second(input), emergent::input_error);
        continue;
      }
      const double expected = number(c["expected"]);
      double actual = std::numeric_limits<double>::quiet_NaN();
      CHECK_NOTHROW(actual = found->second(input));
      if (std::isinf(expected)) {
        CHECK(actual == expected);
      } else {
        CHECK(std::fabs(actual - expected) <= absolute + relative * std::fabs(expected));
      }
    }
  }
  // Every metric the table knows has vectors, and there are enough of them.
  for (const auto& entry : dispatch()) CHECK_MESSAGE(seen.count(entry.first) == 1, entry.first);
  CHECK(cases >= 300);
}

TEST_CASE("an implementation with a bug fails the reference vectors") {
  // A Brier score that forgets to square: the file's cases must catch it.
  simdjson::dom::parser parser;
  const element document = parser.load(emergent::testing::reference_vectors_path().string());
  std::size_t mismatches = 0;
  for (const element metric : simdjson::dom::array(document["metrics"])) {
    if (text(metric["name"]) != "brier_score_binary") continue;
    for (const element c : simdjson::dom::array(metric["cases"])) {
      if (has(c, "error")) continue;
      const double buggy = std::fabs(number(c["input"]["p"]) - outcome(c["input"]["outcome"]));
      mismatches += std::fabs(buggy - number(c["expected"])) > 1e-12 ? 1 : 0;
    }
  }
  CHECK(mismatches >= 5);
}
#else
TEST_CASE("reference vectors need simdjson (emergent::io) to be read by the tests") { MESSAGE("skipped: no simdjson"); }
#endif
