// MFA audit (analysis/mfa_audit.h). Grounded in ../shared/docs/iam-semantics.md §4.9 (calls the
// credentials cannot make), §5.1 (which requests carry the MFA keys), §5.2 (session durations
// vs MFA age) and §5.3 (force-MFA truth table and pitfalls); docs/mfa-audit.md has the report.
#include "analysis/mfa_audit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "analysis/internal/audit_text.h"
#include "engine/decision.h"
#include "engine/internal/patterns.h"
#include "engine/policy_json.h"
#include "engine/request.h"
#include "grammar/arn.h"
#include "grammar/policy_variable.h"
#include "grammar/wildcard.h"

namespace policysim::analysis {

using namespace policysim::engine;  // NOLINT(google-build-using-namespace): the core vocabulary
using engine::internal::equalsIgnoreAsciiCase;  // the engine's ASCII case-insensitive equality
using internal::humanDuration;
using internal::seconds;
using internal::thousands;
namespace {

constexpr std::string_view kMfaPresent = "aws:multifactorauthpresent";
constexpr std::string_view kMfaAge = "aws:multifactorauthage";
constexpr std::size_t kMaxCandidates = 8;       // resources tried per action
constexpr std::size_t kMaxEvidence = 20;        // actions listed in a pitfall
constexpr std::int64_t kShortestSession = 900;  // every temporary credential lasts >= 900 s

// The broadest session policy a user can pass to GetFederationToken: the federated scenario is
// evaluated with it, so the session keeps every permission of the user (semantics §4.6).
constexpr std::string_view kFederatedSessionPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
constexpr std::string_view kFederatedSessionPolicyName =
    "(federated session: a session policy allowing everything)";

bool hasValue(const ConditionEntry& condition, std::string_view value) {
  return std::any_of(condition.values.begin(), condition.values.end(),
                     [&](const PolicyValue& v) { return equalsIgnoreAsciiCase(v.text, value); });
}

bool isKey(const ConditionEntry& condition, std::string_view key) {
  return equalsIgnoreAsciiCase(condition.key, key);
}

bool isMfaKey(const ConditionEntry& condition) {
  return isKey(condition, kMfaPresent) || isKey(condition, kMfaAge);
}

bool isOperator(const ConditionEntry& condition, grammar::OperatorKind kind) {
  return condition.op.kind == kind && condition.op.qualifier == grammar::SetQualifier::None;
}

// Every document with its kind and index among the documents of that kind (the numbering of
// StatementRef::policyIndex).
template <typename F>
void forEachDocument(const PolicySetInput& input, F&& f) {
  for (std::size_t i = 0; i < input.identity.size(); ++i) {
    f(input.identity[i], PolicyKind::Identity, i);
  }
  if (input.resource) {
    f(*input.resource, PolicyKind::Resource, std::size_t{0});
  }
  if (input.boundary) {
    f(*input.boundary, PolicyKind::Boundary, std::size_t{0});
  }
  for (std::size_t i = 0; i < input.scps.size(); ++i) {
    f(input.scps[i], PolicyKind::Scp, i);
  }
  if (input.session) {
    f(*input.session, PolicyKind::Session, std::size_t{0});
  }
}

// The documents in the order people list them: identity, boundary, SCPs, resource, session.
std::vector<AuditedPolicy> auditedPolicies(const PolicySetInput& input) {
  std::vector<AuditedPolicy> out;
  for (const PolicyDocument& doc : input.identity) {
    out.push_back({doc.name, PolicyKind::Identity});
  }
  if (input.boundary) {
    out.push_back({input.boundary->name, PolicyKind::Boundary});
  }
  for (const PolicyDocument& doc : input.scps) {
    out.push_back({doc.name, PolicyKind::Scp});
  }
  if (input.resource) {
    out.push_back({input.resource->name, PolicyKind::Resource});
  }
  if (input.session) {
    out.push_back({input.session->name, PolicyKind::Session});
  }
  return out;
}

// Statements copied into the report, each once.
class StatementTable {
 public:
  explicit StatementTable(std::vector<AuditStatement>* out) : out_(out) {}

  std::size_t fromDocument(const PolicyDocument& doc, PolicyKind kind, std::size_t policyIndex,
                           const Statement& st) {
    const Key key{static_cast<int>(kind), policyIndex, st.index};
    auto it = index_.find(key);
    if (it != index_.end()) {
      return it->second;
    }
    AuditStatement s;
    s.policy = doc.name;
    s.policyKind = kind;
    s.index = st.index;
    s.sid = st.sid;
    s.effect = st.effect;
    s.line = st.position.line;
    s.column = st.position.column;
    return add(key, std::move(s));
  }

  std::size_t fromRef(const StatementRef& ref) {
    const Key key{static_cast<int>(ref.policyKind), ref.policyIndex, ref.statementIndex};
    if (key == last_) {
      return lastIndex_;
    }
    auto it = index_.find(key);
    std::size_t result = 0;
    if (it != index_.end()) {
      result = it->second;
    } else {
      AuditStatement s;
      s.policy = std::string(ref.policyName);
      s.policyKind = ref.policyKind;
      s.index = ref.statementIndex;
      s.sid = std::string(ref.sid);
      s.effect = ref.effect;
      s.line = ref.line;
      s.column = ref.column;
      result = add(key, std::move(s));
    }
    last_ = key;
    lastIndex_ = result;
    return result;
  }

