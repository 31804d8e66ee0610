// Reading policy and request JSON for the reference (reference_policy.h): RapidJSON's DOM,
// numbers kept as their text, then a walk over the tree that checks the elements §1 names.
#include "tests/reference/reference_policy.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/reference/reference_values.h"

namespace policysim::reference {
namespace {

using Json = rapidjson::Value;

// Numbers as the text written ("10.0" stays "10.0", as §3.4 String compares it), and UTF-8
// checked.
constexpr unsigned kParseFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag;

std::string textOf(const Json& value) { return {value.GetString(), value.GetStringLength()}; }

std::string nameOf(const Json::ConstMemberIterator& member) { return textOf(member->name); }

// Collects the first problem; every reader returns false once one is found.
class Reader {
 public:
  bool fail(const std::string& message) {
    if (error_.empty()) error_ = message;
    return false;
  }
  [[nodiscard]] const std::string& error() const { return error_; }

  // Parses `json` into `doc`; false on a syntax error.
  bool parse(std::string_view json, rapidjson::Document* doc) {
    doc->Parse<kParseFlags>(json.data(), json.size());
    if (doc->HasParseError()) {
      return fail(std::string("JSON: ") + rapidjson::GetParseError_En(doc->GetParseError()) +
                  " at offset " + std::to_string(doc->GetErrorOffset()));
    }
    return true;
  }

  // §1.1 rule 2: the same name twice in one object is an error (RapidJSON keeps both).
  bool uniqueMembers(const Json& object, const std::string& where) {
    std::set<std::string> seen;
    for (auto m = object.MemberBegin(); m != object.MemberEnd(); ++m) {
      if (!seen.insert(nameOf(m)).second) return fail(where + ": duplicate \"" + nameOf(m) + "\"");
    }
    return true;
  }

  // A JSON scalar as text: strings as they are, numbers as written, booleans as words.
  bool scalarText(const Json& value, const std::string& where, std::string* out) {
    if (value.IsString()) {
      *out = textOf(value);
      return true;
    }
    if (value.IsBool()) {
      *out = value.GetBool() ? "true" : "false";
      return true;
    }
    return fail(where + ": expected a string, number or boolean");
  }

  // "x" or ["x", ...] (non-empty) of strings.
  bool stringList(const Json& value, const std::string& where, std::vector<std::string>* out) {
    if (value.IsString()) {
      out->push_back(textOf(value));
      return true;
    }
    if (!value.IsArray() || value.Empty()) return fail(where + ": expected a string or a list");
    for (const Json& item : value.GetArray()) {
      if (!item.IsString()) return fail(where + ": list items must be strings");
      out->push_back(textOf(item));
    }
    return true;
  }

