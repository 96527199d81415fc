#include <doctest/doctest.h>

#include <emergent/stats.hpp>

#include <string>
#include <vector>

namespace {
struct record {
  std::string model;
  std::string task;
  bool correct;
};
}  // namespace

TEST_CASE("grouped accumulates by (model, task, subtask) in one pass, iterating in key order") {
  const std::vector<record> records{{"b", "arith", true}, {"a", "arith", false}, {"b", "arith", false},
                                    {"a", "qa", true},    {"a", "arith", true},  {"b", "arith", true}};
  const auto groups = emergent::accumulate_by_group<emergent::binary_accumulator>(
      records, [](const record& r) { return emergent::group_key{r.model, r.task, ""}; },
      [](const record& r) { return r.correct; });
  REQUIRE(groups.size() == 3);
  std::vector<std::string> order;
  for (const auto& [key, acc] : groups) order.push_back(key.model + "/" + key.task);
  CHECK(order == std::vector<std::string>{"a/arith", "a/qa", "b/arith"});
  CHECK(groups.at({"b", "arith", ""}).successes() == 2);
  CHECK(groups.at({"b", "arith", ""}).count() == 3);
  CHECK(groups.at({"a", "arith", ""}).proportion() == doctest::Approx(0.5));
  CHECK(groups.contains({"a", "qa", ""}));
  CHECK_FALSE(groups.contains({"a", "qa", "sub"}));
  CHECK_THROWS_WITH_AS((void)groups.at({"c", "qa", ""}),
                       "grouped::at: no group for model 'c', task 'qa', subtask '' (empty group)",
                       emergent::input_error);
}

TEST_CASE("grouped shards merge to the one-pass result") {
  emergent::grouped<emergent::mean_accumulator> all;
  emergent::grouped<emergent::mean_accumulator> left;
  emergent::grouped<emergent::mean_accumulator> right;
  for (int i = 0; i < 100; ++i) {
    const emergent::group_key key{i % 3 == 0 ? "m1" : "m2", "t", i % 2 == 0 ? "even" : "odd"};
    all(key, static_cast<double>(i));
    (i < 37 ? left : right)(key, static_cast<double>(i));
  }
  right += left;
  REQUIRE(right.size() == all.size());
  auto a = all.begin();
  for (auto r = right.begin(); r != right.end(); ++r, ++a) {
    CHECK(r->first == a->first);
    CHECK(r->second.count() == a->second.count());
    CHECK(r->second.mean() == doctest::Approx(a->second.mean()).epsilon(1e-15));
    CHECK(r->second.variance() == doctest::Approx(a->second.variance()).epsilon(1e-12));
  }
}
