// Finding the policies in a file: a plain policy document (JSON), a CloudFormation template
// (JSON or YAML; policies of AWS::IAM::*, bucket/queue/topic/key/secret/repository policies,
// SCPs) or a Terraform plan (`terraform show -json`; aws_iam_*, aws_s3_bucket_policy, ...).
// Policies written as JSON strings inside a template or plan are parsed in turn, and their
// positions mapped back to the characters of the string in the file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "lint/node.h"

namespace policysim::lint {

enum class InputFormat {
  PolicyJson,
  CloudFormationJson,
  CloudFormationYaml,
  TerraformPlan,
  AuthorizationDetails,  // `aws iam get-account-authorization-details` output
  IamResponse,  // one IAM API answer: get-policy-version, get-role-policy (user, group), get-role
};
// "policy", "cloudformation-json", "cloudformation-yaml", "terraform-plan",
// "authorization-details", "iam-response".
[[nodiscard]] const char* inputFormatName(InputFormat format);

// The role a policy plays; decides which elements it needs or must not have (docs/lint.md,
// "Policy types"). Resource is a resource-based policy of a service not told apart; the
// service types after it (EventBus onwards) are resource-based policies of one service, with
// that service's rules. Rcp and VpcEndpoint only restrict: they grant nothing.
enum class PolicyType {
  Identity,
  Resource,
  Trust,
  Scp,
  Boundary,
  Session,
  Rcp,                   // resource control policy of AWS Organizations
  VpcEndpoint,           // VPC endpoint policy
  EventBus,              // EventBridge event bus policy
  LogsResource,          // CloudWatch Logs resource policy
  S3AccessPoint,         // S3 access point (and Object Lambda / multi-region access point)
  SqsQueue,              // SQS queue policy
  SnsTopic,              // SNS topic policy
  KmsKey,                // KMS key policy
  EcrRepository,         // ECR repository policy
  LambdaFunction,        // Lambda function (or layer) policy
  SecretsManagerSecret,  // Secrets Manager secret resource policy
  S3Bucket,              // S3 bucket policy
  DynamoDbTable,         // DynamoDB table or stream resource-based policy
  ApiGatewayRestApi,     // API Gateway REST API resource policy (execute-api:)
  BackupVault,           // AWS Backup vault access policy
  GlacierVault,          // S3 Glacier vault access policy
  EfsFileSystem,         // EFS file system policy (elasticfilesystem:)
  CodeArtifact,          // CodeArtifact domain or repository permissions policy
  GlueCatalog,           // AWS Glue Data Catalog resource policy
  OpenSearchDomain       // OpenSearch Service (Elasticsearch) domain access policy (es:)
};
// "identity", "resource", "trust", "scp", "boundary", "session", "rcp", "vpc-endpoint",
// "eventbridge-bus", "logs-resource", "s3-access-point", "sqs-queue", "sns-topic", "kms-key",
// "ecr-repository", "lambda-function", "secretsmanager-secret", "s3-bucket", "dynamodb-table",
// "apigateway-rest-api", "backup-vault", "glacier-vault", "efs-file-system", "codeartifact",
// "glue-catalog", "opensearch-domain".
[[nodiscard]] const char* policyTypeName(PolicyType type);
[[nodiscard]] std::optional<PolicyType> parsePolicyType(std::string_view text);
// Every type name, in enum order, for messages that list them.
[[nodiscard]] std::string policyTypeNames();
// Resource, or a resource-based policy of one service (EventBus onwards).
[[nodiscard]] bool isResourceBased(PolicyType type);
// The action prefix of a one-service resource-based type ("kms" for KmsKey), or empty.
[[nodiscard]] std::string_view serviceOfType(PolicyType type);
// Rcp and VpcEndpoint: an Allow in them grants nothing, it only lets requests through.
[[nodiscard]] bool onlyRestricts(PolicyType type);

// The type a plain policy file's content determines, and why (docs/lint.md, "Type
// inference"). When the content fits several types it is the neutral Resource, never a guess
// whose type-specific errors could be wrong.
struct InferredType {
  PolicyType type = PolicyType::Identity;
  std::string reason;
};
[[nodiscard]] InferredType inferPolicyType(const Node& root);

// A suppression written inside the file itself: a CloudFormation resource's (or the template's)
// `Metadata: policysim: ignore: [{rule, reason, sid}]`, or a `Metadata: checkov: skip:
// [{id, comment}]` entry (docs/lint.md). Applies to the policies of that resource (or template).
struct InlineSuppression {
  std::string rule;      // a policysim rule id, or (from checkov) a checkov check id
  std::string reason;    // required, non-empty
  std::string sid;       // empty: any statement
  bool checkov = false;  // from checkov's skip list: `rule` may be a checkov id
};

// One policy found in a file. `root` points into the SourceFile that found it.
struct PolicyInput {
  const Node* root = nullptr;
  PolicyType type = PolicyType::Identity;
  // Where the policy sits in a template or plan, e.g.
  // "Resources.AppRole.Properties.AssumeRolePolicyDocument" or
  // "aws_iam_role.app.assume_role_policy"; empty for a plain policy file.
  std::string label;
  // Appended to each finding's message (e.g. the principals a managed policy is attached to);
  // not part of the policy's identity.
  std::string note;
  std::vector<InlineSuppression> suppressions;
  // Set when the type was inferred from the content (not given by a template's resource type,
  // --type or the config): why. Type-specific findings say it.
  std::string typeReason;
};

// A problem that stops a file (or an embedded policy) from being read: invalid JSON or YAML.
struct ReadProblem {
  std::string message;
  Position position;
  std::string label;  // the embedded policy it belongs to, if any
};

struct SourceFile {
  bool recognized = false;  // false: not a policy, template or plan; the file is skipped
  InputFormat format = InputFormat::PolicyJson;
  std::unique_ptr<Node> root;
  std::vector<std::unique_ptr<Node>> embedded;  // policies parsed from JSON strings
  std::vector<PolicyInput> policies;
  std::vector<ReadProblem> problems;
};

struct SourceOptions {
  // The file was named on the command line: read it as a policy even when it does not look
  // like one (so a broken file is reported rather than skipped).
  bool named = false;
  // The type of a plain policy file; when unset it is inferred (Principal -> resource policy,
  // only sts:AssumeRole*-style actions -> role trust policy, otherwise identity).
  std::optional<PolicyType> policyType;
};

// The encodings a file's text is read in, told by its byte order mark.
enum class TextEncoding { Utf8, Utf8WithBom, Utf16Le, Utf16Be };

struct Utf8Text {
  std::string_view text;  // UTF-8, without the byte order mark
  TextEncoding encoding = TextEncoding::Utf8;
};

// A file's bytes as UTF-8 text: a UTF-8 byte order mark is dropped, UTF-16 with a byte order
// mark (what Windows PowerShell's `>` writes, e.g. `terraform show -json > plan.json`) is
// converted into *storage. Text without a byte order mark is taken as UTF-8 (the parsers check
// it). InvalidArgument, with the line and column reached, names what cannot be read that way:
// UTF-32, UTF-16 without a byte order mark, an odd number of UTF-16 bytes, an unpaired
// surrogate. REQUIRES: *storage outlives the returned view.
[[nodiscard]] engine::Result<Utf8Text> readAsUtf8(std::string_view bytes, std::string* storage);

// Reads a file's text (any encoding readAsUtf8 accepts). `path` decides the format by extension
// (.yaml/.yml: YAML; .json: JSON; others: by the first character). JSON is a Terraform plan, a
// CloudFormation template, `aws iam get-account-authorization-details` output (told by its
// UserDetailList/GroupDetailList/RoleDetailList/Policies lists) or a policy. Positions are in the
// UTF-8 text: for a UTF-16 file, columns count UTF-8 bytes (characters, for ASCII).
[[nodiscard]] SourceFile loadSource(std::string_view path, std::string_view text,
                                    const SourceOptions& options);

}  // namespace policysim::lint
