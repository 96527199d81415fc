/// @file
/// @brief Reader for Inspect AI's binary `.eval` logs (its default format): a ZIP archive of
///        `header.json` (the eval spec, plan, results) and one `samples/<id>_epoch_<epoch>.json` per
///        sample, with `summaries.json`, `reductions.json` and `_journal/…` beside them. Needs libzip,
///        zlib and libzstd (CMake option EMERGENT_IO_COMPRESSION); members may be deflated (older
///        Inspect) or Zstandard-compressed (ZIP method 93, newer Inspect), both are read.
#pragma once

#include "emergent/io/detail/simdjson.hpp"
#include <zip.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/inspect.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io {

namespace detail {

/// A ZIP archive opened read-only with libzip, from a file or from bytes in memory.
class zip_reader {
 public:
  /// Opens the archive file `path`; parse_error when it is not a readable ZIP archive.
  explicit zip_reader(const std::string& path) : source_(path) {
    int code = 0;
    zip_ = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (zip_ == nullptr) fail_open(code);
  }
  /// Opens an archive held in memory (`data` must outlive the reader); `source` names it in errors.
  zip_reader(std::string_view data, std::string source) : source_(std::move(source)) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* src = zip_source_buffer_create(data.data(), data.size(), 0, &error);
    if (src == nullptr) {
      zip_error_fini(&error);
      throw parse_error(source_, 0, "", "cannot read the ZIP archive from memory");
    }
    zip_ = zip_open_from_source(src, ZIP_RDONLY, &error);
    if (zip_ == nullptr) {
      zip_source_free(src);
      const int code = zip_error_code_zip(&error);
      zip_error_fini(&error);
      fail_open(code);
    }
    zip_error_fini(&error);
  }
  zip_reader(const zip_reader&) = delete;
  zip_reader& operator=(const zip_reader&) = delete;
  ~zip_reader() {
    if (zip_ != nullptr) zip_discard(zip_);
  }

