#include "cli/policy_loading.h"

#include <iostream>
#include <optional>
#include <utility>

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

void addRcpAndEndpointOptions(CLI::App* command, std::vector<std::string>* rcps,
                              std::string* vpcEndpoint) {
  command
      ->add_option("--rcp", *rcps,
                   "Resource control policy; repeat once per level of the organisation path "
                   "above the resource's account (RCPFullAWSAccess is always attached)")
      ->allow_extra_args(false)
      ->take_all();
  command->add_option("--vpce-policy", *vpcEndpoint,
                      "Policy of the VPC endpoint requests travel through (applies to requests "
                      "carrying aws:SourceVpce)");
}

void addManagementAccountOption(CLI::App* command, std::string* account) {
  command
      ->add_option("--management-account", *account,
                   "The organization's management account: SCPs do not apply to its "
                   "principals, RCPs not to its resources")
      ->check(
          [](const std::string& text) {
            const bool digits =
                text.size() == 12 && text.find_first_not_of("0123456789") == std::string::npos;
            return digits ? std::string() : std::string("must be a 12-digit account ID");
          },
          "ACCOUNT");
}

engine::Result<engine::PolicySetInput> loadPolicyFiles(const PolicyFiles& files) {
  return loadAll<engine::PolicyDocument>(files,
                                         [&](const std::string& path, engine::PolicyKind kind) {
                                           return loadPolicy(path, kind, files.maxBytes);
                                         });
}

engine::Result<std::shared_ptr<const engine::PolicySet>> compilePolicyFiles(
    const PolicyFiles& files, bool quiet, const engine::PolicySetTexts* embedded) {
  auto texts = loadAll<engine::PolicyText>(files, [&](const std::string& path, engine::PolicyKind) {
    return loadText(path, files.maxBytes);
  });
  if (!texts.ok()) {
    return texts.status();
  }
  if (embedded != nullptr) {
    engine::PolicySetTexts& all = texts.value();
    all.identity.insert(all.identity.end(), embedded->identity.begin(), embedded->identity.end());
    const std::pair<const std::optional<engine::PolicyText>*, std::optional<engine::PolicyText>*>
        singles[] = {{&embedded->boundary, &all.boundary}, {&embedded->resource, &all.resource}};
    for (const auto& [from, to] : singles) {
      if (!from->has_value()) {
        continue;
      }
      if (to->has_value()) {
        return engine::Status::invalidArgument(
            "the request file gives this policy and the command line gives " + (*to)->name,
            engine::SourceLocation{(*from)->name, 1, 1});
      }
      *to = **from;
    }
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
