// checkPolicy across its units (lint/checker.cc): the order of findings that share a position
// (the report sorts by position only, so the pass order shows), and the edge cases of the
// primitives the rule units share: ASCII case-insensitive names and values, and the ARN
// service field of short wildcard patterns, which grammar::parseArn does not split.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "lint/config.h"
#include "lint/linter.h"

namespace {

using namespace policysim::analysis;
using namespace policysim::lint;

const Linter& linter() {
  static const Linter instance = [] {
    auto data = loadShippedIamData();
    if (!data.ok()) {
      ADD_FAILURE() << data.status().toString();
      std::abort();
    }
    return Linter(std::move(data).value(), LintConfig{});
  }();
  return instance;
}

std::string shippedVersion() { return linter().data().version(); }

// The findings of one policy as "ID message", in report order.
std::vector<std::string> findings(std::string_view policy) {
  const FileReport report = linter().lintText("p.json", "p.json", policy, true);
  std::vector<std::string> out;
  for (const Finding& f : report.findings) {
    out.push_back(std::string(f.rule->id) + " " + f.message);
  }
  return out;
}

std::vector<std::string> ids(std::string_view policy) {
  std::vector<std::string> out;
  for (const std::string& f : findings(policy)) {
    out.push_back(f.substr(0, f.find(' ')));
  }
  return out;
}

bool has(const std::vector<std::string>& list, std::string_view id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

TEST(LintChecker, DataAndMfaRulesInterleavePerConditionKey) {
  // Both findings sit on the StringEquals operator: the MFA rule of the first key comes before
  // the data rule of the second, as the keys are written.
  EXPECT_EQ(ids(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals":
      {"aws:MultiFactorAuthAge": "3600", "aws:TagKeys": "a"}}}]})"),
            (std::vector<std::string>{"PS405", "PS208"}));
  EXPECT_EQ(ids(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals":
      {"aws:TagKeys": "a", "aws:MultiFactorAuthAge": "3600"}}}]})"),
            (std::vector<std::string>{"PS208", "PS405"}));
}

TEST(LintChecker, MfaValuesAreReadIgnoringCase) {
  EXPECT_TRUE(has(ids(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": "s3:GetObject", "Resource": "*", "Condition": {"BoolIfExists":
      {"aws:MultiFactorAuthPresent": "TRUE"}}}]})"),
                  "PS402"));
  EXPECT_TRUE(has(ids(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
      "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool":
      {"aws:MultiFactorAuthPresent": "False"}}}]})"),
                  "PS401"));
}

TEST(LintChecker, ServicePrefixOfActionsIgnoresCaseForKeySupport) {
  // PS206 is live for a key of a service the statement has no action of...
  EXPECT_TRUE(has(ids(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": "ec2:DescribeInstances", "Resource": "*", "Condition": {"StringEquals":
      {"s3:prefix": "a"}}}]})"),
                  "PS206"));
  // ...and "S3:ListBucket" is an s3 action that carries s3:prefix.
  EXPECT_FALSE(has(ids(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": "S3:ListBucket", "Resource": "*", "Condition": {"StringEquals":
      {"s3:prefix": "a"}}}]})"),
                   "PS206"));
}

// The severity a rule has by default for one policy, or nullopt when it does not fire.
std::optional<LintSeverity> severityOf(std::string_view policy, std::string_view id) {
  const FileReport report = linter().lintText("p.json", "p.json", policy, true);
  for (const Finding& f : report.findings) {
    if (f.rule->id == id) {
      return f.severity;
    }
  }
  return std::nullopt;
}

TEST(LintChecker, PlainOperatorOnAMultivaluedKeyIsAWarningNotAnError) {
  // AWS accepts a plain operator on an ArrayOf key and documents what it does on EventBridge's
  // keys (a rule whose pattern has one detail-type matches); AWS managed policies use it. An
  // error would say AWS rejects it or it cannot work: neither holds, so PS208 is a warning.
  EXPECT_EQ(severityOf(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": "events:PutRule", "Resource": "*", "Condition": {"StringEquals":
      {"events:detail-type": "Security Hub Findings - Imported"}}}]})",
                       "PS208"),
            LintSeverity::Warning);
  EXPECT_EQ(severityOf(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"StringEquals":
      {"aws:TagKeys": "team"}}}]})",
                       "PS208"),
            LintSeverity::Warning);
}

