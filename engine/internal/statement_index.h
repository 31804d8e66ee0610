// StatementIndex: which statements of one compiled policy can apply to a request, so a decision
// looks at those only and its cost does not grow with the policy's size (issue 17).
//
// Each statement is placed under one "dimension" that every matching request must satisfy:
//   - its Action patterns: literal names by hash, wildcard names by their literal prefix
//     ("ec2:run*" under "ec2:run") or, when the name starts with a wildcard, by their literal
//     suffix per service; actions are compared lower-cased (case-insensitive);
//   - its Resource patterns by their literal prefix ("arn:aws:s3:::tenant-1/*" under
//     "arn:aws:s3:::tenant-1/"), case-sensitive, only when no pattern holds a policy variable;
//   - its first condition when that is an equality on one value (StringEquals, ArnEquals without
//     wildcards, Bool, NumericEquals; no qualifier, no IfExists, no policy variable), by value.
// The compiler picks, per statement, the dimension whose keys the fewest other statements share.
// What none can place (NotAction, Action "*" with any resource and no such condition, ...) is
// kept in a list that every lookup returns. The index is a prefilter: every candidate is still
// evaluated in full, so a hash collision only costs a wasted check.
//
// Skipping a statement must not change what evaluation reports, including the missing context
// keys and errors an evaluated statement records: action is checked first (records nothing),
// resources are used only without policy variables (unresolved ones are reported), a condition
// only as the statement's first one (earlier ones may report missing keys), and when the request
// lacks that condition's key, has several values for it or one of the wrong type, every
// statement placed under the key is a candidate. Statements whose values failed to compile fail
// closed after the resource check, so only their actions place them.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "grammar/condition_operator.h"

namespace policysim::engine {
class Request;
}  // namespace policysim::engine

namespace policysim::engine::internal {

struct CompiledStatement;
struct RequestFacts;

// Open addressing over 64-bit hashes (power-of-two capacity, linear probing): a lookup is a
// mask and a few compares, with no division and no pointer chasing as in std::unordered_map.
class HashSlots {
 public:
  // Slot value i for hashes[i]; equal hashes may repeat (each gets its own slot).
  void build(const std::vector<std::uint64_t>& hashes);
  // Calls visit(value) for every entry built with this hash; stops when visit returns true.
  template <typename Visit>
  void find(std::uint64_t hash, Visit&& visit) const {
    if (values_.empty()) {
      return;
    }
    for (std::size_t slot = hash & mask_; values_[slot] != kEmpty; slot = (slot + 1) & mask_) {
      if (hashes_[slot] == hash && visit(values_[slot])) {
        return;
      }
    }
  }
  [[nodiscard]] std::size_t bytes() const {
    return hashes_.capacity() * sizeof(std::uint64_t) + values_.capacity() * sizeof(std::uint32_t);
  }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> values_;
  std::size_t mask_ = 0;
};

// A small inline hash (8 bytes per multiply) for names and key texts: std::hash is an
// out-of-line call. Quality only affects speed: every candidate is still matched in full.
inline std::uint64_t hashText(std::string_view text) {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ text.size();
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    h = (h ^ word) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 32U;
  }
  std::uint64_t tail = 0;
  for (std::size_t shift = 0; i < text.size(); ++i, shift += 8) {
    tail |= std::uint64_t{static_cast<unsigned char>(text[i])} << shift;
  }
  // A multiply, a fold and another multiply: every input bit reaches the low bits the tables
  // mask with (short keys like "team12" and "team13" differ only in high bytes). The fold must
  // follow a multiply: folding the word loop's folded value again would undo its fold.
  h = (h ^ tail) * 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 32U;
  h *= 0xFF51AFD7ED558CCDULL;
  return h ^ (h >> 29U);
}

// Statement lists by key hash: ascending statement indexes per key, without repeats.
class Postings {
 public:
  // pairs: (key hash, statement), statements ascending in the order given.
  void build(const std::vector<std::pair<std::uint64_t, std::uint32_t>>& pairs);
  // The statements listed under hash (empty if none).
  [[nodiscard]] std::span<const std::uint32_t> find(std::uint64_t hash) const {
    std::span<const std::uint32_t> out;
    slots_.find(hash, [&](std::uint32_t r) {
      out = std::span(postings_).subspan(ranges_[r].begin, ranges_[r].count);
      return true;  // one range per hash
    });
    return out;
  }
  [[nodiscard]] std::size_t bytes() const {
    return slots_.bytes() + ranges_.capacity() * sizeof(Range) +
           postings_.capacity() * sizeof(std::uint32_t);
  }

