#include "cli/policy_loading.h"

#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "cli/file_io.h"
#include "engine/policy_json.h"

namespace policysim::cli {
namespace {

engine::Result<engine::PolicyDocument> loadPolicy(const std::string& path, engine::PolicyKind kind,
                                                  std::size_t maxBytes) {
  auto text = readFile(path, maxBytes, "--max-policy-bytes");
  if (!text.ok()) {
    return text.status();
  }
  engine::PolicyParseOptions options;
  options.maxBytes = maxBytes;
  return engine::parsePolicyDocument(text.value(), path, kind, options);
}

engine::Result<engine::PolicyText> loadText(const std::string& path, std::size_t maxBytes) {
  auto text = readFile(path, maxBytes, "--max-policy-bytes");
  if (!text.ok()) {
    return text.status();
  }
  return engine::PolicyText{path, std::move(text).value()};
}

// Loads every file of `files` with load(path, kind) into a PoliciesByKind, in loading order; the
// first error stops it.
template <typename Policy, typename Load>
engine::Result<engine::PoliciesByKind<Policy>> loadAll(const PolicyFiles& files, Load load) {
  engine::PoliciesByKind<Policy> out;
  for (const auto& [kind, path] : files.byKind()) {
    auto policy = load(path, kind);
    if (!policy.ok()) {
      return policy.status();
    }
    out.put(kind, std::move(policy).value());
  }
  return out;
}

// The size of a regular file, else 0 (a stream, a file that cannot be read).
std::size_t fileSize(const std::string& path) {
  struct stat info {};
  if (path != "-" && ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
    return static_cast<std::size_t>(info.st_size);
  }
  return 0;
}

std::size_t largestFile(const PolicyFiles& files) {
  std::size_t largest = 0;
  for (const auto& [kind, path] : files.byKind()) {
    largest = std::max(largest, fileSize(path));
  }
  return largest;
}

// Policies from this size on are loaded with the heap tuned (below).
constexpr std::size_t kLargeLoadBytes = std::size_t{4} << 20U;
// Blocks of this size or more are mmapped by malloc, once the heap is tuned.
std::size_t mmapThreshold = 0;

constexpr std::size_t kHugePage = std::size_t{2} << 20U;
std::uintptr_t hugePageUp(std::uintptr_t at) { return (at + kHugePage - 1) & ~(kHugePage - 1); }
std::uintptr_t hugePageDown(std::uintptr_t at) { return at & ~(kHugePage - 1); }

// Address ranges [first, second), huge-page aligned at their start.
using Ranges = std::vector<std::pair<std::uintptr_t, std::uintptr_t>>;

// Faults in free memory of the heap, a huge page of each list of ranges in turn, until they are
// all done or `stop` is set. MADV_POPULATE_WRITE changes no content (pages already there stay as
// they are), so it never races with the memory the load uses. Where it fails (Linux before
// 5.14, or a range malloc gave back), that list is left: its pages fault when first used.
void faultIn(std::span<const Ranges> lists, const std::atomic<bool>& stop) {
  std::vector<std::size_t> next(lists.size(), 0);   // each list's range being faulted in
  std::vector<std::uintptr_t> at(lists.size(), 0);  // and where in it
  for (std::size_t i = 0; i < lists.size(); ++i) {
    at[i] = lists[i].empty() ? 0 : lists[i][0].first;
  }
  for (bool progress = true; progress && !stop.load(std::memory_order_relaxed);) {
    progress = false;
    for (std::size_t i = 0; i < lists.size(); ++i) {
      if (next[i] >= lists[i].size()) {
        continue;
      }
      const std::uintptr_t to = lists[i][next[i]].second;
      if (madvise(reinterpret_cast<void*>(at[i]), std::min(kHugePage, to - at[i]),
                  MADV_POPULATE_WRITE) != 0) {
        next[i] = lists[i].size();
        continue;
      }
      progress = true;
      at[i] += kHugePage;
      if (at[i] >= to && ++next[i] < lists[i].size()) {
        at[i] = lists[i][next[i]].first;
      }
    }
  }
}

// Faults in the heap reservation on another thread while the load runs: zeroing the pages
// the load will touch is then done on the second core, not in the load's own page faults.
// Stops early, and is joined, when the load is over.
class HeapPrefault {
 public:
  HeapPrefault() = default;
  HeapPrefault(const HeapPrefault&) = delete;
  HeapPrefault& operator=(const HeapPrefault&) = delete;
  ~HeapPrefault() {
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  void start(std::uintptr_t begin, std::size_t bytes) {
    thread_ = std::thread([this, begin, bytes] {
      const Ranges range{{begin, begin + bytes}};
      faultIn(std::span(&range, 1), stop_);
    });
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A cold load of a large policy set (issue 17) spent a third of its time in page faults:
// every 4 KiB page of the text, the parser's copy and the compiled set is a trap and a zeroed
// page, and glibc serves blocks over 128 KiB with fresh mmaps, unmapped again when freed. Once
// per process, before reading policies of several MiB: blocks come from the heap (freed
// memory is reused instead of unmapped), which grows once by about what the load needs, and
// that reservation is marked for transparent huge pages (2 MiB per fault where the kernel has
// them; where it does not, madvise fails and nothing changes). Its first part, what every
// large load touches, goes to *toTouch (empty when unknown) for a thread to fault in while the
// load runs (HeapPrefault, or SecondThread when the load uses both cores itself). Virtual
// space costs nothing until touched. The CLI only: the library never tunes the process's
// allocator. Returns true when the heap is tuned.
struct HeapRange {
  std::uintptr_t begin = 0;
  std::size_t bytes = 0;
};
bool prepareHeapForLargeLoad(const PolicyFiles& files, HeapRange* toTouch) {
  static bool prepared = false;
  if (prepared) {
    return true;
  }
  std::size_t bytes = 0;
  for (const auto& [kind, path] : files.byKind()) {
    bytes += fileSize(path);
  }
  if (bytes < kLargeLoadBytes) {
    return false;
  }
  prepared = true;
  // About 8 bytes of heap per byte of policy at the peak (the text, the parser's copy, the
  // compiled set and its index being built), capped at 1 GiB; every shape of issue 17 touched
  // at least 5.
  const std::size_t reserve = std::min(bytes * 8, std::size_t{1} << 30U);
  const std::size_t touched = std::min(bytes * 5, reserve);
  // (glibc caps the mmap threshold at 32 MiB; a trim threshold below the reservation would
  // give it back at the first free.)
  const std::size_t threshold = std::min(bytes * 2, std::size_t{32} << 20U);
  if (mallopt(M_MMAP_THRESHOLD, static_cast<int>(threshold)) == 1) {
    mmapThreshold = threshold;
  }
  // (Above the reservation, so that freeing the probe below never trims it back.)
  mallopt(M_TRIM_THRESHOLD,
          static_cast<int>(std::max(std::size_t{1} << 30U, reserve + 2 * kHugePage)));
  mallopt(M_TOP_PAD, static_cast<int>(reserve));
  void* probe = std::malloc(kHugePage);  // grows the heap by `reserve` past it
  mallopt(M_TOP_PAD, 128 << 10);         // glibc's default again for later growth
  if (probe == nullptr) {
    return true;
  }
  const auto at = reinterpret_cast<std::uintptr_t>(probe);  // an address only, kept past free
  const auto begin = hugePageUp(at);
  const auto end = hugePageDown(reinterpret_cast<std::uintptr_t>(sbrk(0)));
  std::free(probe);
  // Only when the probe came from the break-grown heap just below the break (glibc's main
  // arena): under another allocator (a sanitizer's) the range would mean nothing.
  if (end > begin && at < end && end - at <= reserve + 2 * kHugePage) {
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    *toTouch = HeapRange{begin, std::min(touched, end - begin)};
  }
  return true;
}

// Grows the calling thread's malloc arena by about what the second part of a two-part compile
// will use (see SecondThread); its ranges to *ranges.
void prepareThreadArena(std::size_t policyBytes, Ranges* ranges) {
  if (mmapThreshold <= kHugePage) {
    return;
  }
  const std::size_t block = mmapThreshold - (std::size_t{64} << 10U);
  // (A thread arena's heap is at most 64 MiB, and glibc unmaps a later heap as soon as it is
  // all free, whatever the trim threshold: only the first heap's worth stays prepared.)
  const std::size_t total = std::min(policyBytes * 5, std::size_t{60} << 20U);
  std::vector<void*> blocks;
  blocks.reserve(total / block + 1);
  for (std::size_t done = 0; done < total; done += block) {
    void* memory = std::malloc(block);
    if (memory == nullptr) {
      break;
    }
    blocks.push_back(memory);
  }
  // Blocks follow one another in the arena's heap (a new heap starts a new range).
  std::uintptr_t begin = 0;
  std::uintptr_t end = 0;
  auto mark = [&] {
    const std::uintptr_t from = hugePageUp(begin);
    const std::uintptr_t to = hugePageDown(end);
    if (to > from) {
      madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
      ranges->emplace_back(from, to);
    }
  };
  for (void* memory : blocks) {
    const auto at = reinterpret_cast<std::uintptr_t>(memory);
    if (end != 0 && (at < end || at - end > 64)) {  // not right after the previous block
      mark();
      begin = at;
    } else if (end == 0) {
      begin = at;
    }
    end = at + block;
  }
  if (end != 0) {
    mark();
  }
  for (void* memory : blocks) {
    std::free(memory);
  }
}

// The second thread of a two-part compile (engine::PolicyParseOptions::secondThread): started
// before the policy file is read, so that what it needs is ready when its part starts. Its
// malloc arena is its own, and faulted its pages 4 KiB at a time (9,800 faults against the main
// thread's 1,000 on a 10 MB policy, a quarter of that thread's time): while the main thread
// reads the file, this one grows its arena by about what a part will use, in blocks just below
// the mmap threshold (so they come from the arena, and stay there when freed: trimming is off),
// marks that range for transparent huge pages and frees the blocks; then, until work comes, it
// faults in that range and the main heap past the policy's text, a huge page of each in turn,
// so that both parts start on memory ready to use. Work that comes is run at once, in order.
// Few blocks, because the header malloc writes at each one's start is a 4 KiB page that keeps
// its 2 MiB range out of huge pages.
class SecondThread {
 public:
  SecondThread() = default;
  SecondThread(const SecondThread&) = delete;
  SecondThread& operator=(const SecondThread&) = delete;
  ~SecondThread() { finish(); }

  // mainHeap: what the main thread's part will touch (after the text, read meanwhile). Returns
  // false when no thread could be started.
  bool start(std::size_t policyBytes, HeapRange mainHeap) {
    try {
      thread_ = std::thread([this, policyBytes, mainHeap] { run(policyBytes, mainHeap); });
      return true;
    } catch (const std::system_error&) {
      return false;
    }
  }
  // Has the thread run `work` (after the huge page it is faulting in, if any). Throws, and the
  // work never runs, once finish() was called (the engine then compiles in one pass).
  void post(std::function<void()> work) {
    {
      const std::lock_guard lock(mutex_);
      if (finishing_ || !thread_.joinable()) {
        throw std::logic_error("the second thread is not running");
      }
      works_.push_back(std::move(work));
    }
    interrupted_.store(true, std::memory_order_relaxed);
    ready_.notify_one();
  }
  // Runs what was posted, then ends the thread and waits for it.
  void finish() {
    {
      const std::lock_guard lock(mutex_);
      finishing_ = true;
    }
    interrupted_.store(true, std::memory_order_relaxed);
    ready_.notify_one();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  void run(std::size_t policyBytes, HeapRange mainHeap) {
    prepare(policyBytes, mainHeap);
    std::unique_lock lock(mutex_);
    while (true) {
      ready_.wait(lock, [&] { return !works_.empty() || finishing_; });
      if (works_.empty()) {
        return;
      }
      std::function<void()> work = std::move(works_.front());
      works_.pop_front();
      lock.unlock();
      work();  // (the engine's work catches what it throws)
      lock.lock();
    }
  }

  // The arena, then the faulting in, until work comes or the thread is to finish.
  void prepare(std::size_t policyBytes, HeapRange mainHeap) {
    Ranges ranges[2];
    prepareThreadArena(policyBytes, &ranges[0]);
    const std::uintptr_t heapFrom = hugePageUp(mainHeap.begin);
    const std::uintptr_t heapTo = hugePageDown(mainHeap.begin + mainHeap.bytes);
    if (heapTo > heapFrom) {
      ranges[1].emplace_back(heapFrom, heapTo);
    }
    faultIn(ranges, interrupted_);
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> works_;
  bool finishing_ = false;
  std::atomic<bool> interrupted_{false};  // work came, or finish(): stop faulting in
  std::thread thread_;
};

}  // namespace

void keepUntilExit(std::shared_ptr<const engine::PolicySet> set) {
  static auto* const kept = new std::vector<std::shared_ptr<const engine::PolicySet>>();
  kept->push_back(std::move(set));
}

void addMaxPolicyBytesOption(CLI::App* command, std::size_t* maxBytes) {
  // Up to 4 GiB - 1: the JSON parser's sizes and offsets are 32-bit.
  constexpr std::size_t kMaxSetting = (std::size_t{1} << 32U) - 1;
  command
      ->add_option("--max-policy-bytes", *maxBytes,
                   "Refuse a policy file larger than this many bytes without reading it "
                   "(default 268435456 = 256 MiB)")
      ->check(CLI::Range(std::size_t{1}, kMaxSetting));
}

void addRcpAndEndpointOptions(CLI::App* command, std::vector<std::string>* rcps,
                              std::string* vpcEndpoint) {
  command
      ->add_option("--rcp", *rcps,
                   "Resource control policy; repeat once per level of the organisation path "
                   "above the resource's account (RCPFullAWSAccess is always attached)")
      ->allow_extra_args(false)
      ->take_all();
  command->add_option("--vpce-policy", *vpcEndpoint,
                      "Policy of the VPC endpoint requests travel through (applies to requests "
                      "carrying aws:SourceVpce)");
}

void addManagementAccountOption(CLI::App* command, std::string* account) {
  command
      ->add_option("--management-account", *account,
                   "The organization's management account: SCPs do not apply to its "
                   "principals, RCPs not to its resources")
      ->check(
          [](const std::string& text) {
            const bool digits =
                text.size() == 12 && text.find_first_not_of("0123456789") == std::string::npos;
            return digits ? std::string() : std::string("must be a 12-digit account ID");
          },
          "ACCOUNT");
}

engine::Result<engine::PolicySetInput> loadPolicyFiles(const PolicyFiles& files) {
  return loadAll<engine::PolicyDocument>(files,
                                         [&](const std::string& path, engine::PolicyKind kind) {
                                           return loadPolicy(path, kind, files.maxBytes);
                                         });
}

engine::Result<std::shared_ptr<const engine::PolicySet>> compilePolicyFiles(
    const PolicyFiles& files, bool quiet, const engine::PolicySetTexts* embedded) {
  engine::PolicyParseOptions options;
  options.maxBytes = files.maxBytes;
  // A large policy is compiled on both cores (see engine::PolicyParseOptions): the second
  // part's thread (SecondThread) then prepares memory while the file is read, instead of a
  // HeapPrefault thread.
  const bool twoParts =
      std::thread::hardware_concurrency() > 1 && largestFile(files) >= options.secondThreadMinBytes;
  HeapPrefault prefault;
  SecondThread second;
  HeapRange toTouch;  // empty when unknown, e.g. in a later load (the heap is tuned once)
  if (prepareHeapForLargeLoad(files, &toTouch)) {
    if (twoParts) {
      // The text is read into the start of the range (by the main thread, faulting it in).
      const std::size_t text = std::min(toTouch.bytes, largestFile(files));
      if (second.start(largestFile(files), HeapRange{toTouch.begin + text, toTouch.bytes - text})) {
        options.secondThread = [&second](std::function<void()> work) {
          second.post(std::move(work));
        };
      } else {  // the engine's own thread prepares its arena at least
        options.onSecondThread = [](std::size_t policyBytes) {
          Ranges ranges;
          prepareThreadArena(policyBytes, &ranges);
        };
      }
    } else if (toTouch.bytes > 0) {
      prefault.start(toTouch.begin, toTouch.bytes);
    }
  }
  auto texts = loadAll<engine::PolicyText>(files, [&](const std::string& path, engine::PolicyKind) {
    return loadText(path, files.maxBytes);
  });
  if (!texts.ok()) {
    return texts.status();
  }
  if (embedded != nullptr) {
    engine::PolicySetTexts& all = texts.value();
    all.identity.insert(all.identity.end(), embedded->identity.begin(), embedded->identity.end());
    const std::pair<const std::optional<engine::PolicyText>*, std::optional<engine::PolicyText>*>
        singles[] = {{&embedded->boundary, &all.boundary}, {&embedded->resource, &all.resource}};
    for (const auto& [from, to] : singles) {
      if (!from->has_value()) {
        continue;
      }
      if (to->has_value()) {
        return engine::Status::invalidArgument(
            "the request file gives this policy and the command line gives " + (*to)->name,
            engine::SourceLocation{(*from)->name, 1, 1});
      }
      *to = **from;
    }
  }
  auto set = engine::PolicySet::compile(texts.value(), options);
  if (set.ok() && !quiet) {
    for (const engine::Diagnostic& diagnostic : set.value()->diagnostics()) {
      std::cerr << diagnostic.toString() << "\n";
    }
  }
  return set;
}

}  // namespace policysim::cli
