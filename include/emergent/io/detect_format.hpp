/// @file
/// @brief `--format auto`: tells the format of an evaluation dump from its name and first bytes
///        (ZIP / gzip / zstd magic numbers, the top-level JSON keys, a Markdown results table).
///        The rules are listed in docs/formats.md ("Auto-detection").
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/dispatch.hpp"

namespace emergent::io {

/// What auto-detection found: a record format (`format`), or one of the aggregate-table formats
/// that are not read record by record (`aggregate`: `lm-eval-results`, an lm-eval `results_*.json`,
/// or `lm-eval-table`, the table lm-eval prints), and the rule that decided (`why`).
struct detected_format {
  /// The record format, when the input is one (else nullopt and `aggregate` is set).
  std::optional<input_format> format;
  /// `lm-eval-results` or `lm-eval-table` for aggregate inputs; empty for record formats.
  std::string aggregate;
  /// The rule that decided, e.g. "ZIP archive" or "keys doc_id and resps".
  std::string why;
  /// The name of what was found (`to_string(*format)` or `aggregate`).
  [[nodiscard]] std::string name() const { return format ? std::string(to_string(*format)) : aggregate; }
};

namespace detail {

/// The keys of the JSON objects at nesting depth `depth` (1 = the top-level object, 2 = the objects
/// in a top-level array) found in `text`, which may be cut anywhere (a prefix of a file). A
/// tolerant scan, not a validation: it tracks strings, escapes and nesting only.
inline std::vector<std::string> json_keys_at_depth(std::string_view text, std::size_t depth, std::size_t max_keys = 64) {
  std::vector<std::string> keys;
  std::vector<char> stack;  // '{' or '['
  std::size_t i = 0;
  while (i < text.size() && keys.size() < max_keys) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t start = ++i;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      if (i >= text.size()) break;
      const std::string_view s = text.substr(start, i - start);
      ++i;
      std::size_t j = i;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\n' || text[j] == '\r' || text[j] == '\t')) ++j;
      if (j < text.size() && text[j] == ':' && stack.size() == depth && stack.back() == '{') keys.emplace_back(s);
      continue;
    }
    if (c == '{' || c == '[') stack.push_back(c);
    if ((c == '}' || c == ']') && !stack.empty()) stack.pop_back();
    ++i;
  }
  return keys;
}

inline bool has_key(const std::vector<std::string>& keys, std::string_view k) {
  for (const auto& x : keys) {
    if (x == k) return true;
  }
  return false;
}

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Whether some line of `text` starts a Markdown table whose first header cell is Tasks or Groups.
inline bool has_results_table(std::string_view text) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = trim_view(text.substr(0, nl));
    if (!line.empty() && line.front() == '|') {
      const auto bar = line.find('|', 1);
      const std::string_view first = trim_view(line.substr(1, bar == std::string_view::npos ? line.npos : bar - 1));
      if (first == "Tasks" || first == "Groups") return true;
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return false;
}

}  // namespace detail

