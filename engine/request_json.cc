// Request JSON (policysim shape or AWS simulate-custom-policy shape) -> Requests.
#include "engine/request_json.h"

#include <fmt/format.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>

#include "engine/internal/json_document.h"
#include "engine/internal/request_simdjson.h"
#include "engine/source_location.h"
#include "grammar/date.h"
#include "grammar/ip.h"
#include "grammar/number.h"

namespace policysim::engine {
namespace {

using internal::JsonMember;
using internal::JsonValue;

constexpr std::size_t kMaxContextBytes = kMaxRequestBytes;

class RequestReader {
 public:
  // policies: where the policies of a simulate-custom-policy input go (nullptr: checked only).
  RequestReader(std::string_view text, const std::string& name, PolicySetTexts* policies)
      : index_(name, text), name_(name), policies_(policies) {}

  Result<std::vector<Request>> read(const JsonValue& root) {
    if (!root.isObject()) {
      return error("a request must be a JSON object", root.offset);
    }
    const bool awsShape =
        root.find("ActionNames") != nullptr || root.find("ContextEntries") != nullptr;
    std::vector<Request> requests;
    const bool ok = awsShape ? readAwsShape(root, &requests) : readOwnShape(root, &requests);
    if (!ok) {
      return status_;
    }
    return requests;
  }

 private:
  Status error(std::string message, std::size_t offset) {
    status_ = Status::invalidArgument(std::move(message), index_.locate(offset));
    return status_;
  }
  bool fail(std::string message, std::size_t offset) {
    status_ = Status::invalidArgument(std::move(message), index_.locate(offset));
    return false;
  }

  bool readString(const JsonMember& member, std::string* out) {
    if (!member.value.isString()) {
      return fail(fmt::format("\"{}\" must be a string", member.key), member.value.offset);
    }
    out->assign(member.value.text());
    return true;
  }

  // "managementAccount": the organization's management account, 12 digits (§4.7).
  bool readManagementAccount(const JsonMember& member, Request* request) {
    if (!readString(member, &request->managementAccount)) {
      return false;
    }
    const std::string& account = request->managementAccount;
    if (account.size() != 12 ||
        !std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return fail("\"" + std::string(member.key) + "\" must be a 12-digit account ID",
                  member.value.offset);
    }
    return true;
  }

  // "vpcEndpoint": the request travels through this VPC endpoint, so it carries aws:SourceVpce
  // (the key AWS sets); a context that already says so must name the same endpoint.
  bool applyVpcEndpoint(const JsonMember& member, Request* request) {
    std::string endpoint;
    if (!readString(member, &endpoint)) {
      return false;
    }
    if (endpoint.empty()) {
      return fail("\"vpcEndpoint\" must name an endpoint (vpce-...)", member.value.offset);
    }
    const ContextValue* stated = request->findContext("aws:SourceVpce");
    if (stated == nullptr) {
      request->setContext("aws:SourceVpce", ContextValue{ContextValue::Type::String, false,
                                                         std::vector<std::string>{endpoint}});
      return true;
    }
    if (stated->multivalued || stated->values.size() != 1 || stated->values.front() != endpoint) {
      return fail("\"vpcEndpoint\" " + endpoint + " differs from the context's aws:SourceVpce",
                  member.value.offset);
    }
    return true;
  }

