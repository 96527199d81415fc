// Bad input, nothing lost: each kind of malformed record stops the reader with file:line: field:
// message, or with skip_bad is skipped, counted and listed so that read = delivered + skipped.
#include <doctest/doctest.h>

#include <emergent/io.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using emergent::io::read_options;
using emergent::io::record;

const std::string good0 =
    R"({"doc_id": 0, "target": "3", "filtered_resps": ["3"], "filter": "none", "metrics": ["exact_match"], "exact_match": 1.0})";
const std::string good1 =
    R"({"doc_id": 1, "target": "4", "filtered_resps": ["5"], "filter": "none", "metrics": ["exact_match"], "exact_match": 0.0})";
const std::string mc =
    R"({"doc_id": 2, "target": 1, "filtered_resps": [["-1.5", "False"], ["-0.5", "True"]], "filter": "none"})";

std::size_t count_lm_eval(const std::string& text, const read_options& options, emergent::io::read_summary* out = nullptr) {
  std::size_t n = 0;
  const auto s = emergent::io::read_lm_eval_samples(text, "s.jsonl", options, [&](const record&) { ++n; });
  CHECK(s.read == s.delivered + s.skipped);
  CHECK(s.delivered == n);
  if (out != nullptr) *out = s;
  return n;
}

void check_lm_eval_error(const std::string& text, const std::string& message) {
  CAPTURE(text);
  CHECK_THROWS_WITH_AS(count_lm_eval(text, {}), message.c_str(), emergent::parse_error);
  // With skip_bad the bad line is skipped, counted and listed; the good ones are delivered.
  read_options skip;
  skip.skip_bad = true;
  emergent::io::read_summary s;
  const std::size_t n = count_lm_eval(text, skip, &s);
  CHECK(s.skipped == 1);
  CHECK(s.read == n + 1);
  REQUIRE(s.first_errors.size() == 1);
  CHECK(s.first_errors[0] == message);
}

}  // namespace

TEST_CASE("well-formed lines are read; blank lines and CRLF are fine") {
  CHECK(count_lm_eval(good0 + "\r\n\n" + good1 + "\n" + mc, {}) == 3);
}

TEST_CASE("truncated last line") {
  check_lm_eval_error(good0 + "\n" + good1.substr(0, 40),
                      "s.jsonl:2: truncated last line (no newline at end of file): unclosed string (truncated record?)");
  check_lm_eval_error(good0 + "\n" + good1.substr(0, good1.find(", \"filter\"")), "s.jsonl:2: truncated last line (no newline at end of file): malformed JSON (truncated record?)");
}

TEST_CASE("invalid UTF-8") {
  std::string bad = good1;
  bad.replace(bad.find("\"5\""), 3, "\"\xC3\x28\"");
  check_lm_eval_error(good0 + "\n" + bad + "\n", "s.jsonl:2: invalid UTF-8");
}

TEST_CASE("duplicated example ids (same doc_id and filter); another filter is not a duplicate") {
  std::string again = good0;
  check_lm_eval_error(good0 + "\n" + good1 + "\n" + again + "\n",
                      "s.jsonl:3: doc_id: duplicated example id 0 (task , filter none)");
  std::string other_filter = good0;
  other_filter.replace(other_filter.find("\"none\""), 6, "\"strict\"");
  CHECK(count_lm_eval(good0 + "\n" + other_filter + "\n", {}) == 2);
}

TEST_CASE("missing fields") {
  check_lm_eval_error(good0 + "\n" + R"({"target": "4", "filtered_resps": ["5"]})" + "\n", "s.jsonl:2: doc_id: missing");
  check_lm_eval_error(good0 + "\n" + R"({"doc_id": 1, "filtered_resps": ["5"]})" + "\n", "s.jsonl:2: target: missing");
  check_lm_eval_error(good0 + "\n" + R"({"doc_id": 1, "target": "5"})" + "\n",
                      "s.jsonl:2: filtered_resps: missing (neither filtered_resps nor resps)");
  check_lm_eval_error(good0 + "\n" + R"([1, 2])" + "\n", "s.jsonl:2: expected one JSON object per line");
}

TEST_CASE("log-probabilities > 0 and non-numbers") {
  check_lm_eval_error(good0 + "\n" + R"({"doc_id": 2, "target": 1, "filtered_resps": [["-1.5", "False"], ["0.5", "True"]]})" + "\n",
                      "s.jsonl:2: filtered_resps[1][0]: log-probability 0.500000 is positive");
  check_lm_eval_error(good0 + "\n" + R"({"doc_id": 2, "target": 1, "filtered_resps": [["-1.5", "False"], ["abc", "True"]]})" + "\n",
                      "s.jsonl:2: filtered_resps[1][0]: \"abc\" is not a number");
  check_lm_eval_error(good0 + "\n" + R"({"doc_id": 2, "target": 1, "filtered_resps": [["-1.5", "maybe"], ["-1", "True"]]})" + "\n",
                      "s.jsonl:2: filtered_resps[0][1]: \"maybe\" is not a boolean");
}

