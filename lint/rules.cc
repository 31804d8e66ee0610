// The rule catalogue. Ids are stable: a retired rule keeps its id unused. Examples are linted
// by tests/lint/lint_test.cc (each bad example must trigger its rule, each good one must not).
#include "lint/rules.h"

#include <algorithm>
#include <array>

#include "engine/request.h"
#include "grammar/ascii.h"

namespace policysim::lint {

namespace {

using S = LintSeverity;

// One rule per entry, prose wrapped by hand.
// clang-format off
constexpr std::array kRules = {
    // ---- PS1xx: grammar (what AWS rejects or reads differently from what is written) ----
    RuleInfo{"PS100", "invalid-syntax", S::Error, "grammar",
        "The file is not valid JSON or YAML, or not in an encoding policysim reads.",
        "AWS refuses a policy that is not well-formed JSON. The position is where the parser "
        "stopped; nothing else in the file can be checked until it parses. Files are read as "
        "UTF-8 (a byte order mark is fine) or as UTF-16 with a byte order mark; UTF-16 without "
        "one and UTF-32 are named as such. A .json file found in a directory is reported even "
        "when nothing says it is a policy: list files that are not under ignorePaths.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer JSON_SYNTAX_ERROR; Parliament MALFORMED_JSON"},
    RuleInfo{"PS101", "duplicate-key", S::Error, "grammar",
        "The same JSON key appears twice in one object.",
        "IAM rejects repeated keys at every level (two Effect elements, two StringEquals blocks "
        "in one Condition). Most JSON libraries silently keep the last one, so the policy you "
        "review is not the policy a tool sends.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]})",
        "IAM grammar; policysim check rejects it"},
    RuleInfo{"PS102", "unknown-element", S::Error, "grammar",
        "An element IAM does not know (a misspelled Statement, Resources, Conditions...).",
        "Top-level keys are Version, Id and Statement; statement keys are Sid, Effect, Principal, "
        "NotPrincipal, Action, NotAction, Resource, NotResource and Condition. Anything else is "
        "rejected.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resources": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer INVALID_POLICY_ELEMENT; cfn-lint E3510/E3512 (policy schema)"},
    RuleInfo{"PS103", "missing-element", S::Error, "grammar",
        "A required element is missing (Statement, Effect, Action, Resource, Principal).",
        "Every statement needs Effect and Action or NotAction; identity policies need Resource or "
        "NotResource; resource-based policies need Principal or NotPrincipal.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]})",
        "Access Analyzer MISSING_ACTION, MISSING_EFFECT, MISSING_RESOURCE, MISSING_PRINCIPAL, "
        "MISSING_STATEMENT"},
    RuleInfo{"PS104", "invalid-element-type", S::Error, "grammar",
        "An element has the wrong JSON type or shape.",
        "Statement is an object or an array of objects; Action, Resource and principal values are "
        "strings or arrays of strings; Condition maps operators to {key: values}; condition "
        "values are strings, numbers or booleans.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", 7], "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]})",
        "Access Analyzer DATA_TYPE_MISMATCH; Parliament MALFORMED; cfn-lint E3510/E3512 (policy "
        "schema)"},
    RuleInfo{"PS105", "invalid-effect", S::Error, "grammar",
        "Effect is not \"Allow\" or \"Deny\" (the value is case-sensitive).",
        "AWS rejects any other value, including \"allow\".",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer INVALID_EFFECT; cfn-lint E3510/E3512 (policy schema)"},
    RuleInfo{"PS106", "invalid-version", S::Error, "grammar",
        "Version is neither \"2012-10-17\" nor \"2008-10-17\" (SCPs need 2012-10-17).",
        "Version is the language version, not a date you choose. Use \"2012-10-17\": it is the "
        "only version that enables policy variables.",
        R"({"Version": "2024-01-01", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer INVALID_VERSION; Parliament INVALID_VERSION; cfn-lint E3510/E3512 "
        "(policy schema)"},
    RuleInfo{"PS107", "missing-version", S::Warning, "grammar",
        "The policy has no Version element.",
        "Without Version, policy variables such as ${aws:username} are plain text, so a Resource "
        "meant for one user's folder matches a folder literally named \"${aws:username}\". Always "
        "write \"Version\": \"2012-10-17\".",
        R"({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer MISSING_VERSION; Parliament NO_VERSION"},
    RuleInfo{"PS108", "conflicting-elements", S::Error, "grammar",
        "A statement has both X and NotX (Action/NotAction, Resource/NotResource, "
        "Principal/NotPrincipal).",
        "AWS rejects the combination; use one or the other.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:DeleteBucket", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]})",
        "Access Analyzer UNSUPPORTED_ELEMENT_COMBINATION"},
    RuleInfo{"PS109", "element-not-allowed", S::Error, "grammar",
        "An element the policy type forbids: Principal in an identity policy or SCP, Resource or "
        "NotPrincipal in a role trust policy, NotPrincipal or NotAction in an RCP.",
        "Identity-based policies apply to the principal they are attached to and cannot name "
        "principals; a role trust policy is about the role itself and has no Resource.",
        R"({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}]}}}}})",
        R"({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}}})",
        "Access Analyzer UNSUPPORTED_PRINCIPAL, ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE, "
        "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL"},
    RuleInfo{"PS110", "not-principal-with-allow", S::Error, "grammar",
        "NotPrincipal is used with \"Effect\": \"Allow\".",
        "NotPrincipal is supported only with Deny. With Allow it would grant access to everyone "
        "except the listed principals, anonymous callers included.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})",
        "Access Analyzer ALLOW_WITH_NOTPRINCIPAL; cfn_nag W14-W23"},
    RuleInfo{"PS111", "invalid-principal", S::Error, "grammar",
        "A principal that AWS rejects: unknown type key, partial wildcard, or a string other than "
        "\"*\".",
        "Principal is \"*\" or an object whose keys are AWS, Service, Federated or CanonicalUser. "
        "Wildcards inside principal values (arn:aws:iam::*:role/x) are not supported: use \"*\" "
        "with a condition on aws:PrincipalArn.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:role/deploy"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/deploy"}}}]})",
        "Access Analyzer INVALID_PRINCIPAL_KEY, UNSUPPORTED_WILDCARD_IN_PRINCIPAL; Parliament "
        "UNKNOWN_PRINCIPAL"},
    RuleInfo{"PS112", "invalid-action", S::Error, "grammar",
        "An action that is not \"service:Action\" or \"*\", or has a wildcard in its service "
        "prefix.",
        "Actions are a service prefix, a colon and an action name (wildcards allowed in the name "
        "only).",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3*:GetObject", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer WILDCARD_IN_SERVICE_NAME; policysim check rejects it"},
    RuleInfo{"PS113", "invalid-resource", S::Error, "grammar",
        "A Resource that is not \"*\" or an ARN: no arn: prefix, fewer than six fields, or an "
        "upper-case service.",
        "A resource pattern with fewer than six colon-separated fields and no trailing '*' "
        "matches nothing, so the statement silently does nothing.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "my-bucket/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}]})",
        "Access Analyzer INVALID_ARN_PREFIX, MISSING_ARN_FIELD, INVALID_ARN_SERVICE_CASE; "
        "Parliament INVALID_ARN"},
    RuleInfo{"PS114", "unknown-operator", S::Error, "grammar",
        "An unknown condition operator (misspelled, wrong case, or NullIfExists).",
        "Operator names are case-sensitive and exactly as AWS spells them; Null cannot take "
        "IfExists.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqual": {"aws:PrincipalTag/team": "a"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a"}}}]})",
        "Access Analyzer INVALID_CONDITION_OPERATOR, NULL_WITH_IF_EXISTS; Parliament "
        "UNKNOWN_OPERATOR"},
    RuleInfo{"PS115", "duplicate-condition-key", S::Error, "grammar",
        "The same condition key appears twice under one operator, differing only in case.",
        "Condition key names are case-insensitive, so AWS rejects the block.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a", "aws:principaltag/Team": "b"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}}]})",
        "Access Analyzer DUPLICATE_KEYS_WITH_DIFFERENT_CASE"},
    RuleInfo{"PS116", "malformed-condition-key", S::Error, "grammar",
        "A condition key that is not \"service:name\", or a tag key family without the tag "
        "(aws:ResourceTag/).",
        "Keys are a service prefix, a colon and a name; the tag families need the tag key after "
        "the slash.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/": "prod"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}}]})",
        "Access Analyzer INVALID_CONDITION_KEY_FORMAT, MISSING_TAG_KEY_IN_CONDITION"},
    RuleInfo{"PS117", "invalid-condition-value", S::Error, "grammar",
        "A condition value the operator cannot read (not a number, date, boolean, CIDR, base64 or "
        "six-field ARN).",
        "AWS's validator reports these as errors. policysim check fails such a statement closed "
        "(an Allow never applies, a Deny always applies), which is rarely what the author meant.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
        "Access Analyzer TYPE_MISMATCH_NUMBER/_DATE/_BOOLEAN/_IP_RANGE/_STRING; Parliament "
        "MISMATCHED_TYPE_OPERATION_TO_NULL"},
    RuleInfo{"PS118", "malformed-variable", S::Error, "grammar",
        "A policy variable that does not parse: missing '}', empty ${}, a space in the key, or a "
        "default without single quotes.",
        "AWS rejects the policy. Defaults are written ${key, 'default'}.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]})",
        "Access Analyzer MISSING_BRACE_IN_VARIABLE, EMPTY_VARIABLE, "
        "UNSUPPORTED_SPACE_IN_VARIABLE, MISSING_QUOTE_IN_VARIABLE"},
    RuleInfo{"PS119", "variable-without-version", S::Error, "grammar",
        "A policy variable in a policy whose Version is 2008-10-17 or missing.",
        "Only \"Version\": \"2012-10-17\" enables variables; otherwise ${aws:username} is literal "
        "text and the statement matches something else than intended.",
        R"({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]})",
        "Access Analyzer VARIABLE_UNSUPPORTED_IN_VERSION; Parliament OLD_VERSION"},
    RuleInfo{"PS120", "variable-not-allowed", S::Error, "grammar",
        "A policy variable where IAM does not substitute it: Action, Principal, a condition key "
        "name, or a Numeric/Date/Bool/IP/Binary/Null value.",
        "Variables work only in Resource and in String and ARN condition values.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:PrincipalTag/limit}"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"NumericLessThan": {"s3:max-keys": "100"}}}]})",
        "Access Analyzer VARIABLE_UNSUPPORTED_IN_ELEMENT, INVALID_VARIABLE_FOR_OPERATOR"},
    RuleInfo{"PS121", "duplicate-sid", S::Error, "grammar",
        "Two statements have the same Sid.",
        "IAM requires unique Sids in identity policies and several services do in resource "
        "policies; duplicates also make findings and explanations ambiguous.",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, {"Sid": "ListBuckets", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})",
        "Access Analyzer UNIQUE_SIDS_REQUIRED / UNIQUE_SIDS_RECOMMENDED; Parliament DUPLICATE_SID"},
    RuleInfo{"PS122", "invalid-sid", S::Error, "grammar",
        "A Sid with characters IAM does not accept (only A-Z, a-z, 0-9).",
        "IAM rejects other characters in identity policies, permissions boundaries and role trust "
        "policies (other services' resource policies are more lenient and not checked).",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "read objects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer UNSUPPORTED_SID; Parliament INVALID_SID"},
    RuleInfo{"PS123", "empty-sid", S::Suggestion, "grammar",
        "A statement has \"Sid\": \"\".",
        "An empty Sid names nothing; remove it or give the statement a name.",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer EMPTY_SID_VALUE"},
    RuleInfo{"PS124", "empty-value", S::Warning, "grammar",
        "An empty list or object (Statement, Action, Resource, Principal, Condition, condition "
        "values): the element matches nothing.",
        "A statement with an empty Action or Resource list grants or denies nothing; an empty "
        "condition value list never matches (ForAllValues: only when the key is missing). Usually "
        "a templating accident.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]})",
        "Access Analyzer EMPTY_ARRAY_ACTION/_RESOURCE/_PRINCIPAL/_CONDITION, "
        "EMPTY_OBJECT_CONDITION/_PRINCIPAL"},
    RuleInfo{"PS125", "wildcard-without-like", S::Warning, "grammar",
        "A '*' or '?' in the value of a StringEquals-style operator, where it is a literal "
        "character.",
        "Only StringLike/StringNotLike (and the Arn operators) treat '*' and '?' as wildcards. "
        "StringEquals \"team-*\" matches only the text \"team-*\".",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "web-*"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalTag/team": "web-*"}}}]})",
        "Access Analyzer WILDCARD_WITHOUT_LIKE_OPERATOR"},
    RuleInfo{"PS126", "multiple-bool-values", S::Warning, "grammar",
        "A Bool condition lists more than one value.",
        "Values are ORed, so [\"true\", \"false\"] matches any present value: the condition then "
        "only tests that the key exists.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": ["true", "false"]}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]})",
        "Access Analyzer INVALID_CONDITION_MULTIPLE_BOOLEAN"},
    RuleInfo{"PS127", "null-with-qualifier", S::Suggestion, "grammar",
        "Null is combined with ForAllValues: or ForAnyValue:.",
        "Null tests whether a key is present; a set qualifier makes the result constant.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"ForAllValues:Null": {"aws:TagKeys": "false"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"Null": {"aws:TagKeys": "false"}}}]})",
        "Access Analyzer NULL_WITH_QUALIFIER"},
    RuleInfo{"PS128", "epoch-date", S::Warning, "grammar",
        "A Date operator compared with epoch seconds instead of an ISO 8601 date.",
        "Epoch values are accepted but easy to get wrong (milliseconds, time zones); "
        "\"2026-01-01T00:00:00Z\" says what it means.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "1767225600"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}}]})",
        "Access Analyzer INVALID_DATE_VALUE"},
    RuleInfo{"PS129", "ip-host-bits", S::Suggestion, "grammar",
        "A CIDR block with bits set after the prefix (203.0.113.5/24).",
        "The host bits are ignored: 203.0.113.5/24 means 203.0.113.0/24. Write the network you "
        "mean, or /32 for one address.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.5/24"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
        "Access Analyzer IMPROVE_IP_RANGE"},
    RuleInfo{"PS130", "too-many-variables", S::Warning, "grammar",
        "A Resource, NotResource or condition value with more than 8 policy variables.",
        "Valid IAM, but over policysim's limit of 8 variables per value: policysim check cannot "
        "evaluate the value, so the statement fails closed (an Allow never applies, a Deny "
        "always applies). Split the value or use fewer variables.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}${aws:username}${aws:username}${aws:username}${aws:username}${aws:username}${aws:username}${aws:username}${aws:username}"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]})",
        "policysim check (engine limit kMaxSlots)"},
    RuleInfo{"PS131", "invalid-principal-arn", S::Error, "grammar",
        "An AWS principal that is not an account id or a well-formed IAM/STS ARN "
        "(\"arn:aws::iam::123456789012:root\", \"arn:aws:iam::123456789012/role/x\", an S3 "
        "ARN, an 11-digit account, a group), or a Federated ARN that is not a SAML or OIDC "
        "provider.",
        "AWS rejects the policy (\"Invalid principal in policy\"). An AWS principal is a 12-digit "
        "account id, arn:PARTITION:iam::ACCOUNT:root, a role, user, assumed-role or "
        "federated-user ARN (iam or sts, no region), or a CloudFront origin access identity; "
        "groups cannot be principals.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333/role/deploy"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/deploy"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})",
        "IAM MalformedPolicyDocument \"Invalid principal in policy\"; Parliament "
        "UNKNOWN_PRINCIPAL"},
    RuleInfo{"PS132", "policy-too-large", S::Error, "grammar",
        "The policy is longer than AWS's quota for its kind: a service control policy over 5,120 "
        "characters, a managed policy over 6,144, a user's, group's or role's inline policy over "
        "2,048, 5,120 or 10,240.",
        "AWS rejects the policy (LimitExceeded). IAM counts characters without white space "
        "(IAM and AWS STS quotas, \"IAM and STS character limits\": "
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); the "
        "figure reported is the length of the minified JSON. AWS Organizations caps SCPs at "
        "5,120 characters and counts white space too when the policy is saved through the API "
        "(Quotas for AWS Organizations: "
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html), "
        "so the count here is a lower bound for SCPs. Inline limits are per user, group or role "
        "in total; one policy over them is certainly rejected. Reported only when the kind is "
        "certain (an SCP, or the Terraform resource type); otherwise see PS133. Types with quotas "
        "of their own: RCP 5,120 characters, VPC endpoint 20,480, KMS key 32 KB, CloudWatch "
        "Logs 5,120, Lambda function 20 KB, SQS 8,192 bytes, SNS 30 KB, ECR 10,240, S3 bucket "
        "20 KB, DynamoDB 20 KB, EventBridge bus 10 KB (AWS::EventsV2 policies: 20 KB, "
        "adjustable, not checked); Secrets Manager's 20,480 is not confirmed in AWS's pages, so "
        "only PS133 (docs/lint.md, \"Policy types\"); a type given by the template, "
        "plan, --type or the config is certain, an inferred one is not.",
        R"({"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_iam_user_policy.reports","mode":"managed","type":"aws_iam_user_policy","name":"reports","values":{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":[\"arn:aws:s3:::reports-00/*\",\"arn:aws:s3:::reports-01/*\",\"arn:aws:s3:::reports-02/*\",\"arn:aws:s3:::reports-03/*\",\"arn:aws:s3:::reports-04/*\",\"arn:aws:s3:::reports-05/*\",\"arn:aws:s3:::reports-06/*\",\"arn:aws:s3:::reports-07/*\",\"arn:aws:s3:::reports-08/*\",\"arn:aws:s3:::reports-09/*\",\"arn:aws:s3:::reports-10/*\",\"arn:aws:s3:::reports-11/*\",\"arn:aws:s3:::reports-12/*\",\"arn:aws:s3:::reports-13/*\",\"arn:aws:s3:::reports-14/*\",\"arn:aws:s3:::reports-15/*\",\"arn:aws:s3:::reports-16/*\",\"arn:aws:s3:::reports-17/*\",\"arn:aws:s3:::reports-18/*\",\"arn:aws:s3:::reports-19/*\",\"arn:aws:s3:::reports-20/*\",\"arn:aws:s3:::reports-21/*\",\"arn:aws:s3:::reports-22/*\",\"arn:aws:s3:::reports-23/*\",\"arn:aws:s3:::reports-24/*\",\"arn:aws:s3:::reports-25/*\",\"arn:aws:s3:::reports-26/*\",\"arn:aws:s3:::reports-27/*\",\"arn:aws:s3:::reports-28/*\",\"arn:aws:s3:::reports-29/*\",\"arn:aws:s3:::reports-30/*\",\"arn:aws:s3:::reports-31/*\",\"arn:aws:s3:::reports-32/*\",\"arn:aws:s3:::reports-33/*\",\"arn:aws:s3:::reports-34/*\",\"arn:aws:s3:::reports-35/*\",\"arn:aws:s3:::reports-36/*\",\"arn:aws:s3:::reports-37/*\",\"arn:aws:s3:::reports-38/*\",\"arn:aws:s3:::reports-39/*\",\"arn:aws:s3:::reports-40/*\",\"arn:aws:s3:::reports-41/*\",\"arn:aws:s3:::reports-42/*\",\"arn:aws:s3:::reports-43/*\",\"arn:aws:s3:::reports-44/*\",\"arn:aws:s3:::reports-45/*\",\"arn:aws:s3:::reports-46/*\",\"arn:aws:s3:::reports-47/*\",\"arn:aws:s3:::reports-48/*\",\"arn:aws:s3:::reports-49/*\",\"arn:aws:s3:::reports-50/*\",\"arn:aws:s3:::reports-51/*\",\"arn:aws:s3:::reports-52/*\",\"arn:aws:s3:::reports-53/*\",\"arn:aws:s3:::reports-54/*\",\"arn:aws:s3:::reports-55/*\",\"arn:aws:s3:::reports-56/*\",\"arn:aws:s3:::reports-57/*\",\"arn:aws:s3:::reports-58/*\",\"arn:aws:s3:::reports-59/*\",\"arn:aws:s3:::reports-60/*\",\"arn:aws:s3:::reports-61/*\",\"arn:aws:s3:::reports-62/*\",\"arn:aws:s3:::reports-63/*\",\"arn:aws:s3:::reports-64/*\",\"arn:aws:s3:::reports-65/*\",\"arn:aws:s3:::reports-66/*\",\"arn:aws:s3:::reports-67/*\",\"arn:aws:s3:::reports-68/*\",\"arn:aws:s3:::reports-69/*\",\"arn:aws:s3:::reports-70/*\",\"arn:aws:s3:::reports-71/*\",\"arn:aws:s3:::reports-72/*\",\"arn:aws:s3:::reports-73/*\",\"arn:aws:s3:::reports-74/*\",\"arn:aws:s3:::reports-75/*\",\"arn:aws:s3:::reports-76/*\",\"arn:aws:s3:::reports-77/*\",\"arn:aws:s3:::reports-78/*\",\"arn:aws:s3:::reports-79/*\"]}]}"}}]}}})",
        R"({"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_iam_user_policy.reports","mode":"managed","type":"aws_iam_user_policy","name":"reports","values":{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::reports-*/*\"}]}"}}]}}})",
        "IAM LimitExceeded; Organizations ConstraintViolationException "
        "(POLICY_CONTENT_LIMIT_EXCEEDED)"},
    RuleInfo{"PS133", "policy-size-over-quota", S::Warning, "grammar",
        "The policy is longer than the quota of the kind it most likely is: an identity policy "
        "over 6,144 characters (the managed policy quota), a role trust policy over 2,048 (the "
        "default quota).",
        "Counted as PS132 counts. An identity policy over 6,144 characters cannot be a customer "
        "managed policy and, inline, fits only a role (10,240 characters for all of its inline "
        "policies); a trust policy over 2,048 characters needs the account's quota raised in "
        "Service Quotas first. A warning because the file does not say which kind the policy "
        "is (or what the account's quota is); AWS managed policies are not bound by it.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/deploy-000", "arn:aws:iam::111122223333:role/deploy-001", "arn:aws:iam::111122223333:role/deploy-002", "arn:aws:iam::111122223333:role/deploy-003", "arn:aws:iam::111122223333:role/deploy-004", "arn:aws:iam::111122223333:role/deploy-005", "arn:aws:iam::111122223333:role/deploy-006", "arn:aws:iam::111122223333:role/deploy-007", "arn:aws:iam::111122223333:role/deploy-008", "arn:aws:iam::111122223333:role/deploy-009", "arn:aws:iam::111122223333:role/deploy-010", "arn:aws:iam::111122223333:role/deploy-011", "arn:aws:iam::111122223333:role/deploy-012", "arn:aws:iam::111122223333:role/deploy-013", "arn:aws:iam::111122223333:role/deploy-014", "arn:aws:iam::111122223333:role/deploy-015", "arn:aws:iam::111122223333:role/deploy-016", "arn:aws:iam::111122223333:role/deploy-017", "arn:aws:iam::111122223333:role/deploy-018", "arn:aws:iam::111122223333:role/deploy-019", "arn:aws:iam::111122223333:role/deploy-020", "arn:aws:iam::111122223333:role/deploy-021", "arn:aws:iam::111122223333:role/deploy-022", "arn:aws:iam::111122223333:role/deploy-023", "arn:aws:iam::111122223333:role/deploy-024", "arn:aws:iam::111122223333:role/deploy-025", "arn:aws:iam::111122223333:role/deploy-026", "arn:aws:iam::111122223333:role/deploy-027", "arn:aws:iam::111122223333:role/deploy-028", "arn:aws:iam::111122223333:role/deploy-029", "arn:aws:iam::111122223333:role/deploy-030", "arn:aws:iam::111122223333:role/deploy-031", "arn:aws:iam::111122223333:role/deploy-032", "arn:aws:iam::111122223333:role/deploy-033", "arn:aws:iam::111122223333:role/deploy-034", "arn:aws:iam::111122223333:role/deploy-035", "arn:aws:iam::111122223333:role/deploy-036", "arn:aws:iam::111122223333:role/deploy-037", "arn:aws:iam::111122223333:role/deploy-038", "arn:aws:iam::111122223333:role/deploy-039", "arn:aws:iam::111122223333:role/deploy-040", "arn:aws:iam::111122223333:role/deploy-041", "arn:aws:iam::111122223333:role/deploy-042", "arn:aws:iam::111122223333:role/deploy-043", "arn:aws:iam::111122223333:role/deploy-044", "arn:aws:iam::111122223333:role/deploy-045", "arn:aws:iam::111122223333:role/deploy-046", "arn:aws:iam::111122223333:role/deploy-047", "arn:aws:iam::111122223333:role/deploy-048", "arn:aws:iam::111122223333:role/deploy-049"]}, "Action": "sts:AssumeRole"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/deploy"}, "Action": "sts:AssumeRole"}]})",
        "IAM LimitExceeded (role trust policy length, managed policy length)"},

    RuleInfo{"PS134", "rcp-syntax", S::Error, "grammar",
        "A resource control policy statement AWS Organizations rejects: a Principal other than "
        "\"*\", or an Allow that is not the RCPFullAWSAccess form.",
        "RCPs name every principal (\"*\") and narrow them with conditions (aws:PrincipalOrgID, "
        "aws:PrincipalArn); Allow is supported only in RCPFullAWSAccess (Principal, Action and "
        "Resource \"*\", no Condition), which AWS attaches everywhere. Custom statements deny. "
        "NotPrincipal and NotAction are PS109 (RCP syntax: "
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html).",
        R"({"Resources": {"P": {"Type": "AWS::Organizations::Policy", "Properties": {"Name": "guard", "Type": "RESOURCE_CONTROL_POLICY", "Content": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"}]}}}}})",
        R"({"Resources": {"P": {"Type": "AWS::Organizations::Policy", "Properties": {"Name": "guard", "Type": "RESOURCE_CONTROL_POLICY", "Content": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}}}}})",
        "Access Analyzer ValidatePolicy (policy type RESOURCE_CONTROL_POLICY); AWS Organizations "
        "MalformedPolicyDocumentException; policysim check rejects it"},
    RuleInfo{"PS135", "rcp-unsupported-service", S::Warning, "grammar",
        "An action in a resource control policy of a service RCPs do not apply to (ec2:, iam:, "
        "lambda:...).",
        "RCPs apply only to the actions of the services AWS Organizations lists (\"List of AWS "
        "services that support RCPs\": "
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html; "
        "62 prefixes as of 2026-09-26, engine::kRcpServices): aoss, appconfig, appstream, "
        "autoscaling, autoscaling-plans, budgets, clouddirectory, cloudfront, cloudsearch, "
        "cloudtrail-data, codeartifact, codebuild, codecommit, codepipeline, cognito-identity, "
        "cognito-idp, comprehend, comprehendmedical, compute-optimizer, cost-optimization-hub, dax, "
        "dsql, dynamodb, ecr, ecr-public, events, firehose, fis, fms, gamelift, health, "
        "inspector-scan, kendra, kinesisvideo, kms, logs, memorydb, networkmonitor, notifications, "
        "opensearch, pca-connector-ad, personalize, polly, pricing, resource-groups, rolesanywhere, "
        "s3, secretsmanager, servicediscovery, signin, sqs, sts, support, swf, textract, "
        "timestream-influxdb, transcribe, transfer, translate, wafv2, workspaces, xray; "
        "for other services' actions the RCP is not evaluated, so the statement does nothing "
        "for them. Use an SCP to restrict those. A warning: AWS accepts the policy.",
        R"({"Resources": {"P": {"Type": "AWS::Organizations::Policy", "Properties": {"Name": "guard", "Type": "RESOURCE_CONTROL_POLICY", "Content": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}}}}})",
        R"({"Resources": {"P": {"Type": "AWS::Organizations::Policy", "Properties": {"Name": "guard", "Type": "RESOURCE_CONTROL_POLICY", "Content": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}}}}})",
        "policysim check (RCPs skipped for these services)"},
    RuleInfo{"PS136", "foreign-service-action", S::Warning, "grammar",
        "An action of another service in a one-service resource policy (s3:GetObject in a KMS key "
        "policy, sqs: in an SNS topic policy).",
        "A resource-based policy is consulted only for requests to the resource it is attached to, "
        "and those are requests for that service's actions: another service's action in it "
        "never applies. Types with a service: sqs-queue, sns-topic, kms-key, ecr-repository, "
        "lambda-function, secretsmanager-secret, eventbridge-bus (events:), logs-resource, "
        "s3-access-point (s3: and s3-object-lambda:), s3-bucket, dynamodb-table, "
        "apigateway-rest-api (execute-api:), backup-vault, glacier-vault, efs-file-system "
        "(elasticfilesystem:), codeartifact, glue-catalog, opensearch-domain (es:). A warning: "
        "some services accept the policy.",
        R"({"Resources": {"P": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["kms:*", "s3:GetObject"], "Resource": "*"}]}}}}})",
        R"({"Resources": {"P": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}}}}})",
        "Access Analyzer ValidatePolicy with a resource type (validatePolicyResourceType)"},
    RuleInfo{"PS137", "foreign-resource-arn", S::Warning, "grammar",
        "A Resource ARN of another service in a one-service resource policy (an SNS topic ARN in an "
        "SQS queue policy).",
        "The policy governs only its own resource, whose ARN is of the policy's service; a "
        "Resource naming another service's resource matches nothing, so the statement does "
        "nothing. In a KMS key policy Resource \"*\" means the key itself (AWS KMS, \"Creating a "
        "key policy\": https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).",
        R"({"Resources": {"P": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["https://sqs.us-east-1.amazonaws.com/111122223333/alerts"], "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sns:us-east-1:111122223333:alerts", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:alerts"}}}]}}}}})",
        R"({"Resources": {"P": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": ["https://sqs.us-east-1.amazonaws.com/111122223333/alerts"], "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:alerts", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:alerts"}}}]}}}}})",
        "Access Analyzer ValidatePolicy with a resource type (validatePolicyResourceType)"},
    RuleInfo{"PS138", "template-placeholder", S::Error, "grammar",
        "A value left as a template's placeholder: an action, resource, condition value or "
        "condition key prefix written \"<name>\", or a principal or condition value AWS would "
        "reject that holds one (\"arn:aws:iam::<account-id>:root\", \"<cidr>/24\").",
        "Published examples (AWS's data-perimeter policies among them) mark what you fill in "
        "with angle brackets: \"<my-corporate-cidr>\", \"<action>\", "
        "\"<third-party-resource-arn>\". Until replaced the value is malformed and AWS rejects "
        "the policy; this finding says so once, instead of the invalid-action, invalid-resource "
        "or invalid-condition-value error a real policy with that value would get. An error, "
        "like those: a policy still holding a placeholder must not pass CI (to lint a template "
        "library itself, lower PS138 to a warning in the config).",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "<my-corporate-cidr>"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
        "Access Analyzer reports these as the malformed values they are"},
    RuleInfo{"PS139", "logs-policy-not-enforced", S::Warning, "grammar",
        "A CloudWatch Logs resource policy statement AWS accepts but does not enforce: an action "
        "other than logs:PutLogEvents or logs:CreateLogStream, or a principal that is not an AWS "
        "service.",
        "CloudWatch Logs resource policies (PutResourcePolicy, AWS::Logs::ResourcePolicy, "
        "aws_cloudwatch_log_resource_policy) let AWS services deliver logs: \"Policy only "
        "supports logs:PutLogEvents and logs:CreateLogStream actions\" and \"only applies when "
        "operations are invoked by AWS service principals\"; statements for IAM users, roles or "
        "other accounts \"will not be enforced\" (CloudWatch Logs API Reference, "
        "PutResourcePolicy: "
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html). "
        "Grant those with IAM policies (cross-account subscriptions use a destination policy, "
        "another kind). A warning: AWS accepts the policy.",
        R"({"Resources": {"Logs": {"Type": "AWS::Logs::ResourcePolicy", "Properties": {"PolicyName": "partner", "PolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"Action\": \"logs:GetLogEvents\", \"Resource\": \"arn:aws:logs:us-east-1:444455556666:log-group:app:*\"}]}"}}}})",
        R"({"Resources": {"Logs": {"Type": "AWS::Logs::ResourcePolicy", "Properties": {"PolicyName": "route53", "PolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"route53.amazonaws.com\"}, \"Action\": [\"logs:CreateLogStream\", \"logs:PutLogEvents\"], \"Resource\": \"arn:aws:logs:us-east-1:444455556666:log-group:/aws/route53/*\", \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"444455556666\"}}}]}"}}}})",
        "CloudWatch Logs PutResourcePolicy restrictions"},

    // ---- PS2xx: the service authorization data (actions, condition keys, types) ----
    RuleInfo{"PS201", "unknown-service", S::Warning, "data",
        "An action or condition key names a service prefix the IAM data does not know.",
        "Usually a typo (s3a:GetObject). A warning, not an error, because the data is a snapshot: "
        "a service launched after it would be flagged too. Refresh the data with "
        "data/refresh-iam-data.sh or pass --iam-data.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3a:GetObject", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer INVALID_SERVICE_IN_ACTION; Parliament UNKNOWN_PREFIX"},
    RuleInfo{"PS202", "unknown-action", S::Warning, "data",
        "An action the service does not have (according to the IAM data).",
        "A misspelled action grants or denies nothing. A warning because stale data is the most "
        "common complaint about IAM linters; the message names the data version.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Access Analyzer INVALID_ACTION; Parliament UNKNOWN_ACTION; cfn-lint W3037"},
    RuleInfo{"PS203", "action-matches-nothing", S::Warning, "data",
        "An action pattern with wildcards that matches no action of the service.",
        "s3:Get*Objects matches nothing, so the statement does less than it seems to.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Fetch*", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})",
        "Parliament UNKNOWN_ACTION"},
    RuleInfo{"PS204", "unknown-global-condition-key", S::Warning, "data",
        "An aws: condition key that is not a global condition key.",
        "An unknown key is absent from every request: positive operators never match and negated "
        "ones always do. Often a typo (aws:SourceIP is fine, keys are case-insensitive; "
        "aws:SourceAddress is not a key).",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceAddress": "203.0.113.0/24"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
        "Access Analyzer INVALID_GLOBAL_CONDITION_KEY"},
    RuleInfo{"PS205", "unknown-service-condition-key", S::Warning, "data",
        "A service-specific condition key the IAM data does not list for that service.",
        "Like an unknown global key it is never in the request. A warning because the data may "
        "predate the key.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"s3:objecttag": "x"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/team": "x"}}}]})",
        "Access Analyzer INVALID_SERVICE_CONDITION_KEY; Parliament UNKNOWN_CONDITION_FOR_ACTION"},
    RuleInfo{"PS206", "condition-key-not-supported", S::Warning, "data",
        "A service condition key that none of the statement's actions supports.",
        "The key is absent from the requests of those actions, so an Allow conditioned on it "
        "never applies and a Deny conditioned on a positive operator never denies. The allowed "
        "keys of an action are its own plus those of its resource types, whichever service "
        "lists them (sts:AssumeRole carries iam:ResourceTag/...). A key the data lists for its "
        "service but links to no action (states:HTTPEndpoint) is not judged: the data cannot "
        "say which requests carry it. A warning because the data may miss a link.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*", "Condition": {"StringEquals": {"s3:prefix": "home/"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringEquals": {"s3:prefix": "home/"}}}]})",
        "Access Analyzer UNSUPPORTED_ACTION_FOR_CONDITION_KEY; Parliament "
        "UNKNOWN_CONDITION_FOR_ACTION"},
    RuleInfo{"PS207", "operator-type-mismatch", S::Warning, "data",
        "A condition operator of the wrong type for its key (StringEquals on a Numeric key, "
        "NumericEquals on a Date key...).",
        "The value is compared with the wrong rules: string comparison of numbers (\"900\" > "
        "\"1800\"), or a type error that fails the condition. Use the operator family of the "
        "key's type.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SecureTransport": "true"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]})",
        "Access Analyzer TYPE_MISMATCH; Parliament MISMATCHED_TYPE"},
    RuleInfo{"PS208", "missing-qualifier", S::Warning, "data",
        "A plain operator on a multivalued key (aws:TagKeys, aws:PrincipalOrgPaths...).",
        "A multivalued key can carry several values in one request (the tag keys of a request, "
        "the sources of an EventBridge rule's pattern). AWS accepts the plain operator, and AWS "
        "managed policies use it on EventBridge's keys, but AWS documents it only by example: a "
        "request with one matching value matches, a request with several does not. Say what "
        "several values should do with ForAllValues: (every value must match; also true when "
        "the key is absent) or ForAnyValue: (one must). policysim check evaluates the plain "
        "form as false when the request gives the key as a list.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"StringEquals": {"aws:TagKeys": "team"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}}]})",
        "Access Analyzer MISSING_QUALIFIER (an error there, though IAM accepts the policy)"},
    RuleInfo{"PS209", "forallvalues-single-valued-key", S::Security, "data",
        "ForAllValues: on a single-valued key.",
        "ForAllValues is true when the key is absent, so an Allow with it also grants requests "
        "that do not carry the key at all. Use the plain operator.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]})",
        "Access Analyzer FORALLVALUES_WITH_SINGLE_VALUED_KEY"},
    RuleInfo{"PS210", "foranyvalue-single-valued-key", S::Warning, "data",
        "ForAnyValue: on a single-valued key.",
        "It works like the plain operator but suggests the key holds a set; use the plain "
        "operator.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]})",
        "Parliament SINGLE_VALUE_CONDITION_TOO_PERMISSIVE"},
    RuleInfo{"PS211", "ifexists-no-effect", S::Suggestion, "data",
        "...IfExists that changes nothing: on a negated operator (already true when the key is "
        "absent) or on a key every request carries.",
        "IfExists only matters when the key can be absent and the operator would be false then. "
        "Remove it to say what the condition does.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})",
        "iam-semantics §3.6"},
    RuleInfo{"PS212", "foranyvalue-ifexists", S::Warning, "data",
        "ForAnyValue: combined with IfExists.",
        "The general IfExists rule suggests the condition is true when the key is absent, but AWS "
        "was observed returning false. Write the absent case explicitly with Null.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "team"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}}]})",
        "iam-semantics §3.3"},
    RuleInfo{"PS213", "allow-ifexists-optional-key", S::Warning, "data",
        "An Allow whose ...IfExists condition is on a key some callers never send (network, "
        "organization, source or MFA keys).",
        "IfExists makes the condition true when the key is absent, so callers without the key "
        "(requests through a VPC endpoint have no aws:SourceIp, principals outside an "
        "organization have no aws:PrincipalOrgID, long-term keys have no MFA keys) are granted "
        "without the check.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]})",
        "iam-semantics §3.3, §3.9"},
    RuleInfo{"PS214", "resource-type-mismatch", S::Warning, "data",
        "An action whose resource types no Resource value of the statement can name (s3:ListBucket "
        "on \"arn:aws:s3:::b/*\"), or an action without resource-level permissions on named "
        "resources.",
        "Each action acts on the resource types the Service Authorization Reference lists for it, "
        "with their ARN formats; an action with none takes only Resource \"*\". When no Resource "
        "value can name a resource of those types, the statement grants or denies nothing for the "
        "action. Wildcards are read generously: a pattern that could name an accepted type is "
        "not a mismatch, and an action pattern (s3:Get*) is reported only when none of the "
        "actions it matches fits. A warning because the data may miss a type.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::app-data/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-data/*"}, {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::app-data"}]})",
        "Parliament RESOURCE_MISMATCH; cfn-lint I3510 (statement resources match the actions)"},
    RuleInfo{"PS215", "string-operator-on-arn-key", S::Suggestion, "data",
        "A String operator (StringEquals, StringLike...) on a condition key of type ARN "
        "(aws:SourceArn, aws:PrincipalArn, lambda:FunctionArn...).",
        "It works: the ARN is compared as text. The Arn operators say that the value is an ARN "
        "and match each of its six fields separately, so a wildcard cannot run from one field "
        "into the next. Use ArnEquals or ArnLike.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-data/*", "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-*"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-data/*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-*"}}}]})",
        "Parliament MISMATCHED_TYPE_BUT_USABLE"},

    // ---- PS3xx: security (what grants more than it seems to) ----
    RuleInfo{"PS301", "allow-with-not-action", S::Security, "security",
        "An Allow with NotAction.",
        "Allow + NotAction grants every action except the listed ones, including actions of "
        "services launched later. List the actions you mean to grant.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}]})",
        "cfn_nag W15/W17/W21; Parliament community NOTACTION_WITH_ALLOW"},
    RuleInfo{"PS302", "allow-with-not-resource", S::Security, "security",
        "An Allow with NotResource.",
        "Allow + NotResource grants the actions on every resource except the listed ones, "
        "including resources created later and in other accounts.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secrets/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public/*"}]})",
        "Parliament community NOTRESOURCE_WITH_ALLOW; cfn_nag W16/W22"},
    RuleInfo{"PS303", "allow-all-actions", S::Security, "security",
        "An Allow of every action (\"*\" or \"*:*\").",
        "This is administrator access. Grant it through a deliberately named, reviewed policy "
        "(and suppress this finding there with a reason), never by accident.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::app-data/*"}]})",
        "checkov CKV_AWS_1/CKV_AWS_49/CKV_AWS_62/CKV_AWS_63; cfn_nag F3/F4/F5; KICS full "
        "permissions"},
    RuleInfo{"PS304", "passrole-star-resource", S::Security, "security",
        "iam:PassRole allowed on every role (Resource \"*\" or NotResource).",
        "Passing any role to any service lets the caller run code with that role's permissions, "
        "usually more than their own. Name the roles, or restrict the service with "
        "iam:PassedToService.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app-*", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]})",
        "Access Analyzer PASS_ROLE_WITH_STAR_IN_RESOURCE (and variants); cfn_nag F38-F40"},
    RuleInfo{"PS305", "public-principal", S::Security, "security",
        "A resource policy allows Principal \"*\" without a condition that limits who the caller "
        "is.",
        "Anyone, anonymous callers included, gets the statement's actions. Conditions such as "
        "aws:SecureTransport do not limit the caller; aws:PrincipalOrgID, aws:PrincipalAccount, "
        "aws:SourceVpce, aws:SourceArn or aws:SourceAccount do. In a role trust policy it lets "
        "anyone assume the role.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]})",
        "checkov CKV_AWS_283; KICS all principals; Access Analyzer "
        "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"},
    RuleInfo{"PS306", "privilege-escalation", S::Security, "security",
        "The policy allows a known privilege-escalation path (e.g. iam:CreatePolicyVersion, "
        "iam:AttachUserPolicy, iam:PassRole with ec2:RunInstances or lambda:CreateFunction).",
        "These actions let the holder grant themselves more permissions (Rhino Security Labs' "
        "list of 21 methods). The finding lists every method the policy allows; statements "
        "restricted to named resources still count, since the named resource may be powerful.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}]})",
        "Parliament community PRIVILEGE_ESCALATION; checkov CKV_AWS_110; Cloudsplaining"},
    RuleInfo{"PS307", "resource-star", S::Suggestion, "security",
        "An Allow with Resource \"*\" for actions that support resource-level permissions.",
        "The actions take resource ARNs (the Service Authorization Reference lists resource types "
        "for them), so \"*\" grants them on every resource of the account, including resources "
        "created later. Name the resources. Actions without resource types need \"*\" and are not "
        "reported. Not checked in SCPs and permissions boundaries, which limit rather than grant.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}]})",
        "Parliament RESOURCE_STAR; checkov CKV_AWS_356 (no \"*\" resource for restrictable "
        "actions); cfn_nag W12"},
    RuleInfo{"PS308", "resource-effectively-star", S::Suggestion, "security",
        "A Resource pattern that names every resource the statement's actions act on "
        "(\"arn:*:cloudtrail:*:*:trail/*\", \"arn:aws:s3:::*\" for S3 object actions).",
        "The pattern names every resource of each type it can name, in every account and region "
        "(the partition is fixed by where the policy lives): it is Resource \"*\" in effect, "
        "only harder to spot. Name the account, region or resources.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["cloudtrail:GetEventSelectors", "cloudtrail:PutEventSelectors"], "Resource": "arn:*:cloudtrail:*:*:trail/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["cloudtrail:GetEventSelectors", "cloudtrail:PutEventSelectors"], "Resource": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/*"}]})",
        "Parliament RESOURCE_EFFECTIVELY_STAR"},
    RuleInfo{"PS309", "permissions-management", S::Warning, "security",
        "An identity policy allows permissions-management actions (iam:AttachRolePolicy, "
        "s3:PutBucketPolicy, kms:CreateGrant...).",
        "The Service Authorization Reference gives these actions the access level \"Permissions "
        "management\": they create or change policies, roles, grants and ACLs, so whoever holds "
        "them decides who may do what. Keep them in administrator policies (and suppress the "
        "finding there with a reason). Identity and session policies only; Allow with "
        "\"*\" is PS303.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "arn:aws:iam::111122223333:role/app"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam::111122223333:role/app"}]})",
        "Parliament community PERMISSIONS_MANAGEMENT_ACTIONS; checkov CKV_AWS_109; "
        "Cloudsplaining PermissionsManagement"},
    RuleInfo{"PS310", "credentials-exposure", S::Warning, "security",
        "An identity policy allows actions that return credentials (iam:CreateAccessKey, "
        "sts:GetSessionToken, ecr:GetAuthorizationToken, redshift:GetClusterCredentials...).",
        "Their responses carry keys, tokens or passwords; whoever holds them can act as another "
        "identity, or hand the credentials on. The list is Cloudsplaining's, as Parliament ships "
        "it (https://gist.github.com/kmcquade/33860a617e651104d243c324ddf7992a). Identity and "
        "session policies only.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::111122223333:user/ci"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListAccessKeys", "Resource": "arn:aws:iam::111122223333:user/ci"}]})",
        "Parliament community CREDENTIALS_EXPOSURE; checkov CKV_AWS_107; Cloudsplaining "
        "CredentialsExposure"},
    RuleInfo{"PS311", "resource-policy-privilege-escalation", S::Warning, "security",
        "A policy lets its holder rewrite a resource-based policy or ACL (s3:PutBucketPolicy, "
        "s3:PutBucketAcl, sqs:SetQueueAttributes, kms:PutKeyPolicy, lambda:AddPermission...) "
        "that would grant what the policy withholds.",
        "In a resource-based policy, principals (other than a whole account, whose own IAM "
        "policies then decide) granted such an action can rewrite the policy that limits them "
        "and grant themselves, or anyone, everything on the resource. In an identity policy "
        "that does not allow the whole service, the holder can write a bucket, queue or key "
        "policy granting itself the actions the identity policy leaves out (Parliament's "
        "example: s3:GetObject and s3:PutBucketPolicy amount to s3:*).",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutBucketPolicy"], "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})",
        "Parliament RESOURCE_POLICY_PRIVILEGE_ESCALATION"},

    // ---- PS4xx: MFA ----
    RuleInfo{"PS401", "mfa-deny-bool-false", S::Security, "mfa",
        "A Deny meant to force MFA uses Bool aws:MultiFactorAuthPresent \"false\".",
        "Requests signed with long-term access keys carry no aws:MultiFactorAuthPresent key at "
        "all; Bool is false on an absent key, so the Deny does not apply to them: access keys "
        "work without MFA. Use BoolIfExists.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})",
        "Parliament BAD_PATTERN_FOR_MFA; AWS IAM User Guide (aws:MultiFactorAuthPresent)"},
    RuleInfo{"PS402", "mfa-allow-boolifexists-true", S::Security, "mfa",
        "An Allow with BoolIfExists aws:MultiFactorAuthPresent \"true\".",
        "IfExists is true when the key is absent, and requests signed with long-term access keys "
        "have no MFA key: this grants access keys without MFA (only console sessions need MFA). "
        "Use Bool to require MFA for every caller.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})",
        "iam-semantics §5.3; AWS IAM User Guide (aws:MultiFactorAuthPresent)"},
    RuleInfo{"PS403", "mfa-null-check", S::Security, "mfa",
        "Null on aws:MultiFactorAuthPresent used as an MFA check.",
        "Null only tells temporary from long-term credentials. Deny + Null \"true\" denies access "
        "keys but spares temporary credentials obtained without MFA; Allow + Null \"false\" "
        "grants any temporary credentials, with or without MFA.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})",
        "iam-semantics §5.3; Parliament BAD_PATTERN_FOR_MFA"},
    RuleInfo{"PS404", "mfa-age-threshold", S::Warning, "mfa",
        "An aws:MultiFactorAuthAge threshold above 129,600 s (the longest session) or below 900 s "
        "(the shortest).",
        "Above 129,600 s the threshold is never reached by GetSessionToken credentials, so the "
        "check does nothing; below 900 s it expires before the shortest session does, so MFA "
        "sessions stop working minutes after sign-in.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "604800"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]})",
        "iam-semantics §5.2"},
    RuleInfo{"PS405", "mfa-age-operator", S::Security, "mfa",
        "aws:MultiFactorAuthAge compared with a non-Numeric operator.",
        "The age is a number of seconds. StringEquals compares text, DateLessThan reads it as a "
        "date: the check never does what it says. Use NumericLessThan (Allow) or "
        "NumericGreaterThanIfExists (Deny).",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"StringLike": {"aws:MultiFactorAuthAge": "3*"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]})",
        "Access Analyzer TYPE_MISMATCH; iam-semantics §5.2"},
    RuleInfo{"PS406", "mfa-notaction-gap", S::Security, "mfa",
        "A force-MFA Deny whose NotAction leaves actions beyond MFA self-management reachable "
        "without MFA.",
        "policysim proves it with the evaluator: it evaluates the Deny (with an Allow of "
        "everything beside it) for every action of the IAM data, once without the MFA key and "
        "once with it false, and reports the NotAction entries that let actions other than the "
        "MFA enrolment and password actions through. Wildcards such as iam:* or iam:*MFA* also "
        "exempt iam:DeactivateMFADevice, which lets a stolen password remove MFA.",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": ["iam:*", "sts:GetSessionToken"], "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"], "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})",
        "iam-semantics §5.3 (pitfalls 4 and 5); AWS example DenyAllExceptListedIfNoMFA"},
    RuleInfo{"PS407", "mfa-notaction-lockout", S::Warning, "mfa",
        "A force-MFA Deny that also denies the actions needed to enrol an MFA device.",
        "Without iam:CreateVirtualMFADevice, iam:EnableMFADevice and iam:ListMFADevices in "
        "NotAction, a user without MFA cannot set one up and is locked out.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "sts:GetSessionToken", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"], "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})",
        "iam-semantics §5.3 (pitfall 4)"},
    RuleInfo{"PS408", "mfa-age-deny-without-ifexists", S::Security, "mfa",
        "A Deny on aws:MultiFactorAuthAge being too old, without IfExists.",
        "The age key exists only when MFA was used. NumericGreaterThan is false on an absent key, "
        "so requests without any MFA are not denied. Use NumericGreaterThanIfExists.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::production/*", "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "1800"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::production/*", "Condition": {"NumericGreaterThanIfExists": {"aws:MultiFactorAuthAge": "1800"}}}]})",
        "AWS example S3 production bucket with MFA age; iam-semantics §5.2"},
    RuleInfo{"PS409", "mfa-allow-bool-false", S::Security, "mfa",
        "An Allow with Bool (or BoolIfExists) aws:MultiFactorAuthPresent \"false\".",
        "The key is \"false\" only in temporary credentials obtained without MFA (and absent, "
        "which BoolIfExists also lets through, in requests signed with long-term access keys), "
        "so the Allow grants exactly the callers that skipped MFA: the check is inverted. "
        "Require MFA with Allow + Bool \"true\", or deny without it with Deny + BoolIfExists "
        "\"false\". The Deny + Bool \"false\" form is PS401.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})",
        "Parliament BAD_PATTERN_FOR_MFA; iam-semantics §5.3"},
};
// clang-format on

}  // namespace

const char* severityName(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::Suggestion:
      return "suggestion";
    case LintSeverity::Warning:
      return "warning";
    case LintSeverity::Security:
      return "security";
    case LintSeverity::Error:
      return "error";
  }
  return "error";
}

std::optional<LintSeverity> parseSeverity(std::string_view text) {
  for (LintSeverity s : {LintSeverity::Suggestion, LintSeverity::Warning, LintSeverity::Security,
                         LintSeverity::Error}) {
    if (grammar::equalsIgnoreAsciiCase(text, severityName(s))) {
      return s;
    }
  }
  return std::nullopt;
}

std::span<const RuleInfo> allRules() { return kRules; }

const RuleInfo* findRule(std::string_view idOrName) {
  // Exact ids (what the checker asks for) by binary search; the catalogue is sorted by id.
  const auto it =
      std::lower_bound(kRules.begin(), kRules.end(), idOrName,
                       [](const RuleInfo& r, std::string_view id) { return r.id < id; });
  if (it != kRules.end() && it->id == idOrName) {
    return &*it;
  }
  for (const RuleInfo& rule : kRules) {
    if (grammar::equalsIgnoreAsciiCase(rule.id, idOrName) ||
        grammar::equalsIgnoreAsciiCase(rule.name, idOrName)) {
      return &rule;
    }
  }
  return nullptr;
}

}  // namespace policysim::lint
