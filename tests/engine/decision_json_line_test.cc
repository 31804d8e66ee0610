// Batch-mode JSON lines are written by hand (no writer object): they must be valid JSON that
// reads back to the same strings, whatever bytes the names and messages hold.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "engine/decision_format.h"

namespace policysim::engine {
namespace {

rapidjson::Document parse(const std::string& line) {
  rapidjson::Document document;
  document.Parse(line.data(), line.size());
  EXPECT_FALSE(document.HasParseError()) << line;
  return document;
}

TEST(DecisionJsonLine, EscapesEveryByteThatNeedsIt) {
  std::string awkward = "q\"b\\s/\b\f\n\r\t";
  for (char c = 1; c < 0x20; ++c) {
    awkward.push_back(c);
  }
  awkward += "\x7F caf\xC3\xA9 \xE2\x9C\x93";
  awkward.push_back('\0');
  awkward += "end";

  Decision decision;
  decision.kind = DecisionKind::ExplicitDeny;
  StatementRef ref;
  ref.policyName = awkward;
  ref.sid = "Sid\"1";
  ref.statementIndex = 12345678901;
  ref.effect = Effect::Deny;
  decision.matchedStatements.push_back(ref);
  decision.missingContextValues.push_back(awkward);
  decision.errors.push_back(awkward);

  std::string line;
  appendDecisionJsonLine(7, decision, &line);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const rapidjson::Document document = parse(line);
  EXPECT_EQ(document["line"].GetUint64(), 7U);
  EXPECT_STREQ(document["decision"].GetString(), "explicitDeny");
  const auto& statement = document["matchedStatements"][0];
  EXPECT_EQ(std::string(statement["policy"].GetString(), statement["policy"].GetStringLength()),
            awkward);
  EXPECT_STREQ(statement["sid"].GetString(), "Sid\"1");
  EXPECT_EQ(statement["statementIndex"].GetUint64(), 12345678901U);
  EXPECT_STREQ(statement["effect"].GetString(), "Deny");
  const auto& missing = document["missingContextValues"][0];
  EXPECT_EQ(std::string(missing.GetString(), missing.GetStringLength()), awkward);
  const auto& error = document["errors"][0];
  EXPECT_EQ(std::string(error.GetString(), error.GetStringLength()), awkward);
}

TEST(DecisionJsonLine, ShapeOfAnAllowAndOfAnErrorLine) {
  Decision decision;
  decision.kind = DecisionKind::Allowed;
  StatementRef ref;
  ref.policyName = "policies/force_mfa.json";
  ref.sid = "OwnAccessKeys";
  ref.statementIndex = 2;
  decision.matchedStatements.push_back(ref);
  std::string line;
  appendDecisionJsonLine(2, decision, &line);
  EXPECT_EQ(
      line,
      R"({"line":2,"decision":"allowed","matchedStatements":[{"policy":"policies/force_mfa.json",)"
      R"("policyType":"identity","statementIndex":2,"sid":"OwnAccessKeys","effect":"Allow"}],"missingContextValues":[]})");
  line.clear();
  appendErrorJsonLine(3, "req.jsonl:3:1: invalid JSON \"x\"", &line);
  EXPECT_EQ(line, R"({"line":3,"error":"req.jsonl:3:1: invalid JSON \"x\""})");
}

// The statement cache writes what appendStatementRefJson writes: for statements seen before,
// for distinct statements whose names are equal, and past the cache's size.
TEST(DecisionJsonLine, StatementCacheWritesTheSameLines) {
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) {
    names.push_back("p\"" + std::to_string(i % 7) + ".json");
  }
  StatementJsonCache cache;
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      Decision decision;
      decision.kind = i % 2 == 0 ? DecisionKind::Allowed : DecisionKind::ExplicitDeny;
      for (std::size_t j = 0; j <= i % 3; ++j) {
        StatementRef ref;
        ref.policyName = names[(i + j) % names.size()];
        ref.sid = j == 0 ? std::string_view("Sid") : std::string_view(names[j]);
        ref.statementIndex = i + j;
        ref.effect = j % 2 == 0 ? Effect::Allow : Effect::Deny;
        ref.policyKind = j == 2 ? PolicyKind::Boundary : PolicyKind::Identity;
        decision.matchedStatements.push_back(ref);
      }
      std::string plain;
      std::string cached;
      appendDecisionJsonLine(i, decision, &plain);
      appendDecisionJsonLine(i, decision, &cached, &cache);
      ASSERT_EQ(cached, plain);
    }
  }
}

}  // namespace
}  // namespace policysim::engine
