// Compressed inputs (gzip, zstd), Inspect .eval archives, openai/evals logs, lm-eval results
// collections and printed tables, on the fixtures in tests/data/io (tests/data/SOURCES.md; the
// compressed copies and the .eval archives are made by tests/reference/make_compressed_fixtures.py).
// Every error path is exercised: corrupt and truncated streams, truncated archives, wrong members,
// unsupported ZIP methods, bad JSON inside a member, malformed table rows.
#include <doctest/doctest.h>

#include <emergent/io.hpp>

#include <zlib.h>
#include <zstd.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using emergent::parse_error;
using emergent::io::read_options;
using emergent::io::record;

const std::string data_dir = std::string(EMERGENT_TEST_DATA_DIR) + "/io/";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A temporary file holding `bytes`, removed at the end of the scope.
struct temp_file {
  std::string path;
  temp_file(const std::string& name, const std::string& bytes) {
    path = (std::filesystem::temp_directory_path() / ("emergent_test_" + std::to_string(::getpid()) + "_" + name)).string();
    std::ofstream(path, std::ios::binary) << bytes;
  }
  ~temp_file() { std::filesystem::remove(path); }
};

/// Everything a reader delivers about a record except where it was read (source, line).
std::string describe(const record& r) {
  std::ostringstream s;
  s.precision(17);
  s << r.model << '|' << r.task << '|' << r.example_id << '|' << r.filter << '|' << r.has_prediction << '|'
    << r.prediction << '|' << r.answer << '|' << r.chosen << '|' << r.gold << '|';
  for (const auto& x : r.references) s << x << ';';
  for (const auto& o : r.options) s << o.loglik << ',' << o.is_greedy << ',' << o.bytes << ',' << o.chars << ';';
  for (const auto& t : r.tokens) s << t << ';';
  for (double v : r.token_logprobs) s << v << ';';
  for (const auto& st : r.stored) s << st.name << '=' << st.value << ';';
  return s.str();
}

using file_reader = emergent::io::read_summary (*)(const std::string&, const read_options&, const emergent::io::record_sink&);

std::vector<std::string> read_all(file_reader reader, const std::string& path, read_options options = {},
                                  emergent::io::read_summary* summary = nullptr) {
  std::vector<std::string> out;
  const auto s = reader(path, options, [&](const record& r) { out.push_back(describe(r)); });
  CHECK(s.read == s.delivered + s.skipped);
  CHECK(s.delivered == out.size());
  if (summary != nullptr) *summary = s;
  return out;
}

/// A ZIP archive written field by field (APPNOTE 4.3), members stored with the given method and
/// bytes (already compressed by the caller) and the CRC-32 of `plain`.
struct zip_member {
  std::string name;
  std::string plain;
  std::uint16_t method = 0;
  std::string data;  // as stored; for method 0 the plain bytes
};

void put16(std::string& s, std::uint32_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, v & 0xffff);
  put16(s, v >> 16);
}

std::string make_zip(const std::vector<zip_member>& members) {
  std::string out, central;
  for (const auto& m : members) {
    const auto crc = static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(m.plain.data()), static_cast<uInt>(m.plain.size())));
    const auto offset = static_cast<std::uint32_t>(out.size());
    put32(out, 0x04034b50);
    put16(out, 63);
    put16(out, 0);
    put16(out, m.method);
    put16(out, 0);
    put16(out, 0x21);
    put32(out, crc);
    put32(out, static_cast<std::uint32_t>(m.data.size()));
    put32(out, static_cast<std::uint32_t>(m.plain.size()));
    put16(out, static_cast<std::uint32_t>(m.name.size()));
    put16(out, 0);
    out += m.name + m.data;
    put32(central, 0x02014b50);
    put16(central, 63);
    put16(central, 63);
    put16(central, 0);
    put16(central, m.method);
    put16(central, 0);
    put16(central, 0x21);
    put32(central, crc);
    put32(central, static_cast<std::uint32_t>(m.data.size()));
    put32(central, static_cast<std::uint32_t>(m.plain.size()));
    put16(central, static_cast<std::uint32_t>(m.name.size()));
    for (int i = 0; i < 4; ++i) put16(central, 0);
    put32(central, 0);
    put32(central, offset);
    central += m.name;
  }
  const auto start = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(members.size()));
  put16(out, static_cast<std::uint32_t>(members.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, start);
  put16(out, 0);
  return out;
}

zip_member stored(const std::string& name, const std::string& text) { return {name, text, 0, text}; }

zip_member zstd_member(const std::string& name, const std::string& text) {
  std::string c(ZSTD_compressBound(text.size()), '\0');
  c.resize(ZSTD_compress(c.data(), c.size(), text.data(), text.size(), 3));
  return {name, text, 93, c};
}

const std::string header_json = R"({"version": 2, "status": "success", "eval": {"task": "t", "model": "m"}})";
const std::string sample_json =
    R"({"id": 1, "epoch": 1, "target": "A", "choices": ["x", "y"], "output": {"completion": "ANSWER: A"},
        "scores": {"choice": {"value": "C", "answer": "A"}}})";

/// `text` as one gzip member (zlib's deflate with a gzip wrapper, level 6).
std::string gzip_of(const std::string& text) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

/// `text` as one Zstandard frame (level 3).
std::string zstd_of(const std::string& text) {
  std::string c(ZSTD_compressBound(text.size()), '\0');
  c.resize(ZSTD_compress(c.data(), c.size(), text.data(), text.size(), 3));
  return c;
}

/// What `f` throws as a parse_error: the message and the line ("" and 0 when it does not throw).
template <class F>
std::pair<std::string, std::size_t> error_of(F&& f) {
  try {
    f();
  } catch (const parse_error& e) {
    return {e.what(), e.line()};
  }
  return {"", 0};
}

