// Policy JSON -> PolicyDocument. Validation follows IAM's policy grammar and the reject list
// of ../shared/docs/iam-semantics.md §1 (structure, value shapes, per-kind element rules).
#include "engine/policy_json.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "engine/internal/json_document.h"
#include "engine/internal/open_addressing.h"
#include "engine/internal/patterns.h"
#include "engine/request.h"
#include "engine/source_location.h"
#include "grammar/policy_variable.h"
#include "grammar/wildcard.h"

namespace policysim::engine {
namespace {

using internal::JsonMember;
using internal::JsonValue;

// Condition blocks with more keys than this find case-insensitive repeats with a hash set of
// lower-cased keys instead of comparing with every earlier key.
constexpr std::size_t kLinearKeyScanLimit = 16;

// The elements of a statement. Keys are matched by length, then bytes: every statement names
// several, and a chain of string comparisons was a measurable part of reading a policy.
enum class Element {
  Sid,
  Effect,
  Action,
  NotAction,
  Resource,
  NotResource,
  Principal,
  NotPrincipal,
  Condition,
  Unknown
};

Element statementElement(std::string_view key) {
  using internal::sameText;
  switch (key.size()) {
    case 3:
      return sameText(key, "Sid") ? Element::Sid : Element::Unknown;
    case 6:
      if (sameText(key, "Action")) {
        return Element::Action;
      }
      return sameText(key, "Effect") ? Element::Effect : Element::Unknown;
    case 8:
      return sameText(key, "Resource") ? Element::Resource : Element::Unknown;
    case 9:
      if (sameText(key, "Condition")) {
        return Element::Condition;
      }
      if (sameText(key, "NotAction")) {
        return Element::NotAction;
      }
      return sameText(key, "Principal") ? Element::Principal : Element::Unknown;
    case 11:
      return sameText(key, "NotResource") ? Element::NotResource : Element::Unknown;
    case 12:
      return sameText(key, "NotPrincipal") ? Element::NotPrincipal : Element::Unknown;
    default:
      return Element::Unknown;
  }
}

// The next element of a list being refilled: the one the previous statement left at that
// index is reused, so its strings keep their capacity (no allocation per value in a long
// policy). finishRefill drops what the previous statement had beyond the new size.
template <typename T>
T& nextElement(std::vector<T>* list, std::size_t* used) {
  if (*used == list->size()) {
    list->emplace_back();
  }
  return (*list)[(*used)++];
}
template <typename T>
void finishRefill(std::vector<T>* list, std::size_t used) {
  list->erase(list->begin() + static_cast<std::ptrdiff_t>(used), list->end());
}

class PolicyReader {
 public:
  // Fills *header's own fields; hands each statement to sink.
  PolicyReader(std::string_view text, PolicyDocument* header, const StatementSink& sink,
               const PolicyTextPart& part)
      : index_(header->name, text, part.skipFrom, part.skipTo),
        textSize_(text.size()),
        kind_(header->kind),
        document_(*header),
        sink_(sink) {}

