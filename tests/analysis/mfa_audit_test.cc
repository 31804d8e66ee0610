// MFA audit (analysis/mfa_audit.h): the verdict for the shipped force_mfa.json and broken
// variants of it (semantics §5.3 pitfalls), statement attribution, MFA age limits against
// session durations (§5.2), the representative-resource rule and the AssumeRole reading (§5.1);
// and the report's text, JSON and HTML forms (analysis/mfa_audit_report.h).
#include "analysis/mfa_audit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "analysis/internal/mfa_conditions.h"
#include "analysis/internal/mfa_self_service.h"
#include "analysis/mfa_audit_report.h"
#include "engine/policy_json.h"

namespace {

using namespace policysim::engine;
using namespace policysim::analysis;

constexpr std::int64_t kNow = 1795341600;  // 2026-11-22T10:00:00Z

const IamData& data() {
  static const std::shared_ptr<const IamData> loaded = [] {
    auto result = loadShippedIamData();
    EXPECT_TRUE(result.ok()) << result.status().toString();
    return result.value();
  }();
  return *loaded;
}

std::string readPolicy(const std::string& name) {
  std::ifstream in(std::string(POLICYSIM_POLICIES_DIR) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

PolicySetInput identity(const std::vector<std::string>& texts) {
  PolicySetInput input;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::string name = "p";  // (built step by step: GCC 12 misreports -Wrestrict otherwise)
    name += std::to_string(i);
    name += ".json";
    auto doc = parsePolicyDocument(texts[i], name, PolicyKind::Identity);
    EXPECT_TRUE(doc.ok()) << doc.status().toString();
    input.identity.push_back(std::move(doc).value());
  }
  return input;
}

MfaAuditReport audit(const PolicySetInput& input, MfaAuditOptions options = {}) {
  options.now = kNow;
  auto report = runMfaAudit(input, data(), options);
  EXPECT_TRUE(report.ok()) << report.status().toString();
  return report.ok() ? std::move(report).value() : MfaAuditReport{};
}

const AuditPitfall* pitfall(const MfaAuditReport& r, const std::string& id) {
  for (const AuditPitfall& p : r.pitfalls) {
    if (p.id == id) {
      return &p;
    }
  }
  return nullptr;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

const AuditRun* run(const MfaAuditReport& r, Scenario s, std::optional<std::int64_t> age = {}) {
  for (const AuditRun& run : r.runs) {
    if (run.scenario == s && (!age || run.mfaAge == age)) {
      return &run;
    }
  }
  return nullptr;
}

const AuditReachable* reachable(const MfaAuditReport& r, Scenario s) {
  for (const AuditReachable& reach : r.reachableWithoutMfa) {
    if (r.runs[reach.run].scenario == s) {
      return &reach;
    }
  }
  return nullptr;
}

const AuditAllowedAction* allowed(const AuditReachable& reach, std::string_view action) {
  for (const AuditAllowedAction& a : reach.actions) {
    if (a.action->fullName == action) {
      return &a;
    }
  }
  return nullptr;
}

TEST(MfaAudit, ShippedForceMfaIsEnforced) {
  const MfaAuditReport r = audit(identity({readPolicy("force_mfa.json")}));
  EXPECT_TRUE(r.verdict.mfaEnforced) << r.verdict.summary;
  EXPECT_EQ(r.verdict.violations, 0U);
  EXPECT_EQ(r.verdict.selfServiceSource, "fixed");
  EXPECT_FALSE(r.verdict.besideAllowAll);
  ASSERT_EQ(r.verdict.guardStatements.size(), 1U);
  EXPECT_EQ(r.statements[r.verdict.guardStatements[0]].sid, "DenyEverythingElseWithoutMFA");
  // Enrolment without MFA is the documented pattern, and a takeover risk (§5.3 pitfall 7): a
  // warning; nothing else but notes.
  for (const AuditPitfall& p : r.pitfalls) {
    EXPECT_EQ(p.severity, p.id == "enrolment-takeover" ? "warning" : "info")
        << p.id << ": " << p.explanation;
  }
  const AuditPitfall* takeover = pitfall(r, "enrolment-takeover");
  ASSERT_NE(takeover, nullptr);
  EXPECT_EQ(takeover->actions,
            (std::vector<std::string>{"iam:CreateVirtualMFADevice", "iam:EnableMFADevice"}));
  EXPECT_NE(takeover->explanation.find("eight per user"), std::string::npos);
  EXPECT_NE(takeover->fix.find("CloudTrail"), std::string::npos);
  EXPECT_NE(takeover->fix.find("aws:SourceIp"), std::string::npos);
  EXPECT_EQ(r.statements[*takeover->statement].sid, "OwnUserMFA");
  // Every scenario that fits an IAM user ran; MFA ages: the defaults (no age threshold).
  EXPECT_EQ(r.mfaAges, (std::vector<std::int64_t>{60, 3600}));
  EXPECT_EQ(r.rolePrincipal, "arn:aws:iam::111122223333:role/alice");
  for (const Scenario s : {Scenario::AccessKey, Scenario::Console, Scenario::SessionNoMfa,
                           Scenario::AssumeRole, Scenario::Federated}) {
    const AuditRun* found = run(r, s);
    ASSERT_NE(found, nullptr) << scenarioInfo(s).name;
    EXPECT_EQ(found->outsideSelfService, 0U) << scenarioInfo(s).name;
  }
  // Without MFA only the enrolment actions (and the first-sign-in pair) are reachable.
  const AuditReachable* keys = reachable(r, Scenario::AccessKey);
  ASSERT_NE(keys, nullptr);
  EXPECT_EQ(keys->actions.size(), 8U);
  EXPECT_EQ(allowed(*keys, "iam:CreateAccessKey"), nullptr);
  // GetSessionToken credentials without MFA cannot call IAM at all (§4.9).
  EXPECT_TRUE(reachable(r, Scenario::SessionNoMfa)->actions.empty());
  EXPECT_GT(run(r, Scenario::SessionNoMfa)->credentialRestricted, 0U);
  // With MFA every self-management statement works.
  EXPECT_EQ(run(r, Scenario::ConsoleMfa, 60)->allowed, 28U);
  EXPECT_TRUE(r.ageLimits.empty());
  EXPECT_TRUE(contains(r.needNoPermission, "sts:GetCallerIdentity"));
  EXPECT_NE(pitfall(r, "guard-blocks-service-calls"), nullptr);
}

TEST(MfaAudit, AttributesEachReachableActionToItsStatement) {
  const MfaAuditReport r = audit(identity({readPolicy("force_mfa.json")}));
  const AuditReachable* console = reachable(r, Scenario::Console);
  ASSERT_NE(console, nullptr);
  struct Expected {
    std::string_view action, resource, sid;
    std::size_t index, line;
  };
  for (const Expected& e : {
           Expected{"iam:ChangePassword", "arn:aws:iam::111122223333:user/alice", "OwnPassword", 1,
                    13},
           Expected{"iam:CreateVirtualMFADevice", "arn:aws:iam::111122223333:mfa/alice",
                    "CreateVirtualMFADevice", 6, 69},
           Expected{"iam:ListVirtualMFADevices", "*", "ViewAccountWideSettings", 0, 4},
           Expected{"iam:EnableMFADevice", "arn:aws:iam::111122223333:user/alice", "OwnUserMFA", 7,
                    75},
       }) {
    const AuditAllowedAction* a = allowed(*console, e.action);
    ASSERT_NE(a, nullptr) << e.action;
    EXPECT_EQ(a->resource, e.resource);
    EXPECT_TRUE(a->selfService);
    const AuditStatement& st = r.statements[a->statement];
    EXPECT_EQ(st.sid, e.sid) << e.action;
    EXPECT_EQ(st.index, e.index);
    EXPECT_EQ(st.line, e.line);
    EXPECT_EQ(st.column, 5U);
    EXPECT_EQ(st.policy, "p0.json");
    EXPECT_EQ(st.effect, Effect::Allow);
  }
  EXPECT_EQ(r.statements[allowed(*console, "iam:ChangePassword")->statement].label(),
            "Allow \"OwnPassword\" (p0.json:13:5, identity policy)");
}

TEST(MfaAudit, BoolInsteadOfBoolIfExistsLeavesLongTermKeysAndIsReported) {
  const MfaAuditReport r =
      audit(identity({replaced(readPolicy("force_mfa.json"), "\"BoolIfExists\"", "\"Bool\"")}));
  EXPECT_FALSE(r.verdict.mfaEnforced);
  EXPECT_GT(r.verdict.violations, 0U);
  // Truth table §5.3: long-term keys (key absent) pass, sessions without MFA (false) do not.
  EXPECT_GT(run(r, Scenario::AccessKey)->outsideSelfService, 0U);
  EXPECT_EQ(run(r, Scenario::Console)->outsideSelfService, 0U);
  const AuditPitfall* p = pitfall(r, "deny-bool-without-ifexists");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->severity, "error");
  ASSERT_TRUE(p->statement.has_value());
  EXPECT_EQ(r.statements[*p->statement].sid, "DenyEverythingElseWithoutMFA");
  EXPECT_NE(p->explanation.find("long-term access keys"), std::string::npos);
  EXPECT_NE(p->fix.find("BoolIfExists"), std::string::npos);
  EXPECT_TRUE(contains(p->actions, "iam:CreateAccessKey"));
  // Credited to the Allow that grants it.
  const AuditAllowedAction* a = allowed(*reachable(r, Scenario::AccessKey), "iam:CreateAccessKey");
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->selfService);
  EXPECT_EQ(r.statements[a->statement].sid, "OwnAccessKeys");
}

TEST(MfaAudit, BoolPitfallIsFoundNextToAnotherBoolIfExistsDeny) {
  // ec2_require_mfa.json has a BoolIfExists Deny of its own (stop/terminate only): it must not
  // hide the broken guard, and the violations are credited to the pitfall, not reported again.
  const MfaAuditReport r =
      audit(identity({replaced(readPolicy("force_mfa.json"), "\"BoolIfExists\"", "\"Bool\""),
                      readPolicy("ec2_require_mfa.json")}));
  EXPECT_FALSE(r.verdict.mfaEnforced);
  const AuditPitfall* p = pitfall(r, "deny-bool-without-ifexists");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->severity, "error");
  EXPECT_TRUE(contains(p->actions, "ec2:AcceptAddressTransfer"));
  EXPECT_EQ(pitfall(r, "guard-incomplete"), nullptr);
}

