// Readers of single JSON documents (HELM, Inspect, lm-eval --write_out): the file is loaded whole
// (documented in docs/formats.md), the array of examples is walked with simdjson On-Demand, which
// gives each element's line and raw text, and each element is parsed on its own into a small DOM.
// A malformed element can then be skipped without losing the rest of the file.
#pragma once

#include "emergent/io/detail/simdjson.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "emergent/core/error.hpp"
#include "emergent/io/detail/json.hpp"
#include "emergent/io/reader_context.hpp"
#include "emergent/io/record.hpp"

namespace emergent::io::detail {

/// The raw text of the top-level member `key` of a JSON object held in `text`; nullopt when absent.
/// `parser` is reused (the raw text is a view into `text`, not into the parser).
inline std::optional<std::string_view> top_level_raw(const simdjson::padded_string_view text, std::string_view key,
                                                     std::string_view source, simdjson::ondemand::parser& parser) {
  simdjson::ondemand::document doc;
  if (auto err = parser.iterate(text).get(doc)) throw parse_error(std::string(source), 1, "", simdjson_message(err));
  simdjson::ondemand::object obj;
  if (auto err = doc.get_object().get(obj)) {
    throw parse_error(std::string(source), 1, "", "expected a JSON object at the top: " + simdjson_message(err));
  }
  for (auto field : obj) {
    std::string_view k;
    if (auto err = field.unescaped_key().get(k)) throw parse_error(std::string(source), 0, "", simdjson_message(err));
    if (k == key) {
      std::string_view raw;
      simdjson::ondemand::value v;
      simdjson::ondemand::json_type t;
      if (field.value().get(v) || v.type().get(t)) {
        throw parse_error(std::string(source), 0, std::string(key), "malformed value");
      }
      if (t == simdjson::ondemand::json_type::object) {
        simdjson::ondemand::object o;
        if (v.get_object().get(o) || o.raw_json().get(raw)) {
          throw parse_error(std::string(source), 0, std::string(key), "malformed object");
        }
      } else if (t == simdjson::ondemand::json_type::array) {
        simdjson::ondemand::array a;
        if (v.get_array().get(a) || a.raw_json().get(raw)) {
          throw parse_error(std::string(source), 0, std::string(key), "malformed array");
        }
      } else {
        raw = v.raw_json_token();
      }
      return raw;
    }
  }
  return std::nullopt;
}

/// The same with a parser of its own.
inline std::optional<std::string_view> top_level_raw(const simdjson::padded_string_view text, std::string_view key,
                                                     std::string_view source) {
  simdjson::ondemand::parser parser;
  return top_level_raw(text, key, source, parser);
}

/// Walks the elements of the array at the top (`key` empty) or at the top-level member `key`,
/// calling `on_element(element, where)` for each, with its line. Element errors go through the
/// bad-record policy; a broken document structure ends the walk with a parse_error. The parsers of
/// `context` are reused (its On-Demand parser walks the document, its DOM parser each element).
template <class OnElement>
void for_each_array_element(const simdjson::padded_string_view text, std::string_view source, std::string_view key,
                            const read_options& options, read_summary& summary, OnElement&& on_element,
                            reader_context& context) {
  const std::string file(source);
  simdjson::ondemand::parser& parser = context.document_parser;
  simdjson::ondemand::document doc;
  if (auto err = parser.iterate(text).get(doc)) throw parse_error(file, 1, "", simdjson_message(err));
  line_counter lines(text.data());
  auto location = [&]() -> std::size_t {
    const char* p = nullptr;
    if (doc.current_location().get(p)) return 0;
    return lines.line_at(p);
  };
  simdjson::ondemand::array arr;
  if (key.empty()) {
    if (auto err = doc.get_array().get(arr)) {
      throw parse_error(file, 1, "", "expected a JSON array of examples: " + simdjson_message(err));
    }
  } else {
    simdjson::ondemand::object root;
    if (auto err = doc.get_object().get(root)) {
      throw parse_error(file, 1, "", "expected a JSON object at the top: " + simdjson_message(err));
    }
    simdjson::ondemand::value v;
    if (auto err = root.find_field_unordered(key).get(v)) {
      throw parse_error(file, 0, std::string(key),
                        err == simdjson::NO_SUCH_FIELD ? std::string("missing") : simdjson_message(err));
    }
    if (auto err = v.get_array().get(arr)) {
      throw parse_error(file, location(), std::string(key), "expected an array: " + simdjson_message(err));
    }
  }
  simdjson::dom::parser& element_parser = context.parser;
  std::size_t index = 0;
  for (auto item : arr) {
    const std::size_t line = location();
    const std::string field = std::string(key) + "[" + std::to_string(index) + "]";
    simdjson::ondemand::value value;
    std::string_view raw;
    simdjson::ondemand::json_type type;
    if (auto err = item.get(value)) throw parse_error(file, line, field, simdjson_message(err));
    if (auto err = value.type().get(type)) throw parse_error(file, line, field, simdjson_message(err));
    if (type == simdjson::ondemand::json_type::object) {
      simdjson::ondemand::object o;
      if (auto err = value.get_object().get(o)) throw parse_error(file, line, field, simdjson_message(err));
      if (auto err = o.raw_json().get(raw)) throw parse_error(file, line, field, simdjson_message(err));
    } else {
      ++summary.read;
      skip_or_throw(parse_error(file, line, field, "expected an object"), options, summary);
      ++index;
      continue;
    }
    ++summary.read;
    const where at{source, line};
    try {
      element e;
      // raw lies inside the padded document, so SIMDJSON_PADDING bytes after it are readable.
      if (auto err = element_parser.parse(raw.data(), raw.size(), false).get(e)) at.fail(field, simdjson_message(err));
      on_element(e, at);
      ++summary.delivered;
    } catch (const parse_error& err) {
      skip_or_throw(err, options, summary);
    }
    ++index;
    if (options.progress && index % 64 == 0) options.progress(static_cast<std::size_t>(raw.data() - text.data()));
  }
  if (options.progress) options.progress(text.size());
}

/// The same with parsers of its own.
template <class OnElement>
void for_each_array_element(const simdjson::padded_string_view text, std::string_view source, std::string_view key,
                            const read_options& options, read_summary& summary, OnElement&& on_element) {
  reader_context context;
  for_each_array_element(text, source, key, options, summary, std::forward<OnElement>(on_element), context);
}

}  // namespace emergent::io::detail
