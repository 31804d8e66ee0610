// The statement index (engine/internal/statement_index.h): for each shape it places, a request
// looks at the statements that can match only (lastCandidateCount), and the decision, the
// deciding statements, the missing context keys and the errors are those of the unindexed path
// (bypassForTesting), including the case rules (actions case-insensitive, resources and
// StringEquals case-sensitive) and what the index must not place.
#include "engine/internal/statement_index.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "engine/decision.h"
#include "engine/internal/open_addressing.h"
#include "engine/policy_set.h"
#include "engine/request_json.h"

namespace {

using namespace policysim::engine;
using policysim::engine::internal::StatementIndex;

std::shared_ptr<const PolicySet> compileStatements(int n,
                                                   const std::function<std::string(int)>& make) {
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < n; ++i) {
    if (i != 0) {
      text += ',';
    }
    text += make(i);
  }
  text += "]}";
  PolicySetTexts texts;
  texts.identity.push_back(PolicyText{"index.json", text});
  auto set = PolicySet::compile(texts);
  EXPECT_TRUE(set.ok()) << set.status().toString();
  return set.value();
}

Request request(const std::string& action, const std::string& resource,
                const std::string& context = "{}") {
  auto requests =
      parseRequests(R"({"principal":"arn:aws:iam::111122223333:user/alice",)"
                    R"("action":")" +
                        action + R"(","resource":")" + resource + R"(","context":)" + context + "}",
                    "request.json");
  EXPECT_TRUE(requests.ok()) << requests.status().toString();
  return requests.value().front();
}

std::vector<std::size_t> statementIndexes(const Decision& decision) {
  std::vector<std::size_t> out;
  for (const StatementRef& ref : decision.matchedStatements) {
    out.push_back(ref.statementIndex);
  }
  return out;
}

std::vector<std::string> missing(const Decision& decision) {
  return {decision.missingContextValues.begin(), decision.missingContextValues.end()};
}

struct Indexed {
  Decision decision;
  std::size_t candidates = 0;
};

// Decides with the index and without it; everything a caller sees must agree.
Indexed decide(const PolicySet& set, const Request& r) {
  StatementIndex::countForTesting();
  Indexed out;
  out.decision = set.evaluate(r, false);
  out.candidates = StatementIndex::lastCandidateCount();
  StatementIndex::bypassForTesting(true);
  const Decision full = set.evaluate(r, false);
  StatementIndex::bypassForTesting(false);
  EXPECT_EQ(out.decision.kind, full.kind);
  EXPECT_EQ(statementIndexes(out.decision), statementIndexes(full));
  EXPECT_EQ(missing(out.decision), missing(full));
  EXPECT_EQ(out.decision.errors, full.errors);
  EXPECT_EQ(set.evaluate(r, true).kind, full.kind);
  return out;
}

std::string allow(const std::string& action, const std::string& resource,
                  const std::string& condition = "") {
  std::string text =
      R"({"Effect":"Allow","Action":")" + action + R"(","Resource":")" + resource + "\"";
  if (!condition.empty()) {
    text += R"(,"Condition":)" + condition;
  }
  return text + "}";
}

std::string teamEquals(const std::string& team) {
  return R"({"StringEquals":{"aws:PrincipalTag/team":")" + team + R"("}})";
}

constexpr int kMany = 1000;

// Open-addressing tables are powers of two, at most half full, and never under their minimum.
TEST(OpenAddressing, CapacityIsAPowerOfTwoAtLeastTwiceTheEntries) {
  using policysim::engine::internal::openAddressingCapacity;
  EXPECT_EQ(openAddressingCapacity(0, 16), 16U);
  EXPECT_EQ(openAddressingCapacity(3, 8), 8U);
  EXPECT_EQ(openAddressingCapacity(8, 16), 16U);
  EXPECT_EQ(openAddressingCapacity(9, 16), 32U);
  EXPECT_EQ(openAddressingCapacity(100000, 8), 262144U);
}

TEST(StatementIndexTest, LiteralActionsLookOnlyAtTheirStatement) {
  const auto set =
      compileStatements(kMany, [](int i) { return allow("ec2:Op" + std::to_string(i), "*"); });
  const Indexed last = decide(*set, request("EC2:op999", "*"));  // actions ignore case
  EXPECT_EQ(last.decision.kind, DecisionKind::Allowed);
  EXPECT_EQ(statementIndexes(last.decision), std::vector<std::size_t>{999});
  EXPECT_EQ(last.candidates, 1U);
  EXPECT_EQ(decide(*set, request("ec2:Other", "*")).candidates, 0U);
}

