// The policy types around identity and resource policies and who they bind: a permissions
// boundary under a role trust policy (semantics §4.3), the organization's management account,
// resource control policies (§4.7) and VPC endpoint policies (§4.2). Through the engine API, as
// `policysim check` calls it.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/decision.h"
#include "engine/decision_format.h"
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

// An SCP that denies s3:* below the allow-all at the root.
PolicySetInput scpDeniesS3() {
  PolicySetInput input;
  input.identity.push_back(policy(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"));
  input.scps.push_back(policy(R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
                              R"({"Effect":"Deny","Action":"s3:*","Resource":"*"})",
                              PolicyKind::Scp));
  return input;
}

// §4.7: SCPs do not apply to the principals of the organization's management account.
TEST(ManagementAccount, ScpsDoNotApplyToItsPrincipals) {
  const std::string request =
      R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject",)"
      R"("resource":"arn:aws:s3:::b/k","context":{"aws:ResourceAccount":"111122223333"})";
  EXPECT_EQ(decide(scpDeniesS3(), request + "}").kind, DecisionKind::ExplicitDeny);
  const Decision d = decide(scpDeniesS3(), request + R"(,"managementAccount":"111122223333"})");
  EXPECT_EQ(d.kind, DecisionKind::Allowed) << d.reason;
  // Another account being the management account changes nothing for a member's principal.
  EXPECT_EQ(decide(scpDeniesS3(), request + R"(,"managementAccount":"999988887777"})").kind,
            DecisionKind::ExplicitDeny);
  // An SCP level without an allow does not bind it either.
  PolicySetInput silent;
  silent.identity.push_back(policy(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"));
  silent.scps.push_back(
      policy(R"({"Effect":"Allow","Action":"ec2:*","Resource":"*"})", PolicyKind::Scp));
  EXPECT_EQ(decide(silent, request + "}").kind, DecisionKind::ImplicitDeny);
  EXPECT_EQ(decide(silent, request + R"(,"managementAccount":"111122223333"})").kind,
            DecisionKind::Allowed);
  // Its root user too (SCPs bind a member account's root, not the management account's).
  EXPECT_EQ(decide(scpDeniesS3(), R"({"principal":"arn:aws:iam::111122223333:root",)"
                                  R"("action":"s3:GetObject","resource":"arn:aws:s3:::b/k",)"
                                  R"("context":{"aws:ResourceAccount":"111122223333"},)"
                                  R"("managementAccount":"111122223333"})")
                .kind,
            DecisionKind::Allowed);
}

TEST(ManagementAccount, MustBeAnAccountId) {
  for (const char* bad : {R"("111")", R"("aws")", "111122223333"}) {
    auto requests = parseRequests(
        std::string(R"({"action":"s3:GetObject","managementAccount":)") + bad + "}", "r.json");
    EXPECT_FALSE(requests.ok()) << bad;
  }
}

// A data-perimeter RCP: deny access to the resources by principals outside the organization.
constexpr const char* kPerimeterRcp =
    R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)"
    R"({"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*",)"
    R"("Action":["s3:*","sqs:*","kms:*","sts:AssumeRole"],"Resource":"*",)"
    R"("Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"},)"
    R"("BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}})";

