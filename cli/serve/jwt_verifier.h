// Identity from tokens for `policysim serve` (docs/serve.md, "Identity from tokens"): verifies
// an `Authorization: Bearer` JWT against the public keys of a JWK Set file, checks its claims
// and turns it into the caller the policies are evaluated for: a principal ARN from a template,
// aws:PrincipalTag/* keys from claims, aws:MultiFactorAuthPresent/Age from amr and auth_time.
//
// Token parsing and claim rules are analysis/jwt.h; the cryptography is OpenSSL's: JWKs become
// EVP_PKEYs through EVP_PKEY_fromdata, signatures are checked with EVP_DigestVerify. The key
// decides the algorithm, never the token: an RSA key verifies RS256 only, a P-256 key ES256
// only; "none" and HMAC algorithms are refused before any key is looked at.
//
// Thread-safety: JwksStore may be used from any thread (reload() is serialised; current() is a
// pointer copy under a mutex). A TokenVerifier belongs to one worker thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/jwt.h"
#include "analysis/scenario.h"
#include "cli/serve/policy_store.h"
#include "engine/status.h"

namespace policysim::serve {

// The public keys of one JWK Set file, ready for verification. Immutable once built.
class JwtKeys {
 public:
  struct Key;
  // Builds the keys (OpenSSL) from a parsed set. InvalidArgument when a key is not a valid
  // public key (an RSA exponent of 0, an EC point off the curve, ...).
  [[nodiscard]] static engine::Result<std::shared_ptr<const JwtKeys>> build(
      const analysis::JwkSet& set, const std::string& name);
  ~JwtKeys();

  // OK when `signature` is a valid `alg` signature of `signingInput` by the key `kid`; else
  // InvalidArgument saying why (unknown kid, algorithm not the key's, bad signature).
  [[nodiscard]] engine::Status verify(std::string_view kid, std::string_view alg,
                                      std::string_view signingInput,
                                      std::string_view signature) const;
  [[nodiscard]] std::size_t size() const { return keys_.size(); }

 private:
  JwtKeys() = default;
  std::vector<std::unique_ptr<Key>> keys_;
};

// The JWK Set file the server verifies tokens with, reloaded like the policy directory
// (SIGHUP, or a change seen by polling). A file that does not parse is rejected and the
// previous keys keep serving.
class JwksStore {
 public:
  explicit JwksStore(std::string path) : path_(std::move(path)) {}

  [[nodiscard]] ReloadResult reload();
  [[nodiscard]] std::string fingerprint() const;
  [[nodiscard]] std::string lastAttemptFingerprint() const;
  [[nodiscard]] std::shared_ptr<const JwtKeys> current() const;
  // Keys skipped by the last successful load, with why ("key 2 (kid k): use enc ...").
  [[nodiscard]] std::vector<std::string> skipped() const;
  // 0 before the first successful load, then +1 per successful load.
  [[nodiscard]] std::uint64_t generation() const {
    return generation_.load(std::memory_order_acquire);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  const std::string path_;
  mutable std::mutex mutex_;  // guards current_, skipped_ and lastAttempt_
  std::mutex reloadMutex_;
  std::shared_ptr<const JwtKeys> current_;
  std::vector<std::string> skipped_;
  std::string lastAttempt_;
  std::atomic<std::uint64_t> generation_{0};
};

// How verified claims become the caller (the --jwt-* flags).
struct JwtSettings {
  analysis::JwtClaimRules rules;
  std::string principalTemplate;  // "arn:aws:iam::111122223333:user/{sub}"
  // aws:PrincipalTag/<tag> from string claim <claim>: {tag, claim}.
  std::vector<std::pair<std::string, std::string>> tags;
  std::size_t cacheEntries = 4096;  // per worker; 0: no cache
};

// The caller a verified token names. `mfaPresent` and the age are AWS's keys as of `now`.
struct TokenIdentity {
  std::string principal;
  // The keys the principal ARN implies (aws:username, ...), derived once per token.
  analysis::PrincipalKeys principalKeys;
  std::vector<std::pair<std::string, std::string>> tags;  // {"aws:PrincipalTag/team", "red"}
  bool mfaPresent = false;
  std::optional<std::int64_t> mfaAgeSeconds;
};

// Why a token was refused: no token at all (RFC 6750: 401 without an error code) or a token
// that is not acceptable (invalid_token).
enum class TokenError { None, Missing, Invalid };

// One worker's verifier, with a bounded cache of verified tokens keyed by the token's bytes:
// an entry holds what the claims say and is used until the token expires (the time checks and
// the MFA age are recomputed on every use), and the whole cache is dropped when the key set
// changes (a key removed from the JWK Set stops accepting tokens at once).
class TokenVerifier {
 public:
  // The store and settings must outlive the verifier. REQUIRES: settings validated
  // (validateJwtSettings).
  TokenVerifier(const JwksStore& store, const JwtSettings& settings);

  // Verifies the value of an Authorization header (nullopt: no header) at `now` (seconds since
  // the epoch) and fills *out. On failure, *why says why.
  TokenError verify(std::optional<std::string_view> authorization, std::int64_t now,
                    TokenIdentity* out, std::string* why);

  // Whether the last successful verify() reused a cached verification.
  [[nodiscard]] bool lastWasCached() const { return lastCached_; }

 private:
  struct Entry {
    std::string principal;
    analysis::PrincipalKeys principalKeys;
    std::vector<std::pair<std::string, std::string>> tags;
    bool mfa = false;
    std::optional<std::int64_t> authTime;
    std::int64_t exp = 0;
    std::optional<std::int64_t> nbf;
  };
  // Full verification of `token`: signature, claims, identity.
  engine::Status verifyUncached(std::string_view token, std::int64_t now, Entry* out);

  const JwksStore& store_;
  const JwtSettings& settings_;
  analysis::ClaimTemplate template_;
  std::shared_ptr<const JwtKeys> keys_;
  std::uint64_t keysGeneration_ = 0;
  struct TokenHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Entry, TokenHash, std::equal_to<>> cache_;
  bool lastCached_ = false;
  // Reused across calls.
  analysis::SplitJwt parts_;
  analysis::JwtHeader header_;
  analysis::JwtClaims claims_;
};

// InvalidArgument naming the flag when the settings cannot work: empty issuer or audience, a
// principal template that does not parse, a tag that is not TAG=CLAIM, leeway out of 0..300 s.
[[nodiscard]] engine::Status validateJwtSettings(const JwtSettings& settings);

// "--jwt-tag TAG=CLAIM" -> {"aws:PrincipalTag/TAG", "CLAIM"}; InvalidArgument otherwise.
[[nodiscard]] engine::Status parseJwtTagFlag(std::string_view text,
                                             std::pair<std::string, std::string>* out);

}  // namespace policysim::serve
