// The policy checker. Pass 1 walks the document the way IAM's grammar reads it
// (../shared/docs/iam-semantics.md §1) and reports every grammar problem (PS1xx) while
// collecting each statement's parts with their positions. Pass 2 runs the data (PS2xx),
// security (PS3xx) and MFA (PS4xx) rules on those parts; pass 3 the whole-policy rules
// (privilege escalation).
#include "lint/checker.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <unordered_map>

#include "engine/internal/patterns.h"
#include "engine/policy.h"
#include "engine/request.h"
#include "grammar/arn.h"
#include "grammar/condition_operator.h"
#include "grammar/date.h"
#include "grammar/ip.h"
#include "grammar/number.h"
#include "grammar/policy_variable.h"
#include "grammar/wildcard.h"

namespace policysim::lint {

using namespace policysim::engine;    // NOLINT(google-build-using-namespace): the core vocabulary
using namespace policysim::analysis;  // NOLINT(google-build-using-namespace)
namespace {

using grammar::OperatorFamily;
using grammar::OperatorKind;
using grammar::SetQualifier;
using Path = std::vector<PathSegment>;

std::string lower(std::string_view text) { return toLowerAscii(text); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

Path append(Path path, PathSegment segment) {
  path.push_back(std::move(segment));
  return path;
}
PathSegment keySegment(std::string key) { return PathSegment{std::move(key), -1}; }
PathSegment indexSegment(std::size_t i) { return PathSegment{{}, static_cast<std::int64_t>(i)}; }

std::string quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

// Text with ${...} variables removed (for counting ARN fields and finding wildcards that are
// not inside a variable).
std::string withoutVariables(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      const std::size_t end = text.find('}', i);
      if (end == std::string_view::npos) {
        out.append(text.substr(i));
        break;
      }
      out += 'x';
      i = end + 1;
      continue;
    }
    out += text[i++];
  }
  return out;
}

// Padded base64, as the engine reads it (decodeBase64): unpadded text is invalid.
bool isBase64(std::string_view text) {
  if (text.size() % 4 != 0) {
    return false;
  }
  int bits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    const bool alnum = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (!alnum && c != '+' && c != '/') {
      return false;
    }
    if (padding != 0) {
      return false;
    }
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
    }
  }
  return padding <= 2 && bits < 6;
}

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest candidate within `limit` edits, or empty.
template <typename Range, typename Name>
std::string closest(std::string_view word, const Range& candidates, Name name, std::size_t limit) {
  std::string best;
  std::size_t bestDistance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::string_view text = name(candidate);
    if (text.size() + limit < word.size() || word.size() + limit < text.size()) {
      continue;
    }
    const std::size_t d = editDistance(word, text);
    if (d < bestDistance) {
      bestDistance = d;
      best = std::string(text);
    }
  }
  return best;
}

// Keys every request carries: IfExists on them changes nothing (§3.9).
constexpr std::string_view kAlwaysPresentKeys[] = {
    "aws:currenttime",   "aws:epochtime",     "aws:securetransport",
    "aws:viaawsservice", "aws:principaltype", "aws:userid",
};

// Keys that some callers never send; an Allow with ...IfExists on them grants those callers
// without the check (§3.3, §3.9).
constexpr std::string_view kOptionalSecurityKeys[] = {
    "aws:sourceip",           "aws:sourcevpc",         "aws:sourcevpce",       "aws:vpcsourceip",
    "aws:principalorgid",     "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
    "aws:sourceaccount",      "aws:sourcearn",         "aws:sourceorgid",      "aws:sourceorgpaths",
    "aws:multifactorauthage", "aws:tokenissuetime",
};

// Keys that limit who may use a statement with Principal "*" (PS305). sts:ExternalId and
// aws:CalledVia are not among them: they say how a caller comes, not who it is.
constexpr std::string_view kCallerRestrictingKeys[] = {
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalservicename",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:userid",
    "aws:username",
    "aws:sourceowner",
    "kms:calleraccount",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",

};

// Service keys that requests of other services carry too (credentials of an EC2 instance or a
// Lambda function): PS206 does not expect actions of their service in the statement.
constexpr std::string_view kCrossServiceKeys[] = {
    "ec2:sourceinstancearn", "ec2:sourceinstanceprivateipv4",
    "ec2:roledelivery",      "lambda:sourcefunctionarn",
    "glue:roleassumedby",    "glue:credentialissuingservice",
    "ssm:sourceinstancearn",
};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view lowerKey) {
  return std::find(std::begin(list), std::end(list), lowerKey) != std::end(list);
}

// Rhino Security Labs' privilege-escalation methods, as sets of actions that together allow
// it (https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/).
constexpr std::array<std::array<std::string_view, 3>, 21> kEscalationMethods = {{
    {"iam:CreatePolicyVersion", "", ""},
    {"iam:SetDefaultPolicyVersion", "", ""},
    {"iam:PassRole", "ec2:RunInstances", ""},
    {"iam:CreateAccessKey", "", ""},
    {"iam:CreateLoginProfile", "", ""},
    {"iam:UpdateLoginProfile", "", ""},
    {"iam:AttachUserPolicy", "", ""},
    {"iam:AttachGroupPolicy", "", ""},
    {"iam:AttachRolePolicy", "sts:AssumeRole", ""},
    {"iam:PutUserPolicy", "", ""},
    {"iam:PutGroupPolicy", "", ""},
    {"iam:PutRolePolicy", "sts:AssumeRole", ""},
    {"iam:AddUserToGroup", "", ""},
    {"iam:UpdateAssumeRolePolicy", "sts:AssumeRole", ""},
    {"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"},
    {"iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"},
    {"lambda:UpdateFunctionCode", "", ""},
    {"iam:PassRole", "glue:CreateDevEndpoint", ""},
    {"glue:UpdateDevEndpoint", "", ""},
    {"iam:PassRole", "cloudformation:CreateStack", ""},
    {"iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"},
}};

struct Item {
  std::string text;
  Node::Type type = Node::Type::String;
  Position position;
  Path path;
};

struct ListElement {
  bool present = false;
  bool negated = false;  // NotAction / NotResource
  bool unknown = false;  // (part of) the value is an intrinsic function
  Position keyPosition;
  Path path;
  std::vector<Item> items;
  // Actions only: the items as lower-case globs, compiled once for the coverage questions of
  // the security rules.
  std::vector<grammar::WildcardPattern> patterns;
};

struct ConditionPart {
  std::string operatorName;
  grammar::ConditionOperator op;
  std::string key;
  std::string lowerKey;
  Position keyPosition;
  Position operatorPosition;
  Path path;
  std::vector<Item> values;
  bool unknown = false;
};

struct PrincipalItem {
  std::string type;  // "*", AWS, Service, Federated, CanonicalUser
  std::string value;
  Position position;
  Path path;
};

struct StatementParts {
  Path path;
  Position position;
  std::string sid;
  std::optional<Effect> effect;
  ListElement action;
  ListElement resource;
  bool hasPrincipal = false;
  bool notPrincipal = false;
  bool principalUnknown = false;
  std::vector<PrincipalItem> principals;
  bool conditionUnknown = false;
  std::vector<ConditionPart> conditions;
};

