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

// The simulate-custom-policy input in full: the policies it carries come back with the
// requests, named after the file; ResourceOwner owns the resources whose ARN names no account.
TEST(RequestJson, SimulateCustomPolicyInputCarriesPolicies) {
  const std::string allow =
      R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]})";
  auto file = parseRequestFile(
      R"({"ActionNames":["s3:GetObject","sqs:SendMessage"],)"
      R"("ResourceArns":["arn:aws:s3:::b/k","arn:aws:sqs:us-east-1:444455556666:q"],)"
      R"("CallerArn":"arn:aws:iam::111122223333:user/alice",)"
      R"("ResourceOwner":"arn:aws:iam::111122223333:root",)"
      R"("ResourceHandlingOption":"EC2-VPC-InstanceStore",)"
      R"("PolicyInputList":[")" +
          allow + R"(",")" + allow +
          R"("],)"
          R"("PermissionsBoundaryPolicyInputList":[")" +
          allow +
          R"("],)"
          R"("ResourcePolicy":")" +
          allow + R"("})",
      "sim.json");
  ASSERT_TRUE(file.ok()) << file.status().toString();
  const RequestFile& f = file.value();
  ASSERT_EQ(f.requests.size(), 4U);
  ASSERT_EQ(f.policies.identity.size(), 2U);
  EXPECT_EQ(f.policies.identity[1].name, "sim.json:PolicyInputList.2");
  ASSERT_TRUE(f.policies.boundary.has_value());
  EXPECT_EQ(f.policies.boundary->name, "sim.json:PermissionsBoundaryPolicyInputList.1");
  ASSERT_TRUE(f.policies.resource.has_value());
  EXPECT_EQ(f.policies.resource->name, "sim.json:ResourcePolicy");
  EXPECT_NE(f.policies.resource->json.find("\"Allow\""), std::string::npos);
  // The S3 object's ARN names no account: ResourceOwner's is its account. The queue names its
  // own account, which stays.
  const ContextValue* owner = f.requests[0].findContext("aws:ResourceAccount");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->values, std::vector<std::string>{"111122223333"});
  EXPECT_EQ(f.requests[1].findContext("aws:ResourceAccount"), nullptr);
  // parseRequests reads the same requests.
  auto requests =
      parseRequests(R"({"ActionNames":["s3:GetObject"],"ResourceArns":["arn:aws:s3:::b/k"],)"
                    R"("ResourceOwner":"111122223333"})",
                    "sim.json");
  ASSERT_TRUE(requests.ok()) << requests.status().toString();
  EXPECT_NE(requests.value()[0].findContext("aws:ResourceAccount"), nullptr);
}

TEST(RequestJson, SimulateCustomPolicyInputRules) {
  const std::string allow =
      R"({\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]})";
  // A resource policy needs a caller (AWS: CallerArn is required with a ResourcePolicy).
  EXPECT_FALSE(
      parseRequestFile(R"({"ActionNames":["s3:GetObject"],"ResourcePolicy":")" + allow + R"("})",
                       "sim.json")
          .ok());
  // At most one permissions boundary.
  EXPECT_FALSE(parseRequestFile(R"({"ActionNames":["s3:GetObject"],)"
                                R"("PermissionsBoundaryPolicyInputList":[")" +
                                    allow + R"(",")" + allow + R"("]})",
                                "sim.json")
                   .ok());
  for (const char* owner : {R"("me")", R"("arn:aws:iam::1111:root")", "5"}) {
    EXPECT_FALSE(
        parseRequestFile(
            std::string(R"({"ActionNames":["s3:GetObject"],"ResourceOwner":)") + owner + "}",
            "sim.json")
            .ok())
        << owner;
  }
  EXPECT_FALSE(
      parseRequestFile(R"({"ActionNames":["s3:GetObject"],"PolicyInputList":[{}]})", "sim.json")
          .ok());
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

// RequestParser must give exactly parseRequests' result: same request, same errors.
TEST(RequestParser, AgreesWithParseRequestsOnEveryShape) {
  const char* inputs[] = {
      R"({"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",)"
      R"("context":{"aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":300,"aws:TagKeys":["a","b"],"k":[]}})",
      R"({"action":"s3:ListAllMyBuckets"})",
      R"({"context":{},"action":"s3:X","principal":""})",
      R"({"ActionNames":["s3:GetObject"],"ContextEntries":[]})",
      R"({"action":"s3:Get","context":{"aws:username":"a","AWS:UserName":"b"}})",
      R"({"action":"s3:Get","context":{"k":{"a":1}}})",
      R"({"action":"GetObject"})",
      R"({"action":"s3:Get","Context":{}})",
      R"({"action":"s3:Get","action":"s3:Put"})",
      R"({"action":"s3:Get","context":{"k":null}})",
      R"({"action":"s3:Get",})",
      R"([])",
      "",
  };
  RequestParser parser;
  Request reused;
  for (const char* input : inputs) {
    auto expected = parseRequests(input, "r.json");
    const Status status = parser.parse(input, "r.json", &reused);
    ASSERT_EQ(status.ok(), expected.ok() && expected.value().size() == 1) << input;
    if (!status.ok()) {
      if (!expected.ok()) {
        EXPECT_EQ(status.toString(), expected.status().toString()) << input;
      }
      continue;
    }
    const Request& want = expected.value().front();
    EXPECT_EQ(reused.principal, want.principal) << input;
    EXPECT_EQ(reused.action, want.action) << input;
    EXPECT_EQ(reused.resource, want.resource) << input;
    ASSERT_EQ(reused.contextSize(), want.contextSize()) << input;
    for (std::size_t i = 0; i < want.contextSize(); ++i) {
      EXPECT_EQ(reused.contextKey(i), want.contextKey(i));
      EXPECT_EQ(reused.contextValue(i).values, want.contextValue(i).values);
      EXPECT_EQ(reused.contextValue(i).multivalued, want.contextValue(i).multivalued);
      EXPECT_EQ(reused.contextValue(i).type, want.contextValue(i).type);
    }
  }
}

