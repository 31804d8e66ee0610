// policysim replay: evaluates past requests recorded by CloudTrail against policies and reports
// which of them the policies would have denied, grouped by principal and action. Answers "what
// breaks if we attach this force-MFA policy today?". Each record becomes a Request through the
// credential scenarios of analysis/scenario.h (what CloudTrail says about the credentials picks
// the scenario); docs/scenarios.md describes the mapping and its limits.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/scenario.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "cli/policy_loading.h"
#include "engine/decision.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "engine/request.h"
#include "engine/source_location.h"
#include "grammar/ip.h"

namespace policysim::cli {
namespace {

using JsonValue = rapidjson::Value;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

struct ReplayArgs {
  std::string cloudtrail;
  std::vector<std::string> identity;
  std::string resource;
  std::string boundary;
  std::vector<std::string> scps;
  std::vector<std::string> principals;  // only replay these callers
  std::size_t maxPolicyBytes = kDefaultMaxPolicyBytes;
  std::string format = "text";
  bool conservativeAssumeRole = false;
  bool explicitOnly = false;
  bool verbose = false;
  bool quiet = false;
};

// ---- Reading the log ---------------------------------------------------------------------

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseFullPrecisionFlag;

struct LogRecord {
  std::size_t index = 0;  // 1-based position in the log
  std::size_t line = 0;   // line where the record starts (JSON Lines), 0 when unknown
  const JsonValue* event = nullptr;
};

struct Log {
  std::vector<std::unique_ptr<rapidjson::Document>> documents;
  std::vector<LogRecord> records;
  std::vector<std::pair<std::size_t, std::string>> errors;  // record index, message to print
};

std::string where(const std::string& file, const LogRecord& record) {
  std::string out = file + ":";
  if (record.line != 0) {
    out += std::to_string(record.line) + ":";
  }
  return out + " error: record " + std::to_string(record.index) + ": ";
}

// A file of {"Records": [...]} as CloudTrail delivers it, a bare array of events, a single
// event, or JSON Lines (one event per line). Returns false on a fatal error (printed).
bool readLog(const std::string& path, const std::string& text, Log* log) {
  auto document = std::make_unique<rapidjson::Document>();
  document->Parse<kParseFlags>(text.data(), text.size());
  if (!document->HasParseError()) {
    const JsonValue* events = nullptr;
    if (document->IsObject() && document->HasMember("Records")) {
      events = &(*document)["Records"];
      if (!events->IsArray()) {
        std::cerr << path << ": error: \"Records\" must be an array of CloudTrail events\n";
        return false;
      }
    } else if (document->IsArray()) {
      events = document.get();
    }
    if (events == nullptr) {
      log->records.push_back({1, 0, document.get()});
    } else {
      std::size_t index = 0;
      for (const JsonValue& event : events->GetArray()) {
        log->records.push_back({++index, 0, &event});
      }
    }
    log->documents.push_back(std::move(document));
    return true;
  }
  if (document->GetParseError() != rapidjson::kParseErrorDocumentRootNotSingular) {
    const engine::LineIndex lines(path, text);
    const engine::SourceLocation at = lines.locate(document->GetErrorOffset());
    std::cerr << path << ":" << at.line << ":" << at.column
              << ": error: invalid JSON: " << rapidjson::GetParseError_En(document->GetParseError())
              << "\n";
    return false;
  }
  // JSON Lines: one event per line; a malformed line is reported and the rest replayed.
  std::size_t lineNumber = 0;
  std::size_t index = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    ++lineNumber;
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      if (end == text.size()) {
        break;
      }
      continue;
    }
    ++index;
    auto lineDocument = std::make_unique<rapidjson::Document>();
    lineDocument->Parse<kParseFlags>(line.data(), line.size());
    if (lineDocument->HasParseError()) {
      log->errors.emplace_back(
          index, path + ":" + std::to_string(lineNumber) + ":" +
                     std::to_string(lineDocument->GetErrorOffset() + 1) + ": error: record " +
                     std::to_string(index) + ": invalid JSON: " +
                     rapidjson::GetParseError_En(lineDocument->GetParseError()));
    } else {
      log->records.push_back({index, lineNumber, lineDocument.get()});
      log->documents.push_back(std::move(lineDocument));
    }
    if (end == text.size()) {
      break;
    }
  }
  return true;
}

