// StatementIndex: building it from compiled statements, and looking a request up in it.
#include "engine/internal/statement_index.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <numeric>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/internal/compiled.h"
#include "engine/internal/open_addressing.h"
#include "engine/internal/request_facts.h"
#include "grammar/number.h"

namespace policysim::engine::internal {

using grammar::OperatorFamily;
using grammar::OperatorKind;

void HashSlots::build(const std::vector<std::uint64_t>& hashes) {
  if (hashes.empty()) {
    return;  // find() on an empty table returns at once
  }
  const std::size_t capacity = openAddressingCapacity(hashes.size(), 8);
  mask_ = capacity - 1;
  hashes_.assign(capacity, 0);
  values_.assign(capacity, kEmpty);
  for (std::uint32_t i = 0; i < hashes.size(); ++i) {
    std::size_t slot = hashes[i] & mask_;
    while (values_[slot] != kEmpty) {
      slot = (slot + 1) & mask_;
    }
    hashes_[slot] = hashes[i];
    values_[slot] = i;
  }
}

// Groups the (hash, statement) pairs by hash in two linear passes (a counting sort: statements
// stay ascending within a group, as they were given), dropping repeats of a statement.
void Postings::build(const std::vector<std::pair<std::uint64_t, std::uint32_t>>& pairs) {
  if (pairs.empty()) {
    return;  // find() on an empty table returns at once
  }
  constexpr std::uint32_t kEmpty = UINT32_MAX;
  std::vector<std::uint64_t> hashes;
  std::vector<std::uint32_t> groupOf(pairs.size());
  std::vector<std::uint32_t> last;  // per group: the last statement counted
  const std::size_t capacity = openAddressingCapacity(pairs.size(), 16);
  std::vector<std::uint32_t> slots(capacity, kEmpty);  // hash -> group
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const auto [hash, statement] = pairs[k];
    std::size_t slot = hash & (capacity - 1);
    while (slots[slot] != kEmpty && hashes[slots[slot]] != hash) {
      slot = (slot + 1) & (capacity - 1);
    }
    if (slots[slot] == kEmpty) {
      slots[slot] = static_cast<std::uint32_t>(hashes.size());
      hashes.push_back(hash);
      ranges_.push_back(Range{0, 0});
      last.push_back(kEmpty);
    }
    const std::uint32_t group = slots[slot];
    groupOf[k] = group;
    if (last[group] != statement) {
      last[group] = statement;
      ++ranges_[group].count;
    }
  }
  std::uint32_t begin = 0;
  for (Range& range : ranges_) {
    range.begin = begin;
    begin += range.count;
  }
  postings_.resize(begin);
  std::vector<std::uint32_t> filled(ranges_.size(), 0);
  std::fill(last.begin(), last.end(), kEmpty);
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const std::uint32_t group = groupOf[k];
    const std::uint32_t statement = pairs[k].second;
    if (last[group] != statement) {
      last[group] = statement;
      postings_[ranges_[group].begin + filled[group]++] = statement;
    }
  }
  slots_.build(hashes);
}

namespace {

// Combines a service's hash with a suffix's (suffix keys are per service).
std::uint64_t mixHash(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t h =
      (a ^ (b + 0x9E3779B97F4A7C15ULL + (a << 6U) + (a >> 2U))) * 0xFF51AFD7ED558CCDULL;
  return h ^ (h >> 31U);
}

std::uint64_t numberHash(double number) {
  if (number == 0) {
    number = 0;  // -0 equals 0
  }
  char bytes[sizeof number];
  std::memcpy(bytes, &number, sizeof number);
  return hashText(std::string_view(bytes, sizeof bytes));
}

std::uint64_t boolHash(bool value) { return hashText(value ? "true" : "false"); }

std::size_t firstWildcard(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '*' || text[i] == '?') {
      return i;
    }
  }
  return std::string_view::npos;
}

// The literal text every match of a resource pattern starts with (no policy variables).
std::string resourcePrefix(const ValueTemplate& text) {
  std::string prefix;
  for (const TextPiece& piece : text.pieces()) {
    if (piece.slot != kNoSlot) {
      break;
    }
    if (!piece.glob) {
      prefix += piece.text;
      continue;
    }
    const std::size_t wildcard = firstWildcard(piece.text);
    prefix += std::string_view(piece.text).substr(0, wildcard);
    if (wildcard != std::string_view::npos) {
      break;
    }
  }
  if (prefix.size() > StatementIndex::kMaxKeyLength) {
    prefix.resize(StatementIndex::kMaxKeyLength);
  }
  return prefix;
}

