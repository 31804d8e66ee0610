// JSON text -> PolicyDocument, validated against IAM's policy grammar for the given kind.
// Errors name file, line and column; warnings are kept in PolicyDocument::warnings.
#pragma once

#include <string>
#include <string_view>

#include "engine/policy.h"
#include "engine/status.h"

namespace policysim::engine {

struct PolicyParseOptions {
  std::size_t maxBytes = std::size_t{256} << 20U;  // per document
};

// Parses one policy document. `name` labels messages (usually the file path).
// Rejects what AWS rejects: bad JSON, duplicate keys, unknown elements, missing or invalid
// Effect/Action/Resource/Statement, both X and NotX, Principal where the kind forbids it,
// NotPrincipal with Allow, unknown condition operators, malformed policy variables.
[[nodiscard]] Result<PolicyDocument> parsePolicyDocument(std::string_view text, std::string name,
                                                         PolicyKind kind,
                                                         const PolicyParseOptions& options = {});

}  // namespace policysim::engine
