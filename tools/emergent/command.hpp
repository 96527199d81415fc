// The registry of subcommands of the `emergent` program. Each subcommand lives in its own .cpp file
// and registers itself with a static `register_command`, so main.cpp never changes when one is added.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace emergent::cli {

/// Exit codes shared by all subcommands (the one table: `emergent --help`, docs/cli.md).
enum exit_code : int {
  exit_ok = 0,
  exit_usage = 1,        ///< bad command line: unknown option, missing argument, value of the wrong type
  exit_bad_input = 2,    ///< bad argument or input file (missing, a directory, unreadable): emergent::input_error
  exit_bad_record = 3,   ///< a malformed record or value, file:line: column: emergent::parse_error
  exit_numerical = 4,    ///< a numerical failure explained in words (constant y, exact fit): emergent::numerical_error
  exit_internal = 4,     ///< an unexpected failure (a bug): reported with exit 4 too
  exit_output = 5,       ///< an output could not be written (full disk, closed pipe): cli::output_error
};

/// The exit-code table as `emergent --help` prints it.
inline const char* exit_code_help() {
  return "Exit codes: 0 success; 1 usage (bad command line); 2 bad argument or input file (missing, a\n"
         "directory, unreadable, conflicting options); 3 bad record (file:line: column: what is wrong);\n"
         "4 numerical failure explained in words (constant y, exact fit); 5 I/O error writing an output\n"
         "(full disk, closed pipe). Outputs are written to a temporary file and renamed when complete,\n"
         "never over an input; a failing run leaves no output.";
}

/// A function that adds one subcommand (with its options and callback) to the application.
using command_setup = std::function<void(CLI::App&)>;

/// The list of registered subcommands, in registration order (filled before main() runs).
inline std::vector<std::pair<std::string, command_setup>>& registry() {
  static std::vector<std::pair<std::string, command_setup>> commands;
  return commands;
}

/// Registers a subcommand at static-initialisation time: `static register_command r{"fit", setup};`.
struct register_command {
  register_command(std::string name, command_setup setup) {
    registry().emplace_back(std::move(name), std::move(setup));
  }
};

}  // namespace emergent::cli
