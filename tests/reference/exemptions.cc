// The fuzz target's exemptions (exemptions.h): what each is about and how it is recognised.
#include "tests/reference/exemptions.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "tests/reference/reference_values.h"

namespace policysim::reference {
namespace {

// Every policy in scope, in any order (the triggers only look for a feature somewhere).
std::vector<const Policy*> allPolicies(const PolicyInput& input) {
  std::vector<const Policy*> out;
  for (const Policy& policy : input.identity) out.push_back(&policy);
  for (const Policy& policy : input.scps) out.push_back(&policy);
  for (const auto* single : {&input.resource, &input.boundary, &input.session}) {
    if (single->has_value()) out.push_back(&**single);
  }
  return out;
}

// A plain (unqualified) operator with an empty value list on a key the request carries as a
// non-empty list.
bool hasEmptyListOnMultivaluedKey(const PolicyInput& input, const Request& request) {
  for (const Policy* policy : allPolicies(input)) {
    for (const Statement& statement : policy->statements) {
      for (const Condition& condition : statement.conditions) {
        const std::optional<Operator> op = readOperator(condition.operatorName);
        const ContextEntry* value = request.find(condition.key);
        if (op && op->set == SetOperator::None && condition.values.empty() && value != nullptr &&
            value->multivalued && !value->values.empty()) {
          return true;
        }
      }
    }
  }
  return false;
}

// The six colon fields of an ARN, or fewer when it is not one.
std::vector<std::string> arnFields(const std::string& text) {
  std::vector<std::string> out(1);
  for (char c : text) {
    if (c == ':' && out.size() < 6) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// An ARN caller that is none of §2.5's caller shapes: not root, an IAM user, a role session or a
// federated-user session (e.g. an IAM role ARN calling directly).
bool isShapelessArnCaller(const std::string& principal) {
  const std::vector<std::string> f = arnFields(principal);
  if (f.size() != 6 || f[0] != "arn") return false;
  const std::string& service = f[2];
  const std::string& resource = f[5];
  const bool root = service == "iam" && resource == "root";
  const bool user = service == "iam" && resource.starts_with("user/");
  const bool session = service == "sts" && resource.starts_with("assumed-role/") &&
                       resource.find('/', std::string("assumed-role/").size()) != std::string::npos;
  const bool federated = service == "sts" && resource.starts_with("federated-user/");
  return !root && !user && !session && !federated;
}

// A caller that names no account: a service principal or another identifier that is not an ARN.
bool isAccountlessCaller(const std::string& principal) {
  return !principal.empty() && !principal.starts_with("arn:");
}

}  // namespace

const std::array<ExemptionInfo, kExemptionCount>& exemptionCatalogue() {
  static const std::array<ExemptionInfo, kExemptionCount> list = {{
      {Exemption::EmptyListOnMultivaluedKey, "empty-list-on-multivalued-key",
       "semantics §3.7 rules 3 (multivalued key, plain operator: false) and 4 (empty value "
       "list, plain negated operator: true) collide; the engine applies rule 4 first. "
       "Reproducer: tests/bad_inputs/files/empty-values-negated-*.json"},
      {Exemption::ShapelessArnCaller, "shapeless-arn-caller",
       "a caller ARN that is no caller shape (an IAM role ARN, ...): the engine counts it as a "
       "principal of its ARN's account, the reference as matching no principal entry. "
       "Reproducer: tests/bad_inputs/files/reference-role-arn-caller-*.json"},
      {Exemption::AccountlessCaller, "accountless-caller",
       "a caller without an account (a service principal) on a resource that names one: the "
       "engine evaluates it as same-account (the resource policy's grant suffices), the "
       "reference as cross-account (it also wants an identity-side allow). "
       "Reproducer: tests/bad_inputs/files/service-principal-*.json"},
  }};
  return list;
}

const char* exemptionName(Exemption exemption) {
  return exemptionCatalogue()[static_cast<std::size_t>(exemption)].name;
}

bool exemptionApplies(Exemption exemption, const PolicyInput& input, const Request& request) {
  switch (exemption) {
    case Exemption::EmptyListOnMultivaluedKey:
      return hasEmptyListOnMultivaluedKey(input, request);
    case Exemption::ShapelessArnCaller:
      return isShapelessArnCaller(request.principal);
    case Exemption::AccountlessCaller:
      return isAccountlessCaller(request.principal);
  }
  return false;
}

Deviations deviationFor(Exemption exemption) {
  Deviations deviations;
  switch (exemption) {
    case Exemption::EmptyListOnMultivaluedKey:
      deviations.emptyListBeforeMultivalued = true;
      break;
    case Exemption::ShapelessArnCaller:
      deviations.shapelessArnCallerInAccount = true;
      break;
    case Exemption::AccountlessCaller:
      deviations.accountlessCallerInEveryAccount = true;
      break;
  }
  return deviations;
}

std::optional<Exemption> explainDisagreement(const PolicyInput& input, const Request& request,
                                             DecisionKind engine) {
  for (const ExemptionInfo& info : exemptionCatalogue()) {
    if (!exemptionApplies(info.id, input, request)) continue;
    if (evaluate(input, request, nullptr, deviationFor(info.id)) == engine) return info.id;
  }
  return std::nullopt;
}

std::string ExemptionCounts::summary() const {
  std::string out;
  for (const ExemptionInfo& info : exemptionCatalogue()) {
    if (!out.empty()) out += ' ';
    out += info.name;
    out += '=';
    out += std::to_string(hits(info.id));
  }
  return out;
}

}  // namespace policysim::reference
