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
// the action sets and mfaRiskOf() in mfa_self_service.cc.
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
#include "engine/policy_json.h"

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
      a.selfService = selfService.selfService(run, i);
      a.selfManagement = selfService.fixed[i] != 0;
      a.accepted = selfService.acceptedBy[i] >= 0;
      a.risk = mfaRiskOf(*a.action);
      reachable.actions.push_back(std::move(a));
    }
    out.push_back(std::move(reachable));
  }
  return out;
}

// The actions outside the self-service set that some run without MFA reaches, by risk.
std::vector<AuditViolation> violations(const ScenarioMatrix& matrix,
                                       const SelfServiceSet& selfService, StatementTable* table) {
  std::vector<AuditViolation> out;
  for (std::size_t i = 0; i < matrix.actions.size(); ++i) {
    AuditViolation v;
    for (std::size_t r = 0; r < matrix.runs.size(); ++r) {
      const MatrixRun& run = matrix.runs[r];
      if (run.info.mfa || !run.allows(i) || selfService.selfService(run, i)) {
        continue;
      }
      if (v.runs.empty()) {
        v.action = matrix.actions[i];
        v.risk = mfaRiskOf(*v.action);
        v.resource = matrix.candidates.at(i, run.firstAllowed(i));
        v.statement = internal::creditedStatement(run, i, table);
      }
      v.runs.push_back(r);
    }
    if (!v.runs.empty()) {
      out.push_back(std::move(v));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const AuditViolation& a, const AuditViolation& b) {
    return static_cast<int>(a.risk) < static_cast<int>(b.risk);
  });
  return out;
}

// Per accepted pattern: the actions reachable without MFA that it accepted.
std::vector<AuditAccepted> acceptedActions(const ScenarioMatrix& matrix,
                                           const SelfServiceSet& selfService) {
  std::vector<AuditAccepted> out;
  for (const std::string& pattern : selfService.accepted) {
    out.push_back({pattern, {}});
  }
  for (std::size_t i = 0; i < matrix.actions.size(); ++i) {
    const std::int32_t by = selfService.acceptedBy[i];
    if (by >= 0 && std::any_of(matrix.runs.begin(), matrix.runs.end(), [&](const MatrixRun& run) {
          return !run.info.mfa && run.allows(i);
        })) {
      out[static_cast<std::size_t>(by)].actions.emplace_back(matrix.actions[i]->fullName);
    }
  }
  return out;
}

// Per run: the allowed actions outside the self-service set.
void countOutsideSelfService(const SelfServiceSet& selfService, ScenarioMatrix* matrix) {
  for (MatrixRun& run : matrix->runs) {
    for (std::size_t i = 0; i < matrix->actions.size(); ++i) {
      if (run.allows(i) && !selfService.selfService(run, i)) {
        ++run.info.outsideSelfService;
      }
    }
  }
}

std::string verdictSummary(const AuditVerdict& verdict) {
  std::string set = "the self-service actions of semantics §5.3a";
  if (!verdict.accepted.empty()) {
    set += " and the " + std::to_string(verdict.accepted.size()) + " accepted action pattern" +
           (verdict.accepted.size() == 1 ? "" : "s");
  }
  std::string beside;
  if (verdict.besideAllowAll) {
    beside = verdict.besideAllowAllReason == "deny-only"
                 ? " (the identity and resource policies allow nothing on their own: "
                   "audited beside a policy allowing everything, as such guards are deployed)"
                 : " (audited beside a policy allowing everything)";
  }
  if (verdict.mfaEnforced) {
    return "MFA is enforced: without MFA only " + set + " are allowed" + beside + ".";
  }
  if (verdict.violations > 0) {
    std::size_t credentials = 0;
    std::size_t privilege = 0;
    for (const AuditViolation& v : verdict.actionsWithoutMfa) {
      credentials += v.risk == MfaRisk::Credentials ? 1 : 0;
      privilege += v.risk == MfaRisk::Privilege ? 1 : 0;
    }
    std::string risky;
    if (credentials > 0 || privilege > 0) {
      risky = " (" + internal::thousands(credentials) + " on credentials or MFA devices, " +
              internal::thousands(privilege) + " changing privileges)";
    }
    return "MFA is NOT enforced: " + internal::thousands(verdict.violations) +
           (verdict.violations == 1 ? " action" : " actions") + " outside " + set +
           " can be used without MFA" + risky + beside + ".";
  }
  return "MFA is NOT enforced (strict): the NotAction list of a force-MFA Deny exempts actions "
         "beyond " +
         set + beside + ".";
}

