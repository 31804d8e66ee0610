#include "cli/diff_git.h"

#include <fmt/format.h>

#include <array>
#include <cstdio>

#include "engine/file_reader.h"
#include "engine/policy_json.h"
#include "lint/node.h"
#include "lint/sources.h"

namespace policysim::cli {
namespace {

std::string shellQuote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out.push_back('\'');
  return out;
}

// Runs a command; its standard output, or nullopt when it exits non-zero.
std::optional<std::string> run(const std::string& command) {
  const std::string quiet = fmt::format("{} 2>/dev/null", command);
  FILE* pipe = ::popen(quiet.c_str(), "r");
  if (pipe == nullptr) {
    return std::nullopt;
  }
  std::string out;
  std::array<char, 65536> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    out.append(buffer.data(), n);
  }
  if (::pclose(pipe) != 0) {
    return std::nullopt;
  }
  return out;
}

void appendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          *out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// A template's policy node as JSON text. A CloudFormation intrinsic (known only at deployment)
// becomes "*", the widest value it could take.
void toJson(const lint::Node& node, std::string* out) {
  if (node.intrinsic) {
    *out += "\"*\"";
    return;
  }
  switch (node.type) {
    case lint::Node::Type::Null:
      *out += "null";
      break;
    case lint::Node::Type::Bool:
    case lint::Node::Type::Number:
      *out += node.text;
      break;
    case lint::Node::Type::String:
      appendJsonString(node.text, out);
      break;
    case lint::Node::Type::Array:
      out->push_back('[');
      for (std::size_t i = 0; i < node.elements.size(); ++i) {
        *out += i == 0 ? "" : ",";
        toJson(node.elements[i], out);
      }
      out->push_back(']');
      break;
    case lint::Node::Type::Object:
      out->push_back('{');
      for (std::size_t i = 0; i < node.members.size(); ++i) {
        *out += i == 0 ? "" : ",";
        appendJsonString(node.members[i].key, out);
        out->push_back(':');
        toJson(node.members[i].value, out);
      }
      out->push_back('}');
      break;
  }
}

engine::PolicyKind kindOf(lint::PolicyType type) {
  // Policies that name principals (every resource-based type, trust, RCP, VPC endpoint) parse as
  // resource policies; limits are diffed as the most they allow.
  if (lint::isResourceBased(type) || type == lint::PolicyType::Trust || lint::onlyRestricts(type)) {
    return engine::PolicyKind::Resource;
  }
  return engine::PolicyKind::Identity;
}

// Statement positions from the template: the i-th Statement element's (or the single one's).
void placeStatements(const lint::Node& root, engine::PolicyDocument* document) {
  const lint::Node* statements = root.get("Statement");
  if (statements == nullptr) {
    return;
  }
  for (engine::Statement& st : document->statements) {
    const lint::Node* node =
        statements->isArray()
            ? (st.index < statements->elements.size() ? &statements->elements[st.index] : nullptr)
            : statements;
    if (node != nullptr) {
      st.position = engine::TextPosition{node->position.line, node->position.column};
    }
  }
}

}  // namespace

engine::Result<std::vector<ChangedFile>> changedFiles(const std::string& base,
                                                      const std::vector<std::string>& paths) {
  std::string command = fmt::format("git diff --name-only --relative {} --", shellQuote(base));
  for (const std::string& p : paths) {
    command += fmt::format(" {}", shellQuote(p));
  }
  auto listing = run(command);
  if (!listing) {
    return engine::Status::invalidArgument(fmt::format(
        "--git {}: git diff failed (not a git repository, or no revision {})", base, base));
  }
  std::vector<ChangedFile> out;
  std::size_t start = 0;
  while (start < listing->size()) {
    std::size_t end = listing->find('\n', start);
    if (end == std::string::npos) {
      end = listing->size();
    }
    std::string path = listing->substr(start, end - start);
    start = end + 1;
    if (path.empty()) {
      continue;
    }
    ChangedFile file;
    file.path = path;
    file.oldText = run(fmt::format("git show {}", shellQuote(fmt::format("{}:./{}", base, path))));
    if (auto text = engine::readFile(path, engine::kMaxInputFileBytes); text.ok()) {
      file.newText = std::move(text).value();
    }
    out.push_back(std::move(file));
  }
  return out;
}

engine::Result<std::vector<FoundPolicy>> policiesInFile(const std::string& path,
                                                        const std::string& text) {
  std::vector<FoundPolicy> out;
  const lint::SourceFile source = lint::loadSource(path, text, lint::SourceOptions{});
  if (!source.recognized) {
    return out;
  }
  if (!source.problems.empty()) {
    const lint::ReadProblem& p = source.problems.front();
    return engine::Status::invalidArgument(
        p.message, engine::SourceLocation{path, p.position.line, p.position.column});
  }
  for (const lint::PolicyInput& policy : source.policies) {
    const engine::PolicyKind kind = kindOf(policy.type);
    const std::string name = policy.label.empty() ? path : fmt::format("{}#{}", path, policy.label);
    engine::Result<engine::PolicyDocument> document = engine::Status::internal("unset");
    if (source.format == lint::InputFormat::PolicyJson && policy.label.empty()) {
      document = engine::parsePolicyDocument(text, name, kind);
    } else {
      std::string json;
      toJson(*policy.root, &json);
      document = engine::parsePolicyDocument(json, name, kind);
      if (document.ok()) {
        placeStatements(*policy.root, &document.value());
      }
    }
    if (!document.ok()) {
      return document.status();
    }
    out.push_back(FoundPolicy{policy.label, std::move(document).value()});
  }
  return out;
}

}  // namespace policysim::cli