TEST(RequestParser, ReusedRequestForgetsEarlierKeys) {
  RequestParser parser;
  Request request;
  ASSERT_TRUE(parser
                  .parse(R"({"action":"s3:A","resource":"arn:aws:s3:::b","context":{"x":"1"}})",
                         "r", &request)
                  .ok());
  ASSERT_TRUE(parser.parse(R"({"action":"s3:B"})", "r", &request).ok());
  EXPECT_EQ(request.action, "s3:B");
  EXPECT_EQ(request.resource, "*");
  EXPECT_EQ(request.findContext("x"), nullptr);
  EXPECT_EQ(request.contextSize(), 0U);
}

TEST(RequestJson, RejectsTooManyContextKeys) {
  std::string json = R"({"action":"s3:A","context":{)";
  for (std::size_t i = 0; i <= kMaxContextKeys; ++i) {
    json += (i == 0 ? "\"k" : ",\"k") + std::to_string(i) + "\":1";
  }
  json += "}}";
  auto result = parseRequests(json, "r.json");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("more than"), std::string::npos);
}

// The AWS shape has the same per-request limits as policysim's own, with file positions.
TEST(RequestJson, AwsShapeRejectsTooManyValuesOrKeys) {
  std::string values;
  for (std::size_t i = 0; i <= kMaxValuesPerKey; ++i) {
    values += (i == 0 ? "\"v" : ",\"v") + std::to_string(i) + "\"";
  }
  const std::string prefix =
      R"({"ActionNames":["s3:A"],"ContextEntries":[{"ContextKeyName":"aws:TagKeys",)"
      R"("ContextKeyType":"stringList","ContextKeyValues":)";
  auto result = parseRequests(prefix + "[" + values + "]}]}", "r.json");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().location().column, prefix.size() + 1);
  EXPECT_NE(result.status().message().find("\"aws:TagKeys\" has more than 10000 values"),
            std::string::npos)
      << result.status().toString();

  std::string entries;
  for (std::size_t i = 0; i <= kMaxContextKeys; ++i) {
    entries += (i == 0 ? "" : ",") + std::string(R"({"ContextKeyName":"k)") + std::to_string(i) +
               R"(","ContextKeyValues":["v"],"ContextKeyType":"string"})";
  }
  const std::string head = R"({"ActionNames":["s3:A"],"ContextEntries":)";
  result = parseRequests(head + "[" + entries + "]}", "r.json");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().location().column, head.size() + 1);
  EXPECT_NE(result.status().message().find("more than 1000 keys"), std::string::npos)
      << result.status().toString();
}

// One request per action x resource: the count and the context copies are capped up front.
TEST(RequestJson, AwsShapeCapsTheExpansion) {
  auto list = [](const char* prefix, std::size_t n) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i) {
      out += (i == 0 ? "\"" : ",\"") + std::string(prefix) + std::to_string(i) + "\"";
    }
    return out + "]";
  };
  auto result = parseRequests(R"({"ActionNames":)" + list("s3:A", 100) + R"(,"ResourceArns":)" +
                                  list("arn:aws:s3:::b/", 100) + "}",
                              "r.json");
  ASSERT_TRUE(result.ok()) << result.status().toString();
  EXPECT_EQ(result.value().size(), kMaxExpandedRequests);
  result = parseRequests(R"({"ActionNames":)" + list("s3:A", 101) + R"(,"ResourceArns":)" +
                             list("arn:aws:s3:::b/", 100) + "}",
                         "r.json");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().location().column, 16U);  // the ActionNames array
  EXPECT_NE(result.status().message().find("101 actions x 100 resources = 10100 requests"),
            std::string::npos)
      << result.status().toString();

  // 3,000 copies of a 100 KB context are over 256 MiB; two are not.
  const std::string context = R"(,"ContextEntries":[{"ContextKeyName":"k","ContextKeyValues":[")" +
                              std::string(100000, 'a') + R"("],"ContextKeyType":"string"}]})";
  result = parseRequests(R"({"ActionNames":)" + list("s3:A", 2) + context, "r.json");
  EXPECT_TRUE(result.ok()) << result.status().toString();
  result = parseRequests(R"({"ActionNames":)" + list("s3:A", 3000) + context, "r.json");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("bytes of expanded context"), std::string::npos)
      << result.status().toString();
}

}  // namespace
