// MFA audit (analysis/mfa_audit.h). Grounded in ../shared/docs/iam-semantics.md §4.9 (calls the
// credentials cannot make), §5.1 (which requests carry the MFA keys), §5.2 (session durations
// vs MFA age) and §5.3 (force-MFA truth table and pitfalls); docs/mfa-audit.md has the report.
//
// runMfaAudit() puts the units of analysis/internal/ together: the self-service set
// (mfa_self_service.h), the scenario matrix (mfa_audit_matrix.h), the age limits
// (mfa_age_limits.h) and the pitfalls (mfa_pitfalls.h); this file reads the verdict from them.
// Statements enter the report's table in the order the steps name them, so the steps run in a
// fixed order. The other public functions of analysis/mfa_audit.h live with what they serve:
// representativeResource() in audit_resources.cc, mfaAgeThresholds() in mfa_conditions.cc,
// mfaBootstrapActions() and selfManagementActions() in mfa_self_service.cc.
#include "analysis/mfa_audit.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

#include "analysis/internal/audit_statements.h"
#include "analysis/internal/audit_text.h"
#include "analysis/internal/mfa_age_limits.h"
#include "analysis/internal/mfa_audit_matrix.h"
#include "analysis/internal/mfa_conditions.h"
#include "analysis/internal/mfa_pitfalls.h"
#include "analysis/internal/mfa_self_service.h"
#include "engine/policy.h"

