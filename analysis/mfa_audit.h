// MFA audit: proves whether a set of policies really forces MFA. Every action of the service
// authorization snapshot (analysis/iam_data.h) is evaluated under every credential scenario
// (analysis/scenario.h) and at MFA ages around the thresholds the policies mention, and the
// report says:
//   - the verdict: MFA is enforced iff no action beyond the policies' declared self-service set
//     (the NotAction list of the force-MFA Deny, else the MFA bootstrap actions of semantics
//     §5.3 pitfall 4) is allowed under a scenario without MFA;
//   - the actions reachable without MFA, per scenario, with the statement that allows each;
//   - the actions that stop being allowed once MFA is older than a threshold, compared with the
//     session durations users get (semantics §5.2);
//   - the pitfalls found in the policy text and in the evaluation (semantics §5.3), each with
//     its fix.
// Pure logic: no I/O, no clock (the caller passes the time). docs/mfa-audit.md describes the
// report; analysis/mfa_audit_report.h renders it as text, JSON and HTML.
//
//   MfaAuditOptions options;
//   options.now = parseTimestamp("2026-11-22T10:00:00Z").value();
//   auto report = runMfaAudit(input, *iamData, options);  // Result<MfaAuditReport>
//   if (report.ok() && report.value().verdict.mfaEnforced) ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "analysis/scenario.h"
#include "engine/policy.h"
#include "engine/policy_set.h"
#include "engine/status.h"

namespace policysim::analysis {

// Core vocabulary this header speaks in.
using engine::Diagnostic;
using engine::Effect;
using engine::PolicyKind;
using engine::PolicySetInput;
using engine::Result;

// The caller when none is given: the IAM user of the shipped examples.
inline constexpr std::string_view kDefaultAuditPrincipal = "arn:aws:iam::111122223333:user/alice";
// The region placed in representative resource ARNs.
inline constexpr std::string_view kAuditRegion = "us-east-1";
// MFA ages always tried (seconds): one minute and one hour after MFA.
inline constexpr std::int64_t kDefaultAuditMfaAges[] = {60, 3600};
// Temporary credentials without MFA are this old in the audit (the scenario default).
inline constexpr std::int64_t kAuditSessionAgeSeconds = kDefaultCredentialAgeSeconds;

// The MFA action sets, defined once for the audit and the linter (analysis/mfa_self_service.cc).
// Enrolment: without these a user who has no MFA yet cannot set it up (a guard that denies them
// locks users out).
[[nodiscard]] const std::vector<std::string_view>& mfaEnrolmentActions();
// Exempting these from a force-MFA guard defeats MFA: a stolen password or key can remove the
// device or mint long-term credentials.
[[nodiscard]] const std::vector<std::string_view>& mfaSensitiveActions();
// The actions a user needs to enrol MFA and obtain MFA credentials (semantics §5.3 pitfall 4):
// the self-service set when the policies declare none.
[[nodiscard]] const std::vector<std::string_view>& mfaBootstrapActions();
// The actions AWS's own force-MFA examples exempt (semantics §5.4 E1-E3): the bootstrap set plus
// iam:ChangePassword and iam:GetAccountPasswordPolicy (first sign-in), iam:GetAccountSummary,
// iam:GetMFADevice and iam:ListUsers (the list `policysim lint` uses for the same check).
// A declared self-service action outside this set that is reachable without MFA is a NotAction
// gap.
[[nodiscard]] const std::vector<std::string_view>& selfManagementActions();

// A policy document audited, by the name its caller gave it (`policysim mfa-audit`: the file).
struct AuditedPolicy {
  std::string name;
  PolicyKind kind = PolicyKind::Identity;
};

// A statement, copied out of the PolicySet so the report outlives it.
struct AuditStatement {
  std::string policy;  // file name or label
  PolicyKind policyKind = PolicyKind::Identity;
  std::size_t index = 0;  // 0-based position in the Statement array
  std::string sid;
  Effect effect = Effect::Allow;
  std::size_t line = 0;
  std::size_t column = 0;

