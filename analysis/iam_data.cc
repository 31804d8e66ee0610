// The queries of a loaded IamData (loading: analysis/iam_data_loader.cc). Names compare by
// ASCII case folding; lookups are binary searches over sorted vectors, condition key patterns
// are WildcardPatterns with each ${...} placeholder compiled to "?*".
#include "analysis/iam_data.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <type_traits>

#include "analysis/internal/iam_data_lookup.h"
#include "engine/internal/arena.h"
#include "grammar/ascii.h"

namespace policysim::analysis {

using namespace policysim::engine;  // NOLINT(google-build-using-namespace): the core vocabulary
namespace {

using grammar::compareIgnoreAsciiCase;
using grammar::toLowerAscii;
using internal::findByName;
using internal::lessIgnoreCase;

}  // namespace

std::string_view conditionKeyTypeName(ConditionKeyType type) {
  switch (type) {
    case ConditionKeyType::String:
      return "String";
    case ConditionKeyType::Arn:
      return "ARN";
    case ConditionKeyType::Numeric:
      return "Numeric";
    case ConditionKeyType::Date:
      return "Date";
    case ConditionKeyType::Bool:
      return "Bool";
    case ConditionKeyType::IpAddress:
      return "IPAddress";
    case ConditionKeyType::Binary:
      return "Binary";
  }
  return "String";
}

std::string_view accessLevelName(AccessLevel level) {
  switch (level) {
    case AccessLevel::List:
      return "List";
    case AccessLevel::Read:
      return "Read";
    case AccessLevel::Write:
      return "Write";
    case AccessLevel::PermissionsManagement:
      return "Permissions management";
    case AccessLevel::Tagging:
      return "Tagging";
  }
  return "Write";
}

// ---- ConditionKeyInfo, ActionInfo, ServiceInfo ----

std::string ConditionKeyInfo::typeName() const {
  std::string out;
  for (unsigned t = 0; t <= static_cast<unsigned>(ConditionKeyType::Binary); ++t) {
    const auto type = static_cast<ConditionKeyType>(t);
    if (type == this->type || !accepts(type)) {
      continue;
    }
    out += '|';
    if (multivalued) {
      out += "ArrayOf";
    }
    out += conditionKeyTypeName(type);
  }
  return std::string(multivalued ? "ArrayOf" : "") + std::string(conditionKeyTypeName(type)) + out;
}

bool ConditionKeyInfo::matches(std::string_view key) const {
  if (!isPattern_) {
    return compareIgnoreAsciiCase(lowerName_, key) == 0;
  }
  return pattern_.matches(toLowerAscii(key));
}

const ConditionKeyInfo* ActionInfo::findConditionKey(std::string_view key) const {
  const std::string lower = toLowerAscii(key);
  const ConditionKeyInfo* best = nullptr;
  for (const ConditionKeyInfo* info : conditionKeys) {
    if (info->lowerName_ == lower) {
      return info;
    }
    if (info->isPattern_ && info->pattern_.matches(lower) &&
        (best == nullptr || info->literalLength_ > best->literalLength_)) {
      best = info;
    }
  }
  return best;
}

const ActionInfo* ServiceInfo::findAction(std::string_view actionName) const {
  return findByName(actions, actionName);
}

const ResourceTypeInfo* ServiceInfo::findResourceType(std::string_view typeName) const {
  return findByName(resourceTypes, typeName);
}

// ---- IamData queries ----

IamData::~IamData() = default;

std::string IamData::describe() const {
  std::string out = source_.package + " " + source_.version;
  if (source_.updatedAt.size() >= 10) {
    out += " (data of " + source_.updatedAt.substr(0, 10) + ")";
  }
  return out;
}

const ServiceInfo* IamData::findService(std::string_view prefix) const {
  const auto it = std::lower_bound(
      services_.begin(), services_.end(), prefix,
      [](const ServiceInfo& s, std::string_view key) { return lessIgnoreCase(s.prefix, key); });
  if (it == services_.end() || compareIgnoreAsciiCase(it->prefix, prefix) != 0) {
    return nullptr;
  }
  return &*it;
}

const ActionInfo* IamData::action(std::string_view fullName) const {
  const std::size_t colon = fullName.find(':');
  if (colon == std::string_view::npos) {
    return nullptr;
  }
  const ServiceInfo* service = findService(fullName.substr(0, colon));
  return service == nullptr ? nullptr : service->findAction(fullName.substr(colon + 1));
}

std::vector<const ActionInfo*> IamData::actionsMatching(std::string_view pattern) const {
  std::vector<const ActionInfo*> out;
  const std::string lower = toLowerAscii(pattern);
  const std::size_t colon = lower.find(':');
  if (colon == std::string::npos) {
    // Only "*" (or "**"...) may stand without a service prefix.
    if (!lower.empty() && lower.find_first_not_of('*') == std::string::npos) {
      out = allActions_;
    }
    return out;
  }
  const std::string_view servicePart = std::string_view(lower).substr(0, colon);
  if (servicePart.find_first_of("*?") == std::string_view::npos) {
    const ServiceInfo* service = findService(servicePart);
    if (service == nullptr) {
      return out;
    }
    const auto glob = grammar::WildcardPattern::fromGlob(std::string_view(lower).substr(colon + 1));
    const std::size_t first =
        serviceActionStart_[static_cast<std::size_t>(service - services_.data())];
    for (std::size_t i = 0; i < service->actions.size(); ++i) {
      const std::string_view name =
          std::string_view(allActionsLower_[first + i]).substr(service->prefix.size() + 1);
      if (glob.matches(name)) {
        out.push_back(allActions_[first + i]);
      }
    }
    return out;
  }
  const auto glob = grammar::WildcardPattern::fromGlob(lower);
  for (std::size_t i = 0; i < allActions_.size(); ++i) {
    if (glob.matches(allActionsLower_[i])) {
      out.push_back(allActions_[i]);
    }
  }
  return out;
}

const ConditionKeyInfo* IamData::conditionKey(std::string_view name) const {
  const std::string lower = toLowerAscii(name);
  const auto it = std::lower_bound(
      exactKeys_.begin(), exactKeys_.end(), lower,
      [](const KeyIndexEntry& e, std::string_view key) { return e.lowerName < key; });
  if (it != exactKeys_.end() && it->lowerName == lower) {
    return it->key;
  }
  const ConditionKeyInfo* best = nullptr;
  for (const ConditionKeyInfo* info : patternKeys_) {
    if ((best == nullptr || info->literalLength_ > best->literalLength_) &&
        info->pattern_.matches(lower)) {
      best = info;
    }
  }
  return best;
}

// ---- Loading ----

// Reads a snapshot in one pass of RapidJSON's SAX reader (iterative mode: no recursion on input
// depth; UTF-8 validated), building every table in place: no DOM, strings copied once into the
// arena. One pass works because the format fixes an order (data/README.md): tables are sorted
// by lower-case name, "globalConditionKeys" comes before "services", and in a service
// "conditionKeys", "resourceTypes" and "actions" come in that order, so every name a table
// refers to is already known. Errors carry the line and column of the offending value.
}  // namespace policysim::analysis