std::size_t count_eval(const std::string& bytes, read_options options = {}, emergent::io::read_summary* s = nullptr) {
  std::size_t n = 0;
  const auto summary = emergent::io::read_inspect_eval(bytes, "x.eval", options, [&](const record&) { ++n; });
  if (s != nullptr) *s = summary;
  return n;
}

}  // namespace

// ------------------------------------------------------------------ compressed inputs

TEST_CASE("gzip and zstd inputs: every reader gives the records of the uncompressed file") {
  const std::string samples = data_dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl";
  const auto plain = read_all(&emergent::io::read_lm_eval_samples_file, samples);
  REQUIRE(plain.size() == 10);
  CHECK(read_all(&emergent::io::read_lm_eval_samples_file, samples + ".gz") == plain);
  CHECK(read_all(&emergent::io::read_lm_eval_samples_file, samples + ".zst") == plain);

  const std::string log = data_dir + "inspect/arc_easy_qwen2.5-0.5b.json";
  const auto inspect = read_all(&emergent::io::read_inspect_log_file, log);
  REQUIRE(inspect.size() == 3);
  CHECK(read_all(&emergent::io::read_inspect_log_file, log + ".gz") == inspect);
  CHECK(read_all(&emergent::io::read_inspect_log_file, log + ".zst") == inspect);

  const std::string results = data_dir + "lm_eval/results_mamba2-130m_groups.json";
  auto rows = [](const std::vector<emergent::io::aggregate_result>& v) {
    std::vector<std::string> out;
    for (const auto& a : v) {
      out.push_back(a.model + "|" + a.task + "|" + a.metric + "|" + a.filter + "|" + std::to_string(a.value) + "|" +
                    (a.stderr_value ? std::to_string(*a.stderr_value) : "-") + "|" + a.parent);
    }
    return out;
  };
  const auto plain_rows = rows(emergent::io::read_lm_eval_results_file(results));
  REQUIRE(plain_rows.size() > 50);
  CHECK(rows(emergent::io::read_lm_eval_results_file(results + ".gz")) == plain_rows);
  CHECK(rows(emergent::io::read_lm_eval_results_file(results + ".zst")) == plain_rows);
}

