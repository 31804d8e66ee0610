// The C ABI (engine/c/policysim.h) over the embedding API (engine/policysim.h). Every entry
// point catches everything: no C++ exception may unwind into C frames.
#include "engine/c/policysim.h"

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "engine/decision_format.h"
#include "engine/policysim.h"

struct policysim_loader {
  policysim::PolicySetBuilder builder;
};

struct policysim_policy_set {
  struct Shared {
    std::shared_ptr<const policysim::PolicySet> set;
    std::vector<std::string> warnings;
  };
  std::shared_ptr<const Shared> shared;
};

struct policysim_request {
  policysim::Request request;
};

namespace {

thread_local std::string lastError;

policysim_status fail(policysim_status status, const char* message) noexcept {
  try {
    lastError = message;
  } catch (...) {  // out of memory: keep the code, lose the message
    lastError.clear();
  }
  return status;
}

policysim_status fromStatus(const policysim::Status& status) noexcept {
  if (status.ok()) {
    return POLICYSIM_OK;
  }
  policysim_status code = POLICYSIM_INTERNAL;
  switch (status.code()) {
    case policysim::StatusCode::Ok:
      return POLICYSIM_OK;
    case policysim::StatusCode::InvalidArgument:
      code = POLICYSIM_INVALID_ARGUMENT;
      break;
    case policysim::StatusCode::NotFound:
      code = POLICYSIM_NOT_FOUND;
      break;
    case policysim::StatusCode::ResourceExhausted:
      code = POLICYSIM_RESOURCE_EXHAUSTED;
      break;
    case policysim::StatusCode::Internal:
      code = POLICYSIM_INTERNAL;
      break;
  }
  try {
    return fail(code, status.toString().c_str());
  } catch (...) {
    return fail(code, "");
  }
}

policysim_status outOfMemory() noexcept { return fail(POLICYSIM_INTERNAL, "out of memory"); }

policysim_status nullArgument(const char* name) noexcept {
  try {
    return fail(POLICYSIM_INVALID_ARGUMENT, (std::string(name) + " is NULL").c_str());
  } catch (...) {
    return outOfMemory();
  }
}

bool toRole(policysim_role role, policysim::PolicyKind* out) noexcept {
  switch (role) {
    case POLICYSIM_ROLE_IDENTITY:
      *out = policysim::PolicyKind::Identity;
      return true;
    case POLICYSIM_ROLE_RESOURCE:
      *out = policysim::PolicyKind::Resource;
      return true;
    case POLICYSIM_ROLE_BOUNDARY:
      *out = policysim::PolicyKind::Boundary;
      return true;
    case POLICYSIM_ROLE_SCP:
      *out = policysim::PolicyKind::Scp;
      return true;
    case POLICYSIM_ROLE_SESSION:
      *out = policysim::PolicyKind::Session;
      return true;
    case POLICYSIM_ROLE_RCP:
      *out = policysim::PolicyKind::Rcp;
      return true;
    case POLICYSIM_ROLE_VPC_ENDPOINT:
      *out = policysim::PolicyKind::VpcEndpoint;
      return true;
  }
  return false;
}

bool toValueType(policysim_value_type type, policysim::ContextValue::Type* out) noexcept {
  using Type = policysim::ContextValue::Type;
  switch (type) {
    case POLICYSIM_VALUE_STRING:
      *out = Type::String;
      return true;
    case POLICYSIM_VALUE_NUMBER:
      *out = Type::Number;
      return true;
    case POLICYSIM_VALUE_BOOL:
      *out = Type::Bool;
      return true;
    case POLICYSIM_VALUE_DATE:
      *out = Type::Date;
      return true;
    case POLICYSIM_VALUE_IP:
      *out = Type::Ip;
      return true;
    case POLICYSIM_VALUE_BINARY:
      *out = Type::Binary;
      return true;
  }
  return false;
}

policysim_decision toDecision(policysim::DecisionKind kind) noexcept {
  switch (kind) {
    case policysim::DecisionKind::Allowed:
      return POLICYSIM_ALLOWED;
    case policysim::DecisionKind::ExplicitDeny:
      return POLICYSIM_EXPLICIT_DENY;
    case policysim::DecisionKind::ImplicitDeny:
      return POLICYSIM_IMPLICIT_DENY;
  }
  return POLICYSIM_IMPLICIT_DENY;
}

// One Decision per thread, reused so that steady-state evaluation allocates nothing. Its views
// into a previous set are never read: evaluate() overwrites every field it reports.
policysim::Decision& threadDecision() {
  thread_local policysim::Decision decision;
  return decision;
}

}  // namespace

