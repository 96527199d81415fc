// The registry of subcommands of the `emergent` program. Each subcommand lives in its own .cpp file
// and registers itself with a static `register_command`, so main.cpp never changes when one is added.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace emergent::cli {

/// Exit codes shared by all subcommands.
enum exit_code : int {
  exit_ok = 0,
  exit_usage = 1,        ///< bad command line (CLI11 reports it)
  exit_bad_input = 2,    ///< invalid values: emergent::input_error
  exit_bad_record = 3,   ///< a malformed record or file: emergent::parse_error
  exit_internal = 4,     ///< anything else
};

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
