/// @file
/// @brief gzip and Zstandard inputs: streaming decompression for every reader of `emergent::io`.
///        Including this header (it needs zlib and libzstd, CMake option EMERGENT_IO_COMPRESSION)
///        makes every `read_*_file` function decompress `X.jsonl.gz` / `X.json.zst` transparently,
///        recognised by their magic numbers, not by the file name.
#pragma once

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"

namespace emergent::io {

namespace detail {

/// The number of newlines in [data, data + size).
inline std::uint64_t count_newlines(const char* data, std::size_t size) noexcept {
  std::uint64_t n = 0;
  const char* end = data + size;
  while (const void* nl = std::memchr(data, '\n', static_cast<std::size_t>(end - data))) {
    ++n;
    data = static_cast<const char*>(nl) + 1;
  }
  return n;
}

/// A gzip stream (RFC 1952, also several concatenated members, as `cat a.gz b.gz` makes) decoded with zlib.
/// Its errors (corrupt or truncated data) name the line of the decompressed text where decoding
/// stopped (the newlines it has produced are counted); the bytes decoded before an error are
/// returned first, and the error is thrown by the next `read`.
class gzip_stream final : public byte_stream {
 public:
  gzip_stream(std::unique_ptr<byte_stream> in, std::string source)
      : in_(std::move(in)), source_(std::move(source)), input_(std::size_t{1} << 16) {
    if (inflateInit2(&z_, 15 + 16) != Z_OK) throw parse_error(source_, 0, "", "gzip: cannot initialise zlib");
  }
  gzip_stream(const gzip_stream&) = delete;
  gzip_stream& operator=(const gzip_stream&) = delete;
  ~gzip_stream() override { inflateEnd(&z_); }

  std::size_t read(char* buffer, std::size_t capacity) override {
    if (failed_) throw *failed_;
    z_.next_out = reinterpret_cast<Bytef*>(buffer);
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(capacity, 1u << 30));
    const auto produced = [&] { return static_cast<std::size_t>(reinterpret_cast<char*>(z_.next_out) - buffer); };
    const auto fail = [&](const std::string& message) {
      throw parse_error(source_, static_cast<std::size_t>(newlines_ + count_newlines(buffer, produced()) + 1), "",
                        message);
    };
    try {
      while (z_.avail_out > 0 && !done_) {
        if (z_.avail_in == 0) {
          const std::size_t got = in_->read(input_.data(), input_.size());
          if (got == 0) {
            if (in_member_) fail("truncated gzip stream (the file ends inside compressed data)");
            done_ = true;
            break;
          }
          z_.next_in = reinterpret_cast<Bytef*>(input_.data());
          z_.avail_in = static_cast<uInt>(got);
        }
        if (!in_member_) {  // between members: another member must start with the gzip magic
          if (z_.avail_in >= 1 && z_.next_in[0] != 0x1f) fail("trailing bytes after the gzip data are not gzip");
          in_member_ = true;
        }
        const int rc = inflate(&z_, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
          in_member_ = false;
          if (inflateReset(&z_) != Z_OK) fail("cannot reset zlib");
        } else if (rc == Z_BUF_ERROR) {
          continue;  // needs more input (avail_in is 0) or more output (loop ends)
        } else if (rc != Z_OK) {
          fail(std::string("corrupt gzip data: ") + (z_.msg != nullptr ? z_.msg : "zlib error " + std::to_string(rc)));
        }
      }
    } catch (const parse_error& e) {
      if (produced() == 0) throw;
      failed_ = e;  // the bytes decoded before the error are returned first; the next call throws
    }
    const std::size_t n = produced();
    newlines_ += count_newlines(buffer, n);
    return n;
  }
  [[nodiscard]] std::uint64_t file_position() const override { return in_->file_position(); }

 private:
  std::unique_ptr<byte_stream> in_;
  std::string source_;
  std::vector<char> input_;
  z_stream z_{};
  std::uint64_t newlines_ = 0;           // in the bytes returned so far
  std::optional<parse_error> failed_;  // an error met after some bytes were decoded, thrown at the next read
  bool in_member_ = false;
  bool done_ = false;
};

/// A Zstandard stream (RFC 8878; several frames in a row are one stream) decoded with libzstd; its
/// errors name the line of the decompressed text where decoding stopped, as gzip_stream's do.
class zstd_stream final : public byte_stream {
 public:
  zstd_stream(std::unique_ptr<byte_stream> in, std::string source)
      : in_(std::move(in)), source_(std::move(source)), input_(ZSTD_DStreamInSize()), z_(ZSTD_createDStream()) {
    if (z_ == nullptr) throw parse_error(source_, 0, "", "zstd: cannot create a decompression context");
  }
  zstd_stream(const zstd_stream&) = delete;
  zstd_stream& operator=(const zstd_stream&) = delete;
  ~zstd_stream() override { ZSTD_freeDStream(z_); }

