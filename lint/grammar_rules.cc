// The grammar rules on values. Each judges one value the statement reader has just read, and
// passes over what another rule (or the reader) already reported, so a mistake is reported once.
#include "lint/grammar_rules.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "engine/internal/patterns.h"  // kMaxSlots: no public header states the limit
#include "engine/request.h"
#include "grammar/arn.h"
#include "grammar/condition_operator.h"
#include "grammar/date.h"
#include "grammar/ip.h"
#include "grammar/number.h"
#include "grammar/policy_variable.h"

namespace policysim::lint {

using engine::PolicyVersion;
using engine::toLowerAscii;
using grammar::OperatorFamily;
using grammar::OperatorKind;

namespace {

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

// Checks ${...} syntax in a value where variables are allowed. Returns false when reported.
bool checkVariables(const RuleContext& context, const Item& item, const std::string& where) {
  if (!grammar::mayContainVariables(item.text)) {
    return true;
  }
  if (!context.variablesEnabled()) {
    context.emit("PS119", item.position, item.path,
                 "policy variable in " + where + " but the policy's Version is " +
                     (context.version == PolicyVersion::Absent ? std::string("missing")
                                                               : std::string("\"2008-10-17\"")) +
                     ": " + quote(item.text) +
                     " is literal text (use \"Version\": \"2012-10-17\")");
    return false;
  }
  const auto parsed = grammar::parsePolicyTemplate(item.text);
  if (!parsed.ok()) {
    context.emit("PS118", item.position, item.path,
                 "malformed policy variable in " + where + " " + quote(item.text) + ": expected " +
                     parsed.expected());
    return false;
  }
  const auto variables = std::count_if(parsed.value().begin(), parsed.value().end(),
                                       [](const grammar::TemplatePart& part) {
                                         return part.kind == grammar::TemplatePart::Kind::Variable;
                                       });
  if (static_cast<std::size_t>(variables) > engine::internal::kMaxSlots) {
    context.emit("PS130", item.position, item.path,
                 std::to_string(variables) + " policy variables in " + where + " " +
                     quote(item.text) + ": policysim evaluates at most " +
                     std::to_string(engine::internal::kMaxSlots) +
                     " per value, so the statement fails closed");
  }
  return true;
}

// A whole value written "<name>": the mark templates (AWS's data-perimeter examples among them)
// put where the user fills in an account, an action or a CIDR block. Reported as such (PS138),
// not as the malformed value it is until replaced.
// `anywhere`: a placeholder inside the value counts too ("arn:aws:iam::<account-id>:root",
// "<cidr>/24"); only for values already found invalid, so a real value with angle brackets is
// never reported for them.
bool reportPlaceholder(const RuleContext& context, const Item& item, const std::string& where,
                       bool anywhere = false) {
  if (!(anywhere ? containsPlaceholder(item.text) : isPlaceholder(item.text))) {
    return false;
  }
  context.emit("PS138", item.position, item.path,
               where + " " + quote(item.text) + (isPlaceholder(item.text) ? " is" : " holds") +
                   " a template placeholder: replace it before the policy is used (AWS rejects "
                   "it as written)");
  return true;
}

void invalidValue(const RuleContext& context, const ConditionPart& part, const Item& value,
                  const char* problem) {
  if (reportPlaceholder(context, value, "condition value", true)) {
    return;
  }
  context.emit("PS117", value.position, value.path,
               part.operatorName + " on " + part.key + ": " + quote(value.text) + " " + problem +
                   " (policysim check fails the statement closed)");
}

}  // namespace

bool containsPlaceholder(std::string_view text) {
  for (std::size_t open = text.find('<'); open != std::string_view::npos;
       open = text.find('<', open + 1)) {
    const std::size_t close = text.find('>', open + 1);
    if (close == std::string_view::npos) {
      return false;
    }
    const std::string_view name = text.substr(open + 1, close - open - 1);
    if (!name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
          return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == ' ';
        })) {
      return true;
    }
  }
  return false;
}

bool isPlaceholder(std::string_view text) {
  return text.size() > 2 && text.front() == '<' && text.back() == '>' &&
         text.substr(1, text.size() - 2).find_first_of("<>") == std::string_view::npos;
}

