// Reference evaluator. Every rule cites the section of ../shared/docs/iam-semantics.md (or the
// README's table of ambiguity choices) it implements. Written for reading, not for speed.
#include "tests/reference/reference_evaluator.h"

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/reference/reference_values.h"

namespace policysim::reference {
namespace {

// ---------------------------------------------------------------------------------------------
// Small text helpers.

// Splits UTF-8 text into code points (each as its bytes). Input is valid UTF-8 (the parsers
// check), so a code point is a lead byte plus the continuation bytes (10xxxxxx) after it.
std::vector<std::string> codePoints(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t j = i + 1;
    while (j < text.size() && (static_cast<unsigned char>(text[j]) & 0xC0U) == 0x80U) ++j;
    out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

bool isAllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Splits at the first `maxSplits` colons: "a:b:c" with 5 -> {"a","b","c"}; the last piece keeps
// any later colons (§2.3 rule 3: the resource field may contain ':' and '/').
std::vector<std::string> splitColons(std::string_view text, std::size_t maxSplits) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (out.size() < maxSplits) {
    const std::size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) break;
    out.emplace_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  out.emplace_back(text.substr(start));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Glob patterns. A pattern is a sequence of glyphs; only glyphs written as '*' or '?' in a place
// where wildcards are active are wildcards. Characters produced by a policy variable or an escape
// (${*}, ${?}, ${$}) are literal (§3.8 rules 4 and 7).

struct Glyph {
  enum class Kind { Literal, AnyRun, AnyOne };
  Kind kind = Kind::Literal;
  std::string text;          // the code point as written (also "*"/"?" for wildcards)
  bool substituted = false;  // came from a variable or escape: never a field separator
};
using Pattern = std::vector<Glyph>;

Pattern wildcardPattern(std::string_view text) {
  Pattern out;
  for (std::string& cp : codePoints(text)) {
    Glyph g;
    g.kind = cp == "*"   ? Glyph::Kind::AnyRun
             : cp == "?" ? Glyph::Kind::AnyOne
                         : Glyph::Kind::Literal;
    g.text = std::move(cp);
    out.push_back(std::move(g));
  }
  return out;
}

Pattern literalPattern(std::string_view text) {
  Pattern out;
  for (std::string& cp : codePoints(text)) {
    Glyph g;
    g.text = std::move(cp);
    g.substituted = true;
    out.push_back(std::move(g));
  }
  return out;
}

// The pattern's text with every glyph taken literally (what StringEquals compares, §3.4).
std::string patternText(const Pattern& pattern) {
  std::string out;
  for (const Glyph& g : pattern) out += g.text;
  return out;
}

// Anchored glob match by dynamic programming: ok(i, j) = pattern[i..] matches text[j..].
bool globMatchPattern(const Pattern& pattern, const std::vector<std::string>& text) {
  const std::size_t m = pattern.size();
  const std::size_t n = text.size();
  std::vector<char> table((m + 1) * (n + 1), 0);
  auto ok = [&](std::size_t i, std::size_t j) -> char& { return table[i * (n + 1) + j]; };
  ok(m, n) = 1;  // empty pattern matches only the empty rest of the text
  for (std::size_t i = m; i-- > 0;) {
    for (std::size_t j = n + 1; j-- > 0;) {
      const Glyph& g = pattern[i];
      bool result = false;
      switch (g.kind) {
        case Glyph::Kind::AnyRun:  // '*': skip the star, or eat one code point and stay
          result = ok(i + 1, j) != 0 || (j < n && ok(i, j + 1) != 0);
          break;
        case Glyph::Kind::AnyOne:  // '?': exactly one code point
          result = j < n && ok(i + 1, j + 1) != 0;
          break;
        case Glyph::Kind::Literal:
          result = j < n && text[j] == g.text && ok(i + 1, j + 1) != 0;
          break;
      }
      ok(i, j) = result ? 1 : 0;
    }
  }
  return ok(0, 0) != 0;
}

bool globMatchPattern(const Pattern& pattern, std::string_view text) {
  return globMatchPattern(pattern, codePoints(text));
}

Pattern lowerPattern(Pattern pattern) {
  for (Glyph& g : pattern) g.text = asciiLower(g.text);
  return pattern;
}

// ---------------------------------------------------------------------------------------------
// Policy variables (§3.8).

// The value of variable `key` in the request: only a single-valued key resolves (rule 3); when
// it does not, the default is used if written (rule 5), else there is no value (rule 6).
std::optional<std::string> resolveVariable(const TemplatePiece& piece, const Request& request) {
  const ContextEntry* entry = request.find(piece.text);  // names case-insensitive (rule 1)
  if (entry != nullptr && !entry->multivalued && entry->values.size() == 1) {
    return entry->values.front();
  }
  if (piece.fallback) return *piece.fallback;
  return std::nullopt;
}

// A policy string as the element reads it: wildcards active in literal text, variables
// substituted only under Version 2012-10-17 (§1.2, §3.8 rule 1). nullopt = a variable had no
// value and no default, so this pattern cannot match anything (§3.8 rule 6).
std::optional<Pattern> expandTemplate(std::string_view text, bool variables,
                                      const Request& request) {
  if (!variables) return wildcardPattern(text);  // ${...} is literal text
  const std::optional<std::vector<TemplatePiece>> pieces = readTemplate(text);
  if (!pieces) return wildcardPattern(text);  // readPolicy rejects these anyway
  Pattern out;
  for (const TemplatePiece& piece : *pieces) {
    Pattern part;
    switch (piece.kind) {
      case TemplatePiece::Kind::Text:
        part = wildcardPattern(piece.text);
        break;
      case TemplatePiece::Kind::Escape:  // ${*} ${?} ${$}: literal (rule 4)
        part = literalPattern(piece.text);
        break;
      case TemplatePiece::Kind::Variable: {
        std::optional<std::string> value = resolveVariable(piece, request);
        if (!value) return std::nullopt;
        part = literalPattern(*value);  // substituted text is never a wildcard (rule 7)
        break;
      }
    }
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

// Splits a pattern at its first five field colons (colons written in the policy, not ones a
// variable produced).
std::vector<Pattern> splitPatternFields(const Pattern& pattern) {
  std::vector<Pattern> fields(1);
  for (const Glyph& g : pattern) {
    if (fields.size() < 6 && g.kind == Glyph::Kind::Literal && g.text == ":" && !g.substituted) {
      fields.emplace_back();
    } else {
      fields.back().push_back(g);
    }
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// §2.1 Action.

bool actionPatternMatches(std::string_view pattern, std::string_view action) {
  if (pattern == "*") return true;  // rule 1
  const std::size_t pColon = pattern.find(':');
  const std::size_t aColon = action.find(':');
  if (pColon == std::string_view::npos || aColon == std::string_view::npos) return false;
  // Rule 2: prefix literal and case-insensitive; name a case-insensitive anchored glob.
  if (asciiLower(pattern.substr(0, pColon)) != asciiLower(action.substr(0, aColon))) return false;
  const std::string_view name = pattern.substr(pColon + 1);
  if (name.empty()) return false;  // rule 5
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;  // rule 5
  }
  return globMatchPattern(lowerPattern(wildcardPattern(name)),
                          asciiLower(action.substr(aColon + 1)));
}

// §2.1 rule 3 (OR) and §2.2 (NotAction: none of them).
bool actionElementMatches(const Statement& statement, const std::string& action) {
  bool any = false;
  for (const auto& pattern : statement.actions) any = any || actionPatternMatches(pattern, action);
  return statement.notAction ? !any : any;
}

// ---------------------------------------------------------------------------------------------
// §2.3 Resource.

bool resourcePatternMatches(const std::string& patternText, bool variables,
                            const Request& request) {
  const std::string& resource = request.resource;
  if (patternText == "*") return true;                                                     // rule 1
  if (resource == "*") return false;                                                       // rule 2
  const std::optional<Pattern> pattern = expandTemplate(patternText, variables, request);  // rule 7
  if (!pattern) return false;  // §3.8 rule 6: unresolved variable -> matches nothing
  const std::vector<Pattern> p = splitPatternFields(*pattern);
  const std::vector<std::string> r = splitColons(resource, 5);
  if (p.size() == 6) {
    // Rule 3: six fields, each globbed on its own, case-sensitive; field 6 spans ':' and '/'.
    if (r.size() != 6) return false;
    for (std::size_t i = 0; i < 6; ++i) {
      if (!globMatchPattern(p[i], r[i])) return false;
    }
    return true;
  }
  // Rule 5 (policysim choice): a short ARN matches only if its last field ends in '*'; that
  // star absorbs the rest of the request ARN, so the missing fields behave as '*'. The fields
  // written before it, and the last field up to its final star, are globbed per field.
  const Pattern& last = p.back();
  if (last.empty() || last.back().kind != Glyph::Kind::AnyRun) return false;
  if (r.size() < p.size()) return false;
  for (std::size_t i = 0; i + 1 < p.size(); ++i) {
    if (!globMatchPattern(p[i], r[i])) return false;
  }
  // "X*" globbed against field k alone: X matches a prefix of that field, and the final star
  // takes the rest of the field plus every later field.
  return globMatchPattern(last, r[p.size() - 1]);
}

// Rule 8 (OR) and §2.4 (NotResource: none). A missing Resource element (role trust policies,
// §1.3) restricts nothing.
bool resourceElementMatches(const Statement& statement, bool variables, const Request& request) {
  if (!statement.hasResource) return true;
  bool any = false;
  for (const std::string& pattern : statement.resources) {
    any = any || resourcePatternMatches(pattern, variables, request);
  }
  return statement.notResource ? !any : any;
}

// ---------------------------------------------------------------------------------------------
// §2.5 Principals.

struct Caller {
  enum class Kind { Anonymous, User, RoleSession, FederatedUser, Root, Other };
  Kind kind = Kind::Anonymous;
  bool unnamed = false;        // §4.8a: no principal in the request; arn is empty
  bool serviceLinked = false;  // §4.7: role path /aws-service-role/
  std::string arn;             // as the request names it
  std::string account;         // empty for anonymous / other
  std::string roleArn;         // role sessions: arn:PART:iam::ACCOUNT:role/ROLE
};

bool isCustomerAccount(const std::string& text) { return text.size() == 12 && isAllDigits(text); }

std::string singleValue(const Request& request, const char* key) {
  const ContextEntry* entry = request.find(key);
  if (entry == nullptr || entry->multivalued || entry->values.size() != 1) return {};
  return entry->values[0];
}

// §4.8a: with no principal named, the caller is (as in AWS's simulator without CallerArn) the
// IAM user the identity policies are attached to. Its account: the principal account the
// context states, else the resource's account, else the example account 111122223333.
Caller unnamedCaller(const Request& request) {
  Caller caller;
  caller.kind = Caller::Kind::User;
  caller.unnamed = true;
  const std::vector<std::string> f = splitColons(request.resource, 5);
  const std::string arnAccount = f.size() == 6 && f[0] == "arn" ? f[4] : std::string();
  for (const std::string& account : {singleValue(request, "aws:PrincipalAccount"), arnAccount,
                                     singleValue(request, "aws:ResourceAccount")}) {
    if (isCustomerAccount(account)) {
      caller.account = account;
      return caller;
    }
  }
  caller.account = "111122223333";
  return caller;
}

// §4.7: IAM puts service-linked roles under the path /aws-service-role/.
bool isServiceLinkedRoleArn(const std::string& arn) {
  const std::vector<std::string> f = splitColons(arn, 5);
  return f.size() == 6 && f[0] == "arn" && f[2] == "iam" &&
         f[5].rfind("role/aws-service-role/", 0) == 0;
}

Caller parseCaller(const Request& request, const Deviations& deviations) {
  const std::string& principal = request.principal;
  Caller caller;
  caller.arn = principal;
  if (request.anonymous) return caller;  // §4.8: anonymous, asked for
  if (principal.empty()) return unnamedCaller(request);
  // The role a session belongs to is aws:PrincipalArn (with its path); the session ARN drops it.
  caller.serviceLinked =
      isServiceLinkedRoleArn(principal) ||
      (principal.rfind("arn:", 0) == 0 && principal.find(":assumed-role/") != std::string::npos &&
       isServiceLinkedRoleArn(singleValue(request, "aws:PrincipalArn")));
  caller.kind = Caller::Kind::Other;
  const std::vector<std::string> f = splitColons(principal, 5);
  if (f.size() != 6 || f[0] != "arn") return caller;
  const std::string& partition = f[1];
  const std::string& service = f[2];
  const std::string& resource = f[5];
  if (service == "iam" && resource == "root") {
    caller.kind = Caller::Kind::Root;
  } else if (service == "iam" && resource.rfind("user/", 0) == 0) {
    caller.kind = Caller::Kind::User;
  } else if (service == "sts" && resource.rfind("assumed-role/", 0) == 0) {
    const std::string rest = resource.substr(std::string("assumed-role/").size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string::npos) return caller;
    caller.kind = Caller::Kind::RoleSession;
    caller.roleArn = "arn:" + partition + ":iam::" + f[4] + ":role/" + rest.substr(0, slash);
    // FORMAT.md: aws:PrincipalArn is the role's ARN, path included; the session ARN drops it.
    const std::string stated = singleValue(request, "aws:PrincipalArn");
    const std::vector<std::string> r = splitColons(stated, 5);
    if (r.size() == 6 && r[0] == "arn" && r[2] == "iam" && r[5].rfind("role/", 0) == 0) {
      caller.roleArn = stated;
    }
  } else if (service == "sts" && resource.rfind("federated-user/", 0) == 0) {
    caller.kind = Caller::Kind::FederatedUser;
  } else if (deviations.shapelessArnCallerInAccount) {
    caller.kind = Caller::Kind::User;  // the engine's reading: a principal of the ARN's account
  } else {
    return caller;
  }
  caller.account = f[4];
  return caller;
}

// The account a principal entry delegates to ("123456789012" or "arn:PART:iam::ACCOUNT:root",
// §2.5 table row 2 and rule 5), or empty.
std::string entryAccount(const std::string& value) {
  if (value.size() == 12 && isAllDigits(value)) return value;
  const std::vector<std::string> f = splitColons(value, 5);
  if (f.size() == 6 && f[0] == "arn" && f[2] == "iam" && f[3].empty() && f[5] == "root")
    return f[4];
  return {};
}

bool isWildcardEntry(const PrincipalName& entry) {
  return entry.type == "*" || (entry.type == "AWS" && entry.value == "*");
}

// How a resource-based policy's Allow names the caller (§4.2 pseudo-code, §4.3 table).
enum class Grant { None = 0, Account = 1, Parent = 2, Direct = 3 };

const char* grantName(Grant g) {
  switch (g) {
    case Grant::None:
      return "none";
    case Grant::Account:
      return "account";
    case Grant::Parent:
      return "parent";
    case Grant::Direct:
      return "direct";
  }
  return "?";
}

Grant entryGrant(const PrincipalName& entry, const Caller& caller) {
  // "*" and {"AWS":"*"} match everyone, anonymous included, and count as naming the caller
  // directly (README choice "Principal: * and boundaries/session policies", §4.3 last row).
  if (isWildcardEntry(entry)) return Grant::Direct;
  if (entry.type == "AWS") {
    if (caller.kind == Caller::Kind::Anonymous || caller.kind == Caller::Kind::Other) {
      return Grant::None;
    }
    const std::string account = entryAccount(entry.value);
    if (!account.empty()) return account == caller.account ? Grant::Account : Grant::None;
    // The simulator's unnamed caller has no ARN an entry could name (§4.8a).
    if (caller.unnamed) return Grant::None;
    // ARNs compare exactly: the name part is case-sensitive (§1.6).
    if (entry.value == caller.arn) return Grant::Direct;  // user, session, federated user
    if (caller.kind == Caller::Kind::RoleSession && entry.value == caller.roleArn) {
      return Grant::Parent;  // the role ARN covers its sessions, limited by PB/SP (§4.3)
    }
    return Grant::None;
  }
  // Service / Federated / CanonicalUser principals: only that exact principal.
  if (caller.kind == Caller::Kind::Other && entry.value == caller.arn) return Grant::Direct;
  return Grant::None;
}

// §2.5 rule 6 (policysim choice): NotPrincipal exempts the caller only if every link of its
// identity chain is listed; anonymous only by "*"; never a principal with a boundary.
bool notPrincipalExempts(const Statement& statement, const Caller& caller, bool hasBoundary) {
  if (hasBoundary) return false;
  bool wildcardListed = false;
  for (const PrincipalName& entry : statement.principals)
    wildcardListed = wildcardListed || isWildcardEntry(entry);
  if (wildcardListed) return true;
  auto arnListed = [&](const std::string& arn) {
    for (const PrincipalName& entry : statement.principals) {
      if (entry.type == "AWS" && entry.value == arn) return true;
    }
    return false;
  };
  auto accountListed = [&](const std::string& account) {
    for (const PrincipalName& entry : statement.principals) {
      if (entry.type == "AWS" && entryAccount(entry.value) == account) return true;
    }
    return false;
  };
  switch (caller.kind) {
    case Caller::Kind::Anonymous:
      return false;
    case Caller::Kind::User:
    case Caller::Kind::FederatedUser:
      return !caller.unnamed && accountListed(caller.account) && arnListed(caller.arn);
    case Caller::Kind::RoleSession:
      return accountListed(caller.account) && arnListed(caller.roleArn) && arnListed(caller.arn);
    case Caller::Kind::Root:
      return accountListed(caller.account);
    case Caller::Kind::Other:
      for (const PrincipalName& entry : statement.principals) {
        if (entry.value == caller.arn) return true;
      }
      return false;
  }
  return false;
}

// What every statement of one evaluation looks at besides itself.
struct Scope {
  const Request& request;
  const Caller& caller;
  bool hasBoundary = false;  // §2.5 rule 6: NotPrincipal always applies to such a caller
  const Deviations& deviations;
  std::vector<std::string>* trace = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Three-valued results: a condition can be true, false, or an evaluation error (a request value
// of the wrong type, §3.5). False beats error in AND; true beats error in OR.

enum class Tri { False, True, Error };

const char* triName(Tri t) {
  switch (t) {
    case Tri::False:
      return "false";
    case Tri::True:
      return "true";
    case Tri::Error:
      return "error";
  }
  return "?";
}

Tri triAnd(Tri a, Tri b) {
  if (a == Tri::False || b == Tri::False) return Tri::False;
  if (a == Tri::Error || b == Tri::Error) return Tri::Error;
  return Tri::True;
}

Tri triOr(Tri a, Tri b) {
  if (a == Tri::True || b == Tri::True) return Tri::True;
  if (a == Tri::Error || b == Tri::Error) return Tri::Error;
  return Tri::False;
}

Tri triOf(bool b) { return b ? Tri::True : Tri::False; }

// ---------------------------------------------------------------------------------------------
// §3.4 values per family.

// "A concrete ARN": arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE with at least five colons and
// non-empty partition and service.
bool isArn(std::string_view text) {
  const std::vector<std::string> f = splitColons(text, 5);
  return f.size() == 6 && f[0] == "arn" && !f[1].empty() && !f[2].empty();
}

// Can the family read this policy value? If not, §3.5's fail-closed rule decides the statement.
// String and Arn values are always readable (an Arn value of fewer than six fields is valid
// and matches nothing); an IP value may be a network.
bool familyReads(Family family, std::string_view text) {
  switch (family) {
    case Family::String:
    case Family::Arn:
      return true;
    case Family::Numeric:
      return readDecimal(text).has_value();
    case Family::Date:
      return readDate(text).has_value();
    case Family::Bool:
    case Family::Null:
      return readBool(text).has_value();
    case Family::Binary:
      return decodeBase64(text).has_value();
    case Family::Ip:
      return readCidr(text).has_value();
  }
  return false;
}

// Can the family read this request value? If not, evaluating it is an error (§3.5). A request
// value is one address, never a network; binary values come base64-encoded (§3.4).
bool requestValueReadable(Family family, const std::string& s) {
  switch (family) {
    case Family::String:
    case Family::Null:
      return true;
    case Family::Ip:
      return readIpAddress(s).has_value();
    case Family::Arn:
      return isArn(s);
    default:
      return familyReads(family, s);
  }
}

// Numeric*/Date* comparison: `order` is compare(R, P) (<0, 0, >0); the operator's name says
// which orders it accepts. Equals and NotEquals both test equality (NotEquals is negated by
// the caller, §3.1 rule 4).
bool orderSatisfies(const std::string& base, int order) {
  if (base.ends_with("LessThan")) return order < 0;
  if (base.ends_with("LessThanEquals")) return order <= 0;
  if (base.ends_with("GreaterThan")) return order > 0;
  if (base.ends_with("GreaterThanEquals")) return order >= 0;
  return order == 0;  // ...Equals, ...NotEquals
}

// §3.4 Arn*: both sides in six fields, each globbed on its own (a '*' never crosses a field
// colon, no trailing-star expansion); ArnEquals == ArnLike. A value of fewer than six fields
// matches nothing.
bool arnValueMatches(const Pattern& pattern, const std::string& s) {
  const std::vector<Pattern> pf = splitPatternFields(pattern);
  if (pf.size() != 6) return false;
  const std::vector<std::string> rf = splitColons(s, 5);
  for (std::size_t i = 0; i < 6; ++i) {
    if (!globMatchPattern(pf[i], rf[i])) return false;
  }
  return true;
}

// The positive form of a (possibly negated) base operator applied to request value `s` and one
// policy value. Only called once both are known to be readable for the family.
bool positiveMatch(const Operator& op, const std::string& s, const std::string& value,
                   bool variables, const Request& request) {
  switch (op.family) {
    case Family::String: {
      // Variables allowed (§3.8 rule 2); an unresolved one means this value cannot match.
      const std::optional<Pattern> p = expandTemplate(value, variables, request);
      if (!p) return false;
      if (op.base.find("Like") != std::string::npos) {
        return globMatchPattern(*p, s);  // case-sensitive anchored glob; '*' crosses ':'
      }
      if (op.base.find("IgnoreCase") != std::string::npos) {
        return asciiLower(patternText(*p)) == asciiLower(s);  // README: ASCII folding
      }
      return patternText(*p) == s;  // '*' is literal in StringEquals (§6 item 19)
    }
    case Family::Numeric:
      return orderSatisfies(op.base, compareDecimals(*readDecimal(s), *readDecimal(value)));
    case Family::Date:
      return orderSatisfies(op.base, compareInstants(*readDate(s), *readDate(value)));
    case Family::Bool:
      return *readBool(s) == *readBool(value);
    case Family::Binary:
      return *decodeBase64(s) == *decodeBase64(value);
    case Family::Ip:
      return networkContains(*readCidr(value), *readIpAddress(s));
    case Family::Arn: {
      const std::optional<Pattern> p = expandTemplate(value, variables, request);
      return p && arnValueMatches(*p, s);
    }
    case Family::Null:
      return false;  // handled by evaluateCondition
  }
  return false;
}

// m(s) of §3.7: the base operator on one request value against all policy values: OR for a
// positive operator (§3.1 rule 3), NOR for a negated one (rule 4).
Tri baseOperator(const Operator& op, const Condition& condition, const std::string& s,
                 bool variables, const Request& request) {
  if (!requestValueReadable(op.family, s)) return Tri::Error;
  bool any = false;
  for (const std::string& value : condition.values) {
    any = any || positiveMatch(op, s, value, variables, request);
  }
  return triOf(op.negated ? !any : any);
}

// One condition entry (operator + key + values), §3.1 rule 6 order: absence handling, then the
// set operator, then the base operator.
Tri evaluateCondition(const Operator& op, const Condition& condition, bool variables,
                      const Request& request, const Deviations& deviations) {
  const ContextEntry* value = request.find(condition.key);  // key names case-insensitive
  // §3.4 Null: "an empty multivalued list counts as null (absent)". The reference applies that
  // to every operator, so the §3.3 absent-key table covers `[]` too (§3.7's table gives the set
  // operators the same result for "absent" and "empty" anyway). An empty string is a present
  // value (README choice).
  const bool absent = value == nullptr || (value->multivalued && value->values.empty());
  if (op.family == Family::Null) {
    // "true" <=> key absent, "false" <=> present. Several values: OR.
    bool any = false;
    for (const std::string& v : condition.values) any = any || (*readBool(v) == absent);
    return triOf(any);
  }
  if (absent) {                                                 // §3.3 table
    if (op.set == SetOperator::ForAllValues) return Tri::True;  // vacuous
    if (op.set == SetOperator::ForAnyValue) return Tri::False;  // even with IfExists
    if (op.ifExists) return Tri::True;                          // §3.6
    return triOf(op.negated);                                   // positive false, negated true
  }
  if (op.set == SetOperator::None) {
    // §3.7 rule 3 (policysim choice): a multivalued request key under a plain operator -> false.
    // (The engine's reading, pending: rule 4 below first.)
    if (value->multivalued && !(deviations.emptyListBeforeMultivalued && condition.values.empty()))
      return Tri::False;
    if (condition.values.empty()) {
      // §3.7 rule 4: empty policy value list; IfExists matches only an absent key.
      if (op.ifExists) return Tri::False;
      return triOf(op.negated);
    }
    return baseOperator(op, condition, value->values.front(), variables, request);
  }
  if (condition.values.empty()) {
    // §3.7 rule 4: ForAllValues only when the set is empty; ForAnyValue never.
    if (op.set == SetOperator::ForAllValues) return triOf(value->values.empty());
    return Tri::False;
  }
  // §3.7: ForAllValues = every member, ForAnyValue = some member; a single-valued key is the set
  // {value} (rule 2).
  // §3.5: a member of the wrong type is an evaluation error, and an error stops evaluation
  // (deny) even where another member would decide the set operator.
  Tri result = op.set == SetOperator::ForAllValues ? Tri::True : Tri::False;
  for (const std::string& s : value->values) {
    const Tri m = baseOperator(op, condition, s, variables, request);
    if (m == Tri::Error) return Tri::Error;
    result = op.set == SetOperator::ForAllValues ? triAnd(result, m) : triOr(result, m);
  }
  return result;
}

// The Condition block of one statement (§3.1 rules 1-2: AND), with §3.5's fail-closed rule: a
// policy value its operator cannot read makes an Allow not apply and a Deny apply (its
// conditions count as true; principal, action and resource still have to match).
Tri evaluateConditions(const Policy& policy, const Statement& statement, const Scope& scope,
                       std::string* why) {
  std::vector<Operator> operators;
  bool badValue = false;
  for (const Condition& condition : statement.conditions) {
    operators.push_back(*readOperator(condition.operatorName));  // readPolicy checked the name
    for (const std::string& value : condition.values)
      badValue = badValue || !familyReads(operators.back().family, value);
  }
  if (badValue) {
    *why += " bad-policy-value";
    return statement.allow ? Tri::False : Tri::True;
  }
  Tri conditions = Tri::True;
  for (std::size_t i = 0; i < statement.conditions.size(); ++i) {
    const Condition& condition = statement.conditions[i];
    const Tri c = evaluateCondition(operators[i], condition, policy.variables, scope.request,
                                    scope.deviations);
    *why += " [" + condition.operatorName + " " + condition.key + "=" + triName(c) + "]";
    conditions = triAnd(conditions, c);
  }
  return conditions;
}

// ---------------------------------------------------------------------------------------------
// §4.1 Statement applicability.

struct Verdict {
  Tri applies = Tri::False;
  Grant grant = Grant::None;  // resource-based Allow statements only
};

Verdict evaluateStatement(const Policy& policy, const Statement& statement, const Scope& scope) {
  const Caller& caller = scope.caller;
  const Request& request = scope.request;
  Verdict verdict;
  Tri applies = Tri::True;
  std::string why;
  if (policy.type == PolicyType::Resource || policy.type == PolicyType::Rcp ||
      policy.type == PolicyType::VpcEndpoint) {
    // §4.1: in resource-based policies (and RCPs, VPC endpoint policies) the principal must
    // match.
    if (statement.notPrincipal) {
      const bool exempt = notPrincipalExempts(statement, caller, scope.hasBoundary);
      applies = triAnd(applies, triOf(!exempt));
      why += exempt ? " principal-exempt" : " notprincipal-applies";
    } else if (statement.hasPrincipal) {
      for (const PrincipalName& entry : statement.principals) {
        const Grant g = entryGrant(entry, caller);
        if (static_cast<int>(g) > static_cast<int>(verdict.grant)) verdict.grant = g;
      }
      applies = triAnd(applies, triOf(verdict.grant != Grant::None));
      why += std::string(" principal=") + grantName(verdict.grant);
    } else {
      applies = Tri::False;  // a resource-based statement without a principal names no one
      why += " no-principal";
    }
  }
  const bool action = actionElementMatches(statement, request.action);
  const bool resource = resourceElementMatches(statement, policy.variables, request);
  applies = triAnd(applies, triAnd(triOf(action), triOf(resource)));
  why += std::string(" action=") + (action ? "y" : "n") + " resource=" + (resource ? "y" : "n");

  const Tri conditions = evaluateConditions(policy, statement, scope, &why);
  applies = triAnd(applies, conditions);
  verdict.applies = applies;
  if (scope.trace != nullptr) {
    scope.trace->push_back(policy.name + " #" + std::to_string(statement.index) +
                           (statement.allow ? " Allow" : " Deny") + ":" + why + " -> " +
                           triName(applies));
  }
  return verdict;
}

// The account owning the resource: the ARN's account field, else aws:ResourceAccount
// (README "Request files"); empty when unknown.
std::string resourceAccount(const Request& request) {
  const std::vector<std::string> f = splitColons(request.resource, 5);
  if (f.size() == 6 && f[0] == "arn" && !f[4].empty()) return f[4];
  const ContextEntry* value = request.find("aws:ResourceAccount");
  if (value != nullptr && !value->multivalued && value->values.size() == 1) return value->values[0];
  return {};
}

// §4.2: needsRbp for role trust (sts:AssumeRole*) and KMS keys.
bool needsResourcePolicy(const std::string& action) {
  const std::string lower = asciiLower(action);
  return lower.rfind("sts:assumerole", 0) == 0 || lower.rfind("kms:", 0) == 0;
}

// §4.7: the services whose resources RCPs restrict, as AWS Organizations lists them.
bool rcpCoversAction(const std::string& action) {
  // AWS Organizations, "List of AWS services that support RCPs" (orgs_manage_policies_rcps.html,
  // as fetched on 2026-09-26), in the page's order.
  // clang-format off
  static const std::set<std::string> kServices = {
      "appstream", "dsql", "clouddirectory", "cloudfront", "cloudsearch", "logs", "networkmonitor",
      "cognito-identity", "cognito-idp", "comprehend", "comprehendmedical", "firehose", "dynamodb",
      "dax", "autoscaling", "ecr", "ecr-public", "gamelift", "inspector-scan", "kendra",
      "kinesisvideo", "memorydb", "aoss", "personalize", "polly", "s3", "swf", "sqs", "textract",
      "timestream-influxdb", "transcribe", "translate", "workspaces", "appconfig",
      "autoscaling-plans", "budgets", "servicediscovery", "cloudtrail-data", "codeartifact",
      "codebuild", "codecommit", "codepipeline", "compute-optimizer", "cost-optimization-hub",
      "events", "fms", "fis", "health", "rolesanywhere", "kms", "opensearch", "pricing",
      "pca-connector-ad", "resource-groups", "secretsmanager", "sts", "signin", "support",
      "transfer", "notifications", "wafv2", "xray",
  };
  // clang-format on
  const std::string lower = asciiLower(action);
  return kServices.count(lower.substr(0, lower.find(':'))) != 0 && lower != "kms:retiregrant";
}

// Summary of one document: does some Allow apply, does some Deny apply, any error?
struct DocumentResult {
  bool allow = false;
  bool deny = false;
  bool error = false;
  Grant grant = Grant::None;  // best grant among applying resource-based Allows
};

DocumentResult evaluatePolicy(const Policy& policy, const Scope& scope) {
  DocumentResult result;
  for (const Statement& statement : policy.statements) {
    const Verdict v = evaluateStatement(policy, statement, scope);
    if (v.applies == Tri::Error) result.error = true;
    if (v.applies != Tri::True) continue;
    if (!statement.allow) {
      result.deny = true;
    } else {
      result.allow = true;
      if (static_cast<int>(v.grant) > static_cast<int>(result.grant)) result.grant = v.grant;
    }
  }
  return result;
}

}  // namespace

bool globMatch(const std::string& pattern, const std::string& text) {
  return globMatchPattern(wildcardPattern(pattern), text);
}

bool actionMatches(const std::string& pattern, const std::string& action) {
  return actionPatternMatches(pattern, action);
}

DecisionKind evaluate(const PolicyInput& input, const Request& request,
                      std::vector<std::string>* trace, const Deviations& deviations) {
  auto note = [&](const std::string& line) {
    if (trace != nullptr) trace->push_back(line);
  };
  // §4.9, README: these two need no permission; no policy, not even a Deny, controls them.
  const std::string action = asciiLower(request.action);
  if (action == "sts:getcalleridentity" || action == "sts:getsessiontoken") {
    note("needs no permission");
    return DecisionKind::Allowed;
  }
  const Caller caller = parseCaller(request, deviations);
  const Scope scope{request, caller, input.boundary.has_value(), deviations, trace};

  // Every statement of every document in scope, evaluated once.
  bool anyDeny = false;
  bool anyError = false;
  auto fold = [&](const DocumentResult& r) {
    anyDeny = anyDeny || r.deny;
    anyError = anyError || r.error;
    return r;
  };
  bool idAllows = false;
  for (const Policy& policy : input.identity) {
    idAllows = fold(evaluatePolicy(policy, scope)).allow || idAllows;
  }
  Grant grant = Grant::None;
  if (input.resource) grant = fold(evaluatePolicy(*input.resource, scope)).grant;
  bool pbAllows = true;  // §4.2: true when no boundary exists
  if (input.boundary) pbAllows = fold(evaluatePolicy(*input.boundary, scope)).allow;
  bool scpAllows = true;  // every level must allow (§4.2 step 3)
  // §4.7: SCPs are not applied to service-linked roles at all (neither allow nor deny), nor to
  // the principals of the organization's management account.
  const std::vector<Policy> noPolicies;
  const bool managementCaller =
      !request.managementAccount.empty() && caller.account == request.managementAccount;
  for (const Policy& policy : caller.serviceLinked || managementCaller ? noPolicies : input.scps) {
    scpAllows = fold(evaluatePolicy(policy, scope)).allow && scpAllows;
  }
  // §4.7: RCPs restrict member accounts' resources of the services they cover. Their allow is
  // RCPFullAWSAccess at every level (it cannot be detached), so only their denies count. Not
  // for service-linked roles (as caller, or as the role an AWS service assumes), not for the
  // management account's resources or AWS-owned ones; a resource-less action is under the
  // caller's account's RCPs.
  std::string rcpAccount = resourceAccount(request);
  if (rcpAccount.empty()) rcpAccount = caller.account;
  const bool assumesServiceLinkedRole =
      asciiLower(request.action).rfind("sts:assumerole", 0) == 0 &&
      isServiceLinkedRoleArn(request.resource);
  const bool rcpsApply =
      rcpCoversAction(request.action) && !caller.serviceLinked && !assumesServiceLinkedRole &&
      rcpAccount != "aws" &&
      (request.managementAccount.empty() || rcpAccount != request.managementAccount);
  for (const Policy& policy : rcpsApply ? input.rcps : noPolicies) {
    fold(evaluatePolicy(policy, scope));
  }
  // §4.2: a request that travels through a VPC endpoint (AWS sets aws:SourceVpce) needs the
  // endpoint policy's allow; its deny applies.
  const ContextEntry* sourceVpce = request.find("aws:SourceVpce");
  const bool throughEndpoint =
      input.vpcEndpoint && sourceVpce != nullptr && !sourceVpce->values.empty();
  bool endpointAllows = true;
  if (throughEndpoint) endpointAllows = fold(evaluatePolicy(*input.vpcEndpoint, scope)).allow;
  // §4.6: no session policy -> true, except a federated-user session, whose missing session
  // policy is modelled as an empty one.
  bool spAllows = caller.kind != Caller::Kind::FederatedUser;
  if (input.session) spAllows = fold(evaluatePolicy(*input.session, scope)).allow;

  const std::string resAccount = resourceAccount(request);
  // (The engine's reading, pending: a caller without an account is in every account.)
  const bool accountless = caller.account.empty() && deviations.accountlessCallerInEveryAccount;
  // §4.8b: account "aws" (AWS managed policies) is no customer account: never cross-account.
  const bool sameAccount =
      resAccount.empty() || resAccount == caller.account || accountless || resAccount == "aws";
  // §4.8: the root user is "implicitly allowed everything in its own account" and no identity
  // policy can be attached to it: its side allows whatever policies say (another account's
  // resource still needs that account's grant, §4.4 cross-account branch); an anonymous caller
  // has no identity side at all.
  if (caller.kind == Caller::Kind::Root) idAllows = true;
  if (caller.kind == Caller::Kind::Anonymous) idAllows = false;

  note(std::string("grant=") + grantName(grant) + " id=" + (idAllows ? "y" : "n") +
       " pb=" + (pbAllows ? "y" : "n") + " sp=" + (spAllows ? "y" : "n") +
       " scp=" + (scpAllows ? "y" : "n"));

  // §4.2 step 1: an applying Deny anywhere is final.
  if (anyDeny) {
    note("explicit deny");
    return DecisionKind::ExplicitDeny;
  }
  // §3.5: an evaluation error (wrong-typed request value) denies; never allowed.
  if (anyError) {
    note("evaluation error -> implicitDeny");
    return DecisionKind::ImplicitDeny;
  }
  // §4.2 step 3 / README: no SCP allow at some level -> implicitDeny.
  if (!scpAllows) {
    note("scp level without allow");
    return DecisionKind::ImplicitDeny;
  }
  if (!endpointAllows) {
    note("vpc endpoint policy without allow");
    return DecisionKind::ImplicitDeny;
  }
  // §4.8: anonymous requests are allowed only by a resource-based "*" grant.
  if (caller.kind == Caller::Kind::Anonymous) {
    return grant == Grant::Direct ? DecisionKind::Allowed : DecisionKind::ImplicitDeny;
  }
  note(std::string(sameAccount ? "same" : "cross") + "-account (resource account '" + resAccount +
       "')");
  if (sameAccount) {
    // §4.2 pseudo-code, §4.3 table. §4.3 exception: for sts:AssumeRole* the caller's
    // boundary must allow whatever the trust policy names.
    const bool roleTrust = asciiLower(request.action).rfind("sts:assumerole", 0) == 0;
    if (grant == Grant::Direct && (pbAllows || !roleTrust)) return DecisionKind::Allowed;
    if (grant == Grant::Parent && pbAllows && spAllows) return DecisionKind::Allowed;
    if (idAllows && pbAllows && spAllows &&
        (grant == Grant::Account || !needsResourcePolicy(request.action))) {
      return DecisionKind::Allowed;
    }
    return DecisionKind::ImplicitDeny;
  }
  // §4.4 cross-account: both sides must allow.
  const bool principalSide = idAllows && pbAllows && spAllows;
  const bool resourceSide = grant != Grant::None;
  return principalSide && resourceSide ? DecisionKind::Allowed : DecisionKind::ImplicitDeny;
}

}  // namespace policysim::reference
