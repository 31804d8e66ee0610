// TokenVerifier with real ES256 tokens signed here through OpenSSL: the key set, the cache
// (bounded, per key set, re-checking expiry) and the refusals that do not need an HTTP server.
#include "cli/serve/jwt_verifier.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace policysim::serve {
namespace {

std::string base64Url(std::string_view bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(c);
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(kAlphabet[(bits >> count) & 63]);
    }
  }
  if (count > 0) {
    out.push_back(kAlphabet[(bits << (6 - count)) & 63]);
  }
  return out;
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};

// A P-256 key pair, its JWK Set file, and tokens signed with it.
class Es256Signer {
 public:
  explicit Es256Signer(std::string kid) : kid_(std::move(kid)), key_(EVP_EC_gen("P-256")) {}

  std::string jwk() const {
    unsigned char point[65];
    std::size_t length = 0;
    EXPECT_EQ(EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, point,
                                              sizeof point, &length),
              1);
    const std::string_view p(reinterpret_cast<const char*>(point), length);
    return R"({"kty":"EC","crv":"P-256","kid":")" + kid_ + R"(","x":")" +
           base64Url(p.substr(1, 32)) + R"(","y":")" + base64Url(p.substr(33, 32)) + R"("})";
  }

  std::string sign(std::string_view claims, std::string_view alg = "ES256") const {
    const std::string input =
        base64Url(R"({"alg":")" + std::string(alg) + R"(","kid":")" + kid_ + R"("})") + "." +
        base64Url(claims);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t length = 0;
    EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()), 1);
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()), 1);
    std::string der(length, '\0');
    EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length, data,
                             input.size()),
              1);
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(length));
    unsigned char raw[64];
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
    ECDSA_SIG_free(sig);
    return input + "." + base64Url(std::string_view(reinterpret_cast<char*>(raw), 64));
  }

 private:
  std::string kid_;
  std::unique_ptr<EVP_PKEY, PkeyFree> key_;
};

class TokenVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("policysim-jwks-" + std::to_string(::getpid()) + ".json"))
                .string();
    writeKeys({&a_});
    settings_.rules = {"https://idp.test", "gateway", 30};
    settings_.principalTemplate = "arn:aws:iam::111122223333:user/{sub}";
    settings_.tags = {{"aws:PrincipalTag/team", "team"}};
    settings_.cacheEntries = 2;
    ASSERT_TRUE(validateJwtSettings(settings_).ok());
  }
  void TearDown() override { std::filesystem::remove(path_); }

  void writeKeys(std::initializer_list<const Es256Signer*> signers) {
    std::string text = R"({"keys":[)";
    for (const Es256Signer* s : signers) {
      if (text.back() != '[') {
        text.push_back(',');
      }
      text.append(s->jwk());
    }
    std::ofstream(path_) << text << "]}";
  }

  std::string claims(std::string_view sub, std::int64_t exp, std::string_view extra = "") {
    std::string text = R"({"iss":"https://idp.test","aud":"gateway","sub":")";
    text.append(sub).append(R"(","exp":)").append(std::to_string(exp)).append(extra);
    text.push_back('}');
    return text;
  }

  Es256Signer a_{"a"};
  Es256Signer b_{"b"};
  std::string path_;
  JwtSettings settings_;
};

