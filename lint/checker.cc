// checkPolicy runs the rule families in three passes. Pass 1 (statement_reader.h) reads the
// document and reports the grammar rules (PS1xx) in document order. Pass 2 runs, per statement,
// the data (PS2xx), security (PS3xx) and MFA (PS4xx) rules on the parts it read; pass 3 the
// whole-policy rules (privilege escalation). Findings at one position keep this order (the
// report sorts by position only), so the passes interleave per condition key as written here.
#include "lint/checker.h"

#include "lint/access_rules.h"
#include "lint/data_rules.h"
#include "lint/mfa_pattern_rules.h"
#include "lint/mfa_rules.h"
#include "lint/resource_rules.h"
#include "lint/rule_context.h"
#include "lint/security_rules.h"
#include "lint/size_rules.h"
#include "lint/statement_reader.h"
#include "lint/type_rules.h"

namespace policysim::lint {

void RuleContext::emit(std::string_view id, Position position, Path path,
                       std::string message) const {
  out->push_back(RawFinding{findRule(id), std::move(message), position, std::move(path), sid});
}

bool RuleContext::identityFamily() const {
  return type == PolicyType::Identity || type == PolicyType::Boundary ||
         type == PolicyType::Session || type == PolicyType::Trust;
}

bool RuleContext::resourceFamily() const {
  return isResourceBased(type) || type == PolicyType::Trust || onlyRestricts(type);
}

bool RuleContext::resourceOptional() const { return resourceFamily() && type != PolicyType::Rcp; }

std::string RuleContext::dataNote() const { return " (IAM data " + check.data->version() + ")"; }

void checkPolicy(const CheckContext& check, const PolicyInput& policy,
                 std::vector<RawFinding>* out) {
  RuleContext context{check, policy.type, engine::PolicyVersion::Absent, {}, out};
  const std::vector<StatementParts> statements = readStatements(context, *policy.root);
  for (const StatementParts& statement : statements) {
    context.sid = statement.sid;
    checkActionData(context, statement);
    const ExpandedActions expanded = expandActions(*check.data, statement);
    checkResourceTypes(context, statement, expanded);
    checkAccessLevels(context, statement, expanded);
    for (const ConditionPart& part : statement.conditions) {
      checkConditionData(context, statement, part);
      checkMfaCondition(context, statement, part);
      checkInvertedMfaAllow(context, statement, part);
    }
    checkTypeRules(context, statement);
    if (!onlyRestricts(context.type)) {
      checkSecurity(context, statement);  // what an Allow grants: RCPs and endpoints grant nothing
    }
    checkForceMfa(context, statement);
  }
  checkEscalation(context, statements);
  checkPolicyRewrite(context, statements);
  context.sid.clear();
  checkPolicySize(context, policy);
}

}  // namespace policysim::lint
