// Loading data/iam-data.json into an immutable IamData, and its queries.
//
// The loader parses the whole file into a RapidJSON DOM (iterative mode, UTF-8 validated), then
// builds every table in its final, sorted place before taking pointers into it, so the pointers
// IamData hands out never move. Names are compared by ASCII case folding; lookups are binary
// searches over sorted vectors (no hashing), pattern keys are WildcardPatterns with each
// ${...} placeholder compiled to "?*". Cost: O(n log n) in the size of the file; the shipped
// snapshot (~2 MB, 22k actions) loads in a few tens of milliseconds
// (tests/engine/iam_data_test.cc).
#include "engine/iam_data.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "engine/source_location.h"

namespace policysim::engine {
namespace {

constexpr std::string_view kFormat = "policysim-iam-data";
constexpr int kFormatVersion = 1;
constexpr std::size_t kMaxFileBytes = std::size_t{64} << 20U;  // 64 MiB

using JsonValue = rapidjson::Value;

char lowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string toLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = lowerChar(c);
  }
  return out;
}

// <0, 0, >0 like strcmp, comparing ASCII-lower-cased bytes.
int compareIgnoreCase(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(lowerChar(a[i]));
    const auto y = static_cast<unsigned char>(lowerChar(b[i]));
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  if (a.size() == b.size()) {
    return 0;
  }
  return a.size() < b.size() ? -1 : 1;
}

bool lessIgnoreCase(std::string_view a, std::string_view b) { return compareIgnoreCase(a, b) < 0; }

std::string_view viewOf(const JsonValue& v) {
  return {v.GetString(), static_cast<std::size_t>(v.GetStringLength())};
}

// Binary search in a vector sorted by case-insensitive `name`.
template <typename T>
const T* findByName(const std::vector<T>& items, std::string_view name) {
  const auto it = std::lower_bound(
      items.begin(), items.end(), name,
      [](const T& item, std::string_view key) { return lessIgnoreCase(item.name, key); });
  if (it == items.end() || compareIgnoreCase(it->name, name) != 0) {
    return nullptr;
  }
  return &*it;
}

}  // namespace

std::string_view conditionKeyTypeName(ConditionKeyType type) {
  switch (type) {
    case ConditionKeyType::String:
      return "String";
    case ConditionKeyType::Arn:
      return "ARN";
    case ConditionKeyType::Numeric:
      return "Numeric";
    case ConditionKeyType::Date:
      return "Date";
    case ConditionKeyType::Bool:
      return "Bool";
    case ConditionKeyType::IpAddress:
      return "IPAddress";
    case ConditionKeyType::Binary:
      return "Binary";
  }
  return "String";
}

std::string_view accessLevelName(AccessLevel level) {
  switch (level) {
    case AccessLevel::List:
      return "List";
    case AccessLevel::Read:
      return "Read";
    case AccessLevel::Write:
      return "Write";
    case AccessLevel::PermissionsManagement:
      return "Permissions management";
    case AccessLevel::Tagging:
      return "Tagging";
  }
  return "Write";
}

// ---- ConditionKeyInfo, ActionInfo, ServiceInfo ----

std::string ConditionKeyInfo::typeName() const {
  std::string out;
  for (unsigned t = 0; t <= static_cast<unsigned>(ConditionKeyType::Binary); ++t) {
    const auto type = static_cast<ConditionKeyType>(t);
    if (type == this->type || !accepts(type)) {
      continue;
    }
    out += '|';
    if (multivalued) {
      out += "ArrayOf";
    }
    out += conditionKeyTypeName(type);
  }
  return std::string(multivalued ? "ArrayOf" : "") + std::string(conditionKeyTypeName(type)) + out;
}

bool ConditionKeyInfo::matches(std::string_view key) const {
  if (!isPattern_) {
    return compareIgnoreCase(lowerName_, key) == 0;
  }
  return pattern_.matches(toLower(key));
}

