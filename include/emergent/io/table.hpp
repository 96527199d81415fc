/// @file
/// @brief Generic readers for CSV and JSON Lines files whose columns (fields) are named by a
///        column mapping given on the command line (`model=name,example_id=doc_id,...`) or in a
///        small `key = value` config file.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/csv.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/detail/jsonl_driver.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io {

/// Which column (CSV) or field (JSONL; `a.b` reaches into nested objects) holds each part of a
/// record. Empty names are not read. Lists (`options`, `references`, `stored`) are separated by `;`.
struct column_mapping {
  /// Column of the model name (else `read_options::model`).
  std::string model;
  /// Column of the task name (else `read_options::task`).
  std::string task;
  /// Column of the example id (required).
  std::string example_id;
  /// Column of the filter (optional; "none" when absent).
  std::string filter;
  /// Column of the generated text.
  std::string prediction;
  /// Columns of the reference answers (a JSONL field may also hold an array of strings).
  std::vector<std::string> references;
  /// Columns of the per-option log-likelihoods, in option order (a JSONL field may hold an array).
  std::vector<std::string> options;
  /// Column of the gold option's index.
  std::string gold;
  /// Column of the chosen option's index.
  std::string chosen;
  /// Column of the per-token log-probabilities (CSV: numbers separated by `;` or spaces; JSONL: an array).
  std::string token_logprobs;
  /// Columns copied as stored scores (the tool's own per-example scores).
  std::vector<std::string> stored;
};

namespace detail {

inline std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto p = s.find(';');
    std::string_view part = trim_view(s.substr(0, p));
    if (!part.empty()) out.emplace_back(part);
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

}  // namespace detail

/// Parses `key=column,key=column,...` (keys: model, task, example_id, filter, prediction, reference(s),
/// options, gold, chosen, token_logprobs, stored; list values separated by `;`). Throws
/// `input_error` on an unknown key or a missing `=`.
inline column_mapping parse_column_mapping(std::string_view spec) {
  column_mapping m;
  auto assign = [&](std::string_view key, std::string_view value) {
    key = detail::trim_view(key);
    value = detail::trim_view(value);
    if (key == "model") m.model = value;
    else if (key == "task") m.task = value;
    else if (key == "example_id" || key == "id") m.example_id = value;
    else if (key == "filter") m.filter = value;
    else if (key == "prediction") m.prediction = value;
    else if (key == "reference" || key == "references") m.references = detail::split_list(value);
    else if (key == "options" || key == "option_logliks") m.options = detail::split_list(value);
    else if (key == "gold") m.gold = value;
    else if (key == "chosen") m.chosen = value;
    else if (key == "token_logprobs") m.token_logprobs = value;
    else if (key == "stored") m.stored = detail::split_list(value);
    else throw input_error("parse_column_mapping: spec: unknown key \"" + std::string(key) + "\"");
  };
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    if (!detail::trim_view(item).empty()) {
      const auto eq = item.find('=');
      if (eq == std::string_view::npos) {
        throw input_error("parse_column_mapping: spec: \"" + std::string(item) + "\" is not key=column");
      }
      assign(item.substr(0, eq), item.substr(eq + 1));
    }
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  if (m.example_id.empty()) throw input_error("parse_column_mapping: spec: example_id is required");
  return m;
}

/// Reads a mapping config file: one `key = column` per line, `#` starts a comment.
inline column_mapping read_column_mapping_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw parse_error(path, 0, "", "cannot open file");
  std::string line, spec;
  while (std::getline(in, line)) {
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    if (detail::trim_view(line).empty()) continue;
    spec += line;
    spec += ',';
  }
  return parse_column_mapping(spec);
}

