// Request: one authorization request (principal, action, resource, condition-key context),
// owning its strings. Build it directly or with parseRequests() (request_json.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace policysim::engine {

// One condition key's value(s) as the request carries them.
struct ContextValue {
  enum class Type { String, Number, Bool, Date, Ip, Binary };
  Type type = Type::String;
  // True for multivalued keys (a JSON array, or an AWS "...List" type): only set operators
  // (ForAllValues:/ForAnyValue:) test such keys.
  bool multivalued = false;
  std::vector<std::string> values;  // numbers and booleans as text ("300", "true")
};

class Request {
 public:
  std::string principal;  // caller ARN, service principal, or empty for anonymous
  std::string action;     // "service:Action"
  std::string resource = "*";

  // Sets a key (name compared case-insensitively). Returns false if a key equal up to case
  // was already set with a different spelling or is set twice.
  bool setContext(std::string_view key, ContextValue value);
  // The value of a key (case-insensitive), or nullptr when absent. Allocation-free.
  [[nodiscard]] const ContextValue* findContext(std::string_view key) const;
  // The same for a key already in lower case (what compiled policies hold): one hash lookup.
  [[nodiscard]] const ContextValue* findLowerCaseContext(std::string_view lowerKey) const;
  // Keys as first spelled, in insertion order.
  [[nodiscard]] const std::vector<std::string>& contextKeys() const { return keyOrder_; }

 private:
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  // Keyed by lower-cased name; string_view lookups need no temporary string.
  std::unordered_map<std::string, ContextValue, KeyHash, std::equal_to<>> context_;
  std::vector<std::string> keyOrder_;
};

// ASCII lower-casing used for every case-insensitive IAM name (actions, condition keys).
[[nodiscard]] std::string toLowerAscii(std::string_view text);

}  // namespace policysim::engine
