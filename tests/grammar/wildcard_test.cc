#include "grammar/wildcard.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using policysim::grammar::WildcardPattern;

struct Row {
  const char* pattern;
  const char* text;
  bool expected;
};

void expectRows(const std::initializer_list<Row>& rows) {
  for (const Row& row : rows) {
    EXPECT_EQ(WildcardPattern::fromGlob(row.pattern).matches(row.text), row.expected)
        << "pattern '" << row.pattern << "' text '" << row.text << "'";
  }
}

// Decides which action names are compared whole and which are compiled as globs.
TEST(WildcardMatcher, HasGlobWildcardFindsStarsAndQuestionMarks) {
  using policysim::grammar::hasGlobWildcard;
  EXPECT_FALSE(hasGlobWildcard(""));
  EXPECT_FALSE(hasGlobWildcard("GetObject"));
  EXPECT_FALSE(hasGlobWildcard("a${x}b"));
  EXPECT_TRUE(hasGlobWildcard("*"));
  EXPECT_TRUE(hasGlobWildcard("Get*"));
  EXPECT_TRUE(hasGlobWildcard("Ge?Object"));
  EXPECT_TRUE(hasGlobWildcard("GetObjec?"));
}

TEST(WildcardMatcher, LiteralPatternsMatchWholeText) {
  expectRows({{"abc", "abc", true},
              {"abc", "abcd", false},
              {"abc", "ab", false},
              {"", "", true},
              {"", "a", false},
              {"ABC", "abc", false}});
}

TEST(WildcardMatcher, StarMatchesAnyRunIncludingEmpty) {
  expectRows({{"*", "", true},
              {"*", "anything at all", true},
              {"a*", "a", true},
              {"a*", "abc", true},
              {"*c", "abc", true},
              {"*c", "abd", false},
              {"a*c", "ac", true},
              {"a*c", "abbbc", true},
              {"a*c", "abbbd", false},
              {"b/*/test/*", "b/1/2/test/3/x.jpg", true},
              {"b/*/test/*", "b//test/x", true},
              {"b/*/test/*", "b/test/x", false},
              {"**", "x", true}});
}

TEST(WildcardMatcher, QuestionMarkMatchesOneCharacter) {
  expectRows({{"a?c", "abc", true},
              {"a?c", "ac", false},
              {"a?c", "abbc", false},
              {"??", "ab", true},
              {"*?", "", false},
              {"*?", "a", true}});
}

TEST(WildcardMatcher, QuestionMarkMatchesOneMultiByteCodePoint) {
  expectRows({{"caf?", "caf\xC3\xA9", true},  // é is two bytes
              {"caf??", "caf\xC3\xA9", false},
              {"?x", "\xE2\x82\xACx", true},       // € is three bytes
              {"*?x", "\xF0\x9F\x98\x80x", true},  // emoji is four bytes
              {"a*?*b",
               "a\xC3\xA9"
               "b",
               true}});
}

TEST(WildcardMatcher, MiddleSegmentsArePlacedLeftmost) {
  expectRows({{"*a*b*c*", "xxaxxbxxcxx", true},
              {"*a*b*c*", "xxcxxbxxaxx", false},
              {"a*ab*b", "aab", false},
              {"a*ab*b", "aabb", true},
              {"*ab?d*", "abxabcd", true}});
}

TEST(WildcardMatcher, LiteralAppendsDisableWildcards) {
  WildcardPattern pattern;
  pattern.appendGlob("home/");
  pattern.appendLiteral("*");
  pattern.appendGlob("/*");
  EXPECT_TRUE(pattern.matches("home/*/x"));
  EXPECT_FALSE(pattern.matches("home/bob/x"));
  EXPECT_TRUE(WildcardPattern::fromLiteral("a?b").matches("a?b"));
  EXPECT_FALSE(WildcardPattern::fromLiteral("a?b").matches("axb"));
  EXPECT_FALSE(WildcardPattern::fromLiteral("a?b").hasWildcards());
}