// A first condition the index can place its statement by: an equality on one request value.
bool indexableCondition(const CompiledCondition& condition) {
  if (condition.op.qualifier != grammar::SetQualifier::None || condition.op.ifExists ||
      condition.values.empty()) {
    return false;
  }
  switch (condition.op.kind) {
    case OperatorKind::StringEquals:
      return std::none_of(condition.values.begin(), condition.values.end(),
                          [](const ConditionValue& v) { return v.text.hasVariables(); });
    case OperatorKind::ArnEquals:
      // Only whole ARNs without wildcards: then a match is the same text.
      return std::all_of(condition.values.begin(), condition.values.end(),
                         [](const ConditionValue& v) {
                           return !v.text.hasVariables() && v.extra != nullptr &&
                                  v.extra->arn.valid && v.extra->arn.isArn &&
                                  firstWildcard(v.text.constantText()) == std::string_view::npos;
                         });
    case OperatorKind::Bool:
    case OperatorKind::NumericEquals:
      return true;
    default:
      return false;
  }
}

std::uint64_t policyValueHash(const CompiledCondition& condition, const ConditionValue& value) {
  switch (condition.family) {
    case OperatorFamily::Bool:
      return boolHash(value.boolean);
    case OperatorFamily::Numeric:
      return numberHash(value.number);
    default:
      return hashText(value.text.constantText());
  }
}

// The request value's hash as policyValueHash computes it; false when the value does not
// convert to the family (the condition is then an error, not false).
bool requestValueHash(OperatorFamily family, std::string_view text, std::uint64_t* hash) {
  switch (family) {
    case OperatorFamily::Bool:
      if (equalsIgnoreAsciiCase(text, "true") || equalsIgnoreAsciiCase(text, "false")) {
        *hash = boolHash(equalsIgnoreAsciiCase(text, "true"));
        return true;
      }
      return false;
    case OperatorFamily::Numeric: {
      const auto parsed = grammar::parseDecimal(text);
      if (!parsed.ok()) {
        return false;
      }
      *hash = numberHash(parsed.value());
      return true;
    }
    case OperatorFamily::Arn:
      if (!splitArn(text).isArn) {
        return false;
      }
      *hash = hashText(text);
      return true;
    default:
      *hash = hashText(text);
      return true;
  }
}

enum Dimension : std::uint8_t { kAction, kResource, kCondition, kDimensions };
enum Table : std::uint8_t { kExact, kPrefix, kSuffix, kResourcePrefix, kConditionValue };

struct Key {
  Table table = kExact;
  std::uint32_t length = 0;  // prefix tables
  std::uint32_t group = 0;   // kConditionValue
  std::uint64_t hash = 0;
  std::uint64_t service = 0;  // kPrefix, kSuffix: hash of the action's service
  [[nodiscard]] std::uint64_t counted() const {
    return mixHash(hash, (std::uint64_t{group} << 8U) | table);
  }
};

// How many statements list each key (open addressing over the keys' hashes).
class CountTable {
 public:
  explicit CountTable(std::size_t keys) {
    if (keys == 0) {
      return;
    }
    const std::size_t capacity = openAddressingCapacity(keys, 16);
    mask_ = capacity - 1;
    hashes_.assign(capacity, 0);
    counts_.assign(capacity, 0);
  }
  // Returns the key's slot, for count().
  std::uint32_t add(std::uint64_t hash) {
    const std::size_t at = slot(hash);
    ++counts_[at];
    return static_cast<std::uint32_t>(at);
  }
  [[nodiscard]] std::uint32_t count(std::uint32_t slot) const { return counts_[slot]; }
  // Large sets: the table is far bigger than the caches, so the next keys' slots are fetched
  // while this one is counted.
  void prefetch(std::uint64_t hash) const {
    __builtin_prefetch(&hashes_[hash & mask_]);
    __builtin_prefetch(&counts_[hash & mask_]);
  }
  void prefetchCount(std::uint32_t slot) const { __builtin_prefetch(&counts_[slot]); }