TEST_CASE("options missing for some documents") {
  check_lm_eval_error(mc + "\n" + R"({"doc_id": 3, "target": 3, "filtered_resps": [["-1.5", "False"], ["-0.5", "True"]]})" + "\n",
                      "s.jsonl:2: target: gold option 3 but the document has only 2 options (options missing?)");
  check_lm_eval_error(mc + "\n" + R"({"doc_id": 3, "target": 0, "filtered_resps": []})" + "\n",
                      "s.jsonl:2: filtered_resps: empty: no response and no options for this document");
  // CSV: an empty option cell.
  const auto mapping = emergent::io::parse_column_mapping("example_id=id,gold=g,options=o0;o1");
  const std::string csv = "id,g,o0,o1\n1,0,-1.0,-2.0\n2,1,-0.5,\n";
  CHECK_THROWS_WITH_AS(emergent::io::read_csv(csv, "t.csv", mapping, {}, [](const record&) {}),
                       "t.csv:3: o1: missing option log-likelihood (options missing for this example)",
                       emergent::parse_error);
}

TEST_CASE("CSV: truncated last line, invalid UTF-8, duplicates, positive log-probabilities; skip_bad keeps count") {
  const auto mapping = emergent::io::parse_column_mapping("model=m,example_id=id,gold=g,options=o0;o1");
  auto run = [&](const std::string& text, bool skip, emergent::io::read_summary* s = nullptr) {
    read_options options;
    options.skip_bad = skip;
    std::size_t n = 0;
    const auto summary = emergent::io::read_csv(text, "t.csv", mapping, options, [&](const record&) { ++n; });
    CHECK(summary.read == summary.delivered + summary.skipped);
    if (s != nullptr) *s = summary;
    return n;
  };
  const std::string head = "m,id,g,o0,o1\na,1,0,-1.0,-2.0\n";
  CHECK_THROWS_WITH_AS(run(head + "a,2,1,-0.5", false), "t.csv:3: truncated last line: 4 fields but the header has 5",
                       emergent::parse_error);
  CHECK_THROWS_WITH_AS(run(head + "a,2,1,\"-0.5,-1", false), "t.csv:3: truncated last line: unclosed quoted field",
                       emergent::parse_error);
  CHECK_THROWS_WITH_AS(run(head + "a\xff,2,1,-0.5,-1\n", false), "t.csv:3: invalid UTF-8", emergent::parse_error);
  CHECK_THROWS_WITH_AS(run(head + "a,1,1,-0.5,-1\n", false), "t.csv:3: id: duplicated example id 1 (model a)",
                       emergent::parse_error);
  CHECK(run(head + "b,1,1,-0.5,-1\n", false) == 2);  // same id, another model: fine
  CHECK_THROWS_WITH_AS(run(head + "a,2,1,0.5,-1\n", false), "t.csv:3: o0: log-probability 0.5 is positive",
                       emergent::parse_error);
  CHECK_THROWS_WITH_AS(run(head + "a,2,7,-0.5,-1\n", false), "t.csv:3: g: option 7 but only 2 options",
                       emergent::parse_error);
  emergent::io::read_summary s;
  CHECK(run(head + "a,2,1,0.5,-1\na,3,1,-0.5,-1\na,1,0,-1,-1\na\xff,4,0,-1,-1\na,5,0,-1,-1\n", true, &s) == 3);
  CHECK(s.read == 6);
  CHECK(s.skipped == 3);
  CHECK(s.first_errors.size() == 3);
  CHECK(s.first_errors[0] == "t.csv:3: o0: log-probability 0.5 is positive");
  CHECK(run("m,id,g,o0,o1\n", false) == 0);  // a header alone: no records
}

TEST_CASE("CSV: a quote never closed is an error at its line, also with skip_bad (it swallowed the rest)") {
  const auto mapping = emergent::io::parse_column_mapping("model=m,example_id=id,gold=g,options=o0;o1");
  const std::string text = "m,id,g,o0,o1\na,1,0,-1.0,-2.0\n\"a,2,1,-0.5,-1\na,3,1,-0.5,-1\na,4,1,-0.5,-1\n";
  for (bool skip : {false, true}) {
    read_options options;
    options.skip_bad = skip;
    CHECK_THROWS_WITH_AS(emergent::io::read_csv(text, "t.csv", mapping, options, [](const record&) {}),
                         "t.csv:3: unterminated quoted field: the quote opened on this line is never closed",
                         emergent::parse_error);
  }
}