 private:
  using Key = std::tuple<int, std::size_t, std::size_t>;
  std::size_t add(const Key& key, AuditStatement s) {
    out_->push_back(std::move(s));
    index_.emplace(key, out_->size() - 1);
    return out_->size() - 1;
  }
  std::vector<AuditStatement>* out_;
  std::map<Key, std::size_t> index_;
  Key last_{-1, 0, 0};
  std::size_t lastIndex_ = 0;
};

// The statement to credit for an allow: the first granting statement that is not the
// synthetic federated session policy (a session policy only filters).
const StatementRef* firstGrant(const Decision& d) {
  for (const StatementRef& ref : d.matchedStatements) {
    if (ref.policyKind != PolicyKind::Session) {
      return &ref;
    }
  }
  return d.matchedStatements.empty() ? nullptr : &d.matchedStatements.front();
}

// ---- Resources ---------------------------------------------------------------------------

// The fields of an ARN after "arn:", owned (grammar::Arn views its text), in ARN order.
using ArnFields = std::array<std::string, 5>;
enum ArnField : std::size_t { kPartition, kService, kRegion, kAccount, kResource };

Result<ArnFields> arnFields(std::string_view text) {
  const auto arn = grammar::parseArn(text);
  if (!arn.ok()) {
    return Status::invalidArgument("\"" + std::string(text) + "\" is not an ARN: expected " +
                                   arn.expected());
  }
  const grammar::Arn& a = arn.value();
  return ArnFields{std::string(a.partition), std::string(a.service), std::string(a.region),
                   std::string(a.account), std::string(a.resource)};
}

std::string joinArn(const ArnFields& fields) {
  std::string out = "arn";
  for (const std::string& field : fields) {
    out += ':';
    out += field;
  }
  return out;
}

bool hasWildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

// The value of one ${Placeholder} of an ARN format of `service`.
std::string placeholderValue(std::string_view name, std::string_view service,
                             const PrincipalArn& principal) {
  if (name == "Partition") {
    return principal.partition;
  }
  if (name == "Account" || name == "AccountId") {
    return principal.account;
  }
  if (name == "Region") {
    return std::string(kAuditRegion);
  }
  const bool ownName =
      service == "iam" && !principal.name.empty() &&
      (name.find("User") != std::string_view::npos || name.starts_with("MfaTokenId"));
  if (ownName) {
    if (name.ends_with("WithPath") && principal.path.size() > 1) {
      return principal.path.substr(1) + principal.name;
    }
    return principal.name;
  }
  return toLowerAscii(name);
}

// Fills every ${...} of an ARN format (fill = true) or turns it into '*' (a glob of the ARNs
// the format describes).
std::string expandFormat(std::string_view format, const PrincipalArn& principal, bool fill) {
  std::string service;  // stays empty for a format that is not an ARN: no IAM placeholder rule
  if (auto fields = arnFields(format); fields.ok()) {
    service = fields.value()[kService];
  }
  std::string out;
  std::size_t pos = 0;
  while (pos < format.size()) {
    const std::size_t open = format.find("${", pos);
    if (open == std::string_view::npos) {
      out.append(format.substr(pos));
      break;
    }
    const std::size_t close = format.find('}', open);
    if (close == std::string_view::npos) {
      out.append(format.substr(pos));
      break;
    }
    out.append(format.substr(pos, open - pos));
    const std::string_view name = format.substr(open + 2, close - open - 2);
    out += fill ? placeholderValue(name, service, principal) : "*";
    pos = close + 1;
  }
  return out;
}

std::size_t placeholderCount(std::string_view format) {
  std::size_t count = 0;
  for (std::size_t pos = format.find("${"); pos != std::string_view::npos;
       pos = format.find("${", pos + 2)) {
    ++count;
  }
  return count;
}

// The first resource type the reference marks required; when it marks none, the one whose ARN
// has the fewest placeholders (the plain resource rather than an alias of it: S3 lists
// "accesspointobject" before "object" for s3:GetObject), the first listed on a tie.
const ResourceTypeInfo* representativeType(const ActionInfo& action) {
  for (const ActionResourceType& type : action.resourceTypes) {
    if (type.required && type.resourceType != nullptr) {
      return type.resourceType;
    }
  }
  const ResourceTypeInfo* best = nullptr;
  std::size_t fewest = 0;
  for (const ActionResourceType& type : action.resourceTypes) {
    if (type.resourceType == nullptr || type.resourceType->arnFormats.empty()) {
      continue;
    }
    const std::size_t n = placeholderCount(type.resourceType->arnFormats.front());
    if (best == nullptr || n < fewest) {
      best = type.resourceType;
      fewest = n;
    }
  }
  return best;
}

// A Resource value of a policy, made concrete enough to combine with an ARN format.
struct PolicyResource {
  ArnFields fields;  // after variable substitution; may hold wildcards
  grammar::WildcardPattern glob;
};

// Substitutes the variables the audit knows (aws:username, aws:PrincipalAccount). Fails on a
// value that holds one it cannot resolve (such a statement cannot match the audited caller).
Result<std::string> substituteVariables(std::string_view text, PolicyVersion version,
                                        const PrincipalArn& principal) {
  if (version != PolicyVersion::V2012_10_17 || !grammar::mayContainVariables(text)) {
    return std::string(text);
  }
  auto parts = grammar::parsePolicyTemplate(text);
  if (!parts.ok()) {
    return Status::invalidArgument("policy variables of \"" + std::string(text) +
                                   "\" do not parse: expected " + parts.expected());
  }
  std::string out;
  for (const grammar::TemplatePart& part : parts.value()) {
    switch (part.kind) {
      case grammar::TemplatePart::Kind::Text:
        out += part.text;
        break;
      case grammar::TemplatePart::Kind::Escaped:
        if (part.text == "*" || part.text == "?") {  // a literal star: not worth a candidate
          return Status::invalidArgument("\"" + std::string(text) + "\" holds a literal " +
                                         part.text);
        }
        out += part.text;
        break;
      case grammar::TemplatePart::Kind::Variable: {
        if (equalsIgnoreAsciiCase(part.text, "aws:username") &&
            principal.kind == PrincipalKind::User) {
          out += principal.name;
        } else if (equalsIgnoreAsciiCase(part.text, "aws:principalaccount")) {
          out += principal.account;
        } else if (part.defaultValue) {
          out += *part.defaultValue;
        } else {
          return Status::invalidArgument("\"" + std::string(text) + "\" needs ${" + part.text +
                                         "}, unknown for the audited caller");
        }
        break;
      }
    }
  }
  return out;
}

std::vector<PolicyResource> collectPolicyResources(const PolicySetInput& input,
                                                   const PrincipalArn& principal) {
  std::vector<PolicyResource> out;
  std::set<std::string> seen;
  forEachDocument(input, [&](const PolicyDocument& doc, PolicyKind, std::size_t) {
    for (const Statement& st : doc.statements) {
      if (!st.hasResource || st.notResource) {
        continue;
      }
      for (const PolicyValue& value : st.resources) {
        if (value.text == "*" || !value.text.starts_with("arn:")) {
          continue;
        }
        auto substituted = substituteVariables(value.text, doc.version, principal);
        if (!substituted.ok() || !seen.insert(substituted.value()).second) {
          continue;
        }
        const std::string& text = substituted.value();
        std::string padded = text;
        // A short ARN ending in '*' covers the missing fields (semantics §2.3).
        while (std::count(padded.begin(), padded.end(), ':') < 5 && padded.ends_with('*')) {
          padded += ":*";
        }
        auto fields = arnFields(padded);
        if (!fields.ok() || hasWildcard(fields.value()[kService])) {
          continue;
        }
        out.push_back(PolicyResource{fields.value(), grammar::WildcardPattern::fromGlob(text)});
      }
    }
  });
  return out;
}

// Placeholders that stand for a path ("${ObjectName}" is an S3 key, "${UserNameWithPath}").
bool pathLike(std::string_view placeholder) {
  return placeholder.ends_with("Path") || placeholder == "ObjectName";
}

// A placeholder turned into '*' also spans '/' and ':', so "production/example" would pass for
// "${BucketName}". The resource part must have the format's structure: as many '/' and ':' as
// the format's literal text, more '/' only where a path placeholder can hold them.
bool structureFits(std::string_view concrete, std::string_view format) {
  std::size_t slashes = 0;
  std::size_t colons = 0;
  bool path = false;
  std::size_t pos = 0;
  while (pos < format.size()) {
    if (format.substr(pos, 2) == "${") {
      const std::size_t close = format.find('}', pos);
      if (close == std::string_view::npos) {
        break;
      }
      path = path || pathLike(format.substr(pos + 2, close - pos - 2));
      pos = close + 1;
      continue;
    }
    slashes += format[pos] == '/' ? 1 : 0;
    colons += format[pos] == ':' ? 1 : 0;
    ++pos;
  }
  const auto s = static_cast<std::size_t>(std::count(concrete.begin(), concrete.end(), '/'));
  const auto c = static_cast<std::size_t>(std::count(concrete.begin(), concrete.end(), ':'));
  return c == colons && (s == slashes || (path && s > slashes));
}

// A concrete ARN both the ARN format (`format`; `filled` = its representative fields) and the
// policy resource describe, or nullopt.
std::optional<std::string> combine(const PolicyResource& resource, const ArnFields& format,
                                   const ArnFields& filled,
                                   const grammar::WildcardPattern& formatGlob) {
  ArnFields fields;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string& p = resource.fields[i];
    if (!hasWildcard(p)) {
      fields[i] = p;
    } else if (p == "*") {
      fields[i] = filled[i];
    } else {
      std::string concrete;
      for (const char c : p) {
        if (c == '*') {
          concrete += "example";
        } else if (c == '?') {
          concrete += 'x';
        } else {
          concrete += c;
        }
      }
      fields[i] = std::move(concrete);
    }
  }
  if (!structureFits(fields[kResource], format[kResource])) {
    return std::nullopt;
  }
  std::string arn = joinArn(fields);
  if (!formatGlob.matches(arn) || !resource.glob.matches(arn)) {
    return std::nullopt;
  }
  return arn;
}

// The resources tried per action, in one flat array (CSR layout).
struct Candidates {
  std::vector<std::string> resources;
  std::vector<std::uint32_t> start;  // actions + 1 entries
  std::size_t policyResources = 0;   // resource ARNs named in the policies