class Checker {
 public:
  Checker(const CheckContext& context, const PolicyInput& policy, std::vector<RawFinding>* out)
      : context_(context), policy_(policy), out_(out) {}

  void run() {
    readDocument(*policy_.root);
    for (const StatementParts& statement : statements_) {
      checkStatement(statement);
    }
    checkEscalation();
  }

 private:
  // ---- findings ----

  void emit(std::string_view id, Position position, Path path, std::string message) {
    const RuleInfo* rule = findRule(id);
    out_->push_back(RawFinding{rule, std::move(message), position, std::move(path), currentSid_});
  }

  bool identityFamily() const {
    return policy_.type == PolicyType::Identity || policy_.type == PolicyType::Boundary ||
           policy_.type == PolicyType::Session || policy_.type == PolicyType::Trust;
  }
  bool resourceFamily() const {
    return policy_.type == PolicyType::Resource || policy_.type == PolicyType::Trust;
  }
  bool variablesEnabled() const { return version_ == PolicyVersion::V2012_10_17; }

  // Reports keys that repeat in an object (IAM rejects them at every level).
  void checkDuplicateKeys(const Node& object, const Path& path) {
    for (std::size_t i = 1; i < object.members.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (object.members[i].key == object.members[j].key) {
          emit("PS101", object.members[i].keyPosition,
               append(path, keySegment(object.members[i].key)),
               "duplicate key " + quote(object.members[i].key) + " (first at line " +
                   std::to_string(object.members[j].keyPosition.line) +
                   "); IAM rejects repeated keys");
          break;
        }
      }
    }
  }

  // ---- pass 1: grammar ----

  void readDocument(const Node& root) {
    if (!root.isObject()) {
      emit("PS104", root.position, {},
           std::string("a policy must be a JSON object, found ") + describeType(root.type));
      return;
    }
    checkDuplicateKeys(root, {});
    const NodeMember* statement = nullptr;
    bool versionSeen = false;
    for (const NodeMember& member : root.members) {
      const Path path{keySegment(member.key)};
      if (member.key == "Version") {
        if (!versionSeen) {
          readVersion(member.value, path);
        }
        versionSeen = true;
      } else if (member.key == "Id") {
        if (!member.value.isString() && !member.value.intrinsic) {
          emit("PS104", member.value.position, path, "Id must be a string");
        }
      } else if (member.key == "Statement") {
        if (statement == nullptr) {
          statement = &member;
        }
      } else {
        emit(
            "PS102", member.keyPosition, path,
            "unknown policy element " + quote(member.key) + " (expected Version, Id or Statement)");
      }
    }
    if (!versionSeen) {
      emit("PS107", root.position, {},
           "policy has no Version: policy variables are not substituted (add \"Version\": "
           "\"2012-10-17\")");
    }
    if (statement == nullptr) {
      emit("PS103", root.position, {}, "policy has no Statement element");
      return;
    }
    const Node& value = statement->value;
    if (value.intrinsic) {
      return;
    }
    if (value.isObject()) {
      readStatement(value, {keySegment("Statement")});
    } else if (value.isArray()) {
      if (value.elements.empty()) {
        emit("PS124", value.position, {keySegment("Statement")},
             "Statement is an empty list: the policy grants and denies nothing");
      }
      for (std::size_t i = 0; i < value.elements.size(); ++i) {
        readStatement(value.elements[i], {keySegment("Statement"), indexSegment(i)});
      }
    } else {
      emit("PS104", value.position, {keySegment("Statement")},
           std::string("Statement must be an object or an array of objects, found ") +
               describeType(value.type));
    }
  }

  void readVersion(const Node& value, const Path& path) {
    if (value.intrinsic) {
      return;
    }
    if (!value.isString()) {
      emit("PS106", value.position, path,
           std::string("Version must be the string \"2012-10-17\", found ") +
               describeType(value.type));
      version_ = PolicyVersion::V2012_10_17;
      return;
    }
    if (value.text == "2012-10-17") {
      version_ = PolicyVersion::V2012_10_17;
    } else if (value.text == "2008-10-17") {
      version_ = PolicyVersion::V2008_10_17;
      if (policy_.type == PolicyType::Scp) {
        emit("PS106", value.position, path, "service control policies need Version \"2012-10-17\"");
      }
    } else {
      version_ = PolicyVersion::V2012_10_17;  // judge the rest as the author surely meant
      emit("PS106", value.position, path,
           "invalid Version " + quote(value.text) + " (expected \"2012-10-17\" or \"2008-10-17\")");
    }
  }

  void readStatement(const Node& node, const Path& path) {
    currentSid_.clear();
    if (node.intrinsic) {
      return;
    }
    if (!node.isObject()) {
      emit("PS104", node.position, path,
           std::string("each statement must be an object, found ") + describeType(node.type));
      return;
    }
    StatementParts parts;
    parts.path = path;
    parts.position = node.position;
    if (const Node* sid = node.get("Sid"); sid != nullptr && sid->isString()) {
      currentSid_ = sid->text;  // findings of this statement carry its Sid
    }
    checkDuplicateKeys(node, path);
    std::map<std::string_view, const NodeMember*> found;
    for (const NodeMember& member : node.members) {
      static constexpr std::string_view kKnown[] = {"Sid",          "Effect",      "Principal",
                                                    "NotPrincipal", "Action",      "NotAction",
                                                    "Resource",     "NotResource", "Condition"};
      if (std::find(std::begin(kKnown), std::end(kKnown), member.key) == std::end(kKnown)) {
        emit("PS102", member.keyPosition, append(path, keySegment(member.key)),
             "unknown statement element " + quote(member.key) +
                 " (expected Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, "
                 "NotResource or Condition)");
        continue;
      }
      found.emplace(member.key, &member);  // the first of duplicates
    }
    auto get = [&](std::string_view key) -> const NodeMember* {
      const auto it = found.find(key);
      return it == found.end() ? nullptr : it->second;
    };

    if (const NodeMember* sid = get("Sid")) {
      readSid(sid->value, append(path, keySegment("Sid")));
    }

    if (const NodeMember* effect = get("Effect")) {
      const Node& value = effect->value;
      if (!value.intrinsic) {
        if (value.isString() && value.text == "Allow") {
          parts.effect = Effect::Allow;
        } else if (value.isString() && value.text == "Deny") {
          parts.effect = Effect::Deny;
        } else {
          emit("PS105", value.position, append(path, keySegment("Effect")),
               (value.isString() ? "invalid Effect " + quote(value.text)
                                 : std::string("Effect must be a string")) +
                   " (expected \"Allow\" or \"Deny\", case-sensitive)");
        }
      }
    } else {
      emit("PS103", node.position, path, "statement has no Effect");
    }

    readPair(get("Action"), get("NotAction"), path, &parts.action);
    if (!parts.action.present) {
      emit("PS103", node.position, path, "statement has neither Action nor NotAction");
    }
    for (const Item& item : parts.action.items) {
      checkActionSyntax(item, parts.action.negated ? "NotAction" : "Action");
      parts.action.patterns.push_back(grammar::WildcardPattern::fromGlob(lower(item.text)));
    }

    readPair(get("Resource"), get("NotResource"), path, &parts.resource);
    if (parts.resource.present && policy_.type == PolicyType::Trust) {
      emit("PS109", parts.resource.keyPosition, parts.resource.path,
           std::string(parts.resource.negated ? "NotResource" : "Resource") +
               " is not allowed in a role trust policy (the resource is the role itself)");
    }
    if (!parts.resource.present && !resourceFamily()) {
      emit("PS103", node.position, path, "statement has neither Resource nor NotResource");
    }
    for (const Item& item : parts.resource.items) {
      checkResourceSyntax(item, parts.resource.negated ? "NotResource" : "Resource");
    }

    readPrincipals(get("Principal"), get("NotPrincipal"), node, path, &parts);

    if (const NodeMember* condition = get("Condition")) {
      readConditions(*condition, append(path, keySegment("Condition")), &parts);
    }
    parts.sid = currentSid_;
    statements_.push_back(std::move(parts));
  }

  void readSid(const Node& value, const Path& path) {
    if (value.intrinsic) {
      return;
    }
    if (!value.isString()) {
      emit("PS104", value.position, path, "Sid must be a string");
      return;
    }
    const std::string& sid = value.text;
    if (sid.empty()) {
      emit("PS123", value.position, path, "empty Sid: remove it or name the statement");
      return;
    }
    const bool alphanumeric =
        std::all_of(sid.begin(), sid.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
    if (!alphanumeric && identityFamily()) {
      emit("PS122", value.position, path,
           "Sid " + quote(sid) + " has characters IAM does not accept (only A-Z, a-z, 0-9)");
    }
    const auto [it, inserted] = sids_.emplace(sid, value.position);
    if (!inserted) {
      emit("PS121", value.position, path,
           "duplicate Sid " + quote(sid) + " (first at line " + std::to_string(it->second.line) +
               ")");
    }
  }

  // Reads Action/NotAction or Resource/NotResource (whichever is present; both is PS108).
  void readPair(const NodeMember* plain, const NodeMember* negated, const Path& statementPath,
                ListElement* out) {
    if (plain != nullptr && negated != nullptr) {
      emit("PS108", negated->keyPosition, append(statementPath, keySegment(negated->key)),
           "statement has both " + plain->key + " and " + negated->key);
    }
    const NodeMember* member = plain != nullptr ? plain : negated;
    if (member == nullptr) {
      return;
    }
    out->present = true;
    out->negated = plain == nullptr;
    out->keyPosition = member->keyPosition;
    out->path = append(statementPath, keySegment(member->key));
    readStringList(*member, out->path, &out->items, &out->unknown);
  }

  // A string or an array of strings; intrinsic parts set *unknown.
  void readStringList(const NodeMember& member, const Path& path, std::vector<Item>* items,
                      bool* unknown) {
    const Node& value = member.value;
    auto add = [&](const Node& item, Path itemPath) {
      if (item.intrinsic) {
        *unknown = true;
        return;
      }
      if (!item.isString()) {
        emit("PS104", item.position, itemPath,
             member.key + " values must be strings, found " + describeType(item.type));
        return;
      }
      items->push_back(Item{item.text, item.type, item.position, std::move(itemPath)});
    };
    if (value.intrinsic) {
      *unknown = true;
      return;
    }
    if (value.isArray()) {
      if (value.elements.empty()) {
        emit("PS124", value.position, path, member.key + " is an empty list: it matches nothing");
      }
      for (std::size_t i = 0; i < value.elements.size(); ++i) {
        add(value.elements[i], append(path, indexSegment(i)));
      }
      return;
    }
    add(value, path);
  }

  void checkActionSyntax(const Item& item, const char* element) {
    const std::string& action = item.text;
    if (action == "*") {
      return;
    }
    if (grammar::mayContainVariables(action)) {
      emit("PS120", item.position, item.path,
           std::string("policy variables are not substituted in ") + element + " (" +
               quote(action) + ")");
      return;
    }
    const std::size_t colon = action.find(':');
    if (colon == std::string::npos || colon == 0) {
      emit("PS112", item.position, item.path,
           "invalid action " + quote(action) + " (expected \"service:Action\" or \"*\")");
      return;
    }
    if (action.find_first_of("*?") < colon) {
      emit("PS112", item.position, item.path,
           "wildcards are not allowed in the service prefix of action " + quote(action));
      return;
    }
    if (colon + 1 == action.size()) {
      emit("PS112", item.position, item.path,
           "action " + quote(action) + " has an empty name and matches nothing");
    }
  }

  // Checks ${...} syntax in a value where variables are allowed. Returns false when reported.
  bool checkVariables(const Item& item, const std::string& where) {
    if (!grammar::mayContainVariables(item.text)) {
      return true;
    }
    if (!variablesEnabled()) {
      emit("PS119", item.position, item.path,
           "policy variable in " + where + " but the policy's Version is " +
               (version_ == PolicyVersion::Absent ? std::string("missing")
                                                  : std::string("\"2008-10-17\"")) +
               ": " + quote(item.text) + " is literal text (use \"Version\": \"2012-10-17\")");
      return false;
    }
    const auto parsed = grammar::parsePolicyTemplate(item.text);
    if (!parsed.ok()) {
      emit("PS118", item.position, item.path,
           "malformed policy variable in " + where + " " + quote(item.text) + ": expected " +
               parsed.expected());
      return false;
    }
    const auto variables = std::count_if(
        parsed.value().begin(), parsed.value().end(), [](const grammar::TemplatePart& part) {
          return part.kind == grammar::TemplatePart::Kind::Variable;
        });
    if (static_cast<std::size_t>(variables) > engine::internal::kMaxSlots) {
      emit("PS130", item.position, item.path,
           std::to_string(variables) + " policy variables in " + where + " " + quote(item.text) +
               ": policysim evaluates at most " + std::to_string(engine::internal::kMaxSlots) +
               " per value, so the statement fails closed");
    }
    return true;
  }

  void checkResourceSyntax(const Item& item, const char* element) {
    const std::string& resource = item.text;
    if (resource == "*") {
      return;
    }
    checkVariables(item, element);
    const std::string text = withoutVariables(resource);
    if (text.rfind("arn:", 0) != 0) {
      emit("PS113", item.position, item.path,
           std::string(element) + " " + quote(resource) +
               " is not an ARN (expected \"arn:partition:service:region:account:resource\" or "
               "\"*\")");
      return;
    }
    const std::size_t colons = static_cast<std::size_t>(std::count(text.begin(), text.end(), ':'));
    if (colons < 5 && text.back() != '*') {
      emit("PS113", item.position, item.path,
           std::string(element) + " " + quote(resource) +
               " has fewer than six ARN fields and no trailing '*': it matches nothing");
      return;
    }
    const std::size_t serviceStart = text.find(':', 4);
    if (serviceStart != std::string::npos) {
      const std::size_t serviceEnd = text.find(':', serviceStart + 1);
      const std::string_view service = std::string_view(text).substr(
          serviceStart + 1,
          serviceEnd == std::string::npos ? std::string::npos : serviceEnd - serviceStart - 1);
      if (std::any_of(service.begin(), service.end(),
                      [](unsigned char c) { return std::isupper(c) != 0; })) {
        emit("PS113", item.position, item.path,
             "the service field of " + quote(resource) +
                 " must be lower case (ARNs are case-sensitive)");
      }
    }
  }

  void readPrincipals(const NodeMember* principal, const NodeMember* notPrincipal,
                      const Node& statement, const Path& path, StatementParts* parts) {
    if (principal != nullptr && notPrincipal != nullptr) {
      emit("PS108", notPrincipal->keyPosition, append(path, keySegment("NotPrincipal")),
           "statement has both Principal and NotPrincipal");
    }
    const NodeMember* member = principal != nullptr ? principal : notPrincipal;
    if (member == nullptr) {
      if (resourceFamily()) {
        emit("PS103", statement.position, path,
             "a resource-based policy statement needs Principal or NotPrincipal");
      }
      return;
    }
    const Path memberPath = append(path, keySegment(member->key));
    parts->hasPrincipal = true;
    parts->notPrincipal = principal == nullptr;
    if (!resourceFamily()) {
      emit("PS109", member->keyPosition, memberPath,
           member->key + " is not allowed in " + article(policyTypeName(policy_.type)) +
               " policy (only resource-based policies name principals)");
    }
    if (parts->notPrincipal && policy_.type == PolicyType::Trust) {
      emit("PS109", member->keyPosition, memberPath,
           "NotPrincipal is not allowed in a role trust policy");
    }
    if (parts->notPrincipal && parts->effect == Effect::Allow) {
      emit("PS110", member->keyPosition, memberPath,
           "NotPrincipal is supported only with \"Effect\": \"Deny\"; with Allow it would "
           "grant everyone else, anonymous callers included");
    }
    const Node& value = member->value;
    if (value.intrinsic) {
      parts->principalUnknown = true;
      return;
    }
    if (value.isString()) {
      if (value.text == "*") {
        parts->principals.push_back(PrincipalItem{"*", "*", value.position, memberPath});
      } else {
        emit("PS111", value.position, memberPath,
             member->key + " must be \"*\" or an object such as {\"AWS\": \"...\"}, found " +
                 quote(value.text));
      }
      return;
    }
    if (!value.isObject()) {
      emit("PS104", value.position, memberPath,
           member->key + " must be \"*\" or an object, found " + describeType(value.type));
      return;
    }
    if (value.members.empty()) {
      emit("PS124", value.position, memberPath,
           member->key + " is an empty object: the statement matches no principal");
    }
    checkDuplicateKeys(value, memberPath);
    for (const NodeMember& entry : value.members) {
      const Path entryPath = append(memberPath, keySegment(entry.key));
      if (entry.key != "AWS" && entry.key != "Service" && entry.key != "Federated" &&
          entry.key != "CanonicalUser") {
        emit("PS111", entry.keyPosition, entryPath,
             "unknown principal type " + quote(entry.key) +
                 " (expected AWS, Service, Federated or CanonicalUser)");
        continue;
      }
      std::vector<Item> items;
      bool unknown = false;
      readStringList(entry, entryPath, &items, &unknown);
      parts->principalUnknown = parts->principalUnknown || unknown;
      for (Item& item : items) {
        if (item.text != "*" && item.text.find_first_of("*?") != std::string::npos) {
          emit("PS111", item.position, item.path,
               "partial wildcards are not allowed in principals (" + quote(item.text) +
                   "); use \"*\" with a condition on aws:PrincipalArn");
          continue;
        }
        if (grammar::mayContainVariables(item.text)) {
          emit("PS120", item.position, item.path,
               "policy variables are not substituted in principals (" + quote(item.text) + ")");
          continue;
        }
        parts->principals.push_back(
            PrincipalItem{entry.key, std::move(item.text), item.position, std::move(item.path)});
      }
    }
  }

  static std::string article(std::string_view word) {
    const bool vowel =
        !word.empty() && std::string_view("aeiou").find(word[0]) != std::string_view::npos;
    return (vowel ? "an " : "a ") + std::string(word);
  }

  void readConditions(const NodeMember& member, const Path& path, StatementParts* parts) {
    const Node& value = member.value;
    if (value.intrinsic) {
      parts->conditionUnknown = true;
      return;
    }
    if (!value.isObject()) {
      emit("PS104", value.position, path,
           "Condition must be an object of {operator: {key: value}}, found " +
               std::string(describeType(value.type)));
      return;
    }
    if (value.members.empty()) {
      emit("PS124", value.position, path, "Condition is an empty object: remove it");
    }
    checkDuplicateKeys(value, path);
    for (const NodeMember& block : value.members) {
      const Path blockPath = append(path, keySegment(block.key));
      if (block.value.intrinsic) {
        parts->conditionUnknown = true;
        continue;
      }
      const auto parsed = grammar::parseConditionOperator(block.key);
      if (!parsed.ok()) {
        std::string message = "unknown condition operator " + quote(block.key);
        if (block.key.rfind("NullIfExists") != std::string::npos) {
          message += ": Null cannot take IfExists";
        } else {
          message += ": expected " + parsed.expected();
        }
        emit("PS114", block.keyPosition, blockPath, message);
        continue;
      }
      const grammar::ConditionOperator op = parsed.value();
      if (!block.value.isObject()) {
        emit("PS104", block.value.position, blockPath,
             "condition operator " + block.key + " must map to an object of {key: value}, found " +
                 describeType(block.value.type));
        continue;
      }
      if (block.value.members.empty()) {
        emit("PS124", block.value.position, blockPath,
             "condition operator " + block.key + " has no keys: remove it");
      }
      if (op.kind == OperatorKind::Null && op.qualifier != SetQualifier::None) {
        emit("PS127", block.keyPosition, blockPath,
             block.key +
                 ": Null tests whether a key is present; the set qualifier makes the "
                 "result constant");
      }
      checkDuplicateKeys(block.value, blockPath);
      std::vector<std::string> seen;
      for (const NodeMember& entry : block.value.members) {
        const Path entryPath = append(blockPath, keySegment(entry.key));
        const std::string lowered = lower(entry.key);
        if (std::find(seen.begin(), seen.end(), lowered) != seen.end()) {
          // Exact repeats are PS101; repeats that differ in case are this rule.
          const bool exact =
              std::any_of(block.value.members.begin(), block.value.members.end(),
                          [&](const NodeMember& m) { return &m != &entry && m.key == entry.key; });
          if (!exact) {
            emit("PS115", entry.keyPosition, entryPath,
                 "condition key " + quote(entry.key) + " appears twice under " + block.key +
                     " (keys are case-insensitive)");
          }
          continue;
        }
        seen.push_back(lowered);
        ConditionPart part;
        part.operatorName = block.key;
        part.op = op;
        part.key = entry.key;
        part.lowerKey = lowered;
        part.keyPosition = entry.keyPosition;
        part.operatorPosition = block.keyPosition;
        part.path = entryPath;
        if (!checkConditionKey(entry, entryPath)) {
          continue;
        }
        readConditionValues(entry, entryPath, &part);
        checkConditionValues(part);
        parts->conditions.push_back(std::move(part));
      }
    }
  }

  bool checkConditionKey(const NodeMember& entry, const Path& path) {
    const std::string& key = entry.key;
    if (key.empty() || key.back() == '/') {
      emit("PS116", entry.keyPosition, path,
           "condition key " + quote(key) + " is incomplete" +
               (key.empty() ? std::string() : std::string(" (the tag key is missing)")));
      return false;
    }
    const std::size_t colon = key.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == key.size()) {
      emit("PS116", entry.keyPosition, path,
           "condition key " + quote(key) + " is not of the form \"service:name\"");
      return false;
    }
    if (grammar::mayContainVariables(key)) {
      emit("PS120", entry.keyPosition, path,
           "policy variables are not substituted in condition key names (" + quote(key) + ")");
      return false;
    }
    return true;
  }

  void readConditionValues(const NodeMember& entry, const Path& path, ConditionPart* part) {
    auto add = [&](const Node& item, Path itemPath) {
      if (item.intrinsic) {
        part->unknown = true;
        return;
      }
      if (!item.isScalar()) {
        emit("PS104", item.position, itemPath,
             std::string("condition values must be strings, numbers or booleans, found ") +
                 describeType(item.type));
        return;
      }
      part->values.push_back(Item{item.text, item.type, item.position, std::move(itemPath)});
    };
    const Node& value = entry.value;
    if (value.intrinsic) {
      part->unknown = true;
      return;
    }
    if (value.isArray()) {
      if (value.elements.empty()) {
        emit("PS124", value.position, path,
             "condition " + part->operatorName + " on " + entry.key +
                 " has no values: " + emptyValuesMeaning(part->op));
      }
      for (std::size_t i = 0; i < value.elements.size(); ++i) {
        add(value.elements[i], append(path, indexSegment(i)));
      }
      return;
    }
    add(value, path);
  }

  static std::string emptyValuesMeaning(const grammar::ConditionOperator& op) {
    if (op.qualifier == SetQualifier::ForAllValues) {
      return "it matches only when the key is missing (use Null)";
    }
    if (op.qualifier == SetQualifier::ForAnyValue) {
      return "it never matches";
    }
    if (op.ifExists) {
      return "it matches only when the key is missing";
    }
    return "it never matches";
  }

  void checkConditionValues(const ConditionPart& part) {
    const OperatorFamily family = grammar::operatorFamily(part.op.kind);
    const std::string where = part.operatorName + " on " + part.key;
    if (family == OperatorFamily::Bool && part.values.size() > 1) {
      emit("PS126", part.keyPosition, part.path,
           where + " lists " + std::to_string(part.values.size()) +
               " values; they are ORed, so the condition only tests that the key is present");
    }
    for (const Item& value : part.values) {
      const bool variables =
          value.type == Node::Type::String && grammar::mayContainVariables(value.text);
      if (variables && family != OperatorFamily::String && family != OperatorFamily::Arn) {
        emit("PS120", value.position, value.path,
             "policy variables are allowed only in String and Arn condition values, not under " +
                 part.operatorName);
        continue;
      }
      if (variables && !checkVariables(value, "condition " + where)) {
        continue;
      }
      switch (family) {
        case OperatorFamily::String: {
          const bool like = part.op.kind == OperatorKind::StringLike ||
                            part.op.kind == OperatorKind::StringNotLike;
          const std::string text = variables ? withoutVariables(value.text) : value.text;
          if (!like && text.find_first_of("*?") != std::string::npos) {
            emit("PS125", value.position, value.path,
                 quote(value.text) + " under " + part.operatorName +
                     ": '*' and '?' are literal characters here; use StringLike to match a "
                     "pattern");
          }
          break;
        }
        case OperatorFamily::Arn: {
          const std::string text = variables ? withoutVariables(value.text) : value.text;
          const auto colons = std::count(text.begin(), text.end(), ':');
          if (text.rfind("arn:", 0) != 0 || colons < 5) {
            invalidValue(part, value, "is not an ARN with six fields");
          }
          break;
        }
        case OperatorFamily::Numeric:
          if (!grammar::parseDecimal(value.text).ok()) {
            invalidValue(part, value, "is not a decimal number");
          }
          break;
        case OperatorFamily::Date: {
          if (!grammar::parseDate(value.text).ok()) {
            invalidValue(part, value, "is not an ISO 8601 date or epoch seconds");
          } else if (value.text.find_first_not_of("0123456789", value.text[0] == '-' ? 1 : 0) ==
                     std::string::npos) {
            emit("PS128", value.position, value.path,
                 quote(value.text) + " under " + part.operatorName +
                     " is read as epoch seconds; write an ISO 8601 date such as "
                     "\"2026-01-01T00:00:00Z\"");
          }
          break;
        }
        case OperatorFamily::Bool:
        case OperatorFamily::Null: {
          const std::string lowered = lower(value.text);
          if (lowered != "true" && lowered != "false") {
            invalidValue(part, value, "is not true or false");
          }
          break;
        }
        case OperatorFamily::Binary:
          if (!isBase64(value.text)) {
            invalidValue(part, value, "is not base64");
          }
          break;
        case OperatorFamily::Ip: {
          const auto parsed = grammar::parseCidr(value.text);
          if (!parsed.ok()) {
            invalidValue(part, value, "is not an IP address or CIDR block");
          } else if (parsed.value().hadHostBits) {
            emit("PS129", value.position, value.path,
                 quote(value.text) +
                     " has bits set after the prefix; it means the whole "
                     "network (write the network address, or /32 for one host)");
          }
          break;
        }
      }
    }
  }

  void invalidValue(const ConditionPart& part, const Item& value, const char* problem) {
    emit("PS117", value.position, value.path,
         part.operatorName + " on " + part.key + ": " + quote(value.text) + " " + problem +
             " (policysim check fails the statement closed)");
  }

  // ---- pass 2: statement rules ----

  // True when the Action/NotAction element covers the action. REQUIRES: lowerAction is lower
  // case; actions.patterns is filled.
  static bool covers(const ListElement& actions, std::string_view lowerAction) {
    const bool any =
        std::any_of(actions.patterns.begin(), actions.patterns.end(),
                    [&](const grammar::WildcardPattern& p) { return p.matches(lowerAction); });
    if (actions.negated) {
      return !any && !actions.unknown;
    }
    return any;
  }

  static bool hasStarResource(const ListElement& resource) {
    return std::any_of(resource.items.begin(), resource.items.end(),
                       [](const Item& i) { return i.text == "*"; });
  }

  void checkStatement(const StatementParts& s) {
    currentSid_ = s.sid;
    checkActionData(s);
    for (const ConditionPart& part : s.conditions) {
      checkConditionData(s, part);
      checkMfaCondition(s, part);
    }
    checkSecurity(s);
    checkForceMfa(s);
  }

  void checkActionData(const StatementParts& s) {
    const IamData& data = *context_.data;
    const char* element = s.action.negated ? "NotAction" : "Action";
    for (const Item& item : s.action.items) {
      const std::string& action = item.text;
      const std::size_t colon = action.find(':');
      if (action == "*" || colon == std::string::npos || colon == 0 ||
          action.find_first_of("*?") < colon || grammar::mayContainVariables(action) ||
          colon + 1 == action.size()) {
        continue;  // "*", or already reported by PS112/PS120
      }
      const std::string_view prefix = std::string_view(action).substr(0, colon);
      const std::string_view name = std::string_view(action).substr(colon + 1);
      const ServiceInfo* service = data.findService(prefix);
      if (service == nullptr) {
        std::string message =
            "unknown service prefix " + quote(prefix) + " in " + element + " " + quote(action);
        const std::string suggestion = closest(
            prefix, data.services(), [](const ServiceInfo& s) { return s.prefix; }, 2);
        if (!suggestion.empty()) {
          message += "; did you mean " + quote(suggestion) + "?";
        }
        emit("PS201", item.position, item.path, message + dataNote());
        continue;
      }
      if (name.find_first_of("*?") == std::string_view::npos) {
        if (service->findAction(name) == nullptr) {
          std::string message = quote(action) + " is not an action of " +
                                std::string(service->name) + " (" + std::string(service->prefix) +
                                ")";
          const std::string suggestion = closest(
              name, service->actions, [](const ActionInfo& a) { return a.name; }, 3);
          if (!suggestion.empty()) {
            message +=
                "; did you mean " + quote(std::string(service->prefix) + ":" + suggestion) + "?";
          }
          emit("PS202", item.position, item.path, message + dataNote());
        }
        continue;
      }
      if (data.actionsMatching(action).empty()) {
        emit("PS203", item.position, item.path,
             quote(action) + " matches no action of " + std::string(service->name) + dataNote());
      }
    }
  }

  std::string dataNote() const { return " (IAM data " + context_.data->version() + ")"; }

  void checkConditionData(const StatementParts& s, const ConditionPart& part) {
    const IamData& data = *context_.data;
    const ConditionKeyInfo* info = data.conditionKey(part.key);
    const std::size_t colon = part.key.find(':');
    const std::string prefix = lower(std::string_view(part.key).substr(0, colon));
    if (info == nullptr) {
      if (prefix.find('.') != std::string::npos) {
        return;  // an OIDC provider's keys (token.actions.githubusercontent.com:sub)
      }
      if (prefix == "aws") {
        std::string message = quote(part.key) + " is not a global condition key";
        const std::string suggestion = closest(
            part.key, data.globalConditionKeys(), [](const ConditionKeyInfo& k) { return k.name; },
            3);
        if (!suggestion.empty()) {
          message += "; did you mean " + quote(suggestion) + "?";
        }
        emit("PS204", part.keyPosition, part.path,
             message + ": it is absent from every request" + dataNote());
      } else if (data.findService(prefix) == nullptr) {
        emit("PS201", part.keyPosition, part.path,
             "unknown service prefix " + quote(prefix) + " in condition key " + quote(part.key) +
                 dataNote());
      } else {
        emit("PS205", part.keyPosition, part.path,
             quote(part.key) + " is not a condition key of " +
                 std::string(data.findService(prefix)->name) + dataNote());
      }
      return;
    }
    if (!info->global) {
      checkKeySupported(s, part, *info);
    }
    const OperatorFamily family = grammar::operatorFamily(part.op.kind);
    if (family != OperatorFamily::Null && part.lowerKey != "aws:multifactorauthage") {
      checkOperatorType(part, *info, family);
    }
    if (family != OperatorFamily::Null) {
      if (part.op.qualifier == SetQualifier::None && info->multivalued) {
        emit("PS208", part.operatorPosition, part.path,
             quote(part.key) + " is multivalued (" + info->typeName() + "): use ForAllValues:" +
                 part.operatorName + " or ForAnyValue:" + part.operatorName +
                 "; the plain operator is undefined on a set");
      } else if (part.op.qualifier == SetQualifier::ForAllValues && !info->multivalued) {
        emit("PS209", part.operatorPosition, part.path,
             part.operatorName + " on single-valued " + quote(part.key) +
                 " is true when the key is absent" +
                 (s.effect == Effect::Allow ? ", so this Allow also grants requests without it"
                                            : "") +
                 "; use the plain operator");
      } else if (part.op.qualifier == SetQualifier::ForAnyValue && !info->multivalued) {
        emit("PS210", part.operatorPosition, part.path,
             part.operatorName + " on single-valued " + quote(part.key) +
                 ": use the plain operator");
      }
    }
    if (part.op.ifExists) {
      if (grammar::isNegated(part.op.kind)) {
        emit("PS211", part.operatorPosition, part.path,
             part.operatorName +
                 ": a negated operator is already true when the key is absent, "
                 "so IfExists changes nothing");
      } else if (contains(kAlwaysPresentKeys, part.lowerKey)) {
        emit("PS211", part.operatorPosition, part.path,
             part.operatorName + ": every request carries " + quote(part.key) +
                 ", so IfExists changes nothing");
      }
      if (part.op.qualifier == SetQualifier::ForAnyValue) {
        emit("PS212", part.operatorPosition, part.path,
             part.operatorName +
                 ": AWS evaluates ForAnyValue...IfExists as false when the key "
                 "is absent, unlike other IfExists operators; test absence "
                 "with Null instead");
      }
      const bool optional = contains(kOptionalSecurityKeys, part.lowerKey) ||
                            part.lowerKey.rfind("aws:principaltag/", 0) == 0;
      if (s.effect == Effect::Allow && !grammar::isNegated(part.op.kind) && optional &&
          part.op.qualifier != SetQualifier::ForAnyValue) {
        emit("PS213", part.operatorPosition, part.path,
             "Allow with " + part.operatorName + " on " + quote(part.key) +
                 ": callers whose requests do not carry the key are granted without the check");
      }
    }
  }

  // PS206: a service key that none of the statement's actions supports.
  void checkKeySupported(const StatementParts& s, const ConditionPart& part,
                         const ConditionKeyInfo& info) {
    if (s.action.negated || s.action.unknown || info.service == nullptr) {
      return;
    }
    const std::string_view service = info.service->prefix;
    std::vector<const ActionInfo*> actions;
    for (const Item& item : s.action.items) {
      if (item.text == "*") {
        return;
      }
      const std::size_t colon = item.text.find(':');
      if (colon == std::string::npos ||
          !iequals(std::string_view(item.text).substr(0, colon), service)) {
        continue;
      }
      const auto matched = context_.data->actionsMatching(item.text);
      if (matched.empty()) {
        return;  // unknown action: PS202/PS203 say so; do not guess
      }
      actions.insert(actions.end(), matched.begin(), matched.end());
    }
    if (actions.empty()) {
      if (!contains(kCrossServiceKeys, part.lowerKey)) {
        emit("PS206", part.keyPosition, part.path,
             quote(part.key) + " is a key of " + std::string(info.service->name) +
                 " but the statement has no " + std::string(service) +
                 " actions: their requests never carry it" + dataNote());
      }
      return;
    }
    const bool supported = std::any_of(actions.begin(), actions.end(), [&](const ActionInfo* a) {
      return a->findConditionKey(part.key) != nullptr;
    });
    if (!supported) {
      emit("PS206", part.keyPosition, part.path,
           "none of the statement's " + std::string(service) + " actions supports " +
               quote(part.key) + " (e.g. " + std::string(actions.front()->fullName) +
               "): the key is absent from their requests" + dataNote());
    }
  }

  void checkOperatorType(const ConditionPart& part, const ConditionKeyInfo& info,
                         OperatorFamily family) {
    ConditionKeyType wanted = ConditionKeyType::String;
    switch (family) {
      case OperatorFamily::String:
        wanted = ConditionKeyType::String;
        break;
      case OperatorFamily::Arn:
        wanted = ConditionKeyType::Arn;
        break;
      case OperatorFamily::Numeric:
        wanted = ConditionKeyType::Numeric;
        break;
      case OperatorFamily::Date:
        wanted = ConditionKeyType::Date;
        break;
      case OperatorFamily::Bool:
        wanted = ConditionKeyType::Bool;
        break;
      case OperatorFamily::Binary:
        wanted = ConditionKeyType::Binary;
        break;
      case OperatorFamily::Ip:
        wanted = ConditionKeyType::IpAddress;
        break;
      case OperatorFamily::Null:
        return;
    }
    if (info.accepts(wanted)) {
      return;
    }
    // String operators on ARN keys work (ArnLike is preferable but not required).
    if (family == OperatorFamily::String && info.accepts(ConditionKeyType::Arn)) {
      return;
    }
    emit("PS207", part.operatorPosition, part.path,
         part.operatorName + " compares " + familyWord(family) + " but " + quote(part.key) +
             " is " + info.typeName() + ": use " + operatorFor(info.type));
  }

  static std::string familyWord(OperatorFamily family) {
    switch (family) {
      case OperatorFamily::String:
        return "strings";
      case OperatorFamily::Arn:
        return "ARNs";
      case OperatorFamily::Numeric:
        return "numbers";
      case OperatorFamily::Date:
        return "dates";
      case OperatorFamily::Bool:
        return "booleans";
      case OperatorFamily::Binary:
        return "binary values";
      case OperatorFamily::Ip:
        return "IP addresses";
      case OperatorFamily::Null:
        return "presence";
    }
    return "values";
  }

  static std::string operatorFor(ConditionKeyType type) {
    switch (type) {
      case ConditionKeyType::String:
        return "a String operator (StringEquals, StringLike, ...)";
      case ConditionKeyType::Arn:
        return "an Arn operator (ArnEquals, ArnLike, ...)";
      case ConditionKeyType::Numeric:
        return "a Numeric operator (NumericEquals, NumericLessThan, ...)";
      case ConditionKeyType::Date:
        return "a Date operator (DateLessThan, DateGreaterThan, ...)";
      case ConditionKeyType::Bool:
        return "Bool";
      case ConditionKeyType::IpAddress:
        return "IpAddress or NotIpAddress";
      case ConditionKeyType::Binary:
        return "BinaryEquals";
    }
    return "the operator of the key's type";
  }

  static bool anyValue(const ConditionPart& part, std::string_view text) {
    return std::any_of(part.values.begin(), part.values.end(),
                       [&](const Item& v) { return iequals(v.text, text); });
  }

  void checkMfaCondition(const StatementParts& s, const ConditionPart& part) {
    const OperatorKind kind = part.op.kind;
    if (part.lowerKey == "aws:multifactorauthpresent") {
      if (kind == OperatorKind::Bool && s.effect == Effect::Deny && !part.op.ifExists &&
          part.op.qualifier == SetQualifier::None && anyValue(part, "false")) {
        emit("PS401", part.operatorPosition, part.path,
             "Deny with Bool aws:MultiFactorAuthPresent \"false\" does not apply to requests "
             "signed with long-term access keys (they carry no MFA key): use BoolIfExists");
      }
      if (kind == OperatorKind::Bool && s.effect == Effect::Allow && part.op.ifExists &&
          anyValue(part, "true")) {
        emit("PS402", part.operatorPosition, part.path,
             "Allow with BoolIfExists aws:MultiFactorAuthPresent \"true\" also grants requests "
             "signed with long-term access keys, without MFA: use Bool to require MFA");
      }
      if (kind == OperatorKind::Null && s.effect == Effect::Deny && anyValue(part, "true")) {
        emit("PS403", part.operatorPosition, part.path,
             "Deny with Null aws:MultiFactorAuthPresent \"true\" denies long-term access keys but "
             "spares temporary credentials obtained without MFA: use BoolIfExists \"false\"");
      }
      if (kind == OperatorKind::Null && s.effect == Effect::Allow && anyValue(part, "false")) {
        emit("PS403", part.operatorPosition, part.path,
             "Allow with Null aws:MultiFactorAuthPresent \"false\" grants any temporary "
             "credentials, with or without MFA: use Bool \"true\"");
      }
      return;
    }
    if (part.lowerKey != "aws:multifactorauthage") {
      return;
    }
    const OperatorFamily family = grammar::operatorFamily(kind);
    if (family != OperatorFamily::Numeric && family != OperatorFamily::Null) {
      emit("PS405", part.operatorPosition, part.path,
           part.operatorName +
               " on aws:MultiFactorAuthAge (a number of seconds) does not "
               "compare ages: use NumericLessThan in an Allow or "
               "NumericGreaterThanIfExists in a Deny");
      return;
    }
    if (family != OperatorFamily::Numeric) {
      return;
    }
    for (const Item& value : part.values) {
      const auto number = grammar::parseDecimal(value.text);
      if (!number.ok()) {
        continue;  // PS117
      }
      if (number.value() > 129600) {
        emit("PS404", value.position, value.path,
             "aws:MultiFactorAuthAge threshold " + value.text +
                 " s is longer than the longest session (129,600 s): the check never triggers for "
                 "GetSessionToken credentials");
      } else if (number.value() < 900) {
        emit("PS404", value.position, value.path,
             "aws:MultiFactorAuthAge threshold " + value.text +
                 " s is shorter than the shortest session (900 s): MFA sessions stop working "
                 "minutes after sign-in");
      }
    }
    const bool greater =
        kind == OperatorKind::NumericGreaterThan || kind == OperatorKind::NumericGreaterThanEquals;
    if (s.effect == Effect::Deny && greater && !part.op.ifExists &&
        part.op.qualifier == SetQualifier::None) {
      emit("PS408", part.operatorPosition, part.path,
           "Deny with " + part.operatorName +
               " aws:MultiFactorAuthAge does not apply to requests made without MFA (the key is "
               "absent): use " +
               part.operatorName + "IfExists");
    }
  }

  void checkSecurity(const StatementParts& s) {
    if (s.effect != Effect::Allow) {
      return;
    }
    const bool starResource = s.resource.negated || hasStarResource(s.resource) ||
                              (!s.resource.present && resourceFamily());
    if (s.action.present && s.action.negated) {
      emit("PS301", s.action.keyPosition, s.action.path,
           std::string("Allow with NotAction grants every action except the listed ones") +
               (starResource ? " on every resource" : "") +
               ", including actions of services added later");
    }
    if (s.resource.present && s.resource.negated) {
      emit("PS302", s.resource.keyPosition, s.resource.path,
           "Allow with NotResource grants the actions on every resource except the listed ones, "
           "including resources created later");
    }
    if (!s.action.negated) {
      for (const Item& item : s.action.items) {
        if (item.text == "*" || item.text == "*:*") {
          emit("PS303", item.position, item.path,
               "Allow of every action (" + quote(item.text) + ")" +
                   (starResource ? " on every resource: administrator access" : ""));
        }
      }
    }
    // PS304: iam:PassRole on every role.
    const bool passedToService =
        std::any_of(s.conditions.begin(), s.conditions.end(),
                    [](const ConditionPart& c) { return c.lowerKey == "iam:passedtoservice"; });
    if (covers(s.action, "iam:passrole") && !passedToService && !s.conditionUnknown) {
      if (s.resource.negated) {
        emit("PS304", s.resource.keyPosition, s.resource.path,
             "the statement allows iam:PassRole on every role except the listed ones "
             "(NotResource): name the roles, or restrict iam:PassedToService");
      } else {
        for (const Item& item : s.resource.items) {
          if (item.text == "*") {
            emit("PS304", item.position, item.path,
                 "the statement allows iam:PassRole on every role (Resource \"*\"): name the "
                 "roles, or restrict iam:PassedToService");
          }
        }
      }
    }
    // PS305: public resource policies.
    if (!resourceFamily() || s.notPrincipal || s.conditionUnknown) {
      return;
    }
    const bool restricted = std::any_of(
        s.conditions.begin(), s.conditions.end(),
        [](const ConditionPart& c) { return contains(kCallerRestrictingKeys, c.lowerKey); });
    if (restricted) {
      return;
    }
    for (const PrincipalItem& principal : s.principals) {
      if (principal.value != "*" || (principal.type != "*" && principal.type != "AWS")) {
        continue;
      }
      std::string message =
          policy_.type == PolicyType::Trust
              ? "Principal \"*\" in a role trust policy lets anyone assume the role"
              : "Principal \"*\" allows anyone, anonymous callers included";
      message += s.conditions.empty()
                     ? " (the statement has no condition)"
                     : " (no condition limits the caller: add aws:PrincipalOrgID, "
                       "aws:PrincipalAccount, aws:SourceVpce, aws:SourceArn or aws:SourceAccount)";
      emit("PS305", principal.position, principal.path, message);
      break;
    }
  }

  // PS406/PS407: a Deny that forces MFA, judged by the evaluator over every known action.
  void checkForceMfa(const StatementParts& s) {
    if (s.effect != Effect::Deny || !s.action.negated || s.action.unknown ||
        s.action.items.empty() || s.resource.negated || !hasStarResource(s.resource)) {
      return;
    }
    std::optional<MfaDenyForm> form;
    for (const ConditionPart& part : s.conditions) {
      if (part.lowerKey != "aws:multifactorauthpresent" ||
          part.op.qualifier != SetQualifier::None) {
        continue;
      }
      if (part.op.kind == OperatorKind::Bool && anyValue(part, "false")) {
        form = part.op.ifExists ? MfaDenyForm::BoolIfExistsFalse : MfaDenyForm::BoolFalse;
      } else if (part.op.kind == OperatorKind::Null && anyValue(part, "true")) {
        form = MfaDenyForm::NullTrue;
      }
    }
    if (!form.has_value()) {
      return;
    }
    std::vector<std::string> notActions;
    for (const Item& item : s.action.items) {
      notActions.push_back(item.text);
    }
    const MfaGapResult& result = context_.mfa->analyse(notActions, *form);
    for (const MfaGapResult::Leak& leak : result.leaks) {
      const Item& item = s.action.items[leak.entry];
      std::string examples;
      for (std::size_t i = 0; i < leak.examples.size(); ++i) {
        examples += (i == 0 ? "" : ", ") + leak.examples[i];
      }
      emit("PS406", item.position, item.path,
           "NotAction entry " + quote(item.text) + " exempts " + std::to_string(leak.count) +
               (leak.count == 1 ? " action" : " actions") +
               " beyond MFA self-management from this force-MFA Deny: they stay reachable "
               "without MFA (e.g. " +
               examples + "); proven by evaluating " + std::to_string(result.evaluated) +
               " actions" + dataNote());
    }
    if (!result.enrolmentDenied.empty()) {
      std::string missing;
      for (std::size_t i = 0; i < result.enrolmentDenied.size(); ++i) {
        missing += (i == 0 ? "" : ", ") + result.enrolmentDenied[i];
      }
      emit("PS407", s.action.keyPosition, s.action.path,
           "this force-MFA Deny also denies " + missing +
               " without MFA: users who have no MFA device cannot enrol one (add them to "
               "NotAction)");
    }
  }

  // ---- pass 3: the whole policy ----

  void checkEscalation() {
    if (policy_.type != PolicyType::Identity) {
      return;
    }
    // Creating keys or a password for one's own user gives no new permissions.
    auto onlySelf = [](const StatementParts& s) {
      return !s.resource.negated && !s.resource.items.empty() &&
             std::all_of(s.resource.items.begin(), s.resource.items.end(), [](const Item& i) {
               return lower(i.text).find("${aws:username}") != std::string::npos;
             });
    };
    auto allowed = [&](std::string_view action) -> const StatementParts* {
      const std::string lowered = lower(action);
      const bool selfIsHarmless = lowered == "iam:createaccesskey" ||
                                  lowered == "iam:createloginprofile" ||
                                  lowered == "iam:updateloginprofile";
      for (const StatementParts& s : statements_) {
        if (s.effect == Effect::Deny && s.conditions.empty() && !s.conditionUnknown &&
            !s.resource.negated && hasStarResource(s.resource) && covers(s.action, lowered)) {
          return nullptr;
        }
      }
      for (const StatementParts& s : statements_) {
        if (s.effect == Effect::Allow && covers(s.action, lowered) &&
            !(selfIsHarmless && variablesEnabled() && onlySelf(s))) {
          return &s;
        }
      }
      return nullptr;
    };
    // An unconditional Allow of everything is PS303; listing 21 methods adds nothing.
    for (const StatementParts& s : statements_) {
      if (s.effect == Effect::Allow && s.conditions.empty() && !s.action.negated &&
          hasStarResource(s.resource) &&
          std::any_of(s.action.items.begin(), s.action.items.end(),
                      [](const Item& i) { return i.text == "*" || i.text == "*:*"; })) {
        return;
      }
    }
    std::vector<std::string> methods;
    const StatementParts* first = nullptr;
    for (const auto& method : kEscalationMethods) {
      const StatementParts* granting = nullptr;
      bool all = true;
      std::string name;
      for (std::string_view action : method) {
        if (action.empty()) {
          continue;
        }
        const StatementParts* s = allowed(action);
        if (s == nullptr) {
          all = false;
          break;
        }
        granting = granting == nullptr ? s : granting;
        name += (name.empty() ? "" : " + ") + std::string(action);
      }
      if (all) {
        methods.push_back(name);
        first = first == nullptr ? granting : first;
      }
    }
    if (methods.empty()) {
      return;
    }
    std::string list;
    for (std::size_t i = 0; i < methods.size() && i < 4; ++i) {
      list += (i == 0 ? "" : "; ") + methods[i];
    }
    if (methods.size() > 4) {
      list += "; and " + std::to_string(methods.size() - 4) + " more";
    }
    currentSid_ = first->sid;
    emit("PS306", first->action.keyPosition, first->action.path,
         "the policy allows " + std::to_string(methods.size()) + " privilege-escalation " +
             (methods.size() == 1 ? "method" : "methods") + ": " + list);
  }

  const CheckContext& context_;
  const PolicyInput& policy_;
  std::vector<RawFinding>* out_;
  PolicyVersion version_ = PolicyVersion::Absent;
  std::vector<StatementParts> statements_;
  std::unordered_map<std::string, Position> sids_;
  std::string currentSid_;
};

}  // namespace

void checkPolicy(const CheckContext& context, const PolicyInput& policy,
                 std::vector<RawFinding>* out) {
  Checker(context, policy, out).run();
}

}  // namespace policysim::lint
