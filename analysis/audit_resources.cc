#include "analysis/internal/audit_resources.h"

#include <algorithm>
#include <array>
#include <set>
#include <unordered_map>
#include <utility>

#include "engine/status.h"
#include "grammar/arn.h"
#include "grammar/ascii.h"
#include "grammar/policy_variable.h"
#include "grammar/wildcard.h"

namespace policysim::analysis {
namespace internal {
namespace {

using engine::PolicyValue;
using engine::PolicyVersion;
using engine::Result;
using engine::Statement;
using engine::Status;
using engine::toLowerAscii;
using grammar::equalsIgnoreAsciiCase;

// "\"text\"", built by appending (GCC 12 misreports -Wrestrict on "\"" + std::string(...)).
std::string quoted(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

constexpr std::size_t kMaxCandidates = 8;  // resources tried per action (bits of a run's mask)

// The fields of an ARN after "arn:", owned (grammar::Arn views its text), in ARN order.
using ArnFields = std::array<std::string, 5>;
enum ArnField : std::size_t { kPartition, kService, kRegion, kAccount, kResource };

Result<ArnFields> arnFields(std::string_view text) {
  const auto arn = grammar::parseArn(text);
  if (!arn.ok()) {
    return Status::invalidArgument(quoted(text) + " is not an ARN: expected " + arn.expected());
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
    return Status::invalidArgument("policy variables of " + quoted(text) +
                                   " do not parse: expected " + parts.expected());
  }
  std::string out;
  for (const grammar::TemplatePart& part : parts.value()) {
    switch (part.kind) {
      case grammar::TemplatePart::Kind::Text:
        out += part.text;
        break;
      case grammar::TemplatePart::Kind::Escaped:
        if (part.text == "*" || part.text == "?") {  // a literal star: not worth a candidate
          return Status::invalidArgument(quoted(text) + " holds a literal " + part.text);
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
          return Status::invalidArgument(quoted(text) + " needs ${" + part.text +
                                         "}, unknown for the audited caller");
        }
        break;
      }
    }
  }
  return out;
}

std::vector<PolicyResource> collectPolicyResources(const std::vector<PolicyStatement>& statements,
                                                   const PrincipalArn& principal) {
  std::vector<PolicyResource> out;
  std::set<std::string> seen;
  for (const PolicyStatement& statement : statements) {
    const Statement& st = *statement.statement;
    if (!st.hasResource || st.notResource) {
      continue;
    }
    for (const PolicyValue& value : st.resources) {
      if (value.text == "*" || !value.text.starts_with("arn:")) {
        continue;
      }
      auto substituted = substituteVariables(value.text, statement.document->version, principal);
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
      if (!fields.ok() || grammar::hasGlobWildcard(fields.value()[kService])) {
        continue;
      }
      out.push_back(PolicyResource{fields.value(), grammar::WildcardPattern::fromGlob(text)});
    }
  }
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
    if (!grammar::hasGlobWildcard(p)) {
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

}  // namespace

Candidates buildCandidates(std::span<const ActionInfo* const> actions,
                           const std::vector<PolicyStatement>& statements,
                           const PrincipalArn& principal) {
  const std::vector<PolicyResource> policyResources = collectPolicyResources(statements, principal);
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
  out.start.reserve(actions.size() + 1);
  out.resources.reserve(actions.size() + actions.size() / 4);
  for (const ActionInfo* action : actions) {
    out.start.push_back(static_cast<std::uint32_t>(out.resources.size()));
    const std::size_t first = out.resources.size();
    out.resources.push_back(representativeResource(*action, principal));
    // Matched by the service of the resource type's ARN, not the action's: sts:AssumeRole acts
    // on IAM role ARNs.
    if (byService.empty() || action->resourceTypes.empty()) {
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

}  // namespace internal

std::string representativeResource(const ActionInfo& action, const PrincipalArn& principal) {
  const ResourceTypeInfo* type = internal::representativeType(action);
  if (type == nullptr || type->arnFormats.empty()) {
    return "*";
  }
  return internal::expandFormat(type->arnFormats.front(), principal, true);
}

}  // namespace policysim::analysis
