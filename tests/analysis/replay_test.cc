// CloudTrail replay (analysis/replay.h): grouping of decisions, the sign-in summary, what is
// counted as "would deny", and the text and JSON reports byte for byte (tools read the JSON
// field names; tests/cli/replay_test.sh checks the shipped sample log end to end).
#include "analysis/replay.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/policy_set.h"

namespace {

using namespace policysim::analysis;
using policysim::engine::PolicySetTexts;
using policysim::engine::PolicyText;

// Describe is allowed; stopping an instance without MFA is denied.
constexpr std::string_view kPolicy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowDescribe", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
    {"Sid": "DenyStopWithoutMfa", "Effect": "Deny", "Action": "ec2:StopInstances",
     "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
  ]
})";

std::shared_ptr<const PolicySet> policySet() {
  PolicySetTexts texts;
  texts.identity.push_back(PolicyText{"p.json", std::string(kPolicy)});
  auto set = PolicySet::compile(texts);
  EXPECT_TRUE(set.ok()) << set.status().toString();
  return set.value();
}

constexpr std::string_view kBobKey =
    R"({"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333",)"
    R"("accessKeyId":"AKIAEXAMPLEBOB000001"})";
constexpr std::string_view kOpsMfa =
    R"({"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Ops/s",)"
    R"("accessKeyId":"ASIAEXAMPLEROLE00001","sessionContext":{"sessionIssuer":)"
    R"({"arn":"arn:aws:iam::111122223333:role/Ops"},"attributes":)"
    R"({"creationDate":"2026-11-21T08:30:00Z","mfaAuthenticated":"true"}}})";

std::string event(std::string_view time, std::string_view source, std::string_view name,
                  std::string_view identity, std::string_view extra = "") {
  return R"({"eventTime":")" + std::string(time) + R"(","eventSource":")" + std::string(source) +
         R"(","eventName":")" + std::string(name) + R"(","userIdentity":)" + std::string(identity) +
         std::string(extra) + "}";
}

// Nine records: one allowed, two denied in one group (one already failed at the time), one
// not allowed, two sign-ins, one that needs no permission, a service event, a malformed one.
std::string sampleLog() {
  const std::string records[] = {
      event("2026-11-21T09:00:00Z", "ec2.amazonaws.com", "DescribeInstances", kBobKey),
      event("2026-11-21T09:10:00Z", "ec2.amazonaws.com", "StopInstances", kBobKey),
      event("2026-11-21T09:05:00Z", "ec2.amazonaws.com", "StopInstances", kBobKey,
            R"(,"errorCode":"AccessDenied")"),
      event("2026-11-21T09:00:00Z", "ec2.amazonaws.com", "StopInstances", kOpsMfa),
      event("2026-11-21T08:00:00Z", "signin.amazonaws.com", "ConsoleLogin", kBobKey,
            R"(,"additionalEventData":{"MFAUsed":"No"})"),
      event("2026-11-21T10:00:00Z", "signin.amazonaws.com", "ConsoleLogin", kBobKey,
            R"(,"additionalEventData":{"MFAUsed":"Yes"})"),
      event("2026-11-21T09:00:00Z", "sts.amazonaws.com", "GetCallerIdentity", kBobKey),
      event("2026-11-21T09:00:00Z", "kms.amazonaws.com", "RotateKey", R"({"accountId":"1"})",
            R"(,"eventType":"AwsServiceEvent")"),
      "7",
  };
  std::string out;
  for (const std::string& record : records) {
    out += record + "\n";
  }
  return out;
}

ReplayReport replay(const PolicySet& set, const ReplayOptions& options = {}) {
  auto report = replayCloudTrailLog("log.jsonl", sampleLog(), set, options);
  EXPECT_TRUE(report.ok()) << report.status().toString();
  return report.ok() ? std::move(report).value() : ReplayReport{};
}

