// Credential scenarios (analysis/scenario.h): each scenario's keys as semantics §3.8/§3.9/§5.1
// state them, the conservative AssumeRole reading, explicit-key precedence, impossible inputs,
// and decisions of the §6 MFA edge cases when requests are built from scenarios.
#include "analysis/scenario.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/policy_json.h"
#include "engine/policy_set.h"

namespace {

using namespace policysim::engine;
using namespace policysim::analysis;

constexpr std::string_view kAlice = "arn:aws:iam::111122223333:user/alice";
constexpr std::string_view kRole = "arn:aws:iam::111122223333:role/ops/ProdAdmin";
constexpr std::int64_t kNow = 1795341600;  // 2026-11-22T10:00:00Z

ScenarioOptions options(Scenario scenario, std::string_view principal = kAlice) {
  ScenarioOptions o;
  o.scenario = scenario;
  o.principal = std::string(principal);
  o.now = kNow;
  return o;
}

Request base(std::string action = "s3:ListAllMyBuckets") {
  Request r;
  r.action = std::move(action);
  return r;
}

// The single value of a key, or "<absent>".
std::string value(const Request& r, std::string_view key) {
  const ContextValue* v = r.findContext(key);
  return v == nullptr ? "<absent>" : v->values.at(0);
}

Request applied(const ScenarioOptions& o, Request r = base()) {
  auto outcome = applyScenario(o, &r);
  EXPECT_TRUE(outcome.ok()) << outcome.status().toString();
  return r;
}

std::string error(const ScenarioOptions& o, Request r = base()) {
  auto outcome = applyScenario(o, &r);
  EXPECT_FALSE(outcome.ok());
  return outcome.ok() ? "" : outcome.status().message();
}

TEST(Scenario, CatalogNamesParseBackAndCarryDocUrls) {
  ASSERT_EQ(scenarioCatalog().size(), 10U);
  for (const ScenarioInfo& info : scenarioCatalog()) {
    EXPECT_EQ(parseScenario(info.name), info.scenario) << info.name;
    EXPECT_EQ(&scenarioInfo(info.scenario), &info);
    EXPECT_TRUE(info.docUrl.starts_with("https://docs.aws.amazon.com/")) << info.name;
    EXPECT_FALSE(info.description.empty());
    EXPECT_FALSE(info.keys.empty());
  }
  EXPECT_EQ(parseScenario("CONSOLE-MFA"), Scenario::ConsoleMfa);
  EXPECT_EQ(parseScenario("console_mfa"), std::nullopt);
  EXPECT_NE(scenarioNames().find("assume-role-mfa"), std::string::npos);
}

TEST(Scenario, AccessKeyHasNoMfaKeysAndNoTokenIssueTime) {
  const Request r = applied(options(Scenario::AccessKey));
  EXPECT_EQ(r.principal, kAlice);
  EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "<absent>");
  EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "<absent>");
  EXPECT_EQ(value(r, "aws:TokenIssueTime"), "<absent>");
  EXPECT_EQ(value(r, "aws:username"), "alice");
  EXPECT_EQ(value(r, "aws:PrincipalType"), "User");
  EXPECT_EQ(value(r, "aws:PrincipalArn"), kAlice);
  EXPECT_EQ(value(r, "aws:PrincipalAccount"), "111122223333");
  EXPECT_EQ(value(r, "aws:CurrentTime"), "2026-11-22T10:00:00Z");
  EXPECT_EQ(value(r, "aws:EpochTime"), "1795341600");
  EXPECT_EQ(value(r, "aws:userid"), "<absent>");  // unique ID unknown
  EXPECT_EQ(value(r, "aws:ViaAWSService"), "false");
  EXPECT_EQ(value(r, "aws:SecureTransport"), "true");
  EXPECT_EQ(r.findContext("aws:CurrentTime")->type, ContextValue::Type::Date);
  EXPECT_EQ(r.findContext("aws:MultiFactorAuthPresent"), nullptr);
}

