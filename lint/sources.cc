// File format detection and policy extraction for CloudFormation templates and Terraform plans.
#include "lint/sources.h"

#include <algorithm>
#include <map>
#include <utility>

#include "engine/request.h"
#include "lint/json_reader.h"
#include "lint/rules.h"
#include "lint/yaml_reader.h"

namespace policysim::lint {

using engine::toLowerAscii;

namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Marks CloudFormation intrinsic functions in JSON form ({"Ref": ...}, {"Fn::Sub": ...}).
// YAML short forms are marked by the YAML reader from their tags.
void markIntrinsics(Node* root) {
  std::vector<Node*> stack{root};
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    if (node->isObject() && node->members.size() == 1 &&
        (node->members[0].key == "Ref" || startsWith(node->members[0].key, "Fn::"))) {
      node->intrinsic = true;
    }
    for (NodeMember& member : node->members) {
      stack.push_back(&member.value);
    }
    for (Node& element : node->elements) {
      stack.push_back(&element);
    }
  }
}

// The number of leading spaces of the first non-blank line at or after `line` (1-based).
std::uint32_t indentOfLine(std::string_view text, std::uint32_t line) {
  std::size_t pos = 0;
  for (std::uint32_t l = 1; l < line && pos != std::string_view::npos; ++l) {
    pos = text.find('\n', pos);
    if (pos != std::string_view::npos) {
      ++pos;
    }
  }
  while (pos != std::string_view::npos && pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view content = text.substr(pos, end - pos);
    const std::size_t first = content.find_first_not_of(' ');
    if (first != std::string_view::npos && content[first] != '\r') {
      return static_cast<std::uint32_t>(first);
    }
    pos = end + 1;
  }
  return 0;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Offsets of URL-decoded text (RFC 3986 percent-encoding, as IAM's API returns policy documents)
// mapped to the encoded text's offsets, then through the outer mapper. '+' stays '+': RFC 3986
// encoders write a space as %20.
class UrlDecodedMap final : public PositionMapper {
 public:
  UrlDecodedMap(std::string_view encoded, const PositionMapper& outer, std::string* decoded)
      : outer_(outer) {
    decoded->clear();
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      offsets_.push_back(i);
      if (encoded[i] == '%' && i + 2 < encoded.size() && hexValue(encoded[i + 1]) >= 0 &&
          hexValue(encoded[i + 2]) >= 0) {
        decoded->push_back(
            static_cast<char>(hexValue(encoded[i + 1]) * 16 + hexValue(encoded[i + 2])));
        i += 2;
      } else {
        decoded->push_back(encoded[i]);
      }
    }
    offsets_.push_back(encoded.size());
  }
  [[nodiscard]] Position at(std::size_t offset) const override {
    return outer_.at(offsets_[std::min(offset, offsets_.size() - 1)]);
  }

 private:
  std::vector<std::size_t> offsets_;  // per decoded byte, plus one past the end
  const PositionMapper& outer_;
};

// A policy document written URL-encoded: it starts with a percent-encoded character ("%7B"
// is "{") where JSON would start with "{".
bool isUrlEncoded(std::string_view content) {
  const std::size_t first = content.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && content[first] == '%';
}

class Extractor {
 public:
  Extractor(std::string_view text, const LineMap& lines, SourceFile* file)
      : text_(text), lines_(lines), file_(file) {}

  // Adds the policy held by `value` (an object, or a JSON string) unless it is an intrinsic
  // function or empty.
  // Returns the policy added, or nullptr. The PolicyInput stays valid until the next call.
  PolicyInput* addPolicy(const Node* value, PolicyType type, std::string label) {
    if (value == nullptr || value->intrinsic || value->isNull()) {
      return nullptr;
    }
    if (value->isString()) {
      return addEmbedded(*value, type, std::move(label));
    }
    file_->policies.push_back(PolicyInput{value, type, std::move(label), {}, {}, {}});
    return &file_->policies.back();
  }

  // AWS::Events::EventBusPolicy holds one statement: its Statement property, or (the legacy
  // form) Action, Principal (an account id or "*") and Condition {Type, Key, Value}, which
  // EventBridge turns into an Allow statement. Linted as an event bus policy of that statement
  // under Version 2012-10-17, as EventBridge writes it; positions are the template's.
  void addEventBusStatement(const Node& properties, const std::string& prefix) {
    auto scalar = [&](std::string text) {
      Node node;
      node.type = Node::Type::String;
      node.text = std::move(text);
      node.position = properties.position;
      return node;
    };
    auto object = [&](Position position) {
      Node node;
      node.type = Node::Type::Object;
      node.position = position;
      return node;
    };
    auto root = std::make_unique<Node>(object(properties.position));
    root->members.push_back(NodeMember{"Version", properties.position, scalar("2012-10-17")});
    std::string label;
    if (const NodeMember* statement = properties.find("Statement"); statement != nullptr) {
      if (statement->value.intrinsic) {
        return;
      }
      root->members.push_back(NodeMember{"Statement", statement->keyPosition, statement->value});
      label = prefix + "Statement";
    } else {
      const NodeMember* action = properties.find("Action");
      const NodeMember* principal = properties.find("Principal");
      if (action == nullptr || principal == nullptr || action->value.intrinsic ||
          principal->value.intrinsic) {
        return;
      }
      Node allow = object(properties.position);
      allow.members.push_back(NodeMember{"Effect", properties.position, scalar("Allow")});
      allow.members.push_back(*action);
      if (principal->value.isString() && principal->value.text == "*") {
        allow.members.push_back(*principal);
      } else {
        Node aws = object(principal->value.position);
        aws.members.push_back(NodeMember{"AWS", principal->keyPosition, principal->value});
        allow.members.push_back(NodeMember{"Principal", principal->keyPosition, aws});
      }
      const Node* condition = properties.get("Condition");
      const Node* type = condition != nullptr ? condition->get("Type") : nullptr;
      const Node* key = condition != nullptr ? condition->get("Key") : nullptr;
      const Node* value = condition != nullptr ? condition->get("Value") : nullptr;
      if (type != nullptr && key != nullptr && value != nullptr && type->isString() &&
          key->isString() && !value->intrinsic) {
        Node keys = object(condition->position);
        keys.members.push_back(NodeMember{key->text, key->position, *value});
        Node operators = object(condition->position);
        operators.members.push_back(NodeMember{type->text, type->position, keys});
        allow.members.push_back(
            NodeMember{"Condition", properties.find("Condition")->keyPosition, operators});
      }
      root->members.push_back(NodeMember{"Statement", action->keyPosition, allow});
      label = prefix + "Action";
    }
    file_->policies.push_back(
        PolicyInput{root.get(), PolicyType::EventBus, std::move(label), {}, {}, {}});
    file_->embedded.push_back(std::move(root));
  }

  void addProblem(std::string message, Position position, std::string label) {
    file_->problems.push_back(ReadProblem{std::move(message), position, std::move(label)});
  }

 private:
  PolicyInput* addEmbedded(const Node& value, PolicyType type, std::string label) {
    const std::string_view content = value.text;
    if (content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return nullptr;  // empty: Terraform shows unknown values this way in some versions
    }
    auto node = std::make_unique<Node>();
    ReadError error;
    bool ok = false;
    if (isUrlEncoded(content)) {
      // IAM's API (GetAccountAuthorizationDetails, GetPolicyVersion) returns documents
      // URL-encoded; the AWS CLI decodes them, raw API output does not.
      std::string decoded;
      if (value.style == Node::Style::Json) {
        const JsonStringMap outer(text_, value.offset, lines_);
        const UrlDecodedMap map(content, outer, &decoded);
        ok = readJson(decoded, map, JsonReadLimits{}, node.get(), &error);
      } else {
        const FixedMap outer(value.position);
        const UrlDecodedMap map(content, outer, &decoded);
        ok = readJson(decoded, map, JsonReadLimits{}, node.get(), &error);
      }
      if (!ok) {
        error.message = "URL-encoded policy document: " + error.message;
      }
    } else {
      switch (value.style) {
        case Node::Style::Json: {
          const JsonStringMap map(text_, value.offset, lines_);
          ok = readJson(content, map, JsonReadLimits{}, node.get(), &error);
          break;
        }
        case Node::Style::YamlLiteral: {
          const std::uint32_t firstLine = value.position.line + 1;
          const BlockScalarMap map(content, firstLine, indentOfLine(text_, firstLine));
          ok = readJson(content, map, JsonReadLimits{}, node.get(), &error);
          break;
        }
        default: {
          const FixedMap map(value.position);
          ok = readJson(content, map, JsonReadLimits{}, node.get(), &error);
          break;
        }
      }
    }
    if (!ok) {
      file_->problems.push_back(ReadProblem{error.message, error.position, label});
      return nullptr;
    }
    file_->policies.push_back(PolicyInput{node.get(), type, std::move(label), {}, {}, {}});
    file_->embedded.push_back(std::move(node));
    return &file_->policies.back();
  }

  std::string_view text_;
  const LineMap& lines_;
  SourceFile* file_;
};

struct PolicyProperty {
  std::string_view resourceType;
  std::string_view property;
  PolicyType type;
};

// CloudFormation resource types and the property that holds their policy document.
constexpr PolicyProperty kCfnPolicies[] = {
    {"AWS::IAM::Policy", "PolicyDocument", PolicyType::Identity},
    {"AWS::IAM::ManagedPolicy", "PolicyDocument", PolicyType::Identity},
    {"AWS::IAM::RolePolicy", "PolicyDocument", PolicyType::Identity},
    {"AWS::IAM::UserPolicy", "PolicyDocument", PolicyType::Identity},
    {"AWS::IAM::GroupPolicy", "PolicyDocument", PolicyType::Identity},
    {"AWS::IAM::Role", "AssumeRolePolicyDocument", PolicyType::Trust},
    {"AWS::S3::BucketPolicy", "PolicyDocument", PolicyType::S3Bucket},
    {"AWS::SQS::QueuePolicy", "PolicyDocument", PolicyType::SqsQueue},
    {"AWS::SNS::TopicPolicy", "PolicyDocument", PolicyType::SnsTopic},
    {"AWS::S3::AccessPoint", "Policy", PolicyType::S3AccessPoint},
    {"AWS::S3ObjectLambda::AccessPointPolicy", "PolicyDocument", PolicyType::S3AccessPoint},
    {"AWS::S3::MultiRegionAccessPointPolicy", "Policy", PolicyType::S3AccessPoint},
    {"AWS::KMS::Key", "KeyPolicy", PolicyType::KmsKey},
    {"AWS::KMS::ReplicaKey", "KeyPolicy", PolicyType::KmsKey},
    {"AWS::SecretsManager::ResourcePolicy", "ResourcePolicy", PolicyType::SecretsManagerSecret},
    {"AWS::ECR::Repository", "RepositoryPolicyText", PolicyType::EcrRepository},
    {"AWS::EC2::VPCEndpoint", "PolicyDocument", PolicyType::VpcEndpoint},
    {"AWS::Events::EventBus", "Policy", PolicyType::EventBus},
    {"AWS::EventsV2::ResourcePolicy", "PolicyDocument", PolicyType::EventBus},
    {"AWS::Logs::ResourcePolicy", "PolicyDocument", PolicyType::LogsResource},
    {"AWS::OpenSearchService::Domain", "AccessPolicies", PolicyType::OpenSearchDomain},
    {"AWS::Elasticsearch::Domain", "AccessPolicies", PolicyType::OpenSearchDomain},
    {"AWS::ApiGateway::RestApi", "Policy", PolicyType::ApiGatewayRestApi},
    {"AWS::Backup::BackupVault", "AccessPolicy", PolicyType::BackupVault},
    {"AWS::EFS::FileSystem", "FileSystemPolicy", PolicyType::EfsFileSystem},
    {"AWS::CodeArtifact::Domain", "PermissionsPolicyDocument", PolicyType::CodeArtifact},
    {"AWS::CodeArtifact::Repository", "PermissionsPolicyDocument", PolicyType::CodeArtifact},
    {"AWS::SSO::PermissionSet", "InlinePolicy", PolicyType::Identity},
};

// AWS Organizations policy types (AWS::Organizations::Policy Type, aws_organizations_policy
// type) whose content is an IAM-language policy. Other types (tag, backup, AI opt-out) are
// JSON of their own and not linted.
std::optional<PolicyType> organizationsPolicyType(const Node* type) {
  if (type == nullptr || !type->isString()) {
    return std::nullopt;
  }
  if (type->text == "SERVICE_CONTROL_POLICY") {
    return PolicyType::Scp;
  }
  if (type->text == "RESOURCE_CONTROL_POLICY") {
    return PolicyType::Rcp;
  }
  return std::nullopt;
}

// Resource types whose Policies list holds inline identity policies.
constexpr std::string_view kCfnInlinePolicies[] = {"AWS::IAM::Role", "AWS::IAM::User",
                                                   "AWS::IAM::Group"};

const Node* scalarMember(const Node& object, std::string_view key) {
  const Node* value = object.get(key);
  return value != nullptr && value->isScalar() ? value : nullptr;
}

// The suppressions of a template's or resource's Metadata (docs/lint.md):
//   policysim: {ignore: [{rule: PS301, reason: "...", sid: "optional"}]}
//   checkov: {skip: [{id: CKV_AWS_1 or PS301, comment: "..."}]}
// A policysim entry without a known rule or a reason is a problem of the file; checkov entries
// naming checks policysim does not map are checkov's own and left alone.
void readMetadataSuppressions(const Node* metadata, const std::string& label, Extractor* extractor,
                              std::vector<InlineSuppression>* out) {
  if (metadata == nullptr || !metadata->isObject()) {
    return;
  }
  if (const Node* own = metadata->get("policysim"); own != nullptr) {
    const Node* ignore = own->isObject() ? own->get("ignore") : nullptr;
    if (ignore == nullptr || !ignore->isArray()) {
      extractor->addProblem(label + ".policysim: expected {ignore: [{rule, reason}]}",
                            own->position, {});
    } else {
      for (std::size_t i = 0; i < ignore->elements.size(); ++i) {
        const Node& entry = ignore->elements[i];
        const std::string where = label + ".policysim.ignore[" + std::to_string(i) + "]";
        const Node* rule = entry.isObject() ? scalarMember(entry, "rule") : nullptr;
        const Node* reason = entry.isObject() ? scalarMember(entry, "reason") : nullptr;
        const Node* sid = entry.isObject() ? scalarMember(entry, "sid") : nullptr;
        if (rule == nullptr || findRule(rule->text) == nullptr) {
          extractor->addProblem(where + ": \"rule\" must name a policysim rule (PS...)",
                                rule != nullptr ? rule->position : entry.position, {});
          continue;
        }
        if (reason == nullptr || reason->text.find_first_not_of(" \t\r\n") == std::string::npos) {
          extractor->addProblem(where + ": a suppression needs a \"reason\"", entry.position, {});
          continue;
        }
        out->push_back(InlineSuppression{std::string(findRule(rule->text)->id), reason->text,
                                         sid != nullptr ? sid->text : std::string(), false});
      }
    }
  }
  if (const Node* checkov = metadata->get("checkov"); checkov != nullptr && checkov->isObject()) {
    const Node* skip = checkov->get("skip");
    if (skip != nullptr && skip->isArray()) {
      for (const Node& entry : skip->elements) {
        const Node* id = entry.isObject() ? scalarMember(entry, "id") : nullptr;
        const Node* comment = entry.isObject() ? scalarMember(entry, "comment") : nullptr;
        if (id == nullptr) {
          continue;
        }
        if (comment == nullptr || comment->text.find_first_not_of(" \t\r\n") == std::string::npos) {
          if (findRule(id->text) != nullptr) {
            extractor->addProblem(
                label + ".checkov.skip: " + id->text + " needs a \"comment\" (the reason)",
                entry.position, {});
          }
          continue;
        }
        const RuleInfo* own = findRule(id->text);
        out->push_back(InlineSuppression{
            own != nullptr ? std::string(own->id) : id->text, comment->text, {}, own == nullptr});
      }
    }
  }
}

void extractResource(const NodeMember& resource, Extractor* extractor);

// DynamoDB's resource-based policies sit in a ResourcePolicy object's PolicyDocument: on
// AWS::DynamoDB::Table, on its StreamSpecification, and on each replica of an
// AWS::DynamoDB::GlobalTable (Replicas[i].ResourcePolicy and
// Replicas[i].ReplicaStreamSpecification.ResourcePolicy).
void addDynamoDbPolicy(const Node* holder, const std::string& path, Extractor* extractor) {
  const Node* policy = holder == nullptr ? nullptr : holder->get("ResourcePolicy");
  if (policy != nullptr && policy->isObject() && !policy->intrinsic) {
    extractor->addPolicy(policy->get("PolicyDocument"), PolicyType::DynamoDbTable,
                         path + "ResourcePolicy.PolicyDocument");
  }
}

void addDynamoDbPolicies(const Node& properties, const std::string& prefix, Extractor* extractor) {
  addDynamoDbPolicy(&properties, prefix, extractor);
  addDynamoDbPolicy(properties.get("StreamSpecification"), prefix + "StreamSpecification.",
                    extractor);
  const Node* replicas = properties.get("Replicas");
  if (replicas == nullptr || !replicas->isArray()) {
    return;
  }
  for (std::size_t i = 0; i < replicas->elements.size(); ++i) {
    const Node& replica = replicas->elements[i];
    if (replica.intrinsic || !replica.isObject()) {
      continue;
    }
    const std::string at = prefix + "Replicas[" + std::to_string(i) + "].";
    addDynamoDbPolicy(&replica, at, extractor);
    addDynamoDbPolicy(replica.get("ReplicaStreamSpecification"), at + "ReplicaStreamSpecification.",
                      extractor);
  }
}

void extractCloudFormation(const Node& root, Extractor* extractor, SourceFile* file) {
  const Node* resources = root.get("Resources");
  if (resources == nullptr || !resources->isObject()) {
    return;
  }
  std::vector<InlineSuppression> templateWide;
  readMetadataSuppressions(root.get("Metadata"), "Metadata", extractor, &templateWide);
  for (const NodeMember& resource : resources->members) {
    const std::size_t before = file->policies.size();
    std::vector<InlineSuppression> suppressions;
    readMetadataSuppressions(resource.value.get("Metadata"),
                             "Resources." + resource.key + ".Metadata", extractor, &suppressions);
    suppressions.insert(suppressions.end(), templateWide.begin(), templateWide.end());
    extractResource(resource, extractor);
    for (std::size_t i = before; i < file->policies.size(); ++i) {
      file->policies[i].suppressions = suppressions;
    }
  }
}

void extractResource(const NodeMember& resource, Extractor* extractor) {
  {
    const Node* typeNode = resource.value.get("Type");
    const Node* properties = resource.value.get("Properties");
    if (typeNode == nullptr || !typeNode->isString() || properties == nullptr ||
        !properties->isObject()) {
      return;
    }
    const std::string& type = typeNode->text;
    const std::string prefix = "Resources." + resource.key + ".Properties.";
    for (const PolicyProperty& entry : kCfnPolicies) {
      if (entry.resourceType == type) {
        extractor->addPolicy(properties->get(entry.property), entry.type,
                             prefix + std::string(entry.property));
      }
    }
    if (type == "AWS::Organizations::Policy") {
      if (const auto kind = organizationsPolicyType(properties->get("Type"))) {
        extractor->addPolicy(properties->get("Content"), *kind, prefix + "Content");
      }
    }
    if (type == "AWS::Events::EventBusPolicy") {
      extractor->addEventBusStatement(*properties, prefix);
    }
    if (type == "AWS::DynamoDB::Table" || type == "AWS::DynamoDB::GlobalTable") {
      addDynamoDbPolicies(*properties, prefix, extractor);
    }
    if (std::find(std::begin(kCfnInlinePolicies), std::end(kCfnInlinePolicies), type) !=
        std::end(kCfnInlinePolicies)) {
      const Node* policies = properties->get("Policies");
      if (policies == nullptr || !policies->isArray()) {
        return;
      }
      for (std::size_t i = 0; i < policies->elements.size(); ++i) {
        const Node& policy = policies->elements[i];
        if (policy.intrinsic || !policy.isObject()) {
          continue;
        }
        extractor->addPolicy(policy.get("PolicyDocument"), PolicyType::Identity,
                             prefix + "Policies[" + std::to_string(i) + "].PolicyDocument");
      }
    }
  }
}

// Terraform resource types and the attribute that holds their policy (a JSON string).
// Attribute names as the Terraform AWS provider documents them (registry docs of each
// resource): `policy` unless noted.
constexpr PolicyProperty kTerraformPolicies[] = {
    {"aws_iam_policy", "policy", PolicyType::Identity},
    {"aws_iam_role_policy", "policy", PolicyType::Identity},
    {"aws_iam_user_policy", "policy", PolicyType::Identity},
    {"aws_iam_group_policy", "policy", PolicyType::Identity},
    {"aws_iam_role", "assume_role_policy", PolicyType::Trust},
    {"aws_ssoadmin_permission_set_inline_policy", "inline_policy", PolicyType::Identity},
    {"aws_s3_bucket_policy", "policy", PolicyType::S3Bucket},
    {"aws_s3_bucket", "policy", PolicyType::S3Bucket},
    {"aws_s3_access_point", "policy", PolicyType::S3AccessPoint},
    {"aws_s3control_access_point_policy", "policy", PolicyType::S3AccessPoint},
    {"aws_s3control_object_lambda_access_point_policy", "policy", PolicyType::S3AccessPoint},
    {"aws_sqs_queue_policy", "policy", PolicyType::SqsQueue},
    {"aws_sqs_queue", "policy", PolicyType::SqsQueue},
    {"aws_sns_topic_policy", "policy", PolicyType::SnsTopic},
    {"aws_sns_topic", "policy", PolicyType::SnsTopic},
    {"aws_kms_key", "policy", PolicyType::KmsKey},
    {"aws_kms_key_policy", "policy", PolicyType::KmsKey},
    {"aws_kms_replica_key", "policy", PolicyType::KmsKey},
    {"aws_ecr_repository_policy", "policy", PolicyType::EcrRepository},
    {"aws_secretsmanager_secret_policy", "policy", PolicyType::SecretsManagerSecret},
    {"aws_secretsmanager_secret", "policy", PolicyType::SecretsManagerSecret},
    {"aws_vpc_endpoint", "policy", PolicyType::VpcEndpoint},
    {"aws_vpc_endpoint_policy", "policy", PolicyType::VpcEndpoint},
    {"aws_cloudwatch_event_bus_policy", "policy", PolicyType::EventBus},
    {"aws_cloudwatch_log_resource_policy", "policy_document", PolicyType::LogsResource},
    {"aws_glacier_vault", "access_policy", PolicyType::GlacierVault},
    {"aws_glacier_vault_lock", "policy", PolicyType::GlacierVault},
    {"aws_opensearch_domain", "access_policies", PolicyType::OpenSearchDomain},
    {"aws_opensearch_domain_policy", "access_policies", PolicyType::OpenSearchDomain},
    {"aws_elasticsearch_domain", "access_policies", PolicyType::OpenSearchDomain},
    {"aws_elasticsearch_domain_policy", "access_policies", PolicyType::OpenSearchDomain},
    {"aws_dynamodb_resource_policy", "policy", PolicyType::DynamoDbTable},
    {"aws_api_gateway_rest_api_policy", "policy", PolicyType::ApiGatewayRestApi},
    {"aws_api_gateway_rest_api", "policy", PolicyType::ApiGatewayRestApi},
    {"aws_backup_vault_policy", "policy", PolicyType::BackupVault},
    {"aws_efs_file_system_policy", "policy", PolicyType::EfsFileSystem},
    {"aws_codeartifact_domain_permissions_policy", "policy_document", PolicyType::CodeArtifact},
    {"aws_codeartifact_repository_permissions_policy", "policy_document", PolicyType::CodeArtifact},
    {"aws_glue_resource_policy", "policy", PolicyType::GlueCatalog},
};

void extractTerraformResource(const Node& resource, Extractor* extractor) {
  const Node* type = resource.get("type");
  const Node* values = resource.get("values");
  const Node* address = resource.get("address");
  const Node* mode = resource.get("mode");
  if (type == nullptr || !type->isString() || values == nullptr || !values->isObject()) {
    return;
  }
  if (mode != nullptr && mode->isString() && mode->text == "data") {
    return;  // data sources (aws_iam_policy_document) are rendered into the resources using them
  }
  const std::string prefix =
      (address != nullptr && address->isString() ? address->text : type->text) + ".";
  for (const PolicyProperty& entry : kTerraformPolicies) {
    if (entry.resourceType == type->text) {
      extractor->addPolicy(values->get(entry.property), entry.type,
                           prefix + std::string(entry.property));
    }
  }
  if (type->text == "aws_iam_role") {
    const Node* inline_policies = values->get("inline_policy");
    if (inline_policies != nullptr && inline_policies->isArray()) {
      for (std::size_t i = 0; i < inline_policies->elements.size(); ++i) {
        const Node& policy = inline_policies->elements[i];
        if (policy.isObject()) {
          extractor->addPolicy(policy.get("policy"), PolicyType::Identity,
                               prefix + "inline_policy[" + std::to_string(i) + "].policy");
        }
      }
    }
  }
  if (type->text == "aws_organizations_policy") {
    // The provider's default type is SERVICE_CONTROL_POLICY.
    const Node* policyType = values->get("type");
    const std::optional<PolicyType> kind = policyType == nullptr || policyType->isNull()
                                               ? std::optional<PolicyType>(PolicyType::Scp)
                                               : organizationsPolicyType(policyType);
    if (kind.has_value()) {
      extractor->addPolicy(values->get("content"), *kind, prefix + "content");
    }
  }
}

void extractTerraform(const Node& root, Extractor* extractor) {
  const Node* values = root.get("planned_values");
  if (values == nullptr) {
    values = root.get("values");  // `terraform show -json` of a state file
  }
  if (values == nullptr) {
    return;
  }
  std::vector<const Node*> modules;
  if (const Node* rootModule = values->get("root_module"); rootModule != nullptr) {
    modules.push_back(rootModule);
  }
  while (!modules.empty()) {
    const Node* module = modules.back();
    modules.pop_back();
    if (!module->isObject()) {
      continue;
    }
    if (const Node* resources = module->get("resources");
        resources != nullptr && resources->isArray()) {
      for (const Node& resource : resources->elements) {
        extractTerraformResource(resource, extractor);
      }
    }
    if (const Node* children = module->get("child_modules");
        children != nullptr && children->isArray()) {
      for (auto it = children->elements.rbegin(); it != children->elements.rend(); ++it) {
        modules.push_back(&*it);
      }
    }
  }
}

// ---- aws iam get-account-authorization-details ----

constexpr std::string_view kDetailLists[] = {"UserDetailList", "GroupDetailList", "RoleDetailList"};

bool isAuthorizationDetails(const Node& root) {
  for (std::string_view key : kDetailLists) {
    if (const Node* list = root.get(key); list != nullptr && list->isArray()) {
      return true;
    }
  }
  const Node* policies = root.get("Policies");
  return policies != nullptr && policies->isArray() &&
         std::any_of(policies->elements.begin(), policies->elements.end(),
                     [](const Node& p) { return p.isObject() && p.get("PolicyVersionList"); });
}

std::string textOf(const Node& object, std::string_view key) {
  const Node* value = object.get(key);
  return value != nullptr && value->isString() ? value->text : std::string();
}

struct PrincipalKind {
  std::string_view list;        // UserDetailList
  std::string_view kind;        // user
  std::string_view nameKey;     // UserName
  std::string_view inlineList;  // UserPolicyList
};

constexpr PrincipalKind kPrincipalKinds[] = {
    {"UserDetailList", "user", "UserName", "UserPolicyList"},
    {"GroupDetailList", "group", "GroupName", "GroupPolicyList"},
    {"RoleDetailList", "role", "RoleName", "RolePolicyList"},
};

// Every inline policy (and role trust policy) of the users, groups and roles, labelled with the
// principal, and every version of every managed policy, labelled with its ARN and version and
// noting the principals it is attached to (from their AttachedManagedPolicies).
void extractAuthorizationDetails(const Node& root, Extractor* extractor) {
  std::map<std::string, std::vector<std::string>> attachedTo;  // policy ARN -> "role X", ...
  for (const PrincipalKind& kind : kPrincipalKinds) {
    const Node* list = root.get(kind.list);
    if (list == nullptr || !list->isArray()) {
      continue;
    }
    for (const Node& principal : list->elements) {
      if (!principal.isObject()) {
        continue;
      }
      const std::string who = std::string(kind.kind) + " " + textOf(principal, kind.nameKey);
      if (kind.kind == "role") {
        extractor->addPolicy(principal.get("AssumeRolePolicyDocument"), PolicyType::Trust,
                             who + ": trust policy");
      }
      if (const Node* inlines = principal.get(kind.inlineList);
          inlines != nullptr && inlines->isArray()) {
        for (const Node& policy : inlines->elements) {
          if (policy.isObject()) {
            extractor->addPolicy(policy.get("PolicyDocument"), PolicyType::Identity,
                                 who + ": inline policy " + textOf(policy, "PolicyName"));
          }
        }
      }
      if (const Node* attached = principal.get("AttachedManagedPolicies");
          attached != nullptr && attached->isArray()) {
        for (const Node& policy : attached->elements) {
          if (policy.isObject()) {
            attachedTo[textOf(policy, "PolicyArn")].push_back(who);
          }
        }
      }
    }
  }
  const Node* policies = root.get("Policies");
  if (policies == nullptr || !policies->isArray()) {
    return;
  }
  for (const Node& policy : policies->elements) {
    const Node* versions = policy.isObject() ? policy.get("PolicyVersionList") : nullptr;
    if (versions == nullptr || !versions->isArray()) {
      continue;
    }
    const std::string arn = textOf(policy, "Arn");
    const auto it = attachedTo.find(arn);
    std::string attachments;
    if (it == attachedTo.end()) {
      attachments = "attached to no user, group or role in this file";
    } else {
      attachments = "attached to ";
      for (std::size_t i = 0; i < it->second.size(); ++i) {
        attachments += (i == 0 ? "" : ", ") + it->second[i];
      }
    }
    for (const Node& version : versions->elements) {
      if (!version.isObject()) {
        continue;
      }
      const Node* isDefault = version.get("IsDefaultVersion");
      const bool current = isDefault != nullptr && isDefault->text == "true";
      const std::string label =
          "managed policy " + (arn.empty() ? textOf(policy, "PolicyName") : arn) + " version " +
          textOf(version, "VersionId") + (current ? " (default)" : " (not the default version)");
      PolicyInput* added =
          extractor->addPolicy(version.get("Document"), PolicyType::Identity, label);
      if (added != nullptr) {
        added->note = attachments;
      }
    }
  }
}

// ---- one IAM API answer (the AWS CLI's output, or the raw response) ----
// `aws iam get-policy-version` ({"PolicyVersion": {"Document": ...}}: what snapshots of the
// AWS managed policies keep), `get-role-policy` / `get-user-policy` / `get-group-policy`
// ({"RoleName": ..., "PolicyName": ..., "PolicyDocument": ...}) and `get-role`
// ({"Role": {"AssumeRolePolicyDocument": ...}}). Documents may be URL-encoded, as in the API.

bool isIamResponse(const Node& root) {
  if (root.find("Statement") != nullptr) {
    return false;  // a policy itself
  }
  const Node* version = root.get("PolicyVersion");
  if (version != nullptr && version->isObject() && version->get("Document") != nullptr) {
    return true;
  }
  const Node* role = root.get("Role");
  if (role != nullptr && role->isObject() && role->get("AssumeRolePolicyDocument") != nullptr) {
    return true;
  }
  return root.get("PolicyDocument") != nullptr && root.get("PolicyName") != nullptr;
}

void extractIamResponse(const Node& root, Extractor* extractor) {
  if (const Node* version = root.get("PolicyVersion"); version != nullptr && version->isObject()) {
    const Node* isDefault = version->get("IsDefaultVersion");
    std::string label = "policy version " + textOf(*version, "VersionId");
    if (isDefault != nullptr) {
      label += isDefault->text == "true" ? " (default)" : " (not the default version)";
    }
    extractor->addPolicy(version->get("Document"), PolicyType::Identity, label);
  }
  if (const Node* role = root.get("Role"); role != nullptr && role->isObject()) {
    extractor->addPolicy(role->get("AssumeRolePolicyDocument"), PolicyType::Trust,
                         "role " + textOf(*role, "RoleName") + ": trust policy");
  }
  if (root.get("PolicyDocument") != nullptr) {
    std::string who;
    for (const PrincipalKind& kind : kPrincipalKinds) {
      if (const std::string name = textOf(root, kind.nameKey); !name.empty()) {
        who = std::string(kind.kind) + " " + name + ": ";
      }
    }
    extractor->addPolicy(root.get("PolicyDocument"), PolicyType::Identity,
                         who + "inline policy " + textOf(root, "PolicyName"));
  }
}

bool looksLikePolicyText(std::string_view text) {
  return text.find("\"Statement\"") != std::string_view::npos ||
         text.find("AWSTemplateFormatVersion") != std::string_view::npos ||
         text.find("\"Resources\"") != std::string_view::npos ||
         text.find("\"format_version\"") != std::string_view::npos ||
         text.find("DetailList\"") != std::string_view::npos ||
         text.find("\"PolicyVersion\"") != std::string_view::npos ||
         text.find("\"PolicyDocument\"") != std::string_view::npos;
}

bool isCloudFormation(const Node& root) {
  const Node* resources = root.get("Resources");
  if (resources == nullptr || !resources->isObject()) {
    return false;
  }
  if (root.find("AWSTemplateFormatVersion") != nullptr) {
    return true;
  }
  return std::any_of(resources->members.begin(), resources->members.end(), [](const NodeMember& m) {
    const Node* type = m.value.get("Type");
    return type != nullptr && type->isString() &&
           (startsWith(type->text, "AWS::") || startsWith(type->text, "Custom::"));
  });
}

// ---- Encodings ----

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
constexpr std::string_view kUtf16BeBom = "\xFE\xFF";
constexpr std::string_view kUtf32LeBom{"\xFF\xFE\0\0", 4};
constexpr std::string_view kUtf32BeBom{"\0\0\xFE\xFF", 4};

void appendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6U)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3FU)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12U)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6U) & 0x3FU)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3FU)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18U)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12U) & 0x3FU)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6U) & 0x3FU)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3FU)));
  }
}

