// Type rules. Sources:
//  - RCP syntax (Principal "*", no NotPrincipal or NotAction, Allow only as RCPFullAWSAccess):
//    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
//  - Services RCPs apply to: engine::kRcpServices (orgs_manage_policies_rcps.html).
//  - A resource-based policy is consulted for requests to the resource it is attached to
//    (IAM User Guide, "Identity-based policies and resource-based policies"); a key policy's
//    Resource "*" means that key (KMS Developer Guide, "Creating a key policy":
//    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
//  - CloudWatch Logs resource policies (PS139): "Policy only supports logs:PutLogEvents and
//    logs:CreateLogStream actions" and "only applies when operations are invoked by AWS service
//    principals"; other statements "will not be enforced" (CloudWatch Logs API Reference,
//    PutResourcePolicy:
//    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html).
#include "lint/type_rules.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "engine/policy.h"
#include "engine/request.h"
#include "grammar/wildcard.h"
#include "lint/sources.h"

namespace policysim::lint {

using engine::Effect;
using engine::toLowerAscii;

namespace {

std::string serviceOf(std::string_view action) {
  const std::size_t colon = action.find(':');
  return colon == std::string_view::npos ? std::string() : toLowerAscii(action.substr(0, colon));
}

// The services whose actions a one-service policy type may name: its own, plus S3 Object
// Lambda for access points.
bool serviceFits(PolicyType type, std::string_view service) {
  return service == serviceOfType(type) ||
         (type == PolicyType::S3AccessPoint && service == "s3-object-lambda");
}

std::string nameList(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 4; ++i) {
    out += (i == 0 ? "" : ", ") + names[i];
  }
  if (names.size() > 4) {
    out += " and " + std::to_string(names.size() - 4) + " more";
  }
  return out;
}

void checkRcp(const RuleContext& context, const StatementParts& s) {
  if (s.notPrincipal) {
    const Position at = s.principals.empty() ? s.position : s.principals.front().position;
    context.emit("PS109", at, append(s.path, keySegment("NotPrincipal")),
                 "NotPrincipal is not allowed in a resource control policy (use Principal \"*\" "
                 "and a condition on aws:PrincipalArn)");
  } else if (!s.principalUnknown) {
    for (const PrincipalItem& p : s.principals) {
      if (p.value != "*" || (p.type != "*" && p.type != "AWS")) {
        context.emit("PS134", p.position, p.path,
                     "the Principal of a resource control policy must be \"*\" (narrow it with a "
                     "condition such as aws:PrincipalOrgID or aws:PrincipalArn)");
        break;
      }
    }
  }
  if (s.action.present && s.action.negated) {
    context.emit("PS109", s.action.keyPosition, s.action.path,
                 "NotAction is not allowed in a resource control policy (use Action)");
  }
  if (s.effect == Effect::Allow && !s.action.unknown && !s.resource.unknown &&
      !s.conditionUnknown) {
    auto onlyStar = [](const ListElement& list) {
      return !list.negated && !list.items.empty() &&
             std::all_of(list.items.begin(), list.items.end(),
                         [](const Item& i) { return i.text == "*"; });
    };
    if (!onlyStar(s.action) || !onlyStar(s.resource) || !s.conditions.empty()) {
      context.emit("PS134", s.position, s.path,
                   "a resource control policy allows only in the RCPFullAWSAccess form (Principal, "
                   "Action and Resource \"*\", no Condition); write a Deny statement");
    }
  }
  // PS135: actions of services RCPs do not apply to.
  if (s.action.negated || s.action.unknown) {
    return;
  }
  std::vector<std::string> outside;
  const Item* first = nullptr;
  for (const Item& item : s.action.items) {
    const std::string service = serviceOf(item.text);
    if (service.empty() || service.find_first_of("*?") != std::string::npos ||
        engine::rcpAppliesToService(service)) {
      continue;
    }
    outside.push_back(item.text);
    first = first == nullptr ? &item : first;
  }
  if (first != nullptr) {
    const bool all = outside.size() == s.action.items.size();
    context.emit(
        "PS135", first->position, first->path,
        nameList(outside) + (outside.size() == 1 ? " is an action" : " are actions") +
            " of a service that resource control policies do not cover (AWS Organizations lists " +
            std::to_string(engine::kRcpServices.size()) +
            " that they do: policysim lint --explain PS135): " +
            (all ? "the statement never applies" : "the statement does not apply to them"));
  }
}

void checkServiceResourcePolicy(const RuleContext& context, const StatementParts& s) {
  const std::string_view service = serviceOfType(context.type);
  // "an ecr-repository", "a kms-key": the article of the type's name.
  const std::string name = policyTypeName(context.type);
  const std::string what =
      (std::string("aeiou").find(name[0]) != std::string::npos ? "an " : "a ") + name;
  if (s.action.present && !s.action.negated) {
    std::vector<std::string> foreign;
    const Item* first = nullptr;
    for (const Item& item : s.action.items) {
      const std::string actionService = serviceOf(item.text);
      if (actionService.empty() || actionService.find_first_of("*?") != std::string::npos ||
          serviceFits(context.type, actionService)) {
        continue;
      }
      foreign.push_back(item.text);
      first = first == nullptr ? &item : first;
    }
    if (first != nullptr) {
      context.emit("PS136", first->position, first->path,
                   nameList(foreign) +
                       (foreign.size() == 1 ? " is not an action" : " are not actions") + " of " +
                       std::string(service) + ": " + what +
                       " policy is consulted only for requests to its own " + std::string(service) +
                       " resource, so " +
                       (foreign.size() == 1 ? "it never applies" : "they never apply") + " here");
    }
  }
  for (const Item& item : s.resource.items) {
    // arn:PARTITION:SERVICE:...: the service field, when written without wildcards.
    if (!item.text.starts_with("arn:")) {
      continue;
    }
    const std::size_t second = item.text.find(':', 4);
    const std::size_t third =
        second == std::string::npos ? std::string::npos : item.text.find(':', second + 1);
    if (third == std::string::npos) {
      continue;
    }
    const std::string arnService = toLowerAscii(item.text.substr(second + 1, third - second - 1));
    if (arnService.find_first_of("*?$") != std::string::npos ||
        serviceFits(context.type, arnService)) {
      continue;
    }
    std::string message = quote(item.text) + " is not a resource of " + std::string(service) +
                          ": " + what +
                          " policy governs only the resource it is attached to, so the statement "
                          "matches nothing there";
    if (context.type == PolicyType::KmsKey) {
      message += " (in a key policy, Resource \"*\" means the key itself)";
    }
    context.emit("PS137", item.position, item.path, message);
  }
}

// PS139: what a CloudWatch Logs resource policy enforces. AWS accepts the rest, silently.
void checkLogsResourcePolicy(const RuleContext& context, const StatementParts& s) {
  static constexpr std::string_view kSupported[] = {"logs:putlogevents", "logs:createlogstream"};
  if (s.action.present && !s.action.negated && !s.action.unknown) {
    std::vector<std::string> unsupported;
    const Item* first = nullptr;
    for (const Item& item : s.action.items) {
      if (serviceOf(item.text) != "logs") {
        continue;  // another service's action: PS136
      }
      const auto pattern = grammar::WildcardPattern::fromGlob(toLowerAscii(item.text));
      if (std::none_of(std::begin(kSupported), std::end(kSupported),
                       [&](std::string_view a) { return pattern.matches(a); })) {
        unsupported.push_back(item.text);
        first = first == nullptr ? &item : first;
      }
    }
    if (first != nullptr) {
      context.emit("PS139", first->position, first->path,
                   nameList(unsupported) +
                       ": a CloudWatch Logs resource policy supports only logs:PutLogEvents and "
                       "logs:CreateLogStream, so AWS accepts but does not enforce " +
                       (unsupported.size() == 1 ? "it" : "them") +
                       " (use IAM policies for that access)");
    }
  }
  if (s.principalUnknown || s.notPrincipal) {
    return;
  }
  for (const PrincipalItem& p : s.principals) {
    if (p.type == "Service" || p.value == "*") {
      continue;
    }
    context.emit("PS139", p.position, p.path,
                 p.type + " principal " + quote(p.value) +
                     ": a CloudWatch Logs resource policy applies only to requests of AWS "
                     "service principals, so AWS accepts but does not enforce it for IAM users, "
                     "roles or other accounts (use IAM policies for them)");
    break;
  }
}

}  // namespace

void checkTypeRules(const RuleContext& context, const StatementParts& statement) {
  if (context.type == PolicyType::Rcp) {
    checkRcp(context, statement);
  } else if (!serviceOfType(context.type).empty()) {
    checkServiceResourcePolicy(context, statement);
    if (context.type == PolicyType::LogsResource) {
      checkLogsResourcePolicy(context, statement);
    }
  }
}

}  // namespace policysim::lint
