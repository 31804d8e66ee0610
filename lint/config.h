// LintConfig: a repository's lint settings, read from `.policysim.json` (format in
// docs/lint.md): rules switched off or re-graded, rule ids that always block, ignored paths,
// policy types by path, and suppressions. Policy JSON has no comments, so suppressions live
// here, keyed by path glob + rule id + Sid or JSON pointer (or template label), each with a
// required reason. Paths are relative to the directory of the config file, with '/' separators.
// Immutable after parsing; safe to share between threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "lint/rules.h"
#include "lint/sources.h"

namespace policysim::lint {

// Vocabulary of the core and the analyses this header speaks in.
using engine::Result;

struct RuleSetting {
  bool enabled = true;
  std::optional<LintSeverity> severity;  // replaces the rule's default
};

struct SuppressionEntry {
  std::string path = "**";  // glob over the file path
  std::string rule;         // rule id ("PS301")
  std::string sid;          // empty: any statement
  std::string pointer;      // JSON pointer prefix inside the policy ("/Statement/0"); empty: any
  std::string policy;       // template/plan label ("Resources.AppRole.Properties..."); empty: any
  std::string reason;       // required, non-empty
};

struct PolicyTypeEntry {
  std::string path;  // glob
  PolicyType type = PolicyType::Identity;
};

struct LintConfig {
  std::string source;                        // the file it was read from; empty for the defaults
  std::string baseDir;                       // paths are relative to it
  std::map<std::string, RuleSetting> rules;  // by rule id
  std::vector<std::string> blocking;         // rule ids that block whatever their severity
  // Findings at or above this severity block; nullopt blocks on nothing but `blocking` rules.
  // Security by default, as AWS's cfn-policy-validator blocks on errors and security warnings:
  // a finding that grants more than it seems to should fail CI unless the repository says not.
  std::optional<LintSeverity> failOn = LintSeverity::Security;
  std::vector<std::string> ignorePaths;  // globs
  std::vector<PolicyTypeEntry> policyTypes;
  std::vector<std::string> mfaSelfManagementActions;  // empty: the built-in list
  std::vector<SuppressionEntry> suppressions;
};

// Parses a config file. Unknown keys, unknown rule ids, bad severities and suppressions without
// a reason are InvalidArgument with the line and column of the offending value.
[[nodiscard]] Result<LintConfig> parseLintConfig(std::string_view text, const std::string& name);

// Glob match over '/'-separated paths: '*' and '?' stay inside one segment, '**' spans
// segments ("**/" may match nothing). A pattern without '/' is matched against the last segment
// (the file name) and against every directory on the way.
[[nodiscard]] bool globMatch(std::string_view pattern, std::string_view path);

}  // namespace policysim::lint
