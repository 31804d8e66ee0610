// Semantics of PolicySet::evaluate, one behaviour per test, each tied to the rule in
// ../shared/docs/iam-semantics.md it pins (section numbers in the test names' comments).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/decision.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "engine/request_json.h"

namespace {

using namespace policysim::engine;

PolicyDocument policy(const std::string& json, PolicyKind kind = PolicyKind::Identity) {
  auto document = parsePolicyDocument(json, "test.json", kind);
  EXPECT_TRUE(document.ok()) << document.status().toString();
  return document.ok() ? std::move(document).value() : PolicyDocument{};
}

Request request(const std::string& json) {
  auto requests = parseRequests(json, "request.json");
  EXPECT_TRUE(requests.ok()) << requests.status().toString();
  return requests.ok() ? requests.value().front() : Request{};
}

// Decisions refer to names inside their PolicySet, so the sets are kept for the whole test run.
Decision decide(PolicySetInput input, const std::string& requestJson) {
  static std::vector<std::shared_ptr<const PolicySet>> keepAlive;
  auto set = PolicySet::compile(std::move(input));
  EXPECT_TRUE(set.ok());
  keepAlive.push_back(set.value());
  const Request r = request(requestJson);
  Decision decision = set.value()->evaluate(r, true);
  // Every rule holds the same for a PreparedRequest.
  const Decision prepared = set.value()->evaluate(PreparedRequest(r), true);
  EXPECT_EQ(prepared.kind, decision.kind) << requestJson;
  EXPECT_EQ(prepared.reason, decision.reason) << requestJson;
  return decision;
}

// One identity policy holding `statement`, evaluated against a request for `action` on
// `resource` with the given context object.
DecisionKind identityDecision(const std::string& statement, const std::string& action,
                              const std::string& resource, const std::string& context = "{}") {
  PolicySetInput input;
  input.identity.push_back(policy(R"({"Version":"2012-10-17","Statement":[)" + statement + "]}"));
  return decide(std::move(input), R"({"principal":"arn:aws:iam::111122223333:user/alice",)"
                                  R"("action":")" +
                                      action + R"(","resource":")" + resource + R"(","context":)" +
                                      context + "}")
      .kind;
}

constexpr DecisionKind kAllowed = DecisionKind::Allowed;
constexpr DecisionKind kExplicit = DecisionKind::ExplicitDeny;
constexpr DecisionKind kImplicit = DecisionKind::ImplicitDeny;

const char* kAllowS3Get = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})";

// §2.1 Action matching.
TEST(Evaluator, ActionPrefixAndNameAreCaseInsensitive) {
  EXPECT_EQ(identityDecision(R"({"Effect":"Allow","Action":"IAM:getuser","Resource":"*"})",
                             "iam:GetUser", "*"),
            kAllowed);
}

TEST(Evaluator, ActionWildcardsCoverNameOnly) {
  const char* statement = R"({"Effect":"Allow","Action":"s3:Get*","Resource":"*"})";
  EXPECT_EQ(identityDecision(statement, "s3:GetObjectAcl", "*"), kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:PutObject", "*"), kImplicit);
  EXPECT_EQ(identityDecision(statement, "s3x:GetObject", "*"), kImplicit);
  EXPECT_EQ(identityDecision(R"({"Effect":"Allow","Action":"ec2:?topInstances","Resource":"*"})",
                             "ec2:StopInstances", "*"),
            kAllowed);
}

TEST(Evaluator, StarActionMatchesEveryService) {
  EXPECT_EQ(identityDecision(R"({"Effect":"Allow","Action":"*","Resource":"*"})",
                             "dynamodb:PutItem", "*"),
            kAllowed);
}

// §2.2 NotAction.
TEST(Evaluator, AllowNotActionGrantsEverythingElseWithinResource) {
  const char* statement =
      R"({"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"})";
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "arn:aws:s3:::b/k"), kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:DeleteBucket", "arn:aws:s3:::b"), kImplicit);
  // s3:ListAllMyBuckets has no resource-level permissions: request resource "*".
  EXPECT_EQ(identityDecision(statement, "s3:ListAllMyBuckets", "*"), kImplicit);
}

