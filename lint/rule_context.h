// RuleContext: what every rule unit of checkPolicy needs while it checks one policy: the
// service data, the policy's type and version, and where findings go. Internal to lint/.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "engine/policy.h"
#include "lint/checker.h"
#include "lint/statement_parts.h"

namespace policysim::lint {

struct RuleContext {
  const CheckContext& check;
  PolicyType type = PolicyType::Identity;
  // Set by the statement reader when it reads Version, before any statement is read.
  engine::PolicyVersion version = engine::PolicyVersion::Absent;
  // The Sid of the statement being checked; the findings emitted meanwhile carry it.
  std::string sid;
  std::vector<RawFinding>* out = nullptr;

  // Appends a finding of rule `id`. REQUIRES: id is in the catalogue (rules.cc).
  void emit(std::string_view id, Position position, Path path, std::string message) const;

  // Policy types whose statements apply to the principal they are attached to (PS122).
  [[nodiscard]] bool identityFamily() const;
  // Policy types whose statements name principals (PS103, PS109, PS301, PS305).
  [[nodiscard]] bool resourceFamily() const;
  // Types whose statements may leave Resource out (an RCP needs it, like the SCPs).
  [[nodiscard]] bool resourceOptional() const;
  [[nodiscard]] bool variablesEnabled() const {
    return version == engine::PolicyVersion::V2012_10_17;
  }
  // " (IAM data <version>)": findings that rest on the service data say which snapshot.
  [[nodiscard]] std::string dataNote() const;
};

// True when lowerKey is in a list of lower-case condition keys.
template <std::size_t N>
bool inKeyList(const std::string_view (&list)[N], std::string_view lowerKey) {
  return std::find(std::begin(list), std::end(list), lowerKey) != std::end(list);
}

}  // namespace policysim::lint