const JsonValue* member(const JsonValue* object, const char* key) {
  if (object == nullptr || !object->IsObject()) {
    return nullptr;
  }
  const auto it = object->FindMember(key);
  return it == object->MemberEnd() ? nullptr : &it->value;
}

// The string at object.key, or "" when absent or not a string.
std::string_view text(const JsonValue* object, const char* key) {
  const JsonValue* value = member(object, key);
  if (value == nullptr || !value->IsString()) {
    return {};
  }
  return {value->GetString(), value->GetStringLength()};
}

// ---- CloudTrail event -> request -----------------------------------------------------------

// "s3.amazonaws.com" -> "s3"; "runtime.sagemaker.amazonaws.com" -> "sagemaker"; the few
// services whose endpoint differs from the IAM prefix are mapped.
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

// CloudTrail event names that differ from the IAM action they are authorized as.
std::string actionName(std::string_view service, std::string_view eventName) {
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
      const std::string_view arn = text(&resource, "ARN");
      const std::string_view type = text(&resource, "type");
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
    const std::string_view bucket = text(parameters, "bucketName");
    const std::string_view key = text(parameters, "key");
    if (!bucket.empty()) {
      out.push_back("arn:aws:s3:::" + std::string(bucket) +
                    (key.empty() ? "" : "/" + std::string(key)));
    }
  } else if (service == "iam" && isUserScopedIamAction(iamAction)) {
    const std::string_view user = text(parameters, "userName");
    if (!user.empty() && !account.empty()) {
      out.push_back("arn:aws:iam::" + std::string(account) + ":user/" + std::string(user));
    } else if (user.empty() && callerIsUser) {
      out.emplace_back(callerArn);
    }
  } else if (service == "iam" && iamAction == "CreateVirtualMFADevice") {
    const std::string_view name = text(parameters, "virtualMFADeviceName");
    std::string path(text(parameters, "path"));
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

enum class Kind { Replayed, SignIn, OutsidePolicies, Skipped, FilteredOut, Malformed };

struct SignIn {
  std::string principal;
  bool mfa = false;
  bool success = true;
  std::int64_t time = 0;
};

struct Prepared {
  Kind kind = Kind::Malformed;
  std::string why;  // Skipped / OutsidePolicies / Malformed
  SignIn signIn;
  engine::Request request;  // resource left as "*"; one evaluation per entry of resources
  std::vector<std::string> resources;
  std::string group;  // aws:PrincipalArn
  analysis::Scenario scenario = analysis::Scenario::AccessKey;
  std::int64_t time = 0;
  std::string errorCode;
};

void setString(engine::Request* request, std::string_view key, std::string_view value,
               engine::ContextValue::Type type = engine::ContextValue::Type::String) {
  engine::ContextValue v;
  v.type = type;
  v.values.emplace_back(value);
  request->setContext(key, std::move(v));
}

Prepared prepare(const JsonValue& event, const ReplayArgs& args) {
  Prepared out;
  auto malformed = [&out](std::string why) {
    out.kind = Kind::Malformed;
    out.why = std::move(why);
    return std::move(out);
  };
  auto skipped = [&out](Kind kind, std::string why) {
    out.kind = kind;
    out.why = std::move(why);
    return std::move(out);
  };
  if (!event.IsObject()) {
    return malformed("a CloudTrail event must be a JSON object");
  }
  const std::string_view eventTime = text(&event, "eventTime");
  const std::string_view eventSource = text(&event, "eventSource");
  const std::string_view eventName = text(&event, "eventName");
  const JsonValue* identity = member(&event, "userIdentity");
  for (auto [value, name] :
       {std::pair{eventTime, "eventTime"}, std::pair{eventSource, "eventSource"},
        std::pair{eventName, "eventName"}}) {
    if (value.empty()) {
      return malformed(std::string("no \"") + name + "\" string");
    }
  }
  if (identity == nullptr || !identity->IsObject()) {
    return malformed("no \"userIdentity\" object");
  }
  auto time = analysis::parseTimestamp(eventTime);
  if (!time.ok()) {
    return malformed("eventTime: " + time.status().message());
  }
  out.time = time.value();
  out.errorCode = std::string(text(&event, "errorCode"));
  const std::string_view type = text(identity, "type");
  const std::string_view arn = text(identity, "arn");
  const std::string_view account = text(identity, "accountId");

  if (eventName == "ConsoleLogin") {
    out.kind = Kind::SignIn;
    out.signIn.principal = arn.empty() ? std::string(type) : std::string(arn);
    out.signIn.mfa = text(member(&event, "additionalEventData"), "MFAUsed") == "Yes";
    out.signIn.success = text(member(&event, "responseElements"), "ConsoleLogin") != "Failure";
    out.signIn.time = out.time;
    return out;
  }
  if (text(&event, "eventType") == "AwsServiceEvent") {
    return skipped(Kind::Skipped, "service event: no caller to evaluate");
  }
  if (type != "IAMUser" && type != "Root" && type != "AssumedRole" && type != "FederatedUser") {
    return skipped(Kind::Skipped, "caller type " + (type.empty() ? "(none)" : std::string(type)) +
                                      " is not an IAM user, role session, federated user or root");
  }
  if (arn.empty()) {
    return malformed("userIdentity has no \"arn\"");
  }
  const std::string service = servicePrefix(eventSource);
  const std::string name = actionName(service, eventName);
  out.request.action = service + ":" + name;
  if (out.request.action == "sts:GetCallerIdentity" ||
      out.request.action == "sts:GetSessionToken") {
    return skipped(Kind::OutsidePolicies, "needs no permission (semantics §4.9)");
  }

  // Credentials -> scenario.
  const std::string_view keyId = text(identity, "accessKeyId");
  const JsonValue* session = member(identity, "sessionContext");
  const JsonValue* attributes = member(session, "attributes");
  const bool longTerm = keyId.starts_with("AKIA");
  const bool temporary = keyId.starts_with("ASIA") || (attributes != nullptr && !longTerm);
  const bool mfaAuthenticated = text(attributes, "mfaAuthenticated") == "true";
  const std::string_view invokedBy = text(identity, "invokedBy");
  // A service calling with the user's credentials (forward access): MFA false (§5.1).
  const bool viaService = invokedBy.ends_with(".amazonaws.com");
  const bool mfa = mfaAuthenticated && !viaService;
  const bool console = text(&event, "sessionCredentialFromConsole") == "true";
  if (!longTerm && !temporary) {
    return skipped(
        Kind::Skipped,
        "credentials unknown (no accessKeyId and no sessionContext) for " + std::string(arn));
  }
  analysis::ScenarioOptions options;
  options.assumeRoleCarriesMfa = !args.conservativeAssumeRole;
  options.principal = std::string(arn);
  using analysis::Scenario;
  if (type == "IAMUser" || type == "Root") {
    const bool root = type == "Root";
    if (longTerm) {
      options.scenario = Scenario::AccessKey;
    } else if (root) {
      options.scenario = mfa ? Scenario::RootMfa : Scenario::Root;
    } else if (console) {
      options.scenario = mfa ? Scenario::ConsoleMfa : Scenario::Console;
    } else {
      options.scenario = mfa ? Scenario::SessionMfa : Scenario::SessionNoMfa;
    }
  } else if (type == "AssumedRole") {
    options.scenario = mfa ? Scenario::AssumeRoleMfa : Scenario::AssumeRole;
    const std::string_view issuer = text(member(session, "sessionIssuer"), "arn");
    auto sessionArn = analysis::parsePrincipalArn(arn);
    if (!sessionArn.ok() || sessionArn.value().kind != analysis::PrincipalKind::RoleSession) {
      return malformed("AssumedRole caller " + std::string(arn) + " is not a role-session ARN");
    }
    options.sessionName = sessionArn.value().sessionName;
    if (!issuer.empty()) {
      options.principal = std::string(issuer);
    }
  } else {
    options.scenario = Scenario::Federated;
  }
  out.scenario = options.scenario;

  // What CloudTrail knows goes in as explicit keys, which the scenario keeps.
  engine::Request& request = out.request;
  setString(&request, "aws:CurrentTime", analysis::formatTimestamp(out.time),
            engine::ContextValue::Type::Date);
  if (temporary) {
    const std::string_view created = text(attributes, "creationDate");
    if (created.empty()) {
      return skipped(Kind::Skipped,
                     "temporary credentials without sessionContext.attributes.creationDate: "
                     "MFA age unknown");
    }
    auto issued = analysis::parseTimestamp(created);
    if (!issued.ok()) {
      return malformed("creationDate: " + issued.status().message());
    }
    setString(&request, "aws:TokenIssueTime", analysis::formatTimestamp(issued.value()),
              engine::ContextValue::Type::Date);
  }
  const std::string_view principalId = text(identity, "principalId");
  if (!principalId.empty()) {
    setString(&request, "aws:userid", principalId);
  }
  const std::string_view sourceIp = text(&event, "sourceIPAddress");
  if (!sourceIp.empty() && grammar::parseIpAddress(sourceIp).ok()) {
    setString(&request, "aws:SourceIp", sourceIp, engine::ContextValue::Type::Ip);
  }
  const std::string_view region = text(&event, "awsRegion");
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
  if (out.request.action == "sts:AssumeRole" &&
      !text(member(&event, "requestParameters"), "serialNumber").empty()) {
    setString(&request, "aws:MultiFactorAuthPresent", "true", engine::ContextValue::Type::Bool);
    setString(&request, "aws:MultiFactorAuthAge", "0", engine::ContextValue::Type::Number);
  }
  auto applied = analysis::applyScenario(options, &request);
  if (!applied.ok()) {
    return malformed(std::string(analysis::scenarioInfo(options.scenario).name) + ": " +
                     applied.status().message());
  }
  const engine::ContextValue* principalArn = request.findContext("aws:PrincipalArn");
  out.group = principalArn != nullptr && !principalArn->values.empty() ? principalArn->values[0]
                                                                       : request.principal;
  if (!args.principals.empty()) {
    const bool wanted = std::any_of(
        args.principals.begin(), args.principals.end(),
        [&](const std::string& p) { return p == out.group || p == request.principal || p == arn; });
    if (!wanted) {
      return skipped(Kind::FilteredOut, "");
    }
  }
  out.resources = requestResources(event, service, name, account, arn, type == "IAMUser");
  out.kind = Kind::Replayed;
  return out;
}

// ---- Evaluation and grouping --------------------------------------------------------------

int severity(engine::DecisionKind kind) {
  switch (kind) {
    case engine::DecisionKind::ExplicitDeny:
      return 2;
    case engine::DecisionKind::ImplicitDeny:
      return 1;
    case engine::DecisionKind::Allowed:
      return 0;
  }
  return 2;
}

struct Group {
  std::string principal;
  std::string action;
  engine::DecisionKind decision = engine::DecisionKind::Allowed;
  std::optional<engine::StatementRef> statement;
  std::string reason;  // the engine's one-sentence reason, for the first request of the group
  std::size_t count = 0;
  std::size_t failedAtTheTime = 0;  // the record itself has an errorCode
  std::int64_t first = 0;
  std::int64_t last = 0;
  std::set<std::string> credentials;
  std::set<std::string> resources;
  std::set<std::string> missing;
  std::set<std::string> errors;
};

struct SignInSummary {
  std::size_t withMfa = 0;
  std::size_t withoutMfa = 0;
  std::size_t failed = 0;
  std::int64_t first = 0;
  std::int64_t last = 0;
};

struct Report {
  std::size_t records = 0;
  std::size_t replayed = 0;
  std::size_t allowed = 0;
  std::size_t explicitDenied = 0;
  std::size_t implicitDenied = 0;
  std::size_t outsidePolicies = 0;
  std::size_t filteredOut = 0;
  std::map<std::string, Group> groups;  // key: principal, action, decision, statement
  std::map<std::string, SignInSummary> signIns;
  std::vector<std::pair<std::size_t, std::string>> skipped;  // record index, why
  std::vector<std::pair<std::size_t, std::string>> errors;   // record index, message
};

std::string statementLabel(const engine::StatementRef& ref) {
  std::string out = ref.effect == engine::Effect::Allow ? "Allow " : "Deny ";
  out += ref.sid.empty() ? "statement #" + std::to_string(ref.statementIndex)
                         : "\"" + std::string(ref.sid) + "\"";
  out += " (" + std::string(ref.policyName);
  if (ref.line != 0) {
    out += ":" + std::to_string(ref.line) + ":" + std::to_string(ref.column);
  }
  return out + ", " + engine::policyKindName(ref.policyKind) + " policy)";
}

void record(const Prepared& prepared, const engine::PolicySet& set, Report* report) {
  engine::Request request = prepared.request;
  engine::Decision worst;
  std::string worstResource;
  bool first = true;
  for (const std::string& resource : prepared.resources) {
    request.resource = resource;
    engine::Decision decision = set.evaluate(request, false);
    if (first || severity(decision.kind) > severity(worst.kind)) {
      worst = std::move(decision);
      worstResource = resource;
      first = false;
    }
  }
  ++report->replayed;
  switch (worst.kind) {
    case engine::DecisionKind::Allowed:
      ++report->allowed;
      break;
    case engine::DecisionKind::ExplicitDeny:
      ++report->explicitDenied;
      break;
    case engine::DecisionKind::ImplicitDeny:
      ++report->implicitDenied;
      break;
  }
  std::optional<engine::StatementRef> statement;
  if (!worst.matchedStatements.empty()) {
    statement = worst.matchedStatements.front();
  }
  std::string key = prepared.group + '\n' + prepared.request.action + '\n' +
                    engine::decisionName(worst.kind) + '\n' +
                    (statement ? statementLabel(*statement) : "");
  auto [it, inserted] = report->groups.try_emplace(std::move(key));
  Group& group = it->second;
  if (inserted) {
    group.principal = prepared.group;
    group.action = prepared.request.action;
    group.decision = worst.kind;
    group.statement = statement;
    group.first = group.last = prepared.time;
    request.resource = worstResource;  // once per group: the explanation costs allocations
    group.reason = set.evaluate(request, true).reason;
  }
  ++group.count;
  group.failedAtTheTime += prepared.errorCode.empty() ? 0 : 1;
  group.first = std::min(group.first, prepared.time);
  group.last = std::max(group.last, prepared.time);
  group.credentials.emplace(analysis::scenarioInfo(prepared.scenario).name);
  constexpr std::size_t kMaxResources = 5;
  for (const std::string& resource : prepared.resources) {
    if (group.resources.size() < kMaxResources) {
      group.resources.insert(resource);
    }
  }
  for (std::string_view missing : worst.missingContextValues) {
    group.missing.emplace(missing);
  }
  for (const std::string& error : worst.errors) {
    group.errors.insert(error);
  }
}

bool counts(const Group& group, bool explicitOnly) {
  return group.decision == engine::DecisionKind::ExplicitDeny ||
         (!explicitOnly && group.decision == engine::DecisionKind::ImplicitDeny);
}

// ---- Output ---------------------------------------------------------------------------------

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

void printGroups(const Report& report, engine::DecisionKind kind, const char* heading) {
  std::string current;
  bool any = false;
  for (const auto& [key, group] : report.groups) {
    if (group.decision != kind) {
      continue;
    }
    if (!any) {
      std::cout << heading << "\n";
      any = true;
    }
    if (group.principal != current) {
      current = group.principal;
      std::cout << "  " << current << "\n";
    }
    std::cout << "    " << group.action << "  " << group.count << "x  "
              << analysis::formatTimestamp(group.first);
    if (group.last != group.first) {
      std::cout << " .. " << analysis::formatTimestamp(group.last);
    }
    std::cout << "  [" << join(group.credentials) << "]";
    if (group.failedAtTheTime != 0) {
      std::cout << "  (" << group.failedAtTheTime << " already failed at the time)";
    }
    std::cout << "\n";
    if (group.statement) {
      std::cout << "      "
                << (kind == engine::DecisionKind::Allowed ? "allowed by " : "denied by ")
                << statementLabel(*group.statement) << "\n";
    } else if (kind == engine::DecisionKind::ImplicitDeny) {
      std::cout << "      " << group.reason << "\n";
    }
    if (kind != engine::DecisionKind::Allowed) {
      std::cout << "      resources: " << join(group.resources) << "\n";
      if (!group.missing.empty()) {
        std::cout << "      missing context values: " << join(group.missing) << "\n";
      }
    }
    for (const std::string& error : group.errors) {
      std::cout << "      error: " << error << "\n";
    }
  }
}

void printText(const Report& report, const ReplayArgs& args) {
  std::cout << "replayed " << report.replayed << " of " << report.records
            << " CloudTrail records: " << report.allowed << " allowed, " << report.explicitDenied
            << " explicitly denied, " << report.implicitDenied << " not allowed (implicitDeny)\n";
  printGroups(report, engine::DecisionKind::ExplicitDeny,
              "would be denied (explicitDeny: these requests break):");
  printGroups(report, engine::DecisionKind::ImplicitDeny,
              args.explicitOnly
                  ? "not allowed by these policies (implicitDeny; ignored with "
                    "--explicit-deny-only: other policies of the principal may allow them):"
                  : "would be denied (implicitDeny: no statement of these policies allows them; "
                    "other policies of the principal may):");
  if (args.verbose) {
    printGroups(report, engine::DecisionKind::Allowed, "allowed:");
  }
  if (!report.signIns.empty()) {
    std::cout << "console sign-ins (not evaluated: sign-in needs no permission; they tell who "
                 "works without MFA):\n";
    for (const auto& [principal, s] : report.signIns) {
      std::cout << "  " << principal << "  " << s.withMfa << " with MFA, " << s.withoutMfa
                << " without MFA";
      if (s.failed != 0) {
        std::cout << ", " << s.failed << " failed";
      }
      std::cout << "  " << analysis::formatTimestamp(s.first);
      if (s.last != s.first) {
        std::cout << " .. " << analysis::formatTimestamp(s.last);
      }
      std::cout << "\n";
    }
  }
  const std::size_t notReplayed = report.skipped.size() + report.outsidePolicies;
  if (notReplayed != 0 || report.filteredOut != 0) {
    std::cout << "not replayed: " << report.outsidePolicies
              << " need no permission (sts:GetCallerIdentity, sts:GetSessionToken), "
              << report.skipped.size() << " skipped";
    if (report.filteredOut != 0) {
      std::cout << ", " << report.filteredOut << " of other principals (--principal)";
    }
    std::cout << "\n";
    for (const auto& [index, why] : report.skipped) {
      std::cout << "  record " << index << ": " << why << "\n";
    }
  }
}

void writeString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void writeStrings(JsonWriter& w, const std::set<std::string>& items) {
  w.StartArray();
  for (const std::string& item : items) {
    writeString(w, item);
  }
  w.EndArray();
}

void printJson(const Report& report, const ReplayArgs& args, bool denied) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("wouldDeny");
  w.Bool(denied);
  w.Key("assumeRoleReading");
  w.String(args.conservativeAssumeRole ? "conservative" : "cloudtrail");
  w.Key("records");
  w.Uint64(report.records);
  w.Key("replayed");
  w.Uint64(report.replayed);
  w.Key("allowed");
  w.Uint64(report.allowed);
  w.Key("explicitDeny");
  w.Uint64(report.explicitDenied);
  w.Key("implicitDeny");
  w.Uint64(report.implicitDenied);
  w.Key("needNoPermission");
  w.Uint64(report.outsidePolicies);
  w.Key("otherPrincipals");
  w.Uint64(report.filteredOut);
  w.Key("groups");
  w.StartArray();
  for (const auto& [key, g] : report.groups) {
    w.StartObject();
    w.Key("principal");
    writeString(w, g.principal);
    w.Key("action");
    writeString(w, g.action);
    w.Key("decision");
    w.String(engine::decisionName(g.decision));
    w.Key("reason");
    writeString(w, g.reason);
    w.Key("counted");
    w.Bool(counts(g, args.explicitOnly));
    w.Key("count");
    w.Uint64(g.count);
    w.Key("failedAtTheTime");
    w.Uint64(g.failedAtTheTime);
    w.Key("firstTime");
    writeString(w, analysis::formatTimestamp(g.first));
    w.Key("lastTime");
    writeString(w, analysis::formatTimestamp(g.last));
    w.Key("credentials");
    writeStrings(w, g.credentials);
    w.Key("resources");
    writeStrings(w, g.resources);
    w.Key("statement");
    if (g.statement) {
      const engine::StatementRef& ref = *g.statement;
      w.StartObject();
      w.Key("policy");
      writeString(w, ref.policyName);
      w.Key("policyType");
      w.String(engine::policyKindName(ref.policyKind));
      w.Key("statementIndex");
      w.Uint64(ref.statementIndex);
      w.Key("sid");
      writeString(w, ref.sid);
      w.Key("effect");
      w.String(ref.effect == engine::Effect::Allow ? "Allow" : "Deny");
      w.Key("line");
      w.Uint64(ref.line);
      w.Key("column");
      w.Uint64(ref.column);
      w.EndObject();
    } else {
      w.Null();
    }
    w.Key("missingContextValues");
    writeStrings(w, g.missing);
    w.Key("errors");
    writeStrings(w, g.errors);
    w.EndObject();
  }
  w.EndArray();
  w.Key("consoleSignIns");
  w.StartArray();
  for (const auto& [principal, s] : report.signIns) {
    w.StartObject();
    w.Key("principal");
    writeString(w, principal);
    w.Key("withMfa");
    w.Uint64(s.withMfa);
    w.Key("withoutMfa");
    w.Uint64(s.withoutMfa);
    w.Key("failed");
    w.Uint64(s.failed);
    w.Key("firstTime");
    writeString(w, analysis::formatTimestamp(s.first));
    w.Key("lastTime");
    writeString(w, analysis::formatTimestamp(s.last));
    w.EndObject();
  }
  w.EndArray();
  w.Key("skipped");
  w.StartArray();
  for (const auto& [index, why] : report.skipped) {
    w.StartObject();
    w.Key("record");
    w.Uint64(index);
    w.Key("reason");
    writeString(w, why);
    w.EndObject();
  }
  w.EndArray();
  w.Key("errors");
  w.StartArray();
  for (const auto& [index, error] : report.errors) {
    w.StartObject();
    w.Key("record");
    w.Uint64(index);
    w.Key("message");
    writeString(w, error);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::cout << buffer.GetString() << "\n";
}

// ---- Command ------------------------------------------------------------------------------

int runReplay(const ReplayArgs& args) {
  PolicyFiles files;
  files.identity = args.identity;
  files.scps = args.scps;
  files.resource = args.resource;
  files.boundary = args.boundary;
  files.maxBytes = args.maxPolicyBytes;
  const std::shared_ptr<const engine::PolicySet> set = compilePolicyFiles(files, args.quiet);
  if (set == nullptr) {
    return kExitInputError;
  }

  auto logText = readFile(args.cloudtrail);
  if (!logText.ok()) {
    std::cerr << logText.status().toString() << "\n";
    return kExitInputError;
  }
  Log log;
  if (!readLog(args.cloudtrail, logText.value(), &log)) {
    return kExitInputError;
  }
  Report report;
  report.errors = log.errors;
  report.records = log.records.size() + log.errors.size();
  for (const LogRecord& entry : log.records) {
    const Prepared prepared = prepare(*entry.event, args);
    switch (prepared.kind) {
      case Kind::Replayed:
        record(prepared, *set, &report);
        break;
      case Kind::SignIn: {
        const SignIn& s = prepared.signIn;
        auto [it, inserted] = report.signIns.try_emplace(s.principal);
        SignInSummary& summary = it->second;
        if (inserted) {
          summary.first = summary.last = s.time;
        }
        summary.first = std::min(summary.first, s.time);
        summary.last = std::max(summary.last, s.time);
        if (!s.success) {
          ++summary.failed;
        } else if (s.mfa) {
          ++summary.withMfa;
        } else {
          ++summary.withoutMfa;
        }
        break;
      }
      case Kind::OutsidePolicies:
        ++report.outsidePolicies;
        break;
      case Kind::FilteredOut:
        ++report.filteredOut;
        break;
      case Kind::Skipped:
        report.skipped.emplace_back(entry.index, prepared.why);
        break;
      case Kind::Malformed:
        report.errors.emplace_back(entry.index, where(args.cloudtrail, entry) + prepared.why);
        break;
    }
  }
  std::stable_sort(report.errors.begin(), report.errors.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [index, error] : report.errors) {
    std::cerr << error << "\n";
  }
  const bool denied = std::any_of(report.groups.begin(), report.groups.end(), [&](const auto& g) {
    return counts(g.second, args.explicitOnly);
  });
  if (args.format == "json") {
    printJson(report, args, denied);
  } else {
    printText(report, args);
  }
  if (!report.errors.empty()) {
    return kExitInputError;
  }
  return denied ? kExitDenied : kExitAllowed;
}

}  // namespace

