// Quotas (cited in the catalogue, lint/rules.cc): IAM and AWS STS quotas page, "IAM and STS
// character limits" (managed policy 6,144; inline policies per user 2,048, group 5,120, role
// 10,240 in aggregate; role trust policy 2,048 by default, adjustable; white space not counted),
// and Quotas for AWS Organizations (SCP 5,120 characters).
#include "lint/size_rules.h"

#include <string>
#include <string_view>

namespace policysim::lint {

namespace {

// UTF-8 characters (AWS counts characters), with JSON's escapes for quotes, backslashes and
// control characters.
std::size_t stringSize(std::string_view text) {
  std::size_t size = 2;  // the quotes
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) == 0x80) {
      continue;  // a continuation byte: part of the previous character
    }
    size += (c == '"' || c == '\\') ? 2 : (byte < 0x20 ? 6 : 1);
  }
  return size;
}

bool sizeOf(const Node& node, std::size_t* size) {
  if (node.intrinsic) {
    return false;
  }
  switch (node.type) {
    case Node::Type::Null:
      *size += 4;
      return true;
    case Node::Type::Bool:
    case Node::Type::Number:
      *size += node.text.size();
      return true;
    case Node::Type::String:
      *size += stringSize(node.text);
      return true;
    case Node::Type::Array:
      *size += 2 + (node.elements.empty() ? 0 : node.elements.size() - 1);
      for (const Node& element : node.elements) {
        if (!sizeOf(element, size)) {
          return false;
        }
      }
      return true;
    case Node::Type::Object:
      *size += 2 + (node.members.empty() ? 0 : node.members.size() - 1);
      for (const NodeMember& member : node.members) {
        *size += stringSize(member.key) + 1;
        if (!sizeOf(member.value, size)) {
          return false;
        }
      }
      return true;
  }
  return false;
}

// The Terraform resource type in a plan label ("module.x.aws_iam_role_policy.p.policy").
bool fromTerraform(std::string_view label, std::string_view type) {
  // Built by appending: GCC 12 warns (-Wrestrict, falsely) on "." + std::string(type).
  std::string dotted(1, '.');
  dotted += type;
  dotted += '.';
  return label.starts_with(std::string_view(dotted).substr(1)) ||
         label.find(dotted) != std::string_view::npos;
}

struct Quota {
  std::size_t limit = 0;  // 0: none known
  bool certain = false;   // the policy is certainly of this kind: over it, AWS rejects it
  const char* what = "";
};