 private:
  std::string error_;
};

// Policy types whose statements name principals: resource-based, RCP (§4.7 table) and VPC
// endpoint policies.
bool isResourceBased(PolicyType type) {
  return type == PolicyType::Resource || type == PolicyType::Rcp || type == PolicyType::VpcEndpoint;
}

// §3.8 rule 2: with variables on, Resource patterns and String/Arn values must be well-formed
// templates.
bool checkTemplate(Reader& reader, const std::string& text, const std::string& where) {
  if (!readTemplate(text)) return reader.fail(where + ": malformed ${...} in \"" + text + "\"");
  return true;
}

bool readPrincipal(Reader& reader, const Json& value, Statement* out) {
  if (value.IsString()) {
    if (textOf(value) != "*") return reader.fail("Principal: a string principal must be \"*\"");
    out->principals.push_back({"*", "*"});
    return true;
  }
  if (!value.IsObject() || value.MemberCount() == 0) {
    return reader.fail("Principal: expected \"*\" or an object");
  }
  if (!reader.uniqueMembers(value, "Principal")) return false;
  static const std::set<std::string> kTypes = {"AWS", "Service", "Federated", "CanonicalUser"};
  for (auto m = value.MemberBegin(); m != value.MemberEnd(); ++m) {
    if (kTypes.count(nameOf(m)) == 0) return reader.fail("Principal: unknown type " + nameOf(m));
    std::vector<std::string> names;
    if (!reader.stringList(m->value, "Principal " + nameOf(m), &names)) return false;
    for (const std::string& name : names) {
      // §2.5 rule 1: a wildcard only as the whole value.
      if (name != "*" && name.find('*') != std::string::npos) {
        return reader.fail("Principal: partial wildcard in " + name);
      }
      out->principals.push_back({nameOf(m), name});
    }
  }
  return true;
}

bool readCondition(Reader& reader, const Json& value, bool variables, Statement* out) {
  if (!value.IsObject()) return reader.fail("Condition: expected an object");
  if (!reader.uniqueMembers(value, "Condition")) return false;
  for (auto op = value.MemberBegin(); op != value.MemberEnd(); ++op) {
    const std::optional<Operator> parsed = readOperator(nameOf(op));
    if (!parsed) return reader.fail("Condition: unknown operator " + nameOf(op));
    if (!op->value.IsObject()) return reader.fail("Condition " + nameOf(op) + ": expected keys");
    std::set<std::string> keys;  // §1.6: keys differing only in case are duplicates
    for (auto key = op->value.MemberBegin(); key != op->value.MemberEnd(); ++key) {
      if (!keys.insert(asciiLower(nameOf(key))).second) {
        return reader.fail("Condition " + nameOf(op) + ": duplicate key " + nameOf(key));
      }
      Condition condition{nameOf(op), nameOf(key), {}};
      const std::string where = "Condition " + nameOf(op) + " " + nameOf(key);
      std::vector<const Json*> items;
      if (key->value.IsArray()) {
        for (const Json& item : key->value.GetArray()) items.push_back(&item);
      } else {
        items.push_back(&key->value);
      }
      for (const Json* item : items) {
        std::string text;
        if (!reader.scalarText(*item, where, &text)) return false;
        // Only String and Arn values are substituted (§3.8 rule 2). A ${...} elsewhere is a
        // linter error (PS120) that the engine, like this reference, reads as plain text: the
        // value then fails its operator's type check (§3.5).
        const bool templated = parsed->family == Family::String || parsed->family == Family::Arn;
        if (variables && templated && item->IsString() && !checkTemplate(reader, text, where)) {
          return false;
        }
        condition.values.push_back(std::move(text));
      }
      out->conditions.push_back(std::move(condition));
    }
  }
  return true;
}

// §1.3: one statement, its elements checked against the policy type.
bool readStatement(Reader& reader, const Json& value, PolicyType type, bool variables,
                   Statement* out) {
  const std::string where = "Statement " + std::to_string(out->index);
  if (!value.IsObject()) return reader.fail(where + ": expected an object");
  if (!reader.uniqueMembers(value, where)) return false;
  bool hasEffect = false;
  bool hasAction = false;
  for (auto m = value.MemberBegin(); m != value.MemberEnd(); ++m) {
    const std::string name = nameOf(m);
    bool ok = true;
    if (name == "Sid") {
      ok = m->value.IsString() || reader.fail(where + ": Sid must be a string");
    } else if (name == "Effect") {
      const std::string effect = m->value.IsString() ? textOf(m->value) : "";
      ok = effect == "Allow" || effect == "Deny" || reader.fail(where + ": bad Effect");
      out->allow = effect == "Allow";
      hasEffect = true;
    } else if (name == "Principal" || name == "NotPrincipal") {
      if (!isResourceBased(type)) return reader.fail(where + ": Principal in this policy type");
      if (out->hasPrincipal) return reader.fail(where + ": both Principal and NotPrincipal");
      out->hasPrincipal = true;
      out->notPrincipal = name == "NotPrincipal";
      ok = readPrincipal(reader, m->value, out);
    } else if (name == "Action" || name == "NotAction") {
      if (hasAction) return reader.fail(where + ": both Action and NotAction");
      hasAction = true;
      out->notAction = name == "NotAction";
      ok = reader.stringList(m->value, where + " " + name, &out->actions);
    } else if (name == "Resource" || name == "NotResource") {
      if (out->hasResource) return reader.fail(where + ": both Resource and NotResource");
      out->hasResource = true;
      out->notResource = name == "NotResource";
      ok = reader.stringList(m->value, where + " " + name, &out->resources);
      for (const std::string& pattern : out->resources) {
        if (ok && variables) ok = checkTemplate(reader, pattern, where + " " + name);
      }
    } else if (name == "Condition") {
      ok = readCondition(reader, m->value, variables, out);
    } else {
      return reader.fail(where + ": unknown element " + name);
    }
    if (!ok) return false;
  }
  if (!hasEffect) return reader.fail(where + ": no Effect");
  if (!hasAction) return reader.fail(where + ": no Action or NotAction");
  // Resource-based policies may leave Resource out (role trust policies, §1.3), and so may
  // endpoint policies; others need it.
  const bool resourceOptional = type == PolicyType::Resource || type == PolicyType::VpcEndpoint;
  if (!out->hasResource && !resourceOptional) return reader.fail(where + ": no Resource");
  if (isResourceBased(type) && !out->hasPrincipal) return reader.fail(where + ": no Principal");
  if (out->notPrincipal && out->allow) return reader.fail(where + ": NotPrincipal with Allow");
  if (type == PolicyType::Rcp) {
    // AWS Organizations' RCP syntax: Principal "*" only, no NotPrincipal or NotAction, and an
    // Allow only as RCPFullAWSAccess (everything "*", no Condition).
    if (out->notPrincipal || out->notAction) return reader.fail(where + ": not in an RCP");
    for (const PrincipalName& p : out->principals) {
      if (p.value != "*") return reader.fail(where + ": RCP principal must be \"*\"");
    }
    auto allStar = [](const std::vector<std::string>& list) {
      if (list.empty()) return false;
      for (const std::string& item : list) {
        if (item != "*") return false;
      }
      return true;
    };
    if (out->allow && (!allStar(out->actions) || out->notResource || !allStar(out->resources) ||
                       !out->conditions.empty())) {
      return reader.fail(where + ": an RCP allows only as RCPFullAWSAccess");
    }
  }
  return true;
}

}  // namespace

const ContextEntry* Request::find(std::string_view key) const {
  const std::string wanted = asciiLower(key);
  for (const ContextEntry& entry : context) {
    if (asciiLower(entry.key) == wanted) return &entry;
  }
  return nullptr;
}

std::optional<Policy> readPolicy(std::string_view json, PolicyType type, const std::string& name,
                                 std::string* error) {
  Reader reader;
  rapidjson::Document doc;
  Policy policy;
  policy.type = type;
  policy.name = name;
  // Records `message` (when given) and reports the first problem found.
  auto failed = [&](const std::string& message = "") -> std::optional<Policy> {
    if (!message.empty()) reader.fail(message);
    if (error != nullptr) *error = name + ": " + reader.error();
    return std::nullopt;
  };
  if (!reader.parse(json, &doc)) return failed();
  const Json& root = doc;  // const: its iterators compare without conversions
  if (!root.IsObject()) return failed("expected an object");
  if (!reader.uniqueMembers(root, "policy")) return failed();
  const Json* statements = nullptr;
  std::string version;
  for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
    if (nameOf(m) == "Version") {
      version = m->value.IsString() ? textOf(m->value) : "?";
      if (version != "2012-10-17" && version != "2008-10-17") {
        return failed("invalid Version");
      }
    } else if (nameOf(m) == "Statement") {
      statements = &m->value;
    } else if (nameOf(m) != "Id") {
      return failed("unknown element " + nameOf(m));
    }
  }
  if (statements == nullptr) return failed("no Statement");
  // An SCP needs Version 2012-10-17 (§1.2), but that is the linter's check (PS106): the engine
  // evaluates an SCP without it as legacy text, and so does the reference.
  policy.variables = version == "2012-10-17";
  std::vector<const Json*> items;
  if (statements->IsArray()) {
    for (const Json& item : statements->GetArray()) items.push_back(&item);
  } else {
    items.push_back(statements);
  }
  for (const Json* item : items) {
    Statement statement;
    statement.index = policy.statements.size();
    if (!readStatement(reader, *item, type, policy.variables, &statement)) return failed();
    policy.statements.push_back(std::move(statement));
  }
  return policy;
}