TEST(Scenario, ConsoleWithoutMfaCarriesFalseAndNoAge) {
  const Request r = applied(options(Scenario::Console));
  EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "false");
  EXPECT_EQ(r.findContext("aws:MultiFactorAuthPresent")->type, ContextValue::Type::Bool);
  EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "<absent>");
  EXPECT_EQ(value(r, "aws:TokenIssueTime"), "2026-11-22T09:55:00Z");  // default 300 s
  EXPECT_EQ(value(r, "aws:username"), "alice");
}

TEST(Scenario, MfaScenariosCarryTrueAndTheAge) {
  for (Scenario s : {Scenario::ConsoleMfa, Scenario::SessionMfa}) {
    ScenarioOptions o = options(s);
    o.mfaAgeSeconds = 1200;
    const Request r = applied(o);
    EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "true") << scenarioInfo(s).name;
    EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "1200");
    EXPECT_EQ(r.findContext("aws:MultiFactorAuthAge")->type, ContextValue::Type::Number);
    EXPECT_EQ(value(r, "aws:TokenIssueTime"), "2026-11-22T09:40:00Z");
    EXPECT_EQ(value(r, "aws:PrincipalType"), "User");
  }
  const Request defaulted = applied(options(Scenario::ConsoleMfa));
  EXPECT_EQ(value(defaulted, "aws:MultiFactorAuthAge"), "300");
}

TEST(Scenario, SessionWithoutMfa) {
  ScenarioOptions o = options(Scenario::SessionNoMfa);
  o.sessionAgeSeconds = 7200;
  const Request r = applied(o);
  EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "false");
  EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "<absent>");
  EXPECT_EQ(value(r, "aws:TokenIssueTime"), "2026-11-22T08:00:00Z");
}

TEST(Scenario, AssumeRoleSessionShapes) {
  ScenarioOptions o = options(Scenario::AssumeRoleMfa, kRole);
  o.mfaAgeSeconds = 600;
  o.uniqueId = "AROAEXAMPLEID";
  Request r = base();
  auto outcome = applyScenario(o, &r);
  ASSERT_TRUE(outcome.ok()) << outcome.status().toString();
  EXPECT_EQ(r.principal, "arn:aws:sts::111122223333:assumed-role/ProdAdmin/policysim");
  EXPECT_EQ(value(r, "aws:PrincipalArn"), kRole);  // the role, with its path
  EXPECT_EQ(value(r, "aws:PrincipalType"), "AssumedRole");
  EXPECT_EQ(value(r, "aws:userid"), "AROAEXAMPLEID:policysim");
  EXPECT_EQ(value(r, "aws:username"), "<absent>");
  EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "true");
  EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "600");
  EXPECT_EQ(value(r, "aws:TokenIssueTime"), "2026-11-22T09:50:00Z");
  EXPECT_EQ(outcome.value().principalKind, PrincipalKind::RoleSession);
  ASSERT_EQ(outcome.value().notes.size(), 1U);
  EXPECT_NE(outcome.value().notes[0].find("CloudTrail"), std::string::npos);

  const Request plain = applied(options(Scenario::AssumeRole, kRole));
  EXPECT_EQ(value(plain, "aws:MultiFactorAuthPresent"), "false");
  EXPECT_EQ(value(plain, "aws:MultiFactorAuthAge"), "<absent>");

  ScenarioOptions named =
      options(Scenario::AssumeRole, "arn:aws:sts::111122223333:assumed-role/ProdAdmin/bob-cli");
  const Request session = applied(named);
  EXPECT_EQ(session.principal, "arn:aws:sts::111122223333:assumed-role/ProdAdmin/bob-cli");
  EXPECT_EQ(value(session, "aws:PrincipalArn"), "arn:aws:iam::111122223333:role/ProdAdmin");
}

TEST(Scenario, ConservativeAssumeRoleReading) {
  ScenarioOptions o = options(Scenario::AssumeRoleMfa, kRole);
  o.assumeRoleCarriesMfa = false;
  o.mfaAgeSeconds = 600;
  Request r = base();
  auto outcome = applyScenario(o, &r);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "false");
  EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "<absent>");
  EXPECT_EQ(value(r, "aws:TokenIssueTime"), "2026-11-22T09:50:00Z");
  EXPECT_NE(outcome.value().notes.at(0).find("conservative"), std::string::npos);
  // Roles assumed without MFA read the same under either reading.
  ScenarioOptions plain = options(Scenario::AssumeRole, kRole);
  plain.assumeRoleCarriesMfa = false;
  EXPECT_EQ(value(applied(plain), "aws:MultiFactorAuthPresent"), "false");
}