// An encoding problem, located where decoding stopped: the end of what was decoded so far.
engine::Status encodingError(std::string message, std::string_view decoded) {
  const std::size_t lastNewline = decoded.rfind('\n');
  const std::size_t line =
      static_cast<std::size_t>(std::count(decoded.begin(), decoded.end(), '\n')) + 1;
  const std::size_t column =
      (lastNewline == std::string_view::npos ? decoded.size() : decoded.size() - lastNewline - 1) +
      1;
  return engine::Status::invalidArgument(std::move(message),
                                         engine::SourceLocation{{}, line, column});
}

std::string hexUnit(unsigned unit) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  std::string out = "U+";
  for (int shift = 12; shift >= 0; shift -= 4) {
    out += kDigits[(unit >> static_cast<unsigned>(shift)) & 0xFU];
  }
  return out;
}

// UTF-16 code units (after the byte order mark) to UTF-8; surrogate pairs are joined, a lone
// surrogate is an error, as is a trailing odd byte.
engine::Result<Utf8Text> decodeUtf16(std::string_view units, bool bigEndian, std::string* storage) {
  const auto* b = reinterpret_cast<const unsigned char*>(units.data());
  auto unitAt = [&](std::size_t i) -> unsigned {
    return bigEndian ? (unsigned{b[i]} << 8U) | b[i + 1] : b[i] | (unsigned{b[i + 1]} << 8U);
  };
  storage->clear();
  storage->reserve(units.size() / 2 + units.size() / 8);
  std::size_t i = 0;
  for (; i + 1 < units.size(); i += 2) {
    const unsigned unit = unitAt(i);
    char32_t c = unit;
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < units.size() && unitAt(i + 2) >= 0xDC00 &&
        unitAt(i + 2) <= 0xDFFF) {
      c = 0x10000 + ((unit - 0xD800) << 10U) + (unitAt(i + 2) - 0xDC00);
      i += 2;
    } else if (unit >= 0xD800 && unit <= 0xDFFF) {
      return encodingError("invalid UTF-16: unpaired surrogate " + hexUnit(unit), *storage);
    }
    appendUtf8(c, storage);
  }
  if (i != units.size()) {
    return encodingError(
        "UTF-16 text with an odd number of bytes: the file is cut short or not UTF-16", *storage);
  }
  return Utf8Text{*storage, bigEndian ? TextEncoding::Utf16Be : TextEncoding::Utf16Le};
}

