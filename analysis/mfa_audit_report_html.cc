// The MFA audit report as one self-contained HTML page (analysis/mfa_audit_report.h): the
// style is inline and there is no script, so the page can be mailed or archived as it is.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "analysis/internal/audit_text.h"
#include "analysis/internal/mfa_audit_report_parts.h"
#include "analysis/mfa_audit_report.h"

namespace policysim::analysis {
namespace {

using internal::compactColumns;
using internal::scenarioName;
using internal::thousands;

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr std::string_view kCss = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}
.meta{color:#4b5563;font-size:13px}.meta td{padding:1px 12px 1px 0;vertical-align:top}
.verdict{margin:16px 0;padding:14px 18px;border-radius:6px;font-size:16px;font-weight:600}
.ok{background:#e3f5e8;border:1px solid #3c9a5f;color:#17592f}.bad{background:#fde8e8;border:1px solid #c53030;color:#7b1c1c}
.pitfall{border-left:4px solid #999;padding:6px 12px;margin:8px 0;background:#f8f9fb}
.pitfall.error{border-color:#c53030}.pitfall.warning{border-color:#d69e2e}.pitfall.info{border-color:#3182ce}
.sev{display:inline-block;font-size:11px;font-weight:700;text-transform:uppercase;padding:1px 6px;border-radius:3px;color:#fff;background:#718096;margin-right:6px}
.sev.error{background:#c53030}.sev.warning{background:#b7791f}.sev.info{background:#3182ce}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef1f5;padding:0 3px;border-radius:3px}
table.m{border-collapse:collapse;font-size:12px}table.m th,table.m td{border:1px solid #d8dde6;padding:3px 7px}
table.m th{background:#eef1f5;position:sticky;top:0}table.m td.n{text-align:right;font-variant-numeric:tabular-nums}
table.m td.s{font-family:ui-monospace,Menlo,Consolas,monospace}table.m tr.total td{font-weight:700;background:#eef1f5}
th.nomfa{background:#fbe4e4!important}th.mfa{background:#e1f0e6!important}
table.l{border-collapse:collapse;font-size:12px;width:100%}table.l td,table.l th{border-bottom:1px solid #e5e7eb;padding:3px 6px;text-align:left;vertical-align:top}
.out{color:#c53030;font-weight:600}.in{color:#2f855a}.note{color:#4b5563;font-size:13px}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
)";

// Background of a matrix cell: white for 0, deeper for more actions (log scale), red in the
// columns without MFA when the action count includes actions outside the self-service set.
std::string cellStyle(std::size_t count, std::size_t max, bool withoutMfa) {
  if (count == 0 || max == 0) {
    return "";
  }
  double ratio = std::log1p(static_cast<double>(count)) / std::log1p(static_cast<double>(max));
  ratio = std::clamp(ratio, 0.08, 1.0);
  const int alpha = static_cast<int>(ratio * 70) + 12;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, " style=\"background:rgba(%s,0.%02d)\"",
                withoutMfa ? "197,48,48" : "47,133,90", alpha > 99 ? 99 : alpha);
  return buffer;
}

// The document head and the table of what was audited, then the verdict banner.
void appendHead(const MfaAuditReport& report, const IamData& data, std::string* out) {
  *out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  *out += "<title>policysim MFA audit: " + escape(internal::policiesText(report)) + "</title>\n";
  *out += "<style>" + std::string(kCss) + "</style></head><body>\n";
  *out += "<h1>MFA audit</h1>\n<table class=\"meta\">\n";
  auto meta = [&](const std::string& key, const std::string& value) {
    *out += "<tr><td>" + escape(key) + "</td><td>" + value + "</td></tr>\n";
  };
  meta("policies", "<code>" + escape(internal::policiesText(report)) + "</code>");
  meta("principal",
       "<code>" + escape(report.principal) + "</code>" +
           (report.rolePrincipal.empty()
                ? ""
                : " (role scenarios as <code>" + escape(report.rolePrincipal) + "</code>)"));
  meta("time", escape(formatTimestamp(report.now)));
  meta("IAM data", escape(internal::dataText(report, data)));
  meta("AssumeRole reading", escape(report.assumeRoleReading));
  meta("MFA ages tried", escape(internal::agesText(report)));
  meta("evaluated", thousands(report.runs.size()) + " credential situations, " +
                        thousands(report.evaluations) + " decisions");
  *out += "</table>\n";

  *out += std::string("<div class=\"verdict ") + (report.verdict.mfaEnforced ? "ok" : "bad") +
          "\">" + (report.verdict.mfaEnforced ? "&#10004; " : "&#10008; ") +
          escape(report.verdict.summary) + "</div>\n";
  const AuditVerdict& verdict = report.verdict;
  if (!verdict.actionsWithoutMfa.empty()) {
    *out += "<h2>Not enforced for (by risk)</h2>\n<table>\n";
    for (const AuditViolation& v : verdict.actionsWithoutMfa) {
      *out += "<tr><td class=\"out\">" + escape(internal::riskTitle(v.risk)) + "</td><td><code>" +
              escape(v.action->fullName) + "</code></td><td>" +
              escape(internal::violationScenarios(report, v)) + "</td><td><code>" +
              escape(v.resource) + "</code></td><td>" +
              escape(report.statements[v.statement].label()) + "</td></tr>\n";
    }
    *out += "</table>\n";
  }
  if (!verdict.accepted.empty()) {
    *out += "<h2>Accepted without MFA</h2>\n<ul>\n";
    for (const AuditAccepted& a : verdict.accepted) {
      *out += "<li><code>" + escape(a.pattern) + "</code>: ";
      for (std::size_t k = 0; k < a.actions.size(); ++k) {
        *out += (k == 0 ? "" : ", ") + std::string("<code>") + escape(a.actions[k]) + "</code>";
      }
      *out += a.actions.empty() ? "nothing reachable without MFA</li>\n" : "</li>\n";
    }
    *out += "</ul>\n";
  }
}

// One box per pitfall, coloured by severity.
void appendPitfalls(const MfaAuditReport& report, std::string* out) {
  *out += "<h2>Pitfalls</h2>\n";
  if (report.pitfalls.empty()) {
    *out += "<p class=\"note\">None found.</p>\n";
  }
  for (const AuditPitfall& p : report.pitfalls) {
    *out += "<div class=\"pitfall " + escape(p.severity) + "\"><span class=\"sev " +
            escape(p.severity) + "\">" + escape(p.severity) + "</span><b>" + escape(p.title) +
            "</b> <code>" + escape(p.id) + "</code><br>" + escape(p.explanation) +
            "<br><b>Fix:</b> " + escape(p.fix);
    if (!p.actions.empty()) {
      *out += "<br><span class=\"note\">Actions: ";
      for (std::size_t k = 0; k < p.actions.size(); ++k) {
        *out += (k == 0 ? "" : ", ") + std::string("<code>") + escape(p.actions[k]) + "</code>";
      }
      *out += "</span>";
    }
    *out += "</div>\n";
  }
}

// Each age limit, open, with every action it takes away.
void appendAgeLimits(const MfaAuditReport& report, std::string* out) {
  const auto& st = report.statements;
  *out += "<h2>MFA age limits</h2>\n";
  if (report.ageLimits.empty()) {
    *out +=
        "<p class=\"note\">None: nothing allowed with fresh MFA stops being allowed at the "
        "older ages tried.</p>\n";
  }
  for (const AuditAgeLimit& limit : report.ageLimits) {
    *out += "<details open><summary>" + escape(limit.message) + "</summary>\n";
    *out +=
        "<table class=\"l\"><tr><th>action</th><th>resource</th><th>allowed by</th>"
        "<th>then</th></tr>\n";
    for (const auto& lost : limit.actions) {
      *out += "<tr><td><code>" + escape(lost.action->fullName) + "</code></td><td><code>" +
              escape(lost.resource) + "</code></td><td>" + escape(st[lost.allowedBy].label()) +
              "</td><td>" +
              (lost.deniedBy ? "denied by " + escape(st[*lost.deniedBy].label())
                             : std::string("no Allow applies")) +
              "</td></tr>\n";
    }
    *out += "</table></details>\n";
  }
}

// Every service with an allowed action, in the compact columns; cells shaded by count.
void appendMatrix(const MfaAuditReport& report, std::string* out) {
  const std::vector<std::size_t> columns = compactColumns(report);
  *out += "<h2>Matrix: allowed actions per service and scenario</h2>\n";
  *out += "<p class=\"note\">Red columns: credentials without MFA; green: with MFA";
  for (const std::size_t c : columns) {
    if (report.runs[c].mfaAge) {
      *out += " (MFA " + internal::seconds(*report.runs[c].mfaAge) + " old)";
      break;
    }
  }
  *out += ". " + thousands(report.matrix.size()) +
          (report.matrix.size() == 1 ? " service has" : " services have") +
          " at least one allowed action.";
  *out += "</p>\n<table class=\"m\"><tr><th>service</th>";
  for (const std::size_t c : columns) {
    *out += std::string("<th class=\"") + (report.runs[c].mfa ? "mfa" : "nomfa") + "\">" +
            escape(scenarioName(report.runs[c].scenario)) + "</th>";
  }
  *out += "</tr>\n";
  std::size_t max = 0;
  for (const auto& row : report.matrix) {
    for (const std::size_t c : columns) {
      max = std::max(max, row.counts[c]);
    }
  }
  for (const auto& row : report.matrix) {
    *out += "<tr><td class=\"s\">" + escape(row.service) + "</td>";
    for (const std::size_t c : columns) {
      const std::size_t n = row.counts[c];
      *out += "<td class=\"n\"" + cellStyle(n, max, !report.runs[c].mfa) + ">" +
              (n == 0 ? std::string("&middot;") : thousands(n)) + "</td>";
    }
    *out += "</tr>\n";
  }
  *out += "<tr class=\"total\"><td>total</td>";
  for (const std::size_t c : columns) {
    *out += "<td class=\"n\">" + thousands(report.totals[c]) + "</td>";
  }
  *out += "</tr></table>\n";
}

// Every action reachable without MFA, per run, folded.
void appendReachable(const MfaAuditReport& report, std::string* out) {
  const auto& st = report.statements;
  *out += "<h2>Reachable without MFA</h2>\n";
  for (const AuditReachable& r : report.reachableWithoutMfa) {
    const AuditRun& run = report.runs[r.run];
    *out += "<details><summary>" + escape(scenarioName(run.scenario)) + ": " +
            thousands(r.actions.size()) + " actions, " + thousands(run.outsideSelfService) +
            " outside the self-service set</summary>\n";
    if (!r.actions.empty()) {
      *out += "<table class=\"l\"><tr><th>action</th><th>resource</th><th>allowed by</th></tr>\n";
      for (const AuditAllowedAction& a : r.actions) {
        *out += std::string("<tr><td class=\"") + (a.selfService ? "in" : "out") + "\"><code>" +
                escape(a.action->fullName) + "</code></td><td><code>" + escape(a.resource) +
                "</code></td><td>" + escape(st[a.statement].label()) + "</td></tr>\n";
      }
      *out += "</table>\n";
    }
    *out += "</details>\n";
  }
}

// The notes and the footer.
void appendNotes(const MfaAuditReport& report, std::string* out) {
  if (!report.notes.empty()) {
    *out += "<h2>Notes</h2>\n<ul class=\"note\">\n";
    for (const std::string& n : report.notes) {
      *out += "<li>" + escape(n) + "</li>\n";
    }
    *out += "</ul>\n";
  }
  *out +=
      "<p class=\"note\">Generated by <code>policysim mfa-audit</code>; see "
      "docs/mfa-audit.md.</p>\n</body></html>\n";
}

}  // namespace

std::string formatMfaAuditHtml(const MfaAuditReport& report, const IamData& data) {
  std::string out;
  appendHead(report, data, &out);
  appendPitfalls(report, &out);
  appendAgeLimits(report, &out);
  appendMatrix(report, &out);
  appendReachable(report, &out);
  appendNotes(report, &out);
  return out;
}

}  // namespace policysim::analysis
