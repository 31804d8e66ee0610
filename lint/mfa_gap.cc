// The NotAction-gap proof for force-MFA Deny statements (rules PS406/PS407). Cost per distinct
// NotAction list: two PolicySet compiles and up to 2 x |actions| evaluations (about 44,000 for
// the shipped data, ~20 ms), plus one baseline evaluation per allowed action; covered by
// tests/lint/lint_test.cc (MfaGapProver).
#include "lint/mfa_gap.h"

#include <algorithm>

#include "analysis/mfa_audit.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "grammar/wildcard.h"

namespace policysim::lint {

using namespace policysim::engine;    // NOLINT(google-build-using-namespace): the core vocabulary
using namespace policysim::analysis;  // NOLINT(google-build-using-namespace)
namespace {

constexpr std::size_t kExamples = 5;

std::string key(const std::vector<std::string>& notActions, MfaDenyForm form) {
  std::vector<std::string> sorted;
  sorted.reserve(notActions.size());
  for (const std::string& a : notActions) {
    sorted.push_back(toLowerAscii(a));
  }
  std::sort(sorted.begin(), sorted.end());
  std::string out = std::to_string(static_cast<int>(form));
  for (const std::string& a : sorted) {
    out += '\n';
    out += a;
  }
  return out;
}

PolicyValue stringValue(std::string text) {
  return PolicyValue{PolicyValue::Kind::String, std::move(text), {}};
}

}  // namespace

const std::vector<std::string>& MfaGapProver::defaultSelfManagement() {
  // The self-service set of semantics §5.3a (analysis::mfaSelfServiceActions()): lint and the
  // MFA audit judge a NotAction gap against the same actions.
  static const std::vector<std::string> actions(mfaSelfServiceActions().begin(),
                                                mfaSelfServiceActions().end());
  return actions;
}

MfaGapProver::MfaGapProver(std::shared_ptr<const IamData> data,
                           std::vector<std::string> selfManagement)
    : data_(std::move(data)) {
  if (selfManagement.empty()) {
    selfManagement = defaultSelfManagement();
  }
  for (const std::string& a : selfManagement) {
    selfManagement_.push_back(toLowerAscii(a));
  }
  std::sort(selfManagement_.begin(), selfManagement_.end());
}

const MfaGapResult& MfaGapProver::analyse(const std::vector<std::string>& notActions,
                                          MfaDenyForm form) const {
  const std::string cacheKey = key(notActions, form);
  std::shared_future<std::shared_ptr<const MfaGapResult>> future;
  std::promise<std::shared_ptr<const MfaGapResult>> promise;
  bool owner = false;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(cacheKey);
    if (it == cache_.end()) {
      future = promise.get_future().share();
      cache_.emplace(cacheKey, future);
      owner = true;
    } else {
      future = it->second;
    }
  }
  if (owner) {
    promise.set_value(std::make_shared<const MfaGapResult>(compute(notActions, form)));
  }
  return *future.get();
}

