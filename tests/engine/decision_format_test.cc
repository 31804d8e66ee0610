// Text output and diagnostics never replay control characters from input (Sids, actions,
// ARNs, values, file names) to a terminal: they are printed as \u00XX escapes.
#include "engine/decision_format.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/diagnostic.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "engine/status.h"

namespace {

using namespace policysim::engine;

// True when text holds a control character other than the newlines that end its lines.
bool hasControlCharacter(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20U && c != '\n') || c == 0x7FU ||
        (c == 0xC2U && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80U &&
         static_cast<unsigned char>(text[i + 1]) <= 0x9FU)) {
      return true;
    }
  }
  return false;
}

TEST(DecisionFormat, TextEscapesControlCharactersFromInput) {
  PolicySetInput input;
  auto document = parsePolicyDocument(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"S\u001b[2J\r","Effect":"Allow",)"
      R"("Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"x\u0007"}}}]})",
      "p\x1b.json", PolicyKind::Identity);
  ASSERT_TRUE(document.ok()) << document.status().toString();
  input.identity.push_back(std::move(document).value());
  auto set = PolicySet::compile(std::move(input));
  ASSERT_TRUE(set.ok());
  Request request;
  request.principal = "arn:aws:iam::111122223333:user/\x1b]0;title\x07";
  request.action = "s3:Get\nallowed: forged line";
  request.resource =
      "arn:aws:s3:::b/\xC2\x9B"
      "31m";  // U+009B, the one-byte CSI
  ContextValue value;
  value.values.push_back("x\x07");
  ASSERT_TRUE(request.setContext("aws:username", value));
  const Decision decision = set.value()->evaluate(request, true);
  const std::string text = formatDecisionText(request, decision, true);
  EXPECT_FALSE(hasControlCharacter(text)) << text;
  EXPECT_NE(text.find(R"("S\u001b[2J\u000d")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(s3:Get\u000aallowed: forged line)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(b/\u009b31m)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(p\u001b.json)"), std::string::npos) << text;
}

TEST(DecisionFormat, StatusAndDiagnosticTextEscapeControlCharacters) {
  const Status status =
      Status::invalidArgument("bad value \"\x1b[2J\"", SourceLocation{"f\r.json", 1, 2});
  EXPECT_EQ(status.toString(), R"(f\u000d.json:1:2: error: bad value "\u001b[2J")");
  const Diagnostic diagnostic{Severity::Warning, SourceLocation{"f.json", 3, 4},
                              std::string("Sid \"a\0b\x7f\"", 10)};
  EXPECT_EQ(diagnostic.toString(), R"(f.json:3:4: warning: Sid "a\u0000b\u007f")");
  // Printable text, UTF-8 included, is unchanged.
  EXPECT_EQ(Status::invalidArgument("caf\xC3\xA9 \xE2\x9C\x93").toString(),
            "error: caf\xC3\xA9 \xE2\x9C\x93");
}

}  // namespace