// True when the first characters are ASCII written as UTF-16 of this byte order: a NUL byte
// beside each of them. UTF-8 text never has NUL bytes there (JSON and YAML refuse them).
bool looksLikeUtf16(std::string_view bytes, bool bigEndian) {
  const std::size_t pairs = std::min<std::size_t>(bytes.size() / 2, 4);
  if (pairs == 0) {
    return false;
  }
  for (std::size_t k = 0; k < pairs; ++k) {
    const char zero = bytes[2 * k + (bigEndian ? 0 : 1)];
    const char ascii = bytes[2 * k + (bigEndian ? 1 : 0)];
    if (zero != '\0' || ascii == '\0' || (static_cast<unsigned char>(ascii) & 0x80U) != 0) {
      return false;
    }
  }
  return true;
}

bool isTerraformPlan(const Node& root) {
  return root.find("format_version") != nullptr &&
         (root.find("planned_values") != nullptr || root.find("values") != nullptr ||
          root.find("resource_changes") != nullptr || root.find("terraform_version") != nullptr);
}

}  // namespace

const char* inputFormatName(InputFormat format) {
  switch (format) {
    case InputFormat::PolicyJson:
      return "policy";
    case InputFormat::CloudFormationJson:
      return "cloudformation-json";
    case InputFormat::CloudFormationYaml:
      return "cloudformation-yaml";
    case InputFormat::TerraformPlan:
      return "terraform-plan";
    case InputFormat::AuthorizationDetails:
      return "authorization-details";
    case InputFormat::IamResponse:
      return "iam-response";
  }
  return "policy";
}