// §2.3 Resource matching.
TEST(Evaluator, ResourceMatchingIsCaseSensitive) {
  const char* statement =
      R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::Bucket/*"})";
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "arn:aws:s3:::Bucket/x"), kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "arn:aws:s3:::bucket/x"), kImplicit);
}

TEST(Evaluator, ResourceStarSpansSlashesButNeedsLiteralParts) {
  const char* statement =
      R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*/test/*"})";
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "arn:aws:s3:::b/1/2/test/3/x.jpg"),
            kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "arn:aws:s3:::b//test/x"), kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "arn:aws:s3:::b/test/x"), kImplicit);
}

TEST(Evaluator, ShortResourceArnWithTrailingStarCoversRemainingFields) {
  const char* statement = R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:*"})";
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "arn:aws:s3:::b/k"), kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "arn:aws:sqs:us-east-1:1:q"), kImplicit);
}

TEST(Evaluator, SixFieldResourceArnMatchesPerField) {
  const char* statement =
      R"({"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:*:111122223333:t"})";
  EXPECT_EQ(identityDecision(statement, "sns:Publish", "arn:aws:sns:us-east-1:111122223333:t"),
            kAllowed);
  EXPECT_EQ(identityDecision(statement, "sns:Publish", "arn:aws:sns:us-east-1:999:111122223333:t"),
            kImplicit);
}

TEST(Evaluator, SpecificResourceNeverMatchesStarRequestResource) {
  const char* statement =
      R"({"Effect":"Allow","Action":"iam:ListUsers","Resource":"arn:aws:iam::1:user/*"})";
  EXPECT_EQ(identityDecision(statement, "iam:ListUsers", "*"), kImplicit);
}

// §2.4 NotResource.
TEST(Evaluator, DenyNotResourceDeniesEverythingOutsideTheList) {
  const std::string statements =
      R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
      R"({"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::HR/Payroll*"})";
  EXPECT_EQ(identityDecision(statements, "s3:GetObject", "arn:aws:s3:::other/x"), kExplicit);
  EXPECT_EQ(identityDecision(statements, "s3:GetObject", "arn:aws:s3:::HR/Payroll2026"), kAllowed);
  EXPECT_EQ(identityDecision(statements, "ec2:RunInstances", "*"), kAllowed);
}

// §3.1 block logic.
TEST(Evaluator, ConditionKeysAreAndedAndValuesOred) {
  const char* statement =
      R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{)"
      R"("StringEquals":{"aws:PrincipalTag/team":["red","blue"],"aws:RequestedRegion":"eu-west-1"}}})";
  EXPECT_EQ(
      identityDecision(statement, "s3:GetObject", "*",
                       R"({"aws:PrincipalTag/team":"blue","aws:RequestedRegion":"eu-west-1"})"),
      kAllowed);
  EXPECT_EQ(
      identityDecision(statement, "s3:GetObject", "*",
                       R"({"aws:PrincipalTag/team":"blue","aws:RequestedRegion":"us-east-1"})"),
      kImplicit);
}

TEST(Evaluator, NegatedOperatorWithSeveralValuesIsNor) {
  const char* statement =
      R"({"Effect":"Deny","Action":"*","Resource":"*","Condition":{)"
      R"("StringNotEquals":{"aws:PrincipalAccount":["111122223333","444455556666"]}}})";
  const std::string both = std::string(kAllowS3Get) + "," + statement;
  EXPECT_EQ(
      identityDecision(both, "s3:GetObject", "*", R"({"aws:PrincipalAccount":"111122223333"})"),
      kAllowed);
  EXPECT_EQ(
      identityDecision(both, "s3:GetObject", "*", R"({"aws:PrincipalAccount":"999999999999"})"),
      kExplicit);
}

// §3.3 absent keys.
TEST(Evaluator, AbsentKeyRulesPerOperatorForm) {
  auto withCondition = [](const std::string& op, const std::string& value) {
    return R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{")" + op +
           R"(":{"aws:PrincipalTag/team":)" + value + "}}}";
  };
  EXPECT_EQ(identityDecision(withCondition("StringEquals", "\"red\""), "s3:GetObject", "*"),
            kImplicit);
  EXPECT_EQ(identityDecision(withCondition("StringNotEquals", "\"red\""), "s3:GetObject", "*"),
            kAllowed);
  EXPECT_EQ(identityDecision(withCondition("StringEqualsIfExists", "\"red\""), "s3:GetObject", "*"),
            kAllowed);
  EXPECT_EQ(
      identityDecision(withCondition("ForAllValues:StringEquals", "\"red\""), "s3:GetObject", "*"),
      kAllowed);
  EXPECT_EQ(
      identityDecision(withCondition("ForAnyValue:StringEquals", "\"red\""), "s3:GetObject", "*"),
      kImplicit);
  EXPECT_EQ(identityDecision(withCondition("ForAnyValue:StringEqualsIfExists", "\"red\""),
                             "s3:GetObject", "*"),
            kImplicit);
  EXPECT_EQ(identityDecision(withCondition("Null", "\"true\""), "s3:GetObject", "*"), kAllowed);
  EXPECT_EQ(identityDecision(withCondition("Null", "false"), "s3:GetObject", "*"), kImplicit);
}

TEST(Evaluator, ReportsMissingContextValues) {
  PolicySetInput input;
  input.identity.push_back(policy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"*",)"
      R"("Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]})"));
  const Decision d = decide(
      std::move(input), R"({"principal":"arn:aws:iam::1:user/a","action":"s3:ListAllMyBuckets"})");
  EXPECT_EQ(d.kind, kExplicit);
  ASSERT_EQ(d.missingContextValues.size(), 1U);
  EXPECT_EQ(d.missingContextValues[0], "aws:MultiFactorAuthPresent");
  ASSERT_EQ(d.matchedStatements.size(), 1U);
  EXPECT_EQ(d.matchedStatements[0].statementIndex, 0U);
}

// §5.3 force-MFA truth table: credentials A (key absent), T (false), M (true).
TEST(Evaluator, ForceMfaTruthTable) {
  const std::string allowAll = R"({"Effect":"Allow","Action":"*","Resource":"*"},)";
  const char* longTerm = "{}";
  const char* noMfa = R"({"aws:MultiFactorAuthPresent":false})";
  const char* mfa = R"({"aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":100})";
  auto deny = [&](const std::string& condition) {
    return allowAll + R"({"Effect":"Deny","Action":"*","Resource":"*","Condition":)" + condition +
           "}";
  };
  const std::string boolFalse = deny(R"({"Bool":{"aws:MultiFactorAuthPresent":"false"}})");
  EXPECT_EQ(identityDecision(boolFalse, "ec2:StopInstances", "*", longTerm), kAllowed);
  EXPECT_EQ(identityDecision(boolFalse, "ec2:StopInstances", "*", noMfa), kExplicit);
  EXPECT_EQ(identityDecision(boolFalse, "ec2:StopInstances", "*", mfa), kAllowed);
  const std::string ifExists = deny(R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":false}})");
  EXPECT_EQ(identityDecision(ifExists, "ec2:StopInstances", "*", longTerm), kExplicit);
  EXPECT_EQ(identityDecision(ifExists, "ec2:StopInstances", "*", noMfa), kExplicit);
  EXPECT_EQ(identityDecision(ifExists, "ec2:StopInstances", "*", mfa), kAllowed);
  const std::string nullTrue = deny(R"({"Null":{"aws:MultiFactorAuthPresent":"true"}})");
  EXPECT_EQ(identityDecision(nullTrue, "ec2:StopInstances", "*", longTerm), kExplicit);
  EXPECT_EQ(identityDecision(nullTrue, "ec2:StopInstances", "*", noMfa), kAllowed);
  const std::string age =
      deny(R"({"NumericGreaterThanIfExists":{"aws:MultiFactorAuthAge":"1800"}})");
  EXPECT_EQ(identityDecision(age, "s3:GetObject", "*", longTerm), kExplicit);
  EXPECT_EQ(identityDecision(age, "s3:GetObject", "*", mfa), kAllowed);
  EXPECT_EQ(
      identityDecision(age, "s3:GetObject", "*",
                       R"({"aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":2700})"),
      kExplicit);
}

// §3.4 per-family semantics.
TEST(Evaluator, StringEqualsTreatsStarLiterally) {
  const char* statement = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",)"
                          R"("Condition":{"StringEquals":{"aws:PrincipalTag/role":"admin-*"}}})";
  EXPECT_EQ(
      identityDecision(statement, "s3:GetObject", "*", R"({"aws:PrincipalTag/role":"admin-x"})"),
      kImplicit);
  EXPECT_EQ(
      identityDecision(statement, "s3:GetObject", "*", R"({"aws:PrincipalTag/role":"admin-*"})"),
      kAllowed);
}

TEST(Evaluator, NumericComparesNumbersNotText) {
  const char* statement = R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",)"
                          R"("Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}})";
  EXPECT_EQ(identityDecision(statement, "s3:ListBucket", "*", R"({"s3:max-keys":"10.0"})"),
            kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:ListBucket", "*", R"({"s3:max-keys":9})"), kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:ListBucket", "*", R"({"s3:max-keys":"11"})"),
            kImplicit);
}

TEST(Evaluator, RequestValueOfWrongTypeFailsClosedWithError) {
  // §3.5: "abc" under NumericLessThan is an evaluation error: denied, never allowed.
  PolicySetInput input;
  input.identity.push_back(policy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",)"
      R"("Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}]})"));
  const Decision d =
      decide(std::move(input), R"({"principal":"arn:aws:iam::1:user/a","action":"s3:ListBucket",)"
                               R"("context":{"s3:max-keys":"abc"}})");
  EXPECT_EQ(d.kind, kImplicit);
  ASSERT_FALSE(d.errors.empty());
  EXPECT_NE(d.errors[0].find("s3:max-keys"), std::string::npos);
}

TEST(Evaluator, ErrorDoesNotMatterWhenAnotherConditionIsFalse) {
  const char* statement =
      R"({"Effect":"Deny","Action":"*","Resource":"*","Condition":{)"
      R"("NumericLessThan":{"s3:max-keys":"10"},"Bool":{"aws:SecureTransport":"false"}}})";
  const std::string both = std::string(kAllowS3Get) + "," + statement;
  EXPECT_EQ(identityDecision(both, "s3:GetObject", "*",
                             R"({"s3:max-keys":"abc","aws:SecureTransport":true})"),
            kAllowed);
}

TEST(Evaluator, InvalidPolicyValueFailsClosedPerEffect) {
  // §3.5: an Allow with an uncompilable value never applies; a Deny with one always applies.
  const char* badAllow = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",)"
                         R"("Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}})";
  EXPECT_EQ(identityDecision(badAllow, "s3:GetObject", "*", R"({"s3:max-keys":1})"), kImplicit);
  const std::string badDeny = std::string(kAllowS3Get) +
                              R"(,{"Effect":"Deny","Action":"s3:GetObject","Resource":"*",)"
                              R"("Condition":{"DateLessThan":{"aws:CurrentTime":"yesterday"}}})";
  EXPECT_EQ(identityDecision(badDeny, "s3:GetObject", "*"), kExplicit);
}

TEST(Evaluator, BoolAcceptsJsonBooleansAndStrings) {
  const std::string statements =
      std::string(kAllowS3Get) +
      R"(,{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}})";
  EXPECT_EQ(identityDecision(statements, "s3:GetObject", "*", R"({"aws:SecureTransport":"false"})"),
            kExplicit);
  EXPECT_EQ(identityDecision(statements, "s3:GetObject", "*", R"({"aws:SecureTransport":true})"),
            kAllowed);
}

TEST(Evaluator, DateOperatorsCompareInstants) {
  const char* statement = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",)"
                          R"("Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01"}}})";
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "*",
                             R"({"aws:CurrentTime":"2020-01-01T00:00:00Z"})"),
            kImplicit);
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "*",
                             R"({"aws:CurrentTime":"2020-01-01T00:00:01Z"})"),
            kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "*", R"({"aws:CurrentTime":1577836801})"),
            kAllowed);
}

TEST(Evaluator, ArnLikeGlobsPerFieldWhileStringLikeCrossesColons) {
  const std::string value = R"("arn:aws:svc:*:111122223333:finance/*")";
  const std::string context =
      R"({"aws:SourceArn":"arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/doc"})";
  auto statement = [&](const char* op) {
    return std::string(
               R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{")") +
           op + R"(":{"aws:SourceArn":)" + value + "}}}";
  };
  EXPECT_EQ(identityDecision(statement("StringLike"), "s3:GetObject", "*", context), kAllowed);
  EXPECT_EQ(identityDecision(statement("ArnLike"), "s3:GetObject", "*", context), kImplicit);
  EXPECT_EQ(
      identityDecision(statement("ArnLike"), "s3:GetObject", "*",
                       R"({"aws:SourceArn":"arn:aws:svc:us-east-2:111122223333:finance/doc"})"),
      kAllowed);
}

TEST(Evaluator, IpAddressAndNotIpAddressOnAbsentKey) {
  const char* allowIn = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",)"
                        R"("Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}})";
  EXPECT_EQ(identityDecision(allowIn, "s3:GetObject", "*", R"({"aws:SourceIp":"203.0.113.9"})"),
            kAllowed);
  EXPECT_EQ(identityDecision(allowIn, "s3:GetObject", "*", R"({"aws:SourceIp":"198.51.100.1"})"),
            kImplicit);
  EXPECT_EQ(identityDecision(allowIn, "s3:GetObject", "*"), kImplicit);
  const char* allowOut = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",)"
                         R"("Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}})";
  EXPECT_EQ(identityDecision(allowOut, "s3:GetObject", "*"), kAllowed);
}

TEST(Evaluator, BinaryEqualsComparesDecodedBytes) {
  const char* statement = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",)"
                          R"("Condition":{"BinaryEquals":{"x:key":"aGVsbG8="}}})";
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "*", R"({"x:key":"aGVsbG8="})"), kAllowed);
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "*", R"({"x:key":"d29ybGQ="})"), kImplicit);
}

// §3.4, §3.5: base64 needs its '=' padding. Unpadded policy text is an invalid value (the
// statement fails closed); an unpadded request value is an evaluation error (denied).
TEST(Evaluator, BinaryEqualsNeedsPaddedBase64) {
  auto deny = [](const char* value) {
    return std::string(kAllowS3Get) +
           R"(,{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":)"
           R"({"BinaryEquals":{"x:key":")" +
           value + R"("}}})";
  };
  const char* context = R"({"x:key":"YWI="})";                                        // "ab"
  EXPECT_EQ(identityDecision(deny("YWJj"), "s3:GetObject", "*", context), kAllowed);  // "abc"
  EXPECT_EQ(identityDecision(deny("YWI="), "s3:GetObject", "*", context), kExplicit);
  EXPECT_EQ(identityDecision(deny("YWI"), "s3:GetObject", "*", context), kExplicit);
  EXPECT_EQ(identityDecision(deny("abc"), "s3:GetObject", "*", context), kExplicit);
  EXPECT_EQ(identityDecision(deny("YQ"), "s3:GetObject", "*", context), kExplicit);
  const char* allow = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",)"
                      R"("Condition":{"BinaryEquals":{"x:key":"YWI="}}})";
  EXPECT_EQ(identityDecision(allow, "s3:GetObject", "*", R"({"x:key":"YWI="})"), kAllowed);
  PolicySetInput input;
  input.identity.push_back(
      policy(R"({"Version":"2012-10-17","Statement":[)" + std::string(allow) + "]}"));
  const Decision d =
      decide(std::move(input), R"({"principal":"arn:aws:iam::1:user/a",)"
                               R"("action":"s3:GetObject","context":{"x:key":"YWI"}})");
  EXPECT_EQ(d.kind, kImplicit);
  ASSERT_FALSE(d.errors.empty());
  EXPECT_NE(d.errors[0].find("is not base64"), std::string::npos);
}

// §3.7 set operators.
TEST(Evaluator, SetOperatorsOnMultivaluedKeys) {
  auto statement = [](const char* op) {
    return std::string(
               R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{")") +
           op + R"(":{"aws:TagKeys":["a","b"]}}})";
  };
  EXPECT_EQ(identityDecision(statement("ForAllValues:StringEquals"), "s3:GetObject", "*",
                             R"({"aws:TagKeys":["a"]})"),
            kAllowed);
  EXPECT_EQ(identityDecision(statement("ForAllValues:StringEquals"), "s3:GetObject", "*",
                             R"({"aws:TagKeys":["a","c"]})"),
            kImplicit);
  EXPECT_EQ(identityDecision(statement("ForAllValues:StringEquals"), "s3:GetObject", "*",
                             R"({"aws:TagKeys":[]})"),
            kAllowed);
  EXPECT_EQ(identityDecision(statement("ForAnyValue:StringEquals"), "s3:GetObject", "*",
                             R"({"aws:TagKeys":["c","a"]})"),
            kAllowed);
  EXPECT_EQ(identityDecision(statement("ForAnyValue:StringEquals"), "s3:GetObject", "*",
                             R"({"aws:TagKeys":[]})"),
            kImplicit);
  EXPECT_EQ(identityDecision(statement("ForAnyValue:StringNotEquals"), "s3:GetObject", "*",
                             R"({"aws:TagKeys":["a","c"]})"),
            kAllowed);
  // Plain operator on a multivalued key: AWS leaves it undefined; policysim says false.
  EXPECT_EQ(
      identityDecision(statement("StringEquals"), "s3:GetObject", "*", R"({"aws:TagKeys":["a"]})"),
      kImplicit);
}

// §3.8 policy variables.
TEST(Evaluator, PolicyVariablesResolveWithDefaultsAndEscapes) {
  const char* withDefault = R"({"Effect":"Allow","Action":"s3:GetObject",)"
                            R"("Resource":"arn:aws:s3:::b-${aws:PrincipalTag/team, 'shared'}/*"})";
  EXPECT_EQ(identityDecision(withDefault, "s3:GetObject", "arn:aws:s3:::b-shared/x"), kAllowed);
  EXPECT_EQ(identityDecision(withDefault, "s3:GetObject", "arn:aws:s3:::b-red/x",
                             R"({"aws:PrincipalTag/team":"red"})"),
            kAllowed);
  const char* noDefault = R"({"Effect":"Allow","Action":"s3:GetObject",)"
                          R"("Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"})";
  EXPECT_EQ(identityDecision(noDefault, "s3:GetObject", "arn:aws:s3:::b//x"), kImplicit);
  const char* escaped = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",)"
                        R"("Condition":{"StringLike":{"s3:prefix":"${*}"}}})";
  EXPECT_EQ(identityDecision(escaped, "s3:GetObject", "*", R"({"s3:prefix":"*"})"), kAllowed);
  EXPECT_EQ(identityDecision(escaped, "s3:GetObject", "*", R"({"s3:prefix":"x"})"), kImplicit);
}

TEST(Evaluator, SubstitutedVariableValueIsNeverAWildcard) {
  const char* statement = R"({"Effect":"Allow","Action":"s3:GetObject",)"
                          R"("Resource":"arn:aws:s3:::home/${aws:username}/*"})";
  EXPECT_EQ(identityDecision(statement, "s3:GetObject", "arn:aws:s3:::home/bob/x",
                             R"({"aws:username":"*"})"),
            kImplicit);
}

TEST(Evaluator, NotResourceWithUnresolvedVariableExcludesNothing) {
  const std::string statements =
      std::string(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"},)") +
      R"({"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"})";
  EXPECT_EQ(identityDecision(statements, "s3:GetObject", "arn:aws:s3:::b/red/x"), kExplicit);
  EXPECT_EQ(identityDecision(statements, "s3:GetObject", "arn:aws:s3:::b/red/x",
                             R"({"aws:PrincipalTag/team":"red"})"),
            kAllowed);
}

TEST(Evaluator, NegatedOperatorWithUnresolvedVariableMatches) {
  const std::string statements =
      std::string(kAllowS3Get) +
      R"(,{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":)"
      R"({"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}})";
  EXPECT_EQ(
      identityDecision(statements, "s3:GetObject", "*", R"({"s3:ExistingObjectTag/Team":"red"})"),
      kExplicit);
  EXPECT_EQ(
      identityDecision(statements, "s3:GetObject", "*",
                       R"({"s3:ExistingObjectTag/Team":"red","aws:PrincipalTag/Team":"red"})"),
      kAllowed);
}

TEST(Evaluator, VariablesAreLiteralWithoutVersion2012) {
  PolicySetInput input;
  input.identity.push_back(policy(
      R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]})"));
  EXPECT_EQ(
      decide(std::move(input),
             R"({"principal":"arn:aws:iam::1:user/bob","action":"s3:GetObject",)"
             R"("resource":"arn:aws:s3:::b/${aws:username}/x","context":{"aws:username":"bob"}})")
          .kind,
      kAllowed);
}

// §4 evaluation across policy types.
PolicySetInput withResourcePolicy(const std::string& identityStatement,
                                  const std::string& resourceStatement) {
  PolicySetInput input;
  if (!identityStatement.empty()) {
    input.identity.push_back(
        policy(R"({"Version":"2012-10-17","Statement":[)" + identityStatement + "]}"));
  }
  input.resource = policy(R"({"Version":"2012-10-17","Statement":[)" + resourceStatement + "]}",
                          PolicyKind::Resource);
  return input;
}

TEST(Evaluator, AnonymousCallerNeedsPrincipalStar) {
  const std::string anonymous =
      R"({"anonymous":true,"action":"s3:GetObject","resource":"arn:aws:s3:::pub/x"})";
  EXPECT_EQ(
      decide(
          withResourcePolicy(
              "",
              R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"})"),
          anonymous)
          .kind,
      kAllowed);
  EXPECT_EQ(
      decide(
          withResourcePolicy(
              "",
              R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"})"),
          anonymous)
          .kind,
      kImplicit);
}

// §4.8: an anonymous caller has no identity policies; only a resource policy naming "*"
// allows it. Identity Deny statements still apply (fail closed).
TEST(Evaluator, AnonymousCallerIsNeverAllowedByIdentityPolicies) {
  const std::string anonymous =
      R"({"anonymous":true,"action":"s3:GetObject","resource":"arn:aws:s3:::pub/x"})";
  const char* allowAll = R"({"Effect":"Allow","Action":"*","Resource":"*"})";
  PolicySetInput identityOnly;
  identityOnly.identity.push_back(
      policy(R"({"Version":"2012-10-17","Statement":[)" + std::string(allowAll) + "]}"));
  const Decision d = decide(std::move(identityOnly), anonymous);
  EXPECT_EQ(d.kind, kImplicit);
  EXPECT_NE(d.reason.find("anonymous"), std::string::npos) << d.reason;
  const char* star =
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"})";
  const Decision both = decide(withResourcePolicy(allowAll, star), anonymous);
  EXPECT_EQ(both.kind, kAllowed);
  ASSERT_EQ(both.matchedStatements.size(), 1U);  // the grant, not the identity statement
  EXPECT_EQ(both.matchedStatements[0].policyKind, PolicyKind::Resource);
  EXPECT_EQ(decide(withResourcePolicy(R"({"Effect":"Deny","Action":"s3:*","Resource":"*"})", star),
                   anonymous)
                .kind,
            kExplicit);
}

// §4.8: no identity policy can be attached to the root user. In its own account it is allowed
// anyway; for another account's resource identity policies cannot make up its side.
TEST(Evaluator, RootUserNeedsNoIdentityPolicyButAnotherAccountMustGrant) {
  const std::string crossAccount =
      R"({"principal":"arn:aws:iam::111122223333:root","action":"sqs:SendMessage",)"
      R"("resource":"arn:aws:sqs:us-east-1:444455556666:q"})";
  const char* rbp =
      R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:*","Resource":"*"})";
  const char* otherAccountOnly =
      R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:*","Resource":"*"})";
  const char* allowSqs = R"({"Effect":"Allow","Action":"sqs:*","Resource":"*"})";
  const char* allowNothing =
      R"({"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"})";
  // Root's side allows without any identity policy; the queue's account grants root's account.
  EXPECT_EQ(decide(withResourcePolicy(allowNothing, rbp), crossAccount).kind, kAllowed);
  // Without that grant nothing allows, whatever identity policy is passed in for root.
  EXPECT_EQ(decide(withResourcePolicy(allowSqs, otherAccountOnly), crossAccount).kind, kImplicit);
  // A user of the same account needs its identity policy as well as the grant.
  const std::string user =
      R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"sqs:SendMessage",)"
      R"("resource":"arn:aws:sqs:us-east-1:444455556666:q"})";
  EXPECT_EQ(decide(withResourcePolicy(allowSqs, rbp), user).kind, kAllowed);
  EXPECT_EQ(decide(withResourcePolicy(allowNothing, rbp), user).kind, kImplicit);
  const std::string sameAccount =
      R"({"principal":"arn:aws:iam::111122223333:root","action":"sqs:SendMessage",)"
      R"("resource":"arn:aws:sqs:us-east-1:111122223333:q"})";
  const Decision d = decide(withResourcePolicy(allowSqs, rbp), sameAccount);
  EXPECT_EQ(d.kind, kAllowed);
  for (const StatementRef& ref : d.matchedStatements) {
    EXPECT_NE(ref.policyKind, PolicyKind::Identity);
  }
}

TEST(Evaluator, AccountPrincipalCoversRoleSessionsByDelegation) {
  const std::string session =
      R"({"principal":"arn:aws:sts::111122223333:assumed-role/R/s","action":"sqs:SendMessage",)"
      R"("resource":"arn:aws:sqs:us-east-1:444455556666:q"})";
  const char* rbp =
      R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:*","Resource":"*"})";
  EXPECT_EQ(decide(withResourcePolicy(R"({"Effect":"Allow","Action":"sqs:*","Resource":"*"})", rbp),
                   session)
                .kind,
            kAllowed);
  EXPECT_EQ(decide(withResourcePolicy("", rbp), session).kind, kImplicit);
}

TEST(Evaluator, RootUserIsAllowedInItsOwnAccountUnlessDenied) {
  PolicySetInput input;
  const std::string root =
      R"({"principal":"arn:aws:iam::111122223333:root","action":"s3:DeleteBucket","resource":"arn:aws:s3:::b",)"
      R"("context":{"aws:ResourceAccount":"111122223333"}})";
  EXPECT_EQ(decide(PolicySetInput{}, root).kind, kAllowed);
  PolicySetInput scp;
  scp.scps.push_back(policy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]})",
      PolicyKind::Scp));
  EXPECT_EQ(decide(std::move(scp), root).kind, kImplicit);
}

TEST(Evaluator, SessionPolicyDenyIsExplicit) {
  PolicySetInput input;
  input.identity.push_back(policy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"));
  input.session = policy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},)"
      R"({"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]})",
      PolicyKind::Session);
  const std::string sessionRequest =
      R"({"principal":"arn:aws:sts::111122223333:assumed-role/R/s","action":"s3:DeleteObject","resource":"arn:aws:s3:::b/k"})";
  const Decision d = decide(std::move(input), sessionRequest);
  EXPECT_EQ(d.kind, kExplicit);
  ASSERT_EQ(d.matchedStatements.size(), 1U);
  EXPECT_EQ(d.matchedStatements[0].policyKind, PolicyKind::Session);
}

TEST(Evaluator, NotPrincipalExemptsOnlyAFullyListedChain) {
  const std::string rbp =
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},)"
      R"({"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/R",)"
      R"("arn:aws:sts::111122223333:assumed-role/R/s"]},"Action":"s3:*","Resource":"*"})";
  const std::string session =
      R"({"principal":"arn:aws:sts::111122223333:assumed-role/R/s","action":"s3:GetObject",)"
      R"("resource":"arn:aws:s3:::b/k","context":{"aws:ResourceAccount":"111122223333"}})";
  EXPECT_EQ(decide(withResourcePolicy("", rbp), session).kind, kExplicit);
  const std::string withAccount =
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},)"
      R"({"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/R",)"
      R"("arn:aws:sts::111122223333:assumed-role/R/s","111122223333"]},"Action":"s3:*","Resource":"*"})";
  EXPECT_EQ(decide(withResourcePolicy("", withAccount), session).kind, kAllowed);
}

TEST(Evaluator, ExplanationNamesTheDecidingCondition) {
  PolicySetInput input;
  input.identity.push_back(policy(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"Guard","Effect":"Deny","NotAction":"iam:*",)"
      R"("Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]})"));
  const Decision d = decide(
      std::move(input), R"({"principal":"arn:aws:iam::1:user/a","action":"s3:ListAllMyBuckets"})");
  ASSERT_EQ(d.explanations.size(), 1U);
  EXPECT_TRUE(d.explanations[0].applies);
  bool mentionsKey = false;
  for (const std::string& step : d.explanations[0].steps) {
    mentionsKey =
        mentionsKey || step.find("aws:MultiFactorAuthPresent: key absent") != std::string::npos;
  }
  EXPECT_TRUE(mentionsKey);
  EXPECT_NE(d.reason.find("Guard"), std::string::npos);
}

TEST(Evaluator, EmptyPolicySetDeniesImplicitly) {
  const Decision d =
      decide(PolicySetInput{}, R"({"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject"})");
  EXPECT_EQ(d.kind, kImplicit);
  EXPECT_TRUE(d.matchedStatements.empty());
}

// §4.9: these two STS actions need no permission; even an explicit deny does not block them.
TEST(Evaluator, GetCallerIdentityAndGetSessionTokenNeedNoPermission) {
  const char* denyAll = R"({"Effect":"Deny","Action":"*","Resource":"*"})";
  EXPECT_EQ(identityDecision(denyAll, "sts:GetCallerIdentity", "*"), kAllowed);
  EXPECT_EQ(identityDecision(denyAll, "STS:GetSessionToken", "*"), kAllowed);
  EXPECT_EQ(identityDecision(denyAll, "sts:GetFederationToken", "*"), kExplicit);
}

// §2.3 rule 5: a short resource ARN ending in '*' behaves as if the missing fields were '*'; its
// last written field still matches within its own field (found by the differential test).
TEST(Evaluator, ShortResourceArnMatchesItsLastFieldWithinTheField) {
  const char* statement = R"({"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:u*3*"})";
  EXPECT_EQ(identityDecision(statement, "ec2:TerminateInstances",
                             "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc"),
            kImplicit);
  EXPECT_EQ(identityDecision(statement, "ec2:TerminateInstances",
                             "arn:aws:ec2:us-east-3:111122223333:instance/i-0abc"),
            kAllowed);
}

// §3.4 Arn*: a condition value with fewer than six fields matches nothing (it does not fail
// the statement closed).
TEST(Evaluator, ShortArnConditionValueMatchesNothing) {
  const std::string allowAll = R"({"Effect":"Allow","Action":"*","Resource":"*"})";
  const std::string deny =
      allowAll + R"(,{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnLike":)"
                 R"({"aws:SourceArn":"arn:aws:sns:*"}}})";
  const char* context = R"({"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:t"})";
  EXPECT_EQ(identityDecision(deny, "s3:GetObject", "*", context), kAllowed);
  const std::string notLike = R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":)"
                              R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*"}}})";
  EXPECT_EQ(identityDecision(notLike, "s3:GetObject", "*", context), kAllowed);
}

// §3.7 rule 4: an empty list of policy values.
TEST(Evaluator, EmptyConditionValueListRules) {
  auto allow = [](const char* op) {
    return std::string(
               R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{")") +
           op + R"(":{"aws:username":[]}}})";
  };
  const char* present = R"({"aws:username":"alice"})";
  EXPECT_EQ(identityDecision(allow("ForAllValues:StringNotEquals"), "s3:GetObject", "*", present),
            kImplicit);
  EXPECT_EQ(identityDecision(allow("ForAllValues:StringEquals"), "s3:GetObject", "*"), kAllowed);
  EXPECT_EQ(identityDecision(allow("ForAnyValue:StringNotEquals"), "s3:GetObject", "*", present),
            kImplicit);
  EXPECT_EQ(identityDecision(allow("StringNotEqualsIfExists"), "s3:GetObject", "*", present),
            kImplicit);
  EXPECT_EQ(identityDecision(allow("StringNotEqualsIfExists"), "s3:GetObject", "*"), kAllowed);
  EXPECT_EQ(identityDecision(allow("StringEquals"), "s3:GetObject", "*", present), kImplicit);
  EXPECT_EQ(identityDecision(allow("StringNotEquals"), "s3:GetObject", "*", present), kAllowed);
  // Decided before the request value is read: a wrong-typed value is no error here.
  const std::string deny = std::string(kAllowS3Get) +
                           R"(,{"Effect":"Deny","Action":"*","Resource":"*","Condition":)"
                           R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":[]}}})";
  EXPECT_EQ(identityDecision(deny, "s3:GetObject", "*", R"({"aws:MultiFactorAuthPresent":"yes"})"),
            kAllowed);
}

// A value with more than kMaxSlots (8) policy variables is valid IAM over an engine limit:
// Resource, NotResource and condition values alike fail closed (README, Security model).
TEST(Evaluator, MoreThanEightPolicyVariablesFailClosed) {
  std::string nine;
  for (int i = 0; i < 9; ++i) {
    nine += "${aws:username}";
  }
  const char* context = R"({"aws:username":"a"})";
  const std::string resource = "arn:aws:s3:::b/aaaaaaaaa";
  const std::string denyResource = std::string(kAllowS3Get) +
                                   R"(,{"Effect":"Deny","Action":"s3:GetObject","Resource":")" +
                                   "arn:aws:s3:::b/" + nine + R"("})";
  EXPECT_EQ(identityDecision(denyResource, "s3:GetObject", resource, context), kExplicit);
  EXPECT_EQ(identityDecision(denyResource, "s3:PutObject", resource, context), kImplicit);
  const std::string allowResource =
      R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/)" + nine + R"("})";
  EXPECT_EQ(identityDecision(allowResource, "s3:GetObject", resource, context), kImplicit);
  const std::string allowNotResource =
      R"({"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/)" + nine +
      R"("})";
  EXPECT_EQ(identityDecision(allowNotResource, "s3:GetObject", "arn:aws:s3:::other/x", context),
            kImplicit);
  const std::string denyNotResource =
      std::string(kAllowS3Get) +
      R"(,{"Effect":"Deny","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/)" + nine +
      R"("})";
  EXPECT_EQ(identityDecision(denyNotResource, "s3:GetObject", resource, context), kExplicit);
  const std::string denyCondition =
      std::string(kAllowS3Get) +
      R"(,{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":)"
      R"({"StringLike":{"aws:userid":")" +
      nine + R"("}}})";
  EXPECT_EQ(identityDecision(denyCondition, "s3:GetObject", "*", context), kExplicit);
  const std::string allowCondition =
      R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":)"
      R"({"StringEquals":{"aws:userid":")" +
      nine + R"("}}})";
  EXPECT_EQ(identityDecision(allowCondition, "s3:GetObject", "*",
                             R"({"aws:username":"a","aws:userid":"aaaaaaaaa"})"),
            kImplicit);
  // Each is reported when the set is compiled.
  PolicySetInput input;
  input.identity.push_back(
      policy(R"({"Version":"2012-10-17","Statement":[)" + denyResource + "]}"));
  auto set = PolicySet::compile(std::move(input));
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set.value()->diagnostics().size(), 1U);
  EXPECT_NE(set.value()->diagnostics()[0].message.find("fails closed"), std::string::npos);
}

// §3.5 inside set operators: a member of the wrong type is an evaluation error even when
// another member would decide ForAnyValue (a match) or ForAllValues (a mismatch).
TEST(Evaluator, SetOperatorMemberOfWrongTypeIsAnError) {
  const std::string values = R"({"app:Sizes":["abc","5"]})";
  const std::string anyAllow = R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*",)"
                               R"("Condition":{"ForAnyValue:NumericEquals":{"app:Sizes":"5"}}})";
  EXPECT_EQ(identityDecision(anyAllow, "s3:GetObject", "*", values), kImplicit);
  const std::string anyDeny = R"({"Effect":"Deny","Action":"s3:GetObject","Resource":"*",)"
                              R"("Condition":{"ForAnyValue:NumericEquals":{"app:Sizes":"5"}}})";
  EXPECT_EQ(identityDecision(std::string(kAllowS3Get) + "," + anyDeny, "s3:GetObject", "*", values),
            kImplicit);
  const std::string allDeny = R"({"Effect":"Deny","Action":"s3:GetObject","Resource":"*",)"
                              R"("Condition":{"ForAllValues:NumericEquals":{"app:Sizes":"7"}}})";
  EXPECT_EQ(identityDecision(std::string(kAllowS3Get) + "," + allDeny, "s3:GetObject", "*", values),
            kImplicit);
  // Well-typed members decide as usual.
  EXPECT_EQ(identityDecision(anyAllow, "s3:GetObject", "*", R"({"app:Sizes":["4","5"]})"),
            kAllowed);
}

TEST(NeedsNoPermission, NamesTheTwoStsActionsIgnoringCase) {
  EXPECT_TRUE(policysim::engine::needsNoPermission("sts:GetCallerIdentity"));
  EXPECT_TRUE(policysim::engine::needsNoPermission("STS:getsessiontoken"));
  EXPECT_FALSE(policysim::engine::needsNoPermission("sts:AssumeRole"));
  EXPECT_FALSE(policysim::engine::needsNoPermission("sts:GetCallerIdentityX"));
}

}  // namespace
