// The compiler: PolicyDocuments (or policy texts, read statement by statement) -> the compiled
// statements of a PolicySet (engine/internal/compiled.h). Action and resource patterns,
// condition operators and constant condition values are parsed once here, so that the
// evaluator (engine/evaluator.h) only compares.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>

#include "engine/internal/compiled.h"
#include "engine/internal/policy_split.h"
#include "engine/internal/recent_texts.h"
#include "engine/policy_set.h"
#include "grammar/number.h"
#include "grammar/policy_variable.h"
#include "grammar/wildcard.h"

namespace policysim::engine {
namespace internal {

using grammar::OperatorFamily;
using grammar::OperatorKind;

namespace {

class Compiler {
 public:
  explicit Compiler(CompiledSet* set)
      : storage_(&set->parts),
        diagnostics_(&set->diagnostics),
        strings_(&set->strings),
        texts_(&set->texts),
        resourceMatchers_(&set->resourceMatchers),
        origins_(&set->origins) {}

  CompiledPolicy compilePolicy(const PolicyDocument& document, std::size_t policyIndex) {
    diagnostics_->insert(diagnostics_->end(), document.warnings.begin(), document.warnings.end());
    ranges_.clear();  // (left over only if an earlier policy failed to read)
    valueRanges_.clear();
    knownValues_.clear();
    CompiledPolicy policy;
    policy.kind = document.kind;
    policy.name = document.name;
    policy.statements.reserve(document.statements.size());
    startOrigin(document.kind, policyIndex, document.name);
    reserveRecentTexts(document.statements.size());
    for (const Statement& statement : document.statements) {
      compileStatement(document, statement, &policy);
    }
    finishPolicy(&policy);
    return policy;
  }

  // Reads and compiles each statement as it is read: no PolicyDocument is kept. Diagnostics
  // come in the same order as above (the reader's, then the compiler's). A large policy is
  // compiled in two parts on two threads when its text allows (compileInParts).
  Result<CompiledPolicy> compilePolicy(const PolicyText& text, PolicyKind kind,
                                       std::size_t policyIndex, const PolicyParseOptions& options) {
    // (A text over the size limit is refused by the one-pass reader: its halves are not.)
    if (text.json.size() >= options.secondThreadMinBytes &&
        text.json.size() <= std::min<std::size_t>(options.maxBytes, UINT32_MAX - 1) &&
        std::thread::hardware_concurrency() > 1) {
      if (std::optional<CompiledPolicy> policy = compileInParts(text, kind, policyIndex, options)) {
        return std::move(*policy);
      }
    }
    Diagnostics found;
    auto policy = readAndCompile(text.name, text.json, kind, policyIndex, options, &found);
    if (policy.ok()) {
      found.appendTo(diagnostics_);
    }
    return policy;
  }

 private:
  // A policy's diagnostics: the reader's (in source order), then the compiler's (in statement
  // order).
  struct Diagnostics {
    std::vector<Diagnostic> reader;
    std::vector<Diagnostic> compiler;
    void appendTo(std::vector<Diagnostic>* out) {
      out->insert(out->end(), std::make_move_iterator(reader.begin()),
                  std::make_move_iterator(reader.end()));
      out->insert(out->end(), std::make_move_iterator(compiler.begin()),
                  std::make_move_iterator(compiler.end()));
    }
  };

  // One part of a policy compiled in two (compileInParts): where it stands in the policy's
  // text, and its statements' Sid hashes (0: no Sid), taken while each statement is in cache.
  // The first part also keeps their Sids (views of the set's copies) for its SidTable; the
  // second part looks its own up in that table by statement.
  struct Part {
    PolicyTextPart reading;
    bool keepSids = false;
    std::vector<std::string_view> sids;
    std::vector<std::uint64_t> sidHashes;
  };