 private:
  [[nodiscard]] std::size_t slot(std::uint64_t hash) const {
    std::size_t at = hash & mask_;
    while (counts_[at] != 0 && hashes_[at] != hash) {
      at = (at + 1) & mask_;
    }
    return at;
  }
  std::size_t slot(std::uint64_t hash) {
    const std::size_t at = std::as_const(*this).slot(hash);
    hashes_[at] = hash;
    return at;
  }
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> counts_;
  std::size_t mask_ = 0;
};

// Collects lists; only merges (into the buffer) when more than one is non-empty.
// Two lists (the common case of a merge) are united in one linear pass; more are sorted.
class Collector {
 public:
  explicit Collector(std::vector<std::uint32_t>* buffer) : buffer_(buffer) {}
  void add(std::span<const std::uint32_t> list) {
    if (list.empty()) {
      return;
    }
    if (lists_ < 2) {
      kept_[lists_] = list;
    } else {
      if (lists_ == 2) {
        buffer_->assign(kept_[0].begin(), kept_[0].end());
        buffer_->insert(buffer_->end(), kept_[1].begin(), kept_[1].end());
      }
      buffer_->insert(buffer_->end(), list.begin(), list.end());
    }
    ++lists_;
  }
  std::span<const std::uint32_t> result() {
    if (lists_ <= 1) {
      return kept_[0];
    }
    if (lists_ == 2) {
      return unite(kept_[0], kept_[1], buffer_);
    }
    std::sort(buffer_->begin(), buffer_->end());
    buffer_->erase(std::unique(buffer_->begin(), buffer_->end()), buffer_->end());
    return *buffer_;
  }
  // Two ascending lists without repeats -> one (resize reuses the buffer's capacity).
  static std::span<const std::uint32_t> unite(std::span<const std::uint32_t> a,
                                              std::span<const std::uint32_t> b,
                                              std::vector<std::uint32_t>* buffer) {
    buffer->resize(a.size() + b.size());
    const auto end = std::set_union(a.begin(), a.end(), b.begin(), b.end(), buffer->begin());
    buffer->resize(static_cast<std::size_t>(end - buffer->begin()));
    return *buffer;
  }

 private:
  std::vector<std::uint32_t>* buffer_;
  std::array<std::span<const std::uint32_t>, 2> kept_;
  std::size_t lists_ = 0;
};

void findPrefixes(const Postings& table, std::span<const std::uint32_t> lengths,
                  std::string_view text, std::uint64_t seed, bool suffix, Collector* out) {
  for (const std::uint32_t length : lengths) {
    if (length > text.size()) {
      break;
    }
    const std::string_view part =
        suffix ? text.substr(text.size() - length) : text.substr(0, length);
    const std::uint64_t h = suffix ? mixHash(seed, hashText(part)) : hashText(part);
    out->add(table.find(h));
  }
}

void sortUnique(std::vector<std::uint32_t>* list) {
  std::sort(list->begin(), list->end());
  list->erase(std::unique(list->begin(), list->end()), list->end());
}

}  // namespace

class StatementIndexBuilder {
 public:
  explicit StatementIndexBuilder(std::span<const CompiledStatement> statements)
      : statements_(statements) {}

