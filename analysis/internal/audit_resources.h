// The resources the MFA audit tries for each action: the representative ARN of the action's
// resource type (representativeResource(), analysis/mfa_audit.h), and the resource ARNs the
// policies name where they fit the action's ARN formats, so that a grant limited to one bucket
// is found although the representative bucket misses it. docs/mfa-audit.md explains the rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/iam_data.h"
#include "analysis/internal/audit_statements.h"
#include "analysis/mfa_audit.h"
#include "analysis/scenario.h"

namespace policysim::analysis::internal {

// The resources tried per action, in one flat array (CSR layout: 22,000 actions, 1-8 each).
struct Candidates {
  std::vector<std::string> resources;
  std::vector<std::uint32_t> start;  // actions + 1 entries
  std::size_t policyResources = 0;   // resource ARNs named in the policies

  [[nodiscard]] std::size_t count(std::size_t action) const {
    return start[action + 1] - start[action];
  }
  [[nodiscard]] const std::string& at(std::size_t action, std::size_t j) const {
    return resources[start[action] + j];
  }
};

// For each action (by index in `actions`): the representative resource first, then at most 7
// policy resources. Policy variables the audit can resolve for `principal` are substituted.
[[nodiscard]] Candidates buildCandidates(std::span<const ActionInfo* const> actions,
                                         const std::vector<PolicyStatement>& statements,
                                         const PrincipalArn& principal);

}  // namespace policysim::analysis::internal
