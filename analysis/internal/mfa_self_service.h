// The self-service set of an MFA audit: the actions the policies mean to leave usable without
// MFA. It is the NotAction list of the force-MFA Deny statements (Deny + NotAction + an MFA
// condition) or, when the policies have none, the MFA bootstrap actions (mfaBootstrapActions()).
// The verdict counts the actions reachable without MFA outside this set.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "analysis/internal/audit_statements.h"
#include "grammar/wildcard.h"

namespace policysim::analysis::internal {

struct SelfServiceSet {
  std::vector<PolicyStatement> guards;          // the force-MFA Deny statements
  std::vector<std::size_t> guardStatements;     // the same, as StatementTable indices
  std::vector<std::string> patterns;            // as written (first spelling of each), in order
  std::vector<grammar::WildcardPattern> globs;  // the same, lower case
  std::vector<char> selfService;                // per action: covered by a pattern
  std::vector<char> selfManagement;             // per action: in selfManagementActions()

  // The patterns come from force-MFA Deny statements ("notaction"), not the bootstrap list.
  [[nodiscard]] bool declared() const { return !guards.empty(); }
  // Some pattern covers the action (ASCII case-insensitive).
  [[nodiscard]] bool covers(std::string_view action) const;
  // The first pattern that covers the action, in NotAction order.
  [[nodiscard]] std::optional<std::size_t> firstPatternCovering(std::string_view action) const;
};

// Finds the guards among `statements` (adding them to the table) and classifies every action.
[[nodiscard]] SelfServiceSet findSelfServiceSet(const std::vector<PolicyStatement>& statements,
                                                std::span<const ActionInfo* const> actions,
                                                StatementTable* table);

}  // namespace policysim::analysis::internal
