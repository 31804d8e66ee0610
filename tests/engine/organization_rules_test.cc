// The policy types around identity and resource policies and who they bind: a permissions
// boundary under a role trust policy (semantics §4.3), the organization's management account,
// resource control policies (§4.7) and VPC endpoint policies (§4.2). Through the engine API, as
// `policysim check` calls it.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/decision.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "engine/request_json.h"

namespace {

using namespace policysim::engine;

PolicyDocument policy(const std::string& statements, PolicyKind kind = PolicyKind::Identity) {
  auto document = parsePolicyDocument(
      R"({"Version":"2012-10-17","Statement":[)" + statements + "]}", "test.json", kind);
  EXPECT_TRUE(document.ok()) << document.status().toString();
  return document.ok() ? std::move(document).value() : PolicyDocument{};
}

// Decides the one request of requestJson; the set is kept alive for the decision's names.
Decision decide(PolicySetInput input, const std::string& requestJson) {
  static std::vector<std::shared_ptr<const PolicySet>> keepAlive;
  auto set = PolicySet::compile(std::move(input));
  EXPECT_TRUE(set.ok());
  keepAlive.push_back(set.value());
  auto requests = parseRequests(requestJson, "request.json");
  EXPECT_TRUE(requests.ok()) << requests.status().toString();
  if (!requests.ok() || requests.value().empty()) {
    return Decision{};
  }
  const Request& r = requests.value().front();
  Decision d = set.value()->evaluate(r, true);
  // The same for a PreparedRequest, and without explanations.
  EXPECT_EQ(set.value()->evaluate(PreparedRequest(r), true).reason, d.reason);
  EXPECT_EQ(set.value()->evaluate(r, false).kind, d.kind);
  return d;
}

constexpr const char* kAlice = "arn:aws:iam::111122223333:user/alice";

std::string assumeRole(const std::string& principal, const std::string& role) {
  return R"({"principal":")" + principal + R"(","action":"sts:AssumeRole","resource":")" + role +
         R"("})";
}

// §4.3: a trust policy that names the user grants sts:AssumeRole on its own (same account) ...
// but a permissions boundary of the user must still allow sts:AssumeRole.
TEST(TrustPolicy, NamingTheUserDoesNotBypassItsBoundary) {
  const std::string role = "arn:aws:iam::111122223333:role/Admin";
  PolicySetInput input;
  input.resource = policy(R"({"Effect":"Allow","Principal":{"AWS":")" + std::string(kAlice) +
                              R"("},"Action":"sts:AssumeRole"})",
                          PolicyKind::Resource);
  // Without a boundary the trust policy alone grants (no identity policy needed).
  PolicySetInput noBoundary = input;
  EXPECT_EQ(decide(std::move(noBoundary), assumeRole(kAlice, role)).kind, DecisionKind::Allowed);
  // A boundary that allows only s3:GetObject denies it.
  PolicySetInput bounded = input;
  bounded.boundary =
      policy(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})", PolicyKind::Boundary);
  const Decision d = decide(std::move(bounded), assumeRole(kAlice, role));
  EXPECT_EQ(d.kind, DecisionKind::ImplicitDeny) << d.reason;
  EXPECT_NE(d.reason.find("boundary"), std::string::npos) << d.reason;
  // A boundary that allows sts:AssumeRole: the trust policy grants again, with no identity
  // policy (the boundary grants nothing itself, it only lets the trust grant through).
  PolicySetInput allowing = input;
  allowing.boundary = policy(R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"})",
                             PolicyKind::Boundary);
  EXPECT_EQ(decide(std::move(allowing), assumeRole(kAlice, role)).kind, DecisionKind::Allowed);
  // The same for a trust policy naming "*".
  PolicySetInput star;
  star.resource = policy(R"({"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"})",
                         PolicyKind::Resource);
  star.boundary =
      policy(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})", PolicyKind::Boundary);
  EXPECT_EQ(decide(std::move(star), assumeRole(kAlice, role)).kind, DecisionKind::ImplicitDeny);
  // Other resource policies naming the user still bypass its boundary (§4.3 table).
  PolicySetInput bucket;
  bucket.resource = policy(R"({"Effect":"Allow","Principal":{"AWS":")" + std::string(kAlice) +
                               R"("},"Action":"s3:PutObject","Resource":"*"})",
                           PolicyKind::Resource);
  bucket.boundary =
      policy(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})", PolicyKind::Boundary);
  EXPECT_EQ(
      decide(std::move(bucket), R"({"principal":")" + std::string(kAlice) +
                                    R"(","action":"s3:PutObject","resource":"arn:aws:s3:::b/k",)"
                                    R"("context":{"aws:ResourceAccount":"111122223333"}})")
          .kind,
      DecisionKind::Allowed);
}

}  // namespace