const ConditionKeyInfo* ActionInfo::findConditionKey(std::string_view key) const {
  const std::string lower = toLower(key);
  const ConditionKeyInfo* best = nullptr;
  for (const ConditionKeyInfo* info : conditionKeys) {
    if (info->lowerName_ == lower) {
      return info;
    }
    if (info->isPattern_ && info->pattern_.matches(lower) &&
        (best == nullptr || info->literalLength_ > best->literalLength_)) {
      best = info;
    }
  }
  return best;
}

const ActionInfo* ServiceInfo::findAction(std::string_view actionName) const {
  return findByName(actions, actionName);
}

const ResourceTypeInfo* ServiceInfo::findResourceType(std::string_view typeName) const {
  return findByName(resourceTypes, typeName);
}

// ---- IamData queries ----

IamData::~IamData() = default;

std::string IamData::describe() const {
  std::string out = source_.package + " " + source_.version;
  if (source_.updatedAt.size() >= 10) {
    out += " (data of " + source_.updatedAt.substr(0, 10) + ")";
  }
  return out;
}

const ServiceInfo* IamData::findService(std::string_view prefix) const {
  const auto it = std::lower_bound(
      services_.begin(), services_.end(), prefix,
      [](const ServiceInfo& s, std::string_view key) { return lessIgnoreCase(s.prefix, key); });
  if (it == services_.end() || compareIgnoreCase(it->prefix, prefix) != 0) {
    return nullptr;
  }
  return &*it;
}

const ActionInfo* IamData::action(std::string_view fullName) const {
  const std::size_t colon = fullName.find(':');
  if (colon == std::string_view::npos) {
    return nullptr;
  }
  const ServiceInfo* service = findService(fullName.substr(0, colon));
  return service == nullptr ? nullptr : service->findAction(fullName.substr(colon + 1));
}

std::vector<const ActionInfo*> IamData::actionsMatching(std::string_view pattern) const {
  std::vector<const ActionInfo*> out;
  const std::string lower = toLower(pattern);
  const std::size_t colon = lower.find(':');
  if (colon == std::string::npos) {
    // Only "*" (or "**"...) may stand without a service prefix.
    if (!lower.empty() && lower.find_first_not_of('*') == std::string::npos) {
      out = allActions_;
    }
    return out;
  }
  const std::string_view servicePart = std::string_view(lower).substr(0, colon);
  if (servicePart.find_first_of("*?") == std::string_view::npos) {
    const ServiceInfo* service = findService(servicePart);
    if (service == nullptr) {
      return out;
    }
    const auto glob = grammar::WildcardPattern::fromGlob(std::string_view(lower).substr(colon + 1));
    const std::size_t first =
        serviceActionStart_[static_cast<std::size_t>(service - services_.data())];
    for (std::size_t i = 0; i < service->actions.size(); ++i) {
      const std::string_view name =
          std::string_view(allActionsLower_[first + i]).substr(service->prefix.size() + 1);
      if (glob.matches(name)) {
        out.push_back(allActions_[first + i]);
      }
    }
    return out;
  }
  const auto glob = grammar::WildcardPattern::fromGlob(lower);
  for (std::size_t i = 0; i < allActions_.size(); ++i) {
    if (glob.matches(allActionsLower_[i])) {
      out.push_back(allActions_[i]);
    }
  }
  return out;
}

const ConditionKeyInfo* IamData::conditionKey(std::string_view name) const {
  const std::string lower = toLower(name);
  const auto it = std::lower_bound(
      exactKeys_.begin(), exactKeys_.end(), lower,
      [](const KeyIndexEntry& e, const std::string& key) { return e.lowerName < key; });
  if (it != exactKeys_.end() && it->lowerName == lower) {
    return it->key;
  }
  const ConditionKeyInfo* best = nullptr;
  for (const ConditionKeyInfo* info : patternKeys_) {
    if ((best == nullptr || info->literalLength_ > best->literalLength_) &&
        info->pattern_.matches(lower)) {
      best = info;
    }
  }
  return best;
}

// ---- Loading ----

