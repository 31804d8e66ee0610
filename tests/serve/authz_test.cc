// buildAuthzRequest (cli/serve/authz.h): headers and the original method + path of an auth
// subrequest become a Request; malformed input is an error (the server then denies).
#include "cli/serve/authz.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace {

using policysim::engine::ContextValue;
using policysim::engine::Request;
using policysim::serve::AuthzHeaders;
using policysim::serve::AuthzInput;
using policysim::serve::buildAuthzRequest;
using policysim::serve::HttpRequest;
using policysim::serve::readAuthzInput;
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
  input.uri = "/iam/users/alice/access-tokens";
  Request request;
  const auto status = buildAuthzRequest(input, routes(), kNow, &request);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("no route"), std::string::npos);
}

// A refused path used to be reported as "no route maps ... to an action".
TEST(BuildAuthzRequest, RefusedPathSaysWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"/iam/users/bob/../alice/access-keys",
       "refused path /iam/users/bob/../alice/access-keys: "
       "it has a '..' segment"},
      {"/iam/users/alice%2Fx/access-keys?a=b",
       "refused path /iam/users/alice%2Fx/access-keys: "
       "it has a percent-encoded"},
      {"/iam//users/alice/access-keys", "it has an empty segment ('//'"},
  };
  for (const auto& [uri, reason] : cases) {
    AuthzInput input = aliceCreatesKey();
    input.uri = uri;
    Request request;
    const auto status = buildAuthzRequest(input, routes(), kNow, &request);
    ASSERT_FALSE(status.ok()) << uri;
    EXPECT_NE(status.message().find(reason), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find("no route"), std::string::npos) << status.message();
  }
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

TEST(BuildAuthzRequest, ContextHeaderAddsTypedKeys) {
  AuthzInput input = aliceCreatesKey();
  input.context = R"({"aws:PrincipalTag/team": "red", "aws:TokenIssueTime": "2026-11-22T09:00:00Z",
                      "aws:SecureTransport": true})";
  Request request;
  ASSERT_TRUE(buildAuthzRequest(input, routes(), kNow, &request).ok());
  EXPECT_EQ(value(request, "aws:PrincipalTag/team"), "red");
  EXPECT_EQ(value(request, "aws:TokenIssueTime"), "2026-11-22T09:00:00Z");
  EXPECT_EQ(request.findContext("aws:SecureTransport")->type, ContextValue::Type::Bool);
}

// The context header used to override derived keys (aws:username) and to supply MFA when the
// MFA header was absent. Identity, MFA, source-IP and time keys come from their own headers or
// the server: setting one there, in any case, is a deny with the reason.
TEST(BuildAuthzRequest, ContextHeaderMayNotSetIdentityMfaOrTimeKeys) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"aws:username": "bob"})", "may not set aws:username: it comes from the principal"},
      {R"({"AWS:UserName": "bob"})", "may not set AWS:UserName"},
      {R"({"aws:PrincipalArn": "arn:aws:iam::111122223333:user/bob"})", "aws:PrincipalArn"},
      {R"({"aws:PrincipalAccount": "444455556666"})", "aws:PrincipalAccount"},
      {R"({"aws:PrincipalType": "Account"})", "aws:PrincipalType"},
      {R"({"aws:userid": "AIDAEXAMPLE"})", "aws:userid"},
      {R"({"aws:MultiFactorAuthPresent": true})", "it comes from the MFA header"},
      {R"({"aws:multifactorauthage": 1})", "it comes from the MFA age header"},
      {R"({"aws:SourceIp": "10.0.0.1"})", "it comes from the source IP header"},
      {R"({"aws:CurrentTime": "2020-01-01T00:00:00Z"})", "it comes from the server's clock"},
      {R"({"aws:EpochTime": 1577836800})", "aws:EpochTime"},
  };
  for (const auto& [context, reason] : cases) {
    AuthzInput input = aliceCreatesKey();
    input.context = context;
    Request request;
    const auto status = buildAuthzRequest(input, routes(), kNow, &request);
    ASSERT_FALSE(status.ok()) << context;
    EXPECT_NE(status.message().find(reason), std::string::npos) << status.message();
  }
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

HttpRequest subrequest() {
  HttpRequest request{boost::beast::http::verb::get, "/v1/authz", 11};
  request.set("X-Original-Method", "PUT");
  request.set("X-Original-URI", "/iam/users/alice/password");
  request.set("X-Policysim-Principal", "arn:aws:iam::111122223333:user/alice");
  return request;
}

TEST(ReadAuthzInput, TakesEachHeaderAndFallsBackToTheSubrequest) {
  HttpRequest request = subrequest();
  request.set("x-policysim-mfa", "true");
  request.set("X-Policysim-Context", "");  // empty: absent
  AuthzInput input;
  ASSERT_TRUE(readAuthzInput(request, AuthzHeaders{}, "/ignored", &input).ok());
  EXPECT_EQ(input.method, "PUT");
  EXPECT_EQ(input.uri, "/iam/users/alice/password");
  EXPECT_EQ(input.principal, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(input.mfa, "true");
  EXPECT_FALSE(input.context.has_value());
  EXPECT_FALSE(input.mfaAge.has_value());

  HttpRequest envoy{boost::beast::http::verb::post, "/v1/authz/s3", 11};
  ASSERT_TRUE(readAuthzInput(envoy, AuthzHeaders{}, "/s3", &input).ok());
  EXPECT_EQ(input.method, "POST");
  EXPECT_EQ(input.uri, "/s3");
}

// "X-Policysim-Mfa: true" then "x-policysim-mfa: false" used to be allowed (the first won).
TEST(ReadAuthzInput, AnyIdentityHeaderTwiceIsAnError) {
  const AuthzHeaders names;
  for (const std::string* name :
       {&names.principal, &names.mfa, &names.mfaAge, &names.sourceIp, &names.action,
        &names.resource, &names.context, &names.method, &names.uri}) {
    HttpRequest request = subrequest();
    request.insert(*name, "first");
    std::string lower = *name;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    request.insert(lower, "second");
    AuthzInput input;
    const auto status = readAuthzInput(request, names, "/", &input);
    ASSERT_FALSE(status.ok()) << *name;
    EXPECT_NE(status.message().find(*name + " header appears more than once"), std::string::npos)
        << status.message();
  }
  HttpRequest emptyTwice = subrequest();
  emptyTwice.insert("X-Policysim-Mfa", "true");
  emptyTwice.insert("X-Policysim-Mfa", "");
  AuthzInput input;
  EXPECT_FALSE(readAuthzInput(emptyTwice, names, "/", &input).ok());
}

TEST(ReadAuthzInput, ConfiguredHeaderNamesAreTheOnesChecked) {
  AuthzHeaders names;
  names.mfa = "X-Auth-Mfa";
  HttpRequest request = subrequest();
  request.insert("X-Auth-Mfa", "true");
  request.insert("X-AUTH-MFA", "false");
  AuthzInput input;
  EXPECT_FALSE(readAuthzInput(request, names, "/", &input).ok());
}

}  // namespace