TEST(MfaAudit, GuardThatLeavesResourcesOutIsIncomplete) {
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [
      {"Sid": "Work", "Effect": "Allow", "Action": ["s3:GetObject", "ec2:RebootInstances"],
       "Resource": "*"},
      {"Sid": "S3OnlyGuard", "Effect": "Deny", "NotAction": "iam:ListMFADevices",
       "Resource": "arn:aws:s3:::*",
       "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})";
  const MfaAuditReport r = audit(identity({policy}));
  EXPECT_FALSE(r.verdict.mfaEnforced);
  EXPECT_EQ(r.verdict.violations, 1U);
  const AuditPitfall* p = pitfall(r, "guard-incomplete");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->actions, (std::vector<std::string>{"ec2:RebootInstances"}));
  EXPECT_EQ(r.statements[*p->statement].sid, "Work");
}

TEST(MfaAudit, NotActionBeyondTheSelfServiceSetIsNotTrusted) {
  const std::string policy =
      replaced(readPolicy("force_mfa.json"), "\"iam:GetAccountPasswordPolicy\"\n      ],",
               "\"iam:GetAccountPasswordPolicy\", \"s3:GetObject\", \"ec2:Describe*\"\n      ],");
  const std::string data = R"({"Version": "2012-10-17", "Statement": [
      {"Sid": "Data", "Effect": "Allow", "Action": ["s3:GetObject", "ec2:DescribeInstances"],
       "Resource": "*"}]})";
  const MfaAuditReport r = audit(identity({policy, data}));
  // The policy's NotAction list does not decide what is self-service (semantics §5.3a).
  EXPECT_FALSE(r.verdict.mfaEnforced) << r.verdict.summary;
  EXPECT_EQ(r.verdict.violations, 2U);
  const AuditPitfall* p = pitfall(r, "notaction-gap");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->severity, "error");
  // Reachable ones first in each entry; ec2:Describe* also exempts the other Describe calls.
  EXPECT_EQ(p->actions.front(), "s3:GetObject");
  EXPECT_TRUE(contains(p->actions, "ec2:DescribeInstances"));
  EXPECT_NE(p->explanation.find("s3:GetObject (1, 1 allowed here)"), std::string::npos)
      << p->explanation;
  EXPECT_NE(p->explanation.find("ec2:Describe* ("), std::string::npos) << p->explanation;
  EXPECT_EQ(r.statements[*p->statement].sid, "DenyEverythingElseWithoutMFA");
  EXPECT_EQ(pitfall(r, "guard-incomplete"), nullptr);  // explained by the gap
  const AuditAllowedAction* a = allowed(*reachable(r, Scenario::AccessKey), "s3:GetObject");
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->selfService);
  EXPECT_FALSE(a->selfManagement);
  EXPECT_EQ(r.statements[a->statement].sid, "Data");
  EXPECT_EQ(r.statements[a->statement].policy, "p1.json");

  // Accepted explicitly: the verdict holds, and the report names what was accepted.
  MfaAuditOptions accepting;
  accepting.acceptedWithoutMfa = {"s3:GetObject", "ec2:DescribeInstances"};
  const MfaAuditReport ok = audit(identity({policy, data}), accepting);
  EXPECT_TRUE(ok.verdict.mfaEnforced) << ok.verdict.summary;
  ASSERT_EQ(ok.verdict.accepted.size(), 2U);
  EXPECT_EQ(ok.verdict.accepted[0].pattern, "s3:GetObject");
  EXPECT_EQ(ok.verdict.accepted[0].actions, (std::vector<std::string>{"s3:GetObject"}));
  EXPECT_EQ(ok.verdict.accepted[1].actions, (std::vector<std::string>{"ec2:DescribeInstances"}));
  EXPECT_NE(ok.verdict.summary.find("accepted"), std::string::npos);
  EXPECT_TRUE(allowed(*reachable(ok, Scenario::AccessKey), "s3:GetObject")->accepted);
  // The other Describe calls stay exempted, not granted: a latent gap, a warning...
  EXPECT_EQ(pitfall(ok, "notaction-gap")->severity, "warning");
  // ...that --strict makes fail.
  accepting.strict = true;
  const MfaAuditReport strict = audit(identity({policy, data}), accepting);
  EXPECT_FALSE(strict.verdict.mfaEnforced);
  EXPECT_EQ(pitfall(strict, "notaction-gap")->severity, "error");
}

