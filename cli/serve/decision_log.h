// DecisionLog: `policysim serve --decision-log FILE` writes one JSON line per decision (format in
// docs/serve.md, read back by analysis/decision_log.h). Request threads format a line and hand
// it to a bounded queue without waiting: when the queue is full the line is dropped and
// counted, so a slow disk never slows a decision. One writer thread appends the queued lines to
// the file in batches (every 256 lines or 20 ms); reopen() (on SIGHUP) makes it close and
// reopen the path, for log rotation by rename.
//
// Thread-safety: submit(), reopen() and the counters from any thread; open() and stop() from
// the thread that owns the log.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/decision.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::serve {

class DecisionLog {
 public:
  // `capacity`: lines waiting to be written at most; beyond it lines are dropped.
  DecisionLog(std::string path, std::size_t capacity);
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // Opens the file for appending (created 0640 when absent) and starts the writer thread.
  [[nodiscard]] engine::Status open();
  // Queues one line (without its newline). Never blocks on I/O: false (and counted as dropped)
  // when the queue is full or the log is stopped.
  bool submit(std::string_view line);
  // Asks the writer to reopen the path before its next write (after rotation by rename).
  void reopen();
  // Writes what is queued, then stops the writer and closes the file.
  void stop();

  [[nodiscard]] std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t writeErrors() const {
    return writeErrors_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t reopens() const { return reopens_.load(std::memory_order_relaxed); }
  // The Prometheus lines of the counters above.
  [[nodiscard]] std::string renderMetrics() const;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  void run();
  engine::Status openFile();
  bool writeAll(const std::string& text);  // false (counted) on a write error

  const std::string path_;
  const std::size_t capacity_;
  int fd_ = -1;  // writer thread only (and open/stop)
  std::mutex mutex_;
  std::condition_variable wake_;
  // The writer wakes when this many lines wait, or after kMaxDelay.
  static constexpr std::size_t kBatchLines = 256;
  static constexpr std::chrono::milliseconds kMaxDelay{20};
  std::string pending_;           // queued lines, each ending in '\n'; guarded by mutex_
  std::size_t pendingLines_ = 0;  // guarded by mutex_
  bool stopping_ = false;         // guarded by mutex_
  bool reopen_ = false;           // guarded by mutex_
  std::thread thread_;
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> writeErrors_{0};
  std::atomic<std::uint64_t> reopens_{0};
};

// What one decision-log line says (docs/serve.md, "Decision log").
struct DecisionRecord {
  std::string_view requestId;
  std::string_view endpoint;  // "authorize" or "authz"
  // The request decided; null when it could not be built (then `error` says why).
  const engine::Request* request = nullptr;
  engine::DecisionKind decision = engine::DecisionKind::ImplicitDeny;
  const engine::Decision* result = nullptr;  // the deciding statements; null with `error`
  std::string_view error;                    // why the request was denied undecided
  std::uint64_t policyGeneration = 0;
};

// Appends the JSON line of `record` (no newline) at time `now` to *out.
void appendDecisionLine(const DecisionRecord& record, std::chrono::system_clock::time_point now,
                        std::string* out);

// Appends the request in policysim's request-file shape ({"principal":...,"action":...,
// "resource":...,"context":{...}}): what `policysim check --context` and the log reader read.
void appendRequestJson(const engine::Request& request, std::string* out);

}  // namespace policysim::serve
