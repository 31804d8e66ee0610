// splitArn against a plain reference split on generated strings: the SIMD scan must find the
// same five colons for every length and colon position (chunk edges included).
#include "engine/internal/patterns.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace policysim::engine::internal {
namespace {

ArnFields referenceSplit(std::string_view text) {
  ArnFields out;
  if (!text.starts_with("arn:")) {
    return out;
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) {
      return out;
    }
    out.fields[i] = text.substr(start, colon - start);
    start = colon + 1;
  }
  out.fields[5] = text.substr(start);
  out.isArn = !out.fields[1].empty() && !out.fields[2].empty();
  return out;
}

TEST(SplitArn, KnownShapes) {
  const ArnFields user = splitArn("arn:aws:iam::111122223333:user/alice");
  ASSERT_TRUE(user.isArn);
  EXPECT_EQ(user.fields[2], "iam");
  EXPECT_EQ(user.fields[3], "");
  EXPECT_EQ(user.fields[4], "111122223333");
  EXPECT_EQ(user.fields[5], "user/alice");
  const ArnFields colons = splitArn("arn:aws:s3:::bucket:with:colons");
  ASSERT_TRUE(colons.isArn);
  EXPECT_EQ(colons.fields[5], "bucket:with:colons");
  EXPECT_FALSE(splitArn("arn:aws:s3").isArn);
  EXPECT_FALSE(splitArn("arn::s3:::x").isArn);
  EXPECT_FALSE(splitArn("*").isArn);
}

TEST(SplitArn, MatchesReferenceOnGeneratedText) {
  std::mt19937 random(20261123);
  const std::string alphabet = "ab:/:";
  ArnFields reused;  // the in-place form must overwrite every field of a previous split
  for (int n = 0; n < 20000; ++n) {
    std::string text = "arn:";
    const std::size_t length = random() % 70;
    for (std::size_t i = 0; i < length; ++i) {
      text += alphabet[random() % alphabet.size()];
    }
    if (n % 10 == 0) {
      text[random() % text.size()] = 'x';  // sometimes not an ARN at all
    }
    const ArnFields expected = referenceSplit(text);
    splitArn(text, &reused);
    ASSERT_EQ(reused.isArn, expected.isArn) << text;
    if (expected.isArn) {
      for (std::size_t f = 0; f < 6; ++f) {
        ASSERT_EQ(reused.fields[f], expected.fields[f]) << text << " field " << f;
        // Views into the text itself, not copies.
        ASSERT_TRUE(reused.fields[f].empty() ||
                    (reused.fields[f].data() >= text.data() &&
                     reused.fields[f].data() < text.data() + text.size()));
      }
    }
  }
}

}  // namespace
}  // namespace policysim::engine::internal

namespace policysim::engine::internal {
namespace {

// The compiler's shortcut for plain resources (matched as their own text) accepts exactly the
// texts the general path makes compact, with the same literal and prefix meaning, and declines
// every text the general path treats otherwise (wildcards inside, variables, short ARNs, '?').
TEST(ArnPatternCompact, ShortcutAgreesWithTheGeneralPath) {
  const std::string texts[] = {"arn:aws:s3:::b/*",
                               "arn:aws:s3:::b",
                               "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                               "arn:aws:s3:*",
                               "arn:aws:s3",
                               "arn:*",
                               "arn:",
                               "arn",
                               "*x",
                               "",
                               "bucket/key",
                               "not:an:arn:at:all:x",
                               "ARN:aws:s3:::b/*",
                               "arn:aws:s3:::b/*.txt",
                               "arn:aws:s3:::b/?",
                               "arn:aws:iam::${aws:username}:user/*",
                               "arn:aws:s3:::b/$x",
                               "arn:aws:s3:::a:b:c:d/*",
                               "arn:aws:iam::1:user/a*b*",
                               "arn:aws:sqs:us-east-1:1:q"};
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    const ValueTemplate compiled = ValueTemplate::compile(text, true);
    const ArnPattern general = compileArnPattern(compiled.pieces(), true);
    bool prefixOnly = false;
    if (!isCompactResourceText(text, &prefixOnly)) {
      EXPECT_TRUE(!general.compact || compiled.hasVariables() ||
                  text.find_first_of("?$") != std::string::npos)
          << "declined a text the general path keeps compact";
      continue;
    }
    EXPECT_TRUE(general.compact);
    EXPECT_TRUE(general.valid);
    EXPECT_EQ(prefixOnly, general.prefixOnly);
    EXPECT_EQ(std::string_view(text).substr(0, text.size() - (prefixOnly ? 1 : 0)),
              general.literal);
  }
}

bool resourceMatch(const std::string& pattern, const std::string& text) {
  const ValueTemplate compiled = ValueTemplate::compile(pattern, true);
  const ArnPattern arn = compileArnPattern(compiled.pieces(), true);
  return arn.matches(text, splitArn(text), {});
}

// Plain text, or plain text and one trailing '*', is kept as its literal only (compact); it
// must match what the field-by-field globs match (§2.3), including short ARNs whose missing
// fields are '*', texts that are not ARNs, and case.
TEST(ArnPatternCompact, MatchesWhatTheFieldGlobsMatch) {
  const ValueTemplate plain = ValueTemplate::compile("arn:aws:s3:::b/*", true);
  EXPECT_TRUE(compileArnPattern(plain.pieces(), true).compact);
  const ValueTemplate wild = ValueTemplate::compile("arn:aws:s3:::b/*.txt", true);
  EXPECT_FALSE(compileArnPattern(wild.pieces(), true).compact);

  EXPECT_TRUE(resourceMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y"));
  EXPECT_TRUE(resourceMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b/"));
  EXPECT_FALSE(resourceMatch("arn:aws:s3:::b/*", "arn:aws:s3:::B/x"));
  EXPECT_FALSE(resourceMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
  EXPECT_TRUE(resourceMatch("arn:aws:s3:::b", "arn:aws:s3:::b"));
  EXPECT_FALSE(resourceMatch("arn:aws:s3:::b", "arn:aws:s3:::bb"));
  EXPECT_TRUE(resourceMatch("arn:aws:ec2:us-*", "arn:aws:ec2:us-east-1:1:instance/i"));
  EXPECT_FALSE(resourceMatch("arn:aws:ec2:us-*", "arn:aws:ec2:eu-west-1:1:instance/i"));
  EXPECT_TRUE(resourceMatch("arn:*", "arn:aws:s3:::b"));
  EXPECT_TRUE(resourceMatch("arn:*", "arn:"));
  EXPECT_FALSE(resourceMatch("arn:aws:s3", "arn:aws:s3"));  // short, no '*': matches nothing
  EXPECT_TRUE(resourceMatch("bucket/*", "bucket/key"));     // not an ARN: as a whole
  EXPECT_FALSE(resourceMatch("bucket/*", "arn:aws:s3:::bucket/key"));
  // ${*} is a literal '*': no wildcard, equal text only.
  EXPECT_TRUE(resourceMatch("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*"));
  EXPECT_FALSE(resourceMatch("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x"));
  // Not compact: the globs decide.
  EXPECT_TRUE(resourceMatch("arn:aws:s3:::b/*.txt", "arn:aws:s3:::b/a.txt"));
  EXPECT_FALSE(resourceMatch("arn:aws:ec2:*:1:instance/*", "arn:aws:ec2:us:east:1:instance/i"));
}

}  // namespace
}  // namespace policysim::engine::internal
