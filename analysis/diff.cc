// Policy diff (analysis/diff.h). The algorithm:
//  1. The actions: the catalogue's, every literal action either side names, an instance of
//     each action pattern of a service the catalogue lacks, and one action of no known service.
//  2. Each action's relevant statements (Action/NotAction covers it) on both sides. Actions
//     with the same relevant statements (and the same evaluator special case) are decided the
//     same way for every resource and context, so each such group is decided once.
//  3. Per group: the representatives of the resource, the caller (resource-based policies) and
//     every condition key or policy variable the relevant statements mention
//     (analysis/internal/diff_values.h); their product is decided by the evaluator on both
//     sides. Over DiffOptions::maxRequestsPerGroup the product is sampled and the group is
//     reported as approximated.
//  4. The requests one side allows and the other does not are merged into product classes
//     (a key whose every class changes the same way drops out) and described.
// Cost: O(actions x candidate statements) for step 2, O(groups x product) evaluations after.
// Tests: tests/analysis/diff_test.cc (witnesses, differential over mutated pairs).
#include "analysis/diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>

#include "analysis/internal/diff_values.h"
#include "grammar/ascii.h"
#include "grammar/wildcard.h"

namespace policysim::analysis {
namespace {

using internal::KeyCandidate;
using internal::KeyConstants;
using internal::PolicyText;
using internal::ResourceCandidate;

constexpr std::string_view kOtherResource = "any other resource";

// One Action/NotAction pattern, lower-cased.
struct ActionMatcher {
  bool any = false;     // "*"
  std::string service;  // the prefix before ':'
  grammar::WildcardPattern name;

  [[nodiscard]] bool matches(std::string_view service_, std::string_view name_) const {
    return any || (service == service_ && name.matches(name_));
  }
};

struct StatementInfo {
  int side = 0;  // 0 OLD, 1 NEW
  const engine::PolicyDocument* document = nullptr;
  const engine::Statement* statement = nullptr;
  bool variables = false;
  std::vector<ActionMatcher> actions;
};

ActionMatcher makeMatcher(std::string_view pattern) {
  ActionMatcher m;
  const std::string lower = grammar::toLowerAscii(pattern);
  if (lower == "*") {
    m.any = true;
    return m;
  }
  const std::size_t colon = lower.find(':');
  if (colon == std::string::npos) {
    m.service.assign(1,
                     '\x01');  // matches no action (semantics §2.1: not of the form service:action)
    return m;
  }
  m.service = lower.substr(0, colon);
  m.name = grammar::WildcardPattern::fromGlob(std::string_view(lower).substr(colon + 1));
  return m;
}

void forEachDocument(const engine::PolicySetInput& input,
                     const std::function<void(const engine::PolicyDocument&)>& f) {
  input.forEach(f);  // every kind, RCPs and VPC endpoint policies included
}

// The statements of both sides, indexed by the service prefixes their Action names.
struct StatementIndex {
  std::vector<StatementInfo> statements;
  std::vector<std::uint32_t> always;  // NotAction statements and Action "*"
  std::unordered_map<std::string, std::vector<std::uint32_t>> byService;
  bool resourcePolicies = false;

  void add(int side, const engine::PolicySetInput& input) {
    forEachDocument(input, [&](const engine::PolicyDocument& doc) {
      resourcePolicies = resourcePolicies || doc.kind == engine::PolicyKind::Resource;
      for (const engine::Statement& st : doc.statements) {
        StatementInfo info;
        info.side = side;
        info.document = &doc;
        info.statement = &st;
        info.variables = doc.version == engine::PolicyVersion::V2012_10_17;
        for (const engine::PolicyValue& a : st.actions) {
          info.actions.push_back(makeMatcher(a.text));
        }
        const auto id = static_cast<std::uint32_t>(statements.size());
        const bool anyAction = std::any_of(info.actions.begin(), info.actions.end(),
                                           [](const ActionMatcher& m) { return m.any; });
        if (st.notAction || anyAction) {
          always.push_back(id);
        } else {
          std::set<std::string> services;
          for (const ActionMatcher& m : info.actions) {
            services.insert(m.service);
          }
          for (const std::string& s : services) {
            byService[s].push_back(id);
          }
        }
        statements.push_back(std::move(info));
      }
    });
  }

