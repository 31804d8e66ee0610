// The embedding API (engine/policysim.h): loading by role from strings, files and a policy
// directory; building and parsing requests; evaluation that outlives a swapped set; errors as
// values.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/policysim.h"

namespace {

namespace fs = std::filesystem;

const std::string kPolicies = POLICYSIM_POLICIES_DIR;

constexpr const char* kAllowS3 = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
constexpr const char* kDenyDelete = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]})";

policysim::PolicyFiles forceMfa() {
  policysim::PolicyFiles files;
  files.identity = {kPolicies + "/force_mfa.json"};
  return files;
}

policysim::Request s3Request(const char* action) {
  return policysim::RequestBuilder()
      .principal("arn:aws:iam::111122223333:user/alice")
      .action(action)
      .resource("arn:aws:s3:::bucket/key")
      .build()
      .value();
}

// A fresh temporary directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/policysim-api-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const {
    fs::create_directories(fs::path(path_ / fs::path(name)).parent_path());
    std::ofstream(fs::path(path_) / name) << text;
  }

 private:
  std::string path_;
};

TEST(PolicySetBuilder, LoadsStringsByRoleAndDecides) {
  policysim::PolicySetBuilder builder;
  ASSERT_TRUE(builder.addPolicy(policysim::PolicyKind::Identity, kAllowS3, "allow.json").ok());
  ASSERT_TRUE(builder.addPolicy(policysim::PolicyKind::Scp, kAllowS3, "scp.json").ok());
  ASSERT_TRUE(builder.addPolicy(policysim::PolicyKind::Identity, kDenyDelete, "deny.json").ok());
  auto set = builder.build();
  ASSERT_TRUE(set.ok()) << set.status().toString();

  EXPECT_TRUE(policysim::evaluate(set.value(), s3Request("s3:GetObject")).allowed());
  const policysim::Evaluation denied =
      policysim::evaluate(set.value(), s3Request("s3:DeleteObject"));
  EXPECT_EQ(denied.decision.kind, policysim::DecisionKind::ExplicitDeny);
  ASSERT_EQ(denied.decision.matchedStatements.size(), 1U);
  EXPECT_EQ(denied.decision.matchedStatements[0].sid, "NoDelete");
}

TEST(PolicySetBuilder, ReportsParseErrorsWithPosition) {
  policysim::PolicySetBuilder builder;
  const policysim::Status status =
      builder.addPolicy(policysim::PolicyKind::Identity, R"({"Statement": [})", "bad.json");
  EXPECT_EQ(status.code(), policysim::StatusCode::InvalidArgument);
  EXPECT_NE(status.toString().find("bad.json:1:"), std::string::npos) << status.toString();
}

TEST(PolicySetBuilder, RejectsASecondBoundary) {
  policysim::PolicySetBuilder builder;
  ASSERT_TRUE(builder.addPolicy(policysim::PolicyKind::Boundary, kAllowS3, "b1.json").ok());
  EXPECT_EQ(builder.addPolicy(policysim::PolicyKind::Boundary, kAllowS3, "b2.json").code(),
            policysim::StatusCode::InvalidArgument);
}

TEST(PolicySetBuilder, MissingFileIsNotFound) {
  policysim::PolicySetBuilder builder;
  EXPECT_EQ(builder.addPolicyFile(policysim::PolicyKind::Identity, "/nonexistent/p.json").code(),
            policysim::StatusCode::NotFound);
}