  StatementIndex build() {
    // First pass: every statement's keys under every dimension that can place it, and how
    // many statements each key would list.
    const std::size_t n = statements_.size();
    std::vector<Key> keys;
    keys.reserve(n * 2);
    constexpr std::uint32_t kUnusable = UINT32_MAX;
    std::vector<std::uint32_t> starts(n * kDimensions + 1, kUnusable);  // keys of (i, d)
    bool choice = false;  // some statement can be placed under two dimensions or more
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t usable = 0;
      for (std::size_t d = 0; d < kDimensions; ++d) {
        const std::size_t begin = keys.size();
        if (keysOf(statements_[i], static_cast<Dimension>(d), &keys)) {
          starts[i * kDimensions + d] = static_cast<std::uint32_t>(begin);
          ++usable;
        } else {
          keys.resize(begin);
        }
      }
      choice = choice || usable > 1;
    }
    starts[n * kDimensions] = static_cast<std::uint32_t>(keys.size());
    // The end of (i, d)'s keys: the start of the next usable entry.
    std::vector<std::uint32_t> ends(n * kDimensions);
    for (std::size_t k = n * kDimensions, next = keys.size(); k-- > 0;) {
      ends[k] = static_cast<std::uint32_t>(next);
      if (starts[k] != kUnusable) {
        next = starts[k];
      }
    }
    // A policy whose every statement has one dimension at most is placed without counting:
    // nothing to choose (a large set of distinct literal actions: counting was about 6% of its
    // cold load). Small policies are counted too: ten statements sharing one action (a tenant
    // per bucket prefix, a team per tag value) would otherwise all be candidates of every
    // request under that action.
    const bool uncounted = !choice;
    constexpr std::size_t kAhead = 16;
    std::vector<std::uint64_t> counted(uncounted ? 0 : keys.size());
    for (std::size_t k = 0; k < counted.size(); ++k) {
      counted[k] = keys[k].counted();
    }
    CountTable counts(counted.size());
    std::vector<std::uint32_t> slotOf(counted.size());
    for (std::size_t k = 0; k < counted.size(); ++k) {
      if (k + kAhead < keys.size()) {
        counts.prefetch(counted[k + kAhead]);
      }
      slotOf[k] = counts.add(counted[k]);
    }
    // Second pass: each statement under its cheapest dimension (ties: action, the cheapest
    // lookup, then resource).
    std::array<std::vector<std::pair<std::uint64_t, std::uint32_t>>, 4> pairs;
    std::vector<std::vector<std::pair<std::uint64_t, std::uint32_t>>> conditionPairs(
        index_.conditions_.size());
    std::vector<std::uint32_t> resourceLengths;
    std::unordered_map<std::uint64_t, std::uint32_t> serviceIds;  // into serviceLengths_
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint64_t bestCost = UINT64_MAX;
      int best = -1;
      for (std::size_t d = 0; d < kDimensions; ++d) {
        const std::uint32_t begin = starts[std::size_t{i} * kDimensions + d];
        if (begin == kUnusable) {
          continue;
        }
        std::uint64_t cost = uncounted ? d : 0;
        for (std::uint32_t k = begin; !uncounted && k < ends[std::size_t{i} * kDimensions + d];
             ++k) {
          if (k + kAhead < slotOf.size()) {
            counts.prefetchCount(slotOf[k + kAhead]);
          }
          cost += counts.count(slotOf[k]);
        }
        if (cost < bestCost) {
          bestCost = cost;
          best = static_cast<int>(d);
        }
      }
      if (best < 0) {
        index_.always_.push_back(i);
        ++index_.placement_.always;
        continue;
      }
      const std::size_t chosen = std::size_t{i} * kDimensions + static_cast<std::size_t>(best);
      for (std::uint32_t k = starts[chosen]; k < ends[chosen]; ++k) {
        const Key& key = keys[k];
        if (key.table == kConditionValue) {
          conditionPairs[key.group].emplace_back(key.hash, i);
          auto& every = index_.conditions_[key.group].every;
          if (every.empty() || every.back() != i) {
            every.push_back(i);
          }
        } else {
          pairs[key.table].emplace_back(key.hash, i);
          if (key.table == kResourcePrefix) {
            resourceLengths.push_back(key.length);
          } else if (key.table != kExact) {
            const auto [it, added] = serviceIds.try_emplace(
                key.service, static_cast<std::uint32_t>(index_.serviceLengths_.size()));
            if (added) {
              index_.serviceLengths_.emplace_back();
            }
            StatementIndex::ServiceLengths& lengths = index_.serviceLengths_[it->second];
            (key.table == kPrefix ? lengths.prefix : lengths.suffix).push_back(key.length);
          }
        }
      }
      ++(best == kAction     ? index_.placement_.action
         : best == kResource ? index_.placement_.resource
                             : index_.placement_.condition);
    }
    index_.actionExact_.build(pairs[kExact]);
    index_.actionPrefix_.build(pairs[kPrefix]);
    index_.actionSuffix_.build(pairs[kSuffix]);
    std::vector<std::uint64_t> serviceHashes(serviceIds.size());
    for (const auto& [hash, id] : serviceIds) {
      serviceHashes[id] = hash;
      sortUnique(&index_.serviceLengths_[id].prefix);
      sortUnique(&index_.serviceLengths_[id].suffix);
    }
    index_.actionServices_.build(serviceHashes);
    index_.resourcePrefix_.postings.build(pairs[kResourcePrefix]);
    sortUnique(&resourceLengths);
    index_.resourcePrefix_.lengths = std::move(resourceLengths);
    for (std::size_t g = 0; g < conditionPairs.size(); ++g) {
      index_.conditions_[g].byValue.build(conditionPairs[g]);
    }
    std::erase_if(index_.conditions_,
                  [](const StatementIndex::ConditionGroup& group) { return group.every.empty(); });
    return std::move(index_);
  }

 private:
  // The keys that place `statement` under dimension d; false when d cannot place it.
  bool keysOf(const CompiledStatement& statement, Dimension d, std::vector<Key>* keys) {
    switch (d) {
      case kAction:
        return actionKeys(statement, keys);
      case kResource:
        return statement.problems().empty() && resourceKeys(statement, keys);
      case kCondition:
        return statement.problems().empty() && conditionKeys(statement, keys);
      case kDimensions:
        break;
    }
    return false;
  }

  static bool actionKeys(const CompiledStatement& statement, std::vector<Key>* keys) {
    if (statement.notAction || statement.actions.empty()) {
      return false;
    }
    for (const ActionPattern& action : statement.actions) {
      if (action.any) {
        return false;
      }
      if (action.literal) {
        keys->push_back(Key{kExact, 0, 0, action.hash});
        continue;
      }
      // A wildcard name: its service is compared whole, its name as a glob.
      const std::string_view name = action.lowered.substr(action.serviceSize + 1);
      const std::size_t first = firstWildcard(name);
      std::size_t lastWildcard = name.size() - 1;
      while (name[lastWildcard] != '*' && name[lastWildcard] != '?') {
        --lastWildcard;
      }
      const std::string_view suffix = name.substr(lastWildcard + 1);
      if (first == 0 && !suffix.empty()) {
        const std::string_view cut =
            suffix.substr(suffix.size() - std::min(suffix.size(), StatementIndex::kMaxKeyLength));
        const std::uint64_t service = hashText(action.service());
        keys->push_back(Key{kSuffix, static_cast<std::uint32_t>(cut.size()), 0,
                            mixHash(service, hashText(cut)), service});
      } else {
        const std::string_view prefix = action.lowered.substr(
            0, std::min(action.serviceSize + 1 + first, StatementIndex::kMaxKeyLength));
        keys->push_back(Key{kPrefix, static_cast<std::uint32_t>(prefix.size()), 0, hashText(prefix),
                            hashText(action.service())});
      }
    }
    return true;
  }

  static bool resourceKeys(const CompiledStatement& statement, std::vector<Key>* keys) {
    if (!statement.hasResource || statement.notResource || statement.anyResource ||
        statement.resources.empty()) {
      return false;
    }
    for (const ResourcePattern& pattern : statement.resources) {
      if (pattern.any || pattern.hasVariables()) {
        return false;
      }
      std::string general;  // only patterns that are not compact build their prefix
      std::string_view prefix;
      if (pattern.compact) {
        prefix = pattern.literal();
      } else if (pattern.matcher->pattern.compact) {
        prefix = pattern.matcher->pattern.literal;
      } else {
        prefix = general = resourcePrefix(pattern.matcher->text);
      }
      prefix = prefix.substr(0, StatementIndex::kMaxKeyLength);
      keys->push_back(
          Key{kResourcePrefix, static_cast<std::uint32_t>(prefix.size()), 0, hashText(prefix)});
    }
    return true;
  }

  bool conditionKeys(const CompiledStatement& statement, std::vector<Key>* keys) {
    // Unresolved variables of a resource pattern are reported when it is checked, before any
    // condition: such a statement must be evaluated.
    const bool resourceVariables =
        std::any_of(statement.resources.begin(), statement.resources.end(),
                    [](const ResourcePattern& p) { return p.hasVariables(); });
    if (statement.conditions.empty() || resourceVariables ||
        !indexableCondition(statement.conditions.front())) {
      return false;
    }
    const CompiledCondition& condition = statement.conditions.front();
    const std::uint32_t group = groupOf(condition);
    for (const ConditionValue& value : condition.values) {
      keys->push_back(Key{kConditionValue, 0, group, policyValueHash(condition, value)});
    }
    return true;
  }

  // Condition keys are interned per set (CompiledSet::strings): one text, one view.
  std::uint32_t groupOf(const CompiledCondition& condition) {
    auto& groups = index_.conditions_;
    const auto identity = (reinterpret_cast<std::uintptr_t>(condition.key.data()) << 4U) |
                          static_cast<std::uintptr_t>(condition.family);
    const auto [it, added] =
        groupIds_.try_emplace(identity, static_cast<std::uint32_t>(groups.size()));
    if (added) {
      groups.emplace_back().key = condition.key;
      groups.back().family = condition.family;
    }
    return it->second;
  }

  std::span<const CompiledStatement> statements_;
  StatementIndex index_;
  std::unordered_map<std::uintptr_t, std::uint32_t> groupIds_;  // into index_.conditions_
};

