#include "cli/serve/jwt_verifier.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sys/stat.h>

#include "engine/file_reader.h"
#include "grammar/ascii.h"

namespace policysim::serve {
namespace {

using engine::Status;

// A JWK Set is a few keys; a file much larger than this is not one.
constexpr std::size_t kMaxJwksBytes = 1024 * 1024;
// Tokens longer than this are verified every time rather than cached.
constexpr std::size_t kMaxCachedTokenBytes = 8 * 1024;

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnDeleter {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

BIGNUM* toBignum(const std::string& bytes) {
  return BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                   static_cast<int>(bytes.size()), nullptr);
}

// The EVP_PKEY of a JWK, or null when OpenSSL does not take it as a valid public key.
Pkey makeKey(const analysis::Jwk& jwk) {
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> build(OSSL_PARAM_BLD_new());
  if (!build) {
    return nullptr;
  }
  std::unique_ptr<BIGNUM, BnDeleter> n;
  std::unique_ptr<BIGNUM, BnDeleter> e;
  std::string point;
  const char* type = "RSA";
  if (jwk.type == analysis::Jwk::Type::Rsa) {
    n.reset(toBignum(jwk.n));
    e.reset(toBignum(jwk.e));
    if (!n || !e || !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
        !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
      return nullptr;
    }
  } else {
    type = "EC";
    point.push_back('\x04');  // SEC 1 uncompressed point: 04 || x || y
    point.append(jwk.x);
    point.append(jwk.y);
    if (!OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                         0) ||
        !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                          point.size())) {
      return nullptr;
    }
  }
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(build.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return nullptr;
  }
  Pkey key(raw);
  // The public-key check: an RSA exponent that is even or 1, an EC point off the curve.
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) <= 0) {
    return nullptr;
  }
  return key;
}

// JWS ES256 signatures are R || S (32 bytes each); OpenSSL verifies DER ECDSA-Sig-Value.
bool es256ToDer(std::string_view raw, std::string* der) {
  if (raw.size() != 64) {
    return false;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) {
    return false;
  }
  der->resize(static_cast<std::size_t>(length));
  auto* out = reinterpret_cast<unsigned char*>(der->data());
  return i2d_ECDSA_SIG(sig.get(), &out) == length;
}

void appendStat(const std::string& path, std::string* out) {
  struct stat st {};
  out->append(path);
  if (::stat(path.c_str(), &st) != 0) {
    out->append(" ?");
    return;
  }
  for (const long long value :
       {static_cast<long long>(st.st_ino), static_cast<long long>(st.st_size),
        static_cast<long long>(st.st_mtim.tv_sec), static_cast<long long>(st.st_mtim.tv_nsec)}) {
    out->push_back(' ');
    out->append(std::to_string(value));
  }
}

// "Bearer <token>" (scheme case-insensitive, RFC 7235) -> the token; empty when not that shape.
std::string_view bearerToken(std::string_view value) {
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !grammar::equalsIgnoreAsciiCase(value.substr(0, kScheme.size()), kScheme)) {
    return {};
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') {
    value.remove_prefix(1);
  }
  while (!value.empty() && value.back() == ' ') {
    value.remove_suffix(1);
  }
  return value;
}

}  // namespace

struct JwtKeys::Key {
  std::string kid;
  analysis::Jwk::Type type;
  Pkey pkey;
};

JwtKeys::~JwtKeys() = default;

engine::Result<std::shared_ptr<const JwtKeys>> JwtKeys::build(const analysis::JwkSet& set,
                                                              const std::string& name) {
  std::shared_ptr<JwtKeys> keys(new JwtKeys());
  for (const analysis::Jwk& jwk : set.keys) {
    Pkey pkey = makeKey(jwk);
    if (!pkey) {
      return Status::invalidArgument(name + ": kid " + jwk.kid + " is not a valid " +
                                     (jwk.type == analysis::Jwk::Type::Rsa ? "RSA" : "P-256") +
                                     " public key");
    }
    keys->keys_.push_back(std::make_unique<Key>(Key{jwk.kid, jwk.type, std::move(pkey)}));
  }
  return std::shared_ptr<const JwtKeys>(std::move(keys));
}