  bool readOwnShape(const JsonValue& root, std::vector<Request>* out) {
    Request request;
    bool hasAction = false;
    const JsonMember* vpcEndpoint = nullptr;  // applied once the context is read
    for (const JsonMember& member : root.members()) {
      if (member.key == "principal") {
        if (!readString(member, &request.principal)) {
          return false;
        }
      } else if (member.key == "action") {
        if (!readString(member, &request.action)) {
          return false;
        }
        hasAction = true;
      } else if (member.key == "resource") {
        if (!readString(member, &request.resource)) {
          return false;
        }
      } else if (member.key == "anonymous") {
        if (member.value.type != JsonValue::Type::Bool) {
          return fail("\"anonymous\" must be true or false", member.value.offset);
        }
        request.anonymous = member.value.text() == "true";
      } else if (member.key == "managementAccount") {
        if (!readManagementAccount(member, &request)) {
          return false;
        }
      } else if (member.key == "vpcEndpoint") {
        vpcEndpoint = &member;
      } else if (member.key == "context") {
        if (!member.value.isObject()) {
          return fail("\"context\" must be an object of condition keys", member.value.offset);
        }
        if (member.value.members().size() > kMaxContextKeys) {
          return fail("\"context\" has more than " + std::to_string(kMaxContextKeys) + " keys",
                      member.value.offset);
        }
        for (const JsonMember& entry : member.value.members()) {
          if (!readOwnContextEntry(entry, &request)) {
            return false;
          }
        }
      } else {
        return fail("unknown request field \"" + std::string(member.key) +
                        "\" (expected principal, anonymous, action, resource, context, "
                        "managementAccount or vpcEndpoint)",
                    member.keyOffset);
      }
    }
    if (vpcEndpoint != nullptr && !applyVpcEndpoint(*vpcEndpoint, &request)) {
      return false;
    }
    if (!hasAction) {
      return fail("request has no \"action\"", root.offset);
    }
    // An unsigned request has no caller to name (§4.8): both at once contradict each other.
    if (request.anonymous && !request.principal.empty()) {
      return fail("an \"anonymous\" request names no \"principal\"", root.offset);
    }
    if (!checkAction(request.action, root.offset)) {
      return false;
    }
    out->push_back(std::move(request));
    return true;
  }

  bool checkAction(const std::string& action, std::size_t offset) {
    const std::size_t colon = action.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == action.size()) {
      return fail("request action \"" + action + "\" is not of the form \"service:Action\"",
                  offset);
    }
    return true;
  }

  static ContextValue::Type typeOfScalar(const JsonValue& value) {
    switch (value.type) {
      case JsonValue::Type::Number:
        return ContextValue::Type::Number;
      case JsonValue::Type::Bool:
        return ContextValue::Type::Bool;
      default:
        return ContextValue::Type::String;
    }
  }

  bool readOwnContextEntry(const JsonMember& entry, Request* request) {
    ContextValue value;
    if (entry.value.isArray()) {
      value.multivalued = true;
      if (entry.value.elements().size() > kMaxValuesPerKey) {
        return fail("context key \"" + std::string(entry.key) + "\" has more than " +
                        std::to_string(kMaxValuesPerKey) + " values",
                    entry.value.offset);
      }
      for (const JsonValue& item : entry.value.elements()) {
        if (!item.isScalar()) {
          return fail("values of context key \"" + std::string(entry.key) +
                          "\" must be strings, numbers or booleans",
                      item.offset);
        }
        value.type = typeOfScalar(item);
        value.values.emplace_back(item.text());
      }
    } else if (entry.value.isScalar()) {
      value.type = typeOfScalar(entry.value);
      value.values.emplace_back(entry.value.text());
    } else {
      return fail("context key \"" + std::string(entry.key) +
                      "\" must be a string, number, boolean or an array of them",
                  entry.value.offset);
    }
    return setContext(std::string(entry.key), entry.keyOffset, std::move(value), request);
  }

  bool setContext(const std::string& key, std::size_t offset, ContextValue value,
                  Request* request) {
    if (key.empty()) {
      return fail("empty context key name", offset);
    }
    if (!request->setContext(key, std::move(value))) {
      return fail("context key \"" + key + "\" is given twice (key names are case-insensitive)",
                  offset);
    }
    return true;
  }