TEST_CASE("gzip and zstd: the compression is recognised by its magic number, not by the file name") {
  using emergent::io::compression_kind;
  using emergent::io::detect_compression;
  CHECK(detect_compression(std::string("\x1f\x8b\x08", 3)) == compression_kind::gzip);
  CHECK(detect_compression(std::string("\x28\xb5\x2f\xfd", 4)) == compression_kind::zstd);
  CHECK(detect_compression("PK\x03\x04") == compression_kind::zip);
  CHECK(detect_compression("{\"a\": 1}") == compression_kind::none);
  CHECK(detect_compression("\x1f") == compression_kind::none);
  // A gzip file named .jsonl is still decompressed.
  const std::string gz = slurp(data_dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl.gz");
  const temp_file renamed("samples_math_2026-01-21T03-44-18.458309.jsonl", gz);
  CHECK(read_all(&emergent::io::read_lm_eval_samples_file, renamed.path).size() == 10);
}

TEST_CASE("decompress(): buffers, concatenated gzip members, several zstd frames") {
  const std::string plain = slurp(data_dir + "inspect/arc_easy_qwen2.5-0.5b.json");
  const std::string gz = slurp(data_dir + "inspect/arc_easy_qwen2.5-0.5b.json.gz");
  const std::string zst = slurp(data_dir + "inspect/arc_easy_qwen2.5-0.5b.json.zst");
  CHECK(emergent::io::decompress(gz) == plain);
  CHECK(emergent::io::decompress(zst) == plain);
  CHECK(emergent::io::decompress(plain) == plain);
  CHECK(emergent::io::decompress(gz + gz) == plain + plain);  // cat a.gz b.gz
  CHECK(emergent::io::decompress(zst + zst) == plain + plain);
}

TEST_CASE("gzip and zstd error paths: corrupt, truncated, trailing garbage; the file is named") {
  const std::string gz = slurp(data_dir + "inspect/arc_easy_qwen2.5-0.5b.json.gz");
  const std::string zst = slurp(data_dir + "inspect/arc_easy_qwen2.5-0.5b.json.zst");
  const std::string plain = slurp(data_dir + "inspect/arc_easy_qwen2.5-0.5b.json");
  const auto plain_lines = static_cast<std::size_t>(std::count(plain.begin(), plain.end(), '\n'));
  // Each error names a line of the decompressed text between 1 and one past its last line (exact
  // lines: the next test case).
  const auto named = [&](const std::pair<std::string, std::size_t>& e, const std::string& file, const char* what) {
    INFO(e.first);
    CHECK(e.first.rfind(file + ":" + std::to_string(e.second) + ": ", 0) == 0);
    CHECK(e.first.find(what) != std::string::npos);
    CHECK(e.second >= 1);
    CHECK(e.second <= plain_lines + 1);
  };
  std::string bad_gz = gz;
  for (std::size_t i = 20; i < 60; ++i) bad_gz[i] = static_cast<char>(bad_gz[i] ^ 0x5a);
  named(error_of([&] { emergent::io::decompress(bad_gz, "b.gz"); }), "b.gz", "corrupt gzip data");
  named(error_of([&] { emergent::io::decompress(gz.substr(0, gz.size() / 2), "t.gz"); }), "t.gz", "truncated gzip stream");
  CHECK_THROWS_WITH_AS(emergent::io::decompress(gz + "garbage", "g.gz"),
                       doctest::Contains("trailing bytes after the gzip data"), parse_error);
  std::string bad_zst = zst;
  for (std::size_t i = 8; i < 40; ++i) bad_zst[i] = static_cast<char>(bad_zst[i] ^ 0x5a);
  named(error_of([&] { emergent::io::decompress(bad_zst, "b.zst"); }), "b.zst", "corrupt zstd data");
  named(error_of([&] { emergent::io::decompress(zst.substr(0, zst.size() / 2), "t.zst"); }), "t.zst",
        "truncated zstd stream");

  // Through a file reader: streaming JSON Lines and a whole-document reader both name the file.
  const std::string samples_gz =
      slurp(data_dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl.gz");
  const temp_file cut("samples_math_2026-01-21T03-44-18.458309.jsonl.gz", samples_gz.substr(0, samples_gz.size() - 100));
  CHECK_THROWS_WITH_AS(read_all(&emergent::io::read_lm_eval_samples_file, cut.path),
                       doctest::Contains((cut.path + ":").c_str()), parse_error);
  CHECK_THROWS_WITH_AS(read_all(&emergent::io::read_lm_eval_samples_file, cut.path),
                       doctest::Contains("truncated gzip stream"), parse_error);
  const temp_file broken("log.json.zst", bad_zst);
  named(error_of([&] { read_all(&emergent::io::read_inspect_log_file, broken.path); }), broken.path, "corrupt zstd data");
  // Bad JSON inside a compressed file: file:line of the decompressed text.
  std::string text = slurp(data_dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl");
  const auto second = text.find('\n') + 1;
  text.insert(second, "{\"doc_id\": ");  // line 2 is now malformed
  std::string c(ZSTD_compressBound(text.size()), '\0');
  c.resize(ZSTD_compress(c.data(), c.size(), text.data(), text.size(), 3));
  const temp_file bad_line("samples_math_2026-01-21T03-44-18.458309.jsonl.zst", c);
  CHECK_THROWS_WITH_AS(read_all(&emergent::io::read_lm_eval_samples_file, bad_line.path),
                       doctest::Contains((bad_line.path + ":2:").c_str()), parse_error);
  emergent::io::read_summary s;
  read_options skip;
  skip.skip_bad = true;
  CHECK(read_all(&emergent::io::read_lm_eval_samples_file, bad_line.path, skip, &s).size() == 9);
  CHECK(s.skipped == 1);
}

TEST_CASE("gzip and zstd errors name the line of the decompressed text where decoding stopped") {
  // The first 4 lines of a samples file as a complete member (frame), then a broken one: the reader
  // delivers 4 records, then names line 5, the first line it could not decode.
  const std::string samples = slurp(data_dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl");
  std::size_t four = 0;
  for (int k = 0; k < 4; ++k) four = samples.find('\n', four) + 1;
  const std::string head = samples.substr(0, four);
  const std::string name = "samples_math_2026-01-21T03-44-18.458309.jsonl";
  // gzip: a second member whose first deflate block has the reserved type 11 (corrupt); a second
  // member cut inside its header (truncated); bytes that are not a member (trailing garbage).
  const std::string member_header("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  // zstd: a frame header announcing a block with the reserved type 3 (corrupt); a frame cut after its magic
  // number (truncated).
  const std::string frame_magic("\x28\xb5\x2f\xfd", 4);
  const std::string bad_block = frame_magic + std::string("\x00\x00\x07\x00\x00", 5);
  struct broken_case {
    const char* file;
    std::string bytes;
    const char* message;
  };
  const std::vector<broken_case> cases = {
      {"corrupt.gz", gzip_of(head) + member_header + std::string("\xff\xff\xff\xff", 4), "corrupt gzip data"},
      {"truncated.gz", gzip_of(head) + member_header.substr(0, 6), "truncated gzip stream"},
      {"trailing.gz", gzip_of(head) + "garbage", "trailing bytes after the gzip data are not gzip"},
      {"corrupt.zst", zstd_of(head) + bad_block, "corrupt zstd data"},
      {"truncated.zst", zstd_of(head) + frame_magic, "truncated zstd stream"},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    // In memory (decompress) and through the streaming samples reader, with and without skip_bad
    // (a broken stream is not a bad record: it cannot be skipped).
    const auto in_memory = error_of([&] { emergent::io::decompress(c.bytes, c.file); });
    CHECK(in_memory.second == 5);
    CHECK(in_memory.first.rfind(std::string(c.file) + ":5: " + c.message, 0) == 0);
    const temp_file f(std::string(c.file) + "_" + name, c.bytes);
    for (const bool skip : {false, true}) {
      read_options o;
      o.skip_bad = skip;
      std::size_t delivered = 0;
      const auto streamed = error_of([&] {
        emergent::io::read_lm_eval_samples_file(f.path, o, [&](const record&) { ++delivered; });
      });
      CHECK(streamed.second == 5);
      CHECK(streamed.first.rfind(f.path + ":5: " + c.message, 0) == 0);
      CHECK(delivered == 4);
    }
  }
  // A whole-document reader (an Inspect log loaded whole): the line where its text breaks off.
  const std::string log = slurp(data_dir + "inspect/arc_easy_qwen2.5-0.5b.json");
  const std::size_t cut = log.find('\n', log.size() / 2) + 1;
  const auto line = static_cast<std::size_t>(std::count(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(cut), '\n')) + 1;
  REQUIRE(line > 10);
  const temp_file gz_log("arc.json.gz", gzip_of(log.substr(0, cut)) + member_header + std::string("\xff\xff", 2));
  const auto gz_error = error_of([&] { read_all(&emergent::io::read_inspect_log_file, gz_log.path); });
  CHECK(gz_error.first.rfind(gz_log.path + ":" + std::to_string(line) + ": corrupt gzip data", 0) == 0);
  const temp_file zst_log("arc.json.zst", zstd_of(log.substr(0, cut)) + frame_magic);
  const auto zst_error = error_of([&] { read_all(&emergent::io::read_inspect_log_file, zst_log.path); });
  CHECK(zst_error.first.rfind(zst_log.path + ":" + std::to_string(line) + ": truncated zstd stream", 0) == 0);
  // A bad record on a known line of a gzip file (the zstd one is in the test case above): its line.
  std::string text = samples;
  text.insert(four, "{\"doc_id\": ");  // line 5 is now malformed
  const temp_file bad_line("bad.gz_" + name, gzip_of(text));
  CHECK_THROWS_WITH_AS(read_all(&emergent::io::read_lm_eval_samples_file, bad_line.path),
                       doctest::Contains((bad_line.path + ":5: ").c_str()), parse_error);
  emergent::io::read_summary s;
  read_options skip;
  skip.skip_bad = true;
  CHECK(read_all(&emergent::io::read_lm_eval_samples_file, bad_line.path, skip, &s).size() == 9);
  REQUIRE(s.first_errors.size() == 1);
  CHECK(s.first_errors[0].rfind(bad_line.path + ":5: ", 0) == 0);
}

TEST_CASE("one reader_context for HELM, Inspect, lm-eval --write_out and samples files gives what fresh readers give") {
  namespace io = emergent::io;
  // A byte-order mark before a single-document file, and a document larger than the earlier ones
  // read after them (the buffer grows) and a small one after it (the buffer is larger than the text).
  const std::string write_out = data_dir + "lm_eval/winogrande_write_out_info_llama-2-7b_first25.json";
  const temp_file bom("winogrande_write_out_info_bom.json", "\xEF\xBB\xBF" + slurp(write_out));
  struct input {
    io::input_format format;
    std::string path;
  };
  const std::vector<input> inputs = {
      {io::input_format::helm, data_dir + "helm/mmlu_philosophy_gpt2"},
      {io::input_format::inspect, data_dir + "inspect/arc_easy_qwen2.5-0.5b.json.gz"},
      {io::input_format::lm_eval_v03, write_out},
      {io::input_format::lm_eval, data_dir + "lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl"},
      {io::input_format::helm, data_dir + "helm/narrative_qa_gpt2"},
      {io::input_format::inspect, data_dir + "inspect/arc_easy_claude-sonnet-4.json"},
      {io::input_format::lm_eval_v03, bom.path},
      {io::input_format::inspect, data_dir + "inspect/arc_easy_qwen2.5-0.5b.json.zst"},
      {io::input_format::helm, data_dir + "helm/hellaswag_pythia-1b-v0"},
      {io::input_format::inspect, data_dir + "inspect/arc_easy_qwen2.5-0.5b.json"},
  };
  io::reader_context shared;
  std::size_t total = 0;
  for (const auto& in : inputs) {
    INFO(in.path);
    io::input_options o;
    o.model = in.format == io::input_format::lm_eval_v03 ? "llama-2-7b" : "";
    std::vector<std::string> fresh, reused;
    const auto a = io::read_file(in.format, in.path, o, [&](const record& r) {
      fresh.push_back(describe(r) + "@" + r.source + ":" + std::to_string(r.line));
    });
    const auto b = io::read_file(in.format, in.path, o, [&](const record& r) {
      reused.push_back(describe(r) + "@" + r.source + ":" + std::to_string(r.line));
    }, shared);
    CHECK(fresh == reused);
    CHECK(a.read == b.read);
    CHECK(a.delivered == b.delivered);
    CHECK(a.skipped == b.skipped);
    CHECK(b.skipped == 0);
    CHECK_FALSE(reused.empty());
    total += reused.size();
  }
  CHECK(total > 50);
  // The mark is dropped: the same records, at the same lines, as the file without it.
  std::vector<std::string> plain, marked;
  io::input_options wg;
  wg.task = "wg";  // the file names differ
  io::read_file(io::input_format::lm_eval_v03, write_out, wg,
                [&](const record& r) { plain.push_back(describe(r) + std::to_string(r.line)); }, shared);
  io::read_file(io::input_format::lm_eval_v03, bom.path, wg,
                [&](const record& r) { marked.push_back(describe(r) + std::to_string(r.line)); }, shared);
  CHECK(plain == marked);
  REQUIRE(plain.size() == 25);
}

// ------------------------------------------------------------------ Inspect .eval archives

TEST_CASE("Inspect .eval archives (deflated and zstd members) give the records of the JSON log they were made from") {
  const auto json = read_all(&emergent::io::read_inspect_log_file, data_dir + "inspect/arc_easy_qwen2.5-0.5b.json");
  REQUIRE(json.size() == 3);
  CHECK(read_all(&emergent::io::read_inspect_eval_file, data_dir + "inspect/arc_easy_qwen2.5-0.5b.eval") == json);
  CHECK(read_all(&emergent::io::read_inspect_eval_file, data_dir + "inspect/arc_easy_qwen2.5-0.5b.zstd.eval") == json);
  // The same from a buffer, and the records name the member.
  const std::string bytes = slurp(data_dir + "inspect/arc_easy_qwen2.5-0.5b.zstd.eval");
  std::vector<record> records;
  emergent::io::read_inspect_eval(bytes, "arc.eval", {}, [&](const record& r) { records.push_back(r); });
  REQUIRE(records.size() == 3);
  CHECK(records[0].source == "arc.eval/samples/1_epoch_1.json");
  CHECK(records[2].source == "arc.eval/samples/3_epoch_1.json");
  CHECK(describe(records[1]) == json[1]);
}

TEST_CASE("Inspect .eval: the real archive from the inspect_ai repository") {
  std::vector<record> records;
  const auto s = emergent::io::read_inspect_eval_file(data_dir + "inspect/mmlu-summary-choices.eval", {},
                                                      [&](const record& r) { records.push_back(r); });
  CHECK(s.read == 1);
  REQUIRE(records.size() == 1);
  const record& r = records[0];
  CHECK(r.model == "openai/gpt-4o");
  CHECK(r.task == "inspect_evals/mmlu_0_shot");
  CHECK(r.example_id == "1");
  CHECK(r.prediction == "ANSWER: C");
  CHECK(r.answer == "C");
  CHECK(r.gold == 0);    // target "A"
  CHECK(r.chosen == 2);  // answer "C"
  REQUIRE(r.stored_value("choice").has_value());
  CHECK(*r.stored_value("choice") == 0.0);  // Inspect scored it "I"; our re-grade agrees
  CHECK((r.chosen == r.gold) == (*r.stored_value("choice") == 1.0));
}

TEST_CASE("Inspect .eval: samples in (epoch, id) order; options override; a running log's _journal/start.json") {
  const std::string s2 = R"({"id": 2, "epoch": 1, "target": "B", "output": {"completion": "B"}})";
  const std::string s10 = R"({"id": 10, "epoch": 1, "target": "B", "output": {"completion": "B"}})";
  const std::string s1e2 = R"({"id": 1, "epoch": 2, "target": "B", "output": {"completion": "B"}})";
  const std::string zip = make_zip({stored("_journal/start.json", header_json), stored("samples/10_epoch_1.json", s10),
                                    zstd_member("samples/1_epoch_2.json", s1e2), stored("samples/2_epoch_1.json", s2)});
  std::vector<std::string> ids;
  read_options o;
  o.model = "override";
  emergent::io::read_inspect_eval(zip, "x.eval", o, [&](const record& r) {
    ids.push_back(r.example_id);
    CHECK(r.model == "override");
    CHECK(r.task == "t");
  });
  CHECK(ids == std::vector<std::string>{"2", "10", "1#2"});
}

TEST_CASE("Inspect .eval error paths: truncated archive, not a ZIP, wrong members, bad JSON, corrupt data") {
  const std::string good = make_zip({stored("header.json", header_json), stored("samples/1_epoch_1.json", sample_json)});
  CHECK(count_eval(good) == 1);
  CHECK_THROWS_WITH_AS(count_eval(good.substr(0, good.size() / 2)), doctest::Contains("x.eval:0: not a readable ZIP archive"), parse_error);
  CHECK_THROWS_WITH_AS(count_eval("{\"version\": 2}"), doctest::Contains("not a readable ZIP archive"), parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_inspect_eval_file(data_dir + "no_such.eval", {}, [](const record&) {}),
                       doctest::Contains("not a readable ZIP archive"), parse_error);
  // A ZIP that is not an Inspect log.
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("samples/1_epoch_1.json", sample_json)})),
                       doctest::Contains("x.eval:0: header.json: missing (and no _journal/start.json)"), parse_error);
  // header.json without eval, or not JSON.
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", "{\"version\": 2}")})),
                       doctest::Contains("x.eval/header.json:1: eval: missing"), parse_error);
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", "{\"version\": ")})),
                       doctest::Contains("x.eval/header.json:1:"), parse_error);
  // Bad JSON in a sample: the member is named; with skip_bad it is counted and the rest is read.
  const std::string bad = make_zip({stored("header.json", header_json), stored("samples/1_epoch_1.json", "{\"id\": 1,"),
                                    stored("samples/2_epoch_1.json", sample_json.substr(0, 7) + "2" + sample_json.substr(8))});
  CHECK_THROWS_WITH_AS(count_eval(bad), doctest::Contains("x.eval/samples/1_epoch_1.json:1:"), parse_error);
  read_options skip;
  skip.skip_bad = true;
  emergent::io::read_summary s;
  CHECK(count_eval(bad, skip, &s) == 1);
  CHECK(s.read == 2);
  CHECK(s.skipped == 1);
  REQUIRE(s.first_errors.size() == 1);
  CHECK(s.first_errors[0].find("x.eval/samples/1_epoch_1.json:1:") == 0);
  // A sample that is valid JSON but not a sample.
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", header_json), stored("samples/1_epoch_1.json", "[1]")})),
                       doctest::Contains("expected a JSON object"), parse_error);
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", header_json), stored("samples/1_epoch_1.json", "{\"id\": 1}")})),
                       doctest::Contains("x.eval/samples/1_epoch_1.json:1: target: missing"), parse_error);
  // Duplicated sample ids.
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", header_json), stored("samples/1_epoch_1.json", sample_json),
                                            stored("samples/01_epoch_1.json", sample_json)})),
                       doctest::Contains("duplicated example id 1"), parse_error);
  // Corrupt member data: a stored member whose bytes do not match its CRC; a corrupt zstd member;
  // a zstd member whose CRC does not match; a compression method nobody decodes.
  zip_member flipped = stored("samples/1_epoch_1.json", sample_json);
  flipped.data[5] = 'X';
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", header_json), flipped})),
                       doctest::Contains("x.eval/samples/1_epoch_1.json:0: corrupt or truncated member"), parse_error);
  zip_member bad_zstd = zstd_member("samples/1_epoch_1.json", sample_json);
  for (std::size_t i = 6; i < bad_zstd.data.size(); ++i) bad_zstd.data[i] = static_cast<char>(bad_zstd.data[i] ^ 0x33);
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", header_json), bad_zstd})),
                       doctest::Contains("zstd member"), parse_error);
  zip_member wrong_crc = zstd_member("samples/1_epoch_1.json", sample_json);
  wrong_crc.plain += " ";  // the CRC written is of other bytes
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", header_json), wrong_crc})),
                       doctest::Contains("CRC error"), parse_error);
  zip_member wavpack = stored("samples/1_epoch_1.json", sample_json);
  wavpack.method = 97;
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", header_json), wavpack})),
                       doctest::Contains("compressed with ZIP method 97, which cannot be decoded"), parse_error);
  // The experimental .eval2 layout (a sample split into chunks) is refused, not silently skipped.
  CHECK_THROWS_WITH_AS(count_eval(make_zip({stored("header.json", header_json),
                                            stored("samples/1_epoch_1/sample.json", sample_json)})),
                       doctest::Contains(".eval2 layout"), parse_error);
  // A header-only log has no records, and that is not an error.
  CHECK(count_eval(make_zip({stored("header.json", header_json)})) == 0);
}

