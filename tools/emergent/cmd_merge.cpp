// `emergent merge`: merges scorer states written by `emergent score --save-state` (shards scored by
// separate jobs) and writes the per-model table that one `emergent score` over all shards writes.
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <emergent/core/error.hpp>
#include <emergent/io/compute.hpp>
#include <emergent/scoring/scorer.hpp>
#include <emergent/scoring/scorer_state.hpp>
#include <emergent/scoring/scorer_state_json.hpp>

#include "command.hpp"
#include "output_file.hpp"
#include "score/score_output.hpp"

namespace emergent::cli::merge {
namespace {

struct options_t {
  std::vector<std::string> states;
  std::string out;
  std::string compute;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error("merge: STATES: '" + path + "': cannot read");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void run(const options_t& o) {
  const bool json_out = o.out.size() > 5 && o.out.substr(o.out.size() - 5) == ".json";
  if (!o.out.empty() && !json_out && !(o.out.size() > 4 && o.out.substr(o.out.size() - 4) == ".csv")) {
    throw input_error("merge: --out: '" + o.out + "' must end in .csv or .json");
  }
  std::vector<std::string> inputs;
  for (const auto& f : o.states) {
    check_input_file(f, "merge: STATES");
    inputs.push_back(f);
  }
  check_distinct_inputs(inputs, "merge: STATES");
  if (!o.compute.empty()) {
    check_input_file(o.compute, "merge: --compute");
    inputs.push_back(o.compute);
  }
  if (!o.out.empty()) check_not_an_input(o.out, inputs, "merge: --out");
  std::vector<io::compute_entry> compute;
  if (!o.compute.empty()) compute = io::read_compute_table_file(o.compute);
  for (const auto& c : compute) {  // as score does: no infinite number in the table
    for (const auto& [v, name] : {std::pair{c.parameters, "params"}, std::pair{c.tokens, "tokens"}, std::pair{c.flops, "flops"}}) {
      if (v && !std::isfinite(*v)) {
        throw parse_error(o.compute, c.line, name,
                          std::string(c.flops_derived && std::string(name) == "flops" ? "6 * params * tokens" : name) +
                              " of model '" + c.model + "' overflows a double (larger than 1.8e308)");
      }
    }
  }

  std::optional<scoring::scorer> merged;
  for (const auto& path : o.states) {
    const std::string text = read_text(path);
    score::prefixed(("merge: '" + path + "': ").c_str(), [&] {
      scoring::scorer shard = scoring::scorer::from_state(scoring::scorer_state_from_json(text, path));
      if (!merged) {
        merged.emplace(std::move(shard));
      } else {
        merged->merge(shard);
      }
    });
  }
  if (!merged->options().aggregate) throw input_error("merge: '" + o.states.front() + "': a per-example state has no aggregates");
  // The merged audits refuse metrics read from placeholder log-probabilities, as one `score` would.
  score::prefixed("merge: ", [&] { merged->check_complete(); });

  std::optional<output_file> file_out;
  if (!o.out.empty()) file_out.emplace(o.out, "merge: --out");
  std::ostream& out = file_out ? file_out->stream() : std::cout;
  const bool any_derived = score::prefixed("merge: ", [&] { return score::write_per_model(out, *merged, compute, json_out); });
  if (json_out) score::write_json_summary(out, *merged, any_derived);
  if (file_out) {
    file_out->commit();
  } else {
    check_stdout();
  }
  score::report_summary("merge", *merged, any_derived);
}

void setup(CLI::App& app) {
  auto o = std::make_shared<options_t>();
  auto* cmd = app.add_subcommand(
      "merge", "Merge scorer states (emergent score --save-state) of shards into one per-model table");
  cmd->add_option("--out", o->out, "output file, .csv or .json (default: CSV on standard output)");
  cmd->add_option("--compute", o->compute, "compute table (CSV: model, params, tokens, flops)");
  cmd->add_option("states", o->states, "state files written by emergent score --save-state")->required();
  cmd->callback([o]() { run(*o); });
}

const register_command registration{"merge", setup};

}  // namespace
}  // namespace emergent::cli::merge
