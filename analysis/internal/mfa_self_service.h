// The self-service set of an MFA audit (semantics §5.3a): what may be done without MFA. It is
// fixed (mfaSelfServiceActions()), never read from the policy under audit, plus the patterns the
// caller accepts. The user-scoped actions of the set count only on the caller's own user
// (iam:EnableMFADevice on another user without MFA is a violation). The force-MFA guards and
// their NotAction entries are kept for the pitfalls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "analysis/internal/audit_resources.h"
#include "analysis/internal/audit_statements.h"
#include "analysis/internal/mfa_audit_matrix.h"
#include "engine/status.h"
#include "grammar/wildcard.h"

namespace policysim::analysis::internal {

struct SelfServiceSet {
  // Deny statements with an MFA condition that apply broadly (NotAction, or Action "*").
  std::vector<PolicyStatement> guards;
  std::vector<std::size_t> guardStatements;  // the same, as StatementTable indices
  // The NotAction entries of the guards (first spelling of each), in order, and as globs.
  std::vector<std::string> exemptions;
  std::vector<grammar::WildcardPattern> exemptionGlobs;
  // The accepted patterns as given, and as globs (lower case).
  std::vector<std::string> accepted;
  std::vector<grammar::WildcardPattern> acceptedGlobs;
  std::vector<char> fixed;               // per action: in mfaSelfServiceActions()
  std::vector<std::int32_t> acceptedBy;  // per action: first accepted pattern covering it, -1
  // Per action: the candidate resources (bit j) that name an IAM user other than the caller.
  std::vector<std::uint16_t> otherUsers;

  [[nodiscard]] bool declared() const { return !guards.empty(); }
  // Self-service as allowed in `run`: accepted, or in the fixed set and allowed on none of
  // another user's resources.
  [[nodiscard]] bool selfService(const MatrixRun& run, std::size_t action) const {
    return acceptedBy[action] >= 0 ||
           (fixed[action] != 0 && (run.allowedResources[action] & otherUsers[action]) == 0);
  }
  // Some guard's NotAction entry covers the action (ASCII case-insensitive).
  [[nodiscard]] bool exempted(std::string_view action) const;
  // The first NotAction entry that covers the action.
  [[nodiscard]] std::optional<std::size_t> firstExemptionCovering(std::string_view action) const;
};

// Finds the guards among `statements` (adding them to the table) and classifies every action.
// Fails (InvalidArgument) on an accepted pattern that is not an action pattern or matches no
// action of the data.
[[nodiscard]] engine::Result<SelfServiceSet> findSelfServiceSet(
    const std::vector<PolicyStatement>& statements, std::span<const ActionInfo* const> actions,
    const std::vector<std::string>& accepted, StatementTable* table);

// Marks the candidates that name another IAM user than `caller` (SelfServiceSet::otherUsers).
void markOtherUsers(const Candidates& candidates, std::span<const ActionInfo* const> actions,
                    const PrincipalArn& caller, SelfServiceSet* set);

}  // namespace policysim::analysis::internal
