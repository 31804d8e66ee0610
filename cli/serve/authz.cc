#include "cli/serve/authz.h"

#include <cctype>
#include <ctime>
#include <utility>

#include "analysis/scenario.h"
#include "engine/request_json.h"

namespace policysim::serve {
namespace {

using engine::ContextValue;
using engine::Status;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

ContextValue scalar(ContextValue::Type type, std::string text) {
  ContextValue value;
  value.type = type;
  value.values.push_back(std::move(text));
  return value;
}

Status setKey(engine::Request* request, std::string_view key, ContextValue value) {
  if (!request->setContext(key, std::move(value))) {
    return Status::invalidArgument("context key " + std::string(key) + " is given twice");
  }
  return Status();
}

// Sets a derived key unless the request already has it.
void setDefault(engine::Request* request, std::string_view key, ContextValue value) {
  if (request->findContext(key) == nullptr) {
    (void)request->setContext(key, std::move(value));
  }
}

// The caller's global keys (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
// aws:username, ...) as scenarios and replay derive them; a principal that is no caller shape
// gets none.
void derivePrincipalKeys(engine::Request* request) {
  auto caller = analysis::parsePrincipalArn(request->principal);
  if (caller.ok()) {
    (void)analysis::setPrincipalKeys(analysis::principalKeys(caller.value()), request);
  }
}

void deriveTimeKeys(std::chrono::system_clock::time_point now, engine::Request* request) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  setDefault(request, "aws:CurrentTime", scalar(ContextValue::Type::Date, text));
  setDefault(request, "aws:EpochTime",
             scalar(ContextValue::Type::Number, std::to_string(static_cast<long long>(seconds))));
}

}  // namespace

Status buildAuthzRequest(const AuthzInput& input, const RouteTable& routes,
                         std::chrono::system_clock::time_point now, engine::Request* out) {
  out->clear();
  if (input.context) {
    // Reuse the request-file parser for typed values: {"action":..., "context": <header>}.
    std::string wrapped = R"({"action":"policysim:Context","context":)";
    wrapped.append(*input.context);
    wrapped.push_back('}');
    auto parsed = engine::parseRequests(wrapped, "context header");
    if (!parsed.ok() || parsed.value().size() != 1) {
      return Status::invalidArgument(
          "the context header is not a JSON object of context keys" +
          (parsed.ok() ? std::string() : ": " + parsed.status().message()));
    }
    const engine::Request& context = parsed.value().front();
    for (std::size_t i = 0; i < context.contextSize(); ++i) {
      (void)out->setContext(context.contextKey(i), context.contextValue(i));
    }
  }

  RouteMatch route;
  const bool routed =
      (!input.action || !input.resource) && routes.match(input.method, input.uri, &route);
  if (input.action) {
    out->action = std::string(*input.action);
  } else if (routed) {
    out->action = std::move(route.action);
  } else {
    return Status::invalidArgument("no route maps " + std::string(input.method) + " " +
                                   std::string(input.uri.substr(0, 200)) + " to an action");
  }
  if (out->action.find(':') == std::string::npos) {
    return Status::invalidArgument("the action is not service:Action");
  }
  if (input.resource) {
    out->resource = std::string(*input.resource);
  } else if (routed) {
    out->resource = std::move(route.resource);
  } else {
    return Status::invalidArgument("no route maps " + std::string(input.method) + " " +
                                   std::string(input.uri.substr(0, 200)) + " to a resource");
  }
  // No caller header: nobody vouched for a caller, so the subrequest is anonymous (semantics
  // §4.8), unlike `check`, where a request without a principal is the simulator's (§4.8a).
  if (input.principal) {
    out->principal = std::string(*input.principal);
  } else {
    out->anonymous = true;
  }

  if (input.mfa) {
    bool present = false;
    if (equalsIgnoreCase(*input.mfa, "true")) {
      present = true;
    } else if (!equalsIgnoreCase(*input.mfa, "false")) {
      return Status::invalidArgument("the MFA header is neither true nor false");
    }
    if (Status s = setKey(out, "aws:MultiFactorAuthPresent",
                          scalar(ContextValue::Type::Bool, present ? "true" : "false"));
        !s.ok()) {
      return s;
    }
  }
  if (input.mfaAge) {
    const std::string_view age = *input.mfaAge;
    if (age.empty() || age.size() > 12 ||
        age.find_first_not_of("0123456789") != std::string_view::npos) {
      return Status::invalidArgument("the MFA age header is not a number of seconds");
    }
    if (Status s = setKey(out, "aws:MultiFactorAuthAge",
                          scalar(ContextValue::Type::Number, std::string(age)));
        !s.ok()) {
      return s;
    }
  }
  if (input.sourceIp) {
    if (Status s = setKey(out, "aws:SourceIp",
                          scalar(ContextValue::Type::Ip, std::string(*input.sourceIp)));
        !s.ok()) {
      return s;
    }
  }
  derivePrincipalKeys(out);
  deriveTimeKeys(now, out);
  return Status();
}

}  // namespace policysim::serve