TEST(StatementIndexTest, PrefixWildcardsAreFoundByEveryPrefixOfTheAction) {
  const auto set = compileStatements(
      kMany, [](int i) { return allow("ec2:Op" + std::to_string(i) + "*", "*"); });
  const Indexed last = decide(*set, request("ec2:OP999", "*"));
  EXPECT_EQ(last.decision.kind, DecisionKind::Allowed);
  // "ec2:Op9*", "ec2:Op99*" and "ec2:Op999*" all cover it, in statement order.
  EXPECT_EQ(statementIndexes(last.decision), (std::vector<std::size_t>{9, 99, 999}));
  EXPECT_EQ(last.candidates, 3U);
  EXPECT_EQ(decide(*set, request("ec2:Describe", "*")).candidates, 0U);
  EXPECT_EQ(decide(*set, request("s3:Op1", "*")).candidates, 0U);  // another service
}

TEST(StatementIndexTest, SuffixWildcardsAreFoundPerService) {
  const auto set =
      compileStatements(kMany, [](int i) { return allow("ec2:*Thing" + std::to_string(i), "*"); });
  const Indexed hit = decide(*set, request("ec2:StopTHING42", "*"));
  EXPECT_EQ(statementIndexes(hit.decision), std::vector<std::size_t>{42});
  EXPECT_EQ(hit.candidates, 1U);
  EXPECT_EQ(decide(*set, request("s3:StopThing42", "*")).candidates, 0U);
}

TEST(StatementIndexTest, ResourcesAreFoundByTheirLiteralPrefixCaseSensitively) {
  const auto set = compileStatements(kMany, [](int i) {
    return allow("s3:GetObject", "arn:aws:s3:::tenant-" + std::to_string(i) + "/*");
  });
  const Indexed hit = decide(*set, request("s3:GetObject", "arn:aws:s3:::tenant-7/a.txt"));
  EXPECT_EQ(statementIndexes(hit.decision), std::vector<std::size_t>{7});
  EXPECT_EQ(hit.candidates, 1U);
  const Indexed upper = decide(*set, request("s3:GetObject", "arn:aws:s3:::Tenant-7/a.txt"));
  EXPECT_EQ(upper.decision.kind, DecisionKind::ImplicitDeny);
  EXPECT_EQ(upper.candidates, 0U);
  EXPECT_EQ(decide(*set, request("s3:GetObject", "*")).candidates, 0U);
}

TEST(StatementIndexTest, ResourcesWithPolicyVariablesStayEvaluatedSoMissingKeysAreReported) {
  const auto set = compileStatements(kMany, [](int i) {
    return i == 500 ? allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")
                    : allow("s3:GetObject", "arn:aws:s3:::tenant-" + std::to_string(i) + "/*");
  });
  const Indexed other = decide(*set, request("s3:GetObject", "arn:aws:s3:::other/x"));
  EXPECT_EQ(missing(other.decision), std::vector<std::string>{"aws:username"});
  EXPECT_EQ(other.candidates, 1U);
  const Indexed own = decide(
      *set, request("s3:GetObject", "arn:aws:s3:::home/alice/x", R"({"aws:username":"alice"})"));
  EXPECT_EQ(statementIndexes(own.decision), std::vector<std::size_t>{500});
}

TEST(StatementIndexTest, EqualityConditionsAreFoundByValueCaseSensitively) {
  const auto set = compileStatements(kMany, [](int i) {
    return allow("s3:GetObject", "arn:aws:s3:::shared/*", teamEquals("team" + std::to_string(i)));
  });
  const std::string resource = "arn:aws:s3:::shared/x";
  const Indexed hit =
      decide(*set, request("s3:GetObject", resource, R"({"aws:PrincipalTag/team":"team123"})"));
  EXPECT_EQ(statementIndexes(hit.decision), std::vector<std::size_t>{123});
  EXPECT_EQ(hit.candidates, 1U);
  // Condition keys ignore case, StringEquals values do not.
  const Indexed key =
      decide(*set, request("s3:GetObject", resource, R"({"AWS:principaltag/TEAM":"team123"})"));
  EXPECT_EQ(statementIndexes(key.decision), std::vector<std::size_t>{123});
  const Indexed value =
      decide(*set, request("s3:GetObject", resource, R"({"aws:PrincipalTag/team":"Team123"})"));
  EXPECT_EQ(value.decision.kind, DecisionKind::ImplicitDeny);
  EXPECT_EQ(value.candidates, 0U);
}