  Result<CompiledPolicy> readAndCompile(const std::string& name, std::string_view json,
                                        PolicyKind kind, std::size_t policyIndex,
                                        const PolicyParseOptions& options, Diagnostics* found,
                                        Part* part = nullptr) {
    PolicyDocument header;
    header.name = name;
    header.kind = kind;
    ranges_.clear();
    valueRanges_.clear();
    knownValues_.clear();
    CompiledPolicy policy;
    policy.kind = kind;
    policy.name = name;
    startOrigin(kind, policyIndex, name);
    // While reading: compiler diagnostics to *found, Sids to *part (restored on every way out).
    struct Restore {
      Compiler* compiler;
      std::vector<Diagnostic>* diagnostics;
      ~Restore() {
        compiler->diagnostics_ = diagnostics;
        compiler->part_ = nullptr;
      }
    };
    Status status;
    {
      const Restore restore{this, std::exchange(diagnostics_, &found->compiler)};
      part_ = part;
      status = readPolicy(
          json, options, &header,
          [&](Statement& statement, std::size_t count) {
            policy.statements.reserve(count);
            if (policy.statements.empty()) {
              startPools(&policy);
            } else if (policy.statements.size() == kPlanningSample && count > kPlanningSample) {
              planPools(count, &policy);
              reserveRecentTexts(count);
            }
            compileStatement(header, statement, &policy);
          },
          part != nullptr ? part->reading : PolicyTextPart{});
    }
    if (!status.ok()) {
      return status;
    }
    found->reader = std::move(header.warnings);
    finishPolicy(&policy);
    return policy;
  }

  // A policy of many statements, compiled as two: this thread reads and compiles the first
  // statements, a second thread (with its own compiler and storage, kept in the set) the
  // others, each part with its own index; the evaluator goes through both (CompiledPolicy::
  // rest). Both parts are read where they stand in the text (PolicyTextPart), so positions
  // need no mapping. Statement numbers and diagnostics come out as from one pass.
  // Returns nullopt (nothing changed but the set's shared storage, which keeps what the first
  // part stored there) when the text cannot be cut, when either part does not
  // read (the whole text then gets the one-pass reading and its messages), or when the parts
  // could not be told apart from the text (see policy_split.h), or share a Sid (the duplicate
  // warning needs the one pass).
  std::optional<CompiledPolicy> compileInParts(const PolicyText& text, PolicyKind kind,
                                               std::size_t policyIndex,
                                               const PolicyParseOptions& options) {
    const std::optional<PolicyCut> cut = findPolicyCut(text.json, text.json.size() / 2);
    if (!cut) {
      return std::nullopt;
    }
    PolicyParseOptions partOptions = options;
    partOptions.secondThreadMinBytes = SIZE_MAX;
    partOptions.onSecondThread = nullptr;
    partOptions.secondThread = nullptr;
    auto storage = std::make_unique<CompiledSet>();
    FirstPartHandoff handoff;
    SidTable firstSids;  // published to the second thread: outlives it
    SecondPart second;
    // The work says it is done through a promise: the state they share lives as long as either
    // (a latch here could be gone while the other thread is still inside its count_down).
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> secondDone = done->get_future();
    auto work = [&, done] {
      try {
        if (options.onSecondThread) {
          try {
            options.onSecondThread(text.json.size());
          } catch (...) {  // a preparation that failed only costs speed
          }
        }
        Compiler compiler(storage.get());
        second.part.reading.skipFrom = cut->firstStatement;  // the first part's statements
        second.part.reading.skipTo = cut->cut;
        second.policy = compiler.readAndCompile(text.name, text.json, kind, policyIndex,
                                                partOptions, &second.found, &second.part);
        second.finish(positionInText(text.json, cut->firstStatement), &handoff);
      } catch (...) {
        second.failure = std::current_exception();
      }
      done->set_value();
    };
    std::optional<std::jthread> ownThread;  // when the caller gives no thread of its own
    struct AwaitSecond {  // every way out waits for the work, before what it uses goes away
      std::future<void>* done = nullptr;
      ~AwaitSecond() {
        if (done != nullptr) {
          done->wait();
        }
      }
    } awaitSecond;
    try {
      if (options.secondThread) {
        options.secondThread(work);
      } else {
        ownThread.emplace(work);
      }
      awaitSecond.done = &secondDone;
    } catch (...) {  // no second thread to be had (or the caller's refused the work)
      return std::nullopt;
    }
    struct Unblock {  // the second thread never waits for a first part that failed (before
                      // awaitSecond, as a later local)
      FirstPartHandoff* handoff;
      ~Unblock() { handoff->publish(FirstPartHandoff::FirstPart{}); }
    } unblock{&handoff};
    Diagnostics firstFound;
    Part firstPart;
    firstPart.reading.endsAfterStatement = true;
    firstPart.keepSids = true;
    Result<CompiledPolicy> first =
        readAndCompile(text.name, std::string_view(text.json).substr(0, cut->firstEnd), kind,
                       policyIndex, partOptions, &firstFound, &firstPart);
    if (first.ok()) {
      firstSids.build(std::move(firstPart.sids), std::move(firstPart.sidHashes));
      handoff.publish({first.value().statements.size(), &firstSids});
    }
    handoff.publish(FirstPartHandoff::FirstPart{});  // failed (a no-op when published above)
    secondDone.wait();
    if (second.failure) {
      std::rethrow_exception(second.failure);
    }
    if (!first.ok() || !second.policy || !second.policy->ok() || second.sharesSid ||
        !startsWhereCutSays(text.json, *cut, first.value())) {
      return std::nullopt;
    }
    Diagnostics found;  // in the order of one pass: the readers', then the compilers'
    found.reader = std::move(firstFound.reader);
    found.reader.insert(found.reader.end(), std::make_move_iterator(second.found.reader.begin()),
                        std::make_move_iterator(second.found.reader.end()));
    found.compiler = std::move(firstFound.compiler);
    found.compiler.insert(found.compiler.end(),
                          std::make_move_iterator(second.found.compiler.begin()),
                          std::make_move_iterator(second.found.compiler.end()));
    found.appendTo(diagnostics_);
    CompiledPolicy& head = first.value();
    head.rest = std::make_unique<CompiledPolicy>(std::move(*second.policy).value());
    storage_->push_back(std::move(storage));
    countTwoPartCompile();
    return std::move(head);
  }