extern "C" {

const char* policysim_version(void) { return policysim::version(); }

const char* policysim_last_error(void) { return lastError.c_str(); }

const char* policysim_decision_name(policysim_decision decision) {
  switch (decision) {
    case POLICYSIM_ALLOWED:
      return "allowed";
    case POLICYSIM_EXPLICIT_DENY:
      return "explicitDeny";
    case POLICYSIM_IMPLICIT_DENY:
      return "implicitDeny";
  }
  return "unknown";
}

policysim_loader* policysim_loader_new(void) { return new (std::nothrow) policysim_loader(); }

void policysim_loader_free(policysim_loader* loader) { delete loader; }

policysim_status policysim_loader_add_text(policysim_loader* loader, policysim_role role,
                                           const char* name, const char* text, size_t length) {
  if (loader == nullptr) {
    return nullArgument("loader");
  }
  if (text == nullptr && length != 0) {
    return nullArgument("text");
  }
  policysim::PolicyKind r;
  if (!toRole(role, &r)) {
    return fail(POLICYSIM_INVALID_ARGUMENT, "unknown policy role");
  }
  try {
    return fromStatus(
        loader->builder.addPolicy(r, std::string_view(text == nullptr ? "" : text, length),
                                  name == nullptr ? "policy" : name));
  } catch (...) {
    return outOfMemory();
  }
}

policysim_status policysim_loader_add_file(policysim_loader* loader, policysim_role role,
                                           const char* path) {
  if (loader == nullptr) {
    return nullArgument("loader");
  }
  if (path == nullptr) {
    return nullArgument("path");
  }
  policysim::PolicyKind r;
  if (!toRole(role, &r)) {
    return fail(POLICYSIM_INVALID_ARGUMENT, "unknown policy role");
  }
  try {
    return fromStatus(loader->builder.addPolicyFile(r, path));
  } catch (...) {
    return outOfMemory();
  }
}

policysim_status policysim_loader_add_directory(policysim_loader* loader, const char* directory) {
  if (loader == nullptr) {
    return nullArgument("loader");
  }
  if (directory == nullptr) {
    return nullArgument("directory");
  }
  try {
    auto files = policysim::listPolicyDirectory(directory);
    if (!files.ok()) {
      return fromStatus(files.status());
    }
    for (const auto& [kind, path] : files.value().byKind()) {
      if (policysim::Status s = loader->builder.addPolicyFile(kind, path); !s.ok()) {
        return fromStatus(s);
      }
    }
    return POLICYSIM_OK;
  } catch (...) {
    return outOfMemory();
  }
}

policysim_status policysim_loader_build(policysim_loader* loader, policysim_policy_set** out) {
  if (out == nullptr) {
    return nullArgument("out");
  }
  *out = nullptr;
  if (loader == nullptr) {
    return nullArgument("loader");
  }
  try {
    auto set = loader->builder.build();
    if (!set.ok()) {
      return fromStatus(set.status());
    }
    auto shared = std::make_shared<policysim_policy_set::Shared>();
    shared->set = std::move(set).value();
    for (const policysim::engine::Diagnostic& d : shared->set->diagnostics()) {
      shared->warnings.push_back(d.toString());
    }
    auto* handle = new policysim_policy_set();
    handle->shared = std::move(shared);
    *out = handle;
    return POLICYSIM_OK;
  } catch (...) {
    return outOfMemory();
  }
}

policysim_policy_set* policysim_policy_set_ref(const policysim_policy_set* set) {
  if (set == nullptr) {
    return nullptr;
  }
  auto* handle = new (std::nothrow) policysim_policy_set();
  if (handle != nullptr) {
    handle->shared = set->shared;
  }
  return handle;
}

void policysim_policy_set_free(policysim_policy_set* set) { delete set; }

size_t policysim_policy_set_warning_count(const policysim_policy_set* set) {
  return set == nullptr ? 0 : set->shared->warnings.size();
}

const char* policysim_policy_set_warning(const policysim_policy_set* set, size_t index) {
  if (set == nullptr || index >= set->shared->warnings.size()) {
    return nullptr;
  }
  return set->shared->warnings[index].c_str();
}

policysim_request* policysim_request_new(const char* principal, const char* action,
                                         const char* resource) {
  if (action == nullptr) {
    fail(POLICYSIM_INVALID_ARGUMENT, "action is NULL");
    return nullptr;
  }
  try {
    auto* request = new policysim_request();
    request->request.principal = principal == nullptr ? "" : principal;
    request->request.action = action;
    request->request.resource = resource == nullptr ? "*" : resource;
    return request;
  } catch (...) {
    outOfMemory();
    return nullptr;
  }
}

policysim_status policysim_request_parse_json(const char* json, size_t length,
                                              policysim_request** out) {
  if (out == nullptr) {
    return nullArgument("out");
  }
  *out = nullptr;
  if (json == nullptr) {
    return nullArgument("json");
  }
  try {
    auto request = policysim::parseRequest(std::string_view(json, length));
    if (!request.ok()) {
      return fromStatus(request.status());
    }
    auto* handle = new policysim_request();
    handle->request = std::move(request).value();
    *out = handle;
    return POLICYSIM_OK;
  } catch (...) {
    return outOfMemory();
  }
}

void policysim_request_free(policysim_request* request) { delete request; }

policysim_status policysim_request_set(policysim_request* request, const char* key,
                                       policysim_value_type type, const char* const* values,
                                       size_t count, int multivalued) {
  if (request == nullptr) {
    return nullArgument("request");
  }
  if (key == nullptr) {
    return nullArgument("key");
  }
  if (values == nullptr || count == 0) {
    return fail(POLICYSIM_INVALID_ARGUMENT, "a context key needs at least one value");
  }
  policysim::ContextValue value;
  if (!toValueType(type, &value.type)) {
    return fail(POLICYSIM_INVALID_ARGUMENT, "unknown value type");
  }
  try {
    value.multivalued = multivalued != 0;
    for (size_t i = 0; i < count; ++i) {
      if (values[i] == nullptr) {
        return nullArgument("values[i]");
      }
      value.values.emplace_back(values[i]);
    }
    if (!value.multivalued && value.values.size() != 1) {
      return fail(POLICYSIM_INVALID_ARGUMENT, "a single-valued key takes exactly one value");
    }
    if (!request->request.setContext(key, std::move(value))) {
      return fail(POLICYSIM_INVALID_ARGUMENT,
                  (std::string("context key ") + key + " is set twice").c_str());
    }
    return POLICYSIM_OK;
  } catch (...) {
    return outOfMemory();
  }
}

policysim_status policysim_request_set_string(policysim_request* request, const char* key,
                                              const char* value) {
  return policysim_request_set(request, key, POLICYSIM_VALUE_STRING, &value, 1, 0);
}

policysim_status policysim_request_set_bool(policysim_request* request, const char* key,
                                            int value) {
  const char* text = value != 0 ? "true" : "false";
  return policysim_request_set(request, key, POLICYSIM_VALUE_BOOL, &text, 1, 0);
}

policysim_status policysim_request_set_number(policysim_request* request, const char* key,
                                              int64_t value) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld", static_cast<long long>(value));
  const char* p = text;
  return policysim_request_set(request, key, POLICYSIM_VALUE_NUMBER, &p, 1, 0);
}

