// Disagreements between the engine and the reference that fuzz/fuzz_differential.cc tolerates
// while the decision behind them is pending. Each exemption is one rule the two read
// differently; it explains a disagreement only when
//  1. the case has what the rule is about (exemptionApplies), and
//  2. the reference, switched to the engine's reading of that one rule (Deviations), decides as
//     the engine did.
// So an exemption cannot hide an unrelated engine bug in a case that merely looks like it.
//
// exemptions_test.cc keeps the list honest: it fails when an exemption no longer fires on its
// reproducer (the engine changed: remove the exemption) and when a deviation changes a decision
// in a case the exemption is not about. The fuzz target counts how often each one fires.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>

#include "engine/decision.h"
#include "tests/reference/reference_evaluator.h"
#include "tests/reference/reference_policy.h"

namespace policysim::reference {

enum class Exemption { EmptyListOnMultivaluedKey, ShapelessArnCaller, AccountlessCaller };
inline constexpr std::size_t kExemptionCount = 3;

struct ExemptionInfo {
  Exemption id;
  const char* name;
  // The pending question and where it is reproduced.
  const char* question;
};

[[nodiscard]] const std::array<ExemptionInfo, kExemptionCount>& exemptionCatalogue();
[[nodiscard]] const char* exemptionName(Exemption exemption);

// Does the case have what the exemption is about? (Structural: no evaluation.)
[[nodiscard]] bool exemptionApplies(Exemption exemption, const PolicyInput& input,
                                    const Request& request);

// The reference switched to the engine's reading of the exemption's rule.
[[nodiscard]] Deviations deviationFor(Exemption exemption);

// The exemption that explains why the engine decided `engine` where the reference did not, or
// nullopt when none does (a real disagreement).
[[nodiscard]] std::optional<Exemption> explainDisagreement(const PolicyInput& input,
                                                           const Request& request,
                                                           DecisionKind engine);

// How often each exemption fired, for the fuzz target's summary.
class ExemptionCounts {
 public:
  void add(Exemption exemption) { ++hits_[static_cast<std::size_t>(exemption)]; }
  [[nodiscard]] std::size_t hits(Exemption exemption) const {
    return hits_[static_cast<std::size_t>(exemption)];
  }
  // One line: "name=N name=N ...".
  [[nodiscard]] std::string summary() const;

 private:
  std::array<std::size_t, kExemptionCount> hits_{};
};

}  // namespace policysim::reference
