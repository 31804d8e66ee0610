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
                      "without MFA carry the key (false) and are not denied (a Null check on "
                      "aws:MultiFactorAuthAge would catch both: that key is absent whenever MFA "
                      "was not used)" +
                      (total > 0 ? " (" + count +
                                       " outside the self-service set are reachable from a "
                                       "console sign-in without MFA)."
                                 : ".");
      p.fix =
          "Use \"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"} (or \"Null\": "
          "{\"aws:MultiFactorAuthAge\": \"true\"}), which denies both (semantics §5.3).";
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
    if (const auto guard = notActionGuard()) {
      sensitiveExemptions(*guard);
      notActionGap(*guard);
    }
    lockout();
    enrolmentTakeover();
    serviceCalls();
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
      if (!run->allows(i) || in_.selfService.selfService(*run, i)) {
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
    // Denies temporary credentials without MFA: Bool(IfExists) present false, or Null age true.
    const bool anyPresentFalseDeny =
        std::any_of(statements.begin(), statements.end(), [](const PolicyStatement& s) {
          const Statement& st = *s.statement;
          return isPresentFalseDeny(st) ||
                 (st.effect == engine::Effect::Deny &&
                  std::any_of(st.conditions.begin(), st.conditions.end(), [](const auto& c) {
                    return isKey(c, kMfaAgeKey) && isOperator(c, grammar::OperatorKind::Null) &&
                           hasValue(c, "true");
                  }));
        });
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

  // The first guard with a NotAction list, as a StatementTable index.
  std::optional<std::size_t> notActionGuard() const {
    const SelfServiceSet& set = in_.selfService;
    for (std::size_t g = 0; g < set.guards.size(); ++g) {
      if (set.guards[g].statement->notAction) {
        return set.guardStatements[g];
      }
    }
    return std::nullopt;
  }

  // What exempting one sensitive action lets a stolen password or key do.
  static std::string sensitiveEffect(std::string_view action) {
    if (action == "iam:DeactivateMFADevice") {
      return "iam:DeactivateMFADevice removes the user's MFA device";
    }
    if (action == "iam:DeleteVirtualMFADevice") {
      return "iam:DeleteVirtualMFADevice deletes virtual MFA devices (AWS requires an assigned "
             "device to be deactivated first, so together with iam:DeactivateMFADevice it "
             "removes MFA for good; alone, it deletes devices not assigned to anyone)";
    }
    if (action == "iam:CreateAccessKey") {
      return "iam:CreateAccessKey mints long-term access keys";
    }
    return std::string(action) + " sets a console password";
  }

  // The force-MFA Deny exempts actions that remove MFA or mint credentials (semantics §5.3
  // pitfall 5).
  void sensitiveExemptions(std::size_t guard) {
    std::vector<std::string> sensitive;
    std::string effects;
    for (const std::string_view a : mfaSensitiveActions()) {
      if (in_.selfService.exempted(a)) {
        sensitive.emplace_back(a);
        effects += (effects.empty() ? "" : "; ") + sensitiveEffect(a);
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
                    ": whoever has the password or an access key can then act without MFA "
                    "wherever an Allow grants it (" +
                    effects + ").";
    p.fix = "Remove these actions from NotAction: they should require MFA.";
    p.statement = guard;
    p.actions = sensitive;
    pitfalls_.push_back(std::move(p));
  }

  // The run users enrol from: a console sign-in without MFA, else long-term keys.
  const MatrixRun* enrolmentRun() const {
    return consoleRun_ != nullptr ? consoleRun_ : accessKeyRun_;
  }

  // Enrolment actions (mfaEnrolmentActions(), the list lint's PS407 checks) explicitly denied
  // without MFA: a user without MFA locks out (semantics §5.3 pitfall 4), whichever Deny does
  // it (a NotAction list missing them, Action "*").
  void lockout() {
    const MatrixRun* run = enrolmentRun();
    if (run == nullptr) {
      return;
    }
    std::vector<std::string> denied;
    std::optional<std::size_t> by;
    for (const std::string_view name : mfaEnrolmentActions()) {
      const ActionInfo* info = in_.data.action(name);
      if (info == nullptr) {
        continue;
      }
      const engine::Decision d = run->decide(name, representativeResource(*info, in_.caller));
      if (d.kind == engine::DecisionKind::ExplicitDeny) {
        denied.emplace_back(name);
        if (!by && !d.matchedStatements.empty()) {
          by = table_->add(d.matchedStatements.front());
        }
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
                    " of the actions needed to enrol an MFA device " +
                    (denied.size() == 1 ? "is" : "are") + " explicitly denied (" + listed(denied) +
                    (by ? ", by " + (*table_)[*by].label() : std::string()) +
                    "), so a user without MFA locks out.";
    p.fix =
        "Use NotAction rather than Action \"*\" in the force-MFA Deny and keep "
        "iam:CreateVirtualMFADevice, iam:EnableMFADevice, iam:GetUser, iam:ListMFADevices, "
        "iam:ListVirtualMFADevices, iam:ResyncMFADevice and sts:GetSessionToken in it "
        "(semantics §5.3 pitfall 4), or have administrators enrol the devices.";
    p.statement = by;
    p.actions = denied;
    pitfalls_.push_back(std::move(p));
  }

  // Enrolment callable without MFA: a leaked key or password can enrol the attacker's own
  // device (IAM allows eight per user) and then pass every MFA condition (semantics §5.3
  // pitfall 7).
  void enrolmentTakeover() {
    std::vector<std::string> reachable;
    std::vector<std::string> scenarios;
    std::optional<std::size_t> by;
    for (const std::string_view name : {"iam:CreateVirtualMFADevice", "iam:EnableMFADevice"}) {
      const ActionInfo* info = in_.data.action(name);
      if (info == nullptr) {
        continue;
      }
      const auto it = std::find(in_.matrix.actions.begin(), in_.matrix.actions.end(), info);
      if (it == in_.matrix.actions.end()) {
        continue;
      }
      const auto i = static_cast<std::size_t>(it - in_.matrix.actions.begin());
      bool any = false;
      for (const MatrixRun* run : {accessKeyRun_, consoleRun_}) {
        if (run == nullptr || !run->allows(i)) {
          continue;
        }
        any = true;
        const std::string id(scenarioInfo(run->info.scenario).name);
        if (std::find(scenarios.begin(), scenarios.end(), id) == scenarios.end()) {
          scenarios.push_back(id);
        }
        if (name == "iam:EnableMFADevice" && !by) {
          by = creditedStatement(*run, i, table_);
        }
      }
      if (any) {
        reachable.emplace_back(name);
      }
    }
    // Binding a device to the user is the step that matters (hardware and FIDO keys need no
    // virtual device).
    if (std::find(reachable.begin(), reachable.end(), "iam:EnableMFADevice") == reachable.end()) {
      return;
    }
    AuditPitfall p;
    p.id = "enrolment-takeover";
    p.severity = "warning";
    p.title = "A leaked password or key can enrol its own MFA device";
    p.explanation =
        listed(reachable) + " can be called without MFA (" + listed(scenarios) +
        "): whoever holds a leaked access key or password can enrol an MFA device of their own "
        "(IAM allows eight per user), then get MFA credentials and pass every MFA condition. No "
        "IAM condition can say \"only while the user has no device\" (semantics §5.3 "
        "pitfall 7).";
    p.fix =
        "Mitigate outside the condition: have administrators enrol devices (and remove "
        "enrolment from the self-service actions), alert on EnableMFADevice and "
        "CreateVirtualMFADevice in CloudTrail, or restrict enrolment to your network with "
        "aws:SourceIp or aws:SourceVpc on the Allow.";
    p.statement = by;
    p.actions = reachable;
    pitfalls_.push_back(std::move(p));
  }

  // NotAction entries that exempt actions beyond the self-service set (semantics §5.3a), each
  // action credited to the first entry that exempts it: reachable without MFA here (violations),
  // or latent (no Allow grants them here; any other policy that does leaks them).
  void notActionGap(std::size_t guard) {
    const auto& actions = in_.matrix.actions;
    const SelfServiceSet& set = in_.selfService;
    struct Entry {
      std::size_t exempted = 0;
      std::vector<std::size_t> reachable;
      std::vector<std::size_t> latent;
    };
    std::vector<Entry> byEntry(set.exemptions.size());
    std::size_t reachableTotal = 0;
    std::size_t exemptedTotal = 0;
    for (std::size_t i = 0; i < actions.size(); ++i) {
      if (in_.matrix.permissionless[i]) {
        continue;
      }
      const auto entry = set.firstExemptionCovering(actions[i]->fullName);
      if (!entry) {
        continue;
      }
      const bool reachable =
          std::any_of(in_.matrix.runs.begin(), in_.matrix.runs.end(), [&](const MatrixRun& run) {
            return !run.info.mfa && run.allows(i) && !set.selfService(run, i);
          });
      const bool outside = !set.fixed[i] && set.acceptedBy[i] < 0;
      if (!reachable && !outside) {
        continue;
      }
      Entry& e = byEntry[*entry];
      ++e.exempted;
      ++exemptedTotal;
      if (reachable) {
        e.reachable.push_back(i);
        explained_[i] = 1;
        ++reachableTotal;
      } else {
        e.latent.push_back(i);
      }
    }
    if (exemptedTotal == 0) {
      return;
    }
    AuditPitfall p;
    p.id = "notaction-gap";
    p.severity = reachableTotal > 0 || in_.strict ? "error" : "warning";
    p.title = "NotAction exempts more than the self-service set";
    std::string entries;
    for (std::size_t e = 0; e < byEntry.size(); ++e) {
      if (byEntry[e].exempted > 0) {
        entries += (entries.empty() ? "" : ", ") + set.exemptions[e] + " (" +
                   thousands(byEntry[e].exempted) + ", " + thousands(byEntry[e].reachable.size()) +
                   " allowed here)";
      }
    }
    p.explanation = "The NotAction list of " + (*table_)[guard].label() + " exempts " +
                    actionCount(exemptedTotal) +
                    " beyond the self-service set (semantics §5.3a) from the MFA requirement; " +
                    (reachableTotal > 0 ? "these policies allow " + thousands(reachableTotal) +
                                              " of them without MFA"
                                        : std::string("these policies allow none of them")) +
                    (reachableTotal < exemptedTotal
                         ? ", and any other policy that grants the rest leaks them too"
                         : std::string()) +
                    "; entries: " + entries + ".";
    p.fix =
        "Remove these entries from NotAction (keep only the MFA enrolment actions, "
        "iam:ChangePassword and iam:GetAccountPasswordPolicy), or accept named actions "
        "explicitly with --accept-without-mfa.";
    p.statement = guard;
    // Evidence: reachable actions first, a few of every entry, in NotAction order.
    const auto entriesUsed = static_cast<std::size_t>(std::count_if(
        byEntry.begin(), byEntry.end(), [](const Entry& e) { return e.exempted > 0; }));
    const std::size_t perEntry = std::max<std::size_t>(1, kMaxEvidence / entriesUsed);
    for (const Entry& e : byEntry) {
      std::size_t k = 0;
      for (const auto* list : {&e.reachable, &e.latent}) {
        for (const std::size_t i : *list) {
          if (k++ < perEntry) {
            p.actions.emplace_back(actions[i]->fullName);
          }
        }
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
        if (!run.allows(i) || in_.selfService.selfService(run, i) || counted[i] || explained_[i]) {
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
                        " outside the self-service set (semantics §5.3a) to callers without MFA, "
                        "and no force-MFA Deny (NotAction, or Action \"*\") covers them.";
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