  // The second part, finished on its own thread (its statements are in that core's cache) once
  // the first part is done: statements numbered on from the first part's, and whether a Sid is
  // in both parts.
  struct SecondPart {
    Part part;
    std::optional<Result<CompiledPolicy>> policy;
    Diagnostics found;
    bool sharesSid = false;
    std::exception_ptr failure;

    // statementsStart: where the first part's first statement starts.
    void finish(TextPosition statementsStart, FirstPartHandoff* handoff) {
      if (!policy->ok()) {
        return;
      }
      // Its reader also warned about the root's elements before the statements (which the
      // first part read too): only its statements' warnings are kept.
      std::erase_if(found.reader, [&](const Diagnostic& d) {
        return d.location.line < statementsStart.line ||
               (d.location.line == statementsStart.line &&
                d.location.column < statementsStart.column);
      });
      const FirstPartHandoff::FirstPart first = handoff->wait();
      if (first.statements == FirstPartHandoff::kFailed) {
        return;
      }
      std::vector<CompiledStatement>& statements = policy->value().statements;
      for (std::size_t i = 0; i < statements.size(); ++i) {
        CompiledStatement& statement = statements[i];
        statement.index += static_cast<std::uint32_t>(first.statements);
        sharesSid = sharesSid || first.sids->contains(statement.sid, part.sidHashes[i]);
      }
    }
  };

  // True when the first part's first statement is where the cut's search thought statements
  // start: the second part then has the same root elements before its statements.
  static bool startsWhereCutSays(std::string_view text, const PolicyCut& cut,
                                 const CompiledPolicy& first) {
    if (first.statements.empty()) {
      return false;
    }
    const TextPosition start = positionInText(text, cut.firstStatement);
    const CompiledStatement& firstStatement = first.statements.front();
    return firstStatement.line == start.line && firstStatement.column == start.column;
  }

  // Where one statement's parts start in the policy's pools, while the pools still grow. Its
  // actions may be the previous statement's (see sameActions), so they say where they end.
  struct Ranges {
    std::uint32_t actions = 0;
    std::uint32_t actionsEnd = 0;
    std::uint32_t resources = 0;
    std::uint32_t conditions = 0;
  };

  static std::uint32_t sizeOf(const auto& pool) { return static_cast<std::uint32_t>(pool.size()); }
  // A statement's number and position: under 4 Gi from any text (parseJson's ceiling); a
  // caller's PolicyDocument could say more, and saturates rather than wraps.
  static std::uint32_t to32(std::size_t value) {
    return static_cast<std::uint32_t>(std::min<std::size_t>(value, UINT32_MAX));
  }

