// CloudTrail records -> requests (analysis/cloudtrail.h), one table row per kind of record:
// what each caller and credential becomes (principal, scenario, MFA keys), what is not
// replayed and why, what is malformed, and the eventSource / eventName mappings. The keys a
// scenario sets are tested in scenario_test.cc; here, which scenario a record picks.
#include "analysis/cloudtrail.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "analysis/iam_data.h"

namespace {

using namespace policysim::analysis;
using policysim::engine::ContextValue;

// Every record happens at kTime; temporary credentials were issued 1,800 s before.
constexpr std::string_view kTime = "2026-11-21T09:00:00Z";
constexpr std::string_view kIssued = "2026-11-21T08:30:00Z";
constexpr std::string_view kAccount = "111122223333";
constexpr std::string_view kBob = "arn:aws:iam::111122223333:user/bob";
constexpr std::string_view kRoot = "arn:aws:iam::111122223333:root";
constexpr std::string_view kOpsRole = "arn:aws:iam::111122223333:role/Ops";
constexpr std::string_view kOpsSession = "arn:aws:sts::111122223333:assumed-role/Ops/night-shift";
constexpr std::string_view kSupportRole =
    "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/"
    "AWSServiceRoleForSupport";
constexpr std::string_view kSupportSession =
    "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/support-session";
constexpr std::string_view kFederated = "arn:aws:sts::111122223333:federated-user/contractor";
constexpr std::string_view kAbsent = "<absent>";

// "text" (appended rather than `"\"" + ...`: GCC 12 warns -Wrestrict on that spuriously).
std::string quoted(std::string_view text) {
  std::string out(1, '"');
  out += text;
  out += '"';
  return out;
}

// sessionContext.attributes of temporary credentials issued at kIssued.
std::string attributes(bool mfa, std::string_view created = kIssued) {
  return R"({"attributes":{"creationDate":)" + quoted(created) + R"(,"mfaAuthenticated":)" +
         quoted(mfa ? "true" : "false") + "}}";
}

// userIdentity of bob. keyId "" = no accessKeyId; session "" = no sessionContext.
std::string bob(std::string_view keyId = "AKIAEXAMPLEBOB000001", std::string_view session = "",
                std::string_view extra = "") {
  std::string out = R"({"type":"IAMUser","principalId":"AIDAEXAMPLEBOB","arn":)" + quoted(kBob) +
                    R"(,"accountId":)" + quoted(kAccount) + R"(,"userName":"bob")";
  if (!keyId.empty()) {
    out += R"(,"accessKeyId":)" + quoted(keyId);
  }
  if (!session.empty()) {
    out += R"(,"sessionContext":)" + std::string(session);
  }
  return out + std::string(extra) + "}";
}

std::string root(std::string_view keyId, std::string_view session = "") {
  std::string out = R"({"type":"Root","principalId":"111122223333","arn":)" + quoted(kRoot) +
                    R"(,"accountId":"111122223333","accessKeyId":)" + quoted(keyId);
  if (!session.empty()) {
    out += R"(,"sessionContext":)" + std::string(session);
  }
  return out + "}";
}

// userIdentity of a role session.
std::string roleSession(std::string_view sessionArn, std::string_view issuerArn, bool mfa,
                        std::string_view created = kIssued) {
  return R"({"type":"AssumedRole","principalId":"AROAEXAMPLE:s","arn":)" + quoted(sessionArn) +
         R"(,"accountId":"111122223333","accessKeyId":"ASIAEXAMPLEROLE00001",)" +
         R"("sessionContext":{"sessionIssuer":{"type":"Role","arn":)" + quoted(issuerArn) +
         R"(},"attributes":{"creationDate":)" + quoted(created) + R"(,"mfaAuthenticated":)" +
         quoted(mfa ? "true" : "false") + "}}}";
}

// A CloudTrail event at kTime from 198.51.100.23 in us-east-1; extra = more members.
std::string event(std::string_view source, std::string_view name, std::string_view identity,
                  std::string_view extra = "") {
  return R"({"eventTime":)" + quoted(kTime) + R"(,"eventSource":)" + quoted(source) +
         R"(,"eventName":)" + quoted(name) + R"(,"awsRegion":"us-east-1",)" +
         R"("sourceIPAddress":"198.51.100.23","userIdentity":)" + std::string(identity) +
         std::string(extra) + "}";
}

// text with the first `from` replaced by `to`.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  return text.replace(text.find(from), from.size(), to);
}

std::string valueOf(const Request& request, std::string_view key) {
  const ContextValue* value = request.findContext(key);
  return value == nullptr ? std::string(kAbsent) : value->values.at(0);
}

MappedRecord mapped(const std::string& json, const CloudTrailOptions& options = {}) {
  auto record = mapCloudTrailEvent(json, options);
  EXPECT_TRUE(record.ok()) << record.status().message();
  return record.ok() ? std::move(record).value() : MappedRecord{};
}

CloudTrailOptions conservative() {
  CloudTrailOptions options;
  options.assumeRoleCarriesMfa = false;
  return options;
}

// ---- Records that become requests -----------------------------------------------------------

struct RequestRow {
  std::string name;
  std::string event;
  CloudTrailOptions options;
  std::string action;
  std::vector<std::string> resources;
  std::string callerArn;     // Request::principal: the caller as AWS reports it
  std::string principalArn;  // MappedRecord::principal (aws:PrincipalArn): what reports group by
  Scenario scenario;
  std::string mfaPresent;                                      // aws:MultiFactorAuthPresent
  std::string mfaAge;                                          // aws:MultiFactorAuthAge
  std::vector<std::pair<std::string, std::string>> keys = {};  // more keys to check
  std::string errorCode = {};
};

// Failures name the row rather than dump its bytes.
void PrintTo(const RequestRow& row, std::ostream* os) { *os << row.name; }

class RecordToRequest : public testing::TestWithParam<RequestRow> {};

TEST_P(RecordToRequest, MapsCallerCredentialsAndResources) {
  const RequestRow& row = GetParam();
  const MappedRecord record = mapped(row.event, row.options);
  ASSERT_EQ(record.outcome, RecordOutcome::Request) << record.skipReason;
  EXPECT_EQ(record.request.action, row.action);
  EXPECT_EQ(record.resources, row.resources);
  EXPECT_EQ(record.request.principal, row.callerArn);
  EXPECT_EQ(record.principal, row.principalArn);
  EXPECT_EQ(valueOf(record.request, "aws:PrincipalArn"), row.principalArn);
  EXPECT_EQ(scenarioInfo(record.scenario).name, scenarioInfo(row.scenario).name);
  EXPECT_EQ(valueOf(record.request, "aws:MultiFactorAuthPresent"), row.mfaPresent);
  EXPECT_EQ(valueOf(record.request, "aws:MultiFactorAuthAge"), row.mfaAge);
  EXPECT_EQ(valueOf(record.request, "aws:CurrentTime"), kTime);
  for (const auto& [key, value] : row.keys) {
    EXPECT_EQ(valueOf(record.request, key), value) << key;
  }
  EXPECT_EQ(record.time, parseTimestamp(kTime).value());
  EXPECT_EQ(record.errorCode, row.errorCode);
}

