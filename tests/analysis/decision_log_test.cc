#include "analysis/decision_log.h"

#include <gtest/gtest.h>

namespace policysim::analysis {
namespace {

constexpr std::string_view kDecided =
    R"({"time":"2026-12-06T19:30:24.123Z","requestId":"r1","endpoint":"authz",)"
    R"("principal":"arn:aws:iam::111122223333:user/alice","action":"iam:CreateAccessKey",)"
    R"("resource":"arn:aws:iam::111122223333:user/alice","mfa":{"present":true,"ageSeconds":60},)"
    R"("decision":"allowed","statements":[{"policy":"identity/force_mfa.json",)"
    R"("policyType":"identity","statementIndex":3,"sid":"AllowOwnKeys","effect":"Allow"}],)"
    R"("policyGeneration":4,"request":{"principal":"arn:aws:iam::111122223333:user/alice",)"
    R"("action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/alice",)"
    R"("context":{"aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":60,)"
    R"("aws:TagKeys":["a","b"],"aws:SourceIp":"192.0.2.1"}}})";

constexpr std::string_view kUndecided =
    R"({"time":"2026-12-06T19:30:25.000Z","requestId":"r2","endpoint":"authz","principal":null,)"
    R"("action":null,"resource":null,"mfa":{"present":null,"ageSeconds":null},)"
    R"("decision":"implicitDeny","statements":[],"policyGeneration":4,)"
    R"("error":"token refused: alg none: unsigned tokens are refused"})";

TEST(DecisionLog, ReadsDecidedAndUndecidedLines) {
  const std::string text = std::string(kDecided) + "\n\n" + std::string(kUndecided) + "\n";
  DecisionLogStats stats;
  auto log = readDecisionLog(text, "decisions.log", &stats);
  ASSERT_TRUE(log.ok()) << log.status().toString();
  ASSERT_EQ(log.value().size(), 2u);
  EXPECT_EQ(stats.decisions, 2u);
  EXPECT_FALSE(stats.truncatedTail);

  const LoggedDecision& first = log.value()[0];
  EXPECT_EQ(first.line, 1u);
  EXPECT_EQ(first.requestId, "r1");
  EXPECT_EQ(first.principal, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(first.mfaPresent, true);
  EXPECT_EQ(first.mfaAgeSeconds, 60);
  EXPECT_EQ(first.decision, engine::DecisionKind::Allowed);
  ASSERT_EQ(first.statements.size(), 1u);
  EXPECT_EQ(first.statements[0].sid, "AllowOwnKeys");
  EXPECT_EQ(first.statements[0].statementIndex, 3u);
  EXPECT_EQ(first.policyGeneration, 4u);
  ASSERT_TRUE(first.request.has_value());
  EXPECT_EQ(first.request->action, "iam:CreateAccessKey");
  const engine::ContextValue* tags = first.request->findContext("aws:TagKeys");
  ASSERT_NE(tags, nullptr);
  EXPECT_TRUE(tags->multivalued);
  EXPECT_EQ(tags->values, (std::vector<std::string>{"a", "b"}));
  const engine::ContextValue* mfa = first.request->findContext("aws:MultiFactorAuthPresent");
  ASSERT_NE(mfa, nullptr);
  EXPECT_EQ(mfa->type, engine::ContextValue::Type::Bool);

  const LoggedDecision& second = log.value()[1];
  EXPECT_EQ(second.line, 3u);
  EXPECT_FALSE(second.principal.has_value());
  EXPECT_FALSE(second.mfaPresent.has_value());
  EXPECT_FALSE(second.request.has_value());
  EXPECT_NE(second.error.find("alg none"), std::string::npos);
}

TEST(DecisionLog, TruncatedLastLineIsSkippedNotAnError) {
  const std::string text = std::string(kDecided) + "\n" + std::string(kDecided.substr(0, 40));
  DecisionLogStats stats;
  auto log = readDecisionLog(text, "decisions.log", &stats);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log.value().size(), 1u);
  EXPECT_TRUE(stats.truncatedTail);
}

TEST(DecisionLog, MalformedLinesNameFileAndLine) {
  const std::string decided(kDecided);
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string line = decided;
    line.replace(line.find(from), from.size(), to);
    return decided + "\n" + line + "\n";
  };
  for (
      const std::string& text : {
          decided + "\n{not json\n",
          replace(R"("decision":"allowed")", R"("decision":"maybe")"),
          replace(R"("time":"2026-12-06T19:30:24.123Z",)", ""),
          replace(R"("statementIndex":3)", R"("statementIndex":"3")"),
          replace(R"("mfa":{"present":true)", R"("mfa":{"present":"yes")"),
          replace(
              R"("action":"iam:CreateAccessKey","resource":"arn:aws:iam::111122223333:user/alice","context")",
              R"("resource":"x","context")"),  // the request has no action
          replace(R"("policyGeneration":4,"request")", R"("policyGeneration":4,"x")"),
      }) {
    auto log = readDecisionLog(text, "decisions.log");
    ASSERT_FALSE(log.ok()) << text;
    EXPECT_EQ(log.status().location().file, "decisions.log");
    EXPECT_EQ(log.status().location().line, 2u) << log.status().toString();
  }
  // An undecided request is never "allowed".
  std::string allowed(kUndecided);
  allowed.replace(allowed.find("implicitDeny"), 12, "allowed");
  EXPECT_FALSE(readDecisionLog(allowed + "\n", "decisions.log").ok());
}

TEST(DecisionLog, VisitorErrorStopsTheWalk) {
  const std::string text = std::string(kDecided) + "\n" + std::string(kDecided) + "\n";
  std::size_t seen = 0;
  const engine::Status s = forEachLoggedDecision(text, "decisions.log", [&](const LoggedDecision&) {
    ++seen;
    return engine::Status::invalidArgument("stop");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(seen, 1u);
}

}  // namespace
}  // namespace policysim::analysis
