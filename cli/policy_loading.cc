#include "cli/policy_loading.h"

#include <iostream>

#include "cli/file_io.h"
#include "engine/policy_json.h"

namespace policysim::cli {
namespace {

engine::Result<engine::PolicyDocument> loadPolicy(const std::string& path, engine::PolicyKind kind,
                                                  std::size_t maxBytes) {
  auto text = readFile(path, maxBytes, "--max-policy-bytes");
  if (!text.ok()) {
    return text.status();
  }
  engine::PolicyParseOptions options;
  options.maxBytes = maxBytes;
  return engine::parsePolicyDocument(text.value(), path, kind, options);
}

engine::Result<engine::PolicyText> loadText(const std::string& path, std::size_t maxBytes) {
  auto text = readFile(path, maxBytes, "--max-policy-bytes");
  if (!text.ok()) {
    return text.status();
  }
  return engine::PolicyText{path, std::move(text).value()};
}

// Loads every file of `files` with load(path, kind) into a PoliciesByKind, in loading order; the
// first error stops it.
template <typename Policy, typename Load>
engine::Result<engine::PoliciesByKind<Policy>> loadAll(const PolicyFiles& files, Load load) {
  engine::PoliciesByKind<Policy> out;
  for (const auto& [kind, path] : files.byKind()) {
    auto policy = load(path, kind);
    if (!policy.ok()) {
      return policy.status();
    }
    out.put(kind, std::move(policy).value());
  }
  return out;
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

engine::Result<engine::PolicySetInput> loadPolicyFiles(const PolicyFiles& files) {
  return loadAll<engine::PolicyDocument>(files,
                                         [&](const std::string& path, engine::PolicyKind kind) {
                                           return loadPolicy(path, kind, files.maxBytes);
                                         });
}

engine::Result<std::shared_ptr<const engine::PolicySet>> compilePolicyFiles(
    const PolicyFiles& files, bool quiet) {
  auto texts = loadAll<engine::PolicyText>(files, [&](const std::string& path, engine::PolicyKind) {
    return loadText(path, files.maxBytes);
  });
  if (!texts.ok()) {
    return texts.status();
  }
  engine::PolicyParseOptions options;
  options.maxBytes = files.maxBytes;
  auto set = engine::PolicySet::compile(texts.value(), options);
  if (set.ok() && !quiet) {
    for (const engine::Diagnostic& diagnostic : set.value()->diagnostics()) {
      std::cerr << diagnostic.toString() << "\n";
    }
  }
  return set;
}

}  // namespace policysim::cli
