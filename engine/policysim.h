// policysim.h: the embedding API. Load policies by role into an immutable, shareable PolicySet,
// build or parse a Request, and evaluate it to a Decision with an optional explanation.
// Nothing here throws: failures are returned as Status / Result values (an allocation failure
// inside evaluate() denies). A PolicySet is immutable after it is built and safe to evaluate
// from many threads at once; builders and Requests are plain values (one thread at a time).
//
//   policysim::PolicyFiles files;
//   files.identity = {"force_mfa.json"};
//   auto set = policysim::loadPolicySet(files);
//   if (!set.ok()) { log(set.status().toString()); return; }
//   auto request = policysim::RequestBuilder()
//                      .principal("arn:aws:iam::111122223333:user/alice")
//                      .action("iam:CreateAccessKey")
//                      .resource("arn:aws:iam::111122223333:user/alice")
//                      .setString("aws:username", "alice")
//                      .setBool("aws:MultiFactorAuthPresent", true)
//                      .build();
//   policysim::Evaluation result = policysim::evaluate(set.value(), request.value());
//   if (result.allowed()) { ... }
//
// The headers this one includes (engine/policy_set.h, engine/decision.h, engine/request.h,
// engine/status.h ...) are public too; this file only adds the convenience layer. docs/embedding.md
// describes the install, the CMake package and the C ABI (engine/c/policysim.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/decision.h"
#include "engine/file_reader.h"
#include "engine/policy.h"
#include "engine/policy_set.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim {

using engine::ContextValue;
using engine::Decision;
using engine::DecisionKind;
using engine::PolicySet;
using engine::Request;
using engine::Result;
using engine::Status;
using engine::StatusCode;
// The kind of a policy, which is the role it plays: Identity, Resource, Boundary, Scp, Session,
// Rcp (resource control policy) or VpcEndpoint.
using engine::PolicyKind;

// The library version, e.g. "0.1.0".
[[nodiscard]] const char* version();

// Policy files by kind. Empty strings mean "none".
struct PolicyFiles {
  std::vector<std::string> identity;  // any number: their union is what the identity side allows
  std::string resource;               // resource-based policy of the target
  std::string boundary;               // permissions boundary of the principal
  std::vector<std::string> scps;      // one per level of the organisation path, root first
  std::string session;                // session policy
  std::vector<std::string> rcps;      // resource control policies, one per level, root first
  std::string vpcEndpoint;            // policy of the VPC endpoint requests travel through
  // Any file over this many bytes is refused (ResourceExhausted) without being read whole.
  std::size_t maxBytes = engine::kMaxInputFileBytes;

  [[nodiscard]] bool empty() const {
    return identity.empty() && resource.empty() && boundary.empty() && scps.empty() &&
           session.empty() && rcps.empty() && vpcEndpoint.empty();
  }
  // Every file with its kind, in the order they are loaded: identity, SCPs (root first), RCPs
  // (root first), then resource, boundary, session and VPC endpoint policies when given.
  [[nodiscard]] std::vector<std::pair<PolicyKind, std::string>> byKind() const;
};

// Collects parsed policy documents by role, then compiles them into a PolicySet.
// Not thread-safe; a PolicySet it builds is.
class PolicySetBuilder {
 public:
  // Parses `json` as a policy of `kind`. `name` labels error messages and explanations (usually
  // the file path). On error the builder is unchanged. A second resource, boundary, session or
  // VPC endpoint policy is InvalidArgument (each of those kinds holds one).
  [[nodiscard]] Status addPolicy(PolicyKind kind, std::string_view json, std::string name);
  // Reads and parses a file (engine::readFile: NotFound when it cannot be read, files over
  // maxBytes are ResourceExhausted). `name` labels the policy in decisions; empty: the path.
  [[nodiscard]] Status addPolicyFile(PolicyKind kind, const std::string& path,
                                     std::string name = {},
                                     std::size_t maxBytes = engine::kMaxInputFileBytes);

  // Compiles everything added so far and empties the builder. Load-time warnings are in
  // PolicySet::diagnostics().
  [[nodiscard]] Result<std::shared_ptr<const PolicySet>> build();

