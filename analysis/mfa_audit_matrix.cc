#include "analysis/internal/mfa_audit_matrix.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "analysis/internal/audit_text.h"
#include "engine/policy_json.h"

namespace policysim::analysis::internal {
namespace {

using engine::Decision;
using engine::PolicySet;
using engine::PolicySetInput;
using engine::Result;
using engine::Status;

// The broadest session policy a user can pass to GetFederationToken: the federated scenario is
// evaluated with it, so the session keeps every permission of the user (semantics §4.6).
constexpr std::string_view kFederatedSessionPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
constexpr std::string_view kFederatedSessionPolicyName =
    "(federated session: a session policy allowing everything)";

std::vector<Scenario> scenariosFor(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::User:
      return {Scenario::AccessKey,  Scenario::Console,      Scenario::SessionNoMfa,
              Scenario::AssumeRole, Scenario::Federated,    Scenario::ConsoleMfa,
              Scenario::SessionMfa, Scenario::AssumeRoleMfa};
    case PrincipalKind::Role:
    case PrincipalKind::RoleSession:
      return {Scenario::AssumeRole, Scenario::AssumeRoleMfa};
    case PrincipalKind::Root:
      return {Scenario::AccessKey, Scenario::Root, Scenario::RootMfa};
    case PrincipalKind::FederatedUser:
      return {Scenario::Federated};
  }
  return {};
}

bool isRoleScenario(Scenario s) {
  return s == Scenario::AssumeRole || s == Scenario::AssumeRoleMfa;
}

// The policies as given, and for federated sessions the same with the broadest session policy
// (when the caller gave none).
struct PolicySets {
  std::shared_ptr<const PolicySet> policies;
  std::shared_ptr<const PolicySet> federated;
  bool federatedSessionPolicy = false;  // federated differs from policies by that policy
};

Result<PolicySets> compilePolicies(const PolicySetInput& input, const AuditCaller& caller) {
  auto compiled = PolicySet::compile(input);
  if (!compiled.ok()) {
    return compiled.status();
  }
  PolicySets sets{compiled.value(), compiled.value(), false};
  if (input.session || std::find(caller.scenarios.begin(), caller.scenarios.end(),
                                 Scenario::Federated) == caller.scenarios.end()) {
    return sets;
  }
  PolicySetInput withSession = input;
  auto session =
      engine::parsePolicyDocument(kFederatedSessionPolicy, std::string(kFederatedSessionPolicyName),
                                  engine::PolicyKind::Session);
  if (!session.ok()) {
    return session.status();
  }
  withSession.session = std::move(session).value();
  auto withSessionSet = PolicySet::compile(std::move(withSession));
  if (!withSessionSet.ok()) {
    return withSessionSet.status();
  }
  sets.federated = withSessionSet.value();
  sets.federatedSessionPolicy = true;
  return sets;
}

// One run: the scenario applied once to a template request.
Result<MatrixRun> prepareRun(Scenario scenario, std::optional<std::int64_t> age,
                             const AuditCaller& caller, const MatrixSettings& settings,
                             const PolicySets& sets) {
  const ScenarioInfo& info = scenarioInfo(scenario);
  ScenarioOptions so;
  so.scenario = scenario;
  so.principal = caller.arnIn(scenario);
  so.now = settings.now;
  so.assumeRoleCarriesMfa = settings.assumeRoleCarriesMfa;
  if (info.temporary) {
    if (info.mfa) {
      so.mfaAgeSeconds = age;
    } else {
      so.sessionAgeSeconds = kAuditSessionAgeSeconds;
    }
  }
  MatrixRun run;
  run.info.scenario = scenario;
  run.info.mfa = info.mfa;
  run.info.mfaAge = info.mfa ? age : std::nullopt;
  run.info.principal = so.principal;
  run.policies = scenario == Scenario::Federated ? sets.federated.get() : sets.policies.get();
  run.request.action = "sts:GetCallerIdentity";
  auto outcome = applyScenario(so, &run.request);
  if (!outcome.ok()) {
    return Status::invalidArgument("mfa-audit: scenario " + std::string(info.name) + ": " +
                                   outcome.status().message());
  }
  run.readings = outcome.value().notes;
  return run;
}

// Scenarios without MFA first, then each MFA scenario at every age its sessions can have.
Result<std::vector<MatrixRun>> prepareRuns(const AuditCaller& caller,
                                           const MatrixSettings& settings, const PolicySets& sets) {
  std::vector<MatrixRun> runs;
  for (const Scenario s : caller.scenarios) {
    if (!scenarioInfo(s).mfa) {
      auto run = prepareRun(s, std::nullopt, caller, settings, sets);
      if (!run.ok()) {
        return run.status();
      }
      runs.push_back(std::move(run).value());
    }
  }
  for (const Scenario s : caller.scenarios) {
    if (!scenarioInfo(s).mfa) {
      continue;
    }
    const auto max = maxCredentialAgeSeconds(s, caller.kindIn(s));
    bool any = false;
    for (const std::int64_t age : settings.mfaAges) {
      if (max && age > *max) {
        continue;  // skippedAgesNote() says so
      }
      auto run = prepareRun(s, age, caller, settings, sets);
      if (!run.ok()) {
        return run.status();
      }
      runs.push_back(std::move(run).value());
      any = true;
    }
    if (!any) {
      return Status::invalidArgument("mfa-audit: no MFA age to try for scenario " +
                                     std::string(scenarioInfo(s).name));
    }
  }
  return runs;
}

// The MFA ages some scenario's sessions cannot reach, which prepareRuns() leaves out.
std::optional<std::string> skippedAgesNote(const AuditCaller& caller,
                                           const MatrixSettings& settings) {
  std::string skipped;
  for (const Scenario s : caller.scenarios) {
    const auto max = maxCredentialAgeSeconds(s, caller.kindIn(s));
    if (!scenarioInfo(s).mfa || !max) {
      continue;
    }
    for (const std::int64_t age : settings.mfaAges) {
      if (age > *max) {
        skipped +=
            (skipped.empty() ? "" : ", ") + std::string(scenarioInfo(s).name) + " " + seconds(age);
      }
    }
  }
  if (skipped.empty()) {
    return std::nullopt;
  }
  return "ages longer than the longest session of their kind were not tried: " + skipped +
         " (semantics §5.2)";
}

// sts:GetCallerIdentity and sts:GetSessionToken need no permission and no policy can deny
// them (semantics §4.9): they are left out of the evaluation.
void leaveOutPermissionless(ScenarioMatrix* matrix) {
  const auto& actions = matrix->actions;
  matrix->permissionless.assign(actions.size(), 0);
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string_view name = actions[i]->fullName;
    if (engine::needsNoPermission(name)) {
      matrix->permissionless[i] = 1;
      matrix->permissionlessNames.emplace_back(name);
    }
  }
  if (!matrix->permissionlessNames.empty()) {
    std::string text;
    for (const std::string& name : matrix->permissionlessNames) {
      text += (text.empty() ? "" : " and ") + name;
    }
    matrix->notes.push_back(text +
                            " need no permission and no policy can deny them (semantics §4.9): "
                            "always callable, left out of the counts");
  }
}