TEST(Scenario, RootScenarios) {
  const Request r = applied(options(Scenario::Root));  // from a user ARN: that account's root
  EXPECT_EQ(r.principal, "arn:aws:iam::111122223333:root");
  EXPECT_EQ(value(r, "aws:PrincipalType"), "Account");
  EXPECT_EQ(value(r, "aws:userid"), "111122223333");
  EXPECT_EQ(value(r, "aws:username"), "<absent>");
  EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "false");
  EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "<absent>");

  ScenarioOptions mfa = options(Scenario::RootMfa, "111122223333");
  mfa.mfaAgeSeconds = 60;
  const Request m = applied(mfa);
  EXPECT_EQ(m.principal, "arn:aws:iam::111122223333:root");
  EXPECT_EQ(value(m, "aws:MultiFactorAuthPresent"), "true");
  EXPECT_EQ(value(m, "aws:MultiFactorAuthAge"), "60");

  const Request keys = applied(options(Scenario::AccessKey, "arn:aws:iam::111122223333:root"));
  EXPECT_EQ(value(keys, "aws:PrincipalType"), "Account");
  EXPECT_EQ(value(keys, "aws:MultiFactorAuthPresent"), "<absent>");
  EXPECT_EQ(value(keys, "aws:TokenIssueTime"), "<absent>");
}

TEST(Scenario, RootGetSessionTokenCarriesNoMfaAndLastsAnHour) {
  ScenarioOptions o = options(Scenario::SessionMfa, "arn:aws:iam::111122223333:root");
  o.mfaAgeSeconds = 3600;
  Request r = base();
  auto outcome = applyScenario(o, &r);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "false");  // semantics §7: present = false
  EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "<absent>");
  EXPECT_FALSE(outcome.value().notes.empty());
  // §6 item 57: a root GetSessionToken session 7,200 s old cannot exist.
  o.mfaAgeSeconds = 7200;
  EXPECT_NE(error(o).find("at most 3600 s"), std::string::npos);
}

TEST(Scenario, FederatedUser) {
  ScenarioOptions o = options(Scenario::Federated);
  const Request r = applied(o);
  EXPECT_EQ(r.principal, "arn:aws:sts::111122223333:federated-user/alice");
  EXPECT_EQ(value(r, "aws:PrincipalArn"), "arn:aws:sts::111122223333:federated-user/alice");
  EXPECT_EQ(value(r, "aws:PrincipalType"), "FederatedUser");
  EXPECT_EQ(value(r, "aws:userid"), "111122223333:alice");
  EXPECT_EQ(value(r, "aws:username"), "<absent>");
  EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "false");
  EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "<absent>");
  EXPECT_NE(value(r, "aws:TokenIssueTime"), "<absent>");
  o.sessionName = "partner";
  EXPECT_EQ(applied(o).principal, "arn:aws:sts::111122223333:federated-user/partner");
}

TEST(Scenario, UserPathAndPartitionKept) {
  const Request r =
      applied(options(Scenario::Console, "arn:aws-us-gov:iam::111122223333:user/eng/bob"));
  EXPECT_EQ(r.principal, "arn:aws-us-gov:iam::111122223333:user/eng/bob");
  EXPECT_EQ(value(r, "aws:username"), "bob");
}

TEST(Scenario, ExplicitKeysWin) {
  Request r = base();
  r.setContext("aws:MultiFactorAuthPresent", {ContextValue::Type::Bool, false, {"true"}});
  r.setContext("AWS:PrincipalType", {ContextValue::Type::String, false, {"Custom"}});
  auto outcome = applyScenario(options(Scenario::AccessKey), &r);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(value(r, "aws:MultiFactorAuthPresent"), "true");  // not removed
  EXPECT_EQ(value(r, "aws:PrincipalType"), "Custom");         // not replaced
  EXPECT_EQ(outcome.value().keptKeys, (std::vector<std::string>{"aws:PrincipalType"}));
}