  [[nodiscard]] std::size_t count(std::size_t action) const {
    return start[action + 1] - start[action];
  }
  [[nodiscard]] const std::string& at(std::size_t action, std::size_t j) const {
    return resources[start[action] + j];
  }
};

Candidates buildCandidates(const IamData& data, const PolicySetInput& input,
                           const PrincipalArn& principal) {
  const std::vector<PolicyResource> policyResources = collectPolicyResources(input, principal);
  std::unordered_map<std::string, std::vector<const PolicyResource*>> byService;
  for (const PolicyResource& r : policyResources) {
    byService[r.fields[kService]].push_back(&r);
  }
  std::unordered_map<const ResourceTypeInfo*, std::vector<std::string>> perType;
  auto fromType = [&](const ResourceTypeInfo* type) -> const std::vector<std::string>& {
    auto [it, inserted] = perType.try_emplace(type);
    if (!inserted) {
      return it->second;
    }
    for (const std::string_view format : type->arnFormats) {
      auto formatFields = arnFields(format);
      if (!formatFields.ok()) {
        continue;
      }
      auto service = byService.find(formatFields.value()[kService]);
      if (service == byService.end()) {
        continue;
      }
      auto filled = arnFields(expandFormat(format, principal, true));
      if (!filled.ok()) {
        continue;
      }
      const auto glob = grammar::WildcardPattern::fromGlob(expandFormat(format, principal, false));
      for (const PolicyResource* resource : service->second) {
        if (auto arn = combine(*resource, formatFields.value(), filled.value(), glob)) {
          if (std::find(it->second.begin(), it->second.end(), *arn) == it->second.end()) {
            it->second.push_back(std::move(*arn));
          }
        }
      }
    }
    return it->second;
  };

  Candidates out;
  out.policyResources = policyResources.size();
  const auto& actions = data.allActions();
  out.start.reserve(actions.size() + 1);
  out.resources.reserve(actions.size() + actions.size() / 4);
  for (const ActionInfo* action : actions) {
    out.start.push_back(static_cast<std::uint32_t>(out.resources.size()));
    const std::size_t first = out.resources.size();
    out.resources.push_back(representativeResource(*action, principal));
    if (byService.empty() || action->resourceTypes.empty() ||
        !byService.contains(std::string(action->service->prefix))) {
      continue;
    }
    for (const ActionResourceType& type : action->resourceTypes) {
      if (type.resourceType == nullptr) {
        continue;
      }
      for (const std::string& arn : fromType(type.resourceType)) {
        if (out.resources.size() - first >= kMaxCandidates) {
          break;
        }
        if (std::find(out.resources.begin() + static_cast<std::ptrdiff_t>(first),
                      out.resources.end(), arn) == out.resources.end()) {
          out.resources.push_back(arn);
        }
      }
    }
  }
  out.start.push_back(static_cast<std::uint32_t>(out.resources.size()));
  return out;
}

// ---- Scenarios ---------------------------------------------------------------------------

std::vector<Scenario> scenariosFor(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::User:
      return {Scenario::AccessKey,  Scenario::Console,      Scenario::SessionNoMfa,
              Scenario::AssumeRole, Scenario::Federated,    Scenario::ConsoleMfa,
              Scenario::SessionMfa, Scenario::AssumeRoleMfa};
    case PrincipalKind::Role:
    case PrincipalKind::RoleSession:
      return {Scenario::AssumeRole, Scenario::AssumeRoleMfa};
    case PrincipalKind::Root:
      return {Scenario::AccessKey, Scenario::Root, Scenario::RootMfa};
    case PrincipalKind::FederatedUser:
      return {Scenario::Federated};
  }
  return {};
}

bool isRoleScenario(Scenario s) {
  return s == Scenario::AssumeRole || s == Scenario::AssumeRoleMfa;
}

struct SessionFacts {
  std::string api;
  std::optional<std::int64_t> min, def, max;
};

// Semantics §5.2.
SessionFacts sessionFacts(Scenario scenario, PrincipalKind kind) {
  SessionFacts f;
  switch (scenario) {
    case Scenario::SessionMfa:
      f.api = "GetSessionToken";
      f.min = kShortestSession;
      f.def = kind == PrincipalKind::Root ? 3600 : 43200;
      f.max = maxCredentialAgeSeconds(scenario, kind);
      break;
    case Scenario::AssumeRoleMfa:
      f.api = "AssumeRole";
      f.min = kShortestSession;
      f.def = 3600;
      f.max = maxCredentialAgeSeconds(scenario, kind);
      break;
    case Scenario::RootMfa:
      f.api = "root console sign-in";
      break;
    default:
      f.api = "console sign-in";
      break;
  }
  return f;
}

struct Run {
  AuditRun info;
  const PolicySet* set = nullptr;
  Request request;  // the scenario applied; action and resource change per evaluation
  std::vector<std::uint16_t> mask;      // per action: which candidates are allowed
  std::vector<std::int32_t> statement;  // per action: credited statement, -1 when none
};

// ---- Policy text -------------------------------------------------------------------------

struct StatementView {
  const PolicyDocument* doc;
  PolicyKind kind;
  std::size_t policyIndex;
  const Statement* statement;
};

std::vector<StatementView> allStatements(const PolicySetInput& input) {
  std::vector<StatementView> out;
  forEachDocument(input, [&](const PolicyDocument& doc, PolicyKind kind, std::size_t index) {
    for (const Statement& st : doc.statements) {
      out.push_back(StatementView{&doc, kind, index, &st});
    }
  });
  return out;
}

bool mentionsMfa(const Statement& st) {
  return std::any_of(st.conditions.begin(), st.conditions.end(), isMfaKey);
}

// Deny + BoolIfExists MFA false, or Deny + Null MFA true: a statement that catches requests
// without MFA.
bool catchesAbsentKeys(const Statement& st) {
  if (st.effect != Effect::Deny) {
    return false;
  }
  return std::any_of(st.conditions.begin(), st.conditions.end(), [](const ConditionEntry& c) {
    if (!isMfaKey(c)) {
      return false;
    }
    if (isOperator(c, grammar::OperatorKind::Null)) {
      return hasValue(c, "true");
    }
    if (c.op.ifExists && isKey(c, kMfaPresent) && isOperator(c, grammar::OperatorKind::Bool)) {
      return hasValue(c, "false");
    }
    return c.op.ifExists && isKey(c, kMfaAge) &&
           grammar::operatorFamily(c.op.kind) == grammar::OperatorFamily::Numeric;
  });
}

// Deny + Bool or BoolIfExists aws:MultiFactorAuthPresent false.
bool isPresentFalseDeny(const Statement& st) {
  return st.effect == Effect::Deny &&
         std::any_of(st.conditions.begin(), st.conditions.end(), [](const ConditionEntry& c) {
           return isKey(c, kMfaPresent) && isOperator(c, grammar::OperatorKind::Bool) &&
                  hasValue(c, "false");
         });
}

// An aws:MultiFactorAuthAge value in whole seconds (fractions dropped, as the threshold an age
// in seconds crosses).
Result<std::int64_t> parseAgeSeconds(std::string_view text) {
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end == nullptr || *end != '\0' || !std::isfinite(value) || value < 0 ||
      value > 1e15) {
    return Status::invalidArgument("aws:MultiFactorAuthAge value \"" + copy +
                                   "\" is not a number of seconds");
  }
  return static_cast<std::int64_t>(std::floor(value));
}

std::vector<MfaAuditReport::Threshold> collectThresholds(const PolicySetInput& input,
                                                         StatementTable* table) {
  std::vector<MfaAuditReport::Threshold> out;
  for (const StatementView& v : allStatements(input)) {
    for (const ConditionEntry& c : v.statement->conditions) {
      if (!isKey(c, kMfaAge) ||
          grammar::operatorFamily(c.op.kind) != grammar::OperatorFamily::Numeric) {
        continue;
      }
      for (const PolicyValue& value : c.values) {
        if (auto age = parseAgeSeconds(value.text); age.ok()) {
          out.push_back(MfaAuditReport::Threshold{
              age.value(), table->fromDocument(*v.doc, v.kind, v.policyIndex, *v.statement),
              c.operatorName});
        }
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.seconds < b.seconds; });
  return out;
}

}  // namespace

// ---- Public helpers ----------------------------------------------------------------------

const std::vector<std::string_view>& mfaBootstrapActions() {
  static const std::vector<std::string_view> actions = {
      "iam:CreateVirtualMFADevice", "iam:EnableMFADevice",       "iam:GetUser",
      "iam:ListMFADevices",         "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
      "sts:GetSessionToken",
  };
  return actions;
}

const std::vector<std::string_view>& selfManagementActions() {
  static const std::vector<std::string_view> actions = [] {
    std::vector<std::string_view> out = mfaBootstrapActions();
    out.insert(out.end(), {"iam:ChangePassword", "iam:GetAccountPasswordPolicy",
                           "iam:GetAccountSummary", "iam:GetMFADevice", "iam:ListUsers"});
    return out;
  }();
  return actions;
}

std::string AuditStatement::label() const {
  std::string out = effect == Effect::Allow ? "Allow " : "Deny ";
  out += sid.empty() ? "statement #" + std::to_string(index + 1) : "\"" + sid + "\"";
  out += " (" + policy;
  if (line != 0) {
    out += ":" + std::to_string(line) + ":" + std::to_string(column);
  }
  out += ", " + std::string(policyKindName(policyKind)) + " policy)";
  return out;
}

