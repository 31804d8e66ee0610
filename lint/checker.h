// checkPolicy: runs every lint rule on one policy document and appends what it finds. Grammar
// problems do not stop the walk: each statement and element is checked on its own, so one
// mistake does not hide the others. Stateless apart from the shared, thread-safe MfaGapProver.
#pragma once

#include <string>
#include <vector>

#include "analysis/iam_data.h"
#include "lint/mfa_gap.h"
#include "lint/node.h"
#include "lint/rules.h"
#include "lint/sources.h"

namespace policysim::lint {

namespace internal {
class ArnFormatIndex;
}  // namespace internal

// Vocabulary of the core and the analyses this header speaks in.
using analysis::IamData;

// A finding before configuration is applied: the rule, where, and what.
struct RawFinding {
  const RuleInfo* rule = nullptr;
  std::string message;
  Position position;
  std::vector<PathSegment> path;  // inside the policy document
  std::string sid;                // of the statement, when it has one
};

struct CheckContext {
  const IamData* data = nullptr;                      // REQUIRES: non-null
  const MfaGapProver* mfa = nullptr;                  // REQUIRES: non-null, over the same data
  const internal::ArnFormatIndex* formats = nullptr;  // REQUIRES: non-null, of the same data
};

void checkPolicy(const CheckContext& context, const PolicyInput& policy,
                 std::vector<RawFinding>* out);

}  // namespace policysim::lint
