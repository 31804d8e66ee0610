#include "analysis/cloudtrail.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "engine/source_location.h"
#include "grammar/ip.h"

namespace policysim::analysis {
namespace {

using JsonValue = rapidjson::Value;
using engine::Status;

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseFullPrecisionFlag;

const JsonValue* member(const JsonValue* object, const char* key) {
  if (object == nullptr || !object->IsObject()) {
    return nullptr;
  }
  const auto it = object->FindMember(key);
  return it == object->MemberEnd() ? nullptr : &it->value;
}

// The string at object.key, or "" when absent or not a string.
std::string_view stringAt(const JsonValue* object, const char* key) {
  const JsonValue* value = member(object, key);
  if (value == nullptr || !value->IsString()) {
    return {};
  }
  return {value->GetString(), value->GetStringLength()};
}

// IAM actions on a user: the resource is user/<userName>, or the caller when userName is left
// out (IAM then acts on the user who signs the request).
bool isUserScopedIamAction(std::string_view action) {
  constexpr std::string_view kActions =
      " ChangePassword CreateAccessKey DeleteAccessKey ListAccessKeys UpdateAccessKey "
      "GetUser EnableMFADevice ListMFADevices ResyncMFADevice DeactivateMFADevice "
      "UploadSigningCertificate UpdateSigningCertificate ListSigningCertificates "
      "DeleteSigningCertificate UploadSSHPublicKey UpdateSSHPublicKey ListSSHPublicKeys "
      "GetSSHPublicKey DeleteSSHPublicKey CreateServiceSpecificCredential "
      "UpdateServiceSpecificCredential ResetServiceSpecificCredential "
      "ListServiceSpecificCredentials DeleteServiceSpecificCredential GetLoginProfile "
      "CreateLoginProfile UpdateLoginProfile DeleteLoginProfile CreateUser DeleteUser "
      "UpdateUser TagUser UntagUser ListUserTags ListGroupsForUser ListAttachedUserPolicies "
      "ListUserPolicies GetUserPolicy PutUserPolicy DeleteUserPolicy AttachUserPolicy "
      "DetachUserPolicy ";
  const std::string padded = " " + std::string(action) + " ";
  return kActions.find(padded) != std::string_view::npos;
}

// Resources of the request: resources[].ARN when CloudTrail lists them, else derived from the
// request parameters for S3 and IAM users, else "*".
std::vector<std::string> requestResources(const JsonValue& event, std::string_view service,
                                          std::string_view iamAction, std::string_view account,
                                          std::string_view callerArn, bool callerIsUser) {
  std::vector<std::string> out;
  const JsonValue* resources = member(&event, "resources");
  if (resources != nullptr && resources->IsArray()) {
    std::vector<std::string> objects;
    for (const JsonValue& resource : resources->GetArray()) {
      const std::string_view arn = stringAt(&resource, "ARN");
      const std::string_view type = stringAt(&resource, "type");
      if (arn.empty() || type == "AWS::IAM::AccessKey") {
        continue;
      }
      (type == "AWS::S3::Object" ? objects : out).emplace_back(arn);
    }
    if (!objects.empty()) {
      return objects;  // object-level S3 events also list the bucket; the object is authorized
    }
    if (!out.empty()) {
      return out;
    }
  }
  const JsonValue* parameters = member(&event, "requestParameters");
  if (service == "s3") {
    const std::string_view bucket = stringAt(parameters, "bucketName");
    const std::string_view key = stringAt(parameters, "key");
    if (!bucket.empty()) {
      out.push_back("arn:aws:s3:::" + std::string(bucket) +
                    (key.empty() ? "" : "/" + std::string(key)));
    }
  } else if (service == "iam" && isUserScopedIamAction(iamAction)) {
    const std::string_view user = stringAt(parameters, "userName");
    if (!user.empty() && !account.empty()) {
      out.push_back("arn:aws:iam::" + std::string(account) + ":user/" + std::string(user));
    } else if (user.empty() && callerIsUser) {
      out.emplace_back(callerArn);
    }
  } else if (service == "iam" && iamAction == "CreateVirtualMFADevice") {
    const std::string_view name = stringAt(parameters, "virtualMFADeviceName");
    std::string path(stringAt(parameters, "path"));
    if (path.empty()) {
      path = "/";
    }
    if (!name.empty() && !account.empty()) {
      out.push_back("arn:aws:iam::" + std::string(account) + ":mfa" + path + std::string(name));
    }
  }
  if (out.empty()) {
    out.emplace_back("*");
  }
  return out;
}

void setString(Request* request, std::string_view key, std::string_view value,
               engine::ContextValue::Type type = engine::ContextValue::Type::String) {
  engine::ContextValue v;
  v.type = type;
  v.values.emplace_back(value);
  request->setContext(key, std::move(v));
}

MappedRecord notReplayed(MappedRecord record, RecordOutcome outcome, std::string why) {
  record.outcome = outcome;
  record.skipReason = std::move(why);
  return record;
}

Result<MappedRecord> mapEvent(const JsonValue& event, const CloudTrailOptions& options) {
  MappedRecord out;
  if (!event.IsObject()) {
    return Status::invalidArgument("a CloudTrail event must be a JSON object");
  }
  const std::string_view eventTime = stringAt(&event, "eventTime");
  const std::string_view eventSource = stringAt(&event, "eventSource");
  const std::string_view eventName = stringAt(&event, "eventName");
  const JsonValue* identity = member(&event, "userIdentity");
  for (auto [value, name] :
       {std::pair{eventTime, "eventTime"}, std::pair{eventSource, "eventSource"},
        std::pair{eventName, "eventName"}}) {
    if (value.empty()) {
      return Status::invalidArgument(std::string("no \"") + name + "\" string");
    }
  }
  if (identity == nullptr || !identity->IsObject()) {
    return Status::invalidArgument("no \"userIdentity\" object");
  }
  auto time = parseTimestamp(eventTime);
  if (!time.ok()) {
    return Status::invalidArgument("eventTime: " + time.status().message());
  }
  out.time = time.value();
  out.errorCode = std::string(stringAt(&event, "errorCode"));
  const std::string_view type = stringAt(identity, "type");
  const std::string_view arn = stringAt(identity, "arn");
  const std::string_view account = stringAt(identity, "accountId");

  if (eventName == "ConsoleLogin") {
    out.outcome = RecordOutcome::ConsoleSignIn;
    out.signIn.principal = arn.empty() ? std::string(type) : std::string(arn);
    out.signIn.mfa = stringAt(member(&event, "additionalEventData"), "MFAUsed") == "Yes";
    out.signIn.success = stringAt(member(&event, "responseElements"), "ConsoleLogin") != "Failure";
    return out;
  }
  if (stringAt(&event, "eventType") == "AwsServiceEvent") {
    return notReplayed(std::move(out), RecordOutcome::Skipped,
                       "service event: no caller to evaluate");
  }
  if (type != "IAMUser" && type != "Root" && type != "AssumedRole" && type != "FederatedUser") {
    return notReplayed(std::move(out), RecordOutcome::Skipped,
                       "caller type " + (type.empty() ? "(none)" : std::string(type)) +
                           " is not an IAM user, role session, federated user or root");
  }
  if (arn.empty()) {
    return Status::invalidArgument("userIdentity has no \"arn\"");
  }
  const std::string service = servicePrefix(eventSource);
  const std::string name = iamActionName(service, eventName);
  out.request.action = service + ":" + name;
  if (engine::needsNoPermission(out.request.action)) {
    return notReplayed(std::move(out), RecordOutcome::NeedsNoPermission,
                       "needs no permission (semantics §4.9)");
  }

  // Credentials -> scenario.
  const std::string_view keyId = stringAt(identity, "accessKeyId");
  const JsonValue* session = member(identity, "sessionContext");
  const JsonValue* attributes = member(session, "attributes");
  const bool longTerm = keyId.starts_with("AKIA");
  const bool temporary = keyId.starts_with("ASIA") || (attributes != nullptr && !longTerm);
  const bool mfaAuthenticated = stringAt(attributes, "mfaAuthenticated") == "true";
  const std::string_view invokedBy = stringAt(identity, "invokedBy");
  // A service calling with the user's credentials (forward access): MFA false (§5.1).
  const bool viaService = invokedBy.ends_with(".amazonaws.com");
  const bool mfa = mfaAuthenticated && !viaService;
  const bool console = stringAt(&event, "sessionCredentialFromConsole") == "true";
  if (!longTerm && !temporary) {
    return notReplayed(
        std::move(out), RecordOutcome::Skipped,
        "credentials unknown (no accessKeyId and no sessionContext) for " + std::string(arn));
  }
  ScenarioOptions scenario;
  scenario.assumeRoleCarriesMfa = options.assumeRoleCarriesMfa;
  scenario.principal = std::string(arn);
  if (type == "IAMUser" || type == "Root") {
    const bool root = type == "Root";
    if (longTerm) {
      scenario.scenario = Scenario::AccessKey;
    } else if (root) {
      scenario.scenario = mfa ? Scenario::RootMfa : Scenario::Root;
    } else if (console) {
      scenario.scenario = mfa ? Scenario::ConsoleMfa : Scenario::Console;
    } else {
      scenario.scenario = mfa ? Scenario::SessionMfa : Scenario::SessionNoMfa;
    }
  } else if (type == "AssumedRole") {
    scenario.scenario = mfa ? Scenario::AssumeRoleMfa : Scenario::AssumeRole;
    const std::string_view issuer = stringAt(member(session, "sessionIssuer"), "arn");
    auto sessionArn = parsePrincipalArn(arn);
    if (!sessionArn.ok() || sessionArn.value().kind != PrincipalKind::RoleSession) {
      return Status::invalidArgument("AssumedRole caller " + std::string(arn) +
                                     " is not a role-session ARN");
    }
    scenario.sessionName = sessionArn.value().sessionName;
    if (!issuer.empty()) {
      scenario.principal = std::string(issuer);
    }
  } else {
    scenario.scenario = Scenario::Federated;
  }
  out.scenario = scenario.scenario;

  // What CloudTrail knows goes in as explicit keys, which the scenario keeps.
  Request& request = out.request;
  setString(&request, "aws:CurrentTime", formatTimestamp(out.time),
            engine::ContextValue::Type::Date);
  if (temporary) {
    const std::string_view created = stringAt(attributes, "creationDate");
    if (created.empty()) {
      return notReplayed(std::move(out), RecordOutcome::Skipped,
                         "temporary credentials without sessionContext.attributes.creationDate: "
                         "MFA age unknown");
    }
    auto issued = parseTimestamp(created);
    if (!issued.ok()) {
      return Status::invalidArgument("creationDate: " + issued.status().message());
    }
    setString(&request, "aws:TokenIssueTime", formatTimestamp(issued.value()),
              engine::ContextValue::Type::Date);
  }
  const std::string_view principalId = stringAt(identity, "principalId");
  if (!principalId.empty()) {
    setString(&request, "aws:userid", principalId);
  }
  const std::string_view sourceIp = stringAt(&event, "sourceIPAddress");
  if (!sourceIp.empty() && grammar::parseIpAddress(sourceIp).ok()) {
    setString(&request, "aws:SourceIp", sourceIp, engine::ContextValue::Type::Ip);
  }
  const std::string_view region = stringAt(&event, "awsRegion");
  if (!region.empty()) {
    setString(&request, "aws:RequestedRegion", region);
  }
  if (viaService) {
    setString(&request, "aws:ViaAWSService", "true", engine::ContextValue::Type::Bool);
    if (mfaAuthenticated) {
      setString(&request, "aws:MultiFactorAuthPresent", "false", engine::ContextValue::Type::Bool);
    }
  }
  // The AssumeRole call itself, made with SerialNumber+TokenCode, carries MFA (§5.1).
  if (request.action == "sts:AssumeRole" &&
      !stringAt(member(&event, "requestParameters"), "serialNumber").empty()) {
    setString(&request, "aws:MultiFactorAuthPresent", "true", engine::ContextValue::Type::Bool);
    setString(&request, "aws:MultiFactorAuthAge", "0", engine::ContextValue::Type::Number);
  }
  auto applied = applyScenario(scenario, &request);
  if (!applied.ok()) {
    return Status::invalidArgument(std::string(scenarioInfo(scenario.scenario).name) + ": " +
                                   applied.status().message());
  }
  const engine::ContextValue* principalArn = request.findContext("aws:PrincipalArn");
  out.principal = principalArn != nullptr && !principalArn->values.empty() ? principalArn->values[0]
                                                                           : request.principal;
  if (!options.principals.empty()) {
    const bool wanted = std::any_of(
        options.principals.begin(), options.principals.end(),
        [&](const auto& p) { return p == out.principal || p == request.principal || p == arn; });
    if (!wanted) {
      return notReplayed(std::move(out), RecordOutcome::OtherPrincipal, "");
    }
  }
  out.resources = requestResources(event, service, name, account, arn, type == "IAMUser");
  out.outcome = RecordOutcome::Request;
  return out;
}

// Maps the event and, when it is malformed, says where it is.
CloudTrailEntry entryAt(std::string_view path, std::size_t index, std::size_t line,
                        const JsonValue& event, const CloudTrailOptions& options) {
  Result<MappedRecord> record = mapEvent(event, options);
  if (!record.ok()) {
    record = Status::invalidArgument(record.status().message(), {std::string(path), line, 0});
  }
  return {index, std::move(record)};
}

// JSON Lines: one event per line; a line that is not JSON fails on its own.
std::vector<CloudTrailEntry> readJsonLines(std::string_view path, std::string_view text,
                                           const CloudTrailOptions& options) {
  std::vector<CloudTrailEntry> entries;
  std::size_t lineNumber = 0;
  std::size_t index = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    ++lineNumber;
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      if (end == text.size()) {
        break;
      }
      continue;
    }
    ++index;
    rapidjson::Document document;
    document.Parse<kParseFlags>(line.data(), line.size());
    if (document.HasParseError()) {
      entries.push_back(
          {index, Status::invalidArgument(
                      std::string("invalid JSON: ") +
                          rapidjson::GetParseError_En(document.GetParseError()),
                      {std::string(path), lineNumber, document.GetErrorOffset() + 1})});
    } else {
      entries.push_back(entryAt(path, index, lineNumber, document, options));
    }
    if (end == text.size()) {
      break;
    }
  }
  return entries;
}

}  // namespace

