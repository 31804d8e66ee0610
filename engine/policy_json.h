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
  // PolicySet::compile reads and compiles a policy text of at least this many bytes in two
  // parts on two threads (when the machine has more than one core and the text has the usual
  // shape); SIZE_MAX: always on the calling thread. Results are the same either way.
  std::size_t secondThreadMinBytes = std::size_t{2} << 20U;
  // Runs first on that second thread, with the policy text's size: where a program that tunes
  // its allocator prepares the thread's heap.
  std::function<void(std::size_t policyBytes)> onSecondThread;
  // Has the second part's work run on a thread the caller already has, instead of a new one:
  // called with the work, it must run it once on another thread, and may return before it has
  // (compile waits for it to end). That thread must not be the one compiling, nor wait for it
  // (the work waits for the first part's). If it throws, the work must not run (the policy is
  // then compiled in one pass). The CLI's thread prepares its memory while the policy file is read
  // (cli/policy_loading.cc). Empty: compile starts a thread of its own.
  std::function<void(std::function<void()> work)> secondThread;
};

// Parses one policy document. `name` labels messages (usually the file path).
// Rejects what AWS rejects: bad JSON, duplicate keys, unknown elements, missing or invalid
// Effect/Action/Resource/Statement, both X and NotX, Principal where the kind forbids it,
// NotPrincipal with Allow, unknown condition operators, malformed policy variables.
[[nodiscard]] Result<PolicyDocument> parsePolicyDocument(std::string_view text, std::string name,
                                                         PolicyKind kind,
                                                         const PolicyParseOptions& options = {});

// Receives each statement as soon as it is read and validated. The statement is the reader's
// scratch storage: move from it or copy it. expectedCount: the policy's number of statements,
// or an estimate while the text is still being read (statements are read during JSON parsing
// when Version precedes them); meant for reserving storage.
using StatementSink = std::function<void(Statement& statement, std::size_t expectedCount)>;

// How one part of a large policy compiled in two (compileInParts) is read where it stands in the
// policy's text; by default, the text is read whole. Positions always refer to the text.
struct PolicyTextPart {
  // The text stops just after one of the root's statements: it reads as the policy of the
  // statements up to there (and does not read when it stops anywhere else).
  bool endsAfterStatement = false;
  // Bytes [skipFrom, skipTo) are left out, from where a token starts: the first part's
  // statements, so that the root's elements before them and the statements after are read.
  std::size_t skipFrom = 0;
  std::size_t skipTo = 0;
};

// The same reading one statement at a time, for consumers that keep no PolicyDocument (the
// compiler): *header comes with its name and kind set, and gets the version, id and warnings;
// its statements stay empty and go to sink instead. The version is set before the first
// statement reaches the sink; id and warnings are final when this returns. When this fails,
// statements the sink already received belong to the invalid policy: discard them.
[[nodiscard]] Status readPolicy(std::string_view text, const PolicyParseOptions& options,
                                PolicyDocument* header, const StatementSink& sink,
                                const PolicyTextPart& part = {});

}  // namespace policysim::engine