  // After this many statements the pools are sized for the whole policy, from what those
  // statements used: growing by doubling copied each pool about twice over and left up to half
  // of it unused (a tenth of a large set's memory). finishPolicy trims a plan that overshot.
  static constexpr std::size_t kPlanningSample = 64;
  static void startPools(CompiledPolicy* policy) {  // skips the first doublings of a policy
    constexpr std::size_t kInitial = 16;
    policy->actions.reserve(kInitial);
    policy->resources.reserve(kInitial);
    policy->conditions.reserve(kInitial);
    policy->values.reserve(kInitial);
  }
  static void planPools(std::size_t expectedStatements, CompiledPolicy* policy) {
    const std::size_t sample = policy->statements.size();
    auto plan = [&](auto& pool) {
      pool.reserve(pool.size() * expectedStatements / sample + pool.size() / 8);
    };
    plan(policy->actions);
    plan(policy->resources);
    plan(policy->conditions);
    plan(policy->values);
  }
  // Sizes the caches of texts to share for a policy of about `statements` statements.
  void reserveRecentTexts(std::size_t statements) {
    knownValues_.reserve(statements);
    knownResources_[0].reserve(statements);
    knownResources_[1].reserve(statements);
  }
  // Gives back what a pool holds beyond an eighth over its size, when that is worth a copy.
  static void trim(auto* pool) {
    const std::size_t unused = pool->capacity() - pool->size();
    if (unused > pool->size() / 8 && unused * sizeof(pool->front()) > kTrimBytes) {
      pool->shrink_to_fit();
    }
  }
  static constexpr std::size_t kTrimBytes = std::size_t{64} << 10U;

  // The pools are complete: point the spans at them, then index the actions.
  void finishPolicy(CompiledPolicy* policy) {
    trim(&policy->statements);
    trim(&policy->actions);
    trim(&policy->resources);
    trim(&policy->conditions);
    trim(&policy->values);
    for (std::size_t i = 0; i < policy->statements.size(); ++i) {
      CompiledStatement& statement = policy->statements[i];
      const Ranges& begin = ranges_[i];
      const Ranges end = i + 1 < ranges_.size()
                             ? ranges_[i + 1]
                             : Ranges{0, 0, sizeOf(policy->resources), sizeOf(policy->conditions)};
      statement.actions =
          std::span(policy->actions).subspan(begin.actions, begin.actionsEnd - begin.actions);
      statement.resources =
          std::span(policy->resources).subspan(begin.resources, end.resources - begin.resources);
      statement.conditions = std::span(policy->conditions)
                                 .subspan(begin.conditions, end.conditions - begin.conditions);
    }
    for (std::size_t i = 0; i < policy->conditions.size(); ++i) {
      const ValueRange range = valueRanges_[i];
      policy->conditions[i].values =
          std::span(policy->values).subspan(range.begin, range.end - range.begin);
    }
    ranges_.clear();
    valueRanges_.clear();
    knownValues_.clear();
    valueKeys_ = Arena();
    policy->index = StatementIndex::build(policy->statements);
  }

  // What the statements of the policy about to be compiled share in their StatementRef. The
  // name's copy in the set's text arena never moves (CompiledPolicy::name does, with the policy).
  void startOrigin(PolicyKind kind, std::size_t policyIndex, std::string_view name) {
    origin_ = &origins_->emplace_back(PolicyOrigin{kind, policyIndex, texts_->store(name)});
  }