namespace policysim::analysis {
namespace {

using engine::PolicyDocument;
using engine::Status;
using internal::MatrixRun;
using internal::ScenarioMatrix;
using internal::SelfServiceSet;
using internal::StatementTable;

// The documents in the order people list them: identity, boundary, SCPs, resource, session.
std::vector<AuditedPolicy> auditedPolicies(const PolicySetInput& input) {
  std::vector<AuditedPolicy> out;
  for (const PolicyDocument& doc : input.identity) {
    out.push_back({doc.name, PolicyKind::Identity});
  }
  if (input.boundary) {
    out.push_back({input.boundary->name, PolicyKind::Boundary});
  }
  for (const PolicyDocument& doc : input.scps) {
    out.push_back({doc.name, PolicyKind::Scp});
  }
  if (input.resource) {
    out.push_back({input.resource->name, PolicyKind::Resource});
  }
  if (input.session) {
    out.push_back({input.session->name, PolicyKind::Session});
  }
  return out;
}

// The MFA ages to try: as asked, else around the thresholds; sorted, without duplicates.
Result<std::vector<std::int64_t>> agesToTry(const MfaAuditOptions& options,
                                            const std::vector<MfaAuditReport::Threshold>& found) {
  std::vector<std::int64_t> thresholds;
  for (const auto& t : found) {
    thresholds.push_back(t.seconds);
  }
  std::vector<std::int64_t> ages =
      options.mfaAges.empty() ? auditMfaAges(thresholds) : options.mfaAges;
  std::sort(ages.begin(), ages.end());
  ages.erase(std::unique(ages.begin(), ages.end()), ages.end());
  if (!ages.empty() && ages.front() < 0) {
    return Status::invalidArgument("mfa-audit: MFA ages cannot be negative");
  }
  return ages;
}

// What each run without MFA reaches, with the statement credited for each action.
std::vector<AuditReachable> reachableWithoutMfa(const ScenarioMatrix& matrix,
                                                const SelfServiceSet& selfService,
                                                StatementTable* table) {
  std::vector<AuditReachable> out;
  for (std::size_t r = 0; r < matrix.runs.size(); ++r) {
    const MatrixRun& run = matrix.runs[r];
    if (run.info.mfa) {
      continue;
    }
    AuditReachable reachable;
    reachable.run = r;
    for (std::size_t i = 0; i < matrix.actions.size(); ++i) {
      if (!run.allows(i)) {
        continue;
      }
      AuditAllowedAction a;
      a.action = matrix.actions[i];
      a.resource = matrix.candidates.at(i, run.firstAllowed(i));
      a.statement = internal::creditedStatement(run, i, table);
      a.selfService = selfService.selfService[i] != 0;
      a.selfManagement = selfService.selfManagement[i] != 0;
      reachable.actions.push_back(std::move(a));
    }
    out.push_back(std::move(reachable));
  }
  return out;
}

// Distinct actions outside the self-service set that some run without MFA reaches.
std::size_t countViolations(const ScenarioMatrix& matrix, const SelfServiceSet& selfService) {
  std::size_t violations = 0;
  for (std::size_t i = 0; i < matrix.actions.size(); ++i) {
    if (!selfService.selfService[i] &&
        std::any_of(matrix.runs.begin(), matrix.runs.end(),
                    [&](const MatrixRun& run) { return !run.info.mfa && run.allows(i); })) {
      ++violations;
    }
  }
  return violations;
}

// Per run: the allowed actions outside the self-service set.
void countOutsideSelfService(const SelfServiceSet& selfService, ScenarioMatrix* matrix) {
  for (MatrixRun& run : matrix->runs) {
    for (std::size_t i = 0; i < matrix->actions.size(); ++i) {
      if (run.allows(i) && !selfService.selfService[i]) {
        ++run.info.outsideSelfService;
      }
    }
  }
}

std::string verdictSummary(const AuditVerdict& verdict, const std::string& source) {
  if (verdict.mfaEnforced) {
    return "MFA is enforced: without MFA only the self-service actions (" + source +
           ") are allowed.";
  }
  if (verdict.violations > 0) {
    return "MFA is NOT enforced: " + internal::thousands(verdict.violations) +
           (verdict.violations == 1 ? " action" : " actions") + " outside the self-service set (" +
           source + ") can be used without MFA.";
  }
  return "MFA is NOT enforced (strict): the NotAction list exempts actions beyond MFA "
         "self-management (" +
         source + ").";
}

}  // namespace

// Both built by appending: GCC 12 misreports -Wrestrict on "x" + std::to_string(...) here.
std::string AuditStatement::label() const {
  std::string out = effect == Effect::Allow ? "Allow " : "Deny ";
  if (sid.empty()) {
    out += "statement #";
    out += std::to_string(index + 1);
  } else {
    out += '"';
    out += sid;
    out += '"';
  }
  out += " (";
  out += policy;
  if (line != 0) {
    out += ':';
    out += std::to_string(line);
    out += ':';
    out += std::to_string(column);
  }
  out += ", ";
  out += engine::policyKindName(policyKind);
  out += " policy)";
  return out;
}

std::string AuditRun::id() const {
  std::string out(scenarioInfo(scenario).name);
  if (mfaAge) {
    out += '@';
    out += std::to_string(*mfaAge);
    out += 's';
  }
  return out;
}

std::vector<std::int64_t> auditMfaAges(std::span<const std::int64_t> thresholds) {
  std::set<std::int64_t> ages(std::begin(kDefaultAuditMfaAges), std::end(kDefaultAuditMfaAges));
  for (const std::int64_t t : thresholds) {
    for (const std::int64_t age : {t - 1, t, t + 1}) {
      if (age >= 0) {
        ages.insert(age);
      }
    }
  }
  return {ages.begin(), ages.end()};
}

Result<MfaAuditReport> runMfaAudit(const PolicySetInput& input, const IamData& data,
                                   const MfaAuditOptions& options) {
  if (!options.now) {
    return Status::invalidArgument("mfa-audit: no request time given");
  }
  auto caller = internal::auditCaller(options);
  if (!caller.ok()) {
    return caller.status();
  }
  MfaAuditReport report;
  report.policies = auditedPolicies(input);
  report.principal = options.principal;
  report.rolePrincipal = caller.value().roleArn;
  report.now = *options.now;
  report.assumeRoleCarriesMfa = options.assumeRoleCarriesMfa;
  report.assumeRoleReading = internal::assumeRoleReading(options.assumeRoleCarriesMfa);
  report.verdict.strict = options.strict;

  // Each step adds the statements it names to the table in turn: keep the order.
  StatementTable table(&report.statements);
  const std::vector<internal::PolicyStatement> statements = internal::allStatements(input);
  report.thresholds = internal::collectThresholds(statements, &table);
  auto ages = agesToTry(options, report.thresholds);
  if (!ages.ok()) {
    return ages.status();
  }
  report.mfaAges = ages.value();

  const SelfServiceSet selfService =
      internal::findSelfServiceSet(statements, data.allActions(), &table);
  report.verdict.selfServiceSource = selfService.declared() ? "notaction" : "bootstrap";
  report.verdict.selfServicePatterns = selfService.patterns;
  report.verdict.guardStatements = selfService.guardStatements;

  internal::MatrixSettings settings{*options.now, options.assumeRoleCarriesMfa, report.mfaAges};
  auto evaluated = internal::evaluateScenarioMatrix(input, data, caller.value(), settings, &table);
  if (!evaluated.ok()) {
    return evaluated.status();
  }
  ScenarioMatrix& matrix = evaluated.value();
  report.diagnostics = matrix.policies->diagnostics();
  report.needNoPermission = matrix.permissionlessNames;
  report.actionsAudited = matrix.actions.size() - matrix.permissionlessNames.size();
  report.policyResources = matrix.candidates.policyResources;
  report.evaluations = matrix.evaluations;
  report.notes = matrix.notes;
  countOutsideSelfService(selfService, &matrix);

  // The findings, read from the evaluated matrix.
  report.reachableWithoutMfa = reachableWithoutMfa(matrix, selfService, &table);
  report.verdict.violations = countViolations(matrix, selfService);

  internal::AgeLimitFindings limits =
      internal::findAgeLimits(matrix, caller.value(), report.thresholds, &table);
  report.ageLimits = std::move(limits.limits);
  report.notes.insert(report.notes.end(), limits.notes.begin(), limits.notes.end());

  report.pitfalls =
      internal::findPitfalls({statements, matrix, selfService, data, caller.value().principal,
                              report.verdict.violations, options.strict},
                             &table);

  // The verdict.
  const bool gapFails =
      options.strict && std::any_of(report.pitfalls.begin(), report.pitfalls.end(),
                                    [](const AuditPitfall& p) { return p.id == "notaction-gap"; });
  report.verdict.mfaEnforced = report.verdict.violations == 0 && !gapFails;
  const std::string source =
      selfService.declared()
          ? "the NotAction list of " + table[selfService.guardStatements.front()].label()
          : "the MFA bootstrap actions (no force-MFA Deny found)";
  report.verdict.summary = verdictSummary(report.verdict, source);

  for (const MatrixRun& run : matrix.runs) {
    report.runs.push_back(run.info);
    report.totals.push_back(run.info.allowed);
  }
  report.matrix = internal::matrixRows(matrix, data);
  return report;
}

}  // namespace policysim::analysis
