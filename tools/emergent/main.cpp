// Entry point of the `emergent` program: builds the CLI11 application from the registered
// subcommands and maps errors to exit codes (see command.hpp).
#include <algorithm>
#include <exception>
#include <iostream>

#include <emergent/core/error.hpp>
#include <emergent/version.hpp>

#include "command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"emergent: measure and explain emergent abilities of machine-learning models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::to_string(EMERGENT_VERSION_MAJOR) + "." +
                                        std::to_string(EMERGENT_VERSION_MINOR) + "." +
                                        std::to_string(EMERGENT_VERSION_PATCH));
  auto& commands = emergent::cli::registry();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, setup] : commands) setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const emergent::parse_error& e) {
    std::cerr << "emergent: " << e.what() << '\n';
    return emergent::cli::exit_bad_record;
  } catch (const emergent::input_error& e) {
    std::cerr << "emergent: " << e.what() << '\n';
    return emergent::cli::exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "emergent: internal error: " << e.what() << '\n';
    return emergent::cli::exit_internal;
  }
  return emergent::cli::exit_ok;
}