  // AWS simulate-custom-policy input (--cli-input-json shape).
  bool readAwsShape(const JsonValue& root, std::vector<Request>* out) {
    std::vector<std::string> actions;
    std::vector<std::string> resources;
    std::size_t actionsOffset = root.offset;
    Request base;
    const JsonMember* resourcePolicy = nullptr;
    std::string owner;  // ResourceOwner's account
    for (const JsonMember& member : root.members()) {
      if (member.key == "ActionNames") {
        actionsOffset = member.value.offset;
        if (!readStrings(member, &actions)) {
          return false;
        }
      } else if (member.key == "ResourceArns") {
        if (!readStrings(member, &resources)) {
          return false;
        }
      } else if (member.key == "CallerArn") {
        if (!readString(member, &base.principal)) {
          return false;
        }
      } else if (member.key == "ContextEntries") {
        if (!member.value.isArray()) {
          return fail("\"ContextEntries\" must be an array", member.value.offset);
        }
        // Keys are unique, so one entry per key: the same limit as "context" above.
        if (member.value.elements().size() > kMaxContextKeys) {
          return fail(
              "\"ContextEntries\" has more than " + std::to_string(kMaxContextKeys) + " keys",
              member.value.offset);
        }
        for (const JsonValue& entry : member.value.elements()) {
          if (!readAwsContextEntry(entry, &base)) {
            return false;
          }
        }
      } else if (member.key == "PolicyInputList") {
        if (!readPolicyList(member, PolicyKind::Identity, kNoLimit)) {
          return false;
        }
      } else if (member.key == "PermissionsBoundaryPolicyInputList") {
        if (!readPolicyList(member, PolicyKind::Boundary, 1)) {
          return false;
        }
      } else if (member.key == "ResourcePolicy") {
        resourcePolicy = &member;
        std::string text;
        if (!readString(member, &text)) {
          return false;
        }
        if (policies_ != nullptr) {
          policies_->resource = PolicyText{name_ + ":ResourcePolicy", std::move(text)};
        }
      } else if (member.key == "ResourceOwner") {
        if (!readResourceOwner(member, &owner)) {
          return false;
        }
      } else if (member.key == "ResourceHandlingOption") {
        // Which EC2 resources a simulation of RunInstances expects; decisions do not depend on
        // it (each request names its resource).
        std::string option;
        if (!readString(member, &option)) {
          return false;
        }
      } else if (member.key == "MaxItems" || member.key == "Marker") {
        continue;  // pagination of the simulator's answer
      } else {
        return fail("unknown simulate-custom-policy field \"" + std::string(member.key) + "\"",
                    member.keyOffset);
      }
    }
    if (actions.empty()) {
      return fail("\"ActionNames\" must list at least one action", root.offset);
    }
    // AWS: CallerArn "is required if you include a ResourcePolicy" (the policy's principals
    // need a caller to match).
    if (resourcePolicy != nullptr && base.principal.empty()) {
      return fail("\"ResourcePolicy\" needs a \"CallerArn\" (as in simulate-custom-policy)",
                  resourcePolicy->keyOffset);
    }
    if (resources.empty()) {
      resources.emplace_back("*");
    }
    if (!checkExpansion(actions.size(), resources.size(), base, actionsOffset)) {
      return false;
    }
    for (const std::string& action : actions) {
      if (!checkAction(action, root.offset)) {
        return false;
      }
      for (const std::string& resource : resources) {
        Request request = base;
        request.action = action;
        request.resource = resource;
        if (!owner.empty()) {
          applyResourceOwner(owner, &request);
        }
        out->push_back(std::move(request));
      }
    }
    return true;
  }

  // Each action x resource pair becomes a Request holding its own copy of the context, so a
  // small file could ask for millions of requests or gigabytes of copies: both are capped
  // before anything is expanded (kMaxExpandedRequests, kMaxExpandedContextBytes).
  bool checkExpansion(std::size_t actions, std::size_t resources, const Request& base,
                      std::size_t offset) {
    // actions and resources are each below the file size, so the product cannot overflow.
    const std::size_t count = actions * resources;
    if (count > kMaxExpandedRequests) {
      return fail(fmt::format("{} actions x {} resources = {} requests, over the limit of {} "
                              "requests per simulate-custom-policy input",
                              actions, resources, count, kMaxExpandedRequests),
                  offset);
    }
    std::size_t contextBytes = 0;  // what one copy of the context costs, roughly
    for (std::size_t i = 0; i < base.contextSize(); ++i) {
      contextBytes += 2 * (base.contextKey(i).size() + sizeof(std::string)) + sizeof(ContextValue);
      for (const std::string& value : base.contextValue(i).values) {
        contextBytes += value.size() + sizeof(std::string);
      }
    }
    if (count > 1 && contextBytes > kMaxExpandedContextBytes / count) {
      return fail(fmt::format("{} requests each copying a context of about {} bytes: over the "
                              "limit of {} bytes of expanded context",
                              count, contextBytes, kMaxExpandedContextBytes),
                  offset);
    }
    return true;
  }

  static constexpr std::size_t kNoLimit = SIZE_MAX;

  // PolicyInputList / PermissionsBoundaryPolicyInputList: policy documents as JSON strings.
  bool readPolicyList(const JsonMember& member, PolicyKind kind, std::size_t most) {
    std::vector<std::string> texts;
    if (!readStrings(member, &texts)) {
      return false;
    }
    if (texts.size() > most) {
      return fail(fmt::format("\"{}\" holds at most {} policy", member.key, most),
                  member.value.offset);
    }
    if (policies_ == nullptr) {
      return true;
    }
    for (std::size_t i = 0; i < texts.size(); ++i) {
      PolicyText text{fmt::format("{}:{}.{}", name_, member.key, i + 1), std::move(texts[i])};
      policies_->put(kind, std::move(text));
    }
    return true;
  }

