// Request-context JSON -> Requests. Two shapes are accepted:
//  1. policysim's own: {"principal": ARN, "action": "svc:Action", "resource": ARN,
//     "context": {"aws:MultiFactorAuthPresent": true, "aws:TagKeys": ["a","b"], ...}}
//  2. the AWS CLI simulate-custom-policy input: {"ActionNames": [...], "ResourceArns": [...],
//     "CallerArn": ARN, "ContextEntries": [{"ContextKeyName", "ContextKeyValues",
//     "ContextKeyType"}]}; one Request per action x resource.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/request.h"
#include "engine/status.h"

namespace policysim::engine {

// Parses a request file. `name` labels error messages (file:line:col).
[[nodiscard]] Result<std::vector<Request>> parseRequests(std::string_view text,
                                                         const std::string& name);

}  // namespace policysim::engine
