// Policy-variable grammar for Version 2012-10-17 text: "home/${aws:username}/*",
// "${aws:PrincipalTag/team, 'default'}", and the escapes ${*} ${?} ${$}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/parse_result.h"

namespace policysim::grammar {

struct TemplatePart {
  enum class Kind {
    Text,      // text as written; '*' and '?' keep their wildcard meaning where the element has one
    Escaped,   // a literal character from ${*}, ${?} or ${$}: never a wildcard
    Variable,  // ${key} or ${key, 'default'}
  };
  Kind kind = Kind::Text;
  // Text: the text; Escaped: the one character; Variable: the key name as written.
  std::string text;
  // Variable only: the default value, when one is written.
  std::optional<std::string> defaultValue;
};

// Splits text into parts. Text without "${" is a single Text part (or none for "").
// Errors (offset of the offending "${"): missing '}', empty "${}", whitespace inside the key,
// a default without the ", '" ... "'" form or with a missing quote.
// A '$' not followed by '{' is ordinary text.
[[nodiscard]] ParseResult<std::vector<TemplatePart>> parsePolicyTemplate(std::string_view text);

// True when text contains "${" (cheap pre-check before parsePolicyTemplate).
[[nodiscard]] bool mayContainVariables(std::string_view text);

}  // namespace policysim::grammar