// Every run x every action x every candidate resource.
void evaluateCells(ScenarioMatrix* matrix, StatementTable* table) {
  const auto& actions = matrix->actions;
  // Calls the credentials cannot make at all (semantics §4.9), per scenario: AWS refuses them
  // before reading any policy, so they are never evaluated and never allowed.
  std::map<Scenario, std::vector<char>> refused;
  for (const MatrixRun& run : matrix->runs) {
    auto [it, inserted] = refused.try_emplace(run.info.scenario);
    if (!inserted) {
      continue;
    }
    it->second.assign(actions.size(), 0);
    for (std::size_t i = 0; i < actions.size(); ++i) {
      it->second[i] = credentialRestriction(run.info.scenario, actions[i]->fullName) ? 1 : 0;
    }
  }

  Decision decision;
  for (MatrixRun& run : matrix->runs) {
    run.allowedResources.assign(actions.size(), 0);
    run.grantedBy.assign(actions.size(), -1);
    const std::vector<char>& cannot = refused[run.info.scenario];
    engine::Request& request = run.request;
    for (std::size_t i = 0; i < actions.size(); ++i) {
      if (matrix->permissionless[i]) {
        continue;
      }
      if (cannot[i]) {
        ++run.info.credentialRestricted;
        continue;
      }
      request.action.assign(actions[i]->fullName);
      const std::size_t n = matrix->candidates.count(i);
      for (std::size_t j = 0; j < n; ++j) {
        request.resource.assign(matrix->candidates.at(i, j));
        run.policies->evaluate(request, false, &decision);
        ++matrix->evaluations;
        if (decision.kind != engine::DecisionKind::Allowed) {
          continue;
        }
        run.allowedResources[i] = static_cast<std::uint16_t>(run.allowedResources[i] | (1U << j));
        if (run.grantedBy[i] < 0) {
          const engine::StatementRef* ref = firstGrant(decision);
          // An allow always names its statement; the root user is allowed without one.
          run.grantedBy[i] = ref == nullptr ? -1 : static_cast<std::int32_t>(table->add(*ref));
        }
      }
      if (run.allows(i)) {
        ++run.info.allowed;
      }
    }
  }
}

}  // namespace