policysim_status policysim_evaluate(const policysim_policy_set* set,
                                    const policysim_request* request,
                                    policysim_decision* decision) {
  if (decision == nullptr) {
    return nullArgument("decision");
  }
  *decision = POLICYSIM_IMPLICIT_DENY;
  if (set == nullptr) {
    return nullArgument("set");
  }
  if (request == nullptr) {
    return nullArgument("request");
  }
  try {
    policysim::Decision& d = threadDecision();
    set->shared->set->evaluate(request->request, false, &d);
    *decision = toDecision(d.kind);
    return POLICYSIM_OK;
  } catch (...) {
    *decision = POLICYSIM_IMPLICIT_DENY;
    return outOfMemory();
  }
}

policysim_status policysim_evaluate_explain(const policysim_policy_set* set,
                                            const policysim_request* request,
                                            policysim_decision* decision, char* buffer,
                                            size_t capacity, size_t* needed) {
  if (decision == nullptr) {
    return nullArgument("decision");
  }
  *decision = POLICYSIM_IMPLICIT_DENY;
  if (set == nullptr) {
    return nullArgument("set");
  }
  if (request == nullptr) {
    return nullArgument("request");
  }
  if (buffer == nullptr && capacity != 0) {
    return nullArgument("buffer");
  }
  try {
    policysim::Evaluation evaluation =
        policysim::evaluate(set->shared->set, request->request, /*explain=*/true);
    *decision = toDecision(evaluation.decision.kind);
    const std::string json = policysim::toJson(request->request, evaluation);
    if (needed != nullptr) {
      *needed = json.size();
    }
    if (capacity <= json.size()) {
      return fail(POLICYSIM_BUFFER_TOO_SMALL, "the buffer is too small for the explanation");
    }
    std::memcpy(buffer, json.c_str(), json.size() + 1);
    return POLICYSIM_OK;
  } catch (...) {
    *decision = POLICYSIM_IMPLICIT_DENY;
    return outOfMemory();
  }
}

}  // extern "C"