  Status read(const JsonValue& root) {
    if (!readDocument(root)) {
      return error_;
    }
    warnDuplicateSids();
    // Duplicate Sids are found last: put every warning back in source order.
    std::stable_sort(warnings_.begin(), warnings_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    document_.warnings.reserve(warnings_.size());
    for (auto& [offset, message] : warnings_) {
      document_.warnings.push_back(
          Diagnostic{Severity::Warning, index_.locate(offset), std::move(message)});
    }
    return Status();
  }

  // A JSON syntax error, at its line and column.
  Status jsonError(const internal::JsonError& error) const {
    return Status::invalidArgument(error.message, index_.locate(error.offset));
  }

  // The JSON parser's hand-over of the elements of "Statement" (an array) while it parses.
  // Statements are read then and there when the Version is already known (it nearly always
  // comes first): their JSON nodes never pile up. Otherwise they stay in the tree for read().
  // A problem found here is reported by read(), after the rest of the text proved to be valid
  // JSON and the policy's other elements valid, so messages are the same either way.
  bool streamStatements(const internal::JsonArrayStream::Batch& batch) {
    if (streaming_ == Streaming::Undecided) {
      streaming_ = versionIn(batch.rootMembers) ? Streaming::Yes : Streaming::No;
      if (streaming_ == Streaming::No) {
        return true;  // keep these and every later statement for read()
      }
      // The statements of a policy are alike: plan for as many as fit in the rest of the text.
      // A wrong guess costs at most what a text of this size made of such statements would
      // need (the size limit bounds both), and the compiler trims what it did not use.
      const std::size_t bytesEach =
          std::max<std::size_t>(1, (batch.end - batch.elements[0].offset) / batch.elements.size());
      expectedCount_ = batch.elements.size() + (textSize_ - batch.end) / bytesEach;
    }
    for (std::size_t i = 0; i < batch.elements.size() && !streamFailed_; ++i) {
      const std::size_t index = batch.firstIndex + i;
      if (index >= expectedCount_) {  // more than planned: grow geometrically
        expectedCount_ = 2 * index + 1;
      }
      streamFailed_ = !readStatement(batch.elements[i], index, expectedCount_);
    }
    return false;
  }

 private:
  enum class Streaming { Undecided, Yes, No };

  // True when the members before "Statement" include a valid Version (now set).
  bool versionIn(internal::JsonRange<JsonMember> members) {
    for (const JsonMember& member : members) {
      if (member.key == "Version") {
        document_.version = versionOf(member.value);
        return document_.version != PolicyVersion::Absent;
      }
    }
    return false;
  }

  TextPosition at(std::size_t offset) const { return index_.position(offset); }

  bool fail(std::string message, std::size_t offset) {
    error_ = Status::invalidArgument(std::move(message), index_.locate(offset));
    return false;
  }

  void warn(std::string message, std::size_t offset) {
    warnings_.emplace_back(offset, std::move(message));
  }

  bool readDocument(const JsonValue& root) {
    if (!root.isObject()) {
      return fail(
          std::string("a policy must be a JSON object, found ") + internal::describeType(root.type),
          root.offset);
    }
    const JsonValue* statement = nullptr;
    for (const JsonMember& member : root.members()) {
      if (member.key == "Version") {
        if (!readVersion(member.value)) {
          return false;
        }
      } else if (member.key == "Id") {
        if (!member.value.isString()) {
          return fail("Id must be a string", member.value.offset);
        }
        document_.id = member.value.text();
      } else if (member.key == "Statement") {
        statement = &member.value;
      } else {
        return fail("unknown policy element \"" + std::string(member.key) +
                        "\" (expected Version, Id or Statement)",
                    member.keyOffset);
      }
    }
    if (statement == nullptr) {
      return fail("policy has no Statement element", root.offset);
    }
    if (document_.version == PolicyVersion::Absent) {
      warn(
          "policy has no Version; policy variables are not substituted (add "
          "\"Version\": \"2012-10-17\")",
          root.offset);
    }
    if (streaming_ == Streaming::Yes) {
      return !streamFailed_;  // read while parsing; error_ holds the first problem
    }
    if (statement->isObject()) {
      return readStatement(*statement, 0, 1);
    }
    if (!statement->isArray()) {
      return fail("Statement must be an object or an array of objects", statement->offset);
    }
    if (statement->elements().empty()) {
      warn("Statement is empty: the policy grants and denies nothing", statement->offset);
    }
    const internal::JsonRange<JsonValue> statements = statement->elements();
    for (std::size_t i = 0; i < statements.size(); ++i) {
      if (!readStatement(statements[i], i, statements.size())) {
        return false;
      }
    }
    return true;
  }

  // One statement into the reused scratch_, then to the sink (which may move from it).
  bool readStatement(const JsonValue& value, std::size_t index, std::size_t count) {
    clearStatement(&scratch_);
    if (!fillStatement(value, index, &scratch_)) {
      return false;
    }
    sink_(scratch_, count);
    return true;
  }

  // Resets a statement for the next one. Actions, resources and conditions are refilled in
  // place by fillStatement (see nextElement).
  static void clearStatement(Statement* statement) {
    statement->index = 0;
    statement->sid.clear();
    statement->effect = Effect::Allow;
    statement->position = {};
    statement->hasPrincipal = false;
    statement->notPrincipal = false;
    statement->principals.clear();
    statement->notAction = false;
    statement->hasResource = false;
    statement->notResource = false;
  }

  // The version a Version value names; Absent when it is not a valid one.
  static PolicyVersion versionOf(const JsonValue& value) {
    const auto version = value.isString() ? parsePolicyVersion(value.text()) : std::nullopt;
    return version.value_or(PolicyVersion::Absent);
  }

  bool readVersion(const JsonValue& value) {
    if (!value.isString()) {
      return fail("Version must be the string \"2012-10-17\" or \"2008-10-17\"", value.offset);
    }
    document_.version = versionOf(value);
    if (document_.version == PolicyVersion::Absent) {
      return fail("invalid Version \"" + std::string(value.text()) +
                      "\" (expected \"2012-10-17\" or "
                      "\"2008-10-17\")",
                  value.offset);
    }
    return true;
  }

  bool variablesEnabled() const { return document_.version == PolicyVersion::V2012_10_17; }

  // Checks that policy-variable syntax in `text` is well formed (when variables are enabled).
  // text: a view of the JSON (not of the scratch statement, which is overwritten).
  bool checkVariables(std::string_view text, std::size_t offset, std::string_view element) {
    if (!variablesEnabled() || !grammar::mayContainVariables(text) || text == lastTemplate_) {
      return true;
    }
    auto parsed = grammar::parsePolicyTemplate(text);
    if (!parsed.ok()) {
      // +1: the offset of a JSON string points at its opening quote.
      return fail("malformed policy variable in " + std::string(element) + ": expected " +
                      parsed.expected(),
                  offset + 1 + parsed.errorOffset());
    }
    lastTemplate_ = text;  // statements repeat the same resource ("...:user/${aws:username}")
    return true;
  }

  bool fillStatement(const JsonValue& value, std::size_t index, Statement* out) {
    if (!value.isObject()) {
      return fail(std::string("each statement must be an object, found ") +
                      internal::describeType(value.type),
                  value.offset);
    }
    Statement& statement = *out;
    statement.index = index;
    statement.position = at(value.offset);
    const JsonMember* effect = nullptr;
    const JsonMember* action = nullptr;
    const JsonMember* notAction = nullptr;
    const JsonMember* resource = nullptr;
    const JsonMember* notResource = nullptr;
    const JsonMember* principal = nullptr;
    const JsonMember* notPrincipal = nullptr;
    const JsonMember* condition = nullptr;
    for (const JsonMember& member : value.members()) {
      switch (statementElement(member.key)) {
        case Element::Sid:
          if (!member.value.isString()) {
            return fail("Sid must be a string", member.value.offset);
          }
          statement.sid = member.value.text();
          checkSid(member.value.text(), member.value.offset);
          break;
        case Element::Effect:
          effect = &member;
          break;
        case Element::Action:
          action = &member;
          break;
        case Element::NotAction:
          notAction = &member;
          break;
        case Element::Resource:
          resource = &member;
          break;
        case Element::NotResource:
          notResource = &member;
          break;
        case Element::Principal:
          principal = &member;
          break;
        case Element::NotPrincipal:
          notPrincipal = &member;
          break;
        case Element::Condition:
          condition = &member;
          break;
        case Element::Unknown:
          return fail("unknown statement element \"" + std::string(member.key) +
                          "\" (expected Sid, Effect, Principal, NotPrincipal, Action, NotAction, "
                          "Resource, NotResource or Condition)",
                      member.keyOffset);
      }
    }
    if (effect == nullptr) {
      return fail("statement has no Effect", value.offset);
    }
    if (!effect->value.isString() ||
        (effect->value.text() != "Allow" && effect->value.text() != "Deny")) {
      return fail("Effect must be \"Allow\" or \"Deny\" (case-sensitive)", effect->value.offset);
    }
    statement.effect = effect->value.text() == "Allow" ? Effect::Allow : Effect::Deny;

    if (action != nullptr && notAction != nullptr) {
      return fail("statement has both Action and NotAction", notAction->keyOffset);
    }
    if (action == nullptr && notAction == nullptr) {
      return fail("statement has neither Action nor NotAction", value.offset);
    }
    if (notAction != nullptr && kind_ == PolicyKind::Rcp) {
      return fail("NotAction is not supported in a resource control policy (use Action)",
                  notAction->keyOffset);
    }
    statement.notAction = notAction != nullptr;
    if (!readActions(statement.notAction ? *notAction : *action, &statement)) {
      return false;
    }

    // Principal first: a trust policy given as an identity policy is told so, rather than
    // that it lacks a Resource.
    if (principal != nullptr && notPrincipal != nullptr) {
      return fail("statement has both Principal and NotPrincipal", notPrincipal->keyOffset);
    }
    const JsonMember* anyPrincipal = principal != nullptr ? principal : notPrincipal;
    if (anyPrincipal != nullptr && !namesPrincipals()) {
      const bool vowel = kind_ == PolicyKind::Identity || kind_ == PolicyKind::Scp;  // "an SCP"
      return fail(std::string(anyPrincipal->key) + " is not allowed in " + (vowel ? "an " : "a ") +
                      policyKindName(kind_) +
                      " policy (only resource-based, resource control and VPC endpoint policies "
                      "name principals)",
                  anyPrincipal->keyOffset);
    }
    if (anyPrincipal == nullptr && namesPrincipals()) {
      return fail(
          std::string("a ") + kindDescription() + " statement needs Principal or NotPrincipal",
          value.offset);
    }
    if (notPrincipal != nullptr && kind_ == PolicyKind::Rcp) {
      return fail(
          "NotPrincipal is not supported in a resource control policy (use Principal "
          "\"*\" and a condition)",
          notPrincipal->keyOffset);
    }
    if (resource != nullptr && notResource != nullptr) {
      return fail("statement has both Resource and NotResource", notResource->keyOffset);
    }
    // Trust policies and VPC endpoint policies may leave Resource out (it covers everything).
    const bool resourceOptional = kind_ == PolicyKind::Resource || kind_ == PolicyKind::VpcEndpoint;
    if (resource == nullptr && notResource == nullptr && !resourceOptional) {
      return fail("statement has neither Resource nor NotResource", value.offset);
    }
    if (resource != nullptr || notResource != nullptr) {
      statement.hasResource = true;
      statement.notResource = notResource != nullptr;
      if (!readResources(statement.notResource ? *notResource : *resource, &statement)) {
        return false;
      }
    } else {
      statement.resources.clear();
    }

    if (anyPrincipal != nullptr) {
      statement.hasPrincipal = true;
      statement.notPrincipal = notPrincipal != nullptr;
      if (statement.notPrincipal && statement.effect == Effect::Allow) {
        return fail("NotPrincipal is supported only with \"Effect\": \"Deny\"",
                    notPrincipal->keyOffset);
      }
      if (!readPrincipals(anyPrincipal->value, &statement)) {
        return false;
      }
    }

    if (condition == nullptr) {
      statement.conditions.clear();
    } else if (!readConditions(condition->value, &statement)) {
      return false;
    }
    return kind_ != PolicyKind::Rcp || checkRcpStatement(statement, *anyPrincipal, *effect);
  }

  // Policies of these kinds name the principals they apply to.
  [[nodiscard]] bool namesPrincipals() const {
    return kind_ == PolicyKind::Resource || kind_ == PolicyKind::Rcp ||
           kind_ == PolicyKind::VpcEndpoint;
  }
  [[nodiscard]] const char* kindDescription() const {
    switch (kind_) {
      case PolicyKind::Rcp:
        return "resource control policy";
      case PolicyKind::VpcEndpoint:
        return "VPC endpoint policy";
      default:
        return "resource-based policy";
    }
  }

  // The RCP grammar (AWS Organizations, "RCP syntax"): Principal is "*" (narrowed with
  // conditions), and Allow exists only in the RCPFullAWSAccess form that AWS attaches at every
  // level: Principal "*", Action "*", Resource "*", no Condition.
  bool checkRcpStatement(const Statement& statement, const JsonMember& principal,
                         const JsonMember& effect) {
    auto isStar = [](const PrincipalEntry& e) {
      return e.type == "*" || (e.type == "AWS" && e.value == "*");
    };
    if (!std::all_of(statement.principals.begin(), statement.principals.end(), isStar)) {
      return fail(
          "the Principal of a resource control policy must be \"*\" (narrow it with a "
          "condition such as aws:PrincipalOrgID)",
          principal.value.offset);
    }
    if (statement.effect == Effect::Deny) {
      return true;
    }
    auto onlyStar = [](const std::vector<PolicyValue>& values) {
      return !values.empty() && std::all_of(values.begin(), values.end(),
                                            [](const PolicyValue& v) { return v.text == "*"; });
    };
    if (!onlyStar(statement.actions) || statement.notResource || !onlyStar(statement.resources) ||
        !statement.conditions.empty()) {
      return fail(
          "a resource control policy allows only in the RCPFullAWSAccess form (Principal, "
          "Action and Resource \"*\", no Condition); write a Deny statement",
          effect.value.offset);
    }
    return true;
  }

  void checkSid(std::string_view sid, std::size_t offset) {
    const bool alphanumeric =
        std::all_of(sid.begin(), sid.end(), [](char c) {  // ASCII, whatever the C locale says
          return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        });
    if (!alphanumeric && kind_ != PolicyKind::Resource && kind_ != PolicyKind::VpcEndpoint) {
      warn("Sid \"" + std::string(sid) +
               "\" has characters IAM does not accept (only A-Z, a-z, 0-9)",
           offset);
    }
    if (!sid.empty()) {
      sids_.emplace_back(sid, offset);
    }
  }

  // Every Sid after the first with the same text gets a warning. One table of indexes into
  // sids_ (open addressing by hash, linear probing) instead of a set of strings.
  void warnDuplicateSids() {
    constexpr std::uint32_t kEmpty = UINT32_MAX;
    const std::size_t capacity = internal::openAddressingCapacity(sids_.size(), 16);
    std::vector<std::uint32_t> slots(capacity, kEmpty);
    const std::hash<std::string_view> hash;
    for (std::uint32_t i = 0; i < sids_.size(); ++i) {
      const std::string_view sid = sids_[i].first;
      std::size_t slot = hash(sid) & (capacity - 1);
      while (slots[slot] != kEmpty && sids_[slots[slot]].first != sid) {
        slot = (slot + 1) & (capacity - 1);
      }
      if (slots[slot] == kEmpty) {
        slots[slot] = i;
      } else {
        warn("duplicate Sid \"" + std::string(sid) + "\"", sids_[i].second);
      }
    }
  }

  // Reads a string or a non-empty array of strings into *out (replacing its contents).
  bool readStringList(const JsonMember& member, std::vector<PolicyValue>* out) {
    const JsonValue& value = member.value;
    std::size_t used = 0;
    auto add = [&](const JsonValue& item) {
      if (!item.isString()) {
        return fail(std::string(member.key) + " values must be strings, found " +
                        internal::describeType(item.type),
                    item.offset);
      }
      PolicyValue& element = nextElement(out, &used);
      element.kind = PolicyValue::Kind::String;
      element.text = item.text();
      element.position = at(item.offset);
      return true;
    };
    if (value.isArray()) {
      if (value.elements().empty()) {
        warn(std::string(member.key) + " is an empty list: it matches nothing", value.offset);
      }
      for (const JsonValue& item : value.elements()) {
        if (!add(item)) {
          return false;
        }
      }
    } else if (!add(value)) {
      return false;
    }
    finishRefill(out, used);
    return true;
  }

  bool readActions(const JsonMember& member, Statement* statement) {
    if (!readStringList(member, &statement->actions)) {
      return false;
    }
    const JsonValue& value = member.value;
    for (std::size_t i = 0; i < statement->actions.size(); ++i) {
      const std::string& action = statement->actions[i].text;
      const std::size_t offset = value.isArray() ? value.elements()[i].offset : value.offset;
      if (action == "*") {
        continue;
      }
      const std::size_t colon = action.find(':');
      if (colon == std::string::npos || colon == 0) {
        return fail("invalid action \"" + action + "\" (expected \"service:Action\" or \"*\")",
                    offset);
      }
      const std::string_view prefix(action.data(), colon);
      if (grammar::hasGlobWildcard(prefix)) {
        return fail("wildcards are not allowed in the service prefix of action \"" + action + "\"",
                    offset);
      }
      if (colon + 1 == action.size()) {
        warn("action \"" + action + "\" has an empty name and matches nothing", offset);
      }
    }
    return true;
  }

  bool readResources(const JsonMember& member, Statement* statement) {
    if (!readStringList(member, &statement->resources)) {
      return false;
    }
    const JsonValue& value = member.value;
    for (std::size_t i = 0; i < statement->resources.size(); ++i) {
      const JsonValue& item = value.isArray() ? value.elements()[i] : value;
      if (!checkVariables(item.text(), item.offset, member.key)) {
        return false;
      }
    }
    return true;
  }

  bool readPrincipals(const JsonValue& value, Statement* statement) {
    if (value.isString()) {
      if (value.text() != "*") {
        return fail("Principal must be \"*\" or an object such as {\"AWS\": \"...\"}",
                    value.offset);
      }
      statement->principals.push_back(PrincipalEntry{"*", "*", at(value.offset)});
      return true;
    }
    if (!value.isObject()) {
      return fail("Principal must be \"*\" or an object", value.offset);
    }
    for (const JsonMember& member : value.members()) {
      if (member.key != "AWS" && member.key != "Service" && member.key != "Federated" &&
          member.key != "CanonicalUser") {
        return fail("unknown principal type \"" + std::string(member.key) +
                        "\" (expected AWS, Service, Federated or CanonicalUser)",
                    member.keyOffset);
      }
      std::vector<PolicyValue> values;
      if (!readStringList(member, &values)) {
        return false;
      }
      for (PolicyValue& item : values) {
        if (item.text != "*" && grammar::hasGlobWildcard(item.text)) {
          error_ = Status::invalidArgument(
              "partial wildcards are not allowed in principals (\"" + item.text +
                  "\"); use \"*\" with a condition on aws:PrincipalArn",
              document_.locate(item.position));
          return false;
        }
        statement->principals.push_back(
            PrincipalEntry{std::string(member.key), std::move(item.text), item.position});
      }
    }
    return true;
  }

  bool readConditions(const JsonValue& value, Statement* statement) {
    if (!value.isObject()) {
      return fail("Condition must be an object of {operator: {key: value}}", value.offset);
    }
    std::size_t used = 0;  // conditions refilled
    for (const JsonMember& block : value.members()) {
      // Policies repeat a few operators: the last one parsed is kept (equal text, equal result).
      if (block.key != lastOperatorText_ || lastOperatorText_.empty()) {
        auto parsed = grammar::parseConditionOperator(block.key);
        if (!parsed.ok()) {
          return fail("unknown condition operator \"" + std::string(block.key) + "\": expected " +
                          parsed.expected(),
                      block.keyOffset);
        }
        lastOperator_ = parsed.value();
        lastOperatorText_ = block.key;
      }
      if (!block.value.isObject()) {
        return fail("condition operator " + std::string(block.key) +
                        " must map to an object of {key: value}",
                    block.value.offset);
      }
      const internal::JsonRange<JsonMember>& entries = block.value.members();
      std::unordered_set<std::string> loweredKeys;  // only for blocks of many keys
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const JsonMember& entry = entries[i];
        if (repeatsKey(entries, i, &loweredKeys)) {
          return fail("condition key \"" + std::string(entry.key) + "\" appears twice under " +
                          std::string(block.key) + " (keys are case-insensitive)",
                      entry.keyOffset);
        }
        if (entry.key.empty() || entry.key.back() == '/') {
          return fail("condition key \"" + std::string(entry.key) + "\" is incomplete",
                      entry.keyOffset);
        }
        ConditionEntry& condition = nextElement(&statement->conditions, &used);
        condition.op = lastOperator_;
        condition.operatorName = block.key;
        condition.key = entry.key;
        condition.position = at(entry.keyOffset);
        if (!readConditionValues(entry, block.key, &condition.values)) {
          return false;
        }
      }
    }
    finishRefill(&statement->conditions, used);
    return true;
  }

