// Who the caller is, and whose policies apply to it: requests that name no principal
// (semantics §4.8a), explicit anonymous requests (§4.8), service-linked roles under SCPs
// (§4.7) and AWS-owned resources (§4.8b). Through the engine API, as `policysim check` calls it.
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

// Decides every request of requestJson (either request shape); decisions refer to names inside
// their PolicySet, so the sets are kept for the whole test run.
std::vector<Decision> decideAll(PolicySetInput input, const std::string& requestJson) {
  static std::vector<std::shared_ptr<const PolicySet>> keepAlive;
  auto set = PolicySet::compile(std::move(input));
  EXPECT_TRUE(set.ok());
  keepAlive.push_back(set.value());
  auto requests = parseRequests(requestJson, "request.json");
  EXPECT_TRUE(requests.ok()) << requests.status().toString();
  std::vector<Decision> out;
  if (!requests.ok()) {
    return out;
  }
  for (const Request& r : requests.value()) {
    out.push_back(set.value()->evaluate(r, true));
    // Every rule holds the same for a PreparedRequest, and without explanations.
    EXPECT_EQ(set.value()->evaluate(PreparedRequest(r), true).reason, out.back().reason);
    EXPECT_EQ(set.value()->evaluate(r, false).kind, out.back().kind);
  }
  return out;
}

Decision decide(PolicySetInput input, const std::string& requestJson) {
  std::vector<Decision> all = decideAll(std::move(input), requestJson);
  return all.empty() ? Decision{} : all.front();
}

PolicySetInput identityOnly(const std::string& statements) {
  PolicySetInput input;
  input.identity.push_back(policy(statements));
  return input;
}

// AWS's force-MFA example reduced to the statement that matters for a bucket listing.
constexpr const char* kForceMfa =
    R"({"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny","NotAction":["iam:ChangePassword"],)"
    R"("Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}},)"
    R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"})";

// §4.8a: a request without a principal is the simulator's caller, to whom the identity
// policies are attached: they allow it, and the explanation says which caller was assumed.
TEST(NoPrincipal, IdentityPoliciesApplyToTheAssumedCaller) {
  const Decision d =
      decide(identityOnly(kForceMfa), R"({"action":"s3:ListBucket","resource":"arn:aws:s3:::b",)"
                                      R"("context":{"aws:MultiFactorAuthPresent":true}})");
  EXPECT_EQ(d.kind, DecisionKind::Allowed) << d.reason;
  EXPECT_NE(d.reason.find("no principal given"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("IAM user"), std::string::npos) << d.reason;
  // Their Deny statements apply to it too.
  EXPECT_EQ(
      decide(identityOnly(kForceMfa), R"({"action":"s3:ListBucket","resource":"arn:aws:s3:::b"})")
          .kind,
      DecisionKind::ExplicitDeny);
}

// §4.8a: the AWS CLI simulate-custom-policy input without CallerArn (optional there).
TEST(NoPrincipal, SimulateCustomPolicyInputWithoutCallerArn) {
  const std::vector<Decision> all = decideAll(
      identityOnly(
          R"({"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"*"})"),
      R"({"ActionNames":["s3:ListBucket","s3:GetObject","s3:PutObject"],)"
      R"("ResourceArns":["arn:aws:s3:::b"]})");
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].kind, DecisionKind::Allowed) << all[0].reason;
  EXPECT_EQ(all[1].kind, DecisionKind::Allowed) << all[1].reason;
  EXPECT_EQ(all[2].kind, DecisionKind::ImplicitDeny) << all[2].reason;
}

// §4.8a: the assumed caller is a user of the resource's account, so a resource in any account
// is not cross-account, and a resource policy naming that account delegates to the identity
// policies (§4.3), which allow it.
TEST(NoPrincipal, AssumedCallerBelongsToTheResourceAccount) {
  const char* allowSend = R"({"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"})";
  const std::string request =
      R"({"action":"sqs:SendMessage","resource":"arn:aws:sqs:us-east-1:444455556666:q"})";
  const Decision own = decide(identityOnly(allowSend), request);
  EXPECT_EQ(own.kind, DecisionKind::Allowed) << own.reason;
  EXPECT_NE(own.reason.find("444455556666"), std::string::npos) << own.reason;

  PolicySetInput delegated = identityOnly(allowSend);
  delegated.resource =
      policy(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},)"
             R"("Action":"sqs:SendMessage","Resource":"*"})",
             PolicyKind::Resource);
  EXPECT_EQ(decide(std::move(delegated), request).kind, DecisionKind::Allowed);

  // A trust policy naming the account delegates too; one naming nobody does not grant.
  PolicySetInput trust =
      identityOnly(R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"})");
  trust.resource =
      policy(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/x"},)"
             R"("Action":"sts:AssumeRole"})",
             PolicyKind::Resource);
  EXPECT_EQ(decide(std::move(trust),
                   R"({"action":"sts:AssumeRole","resource":"arn:aws:iam::999988887777:role/r"})")
                .kind,
            DecisionKind::ImplicitDeny);
}

