// replayDecisionLogs: a gateway's decision log evaluated against another policy set. The log
// lines are in the shape `policysim serve --decision-log` writes (tests/serve/decision_log_test.sh
// checks that shape against the server itself).
#include "analysis/decision_replay.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "engine/policy_set.h"

namespace policysim::analysis {
namespace {

using engine::DecisionKind;

std::string loggedLine(const std::string& id, const std::string& principal, bool mfa,
                       const std::string& decision) {
  const std::string mfaText = mfa ? "true" : "false";
  return R"({"time":"2026-12-06T19:30:2)" + id.substr(id.size() - 1) + R"(.000Z","requestId":")" +
         id + R"(","endpoint":"authz","principal":")" + principal +
         R"(","action":"iam:CreateAccessKey","resource":")" + principal + R"(","mfa":{"present":)" +
         mfaText + R"(,"ageSeconds":null},"decision":")" + decision +
         R"(","statements":[],"policyGeneration":1,"request":{"principal":")" + principal +
         R"(","action":"iam:CreateAccessKey","resource":")" + principal +
         R"(","context":{"aws:MultiFactorAuthPresent":)" + mfaText + "}}}\n";
}

constexpr const char* kAlice = "arn:aws:iam::111122223333:user/alice";
constexpr const char* kBob = "arn:aws:iam::111122223333:user/bob";

// Keys allowed with MFA only: what the gateway ran when it wrote the log below.
constexpr const char* kKeysWithMfa = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"KeysWithMfa","Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*",
   "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]})";
// The change under review: no new keys at all, by an explicit Deny.
constexpr const char* kNoKeys = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"KeysWithMfa","Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*",
   "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
  {"Sid":"NoKeys","Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*"}]})";
// A loosening: keys without MFA.
constexpr const char* kKeysAlways = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"KeysAlways","Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*"}]})";

class DecisionReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One file per test: ctest runs the tests of this fixture in parallel processes.
    path_ = ::testing::TempDir() + "decision_replay_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".log";
    std::ofstream out(path_);
    out << loggedLine("r1", kAlice, true, "allowed") << loggedLine("r2", kAlice, true, "allowed")
        << loggedLine("r3", kBob, false, "implicitDeny")
        << R"({"time":"2026-12-06T19:30:29.000Z","requestId":"r4","endpoint":"authz",)"
           R"("principal":null,"action":null,"resource":null,)"
           R"("mfa":{"present":null,"ageSeconds":null},"decision":"implicitDeny",)"
           R"("statements":[],"policyGeneration":1,"error":"token refused: expired"})"
           "\n";
  }
  void TearDown() override { std::remove(path_.c_str()); }

  DecisionReplayReport replayAgainst(const char* policy) {
    engine::PolicySetTexts texts;
    texts.identity.push_back(engine::PolicyText{"new.json", policy});
    auto set = engine::PolicySet::compile(texts);
    EXPECT_TRUE(set.ok()) << set.status().toString();
    set_ = set.value();
    auto report = replayDecisionLogs({path_}, *set_);
    EXPECT_TRUE(report.ok()) << report.status().toString();
    return report.ok() ? report.value() : DecisionReplayReport{};
  }

  std::string path_;
  std::shared_ptr<const engine::PolicySet> set_;  // the report points into it
};

TEST_F(DecisionReplayTest, TheSamePoliciesChangeNothing) {
  const DecisionReplayReport report = replayAgainst(kKeysWithMfa);
  EXPECT_EQ(report.decisions, 4U);
  EXPECT_EQ(report.replayed, 3U);
  EXPECT_EQ(report.undecided, 1U);  // the refused token: no request to replay
  EXPECT_EQ(report.unchanged, 3U);
  EXPECT_TRUE(report.changes.empty());
  EXPECT_FALSE(report.wouldDeny());
}

TEST_F(DecisionReplayTest, ATighterSetReportsWhatTheGatewayAllowedAndWouldNowDeny) {
  const DecisionReplayReport report = replayAgainst(kNoKeys);
  EXPECT_EQ(report.newlyDenied, 2U);
  EXPECT_EQ(report.denyKindChanged, 1U);  // bob: implicit before, explicit now
  EXPECT_TRUE(report.wouldDeny());
  ASSERT_EQ(report.changes.size(), 2U);
  const DecisionChange& first = report.changes.begin()->second;  // newly denied come first
  EXPECT_EQ(first.principal, kAlice);
  EXPECT_EQ(first.count, 2U);
  EXPECT_EQ(first.logged, DecisionKind::Allowed);
  EXPECT_EQ(first.now, DecisionKind::ExplicitDeny);
  EXPECT_EQ(first.exampleRequestId, "r1");
  EXPECT_EQ(first.firstTime, "2026-12-06T19:30:21.000Z");
  EXPECT_EQ(first.lastTime, "2026-12-06T19:30:22.000Z");
  ASSERT_EQ(first.statements.size(), 1U);
  EXPECT_EQ(first.statements[0].sid, "NoKeys");
  EXPECT_NE(first.reason.find("NoKeys"), std::string::npos) << first.reason;

  const std::string json = formatDecisionReplayJson(report);
  EXPECT_NE(json.find(R"("newlyDenied":2)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("logged":"allowed","now":"explicitDeny","count":2)"), std::string::npos)
      << json;
  const std::string text = formatDecisionReplayText(report);
  EXPECT_NE(text.find("would now be DENIED"), std::string::npos) << text;
}

TEST_F(DecisionReplayTest, ALooserSetReportsNewlyAllowedButDoesNotFail) {
  const DecisionReplayReport report = replayAgainst(kKeysAlways);
  EXPECT_EQ(report.newlyAllowed, 1U);  // bob without MFA
  EXPECT_EQ(report.newlyDenied, 0U);
  EXPECT_FALSE(report.wouldDeny());
  ASSERT_EQ(report.changes.size(), 1U);
  EXPECT_EQ(report.changes.begin()->second.principal, kBob);
  EXPECT_EQ(report.changes.begin()->second.now, DecisionKind::Allowed);
}

TEST_F(DecisionReplayTest, AMalformedLineIsAnErrorWithItsPosition) {
  std::ofstream(path_, std::ios::app) << "{not json}\n";
  engine::PolicySetTexts texts;
  texts.identity.push_back(engine::PolicyText{"new.json", kKeysWithMfa});
  auto set = engine::PolicySet::compile(texts);
  ASSERT_TRUE(set.ok());
  auto report = replayDecisionLogs({path_}, *set.value());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().toString().find(path_ + ":5:"), std::string::npos)
      << report.status().toString();
}

}  // namespace
}  // namespace policysim::analysis