TEST(WildcardMatcher, ReportsMatchesEverything) {
  EXPECT_TRUE(WildcardPattern::fromGlob("*").matchesEverything());
  EXPECT_FALSE(WildcardPattern::fromGlob("a*").matchesEverything());
  EXPECT_FALSE(WildcardPattern::fromLiteral("*").matchesEverything());
}

TEST(WildcardMatcher, PathologicalPatternStaysLinear) {
  // *a*a*a...*b against "aaaa...": a backtracking matcher explodes; ours stays near-linear.
  std::string glob;
  for (int i = 0; i < 50; ++i) {
    glob += "*a";
  }
  glob += "*b";
  const std::string text(100000, 'a');
  const WildcardPattern pattern = WildcardPattern::fromGlob(glob);
  EXPECT_FALSE(pattern.matches(text));
  EXPECT_LT(WildcardPattern::lastOperationCount(), 20U * text.size());

  // Many stars in a long pattern (the bad-input corpus shape) against a long text.
  std::string manyStars;
  for (int i = 0; i < 5000; ++i) {
    manyStars += "*x";
  }
  const std::string longText(10000, 'y');
  EXPECT_FALSE(WildcardPattern::fromGlob(manyStars).matches(longText));
  EXPECT_LT(WildcardPattern::lastOperationCount(), 4U * longText.size());
}

TEST(WildcardMatcher, SlotsMatchTheirValueLiterally) {
  WildcardPattern pattern;
  pattern.appendGlob("home/");
  pattern.appendSlot(0);
  pattern.appendGlob("/*");
  const std::string_view bob[] = {"bob"};
  const std::string_view star[] = {"*"};
  EXPECT_TRUE(pattern.matches("home/bob/notes.txt", bob));
  EXPECT_FALSE(pattern.matches("home/alice/notes.txt", bob));
  EXPECT_FALSE(pattern.matches("home/bob/notes.txt", star));  // a value is never a wildcard
  EXPECT_TRUE(pattern.matches("home/*/x", star));

  WildcardPattern middle;  // the slot heads a middle segment: found by search
  middle.appendGlob("*-");
  middle.appendSlot(0);
  middle.appendGlob("-*");
  const std::string_view team[] = {"red"};
  EXPECT_TRUE(middle.matches("a-b-red-c", team));
  EXPECT_FALSE(middle.matches("a-b-blue-c", team));
  const std::string_view empty[] = {""};
  EXPECT_TRUE(middle.matches("x--y", empty));
}

// A middle segment whose first bytes are an empty slot value is tried at every byte when it
// has no '?': without '?', matching is byte for byte, so a lead byte followed by bytes that do
// not complete its code point must not make the search skip them (found by fuzz_wildcard).
TEST(WildcardMatcher, EmptySlotHeadedSegmentsAreTriedAtEveryByte) {
  WildcardPattern pattern;
  pattern.appendGlob("*");
  pattern.appendSlot(0);
  pattern.appendLiteral("\xA0\xA0");
  pattern.appendGlob("*");
  const std::string_view empty[] = {""};
  EXPECT_TRUE(pattern.matches("\xE0\xA0\xA0", empty));
  EXPECT_TRUE(pattern.matches("x\xF0\xA0\xA0y", empty));
  EXPECT_FALSE(pattern.matches("\xE0\xA0", empty));

  // With a '?' the segment still steps by code point on valid UTF-8: "??x" needs two
  // characters before the x, and U+0800 (three bytes) is one.
  WildcardPattern question;
  question.appendGlob("*");
  question.appendSlot(0);
  question.appendGlob("??x*");
  EXPECT_FALSE(question.matches("\xE0\xA0\xA0x", empty));
  EXPECT_TRUE(question.matches("a\xE0\xA0\xA0x", empty));
}

}  // namespace