std::string AuditRun::id() const {
  std::string out(scenarioInfo(scenario).name);
  if (mfaAge) {
    out += "@" + std::to_string(*mfaAge) + "s";
  }
  return out;
}

std::vector<MfaAuditReport::Threshold> mfaAgeThresholds(const PolicySetInput& input,
                                                        std::vector<AuditStatement>* statements) {
  StatementTable table(statements);
  return collectThresholds(input, &table);
}

std::vector<std::int64_t> auditMfaAges(std::span<const std::int64_t> thresholds) {
  std::set<std::int64_t> ages(std::begin(kDefaultAuditMfaAges), std::end(kDefaultAuditMfaAges));
  for (const std::int64_t t : thresholds) {
    for (const std::int64_t age : {t - 1, t, t + 1}) {
      if (age >= 0) {
        ages.insert(age);
      }
    }
  }
  return {ages.begin(), ages.end()};
}

std::string representativeResource(const ActionInfo& action, const PrincipalArn& principal) {
  const ResourceTypeInfo* type = representativeType(action);
  if (type == nullptr || type->arnFormats.empty()) {
    return "*";
  }
  return expandFormat(type->arnFormats.front(), principal, true);
}

// ---- The audit ---------------------------------------------------------------------------

namespace {

// One audit: the steps of runMfaAudit() sharing their intermediate results.
class Audit {
 public:
  Audit(const PolicySetInput& input, const IamData& data, const MfaAuditOptions& options)
      : input(input),
        data(data),
        options(options),
        actions(data.allActions()),
        table(&report.statements) {}

  Status run() {
    for (Status (Audit::*step)() : {&Audit::setUp, &Audit::compileSets, &Audit::buildRuns}) {
      if (Status status = (this->*step)(); !status.ok()) {
        return status;
      }
    }
    listActions();
    selfServiceSet();
    evaluate();
    collectReachable();
    collectAgeLimits();
    textPitfalls();
    guardPitfalls();
    attributeViolations();
    decide();
    buildMatrix();
    return {};
  }

  MfaAuditReport report;

 private:
  // Options, principal, scenarios and MFA ages.
  Status setUp() {
    if (!options.now) {
      return Status::invalidArgument("mfa-audit: no request time given");
    }
    auto principal = parsePrincipalArn(options.principal);
    if (!principal.ok()) {
      return Status::invalidArgument("mfa-audit: principal " + options.principal + ": " +
                                     principal.status().message());
    }
    caller = principal.value();

    report.policies = auditedPolicies(input);
    report.principal = options.principal;
    report.now = *options.now;
    report.assumeRoleCarriesMfa = options.assumeRoleCarriesMfa;
    report.verdict.strict = options.strict;

    // Scenarios and the callers they run as.
    scenarios = options.scenarios.empty() ? scenariosFor(caller.kind) : options.scenarios;
    userCaller = caller.kind == PrincipalKind::User;
    if (userCaller && std::any_of(scenarios.begin(), scenarios.end(), isRoleScenario)) {
      report.rolePrincipal =
          "arn:" + caller.partition + ":iam::" + caller.account + ":role/" + caller.name;
      report.notes.push_back(
          "role scenarios run as " + report.rolePrincipal +
          ": the same policies attached to a role of the user's name in the same account");
    }

    // Ages.
    report.thresholds = collectThresholds(input, &table);
    std::vector<std::int64_t> thresholdSeconds;
    for (const auto& t : report.thresholds) {
      thresholdSeconds.push_back(t.seconds);
    }
    report.mfaAges = options.mfaAges.empty() ? auditMfaAges(thresholdSeconds) : options.mfaAges;
    std::sort(report.mfaAges.begin(), report.mfaAges.end());
    report.mfaAges.erase(std::unique(report.mfaAges.begin(), report.mfaAges.end()),
                         report.mfaAges.end());
    if (!report.mfaAges.empty() && report.mfaAges.front() < 0) {
      return Status::invalidArgument("mfa-audit: MFA ages cannot be negative");
    }

    return {};
  }

  // The policy sets the runs evaluate against.
  Status compileSets() {
    // Policy sets: as given, and for federated sessions with the broadest session policy.
    auto compiled = PolicySet::compile(input);
    if (!compiled.ok()) {
      return compiled.status();
    }
    set = compiled.value();
    report.diagnostics = set->diagnostics();
    federatedSet = set;
    if (!input.session &&
        std::find(scenarios.begin(), scenarios.end(), Scenario::Federated) != scenarios.end()) {
      PolicySetInput withSession = input;
      auto session = parsePolicyDocument(
          kFederatedSessionPolicy, std::string(kFederatedSessionPolicyName), PolicyKind::Session);
      if (!session.ok()) {
        return session.status();
      }
      withSession.session = std::move(session).value();
      auto withSessionSet = PolicySet::compile(std::move(withSession));
      if (!withSessionSet.ok()) {
        return withSessionSet.status();
      }
      federatedSet = withSessionSet.value();
      report.notes.push_back(
          "federated sessions are evaluated with a session policy allowing everything, the "
          "broadest the user can pass to GetFederationToken: the session keeps the user's "
          "permissions (semantics §4.6)");
    }

    return {};
  }

  // One run per scenario without MFA and per (MFA scenario, age).
  Status buildRuns() {
    // Runs: scenarios without MFA first, then each MFA scenario at every age it can have.
    for (const Scenario s : scenarios) {
      if (!scenarioInfo(s).mfa) {
        if (Status st = addRun(s, std::nullopt); !st.ok()) {
          return st;
        }
      }
    }
    std::vector<std::string> skippedAges;
    for (const Scenario s : scenarios) {
      if (!scenarioInfo(s).mfa) {
        continue;
      }
      const PrincipalKind kind =
          userCaller && isRoleScenario(s) ? PrincipalKind::Role : caller.kind;
      const auto max = maxCredentialAgeSeconds(s, kind);
      bool any = false;
      for (const std::int64_t age : report.mfaAges) {
        if (max && age > *max) {
          skippedAges.push_back(std::string(scenarioInfo(s).name) + " " + seconds(age));
          continue;
        }
        if (Status st = addRun(s, age); !st.ok()) {
          return st;
        }
        any = true;
      }
      if (!any) {
        return Status::invalidArgument("mfa-audit: no MFA age to try for scenario " +
                                       std::string(scenarioInfo(s).name));
      }
    }
    if (!skippedAges.empty()) {
      std::string text = "ages longer than the longest session of their kind were not tried: ";
      for (std::size_t i = 0; i < skippedAges.size(); ++i) {
        text += (i == 0 ? "" : ", ") + skippedAges[i];
      }
      report.notes.push_back(text + " (semantics §5.2)");
    }
    report.assumeRoleReading =
        options.assumeRoleCarriesMfa
            ? "default reading: sessions of a role assumed with MFA carry "
              "aws:MultiFactorAuthPresent true and the age since AssumeRole, as CloudTrail records "
              "(mfaAuthenticated: true); --conservative-assume-role for the reading of AWS's "
              "MFA-protected API page (semantics §5.1 AMBIGUOUS)"
            : "conservative reading: sessions of a role assumed with MFA carry "
              "aws:MultiFactorAuthPresent false and no age, as AWS's MFA-protected API page reads; "
              "MFA counts only when the role is assumed (semantics §5.1 AMBIGUOUS)";
    report.notes.insert(report.notes.end(), scenarioNotes.begin(), scenarioNotes.end());
    return {};
  }

  // One credential situation: the scenario applied once to a template request.
  Status addRun(Scenario scenario, std::optional<std::int64_t> age) {
    const ScenarioInfo& info = scenarioInfo(scenario);
    ScenarioOptions so;
    so.scenario = scenario;
    so.principal =
        userCaller && isRoleScenario(scenario) ? report.rolePrincipal : options.principal;
    so.now = options.now;
    so.assumeRoleCarriesMfa = options.assumeRoleCarriesMfa;
    if (info.temporary) {
      if (info.mfa) {
        so.mfaAgeSeconds = age;
      } else {
        so.sessionAgeSeconds = kAuditSessionAgeSeconds;
      }
    }
    Run run;
    run.info.scenario = scenario;
    run.info.mfa = info.mfa;
    run.info.mfaAge = info.mfa ? age : std::nullopt;
    run.info.principal = so.principal;
    run.set = scenario == Scenario::Federated ? federatedSet.get() : set.get();
    run.request.action = "sts:GetCallerIdentity";
    auto outcome = applyScenario(so, &run.request);
    if (!outcome.ok()) {
      return Status::invalidArgument("mfa-audit: scenario " + std::string(info.name) + ": " +
                                     outcome.status().message());
    }
    for (const std::string& note : outcome.value().notes) {
      if (!note.starts_with("assume-role-mfa")) {  // said once, in assumeRoleReading
        scenarioNotes.insert(note);
      }
    }
    runs.push_back(std::move(run));
    return {};
  }