namespace {
thread_local std::size_t lastCount = 0;
}  // namespace

std::atomic<std::uint8_t> StatementIndex::testMode_{0};

void StatementIndex::countForTesting() { testMode_.store(kCounting); }
void StatementIndex::bypassForTesting(bool bypass) {
  testMode_.store(bypass ? kBypassed : kCounting);
}
std::size_t StatementIndex::lastCandidateCount() { return lastCount; }

StatementIndex StatementIndex::build(std::span<const CompiledStatement> statements) {
  StatementIndex index = StatementIndexBuilder(statements).build();
  index.statementCount_ = static_cast<std::uint32_t>(statements.size());
  index.actionsOnly_ = index.placement_.action + index.placement_.always == statements.size() &&
                       index.serviceLengths_.empty();
  return index;
}

std::span<const std::uint32_t> StatementIndex::candidatesForTesting(
    const RequestFacts& facts, const Request& request, std::vector<std::uint32_t>* buffer) const {
  if (testMode_.load() == kBypassed) {
    buffer->resize(statementCount_);
    std::iota(buffer->begin(), buffer->end(), 0U);
    lastCount = buffer->size();
    return *buffer;
  }
  const std::span<const std::uint32_t> found = lookup(facts, request, buffer);
  lastCount = found.size();
  return found;
}

