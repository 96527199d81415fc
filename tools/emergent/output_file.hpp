// Output integrity for the `emergent` program: input files are checked before anything is read, an
// output is never one of the inputs, files are written to a temporary file in the destination
// directory and renamed into place only when every byte was written (so a failing or interrupted run
// leaves the destination untouched and two concurrent runs cannot interleave), and every write is
// checked (exit 5 on a full disk or a closed pipe). See docs/cli.md.
//
//   cli::check_input_file(path, "FILES");                 // exit 2: no such file, is a directory, ...
//   cli::check_not_an_input(out, inputs, "--out");        // exit 2 naming both paths
//   cli::output_file f(out);                              // temporary file beside `out`
//   f.stream() << ...;  f.check();                        // check() throws output_error (exit 5)
//   f.commit();                                           // flush, check, rename; else removed
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <emergent/core/error.hpp>

namespace emergent::cli {

/// An output could not be written (full disk, closed pipe, no permission, ...): exit 5.
class output_error : public std::runtime_error {
 public:
  /// Creates the error with a message naming the output and the reason.
  explicit output_error(const std::string& what) : std::runtime_error(what) {}
};

/// The reason of the last failed system call, for messages ("No space left on device").
inline std::string errno_text(int code) { return code != 0 ? std::string(std::strerror(code)) : "write failed"; }

/// Checks that `path` can be read before anything is read: throws input_error (exit 2) saying
/// "no such file", "is a directory" (unless `directory_ok`) or "cannot read" with the reason.
inline void check_input_file(const std::string& path, const std::string& what, bool directory_ok = false) {
  namespace fs = std::filesystem;
  const std::string where = (what.empty() ? std::string() : what + ": ") + "'" + path + "'";
  if (path.empty()) throw input_error((what.empty() ? std::string("input") : what) + ": empty file name");
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) {
    std::error_code e2;
    if (fs::is_symlink(fs::symlink_status(path, e2))) throw input_error(where + ": broken symbolic link");
    throw input_error(where + ": no such file");
  }
  if (ec) throw input_error(where + ": " + ec.message());
  if (st.type() == fs::file_type::directory) {
    if (directory_ok) return;
    throw input_error(where + " is a directory, not a file");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    const int e = errno;
    throw input_error(where + ": cannot read: " + errno_text(e));
  }
}

/// Throws input_error (exit 2, naming both paths) when `output` is the same file as one of `inputs`
/// (std::filesystem::equivalent: hard and symbolic links and `./` spellings count).
inline void check_not_an_input(const std::string& output, const std::vector<std::string>& inputs,
                               const std::string& option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(output, ec)) return;
  for (const auto& in : inputs) {
    if (in.empty()) continue;
    std::error_code e2;
    if (fs::equivalent(output, in, e2)) {
      throw input_error(option + ": '" + output + "' is the input '" + in +
                        "': refusing to overwrite an input (choose another output file)");
    }
  }
}

/// Throws input_error (exit 2) when two of `inputs` are the same file (given twice, or through a link).
inline void check_distinct_inputs(const std::vector<std::string>& inputs, const std::string& what) {
  namespace fs = std::filesystem;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (std::size_t j = i + 1; j < inputs.size(); ++j) {
      std::error_code ec;
      if (fs::equivalent(inputs[i], inputs[j], ec)) {
        throw input_error(what + ": '" + inputs[i] + "' and '" + inputs[j] +
                          "' are the same file: its records would be counted twice");
      }
    }
  }
}

namespace detail {

/// The permissions a new file gets (0666 minus the umask), as open(2) would give it.
inline mode_t default_file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return static_cast<mode_t>(0666 & ~mask);
}

}  // namespace detail