  // The actions to evaluate and the resources tried for each.
  void listActions() {
    // What is evaluated: every action but the two that need no permission (semantics §4.9).
    lower.assign(actions.size(), std::string());
    skip.assign(actions.size(), 0);
    for (std::size_t i = 0; i < actions.size(); ++i) {
      lower[i] = toLowerAscii(actions[i]->fullName);
      if (lower[i] == "sts:getcalleridentity" || lower[i] == "sts:getsessiontoken") {
        skip[i] = 1;
        report.needNoPermission.emplace_back(actions[i]->fullName);
      }
    }
    report.actionsAudited = actions.size() - report.needNoPermission.size();
    if (!report.needNoPermission.empty()) {
      std::string text;
      for (const std::string& name : report.needNoPermission) {
        text += (text.empty() ? "" : " and ") + name;
      }
      report.notes.push_back(text +
                             " need no permission and no policy can deny them (semantics §4.9): "
                             "always callable, left out of the counts");
    }
    candidates = buildCandidates(data, input, caller);
    report.policyResources = candidates.policyResources;
  }

  // The force-MFA Deny statements and the self-service set they declare.
  void selfServiceSet() {
    // Self-service set: the NotAction lists of the force-MFA Deny statements.
    statements = allStatements(input);
    for (std::size_t s = 0; s < statements.size(); ++s) {
      const Statement& st = *statements[s].statement;
      if (st.effect != Effect::Deny || !st.notAction || !mentionsMfa(st)) {
        continue;
      }
      guardIndices.push_back(s);
      report.verdict.guardStatements.push_back(table.fromDocument(
          *statements[s].doc, statements[s].kind, statements[s].policyIndex, st));
      for (const PolicyValue& value : st.actions) {
        if (std::none_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
              return equalsIgnoreAsciiCase(p, value.text);
            })) {
          patterns.push_back(value.text);
        }
      }
    }
    if (guardIndices.empty()) {
      report.verdict.selfServiceSource = "bootstrap";
      for (const std::string_view a : mfaBootstrapActions()) {
        patterns.emplace_back(a);
      }
    } else {
      report.verdict.selfServiceSource = "notaction";
    }
    for (const std::string& p : patterns) {
      globs.push_back(grammar::WildcardPattern::fromGlob(toLowerAscii(p)));
    }
    report.verdict.selfServicePatterns = patterns;
    selfService.assign(actions.size(), 0);
    selfManagement.assign(actions.size(), 0);
    for (std::size_t i = 0; i < actions.size(); ++i) {
      selfService[i] = std::any_of(globs.begin(), globs.end(),
                                   [&](const auto& g) { return g.matches(lower[i]); });
      selfManagement[i] = std::any_of(
          selfManagementActions().begin(), selfManagementActions().end(),
          [&](std::string_view a) { return equalsIgnoreAsciiCase(a, actions[i]->fullName); });
    }
  }

  // Every run x every action x every candidate resource.
  void evaluate() {
    // Calls the credentials cannot make at all (semantics §4.9), per scenario: AWS refuses them
    // before reading any policy, so they are never evaluated and never allowed.
    std::map<Scenario, std::vector<char>> restricted;
    for (const Run& run : runs) {
      auto [it, inserted] = restricted.try_emplace(run.info.scenario);
      if (!inserted) {
        continue;
      }
      it->second.assign(actions.size(), 0);
      for (std::size_t i = 0; i < actions.size(); ++i) {
        it->second[i] = credentialRestriction(run.info.scenario, actions[i]->fullName) ? 1 : 0;
      }
    }

    // Evaluate.
    Decision decision;
    for (Run& run : runs) {
      run.mask.assign(actions.size(), 0);
      run.statement.assign(actions.size(), -1);
      const std::vector<char>& cannot = restricted[run.info.scenario];
      Request& request = run.request;
      for (std::size_t i = 0; i < actions.size(); ++i) {
        if (skip[i]) {
          continue;
        }
        if (cannot[i]) {
          ++run.info.credentialRestricted;
          continue;
        }
        request.action.assign(actions[i]->fullName);
        const std::size_t n = candidates.count(i);
        for (std::size_t j = 0; j < n; ++j) {
          request.resource.assign(candidates.at(i, j));
          run.set->evaluate(request, false, &decision);
          ++report.evaluations;
          if (decision.kind != DecisionKind::Allowed) {
            continue;
          }
          run.mask[i] = static_cast<std::uint16_t>(run.mask[i] | (1U << j));
          if (run.statement[i] < 0) {
            const StatementRef* ref = firstGrant(decision);
            // An allow always names its statement; the root user is allowed without one.
            run.statement[i] = ref == nullptr ? -1 : static_cast<std::int32_t>(table.fromRef(*ref));
          }
        }
        if (run.mask[i] != 0) {
          ++run.info.allowed;
          if (!selfService[i]) {
            ++run.info.outsideSelfService;
          }
        }
      }
    }
  }

  // The statement credited for action i in `run`; root callers are allowed without a statement,
  // so they get a synthetic entry.
  std::size_t creditedStatement(const Run& run, std::size_t i) {
    if (run.statement[i] >= 0) {
      return static_cast<std::size_t>(run.statement[i]);
    }
    if (!rootStatement) {
      AuditStatement s;
      s.policy = "(root user: allowed everything in its own account)";
      report.statements.push_back(s);
      rootStatement = report.statements.size() - 1;
    }
    return *rootStatement;
  }

  static std::size_t firstBit(std::uint16_t mask) {
    std::size_t j = 0;
    while ((mask & (1U << j)) == 0) {
      ++j;
    }
    return j;
  }

  // What the runs without MFA reach, and the violations of the verdict.
  void collectReachable() {
    // Reachable without MFA; the verdict.
    std::vector<char> violation(actions.size(), 0);
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const Run& run = runs[r];
      if (run.info.mfa) {
        continue;
      }
      AuditReachable reachable;
      reachable.run = r;
      for (std::size_t i = 0; i < actions.size(); ++i) {
        if (run.mask[i] == 0) {
          continue;
        }
        AuditAllowedAction a;
        a.action = actions[i];
        a.resource = candidates.at(i, firstBit(run.mask[i]));
        a.statement = creditedStatement(run, i);
        a.selfService = selfService[i] != 0;
        a.selfManagement = selfManagement[i] != 0;
        if (!a.selfService) {
          violation[i] = 1;
        }
        reachable.actions.push_back(std::move(a));
      }
      report.reachableWithoutMfa.push_back(std::move(reachable));
    }
    report.verdict.violations =
        static_cast<std::size_t>(std::count(violation.begin(), violation.end(), 1));
  }

  // Decides action i on candidate j again in `run` (for attribution; rare).
  Decision reevaluate(const Run& run, std::size_t i, std::size_t j) const {
    Request request = run.request;
    request.action.assign(actions[i]->fullName);
    request.resource.assign(candidates.at(i, j));
    Decision d;
    run.set->evaluate(request, false, &d);
    return d;
  }

  // What each MFA scenario loses as MFA gets older.
  void collectAgeLimits() {
    // Age limits: pairs (action, resource) allowed with the freshest MFA and not later.
    for (const Scenario s : scenarios) {
      if (!scenarioInfo(s).mfa) {
        continue;
      }
      std::vector<const Run*> ladder;
      for (const Run& run : runs) {
        if (run.info.scenario == s) {
          ladder.push_back(&run);
        }
      }
      std::map<std::size_t, AuditAgeLimit> limits;  // by the index of the first age denied
      for (std::size_t i = 0; i < actions.size(); ++i) {
        const std::uint16_t fresh = ladder.front()->mask[i];
        if (fresh == 0) {
          continue;
        }
        for (std::size_t j = 0; j < candidates.count(i); ++j) {
          if ((fresh & (1U << j)) == 0) {
            continue;
          }
          for (std::size_t k = 1; k < ladder.size(); ++k) {
            if ((ladder[k]->mask[i] & (1U << j)) != 0) {
              continue;
            }
            AuditAgeLimit& limit = limits[k];
            AuditAgeLimit::Lost lost;
            lost.action = actions[i];
            lost.resource = candidates.at(i, j);
            const Decision before = reevaluate(*ladder[k - 1], i, j);
            const StatementRef* grant = firstGrant(before);
            lost.allowedBy =
                grant == nullptr ? creditedStatement(*ladder[k - 1], i) : table.fromRef(*grant);
            const Decision after = reevaluate(*ladder[k], i, j);
            if (after.kind == DecisionKind::ExplicitDeny && !after.matchedStatements.empty()) {
              lost.deniedBy = table.fromRef(after.matchedStatements.front());
            }
            limit.actions.push_back(std::move(lost));
            break;
          }
        }
      }
      const PrincipalKind kind =
          userCaller && isRoleScenario(s) ? PrincipalKind::Role : caller.kind;
      const SessionFacts facts = sessionFacts(s, kind);
      for (auto& [k, limit] : limits) {
        limit.scenario = s;
        limit.allowedUpTo = *ladder[k - 1]->info.mfaAge;
        limit.deniedFrom = *ladder[k]->info.mfaAge;
        for (const auto& t : report.thresholds) {
          if (t.seconds >= limit.allowedUpTo && t.seconds <= limit.deniedFrom) {
            limit.threshold = t.seconds;
            break;
          }
        }
        limit.sessionApi = facts.api;
        limit.sessionMinSeconds = facts.min;
        limit.sessionDefaultSeconds = facts.def;
        limit.sessionMaxSeconds = facts.max;
        limit.cutsShortestSession = facts.min && limit.deniedFrom <= *facts.min;
        limit.cutsDefaultSession = facts.def && limit.deniedFrom <= *facts.def;
        limit.cutsLongestSession = facts.max && limit.deniedFrom <= *facts.max;
        const std::string name(scenarioInfo(s).name);
        std::set<const ActionInfo*> distinct;
        for (const auto& lost : limit.actions) {
          distinct.insert(lost.action);
        }
        std::string m = name + ": " + thousands(distinct.size()) +
                        (distinct.size() == 1 ? " action is" : " actions are") +
                        " allowed with MFA up to " + seconds(limit.allowedUpTo) +
                        " old but not at " + seconds(limit.deniedFrom);
        if (limit.threshold) {
          m += " (policy threshold " + seconds(*limit.threshold) + ")";
        }
        m += ". ";
        if (!facts.def) {
          m += "AWS documents no maximum for " + facts.api +
               " sessions, so a session can outlive this limit: users must sign in with MFA "
               "again after " +
               humanDuration(limit.allowedUpTo) + ".";
        } else if (limit.cutsShortestSession) {
          m += "That is shorter than even the shortest " + facts.api + " session (" +
               seconds(*facts.min) + "): every session outlives its MFA window.";
        } else if (limit.cutsDefaultSession) {
          m += "That is shorter than a default " + facts.api + " session (" + seconds(*facts.def) +
               "; " + thousands(*facts.min) + "-" + thousands(*facts.max) +
               " s): users must get new MFA credentials after " + humanDuration(limit.allowedUpTo) +
               " although theirs are still valid.";
        } else {
          m += "A default " + facts.api + " session (" + seconds(*facts.def) +
               ") ends before it; only sessions requested longer (up to " + seconds(*facts.max) +
               ") reach it.";
        }
        limit.message = std::move(m);
        report.ageLimits.push_back(std::move(limit));
      }
    }
    // Thresholds no session of a kind can reach.
    for (const auto& t : report.thresholds) {
      for (const Scenario s : scenarios) {
        if (!scenarioInfo(s).mfa) {
          continue;
        }
        const PrincipalKind kind =
            userCaller && isRoleScenario(s) ? PrincipalKind::Role : caller.kind;
        const auto max = maxCredentialAgeSeconds(s, kind);
        if (max && t.seconds >= *max) {
          report.notes.push_back("the aws:MultiFactorAuthAge threshold " + seconds(t.seconds) +
                                 " of " + report.statements[t.statement].label() +
                                 " never triggers for " + std::string(scenarioInfo(s).name) +
                                 " credentials: those sessions last at most " + seconds(*max));
        }
      }
    }
  }

  // Evidence for a finding: the actions outside the self-service set that `run` reaches (only
  // through `statement`, when given) and that at least one of `others` does not (all of them when
  // `others` is empty), at most kMaxEvidence names, and how many there are.
  std::pair<std::vector<std::string>, std::size_t> evidence(
      const Run* run, std::vector<const Run*> others, std::optional<std::size_t> statement,
      std::vector<std::size_t>* indices) const {
    std::vector<std::string> out;
    std::size_t total = 0;
    if (run == nullptr) {
      return std::pair{out, total};
    }
    std::erase(others, nullptr);
    for (std::size_t i = 0; i < actions.size(); ++i) {
      if (run->mask[i] == 0 || selfService[i]) {
        continue;
      }
      if (statement && run->statement[i] != static_cast<std::int32_t>(*statement)) {
        continue;
      }
      if (!others.empty() && std::all_of(others.begin(), others.end(),
                                         [&](const Run* o) { return o->mask[i] != 0; })) {
        continue;
      }
      ++total;
      indices->push_back(i);
      if (out.size() < kMaxEvidence) {
        out.emplace_back(actions[i]->fullName);
      }
    }
    return std::pair{out, total};
  }

  // Pitfalls in the MFA conditions, checked against the evaluation. A pattern is reported as an
  // error when the evaluation shows actions it lets through, and as a warning when it lets
  // nothing through here but no other statement covers its gap (it would with other policies).
  void textPitfalls() {
    explained.assign(actions.size(), 0);
    std::vector<const Run*> mfaRuns;
    for (const Run& run : runs) {
      if (run.info.scenario == Scenario::AccessKey && accessKeyRun == nullptr) {
        accessKeyRun = &run;
      }
      if (run.info.scenario == Scenario::Console && consoleRun == nullptr) {
        consoleRun = &run;
      }
      if (run.info.mfa) {
        mfaRuns.push_back(&run);
      }
    }
    const bool anyAbsentKeyDeny =
        std::any_of(statements.begin(), statements.end(),
                    [](const StatementView& v) { return catchesAbsentKeys(*v.statement); });
    const bool anyPresentFalseDeny =
        std::any_of(statements.begin(), statements.end(),
                    [](const StatementView& v) { return isPresentFalseDeny(*v.statement); });
    for (const StatementView& v : statements) {
      const Statement& st = *v.statement;
      if (!mentionsMfa(st)) {
        continue;
      }
      const std::size_t ref = table.fromDocument(*v.doc, v.kind, v.policyIndex, st);
      const std::string label = report.statements[ref].label();
      for (const ConditionEntry& c : st.conditions) {
        if (!isMfaKey(c)) {
          continue;
        }
        const bool deny = st.effect == Effect::Deny;
        const bool numeric = grammar::operatorFamily(c.op.kind) == grammar::OperatorFamily::Numeric;
        AuditPitfall p;
        p.statement = ref;
        std::vector<std::size_t> found;
        std::size_t total = 0;
        std::string count;
        auto gather = [&](const Run* run, std::vector<const Run*> others,
                          std::optional<std::size_t> statement) {
          auto [names, n] = evidence(run, std::move(others), statement, &found);
          p.actions = std::move(names);
          total = n;
          count = thousands(n) + (n == 1 ? " action" : " actions");
        };
        if (deny && isKey(c, kMfaPresent) && isOperator(c, grammar::OperatorKind::Bool) &&
            !c.op.ifExists && hasValue(c, "false")) {
          // Truth table §5.3: long-term keys (key absent) pass, sessions without MFA do not.
          gather(accessKeyRun, {consoleRun}, std::nullopt);
          if (total == 0 && anyAbsentKeyDeny) {
            continue;
          }
          p.id = "deny-bool-without-ifexists";
          p.title = "Deny uses Bool instead of BoolIfExists";
          p.explanation = label +
                          " tests aws:MultiFactorAuthPresent with Bool: requests signed with "
                          "long-term access keys carry no such key, so the Deny never applies to "
                          "them" +
                          (total > 0 ? " (" + count +
                                           " outside the self-service set are reachable with "
                                           "access keys that sessions without MFA are denied)."
                                     : ".");
          p.fix =
              "Use \"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}, which also "
              "denies requests without the key.";
        } else if (deny && isOperator(c, grammar::OperatorKind::Null) && hasValue(c, "true")) {
          gather(consoleRun, {accessKeyRun}, std::nullopt);
          if (total == 0 && anyPresentFalseDeny) {
            continue;
          }
          p.id = "deny-null-only";
          p.title = "Null check alone spares sessions without MFA";
          p.explanation = label + " denies only when " + c.key +
                          " is absent (long-term access keys); temporary credentials obtained "
                          "without MFA carry the key (false) and are not denied" +
                          (total > 0 ? " (" + count +
                                           " outside the self-service set are reachable from a "
                                           "console sign-in without MFA)."
                                     : ".");
          p.fix =
              "Use \"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}, which "
              "denies both (semantics §5.3).";
        } else if (deny && isKey(c, kMfaAge) && numeric && !c.op.ifExists &&
                   !grammar::isNegated(c.op.kind)) {
          // What requests without an age reach that MFA sessions past the threshold do not.
          gather(accessKeyRun, mfaRuns, std::nullopt);
          if (total == 0 && anyAbsentKeyDeny) {
            continue;
          }
          p.id = "deny-age-without-null-check";
          p.title = "Age check without a Null check";
          p.explanation = label + " tests aws:MultiFactorAuthAge with " + c.operatorName +
                          ": requests made without MFA carry no age, so the Deny never applies "
                          "to them" +
                          (total > 0 ? " (" + count +
                                           " outside the self-service set are reachable with "
                                           "access keys that old MFA sessions are denied)."
                                     : ".");
          p.fix = "Use " + c.operatorName +
                  "IfExists, or add a Deny with \"Null\": {\"aws:MultiFactorAuthAge\": "
                  "\"true\"}.";
        } else if (!deny && c.op.ifExists &&
                   ((isKey(c, kMfaPresent) && hasValue(c, "true")) || isKey(c, kMfaAge))) {
          gather(accessKeyRun, {}, ref);
          p.id = "allow-ifexists-grants-long-term-keys";
          p.title = "Allow with " + c.operatorName + " grants long-term keys";
          p.explanation =
              label + " uses " + c.operatorName + " on " + c.key +
              ": the key is absent from requests signed with long-term access keys, so the "
              "condition is true and the Allow grants them without MFA" +
              (total > 0 ? " (" + count + ")." : ".");
          p.fix =
              "Drop IfExists (\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}); CLI "
              "users then call GetSessionToken with MFA.";
        } else {
          continue;
        }
        p.severity = total > 0 ? "error" : "warning";
        for (const std::size_t i : found) {
          explained[i] = 1;
        }
        report.pitfalls.push_back(std::move(p));
      }
    }
  }

  // True when the force-MFA Deny statements exempt `action` (NotAction).
  bool guardCovers(std::string_view action) const {
    const std::string l = toLowerAscii(action);
    return std::any_of(globs.begin(), globs.end(), [&](const auto& g) { return g.matches(l); });
  }

  // Pitfalls of the force-MFA Deny's NotAction list.
  void guardPitfalls() {
    // NotAction pitfalls of the force-MFA Deny statements.
    if (!guardIndices.empty()) {
      const std::size_t guardRef = report.verdict.guardStatements.front();
      const std::string guardLabel = report.statements[guardRef].label();
      // Removing MFA or minting credentials without MFA (semantics §5.3 pitfall 5).
      std::vector<std::string> sensitive;
      for (const std::string_view a :
           {"iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice", "iam:CreateAccessKey",
            "iam:CreateLoginProfile", "iam:UpdateLoginProfile"}) {
        if (guardCovers(a)) {
          sensitive.emplace_back(a);
        }
      }
      if (!sensitive.empty()) {
        std::string list;
        for (std::size_t k = 0; k < sensitive.size(); ++k) {
          list += (k == 0 ? "" : k + 1 == sensitive.size() ? " and " : ", ") + sensitive[k];
        }
        AuditPitfall p;
        p.id = "notaction-exempts-sensitive";
        p.severity = "warning";
        p.title = "MFA can be removed or bypassed without MFA";
        p.explanation = "The NotAction list of " + guardLabel + " exempts " + list +
                        ": whoever has the password or an access key can remove the MFA device "
                        "or create new credentials without MFA (if an Allow grants it).";
        p.fix = "Remove these actions from NotAction: they should require MFA.";
        p.statement = guardRef;
        p.actions = sensitive;
        report.pitfalls.push_back(std::move(p));
      }
      // Lockout (pitfall 4): enrolment actions explicitly denied without MFA.
      if (consoleRun != nullptr) {
        std::vector<std::string> denied;
        for (const std::string_view name : mfaBootstrapActions()) {
          const ActionInfo* info = data.action(name);
          if (info == nullptr || !name.starts_with("iam:")) {
            continue;
          }
          Request request = consoleRun->request;
          request.action = std::string(name);
          request.resource = representativeResource(*info, caller);
          Decision d;
          consoleRun->set->evaluate(request, false, &d);
          if (d.kind == DecisionKind::ExplicitDeny) {
            denied.emplace_back(name);
          }
        }
        if (!denied.empty()) {
          AuditPitfall p;
          p.id = "notaction-lockout";
          p.severity = "warning";
          p.title = "Users without MFA cannot enrol MFA";
          p.explanation = "Without MFA, " + std::to_string(denied.size()) +
                          " of the actions needed to enrol an MFA device are explicitly denied "
                          "(first: " +
                          denied.front() + "), so a user without MFA locks out.";
          p.fix =
              "Keep iam:CreateVirtualMFADevice, iam:EnableMFADevice, iam:GetUser, "
              "iam:ListMFADevices, iam:ListVirtualMFADevices, iam:ResyncMFADevice and "
              "sts:GetSessionToken in the NotAction list (semantics §5.3 pitfall 4).";
          p.statement = guardRef;
          p.actions = denied;
          report.pitfalls.push_back(std::move(p));
        }
      }
      // NotAction gaps: declared self-service actions beyond self-management reachable without
      // MFA.
      std::vector<char> gap(actions.size(), 0);
      for (const Run& run : runs) {
        if (run.info.mfa) {
          continue;
        }
        for (std::size_t i = 0; i < actions.size(); ++i) {
          if (run.mask[i] != 0 && selfService[i] && !selfManagement[i]) {
            gap[i] = 1;
          }
        }
      }
      const auto gaps = static_cast<std::size_t>(std::count(gap.begin(), gap.end(), 1));
      if (gaps > 0) {
        // Credit each gap action to the first NotAction entry that exempts it.
        std::vector<std::vector<std::size_t>> byEntry(patterns.size());
        for (std::size_t i = 0; i < actions.size(); ++i) {
          if (!gap[i]) {
            continue;
          }
          for (std::size_t e = 0; e < globs.size(); ++e) {
            if (globs[e].matches(lower[i])) {
              byEntry[e].push_back(i);
              break;
            }
          }
        }
        AuditPitfall p;
        p.id = "notaction-gap";
        p.severity = options.strict ? "error" : "warning";
        p.title = "NotAction exempts more than MFA self-management";
        std::string entries;
        for (std::size_t e = 0; e < byEntry.size(); ++e) {
          if (!byEntry[e].empty()) {
            entries += (entries.empty() ? "" : ", ") + patterns[e] + " (" +
                       thousands(byEntry[e].size()) + ")";
          }
        }
        p.explanation = "The NotAction list of " + guardLabel + " lets " + thousands(gaps) +
                        (gaps == 1 ? " action" : " actions") +
                        " beyond enrolling MFA and first sign-in be used without MFA, and the "
                        "policies allow " +
                        (gaps == 1 ? "it" : "them") + "; entries: " + entries + ".";
        p.fix =
            "Remove these entries from NotAction (keep only the MFA enrolment actions, "
            "iam:ChangePassword and iam:GetAccountPasswordPolicy), or confirm that they are "
            "meant to work without MFA.";
        p.statement = guardRef;
        // Evidence: a few actions of every entry, in NotAction order.
        const std::size_t perEntry = std::max<std::size_t>(
            1, kMaxEvidence /
                   static_cast<std::size_t>(std::count_if(
                       byEntry.begin(), byEntry.end(), [](const auto& v) { return !v.empty(); })));
        for (const auto& entry : byEntry) {
          for (std::size_t k = 0; k < entry.size() && k < perEntry; ++k) {
            p.actions.emplace_back(actions[entry[k]]->fullName);
          }
        }
        report.pitfalls.push_back(std::move(p));
      }
      // Services calling on the user's behalf (pitfall 3): informational.
      for (const std::size_t s : guardIndices) {
        const Statement& st = *statements[s].statement;
        const bool boolIfExists =
            std::any_of(st.conditions.begin(), st.conditions.end(), [](const auto& c) {
              return isKey(c, kMfaPresent) && c.op.ifExists &&
                     isOperator(c, grammar::OperatorKind::Bool);
            });
        const bool exemptsServices =
            std::any_of(st.conditions.begin(), st.conditions.end(), [](const auto& c) {
              return isKey(c, "aws:ViaAWSService") || isKey(c, "aws:CalledVia") ||
                     isKey(c, "aws:CalledViaFirst") || isKey(c, "aws:CalledViaLast");
            });
        if (boolIfExists && !exemptsServices) {
          AuditPitfall p;
          p.id = "guard-blocks-service-calls";
          p.severity = "info";
          p.title = "Services acting for the user are denied too";
          const std::size_t ref = table.fromDocument(*statements[s].doc, statements[s].kind,
                                                     statements[s].policyIndex, st);
          p.explanation = report.statements[ref].label() +
                          " also applies when a service (CloudFormation, Athena, ...) calls "
                          "another with the user's credentials: such forward requests carry "
                          "aws:MultiFactorAuthPresent false even when the user used MFA.";
          p.fix =
              "If that breaks a workflow, add \"Bool\": {\"aws:ViaAWSService\": \"false\"} to "
              "the Deny's condition (semantics §5.3 pitfall 3).";
          p.statement = ref;
          report.pitfalls.push_back(std::move(p));
        }
      }
    }
  }

  // Violations no other finding explains, per granting statement.
  void attributeViolations() {
    // Violations no text finding explains: attribute them to the statements that grant them.
    if (report.verdict.violations > 0) {
      std::map<std::size_t, std::pair<std::vector<std::string>, std::size_t>> byStatement;
      std::vector<char> counted(actions.size(), 0);
      for (const Run& run : runs) {
        if (run.info.mfa) {
          continue;
        }
        for (std::size_t i = 0; i < actions.size(); ++i) {
          if (run.mask[i] == 0 || selfService[i] || counted[i] || explained[i]) {
            continue;
          }
          counted[i] = 1;
          auto& entry = byStatement[creditedStatement(run, i)];
          ++entry.second;
          if (entry.first.size() < kMaxEvidence) {
            entry.first.emplace_back(actions[i]->fullName);
          }
        }
      }
      for (auto& [ref, entry] : byStatement) {
        AuditPitfall p;
        p.statement = ref;
        p.severity = "error";
        p.actions = std::move(entry.first);
        const std::string label = report.statements[ref].label();
        const std::string count = thousands(entry.second);
        if (guardIndices.empty()) {
          p.id = "allow-without-mfa";
          p.title = "Allow without an MFA condition";
          p.explanation = label + " grants " + count +
                          (entry.second == 1 ? " action" : " actions") +
                          " outside the MFA bootstrap set to callers without MFA, and "
                          "no Deny statement requires MFA.";
          p.fix =
              "Add the force-MFA Deny (NotAction = the MFA enrolment actions, "
              "\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}), or require "
              "\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"} on this Allow.";
        } else {
          p.id = "guard-incomplete";
          p.title = "Allowed past the force-MFA Deny";
          p.explanation = label + " grants " + count +
                          (entry.second == 1 ? " action" : " actions") +
                          " outside the self-service set to callers without MFA that the "
                          "force-MFA Deny does not cover (its Resource or conditions leave them "
                          "out).";
          p.fix =
              "Make the force-MFA Deny cover \"Resource\": \"*\" with only the "
              "aws:MultiFactorAuthPresent condition, or require MFA on this Allow.";
        }
        report.pitfalls.push_back(std::move(p));
      }
    }
  }

  // Pitfall order and the verdict.
  void decide() {
    std::stable_sort(report.pitfalls.begin(), report.pitfalls.end(),
                     [](const AuditPitfall& a, const AuditPitfall& b) {
                       auto rank = [](const std::string& s) {
                         return s == "error" ? 0 : s == "warning" ? 1 : 2;
                       };
                       return rank(a.severity) < rank(b.severity);
                     });

    // Verdict.
    const bool gapFails =
        options.strict &&
        std::any_of(report.pitfalls.begin(), report.pitfalls.end(),
                    [](const AuditPitfall& p) { return p.id == "notaction-gap"; });
    report.verdict.mfaEnforced = report.verdict.violations == 0 && !gapFails;
    const std::string source =
        guardIndices.empty()
            ? "the MFA bootstrap actions (no force-MFA Deny found)"
            : "the NotAction list of " +
                  report.statements[report.verdict.guardStatements.front()].label();
    if (report.verdict.mfaEnforced) {
      report.verdict.summary = "MFA is enforced: without MFA only the self-service actions (" +
                               source + ") are allowed.";
    } else if (report.verdict.violations > 0) {
      report.verdict.summary = "MFA is NOT enforced: " + thousands(report.verdict.violations) +
                               (report.verdict.violations == 1 ? " action" : " actions") +
                               " outside the self-service set (" + source +
                               ") can be used without MFA.";
    } else {
      report.verdict.summary =
          "MFA is NOT enforced (strict): the NotAction list exempts actions beyond MFA "
          "self-management (" +
          source + ").";
    }
  }

  // Allowed actions per service and run.
  void buildMatrix() {
    // Matrix.
    for (const Run& run : runs) {
      report.runs.push_back(run.info);
      report.totals.push_back(run.info.allowed);
    }
    std::unordered_map<const ServiceInfo*, std::size_t> rowOf;
    for (const ServiceInfo& service : data.services()) {
      rowOf.emplace(&service, rowOf.size());
    }
    std::vector<AuditMatrixRow> rows(data.services().size());
    for (std::size_t a = 0; a < actions.size(); ++a) {
      AuditMatrixRow& row = rows[rowOf.at(actions[a]->service)];
      row.counts.resize(runs.size(), 0);
      for (std::size_t r = 0; r < runs.size(); ++r) {
        if (runs[r].mask[a] != 0) {
          ++row.counts[r];
        }
      }
    }
    for (std::size_t s = 0; s < rows.size(); ++s) {
      AuditMatrixRow& row = rows[s];
      if (std::any_of(row.counts.begin(), row.counts.end(), [](std::size_t c) { return c > 0; })) {
        row.service = std::string(data.services()[s].prefix);
        report.matrix.push_back(std::move(row));
      }
    }
  }

  const PolicySetInput& input;
  const IamData& data;
  const MfaAuditOptions& options;
  const std::vector<const ActionInfo*>& actions;
  StatementTable table;  // interns into report.statements
  PrincipalArn caller;
  bool userCaller = false;
  std::vector<Scenario> scenarios;
  std::shared_ptr<const PolicySet> set;
  std::shared_ptr<const PolicySet> federatedSet;  // with the broadest session policy
  std::vector<Run> runs;
  std::set<std::string> scenarioNotes;
  std::vector<std::string> lower;  // per action: "s3:getobject"
  std::vector<char> skip;          // per action: needs no permission
  Candidates candidates;
  std::vector<StatementView> statements;
  std::vector<std::string> patterns;            // the self-service set, as written
  std::vector<grammar::WildcardPattern> globs;  // the same, compiled (lower case)
  std::vector<std::size_t> guardIndices;        // force-MFA Deny statements, in `statements`
  std::vector<char> selfService;                // per action
  std::vector<char> selfManagement;             // per action
  std::optional<std::size_t> rootStatement;
  const Run* accessKeyRun = nullptr;
  const Run* consoleRun = nullptr;
  std::vector<char> explained;  // per action: a violation some finding already accounts for
};

}  // namespace

Result<MfaAuditReport> runMfaAudit(const PolicySetInput& input, const IamData& data,
                                   const MfaAuditOptions& options) {
  Audit audit(input, data, options);
  if (Status status = audit.run(); !status.ok()) {
    return status;
  }
  return std::move(audit.report);
}

}  // namespace policysim::analysis