TEST(MfaAudit, ViolationsAreListedByRisk) {
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": ["s3:GetObject", "iam:AttachUserPolicy",
                                     "iam:CreateAccessKey", "ec2:RunInstances"],
       "Resource": "*"}]})";
  const MfaAuditReport r = audit(identity({policy}));
  ASSERT_EQ(r.verdict.actionsWithoutMfa.size(), 4U);
  std::vector<std::string> order;
  for (const AuditViolation& v : r.verdict.actionsWithoutMfa) {
    order.emplace_back(v.action->fullName);
    EXPECT_FALSE(v.runs.empty());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"iam:CreateAccessKey", "iam:AttachUserPolicy",
                                             "ec2:RunInstances", "s3:GetObject"}));
  EXPECT_EQ(r.verdict.actionsWithoutMfa[0].risk, MfaRisk::Credentials);
  EXPECT_EQ(r.verdict.actionsWithoutMfa[1].risk, MfaRisk::Privilege);
  EXPECT_NE(r.verdict.summary.find("1 on credentials or MFA devices, 1 changing privileges"),
            std::string::npos)
      << r.verdict.summary;
}

TEST(MfaAudit, FirstSignInActionsAreSelfServiceWithoutAGuard) {
  // A password-only policy: the first sign-in actions, nothing else (semantics §5.3a).
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "iam:GetAccountPasswordPolicy", "Resource": "*"},
      {"Effect": "Allow", "Action": "iam:ChangePassword",
       "Resource": "arn:aws:iam::*:user/${aws:username}"}]})";
  EXPECT_TRUE(audit(identity({policy})).verdict.mfaEnforced);
  // iam:ChangePassword names no user (it always changes the caller's password): granted on
  // every user it is still self-service.
  const std::string anyUser = R"({"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "arn:aws:iam::*:user/*"}]})";
  EXPECT_TRUE(audit(identity({anyUser})).verdict.mfaEnforced);
  // A user with a path is still the caller on user/${aws:username} (names are unique in an
  // account), so AWS's self-manage pattern stays enforced for them.
  MfaAuditOptions pathed;
  pathed.principal = "arn:aws:iam::111122223333:user/division/alice";
  EXPECT_TRUE(audit(identity({readPolicy("force_mfa.json")}), pathed).verdict.mfaEnforced);
  // On the caller itself only: the same actions on every user are violations.
  const std::string others = R"({"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": ["iam:EnableMFADevice", "iam:ListMFADevices"],
       "Resource": "arn:aws:iam::*:user/*"}]})";
  const MfaAuditReport r = audit(identity({others}));
  EXPECT_FALSE(r.verdict.mfaEnforced);
  ASSERT_FALSE(r.verdict.actionsWithoutMfa.empty());
  EXPECT_EQ(r.verdict.actionsWithoutMfa[0].action->fullName, "iam:EnableMFADevice");
}

TEST(MfaAudit, SensitiveNotActionEntriesAndLockout) {
  std::string policy =
      replaced(readPolicy("force_mfa.json"), "\"iam:GetAccountPasswordPolicy\"\n      ],",
               "\"iam:GetAccountPasswordPolicy\", \"iam:DeactivateMFADevice\"\n      ],");
  policy = replaced(policy, "\"iam:EnableMFADevice\",\n        \"iam:ResyncMFADevice\",",
                    "\"iam:ResyncMFADevice\",");
  const MfaAuditReport r = audit(identity({policy}));
  const AuditPitfall* sensitive = pitfall(r, "notaction-exempts-sensitive");
  ASSERT_NE(sensitive, nullptr);
  EXPECT_EQ(sensitive->actions, (std::vector<std::string>{"iam:DeactivateMFADevice"}));
  const AuditPitfall* lockout = pitfall(r, "notaction-lockout");
  ASSERT_NE(lockout, nullptr);
  EXPECT_EQ(lockout->actions, (std::vector<std::string>{"iam:EnableMFADevice"}));
}