/// One output file written atomically: bytes go to a temporary file `.NAME.XXXXXX.tmp` in the
/// destination's directory, and commit() renames it onto the destination after checking every write.
/// Without commit() (an exception, a failed check) the temporary file is removed and the destination
/// is untouched. A destination that exists and is not a regular file (a device such as /dev/null or
/// /dev/full, a pipe) is written directly, with every write checked. A symbolic link is followed: its
/// target is replaced.
class output_file {
 public:
  /// Opens the temporary file for `path` (`option` names the option in messages, e.g. "--out").
  explicit output_file(std::string path, std::string option = "--out")
      : path_(std::move(path)), option_(std::move(option)) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path target = path_;
    if (fs::is_symlink(fs::symlink_status(target, ec))) {
      target = fs::weakly_canonical(target, ec);
      if (ec) throw output_error(option_ + ": '" + path_ + "': cannot follow the link: " + ec.message());
    }
    const fs::file_status st = fs::status(target, ec);
    if (st.type() == fs::file_type::directory) {
      throw input_error(option_ + ": '" + path_ + "' is a directory, not a file");
    }
    if (st.type() != fs::file_type::not_found && st.type() != fs::file_type::regular && st.type() != fs::file_type::none) {
      direct_ = true;  // a device or a pipe: no rename possible
      stream_.open(target, std::ios::binary | std::ios::out);
      if (!stream_) throw output_error(option_ + ": cannot open '" + path_ + "': " + errno_text(errno));
      return;
    }
    target_ = target;
    fs::path dir = target.parent_path();
    if (dir.empty()) dir = ".";
    if (!fs::is_directory(dir, ec)) {
      throw output_error(option_ + ": cannot write '" + path_ + "': no such directory '" + dir.string() + "'");
    }
    std::string name = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    std::vector<char> buf(name.begin(), name.end());
    buf.push_back('\0');
    const int fd = ::mkstemp(buf.data());
    if (fd < 0) {
      const int e = errno;
      throw output_error(option_ + ": cannot write in '" + dir.string() + "': " + errno_text(e));
    }
    ::fchmod(fd, detail::default_file_mode());
    ::close(fd);
    temp_ = buf.data();
    stream_.open(temp_, std::ios::binary | std::ios::out | std::ios::trunc);
    if (!stream_) {
      const int e = errno;
      std::remove(temp_.c_str());
      throw output_error(option_ + ": cannot write '" + temp_ + "': " + errno_text(e));
    }
  }

  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  /// Removes the temporary file unless commit() succeeded.
  ~output_file() {
    if (!temp_.empty() && !committed_) {
      stream_.close();
      std::remove(temp_.c_str());
    }
  }

  /// The stream to write to.
  std::ostream& stream() { return stream_; }

  /// Throws output_error (exit 5) when a write failed so far.
  void check() {
    if (!stream_) throw output_error(option_ + ": cannot write '" + path_ + "': " + errno_text(errno));
  }

  /// Flushes, checks, closes and renames the temporary file onto the destination.
  void commit() {
    stream_.flush();
    check();
    stream_.close();
    if (stream_.fail()) throw output_error(option_ + ": cannot write '" + path_ + "': " + errno_text(errno));
    committed_ = true;
    if (direct_) return;
    if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
      const int e = errno;
      std::remove(temp_.c_str());
      throw output_error(option_ + ": cannot replace '" + path_ + "': " + errno_text(e));
    }
  }

 private:
  std::string path_, option_;
  std::filesystem::path target_;
  std::string temp_;
  std::ofstream stream_;
  bool direct_ = false;
  bool committed_ = false;
};