PrincipalKind AuditCaller::kindIn(Scenario scenario) const {
  return principal.kind == PrincipalKind::User && isRoleScenario(scenario) ? PrincipalKind::Role
                                                                           : principal.kind;
}

const std::string& AuditCaller::arnIn(Scenario scenario) const {
  return principal.kind == PrincipalKind::User && isRoleScenario(scenario) ? roleArn : arn;
}

Result<AuditCaller> auditCaller(const MfaAuditOptions& options) {
  auto principal = parsePrincipalArn(options.principal);
  if (!principal.ok()) {
    return Status::invalidArgument("mfa-audit: principal " + options.principal + ": " +
                                   principal.status().message());
  }
  AuditCaller caller;
  caller.arn = options.principal;
  caller.principal = principal.value();
  caller.scenarios =
      options.scenarios.empty() ? scenariosFor(caller.principal.kind) : options.scenarios;
  const PrincipalArn& p = caller.principal;
  if (p.kind == PrincipalKind::User &&
      std::any_of(caller.scenarios.begin(), caller.scenarios.end(), isRoleScenario)) {
    caller.roleArn = "arn:" + p.partition + ":iam::" + p.account + ":role/" + p.name;
  }
  return caller;
}

std::size_t MatrixRun::firstAllowed(std::size_t action) const {
  std::size_t j = 0;
  while ((allowedResources[action] & (1U << j)) == 0) {
    ++j;
  }
  return j;
}

Decision MatrixRun::decide(std::string_view action, std::string_view resource) const {
  engine::Request copy = request;
  copy.action.assign(action);
  copy.resource.assign(resource);
  Decision decision;
  policies->evaluate(copy, false, &decision);
  return decision;
}

const MatrixRun* ScenarioMatrix::firstRun(Scenario scenario) const {
  for (const MatrixRun& run : runs) {
    if (run.info.scenario == scenario) {
      return &run;
    }
  }
  return nullptr;
}

std::vector<const MatrixRun*> ScenarioMatrix::ladder(Scenario scenario) const {
  std::vector<const MatrixRun*> out;
  for (const MatrixRun& run : runs) {
    if (run.info.scenario == scenario) {
      out.push_back(&run);
    }
  }
  return out;
}

Decision ScenarioMatrix::decide(const MatrixRun& run, std::size_t action, std::size_t j) const {
  return run.decide(actions[action]->fullName, candidates.at(action, j));
}

