// Credential scenarios -> request context. The rules, per key, are in
// ../shared/docs/iam-semantics.md §3.8 (principal variables per principal type), §3.9 (when
// each global key is present) and §5.1/§5.2 (MFA keys and session durations).
#include "analysis/scenario.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include "grammar/arn.h"
#include "grammar/ascii.h"
#include "grammar/date.h"

namespace policysim::analysis {

using namespace policysim::engine;  // NOLINT(google-build-using-namespace): the core vocabulary
namespace {

constexpr std::array<ScenarioInfo, 10> kCatalog = {{
    {Scenario::AccessKey, "access-key",
     "IAM user (or root) calling with long-term access keys (CLI, SDK, API)",
     "MultiFactorAuthPresent, MultiFactorAuthAge and TokenIssueTime absent",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
     "reference_policies_condition-keys.html#condition-keys-multifactorauthpresent",
     false, false},
    {Scenario::Console, "console", "IAM user signed in to the console without MFA",
     "MultiFactorAuthPresent false, MultiFactorAuthAge absent, TokenIssueTime set",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
     "reference_policies_condition-keys.html#condition-keys-multifactorauthpresent",
     true, false},
    {Scenario::ConsoleMfa, "console-mfa", "IAM user signed in to the console with MFA",
     "MultiFactorAuthPresent true, MultiFactorAuthAge = seconds since sign-in, TokenIssueTime",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
     "reference_policies_condition-keys.html#condition-keys-multifactorauthage",
     true, true},
    {Scenario::SessionMfa, "session-mfa",
     "GetSessionToken credentials obtained with SerialNumber+TokenCode (CLI user with MFA)",
     "MultiFactorAuthPresent true, MultiFactorAuthAge = seconds since GetSessionToken, "
     "TokenIssueTime (root: false, age absent)",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
     "id_credentials_temp_control-access_getsessiontoken.html",
     true, true},
    {Scenario::SessionNoMfa, "session-no-mfa", "GetSessionToken credentials obtained without MFA",
     "MultiFactorAuthPresent false, MultiFactorAuthAge absent, TokenIssueTime",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
     "id_credentials_temp_control-access_getsessiontoken.html",
     true, false},
    {Scenario::AssumeRole, "assume-role", "role session obtained with AssumeRole without MFA",
     "MultiFactorAuthPresent false, MultiFactorAuthAge absent, TokenIssueTime",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html", true,
     false},
    {Scenario::AssumeRoleMfa, "assume-role-mfa",
     "role session obtained with AssumeRole passing SerialNumber+TokenCode",
     "MultiFactorAuthPresent true, MultiFactorAuthAge = seconds since AssumeRole, TokenIssueTime "
     "(conservative reading: false, age absent)",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
     "id_credentials_mfa_configure-api-require.html",
     true, true},
    {Scenario::Root, "root", "root user signed in to the console without MFA",
     "MultiFactorAuthPresent false, MultiFactorAuthAge absent, TokenIssueTime",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
     "reference_policies_condition-keys.html#condition-keys-multifactorauthpresent",
     true, false},
    {Scenario::RootMfa, "root-mfa", "root user signed in to the console with MFA",
     "MultiFactorAuthPresent true, MultiFactorAuthAge = seconds since sign-in, TokenIssueTime",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
     "reference_policies_condition-keys.html#condition-keys-multifactorauthage",
     true, true},
    {Scenario::Federated, "federated", "federated user session from GetFederationToken",
     "MultiFactorAuthPresent false, MultiFactorAuthAge absent, TokenIssueTime",
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
     "id_credentials_temp_control-access_getfederationtoken.html",
     true, false},
}};

constexpr std::int64_t kGetSessionTokenMax = 129600;
constexpr std::int64_t kRootSessionMax = 3600;
constexpr std::int64_t kAssumeRoleMax = 43200;

bool isAccountId(std::string_view text) {
  if (text.size() != 12) {
    return false;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

Status invalid(std::string message) { return Status::invalidArgument(std::move(message)); }

ContextValue scalar(ContextValue::Type type, std::string text) {
  ContextValue value;
  value.type = type;
  value.values.push_back(std::move(text));
  return value;
}

// The one-string value of a single-valued key, or nullptr.
const std::string* singleValue(const Request& request, std::string_view key) {
  const ContextValue* value = request.findContext(key);
  if (value == nullptr || value->multivalued || value->values.size() != 1) {
    return nullptr;
  }
  return &value->values.front();
}

// Resolves the request time: the request's own aws:CurrentTime / aws:EpochTime win, and must
// agree with each other and with options.now.
Result<std::int64_t> resolveNow(const ScenarioOptions& options, const Request& request) {
  std::optional<std::int64_t> fromRequest;
  for (std::string_view key : {"aws:CurrentTime", "aws:EpochTime"}) {
    if (request.findContext(key) == nullptr) {
      continue;
    }
    const std::string* text = singleValue(request, key);
    if (text == nullptr) {
      return invalid(std::string(key) + " in the request must hold one value");
    }
    auto parsed = parseTimestamp(*text);
    if (!parsed.ok()) {
      return invalid(std::string(key) + " in the request: " + parsed.status().message());
    }
    if (fromRequest && *fromRequest != parsed.value()) {
      return invalid("aws:CurrentTime and aws:EpochTime in the request name different times");
    }
    fromRequest = parsed.value();
  }
  if (fromRequest && options.now && *fromRequest != *options.now) {
    return invalid("the request's time (" + formatTimestamp(*fromRequest) +
                   ") contradicts the given time (" + formatTimestamp(*options.now) +
                   "); drop one of them");
  }
  if (fromRequest) {
    return *fromRequest;
  }
  if (options.now) {
    return *options.now;
  }
  return invalid(
      "no request time: give one (--now) or set aws:CurrentTime in the request; "
      "MFA ages and aws:TokenIssueTime are computed from it");
}

bool kindAllowed(Scenario scenario, PrincipalKind kind) {
  switch (scenario) {
    case Scenario::AccessKey:
    case Scenario::Console:
    case Scenario::ConsoleMfa:
    case Scenario::SessionMfa:
    case Scenario::SessionNoMfa:
      return kind == PrincipalKind::User || kind == PrincipalKind::Root;
    case Scenario::AssumeRole:
    case Scenario::AssumeRoleMfa:
      return kind == PrincipalKind::Role || kind == PrincipalKind::RoleSession;
    case Scenario::Root:
    case Scenario::RootMfa:
      return true;  // the root user of the principal's account
    case Scenario::Federated:
      return kind == PrincipalKind::User || kind == PrincipalKind::Root ||
             kind == PrincipalKind::FederatedUser;
  }
  return false;
}

const char* kindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::User:
      return "an IAM user";
    case PrincipalKind::Root:
      return "the root user";
    case PrincipalKind::Role:
      return "an IAM role";
    case PrincipalKind::RoleSession:
      return "a role session";
    case PrincipalKind::FederatedUser:
      return "a federated user";
  }
  return "a principal";
}

const char* expectedPrincipal(Scenario scenario) {
  switch (scenario) {
    case Scenario::AssumeRole:
    case Scenario::AssumeRoleMfa:
      return "a role ARN (arn:aws:iam::ACCOUNT:role/NAME) or a role-session ARN";
    case Scenario::Federated:
      return "the ARN of the IAM user (or root) calling GetFederationToken, or a federated-user "
             "ARN";
    case Scenario::Root:
    case Scenario::RootMfa:
      return "any ARN of the account, or the account ID";
    default:
      return "an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME) or the root ARN";
  }
}

// Everything the scenario sets, before explicit keys are honoured.
struct Derived {
  PrincipalKind kind = PrincipalKind::User;
  std::string principal;  // ARN AWS reports for the caller
  PrincipalKeys keys;
};

// The ARN AWS reports for a caller.
std::string callerArn(const PrincipalArn& c) {
  const std::string prefix = "arn:" + c.partition + ":";
  switch (c.kind) {
    case PrincipalKind::Root:
      return prefix + "iam::" + c.account + ":root";
    case PrincipalKind::RoleSession:
      return prefix + "sts::" + c.account + ":assumed-role/" + c.name + "/" + c.sessionName;
    case PrincipalKind::FederatedUser:
      return prefix + "sts::" + c.account + ":federated-user/" + c.name;
    case PrincipalKind::Role:
      return prefix + "iam::" + c.account + ":role" + c.path + c.name;
    case PrincipalKind::User:
      break;
  }
  return prefix + "iam::" + c.account + ":user" + c.path + c.name;
}

// The caller a scenario makes of the given principal, and its keys.
Derived derivePrincipal(const ScenarioOptions& options, const PrincipalArn& base) {
  PrincipalArn caller = base;
  const Scenario scenario = options.scenario;
  const bool rootCaller = scenario == Scenario::Root || scenario == Scenario::RootMfa ||
                          base.kind == PrincipalKind::Root;
  if (rootCaller && scenario != Scenario::Federated) {
    caller.kind = PrincipalKind::Root;
  } else if (scenario == Scenario::AssumeRole || scenario == Scenario::AssumeRoleMfa) {
    caller.kind = PrincipalKind::RoleSession;
    caller.sessionName = options.sessionName;
    if (caller.sessionName.empty()) {
      caller.sessionName =
          base.sessionName.empty() ? std::string(kDefaultSessionName) : base.sessionName;
    }
  } else if (scenario == Scenario::Federated) {
    caller.kind = PrincipalKind::FederatedUser;
    caller.name = options.sessionName;
    if (caller.name.empty()) {
      caller.name = base.kind == PrincipalKind::Root ? std::string(kDefaultSessionName) : base.name;
    }
  } else {
    caller.kind = PrincipalKind::User;
  }
  Derived d;
  d.kind = caller.kind;
  d.principal = callerArn(caller);
  d.keys = principalKeys(caller);
  if (d.keys.principalArn.empty() && caller.kind == PrincipalKind::RoleSession) {
    // A scenario assumes the path "/" for a role named only by a session ARN (and says so).
    d.keys.principalArn =
        "arn:" + caller.partition + ":iam::" + caller.account + ":role/" + caller.name;
  }
  // aws:userid holds the unique ID only the caller can tell (--unique-id).
  switch (caller.kind) {
    case PrincipalKind::Root:
      if (!options.uniqueId.empty()) {
        d.keys.userId = options.uniqueId;
      }
      break;
    case PrincipalKind::RoleSession:
      if (!options.uniqueId.empty()) {
        d.keys.userId = options.uniqueId + ":" + caller.sessionName;
      }
      break;
    case PrincipalKind::User:
      d.keys.userId = options.uniqueId;
      break;
    case PrincipalKind::Role:
    case PrincipalKind::FederatedUser:
      break;
  }
  return d;
}

// Sets key unless the request already carries it (explicit wins); records what was kept.
class ContextWriter {
 public:
  ContextWriter(Request* request, ScenarioOutcome* outcome)
      : request_(request), outcome_(outcome) {}
  void set(std::string_view key, ContextValue value) {
    if (request_->findContext(key) != nullptr) {
      outcome_->keptKeys.emplace_back(key);
      return;
    }
    request_->setContext(key, std::move(value));
  }
  void setString(std::string_view key, std::string_view text) {
    setScalar(key, ContextValue::Type::String, text);
  }
  void setBool(std::string_view key, bool value) {
    setScalar(key, ContextValue::Type::Bool, value ? "true" : "false");
  }