  void compileStatement(const PolicyDocument& document, const Statement& statement,
                        CompiledPolicy* policy) {
    const bool variables = document.version == PolicyVersion::V2012_10_17;
    ranges_.push_back(
        Ranges{sizeOf(policy->actions), 0, sizeOf(policy->resources), sizeOf(policy->conditions)});
    CompiledStatement& out = policy->statements.emplace_back();
    out.sid = texts_->store(statement.sid);
    if (part_ != nullptr) {
      if (part_->keepSids) {
        part_->sids.push_back(out.sid);
      }
      part_->sidHashes.push_back(statement.sid.empty() ? 0 : hashText(statement.sid));
    }
    out.policy = origin_;
    out.index = to32(statement.index);
    out.line = to32(statement.position.line);
    out.column = to32(statement.position.column);
    out.effect = statement.effect;
    out.notAction = statement.notAction;
    Ranges& range = ranges_.back();
    if (ranges_.size() > 1 &&
        sameActions(statement.actions, ranges_[ranges_.size() - 2], *policy)) {
      range.actions = ranges_[ranges_.size() - 2].actions;
    } else {
      for (const PolicyValue& action : statement.actions) {
        policy->actions.push_back(compileAction(action.text));
      }
    }
    range.actionsEnd = range.actions + static_cast<std::uint32_t>(statement.actions.size());
    out.hasResource = statement.hasResource;
    out.notResource = statement.notResource;
    std::vector<std::string> problems;  // values that could not be compiled
    for (const PolicyValue& resource : statement.resources) {
      ResourcePattern pattern;
      pattern.written = texts_->store(resource.text);
      pattern.any = resource.text == "*";
      if (pattern.any) {  // "*" needs no pattern
        out.anyResource = true;
        continue;
      }
      if (isCompactResourceText(pattern.written, &pattern.prefixOnly)) {
        pattern.compact = true;
        policy->resources.push_back(pattern);
        continue;
      }
      pattern.matcher = resourceMatcher(pattern.written, variables);
      if (pattern.matcher->shortArn) {
        warn(document.locate(resource.position),
             "resource \"" + resource.text +
                 "\" has fewer than six ARN fields and no trailing '*': "
                 "it matches nothing");
      }
      if (pattern.matcher->tooManyVariables) {
        // Valid IAM over an engine limit: the statement fails closed (§3.5) like an invalid
        // condition value. The pattern counts as covering the request in Resource and as
        // excluding nothing in NotResource, so evaluation reaches that rule (Deny applies).
        std::string message = statement.notResource ? "NotResource \"" : "Resource \"";
        message.append(resource.text).append("\" uses more than ");
        message.append(std::to_string(kMaxSlots)).append(" policy variables");
        message.append(" (the statement fails closed)");
        warn(document.locate(resource.position), message);
        problems.push_back(std::move(message));
        pattern.any = !statement.notResource;
      }
      policy->resources.push_back(pattern);
    }
    out.hasPrincipal = statement.hasPrincipal;
    out.notPrincipal = statement.notPrincipal;
    if (!statement.principals.empty()) {
      out.mutableRare().principals = statement.principals;
    }
    for (const ConditionEntry& entry : statement.conditions) {
      compileCondition(document, entry, variables, &problems, policy);
    }
    if (!problems.empty()) {
      out.mutableRare().problems = std::move(problems);
    }
  }

  // Consecutive statements often list the same actions (one action over many resources or tag
  // values): such a statement views the previous one's compiled patterns (read-only once
  // compiled) instead of compiling its own copies.
  static bool sameActions(const std::vector<PolicyValue>& actions, const Ranges& previous,
                          const CompiledPolicy& policy) {
    if (actions.size() != previous.actionsEnd - previous.actions) {
      return false;
    }
    for (std::size_t i = 0; i < actions.size(); ++i) {
      if (policy.actions[previous.actions + i].text != actions[i].text) {
        return false;
      }
    }
    return true;
  }

  ActionPattern compileAction(const std::string& text) {
    ActionPattern pattern;
    pattern.text = texts_->store(text);
    if (text == "*") {
      pattern.any = true;
      return pattern;
    }
    lowered_.assign(text);
    lowerInPlace(&lowered_);
    const std::string_view lowered = texts_->store(lowered_);
    const std::size_t colon = lowered.find(':');
    pattern.lowered = lowered;
    pattern.serviceSize = static_cast<std::uint32_t>(std::min(colon, lowered.size()));
    pattern.hash = hashText(lowered);
    const std::string_view name =
        colon == std::string_view::npos ? std::string_view() : lowered.substr(colon + 1);
    pattern.literal = !grammar::hasGlobWildcard(name);
    if (!pattern.literal && name.ends_with('*') &&
        !grammar::hasGlobWildcard(name.substr(0, name.size() - 1))) {
      pattern.prefixOnly = true;    // "get*": a prefix (namePrefix()), no glob
    } else if (!pattern.literal) {  // a literal is compared whole and needs no glob
      pattern.name =
          std::make_unique<grammar::WildcardPattern>(grammar::WildcardPattern::fromGlob(name));
    }
    return pattern;
  }

