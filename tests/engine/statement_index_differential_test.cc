// Differential test of the statement index (engine/internal/statement_index.h) on seeded random
// policy sets built from the shapes it places (literal, prefix- and suffix-wildcard actions,
// resources by literal prefix, equality conditions by value) mixed with what it must not place
// or must place carefully: policy variables in resources and condition values, NotAction,
// NotResource, IfExists, ForAnyValue, a second condition, values of the wrong type, case
// differences in actions, resources, keys and values. Every case is decided three ways:
//   - the engine with the index, and with it bypassed (StatementIndex::bypassForTesting): the
//     decision, the deciding statements in order, the missing context keys and the errors must
//     be equal;
//   - the independent reference evaluator (tests/reference): the decision must be equal;
//   - the engine with each policy compiled in two parts on two threads, each part with its
//     own index (engine/internal/policy_split.h): everything must be equal to one pass.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/decision.h"
#include "engine/internal/policy_split.h"
#include "engine/internal/statement_index.h"
#include "engine/policy_set.h"
#include "tests/reference/random_cases.h"
#include "tests/reference/reference_evaluator.h"

namespace policysim::reference {
namespace {

using engine::internal::StatementIndex;

class Rand {
 public:
  explicit Rand(std::uint64_t seed) : rng_(seed) {}
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  std::string pick(const std::vector<std::string>& items) { return items[below(items.size())]; }
  std::string id() { return std::to_string(below(12)); }  // few ids, so requests meet statements