TEST(Replay, CountsAndGroupsDecisions) {
  const auto set = policySet();
  const ReplayReport report = replay(*set);
  EXPECT_EQ(report.records, 9U);
  EXPECT_EQ(report.replayed, 4U);
  EXPECT_EQ(report.allowed, 1U);
  EXPECT_EQ(report.explicitDenied, 2U);
  EXPECT_EQ(report.implicitDenied, 1U);
  EXPECT_EQ(report.needNoPermission, 1U);
  EXPECT_EQ(report.otherPrincipals, 0U);
  EXPECT_TRUE(report.wouldDeny);
  ASSERT_EQ(report.groups.size(), 3U);

  const ReplayGroup* stop = nullptr;
  for (const auto& [key, group] : report.groups) {
    if (group.principal == "arn:aws:iam::111122223333:user/bob" &&
        group.action == "ec2:StopInstances") {
      stop = &group;
    }
  }
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(stop->decision, DecisionKind::ExplicitDeny);
  EXPECT_EQ(stop->count, 2U);
  EXPECT_EQ(stop->failedAtTheTime, 1U);
  EXPECT_EQ(formatTimestamp(stop->first), "2026-11-21T09:05:00Z");
  EXPECT_EQ(formatTimestamp(stop->last), "2026-11-21T09:10:00Z");
  EXPECT_EQ(stop->credentials, (std::set<std::string>{"access-key"}));
  ASSERT_TRUE(stop->statement.has_value());
  EXPECT_EQ(stop->statement->sid, "DenyStopWithoutMfa");

  ASSERT_EQ(report.signIns.size(), 1U);
  const SignInSummary& signIns = report.signIns.at("arn:aws:iam::111122223333:user/bob");
  EXPECT_EQ(signIns.withMfa, 1U);
  EXPECT_EQ(signIns.withoutMfa, 1U);
  EXPECT_EQ(signIns.failed, 0U);
  EXPECT_EQ(formatTimestamp(signIns.first), "2026-11-21T08:00:00Z");
  EXPECT_EQ(formatTimestamp(signIns.last), "2026-11-21T10:00:00Z");

  ASSERT_EQ(report.skipped.size(), 1U);  // one entry per record, as before grouping existed
  EXPECT_EQ(report.skipped[0].record, 8U);
  EXPECT_EQ(report.skipped[0].text, "service event: no caller to evaluate");
  EXPECT_EQ(report.skippedRecords, 1U);
  ASSERT_EQ(report.skipReasons.size(), 1U);
  const SkipGroup& service = report.skipReasons.at("service event: no caller to evaluate");
  EXPECT_EQ(service.count, 1U);
  ASSERT_EQ(service.examples.size(), 1U);
  EXPECT_EQ(service.examples[0].record, 8U);
  EXPECT_EQ(service.examples[0].line, 8U);
  EXPECT_EQ(service.examples[0].file, "log.jsonl");
  EXPECT_EQ(service.examples[0].detail, "RotateKey");
  EXPECT_EQ(report.errorCount, 1U);
  ASSERT_EQ(report.errors.size(), 1U);
  EXPECT_EQ(report.errors[0].record, 9U);
  EXPECT_EQ(report.errors[0].text,
            "log.jsonl:9:1: error: record 9: a CloudTrail event must be a JSON object: "
            "unexpected character '7'; the rest of the line is skipped");
}

// With --explicit-deny-only an implicit deny is listed but does not count.
TEST(Replay, ExplicitDenyOnlyCountsExplicitDenies) {
  const auto set = policySet();
  ReplayOptions options;
  options.explicitDenyOnly = true;
  options.records.principals = {"arn:aws:iam::111122223333:role/Ops"};
  const ReplayReport report = replay(*set, options);
  EXPECT_EQ(report.replayed, 1U);
  EXPECT_EQ(report.implicitDenied, 1U);
  EXPECT_EQ(report.otherPrincipals, 3U);
  EXPECT_FALSE(report.wouldDeny);
  ASSERT_EQ(report.groups.size(), 1U);
  EXPECT_FALSE(countsAsDenied(report.groups.begin()->second, true));
  EXPECT_TRUE(countsAsDenied(report.groups.begin()->second, false));
}

