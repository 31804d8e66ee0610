// Credential scenarios: fill a Request's context the way AWS does for one kind of caller
// (long-term access key, console sign-in, GetSessionToken, AssumeRole, root, federated user),
// so that a user does not have to remember which keys exist when. Grounded in
// ../shared/docs/iam-semantics.md §3.8, §3.9, §4.9 and §5; docs/scenarios.md has the table.
//
//   Request request;
//   request.action = "s3:GetObject";
//   request.resource = "arn:aws:s3:::bucket/key";
//   ScenarioOptions options;
//   options.scenario = Scenario::SessionMfa;
//   options.principal = "arn:aws:iam::111122223333:user/alice";
//   options.now = parseTimestamp("2026-11-22T10:00:00Z").value();
//   options.mfaAgeSeconds = 1200;
//   auto outcome = applyScenario(options, &request);  // Result<ScenarioOutcome>
//
// Keys the request already carries win over the scenario's values (explicit beats default):
// a key that is set is never replaced or removed. A flag-like option (now, ages, principal)
// that contradicts such a key is an input error rather than a silent choice.
//
// applyScenario never reads the clock: the caller passes `now` (or the request carries
// aws:CurrentTime / aws:EpochTime).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decision.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::analysis {

// Core vocabulary this header speaks in.
using engine::Request;
using engine::Result;

enum class Scenario {
  AccessKey,      // long-term access key of an IAM user (or of the root user): no MFA keys
  Console,        // console sign-in without MFA: MultiFactorAuthPresent false
  ConsoleMfa,     // console sign-in with MFA: true, age since sign-in
  SessionMfa,     // GetSessionToken with SerialNumber+TokenCode: true, age since the call
  SessionNoMfa,   // GetSessionToken without MFA: false
  AssumeRole,     // role session obtained without MFA: false
  AssumeRoleMfa,  // role session obtained with MFA: true + age (default reading) or false
  Root,           // root user signed in to the console without MFA: false
  RootMfa,        // root user signed in to the console with MFA: true, age since sign-in
  Federated,      // GetFederationToken session: false (no MFA support)
};

// What a principal ARN names.
enum class PrincipalKind { User, Root, Role, RoleSession, FederatedUser };

struct ScenarioInfo {
  Scenario scenario;
  std::string_view name;         // command-line name, e.g. "console-mfa"
  std::string_view description;  // one line for help text
  std::string_view keys;         // one line: which MFA/time keys the scenario sets
  std::string_view docUrl;       // the AWS documentation page that grounds it
  bool temporary;                // temporary credentials: aws:TokenIssueTime present
  bool mfa;                      // MFA was used to obtain the credentials
};

// Every scenario, in enum order.
[[nodiscard]] std::span<const ScenarioInfo> scenarioCatalog();
[[nodiscard]] const ScenarioInfo& scenarioInfo(Scenario scenario);
// "console-mfa" -> Scenario::ConsoleMfa (ASCII case-insensitive); nullopt when unknown.
[[nodiscard]] std::optional<Scenario> parseScenario(std::string_view name);
// "access-key, console, ..." for messages.
[[nodiscard]] std::string scenarioNames();

// Seconds since the credentials were issued (and since MFA, for MFA scenarios) when nothing
// else says: five minutes into the session.
inline constexpr std::int64_t kDefaultCredentialAgeSeconds = 300;
// Role-session / federated-user name when none is given.
inline constexpr std::string_view kDefaultSessionName = "policysim";

struct ScenarioOptions {
  Scenario scenario = Scenario::AccessKey;
  // The caller: an IAM user ARN, a role ARN (or a role-session ARN) for assume-role*, any ARN of
  // the account (or the bare account ID) for root*. Empty = the request's principal. The
  // request's principal is replaced by the ARN AWS reports for the scenario (user, root,
  // assumed-role session or federated-user ARN).
  std::string principal;
  // Request time, seconds since the epoch. nullopt = the request's aws:CurrentTime (or
  // aws:EpochTime); an error when neither exists. Contradicting the request's time is an error.
  std::optional<std::int64_t> now;
  // Seconds since MFA was used (MFA scenarios only; the credentials were issued then too).
  std::optional<std::int64_t> mfaAgeSeconds;
  // Seconds since the temporary credentials were issued (temporary scenarios only).
  // When neither age is given: derived from an explicit aws:MultiFactorAuthAge or
  // aws:TokenIssueTime in the request, else kDefaultCredentialAgeSeconds.
  std::optional<std::int64_t> sessionAgeSeconds;
  // assume-role-mfa: true = sessions carry MultiFactorAuthPresent true and the age since the
  // AssumeRole call (what CloudTrail records); false = the conservative reading of the
  // MFA-protected-API page: key present with false, age absent (semantics §5.1 AMBIGUOUS).
  bool assumeRoleCarriesMfa = true;
  // Role-session name (assume-role*) or federated-user name (federated); empty =
  // taken from a session/federated ARN, else the user name (federated), else
  // kDefaultSessionName.
  std::string sessionName;
  // The IAM unique ID of the user or role (AIDA..., AROA...) for aws:userid. Without it
  // aws:userid is set only where it is derivable (root: the account ID; federated users:
  // account:name) and left absent for users and role sessions.
  std::string uniqueId;
};

