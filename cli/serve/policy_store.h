// PolicyStore: the policy set `policysim serve` answers with, loaded from a policy directory and
// replaced atomically on reload. A new set is parsed and compiled aside; only a set that
// compiled is swapped in, so a broken edit leaves the previous set serving.
// Thread-safety: every method may be called from any thread. Readers use a PolicySnapshot per
// thread, which touches the store's mutex only when the generation has moved.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "engine/policy_set.h"
#include "engine/status.h"

namespace policysim::serve {

// What a reload attempt did.
struct ReloadResult {
  engine::Status status;     // ok, or why the new set was rejected
  std::uint64_t generation;  // the generation serving after the attempt
  std::size_t warnings = 0;  // load-time warnings of the new set
};

class PolicyStore {
 public:
  explicit PolicyStore(std::string directory);

  // Loads the directory aside and, if it compiles, makes it current (generation + 1).
  // Reloads are serialised; readers are never blocked for longer than a pointer copy.
  [[nodiscard]] ReloadResult reload();
  // A fingerprint of the directory: listing, inodes, sizes, modification times (ns).
  [[nodiscard]] std::string fingerprint() const;
  // The fingerprint the last reload attempt saw, successful or not: a rejected edit is not
  // retried until the files change again.
  [[nodiscard]] std::string lastAttemptFingerprint() const;

  // The current set; null before the first successful reload.
  [[nodiscard]] std::shared_ptr<const engine::PolicySet> current() const;
  // 0 before the first successful load, then +1 per successful (re)load.
  [[nodiscard]] std::uint64_t generation() const {
    return generation_.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::uint64_t reloads() const { return reloads_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t reloadFailures() const {
    return reloadFailures_.load(std::memory_order_relaxed);
  }
  // Seconds since the Unix epoch of the last successful load (0 before).
  [[nodiscard]] double lastSuccessTime() const {
    return lastSuccessTime_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] const std::string& directory() const { return directory_; }

 private:
  friend class PolicySnapshot;

  const std::string directory_;
  mutable std::mutex mutex_;  // guards current_ and lastAttempt_
  std::mutex reloadMutex_;    // one reload at a time
  std::shared_ptr<const engine::PolicySet> current_;
  std::string lastAttempt_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> reloads_{0};
  std::atomic<std::uint64_t> reloadFailures_{0};
  std::atomic<double> lastSuccessTime_{0};
};

// One thread's view of a PolicyStore: holds a reference to the current set and refreshes it when
// the store's generation changes. Not thread-safe: one per thread.
class PolicySnapshot {
 public:
  explicit PolicySnapshot(const PolicyStore& store) : store_(store) {}

  // The current set (null only before the first load). The reference stays valid until the next
  // call on this snapshot.
  const std::shared_ptr<const engine::PolicySet>& get() {
    const std::uint64_t generation = store_.generation();
    if (generation != generation_) {
      std::lock_guard<std::mutex> lock(store_.mutex_);
      set_ = store_.current_;
      generation_ = store_.generation_.load(std::memory_order_relaxed);
    }
    return set_;
  }
  // The generation of the set get() last returned.
  [[nodiscard]] std::uint64_t generation() const { return generation_; }

 private:
  const PolicyStore& store_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<const engine::PolicySet> set_;
};

}  // namespace policysim::serve
