// The MFA rules. aws:MultiFactorAuthPresent is absent from requests signed with long-term
// access keys and aws:MultiFactorAuthAge from every request made without MFA, so most MFA
// mistakes are about how an operator treats an absent key (iam-semantics §5.2, §5.3).
#include "lint/mfa_rules.h"

#include <optional>
#include <string>
#include <vector>

#include "analysis/mfa_condition.h"
#include "grammar/condition_operator.h"
#include "grammar/number.h"
#include "lint/mfa_gap.h"

namespace policysim::lint {

using engine::Effect;
using grammar::OperatorFamily;
using grammar::OperatorKind;
using grammar::SetQualifier;

void checkMfaCondition(const RuleContext& context, const StatementParts& s,
                       const ConditionPart& part) {
  const OperatorKind kind = part.op.kind;
  if (part.lowerKey == "aws:multifactorauthpresent") {
    if (!s.effect) {
      return;  // no Effect: PS1xx says so
    }
    analysis::MfaCondition condition{*s.effect, part.op, part.key, {}};
    for (const Item& value : part.values) {
      condition.values.push_back(value.text);
    }
    switch (analysis::classifyMfaCondition(condition)) {
      case analysis::MfaConditionForm::DenyBoolFalse:
        context.emit(
            "PS401", part.operatorPosition, part.path,
            "Deny with Bool aws:MultiFactorAuthPresent \"false\" does not apply to requests "
            "signed with long-term access keys (they carry no MFA key): use BoolIfExists");
        break;
      case analysis::MfaConditionForm::AllowIfExists:
        if (kind == OperatorKind::Bool) {
          context.emit(
              "PS402", part.operatorPosition, part.path,
              "Allow with BoolIfExists aws:MultiFactorAuthPresent \"true\" also grants requests "
              "signed with long-term access keys, without MFA: use Bool to require MFA");
        }
        break;
      case analysis::MfaConditionForm::DenyNullTrue:
        context.emit(
            "PS403", part.operatorPosition, part.path,
            "Deny with Null aws:MultiFactorAuthPresent \"true\" denies long-term access keys but "
            "spares temporary credentials obtained without MFA: use BoolIfExists \"false\"");
        break;
      case analysis::MfaConditionForm::AllowNullFalse:
        context.emit("PS403", part.operatorPosition, part.path,
                     "Allow with Null aws:MultiFactorAuthPresent \"false\" grants any temporary "
                     "credentials, with or without MFA: use Bool \"true\"");
        break;
      case analysis::MfaConditionForm::DenyAgeWithoutIfExists:
      case analysis::MfaConditionForm::Other:
        break;
    }
    return;
  }
  if (part.lowerKey != "aws:multifactorauthage") {
    return;
  }
  const OperatorFamily family = grammar::operatorFamily(kind);
  if (family != OperatorFamily::Numeric && family != OperatorFamily::Null) {
    context.emit("PS405", part.operatorPosition, part.path,
                 part.operatorName +
                     " on aws:MultiFactorAuthAge (a number of seconds) does not "
                     "compare ages: use NumericLessThan in an Allow or "
                     "NumericGreaterThanIfExists in a Deny");
    return;
  }
  if (family != OperatorFamily::Numeric) {
    return;
  }
  for (const Item& value : part.values) {
    const auto number = grammar::parseDecimal(value.text);
    if (!number.ok()) {
      continue;  // PS117
    }
    if (number.value() > 129600) {
      context.emit(
          "PS404", value.position, value.path,
          "aws:MultiFactorAuthAge threshold " + value.text +
              " s is longer than the longest session (129,600 s): the check never triggers for "
              "GetSessionToken credentials");
    } else if (number.value() < 900) {
      context.emit("PS404", value.position, value.path,
                   "aws:MultiFactorAuthAge threshold " + value.text +
                       " s is shorter than the shortest session (900 s): MFA sessions stop working "
                       "minutes after sign-in");
    }
  }
  const bool greater =
      kind == OperatorKind::NumericGreaterThan || kind == OperatorKind::NumericGreaterThanEquals;
  if (s.effect == Effect::Deny && greater && !part.op.ifExists &&
      part.op.qualifier == SetQualifier::None) {
    context.emit(
        "PS408", part.operatorPosition, part.path,
        "Deny with " + part.operatorName +
            " aws:MultiFactorAuthAge does not apply to requests made without MFA (the key is "
            "absent): use " +
            part.operatorName + "IfExists");
  }
}

// PS406/PS407: a Deny that forces MFA, judged by the evaluator over every known action.
void checkForceMfa(const RuleContext& context, const StatementParts& s) {
  if (s.effect != Effect::Deny || !s.action.negated || s.action.unknown || s.action.items.empty() ||
      s.resource.negated || !s.resource.hasStar()) {
    return;
  }
  std::optional<MfaDenyForm> form;
  for (const ConditionPart& part : s.conditions) {
    if (part.op.qualifier != SetQualifier::None) {
      continue;
    }
    // Null on the age catches every request without MFA (semantics §5.3): a guard too.
    if (part.lowerKey == "aws:multifactorauthage" && part.op.kind == OperatorKind::Null &&
        part.hasValue("true")) {
      form = MfaDenyForm::NullAgeTrue;
      continue;
    }
    if (part.lowerKey != "aws:multifactorauthpresent") {
      continue;
    }
    if (part.op.kind == OperatorKind::Bool && part.hasValue("false")) {
      form = part.op.ifExists ? MfaDenyForm::BoolIfExistsFalse : MfaDenyForm::BoolFalse;
    } else if (part.op.kind == OperatorKind::Null && part.hasValue("true")) {
      form = MfaDenyForm::NullTrue;
    }
  }
  if (!form.has_value()) {
    return;
  }
  std::vector<std::string> notActions;
  for (const Item& item : s.action.items) {
    notActions.push_back(item.text);
  }
  const MfaGapResult& result = context.check.mfa->analyse(notActions, *form);
  for (const MfaGapResult::Leak& leak : result.leaks) {
    const Item& item = s.action.items[leak.entry];
    std::string examples;
    for (std::size_t i = 0; i < leak.examples.size(); ++i) {
      examples += (i == 0 ? "" : ", ") + leak.examples[i];
    }
    context.emit("PS406", item.position, item.path,
                 "NotAction entry " + quote(item.text) + " exempts " + std::to_string(leak.count) +
                     (leak.count == 1 ? " action" : " actions") +
                     " beyond MFA self-management from this force-MFA Deny: they stay reachable "
                     "without MFA (e.g. " +
                     examples + "); proven by evaluating " + std::to_string(result.evaluated) +
                     " actions" + context.dataNote());
  }
  if (!result.enrolmentDenied.empty()) {
    std::string missing;
    for (std::size_t i = 0; i < result.enrolmentDenied.size(); ++i) {
      missing += (i == 0 ? "" : ", ") + result.enrolmentDenied[i];
    }
    context.emit("PS407", s.action.keyPosition, s.action.path,
                 "this force-MFA Deny also denies " + missing +
                     " without MFA: users who have no MFA device cannot enrol one (add them to "
                     "NotAction)");
  }
}

}  // namespace policysim::lint
