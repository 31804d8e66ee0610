// The pitfalls of an MFA audit (docs/mfa-audit.md lists every id): misleading MFA conditions
// checked against the evaluated matrix (semantics §5.3), the force-MFA Deny's NotAction list
// (sensitive exemptions, gaps), lockouts and enrolment takeover (semantics §5.3 pitfalls 4, 7),
// services calling for the user, and the violations no other finding explains, credited to the
// statements that grant them.
#pragma once

#include <cstddef>
#include <vector>

#include "analysis/iam_data.h"
#include "analysis/internal/audit_statements.h"
#include "analysis/internal/mfa_audit_matrix.h"
#include "analysis/internal/mfa_self_service.h"
#include "analysis/mfa_audit.h"
#include "analysis/scenario.h"

namespace policysim::analysis::internal {

struct PitfallInputs {
  const std::vector<PolicyStatement>& statements;
  const ScenarioMatrix& matrix;  // evaluated
  const SelfServiceSet& selfService;
  const IamData& data;         // the MFA bootstrap actions, checked for a lockout
  const PrincipalArn& caller;  // their representative resources
  std::size_t violations = 0;  // actions outside the self-service set reachable without MFA
  bool strict = false;         // MfaAuditOptions::strict: a NotAction gap is an error
};

// Every pitfall, errors first, then warnings, then notes (each group in the order found); the
// statements they name are added to the table.
[[nodiscard]] std::vector<AuditPitfall> findPitfalls(const PitfallInputs& inputs,
                                                     StatementTable* table);

}  // namespace policysim::analysis::internal