// The identity policies hold no Allow: on their own they allow nothing.
bool hasAllow(const PolicyDocument& document) {
  return std::any_of(document.statements.begin(), document.statements.end(),
                     [](const engine::Statement& st) { return st.effect == Effect::Allow; });
}

// Nothing grants: no Allow in the identity policies or the resource policy. (SCPs and
// boundaries only filter.)
bool grantsNothing(const PolicySetInput& input) {
  return std::none_of(input.identity.begin(), input.identity.end(), hasAllow) &&
         (!input.resource || !hasAllow(*input.resource));
}

// An SCP level or boundary without any Allow lets nothing through: it is written to be
// deployed beside one that allows everything (FullAWSAccess for SCPs).
bool hasDenyOnlyFilter(const PolicySetInput& input) {
  return std::any_of(input.scps.begin(), input.scps.end(),
                     [](const PolicyDocument& d) { return !hasAllow(d); }) ||
         (input.boundary && !hasAllow(*input.boundary));
}

constexpr std::string_view kAllowEverythingStatement =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowEverything","Effect":"Allow","Action":"*","Resource":"*"}]})";
constexpr std::string_view kAllowAllName = "(added by the audit: a policy allowing everything)";
constexpr std::string_view kTrustAccountName =
    "(added by the audit: a trust/key policy trusting the account for sts:AssumeRole and kms:*)";

// A document the audit wrote has no file positions worth showing.
PolicyDocument withoutPositions(PolicyDocument document) {
  for (engine::Statement& statement : document.statements) {
    statement.position = {};
  }
  return document;
}

// Deny-only SCP levels and boundaries get the Allow they are deployed beside (FullAWSAccess is
// attached beside deny-only SCPs): without it they let nothing through and every verdict is
// vacuous. Returns how many were completed.
std::size_t completeDenyOnlyFilters(PolicySetInput* input) {
  std::size_t completed = 0;
  auto complete = [&](PolicyDocument* filter) {
    if (hasAllow(*filter)) {
      return;
    }
    engine::Statement statement;
    statement.index = filter->statements.size();
    statement.sid = "AddedByTheAuditAllowEverything";
    statement.effect = Effect::Allow;
    statement.actions.push_back({engine::PolicyValue::Kind::String, "*", {}});
    statement.hasResource = true;
    statement.resources.push_back({engine::PolicyValue::Kind::String, "*", {}});
    filter->statements.push_back(std::move(statement));
    ++completed;
  };
  for (PolicyDocument& scp : input->scps) {
    complete(&scp);
  }
  if (input->boundary) {
    complete(&*input->boundary);
  }
  return completed;
}

// Adds a policy allowing everything beside the identity policies and, without a resource
// policy, one that trusts the caller's account for the actions only a trust or key policy can
// grant (semantics §4.2).
Status addAllowEverything(const PrincipalArn& caller, PolicySetInput* out,
                          std::vector<std::string>* notes) {
  auto allow = engine::parsePolicyDocument(kAllowEverythingStatement, std::string(kAllowAllName),
                                           PolicyKind::Identity);
  if (!allow.ok()) {
    return allow.status();
  }
  out->identity.push_back(withoutPositions(std::move(allow).value()));
  std::string note =
      "audited beside an identity policy allowing everything, standing for the other policies "
      "such a guard is deployed with";
  if (!out->resource) {
    const std::string text =
        R"({"Version":"2012-10-17","Statement":[{"Sid":"TrustTheAccount","Effect":"Allow","Principal":{"AWS":"arn:)" +
        caller.partition + ":iam::" + caller.account +
        R"(:root"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity","kms:*"],"Resource":"*"}]})";
    auto trust =
        engine::parsePolicyDocument(text, std::string(kTrustAccountName), PolicyKind::Resource);
    if (!trust.ok()) {
      return trust.status();
    }
    out->resource = withoutPositions(std::move(trust).value());
    note += ", and a trust/key policy trusting the account (sts:AssumeRole and kms:* need one)";
  }
  notes->push_back(note);
  return {};
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