  void compileCondition(const PolicyDocument& document, const ConditionEntry& entry, bool variables,
                        std::vector<std::string>* problems, CompiledPolicy* policy) {
    CompiledCondition& condition = policy->conditions.emplace_back();
    condition.op = entry.op;
    condition.family = grammar::operatorFamily(entry.op.kind);
    condition.negated = grammar::isNegated(entry.op.kind);
    // Statements repeat condition keys: the same text as the last one reuses its interned views.
    if (lastKeyWritten_.empty() || entry.key != lastKeyWritten_) {
      lowered_.assign(entry.key);
      lowerInPlace(&lowered_);
      lastKey_ = intern(lowered_);
      lastKeyWritten_ = intern(entry.key);
    }
    condition.key = lastKey_;
    condition.keyWritten = lastKeyWritten_;
    // Policies repeat single values under one operator (a team tag, an account, true): such a
    // condition shares the values of the first condition that compiled them without a warning
    // (compiled values are read-only), instead of a copy per statement.
    const bool single = entry.values.size() == 1;
    if (single) {
      const PolicyValue& value = entry.values.front();
      valueKey_.assign(
          {static_cast<char>(entry.op.kind), static_cast<char>(value.kind), variables ? 'v' : '-'});
      valueKey_.append(value.text);
      if (const ValueRange* known = knownValues_.find(valueKey_)) {
        valueRanges_.push_back(*known);
        return;
      }
    }
    const std::uint32_t begin = sizeOf(policy->values);
    const std::size_t warningsBefore = diagnostics_->size();
    const std::size_t problemsBefore = problems->size();
    for (const PolicyValue& value : entry.values) {
      std::string problem;
      policy->values.push_back(compileValue(condition, value, variables, &problem));
      if (condition.family == OperatorFamily::Arn && !policy->values.back().extra->arn.valid) {
        warn(document.locate(value.position),
             entry.operatorName + " on " + entry.key + ": \"" + value.text +
                 "\" is not an ARN with six fields, so it matches nothing");
      }
      if (!problem.empty()) {
        const std::string message = entry.operatorName + " on " + entry.key + ": " + problem +
                                    " (the statement fails closed)";
        warn(document.locate(value.position), message);
        problems->push_back(message);
      }
    }
    const ValueRange range{begin, sizeOf(policy->values)};
    valueRanges_.push_back(range);
    if (single && diagnostics_->size() == warningsBefore && problems->size() == problemsBefore) {
      knownValues_.put(valueKeys_.store(valueKey_), range);  // the table views its keys
    }
  }

  static ConditionValue compileValue(const CompiledCondition& condition, const PolicyValue& value,
                                     bool variables, std::string* problem) {
    ConditionValue out;
    const bool hasVariables = variables && value.kind == PolicyValue::Kind::String &&
                              grammar::mayContainVariables(value.text);
    if (hasVariables && condition.family != OperatorFamily::String &&
        condition.family != OperatorFamily::Arn) {
      *problem = "policy variables are allowed only in String and Arn condition values";
      return out;
    }
    switch (condition.family) {
      case OperatorFamily::String:
        out.text = ValueTemplate::compile(value.text, variables);
        if (condition.op.kind == OperatorKind::StringLike ||
            condition.op.kind == OperatorKind::StringNotLike) {
          out.extra = std::make_unique<ConditionValue::Extra>();
          out.extra->glob = globOf(out.text.pieces());
        }
        break;
      case OperatorFamily::Arn:
        out.text = ValueTemplate::compile(value.text, variables);
        out.extra = std::make_unique<ConditionValue::Extra>();
        out.extra->arn = compileArnPattern(out.text.pieces(), false);
        // A value with fewer than six fields matches nothing (§3.4 Arn*): not a fail-closed
        // error, but worth a warning.
        if (!out.extra->arn.isArn || !out.extra->arn.valid) {
          out.extra->arn.valid = false;
        }
        break;
      case OperatorFamily::Numeric: {
        auto parsed = grammar::parseDecimal(value.text);
        if (!parsed.ok()) {
          *problem = "\"" + value.text + "\" is not a decimal number";
        } else {
          out.number = parsed.value();
        }
        break;
      }
      case OperatorFamily::Date: {
        auto parsed = grammar::parseDate(value.text);
        if (!parsed.ok()) {
          *problem = "\"" + value.text + "\" is not an ISO 8601 date or epoch seconds";
        } else {
          out.date = parsed.value();
        }
        break;
      }
      case OperatorFamily::Bool:
      case OperatorFamily::Null: {
        const std::string lowered = toLowerAscii(value.text);
        if (lowered != "true" && lowered != "false") {
          *problem = "\"" + value.text + "\" is not true or false";
        }
        out.boolean = lowered == "true";
        break;
      }
      case OperatorFamily::Binary:
        out.extra = std::make_unique<ConditionValue::Extra>();
        if (!decodeBase64(value.text, &out.extra->bytes)) {
          *problem = "\"" + value.text + "\" is not base64";
        }
        break;
      case OperatorFamily::Ip: {
        auto parsed = grammar::parseCidr(value.text);
        if (!parsed.ok()) {
          *problem = "\"" + value.text + "\" is not an IP address or CIDR block";
        } else {
          out.extra = std::make_unique<ConditionValue::Extra>();
          out.extra->network = parsed.value();
        }
        break;
      }
    }
    if (out.text.variables().size() > kMaxSlots) {
      *problem = "more than " + std::to_string(kMaxSlots) + " policy variables in one value";
    }
    return out;
  }