  /// The names of the archive's members, in the order of its central directory.
  [[nodiscard]] std::vector<std::string> names() const {
    const zip_int64_t n = zip_get_num_entries(zip_, 0);
    std::vector<std::string> out;
    for (zip_int64_t i = 0; i < n; ++i) {
      const char* name = zip_get_name(zip_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
      out.emplace_back(name != nullptr ? name : "");
    }
    return out;
  }

  /// The compressed size of member `name` in bytes (0 when unknown): progress through the archive.
  [[nodiscard]] std::uint64_t compressed_size(const std::string& name) const {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip_, name.c_str(), 0, &st) != 0 || (st.valid & ZIP_STAT_COMP_SIZE) == 0) return 0;
    return st.comp_size;
  }

  /// Whether the archive has a member of this name.
  [[nodiscard]] bool has(const std::string& name) const { return zip_name_locate(zip_, name.c_str(), 0) >= 0; }

  /// The decompressed bytes of member `name` (stored, deflated, or Zstandard-compressed, with its
  /// CRC-32 checked); parse_error naming the archive and the member when it cannot be read.
  [[nodiscard]] std::string read(const std::string& name) const {
    const std::string where = source_ + "/" + name;
    const zip_int64_t index = zip_name_locate(zip_, name.c_str(), 0);
    if (index < 0) throw parse_error(source_, 0, name, "no such member in the archive");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
      throw parse_error(where, 0, "", std::string("cannot read the member's entry: ") + zip_strerror(zip_));
    }
    const bool zstd = (st.valid & ZIP_STAT_COMP_METHOD) != 0 && st.comp_method == 93;  // ZIP_CM_ZSTD
    if ((st.valid & ZIP_STAT_COMP_METHOD) != 0 && !zstd && zip_compression_method_supported(st.comp_method, 0) == 0) {
      throw parse_error(where, 0, "",
                        "compressed with ZIP method " + std::to_string(st.comp_method) + ", which cannot be decoded");
    }
    zip_file_t* f = zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), zstd ? ZIP_FL_COMPRESSED : 0);
    if (f == nullptr) throw parse_error(where, 0, "", std::string("cannot open the member: ") + zip_strerror(zip_));
    std::string raw;
    char buffer[1 << 16];
    while (true) {
      const zip_int64_t got = zip_fread(f, buffer, sizeof buffer);
      if (got < 0) {
        const std::string message = zip_file_strerror(f);
        zip_fclose(f);
        throw parse_error(where, 0, "", "corrupt or truncated member: " + message);
      }
      if (got == 0) break;
      raw.append(buffer, static_cast<std::size_t>(got));
    }
    zip_fclose(f);
    if (!zstd) return raw;
    std::string out = zstd_member(raw, where);
    if ((st.valid & ZIP_STAT_CRC) != 0) {
      const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(out.data()),
                              static_cast<uInt>(out.size()));
      if (static_cast<zip_uint32_t>(crc) != st.crc) throw parse_error(where, 0, "", "CRC error (corrupt member)");
    }
    return out;
  }

 private:
  [[noreturn]] void fail_open(int code) const {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw parse_error(source_, 0, "", "not a readable ZIP archive (" + message + "; truncated or not an Inspect .eval log?)");
  }

  static std::string zstd_member(const std::string& raw, const std::string& where) {
    ZSTD_DCtx* z = ZSTD_createDCtx();
    if (z == nullptr) throw parse_error(where, 0, "", "zstd: cannot create a decompression context");
    std::string out;
    std::vector<char> chunk(ZSTD_DStreamOutSize());
    ZSTD_inBuffer in{raw.data(), raw.size(), 0};
    std::size_t pending = 1;
    while (in.pos < in.size) {
      ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
      pending = ZSTD_decompressStream(z, &o, &in);
      if (ZSTD_isError(pending)) {
        const std::string message = ZSTD_getErrorName(pending);
        ZSTD_freeDCtx(z);
        throw parse_error(where, 0, "", "corrupt zstd member: " + message);
      }
      out.append(chunk.data(), o.pos);
    }
    while (pending != 0) {  // flush what the frame still holds
      ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
      pending = ZSTD_decompressStream(z, &o, &in);
      if (ZSTD_isError(pending) || o.pos == 0) break;
      out.append(chunk.data(), o.pos);
    }
    ZSTD_freeDCtx(z);
    if (pending != 0) throw parse_error(where, 0, "", "truncated zstd member");
    return out;
  }

  std::string source_;
  zip_t* zip_ = nullptr;
};

/// Orders sample members as (epoch, id): integer ids numerically, before text ids.
struct inspect_member {
  std::string name;
  long long epoch = 0;
  bool numeric = false;
  unsigned long long number = 0;
  std::string id;
  bool operator<(const inspect_member& o) const {
    if (epoch != o.epoch) return epoch < o.epoch;
    if (numeric != o.numeric) return numeric;
    if (numeric && number != o.number) return number < o.number;
    return id < o.id;
  }
};