  // `Allow "OwnPassword" (policies/force_mfa.json:13:5, identity policy)`; statements without a
  // Sid are named `statement #3` (1-based).
  [[nodiscard]] std::string label() const;
};

// One credential situation evaluated for every action: a column of the matrix.
struct AuditRun {
  Scenario scenario = Scenario::AccessKey;
  bool mfa = false;                      // the credentials were obtained with MFA
  std::optional<std::int64_t> mfaAge;    // MFA scenarios: seconds since MFA
  std::string principal;                 // the caller as given to the scenario
  std::size_t allowed = 0;               // actions allowed on at least one resource tried
  std::size_t outsideSelfService = 0;    // of those, outside the declared self-service set
  std::size_t credentialRestricted = 0;  // actions the credentials cannot call (§4.9)

  // "access-key", "console-mfa@60s".
  [[nodiscard]] std::string id() const;
};

// An action allowed in one run.
struct AuditAllowedAction {
  const ActionInfo* action = nullptr;  // points into the IamData
  std::string resource;                // the first resource it is allowed on
  std::size_t statement = 0;           // index into MfaAuditReport::statements
  bool selfService = false;            // in the declared self-service set
  bool selfManagement = false;         // in selfManagementActions()
};

// The actions one scenario without MFA reaches.
struct AuditReachable {
  std::size_t run = 0;                      // index into MfaAuditReport::runs
  std::vector<AuditAllowedAction> actions;  // in IamData::allActions() order (service, action)
};

// Actions allowed with fresh MFA that one scenario loses once MFA is older.
struct AuditAgeLimit {
  Scenario scenario = Scenario::ConsoleMfa;
  std::int64_t allowedUpTo = 0;  // the oldest MFA age tried at which they are still allowed
  std::int64_t deniedFrom = 0;   // the next age tried, at which they are not
  std::optional<std::int64_t> threshold;  // the aws:MultiFactorAuthAge value behind the limit
  // The sessions of this scenario (semantics §5.2). nullopt: AWS documents none (console).
  std::string sessionApi;  // "GetSessionToken", "AssumeRole", "console sign-in"
  std::optional<std::int64_t> sessionMinSeconds;
  std::optional<std::int64_t> sessionDefaultSeconds;
  std::optional<std::int64_t> sessionMaxSeconds;
  bool cutsShortestSession = false;  // deniedFrom <= the shortest session (900 s)
  bool cutsDefaultSession = false;   // deniedFrom <= the default session
  bool cutsLongestSession = false;   // deniedFrom <= the longest session
  // One or two sentences for people.
  std::string message;
  struct Lost {
    const ActionInfo* action = nullptr;
    std::string resource;
    std::size_t allowedBy = 0;            // statement that allowed it at allowedUpTo
    std::optional<std::size_t> deniedBy;  // the Deny at deniedFrom; nullopt: no Allow applies
  };
  std::vector<Lost> actions;
};

// A pitfall (docs/mfa-audit.md lists every id). Severity "error": the evaluation shows actions it
// lets through without MFA; "warning": the pattern lets nothing through with these policies but
// would with others, or an operational risk (lockout, MFA removal, NotAction gap; "error" for a
// gap under MfaAuditOptions::strict); "info": worth knowing.
struct AuditPitfall {
  std::string id;           // stable: "deny-bool-without-ifexists", "notaction-gap", ...
  std::string severity;     // "error", "warning", "info"
  std::string title;        // a few words
  std::string explanation;  // one or two sentences: what happens
  std::string fix;          // one sentence
  std::optional<std::size_t> statement;  // index into MfaAuditReport::statements
  std::vector<std::string> actions;      // evidence: actions concerned (may be empty)
};

struct AuditVerdict {
  bool mfaEnforced = false;
  bool strict = false;  // NotAction gaps also count against enforcement
  // Where the self-service set comes from: "notaction" (the force-MFA Deny statements) or
  // "bootstrap" (no such Deny: mfaBootstrapActions()).
  std::string selfServiceSource;
  std::vector<std::size_t> guardStatements;      // the force-MFA Deny statements found
  std::vector<std::string> selfServicePatterns;  // as written (NotAction) or the bootstrap list
  std::size_t violations = 0;  // distinct actions outside the set reachable without MFA
  std::string summary;         // one sentence
};

struct AuditMatrixRow {
  std::string service;              // prefix, "s3"
  std::vector<std::size_t> counts;  // allowed actions per run (MfaAuditReport::runs order)
};

struct MfaAuditOptions {
  // The caller (analysis/scenario.h forms). An IAM user (the default) is audited under the user
  // scenarios, and the role scenarios run as the role of the same name in the same account
  // (the same policies attached to a role). A role (or role-session) ARN: role scenarios only.
  // The root user: access-key, root, root-mfa. A federated-user ARN: federated only.
  std::string principal = std::string(kDefaultAuditPrincipal);
  // Request time, seconds since the epoch (aws:CurrentTime). Required.
  std::optional<std::int64_t> now;
  bool assumeRoleCarriesMfa = true;  // analysis/scenario.h; false = conservative reading
  // Scenarios to run; empty = every scenario that fits the principal.
  std::vector<Scenario> scenarios;
  // MFA ages to try; empty = auditMfaAges(thresholds found in the policies).
  std::vector<std::int64_t> mfaAges;
  // NotAction gaps make the verdict "not enforced".
  bool strict = false;
};

struct MfaAuditReport {
  // Identity policies, then the boundary, the SCPs, the resource and the session policy.
  std::vector<AuditedPolicy> policies;
  std::string principal;      // as audited
  std::string rolePrincipal;  // the role used for the role scenarios, if any
  std::int64_t now = 0;
  bool assumeRoleCarriesMfa = true;
  std::string assumeRoleReading;  // one sentence: which reading was used
  std::vector<std::int64_t> mfaAges;
  struct Threshold {
    std::int64_t seconds = 0;
    std::size_t statement = 0;
    std::string operatorName;  // as written
  };
  std::vector<Threshold> thresholds;  // aws:MultiFactorAuthAge values in the policies
  std::size_t actionsAudited = 0;
  std::size_t evaluations = 0;
  std::vector<std::string> needNoPermission;  // actions left out: callable without permission