void addReplayCommand(CLI::App& app, int* exitCode) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* replay = app.add_subcommand(
      "replay", "Replay CloudTrail records against policies: which past requests would they deny?");
  replay
      ->add_option("--cloudtrail", args->cloudtrail,
                   "CloudTrail log: {\"Records\": [...]} as delivered, or one event per line "
                   "(- for stdin; gunzip .json.gz first)")
      ->required();
  replay->add_option("policies", args->identity, "Identity-based policy files (JSON)");
  replay->add_option("--resource-policy", args->resource,
                     "Resource-based policy applied to every replayed request");
  replay->add_option("--boundary", args->boundary, "Permissions boundary of the principals");
  addMaxPolicyBytesOption(replay, &args->maxPolicyBytes);
  replay
      ->add_option("--scp", args->scps,
                   "Service control policy; repeat once per level of the organisation path")
      ->allow_extra_args(false)
      ->take_all();
  replay
      ->add_option("--principal", args->principals,
                   "Replay only these callers (user/role ARN, role-session ARN); repeatable")
      ->allow_extra_args(false)
      ->take_all();
  replay->add_flag("--conservative-assume-role", args->conservativeAssumeRole,
                   "Role sessions assumed with MFA carry MultiFactorAuthPresent false and no age "
                   "(default: as CloudTrail records, true and the age)");
  replay->add_flag("--explicit-deny-only", args->explicitOnly,
                   "Count only explicit denies (the policies are added to what principals "
                   "already have); implicit denies are still listed");
  replay->add_option("--format", args->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  replay->add_flag("--verbose,-v", args->verbose, "Also list the allowed requests (text)");
  replay->add_flag("--quiet,-q", args->quiet, "Do not print policy warnings on stderr");
  replay->footer(
      "Exit status: 0 nothing would be denied, 1 something would, 2 usage or input error "
      "(malformed records are reported with their index and the rest is still replayed).\n"
      "See docs/scenarios.md for how records become requests.");
  replay->callback([args, exitCode] {
    if (args->identity.empty() && args->resource.empty() && args->scps.empty()) {
      std::cerr << "replay: give at least one policy file\n";
      *exitCode = kExitInputError;
      return;
    }
    *exitCode = runReplay(*args);
  });
}

}  // namespace policysim::cli
