// The two questions the resource rules ask of a Resource value and an ARN format of the service
// data (lint/internal/arn_patterns.h): could the value name a resource of the format, and does
// it name every resource of the format.
#include "lint/internal/arn_patterns.h"

#include <gtest/gtest.h>

#include <string_view>

namespace {

using namespace policysim::lint::internal;

constexpr std::string_view kBucket = "arn:${Partition}:s3:::${BucketName}";
constexpr std::string_view kObject = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
constexpr std::string_view kRole = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
constexpr std::string_view kFunction =
    "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
constexpr std::string_view kInstance =
    "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}";

bool may(std::string_view resource, std::string_view format) {
  return mayName(resourceTokens(resource), formatTokens(format));
}

bool every(std::string_view resource, std::string_view format) {
  return namesEvery(resourceTokens(resource, true), formatTokens(format));
}

TEST(ArnPatterns, MayNameReadsWildcardsGenerously) {
  EXPECT_TRUE(may("arn:aws:s3:::app-data", kBucket));
  EXPECT_TRUE(may("arn:aws:s3:::app-*", kBucket));
  EXPECT_TRUE(may("arn:aws:s3:::app-*", kObject));  // the trailing star may hold "/key"
  EXPECT_TRUE(may("arn:aws:s3:::*/*", kObject));
  EXPECT_TRUE(may("*", kRole));
  EXPECT_TRUE(may("arn:aws:iam::*:role/${aws:username}", kRole));
  // The last placeholder of a format may hold ':' (a qualified Lambda function).
  EXPECT_TRUE(may("arn:aws:lambda:eu-west-1:111122223333:function:app:live", kFunction));
  // A '*' in a format is any text.
  EXPECT_TRUE(
      may("arn:aws:artifact:::agreement/agreement-123", "arn:${Partition}:artifact:::agreement/*"));
  EXPECT_TRUE(every("arn:aws:artifact:::agreement/*", "arn:${Partition}:artifact:::agreement/*"));
}

TEST(ArnPatterns, MayNameRejectsWhatCannotMatch) {
  // A bucket name holds no '/': an object pattern names no bucket.
  EXPECT_FALSE(may("arn:aws:s3:::app-data/*", kBucket));
  EXPECT_FALSE(may("arn:aws:s3:::app-data", kObject));
  EXPECT_FALSE(may("arn:aws:dynamodb:*:*:table/orders", kObject));
  // Instances have a region: an empty region field names none.
  EXPECT_FALSE(may("arn:aws:ec2::111122223333:instance/*", kInstance));
  // A wildcard in the first five fields stays in its field.
  EXPECT_FALSE(may("arn:*:ssm:*:*:session/*", "arn:${Partition}:ssmmessages:${Rest}"));
  EXPECT_FALSE(may("arn:aws:lambda:*:*:function:app", kInstance));
}

TEST(ArnPatterns, NamesEveryNeedsAStarForEachPlaceholder) {
  EXPECT_TRUE(every("arn:*:cloudtrail:*:*:trail/*",
                    "arn:${Partition}:cloudtrail:${Region}:${Account}:trail/${TrailName}"));
  EXPECT_TRUE(every("arn:aws:s3:::*", kObject));  // a literal partition counts as all
  EXPECT_TRUE(every("arn:aws:s3:::*", kBucket));
  EXPECT_TRUE(every("arn:aws:iam::*:role/*", kRole));
  EXPECT_TRUE(every("arn:aws:s3*", kObject));
  EXPECT_FALSE(every("arn:aws:iam::111122223333:role/*", kRole));
  EXPECT_FALSE(every("arn:aws:s3:::app-*", kBucket));
  EXPECT_FALSE(every("arn:aws:iam::*:role/${aws:PrincipalTag/team}-*", kRole));
  EXPECT_FALSE(every("arn:aws:ec2:?:*:instance/*", kInstance));  // '?' is one character
}

}  // namespace
