/// @file
/// @brief Reader for lm-evaluation-harness `--log_samples` output (`samples_<task>_<date>.jsonl`,
///        lm-eval 0.4): one JSON object per line and per (document, filter), streamed with bounded memory.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <filesystem>
#include <cctype>
#include <string>
#include <string_view>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/detail/jsonl_driver.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io {

namespace detail {

/// Parses "(-0.41, False)", the Python repr of a (loglik, is_greedy) tuple some versions write.
inline bool parse_tuple_text(std::string_view s, option_score& out) {
  if (s.size() < 5 || s.front() != '(' || s.back() != ')') return false;
  s = s.substr(1, s.size() - 2);
  const auto comma = s.find(',');
  if (comma == std::string_view::npos) return false;
  auto v = number_from_text(s.substr(0, comma));
  std::string_view rest = s.substr(comma + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (!v || (rest != "True" && rest != "False")) return false;
  out.loglik = *v;
  out.is_greedy = rest == "True";
  return true;
}

/// The continuation texts of the requests (`arguments`), for option lengths and text targets.
inline void lm_eval_continuations(element root, std::vector<std::string_view>& out) {
  out.clear();
  auto args = member(root, "arguments");
  if (!args) return;
  if (args->type() == element_type::OBJECT) {  // {"gen_args_0": {"arg_0": context, "arg_1": continuation}, ...}
    for (auto [key, value] : simdjson::dom::object(*args)) {
      (void)key;
      auto cont = member(value, "arg_1");
      if (!cont || cont->type() != element_type::STRING) {
        out.clear();
        return;
      }
      out.push_back(std::string_view(*cont));
    }
  } else if (args->type() == element_type::ARRAY) {  // [[context, continuation], ...]
    for (element value : simdjson::dom::array(*args)) {
      simdjson::dom::array pair;
      element cont;
      if (value.get_array().get(pair) || pair.size() < 2 || pair.at(1).get(cont) ||
          cont.type() != element_type::STRING) {
        out.clear();
        return;
      }
      out.push_back(std::string_view(cont));
    }
  }
}

/// Fills a record from one parsed lm-eval sample line.
inline void fill_lm_eval_sample(element root, const where& at, record& r, std::vector<std::string_view>& scratch) {
  r.example_id = to_id(required(root, "doc_id", at, "doc_id"), at, "doc_id");
  if (auto f = member(root, "filter")) {
    r.filter = to_string(*f, at, "filter");
  } else {
    r.filter = "none";
  }
  // Responses: the filtered ones when present (one entry per request), else the raw ones (a list
  // of repeats per request).
  element resps;
  std::string_view field = "filtered_resps";
  bool filtered = true;
  if (auto f = member(root, "filtered_resps")) {
    resps = *f;
  } else if (auto g = member(root, "resps")) {
    resps = *g;
    field = "resps";
    filtered = false;
  } else {
    at.fail("filtered_resps", "missing (neither filtered_resps nor resps)");
  }
  if (resps.type() != element_type::ARRAY) at.fail(field, "expected an array, found " + type_name(resps.type()));
  const simdjson::dom::array entries(resps);
  if (entries.size() == 0) at.fail(field, "empty: no response and no options for this document");
  std::size_t index = 0;
  std::string name;
  for (element e : entries) {
    name.assign(field);
    name += '[';
    name += std::to_string(index);
    name += ']';
    if (!filtered) {  // one more level: the repeats of the request
      if (e.type() != element_type::ARRAY || simdjson::dom::array(e).size() == 0) {
        at.fail(name, "expected a non-empty array of repeats");
      }
      e = simdjson::dom::array(e).at(0).value_unsafe();
    }
    if (e.type() == element_type::STRING) {
      option_score o;
      if (parse_tuple_text(std::string_view(e), o)) {
        if (o.loglik > 0) at.fail(name, "log-probability " + std::to_string(o.loglik) + " is positive");
        r.options.push_back(o);
      } else {
        if (index == 0) {
          r.has_prediction = true;
          r.prediction.assign(std::string_view(e));
        }
        if (!r.options.empty()) at.fail(name, "a generation mixed with log-likelihood options");
      }
    } else if (e.type() == element_type::ARRAY) {  // [loglik, is_greedy]
      const simdjson::dom::array pair(e);
      if (pair.size() == 0) at.fail(name, "empty option (expected [loglik, is_greedy])");
      if (r.has_prediction) at.fail(name, "log-likelihood option mixed with a generation");
      option_score o;
      o.loglik = to_logprob(pair.at(0).value_unsafe(), at, name + "[0]");
      if (pair.size() >= 2) o.is_greedy = to_bool(pair.at(1).value_unsafe(), at, name + "[1]");
      r.options.push_back(o);
    } else if (e.type() == element_type::DOUBLE || e.type() == element_type::INT64 ||
               e.type() == element_type::UINT64) {  // loglikelihood_rolling: a bare number
      option_score o;
      o.loglik = to_logprob(e, at, name);
      r.options.push_back(o);
    } else {
      at.fail(name, "expected a generation or [loglik, is_greedy], found " + type_name(e.type()));
    }
    ++index;
  }
  if (!r.options.empty()) {
    lm_eval_continuations(root, scratch);
    if (scratch.size() == r.options.size()) {
      for (std::size_t i = 0; i < scratch.size(); ++i) {
        // lm-eval's acc_norm divides by len(choice), the option text without the target delimiter
        // (one space by default) that the continuation arg_1 starts with.
        std::string_view text = scratch[i];
        if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
        r.options[i].bytes = text.size();
        r.options[i].chars = utf8_length(text);
      }
    }
  }
  // Target: a gold option index for multiple choice, a reference text otherwise.
  if (auto t = member(root, "target")) {
    auto add_reference = [&](element v, std::string_view f) {
      if (v.type() == element_type::STRING) {
        r.references.emplace_back(std::string_view(v));
      } else if (v.type() == element_type::INT64 || v.type() == element_type::UINT64) {
        r.references.push_back(to_id(v, at, f));
      } else if (v.type() == element_type::DOUBLE) {
        r.references.push_back(std::to_string(double(v)));
      } else if (v.type() != element_type::NULL_VALUE) {
        at.fail(f, "expected a string or a number, found " + type_name(v.type()));
      }
    };
    if (t->type() == element_type::ARRAY) {
      for (element v : simdjson::dom::array(*t)) add_reference(v, "target");
    } else {
      add_reference(*t, "target");
    }
    if (!r.options.empty()) {
      element first = *t;
      if (t->type() == element_type::ARRAY && simdjson::dom::array(*t).size() > 0) {
        first = simdjson::dom::array(*t).at(0).value_unsafe();
      }
      if (auto g = to_index(first)) {
        if (*g >= r.options.size() && r.options.size() > 1) {
          at.fail("target", "gold option " + std::to_string(*g) + " but the document has only " +
                                std::to_string(r.options.size()) + " options (options missing?)");
        }
        if (*g < r.options.size()) r.gold = *g;
      } else if (first.type() == element_type::STRING && scratch.size() == r.options.size()) {
        const std::string_view text(first);
        for (std::size_t i = 0; i < scratch.size(); ++i) {
          std::string_view c = scratch[i];
          if (c == text || (!c.empty() && c.front() == ' ' && c.substr(1) == text)) {
            r.gold = i;
            break;
          }
        }
      }
    }
  } else {
    at.fail("target", "missing");
  }
  // The metrics lm-eval computed for this sample, stored under their names.
  auto store = [&](std::string_view metric) {
    if (auto v = member(root, metric)) {
      if (v->type() == element_type::ARRAY || v->type() == element_type::OBJECT ||
          v->type() == element_type::NULL_VALUE) {
        return;  // corpus-level metrics keep tuples here (bleu, f1 pairs): not a per-sample score
      }
      r.stored.push_back(stored_score{std::string(metric), to_number(*v, at, metric)});
    }
  };
  if (auto m = member(root, "metrics"); m && m->type() == element_type::ARRAY) {
    for (element name_e : simdjson::dom::array(*m)) {
      if (name_e.type() == element_type::STRING) store(std::string_view(name_e));
    }
  } else {
    for (std::string_view metric : {"exact_match", "acc", "acc_norm", "f1", "em"}) store(metric);
  }
}

/// lm-eval names its sample files `samples_<task>_<ISO date>.jsonl` (`.jsonl.gz`, `.jsonl.zst` when
/// compressed): returns <task> and <date>.
inline std::pair<std::string, std::string> lm_eval_sample_name(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (const char* ext : {".gz", ".zst"}) {
    const std::string e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) name.resize(name.size() - e.size());
  }
  const std::string prefix = "samples_", suffix = ".jsonl";
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return {"", ""};
  }
  const std::string middle = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  const auto cut = middle.rfind('_');  // the date (2026-01-21T03-44-18.458309) has no underscore
  if (cut == std::string::npos || cut == 0) return {"", ""};
  const std::string date = middle.substr(cut + 1);
  const bool looks_like_date = date.size() >= 11 && std::isdigit(static_cast<unsigned char>(date[0])) &&
                               date[4] == '-' && date.find('T') != std::string::npos;
  if (!looks_like_date) return {"", ""};
  return {middle.substr(0, cut), date};
}