namespace detail {

inline std::optional<std::size_t> parse_index_text(std::string_view s) {
  s = trim_view(s);
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

class csv_table_reader {
 public:
  csv_table_reader(std::string source, const column_mapping& mapping, const read_options& options,
                   const record_sink& sink)
      : source_(std::move(source)), mapping_(mapping), options_(options), sink_(sink), csv_(source_) {}

  void operator()(const char* data, std::size_t len, std::size_t line, bool complete) {
    if (header_.empty()) {  // a bad header is fatal whatever the policy: no row can be read without it
      if (!csv_.feed(std::string_view(data, len), line, complete)) return;
      header_ = csv_.fields();
      resolve();
      return;
    }
    bool counted = false;
    try {
      if (!csv_.feed(std::string_view(data, len), line, complete)) return;
      const auto& f = csv_.fields();
      ++summary_.read;
      counted = true;
      const where at{source_, csv_.line()};
      if (f.size() != header_.size()) {
        at.fail("", (complete ? "" : std::string("truncated last line: ")) + std::to_string(f.size()) +
                        " fields but the header has " + std::to_string(header_.size()));
      }
      fill(f, at);
      if (!options_.filter.empty() && r_.filter != options_.filter) {
        --summary_.read;
        ++summary_.ignored;
        return;
      }
      std::string group = r_.model + '\x1f' + r_.task + '\x1f' + r_.filter;
      if (duplicates_.seen(group, r_.example_id)) {
        at.fail(mapping_.example_id, "duplicated example id " + r_.example_id + " (model " + r_.model + ")");
      }
      sink_(r_);
      ++summary_.delivered;
    } catch (const parse_error& e) {
      if (!counted) ++summary_.read;
      skip_or_throw(e, options_, summary_);
    }
  }

  [[nodiscard]] read_summary summary() const { return summary_; }

  /// At the end of the input: a quoted field still open swallowed every line after it, so it is an
  /// error at the line where the field began, whatever the bad-record policy.
  void finish() const {
    if (csv_.open()) {
      throw parse_error(source_, csv_.line(), "",
                        "unterminated quoted field: the quote opened on this line is never closed");
    }
  }

 private:
  std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == name) return i;
    }
    throw parse_error(source_, 1, name, "no such column in the header");
  }

  void resolve() {
    auto opt = [&](const std::string& name) { return name.empty() ? no_option : column(name); };
    model_ = opt(mapping_.model);
    task_ = opt(mapping_.task);
    id_ = column(mapping_.example_id);
    filter_ = opt(mapping_.filter);
    prediction_ = opt(mapping_.prediction);
    gold_ = opt(mapping_.gold);
    chosen_ = opt(mapping_.chosen);
    token_logprobs_ = opt(mapping_.token_logprobs);
    for (const auto& n : mapping_.references) references_.push_back(column(n));
    for (const auto& n : mapping_.options) options_cols_.push_back(column(n));
    for (const auto& n : mapping_.stored) stored_.push_back(column(n));
  }

  double number(const std::string& text, const where& at, const std::string& field) const {
    auto v = number_from_text(text);
    if (!v) at.fail(field, text.empty() ? "missing value" : "\"" + text.substr(0, 40) + "\" is not a number");
    return *v;
  }

  void fill(const std::vector<std::string>& f, const where& at) {
    r_.clear();
    r_.source = source_;
    r_.line = at.line;
    r_.model = model_ != no_option ? f[model_] : options_.model;
    r_.task = task_ != no_option ? f[task_] : options_.task;
    if (!options_.model.empty()) r_.model = options_.model;
    if (!options_.task.empty()) r_.task = options_.task;
    r_.example_id = f[id_];
    if (r_.example_id.empty()) at.fail(mapping_.example_id, "missing example id");
    r_.filter = filter_ != no_option && !f[filter_].empty() ? f[filter_] : "none";
    if (prediction_ != no_option) {
      r_.has_prediction = true;
      r_.prediction = f[prediction_];
    }
    for (auto c : references_) r_.references.push_back(f[c]);
    for (std::size_t i = 0; i < options_cols_.size(); ++i) {
      const std::string& name = mapping_.options[i];
      const std::string& text = f[options_cols_[i]];
      if (trim_view(text).empty()) at.fail(name, "missing option log-likelihood (options missing for this example)");
      option_score o;
      o.loglik = number(text, at, name);
      if (o.loglik > 0) at.fail(name, "log-probability " + text + " is positive");
      r_.options.push_back(o);
    }
    auto index = [&](std::size_t col, const std::string& name) {
      auto v = parse_index_text(f[col]);
      if (!v) at.fail(name, "\"" + f[col].substr(0, 40) + "\" is not an option index");
      if (!r_.options.empty() && *v >= r_.options.size()) {
        at.fail(name, "option " + std::to_string(*v) + " but only " + std::to_string(r_.options.size()) + " options");
      }
      return *v;
    };
    if (gold_ != no_option) r_.gold = index(gold_, mapping_.gold);
    if (chosen_ != no_option) r_.chosen = index(chosen_, mapping_.chosen);
    if (token_logprobs_ != no_option) {
      std::string_view s = f[token_logprobs_];
      while (!s.empty()) {
        const auto p = s.find_first_of("; ");
        const std::string_view part = s.substr(0, p);
        if (!part.empty()) {
          auto v = number_from_text(part);
          if (!v) at.fail(mapping_.token_logprobs, "\"" + std::string(part.substr(0, 40)) + "\" is not a number");
          if (*v > 0) at.fail(mapping_.token_logprobs, "log-probability " + std::string(part) + " is positive");
          r_.token_logprobs.push_back(*v);
        }
        if (p == std::string_view::npos) break;
        s.remove_prefix(p + 1);
      }
    }
    for (std::size_t i = 0; i < stored_.size(); ++i) {
      const std::string& text = f[stored_[i]];
      if (trim_view(text).empty()) continue;
      double v = 0;
      if (text == "True" || text == "true") v = 1;
      else if (text == "False" || text == "false") v = 0;
      else v = number(text, at, mapping_.stored[i]);
      r_.stored.push_back(stored_score{mapping_.stored[i], v});
    }
  }

  std::string source_;
  const column_mapping& mapping_;
  const read_options& options_;
  const record_sink& sink_;
  csv_parser csv_;
  std::vector<std::string> header_;
  std::size_t model_ = no_option, task_ = no_option, id_ = no_option, filter_ = no_option, prediction_ = no_option,
              gold_ = no_option, chosen_ = no_option, token_logprobs_ = no_option;
  std::vector<std::size_t> references_, options_cols_, stored_;
  record r_;
  read_summary summary_;
  duplicate_detector duplicates_;
};

