// RequestFacts: what evaluation derives from a request before looking at any policy: the
// lower-cased action and its hashes, the resource ARN's fields, and who the caller is. Built
// once per request (PreparedRequest keeps it; plain evaluate() builds it in thread scratch).
// Views point into the Request and into this object: never copy or move a prepared one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/internal/patterns.h"
#include "engine/request.h"

namespace policysim::engine::internal {

struct PrincipalIdentity {
  enum class Kind { Anonymous, Root, User, RoleSession, FederatedUser, Service, Other };
  Kind kind = Kind::Anonymous;
  std::string_view arn;        // as given
  std::string_view account;    // 12-digit account, when known
  std::string_view parentArn;  // role ARN of a role session
  // No principal was named: the policy simulator's caller, an IAM user of `account` to whom the
  // identity policies are attached, with no ARN of its own (§4.8a).
  bool assumed = false;
  // A service-linked role or a session of one (path /aws-service-role/): no SCP restricts it
  // (§4.7).
  bool serviceLinked = false;
};

// The account the simulator's caller is assumed in when neither the context nor the resource
// names a customer account (§4.8a): the example account of the project's cases and docs.
inline constexpr std::string_view kAssumedCallerAccount = "111122223333";

struct RequestFacts {
  RequestFacts() = default;
  RequestFacts(const RequestFacts&) = delete;
  RequestFacts& operator=(const RequestFacts&) = delete;

  // Fills every field from request (storage reused). request must outlive the facts' use.
  void prepare(const Request& request);

  std::string loweredAction;       // the action, ASCII lower-cased
  std::string_view actionService;  // views into loweredAction
  std::string_view actionName;
  std::uint64_t actionHash = 0;   // hashText of loweredAction
  std::uint64_t serviceHash = 0;  // and of its service prefix
  ArnFields resourceFields;
  PrincipalIdentity caller;

 private:
  void assumeSimulatorCaller(const Request& request);
  void recogniseServiceLinkedRole();

  ArnFields principalFields_;
  std::string roleArn_;  // derived parent role of an assumed-role session
};

// The value of a single-valued context key given in lower case, or "" (absent, multivalued).
inline std::string_view singleContextValue(const Request& request, std::string_view lowerKey) {
  const ContextValue* value = request.findLowerCaseContext(lowerKey);
  if (value == nullptr || value->multivalued || value->values.size() != 1) {
    return {};
  }
  return value->values.front();
}

// A customer account: 12 digits. AWS-owned resources say "aws" there (§4.8b).
inline bool isAccountId(std::string_view text) {
  if (text.size() != 12) {
    return false;
  }
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace policysim::engine::internal
