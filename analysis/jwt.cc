#include "analysis/jwt.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cmath>
#include <limits>
#include <unordered_set>

namespace policysim::analysis {
namespace {

using engine::Status;
using JsonValue = rapidjson::Value;

constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
// A token's header or claims, or a JWK Set, never needs more.
constexpr std::size_t kMaxMembers = 1000;

int base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '-') {
    return 62;
  }
  if (c == '_') {
    return 63;
  }
  return -1;
}

// Parses `json` into *doc: one object with unique member names.
Status parseObject(std::string_view json, std::string_view what, rapidjson::Document* doc) {
  doc->Parse<kParseFlags>(json.data(), json.size());
  if (doc->HasParseError()) {
    return Status::invalidArgument(std::string(what) + " is not valid JSON: " +
                                   rapidjson::GetParseError_En(doc->GetParseError()));
  }
  if (!doc->IsObject()) {
    return Status::invalidArgument(std::string(what) + " is not a JSON object");
  }
  if (doc->MemberCount() > kMaxMembers) {
    return Status::invalidArgument(std::string(what) + " has too many members");
  }
  std::unordered_set<std::string_view> names;
  for (const auto& member : doc->GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (!names.insert(name).second) {
      return Status::invalidArgument(std::string(what) + " names \"" + std::string(name) +
                                     "\" twice");
    }
  }
  return Status();
}

std::string_view view(const JsonValue& value) {
  return {value.GetString(), value.GetStringLength()};
}

// A NumericDate (RFC 7519 §2): a JSON number of seconds; fractions are cut.
Status numericDate(const JsonValue& value, std::string_view name,
                   std::optional<std::int64_t>* out) {
  if (!value.IsNumber()) {
    return Status::invalidArgument("claim " + std::string(name) + " is not a number");
  }
  const double seconds = value.GetDouble();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e15) {
    return Status::invalidArgument("claim " + std::string(name) + " is out of range");
  }
  *out = static_cast<std::int64_t>(std::floor(seconds));
  return Status();
}

Status stringList(const JsonValue& value, std::string_view name, bool stringAllowed,
                  std::vector<std::string>* out) {
  out->clear();
  if (stringAllowed && value.IsString()) {
    out->emplace_back(view(value));
    return Status();
  }
  if (!value.IsArray()) {
    return Status::invalidArgument("claim " + std::string(name) + " is not " +
                                   (stringAllowed ? "a string or " : "") + "an array of strings");
  }
  for (const JsonValue& element : value.GetArray()) {
    if (!element.IsString()) {
      return Status::invalidArgument("claim " + std::string(name) +
                                     " has an element that is not a string");
    }
    out->emplace_back(view(element));
  }
  return Status();
}

bool isIamNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '=' || c == ',' || c == '.' || c == '@' || c == '_' || c == '-';
}

// The base64url member `name` of JWK number `index`, decoded; an error when absent or bad.
Status jwkBytes(const JsonValue& key, const char* name, const std::string& where,
                std::string* out) {
  const auto it = key.FindMember(name);
  if (it == key.MemberEnd() || !it->value.IsString() || !decodeBase64Url(view(it->value), out) ||
      out->empty()) {
    return Status::invalidArgument(where + ": member \"" + name + "\" is missing or not base64url");
  }
  return Status();
}

std::string optionalString(const JsonValue& key, const char* name) {
  const auto it = key.FindMember(name);
  return it != key.MemberEnd() && it->value.IsString() ? std::string(view(it->value))
                                                       : std::string();
}

}  // namespace