  AuditVerdict verdict;
  std::vector<AuditRun> runs;
  std::vector<AuditReachable> reachableWithoutMfa;  // one per run without MFA
  std::vector<AuditAgeLimit> ageLimits;
  std::vector<AuditPitfall> pitfalls;
  std::vector<AuditMatrixRow> matrix;      // services with at least one allowed action, by prefix
  std::vector<std::size_t> totals;         // allowed actions per run
  std::vector<AuditStatement> statements;  // referred to by index from the sections above
  std::vector<std::string> notes;          // readings and limits, one sentence each
  std::size_t policyResources = 0;      // resource ARNs named in the policies, tried where they fit
  std::vector<Diagnostic> diagnostics;  // warnings from compiling the policies
};

// The aws:MultiFactorAuthAge thresholds of Numeric conditions in the documents.
[[nodiscard]] std::vector<MfaAuditReport::Threshold> mfaAgeThresholds(
    const PolicySetInput& input, std::vector<AuditStatement>* statements);
// The ages the audit tries: kDefaultAuditMfaAges and threshold-1, threshold, threshold+1 for
// each threshold (never negative), sorted, without duplicates.
[[nodiscard]] std::vector<std::int64_t> auditMfaAges(std::span<const std::int64_t> thresholds);

// The resource ARN used for an action: the ARN format of the first resource type the reference
// marks required (when it marks none: the type whose ARN has the fewest placeholders, so
// s3:GetObject gets the object rather than the access-point object), with ${Partition} and
// ${Account} from the principal, ${Region} = us-east-1, user-name placeholders of IAM ARNs (and
// IAM MFA device names) = the principal's own name (with its path for ...WithPath), and every
// other placeholder = its name in lower case (${BucketName} -> "bucketname"); "*" for actions
// without resource types.
[[nodiscard]] std::string representativeResource(const ActionInfo& action,
                                                 const PrincipalArn& principal);

// Runs the audit. Fails (InvalidArgument) on a principal analysis/scenario.h cannot parse, a
// missing time, or policies that do not compile.
[[nodiscard]] Result<MfaAuditReport> runMfaAudit(const PolicySetInput& input, const IamData& data,
                                                 const MfaAuditOptions& options);

}  // namespace policysim::analysis