std::span<const std::uint32_t> StatementIndex::lookup(const RequestFacts& facts,
                                                      const Request& request,
                                                      std::vector<std::uint32_t>* buffer) const {
  if (actionsOnly_) {  // the common shape of small policies: two lists at most
    const std::span<const std::uint32_t> exact = actionExact_.find(facts.actionHash);
    if (always_.empty() || exact.empty()) {
      return always_.empty() ? exact : always_;
    }
    return Collector::unite(always_, exact, buffer);
  }
  Collector out(buffer);
  out.add(always_);
  out.add(actionExact_.find(facts.actionHash));
  actionServices_.find(facts.serviceHash, [&](std::uint32_t s) {
    const ServiceLengths& lengths = serviceLengths_[s];
    findPrefixes(actionPrefix_, lengths.prefix, facts.loweredAction, 0, false, &out);
    findPrefixes(actionSuffix_, lengths.suffix, facts.actionName, facts.serviceHash, true, &out);
    return true;  // one entry per service hash
  });
  findPrefixes(resourcePrefix_.postings, resourcePrefix_.lengths, request.resource, 0, false, &out);
  for (const ConditionGroup& group : conditions_) {
    const ContextValue* value = request.findLowerCaseContext(group.key);
    std::uint64_t hash = 0;
    if (value == nullptr || value->multivalued || value->values.size() != 1 ||
        !requestValueHash(group.family, value->values.front(), &hash)) {
      out.add(group.every);  // the condition is not simply false: evaluate them
    } else {
      out.add(group.byValue.find(hash));
    }
  }
  return out.result();
}

std::size_t StatementIndex::bytes() const {
  std::size_t total = actionExact_.bytes() + actionPrefix_.bytes() + actionSuffix_.bytes() +
                      actionServices_.bytes() + resourcePrefix_.postings.bytes() +
                      resourcePrefix_.lengths.capacity() * sizeof(std::uint32_t) +
                      always_.capacity() * sizeof(std::uint32_t);
  for (const ServiceLengths& lengths : serviceLengths_) {
    total += sizeof lengths +
             (lengths.prefix.capacity() + lengths.suffix.capacity()) * sizeof(std::uint32_t);
  }
  for (const ConditionGroup& group : conditions_) {
    total += sizeof group + group.byValue.bytes() + group.every.capacity() * sizeof(std::uint32_t);
  }
  return total;
}

}  // namespace policysim::engine::internal