struct ScenarioOutcome {
  Scenario scenario = Scenario::AccessKey;
  PrincipalKind principalKind = PrincipalKind::User;
  std::int64_t now = 0;
  std::optional<std::int64_t> credentialAgeSeconds;  // temporary scenarios
  // Keys the scenario would have set but the request already carried (kept as they were).
  std::vector<std::string> keptKeys;
  // Readings applied where AWS's documentation is ambiguous, one sentence each.
  std::vector<std::string> notes;
};

// Fills *request's principal and context for the scenario. Fails (InvalidArgument, nothing
// changed) on impossible inputs: a principal the scenario cannot have (assume-role with a
// user ARN), negative ages, an age beyond the longest session of that kind (e.g. a root
// GetSessionToken session older than 3,600 s, semantics §6 item 57), an MFA age for a
// scenario without MFA, options contradicting keys the request already carries, no time.
[[nodiscard]] Result<ScenarioOutcome> applyScenario(const ScenarioOptions& options,
                                                    Request* request);

// The longest credential age possible for the scenario and principal kind: GetSessionToken
// 129,600 s (root 3,600 s), AssumeRole 43,200 s, GetFederationToken 129,600 s (root 3,600 s);
// nullopt when AWS documents no limit (console sessions) or the credentials are long-term.
[[nodiscard]] std::optional<std::int64_t> maxCredentialAgeSeconds(Scenario scenario,
                                                                  PrincipalKind kind);

// Calls AWS refuses for these credentials before evaluating any policy (semantics §4.9), e.g.
// IAM calls with GetSessionToken credentials obtained without MFA. Returns the reason, or
// nullopt when the credentials may make the call (policies then decide).
[[nodiscard]] std::optional<std::string> credentialRestriction(Scenario scenario,
                                                               std::string_view action);
// The rule as a decision sees it: a restricted call is never allowed (an allow becomes an
// implicit deny, saying why) and its decision carries the restriction as an error.
void applyCredentialRestriction(Scenario scenario, const Request& request,
                                engine::Decision* decision);

// A parsed principal ARN (or bare account ID = root).
struct PrincipalArn {
  PrincipalKind kind = PrincipalKind::User;
  std::string partition = "aws";
  std::string account;
  std::string name;         // user, role, or federated-user name; empty for root
  std::string path;         // "/" or "/division/" for users and roles
  std::string sessionName;  // RoleSession only
  bool pathKnown = true;    // false for a session ARN: it does not carry the role's path
};
[[nodiscard]] Result<PrincipalArn> parsePrincipalArn(std::string_view text);

// The global condition keys AWS derives from the caller (empty = absent): aws:PrincipalArn (a
// role session's role; absent when the role's path is unknown, rather than guessed),
// aws:PrincipalAccount, aws:PrincipalType, aws:username (IAM users) and aws:userid (when the
// ARN tells it: root and federated users).
struct PrincipalKeys {
  std::string principalArn;
  std::string account;
  std::string principalType;
  std::string userName;
  std::string userId;
};
[[nodiscard]] PrincipalKeys principalKeys(const PrincipalArn& caller);
// Sets each key the request does not carry already, and returns the names of those it kept:
// the one derivation scenarios, replay and serve use.
std::vector<std::string> setPrincipalKeys(const PrincipalKeys& keys, Request* request);

// Timestamps as IAM's date keys read them: ISO 8601 (W3C profile) or epoch seconds, also the
// compact form CloudTrail used in old records ("20131102T010628Z"). Fractions are truncated.
[[nodiscard]] Result<std::int64_t> parseTimestamp(std::string_view text);
// "2026-11-22T10:00:00Z".
[[nodiscard]] std::string formatTimestamp(std::int64_t epochSeconds);

}  // namespace policysim::analysis
