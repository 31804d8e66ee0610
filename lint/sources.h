// Finding the policies in a file: a plain policy document (JSON), a CloudFormation template
// (JSON or YAML; policies of AWS::IAM::*, bucket/queue/topic/key/secret/repository policies,
// SCPs) or a Terraform plan (`terraform show -json`; aws_iam_*, aws_s3_bucket_policy, ...).
// Policies written as JSON strings inside a template or plan are parsed in turn, and their
// positions mapped back to the characters of the string in the file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "lint/node.h"

namespace policysim::lint {

enum class InputFormat {
  PolicyJson,
  CloudFormationJson,
  CloudFormationYaml,
  TerraformPlan,
  AuthorizationDetails,  // `aws iam get-account-authorization-details` output
};
// "policy", "cloudformation-json", "cloudformation-yaml", "terraform-plan",
// "authorization-details".
[[nodiscard]] const char* inputFormatName(InputFormat format);

// The role a policy plays; decides which elements it needs or must not have.
enum class PolicyType { Identity, Resource, Trust, Scp, Boundary, Session };
// "identity", "resource", "trust", "scp", "boundary", "session".
[[nodiscard]] const char* policyTypeName(PolicyType type);
[[nodiscard]] std::optional<PolicyType> parsePolicyType(std::string_view text);

// A suppression written inside the file itself: a CloudFormation resource's (or the template's)
// `Metadata: policysim: ignore: [{rule, reason, sid}]`, or a `Metadata: checkov: skip:
// [{id, comment}]` entry (docs/lint.md). Applies to the policies of that resource (or template).
struct InlineSuppression {
  std::string rule;      // a policysim rule id, or (from checkov) a checkov check id
  std::string reason;    // required, non-empty
  std::string sid;       // empty: any statement
  bool checkov = false;  // from checkov's skip list: `rule` may be a checkov id
};

// One policy found in a file. `root` points into the SourceFile that found it.
struct PolicyInput {
  const Node* root = nullptr;
  PolicyType type = PolicyType::Identity;
  // Where the policy sits in a template or plan, e.g.
  // "Resources.AppRole.Properties.AssumeRolePolicyDocument" or
  // "aws_iam_role.app.assume_role_policy"; empty for a plain policy file.
  std::string label;
  // Appended to each finding's message (e.g. the principals a managed policy is attached to);
  // not part of the policy's identity.
  std::string note;
  std::vector<InlineSuppression> suppressions;
};

// A problem that stops a file (or an embedded policy) from being read: invalid JSON or YAML.
struct ReadProblem {
  std::string message;
  Position position;
  std::string label;  // the embedded policy it belongs to, if any
};

struct SourceFile {
  bool recognized = false;  // false: not a policy, template or plan; the file is skipped
  InputFormat format = InputFormat::PolicyJson;
  std::unique_ptr<Node> root;
  std::vector<std::unique_ptr<Node>> embedded;  // policies parsed from JSON strings
  std::vector<PolicyInput> policies;
  std::vector<ReadProblem> problems;
};

struct SourceOptions {
  // The file was named on the command line: read it as a policy even when it does not look
  // like one (so a broken file is reported rather than skipped).
  bool named = false;
  // The type of a plain policy file; when unset it is inferred (Principal -> resource policy,
  // only sts:AssumeRole*-style actions -> role trust policy, otherwise identity).
  std::optional<PolicyType> policyType;
};

// The encodings a file's text is read in, told by its byte order mark.
enum class TextEncoding { Utf8, Utf8WithBom, Utf16Le, Utf16Be };

struct Utf8Text {
  std::string_view text;  // UTF-8, without the byte order mark
  TextEncoding encoding = TextEncoding::Utf8;
};

// A file's bytes as UTF-8 text: a UTF-8 byte order mark is dropped, UTF-16 with a byte order
// mark (what Windows PowerShell's `>` writes, e.g. `terraform show -json > plan.json`) is
// converted into *storage. Text without a byte order mark is taken as UTF-8 (the parsers check
// it). InvalidArgument, with the line and column reached, names what cannot be read that way:
// UTF-32, UTF-16 without a byte order mark, an odd number of UTF-16 bytes, an unpaired
// surrogate. REQUIRES: *storage outlives the returned view.
[[nodiscard]] engine::Result<Utf8Text> readAsUtf8(std::string_view bytes, std::string* storage);

// Reads a file's text (any encoding readAsUtf8 accepts). `path` decides the format by extension
// (.yaml/.yml: YAML; .json: JSON; others: by the first character). JSON is a Terraform plan, a
// CloudFormation template, `aws iam get-account-authorization-details` output (told by its
// UserDetailList/GroupDetailList/RoleDetailList/Policies lists) or a policy. Positions are in the
// UTF-8 text: for a UTF-16 file, columns count UTF-8 bytes (characters, for ASCII).
[[nodiscard]] SourceFile loadSource(std::string_view path, std::string_view text,
                                    const SourceOptions& options);

}  // namespace policysim::lint