// A small policy is placed by counting too: ten statements that share their action (a tenant
// per bucket prefix, a team per tag value) must not all be candidates of every request.
TEST(StatementIndexTest, SmallPoliciesArePlacedUnderTheirMostSelectiveDimension) {
  constexpr int kFew = 10;
  const auto tags = compileStatements(kFew, [](int i) {
    return allow("s3:GetObject", "arn:aws:s3:::shared/*", teamEquals("team" + std::to_string(i)));
  });
  const Indexed team = decide(*tags, request("s3:GetObject", "arn:aws:s3:::shared/x",
                                             R"({"aws:PrincipalTag/team":"team7"})"));
  EXPECT_EQ(statementIndexes(team.decision), std::vector<std::size_t>{7});
  EXPECT_EQ(team.candidates, 1U);
  const auto tenants = compileStatements(kFew, [](int i) {
    return allow("s3:GetObject", "arn:aws:s3:::tenant-" + std::to_string(i) + "/*");
  });
  const Indexed tenant = decide(*tenants, request("s3:GetObject", "arn:aws:s3:::tenant-7/k"));
  EXPECT_EQ(statementIndexes(tenant.decision), std::vector<std::size_t>{7});
  EXPECT_EQ(tenant.candidates, 1U);
  const Indexed none = decide(*tenants, request("s3:GetObject", "arn:aws:s3:::other/k"));
  EXPECT_EQ(none.decision.kind, DecisionKind::ImplicitDeny);
  EXPECT_EQ(none.candidates, 0U);
}

TEST(StatementIndexTest, AnAbsentOrMultivaluedKeyMakesEveryStatementOfItsKeyACandidate) {
  const auto set = compileStatements(kMany, [](int i) {
    return allow("s3:GetObject", "arn:aws:s3:::shared/*", teamEquals("team" + std::to_string(i)));
  });
  const Indexed absent = decide(*set, request("s3:GetObject", "arn:aws:s3:::shared/x"));
  EXPECT_EQ(missing(absent.decision), std::vector<std::string>{"aws:PrincipalTag/team"});
  EXPECT_EQ(absent.candidates, static_cast<std::size_t>(kMany));
  const Indexed list = decide(*set, request("s3:GetObject", "arn:aws:s3:::shared/x",
                                            R"({"aws:PrincipalTag/team":["team1","team2"]})"));
  EXPECT_EQ(list.decision.kind, DecisionKind::ImplicitDeny);
}

TEST(StatementIndexTest, BoolNumericAndArnEqualityCompareAsTheirFamily) {
  const auto set = compileStatements(kMany, [](int i) {
    const std::string id = std::to_string(i);
    switch (i % 3) {
      case 0:
        return allow("s3:GetObject", "*", R"({"NumericEquals":{"s3:max-keys":")" + id + "\"}}");
      case 1:
        return allow(
            "s3:GetObject", "*",
            R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:t)" + id + "\"}}");
      default:
        return allow("s3:GetObject", "*",
                     std::string(R"({"Bool":{"aws:SecureTransport":")") +
                         (i == 2 ? "true" : "false") + "\"}}");
    }
  });
  // 30.0 is 30; "TRUE" is true; a value of the wrong type is an error, not a mismatch.
  const Indexed number = decide(*set, request("s3:GetObject", "*", R"({"s3:max-keys":"30.0"})"));
  EXPECT_EQ(statementIndexes(number.decision), std::vector<std::size_t>{30});
  const Indexed arn = decide(
      *set,
      request("s3:GetObject", "*", R"({"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:t4"})"));
  EXPECT_EQ(statementIndexes(arn.decision), std::vector<std::size_t>{4});
  const Indexed boolean =
      decide(*set, request("s3:GetObject", "*", R"({"aws:SecureTransport":"TRUE"})"));
  EXPECT_EQ(statementIndexes(boolean.decision), std::vector<std::size_t>{2});
  const Indexed bad = decide(*set, request("s3:GetObject", "*", R"({"s3:max-keys":"ten"})"));
  EXPECT_FALSE(bad.decision.errors.empty());
  EXPECT_EQ(bad.decision.kind, DecisionKind::ImplicitDeny);
}

