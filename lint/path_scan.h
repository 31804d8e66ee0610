// Linting a repository: the PATH arguments walked into files (named files as given,
// directories recursively, skipping hidden directories, node_modules and the config's
// ignorePaths), each read with the bounded reader and linted on a pool of threads while the walk
// goes on, the reports returned in argument order, then path order.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/status.h"
#include "lint/linter.h"

namespace policysim::lint {

// The name of the repository config file (never linted itself).
inline constexpr const char* kConfigFileName = ".policysim.json";

struct PathScanOptions {
  std::vector<std::string> paths;  // files and directories, as given on the command line
  bool skipUnknown = false;        // named files that are no policy are skipped, not reported
  unsigned jobs = 0;               // worker threads; 0 = one per core
  std::string baseDir;             // relative paths (ignorePaths, policyTypes) start here
};

// What the scan found: one report per file, and the files that could not be read
// ("FILE: error: ...", their reports marked skipped).
struct PathScan {
  std::vector<FileReport> reports;
  std::vector<std::string> readErrors;
};

// Progress for a caller that shows it: files linted, files found, walk finished.
struct ScanProgress {
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> found{0};
  std::atomic<bool> walked{false};
};

// Lints every file under options.paths. A directory that cannot be walked is the error.
[[nodiscard]] engine::Result<PathScan> lintPaths(const Linter& linter,
                                                 const PathScanOptions& options,
                                                 ScanProgress* progress = nullptr);

}  // namespace policysim::lint
