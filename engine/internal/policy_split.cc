#include "engine/internal/policy_split.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>

namespace policysim::engine::internal {
namespace {

// How far past its starting point a search looks before giving up (the text is then compiled
// whole; a statement of a megabyte is not what splitting is for).
constexpr std::size_t kMaxScan = std::size_t{1} << 20U;

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skipSpace(std::string_view text, std::size_t at) {
  while (at < text.size() && isJsonSpace(text[at])) {
    ++at;
  }
  return at;
}

// Offset just past the '[' of the first `"Statement" : [` (whitespace allowed between).
std::optional<std::size_t> statementArrayStart(std::string_view text) {
  constexpr std::string_view kKey = "\"Statement\"";
  for (std::size_t at = text.find(kKey); at != std::string_view::npos && at < kMaxScan;
       at = text.find(kKey, at + 1)) {
    std::size_t next = skipSpace(text, at + kKey.size());
    if (next >= text.size() || text[next] != ':') {
      continue;
    }
    next = skipSpace(text, next + 1);
    if (next < text.size() && text[next] == '[') {
      return next + 1;
    }
  }
  return std::nullopt;
}

// Offset of the ']' that closes the root's last member, when the text ends with "] }" (and
// whitespace).
std::optional<std::size_t> lastArrayEnd(std::string_view text) {
  std::size_t at = text.size();
  auto previous = [&]() -> char {  // the previous non-space byte, or 0
    while (at > 0 && isJsonSpace(text[at - 1])) {
      --at;
    }
    return at > 0 ? text[--at] : '\0';
  };
  if (previous() != '}' || previous() != ']') {
    return std::nullopt;
  }
  return at;
}

}  // namespace

std::optional<PolicyCut> findPolicyCut(std::string_view text, std::size_t near) {
  const std::optional<std::size_t> arrayStart = statementArrayStart(text);
  const std::optional<std::size_t> arrayEnd = lastArrayEnd(text);
  if (!arrayStart || !arrayEnd || near < *arrayStart || near >= *arrayEnd) {
    return std::nullopt;
  }
  PolicyCut out;
  out.firstStatement = skipSpace(text, *arrayStart);
  // The first "}, {" at or after `near`: a statement's end, a comma and the next one's start.
  for (std::size_t close = text.find('}', near);; close = text.find('}', close + 1)) {
    if (close == std::string_view::npos || close >= *arrayEnd || close - near > kMaxScan) {
      return std::nullopt;
    }
    out.firstEnd = close + 1;
    out.comma = skipSpace(text, close + 1);
    if (out.comma < *arrayEnd && text[out.comma] == ',') {
      out.cut = skipSpace(text, out.comma + 1);
      if (out.cut < *arrayEnd && text[out.cut] == '{' && out.cut > out.firstStatement) {
        return out;
      }
    }
  }
}

TextPosition positionInText(std::string_view text, std::size_t offset) {
  const char* const begin = text.data();
  const char* const end = begin + offset;
  std::size_t lines = 1;
  const char* at = begin;
  while (const void* found = std::memchr(at, '\n', static_cast<std::size_t>(end - at))) {
    ++lines;
    at = static_cast<const char*>(found) + 1;
  }
  const void* lastBreak = offset == 0 ? nullptr : memrchr(begin, '\n', offset);
  const std::size_t column =
      lastBreak == nullptr ? offset + 1
                           : static_cast<std::size_t>(end - static_cast<const char*>(lastBreak));
  return {lines, column};
}

void SidTable::build(std::vector<std::string_view> sids, std::vector<std::uint64_t> hashes) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < sids.size(); ++i) {
    if (!sids[i].empty()) {
      sids[kept] = sids[i];
      hashes[kept++] = hashes[i];
    }
  }
  sids.resize(kept);
  hashes.resize(kept);
  sids_ = std::move(sids);
  slots_.build(hashes);
  if (hashes.empty()) {
    return;
  }
  // 16 bits per Sid (a lookup of an absent Sid finds its bit set about once in 16), at most
  // 2^20 bits: 128 KiB.
  constexpr unsigned kMaxBits = 20;
  const unsigned bits = std::min<unsigned>(
      kMaxBits, std::bit_width(std::max<std::size_t>(hashes.size() * 16 - 1, 63)));
  shift_ = 64 - bits;
  filter_.assign((std::size_t{1} << bits) / 64, 0);
  for (const std::uint64_t hash : hashes) {
    const std::uint64_t bit = hash >> shift_;
    filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
}

bool SidTable::contains(std::string_view sid, std::uint64_t hash) const {
  if (filter_.empty() || sid.empty()) {
    return false;
  }
  const std::uint64_t bit = hash >> shift_;
  if ((filter_[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) {
    return false;
  }
  bool found = false;
  slots_.find(hash, [&](std::uint32_t i) { return found = sids_[i] == sid; });
  return found;
}

void FirstPartHandoff::publish(const FirstPart& first) {
  {
    std::lock_guard lock(mutex_);
    if (published_) {
      return;
    }
    published_ = true;
    first_ = first;
  }
  ready_.notify_all();
}

FirstPartHandoff::FirstPart FirstPartHandoff::wait() {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [&] { return published_; });
  return first_;
}

namespace {
std::atomic<std::size_t> twoPartCompiles{0};
}  // namespace

void countTwoPartCompile() { twoPartCompiles.fetch_add(1, std::memory_order_relaxed); }

std::size_t twoPartCompilesForTesting() { return twoPartCompiles.load(std::memory_order_relaxed); }

}  // namespace policysim::engine::internal
