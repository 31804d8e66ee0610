#include "analysis/cloudtrail.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <utility>

#include "analysis/internal/json_value_splitter.h"
#include "engine/source_location.h"
#include "grammar/ascii.h"
#include "grammar/ip.h"

namespace policysim::analysis {
namespace {

using JsonValue = rapidjson::Value;
using engine::Status;

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseFullPrecisionFlag;
// For text that is plain ASCII: nothing to validate, and RapidJSON's validating string reader
// is most of the parse time.
constexpr unsigned kAsciiParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag;

// True when no byte has its high bit set (eight at a time).
bool isAscii(std::string_view text) {
  std::size_t i = 0;
  std::uint64_t any = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    any |= word;
  }
  for (; i < text.size(); ++i) {
    any |= static_cast<unsigned char>(text[i]);
  }
  return (any & 0x8080808080808080ULL) == 0;
}

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
// Writes the resources into *out, reusing its strings (the record's storage is recycled).
class ResourceWriter {
 public:
  explicit ResourceWriter(std::vector<std::string>* out) : out_(out) {}
  ~ResourceWriter() { out_->resize(used_); }
  ResourceWriter(const ResourceWriter&) = delete;
  ResourceWriter& operator=(const ResourceWriter&) = delete;
  std::string& next() {
    if (used_ == out_->size()) {
      out_->emplace_back();
    }
    std::string& slot = (*out_)[used_++];
    slot.clear();
    return slot;
  }
  [[nodiscard]] bool empty() const { return used_ == 0; }

