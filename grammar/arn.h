// ARN grammar: arn:partition:service:region:account-id:resource.
// The resource field is everything after the fifth colon and may itself hold ':' and '/'.
#pragma once

#include <string_view>

#include "grammar/parse_result.h"

namespace policysim::grammar {

// The six fields of an ARN, as views into the parsed text (they live as long as that text).
struct Arn {
  std::string_view partition;
  std::string_view service;
  std::string_view region;
  std::string_view account;
  std::string_view resource;
};

// Parses a concrete ARN. Requires the literal prefix "arn:", a non-empty partition and
// service, and at least five colons; region and account may be empty; resource may be empty
// only when the fifth colon is present. Wildcards are accepted as ordinary characters.
[[nodiscard]] ParseResult<Arn> parseArn(std::string_view text);

}  // namespace policysim::grammar