  // ResourceOwner: "arn:aws:iam::ACCOUNT:root" (AWS's form) or a bare 12-digit account.
  bool readResourceOwner(const JsonMember& member, std::string* account) {
    std::string text;
    if (!readString(member, &text)) {
      return false;
    }
    auto isAccount = [](std::string_view s) {
      return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
    };
    constexpr std::string_view kRoot = ":root";
    const std::size_t iam = text.find(":iam::");
    if (isAccount(text)) {
      *account = text;
    } else if (text.starts_with("arn:") && iam != std::string::npos && text.ends_with(kRoot) &&
               isAccount(
                   std::string_view(text).substr(iam + 6, text.size() - iam - 6 - kRoot.size()))) {
      *account = text.substr(iam + 6, 12);
    } else {
      return fail("\"ResourceOwner\" must be an account ARN (arn:aws:iam::ACCOUNT:root)",
                  member.value.offset);
    }
    return true;
  }

  // The resource's account when its ARN names none (S3, "*"): aws:ResourceAccount, unless the
  // context states it already.
  static void applyResourceOwner(const std::string& owner, Request* request) {
    const std::string& resource = request->resource;
    std::size_t colons = 0;
    std::size_t accountStart = std::string::npos;
    for (std::size_t i = 0; i < resource.size() && colons < 5; ++i) {
      if (resource[i] == ':' && ++colons == 4) {
        accountStart = i + 1;
      }
    }
    const bool namesAccount = resource.starts_with("arn:") && accountStart != std::string::npos &&
                              accountStart < resource.size() && resource[accountStart] != ':';
    if (namesAccount || request->findContext("aws:ResourceAccount") != nullptr) {
      return;
    }
    request->setContext("aws:ResourceAccount",
                        ContextValue{ContextValue::Type::String, false, {owner}});
  }

  bool readStrings(const JsonMember& member, std::vector<std::string>* out) {
    if (!member.value.isArray()) {
      return fail(fmt::format("\"{}\" must be an array of strings", member.key),
                  member.value.offset);
    }
    for (const JsonValue& item : member.value.elements()) {
      if (!item.isString()) {
        return fail(fmt::format("\"{}\" must be an array of strings", member.key), item.offset);
      }
      out->emplace_back(item.text());
    }
    return true;
  }

  bool readAwsContextEntry(const JsonValue& entry, Request* request) {
    if (!entry.isObject()) {
      return fail("each ContextEntries item must be an object", entry.offset);
    }
    const JsonMember* name = entry.find("ContextKeyName");
    const JsonMember* values = entry.find("ContextKeyValues");
    const JsonMember* type = entry.find("ContextKeyType");
    if (name == nullptr || !name->value.isString()) {
      return fail("ContextEntries item needs a string \"ContextKeyName\"", entry.offset);
    }
    if (values == nullptr || !values->value.isArray()) {
      return fail("ContextEntries item needs an array \"ContextKeyValues\"", entry.offset);
    }
    if (type == nullptr || !type->value.isString()) {
      return fail("ContextEntries item needs a string \"ContextKeyType\"", entry.offset);
    }
    std::string typeName(type->value.text());
    ContextValue value;
    constexpr std::string_view kList = "List";
    if (typeName.size() > kList.size() && typeName.ends_with(kList)) {
      value.multivalued = true;
      typeName.resize(typeName.size() - kList.size());
    }
    if (typeName == "string") {
      value.type = ContextValue::Type::String;
    } else if (typeName == "numeric") {
      value.type = ContextValue::Type::Number;
    } else if (typeName == "boolean") {
      value.type = ContextValue::Type::Bool;
    } else if (typeName == "date") {
      value.type = ContextValue::Type::Date;
    } else if (typeName == "ip") {
      value.type = ContextValue::Type::Ip;
    } else if (typeName == "binary") {
      value.type = ContextValue::Type::Binary;
    } else {
      return fail("unknown ContextKeyType \"" + std::string(type->value.text()) +
                      "\" (expected string, numeric, boolean, date, ip, binary or their "
                      "...List forms)",
                  type->value.offset);
    }
    if (values->value.elements().size() > kMaxValuesPerKey) {
      return fail("context key \"" + std::string(name->value.text()) + "\" has more than " +
                      std::to_string(kMaxValuesPerKey) + " values",
                  values->value.offset);
    }
    if (!value.multivalued && values->value.elements().size() != 1) {
      return fail("single-valued ContextKeyType \"" + std::string(type->value.text()) +
                      "\" needs exactly one value",
                  values->value.offset);
    }
    for (const JsonValue& item : values->value.elements()) {
      if (!item.isScalar()) {
        return fail("ContextKeyValues must hold strings", item.offset);
      }
      if (!checkTypedValue(value.type, item)) {
        return false;
      }
      value.values.emplace_back(item.text());
    }
    return setContext(std::string(name->value.text()), name->value.offset, std::move(value),
                      request);
  }

