// The scenario matrix of the MFA audit: every action of the service data (rows) evaluated in
// every credential situation (columns, "runs": one scenario of analysis/scenario.h, at one MFA
// age for the MFA scenarios) on the resources of analysis/internal/audit_resources.h. A cell
// says which of the action's resources are allowed and which statement allowed it; the
// verdict, the age limits and the pitfalls are read from the cells.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "analysis/internal/audit_resources.h"
#include "analysis/internal/audit_statements.h"
#include "analysis/mfa_audit.h"
#include "analysis/scenario.h"
#include "engine/decision.h"
#include "engine/policy_set.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::analysis::internal {

// The audited caller and the scenarios it is audited under.
struct AuditCaller {
  std::string arn;  // as given
  PrincipalArn principal;
  std::vector<Scenario> scenarios;  // as asked, else every one that fits the principal
  // An IAM user's role scenarios run as the role of the same name (the same policies attached
  // to a role): its ARN, or "" when there is no such run.
  std::string roleArn;

  // Who holds the credentials of a scenario: that role for a user's role scenarios.
  [[nodiscard]] PrincipalKind kindIn(Scenario scenario) const;
  [[nodiscard]] const std::string& arnIn(Scenario scenario) const;
};

// Fails (InvalidArgument) on a principal analysis/scenario.h cannot parse.
[[nodiscard]] engine::Result<AuditCaller> auditCaller(const MfaAuditOptions& options);

// One column: the scenario applied once to a template request.
struct MatrixRun {
  AuditRun info;
  const engine::PolicySet* policies = nullptr;  // federated runs: with a session policy
  engine::Request request;                      // action and resource change per evaluation
  std::vector<std::uint16_t> allowedResources;  // per action: bit j = candidate j allowed
  std::vector<std::int32_t> grantedBy;  // per action: credited statement (table index), -1 none
  std::vector<std::string> readings;    // the scenario's notes (ScenarioOutcome::notes)

  [[nodiscard]] bool allows(std::size_t action) const { return allowedResources[action] != 0; }
  // The first candidate resource allowed. REQUIRES: allows(action).
  [[nodiscard]] std::size_t firstAllowed(std::size_t action) const;
  // Decides one request with this run's credentials again (for attribution; rare).
  [[nodiscard]] engine::Decision decide(std::string_view action, std::string_view resource) const;
};

struct MatrixSettings {
  std::int64_t now = 0;
  bool assumeRoleCarriesMfa = true;
  std::vector<std::int64_t> mfaAges;  // sorted, distinct, not negative
};

struct ScenarioMatrix {
  std::span<const ActionInfo* const> actions;  // rows: IamData::allActions()
  std::vector<char> permissionless;            // per action: needs no permission, left out (§4.9)
  std::vector<std::string> permissionlessNames;
  Candidates candidates;  // resources tried per action
  std::shared_ptr<const engine::PolicySet> policies;
  std::shared_ptr<const engine::PolicySet> federatedPolicies;  // + a session policy
  std::vector<MatrixRun> runs;     // scenarios without MFA first, then each MFA one by age
  std::vector<std::string> notes;  // readings and limits, one sentence each, report order
  std::size_t evaluations = 0;

  // The first run of the scenario, or nullptr.
  [[nodiscard]] const MatrixRun* firstRun(Scenario scenario) const;
  // The runs of one MFA scenario, freshest MFA first.
  [[nodiscard]] std::vector<const MatrixRun*> ladder(Scenario scenario) const;
  // Decides action `action` on its candidate `j` in `run` again.
  [[nodiscard]] engine::Decision decide(const MatrixRun& run, std::size_t action,
                                        std::size_t j) const;
};

// Compiles the policies, applies every scenario at every age, picks the resources and
// evaluates every cell; allows are credited to statements added to `table`. Fails on policies
// that do not compile and on scenarios the caller cannot have.
[[nodiscard]] engine::Result<ScenarioMatrix> evaluateScenarioMatrix(
    const engine::PolicySetInput& input, const IamData& data, const AuditCaller& caller,
    const MatrixSettings& settings, StatementTable* table);

// The statement credited for an allowed cell; the root user is allowed without one, and gets
// the table's root entry.
[[nodiscard]] std::size_t creditedStatement(const MatrixRun& run, std::size_t action,
                                            StatementTable* table);

// Allowed actions per service and run, for services with at least one, by prefix.
[[nodiscard]] std::vector<AuditMatrixRow> matrixRows(const ScenarioMatrix& matrix,
                                                     const IamData& data);

// One sentence: which reading of AssumeRole sessions with MFA the runs use (semantics §5.1).
[[nodiscard]] std::string assumeRoleReading(bool assumeRoleCarriesMfa);

}  // namespace policysim::analysis::internal
