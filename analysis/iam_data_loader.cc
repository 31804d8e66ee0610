// Loading data/iam-data.json into an immutable IamData (its queries: analysis/iam_data.cc).
//
// Loading is one pass of RapidJSON's SAX reader straight into the final tables (see
// IamDataLoader); names and arrays live in an arena owned by the IamData, so the views, spans
// and pointers it hands out never move. Names compare by ASCII case folding; lookups are binary
// searches over sorted vectors, condition key patterns are WildcardPatterns with each ${...}
// placeholder compiled to "?*". Cost: linear in the file plus the sorting of each action's key
// union; the shipped snapshot (~2 MB, 22k actions) loads in about 15-40 ms of CPU time
// (tests/analysis/iam_data_test.cc checks < 100 ms).
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <type_traits>

#include "analysis/iam_data.h"
#include "analysis/internal/iam_data_lookup.h"
#include "engine/file_reader.h"
#include "engine/internal/arena.h"
#include "engine/source_location.h"
#include "grammar/ascii.h"

namespace policysim::analysis {

namespace fs = std::filesystem;
constexpr const char* kDataFileName = "iam-data.json";

using namespace policysim::engine;  // NOLINT(google-build-using-namespace): the core vocabulary
namespace {

constexpr std::string_view kFormat = "policysim-iam-data";
constexpr int kFormatVersion = 1;

using grammar::compareIgnoreAsciiCase;
using grammar::toLowerAscii;
using internal::findByName;
using internal::lessIgnoreCase;

}  // namespace

// A lower-cased copy of text in the snapshot's arena (engine/internal/arena.h: the strings and
// arrays the loaded IamData hands out live there).
std::string_view storeLower(engine::internal::Arena* arena, std::string_view text) {
  if (text.empty()) {
    return {};
  }
  auto* out = static_cast<char*>(arena->allocate(text.size(), 1));
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    out[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return {out, text.size()};
}

class IamDataLoader : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, IamDataLoader> {
 public:
  IamDataLoader(std::string_view text, const std::string& name)
      : text_(text), name_(name), stream_(text.data(), text.size()) {}

  Result<std::shared_ptr<const IamData>> load() {
    // A NUL byte is never valid JSON; RapidJSON's streams would take it for the end.
    if (const std::size_t nul = text_.find('\0'); nul != std::string_view::npos) {
      return Status::invalidArgument("invalid IAM data file: invalid JSON: NUL byte in input",
                                     LineIndex(name_, text_).locate(nul));
    }
    data_.reset(new IamData());
    data_->arena_ = std::make_unique<engine::internal::Arena>();
    arena_ = data_->arena_.get();
    data_->name_ = name_;
    rapidjson::Reader reader;
    constexpr unsigned kFlags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    const rapidjson::ParseResult result = reader.Parse<kFlags>(stream_, *this);
    if (!status_.ok()) {
      return status_;
    }
    if (result.IsError()) {
      return Status::invalidArgument(std::string("invalid IAM data file: invalid JSON: ") +
                                         rapidjson::GetParseError_En(result.Code()),
                                     LineIndex(name_, text_).locate(result.Offset()));
    }
    finish();
    return std::shared_ptr<const IamData>(std::move(data_));
  }

  // RapidJSON SAX events.
  bool Null() { return scalar(Token::Other); }
  bool Bool(bool /*b*/) { return scalar(Token::Other); }
  bool Int(int i) { return integer(i); }
  bool Uint(unsigned u) { return integer(u); }
  bool Int64(std::int64_t i) { return integer(i); }
  bool Uint64(std::uint64_t u) {
    return integer(u <= INT64_MAX ? static_cast<std::int64_t>(u) : -1);
  }
  bool Double(double /*d*/) { return scalar(Token::Other); }
  bool String(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    string_ = std::string_view(str, length);
    return scalar(Token::String);
  }
  // RapidJSON calls these before taking the bracket: the token ends one byte later.
  bool StartObject() { return done(value(Token::Object), 1); }
  bool StartArray() { return done(value(Token::Array), 1); }
  bool EndObject(rapidjson::SizeType /*count*/) { return done(end(), 1); }
  bool EndArray(rapidjson::SizeType /*count*/) { return done(end(), 1); }
  bool Key(const char* str, rapidjson::SizeType length, bool /*copy*/) {
    return done(key(std::string_view(str, length)));
  }

 private:
  enum class Token : std::uint8_t { String, Integer, Other, Object, Array };
  enum class Kind : std::uint8_t {
    Document,  // before the root value
    Root,
    Source,
    Skip,  // a value this policysim does not read (counts, notes, future fields)
    GlobalKeys,
    GlobalKey,
    Services,
    Service,
    ServiceKeys,
    ServiceKey,
    ResourceTypes,
    ResourceType,
    ArnFormats,
    KeyRefs,
    Actions,
    Action,
    Rows,
  };
  enum class Member : std::uint8_t {
    None,
    Unknown,
    Format,
    FormatVersion,
    Source,
    GeneratedAt,
    GlobalKeys,
    Services,
    Package,
    Version,
    UpdatedAt,
    Prefix,
    Name,
    ConditionKeys,
    ResourceTypes,
    Actions,
  };
  struct Frame {
    Kind kind;
    Member member = Member::None;  // objects: the member whose value comes next
    std::uint32_t index = 0;       // arrays: elements seen so far
    std::uint32_t seen = 0;        // objects: bit per Member read
  };

  static constexpr std::uint32_t bit(Member m) { return 1U << static_cast<unsigned>(m); }

  // ---- errors ----

  // Start of the token being handled: RapidJSON reports positions after tokens, so skip the
  // separators after the previous one.
  std::size_t tokenStart() const {
    std::size_t pos = lastEnd_;
    while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\t' || text_[pos] == '\n' ||
                                  text_[pos] == '\r' || text_[pos] == ',' || text_[pos] == ':')) {
      ++pos;
    }
    return pos;
  }

