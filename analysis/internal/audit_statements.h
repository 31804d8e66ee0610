// The policy statements the MFA audit reads, and the table that copies the ones it names into
// the report (MfaAuditReport::statements): each statement once, numbered in the order it is
// first named, so that findings refer to statements by index.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "analysis/mfa_audit.h"
#include "engine/decision.h"
#include "engine/policy.h"
#include "engine/policy_set.h"

namespace policysim::analysis::internal {

// A statement of the audited documents, with the document that holds it.
struct PolicyStatement {
  const engine::PolicyDocument* document = nullptr;
  engine::PolicyKind kind = engine::PolicyKind::Identity;
  std::size_t policyIndex = 0;  // among the documents of its kind (StatementRef::policyIndex)
  const engine::Statement* statement = nullptr;
};

// Every statement, document by document in evaluation order: identity, resource, boundary,
// SCPs, session.
[[nodiscard]] std::vector<PolicyStatement> allStatements(const engine::PolicySetInput& input);

// The statement to credit for an allow: the first granting statement that is not a session
// policy's (a session policy only filters what the others grant); nullptr when none is named.
[[nodiscard]] const engine::StatementRef* firstGrant(const engine::Decision& decision);

class StatementTable {
  using Key = std::tuple<int, std::size_t, std::size_t>;  // kind, policy index, statement index

  std::vector<AuditStatement>* out_;
  std::map<Key, std::size_t> index_;
  Key lastRef_{-1, 0, 0};  // add(StatementRef) is called per allowed request: most repeat
  std::size_t lastRefIndex_ = 0;
  std::optional<std::size_t> rootUser_;

 public:
  // Appends to *out, which must outlive the table.
  explicit StatementTable(std::vector<AuditStatement>* out) : out_(out) {}

  // The index of the statement in *out, copied there on first use.
  std::size_t add(const PolicyStatement& statement);
  std::size_t add(const engine::StatementRef& ref);
  // The entry credited for what the root user is allowed without any statement.
  std::size_t rootUser();

  [[nodiscard]] const AuditStatement& operator[](std::size_t index) const { return (*out_)[index]; }

 private:
  std::size_t append(const Key& key, AuditStatement statement);
};

}  // namespace policysim::analysis::internal