std::string servicePrefix(std::string_view eventSource) {
  std::string_view host = eventSource;
  for (std::string_view suffix : {".amazonaws.com.cn", ".amazonaws.com"}) {
    if (host.ends_with(suffix)) {
      host.remove_suffix(suffix.size());
      break;
    }
  }
  const std::size_t dot = host.rfind('.');
  if (dot != std::string_view::npos) {
    host = host.substr(dot + 1);
  }
  if (host == "monitoring") {
    return "cloudwatch";
  }
  if (host == "email") {
    return "ses";
  }
  return std::string(host);
}

std::string iamActionName(std::string_view service, std::string_view eventName) {
  static const std::map<std::string_view, std::string_view> kS3 = {
      {"ListBuckets", "ListAllMyBuckets"},
      {"HeadBucket", "ListBucket"},
      {"ListObjects", "ListBucket"},
      {"ListObjectsV2", "ListBucket"},
      {"ListObjectVersions", "ListBucketVersions"},
      {"HeadObject", "GetObject"},
      {"CopyObject", "PutObject"},
      {"CreateMultipartUpload", "PutObject"},
      {"UploadPart", "PutObject"},
      {"UploadPartCopy", "PutObject"},
      {"CompleteMultipartUpload", "PutObject"},
      {"DeleteObjects", "DeleteObject"},
      {"ListMultipartUploads", "ListBucketMultipartUploads"},
      {"ListParts", "ListMultipartUploadParts"},
      {"GetBucketEncryption", "GetEncryptionConfiguration"},
      {"PutBucketEncryption", "PutEncryptionConfiguration"},
      {"GetBucketLifecycle", "GetLifecycleConfiguration"},
      {"GetBucketLifecycleConfiguration", "GetLifecycleConfiguration"},
      {"PutBucketLifecycle", "PutLifecycleConfiguration"},
      {"PutBucketLifecycleConfiguration", "PutLifecycleConfiguration"},
      {"GetBucketReplication", "GetReplicationConfiguration"},
      {"PutBucketReplication", "PutReplicationConfiguration"},
      {"GetBucketCors", "GetBucketCORS"},
      {"PutBucketCors", "PutBucketCORS"},
  };
  if (service == "s3") {
    const auto it = kS3.find(eventName);
    if (it != kS3.end()) {
      return std::string(it->second);
    }
  }
  if (service == "lambda") {
    // API versions in event names: GetFunction20150331v2 -> GetFunction.
    std::string_view name = eventName;
    const std::size_t v = name.rfind('v');
    if (v != std::string_view::npos && v + 1 < name.size() &&
        name.find_first_not_of("0123456789", v + 1) == std::string_view::npos) {
      name = name.substr(0, v);
    }
    if (name.size() > 8 &&
        name.substr(name.size() - 8).find_first_not_of("0123456789") == std::string_view::npos) {
      name.remove_suffix(8);
    }
    return name == "Invoke" ? "InvokeFunction" : std::string(name);
  }
  return std::string(eventName);
}