// ------------------------------------------------------------------ openai/evals

TEST_CASE("openai/evals: the real oaieval log has a spec and a final report, no match events") {
  emergent::io::read_summary s;
  CHECK(read_all(&emergent::io::read_openai_evals_file, data_dir + "openai_evals/self_prompting_oriprompt.log", {}, &s).empty());
  CHECK(s.read == 0);
  CHECK(s.ignored == 2);
}

TEST_CASE("openai/evals: match events become records; model and task from the spec line") {
  std::vector<record> records;
  const auto s = emergent::io::read_openai_evals_file(data_dir + "openai_evals/test_match_constructed.jsonl", {},
                                                      [&](const record& r) { records.push_back(r); });
  CHECK(s.read == 3);
  CHECK(s.delivered == 3);
  CHECK(s.ignored == 5);  // spec, 3 sampling events, final_report
  REQUIRE(records.size() == 3);
  CHECK(records[0].model == "gpt-3.5-turbo");
  CHECK(records[0].task == "test-match.s1.simple-v0");
  CHECK(records[0].example_id == "test-match.s1.0");
  CHECK(records[0].line == 3);
  double correct = 0;
  for (const auto& r : records) {
    REQUIRE(r.stored_value("correct").has_value());
    CHECK(r.has_prediction);
    REQUIRE(r.references.size() == 1);
    // Re-scored exact match (the Match eval checks that the sample starts with a reference) agrees.
    const bool starts = r.prediction.rfind(r.references[0], 0) == 0;
    CHECK(starts == (*r.stored_value("correct") == 1.0));
    correct += *r.stored_value("correct");
  }
  CHECK(correct / 3 == doctest::Approx(2.0 / 3.0));  // the final_report's accuracy
  CHECK(records[1].prediction == "1234567890");
  CHECK(records[1].references[0] == "12345678910");
}

