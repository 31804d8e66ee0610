#include "cli/serve/authz.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <utility>

#include "analysis/scenario.h"
#include "engine/request_json.h"
#include "grammar/ascii.h"

namespace policysim::serve {
namespace {

using engine::ContextValue;
using engine::Status;

// Keys are filled in place (addContext): the request's storage is reused across requests.
Status setKey(engine::Request* request, std::string_view key, ContextValue::Type type,
              std::string_view text) {
  ContextValue* value = request->addContext(key);
  if (value == nullptr) {
    return Status::invalidArgument("context key " + std::string(key) + " is given twice");
  }
  value->type = type;
  value->values.emplace_back(text);
  return Status();
}

// Sets a derived key unless the request already has it.
void setDefault(engine::Request* request, std::string_view key, ContextValue::Type type,
                std::string_view text) {
  if (ContextValue* value = request->addContext(key); value != nullptr) {
    value->type = type;
    value->values.emplace_back(text);
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
  // Formatted once a second per thread: every subrequest of that second shares the text.
  struct Texts {
    std::time_t second = -1;
    char date[32] = {};
    std::size_t dateSize = 0;
    char epoch[24] = {};
    std::size_t epochSize = 0;
  };
  thread_local Texts texts;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  if (seconds != texts.second) {
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    texts.dateSize = std::strftime(texts.date, sizeof texts.date, "%Y-%m-%dT%H:%M:%SZ", &utc);
    texts.epochSize = static_cast<std::size_t>(
        std::snprintf(texts.epoch, sizeof texts.epoch, "%lld", static_cast<long long>(seconds)));
    texts.second = seconds;
  }
  setDefault(request, "aws:CurrentTime", ContextValue::Type::Date,
             std::string_view(texts.date, texts.dateSize));
  setDefault(request, "aws:EpochTime", ContextValue::Type::Number,
             std::string_view(texts.epoch, texts.epochSize));
}

// Keys the context header may not set, and where each comes from instead. Keys are compared
// without regard to case, as IAM does.
struct ReservedKey {
  std::string_view key;
  std::string_view source;
};
constexpr ReservedKey kReservedKeys[] = {
    {"aws:PrincipalArn", "the principal header"},
    {"aws:PrincipalAccount", "the principal header"},
    {"aws:PrincipalType", "the principal header"},
    {"aws:username", "the principal header"},
    {"aws:userid", "the principal header"},
    {"aws:MultiFactorAuthPresent", "the MFA header"},
    {"aws:MultiFactorAuthAge", "the MFA age header"},
    {"aws:SourceIp", "the source IP header"},
    {"aws:CurrentTime", "the server's clock"},
    {"aws:EpochTime", "the server's clock"},
};

// An error when the context header sets a key that only its own header or the server sets:
// otherwise it could name another user, claim MFA when the MFA header is absent, or move the
// clock past a time condition.
Status checkContextKey(std::string_view key) {
  for (const ReservedKey& reserved : kReservedKeys) {
    if (grammar::equalsIgnoreAsciiCase(key, reserved.key)) {
      return Status::invalidArgument("the context header may not set " + std::string(key) +
                                     ": it comes from " + std::string(reserved.source));
    }
  }
  return Status();
}

// Why the path of `uri` is refused (routes.h), so that the deny says so rather than "no route".
Status refusedPath(std::string_view uri) {
  const std::string_view path = uri.substr(0, uri.find_first_of("?#"));
  if (Status s = checkPath(path); !s.ok()) {
    return Status::invalidArgument("refused path " + std::string(path.substr(0, 200)) + ": " +
                                   s.message() +
                                   " (a gateway or upstream could resolve it "
                                   "to another path than the one authorized)");
  }
  return Status();
}

}  // namespace

// The one value of header `name` into *out; nullopt when absent or empty (nginx's
// `proxy_set_header X ""` removes a header). More than one field of that name is an error.
Status singleHeader(const HttpRequest& request, const std::string& name,
                    std::optional<std::string_view>* out) {
  out->reset();
  const auto [first, last] = request.equal_range(name);  // case-insensitive
  if (first == last) {
    return Status();
  }
  if (std::next(first) != last) {
    return Status::invalidArgument("the " + name + " header appears more than once");
  }
  if (!first->value().empty()) {
    *out = std::string_view(first->value().data(), first->value().size());
  }
  return Status();
}

Status readAuthzInput(const HttpRequest& request, const AuthzHeaders& names,
                      std::string_view suffix, AuthzInput* out) {
  std::optional<std::string_view> method;
  std::optional<std::string_view> uri;
  const std::pair<const std::string*, std::optional<std::string_view>*> fields[] = {
      {&names.method, &method},
      {&names.uri, &uri},
      {&names.principal, &out->principal},
      {&names.mfa, &out->mfa},
      {&names.mfaAge, &out->mfaAge},
      {&names.sourceIp, &out->sourceIp},
      {&names.action, &out->action},
      {&names.resource, &out->resource},
      {&names.context, &out->context},
  };
  // One pass over the request's fields (not a lookup per name): how often each name appears,
  // and its value.
  constexpr std::size_t kNames = sizeof fields / sizeof fields[0];
  std::size_t seen[kNames] = {};
  for (const auto& field : fields) {
    field.second->reset();
  }
  for (const auto& field : request) {
    const std::string_view name(field.name_string().data(), field.name_string().size());
    for (std::size_t i = 0; i < kNames; ++i) {
      if (name.size() == fields[i].first->size() &&
          grammar::equalsIgnoreAsciiCase(name, *fields[i].first) && ++seen[i] == 1 &&
          !field.value().empty()) {
        *fields[i].second = std::string_view(field.value().data(), field.value().size());
      }
    }
  }
  for (std::size_t i = 0; i < kNames; ++i) {
    if (seen[i] > 1) {  // as singleHeader() says it, first in the order above
      return Status::invalidArgument("the " + *fields[i].first + " header appears more than once");
    }
  }
  out->method =
      method ? *method
             : std::string_view(request.method_string().data(), request.method_string().size());
  out->uri = uri ? *uri : suffix;
  return Status();
}

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
      if (Status s = checkContextKey(context.contextKey(i)); !s.ok()) {
        return s;
      }
      (void)out->setContext(context.contextKey(i), context.contextValue(i));
    }
  }

  RouteMatch route;
  const bool needsRoute = !input.action || !input.resource;
  if (needsRoute) {
    if (Status s = refusedPath(input.uri); !s.ok()) {
      return s;
    }
  }
  const bool routed = needsRoute && routes.match(input.method, input.uri, &route);
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
  if (input.token != nullptr) {
    if (Status s = applyTokenIdentity(*input.token, out); !s.ok()) {
      return s;
    }
  } else if (input.principal) {
    // No caller header: nobody vouched for a caller, so the subrequest is anonymous (semantics
    // §4.8), unlike `check`, where a request without a principal is the simulator's (§4.8a).
    out->principal = std::string(*input.principal);
  } else {
    out->anonymous = true;
  }

  if (input.mfa && input.token == nullptr) {
    bool present = false;
    if (grammar::equalsIgnoreAsciiCase(*input.mfa, "true")) {
      present = true;
    } else if (!grammar::equalsIgnoreAsciiCase(*input.mfa, "false")) {
      return Status::invalidArgument("the MFA header is neither true nor false");
    }
    if (Status s = setKey(out, "aws:MultiFactorAuthPresent", ContextValue::Type::Bool,
                          present ? "true" : "false");
        !s.ok()) {
      return s;
    }
  }
  if (input.mfaAge && input.token == nullptr) {
    const std::string_view age = *input.mfaAge;
    if (age.empty() || age.size() > 12 ||
        age.find_first_not_of("0123456789") != std::string_view::npos) {
      return Status::invalidArgument("the MFA age header is not a number of seconds");
    }
    if (Status s = setKey(out, "aws:MultiFactorAuthAge", ContextValue::Type::Number, age);
        !s.ok()) {
      return s;
    }
  }
  if (input.sourceIp) {
    if (Status s = setKey(out, "aws:SourceIp", ContextValue::Type::Ip, *input.sourceIp); !s.ok()) {
      return s;
    }
  }
  if (input.token == nullptr) {
    derivePrincipalKeys(out);
  }
  deriveTimeKeys(now, out);
  return Status();
}

