#include <doctest/doctest.h>

#include <emergent/core.hpp>

#include <string>

TEST_CASE("parse_error formats file:line: field: message and keeps the parts") {
  const emergent::parse_error e("dump.jsonl", 12, "resps[0]", "expected a number");
  CHECK(std::string(e.what()) == "dump.jsonl:12: resps[0]: expected a number");
  CHECK(e.file() == "dump.jsonl");
  CHECK(e.line() == 12);
  CHECK(e.field() == "resps[0]");
  const emergent::parse_error whole("a.csv", 3, "", "truncated line");
  CHECK(std::string(whole.what()) == "a.csv:3: truncated line");
}

TEST_CASE("input_error is an invalid_argument; parse_error is an input_error") {
  CHECK_THROWS_AS(throw emergent::parse_error("f", 1, "x", "y"), emergent::input_error);
  CHECK_THROWS_AS(throw emergent::input_error("x"), std::invalid_argument);
  CHECK_THROWS_AS(throw emergent::numerical_error("x"), std::runtime_error);
}

TEST_CASE("version macros agree") {
  CHECK(EMERGENT_VERSION == EMERGENT_VERSION_MAJOR * 10000 + EMERGENT_VERSION_MINOR * 100 + EMERGENT_VERSION_PATCH);
}
