// Helpers shared by the compiler and the evaluator (engine/internal/compiled.h).
#include "engine/internal/compiled.h"

#include <string>
#include <string_view>

namespace policysim::engine::internal {

using grammar::OperatorFamily;
using grammar::OperatorKind;

std::string operatorText(const grammar::ConditionOperator& op) {
  std::string out;
  if (op.qualifier == grammar::SetQualifier::ForAllValues) {
    out = "ForAllValues:";
  } else if (op.qualifier == grammar::SetQualifier::ForAnyValue) {
    out = "ForAnyValue:";
  }
  out += grammar::operatorName(op.kind);
  if (op.ifExists) {
    out += "IfExists";
  }
  return out;
}

const CompiledStatement::Rare CompiledStatement::kNone;

bool decodeBase64(std::string_view text, std::string* out) {
  out->clear();
  // Padded base64 only (RFC 4648 section 4): unpadded text is an invalid value that must fail
  // closed (semantics section 3.5), not a lenient match.
  if (text.size() % 4 != 0) {
    return false;
  }
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else if (c == '=') {
      ++padding;
      continue;
    } else {
      return false;
    }
    if (padding != 0) {
      return false;  // data after padding
    }
    buffer = (buffer << 6U) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  return padding <= 2 && bits < 6;
}

}  // namespace policysim::engine::internal
