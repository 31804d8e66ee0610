// The tolerant statement reader (pass 1 of checkPolicy). IAM's grammar is
// ../shared/docs/iam-semantics.md §1; each element is read on its own, so a malformed one is
// reported and skipped without hiding problems in the others.
#include "lint/statement_reader.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/request.h"
#include "grammar/condition_operator.h"
#include "grammar/policy_variable.h"
#include "lint/grammar_rules.h"

namespace policysim::lint {

using engine::Effect;
using engine::PolicyVersion;
using engine::toLowerAscii;
using grammar::OperatorKind;
using grammar::SetQualifier;

namespace {

class StatementReader {
  RuleContext& context_;
  std::vector<StatementParts> statements_;
  std::unordered_map<std::string, Position> sids_;  // where each Sid first appears (PS121)

 public:
  explicit StatementReader(RuleContext& context) : context_(context) {}

  std::vector<StatementParts> read(const Node& root) {
    readDocument(root);
    return std::move(statements_);
  }

 private:
  // Reports keys that repeat in an object (IAM rejects them at every level).
  void checkDuplicateKeys(const Node& object, const Path& path) {
    for (std::size_t i = 1; i < object.members.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (object.members[i].key == object.members[j].key) {
          context_.emit("PS101", object.members[i].keyPosition,
                        append(path, keySegment(object.members[i].key)),
                        "duplicate key " + quote(object.members[i].key) + " (first at line " +
                            std::to_string(object.members[j].keyPosition.line) +
                            "); IAM rejects repeated keys");
          break;
        }
      }
    }
  }