  bool fail(const std::string& message) {
    if (status_.ok()) {
      status_ = Status::invalidArgument("invalid IAM data file: " + message,
                                        LineIndex(name_, text_).locate(tokenStart()));
    }
    return false;
  }

  // Records where the token just handled ends (`pending` bytes not yet taken by RapidJSON).
  bool done(bool ok, std::size_t pending = 0) {
    lastEnd_ = stream_.Tell() + pending;
    return ok;
  }

  static const char* describe(Token token) {
    switch (token) {
      case Token::String:
        return "a string";
      case Token::Integer:
      case Token::Other:
        return "a number, boolean or null";
      case Token::Object:
        return "an object";
      case Token::Array:
        return "an array";
    }
    return "a value";
  }

  bool expect(Token token, Token wanted, const char* what) {
    if (token == wanted) {
      return true;
    }
    return fail(std::string("expected ") + describe(wanted) + " (" + what + "), found " +
                describe(token));
  }

  // The entry whose table refers to an unknown name: `action "s3:GetObject"`.
  // REQUIRES: inside a service.
  std::string context() const {
    const ServiceInfo& service = data_->services_.back();
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      if (it->kind == Kind::Action) {
        return "action \"" + std::string(service.actions.back().fullName) + "\"";
      }
      if (it->kind == Kind::ResourceType) {
        return "resource type \"" + std::string(service.resourceTypes.back().name) +
               "\" of service \"" + std::string(service.prefix) + "\"";
      }
    }
    return "service \"" + std::string(service.prefix) + "\"";
  }

  // Tables are sorted by lower-case name without repeats; `previous` is empty for the first.
  bool checkOrder(std::string_view previous, std::string_view current, bool first,
                  const char* what) {
    if (first) {
      return true;
    }
    const int order = compareIgnoreAsciiCase(previous, current);
    if (order == 0) {
      return fail(std::string(what) + " \"" + std::string(current) +
                  "\" is listed twice (names are case-insensitive)");
    }
    if (order > 0) {
      return fail(std::string(what) + " \"" + std::string(current) + "\" comes after \"" +
                  std::string(previous) + "\" (tables are sorted by lower-case name)");
    }
    return true;
  }

  // ---- events ----

  bool integer(std::int64_t n) {
    number_ = n;
    return scalar(Token::Integer);
  }

  bool scalar(Token token) { return done(value(token)); }

  bool key(std::string_view name) {
    Frame& frame = frames_.back();
    Member m = Member::Unknown;
    switch (frame.kind) {
      case Kind::Root:
        m = name == "format"                ? Member::Format
            : name == "formatVersion"       ? Member::FormatVersion
            : name == "source"              ? Member::Source
            : name == "generatedAt"         ? Member::GeneratedAt
            : name == "globalConditionKeys" ? Member::GlobalKeys
            : name == "services"            ? Member::Services
                                            : Member::Unknown;
        break;
      case Kind::Source:
        m = name == "package"     ? Member::Package
            : name == "version"   ? Member::Version
            : name == "updatedAt" ? Member::UpdatedAt
                                  : Member::Unknown;
        break;
      case Kind::Service:
        m = name == "prefix"          ? Member::Prefix
            : name == "name"          ? Member::Name
            : name == "conditionKeys" ? Member::ConditionKeys
            : name == "resourceTypes" ? Member::ResourceTypes
            : name == "actions"       ? Member::Actions
                                      : Member::Unknown;
        break;
      default:
        break;  // Skip
    }
    if (m != Member::Unknown && (frame.seen & bit(m)) != 0) {
      return fail("\"" + std::string(name) + "\" is given twice");
    }
    frame.member = m;
    return true;
  }

  bool push(Kind kind) {
    frames_.push_back(Frame{kind});
    return true;
  }

  // A value (scalar or the start of a container) at the current position.
  bool value(Token token) {
    if (frames_.empty()) {
      return expect(token, Token::Object, "the snapshot") && push(Kind::Root);
    }
    Frame& frame = frames_.back();
    const std::uint32_t index = frame.index++;
    if (frame.member != Member::None && frame.member != Member::Unknown) {
      frame.seen |= bit(frame.member);
    }
    switch (frame.kind) {
      case Kind::Document:
        return fail("unexpected value");
      case Kind::Skip:
        return (token == Token::Object || token == Token::Array) ? push(Kind::Skip) : true;
      case Kind::Root:
        return rootMember(frame, token);
      case Kind::Source:
        return sourceMember(frame.member, token);
      case Kind::GlobalKeys:
        if (!expect(token, Token::Array, "[name, type, category]")) {
          return false;
        }
        data_->globalKeys_.emplace_back().global = true;
        return push(Kind::GlobalKey);
      case Kind::GlobalKey:
        return keyElement(index, token, true, &data_->globalKeys_.back());
      case Kind::Services:
        return startService(token);
      case Kind::Service:
        return serviceMember(frame, token);
      case Kind::ServiceKeys:
        if (!expect(token, Token::Array, "[name, type]")) {
          return false;
        }
        data_->services_.back().conditionKeys.emplace_back();
        return push(Kind::ServiceKey);
      case Kind::ServiceKey:
        return keyElement(index, token, false, &data_->services_.back().conditionKeys.back());
      case Kind::ResourceTypes:
        if (!expect(token, Token::Array, "[name, ARN formats, condition keys]")) {
          return false;
        }
        data_->services_.back().resourceTypes.emplace_back();
        return push(Kind::ResourceType);
      case Kind::ResourceType:
        return resourceTypeElement(index, token);
      case Kind::ArnFormats:
        if (!expect(token, Token::String, "an ARN format")) {
          return false;
        }
        formats_.push_back(arena_->store(string_));
        return true;
      case Kind::KeyRefs:
        return keyRef(token);
      case Kind::Actions:
        if (!expect(token, Token::Array, "[name, access level, resource types, condition keys]")) {
          return false;
        }
        data_->services_.back().actions.emplace_back();
        return push(Kind::Action);
      case Kind::Action:
        return actionElement(index, token);
      case Kind::Rows:
        return row(token);
    }
    return fail("unexpected value");
  }

  bool rootMember(Frame& frame, Token token) {
    switch (frame.member) {
      case Member::Format:
        if (!expect(token, Token::String, "\"format\"")) {
          return false;
        }
        if (string_ != kFormat) {
          return fail("not a policysim IAM data file (\"format\" is \"" + std::string(string_) +
                      "\", expected \"" + std::string(kFormat) + "\")");
        }
        return true;
      case Member::FormatVersion:
        if (token != Token::Integer || number_ != kFormatVersion) {
          return fail("unsupported \"formatVersion\" (this policysim reads version " +
                      std::to_string(kFormatVersion) + ")");
        }
        return true;
      case Member::Source:
        return expect(token, Token::Object, "\"source\"") && push(Kind::Source);
      case Member::GeneratedAt:
        if (!expect(token, Token::String, "\"generatedAt\"")) {
          return false;
        }
        data_->source_.generatedAt.assign(string_);
        return true;
      case Member::GlobalKeys:
      case Member::Services: {
        const std::uint32_t first = bit(Member::Format) | bit(Member::FormatVersion);
        if ((frame.seen & first) != first) {
          return fail("\"format\" and \"formatVersion\" must come before the tables");
        }
        if (frame.member == Member::GlobalKeys) {
          return expect(token, Token::Array, "\"globalConditionKeys\"") && push(Kind::GlobalKeys);
        }
        if ((frame.seen & bit(Member::GlobalKeys)) == 0) {
          return fail("\"globalConditionKeys\" must come before \"services\"");
        }
        return expect(token, Token::Array, "\"services\"") && push(Kind::Services);
      }
      default:
        return (token == Token::Object || token == Token::Array) ? push(Kind::Skip) : true;
    }
  }

  bool sourceMember(Member member, Token token) {
    std::string* out = member == Member::Package     ? &data_->source_.package
                       : member == Member::Version   ? &data_->source_.version
                       : member == Member::UpdatedAt ? &data_->source_.updatedAt
                                                     : nullptr;
    if (out == nullptr) {
      return (token == Token::Object || token == Token::Array) ? push(Kind::Skip) : true;
    }
    if (!expect(token, Token::String, "source information") || !nonEmpty("source information")) {
      return false;
    }
    out->assign(string_);
    return true;
  }

  bool nonEmpty(const char* what) {
    return !string_.empty() || fail(std::string("empty string (") + what + ")");
  }

  bool startService(Token token) {
    if (!expect(token, Token::Object, "a service")) {
      return false;
    }
    data_->services_.emplace_back();
    return push(Kind::Service);
  }

  bool serviceMember(Frame& frame, Token token) {
    ServiceInfo& service = data_->services_.back();
    switch (frame.member) {
      case Member::Prefix: {
        if (!expect(token, Token::String, "the service prefix") || !nonEmpty("service prefix")) {
          return false;
        }
        if (string_.find_first_of(":*? ") != std::string_view::npos) {
          return fail("bad service prefix \"" + std::string(string_) + "\"");
        }
        const auto& services = data_->services_;
        if (!checkOrder(services.size() > 1 ? services[services.size() - 2].prefix : "", string_,
                        services.size() == 1, "service")) {
          return false;
        }
        service.prefix = arena_->store(string_);
        return true;
      }
      case Member::Name:
        if (!expect(token, Token::String, "the service name")) {
          return false;
        }
        service.name = arena_->store(string_);
        return true;
      case Member::ConditionKeys:
      case Member::ResourceTypes:
      case Member::Actions: {
        // Each table refers only to the ones before it.
        const std::uint32_t needed =
            frame.member == Member::ConditionKeys ? bit(Member::Prefix)
            : frame.member == Member::ResourceTypes
                ? bit(Member::Prefix) | bit(Member::ConditionKeys)
                : bit(Member::Prefix) | bit(Member::ConditionKeys) | bit(Member::ResourceTypes);
        if ((frame.seen & needed) != needed) {
          return fail(
              "in a service, \"prefix\", \"conditionKeys\", \"resourceTypes\" and \"actions\" "
              "must come in this order");
        }
        const Kind kind = frame.member == Member::ConditionKeys   ? Kind::ServiceKeys
                          : frame.member == Member::ResourceTypes ? Kind::ResourceTypes
                                                                  : Kind::Actions;
        return expect(token, Token::Array, "a table") && push(kind);
      }
      default:
        return (token == Token::Object || token == Token::Array) ? push(Kind::Skip) : true;
    }
  }

  // [name, type] in a service; [name, type, category] among the global keys.
  bool keyElement(std::uint32_t index, Token token, bool global, ConditionKeyInfo* key) {
    if (index > (global ? 2U : 1U)) {
      return fail(global ? "expected [name, type, category]" : "expected [name, type]");
    }
    if (!expect(token, Token::String,
                index == 0   ? "a condition key name"
                : index == 1 ? "a condition key type"
                             : "a key category")) {
      return false;
    }
    if (index == 0) {
      return nonEmpty("condition key name") && setKeyName(string_, key);
    }
    if (index == 1) {
      return parseType(string_, key);
    }
    key->category = arena_->store(string_);
    return true;
  }

  // "String", "ArrayOfARN", "Date|Numeric" -> type, mask and multivalued.
  bool parseType(std::string_view text, ConditionKeyInfo* key) {
    const std::string_view whole = text;
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
            return fail("type \"" + std::string(whole) + "\" mixes single and multivalued");
          }
          key->typeMask_ = static_cast<std::uint8_t>(key->typeMask_ | (1U << t));
          known = true;
        }
      }
      if (!known) {
        return fail("unknown condition key type \"" + std::string(part) + "\" for \"" +
                    std::string(key->name) + "\"");
      }
      first = false;
      if (bar == std::string_view::npos) {
        return true;
      }
      text.remove_prefix(bar + 1);
    }
  }

  // Fills name, lowerName_, isPattern_, literalLength_ and pattern_ from a key name.
  bool setKeyName(std::string_view name, ConditionKeyInfo* key) {
    if (name.find(':') == std::string_view::npos || name.front() == ':') {
      return fail("condition key \"" + std::string(name) + "\" has no service prefix");
    }
    key->name = arena_->store(name);
    key->lowerName_ = storeLower(arena_, name);
    const std::string_view lower = key->lowerName_;
    std::size_t pos = 0;
    while (pos < lower.size()) {
      const std::size_t open = lower.find("${", pos);
      const std::string_view literal = lower.substr(pos, open - pos);
      key->literalLength_ += literal.size();
      if (open == std::string_view::npos) {
        if (key->isPattern_) {
          key->pattern_.appendLiteral(literal);
        }
        break;
      }
      const std::size_t close = lower.find('}', open + 2);
      if (close == std::string_view::npos || close == open + 2 ||
          lower.substr(open + 2, close - open - 2).find('$') != std::string_view::npos) {
        return fail("bad placeholder in condition key \"" + std::string(name) + "\"");
      }
      key->isPattern_ = true;  // the text before the first placeholder is `literal`
      key->pattern_.appendLiteral(literal);
      key->pattern_.appendGlob("?*");
      pos = close + 1;
    }
    return true;
  }

  bool resourceTypeElement(std::uint32_t index, Token token) {
    ResourceTypeInfo& type = data_->services_.back().resourceTypes.back();
    switch (index) {
      case 0:
        if (!expect(token, Token::String, "a resource type name") ||
            !nonEmpty("resource type name")) {
          return false;
        }
        type.name = arena_->store(string_);
        return true;
      case 1:
        formats_.clear();
        return expect(token, Token::Array, "ARN formats") && push(Kind::ArnFormats);
      case 2:
        keys_.clear();
        return expect(token, Token::Array, "condition keys") && push(Kind::KeyRefs);
      default:
        return fail("expected [name, ARN formats, condition keys]");
    }
  }

  bool actionElement(std::uint32_t index, Token token) {
    ServiceInfo& service = data_->services_.back();
    ActionInfo& action = service.actions.back();
    switch (index) {
      case 0: {
        if (!expect(token, Token::String, "an action name") || !nonEmpty("action name")) {
          return false;
        }
        if (string_.find_first_of(":*? ") != std::string_view::npos) {
          return fail("bad action name \"" + std::string(string_) + "\"");
        }
        // fullName is "prefix:Name" in the arena; name is its tail.
        const std::size_t prefixSize = service.prefix.size();
        const std::size_t size = prefixSize + 1 + string_.size();
        auto* text = static_cast<char*>(arena_->allocate(size, 1));
        std::copy(service.prefix.begin(), service.prefix.end(), text);
        text[prefixSize] = ':';
        std::copy(string_.begin(), string_.end(), text + prefixSize + 1);
        action.fullName = std::string_view(text, size);
        action.name = action.fullName.substr(prefixSize + 1);
        const auto& actions = service.actions;
        return checkOrder(actions.size() > 1 ? actions[actions.size() - 2].name : "", action.name,
                          actions.size() == 1, "action");
      }
      case 1:
        if (!expect(token, Token::String, "an access level")) {
          return false;
        }
        if (!accessLevelOf(string_, &action.accessLevel)) {
          return fail("unknown access level \"" + std::string(string_) +
                      "\" (expected L, R, W, P or T)");
        }
        return true;
      case 2:
        rows_.clear();
        return expect(token, Token::Array, "resource types") && push(Kind::Rows);
      case 3:
        keys_.clear();
        return expect(token, Token::Array, "condition keys") && push(Kind::KeyRefs);
      default:
        return fail("expected [name, access level, resource types, condition keys]");
    }
  }

  static bool accessLevelOf(std::string_view code, AccessLevel* level) {
    if (code.size() != 1) {
      return false;
    }
    switch (code[0]) {
      case 'L':
        *level = AccessLevel::List;
        return true;
      case 'R':
        *level = AccessLevel::Read;
        return true;
      case 'W':
        *level = AccessLevel::Write;
        return true;
      case 'P':
        *level = AccessLevel::PermissionsManagement;
        return true;
      case 'T':
        *level = AccessLevel::Tagging;
        return true;
      default:
        return false;
    }
  }

  // A resource type of an action: its name, with '*' appended when required.
  bool row(Token token) {
    if (!expect(token, Token::String, "a resource type name") || !nonEmpty("resource type")) {
      return false;
    }
    std::string_view typeName = string_;
    const bool required = typeName.back() == '*';
    if (required) {
      typeName.remove_suffix(1);
    }
    const ServiceInfo& service = data_->services_.back();
    const ResourceTypeInfo* type = findByName(service.resourceTypes, typeName);
    if (type == nullptr) {
      return fail(context() + ": resource type \"" + std::string(typeName) +
                  "\" is not defined by the service");
    }
    rows_.push_back(ActionResourceType{type, required});
    return true;
  }

  // A condition key named by a resource type or an action: the service's listing, else the
  // global key.
  bool keyRef(Token token) {
    if (!expect(token, Token::String, "a condition key name")) {
      return false;
    }
    const ConditionKeyInfo* key = findByName(data_->services_.back().conditionKeys, string_);
    if (key == nullptr) {
      key = findByName(data_->globalKeys_, string_);
    }
    if (key == nullptr) {
      return fail(context() + ": condition key \"" + std::string(string_) +
                  "\" is not defined by the service");
    }
    keys_.push_back(key);
    return true;
  }

  static void sortKeys(std::vector<const ConditionKeyInfo*>* keys) {
    const auto less = [](const ConditionKeyInfo* a, const ConditionKeyInfo* b) {
      return a->lowerName_ < b->lowerName_;
    };
    if (!std::is_sorted(keys->begin(), keys->end(), less)) {
      std::sort(keys->begin(), keys->end(), less);
    }
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
  }

  // The end of the innermost object or array.
  bool end() {
    const Frame frame = frames_.back();
    frames_.pop_back();
    const auto missing = [&](std::uint32_t required, const char* what) {
      return (frame.seen & required) == required || fail(std::string("missing ") + what);
    };
    switch (frame.kind) {
      case Kind::Root:
        frames_.push_back(Frame{Kind::Document});  // nothing may follow
        return missing(bit(Member::Format) | bit(Member::FormatVersion) | bit(Member::Source) |
                           bit(Member::GeneratedAt) | bit(Member::GlobalKeys) |
                           bit(Member::Services),
                       "\"format\", \"formatVersion\", \"source\", \"generatedAt\", "
                       "\"globalConditionKeys\" or \"services\"");
      case Kind::Source:
        return missing(bit(Member::Package) | bit(Member::Version) | bit(Member::UpdatedAt),
                       "\"package\", \"version\" or \"updatedAt\" in \"source\"");
      case Kind::GlobalKey: {
        if (frame.index != 3) {
          return fail("expected [name, type, category]");
        }
        const auto& keys = data_->globalKeys_;
        return checkOrder(keys.size() > 1 ? keys[keys.size() - 2].name : "", keys.back().name,
                          keys.size() == 1, "global condition key");
      }
      case Kind::Service:
        return missing(bit(Member::Prefix) | bit(Member::Name) | bit(Member::ConditionKeys) |
                           bit(Member::ResourceTypes) | bit(Member::Actions),
                       "\"prefix\", \"name\", \"conditionKeys\", \"resourceTypes\" or "
                       "\"actions\" in a service");
      case Kind::ServiceKey: {
        if (frame.index != 2) {
          return fail("expected [name, type]");
        }
        const auto& keys = data_->services_.back().conditionKeys;
        return checkOrder(keys.size() > 1 ? keys[keys.size() - 2].name : "", keys.back().name,
                          keys.size() == 1, "condition key");
      }
      case Kind::ResourceType: {
        if (frame.index != 3) {
          return fail("expected [name, ARN formats, condition keys]");
        }
        const auto& types = data_->services_.back().resourceTypes;
        return checkOrder(types.size() > 1 ? types[types.size() - 2].name : "", types.back().name,
                          types.size() == 1, "resource type");
      }
      case Kind::ArnFormats:
        data_->services_.back().resourceTypes.back().arnFormats =
            arena_->copy(std::span(std::as_const(formats_)));
        return true;
      case Kind::Rows:
        data_->services_.back().actions.back().resourceTypes =
            arena_->copy(std::span(std::as_const(rows_)));
        return true;
      case Kind::KeyRefs:
        return endKeyRefs();
      case Kind::Action:
        return frame.index == 4 ||
               fail("expected [name, access level, resource types, condition keys]");
      default:
        return true;
    }
  }

  // The keys of a resource type, or an action's own keys and then its allowed keys: own keys
  // plus those of its resource types.
  bool endKeyRefs() {
    ServiceInfo& service = data_->services_.back();
    sortKeys(&keys_);
    if (frames_.back().kind == Kind::ResourceType) {
      service.resourceTypes.back().conditionKeys = arena_->copy(std::span(std::as_const(keys_)));
      return true;
    }
    ActionInfo& action = service.actions.back();
    action.ownConditionKeys = arena_->copy(std::span(std::as_const(keys_)));
    bool more = false;
    for (const ActionResourceType& r : action.resourceTypes) {
      keys_.insert(keys_.end(), r.resourceType->conditionKeys.begin(),
                   r.resourceType->conditionKeys.end());
      more = more || !r.resourceType->conditionKeys.empty();
    }
    if (more) {
      sortKeys(&keys_);
      action.conditionKeys = arena_->copy(std::span(std::as_const(keys_)));
    } else {
      action.conditionKeys = action.ownConditionKeys;
    }
    return true;
  }

  // Back-pointers (services may have moved while the table grew) and the indexes.
  void finish() {
    IamData& d = *data_;
    std::size_t total = 0;
    for (ServiceInfo& s : d.services_) {
      total += s.actions.size();
      for (ConditionKeyInfo& k : s.conditionKeys) {
        k.service = &s;
      }
      for (ResourceTypeInfo& t : s.resourceTypes) {
        t.service = &s;
      }
      for (ActionInfo& a : s.actions) {
        a.service = &s;
      }
    }
    d.allActions_.reserve(total);
    d.allActionsLower_.reserve(total);
    d.serviceActionStart_.reserve(d.services_.size());
    for (const ServiceInfo& s : d.services_) {
      d.serviceActionStart_.push_back(d.allActions_.size());
      for (const ActionInfo& a : s.actions) {
        d.allActions_.push_back(&a);
        d.allActionsLower_.push_back(storeLower(arena_, a.fullName));
      }
    }

    // Canonical definition per name: the global key, else the service named by the key's
    // prefix, else the first service (by prefix) listing it.
    std::vector<IamData::KeyIndexEntry> entries;
    for (const ConditionKeyInfo& k : d.globalKeys_) {
      entries.push_back({k.lowerName_, &k, 0});
    }
    for (const ServiceInfo& s : d.services_) {
      const std::string ownPrefix = toLowerAscii(s.prefix) + ":";
      for (const ConditionKeyInfo& k : s.conditionKeys) {
        const int rank = k.lowerName_.substr(0, ownPrefix.size()) == ownPrefix ? 1 : 2;
        entries.push_back({k.lowerName_, &k, rank});
      }
    }
    // Stable: within one rank, services keep their prefix order.
    std::stable_sort(entries.begin(), entries.end(),
                     [](const IamData::KeyIndexEntry& a, const IamData::KeyIndexEntry& b) {
                       return a.lowerName != b.lowerName ? a.lowerName < b.lowerName
                                                         : a.rank < b.rank;
                     });
    for (const IamData::KeyIndexEntry& e : entries) {
      if (!d.exactKeys_.empty() && d.exactKeys_.back().lowerName == e.lowerName) {
        continue;
      }
      if (e.key->isPattern_) {
        d.patternKeys_.push_back(e.key);
      }
      d.exactKeys_.push_back(e);
    }
  }

  std::string_view text_;
  const std::string& name_;
  rapidjson::MemoryStream stream_;
  std::size_t lastEnd_ = 0;
  std::unique_ptr<IamData> data_;
  engine::internal::Arena* arena_ = nullptr;
  Status status_;
  std::vector<Frame> frames_;
  std::string_view string_;  // the current string value (valid during one event)
  std::int64_t number_ = 0;  // the current integer value
  // Scratch space reused for every entry.
  std::vector<const ConditionKeyInfo*> keys_;
  std::vector<ActionResourceType> rows_;
  std::vector<std::string_view> formats_;
};

