// The lint rule catalogue: every rule's stable id, name, default severity, one-line summary,
// rationale and a bad/good example. The catalogue is static data; `policysim lint --explain`,
// docs/lint-rules.md and the SARIF rule list are all generated from it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace policysim::lint {

// Ordered: a --fail-on threshold blocks on its level and everything above it.
enum class LintSeverity : std::uint8_t { Suggestion, Warning, Security, Error };

// "suggestion", "warning", "security", "error".
[[nodiscard]] const char* severityName(LintSeverity severity);
// Accepts the names above (case-insensitive). Returns false for anything else.
[[nodiscard]] std::optional<LintSeverity> parseSeverity(std::string_view text);

struct RuleInfo {
  std::string_view id;        // "PS301": stable, never reused
  std::string_view name;      // "allow-with-not-action"
  LintSeverity severity;      // default; the config file may change it
  std::string_view category;  // "grammar", "data", "security" or "mfa"
  std::string_view summary;   // one line
  std::string_view rationale;
  std::string_view bad;      // a policy that triggers the rule
  std::string_view good;     // the fixed policy, which does not
  std::string_view anchors;  // the same check in other tools (Access Analyzer, Parliament, ...)
};

// Every rule, ordered by id.
[[nodiscard]] std::span<const RuleInfo> allRules();
// The rule with this id or name (case-insensitive), or nullptr.
[[nodiscard]] const RuleInfo* findRule(std::string_view idOrName);

}  // namespace policysim::lint