TEST(StatementIndexTest, WhatTheIndexCannotPlaceIsAlwaysEvaluated) {
  const auto set = compileStatements(kMany, [](int i) {
    const std::string id = std::to_string(i);
    switch (i % 5) {
      case 0:
        return allow("s3:GetObject", "*",
                     R"({"StringEqualsIfExists":{"aws:PrincipalTag/team":"team)" + id + "\"}}");
      case 1:
        return allow("s3:GetObject", "*",
                     R"({"ForAnyValue:StringEquals":{"aws:PrincipalTag/team":"team)" + id + "\"}}");
      case 2:
        return std::string(
                   R"({"Effect":"Deny","NotAction":"ec2:*","NotResource":"arn:aws:s3:::x)") +
               id + R"(","Condition":{"StringEquals":{"aws:PrincipalTag/team":"deny)" + id +
               "\"}}}";
      case 3:
        return allow("s3:GetObject", "*",
                     R"({"StringEquals":{"aws:PrincipalTag/team":"${aws:username})" + id + "\"}}");
      default:
        // The statement's second condition is not used to place it.
        return allow(
            "s3:GetObject", "*",
            R"({"StringLike":{"aws:username":"a*"},"StringEquals":{"aws:PrincipalTag/team":"x)" +
                id + "\"}}");
    }
  });
  const Indexed absent = decide(*set, request("s3:GetObject", "arn:aws:s3:::y"));
  EXPECT_EQ(absent.decision.kind, DecisionKind::Allowed);  // the IfExists statements
  const Indexed deny = decide(
      *set, request("s3:GetObject", "arn:aws:s3:::y", R"({"aws:PrincipalTag/team":"deny7"})"));
  EXPECT_EQ(deny.decision.kind, DecisionKind::ExplicitDeny);
  EXPECT_EQ(statementIndexes(deny.decision), std::vector<std::size_t>{7});
  const Indexed own = decide(
      *set,
      request("s3:GetObject", "*", R"({"aws:username":"alice","aws:PrincipalTag/team":"alice3"})"));
  EXPECT_EQ(statementIndexes(own.decision), std::vector<std::size_t>{3});
}

TEST(StatementIndexTest, AStatementWithAnInvalidValueFailsClosedWhateverItsCondition) {
  const auto set = compileStatements(kMany, [](int i) {
    if (i == 600) {
      return std::string(R"({"Effect":"Deny","Action":"s3:GetObject","Resource":"*",)"
                         R"("Condition":{"NumericEquals":{"s3:max-keys":"ten"}}})");
    }
    return allow("s3:GetObject", "*", teamEquals("team" + std::to_string(i)));
  });
  const Indexed r =
      decide(*set, request("s3:GetObject", "*", R"({"aws:PrincipalTag/team":"team5"})"));
  EXPECT_EQ(r.decision.kind, DecisionKind::ExplicitDeny);
  EXPECT_EQ(statementIndexes(r.decision), std::vector<std::size_t>{600});
}

}  // namespace

// The index's tables mask hashes with their low bits: keys that differ only in their last
// bytes (short tag values, long action names) must spread over them as random values would
// (4,096 keys in 4,096 buckets fill about 2,590), or lookups probe long chains.
TEST(StatementIndexTest, HashSpreadsKeysThatDifferInTheirLastBytesOverTheLowBits) {
  const std::vector<std::function<std::string(int)>> families = {
      [](int i) { return "team" + std::to_string(i); },
      [](int i) { return "svc" + std::to_string(i % 50) + ":action" + std::to_string(i); },
      [](int i) { return "arn:aws:s3:::tenant-" + std::to_string(i) + "/"; },
  };
  for (const auto& key : families) {
    std::vector<bool> used(4096, false);
    std::size_t buckets = 0;
    for (int i = 0; i < 4096; ++i) {
      const std::size_t bucket = policysim::engine::internal::hashText(key(i)) & 4095U;
      buckets += used[bucket] ? 0 : 1;
      used[bucket] = true;
    }
    EXPECT_GT(buckets, 2400U) << key(0);
  }
}
