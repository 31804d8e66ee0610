// JSON Web Tokens (RFC 7519) as a gateway meets them: the JOSE compact serialization
// (RFC 7515), the claims an OIDC identity provider states (iss, aud, exp, nbf, auth_time, amr,
// string claims), a JWK Set (RFC 7517/7518: RSA and EC public keys) and the mapping of those
// claims to IAM's request context: aws:MultiFactorAuthPresent from `amr` (RFC 8176) and
// aws:MultiFactorAuthAge from `auth_time`, a principal ARN from a template.
//
// This is parsing and claim rules only; no cryptography. The signature is checked by the
// caller with a real cryptographic library (cli/serve/jwt_verifier.h uses OpenSSL) over
// SplitJwt::signingInput with the key a Jwk describes.
//
//   SplitJwt parts;
//   if (splitJwt(token, &parts).ok() && parseJwtHeader(parts.header, &header).ok() ...)
//
// Thread-safety: plain functions over caller-owned data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/status.h"

namespace policysim::analysis {

// RFC 4648 §5 base64url without padding, as JWS requires (padding and other characters are
// refused). False on malformed input.
bool decodeBase64Url(std::string_view in, std::string* out);

// A token's three parts, decoded. Views point into the token, which must outlive them.
struct SplitJwt {
  std::string header;             // the JOSE header's JSON
  std::string payload;            // the claims' JSON
  std::string signature;          // raw signature bytes
  std::string_view signingInput;  // "BASE64URL(header).BASE64URL(payload)": what was signed
};

// Splits "h.p.s" and decodes the parts. InvalidArgument on anything else (JWE's five parts,
// empty parts, characters outside base64url).
[[nodiscard]] engine::Status splitJwt(std::string_view token, SplitJwt* out);

// The JOSE header fields a verifier needs.
struct JwtHeader {
  std::string alg;  // "RS256", "ES256", ... ("none" and "HS256" are parsed, and refused later)
  std::string kid;  // key id; empty when absent
};

// Parses the header JSON: an object with a string "alg"; "kid" a string when present.
// InvalidArgument on malformed JSON, duplicate names, a "crit" parameter (no extension is
// understood, so RFC 7515 §4.1.11 requires refusing it) or wrong types.
[[nodiscard]] engine::Status parseJwtHeader(std::string_view json, JwtHeader* out);

// The claims the gateway uses. NumericDates are seconds since the epoch (a fraction is cut).
struct JwtClaims {
  std::string iss;
  std::vector<std::string> aud;  // "aud" as a string or an array of strings
  std::optional<std::int64_t> exp;
  std::optional<std::int64_t> nbf;
  std::optional<std::int64_t> iat;
  std::optional<std::int64_t> authTime;  // OIDC "auth_time"
  std::vector<std::string> amr;          // OIDC "amr" (RFC 8176 values)
  // Every top-level claim whose value is a string, by name ("sub", "cognito:username", ...):
  // what the principal template and the tag mapping read.
  std::vector<std::pair<std::string, std::string>> strings;

  // The string claim `name`, or nullptr.
  [[nodiscard]] const std::string* findString(std::string_view name) const;
};

// Parses the payload JSON (an object). InvalidArgument on malformed JSON, duplicate claim
// names (which copy counts cannot be known), and registered claims of the wrong type.
[[nodiscard]] engine::Status parseJwtClaims(std::string_view json, JwtClaims* out);

// What must hold of the claims besides the signature.
struct JwtClaimRules {
  std::string issuer;        // "iss" must equal it exactly
  std::string audience;      // "aud" must contain it
  std::int64_t leeway = 30;  // seconds of clock skew allowed on exp, nbf and auth_time
};

// OK when iss and aud match, exp is present and now < exp + leeway, now >= nbf - leeway (when
// nbf is present) and auth_time is not after now + leeway. InvalidArgument saying which failed.
[[nodiscard]] engine::Status checkJwtClaims(const JwtClaims& claims, const JwtClaimRules& rules,
                                            std::int64_t now);

// RFC 8176 authentication method references, by the kind of factor each one is.
enum class AuthFactor {
  None,        // not a factor by itself: geo, rba, mca, user, wia, and unknown values
  Knowledge,   // something you know: pwd, pin, kba
  Possession,  // something you have: otp, hwk, swk, sms, tel, sc, pop
  Inherence,   // something you are: fpt, face, iris, retina, vbm
};
[[nodiscard]] AuthFactor authFactorOf(std::string_view amrValue);

// True when `amr` says multi-factor authentication took place: it contains "mfa", or values of
// two different factor kinds (e.g. "pwd" and "otp"; "otp" and "hwk" are one kind, possession).
[[nodiscard]] bool amrIsMultiFactor(const std::vector<std::string>& amr);

// The request-context MFA state of a token, the way AWS states it for temporary credentials:
// aws:MultiFactorAuthPresent true or false; aws:MultiFactorAuthAge = now - auth_time only when
// MFA is present and auth_time is known (absent otherwise, as for a session without MFA).
struct TokenMfa {
  bool present = false;
  std::optional<std::int64_t> ageSeconds;
};
[[nodiscard]] TokenMfa tokenMfa(const JwtClaims& claims, std::int64_t now);

// A principal template: literal text with {claim} placeholders ("arn:aws:iam::111122223333:
// user/{sub}"). Parsed once; fill() substitutes string claims.
class ClaimTemplate {
 public:
  // InvalidArgument on unbalanced braces or an empty claim name.
  [[nodiscard]] static engine::Result<ClaimTemplate> parse(std::string_view text);

  // The text with each placeholder replaced by its claim. InvalidArgument when a claim is
  // absent, not a string, empty, or has characters outside IAM's name characters
  // (letters, digits, + = , . @ _ -): a claim must not be able to change the ARN's shape.
  [[nodiscard]] engine::Status fill(const JwtClaims& claims, std::string* out) const;

  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  struct Part {
    bool claim = false;
    std::string text;  // literal text or claim name
  };
  std::string text_;
  std::vector<Part> parts_;
};

// One public key of a JWK Set, its members base64url-decoded.
struct Jwk {
  enum class Type { Rsa, EcP256 };
  Type type = Type::Rsa;
  std::string kid;
  std::string alg;   // the "alg" member when present (then it must match the token's)
  std::string n, e;  // RSA modulus and exponent (big-endian bytes)
  std::string x, y;  // EC P-256 coordinates (32 bytes each)
};

// A parsed JWK Set: usable signing keys, and why other keys were left out.
struct JwkSet {
  std::vector<Jwk> keys;
  std::vector<std::string> skipped;  // "key 2 (kid k3): kty oct is not a public signature key"
};

// Parses a JWK Set document ({"keys":[...]}). Keys that are not public signature keys this
// verifier can use (use other than "sig", kty other than RSA/EC, curves other than P-256,
// private members present) are skipped with a reason: a token naming them is then denied.
// InvalidArgument (with `name` and the key's index) when the document is malformed, an RSA or
// EC key lacks or has malformed members, or two usable keys share a kid.
[[nodiscard]] engine::Result<JwkSet> parseJwkSet(std::string_view text, const std::string& name);

}  // namespace policysim::analysis
