// Lint reports: human text (grouped by file, optionally coloured), JSON, and SARIF 2.1.0 (for
// GitHub code scanning), plus the rule documentation (--explain, docs/lint-rules.md). Every
// report names the IAM data version it was checked against.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "lint/linter.h"
#include "lint/rules.h"

namespace policysim::lint {

// Vocabulary of the core and the analyses this header speaks in.
using analysis::IamData;

struct LintRun {
  std::vector<FileReport> files;  // in the order they were given / found
  std::string toolVersion;        // "0.1.0"
  const IamData* data = nullptr;  // REQUIRES: non-null
  std::optional<LintSeverity> failOn = LintSeverity::Error;
  std::string workingDirectory;  // absolute; SARIF's %SRCROOT%
};

struct LintSummary {
  std::size_t files = 0;  // linted (not skipped)
  std::size_t skipped = 0;
  std::size_t policies = 0;
  std::size_t bySeverity[4] = {0, 0, 0, 0};  // indexed by LintSeverity, unsuppressed only
  std::size_t suppressed = 0;
  std::size_t blocking = 0;
};

[[nodiscard]] LintSummary summarize(const LintRun& run);

struct TextOptions {
  bool color = false;
  bool showSuppressed = false;
};

// FILE:LINE:COL: SEVERITY ID message [path], grouped by file, then a summary line and the IAM
// data line.
void writeText(const LintRun& run, const TextOptions& options, std::ostream& out);
void writeJson(const LintRun& run, std::ostream& out);
void writeSarif(const LintRun& run, std::ostream& out);

// The --explain text of one rule.
[[nodiscard]] std::string explainRule(const RuleInfo& rule);
// One line per rule: id, severity, name, summary (--list-rules).
[[nodiscard]] std::string listRules();
// docs/lint-rules.md.
[[nodiscard]] std::string rulesMarkdown();

// A rule's anchors split by tool, for the docs page's mapping table: each "; "-separated part
// goes to the tool it starts with (the tool's name removed), the rest to `elsewhere`.
struct RuleAnchors {
  std::string accessAnalyzer;
  std::string parliament;
  std::string cfnLint;
  std::string checkov;
  std::string elsewhere;
};
[[nodiscard]] RuleAnchors splitAnchors(std::string_view anchors);

}  // namespace policysim::lint
