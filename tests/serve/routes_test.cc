// RouteTable (cli/serve/routes.h): parsing the routes file, matching method + path, and
// refusing paths a gateway could route differently.
#include "cli/serve/routes.h"

#include <gtest/gtest.h>

namespace {

using policysim::serve::checkPath;
using policysim::serve::isSafePath;
using policysim::serve::RouteMatch;
using policysim::serve::RouteTable;

constexpr const char* kRoutes = R"(# comment line
POST /iam/users/{user}/access-keys  iam:CreateAccessKey  arn:aws:iam::111122223333:user/{user}
get  /s3/{bucket}/{key+}            s3:GetObject         arn:aws:s3:::{bucket}/{key}   # trailing
*    /                              s3:ListAllMyBuckets  *

PUT  /static/path                   s3:PutObject         arn:aws:s3:::static
)";

RouteTable table() {
  auto parsed = RouteTable::parse(kRoutes, "routes.txt");
  EXPECT_TRUE(parsed.ok()) << parsed.status().toString();
  return std::move(parsed).value();
}

// Checks that method + target maps to action and resource ("" action: no match).
void expectRoute(const RouteTable& routes, const char* method, const char* target,
                 const char* action, const char* resource) {
  RouteMatch match;
  const bool matched = routes.match(method, target, &match);
  if (action[0] == '\0') {
    EXPECT_FALSE(matched) << method << " " << target << " -> " << match.action;
    return;
  }
  ASSERT_TRUE(matched) << method << " " << target;
  EXPECT_EQ(match.action, action);
  EXPECT_EQ(match.resource, resource);
}

TEST(RouteTable, ParsesEveryRoute) { EXPECT_EQ(table().size(), 4U); }

TEST(RouteTable, CapturesOneSegment) {
  expectRoute(table(), "POST", "/iam/users/alice/access-keys", "iam:CreateAccessKey",
              "arn:aws:iam::111122223333:user/alice");
}

TEST(RouteTable, MethodMustMatch) {
  expectRoute(table(), "GET", "/iam/users/alice/access-keys", "", "");
  expectRoute(table(), "post", "/iam/users/alice/access-keys", "", "");  // methods are exact
}

TEST(RouteTable, CaptureRestSpansSegments) {
  expectRoute(table(), "GET", "/s3/prod/a/b/c.txt", "s3:GetObject", "arn:aws:s3:::prod/a/b/c.txt");
  expectRoute(table(), "GET", "/s3/prod", "", "");  // {key+} needs at least one segment
}

TEST(RouteTable, QueryIsIgnored) {
  expectRoute(table(), "GET", "/s3/prod/k?versionId=1", "s3:GetObject", "arn:aws:s3:::prod/k");
}

TEST(RouteTable, WildcardMethodAndRoot) {
  expectRoute(table(), "DELETE", "/", "s3:ListAllMyBuckets", "*");
  expectRoute(table(), "PUT", "/static/path", "s3:PutObject", "arn:aws:s3:::static");
  expectRoute(table(), "PUT", "/static/path/more", "", "");
  expectRoute(table(), "PUT", "/static", "", "");
}

TEST(RouteTable, FirstMatchWins) {
  auto parsed =
      RouteTable::parse("GET /a/{x} svc:First arn:{x}\nGET /a/{y} svc:Second arn:{y}\n", "r");
  ASSERT_TRUE(parsed.ok());
  expectRoute(parsed.value(), "GET", "/a/b", "svc:First", "arn:b");
}

TEST(RouteTable, RefusesAmbiguousPaths) {
  const RouteTable routes = table();
  for (const char* path :
       {"/s3/prod/../secret", "/s3/prod/./k", "/s3//k", "/s3/prod/k/", "/s3/prod%2Fx/k",
        "/s3/prod/%2e%2e/k", "/s3/prod\\k/x", "/s3/prod/k%00", "s3/prod/k", ""}) {
    expectRoute(routes, "GET", path, "", "");
  }
}

TEST(IsSafePath, AcceptsOrdinaryPaths) {
  EXPECT_TRUE(isSafePath("/"));
  EXPECT_TRUE(isSafePath("/a/b.c/d..e"));
  EXPECT_TRUE(isSafePath("/a%20b/%41"));
  EXPECT_FALSE(isSafePath("/a/%zz"));
  EXPECT_FALSE(isSafePath("/a/%2"));
  EXPECT_FALSE(isSafePath("/a\x01"));
}

TEST(CheckPath, SaysWhyAPathIsRefused) {
  const std::pair<const char*, const char*> cases[] = {
      {"/a/../b", "a '..' segment"},      {"/a/./b", "a '.' segment"},
      {"/a//b", "an empty segment"},      {"/a/b/", "an empty segment"},
      {"/a%2Fb", "percent-encoded"},      {"/a%2fb", "(%2f)"},
      {"/a%5Cb", "percent-encoded"},      {"/a\\b", "a backslash"},
      {"/a\x01", "a control character"},  {"/a/%zz", "a malformed percent-escape"},
      {"a/b", "does not start with '/'"},
  };
  for (const auto& [path, reason] : cases) {
    const auto status = checkPath(path);
    ASSERT_FALSE(status.ok()) << path;
    EXPECT_NE(status.message().find(reason), std::string::npos) << path << ": " << status.message();
  }
  EXPECT_TRUE(checkPath("/a/b.c/d..e").ok());
}

TEST(RouteTable, ReportsErrorsWithLineAndColumn) {
  struct Case {
    const char* text;
    const char* where;
  };
  for (const Case& c : {
           Case{"GET /a svc:X\n", "r:1:1:"},
           Case{"GET a svc:X arn\n", "r:1:5:"},
           Case{"\nGET /a NoColon arn\n", "r:2:8:"},
           Case{"GET /a/{b} svc:X arn:{c}\n", "r:1:"},
           Case{"GET /{a+}/b svc:X arn\n", "r:1:5:"},
           Case{"GET /{a}/{a} svc:X arn\n", "r:1:5:"},
           Case{"G3T /a svc:X arn\n", "r:1:1:"},
           Case{"GET /a//b svc:X arn\n", "r:1:5:"},
           Case{"GET /a svc:X arn:{\n", "r:1:"},
       }) {
    auto parsed = RouteTable::parse(c.text, "r");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().toString().rfind(c.where, 0), 0U)
        << c.text << " -> " << parsed.status().toString();
  }
}

TEST(RouteTable, MissingFileIsNotFound) {
  EXPECT_EQ(RouteTable::load("/nonexistent/routes.txt").status().code(),
            policysim::engine::StatusCode::NotFound);
}

}  // namespace