TEST(Replay, TextReport) {
  const auto set = policySet();
  EXPECT_EQ(formatReplayText(replay(*set), /*verbose=*/true),
            "replayed 4 of 9 CloudTrail records: 1 allowed, 2 explicitly denied, 1 not allowed "
            "(implicitDeny)\n"
            "would be denied (explicitDeny: these requests break):\n"
            "  arn:aws:iam::111122223333:user/bob\n"
            "    ec2:StopInstances  2x  2026-11-21T09:05:00Z .. 2026-11-21T09:10:00Z  "
            "[access-key]  (1 already failed at the time)\n"
            "      denied by Deny \"DenyStopWithoutMfa\" (p.json:5:5, identity policy)\n"
            "      resources: *\n"
            "      missing context values: aws:MultiFactorAuthPresent\n"
            "would be denied (implicitDeny: no statement of these policies allows them; other "
            "policies of the principal may):\n"
            "  arn:aws:iam::111122223333:role/Ops\n"
            "    ec2:StopInstances  1x  2026-11-21T09:00:00Z  [assume-role-mfa]\n"
            "      no identity-based policy allows ec2:StopInstances\n"
            "      resources: *\n"
            "allowed:\n"
            "  arn:aws:iam::111122223333:user/bob\n"
            "    ec2:DescribeInstances  1x  2026-11-21T09:00:00Z  [access-key]\n"
            "      allowed by Allow \"AllowDescribe\" (p.json:4:5, identity policy)\n"
            "console sign-ins (not evaluated: sign-in needs no permission; they tell who works "
            "without MFA):\n"
            "  arn:aws:iam::111122223333:user/bob  1 with MFA, 1 without MFA  "
            "2026-11-21T08:00:00Z .. 2026-11-21T10:00:00Z\n"
            "not replayed: 1 need no permission (sts:GetCallerIdentity, sts:GetSessionToken), 1 "
            "skipped\n"
            "  1x  service event: no caller to evaluate\n"
            "      e.g. log.jsonl record 8 (line 8): RotateKey\n"
            "not readable: 1 (listed on standard error)\n");
}

// The JSON report's field names are an interface: they are compared whole here.
TEST(Replay, JsonReport) {
  const auto set = policySet();
  ReplayOptions options;
  options.records.assumeRoleCarriesMfa = false;
  options.records.principals = {"arn:aws:iam::111122223333:user/bob"};
  EXPECT_EQ(
      formatReplayJson(replay(*set, options)),
      R"j({"wouldDeny":true,"assumeRoleReading":"conservative","records":9,"replayed":3,)j"
      R"j("allowed":1,"explicitDeny":2,"implicitDeny":0,"needNoPermission":1,"otherPrincipals":1,)j"
      R"j("groups":[{"principal":"arn:aws:iam::111122223333:user/bob",)j"
      R"j("action":"ec2:DescribeInstances","decision":"allowed",)j"
      R"j("reason":"allowed by the identity-based policies",)j"
      R"j("counted":false,"count":1,"failedAtTheTime":0,"firstTime":"2026-11-21T09:00:00Z",)j"
      R"j("lastTime":"2026-11-21T09:00:00Z","credentials":["access-key"],"resources":["*"],)j"
      R"j("statement":{"policy":"p.json","policyType":"identity","policyIndex":0,"statementIndex":0,)j"
      R"j("sid":"AllowDescribe","effect":"Allow","line":4,"column":5},)j"
      R"j("missingContextValues":[],"errors":[],"via":"","inCatalogue":true},)j"
      R"j({"principal":"arn:aws:iam::111122223333:user/bob","action":"ec2:StopInstances",)j"
      R"j("decision":"explicitDeny",)j"
      R"j("reason":"denied by Deny statement \"DenyStopWithoutMfa\" in identity policy p.json",)j"
      R"j("counted":true,"count":2,"failedAtTheTime":1,"firstTime":"2026-11-21T09:05:00Z",)j"
      R"j("lastTime":"2026-11-21T09:10:00Z","credentials":["access-key"],"resources":["*"],)j"
      R"j("statement":{"policy":"p.json","policyType":"identity","policyIndex":0,"statementIndex":1,)j"
      R"j("sid":"DenyStopWithoutMfa","effect":"Deny","line":5,"column":5},)j"
      R"j("missingContextValues":["aws:MultiFactorAuthPresent"],"errors":[],"via":"",)j"
      R"j("inCatalogue":true}],)j"
      R"j("consoleSignIns":[{"principal":"arn:aws:iam::111122223333:user/bob","withMfa":1,)j"
      R"j("withoutMfa":1,"failed":0,"firstTime":"2026-11-21T08:00:00Z",)j"
      R"j("lastTime":"2026-11-21T10:00:00Z"}],)j"
      R"j("skipped":[{"record":8,"reason":"service event: no caller to evaluate"}],)j"
      R"j("skipReasons":[{"record":8,"reason":"service event: no caller to evaluate","count":1,)j"
      R"j("examples":[{"file":"log.jsonl","record":8,"line":8,"detail":"RotateKey"}]}],)j"
      R"j("errors":[{"record":9,)j"
      R"j("message":"log.jsonl:9:1: error: record 9: a CloudTrail event must be a JSON object: )j"
      R"j(unexpected character '7'; the rest of the line is skipped"}],)j"
      R"j("files":1,"duplicates":0,"skippedRecords":1,"errorCount":1,"serviceCalls":[],)j"
      R"j("unknownActions":[],"catalogue":""})j");
}

