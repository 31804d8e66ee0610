// Resource values are compared with the ARN formats of the action's resource types
// (lint/internal/arn_patterns.h). Each action item is expanded once with the data; answers per
// resource type are cached for the statement, so "s3:*" costs one comparison per S3 type.
#include "lint/resource_rules.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/iam_data.h"
#include "grammar/arn.h"
#include "grammar/policy_variable.h"
#include "grammar/wildcard.h"
#include "lint/internal/arn_patterns.h"
#include "lint/internal/name_list.h"

namespace policysim::lint {

using analysis::ActionInfo;
using analysis::ResourceTypeInfo;
using engine::Effect;
using internal::ArnTokens;
using internal::nameList;

namespace {

// "*", "**": every resource, including "*" itself (what actions without resource types need).
bool allStars(std::string_view text) {
  return !text.empty() && text.find_first_not_of('*') == std::string_view::npos;
}

// An action item the data can expand: not "*", no variable, "service:name".
bool expandable(std::string_view action) {
  return action != "*" && action != "*:*" && action.find(':') != std::string_view::npos &&
         !grammar::mayContainVariables(action);
}

// The actions an item names: one lookup for a plain name, a scan of the service for a pattern.
std::vector<const ActionInfo*> expand(const analysis::IamData& data, std::string_view item) {
  if (!expandable(item)) {
    return {};
  }
  if (!grammar::hasGlobWildcard(item)) {
    const ActionInfo* action = data.action(item);
    return action == nullptr ? std::vector<const ActionInfo*>{}
                             : std::vector<const ActionInfo*>{action};
  }
  return data.actionsMatching(item);
}

// The service field of an ARN or ARN pattern when it is plain text ("s3"), else empty.
std::string_view plainService(std::string_view arn) {
  const grammar::ArnFields fields = grammar::splitArn(arn);
  if (!fields.isArn || fields.fields[2].find_first_of("*?$") != std::string_view::npos) {
    return {};
  }
  return fields.fields[2];
}

// What one Resource value can name, per resource type, cached for one statement.
class TypeAnswers {
 public:
  TypeAnswers(const internal::ArnFormatIndex& index, const std::string& resource)
      : index_(index),
        text_(resource),
        service_(plainService(resource)),
        tokens_(internal::resourceTokens(resource)) {}

  // True when the value may name a resource of the type.
  bool mayName(const ResourceTypeInfo* type) { return entry(type).mayName; }
  // True when the value names every resource of the type (in its partition).
  bool namesEvery(const ResourceTypeInfo* type) {
    Entry& e = entry(type);
    if (e.mayName && !e.everyKnown) {
      if (anyPartition_.empty()) {
        anyPartition_ = internal::resourceTokens(text_, true);
      }
      const std::vector<ArnTokens>& formats = index_.formats(type);
      e.every = std::all_of(formats.begin(), formats.end(), [&](const ArnTokens& f) {
        return !internal::mayName(tokens_, f) || internal::namesEvery(anyPartition_, f);
      });
      e.everyKnown = true;
    }
    return e.every;
  }
  // True when the value may name some ARN of the service (actions without resource types).
  bool mayNameService(const analysis::ServiceInfo* service) {
    return otherService(service->prefix)
               ? false
               : internal::mayName(tokens_, index_.serviceFormat(service));
  }

 private:
  struct Entry {
    const ResourceTypeInfo* type = nullptr;
    bool mayName = false;
    bool everyKnown = false;
    bool every = false;
  };

  // True when the value's service is plain text and not this one: it names nothing there.
  bool otherService(std::string_view prefix) const {
    return !service_.empty() && service_ != prefix;
  }