TEST_CASE("openai/evals error paths: missing fields, wrong types, bad JSON, with file:line") {
  const std::string spec = R"({"spec": {"completion_fns": ["m"], "eval_name": "e"}})";
  auto count = [&](const std::string& body, read_options o = {}) {
    std::size_t n = 0;
    emergent::io::read_openai_evals(spec + "\n" + body, "o.jsonl", o, [&](const record&) { ++n; });
    return n;
  };
  CHECK(count(R"({"sample_id": "s.0", "type": "match", "data": {"correct": true, "expected": ["a", "b"], "sampled": ["b"]}})") == 1);
  CHECK_THROWS_WITH_AS(count(R"({"sample_id": "s.0", "type": "match", "data": {"expected": "a"}})"),
                       "o.jsonl:2: data.correct: missing", parse_error);
  CHECK_THROWS_WITH_AS(count(R"({"type": "match", "data": {"correct": true}})"), "o.jsonl:2: sample_id: missing", parse_error);
  CHECK_THROWS_WITH_AS(count(R"({"sample_id": "s.0", "type": "match", "data": 3})"), "o.jsonl:2: data: expected an object", parse_error);
  CHECK_THROWS_WITH_AS(count(R"({"sample_id": "s.0", "type": "match", "data": {"correct": true, "sampled": 4}})"),
                       doctest::Contains("o.jsonl:2: data.sampled: expected a string or a list of strings"), parse_error);
  CHECK_THROWS_WITH_AS(count(R"({"sample_id": "s.0", "data": {}})"), doctest::Contains("o.jsonl:2: type: missing"), parse_error);
  CHECK_THROWS_WITH_AS(count("{\"sample_id\": "), doctest::Contains("o.jsonl:2:"), parse_error);
  const std::string twice = R"({"sample_id": "s.0", "type": "match", "data": {"correct": true}})";
  CHECK_THROWS_WITH_AS(count(twice + "\n" + twice), doctest::Contains("o.jsonl:3: doc_id: duplicated example id s.0"), parse_error);
  read_options skip;
  skip.skip_bad = true;
  CHECK(count("{\"sample_id\": \n" + twice, skip) == 1);
}