TEST(MfaAudit, AgeThresholdIsComparedWithSessionDurations) {
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [
      {"Sid": "RecentMfaOnly", "Effect": "Allow", "Action": "ec2:StartInstances",
       "Resource": "*", "Condition": {
         "Bool": {"aws:MultiFactorAuthPresent": "true"},
         "NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}}]})";
  const MfaAuditReport r = audit(identity({policy}));
  EXPECT_TRUE(r.verdict.mfaEnforced) << r.verdict.summary;
  EXPECT_EQ(r.mfaAges, (std::vector<std::int64_t>{60, 3599, 3600, 3601}));
  ASSERT_EQ(r.thresholds.size(), 1U);
  EXPECT_EQ(r.thresholds[0].seconds, 3600);
  EXPECT_EQ(r.thresholds[0].operatorName, "NumericLessThanEquals");

  auto limitOf = [&](Scenario s) -> const AuditAgeLimit* {
    for (const AuditAgeLimit& l : r.ageLimits) {
      if (l.scenario == s) {
        return &l;
      }
    }
    return nullptr;
  };
  const AuditAgeLimit* session = limitOf(Scenario::SessionMfa);
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->allowedUpTo, 3600);
  EXPECT_EQ(session->deniedFrom, 3601);
  EXPECT_EQ(session->threshold, 3600);
  EXPECT_EQ(session->sessionApi, "GetSessionToken");
  EXPECT_EQ(session->sessionDefaultSeconds, 43200);
  EXPECT_EQ(session->sessionMaxSeconds, 129600);
  EXPECT_TRUE(session->cutsDefaultSession);
  EXPECT_FALSE(session->cutsShortestSession);
  EXPECT_NE(session->message.find("shorter than a default GetSessionToken session"),
            std::string::npos)
      << session->message;
  ASSERT_EQ(session->actions.size(), 1U);
  EXPECT_EQ(session->actions[0].action->fullName, "ec2:StartInstances");
  EXPECT_EQ(session->actions[0].resource, "arn:aws:ec2:us-east-1:111122223333:instance/instanceid");
  EXPECT_EQ(r.statements[session->actions[0].allowedBy].sid, "RecentMfaOnly");
  EXPECT_FALSE(session->actions[0].deniedBy.has_value());  // no Allow applies any more

  // A default AssumeRole session (3,600 s) ends before the limit; longer ones reach it.
  const AuditAgeLimit* role = limitOf(Scenario::AssumeRoleMfa);
  ASSERT_NE(role, nullptr);
  EXPECT_FALSE(role->cutsDefaultSession);
  EXPECT_TRUE(role->cutsLongestSession);
  // Console sessions: AWS documents no maximum.
  const AuditAgeLimit* console = limitOf(Scenario::ConsoleMfa);
  ASSERT_NE(console, nullptr);
  EXPECT_FALSE(console->sessionDefaultSeconds.has_value());
}

TEST(MfaAudit, ShippedRecentMfaPolicyLosesProductionAtThirtyMinutes) {
  const MfaAuditReport r = audit(identity({readPolicy("s3_production_recent_mfa.json")}));
  EXPECT_EQ(r.mfaAges, (std::vector<std::int64_t>{60, 1799, 1800, 1801, 3600}));
  const AuditAgeLimit* limit = nullptr;
  for (const AuditAgeLimit& l : r.ageLimits) {
    if (l.scenario == Scenario::SessionMfa) {
      limit = &l;
    }
  }
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->allowedUpTo, 1800);  // NumericGreaterThanIfExists 1800 is strict
  EXPECT_EQ(limit->deniedFrom, 1801);
  const auto lost = std::find_if(limit->actions.begin(), limit->actions.end(), [](const auto& a) {
    return a.action->fullName == "s3:GetObject";
  });
  ASSERT_NE(lost, limit->actions.end());
  // The production bucket comes from the policy's own Resource (representative resources
  // would miss it).
  EXPECT_EQ(lost->resource, "arn:aws:s3:::production/example");
  ASSERT_TRUE(lost->deniedBy.has_value());
  EXPECT_EQ(r.statements[*lost->deniedBy].sid, "ProductionNeedsMFAWithinThirtyMinutes");
  EXPECT_EQ(r.statements[lost->allowedBy].sid, "ObjectReadWrite");
  // Not a force-MFA policy: the other buckets work without MFA.
  EXPECT_FALSE(r.verdict.mfaEnforced);
  EXPECT_NE(pitfall(r, "allow-without-mfa"), nullptr);
}

TEST(MfaAudit, ResourcesNamedInThePoliciesAreTried) {
  // Granted on one bucket only: the representative bucket ARN does not match, the policy's
  // does, so the grant without MFA is found.
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public/*"},
      {"Effect": "Allow", "Action": "s3:PutObject",
       "Resource": "arn:aws:s3:::home/${aws:username}/*"}]})";
  const MfaAuditReport r = audit(identity({policy}));
  EXPECT_FALSE(r.verdict.mfaEnforced);
  const AuditReachable* keys = reachable(r, Scenario::AccessKey);
  ASSERT_NE(keys, nullptr);
  const AuditAllowedAction* get = allowed(*keys, "s3:GetObject");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->resource, "arn:aws:s3:::public/example");
  EXPECT_EQ(r.statements[get->statement].label(),
            "Allow statement #1 (p0.json:2:7, identity policy)");
  const AuditAllowedAction* put = allowed(*keys, "s3:PutObject");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->resource, "arn:aws:s3:::home/alice/example");
  // Bucket-level actions are not tried on object ARNs.
  EXPECT_EQ(allowed(*keys, "s3:ListBucket"), nullptr);
  const AuditPitfall* p = pitfall(r, "allow-without-mfa");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->severity, "error");
}

TEST(MfaAudit, PolicyResourcesThatAreNotArnsAreNotTried) {
  // No request carries an ARN without a partition or a service (grammar/arn.h), so such
  // Resource values give no candidate; the well-formed one does.
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:GetObject",
       "Resource": ["arn::s3:::nopartition/*", "arn:aws::::noservice", "arn:aws:s3:::ok/*"]}]})";
  const MfaAuditReport r = audit(identity({policy}));
  EXPECT_EQ(r.policyResources, 1U);
  const AuditReachable* keys = reachable(r, Scenario::AccessKey);
  ASSERT_NE(keys, nullptr);
  const AuditAllowedAction* get = allowed(*keys, "s3:GetObject");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->resource, "arn:aws:s3:::ok/example");
}

TEST(MfaAudit, CallsTheCredentialsCannotMakeFollowTheScenarioRule) {
  // The audit's count of refused calls is credentialRestriction() (analysis/scenario.h) over
  // every audited action, whatever the service: no rule of its own.
  const MfaAuditReport r = audit(identity({readPolicy("force_mfa.json")}));
  ASSERT_FALSE(r.runs.empty());
  for (const AuditRun& situation : r.runs) {
    std::size_t refused = 0;
    for (const ActionInfo* action : data().allActions()) {
      if (!contains(r.needNoPermission, std::string(action->fullName)) &&
          credentialRestriction(situation.scenario, action->fullName)) {
        ++refused;
      }
    }
    EXPECT_EQ(situation.credentialRestricted, refused) << situation.id();
  }
  EXPECT_GT(run(r, Scenario::SessionNoMfa)->credentialRestricted, 0U);
}

TEST(MfaAudit, AllowWithBoolIfExistsGrantsLongTermKeys) {
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [
      {"Sid": "ConsoleStyle", "Effect": "Allow", "Action": "ec2:TerminateInstances",
       "Resource": "*",
       "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}]})";
  const MfaAuditReport r = audit(identity({policy}));
  EXPECT_FALSE(r.verdict.mfaEnforced);
  EXPECT_EQ(run(r, Scenario::AccessKey)->allowed, 1U);  // absent key: granted
  EXPECT_EQ(run(r, Scenario::Console)->allowed, 0U);    // false: not granted
  const AuditPitfall* p = pitfall(r, "allow-ifexists-grants-long-term-keys");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->severity, "error");
  EXPECT_EQ(p->actions, (std::vector<std::string>{"ec2:TerminateInstances"}));
  EXPECT_EQ(r.statements[*p->statement].sid, "ConsoleStyle");
}

TEST(MfaAudit, NullCheckAloneAndAgeWithoutNullCheck) {
  const std::string allowAll = R"({"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}]})";
  const std::string nullOnly = R"({"Version": "2012-10-17", "Statement": [
      {"Sid": "NullOnly", "Effect": "Deny", "NotAction": "iam:ListMFADevices", "Resource": "*",
       "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}}}]})";
  MfaAuditReport r = audit(identity({allowAll, nullOnly}));
  EXPECT_FALSE(r.verdict.mfaEnforced);
  EXPECT_EQ(run(r, Scenario::AccessKey)->allowed, 0U);  // absent key: denied
  EXPECT_EQ(run(r, Scenario::Console)->allowed, 1U);    // false: spared
  ASSERT_NE(pitfall(r, "deny-null-only"), nullptr);
  EXPECT_EQ(pitfall(r, "deny-null-only")->severity, "error");

  const std::string ageOnly = R"({"Version": "2012-10-17", "Statement": [
      {"Sid": "OldMfa", "Effect": "Deny", "Action": "*", "Resource": "*",
       "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "900"}}}]})";
  r = audit(identity({allowAll, ageOnly}));
  EXPECT_FALSE(r.verdict.mfaEnforced);
  const AuditPitfall* p = pitfall(r, "deny-age-without-null-check");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->severity, "error");
  EXPECT_NE(p->fix.find("NumericGreaterThanIfExists"), std::string::npos);
  // The Deny still cuts MFA sessions at 900 s: shorter than even the shortest session? No:
  // 901 s > 900 s, so it cuts the default sessions only.
  bool found = false;
  for (const AuditAgeLimit& l : r.ageLimits) {
    if (l.scenario == Scenario::SessionMfa) {
      found = true;
      EXPECT_EQ(l.deniedFrom, 901);
      EXPECT_FALSE(l.cutsShortestSession);
      EXPECT_TRUE(l.cutsDefaultSession);
      ASSERT_FALSE(l.actions.empty());
      EXPECT_EQ(r.statements[*l.actions[0].deniedBy].sid, "OldMfa");
    }
  }
  EXPECT_TRUE(found);
}

TEST(MfaAudit, AssumeRoleReadings) {
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*",
       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})";
  MfaAuditOptions options;
  options.principal = "arn:aws:iam::111122223333:role/ProdAdmin";
  MfaAuditReport r = audit(identity({policy}), options);
  ASSERT_EQ(r.runs.size(), 3U);  // assume-role, assume-role-mfa at 60 s and 3,600 s
  EXPECT_TRUE(r.rolePrincipal.empty());
  EXPECT_EQ(run(r, Scenario::AssumeRoleMfa, 60)->allowed, 1U);
  EXPECT_NE(r.assumeRoleReading.find("default reading"), std::string::npos);

  options.assumeRoleCarriesMfa = false;
  r = audit(identity({policy}), options);
  EXPECT_EQ(run(r, Scenario::AssumeRoleMfa, 60)->allowed, 0U);
  EXPECT_NE(r.assumeRoleReading.find("conservative reading"), std::string::npos);
  EXPECT_TRUE(r.verdict.mfaEnforced);
}

TEST(MfaAudit, RepresentativeResources) {
  auto principal = parsePrincipalArn("arn:aws:iam::111122223333:user/division/alice");
  ASSERT_TRUE(principal.ok());
  auto resource = [&](std::string_view action) {
    const ActionInfo* info = data().action(action);
    EXPECT_NE(info, nullptr) << action;
    return info == nullptr ? std::string() : representativeResource(*info, principal.value());
  };
  EXPECT_EQ(resource("s3:GetObject"), "arn:aws:s3:::bucketname/objectname");
  EXPECT_EQ(resource("s3:ListAllMyBuckets"), "*");
  EXPECT_EQ(resource("iam:ChangePassword"), "arn:aws:iam::111122223333:user/division/alice");
  EXPECT_EQ(resource("iam:CreateVirtualMFADevice"), "arn:aws:iam::111122223333:mfa/division/alice");
  EXPECT_EQ(resource("ec2:StopInstances"),
            "arn:aws:ec2:us-east-1:111122223333:instance/instanceid");
}

TEST(MfaAudit, AgesAroundThresholds) {
  EXPECT_EQ(auditMfaAges({}), (std::vector<std::int64_t>{60, 3600}));
  const std::int64_t thresholds[] = {1800, 0, 3600};
  EXPECT_EQ(auditMfaAges(thresholds),
            (std::vector<std::int64_t>{0, 1, 60, 1799, 1800, 1801, 3599, 3600, 3601}));
}

TEST(MfaAudit, MatrixCountsMatchRuns) {
  const MfaAuditReport r = audit(identity({readPolicy("ec2_require_mfa.json")}));
  ASSERT_EQ(r.matrix.size(), 1U);
  EXPECT_EQ(r.matrix[0].service, "ec2");
  ASSERT_EQ(r.totals.size(), r.runs.size());
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    EXPECT_EQ(r.totals[i], r.runs[i].allowed);
    EXPECT_EQ(r.matrix[0].counts[i], r.runs[i].allowed);
  }
  // Stop and terminate need MFA: two more actions with MFA than without.
  EXPECT_EQ(run(r, Scenario::ConsoleMfa, 60)->allowed, run(r, Scenario::Console)->allowed + 2);
  EXPECT_FALSE(r.verdict.mfaEnforced);
}

TEST(MfaAudit, Errors) {
  MfaAuditOptions options;
  options.now = kNow;
  options.principal = "arn:aws:s3:::not-a-principal";
  EXPECT_FALSE(runMfaAudit(identity({readPolicy("force_mfa.json")}), data(), options).ok());
  MfaAuditOptions noTime;
  EXPECT_FALSE(runMfaAudit(identity({readPolicy("force_mfa.json")}), data(), noTime).ok());
}

// ---- Realistic force-MFA policies (tests/analysis/fixtures/mfa_policies/expected.tsv) ------

PolicyDocument document(const std::string& text, const std::string& name, PolicyKind kind);

std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(POLICYSIM_MFA_FIXTURES_DIR) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) {
      return out;
    }
    start = end + 1;
  }
}

std::vector<std::string> listField(const std::string& field) {
  return field == "-" ? std::vector<std::string>{} : split(field, ',');
}

TEST(MfaAuditFixtures, VerdictsJudgedFromAwsRules) {
  std::ifstream table(std::string(POLICYSIM_MFA_FIXTURES_DIR) + "/expected.tsv");
  ASSERT_TRUE(table.good());
  std::string line;
  std::size_t rows = 0;
  while (std::getline(table, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const std::vector<std::string> f = split(line, '\t');
    ASSERT_EQ(f.size(), 8U) << line;
    SCOPED_TRACE(f[0] + " (accepted: " + f[2] + "): " + f[7]);
    ++rows;
    PolicySetInput input;
    input.identity.push_back(document(readFixture(f[0]), f[0], PolicyKind::Identity));
    if (f[1] != "-") {
      input.resource = document(readFixture(f[1]), f[1], PolicyKind::Resource);
    }
    MfaAuditOptions options;
    options.acceptedWithoutMfa = listField(f[2]);
    const MfaAuditReport r = audit(input, options);
    ASSERT_TRUE(f[3] == "enforced" || f[3] == "not-enforced") << f[3];
    EXPECT_EQ(r.verdict.mfaEnforced, f[3] == "enforced") << r.verdict.summary;
    for (const std::string& p : listField(f[4])) {
      const bool want = p[0] == '+';
      EXPECT_EQ(pitfall(r, p.substr(1)) != nullptr, want) << p;
    }
    for (const std::string& action : listField(f[5])) {
      EXPECT_TRUE(
          std::any_of(r.verdict.actionsWithoutMfa.begin(), r.verdict.actionsWithoutMfa.end(),
                      [&](const AuditViolation& v) { return v.action->fullName == action; }))
          << action;
    }
    if (f[6] != "-") {
      ASSERT_FALSE(r.verdict.actionsWithoutMfa.empty());
      EXPECT_EQ(mfaRiskName(r.verdict.actionsWithoutMfa.front().risk), f[6]);
    }
    EXPECT_EQ(r.verdict.violations, r.verdict.actionsWithoutMfa.size());
  }
  EXPECT_GE(rows, 20U);
}

TEST(MfaAuditFixtures, DenyOnlyPoliciesAreAuditedBesideAllowEverything) {
  const MfaAuditReport alone = audit(identity({readFixture("guard_only.json")}));
  EXPECT_TRUE(alone.verdict.besideAllowAll);
  EXPECT_EQ(alone.verdict.besideAllowAllReason, "deny-only");
  EXPECT_NE(alone.verdict.summary.find("allow nothing on their own"), std::string::npos);
  // The enrolment actions are reachable (through the added policy), so the guard is proven to
  // let users enrol, not vacuously "enforced".
  EXPECT_NE(allowed(*reachable(alone, Scenario::Console), "iam:EnableMFADevice"), nullptr);
  EXPECT_FALSE(alone.notes.empty());
  EXPECT_NE(alone.notes.front().find("allowing everything"), std::string::npos);
  // Asked for explicitly beside policies that allow something.
  MfaAuditOptions beside;
  beside.besideAllowAll = true;
  const MfaAuditReport forced = audit(identity({readPolicy("force_mfa.json")}), beside);
  EXPECT_EQ(forced.verdict.besideAllowAllReason, "requested");
  EXPECT_TRUE(forced.verdict.mfaEnforced) << forced.verdict.summary;
  const MfaAuditReport plain = audit(identity({readPolicy("force_mfa.json")}));
  EXPECT_FALSE(plain.verdict.besideAllowAll);

  // A guard given as an SCP only: the SCP level gets the Allow it is deployed beside
  // (FullAWSAccess), and the identity side one allowing everything.
  PolicySetInput scpOnly;
  scpOnly.scps.push_back(
      document(readFixture("guard_only_with_s3.json"), "scp.json", PolicyKind::Scp));
  const MfaAuditReport scp = audit(scpOnly);
  EXPECT_TRUE(scp.verdict.besideAllowAll);
  EXPECT_FALSE(scp.verdict.mfaEnforced);
  EXPECT_NE(pitfall(scp, "notaction-gap"), nullptr);
  // Beside policies that grant, a deny-only SCP is completed but the identity side is not.
  PolicySetInput withGrants = identity({readPolicy("force_mfa.json")});
  withGrants.scps.push_back(
      document(readFixture("guard_only_with_s3.json"), "scp.json", PolicyKind::Scp));
  const MfaAuditReport granted = audit(withGrants);
  EXPECT_FALSE(granted.verdict.besideAllowAll);
  EXPECT_TRUE(granted.verdict.mfaEnforced) << granted.verdict.summary;
  EXPECT_EQ(run(granted, Scenario::ConsoleMfa, 60)->allowed, 28U);  // not everything denied
  ASSERT_NE(pitfall(granted, "notaction-gap"), nullptr);
  EXPECT_EQ(pitfall(granted, "notaction-gap")->severity, "warning");  // latent: s3 not granted
}

TEST(MfaAuditFixtures, SensitiveExemptionTextSaysDeactivateComesFirst) {
  const std::string policy =
      replaced(readFixture("notaction_deactivate_mfa.json"),
               "\"sts:GetSessionToken\",\n        \"iam:DeactivateMFADevice\"",
               "\"sts:GetSessionToken\",\n        \"iam:DeleteVirtualMFADevice\"");
  const MfaAuditReport report = audit(identity({policy}));  // kept: p points into it
  const AuditPitfall* p = pitfall(report, "notaction-exempts-sensitive");
  ASSERT_NE(p, nullptr);
  EXPECT_NE(p->explanation.find("deactivated first"), std::string::npos) << p->explanation;
}

// ---- Units of the audit ------------------------------------------------------------------

// (Named here: policysim::engine::internal is in scope too.)
namespace units = policysim::analysis::internal;

TEST(MfaAuditUnits, ClassifiesTheMisleadingMfaConditionForms) {
  using units::MfaConditionForm;
  auto form = [](const std::string& effect, const std::string& condition) {
    const PolicySetInput input = identity({R"({"Version": "2012-10-17", "Statement": [
        {"Effect": ")" + effect + R"(", "Action": "*", "Resource": "*", "Condition": )" +
                                           condition + "}]}"});
    const Statement& st = input.identity.at(0).statements.at(0);
    return units::classifyMfaCondition(st, st.conditions.at(0));
  };
  EXPECT_EQ(form("Deny", R"({"Bool": {"aws:MultiFactorAuthPresent": "false"}})"),
            MfaConditionForm::DenyBoolFalse);
  EXPECT_EQ(form("Deny", R"({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})"),
            MfaConditionForm::Other);
  EXPECT_EQ(form("Deny", R"({"Null": {"aws:multifactorauthpresent": "TRUE"}})"),
            MfaConditionForm::DenyNullTrue);
  EXPECT_EQ(form("Deny", R"({"NumericGreaterThan": {"aws:MultiFactorAuthAge": "900"}})"),
            MfaConditionForm::DenyAgeWithoutIfExists);
  EXPECT_EQ(form("Deny", R"({"NumericGreaterThanIfExists": {"aws:MultiFactorAuthAge": "900"}})"),
            MfaConditionForm::Other);
  EXPECT_EQ(form("Allow", R"({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})"),
            MfaConditionForm::AllowIfExists);
  EXPECT_EQ(form("Allow", R"({"Bool": {"aws:MultiFactorAuthPresent": "true"}})"),
            MfaConditionForm::Other);
  EXPECT_EQ(form("Deny", R"({"Bool": {"aws:SecureTransport": "false"}})"), MfaConditionForm::Other);
}

TEST(MfaAuditUnits, SelfServiceSetIsFixedWhateverTheNotActionListSays) {
  std::vector<AuditStatement> table;
  units::StatementTable statements(&table);
  const PolicySetInput force =
      identity({replaced(readPolicy("force_mfa.json"), "\"iam:GetAccountPasswordPolicy\"\n      ],",
                         "\"iam:GetAccountPasswordPolicy\", \"s3:*\"\n      ],")});
  auto found = units::findSelfServiceSet(units::allStatements(force), data().allActions(),
                                         {"ec2:Describe*"}, &statements);
  ASSERT_TRUE(found.ok()) << found.status().toString();
  const units::SelfServiceSet& set = found.value();
  ASSERT_EQ(set.guardStatements.size(), 1U);
  EXPECT_EQ(table[set.guardStatements[0]].sid, "DenyEverythingElseWithoutMFA");
  // The NotAction entries are kept for the pitfalls, but they do not make actions self-service.
  EXPECT_TRUE(set.exempted("S3:getobject"));
  EXPECT_EQ(set.firstExemptionCovering("s3:GetObject"),
            std::optional<std::size_t>(set.exemptions.size() - 1));
  const auto actions = data().allActions();
  auto index = [&](std::string_view name) {
    for (std::size_t i = 0; i < actions.size(); ++i) {
      if (actions[i]->fullName == name) {
        return i;
      }
    }
    ADD_FAILURE() << name;
    return std::size_t{0};
  };
  EXPECT_FALSE(set.fixed[index("s3:GetObject")]);
  EXPECT_EQ(set.acceptedBy[index("s3:GetObject")], -1);
  EXPECT_EQ(set.acceptedBy[index("ec2:DescribeInstances")], 0);
  for (const std::string_view a : mfaSelfServiceActions()) {
    EXPECT_TRUE(set.fixed[index(a)]) << a;
  }
  EXPECT_FALSE(set.fixed[index("iam:ListUsers")]);
  EXPECT_FALSE(set.fixed[index("iam:DeactivateMFADevice")]);

  // An accepted pattern that matches nothing is a mistake, said so.
  auto typo = units::findSelfServiceSet(units::allStatements(force), data().allActions(),
                                        {"ec2:DescribeInstancez"}, &statements);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("matches no action"), std::string::npos);
  EXPECT_FALSE(units::findSelfServiceSet(units::allStatements(force), data().allActions(),
                                         {"not an action"}, &statements)
                   .ok());
}

TEST(MfaAuditUnits, RisksOrderCredentialsThenPrivilegesThenTheRest) {
  auto risk = [](std::string_view name) {
    const ActionInfo* info = data().action(name);
    EXPECT_NE(info, nullptr) << name;
    return info == nullptr ? MfaRisk::Other : mfaRiskOf(*info);
  };
  for (const char* a :
       {"iam:CreateAccessKey", "iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice",
        "iam:UpdateLoginProfile", "sts:AssumeRole", "sts:GetFederationToken"}) {
    EXPECT_EQ(risk(a), MfaRisk::Credentials) << a;
  }
  for (const char* a : {"iam:AttachUserPolicy", "iam:AddUserToGroup", "iam:PassRole",
                        "iam:CreateRole", "iam:TagUser", "s3:PutBucketPolicy"}) {
    EXPECT_EQ(risk(a), MfaRisk::Privilege) << a;
  }
  for (const char* a : {"s3:GetObject", "ec2:TerminateInstances", "iam:ListAccessKeys"}) {
    EXPECT_EQ(risk(a), MfaRisk::Other) << a;
  }
}

// ---- Report forms ------------------------------------------------------------------------

PolicyDocument document(const std::string& text, const std::string& name, PolicyKind kind) {
  auto doc = parsePolicyDocument(text, name, kind);
  EXPECT_TRUE(doc.ok()) << doc.status().toString();
  return std::move(doc).value();
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(MfaAuditReport, NamesThePoliciesInCommandLineOrder) {
  const std::string allowAll = R"({"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "*", "Resource": "*"}]})";
  PolicySetInput input;
  input.identity.push_back(document(readPolicy("force_mfa.json"), "id.json", PolicyKind::Identity));
  input.resource =
      document(readPolicy("trust_require_mfa.json"), "trust.json", PolicyKind::Resource);
  input.scps.push_back(document(allowAll, "scp.json", PolicyKind::Scp));
  input.boundary = document(allowAll, "boundary.json", PolicyKind::Boundary);
  const MfaAuditReport r = audit(input);
  ASSERT_EQ(r.policies.size(), 4U);
  EXPECT_EQ(r.policies[1].name, "boundary.json");
  EXPECT_EQ(r.policies[1].kind, PolicyKind::Boundary);
  const std::string text = formatMfaAuditText(r, data());
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "MFA audit of id.json, boundary.json (boundary), scp.json (SCP), trust.json (resource "
            "policy)");
  EXPECT_NE(formatMfaAuditJson(r, data()).find(
                R"("policies":[{"file":"id.json","policyType":"identity"},)"
                R"({"file":"boundary.json","policyType":"boundary"},)"
                R"({"file":"scp.json","policyType":"scp"},)"
                R"({"file":"trust.json","policyType":"resource"}])"),
            std::string::npos);
}

TEST(MfaAuditReport, TextHasEverySectionAndEndsWithTheTotalRow) {
  const MfaAuditReport r = audit(identity({readPolicy("force_mfa.json")}));
  const std::string text = formatMfaAuditText(r, data());
  for (const char* section : {
           "\n  principal:  arn:aws:iam::111122223333:user/alice (role scenarios as "
           "arn:aws:iam::111122223333:role/alice)\n",
           "\n  time:       2026-11-22T10:00:00Z\n",
           "\nverdict: MFA is enforced",
           "\nreachable without MFA (+ self-service",
           "\nMFA age limits: none",
           "\npitfalls (2):\n",
           "\nnotes:\n",
           "\nmatrix: allowed actions per service and scenario; MFA scenarios with MFA 60 s old\n",
       }) {
    EXPECT_NE(text.find(section), std::string::npos) << section;
  }
  const std::string totalRow =
      "\ntotal             8        8               0            3          0           28"
      "           28                3\n";
  EXPECT_TRUE(endsWith(text, totalRow)) << text.substr(text.rfind("\nservice"));
}

TEST(MfaAuditReport, JsonIsOneLineWithStableFields) {
  const MfaAuditReport r = audit(identity({readPolicy("force_mfa.json")}));
  const std::string json = formatMfaAuditJson(r, data());
  EXPECT_EQ(json.rfind(R"({"command":"mfa-audit","formatVersion":1,"policies":[)", 0), 0U);
  EXPECT_TRUE(endsWith(json, "]}\n"));
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 1);
  for (const char* field :
       {R"("mfaEnforced":true)", R"("selfServiceSource":"fixed")", R"("mfaAges":[60,3600])",
        R"("rolePrincipal":"arn:aws:iam::111122223333:role/alice")", R"("ageLimits":[])",
        R"({"service":"iam","counts":[8,8,0,3,0,28,28,28,28,3,3]})"}) {
    EXPECT_NE(json.find(field), std::string::npos) << field;
  }
}

TEST(MfaAuditReport, HtmlEscapesWhatThePoliciesSayAndLoadsNothing) {
  PolicySetInput input;
  input.identity.push_back(
      document(readPolicy("force_mfa.json"), "a<b>&\"c'.json", PolicyKind::Identity));
  const MfaAuditReport r = audit(input);
  const std::string html = formatMfaAuditHtml(r, data());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0U);
  EXPECT_TRUE(endsWith(html, "</body></html>\n"));
  EXPECT_NE(html.find("<title>policysim MFA audit: a&lt;b&gt;&amp;&quot;c&#39;.json</title>"),
            std::string::npos);
  EXPECT_EQ(html.find("a<b>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find(R"(<div class="verdict ok">)"), std::string::npos);
}

}  // namespace