 private:
  // Filled in place, reusing the request's storage (replay maps millions of records).
  void setScalar(std::string_view key, ContextValue::Type type, std::string_view text) {
    ContextValue* slot = request_->addContext(key);
    if (slot == nullptr) {
      outcome_->keptKeys.emplace_back(key);
      return;
    }
    slot->type = type;
    slot->values.emplace_back(text);
  }

  Request* request_;
  ScenarioOutcome* outcome_;
};

}  // namespace

std::span<const ScenarioInfo> scenarioCatalog() { return kCatalog; }

const ScenarioInfo& scenarioInfo(Scenario scenario) {
  return kCatalog[static_cast<std::size_t>(scenario)];
}

std::optional<Scenario> parseScenario(std::string_view name) {
  for (const ScenarioInfo& info : kCatalog) {
    if (grammar::equalsIgnoreAsciiCase(info.name, name)) {
      return info.scenario;
    }
  }
  return std::nullopt;
}

std::string scenarioNames() {
  std::string out;
  for (const ScenarioInfo& info : kCatalog) {
    out += out.empty() ? "" : ", ";
    out += info.name;
  }
  return out;
}

Result<PrincipalArn> parsePrincipalArn(std::string_view text) {
  PrincipalArn out;
  if (isAccountId(text)) {
    out.kind = PrincipalKind::Root;
    out.account = std::string(text);
    return out;
  }
  auto fail = [&](std::string_view why) {
    return invalid("principal \"" + std::string(text) + "\" " + std::string(why) +
                   " (expected arn:aws:iam::ACCOUNT:user/NAME, ...:role/NAME, ...:root, "
                   "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, "
                   "...:federated-user/NAME, or a 12-digit account ID)");
  };
  // arn:partition:service:region:account:resource
  const grammar::ArnFields arn = grammar::splitArn(text);
  if (!arn.isArn) {
    return fail("is not an ARN");
  }
  const auto& fields = arn.fields;
  if (!fields[3].empty()) {
    return fail("has a region; IAM and STS principal ARNs have none");
  }
  if (!isAccountId(fields[4])) {
    return fail("has no 12-digit account ID");
  }
  if (text.find_first_of("*?") != std::string_view::npos) {
    return fail("has a wildcard; a caller is one principal");
  }
  out.partition = std::string(fields[1]);
  out.account = std::string(fields[4]);
  const std::string_view service = fields[2];
  const std::string_view resource = fields[5];
  auto splitPathName = [&](std::string_view rest) -> bool {
    // rest = "/path/name" or "/name" after "user" / "role"
    const std::size_t last = rest.rfind('/');
    if (rest.empty() || rest.front() != '/' || last + 1 >= rest.size()) {
      return false;
    }
    out.path = std::string(rest.substr(0, last + 1));
    out.name = std::string(rest.substr(last + 1));
    return true;
  };
  if (service == "iam") {
    if (resource == "root") {
      out.kind = PrincipalKind::Root;
      return out;
    }
    if (resource.starts_with("user/")) {
      out.kind = PrincipalKind::User;
      if (!splitPathName(resource.substr(4))) {
        return fail("has no user name");
      }
      return out;
    }
    if (resource.starts_with("role/")) {
      out.kind = PrincipalKind::Role;
      if (!splitPathName(resource.substr(4))) {
        return fail("has no role name");
      }
      return out;
    }
    return fail("names neither a user, a role nor the root user");
  }
  if (service == "sts") {
    if (resource.starts_with("assumed-role/")) {
      const std::string_view rest = resource.substr(13);
      const std::size_t slash = rest.find('/');
      if (slash == 0 || slash == std::string_view::npos || slash + 1 >= rest.size()) {
        return fail("is not assumed-role/ROLE/SESSION");
      }
      out.kind = PrincipalKind::RoleSession;
      out.path.assign(1, '/');  // a session ARN does not carry the role's path
      out.pathKnown = false;
      out.name = std::string(rest.substr(0, slash));
      out.sessionName = std::string(rest.substr(slash + 1));
      return out;
    }
    if (resource.starts_with("federated-user/") && resource.size() > 15) {
      out.kind = PrincipalKind::FederatedUser;
      out.name = std::string(resource.substr(15));
      return out;
    }
    return fail("names neither an assumed-role session nor a federated user");
  }
  return fail("is not an IAM or STS principal");
}

void applyCredentialRestriction(Scenario scenario, const Request& request,
                                engine::Decision* decision) {
  const auto restriction = credentialRestriction(scenario, request.action);
  if (!restriction) {
    return;
  }
  if (decision->kind == engine::DecisionKind::Allowed) {
    decision->kind = engine::DecisionKind::ImplicitDeny;
    decision->reason =
        "denied for " + std::string(scenarioInfo(scenario).name) + " credentials: " + *restriction;
    decision->matchedStatements.clear();
    decision->explanations.clear();
  }
  decision->errors.push_back("credentials: " + *restriction +
                             " (AWS refuses the call before evaluating policies)");
}

PrincipalKeys principalKeys(const PrincipalArn& caller) {
  PrincipalKeys keys;
  keys.account = caller.account;
  const std::string iam = "arn:" + caller.partition + ":iam::" + caller.account + ":";
  switch (caller.kind) {
    case PrincipalKind::Root:
      keys.principalArn = iam + "root";
      keys.principalType = "Account";
      keys.userId = caller.account;
      break;
    case PrincipalKind::Role:
    case PrincipalKind::RoleSession:
      if (caller.pathKnown) {
        keys.principalArn = iam + "role" + caller.path + caller.name;
      }
      keys.principalType = "AssumedRole";
      break;
    case PrincipalKind::FederatedUser:
      keys.principalArn = callerArn(caller);
      keys.principalType = "FederatedUser";
      keys.userId = caller.account + ":" + caller.name;
      break;
    case PrincipalKind::User:
      keys.principalArn = iam + "user" + caller.path + caller.name;
      keys.principalType = "User";
      keys.userName = caller.name;
      break;
  }
  return keys;
}

std::vector<std::string> setPrincipalKeys(const PrincipalKeys& keys, Request* request) {
  std::vector<std::string> kept;
  auto set = [&](std::string_view key, const std::string& value) {
    if (value.empty()) {
      return;
    }
    ContextValue* slot = request->addContext(key);  // in place: storage is reused
    if (slot == nullptr) {
      kept.emplace_back(key);
      return;
    }
    slot->values.push_back(value);
  };
  set("aws:PrincipalArn", keys.principalArn);
  set("aws:PrincipalAccount", keys.account);
  set("aws:PrincipalType", keys.principalType);
  set("aws:userid", keys.userId);
  set("aws:username", keys.userName);
  return kept;
}

Result<std::int64_t> parseTimestamp(std::string_view text) {
  std::string compact;
  // CloudTrail's old compact form: 20131102T010628Z -> 2013-11-02T01:06:28Z.
  if (text.size() == 16 && text[8] == 'T' && text[15] == 'Z' &&
      text.find_first_not_of("0123456789") == 8) {
    compact = std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) + "-" +
              std::string(text.substr(6, 2)) + "T" + std::string(text.substr(9, 2)) + ":" +
              std::string(text.substr(11, 2)) + ":" + std::string(text.substr(13, 2)) + "Z";
    text = compact;
  }
  auto parsed = grammar::parseDate(text);
  if (!parsed.ok()) {
    std::string message(1, '"');
    message.append(text);
    message += "\" is not a time (ISO 8601 such as 2026-11-22T10:00:00Z, or epoch seconds): ";
    message += "expected " + parsed.expected();
    return invalid(std::move(message));
  }
  const grammar::EpochMicros micros = parsed.value();
  constexpr std::int64_t kMicros = 1000000;
  return micros >= 0 ? micros / kMicros : -((-micros + kMicros - 1) / kMicros);
}

