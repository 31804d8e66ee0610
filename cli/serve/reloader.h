// Reloader: the thread that reloads what `policysim serve` reads from files (the policy
// directory, the JWK Set) on request (SIGHUP) and when a file has changed and then stayed the
// same for one poll interval (so a copy in progress is not loaded half-way).
// Thread-safety: start()/stop() from one thread; requestReload() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/serve/policy_store.h"

namespace policysim::serve {

// One reloadable source: its name for logs, and its store's operations.
struct ReloadSource {
  std::string name;
  std::string changeReason;  // logged for a change seen by polling: "directory changed"
  std::function<ReloadResult()> reload;
  std::function<std::string()> fingerprint;
  std::function<std::string()> lastAttemptFingerprint;
  // Lines to log after a successful reload (warnings), may be empty.
  std::function<std::vector<std::string>()> warnings;
};

class Reloader {
 public:
  // `log` receives one line per event.
  Reloader(std::vector<ReloadSource> sources, std::chrono::milliseconds interval, bool quiet,
           std::function<void(const std::string&)> log);
  ~Reloader();

  void start();
  void requestReload();
  void stop();

 private:
  void loop();
  void reload(const ReloadSource& source, const char* why);

  std::vector<ReloadSource> sources_;
  const std::chrono::milliseconds interval_;
  const bool quiet_;
  std::function<void(const std::string&)> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace policysim::serve