  // True when entries[i]'s key equals an earlier one ignoring ASCII case. Small blocks compare
  // with each earlier key; large ones keep the lower-cased keys in *seen.
  static bool repeatsKey(const internal::JsonRange<JsonMember>& entries, std::size_t i,
                         std::unordered_set<std::string>* seen) {
    if (entries.size() <= kLinearKeyScanLimit) {
      for (std::size_t j = 0; j < i; ++j) {
        if (internal::equalsIgnoreAsciiCase(entries[j].key, entries[i].key)) {
          return true;
        }
      }
      return false;
    }
    return !seen->insert(toLowerAscii(entries[i].key)).second;
  }

  bool readConditionValues(const JsonMember& entry, std::string_view operatorName,
                           std::vector<PolicyValue>* out) {
    std::size_t used = 0;
    auto add = [&](const JsonValue& item) {
      if (!item.isScalar()) {
        return fail("condition values must be strings, numbers or booleans, found " +
                        std::string(internal::describeType(item.type)),
                    item.offset);
      }
      PolicyValue::Kind kind = PolicyValue::Kind::String;
      if (item.type == JsonValue::Type::Number) {
        kind = PolicyValue::Kind::Number;
      } else if (item.type == JsonValue::Type::Bool) {
        kind = PolicyValue::Kind::Bool;
      }
      if (kind == PolicyValue::Kind::String &&
          !checkVariables(item.text(), item.offset, operatorName)) {
        return false;
      }
      PolicyValue& element = nextElement(out, &used);
      element.kind = kind;
      element.text = item.text();
      element.position = at(item.offset);
      return true;
    };
    if (entry.value.isArray()) {
      if (entry.value.elements().empty()) {
        warn("condition " + std::string(operatorName) + " on " + std::string(entry.key) +
                 " has no values",
             entry.value.offset);
      }
      for (const JsonValue& item : entry.value.elements()) {
        if (!add(item)) {
          return false;
        }
      }
    } else if (!add(entry.value)) {
      return false;
    }
    finishRefill(out, used);
    return true;
  }

