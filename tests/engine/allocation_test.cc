// The evaluation hot path allocates nothing: after one warm-up pass, evaluating force_mfa.json
// (and a policy with variables in resources and conditions) into a reused Decision performs
// no heap allocation. Global operator new is replaced in this binary to count allocations
// (tests/support/counting_allocator.h).
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "engine/internal/policy_split.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "engine/request_json.h"
#include "tests/support/counting_allocator.h"

namespace {

using namespace policysim::engine;

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const PolicySet> compileIdentity(const std::string& text) {
  auto document = parsePolicyDocument(text, "policy.json", PolicyKind::Identity);
  EXPECT_TRUE(document.ok()) << document.status().toString();
  PolicySetInput input;
  input.identity.push_back(std::move(document).value());
  return PolicySet::compile(std::move(input)).value();
}

std::vector<Request> requests(const std::vector<std::string>& lines) {
  std::vector<Request> out;
  for (const std::string& line : lines) {
    auto parsed = parseRequests(line, "request.json");
    EXPECT_TRUE(parsed.ok()) << parsed.status().toString();
    out.push_back(parsed.value().front());
  }
  return out;
}

// What one counted pass did: the allocations, and the decisions it made (so that a pass that
// decided nothing, or decided wrongly, cannot pass for "allocates nothing").
struct CountedPass {
  long allocations = 0;
  std::vector<DecisionKind> decisions;
};

// Allocations while evaluating batch (Requests or PreparedRequests) after a warm-up in which
// the thread's buffers and the Decision grow to size.
template <typename AnyRequest>
CountedPass allocationsWhileEvaluating(const PolicySet& set, const std::vector<AnyRequest>& batch) {
  Decision decision;
  for (int pass = 0; pass < 2; ++pass) {
    for (const AnyRequest& request : batch) {
      set.evaluate(request, false, &decision);
    }
  }
  CountedPass counted;
  counted.decisions.reserve(batch.size());  // before counting
  const long before = policysim::testing::heapAllocations();
  for (const AnyRequest& request : batch) {
    set.evaluate(request, false, &decision);
    counted.decisions.push_back(decision.kind);
  }
  counted.allocations = policysim::testing::heapAllocations() - before;
  return counted;
}

// The same through PreparedRequests (prepared before counting, as their users do).
CountedPass allocationsWhileEvaluatingPrepared(const PolicySet& set,
                                               const std::vector<Request>& batch) {
  std::vector<PreparedRequest> prepared;
  for (const Request& request : batch) {
    prepared.emplace_back(request);
  }
  return allocationsWhileEvaluating(set, prepared);
}

// Both paths allocate nothing and decide what EXPECTED says.
void expectNoAllocations(const PolicySet& set, const std::vector<Request>& batch,
                         const std::vector<DecisionKind>& expected) {
  ASSERT_EQ(batch.size(), expected.size());
  const CountedPass plain = allocationsWhileEvaluating(set, batch);
  EXPECT_EQ(plain.allocations, 0);
  EXPECT_EQ(plain.decisions, expected);
  const CountedPass prepared = allocationsWhileEvaluatingPrepared(set, batch);
  EXPECT_EQ(prepared.allocations, 0);
  EXPECT_EQ(prepared.decisions, expected);
}

// The counter is live: without it every "allocates nothing" below would pass vacuously.
TEST(HotPath, CounterSeesAnAllocation) {
  const long before = policysim::testing::heapAllocations();
  auto held = std::make_unique<std::string>(64, 'x');
  EXPECT_GT(policysim::testing::heapAllocations(), before);
  EXPECT_EQ(held->size(), 64U);
}

TEST(HotPath, ForceMfaEvaluationAllocatesNothing) {
  const auto set =
      compileIdentity(readFile(std::string(POLICYSIM_POLICIES_DIR) + "/force_mfa.json"));
  const std::string user = R"("principal":"arn:aws:iam::111122223333:user/alice",)";
  const std::string own = R"("resource":"arn:aws:iam::111122223333:user/alice",)";
  const auto batch = requests({
      "{" + user + R"("action":"s3:ListAllMyBuckets","context":{"aws:username":"alice"}})",
      "{" + user + R"("action":"iam:CreateAccessKey",)" + own +
          R"("context":{"aws:username":"alice","aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":30}})",
      "{" + user + R"("action":"iam:EnableMFADevice",)" + own +
          R"("context":{"aws:username":"alice","aws:MultiFactorAuthPresent":false}})",
      "{" + user +
          R"("action":"ec2:DescribeInstances","context":{"aws:username":"alice","aws:MultiFactorAuthPresent":true}})",
  });
  expectNoAllocations(*set, batch,
                      {DecisionKind::ExplicitDeny, DecisionKind::Allowed, DecisionKind::Allowed,
                       DecisionKind::ImplicitDeny});
}

TEST(HotPath, VariablesAndEveryOperatorFamilyAllocateNothing) {
  const auto set = compileIdentity(
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*",)"
      R"("Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},)"
      R"("DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericLessThan":{"s3:max-keys":100},)"
      R"("ArnLike":{"aws:SourceArn":"arn:aws:sqs:*:111122223333:*"},"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}},)"
      R"({"Effect":"Deny","NotAction":"s3:*","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"${aws:PrincipalTag/owner, 'ops'}"}}}]})");
  const auto batch = requests({
      R"({"principal":"arn:aws:iam::111122223333:user/bob","action":"s3:GetObject","resource":"arn:aws:s3:::home/bob/x",)"
      R"("context":{"aws:username":"bob","s3:prefix":"bob/docs","aws:SourceIp":"10.1.2.3","aws:CurrentTime":"2026-11-22T10:00:00Z",)"
      R"("s3:max-keys":10,"aws:SourceArn":"arn:aws:sqs:us-east-1:111122223333:q","aws:TagKeys":["b","c"]}})",
      R"({"principal":"arn:aws:sts::111122223333:assumed-role/R/s","action":"ec2:RunInstances",)"
      R"("context":{"aws:PrincipalTag/team":"OPS"}})",
  });
  expectNoAllocations(*set, batch, {DecisionKind::Allowed, DecisionKind::ImplicitDeny});
}

}  // namespace