Result<std::shared_ptr<const IamData>> loadIamData(std::string_view text, const std::string& name) {
  return IamDataLoader(text, name).load();
}

Result<std::shared_ptr<const IamData>> loadIamDataFile(const std::string& path) {
  auto text = engine::readFile(path);
  if (!text.ok()) {
    return text.status();
  }
  return loadIamData(text.value(), path);
}

Result<std::string> defaultIamDataPath() {
  if (const char* named = std::getenv("POLICYSIM_IAM_DATA"); named != nullptr && *named != '\0') {
    return std::string(named);
  }
  const Status none = Status::notFound(
      "no IAM data file: none installed beside the program (share/policysim/iam-data.json); "
      "name one with --iam-data FILE or POLICYSIM_IAM_DATA");
  // Beside the running program, never in the source tree: DATADIR/policysim relative to BINDIR
  // where it is installed (POLICYSIM_DATA_FROM_BINDIR), share/policysim in the build tree.
  std::error_code ec;
  const fs::path program = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return none;
  }
  const fs::path dir = program.parent_path();
  for (const fs::path& candidate :
       {dir / POLICYSIM_DATA_FROM_BINDIR / kDataFileName, dir / "share/policysim" / kDataFileName,
        dir / "../share/policysim" / kDataFileName}) {
    if (fs::is_regular_file(candidate, ec)) {
      return candidate.lexically_normal().string();
    }
  }
  return none;
}

Result<std::shared_ptr<const IamData>> loadIamDataOrShipped(const std::string& path) {
  return path.empty() ? loadShippedIamData() : loadIamDataFile(path);
}

Result<std::shared_ptr<const IamData>> loadShippedIamData() {
  auto path = defaultIamDataPath();
  if (!path.ok()) {
    return path.status();
  }
  return loadIamDataFile(path.value());
}

}  // namespace policysim::analysis