const std::vector<RequestRow> kRequestRows = {
    {"IamUserAccessKey",
     event("ec2.amazonaws.com", "DescribeInstances", bob()),
     {},
     "ec2:DescribeInstances",
     {"*"},
     std::string(kBob),
     std::string(kBob),
     Scenario::AccessKey,
     std::string(kAbsent),
     std::string(kAbsent),
     {{"aws:TokenIssueTime", std::string(kAbsent)},
      {"aws:userid", "AIDAEXAMPLEBOB"},
      {"aws:username", "bob"},
      {"aws:SourceIp", "198.51.100.23"},
      {"aws:RequestedRegion", "us-east-1"}}},
    {"ConsoleSessionWithMfa",
     event("ec2.amazonaws.com", "DescribeInstances", bob("ASIAEXAMPLEBOB000001", attributes(true)),
           R"(,"sessionCredentialFromConsole":"true")"),
     {},
     "ec2:DescribeInstances",
     {"*"},
     std::string(kBob),
     std::string(kBob),
     Scenario::ConsoleMfa,
     "true",
     "1800",
     {{"aws:TokenIssueTime", std::string(kIssued)}}},
    {"ConsoleSessionWithoutMfa",
     event("ec2.amazonaws.com", "DescribeInstances", bob("ASIAEXAMPLEBOB000001", attributes(false)),
           R"(,"sessionCredentialFromConsole":"true")"),
     {},
     "ec2:DescribeInstances",
     {"*"},
     std::string(kBob),
     std::string(kBob),
     Scenario::Console,
     "false",
     std::string(kAbsent),
     {{"aws:TokenIssueTime", std::string(kIssued)}}},
    {"SessionTokenWithMfa",
     event("ec2.amazonaws.com", "DescribeInstances", bob("ASIAEXAMPLEBOB000001", attributes(true))),
     {},
     "ec2:DescribeInstances",
     {"*"},
     std::string(kBob),
     std::string(kBob),
     Scenario::SessionMfa,
     "true",
     "1800"},
    {"SessionTokenWithoutMfa",
     event("ec2.amazonaws.com", "DescribeInstances",
           bob("ASIAEXAMPLEBOB000001", attributes(false))),
     {},
     "ec2:DescribeInstances",
     {"*"},
     std::string(kBob),
     std::string(kBob),
     Scenario::SessionNoMfa,
     "false",
     std::string(kAbsent)},
    {"RoleSessionWithMfa",
     event("ec2.amazonaws.com", "StopInstances", roleSession(kOpsSession, kOpsRole, true)),
     {},
     "ec2:StopInstances",
     {"*"},
     std::string(kOpsSession),
     std::string(kOpsRole),
     Scenario::AssumeRoleMfa,
     "true",
     "1800",
     {{"aws:userid", "AROAEXAMPLE:s"}, {"aws:PrincipalType", "AssumedRole"}}},
    {"RoleSessionWithMfaConservative",
     event("ec2.amazonaws.com", "StopInstances", roleSession(kOpsSession, kOpsRole, true)),
     conservative(),
     "ec2:StopInstances",
     {"*"},
     std::string(kOpsSession),
     std::string(kOpsRole),
     Scenario::AssumeRoleMfa,
     "false",
     std::string(kAbsent)},
    {"RoleSessionWithoutMfa",
     event("ec2.amazonaws.com", "StopInstances", roleSession(kOpsSession, kOpsRole, false)),
     {},
     "ec2:StopInstances",
     {"*"},
     std::string(kOpsSession),
     std::string(kOpsRole),
     Scenario::AssumeRole,
     "false",
     std::string(kAbsent)},
    {"RootAccessKey",
     event("ec2.amazonaws.com", "DescribeInstances", root("AKIAEXAMPLEROOT00001")),
     {},
     "ec2:DescribeInstances",
     {"*"},
     std::string(kRoot),
     std::string(kRoot),
     Scenario::AccessKey,
     std::string(kAbsent),
     std::string(kAbsent),
     {{"aws:PrincipalType", "Account"}, {"aws:userid", "111122223333"}}},
    {"RootSessionWithMfa",
     event("ec2.amazonaws.com", "DescribeInstances",
           root("ASIAEXAMPLEROOT00001", attributes(true, "2026-11-21T08:50:00Z"))),
     {},
     "ec2:DescribeInstances",
     {"*"},
     std::string(kRoot),
     std::string(kRoot),
     Scenario::RootMfa,
     "true",
     "600"},
    {"RootSessionWithoutMfa",
     event("ec2.amazonaws.com", "DescribeInstances",
           root("ASIAEXAMPLEROOT00001", attributes(false, "2026-11-21T08:50:00Z"))),
     {},
     "ec2:DescribeInstances",
     {"*"},
     std::string(kRoot),
     std::string(kRoot),
     Scenario::Root,
     "false",
     std::string(kAbsent)},
    {"FederatedUser",
     event("s3.amazonaws.com", "GetObject",
           R"({"type":"FederatedUser","principalId":"111122223333:contractor","arn":)" +
               quoted(kFederated) +
               R"(,"accountId":"111122223333","accessKeyId":"ASIAEXAMPLEFED000001",)" +
               R"("sessionContext":{"sessionIssuer":{"type":"IAMUser","arn":)" + quoted(kBob) +
               "}," + attributes(false).substr(1) + "}",
           R"(,"requestParameters":{"bucketName":"reports","key":"q3.csv"})"),
     {},
     "s3:GetObject",
     {"arn:aws:s3:::reports/q3.csv"},
     std::string(kFederated),
     std::string(kFederated),
     Scenario::Federated,
     "false",
     std::string(kAbsent),
     {{"aws:PrincipalType", "FederatedUser"}}},
    // A service calling with the user's MFA session (forward access) carries no MFA (§5.1).
    {"AwsServiceOnBehalfOfUser",
     event("kms.amazonaws.com", "Decrypt",
           bob("ASIAEXAMPLEBOB000001", attributes(true), R"(,"invokedBy":"s3.amazonaws.com")")),
     {},
     "kms:Decrypt",
     {"*"},
     std::string(kBob),
     std::string(kBob),
     Scenario::SessionNoMfa,
     "false",
     std::string(kAbsent),
     {{"aws:ViaAWSService", "true"}}},
    // invokedBy that is not a service endpoint is not forward access.
    {"InvokedByAwsInternal",
     event("kms.amazonaws.com", "Decrypt",
           bob("ASIAEXAMPLEBOB000001", attributes(true), R"(,"invokedBy":"AWS Internal")")),
     {},
     "kms:Decrypt",
     {"*"},
     std::string(kBob),
     std::string(kBob),
     Scenario::SessionMfa,
     "true",
     "1800",
     {{"aws:ViaAWSService", "false"}}},
    // A call that failed at the time is replayed like the others; its errorCode is kept.
    {"ErrorRecord",
     event("iam.amazonaws.com", "CreateUser", bob(),
           R"(,"errorCode":"AccessDenied","errorMessage":"denied",)"
           R"("requestParameters":{"userName":"mallory"})"),
     {},
     "iam:CreateUser",
     {"arn:aws:iam::111122223333:user/mallory"},
     std::string(kBob),
     std::string(kBob),
     Scenario::AccessKey,
     std::string(kAbsent),
     std::string(kAbsent),
     {},
     "AccessDenied"},
    // The AssumeRole call made with SerialNumber+TokenCode carries MFA itself (§5.1).
    {"AssumeRoleCallWithMfaCode",
     event("sts.amazonaws.com", "AssumeRole", bob(),
           R"(,"requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/Ops",)"
           R"("serialNumber":"arn:aws:iam::111122223333:mfa/bob"})"),
     {},
     "sts:AssumeRole",
     {"*"},
     std::string(kBob),
     std::string(kBob),
     Scenario::AccessKey,
     "true",
     "0"},
    // A source "IP" that is a service name is not aws:SourceIp.
    {"SourceIpThatIsNotAnAddress",
     replaced(event("ec2.amazonaws.com", "DescribeInstances", bob()), "198.51.100.23",
              "ec2.amazonaws.com"),
     {},
     "ec2:DescribeInstances",
     {"*"},
     std::string(kBob),
     std::string(kBob),
     Scenario::AccessKey,
     std::string(kAbsent),
     std::string(kAbsent),
     {{"aws:SourceIp", std::string(kAbsent)}}},
    // Resources: object-level S3 events list the bucket too; the object is authorized.
    {"S3ObjectResourcesListed",
     event("s3.amazonaws.com", "CopyObject", bob(),
           R"(,"resources":[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"},)"
           R"({"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/o"}])"),
     {},
     "s3:PutObject",
     {"arn:aws:s3:::b/o"},
     std::string(kBob),
     std::string(kBob),
     Scenario::AccessKey,
     std::string(kAbsent),
     std::string(kAbsent)},
    {"S3BucketsListed",
     event("s3.amazonaws.com", "GetBucketAcl", bob(),
           R"(,"resources":[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b1"},)"
           R"({"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b2"}])"),
     {},
     "s3:GetBucketAcl",
     {"arn:aws:s3:::b1", "arn:aws:s3:::b2"},
     std::string(kBob),
     std::string(kBob),
     Scenario::AccessKey,
     std::string(kAbsent),
     std::string(kAbsent)},
    {"S3BucketFromParameters",
     event("s3.amazonaws.com", "HeadBucket", bob(), R"(,"requestParameters":{"bucketName":"b"})"),
     {},
     "s3:ListBucket",
     {"arn:aws:s3:::b"},
     std::string(kBob),
     std::string(kBob),
     Scenario::AccessKey,
     std::string(kAbsent),
     std::string(kAbsent)},
    // IAM: access-key entries are not resources; without userName IAM acts on the caller.
    {"IamActionOnTheCallingUser",
     event("iam.amazonaws.com", "DeleteAccessKey", bob(),
           R"(,"resources":[{"type":"AWS::IAM::AccessKey","ARN":"arn:aws:iam::1:accesskey/X"}])"),
     {},
     "iam:DeleteAccessKey",
     {std::string(kBob)},
     std::string(kBob),
     std::string(kBob),
     Scenario::AccessKey,
     std::string(kAbsent),
     std::string(kAbsent)},
    {"IamVirtualMfaDeviceWithPath",
     event("iam.amazonaws.com", "CreateVirtualMFADevice", bob(),
           R"(,"requestParameters":{"virtualMFADeviceName":"bob","path":"/team/"})"),
     {},
     "iam:CreateVirtualMFADevice",
     {"arn:aws:iam::111122223333:mfa/team/bob"},
     std::string(kBob),
     std::string(kBob),
     Scenario::AccessKey,
     std::string(kAbsent),
     std::string(kAbsent)},
};