// The statement index's lookups (engine/internal/statement_index.h): prefix and suffix
// wildcard actions, resource prefixes and equality conditions by value, with three and more
// candidate lists merged, allocate nothing once the thread's buffer has grown.
// Statements of every shape the index places, and a Deny it cannot place.
std::string indexedShapesPolicy() {
  std::string text = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < 200; ++i) {
    const std::string id = std::to_string(i);
    text += i == 0 ? "" : ",";
    switch (i % 4) {
      case 0:
        text += R"({"Effect":"Allow","Action":"ec2:Op)" + id + R"(*","Resource":"*"})";
        break;
      case 1:
        text += R"({"Effect":"Allow","Action":"ec2:*Op)" + id + R"(","Resource":"*"})";
        break;
      case 2:
        text += R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t-)" + id +
                R"(/*"})";
        break;
      default:
        text += R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*",)"
                R"("Condition":{"StringEquals":{"aws:PrincipalTag/team":"team)" +
                id + R"("}}})";
        break;
    }
  }
  text +=
      R"(,{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})";
  return text;
}

void expectIndexedShapesAllocateNothing(const PolicySet& set) {
  const std::string user = R"({"principal":"arn:aws:iam::111122223333:user/alice",)";
  const auto batch = requests({
      user + R"("action":"ec2:Op12","context":{}})",
      user + R"("action":"ec2:RunOp13","context":{}})",
      user + R"("action":"s3:GetObject","resource":"arn:aws:s3:::t-6/x","context":{}})",
      user +
          R"("action":"s3:GetObject","resource":"arn:aws:s3:::shared/x","context":{"aws:PrincipalTag/team":"team7"}})",
      user +
          R"("action":"s3:GetObject","resource":"arn:aws:s3:::shared/x","context":{"aws:PrincipalTag/team":"team8","aws:SecureTransport":"false"}})",
  });
  expectNoAllocations(set, batch,
                      {DecisionKind::Allowed, DecisionKind::Allowed, DecisionKind::Allowed,
                       DecisionKind::Allowed, DecisionKind::ExplicitDeny});
}

TEST(HotPath, StatementIndexLookupsAllocateNothing) {
  expectIndexedShapesAllocateNothing(*compileIdentity(indexedShapesPolicy()));
}

// A large policy is compiled in two parts on two threads, each with its own index: a decision
// goes through both, still without allocating.
TEST(HotPath, PolicyCompiledInTwoPartsAllocatesNothing) {
  if (std::thread::hardware_concurrency() < 2) {
    GTEST_SKIP() << "one core: policies are always compiled in one pass here";
  }
  PolicySetTexts texts;
  texts.identity.push_back(PolicyText{"policy.json", indexedShapesPolicy()});
  PolicyParseOptions options;
  options.secondThreadMinBytes = 0;  // as if it were large
  const std::size_t before = internal::twoPartCompilesForTesting();
  auto set = PolicySet::compile(texts, options);
  ASSERT_TRUE(set.ok()) << set.status().toString();
  ASSERT_EQ(internal::twoPartCompilesForTesting(), before + 1);
  expectIndexedShapesAllocateNothing(*set.value());
}