/// The model of a samples file: `model_name` (or `pretrained=` of `config.model_args`) of the
/// results file written by the same run, `results_<date>.json` next to it; else the directory name.
inline std::string lm_eval_model_of(const std::string& path, const std::string& date) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  const fs::path results = dir / ("results_" + date + ".json");
  if (!date.empty() && fs::exists(results, ec)) {
    simdjson::dom::parser parser;
    element root;
    if (!parser.load(results.string()).get(root)) {
      if (auto name = member(root, "model_name"); name && name->type() == element_type::STRING) {
        return std::string(std::string_view(*name));
      }
      if (auto config = member(root, "config")) {
        if (auto args = member(*config, "model_args"); args && args->type() == element_type::STRING) {
          const std::string_view a(*args);
          const auto p = a.find("pretrained=");
          if (p != std::string_view::npos) {
            const auto start = p + 11;
            return std::string(a.substr(start, a.find(',', start) - start));
          }
        }
      }
    }
  }
  return dir.filename().string();
}

}  // namespace detail

/// Reads lm-evaluation-harness `--log_samples` JSON Lines from a buffer (`source` names it in
/// records and errors). Fields: `doc_id` → example_id; `filter` → filter ("none" when absent);
/// `filtered_resps` (else `resps`): a string is the generation (prediction), `[loglik, is_greedy]`
/// pairs (numbers or the strings "-0.41"/"True") are the options; `arguments[i].arg_1` gives each
/// option's length (without the leading space lm-eval puts before the choice); `target` → references, and the gold option when it is an index or an option's
/// text; the per-sample metrics named in `metrics` → stored scores. Each (example id, filter) must
/// appear once. Throws `parse_error` on a malformed line unless `options.skip_bad`.
inline read_summary read_lm_eval_samples(std::string_view text, std::string_view source, const read_options& options,
                                         const record_sink& sink) {
  std::vector<std::string_view> scratch;
  return detail::read_jsonl_buffer(text, source, options, sink,
                                   [&](detail::element root, const detail::where& at, record& r) {
                                     detail::fill_lm_eval_sample(root, at, r, scratch);
                                   });
}