// ------------------------------------------------------------------ lm-eval results collections

TEST_CASE("lm-eval results collection: Pythia checkpoints equal the numbers of pythia_evals_over_training.csv") {
  const auto rows = emergent::io::read_lm_eval_results_collection({data_dir + "pythia_results"});
  // (model, step, task, metric) -> (value, stderr) from the independently converted CSV.
  std::ifstream csv(data_dir + "pythia_results/expected_pythia_evals_over_training.csv");
  std::string line;
  std::getline(csv, line);
  std::size_t checked = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (line.back() == ',') f.emplace_back();
    REQUIRE(f.size() == 6);
    const std::string model = "EleutherAI/pythia-v1.1-" + f[0].substr(7);
    const std::string revision = "step" + f[1];
    CAPTURE(line);
    if (f[2] == "hendrycksTest_57_macro_mean") {  // derived in the CSV: the mean of the 57 subjects
      double sum = 0;
      int n = 0;
      for (const auto& r : rows) {
        if (r.model == model && r.revision == revision && r.task.rfind("hendrycksTest-", 0) == 0 && r.metric == f[3]) {
          sum += r.value;
          ++n;
        }
      }
      CHECK(n == 57);
      CHECK(sum / n == doctest::Approx(std::stod(f[4])).epsilon(1e-12));
      ++checked;
      continue;
    }
    bool found = false;
    for (const auto& r : rows) {
      if (r.model == model && r.revision == revision && r.task == f[2] && r.metric == f[3]) {
        CHECK(!found);
        found = true;
        CHECK(r.value == doctest::Approx(std::stod(f[4])).epsilon(1e-15));
        REQUIRE(r.stderr_value.has_value());
        CHECK(*r.stderr_value == doctest::Approx(std::stod(f[5])).epsilon(1e-15));
        CHECK(r.filter == "none");
        CHECK(r.source.find("pythia_results/") != std::string::npos);
      }
    }
    CHECK(found);
    ++checked;
  }
  CHECK(checked == 80);
}

