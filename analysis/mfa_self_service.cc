#include "analysis/internal/mfa_self_service.h"

#include <algorithm>

#include "analysis/internal/mfa_conditions.h"
#include "engine/request.h"
#include "grammar/ascii.h"

namespace policysim::analysis {
namespace internal {

using grammar::equalsIgnoreAsciiCase;

bool SelfServiceSet::covers(std::string_view action) const {
  return firstPatternCovering(action).has_value();
}

std::optional<std::size_t> SelfServiceSet::firstPatternCovering(std::string_view action) const {
  const std::string lower = engine::toLowerAscii(action);
  for (std::size_t p = 0; p < globs.size(); ++p) {
    if (globs[p].matches(lower)) {
      return p;
    }
  }
  return std::nullopt;
}

SelfServiceSet findSelfServiceSet(const std::vector<PolicyStatement>& statements,
                                  std::span<const ActionInfo* const> actions,
                                  StatementTable* table) {
  SelfServiceSet set;
  for (const PolicyStatement& statement : statements) {
    const engine::Statement& st = *statement.statement;
    if (st.effect != engine::Effect::Deny || !st.notAction || !mentionsMfa(st)) {
      continue;
    }
    set.guards.push_back(statement);
    set.guardStatements.push_back(table->add(statement));
    for (const engine::PolicyValue& value : st.actions) {
      if (std::none_of(set.patterns.begin(), set.patterns.end(), [&](const std::string& p) {
            return equalsIgnoreAsciiCase(p, value.text);
          })) {
        set.patterns.push_back(value.text);
      }
    }
  }
  if (set.guards.empty()) {
    for (const std::string_view a : mfaBootstrapActions()) {
      set.patterns.emplace_back(a);
    }
  }
  for (const std::string& p : set.patterns) {
    set.globs.push_back(grammar::WildcardPattern::fromGlob(engine::toLowerAscii(p)));
  }
  set.selfService.assign(actions.size(), 0);
  set.selfManagement.assign(actions.size(), 0);
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const std::string lower = engine::toLowerAscii(actions[i]->fullName);
    set.selfService[i] = std::any_of(set.globs.begin(), set.globs.end(),
                                     [&](const auto& g) { return g.matches(lower); });
    set.selfManagement[i] = std::any_of(
        selfManagementActions().begin(), selfManagementActions().end(),
        [&](std::string_view a) { return equalsIgnoreAsciiCase(a, actions[i]->fullName); });
  }
  return set;
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

const std::vector<std::string_view>& selfManagementActions() {
  static const std::vector<std::string_view> actions = [] {
    std::vector<std::string_view> out = mfaBootstrapActions();
    out.insert(out.end(), {"iam:ChangePassword", "iam:GetAccountPasswordPolicy",
                           "iam:GetAccountSummary", "iam:GetMFADevice", "iam:ListUsers"});
    return out;
  }();
  return actions;
}

}  // namespace policysim::analysis