Result<MfaAuditReport> runMfaAudit(const PolicySetInput& given, const IamData& data,
                                   const MfaAuditOptions& options) {
  if (!options.now) {
    return Status::invalidArgument("mfa-audit: no request time given");
  }
  auto caller = internal::auditCaller(options);
  if (!caller.ok()) {
    return caller.status();
  }
  MfaAuditReport report;
  report.policies = auditedPolicies(given);
  report.principal = options.principal;
  report.rolePrincipal = caller.value().roleArn;
  report.now = *options.now;
  report.assumeRoleCarriesMfa = options.assumeRoleCarriesMfa;
  report.assumeRoleReading = internal::assumeRoleReading(options.assumeRoleCarriesMfa);
  report.verdict.strict = options.strict;

  // Guards alone allow nothing: audit them the way they are deployed, beside other grants.
  std::vector<std::string> besideNotes;
  PolicySetInput augmented;
  const bool filters = hasDenyOnlyFilter(given);
  const bool vacuous = grantsNothing(given);
  if (filters || vacuous || options.besideAllowAll) {
    augmented = given;
    if (const std::size_t n = completeDenyOnlyFilters(&augmented); n > 0) {
      besideNotes.push_back(std::to_string(n) +
                            " SCP level(s) or permissions boundary without an Allow were given "
                            "one allowing everything, as deny-only SCPs are deployed beside "
                            "FullAWSAccess: alone they let nothing through");
    }
  }
  if (vacuous || options.besideAllowAll) {
    if (Status added = addAllowEverything(caller.value().principal, &augmented, &besideNotes);
        !added.ok()) {
      return added;
    }
    report.verdict.besideAllowAll = true;
    report.verdict.besideAllowAllReason = options.besideAllowAll ? "requested" : "deny-only";
  }
  const PolicySetInput& input = report.verdict.besideAllowAll || filters ? augmented : given;

  // Each step adds the statements it names to the table in turn: keep the order.
  StatementTable table(&report.statements);
  const std::vector<internal::PolicyStatement> statements = internal::allStatements(input);
  report.thresholds = internal::collectThresholds(statements, &table);
  auto ages = agesToTry(options, report.thresholds);
  if (!ages.ok()) {
    return ages.status();
  }
  report.mfaAges = ages.value();

  auto found = internal::findSelfServiceSet(statements, data.allActions(),
                                            options.acceptedWithoutMfa, &table);
  if (!found.ok()) {
    return found.status();
  }
  SelfServiceSet& selfService = found.value();
  report.verdict.selfServiceSource = "fixed";
  for (const std::string_view a : mfaSelfServiceActions()) {
    report.verdict.selfServicePatterns.emplace_back(a);
  }
  report.verdict.selfServicePatterns.insert(report.verdict.selfServicePatterns.end(),
                                            selfService.accepted.begin(),
                                            selfService.accepted.end());
  report.verdict.guardExemptions = selfService.exemptions;
  report.verdict.guardStatements = selfService.guardStatements;

  internal::MatrixSettings settings{*options.now, options.assumeRoleCarriesMfa, report.mfaAges};
  auto evaluated = internal::evaluateScenarioMatrix(input, data, caller.value(), settings, &table);
  if (!evaluated.ok()) {
    return evaluated.status();
  }
  ScenarioMatrix& matrix = evaluated.value();
  internal::markOtherUsers(matrix.candidates, matrix.actions, caller.value().principal,
                           &selfService);
  report.diagnostics = matrix.policies->diagnostics();
  report.needNoPermission = matrix.permissionlessNames;
  report.actionsAudited = matrix.actions.size() - matrix.permissionlessNames.size();
  report.policyResources = matrix.candidates.policyResources;
  report.evaluations = matrix.evaluations;
  report.notes = std::move(besideNotes);
  report.notes.insert(report.notes.end(), matrix.notes.begin(), matrix.notes.end());
  countOutsideSelfService(selfService, &matrix);

  // The findings, read from the evaluated matrix.
  report.reachableWithoutMfa = reachableWithoutMfa(matrix, selfService, &table);
  report.verdict.actionsWithoutMfa = violations(matrix, selfService, &table);
  report.verdict.violations = report.verdict.actionsWithoutMfa.size();
  report.verdict.accepted = acceptedActions(matrix, selfService);

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
  report.verdict.summary = verdictSummary(report.verdict);

  for (const MatrixRun& run : matrix.runs) {
    report.runs.push_back(run.info);
    report.totals.push_back(run.info.allowed);
  }
  report.matrix = internal::matrixRows(matrix, data);
  return report;
}

}  // namespace policysim::analysis
