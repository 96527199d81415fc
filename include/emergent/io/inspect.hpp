/// @file
/// @brief Reader for Inspect AI evaluation logs in JSON (`--log-format json`, or `inspect log convert
///        --to json`); the binary `.eval` archive is read by io/inspect_eval.hpp.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <string>
#include <string_view>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/detail/json_document.hpp"
#include "emergent/io/reader_context.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io {

namespace detail {

/// Inspect score values as numbers: C(orrect) = 1, P(artial) = 0.5, I(ncorrect) = 0, N(o answer) = 0.
inline std::optional<double> inspect_value(element v, const where& at, std::string_view field) {
  if (v.type() == element_type::STRING) {
    const std::string_view s(v);
    if (s == "C") return 1.0;
    if (s == "I" || s == "N") return 0.0;
    if (s == "P") return 0.5;
    return to_number(v, at, field);
  }
  if (v.type() == element_type::OBJECT || v.type() == element_type::ARRAY || v.type() == element_type::NULL_VALUE) {
    return std::nullopt;  // dictionaries and lists of values: not a single score
  }
  return to_number(v, at, field);
}

inline std::size_t letter_index(std::string_view s) {
  s = s.substr(0, s.find_last_not_of(" \n") + 1);
  if (s.size() == 1 && s[0] >= 'A' && s[0] <= 'Z') return static_cast<std::size_t>(s[0] - 'A');
  return no_option;
}

inline void fill_inspect_sample(element e, const where& at, record& r) {
  r.example_id = to_id(required(e, "id", at, "id"), at, "id");
  if (auto epoch = member(e, "epoch")) {
    const double ep = to_number(*epoch, at, "epoch");
    if (ep != 1) r.example_id += "#" + std::to_string(static_cast<long long>(ep));
  }
  r.filter = "none";
  const element target = required(e, "target", at, "target");
  if (target.type() == element_type::ARRAY) {
    for (element t : simdjson::dom::array(target)) r.references.emplace_back(to_string(t, at, "target[]"));
  } else {
    r.references.emplace_back(to_string(target, at, "target"));
  }
  const element output = required(e, "output", at, "output");
  bool have_text = false;
  if (auto completion = member(output, "completion"); completion && completion->type() == element_type::STRING) {
    r.prediction.assign(std::string_view(*completion));
    have_text = true;
  }
  if (auto choices = member(output, "choices");
      choices && choices->type() == element_type::ARRAY && simdjson::dom::array(*choices).size() > 0) {
    const element first = simdjson::dom::array(*choices).at(0).value_unsafe();
    if (!have_text) {
      const element message = required(first, "message", at, "output.choices[0].message");
      const element content = required(message, "content", at, "output.choices[0].message.content");
      if (content.type() == element_type::STRING) {
        r.prediction.assign(std::string_view(content));
      } else if (content.type() == element_type::ARRAY) {  // content parts: concatenate the text ones
        for (element part : simdjson::dom::array(content)) {
          if (auto text = member(part, "text"); text && text->type() == element_type::STRING) {
            r.prediction.append(std::string_view(*text));
          }
        }
      } else {
        at.fail("output.choices[0].message.content", "expected a string or content parts");
      }
      have_text = true;
    }
    if (auto lp = member(first, "logprobs"); lp && lp->type() == element_type::OBJECT) {
      if (auto content = member(*lp, "content"); content && content->type() == element_type::ARRAY) {
        std::size_t k = 0;
        for (element tok : simdjson::dom::array(*content)) {
          const std::string field = "output.choices[0].logprobs.content[" + std::to_string(k++) + "]";
          r.tokens.emplace_back(to_string(required(tok, "token", at, field + ".token"), at, field + ".token"));
          r.token_logprobs.push_back(
              to_logprob(required(tok, "logprob", at, field + ".logprob"), at, field + ".logprob"));
        }
      }
    }
  }
  r.has_prediction = have_text;
  // Scores: each scorer's value (as a number) and the answer the first scorer extracted.
  if (auto scores = member(e, "scores"); scores && scores->type() == element_type::OBJECT) {
    for (auto [name, score] : simdjson::dom::object(*scores)) {
      const std::string field = "scores." + std::string(name);
      if (auto v = member(score, "value")) {
        if (auto number = inspect_value(*v, at, field + ".value")) {
          r.stored.push_back(stored_score{std::string(name), *number});
        }
      }
      if (r.answer.empty()) {
        if (auto a = member(score, "answer"); a && a->type() == element_type::STRING) {
          r.answer.assign(std::string_view(*a));
        }
      }
    }
  }
  // Multiple choice: `choices` lists the options; target and answer are letters.
  if (auto choices = member(e, "choices"); choices && choices->type() == element_type::ARRAY) {
    const std::size_t n = simdjson::dom::array(*choices).size();
    if (!r.references.empty()) {
      const std::size_t g = letter_index(r.references.front());
      if (g < n) r.gold = g;
    }
    const std::size_t c = letter_index(r.answer);
    if (c < n) r.chosen = c;
  }
}

inline read_summary read_inspect_padded(const simdjson::padded_string_view text, std::string_view source,
                                        const read_options& options, const record_sink& sink, reader_context& context) {
  if (text.size() >= 4 && std::string_view(text.data(), 4) == std::string_view("PK\x03\x04", 4)) {
    throw parse_error(std::string(source), 0, "",
                      "this is an Inspect .eval archive (ZIP), not a JSON log: read it with read_inspect_eval_file "
                      "(emergent/io/inspect_eval.hpp; `emergent score --format inspect-eval` or `auto`), or "
                      "convert it with `inspect log convert --to json`");
  }
  std::string model = options.model, task = options.task;
  if (auto raw = top_level_raw(text, "eval", source, context.document_parser)) {
    element spec;
    if (!context.parser.parse(std::string(*raw)).get(spec)) {
      if (auto m = member(spec, "model"); model.empty() && m && m->type() == element_type::STRING) {
        model = std::string(std::string_view(*m));
      }
      if (auto t = member(spec, "task"); task.empty() && t && t->type() == element_type::STRING) {
        task = std::string(std::string_view(*t));
      }
    }
  } else {
    throw parse_error(std::string(source), 1, "eval", "missing: not an Inspect evaluation log");
  }
  read_summary summary;
  if (!top_level_raw(text, "samples", source, context.document_parser)) return summary;  // a log without samples (header only)
  record& r = context.current;
  duplicate_detector duplicates;
  for_each_array_element(text, source, "samples", options, summary, [&](element e, const where& at) {
    r.clear();
    r.source = std::string(source);
    r.line = at.line;
    r.model = model;
    r.task = task;
    fill_inspect_sample(e, at, r);
    if (duplicates.seen("", r.example_id)) at.fail("id", "duplicated example id " + r.example_id);
    sink(r);
  }, context);
  return summary;
}

}  // namespace detail

