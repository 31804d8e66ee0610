#include "cli/policy_loading.h"

#include <iostream>

#include "cli/file_io.h"
#include "engine/policy_json.h"

namespace policysim::cli {
namespace {

std::optional<engine::PolicyDocument> loadPolicy(const std::string& path, engine::PolicyKind kind) {
  auto text = readFile(path);
  if (!text.ok()) {
    std::cerr << text.status().toString() << "\n";
    return std::nullopt;
  }
  auto document = engine::parsePolicyDocument(text.value(), path, kind);
  if (!document.ok()) {
    std::cerr << document.status().toString() << "\n";
    return std::nullopt;
  }
  return std::move(document).value();
}

bool loadOptional(const std::string& path, engine::PolicyKind kind,
                  std::optional<engine::PolicyDocument>* out) {
  if (path.empty()) {
    return true;
  }
  *out = loadPolicy(path, kind);
  return out->has_value();
}

}  // namespace

std::optional<engine::PolicySetInput> loadPolicyFiles(const PolicyFiles& files) {
  engine::PolicySetInput input;
  for (const std::string& path : files.identity) {
    auto document = loadPolicy(path, engine::PolicyKind::Identity);
    if (!document) {
      return std::nullopt;
    }
    input.identity.push_back(std::move(*document));
  }
  for (const std::string& path : files.scps) {
    auto document = loadPolicy(path, engine::PolicyKind::Scp);
    if (!document) {
      return std::nullopt;
    }
    input.scps.push_back(std::move(*document));
  }
  if (!loadOptional(files.resource, engine::PolicyKind::Resource, &input.resource) ||
      !loadOptional(files.boundary, engine::PolicyKind::Boundary, &input.boundary) ||
      !loadOptional(files.session, engine::PolicyKind::Session, &input.session)) {
    return std::nullopt;
  }
  return input;
}

}  // namespace policysim::cli
