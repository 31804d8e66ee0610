#include "lint/config.h"

#include <algorithm>

#include "lint/json_reader.h"

namespace policysim::lint {

using namespace policysim::engine;  // NOLINT(google-build-using-namespace): the core vocabulary
namespace {

class ConfigReader {
 public:
  explicit ConfigReader(std::string name) : name_(std::move(name)) {}

  Result<LintConfig> read(std::string_view text) {
    Node root;
    ReadError error;
    const LineMap lines(text);
    if (!readJson(text, lines, JsonReadLimits{}, &root, &error)) {
      return fail(error.message, error.position);
    }
    config_.source = name_;
    if (!root.isObject()) {
      return fail("the lint configuration must be a JSON object", root.position);
    }
    for (const NodeMember& member : root.members) {
      const Node& v = member.value;
      bool ok = true;
      if (member.key == "rules") {
        ok = readRules(v);
      } else if (member.key == "blocking") {
        ok = readRuleList(v, &config_.blocking);
      } else if (member.key == "failOn") {
        ok = readFailOn(v);
      } else if (member.key == "ignorePaths") {
        ok = readStrings(v, "ignorePaths", &config_.ignorePaths);
      } else if (member.key == "policyTypes") {
        ok = readPolicyTypes(v);
      } else if (member.key == "mfaSelfManagementActions") {
        ok = readStrings(v, "mfaSelfManagementActions", &config_.mfaSelfManagementActions);
      } else if (member.key == "suppressions") {
        ok = readSuppressions(v);
      } else if (member.key == "$schema" || member.key == "description") {
        ok = true;
      } else {
        return fail("unknown setting \"" + member.key +
                        "\" (expected rules, blocking, failOn, ignorePaths, policyTypes, "
                        "mfaSelfManagementActions or suppressions)",
                    member.keyPosition);
      }
      if (!ok) {
        return error_;
      }
    }
    return std::move(config_);
  }

 private:
  Status fail(std::string message, Position position) {
    error_ = Status::invalidArgument(std::move(message),
                                     SourceLocation{name_, position.line, position.column});
    return error_;
  }
  bool failed(std::string message, Position position) {
    error_ = fail(std::move(message), position);
    return false;
  }

  bool ruleId(const Node& value, std::string* out) {
    if (!value.isString()) {
      return failed("a rule id must be a string such as \"PS301\"", value.position);
    }
    const RuleInfo* rule = findRule(value.text);
    if (rule == nullptr) {
      return failed("unknown rule \"" + value.text + "\" (policysim lint --list-rules shows them)",
                    value.position);
    }
    *out = std::string(rule->id);
    return true;
  }

  bool readStrings(const Node& value, const char* what, std::vector<std::string>* out) {
    if (!value.isArray()) {
      return failed(std::string(what) + " must be an array of strings", value.position);
    }
    for (const Node& item : value.elements) {
      if (!item.isString()) {
        return failed(std::string(what) + " must be an array of strings", item.position);
      }
      out->push_back(item.text);
    }
    return true;
  }

  bool readRuleList(const Node& value, std::vector<std::string>* out) {
    if (!value.isArray()) {
      return failed("blocking must be an array of rule ids", value.position);
    }
    for (const Node& item : value.elements) {
      std::string id;
      if (!ruleId(item, &id)) {
        return false;
      }
      out->push_back(id);
    }
    return true;
  }

  bool readFailOn(const Node& value) {
    if (value.isString() && value.text == "none") {
      config_.failOn.reset();
      return true;
    }
    const std::optional<LintSeverity> severity =
        value.isString() ? parseSeverity(value.text) : std::nullopt;
    if (!severity) {
      return failed(
          "failOn must be \"error\", \"security\", \"warning\", \"suggestion\" or "
          "\"none\"",
          value.position);
    }
    config_.failOn = *severity;
    return true;
  }

  bool readRules(const Node& value) {
    if (!value.isObject()) {
      return failed("rules must be an object {\"PS301\": \"off\" | severity | {...}}",
                    value.position);
    }
    for (const NodeMember& member : value.members) {
      const RuleInfo* rule = findRule(member.key);
      if (rule == nullptr) {
        return failed("unknown rule \"" + member.key + "\"", member.keyPosition);
      }
      RuleSetting setting;
      const Node& v = member.value;
      if (v.isString() && v.text == "off") {
        setting.enabled = false;
      } else if (v.isString() && parseSeverity(v.text)) {
        setting.severity = *parseSeverity(v.text);
      } else if (v.isObject()) {
        for (const NodeMember& field : v.members) {
          if (field.key == "enabled" && field.value.type == Node::Type::Bool) {
            setting.enabled = field.value.text == "true";
          } else if (field.key == "severity" && field.value.isString() &&
                     parseSeverity(field.value.text)) {
            setting.severity = *parseSeverity(field.value.text);
          } else {
            return failed(
                "a rule setting has \"enabled\": true|false and \"severity\": "
                "\"error\"|\"security\"|\"warning\"|\"suggestion\"",
                field.keyPosition);
          }
        }
      } else {
        return failed("a rule is set to \"off\", a severity, or {\"enabled\", \"severity\"}",
                      v.position);
      }
      config_.rules[std::string(rule->id)] = setting;
    }
    return true;
  }

