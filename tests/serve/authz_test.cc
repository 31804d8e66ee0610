// buildAuthzRequest (cli/serve/authz.h): headers and the original method + path of an auth
// subrequest become a Request; malformed input is an error (the server then denies).
#include "cli/serve/authz.h"

#include <gtest/gtest.h>

namespace {

using policysim::engine::ContextValue;
using policysim::engine::Request;
using policysim::serve::AuthzInput;
using policysim::serve::buildAuthzRequest;
using policysim::serve::RouteTable;

RouteTable routes() {
  return RouteTable::parse(
             "POST /iam/users/{user}/access-keys iam:CreateAccessKey "
             "arn:aws:iam::111122223333:user/{user}\n",
             "routes")
      .value();
}

// 2026-11-22T10:00:00Z
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795341600));

AuthzInput aliceCreatesKey() {
  AuthzInput input;
  input.method = "POST";
  input.uri = "/iam/users/alice/access-keys";
  input.principal = "arn:aws:iam::111122223333:user/alice";
  return input;
}

std::string value(const Request& request, const char* key) {
  const ContextValue* v = request.findContext(key);
  return v == nullptr || v->values.empty() ? "<absent>" : v->values[0];
}

TEST(BuildAuthzRequest, MapsRouteAndDerivesPrincipalKeys) {
  AuthzInput input = aliceCreatesKey();
  input.mfa = "true";
  input.mfaAge = "42";
  input.sourceIp = "192.0.2.7";
  Request request;
  ASSERT_TRUE(buildAuthzRequest(input, routes(), kNow, &request).ok());
  EXPECT_EQ(request.action, "iam:CreateAccessKey");
  EXPECT_EQ(request.resource, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(request.principal, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(value(request, "aws:MultiFactorAuthPresent"), "true");
  EXPECT_EQ(request.findContext("aws:MultiFactorAuthPresent")->type, ContextValue::Type::Bool);
  EXPECT_EQ(value(request, "aws:MultiFactorAuthAge"), "42");
  EXPECT_EQ(value(request, "aws:SourceIp"), "192.0.2.7");
  EXPECT_EQ(value(request, "aws:username"), "alice");
  EXPECT_EQ(value(request, "aws:PrincipalAccount"), "111122223333");
  EXPECT_EQ(value(request, "aws:PrincipalArn"), "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(value(request, "aws:CurrentTime"), "2026-11-22T10:00:00Z");
  EXPECT_EQ(value(request, "aws:EpochTime"), "1795341600");
}

TEST(BuildAuthzRequest, AbsentMfaHeaderLeavesTheKeyAbsent) {
  Request request;
  ASSERT_TRUE(buildAuthzRequest(aliceCreatesKey(), routes(), kNow, &request).ok());
  EXPECT_EQ(request.findContext("aws:MultiFactorAuthPresent"), nullptr);
  EXPECT_EQ(request.findContext("aws:MultiFactorAuthAge"), nullptr);
}

TEST(BuildAuthzRequest, MalformedHeadersAreErrors) {
  Request request;
  for (const char* mfa : {"yes", "1", "truee"}) {
    AuthzInput input = aliceCreatesKey();
    input.mfa = mfa;
    EXPECT_FALSE(buildAuthzRequest(input, routes(), kNow, &request).ok()) << mfa;
  }
  for (const char* age : {"-1", "1.5", "abc", "9999999999999"}) {
    AuthzInput input = aliceCreatesKey();
    input.mfaAge = age;
    EXPECT_FALSE(buildAuthzRequest(input, routes(), kNow, &request).ok()) << age;
  }
  AuthzInput upper = aliceCreatesKey();
  upper.mfa = "FALSE";
  EXPECT_TRUE(buildAuthzRequest(upper, routes(), kNow, &request).ok());
}

TEST(BuildAuthzRequest, NoRouteIsAnError) {
  AuthzInput input = aliceCreatesKey();
  input.uri = "/iam/users/alice/../bob/access-keys";
  Request request;
  const auto status = buildAuthzRequest(input, routes(), kNow, &request);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("no route"), std::string::npos);
}

TEST(BuildAuthzRequest, HeadersOverrideTheRoute) {
  AuthzInput input = aliceCreatesKey();
  input.uri = "/unmapped";
  input.action = "s3:GetObject";
  input.resource = "arn:aws:s3:::bucket/key";
  Request request;
  ASSERT_TRUE(buildAuthzRequest(input, routes(), kNow, &request).ok());
  EXPECT_EQ(request.action, "s3:GetObject");
  EXPECT_EQ(request.resource, "arn:aws:s3:::bucket/key");
}

TEST(BuildAuthzRequest, ContextHeaderAddsTypedKeysAndWinsOverDerivedOnes) {
  AuthzInput input = aliceCreatesKey();
  input.context = R"({"aws:PrincipalTag/team": "red", "aws:CurrentTime": "2020-01-01T00:00:00Z"})";
  Request request;
  ASSERT_TRUE(buildAuthzRequest(input, routes(), kNow, &request).ok());
  EXPECT_EQ(value(request, "aws:PrincipalTag/team"), "red");
  EXPECT_EQ(value(request, "aws:CurrentTime"), "2020-01-01T00:00:00Z");
}

TEST(BuildAuthzRequest, ContextHeaderConflictsAndGarbageAreErrors) {
  Request request;
  AuthzInput twice = aliceCreatesKey();
  twice.context = R"({"aws:MultiFactorAuthPresent": true})";
  twice.mfa = "false";
  EXPECT_FALSE(buildAuthzRequest(twice, routes(), kNow, &request).ok());
  for (const char* garbage : {"[1]", "{", "\"x\"", "{} , \"context\": {}"}) {
    AuthzInput input = aliceCreatesKey();
    input.context = garbage;
    EXPECT_FALSE(buildAuthzRequest(input, routes(), kNow, &request).ok()) << garbage;
  }
}

TEST(BuildAuthzRequest, RoleSessionGetsAccountButNoUsername) {
  AuthzInput input = aliceCreatesKey();
  input.principal = "arn:aws:sts::111122223333:assumed-role/Admin/alice";
  Request request;
  ASSERT_TRUE(buildAuthzRequest(input, routes(), kNow, &request).ok());
  EXPECT_EQ(value(request, "aws:PrincipalAccount"), "111122223333");
  EXPECT_EQ(request.findContext("aws:username"), nullptr);
  EXPECT_EQ(request.findContext("aws:PrincipalArn"), nullptr);
}

TEST(BuildAuthzRequest, AnonymousWithoutPrincipal) {
  AuthzInput input = aliceCreatesKey();
  input.principal.reset();
  Request request;
  ASSERT_TRUE(buildAuthzRequest(input, routes(), kNow, &request).ok());
  EXPECT_TRUE(request.principal.empty());
  // Nobody vouched for a caller: anonymous, not the simulator's assumed caller (§4.8, §4.8a).
  EXPECT_TRUE(request.anonymous);
  EXPECT_EQ(request.findContext("aws:username"), nullptr);
}

}  // namespace
