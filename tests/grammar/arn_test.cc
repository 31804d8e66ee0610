#include "grammar/arn.h"

#include <gtest/gtest.h>

#include <string>

namespace policysim::grammar {
namespace {

struct GoodArn {
  std::string input;
  std::string partition;
  std::string service;
  std::string region;
  std::string account;
  std::string resource;
};

struct BadArn {
  std::string input;
  std::size_t offset;
  std::string expected;
};

TEST(ArnGrammar, SplitsTheSixFields) {
  const GoodArn rows[] = {
      {"arn:aws:s3:::my-bucket/key", "aws", "s3", "", "", "my-bucket/key"},
      {"arn:aws:iam::123456789012:user/alice", "aws", "iam", "", "123456789012", "user/alice"},
      {"arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-1", "aws-cn", "ec2", "cn-north-1",
       "123456789012", "instance/i-1"},
      {"arn:aws-us-gov:sns:us-gov-west-1:1:topic", "aws-us-gov", "sns", "us-gov-west-1", "1",
       "topic"},
      {"arn:aws:s3:::", "aws", "s3", "", "", ""},
      {"arn:p:s:r:a:r", "p", "s", "r", "a", "r"},
  };
  for (const auto& row : rows) {
    auto result = parseArn(row.input);
    ASSERT_TRUE(result.ok()) << row.input << ": expected " << result.expected();
    const Arn& arn = result.value();
    EXPECT_EQ(arn.partition, row.partition) << row.input;
    EXPECT_EQ(arn.service, row.service) << row.input;
    EXPECT_EQ(arn.region, row.region) << row.input;
    EXPECT_EQ(arn.account, row.account) << row.input;
    EXPECT_EQ(arn.resource, row.resource) << row.input;
  }
}

TEST(ArnGrammar, KeepsColonsAndSlashesInTheResource) {
  const GoodArn rows[] = {
      {"arn:aws:logs:us-east-1:123:log-group:/aws/lambda/f:*", "aws", "logs", "us-east-1", "123",
       "log-group:/aws/lambda/f:*"},
      {"arn:aws:ecs:us-east-1:1:task/c/t:::", "aws", "ecs", "us-east-1", "1", "task/c/t:::"},
      {"arn:aws:s3:::a:b:c:d", "aws", "s3", "", "", "a:b:c:d"},
  };
  for (const auto& row : rows) {
    auto result = parseArn(row.input);
    ASSERT_TRUE(result.ok()) << row.input;
    EXPECT_EQ(result.value().resource, row.resource) << row.input;
  }
}

TEST(ArnGrammar, AcceptsWildcardsAsOrdinaryCharacters) {
  const GoodArn rows[] = {
      {"arn:*:s3:::*", "*", "s3", "", "", "*"},
      {"arn:aws:*:*:*:*", "aws", "*", "*", "*", "*"},
      {"arn:aws:s3:::bucket-?a?/*", "aws", "s3", "", "", "bucket-?a?/*"},
  };
  for (const auto& row : rows) {
    auto result = parseArn(row.input);
    ASSERT_TRUE(result.ok()) << row.input;
    EXPECT_EQ(result.value().partition, row.partition) << row.input;
    EXPECT_EQ(result.value().service, row.service) << row.input;
    EXPECT_EQ(result.value().region, row.region) << row.input;
    EXPECT_EQ(result.value().account, row.account) << row.input;
    EXPECT_EQ(result.value().resource, row.resource) << row.input;
  }
}

TEST(ArnGrammar, FieldsAreViewsIntoTheInput) {
  const std::string input = "arn:aws:s3:::bucket";
  auto result = parseArn(input);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().resource.data(), input.data() + 13);
}

TEST(ArnGrammar, RejectsMissingOrEmptyFieldsAtTheOffendingCharacter) {
  const BadArn rows[] = {
      {"", 0, "'arn:'"},
      {"arn", 0, "'arn:'"},
      {"ARN:aws:s3:::b", 0, "'arn:'"},
      {" arn:aws:s3:::b", 0, "'arn:'"},
      {"aws:s3:::b", 0, "'arn:'"},
      {"arn:", 4, "a partition"},
      {"arn::s3:::b", 4, "a partition"},
      {"arn:aws", 7, "':' after the partition"},
      {"arn:aws:", 8, "a service"},
      {"arn:aws::::b", 8, "a service"},
      {"arn:aws:s3", 10, "':' after the service"},
      {"arn:aws:s3:us-east-1", 20, "':' after the region"},
      {"arn:aws:s3::", 12, "':' after the account"},
      {"arn:aws:iam::123456789012", 25, "':' after the account"},
  };
  for (const auto& row : rows) {
    auto result = parseArn(row.input);
    ASSERT_FALSE(result.ok()) << row.input;
    EXPECT_EQ(result.errorOffset(), row.offset) << row.input;
    EXPECT_EQ(result.expected(), row.expected) << row.input;
  }
}

TEST(ArnGrammar, HandlesOverlongInput) {
  const std::string longResource(100000, 'x');
  auto good = parseArn("arn:aws:s3:::" + longResource);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value().resource.size(), longResource.size());

  const std::string noColons = "arn:" + longResource;
  auto bad = parseArn(noColons);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.errorOffset(), noColons.size());
  EXPECT_EQ(bad.expected(), "':' after the partition");
}

}  // namespace
}  // namespace policysim::grammar