  bool readPolicyTypes(const Node& value) {
    if (!value.isArray()) {
      return failed("policyTypes must be an array of {\"path\": glob, \"type\": type}",
                    value.position);
    }
    for (const Node& item : value.elements) {
      const Node* path = item.get("path");
      const Node* type = item.get("type");
      PolicyTypeEntry entry;
      if (!item.isObject() || path == nullptr || !path->isString() || type == nullptr ||
          !type->isString() || !parsePolicyType(type->text) || item.members.size() != 2) {
        return failed("a policyTypes entry is {\"path\": glob, \"type\": TYPE}, TYPE one of " +
                          policyTypeNames(),
                      item.position);
      }
      entry.type = *parsePolicyType(type->text);
      entry.path = path->text;
      config_.policyTypes.push_back(std::move(entry));
    }
    return true;
  }

  bool readSuppressions(const Node& value) {
    if (!value.isArray()) {
      return failed("suppressions must be an array", value.position);
    }
    for (const Node& item : value.elements) {
      if (!item.isObject()) {
        return failed("a suppression is an object with path, rule, sid or pointer, and reason",
                      item.position);
      }
      SuppressionEntry entry;
      bool hasRule = false;
      for (const NodeMember& field : item.members) {
        const Node& v = field.value;
        if (field.key == "rule") {
          if (!ruleId(v, &entry.rule)) {
            return false;
          }
          hasRule = true;
          continue;
        }
        std::string* target = nullptr;
        if (field.key == "path") {
          target = &entry.path;
        } else if (field.key == "sid") {
          target = &entry.sid;
        } else if (field.key == "pointer") {
          target = &entry.pointer;
        } else if (field.key == "policy") {
          target = &entry.policy;
        } else if (field.key == "reason") {
          target = &entry.reason;
        } else {
          return failed("unknown suppression field \"" + field.key +
                            "\" (expected path, rule, sid, pointer, policy, reason)",
                        field.keyPosition);
        }
        if (!v.isString()) {
          return failed("suppression field \"" + field.key + "\" must be a string", v.position);
        }
        *target = v.text;
      }
      if (!hasRule) {
        return failed("a suppression needs \"rule\"", item.position);
      }
      if (entry.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
        return failed(
            "a suppression needs a non-empty \"reason\" (it is shown in SARIF and "
            "JSON output)",
            item.position);
      }
      if (!entry.pointer.empty() && entry.pointer[0] != '/') {
        return failed("\"pointer\" is a JSON pointer such as \"/Statement/0\"", item.position);
      }
      config_.suppressions.push_back(std::move(entry));
    }
    return true;
  }

  std::string name_;
  LintConfig config_;
  Status error_;
};

// Matches one pattern against one path, both split at '/'; '**' segments span segments.
bool matchSegments(const std::vector<std::string_view>& pattern, std::size_t pi,
                   const std::vector<std::string_view>& path, std::size_t si);

bool matchSegment(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

bool matchSegments(const std::vector<std::string_view>& pattern, std::size_t pi,
                   const std::vector<std::string_view>& path, std::size_t si) {
  while (pi < pattern.size()) {
    if (pattern[pi] == "**") {
      for (std::size_t k = si; k <= path.size(); ++k) {
        if (matchSegments(pattern, pi + 1, path, k)) {
          return true;
        }
      }
      return false;
    }
    if (si >= path.size() || !matchSegment(pattern[pi], path[si])) {
      return false;
    }
    ++pi;
    ++si;
  }
  return si == path.size();
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t slash = text.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? text.size() : slash;
    if (end > start) {
      out.push_back(text.substr(start, end - start));
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return out;
}

}  // namespace

Result<LintConfig> parseLintConfig(std::string_view text, const std::string& name) {
  return ConfigReader(name).read(text);
}

bool globMatch(std::string_view pattern, std::string_view path) {
  while (pattern.substr(0, 2) == "./") {
    pattern.remove_prefix(2);
  }
  while (path.substr(0, 2) == "./") {
    path.remove_prefix(2);
  }
  const std::vector<std::string_view> segments = split(path);
  if (pattern.find('/') == std::string_view::npos) {
    return std::any_of(segments.begin(), segments.end(),
                       [&](std::string_view s) { return matchSegment(pattern, s); });
  }
  if (!pattern.empty() && pattern.back() == '/') {
    pattern.remove_suffix(1);  // "vendor/" names a directory: everything below it
  }
  const std::vector<std::string_view> parts = split(pattern);
  // A pattern naming a directory matches everything below it.
  for (std::size_t n = segments.size(); n >= 1; --n) {
    const std::vector<std::string_view> prefix(segments.begin(),
                                               segments.begin() + static_cast<long>(n));
    if (matchSegments(parts, 0, prefix, 0)) {
      return true;
    }
  }
  return false;
}

}  // namespace policysim::lint