bool decodeBase64Url(std::string_view in, std::string* out) {
  out->clear();
  if (in.size() % 4 == 1) {
    return false;
  }
  out->reserve(in.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    const int v = base64UrlValue(c);
    if (v < 0) {
      return false;
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out->push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  // The leftover bits must be zero (one canonical spelling per byte string).
  return (bits & ((1U << count) - 1)) == 0;
}

Status splitJwt(std::string_view token, SplitJwt* out) {
  const std::size_t first = token.find('.');
  const std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Status::invalidArgument("the token is not a JWS in compact form (three parts)");
  }
  const std::string_view header = token.substr(0, first);
  const std::string_view payload = token.substr(first + 1, second - first - 1);
  const std::string_view signature = token.substr(second + 1);
  if (header.empty() || payload.empty()) {
    return Status::invalidArgument("the token has an empty header or payload");
  }
  if (!decodeBase64Url(header, &out->header) || !decodeBase64Url(payload, &out->payload) ||
      !decodeBase64Url(signature, &out->signature)) {
    return Status::invalidArgument("the token is not base64url");
  }
  out->signingInput = token.substr(0, second);
  return Status();
}

Status parseJwtHeader(std::string_view json, JwtHeader* out) {
  rapidjson::Document doc;
  if (Status s = parseObject(json, "the token header", &doc); !s.ok()) {
    return s;
  }
  const auto alg = doc.FindMember("alg");
  if (alg == doc.MemberEnd() || !alg->value.IsString()) {
    return Status::invalidArgument("the token header has no \"alg\"");
  }
  out->alg = std::string(view(alg->value));
  out->kid.clear();
  if (const auto kid = doc.FindMember("kid"); kid != doc.MemberEnd()) {
    if (!kid->value.IsString()) {
      return Status::invalidArgument("the token header's \"kid\" is not a string");
    }
    out->kid = std::string(view(kid->value));
  }
  if (doc.HasMember("crit")) {
    return Status::invalidArgument("the token header has \"crit\" extensions, none understood");
  }
  return Status();
}

const std::string* JwtClaims::findString(std::string_view name) const {
  for (const auto& [claim, value] : strings) {
    if (claim == name) {
      return &value;
    }
  }
  return nullptr;
}

Status parseJwtClaims(std::string_view json, JwtClaims* out) {
  *out = JwtClaims();
  rapidjson::Document doc;
  if (Status s = parseObject(json, "the token payload", &doc); !s.ok()) {
    return s;
  }
  for (const auto& member : doc.GetObject()) {
    const std::string_view name = view(member.name);
    const JsonValue& value = member.value;
    Status s;
    if (name == "iss") {
      if (!value.IsString()) {
        return Status::invalidArgument("claim iss is not a string");
      }
      out->iss = std::string(view(value));
    } else if (name == "aud") {
      s = stringList(value, name, true, &out->aud);
    } else if (name == "exp") {
      s = numericDate(value, name, &out->exp);
    } else if (name == "nbf") {
      s = numericDate(value, name, &out->nbf);
    } else if (name == "iat") {
      s = numericDate(value, name, &out->iat);
    } else if (name == "auth_time") {
      s = numericDate(value, name, &out->authTime);
    } else if (name == "amr") {
      s = stringList(value, name, false, &out->amr);
    }
    if (!s.ok()) {
      return s;
    }
    if (value.IsString()) {
      out->strings.emplace_back(std::string(name), std::string(view(value)));
    }
  }
  return Status();
}

Status checkJwtClaims(const JwtClaims& claims, const JwtClaimRules& rules, std::int64_t now) {
  if (claims.iss != rules.issuer) {
    return Status::invalidArgument("the token's issuer is \"" + claims.iss.substr(0, 200) +
                                   "\", not the one configured");
  }
  bool audience = false;
  for (const std::string& aud : claims.aud) {
    audience = audience || aud == rules.audience;
  }
  if (!audience) {
    return Status::invalidArgument("the token's audience does not include the one configured");
  }
  if (!claims.exp) {
    return Status::invalidArgument("the token has no expiry (exp)");
  }
  if (now >= *claims.exp + rules.leeway) {
    return Status::invalidArgument("the token expired at " + std::to_string(*claims.exp) +
                                   " (now " + std::to_string(now) + ")");
  }
  if (claims.nbf && now < *claims.nbf - rules.leeway) {
    return Status::invalidArgument("the token is not valid before " + std::to_string(*claims.nbf) +
                                   " (now " + std::to_string(now) + ")");
  }
  if (claims.authTime && *claims.authTime > now + rules.leeway) {
    return Status::invalidArgument("the token's auth_time is in the future");
  }
  return Status();
}

AuthFactor authFactorOf(std::string_view v) {
  for (std::string_view k : {"pwd", "pin", "kba"}) {
    if (v == k) {
      return AuthFactor::Knowledge;
    }
  }
  for (std::string_view k : {"otp", "hwk", "swk", "sms", "tel", "sc", "pop"}) {
    if (v == k) {
      return AuthFactor::Possession;
    }
  }
  for (std::string_view k : {"fpt", "face", "iris", "retina", "vbm"}) {
    if (v == k) {
      return AuthFactor::Inherence;
    }
  }
  return AuthFactor::None;
}

bool amrIsMultiFactor(const std::vector<std::string>& amr) {
  bool seen[4] = {false, false, false, false};
  for (const std::string& value : amr) {
    if (value == "mfa") {
      return true;
    }
    seen[static_cast<int>(authFactorOf(value))] = true;
  }
  const int kinds = int{seen[1]} + int{seen[2]} + int{seen[3]};
  return kinds >= 2;
}

TokenMfa tokenMfa(const JwtClaims& claims, std::int64_t now) {
  TokenMfa mfa;
  mfa.present = amrIsMultiFactor(claims.amr);
  if (mfa.present && claims.authTime) {
    mfa.ageSeconds = now > *claims.authTime ? now - *claims.authTime : 0;
  }
  return mfa;
}

engine::Result<ClaimTemplate> ClaimTemplate::parse(std::string_view text) {
  ClaimTemplate result;
  result.text_ = std::string(text);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find('{', i);
    const std::size_t close = text.find('}', i);
    if (close < open) {
      return Status::invalidArgument("template " + std::string(text) + ": unmatched '}'");
    }
    if (open == std::string_view::npos) {
      result.parts_.push_back(Part{false, std::string(text.substr(i))});
      break;
    }
    if (open > i) {
      result.parts_.push_back(Part{false, std::string(text.substr(i, open - i))});
    }
    if (close == std::string_view::npos) {
      return Status::invalidArgument("template " + std::string(text) + ": unmatched '{'");
    }
    const std::string_view name = text.substr(open + 1, close - open - 1);
    if (name.empty() || name.find('{') != std::string_view::npos) {
      return Status::invalidArgument("template " + std::string(text) +
                                     ": a placeholder is {claim-name}");
    }
    result.parts_.push_back(Part{true, std::string(name)});
    i = close + 1;
  }
  return result;
}

