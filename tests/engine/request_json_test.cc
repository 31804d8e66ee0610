#include "engine/request_json.h"

#include <gtest/gtest.h>

namespace {

using namespace policysim::engine;

TEST(RequestJson, ReadsOwnShapeWithTypedValues) {
  auto result = parseRequests(
      R"({"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",)"
      R"("context":{"aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":300,"aws:TagKeys":["a","b"]}})",
      "r.json");
  ASSERT_TRUE(result.ok()) << result.status().toString();
  ASSERT_EQ(result.value().size(), 1U);
  const Request& r = result.value()[0];
  EXPECT_EQ(r.action, "s3:GetObject");
  const ContextValue* mfa = r.findContext("AWS:multifactorauthpresent");
  ASSERT_NE(mfa, nullptr);
  EXPECT_EQ(mfa->type, ContextValue::Type::Bool);
  EXPECT_EQ(mfa->values[0], "true");
  const ContextValue* tags = r.findContext("aws:TagKeys");
  ASSERT_NE(tags, nullptr);
  EXPECT_TRUE(tags->multivalued);
  EXPECT_EQ(tags->values.size(), 2U);
  EXPECT_EQ(r.findContext("aws:MultiFactorAuthAge")->values[0], "300");
}

TEST(RequestJson, ResourceDefaultsToStar) {
  auto result = parseRequests(R"({"action":"s3:ListAllMyBuckets"})", "r.json");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value()[0].resource, "*");
  EXPECT_TRUE(result.value()[0].principal.empty());
}

TEST(RequestJson, ReadsSimulateCustomPolicyShape) {
  auto result = parseRequests(
      R"({"ActionNames":["s3:GetObject","s3:PutObject"],"ResourceArns":["arn:aws:s3:::b/k"],)"
      R"("CallerArn":"arn:aws:iam::1:user/a","ContextEntries":[)"
      R"({"ContextKeyName":"aws:MultiFactorAuthPresent","ContextKeyValues":["true"],"ContextKeyType":"boolean"},)"
      R"({"ContextKeyName":"aws:TagKeys","ContextKeyValues":["a"],"ContextKeyType":"stringList"}]})",
      "aws.json");
  ASSERT_TRUE(result.ok()) << result.status().toString();
  ASSERT_EQ(result.value().size(), 2U);
  EXPECT_EQ(result.value()[1].action, "s3:PutObject");
  EXPECT_EQ(result.value()[0].principal, "arn:aws:iam::1:user/a");
  EXPECT_FALSE(result.value()[0].findContext("aws:MultiFactorAuthPresent")->multivalued);
  EXPECT_TRUE(result.value()[0].findContext("aws:TagKeys")->multivalued);
}

TEST(RequestJson, RejectsBadInputWithPosition) {
  struct Row {
    const char* json;
    std::size_t column;
    const char* part;
  } rows[] = {
      {R"({"action":"s3:GetObject","Context":{}})", 26, "unknown request field"},
      {R"({"resource":"*"})", 1, "no \"action\""},
      {R"({"action":"GetObject"})", 1, "service:Action"},
      {R"({"action":"s3:Get","context":{"aws:username":"a","AWS:UserName":"b"}})", 50, "twice"},
      {R"({"action":"s3:Get","context":{"k":{"a":1}}})", 35, "must be a string"},
      {R"({"ActionNames":["s3:Get"],"ContextEntries":[{"ContextKeyName":"k","ContextKeyValues":["x"],"ContextKeyType":"numeric"}]})",
       87, "not a number"},
      {R"({"action":"s3:Get",})", 20, "invalid JSON"},
  };
  for (const Row& row : rows) {
    auto result = parseRequests(row.json, "r.json");
    ASSERT_FALSE(result.ok()) << row.json;
    EXPECT_EQ(result.status().location().column, row.column) << result.status().toString();
    EXPECT_NE(result.status().message().find(row.part), std::string::npos)
        << result.status().toString();
  }
}

}  // namespace