  // The statements whose Action/NotAction covers `action` (lower-cased), ascending.
  void relevant(std::string_view service, std::string_view name,
                std::vector<std::uint32_t>* out) const {
    out->clear();
    auto check = [&](std::uint32_t id) {
      const StatementInfo& info = statements[id];
      const bool listed =
          std::any_of(info.actions.begin(), info.actions.end(),
                      [&](const ActionMatcher& m) { return m.matches(service, name); });
      if (listed != info.statement->notAction) {
        out->push_back(id);
      }
    };
    for (const std::uint32_t id : always) {
      check(id);
    }
    if (auto it = byService.find(std::string(service)); it != byService.end()) {
      for (const std::uint32_t id : it->second) {
        check(id);
      }
    }
    std::sort(out->begin(), out->end());
  }
};

// The evaluator's own special cases by action: such actions never share a group with others.
std::string specialCase(std::string_view service, std::string_view name) {
  const std::string full = fmt::format("{}:{}", service, name);
  if (engine::needsNoPermission(full)) {
    return full;
  }
  if ((service == "sts" && name.starts_with("assumerole")) || service == "kms") {
    return "resource-policy-grant";
  }
  return {};
}

struct Group {
  std::vector<std::uint32_t> statements;
  std::vector<std::string> actions;
};

// One merged class: per dimension the chosen representatives (empty: any).
struct ClassItem {
  std::vector<std::vector<int>> dims;
  std::vector<int> witness;
};

// Merges a set of points of a product into product-shaped classes, one dimension at a time:
// points equal but for dimension d join, and a dimension whose every value joined drops out.
std::vector<ClassItem> mergeClasses(const std::vector<std::vector<int>>& points,
                                    const std::vector<int>& sizes, bool full) {
  std::vector<ClassItem> items;
  for (const auto& p : points) {
    ClassItem item;
    item.witness = p;
    for (const int v : p) {
      item.dims.push_back({v});
    }
    items.push_back(std::move(item));
  }
  if (!full) {
    return items;
  }
  for (std::size_t d = 0; d < sizes.size(); ++d) {
    std::map<std::vector<std::vector<int>>, std::size_t> byRest;
    std::vector<ClassItem> merged;
    for (ClassItem& item : items) {
      std::vector<std::vector<int>> rest = item.dims;
      rest[d].clear();
      auto [it, inserted] = byRest.emplace(std::move(rest), merged.size());
      if (inserted) {
        merged.push_back(std::move(item));
      } else {
        auto& target = merged[it->second].dims[d];
        target.insert(target.end(), item.dims[d].begin(), item.dims[d].end());
      }
    }
    for (ClassItem& item : merged) {
      std::sort(item.dims[d].begin(), item.dims[d].end());
      item.dims[d].erase(std::unique(item.dims[d].begin(), item.dims[d].end()), item.dims[d].end());
      if (static_cast<int>(item.dims[d].size()) == sizes[d]) {
        item.dims[d].clear();
      }
    }
    items = std::move(merged);
  }
  return items;
}

DiffStatement toStatement(const engine::StatementRef& ref) {
  return DiffStatement{std::string(ref.policyName), std::string(ref.sid), ref.statementIndex,
                       ref.line, ref.column};
}

class Differ {
 public:
  Differ(const engine::PolicySetInput& oldSide, const engine::PolicySetInput& newSide,
         std::shared_ptr<const engine::PolicySet> oldSet,
         std::shared_ptr<const engine::PolicySet> newSet, const IamData& data,
         const DiffOptions& options)
      : oldSet_(std::move(oldSet)), newSet_(std::move(newSet)), data_(data), options_(options) {
    index_.add(0, oldSide);
    index_.add(1, newSide);
  }

