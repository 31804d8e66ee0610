#include "analysis/jwt.h"

#include <gtest/gtest.h>

namespace policysim::analysis {
namespace {

TEST(Base64Url, DecodesWithoutPaddingAndRefusesOtherAlphabets) {
  std::string out;
  EXPECT_TRUE(decodeBase64Url("", &out));
  EXPECT_EQ(out, "");
  EXPECT_TRUE(decodeBase64Url("Zg", &out));
  EXPECT_EQ(out, "f");
  EXPECT_TRUE(decodeBase64Url("Zm8", &out));
  EXPECT_EQ(out, "fo");
  EXPECT_TRUE(decodeBase64Url("Zm9v", &out));
  EXPECT_EQ(out, "foo");
  EXPECT_TRUE(decodeBase64Url("-_8", &out));  // 0xfb 0xff
  EXPECT_EQ(out, "\xfb\xff");
  EXPECT_FALSE(decodeBase64Url("Zg==", &out));  // padding
  EXPECT_FALSE(decodeBase64Url("+/8", &out));   // base64, not base64url
  EXPECT_FALSE(decodeBase64Url("Z", &out));     // impossible length
  EXPECT_FALSE(decodeBase64Url("Zh", &out));    // non-zero leftover bits
}

TEST(SplitJwt, ThreePartsOnly) {
  SplitJwt parts;
  ASSERT_TRUE(splitJwt("eyJhIjoxfQ.eyJiIjoyfQ.c2ln", &parts).ok());
  EXPECT_EQ(parts.header, R"({"a":1})");
  EXPECT_EQ(parts.payload, R"({"b":2})");
  EXPECT_EQ(parts.signature, "sig");
  EXPECT_EQ(parts.signingInput, "eyJhIjoxfQ.eyJiIjoyfQ");
  EXPECT_TRUE(splitJwt("eyJhIjoxfQ.eyJiIjoyfQ.", &parts).ok());  // alg none: empty signature
  EXPECT_FALSE(splitJwt("eyJhIjoxfQ.eyJiIjoyfQ", &parts).ok());
  EXPECT_FALSE(splitJwt("a.b.c.d.e", &parts).ok());  // JWE
  EXPECT_FALSE(splitJwt(".eyJiIjoyfQ.c2ln", &parts).ok());
  EXPECT_FALSE(splitJwt("eyJhIjoxfQ.eyJiIjoyfQ.c2ln=", &parts).ok());
}

TEST(JwtHeader, AlgKidAndRefusals) {
  JwtHeader header;
  ASSERT_TRUE(parseJwtHeader(R"({"alg":"RS256","kid":"k1","typ":"JWT"})", &header).ok());
  EXPECT_EQ(header.alg, "RS256");
  EXPECT_EQ(header.kid, "k1");
  EXPECT_FALSE(parseJwtHeader(R"({"kid":"k1"})", &header).ok());
  EXPECT_FALSE(parseJwtHeader(R"({"alg":"RS256","alg":"none"})", &header).ok());
  EXPECT_FALSE(parseJwtHeader(R"({"alg":"RS256","crit":["exp"]})", &header).ok());
  EXPECT_FALSE(parseJwtHeader(R"({"alg":"RS256","kid":7})", &header).ok());
  EXPECT_FALSE(parseJwtHeader(R"({"alg":"RS256"} x)", &header).ok());
  EXPECT_FALSE(parseJwtHeader(R"(["RS256"])", &header).ok());
}

TEST(JwtClaims, RegisteredClaimsAndStrings) {
  JwtClaims claims;
  ASSERT_TRUE(parseJwtClaims(R"({"iss":"i","aud":["a","b"],"exp":100.9,"nbf":10,"iat":5,
      "auth_time":7,"amr":["pwd","otp"],"sub":"alice","cognito:username":"al","n":3})",
                             &claims)
                  .ok());
  EXPECT_EQ(claims.iss, "i");
  EXPECT_EQ(claims.aud, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(claims.exp, 100);
  EXPECT_EQ(claims.nbf, 10);
  EXPECT_EQ(claims.authTime, 7);
  EXPECT_EQ(claims.amr, (std::vector<std::string>{"pwd", "otp"}));
  ASSERT_NE(claims.findString("cognito:username"), nullptr);
  EXPECT_EQ(*claims.findString("cognito:username"), "al");
  EXPECT_EQ(claims.findString("n"), nullptr);
  ASSERT_TRUE(parseJwtClaims(R"({"aud":"a"})", &claims).ok());
  EXPECT_EQ(claims.aud, (std::vector<std::string>{"a"}));
}

TEST(JwtClaims, RefusesDuplicatesAndWrongTypes) {
  JwtClaims claims;
  EXPECT_FALSE(parseJwtClaims(R"({"sub":"alice","sub":"bob"})", &claims).ok());
  EXPECT_FALSE(parseJwtClaims(R"({"exp":"tomorrow"})", &claims).ok());
  EXPECT_FALSE(parseJwtClaims(R"({"amr":"mfa"})", &claims).ok());  // an array per OIDC
  EXPECT_FALSE(parseJwtClaims(R"({"aud":[1]})", &claims).ok());
  EXPECT_FALSE(parseJwtClaims(R"({"iss":1})", &claims).ok());
  EXPECT_FALSE(parseJwtClaims(R"({"exp":-1})", &claims).ok());
}

TEST(JwtClaims, IssuerAudienceAndTimeWithLeeway) {
  JwtClaims claims;
  ASSERT_TRUE(parseJwtClaims(R"({"iss":"i","aud":"a","exp":1000,"nbf":500})", &claims).ok());
  const JwtClaimRules rules{"i", "a", 30};
  EXPECT_TRUE(checkJwtClaims(claims, rules, 999).ok());
  EXPECT_TRUE(checkJwtClaims(claims, rules, 1029).ok());   // within the leeway
  EXPECT_FALSE(checkJwtClaims(claims, rules, 1030).ok());  // expired
  EXPECT_TRUE(checkJwtClaims(claims, rules, 470).ok());
  EXPECT_FALSE(checkJwtClaims(claims, rules, 469).ok());  // not yet valid
  EXPECT_FALSE(checkJwtClaims(claims, JwtClaimRules{"j", "a", 30}, 600).ok());
  EXPECT_FALSE(checkJwtClaims(claims, JwtClaimRules{"i", "b", 30}, 600).ok());
  EXPECT_FALSE(checkJwtClaims(claims, JwtClaimRules{"i", "a", 0}, 1000).ok());
  ASSERT_TRUE(parseJwtClaims(R"({"iss":"i","aud":"a"})", &claims).ok());
  EXPECT_FALSE(checkJwtClaims(claims, rules, 1).ok());  // no exp
  ASSERT_TRUE(parseJwtClaims(R"({"iss":"i","aud":"a","exp":1000,"auth_time":700})", &claims).ok());
  EXPECT_FALSE(checkJwtClaims(claims, rules, 600).ok());  // authenticated in the future
}

TEST(AuthFactors, Rfc8176Kinds) {
  EXPECT_EQ(authFactorOf("pwd"), AuthFactor::Knowledge);
  EXPECT_EQ(authFactorOf("pin"), AuthFactor::Knowledge);
  EXPECT_EQ(authFactorOf("otp"), AuthFactor::Possession);
  EXPECT_EQ(authFactorOf("hwk"), AuthFactor::Possession);
  EXPECT_EQ(authFactorOf("sms"), AuthFactor::Possession);
  EXPECT_EQ(authFactorOf("fpt"), AuthFactor::Inherence);
  EXPECT_EQ(authFactorOf("face"), AuthFactor::Inherence);
  EXPECT_EQ(authFactorOf("mca"), AuthFactor::None);  // several channels, not several factors
  EXPECT_EQ(authFactorOf("rba"), AuthFactor::None);
  EXPECT_EQ(authFactorOf("PWD"), AuthFactor::None);  // values are case-sensitive
}

TEST(AuthFactors, MultiFactorMeansMfaOrTwoKinds) {
  EXPECT_TRUE(amrIsMultiFactor({"mfa"}));
  EXPECT_TRUE(amrIsMultiFactor({"pwd", "otp"}));
  EXPECT_TRUE(amrIsMultiFactor({"hwk", "fpt"}));
  EXPECT_TRUE(amrIsMultiFactor({"pin", "sc"}));
  EXPECT_FALSE(amrIsMultiFactor({}));
  EXPECT_FALSE(amrIsMultiFactor({"pwd"}));
  EXPECT_FALSE(amrIsMultiFactor({"pwd", "kba"}));  // two of one kind
  EXPECT_FALSE(amrIsMultiFactor({"otp", "hwk"}));
  EXPECT_FALSE(amrIsMultiFactor({"pwd", "mca", "geo"}));
}

TEST(AuthFactors, MfaAgeOnlyWithMfaAndAuthTime) {
  JwtClaims claims;
  ASSERT_TRUE(parseJwtClaims(R"({"amr":["pwd","otp"],"auth_time":1000})", &claims).ok());
  TokenMfa mfa = tokenMfa(claims, 1300);
  EXPECT_TRUE(mfa.present);
  EXPECT_EQ(mfa.ageSeconds, 300);
  EXPECT_EQ(tokenMfa(claims, 990).ageSeconds, 0);  // clock skew: never negative
  ASSERT_TRUE(parseJwtClaims(R"({"amr":["pwd"],"auth_time":1000})", &claims).ok());
  mfa = tokenMfa(claims, 1300);
  EXPECT_FALSE(mfa.present);
  EXPECT_FALSE(mfa.ageSeconds.has_value());
  ASSERT_TRUE(parseJwtClaims(R"({"amr":["mfa"]})", &claims).ok());
  mfa = tokenMfa(claims, 1300);
  EXPECT_TRUE(mfa.present);
  EXPECT_FALSE(mfa.ageSeconds.has_value());
}

TEST(ClaimTemplate, FillsStringClaimsWithIamNameCharacters) {
  auto tmpl = ClaimTemplate::parse("arn:aws:iam::111122223333:user/{cognito:username}");
  ASSERT_TRUE(tmpl.ok());
  JwtClaims claims;
  std::string out;
  ASSERT_TRUE(parseJwtClaims(R"({"cognito:username":"alice@example.com"})", &claims).ok());
  ASSERT_TRUE(tmpl.value().fill(claims, &out).ok());
  EXPECT_EQ(out, "arn:aws:iam::111122223333:user/alice@example.com");
  for (const char* bad : {R"({"cognito:username":"a/../b"})", R"({"cognito:username":"a:b"})",
                          R"({"cognito:username":"*"})", R"({"cognito:username":""})",
                          R"({"cognito:username":1})", R"({})"}) {
    ASSERT_TRUE(parseJwtClaims(bad, &claims).ok()) << bad;
    EXPECT_FALSE(tmpl.value().fill(claims, &out).ok()) << bad;
  }
  EXPECT_FALSE(ClaimTemplate::parse("user/{sub").ok());
  EXPECT_FALSE(ClaimTemplate::parse("user/sub}").ok());
  EXPECT_FALSE(ClaimTemplate::parse("user/{}").ok());
  EXPECT_TRUE(ClaimTemplate::parse("arn:aws:iam::111122223333:root").ok());
}

// 2048-bit modulus of zeros but the top byte, base64url: 256 bytes.
std::string modulus(std::size_t bytes) {
  std::string raw(bytes, '\x01');
  raw[0] = '\xc0';
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : raw) {
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

TEST(JwkSet, UsableKeysAndSkippedOnes) {
  const std::string n = modulus(256);
  const std::string xy = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";  // 32 zero bytes
  const std::string text = R"({"keys":[
    {"kty":"RSA","kid":"r1","use":"sig","alg":"RS256","n":")" +
                           n + R"(","e":"AQAB"},
    {"kty":"EC","kid":"e1","crv":"P-256","x":")" +
                           xy + R"(","y":")" + xy + R"("},
    {"kty":"RSA","kid":"r2","use":"enc","n":")" +
                           n + R"(","e":"AQAB"},
    {"kty":"EC","kid":"e2","crv":"P-384","x":"AA","y":"AA"},
    {"kty":"RSA","kid":"small","n":")" +
                           modulus(128) + R"(","e":"AQAB"},
    {"kty":"OKP","kid":"o1","crv":"Ed25519","x":"AA"},
    {"kty":"RSA","n":")" + n +
                           R"(","e":"AQAB"}]})";
  auto set = parseJwkSet(text, "jwks.json");
  ASSERT_TRUE(set.ok()) << set.status().toString();
  ASSERT_EQ(set.value().keys.size(), 2u);
  EXPECT_EQ(set.value().keys[0].kid, "r1");
  EXPECT_EQ(set.value().keys[0].type, Jwk::Type::Rsa);
  EXPECT_EQ(set.value().keys[0].n.size(), 256u);
  EXPECT_EQ(set.value().keys[1].type, Jwk::Type::EcP256);
  EXPECT_EQ(set.value().keys[1].x.size(), 32u);
  EXPECT_EQ(set.value().skipped.size(), 5u);
}

TEST(JwkSet, RefusesMalformedAndSecretKeys) {
  const std::string n = modulus(256);
  for (const std::string& bad : {
           std::string(R"({"keys":{}})"),
           std::string(R"({"keys":[{"kty":"RSA","kid":"r","e":"AQAB"}]})"),
           std::string(R"({"keys":[{"kty":"EC","kid":"e","crv":"P-256","x":"AA","y":"AA"}]})"),
           std::string(R"({"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"}]})"),
           R"({"keys":[{"kty":"RSA","kid":"r","n":")" + n + R"(","e":"AQAB","d":"AQAB"}]})",
           R"({"keys":[{"kty":"RSA","kid":"r","n":")" + n + R"(","e":"AQAB"},
                       {"kty":"RSA","kid":"r","n":")" +
               n + R"(","e":"AQAB"}]})",
       }) {
    EXPECT_FALSE(parseJwkSet(bad, "jwks.json").ok()) << bad;
  }
}

}  // namespace
}  // namespace policysim::analysis
