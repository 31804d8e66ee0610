// The rules backed by the service authorization data (analysis/iam_data.h). Each finding names
// the data's version, since a newer snapshot may know the service, action or key.
#include "lint/data_rules.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "engine/request.h"
#include "grammar/condition_operator.h"
#include "grammar/policy_variable.h"

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
// Lambda function): PS206 does not expect actions of their service in the statement.
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

// PS206: a service key that none of the statement's actions supports.
void checkKeySupported(const RuleContext& context, const StatementParts& s,
                       const ConditionPart& part, const ConditionKeyInfo& info) {
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
        toLowerAscii(std::string_view(item.text).substr(0, colon)) != toLowerAscii(service)) {
      continue;
    }
    const auto matched = context.check.data->actionsMatching(item.text);
    if (matched.empty()) {
      return;  // unknown action: PS202/PS203 say so; do not guess
    }
    actions.insert(actions.end(), matched.begin(), matched.end());
  }
  if (actions.empty()) {
    if (!inKeyList(kCrossServiceKeys, part.lowerKey)) {
      context.emit("PS206", part.keyPosition, part.path,
                   quote(part.key) + " is a key of " + std::string(info.service->name) +
                       " but the statement has no " + std::string(service) +
                       " actions: their requests never carry it" + context.dataNote());
    }
    return;
  }
  const bool supported = std::any_of(actions.begin(), actions.end(), [&](const ActionInfo* a) {
    return a->findConditionKey(part.key) != nullptr;
  });
  if (!supported) {
    context.emit("PS206", part.keyPosition, part.path,
                 "none of the statement's " + std::string(service) + " actions supports " +
                     quote(part.key) + " (e.g. " + std::string(actions.front()->fullName) +
                     "): the key is absent from their requests" + context.dataNote());
  }
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
  // String operators on ARN keys work (ArnLike is preferable but not required).
  if (family == OperatorFamily::String && info.accepts(ConditionKeyType::Arn)) {
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
    checkKeySupported(context, s, part, *info);
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