engine::Result<Utf8Text> readAsUtf8(std::string_view bytes, std::string* storage) {
  // UTF-32's little-endian mark starts with UTF-16's: test it first.
  if (startsWith(bytes, kUtf32LeBom) || startsWith(bytes, kUtf32BeBom)) {
    return encodingError("the file is UTF-32: save it as UTF-8", {});
  }
  if (startsWith(bytes, kUtf8Bom)) {
    return Utf8Text{bytes.substr(kUtf8Bom.size()), TextEncoding::Utf8WithBom};
  }
  if (startsWith(bytes, kUtf16LeBom) || startsWith(bytes, kUtf16BeBom)) {
    return decodeUtf16(bytes.substr(2), startsWith(bytes, kUtf16BeBom), storage);
  }
  for (bool bigEndian : {false, true}) {
    if (looksLikeUtf16(bytes, bigEndian)) {
      return encodingError(std::string("the file looks like UTF-16 (") +
                               (bigEndian ? "big" : "little") +
                               "-endian) without a byte order mark: save it as UTF-8, or as "
                               "UTF-16 with a byte order mark",
                           {});
    }
  }
  return Utf8Text{bytes, TextEncoding::Utf8};
}

SourceFile loadSource(std::string_view path, std::string_view bytes, const SourceOptions& options) {
  SourceFile file;
  const std::string lowerPath = toLowerAscii(path);
  auto endsWith = [&](std::string_view suffix) {
    return lowerPath.size() >= suffix.size() &&
           lowerPath.compare(lowerPath.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  const bool jsonPath = endsWith(".json");
  bool yaml = endsWith(".yaml") || endsWith(".yml");
  // A file found in a directory that cannot be read: the message says how to leave it out, in
  // case it is not a policy.
  auto unreadable = [&](std::string message, Position position, bool hint) {
    file.recognized = true;
    if (hint && !options.named) {
      message += "; if it is not a policy, list it under ignorePaths in .policysim.json";
    }
    file.problems.push_back(ReadProblem{std::move(message), position, {}});
  };

  std::string converted;
  const engine::Result<Utf8Text> decoded = readAsUtf8(bytes, &converted);
  if (!decoded.ok()) {
    // Reported as a parse error of the same file would be; YAML found in a directory may be
    // anything (Kubernetes, CI settings) and is skipped.
    if (options.named || !yaml) {
      const engine::SourceLocation& where = decoded.status().location();
      file.format = yaml ? InputFormat::CloudFormationYaml : InputFormat::PolicyJson;
      unreadable(decoded.status().message(),
                 Position{static_cast<std::uint32_t>(where.line),
                          static_cast<std::uint32_t>(where.column)},
                 true);
    }
    return file;
  }
  const std::string_view text = decoded.value().text;
  if (!yaml && !jsonPath) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    yaml = first != std::string_view::npos && text[first] != '{' && text[first] != '[';
  }
  const LineMap lines(text);
  file.root = std::make_unique<Node>();
  ReadError error;

  if (yaml) {
    if (!readYaml(text, YamlReadLimits{}, file.root.get(), &error)) {
      if (options.named || text.find("AWSTemplateFormatVersion") != std::string_view::npos ||
          text.find("Resources:") != std::string_view::npos) {
        file.recognized = true;
        file.format = InputFormat::CloudFormationYaml;
        file.problems.push_back(ReadProblem{error.message, error.position, {}});
      }
      return file;
    }
    if (!file.root->isObject() || !isCloudFormation(*file.root)) {
      return file;
    }
    file.recognized = true;
    file.format = InputFormat::CloudFormationYaml;
    markIntrinsics(file.root.get());
    Extractor extractor(text, lines, &file);
    extractCloudFormation(*file.root, &extractor, &file);
    return file;
  }

  if (!readJson(text, lines, JsonReadLimits{}, file.root.get(), &error)) {
    // A .json file is reported even when nothing says it is a policy: a policy broken by a
    // merge must not drop out of CI silently.
    const bool policyLike = looksLikePolicyText(text);
    if (options.named || policyLike || jsonPath) {
      unreadable(error.message, error.position, !policyLike);
    }
    return file;
  }
  const Node& root = *file.root;
  Extractor extractor(text, lines, &file);
  if (root.isObject() && isTerraformPlan(root)) {
    file.recognized = true;
    file.format = InputFormat::TerraformPlan;
    extractTerraform(root, &extractor);
    return file;
  }
  if (root.isObject() && isAuthorizationDetails(root)) {
    file.recognized = true;
    file.format = InputFormat::AuthorizationDetails;
    extractAuthorizationDetails(root, &extractor);
    return file;
  }
  if (root.isObject() && isIamResponse(root)) {
    file.recognized = true;
    file.format = InputFormat::IamResponse;
    extractIamResponse(root, &extractor);
    return file;
  }
  if (root.isObject() && isCloudFormation(root)) {
    file.recognized = true;
    file.format = InputFormat::CloudFormationJson;
    markIntrinsics(file.root.get());
    extractCloudFormation(root, &extractor, &file);
    return file;
  }
  if ((root.isObject() && root.find("Statement") != nullptr) || options.named) {
    file.recognized = true;
    file.format = InputFormat::PolicyJson;
    InferredType type{PolicyType::Identity, {}};
    if (options.policyType.has_value()) {
      type.type = *options.policyType;
    } else if (root.isObject()) {
      type = inferPolicyType(root);
    }
    file.policies.push_back(
        PolicyInput{file.root.get(), type.type, {}, {}, {}, std::move(type.reason)});
  }
  return file;
}

}  // namespace policysim::lint