Status applyTokenIdentity(const TokenIdentity& token, engine::Request* out) {
  if (!out->principal.empty() || out->anonymous) {
    return Status::invalidArgument(
        "the request names a principal: with tokens on, the caller comes from the token");
  }
  for (std::size_t i = 0; i < out->contextSize(); ++i) {
    const std::string_view key = out->contextKey(i);
    const bool tag =
        key.size() > 17 && grammar::equalsIgnoreAsciiCase(key.substr(0, 17), "aws:PrincipalTag/");
    bool reserved = tag;
    for (const ReservedKey& r : kReservedKeys) {
      reserved = reserved || (grammar::equalsIgnoreAsciiCase(key, r.key) &&
                              !r.source.ends_with("clock") && r.key != "aws:SourceIp");
    }
    if (reserved) {
      return Status::invalidArgument("the request sets " + std::string(key) +
                                     ": with tokens on, it comes from the token");
    }
  }
  out->principal = token.principal;
  out->anonymous = false;
  // Filled in place (the request's storage is reused across requests): this runs per request.
  const auto set = [out](std::string_view key, ContextValue::Type type, std::string_view text) {
    ContextValue* value = out->addContext(key);
    if (value == nullptr) {
      return Status::invalidArgument("context key " + std::string(key) + " is given twice");
    }
    value->type = type;
    value->values.emplace_back(text);
    return Status();
  };
  if (Status s = set("aws:MultiFactorAuthPresent", ContextValue::Type::Bool,
                     token.mfaPresent ? "true" : "false");
      !s.ok()) {
    return s;
  }
  if (token.mfaAgeSeconds) {
    char age[24];
    const int n =
        std::snprintf(age, sizeof age, "%lld", static_cast<long long>(*token.mfaAgeSeconds));
    if (Status s = set("aws:MultiFactorAuthAge", ContextValue::Type::Number,
                       std::string_view(age, static_cast<std::size_t>(n)));
        !s.ok()) {
      return s;
    }
  }
  for (const auto& [key, value] : token.tags) {
    if (Status s = set(key, ContextValue::Type::String, value); !s.ok()) {
      return s;
    }
  }
  const analysis::PrincipalKeys& keys = token.principalKeys;
  const std::pair<std::string_view, const std::string*> derived[] = {
      {"aws:PrincipalArn", &keys.principalArn},
      {"aws:PrincipalAccount", &keys.account},
      {"aws:PrincipalType", &keys.principalType},
      {"aws:username", &keys.userName},
      {"aws:userid", &keys.userId}};
  for (const auto& [key, value] : derived) {
    if (!value->empty()) {
      if (Status s = set(key, ContextValue::Type::String, *value); !s.ok()) {
        return s;
      }
    }
  }
  return Status();
}

}  // namespace policysim::serve