std::string formatTimestamp(std::int64_t epochSeconds) {
  constexpr std::int64_t kDay = 86400;
  std::int64_t days = epochSeconds / kDay;
  std::int64_t secs = epochSeconds % kDay;
  if (secs < 0) {
    secs += kDay;
    --days;
  }
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  if (y >= 0 && y <= 9999) {
    // Digits by hand: replay formats two times per record, and snprintf showed in profiles.
    std::string out = "0000-00-00T00:00:00Z";
    const auto put = [&out](std::size_t at, std::int64_t value, int width) {
      for (int i = width - 1; i >= 0; --i) {
        out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
        value /= 10;
      }
    };
    put(0, y, 4);
    put(5, m, 2);
    put(8, d, 2);
    put(11, secs / 3600, 2);
    put(14, secs / 60 % 60, 2);
    put(17, secs % 60, 2);
    return out;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buffer;
}

std::optional<std::int64_t> maxCredentialAgeSeconds(Scenario scenario, PrincipalKind kind) {
  const bool root = kind == PrincipalKind::Root;
  switch (scenario) {
    case Scenario::SessionMfa:
    case Scenario::SessionNoMfa:
      return root ? kRootSessionMax : kGetSessionTokenMax;
    case Scenario::AssumeRole:
    case Scenario::AssumeRoleMfa:
      return kAssumeRoleMax;
    case Scenario::Federated:
      return root ? kRootSessionMax : kGetSessionTokenMax;
    default:
      return std::nullopt;
  }
}

std::optional<std::string> credentialRestriction(Scenario scenario, std::string_view action) {
  const std::string lower = toLowerAscii(action);
  const bool iam = lower.starts_with("iam:");
  const bool sts = lower.starts_with("sts:");
  const bool assumeRole = lower == "sts:assumerole";
  const bool callerIdentity = lower == "sts:getcalleridentity";
  switch (scenario) {
    case Scenario::SessionNoMfa:
      if (iam) {
        return "GetSessionToken credentials obtained without MFA cannot call IAM API operations";
      }
      [[fallthrough]];
    case Scenario::SessionMfa:
      if (sts && !assumeRole && !callerIdentity) {
        return "GetSessionToken credentials can call only sts:AssumeRole and "
               "sts:GetCallerIdentity in STS";
      }
      return std::nullopt;
    case Scenario::AssumeRole:
    case Scenario::AssumeRoleMfa:
      if (lower == "sts:getsessiontoken" || lower == "sts:getfederationtoken") {
        return "role sessions cannot call sts:GetSessionToken or sts:GetFederationToken";
      }
      return std::nullopt;
    case Scenario::Federated:
      if (iam) {
        return "GetFederationToken sessions cannot call IAM API operations";
      }
      if (sts && !callerIdentity) {
        return "GetFederationToken sessions can call only sts:GetCallerIdentity in STS";
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

Result<ScenarioOutcome> applyScenario(const ScenarioOptions& options, Request* request) {
  const ScenarioInfo& info = scenarioInfo(options.scenario);
  const std::string name(info.name);
  ScenarioOutcome outcome;
  outcome.scenario = options.scenario;

  // Principal: the option, else the request's own.
  const std::string& baseText = options.principal.empty() ? request->principal : options.principal;
  if (baseText.empty()) {
    return invalid("scenario " + name + " needs a principal (" +
                   expectedPrincipal(options.scenario) + ")");
  }
  auto base = parsePrincipalArn(baseText);
  if (!base.ok()) {
    return base.status();
  }
  if (!kindAllowed(options.scenario, base.value().kind)) {
    return invalid("scenario " + name + " cannot have " + kindName(base.value().kind) + " (" +
                   baseText + ") as caller; give " + expectedPrincipal(options.scenario));
  }
  const Derived d = derivePrincipal(options, base.value());
  if (!options.principal.empty() && !request->principal.empty() &&
      request->principal != options.principal && request->principal != d.principal) {
    return invalid("the request names principal " + request->principal + " but the scenario's is " +
                   d.principal + "; drop one of them");
  }
  outcome.principalKind = d.kind;

  auto now = resolveNow(options, *request);
  if (!now.ok()) {
    return now.status();
  }
  outcome.now = now.value();

  // Credential age (temporary credentials only).
  const bool root = d.kind == PrincipalKind::Root;
  if (options.mfaAgeSeconds && !info.mfa) {
    return invalid("scenario " + name + " involves no MFA, so an MFA age does not apply");
  }
  if (options.sessionAgeSeconds && !info.temporary) {
    return invalid("scenario " + name +
                   " uses long-term credentials, so a session age does not apply");
  }
  if (options.mfaAgeSeconds && options.sessionAgeSeconds &&
      *options.mfaAgeSeconds != *options.sessionAgeSeconds) {
    return invalid("the MFA age and the session age differ; in scenario " + name +
                   " MFA is used when the credentials are issued, so they are the same");
  }
  std::optional<std::int64_t> age =
      options.mfaAgeSeconds ? options.mfaAgeSeconds : options.sessionAgeSeconds;
  const bool mfaKeys =
      info.mfa && !(options.scenario == Scenario::SessionMfa && root) &&
      !(options.scenario == Scenario::AssumeRoleMfa && !options.assumeRoleCarriesMfa);
  if (info.temporary) {
    std::optional<std::int64_t> fromAgeKey;
    if (mfaKeys && request->findContext("aws:MultiFactorAuthAge") != nullptr) {
      const std::string* text = singleValue(*request, "aws:MultiFactorAuthAge");
      char* end = nullptr;
      const long long value = text == nullptr ? 0 : std::strtoll(text->c_str(), &end, 10);
      if (text == nullptr || text->empty() || *end != '\0') {
        return invalid("aws:MultiFactorAuthAge in the request is not a whole number of seconds");
      }
      fromAgeKey = value;
    }
    std::optional<std::int64_t> fromIssueKey;
    if (request->findContext("aws:TokenIssueTime") != nullptr) {
      const std::string* text = singleValue(*request, "aws:TokenIssueTime");
      if (text == nullptr) {
        return invalid("aws:TokenIssueTime in the request must hold one value");
      }
      auto issued = parseTimestamp(*text);
      if (!issued.ok()) {
        return invalid("aws:TokenIssueTime in the request: " + issued.status().message());
      }
      fromIssueKey = outcome.now - issued.value();
    }
    if (age && fromAgeKey && *age != *fromAgeKey) {
      return invalid("the given MFA age (" + std::to_string(*age) +
                     " s) contradicts aws:MultiFactorAuthAge in the request (" +
                     std::to_string(*fromAgeKey) + " s); drop one of them");
    }
    if (age && fromIssueKey && *age != *fromIssueKey) {
      return invalid("the given age (" + std::to_string(*age) +
                     " s) contradicts aws:TokenIssueTime in the request (" +
                     std::to_string(*fromIssueKey) + " s before the request time)");
    }
    if (!age) {
      age = fromAgeKey ? fromAgeKey : fromIssueKey;
    }
    if (!age) {
      age = kDefaultCredentialAgeSeconds;
    }
    if (*age < 0) {
      return invalid("credential age " + std::to_string(*age) +
                     " s is negative: the credentials would be issued after the request");
    }
    const auto max = maxCredentialAgeSeconds(options.scenario, d.kind);
    if (max && *age > *max) {
      return invalid("scenario " + name + " with " + kindName(d.kind) + ": credentials " +
                     std::to_string(*age) + " s old cannot exist (those sessions last at most " +
                     std::to_string(*max) + " s)");
    }
    outcome.credentialAgeSeconds = age;
  }

  // Everything checked: write.
  ContextWriter writer(request, &outcome);
  request->principal = d.principal;
  for (std::string& kept : setPrincipalKeys(d.keys, request)) {
    outcome.keptKeys.push_back(std::move(kept));
  }
  writer.set("aws:CurrentTime", scalar(ContextValue::Type::Date, formatTimestamp(outcome.now)));
  writer.set("aws:EpochTime", scalar(ContextValue::Type::Number, std::to_string(outcome.now)));
  writer.setBool("aws:SecureTransport", true);
  writer.setBool("aws:ViaAWSService", false);
  writer.setBool("aws:PrincipalIsAWSService", false);
  if (info.temporary) {
    writer.set("aws:TokenIssueTime",
               scalar(ContextValue::Type::Date, formatTimestamp(outcome.now - *age)));
    writer.setBool("aws:MultiFactorAuthPresent", mfaKeys);
    if (mfaKeys) {
      writer.set("aws:MultiFactorAuthAge",
                 scalar(ContextValue::Type::Number, std::to_string(*age)));
    }
  }

  if (options.scenario == Scenario::AssumeRoleMfa) {
    outcome.notes.emplace_back(
        options.assumeRoleCarriesMfa
            ? "assume-role-mfa: the session carries aws:MultiFactorAuthPresent true and the age "
              "since AssumeRole, as CloudTrail records (mfaAuthenticated: true); AWS's "
              "MFA-protected API page reads otherwise (semantics §5.1 AMBIGUOUS)"
            : "assume-role-mfa, conservative reading: the session carries "
              "aws:MultiFactorAuthPresent false and no age; MFA counted only when the role was "
              "assumed (semantics §5.1 AMBIGUOUS)");
  }
  if (options.scenario == Scenario::SessionMfa && root) {
    outcome.notes.emplace_back(
        "session-mfa with the root user: AWS says MFA-protected API access is not available "
        "with root credentials, so aws:MultiFactorAuthPresent is false and the age absent "
        "(semantics §7 AMBIGUOUS)");
  }
  if (base.value().kind == PrincipalKind::RoleSession && base.value().sessionName.size() > 0 &&
      options.scenario != Scenario::Root && options.scenario != Scenario::RootMfa) {
    outcome.notes.emplace_back(
        "a session ARN does not carry the role's path: aws:PrincipalArn assumes the role has "
        "none (give the role ARN to keep it)");
  }
  return outcome;
}

}  // namespace policysim::analysis