  // The AWS simulator rejects values that do not fit their declared type; so do we.
  bool checkTypedValue(ContextValue::Type type, const JsonValue& item) {
    bool ok = true;
    const char* what = "";
    switch (type) {
      case ContextValue::Type::Number:
        ok = grammar::parseDecimal(item.text()).ok();
        what = "a number";
        break;
      case ContextValue::Type::Bool:
        ok = item.text() == "true" || item.text() == "false";
        what = "true or false";
        break;
      case ContextValue::Type::Date:
        ok = grammar::parseDate(item.text()).ok();
        what = "an ISO 8601 date or epoch seconds";
        break;
      case ContextValue::Type::Ip:
        ok = grammar::parseCidr(item.text()).ok();
        what = "an IP address";
        break;
      default:
        break;
    }
    if (!ok) {
      return fail("context value \"" + std::string(item.text()) + "\" is not " + what, item.offset);
    }
    return true;
  }

  LineIndex index_;
  Status status_;
  std::string name_;
  PolicySetTexts* policies_;
};

}  // namespace

Result<std::vector<Request>> parseRequests(std::string_view text, const std::string& name) {
  internal::JsonDocument document;
  internal::JsonError error;
  internal::JsonLimits limits;
  limits.maxBytes = kMaxContextBytes;
  if (!internal::parseJson(text, limits, &document, &error)) {
    const StatusCode code = text.size() > kMaxContextBytes ? StatusCode::ResourceExhausted
                                                           : StatusCode::InvalidArgument;
    return Status(code, error.message, LineIndex(name, text).locate(error.offset));
  }
  RequestReader reader(text, name, nullptr);
  return reader.read(document.root);
}

Result<RequestFile> parseRequestFile(std::string_view text, const std::string& name) {
  internal::JsonDocument document;
  internal::JsonError error;
  internal::JsonLimits limits;
  limits.maxBytes = kMaxContextBytes;
  if (!internal::parseJson(text, limits, &document, &error)) {
    const StatusCode code = text.size() > kMaxContextBytes ? StatusCode::ResourceExhausted
                                                           : StatusCode::InvalidArgument;
    return Status(code, error.message, LineIndex(name, text).locate(error.offset));
  }
  RequestFile file;
  RequestReader reader(text, name, &file.policies);
  auto requests = reader.read(document.root);
  if (!requests.ok()) {
    return requests.status();
  }
  file.requests = std::move(requests).value();
  return file;
}

