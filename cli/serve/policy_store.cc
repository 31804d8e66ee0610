#include "cli/serve/policy_store.h"

#include <sys/stat.h>

#include <chrono>
#include <string>
#include <utility>

#include "engine/policysim.h"

namespace policysim::serve {
namespace {

void appendStat(const std::string& path, std::string* out) {
  struct stat st {};
  out->append(path);
  if (::stat(path.c_str(), &st) != 0) {
    out->append(" ?\n");
    return;
  }
  out->append(" ")
      .append(std::to_string(st.st_ino))
      .append(" ")
      .append(std::to_string(st.st_size))
      .append(" ")
      .append(std::to_string(st.st_mtim.tv_sec))
      .append(".")
      .append(std::to_string(st.st_mtim.tv_nsec))
      .append("\n");
}

}  // namespace

PolicyStore::PolicyStore(std::string directory) : directory_(std::move(directory)) {}

std::string PolicyStore::fingerprint() const {
  std::string out;
  try {
    // The directories themselves change when files are added, removed or renamed.
    appendStat(directory_, &out);
    appendStat(directory_ + "/identity", &out);
    appendStat(directory_ + "/scp", &out);
    appendStat(directory_ + "/rcp", &out);
    auto files = listPolicyDirectory(directory_);
    if (!files.ok()) {
      out.append(files.status().toString());
      return out;
    }
    const PolicyFiles& f = files.value();
    for (const std::string& path : f.identity) {
      appendStat(path, &out);
    }
    for (const std::string& path : f.scps) {
      appendStat(path, &out);
    }
    for (const std::string& path : f.rcps) {
      appendStat(path, &out);
    }
    for (const std::string* path : {&f.resource, &f.boundary, &f.session, &f.vpcEndpoint}) {
      if (!path->empty()) {
        appendStat(*path, &out);
      }
    }
  } catch (const std::exception& e) {
    out.append(e.what());
  }
  return out;
}

std::string PolicyStore::lastAttemptFingerprint() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lastAttempt_;
}

ReloadResult PolicyStore::reload() {
  std::lock_guard<std::mutex> reloadLock(reloadMutex_);
  // Taken before reading the files: an edit made while loading changes the next fingerprint
  // and is picked up by the next poll.
  std::string attempt = fingerprint();
  auto set = loadPolicyDirectory(directory_);
  ReloadResult result{engine::Status(), 0, 0};
  std::shared_ptr<const engine::PolicySet> previous;  // released after the lock
  {
    std::lock_guard<std::mutex> lock(mutex_);
    lastAttempt_ = std::move(attempt);
    if (set.ok()) {
      result.warnings = set.value()->diagnostics().size();
      previous = std::move(current_);
      current_ = std::move(set).value();
      generation_.fetch_add(1, std::memory_order_release);
    }
  }
  if (set.ok()) {
    reloads_.fetch_add(1, std::memory_order_relaxed);
    lastSuccessTime_.store(
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(),
        std::memory_order_relaxed);
  } else {
    reloadFailures_.fetch_add(1, std::memory_order_relaxed);
    result.status = set.status();
  }
  result.generation = generation();
  return result;
}

std::shared_ptr<const engine::PolicySet> PolicyStore::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

}  // namespace policysim::serve
