/// @file
/// @brief The JSON form of a scorer's state (`to_json` / `scorer_state_from_json`): what
///        `emergent score --save-state` writes and `emergent merge` reads. Doubles are written with
///        17 significant digits (exact round trip); counts as integers; document keys as 64-bit
///        hashes. Needs simdjson (the io component); the state itself is scoring/scorer_state.hpp.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "emergent/core/error.hpp"
#include "emergent/scoring/scorer_state.hpp"
#include "emergent/stats/accumulators.hpp"

namespace emergent::scoring {

namespace detail {

inline void json_quote(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

inline void json_number(std::string& out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out += buf;
}

[[noreturn]] inline void bad_state_json(std::string_view source, const std::string& field, const std::string& why) {
  throw input_error(std::string(source) + ": " + field + ": " + why);
}

inline simdjson::dom::element state_member(simdjson::dom::element e, std::string_view key, std::string_view source,
                                           const std::string& where) {
  simdjson::dom::element out;
  if (e.type() != simdjson::dom::element_type::OBJECT || e[key].get(out)) {
    bad_state_json(source, where + std::string(key), "missing");
  }
  return out;
}

inline std::int64_t state_int(simdjson::dom::element e, std::string_view source, const std::string& field) {
  std::int64_t v = 0;
  if (e.get_int64().get(v)) bad_state_json(source, field, "expected an integer");
  return v;
}

inline double state_double(simdjson::dom::element e, std::string_view source, const std::string& field) {
  double v = 0;
  if (e.get_double().get(v)) bad_state_json(source, field, "expected a number");
  return v;
}

inline std::string state_string(simdjson::dom::element e, std::string_view source, const std::string& field) {
  std::string_view v;
  if (e.get_string().get(v)) bad_state_json(source, field, "expected a string");
  return std::string(v);
}

inline simdjson::dom::array state_array(simdjson::dom::element e, std::string_view source, const std::string& field) {
  simdjson::dom::array a;
  if (e.get_array().get(a)) bad_state_json(source, field, "expected an array");
  return a;
}

}  // namespace detail

/// The state as JSON text (one object; `"format": "emergent-scorer-state"`, `"version"`).
inline std::string to_json(const scorer_state& s) {
  using detail::json_number;
  using detail::json_quote;
  std::string o = "{\"format\": \"emergent-scorer-state\", \"version\": " + std::to_string(s.version) + ",\n \"metrics\": [";
  for (std::size_t i = 0; i < s.metrics.size(); ++i) {
    if (i) o += ", ";
    json_quote(o, s.metrics[i]);
  }
  o += "],\n \"level\": ";
  json_number(o, s.level);
  o += ", \"max_tokens\": " + std::to_string(s.max_tokens) + ", \"aggregate\": " + (s.aggregate ? "true" : "false");
  if (s.version >= 2) {
    o += ",\n \"settings\": {\"format\": ";
    json_quote(o, s.format);
    o += ", \"extract\": ";
    json_quote(o, s.extract);
    o += ", \"normalize\": ";
    json_quote(o, s.normalize);
    o += ", \"tokenize\": ";
    json_quote(o, s.tokenize);
    o += std::string(", \"force_logprobs\": ") + (s.force_logprobs ? "true" : "false") + "}";
    o += ",\n \"audits\": [";
    for (std::size_t i = 0; i < s.audits.size(); ++i) {
      const auto& a = s.audits[i];
      o += i ? ",\n  {" : "\n  {";
      o += "\"model\": ";
      json_quote(o, a.model);
      o += ", \"task\": ";
      json_quote(o, a.task);
      o += ", \"records\": " + std::to_string(a.records) + ", \"records_with_tokens\": " + std::to_string(a.records_with_tokens) +
           ", \"token_values\": " + std::to_string(a.token_values) + ", \"token_zeros\": " + std::to_string(a.token_zeros) +
           ", \"records_with_options\": " + std::to_string(a.records_with_options) +
           ", \"option_values\": " + std::to_string(a.option_values) + ", \"option_zeros\": " + std::to_string(a.option_zeros) + "}";
    }
    o += "],\n \"extraction\": {\"generations\": " + std::to_string(s.generations) +
         ", \"failed\": " + std::to_string(s.extraction_failed) + ", \"first_failed\": [";
    for (std::size_t i = 0; i < s.first_failed.size(); ++i) {
      if (i) o += ", ";
      json_quote(o, s.first_failed[i]);
    }
    o += "]},\n \"agreements\": [";
    for (std::size_t i = 0; i < s.agreements.size(); ++i) {
      const auto& a = s.agreements[i];
      o += i ? ", {" : "{";
      o += "\"name\": ";
      json_quote(o, a.name);
      o += ", \"compared\": " + std::to_string(a.compared) + ", \"differ\": " + std::to_string(a.differ) + ", \"first\": ";
      json_quote(o, a.first);
      o += '}';
    }
    o += "],\n \"auto_reason\": ";
    json_quote(o, s.auto_reason);
  }
  o += ",\n \"groups\": [";
  for (std::size_t g = 0; g < s.groups.size(); ++g) {
    const auto& e = s.groups[g];
    o += g ? ",\n  {" : "\n  {";
    o += "\"model\": ";
    json_quote(o, e.model);
    o += ", \"task\": ";
    json_quote(o, e.task);
    o += ", \"metrics\": [";
    for (std::size_t i = 0; i < e.binary.size(); ++i) {
      o += i ? ",\n    {" : "\n    {";
      o += "\"successes\": " + std::to_string(e.binary[i].successes) + ", \"trials\": " + std::to_string(e.binary[i].trials);
      o += ", \"count\": " + std::to_string(e.mean[i].count) + ", \"non_finite\": " + std::to_string(e.mean[i].non_finite);
      o += ", \"sum\": ";
      json_number(o, e.mean[i].sum);
      o += ", \"sum_compensation\": ";
      json_number(o, e.mean[i].sum_compensation);
      o += ", \"m2\": ";
      json_number(o, e.mean[i].m2);
      o += ", \"stored_successes\": " + std::to_string(e.stored01[i].successes) +
           ", \"stored_trials\": " + std::to_string(e.stored01[i].trials);
      o += std::string(", \"only01\": ") + (e.only01[i] ? "true" : "false") + ", \"largest\": ";
      json_number(o, e.largest[i]);
      o += ", \"largest_at\": ";
      json_quote(o, e.largest_at[i]);
      o += '}';
    }
    o += "]}";
  }
  o += "],\n \"scored\": [";
  for (std::size_t i = 0; i < s.scored.size(); ++i) o += (i ? ", " : "") + std::to_string(s.scored[i]);
  o += "], \"not_applicable\": [";
  for (std::size_t i = 0; i < s.not_applicable.size(); ++i) o += (i ? ", " : "") + std::to_string(s.not_applicable[i]);
  o += "],\n \"summary\": {\"read\": " + std::to_string(s.read) + ", \"delivered\": " + std::to_string(s.delivered) +
       ", \"skipped\": " + std::to_string(s.skipped) + ", \"ignored\": " + std::to_string(s.ignored) +
       ", \"first_errors\": [";
  for (std::size_t i = 0; i < s.first_errors.size(); ++i) {
    if (i) o += ", ";
    json_quote(o, s.first_errors[i]);
  }
  o += "]},\n \"filters\": [";
  for (std::size_t i = 0; i < s.filters.size(); ++i) {
    o += i ? ", {" : "{";
    o += "\"model\": ";
    json_quote(o, s.filters[i].model);
    o += ", \"task\": ";
    json_quote(o, s.filters[i].task);
    o += ", \"filter\": ";
    json_quote(o, s.filters[i].filter);
    o += ", \"where\": ";
    json_quote(o, s.filters[i].where);
    o += '}';
  }
  o += "],\n \"sources\": [";
  for (std::size_t i = 0; i < s.sources.size(); ++i) {
    if (i) o += ", ";
    json_quote(o, s.sources[i]);
  }
  o += "],\n \"documents\": [";
  for (std::size_t i = 0; i < s.documents.size(); ++i) {
    o += i ? (i % 8 == 0 ? ",\n  " : ", ") : "";
    o += "[" + std::to_string(s.documents[i].key) + ", " + std::to_string(s.documents[i].source) + "]";
  }
  o += "]}\n";
  return o;
}

/// Reads a state written by `to_json`; `source` names the text in errors. Throws input_error
/// naming the field for malformed JSON, another `format`, a missing or mistyped field (the version
/// is checked by `scorer::from_state`).
inline scorer_state scorer_state_from_json(std::string_view text, std::string_view source) {
  using namespace detail;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(text.data(), text.size()).get(root)) {
    bad_state_json(source, "(document)", std::string("not JSON: ") + simdjson::error_message(err));
  }
  if (state_string(state_member(root, "format", source, ""), source, "format") != "emergent-scorer-state") {
    bad_state_json(source, "format", "not an emergent scorer state");
  }
  scorer_state s;
  const std::int64_t version = state_int(state_member(root, "version", source, ""), source, "version");
  s.version = version < 0 ? 0 : static_cast<std::uint32_t>(version);
  if (version < scorer_state_oldest_version || version > scorer_state_version) {
    bad_state_json(source, "version",
                   std::to_string(version) + " is not a state version this build reads (" +
                       std::to_string(scorer_state_oldest_version) + " to " + std::to_string(scorer_state_version) + ")");
  }
  for (auto m : state_array(state_member(root, "metrics", source, ""), source, "metrics")) {
    s.metrics.push_back(state_string(m, source, "metrics"));
  }
  s.level = state_double(state_member(root, "level", source, ""), source, "level");
  s.max_tokens = state_int(state_member(root, "max_tokens", source, ""), source, "max_tokens");
  bool aggregate = true;
  if (state_member(root, "aggregate", source, "").get_bool().get(aggregate)) bad_state_json(source, "aggregate", "expected a boolean");
  s.aggregate = aggregate;
  if (s.version >= 2) {
    const auto settings = state_member(root, "settings", source, "");
    s.format = state_string(state_member(settings, "format", source, "settings."), source, "settings.format");
    s.extract = state_string(state_member(settings, "extract", source, "settings."), source, "settings.extract");
    s.normalize = state_string(state_member(settings, "normalize", source, "settings."), source, "settings.normalize");
    s.tokenize = state_string(state_member(settings, "tokenize", source, "settings."), source, "settings.tokenize");
    bool force = false;
    if (state_member(settings, "force_logprobs", source, "settings.").get_bool().get(force)) {
      bad_state_json(source, "settings.force_logprobs", "expected a boolean");
    }
    s.force_logprobs = force;
    for (auto a : state_array(state_member(root, "audits", source, ""), source, "audits")) {
      scorer_state::audit e;
      e.model = state_string(state_member(a, "model", source, "audits."), source, "audits.model");
      e.task = state_string(state_member(a, "task", source, "audits."), source, "audits.task");
      const std::string at = "audits[" + e.model + "/" + e.task + "].";
      const auto count = [&](const char* k) {
        const std::int64_t v = state_int(state_member(a, k, source, at), source, at + k);
        if (v < 0) bad_state_json(source, at + k, "negative count");
        return v;
      };
      e.records = count("records");
      e.records_with_tokens = count("records_with_tokens");
      e.token_values = count("token_values");
      e.token_zeros = count("token_zeros");
      e.records_with_options = count("records_with_options");
      e.option_values = count("option_values");
      e.option_zeros = count("option_zeros");
      s.audits.push_back(std::move(e));
    }
    const auto extraction = state_member(root, "extraction", source, "");
    s.generations = state_int(state_member(extraction, "generations", source, "extraction."), source, "extraction.generations");
    s.extraction_failed = state_int(state_member(extraction, "failed", source, "extraction."), source, "extraction.failed");
    for (auto v : state_array(state_member(extraction, "first_failed", source, "extraction."), source, "extraction.first_failed")) {
      s.first_failed.push_back(state_string(v, source, "extraction.first_failed"));
    }
    for (auto a : state_array(state_member(root, "agreements", source, ""), source, "agreements")) {
      scorer_state::agreement e;
      e.name = state_string(state_member(a, "name", source, "agreements."), source, "agreements.name");
      e.compared = state_int(state_member(a, "compared", source, "agreements."), source, "agreements.compared");
      e.differ = state_int(state_member(a, "differ", source, "agreements."), source, "agreements.differ");
      e.first = state_string(state_member(a, "first", source, "agreements."), source, "agreements.first");
      s.agreements.push_back(std::move(e));
    }
    s.auto_reason = state_string(state_member(root, "auto_reason", source, ""), source, "auto_reason");
  }
  for (auto g : state_array(state_member(root, "groups", source, ""), source, "groups")) {
    scorer_state::group e;
    e.model = state_string(state_member(g, "model", source, "groups."), source, "groups.model");
    e.task = state_string(state_member(g, "task", source, "groups."), source, "groups.task");
    const std::string at = "groups[" + e.model + "/" + e.task + "].metrics.";
    for (auto m : state_array(state_member(g, "metrics", source, "groups."), source, "groups.metrics")) {
      auto get_int = [&](const char* k) { return state_int(state_member(m, k, source, at), source, at + k); };
      auto get_double = [&](const char* k) { return state_double(state_member(m, k, source, at), source, at + k); };
      binary_state b;
      b.successes = get_int("successes");
      b.trials = get_int("trials");
      e.binary.push_back(b);
      mean_state ms;
      ms.count = get_int("count");
      ms.non_finite = get_int("non_finite");
      ms.sum = get_double("sum");
      ms.sum_compensation = get_double("sum_compensation");
      ms.m2 = get_double("m2");
      e.mean.push_back(ms);
      binary_state st;
      st.successes = get_int("stored_successes");
      st.trials = get_int("stored_trials");
      e.stored01.push_back(st);
      bool only01 = true;
      if (state_member(m, "only01", source, at).get_bool().get(only01)) bad_state_json(source, at + "only01", "expected a boolean");
      e.only01.push_back(only01);
      e.largest.push_back(get_double("largest"));
      e.largest_at.push_back(state_string(state_member(m, "largest_at", source, at), source, at + "largest_at"));
    }
    s.groups.push_back(std::move(e));
  }
  for (auto v : state_array(state_member(root, "scored", source, ""), source, "scored")) s.scored.push_back(state_int(v, source, "scored"));
  for (auto v : state_array(state_member(root, "not_applicable", source, ""), source, "not_applicable")) {
    s.not_applicable.push_back(state_int(v, source, "not_applicable"));
  }
  const auto summary = state_member(root, "summary", source, "");
  s.read = state_int(state_member(summary, "read", source, "summary."), source, "summary.read");
  s.delivered = state_int(state_member(summary, "delivered", source, "summary."), source, "summary.delivered");
  s.skipped = state_int(state_member(summary, "skipped", source, "summary."), source, "summary.skipped");
  s.ignored = state_int(state_member(summary, "ignored", source, "summary."), source, "summary.ignored");
  for (auto v : state_array(state_member(summary, "first_errors", source, "summary."), source, "summary.first_errors")) {
    s.first_errors.push_back(state_string(v, source, "summary.first_errors"));
  }
  for (auto f : state_array(state_member(root, "filters", source, ""), source, "filters")) {
    s.filters.push_back({state_string(state_member(f, "model", source, "filters."), source, "filters.model"),
                         state_string(state_member(f, "task", source, "filters."), source, "filters.task"),
                         state_string(state_member(f, "filter", source, "filters."), source, "filters.filter"),
                         state_string(state_member(f, "where", source, "filters."), source, "filters.where")});
  }
  for (auto v : state_array(state_member(root, "sources", source, ""), source, "sources")) {
    s.sources.push_back(state_string(v, source, "sources"));
  }
  for (auto d : state_array(state_member(root, "documents", source, ""), source, "documents")) {
    simdjson::dom::array pair = state_array(d, source, "documents");
    if (pair.size() != 2) bad_state_json(source, "documents", "expected [key, source] pairs");
    std::uint64_t key = 0;
    std::int64_t src = 0;
    if (pair.at(0).get_uint64().get(key)) bad_state_json(source, "documents", "expected an unsigned 64-bit key");
    if (pair.at(1).get_int64().get(src) || src < 0 || src > 0xffffffffLL) {
      bad_state_json(source, "documents", "expected a source index");
    }
    s.documents.push_back({key, static_cast<std::uint32_t>(src)});
  }
  return s;
}

}  // namespace emergent::scoring