/// Finds a field by a dotted path (`a.b.c`).
inline std::optional<element> at_path(element e, std::string_view path) {
  while (true) {
    const auto dot = path.find('.');
    auto next = member(e, path.substr(0, dot));
    if (!next) return std::nullopt;
    if (dot == std::string_view::npos) return next;
    e = *next;
    path.remove_prefix(dot + 1);
  }
}

inline void fill_mapped_json(element root, const where& at, record& r, const column_mapping& m,
                             const read_options& options) {
  auto text_of = [&](const std::string& field) -> std::string {
    auto v = at_path(root, field);
    if (!v) at.fail(field, "missing");
    if (v->type() == element_type::STRING) return std::string(std::string_view(*v));
    return to_id(*v, at, field);
  };
  if (!m.model.empty()) r.model = text_of(m.model);
  else r.model = options.model;
  if (!m.task.empty()) r.task = text_of(m.task);
  else r.task = options.task;
  r.example_id = text_of(m.example_id);
  r.filter = m.filter.empty() ? std::string("none") : text_of(m.filter);
  if (!m.prediction.empty()) {
    auto v = at_path(root, m.prediction);
    if (!v) at.fail(m.prediction, "missing");
    r.has_prediction = true;
    r.prediction = to_string(*v, at, m.prediction);
  }
  for (const auto& f : m.references) {
    auto v = at_path(root, f);
    if (!v) at.fail(f, "missing");
    if (v->type() == element_type::ARRAY) {
      for (element x : simdjson::dom::array(*v)) r.references.emplace_back(to_string(x, at, f));
    } else {
      r.references.push_back(v->type() == element_type::STRING ? std::string(std::string_view(*v)) : to_id(*v, at, f));
    }
  }
  auto add_option = [&](element x, const std::string& f) {
    option_score o;
    if (x.type() == element_type::ARRAY) {  // [loglik, is_greedy]
      const simdjson::dom::array pair(x);
      if (pair.size() == 0) at.fail(f, "empty option");
      o.loglik = to_logprob(pair.at(0).value_unsafe(), at, f);
      if (pair.size() > 1) o.is_greedy = to_bool(pair.at(1).value_unsafe(), at, f);
    } else {
      o.loglik = to_logprob(x, at, f);
    }
    r.options.push_back(o);
  };
  for (const auto& f : m.options) {
    auto v = at_path(root, f);
    if (!v || v->type() == element_type::NULL_VALUE) at.fail(f, "missing option log-likelihood (options missing for this example)");
    if (v->type() == element_type::ARRAY && m.options.size() == 1) {
      for (element x : simdjson::dom::array(*v)) add_option(x, f);
      if (r.options.empty()) at.fail(f, "no options");
    } else {
      add_option(*v, f);
    }
  }
  auto index = [&](const std::string& f) {
    auto v = at_path(root, f);
    if (!v) at.fail(f, "missing");
    auto i = to_index(*v);
    if (!i) at.fail(f, "expected an option index");
    if (!r.options.empty() && *i >= r.options.size()) {
      at.fail(f, "option " + std::to_string(*i) + " but only " + std::to_string(r.options.size()) + " options");
    }
    return *i;
  };
  if (!m.gold.empty()) r.gold = index(m.gold);
  if (!m.chosen.empty()) r.chosen = index(m.chosen);
  if (!m.token_logprobs.empty()) {
    auto v = at_path(root, m.token_logprobs);
    if (!v) at.fail(m.token_logprobs, "missing");
    if (v->type() != element_type::ARRAY) at.fail(m.token_logprobs, "expected an array");
    for (element x : simdjson::dom::array(*v)) r.token_logprobs.push_back(to_logprob(x, at, m.token_logprobs));
  }
  for (const auto& f : m.stored) {
    if (auto v = at_path(root, f); v && v->type() != element_type::NULL_VALUE) {
      r.stored.push_back(stored_score{f, to_number(*v, at, f)});
    }
  }
}

}  // namespace detail

