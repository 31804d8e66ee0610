// The embedding API (engine/policysim.h): a thin layer over the parser, compiler and evaluator
// that turns every failure, exceptions from the standard library included, into a Status.
#include "engine/policysim.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <new>
#include <system_error>
#include <utility>

#include "engine/decision_format.h"
#include "engine/file_reader.h"
#include "engine/policy_json.h"
#include "engine/request_json.h"

namespace policysim {
namespace {

Status internalError(const char* where, const char* what) {
  return Status::internal(std::string(where) + ": " + what);
}

bool isPolicyFileName(const std::string& name) {
  return name.size() > 5 && name[0] != '.' && name.ends_with(".json");
}

const char* fileTypeName(std::filesystem::file_type type) {
  using std::filesystem::file_type;
  switch (type) {
    case file_type::directory:
      return "a directory";
    case file_type::fifo:
      return "a FIFO";
    case file_type::block:
      return "a block device";
    case file_type::character:
      return "a character device";
    case file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

// OK when `path`, named like a policy file, is a regular file or a symlink to one. Anything else
// is an error, never skipped: a policy that silently vanishes (a deleted symlink target) could
// take a Deny with it. Checked before reading, so that a FIFO cannot block the load.
Status checkPolicyFile(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  const engine::SourceLocation where{path.string(), 0, 0};
  std::error_code error;
  const fs::file_status target = fs::status(path, error);
  if (fs::is_regular_file(target)) {
    return Status();
  }
  std::error_code linkError;
  if (target.type() == fs::file_type::not_found &&
      fs::is_symlink(fs::symlink_status(path, linkError))) {
    return Status::notFound("named like a policy file, but a symbolic link to nothing", where);
  }
  if (error) {
    return Status::notFound("cannot read the policy file: " + error.message(), where);
  }
  return Status::invalidArgument(
      std::string("named like a policy file, but ") + fileTypeName(target.type()), where);
}

// The *.json files directly inside `directory`, sorted by name. A directory that does not exist
// is an empty list; something else in its place (a file, a dangling symlink) is an error, and
// so is a *.json entry that checkPolicyFile() refuses.
Status listJsonFiles(const std::filesystem::path& directory, std::vector<std::string>* out) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::symlink_status(directory, error).type() == fs::file_type::not_found) {
    return Status();
  }
  if (!fs::is_directory(directory, error)) {
    return Status::invalidArgument("not a directory, so its policies cannot be read",
                                   engine::SourceLocation{directory.string(), 0, 0});
  }
  std::vector<std::string> names;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!isPolicyFileName(name)) {
      continue;
    }
    if (Status s = checkPolicyFile(it->path()); !s.ok()) {
      return s;
    }
    names.push_back(name);
  }
  if (error) {
    return Status::notFound("cannot list directory: " + error.message(),
                            engine::SourceLocation{directory.string(), 0, 0});
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    out->push_back((directory / name).string());
  }
  return Status();
}

}  // namespace

const char* version() { return "0.1.0"; }

std::vector<std::pair<PolicyKind, std::string>> PolicyFiles::byKind() const {
  std::vector<std::pair<PolicyKind, std::string>> all;
  for (const std::string& path : identity) {
    all.emplace_back(PolicyKind::Identity, path);
  }
  for (const std::string& path : scps) {
    all.emplace_back(PolicyKind::Scp, path);
  }
  for (const std::string& path : rcps) {
    all.emplace_back(PolicyKind::Rcp, path);
  }
  const std::pair<PolicyKind, const std::string*> singles[] = {
      {PolicyKind::Resource, &resource},
      {PolicyKind::Boundary, &boundary},
      {PolicyKind::Session, &session},
      {PolicyKind::VpcEndpoint, &vpcEndpoint},
  };
  for (const auto& [kind, path] : singles) {
    if (!path->empty()) {
      all.emplace_back(kind, *path);
    }
  }
  return all;
}

