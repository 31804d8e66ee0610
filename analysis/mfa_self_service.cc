#include "analysis/internal/mfa_self_service.h"

#include <algorithm>

#include "analysis/internal/mfa_conditions.h"
#include "engine/request.h"
#include "grammar/ascii.h"

namespace policysim::analysis {

using grammar::equalsIgnoreAsciiCase;
namespace internal {
namespace {

using engine::Status;

bool inList(const std::vector<std::string_view>& list, std::string_view action) {
  return std::any_of(list.begin(), list.end(),
                     [&](std::string_view a) { return equalsIgnoreAsciiCase(a, action); });
}

// A Deny with an MFA condition that applies to (almost) every action: the force-MFA guard.
bool isGuard(const engine::Statement& st) {
  if (st.effect != engine::Effect::Deny || !mentionsMfa(st)) {
    return false;
  }
  return st.notAction || std::any_of(st.actions.begin(), st.actions.end(),
                                     [](const engine::PolicyValue& v) { return v.text == "*"; });
}

// "service:Action" with letters, digits and the wildcards '*' and '?' (or "*").
bool isActionPattern(std::string_view text) {
  if (text == "*") {
    return true;
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' ||
           c == '?' || c == '-' || c == ':' || c == '_';
  });
}

}  // namespace

bool SelfServiceSet::exempted(std::string_view action) const {
  return firstExemptionCovering(action).has_value();
}

std::optional<std::size_t> SelfServiceSet::firstExemptionCovering(std::string_view action) const {
  const std::string lower = engine::toLowerAscii(action);
  for (std::size_t p = 0; p < exemptionGlobs.size(); ++p) {
    if (exemptionGlobs[p].matches(lower)) {
      return p;
    }
  }
  return std::nullopt;
}

engine::Result<SelfServiceSet> findSelfServiceSet(const std::vector<PolicyStatement>& statements,
                                                  std::span<const ActionInfo* const> actions,
                                                  const std::vector<std::string>& accepted,
                                                  StatementTable* table) {
  SelfServiceSet set;
  for (const PolicyStatement& statement : statements) {
    const engine::Statement& st = *statement.statement;
    if (!isGuard(st)) {
      continue;
    }
    set.guards.push_back(statement);
    set.guardStatements.push_back(table->add(statement));
    if (!st.notAction) {
      continue;
    }
    for (const engine::PolicyValue& value : st.actions) {
      if (std::none_of(set.exemptions.begin(), set.exemptions.end(), [&](const std::string& p) {
            return equalsIgnoreAsciiCase(p, value.text);
          })) {
        set.exemptions.push_back(value.text);
      }
    }
  }
  for (const std::string& p : set.exemptions) {
    set.exemptionGlobs.push_back(grammar::WildcardPattern::fromGlob(engine::toLowerAscii(p)));
  }
  for (const std::string& p : accepted) {
    if (!isActionPattern(p)) {
      return Status::invalidArgument("mfa-audit: accepted action \"" + p +
                                     "\" is not an action (service:Action, wildcards allowed)");
    }
    set.accepted.push_back(p);
    set.acceptedGlobs.push_back(grammar::WildcardPattern::fromGlob(engine::toLowerAscii(p)));
  }
  set.fixed.assign(actions.size(), 0);
  set.acceptedBy.assign(actions.size(), -1);
  set.otherUsers.assign(actions.size(), 0);
  std::vector<char> used(set.accepted.size(), 0);
  for (std::size_t i = 0; i < actions.size(); ++i) {
    set.fixed[i] = inList(mfaSelfServiceActions(), actions[i]->fullName) ? 1 : 0;
    const std::string lower = engine::toLowerAscii(actions[i]->fullName);
    for (std::size_t p = 0; p < set.acceptedGlobs.size(); ++p) {
      if (set.acceptedGlobs[p].matches(lower)) {
        set.acceptedBy[i] = static_cast<std::int32_t>(p);
        used[p] = 1;
        break;
      }
    }
  }
  for (std::size_t p = 0; p < used.size(); ++p) {
    // A later pattern may be shadowed by an earlier one; only one that matches nothing at all
    // is a mistake (a typo, or an action the data does not know).
    const bool any =
        used[p] != 0 || std::any_of(actions.begin(), actions.end(), [&](const auto* a) {
          return set.acceptedGlobs[p].matches(engine::toLowerAscii(a->fullName));
        });
    if (!any) {
      return Status::invalidArgument("mfa-audit: accepted action \"" + set.accepted[p] +
                                     "\" matches no action of the IAM data");
    }
  }
  return set;
}

void markOtherUsers(const Candidates& candidates, std::span<const ActionInfo* const> actions,
                    const PrincipalArn& caller, SelfServiceSet* set) {
  // A user ARN of the caller's account whose last segment is the caller's name is the caller:
  // user names are unique in an account whatever the path (user/${aws:username} names alice of
  // /division/ too, as AWS's examples write it).
  const std::string users = "arn:" + caller.partition + ":iam::" + caller.account + ":user/";
  auto isCaller = [&](std::string_view arn) {
    if (!arn.starts_with(users)) {
      return false;
    }
    const std::string_view rest = arn.substr(users.size());
    const std::size_t slash = rest.rfind('/');
    return (slash == std::string_view::npos ? rest : rest.substr(slash + 1)) == caller.name;
  };
  for (std::size_t i = 0; i < set->fixed.size(); ++i) {
    // iam:ChangePassword names no user: it always changes the caller's own password.
    if (!set->fixed[i] || equalsIgnoreAsciiCase(actions[i]->fullName, "iam:ChangePassword")) {
      continue;
    }
    for (std::size_t j = 0; j < candidates.count(i); ++j) {
      const std::string& r = candidates.at(i, j);
      const bool userArn = r.starts_with("arn:") && r.find(":iam::") != std::string::npos &&
                           r.find(":user/") != std::string::npos;
      if (userArn && !isCaller(r)) {
        set->otherUsers[i] = static_cast<std::uint16_t>(set->otherUsers[i] | (1U << j));
      }
    }
  }
}

}  // namespace internal