TEST(LoadPolicySet, ForceMfaFromFiles) {
  auto set = policysim::loadPolicySet(forceMfa());
  ASSERT_TRUE(set.ok()) << set.status().toString();
  auto withMfa = policysim::RequestBuilder()
                     .principal("arn:aws:iam::111122223333:user/alice")
                     .action("iam:CreateAccessKey")
                     .resource("arn:aws:iam::111122223333:user/alice")
                     .setString("aws:username", "alice")
                     .setBool("aws:MultiFactorAuthPresent", true)
                     .setNumber("aws:MultiFactorAuthAge", 300)
                     .build();
  ASSERT_TRUE(withMfa.ok());
  EXPECT_TRUE(policysim::evaluate(set.value(), withMfa.value()).allowed());

  auto withoutMfa = policysim::RequestBuilder()
                        .principal("arn:aws:iam::111122223333:user/alice")
                        .action("iam:CreateAccessKey")
                        .resource("arn:aws:iam::111122223333:user/alice")
                        .setString("aws:username", "alice")
                        .build();
  const policysim::Evaluation denied = policysim::evaluate(set.value(), withoutMfa.value(), true);
  EXPECT_EQ(denied.decision.kind, policysim::DecisionKind::ExplicitDeny);
  EXPECT_FALSE(denied.decision.reason.empty());
  const std::string json = policysim::toJson(withoutMfa.value(), denied);
  EXPECT_NE(json.find("\"decision\":\"explicitDeny\""), std::string::npos) << json;
  EXPECT_NE(json.find("DenyEverythingElseWithoutMFA"), std::string::npos) << json;
}

TEST(RequestBuilder, DuplicateKeyFailsBuild) {
  auto request = policysim::RequestBuilder()
                     .action("s3:GetObject")
                     .setBool("aws:MultiFactorAuthPresent", true)
                     .setBool("AWS:multifactorauthpresent", false)
                     .build();
  EXPECT_FALSE(request.ok());
}

TEST(RequestBuilder, MissingActionFailsBuild) {
  EXPECT_FALSE(policysim::RequestBuilder().principal("arn:aws:iam::1:user/a").build().ok());
}

TEST(ParseRequest, AcceptsOneRequestOnly) {
  auto one = policysim::parseRequest(R"({"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"})");
  ASSERT_TRUE(one.ok()) << one.status().toString();
  EXPECT_EQ(one.value().action, "s3:GetObject");
  auto two = policysim::parseRequest(
      R"({"ActionNames":["s3:GetObject","s3:PutObject"],"ResourceArns":["arn:aws:s3:::b/k"]})");
  EXPECT_EQ(two.status().code(), policysim::StatusCode::InvalidArgument);
  EXPECT_FALSE(policysim::parseRequest("{").ok());
}

TEST(Evaluate, NullSetDeniesWithAnError) {
  const policysim::Evaluation result = policysim::evaluate(nullptr, s3Request("s3:GetObject"));
  EXPECT_EQ(result.decision.kind, policysim::DecisionKind::ImplicitDeny);
  EXPECT_FALSE(result.decision.errors.empty());
}

TEST(Evaluate, DecisionOutlivesTheCallersSet) {
  auto set = policysim::loadPolicySet(forceMfa());
  ASSERT_TRUE(set.ok());
  std::shared_ptr<const policysim::PolicySet> current = set.value();
  const policysim::Evaluation kept = policysim::evaluate(current, s3Request("s3:GetObject"));
  current.reset();  // a hot reload drops the caller's reference
  ASSERT_FALSE(kept.decision.matchedStatements.empty());
  EXPECT_EQ(kept.decision.matchedStatements[0].policyName, kPolicies + "/force_mfa.json");
}

