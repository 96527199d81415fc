/// @file
/// @brief Readers for HELM run folders: `scenario_state.json` (the requests and completions, one
///        record per instance and train trial) and `per_instance_stats.json` (the statistics HELM
///        computed per instance).
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/detail/json_document.hpp"
#include "emergent/io/reader_context.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io {

namespace detail {

inline void fill_helm_request_state(element e, const where& at, record& r) {
  const element instance = required(e, "instance", at, "instance");
  r.example_id = to_id(required(instance, "id", at, "instance.id"), at, "instance.id");
  if (auto t = member(e, "train_trial_index")) {
    const double trial = to_number(*t, at, "train_trial_index");
    if (trial != 0) r.example_id += "#" + std::to_string(static_cast<long long>(trial));
  }
  r.filter = "none";
  // References: the texts, and which are tagged "correct".
  const element refs = required(instance, "references", at, "instance.references");
  if (refs.type() != element_type::ARRAY) at.fail("instance.references", "expected an array");
  std::vector<std::string_view> texts;
  std::vector<bool> correct;
  std::size_t i = 0;
  for (element ref : simdjson::dom::array(refs)) {
    const std::string field = "instance.references[" + std::to_string(i++) + "]";
    const element output = required(ref, "output", at, field + ".output");
    texts.push_back(to_string(required(output, "text", at, field + ".output.text"), at, field + ".output.text"));
    bool is_correct = false;
    if (auto tags = member(ref, "tags"); tags && tags->type() == element_type::ARRAY) {
      for (element tag : simdjson::dom::array(*tags)) {
        if (tag.type() == element_type::STRING && std::string_view(tag) == "correct") is_correct = true;
      }
    }
    correct.push_back(is_correct);
  }
  // The first completion: text, tokens, per-token log-probabilities.
  const element result = required(e, "result", at, "result");
  const element completions = required(result, "completions", at, "result.completions");
  if (completions.type() != element_type::ARRAY || simdjson::dom::array(completions).size() == 0) {
    at.fail("result.completions", "expected a non-empty array");
  }
  const element first = simdjson::dom::array(completions).at(0).value_unsafe();
  r.has_prediction = true;
  r.prediction.assign(to_string(required(first, "text", at, "result.completions[0].text"), at,
                                "result.completions[0].text"));
  if (auto lp = member(first, "logprob")) {
    r.stored.push_back(stored_score{"completion_logprob", to_logprob(*lp, at, "result.completions[0].logprob")});
  }
  if (auto tokens = member(first, "tokens"); tokens && tokens->type() == element_type::ARRAY) {
    std::size_t k = 0;
    for (element tok : simdjson::dom::array(*tokens)) {
      const std::string field = "result.completions[0].tokens[" + std::to_string(k++) + "]";
      r.tokens.emplace_back(to_string(required(tok, "text", at, field + ".text"), at, field + ".text"));
      r.token_logprobs.push_back(to_logprob(required(tok, "logprob", at, field + ".logprob"), at, field + ".logprob"));
    }
  }
  // Multiple choice (joint): output_mapping maps letters to reference texts; the completion is a letter.
  if (auto mapping = member(e, "output_mapping"); mapping && mapping->type() == element_type::OBJECT) {
    const std::string_view answer = trim_view(r.prediction);
    std::size_t letter = 0;
    for (auto [key, value] : simdjson::dom::object(*mapping)) {
      const std::string_view text = to_string(value, at, "output_mapping");
      std::size_t ref_index = no_option;
      for (std::size_t j = 0; j < texts.size(); ++j) {
        if (texts[j] == text) {
          ref_index = j;
          break;
        }
      }
      if (ref_index != no_option && correct[ref_index]) {
        r.references.emplace_back(key);
        if (r.gold == no_option) r.gold = letter;
      }
      if (answer == key) r.chosen = letter;
      ++letter;
    }
  } else {
    for (std::size_t j = 0; j < texts.size(); ++j) {
      if (correct[j]) r.references.emplace_back(texts[j]);
    }
  }
}

/// The task of a HELM run folder: `name` in scenario.json beside the file, else the folder name.
inline std::string helm_task_of(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  if (fs::exists(dir / "scenario.json", ec)) {
    simdjson::dom::parser parser;
    element root;
    if (!parser.load((dir / "scenario.json").string()).get(root)) {
      if (auto name = member(root, "name"); name && name->type() == element_type::STRING) {
        return std::string(std::string_view(*name));
      }
    }
  }
  return dir.filename().string();
}

inline read_summary read_helm_padded(const simdjson::padded_string_view text, std::string_view source,
                                     const std::string& task, const read_options& options, const record_sink& sink,
                                     reader_context& context) {
  std::string model = options.model;
  if (model.empty()) {
    if (auto raw = top_level_raw(text, "adapter_spec", source, context.document_parser)) {
      element spec;
      if (!context.parser.parse(std::string(*raw)).get(spec)) {
        if (auto m = member(spec, "model"); m && m->type() == element_type::STRING) {
          model = std::string(std::string_view(*m));
        }
      }
    }
  }
  read_summary summary;
  record& r = context.current;
  duplicate_detector duplicates;
  for_each_array_element(text, source, "request_states", options, summary, [&](element e, const where& at) {
    r.clear();
    r.source = std::string(source);
    r.line = at.line;
    r.model = model;
    r.task = task;
    fill_helm_request_state(e, at, r);
    if (duplicates.seen("", r.example_id)) at.fail("instance.id", "duplicated example id " + r.example_id);
    sink(r);
  }, context);
  return summary;
}

}  // namespace detail