// The bucket of account 111122223333 is public by its bucket policy.
PolicySetInput publicBucketUnderRcp() {
  PolicySetInput input;
  // The caller's own account allows it (cross-account: both sides must, §4.4).
  input.identity.push_back(policy(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"));
  input.resource = policy(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
                          R"("Resource":"arn:aws:s3:::b/*"})",
                          PolicyKind::Resource);
  input.rcps.push_back(policy(kPerimeterRcp, PolicyKind::Rcp));
  return input;
}

std::string foreignGet(const std::string& extra = "") {
  return R"({"principal":"arn:aws:iam::444455556666:user/eve","action":"s3:GetObject",)"
         R"("resource":"arn:aws:s3:::b/k","context":{"aws:ResourceAccount":"111122223333")" +
         extra + "}}";
}

// §4.7: an RCP Deny applies even where a resource policy grants; RCPs never grant.
TEST(ResourceControlPolicy, DenyOverridesAResourcePolicyGrant) {
  PolicySetInput withoutRcp = publicBucketUnderRcp();
  withoutRcp.rcps.clear();
  EXPECT_EQ(decide(std::move(withoutRcp), foreignGet()).kind, DecisionKind::Allowed);
  const Decision d = decide(publicBucketUnderRcp(), foreignGet());
  EXPECT_EQ(d.kind, DecisionKind::ExplicitDeny) << d.reason;
  ASSERT_FALSE(d.matchedStatements.empty());
  EXPECT_EQ(d.matchedStatements.front().policyKind, PolicyKind::Rcp);
  // A principal of the organization is not denied by it.
  EXPECT_EQ(decide(publicBucketUnderRcp(), foreignGet(R"(,"aws:PrincipalOrgID":"o-abc")")).kind,
            DecisionKind::Allowed);
  // Anonymous callers are under RCPs too (no aws:PrincipalOrgID: ...IfExists is true).
  EXPECT_EQ(decide(publicBucketUnderRcp(),
                   R"({"anonymous":true,"action":"s3:GetObject","resource":"arn:aws:s3:::b/k",)"
                   R"("context":{"aws:ResourceAccount":"111122223333"}})")
                .kind,
            DecisionKind::ExplicitDeny);
}

// §4.7: RCPs only deny: a level with Deny statements alone leaves requests to the other
// policies (AWS's RCPFullAWSAccess, attached at every level, allows); they grant nothing.
TEST(ResourceControlPolicy, NeverGrantsAndNeedsNoAllowOfItsOwn) {
  PolicySetInput denyOnly;
  denyOnly.identity.push_back(policy(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"));
  denyOnly.rcps.push_back(policy(R"({"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket",)"
                                 R"("Resource":"*"})",
                                 PolicyKind::Rcp));
  const std::string own =
      R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject",)"
      R"("resource":"arn:aws:s3:::b/k","context":{"aws:ResourceAccount":"111122223333"}})";
  EXPECT_EQ(decide(denyOnly, own).kind, DecisionKind::Allowed);
  PolicySetInput nothing;
  nothing.rcps.push_back(
      policy(R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"})", PolicyKind::Rcp));
  EXPECT_EQ(decide(nothing, own).kind, DecisionKind::ImplicitDeny);
}

// §4.7: RCPs apply to the services that support them, not to the management account's
// resources, not to service-linked roles, and not to kms:RetireGrant.
TEST(ResourceControlPolicy, Exemptions) {
  PolicySetInput input;
  input.identity.push_back(policy(R"({"Effect":"Allow","Action":"*","Resource":"*"})"));
  input.rcps.push_back(
      policy(R"({"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"})", PolicyKind::Rcp));
  auto request = [](const std::string& principal, const std::string& action,
                    const std::string& resource, const std::string& extra = "") {
    return R"({"principal":")" + principal + R"(","action":")" + action + R"(","resource":")" +
           resource + R"(","context":{"aws:ResourceAccount":"111122223333"})" + extra + "}";
  };
  const std::string alice = kAlice;
  // Under the RCP: S3, SQS, KMS, STS, Secrets Manager, and DynamoDB and EventBridge, which AWS
  // Organizations' list names too (as of 2026-09-26).
  for (const char* action :
       {"s3:GetObject", "sqs:SendMessage", "kms:Decrypt", "secretsmanager:GetSecretValue",
        "sts:TagSession", "dynamodb:GetItem", "events:PutEvents"}) {
    EXPECT_EQ(decide(input, request(alice, action, "arn:aws:s3:::b/k")).kind,
              DecisionKind::ExplicitDeny)
        << action;
  }
  // Not a service RCPs support.
  EXPECT_EQ(decide(input, request(alice, "ec2:StartInstances", "*")).kind, DecisionKind::Allowed);
  EXPECT_EQ(decide(input, request(alice, "sns:Publish", "*")).kind, DecisionKind::Allowed);
  EXPECT_EQ(decide(input, request(alice, "lambda:InvokeFunction", "*")).kind,
            DecisionKind::Allowed);
  // kms:RetireGrant is not controlled by RCPs, even under "*".
  PolicySetInput keyPolicy = input;  // KMS needs the key policy's grant (§4.2)
  keyPolicy.resource = policy(R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},)"
                              R"("Action":"kms:*","Resource":"*"})",
                              PolicyKind::Resource);
  EXPECT_EQ(decide(keyPolicy, request(alice, "kms:RetireGrant", "*")).kind, DecisionKind::Allowed);
  EXPECT_EQ(decide(keyPolicy, request(alice, "kms:RevokeGrant", "*")).kind,
            DecisionKind::ExplicitDeny);
  // The management account's resources.
  EXPECT_EQ(decide(input, request(alice, "s3:GetObject", "arn:aws:s3:::b/k",
                                  R"(,"managementAccount":"111122223333")"))
                .kind,
            DecisionKind::Allowed);
  EXPECT_EQ(decide(input, request(alice, "s3:GetObject", "arn:aws:s3:::b/k",
                                  R"(,"managementAccount":"999988887777")"))
                .kind,
            DecisionKind::ExplicitDeny);
  // A service-linked role's session.
  const std::string slr =
      R"({"principal":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/s",)"
      R"("action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:PrincipalArn":)"
      R"("arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/)"
      R"(AWSServiceRoleForSupport","aws:ResourceAccount":"111122223333"}})";
  EXPECT_EQ(decide(input, slr).kind, DecisionKind::Allowed);
}

TEST(ResourceControlPolicy, Grammar) {
  auto parse = [](const std::string& statement) {
    return parsePolicyDocument(R"({"Version":"2012-10-17","Statement":[)" + statement + "]}",
                               "rcp.json", PolicyKind::Rcp);
  };
  EXPECT_TRUE(parse(kPerimeterRcp).ok());
  EXPECT_TRUE(parse(R"({"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*",)"
                    R"("NotResource":"arn:aws:s3:::public/*"})")
                  .ok());
  const char* rejected[] = {
      // no Principal
      R"({"Effect":"Deny","Action":"s3:*","Resource":"*"})",
      // a Principal other than "*"
      R"({"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"})",
      // NotPrincipal
      R"({"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"})",
      // NotAction
      R"({"Effect":"Deny","Principal":"*","NotAction":"s3:*","Resource":"*"})",
      // a custom Allow
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"})",
      R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"Bool":{"aws:SecureTransport":"true"}}})",
      // no Resource
      R"({"Effect":"Deny","Principal":"*","Action":"s3:*"})",
  };
  for (const char* statement : rejected) {
    EXPECT_FALSE(parse(statement).ok()) << statement;
  }
}

// §4.2: a request through a VPC endpoint (it carries aws:SourceVpce) needs the endpoint
// policy's allow, and the endpoint policy's Deny applies; other requests ignore it.
TEST(VpcEndpointPolicy, MustAllowRequestsThroughTheEndpoint) {
  PolicySetInput input;
  input.identity.push_back(policy(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"));
  input.vpcEndpoint = policy(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
                             R"("Resource":"arn:aws:s3:::corp/*"},)"
                             R"({"Effect":"Deny","Principal":"*","Action":"s3:GetObject",)"
                             R"("Resource":"arn:aws:s3:::corp/secret/*"})",
                             PolicyKind::VpcEndpoint);
  auto get = [](const std::string& key, const std::string& extra) {
    return R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject",)"
           R"("resource":"arn:aws:s3:::)" +
           key + R"(","context":{"aws:ResourceAccount":"111122223333")" + extra + "}}";
  };
  const std::string via = R"(,"aws:SourceVpce":"vpce-1a2b3c4d")";
  EXPECT_EQ(decide(input, get("corp/k", via)).kind, DecisionKind::Allowed);
  const Decision other = decide(input, get("other/k", via));
  EXPECT_EQ(other.kind, DecisionKind::ImplicitDeny);
  EXPECT_NE(other.reason.find("VPC endpoint"), std::string::npos) << other.reason;
  EXPECT_EQ(decide(input, get("corp/secret/k", via)).kind, DecisionKind::ExplicitDeny);
  // Not through the endpoint: its policy is not in scope.
  EXPECT_EQ(decide(input, get("other/k", "")).kind, DecisionKind::Allowed);
  EXPECT_EQ(decide(input, get("corp/secret/k", "")).kind, DecisionKind::Allowed);
  // The request field says the same as the context key.
  EXPECT_EQ(decide(input, R"({"principal":"arn:aws:iam::111122223333:user/alice",)"
                          R"("action":"s3:GetObject","resource":"arn:aws:s3:::other/k",)"
                          R"("vpcEndpoint":"vpce-1a2b3c4d"})")
                .kind,
            DecisionKind::ImplicitDeny);
  // The endpoint policy grants nothing by itself.
  PolicySetInput endpointOnly;
  endpointOnly.vpcEndpoint = policy(R"({"Effect":"Allow","Principal":"*","Action":"*",)"
                                    R"("Resource":"*"})",
                                    PolicyKind::VpcEndpoint);
  EXPECT_EQ(decide(endpointOnly, get("corp/k", via)).kind, DecisionKind::ImplicitDeny);
  // A principal the endpoint policy does not name is not allowed through it.
  PolicySetInput named = input;
  named.vpcEndpoint = policy(R"({"Effect":"Allow","Principal":{"AWS":")"
                             R"(arn:aws:iam::111122223333:user/bob"},"Action":"*","Resource":"*"})",
                             PolicyKind::VpcEndpoint);
  EXPECT_EQ(decide(named, get("corp/k", via)).kind, DecisionKind::ImplicitDeny);
}

TEST(VpcEndpointPolicy, RequestFieldMustAgreeWithTheContext) {
  EXPECT_FALSE(parseRequests(R"({"action":"s3:GetObject","vpcEndpoint":"vpce-1",)"
                             R"("context":{"aws:SourceVpce":"vpce-2"}})",
                             "r.json")
                   .ok());
  auto same = parseRequests(R"({"action":"s3:GetObject","vpcEndpoint":"vpce-1",)"
                            R"("context":{"aws:SourceVpce":"vpce-1"}})",
                            "r.json");
  ASSERT_TRUE(same.ok());
  auto set = parseRequests(R"({"action":"s3:GetObject","vpcEndpoint":"vpce-1"})", "r.json");
  ASSERT_TRUE(set.ok());
  const ContextValue* key = set.value().front().findContext("aws:SourceVpce");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->values, std::vector<std::string>{"vpce-1"});
  // Principal is required in an endpoint policy, as in resource-based policies.
  EXPECT_FALSE(parsePolicyDocument(R"({"Statement":[{"Effect":"Allow","Action":"*",)"
                                   R"("Resource":"*"}]})",
                                   "vpce.json", PolicyKind::VpcEndpoint)
                   .ok());
}

// `--format aws`: the simulator's details beside each decision (API_EvaluationResult).
TEST(AwsOutput, DecisionDetailsPerPolicyType) {
  auto format = [](PolicySetInput input, const std::string& requestJson) {
    auto requests = parseRequests(requestJson, "r.json");
    EXPECT_TRUE(requests.ok());
    const Decision d = decide(std::move(input), requestJson);
    return formatDecisionsAws(requests.value(), std::vector<Decision>{d});
  };
  // Cross-account: how each side decided.
  PolicySetInput cross = publicBucketUnderRcp();
  cross.rcps.clear();
  const std::string crossOut = format(cross, foreignGet());
  EXPECT_NE(crossOut.find(R"("EvalDecision":"allowed")"), std::string::npos) << crossOut;
  EXPECT_NE(crossOut.find(R"("EvalDecisionDetails":{"IAM Policy":"allowed",)"
                          R"("Resource Policy":"allowed"})"),
            std::string::npos)
      << crossOut;
  EXPECT_EQ(crossOut.find("OrganizationsDecisionDetail"), std::string::npos) << crossOut;
  // Organizations: an RCP denies, so the simulation ends there (no EvalDecisionDetails).
  const std::string rcpOut = format(publicBucketUnderRcp(), foreignGet());
  EXPECT_NE(rcpOut.find(R"("OrganizationsDecisionDetail":{"AllowedByOrganizations":false})"),
            std::string::npos)
      << rcpOut;
  EXPECT_EQ(rcpOut.find("EvalDecisionDetails"), std::string::npos) << rcpOut;
  // Same account on a named resource: present but empty; a boundary is reported.
  PolicySetInput bounded;
  bounded.identity.push_back(policy(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"));
  bounded.boundary =
      policy(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})", PolicyKind::Boundary);
  const std::string own =
      R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:PutObject",)"
      R"("resource":"arn:aws:s3:::b/k","context":{"aws:ResourceAccount":"111122223333"}})";
  const std::string ownOut = format(bounded, own);
  EXPECT_NE(ownOut.find(R"("EvalDecisionDetails":{})"), std::string::npos) << ownOut;
  EXPECT_NE(
      ownOut.find(R"("PermissionsBoundaryDecisionDetail":{"AllowedByPermissionsBoundary":false})"),
      std::string::npos)
      << ownOut;
  // Same account on "*": absent.
  const std::string star = format(
      bounded,
      R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:ListAllMyBuckets"})");
  EXPECT_EQ(star.find("EvalDecisionDetails"), std::string::npos) << star;
}

}  // namespace