/// Reads CSV text (first row = header) with a column mapping. Quoted fields (RFC 4180) may span
/// lines (a quote never closed is a parse_error at its line, even with `skip_bad`); a UTF-8 byte-order
/// mark at the start is skipped; every line must be valid UTF-8; a row with another number of fields than the header, an
/// empty option cell, a positive log-probability or a duplicated (model, task, filter, example id)
/// is a malformed record.
inline read_summary read_csv(std::string_view text, std::string_view source, const column_mapping& mapping,
                             const read_options& options, const record_sink& sink) {
  detail::csv_table_reader reader(std::string(source), mapping, options, sink);
  detail::for_each_line_in_buffer(text, reader);
  reader.finish();
  return reader.summary();
}

/// Reads a CSV file with a column mapping, streaming it (memory does not grow with the file), with
/// the line buffer of `context` (reused across files).
inline read_summary read_csv_file(const std::string& path, const column_mapping& mapping, const read_options& options,
                                  const record_sink& sink, reader_context& context) {
  detail::csv_table_reader reader(path, mapping, options, sink);
  detail::for_each_line_in_file(path, options, reader, context.line_buffer);
  reader.finish();
  return reader.summary();
}

/// Reads a CSV file with a column mapping, with a buffer of its own.
inline read_summary read_csv_file(const std::string& path, const column_mapping& mapping, const read_options& options,
                                  const record_sink& sink) {
  reader_context context;
  return read_csv_file(path, mapping, options, sink, context);
}

/// Reads JSON Lines text with a field mapping (dotted paths reach nested fields; an `options`
/// field may hold an array of log-likelihoods or of `[loglik, is_greedy]` pairs).
inline read_summary read_jsonl(std::string_view text, std::string_view source, const column_mapping& mapping,
                               const read_options& options, const record_sink& sink) {
  return detail::read_jsonl_buffer(text, source, options, sink,
                                   [&](detail::element root, const detail::where& at, record& r) {
                                     detail::fill_mapped_json(root, at, r, mapping, options);
                                   });
}

/// Reads a JSON Lines file with a field mapping, streaming it in fixed-size chunks, with the buffers
/// and parser of `context` (reused across files), optionally only the whole lines in `range`.
inline read_summary read_jsonl_file(const std::string& path, const column_mapping& mapping, const read_options& options,
                                    const record_sink& sink, reader_context& context,
                                    const detail::line_range& range = {}) {
  return detail::read_jsonl_file(
      path, options, sink,
      [&](detail::element root, const detail::where& at, record& r) {
        detail::fill_mapped_json(root, at, r, mapping, options);
      },
      context, range);
}

/// Reads a JSON Lines file with a field mapping, with buffers of its own.
inline read_summary read_jsonl_file(const std::string& path, const column_mapping& mapping, const read_options& options,
                                    const record_sink& sink) {
  reader_context context;
  return read_jsonl_file(path, mapping, options, sink, context);
}

}  // namespace emergent::io