  LineIndex index_;
  std::size_t textSize_;
  PolicyKind kind_;
  PolicyDocument& document_;  // the header: name, kind, version, id, warnings
  const StatementSink& sink_;
  Statement scratch_;
  std::vector<std::pair<std::size_t, std::string>> warnings_;   // (offset, message)
  std::vector<std::pair<std::string_view, std::size_t>> sids_;  // (Sid, offset), views of the JSON
  std::string_view lastOperatorText_;  // the last condition operator parsed (a view of the JSON)
  std::string_view lastTemplate_;      // the last text with valid variables (a view of the JSON)
  grammar::ConditionOperator lastOperator_;
  Status error_;
  Streaming streaming_ = Streaming::Undecided;
  bool streamFailed_ = false;      // a streamed statement was invalid (error_ says why)
  std::size_t expectedCount_ = 0;  // estimated number of statements, while streaming
};

}  // namespace

std::optional<PolicyVersion> parsePolicyVersion(std::string_view text) {
  if (text == "2012-10-17") {
    return PolicyVersion::V2012_10_17;
  }
  if (text == "2008-10-17") {
    return PolicyVersion::V2008_10_17;
  }
  return std::nullopt;
}

const char* effectName(Effect effect) { return effect == Effect::Allow ? "Allow" : "Deny"; }

const char* policyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::Identity:
      return "identity";
    case PolicyKind::Resource:
      return "resource";
    case PolicyKind::Boundary:
      return "boundary";
    case PolicyKind::Scp:
      return "scp";
    case PolicyKind::Session:
      return "session";
    case PolicyKind::Rcp:
      return "rcp";
    case PolicyKind::VpcEndpoint:
      return "vpce";
  }
  return "identity";
}

