// RequestFacts::prepare: the per-request work done once, before any policy is looked at.
#include "engine/internal/request_facts.h"

#include "engine/internal/compiled.h"

namespace policysim::engine::internal {
void RequestFacts::prepare(const Request& request) {
  // Lower-case the action without a branch per byte (action names mix cases unpredictably),
  // through local pointers so the compiler need not reload them after each store.
  const std::size_t size = request.action.size();
  loweredAction.resize(size);
  const char* in = request.action.data();
  char* out = loweredAction.data();
  for (std::size_t i = 0; i < size; ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    const unsigned upper = static_cast<unsigned char>(c - 'A') < 26 ? 1U : 0U;
    out[i] = static_cast<char>(c | (upper << 5U));  // 'A'-'Z' differ from 'a'-'z' by bit 5
  }
  const std::string_view lowered = loweredAction;
  const std::size_t colon = lowered.find(':');
  actionService = lowered.substr(0, colon);
  actionName = colon == std::string_view::npos ? std::string_view() : lowered.substr(colon + 1);
  actionHash = hashText(lowered);
  serviceHash = hashText(actionService);
  splitArn(request.resource, &resourceFields);

  // Who is calling (§4.3, §4.8): kind, account and, for a role session, its role.
  caller = PrincipalIdentity{};
  const std::string_view principal = request.principal;
  if (request.anonymous || sameText(principal, "*") || sameText(principal, "anonymous")) {
    return;  // unsigned (§4.8)
  }
  if (principal.empty()) {
    assumeSimulatorCaller(request);
    return;
  }
  caller.arn = principal;
  ArnFields& arn = principalFields_;
  splitArn(principal, &arn);
  if (!arn.isArn) {
    caller.kind = principal.ends_with(".amazonaws.com") ? PrincipalIdentity::Kind::Service
                                                        : PrincipalIdentity::Kind::Other;
    if (isAccountId(principal)) {
      caller.kind = PrincipalIdentity::Kind::Root;
      caller.account = principal;
    }
    return;
  }
  const std::string_view service = arn.fields[2];
  const std::string_view resource = arn.fields[5];
  caller.account = arn.fields[4];
  caller.kind = PrincipalIdentity::Kind::Other;
  if (sameText(service, "iam") && sameText(resource, "root")) {
    caller.kind = PrincipalIdentity::Kind::Root;
  } else if (sameText(service, "iam") && startsWith(resource, "user/")) {
    caller.kind = PrincipalIdentity::Kind::User;
  } else if (sameText(service, "sts") && startsWith(resource, "assumed-role/")) {
    caller.kind = PrincipalIdentity::Kind::RoleSession;
    // The role ARN (with its path) is aws:PrincipalArn; derive it when the context lacks it.
    const std::string_view roleArn = singleContextValue(request, "aws:principalarn");
    if (roleArn.find(":role/") != std::string_view::npos) {
      caller.parentArn = roleArn;
    } else {
      const std::string_view rest = resource.substr(std::string_view("assumed-role/").size());
      roleArn_.assign("arn:");
      roleArn_.append(arn.fields[1]);
      roleArn_.append(":iam::");
      roleArn_.append(arn.fields[4]);
      roleArn_.append(":role/");
      roleArn_.append(rest.substr(0, rest.find('/')));
      caller.parentArn = roleArn_;
    }
  } else if (sameText(service, "sts") && startsWith(resource, "federated-user/")) {
    caller.kind = PrincipalIdentity::Kind::FederatedUser;
  }
  if (caller.account.empty()) {
    caller.account = singleContextValue(request, "aws:principalaccount");
  }
  recogniseServiceLinkedRole();
}

// §4.8a: AWS's simulator evaluates identity policies without CallerArn for the identity they
// are attached to; policysim assumes an IAM user of the account the context names for the
// principal, else of the resource's account (so the request is never cross-account), else of
// the example account. AWS-owned resources name no customer account (§4.8b).
void RequestFacts::assumeSimulatorCaller(const Request& request) {
  caller.kind = PrincipalIdentity::Kind::User;
  caller.assumed = true;
  const std::string_view candidates[] = {
      singleContextValue(request, "aws:principalaccount"),
      resourceFields.isArn ? resourceFields.fields[4] : std::string_view(),
      singleContextValue(request, "aws:resourceaccount"),
  };
  caller.account = kAssumedCallerAccount;
  for (const std::string_view account : candidates) {
    if (isAccountId(account)) {
      caller.account = account;
      return;
    }
  }
}

// §4.7, §4.8: a service-linked role is recognised by its path, role/aws-service-role/SERVICE/,
// on the role's ARN: the role a session belongs to (aws:PrincipalArn carries the path; a session
// ARN alone does not), or an IAM role ARN named as the caller (split already). Users, root and
// federated users are never one, so their requests pay for no second split.
void RequestFacts::recogniseServiceLinkedRole() {
  auto isServiceLinkedRole = [](const ArnFields& arn) {
    return arn.isArn && arn.fields[2] == "iam" &&
           arn.fields[5].starts_with("role/aws-service-role/");
  };
  if (caller.kind == PrincipalIdentity::Kind::RoleSession) {
    caller.serviceLinked = isServiceLinkedRole(splitArn(caller.parentArn));
  } else if (caller.kind == PrincipalIdentity::Kind::Other) {
    caller.serviceLinked = isServiceLinkedRole(principalFields_);
  }
}

}  // namespace policysim::engine::internal

namespace policysim::engine {

namespace {
const Request kEmptyRequest;
}  // namespace

PreparedRequest::PreparedRequest()
    : request_(&kEmptyRequest), facts_(std::make_unique<internal::RequestFacts>()) {
  facts_->prepare(kEmptyRequest);
}

PreparedRequest::PreparedRequest(const Request& request)
    : request_(&request), facts_(std::make_unique<internal::RequestFacts>()) {
  facts_->prepare(request);
}

PreparedRequest::~PreparedRequest() = default;
PreparedRequest::PreparedRequest(PreparedRequest&&) noexcept = default;
PreparedRequest& PreparedRequest::operator=(PreparedRequest&&) noexcept = default;

void PreparedRequest::prepare(const Request& request) {
  if (!facts_) {  // moved from
    facts_ = std::make_unique<internal::RequestFacts>();
  }
  request_ = &request;
  facts_->prepare(request);
}

}  // namespace policysim::engine
