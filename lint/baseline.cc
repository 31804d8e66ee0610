#include "lint/baseline.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <cstdio>

#include "lint/json_reader.h"

namespace policysim::lint {

namespace {

constexpr int kBaselineVersion = 1;

void put(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, const char* key,
         std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// Splits a JSON pointer ("/Statement/0/Action/1") into its unescaped tokens.
std::vector<std::string> pointerTokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  std::size_t pos = 0;
  while (pos < pointer.size() && pointer[pos] == '/') {
    std::size_t end = pointer.find('/', pos + 1);
    if (end == std::string_view::npos) {
      end = pointer.size();
    }
    std::string token;
    for (std::size_t i = pos + 1; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end) {
        token += pointer[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += pointer[i];
      }
    }
    tokens.push_back(std::move(token));
    pos = end;
  }
  return tokens;
}

bool isIndex(std::string_view token) {
  return !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
}

engine::Status badBaseline(const std::string& name, const Node& node, const std::string& what) {
  return engine::Status::invalidArgument(
      what + " (write one with policysim lint --write-baseline)",
      engine::SourceLocation{name, node.position.line, node.position.column});
}

}  // namespace

FingerprintParts fingerprintParts(const Finding& finding, std::string_view relativePath) {
  FingerprintParts parts;
  parts.rule = std::string(finding.rule->id);
  parts.file = relativePath.empty() ? finding.file : std::string(relativePath);
  parts.policy = finding.policy;
  const std::vector<std::string> tokens = pointerTokens(finding.pointer);
  std::size_t first = 0;
  if (!tokens.empty() && tokens[0] == "Statement") {
    first = 1;
    if (tokens.size() > 1 && isIndex(tokens[1])) {
      first = 2;
      parts.statement = finding.sid.empty() ? "Statement[" + tokens[1] + "]" : "Sid=" + finding.sid;
    } else {
      parts.statement = finding.sid.empty() ? "Statement" : "Sid=" + finding.sid;
    }
  }
  for (std::size_t i = first; i < tokens.size(); ++i) {
    if (isIndex(tokens[i])) {
      continue;  // the order of actions or resources inside an element is not identity
    }
    parts.element += (parts.element.empty() ? "" : ".") + tokens[i];
  }
  // A problem of the file itself (invalid JSON) has no element: its message says what it is.
  parts.subject =
      finding.pointer.empty() && finding.subject.empty() ? finding.message : finding.subject;
  return parts;
}

std::string hashFingerprint(const FingerprintParts& parts) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (const std::string* part : {&parts.rule, &parts.file, &parts.policy, &parts.statement,
                                  &parts.element, &parts.subject}) {
    for (const char c : *part) {
      hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    hash = (hash ^ 0xFFU) * 1099511628211ULL;  // separator: ("ab","c") differs from ("a","bc")
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

engine::Result<Baseline> parseBaseline(std::string_view text, const std::string& name) {
  const LineMap lines(text);
  Node root;
  ReadError error;
  if (!readJson(text, lines, JsonReadLimits{}, &root, &error)) {
    return engine::Status::invalidArgument(
        error.message, engine::SourceLocation{name, error.position.line, error.position.column});
  }
  const Node* version = root.isObject() ? root.get("version") : nullptr;
  if (version == nullptr || version->type != Node::Type::Number ||
      version->text != std::to_string(kBaselineVersion)) {
    return badBaseline(name, version != nullptr ? *version : root,
                       "not a policysim baseline of version 1");
  }
  const Node* findings = root.get("findings");
  if (findings == nullptr || !findings->isArray()) {
    return badBaseline(name, root, "a baseline needs a \"findings\" array");
  }
  Baseline baseline;
  baseline.source = name;
  for (const Node& entry : findings->elements) {
    const Node* fingerprint = entry.isObject() ? entry.get("fingerprint") : nullptr;
    if (fingerprint == nullptr || !fingerprint->isString() || fingerprint->text.size() != 16) {
      return badBaseline(name, fingerprint != nullptr ? *fingerprint : entry,
                         "each finding needs a \"fingerprint\" of 16 hex digits");
    }
    ++baseline.entries[fingerprint->text];
  }
  return baseline;
}

std::string writeBaseline(const std::vector<FileReport>& reports, std::string_view toolVersion) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("version");
  w.Int(kBaselineVersion);
  put(w, "tool", "policysim " + std::string(toolVersion));
  w.Key("findings");
  w.StartArray();
  for (const FileReport& report : reports) {
    for (const Finding& f : report.findings) {
      if (f.suppression.has_value()) {
        continue;
      }
      const FingerprintParts parts = fingerprintParts(f, report.relativePath);
      w.StartObject();
      put(w, "fingerprint", hashFingerprint(parts));
      put(w, "ruleId", parts.rule);
      put(w, "file", parts.file);
      if (!parts.policy.empty()) {
        put(w, "policy", parts.policy);
      }
      if (!parts.statement.empty()) {
        put(w, "statement", parts.statement);
      }
      put(w, "element", parts.element);
      put(w, "text", parts.subject);
      put(w, "message", f.message);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::size_t applyBaseline(const Baseline& baseline, std::vector<FileReport>* reports) {
  std::map<std::string, std::size_t> left = baseline.entries;
  std::size_t matched = 0;
  for (FileReport& report : *reports) {
    for (Finding& f : report.findings) {
      if (f.suppression.has_value()) {
        continue;
      }
      const std::string fingerprint = hashFingerprint(fingerprintParts(f, report.relativePath));
      const auto it = left.find(fingerprint);
      if (it == left.end() || it->second == 0) {
        continue;
      }
      --it->second;
      ++matched;
      f.suppression = "in the baseline " + baseline.source;
      f.suppressionKind = SuppressionKind::Baseline;
      f.blocking = false;
    }
  }
  return matched;
}

}  // namespace policysim::lint