// The messages of one rule's findings.
std::vector<std::string> messagesOf(std::string_view policy, std::string_view id) {
  std::vector<std::string> out;
  for (const std::string& f : findings(policy)) {
    if (f.rfind(std::string(id) + " ", 0) == 0) {
      out.push_back(f.substr(id.size() + 1));
    }
  }
  return out;
}

TEST(LintChecker, KeySupportIsUnknownForKeysTheDataLinksToNoAction) {
  // The data lists states:HTTPEndpoint for Step Functions but under no action or resource type
  // (AWS documents it for states:InvokeHTTPEndpoint): it cannot say which requests carry it.
  EXPECT_TRUE(messagesOf(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": "states:InvokeHTTPEndpoint", "Resource": "*", "Condition": {"StringEquals":
      {"states:HTTPEndpoint": "https://api.example.com/v1"}}}]})",
                         "PS206")
                  .empty());
}

TEST(LintChecker, KeySupportCountsActionsOfEveryServiceThatListsTheKey) {
  // iam:ResourceTag/${TagKey} is listed by IAM's resource types and by sts:AssumeRole: an
  // AssumeRole statement conditioned on the role's tag is not missing an iam action.
  EXPECT_TRUE(messagesOf(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*", "Condition":
      {"StringEquals": {"iam:ResourceTag/project": "${aws:PrincipalTag/project}"}}}]})",
                         "PS206")
                  .empty());
}

TEST(LintChecker, KeySupportNamesTheActionsThatCarryTheKey) {
  // The statement's own action is not offered as an example of support: the message names it
  // as lacking the key and names actions that have it.
  const std::vector<std::string> one = messagesOf(R"({"Version": "2012-10-17", "Statement": [{
      "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*", "Condition":
      {"StringEquals": {"s3:prefix": "home/"}}}]})",
                                                  "PS206");
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].rfind("s3:ListAllMyBuckets does not support \"s3:prefix\"", 0), 0U) << one[0];
  EXPECT_NE(one[0].find("actions that do: s3:ListBucket, s3:ListBucketVersions"), std::string::npos)
      << one[0];
  EXPECT_EQ(one[0].find("e.g. s3:ListAllMyBuckets"), std::string::npos) << one[0];

  const std::vector<std::string> other = messagesOf(R"({"Version": "2012-10-17", "Statement": [{
      "Effect": "Allow", "Action": ["ec2:DescribeInstances", "ec2:DescribeVolumes"],
      "Resource": "*", "Condition": {"StringEquals": {"s3:prefix": "home/"}}}]})",
                                                    "PS206");
  ASSERT_EQ(other.size(), 1U);
  EXPECT_EQ(other[0].rfind("none of the statement's actions (ec2:DescribeInstances, "
                           "ec2:DescribeVolumes) supports \"s3:prefix\"",
                           0),
            0U)
      << other[0];
}

TEST(LintChecker, SuggestionsIgnoreCase) {
  const std::vector<std::string> out = findings(R"({"Version": "2012-10-17", "Statement": [{
      "Effect": "Allow", "Action": "S3:GETOBJEKT", "Resource": "*"}]})");
  ASSERT_EQ(out.size(), 1U);
  EXPECT_NE(out[0].find("PS202 \"S3:GETOBJEKT\" is not an action of"), std::string::npos);
  EXPECT_NE(out[0].find("did you mean \"s3:GetObject\"?"), std::string::npos);
}

TEST(LintChecker, ResourceServiceFieldOfShortAndOddArns) {
  // Fewer than six fields but a trailing '*', and an empty partition: grammar::parseArn
  // rejects both, yet their service field is still judged.
  const std::vector<std::string> out = findings(R"({"Version": "2012-10-17", "Statement": [{
      "Effect": "Allow", "Action": "s3:GetObject",
      "Resource": ["arn:aws:S3*", "arn::IAM:::x", "arn:aws:s3*"]}]})");
  EXPECT_EQ(out, (std::vector<std::string>{
                     "PS113 the service field of \"arn:aws:S3*\" must be lower case (ARNs are "
                     "case-sensitive)",
                     "PS113 the service field of \"arn::IAM:::x\" must be lower case (ARNs are "
                     "case-sensitive)",
                     "PS308 Resource \"arn:aws:s3*\" names every resource of the types it can "
                     "name for the statement's actions: it is Resource \"*\" in effect (IAM data " +
                         shippedVersion() + ")",
                 }));
}

}  // namespace