/// Reads an Inspect AI JSON evaluation log from a buffer. `eval.model` / `eval.task` → model, task;
/// per element of `samples`: `id` (+ `#epoch` when epoch > 1) → example_id; `target` → references;
/// `output.completion` (else the text of `output.choices[0].message.content`) → prediction;
/// `output.choices[0].logprobs.content[].token/.logprob` → tokens and token_logprobs when present;
/// each `scores.<scorer>.value` → a stored score (C = 1, P = 0.5, I = N = 0, numbers as they are);
/// the first scorer's `answer` → answer; with `choices`, the target and answer letters give the
/// gold and chosen options.
inline read_summary read_inspect_log(std::string_view text, std::string_view source, const read_options& options,
                                     const record_sink& sink) {
  const simdjson::padded_string padded(detail::without_bom(text));
  reader_context context;
  return detail::read_inspect_padded(padded, source, options, sink, context);
}

/// Reads an Inspect AI JSON log file (loaded whole into the buffer of `context`, whose parsers and
/// record are reused too; gzip/zstd decompressed when emergent/io/decompress.hpp is part of the
/// program). A `.eval` archive is refused with a `parse_error` that points to
/// read_inspect_eval_file (emergent/io/inspect_eval.hpp).
inline read_summary read_inspect_log_file(const std::string& path, const read_options& options, const record_sink& sink,
                                          reader_context& context) {
  const simdjson::padded_string_view text = detail::load_file(path, context.line_buffer);
  return detail::read_inspect_padded(text, path, options, sink, context);
}

/// Reads an Inspect AI JSON log file with buffers of its own (see the overload above).
inline read_summary read_inspect_log_file(const std::string& path, const read_options& options, const record_sink& sink) {
  reader_context context;
  return read_inspect_log_file(path, options, sink, context);
}

}  // namespace emergent::io
