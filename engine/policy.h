// The parsed policy model: one PolicyDocument per JSON policy, mirroring IAM's grammar and
// keeping each element's source position (line and column; the document names the file) for
// explanations and lint. Plain data; build it with parsePolicyDocument() (policy_json.h),
// compile it into a PolicySet (policy_set.h).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostic.h"
#include "engine/status.h"
#include "grammar/condition_operator.h"

namespace policysim::engine {

// The role a policy plays in an evaluation. It decides which elements are required or
// forbidden (e.g. Principal only in resource-based policies, resource control policies and VPC
// endpoint policies).
//   Rcp: a resource control policy of AWS Organizations, one per level of the organisation path
//        above the resource's account (semantics §4.7).
//   VpcEndpoint: the policy of the VPC endpoint a request travels through (§4.2).
enum class PolicyKind { Identity, Resource, Boundary, Scp, Session, Rcp, VpcEndpoint };

// "identity", "resource", "boundary", "scp", "session", "rcp", "vpce".
[[nodiscard]] const char* policyKindName(PolicyKind kind);

// The service prefixes whose actions resource control policies apply to, as AWS Organizations
// lists them ("List of AWS services that support RCPs",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services,
// the page as fetched on 2026-09-26: 62 services, among them Amazon S3, AWS STS, AWS KMS, Amazon
// SQS, AWS Secrets Manager, Amazon DynamoDB and DAX, Amazon ECR, OpenSearch Serverless and
// Service, CloudWatch Logs, Amazon Cognito, EventBridge, CodeArtifact). For any other service's
// action RCPs are not evaluated. Lower case, sorted (binary search).
// clang-format off
inline constexpr std::array<std::string_view, 62> kRcpServices = {
    "aoss", "appconfig", "appstream", "autoscaling", "autoscaling-plans", "budgets",
    "clouddirectory", "cloudfront", "cloudsearch", "cloudtrail-data", "codeartifact", "codebuild",
    "codecommit", "codepipeline", "cognito-identity", "cognito-idp", "comprehend",
    "comprehendmedical", "compute-optimizer", "cost-optimization-hub", "dax", "dsql", "dynamodb",
    "ecr", "ecr-public", "events", "firehose", "fis", "fms", "gamelift", "health", "inspector-scan",
    "kendra", "kinesisvideo", "kms", "logs", "memorydb", "networkmonitor", "notifications",
    "opensearch", "pca-connector-ad", "personalize", "polly", "pricing", "resource-groups",
    "rolesanywhere", "s3", "secretsmanager", "servicediscovery", "signin", "sqs", "sts", "support",
    "swf", "textract", "timestream-influxdb", "transcribe", "transfer", "translate", "wafv2",
    "workspaces", "xray",
};
// clang-format on
// service (a lower-case action prefix) is one of kRcpServices.
[[nodiscard]] bool rcpAppliesToService(std::string_view service);

enum class Effect { Allow, Deny };

// "Allow" or "Deny", as policies spell an effect.
[[nodiscard]] const char* effectName(Effect effect);

// Version 2012-10-17 enables policy variables; 2008-10-17 and an absent Version do not.
enum class PolicyVersion { V2012_10_17, V2008_10_17, Absent };

// The version a Version text names ("2012-10-17" or "2008-10-17"); nullopt for any other text.
[[nodiscard]] std::optional<PolicyVersion> parsePolicyVersion(std::string_view text);

// A scalar as written in the policy: strings, and numbers/booleans kept as their text.
struct PolicyValue {
  enum class Kind { String, Number, Bool };
  Kind kind = Kind::String;
  std::string text;
  TextPosition position;
};

struct PrincipalEntry {
  // "*" for the bare wildcard principal, else AWS, Service, Federated or CanonicalUser.
  std::string type;
  std::string value;
  TextPosition position;
};

struct ConditionEntry {
  grammar::ConditionOperator op;
  std::string operatorName;  // as written, e.g. "ForAnyValue:StringLikeIfExists"
  std::string key;           // condition key as written
  std::vector<PolicyValue> values;
  TextPosition position;  // of the key
};

struct Statement {
  std::size_t index = 0;  // position in the Statement array (0-based)
  std::string sid;        // empty when absent
  Effect effect = Effect::Allow;
  TextPosition position;

  bool hasPrincipal = false;  // Principal or NotPrincipal present
  bool notPrincipal = false;
  std::vector<PrincipalEntry> principals;

  bool notAction = false;
  std::vector<PolicyValue> actions;

  bool hasResource = false;  // Resource or NotResource present
  bool notResource = false;
  std::vector<PolicyValue> resources;

  std::vector<ConditionEntry> conditions;
};

struct PolicyDocument {
  std::string name;  // file name or label used in messages
  PolicyKind kind = PolicyKind::Identity;
  PolicyVersion version = PolicyVersion::Absent;
  std::string id;
  std::vector<Statement> statements;
  std::vector<Diagnostic> warnings;  // usable but suspicious input, in source order

  // The full location of an element's position (this document's name as the file).
  [[nodiscard]] SourceLocation locate(TextPosition position) const {
    return SourceLocation{name, position.line, position.column};
  }
};

}  // namespace policysim::engine
