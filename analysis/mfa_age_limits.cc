#include "analysis/internal/mfa_age_limits.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "analysis/internal/audit_text.h"
#include "analysis/scenario.h"

namespace policysim::analysis::internal {
namespace {

constexpr std::int64_t kShortestSession = 900;  // every temporary credential lasts >= 900 s

// How long the sessions of an MFA scenario last (semantics §5.2); nullopt where AWS documents
// nothing (console sign-in).
struct SessionFacts {
  std::string api;
  std::optional<std::int64_t> min, def, max;
};

SessionFacts sessionFacts(Scenario scenario, PrincipalKind kind) {
  SessionFacts f;
  switch (scenario) {
    case Scenario::SessionMfa:
      f.api = "GetSessionToken";
      f.min = kShortestSession;
      f.def = kind == PrincipalKind::Root ? 3600 : 43200;
      f.max = maxCredentialAgeSeconds(scenario, kind);
      break;
    case Scenario::AssumeRoleMfa:
      f.api = "AssumeRole";
      f.min = kShortestSession;
      f.def = 3600;
      f.max = maxCredentialAgeSeconds(scenario, kind);
      break;
    case Scenario::RootMfa:
      f.api = "root console sign-in";
      break;
    default:
      f.api = "console sign-in";
      break;
  }
  return f;
}

// The (action, resource) cells allowed at the freshest age of the ladder and denied at a later
// one, grouped by the index in the ladder of the first age denied.
std::map<std::size_t, AuditAgeLimit> lostCells(const ScenarioMatrix& matrix,
                                               const std::vector<const MatrixRun*>& ladder,
                                               StatementTable* table) {
  std::map<std::size_t, AuditAgeLimit> limits;
  for (std::size_t i = 0; i < matrix.actions.size(); ++i) {
    const std::uint16_t fresh = ladder.front()->allowedResources[i];
    if (fresh == 0) {
      continue;
    }
    for (std::size_t j = 0; j < matrix.candidates.count(i); ++j) {
      if ((fresh & (1U << j)) == 0) {
        continue;
      }
      for (std::size_t k = 1; k < ladder.size(); ++k) {
        if ((ladder[k]->allowedResources[i] & (1U << j)) != 0) {
          continue;
        }
        AuditAgeLimit::Lost lost;
        lost.action = matrix.actions[i];
        lost.resource = matrix.candidates.at(i, j);
        const engine::Decision before = matrix.decide(*ladder[k - 1], i, j);
        const engine::StatementRef* grant = firstGrant(before);
        lost.allowedBy =
            grant == nullptr ? creditedStatement(*ladder[k - 1], i, table) : table->add(*grant);
        const engine::Decision after = matrix.decide(*ladder[k], i, j);
        if (after.kind == engine::DecisionKind::ExplicitDeny && !after.matchedStatements.empty()) {
          lost.deniedBy = table->add(after.matchedStatements.front());
        }
        limits[k].actions.push_back(std::move(lost));
        break;
      }
    }
  }
  return limits;
}

// One or two sentences: how many actions, between which ages, and what that means for the
// sessions of the scenario.
std::string limitMessage(const AuditAgeLimit& limit, const SessionFacts& facts) {
  std::set<const ActionInfo*> distinct;
  for (const auto& lost : limit.actions) {
    distinct.insert(lost.action);
  }
  std::string m =
      std::string(scenarioInfo(limit.scenario).name) + ": " + thousands(distinct.size()) +
      (distinct.size() == 1 ? " action is" : " actions are") + " allowed with MFA up to " +
      seconds(limit.allowedUpTo) + " old but not at " + seconds(limit.deniedFrom);
  if (limit.threshold) {
    m += " (policy threshold " + seconds(*limit.threshold) + ")";
  }
  m += ". ";
  if (!facts.def) {
    m += "AWS documents no maximum for " + facts.api +
         " sessions, so a session can outlive this limit: users must sign in with MFA again "
         "after " +
         humanDuration(limit.allowedUpTo) + ".";
  } else if (limit.cutsShortestSession) {
    m += "That is shorter than even the shortest " + facts.api + " session (" +
         seconds(*facts.min) + "): every session outlives its MFA window.";
  } else if (limit.cutsDefaultSession) {
    m += "That is shorter than a default " + facts.api + " session (" + seconds(*facts.def) + "; " +
         thousands(*facts.min) + "-" + thousands(*facts.max) +
         " s): users must get new MFA credentials after " + humanDuration(limit.allowedUpTo) +
         " although theirs are still valid.";
  } else {
    m += "A default " + facts.api + " session (" + seconds(*facts.def) +
         ") ends before it; only sessions requested longer (up to " + seconds(*facts.max) +
         ") reach it.";
  }
  return m;
}

}  // namespace

AgeLimitFindings findAgeLimits(const ScenarioMatrix& matrix, const AuditCaller& caller,
                               std::span<const MfaAuditReport::Threshold> thresholds,
                               StatementTable* table) {
  AgeLimitFindings out;
  for (const Scenario s : caller.scenarios) {
    if (!scenarioInfo(s).mfa) {
      continue;
    }
    const std::vector<const MatrixRun*> ladder = matrix.ladder(s);
    const SessionFacts facts = sessionFacts(s, caller.kindIn(s));
    for (auto& [k, limit] : lostCells(matrix, ladder, table)) {
      limit.scenario = s;
      limit.allowedUpTo = *ladder[k - 1]->info.mfaAge;
      limit.deniedFrom = *ladder[k]->info.mfaAge;
      for (const auto& t : thresholds) {
        if (t.seconds >= limit.allowedUpTo && t.seconds <= limit.deniedFrom) {
          limit.threshold = t.seconds;
          break;
        }
      }
      limit.sessionApi = facts.api;
      limit.sessionMinSeconds = facts.min;
      limit.sessionDefaultSeconds = facts.def;
      limit.sessionMaxSeconds = facts.max;
      limit.cutsShortestSession = facts.min && limit.deniedFrom <= *facts.min;
      limit.cutsDefaultSession = facts.def && limit.deniedFrom <= *facts.def;
      limit.cutsLongestSession = facts.max && limit.deniedFrom <= *facts.max;
      limit.message = limitMessage(limit, facts);
      out.limits.push_back(std::move(limit));
    }
  }
  // Thresholds no session of a kind can reach.
  for (const auto& t : thresholds) {
    for (const Scenario s : caller.scenarios) {
      if (!scenarioInfo(s).mfa) {
        continue;
      }
      const auto max = maxCredentialAgeSeconds(s, caller.kindIn(s));
      if (max && t.seconds >= *max) {
        out.notes.push_back("the aws:MultiFactorAuthAge threshold " + seconds(t.seconds) + " of " +
                            (*table)[t.statement].label() + " never triggers for " +
                            std::string(scenarioInfo(s).name) +
                            " credentials: those sessions last at most " + seconds(*max));
      }
    }
  }
  return out;
}

}  // namespace policysim::analysis::internal