// A container that is not one is an error of its record; the log as a whole fails only when
// it holds nothing.
TEST(Replay, ReportsAContainerThatIsNotOne) {
  const auto set = policySet();
  auto report = replayCloudTrailLog("log.json", R"({"Records": 1})", *set, {});
  ASSERT_TRUE(report.ok()) << report.status().toString();
  ASSERT_EQ(report.value().errors.size(), 1U);
  EXPECT_EQ(report.value().errors[0].text,
            "log.json:1: error: record 1: \"Records\" must be an array of CloudTrail events");

  auto empty = replayCloudTrailLog("log.json", " \n", *set, {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().toString(),
            "log.json:1:1: error: no CloudTrail records: the input is empty");
}

// Re-delivered records are counted once; the window of remembered eventIDs is bounded, and an
// ID older than the window is not a duplicate any more.
TEST(Replay, DropsRedeliveredEventsWithinTheWindow) {
  const auto set = policySet();
  auto withId = [](int id) {
    return event("2026-11-21T09:00:00Z", "ec2.amazonaws.com", "DescribeInstances", kBobKey,
                 R"(,"eventID":"id-)" + std::to_string(id) + "\"");
  };
  std::string log;
  for (int id : {1, 2, 1, 3, 2, 4, 5, 1}) {  // window 3: the last 1 was evicted by 3, 4, 5
    log += withId(id) + "\n";
  }
  log += event("2026-11-21T09:00:00Z", "ec2.amazonaws.com", "DescribeInstances", kBobKey) + "\n";
  log += event("2026-11-21T09:00:00Z", "ec2.amazonaws.com", "DescribeInstances", kBobKey) + "\n";
  ReplayOptions options;
  options.dedupWindow = 3;
  auto report = replayCloudTrailLog("log.jsonl", log, *set, options);
  ASSERT_TRUE(report.ok()) << report.status().toString();
  EXPECT_EQ(report.value().records, 10U);
  EXPECT_EQ(report.value().duplicates, 2U);  // the second 1 and the second 2
  EXPECT_EQ(report.value().replayed, 8U);    // records without an eventID are never duplicates
  options.dedupWindow = 0;
  EXPECT_EQ(replayCloudTrailLog("log.jsonl", log, *set, options).value().duplicates, 0U);
}

// Calls made by a service are evaluated but kept apart, per service.
TEST(Replay, ReportsServiceCallsApart) {
  const auto set = policySet();
  const std::string viaCloudFormation =
      R"({"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333",)"
      R"("accessKeyId":"AKIAEXAMPLEBOB000001","invokedBy":"cloudformation.amazonaws.com"})";
  const std::string log =
      event("2026-11-21T09:00:00Z", "ec2.amazonaws.com", "StopInstances", viaCloudFormation) +
      "\n" + event("2026-11-21T09:00:00Z", "ec2.amazonaws.com", "StopInstances", kBobKey) + "\n";
  auto report = replayCloudTrailLog("log.jsonl", log, *set, {});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report.value().groups.size(), 2U);
  ASSERT_EQ(report.value().serviceCalls.size(), 1U);
  const ServiceCallSummary& calls = report.value().serviceCalls.at("cloudformation.amazonaws.com");
  EXPECT_EQ(calls.count, 1U);
  EXPECT_EQ(calls.explicitDenied, 1U);
  const std::string text = formatReplayText(report.value(), false);
  EXPECT_NE(text.find("  cloudformation.amazonaws.com  1x: 0 allowed, 1 explicitly denied, 0 not "
                      "allowed  [arn:aws:iam::111122223333:user/bob]\n"),
            std::string::npos)
      << text;
  // The user's own request is listed once among the denied groups, not the service's.
  const std::string ownGroup = "    ec2:StopInstances  1x  2026-11-21T09:00:00Z";
  ASSERT_NE(text.find(ownGroup), std::string::npos) << text;
  EXPECT_EQ(text.find(ownGroup), text.rfind(ownGroup)) << text;
}

}  // namespace
