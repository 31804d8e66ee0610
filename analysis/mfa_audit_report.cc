// The MFA audit report as text (analysis/mfa_audit_report.h), and the pieces every form of it
// shares (analysis/internal/mfa_audit_report_parts.h).
#include "analysis/mfa_audit_report.h"

#include <algorithm>
#include <string_view>

#include "analysis/internal/audit_text.h"
#include "analysis/internal/mfa_audit_report_parts.h"

namespace policysim::analysis {
namespace internal {

std::string scenarioName(Scenario scenario) { return std::string(scenarioInfo(scenario).name); }

std::vector<std::size_t> compactColumns(const MfaAuditReport& report) {
  std::vector<std::size_t> out;
  std::vector<Scenario> seen;
  for (std::size_t r = 0; r < report.runs.size(); ++r) {
    const AuditRun& run = report.runs[r];
    if (!run.mfa) {
      out.push_back(r);
    } else if (std::find(seen.begin(), seen.end(), run.scenario) == seen.end()) {
      seen.push_back(run.scenario);
      out.push_back(r);
    }
  }
  return out;
}

std::string policiesText(const MfaAuditReport& report) {
  std::string out;
  for (const AuditedPolicy& policy : report.policies) {
    out += (out.empty() ? "" : ", ") + policy.name;
    switch (policy.kind) {
      case PolicyKind::Identity:
        break;
      case PolicyKind::Boundary:
        out += " (boundary)";
        break;
      case PolicyKind::Scp:
        out += " (SCP)";
        break;
      case PolicyKind::Resource:
        out += " (resource policy)";
        break;
      case PolicyKind::Session:
        out += " (session policy)";
        break;
    }
  }
  return out;
}

std::string agesText(const MfaAuditReport& report) {
  std::string out;
  for (std::size_t i = 0; i < report.mfaAges.size(); ++i) {
    out += (i == 0 ? "" : ", ") + thousands(report.mfaAges[i]);
  }
  out += " s";
  if (report.thresholds.empty()) {
    out += " (no aws:MultiFactorAuthAge threshold in the policies)";
  } else {
    out += " (thresholds in the policies:";
    for (const auto& t : report.thresholds) {
      out += ' ';  // (appended, not " " + ...: GCC 12 misreports -Wrestrict on that)
      out += seconds(t.seconds);
    }
    out += ")";
  }
  return out;
}

std::string dataText(const MfaAuditReport& report, const IamData& data) {
  return data.describe() + ": " + thousands(data.allActions().size()) + " actions of " +
         thousands(data.services().size()) + " services, " + thousands(report.actionsAudited) +
         " audited";
}

std::string riskTitle(MfaRisk risk) {
  switch (risk) {
    case MfaRisk::Credentials:
      return "credentials and MFA devices";
    case MfaRisk::Privilege:
      return "privilege changes";
    case MfaRisk::Other:
      return "other actions";
  }
  return "other actions";
}

std::string violationScenarios(const MfaAuditReport& report, const AuditViolation& violation) {
  std::string out;
  for (const std::size_t r : violation.runs) {
    out += (out.empty() ? "" : ", ") + scenarioName(report.runs[r].scenario);
  }
  return out;
}

}  // namespace internal

namespace {

using internal::compactColumns;
using internal::scenarioName;
using internal::thousands;

constexpr std::size_t kTextActionsPerService = 10;  // actions listed per service
constexpr std::size_t kTextLostPerLimit = 10;       // actions listed per age limit
constexpr std::size_t kTextMatrixServices = 15;     // matrix rows

// Reachable-without-MFA runs whose lists are identical are shown together.
std::vector<std::vector<std::size_t>> groupReachable(const MfaAuditReport& report) {
  std::vector<std::vector<std::size_t>> groups;
  auto same = [](const AuditReachable& a, const AuditReachable& b) {
    if (a.actions.size() != b.actions.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.actions.size(); ++i) {
      if (a.actions[i].action != b.actions[i].action ||
          a.actions[i].resource != b.actions[i].resource ||
          a.actions[i].statement != b.actions[i].statement) {
        return false;
      }
    }
    return true;
  };
  for (std::size_t i = 0; i < report.reachableWithoutMfa.size(); ++i) {
    bool placed = false;
    for (auto& group : groups) {
      if (same(report.reachableWithoutMfa[group.front()], report.reachableWithoutMfa[i])) {
        group.push_back(i);
        placed = true;
        break;
      }
    }
    if (!placed) {
      groups.push_back({i});
    }
  }
  return groups;
}

void appendHeader(const MfaAuditReport& report, const IamData& data, std::string* out) {
  *out += "MFA audit of " + internal::policiesText(report) + "\n";
  *out += "  principal:  " + report.principal;
  if (!report.rolePrincipal.empty()) {
    *out += " (role scenarios as " + report.rolePrincipal + ")";
  }
  *out += "\n  time:       " + formatTimestamp(report.now) + "\n";
  *out += "  IAM data:   " + internal::dataText(report, data) + "\n";
  *out += "  AssumeRole: " + report.assumeRoleReading + "\n";
  *out += "  MFA ages:   " + internal::agesText(report) + "\n";
  *out += "  resources:  a representative ARN per action";
  if (report.policyResources > 0) {
    *out += ", and the " + thousands(report.policyResources) +
            " resource ARNs named in the policies where they fit";
  }
  *out += " (docs/mfa-audit.md)\n";
  *out += "  evaluated:  " + thousands(report.runs.size()) + " credential situations, " +
          thousands(report.evaluations) + " decisions\n\n";
  *out += "verdict: " + report.verdict.summary + "\n\n";
}

// The violations by risk, and what the caller accepted.
void appendVerdictDetail(const MfaAuditReport& report, std::string* out) {
  const AuditVerdict& verdict = report.verdict;
  if (!verdict.actionsWithoutMfa.empty()) {
    *out += "not enforced for (reachable without MFA, outside the self-service set), by risk:\n";
    std::size_t i = 0;
    const auto& list = verdict.actionsWithoutMfa;
    while (i < list.size()) {
      const MfaRisk risk = list[i].risk;
      std::size_t end = i;
      while (end < list.size() && list[end].risk == risk) {
        ++end;
      }
      *out += "  " + internal::riskTitle(risk) + " (" + thousands(end - i) + ")\n";
      for (std::size_t k = i; k < end && k < i + kTextActionsPerService; ++k) {
        const AuditViolation& v = list[k];
        *out += "    ! " + std::string(v.action->fullName) + "  (" +
                internal::violationScenarios(report, v) + ")  on " + v.resource + "  by " +
                report.statements[v.statement].label() + "\n";
      }
      if (end - i > kTextActionsPerService) {
        *out += "    ... and " + thousands(end - i - kTextActionsPerService) +
                " more (--format json or html lists all)\n";
      }
      i = end;
    }
    *out += "\n";
  }
  if (!verdict.accepted.empty()) {
    *out += "accepted without MFA (--accept-without-mfa):\n";
    for (const AuditAccepted& a : verdict.accepted) {
      *out += "  " + a.pattern + ": ";
      if (a.actions.empty()) {
        *out += "nothing reachable without MFA\n";
        continue;
      }
      for (std::size_t k = 0; k < a.actions.size() && k < kTextActionsPerService; ++k) {
        *out += (k == 0 ? "" : ", ") + a.actions[k];
      }
      if (a.actions.size() > kTextActionsPerService) {
        *out += " and " + thousands(a.actions.size() - kTextActionsPerService) + " more";
      }
      *out += "\n";
    }
    *out += "\n";
  }
}

void appendReachable(const MfaAuditReport& report, std::string* out) {
  std::size_t totalReachable = 0;
  for (const auto& r : report.reachableWithoutMfa) {
    totalReachable += r.actions.size();
  }
  *out += "reachable without MFA";
  if (totalReachable == 0) {
    *out += ": nothing\n\n";
    return;
  }
  *out += " (+ self-service, ! outside the self-service set):\n";
  for (const auto& group : groupReachable(report)) {
    const AuditReachable& first = report.reachableWithoutMfa[group.front()];
    std::string names;
    for (const std::size_t g : group) {
      names += (names.empty() ? "" : ", ") +
               scenarioName(report.runs[report.reachableWithoutMfa[g].run].scenario);
    }
    const std::size_t outside = report.runs[first.run].outsideSelfService;
    *out += "  " + names + ": " + thousands(first.actions.size()) + " actions";
    if (!first.actions.empty()) {
      *out += outside == 0 ? ", all self-service" : ", " + thousands(outside) + " outside the set";
    }
    *out += "\n";
    std::size_t i = 0;
    while (i < first.actions.size()) {
      const std::string_view service = first.actions[i].action->service->prefix;
      std::size_t end = i;
      while (end < first.actions.size() && first.actions[end].action->service->prefix == service) {
        ++end;
      }
      *out += "    " + std::string(service) + " (" + thousands(end - i) + ")\n";
      for (std::size_t k = i; k < end && k < i + kTextActionsPerService; ++k) {
        const AuditAllowedAction& a = first.actions[k];
        *out += std::string("      ") + (a.selfService ? "+ " : "! ") +
                std::string(a.action->fullName) + "  on " + a.resource + "  by " +
                report.statements[a.statement].label() + "\n";
      }
      if (end - i > kTextActionsPerService) {
        *out += "      ... and " + thousands(end - i - kTextActionsPerService) +
                " more (--format json or html lists all)\n";
      }
      i = end;
    }
  }
  *out += "\n";
}

void appendAgeLimits(const MfaAuditReport& report, std::string* out) {
  *out += "MFA age limits";
  if (report.ageLimits.empty()) {
    *out +=
        ": none (nothing allowed with fresh MFA stops being allowed at the older ages "
        "tried)\n\n";
    return;
  }
  *out += ":\n";
  for (const AuditAgeLimit& limit : report.ageLimits) {
    *out += "  " + limit.message + "\n";
    for (std::size_t k = 0; k < limit.actions.size() && k < kTextLostPerLimit; ++k) {
      const auto& lost = limit.actions[k];
      *out += "    " + std::string(lost.action->fullName) + "  on " + lost.resource +
              "  allowed by " + report.statements[lost.allowedBy].label() + "; then " +
              (lost.deniedBy ? "denied by " + report.statements[*lost.deniedBy].label()
                             : std::string("no Allow applies")) +
              "\n";
    }
    if (limit.actions.size() > kTextLostPerLimit) {
      *out += "    ... and " + thousands(limit.actions.size() - kTextLostPerLimit) + " more\n";
    }
  }
  *out += "\n";
}

void appendPitfallsAndNotes(const MfaAuditReport& report, std::string* out) {
  if (report.pitfalls.empty()) {
    *out += "pitfalls: none found\n\n";
  } else {
    *out += "pitfalls (" + thousands(report.pitfalls.size()) + "):\n";
    for (const AuditPitfall& p : report.pitfalls) {
      *out += "  [" + p.severity + "] " + p.id + ": " + p.title + "\n";
      *out += "    " + p.explanation + "\n";
      *out += "    fix: " + p.fix + "\n";
      if (!p.actions.empty()) {
        *out += "    actions:";
        for (std::size_t k = 0; k < p.actions.size(); ++k) {
          *out += (k == 0 ? " " : ", ") + p.actions[k];
        }
        *out += "\n";
      }
    }
    *out += "\n";
  }
  if (!report.notes.empty()) {
    *out += "notes:\n";
    for (const std::string& note : report.notes) {
      *out += "  - " + note + "\n";
    }
    *out += "\n";
  }
}

std::string pad(const std::string& text, std::size_t width, bool right) {
  const std::string fill(width > text.size() ? width - text.size() : 0, ' ');
  return right ? fill + text : text + fill;
}

// The busiest services first, cut at kTextMatrixServices rows; the total row last.
void appendMatrix(const MfaAuditReport& report, std::string* out) {
  const std::vector<std::size_t> columns = compactColumns(report);
  std::vector<const AuditMatrixRow*> rows;
  for (const auto& row : report.matrix) {
    rows.push_back(&row);
  }
  auto rowTotal = [&](const AuditMatrixRow* row) {
    std::size_t sum = 0;
    for (const std::size_t c : columns) {
      sum += row->counts[c];
    }
    return sum;
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const auto* a, const auto* b) { return rowTotal(a) > rowTotal(b); });
  const std::size_t shown = std::min(rows.size(), kTextMatrixServices);
  std::string mfaAge;
  for (const std::size_t c : columns) {
    if (report.runs[c].mfaAge) {
      mfaAge = internal::seconds(*report.runs[c].mfaAge);
      break;
    }
  }
  *out += "matrix: allowed actions per service and scenario";
  *out += rows.size() > shown ? " (top " + thousands(shown) + " of " + thousands(rows.size()) +
                                    " services; all of them: --format html or json)"
                              : "";
  if (!mfaAge.empty()) {
    *out += "; MFA scenarios with MFA " + mfaAge + " old";
  }
  *out += "\n";
  std::size_t nameWidth = 7;
  for (std::size_t k = 0; k < shown; ++k) {
    nameWidth = std::max(nameWidth, rows[k]->service.size());
  }
  std::vector<std::size_t> widths;
  for (const std::size_t c : columns) {
    widths.push_back(std::max<std::size_t>(scenarioName(report.runs[c].scenario).size(), 6));
  }
  *out += pad("service", nameWidth, false);
  for (std::size_t k = 0; k < columns.size(); ++k) {
    *out += "  " + pad(scenarioName(report.runs[columns[k]].scenario), widths[k], true);
  }
  *out += "\n";
  for (std::size_t r = 0; r < shown; ++r) {
    *out += pad(rows[r]->service, nameWidth, false);
    for (std::size_t k = 0; k < columns.size(); ++k) {
      *out += "  " + pad(thousands(rows[r]->counts[columns[k]]), widths[k], true);
    }
    *out += "\n";
  }
  if (rows.size() > shown) {
    *out += pad("(" + thousands(rows.size() - shown) + " more)", nameWidth, false) + "\n";
  }
  *out += pad("total", nameWidth, false);
  for (std::size_t k = 0; k < columns.size(); ++k) {
    *out += "  " + pad(thousands(report.totals[columns[k]]), widths[k], true);
  }
  *out += "\n";
}

}  // namespace

std::string formatMfaAuditText(const MfaAuditReport& report, const IamData& data) {
  std::string out;
  appendHeader(report, data, &out);
  appendVerdictDetail(report, &out);
  appendReachable(report, &out);
  appendAgeLimits(report, &out);
  appendPitfallsAndNotes(report, &out);
  appendMatrix(report, &out);
  return out;
}

}  // namespace policysim::analysis
