// Request: one authorization request (principal, action, resource, condition-key context),
// owning its strings. Build it directly or with parseRequests() (request_json.h).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ascii.h"

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
  // Caller ARN or service principal. Empty (and not anonymous): no principal named, evaluated
  // as AWS's policy simulator does without CallerArn, for an IAM user of the resource's account
  // to whom the identity policies are attached (semantics §4.8a).
  std::string principal;
  // An unsigned request (§4.8): only a resource-based policy naming "*" can allow it. Asked
  // for explicitly; principal stays empty.
  bool anonymous = false;
  std::string action;  // "service:Action"
  std::string resource = "*";
  // The organization's management account (12 digits), when known: SCPs do not apply to its
  // principals, RCPs not to its resources (semantics §4.7, §4.8). Empty: no account is.
  std::string managementAccount;

  // Sets a key (name compared case-insensitively). Returns false if a key equal up to case
  // was already set with a different spelling or is set twice.
  bool setContext(std::string_view key, ContextValue value);
  // Adds a key and returns its value to fill in place (storage from earlier requests is
  // reused after clear()), or nullptr when a key equal up to case is already set.
  ContextValue* addContext(std::string_view key);
  // The value of a key (case-insensitive), or nullptr when absent. Allocation-free.
  [[nodiscard]] const ContextValue* findContext(std::string_view key) const;
  // The same for a key already in lower case (what compiled policies hold).
  [[nodiscard]] const ContextValue* findLowerCaseContext(std::string_view lowerKey) const;
  // Number of context keys, and the i-th key as first spelled (insertion order).
  [[nodiscard]] std::size_t contextSize() const { return size_; }
  [[nodiscard]] std::string_view contextKey(std::size_t i) const { return entries_[i].key; }
  [[nodiscard]] const ContextValue& contextValue(std::size_t i) const { return entries_[i].value; }

  // Empties the request but keeps its storage for the next one (batch parsing).
  void clear();

 private:
  // Requests carry a handful of keys: a flat array scanned linearly beats hashing, and its
  // strings keep their capacity across clear().
  struct Entry {
    std::string lowerKey;
    std::string key;
    ContextValue value;
  };
  std::vector<Entry> entries_;
  std::size_t size_ = 0;  // entries_[0, size_) are in use
};

namespace internal {
struct RequestFacts;
}

// A Request with the work every evaluation of it would repeat done once: the action
// lower-cased and hashed, the resource and principal ARNs split, the caller identified. For
// deciding one request against several policy sets, or preparing requests ahead of a
// latency-critical path. It views the Request: keep that alive and unchanged while the
// PreparedRequest is used, and prepare() again after changing it.
class PreparedRequest {
 public:
  PreparedRequest();  // prepared for an empty Request
  explicit PreparedRequest(const Request& request);
  explicit PreparedRequest(Request&&) = delete;  // it would view a destroyed temporary
  ~PreparedRequest();
  PreparedRequest(PreparedRequest&&) noexcept;  // a moved-from one must be prepare()d again
  PreparedRequest& operator=(PreparedRequest&&) noexcept;

  // Prepares for request, reusing this object's storage.
  void prepare(const Request& request);
  void prepare(Request&&) = delete;

  [[nodiscard]] const Request& request() const { return *request_; }
  [[nodiscard]] const internal::RequestFacts& facts() const { return *facts_; }

 private:
  const Request* request_;
  std::unique_ptr<internal::RequestFacts> facts_;  // views into itself: kept at a fixed address
};

// ASCII lower-casing used for every case-insensitive IAM name (actions, condition keys).
using grammar::toLowerAscii;

// The actions no policy controls, not even an explicit deny (semantics §4.9), lower-cased:
// every caller may call them.
inline constexpr std::array<std::string_view, 2> kPermissionlessActions = {"sts:getcalleridentity",
                                                                           "sts:getsessiontoken"};
// action (ASCII case-insensitive) is one of kPermissionlessActions.
[[nodiscard]] bool needsNoPermission(std::string_view action);

}  // namespace policysim::engine