INSTANTIATE_TEST_SUITE_P(CloudTrail, RecordToRequest, testing::ValuesIn(kRequestRows),
                         [](const auto& info) { return info.param.name; });

// ---- Console sign-ins -----------------------------------------------------------------------

struct SignInRow {
  std::string name;
  std::string event;
  std::string principal;
  bool mfa;
  bool success;
};

void PrintTo(const SignInRow& row, std::ostream* os) { *os << row.name; }

class ConsoleSignInRecord : public testing::TestWithParam<SignInRow> {};

TEST_P(ConsoleSignInRecord, IsSummarisedNotEvaluated) {
  const SignInRow& row = GetParam();
  const MappedRecord record = mapped(row.event);
  ASSERT_EQ(record.outcome, RecordOutcome::ConsoleSignIn);
  EXPECT_EQ(record.signIn.principal, row.principal);
  EXPECT_EQ(record.signIn.mfa, row.mfa);
  EXPECT_EQ(record.signIn.success, row.success);
  EXPECT_EQ(record.time, parseTimestamp(kTime).value());
}

const std::vector<SignInRow> kSignInRows = {
    {"WithMfa",
     event("signin.amazonaws.com", "ConsoleLogin", bob(""),
           R"(,"additionalEventData":{"MFAUsed":"Yes"},)"
           R"("responseElements":{"ConsoleLogin":"Success"})"),
     std::string(kBob), true, true},
    {"WithoutMfa",
     event("signin.amazonaws.com", "ConsoleLogin", bob(""),
           R"(,"additionalEventData":{"MFAUsed":"No"},)"
           R"("responseElements":{"ConsoleLogin":"Success"})"),
     std::string(kBob), false, true},
    {"Failed",
     event(
         "signin.amazonaws.com", "ConsoleLogin", bob(""),
         R"(,"additionalEventData":{"MFAUsed":"No"},)"
         R"("responseElements":{"ConsoleLogin":"Failure"},"errorMessage":"Failed authentication")"),
     std::string(kBob), false, false},
    {"RootWithMfa",
     event("signin.amazonaws.com", "ConsoleLogin",
           R"({"type":"Root","principalId":"111122223333","arn":)" + quoted(kRoot) + "}",
           R"(,"additionalEventData":{"MFAUsed":"Yes"})"),
     std::string(kRoot), true, true},
    // AWS's own example writes "YES": compared without regard to case.
    {"WithMfaUpperCase",
     event("signin.amazonaws.com", "ConsoleLogin", bob(""),
           R"(,"additionalEventData":{"MFAUsed":"YES"},)"
           R"("responseElements":{"ConsoleLogin":"Success"})"),
     std::string(kBob), true, true},
    {"FailedLowerCase",
     event("signin.amazonaws.com", "ConsoleLogin", bob(""),
           R"(,"additionalEventData":{"MFAUsed":"no"},)"
           R"("responseElements":{"ConsoleLogin":"failure"})"),
     std::string(kBob), false, false},
    // Failed sign-ins of unknown users carry no ARN: the caller type stands in.
    {"WithoutArn",
     event("signin.amazonaws.com", "ConsoleLogin", R"({"type":"IAMUser","accountId":"1"})",
           R"(,"responseElements":{"ConsoleLogin":"Failure"})"),
     "IAMUser", false, false},
};

