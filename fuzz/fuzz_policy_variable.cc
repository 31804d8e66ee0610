// Fuzzes grammar::parsePolicyTemplate. Properties: never crashes; on success the parts rebuild
// the input exactly (Text as is, Escaped as "${c}", Variable as "${key}" or
// "${key, 'default'}"), Text parts hold no "${" and are never adjacent, Escaped is one of * ? $,
// keys are non-empty without whitespace; text without "${" is at most one Text part; on failure
// the offset points at a "${" inside the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_common.h"
#include "grammar/policy_variable.h"

using policysim::fuzz::printable;
using policysim::grammar::TemplatePart;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = policysim::fuzz::asView(data, size);
  const bool mayHave = policysim::grammar::mayContainVariables(text);
  const auto result = policysim::grammar::parsePolicyTemplate(text);
  if (!result.ok()) {
    FUZZ_CHECK(mayHave, "'%s' has no \"${\" but failed", printable(text).c_str());
    FUZZ_CHECK(
        result.errorOffset() + 2 <= text.size() && text.substr(result.errorOffset(), 2) == "${",
        "'%s': error offset %zu is not at a \"${\"", printable(text).c_str(), result.errorOffset());
    FUZZ_CHECK(!result.expected().empty(), "empty expectation");
    return 0;
  }
  const auto& parts = result.value();
  if (!mayHave) {
    FUZZ_CHECK(parts.size() == (text.empty() ? 0U : 1U), "'%s': %zu parts without variables",
               printable(text).c_str(), parts.size());
  }
  std::string rebuilt;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const TemplatePart& part = parts[i];
    switch (part.kind) {
      case TemplatePart::Kind::Text:
        FUZZ_CHECK(!part.text.empty(), "empty Text part");
        FUZZ_CHECK(i == 0 || parts[i - 1].kind != TemplatePart::Kind::Text, "adjacent Text parts");
        FUZZ_CHECK(!part.defaultValue, "Text part with a default");
        rebuilt += part.text;
        break;
      case TemplatePart::Kind::Escaped:
        FUZZ_CHECK(part.text == "*" || part.text == "?" || part.text == "$", "escape '%s'",
                   printable(part.text).c_str());
        rebuilt += "${" + part.text + "}";
        break;
      case TemplatePart::Kind::Variable:
        FUZZ_CHECK(!part.text.empty(), "empty variable name");
        FUZZ_CHECK(part.text.find_first_of(" \t\n\r\f\v}${',") == std::string::npos,
                   "variable name '%s' holds a forbidden character", printable(part.text).c_str());
        rebuilt += "${" + part.text;
        if (part.defaultValue) {
          FUZZ_CHECK(part.defaultValue->find('\'') == std::string::npos, "quote in default");
          rebuilt += ", '" + *part.defaultValue + "'";
        }
        rebuilt += "}";
        break;
    }
  }
  FUZZ_CHECK(rebuilt == text, "'%s' rebuilt as '%s'", printable(text).c_str(),
             printable(rebuilt).c_str());
  // Text parts are split at "${" only, so they can never hold one... except when a Text part
  // ends with '$' and the next part starts with '{' -- which the grammar cannot produce.
  for (const TemplatePart& part : parts) {
    if (part.kind == TemplatePart::Kind::Text) {
      FUZZ_CHECK(part.text.find("${") == std::string::npos, "\"${\" inside Text '%s'",
                 printable(part.text).c_str());
    }
  }
  return 0;
}