  DiffResult run() {
    std::vector<std::string> actions = actionUniverse();
    result_.actionsDecided = actions.size();
    std::map<std::pair<std::string, std::vector<std::uint32_t>>, std::size_t> groupOf;
    std::vector<Group> groups;
    std::vector<std::uint32_t> relevant;
    for (const std::string& action : actions) {
      const std::string lower = grammar::toLowerAscii(action);
      const std::size_t colon = lower.find(':');
      const std::string_view service = std::string_view(lower).substr(0, colon);
      const std::string_view name = std::string_view(lower).substr(colon + 1);
      index_.relevant(service, name, &relevant);
      if (relevant.empty()) {
        continue;  // no statement of either side applies: both deny (or both need no permission)
      }
      auto [it, inserted] =
          groupOf.emplace(std::make_pair(specialCase(service, name), relevant), groups.size());
      if (inserted) {
        groups.push_back(Group{relevant, {}});
      }
      groups[it->second].actions.push_back(action);
    }
    for (const Group& group : groups) {
      decideGroup(group);
    }
    mergeAcrossGroups(&result_.newAccess, newKeys_);
    mergeAcrossGroups(&result_.removedAccess, removedKeys_);
    for (auto* items : {&result_.newAccess, &result_.removedAccess}) {
      for (AccessChange& item : *items) {
        item.actionSummary = summarizeActions(item.actions, data_);
      }
    }
    for (DiffApproximation& a : result_.approximations) {
      a.actionSummary = summarizeActions(a.actions, data_);
    }
    return std::move(result_);
  }

 private:
  std::vector<std::string> actionUniverse() const {
    std::vector<ActionMatcher> filter;
    for (const std::string& f : options_.actionFilter) {
      filter.push_back(makeMatcher(f));
    }
    auto wanted = [&](const std::string& lower) {
      if (filter.empty()) {
        return true;
      }
      const std::size_t colon = lower.find(':');
      return std::any_of(filter.begin(), filter.end(), [&](const ActionMatcher& m) {
        return m.matches(std::string_view(lower).substr(0, colon),
                         std::string_view(lower).substr(colon + 1));
      });
    };
    std::vector<std::string> out;
    std::set<std::string> seen;
    auto add = [&](std::string_view action) {
      const std::string lower = grammar::toLowerAscii(action);
      const std::size_t colon = lower.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == lower.size() || !wanted(lower) ||
          !seen.insert(lower).second) {
        return;
      }
      out.emplace_back(action);
    };
    for (const ActionInfo* a : data_.allActions()) {
      add(a->fullName);
    }
    // Literal actions, and an instance of each pattern of a service the catalogue lacks.
    std::vector<std::string_view> extra(options_.actionFilter.begin(), options_.actionFilter.end());
    for (const StatementInfo& info : index_.statements) {
      for (const engine::PolicyValue& a : info.statement->actions) {
        extra.push_back(a.text);
      }
    }
    for (const std::string_view a : extra) {
      if (!grammar::hasGlobWildcard(a)) {
        add(a);
        continue;
      }
      const std::size_t colon = a.find(':');
      if (colon != std::string_view::npos && data_.findService(a.substr(0, colon)) == nullptr) {
        std::string instance;
        for (const char c : a) {
          instance += c == '*'   ? std::string("Policysim")
                      : c == '?' ? std::string("X")
                                 : std::string(1, c);
        }
        add(instance);
      }
    }
    add("policysim-unknown:UnknownAction");
    return out;
  }