INSTANTIATE_TEST_SUITE_P(CloudTrail, ConsoleSignInRecord, testing::ValuesIn(kSignInRows),
                         [](const auto& info) { return info.param.name; });

// ---- Records not replayed -------------------------------------------------------------------

struct NotReplayedRow {
  std::string name;
  std::string event;
  CloudTrailOptions options;
  RecordOutcome outcome;
  std::string reason;  // grouped on: says nothing of one record
  std::string detail;  // the record's own part
};

void PrintTo(const NotReplayedRow& row, std::ostream* os) { *os << row.name; }

class RecordNotReplayed : public testing::TestWithParam<NotReplayedRow> {};

TEST_P(RecordNotReplayed, SaysWhy) {
  const NotReplayedRow& row = GetParam();
  const MappedRecord record = mapped(row.event, row.options);
  EXPECT_EQ(record.outcome, row.outcome);
  EXPECT_EQ(record.skipReason, row.reason);
  EXPECT_EQ(record.skipDetail, row.detail);
}

CloudTrailOptions only(std::string_view principal) {
  CloudTrailOptions options;
  options.principals.emplace_back(principal);
  return options;
}

const std::vector<NotReplayedRow> kNotReplayedRows = {
    {"AwsServiceCaller",
     event("kms.amazonaws.com", "Decrypt",
           R"({"type":"AWSService","invokedBy":"s3.amazonaws.com"})"),
     {},
     RecordOutcome::Skipped,
     "caller type AWSService is not an IAM user, role session, federated user or root",
     "kms.amazonaws.com Decrypt"},
    {"AwsServiceEvent",
     event("kms.amazonaws.com", "RotateKey",
           R"({"accountId":"111122223333","invokedBy":"kms.amazonaws.com"})",
           R"(,"eventType":"AwsServiceEvent")"),
     {},
     RecordOutcome::Skipped,
     "service event: no caller to evaluate",
     "RotateKey"},
    {"OtherAccount",
     event("s3.amazonaws.com", "GetObject", R"({"type":"AWSAccount","accountId":"444455556666"})"),
     {},
     RecordOutcome::Skipped,
     "caller type AWSAccount is not an IAM user, role session, federated user or root",
     "s3.amazonaws.com GetObject"},
    {"NoCallerType",
     event("s3.amazonaws.com", "GetObject", R"({"accountId":"444455556666"})"),
     {},
     RecordOutcome::Skipped,
     "caller type (none) is not an IAM user, role session, federated user or root",
     "s3.amazonaws.com GetObject"},
    {"GetCallerIdentity",
     event("sts.amazonaws.com", "GetCallerIdentity", bob()),
     {},
     RecordOutcome::NeedsNoPermission,
     "needs no permission (semantics §4.9)",
     ""},
    {"GetSessionToken",
     event("sts.amazonaws.com", "GetSessionToken", bob()),
     {},
     RecordOutcome::NeedsNoPermission,
     "needs no permission (semantics §4.9)",
     ""},
    {"CredentialsUnknown",
     event("ec2.amazonaws.com", "DescribeInstances", bob("")),
     {},
     RecordOutcome::Skipped,
     "credentials unknown (no accessKeyId and no sessionContext)",
     std::string(kBob)},
    {"SessionWithoutCreationDate",
     event("ec2.amazonaws.com", "DescribeInstances",
           bob("ASIAEXAMPLEBOB000001", R"({"attributes":{"mfaAuthenticated":"true"}})")),
     {},
     RecordOutcome::Skipped,
     "temporary credentials without sessionContext.attributes.creationDate: MFA age unknown",
     std::string(kBob)},
    {"OtherPrincipal", event("ec2.amazonaws.com", "DescribeInstances", bob()),
     only("arn:aws:iam::111122223333:user/alice"), RecordOutcome::OtherPrincipal, "", ""},
    // Service-linked roles: AWS defines their permissions, no customer policy or SCP applies.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
    {"ServiceLinkedRoleSession",
     event("s3.amazonaws.com", "PutObject", roleSession(kSupportSession, kSupportRole, false),
           R"(,"requestParameters":{"bucketName":"logs","key":"case/1.txt"})"),
     {},
     RecordOutcome::Skipped,
     "service-linked role: AWS defines its permissions; no customer policy (nor SCP) applies to it",
     std::string(kSupportRole)},
    {"ServiceLinkedRoleByNameWithoutIssuer",
     event("ec2.amazonaws.com", "DescribeInstances",
           R"({"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/)"
           R"(AWSServiceRoleForAutoScaling/AutoScaling","accessKeyId":"ASIAEXAMPLE000000001"})"),
     {},
     RecordOutcome::Skipped,
     "service-linked role: AWS defines its permissions; no customer policy (nor SCP) applies to it",
     "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling"},
    // Sign-in steps other than ConsoleLogin (AWS's examples of CheckMfa have no ARN).
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
    {"SignInCheckMfaWithoutArn",
     event("signin.amazonaws.com", "CheckMfa",
           R"({"type":"IAMUser","principalId":"AIDAEXAMPLE","accountId":"111122223333",)"
           R"("userName":"bob"})",
           R"(,"responseElements":{"CheckMfa":"Success"},)"
           R"("additionalEventData":{"MfaType":"Virtual MFA"})"),
     {},
     RecordOutcome::Skipped,
     "sign-in event (signin.amazonaws.com): a step of signing in, not a call a policy authorizes",
     "CheckMfa by IAMUser"},
    {"SignInPasswordUpdated",
     event("signin.amazonaws.com", "PasswordUpdated", bob(""),
           R"(,"responseElements":{"PasswordUpdated":"Success"})"),
     {},
     RecordOutcome::Skipped,
     "sign-in event (signin.amazonaws.com): a step of signing in, not a call a policy authorizes",
     "PasswordUpdated by " + std::string(kBob)},
    {"InsightsEvent",
     event("ec2.amazonaws.com", "RunInstances", R"({})", R"(,"eventType":"AwsCloudTrailInsight")"),
     {},
     RecordOutcome::Skipped,
     "CloudTrail Insights event: a summary, not a call",
     "RunInstances"},
    {"VpcEndpointEvent",
     event("s3.amazonaws.com", "GetObject", R"({"type":"AWSAccount","accountId":"444455556666"})",
           R"(,"eventType":"AwsVpceEvent")"),
     {},
     RecordOutcome::Skipped,
     "VPC endpoint event: a call denied by another account's endpoint policy",
     "GetObject"},
};