 private:
  struct Range {
    std::uint32_t begin = 0;
    std::uint32_t count = 0;
  };
  HashSlots slots_;
  std::vector<Range> ranges_;
  std::vector<std::uint32_t> postings_;
};

// Keys that are prefixes (or suffixes) of the request text: the hash of the text's prefix of
// each length some key has is looked up.
struct PrefixPostings {
  Postings postings;
  std::vector<std::uint32_t> lengths;  // distinct key lengths, ascending
};

class StatementIndex {
 public:
  // Key texts longer than this are cut (still a necessary condition), bounding lookup work.
  static constexpr std::size_t kMaxKeyLength = 128;

  static StatementIndex build(std::span<const CompiledStatement> statements);

  // The statements that can apply to the request, ascending and without repeats: a view of
  // one list when only one is found (the common case), else the lists merged into *buffer.
  [[nodiscard]] std::span<const std::uint32_t> candidates(
      const RequestFacts& facts, const Request& request, std::vector<std::uint32_t>* buffer) const {
    if (testMode_.load(std::memory_order_relaxed) != kOff) [[unlikely]] {
      return candidatesForTesting(facts, request, buffer);
    }
    return lookup(facts, request, buffer);
  }

  // Memory held by the index (for the compiled-size report and tests).
  [[nodiscard]] std::size_t bytes() const;

  // Test hooks (process-wide; a decision pays one relaxed load for them). countForTesting():
  // lastCandidateCount() says the size of this thread's last candidates() result from then on.
  // bypassForTesting(true): candidates() returns every statement, as if there were no index
  // (the differential test compares both paths); false: back to the index, still counting.
  static void countForTesting();
  static void bypassForTesting(bool bypass);
  static std::size_t lastCandidateCount();
  // How many statements were placed under each dimension.
  struct Placement {
    std::size_t action = 0;
    std::size_t resource = 0;
    std::size_t condition = 0;
    std::size_t always = 0;
  };
  [[nodiscard]] const Placement& placement() const { return placement_; }

 private:
  friend class StatementIndexBuilder;

  [[nodiscard]] std::span<const std::uint32_t> lookup(const RequestFacts& facts,
                                                      const Request& request,
                                                      std::vector<std::uint32_t>* buffer) const;
  [[nodiscard]] std::span<const std::uint32_t> candidatesForTesting(
      const RequestFacts& facts, const Request& request, std::vector<std::uint32_t>* buffer) const;

  static constexpr std::uint8_t kOff = 0;
  static constexpr std::uint8_t kCounting = 1;
  static constexpr std::uint8_t kBypassed = 2;
  static std::atomic<std::uint8_t> testMode_;

  // Statements placed by their first condition on one key, compared in one operator family.
  struct ConditionGroup {
    std::string_view key;  // lower-cased (the compiled condition's interned view)
    grammar::OperatorFamily family = grammar::OperatorFamily::String;
    Postings byValue;                  // hash of the normalized value (see valueHash)
    std::vector<std::uint32_t> every;  // all statements of the group: the request has no value
  };

  // The key lengths of one service's wildcard action names, so a request probes only the
  // lengths its own service uses.
  struct ServiceLengths {
    std::vector<std::uint32_t> prefix;
    std::vector<std::uint32_t> suffix;
  };

  Postings actionExact_;      // hash of the lower-cased "svc:name"
  Postings actionPrefix_;     // lower-cased "svc:" + name up to its first wildcard
  Postings actionSuffix_;     // per service: name after its last wildcard
  HashSlots actionServices_;  // service hash -> serviceLengths_
  std::vector<ServiceLengths> serviceLengths_;
  PrefixPostings resourcePrefix_;
  std::vector<ConditionGroup> conditions_;
  std::vector<std::uint32_t> always_;
  std::uint32_t statementCount_ = 0;
  bool actionsOnly_ = false;  // only literal actions and always_: lookup() takes a short path
  Placement placement_;
};

}  // namespace policysim::engine::internal