/// Builds the files of an output directory (`emergent report -o DIR`) in a fresh temporary directory
/// `DIR/.emergent-XXXXXX` and moves each into DIR with rename(2) on commit(): a file of the same name
/// in DIR is replaced, never written through (a symbolic link there is replaced, its target untouched),
/// so nothing is written outside DIR; on failure nothing in DIR changes and the temporary directory is
/// removed (DIR itself too when this run created it and it is still empty).
class output_directory {
 public:
  /// Creates DIR if needed (output_error on failure, exit 5) and the temporary directory inside it.
  explicit output_directory(std::string dir, std::string option = "--out")
      : dir_(std::move(dir)), option_(std::move(option)) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(dir_, ec);
    if (st.type() != fs::file_type::not_found && st.type() != fs::file_type::directory) {
      throw input_error(option_ + ": '" + dir_ + "' exists and is not a directory");
    }
    if (st.type() == fs::file_type::not_found) {
      created_ = fs::create_directories(dir_, ec);
      if (ec) throw output_error(option_ + ": cannot create the directory '" + dir_ + "': " + ec.message());
    }
    std::string name = (fs::path(dir_) / ".emergent-XXXXXX").string();
    std::vector<char> buf(name.begin(), name.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
      const int e = errno;
      cleanup();
      throw output_error(option_ + ": cannot write in '" + dir_ + "': " + errno_text(e));
    }
    temp_ = buf.data();
  }

  output_directory(const output_directory&) = delete;
  output_directory& operator=(const output_directory&) = delete;

  /// Removes the temporary directory (and DIR when this run created it and it is empty) unless committed.
  ~output_directory() {
    if (!committed_) cleanup();
  }

  /// The final path of the file `name` in DIR (for messages and input checks).
  [[nodiscard]] std::filesystem::path final_path(const std::string& name) const {
    return std::filesystem::path(dir_) / name;
  }

  /// Writes `text` as the file `name` (a plain name, no directory) into the temporary directory.
  void write(const std::string& name, const std::string& text) {
    if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') {
      throw output_error(option_ + ": '" + name + "' is not a plain file name");
    }
    const std::string path = (std::filesystem::path(temp_) / name).string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, detail::default_file_mode());
    if (fd < 0) {
      const int e = errno;
      throw output_error(option_ + ": cannot write '" + final_path(name).string() + "': " + errno_text(e));
    }
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int e = errno;
        ::close(fd);
        throw output_error(option_ + ": cannot write '" + final_path(name).string() + "': " + errno_text(e));
      }
      done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
      const int e = errno;
      throw output_error(option_ + ": cannot write '" + final_path(name).string() + "': " + errno_text(e));
    }
    names_.push_back(name);
  }

  /// Moves every written file into DIR (rename(2) replaces a file or a link of the same name).
  void commit() {
    for (const auto& name : names_) {
      const std::string from = (std::filesystem::path(temp_) / name).string();
      const std::string to = final_path(name).string();
      if (std::rename(from.c_str(), to.c_str()) != 0) {
        const int e = errno;
        throw output_error(option_ + ": cannot replace '" + to + "': " + errno_text(e));
      }
    }
    committed_ = true;
    std::error_code ec;
    std::filesystem::remove_all(temp_, ec);
  }

 private:
  void cleanup() {
    std::error_code ec;
    if (!temp_.empty()) std::filesystem::remove_all(temp_, ec);
    if (created_ && std::filesystem::is_empty(dir_, ec)) std::filesystem::remove(dir_, ec);
  }

  std::string dir_, option_, temp_;
  std::vector<std::string> names_;
  bool created_ = false;
  bool committed_ = false;
};

/// Flushes standard output and throws output_error (exit 5) when any write to it failed.
inline void check_stdout() {
  std::cout.flush();
  const bool bad = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout) != 0;
  if (bad) throw output_error("cannot write to standard output: " + errno_text(errno));
}

/// Throws output_error (exit 5) at once when a write to `out` has failed, so that a long run stops
/// promptly on a closed pipe or a full disk.
inline void check_stream(const std::ostream& out, const std::string& what) {
  if (!out) throw output_error("cannot write to " + what + ": " + errno_text(errno));
}

/// Echoes at most ~40 characters of a cell or value in a message: 'abc...' (N characters).
inline std::string quote_cell(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  std::size_t cut = 37;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0u) == 0x80u) --cut;  // whole UTF-8 characters
  return "'" + s.substr(0, cut) + "...' (" + std::to_string(s.size()) + " bytes)";
}

}  // namespace emergent::cli
