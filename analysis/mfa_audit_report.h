// Renders an MFA audit report (analysis/mfa_audit.h) for people and tools, as
// engine/decision_format.h renders decisions: readable text ending with a services x scenarios
// matrix, one JSON document (formatVersion 1) and one self-contained HTML page.
// docs/mfa-audit.md describes every section and field. The IamData is the one the report was
// made from (the report points into it); its version is printed with the results.
#pragma once

#include <string>

#include "analysis/iam_data.h"
#include "analysis/mfa_audit.h"

namespace policysim::analysis {

// Text for a terminal; long lists are cut (the JSON and HTML forms list everything).
[[nodiscard]] std::string formatMfaAuditText(const MfaAuditReport& report, const IamData& data);
// One JSON document on one line, newline-terminated.
[[nodiscard]] std::string formatMfaAuditJson(const MfaAuditReport& report, const IamData& data);
// One HTML page with its style inline: no script and no external asset.
[[nodiscard]] std::string formatMfaAuditHtml(const MfaAuditReport& report, const IamData& data);

}  // namespace policysim::analysis
