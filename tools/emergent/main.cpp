// Entry point of the `emergent` program: builds the CLI11 application from the registered
// subcommands and maps errors to the exit codes of command.hpp (docs/cli.md).
#include <algorithm>
#include <csignal>
#include <exception>
#include <filesystem>
#include <iostream>
#include <new>

#include <emergent/core/error.hpp>
#include <emergent/version.hpp>

#include "command.hpp"
#include "output_file.hpp"

int main(int argc, char** argv) {
  // A closed pipe is an error on the write (EPIPE, exit 5), not a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"emergent: measure and explain emergent abilities of machine-learning models"};
  app.require_subcommand(1);
  app.footer(emergent::cli::exit_code_help());
  app.set_version_flag("--version", std::to_string(EMERGENT_VERSION_MAJOR) + "." +
                                        std::to_string(EMERGENT_VERSION_MINOR) + "." +
                                        std::to_string(EMERGENT_VERSION_PATCH));
  auto& commands = emergent::cli::registry();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, setup] : commands) setup(app);
  namespace cli = emergent::cli;
  try {
    app.parse(argc, argv);
    cli::check_stdout();
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every other command-line error is a usage error (CLI11 has its own codes).
    const int rc = app.exit(e);
    return rc == 0 ? cli::exit_ok : cli::exit_usage;
  } catch (const emergent::parse_error& e) {
    std::cerr << "emergent: " << e.what() << '\n';
    return cli::exit_bad_record;
  } catch (const emergent::input_error& e) {
    std::cerr << "emergent: " << e.what() << '\n';
    return cli::exit_bad_input;
  } catch (const emergent::numerical_error& e) {
    std::cerr << "emergent: " << e.what() << '\n';
    return cli::exit_numerical;
  } catch (const cli::output_error& e) {
    std::cerr << "emergent: " << e.what() << '\n';
    return cli::exit_output;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "emergent: I/O error: " << e.what() << '\n';
    return cli::exit_output;
  } catch (const std::bad_alloc&) {
    std::cerr << "emergent: out of memory\n";
    return cli::exit_internal;
  } catch (const std::exception& e) {
    std::cerr << "emergent: internal error (please report it): " << e.what() << '\n';
    return cli::exit_internal;
  }
  return cli::exit_ok;
}
