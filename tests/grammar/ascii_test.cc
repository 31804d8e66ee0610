// grammar/ascii.h: IAM's ASCII case rules, never a locale's.
#include "grammar/ascii.h"

#include <gtest/gtest.h>

namespace {

using policysim::grammar::compareIgnoreAsciiCase;
using policysim::grammar::equalsIgnoreAsciiCase;
using policysim::grammar::toLowerAscii;

TEST(Ascii, LowersOnlyAsciiLetters) {
  EXPECT_EQ(toLowerAscii("S3:GetObject"), "s3:getobject");
  EXPECT_EQ(toLowerAscii("aws:MultiFactorAuthAge"), "aws:multifactorauthage");
  EXPECT_EQ(toLowerAscii("\xC3\x89t\xC3\xA9"), "\xC3\x89t\xC3\xA9");  // "Été": UTF-8 unchanged
  EXPECT_EQ(toLowerAscii("@[`{"), "@[`{");  // the bytes around 'A'-'Z' and 'a'-'z'
}

TEST(Ascii, ComparesIgnoringAsciiCase) {
  EXPECT_TRUE(equalsIgnoreAsciiCase("True", "true"));
  EXPECT_TRUE(equalsIgnoreAsciiCase("IAM:ChangePassword", "iam:changepassword"));
  EXPECT_FALSE(equalsIgnoreAsciiCase("true", "truex"));
  EXPECT_FALSE(equalsIgnoreAsciiCase("[", "{"));                // '[' + 32 is '{', yet no letter
  EXPECT_FALSE(equalsIgnoreAsciiCase("\xC3\x89", "\xC3\xA9"));  // É is not é for IAM
  EXPECT_TRUE(equalsIgnoreAsciiCase("", ""));
}

TEST(Ascii, OrdersIgnoringAsciiCase) {
  EXPECT_EQ(compareIgnoreAsciiCase("S3", "s3"), 0);
  EXPECT_LT(compareIgnoreAsciiCase("ec2", "EC2:x"), 0);   // a prefix sorts first
  EXPECT_GT(compareIgnoreAsciiCase("Z", "a"), 0);         // 'z' after 'a', unlike in ASCII
  EXPECT_LT(compareIgnoreAsciiCase("a", "\xC3\xA9"), 0);  // bytes unsigned: UTF-8 sorts last
}

}  // namespace
