// MFA audit: proves whether a set of policies really forces MFA. Every action of the service
// authorization snapshot (analysis/iam_data.h) is evaluated under every credential scenario
// (analysis/scenario.h) and at MFA ages around the thresholds the policies mention, and the
// report says:
//   - the verdict: MFA is enforced iff no action outside the self-service set of semantics §5.3a
//     (mfaSelfServiceActions(), fixed: never the policy's own NotAction list) and the actions
//     the caller accepts is allowed under a scenario without MFA; the violations by risk;
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
// The actions a user needs to enrol MFA and obtain MFA credentials (semantics §5.3 pitfall 4).
[[nodiscard]] const std::vector<std::string_view>& mfaBootstrapActions();
// The self-service set of semantics §5.3a: what may be done without MFA, fixed by the rules and
// not by the policy under audit. The bootstrap actions, iam:ChangePassword and
// iam:GetAccountPasswordPolicy (first sign-in; on the caller itself) and sts:GetCallerIdentity.
// The audit's verdict and lint's NotAction-gap rule (PS406) judge against this one list.
[[nodiscard]] const std::vector<std::string_view>& mfaSelfServiceActions();

// How much an action reachable without MFA matters, most first: the verdict lists them so.
enum class MfaRisk : std::uint8_t {
  Credentials,  // creates, changes or removes credentials or MFA devices, or obtains credentials
  Privilege,    // changes permissions or identities (access level "Permissions management", IAM
                // and STS writes and tagging)
  Other,
};
[[nodiscard]] MfaRisk mfaRiskOf(const ActionInfo& action);
// "credentials", "privilege", "other".
[[nodiscard]] std::string_view mfaRiskName(MfaRisk risk);

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
  bool selfService = false;            // self-service here, or accepted: not a violation
  bool selfManagement = false;         // in mfaSelfServiceActions() (on any resource)
  bool accepted = false;               // accepted by MfaAuditOptions::acceptedWithoutMfa
  MfaRisk risk = MfaRisk::Other;
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
// would with others, or an operational risk (lockout, MFA removal, enrolment takeover, a latent
// NotAction gap; "error" for that gap under MfaAuditOptions::strict); "info": worth knowing.
struct AuditPitfall {
  std::string id;           // stable: "deny-bool-without-ifexists", "notaction-gap", ...
  std::string severity;     // "error", "warning", "info"
  std::string title;        // a few words
  std::string explanation;  // one or two sentences: what happens
  std::string fix;          // one sentence
  std::optional<std::size_t> statement;  // index into MfaAuditReport::statements
  std::vector<std::string> actions;      // evidence: actions concerned (may be empty)
};

// An action outside the self-service set that some scenario without MFA reaches.
struct AuditViolation {
  const ActionInfo* action = nullptr;
  MfaRisk risk = MfaRisk::Other;
  std::vector<std::size_t> runs;  // the runs without MFA that reach it (MfaAuditReport::runs)
  std::string resource;           // in the first of them: the first resource allowed
  std::size_t statement = 0;      // and the statement that allows it
};

// An action pattern the caller accepted as usable without MFA, and what it let through.
struct AuditAccepted {
  std::string pattern;               // as given
  std::vector<std::string> actions;  // reachable without MFA and accepted by it (first match)
};

struct AuditVerdict {
  bool mfaEnforced = false;
  bool strict = false;  // NotAction exemptions beyond the self-service set also fail it
  // Where the self-service set comes from: always "fixed" (semantics §5.3a; the policies'
  // NotAction lists are not trusted), plus what the caller accepted.
  std::string selfServiceSource;
  std::vector<std::size_t> guardStatements;      // the force-MFA Deny statements found
  std::vector<std::string> selfServicePatterns;  // mfaSelfServiceActions() then the accepted
  std::vector<std::string> guardExemptions;      // the guards' NotAction entries, as written
  std::vector<AuditAccepted> accepted;           // one per accepted pattern, in given order
  // The identity policies only deny: audited beside a policy allowing everything.
  bool besideAllowAll = false;
  std::string besideAllowAllReason;  // "", "deny-only" (automatic) or "requested" (the option)
  std::size_t violations = 0;        // distinct actions outside the set reachable without MFA
  // The same actions, credentials and MFA devices first, then privilege changes, then the
  // rest (IamData order within each).
  std::vector<AuditViolation> actionsWithoutMfa;
  std::string summary;  // one sentence
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
  // NotAction exemptions beyond the self-service set make the verdict "not enforced" even
  // when these policies grant none of them (they would leak beside other grants).
  bool strict = false;
  // Actions (IAM action patterns, wildcards allowed) a team knowingly allows without MFA: not
  // violations; the report names them. A pattern that matches no action fails the audit.
  std::vector<std::string> acceptedWithoutMfa;
  // Audit the identity policies beside one allowing everything (how guards are deployed), and
  // for sts:AssumeRole and kms:* beside a trust/key policy that trusts the account. Done
  // anyway when the identity policies only deny.
  bool besideAllowAll = false;
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
// missing time, policies that do not compile, or an accepted action pattern that matches no
// action of the data.
[[nodiscard]] Result<MfaAuditReport> runMfaAudit(const PolicySetInput& input, const IamData& data,
                                                 const MfaAuditOptions& options);

}  // namespace policysim::analysis