 private:
  engine::PolicySetInput input_;
};

// Reads, parses and compiles the files in one step.
[[nodiscard]] Result<std::shared_ptr<const PolicySet>> loadPolicySet(const PolicyFiles& files);

// Lists the policy files of a policy directory (layout in docs/serve.md):
//   identity/*.json and any other top-level *.json   identity policies
//   resource.json, boundary.json, session.json       the single-policy roles (optional)
//   scp/*.json                                        SCPs, root first (sorted by file name)
//   rcp/*.json                                        RCPs, root first (sorted by file name)
//   vpce.json                                         VPC endpoint policy (optional)
// Files are taken in byte order of their names; names starting with '.' are skipped (write a
// hidden temporary file and rename it to publish a change atomically). A directory without any
// policy file is InvalidArgument. Nothing named like a policy is skipped: a *.json entry that is
// not a regular file (or a symlink to one) -- a dangling symlink, a directory, a FIFO, a device
// -- is an error naming it, and so is an identity/, scp/ or rcp/ that exists but is not a
// directory.
// The paths returned start with `directory`.
[[nodiscard]] Result<PolicyFiles> listPolicyDirectory(const std::string& directory);
// listPolicyDirectory() then loadPolicySet(), except that each policy is named by its path
// relative to the directory ("identity/force_mfa.json"), so that decisions do not reveal where
// the directory is.
[[nodiscard]] Result<std::shared_ptr<const PolicySet>> loadPolicyDirectory(
    const std::string& directory);

// Parses one request from JSON (policysim's shape or the simulate-custom-policy input, as
// `policysim check --context` reads; engine/request_json.h). More than one action x resource
// is InvalidArgument: use engine::parseRequests() for those.
[[nodiscard]] Result<Request> parseRequest(std::string_view json,
                                           const std::string& name = "request");

// Builds a Request field by field. Context keys are case-insensitive; setting the same key twice
// makes build() fail with InvalidArgument.
class RequestBuilder {
 public:
  // Empty: none named, the simulator's caller (semantics §4.8a); "*": anonymous (§4.8).
  RequestBuilder& principal(std::string arn);
  RequestBuilder& action(std::string action);  // "service:Action"
  RequestBuilder& resource(std::string arn);   // default "*"
  // The organization's management account (12 digits): no SCPs for its principals, no RCPs
  // for its resources (semantics §4.7).
  RequestBuilder& managementAccount(std::string account);
  RequestBuilder& setString(std::string_view key, std::string value);
  RequestBuilder& setStrings(std::string_view key, std::vector<std::string> values);  // multivalued
  RequestBuilder& setBool(std::string_view key, bool value);
  RequestBuilder& setNumber(std::string_view key, std::int64_t value);
  RequestBuilder& setDate(std::string_view key, std::string iso8601);  // "2026-11-22T10:00:00Z"
  RequestBuilder& setIp(std::string_view key, std::string address);
  RequestBuilder& set(std::string_view key, ContextValue value);

  // The request, or the first error (missing action, duplicate key).
  [[nodiscard]] Result<Request> build() const&;
  [[nodiscard]] Result<Request> build() &&;

 private:
  Request request_;
  std::string error_;
};

// A decision together with the PolicySet its string_views point into: an Evaluation stays valid
// however long it is kept, even after the caller has swapped in a new set (hot reload).
struct Evaluation {
  std::shared_ptr<const PolicySet> policySet;
  Decision decision;

  [[nodiscard]] bool allowed() const { return decision.kind == DecisionKind::Allowed; }
};

// Decides `request`. explain: also fill Decision::reason and the per-statement explanations.
// Never fails: a null set, or a failure inside, is an implicitDeny with the problem in
// Decision::errors.
[[nodiscard]] Evaluation evaluate(std::shared_ptr<const PolicySet> policySet,
                                  const Request& request, bool explain = false);

// The decision as one JSON object (the `policysim check --format json` shape; with the
// per-statement "statements" array when it was evaluated with explain).
[[nodiscard]] std::string toJson(const Request& request, const Evaluation& evaluation);

}  // namespace policysim