TEST(Scenario, TimeAndAgeComeFromTheRequest) {
  Request r = base();
  r.setContext("aws:CurrentTime", {ContextValue::Type::String, false, {"2026-11-22T10:00:00Z"}});
  r.setContext("aws:TokenIssueTime", {ContextValue::Type::String, false, {"2026-11-22T09:15:00Z"}});
  ScenarioOptions o = options(Scenario::SessionMfa);
  o.now.reset();
  auto outcome = applyScenario(o, &r);
  ASSERT_TRUE(outcome.ok()) << outcome.status().toString();
  EXPECT_EQ(value(r, "aws:MultiFactorAuthAge"), "2700");  // derived, §6 item 52
  EXPECT_EQ(value(r, "aws:EpochTime"), "1795341600");

  Request aged = base();
  aged.setContext("aws:MultiFactorAuthAge", {ContextValue::Type::Number, false, {"100"}});
  const Request a = applied(options(Scenario::ConsoleMfa), aged);
  EXPECT_EQ(value(a, "aws:TokenIssueTime"), "2026-11-22T09:58:20Z");
}

TEST(Scenario, ContradictionsAreInputErrors) {
  Request timed = base();
  timed.setContext("aws:CurrentTime",
                   {ContextValue::Type::String, false, {"2026-01-01T00:00:00Z"}});
  EXPECT_NE(error(options(Scenario::Console), timed).find("contradicts"), std::string::npos);

  Request aged = base();
  aged.setContext("aws:MultiFactorAuthAge", {ContextValue::Type::Number, false, {"100"}});
  ScenarioOptions o = options(Scenario::SessionMfa);
  o.mfaAgeSeconds = 200;
  EXPECT_NE(error(o, aged).find("contradicts"), std::string::npos);

  Request other = base();
  other.principal = "arn:aws:iam::111122223333:user/bob";
  EXPECT_NE(error(options(Scenario::Console), other).find("drop one"), std::string::npos);

  ScenarioOptions both = options(Scenario::SessionMfa);
  both.mfaAgeSeconds = 10;
  both.sessionAgeSeconds = 20;
  EXPECT_FALSE(error(both).empty());
}

TEST(Scenario, ImpossibleInputs) {
  ScenarioOptions negative = options(Scenario::ConsoleMfa);
  negative.mfaAgeSeconds = -1;
  EXPECT_NE(error(negative).find("negative"), std::string::npos);

  ScenarioOptions tooOld = options(Scenario::SessionMfa);
  tooOld.mfaAgeSeconds = 129601;  // GetSessionToken lasts at most 36 h
  EXPECT_NE(error(tooOld).find("129600"), std::string::npos);
  tooOld.mfaAgeSeconds = 129600;
  EXPECT_EQ(value(applied(tooOld), "aws:MultiFactorAuthAge"), "129600");

  ScenarioOptions role = options(Scenario::AssumeRoleMfa, kRole);
  role.mfaAgeSeconds = 43201;
  EXPECT_FALSE(error(role).empty());

  ScenarioOptions noMfa = options(Scenario::Console);
  noMfa.mfaAgeSeconds = 60;
  EXPECT_NE(error(noMfa).find("no MFA"), std::string::npos);

  ScenarioOptions longTerm = options(Scenario::AccessKey);
  longTerm.sessionAgeSeconds = 60;
  EXPECT_FALSE(error(longTerm).empty());

  EXPECT_NE(error(options(Scenario::AssumeRole)).find("role ARN"), std::string::npos);
  EXPECT_FALSE(error(options(Scenario::Console, kRole)).empty());
  EXPECT_FALSE(error(options(Scenario::Console, "arn:aws:iam::111122223333:user/*")).empty());
  EXPECT_FALSE(error(options(Scenario::Console, "alice")).empty());
  EXPECT_FALSE(error(options(Scenario::Console, "")).empty());  // nor in the request

  ScenarioOptions noTime = options(Scenario::Console);
  noTime.now.reset();
  EXPECT_NE(error(noTime).find("no request time"), std::string::npos);

  // Nothing is written when the input is rejected.
  Request untouched = base();
  ScenarioOptions bad = options(Scenario::SessionMfa);
  bad.mfaAgeSeconds = -5;
  EXPECT_FALSE(applyScenario(bad, &untouched).ok());
  EXPECT_TRUE(untouched.principal.empty());
  EXPECT_EQ(untouched.findContext("aws:CurrentTime"), nullptr);
}