TEST_CASE("lm-eval results collection: files and directories, lm-eval's samples files skipped, errors named") {
  const std::string dir = data_dir + "lm_eval";
  // The lm_eval folder holds results files, samples files (skipped) and a --write_out file (not results).
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_results_collection({dir}),
                       doctest::Contains("winogrande_write_out_info_llama-2-7b_first25.json:0: results: expected an object"), parse_error);
  const auto two = emergent::io::read_lm_eval_results_collection(
      {dir + "/results_v0.3_pythia-160m_step143000.json", dir + "/results_mamba2-130m_groups.json.zst"});
  CHECK(two.front().model == "EleutherAI/pythia-v1.1-160m");
  CHECK(two.front().revision == "step143000");
  CHECK(two.back().model == "state-spaces/mamba2-130m");
  CHECK(two.back().revision.empty());
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_results_collection({data_dir + "helm/narrative_qa_gpt2/nothing"}),
                       doctest::Contains("cannot"), parse_error);
  const auto empty = std::filesystem::temp_directory_path() / ("emergent_empty_" + std::to_string(::getpid()));
  std::filesystem::create_directories(empty);
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_results_collection({empty.string()}),
                       doctest::Contains("no results file"), parse_error);
  std::filesystem::remove(empty);
}

// ------------------------------------------------------------------ printed tables

TEST_CASE("lm-eval printed tables: the harness's own regression tables (pythia-14m-deduped, 10 examples)") {
  const std::string dir = data_dir + "lm_eval/printed_tables/";
  const std::string suffix = "_10_hf_pretrained-EleutherAI-pythia-14m-deduped-dtype-float32-device-cpu.txt";
  const auto arc = emergent::io::read_lm_eval_table_file(dir + "ai2_arc" + suffix, "EleutherAI/pythia-14m-deduped");
  REQUIRE(arc.size() == 4);
  CHECK(arc[0].task == "arc_challenge");
  CHECK(arc[1].task == "arc_challenge");  // the continuation row
  CHECK(arc[1].metric == "acc_norm");
  CHECK(arc[2].task == "arc_easy");
  CHECK(arc[2].value == 0.3);
  CHECK(arc[3].value == 0.1);
  CHECK(arc[0].model == "EleutherAI/pythia-14m-deduped");
  CHECK(arc[0].num_fewshot == 0.0);
  CHECK(!arc[0].stderr_value.has_value());  // N/A
  const auto lambada = emergent::io::read_lm_eval_table_file(dir + "lambada_openai" + suffix);
  REQUIRE(lambada.size() == 2);
  CHECK(lambada[1].metric == "perplexity");
  CHECK(lambada[1].value == 605.3866);
  CHECK(lambada[0].model.empty());  // no configuration line in these files and none given
  const auto wikitext = emergent::io::read_lm_eval_table_file(dir + "wikitext" + suffix);
  REQUIRE(wikitext.size() == 3);
  CHECK(wikitext[2].metric == "word_perplexity");
  CHECK(wikitext[2].value == 130.4801);
  const auto stem = emergent::io::read_lm_eval_table_file(dir + "mmlu_stem" + suffix);
  REQUIRE(stem.size() == 20);  // the group and its 19 subjects
  CHECK(stem[0].task == "stem");
  CHECK(stem[0].is_group);
  CHECK(stem[0].value == 0.2474);
  double sum = 0;
  for (std::size_t i = 1; i < stem.size(); ++i) {
    CHECK(stem[i].parent == "stem");
    CHECK(!stem[i].is_group);
    sum += stem[i].value;
  }
  CHECK(stem[1].task == "abstract_algebra");
  // The group is the example-weighted mean; with 10 examples per subject the unweighted mean (rounded as printed).
  CHECK(std::round(sum / 19 * 1e4) / 1e4 == doctest::Approx(0.2474).epsilon(1e-9));
}

TEST_CASE("lm-eval printed tables: the configuration line, nested groups, the repeated Groups table, errors") {
  const std::string text =
      "hf (pretrained=EleutherAI/pythia-160m,revision=step1000,dtype=float32), gen_kwargs: (None), limit: None, "
      "num_fewshot: 5, batch_size: 1\n"
      "|  Tasks  |Version|Filter|n-shot|Metric|   |Value|   |Stderr|\n"
      "|---------|------:|------|-----:|------|---|----:|---|-----:|\n"
      "|mmlu     |      2|none  |      |acc   |↑  |0.25 |±  |0.0036|\n"
      "| - humanities|  2|none  |      |acc   |↑  |0.24 |±  |0.0062|\n"
      "|  - philosophy|  1|none  |     5|acc   |↑  |0.2  |±  |0.0227|\n"
      "| - stem   |      2|none  |      |acc   |↑  |0.27 |±  |0.0079|\n"
      "\n"
      "| Groups |Version|Filter|n-shot|Metric|   |Value|   |Stderr|\n"
      "|--------|------:|------|------|------|---|----:|---|-----:|\n"
      "|mmlu    |      2|none  |      |acc   |↑  |0.25 |±  |0.0036|\n";
  const auto rows = emergent::io::read_lm_eval_table(text, "t.md");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].model == "EleutherAI/pythia-160m");
  CHECK(rows[0].revision == "step1000");
  CHECK(rows[0].is_group);
  CHECK(rows[1].task == "humanities");
  CHECK(rows[1].parent == "mmlu");
  CHECK(rows[1].is_group);
  CHECK(rows[2].task == "philosophy");
  CHECK(rows[2].parent == "humanities");
  CHECK(rows[2].num_fewshot == 5.0);
  CHECK(!rows[0].num_fewshot.has_value());
  CHECK(rows[3].task == "stem");
  CHECK(rows[3].parent == "mmlu");
  CHECK(*rows[3].stderr_value == 0.0079);
  CHECK(emergent::io::read_lm_eval_table(text, "t.md", "given")[0].model == "given");

  const std::string head = "|Tasks|Version|Filter|n-shot|Metric| |Value| |Stderr|\n|-|-:|-|-:|-|-|-:|-|-|\n";
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_table(head + "|a|1|none|0|acc|↑|zz|±|N/A|\n", "t.md"),
                       "t.md:3: Value: 'zz' is not a number", parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_table(head + "|a|1|none|0|acc|↑|0.5|±|x|\n", "t.md"),
                       "t.md:3: Stderr: 'x' is not a number", parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_table(head + "|a|1|none|0|acc|↑|0.5|\n", "t.md"),
                       "t.md:3: 7 cells where the header has 9", parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_table(head + "| |1|none|0|acc|↑|0.5|±|N/A|\n", "t.md"),
                       "t.md:3: Tasks: a continuation row with no task above it", parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_table(head + "|a|1|none|0| |↑|0.5|±|N/A|\n", "t.md"),
                       "t.md:3: Metric: empty", parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_table(head + "|a|1|none|0|acc|↑|0.5|±|N/A|\n|a|1|none|0|acc|↑|0.6|±|N/A|\n", "t.md"),
                       doctest::Contains("t.md:4: Value: task 'a', acc: a second, different value"), parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_table("|Tasks|Filter|Metric|Value|\n", "t.md"),
                       "t.md:1: n-shot: missing from the table header", parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_table("|a|b|\n", "t.md"),
                       "t.md:1: a table row before any |Tasks| or |Groups| header", parse_error);
  CHECK_THROWS_WITH_AS(emergent::io::read_lm_eval_table("no table here\n", "t.md"),
                       doctest::Contains("no lm-eval results table"), parse_error);
}