Status JwtKeys::verify(std::string_view kid, std::string_view alg, std::string_view signingInput,
                       std::string_view signature) const {
  const Key* key = nullptr;
  for (const auto& candidate : keys_) {
    if (candidate->kid == kid) {
      key = candidate.get();
    }
  }
  if (key == nullptr) {
    return Status::invalidArgument("no key with kid \"" + std::string(kid.substr(0, 100)) +
                                   "\" in the JWK Set");
  }
  // The key's type decides the one algorithm it verifies.
  const std::string_view expected = key->type == analysis::Jwk::Type::Rsa ? "RS256" : "ES256";
  if (alg != expected) {
    return Status::invalidArgument("alg " + std::string(alg.substr(0, 20)) +
                                   " does not match key " + key->kid + ", which verifies " +
                                   std::string(expected) + " only");
  }
  std::string der;
  if (key->type == analysis::Jwk::Type::EcP256) {
    if (!es256ToDer(signature, &der)) {
      return Status::invalidArgument("the ES256 signature is not 64 bytes");
    }
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  const bool valid =
      ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->pkey.get()) == 1 &&
      EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size()) == 1;
  if (!valid) {
    return Status::invalidArgument("the signature does not verify with key " + key->kid);
  }
  return Status();
}

ReloadResult JwksStore::reload() {
  std::lock_guard<std::mutex> reloadLock(reloadMutex_);
  std::string attempt = fingerprint();
  ReloadResult result{Status(), 0, 0};
  auto text = engine::readFile(path_, kMaxJwksBytes);
  engine::Result<std::shared_ptr<const JwtKeys>> keys = text.status();
  std::vector<std::string> skipped;
  if (text.ok()) {
    auto set = analysis::parseJwkSet(text.value(), path_);
    if (set.ok()) {
      skipped = set.value().skipped;
      keys = JwtKeys::build(set.value(), path_);
    } else {
      keys = set.status();
    }
  }
  std::shared_ptr<const JwtKeys> previous;  // released after the lock
  {
    std::lock_guard<std::mutex> lock(mutex_);
    lastAttempt_ = std::move(attempt);
    if (keys.ok()) {
      previous = std::move(current_);
      current_ = std::move(keys).value();
      skipped_ = skipped;
      generation_.fetch_add(1, std::memory_order_release);
    }
  }
  if (!keys.ok()) {
    result.status = keys.status();
  }
  result.warnings = skipped.size();
  result.generation = generation();
  return result;
}

std::string JwksStore::fingerprint() const {
  std::string out;
  appendStat(path_, &out);
  return out;
}

std::string JwksStore::lastAttemptFingerprint() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lastAttempt_;
}

std::shared_ptr<const JwtKeys> JwksStore::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

std::vector<std::string> JwksStore::skipped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return skipped_;
}

Status validateJwtSettings(const JwtSettings& settings) {
  if (settings.rules.issuer.empty()) {
    return Status::invalidArgument("--jwt-issuer is required with --jwks");
  }
  if (settings.rules.audience.empty()) {
    return Status::invalidArgument("--jwt-audience is required with --jwks");
  }
  if (settings.principalTemplate.empty()) {
    return Status::invalidArgument("--jwt-principal is required with --jwks");
  }
  if (auto parsed = analysis::ClaimTemplate::parse(settings.principalTemplate); !parsed.ok()) {
    return Status::invalidArgument("--jwt-principal: " + parsed.status().message());
  }
  if (settings.rules.leeway < 0 || settings.rules.leeway > 300) {
    return Status::invalidArgument("--jwt-leeway-seconds must be 0..300, got " +
                                   std::to_string(settings.rules.leeway));
  }
  if (settings.cacheEntries > 1000000) {
    return Status::invalidArgument("--jwt-cache-entries must be 0..1000000");
  }
  return Status();
}

Status parseJwtTagFlag(std::string_view text, std::pair<std::string, std::string>* out) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size()) {
    return Status::invalidArgument("--jwt-tag takes TAG=CLAIM, got " + std::string(text));
  }
  const std::string_view tag = text.substr(0, equals);
  for (char c : tag) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("_.:/=+-@ ").find(c) != std::string_view::npos;
    if (!ok) {
      return Status::invalidArgument("--jwt-tag: " + std::string(tag) +
                                     " has characters a tag key cannot have");
    }
  }
  *out = {"aws:PrincipalTag/" + std::string(tag), std::string(text.substr(equals + 1))};
  return Status();
}

TokenVerifier::TokenVerifier(const JwksStore& store, const JwtSettings& settings)
    : store_(store),
      settings_(settings),
      template_(analysis::ClaimTemplate::parse(settings.principalTemplate).value()) {}