TEST(PolicyDirectory, ListsRolesByConvention) {
  TempDir dir;
  dir.write("b.json", kAllowS3);
  dir.write("a.json", kAllowS3);
  dir.write("identity/c.json", kAllowS3);
  dir.write("scp/20-ou.json", kAllowS3);
  dir.write("scp/10-root.json", kAllowS3);
  dir.write("boundary.json", kAllowS3);
  dir.write("resource.json",
            R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})");
  dir.write("session.json", kAllowS3);
  dir.write(".a.json.tmp", "not json");
  dir.write(".hidden.json", "not json");
  dir.write("notes.txt", "ignored");
  auto files = policysim::listPolicyDirectory(dir.path());
  ASSERT_TRUE(files.ok()) << files.status().toString();
  const policysim::PolicyFiles& f = files.value();
  ASSERT_EQ(f.identity.size(), 3U);
  EXPECT_EQ(fs::path(f.identity[0]).filename(), "c.json");
  EXPECT_EQ(fs::path(f.identity[1]).filename(), "a.json");
  EXPECT_EQ(fs::path(f.identity[2]).filename(), "b.json");
  ASSERT_EQ(f.scps.size(), 2U);
  EXPECT_EQ(fs::path(f.scps[0]).filename(), "10-root.json");
  EXPECT_EQ(fs::path(f.boundary).filename(), "boundary.json");
  EXPECT_EQ(fs::path(f.resource).filename(), "resource.json");
  EXPECT_EQ(fs::path(f.session).filename(), "session.json");

  auto set = policysim::loadPolicyDirectory(dir.path());
  ASSERT_TRUE(set.ok()) << set.status().toString();
  const policysim::Evaluation result = policysim::evaluate(set.value(), s3Request("s3:GetObject"));
  EXPECT_TRUE(result.allowed());
  // Policies are named relative to the directory.
  for (const auto& ref : result.decision.matchedStatements) {
    EXPECT_EQ(ref.policyName.find(dir.path()), std::string_view::npos) << ref.policyName;
  }
}

// rcp/ holds resource control policies (root first), vpce.json the VPC endpoint policy.
TEST(PolicyDirectory, ResourceControlAndEndpointPolicies) {
  TempDir dir;
  dir.write("identity/a.json", kAllowS3);
  dir.write("rcp/20-ou.json", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",)"
                              R"("Principal":"*","Action":"s3:DeleteObject","Resource":"*"}]})");
  dir.write("rcp/10-root.json", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                R"("Principal":"*","Action":"*","Resource":"*"}]})");
  dir.write("vpce.json", R"({"Statement":[{"Effect":"Allow","Principal":"*",)"
                         R"("Action":"s3:GetObject","Resource":"*"}]})");
  auto files = policysim::listPolicyDirectory(dir.path());
  ASSERT_TRUE(files.ok()) << files.status().toString();
  const policysim::PolicyFiles& f = files.value();
  ASSERT_EQ(f.identity.size(), 1U);
  ASSERT_EQ(f.rcps.size(), 2U);
  EXPECT_EQ(fs::path(f.rcps[0]).filename(), "10-root.json");
  EXPECT_EQ(fs::path(f.vpcEndpoint).filename(), "vpce.json");
  auto set = policysim::loadPolicyDirectory(dir.path());
  ASSERT_TRUE(set.ok()) << set.status().toString();
  auto request = [](const std::string& action, bool throughEndpoint) {
    policysim::RequestBuilder builder;
    builder.principal("arn:aws:iam::111122223333:user/alice")
        .action(action)
        .resource("arn:aws:s3:::b/k")
        .setString("aws:ResourceAccount", "111122223333");
    if (throughEndpoint) {
      builder.setString("aws:SourceVpce", "vpce-1a2b3c4d");
    }
    return builder.build().value();
  };
  EXPECT_TRUE(policysim::evaluate(set.value(), request("s3:GetObject", true)).allowed());
  EXPECT_EQ(policysim::evaluate(set.value(), request("s3:DeleteObject", false)).decision.kind,
            policysim::DecisionKind::ExplicitDeny);
  EXPECT_EQ(policysim::evaluate(set.value(), request("s3:PutObject", true)).decision.kind,
            policysim::DecisionKind::ImplicitDeny);
  EXPECT_TRUE(policysim::evaluate(set.value(), request("s3:PutObject", false)).allowed());
  // The management account's resources are not under RCPs.
  auto managed = policysim::RequestBuilder()
                     .principal("arn:aws:iam::111122223333:user/alice")
                     .action("s3:DeleteObject")
                     .resource("arn:aws:s3:::b/k")
                     .setString("aws:ResourceAccount", "111122223333")
                     .managementAccount("111122223333")
                     .build();
  ASSERT_TRUE(managed.ok());
  EXPECT_TRUE(policysim::evaluate(set.value(), managed.value()).allowed());
  EXPECT_FALSE(
      policysim::RequestBuilder().action("s3:GetObject").managementAccount("12").build().ok());
  // The builder holds one endpoint policy, like one resource policy.
  policysim::PolicySetBuilder builder;
  const std::string endpoint =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})";
  EXPECT_TRUE(builder.addPolicy(policysim::PolicyKind::VpcEndpoint, endpoint, "e1").ok());
  EXPECT_FALSE(builder.addPolicy(policysim::PolicyKind::VpcEndpoint, endpoint, "e2").ok());
}