void checkActionSyntax(const RuleContext& context, const Item& item, const char* element) {
  const std::string& action = item.text;
  if (action == "*") {
    return;
  }
  if (grammar::mayContainVariables(action)) {
    context.emit("PS120", item.position, item.path,
                 std::string("policy variables are not substituted in ") + element + " (" +
                     quote(action) + ")");
    return;
  }
  if (reportPlaceholder(context, item, element)) {
    return;
  }
  const std::size_t colon = action.find(':');
  if (colon == std::string::npos || colon == 0) {
    context.emit("PS112", item.position, item.path,
                 "invalid action " + quote(action) + " (expected \"service:Action\" or \"*\")");
    return;
  }
  if (action.find_first_of("*?") < colon) {
    context.emit("PS112", item.position, item.path,
                 "wildcards are not allowed in the service prefix of action " + quote(action));
    return;
  }
  if (colon + 1 == action.size()) {
    context.emit("PS112", item.position, item.path,
                 "action " + quote(action) + " has an empty name and matches nothing");
  }
}

void checkResourceSyntax(const RuleContext& context, const Item& item, const char* element) {
  const std::string& resource = item.text;
  if (resource == "*") {
    return;
  }
  if (reportPlaceholder(context, item, element)) {
    return;
  }
  // API Gateway resource policies may name their own API's methods without the ARN's prefix
  // ("execute-api:/stage/GET/path"); API Gateway expands them (API Gateway Developer Guide,
  // "Create and attach an API Gateway resource policy to an API").
  if (context.type == PolicyType::ApiGatewayRestApi && resource.starts_with("execute-api:/")) {
    return;
  }
  checkVariables(context, item, element);
  const std::string text = withoutVariables(resource);
  if (text.rfind("arn:", 0) != 0) {
    context.emit(
        "PS113", item.position, item.path,
        std::string(element) + " " + quote(resource) +
            " is not an ARN (expected \"arn:partition:service:region:account:resource\" or "
            "\"*\")");
    return;
  }
  const std::size_t colons = static_cast<std::size_t>(std::count(text.begin(), text.end(), ':'));
  if (colons < 5 && text.back() != '*') {
    context.emit("PS113", item.position, item.path,
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
      context.emit("PS113", item.position, item.path,
                   "the service field of " + quote(resource) +
                       " must be lower case (ARNs are case-sensitive)");
    }
  }
}

bool checkConditionKey(const RuleContext& context, const NodeMember& entry, const Path& path) {
  const std::string& key = entry.key;
  if (key.empty() || key.back() == '/') {
    context.emit("PS116", entry.keyPosition, path,
                 "condition key " + quote(key) + " is incomplete" +
                     (key.empty() ? std::string() : std::string(" (the tag key is missing)")));
    return false;
  }
  const std::size_t colon = key.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == key.size()) {
    context.emit("PS116", entry.keyPosition, path,
                 "condition key " + quote(key) + " is not of the form \"service:name\"");
    return false;
  }
  if (grammar::mayContainVariables(key)) {
    context.emit(
        "PS120", entry.keyPosition, path,
        "policy variables are not substituted in condition key names (" + quote(key) + ")");
    return false;
  }
  return true;
}