Result<MappedRecord> mapCloudTrailEvent(std::string_view eventJson,
                                        const CloudTrailOptions& options) {
  rapidjson::Document document;
  document.Parse<kParseFlags>(eventJson.data(), eventJson.size());
  if (document.HasParseError()) {
    return Status::invalidArgument(std::string("invalid JSON: ") +
                                   rapidjson::GetParseError_En(document.GetParseError()));
  }
  return mapEvent(document, options);
}

std::string recordErrorMessage(const CloudTrailEntry& entry) {
  const engine::SourceLocation& at = entry.record.status().location();
  std::string out = at.file + ":";
  if (at.line != 0) {
    out += std::to_string(at.line) + ":";
    if (at.column != 0) {
      out += std::to_string(at.column) + ":";
    }
  }
  return out + " error: record " + std::to_string(entry.index) + ": " +
         entry.record.status().message();
}

Result<std::vector<CloudTrailEntry>> readCloudTrailLog(std::string_view path, std::string_view text,
                                                       const CloudTrailOptions& options) {
  rapidjson::Document document;
  document.Parse<kParseFlags>(text.data(), text.size());
  if (document.HasParseError()) {
    if (document.GetParseError() == rapidjson::kParseErrorDocumentRootNotSingular) {
      return readJsonLines(path, text, options);
    }
    const engine::LineIndex lines(std::string(path), text);
    return Status::invalidArgument(
        std::string("invalid JSON: ") + rapidjson::GetParseError_En(document.GetParseError()),
        lines.locate(document.GetErrorOffset()));
  }
  std::vector<CloudTrailEntry> entries;
  const JsonValue* events = nullptr;
  if (document.IsObject() && document.HasMember("Records")) {
    events = &document["Records"];
    if (!events->IsArray()) {
      return Status::invalidArgument("\"Records\" must be an array of CloudTrail events",
                                     {std::string(path)});
    }
  } else if (document.IsArray()) {
    events = &document;
  }
  if (events == nullptr) {
    entries.push_back(entryAt(path, 1, 0, document, options));
  } else {
    std::size_t index = 0;
    entries.reserve(events->Size());
    for (const JsonValue& event : events->GetArray()) {
      entries.push_back(entryAt(path, ++index, 0, event, options));
    }
  }
  return entries;
}

}  // namespace policysim::analysis