std::optional<Request> readRequest(std::string_view json, std::string* error) {
  Reader reader;
  rapidjson::Document doc;
  Request request;
  auto failed = [&](const std::string& message = "") -> std::optional<Request> {
    if (!message.empty()) reader.fail(message);
    if (error != nullptr) *error = "request: " + reader.error();
    return std::nullopt;
  };
  if (!reader.parse(json, &doc)) return failed();
  const Json& root = doc;
  if (!root.IsObject()) return failed("expected an object");
  if (!reader.uniqueMembers(root, "request")) return failed();
  bool hasAction = false;
  std::string vpcEndpoint;  // "vpcEndpoint": applied once the context is read
  for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
    const std::string name = nameOf(m);
    if (name == "principal" || name == "action" || name == "resource") {
      if (!m->value.IsString()) return failed(name + " must be a string");
      std::string& field = name == "principal" ? request.principal
                           : name == "action"  ? request.action
                                               : request.resource;
      field = textOf(m->value);
      hasAction = hasAction || name == "action";
    } else if (name == "anonymous") {
      if (!m->value.IsBool()) return failed("anonymous must be true or false");
      request.anonymous = m->value.GetBool();
    } else if (name == "managementAccount") {
      if (!m->value.IsString()) return failed("managementAccount must be a string");
      request.managementAccount = textOf(m->value);
      if (request.managementAccount.size() != 12 ||
          request.managementAccount.find_first_not_of("0123456789") != std::string::npos) {
        return failed("managementAccount must be 12 digits");
      }
    } else if (name == "vpcEndpoint") {
      if (!m->value.IsString() || textOf(m->value).empty()) {
        return failed("vpcEndpoint must be an endpoint ID");
      }
      vpcEndpoint = textOf(m->value);
    } else if (name == "context") {
      if (!m->value.IsObject()) return failed("context must be an object");
      for (auto key = m->value.MemberBegin(); key != m->value.MemberEnd(); ++key) {
        if (request.find(nameOf(key)) != nullptr) {
          return failed("context key " + nameOf(key) + " twice (up to case)");
        }
        ContextEntry entry{nameOf(key), key->value.IsArray(), {}};
        std::vector<const Json*> items;
        if (entry.multivalued) {
          for (const Json& item : key->value.GetArray()) items.push_back(&item);
        } else {
          items.push_back(&key->value);
        }
        for (const Json* item : items) {
          std::string text;
          if (!reader.scalarText(*item, "context " + entry.key, &text)) return failed();
          entry.values.push_back(std::move(text));
        }
        request.context.push_back(std::move(entry));
      }
    } else {
      return failed("unknown request member " + name);
    }
  }
  const std::size_t colon = request.action.find(':');
  if (!hasAction || colon == std::string::npos || colon == 0 ||
      colon + 1 == request.action.size()) {
    return failed("action must be \"service:Action\"");
  }
  if (request.anonymous && !request.principal.empty()) {
    return failed("an anonymous request cannot name a principal");
  }
  // A request through an endpoint carries aws:SourceVpce (the key AWS sets).
  if (!vpcEndpoint.empty()) {
    const ContextEntry* stated = request.find("aws:SourceVpce");
    if (stated == nullptr) {
      request.context.push_back({"aws:SourceVpce", false, {vpcEndpoint}});
    } else if (stated->multivalued || stated->values != std::vector<std::string>{vpcEndpoint}) {
      return failed("vpcEndpoint differs from aws:SourceVpce");
    }
  }
  return request;
}

Request fromEngineRequest(const engine::Request& request) {
  Request out;
  out.principal = request.principal;
  out.anonymous = request.anonymous;
  out.managementAccount = request.managementAccount;
  out.action = request.action;
  out.resource = request.resource;
  for (std::size_t i = 0; i < request.contextSize(); ++i) {
    const engine::ContextValue& value = request.contextValue(i);
    out.context.push_back({std::string(request.contextKey(i)), value.multivalued, value.values});
  }
  return out;
}

}  // namespace policysim::reference