/// Tells the format of `head` (the first bytes of an input, already decompressed; at least a few
/// KiB for the JSON rules) named `name` (its file name, `.gz`/`.zst` stripped). Throws input_error
/// naming the candidates when the rules disagree or none applies; errors call the input `display`
/// (default: `name`).
inline detected_format detect_input_format_of(std::string_view head, const std::string& name,
                                              const std::string& display = {}) {
  using detail::ends_with;
  using detail::has_key;
  std::vector<detected_format> votes;
  auto add = [&](std::optional<input_format> f, std::string aggregate, std::string why) {
    votes.push_back(detected_format{f, std::move(aggregate), std::move(why)});
  };
  const std::string base = std::filesystem::path(name).filename().string();
  if (detail::compression_of(head) == detail::compression_kind::zip) {
    add(input_format::inspect_eval, "", "a ZIP archive");
  } else {
    // The name.
    if (!detail::lm_eval_sample_name(base).first.empty()) add(input_format::lm_eval, "", "the name samples_<task>_<date>.jsonl");
    if (base.find("_write_out_info") != std::string::npos && ends_with(base, ".json")) {
      add(input_format::lm_eval_v03, "", "the name <task>_write_out_info.json");
    }
    if (base == "scenario_state.json") add(input_format::helm, "", "the name scenario_state.json");
    if (ends_with(base, ".csv")) add(input_format::csv, "", "the extension .csv");
    // The content.
    std::string_view text = head;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    const std::string_view start = detail::trim_view(text.substr(0, 4096));
    if (detail::has_results_table(text.substr(0, 65536))) add(std::nullopt, "lm-eval-table", "a |Tasks| results table");
    if (!start.empty() && start.front() == '[') {
      const auto keys = detail::json_keys_at_depth(text, 2);
      if (has_key(keys, "doc_id") && (has_key(keys, "logit_0") || has_key(keys, "prompt_0") || has_key(keys, "truth"))) {
        add(input_format::lm_eval_v03, "", "an array of objects with doc_id and logit_0/prompt_0");
      }
    } else if (!start.empty() && start.front() == '{') {
      const auto nl = text.find('\n');
      std::vector<std::string> keys = detail::json_keys_at_depth(text.substr(0, nl), 1);
      if (nl == std::string_view::npos || keys.empty()) keys = detail::json_keys_at_depth(text, 1);
      if (has_key(keys, "doc_id") && (has_key(keys, "resps") || has_key(keys, "filtered_resps") || has_key(keys, "arguments"))) {
        add(input_format::lm_eval, "", "JSON Lines with doc_id and resps");
      }
      if (has_key(keys, "spec") || has_key(keys, "final_report") ||
          (has_key(keys, "run_id") && has_key(keys, "event_id") && has_key(keys, "sample_id") && has_key(keys, "type"))) {
        add(input_format::openai_evals, "", "an openai/evals spec or event line");
      }
      if (has_key(keys, "eval") && (has_key(keys, "samples") || has_key(keys, "plan") || has_key(keys, "status"))) {
        add(input_format::inspect, "", "a JSON object with eval and samples/plan/status");
      }
      if (has_key(keys, "request_states") || has_key(keys, "adapter_spec")) {
        add(input_format::helm, "", "a JSON object with adapter_spec/request_states");
      }
      if (has_key(keys, "results") && (has_key(keys, "versions") || has_key(keys, "config") || has_key(keys, "configs") ||
                                       has_key(keys, "n-shot"))) {
        add(std::nullopt, "lm-eval-results", "a JSON object with results and versions/config");
      }
    }
  }
  std::vector<detected_format> distinct;
  for (const auto& v : votes) {
    bool seen = false;
    for (const auto& d : distinct) seen = seen || d.name() == v.name();
    if (!seen) distinct.push_back(v);
  }
  if (distinct.size() == 1) return distinct.front();
  std::string known;
  for (const input_format f : input_formats) known += std::string(known.empty() ? "" : ", ") + std::string(to_string(f));
  if (distinct.empty()) {
    throw input_error("'" + (display.empty() ? name : display) + "': cannot tell the format from the name or the first bytes; give --format (" + known +
                      ", lm-eval-results, lm-eval-table)");
  }
  std::string candidates;
  for (const auto& d : votes) candidates += (candidates.empty() ? "" : ", ") + d.name() + " (" + d.why + ")";
  throw input_error("'" + (display.empty() ? name : display) + "': the format is ambiguous: " + candidates + "; give --format");
}

/// Tells the format of a file (or a HELM run folder) from its name and first 256 KiB, decompressed
/// when they are gzip or zstd (with EMERGENT_IO_COMPRESSION). Throws input_error naming the
/// candidates when the rules disagree or none applies, parse_error when the file cannot be read.
inline detected_format detect_input_format(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(fs::path(path) / "scenario_state.json", ec)) return {input_format::helm, "", "a HELM run folder"};
    throw input_error("'" + path + "': a directory that is not a HELM run folder (no scenario_state.json); give --format "
                      "(lm-eval-results reads a directory of results files)");
  }
  std::string name = fs::path(path).filename().string();
  for (const char* ext : {".gz", ".zst"}) {
    if (detail::ends_with(name, ext)) name.resize(name.size() - std::string_view(ext).size());
  }
  std::unique_ptr<detail::byte_stream> in;
  {
    detail::file_stream probe(path);
    if (detail::compression_of(probe.head()) == detail::compression_kind::zip) {
      return detect_input_format_of(probe.head(), name, path);
    }
  }
  in = detail::open_input(path);
  std::string head(std::size_t{1} << 18, '\0');
  std::size_t size = 0;
  while (size < head.size()) {
    const std::size_t got = in->read(head.data() + size, head.size() - size);
    if (got == 0) break;
    size += got;
  }
  head.resize(size);
  return detect_input_format_of(head, name, path);
}

}  // namespace emergent::io