/// Reads an lm-evaluation-harness samples file, streaming it in fixed-size chunks (memory does not
/// grow with the file), with the buffers and parser of `context` (reused across files), optionally
/// only the whole lines in `range`. The task comes from the file name `samples_<task>_<date>.jsonl`
/// and the model from the `results_<date>.json` beside it (else the directory name), unless
/// `options` names them.
inline read_summary read_lm_eval_samples_file(const std::string& path, const read_options& options,
                                              const record_sink& sink, reader_context& context,
                                              const detail::line_range& range = {}) {
  const std::pair<std::string, std::string> name = detail::lm_eval_sample_name(path);
  const std::string task = name.first;
  const std::string model = options.model.empty() ? detail::lm_eval_model_of(path, name.second) : options.model;
  std::vector<std::string_view> scratch;
  return detail::read_jsonl_file(
      path, options, sink,
      [&](detail::element root, const detail::where& at, record& r) {
        r.model = model;
        r.task = task;
        detail::fill_lm_eval_sample(root, at, r, scratch);
      },
      context, range);
}

/// Reads an lm-evaluation-harness samples file with buffers of its own (see the overload above).
inline read_summary read_lm_eval_samples_file(const std::string& path, const read_options& options,
                                              const record_sink& sink) {
  reader_context context;
  return read_lm_eval_samples_file(path, options, sink, context);
}

}  // namespace emergent::io