INSTANTIATE_TEST_SUITE_P(CloudTrail, RecordNotReplayed, testing::ValuesIn(kNotReplayedRows),
                         [](const auto& info) { return info.param.name; });

// --principal picks a role's requests by the role, the session, or the session's caller ARN.
TEST(CloudTrail, PrincipalFilterMatchesRoleOrSession) {
  const std::string record =
      event("ec2.amazonaws.com", "StopInstances", roleSession(kOpsSession, kOpsRole, true));
  EXPECT_EQ(mapped(record, only(kOpsRole)).outcome, RecordOutcome::Request);
  EXPECT_EQ(mapped(record, only(kOpsSession)).outcome, RecordOutcome::Request);
  EXPECT_EQ(mapped(record, only(kBob)).outcome, RecordOutcome::OtherPrincipal);
}

// ---- Malformed records ----------------------------------------------------------------------

struct MalformedRow {
  std::string name;
  std::string event;
  std::string message;
};

void PrintTo(const MalformedRow& row, std::ostream* os) { *os << row.name; }

class MalformedRecord : public testing::TestWithParam<MalformedRow> {};

TEST_P(MalformedRecord, FailsWithTheReason) {
  const MalformedRow& row = GetParam();
  auto record = mapCloudTrailEvent(row.event, {});
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().code(), policysim::engine::StatusCode::InvalidArgument);
  EXPECT_EQ(record.status().message(), row.message);
}

const std::vector<MalformedRow> kMalformedRows = {
    {"NotAnObject", "7", "a CloudTrail event must be a JSON object"},
    {"NotJson", "{", "invalid JSON: Missing a name for object member."},
    {"NoEventTime",
     R"({"eventSource":"s3.amazonaws.com","eventName":"ListBuckets","userIdentity":)" + bob() + "}",
     "no \"eventTime\" string"},
    {"NoEventSource",
     R"({"eventTime":"2026-11-21T09:00:00Z","eventName":"ListBuckets","userIdentity":{}})",
     "no \"eventSource\" string"},
    {"NoEventName",
     R"({"eventTime":"2026-11-21T09:00:00Z","eventSource":"s3.amazonaws.com","userIdentity":{}})",
     "no \"eventName\" string"},
    {"NoUserIdentity",
     R"({"eventTime":"2026-11-21T09:00:00Z","eventSource":"s3.amazonaws.com",)"
     R"("eventName":"ListBuckets"})",
     "no \"userIdentity\" object"},
    {"NoCallerArn",
     event("ec2.amazonaws.com", "DescribeInstances",
           R"({"type":"IAMUser","accessKeyId":"AKIAEXAMPLE000000001"})"),
     "userIdentity has no \"arn\""},
    {"RoleSessionWithRoleArn",
     event("ec2.amazonaws.com", "DescribeInstances", roleSession(kOpsRole, kOpsRole, false)),
     "AssumedRole caller arn:aws:iam::111122223333:role/Ops is not a role-session ARN"},
    // Older than any AssumeRole session can last.
    {"RoleSessionTooOld",
     event("ec2.amazonaws.com", "DescribeInstances",
           roleSession(kOpsSession, kOpsRole, false, "2026-11-19T09:00:00Z")),
     "assume-role: scenario assume-role with a role session: credentials 172800 s old cannot "
     "exist (those sessions last at most 43200 s)"},
    // Junk and contradictions: reported, never reinterpreted.
    {"BooleanMfaAuthenticated",
     event(
         "ec2.amazonaws.com", "DescribeInstances",
         bob("ASIAEXAMPLEBOB000001",
             R"({"attributes":{"creationDate":"2026-11-21T08:30:00Z","mfaAuthenticated":true}})")),
     "userIdentity.sessionContext.attributes.mfaAuthenticated is a boolean, not a string as "
     "CloudTrail writes it: the record is not reinterpreted"},
    {"BooleanSessionCredentialFromConsole",
     event("ec2.amazonaws.com", "DescribeInstances", bob("ASIAEXAMPLEBOB000001", attributes(true)),
           R"(,"sessionCredentialFromConsole":true)"),
     "sessionCredentialFromConsole is a boolean, not a string as CloudTrail writes it: the record "
     "is not reinterpreted"},
    {"NumberAccessKey",
     event("ec2.amazonaws.com", "DescribeInstances",
           R"({"type":"IAMUser","arn":)" + quoted(kBob) + R"(,"accessKeyId":12})"),
     "userIdentity.accessKeyId is a number, not a string as CloudTrail writes it: the record is "
     "not reinterpreted"},
    {"MfaAuthenticatedNeitherTrueNorFalse",
     event(
         "ec2.amazonaws.com", "DescribeInstances",
         bob("ASIAEXAMPLEBOB000001",
             R"({"attributes":{"creationDate":"2026-11-21T08:30:00Z","mfaAuthenticated":"yes"}})")),
     "userIdentity.sessionContext.attributes.mfaAuthenticated is \"yes\", neither \"true\" nor "
     "\"false\""},
    {"BooleanMfaUsed",
     event("signin.amazonaws.com", "ConsoleLogin", bob(""),
           R"(,"additionalEventData":{"MFAUsed":true})"),
     "additionalEventData.MFAUsed is a boolean, not a string as CloudTrail writes it: the record "
     "is "
     "not reinterpreted"},
    {"MfaUsedNeitherYesNorNo",
     event("signin.amazonaws.com", "ConsoleLogin", bob(""),
           R"(,"additionalEventData":{"MFAUsed":"1"})"),
     "additionalEventData.MFAUsed is \"1\", neither \"Yes\" nor \"No\""},
    {"WildcardEventName", event("s3.amazonaws.com", "Get*", bob()),
     "eventName \"Get*\" holds a wildcard or separator: a record names one call"},
    {"WildcardEventSource", event("*.amazonaws.com", "GetObject", bob()),
     "eventSource \"*.amazonaws.com\" holds a wildcard or separator: a record names one call"},
    {"ActionInEventName", event("s3.amazonaws.com", "s3:GetObject", bob()),
     "eventName \"s3:GetObject\" holds a wildcard or separator: a record names one call"},
    {"LongTermKeyClaimingMfa",
     event("ec2.amazonaws.com", "DescribeInstances", bob("AKIAEXAMPLEBOB000001", attributes(true))),
     "accessKeyId AKIAEXAMPLEBOB000001 is a long-term access key, yet "
     "sessionContext.attributes.mfaAuthenticated is \"true\": long-term keys carry no MFA "
     "(semantics §5.1); the record contradicts itself"},
    {"SessionIssuedAfterTheRequest",
     event("ec2.amazonaws.com", "DescribeInstances",
           bob("ASIAEXAMPLEBOB000001", attributes(true, "2026-11-21T09:30:00Z"))),
     "session-mfa: credential age -1800 s is negative: the credentials would be issued after "
     "the request"},
};

