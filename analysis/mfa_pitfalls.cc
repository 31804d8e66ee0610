#include "analysis/internal/mfa_pitfalls.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "analysis/internal/audit_text.h"
#include "analysis/internal/mfa_conditions.h"

namespace policysim::analysis::internal {
namespace {

using engine::ConditionEntry;
using engine::Statement;

constexpr std::size_t kMaxEvidence = 20;  // actions listed in a pitfall

// Actions whose exemption from the force-MFA Deny lets a stolen password or key remove MFA or
// mint credentials without it (semantics §5.3 pitfall 5).

std::string actionCount(std::size_t n) { return thousands(n) + (n == 1 ? " action" : " actions"); }

// What the four misleading condition forms say, given the evidence count (0: none here).
AuditPitfall conditionPitfall(MfaConditionForm form, const ConditionEntry& c,
                              const std::string& label, std::size_t total) {
  const std::string count = actionCount(total);
  AuditPitfall p;
  switch (form) {
    case MfaConditionForm::DenyBoolFalse:
      p.id = "deny-bool-without-ifexists";
      p.title = "Deny uses Bool instead of BoolIfExists";
      p.explanation = label +
                      " tests aws:MultiFactorAuthPresent with Bool: requests signed with "
                      "long-term access keys carry no such key, so the Deny never applies to "
                      "them" +
                      (total > 0 ? " (" + count +
                                       " outside the self-service set are reachable with "
                                       "access keys that sessions without MFA are denied)."
                                 : ".");
      p.fix =
          "Use \"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}, which also "
          "denies requests without the key.";
      break;
    case MfaConditionForm::DenyNullTrue:
      p.id = "deny-null-only";
      p.title = "Null check alone spares sessions without MFA";
      p.explanation = label + " denies only when " + c.key +
                      " is absent (long-term access keys); temporary credentials obtained "
                      "without MFA carry the key (false) and are not denied" +
                      (total > 0 ? " (" + count +
                                       " outside the self-service set are reachable from a "
                                       "console sign-in without MFA)."
                                 : ".");
      p.fix =
          "Use \"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}, which "
          "denies both (semantics §5.3).";
      break;
    case MfaConditionForm::DenyAgeWithoutIfExists:
      p.id = "deny-age-without-null-check";
      p.title = "Age check without a Null check";
      p.explanation = label + " tests aws:MultiFactorAuthAge with " + c.operatorName +
                      ": requests made without MFA carry no age, so the Deny never applies "
                      "to them" +
                      (total > 0 ? " (" + count +
                                       " outside the self-service set are reachable with "
                                       "access keys that old MFA sessions are denied)."
                                 : ".");
      p.fix = "Use " + c.operatorName +
              "IfExists, or add a Deny with \"Null\": {\"aws:MultiFactorAuthAge\": "
              "\"true\"}.";
      break;
    case MfaConditionForm::AllowIfExists:
      p.id = "allow-ifexists-grants-long-term-keys";
      p.title = "Allow with " + c.operatorName + " grants long-term keys";
      p.explanation = label + " uses " + c.operatorName + " on " + c.key +
                      ": the key is absent from requests signed with long-term access keys, so "
                      "the condition is true and the Allow grants them without MFA" +
                      (total > 0 ? " (" + count + ")." : ".");
      p.fix =
          "Drop IfExists (\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}); CLI "
          "users then call GetSessionToken with MFA.";
      break;
    case MfaConditionForm::AllowNullFalse:  // (the matrix shows what it grants)
    case MfaConditionForm::Other:
      break;
  }
  p.severity = total > 0 ? "error" : "warning";
  return p;
}

// "a, b and c".
std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t k = 0; k < items.size(); ++k) {
    out += (k == 0 ? "" : k + 1 == items.size() ? " and " : ", ") + items[k];
  }
  return out;
}

int severityRank(const std::string& severity) {
  return severity == "error" ? 0 : severity == "warning" ? 1 : 2;
}

class PitfallFinder {
  const PitfallInputs& in_;
  StatementTable* table_;
  const MatrixRun* accessKeyRun_;  // nullptr when the scenario is not audited
  const MatrixRun* consoleRun_;
  std::vector<const MatrixRun*> mfaRuns_;
  std::vector<char> explained_;  // per action: a violation some finding already accounts for
  std::vector<AuditPitfall> pitfalls_;

 public:
  PitfallFinder(const PitfallInputs& in, StatementTable* table)
      : in_(in),
        table_(table),
        accessKeyRun_(in.matrix.firstRun(Scenario::AccessKey)),
        consoleRun_(in.matrix.firstRun(Scenario::Console)),
        explained_(in.matrix.actions.size(), 0) {
    for (const MatrixRun& run : in.matrix.runs) {
      if (run.info.mfa) {
        mfaRuns_.push_back(&run);
      }
    }
  }

