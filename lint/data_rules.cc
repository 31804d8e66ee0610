// The rules backed by the service authorization data (analysis/iam_data.h). Each finding names
// the data's version, since a newer snapshot may know the service, action or key.
#include "lint/data_rules.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "engine/request.h"
#include "grammar/condition_operator.h"
#include "grammar/policy_variable.h"
#include "lint/grammar_rules.h"

namespace policysim::lint {

using analysis::ActionInfo;
using analysis::ConditionKeyInfo;
using analysis::ConditionKeyType;
using analysis::IamData;
using analysis::ServiceInfo;
using engine::Effect;
using engine::toLowerAscii;
using grammar::OperatorFamily;
using grammar::SetQualifier;

namespace {

// Edits between two lower-case words, for "did you mean" suggestions.
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
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest candidate within `limit` edits, ignoring case, or empty.
template <typename Range, typename Name>
std::string closest(std::string_view word, const Range& candidates, Name name, std::size_t limit) {
  const std::string lowerWord = toLowerAscii(word);
  std::string best;
  std::size_t bestDistance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::string_view text = name(candidate);
    if (text.size() + limit < word.size() || word.size() + limit < text.size()) {
      continue;
    }
    const std::size_t d = editDistance(lowerWord, toLowerAscii(text));
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

// Service keys that requests of other services carry too (credentials of an EC2 instance or a
// Lambda function): PS206 does not expect actions that list them in the statement.
constexpr std::string_view kCrossServiceKeys[] = {
    "ec2:sourceinstancearn", "ec2:sourceinstanceprivateipv4",
    "ec2:roledelivery",      "lambda:sourcefunctionarn",
    "glue:roleassumedby",    "glue:credentialissuingservice",
    "ssm:sourceinstancearn",
};

std::string familyWord(OperatorFamily family) {
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

std::string operatorFor(ConditionKeyType type) {
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

// What the data says about a key and the actions of one statement.
enum class KeySupport : std::uint8_t {
  Supported,     // some action of the statement lists the key
  NotSupported,  // every action is known and none lists it
  Unknown,       // "*", an unknown action or one the data cannot match: do not guess
};

KeySupport statementSupports(const IamData& data, const ListElement& action, std::string_view key) {
  KeySupport result = KeySupport::NotSupported;
  for (const Item& item : action.items) {
    if (item.text == "*") {
      return KeySupport::Unknown;
    }
    const auto matched = data.actionsMatching(item.text);
    if (matched.empty()) {
      result = KeySupport::Unknown;  // PS112/PS202/PS203 say why; keep looking for support
      continue;
    }
    if (std::any_of(matched.begin(), matched.end(),
                    [&](const ActionInfo* a) { return a->findConditionKey(key) != nullptr; })) {
      return KeySupport::Supported;
    }
  }
  return result;
}

// The actions whose requests carry `key` according to the data: the actions of every service
// that lists the key (a key may be listed by several: iam:ResourceTag/${TagKey} by IAM and
// STS), with their resource types' keys. Up to `limit` names, and how many there are.
struct KeyCarriers {
  std::size_t count = 0;
  std::vector<std::string_view> examples;
};

KeyCarriers carriersOf(const IamData& data, std::string_view key, std::size_t limit) {
  KeyCarriers carriers;
  for (const ServiceInfo& service : data.services()) {
    const bool lists = std::any_of(service.conditionKeys.begin(), service.conditionKeys.end(),
                                   [&](const ConditionKeyInfo& k) { return k.matches(key); });
    if (!lists) {
      continue;
    }
    for (const ActionInfo& action : service.actions) {
      if (action.findConditionKey(key) != nullptr) {
        ++carriers.count;
        if (carriers.examples.size() < limit) {
          carriers.examples.push_back(action.fullName);
        }
      }
    }
  }
  return carriers;
}

// "a, b, c" (and ", ..." when there are more than shown).
template <typename Names>
std::string nameList(const Names& names, std::size_t total) {
  std::string out;
  for (const auto& name : names) {
    out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return total > names.size() ? out + ", ..." : out;
}

// PS206: a service key that none of the statement's actions supports. Only when the data can
// tell: it lists the key for some actions (a key the data links to no action, such as
// states:HTTPEndpoint, may be carried by any of its service's requests) and knows every
// action of the statement.
void checkKeySupported(const RuleContext& context, const StatementParts& s,
                       const ConditionPart& part) {
  if (s.action.negated || s.action.unknown || s.action.items.empty() ||
      inKeyList(kCrossServiceKeys, part.lowerKey)) {
    return;
  }
  const IamData& data = *context.check.data;
  if (statementSupports(data, s.action, part.key) != KeySupport::NotSupported) {
    return;
  }
  constexpr std::size_t kShown = 3;
  const KeyCarriers carriers = carriersOf(data, part.key, kShown);
  if (carriers.count == 0) {
    return;
  }
  std::vector<std::string_view> written;
  for (std::size_t i = 0; i < s.action.items.size() && i < kShown; ++i) {
    written.push_back(s.action.items[i].text);
  }
  const std::string subject = s.action.items.size() == 1
                                  ? s.action.items[0].text + " does not support " +
                                        quote(part.key) + ": its requests never carry the key"
                                  : "none of the statement's actions (" +
                                        nameList(written, s.action.items.size()) + ") supports " +
                                        quote(part.key) + ": their requests never carry the key";
  context.emit("PS206", part.keyPosition, part.path,
               subject + "; actions that do: " + nameList(carriers.examples, carriers.count) +
                   context.dataNote());
}

void checkOperatorType(const RuleContext& context, const ConditionPart& part,
                       const ConditionKeyInfo& info, OperatorFamily family) {
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
  // String operators on ARN keys work; the Arn operators say what is compared (PS215).
  if (family == OperatorFamily::String && info.accepts(ConditionKeyType::Arn)) {
    context.emit("PS215", part.operatorPosition, part.path,
                 part.operatorName + " compares strings but " + quote(part.key) + " is " +
                     info.typeName() +
                     ": it works, but an Arn operator (ArnEquals, ArnLike) compares ARNs field "
                     "by field");
    return;
  }
  context.emit("PS207", part.operatorPosition, part.path,
               part.operatorName + " compares " + familyWord(family) + " but " + quote(part.key) +
                   " is " + info.typeName() + ": use " + operatorFor(info.type));
}

}  // namespace

void checkActionData(const RuleContext& context, const StatementParts& s) {
  const IamData& data = *context.check.data;
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
      context.emit("PS201", item.position, item.path, message + context.dataNote());
      continue;
    }
    if (name.find_first_of("*?") == std::string_view::npos) {
      if (service->findAction(name) == nullptr) {
        std::string message = quote(action) + " is not an action of " + std::string(service->name) +
                              " (" + std::string(service->prefix) + ")";
        const std::string suggestion = closest(
            name, service->actions, [](const ActionInfo& a) { return a.name; }, 3);
        if (!suggestion.empty()) {
          message +=
              "; did you mean " + quote(std::string(service->prefix) + ":" + suggestion) + "?";
        }
        context.emit("PS202", item.position, item.path, message + context.dataNote());
      }
      continue;
    }
    if (data.actionsMatching(action).empty()) {
      context.emit("PS203", item.position, item.path,
                   quote(action) + " matches no action of " + std::string(service->name) +
                       context.dataNote());
    }
  }
}

void checkConditionData(const RuleContext& context, const StatementParts& s,
                        const ConditionPart& part) {
  const IamData& data = *context.check.data;
  const ConditionKeyInfo* info = data.conditionKey(part.key);
  const std::size_t colon = part.key.find(':');
  const std::string prefix = toLowerAscii(std::string_view(part.key).substr(0, colon));
  if (info == nullptr) {
    if (prefix.find('.') != std::string::npos) {
      return;  // an OIDC provider's keys (token.actions.githubusercontent.com:sub)
    }
    if (isPlaceholder(prefix)) {
      // "<OIDC_provider_name>:sub": a template's mark for the provider to fill in.
      context.emit("PS138", part.keyPosition, part.path,
                   "condition key " + quote(part.key) +
                       " names a template placeholder: replace it before the policy is used");
      return;
    }
    if (prefix == "aws") {
      std::string message = quote(part.key) + " is not a global condition key";
      const std::string suggestion = closest(
          part.key, data.globalConditionKeys(), [](const ConditionKeyInfo& k) { return k.name; },
          3);
      if (!suggestion.empty()) {
        message += "; did you mean " + quote(suggestion) + "?";
      }
      context.emit("PS204", part.keyPosition, part.path,
                   message + ": it is absent from every request" + context.dataNote());
    } else if (data.findService(prefix) == nullptr) {
      context.emit("PS201", part.keyPosition, part.path,
                   "unknown service prefix " + quote(prefix) + " in condition key " +
                       quote(part.key) + context.dataNote());
    } else {
      context.emit("PS205", part.keyPosition, part.path,
                   quote(part.key) + " is not a condition key of " +
                       std::string(data.findService(prefix)->name) + context.dataNote());
    }
    return;
  }
  if (!info->global) {
    checkKeySupported(context, s, part);
  }
  const OperatorFamily family = grammar::operatorFamily(part.op.kind);
  if (family != OperatorFamily::Null && part.lowerKey != "aws:multifactorauthage") {
    checkOperatorType(context, part, *info, family);
  }
  if (family != OperatorFamily::Null) {
    if (part.op.qualifier == SetQualifier::None && info->multivalued) {
      context.emit("PS208", part.operatorPosition, part.path,
                   quote(part.key) + " is multivalued (" + info->typeName() +
                       "): the plain operator is documented only for a request with one "
                       "value; use ForAllValues:" +
                       part.operatorName + " or ForAnyValue:" + part.operatorName +
                       " to say what several values should do");
    } else if (part.op.qualifier == SetQualifier::ForAllValues && !info->multivalued) {
      context.emit(
          "PS209", part.operatorPosition, part.path,
          part.operatorName + " on single-valued " + quote(part.key) +
              " is true when the key is absent" +
              (s.effect == Effect::Allow ? ", so this Allow also grants requests without it" : "") +
              "; use the plain operator");
    } else if (part.op.qualifier == SetQualifier::ForAnyValue && !info->multivalued) {
      context.emit(
          "PS210", part.operatorPosition, part.path,
          part.operatorName + " on single-valued " + quote(part.key) + ": use the plain operator");
    }
  }
  if (part.op.ifExists) {
    if (grammar::isNegated(part.op.kind)) {
      context.emit("PS211", part.operatorPosition, part.path,
                   part.operatorName +
                       ": a negated operator is already true when the key is absent, "
                       "so IfExists changes nothing");
    } else if (inKeyList(kAlwaysPresentKeys, part.lowerKey)) {
      context.emit("PS211", part.operatorPosition, part.path,
                   part.operatorName + ": every request carries " + quote(part.key) +
                       ", so IfExists changes nothing");
    }
    if (part.op.qualifier == SetQualifier::ForAnyValue) {
      context.emit("PS212", part.operatorPosition, part.path,
                   part.operatorName +
                       ": AWS evaluates ForAnyValue...IfExists as false when the key "
                       "is absent, unlike other IfExists operators; test absence "
                       "with Null instead");
    }
    const bool optional = inKeyList(kOptionalSecurityKeys, part.lowerKey) ||
                          part.lowerKey.rfind("aws:principaltag/", 0) == 0;
    if (s.effect == Effect::Allow && !grammar::isNegated(part.op.kind) && optional &&
        part.op.qualifier != SetQualifier::ForAnyValue) {
      context.emit(
          "PS213", part.operatorPosition, part.path,
          "Allow with " + part.operatorName + " on " + quote(part.key) +
              ": callers whose requests do not carry the key are granted without the check");
    }
  }
}

}  // namespace policysim::lint
