#include <doctest/doctest.h>

#include <emergent/core/scaling_curve.hpp>

#include <limits>

using emergent::scaling_curve;

TEST_CASE("scaling_curve::validate accepts a consistent curve") {
  scaling_curve c;
  c.x = {9, 10, 11};
  c.y = {0.1, 0.2, 0.8};
  c.lower = {0.0, 0.1, 0.7};
  c.upper = {0.2, 0.3, 0.9};
  CHECK_NOTHROW(c.validate());
  CHECK(c.size() == 3);
}

TEST_CASE("scaling_curve::validate names the column and index that is wrong") {
  scaling_curve c;
  c.x = {9, 10};
  c.y = {0.1};
  CHECK_THROWS_WITH_AS(c.validate(), "scaling_curve: column 'y' has 1 entries but x has 2", emergent::input_error);
  c.y = {0.1, std::numeric_limits<double>::quiet_NaN()};
  CHECK_THROWS_WITH_AS(c.validate(), "scaling_curve: y[1]: not finite", emergent::input_error);
  c.y = {0.1, 0.2};
  c.x[0] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(c.validate(), "scaling_curve: x[0]: not finite", emergent::input_error);
  c.x[0] = 9;
  c.n = {10};
  CHECK_THROWS_WITH_AS(c.validate(), "scaling_curve: column 'n' has 1 entries but x has 2", emergent::input_error);
  c.n = {};
  c.lower = {0.0, 0.0};
  CHECK_THROWS_WITH_AS(c.validate(), "scaling_curve: 'lower' and 'upper' must both be given or both be empty",
                       emergent::input_error);
  c.upper = {0.05, 0.3};
  CHECK_THROWS_WITH_AS(c.validate(), "scaling_curve: lower/upper[0]: interval does not contain y",
                       emergent::input_error);
}

TEST_CASE("scaling_curve::sorted permutes every column together") {
  scaling_curve c;
  c.x = {11, 9, 10};
  c.y = {0.8, 0.1, 0.2};
  c.labels = {"c", "a", "b"};
  c.n = {3, 1, 2};
  const auto s = c.sorted();
  CHECK(s.x == std::vector<double>{9, 10, 11});
  CHECK(s.y == std::vector<double>{0.1, 0.2, 0.8});
  CHECK(s.labels == std::vector<std::string>{"a", "b", "c"});
  CHECK(s.n == std::vector<std::size_t>{1, 2, 3});
  CHECK(s.lower.empty());
}