  std::vector<AuditPitfall> find() && {
    conditionPitfalls();
    if (in_.selfService.declared()) {
      const std::size_t guard = in_.selfService.guardStatements.front();
      sensitiveExemptions(guard);
      lockout(guard);
      notActionGap(guard);
      serviceCalls();
    }
    unexplainedViolations();
    std::stable_sort(pitfalls_.begin(), pitfalls_.end(),
                     [](const AuditPitfall& a, const AuditPitfall& b) {
                       return severityRank(a.severity) < severityRank(b.severity);
                     });
    return std::move(pitfalls_);
  }

 private:
  // The actions outside the self-service set that `run` reaches (only through `statement`,
  // when given) and that at least one of `others` does not (all of them when `others` is
  // empty), by index.
  std::vector<std::size_t> evidence(const MatrixRun* run, std::vector<const MatrixRun*> others,
                                    std::optional<std::size_t> statement) const {
    std::vector<std::size_t> out;
    if (run == nullptr) {
      return out;
    }
    std::erase(others, nullptr);
    for (std::size_t i = 0; i < in_.matrix.actions.size(); ++i) {
      if (!run->allows(i) || in_.selfService.selfService[i]) {
        continue;
      }
      if (statement && run->grantedBy[i] != static_cast<std::int32_t>(*statement)) {
        continue;
      }
      if (!others.empty() && std::all_of(others.begin(), others.end(),
                                         [&](const MatrixRun* o) { return o->allows(i); })) {
        continue;
      }
      out.push_back(i);
    }
    return out;
  }

  // The names of the first kMaxEvidence actions.
  std::vector<std::string> names(const std::vector<std::size_t>& actions) const {
    std::vector<std::string> out;
    for (std::size_t k = 0; k < actions.size() && k < kMaxEvidence; ++k) {
      out.emplace_back(in_.matrix.actions[actions[k]]->fullName);
    }
    return out;
  }

  // Misleading MFA conditions, checked against the evaluation: an error when the evaluation
  // shows actions the form lets through, a warning when it lets nothing through here but no
  // other statement covers its gap (it would with other policies).
  void conditionPitfalls() {
    const auto& statements = in_.statements;
    const bool anyAbsentKeyDeny =
        std::any_of(statements.begin(), statements.end(),
                    [](const PolicyStatement& s) { return catchesAbsentKeys(*s.statement); });
    const bool anyPresentFalseDeny =
        std::any_of(statements.begin(), statements.end(),
                    [](const PolicyStatement& s) { return isPresentFalseDeny(*s.statement); });
    for (const PolicyStatement& statement : statements) {
      const Statement& st = *statement.statement;
      if (!mentionsMfa(st)) {
        continue;
      }
      const std::size_t ref = table_->add(statement);
      const std::string label = (*table_)[ref].label();
      for (const ConditionEntry& c : st.conditions) {
        const MfaConditionForm form = classifyMfaCondition(st, c);
        std::vector<std::size_t> found;
        bool coveredElsewhere = false;  // another statement denies what this form lets through
        switch (form) {
          case MfaConditionForm::DenyBoolFalse:
            // Truth table §5.3: long-term keys (key absent) pass, sessions without MFA do not.
            found = evidence(accessKeyRun_, {consoleRun_}, std::nullopt);
            coveredElsewhere = anyAbsentKeyDeny;
            break;
          case MfaConditionForm::DenyNullTrue:
            found = evidence(consoleRun_, {accessKeyRun_}, std::nullopt);
            coveredElsewhere = anyPresentFalseDeny;
            break;
          case MfaConditionForm::DenyAgeWithoutIfExists:
            // What requests without an age reach that MFA sessions past the threshold do not.
            found = evidence(accessKeyRun_, mfaRuns_, std::nullopt);
            coveredElsewhere = anyAbsentKeyDeny;
            break;
          case MfaConditionForm::AllowIfExists:
            found = evidence(accessKeyRun_, {}, ref);
            break;
          case MfaConditionForm::AllowNullFalse:
          case MfaConditionForm::Other:
            continue;
        }
        if (found.empty() && coveredElsewhere) {
          continue;
        }
        AuditPitfall p = conditionPitfall(form, c, label, found.size());
        p.statement = ref;
        p.actions = names(found);
        for (const std::size_t i : found) {
          explained_[i] = 1;
        }
        pitfalls_.push_back(std::move(p));
      }
    }
  }

