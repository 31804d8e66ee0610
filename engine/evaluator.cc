// Request evaluation over a compiled policy set, following AWS's documented evaluation logic
// (../shared/docs/iam-semantics.md §2-§4): statement applicability, condition logic, and the
// combination of identity, resource-based, boundary, SCP and session policies.
// Covered by tests/engine/evaluator_test.cc and the conformance cases in tests/conformance/.
#include <algorithm>
#include <string>

#include "engine/internal/compiled.h"
#include "grammar/arn.h"
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

struct PrincipalIdentity {
  enum class Kind { Anonymous, Root, User, RoleSession, FederatedUser, Service, Other };
  Kind kind = Kind::Anonymous;
  std::string arn;        // as given
  std::string account;    // 12-digit account, when known
  std::string parentArn;  // role ARN of a role session
};

// The six fields of a request ARN, or isArn=false.
struct ArnFields {
  bool isArn = false;
  std::string_view fields[6];
  std::size_t fieldStart[6] = {};
};

ArnFields splitArn(std::string_view text) {
  ArnFields out;
  auto parsed = grammar::parseArn(text);
  if (!parsed.ok()) {
    return out;
  }
  const grammar::Arn& arn = parsed.value();
  out.isArn = true;
  const std::string_view parts[6] = {text.substr(0, 3), arn.partition, arn.service,
                                     arn.region,        arn.account,   arn.resource};
  for (int i = 0; i < 6; ++i) {
    out.fields[i] = parts[i];
    out.fieldStart[i] = static_cast<std::size_t>(parts[i].data() - text.data());
  }
  return out;
}

bool matchArn(const ArnPattern& pattern, std::string_view text, const ArnFields& fields) {
  if (!pattern.valid) {
    return false;
  }
  if (!pattern.isArn || !fields.isArn) {
    return pattern.whole.matches(text);
  }
  const std::size_t count = pattern.fields.size();
  if (!pattern.tailAbsorbs) {
    for (std::size_t i = 0; i < 6; ++i) {
      if (!pattern.fields[i].matches(fields.fields[i])) {
        return false;
      }
    }
    return true;
  }
  // Fewer than six fields ending in '*': the last pattern field spans the rest of the ARN.
  for (std::size_t i = 0; i + 1 < count; ++i) {
    if (!pattern.fields[i].matches(fields.fields[i])) {
      return false;
    }
  }
  return pattern.fields[count - 1].matches(text.substr(fields.fieldStart[count - 1]));
}

