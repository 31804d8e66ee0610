// MfaGapProver: proves, with the evaluator, which actions a force-MFA Deny leaves reachable without
// MFA. The Deny (only its NotAction list and its MFA condition) is compiled next to an Allow of
// everything (and a trust/key policy trusting the account, which sts:AssumeRole and kms:* need,
// semantics §4.2), and every action of the IAM data is evaluated on Resource "*" for a caller
// without MFA: once with aws:MultiFactorAuthPresent absent (long-term access keys) and once with
// it false (temporary credentials without MFA), as far as the Deny's condition is meant to
// catch that caller. Results are cached by NotAction list and condition form, so a repository
// that copies the same guard into many policies pays once. Thread-safe.
#pragma once

#include <cstddef>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "analysis/iam_data.h"

namespace policysim::lint {

// Vocabulary of the core and the analyses this header speaks in.
using analysis::IamData;

// How the Deny recognises a caller without MFA.
enum class MfaDenyForm {
  BoolIfExistsFalse,  // BoolIfExists {aws:MultiFactorAuthPresent: false}: absent and false
  BoolFalse,          // Bool {...: false}: false only (PS401 reports the absent case)
  NullTrue,           // Null {...: true}: absent only (PS403 reports the false case)
  // Null {aws:MultiFactorAuthAge: true}: absent and false (the age is absent whenever MFA was
  // not used, semantics §5.3).
  NullAgeTrue,
};

struct MfaGapResult {
  // One entry per NotAction entry that exempts actions beyond MFA self-management.
  struct Leak {
    std::size_t entry = 0;              // index in the NotAction list
    std::size_t count = 0;              // actions it lets through
    std::vector<std::string> examples;  // a few of them, sensitive ones (MFA removal) first
  };
  std::vector<Leak> leaks;
  std::size_t reachable = 0;  // every action reachable without MFA
  // Actions no Deny can stop (the evaluator allows them whatever the policies say, e.g.
  // sts:GetCallerIdentity); not counted as reachable.
  std::size_t uncontrolled = 0;
  std::size_t evaluated = 0;                 // actions evaluated (per caller kind)
  std::vector<std::string> enrolmentDenied;  // MFA enrolment actions the Deny still blocks
};

class MfaGapProver {
 public:
  // `selfManagement`: the actions a user without MFA may legitimately keep (MFA enrolment,
  // password change, GetSessionToken); empty means the built-in list (defaultSelfManagement()).
  MfaGapProver(std::shared_ptr<const IamData> data, std::vector<std::string> selfManagement);

  // The built-in list: the self-service set of semantics §5.3a, shared with the MFA audit.
  [[nodiscard]] static const std::vector<std::string>& defaultSelfManagement();

  // Analyses a Deny with this NotAction list. The result lives as long as the MfaGapProver.
  [[nodiscard]] const MfaGapResult& analyse(const std::vector<std::string>& notActions,
                                            MfaDenyForm form) const;

  [[nodiscard]] const IamData& data() const { return *data_; }

 private:
  [[nodiscard]] MfaGapResult compute(const std::vector<std::string>& notActions,
                                     MfaDenyForm form) const;

  std::shared_ptr<const IamData> data_;
  std::vector<std::string> selfManagement_;  // lower case, sorted
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::shared_future<std::shared_ptr<const MfaGapResult>>> cache_;
};

}  // namespace policysim::lint
