#include "cli/policy_loading.h"

#include <iostream>

#include "cli/file_io.h"
#include "engine/policy_json.h"

namespace policysim::cli {
namespace {

std::optional<engine::PolicyDocument> loadPolicy(const std::string& path, engine::PolicyKind kind,
                                                 std::size_t maxBytes) {
  auto text = readFile(path, maxBytes, "--max-policy-bytes");
  if (!text.ok()) {
    std::cerr << text.status().toString() << "\n";
    return std::nullopt;
  }
  engine::PolicyParseOptions options;
  options.maxBytes = maxBytes;
  auto document = engine::parsePolicyDocument(text.value(), path, kind, options);
  if (!document.ok()) {
    std::cerr << document.status().toString() << "\n";
    return std::nullopt;
  }
  return std::move(document).value();
}

bool loadOptional(const std::string& path, engine::PolicyKind kind, std::size_t maxBytes,
                  std::optional<engine::PolicyDocument>* out) {
  if (path.empty()) {
    return true;
  }
  *out = loadPolicy(path, kind, maxBytes);
  return out->has_value();
}

}  // namespace

void addMaxPolicyBytesOption(CLI::App* command, std::size_t* maxBytes) {
  // Up to 4 GiB - 1: the JSON parser's sizes and offsets are 32-bit.
  constexpr std::size_t kMaxSetting = (std::size_t{1} << 32U) - 1;
  command
      ->add_option("--max-policy-bytes", *maxBytes,
                   "Refuse a policy file larger than this many bytes without reading it "
                   "(default 268435456 = 256 MiB)")
      ->check(CLI::Range(std::size_t{1}, kMaxSetting));
}

std::optional<engine::PolicySetInput> loadPolicyFiles(const PolicyFiles& files) {
  engine::PolicySetInput input;
  for (const std::string& path : files.identity) {
    auto document = loadPolicy(path, engine::PolicyKind::Identity, files.maxBytes);
    if (!document) {
      return std::nullopt;
    }
    input.identity.push_back(std::move(*document));
  }
  for (const std::string& path : files.scps) {
    auto document = loadPolicy(path, engine::PolicyKind::Scp, files.maxBytes);
    if (!document) {
      return std::nullopt;
    }
    input.scps.push_back(std::move(*document));
  }
  if (!loadOptional(files.resource, engine::PolicyKind::Resource, files.maxBytes,
                    &input.resource) ||
      !loadOptional(files.boundary, engine::PolicyKind::Boundary, files.maxBytes,
                    &input.boundary) ||
      !loadOptional(files.session, engine::PolicyKind::Session, files.maxBytes, &input.session)) {
    return std::nullopt;
  }
  return input;
}

std::shared_ptr<const engine::PolicySet> compilePolicyFiles(const PolicyFiles& files, bool quiet) {
  engine::PolicySetTexts texts;
  auto read = [&](const std::string& path) -> std::optional<engine::PolicyText> {
    auto text = readFile(path, files.maxBytes, "--max-policy-bytes");
    if (!text.ok()) {
      std::cerr << text.status().toString() << "\n";
      return std::nullopt;
    }
    return engine::PolicyText{path, std::move(text).value()};
  };
  auto readList = [&](const std::vector<std::string>& paths, std::vector<engine::PolicyText>* out) {
    for (const std::string& path : paths) {
      auto text = read(path);
      if (!text) {
        return false;
      }
      out->push_back(std::move(*text));
    }
    return true;
  };
  auto readOptional = [&](const std::string& path, std::optional<engine::PolicyText>* out) {
    if (!path.empty()) {
      *out = read(path);
      return out->has_value();
    }
    return true;
  };
  if (!readList(files.identity, &texts.identity) || !readList(files.scps, &texts.scps) ||
      !readOptional(files.resource, &texts.resource) ||
      !readOptional(files.boundary, &texts.boundary) ||
      !readOptional(files.session, &texts.session)) {
    return nullptr;
  }
  engine::PolicyParseOptions options;
  options.maxBytes = files.maxBytes;
  auto set = engine::PolicySet::compile(texts, options);
  if (!set.ok()) {
    std::cerr << set.status().toString() << "\n";
    return nullptr;
  }
  if (!quiet) {
    for (const engine::Diagnostic& diagnostic : set.value()->diagnostics()) {
      std::cerr << diagnostic.toString() << "\n";
    }
  }
  return std::move(set).value();
}

}  // namespace policysim::cli