INSTANTIATE_TEST_SUITE_P(CloudTrail, MalformedRecord, testing::ValuesIn(kMalformedRows),
                         [](const auto& info) { return info.param.name; });

// Timestamps that do not parse: the message quotes the field and parseTimestamp's reason.
TEST(CloudTrail, UnreadableTimesNameTheirField) {
  auto record = mapCloudTrailEvent(
      replaced(event("ec2.amazonaws.com", "DescribeInstances", bob()), kTime, "yesterday"), {});
  ASSERT_FALSE(record.ok());
  EXPECT_TRUE(record.status().message().starts_with("eventTime: \"yesterday\" is not a time"))
      << record.status().message();

  record = mapCloudTrailEvent(event("ec2.amazonaws.com", "DescribeInstances",
                                    bob("ASIAEXAMPLEBOB000001", attributes(true, "soon"))),
                              {});
  ASSERT_FALSE(record.ok());
  EXPECT_TRUE(record.status().message().starts_with("creationDate: \"soon\" is not a time"))
      << record.status().message();
}

// ---- eventSource -> prefix, eventName -> action ---------------------------------------------

struct PrefixRow {
  std::string eventSource;
  std::string prefix;
};

class ServicePrefix : public testing::TestWithParam<PrefixRow> {};

TEST_P(ServicePrefix, FromEventSource) {
  EXPECT_EQ(servicePrefix(GetParam().eventSource), GetParam().prefix);
}

INSTANTIATE_TEST_SUITE_P(
    CloudTrail, ServicePrefix,
    testing::Values(PrefixRow{"s3.amazonaws.com", "s3"}, PrefixRow{"iam.amazonaws.com", "iam"},
                    PrefixRow{"runtime.sagemaker.amazonaws.com", "sagemaker"},
                    PrefixRow{"monitoring.amazonaws.com", "cloudwatch"},
                    PrefixRow{"email.amazonaws.com", "ses"},
                    PrefixRow{"ec2.amazonaws.com.cn", "ec2"},
                    PrefixRow{"api.ecr.amazonaws.com", "ecr"},
                    PrefixRow{"servicecatalog-appregistry.amazonaws.com", "servicecatalog"},
                    PrefixRow{"tagging.amazonaws.com", "tag"},
                    PrefixRow{"billingconsole.amazonaws.com", "aws-portal"},
                    PrefixRow{"example.com", "com"}));

struct ActionRow {
  std::string service;
  std::string eventName;
  std::string action;
};

class IamActionName : public testing::TestWithParam<ActionRow> {};

TEST_P(IamActionName, FromEventName) {
  EXPECT_EQ(iamActionName(GetParam().service, GetParam().eventName), GetParam().action);
}

INSTANTIATE_TEST_SUITE_P(
    CloudTrail, IamActionName,
    testing::Values(
        ActionRow{"s3", "ListBuckets", "ListAllMyBuckets"},
        ActionRow{"s3", "HeadObject", "GetObject"}, ActionRow{"s3", "ListObjectsV2", "ListBucket"},
        ActionRow{"s3", "CompleteMultipartUpload", "PutObject"},
        ActionRow{"s3", "DeleteObjects", "DeleteObject"},
        ActionRow{"s3", "PutBucketCors", "PutBucketCORS"},
        ActionRow{"s3", "DeleteBucketLifecycle", "PutLifecycleConfiguration"},
        ActionRow{"s3", "DeleteBucketCors", "PutBucketCORS"},
        ActionRow{"s3", "DeleteBucketTagging", "PutBucketTagging"},
        ActionRow{"s3", "DeleteBucketPublicAccessBlock", "PutBucketPublicAccessBlock"},
        ActionRow{"s3", "PutObjectLockConfiguration", "PutBucketObjectLockConfiguration"},
        ActionRow{"s3", "ListBucketInventoryConfigurations", "GetInventoryConfiguration"},
        ActionRow{"s3", "DeleteBucket", "DeleteBucket"}, ActionRow{"s3", "GetObject", "GetObject"},
        ActionRow{"lambda", "GetFunction20150331v2", "GetFunction"},
        ActionRow{"lambda", "ListFunctions20150331", "ListFunctions"},
        ActionRow{"lambda", "Invoke", "InvokeFunction"},
        ActionRow{"lambda", "CreateFunction", "CreateFunction"},
        // The S3 names apply to S3 only.
        ActionRow{"ec2", "ListBuckets", "ListBuckets"}));

// Every row of the tables: the prefix is a service of the shipped data and the action one of
// its actions (a typo in the table would replay an action no policy names).
TEST(EventNameTables, EveryRowNamesWhatTheServiceDataLists) {
  auto data = loadShippedIamData();
  ASSERT_TRUE(data.ok()) << data.status().toString();
  for (const EventSourcePrefix& row : eventSourcePrefixes()) {
    EXPECT_NE(data.value()->findService(row.prefix), nullptr) << row.label;
    EXPECT_EQ(servicePrefix(std::string(row.label) + ".amazonaws.com"), row.prefix);
  }
  for (const EventNameAction& row : eventNameActions()) {
    const std::string action = std::string(row.service) + ":" + std::string(row.action);
    EXPECT_NE(data.value()->action(action), nullptr) << row.eventName << " -> " << action;
    EXPECT_EQ(iamActionName(row.service, row.eventName), row.action) << row.eventName;
    // The event name itself is not the action: else the row would be useless.
    EXPECT_NE(row.eventName, row.action);
  }
}