  void warn(const SourceLocation& location, std::string message) {
    diagnostics_->push_back(Diagnostic{Severity::Warning, location, std::move(message)});
  }

  // A matcher for a resource text: the one compiled for it before while the cache of recent
  // texts remembers it, else a new one. `text` lives in texts_.
  const ResourceMatcher* resourceMatcher(std::string_view text, bool variables) {
    RecentTexts<const ResourceMatcher*>& known = knownResources_[variables ? 1 : 0];
    if (const ResourceMatcher* const* found = known.find(text)) {
      return *found;
    }
    ResourceMatcher& matcher = resourceMatchers_->emplace_back();
    matcher.text = ValueTemplate::compile(std::string(text), variables);
    matcher.pattern = compileArnPattern(matcher.text.pieces(), true);
    matcher.shortArn = !matcher.pattern.valid;
    matcher.tooManyVariables = matcher.text.variables().size() > kMaxSlots;
    if (matcher.tooManyVariables) {
      matcher.pattern.valid = false;
    }
    if (matcher.pattern.compact) {
      matcher.text = ValueTemplate();  // plain text: the pattern's literal says it all
    }
    known.put(text, &matcher);
    return &matcher;
  }

  // Looked up by view first: most keys repeat, and a hit copies nothing.
  std::string_view intern(std::string_view text) {
    const auto found = strings_->find(text);
    return found != strings_->end() ? *found : *strings_->emplace(text).first;
  }

  static void lowerInPlace(std::string* text) {
    for (char& c : *text) {
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
    }
  }