  void decideGroup(const Group& group) {
    bool oldAllow = false;
    bool newAllow = false;
    for (const std::uint32_t id : group.statements) {
      const StatementInfo& info = index_.statements[id];
      if (info.statement->effect == engine::Effect::Allow) {
        (info.side == 0 ? oldAllow : newAllow) = true;
      }
    }
    if (!newAllow && !(options_.removedAccess && oldAllow)) {
      return;  // NEW allows none of these actions; OLD's grants are not asked for
    }
    // Constants of the relevant statements.
    std::map<std::string, KeyConstants> keys;
    std::vector<PolicyText> resources;
    std::vector<int> resourceSides;  // parallel to resources
    std::vector<engine::PrincipalEntry> principals;
    auto noteVariables = [&](const PolicyText& text) {
      for (const std::string& key : internal::variableKeys(text)) {
        KeyConstants& k = keys[key];
        if (k.key.empty()) {
          k.key = key;
        }
        k.asVariable = true;
      }
    };
    for (const std::uint32_t id : group.statements) {
      const StatementInfo& info = index_.statements[id];
      for (const engine::PolicyValue& r : info.statement->resources) {
        PolicyText text{r.text, info.variables};
        noteVariables(text);
        resources.push_back(std::move(text));
        resourceSides.push_back(info.side);
      }
      principals.insert(principals.end(), info.statement->principals.begin(),
                        info.statement->principals.end());
      for (const engine::ConditionEntry& c : info.statement->conditions) {
        KeyConstants& k = keys[grammar::toLowerAscii(c.key)];
        if (k.key.empty() || k.key == grammar::toLowerAscii(c.key)) {
          k.key = c.key;
        }
        k.uses.push_back(KeyConstants::Use{&c, info.variables});
        const grammar::OperatorFamily family = grammar::operatorFamily(c.op.kind);
        if (family == grammar::OperatorFamily::String || family == grammar::OperatorFamily::Arn) {
          for (const engine::PolicyValue& v : c.values) {
            noteVariables(PolicyText{v.text, info.variables});
          }
        }
      }
    }
    const std::string& representative = group.actions.front();
    const std::string service =
        grammar::toLowerAscii(std::string_view(representative).substr(0, representative.find(':')));
    const std::vector<ResourceCandidate> resourceReps =
        internal::resourceCandidates(resources, service);
    const std::vector<std::string> principalReps = index_.resourcePolicies
                                                       ? internal::principalCandidates(principals)
                                                       : std::vector<std::string>{""};
    std::vector<const KeyConstants*> keyList;
    std::vector<std::vector<KeyCandidate>> keyReps;
    for (const auto& [lower, constants] : keys) {
      keyList.push_back(&constants);
      keyReps.push_back(internal::keyCandidates(constants));
    }
    // Dimensions: resource, principal, then each key.
    std::vector<int> sizes = {static_cast<int>(resourceReps.size()),
                              static_cast<int>(principalReps.size())};
    for (const auto& reps : keyReps) {
      sizes.push_back(static_cast<int>(reps.size()));
    }
    double product = 1;
    for (const int s : sizes) {
      product *= s;
    }
    const bool full = product <= static_cast<double>(options_.maxRequestsPerGroup);
    const std::size_t count =
        full ? static_cast<std::size_t>(product) : options_.maxRequestsPerGroup;
    if (!full) {
      DiffApproximation approximation;
      approximation.actions = group.actions;
      approximation.reason = fmt::format(
          "{:.0f} combinations of representatives (resource, caller and {} condition "
          "keys) exceed the cap of {}; {} sampled",
          product, keyList.size(), options_.maxRequestsPerGroup, count);
      result_.approximations.push_back(std::move(approximation));
    }

    std::vector<std::vector<int>> gained;
    std::vector<std::vector<int>> lost;
    std::vector<int> point(sizes.size(), 0);
    std::mt19937_64 random(0x5eedULL);
    engine::Request request;
    engine::PreparedRequest prepared;
    engine::Decision oldDecision;
    engine::Decision newDecision;
    for (std::size_t n = 0; n < count; ++n) {
      if (full) {
        std::size_t rest = n;
        for (std::size_t d = 0; d < sizes.size(); ++d) {
          point[d] = static_cast<int>(rest % static_cast<std::size_t>(sizes[d]));
          rest /= static_cast<std::size_t>(sizes[d]);
        }
      } else {
        for (std::size_t d = 0; d < sizes.size(); ++d) {
          point[d] = static_cast<int>(random() % static_cast<std::uint64_t>(sizes[d]));
        }
      }
      buildRequest(representative, resourceReps, principalReps, keyList, keyReps, point, &request);
      prepared.prepare(request);
      oldSet_->evaluate(prepared, false, &oldDecision);
      newSet_->evaluate(prepared, false, &newDecision);
      ++result_.requestsEvaluated;
      const bool oldAllowed = oldDecision.kind == engine::DecisionKind::Allowed;
      const bool newAllowed = newDecision.kind == engine::DecisionKind::Allowed;
      if (newAllowed && !oldAllowed) {
        gained.push_back(point);
      } else if (oldAllowed && !newAllowed && options_.removedAccess) {
        lost.push_back(point);
      }
    }
    std::string universe;
    for (const ResourceCandidate& r : resourceReps) {
      universe += r.arn + '\x1f';
    }
    for (const std::string& p : principalReps) {
      universe += p + '\x1f';
    }
    for (std::size_t k = 0; k < keyList.size(); ++k) {
      universe += keyList[k]->key + '\x1e';
      for (const KeyCandidate& c : keyReps[k]) {
        universe +=
            c.absent ? std::string("\x01") : fmt::format("{}", fmt::join(c.value.values, "\x1c"));
        universe += c.value.multivalued ? "m\x1f" : "\x1f";
      }
    }
    auto report = [&](const std::vector<std::vector<int>>& points, bool isNew) {
      for (const ClassItem& item : mergeClasses(points, sizes, full)) {
        AccessChange change;
        change.actions = group.actions;
        buildRequest(representative, resourceReps, principalReps, keyList, keyReps, item.witness,
                     &change.witness);
        change.witnessJson = internal::requestJson(change.witness);
        const engine::Decision d = (isNew ? newSet_ : oldSet_)->evaluate(change.witness, true);
        if (!d.matchedStatements.empty()) {
          change.statement = toStatement(d.matchedStatements.front());
        }
        if (options_.membersPerChange > 0) {
          listMembers(item, sizes, representative, resourceReps, principalReps, keyList, keyReps,
                      &change.members);
        }
        describeResource(item.dims[0], resourceReps, resources, resourceSides, isNew ? 1 : 0,
                         &change);
        if (!item.dims[1].empty() && principalReps.size() > 1) {
          std::vector<std::string> names;
          for (const int i : item.dims[1]) {
            names.push_back(principalReps[static_cast<std::size_t>(i)].empty()
                                ? "(the policies' own principal)"
                                : principalReps[static_cast<std::size_t>(i)]);
          }
          change.conditions.push_back(fmt::format("caller {}", fmt::join(names, " or ")));
        }
        for (std::size_t k = 0; k < keyList.size(); ++k) {
          if (!item.dims[k + 2].empty()) {
            change.conditions.push_back(
                internal::describeKeyClass(*keyList[k], keyReps[k], item.dims[k + 2]));
          }
        }
        // Items of two groups merge only when the groups split the same universe of
        // representatives the same way: then they are the same class, not just described alike.
        std::string mergeKey = universe;
        for (const auto& dim : item.dims) {
          mergeKey += fmt::format("\x1d{}", fmt::join(dim, ","));
        }
        (isNew ? newKeys_ : removedKeys_).push_back(std::move(mergeKey));
        (isNew ? result_.newAccess : result_.removedAccess).push_back(std::move(change));
      }
    };
    report(gained, true);
    report(lost, false);
  }