bool isAccountId(std::string_view text) {
  return text.size() == 12 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string contextString(const Request& request, std::string_view key) {
  const ContextValue* value = request.findContext(key);
  if (value == nullptr || value->multivalued || value->values.size() != 1) {
    return {};
  }
  return value->values.front();
}

PrincipalIdentity identify(const Request& request) {
  PrincipalIdentity identity;
  identity.arn = request.principal;
  const std::string& principal = request.principal;
  if (principal.empty() || principal == "*" || principal == "anonymous") {
    identity.kind = PrincipalIdentity::Kind::Anonymous;
    identity.arn.clear();
    return identity;
  }
  auto parsed = grammar::parseArn(principal);
  if (!parsed.ok()) {
    identity.kind = principal.ends_with(".amazonaws.com") ? PrincipalIdentity::Kind::Service
                                                          : PrincipalIdentity::Kind::Other;
    if (isAccountId(principal)) {
      identity.kind = PrincipalIdentity::Kind::Root;
      identity.account = principal;
    }
    return identity;
  }
  const grammar::Arn& arn = parsed.value();
  identity.account = std::string(arn.account);
  identity.kind = PrincipalIdentity::Kind::Other;
  if (arn.service == "iam" && arn.resource == "root") {
    identity.kind = PrincipalIdentity::Kind::Root;
  } else if (arn.service == "iam" && arn.resource.starts_with("user/")) {
    identity.kind = PrincipalIdentity::Kind::User;
  } else if (arn.service == "sts" && arn.resource.starts_with("assumed-role/")) {
    identity.kind = PrincipalIdentity::Kind::RoleSession;
    // The role ARN (with its path) is aws:PrincipalArn; derive it when the context lacks it.
    std::string roleArn = contextString(request, "aws:principalarn");
    if (roleArn.find(":role/") == std::string::npos) {
      const std::string_view rest = arn.resource.substr(std::string_view("assumed-role/").size());
      const std::string_view roleName = rest.substr(0, rest.find('/'));
      roleArn = "arn:" + std::string(arn.partition) + ":iam::" + std::string(arn.account) +
                ":role/" + std::string(roleName);
    }
    identity.parentArn = roleArn;
  } else if (arn.service == "sts" && arn.resource.starts_with("federated-user/")) {
    identity.kind = PrincipalIdentity::Kind::FederatedUser;
  }
  if (identity.account.empty()) {
    identity.account = contextString(request, "aws:principalaccount");
  }
  return identity;
}

bool namesAccount(std::string_view value, const std::string& account) {
  if (account.empty()) {
    return false;
  }
  if (isAccountId(value)) {
    return value == account;
  }
  auto parsed = grammar::parseArn(value);
  return parsed.ok() && parsed.value().service == "iam" && parsed.value().resource == "root" &&
         parsed.value().account == account;
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
  return entry.value == caller.arn ? Grant::Direct : Grant::None;
}

// NotPrincipal: the caller is exempt only when every link of its identity chain is listed
// (§2.5 rule 6).
bool notPrincipalExempts(const std::vector<PrincipalEntry>& entries,
                         const PrincipalIdentity& caller) {
  auto listed = [&](const std::string& arn) {
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
      return accountListed() && listed(caller.arn);
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

// Everything the evaluation of one request needs, prepared once.
struct EvalContext {
  const Request& request;
  std::string loweredAction;  // "svc:name"
  std::string actionService;  // lower-cased
  std::string actionName;     // lower-cased
  ArnFields resourceFields;
  PrincipalIdentity caller;
  bool hasBoundary = false;
  bool explain = false;
  Decision* decision = nullptr;
  std::vector<std::string>* steps = nullptr;  // explanation of the current statement
  std::vector<TextPiece> scratch;

  void step(std::string text) const {
    if (steps != nullptr) {
      steps->push_back(std::move(text));
    }
  }
  void missing(const std::string& key) const {
    auto& list = decision->missingContextValues;
    const std::string lowered = toLowerAscii(key);
    const bool seen = std::any_of(list.begin(), list.end(),
                                  [&](const std::string& k) { return toLowerAscii(k) == lowered; });
    if (!seen) {
      list.push_back(key);
    }
  }
  // Records an evaluation problem of the current statement; it reaches Decision::errors only
  // if the statement's outcome depends on it (see evaluatePolicy).
  void error(std::string text) { pendingErrors.push_back(std::move(text)); }
  void commitErrors() {
    for (std::string& text : pendingErrors) {
      if (std::find(decision->errors.begin(), decision->errors.end(), text) ==
          decision->errors.end()) {
        decision->errors.push_back(std::move(text));
      }
    }
    pendingErrors.clear();
  }
  std::vector<std::string> pendingErrors;
};

bool actionMatches(const ActionPattern& pattern, const EvalContext& ctx) {
  return pattern.any ||
         (pattern.service == ctx.actionService && pattern.name.matches(ctx.actionName));
}

// A resource pattern against the request resource. Request "*" (actions without
// resource-level permissions) is matched only by the policy resource "*".
bool resourceMatches(const ResourcePattern& pattern, EvalContext& ctx) {
  if (pattern.any) {
    return true;
  }
  const std::string& resource = ctx.request.resource;
  if (resource == "*") {
    return false;
  }
  if (!pattern.text.hasVariables()) {
    return matchArn(pattern.constant, resource, ctx.resourceFields);
  }
  std::vector<std::string> missing;
  if (!pattern.text.resolve(ctx.request, &ctx.scratch, &missing)) {
    for (const std::string& key : missing) {
      ctx.missing(key);
      ctx.step("resource \"" + pattern.written + "\": policy variable ${" + key +
               "} has no value, so this pattern matches nothing");
    }
    return false;
  }
  return matchArn(compileArnPattern(ctx.scratch, true), resource, ctx.resourceFields);
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && toLowerAscii(a) == toLowerAscii(b);
}

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

// Converts a request value for the condition's family; false = type mismatch.
bool convert(const CompiledCondition& condition, std::string_view text, RequestScalar* out,
             std::string* problem) {
  out->text = text;
  switch (condition.family) {
    case OperatorFamily::String:
    case OperatorFamily::Null:
      return true;
    case OperatorFamily::Numeric: {
      auto parsed = grammar::parseDecimal(text);
      if (!parsed.ok()) {
        *problem = "is not a number";
        return false;
      }
      out->number = parsed.value();
      return true;
    }
    case OperatorFamily::Date: {
      auto parsed = grammar::parseDate(text);
      if (!parsed.ok()) {
        *problem = "is not a date";
        return false;
      }
      out->date = parsed.value();
      return true;
    }
    case OperatorFamily::Bool:
      if (equalsIgnoreCase(text, "true") || equalsIgnoreCase(text, "false")) {
        out->boolean = equalsIgnoreCase(text, "true");
        return true;
      }
      *problem = "is not a boolean";
      return false;
    case OperatorFamily::Binary:
      if (!decodeBase64(text, &out->bytes)) {
        *problem = "is not base64";
        return false;
      }
      return true;
    case OperatorFamily::Ip: {
      auto parsed = grammar::parseIpAddress(text);
      if (!parsed.ok()) {
        *problem = "is not an IP address";
        return false;
      }
      out->address = parsed.value();
      return true;
    }
    case OperatorFamily::Arn:
      out->arn = splitArn(text);
      if (!out->arn.isArn) {
        *problem = "is not an ARN";
        return false;
      }
      return true;
  }
  return false;
}

// The positive base comparison of one policy value against one request value
// (StringNotEquals uses StringEquals here; negation is applied by the caller).
bool compareValue(const CompiledCondition& condition, const ConditionValue& value,
                  const RequestScalar& scalar, EvalContext& ctx) {
  const OperatorKind kind = condition.op.kind;
  switch (condition.family) {
    case OperatorFamily::String: {
      const bool like = kind == OperatorKind::StringLike || kind == OperatorKind::StringNotLike;
      const bool ignoreCase = kind == OperatorKind::StringEqualsIgnoreCase ||
                              kind == OperatorKind::StringNotEqualsIgnoreCase;
      if (!value.text.hasVariables()) {
        if (like) {
          return value.constantGlob.matches(scalar.text);
        }
        return ignoreCase ? value.constantText == toLowerAscii(scalar.text)
                          : value.constantText == scalar.text;
      }
      std::vector<std::string> missing;
      if (!value.text.resolve(ctx.request, &ctx.scratch, &missing)) {
        for (const std::string& key : missing) {
          ctx.missing(key);
        }
        return false;  // an unresolved variable never matches (negated: counts as not equal)
      }
      if (like) {
        return globOf(ctx.scratch).matches(scalar.text);
      }
      const std::string resolved = joinPieces(ctx.scratch);
      return ignoreCase ? equalsIgnoreCase(resolved, scalar.text) : resolved == scalar.text;
    }
    case OperatorFamily::Arn: {
      if (!value.text.hasVariables()) {
        return value.constantArn.isArn && matchArn(value.constantArn, scalar.text, scalar.arn);
      }
      std::vector<std::string> missing;
      if (!value.text.resolve(ctx.request, &ctx.scratch, &missing)) {
        for (const std::string& key : missing) {
          ctx.missing(key);
        }
        return false;
      }
      const ArnPattern pattern = compileArnPattern(ctx.scratch, false);
      return pattern.isArn && matchArn(pattern, scalar.text, scalar.arn);
    }
    case OperatorFamily::Numeric:
      switch (kind) {
        case OperatorKind::NumericLessThan:
          return scalar.number < value.number;
        case OperatorKind::NumericLessThanEquals:
          return scalar.number <= value.number;
        case OperatorKind::NumericGreaterThan:
          return scalar.number > value.number;
        case OperatorKind::NumericGreaterThanEquals:
          return scalar.number >= value.number;
        default:
          return scalar.number == value.number;
      }
    case OperatorFamily::Date:
      switch (kind) {
        case OperatorKind::DateLessThan:
          return scalar.date < value.date;
        case OperatorKind::DateLessThanEquals:
          return scalar.date <= value.date;
        case OperatorKind::DateGreaterThan:
          return scalar.date > value.date;
        case OperatorKind::DateGreaterThanEquals:
          return scalar.date >= value.date;
        default:
          return scalar.date == value.date;
      }
    case OperatorFamily::Bool:
      return scalar.boolean == value.boolean;
    case OperatorFamily::Binary:
      return scalar.bytes == value.bytes;
    case OperatorFamily::Ip:
      return grammar::networkContains(value.network, scalar.address);
    case OperatorFamily::Null:
      return false;
  }
  return false;
}

// m(s): the base operator applied to one request value against all policy values:
// OR over the values for positive operators, NOR for negated ones (§3.1).
Truth matchOne(const CompiledCondition& condition, std::string_view text, EvalContext& ctx) {
  RequestScalar scalar;
  std::string problem;
  if (!convert(condition, text, &scalar, &problem)) {
    ctx.error("context key " + condition.keyWritten + " value \"" + std::string(text) + "\" " +
              problem + " (needed by " + condition.operatorName + ")");
    return Truth::Error;
  }
  bool any = false;
  for (const ConditionValue& value : condition.values) {
    if (compareValue(condition, value, scalar, ctx)) {
      any = true;
      break;
    }
  }
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

Truth evaluateCondition(const CompiledCondition& condition, EvalContext& ctx) {
  const ContextValue* value = ctx.request.findContext(condition.key);
  const bool absent = value == nullptr || value->values.empty();  // an empty list is null
  const std::string label = "condition " + condition.operatorName + " " + condition.keyWritten;

  if (condition.op.kind == OperatorKind::Null) {
    // "true" asks for absence, "false" for presence; several values are ORed.
    const bool result = std::any_of(condition.values.begin(), condition.values.end(),
                                    [&](const ConditionValue& v) { return v.boolean == absent; });
    if (ctx.explain) {
      ctx.step(label + ": key " + (absent ? "absent" : "present") + " -> " +
               (result ? "true" : "false"));
    }
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
      result = false;
      rule = "ForAnyValue on an absent key is false";
    } else if (condition.op.ifExists) {
      result = true;
      rule = "...IfExists on an absent key is true";
    } else if (condition.negated) {
      result = true;
      rule = "a negated operator on an absent key is true";
    }
    if (ctx.explain) {
      ctx.step(label + ": key absent; " + rule);
    }
    return result ? Truth::True : Truth::False;
  }

  Truth result = Truth::False;
  switch (condition.op.qualifier) {
    case SetQualifier::None:
      if (value->multivalued) {
        // AWS requires ForAllValues/ForAnyValue for multivalued keys; undefined otherwise.
        if (ctx.explain) {
          ctx.step(label +
                   ": key is multivalued but the operator has no ForAllValues:/"
                   "ForAnyValue: qualifier -> false");
        }
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
      result = Truth::False;
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
  if (ctx.explain) {
    std::string shown;
    for (std::size_t i = 0; i < value->values.size() && i < 8; ++i) {
      shown += (i == 0 ? "" : ", ") + value->values[i];
    }
    if (value->values.size() > 8) {
      shown += ", ...";
    }
    ctx.step(label + ": request value " + (value->multivalued ? "[" + shown + "]" : shown) +
             " -> " + truthWord(result));
  }
  return result;
}

struct StatementOutcome {
  Truth applies = Truth::False;
  Grant grant = Grant::None;  // resource-based policies: how the Principal names the caller
  bool actionMatched = false;
};

std::string quoteList(const std::vector<ActionPattern>& actions) {
  std::string out;
  for (std::size_t i = 0; i < actions.size() && i < 4; ++i) {
    out += (i == 0 ? "\"" : ", \"") + actions[i].text + "\"";
  }
  if (actions.size() > 4) {
    out += ", ...";
  }
  return out;
}

StatementOutcome evaluateStatement(const CompiledStatement& statement, EvalContext& ctx) {
  StatementOutcome outcome;
  const std::string& action = ctx.request.action;

  // Action / NotAction: cheapest test first.
  const bool actionListed =
      std::any_of(statement.actions.begin(), statement.actions.end(),
                  [&](const ActionPattern& p) { return actionMatches(p, ctx); });
  if (actionListed == statement.notAction) {
    if (ctx.explain) {
      ctx.step(statement.notAction
                   ? "action " + action + " is listed in NotAction"
                   : "action " + action + " does not match Action " + quoteList(statement.actions));
    }
    return outcome;
  }
  outcome.actionMatched = true;
  if (ctx.explain) {
    ctx.step(statement.notAction ? "action " + action + " is not listed in NotAction"
                                 : "action " + action + " matches Action");
  }

  // Resource / NotResource (absent only in trust policies: the resource is the role itself).
  if (statement.hasResource) {
    bool listed = false;
    for (const ResourcePattern& pattern : statement.resources) {
      if (resourceMatches(pattern, ctx)) {
        listed = true;
        break;
      }
    }
    if (listed == statement.notResource) {
      if (ctx.explain) {
        ctx.step(
            "resource " + ctx.request.resource +
            (statement.notResource ? " is listed in NotResource" : " does not match Resource"));
      }
      return outcome;
    }
    if (ctx.explain) {
      ctx.step("resource " + ctx.request.resource +
               (statement.notResource ? " is not listed in NotResource" : " matches Resource"));
    }
  }

  // Principal / NotPrincipal (resource-based policies only).
  if (statement.hasPrincipal) {
    if (statement.notPrincipal) {
      // A Deny with NotPrincipal always applies to a principal with a permissions boundary.
      if (!ctx.hasBoundary && notPrincipalExempts(statement.principals, ctx.caller)) {
        if (ctx.explain) {
          ctx.step("principal " + ctx.caller.arn + " is exempted by NotPrincipal");
        }
        return outcome;
      }
      if (ctx.explain) {
        ctx.step(ctx.hasBoundary ? "NotPrincipal always applies to a principal with a "
                                   "permissions boundary"
                                 : "principal is not fully listed in NotPrincipal (every link of "
                                   "its identity chain must be listed to be exempt)");
      }
      outcome.grant = Grant::Direct;
    } else {
      for (const PrincipalEntry& entry : statement.principals) {
        outcome.grant = std::max(outcome.grant, grantOf(entry, ctx.caller));
      }
      if (outcome.grant == Grant::None) {
        if (ctx.explain) {
          ctx.step("principal " +
                   (ctx.caller.arn.empty() ? std::string("(anonymous)") : ctx.caller.arn) +
                   " is not named in Principal");
        }
        return outcome;
      }
      if (ctx.explain) {
        ctx.step(std::string("Principal ") + grantName(outcome.grant));
      }
    }
  }

  // A statement whose policy values could not be compiled fails closed (§3.5); the problem was
  // reported as a warning when the set was compiled.
  if (!statement.problems.empty()) {
    if (ctx.explain) {
      for (const std::string& problem : statement.problems) {
        ctx.step("invalid policy value: " + problem);
      }
    }
    ctx.step(statement.effect == Effect::Deny
                 ? "a condition value is invalid: this Deny applies (fail closed)"
                 : "a condition value is invalid: this Allow does not apply (fail closed)");
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

// Results of one policy: which statements applied, by effect.
struct PolicyOutcome {
  bool allow = false;
  bool deny = false;
  bool error = false;
  Grant grant = Grant::None;  // strongest grant among applying Allow statements
  std::vector<const CompiledStatement*> allowStatements;
  std::vector<const CompiledStatement*> denyStatements;
};

// The statements whose Action/NotAction can cover the request's action, ascending.
void candidateStatements(const ActionIndex& index, const EvalContext& ctx,
                         std::vector<std::uint32_t>* out) {
  out->clear();
  auto append = [out](const std::vector<std::uint32_t>& list) {
    out->insert(out->end(), list.begin(), list.end());
  };
  append(index.always);
  if (const auto it = index.exact.find(ctx.loweredAction); it != index.exact.end()) {
    append(it->second);
  }
  if (const auto it = index.byService.find(ctx.actionService); it != index.byService.end()) {
    append(it->second);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

PolicyOutcome evaluatePolicy(const CompiledPolicy& policy, EvalContext& ctx) {
  PolicyOutcome outcome;
  // Explanations cover every statement; otherwise only those the action index points at.
  std::vector<std::uint32_t> candidates;
  if (ctx.explain) {
    candidates.resize(policy.statements.size());
    for (std::uint32_t i = 0; i < candidates.size(); ++i) {
      candidates[i] = i;
    }
  } else {
    candidateStatements(policy.index, ctx, &candidates);
  }
  for (const std::uint32_t i : candidates) {
    const CompiledStatement& statement = policy.statements[i];
    std::vector<std::string> steps;
    ctx.steps = ctx.explain ? &steps : nullptr;
    ctx.pendingErrors.clear();
    const StatementOutcome result = evaluateStatement(statement, ctx);
    ctx.steps = nullptr;
    if (result.applies == Truth::Error) {
      outcome.error = true;
      ctx.commitErrors();
    } else if (result.applies == Truth::True) {
      if (statement.effect == Effect::Deny) {
        outcome.deny = true;
        outcome.denyStatements.push_back(&statement);
      } else {
        outcome.allow = true;
        outcome.grant = std::max(outcome.grant, result.grant);
        outcome.allowStatements.push_back(&statement);
      }
    }
    if (ctx.explain) {
      ctx.decision->explanations.push_back(StatementExplanation{
          statement.ref, result.applies == Truth::True, result.actionMatched, std::move(steps)});
    }
  }
  return outcome;
}

std::string describe(const StatementRef& ref) {
  std::string out = ref.effect == Effect::Deny ? "Deny statement " : "Allow statement ";
  out += ref.sid.empty() ? "#" + std::to_string(ref.statementIndex) : "\"" + ref.sid + "\"";
  out += " in ";
  out += policyKindName(ref.policyKind);
  out += " policy ";
  out += ref.policyName;
  return out;
}

bool needsResourcePolicyGrant(const EvalContext& ctx) {
  // Role trust policies and KMS key policies must themselves allow the principal (§4.2).
  return (ctx.actionService == "sts" && ctx.actionName.starts_with("assumerole")) ||
         ctx.actionService == "kms";
}

std::string resourceAccount(const EvalContext& ctx) {
  if (ctx.resourceFields.isArn && !ctx.resourceFields.fields[4].empty()) {
    return std::string(ctx.resourceFields.fields[4]);
  }
  return contextString(ctx.request, "aws:resourceaccount");
}

void addMatched(Decision* decision, const std::vector<const CompiledStatement*>& statements) {
  for (const CompiledStatement* statement : statements) {
    decision->matchedStatements.push_back(statement->ref);
  }
}

}  // namespace

Decision evaluateSet(const CompiledSet& set, const Request& request, bool explain) {
  Decision decision;
  EvalContext ctx{request, {},        {},      {}, {}, {}, set.boundary.has_value(),
                  explain, &decision, nullptr, {}, {}};
  ctx.loweredAction = toLowerAscii(request.action);
  const std::size_t colon = ctx.loweredAction.find(':');
  ctx.actionService = ctx.loweredAction.substr(0, colon);
  ctx.actionName = colon == std::string::npos ? std::string() : ctx.loweredAction.substr(colon + 1);
  ctx.resourceFields = splitArn(request.resource);
  ctx.caller = identify(request);

  // Evaluate every policy in scope; statement order never matters.
  std::vector<PolicyOutcome> identity;
  for (const CompiledPolicy& policy : set.identity) {
    identity.push_back(evaluatePolicy(policy, ctx));
  }
  std::vector<PolicyOutcome> scps;
  for (const CompiledPolicy& policy : set.scps) {
    scps.push_back(evaluatePolicy(policy, ctx));
  }
  const std::optional<PolicyOutcome> resource =
      set.resource ? std::optional(evaluatePolicy(*set.resource, ctx)) : std::nullopt;
  const std::optional<PolicyOutcome> boundary =
      set.boundary ? std::optional(evaluatePolicy(*set.boundary, ctx)) : std::nullopt;
  const std::optional<PolicyOutcome> session =
      set.session ? std::optional(evaluatePolicy(*set.session, ctx)) : std::nullopt;

  std::vector<const PolicyOutcome*> all;
  for (const PolicyOutcome& o : identity) {
    all.push_back(&o);
  }
  for (const PolicyOutcome& o : scps) {
    all.push_back(&o);
  }
  for (const auto* o : {&resource, &boundary, &session}) {
    if (o->has_value()) {
      all.push_back(&o->value());
    }
  }

  // 1. An applying Deny in any policy is final.
  for (const PolicyOutcome* o : all) {
    addMatched(&decision, o->denyStatements);
  }
  if (!decision.matchedStatements.empty()) {
    decision.kind = DecisionKind::ExplicitDeny;
    decision.reason = "denied by " + describe(decision.matchedStatements.front());
    return decision;
  }
  // 2. Anything that could not be evaluated denies (fail closed), said out loud.
  const bool anyError =
      std::any_of(all.begin(), all.end(), [](const PolicyOutcome* o) { return o->error; });
  if (anyError || !decision.errors.empty()) {
    decision.kind = DecisionKind::ImplicitDeny;
    decision.reason =
        "evaluation error, denied (fail closed): " +
        (decision.errors.empty() ? std::string("see errors") : decision.errors.front());
    return decision;
  }
  auto implicitDeny = [&](std::string reason) {
    decision.kind = DecisionKind::ImplicitDeny;
    decision.reason = std::move(reason);
    return decision;
  };
  // 3. Every SCP level must allow.
  for (std::size_t i = 0; i < scps.size(); ++i) {
    if (!scps[i].allow) {
      return implicitDeny("no statement in SCP " + set.scps[i].name + " (level " +
                          std::to_string(i + 1) + ") allows " + request.action);
    }
  }

  // 4-7. Resource-based, identity, boundary and session policies (§4.2 decision table).
  const bool root = ctx.caller.kind == PrincipalIdentity::Kind::Root;
  const std::string callerAccount = ctx.caller.account;
  const std::string targetAccount = resourceAccount(ctx);
  const bool sameAccount =
      callerAccount.empty() || targetAccount.empty() || callerAccount == targetAccount;
  bool identityAllows =
      std::any_of(identity.begin(), identity.end(), [](const PolicyOutcome& o) { return o.allow; });
  if (root && sameAccount) {
    identityAllows = true;  // the root user is allowed everything in its own account
  }
  const bool boundaryAllows = !boundary || boundary->allow;
  // A GetFederationToken session created without a session policy has no identity-side
  // permissions: it is modelled as an empty session policy (§4.6).
  const bool federatedWithoutSessionPolicy =
      ctx.caller.kind == PrincipalIdentity::Kind::FederatedUser && !session;
  const bool sessionAllows = session ? session->allow : !federatedWithoutSessionPolicy;
  const Grant grant = resource ? resource->grant : Grant::None;
  // Trust and key policies must grant themselves: without one, nothing grants (§4.2).
  const bool rbpRequired = needsResourcePolicyGrant(ctx);

  auto allowed = [&](std::string reason) {
    decision.kind = DecisionKind::Allowed;
    decision.reason = std::move(reason);
    for (const PolicyOutcome& o : identity) {
      addMatched(&decision, o.allowStatements);
    }
    if (resource) {
      addMatched(&decision, resource->allowStatements);
    }
    return decision;
  };

  std::string principalSideGap;
  if (!identityAllows) {
    principalSideGap = "no identity-based policy allows " + request.action;
  } else if (!boundaryAllows) {
    principalSideGap =
        "the permissions boundary " + set.boundary->name + " does not allow " + request.action;
  } else if (federatedWithoutSessionPolicy) {
    principalSideGap =
        "a federated-user session without a session policy has no identity-side "
        "permissions (only a resource-based policy naming the session can grant)";
  } else if (!sessionAllows) {
    principalSideGap =
        "the session policy " + set.session->name + " does not allow " + request.action;
  }
  const bool principalSide = principalSideGap.empty();

  if (sameAccount) {
    if (grant == Grant::Direct) {
      // Arm: a resource policy naming the caller itself grants on its own (§4.3).
      return allowed("allowed by the resource-based policy " + set.resource->name +
                     ", which names the caller");
    }
    if (grant == Grant::Parent && boundaryAllows && sessionAllows) {
      // Arm: naming the role still leaves the session's boundary and session policy in force.
      return allowed("allowed by the resource-based policy " + set.resource->name +
                     ", which names the caller's role");
    }
    if (principalSide && (grant == Grant::Account || !rbpRequired)) {
      // Arm: identity side allows; trust/key policies must still name the account at least.
      return allowed(root ? "allowed: the root user may do anything in its own account"
                          : "allowed by the identity-based policies");
    }
    if (principalSide && rbpRequired) {
      return implicitDeny(resource ? "the resource-based policy " + set.resource->name +
                                         " does not allow the caller (trust and key policies "
                                         "must allow the principal themselves)"
                                   : "no trust or key policy was given: " + request.action +
                                         " needs one that allows the caller "
                                         "(--resource-policy)");
    }
    if (grant == Grant::Parent) {
      return implicitDeny("the resource-based policy names the caller's role, but " +
                          principalSideGap);
    }
    return implicitDeny(principalSideGap);
  }
  // Cross-account: both the caller's account and the resource's account must allow (§4.4).
  if (!principalSide) {
    return implicitDeny("cross-account request: " + principalSideGap);
  }
  if (grant == Grant::None) {
    return implicitDeny("cross-account request: no resource-based policy of account " +
                        targetAccount + " allows the caller");
  }
  return allowed("allowed: identity-based policies and the resource-based policy of account " +
                 targetAccount + " both allow");
}

}  // namespace policysim::engine::internal
