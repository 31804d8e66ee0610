// Policy type names and the inference of a plain policy file's type from its content
// (docs/lint.md, "Policy types" and "Type inference").
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "engine/request.h"
#include "grammar/wildcard.h"
#include "lint/sources.h"

namespace policysim::lint {

using engine::toLowerAscii;

namespace {

struct TypeInfo {
  PolicyType type;
  const char* name;
  std::string_view service;  // one-service resource-based types: the action prefix
  const char* what;          // for inference reasons
};

constexpr std::array<TypeInfo, 26> kTypes = {{
    {PolicyType::Identity, "identity", "", "identity-based policy"},
    {PolicyType::Resource, "resource", "", "resource-based policy"},
    {PolicyType::Trust, "trust", "", "role trust policy"},
    {PolicyType::Scp, "scp", "", "service control policy"},
    {PolicyType::Boundary, "boundary", "", "permissions boundary"},
    {PolicyType::Session, "session", "", "session policy"},
    {PolicyType::Rcp, "rcp", "", "resource control policy"},
    {PolicyType::VpcEndpoint, "vpc-endpoint", "", "VPC endpoint policy"},
    {PolicyType::EventBus, "eventbridge-bus", "events", "EventBridge event bus policy"},
    {PolicyType::LogsResource, "logs-resource", "logs", "CloudWatch Logs resource policy"},
    {PolicyType::S3AccessPoint, "s3-access-point", "s3", "S3 access point policy"},
    {PolicyType::SqsQueue, "sqs-queue", "sqs", "SQS queue policy"},
    {PolicyType::SnsTopic, "sns-topic", "sns", "SNS topic policy"},
    {PolicyType::KmsKey, "kms-key", "kms", "KMS key policy"},
    {PolicyType::EcrRepository, "ecr-repository", "ecr", "ECR repository policy"},
    {PolicyType::LambdaFunction, "lambda-function", "lambda", "Lambda function policy"},
    {PolicyType::SecretsManagerSecret, "secretsmanager-secret", "secretsmanager",
     "Secrets Manager secret policy"},
    {PolicyType::S3Bucket, "s3-bucket", "s3", "S3 bucket policy"},
    {PolicyType::DynamoDbTable, "dynamodb-table", "dynamodb", "DynamoDB resource-based policy"},
    {PolicyType::ApiGatewayRestApi, "apigateway-rest-api", "execute-api",
     "API Gateway resource policy"},
    {PolicyType::BackupVault, "backup-vault", "backup", "Backup vault access policy"},
    {PolicyType::GlacierVault, "glacier-vault", "glacier", "Glacier vault access policy"},
    {PolicyType::EfsFileSystem, "efs-file-system", "elasticfilesystem", "EFS file system policy"},
    {PolicyType::CodeArtifact, "codeartifact", "codeartifact",
     "CodeArtifact domain or repository policy"},
    {PolicyType::GlueCatalog, "glue-catalog", "glue", "Glue Data Catalog resource policy"},
    {PolicyType::OpenSearchDomain, "opensearch-domain", "es", "OpenSearch domain access policy"},
}};

const TypeInfo& infoOf(PolicyType type) {
  for (const TypeInfo& info : kTypes) {
    if (info.type == type) {
      return info;
    }
  }
  return kTypes[0];
}

bool isTrustAction(std::string_view lowerAction) {
  return lowerAction.starts_with("sts:assumerole") || lowerAction == "sts:tagsession" ||
         lowerAction == "sts:setsourceidentity" || lowerAction == "sts:setcontext";
}

bool isStarPrincipal(const Node& principal) {
  if (principal.isString()) {
    return principal.text == "*";
  }
  const Node* aws = principal.isObject() ? principal.get("AWS") : nullptr;
  return principal.isObject() && principal.members.size() == 1 && aws != nullptr &&
         aws->isString() && aws->text == "*";
}

bool isStar(const Node* value) {
  if (value == nullptr) {
    return false;
  }
  if (value->isString()) {
    return value->text == "*";
  }
  return value->isArray() && value->elements.size() == 1 && value->elements[0].isString() &&
         value->elements[0].text == "*";
}

// What the statements say that tells types apart.
struct Content {
  bool principal = false;  // a statement has Principal or NotPrincipal
  bool resource = false;   // a statement has Resource or NotResource
  bool notAction = false;  // a statement has NotAction
  // Every statement is either the allow-all form (Allow, Principal "*", Action "*", Resource
  // "*" or none, no Condition) or a Deny, and at least one is the allow-all form.
  bool allowAllWithDenies = true;
  bool anyAllowAll = false;
  std::vector<std::string> actions;  // lower case, as written
};

Content readContent(const Node& root) {
  Content content;
  const Node* statement = root.get("Statement");
  std::vector<const Node*> statements;
  if (statement != nullptr && statement->isObject()) {
    statements.push_back(statement);
  } else if (statement != nullptr && statement->isArray()) {
    for (const Node& s : statement->elements) {
      statements.push_back(&s);
    }
  }
  for (const Node* s : statements) {
    if (!s->isObject()) {
      content.allowAllWithDenies = false;
      continue;
    }
    const Node* principal = s->get("Principal");
    const Node* effect = s->get("Effect");
    content.principal =
        content.principal || principal != nullptr || s->find("NotPrincipal") != nullptr;
    content.resource =
        content.resource || s->find("Resource") != nullptr || s->find("NotResource") != nullptr;
    content.notAction = content.notAction || s->find("NotAction") != nullptr;
    const Node* resource = s->get("Resource");
    const bool allowAll =
        effect != nullptr && effect->isString() && effect->text == "Allow" &&
        principal != nullptr && isStarPrincipal(*principal) && isStar(s->get("Action")) &&
        (resource == nullptr ? s->find("NotResource") == nullptr : isStar(resource)) &&
        s->find("Condition") == nullptr;
    const bool deny = effect != nullptr && effect->isString() && effect->text == "Deny";
    content.anyAllowAll = content.anyAllowAll || allowAll;
    content.allowAllWithDenies = content.allowAllWithDenies && (allowAll || deny);
    for (const char* key : {"Action", "NotAction"}) {
      const Node* action = s->get(key);
      if (action == nullptr) {
        continue;
      }
      if (action->isString()) {
        content.actions.push_back(toLowerAscii(action->text));
      }
      for (const Node& a : action->elements) {
        content.actions.push_back(a.isString() ? toLowerAscii(a.text) : std::string("?"));
      }
    }
  }
  return content;
}

}  // namespace

const char* policyTypeName(PolicyType type) { return infoOf(type).name; }

std::optional<PolicyType> parsePolicyType(std::string_view text) {
  const std::string lower = toLowerAscii(text);
  for (const TypeInfo& info : kTypes) {
    if (lower == info.name) {
      return info.type;
    }
  }
  return std::nullopt;
}

std::string policyTypeNames() {
  std::string out;
  for (const TypeInfo& info : kTypes) {
    out += (out.empty() ? "" : ", ") + std::string(info.name);
  }
  return out;
}

bool isResourceBased(PolicyType type) {
  return type == PolicyType::Resource || !infoOf(type).service.empty();
}

std::string_view serviceOfType(PolicyType type) { return infoOf(type).service; }

bool onlyRestricts(PolicyType type) {
  return type == PolicyType::Rcp || type == PolicyType::VpcEndpoint;
}

// Decides only what the content determines:
//  - no principal: identity-based (SCPs, boundaries and session policies read the same way);
//  - principals, only sts:AssumeRole*-style actions and no Resource: a role trust policy (a
//    Resource rules it out: trust policies have none, RCPs and other resource policies may);
//  - an Allow of everything to Principal "*" without condition, and only Denies beside it, is
//    AWS's default VPC endpoint policy or RCPFullAWSAccess, or a resource policy that makes
//    everything public: the text cannot tell, so it stays the neutral resource-based type and
//    its public-access findings stand (a linter must not silence a hole on a guess); the reason
//    says how to declare an endpoint policy or RCP, whose rules only restrict;
//  - principals and every action of one service that has its own resource policy type (kms,
//    sqs, sns, ecr, lambda, secretsmanager, events, logs, dynamodb, execute-api, backup,
//    glacier, elasticfilesystem, codeartifact, glue, es; not s3): that type, whose rules are
//    warnings about other services' actions and ARNs, which such a policy has none of by
//    construction. Each service has one type, so two types are never confused;
//  - otherwise the neutral resource-based type: it could be an RCP, a VPC endpoint policy or
//    any service's resource policy, so no rule of one of those is applied.
InferredType inferPolicyType(const Node& root) {
  const Content content = readContent(root);
  if (!content.principal) {
    return {PolicyType::Identity,
            "no statement names a principal: identity-based (set scp, boundary or session with "
            "--type or policyTypes)"};
  }
  const bool anyAction = !content.actions.empty();
  const bool trustOnly = anyAction && !content.notAction &&
                         std::all_of(content.actions.begin(), content.actions.end(),
                                     [](const std::string& a) { return isTrustAction(a); });
  if (trustOnly && !content.resource) {
    return {PolicyType::Trust,
            "principals with only sts:AssumeRole*/TagSession-style actions and no Resource: a "
            "role trust policy"};
  }
  if (content.anyAllowAll && content.allowAllWithDenies) {
    return {PolicyType::Resource,
            "an Allow of every action on every resource to Principal \"*\": the form of AWS's "
            "default VPC endpoint policy and of RCPFullAWSAccess, which only restrict, but also "
            "of a resource policy that makes everything public; declare the type (--type "
            "vpc-endpoint or rcp, or policyTypes in the config) if it is one of those"};
  }
  if (anyAction && !content.notAction) {
    std::string_view service;
    bool one = true;
    for (const std::string& action : content.actions) {
      const std::size_t colon = action.find(':');
      const std::string_view prefix = colon == std::string::npos
                                          ? std::string_view("*")
                                          : std::string_view(action).substr(0, colon);
      one = one && prefix != "*" && (service.empty() || service == prefix);
      service = prefix;
    }
    // logs: only the actions a Logs resource policy supports; others (logs:PutSubscriptionFilter)
    // are a subscription destination's policy, another kind.
    if (one && service == "logs") {
      one = std::all_of(content.actions.begin(), content.actions.end(), [](const std::string& a) {
        const auto pattern = grammar::WildcardPattern::fromGlob(a);
        return pattern.matches("logs:putlogevents") || pattern.matches("logs:createlogstream");
      });
    }
    if (one && service != "s3") {  // s3: a bucket, an access point, an RCP or an endpoint
      for (const TypeInfo& info : kTypes) {
        if (!info.service.empty() && info.service == service) {
          return {info.type,
                  "principals and only " + std::string(service) + ": actions: " + info.what};
        }
      }
    }
  }
  std::string reason =
      "principals named; the actions do not tell which service's resource policy, RCP or VPC "
      "endpoint policy it is: resource-based rules of no particular service";
  if (trustOnly) {
    reason =
        "principals with only sts: session actions, but with a Resource, which role trust "
        "policies cannot have (an RCP or VPC endpoint policy can): resource-based rules of no "
        "particular service";
  }
  return {PolicyType::Resource, reason};
}

}  // namespace policysim::lint