TEST(Scenario, CredentialRestrictions) {
  EXPECT_TRUE(credentialRestriction(Scenario::SessionNoMfa, "iam:ChangePassword"));
  EXPECT_FALSE(credentialRestriction(Scenario::SessionMfa, "iam:ChangePassword"));
  EXPECT_TRUE(credentialRestriction(Scenario::SessionMfa, "sts:GetSessionToken"));
  EXPECT_FALSE(credentialRestriction(Scenario::SessionMfa, "sts:AssumeRole"));
  EXPECT_FALSE(credentialRestriction(Scenario::SessionNoMfa, "STS:GetCallerIdentity"));
  EXPECT_TRUE(credentialRestriction(Scenario::AssumeRoleMfa, "sts:GetFederationToken"));
  EXPECT_FALSE(credentialRestriction(Scenario::AssumeRole, "sts:AssumeRole"));
  EXPECT_TRUE(credentialRestriction(Scenario::Federated, "iam:GetUser"));
  EXPECT_TRUE(credentialRestriction(Scenario::Federated, "sts:AssumeRole"));
  EXPECT_FALSE(credentialRestriction(Scenario::Federated, "s3:GetObject"));
  EXPECT_FALSE(credentialRestriction(Scenario::AccessKey, "iam:CreateUser"));
  EXPECT_FALSE(credentialRestriction(Scenario::Console, "sts:GetSessionToken"));
}

TEST(Scenario, MaxCredentialAges) {
  EXPECT_EQ(maxCredentialAgeSeconds(Scenario::SessionMfa, PrincipalKind::User), 129600);
  EXPECT_EQ(maxCredentialAgeSeconds(Scenario::SessionMfa, PrincipalKind::Root), 3600);
  EXPECT_EQ(maxCredentialAgeSeconds(Scenario::AssumeRoleMfa, PrincipalKind::RoleSession), 43200);
  EXPECT_EQ(maxCredentialAgeSeconds(Scenario::Federated, PrincipalKind::Root), 3600);
  EXPECT_EQ(maxCredentialAgeSeconds(Scenario::ConsoleMfa, PrincipalKind::User), std::nullopt);
  EXPECT_EQ(maxCredentialAgeSeconds(Scenario::AccessKey, PrincipalKind::User), std::nullopt);
}