/// Reads a HELM `scenario_state.json` from a buffer. Per element of `request_states`:
/// `instance.id` (+ `#trial` when `train_trial_index` > 0) → example_id; the first completion's
/// `text` → prediction, its `tokens[].text/.logprob` → tokens and token_logprobs, its `logprob` →
/// stored score `completion_logprob`; references tagged `correct` → references. In joint multiple
/// choice (`output_mapping` present) the references are the correct letters, `gold` is the correct
/// letter's position and `chosen` the position of the letter the model answered.
/// The model comes from `adapter_spec.model` unless `options.model` is set.
inline read_summary read_helm_scenario_state(std::string_view text, std::string_view source,
                                             const read_options& options, const record_sink& sink) {
  const simdjson::padded_string padded(detail::without_bom(text));
  reader_context context;
  return detail::read_helm_padded(padded, source, options.task, options, sink, context);
}

/// Reads a HELM `scenario_state.json` file (loaded whole into the buffer of `context`, whose
/// parsers and record are reused too: keep one context for many files). The task is `name` of the
/// `scenario.json` beside it (else the folder name) unless `options.task` is set.
inline read_summary read_helm_scenario_state_file(const std::string& path, const read_options& options,
                                                  const record_sink& sink, reader_context& context) {
  const simdjson::padded_string_view text = detail::load_file(path, context.line_buffer);
  const std::string task = options.task.empty() ? detail::helm_task_of(path) : options.task;
  return detail::read_helm_padded(text, path, task, options, sink, context);
}

/// Reads a HELM `scenario_state.json` file with buffers of its own (see the overload above).
inline read_summary read_helm_scenario_state_file(const std::string& path, const read_options& options,
                                                  const record_sink& sink) {
  reader_context context;
  return read_helm_scenario_state_file(path, options, sink, context);
}

/// One statistic HELM stored for one instance (`per_instance_stats.json`).
struct helm_instance_stat {
  /// The instance id (`instance_id`).
  std::string instance_id;
  /// The train trial (`train_trial_index`).
  std::size_t train_trial_index = 0;
  /// The statistic's name (`name.name`: exact_match, quasi_exact_match, f1_score, logprob, ...).
  std::string name;
  /// The split (`name.split`).
  std::string split;
  /// Whether the statistic is for a perturbed input (`name.perturbation` present).
  bool perturbed = false;
  /// Number of values aggregated (`count`).
  double count = 0;
  /// Their sum (`sum`).
  double sum = 0;
  /// Their mean (`mean`; sum / count when absent).
  double mean = 0;
};

/// Reads HELM's `per_instance_stats.json` (a JSON array of instances, each with `stats[]`) from a
/// buffer into a flat list of statistics. Throws `parse_error` on a malformed file.
inline std::vector<helm_instance_stat> read_helm_per_instance_stats(std::string_view text, std::string_view source) {
  std::vector<helm_instance_stat> out;
  const simdjson::padded_string padded(detail::without_bom(text));
  read_options options;
  read_summary summary;
  detail::for_each_array_element(padded, source, "", options, summary, [&](detail::element e, const detail::where& at) {
    helm_instance_stat base;
    base.instance_id = detail::to_id(detail::required(e, "instance_id", at, "instance_id"), at, "instance_id");
    if (auto t = detail::member(e, "train_trial_index")) {
      base.train_trial_index = static_cast<std::size_t>(detail::to_number(*t, at, "train_trial_index"));
    }
    const detail::element stats = detail::required(e, "stats", at, "stats");
    if (stats.type() != detail::element_type::ARRAY) at.fail("stats", "expected an array");
    std::size_t k = 0;
    for (detail::element s : simdjson::dom::array(stats)) {
      const std::string field = "stats[" + std::to_string(k++) + "]";
      helm_instance_stat st = base;
      const detail::element name = detail::required(s, "name", at, field + ".name");
      st.name = detail::to_string(detail::required(name, "name", at, field + ".name.name"), at, field + ".name.name");
      if (auto split = detail::member(name, "split")) st.split = detail::to_string(*split, at, field + ".name.split");
      st.perturbed = detail::member(name, "perturbation").has_value();
      st.count = detail::to_number(detail::required(s, "count", at, field + ".count"), at, field + ".count");
      st.sum = detail::to_number(detail::required(s, "sum", at, field + ".sum"), at, field + ".sum");
      if (auto mean = detail::member(s, "mean")) {
        st.mean = detail::to_number(*mean, at, field + ".mean");
      } else {
        st.mean = st.count > 0 ? st.sum / st.count : 0.0;
      }
      out.push_back(std::move(st));
    }
  });
  return out;
}

/// Reads HELM's `per_instance_stats.json` from a file (loaded whole).
inline std::vector<helm_instance_stat> read_helm_per_instance_stats_file(const std::string& path) {
  const simdjson::padded_string text = detail::load_file(path);
  return read_helm_per_instance_stats(std::string_view(text.data(), text.size()), path);
}

}  // namespace emergent::io
