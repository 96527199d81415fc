/// @file
/// @brief Reader for openai/evals record logs (`oaieval ... --record_path X.log`, JSON Lines): a
///        `spec` line, one line per event (`match`, `sampling`, `metrics`, ...), a `final_report` line.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <string>
#include <string_view>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/detail/jsonl_driver.hpp"
#include "emergent/io/reader_context.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io {

namespace detail {

/// The state of an openai/evals log while it is read: model and task from the `spec` line.
struct openai_evals_state {
  std::string model;
  std::string task;
};

/// A text or the first text of a list (evals writes `sampled` as a string or a list of strings).
inline std::optional<std::string_view> first_text(element e, const where& at, std::string_view field) {
  if (e.type() == element_type::STRING) return std::string_view(e);
  if (e.type() == element_type::ARRAY) {
    simdjson::dom::array a(e);
    if (a.size() == 0) return std::nullopt;
    return to_string(a.at(0).value_unsafe(), at, std::string(field) + "[0]");
  }
  if (e.type() == element_type::NULL_VALUE) return std::nullopt;
  at.fail(field, "expected a string or a list of strings, found " + type_name(e.type()));
}

/// Fills a record from one line; false when the line is not a `match` event.
inline bool fill_openai_evals_line(element root, const where& at, record& r, openai_evals_state& state) {
  if (auto spec = member(root, "spec")) {
    if (auto fns = member(*spec, "completion_fns"); fns && fns->type() == element_type::ARRAY) {
      simdjson::dom::array a(*fns);
      if (a.size() > 0) state.model = std::string(to_string(a.at(0).value_unsafe(), at, "spec.completion_fns[0]"));
    } else if (auto name = member(*spec, "model_name"); name && name->type() == element_type::STRING) {
      state.model = std::string(std::string_view(*name));  // logs before completion functions
    }
    if (auto name = member(*spec, "eval_name"); name && name->type() == element_type::STRING) {
      state.task = std::string(std::string_view(*name));
    }
    return false;
  }
  const auto type = member(root, "type");
  if (!type) {
    if (member(root, "final_report")) return false;
    at.fail("type", "missing: neither a spec, an event nor a final_report line");
  }
  if (to_string(*type, at, "type") != "match") return false;
  r.model = state.model;
  r.task = state.task;
  r.filter = "none";
  r.example_id = to_id(required(root, "sample_id", at, "sample_id"), at, "sample_id");
  const element data = required(root, "data", at, "data");
  if (data.type() != element_type::OBJECT) at.fail("data", "expected an object");
  r.stored.push_back(stored_score{"correct", to_bool(required(data, "correct", at, "data.correct"), at, "data.correct") ? 1.0 : 0.0});
  if (auto expected = member(data, "expected"); expected && expected->type() != element_type::NULL_VALUE) {
    if (expected->type() == element_type::ARRAY) {
      std::size_t k = 0;
      for (element x : simdjson::dom::array(*expected)) {
        r.references.emplace_back(to_string(x, at, "data.expected[" + std::to_string(k++) + "]"));
      }
    } else {
      r.references.emplace_back(to_string(*expected, at, "data.expected"));
    }
  }
  std::optional<std::string_view> text;
  if (auto sampled = member(data, "sampled")) text = first_text(*sampled, at, "data.sampled");
  if (!text) {
    if (auto picked = member(data, "picked")) text = first_text(*picked, at, "data.picked");
  }
  if (text) {
    r.prediction.assign(*text);
    r.has_prediction = true;
  }
  if (auto picked = member(data, "picked"); picked && picked->type() == element_type::STRING) {
    r.answer.assign(std::string_view(*picked));
  }
  // Other numeric members of the event (an eval's own per-sample scores, e.g. f1_score) are stored too.
  for (auto [key, value] : simdjson::dom::object(data)) {
    if (key == "correct") continue;
    const auto t = value.type();
    if (t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE || t == element_type::BOOL) {
      r.stored.push_back(stored_score{std::string(key), to_number(value, at, "data." + std::string(key))});
    }
  }
  return true;
}

}  // namespace detail

/// Reads an openai/evals record log (JSON Lines) from a buffer. The `spec` line gives the model
/// (`completion_fns[0]`) and the task (`eval_name`); each `match` event is one record: `sample_id`
/// → example_id, `data.correct` → the stored score `correct` (1/0), `data.expected` (a string or a
/// list) → references, `data.sampled` (else `data.picked`; a string or the first of a list) →
/// prediction, `data.picked` → answer, other numeric members of `data` → stored scores. Every other
/// line (`spec`, `final_report`, `sampling`, `metrics`, ... events) is counted in `ignored`.
inline read_summary read_openai_evals(std::string_view text, std::string_view source, const read_options& options,
                                      const record_sink& sink) {
  detail::openai_evals_state state;
  return detail::read_jsonl_buffer(text, source, options, sink,
                                   [&](detail::element root, const detail::where& at, record& r) {
                                     return detail::fill_openai_evals_line(root, at, r, state);
                                   });
}

/// Reads an openai/evals record log file, streaming it with the buffers of `context` (gzip/zstd
/// decompressed when emergent/io/decompress.hpp is part of the program).
inline read_summary read_openai_evals_file(const std::string& path, const read_options& options, const record_sink& sink,
                                           reader_context& context) {
  detail::openai_evals_state state;
  return detail::read_jsonl_file(
      path, options, sink,
      [&](detail::element root, const detail::where& at, record& r) { return detail::fill_openai_evals_line(root, at, r, state); },
      context);
}

/// Reads an openai/evals record log file with buffers of its own.
inline read_summary read_openai_evals_file(const std::string& path, const read_options& options, const record_sink& sink) {
  reader_context context;
  return read_openai_evals_file(path, options, sink, context);
}

}  // namespace emergent::io
