// The lists here are data with a source each; the access levels come from the service data.
#include "lint/access_rules.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "engine/request.h"
#include "grammar/ascii.h"
#include "lint/internal/name_list.h"

namespace policysim::lint {

using analysis::AccessLevel;
using analysis::ActionInfo;
using engine::Effect;
using engine::toLowerAscii;
using internal::nameList;

namespace {

// Actions whose responses carry credentials: Cloudsplaining's credentials-exposure list, as
// Parliament ships it (parliament/community_auditors/credentials_exposure.py, from
// https://gist.github.com/kmcquade/33860a617e651104d243c324ddf7992a). Lower case, sorted.
constexpr std::string_view kCredentialExposureActions[] = {
    "codepipeline:pollforjobs",
    "cognito-identity:getcredentialsforidentity",
    "cognito-identity:getopenidtoken",
    "cognito-identity:getopenidtokenfordeveloperidentity",
    "cognito-idp:associatesoftwaretoken",
    "cognito-idp:describeuserpoolclient",
    "connect:getfederationtoken",
    "connect:getfederationtokens",
    "ecr:getauthorizationtoken",
    "gamelift:requestuploadcredentials",
    "iam:createaccesskey",
    "iam:createloginprofile",
    "iam:createservicespecificcredential",
    "iam:resetservicespecificcredential",
    "iam:updateaccesskey",
    "iot:assumerolewithcertificate",
    "lightsail:getinstanceaccessdetails",
    "lightsail:getrelationaldatabasemasteruserpassword",
    "mediapackage:rotateingestendpointcredentials",
    "rds-db:connect",
    "redshift:getclustercredentials",
    "sso:getrolecredentials",
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:getfederationtoken",
    "sts:getsessiontoken",
};
static_assert(std::is_sorted(std::begin(kCredentialExposureActions),
                             std::end(kCredentialExposureActions)));

// Actions that rewrite who may use a resource: its resource-based policy, its ACL or a grant
// (and S3 lifecycle rules, which delete objects: Parliament's bucket checks). Lower case.
constexpr std::string_view kPolicyWriters[] = {
    "s3:putbucketpolicy",
    "s3:putbucketacl",
    "s3:putobjectacl",
    "s3:putaccesspointpolicy",
    "s3:putlifecycleconfiguration",
    "sqs:setqueueattributes",
    "sqs:addpermission",
    "sns:settopicattributes",
    "sns:addpermission",
    "kms:putkeypolicy",
    "kms:creategrant",
    "secretsmanager:putresourcepolicy",
    "ecr:setrepositorypolicy",
    "lambda:addpermission",
    "glacier:setvaultaccesspolicy",
    "logs:putresourcepolicy",
    "events:putpermission",
    "backup:putbackupvaultaccesspolicy",
    "glue:putresourcepolicy",
    "iam:updateassumerolepolicy",
};

// AWS's spelling of a lower-case action name when the data knows it.
std::string_view spelled(const analysis::IamData& data, std::string_view lower) {
  const ActionInfo* action = data.action(lower);
  return action == nullptr ? lower : action->fullName;
}

// Compared without lower-casing: this runs for every action a statement's patterns expand to.
bool exposesCredentials(const ActionInfo& action) {
  return std::any_of(
      std::begin(kCredentialExposureActions), std::end(kCredentialExposureActions),
      [&](std::string_view name) { return grammar::equalsIgnoreAsciiCase(action.fullName, name); });
}

// True when a principal is an account as a whole ("111122223333", "arn:aws:iam::...:root"):
// the account's own IAM policies then decide who uses the grant.
bool isAccountPrincipal(const PrincipalItem& p) {
  if (p.type != "AWS") {
    return false;
  }
  const bool digits =
      p.value.size() == 12 &&
      std::all_of(p.value.begin(), p.value.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits || (p.value.starts_with("arn:") && p.value.ends_with(":root"));
}

}  // namespace

void checkAccessLevels(const RuleContext& context, const StatementParts& s,
                       const ExpandedActions& expanded) {
  if (s.effect != Effect::Allow || s.action.negated ||
      (context.type != PolicyType::Identity && context.type != PolicyType::Session)) {
    return;
  }
  std::vector<std::string_view> management;
  std::vector<std::string_view> credentials;
  const Item* firstManagement = nullptr;
  const Item* firstCredentials = nullptr;
  for (std::size_t a = 0; a < expanded.size(); ++a) {
    for (const ActionInfo* action : expanded[a]) {
      if (action->accessLevel == AccessLevel::PermissionsManagement) {
        management.push_back(action->fullName);
        firstManagement = firstManagement == nullptr ? &s.action.items[a] : firstManagement;
      }
      if (exposesCredentials(*action)) {
        credentials.push_back(action->fullName);
        firstCredentials = firstCredentials == nullptr ? &s.action.items[a] : firstCredentials;
      }
    }
  }
  auto dedupe = [](std::vector<std::string_view>* names) {
    std::sort(names->begin(), names->end());
    names->erase(std::unique(names->begin(), names->end()), names->end());
  };
  if (firstManagement != nullptr) {
    dedupe(&management);
    context.emit("PS309", firstManagement->position, firstManagement->path,
                 "the statement allows " + std::to_string(management.size()) +
                     " permissions-management " + (management.size() == 1 ? "action" : "actions") +
                     " (" + nameList(management, 4) +
                     "): they change who may do what, so grant them only to administrators" +
                     context.dataNote());
  }
  if (firstCredentials != nullptr) {
    dedupe(&credentials);
    context.emit("PS310", firstCredentials->position, firstCredentials->path,
                 "the statement allows " + std::to_string(credentials.size()) + " " +
                     (credentials.size() == 1 ? "action" : "actions") +
                     " that return credentials (" + nameList(credentials, 4) +
                     "): whoever holds them can act as another identity");
  }
}

void checkPolicyRewrite(RuleContext& context, const std::vector<StatementParts>& statements) {
  // Resource-based policies: a principal (other than a whole account) granted a policy writer
  // can rewrite the policy that limits it.
  if (isResourceBased(context.type)) {
    for (const StatementParts& s : statements) {
      if (s.effect != Effect::Allow || s.notPrincipal || s.principalUnknown ||
          s.principals.empty() ||
          std::all_of(s.principals.begin(), s.principals.end(), isAccountPrincipal)) {
        continue;
      }
      std::vector<std::string_view> writers;
      for (const std::string_view writer : kPolicyWriters) {
        if (s.action.covers(writer)) {
          writers.push_back(spelled(*context.check.data, writer));
        }
      }
      if (writers.empty()) {
        continue;
      }
      context.sid = s.sid;
      context.emit("PS311", s.action.keyPosition, s.action.path,
                   "the statement lets its principals rewrite who may use the resource (" +
                       nameList(writers, 4) +
                       "): they can grant themselves, or anyone, every action the policy "
                       "withholds");
    }
    return;
  }
  if (context.type != PolicyType::Identity && context.type != PolicyType::Session) {
    return;
  }
  // Identity policies (Parliament's check): a policy writer allowed while the service's actions
  // are not all allowed: the holder can write a resource policy that grants the rest.
  auto allowedBy = [&](std::string_view action) -> const StatementParts* {
    for (const StatementParts& s : statements) {
      if (s.effect == Effect::Deny && s.conditions.empty() && !s.conditionUnknown &&
          !s.resource.negated && s.resource.hasStar() && s.action.covers(action)) {
        return nullptr;
      }
    }
    for (const StatementParts& s : statements) {
      if (s.effect == Effect::Allow && s.action.covers(action)) {
        return &s;
      }
    }
    return nullptr;
  };
  // The whole service allowed ("s3:*" or "*") and nothing of it denied: nothing to escalate to.
  auto wholeServiceAllowed = [&](std::string_view service) {
    const std::string everything = std::string(service) + ":*";
    bool allowed = false;
    for (const StatementParts& s : statements) {
      const bool names =
          std::any_of(s.action.items.begin(), s.action.items.end(), [&](const Item& i) {
            const std::string lower = toLowerAscii(i.text);
            return lower == "*" || lower.starts_with(std::string(service) + ":");
          });
      if (s.effect == Effect::Deny && (names || s.action.negated)) {
        return false;
      }
      if (s.effect == Effect::Allow && !s.action.unknown) {
        // "*" or "s3:*"; or a NotAction that leaves the whole service in.
        const bool all =
            std::any_of(s.action.items.begin(), s.action.items.end(), [&](const Item& i) {
              const std::string lower = toLowerAscii(i.text);
              return lower == "*" || lower == everything;
            });
        allowed = allowed || (s.action.negated ? !names : all);
      }
    }
    return allowed;
  };
  std::vector<std::string_view> writers;
  const StatementParts* first = nullptr;
  for (const std::string_view writer : kPolicyWriters) {
    const StatementParts* s = allowedBy(writer);
    if (s == nullptr || wholeServiceAllowed(writer.substr(0, writer.find(':')))) {
      continue;
    }
    writers.push_back(spelled(*context.check.data, writer));
    first = first == nullptr ? s : first;
  }
  if (first == nullptr) {
    return;
  }
  context.sid = first->sid;
  context.emit("PS311", first->action.keyPosition, first->action.path,
               "the policy allows " + nameList(writers, 4) +
                   " but not every action of the service: the holder can rewrite a resource's "
                   "policy, ACL or grants to give itself the rest");
}

}  // namespace policysim::lint