TEST(PolicyDirectory, EmptyOrMissingDirectoryIsAnError) {
  TempDir dir;
  EXPECT_EQ(policysim::listPolicyDirectory(dir.path()).status().code(),
            policysim::StatusCode::InvalidArgument);
  EXPECT_EQ(policysim::listPolicyDirectory(dir.path() + "/missing").status().code(),
            policysim::StatusCode::NotFound);
}

// Something named like a policy that cannot be read as one fails the load, naming it: skipped,
// a deleted symlink target would silently take its statements (a Deny) out of the set.
TEST(PolicyDirectory, UnreadablePolicyEntriesAreErrors) {
  struct Case {
    const char* what;
    void (*make)(const fs::path& entry);
  };
  const Case cases[] = {
      {"dangling symlink",
       [](const fs::path& entry) { fs::create_symlink(entry.parent_path() / "gone", entry); }},
      {"directory", [](const fs::path& entry) { fs::create_directory(entry); }},
      {"FIFO", [](const fs::path& entry) { ASSERT_EQ(mkfifo(entry.c_str(), 0600), 0); }},
      {"symlink to a device",
       [](const fs::path& entry) { fs::create_symlink("/dev/null", entry); }},
  };
  for (const Case& c : cases) {
    for (const char* name : {"deny.json", "identity/deny.json", "scp/10-root.json"}) {
      TempDir dir;
      dir.write("allow.json", kAllowS3);
      fs::create_directories((fs::path(dir.path()) / name).parent_path());
      c.make(fs::path(dir.path()) / name);
      const auto files = policysim::listPolicyDirectory(dir.path());
      ASSERT_FALSE(files.ok()) << c.what << " " << name;
      EXPECT_NE(files.status().toString().find(name), std::string::npos)
          << files.status().toString();
      EXPECT_FALSE(policysim::loadPolicyDirectory(dir.path()).ok()) << c.what << " " << name;
    }
  }
}

TEST(PolicyDirectory, SymlinkToAPolicyFileIsRead) {
  TempDir dir;
  dir.write("targets/deny.json", kDenyDelete);
  dir.write("allow.json", kAllowS3);
  fs::create_directories(fs::path(dir.path()) / "identity");
  fs::create_symlink(fs::path(dir.path()) / "targets/deny.json",
                     fs::path(dir.path()) / "identity/deny.json");
  auto set = policysim::loadPolicyDirectory(dir.path());
  ASSERT_TRUE(set.ok()) << set.status().toString();
  EXPECT_FALSE(policysim::evaluate(set.value(), s3Request("s3:DeleteObject")).allowed());
}

TEST(PolicyDirectory, RoleDirectoryThatIsNoDirectoryIsAnError) {
  for (const char* sub : {"identity", "scp"}) {
    TempDir dir;
    dir.write("allow.json", kAllowS3);
    fs::create_symlink(fs::path(dir.path()) / "gone", fs::path(dir.path()) / sub);
    const auto files = policysim::listPolicyDirectory(dir.path());
    ASSERT_FALSE(files.ok()) << sub;
    EXPECT_NE(files.status().toString().find(sub), std::string::npos) << files.status().toString();
  }
}

TEST(PolicyDirectory, InvalidPolicyNamesTheFile) {
  TempDir dir;
  dir.write("good.json", kAllowS3);
  dir.write("identity/broken.json", R"({"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]})");
  auto set = policysim::loadPolicyDirectory(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().toString().find("identity/broken.json"), std::string::npos)
      << set.status().toString();
}

}  // namespace