Quota quotaOf(const PolicyInput& policy) {
  const std::string_view label = policy.label;
  // A type inferred from the content may be wrong; a type given (template resource type,
  // --type, policyTypes) is not. Minified size is a lower bound of every count AWS makes.
  const bool certain = policy.typeReason.empty();
  switch (policy.type) {
    case PolicyType::Scp:
      return {5120, true, "a service control policy (AWS Organizations quota: 5,120 characters)"};
    case PolicyType::Trust:
      return {2048, false,
              "a role trust policy (IAM default quota: 2,048 characters, adjustable in Service "
              "Quotas)"};
    case PolicyType::Identity:
    case PolicyType::Boundary:
      if (fromTerraform(label, "aws_iam_user_policy")) {
        return {2048, true, "a user's inline policies (IAM quota: 2,048 characters in total)"};
      }
      if (fromTerraform(label, "aws_iam_group_policy")) {
        return {5120, true, "a group's inline policies (IAM quota: 5,120 characters in total)"};
      }
      if (fromTerraform(label, "aws_iam_role_policy") ||
          (fromTerraform(label, "aws_iam_role") && label.find(".inline_policy") != label.npos)) {
        return {10240, true, "a role's inline policies (IAM quota: 10,240 characters in total)"};
      }
      if (fromTerraform(label, "aws_iam_policy")) {
        return {6144, true, "a managed policy (IAM quota: 6,144 characters)"};
      }
      return {6144, false,
              "a customer managed policy (IAM quota: 6,144 characters; inline, a user's policies "
              "may total 2,048, a group's 5,120, a role's 10,240)"};
    // Each number checked against AWS's pages (docs corpus, 2026-12):
    //  - RCP 5,120 characters: Quotas for AWS Organizations, "Maximum size of policy
    //    documents" (organizations/latest/userguide/orgs_reference_limits.html).
    //  - VPC endpoint 20,480 characters including white space: AWS PrivateLink quotas
    //    (vpc/latest/privatelink/vpc-limits-endpoints.html) and "Control access to VPC
    //    endpoints using endpoint policies".
    //  - KMS key policy 32 KiB (32,768 bytes): KMS PutKeyPolicy, "Policy" parameter.
    //  - Lambda 20 KB, not adjustable: Lambda quotas and the Knowledge Center article "The final
    //    policy size is bigger than the limit" (lambda-resource-based-policy-size-error).
    //  - SQS 8,192 bytes: Amazon SQS policy quotas (SQSDeveloperGuide/quotas-policies.html).
    //  - SNS 30 KB: Amazon SNS API permissions reference, "Policy quotas"
    //    (sns/latest/dg/sns-access-policy-language-api-permissions-reference.html).
    //  - EventBridge: AWS::Events::EventBusPolicy, "The permission policy on the event bus cannot
    //    exceed 10 KB"; AWS::EventsV2::ResourcePolicy documents up to 20 KB, adjustable, so
    //    those are not held to 10 KB.
    //  - CloudWatch Logs 5,120: AWS::Logs::ResourcePolicy PolicyDocument "Maximum: 5120".
    //  - ECR 10,240: ECR SetRepositoryPolicy, policyText "Maximum length of 10240".
    //  - S3 bucket policy 20 KB: S3 User Guide, "Bucket policies and user policies" ("Bucket
    //    policies are limited to 20 KB in size").
    //  - DynamoDB 20 KB, white space counted: DynamoDB Developer Guide, "Resource-based policy
    //    considerations" (rbac-considerations.html).
    //  - Secrets Manager 20,480 characters: not found in the pages searched (the quotas page and
    //    PutResourcePolicy), so a warning (PS133) only, never PS132.
    //  - S3 access points, API Gateway, Backup, Glacier, EFS, CodeArtifact, Glue, OpenSearch: no
    //    documented size found; none applied.
    case PolicyType::Rcp:
      return {5120, certain,
              "a resource control policy (AWS Organizations quota: 5,120 characters)"};
    case PolicyType::VpcEndpoint:
      return {20480, certain,
              "a VPC endpoint policy (AWS PrivateLink: 20,480 characters, white space "
              "included)"};
    case PolicyType::KmsKey:
      return {32768, certain, "a KMS key policy (AWS KMS quota: 32 KB)"};
    case PolicyType::SecretsManagerSecret:
      return {20480, false,
              "a Secrets Manager resource policy (20,480 characters, a number not confirmed in "
              "AWS's documentation)"};
    case PolicyType::LogsResource:
      return {5120, certain,
              "a CloudWatch Logs resource policy (CloudWatch Logs quota: 5,120 characters)"};
    case PolicyType::LambdaFunction:
      return {20480, certain,
              "a Lambda function policy (Lambda quota: 20 KB for the function's resource-based "
              "policy)"};
    case PolicyType::SqsQueue:
      return {8192, certain, "an SQS queue policy (Amazon SQS policy quotas: 8,192 bytes)"};
    case PolicyType::SnsTopic:
      return {30720, certain, "an SNS topic policy (Amazon SNS policy quotas: 30 KB)"};
    case PolicyType::EcrRepository:
      return {10240, certain,
              "an ECR repository policy (ECR SetRepositoryPolicy: 10,240 characters)"};
    case PolicyType::S3Bucket:
      return {20480, certain,
              "an S3 bucket policy (Amazon S3: bucket policies are limited to 20 KB)"};
    case PolicyType::DynamoDbTable:
      return {20480, certain,
              "a DynamoDB resource-based policy (DynamoDB: 20 KB, white space counted)"};
    case PolicyType::EventBus:
      if (label.find("Properties.PolicyDocument") != std::string_view::npos) {
        return {};  // AWS::EventsV2::ResourcePolicy: 20 KB, adjustable
      }
      return {10240, certain,
              "an EventBridge event bus policy (EventBridge: the permission policy on an event "
              "bus cannot exceed 10 KB)"};
    case PolicyType::Resource:
    case PolicyType::Session:
    case PolicyType::S3AccessPoint:
    case PolicyType::ApiGatewayRestApi:
    case PolicyType::BackupVault:
    case PolicyType::GlacierVault:
    case PolicyType::EfsFileSystem:
    case PolicyType::CodeArtifact:
    case PolicyType::GlueCatalog:
    case PolicyType::OpenSearchDomain:
      return {};
  }
  return {};
}

}  // namespace

std::size_t minifiedSize(const Node& root) {
  std::size_t size = 0;
  return sizeOf(root, &size) ? size : 0;
}

void checkPolicySize(const RuleContext& context, const PolicyInput& policy) {
  const Quota quota = quotaOf(policy);
  if (quota.limit == 0 || policy.root == nullptr) {
    return;
  }
  const std::size_t size = minifiedSize(*policy.root);
  if (size <= quota.limit) {
    return;
  }
  context.emit(quota.certain ? "PS132" : "PS133", policy.root->position, {},
               "the policy is " + std::to_string(size) +
                   " characters long without white space, over the quota for " + quota.what);
}

}  // namespace policysim::lint
