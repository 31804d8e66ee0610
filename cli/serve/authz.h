// The authorization-subrequest contract (nginx auth_request, Envoy HTTP ext_authz): turns the
// headers and original method + path of a subrequest into an engine::Request. Which header
// carries what is configurable (AuthzHeaders); the defaults are documented in docs/serve.md.
// Anything malformed is an error, which the server answers with a deny (fail closed).
// Thread-safety: plain functions over caller-owned data.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cli/serve/http_server.h"
#include "cli/serve/jwt_verifier.h"
#include "cli/serve/routes.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::serve {

// Header names, compared case-insensitively.
struct AuthzHeaders {
  std::string principal = "X-Policysim-Principal";  // caller ARN; absent: anonymous (§4.8)
  std::string mfa = "X-Policysim-Mfa";              // "true"/"false" -> aws:MultiFactorAuthPresent
  std::string mfaAge = "X-Policysim-Mfa-Age";       // seconds -> aws:MultiFactorAuthAge
  std::string sourceIp = "X-Policysim-Source-Ip";   // -> aws:SourceIp
  std::string action = "X-Policysim-Action";        // overrides the route's action
  std::string resource = "X-Policysim-Resource";    // overrides the route's resource
  std::string context = "X-Policysim-Context";      // JSON object of further context keys
  std::string method = "X-Original-Method";         // the method the gateway saw
  std::string uri = "X-Original-URI";               // the path (and query) the gateway saw
};

// What one subrequest carries, taken from its headers. An empty optional: header absent (an
// empty header value counts as absent too: nginx's `proxy_set_header X ""` drops the header).
struct AuthzInput {
  std::string_view method;  // the method header, else the subrequest's own method
  std::string_view uri;     // the uri header, else the subrequest's path after /v1/authz
  std::optional<std::string_view> principal;
  std::optional<std::string_view> mfa;
  std::optional<std::string_view> mfaAge;
  std::optional<std::string_view> sourceIp;
  std::optional<std::string_view> action;
  std::optional<std::string_view> resource;
  std::optional<std::string_view> context;
  // Set when tokens are on (--jwks): the caller, MFA and tags come from this verified token and
  // the principal, MFA and MFA age headers are ignored.
  const TokenIdentity* token = nullptr;
};

// Reads the subrequest's headers named by `names` into *out (views into `request`, which must
// outlive *out); `suffix` is the subrequest's target after /v1/authz. InvalidArgument when a
// header appears more than once in any spelling ("X-Policysim-Mfa: true" then
// "x-policysim-mfa: false"): which copy the gateway meant cannot be known, so it is a deny.
[[nodiscard]] engine::Status readAuthzInput(const HttpRequest& request, const AuthzHeaders& names,
                                            std::string_view suffix, AuthzInput* out);

// Builds the request to decide:
//  - action and resource: the headers when present, else the first route matching method + uri;
//  - context: the JSON object of the context header (policysim's request "context" shape), the
//    MFA, MFA age and source IP headers, aws:CurrentTime and aws:EpochTime (from `now`) and
//    what the principal ARN implies (analysis::principalKeys: aws:PrincipalArn,
//    aws:PrincipalAccount, aws:PrincipalType, aws:username, aws:userid).
// With input.token set, the identity is applyTokenIdentity's instead of the headers'.
// Errors (InvalidArgument): no route and no header for the action or resource, a refused path,
// a malformed header value, a key given twice, and a context header that sets one of the keys
// above that the server derives or takes from its own header (identity, MFA, source IP, time).
// Makes the token's caller the request's: principal (not anonymous), aws:MultiFactorAuthPresent
// and (with MFA) aws:MultiFactorAuthAge, aws:PrincipalTag/* from claims, and the keys the ARN
// implies. InvalidArgument when the request already names a principal or sets one of these
// keys or any aws:PrincipalTag/* key: with tokens on, only the token says who the caller is.
[[nodiscard]] engine::Status applyTokenIdentity(const TokenIdentity& token, engine::Request* out);

// The one value of header `name` (nullopt when absent or empty); InvalidArgument when the
// header appears more than once.
[[nodiscard]] engine::Status singleHeader(const HttpRequest& request, const std::string& name,
                                          std::optional<std::string_view>* out);

[[nodiscard]] engine::Status buildAuthzRequest(const AuthzInput& input, const RouteTable& routes,
                                               std::chrono::system_clock::time_point now,
                                               engine::Request* out);

}  // namespace policysim::serve