const std::vector<std::string_view>& mfaEnrolmentActions() {
  static const std::vector<std::string_view> actions = {
      "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices"};
  return actions;
}

const std::vector<std::string_view>& mfaSensitiveActions() {
  static const std::vector<std::string_view> actions = {
      "iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice", "iam:CreateAccessKey",
      "iam:CreateLoginProfile", "iam:UpdateLoginProfile"};
  return actions;
}

const std::vector<std::string_view>& mfaBootstrapActions() {
  static const std::vector<std::string_view> actions = {
      "iam:CreateVirtualMFADevice", "iam:EnableMFADevice",       "iam:GetUser",
      "iam:ListMFADevices",         "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
      "sts:GetSessionToken",
  };
  return actions;
}

const std::vector<std::string_view>& mfaSelfServiceActions() {
  static const std::vector<std::string_view> actions = [] {
    std::vector<std::string_view> out = mfaBootstrapActions();
    out.insert(out.end(),
               {"iam:ChangePassword", "iam:GetAccountPasswordPolicy", "sts:GetCallerIdentity"});
    return out;
  }();
  return actions;
}

MfaRisk mfaRiskOf(const ActionInfo& action) {
  const std::string_view service = action.service->prefix;
  const std::string_view name = action.name;
  const bool writes = action.accessLevel == AccessLevel::Write ||
                      action.accessLevel == AccessLevel::PermissionsManagement;
  if (equalsIgnoreAsciiCase(service, "iam") && writes) {
    for (const std::string_view word :
         {"AccessKey", "LoginProfile", "MFADevice", "SSHPublicKey", "SigningCertificate",
          "ServiceSpecificCredential", "Password"}) {
      if (name.find(word) != std::string_view::npos) {
        return MfaRisk::Credentials;
      }
    }
  }
  // STS calls that return credentials (AssumeRole*, AssumeRoot, Get...Token).
  if (equalsIgnoreAsciiCase(service, "sts") &&
      (name.starts_with("Assume") || (name.starts_with("Get") && name.ends_with("Token")))) {
    return MfaRisk::Credentials;
  }
  if (action.accessLevel == AccessLevel::PermissionsManagement) {
    return MfaRisk::Privilege;
  }
  if ((equalsIgnoreAsciiCase(service, "iam") || equalsIgnoreAsciiCase(service, "sts")) &&
      (writes || action.accessLevel == AccessLevel::Tagging)) {
    return MfaRisk::Privilege;
  }
  return MfaRisk::Other;
}

std::string_view mfaRiskName(MfaRisk risk) {
  switch (risk) {
    case MfaRisk::Credentials:
      return "credentials";
    case MfaRisk::Privilege:
      return "privilege";
    case MfaRisk::Other:
      return "other";
  }
  return "other";
}

}  // namespace policysim::analysis
