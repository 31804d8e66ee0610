// ARN grammar: arn:partition:service:region:account-id:resource.
// The resource field is everything after the fifth colon and may itself hold ':' and '/'.
#pragma once

#include <array>
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

// The fields of an ARN split at its first five colons, without validation: the fast split the
// evaluator runs on every request's resource and principal, and every other layer's. isArn is
// true when the text starts with "arn:", has five colons and a partition and service; the
// fields are then "arn", partition, service, region, account and resource (views into text).
struct ArnFields {
  bool isArn = false;
  std::array<std::string_view, 6> fields;
};
[[nodiscard]] ArnFields splitArn(std::string_view text);
// The same into *out, every field written (for reused buffers on the evaluation hot path,
// where zeroing a fresh ArnFields first costs as much as the split).
void splitArn(std::string_view text, ArnFields* out);

}  // namespace policysim::grammar