// Builds one IamData from a parsed document. Every error names the place in the document.
class IamDataLoader {
 public:
  IamDataLoader(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  Result<std::shared_ptr<const IamData>> load() {
    rapidjson::Document doc;
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                                rapidjson::kParseValidateEncodingFlag |
                                rapidjson::kParseFullPrecisionFlag;
    doc.Parse<kFlags>(text_.data(), text_.size());
    if (doc.HasParseError()) {
      const LineIndex index(name_, text_);
      return Status::invalidArgument(std::string("invalid IAM data file: invalid JSON: ") +
                                         rapidjson::GetParseError_En(doc.GetParseError()),
                                     index.locate(doc.GetErrorOffset()));
    }
    data_.reset(new IamData());
    data_->name_ = name_;
    if (!readRoot(doc)) {
      return status_;
    }
    return std::shared_ptr<const IamData>(std::move(data_));
  }

 private:
  bool fail(const std::string& path, const std::string& message) {
    status_ = Status::invalidArgument(
        "invalid IAM data file: " + (path.empty() ? "" : path + ": ") + message,
        SourceLocation{name_, 0, 0});
    return false;
  }

  bool expectString(const JsonValue& v, const std::string& path, bool nonEmpty = true) {
    if (!v.IsString()) {
      return fail(path, "expected a string");
    }
    if (nonEmpty && v.GetStringLength() == 0) {
      return fail(path, "expected a non-empty string");
    }
    return true;
  }

  bool expectArray(const JsonValue& v, const std::string& path, std::size_t size = 0) {
    if (!v.IsArray()) {
      return fail(path, "expected an array");
    }
    if (size != 0 && v.Size() != size) {
      return fail(path, "expected an array of " + std::to_string(size) + " elements");
    }
    return true;
  }

  const JsonValue* member(const JsonValue& object, const char* key, const std::string& path) {
    const auto it = object.FindMember(key);
    if (it == object.MemberEnd()) {
      fail(path, std::string("missing \"") + key + "\"");
      return nullptr;
    }
    return &it->value;
  }

  bool readString(const JsonValue& object, const char* key, const std::string& path,
                  std::string* out) {
    const JsonValue* v = member(object, key, path);
    const std::string childPath = path.empty() ? key : path + "." + key;
    if (v == nullptr || !expectString(*v, childPath)) {
      return false;
    }
    out->assign(viewOf(*v));
    return true;
  }

  bool readRoot(const JsonValue& root) {
    if (!root.IsObject()) {
      return fail("", "expected a JSON object");
    }
    std::string format;
    if (!readString(root, "format", "", &format)) {
      return false;
    }
    if (format != kFormat) {
      return fail("format", "\"" + format + "\" is not \"" + std::string(kFormat) + "\"");
    }
    const JsonValue* version = member(root, "formatVersion", "");
    if (version == nullptr) {
      return false;
    }
    if (!version->IsInt() || version->GetInt() != kFormatVersion) {
      return fail("formatVersion", "unsupported format version (this policysim reads version " +
                                       std::to_string(kFormatVersion) + ")");
    }
    const JsonValue* source = member(root, "source", "");
    if (source == nullptr) {
      return false;
    }
    if (!source->IsObject()) {
      return fail("source", "expected an object");
    }
    IamDataSource& out = data_->source_;
    if (!readString(*source, "package", "source", &out.package) ||
        !readString(*source, "version", "source", &out.version) ||
        !readString(*source, "updatedAt", "source", &out.updatedAt) ||
        !readString(root, "generatedAt", "", &out.generatedAt)) {
      return false;
    }
    const JsonValue* globals = member(root, "globalConditionKeys", "");
    const JsonValue* services = globals == nullptr ? nullptr : member(root, "services", "");
    if (services == nullptr || !readGlobalKeys(*globals) || !readServices(*services)) {
      return false;
    }
    buildIndexes();
    return true;
  }

  // "String", "ArrayOfARN", "Date|Numeric" -> type, mask and multivalued.
  bool parseType(std::string_view text, const std::string& path, ConditionKeyInfo* key) {
    key->typeMask_ = 0;
    bool first = true;
    while (true) {
      const std::size_t bar = text.find('|');
      std::string_view part = text.substr(0, bar);
      const bool array = part.substr(0, 7) == "ArrayOf";
      if (array) {
        part.remove_prefix(7);
      }
      bool known = false;
      for (unsigned t = 0; t <= static_cast<unsigned>(ConditionKeyType::Binary); ++t) {
        if (conditionKeyTypeName(static_cast<ConditionKeyType>(t)) == part) {
          if (first) {
            key->type = static_cast<ConditionKeyType>(t);
            key->multivalued = array;
          } else if (array != key->multivalued) {
            return fail(path, "type \"" + std::string(text) + "\" mixes single and multivalued");
          }
          key->typeMask_ = static_cast<std::uint8_t>(key->typeMask_ | (1U << t));
          known = true;
        }
      }
      if (!known) {
        return fail(path, "unknown condition key type \"" + std::string(part) + "\"");
      }
      first = false;
      if (bar == std::string_view::npos) {
        return true;
      }
      text.remove_prefix(bar + 1);
    }
  }

  // Fills name, lowerName_, isPattern_, literalLength_ and pattern_ from a key name.
  bool setKeyName(std::string_view name, const std::string& path, ConditionKeyInfo* key) {
    if (name.find(':') == std::string_view::npos || name.front() == ':') {
      return fail(path, "condition key \"" + std::string(name) + "\" has no service prefix");
    }
    key->name.assign(name);
    key->lowerName_ = toLower(name);
    key->isPattern_ = false;
    key->literalLength_ = 0;
    key->pattern_ = grammar::WildcardPattern();
    const std::string_view lower = key->lowerName_;
    std::size_t pos = 0;
    while (pos < lower.size()) {
      const std::size_t open = lower.find("${", pos);
      const std::string_view literal = lower.substr(pos, open - pos);
      key->pattern_.appendLiteral(literal);
      key->literalLength_ += literal.size();
      if (open == std::string_view::npos) {
        break;
      }
      const std::size_t close = lower.find('}', open + 2);
      if (close == std::string_view::npos || close == open + 2 ||
          lower.substr(open + 2, close - open - 2).find('$') != std::string_view::npos) {
        return fail(path, "bad placeholder in condition key \"" + std::string(name) + "\"");
      }
      key->pattern_.appendGlob("?*");
      key->isPattern_ = true;
      pos = close + 1;
    }
    return true;
  }

  bool readGlobalKeys(const JsonValue& list) {
    if (!expectArray(list, "globalConditionKeys")) {
      return false;
    }
    std::vector<ConditionKeyInfo>& keys = data_->globalKeys_;
    keys.resize(list.Size());
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string path = "globalConditionKeys[" + std::to_string(i) + "]";
      const JsonValue& entry = list[i];
      if (!expectArray(entry, path, 3) || !expectString(entry[0], path + "[0]") ||
          !expectString(entry[1], path + "[1]") || !expectString(entry[2], path + "[2]", false)) {
        return false;
      }
      ConditionKeyInfo& key = keys[i];
      if (!setKeyName(viewOf(entry[0]), path, &key) || !parseType(viewOf(entry[1]), path, &key)) {
        return false;
      }
      key.global = true;
      key.category.assign(viewOf(entry[2]));
    }
    return sortUnique(&keys, "globalConditionKeys", "global condition key");
  }