  std::size_t read(char* buffer, std::size_t capacity) override {
    if (failed_) throw *failed_;
    ZSTD_outBuffer out{buffer, capacity, 0};
    const auto fail = [&](const std::string& message) {
      throw parse_error(source_, static_cast<std::size_t>(newlines_ + count_newlines(buffer, out.pos) + 1), "", message);
    };
    try {
      while (out.pos < out.size && !done_) {
        if (in_buf_.pos == in_buf_.size) {
          const std::size_t got = in_->read(input_.data(), input_.size());
          if (got == 0) {
            if (pending_ != 0) fail("truncated zstd stream (the file ends inside a frame)");
            done_ = true;
            break;
          }
          in_buf_ = ZSTD_inBuffer{input_.data(), got, 0};
        }
        pending_ = ZSTD_decompressStream(z_, &out, &in_buf_);
        if (ZSTD_isError(pending_)) fail(std::string("corrupt zstd data: ") + ZSTD_getErrorName(pending_));
      }
    } catch (const parse_error& e) {
      if (out.pos == 0) throw;
      failed_ = e;  // the bytes decoded before the error are returned first; the next call throws
    }
    newlines_ += count_newlines(buffer, out.pos);
    return out.pos;
  }
  [[nodiscard]] std::uint64_t file_position() const override { return in_->file_position(); }

 private:
  std::unique_ptr<byte_stream> in_;
  std::string source_;
  std::vector<char> input_;
  ZSTD_DStream* z_;
  ZSTD_inBuffer in_buf_{nullptr, 0, 0};
  std::uint64_t newlines_ = 0;           // in the bytes returned so far
  std::optional<parse_error> failed_;  // an error met after some bytes were decoded, thrown at the next read
  std::size_t pending_ = 0;              // 0 at a frame boundary
  bool done_ = false;
};

/// The decompressor factory installed into open_input.
inline std::unique_ptr<byte_stream> make_decompressing_stream(compression_kind kind, std::unique_ptr<byte_stream> raw,
                                                              const std::string& source) {
  if (kind == compression_kind::gzip) return std::make_unique<gzip_stream>(std::move(raw), source);
  if (kind == compression_kind::zstd) return std::make_unique<zstd_stream>(std::move(raw), source);
  return raw;
}

/// Installs the decompressor before main() in every program that includes this header.
inline const bool decompression_installed = (installed_decompressor = &make_decompressing_stream, true);

/// A byte_stream over text in memory.
class memory_stream final : public byte_stream {
 public:
  explicit memory_stream(std::string_view text) : text_(text) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t n = std::min(capacity, text_.size());
    std::memcpy(buffer, text_.data(), n);
    text_.remove_prefix(n);
    read_ += n;
    return n;
  }
  [[nodiscard]] std::uint64_t file_position() const override { return read_; }

 private:
  std::string_view text_;
  std::uint64_t read_ = 0;
};

}  // namespace detail

/// The compression of a buffer or a file's first bytes: gzip (`1f 8b`), Zstandard (`28 b5 2f fd`),
/// ZIP (`PK\3\4`), or none.
using compression_kind = detail::compression_kind;

/// Recognises the compression of `first_bytes` (the first 4 bytes of a file are enough).
inline compression_kind detect_compression(std::string_view first_bytes) noexcept {
  return detail::compression_of(first_bytes);
}

/// Decompresses a gzip or Zstandard buffer whole (plain text is returned as it is); `source` names it
/// in errors. Throws parse_error on corrupt or truncated data. A ZIP archive is not decompressed here.
inline std::string decompress(std::string_view data, std::string_view source = "buffer") {
  const compression_kind kind = detail::compression_of(data);
  if (kind != compression_kind::gzip && kind != compression_kind::zstd) return std::string(data);
  auto stream = detail::make_decompressing_stream(kind, std::make_unique<detail::memory_stream>(data), std::string(source));
  std::string out(std::max<std::size_t>(data.size() * 4, 4096), '\0');
  std::size_t size = 0;
  while (true) {
    if (size == out.size()) out.resize(out.size() * 2);
    const std::size_t got = stream->read(out.data() + size, out.size() - size);
    if (got == 0) break;
    size += got;
  }
  out.resize(size);
  return out;
}

}  // namespace emergent::io