TEST_CASE("a UTF-8 byte-order mark at the start of a CSV or JSON Lines file is skipped; subnormals parse") {
  const auto mapping = emergent::io::parse_column_mapping("model=m,example_id=id,gold=g,options=o0;o1");
  std::vector<double> seen;
  const auto s = emergent::io::read_csv("\xEF\xBB\xBFm,id,g,o0,o1\na,1,0,-1e-310,-2.0\na,2,0,-1e-400,-1\n", "t.csv",
                                        mapping, {}, [&](const record& r) { seen.push_back(r.options[0].loglik); });
  CHECK(s.delivered == 2);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == -1e-310);
  CHECK(seen[1] == 0.0);  // below the smallest subnormal: rounds to (negative) zero
  const auto jm = emergent::io::parse_column_mapping("model=m,example_id=id");
  const auto j = emergent::io::read_jsonl("\xEF\xBB\xBF{\"m\": \"a\", \"id\": 1}\n{\"m\": \"a\", \"id\": 2}\n", "t.jsonl", jm, {},
                                          [](const record&) {});
  CHECK(j.delivered == 2);
}

TEST_CASE("a missing mapped column is reported against the header") {
  const auto mapping = emergent::io::parse_column_mapping("example_id=id,options=o0;o9");
  CHECK_THROWS_WITH_AS(emergent::io::read_csv("id,o0\n1,-1\n", "t.csv", mapping, {}, [](const record&) {}),
                       "t.csv:1: o9: no such column in the header", emergent::parse_error);
}

TEST_CASE("single-document formats: malformed elements are skipped one by one; broken documents stop") {
  // write_out: the second record has a positive log-likelihood, the third lacks truth.
  const std::string text = "[\n {\"doc_id\": 0, \"logit_0\": -1.0, \"logit_1\": -2.0, \"truth\": 0},\n"
                           " {\"doc_id\": 1, \"logit_0\": 1.0, \"logit_1\": -2.0, \"truth\": 0},\n"
                           " {\"doc_id\": 2, \"logit_0\": -1.0, \"logit_1\": -2.0},\n"
                           " {\"doc_id\": 0, \"logit_0\": -1.0, \"logit_1\": -2.0, \"truth\": 1},\n"
                           " {\"doc_id\": 4, \"logit_0\": -1.0, \"truth\": 3}\n]\n";
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_write_out(text, "w.json", {}, [](const record&) {}),
                       "w.json:3: logit_0: log-probability 1.000000 is positive", emergent::parse_error);
  read_options skip;
  skip.skip_bad = true;
  std::size_t n = 0;
  const auto s = emergent::io::read_lm_eval_write_out(text, "w.json", skip, [&](const record&) { ++n; });
  CHECK(n == 1);
  CHECK(s.read == 5);
  CHECK(s.skipped == 4);
  REQUIRE(s.first_errors.size() == 4);
  CHECK(s.first_errors[1] == "w.json:4: truth: missing");
  CHECK(s.first_errors[2] == "w.json:5: doc_id: duplicated example id 0");
  CHECK(s.first_errors[3] == "w.json:6: truth: gold option 3 but the record has only 1 options (options missing?)");
  CHECK_THROWS_AS(emergent::io::read_lm_eval_write_out("[{\"doc_id\": 0,", "w.json", skip, [](const record&) {}),
                  emergent::parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_inspect_log("{\"samples\": []}", "i.json", {}, [](const record&) {}),
                       "i.json:1: eval: missing: not an Inspect evaluation log", emergent::parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_helm_scenario_state("{\"adapter_spec\": {}}", "h.json", {}, [](const record&) {}),
                       "h.json:0: request_states: missing", emergent::parse_error);
}

TEST_CASE("files that cannot be opened are parse errors naming the file") {
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_samples_file("/nonexistent/samples_x_2020-01-01T00-00-00.jsonl", {},
                                                               [](const record&) {}),
                       "/nonexistent/samples_x_2020-01-01T00-00-00.jsonl:0: cannot open file", emergent::parse_error);
}

TEST_CASE("JSONL streaming across chunk boundaries: long lines and many lines give the same records") {
  // Lines longer than nothing in particular, many of them: the file reader and the buffer reader agree.
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += R"({"doc_id": )" + std::to_string(i) + R"(, "target": "x", "filtered_resps": [")" + std::string(static_cast<std::size_t>(i % 97) * 40, 'y') +
            "\"], \"filter\": \"none\"}\n";
  }
  const std::string path = (std::filesystem::temp_directory_path() / "emergent_io_stream_test.jsonl").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  std::vector<std::size_t> a, b;
  emergent::io::read_lm_eval_samples(text, "mem", {}, [&](const record& r) { a.push_back(r.prediction.size() + r.line); });
  read_options options;
  options.model = "m";
  emergent::io::read_lm_eval_samples_file(path, options, [&](const record& r) { b.push_back(r.prediction.size() + r.line); });
  std::remove(path.c_str());
  CHECK(a.size() == 2000);
  CHECK(a == b);
}