static_assert(std::is_sorted(kRcpServices.begin(), kRcpServices.end()));

bool rcpAppliesToService(std::string_view service) {
  return std::binary_search(kRcpServices.begin(), kRcpServices.end(), service);
}

Status readPolicy(std::string_view text, const PolicyParseOptions& options, PolicyDocument* header,
                  const StatementSink& sink, const PolicyTextPart& part) {
  internal::JsonDocument document;
  internal::JsonError error;
  internal::JsonLimits limits;
  limits.maxBytes = options.maxBytes;
  if (text.size() > options.maxBytes) {  // refused before anything is read (offset 0)
    internal::parseJson(text, limits, &document, &error);
    return Status(StatusCode::ResourceExhausted, error.message, SourceLocation{header->name, 1, 1});
  }
  PolicyReader reader(text, header, sink, part);
  internal::JsonArrayStream statements;
  statements.rootKey = "Statement";
  statements.textEndsAfterElement = part.endsAfterStatement;
  statements.onBatch = [&](const internal::JsonArrayStream::Batch& batch) {
    return reader.streamStatements(batch);
  };
  if (!internal::parseJson(text, limits, &document, &error, &statements,
                           internal::JsonGap{part.skipFrom, part.skipTo})) {
    return reader.jsonError(error);
  }
  return reader.read(document.root);
}

Result<PolicyDocument> parsePolicyDocument(std::string_view text, std::string name, PolicyKind kind,
                                           const PolicyParseOptions& options) {
  PolicyDocument document;
  document.name = std::move(name);
  document.kind = kind;
  Status status =
      readPolicy(text, options, &document, [&](Statement& statement, std::size_t count) {
        document.statements.reserve(count);
        document.statements.push_back(std::move(statement));
      });
  if (!status.ok()) {
    return status;
  }
  return document;
}

}  // namespace policysim::engine