  // Sorts by lower-case name and rejects names listed twice (up to case).
  template <typename T>
  bool sortUnique(std::vector<T>* items, const std::string& path, const char* what) {
    std::sort(items->begin(), items->end(),
              [](const T& a, const T& b) { return lessIgnoreCase(a.name, b.name); });
    for (std::size_t i = 1; i < items->size(); ++i) {
      if (compareIgnoreCase((*items)[i - 1].name, (*items)[i].name) == 0) {
        return fail(path, std::string(what) + " \"" + (*items)[i].name +
                              "\" is listed twice (names are case-insensitive)");
      }
    }
    return true;
  }

  bool readServices(const JsonValue& list) {
    if (!expectArray(list, "services")) {
      return false;
    }
    // Place every service first: children point back at their service.
    struct Pending {
      std::string prefix;
      const JsonValue* value;
      rapidjson::SizeType index;
    };
    std::vector<Pending> pending;
    pending.reserve(list.Size());
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string path = "services[" + std::to_string(i) + "]";
      if (!list[i].IsObject()) {
        return fail(path, "expected an object");
      }
      std::string prefix;
      if (!readString(list[i], "prefix", path, &prefix)) {
        return false;
      }
      if (prefix.find_first_of(":*? ") != std::string::npos) {
        return fail(path, "bad service prefix \"" + prefix + "\"");
      }
      pending.push_back(Pending{std::move(prefix), &list[i], i});
    }
    std::sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
      return lessIgnoreCase(a.prefix, b.prefix);
    });
    for (std::size_t i = 1; i < pending.size(); ++i) {
      if (compareIgnoreCase(pending[i - 1].prefix, pending[i].prefix) == 0) {
        return fail("services", "service \"" + pending[i].prefix + "\" is listed twice");
      }
    }
    data_->services_.resize(pending.size());
    for (std::size_t i = 0; i < pending.size(); ++i) {
      ServiceInfo& service = data_->services_[i];
      service.prefix = std::move(pending[i].prefix);
      const std::string path =
          "services[" + std::to_string(pending[i].index) + "] (" + service.prefix + ")";
      if (!readService(*pending[i].value, path, &service)) {
        return false;
      }
    }
    return true;
  }

  // The key `name` as `service` lists it, else the global key; nullptr (and an error) if neither.
  const ConditionKeyInfo* resolveKey(const ServiceInfo& service, const JsonValue& name,
                                     const std::string& path) {
    if (!expectString(name, path)) {
      return nullptr;
    }
    const std::string_view text = viewOf(name);
    const ConditionKeyInfo* key = findByName(service.conditionKeys, text);
    if (key == nullptr) {
      key = findByName(data_->globalKeys_, text);
    }
    if (key == nullptr) {
      fail(path, "condition key \"" + std::string(text) + "\" is not defined by the service");
    }
    return key;
  }

  bool resolveKeyList(const ServiceInfo& service, const JsonValue& list, const std::string& path,
                      std::vector<const ConditionKeyInfo*>* out) {
    if (!expectArray(list, path)) {
      return false;
    }
    out->reserve(list.Size());
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const ConditionKeyInfo* key =
          resolveKey(service, list[i], path + "[" + std::to_string(i) + "]");
      if (key == nullptr) {
        return false;
      }
      out->push_back(key);
    }
    sortKeys(out);
    return true;
  }

  static void sortKeys(std::vector<const ConditionKeyInfo*>* keys) {
    std::sort(keys->begin(), keys->end(), [](const ConditionKeyInfo* a, const ConditionKeyInfo* b) {
      return a->lowerName_ < b->lowerName_;
    });
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
  }

  bool readService(const JsonValue& object, const std::string& path, ServiceInfo* service) {
    if (!readString(object, "name", path, &service->name)) {
      return false;
    }
    const JsonValue* keys = member(object, "conditionKeys", path);
    const JsonValue* types = keys == nullptr ? nullptr : member(object, "resourceTypes", path);
    const JsonValue* actions = types == nullptr ? nullptr : member(object, "actions", path);
    return actions != nullptr && readServiceKeys(*keys, path + ".conditionKeys", service) &&
           readResourceTypes(*types, path + ".resourceTypes", service) &&
           readActions(*actions, path + ".actions", service);
  }

  bool readServiceKeys(const JsonValue& list, const std::string& path, ServiceInfo* service) {
    if (!expectArray(list, path)) {
      return false;
    }
    service->conditionKeys.resize(list.Size());
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string itemPath = path + "[" + std::to_string(i) + "]";
      const JsonValue& entry = list[i];
      ConditionKeyInfo& key = service->conditionKeys[i];
      if (!expectArray(entry, itemPath, 2) || !expectString(entry[0], itemPath + "[0]") ||
          !expectString(entry[1], itemPath + "[1]") ||
          !setKeyName(viewOf(entry[0]), itemPath, &key) ||
          !parseType(viewOf(entry[1]), itemPath, &key)) {
        return false;
      }
      key.service = service;
    }
    return sortUnique(&service->conditionKeys, path, "condition key");
  }

  bool readResourceTypes(const JsonValue& list, const std::string& path, ServiceInfo* service) {
    if (!expectArray(list, path)) {
      return false;
    }
    service->resourceTypes.resize(list.Size());
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string itemPath = path + "[" + std::to_string(i) + "]";
      const JsonValue& entry = list[i];
      ResourceTypeInfo& type = service->resourceTypes[i];
      if (!expectArray(entry, itemPath, 3) || !expectString(entry[0], itemPath + "[0]") ||
          !expectArray(entry[1], itemPath + "[1]")) {
        return false;
      }
      type.name.assign(viewOf(entry[0]));
      type.service = service;
      const JsonValue& formats = entry[1];
      type.arnFormats.reserve(formats.Size());
      for (rapidjson::SizeType f = 0; f < formats.Size(); ++f) {
        if (!expectString(formats[f], itemPath + "[1][" + std::to_string(f) + "]")) {
          return false;
        }
        type.arnFormats.emplace_back(viewOf(formats[f]));
      }
      if (!resolveKeyList(*service, entry[2], itemPath + "[2]", &type.conditionKeys)) {
        return false;
      }
    }
    return sortUnique(&service->resourceTypes, path, "resource type");
  }

  static AccessLevel accessLevelOf(std::string_view code, bool* ok) {
    *ok = true;
    if (code == "L") {
      return AccessLevel::List;
    }
    if (code == "R") {
      return AccessLevel::Read;
    }
    if (code == "W") {
      return AccessLevel::Write;
    }
    if (code == "P") {
      return AccessLevel::PermissionsManagement;
    }
    if (code == "T") {
      return AccessLevel::Tagging;
    }
    *ok = false;
    return AccessLevel::Write;
  }

  bool readActions(const JsonValue& list, const std::string& path, ServiceInfo* service) {
    if (!expectArray(list, path)) {
      return false;
    }
    service->actions.resize(list.Size());
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string itemPath = path + "[" + std::to_string(i) + "]";
      const JsonValue& entry = list[i];
      ActionInfo& action = service->actions[i];
      if (!expectArray(entry, itemPath, 4) || !expectString(entry[0], itemPath + "[0]") ||
          !expectString(entry[1], itemPath + "[1]") || !expectArray(entry[2], itemPath + "[2]")) {
        return false;
      }
      action.name.assign(viewOf(entry[0]));
      if (action.name.find_first_of(":*? ") != std::string::npos) {
        return fail(itemPath, "bad action name \"" + action.name + "\"");
      }
      action.fullName = service->prefix + ":" + action.name;
      action.service = service;
      bool ok = false;
      action.accessLevel = accessLevelOf(viewOf(entry[1]), &ok);
      if (!ok) {
        return fail(itemPath + "[1]", "unknown access level \"" + std::string(viewOf(entry[1])) +
                                          "\" (expected L, R, W, P or T)");
      }
      const JsonValue& rows = entry[2];
      action.resourceTypes.reserve(rows.Size());
      for (rapidjson::SizeType r = 0; r < rows.Size(); ++r) {
        const std::string rowPath = itemPath + "[2][" + std::to_string(r) + "]";
        if (!expectString(rows[r], rowPath)) {
          return false;
        }
        std::string_view typeName = viewOf(rows[r]);
        const bool required = typeName.back() == '*';
        if (required) {
          typeName.remove_suffix(1);
        }
        const ResourceTypeInfo* type = service->findResourceType(typeName);
        if (type == nullptr) {
          return fail(rowPath, "resource type \"" + std::string(typeName) +
                                   "\" is not defined by the service");
        }
        action.resourceTypes.push_back(ActionResourceType{type, required});
      }
      if (!resolveKeyList(*service, entry[3], itemPath + "[3]", &action.ownConditionKeys)) {
        return false;
      }
      action.conditionKeys = action.ownConditionKeys;
      for (const ActionResourceType& row : action.resourceTypes) {
        action.conditionKeys.insert(action.conditionKeys.end(),
                                    row.resourceType->conditionKeys.begin(),
                                    row.resourceType->conditionKeys.end());
      }
      sortKeys(&action.conditionKeys);
    }
    return sortUnique(&service->actions, path, "action");
  }

  // allActions_, the lower-case names and the condition key indexes.
  void buildIndexes() {
    IamData& d = *data_;
    std::size_t total = 0;
    for (const ServiceInfo& s : d.services_) {
      total += s.actions.size();
    }
    d.allActions_.reserve(total);
    d.allActionsLower_.reserve(total);
    d.serviceActionStart_.reserve(d.services_.size());
    for (const ServiceInfo& s : d.services_) {
      d.serviceActionStart_.push_back(d.allActions_.size());
      for (const ActionInfo& a : s.actions) {
        d.allActions_.push_back(&a);
        d.allActionsLower_.push_back(toLower(a.fullName));
      }
    }

    // Canonical definition per name: the global key, else the service named by the key's
    // prefix, else the first service (by prefix) listing it.
    std::vector<IamData::KeyIndexEntry> entries;
    for (const ConditionKeyInfo& k : d.globalKeys_) {
      entries.push_back({k.lowerName_, &k, 0});
    }
    for (const ServiceInfo& s : d.services_) {
      const std::string ownPrefix = toLower(s.prefix) + ":";
      for (const ConditionKeyInfo& k : s.conditionKeys) {
        const int rank = k.lowerName_.compare(0, ownPrefix.size(), ownPrefix) == 0 ? 1 : 2;
        entries.push_back({k.lowerName_, &k, rank});
      }
    }
    // Stable: within one rank, services keep their prefix order.
    std::stable_sort(entries.begin(), entries.end(),
                     [](const IamData::KeyIndexEntry& a, const IamData::KeyIndexEntry& b) {
                       return a.lowerName != b.lowerName ? a.lowerName < b.lowerName
                                                         : a.rank < b.rank;
                     });
    for (IamData::KeyIndexEntry& e : entries) {
      if (!d.exactKeys_.empty() && d.exactKeys_.back().lowerName == e.lowerName) {
        continue;
      }
      if (e.key->isPattern_) {
        d.patternKeys_.push_back(e.key);
      }
      d.exactKeys_.push_back(std::move(e));
    }
  }

  std::string_view text_;
  const std::string& name_;
  std::unique_ptr<IamData> data_;
  Status status_;
};

Result<std::shared_ptr<const IamData>> loadIamData(std::string_view text, const std::string& name) {
  return IamDataLoader(text, name).load();
}

Result<std::shared_ptr<const IamData>> loadIamDataFile(const std::string& path) {
  if (path.empty()) {
    return Status::notFound(
        "no IAM data file given, and this build has no default (POLICYSIM_IAM_DATA_PATH)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::notFound("cannot read IAM data file: " + std::string(std::strerror(errno)),
                            SourceLocation{path, 0, 0});
  }
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      return Status::resourceExhausted(
          "IAM data file is over the limit of " + std::to_string(kMaxFileBytes) + " bytes",
          SourceLocation{path, 0, 0});
    }
  }
  if (in.bad()) {
    return Status::notFound("error reading IAM data file", SourceLocation{path, 0, 0});
  }
  return loadIamData(text, path);
}

std::string defaultIamDataPath() {
#ifdef POLICYSIM_IAM_DATA_PATH
  return POLICYSIM_IAM_DATA_PATH;
#else
  return {};
#endif
}

}  // namespace policysim::engine
