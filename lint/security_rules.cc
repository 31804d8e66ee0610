// The security rules: an Allow that reaches further than its text suggests (NotAction,
// NotResource, "*", Principal "*"), and policies whose Allows add up to privilege escalation.
#include "lint/security_rules.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "engine/request.h"

namespace policysim::lint {

using engine::Effect;
using engine::toLowerAscii;

namespace {

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

}  // namespace

void checkSecurity(const RuleContext& context, const StatementParts& s) {
  if (s.effect != Effect::Allow) {
    return;
  }
  const bool starResource = s.resource.negated || s.resource.hasStar() ||
                            (!s.resource.present && context.resourceFamily());
  if (s.action.present && s.action.negated) {
    context.emit("PS301", s.action.keyPosition, s.action.path,
                 std::string("Allow with NotAction grants every action except the listed ones") +
                     (starResource ? " on every resource" : "") +
                     ", including actions of services added later");
  }
  if (s.resource.present && s.resource.negated) {
    context.emit(
        "PS302", s.resource.keyPosition, s.resource.path,
        "Allow with NotResource grants the actions on every resource except the listed ones, "
        "including resources created later");
  }
  if (!s.action.negated) {
    for (const Item& item : s.action.items) {
      if (item.text == "*" || item.text == "*:*") {
        context.emit("PS303", item.position, item.path,
                     "Allow of every action (" + quote(item.text) + ")" +
                         (starResource ? " on every resource: administrator access" : ""));
      }
    }
  }
  // PS304: iam:PassRole on every role.
  const bool passedToService =
      std::any_of(s.conditions.begin(), s.conditions.end(),
                  [](const ConditionPart& c) { return c.lowerKey == "iam:passedtoservice"; });
  if (s.action.covers("iam:passrole") && !passedToService && !s.conditionUnknown) {
    if (s.resource.negated) {
      context.emit("PS304", s.resource.keyPosition, s.resource.path,
                   "the statement allows iam:PassRole on every role except the listed ones "
                   "(NotResource): name the roles, or restrict iam:PassedToService");
    } else {
      for (const Item& item : s.resource.items) {
        if (item.text == "*") {
          context.emit("PS304", item.position, item.path,
                       "the statement allows iam:PassRole on every role (Resource \"*\"): name the "
                       "roles, or restrict iam:PassedToService");
        }
      }
    }
  }
  // PS305: public resource policies.
  if (!context.resourceFamily() || s.notPrincipal || s.conditionUnknown) {
    return;
  }
  const bool restricted = std::any_of(
      s.conditions.begin(), s.conditions.end(),
      [](const ConditionPart& c) { return inKeyList(kCallerRestrictingKeys, c.lowerKey); });
  if (restricted) {
    return;
  }
  for (const PrincipalItem& principal : s.principals) {
    if (principal.value != "*" || (principal.type != "*" && principal.type != "AWS")) {
      continue;
    }
    std::string message = context.type == PolicyType::Trust
                              ? "Principal \"*\" in a role trust policy lets anyone assume the role"
                              : "Principal \"*\" allows anyone, anonymous callers included";
    message += s.conditions.empty()
                   ? " (the statement has no condition)"
                   : " (no condition limits the caller: add aws:PrincipalOrgID, "
                     "aws:PrincipalAccount, aws:SourceVpce, aws:SourceArn or aws:SourceAccount)";
    context.emit("PS305", principal.position, principal.path, message);
    break;
  }
}

void checkEscalation(RuleContext& context, const std::vector<StatementParts>& statements) {
  if (context.type != PolicyType::Identity) {
    return;
  }
  // Creating keys or a password for one's own user gives no new permissions.
  auto onlySelf = [](const StatementParts& s) {
    return !s.resource.negated && !s.resource.items.empty() &&
           std::all_of(s.resource.items.begin(), s.resource.items.end(), [](const Item& i) {
             return toLowerAscii(i.text).find("${aws:username}") != std::string::npos;
           });
  };
  auto allowed = [&](std::string_view action) -> const StatementParts* {
    const std::string lowered = toLowerAscii(action);
    const bool selfIsHarmless = lowered == "iam:createaccesskey" ||
                                lowered == "iam:createloginprofile" ||
                                lowered == "iam:updateloginprofile";
    for (const StatementParts& s : statements) {
      if (s.effect == Effect::Deny && s.conditions.empty() && !s.conditionUnknown &&
          !s.resource.negated && s.resource.hasStar() && s.action.covers(lowered)) {
        return nullptr;
      }
    }
    for (const StatementParts& s : statements) {
      if (s.effect == Effect::Allow && s.action.covers(lowered) &&
          !(selfIsHarmless && context.variablesEnabled() && onlySelf(s))) {
        return &s;
      }
    }
    return nullptr;
  };
  // An unconditional Allow of everything is PS303; listing 21 methods adds nothing.
  for (const StatementParts& s : statements) {
    if (s.effect == Effect::Allow && s.conditions.empty() && !s.action.negated &&
        s.resource.hasStar() &&
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
  context.sid = first->sid;
  context.emit("PS306", first->action.keyPosition, first->action.path,
               "the policy allows " + std::to_string(methods.size()) + " privilege-escalation " +
                   (methods.size() == 1 ? "method" : "methods") + ": " + list);
}

}  // namespace policysim::lint
