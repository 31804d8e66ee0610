// MFA age limits: the actions an MFA scenario allows with fresh MFA but no longer once MFA is
// older (an aws:MultiFactorAuthAge threshold), compared with how long the sessions of that
// scenario last (semantics §5.2): a limit shorter than a default session forces users to get
// new MFA credentials while theirs are still valid.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "analysis/internal/audit_statements.h"
#include "analysis/internal/mfa_audit_matrix.h"
#include "analysis/mfa_audit.h"

namespace policysim::analysis::internal {

struct AgeLimitFindings {
  std::vector<AuditAgeLimit> limits;  // per MFA scenario, by the first age denied
  std::vector<std::string> notes;     // thresholds no session of a kind can reach
};

// Reads the ladder of runs of each MFA scenario of `caller` in the evaluated matrix; the
// statements that allowed and then denied are added to the table.
[[nodiscard]] AgeLimitFindings findAgeLimits(const ScenarioMatrix& matrix,
                                             const AuditCaller& caller,
                                             std::span<const MfaAuditReport::Threshold> thresholds,
                                             StatementTable* table);

}  // namespace policysim::analysis::internal
