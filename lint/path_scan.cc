#include "lint/path_scan.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "engine/file_reader.h"
#include "grammar/ascii.h"

namespace policysim::lint {
namespace {

namespace fs = std::filesystem;

struct WorkItem {
  std::size_t group = 0;  // the PATH argument it came from: reports keep argument order
  std::string display;    // path shown in findings
  std::string relative;   // relative to the config's directory, '/'-separated
  std::string fsPath;
  bool named = false;
};

// Filled by the directory walk while the workers lint: the walk is mostly system calls, so on
// two cores it overlaps with linting instead of preceding it.
class WorkQueue {
 public:
  void push(WorkItem item) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
  }
  void close() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }
  // Waits for an item; false once the queue is closed and empty.
  bool pop(WorkItem* out) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) {
      return false;
    }
    *out = std::move(items_.front());
    items_.pop_front();
    return true;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<WorkItem> items_;
  bool closed_ = false;
};

bool hasLintExtension(const fs::path& path) {
  const std::string ext = grammar::toLowerAscii(path.extension().string());
  return ext == ".json" || ext == ".yaml" || ext == ".yml" || ext == ".template";
}

// A file without an extension that starts with '{' (after blanks or a UTF-8 byte order mark):
// JSON kept without a name suffix, as snapshots of IAM's answers are (one `aws iam
// get-policy-version` output per policy name). Read only as far as its first character.
bool isExtensionlessJson(const fs::path& path) {
  if (!path.extension().empty()) {
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  char head[64] = {};
  in.read(head, sizeof head);
  const std::string_view text(head, static_cast<std::size_t>(in.gcount()));
  std::size_t at = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  while (at < text.size() &&
         (text[at] == ' ' || text[at] == '\t' || text[at] == '\r' || text[at] == '\n')) {
    ++at;
  }
  return at < text.size() && text[at] == '{';
}

// The path relative to base, '/'-separated; the display path when it lies outside base.
std::string relativeTo(const fs::path& base, const std::string& display) {
  static const fs::path cwd = [] {
    std::error_code ec;
    return fs::current_path(ec);
  }();
  const fs::path given(display);
  const fs::path absolute = (given.is_absolute() ? given : cwd / given).lexically_normal();
  const fs::path relative = absolute.lexically_relative(base);
  std::string text = relative.generic_string();
  if (text.empty() || text.rfind("..", 0) == 0) {
    return fs::path(display).lexically_normal().generic_string();
  }
  return text;
}

// Walks the PATH arguments into the queue: named files as given, directories recursively
// (skipping hidden directories, node_modules and ignorePaths). A directory that cannot be read
// is the error.
engine::Status collect(const std::vector<std::string>& paths, bool skipUnknown,
                       const Linter& linter, const fs::path& base, WorkQueue* queue,
                       std::atomic<std::size_t>* found) {
  for (std::size_t group = 0; group < paths.size(); ++group) {
    const std::string& arg = paths[group];
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      WorkItem item;
      item.group = group;
      item.display = fs::path(arg).lexically_normal().generic_string();
      item.relative = relativeTo(base, item.display);
      item.fsPath = arg;
      item.named = !skipUnknown;
      if (!linter.ignored(item.relative)) {
        queue->push(std::move(item));
        ++*found;
      }
      continue;
    }
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& path = it->path();
      const std::string name = path.filename().string();
      std::error_code typeError;
      if (it->is_directory(typeError)) {
        if ((!name.empty() && name[0] == '.') || name == "node_modules" ||
            linter.ignored(relativeTo(base, path.lexically_normal().generic_string()))) {
          it.disable_recursion_pending();
        }
        continue;
      }
      if (name == kConfigFileName || !it->is_regular_file(typeError) ||
          !(hasLintExtension(path) || isExtensionlessJson(path))) {
        continue;
      }
      WorkItem item;
      item.group = group;
      item.display = path.lexically_normal().generic_string();
      item.relative = relativeTo(base, item.display);
      item.fsPath = path.string();
      if (!linter.ignored(item.relative)) {
        queue->push(std::move(item));
        ++*found;
      }
    }
    if (ec) {
      return engine::Status::invalidArgument(ec.message(), engine::SourceLocation{arg, 0, 0});
    }
  }
  return {};
}

struct ScannedFile {
  std::size_t group = 0;
  FileReport report;
  std::string readError;
};

}  // namespace

engine::Result<PathScan> lintPaths(const Linter& linter, const PathScanOptions& options,
                                   ScanProgress* progress) {
  ScanProgress ownProgress;
  ScanProgress& counts = progress != nullptr ? *progress : ownProgress;
  std::vector<ScannedFile> results;
  std::mutex resultsMutex;
  WorkQueue queue;
  auto worker = [&] {
    std::string text;  // reused: its capacity stays
    WorkItem item;
    while (queue.pop(&item)) {
      ScannedFile result;
      result.group = item.group;
      // Files over the input cap are refused from their size, never held whole in memory.
      if (const engine::Status read = engine::readFileInto(item.fsPath, &text); !read.ok()) {
        result.report.file = item.display;
        result.report.skipped = true;
        result.readError = item.display + ": error: " + read.message();
      } else {
        result.report = linter.lintText(item.display, item.relative, text, item.named);
      }
      {
        const std::lock_guard<std::mutex> lock(resultsMutex);
        results.push_back(std::move(result));
      }
      ++counts.done;
    }
  };
  const unsigned jobs =
      options.jobs != 0 ? options.jobs : std::max(1U, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < jobs; ++j) {
    threads.emplace_back(worker);
  }
  // The walk is mostly system calls: on two cores it overlaps with linting.
  const engine::Status walked = collect(options.paths, options.skipUnknown, linter,
                                        fs::path(options.baseDir), &queue, &counts.found);
  queue.close();
  for (std::thread& t : threads) {
    t.join();
  }
  counts.walked = true;
  if (!walked.ok()) {
    return walked;
  }
  // Argument order, then path order within a directory, whatever order the workers finished.
  std::sort(results.begin(), results.end(), [](const ScannedFile& a, const ScannedFile& b) {
    return a.group != b.group ? a.group < b.group : a.report.file < b.report.file;
  });
  PathScan scan;
  scan.reports.reserve(results.size());
  for (ScannedFile& result : results) {
    if (!result.readError.empty()) {
      scan.readErrors.push_back(std::move(result.readError));
    }
    scan.reports.push_back(std::move(result.report));
  }
  return scan;
}

}  // namespace policysim::lint