  Entry& entry(const ResourceTypeInfo* type) {
    for (Entry& e : cache_) {
      if (e.type == type) {
        return e;
      }
    }
    Entry e{type};
    const std::vector<ArnTokens>& formats = index_.formats(type);
    for (std::size_t i = 0; i < formats.size() && !e.mayName; ++i) {
      const std::string_view formatService = plainService(type->arnFormats[i]);
      e.mayName = !(otherService(formatService) && !formatService.empty()) &&
                  internal::mayName(tokens_, formats[i]);
    }
    cache_.push_back(e);
    return cache_.back();
  }

  const internal::ArnFormatIndex& index_;
  std::string_view text_;
  std::string_view service_;
  ArnTokens tokens_;
  ArnTokens anyPartition_;
  std::vector<Entry> cache_;
};

// "bucket (arn:${Partition}:s3:::${BucketName}), accesspoint (...)".
std::string typeList(const ActionInfo& action) {
  std::string out;
  for (std::size_t i = 0; i < action.resourceTypes.size() && i < 3; ++i) {
    const ResourceTypeInfo& type = *action.resourceTypes[i].resourceType;
    out += (i == 0 ? "" : ", ") + std::string(type.name);
    if (!type.arnFormats.empty()) {
      out += " (" + std::string(type.arnFormats[0]) + ")";
    }
  }
  if (action.resourceTypes.size() > 3) {
    out += ", ...";
  }
  return out;
}

}  // namespace

ExpandedActions expandActions(const analysis::IamData& data, const StatementParts& s) {
  ExpandedActions expanded;
  expanded.reserve(s.action.items.size());
  for (const Item& item : s.action.items) {
    expanded.push_back(s.action.negated ? std::vector<const ActionInfo*>{}
                                        : expand(data, item.text));
  }
  return expanded;
}

void checkResourceTypes(const RuleContext& context, const StatementParts& s,
                        const ExpandedActions& expanded) {
  const ListElement& resource = s.resource;
  if (!resource.present || resource.negated || resource.unknown || resource.items.empty() ||
      !s.action.present || s.action.negated || !s.effect.has_value()) {
    return;
  }
  const internal::ArnFormatIndex& index = *context.check.formats;
  const auto starItem = std::find_if(resource.items.begin(), resource.items.end(),
                                     [](const Item& i) { return allStars(i.text); });
  std::vector<TypeAnswers> answers;
  answers.reserve(resource.items.size());
  std::vector<std::string> expandedForms;  // TypeAnswers keeps views of its text
  expandedForms.reserve(resource.items.size());
  for (const Item& item : resource.items) {
    // An API Gateway resource policy's short form "execute-api:/stage/METHOD/path" stands for
    // its API's ARN "arn:PARTITION:execute-api:REGION:ACCOUNT:API-ID/stage/METHOD/path".
    if (context.type == PolicyType::ApiGatewayRestApi && item.text.starts_with("execute-api:/")) {
      expandedForms.push_back("arn:aws:execute-api:*:*:*" + item.text.substr(12));
      answers.emplace_back(index, expandedForms.back());
      continue;
    }
    answers.emplace_back(index, item.text);
  }
  const bool allow = *s.effect == Effect::Allow;
  const char* const verb = allow ? "grants" : "denies";

  // PS214: action items none of whose actions the Resource values can name; one finding per
  // statement, at the first such item, naming them all.
  if (starItem == resource.items.end()) {
    std::vector<std::size_t> mismatched;
    for (std::size_t a = 0; a < s.action.items.size(); ++a) {
      const std::vector<const ActionInfo*>& actions = expanded[a];
      const bool named = std::any_of(actions.begin(), actions.end(), [&](const ActionInfo* act) {
        if (act->resourceTypes.empty()) {
          return std::any_of(answers.begin(), answers.end(),
                             [&](TypeAnswers& r) { return r.mayNameService(act->service); });
        }
        return std::any_of(act->resourceTypes.begin(), act->resourceTypes.end(),
                           [&](const analysis::ActionResourceType& t) {
                             return std::any_of(
                                 answers.begin(), answers.end(),
                                 [&](TypeAnswers& r) { return r.mayName(t.resourceType); });
                           });
      });
      if (!actions.empty() && !named) {
        mismatched.push_back(a);
      }
    }
    if (!mismatched.empty()) {
      // The first item explains itself; the others are named.
      const std::vector<const ActionInfo*>& actions = expanded[mismatched[0]];
      const Item& item = s.action.items[mismatched[0]];
      std::string message;
      if (actions.size() == 1 && actions[0]->resourceTypes.empty()) {
        message = quote(actions[0]->fullName) +
                  " does not support resource-level permissions and no Resource value of the "
                  "statement is \"*\" or an ARN of its service";
      } else if (actions.size() == 1) {
        message = quote(actions[0]->fullName) + " acts on " + typeList(*actions[0]) +
                  " and no Resource value of the statement can name one";
      } else {
        message = "none of the " + std::to_string(actions.size()) + " actions " + quote(item.text) +
                  " matches acts on a resource the Resource values can name";
      }
      if (mismatched.size() > 1) {
        std::vector<std::string_view> others;
        for (std::size_t i = 1; i < mismatched.size(); ++i) {
          others.push_back(s.action.items[mismatched[i]].text);
        }
        message += "; likewise for " + nameList(others, 4);
      }
      message += std::string(", so the statement ") + verb + " nothing for " +
                 (mismatched.size() == 1 && actions.size() == 1 ? "it" : "them");
      context.emit("PS214", item.position, item.path, message + context.dataNote());
    }
  }

  // PS307 and PS308 are about what an Allow grants, in the policies that grant to principals.
  // In a one-service resource policy Resource "*" is the resource the policy is attached to
  // (a key policy's "*" is its key), not every resource.
  if (!allow || context.type == PolicyType::Scp || context.type == PolicyType::Boundary ||
      onlyRestricts(context.type) || !serviceOfType(context.type).empty()) {
    return;
  }
  // PS307: Resource "*" for actions that take resource ARNs.
  if (starItem != resource.items.end()) {
    std::vector<std::string_view> scoped;
    for (std::size_t a = 0; a < s.action.items.size(); ++a) {
      if (std::any_of(expanded[a].begin(), expanded[a].end(),
                      [](const ActionInfo* act) { return !act->resourceTypes.empty(); })) {
        scoped.push_back(s.action.items[a].text);
      }
    }
    if (!scoped.empty()) {
      context.emit("PS307", starItem->position, starItem->path,
                   "Resource " + quote(starItem->text) + " for " + nameList(scoped, 4) +
                       ", which can be limited to named resources" + context.dataNote());
    }
    return;
  }
  // PS308: a pattern that names every resource of every type it can name, for every action.
  for (const std::vector<const ActionInfo*>& actions : expanded) {
    if (actions.empty() || std::any_of(actions.begin(), actions.end(), [](const ActionInfo* act) {
          return act->resourceTypes.empty();
        })) {
      return;  // "*" or unknown actions (PS303, PS202) or actions that need "*"
    }
  }
  for (std::size_t r = 0; r < resource.items.size(); ++r) {
    TypeAnswers& answer = answers[r];
    bool every = true;
    for (const std::vector<const ActionInfo*>& actions : expanded) {
      for (const ActionInfo* act : actions) {
        bool some = false;
        for (const analysis::ActionResourceType& t : act->resourceTypes) {
          if (answer.mayName(t.resourceType)) {
            some = true;
            every = every && answer.namesEvery(t.resourceType);
          }
        }
        every = every && some;
        if (!every) {
          break;
        }
      }
      if (!every) {
        break;
      }
    }
    if (every) {
      const Item& item = resource.items[r];
      context.emit("PS308", item.position, item.path,
                   "Resource " + quote(item.text) +
                       " names every resource of the types it can name for the statement's "
                       "actions: it is Resource \"*\" in effect" +
                       context.dataNote());
    }
  }
}

}  // namespace policysim::lint
