// RequestParser's fast path with simdjson On-Demand (see request_simdjson.h).
#include "engine/internal/request_simdjson.h"

#include <simdjson.h>

#include <cstring>
#include <string>
#include <utility>

#include "engine/request_json.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace policysim::engine::internal {

namespace od = simdjson::ondemand;

bool isPlainJsonText(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  std::size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: a signed compare below 0x20 also catches bytes >= 0x80.
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i ret = _mm_set1_epi8('\r');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i whitespace = _mm_or_si128(
        _mm_cmpeq_epi8(v, tab), _mm_or_si128(_mm_cmpeq_epi8(v, newline), _mm_cmpeq_epi8(v, ret)));
    const __m128i control = _mm_andnot_si128(whitespace, _mm_cmplt_epi8(v, space));
    if (_mm_movemask_epi8(_mm_or_si128(control, _mm_cmpeq_epi8(v, backslash))) != 0) {
      return false;
    }
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = p[i];
    if (c >= 0x80 || c == '\\' || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
      return false;
    }
  }
  return true;
}

bool isPlainJsonNumber(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto digit = [&](std::size_t at) { return at < n && text[at] >= '0' && text[at] <= '9'; };
  if (i < n && text[i] == '-') {
    ++i;
  }
  if (!digit(i)) {
    return false;
  }
  const std::size_t intStart = i;
  if (text[i] == '0') {
    ++i;
  } else {
    while (digit(i)) {
      ++i;
    }
  }
  if (i - intStart > 18) {
    return false;
  }
  if (i < n && text[i] == '.') {
    const std::size_t fracStart = ++i;
    while (digit(i)) {
      ++i;
    }
    if (i == fracStart || i - fracStart > 32) {
      return false;
    }
  }
  return i == n;
}

struct SimdRequestReader::State {
  od::parser parser;
  std::string padded;  // the text and SIMDJSON_PADDING bytes after it
};

SimdRequestReader::SimdRequestReader() : state_(std::make_unique<State>()) {}
SimdRequestReader::~SimdRequestReader() = default;

namespace {

bool isValidAction(std::string_view action) {
  const std::size_t colon = action.find(':');
  return colon != std::string_view::npos && colon != 0 && colon + 1 != action.size();
}

std::string_view trimTrailingWhitespace(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  return token;
}

// One scalar (string, plain number, boolean) appended to value; false on anything else.
bool readScalar(od::value item, ContextValue* value) {
  od::json_type type;
  if (item.type().get(type) != simdjson::SUCCESS) {
    return false;
  }
  switch (type) {
    case od::json_type::string: {
      std::string_view text;
      if (item.get_string().get(text) != simdjson::SUCCESS) {
        return false;
      }
      value->type = ContextValue::Type::String;
      value->values.emplace_back(text);
      return true;
    }
    case od::json_type::number: {
      const std::string_view token = trimTrailingWhitespace(item.raw_json_token());
      if (!isPlainJsonNumber(token)) {
        return false;
      }
      value->type = ContextValue::Type::Number;
      value->values.emplace_back(token);
      return true;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (item.get_bool().get(b) != simdjson::SUCCESS) {
        return false;
      }
      value->type = ContextValue::Type::Bool;
      value->values.emplace_back(b ? "true" : "false");
      return true;
    }
    default:
      return false;
  }
}

bool readContext(od::value context, Request* out) {
  od::object object;
  if (context.get_object().get(object) != simdjson::SUCCESS) {
    return false;
  }
  for (auto fieldResult : object) {
    od::field field;
    if (std::move(fieldResult).get(field) != simdjson::SUCCESS) {
      return false;
    }
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS || key.empty() ||
        out->contextSize() >= kMaxContextKeys) {
      return false;
    }
    ContextValue* value = out->addContext(key);
    if (value == nullptr) {
      return false;  // equal up to case to an earlier key: the full parser names it
    }
    od::value item = field.value();
    od::json_type type;
    if (item.type().get(type) != simdjson::SUCCESS) {
      return false;
    }
    if (type != od::json_type::array) {
      if (!readScalar(item, value)) {
        return false;
      }
      continue;
    }
    value->multivalued = true;
    od::array array;
    if (item.get_array().get(array) != simdjson::SUCCESS) {
      return false;
    }
    for (auto elementResult : array) {
      od::value element;
      if (std::move(elementResult).get(element) != simdjson::SUCCESS ||
          !readScalar(element, value) || value->values.size() > kMaxValuesPerKey) {
        return false;
      }
    }
  }
  return true;
}

bool readString(od::value value, std::string* out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return false;
  }
  out->assign(text);
  return true;
}

}  // namespace

bool SimdRequestReader::read(std::string_view text, std::size_t readableAfter, Request* out) {
  out->clear();
  if (text.size() > kMaxRequestBytes || !isPlainJsonText(text)) {
    return false;
  }
  const char* data = text.data();
  std::size_t capacity = text.size() + readableAfter;
  if (readableAfter < simdjson::SIMDJSON_PADDING) {
    std::string& padded = state_->padded;
    if (padded.size() < text.size() + simdjson::SIMDJSON_PADDING) {
      padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(padded.data(), text.data(), text.size());
    // What follows the text is blanks, not a longer earlier request's bytes.
    std::memset(padded.data() + text.size(), ' ', simdjson::SIMDJSON_PADDING);
    data = padded.data();
    capacity = padded.size();
  }
  od::document document;
  if (state_->parser.iterate(data, text.size(), capacity).get(document) != simdjson::SUCCESS) {
    return false;
  }
  od::object top;
  if (document.get_object().get(top) != simdjson::SUCCESS) {
    return false;
  }
  bool seenPrincipal = false;
  bool seenAction = false;
  bool seenResource = false;
  bool seenContext = false;
  for (auto fieldResult : top) {
    od::field field;
    if (std::move(fieldResult).get(field) != simdjson::SUCCESS) {
      return false;
    }
    // The key as written: the text has no backslash, so it is the key itself (no unescaping).
    const od::raw_json_string key = field.key();
    bool ok = false;
    if (key.unsafe_is_equal("principal") && !seenPrincipal) {
      seenPrincipal = true;
      ok = readString(field.value(), &out->principal);
    } else if (key.unsafe_is_equal("action") && !seenAction) {
      seenAction = true;
      ok = readString(field.value(), &out->action);
    } else if (key.unsafe_is_equal("resource") && !seenResource) {
      seenResource = true;
      ok = readString(field.value(), &out->resource);
    } else if (key.unsafe_is_equal("context") && !seenContext) {
      seenContext = true;
      ok = readContext(field.value(), out);
    }
    if (!ok) {
      return false;  // another field, a repeated one, or a value of the wrong type
    }
  }
  // Nothing after the object: simdjson 3.0 has no document::at_end(); past the last token,
  // current_location() reports that it is out of bounds.
  const char* trailing = nullptr;
  return document.current_location().get(trailing) != simdjson::SUCCESS && seenAction &&
         isValidAction(out->action);
}

}  // namespace policysim::engine::internal