Status ClaimTemplate::fill(const JwtClaims& claims, std::string* out) const {
  out->clear();
  for (const Part& part : parts_) {
    if (!part.claim) {
      out->append(part.text);
      continue;
    }
    const std::string* value = claims.findString(part.text);
    if (value == nullptr || value->empty()) {
      return Status::invalidArgument("the token has no string claim " + part.text);
    }
    for (char c : *value) {
      if (!isIamNameChar(c)) {
        return Status::invalidArgument("claim " + part.text +
                                       " has characters an IAM name cannot have");
      }
    }
    out->append(*value);
  }
  return Status();
}

engine::Result<JwkSet> parseJwkSet(std::string_view text, const std::string& name) {
  rapidjson::Document doc;
  if (Status s = parseObject(text, name, &doc); !s.ok()) {
    return s;
  }
  const auto keys = doc.FindMember("keys");
  if (keys == doc.MemberEnd() || !keys->value.IsArray()) {
    return Status::invalidArgument(name + ": a JWK Set is {\"keys\": [...]}");
  }
  JwkSet set;
  std::unordered_set<std::string> kids;
  std::size_t index = 0;
  for (const JsonValue& key : keys->value.GetArray()) {
    ++index;
    if (!key.IsObject()) {
      return Status::invalidArgument(name + ": key " + std::to_string(index) + " is not an object");
    }
    const std::string kid = optionalString(key, "kid");
    const std::string where = name + ": key " + std::to_string(index) +
                              (kid.empty() ? std::string() : " (kid " + kid + ")");
    const std::string kty = optionalString(key, "kty");
    const std::string use = optionalString(key, "use");
    if (key.HasMember("d") || key.HasMember("k")) {
      return Status::invalidArgument(where +
                                     " holds private or secret key material; publish only "
                                     "public keys");
    }
    if (!use.empty() && use != "sig") {
      set.skipped.push_back(where + ": use " + use + " is not \"sig\"");
      continue;
    }
    Jwk jwk;
    jwk.kid = kid;
    jwk.alg = optionalString(key, "alg");
    if (kty == "RSA") {
      jwk.type = Jwk::Type::Rsa;
      if (Status s = jwkBytes(key, "n", where, &jwk.n); !s.ok()) {
        return s;
      }
      if (Status s = jwkBytes(key, "e", where, &jwk.e); !s.ok()) {
        return s;
      }
      const std::size_t lead = jwk.n.find_first_not_of('\0');
      const std::size_t bits = lead == std::string::npos ? 0 : (jwk.n.size() - lead) * 8;
      if (bits < 2048) {
        set.skipped.push_back(where + ": an RSA key of fewer than 2048 bits");
        continue;
      }
      if (!jwk.alg.empty() && jwk.alg != "RS256") {
        set.skipped.push_back(where + ": alg " + jwk.alg + " is not supported (RS256 is)");
        continue;
      }
    } else if (kty == "EC") {
      jwk.type = Jwk::Type::EcP256;
      const std::string crv = optionalString(key, "crv");
      if (crv != "P-256") {
        set.skipped.push_back(where + ": curve " + crv + " is not supported (P-256 is)");
        continue;
      }
      if (Status s = jwkBytes(key, "x", where, &jwk.x); !s.ok()) {
        return s;
      }
      if (Status s = jwkBytes(key, "y", where, &jwk.y); !s.ok()) {
        return s;
      }
      if (jwk.x.size() != 32 || jwk.y.size() != 32) {
        return Status::invalidArgument(where + ": P-256 coordinates are 32 bytes each");
      }
      if (!jwk.alg.empty() && jwk.alg != "ES256") {
        set.skipped.push_back(where + ": alg " + jwk.alg + " is not supported (ES256 is)");
        continue;
      }
    } else {
      set.skipped.push_back(where + ": kty " + (kty.empty() ? "(none)" : kty) +
                            " is not a public signature key type supported (RSA, EC)");
      continue;
    }
    if (kid.empty()) {
      set.skipped.push_back(where + ": no kid (tokens name their key by kid)");
      continue;
    }
    if (!kids.insert(kid).second) {
      return Status::invalidArgument(where + ": kid " + kid + " appears twice");
    }
    set.keys.push_back(std::move(jwk));
  }
  return set;
}

}  // namespace policysim::analysis