Result<ScenarioMatrix> evaluateScenarioMatrix(const PolicySetInput& input, const IamData& data,
                                              const AuditCaller& caller,
                                              const MatrixSettings& settings,
                                              StatementTable* table) {
  ScenarioMatrix matrix;
  matrix.actions = data.allActions();
  if (!caller.roleArn.empty()) {
    matrix.notes.push_back(
        "role scenarios run as " + caller.roleArn +
        ": the same policies attached to a role of the user's name in the same account");
  }
  auto sets = compilePolicies(input, caller);
  if (!sets.ok()) {
    return sets.status();
  }
  matrix.policies = sets.value().policies;
  matrix.federatedPolicies = sets.value().federated;
  if (sets.value().federatedSessionPolicy) {
    matrix.notes.push_back(
        "federated sessions are evaluated with a session policy allowing everything, the "
        "broadest the user can pass to GetFederationToken: the session keeps the user's "
        "permissions (semantics §4.6)");
  }
  auto runs = prepareRuns(caller, settings, sets.value());
  if (!runs.ok()) {
    return runs.status();
  }
  matrix.runs = std::move(runs).value();
  if (auto note = skippedAgesNote(caller, settings)) {
    matrix.notes.push_back(*note);
  }
  // What the scenarios read where AWS's documentation is ambiguous, once each; the
  // assume-role-mfa reading is the report's assumeRoleReading.
  std::set<std::string> readings;
  for (const MatrixRun& run : matrix.runs) {
    for (const std::string& reading : run.readings) {
      if (!reading.starts_with("assume-role-mfa")) {
        readings.insert(reading);
      }
    }
  }
  matrix.notes.insert(matrix.notes.end(), readings.begin(), readings.end());
  leaveOutPermissionless(&matrix);
  matrix.candidates = buildCandidates(matrix.actions, allStatements(input), caller.principal);
  evaluateCells(&matrix, table);
  return matrix;
}

std::size_t creditedStatement(const MatrixRun& run, std::size_t action, StatementTable* table) {
  return run.grantedBy[action] >= 0 ? static_cast<std::size_t>(run.grantedBy[action])
                                    : table->rootUser();
}

std::vector<AuditMatrixRow> matrixRows(const ScenarioMatrix& matrix, const IamData& data) {
  std::unordered_map<const ServiceInfo*, std::size_t> rowOf;
  for (const ServiceInfo& service : data.services()) {
    rowOf.emplace(&service, rowOf.size());
  }
  std::vector<AuditMatrixRow> rows(data.services().size());
  for (std::size_t a = 0; a < matrix.actions.size(); ++a) {
    AuditMatrixRow& row = rows[rowOf.at(matrix.actions[a]->service)];
    row.counts.resize(matrix.runs.size(), 0);
    for (std::size_t r = 0; r < matrix.runs.size(); ++r) {
      if (matrix.runs[r].allows(a)) {
        ++row.counts[r];
      }
    }
  }
  std::vector<AuditMatrixRow> out;
  for (std::size_t s = 0; s < rows.size(); ++s) {
    AuditMatrixRow& row = rows[s];
    if (std::any_of(row.counts.begin(), row.counts.end(), [](std::size_t c) { return c > 0; })) {
      row.service = std::string(data.services()[s].prefix);
      out.push_back(std::move(row));
    }
  }
  return out;
}

std::string assumeRoleReading(bool assumeRoleCarriesMfa) {
  return assumeRoleCarriesMfa
             ? "default reading: sessions of a role assumed with MFA carry "
               "aws:MultiFactorAuthPresent true and the age since AssumeRole, as CloudTrail "
               "records (mfaAuthenticated: true); --conservative-assume-role for the reading of "
               "AWS's MFA-protected API page (semantics §5.1 AMBIGUOUS)"
             : "conservative reading: sessions of a role assumed with MFA carry "
               "aws:MultiFactorAuthPresent false and no age, as AWS's MFA-protected API page "
               "reads; MFA counts only when the role is assumed (semantics §5.1 AMBIGUOUS)";
}

}  // namespace policysim::analysis::internal