  // The force-MFA Deny exempts actions that remove MFA or mint credentials.
  void sensitiveExemptions(std::size_t guard) {
    std::vector<std::string> sensitive;
    for (const std::string_view a : mfaSensitiveActions()) {
      if (in_.selfService.covers(a)) {
        sensitive.emplace_back(a);
      }
    }
    if (sensitive.empty()) {
      return;
    }
    AuditPitfall p;
    p.id = "notaction-exempts-sensitive";
    p.severity = "warning";
    p.title = "MFA can be removed or bypassed without MFA";
    p.explanation = "The NotAction list of " + (*table_)[guard].label() + " exempts " +
                    listed(sensitive) +
                    ": whoever has the password or an access key can remove the MFA device "
                    "or create new credentials without MFA (if an Allow grants it).";
    p.fix = "Remove these actions from NotAction: they should require MFA.";
    p.statement = guard;
    p.actions = sensitive;
    pitfalls_.push_back(std::move(p));
  }

  // Enrolment actions explicitly denied without MFA: a user without MFA locks out (semantics
  // §5.3 pitfall 4).
  void lockout(std::size_t guard) {
    if (consoleRun_ == nullptr) {
      return;
    }
    std::vector<std::string> denied;
    for (const std::string_view name : mfaBootstrapActions()) {
      const ActionInfo* info = in_.data.action(name);
      if (info == nullptr || !name.starts_with("iam:")) {
        continue;
      }
      const engine::Decision d =
          consoleRun_->decide(name, representativeResource(*info, in_.caller));
      if (d.kind == engine::DecisionKind::ExplicitDeny) {
        denied.emplace_back(name);
      }
    }
    if (denied.empty()) {
      return;
    }
    AuditPitfall p;
    p.id = "notaction-lockout";
    p.severity = "warning";
    p.title = "Users without MFA cannot enrol MFA";
    p.explanation = "Without MFA, " + std::to_string(denied.size()) +
                    " of the actions needed to enrol an MFA device are explicitly denied "
                    "(first: " +
                    denied.front() + "), so a user without MFA locks out.";
    p.fix =
        "Keep iam:CreateVirtualMFADevice, iam:EnableMFADevice, iam:GetUser, "
        "iam:ListMFADevices, iam:ListVirtualMFADevices, iam:ResyncMFADevice and "
        "sts:GetSessionToken in the NotAction list (semantics §5.3 pitfall 4).";
    p.statement = guard;
    p.actions = denied;
    pitfalls_.push_back(std::move(p));
  }

  // Declared self-service actions beyond self-management that are reachable without MFA, each
  // credited to the first NotAction entry that exempts it.
  void notActionGap(std::size_t guard) {
    const auto& actions = in_.matrix.actions;
    const SelfServiceSet& set = in_.selfService;
    std::vector<char> gap(actions.size(), 0);
    for (const MatrixRun& run : in_.matrix.runs) {
      if (run.info.mfa) {
        continue;
      }
      for (std::size_t i = 0; i < actions.size(); ++i) {
        if (run.allows(i) && set.selfService[i] && !set.selfManagement[i]) {
          gap[i] = 1;
        }
      }
    }
    const auto gaps = static_cast<std::size_t>(std::count(gap.begin(), gap.end(), 1));
    if (gaps == 0) {
      return;
    }
    std::vector<std::vector<std::size_t>> byEntry(set.patterns.size());
    for (std::size_t i = 0; i < actions.size(); ++i) {
      if (gap[i]) {
        if (auto entry = set.firstPatternCovering(actions[i]->fullName)) {
          byEntry[*entry].push_back(i);
        }
      }
    }
    AuditPitfall p;
    p.id = "notaction-gap";
    p.severity = in_.strict ? "error" : "warning";
    p.title = "NotAction exempts more than MFA self-management";
    std::string entries;
    for (std::size_t e = 0; e < byEntry.size(); ++e) {
      if (!byEntry[e].empty()) {
        entries += (entries.empty() ? "" : ", ") + set.patterns[e] + " (" +
                   thousands(byEntry[e].size()) + ")";
      }
    }
    p.explanation = "The NotAction list of " + (*table_)[guard].label() + " lets " +
                    actionCount(gaps) +
                    " beyond enrolling MFA and first sign-in be used without MFA, and the "
                    "policies allow " +
                    (gaps == 1 ? "it" : "them") + "; entries: " + entries + ".";
    p.fix =
        "Remove these entries from NotAction (keep only the MFA enrolment actions, "
        "iam:ChangePassword and iam:GetAccountPasswordPolicy), or confirm that they are "
        "meant to work without MFA.";
    p.statement = guard;
    // Evidence: a few actions of every entry, in NotAction order.
    const auto entriesUsed = static_cast<std::size_t>(
        std::count_if(byEntry.begin(), byEntry.end(), [](const auto& v) { return !v.empty(); }));
    const std::size_t perEntry = std::max<std::size_t>(1, kMaxEvidence / entriesUsed);
    for (const auto& entry : byEntry) {
      for (std::size_t k = 0; k < entry.size() && k < perEntry; ++k) {
        p.actions.emplace_back(actions[entry[k]]->fullName);
      }
    }
    pitfalls_.push_back(std::move(p));
  }