  // The resource class: for each representative, the first pattern of the granting side that
  // it matches (its class is what that pattern covers), and the patterns it does not match.
  static void describeResource(const std::vector<int>& chosen,
                               const std::vector<ResourceCandidate>& reps,
                               const std::vector<PolicyText>& patterns,
                               const std::vector<int>& sides, int grantingSide,
                               AccessChange* change) {
    if (chosen.empty()) {
      change->resource = "*";
      return;
    }
    std::vector<grammar::WildcardPattern> globs;
    for (const PolicyText& p : patterns) {
      globs.push_back(internal::tokenGlob(p));
    }
    std::vector<std::string> sources;
    for (const int i : chosen) {
      const ResourceCandidate& c = reps[static_cast<std::size_t>(i)];
      std::string source;
      if (c.arn == "*") {
        source = "* (actions without resource-level permissions)";
      } else {
        for (std::size_t p = 0; p < patterns.size() && source.empty(); ++p) {
          if (sides[p] == grantingSide && patterns[p].text != "*" && globs[p].matches(c.arn)) {
            source = patterns[p].text;
          }
        }
        if (source.empty()) {
          source = kOtherResource;
        }
      }
      if (std::find(sources.begin(), sources.end(), source) == sources.end()) {
        sources.push_back(source);
      }
    }
    change->resource = fmt::format("{}", fmt::join(sources, " | "));
    if (chosen.size() == 1 && reps[static_cast<std::size_t>(chosen[0])].arn != "*") {
      const std::string& arn = reps[static_cast<std::size_t>(chosen[0])].arn;
      std::set<std::string> excludes;
      for (std::size_t p = 0; p < patterns.size(); ++p) {
        if (patterns[p].text != "*" && !globs[p].matches(arn)) {
          excludes.insert(patterns[p].text);
        }
      }
      change->resourceExcludes.assign(excludes.begin(), excludes.end());
    }
  }

