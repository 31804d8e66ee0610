// Policy types beyond identity/resource/trust (lint/policy_types.cc, lint/type_rules.cc): the
// inference table (documents -> the type their content determines), the RCP grammar, VPC
// endpoint policies that only restrict, the one-service resource policies (KMS, SQS, SNS,
// EventBridge...), the size quotas per type, and the CloudFormation and Terraform resource
// types that carry each (tests/lint/fixtures/{cfn,tf}_policy_types.*).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "analysis/iam_data.h"
#include "engine/policy.h"
#include "lint/config.h"
#include "lint/linter.h"
#include "lint/rules.h"
#include "lint/sources.h"

namespace {

namespace fs = std::filesystem;
using namespace policysim::analysis;
using namespace policysim::lint;

const Linter& linterOf(std::optional<PolicyType> type) {
  static std::map<int, std::unique_ptr<Linter>> linters;
  static std::mutex mutex;
  static const std::shared_ptr<const IamData> data = [] {
    auto result = loadShippedIamData();
    if (!result.ok()) {
      ADD_FAILURE() << result.status().toString();
      std::abort();
    }
    return std::move(result).value();
  }();
  const std::lock_guard<std::mutex> lock(mutex);
  auto& slot = linters[type.has_value() ? static_cast<int>(*type) : -1];
  if (!slot) {
    LintConfig config;
    if (type.has_value()) {
      config.policyTypes.push_back(PolicyTypeEntry{"**", *type});
    }
    slot = std::make_unique<Linter>(data, config);
  }
  return *slot;
}

FileReport lint(std::string_view text, std::optional<PolicyType> type = std::nullopt,
                std::string name = "p.json") {
  return linterOf(type).lintText(name, name, text, true);
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const Finding* findRule(const FileReport& report, std::string_view id) {
  const auto it = std::find_if(report.findings.begin(), report.findings.end(),
                               [&](const Finding& f) { return f.rule->id == id; });
  return it == report.findings.end() ? nullptr : &*it;
}

bool hasRule(const FileReport& report, std::string_view id) {
  return findRule(report, id) != nullptr;
}

bool hasError(const FileReport& report) {
  return std::any_of(report.findings.begin(), report.findings.end(),
                     [](const Finding& f) { return f.severity == LintSeverity::Error; });
}

std::string describe(const FileReport& report) {
  std::string out;
  for (const Finding& f : report.findings) {
    out += std::to_string(f.position.line) + ":" + std::to_string(f.position.column) + " " +
           std::string(f.rule->id) + " " + f.message + " [" + f.policy + " " + f.path + "]\n";
  }
  return out;
}

const fs::path kFixtures = fs::path(POLICYSIM_LINT_TEST_DIR) / "fixtures";

// ---------------------------------------------------------------------------------------------
// Names

TEST(PolicyTypes, EveryNameParsesBackAndTheConfigAcceptsIt) {
  const std::string names = policyTypeNames();
  for (const char* name : {"identity",
                           "resource",
                           "trust",
                           "scp",
                           "boundary",
                           "session",
                           "rcp",
                           "vpc-endpoint",
                           "eventbridge-bus",
                           "logs-resource",
                           "s3-access-point",
                           "sqs-queue",
                           "sns-topic",
                           "kms-key",
                           "ecr-repository",
                           "lambda-function",
                           "secretsmanager-secret",
                           "s3-bucket",
                           "dynamodb-table",
                           "apigateway-rest-api",
                           "backup-vault",
                           "glacier-vault",
                           "efs-file-system",
                           "codeartifact",
                           "glue-catalog",
                           "opensearch-domain"}) {
    const std::optional<PolicyType> type = parsePolicyType(name);
    ASSERT_TRUE(type.has_value()) << name;
    EXPECT_STREQ(policyTypeName(*type), name);
    EXPECT_NE(names.find(name), std::string::npos) << name;
    const std::string config =
        std::string(R"({"policyTypes": [{"path": "rcp/**", "type": ")") + name + "\"}]}";
    auto parsed = parseLintConfig(config, ".policysim.json");
    ASSERT_TRUE(parsed.ok()) << parsed.status().toString();
    EXPECT_EQ(parsed.value().policyTypes[0].type, *type);
  }
  EXPECT_FALSE(parsePolicyType("vpce").has_value());
  auto bad = parseLintConfig(R"({"policyTypes": [{"path": "x", "type": "vpce"}]})", "c.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("vpc-endpoint"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Inference: what the content determines, and the neutral type when it does not

struct InferenceRow {
  const char* what;
  const char* document;
  PolicyType expected;
};

TEST(PolicyTypes, InferenceTable) {
  const InferenceRow rows[] = {
      {"identity policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Action":"s3:GetObject","Resource":"*"}]})",
       PolicyType::Identity},
      {"role trust policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]})",
       PolicyType::Trust},
      // AWS's data-perimeter RCP on session tags: Principal "*" and sts:TagSession, but a
      // Resource, which trust policies cannot have.
      {"RCP of sts:TagSession", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "Principal":"*","Action":"sts:TagSession","Resource":"*","Condition":{
        "StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},
        "BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]})",
       PolicyType::Resource},
      // Could be an RCP or a bucket policy: neutral.
      {"RCP: Deny s3:* to Principal *", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{
        "aws:SecureTransport":"false"}}}]})",
       PolicyType::Resource},
      {"AWS's default VPC endpoint policy", R"({"Statement":[{"Effect":"Allow","Principal":"*",
        "Action":"*","Resource":"*"}]})",
       PolicyType::Resource},
      {"RCPFullAWSAccess", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":"*","Action":"*","Resource":"*"}]})",
       PolicyType::Resource},
      // These three read the same as a resource policy that makes everything public: they stay
      // resource-based (security findings stand) until their type is declared.
      // RCPFullAWSAccess with a Deny attached beside it (or an endpoint policy with one).
      {"allow-all and a Deny", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*",
        "Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{
        "aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]})",
       PolicyType::Resource},
      // An Allow beside it that is not the allow-all form: could be a public resource policy.
      {"allow-all and a narrower Allow", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":"*","Action":"*","Resource":"*"},{"Effect":"Allow","Principal":"*",
        "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
       PolicyType::Resource},
      {"EventBridge bus policy", R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowPartner",
        "Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
        "Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:444455556666:event-bus/app"}]})",
       PolicyType::EventBus},
      {"KMS key policy", R"({"Version":"2012-10-17","Id":"key-default-1","Statement":[{
        "Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{
        "AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]})",
       PolicyType::KmsKey},
      {"SQS queue policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage",
        "Resource":"arn:aws:sqs:us-east-1:111122223333:q"}]})",
       PolicyType::SqsQueue},
      {"bucket policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject",
        "Resource":"arn:aws:s3:::b/*"}]})",
       PolicyType::Resource},
      {"two services", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
        "Action":["kms:Decrypt","sqs:ReceiveMessage"],"Resource":"*"}]})",
       PolicyType::Resource},
      {"sts:AssumeRole with a Resource (an STS endpoint policy?)", R"({"Version":"2012-10-17",
        "Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole",
        "Resource":"arn:aws:iam::444455556666:role/deploy"}]})",
       PolicyType::Resource},  // One service with a resource policy type of its own: that type
                               // (round 2 of issue 16).
      {"DynamoDB table policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:role/r"},"Action":["dynamodb:GetItem",
        "dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:444455556666:table/orders"}]})",
       PolicyType::DynamoDbTable},
      {"API Gateway resource policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/*",
        "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0abc1234"}}}]})",
       PolicyType::ApiGatewayRestApi},
      {"Backup vault policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"*"}]})",
       PolicyType::BackupVault},
      {"Glacier vault policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "Principal":"*","Action":"glacier:DeleteArchive","Resource":
        "arn:aws:glacier:us-east-1:444455556666:vaults/archive"}]})",
       PolicyType::GlacierVault},
      {"EFS file system policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"*"},"Action":["elasticfilesystem:ClientMount"],"Condition":{
        "Bool":{"elasticfilesystem:AccessedViaMountTarget":"true"}}}]})",
       PolicyType::EfsFileSystem},
      {"CodeArtifact policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"111122223333"},"Action":"codeartifact:ReadFromRepository",
        "Resource":"*"}]})",
       PolicyType::CodeArtifact},
      {"Glue catalog policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"111122223333"},"Action":"glue:GetTable","Resource":
        "arn:aws:glue:us-east-1:444455556666:table/sales/*"}]})",
       PolicyType::GlueCatalog},
      {"OpenSearch domain policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:role/search"},"Action":"es:ESHttp*",
        "Resource":"arn:aws:es:us-east-1:444455556666:domain/logs/*"}]})",
       PolicyType::OpenSearchDomain},
      {"CloudWatch Logs delivery policy", R"({"Version":"2012-10-17","Statement":[{
        "Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},"Action":[
        "logs:CreateLogStream","logs:PutLogEvents"],"Resource":
        "arn:aws:logs:us-east-1:444455556666:log-group:/aws/route53/*"}]})",
       PolicyType::LogsResource},
      // A subscription destination's policy is another kind: not held to the Logs resource
      // policy's two actions.
      {"Logs destination policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"111122223333"},"Action":"logs:PutSubscriptionFilter","Resource":
        "arn:aws:logs:us-east-1:444455556666:destination:central"}]})",
       PolicyType::Resource},
      // Two services, each with a type of its own: neither.
      {"two of the new services", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
        "Principal":"*","Action":["dynamodb:DeleteTable","backup:DeleteRecoveryPoint"],
        "Resource":"*"}]})",
       PolicyType::Resource},
  };
  for (const InferenceRow& row : rows) {
    const SourceFile source = loadSource("p.json", row.document, SourceOptions{});
    ASSERT_EQ(source.policies.size(), 1U) << row.what;
    EXPECT_EQ(source.policies[0].type, row.expected)
        << row.what << ": inferred " << policyTypeName(source.policies[0].type);
    EXPECT_FALSE(source.policies[0].typeReason.empty()) << row.what;
    // A type that is given is not inferred, and has no reason.
    SourceOptions given;
    given.policyType = PolicyType::Rcp;
    const SourceFile typed = loadSource("p.json", row.document, given);
    EXPECT_EQ(typed.policies[0].type, PolicyType::Rcp);
    EXPECT_TRUE(typed.policies[0].typeReason.empty());
  }
}

TEST(PolicyTypes, AmbiguousDocumentsGetNoErrorOfAGuessedType) {
  // Before: inferred as a trust policy, PS109 (Resource not allowed) on a valid RCP.
  const FileReport rcp = lint(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
    "Principal":"*","Action":"sts:TagSession","Resource":"*","Condition":{
    "StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]})");
  EXPECT_FALSE(hasError(rcp)) << describe(rcp);
  // A type-dependent finding says which type was inferred and why.
  const FileReport open = lint(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})");
  const Finding* pub = findRule(open, "PS305");
  ASSERT_NE(pub, nullptr) << describe(open);
  EXPECT_NE(pub->message.find("[type inferred as resource: "), std::string::npos) << pub->message;
  // Given, it says nothing of inference.
  const FileReport given = lint(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
                                PolicyType::Resource);
  ASSERT_TRUE(hasRule(given, "PS305"));
  EXPECT_EQ(findRule(given, "PS305")->message.find("inferred"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// RCP grammar

constexpr const char* kOrgCondition =
    R"("Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}})";

std::string rcpStatement(const std::string& body) {
  return R"({"Version":"2012-10-17","Statement":[{)" + body + "}]}";
}

TEST(PolicyTypes, RcpGrammar) {
  const std::string good = rcpStatement(R"("Effect":"Deny","Principal":"*","Action":"s3:*",)"
                                        R"("Resource":"*",)" +
                                        std::string(kOrgCondition));
  EXPECT_TRUE(lint(good, PolicyType::Rcp).findings.empty())
      << describe(lint(good, PolicyType::Rcp));
  const std::string fullAccess =
      rcpStatement(R"("Effect":"Allow","Principal":"*","Action":"*","Resource":"*")");
  EXPECT_TRUE(lint(fullAccess, PolicyType::Rcp).findings.empty())
      << describe(lint(fullAccess, PolicyType::Rcp));

  struct Bad {
    std::string document;
    const char* rule;
  };
  const Bad bads[] = {
      {rcpStatement(R"("Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*",)"
                    R"("Resource":"*")"),
       "PS134"},
      {rcpStatement(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*")"),
       "PS134"},
      {rcpStatement(R"("Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)" +
                    std::string(kOrgCondition)),
       "PS134"},
      {rcpStatement(R"("Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"*")"),
       "PS109"},
      {rcpStatement(R"("Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*",)"
                    R"("Resource":"*")"),
       "PS109"},
      {rcpStatement(R"("Effect":"Deny","Principal":"*","Action":"s3:*")"), "PS103"},
      {R"({"Version":"2008-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",)"
       R"("Resource":"*"}]})",
       "PS106"},
  };
  for (const Bad& bad : bads) {
    const FileReport report = lint(bad.document, PolicyType::Rcp);
    const Finding* finding = findRule(report, bad.rule);
    ASSERT_NE(finding, nullptr) << bad.rule << " " << bad.document << "\n" << describe(report);
    EXPECT_EQ(finding->severity, LintSeverity::Error) << bad.document;
    // The same document read as a resource policy is not an RCP error.
    EXPECT_FALSE(hasRule(lint(bad.document, PolicyType::Resource), "PS134")) << bad.document;
  }
}

TEST(PolicyTypes, RcpActionsOfServicesRcpsDoNotCover) {
  const FileReport ec2 = lint(rcpStatement(R"("Effect":"Deny","Principal":"*",)"
                                           R"("Action":["ec2:TerminateInstances","s3:*"],)"
                                           R"("Resource":"*",)" +
                                           std::string(kOrgCondition)),
                              PolicyType::Rcp);
  const Finding* finding = findRule(ec2, "PS135");
  ASSERT_NE(finding, nullptr) << describe(ec2);
  EXPECT_EQ(finding->severity, LintSeverity::Warning);
  EXPECT_NE(finding->message.find("ec2:TerminateInstances"), std::string::npos);
  EXPECT_EQ(finding->message.find("s3:*"), std::string::npos);
  // Every service engine::kRcpServices lists is covered (kms, logs, cognito-idp...).
  for (const char* action :
       {"kms:Decrypt", "logs:GetLogEvents", "cognito-idp:AdminGetUser", "aoss:APIAccessAll",
        "secretsmanager:GetSecretValue", "ecr:*", "sqs:SendMessage", "sts:AssumeRole", "*",
        // Added to AWS Organizations' list since (the page as of 2026-09-26): the
        // data-perimeter RCPs' dynamodb:*, EventBridge, CodeArtifact, OpenSearch Service.
        "dynamodb:*", "dax:GetItem", "events:PutEvents", "codeartifact:ReadFromRepository",
        "opensearch:*"}) {
    const FileReport report =
        lint(rcpStatement(R"("Effect":"Deny","Principal":"*","Action":")" + std::string(action) +
                          R"(","Resource":"*",)" + kOrgCondition),
             PolicyType::Rcp);
    EXPECT_FALSE(hasRule(report, "PS135")) << action << "\n" << describe(report);
  }
}

// PS135's rationale (the rule reference) names every service the engine applies RCPs to.
TEST(PolicyTypes, RcpServiceListInTheRuleReference) {
  const RuleInfo* rule = policysim::lint::findRule("PS135");
  ASSERT_NE(rule, nullptr);
  for (const std::string_view service : policysim::engine::kRcpServices) {
    // Built by appending: GCC 12 warns (-Wrestrict, falsely) on " " + std::string(service).
    std::string listed(1, ' ');
    listed += service;
    std::string last = listed;
    listed += ',';
    last += ';';
    EXPECT_TRUE(rule->rationale.find(listed) != std::string_view::npos ||
                rule->rationale.find(last) != std::string_view::npos)
        << service;
  }
  EXPECT_NE(
      rule->rationale.find(std::to_string(policysim::engine::kRcpServices.size()) + " prefixes"),
      std::string_view::npos);
}

TEST(PolicyTypes, RcpSizeQuota) {
  std::string actions;
  for (int i = 0; i < 300; ++i) {
    actions += (i == 0 ? "\"" : ",\"") + std::string("s3:GetObjectVersion") + "\"";
  }
  const std::string big = rcpStatement(R"("Effect":"Deny","Principal":"*","Action":[)" + actions +
                                       R"(],"Resource":"*")");
  ASSERT_GT(big.size(), 5120U);
  EXPECT_TRUE(hasRule(lint(big, PolicyType::Rcp), "PS132"));
  EXPECT_FALSE(hasRule(lint(big, PolicyType::Resource), "PS132"));
  // SQS counts 8,192 bytes; inferred from the content (only sqs: actions) it is a warning.
  std::string sqsActions;
  for (int i = 0; i < 500; ++i) {
    sqsActions += (i == 0 ? "\"" : ",\"") + std::string("sqs:SendMessage") + "\"";
  }
  const std::string queue = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                            R"("Principal":{"Service":"sns.amazonaws.com"},"Action":[)" +
                            sqsActions + "]}]}";
  ASSERT_GT(queue.size(), 8192U);
  EXPECT_TRUE(hasRule(lint(queue, PolicyType::SqsQueue), "PS132"));
  EXPECT_FALSE(hasRule(lint(queue), "PS132"));
  EXPECT_TRUE(hasRule(lint(queue), "PS133"));
}

// ---------------------------------------------------------------------------------------------
// VPC endpoint policies only restrict

TEST(PolicyTypes, VpcEndpointPoliciesGrantNothing) {
  const std::string defaultPolicy =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})";
  const FileReport endpoint = lint(defaultPolicy, PolicyType::VpcEndpoint);
  EXPECT_FALSE(hasRule(endpoint, "PS303")) << describe(endpoint);
  EXPECT_FALSE(hasRule(endpoint, "PS305")) << describe(endpoint);
  // Undeclared, the same text is also a resource policy that makes everything public: the
  // linter does not silence that on a guess. The findings stand, still blocking by default, and
  // say how to declare an endpoint policy (in templates and plans the resource type declares it).
  const FileReport inferred = lint(defaultPolicy);
  const Finding* publicPrincipal = findRule(inferred, "PS305");
  ASSERT_NE(publicPrincipal, nullptr) << describe(inferred);
  EXPECT_EQ(publicPrincipal->severity, LintSeverity::Security);
  EXPECT_NE(publicPrincipal->message.find("--type vpc-endpoint"), std::string::npos)
      << publicPrincipal->message;
  EXPECT_TRUE(hasRule(inferred, "PS303")) << describe(inferred);
  const FileReport withDeny = lint(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*",
    "Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})");
  EXPECT_TRUE(hasRule(withDeny, "PS305")) << describe(withDeny);
  // As a resource policy the same text is administrator access for anyone.
  const FileReport resource = lint(defaultPolicy, PolicyType::Resource);
  EXPECT_TRUE(hasRule(resource, "PS303")) << describe(resource);
  EXPECT_TRUE(hasRule(resource, "PS305")) << describe(resource);

  const std::string notAction = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":"*","NotAction":"s3:DeleteBucket","Resource":"*"}]})";
  EXPECT_FALSE(hasRule(lint(notAction, PolicyType::VpcEndpoint), "PS301"));
  EXPECT_TRUE(hasRule(lint(notAction, PolicyType::Resource), "PS301"));
  // Grammar still applies: Principal is required; Resource with NotResource is rejected.
  EXPECT_TRUE(hasRule(lint(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                           PolicyType::VpcEndpoint),
                      "PS103"));
  EXPECT_TRUE(hasRule(lint(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*",
    "Resource":"*","NotResource":"arn:aws:s3:::b"}]})",
                           PolicyType::VpcEndpoint),
                      "PS108"));
}

// ---------------------------------------------------------------------------------------------
// One-service resource policies

TEST(PolicyTypes, KeyPolicyResourceStarIsTheKey) {
  const std::string key = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":["kms:Decrypt",
    "kms:GenerateDataKey"],"Resource":"*"}]})";
  EXPECT_FALSE(hasRule(lint(key, PolicyType::KmsKey), "PS307"));
  EXPECT_TRUE(hasRule(lint(key, PolicyType::Resource), "PS307"));
}

TEST(PolicyTypes, ForeignActionsAndArnsInOneServicePolicies) {
  struct Row {
    PolicyType type;
    const char* good;  // action, resource
    const char* goodResource;
    const char* foreignAction;
    const char* foreignResource;
  };
  const Row rows[] = {
      {PolicyType::KmsKey, "kms:Decrypt", "*", "s3:GetObject", "arn:aws:s3:::b/*"},
      {PolicyType::SqsQueue, "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q",
       "sns:Publish", "arn:aws:sns:us-east-1:111122223333:t"},
      {PolicyType::SnsTopic, "SNS:Publish", "arn:aws:sns:us-east-1:111122223333:t",
       "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q"},
      {PolicyType::EventBus, "events:PutEvents",
       "arn:aws:events:us-east-1:111122223333:event-bus/app", "sqs:SendMessage",
       "arn:aws:sqs:us-east-1:111122223333:q"},
      {PolicyType::LogsResource, "logs:PutLogEvents",
       "arn:aws:logs:us-east-1:111122223333:log-group:/aws/app:*", "s3:PutObject",
       "arn:aws:s3:::b/*"},
      {PolicyType::S3AccessPoint, "s3-object-lambda:GetObject",
       "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/olap/*", "kms:Decrypt",
       "arn:aws:kms:us-east-1:111122223333:key/k"},
      {PolicyType::EcrRepository, "ecr:BatchGetImage", "*", "lambda:InvokeFunction",
       "arn:aws:lambda:us-east-1:111122223333:function:f"},
      {PolicyType::LambdaFunction, "lambda:InvokeFunction",
       "arn:aws:lambda:us-east-1:111122223333:function:f", "sqs:SendMessage",
       "arn:aws:sqs:us-east-1:111122223333:q"},
      {PolicyType::SecretsManagerSecret, "secretsmanager:GetSecretValue", "*", "kms:Decrypt",
       "arn:aws:kms:us-east-1:111122223333:key/k"},
  };
  auto doc = [](const char* action, const char* resource) {
    return std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                       R"("Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":")") +
           action + R"(","Resource":")" + resource + R"("}]})";
  };
  for (const Row& row : rows) {
    const char* name = policyTypeName(row.type);
    const FileReport good = lint(doc(row.good, row.goodResource), row.type);
    EXPECT_FALSE(hasRule(good, "PS136")) << name << "\n" << describe(good);
    EXPECT_FALSE(hasRule(good, "PS137")) << name << "\n" << describe(good);
    const FileReport action = lint(doc(row.foreignAction, row.goodResource), row.type);
    const Finding* pa = findRule(action, "PS136");
    ASSERT_NE(pa, nullptr) << name << "\n" << describe(action);
    EXPECT_EQ(pa->severity, LintSeverity::Warning);
    const FileReport resource = lint(doc(row.good, row.foreignResource), row.type);
    EXPECT_TRUE(hasRule(resource, "PS137")) << name << "\n" << describe(resource);
    // The neutral resource type knows no service: neither rule.
    const FileReport neutral =
        lint(doc(row.foreignAction, row.foreignResource), PolicyType::Resource);
    EXPECT_FALSE(hasRule(neutral, "PS136") || hasRule(neutral, "PS137")) << name;
  }
  // Wildcard services are not judged.
  EXPECT_FALSE(
      hasRule(lint(doc("*", "arn:aws:*:us-east-1:111122223333:*"), PolicyType::KmsKey), "PS137"));
}

// ---------------------------------------------------------------------------------------------
// CloudFormation and Terraform resource types

std::map<std::string, PolicyType> typesByLabel(const SourceFile& source) {
  std::map<std::string, PolicyType> out;
  for (const PolicyInput& p : source.policies) {
    out[p.label] = p.type;
    EXPECT_TRUE(p.typeReason.empty()) << p.label;  // given by the resource type
  }
  return out;
}

TEST(PolicyTypes, CloudFormationResourceTypes) {
  const std::string text = readFile(kFixtures / "cfn_policy_types.yaml");
  const SourceFile source = loadSource("cfn_policy_types.yaml", text, SourceOptions{});
  ASSERT_TRUE(source.problems.empty()) << source.problems[0].message;
  const std::map<std::string, PolicyType> expected = {
      {"Resources.Endpoint.Properties.PolicyDocument", PolicyType::VpcEndpoint},
      {"Resources.BusStatement.Properties.Statement", PolicyType::EventBus},
      {"Resources.BusLegacy.Properties.Action", PolicyType::EventBus},
      {"Resources.Bus.Properties.Policy", PolicyType::EventBus},
      {"Resources.LogsPolicy.Properties.PolicyDocument", PolicyType::LogsResource},
      {"Resources.Rcp.Properties.Content", PolicyType::Rcp},
      {"Resources.Scp.Properties.Content", PolicyType::Scp},
      {"Resources.AccessPoint.Properties.Policy", PolicyType::S3AccessPoint},
      {"Resources.Key.Properties.KeyPolicy", PolicyType::KmsKey},
      {"Resources.SecretPolicy.Properties.ResourcePolicy", PolicyType::SecretsManagerSecret},
      {"Resources.Repository.Properties.RepositoryPolicyText", PolicyType::EcrRepository},
      {"Resources.QueuePolicy.Properties.PolicyDocument", PolicyType::SqsQueue},
      {"Resources.TopicPolicy.Properties.PolicyDocument", PolicyType::SnsTopic},
  };
  EXPECT_EQ(typesByLabel(source), expected);

  const FileReport report = lint(text, std::nullopt, "cfn_policy_types.yaml");
  auto at = [&](std::string_view rule, const std::string& resource) -> const Finding* {
    for (const Finding& f : report.findings) {
      if (f.rule->id == rule && f.policy.find("Resources." + resource + ".") == 0) {
        return &f;
      }
    }
    return nullptr;
  };
  // The issue's example: Resource with NotResource in an endpoint policy, at NotResource.
  const Finding* both = at("PS108", "Endpoint");
  ASSERT_NE(both, nullptr) << describe(report);
  EXPECT_EQ(both->position.line, 17U);
  EXPECT_EQ(at("PS305", "Endpoint"), nullptr) << describe(report);
  // EventBusPolicy's one statement: sqs:SendMessage is not an EventBridge action.
  const Finding* foreign = at("PS136", "BusStatement");
  ASSERT_NE(foreign, nullptr) << describe(report);
  EXPECT_EQ(foreign->position.line, 27U);
  // The legacy form: Principal "*" limited by the org condition written as Type/Key/Value.
  EXPECT_EQ(at("PS305", "BusLegacy"), nullptr) << describe(report);
  EXPECT_EQ(at("PS107", "BusLegacy"), nullptr) << describe(report);
  // A JSON string: the Logs policy's s3:PutObject, positioned inside the string.
  const Finding* logs = at("PS136", "LogsPolicy");
  ASSERT_NE(logs, nullptr) << describe(report);
  EXPECT_EQ(logs->position.line, 56U);
  EXPECT_NE(at("PS134", "Rcp"), nullptr) << describe(report);
  EXPECT_NE(at("PS137", "QueuePolicy"), nullptr) << describe(report);
  EXPECT_EQ(at("PS307", "Key"), nullptr) << describe(report);
  for (const char* clean : {"Bus", "AccessPoint", "Key", "SecretPolicy", "Repository", "Scp"}) {
    for (const Finding& f : report.findings) {
      EXPECT_FALSE(f.policy.find(std::string("Resources.") + clean + ".") == 0 &&
                   f.severity >= LintSeverity::Warning)
          << clean << ": " << f.rule->id << " " << f.message;
    }
  }
}

TEST(PolicyTypes, EventBusPolicyLegacyFormWithoutConditionIsPublic) {
  const FileReport report = lint(R"(Resources:
  Bus:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: Anyone
      Action: events:PutEvents
      Principal: "*"
)",
                                 std::nullopt, "t.yaml");
  EXPECT_TRUE(hasRule(report, "PS305")) << describe(report);
  const FileReport account = lint(R"(Resources:
  Bus:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: Partner
      Action: events:PutEvents
      Principal: "111122223333"
)",
                                  std::nullopt, "t.yaml");
  EXPECT_TRUE(account.findings.empty()) << describe(account);
}

TEST(PolicyTypes, TerraformResourceTypes) {
  const std::string text = readFile(kFixtures / "tf_policy_types.json");
  const SourceFile source = loadSource("tf_policy_types.json", text, SourceOptions{});
  ASSERT_TRUE(source.problems.empty()) << source.problems[0].message;
  const std::map<std::string, PolicyType> expected = {
      {"aws_vpc_endpoint.s3.policy", PolicyType::VpcEndpoint},
      {"aws_vpc_endpoint_policy.sts.policy", PolicyType::VpcEndpoint},
      {"aws_cloudwatch_event_bus_policy.partner.policy", PolicyType::EventBus},
      {"aws_cloudwatch_log_resource_policy.es.policy_document", PolicyType::LogsResource},
      {"aws_organizations_policy.rcp.content", PolicyType::Rcp},
      {"aws_organizations_policy.scp.content", PolicyType::Scp},
      {"aws_s3control_access_point_policy.reader.policy", PolicyType::S3AccessPoint},
      {"aws_kms_key.app.policy", PolicyType::KmsKey},
      {"aws_kms_key_policy.app.policy", PolicyType::KmsKey},
      {"aws_ecr_repository_policy.app.policy", PolicyType::EcrRepository},
      {"aws_secretsmanager_secret_policy.app.policy", PolicyType::SecretsManagerSecret},
      {"aws_sqs_queue_policy.alerts.policy", PolicyType::SqsQueue},
      {"aws_sns_topic_policy.alerts.policy", PolicyType::SnsTopic},
  };
  EXPECT_EQ(typesByLabel(source), expected);  // the TAG_POLICY is not an IAM policy

  const FileReport report = lint(text, std::nullopt, "tf_policy_types.json");
  auto rulesOf = [&](const std::string& label) {
    std::string out;
    for (const Finding& f : report.findings) {
      if (f.policy == label) {
        out += std::string(f.rule->id) + " ";
      }
    }
    return out;
  };
  EXPECT_EQ(rulesOf("aws_vpc_endpoint.s3.policy"), "") << describe(report);
  EXPECT_NE(rulesOf("aws_vpc_endpoint_policy.sts.policy").find("PS108"), std::string::npos);
  EXPECT_NE(rulesOf("aws_organizations_policy.rcp.content").find("PS134"), std::string::npos);
  EXPECT_NE(rulesOf("aws_kms_key_policy.app.policy").find("PS136"), std::string::npos);
  for (const char* clean :
       {"aws_cloudwatch_event_bus_policy.partner.policy", "aws_kms_key.app.policy",
        "aws_ecr_repository_policy.app.policy", "aws_secretsmanager_secret_policy.app.policy",
        "aws_sqs_queue_policy.alerts.policy", "aws_sns_topic_policy.alerts.policy",
        "aws_s3control_access_point_policy.reader.policy"}) {
    EXPECT_EQ(rulesOf(clean), "") << clean << "\n" << describe(report);
  }
}

// ---------------------------------------------------------------------------------------------
// Round 2: DynamoDB, API Gateway, Backup, Glacier, EFS, CodeArtifact, Glue, OpenSearch, S3
// buckets (tests/lint/fixtures/{cfn,tf}_resource_policies.*)

TEST(PolicyTypes, CloudFormationResourcePolicies) {
  const std::string text = readFile(kFixtures / "cfn_resource_policies.yaml");
  const SourceFile source = loadSource("cfn_resource_policies.yaml", text, SourceOptions{});
  ASSERT_TRUE(source.problems.empty()) << source.problems[0].message;
  const std::map<std::string, PolicyType> expected = {
      {"Resources.Table.Properties.ResourcePolicy.PolicyDocument", PolicyType::DynamoDbTable},
      {"Resources.Table.Properties.StreamSpecification.ResourcePolicy.PolicyDocument",
       PolicyType::DynamoDbTable},
      {"Resources.Global.Properties.Replicas[0].ResourcePolicy.PolicyDocument",
       PolicyType::DynamoDbTable},
      {"Resources.Api.Properties.Policy", PolicyType::ApiGatewayRestApi},
      {"Resources.Vault.Properties.AccessPolicy", PolicyType::BackupVault},
      {"Resources.FileSystem.Properties.FileSystemPolicy", PolicyType::EfsFileSystem},
      {"Resources.Domain.Properties.PermissionsPolicyDocument", PolicyType::CodeArtifact},
      {"Resources.Repository.Properties.PermissionsPolicyDocument", PolicyType::CodeArtifact},
      {"Resources.BucketPolicy.Properties.PolicyDocument", PolicyType::S3Bucket},
      {"Resources.Search.Properties.AccessPolicies", PolicyType::OpenSearchDomain},
  };
  EXPECT_EQ(typesByLabel(source), expected);

  const FileReport report = lint(text, std::nullopt, "cfn_resource_policies.yaml");
  auto rulesOf = [&](const std::string& label) {
    std::string out;
    for (const Finding& f : report.findings) {
      out += f.policy == label ? std::string(f.rule->id) + " " : "";
    }
    return out;
  };
  // s3:GetObject in a table's policy; an S3 ARN in a domain's.
  EXPECT_NE(rulesOf("Resources.Table.Properties.ResourcePolicy.PolicyDocument").find("PS136"),
            std::string::npos)
      << describe(report);
  EXPECT_NE(rulesOf("Resources.Search.Properties.AccessPolicies").find("PS137"), std::string::npos)
      << describe(report);
  // The short form execute-api:/stage/METHOD/path is no malformed ARN (PS113) and names the
  // API's methods (no PS214).
  EXPECT_EQ(rulesOf("Resources.Api.Properties.Policy"), "") << describe(report);
  for (const char* clean : {"Resources.Table.Properties.StreamSpecification.ResourcePolicy."
                            "PolicyDocument",
                            "Resources.Global.Properties.Replicas[0].ResourcePolicy.PolicyDocument",
                            "Resources.Vault.Properties.AccessPolicy",
                            "Resources.FileSystem.Properties.FileSystemPolicy",
                            "Resources.Domain.Properties.PermissionsPolicyDocument",
                            "Resources.Repository.Properties.PermissionsPolicyDocument",
                            "Resources.BucketPolicy.Properties.PolicyDocument"}) {
    EXPECT_EQ(rulesOf(clean), "") << clean << "\n" << describe(report);
  }
}

TEST(PolicyTypes, TerraformResourcePolicies) {
  const std::string text = readFile(kFixtures / "tf_resource_policies.json");
  const SourceFile source = loadSource("tf_resource_policies.json", text, SourceOptions{});
  ASSERT_TRUE(source.problems.empty()) << source.problems[0].message;
  const std::map<std::string, PolicyType> expected = {
      {"aws_dynamodb_resource_policy.orders.policy", PolicyType::DynamoDbTable},
      {"aws_api_gateway_rest_api_policy.private.policy", PolicyType::ApiGatewayRestApi},
      {"aws_api_gateway_rest_api.inline.policy", PolicyType::ApiGatewayRestApi},
      {"aws_backup_vault_policy.central.policy", PolicyType::BackupVault},
      {"aws_glacier_vault.archive.access_policy", PolicyType::GlacierVault},
      {"aws_efs_file_system_policy.shared.policy", PolicyType::EfsFileSystem},
      {"aws_codeartifact_domain_permissions_policy.packages.policy_document",
       PolicyType::CodeArtifact},
      {"aws_codeartifact_repository_permissions_policy.npm.policy_document",
       PolicyType::CodeArtifact},
      {"aws_glue_resource_policy.catalog.policy", PolicyType::GlueCatalog},
      {"aws_opensearch_domain_policy.logs.access_policies", PolicyType::OpenSearchDomain},
      {"aws_s3_bucket_policy.reports.policy", PolicyType::S3Bucket},
  };
  EXPECT_EQ(typesByLabel(source), expected);
  const FileReport report = lint(text, std::nullopt, "tf_resource_policies.json");
  for (const Finding& f : report.findings) {
    // kms:Decrypt in the EFS policy is the one problem in the plan.
    EXPECT_EQ(f.policy, "aws_efs_file_system_policy.shared.policy") << describe(report);
  }
  EXPECT_TRUE(hasRule(report, "PS136")) << describe(report);
}

TEST(PolicyTypes, ApiGatewayShortResourceFormOnlyInApiGatewayPolicies) {
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
      R"("Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/orders/*",)"
      R"("Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0abc1234"}}}]})";
  const FileReport api = lint(policy, PolicyType::ApiGatewayRestApi);
  EXPECT_TRUE(api.findings.empty()) << describe(api);
  const FileReport inferred = lint(policy);
  EXPECT_TRUE(inferred.findings.empty()) << describe(inferred);
  // Anywhere else it is no ARN.
  EXPECT_TRUE(hasRule(lint(policy, PolicyType::Resource), "PS113"));
}

// A policy of `count` copies of `statement` joined into one document.
std::string repeated(const std::string& statement, int count) {
  std::string out = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < count; ++i) {
    out += (i == 0 ? "" : ",") + statement;
  }
  return out + "]}";
}

TEST(PolicyTypes, SizeQuotasCheckedAgainstAwsDocumentation) {
  const std::string topic =
      R"({"Sid":"S","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
      R"("Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:444455556666:alerts"})";
  const std::string big = repeated(topic, 250);  // over 30 KB
  ASSERT_GT(big.size(), 30720U);
  EXPECT_TRUE(hasRule(lint(big, PolicyType::SnsTopic), "PS132"));
  EXPECT_FALSE(hasRule(lint(repeated(topic, 150), PolicyType::SnsTopic), "PS132"));
  // ECR: SetRepositoryPolicy's 10,240.
  const std::string pull =
      R"({"Sid":"P","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
      R"("Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]})";
  const std::string repository = repeated(pull, 120);
  ASSERT_GT(repository.size(), 10240U);
  EXPECT_TRUE(hasRule(lint(repository, PolicyType::EcrRepository), "PS132"));
  // S3 bucket and DynamoDB: 20 KB; a generic resource policy has no quota.
  const std::string read =
      R"({"Sid":"R","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
      R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"})";
  const std::string bucket = repeated(read, 200);
  ASSERT_GT(bucket.size(), 20480U);
  EXPECT_TRUE(hasRule(lint(bucket, PolicyType::S3Bucket), "PS132"));
  EXPECT_FALSE(hasRule(lint(bucket, PolicyType::Resource), "PS132"));
  const std::string item =
      R"({"Sid":"D","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
      R"("Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:1:table/t"})";
  const std::string table = repeated(item, 200);
  ASSERT_GT(table.size(), 20480U);
  EXPECT_TRUE(hasRule(lint(table, PolicyType::DynamoDbTable), "PS132"));
  // Secrets Manager's 20,480 is not in AWS's pages: a warning, even when the type is given.
  const std::string get =
      R"({"Sid":"G","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
      R"("Action":"secretsmanager:GetSecretValue","Resource":"*"})";
  const std::string secret = repeated(get, 200);
  ASSERT_GT(secret.size(), 20480U);
  const FileReport secretReport = lint(secret, PolicyType::SecretsManagerSecret);
  EXPECT_FALSE(hasRule(secretReport, "PS132"));
  EXPECT_TRUE(hasRule(secretReport, "PS133"));
}

TEST(PolicyTypes, EventsV2PoliciesAreNotHeldToTheEventBusPolicyQuota) {
  std::string statements;
  for (int i = 0; i < 80; ++i) {
    statements +=
        std::string(i == 0 ? "" : ",") + R"({"Sid":"P)" + std::to_string(i) +
        R"(","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
        R"("Action":"events:PutEvents","Resource":"arn:aws:events:us-east-1:1:event-bus/b"})";
  }
  const std::string document = R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
  ASSERT_GT(document.size(), 10240U);
  ASSERT_LT(document.size(), 20480U);
  const std::string v1 =
      "Resources:\n  Bus:\n    Type: AWS::Events::EventBus\n    Properties:\n"
      "      Name: b\n      Policy: " +
      document + "\n";
  const std::string v2 =
      "Resources:\n  Bus:\n    Type: AWS::EventsV2::ResourcePolicy\n"
      "    Properties:\n      EventBusArn: arn:aws:events:us-east-1:1:event-bus/b\n"
      "      PolicyDocument: " +
      document + "\n";
  EXPECT_TRUE(hasRule(lint(v1, std::nullopt, "t.yaml"), "PS132"));
  const FileReport v2Report = lint(v2, std::nullopt, "t.yaml");
  EXPECT_FALSE(hasRule(v2Report, "PS132")) << describe(v2Report);
}

TEST(PolicyTypes, LogsResourcePolicyActionsAndPrincipalsAwsEnforces) {
  auto logs = [](const std::string& principal, const std::string& action) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)" + principal +
           R"(,"Action":)" + action +
           R"(,"Resource":"arn:aws:logs:us-east-1:444455556666:log-group:/aws/app/*"}]})";
  };
  const std::string service = R"({"Service":"delivery.logs.amazonaws.com"})";
  const std::string account = R"({"AWS":"arn:aws:iam::111122223333:root"})";
  EXPECT_FALSE(hasRule(lint(logs(service, R"(["logs:CreateLogStream","logs:PutLogEvents"])"),
                            PolicyType::LogsResource),
                       "PS139"));
  EXPECT_FALSE(hasRule(lint(logs(service, R"("logs:*")"), PolicyType::LogsResource), "PS139"));
  EXPECT_FALSE(
      hasRule(lint(logs(R"("*")", R"("logs:PutLogEvents")"), PolicyType::LogsResource), "PS139"));
  EXPECT_TRUE(
      hasRule(lint(logs(service, R"("logs:GetLogEvents")"), PolicyType::LogsResource), "PS139"));
  EXPECT_TRUE(
      hasRule(lint(logs(account, R"("logs:PutLogEvents")"), PolicyType::LogsResource), "PS139"));
  // Not a Logs resource policy: no PS139.
  EXPECT_FALSE(
      hasRule(lint(logs(account, R"("logs:GetLogEvents")"), PolicyType::Resource), "PS139"));
}

// AWS's data-perimeter examples (tests/lint/fixtures/data_perimeter/README.md): no error on
// what AWS publishes but the placeholders, named as such (errors: AWS rejects them as written);
// the endpoint policy grants nothing.
TEST(PolicyTypes, AwsDataPerimeterExamples) {
  const fs::path dir = kFixtures / "data_perimeter";
  struct Example {
    const char* file;
    PolicyType type;
  };
  for (const Example& example : {Example{"network_perimeter_vpceorgid_rcp.json", PolicyType::Rcp},
                                 Example{"default_endpoint_policy.json", PolicyType::VpcEndpoint},
                                 Example{"api_gateway_policy.json", PolicyType::ApiGatewayRestApi},
                                 Example{"api_gateway_policy.json", PolicyType::Resource}}) {
    const std::string text = readFile(dir / example.file);
    ASSERT_FALSE(text.empty()) << example.file;
    const FileReport report = lint(text, example.type, example.file);
    // The only errors are the placeholders AWS's templates leave to fill in: as written, AWS
    // rejects them, so a policy still holding one must not pass CI.
    for (const Finding& f : report.findings) {
      EXPECT_NE(f.severity, LintSeverity::Security) << example.file << "\n" << describe(report);
      if (f.severity == LintSeverity::Error) {
        EXPECT_EQ(std::string(f.rule->id), "PS138") << example.file << "\n" << describe(report);
      }
    }
  }
  const FileReport rcp =
      lint(readFile(dir / "network_perimeter_vpceorgid_rcp.json"), PolicyType::Rcp);
  const Finding* placeholder = findRule(rcp, "PS138");
  ASSERT_NE(placeholder, nullptr) << describe(rcp);
  EXPECT_NE(placeholder->message.find("<my-corporate-cidr>"), std::string::npos);
  EXPECT_EQ(placeholder->severity, LintSeverity::Error);
  EXPECT_FALSE(hasRule(rcp, "PS117")) << describe(rcp);
}

}  // namespace
