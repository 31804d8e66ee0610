// Inputs shared by the benchmarks, built before any timed loop from fixed seeds.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/policy_set.h"
#include "engine/request.h"

namespace policysim::bench {

// Text of a file under policies/.
std::string readPolicyFile(const std::string& name);

// force_mfa.json compiled as one identity policy. Aborts on error (benchmarks need inputs).
std::shared_ptr<const engine::PolicySet> compileForceMfa();

// Request JSON lines (~200 bytes each) for force_mfa: MFA true / false / absent, own-credential
// self-management and other services, in a fixed rotation.
std::vector<std::string> forceMfaRequestLines();

// A policy of n statements with distinct actions ("svcK:ActionI"), every tenth a prefix
// wildcard ("svcK:Act10I*"), each with one StringEquals condition on aws:PrincipalTag/team.
std::string scalingPolicyText(int n);
// A request for the action of the last statement of scalingPolicyText(n), team tag matching.
std::string scalingRequestMatchingLast(int n);
// A request whose action no statement covers.
std::string scalingRequestMatchingNone();

// The shapes of policy set of issue 17's table, n statements each (statement i):
//   Literal   Action "ec2:Op<i>", Resource "*"
//   Prefix    Action "ec2:Op<i>*" (a prefix wildcard, like "s3:Get*"), Resource "*"
//   Resources Action "s3:GetObject", Resource "arn:aws:s3:::tenant-<i>/*" (a tenant per prefix)
//   Tags      Action "s3:GetObject", Resource "arn:aws:s3:::shared/*", and
//             StringEquals aws:PrincipalTag/team = "team<i>" (ABAC)
//   Mixed     Action "ec2:Op<i>" (every 7th "ec2:Op<i>*"), its own instance ARN and a
//             StringEquals aws:PrincipalTag/team condition
enum class Shape { Literal, Prefix, Resources, Tags, Mixed };
std::string shapePolicyText(Shape shape, int n);
// A request the last statement allows (matchLast) or one no statement covers, of the same
// service, action and resource form as the set's statements.
std::string shapeRequest(Shape shape, int n, bool matchLast);

engine::Request parseOneRequest(const std::string& json);

}  // namespace policysim::bench