TEST(Scenario, Timestamps) {
  EXPECT_EQ(parseTimestamp("2026-11-22T10:00:00Z").value(), kNow);
  EXPECT_EQ(parseTimestamp("1795341600").value(), kNow);
  EXPECT_EQ(parseTimestamp("20261122T100000Z").value(), kNow);  // old CloudTrail form
  EXPECT_EQ(parseTimestamp("2026-11-22T11:00:00+01:00").value(), kNow);
  EXPECT_FALSE(parseTimestamp("yesterday").ok());
  EXPECT_EQ(formatTimestamp(kNow), "2026-11-22T10:00:00Z");
  EXPECT_EQ(formatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatTimestamp(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(formatTimestamp(951782400), "2000-02-29T00:00:00Z");
}

TEST(Scenario, ParsesPrincipalArns) {
  auto role = parsePrincipalArn("arn:aws:iam::111122223333:role/a/b/Name");
  ASSERT_TRUE(role.ok());
  EXPECT_EQ(role.value().kind, PrincipalKind::Role);
  EXPECT_EQ(role.value().path, "/a/b/");
  EXPECT_EQ(role.value().name, "Name");
  auto fed = parsePrincipalArn("arn:aws:sts::111122223333:federated-user/x");
  ASSERT_TRUE(fed.ok());
  EXPECT_EQ(fed.value().kind, PrincipalKind::FederatedUser);
  EXPECT_FALSE(parsePrincipalArn("arn:aws:iam::111122223333:group/g").ok());
  EXPECT_FALSE(parsePrincipalArn("arn:aws:iam:us-east-1:111122223333:user/a").ok());
  EXPECT_FALSE(parsePrincipalArn("arn:aws:iam::1:user/a").ok());
  EXPECT_FALSE(parsePrincipalArn("arn:aws:sts::111122223333:assumed-role/R").ok());
}

// Decisions of semantics §6 when the requests come from scenarios.
class ScenarioDecisions : public ::testing::Test {
 protected:
  static std::shared_ptr<const PolicySet> compile(std::string_view text,
                                                  PolicyKind kind = PolicyKind::Identity) {
    PolicySetInput input;
    auto doc = parsePolicyDocument(text, "p.json", kind);
    EXPECT_TRUE(doc.ok()) << doc.status().toString();
    input.identity.push_back(std::move(doc).value());
    auto set = PolicySet::compile(std::move(input));
    EXPECT_TRUE(set.ok());
    return set.value();
  }
  static DecisionKind decide(const PolicySet& set, ScenarioOptions o, std::string action,
                             std::string resource = "*") {
    Request r = base(std::move(action));
    r.resource = std::move(resource);
    auto outcome = applyScenario(o, &r);
    EXPECT_TRUE(outcome.ok()) << outcome.status().toString();
    return set.evaluate(r).kind;
  }
};

TEST_F(ScenarioDecisions, ForceMfaGuard) {
  // E1 reduced: own-user self-service plus the BoolIfExists guard.
  const auto set = compile(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":["iam:*"],"Resource":"arn:aws:iam::*:user/${aws:username}"},
    {"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"},
    {"Effect":"Deny","NotAction":["iam:EnableMFADevice","sts:GetSessionToken"],"Resource":"*",
     "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]})");
  const std::string own = "arn:aws:iam::111122223333:user/alice";
  // §6.46: long-term keys -> explicitDeny.
  EXPECT_EQ(decide(*set, options(Scenario::AccessKey), "s3:ListAllMyBuckets"),
            DecisionKind::ExplicitDeny);
  // §6.47: enrolling MFA without MFA works on the own user (aws:username from the scenario).
  EXPECT_EQ(decide(*set, options(Scenario::AccessKey), "iam:EnableMFADevice", own),
            DecisionKind::Allowed);
  // §6.48: console without MFA cannot deactivate MFA.
  EXPECT_EQ(decide(*set, options(Scenario::Console), "iam:DeactivateMFADevice", own),
            DecisionKind::ExplicitDeny);
  // §6.49: GetSessionToken with MFA changes the own password.
  EXPECT_EQ(decide(*set, options(Scenario::SessionMfa), "iam:ChangePassword", own),
            DecisionKind::Allowed);
  EXPECT_EQ(decide(*set, options(Scenario::ConsoleMfa), "s3:ListAllMyBuckets"),
            DecisionKind::Allowed);
  EXPECT_EQ(decide(*set, options(Scenario::Federated), "s3:ListAllMyBuckets"),
            DecisionKind::ExplicitDeny);
}

TEST_F(ScenarioDecisions, RecentMfaThresholds) {
  // E5 reduced (§6.52, §6.56).
  const auto set = compile(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::production/*",
     "Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]})");
  ScenarioOptions o = options(Scenario::SessionMfa);
  o.mfaAgeSeconds = 600;
  EXPECT_EQ(decide(*set, o, "s3:GetObject", "arn:aws:s3:::production/x"), DecisionKind::Allowed);
  o.mfaAgeSeconds = 7200;  // two hours into a 12-hour session
  EXPECT_EQ(decide(*set, o, "s3:GetObject", "arn:aws:s3:::production/x"),
            DecisionKind::ImplicitDeny);
}

TEST_F(ScenarioDecisions, AssumeRoleReadingDecides) {
  // §6.55: Allow Bool MultiFactorAuthPresent true, caller an AssumeRole session with MFA.
  const auto set = compile(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:PutObject","Resource":"*",
     "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]})");
  ScenarioOptions o = options(Scenario::AssumeRoleMfa, kRole);
  EXPECT_EQ(decide(*set, o, "s3:PutObject"), DecisionKind::Allowed);
  o.assumeRoleCarriesMfa = false;
  EXPECT_EQ(decide(*set, o, "s3:PutObject"), DecisionKind::ImplicitDeny);
}

}  // namespace