// ------------------------------------------------------------------ --format auto

TEST_CASE("format auto-detection: every fixture is recognised from its name and first bytes") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl", "lm-eval"},
      {"lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl.gz", "lm-eval"},
      {"lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl.zst", "lm-eval"},
      {"lm_eval/samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl", "lm-eval"},
      {"lm_eval/winogrande_write_out_info_llama-2-7b_first25.json", "lm-eval-v03"},
      {"lm_eval/results_2026-01-21T03-44-18.458309.json", "lm-eval-results"},
      {"lm_eval/results_mamba2-130m_groups.json.zst", "lm-eval-results"},
      {"pythia_results/pythia-160m/zero-shot/160m_step0.json", "lm-eval-results"},
      {"helm/mmlu_philosophy_gpt2", "helm"},
      {"helm/narrative_qa_gpt2/scenario_state.json", "helm"},
      {"inspect/arc_easy_qwen2.5-0.5b.json", "inspect"},
      {"inspect/arc_easy_qwen2.5-0.5b.json.gz", "inspect"},
      {"inspect/2025-05-12T20-28-13-04-00_popularity.json", "inspect"},
      {"inspect/log_read_sample.json", "inspect"},
      {"inspect/mmlu-summary-choices.eval", "inspect-eval"},
      {"inspect/arc_easy_qwen2.5-0.5b.zstd.eval", "inspect-eval"},
      {"openai_evals/self_prompting_oriprompt.log", "openai-evals"},
      {"openai_evals/test_match_constructed.jsonl", "openai-evals"},
      {"lm_eval/printed_tables/mmlu_stem_10_hf_pretrained-EleutherAI-pythia-14m-deduped-dtype-float32-device-cpu.txt", "lm-eval-table"},
      {"winogrande_5shot_option_loglik_llama2_mistral.csv", "csv"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.first);
    CHECK(emergent::io::detect_input_format(data_dir + c.first).name() == c.second);
  }
  // By content alone, under a name that says nothing.
  const std::string samples = slurp(data_dir + "lm_eval/samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl");
  CHECK(emergent::io::detect_input_format_of(samples, "dump.jsonl").name() == "lm-eval");
  const std::string v03 = slurp(data_dir + "lm_eval/winogrande_write_out_info_llama-2-7b_first25.json");
  CHECK(emergent::io::detect_input_format_of(v03, "x.json").name() == "lm-eval-v03");
  const std::string helm = slurp(data_dir + "helm/narrative_qa_gpt2/scenario_state.json");
  CHECK(emergent::io::detect_input_format_of(helm, "x.json").name() == "helm");
  CHECK(emergent::io::detect_input_format_of(helm.substr(0, 300), "x.json").name() == "helm");  // a cut prefix
}

TEST_CASE("format auto-detection: ambiguous and unknown inputs name the candidates") {
  using emergent::input_error;
  const std::string both = R"({"eval": {"model": "m"}, "samples": [], "results": {}, "versions": {}})";
  CHECK_THROWS_WITH_AS(emergent::io::detect_input_format_of(both, "x.json"),
                       "'x.json': the format is ambiguous: inspect (a JSON object with eval and samples/plan/status), "
                       "lm-eval-results (a JSON object with results and versions/config); give --format",
                       input_error);
  // The name says lm-eval, the content says openai/evals.
  CHECK_THROWS_WITH_AS(emergent::io::detect_input_format_of(R"({"spec": {}})", "samples_t_2026-01-01T00-00-00.jsonl"),
                       doctest::Contains("ambiguous: lm-eval (the name samples_<task>_<date>.jsonl), openai-evals"), input_error);
  CHECK_THROWS_WITH_AS(emergent::io::detect_input_format_of(R"({"hello": 1})", "x.json", "dir/x.json"),
                       doctest::Contains("'dir/x.json': cannot tell the format from the name or the first bytes; give --format (lm-eval"),
                       input_error);
  CHECK_THROWS_WITH_AS(emergent::io::detect_input_format_of("", "x"), doctest::Contains("cannot tell"), input_error);
  CHECK_THROWS_WITH_AS(emergent::io::detect_input_format(data_dir + "helm"), doctest::Contains("not a HELM run folder"), input_error);
  CHECK_THROWS_WITH_AS(emergent::io::detect_input_format(data_dir + "no_such_file.json"), doctest::Contains("cannot open file"),
                       parse_error);
  // The key scanner tolerates a cut document and keys inside strings.
  CHECK(emergent::io::detail::json_keys_at_depth(R"({"a": "x\"y:", "b": {"c": 1}, "d)", 1) == std::vector<std::string>{"a", "b"});
}
