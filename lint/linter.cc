#include "lint/linter.h"

#include <algorithm>

#include "lint/checker.h"
#include "lint/internal/arn_patterns.h"

namespace policysim::lint {

using namespace policysim::engine;    // NOLINT(google-build-using-namespace): the core vocabulary
using namespace policysim::analysis;  // NOLINT(google-build-using-namespace)

Linter::Linter(std::shared_ptr<const IamData> data, LintConfig config)
    : data_(std::move(data)),
      config_(std::move(config)),
      mfa_(data_, config_.mfaSelfManagementActions),
      formats_(std::make_shared<const internal::ArnFormatIndex>(*data_)) {}

bool Linter::ignored(std::string_view relativePath) const {
  return std::any_of(config_.ignorePaths.begin(), config_.ignorePaths.end(),
                     [&](const std::string& glob) { return globMatch(glob, relativePath); });
}

FileReport Linter::lintText(std::string file, std::string_view relativePath, std::string_view text,
                            bool named) const {
  FileReport report;
  report.file = std::move(file);
  SourceOptions options;
  options.named = named;
  for (const PolicyTypeEntry& entry : config_.policyTypes) {
    if (globMatch(entry.path, relativePath)) {
      options.policyType = entry.type;
    }
  }
  const SourceFile source =
      loadSource(relativePath.empty() ? report.file : relativePath, text, options);
  if (!source.recognized) {
    report.skipped = true;
    return report;
  }
  report.format = source.format;
  report.policies = source.policies.size();

  for (const ReadProblem& problem : source.problems) {
    Finding finding;
    finding.rule = findRule("PS100");
    finding.severity = finding.rule->severity;
    finding.message = problem.message;
    finding.file = report.file;
    finding.position = problem.position;
    finding.policy = problem.label;
    report.findings.push_back(std::move(finding));
  }
  const CheckContext context{data_.get(), &mfa_, formats_.get()};
  std::vector<RawFinding> raw;
  for (const PolicyInput& policy : source.policies) {
    raw.clear();
    checkPolicy(context, policy, &raw);
    for (RawFinding& r : raw) {
      Finding finding;
      finding.rule = r.rule;
      finding.severity = r.rule->severity;
      finding.message = std::move(r.message);
      finding.file = report.file;
      finding.position = r.position;
      finding.path = formatPath(r.path);
      finding.pointer = formatPointer(r.path);
      finding.policy = policy.label;
      finding.sid = std::move(r.sid);
      report.findings.push_back(std::move(finding));
    }
  }
  for (Finding& finding : report.findings) {
    applyConfig(relativePath, &finding);
  }
  std::erase_if(report.findings, [](const Finding& f) { return f.rule == nullptr; });
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     if (a.position.line != b.position.line) {
                       return a.position.line < b.position.line;
                     }
                     return a.position.column < b.position.column;
                   });
  return report;
}

void Linter::applyConfig(std::string_view relativePath, Finding* finding) const {
  const std::string id(finding->rule->id);
  if (const auto it = config_.rules.find(id); it != config_.rules.end()) {
    if (!it->second.enabled) {
      finding->rule = nullptr;  // removed by the caller
      return;
    }
    if (it->second.severity.has_value()) {
      finding->severity = *it->second.severity;
    }
  }
  for (const SuppressionEntry& s : config_.suppressions) {
    if (s.rule != id || !globMatch(s.path, relativePath)) {
      continue;
    }
    if (!s.sid.empty() && s.sid != finding->sid) {
      continue;
    }
    if (!s.policy.empty() && s.policy != finding->policy) {
      continue;
    }
    if (!s.pointer.empty()) {
      const std::string& p = finding->pointer;
      const bool prefix = p.compare(0, s.pointer.size(), s.pointer) == 0 &&
                          (p.size() == s.pointer.size() || p[s.pointer.size()] == '/');
      if (!prefix) {
        continue;
      }
    }
    finding->suppression = s.reason;
    break;
  }
  const bool listed =
      std::find(config_.blocking.begin(), config_.blocking.end(), id) != config_.blocking.end();
  const bool severe = config_.failOn.has_value() && finding->severity >= *config_.failOn;
  finding->blocking = !finding->suppression.has_value() && (listed || severe);
}

}  // namespace policysim::lint