TEST_F(TokenVerifierTest, VerifiesIdentityMfaAgeAndTags) {
  JwksStore store(path_);
  ASSERT_TRUE(store.reload().status.ok());
  TokenVerifier verifier(store, settings_);
  const std::string token =
      a_.sign(claims("alice", 2000, R"(,"amr":["pwd","hwk"],"auth_time":900,"team":"red")"));
  const std::string header = "Bearer " + token;
  TokenIdentity identity;
  std::string why;
  ASSERT_EQ(verifier.verify(header, 1000, &identity, &why), TokenError::None) << why;
  EXPECT_FALSE(verifier.lastWasCached());
  EXPECT_EQ(identity.principal, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(identity.principalKeys.userName, "alice");
  EXPECT_TRUE(identity.mfaPresent);
  EXPECT_EQ(identity.mfaAgeSeconds, 100);
  ASSERT_EQ(identity.tags.size(), 1u);
  EXPECT_EQ(identity.tags[0].second, "red");
  // From the cache, the age moves with the clock; past exp + leeway it is refused.
  ASSERT_EQ(verifier.verify(header, 1500, &identity, &why), TokenError::None);
  EXPECT_TRUE(verifier.lastWasCached());
  EXPECT_EQ(identity.mfaAgeSeconds, 600);
  EXPECT_EQ(verifier.verify(header, 2030, &identity, &why), TokenError::Invalid);
  EXPECT_NE(why.find("expired"), std::string::npos);
}

TEST_F(TokenVerifierTest, KeyRemovedFromTheSetRefusesCachedTokens) {
  JwksStore store(path_);
  ASSERT_TRUE(store.reload().status.ok());
  TokenVerifier verifier(store, settings_);
  const std::string header = "Bearer " + a_.sign(claims("alice", 2000));
  TokenIdentity identity;
  std::string why;
  ASSERT_EQ(verifier.verify(header, 1000, &identity, &why), TokenError::None) << why;
  ASSERT_EQ(verifier.verify(header, 1000, &identity, &why), TokenError::None);
  EXPECT_TRUE(verifier.lastWasCached());
  writeKeys({&b_});
  ASSERT_TRUE(store.reload().status.ok());
  EXPECT_EQ(verifier.verify(header, 1000, &identity, &why), TokenError::Invalid);
  EXPECT_NE(why.find("no key with kid"), std::string::npos) << why;
  EXPECT_EQ(verifier.verify("Bearer " + b_.sign(claims("bob", 2000)), 1000, &identity, &why),
            TokenError::None)
      << why;
}

TEST_F(TokenVerifierTest, CacheStaysBounded) {
  JwksStore store(path_);
  ASSERT_TRUE(store.reload().status.ok());
  TokenVerifier verifier(store, settings_);  // 2 entries
  TokenIdentity identity;
  std::string why;
  const std::string t1 = "Bearer " + a_.sign(claims("u1", 2000));
  const std::string t2 = "Bearer " + a_.sign(claims("u2", 2000));
  const std::string t3 = "Bearer " + a_.sign(claims("u3", 2000));
  for (const std::string* t : {&t1, &t2, &t3}) {
    ASSERT_EQ(verifier.verify(*t, 1000, &identity, &why), TokenError::None) << why;
  }
  // The third did not fit with two live entries: the cache was emptied and holds t3 only.
  ASSERT_EQ(verifier.verify(t3, 1000, &identity, &why), TokenError::None);
  EXPECT_TRUE(verifier.lastWasCached());
  ASSERT_EQ(verifier.verify(t1, 1000, &identity, &why), TokenError::None);
  EXPECT_FALSE(verifier.lastWasCached());
  EXPECT_EQ(identity.principal, "arn:aws:iam::111122223333:user/u1");
}

TEST_F(TokenVerifierTest, RefusesWithoutLookingAtTheTokensChoiceOfKeyType) {
  JwksStore store(path_);
  ASSERT_TRUE(store.reload().status.ok());
  TokenVerifier verifier(store, settings_);
  TokenIdentity identity;
  std::string why;
  EXPECT_EQ(verifier.verify(std::nullopt, 1000, &identity, &why), TokenError::Missing);
  EXPECT_EQ(verifier.verify("Basic YTpi", 1000, &identity, &why), TokenError::Invalid);
  // The P-256 key verifies ES256 only: the same signature bytes under another alg are refused.
  for (std::string_view alg : {"RS256", "ES384", "HS256", "none", "NONE"}) {
    EXPECT_EQ(
        verifier.verify("Bearer " + a_.sign(claims("alice", 2000), alg), 1000, &identity, &why),
        TokenError::Invalid)
        << alg;
  }
  // A token signed by another key that claims this key's kid.
  Es256Signer impostor("a");
  EXPECT_EQ(
      verifier.verify("Bearer " + impostor.sign(claims("alice", 2000)), 1000, &identity, &why),
      TokenError::Invalid);
  EXPECT_NE(why.find("does not verify"), std::string::npos) << why;
}

TEST(JwtSettings, FlagsAreValidated) {
  JwtSettings settings;
  settings.rules = {"iss", "aud", 30};
  settings.principalTemplate = "arn:aws:iam::1:user/{sub}";
  EXPECT_TRUE(validateJwtSettings(settings).ok());
  settings.rules.leeway = 301;
  EXPECT_FALSE(validateJwtSettings(settings).ok());
  settings.rules.leeway = 30;
  settings.principalTemplate = "arn:aws:iam::1:user/{sub";
  EXPECT_FALSE(validateJwtSettings(settings).ok());
  std::pair<std::string, std::string> tag;
  ASSERT_TRUE(parseJwtTagFlag("team=department", &tag).ok());
  EXPECT_EQ(tag.first, "aws:PrincipalTag/team");
  EXPECT_EQ(tag.second, "department");
  EXPECT_FALSE(parseJwtTagFlag("team", &tag).ok());
  EXPECT_FALSE(parseJwtTagFlag("=claim", &tag).ok());
  EXPECT_FALSE(parseJwtTagFlag("te\"am=claim", &tag).ok());
}

}  // namespace
}  // namespace policysim::serve