  void readDocument(const Node& root) {
    if (!root.isObject()) {
      context_.emit(
          "PS104", root.position, {},
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
          context_.emit("PS104", member.value.position, path, "Id must be a string");
        }
      } else if (member.key == "Statement") {
        if (statement == nullptr) {
          statement = &member;
        }
      } else {
        context_.emit(
            "PS102", member.keyPosition, path,
            "unknown policy element " + quote(member.key) + " (expected Version, Id or Statement)");
      }
    }
    if (!versionSeen) {
      context_.emit("PS107", root.position, {},
                    "policy has no Version: policy variables are not substituted (add \"Version\": "
                    "\"2012-10-17\")");
    }
    if (statement == nullptr) {
      context_.emit("PS103", root.position, {}, "policy has no Statement element");
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
        context_.emit("PS124", value.position, {keySegment("Statement")},
                      "Statement is an empty list: the policy grants and denies nothing");
      }
      for (std::size_t i = 0; i < value.elements.size(); ++i) {
        readStatement(value.elements[i], {keySegment("Statement"), indexSegment(i)});
      }
    } else {
      context_.emit("PS104", value.position, {keySegment("Statement")},
                    std::string("Statement must be an object or an array of objects, found ") +
                        describeType(value.type));
    }
  }

  void readVersion(const Node& value, const Path& path) {
    if (value.intrinsic) {
      return;
    }
    if (!value.isString()) {
      context_.emit("PS106", value.position, path,
                    std::string("Version must be the string \"2012-10-17\", found ") +
                        describeType(value.type));
      context_.version = PolicyVersion::V2012_10_17;
      return;
    }
    const std::optional<PolicyVersion> version = engine::parsePolicyVersion(value.text);
    if (version == PolicyVersion::V2012_10_17) {
      context_.version = PolicyVersion::V2012_10_17;
    } else if (version == PolicyVersion::V2008_10_17) {
      context_.version = PolicyVersion::V2008_10_17;
      if (context_.type == PolicyType::Scp || context_.type == PolicyType::Rcp) {
        context_.emit("PS106", value.position, path,
                      std::string(context_.type == PolicyType::Scp ? "service control policies"
                                                                   : "resource control policies") +
                          " need Version \"2012-10-17\"");
      }
    } else {
      context_.version = PolicyVersion::V2012_10_17;  // judge the rest as the author surely meant
      context_.emit(
          "PS106", value.position, path,
          "invalid Version " + quote(value.text) + " (expected \"2012-10-17\" or \"2008-10-17\")");
    }
  }

  void readStatement(const Node& node, const Path& path) {
    context_.sid.clear();
    if (node.intrinsic) {
      return;
    }
    if (!node.isObject()) {
      context_.emit(
          "PS104", node.position, path,
          std::string("each statement must be an object, found ") + describeType(node.type));
      return;
    }
    StatementParts parts;
    parts.path = path;
    parts.position = node.position;
    if (const Node* sid = node.get("Sid"); sid != nullptr && sid->isString()) {
      context_.sid = sid->text;  // findings of this statement carry its Sid
    }
    checkDuplicateKeys(node, path);
    std::map<std::string_view, const NodeMember*> found;
    for (const NodeMember& member : node.members) {
      static constexpr std::string_view kKnown[] = {"Sid",          "Effect",      "Principal",
                                                    "NotPrincipal", "Action",      "NotAction",
                                                    "Resource",     "NotResource", "Condition"};
      if (std::find(std::begin(kKnown), std::end(kKnown), member.key) == std::end(kKnown)) {
        context_.emit(
            "PS102", member.keyPosition, append(path, keySegment(member.key)),
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
          context_.emit("PS105", value.position, append(path, keySegment("Effect")),
                        (value.isString() ? "invalid Effect " + quote(value.text)
                                          : std::string("Effect must be a string")) +
                            " (expected \"Allow\" or \"Deny\", case-sensitive)");
        }
      }
    } else {
      context_.emit("PS103", node.position, path, "statement has no Effect");
    }

    readPair(get("Action"), get("NotAction"), path, &parts.action);
    if (!parts.action.present) {
      context_.emit("PS103", node.position, path, "statement has neither Action nor NotAction");
    }
    for (const Item& item : parts.action.items) {
      checkActionSyntax(context_, item, parts.action.negated ? "NotAction" : "Action");
      parts.action.patterns.push_back(grammar::WildcardPattern::fromGlob(toLowerAscii(item.text)));
    }

    readPair(get("Resource"), get("NotResource"), path, &parts.resource);
    if (parts.resource.present && context_.type == PolicyType::Trust) {
      context_.emit("PS109", parts.resource.keyPosition, parts.resource.path,
                    std::string(parts.resource.negated ? "NotResource" : "Resource") +
                        " is not allowed in a role trust policy (the resource is the role itself)");
    }
    if (!parts.resource.present && !context_.resourceOptional()) {
      context_.emit("PS103", node.position, path, "statement has neither Resource nor NotResource");
    }
    for (const Item& item : parts.resource.items) {
      checkResourceSyntax(context_, item, parts.resource.negated ? "NotResource" : "Resource");
    }

    readPrincipals(get("Principal"), get("NotPrincipal"), node, path, &parts);

    if (const NodeMember* condition = get("Condition")) {
      readConditions(*condition, append(path, keySegment("Condition")), &parts);
    }
    parts.sid = context_.sid;
    statements_.push_back(std::move(parts));
  }

  void readSid(const Node& value, const Path& path) {
    if (value.intrinsic) {
      return;
    }
    if (!value.isString()) {
      context_.emit("PS104", value.position, path, "Sid must be a string");
      return;
    }
    const std::string& sid = value.text;
    if (sid.empty()) {
      context_.emit("PS123", value.position, path, "empty Sid: remove it or name the statement");
      return;
    }
    const bool alphanumeric =
        std::all_of(sid.begin(), sid.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
    if (!alphanumeric && context_.identityFamily()) {
      context_.emit(
          "PS122", value.position, path,
          "Sid " + quote(sid) + " has characters IAM does not accept (only A-Z, a-z, 0-9)");
    }
    const auto [it, inserted] = sids_.emplace(sid, value.position);
    if (!inserted) {
      context_.emit("PS121", value.position, path,
                    "duplicate Sid " + quote(sid) + " (first at line " +
                        std::to_string(it->second.line) + ")");
    }
  }

  // Reads Action/NotAction or Resource/NotResource (whichever is present; both is PS108).
  void readPair(const NodeMember* plain, const NodeMember* negated, const Path& statementPath,
                ListElement* out) {
    if (plain != nullptr && negated != nullptr) {
      context_.emit("PS108", negated->keyPosition, append(statementPath, keySegment(negated->key)),
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
        context_.emit("PS104", item.position, itemPath,
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
        context_.emit("PS124", value.position, path,
                      member.key + " is an empty list: it matches nothing");
      }
      for (std::size_t i = 0; i < value.elements.size(); ++i) {
        add(value.elements[i], append(path, indexSegment(i)));
      }
      return;
    }
    add(value, path);
  }

  void readPrincipals(const NodeMember* principal, const NodeMember* notPrincipal,
                      const Node& statement, const Path& path, StatementParts* parts) {
    if (principal != nullptr && notPrincipal != nullptr) {
      context_.emit("PS108", notPrincipal->keyPosition, append(path, keySegment("NotPrincipal")),
                    "statement has both Principal and NotPrincipal");
    }
    const NodeMember* member = principal != nullptr ? principal : notPrincipal;
    if (member == nullptr) {
      if (context_.resourceFamily()) {
        context_.emit("PS103", statement.position, path,
                      "a resource-based policy statement needs Principal or NotPrincipal");
      }
      return;
    }
    const Path memberPath = append(path, keySegment(member->key));
    parts->hasPrincipal = true;
    parts->notPrincipal = principal == nullptr;
    if (!context_.resourceFamily()) {
      context_.emit("PS109", member->keyPosition, memberPath,
                    member->key + " is not allowed in " + article(policyTypeName(context_.type)) +
                        " policy (only resource-based policies name principals)");
    }
    if (parts->notPrincipal && context_.type == PolicyType::Trust) {
      context_.emit("PS109", member->keyPosition, memberPath,
                    "NotPrincipal is not allowed in a role trust policy");
    }
    if (parts->notPrincipal && parts->effect == Effect::Allow) {
      context_.emit("PS110", member->keyPosition, memberPath,
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
        context_.emit("PS111", value.position, memberPath,
                      member->key +
                          " must be \"*\" or an object such as {\"AWS\": \"...\"}, found " +
                          quote(value.text));
      }
      return;
    }
    if (!value.isObject()) {
      context_.emit("PS104", value.position, memberPath,
                    member->key + " must be \"*\" or an object, found " + describeType(value.type));
      return;
    }
    if (value.members.empty()) {
      context_.emit("PS124", value.position, memberPath,
                    member->key + " is an empty object: the statement matches no principal");
    }
    checkDuplicateKeys(value, memberPath);
    for (const NodeMember& entry : value.members) {
      const Path entryPath = append(memberPath, keySegment(entry.key));
      if (entry.key != "AWS" && entry.key != "Service" && entry.key != "Federated" &&
          entry.key != "CanonicalUser") {
        context_.emit("PS111", entry.keyPosition, entryPath,
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
          context_.emit("PS111", item.position, item.path,
                        "partial wildcards are not allowed in principals (" + quote(item.text) +
                            "); use \"*\" with a condition on aws:PrincipalArn");
          continue;
        }
        if (grammar::mayContainVariables(item.text)) {
          context_.emit(
              "PS120", item.position, item.path,
              "policy variables are not substituted in principals (" + quote(item.text) + ")");
          continue;
        }
        if (!checkPrincipalValue(context_, entry.key, item)) {
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
      context_.emit("PS104", value.position, path,
                    "Condition must be an object of {operator: {key: value}}, found " +
                        std::string(describeType(value.type)));
      return;
    }
    if (value.members.empty()) {
      context_.emit("PS124", value.position, path, "Condition is an empty object: remove it");
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
        context_.emit("PS114", block.keyPosition, blockPath, message);
        continue;
      }
      const grammar::ConditionOperator op = parsed.value();
      if (!block.value.isObject()) {
        context_.emit("PS104", block.value.position, blockPath,
                      "condition operator " + block.key +
                          " must map to an object of {key: value}, found " +
                          describeType(block.value.type));
        continue;
      }
      if (block.value.members.empty()) {
        context_.emit("PS124", block.value.position, blockPath,
                      "condition operator " + block.key + " has no keys: remove it");
      }
      if (op.kind == OperatorKind::Null && op.qualifier != SetQualifier::None) {
        context_.emit("PS127", block.keyPosition, blockPath,
                      block.key +
                          ": Null tests whether a key is present; the set qualifier makes the "
                          "result constant");
      }
      checkDuplicateKeys(block.value, blockPath);
      std::vector<std::string> seen;
      for (const NodeMember& entry : block.value.members) {
        const Path entryPath = append(blockPath, keySegment(entry.key));
        const std::string lowered = toLowerAscii(entry.key);
        if (std::find(seen.begin(), seen.end(), lowered) != seen.end()) {
          // Exact repeats are PS101; repeats that differ in case are this rule.
          const bool exact =
              std::any_of(block.value.members.begin(), block.value.members.end(),
                          [&](const NodeMember& m) { return &m != &entry && m.key == entry.key; });
          if (!exact) {
            context_.emit("PS115", entry.keyPosition, entryPath,
                          "condition key " + quote(entry.key) + " appears twice under " +
                              block.key + " (keys are case-insensitive)");
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
        if (!checkConditionKey(context_, entry, entryPath)) {
          continue;
        }
        readConditionValues(entry, entryPath, &part);
        checkConditionValues(context_, part);
        parts->conditions.push_back(std::move(part));
      }
    }
  }

  void readConditionValues(const NodeMember& entry, const Path& path, ConditionPart* part) {
    auto add = [&](const Node& item, Path itemPath) {
      if (item.intrinsic) {
        part->unknown = true;
        return;
      }
      if (!item.isScalar()) {
        context_.emit("PS104", item.position, itemPath,
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
        context_.emit("PS124", value.position, path,
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
};

}  // namespace

std::vector<StatementParts> readStatements(RuleContext& context, const Node& root) {
  return StatementReader(context).read(root);
}

}  // namespace policysim::lint