  std::vector<std::unique_ptr<CompiledSet>>* storage_;
  std::vector<Diagnostic>* diagnostics_;
  InternedStrings* strings_;
  Arena* texts_;
  std::deque<ResourceMatcher>* resourceMatchers_;
  std::deque<PolicyOrigin>* origins_;
  const PolicyOrigin* origin_ = nullptr;  // of the policy being compiled
  Part* part_ = nullptr;                  // while compiling one
  // Resource texts compiled so far, without and with policy variables (Version 2012-10-17).
  RecentTexts<const ResourceMatcher*> knownResources_[2];
  std::string lowered_;              // scratch for lower-casing, reused
  std::string_view lastKey_;         // the last condition key interned, lower-cased
  std::string_view lastKeyWritten_;  // and as written
  // While a policy compiles: each statement's first index in the pools, and each condition's
  // first value.
  std::vector<Ranges> ranges_;
  struct ValueRange {  // a condition's values in CompiledPolicy::values
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
  };
  std::vector<ValueRange> valueRanges_;
  // Single values compiled so far in this policy, by operator, kind and text (see
  // compileCondition), and the storage of those keys.
  RecentTexts<ValueRange> knownValues_;
  Arena valueKeys_;
  std::string valueKey_;  // scratch
};

}  // namespace
}  // namespace internal

Result<std::shared_ptr<const PolicySet>> PolicySet::compile(PolicySetInput input) {
  auto compiled = std::make_unique<internal::CompiledSet>();
  internal::Compiler compiler(compiled.get());
  auto expectKind = [](const PolicyDocument& document, PolicyKind kind) -> Status {
    if (document.kind != kind) {
      return Status::invalidArgument("policy " + document.name + " was parsed as a " +
                                     policyKindName(document.kind) + " policy but is used as a " +
                                     policyKindName(kind) + " policy");
    }
    return Status();
  };
  for (std::size_t i = 0; i < input.identity.size(); ++i) {
    if (Status s = expectKind(input.identity[i], PolicyKind::Identity); !s.ok()) {
      return s;
    }
    compiled->identity.push_back(compiler.compilePolicy(input.identity[i], i));
  }
  for (std::size_t i = 0; i < input.scps.size(); ++i) {
    if (Status s = expectKind(input.scps[i], PolicyKind::Scp); !s.ok()) {
      return s;
    }
    compiled->scps.push_back(compiler.compilePolicy(input.scps[i], i));
  }
  for (std::size_t i = 0; i < input.rcps.size(); ++i) {
    if (Status s = expectKind(input.rcps[i], PolicyKind::Rcp); !s.ok()) {
      return s;
    }
    compiled->rcps.push_back(compiler.compilePolicy(input.rcps[i], i));
  }
  const std::pair<std::optional<PolicyDocument>*, std::optional<internal::CompiledPolicy>*>
      singles[] = {{&input.resource, &compiled->resource},
                   {&input.boundary, &compiled->boundary},
                   {&input.session, &compiled->session},
                   {&input.vpcEndpoint, &compiled->vpcEndpoint}};
  const PolicyKind singleKinds[] = {PolicyKind::Resource, PolicyKind::Boundary, PolicyKind::Session,
                                    PolicyKind::VpcEndpoint};
  for (std::size_t i = 0; i < std::size(singles); ++i) {
    if (singles[i].first->has_value()) {
      if (Status s = expectKind(**singles[i].first, singleKinds[i]); !s.ok()) {
        return s;
      }
      *singles[i].second = compiler.compilePolicy(**singles[i].first, 0);
    }
  }
  return finish(std::move(compiled));
}

Result<std::shared_ptr<const PolicySet>> PolicySet::compile(const PolicySetTexts& texts,
                                                            const PolicyParseOptions& options) {
  auto compiled = std::make_unique<internal::CompiledSet>();
  internal::Compiler compiler(compiled.get());
  auto compileEach = [&](const std::vector<PolicyText>& policies, PolicyKind kind,
                         std::vector<internal::CompiledPolicy>* out) -> Status {
    for (std::size_t i = 0; i < policies.size(); ++i) {
      auto policy = compiler.compilePolicy(policies[i], kind, i, options);
      if (!policy.ok()) {
        return policy.status();
      }
      out->push_back(std::move(policy).value());
    }
    return Status();
  };
  if (Status s = compileEach(texts.identity, PolicyKind::Identity, &compiled->identity); !s.ok()) {
    return s;
  }
  if (Status s = compileEach(texts.scps, PolicyKind::Scp, &compiled->scps); !s.ok()) {
    return s;
  }
  if (Status s = compileEach(texts.rcps, PolicyKind::Rcp, &compiled->rcps); !s.ok()) {
    return s;
  }
  const std::tuple<const std::optional<PolicyText>*, PolicyKind,
                   std::optional<internal::CompiledPolicy>*>
      singles[] = {{&texts.resource, PolicyKind::Resource, &compiled->resource},
                   {&texts.boundary, PolicyKind::Boundary, &compiled->boundary},
                   {&texts.session, PolicyKind::Session, &compiled->session},
                   {&texts.vpcEndpoint, PolicyKind::VpcEndpoint, &compiled->vpcEndpoint}};
  for (const auto& [text, kind, out] : singles) {
    if (text->has_value()) {
      auto policy = compiler.compilePolicy(**text, kind, 0, options);
      if (!policy.ok()) {
        return policy.status();
      }
      *out = std::move(policy).value();
    }
  }
  return finish(std::move(compiled));
}

}  // namespace policysim::engine
