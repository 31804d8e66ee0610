// policysim lint adoption features at the library level: baseline fingerprints (stable under
// line moves, key reordering and reordering of statements with a Sid; changed by what the
// finding is about), baseline matching with counts and its file format; CloudFormation Metadata
// suppressions; get-account-authorization-details extraction, URL-encoded documents included.
#include "lint/baseline.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "analysis/iam_data.h"
#include "lint/linter.h"
#include "lint/sources.h"

namespace {

using namespace policysim::lint;  // NOLINT(google-build-using-namespace)

const Linter& linter() {
  static const Linter instance = [] {
    auto data = policysim::analysis::loadShippedIamData();
    if (!data.ok()) {
      ADD_FAILURE() << data.status().toString();
      std::abort();
    }
    return Linter(std::move(data).value(), LintConfig{});
  }();
  return instance;
}

FileReport lint(std::string_view text, std::string_view path = "p.json") {
  return linter().lintText(std::string(path), path, text, true);
}

const Finding* find(const FileReport& report, std::string_view rule) {
  for (const Finding& f : report.findings) {
    if (f.rule->id == rule) {
      return &f;
    }
  }
  return nullptr;
}

constexpr std::string_view kPolicy = R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjekt"], "Resource": "arn:aws:s3:::b/*"}
]})";

std::string fingerprintOf(const Finding& f, const FileReport& report) {
  return hashFingerprint(fingerprintParts(f, report.relativePath));
}

TEST(LintBaseline, FingerprintLeavesOutLinesAndOrder) {
  const FileReport before = lint(kPolicy);
  const FileReport after = lint(R"({
    "Statement": [


      {"Resource": "*", "Action": "*", "Effect": "Allow", "Sid": "Admin"},
      {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjekt"], "Resource": "arn:aws:s3:::b/*"}
    ],
    "Version": "2012-10-17"})");
  const Finding* a = find(before, "PS303");
  const Finding* b = find(after, "PS303");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->position.line, b->position.line);
  EXPECT_EQ(fingerprintOf(*a, before), fingerprintOf(*b, after));
  EXPECT_EQ(fingerprintOf(*a, before).size(), 16U);
}

TEST(LintBaseline, FingerprintParts) {
  const FileReport report = lint(kPolicy, "policies/p.json");
  const Finding* admin = find(report, "PS303");
  const Finding* typo = find(report, "PS202");
  ASSERT_NE(admin, nullptr);
  ASSERT_NE(typo, nullptr);
  const FingerprintParts adminParts = fingerprintParts(*admin, report.relativePath);
  EXPECT_EQ(adminParts.file, "policies/p.json");
  EXPECT_EQ(adminParts.statement, "Sid=Admin");
  EXPECT_EQ(adminParts.element, "Action");
  EXPECT_EQ(adminParts.subject, "*");
  const FingerprintParts typoParts = fingerprintParts(*typo, report.relativePath);
  EXPECT_EQ(typoParts.statement, "Statement[1]");
  EXPECT_EQ(typoParts.element, "Action");  // the index inside Action is left out
  EXPECT_EQ(typoParts.subject, "s3:GetObjekt");
  EXPECT_NE(hashFingerprint(typoParts), hashFingerprint(adminParts));
}

TEST(LintBaseline, FingerprintChangesWithWhatTheFindingIsAbout) {
  const FileReport first = lint(kPolicy);
  const Finding* a = find(first, "PS202");
  const FileReport other = lint(R"({"Version": "2012-10-17", "Statement": [
    {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObjekt"], "Resource": "arn:aws:s3:::b/*"}
  ]})");
  const Finding* b = find(other, "PS202");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(fingerprintOf(*a, first), fingerprintOf(*b, other));
  // Another file: another fingerprint.
  const FileReport elsewhere = lint(kPolicy, "other.json");
  const Finding* c = find(elsewhere, "PS202");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(fingerprintOf(*a, first), fingerprintOf(*c, elsewhere));
}

TEST(LintBaseline, WriteParseApplyWithCounts) {
  std::vector<FileReport> reports{lint(kPolicy)};
  const std::size_t total = reports[0].findings.size();
  ASSERT_GT(total, 1U);
  auto baseline = parseBaseline(writeBaseline(reports, "test"), "baseline.json");
  ASSERT_TRUE(baseline.ok()) << baseline.status().toString();
  EXPECT_EQ(applyBaseline(baseline.value(), &reports), total);
  for (const Finding& f : reports[0].findings) {
    EXPECT_TRUE(f.suppression.has_value());
    EXPECT_EQ(f.suppressionKind, SuppressionKind::Baseline);
    EXPECT_FALSE(f.blocking);
  }
  // The same findings twice in one run: the baseline had each once, so one copy is new.
  std::vector<FileReport> twice{lint(kPolicy), lint(kPolicy)};
  EXPECT_EQ(applyBaseline(baseline.value(), &twice), total);
  EXPECT_FALSE(twice[1].findings[0].suppression.has_value());
}

TEST(LintBaseline, MalformedBaselinesAreErrorsWithPositions) {
  for (const char* text : {"{", "[]", R"({"version": 2, "findings": []})", R"({"version": 1})",
                           R"({"version": 1, "findings": [{"fingerprint": "x"}]})"}) {
    auto parsed = parseBaseline(text, "b.json");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().location().file, "b.json");
    EXPECT_GT(parsed.status().location().line, 0U) << text;
  }
}

TEST(LintMetadata, ResourceSuppressionsApplyToThatResourceOnly) {
  const FileReport report = lint(R"(Resources:
  A:
    Type: AWS::IAM::ManagedPolicy
    Metadata:
      policysim:
        ignore:
          - {rule: PS303, reason: accepted}
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: "*", Resource: "*"}
  B:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: "*", Resource: "*"}
)",
                                 "t.yaml");
  int suppressed = 0;
  int open = 0;
  for (const Finding& f : report.findings) {
    if (f.rule->id != "PS303") {
      continue;
    }
    if (f.suppression.has_value()) {
      ++suppressed;
      EXPECT_EQ(*f.suppression, "accepted");
      EXPECT_EQ(f.suppressionKind, SuppressionKind::InSource);
      EXPECT_NE(f.policy.find("Resources.A."), std::string::npos);
    } else {
      ++open;
      EXPECT_NE(f.policy.find("Resources.B."), std::string::npos);
    }
  }
  EXPECT_EQ(suppressed, 1);
  EXPECT_EQ(open, 1);
}

TEST(LintMetadata, SidNarrowsAndReasonIsRequired) {
  const FileReport report = lint(R"(Resources:
  A:
    Type: AWS::IAM::ManagedPolicy
    Metadata:
      policysim:
        ignore:
          - {rule: PS303, reason: accepted, sid: One}
          - {rule: PS304}
    Properties:
      PolicyDocument:
        Statement:
          - {Sid: One, Effect: Allow, Action: "*", Resource: "*"}
          - {Sid: Two, Effect: Allow, Action: "*", Resource: "*"}
)",
                                 "t.yaml");
  int suppressed = 0;
  bool missingReason = false;
  for (const Finding& f : report.findings) {
    if (f.rule->id == "PS303" && f.suppression.has_value()) {
      ++suppressed;
      EXPECT_EQ(f.sid, "One");
    }
    if (f.rule->id == "PS304") {
      EXPECT_FALSE(f.suppression.has_value());
    }
    if (f.rule->id == "PS100" && f.message.find("needs a \"reason\"") != std::string::npos) {
      missingReason = true;
      EXPECT_EQ(f.position.line, 8U);
    }
  }
  EXPECT_EQ(suppressed, 1);
  EXPECT_TRUE(missingReason);
}

TEST(LintMetadata, JsonTemplatesAndTemplateWideMetadata) {
  const FileReport report = lint(R"({"AWSTemplateFormatVersion": "2010-09-09",
  "Metadata": {"policysim": {"ignore": [{"rule": "PS304", "reason": "sandbox"}]}},
  "Resources": {"A": {"Type": "AWS::IAM::ManagedPolicy",
    "Metadata": {"checkov": {"skip": [{"id": "PS303", "comment": "named by policysim id"}]}},
    "Properties": {"PolicyDocument": {"Statement": [
      {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}}})",
                                 "t.json");
  int suppressed = 0;
  for (const Finding& f : report.findings) {
    if (f.rule->id == "PS303") {
      EXPECT_EQ(f.suppression.value_or(""), "named by policysim id");
      ++suppressed;
    }
    if (f.rule->id == "PS304") {
      EXPECT_EQ(f.suppression.value_or(""), "sandbox");
      ++suppressed;
    }
  }
  EXPECT_EQ(suppressed, 2);
}

TEST(LintAuthorizationDetails, EveryPolicyWithItsPrincipal) {
  const std::string encoded =
      "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22"
      "%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
  const std::string text = R"({
  "UserDetailList": [{"UserName": "u", "UserPolicyList": [{"PolicyName": "enc", "PolicyDocument": ")" +
                           encoded + R"("}],
    "AttachedManagedPolicies": [{"PolicyName": "M", "PolicyArn": "arn:aws:iam::111122223333:policy/M"}]}],
  "GroupDetailList": [{"GroupName": "g", "GroupPolicyList": []}],
  "RoleDetailList": [{"RoleName": "r", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
    "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}]}],
  "Policies": [{"PolicyName": "M", "Arn": "arn:aws:iam::111122223333:policy/M", "PolicyVersionList": [
    {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}},
    {"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}]
})";
  const SourceFile source = loadSource("account.json", text, SourceOptions{});
  ASSERT_TRUE(source.recognized);
  EXPECT_EQ(source.format, InputFormat::AuthorizationDetails);
  EXPECT_TRUE(source.problems.empty());
  std::vector<std::string> labels;
  for (const PolicyInput& p : source.policies) {
    labels.push_back(p.label);
  }
  const std::vector<std::string> expected{
      "user u: inline policy enc", "role r: trust policy", "role r: inline policy p",
      "managed policy arn:aws:iam::111122223333:policy/M version v2 (default)",
      "managed policy arn:aws:iam::111122223333:policy/M version v1 (not the default version)"};
  EXPECT_EQ(labels, expected);
  EXPECT_EQ(source.policies[1].type, PolicyType::Trust);
  EXPECT_EQ(source.policies[4].note, "attached to user u");

  const FileReport report = lint(text, "account.json");
  const Finding* encodedAdmin = nullptr;
  for (const Finding& f : report.findings) {
    if (f.rule->id == "PS303" && f.policy == "user u: inline policy enc") {
      encodedAdmin = &f;
    }
  }
  ASSERT_NE(encodedAdmin, nullptr);
  // The position is that of the encoded Action value ("%22%2A%22") in the file.
  const std::size_t lineStart = text.find('\n') + 1;
  const std::size_t value = text.find("%22%2A%22");
  EXPECT_EQ(encodedAdmin->position.line, 2U);
  EXPECT_EQ(encodedAdmin->position.column, value - lineStart + 1);
}

}  // namespace
