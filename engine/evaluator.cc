// Request evaluation over a compiled policy set, following AWS's documented evaluation logic
// (../shared/docs/iam-semantics.md §2-§4): statement applicability, condition logic, and the
// combination of identity, resource-based, boundary, SCP and session policies.
// Hot path: with explain=false nothing here allocates once the thread's scratch buffers and the
// caller's Decision have grown to size (tests/engine/allocation_test.cc checks it).
// Covered by tests/engine/evaluator_test.cc and the conformance cases in tests/conformance/.
#include "engine/evaluator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <span>
#include <string>

#include "engine/internal/compiled.h"
#include "engine/internal/request_facts.h"
#include "grammar/number.h"

namespace policysim::engine::internal {
namespace {

using grammar::OperatorFamily;
using grammar::OperatorKind;
using grammar::SetQualifier;

// Three-valued result of a condition or statement: errors never turn into an allow.
enum class Truth { False, True, Error };

// How a resource-based policy statement names the caller (§4.3).
enum class Grant { None, Account, Parent, Direct };

// One request value converted for a family: the parsed forms the comparisons need.
struct RequestScalar {
  std::string_view text;
  double number = 0;
  grammar::EpochMicros date = 0;
  bool boolean = false;
  std::string bytes;
  grammar::IpNetwork address;
  ArnFields arn;
};

// Per-thread buffers reused across evaluations, so the hot path neither allocates nor zeroes
// large locals (slot values and request scalars are written before they are read).
struct Scratch {
  RequestFacts facts;  // for requests that come unprepared
  SlotValues slots;
  RequestScalar scalar;
  std::vector<std::uint32_t> candidates;
  std::vector<const CompiledStatement*> applying;
  std::vector<std::string> pendingErrors;
};
thread_local Scratch scratch;

bool namesAccount(std::string_view value, std::string_view account) {
  if (account.empty()) {
    return false;
  }
  if (isAccountId(value)) {
    return value == account;
  }
  const ArnFields arn = splitArn(value);
  return arn.isArn && arn.fields[2] == "iam" && arn.fields[5] == "root" && arn.fields[4] == account;
}

// How strongly one Principal entry names the caller.
Grant grantOf(const PrincipalEntry& entry, const PrincipalIdentity& caller) {
  if (entry.type == "*" || (entry.type == "AWS" && entry.value == "*")) {
    return Grant::Direct;
  }
  if (caller.kind == PrincipalIdentity::Kind::Anonymous) {
    return Grant::None;
  }
  if (entry.type == "AWS") {
    if (caller.assumed) {  // the simulator's caller has no ARN to name, only its account (§4.8a)
      return namesAccount(entry.value, caller.account) ? Grant::Account : Grant::None;
    }
    if (entry.value == caller.arn) {
      return caller.kind == PrincipalIdentity::Kind::Root ? Grant::Account : Grant::Direct;
    }
    if (!caller.parentArn.empty() && entry.value == caller.parentArn) {
      return Grant::Parent;
    }
    if (namesAccount(entry.value, caller.account)) {
      return Grant::Account;
    }
    return Grant::None;
  }
  // Service, Federated, CanonicalUser: the caller is named by that exact identifier.
  return !caller.assumed && entry.value == caller.arn ? Grant::Direct : Grant::None;
}

// NotPrincipal: the caller is exempt only when every link of its identity chain is listed
// (§2.5 rule 6).
bool notPrincipalExempts(const std::vector<PrincipalEntry>& entries,
                         const PrincipalIdentity& caller) {
  auto listed = [&](std::string_view arn) {
    return std::any_of(entries.begin(), entries.end(),
                       [&](const PrincipalEntry& e) { return e.value == arn; });
  };
  auto accountListed = [&] {
    return std::any_of(entries.begin(), entries.end(), [&](const PrincipalEntry& e) {
      return e.type == "AWS" && namesAccount(e.value, caller.account);
    });
  };
  const bool wildcard = std::any_of(entries.begin(), entries.end(), [](const PrincipalEntry& e) {
    return e.type == "*" || e.value == "*";
  });
  if (wildcard) {
    return true;
  }
  switch (caller.kind) {
    case PrincipalIdentity::Kind::Anonymous:
      return false;
    case PrincipalIdentity::Kind::Root:
      return accountListed();
    case PrincipalIdentity::Kind::User:
    case PrincipalIdentity::Kind::FederatedUser:
    case PrincipalIdentity::Kind::Other:
      return !caller.assumed && accountListed() && listed(caller.arn);
    case PrincipalIdentity::Kind::RoleSession:
      return accountListed() && listed(caller.parentArn) && listed(caller.arn);
    case PrincipalIdentity::Kind::Service:
      return listed(caller.arn);
  }
  return false;
}

const char* grantName(Grant grant) {
  switch (grant) {
    case Grant::Direct:
      return "names the caller";
    case Grant::Parent:
      return "names the caller's role";
    case Grant::Account:
      return "names the caller's account";
    case Grant::None:
      break;
  }
  return "does not name the caller";
}

// The caller as explanations name it.
std::string callerName(const PrincipalIdentity& caller) {
  if (caller.assumed) {
    return "(none given: an IAM user of account " + std::string(caller.account) + ")";
  }
  return caller.arn.empty() ? std::string("(anonymous)") : std::string(caller.arn);
}

// Everything the evaluation of one request needs, prepared once.
struct EvalContext {
  EvalContext(const Request& r, const RequestFacts& f, Scratch& b, Decision& d, bool e,
              bool boundary)
      : request(r), facts(f), buffers(b), decision(d), explain(e), hasBoundary(boundary) {}