Status PolicySetBuilder::addPolicy(PolicyKind kind, std::string_view json, std::string name) {
  try {
    const bool single = kind == PolicyKind::Resource || kind == PolicyKind::Boundary ||
                        kind == PolicyKind::Session || kind == PolicyKind::VpcEndpoint;
    if (single) {
      const bool taken = (kind == PolicyKind::Resource && input_.resource) ||
                         (kind == PolicyKind::Boundary && input_.boundary) ||
                         (kind == PolicyKind::Session && input_.session) ||
                         (kind == PolicyKind::VpcEndpoint && input_.vpcEndpoint);
      if (taken) {
        return Status::invalidArgument(
            std::string("a policy set holds one ") + engine::policyKindName(kind) + " policy",
            engine::SourceLocation{name, 0, 0});
      }
    }
    auto document = engine::parsePolicyDocument(json, std::move(name), kind);
    if (!document.ok()) {
      return document.status();
    }
    input_.put(kind, std::move(document).value());
    return Status();
  } catch (const std::exception& e) {
    return internalError("addPolicy", e.what());
  }
}

Status PolicySetBuilder::addPolicyFile(PolicyKind kind, const std::string& path, std::string name,
                                       std::size_t maxBytes) {
  try {
    auto text = engine::readFile(path, maxBytes);
    if (!text.ok()) {
      return text.status();
    }
    return addPolicy(kind, text.value(), name.empty() ? path : std::move(name));
  } catch (const std::exception& e) {
    return internalError("addPolicyFile", e.what());
  }
}

Result<std::shared_ptr<const PolicySet>> PolicySetBuilder::build() {
  try {
    engine::PolicySetInput input = std::move(input_);
    input_ = engine::PolicySetInput();
    return PolicySet::compile(std::move(input));
  } catch (const std::exception& e) {
    return internalError("build", e.what());
  }
}

namespace {

// Loads every file of `files`; `nameOf` turns a path into the policy's name.
template <typename NameOf>
Result<std::shared_ptr<const PolicySet>> loadFiles(const PolicyFiles& files, NameOf nameOf) {
  PolicySetBuilder builder;
  for (const auto& [kind, path] : files.byKind()) {
    if (Status s = builder.addPolicyFile(kind, path, nameOf(path), files.maxBytes); !s.ok()) {
      return s;
    }
  }
  return builder.build();
}

}  // namespace

Result<std::shared_ptr<const PolicySet>> loadPolicySet(const PolicyFiles& files) {
  return loadFiles(files, [](const std::string& path) { return path; });
}

Result<PolicyFiles> listPolicyDirectory(const std::string& directory) {
  try {
    namespace fs = std::filesystem;
    const fs::path root(directory);
    std::error_code error;
    if (!fs::is_directory(root, error)) {
      return Status::notFound("not a directory", engine::SourceLocation{directory, 0, 0});
    }
    PolicyFiles files;
    std::vector<std::string> topLevel;
    if (Status s = listJsonFiles(root, &topLevel); !s.ok()) {
      return s;
    }
    for (const std::string& path : topLevel) {
      const std::string name = fs::path(path).filename().string();
      if (name == "resource.json") {
        files.resource = path;
      } else if (name == "boundary.json") {
        files.boundary = path;
      } else if (name == "session.json") {
        files.session = path;
      } else if (name == "vpce.json") {
        files.vpcEndpoint = path;
      } else {
        files.identity.push_back(path);
      }
    }
    std::vector<std::string> identityDir;
    if (Status s = listJsonFiles(root / "identity", &identityDir); !s.ok()) {
      return s;
    }
    // identity/ first, then the top-level files: both are sorted, so the order is stable.
    identityDir.insert(identityDir.end(), files.identity.begin(), files.identity.end());
    files.identity = std::move(identityDir);
    if (Status s = listJsonFiles(root / "scp", &files.scps); !s.ok()) {
      return s;
    }
    if (Status s = listJsonFiles(root / "rcp", &files.rcps); !s.ok()) {
      return s;
    }
    if (files.empty()) {
      return Status::invalidArgument("no policy files (*.json) in the policy directory",
                                     engine::SourceLocation{directory, 0, 0});
    }
    return files;
  } catch (const std::exception& e) {
    return internalError("listPolicyDirectory", e.what());
  }
}

Result<std::shared_ptr<const PolicySet>> loadPolicyDirectory(const std::string& directory) {
  try {
    auto files = listPolicyDirectory(directory);
    if (!files.ok()) {
      return files.status();
    }
    const std::filesystem::path root(directory);
    return loadFiles(files.value(), [&root](const std::string& path) {
      return std::filesystem::path(path).lexically_relative(root).generic_string();
    });
  } catch (const std::exception& e) {
    return internalError("loadPolicyDirectory", e.what());
  }
}

