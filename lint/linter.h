// Linter: lints files (policy JSON, CloudFormation JSON/YAML, Terraform plans) into findings
// with file, line, column and an Access-Analyzer-style path, with the repository's LintConfig
// applied (rules off or re-graded, blocking ids, suppressions). Build one per run and call
// lintText() from any number of threads: it is const and thread-safe.
//
//   auto data = loadShippedIamData();
//   Linter linter(data.value(), config);
//   FileReport report = linter.lintText("policies/a.json", "policies/a.json", text, true);
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/iam_data.h"
#include "lint/config.h"
#include "lint/mfa_gap.h"
#include "lint/node.h"
#include "lint/rules.h"
#include "lint/sources.h"

namespace policysim::lint {

namespace internal {
class ArnFormatIndex;
}  // namespace internal

// Vocabulary of the core and the analyses this header speaks in.
using analysis::IamData;

// Where a suppression came from: the repository config, the file itself (CloudFormation
// Metadata), or the baseline given with --baseline.
enum class SuppressionKind { Config, InSource, Baseline };

struct Finding {
  const RuleInfo* rule = nullptr;
  LintSeverity severity = LintSeverity::Error;  // after the config's override
  std::string message;
  std::string file;  // as displayed (the path the user gave, or found under a directory)
  Position position;
  std::string path;     // Access Analyzer form: Statement[0].Condition.Bool
  std::string pointer;  // JSON pointer: /Statement/0/Condition/Bool
  std::string policy;   // where the policy sits in a template or plan; empty for policy files
  std::string sid;
  // True when the finding decides the exit status: not suppressed, and at or above the fail-on
  // severity or listed as blocking.
  bool blocking = false;
  std::optional<std::string> suppression;  // the reason, when a suppression matched
  SuppressionKind suppressionKind = SuppressionKind::Config;
  // The value the finding is about (the offending action, ARN, condition...), compact JSON for
  // objects and arrays, cut at 200 bytes; part of the baseline fingerprint (lint/baseline.h,
  // computed when a report or baseline needs it).
  std::string subject;
};

struct FileReport {
  std::string file;
  std::string relativePath;  // to the config's directory, '/'-separated (baseline fingerprints)
  bool skipped = false;      // not a policy, template or plan
  InputFormat format = InputFormat::PolicyJson;
  std::size_t policies = 0;
  std::vector<Finding> findings;  // by line, then column
};

class Linter {
 public:
  Linter(std::shared_ptr<const IamData> data, LintConfig config);

  // Lints one file's text. `file` labels findings; `relativePath` is the file's path relative
  // to the config's directory ('/'-separated), used for ignore/suppression/policy-type globs.
  // `named`: given on the command line (read as a policy even if it does not look like one).
  [[nodiscard]] FileReport lintText(std::string file, std::string_view relativePath,
                                    std::string_view text, bool named) const;

  // True when the config's ignorePaths match this relative path (file or directory).
  [[nodiscard]] bool ignored(std::string_view relativePath) const;

  [[nodiscard]] const LintConfig& config() const { return config_; }
  [[nodiscard]] const IamData& data() const { return *data_; }

 private:
  void applyConfig(std::string_view relativePath, Finding* finding) const;

  std::shared_ptr<const IamData> data_;
  LintConfig config_;
  MfaGapProver mfa_;
  // The ARN formats of the data, compiled once (lint/internal/arn_patterns.h).
  std::shared_ptr<const internal::ArnFormatIndex> formats_;
};

}  // namespace policysim::lint
