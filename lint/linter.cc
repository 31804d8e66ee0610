#include "lint/linter.h"

#include <algorithm>
#include <cctype>

#include "lint/checker.h"
#include "lint/internal/arn_patterns.h"
#include "lint/report.h"

namespace policysim::lint {

using namespace policysim::engine;    // NOLINT(google-build-using-namespace): the core vocabulary
using namespace policysim::analysis;  // NOLINT(google-build-using-namespace)

namespace {

// The rules whose findings rest on the policy's type: they say which type was inferred, and why.
bool dependsOnType(std::string_view id) {
  return id == "PS103" || id == "PS109" || id == "PS133" || id == "PS303" || id == "PS305" ||
         (id >= "PS134" && id <= "PS137");
}

constexpr std::size_t kSubjectLimit = 200;

// The deepest node the path reaches inside the policy (the path may end at a key).
const Node* nodeAt(const Node* root, const std::vector<PathSegment>& path) {
  const Node* node = root;
  for (const PathSegment& segment : path) {
    const Node* next = nullptr;
    if (segment.index >= 0 && node->isArray() &&
        static_cast<std::size_t>(segment.index) < node->elements.size()) {
      next = &node->elements[static_cast<std::size_t>(segment.index)];
    } else if (segment.index < 0 && node->isObject()) {
      next = node->get(segment.key);
    }
    if (next == nullptr) {
      break;
    }
    node = next;
  }
  return node;
}

// Compact JSON-like text of a node, stopping once it is over kSubjectLimit bytes.
void appendCompact(const Node& node, std::string* out) {
  if (out->size() > kSubjectLimit) {
    return;
  }
  switch (node.type) {
    case Node::Type::Null:
      *out += "null";
      return;
    case Node::Type::String:
      *out += '"' + node.text + '"';
      return;
    case Node::Type::Bool:
    case Node::Type::Number:
      *out += node.text;
      return;
    case Node::Type::Array:
      *out += '[';
      for (std::size_t i = 0; i < node.elements.size(); ++i) {
        *out += i == 0 ? "" : ",";
        appendCompact(node.elements[i], out);
      }
      *out += ']';
      return;
    case Node::Type::Object:
      *out += '{';
      for (std::size_t i = 0; i < node.members.size(); ++i) {
        *out += (i == 0 ? "\"" : ",\"") + node.members[i].key + "\":";
        appendCompact(node.members[i].value, out);
      }
      *out += '}';
      return;
  }
}

std::string subjectOf(const Node* root, const std::vector<PathSegment>& path) {
  if (root == nullptr) {
    return {};
  }
  const Node* node = nodeAt(root, path);
  std::string out;
  if (node->isString()) {
    out = node->text;
  } else {
    appendCompact(*node, &out);
  }
  if (out.size() > kSubjectLimit) {
    out.resize(kSubjectLimit);
  }
  return out;
}

// True when a checkov check id is one this rule's anchors name ("checkov CKV_AWS_1/CKV_AWS_49").
bool anchorsNameCheckov(const RuleInfo& rule, std::string_view id) {
  const std::string checkov = splitAnchors(rule.anchors).checkov;
  std::size_t pos = 0;
  while ((pos = checkov.find(id, pos)) != std::string::npos) {
    const std::size_t end = pos + id.size();
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
    if ((pos == 0 || !word(checkov[pos - 1])) && (end == checkov.size() || !word(checkov[end]))) {
      return true;
    }
    pos = end;
  }
  return false;
}

void applyInline(const std::vector<InlineSuppression>& suppressions, Finding* finding) {
  for (const InlineSuppression& s : suppressions) {
    const bool rule =
        s.rule == finding->rule->id || (s.checkov && anchorsNameCheckov(*finding->rule, s.rule));
    if (!rule || (!s.sid.empty() && s.sid != finding->sid)) {
      continue;
    }
    finding->suppression = s.reason;
    finding->suppressionKind = SuppressionKind::InSource;
    finding->blocking = false;
    return;
  }
}

}  // namespace

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
  report.relativePath = std::string(relativePath.empty() ? report.file : relativePath);
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
      if (!policy.note.empty()) {
        finding.message += " (" + policy.note + ")";
      }
      if (!policy.typeReason.empty() && dependsOnType(r.rule->id)) {
        finding.message += " [type inferred as " + std::string(policyTypeName(policy.type)) + ": " +
                           policy.typeReason + "; set it with --type or policyTypes]";
      }
      finding.subject = subjectOf(policy.root, r.path);
      finding.file = report.file;
      finding.position = r.position;
      finding.path = formatPath(r.path);
      finding.pointer = formatPointer(r.path);
      finding.policy = policy.label;
      finding.sid = std::move(r.sid);
      applyInline(policy.suppressions, &finding);
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
    if (finding->suppression.has_value()) {
      break;  // suppressed in the file itself
    }
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