// With the service data, an action it does not list is flagged (and still replayed).
TEST(CloudTrail, ActionsNotInTheServiceDataAreFlagged) {
  auto data = loadShippedIamData();
  ASSERT_TRUE(data.ok()) << data.status().toString();
  CloudTrailOptions options;
  options.catalogue = data.value();
  MappedRecord known = mapped(event("s3.amazonaws.com", "DeleteBucketLifecycle", bob()), options);
  EXPECT_EQ(known.request.action, "s3:PutLifecycleConfiguration");
  EXPECT_TRUE(known.inCatalogue);
  MappedRecord unknown = mapped(event("s3.amazonaws.com", "GetBucketMagic", bob()), options);
  EXPECT_EQ(unknown.outcome, RecordOutcome::Request);
  EXPECT_EQ(unknown.request.action, "s3:GetBucketMagic");
  EXPECT_FALSE(unknown.inCatalogue);
  EXPECT_EQ(unknown.skipDetail, "s3.amazonaws.com GetBucketMagic");
  // Without the data nothing is flagged.
  EXPECT_TRUE(mapped(event("s3.amazonaws.com", "GetBucketMagic", bob())).inCatalogue);
}

// Calls AWS services make for the caller: the service is kept to report them apart.
TEST(CloudTrail, CallsMadeByAServiceNameTheService) {
  MappedRecord byInvokedBy = mapped(
      event("kms.amazonaws.com", "Decrypt",
            bob("ASIAEXAMPLEBOB000001", attributes(true), R"(,"invokedBy":"s3.amazonaws.com")")));
  EXPECT_EQ(byInvokedBy.via, "s3.amazonaws.com");
  MappedRecord bySource = mapped(replaced(event("ec2.amazonaws.com", "CreateTags", bob()),
                                          "198.51.100.23", "cloudformation.amazonaws.com"));
  EXPECT_EQ(bySource.via, "cloudformation.amazonaws.com");
  EXPECT_EQ(mapped(event("ec2.amazonaws.com", "CreateTags", bob())).via, "");
  // "AWS Internal" (console back ends) is not a service calling with the caller's credentials.
  EXPECT_EQ(mapped(replaced(event("ec2.amazonaws.com", "CreateTags", bob()), "198.51.100.23",
                            "AWS Internal"))
                .via,
            "");
}

// ---- Whole logs -----------------------------------------------------------------------------

std::vector<CloudTrailEntry> readLog(std::string_view text) {
  auto entries = readCloudTrailLog("log.json", text, {});
  EXPECT_TRUE(entries.ok()) << entries.status().toString();
  return entries.ok() ? std::move(entries).value() : std::vector<CloudTrailEntry>{};
}

TEST(CloudTrailLog, ReadsRecordsArraysAndSingleEvents) {
  const std::string one = event("ec2.amazonaws.com", "DescribeInstances", bob());
  for (const std::string& text :
       {R"({"Records":[)" + one + "," + one + "]}", "[" + one + "," + one + "]"}) {
    const std::vector<CloudTrailEntry> entries = readLog(text);
    ASSERT_EQ(entries.size(), 2U) << text;
    EXPECT_EQ(entries[0].index, 1U);
    EXPECT_EQ(entries[1].index, 2U);
    ASSERT_TRUE(entries[1].record.ok());
    EXPECT_EQ(entries[1].record.value().request.action, "ec2:DescribeInstances");
  }
  const std::vector<CloudTrailEntry> single = readLog(one);
  ASSERT_EQ(single.size(), 1U);
  EXPECT_TRUE(single[0].record.ok());
}

// A malformed record fails alone; its message says where it is.
TEST(CloudTrailLog, MalformedRecordsFailOnTheirOwnWithTheirPlace) {
  const std::string one = event("ec2.amazonaws.com", "DescribeInstances", bob());
  std::vector<CloudTrailEntry> entries = readLog(R"({"Records":[)" + one + ",7]}");
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_TRUE(entries[0].record.ok());
  ASSERT_FALSE(entries[1].record.ok());
  EXPECT_EQ(recordErrorMessage(entries[1]),
            "log.json:1: error: record 2: a CloudTrail event must be a JSON object");

  // JSON Lines: blank lines are not records; a line that is not JSON, a scalar, and a line
  // cut short (the next line starts a record in its first column) each fail alone.
  entries = readLog(one + "\n\nnot json\n7\n{\"eventTime\": \n" + one + "\n{\"a\":1}}\n");
  ASSERT_EQ(entries.size(), 7U);
  EXPECT_TRUE(entries[0].record.ok());
  EXPECT_EQ(recordErrorMessage(entries[1]),
            "log.json:3:1: error: record 2: a CloudTrail event must be a JSON object: unexpected "
            "character 'n'; the rest of the line is skipped");
  EXPECT_EQ(recordErrorMessage(entries[2]),
            "log.json:4:1: error: record 3: a CloudTrail event must be a JSON object: unexpected "
            "character '7'; the rest of the line is skipped");
  EXPECT_EQ(recordErrorMessage(entries[3]),
            "log.json:6:1: error: record 4: not closed before line 6, where a new record starts: "
            "the record is cut short");
  EXPECT_TRUE(entries[4].record.ok());
  EXPECT_EQ(entries[4].line, 6U);
  EXPECT_EQ(recordErrorMessage(entries[5]), "log.json:7: error: record 6: no \"eventTime\" string");
  EXPECT_EQ(recordErrorMessage(entries[6]),
            "log.json:7:8: error: record 7: not JSON: unexpected character '}'; the rest of the "
            "line is skipped");
}

// A syntax error inside a record of a delivery file: that record only, with its place.
TEST(CloudTrailLog, SyntaxErrorsInsideRecordsArePlaced) {
  auto entries = readLog("{\"Records\": [\n  {\"eventTime\": 1,\n  ]}\n");
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(recordErrorMessage(entries[0]),
            "log.json:3:3: error: record 1: invalid JSON: Missing a name for object member.");
  // A line break inside a string cuts the record there; the next line is read.
  const std::string one = event("ec2.amazonaws.com", "DescribeInstances", bob());
  entries = readLog("{\"eventTime\": \"2026-\n" + one + "\n");
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(recordErrorMessage(entries[0]),
            "log.json:1:21: error: record 1: line break inside a string: the record is cut short");
  EXPECT_TRUE(entries[1].record.ok());
}

