// Cutting a large policy's text in two policies that hold its first and last statements, so
// that the two halves are read and compiled on two threads at once (Compiler::compileInParts
// in engine/compiler.cc), and what the two threads exchange. Both parts are read where they
// stand in the text: the first stops after its last statement, the second leaves out the
// first part's statements (engine::PolicyTextPart).
//
// Nothing here parses: the cut is found by looking at bytes, and may fall in the wrong place
// (inside a string, or inside a statement). The compiler proves it right afterwards: the first
// part (the text up to PolicyCut::firstEnd) reads as a valid policy only if it ends just after
// one of the root's statements, and its first statement must start where the search thought
// statements start. Anything else, or a Sid in both parts, and the policy is compiled whole, in one
// pass, as if never cut.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/internal/statement_index.h"
#include "engine/status.h"

namespace policysim::engine::internal {

// Where to cut: offsets in the original text.
struct PolicyCut {
  std::size_t firstStatement = 0;  // the first statement's '{'
  std::size_t firstEnd = 0;        // just past the first part's last statement's '}'
  std::size_t comma = 0;           // the comma before the cut
  std::size_t cut = 0;             // the second part's first statement's '{'
};

// The cut of a policy whose text has the shape {"Version": ..., "Statement": [{...}, ...]}
// (Statement last, an array of objects), at the first "}, {" at or after `near`; nullopt when
// the text does not look like that or no cut is found within a reasonable distance.
[[nodiscard]] std::optional<PolicyCut> findPolicyCut(std::string_view text, std::size_t near);

// The 1-based line and byte column of text[offset], as LineIndex gives them, without building
// an index of every line (a one-line policy of megabytes is scanned at memory speed).
[[nodiscard]] TextPosition positionInText(std::string_view text, std::size_t offset);

// The Sids of the first part's statements, which the second part's thread looks its own up in
// (a Sid in both parts needs the one-pass duplicate warning): the statement index's hash slots
// over their hashes (hashText, taken by the compiler; 0 for no Sid), the texts (views, which
// must outlive the table) compared only when a hash matches. A bit per hash in a filter small
// enough for the second core's cache answers most lookups (Sids are mostly unique) without the
// slots, which are not.
class SidTable {
 public:
  // sids[i] hashes to hashes[i]; empty Sids are left out.
  void build(std::vector<std::string_view> sids, std::vector<std::uint64_t> hashes);
  [[nodiscard]] bool contains(std::string_view sid, std::uint64_t hash) const;

 private:
  std::vector<std::string_view> sids_;
  HashSlots slots_;
  std::vector<std::uint64_t> filter_;  // bit (hash >> shift_) of each Sid's hash
  unsigned shift_ = 64;
};

// What the first part's thread hands the second once its statements are compiled. Published
// once; later calls do nothing. wait() blocks until then.
class FirstPartHandoff {
 public:
  static constexpr std::size_t kFailed = SIZE_MAX;
  struct FirstPart {
    std::size_t statements = kFailed;  // how many (kFailed: the first part did not read)
    const SidTable* sids = nullptr;
  };
  void publish(const FirstPart& first);
  FirstPart wait();

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  bool published_ = false;
  FirstPart first_;
};

// Policies compiled in two parts since the process started (for tests: that a case exercised
// the two-part path, or did not).
void countTwoPartCompile();
[[nodiscard]] std::size_t twoPartCompilesForTesting();

}  // namespace policysim::engine::internal
