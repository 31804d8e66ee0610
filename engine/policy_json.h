// JSON text -> PolicyDocument, validated against IAM's policy grammar for the given kind.
// Errors name file, line and column; warnings are kept in PolicyDocument::warnings.
#pragma once

#include <functional>
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

// Receives each statement as soon as it is read and validated, with the policy's number of
// statements. The statement is the reader's scratch storage: move from it or copy it.
using StatementSink = std::function<void(Statement& statement, std::size_t statementCount)>;

// The same reading one statement at a time, for consumers that keep no PolicyDocument (the
// compiler): *header comes with its name and kind set, and gets the version, id and warnings;
// its statements stay empty and go to sink instead. Header fields are final before the first
// statement reaches the sink, except warnings (final when this returns).
[[nodiscard]] Status readPolicy(std::string_view text, const PolicyParseOptions& options,
                                PolicyDocument* header, const StatementSink& sink);
// The same for a std::string, whose terminating NUL lets the JSON parser run faster.
[[nodiscard]] Status readPolicy(const std::string& text, const PolicyParseOptions& options,
                                PolicyDocument* header, const StatementSink& sink);

}  // namespace policysim::engine
