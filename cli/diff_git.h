// `policysim diff --git BASE [PATH...]`: the policy files changed since a git revision, and the
// policies inside a file (plain JSON, CloudFormation JSON/YAML, Terraform plan) as lint reads
// them (lint/sources.h), parsed for the diff.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/policy.h"
#include "engine/status.h"

namespace policysim::cli {

// One file `git diff BASE` reports: its text at BASE and now (nullopt: absent there).
struct ChangedFile {
  std::string path;  // relative to the working directory
  std::optional<std::string> oldText;
  std::optional<std::string> newText;
};

// The tracked files under `paths` (all when empty) that differ between BASE and the working
// tree. InvalidArgument when git fails (not a repository, unknown revision).
[[nodiscard]] engine::Result<std::vector<ChangedFile>> changedFiles(
    const std::string& base, const std::vector<std::string>& paths);

// A policy found in a file. Limit policies (SCP, boundary, session) are read as identity
// policies: their diff is the diff of the most they allow.
struct FoundPolicy {
  std::string label;  // where in a template or plan; empty for a plain policy file
  engine::PolicyDocument document;
};

// The policies in `text`; empty when the file is no policy, template or plan. `name` labels the
// documents ("path" or "path#label"). Statement positions are the file's (templates included).
[[nodiscard]] engine::Result<std::vector<FoundPolicy>> policiesInFile(const std::string& path,
                                                                      const std::string& text);

}  // namespace policysim::cli