  // Services calling with the user's credentials are denied too (semantics §5.3 pitfall 3):
  // informational.
  void serviceCalls() {
    const SelfServiceSet& set = in_.selfService;
    for (std::size_t g = 0; g < set.guards.size(); ++g) {
      const Statement& st = *set.guards[g].statement;
      const bool boolIfExists =
          std::any_of(st.conditions.begin(), st.conditions.end(), [](const auto& c) {
            return isKey(c, kMfaPresentKey) && c.op.ifExists &&
                   isOperator(c, grammar::OperatorKind::Bool);
          });
      const bool exemptsServices =
          std::any_of(st.conditions.begin(), st.conditions.end(), [](const auto& c) {
            return isKey(c, "aws:ViaAWSService") || isKey(c, "aws:CalledVia") ||
                   isKey(c, "aws:CalledViaFirst") || isKey(c, "aws:CalledViaLast");
          });
      if (!boolIfExists || exemptsServices) {
        continue;
      }
      const std::size_t ref = set.guardStatements[g];
      AuditPitfall p;
      p.id = "guard-blocks-service-calls";
      p.severity = "info";
      p.title = "Services acting for the user are denied too";
      p.explanation = (*table_)[ref].label() +
                      " also applies when a service (CloudFormation, Athena, ...) calls "
                      "another with the user's credentials: such forward requests carry "
                      "aws:MultiFactorAuthPresent false even when the user used MFA.";
      p.fix =
          "If that breaks a workflow, add \"Bool\": {\"aws:ViaAWSService\": \"false\"} to "
          "the Deny's condition (semantics §5.3 pitfall 3).";
      p.statement = ref;
      pitfalls_.push_back(std::move(p));
    }
  }

  // Violations no other finding explains, credited to the statements that grant them.
  void unexplainedViolations() {
    if (in_.violations == 0) {
      return;
    }
    const auto& actions = in_.matrix.actions;
    struct Granted {
      std::vector<std::string> actions;  // the first kMaxEvidence
      std::size_t count = 0;
    };
    std::map<std::size_t, Granted> byStatement;
    std::vector<char> counted(actions.size(), 0);
    for (const MatrixRun& run : in_.matrix.runs) {
      if (run.info.mfa) {
        continue;
      }
      for (std::size_t i = 0; i < actions.size(); ++i) {
        if (!run.allows(i) || in_.selfService.selfService[i] || counted[i] || explained_[i]) {
          continue;
        }
        counted[i] = 1;
        Granted& entry = byStatement[creditedStatement(run, i, table_)];
        ++entry.count;
        if (entry.actions.size() < kMaxEvidence) {
          entry.actions.emplace_back(actions[i]->fullName);
        }
      }
    }
    for (auto& [ref, entry] : byStatement) {
      AuditPitfall p;
      p.statement = ref;
      p.severity = "error";
      p.actions = std::move(entry.actions);
      const std::string grants = (*table_)[ref].label() + " grants " + actionCount(entry.count);
      if (!in_.selfService.declared()) {
        p.id = "allow-without-mfa";
        p.title = "Allow without an MFA condition";
        p.explanation = grants +
                        " outside the MFA bootstrap set to callers without MFA, and no Deny "
                        "statement requires MFA.";
        p.fix =
            "Add the force-MFA Deny (NotAction = the MFA enrolment actions, "
            "\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}), or require "
            "\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"} on this Allow.";
      } else {
        p.id = "guard-incomplete";
        p.title = "Allowed past the force-MFA Deny";
        p.explanation = grants +
                        " outside the self-service set to callers without MFA that the "
                        "force-MFA Deny does not cover (its Resource or conditions leave them "
                        "out).";
        p.fix =
            "Make the force-MFA Deny cover \"Resource\": \"*\" with only the "
            "aws:MultiFactorAuthPresent condition, or require MFA on this Allow.";
      }
      pitfalls_.push_back(std::move(p));
    }
  }
};

}  // namespace

std::vector<AuditPitfall> findPitfalls(const PitfallInputs& inputs, StatementTable* table) {
  return PitfallFinder(inputs, table).find();
}

}  // namespace policysim::analysis::internal