Result<Request> parseRequest(std::string_view json, const std::string& name) {
  try {
    auto requests = engine::parseRequests(json, name);
    if (!requests.ok()) {
      return requests.status();
    }
    if (requests.value().size() != 1) {
      return Status::invalidArgument("the request names " +
                                         std::to_string(requests.value().size()) +
                                         " action x resource combinations; exactly one is expected",
                                     engine::SourceLocation{name, 0, 0});
    }
    return std::move(requests.value().front());
  } catch (const std::exception& e) {
    return internalError("parseRequest", e.what());
  }
}

RequestBuilder& RequestBuilder::principal(std::string arn) {
  request_.principal = std::move(arn);
  return *this;
}

RequestBuilder& RequestBuilder::action(std::string action) {
  request_.action = std::move(action);
  return *this;
}

RequestBuilder& RequestBuilder::resource(std::string arn) {
  request_.resource = std::move(arn);
  return *this;
}

RequestBuilder& RequestBuilder::managementAccount(std::string account) {
  const bool digits =
      account.size() == 12 && account.find_first_not_of("0123456789") == std::string::npos;
  if (!digits && error_.empty()) {
    error_ = "the management account must be a 12-digit account ID";
  }
  request_.managementAccount = std::move(account);
  return *this;
}

RequestBuilder& RequestBuilder::set(std::string_view key, ContextValue value) {
  try {
    if (!request_.setContext(key, std::move(value)) && error_.empty()) {
      error_ = "context key " + std::string(key) + " is set twice (names are case-insensitive)";
    }
  } catch (const std::exception& e) {
    if (error_.empty()) {
      error_ = e.what();
    }
  }
  return *this;
}

RequestBuilder& RequestBuilder::setString(std::string_view key, std::string value) {
  ContextValue v;
  v.type = ContextValue::Type::String;
  v.values.push_back(std::move(value));
  return set(key, std::move(v));
}

RequestBuilder& RequestBuilder::setStrings(std::string_view key, std::vector<std::string> values) {
  ContextValue v;
  v.type = ContextValue::Type::String;
  v.multivalued = true;
  v.values = std::move(values);
  return set(key, std::move(v));
}

RequestBuilder& RequestBuilder::setBool(std::string_view key, bool value) {
  ContextValue v;
  v.type = ContextValue::Type::Bool;
  v.values.emplace_back(value ? "true" : "false");
  return set(key, std::move(v));
}

RequestBuilder& RequestBuilder::setNumber(std::string_view key, std::int64_t value) {
  ContextValue v;
  v.type = ContextValue::Type::Number;
  v.values.push_back(std::to_string(value));
  return set(key, std::move(v));
}

RequestBuilder& RequestBuilder::setDate(std::string_view key, std::string iso8601) {
  ContextValue v;
  v.type = ContextValue::Type::Date;
  v.values.push_back(std::move(iso8601));
  return set(key, std::move(v));
}

RequestBuilder& RequestBuilder::setIp(std::string_view key, std::string address) {
  ContextValue v;
  v.type = ContextValue::Type::Ip;
  v.values.push_back(std::move(address));
  return set(key, std::move(v));
}

Result<Request> RequestBuilder::build() const& {
  if (!error_.empty()) {
    return Status::invalidArgument(error_);
  }
  if (request_.action.empty()) {
    return Status::invalidArgument("the request has no action");
  }
  try {
    return Request(request_);
  } catch (const std::exception& e) {
    return internalError("build", e.what());
  }
}

Result<Request> RequestBuilder::build() && {
  if (!error_.empty()) {
    return Status::invalidArgument(error_);
  }
  if (request_.action.empty()) {
    return Status::invalidArgument("the request has no action");
  }
  return std::move(request_);
}

Evaluation evaluate(std::shared_ptr<const PolicySet> policySet, const Request& request,
                    bool explain) {
  Evaluation result;
  result.policySet = std::move(policySet);
  try {
    if (result.policySet == nullptr) {
      result.decision.errors.emplace_back("no policy set: denied");
      return result;
    }
    result.policySet->evaluate(request, explain, &result.decision);
  } catch (const std::exception& e) {
    // Fail closed: whatever was decided before the failure does not count.
    result.decision = Decision();
    try {
      result.decision.errors.push_back(std::string("evaluation failed: ") + e.what());
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): out of memory: deny
    }
  }
  return result;
}

std::string toJson(const Request& request, const Evaluation& evaluation) {
  try {
    return engine::formatDecisionJson(request, evaluation.decision);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace policysim