// §4.8: an anonymous (unsigned) request is asked for explicitly; identity policies never allow
// it, only a resource-based policy naming "*".
TEST(Anonymous, AskedForExplicitly) {
  const char* allowAll = R"({"Effect":"Allow","Action":"*","Resource":"*"})";
  const std::string anonymous =
      R"({"anonymous":true,"action":"s3:GetObject","resource":"arn:aws:s3:::pub/x"})";
  const Decision d = decide(identityOnly(allowAll), anonymous);
  EXPECT_EQ(d.kind, DecisionKind::ImplicitDeny);
  EXPECT_NE(d.reason.find("anonymous"), std::string::npos) << d.reason;

  PolicySetInput star = identityOnly(allowAll);
  star.resource = policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"})",
      PolicyKind::Resource);
  EXPECT_EQ(decide(std::move(star), anonymous).kind, DecisionKind::Allowed);
}

TEST(Anonymous, ContradictingAPrincipalIsAnInputError) {
  EXPECT_FALSE(parseRequests(R"({"anonymous":true,"principal":"arn:aws:iam::111122223333:user/a",)"
                             R"("action":"s3:GetObject"})",
                             "r.json")
                   .ok());
  EXPECT_FALSE(parseRequests(R"({"anonymous":"yes","action":"s3:GetObject"})", "r.json").ok());
  // "anonymous": false is the default: the simulator's caller (§4.8a).
  EXPECT_EQ(decide(identityOnly(R"({"Effect":"Allow","Action":"*","Resource":"*"})"),
                   R"({"anonymous":false,"action":"s3:GetObject"})")
                .kind,
            DecisionKind::Allowed);
}

// §4.7: SCPs never restrict a service-linked role (recognised by its path
// role/aws-service-role/), whether the caller is a session of it or the role itself.
TEST(ServiceLinkedRole, ScpsDoNotRestrictIt) {
  PolicySetInput input = identityOnly(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})");
  input.scps.push_back(policy(R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
                              R"({"Effect":"Deny","Action":"s3:*","Resource":"*"})",
                              PolicyKind::Scp));
  input.scps.push_back(
      policy(R"({"Effect":"Allow","Action":"ec2:*","Resource":"*"})", PolicyKind::Scp));
  const std::string roleArn =
      "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/"
      "AWSServiceRoleForSupport";
  const std::string session =
      R"({"principal":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/s",)"
      R"("action":"s3:ListBucket","resource":"arn:aws:s3:::b","context":{"aws:PrincipalArn":")" +
      roleArn + R"("}})";
  const Decision d = decide(input, session);
  EXPECT_EQ(d.kind, DecisionKind::Allowed) << d.reason;
  EXPECT_EQ(
      decide(input, R"({"principal":")" + roleArn + R"(","action":"s3:GetObject","resource":"*"})")
          .kind,
      DecisionKind::Allowed);
  // Its own policies still decide: what they do not allow stays denied.
  EXPECT_EQ(decide(input, R"({"principal":")" + roleArn + R"(","action":"sqs:SendMessage"})").kind,
            DecisionKind::ImplicitDeny);
  // An ordinary role of the same account is restricted (deny at level 1).
  EXPECT_EQ(decide(input, R"({"principal":"arn:aws:sts::111122223333:assumed-role/Ops/s",)"
                          R"("action":"s3:ListBucket","resource":"arn:aws:s3:::b"})")
                .kind,
            DecisionKind::ExplicitDeny);
  // The path is what counts, not a look-alike name elsewhere in the ARN.
  EXPECT_EQ(decide(input, R"({"principal":"arn:aws:iam::111122223333:role/ops/aws-service-role",)"
                          R"("action":"s3:ListBucket","resource":"arn:aws:s3:::b"})")
                .kind,
            DecisionKind::ExplicitDeny);
}

// §4.8b: resources of account "aws" (AWS managed policies) belong to no customer account:
// not cross-account, the caller's own policies decide.
TEST(AwsOwnedResource, IsNotCrossAccount) {
  const std::string getPolicy =
      R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:GetPolicy",)"
      R"("resource":"arn:aws:iam::aws:policy/ReadOnlyAccess"})";
  const Decision d = decide(
      identityOnly(R"({"Effect":"Allow","Action":"iam:GetPolicy","Resource":"*"})"), getPolicy);
  EXPECT_EQ(d.kind, DecisionKind::Allowed) << d.reason;
  const Decision none = decide(
      identityOnly(R"({"Effect":"Allow","Action":"iam:ListPolicies","Resource":"*"})"), getPolicy);
  EXPECT_EQ(none.kind, DecisionKind::ImplicitDeny);
  EXPECT_EQ(none.reason.find("cross-account"), std::string::npos) << none.reason;
  // Without a principal the assumed caller is no user of account "aws" but of the example
  // account, and still allowed by its identity policy.
  EXPECT_EQ(
      decide(identityOnly(R"({"Effect":"Allow","Action":"iam:GetPolicy","Resource":"*"})"),
             R"({"action":"iam:GetPolicy","resource":"arn:aws:iam::aws:policy/ReadOnlyAccess"})")
          .kind,
      DecisionKind::Allowed);
}

}  // namespace