  // Every point of a class (an empty dimension stands for all its representatives), unless
  // there are more than membersPerChange.
  void listMembers(const ClassItem& item, const std::vector<int>& sizes, const std::string& action,
                   const std::vector<ResourceCandidate>& resources,
                   const std::vector<std::string>& principals,
                   const std::vector<const KeyConstants*>& keys,
                   const std::vector<std::vector<KeyCandidate>>& reps,
                   std::vector<engine::Request>* members) const {
    std::vector<std::vector<int>> choices;
    double count = 1;
    for (std::size_t d = 0; d < sizes.size(); ++d) {
      std::vector<int> all;
      if (item.dims[d].empty()) {
        for (int i = 0; i < sizes[d]; ++i) {
          all.push_back(i);
        }
      }
      choices.push_back(item.dims[d].empty() ? all : item.dims[d]);
      count *= static_cast<double>(choices.back().size());
    }
    if (count > static_cast<double>(options_.membersPerChange)) {
      return;
    }
    std::vector<int> point(sizes.size());
    for (std::size_t n = 0; n < static_cast<std::size_t>(count); ++n) {
      std::size_t rest = n;
      for (std::size_t d = 0; d < sizes.size(); ++d) {
        point[d] = choices[d][rest % choices[d].size()];
        rest /= choices[d].size();
      }
      members->emplace_back();
      buildRequest(action, resources, principals, keys, reps, point, &members->back());
    }
  }

  static void buildRequest(const std::string& action,
                           const std::vector<ResourceCandidate>& resources,
                           const std::vector<std::string>& principals,
                           const std::vector<const KeyConstants*>& keys,
                           const std::vector<std::vector<KeyCandidate>>& reps,
                           const std::vector<int>& point, engine::Request* request) {
    request->clear();
    const std::string& caller = principals[static_cast<std::size_t>(point[1])];
    request->anonymous = caller == internal::kAnonymousCaller;
    request->principal = request->anonymous ? std::string() : caller;
    request->action = action;
    request->resource = resources[static_cast<std::size_t>(point[0])].arn;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const KeyCandidate& c = reps[k][static_cast<std::size_t>(point[k + 2])];
      if (!c.absent) {
        if (engine::ContextValue* v = request->addContext(keys[k]->key); v != nullptr) {
          *v = c.value;
        }
      }
    }
  }

  // Items of different groups that are the same class (mergeKeys) become one, listing every
  // action.
  static void mergeAcrossGroups(std::vector<AccessChange>* items,
                                const std::vector<std::string>& mergeKeys) {
    std::map<std::string, std::size_t> seen;
    std::vector<AccessChange> merged;
    for (std::size_t i = 0; i < items->size(); ++i) {
      AccessChange& item = (*items)[i];
      auto [it, inserted] = seen.emplace(mergeKeys[i], merged.size());
      if (inserted) {
        merged.push_back(std::move(item));
      } else {
        auto& actions = merged[it->second].actions;
        actions.insert(actions.end(), item.actions.begin(), item.actions.end());
      }
    }
    *items = std::move(merged);
  }

  std::shared_ptr<const engine::PolicySet> oldSet_;
  std::shared_ptr<const engine::PolicySet> newSet_;
  const IamData& data_;
  const DiffOptions& options_;
  StatementIndex index_;
  DiffResult result_;
  std::vector<std::string> newKeys_;  // merge keys, parallel to result_.newAccess
  std::vector<std::string> removedKeys_;
};

}  // namespace

Result<DiffResult> diffPolicies(const engine::PolicySetInput& oldSide,
                                const engine::PolicySetInput& newSide, const IamData& iamData,
                                const DiffOptions& options) {
  auto oldSet = engine::PolicySet::compile(engine::PolicySetInput(oldSide));
  if (!oldSet.ok()) {
    return oldSet.status();
  }
  auto newSet = engine::PolicySet::compile(engine::PolicySetInput(newSide));
  if (!newSet.ok()) {
    return newSet.status();
  }
  Differ differ(oldSide, newSide, oldSet.value(), newSet.value(), iamData, options);
  return differ.run();
}

Result<DiffResult> findGrantedAccess(const engine::PolicySetInput& side,
                                     const std::vector<std::string>& actions,
                                     const IamData& iamData, const DiffOptions& options) {
  DiffOptions restricted = options;
  restricted.actionFilter = actions;
  restricted.removedAccess = false;
  if (actions.empty()) {
    return DiffResult{};
  }
  return diffPolicies(engine::PolicySetInput{}, side, iamData, restricted);
}

}  // namespace policysim::analysis