namespace {

// SAX handler for the policysim request shape straight into a Request. It gives up (returns
// false) on anything unusual, and the caller then runs the full parser for the exact result or
// error message; so it only has to be right on valid input.
class FastRequestHandler
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, FastRequestHandler> {
 public:
  explicit FastRequestHandler(Request* request) : request_(request) {}

  bool Default() { return false; }
  bool Bool(bool b) { return scalar(b ? "true" : "false", ContextValue::Type::Bool); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    return scalar(std::string_view(str, length), ContextValue::Type::Number);
  }
  bool String(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    const std::string_view text(str, length);
    switch (state_) {
      case State::Principal:
        request_->principal.assign(text);
        state_ = State::Top;
        return true;
      case State::Action:
        request_->action.assign(text);
        hasAction_ = true;
        state_ = State::Top;
        return true;
      case State::Resource:
        request_->resource.assign(text);
        state_ = State::Top;
        return true;
      default:
        return scalar(text, ContextValue::Type::String);
    }
  }
  bool StartObject() {
    if (state_ == State::Start) {
      state_ = State::Top;
      return true;
    }
    if (state_ == State::Context) {
      state_ = State::ContextKey;
      ++contextObjects_;
      return contextObjects_ == 1;
    }
    return false;
  }
  bool EndObject(rapidjson::SizeType /*count*/) {
    if (state_ == State::ContextKey) {
      state_ = State::Top;
      return true;
    }
    if (state_ == State::Top) {
      state_ = State::Done;
      return true;
    }
    return false;
  }
  bool StartArray() {
    if (state_ != State::ContextValue || current_ == nullptr) {
      return false;
    }
    current_->multivalued = true;
    state_ = State::ContextArray;
    return true;
  }
  bool EndArray(rapidjson::SizeType count) {
    if (state_ != State::ContextArray || count > kMaxValuesPerKey) {
      return false;
    }
    state_ = State::ContextKey;
    return true;
  }
  bool Key(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    const std::string_view key(str, length);
    if (state_ == State::ContextKey) {
      if (key.empty() || request_->contextSize() >= kMaxContextKeys) {
        return false;
      }
      current_ = request_->addContext(key);
      state_ = State::ContextValue;
      return current_ != nullptr;
    }
    if (state_ != State::Top) {
      return false;
    }
    if (key == "principal" && !seenPrincipal_) {
      seenPrincipal_ = true;
      state_ = State::Principal;
    } else if (key == "action" && !hasAction_) {
      state_ = State::Action;
    } else if (key == "resource" && !seenResource_) {
      seenResource_ = true;
      state_ = State::Resource;
    } else if (key == "context" && contextObjects_ == 0) {
      state_ = State::Context;
    } else {
      return false;
    }
    return true;
  }

  [[nodiscard]] bool complete() const { return state_ == State::Done && hasAction_; }

 private:
  enum class State {
    Start,
    Top,
    Principal,
    Action,
    Resource,
    Context,
    ContextKey,
    ContextValue,
    ContextArray,
    Done
  };

  bool scalar(std::string_view text, ContextValue::Type type) {
    if ((state_ != State::ContextValue && state_ != State::ContextArray) || current_ == nullptr) {
      return false;
    }
    current_->type = type;
    current_->values.emplace_back(text);
    if (state_ == State::ContextValue) {
      state_ = State::ContextKey;
    }
    return true;
  }

  Request* request_;
  ContextValue* current_ = nullptr;
  State state_ = State::Start;
  int contextObjects_ = 0;
  bool hasAction_ = false;
  bool seenPrincipal_ = false;
  bool seenResource_ = false;
};

bool isValidAction(std::string_view action) {
  const std::size_t colon = action.find(':');
  return colon != std::string_view::npos && colon != 0 && colon + 1 != action.size();
}

// RapidJSON's SAX reader straight into *out; false when the full parser must decide.
bool readWithRapidJson(std::string_view text, Request* out) {
  out->clear();
  if (text.size() > kMaxRequestBytes || text.find('\0') != std::string_view::npos) {
    return false;
  }
  FastRequestHandler handler(out);
  rapidjson::Reader reader;
  rapidjson::MemoryStream memory(text.data(), text.size());
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  return !reader.Parse<kFlags>(memory, handler).IsError() && handler.complete() &&
         isValidAction(out->action);
}

}  // namespace

RequestParser::RequestParser(FastPath fastPath)
    : fastPath_(fastPath),
      simd_(fastPath == FastPath::Simdjson ? std::make_unique<internal::SimdRequestReader>()
                                           : nullptr) {}
RequestParser::~RequestParser() = default;
RequestParser::RequestParser(RequestParser&&) noexcept = default;
RequestParser& RequestParser::operator=(RequestParser&&) noexcept = default;

Status RequestParser::parse(std::string_view text, const std::string& name, Request* out,
                            std::size_t readableAfter) {
  if (fastPath_ == FastPath::Simdjson) {
    if (simd_->read(text, readableAfter, out)) {
      return Status();
    }
  } else if (readWithRapidJson(text, out)) {
    return Status();
  }
  // Unusual input or an error: the full parser decides, with its exact messages.
  out->clear();
  auto requests = parseRequests(text, name);
  if (!requests.ok()) {
    return requests.status();
  }
  if (requests.value().size() != 1) {
    return Status::invalidArgument("expected exactly one request (one action and resource), got " +
                                       std::to_string(requests.value().size()),
                                   SourceLocation{name, 1, 1});
  }
  *out = std::move(requests.value().front());
  return Status();
}

}  // namespace policysim::engine