Status TokenVerifier::verifyUncached(std::string_view token, std::int64_t now, Entry* out) {
  if (Status s = analysis::splitJwt(token, &parts_); !s.ok()) {
    return s;
  }
  if (Status s = analysis::parseJwtHeader(parts_.header, &header_); !s.ok()) {
    return s;
  }
  // Refused whatever the key set holds: an unsigned token, and a shared-secret MAC computed
  // with what is a public key here (anyone can compute it).
  if (grammar::equalsIgnoreAsciiCase(header_.alg, "none")) {
    return Status::invalidArgument("alg none: unsigned tokens are refused");
  }
  if (header_.alg.starts_with("HS")) {
    return Status::invalidArgument("alg " + header_.alg +
                                   ": HMAC tokens are refused (the keys are public keys)");
  }
  if (header_.kid.empty()) {
    return Status::invalidArgument("the token header has no kid");
  }
  if (!keys_) {
    return Status::invalidArgument("no JWK Set is loaded");
  }
  if (Status s = keys_->verify(header_.kid, header_.alg, parts_.signingInput, parts_.signature);
      !s.ok()) {
    return s;
  }
  if (Status s = analysis::parseJwtClaims(parts_.payload, &claims_); !s.ok()) {
    return s;
  }
  if (Status s = analysis::checkJwtClaims(claims_, settings_.rules, now); !s.ok()) {
    return s;
  }
  if (Status s = template_.fill(claims_, &out->principal); !s.ok()) {
    return Status::invalidArgument("--jwt-principal: " + s.message());
  }
  out->principalKeys = analysis::PrincipalKeys();
  if (auto caller = analysis::parsePrincipalArn(out->principal); caller.ok()) {
    out->principalKeys = analysis::principalKeys(caller.value());
  }
  out->tags.clear();
  for (const auto& [key, claim] : settings_.tags) {
    if (const std::string* value = claims_.findString(claim)) {
      out->tags.emplace_back(key, *value);
    }
  }
  out->mfa = analysis::amrIsMultiFactor(claims_.amr);
  out->authTime = claims_.authTime;
  out->exp = *claims_.exp;
  out->nbf = claims_.nbf;
  return Status();
}

TokenError TokenVerifier::verify(std::optional<std::string_view> authorization, std::int64_t now,
                                 TokenIdentity* out, std::string* why) {
  if (!authorization) {
    *why = "no Authorization: Bearer token";
    return TokenError::Missing;
  }
  const std::string_view token = bearerToken(*authorization);
  if (token.empty()) {
    *why = "the Authorization header is not \"Bearer <token>\"";
    return TokenError::Invalid;
  }
  // A new key set invalidates every cached verification.
  const std::uint64_t generation = store_.generation();
  if (generation != keysGeneration_ || !keys_) {
    keys_ = store_.current();
    keysGeneration_ = generation;
    cache_.clear();
  }
  const Entry* entry = nullptr;
  Entry fresh;
  const std::int64_t leeway = settings_.rules.leeway;
  if (auto it = cache_.find(token); it != cache_.end()) {
    // Verified before: only the time rules can have changed.
    const Entry& cached = it->second;
    if (now >= cached.exp + leeway) {
      cache_.erase(it);
      *why = "the token expired at " + std::to_string(cached.exp) + " (now " + std::to_string(now) +
             ")";
      return TokenError::Invalid;
    }
    if (cached.nbf && now < *cached.nbf - leeway) {
      *why = "the token is not valid before " + std::to_string(*cached.nbf);
      return TokenError::Invalid;
    }
    lastCached_ = true;
    entry = &cached;
  } else {
    lastCached_ = false;
    if (Status s = verifyUncached(token, now, &fresh); !s.ok()) {
      *why = s.message();
      return TokenError::Invalid;
    }
    entry = &fresh;
    if (settings_.cacheEntries > 0 && token.size() <= kMaxCachedTokenBytes) {
      if (cache_.size() >= settings_.cacheEntries) {
        // Bounded: drop the expired entries, and everything if that is not enough.
        std::erase_if(cache_, [&](const auto& item) { return now >= item.second.exp + leeway; });
        if (cache_.size() >= settings_.cacheEntries) {
          cache_.clear();
        }
      }
      entry = &cache_.emplace(std::string(token), std::move(fresh)).first->second;
    }
  }
  out->principal = entry->principal;
  out->principalKeys = entry->principalKeys;
  out->tags = entry->tags;
  out->mfaPresent = entry->mfa;
  out->mfaAgeSeconds.reset();
  if (entry->mfa && entry->authTime) {
    out->mfaAgeSeconds = now > *entry->authTime ? now - *entry->authTime : 0;
  }
  return TokenError::None;
}

}  // namespace policysim::serve