 private:
  std::mt19937_64 rng_;
};

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

JsonValues one(const std::string& json) { return JsonValues{false, {json}}; }
std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string actionPattern(Rand& r) {
  const std::string id = r.id();
  switch (r.below(10)) {
    case 0:
      return "ec2:Op" + id;
    case 1:
      return "EC2:op" + id;  // actions ignore case
    case 2:
      return "ec2:Op" + id + "*";
    case 3:
      return "ec2:O?" + id + "*";
    case 4:
      return "ec2:*" + id;  // suffix
    case 5:
      return "ec2:*P" + id + "x";
    case 6:
      return r.pick({"ec2:*", "*", "s3:*"});
    case 7:
      return "s3:Get" + id;
    case 8:
      return "s3:*Object" + id;
    default:
      return "ec2:Op" + id + "?";
  }
}

std::string resourcePattern(Rand& r) {
  const std::string id = r.id();
  switch (r.below(10)) {
    case 0:
    case 1:
      return "arn:aws:s3:::tenant-" + id + "/*";
    case 2:
      return "arn:aws:s3:::Tenant-" + id + "/*";  // resources are case-sensitive
    case 3:
      return "arn:aws:s3:::tenant-" + id;
    case 4:
      return "*";
    case 5:
      return "arn:aws:s3:::tenant-${aws:username}/*";
    case 6:
      return "arn:aws:s3:::tenant-" + id + "/${aws:PrincipalTag/team}/*";
    case 7:
      return r.pick({"arn:aws:s3:::ten*", "arn:aws:s3:*", "arn:aws:s3:::*-" + id + "/*"});
    case 8:
      return "arn:aws:s3:::tenant-" + id + "/?";
    default:
      return "arn:aws:ec2:us-east-1:111122223333:instance/i-" + id;
  }
}

ConditionSpec condition(Rand& r) {
  const std::string id = r.id();
  switch (r.below(12)) {
    case 0:
    case 1:
      return {"StringEquals", "aws:PrincipalTag/team", one(quoted("team" + id))};
    case 2:
      return {"StringEquals", r.pick({"aws:PrincipalTag/team", "AWS:principaltag/TEAM"}),
              JsonValues{true, {quoted("team" + id), quoted("Team" + r.id())}}};
    case 3:
      return {r.pick({"StringEqualsIfExists", "ForAnyValue:StringEquals", "StringLike",
                      "StringNotEquals", "StringEqualsIgnoreCase"}),
              "aws:PrincipalTag/team", one(quoted("team" + id))};
    case 4:
      return {"StringEquals", "aws:PrincipalTag/team", one(quoted("${aws:username}" + id))};
    case 5:
      return {"Bool", "aws:SecureTransport", one(r.pick({"true", "\"false\"", "\"TRUE\""}))};
    case 6:
      return {"NumericEquals", "s3:max-keys",
              one(r.pick({quoted(id), quoted(id + ".0"), id, "\"ten\""}))};
    case 7:
      return {"ArnEquals", "aws:SourceArn",
              one(quoted(r.pick({"arn:aws:sns:us-east-1:111122223333:t" + id,
                                 "arn:aws:sns:*:111122223333:t" + id, "arn:aws:sns"})))};
    case 8:
      return {"StringEquals", "aws:username", one(quoted(r.pick({"alice", "Alice", "bob"})))};
    case 9:
      return {"Null", "aws:PrincipalTag/team", one("\"true\"")};
    case 10:
      return {"StringEquals", "aws:PrincipalTag/team", JsonValues{true, {}}};  // no values
    default:
      return {"NumericLessThan", "s3:max-keys", one(quoted(id))};
  }
}

StatementSpec statement(Rand& r) {
  StatementSpec s;
  s.allow = !r.chance(20);
  s.notAction = r.chance(8);
  for (std::size_t n = 1 + (r.chance(20) ? 1 : 0); n > 0; --n) {
    s.actions.push_back(actionPattern(r));
  }
  s.notResource = r.chance(8);
  for (std::size_t n = 1 + (r.chance(20) ? 1 : 0); n > 0; --n) {
    s.resources.push_back(resourcePattern(r));
  }
  const std::size_t conditions = r.below(100) < 35 ? 0 : (r.chance(25) ? 2 : 1);
  for (std::size_t n = 0; n < conditions; ++n) {
    ConditionSpec c = condition(r);
    bool repeated = false;  // one entry per operator and key (keys ignore case)
    for (const ConditionSpec& e : s.conditions) {
      repeated = repeated || (e.op == c.op && lower(e.key) == lower(c.key));
    }
    if (!repeated) {
      s.conditions.push_back(c);
    }
  }
  return s;
}

RequestSpec request(Rand& r) {
  RequestSpec q;
  q.principal = "arn:aws:iam::111122223333:user/alice";
  const std::string id = r.id();
  q.action = r.pick({"ec2:Op" + id, "EC2:OP" + id + "x", "ec2:Xp" + id, "ec2:Op" + id + id,
                     "s3:Get" + id, "s3:GetObject" + id, "s3:PutObject"});
  q.resource = r.pick({"arn:aws:s3:::tenant-" + id + "/f", "arn:aws:s3:::Tenant-" + id + "/f",
                       "arn:aws:s3:::tenant-" + id, "arn:aws:s3:::tenant-" + id + "/red/f",
                       "arn:aws:s3:::tenant-alice/f", "*",
                       "arn:aws:ec2:us-east-1:111122223333:instance/i-" + id});
  if (r.chance(80)) {
    q.context.emplace_back("aws:username", one(quoted(r.pick({"alice", "Alice"}))));
  }
  if (r.chance(75)) {
    const std::string team = r.pick({"team" + id, "Team" + id, "red", "alice" + id});
    q.context.emplace_back(
        r.pick({"aws:PrincipalTag/team", "aws:principaltag/Team"}),
        r.chance(10) ? JsonValues{true, {quoted(team), quoted("team1")}} : one(quoted(team)));
  }
  if (r.chance(50)) {
    q.context.emplace_back("aws:SecureTransport",
                           one(r.pick({"true", "false", "\"TRUE\"", "\"yes\""})));
  }
  if (r.chance(50)) {
    q.context.emplace_back("s3:max-keys", one(r.pick({quoted(id), quoted(id + ".00"), "\"x\""})));
  }
  if (r.chance(50)) {
    q.context.emplace_back(
        "aws:SourceArn",
        one(quoted(r.pick({"arn:aws:sns:us-east-1:111122223333:t" + id, "not-an-arn"}))));
  }
  return q;
}

CaseSpec indexCase(Rand& r) {
  CaseSpec spec;
  const std::size_t policies = 1 + (r.chance(30) ? 1 : 0);
  for (std::size_t p = 0; p < policies; ++p) {
    PolicySpec policy;
    policy.version = "2012-10-17";
    for (std::size_t n = 5 + r.below(60); n > 0; --n) {
      policy.statements.push_back(statement(r));
    }
    spec.identity.push_back(policy);
  }
  spec.request = request(r);
  return spec;
}

std::vector<std::size_t> refs(const engine::Decision& d) {
  std::vector<std::size_t> out;
  for (const engine::StatementRef& ref : d.matchedStatements) {
    out.push_back(ref.policyIndex * 1000 + ref.statementIndex);
  }
  return out;
}

std::vector<std::string> missing(const engine::Decision& d) {
  return {d.missingContextValues.begin(), d.missingContextValues.end()};
}

class StatementIndexDifferentialTest : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(StatementIndexDifferentialTest, IndexedEqualsUnindexedAndReference) {
  Rand r(GetParam());
  int allowed = 0;
  int splitSets = 0;
  constexpr int kCases = 1500;
  for (int index = 0; index < kCases; ++index) {
    const CaseSpec spec = indexCase(r);
    std::string error;
    const auto eng = engineCase(spec, &error);
    ASSERT_TRUE(eng) << error;
    const auto ref = referenceCase(spec, &error);
    ASSERT_TRUE(ref) << error;
    auto set = engine::PolicySet::compile(eng->texts);
    ASSERT_TRUE(set.ok()) << set.status().toString();
    // Every other case also in two parts (a thread and a second compile per case: the
    // sanitizer build's longest test otherwise).
    std::shared_ptr<const engine::PolicySet> twoParts;
    if (index % 2 == 0) {
      engine::PolicyParseOptions inParts;
      inParts.secondThreadMinBytes = 0;
      const std::size_t before = engine::internal::twoPartCompilesForTesting();
      auto compiled = engine::PolicySet::compile(eng->texts, inParts);
      ASSERT_TRUE(compiled.ok()) << compiled.status().toString();
      splitSets += engine::internal::twoPartCompilesForTesting() > before ? 1 : 0;
      twoParts = compiled.value();
    }
    const engine::Decision indexed = set.value()->evaluate(eng->request, false);
    StatementIndex::bypassForTesting(true);
    const engine::Decision full = set.value()->evaluate(eng->request, false);
    StatementIndex::bypassForTesting(false);
    const engine::DecisionKind expected = evaluate(ref->input, ref->request, nullptr);
    const std::string where = "case " + std::to_string(index) + ":\n" + spec.describe();
    ASSERT_EQ(indexed.kind, full.kind) << where;
    ASSERT_EQ(refs(indexed), refs(full)) << where;
    ASSERT_EQ(missing(indexed), missing(full)) << where;
    ASSERT_EQ(indexed.errors, full.errors) << where;
    ASSERT_EQ(indexed.kind, expected) << where;
    if (twoParts) {
      const engine::Decision parts = twoParts->evaluate(eng->request, false);
      ASSERT_EQ(parts.kind, indexed.kind) << where;
      ASSERT_EQ(refs(parts), refs(indexed)) << where;
      ASSERT_EQ(missing(parts), missing(indexed)) << where;
      ASSERT_EQ(parts.errors, indexed.errors) << where;
    }
    allowed += indexed.kind == engine::DecisionKind::Allowed ? 1 : 0;
  }
  // The vocabularies meet: a good share of the cases is allowed, a good share is not.
  EXPECT_GT(allowed, kCases / 10);
  EXPECT_LT(allowed, kCases * 9 / 10);
  // Most of those sets had a policy compiled in two parts (where the machine has two cores).
  if (std::thread::hardware_concurrency() > 1) {
    EXPECT_GT(splitSets, kCases / 4);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, StatementIndexDifferentialTest,
                         ::testing::Values(1U, 17U, 20261206U));

}  // namespace
}  // namespace policysim::reference