/// The sample members of an archive (`samples/<id>_epoch_<epoch>.json`), in (epoch, id) order.
inline std::vector<inspect_member> inspect_sample_members(const std::vector<std::string>& names, const std::string& source) {
  std::vector<inspect_member> out;
  for (const auto& name : names) {
    if (name.rfind("samples/", 0) != 0 || name.size() < 13 || name.substr(name.size() - 5) != ".json") continue;
    const std::string stem = name.substr(8, name.size() - 13);
    if (stem.find('/') != std::string::npos) {
      throw parse_error(source, 0, name,
                        "a sample split into chunks (the experimental .eval2 layout), which is not read");
    }
    inspect_member m;
    m.name = name;
    const auto e = stem.rfind("_epoch_");
    m.id = e == std::string::npos ? stem : stem.substr(0, e);
    if (e != std::string::npos) {
      const std::string_view ep = std::string_view(stem).substr(e + 7);
      std::from_chars(ep.data(), ep.data() + ep.size(), m.epoch);
    }
    const auto [end, ec] = std::from_chars(m.id.data(), m.id.data() + m.id.size(), m.number);
    m.numeric = ec == std::errc() && end == m.id.data() + m.id.size() && !m.id.empty();
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline read_summary read_inspect_archive(const zip_reader& zip, const std::string& source, const read_options& options,
                                         const record_sink& sink) {
  // The eval spec: header.json of a finished log, else _journal/start.json of one still running.
  std::string spec_member = "header.json";
  if (!zip.has(spec_member)) spec_member = "_journal/start.json";
  if (!zip.has(spec_member)) {
    throw parse_error(source, 0, "header.json",
                      "missing (and no _journal/start.json): a ZIP archive, but not an Inspect .eval log");
  }
  std::string model = options.model, task = options.task;
  {
    const std::string text = zip.read(spec_member);
    const simdjson::padded_string padded(detail::without_bom(text));
    simdjson::dom::parser parser;
    const std::string header_file = source + "/" + spec_member;
    const where header_at{header_file, 1};
    const element root = parse_document(parser, padded.data(), padded.size(), header_at);
    const element spec = required(root, "eval", header_at, "eval");
    if (auto m = member(spec, "model"); model.empty() && m && m->type() == element_type::STRING) {
      model = std::string(std::string_view(*m));
    }
    if (auto t = member(spec, "task"); task.empty() && t && t->type() == element_type::STRING) {
      task = std::string(std::string_view(*t));
    }
  }
  read_summary summary;
  simdjson::dom::parser parser;
  record r;
  duplicate_detector duplicates;
  std::uint64_t done = 0;  // compressed bytes of the samples read so far
  for (const inspect_member& m : inspect_sample_members(zip.names(), source)) {
    const std::string member_source = source + "/" + m.name;
    const where at{member_source, 1};
    ++summary.read;
    try {
      const std::string text = zip.read(m.name);
      const simdjson::padded_string padded(detail::without_bom(text));
      const element e = parse_document(parser, padded.data(), padded.size(), at);
      if (e.type() != element_type::OBJECT) at.fail("", "expected a JSON object (one sample)");
      r.clear();
      r.source = member_source;
      r.line = 1;
      r.model = model;
      r.task = task;
      fill_inspect_sample(e, at, r);
      if (duplicates.seen("", r.example_id)) at.fail("id", "duplicated example id " + r.example_id);
      sink(r);
      ++summary.delivered;
    } catch (const parse_error& err) {
      skip_or_throw(err, options, summary);
    }
    if (options.progress) {
      done += zip.compressed_size(m.name);
      options.progress(static_cast<std::size_t>(done));
    }
  }
  return summary;
}

}  // namespace detail

/// Reads an Inspect `.eval` archive held in memory: `eval.model` / `eval.task` of `header.json`
/// (else of `_journal/start.json`, a log still being written) give model and task, and each
/// `samples/<id>_epoch_<epoch>.json` member, in (epoch, id) order, one record with the fields of the
/// JSON log reader (read_inspect_log). Records and errors name the member as `<source>/<member>`.
/// Throws parse_error when the bytes are not a readable ZIP archive or not an Inspect log; a bad
/// sample is skipped (counted) with `options.skip_bad`.
inline read_summary read_inspect_eval(std::string_view archive, std::string_view source, const read_options& options,
                                      const record_sink& sink) {
  const detail::zip_reader zip(archive, std::string(source));
  return detail::read_inspect_archive(zip, std::string(source), options, sink);
}

/// Reads an Inspect `.eval` archive file, one member at a time (memory grows with the largest
/// sample, not with the archive).
inline read_summary read_inspect_eval_file(const std::string& path, const read_options& options, const record_sink& sink) {
  const detail::zip_reader zip(path);
  return detail::read_inspect_archive(zip, path, options, sink);
}

}  // namespace emergent::io