  const Request& request;
  const RequestFacts& facts;  // lower-cased action, resource ARN fields, caller
  Scratch& buffers;
  Decision& decision;
  bool explain = false;
  bool hasBoundary = false;
  std::vector<std::string>* steps = nullptr;  // explanation of the current statement

  // Adds an explanation step; `make` runs only when explaining.
  template <typename MakeText>
  void step(MakeText&& make) const {
    if (steps != nullptr) {
      steps->push_back(make());
    }
  }
  void missing(std::string_view key) const {
    auto& list = decision.missingContextValues;
    const bool seen = std::any_of(list.begin(), list.end(), [&](std::string_view k) {
      return equalsIgnoreAsciiCase(k, key);
    });
    if (!seen) {
      list.push_back(key);
    }
  }
  // Records an evaluation problem of the current statement; it reaches Decision::errors only
  // if the statement's outcome depends on it (see evaluatePolicy).
  void error(std::string text) const { buffers.pendingErrors.push_back(std::move(text)); }
  void commitErrors() const {
    for (std::string& text : buffers.pendingErrors) {
      if (std::find(decision.errors.begin(), decision.errors.end(), text) ==
          decision.errors.end()) {
        decision.errors.push_back(std::move(text));
      }
    }
    buffers.pendingErrors.clear();
  }
};

// Looks up the values of a template's variables. Returns false when one has no value and no
// default (only single-valued keys resolve, §3.8 rule 3); the key is reported as missing.
bool resolveSlots(const ValueTemplate& text, const EvalContext& ctx, SlotValues* values) {
  const auto& variables = text.variables();
  bool complete = true;
  for (std::size_t i = 0; i < variables.size() && i < kMaxSlots; ++i) {
    const ContextValue* value = ctx.request.findLowerCaseContext(variables[i].key);
    if (value != nullptr && !value->multivalued && value->values.size() == 1) {
      (*values)[i] = value->values.front();
    } else if (variables[i].defaultValue) {
      (*values)[i] = *variables[i].defaultValue;
    } else {
      ctx.missing(variables[i].written);
      complete = false;
    }
  }
  return complete;
}

bool actionMatches(const ActionPattern& pattern, const EvalContext& ctx) {
  if (pattern.literal) {
    return pattern.hash == ctx.facts.actionHash &&
           sameText(pattern.lowered, ctx.facts.loweredAction);
  }
  if (pattern.any) {
    return true;
  }
  if (!sameText(pattern.service(), ctx.facts.actionService)) {
    return false;
  }
  return pattern.prefixOnly ? startsWith(ctx.facts.actionName, pattern.namePrefix())
                            : pattern.name->matches(ctx.facts.actionName);
}

// A resource pattern against the request resource. Request "*" (actions without
// resource-level permissions) is matched only by the policy resource "*".
bool resourceMatches(const ResourcePattern& pattern, const EvalContext& ctx) {
  if (pattern.any) {
    return true;
  }
  const std::string& resource = ctx.request.resource;
  if (sameText(resource, "*")) {
    return false;
  }
  if (pattern.compact) {  // (ARNs are long enough for memcmp to beat sameText's byte loop)
    const std::string_view text = resource;
    return pattern.prefixOnly ? text.starts_with(pattern.literal()) : text == pattern.literal();
  }
  SlotValues& values = ctx.buffers.slots;
  const ResourceMatcher& matcher = *pattern.matcher;
  if (matcher.text.hasVariables() && !resolveSlots(matcher.text, ctx, &values)) {
    ctx.step([&] {
      return "resource \"" + std::string(pattern.written) +
             "\": a policy variable has no value, so this pattern matches nothing";
    });
    return false;
  }
  return matcher.pattern.matches(resource, ctx.facts.resourceFields, values);
}

// Converts a request value for the condition's family; false = type mismatch.
bool convert(const CompiledCondition& condition, std::string_view text, RequestScalar* out,
             const char** problem) {
  out->text = text;
  switch (condition.family) {
    case OperatorFamily::String:
    case OperatorFamily::Null:
      return true;
    case OperatorFamily::Numeric: {
      auto parsed = grammar::parseDecimal(text);
      *problem = "is not a number";
      out->number = parsed.ok() ? parsed.value() : 0;
      return parsed.ok();
    }
    case OperatorFamily::Date: {
      auto parsed = grammar::parseDate(text);
      *problem = "is not a date";
      out->date = parsed.ok() ? parsed.value() : 0;
      return parsed.ok();
    }
    case OperatorFamily::Bool:
      *problem = "is not a boolean";
      out->boolean = equalsIgnoreAsciiCase(text, "true");
      return out->boolean || equalsIgnoreAsciiCase(text, "false");
    case OperatorFamily::Binary:
      *problem = "is not base64";
      return decodeBase64(text, &out->bytes);
    case OperatorFamily::Ip: {
      auto parsed = grammar::parseIpAddress(text);
      *problem = "is not an IP address";
      if (parsed.ok()) {
        out->address = parsed.value();
      }
      return parsed.ok();
    }
    case OperatorFamily::Arn:
      *problem = "is not an ARN";
      out->arn = splitArn(text);
      return out->arn.isArn;
  }
  return false;
}

template <typename T>
bool compareOrdered(OperatorKind kind, T request, T policy) {
  switch (kind) {
    case OperatorKind::NumericLessThan:
    case OperatorKind::DateLessThan:
      return request < policy;
    case OperatorKind::NumericLessThanEquals:
    case OperatorKind::DateLessThanEquals:
      return request <= policy;
    case OperatorKind::NumericGreaterThan:
    case OperatorKind::DateGreaterThan:
      return request > policy;
    case OperatorKind::NumericGreaterThanEquals:
    case OperatorKind::DateGreaterThanEquals:
      return request >= policy;
    default:  // Equals and NotEquals (negation is applied by the caller)
      return request == policy;
  }
}

// The positive base comparison of one policy value against one request value
// (StringNotEquals uses StringEquals here; negation is applied by the caller).
bool compareValue(const CompiledCondition& condition, const ConditionValue& value,
                  const RequestScalar& scalar, const EvalContext& ctx) {
  const OperatorKind kind = condition.op.kind;
  SlotValues& slots = ctx.buffers.slots;
  switch (condition.family) {
    case OperatorFamily::String: {
      // An unresolved variable never matches (for negated operators: counts as not equal).
      if (value.text.hasVariables() && !resolveSlots(value.text, ctx, &slots)) {
        return false;
      }
      if (kind == OperatorKind::StringLike || kind == OperatorKind::StringNotLike) {
        return value.extra->glob.matches(scalar.text, slots);
      }
      const bool ignoreCase = kind == OperatorKind::StringEqualsIgnoreCase ||
                              kind == OperatorKind::StringNotEqualsIgnoreCase;
      return equalsPieces(scalar.text, value.text.pieces(), slots, ignoreCase);
    }
    case OperatorFamily::Arn:
      if (value.text.hasVariables() && !resolveSlots(value.text, ctx, &slots)) {
        return false;
      }
      // An invalid pattern (not a six-field ARN) matches nothing.
      return value.extra->arn.isArn && value.extra->arn.matches(scalar.text, scalar.arn, slots);
    case OperatorFamily::Numeric:
      return compareOrdered(kind, scalar.number, value.number);
    case OperatorFamily::Date:
      return compareOrdered(kind, scalar.date, value.date);
    case OperatorFamily::Bool:
      return scalar.boolean == value.boolean;
    case OperatorFamily::Binary:
      return value.extra != nullptr && scalar.bytes == value.extra->bytes;
    case OperatorFamily::Ip:
      return value.extra != nullptr &&
             grammar::networkContains(value.extra->network, scalar.address);
    case OperatorFamily::Null:
      return false;
  }
  return false;
}

// m(s): the base operator applied to one request value against all policy values:
// OR over the values for positive operators, NOR for negated ones (§3.1).
Truth matchOne(const CompiledCondition& condition, std::string_view text, const EvalContext& ctx) {
  RequestScalar& scalar = ctx.buffers.scalar;  // convert() sets what the family compares
  const char* problem = "";
  if (!convert(condition, text, &scalar, &problem)) {
    ctx.error("context key " + std::string(condition.keyWritten) + " value \"" + std::string(text) +
              "\" " + problem + " (needed by " + operatorText(condition.op) + ")");
    return Truth::Error;
  }
  const bool any =
      std::any_of(condition.values.begin(), condition.values.end(),
                  [&](const ConditionValue& v) { return compareValue(condition, v, scalar, ctx); });
  return (any != condition.negated) ? Truth::True : Truth::False;
}

const char* truthWord(Truth truth) {
  switch (truth) {
    case Truth::True:
      return "true";
    case Truth::False:
      return "false";
    case Truth::Error:
      return "error";
  }
  return "error";
}

std::string describeValues(const ContextValue& value) {
  std::string shown;
  for (std::size_t i = 0; i < value.values.size() && i < 8; ++i) {
    shown += (i == 0 ? "" : ", ") + value.values[i];
  }
  if (value.values.size() > 8) {
    shown += ", ...";
  }
  return value.multivalued ? "[" + shown + "]" : shown;
}

Truth evaluateCondition(const CompiledCondition& condition, const EvalContext& ctx) {
  const ContextValue* value = ctx.request.findLowerCaseContext(condition.key);
  const bool absent = value == nullptr || value->values.empty();  // an empty list is null
  auto label = [&] {
    return "condition " + operatorText(condition.op) + " " + std::string(condition.keyWritten);
  };

  // An empty list of policy values (§3.7 rule 4), decided before any request value is read:
  // ForAllValues matches only an absent or empty set, ForAnyValue never, IfExists only an
  // absent key; a plain positive operator is false and a plain negated one true.
  if (condition.values.empty() && condition.op.kind != OperatorKind::Null) {
    bool result = false;
    if (condition.op.qualifier == SetQualifier::ForAllValues) {
      result = absent;
    } else if (condition.op.qualifier == SetQualifier::ForAnyValue) {
      result = false;
    } else if (condition.op.ifExists) {
      result = absent;
    } else {
      result = condition.negated;
    }
    if (absent) {
      ctx.missing(condition.keyWritten);
    }
    ctx.step([&] { return label() + ": no policy values -> " + (result ? "true" : "false"); });
    return result ? Truth::True : Truth::False;
  }

  if (condition.op.kind == OperatorKind::Null) {
    // "true" asks for absence, "false" for presence; several values are ORed.
    const bool result = std::any_of(condition.values.begin(), condition.values.end(),
                                    [&](const ConditionValue& v) { return v.boolean == absent; });
    ctx.step([&] {
      return label() + ": key " + (absent ? "absent" : "present") + " -> " +
             (result ? "true" : "false");
    });
    return result ? Truth::True : Truth::False;
  }

  if (absent) {
    ctx.missing(condition.keyWritten);
    bool result = false;
    const char* rule = "a positive operator on an absent key is false";
    if (condition.op.qualifier == SetQualifier::ForAllValues) {
      result = true;
      rule = "ForAllValues on an absent key is true";
    } else if (condition.op.qualifier == SetQualifier::ForAnyValue) {
      rule = "ForAnyValue on an absent key is false";
    } else if (condition.op.ifExists) {
      result = true;
      rule = "...IfExists on an absent key is true";
    } else if (condition.negated) {
      result = true;
      rule = "a negated operator on an absent key is true";
    }
    ctx.step([&] { return label() + ": key absent; " + rule; });
    return result ? Truth::True : Truth::False;
  }

  Truth result = Truth::False;
  switch (condition.op.qualifier) {
    case SetQualifier::None:
      if (value->multivalued) {
        // AWS requires ForAllValues/ForAnyValue for multivalued keys; undefined otherwise.
        ctx.step([&] {
          return label() +
                 ": key is multivalued but the operator has no ForAllValues:/ForAnyValue: "
                 "qualifier -> false";
        });
        return Truth::False;
      }
      result = matchOne(condition, value->values.front(), ctx);
      break;
    case SetQualifier::ForAllValues:
      result = Truth::True;
      for (const std::string& item : value->values) {
        const Truth one = matchOne(condition, item, ctx);
        if (one == Truth::Error) {
          result = Truth::Error;
          break;
        }
        if (one == Truth::False) {
          result = Truth::False;
        }
      }
      break;
    case SetQualifier::ForAnyValue:
      for (const std::string& item : value->values) {
        const Truth one = matchOne(condition, item, ctx);
        if (one == Truth::Error) {
          result = Truth::Error;
          break;
        }
        if (one == Truth::True) {
          result = Truth::True;
        }
      }
      break;
  }
  ctx.step([&] {
    return label() + ": request value " + describeValues(*value) + " -> " + truthWord(result);
  });
  return result;
}

struct StatementOutcome {
  Truth applies = Truth::False;
  Grant grant = Grant::None;  // resource-based policies: how the Principal names the caller
  bool actionMatched = false;
};

std::string quoteList(std::span<const ActionPattern> actions) {
  std::string out;
  for (std::size_t i = 0; i < actions.size() && i < 4; ++i) {
    out += (i == 0 ? "\"" : ", \"");
    out += actions[i].text;
    out += "\"";
  }
  if (actions.size() > 4) {
    out += ", ...";
  }
  return out;
}

StatementOutcome evaluateStatement(const CompiledStatement& statement, const EvalContext& ctx) {
  StatementOutcome outcome;
  const std::string& action = ctx.request.action;

  // Action / NotAction: cheapest test first.
  const bool actionListed =
      std::any_of(statement.actions.begin(), statement.actions.end(),
                  [&](const ActionPattern& p) { return actionMatches(p, ctx); });
  if (actionListed == statement.notAction) {
    ctx.step([&] {
      return statement.notAction
                 ? "action " + action + " is listed in NotAction"
                 : "action " + action + " does not match Action " + quoteList(statement.actions);
    });
    return outcome;
  }
  outcome.actionMatched = true;
  ctx.step([&] {
    return "action " + action +
           (statement.notAction ? " is not listed in NotAction" : " matches Action");
  });

  // Resource / NotResource (absent only in trust policies: the resource is the role itself).
  if (statement.hasResource) {
    const bool listed =
        statement.anyResource ||
        std::any_of(statement.resources.begin(), statement.resources.end(),
                    [&](const ResourcePattern& p) { return resourceMatches(p, ctx); });
    if (listed == statement.notResource) {
      ctx.step([&] {
        return "resource " + ctx.request.resource +
               (statement.notResource ? " is listed in NotResource" : " does not match Resource");
      });
      return outcome;
    }
    ctx.step([&] {
      return "resource " + ctx.request.resource +
             (statement.notResource ? " is not listed in NotResource" : " matches Resource");
    });
  }

  // Principal / NotPrincipal (resource-based policies only).
  if (statement.hasPrincipal) {
    if (statement.notPrincipal) {
      // A Deny with NotPrincipal always applies to a principal with a permissions boundary.
      if (!ctx.hasBoundary && notPrincipalExempts(statement.principals(), ctx.facts.caller)) {
        ctx.step([&] {
          return "principal " + std::string(ctx.facts.caller.arn) + " is exempted by NotPrincipal";
        });
        return outcome;
      }
      ctx.step([&] {
        return std::string(ctx.hasBoundary
                               ? "NotPrincipal always applies to a principal with a permissions "
                                 "boundary"
                               : "principal is not fully listed in NotPrincipal (every link of "
                                 "its identity chain must be listed to be exempt)");
      });
      outcome.grant = Grant::Direct;
    } else {
      for (const PrincipalEntry& entry : statement.principals()) {
        outcome.grant = std::max(outcome.grant, grantOf(entry, ctx.facts.caller));
      }
      if (outcome.grant == Grant::None) {
        ctx.step([&] {
          return "principal " + callerName(ctx.facts.caller) + " is not named in Principal";
        });
        return outcome;
      }
      ctx.step([&] { return std::string("Principal ") + grantName(outcome.grant); });
    }
  }

  // A statement whose policy values (condition values, resources) could not be compiled fails
  // closed (§3.5); the problem was reported as a warning when the set was compiled.
  if (!statement.problems().empty()) {
    for (const std::string& problem : statement.problems()) {
      ctx.step([&] { return "invalid policy value: " + problem; });
    }
    ctx.step([&] {
      return std::string(statement.effect == Effect::Deny
                             ? "a policy value is invalid: this Deny applies (fail closed)"
                             : "a policy value is invalid: this Allow does not apply (fail "
                               "closed)");
    });
    outcome.applies = statement.effect == Effect::Deny ? Truth::True : Truth::False;
    return outcome;
  }

  // Conditions: AND over all keys. False dominates; an error decides only if nothing is false.
  Truth conditions = Truth::True;
  for (const CompiledCondition& condition : statement.conditions) {
    const Truth truth = evaluateCondition(condition, ctx);
    if (truth == Truth::False) {
      conditions = Truth::False;
      if (!ctx.explain) {
        break;
      }
    } else if (truth == Truth::Error && conditions == Truth::True) {
      conditions = Truth::Error;
    }
  }
  outcome.applies = conditions;
  return outcome;
}

// Results of one policy. Applying statements are appended to the thread's scratch list.
struct PolicyOutcome {
  bool present = false;
  bool allow = false;
  bool deny = false;
  bool error = false;
  Grant grant = Grant::None;  // strongest grant among applying Allow statements
};

void evaluateOne(const CompiledPolicy& policy, std::uint32_t i, EvalContext& ctx,
                 PolicyOutcome* outcome) {
  const CompiledStatement& statement = policy.statements[i];
  std::vector<std::string> steps;
  ctx.steps = ctx.explain ? &steps : nullptr;
  ctx.buffers.pendingErrors.clear();
  const StatementOutcome result = evaluateStatement(statement, ctx);
  ctx.steps = nullptr;
  if (result.applies == Truth::Error) {
    outcome->error = true;
    ctx.commitErrors();
  } else if (result.applies == Truth::True) {
    ctx.buffers.applying.push_back(&statement);
    if (statement.effect == Effect::Deny) {
      outcome->deny = true;
    } else {
      outcome->allow = true;
      outcome->grant = std::max(outcome->grant, result.grant);
    }
  }
  if (ctx.explain) {
    ctx.decision.explanations.push_back(StatementExplanation{
        statement.ref(), result.applies == Truth::True, result.actionMatched, std::move(steps)});
  }
}

PolicyOutcome evaluatePolicy(const CompiledPolicy& policy, EvalContext& ctx) {
  PolicyOutcome outcome;
  outcome.present = true;
  // A policy compiled in parts is its parts' statements in turn.
  for (const CompiledPolicy* part = &policy; part != nullptr; part = part->rest.get()) {
    if (ctx.explain) {  // explanations cover every statement
      for (std::uint32_t i = 0; i < part->statements.size(); ++i) {
        evaluateOne(*part, i, ctx, &outcome);
      }
      continue;
    }
    // Only the statements the index points at can apply (statement_index.h). (Evaluating a
    // statement never touches the candidates buffer the list may live in.)
    for (const std::uint32_t i :
         part->index.candidates(ctx.facts, ctx.request, &ctx.buffers.candidates)) {
      evaluateOne(*part, i, ctx, &outcome);
    }
  }
  return outcome;
}

std::string describe(const StatementRef& ref) {
  const std::string name =
      ref.sid.empty() ? fmt::format("#{}", ref.statementIndex) : fmt::format("\"{}\"", ref.sid);
  return fmt::format("{} statement {} in {} policy {}", effectName(ref.effect), name,
                     policyKindName(ref.policyKind), ref.policyName);
}

bool isAssumeRole(const EvalContext& ctx) {
  return sameText(ctx.facts.actionService, "sts") && startsWith(ctx.facts.actionName, "assumerole");
}

bool needsResourcePolicyGrant(const EvalContext& ctx) {
  // Role trust policies and KMS key policies must themselves allow the principal (§4.2).
  return isAssumeRole(ctx) || sameText(ctx.facts.actionService, "kms");
}

std::string_view resourceAccount(const EvalContext& ctx) {
  if (ctx.facts.resourceFields.isArn && !ctx.facts.resourceFields.fields[4].empty()) {
    return ctx.facts.resourceFields.fields[4];
  }
  return singleContextValue(ctx.request, "aws:resourceaccount");
}

// The caller and the resource are in the same account, or either account is unknown, or the
// resource is AWS-owned (account "aws": no customer account, §4.8b).
bool isSameAccount(const EvalContext& ctx) {
  const std::string_view callerAccount = ctx.facts.caller.account;
  const std::string_view targetAccount = resourceAccount(ctx);
  return callerAccount.empty() || targetAccount.empty() || callerAccount == targetAccount ||
         targetAccount == "aws";
}

// SCPs restrict the principals of member accounts: never a service-linked role, never a
// principal of the organization's management account (§4.7).
bool scpsApply(const EvalContext& ctx) {
  const std::string& management = ctx.request.managementAccount;
  return !ctx.facts.caller.serviceLinked &&
         (management.empty() || ctx.facts.caller.account != management);
}

// RCPs restrict the resources of member accounts, for the services that support them (§4.7).
bool rcpsApply(const EvalContext& ctx) {
  if (!rcpAppliesToService(ctx.facts.actionService) ||
      sameText(ctx.facts.loweredAction, "kms:retiregrant")) {  // not even under kms:*
    return false;
  }
  // Service-linked roles: RCPs restrict neither them nor AWS services assuming them.
  const ArnFields& resource = ctx.facts.resourceFields;
  const bool serviceLinkedResource = resource.isArn && resource.fields[2] == "iam" &&
                                     resource.fields[5].starts_with("role/aws-service-role/");
  if (ctx.facts.caller.serviceLinked || (isAssumeRole(ctx) && serviceLinkedResource)) {
    return false;
  }
  // An action on no particular resource is under the RCPs of the caller's account.
  std::string_view account = resourceAccount(ctx);
  if (account.empty()) {
    account = ctx.facts.caller.account;
  }
  const std::string& management = ctx.request.managementAccount;
  return account != "aws" && (management.empty() || account != management);
}

// AWS sets aws:SourceVpce on requests that travel through a VPC endpoint: only those are
// subject to the endpoint's policy (§4.2).
bool travelsThroughEndpoint(const EvalContext& ctx) {
  const ContextValue* endpoint = ctx.request.findLowerCaseContext("aws:sourcevpce");
  return endpoint != nullptr && !endpoint->values.empty();
}

void decide(const CompiledSet& set, const Request& request, const RequestFacts& facts, bool explain,
            Decision* out) {
  Decision& decision = *out;
  decision.kind = DecisionKind::ImplicitDeny;
  decision.reason.clear();
  decision.matchedStatements.clear();
  decision.missingContextValues.clear();
  decision.errors.clear();
  decision.explanations.clear();
  decision.byPolicyType = PolicyTypeOutcome{};

  Scratch& buffers = scratch;
  buffers.applying.clear();
  EvalContext ctx(request, facts, buffers, decision, explain, set.boundary.has_value());
  const std::string_view lowered = facts.loweredAction;

  // sts:GetCallerIdentity and sts:GetSessionToken need no permission: no policy, not even an
  // explicit deny, controls them (§4.9). The action is lowered already, so the list is compared
  // inline rather than through needsNoPermission() (measured faster than a loop over the list).
  static_assert(kPermissionlessActions.size() == 2);
  if (sameText(lowered, kPermissionlessActions[0]) ||
      sameText(lowered, kPermissionlessActions[1])) {
    decision.kind = DecisionKind::Allowed;
    if (explain) {
      decision.reason.assign(request.action);
      decision.reason.append(" needs no permission: policies do not control it");
    }
    return;
  }

  // Evaluate every policy in scope; statement order never matters.
  bool identityAllows = false;
  bool identityDenies = false;
  bool anyError = false;
  for (const CompiledPolicy& policy : set.identity) {
    const PolicyOutcome o = evaluatePolicy(policy, ctx);
    identityAllows = identityAllows || o.allow;
    identityDenies = identityDenies || o.deny;
    anyError = anyError || o.error;
  }
  std::size_t scpWithoutAllow = set.scps.size();  // index of the first level that does not allow
  // SCPs out of scope (a service-linked role, the management account, §4.7) are not evaluated.
  const std::size_t scpLevels = scpsApply(ctx) ? set.scps.size() : 0;
  bool organizationsDeny = false;
  for (std::size_t i = 0; i < scpLevels; ++i) {
    const PolicyOutcome o = evaluatePolicy(set.scps[i], ctx);
    anyError = anyError || o.error;
    organizationsDeny = organizationsDeny || o.deny;
    if (!o.allow && scpWithoutAllow == set.scps.size()) {
      scpWithoutAllow = i;
    }
  }
  auto evaluateOptional = [&](const std::optional<CompiledPolicy>& policy) {
    PolicyOutcome o;
    if (policy) {
      o = evaluatePolicy(*policy, ctx);
      anyError = anyError || o.error;
    }
    return o;
  };
  const PolicyOutcome resource = evaluateOptional(set.resource);
  const PolicyOutcome boundary = evaluateOptional(set.boundary);
  const PolicyOutcome session = evaluateOptional(set.session);
  // RCPs (§4.7): only their Deny statements can decide. AWS attaches RCPFullAWSAccess, which
  // allows everything and cannot be detached, at every level, so every level allows.
  const bool rcpsInScope = !set.rcps.empty() && rcpsApply(ctx);
  if (rcpsInScope) {
    for (const CompiledPolicy& policy : set.rcps) {
      const PolicyOutcome o = evaluatePolicy(policy, ctx);
      anyError = anyError || o.error;
      organizationsDeny = organizationsDeny || o.deny;
    }
  }
  // A VPC endpoint policy must allow the requests that travel through the endpoint.
  const bool endpointInScope = set.vpcEndpoint.has_value() && travelsThroughEndpoint(ctx);
  const PolicyOutcome endpoint =
      endpointInScope ? evaluateOptional(set.vpcEndpoint) : PolicyOutcome{};

  // What each policy type says on its own (the simulator's decision details): only when
  // explaining, so the hot path pays nothing for it.
  PolicyTypeOutcome& byType = decision.byPolicyType;
  if (explain) {
    byType.organizationsEvaluated = scpLevels > 0 || rcpsInScope;
    byType.allowedByOrganizations = !organizationsDeny && scpWithoutAllow == set.scps.size();
    byType.boundaryEvaluated = boundary.present;
    byType.allowedByBoundary = !boundary.present || (boundary.allow && !boundary.deny);
    byType.resourcePolicyEvaluated = resource.present;
    byType.resourcePolicy = resource.deny ? DecisionKind::ExplicitDeny
                            : resource.allow && resource.grant != Grant::None
                                ? DecisionKind::Allowed
                                : DecisionKind::ImplicitDeny;
    byType.principalSide = identityDenies || boundary.deny || session.deny
                               ? DecisionKind::ExplicitDeny
                               : DecisionKind::ImplicitDeny;  // Allowed is set below
    byType.crossAccount = !isSameAccount(ctx);
  }

  // 1. An applying Deny in any policy is final.
  for (const CompiledStatement* statement : buffers.applying) {
    if (statement->effect == Effect::Deny) {
      decision.matchedStatements.push_back(statement->ref());
    }
  }
  if (!decision.matchedStatements.empty()) {
    decision.kind = DecisionKind::ExplicitDeny;
    if (explain) {
      decision.reason = "denied by " + describe(decision.matchedStatements.front());
    }
    return;
  }
  auto implicitDeny = [&](auto&& makeReason) {
    decision.kind = DecisionKind::ImplicitDeny;
    if (explain) {
      decision.reason = makeReason();
    }
  };
  // 2. Anything that could not be evaluated denies (fail closed), said out loud.
  if (anyError || !decision.errors.empty()) {
    implicitDeny([&] {
      return "evaluation error, denied (fail closed): " +
             (decision.errors.empty() ? std::string("see errors") : decision.errors.front());
    });
    return;
  }
  // 3. Every SCP level must allow.
  if (scpWithoutAllow < set.scps.size()) {
    implicitDeny([&] {
      return "no statement in SCP " + set.scps[scpWithoutAllow].name + " (level " +
             std::to_string(scpWithoutAllow + 1) + ") allows " + request.action;
    });
    return;
  }
  if (endpointInScope && !endpoint.allow) {
    implicitDeny([&] {
      return "the request travels through a VPC endpoint (aws:SourceVpce), and its policy " +
             set.vpcEndpoint->name + " does not allow " + request.action;
    });
    return;
  }

  // 4-7. Resource-based, identity, boundary and session policies (§4.2 decision table).
  const bool root = ctx.facts.caller.kind == PrincipalIdentity::Kind::Root;
  const std::string_view targetAccount = resourceAccount(ctx);
  // AWS-owned resources (account "aws", e.g. AWS managed policies) belong to no customer
  // account: no resource-based policy of theirs is needed, the caller's own policies decide
  // (§4.8b).
  const bool sameAccount = isSameAccount(ctx);
  // Identity-based policies are attached to a principal: an anonymous caller has none, and
  // none can be attached to the root user (§4.8), so they never grant either (their Deny
  // statements still apply: fail closed). Anonymous: only a resource policy naming "*" allows.
  const bool identityCounts = !root && ctx.facts.caller.kind != PrincipalIdentity::Kind::Anonymous;
  identityAllows = identityCounts && identityAllows;
  // The root user's own side needs no policy: it may do whatever its account may (§4.8), which
  // in its own account is everything. For another account's resource that account must still
  // grant, through its resource-based policy (cross-account branch below, §4.4).
  if (root) {
    identityAllows = true;
  }
  const bool boundaryAllows = !boundary.present || boundary.allow;
  // A GetFederationToken session created without a session policy has no identity-side
  // permissions: it is modelled as an empty session policy (§4.6).
  const bool federatedWithoutSessionPolicy =
      ctx.facts.caller.kind == PrincipalIdentity::Kind::FederatedUser && !session.present;
  const bool sessionAllows = session.present ? session.allow : !federatedWithoutSessionPolicy;
  const Grant grant = resource.grant;
  // Trust and key policies must grant themselves: without one, nothing grants (§4.2).
  const bool rbpRequired = needsResourcePolicyGrant(ctx);
  const bool principalSide = identityAllows && boundaryAllows && sessionAllows;
  if (explain && principalSide) {
    byType.principalSide = DecisionKind::Allowed;
  }
  // A trust policy that names the caller does not bypass its permissions boundary: "if a
  // permissions boundary is set for the user, then it must allow the sts:AssumeRole action"
  // (§4.3). Other resource policies naming the caller do bypass it (§4.3 table).
  const bool directGrantBypassesBoundary = boundaryAllows || !isAssumeRole(ctx);

  auto allowed = [&](auto&& makeReason) {
    decision.kind = DecisionKind::Allowed;
    if (explain) {
      decision.reason = makeReason();
    }
    for (const CompiledStatement* statement : buffers.applying) {
      const PolicyKind kind = statement->policy->kind;
      if ((kind == PolicyKind::Identity && identityCounts) || kind == PolicyKind::Resource) {
        decision.matchedStatements.push_back(statement->ref());
      }
    }
  };
  auto principalSideGap = [&]() -> std::string {
    if (!identityAllows) {
      if (ctx.facts.caller.kind == PrincipalIdentity::Kind::Anonymous) {
        return "an anonymous request is allowed only by a resource-based policy naming \"*\"";
      }
      return "no identity-based policy allows " + request.action;
    }
    if (!boundaryAllows) {
      return "the permissions boundary " + set.boundary->name + " does not allow " + request.action;
    }
    if (federatedWithoutSessionPolicy) {
      return "a federated-user session without a session policy has no identity-side "
             "permissions (only a resource-based policy naming the session can grant)";
    }
    return "the session policy " + set.session->name + " does not allow " + request.action;
  };

  if (sameAccount) {
    if (grant == Grant::Direct && !directGrantBypassesBoundary) {
      implicitDeny([&] {
        return "the trust policy " + set.resource->name + " names the caller, but its " +
               "permissions boundary " + set.boundary->name + " does not allow " + request.action +
               " (a trust policy does not bypass the boundary)";
      });
    } else if (grant == Grant::Direct) {
      // Arm: a resource policy naming the caller itself grants on its own (§4.3).
      allowed([&] {
        return "allowed by the resource-based policy " + set.resource->name +
               ", which names the caller";
      });
    } else if (grant == Grant::Parent && boundaryAllows && sessionAllows) {
      // Arm: naming the role still leaves the session's boundary and session policy in force.
      allowed([&] {
        return "allowed by the resource-based policy " + set.resource->name +
               ", which names the caller's role";
      });
    } else if (principalSide && (grant == Grant::Account || !rbpRequired)) {
      // Arm: identity side allows; trust/key policies must still name the account at least.
      allowed([&] {
        return std::string(root ? "allowed: the root user may do anything in its own account"
                                : "allowed by the identity-based policies");
      });
    } else if (principalSide) {
      implicitDeny([&] {
        return set.resource ? "the resource-based policy " + set.resource->name +
                                  " does not allow the caller (trust and key policies must "
                                  "allow the principal themselves)"
                            : "no trust or key policy was given: " + request.action +
                                  " needs one that allows the caller (--resource-policy)";
      });
    } else if (grant == Grant::Parent) {
      implicitDeny([&] {
        return "the resource-based policy names the caller's role, but " + principalSideGap();
      });
    } else {
      implicitDeny(principalSideGap);
    }
    return;
  }
  // Cross-account: both the caller's account and the resource's account must allow (§4.4).
  if (!principalSide) {
    implicitDeny([&] { return "cross-account request: " + principalSideGap(); });
  } else if (grant == Grant::None) {
    implicitDeny([&] {
      return "cross-account request: no resource-based policy of account " +
             std::string(targetAccount) + " allows the caller";
    });
  } else {
    allowed([&] {
      return "allowed: identity-based policies and the resource-based policy of account " +
             std::string(targetAccount) + " both allow";
    });
  }
}

}  // namespace

void evaluateSet(const CompiledSet& set, const Request& request, const RequestFacts* prepared,
                 bool explain, Decision* decision) {
  if (prepared == nullptr) {
    scratch.facts.prepare(request);
    prepared = &scratch.facts;
  }
  decide(set, request, *prepared, explain, decision);
  // §4.8a: the explanation says which caller was assumed when the request named none.
  if (explain && prepared->caller.assumed) {
    decision->reason += " (no principal given: evaluated for an IAM user of account " +
                        std::string(prepared->caller.account) +
                        " to whom the identity policies are attached, as AWS's policy "
                        "simulator does without CallerArn)";
  }
}

}  // namespace policysim::engine::internal
