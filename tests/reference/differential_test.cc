// Differential test: the production engine (PolicySet::compile + evaluate, with and without
// explanations) against the reference evaluator (reference_evaluator.h) on seeded random cases
// (random_cases.h), plus sanity checks of the reference itself against
// ../shared/docs/iam-semantics.md §6.
//
// Both sides read every case on their own (random_cases.h): the engine through
// PolicySet::compile on the policy texts, the reference through reference_policy.h. A generated
// case is always valid, so a case either side cannot read fails the test.
//
// On a disagreement the test prints the case as JSON (every policy and the request), a shrunk
// version of it, and the reference's trace, so it can be replayed with `policysim check`.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/decision.h"
#include "engine/policy_set.h"
#include "tests/reference/random_cases.h"
#include "tests/reference/reference_evaluator.h"

namespace policysim::reference {
namespace {

using engine::DecisionKind;

// ---------------------------------------------------------------------------------------------
// Seeds and sizes. Cases per seed are fixed so a failure names a reproducible (seed, index).

struct SeedRun {
  std::uint64_t seed;
  int cases;
};

void PrintTo(const SeedRun& run, std::ostream* os) {
  *os << "seed " << run.seed << ", " << run.cases << " cases";
}

constexpr SeedRun kSeedRuns[] = {
    {1, 1500},
    {2, 1500},
    {20240917, 1500},
    {0x5eed5eed5eedULL, 1500},
};

// Cases where the engine and the reference disagree and the reference is believed right: the
// engine is wrong (or the doc has to say otherwise) and has to be fixed. Each entry names the
// rule. An entry whose case agrees again fails the test, so this list shrinks as the engine is
// fixed. Minimal reproductions are in the comments on the rule constants.

struct KnownDisagreement {
  std::uint64_t seed;
  int index;
  const char* rule;
};

// Cases where the engine and the reference disagreed and the engine was wrong have been fixed
// (short resource ARNs, short ARN condition values, empty condition value lists); add an entry
// here only with a comment naming the doc section and the decision still open.
const std::vector<KnownDisagreement> kKnownDisagreements = {};

const KnownDisagreement* findKnown(std::uint64_t seed, int index) {
  for (const KnownDisagreement& k : kKnownDisagreements) {
    if (k.seed == seed && k.index == index) return &k;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------

struct Outcome {
  bool parsed = false;  // both sides read the case and the engine compiled it
  std::string parseError;
  DecisionKind engine = DecisionKind::ImplicitDeny;           // explain = false
  DecisionKind engineExplained = DecisionKind::ImplicitDeny;  // explain = true
  DecisionKind enginePrepared = DecisionKind::ImplicitDeny;   // from a PreparedRequest
  DecisionKind reference = DecisionKind::ImplicitDeny;
  [[nodiscard]] bool agree() const {
    return engine == reference && engineExplained == reference && enginePrepared == reference;
  }
};

Outcome run(const CaseSpec& spec, std::vector<std::string>* trace = nullptr) {
  Outcome out;
  std::string error;
  const std::optional<ReferenceCase> ref = referenceCase(spec, &error);
  if (!ref) {
    out.parseError = "reference reader: " + error;
    return out;
  }
  const std::optional<EngineCase> eng = engineCase(spec, &error);
  if (!eng) {
    out.parseError = "engine request: " + error;
    return out;
  }
  out.reference = evaluate(ref->input, ref->request, trace);
  auto set = engine::PolicySet::compile(eng->texts);
  if (!set.ok()) {
    out.parseError = "engine compile: " + set.status().toString();
    return out;
  }
  out.parsed = true;
  out.engine = set.value()->evaluate(eng->request, /*explain=*/false).kind;
  out.engineExplained = set.value()->evaluate(eng->request, /*explain=*/true).kind;
  const engine::PreparedRequest prepared(eng->request);
  out.enginePrepared = set.value()->evaluate(prepared, /*explain=*/false).kind;
  return out;
}

std::string outcomeText(const Outcome& o) {
  return std::string("engine=") + engine::decisionName(o.engine) +
         " engine(explain)=" + engine::decisionName(o.engineExplained) +
         " engine(prepared)=" + engine::decisionName(o.enginePrepared) +
         " reference=" + engine::decisionName(o.reference);
}

std::string traceText(const CaseSpec& spec) {
  std::vector<std::string> trace;
  (void)run(spec, &trace);
  std::string out;
  for (const std::string& line : trace) out += "    " + line + "\n";
  return out;
}

// Full reports (with shrinking) per seed; POLICYSIM_DIFF_REPORTS=N raises it when triaging.
int maxReports() {
  const char* env = std::getenv("POLICYSIM_DIFF_REPORTS");
  return env != nullptr ? std::atoi(env) : 3;
}

class DifferentialTest : public ::testing::TestWithParam<SeedRun> {};

TEST_P(DifferentialTest, EngineAgreesWithReference) {
  const SeedRun params = GetParam();
  CaseGenerator generator(params.seed);
  int compared = 0;
  int reported = 0;
  int knownHits = 0;
  int counts[3] = {0, 0, 0};
  const auto start = std::chrono::steady_clock::now();
  for (int index = 0; index < params.cases; ++index) {
    const CaseSpec spec = generator.next();
    const Outcome outcome = run(spec);
    if (!outcome.parsed) {
      // Every generated policy is valid: a side that cannot read one is a bug in that reader
      // (or in the generator), never a case to skip.
      ADD_FAILURE() << "seed " << params.seed << " case " << index
                    << " was not read: " << outcome.parseError << "\n"
                    << spec.describe();
      continue;
    }
    ++compared;
    ++counts[static_cast<int>(outcome.reference)];
    const KnownDisagreement* known = findKnown(params.seed, index);
    if (outcome.agree()) {
      if (known != nullptr) {
        ADD_FAILURE() << "seed " << params.seed << " case " << index
                      << " is listed in kKnownDisagreements (" << known->rule
                      << ") but engine and reference now agree: remove the entry.";
      }
      continue;
    }
    if (known != nullptr) {  // engine bug already reported
      ++knownHits;
      continue;
    }
    if (++reported > maxReports()) {
      ADD_FAILURE() << "seed " << params.seed << " case " << index << ": " << outcomeText(outcome)
                    << " (details omitted after " << maxReports() << " reports)";
      continue;
    }
    const CaseSpec small = minimizeCase(spec, [](const CaseSpec& candidate) {
      const Outcome o = run(candidate);
      return o.parsed && !o.agree();
    });
    ADD_FAILURE() << "seed " << params.seed << " case " << index << ": " << outcomeText(outcome)
                  << "\n"
                  << spec.describe() << "shrunk (" << outcomeText(run(small)) << "):\n"
                  << small.describe() << "reference trace of the shrunk case:\n"
                  << traceText(small);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ differential ] seed " << params.seed << ": " << compared << " cases compared ("
            << counts[static_cast<int>(DecisionKind::Allowed)] << " allowed, "
            << counts[static_cast<int>(DecisionKind::ExplicitDeny)] << " explicitDeny, "
            << counts[static_cast<int>(DecisionKind::ImplicitDeny)] << " implicitDeny), "
            << knownHits << " known disagreements, " << seconds << " s\n";
  EXPECT_EQ(compared, params.cases) << "every generated case must be read by both sides";
  // The generator must keep producing varied cases, or the test proves little.
  for (int count : counts) EXPECT_GT(count * 10, compared) << "a decision kind is under 10%";
}

INSTANTIATE_TEST_SUITE_P(Seeds, DifferentialTest, ::testing::ValuesIn(kSeedRuns),
                         [](const ::testing::TestParamInfo<SeedRun>& info) {
                           return "seed_" + std::to_string(info.param.seed);
                         });

// ---------------------------------------------------------------------------------------------
// Value comparisons, exhaustively: every operator of a typed family on every pair of a policy
// value and a request value, in one Allow statement. Random cases meet a given pair of nearby
// values rarely; here each pair is decided once, so an engine that is off by a little (a '<'
// for a '<=', a time zone applied the wrong way, a network mask one bit short) disagrees with
// the reference on some pair.

struct ComparisonFamily {
  const char* key;
  std::vector<std::string> operators;
  std::vector<std::string> policyValues;   // JSON scalars
  std::vector<std::string> requestValues;  // JSON scalars
};

const std::vector<ComparisonFamily>& comparisonFamilies() {
  static const std::vector<ComparisonFamily> list = {
      {"aws:MultiFactorAuthAge",
       {"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
        "NumericGreaterThan", "NumericGreaterThanEquals"},
       {"1800", "\"1800\"", "\"1800.0\"", "\"1799.99\"", "\"01800\"", "1800.25", "\"-3\"", "\"-0\"",
        "0", "\"+1800\"", "\"0.5\"", "\"ten\""},
       {"1800", "\"1800.0\"", "\"1799.5\"", "\"+1800\"", "1800.25", "-3", "\"-0\"", "0", "\"0.49\"",
        "2700.5", "\"abc\""}},
      {"aws:CurrentTime",
       {"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
        "DateGreaterThanEquals"},
       {"\"2026-11-22T10:00:00Z\"", "\"2026-11-22T12:00+02:00\"", "\"2026-11-22T09:00:00-01:00\"",
        "\"2026-11-22T10:00:00.5Z\"", "\"2026-11-22T10:30Z\"", "\"2026-11-22\"", "\"2026-11\"",
        "\"2026\"", "1795341600", "\"1795341601\"", "\"2024-02-29T23:59:59Z\"", "\"2024-03-01\"",
        "\"1969-12-31T23:59:59Z\"", "\"yesterday\""},
       {"\"2026-11-22T10:00:00Z\"", "\"2026-11-22T11:00:00+01:00\"",
        "\"2026-11-22T09:30:00-01:00\"", "\"2026-11-22T10:00:00.5+01:00\"",
        "\"2026-11-22T10:00:00.000001Z\"", "\"1795341600\"", "\"2026-11-22T00:00Z\"",
        "\"2026-11-01\"", "\"2024-02-29T23:59:59Z\"", "\"2024-03-01T00:00:00+00:00\"",
        "\"1970-01-01\"", "\"2016-12-31T23:59:60Z\"", "\"not-a-date\""}},
      {"aws:SourceIp",
       {"IpAddress", "NotIpAddress"},
       {"\"203.0.113.0/24\"", "\"203.0.113.128/25\"", "\"203.0.112.0/23\"", "\"203.0.113.5/24\"",
        "\"203.0.113.254/31\"", "\"203.0.113.7\"", "\"10.0.0.0/8\"", "\"10.0.0.0/9\"",
        "\"0.0.0.0/0\"", "\"2001:db8::/32\"", "\"2001:db8::/33\"", "\"2001:DB8::1\"",
        "\"::ffff:203.0.113.7\"", "\"::/0\"", "\"10.0.0.0/33\""},
       {"\"203.0.113.7\"", "\"203.0.113.255\"", "\"203.0.113.128\"", "\"203.0.112.255\"",
        "\"203.0.114.0\"", "\"203.0.113.254\"", "\"10.255.255.255\"", "\"10.128.0.1\"",
        "\"11.0.0.0\"", "\"2001:db8::1\"", "\"2001:db8:8000::1\"", "\"2001:db9::1\"",
        "\"::ffff:203.0.113.7\"", "\"::\"", "\"not-an-ip\""}},
      {"aws:SecureTransport",
       {"Bool"},
       {"true", "\"TRUE\"", "\"false\"", "false", "\"yes\""},
       {"true", "false", "\"True\"", "\"1\""}},
      {"test:Blob",
       {"BinaryEquals"},
       {"\"aGVsbG8=\"", "\"aGk=\"", "\"aGk\"", "\"\""},
       {"\"aGVsbG8=\"", "\"aGk=\"", "\"aGk\"", "\"\""}},
  };
  return list;
}

// Alice with one context value; one identity policy allowing everything under one condition.
CaseSpec comparisonCase(const ComparisonFamily& family, const std::string& op,
                        const std::string& policyValue, const std::string& requestValue) {
  StatementSpec statement;
  statement.actions = {"*"};
  statement.resources = {"*"};
  statement.conditions.push_back({op, family.key, JsonValues{false, {policyValue}}});
  PolicySpec policy;
  policy.version = "2012-10-17";
  policy.statements.push_back(statement);
  CaseSpec spec;
  spec.identity.push_back(policy);
  spec.request.principal = "arn:aws:iam::111122223333:user/alice";
  spec.request.action = "s3:GetObject";
  spec.request.resource = "arn:aws:s3:::bucket/key";
  spec.request.context.emplace_back(family.key, JsonValues{false, {requestValue}});
  return spec;
}

TEST(ComparisonGrid, EngineAgreesWithReferenceOnEveryValuePair) {
  int compared = 0;
  int allowed = 0;
  for (const ComparisonFamily& family : comparisonFamilies()) {
    for (const std::string& op : family.operators) {
      for (const std::string& policyValue : family.policyValues) {
        for (const std::string& requestValue : family.requestValues) {
          const CaseSpec spec = comparisonCase(family, op, policyValue, requestValue);
          const Outcome outcome = run(spec);
          ASSERT_TRUE(outcome.parsed) << outcome.parseError << "\n" << spec.describe();
          ++compared;
          allowed += outcome.reference == DecisionKind::Allowed ? 1 : 0;
          EXPECT_TRUE(outcome.agree())
              << op << " " << family.key << ": policy " << policyValue << ", request "
              << requestValue << ": " << outcomeText(outcome);
        }
      }
    }
  }
  std::cout << "[ comparisons ] " << compared << " value pairs compared, " << allowed << " true\n";
}

// The generator is deterministic: the same seed gives the same cases.
TEST(RandomCases, SameSeedSameCases) {
  CaseGenerator a(7);
  CaseGenerator b(7);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(a.next().describe(), b.next().describe());
}

// ---------------------------------------------------------------------------------------------
// Sanity checks of the reference against iam-semantics.md §6 (and a few §2/§3 table rows).

struct Docs {
  std::vector<std::string> identity;
  std::string resource;
  std::string boundary;
  std::vector<std::string> scps;
  std::string session;
};

std::string wrap(const std::string& statements, const char* version = "2012-10-17") {
  std::string out = "{";
  if (version != nullptr) out += std::string("\"Version\":\"") + version + "\",";
  return out + "\"Statement\":[" + statements + "]}";
}

Policy doc(const std::string& json, PolicyType type) {
  std::string error;
  std::optional<Policy> policy = readPolicy(json, type, "sanity.json", &error);
  EXPECT_TRUE(policy.has_value()) << json << ": " << error;
  return policy ? std::move(*policy) : Policy{};
}

DecisionKind ref(const Docs& docs, const std::string& requestJson) {
  PolicyInput input;
  for (const std::string& d : docs.identity) input.identity.push_back(doc(d, PolicyType::Identity));
  if (!docs.resource.empty()) input.resource = doc(docs.resource, PolicyType::Resource);
  if (!docs.boundary.empty()) input.boundary = doc(docs.boundary, PolicyType::Boundary);
  for (const std::string& d : docs.scps) input.scps.push_back(doc(d, PolicyType::Scp));
  if (!docs.session.empty()) input.session = doc(docs.session, PolicyType::Session);
  std::string error;
  const std::optional<Request> request = readRequest(requestJson, &error);
  EXPECT_TRUE(request.has_value()) << requestJson << ": " << error;
  if (!request) return DecisionKind::ImplicitDeny;
  return evaluate(input, *request);
}

// One identity statement, caller alice in 111122223333.
DecisionKind idRef(const std::string& statements, const std::string& action,
                   const std::string& resource, const std::string& context = "{}",
                   const char* version = "2012-10-17") {
  return ref(Docs{{wrap(statements, version)}, "", "", {}, ""},
             R"({"principal":"arn:aws:iam::111122223333:user/alice","action":")" + action +
                 R"(","resource":")" + resource + R"(","context":)" + context + "}");
}

constexpr DecisionKind kAllowed = DecisionKind::Allowed;
constexpr DecisionKind kExplicit = DecisionKind::ExplicitDeny;
constexpr DecisionKind kImplicit = DecisionKind::ImplicitDeny;

std::string allowWith(const std::string& resource, const std::string& condition = "") {
  std::string s = R"({"Effect":"Allow","Action":"*","Resource":)" + resource;
  if (!condition.empty()) s += R"(,"Condition":)" + condition;
  return s + "}";
}

TEST(ReferenceSanity, GlobMatcher) {
  EXPECT_TRUE(globMatch("a*b", "ab"));
  EXPECT_TRUE(globMatch("a*b", "axxb"));
  EXPECT_FALSE(globMatch("a*b", "axxbc"));
  EXPECT_TRUE(globMatch("b/?", "b/\xc3\xa9"));  // '?' is one code point, not one byte
  EXPECT_FALSE(globMatch("b/??", "b/\xc3\xa9"));
  EXPECT_TRUE(globMatch("", ""));
  EXPECT_TRUE(globMatch("*", ""));
  EXPECT_TRUE(globMatch("*a*a*a*b", "aaaaaaaaaaaaaaaaaaab"));
  EXPECT_FALSE(globMatch("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa"));
}

TEST(ReferenceSanity, Section2Matching) {
  EXPECT_TRUE(actionMatches("IAM:getuser", "iam:GetUser"));          // §6.5
  EXPECT_TRUE(actionMatches("iam:?reate*", "iam:CreateAccessKey"));  // §2.1 rule 4
  EXPECT_FALSE(actionMatches("s3:Get*", "s3:PutObject"));
  EXPECT_FALSE(actionMatches("s3:", "s3:GetObject"));  // §2.1 rule 5
  // §6.6, §6.7, §6.8, §6.9
  EXPECT_EQ(idRef(allowWith(R"("arn:aws:s3:::Bucket/*")"), "s3:GetObject", "arn:aws:s3:::bucket/x"),
            kImplicit);
  EXPECT_EQ(
      idRef(allowWith(R"("arn:aws:s3:::b/*/test/*")"), "s3:GetObject", "arn:aws:s3:::b//test/x"),
      kAllowed);
  EXPECT_EQ(
      idRef(allowWith(R"("arn:aws:s3:::b/*/test/*")"), "s3:GetObject", "arn:aws:s3:::b/test/x"),
      kImplicit);
  EXPECT_EQ(idRef(allowWith(R"("arn:aws:s3:*")"), "s3:GetObject", "arn:aws:s3:::b/k"), kAllowed);
  EXPECT_EQ(idRef(allowWith(R"("arn:aws:iam::1:user/*")"), "iam:ListUsers", "*"), kImplicit);
  // §2.3 rule 5: a six-field policy ARN is matched strictly per field.
  EXPECT_EQ(idRef(allowWith(R"("arn:aws:sns:*:111122223333:t")"), "sns:Publish",
                  "arn:aws:sns:us-east-1:999:111122223333:t"),
            kImplicit);
  // §6.10
  const std::string notAction =
      R"({"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"})";
  EXPECT_EQ(idRef(notAction, "s3:ListAllMyBuckets", "*"), kImplicit);
  EXPECT_EQ(idRef(notAction, "s3:GetObject", "arn:aws:s3:::b/k"), kAllowed);
  // §6.11
  const std::string denyNotResource =
      allowWith("\"*\"") +
      R"(,{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::HR/Payroll*"})";
  EXPECT_EQ(idRef(denyNotResource, "s3:GetObject", "arn:aws:s3:::other/x"), kExplicit);
  EXPECT_EQ(idRef(denyNotResource, "s3:GetObject", "arn:aws:s3:::HR/Payroll/x"), kAllowed);
  EXPECT_EQ(
      idRef(denyNotResource, "ec2:StopInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i"),
      kAllowed);
  // §6.3: without Version, variables are literal text.
  const std::string home = allowWith(R"("arn:aws:iam::111122223333:user/${aws:username}")");
  EXPECT_EQ(idRef(home, "iam:GetUser", "arn:aws:iam::111122223333:user/alice",
                  R"({"aws:username":"alice"})", nullptr),
            kImplicit);
  EXPECT_EQ(idRef(home, "iam:GetUser", "arn:aws:iam::111122223333:user/${aws:username}",
                  R"({"aws:username":"alice"})", nullptr),
            kAllowed);
  EXPECT_EQ(idRef(home, "iam:GetUser", "arn:aws:iam::111122223333:user/alice",
                  R"({"aws:username":"alice"})"),
            kAllowed);
}

TEST(ReferenceSanity, Section3Conditions) {
  auto cond = [](const std::string& c, const std::string& context) {
    return idRef(allowWith("\"*\"", c), "s3:GetObject", "*", context);
  };
  auto denyCond = [](const std::string& c, const std::string& context) {
    return idRef(allowWith("\"*\"") +
                     R"(,{"Effect":"Deny","Action":"*","Resource":"*","Condition":)" + c + "}",
                 "s3:GetObject", "*", context);
  };
  EXPECT_EQ(cond(R"({"StringEquals":{"aws:PrincipalTag/team":"red"}})", "{}"), kImplicit);  // §6.15
  EXPECT_EQ(denyCond(R"({"StringNotEquals":{"aws:PrincipalTag/team":"red"}})", "{}"),
            kExplicit);  // §6.16
  EXPECT_EQ(cond(R"({"StringNotEquals":{"aws:PrincipalAccount":["1","2"]}})",
                 R"({"aws:PrincipalAccount":"1"})"),
            kImplicit);  // §6.17
  EXPECT_EQ(denyCond(R"({"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"red"}})", "{}"),
            kExplicit);  // §6.18
  EXPECT_EQ(cond(R"({"StringEquals":{"aws:PrincipalTag/role":"admin-*"}})",
                 R"({"aws:PrincipalTag/role":"admin-x"})"),
            kImplicit);  // §6.19
  EXPECT_EQ(cond(R"({"StringLike":{"s3:prefix":["","home/"]}})", R"({"s3:prefix":""})"),
            kAllowed);  // §6.20
  EXPECT_EQ(cond(R"({"IpAddress":{"AWS:SourceIP":"203.0.113.0/24"}})",
                 R"({"aws:SourceIp":"203.0.113.9"})"),
            kAllowed);  // §6.21
  EXPECT_EQ(cond(R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"10.0"})"),
            kAllowed);  // §6.22
  EXPECT_EQ(cond(R"({"NumericEquals":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"abc"})"),
            kImplicit);  // §6.23
  EXPECT_EQ(denyCond(R"({"NumericEquals":{"s3:max-keys":"10"}})", R"({"s3:max-keys":"abc"})"),
            kImplicit);  // §6.23
  EXPECT_EQ(cond(R"({"DateGreaterThan":{"aws:CurrentTime":"2020-01-01"}})",
                 R"({"aws:CurrentTime":"2020-01-01T00:00:00Z"})"),
            kImplicit);  // §6.24
  EXPECT_EQ(cond(R"({"Bool":{"aws:SecureTransport":false}})", R"({"aws:SecureTransport":false})"),
            kAllowed);                                                                     // §6.25
  EXPECT_EQ(cond(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", "{}"), kImplicit);  // §6.26
  EXPECT_EQ(cond(R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", "{}"), kAllowed);
  EXPECT_EQ(cond(R"({"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:1:*"}})",
                 R"({"aws:SourceArn":"arn:aws:sns:us-east-1:1:topic"})"),
            kAllowed);  // §6.27
  EXPECT_EQ(cond(R"({"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:1:t*"}})",
                 R"({"aws:SourceArn":"arn:aws:sns:us-east-1:1:t:extra"})"),
            kAllowed);
  // §3.4: ArnLike per field vs StringLike across colons.
  const std::string crossing = R"("arn:aws:svc:*:111122223333:finance/*")";
  const std::string value =
      R"({"aws:SourceArn":"arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/doc"})";
  EXPECT_EQ(cond(R"({"StringLike":{"aws:SourceArn":)" + crossing + "}}", value), kAllowed);
  EXPECT_EQ(cond(R"({"ArnLike":{"aws:SourceArn":)" + crossing + "}}", value), kImplicit);
  EXPECT_EQ(cond(R"({"Null":{"aws:TokenIssueTime":"true"}})", "{}"), kAllowed);  // §6.28
  EXPECT_EQ(cond(R"({"Null":{"aws:TokenIssueTime":"true"}})",
                 R"({"aws:TokenIssueTime":"2026-01-01T00:00:00Z"})"),
            kImplicit);
  EXPECT_EQ(cond(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}})", "{}"),
            kAllowed);  // §6.29
  EXPECT_EQ(cond(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})", "{}"),
            kImplicit);  // §6.30
  EXPECT_EQ(cond(R"({"StringEquals":{"aws:TagKeys":"a"}})", R"({"aws:TagKeys":["a"]})"),
            kImplicit);  // §6.31
  EXPECT_EQ(cond(R"({"ForAnyValue:StringNotEquals":{"dynamodb:Attributes":["ID"]}})",
                 R"({"dynamodb:Attributes":["ID","Name"]})"),
            kAllowed);  // §6.32
  EXPECT_EQ(cond(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})",
                 R"({"aws:TagKeys":["a","c"]})"),
            kImplicit);  // §3.7
  EXPECT_EQ(cond(R"({"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}})", "{}"),
            kImplicit);  // §3.3
  EXPECT_EQ(
      denyCond(R"({"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}})",
               R"({"s3:ExistingObjectTag/Team":"red"})"),
      kExplicit);  // §6.36
  EXPECT_EQ(cond(R"({"StringLike":{"s3:prefix":"${*}"}})", R"({"s3:prefix":"*"})"),
            kAllowed);  // §6.37
  EXPECT_EQ(cond(R"({"StringLike":{"s3:prefix":"${*}"}})", R"({"s3:prefix":"x"})"), kImplicit);
  // §3.5: an unreadable policy value: an Allow never applies, a Deny does.
  EXPECT_EQ(cond(R"({"NumericLessThan":{"s3:max-keys":"ten"}})", R"({"s3:max-keys":1})"),
            kImplicit);
  EXPECT_EQ(denyCond(R"({"DateLessThan":{"aws:CurrentTime":"yesterday"}})", "{}"), kExplicit);
}

TEST(ReferenceSanity, Section3Variables) {
  const std::string shared = allowWith(R"("arn:aws:s3:::b-${aws:PrincipalTag/team, 'shared'}")");
  EXPECT_EQ(idRef(shared, "s3:GetObject", "arn:aws:s3:::b-shared"), kAllowed);  // §6.33
  const std::string team = allowWith(R"("arn:aws:s3:::b/${aws:PrincipalTag/team}/*")");
  EXPECT_EQ(
      idRef(team, "s3:GetObject", "arn:aws:s3:::b/red/x", R"({"aws:PrincipalTag/team":"red"})"),
      kAllowed);
  EXPECT_EQ(idRef(team, "s3:GetObject", "arn:aws:s3:::b//x"), kImplicit);  // §6.34
  const std::string deny =
      allowWith("\"*\"") +
      R"(,{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"})";
  EXPECT_EQ(idRef(deny, "s3:GetObject", "arn:aws:s3:::b/red/x"), kExplicit);  // §6.35
  EXPECT_EQ(
      idRef(deny, "s3:GetObject", "arn:aws:s3:::b/red/x", R"({"aws:PrincipalTag/team":"red"})"),
      kAllowed);
  // §3.8 rule 7: a substituted '*' is literal.
  const std::string home = allowWith(R"("arn:aws:s3:::home/${aws:username}/*")");
  EXPECT_EQ(idRef(home, "s3:GetObject", "arn:aws:s3:::home/bob/x", R"({"aws:username":"*"})"),
            kImplicit);
  EXPECT_EQ(idRef(home, "s3:GetObject", "arn:aws:s3:::home/*/x", R"({"aws:username":"*"})"),
            kAllowed);
}

TEST(ReferenceSanity, Section4Evaluation) {
  const std::string allowS3 = wrap(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})");
  const std::string user =
      R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject",)"
      R"("resource":"arn:aws:s3:::b/k","context":{"aws:ResourceAccount":"111122223333"}})";
  const std::string session =
      R"({"principal":"arn:aws:sts::111122223333:assumed-role/R/s","action":"s3:GetObject",)"
      R"("resource":"arn:aws:s3:::b/k","context":{"aws:ResourceAccount":"111122223333"}})";
  auto rbp = [](const std::string& principal) {
    return wrap(R"({"Effect":"Allow","Principal":)" + principal +
                R"(,"Action":"s3:GetObject","Resource":"*"})");
  };
  const std::string silentBoundary = wrap(R"({"Effect":"Allow","Action":"ec2:*","Resource":"*"})");
  // §6.12: account principal covers role sessions by delegation (ID must allow too).
  EXPECT_EQ(ref(Docs{{allowS3}, rbp(R"({"AWS":"111122223333"})"), "", {}, ""}, session), kAllowed);
  EXPECT_EQ(ref(Docs{{}, rbp(R"({"AWS":"111122223333"})"), "", {}, ""}, session), kImplicit);
  // §6.13: anonymous + Principal "*".
  EXPECT_EQ(ref(Docs{{}, rbp("\"*\""), "", {}, ""},
                R"({"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"})"),
            kAllowed);
  EXPECT_EQ(ref(Docs{{}, rbp(R"({"AWS":"111122223333"})"), "", {}, ""},
                R"({"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"})"),
            kImplicit);
  // §6.14: NotPrincipal with the full chain listed still denies a principal with a boundary.
  const std::string notPrincipal = wrap(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},)"
      R"({"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/R",)"
      R"("arn:aws:sts::111122223333:assumed-role/R/s","111122223333"]},"Action":"s3:*","Resource":"*"})");
  EXPECT_EQ(ref(Docs{{}, notPrincipal, "", {}, ""}, session), kAllowed);
  EXPECT_EQ(ref(Docs{{}, notPrincipal, allowS3, {}, ""}, session), kExplicit);
  // §6.38: SCP level without an Allow.
  EXPECT_EQ(ref(Docs{{allowS3}, "", "", {allowS3, silentBoundary}, ""}, user), kImplicit);
  EXPECT_EQ(ref(Docs{{allowS3}, "", "", {allowS3, allowS3}, ""}, user), kAllowed);
  // §6.39 - §6.41: boundary silent, RBP names user / role / session.
  EXPECT_EQ(ref(Docs{{allowS3},
                     rbp(R"({"AWS":"arn:aws:iam::111122223333:user/alice"})"),
                     silentBoundary,
                     {},
                     ""},
                user),
            kAllowed);
  EXPECT_EQ(ref(Docs{{allowS3},
                     rbp(R"({"AWS":"arn:aws:iam::111122223333:role/R"})"),
                     silentBoundary,
                     {},
                     ""},
                session),
            kImplicit);
  EXPECT_EQ(ref(Docs{{allowS3},
                     rbp(R"({"AWS":"arn:aws:sts::111122223333:assumed-role/R/s"})"),
                     silentBoundary,
                     {},
                     ""},
                session),
            kAllowed);
  // §6.42, §6.43: cross-account needs both sides.
  const std::string foreign =
      R"({"principal":"arn:aws:iam::444455556666:user/eve","action":"s3:GetObject",)"
      R"("resource":"arn:aws:s3:::b/k","context":{"aws:ResourceAccount":"111122223333"}})";
  EXPECT_EQ(ref(Docs{{}, rbp(R"({"AWS":"444455556666"})"), "", {}, ""}, foreign), kImplicit);
  EXPECT_EQ(ref(Docs{{allowS3}, "", "", {}, ""}, foreign), kImplicit);
  EXPECT_EQ(ref(Docs{{allowS3}, rbp(R"({"AWS":"444455556666"})"), "", {}, ""}, foreign), kAllowed);
  // §6.44: same-account AssumeRole without a trust policy grant.
  const std::string assume = wrap(R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"})");
  const std::string assumeRequest =
      R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"sts:AssumeRole",)"
      R"("resource":"arn:aws:iam::111122223333:role/R"})";
  EXPECT_EQ(ref(Docs{{assume}, "", "", {}, ""}, assumeRequest), kImplicit);
  EXPECT_EQ(
      ref(
          Docs{
              {assume},
              wrap(
                  R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"})"),
              "",
              {},
              ""},
          assumeRequest),
      kAllowed);
  // §4.3: a trust policy naming the user does not bypass the user's boundary.
  const std::string trustAlice = wrap(
      R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"})");
  EXPECT_EQ(ref(Docs{{}, trustAlice, "", {}, ""}, assumeRequest), kAllowed);
  EXPECT_EQ(ref(Docs{{}, trustAlice, silentBoundary, {}, ""}, assumeRequest), kImplicit);
  EXPECT_EQ(ref(Docs{{}, trustAlice, assume, {}, ""}, assumeRequest), kAllowed);
  // §6.45: a Deny in the session policy is explicit.
  const std::string sessionDeny = wrap(
      R"({"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"})");
  EXPECT_EQ(ref(Docs{{allowS3}, "", "", {}, sessionDeny}, session), kExplicit);
  // §4.6: a federated-user session without a session policy has no identity-side permissions.
  const std::string federated =
      R"({"principal":"arn:aws:sts::111122223333:federated-user/f","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"})";
  EXPECT_EQ(ref(Docs{{allowS3}, "", "", {}, ""}, federated), kImplicit);
  EXPECT_EQ(ref(Docs{{allowS3}, "", "", {}, allowS3}, federated), kAllowed);
  // §4.8: root is allowed in its own account unless denied or an SCP lacks an allow.
  const std::string root =
      R"({"principal":"arn:aws:iam::111122223333:root","action":"s3:DeleteBucket","resource":"arn:aws:s3:::b","context":{"aws:ResourceAccount":"111122223333"}})";
  EXPECT_EQ(ref(Docs{}, root), kAllowed);
  EXPECT_EQ(ref(Docs{{}, "", "", {silentBoundary}, ""}, root), kImplicit);
}

}  // namespace
}  // namespace policysim::reference
