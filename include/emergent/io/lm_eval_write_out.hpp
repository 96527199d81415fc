/// @file
/// @brief Reader for lm-evaluation-harness v0.3 `--write_out` per-example dumps
///        (`<task>_write_out_info.json`: a JSON array with `doc_id`, `logit_0`, `logit_1`, ..., `truth`).
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <filesystem>
#include <string>
#include <string_view>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/detail/json_document.hpp"
#include "emergent/io/reader_context.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io {

namespace detail {

inline void fill_write_out(element e, const where& at, record& r) {
  r.example_id = to_id(required(e, "doc_id", at, "doc_id"), at, "doc_id");
  r.filter = "none";
  // logit_0, logit_1, ...: the log-likelihood of the continuation under each option; in
  // generation tasks logit_0 holds the generated text instead.
  std::string key;
  for (std::size_t i = 0;; ++i) {
    key = "logit_" + std::to_string(i);
    auto v = member(e, key);
    if (!v) break;
    if (v->type() == element_type::STRING && !number_from_text(std::string_view(*v)) && i == 0) {
      r.has_prediction = true;
      r.prediction.assign(std::string_view(*v));
      break;
    }
    option_score o;
    o.loglik = to_logprob(*v, at, key);
    r.options.push_back(o);
  }
  if (!r.has_prediction && r.options.empty()) at.fail("logit_0", "missing: no options and no generation");
  const element truth = required(e, "truth", at, "truth");
  if (r.has_prediction) {
    if (truth.type() == element_type::STRING) {
      r.references.emplace_back(std::string_view(truth));
    } else {
      r.references.push_back(to_id(truth, at, "truth"));
    }
  } else {
    auto g = to_index(truth);
    if (!g) at.fail("truth", "expected the gold option's index");
    if (*g >= r.options.size()) {
      at.fail("truth", "gold option " + std::to_string(*g) + " but the record has only " +
                           std::to_string(r.options.size()) + " options (options missing?)");
    }
    r.gold = *g;
    r.references.push_back(std::to_string(*g));
  }
  for (std::string_view metric : {"acc", "acc_norm", "em", "exact_match", "f1"}) {
    if (auto v = member(e, metric)) r.stored.push_back(stored_score{std::string(metric), to_number(*v, at, metric)});
  }
}

/// The task of `<task>_write_out_info*.json`; empty when the name has another shape.
inline std::string write_out_task(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  const auto p = name.find("_write_out_info");
  return p == std::string::npos ? std::string() : name.substr(0, p);
}

inline read_summary read_write_out_padded(const simdjson::padded_string_view text, std::string_view source,
                                          const std::string& model, const std::string& task,
                                          const read_options& options, const record_sink& sink,
                                          reader_context& context) {
  read_summary summary;
  record& r = context.current;
  duplicate_detector duplicates;
  for_each_array_element(text, source, "", options, summary, [&](element e, const where& at) {
    r.clear();
    r.source = std::string(source);
    r.line = at.line;
    r.model = model;
    r.task = task;
    fill_write_out(e, at, r);
    if (duplicates.seen("", r.example_id)) at.fail("doc_id", "duplicated example id " + r.example_id);
    sink(r);
  }, context);
  return summary;
}

}  // namespace detail

/// Reads a v0.3 `--write_out` dump from a buffer. Each element: `doc_id` → example_id;
/// `logit_<i>` → option i's log-likelihood (partial scoring: the log-likelihood of the shared
/// continuation given the context with option i filled in); `truth` → gold option; `acc` (the
/// string "True"/"False") → stored score. The file names neither model nor task: they come from
/// `options` (the file reader takes the task from the file name).
inline read_summary read_lm_eval_write_out(std::string_view text, std::string_view source, const read_options& options,
                                           const record_sink& sink) {
  const simdjson::padded_string padded(detail::without_bom(text));
  reader_context context;
  return detail::read_write_out_padded(padded, source, options.model, options.task, options, sink, context);
}

/// Reads a v0.3 `--write_out` file (`<task>_write_out_info.json`), loaded whole (such files hold
/// one task's examples and stay small) into the buffer of `context`, whose parsers and record are
/// reused too (keep one context for many files).
inline read_summary read_lm_eval_write_out_file(const std::string& path, const read_options& options,
                                                const record_sink& sink, reader_context& context) {
  const simdjson::padded_string_view text = detail::load_file(path, context.line_buffer);
  const std::string task = options.task.empty() ? detail::write_out_task(path) : options.task;
  return detail::read_write_out_padded(text, path, options.model, task, options, sink, context);
}

/// Reads a v0.3 `--write_out` file with buffers of its own (see the overload above).
inline read_summary read_lm_eval_write_out_file(const std::string& path, const read_options& options,
                                                const record_sink& sink) {
  reader_context context;
  return read_lm_eval_write_out_file(path, options, sink, context);
}

}  // namespace emergent::io