void checkConditionValues(const RuleContext& context, const ConditionPart& part) {
  const OperatorFamily family = grammar::operatorFamily(part.op.kind);
  const std::string where = part.operatorName + " on " + part.key;
  if (family == OperatorFamily::Bool && part.values.size() > 1) {
    context.emit("PS126", part.keyPosition, part.path,
                 where + " lists " + std::to_string(part.values.size()) +
                     " values; they are ORed, so the condition only tests that the key is present");
  }
  for (const Item& value : part.values) {
    const bool variables =
        value.type == Node::Type::String && grammar::mayContainVariables(value.text);
    if (variables && family != OperatorFamily::String && family != OperatorFamily::Arn) {
      context.emit(
          "PS120", value.position, value.path,
          "policy variables are allowed only in String and Arn condition values, not under " +
              part.operatorName);
      continue;
    }
    if (variables && !checkVariables(context, value, "condition " + where)) {
      continue;
    }
    switch (family) {
      case OperatorFamily::String: {
        const bool like =
            part.op.kind == OperatorKind::StringLike || part.op.kind == OperatorKind::StringNotLike;
        const std::string text = variables ? withoutVariables(value.text) : value.text;
        if (!like && text.find_first_of("*?") != std::string::npos) {
          context.emit("PS125", value.position, value.path,
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
          invalidValue(context, part, value, "is not an ARN with six fields");
        }
        break;
      }
      case OperatorFamily::Numeric:
        if (!grammar::parseDecimal(value.text).ok()) {
          invalidValue(context, part, value, "is not a decimal number");
        }
        break;
      case OperatorFamily::Date: {
        if (!grammar::parseDate(value.text).ok()) {
          invalidValue(context, part, value, "is not an ISO 8601 date or epoch seconds");
        } else if (value.text.find_first_not_of("0123456789", value.text[0] == '-' ? 1 : 0) ==
                   std::string::npos) {
          context.emit("PS128", value.position, value.path,
                       quote(value.text) + " under " + part.operatorName +
                           " is read as epoch seconds; write an ISO 8601 date such as "
                           "\"2026-01-01T00:00:00Z\"");
        }
        break;
      }
      case OperatorFamily::Bool:
      case OperatorFamily::Null: {
        const std::string lowered = toLowerAscii(value.text);
        if (lowered != "true" && lowered != "false") {
          invalidValue(context, part, value, "is not true or false");
        }
        break;
      }
      case OperatorFamily::Binary:
        if (!isBase64(value.text)) {
          invalidValue(context, part, value, "is not base64");
        }
        break;
      case OperatorFamily::Ip: {
        const auto parsed = grammar::parseCidr(value.text);
        if (!parsed.ok()) {
          invalidValue(context, part, value, "is not an IP address or CIDR block");
        } else if (parsed.value().hadHostBits) {
          context.emit("PS129", value.position, value.path,
                       quote(value.text) +
                           " has bits set after the prefix; it means the whole "
                           "network (write the network address, or /32 for one host)");
        }
        break;
      }
    }
  }
}

namespace {

bool allDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// What is wrong with an AWS principal value, or empty when AWS accepts it. The forms AWS
// documents (IAM User Guide, "AWS JSON policy elements: Principal"): an account id, the account
// root, a role, user or assumed-role/federated-user session, and CloudFront origin access
// identities (account field "cloudfront"). Unique ids (AROA..., AIDA...), which IAM shows for
// deleted principals, are accepted.
std::string awsPrincipalProblem(std::string_view value) {
  if (allDigits(value)) {
    return value.size() == 12 ? "" : "an account id has 12 digits";
  }
  if (!value.starts_with("arn:")) {
    const bool uniqueId = value.size() >= 16 && value[0] == 'A' &&
                          std::all_of(value.begin(), value.end(), [](char c) {
                            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                          });
    return uniqueId ? "" : "expected an account id or an IAM or STS ARN";
  }
  const auto parsed = grammar::parseArn(value);
  if (!parsed.ok()) {
    return "not an ARN (" + parsed.expected() + " expected at character " +
           std::to_string(parsed.errorOffset() + 1) + ")";
  }
  const grammar::Arn& arn = parsed.value();
  if (!arn.partition.starts_with("aws")) {
    return "unknown partition " + quote(arn.partition);
  }
  if (arn.service != "iam" && arn.service != "sts") {
    return "principals are IAM or STS ARNs, not " + quote(arn.service);
  }
  if (!arn.region.empty()) {
    return "IAM and STS ARNs have no region (found " + quote(arn.region) + ")";
  }
  if (arn.account == "cloudfront" && arn.service == "iam" &&
      arn.resource.starts_with("user/CloudFront Origin Access Identity ")) {
    return "";
  }
  if (arn.account.size() != 12 || !allDigits(arn.account)) {
    return "the account field must be a 12-digit account id (found " + quote(arn.account) + ")";
  }
  const std::string_view r = arn.resource;
  auto named = [&](std::string_view prefix) {
    return r.starts_with(prefix) && r.size() > prefix.size();
  };
  if (arn.service == "iam") {
    if (r == "root" || named("role/") || named("user/") || named("assumed-role/") ||
        named("federated-user/")) {
      return "";
    }
    if (named("group/")) {
      return "a group cannot be a principal";
    }
    return "expected root, role/..., user/... after the account (found " + quote(r) + ")";
  }
  if (named("assumed-role/") || named("federated-user/")) {
    return "";
  }
  return "an STS principal is assumed-role/ROLE/SESSION or federated-user/NAME (found " + quote(r) +
         ")";
}

}  // namespace

bool checkPrincipalValue(const RuleContext& context, std::string_view type, const Item& item) {
  std::string problem;
  if (type == "AWS" && item.text != "*") {
    problem = awsPrincipalProblem(item.text);
  } else if (type == "Federated" && item.text.starts_with("arn:")) {
    const auto parsed = grammar::parseArn(item.text);
    if (!parsed.ok() || parsed.value().service != "iam" ||
        !(parsed.value().resource.starts_with("saml-provider/") ||
          parsed.value().resource.starts_with("oidc-provider/"))) {
      problem = "a federated principal ARN is an IAM saml-provider/ or oidc-provider/";
    }
  }
  if (problem.empty()) {
    return true;
  }
  if (reportPlaceholder(context, item, std::string(type) + " principal", true)) {
    return false;
  }
  context.emit("PS131", item.position, item.path,
               "invalid " + std::string(type) + " principal " + quote(item.text) + ": " + problem);
  return false;
}

}  // namespace policysim::lint
