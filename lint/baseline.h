// Baselines: the findings a repository has accepted for now, saved with --write-baseline and
// compared with --baseline, so that only new findings block. A finding is known by a
// fingerprint that leaves out line and column, so edits elsewhere in a file do not bring
// accepted findings back:
//
//   rule id | file path (relative to the config's directory) | policy label in a template or
//   plan | statement (Sid=NAME, else Statement[INDEX]) | element path inside the statement
//   without array indices (Action, Condition.Bool.aws:SecureTransport) | the offending text
//
// hashed with 64-bit FNV-1a and written as 16 hex digits. The same fingerprint may occur more
// than once; the baseline keeps a count, and only that many current findings match.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "lint/linter.h"

namespace policysim::lint {

struct FingerprintParts {
  std::string rule;
  std::string file;
  std::string policy;
  std::string statement;
  std::string element;
  std::string subject;
};

// The parts of a finding's fingerprint (see above). `relativePath`: the file's path relative to
// the config's directory ('/'-separated).
[[nodiscard]] FingerprintParts fingerprintParts(const Finding& finding,
                                                std::string_view relativePath);
[[nodiscard]] std::string hashFingerprint(const FingerprintParts& parts);

struct Baseline {
  std::string source;                          // the file it was read from
  std::map<std::string, std::size_t> entries;  // fingerprint -> how many findings have it
};

// Reads a baseline written by writeBaseline. Not JSON, or not of that shape: InvalidArgument
// with the line and column.
[[nodiscard]] engine::Result<Baseline> parseBaseline(std::string_view text,
                                                     const std::string& name);

// The baseline of these reports: every finding that is not already suppressed, with its
// fingerprint's parts (for people reading it) and message.
[[nodiscard]] std::string writeBaseline(const std::vector<FileReport>& reports,
                                        std::string_view toolVersion);

// Marks the findings the baseline holds as suppressed (kind Baseline, not blocking); returns
// how many. Findings already suppressed otherwise are left alone and do not use up entries.
std::size_t applyBaseline(const Baseline& baseline, std::vector<FileReport>* reports);

}  // namespace policysim::lint