TEST(CloudTrailLog, FailsOnlyOnInputThatHoldsNothing) {
  auto empty = readCloudTrailLog("log.json", " \n\n", {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().toString(),
            "log.json:1:1: error: no CloudTrail records: the input is empty");
  auto notArray = readLog(R"({"Records": {}})");
  ASSERT_EQ(notArray.size(), 1U);
  EXPECT_EQ(recordErrorMessage(notArray[0]),
            "log.json:1: error: record 1: \"Records\" must be an array of CloudTrail events");
}

// Text that is no JSON is skipped line by line, and given up after 1 MiB in a row: a file of
// NULs is not read whole.
TEST(CloudTrailLog, GivesUpOnLongJunk) {
  std::vector<CloudTrailEntry> entries;
  CloudTrailReader reader("zeros.bin", {}, [&](CloudTrailEntry&& e) { entries.push_back(e); });
  const std::string zeros(64 * 1024, '\0');
  std::size_t fed = 0;
  while (reader.feed(zeros)) {
    fed += zeros.size();
    ASSERT_LT(fed, std::size_t{4} << 20U) << "still reading";
  }
  const auto status = reader.finish();
  EXPECT_EQ(status.toString(),
            "zeros.bin:1:1048577: error: more than 1 MiB in a row that is not JSON: the rest of "
            "the input is not read");
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(recordErrorMessage(entries[0]),
            "zeros.bin:1:1: error: record 1: not JSON: unexpected byte 0x00; the rest of the line "
            "is skipped");
}

// Text that is not plain ASCII is validated as UTF-8: valid text is read, invalid bytes are an
// error of their record, on a line of its own (fast path) or inside a delivery file.
TEST(CloudTrailLog, ValidatesUtf8) {
  const std::string valid =
      event("ec2.amazonaws.com", "DescribeInstances", bob(), ",\"userAgent\":\"caf\xC3\xA9\"");
  const std::string invalid =
      event("ec2.amazonaws.com", "DescribeInstances", bob(), ",\"userAgent\":\"caf\xFF\"");
  for (const std::string& text :
       {valid + "\n" + invalid + "\n", "{\"Records\":[" + valid + "," + invalid + "]}"}) {
    const std::vector<CloudTrailEntry> entries = readLog(text);
    ASSERT_EQ(entries.size(), 2U);
    EXPECT_TRUE(entries[0].record.ok());
    ASSERT_FALSE(entries[1].record.ok());
    EXPECT_NE(entries[1].record.status().message().find("Invalid encoding in string"),
              std::string::npos)
        << entries[1].record.status().message();
  }
}

// ---- Shapes of logs -------------------------------------------------------------------------

// Every shape AWS and its tools write, fed in chunks of every size from 1 byte: the same
// records come out.
std::vector<std::string> actionsOf(std::string_view text, std::size_t chunk) {
  std::vector<std::string> actions;
  CloudTrailReader reader("log", {}, [&](CloudTrailEntry&& entry) {
    actions.push_back(entry.record.ok() ? entry.record.value().request.action
                                        : "error: " + entry.record.status().message());
  });
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    EXPECT_TRUE(reader.feed(text.substr(at, chunk)));
  }
  EXPECT_TRUE(reader.finish().ok());
  return actions;
}

TEST(CloudTrailLog, ReadsEveryShapeInAnyChunking) {
  const std::string a = event("ec2.amazonaws.com", "DescribeInstances", bob());
  const std::string b = event("s3.amazonaws.com", "ListBuckets", bob());
  const std::string pretty =
      "{\n  \"eventTime\": \"2026-11-21T09:00:00Z\",\n  \"eventSource\": \"s3.amazonaws.com\",\n"
      "  \"eventName\": \"ListBuckets\",\n  \"userIdentity\": " +
      bob() + "\n}\n";
  auto quote = [](const std::string& json) {
    std::string out = "\"";
    for (char c : json) {
      out += c == '"' ? std::string("\\\"") : std::string(1, c);
    }
    return out + "\"";
  };
  const std::vector<std::pair<std::string, std::string>> shapes = {
      {"delivery file", R"({"Records":[)" + a + "," + b + "]}"},
      {"concatenated delivery files", R"({"Records":[)" + a + "]}\n{\"Records\":[" + b + "]}\n"},
      {"concatenated without newline", R"({"Records":[)" + a + "]}{\"Records\":[" + b + "]}"},
      {"JSON Lines", a + "\n" + b + "\n"},
      {"CRLF JSON Lines", a + "\r\n" + b + "\r\n"},
      {"bare array", "[" + a + ",\n" + b + "]"},
      {"pretty-printed stream", "{\n  \"Records\": [\n    " + a + ",\n    " + b + "\n  ]\n}\n"},
      {"jq .Records[]", pretty.substr(0, 0) + a + "\n" + pretty},
      {"lookup-events",
       R"({"Events":[{"EventId":"1","EventName":"DescribeInstances","CloudTrailEvent":)" +
           quote(a) + R"(},{"EventId":"2","CloudTrailEvent":)" + quote(b) +
           R"(}],"NextToken":"abc"})"},
      {"EventBridge",
       R"({"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":)" +
           a + "}\n" +
           R"({"version":"0","id":"2","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":)" +
           b + "}"},
      {"byte order mark", "\xEF\xBB\xBF" + a + "\n" + b},
  };
  const std::vector<std::string> expected = {"ec2:DescribeInstances", "s3:ListAllMyBuckets"};
  for (const auto& [name, text] : shapes) {
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
      EXPECT_EQ(actionsOf(text, chunk), expected) << name << ", chunks of " << chunk;
    }
  }
}

// A delivery file is streamed: records are handed out before the file ends, whatever its size.
TEST(CloudTrailLog, StreamsTheRecordsOfADeliveryFile) {
  std::size_t seen = 0;
  CloudTrailReader reader("big.json", {}, [&](CloudTrailEntry&& entry) {
    EXPECT_TRUE(entry.record.ok());
    ++seen;
  });
  const std::string one = event("ec2.amazonaws.com", "DescribeInstances", bob());
  ASSERT_TRUE(reader.feed("{\"Records\":["));
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(reader.feed((i == 0 ? "" : ",") + one));
    EXPECT_EQ(seen, static_cast<std::size_t>(i) + 1);  // each as soon as it is closed
  }
  ASSERT_TRUE(reader.feed("]}"));
  EXPECT_TRUE(reader.finish().ok());
  EXPECT_EQ(reader.records(), 2000U);
}

}  // namespace
