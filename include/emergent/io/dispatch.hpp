/// @file
/// @brief One entry point for every input format of `emergent::io`: the `input_format` enum, its
///        names, and `read_file` / `read_buffer`, which call the reader of the format. The CLI
///        (`emergent score --format`) and the Python package pick readers through this file only, so
///        a new format is added here (enum value, name, reader call) and nowhere else.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "emergent/core/error.hpp"
#include "emergent/io/helm.hpp"
#include "emergent/io/inspect.hpp"
#include "emergent/io/lm_eval_samples.hpp"
#include "emergent/io/lm_eval_write_out.hpp"
#include "emergent/io/openai_evals.hpp"
#include "emergent/io/reader_context.hpp"
#include "emergent/io/record.hpp"
#include "emergent/io/table.hpp"
#if defined(EMERGENT_IO_COMPRESSION)
// gzip/zstd inputs for every format, and Inspect .eval archives (zlib, libzstd, libzip).
#include "emergent/io/decompress.hpp"
#include "emergent/io/inspect_eval.hpp"
#endif

namespace emergent::io {

/// The evaluation dump formats `emergent::io` reads (docs/formats.md describes each).
enum class input_format {
  lm_eval,      ///< lm-evaluation-harness `--log_samples` JSON Lines (`samples_<task>_<date>.jsonl`)
  lm_eval_v03,  ///< lm-evaluation-harness 0.3 `--write_out` JSON (`<task>_write_out_info.json`)
  helm,         ///< HELM `scenario_state.json` (or its run folder)
  inspect,      ///< Inspect AI JSON evaluation log
  csv,          ///< CSV with a column mapping
  jsonl,        ///< JSON Lines with a field mapping
  inspect_eval, ///< Inspect AI `.eval` archive (ZIP; needs EMERGENT_IO_COMPRESSION)
  openai_evals  ///< openai/evals record log (JSON Lines: spec, events, final_report)
};

/// Every input format, in the order the CLI lists them.
inline constexpr std::array<input_format, 8> input_formats = {
    input_format::lm_eval, input_format::lm_eval_v03,  input_format::helm,         input_format::inspect,
    input_format::csv,     input_format::jsonl,        input_format::inspect_eval, input_format::openai_evals};

/// The format's name as the CLI's `--format` spells it (`lm-eval`, `lm-eval-v03`, `helm`, `inspect`, `csv`, `jsonl`,
/// `inspect-eval`, `openai-evals`).
constexpr std::string_view to_string(input_format format) noexcept {
  switch (format) {
    case input_format::lm_eval: return "lm-eval";
    case input_format::lm_eval_v03: return "lm-eval-v03";
    case input_format::helm: return "helm";
    case input_format::inspect: return "inspect";
    case input_format::csv: return "csv";
    case input_format::jsonl: return "jsonl";
    case input_format::inspect_eval: return "inspect-eval";
    case input_format::openai_evals: return "openai-evals";
  }
  return "unknown";
}

/// The format named `name` (as `to_string` spells it); nullopt for an unknown name.
constexpr std::optional<input_format> find_input_format(std::string_view name) noexcept {
  for (const input_format f : input_formats) {
    if (to_string(f) == name) return f;
  }
  return std::nullopt;
}

/// The format named `name`; throws input_error listing the known names for an unknown one.
inline input_format parse_input_format(std::string_view name) {
  if (const auto f = find_input_format(name)) return *f;
  std::string known;
  for (const input_format f : input_formats) {
    known += known.empty() ? "" : ", ";
    known += to_string(f);
  }
  throw input_error("unknown input format '" + std::string(name) + "' (known: " + known + ")");
}

/// Whether the format is read through a column mapping (`csv`, `jsonl`).
constexpr bool needs_column_mapping(input_format format) noexcept {
  return format == input_format::csv || format == input_format::jsonl;
}

/// Whether a file of the format is a sequence of independent lines that can be read in parts
/// (`read_file_lines`): lm-eval samples and mapped JSON Lines. (CSV is not: a quoted field may
/// hold a newline, and the header is on the first line.)
constexpr bool reads_line_ranges(input_format format) noexcept {
  return format == input_format::lm_eval || format == input_format::jsonl;
}

/// What `read_file` / `read_buffer` need besides the format: the shared read options and, for
/// `csv` and `jsonl`, the column mapping.
struct input_options : read_options {
  /// The column mapping of `csv` and `jsonl` input (required for them, ignored otherwise).
  std::optional<column_mapping> mapping;
};

/// The file a path stands for: a HELM run folder stands for its `scenario_state.json`; every other
/// path for itself.
inline std::string input_path(input_format format, const std::string& path) {
  if (format == input_format::helm && std::filesystem::is_directory(path)) return path + "/scenario_state.json";
  return path;
}

namespace detail {

inline const column_mapping& mapping_of(input_format format, const input_options& options) {
  if (!options.mapping) {
    throw input_error("format " + std::string(to_string(format)) + " needs a column mapping (input_options::mapping)");
  }
  return *options.mapping;
}

}  // namespace detail

/// Reads a file of `format` (for `helm`, a run folder or its scenario_state.json) and delivers
/// each record to `sink`, reusing the buffers and parser of `context` (keep one context for many
/// files). Throws what the format's reader throws (`parse_error` for a bad record unless
/// `options.skip_bad`), and input_error for `csv`/`jsonl` without a mapping.
inline read_summary read_file(input_format format, const std::string& path, const input_options& options,
                              const record_sink& sink, reader_context& context) {
  switch (format) {
    case input_format::lm_eval: return read_lm_eval_samples_file(path, options, sink, context);
    case input_format::lm_eval_v03: return read_lm_eval_write_out_file(path, options, sink, context);
    case input_format::helm: return read_helm_scenario_state_file(input_path(format, path), options, sink, context);
    case input_format::inspect: return read_inspect_log_file(path, options, sink, context);
    case input_format::csv: return read_csv_file(path, detail::mapping_of(format, options), options, sink, context);
    case input_format::jsonl: return read_jsonl_file(path, detail::mapping_of(format, options), options, sink, context);
    case input_format::inspect_eval:
#if defined(EMERGENT_IO_COMPRESSION)
      return read_inspect_eval_file(path, options, sink);
#else
      throw input_error("read_file: Inspect .eval archives need emergent built with EMERGENT_IO_COMPRESSION (libzip)");
#endif
    case input_format::openai_evals: return read_openai_evals_file(path, options, sink, context);
  }
  throw input_error("read_file: unknown input format");
}

/// Reads a file of `format` with buffers of its own (see the overload taking a reader_context).
inline read_summary read_file(input_format format, const std::string& path, const input_options& options,
                              const record_sink& sink) {
  reader_context context;
  return read_file(format, path, options, sink, context);
}

/// Reads only the whole lines in bytes [range.begin, range.end) of a file of a format that
/// `reads_line_ranges` (line numbers start at `range.first_line`); for splitting one large file
/// across threads. Duplicated example ids are detected within the range only. Afterwards
/// `context.lines` is the number of lines in the range (its newlines), so ranges read with
/// `first_line` 1 can be renumbered by adding the line counts of the ranges before them.
/// Throws input_error for a format that cannot be read in parts.
inline read_summary read_file_lines(input_format format, const std::string& path, const detail::line_range& range,
                                    const input_options& options, const record_sink& sink, reader_context& context) {
  switch (format) {
    case input_format::lm_eval: return read_lm_eval_samples_file(path, options, sink, context, range);
    case input_format::jsonl: return read_jsonl_file(path, detail::mapping_of(format, options), options, sink, context, range);
    default: break;
  }
  throw input_error("read_file_lines: format " + std::string(to_string(format)) + " cannot be read in line ranges");
}

/// Reads text in memory as a file of `format` named `source` (in records and errors) and delivers
/// each record to `sink`. For `lm-eval`, model and task come from `options` (there is no file
/// name to derive them from).
inline read_summary read_buffer(input_format format, std::string_view text, std::string_view source,
                                const input_options& options, const record_sink& sink) {
  switch (format) {
    case input_format::lm_eval: return read_lm_eval_samples(text, source, options, sink);
    case input_format::lm_eval_v03: return read_lm_eval_write_out(text, source, options, sink);
    case input_format::helm: return read_helm_scenario_state(text, source, options, sink);
    case input_format::inspect: return read_inspect_log(text, source, options, sink);
    case input_format::csv: return read_csv(text, source, detail::mapping_of(format, options), options, sink);
    case input_format::jsonl: return read_jsonl(text, source, detail::mapping_of(format, options), options, sink);
    case input_format::inspect_eval:
#if defined(EMERGENT_IO_COMPRESSION)
      return read_inspect_eval(text, source, options, sink);
#else
      throw input_error("read_buffer: Inspect .eval archives need emergent built with EMERGENT_IO_COMPRESSION (libzip)");
#endif
    case input_format::openai_evals: return read_openai_evals(text, source, options, sink);
  }
  throw input_error("read_buffer: unknown input format");
}

}  // namespace emergent::io
