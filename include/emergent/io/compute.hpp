/// @file
/// @brief Reader for compute tables: a CSV mapping each model to its parameter count, training
///        tokens and training FLOPs; FLOPs missing from the table are derived as 6·N·D.
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/csv.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io {

/// The compute of one model.
struct compute_entry {
  /// The model name (joins with `record::model`).
  std::string model;
  /// Number of parameters N, when given.
  std::optional<double> parameters;
  /// Number of training tokens D, when given.
  std::optional<double> tokens;
  /// Training compute in FLOPs: from the table, or C = 6·N·D (Kaplan et al. 2020, "Scaling Laws for
  /// Neural Language Models", eq. 2.1: about 6 FLOPs per parameter per training token) when the
  /// table has none and gives N and D.
  std::optional<double> flops;
  /// True when `flops` was derived as 6·N·D rather than read.
  bool flops_derived = false;
  /// The line of the table the entry came from.
  std::size_t line = 0;
};

namespace detail {

inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace detail

/// Reads a compute table from CSV text. Header names (case-insensitive): `model` (or `name`);
/// parameters: `parameters`, `params`, `n`, `n_params`, `num_params`, `params_nominal`; tokens:
/// `tokens`, `training_tokens`, `train_tokens`, `d`, `tokens_seen`; FLOPs: `flops`, `compute`, `c`,
/// `training_flops`. Values must be positive numbers (`7e9` is fine) or empty. A model listed twice,
/// a missing model column or a non-number is a `parse_error`.
inline std::vector<compute_entry> read_compute_table(std::string_view text, std::string_view source) {
  using namespace detail;
  std::vector<compute_entry> out;
  csv_parser csv{std::string(source)};
  std::vector<std::string> header;
  std::size_t model_col = no_option, n_col = no_option, d_col = no_option, c_col = no_option;
  const std::string file(source);
  for_each_line_in_buffer(text, [&](const char* data, std::size_t len, std::size_t line, bool complete) {
    if (!csv.feed(std::string_view(data, len), line, complete)) return;
    const auto& f = csv.fields();
    if (header.empty()) {
      header = f;
      for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string h = lower_ascii(trim_view(header[i]));
        if (h == "model" || h == "name") model_col = i;
        else if (h == "parameters" || h == "params" || h == "n" || h == "n_params" || h == "num_params" ||
                 h == "params_nominal")
          n_col = i;
        else if (h == "tokens" || h == "training_tokens" || h == "train_tokens" || h == "d" || h == "tokens_seen")
          d_col = i;
        else if (h == "flops" || h == "compute" || h == "c" || h == "training_flops")
          c_col = i;
      }
      if (model_col == no_option) throw parse_error(file, line, "model", "no model column in the header");
      if (n_col == no_option && d_col == no_option && c_col == no_option) {
        throw parse_error(file, line, "", "no parameters, tokens or flops column in the header");
      }
      return;
    }
    const where at{source, csv.line()};
    if (f.size() != header.size()) {
      at.fail("", std::to_string(f.size()) + " fields but the header has " + std::to_string(header.size()));
    }
    compute_entry e;
    e.line = csv.line();
    e.model = std::string(trim_view(f[model_col]));
    if (e.model.empty()) at.fail(header[model_col], "missing model name");
    for (const auto& other : out) {
      if (other.model == e.model) at.fail(header[model_col], "model " + e.model + " listed twice (line " + std::to_string(other.line) + ")");
    }
    auto value = [&](std::size_t col) -> std::optional<double> {
      if (col == no_option || trim_view(f[col]).empty()) return std::nullopt;
      auto v = number_from_text(f[col]);
      if (!v) at.fail(header[col], "\"" + f[col].substr(0, 40) + "\" is not a number");
      if (!(*v > 0) || *v == std::numeric_limits<double>::infinity()) at.fail(header[col], f[col] + " is not a positive finite number");
      return v;
    };
    e.parameters = value(n_col);
    e.tokens = value(d_col);
    e.flops = value(c_col);
    if (!e.flops && e.parameters && e.tokens) {
      e.flops = 6.0 * *e.parameters * *e.tokens;
      e.flops_derived = true;
    }
    out.push_back(std::move(e));
  });
  if (csv.open()) throw parse_error(file, csv.line(), "", "truncated: unclosed quoted field");
  return out;
}

/// Reads a compute table file (small; loaded whole).
inline std::vector<compute_entry> read_compute_table_file(const std::string& path) {
  const simdjson::padded_string text = detail::load_file(path);
  return read_compute_table(std::string_view(text.data(), text.size()), path);
}

/// The entry of `model`, or nullptr when the table does not list it.
inline const compute_entry* find_compute(const std::vector<compute_entry>& table, std::string_view model) {
  for (const auto& e : table) {
    if (e.model == model) return &e;
  }
  return nullptr;
}

}  // namespace emergent::io