 private:
  std::vector<std::string>* out_;
  std::size_t used_ = 0;
};

void requestResources(const JsonValue& event, std::string_view service, std::string_view iamAction,
                      std::string_view account, std::string_view callerArn, bool callerIsUser,
                      std::vector<std::string>* resourcesOut) {
  ResourceWriter out(resourcesOut);
  const JsonValue* resources = member(&event, "resources");
  if (resources != nullptr && resources->IsArray()) {
    // Object-level S3 events also list the bucket; the object is authorized.
    bool objects = false;
    for (const JsonValue& resource : resources->GetArray()) {
      objects = objects || (!stringAt(&resource, "ARN").empty() &&
                            stringAt(&resource, "type") == "AWS::S3::Object");
    }
    for (const JsonValue& resource : resources->GetArray()) {
      const std::string_view arn = stringAt(&resource, "ARN");
      const std::string_view type = stringAt(&resource, "type");
      if (arn.empty() || type == "AWS::IAM::AccessKey" || (type == "AWS::S3::Object") != objects) {
        continue;
      }
      out.next().assign(arn);
    }
    if (!out.empty()) {
      return;
    }
  }
  const JsonValue* parameters = member(&event, "requestParameters");
  if (service == "s3") {
    const std::string_view bucket = stringAt(parameters, "bucketName");
    const std::string_view key = stringAt(parameters, "key");
    if (!bucket.empty()) {
      std::string& arn = out.next();
      arn.append("arn:aws:s3:::").append(bucket);
      if (!key.empty()) {
        arn.append(1, '/').append(key);
      }
    }
  } else if (service == "iam" && isUserScopedIamAction(iamAction)) {
    const std::string_view user = stringAt(parameters, "userName");
    if (!user.empty() && !account.empty()) {
      out.next().append("arn:aws:iam::").append(account).append(":user/").append(user);
    } else if (user.empty() && callerIsUser) {
      out.next().assign(callerArn);
    }
  } else if (service == "iam" && iamAction == "CreateVirtualMFADevice") {
    const std::string_view name = stringAt(parameters, "virtualMFADeviceName");
    std::string_view path = stringAt(parameters, "path");
    if (path.empty()) {
      path = "/";
    }
    if (!name.empty() && !account.empty()) {
      out.next().append("arn:aws:iam::").append(account).append(":mfa").append(path).append(name);
    }
  }
  if (out.empty()) {
    out.next().assign("*");
  }
}

void setString(Request* request, std::string_view key, std::string_view value,
               engine::ContextValue::Type type = engine::ContextValue::Type::String) {
  // Filled in place: the request's storage from an earlier record is reused.
  engine::ContextValue* slot = request->addContext(key);
  if (slot != nullptr) {
    slot->type = type;
    slot->values.emplace_back(value);
  }
}

MappedRecord notReplayed(MappedRecord record, RecordOutcome outcome, std::string why,
                         std::string detail = {}) {
  record.outcome = outcome;
  record.resources.clear();
  record.skipReason = std::move(why);
  record.skipDetail = std::move(detail);
  return record;
}

const char* typeName(const JsonValue& value) {
  switch (value.GetType()) {
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kNumberType:
      return "a number";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    default:
      return "not a string";
  }
}

// Reads the string fields of a record strictly: CloudTrail writes them as strings, so a value
// of another type (true instead of "true") is reported rather than read as absent or as what
// it seems to mean. null counts as absent. The first problem is kept.
class StrictFields {
 public:
  std::string_view get(const JsonValue* object, const char* key, std::string_view path) {
    const JsonValue* value = member(object, key);
    if (value == nullptr || value->IsNull()) {
      return {};
    }
    if (!value->IsString()) {
      if (error_.empty()) {
        error_ = std::string(path) + " is " + typeName(*value) +
                 ", not a string as CloudTrail writes it: the record is not reinterpreted";
      }
      return {};
    }
    return {value->GetString(), value->GetStringLength()};
  }
  // "true"/"false" (any case) -> the bool; absent -> false; anything else is an error.
  bool flag(const JsonValue* object, const char* key, std::string_view path) {
    const std::string_view text = get(object, key, path);
    if (text.empty() || grammar::equalsIgnoreAsciiCase(text, "false")) {
      return false;
    }
    if (grammar::equalsIgnoreAsciiCase(text, "true")) {
      return true;
    }
    if (error_.empty()) {
      error_ =
          std::string(path) + " is \"" + std::string(text) + "\", neither \"true\" nor \"false\"";
    }
    return false;
  }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  std::string error_;
};

bool isServiceName(std::string_view text) { return text.ends_with(".amazonaws.com"); }

// A service-linked role: its path is /aws-service-role/, its name AWSServiceRoleFor...
// https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
bool isServiceLinkedRole(std::string_view roleArn, std::string_view sessionArn) {
  return roleArn.find(":role/aws-service-role/") != std::string_view::npos ||
         sessionArn.find(":assumed-role/AWSServiceRoleFor") != std::string_view::npos;
}

// Empties a record for reuse: its strings and request keep their storage.
void resetRecord(MappedRecord* record) {
  record->outcome = RecordOutcome::Skipped;
  record->time = 0;
  record->errorCode.clear();
  record->skipReason.clear();
  record->signIn.principal.clear();
  record->signIn.mfa = false;
  record->signIn.success = true;
  record->request.clear();
  // resources: rewritten in place by requestResources (Request outcomes only).
  record->principal.clear();
  record->scenario = Scenario::AccessKey;
  record->eventId.clear();
  record->via.clear();
  record->inCatalogue = true;
  record->skipDetail.clear();
  record->callerArn.clear();
  record->pending.reset();
}

// `reuse`: a spent record whose storage the new one takes over.
Result<MappedRecord> mapEvent(const JsonValue& event, const CloudTrailOptions& options, bool defer,
                              MappedRecord&& reuse) {
  MappedRecord out = std::move(reuse);
  resetRecord(&out);
  if (!event.IsObject()) {
    return Status::invalidArgument("a CloudTrail event must be a JSON object");
  }
  StrictFields fields;
  const std::string_view eventTime = fields.get(&event, "eventTime", "eventTime");
  const std::string_view eventSource = fields.get(&event, "eventSource", "eventSource");
  const std::string_view eventName = fields.get(&event, "eventName", "eventName");
  const JsonValue* identity = member(&event, "userIdentity");
  if (!fields.error().empty()) {
    return Status::invalidArgument(fields.error());
  }
  for (auto [value, name] :
       {std::pair{eventTime, "eventTime"}, std::pair{eventSource, "eventSource"},
        std::pair{eventName, "eventName"}}) {
    if (value.empty()) {
      return Status::invalidArgument(std::string("no \"") + name + "\" string");
    }
  }
  // A record names one call: a wildcard or separator in a name is not a request.
  for (auto [value, name] :
       {std::pair{eventSource, "eventSource"}, std::pair{eventName, "eventName"}}) {
    if (value.find_first_of("*?: \t") != std::string_view::npos) {
      return Status::invalidArgument(std::string(name) + " \"" + std::string(value) +
                                     "\" holds a wildcard or separator: a record names one call");
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
  // assign(), not = std::string(...): the recycled record's storage is kept.
  out.eventId.assign(fields.get(&event, "eventID", "eventID"));
  out.errorCode.assign(fields.get(&event, "errorCode", "errorCode"));
  const std::string_view eventType = fields.get(&event, "eventType", "eventType");
  const std::string_view type = fields.get(identity, "type", "userIdentity.type");
  const std::string_view arn = fields.get(identity, "arn", "userIdentity.arn");
  const std::string_view account = fields.get(identity, "accountId", "userIdentity.accountId");
  const JsonValue* session = member(identity, "sessionContext");
  const JsonValue* attributes = member(session, "attributes");
  const std::string_view keyId = fields.get(identity, "accessKeyId", "userIdentity.accessKeyId");
  const bool mfaAuthenticated = fields.flag(
      attributes, "mfaAuthenticated", "userIdentity.sessionContext.attributes.mfaAuthenticated");
  const std::string_view created =
      fields.get(attributes, "creationDate", "userIdentity.sessionContext.attributes.creationDate");
  const std::string_view issuer = fields.get(member(session, "sessionIssuer"), "arn",
                                             "userIdentity.sessionContext.sessionIssuer.arn");
  const std::string_view invokedBy = fields.get(identity, "invokedBy", "userIdentity.invokedBy");
  const std::string_view principalId =
      fields.get(identity, "principalId", "userIdentity.principalId");
  const std::string_view sourceIp = fields.get(&event, "sourceIPAddress", "sourceIPAddress");
  const std::string_view region = fields.get(&event, "awsRegion", "awsRegion");
  const bool console =
      fields.flag(&event, "sessionCredentialFromConsole", "sessionCredentialFromConsole");
  const JsonValue* additional = member(&event, "additionalEventData");
  const std::string_view mfaUsed = fields.get(additional, "MFAUsed", "additionalEventData.MFAUsed");
  const std::string_view loginResult = fields.get(member(&event, "responseElements"),
                                                  "ConsoleLogin", "responseElements.ConsoleLogin");
  if (!fields.error().empty()) {
    return Status::invalidArgument(fields.error());
  }
  const std::string who =
      arn.empty() ? (type.empty() ? "(no caller)" : std::string(type)) : std::string(arn);

  // Sign-in: ConsoleLogin is summarised; the other steps of signing in are not API calls.
  const bool signIn = eventSource == "signin.amazonaws.com";
  if (eventName == "ConsoleLogin") {
    out.outcome = RecordOutcome::ConsoleSignIn;
    out.resources.clear();
    out.signIn.principal = who;
    if (!mfaUsed.empty() && !grammar::equalsIgnoreAsciiCase(mfaUsed, "yes") &&
        !grammar::equalsIgnoreAsciiCase(mfaUsed, "no")) {
      return Status::invalidArgument("additionalEventData.MFAUsed is \"" + std::string(mfaUsed) +
                                     "\", neither \"Yes\" nor \"No\"");
    }
    out.signIn.mfa = grammar::equalsIgnoreAsciiCase(mfaUsed, "yes");
    out.signIn.success = !grammar::equalsIgnoreAsciiCase(loginResult, "failure");
    return out;
  }
  if (signIn) {
    return notReplayed(std::move(out), RecordOutcome::Skipped,
                       "sign-in event (signin.amazonaws.com): a step of signing in, not a call a "
                       "policy authorizes",
                       std::string(eventName) + " by " + who);
  }
  if (eventType == "AwsServiceEvent") {
    return notReplayed(std::move(out), RecordOutcome::Skipped,
                       "service event: no caller to evaluate", std::string(eventName));
  }
  if (eventType == "AwsCloudTrailInsight") {
    return notReplayed(std::move(out), RecordOutcome::Skipped,
                       "CloudTrail Insights event: a summary, not a call", std::string(eventName));
  }
  if (eventType == "AwsVpceEvent") {
    return notReplayed(std::move(out), RecordOutcome::Skipped,
                       "VPC endpoint event: a call denied by another account's endpoint policy",
                       std::string(eventName));
  }
  if (type != "IAMUser" && type != "Root" && type != "AssumedRole" && type != "FederatedUser") {
    return notReplayed(std::move(out), RecordOutcome::Skipped,
                       "caller type " + (type.empty() ? "(none)" : std::string(type)) +
                           " is not an IAM user, role session, federated user or root",
                       std::string(eventSource) + " " + std::string(eventName));
  }
  if (arn.empty()) {
    return Status::invalidArgument("userIdentity has no \"arn\"");
  }
  if (type == "AssumedRole" && isServiceLinkedRole(issuer, arn)) {
    return notReplayed(std::move(out), RecordOutcome::Skipped,
                       "service-linked role: AWS defines its permissions; no customer policy "
                       "(nor SCP) applies to it",
                       issuer.empty() ? std::string(arn) : std::string(issuer));
  }
  const std::string service = servicePrefix(eventSource);
  const std::string name = iamActionName(service, eventName);
  out.request.action.assign(service).append(1, ':').append(name);
  if (engine::needsNoPermission(out.request.action)) {
    return notReplayed(std::move(out), RecordOutcome::NeedsNoPermission,
                       "needs no permission (semantics §4.9)");
  }
  if (options.catalogue != nullptr && options.catalogue->action(out.request.action) == nullptr) {
    out.inCatalogue = false;
    out.skipDetail = std::string(eventSource) + " " + std::string(eventName);
  }

  // Credentials -> scenario.
  const bool longTerm = keyId.starts_with("AKIA");
  const bool temporary = keyId.starts_with("ASIA") || (attributes != nullptr && !longTerm);
  if (longTerm && mfaAuthenticated) {
    return Status::invalidArgument(
        "accessKeyId " + std::string(keyId) +
        " is a long-term access key, yet sessionContext.attributes.mfaAuthenticated is \"true\": "
        "long-term keys carry no MFA (semantics §5.1); the record contradicts itself");
  }
  // A service calling with the caller's credentials (forward access): MFA false (§5.1).
  const bool viaService = isServiceName(invokedBy);
  const bool mfa = mfaAuthenticated && !viaService;
  if (viaService) {
    out.via.assign(invokedBy);
  } else if (isServiceName(sourceIp)) {
    out.via.assign(sourceIp);
  }
  if (!longTerm && !temporary) {
    return notReplayed(std::move(out), RecordOutcome::Skipped,
                       "credentials unknown (no accessKeyId and no sessionContext)",
                       std::string(arn));
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
    if (created.empty()) {
      return notReplayed(std::move(out), RecordOutcome::Skipped,
                         "temporary credentials without sessionContext.attributes.creationDate: "
                         "MFA age unknown",
                         std::string(arn));
    }
    auto issued = parseTimestamp(created);
    if (!issued.ok()) {
      return Status::invalidArgument("creationDate: " + issued.status().message());
    }
    setString(&request, "aws:TokenIssueTime", formatTimestamp(issued.value()),
              engine::ContextValue::Type::Date);
  }
  if (!principalId.empty()) {
    setString(&request, "aws:userid", principalId);
  }
  if (!sourceIp.empty() && grammar::parseIpAddress(sourceIp).ok()) {
    setString(&request, "aws:SourceIp", sourceIp, engine::ContextValue::Type::Ip);
  }
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
  requestResources(event, service, name, account, arn, type == "IAMUser", &out.resources);
  out.outcome = RecordOutcome::Request;
  out.callerArn.assign(arn);
  out.pending = std::move(scenario);
  if (defer) {
    return out;
  }
  Status completed = completeMappedRecord(&out, options);
  if (!completed.ok()) {
    return completed;
  }
  return out;
}

}  // namespace

Status completeMappedRecord(MappedRecord* record, const CloudTrailOptions& options) {
  if (!record->pending) {
    return {};
  }
  const ScenarioOptions scenario = std::move(*record->pending);
  record->pending.reset();
  Request& request = record->request;
  auto applied = applyScenario(scenario, &request);
  if (!applied.ok()) {
    return Status::invalidArgument(std::string(scenarioInfo(scenario.scenario).name) + ": " +
                                   applied.status().message());
  }
  const engine::ContextValue* principalArn = request.findContext("aws:PrincipalArn");
  record->principal = principalArn != nullptr && !principalArn->values.empty()
                          ? principalArn->values[0]
                          : request.principal;
  if (!options.principals.empty()) {
    const bool wanted =
        std::any_of(options.principals.begin(), options.principals.end(), [&](const auto& p) {
          return p == record->principal || p == request.principal || p == record->callerArn;
        });
    if (!wanted) {
      record->outcome = RecordOutcome::OtherPrincipal;
      record->skipReason.clear();
    }
  }
  return {};
}

Result<MappedRecord> mapCloudTrailEvent(std::string_view eventJson,
                                        const CloudTrailOptions& options) {
  rapidjson::Document document;
  document.Parse<kParseFlags>(eventJson.data(), eventJson.size());
  if (document.HasParseError()) {
    return Status::invalidArgument(std::string("invalid JSON: ") +
                                   rapidjson::GetParseError_En(document.GetParseError()));
  }
  return mapEvent(document, options, false, MappedRecord());
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

// ---- Reading a log ---------------------------------------------------------------------------

struct CloudTrailReader::Rep {
  Rep(std::string path, const CloudTrailOptions& opts, Sink out, bool deferScenario)
      : file(std::make_shared<const std::string>(std::move(path))),
        options(opts),
        defer(deferScenario),
        sink(std::move(out)),
        splitter([this](internal::SplitValue& value) { return onValue(value); }),
        pool(poolBuffer.data(), poolBuffer.size()),
        nestedPool(nestedBuffer.data(), nestedBuffer.size()) {}

  bool onValue(internal::SplitValue& value);
  void unwrap(const JsonValue& value, std::size_t line, int level);
  void deliver(std::size_t line, Result<MappedRecord> record);
  void fail(std::size_t line, std::size_t column, std::string message) {
    deliver(line, Status::invalidArgument(std::move(message), {*file, line, column}));
  }

  std::shared_ptr<const std::string> file;
  CloudTrailOptions options;
  bool defer = false;  // leave the scenario step to completeMappedRecord
  Sink sink;
  std::size_t index = 0;
  internal::JsonValueSplitter splitter;
  // Reused for every value: the pools are cleared, not freed.
  std::array<char, 64 * 1024> poolBuffer{};
  rapidjson::MemoryPoolAllocator<> pool;
  std::array<char, 16 * 1024> nestedBuffer{};
  rapidjson::MemoryPoolAllocator<> nestedPool;
  std::string nested;  // lookup-events: the CloudTrailEvent string
  // Records handed back (recycle()), whose storage new records reuse.
  std::vector<MappedRecord> spare;
  MappedRecord spareRecord() {
    if (spare.empty()) {
      return {};
    }
    MappedRecord record = std::move(spare.back());
    spare.pop_back();
    return record;
  }
};

void CloudTrailReader::Rep::deliver(std::size_t line, Result<MappedRecord> record) {
  CloudTrailEntry entry;
  entry.file = file;
  entry.index = ++index;
  entry.line = line;
  entry.record = std::move(record);
  sink(std::move(entry));
}

bool CloudTrailReader::Rep::onValue(internal::SplitValue& value) {
  if (!value.error.empty()) {
    fail(value.errorLine, value.errorColumn, std::move(value.error));
    return true;
  }
  pool.Clear();
  rapidjson::Document document(&pool);
  const bool ascii = isAscii({value.data, value.size});
  if (value.multiline) {
    if (ascii) {
      document.Parse<kAsciiParseFlags>(value.data, value.size);
    } else {
      document.Parse<kParseFlags>(value.data, value.size);
    }
  } else if (ascii) {
    // In place: no copies of strings. Unescaping rewrites the text before the error offset,
    // which only matters for counting lines, and a one-line value has none to count. (An
    // escape such as \u00e9 still yields valid UTF-8.)
    document.ParseInsitu<kAsciiParseFlags>(value.data);
  } else {
    document.ParseInsitu<kParseFlags>(value.data);
  }
  if (document.HasParseError()) {
    if (value.tentative) {
      return false;  // the splitter scans the line and finds what it holds
    }
    // Where the error is: count the lines of the value up to it.
    const std::string_view text(value.data, value.size);
    const std::size_t offset = std::min(document.GetErrorOffset(), text.size());
    const std::string_view before = text.substr(0, offset);
    const std::size_t lastBreak = before.rfind('\n');
    const auto breaks = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t column =
        lastBreak == std::string_view::npos ? value.column + offset : offset - lastBreak;
    fail(value.line + breaks, column,
         std::string("invalid JSON: ") + rapidjson::GetParseError_En(document.GetParseError()));
    return true;
  }
  unwrap(document, value.line, 0);
  return true;
}

// The records a value holds: itself, or those of the containers CloudTrail and its tools write.
void CloudTrailReader::Rep::unwrap(const JsonValue& value, std::size_t line, int level) {
  constexpr int kMaxLevel = 3;  // e.g. an array of lookup-events pages of events
  if (value.IsObject() && level < kMaxLevel) {
    if (const JsonValue* records = member(&value, "Records")) {
      if (!records->IsArray()) {
        fail(line, 0, "\"Records\" must be an array of CloudTrail events");
        return;
      }
      for (const JsonValue& record : records->GetArray()) {
        unwrap(record, line, level + 1);
      }
      return;
    }
    if (const JsonValue* events = member(&value, "Events");
        events != nullptr && events->IsArray()) {
      for (const JsonValue& event : events->GetArray()) {
        unwrap(event, line, level + 1);
      }
      return;
    }
    if (const JsonValue* text = member(&value, "CloudTrailEvent")) {
      if (!text->IsString()) {
        fail(line, 0, "\"CloudTrailEvent\" must be a string holding the event as JSON");
        return;
      }
      nested.assign(text->GetString(), text->GetStringLength());
      nestedPool.Clear();
      rapidjson::Document event(&nestedPool);
      event.Parse<kParseFlags>(nested.data(), nested.size());
      if (event.HasParseError()) {
        fail(line, 0,
             std::string("\"CloudTrailEvent\" is not JSON: ") +
                 rapidjson::GetParseError_En(event.GetParseError()));
        return;
      }
      deliver(line, mapEvent(event, options, defer, spareRecord()));
      return;
    }
    const JsonValue* detail = member(&value, "detail");
    if (detail != nullptr && member(&value, "detail-type") != nullptr) {
      deliver(line, mapEvent(*detail, options, defer, spareRecord()));  // an EventBridge envelope
      return;
    }
  } else if (value.IsArray() && level < kMaxLevel) {
    for (const JsonValue& element : value.GetArray()) {
      unwrap(element, line, level + 1);
    }
    return;
  }
  Result<MappedRecord> record = mapEvent(value, options, defer, spareRecord());
  if (!record.ok()) {
    record = Status::invalidArgument(record.status().message(), {*file, line, 0});
  }
  deliver(line, std::move(record));
}

CloudTrailReader::CloudTrailReader(std::string path, const CloudTrailOptions& options, Sink sink,
                                   bool deferScenario)
    : rep_(std::make_unique<Rep>(std::move(path), options, std::move(sink), deferScenario)) {}

CloudTrailReader::~CloudTrailReader() = default;

bool CloudTrailReader::feed(std::string_view chunk) { return rep_->splitter.feed(chunk); }

std::size_t CloudTrailReader::records() const { return rep_->index; }

void CloudTrailReader::recycle(MappedRecord&& record) {
  constexpr std::size_t kMaxSpare = 4096;
  if (rep_->spare.size() < kMaxSpare) {
    rep_->spare.push_back(std::move(record));
  }
}

Status CloudTrailReader::finish() {
  internal::JsonValueSplitter& splitter = rep_->splitter;
  splitter.finish();
  if (!splitter.abandonReason().empty()) {
    return Status::invalidArgument(splitter.abandonReason(),
                                   {*rep_->file, splitter.abandonLine(), splitter.abandonColumn()});
  }
  if (splitter.empty()) {
    return Status::invalidArgument("no CloudTrail records: the input is empty",
                                   {*rep_->file, 1, 1});
  }
  return Status{};
}

Result<std::vector<CloudTrailEntry>> readCloudTrailLog(std::string_view path, std::string_view text,
                                                       const CloudTrailOptions& options) {
  std::vector<CloudTrailEntry> entries;
  CloudTrailReader reader(std::string(path), options,
                          [&](CloudTrailEntry&& entry) { entries.push_back(std::move(entry)); });
  reader.feed(text);
  Status status = reader.finish();
  if (!status.ok()) {
    return status;
  }
  return entries;
}

}  // namespace policysim::analysis