MfaGapResult MfaGapProver::compute(const std::vector<std::string>& notActions,
                                   MfaDenyForm form) const {
  // The Deny as written (NotAction, Resource "*", its MFA condition) and an Allow of
  // everything standing for whatever else grants the user access.
  PolicyDocument document;
  document.name = "force-MFA Deny";
  document.kind = PolicyKind::Identity;
  document.version = PolicyVersion::V2012_10_17;
  Statement deny;
  deny.index = 0;
  deny.effect = Effect::Deny;
  deny.notAction = true;
  for (const std::string& a : notActions) {
    deny.actions.push_back(stringValue(a));
  }
  deny.hasResource = true;
  deny.resources.push_back(stringValue("*"));
  ConditionEntry condition;
  condition.key = "aws:MultiFactorAuthPresent";
  if (form == MfaDenyForm::NullAgeTrue) {
    condition.key = "aws:MultiFactorAuthAge";
    condition.op.kind = grammar::OperatorKind::Null;
    condition.operatorName = "Null";
    condition.values.push_back(stringValue("true"));
  } else if (form == MfaDenyForm::NullTrue) {
    condition.op.kind = grammar::OperatorKind::Null;
    condition.operatorName = "Null";
    condition.values.push_back(stringValue("true"));
  } else {
    condition.op.kind = grammar::OperatorKind::Bool;
    condition.op.ifExists = form == MfaDenyForm::BoolIfExistsFalse;
    condition.operatorName = condition.op.ifExists ? "BoolIfExists" : "Bool";
    condition.values.push_back(stringValue("false"));
  }
  deny.conditions.push_back(std::move(condition));
  Statement allow;
  allow.index = 1;
  allow.effect = Effect::Allow;
  allow.actions.push_back(stringValue("*"));
  allow.hasResource = true;
  allow.resources.push_back(stringValue("*"));
  document.statements.push_back(std::move(deny));
  document.statements.push_back(std::move(allow));
  // The baseline: the same Deny on every action. What it still allows is outside the control
  // of policies (sts:GetCallerIdentity), not a gap in the NotAction list.
  PolicyDocument baseline = document;
  baseline.statements[0].notAction = false;
  baseline.statements[0].actions = {stringValue("*")};
  PolicySetInput input;
  input.identity.push_back(std::move(document));
  PolicySetInput baselineInput;
  baselineInput.identity.push_back(std::move(baseline));
  // Roles and keys trust the account: sts:AssumeRole and kms:* need such a policy to be
  // allowed at all (semantics §4.2), so without it a NotAction entry for them proves nothing.
  auto trust = parsePolicyDocument(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
      R"("Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity","kms:*"],"Resource":"*"}]})",
      "trust policy of the account's roles and keys", PolicyKind::Resource);
  if (trust.ok()) {
    input.resource = trust.value();
    baselineInput.resource = std::move(trust).value();
  }
  MfaGapResult result;
  auto compiled = PolicySet::compile(std::move(input));
  auto compiledBaseline = PolicySet::compile(std::move(baselineInput));
  if (!compiled.ok() || !compiledBaseline.ok()) {
    return result;
  }
  const PolicySet& set = *compiled.value();
  const PolicySet& baselineSet = *compiledBaseline.value();

  // The callers without MFA that this form of Deny is meant to stop.
  std::vector<Request> callers;
  if (form != MfaDenyForm::BoolFalse) {
    callers.emplace_back();  // long-term access keys: the key is absent
  }
  if (form != MfaDenyForm::NullTrue) {
    Request request;
    request.setContext("aws:MultiFactorAuthPresent",
                       ContextValue{ContextValue::Type::Bool, false, {"false"}});
    callers.push_back(std::move(request));
  }
  for (Request& caller : callers) {
    caller.principal = "arn:aws:iam::111122223333:user/policysim-lint";
    caller.resource = "*";
  }

  std::vector<const ActionInfo*> reachable;
  Decision decision;
  const std::vector<const ActionInfo*>& actions = data_->allActions();
  result.evaluated = actions.size();
  for (const ActionInfo* action : actions) {
    for (Request& caller : callers) {
      caller.action.assign(action->fullName);
      set.evaluate(caller, false, &decision);
      if (decision.kind != DecisionKind::Allowed) {
        continue;
      }
      baselineSet.evaluate(caller, false, &decision);
      if (decision.kind == DecisionKind::Allowed) {
        ++result.uncontrolled;
      } else {
        reachable.push_back(action);
      }
      break;
    }
  }
  result.reachable = reachable.size();

  for (const std::string_view enrolment : mfaEnrolmentActions()) {
    const bool ok = std::any_of(reachable.begin(), reachable.end(), [&](const ActionInfo* a) {
      return toLowerAscii(a->fullName) == toLowerAscii(enrolment);
    });
    if (!ok && data_->action(enrolment) != nullptr) {
      result.enrolmentDenied.emplace_back(enrolment);
    }
  }

  // Beyond self-management, attributed to the NotAction entries that exempt them.
  std::vector<grammar::WildcardPattern> patterns;
  for (const std::string& a : notActions) {
    patterns.push_back(grammar::WildcardPattern::fromGlob(toLowerAscii(a)));
  }
  std::vector<MfaGapResult::Leak> leaks(notActions.size());
  for (const ActionInfo* action : reachable) {
    const std::string name = toLowerAscii(action->fullName);
    if (std::binary_search(selfManagement_.begin(), selfManagement_.end(), name)) {
      continue;
    }
    const bool sensitive = std::any_of(mfaSensitiveActions().begin(), mfaSensitiveActions().end(),
                                       [&](std::string_view s) { return toLowerAscii(s) == name; });
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      if (!patterns[i].matches(name)) {
        continue;
      }
      MfaGapResult::Leak& leak = leaks[i];
      leak.entry = i;
      ++leak.count;
      if (sensitive) {
        leak.examples.insert(leak.examples.begin(), std::string(action->fullName));
        if (leak.examples.size() > kExamples) {
          leak.examples.pop_back();
        }
      } else if (leak.examples.size() < kExamples) {
        leak.examples.emplace_back(action->fullName);
      }
    }
  }
  for (MfaGapResult::Leak& leak : leaks) {
    if (leak.count > 0) {
      result.leaks.push_back(std::move(leak));
    }
  }
  return result;
}

}  // namespace policysim::lint
