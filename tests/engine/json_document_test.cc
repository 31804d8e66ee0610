// internal::parseJson: positions of every value and key, decoded strings, and errors must be
// the same whichever stream reads the text (ViewStream for any view, RapidJSON's StringStream
// when the text is NUL-terminated).
#include "engine/internal/json_document.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace policysim::engine::internal;

// "key@offset" and "type:text@offset" lines for the whole tree, depth first.
void flatten(const JsonValue& value, std::vector<std::string>* out) {
  if (value.isObject()) {
    out->push_back("{@" + std::to_string(value.offset));
    for (const JsonMember& member : value.members()) {
      out->push_back("key " + std::string(member.key) + "@" + std::to_string(member.keyOffset));
      flatten(member.value, out);
    }
  } else if (value.isArray()) {
    out->push_back("[@" + std::to_string(value.offset));
    for (const JsonValue& element : value.elements()) {
      flatten(element, out);
    }
  } else {
    out->push_back(std::string(describeType(value.type)) + ":" + std::string(value.text()) + "@" +
                   std::to_string(value.offset));
  }
}

struct Parsed {
  bool ok = false;
  std::vector<std::string> tree;
  std::string error;
};

Parsed parse(const std::string& text, bool nulTerminated) {
  JsonDocument document;
  JsonError error;
  Parsed out;
  out.ok = parseJson(text, {}, &document, &error, nulTerminated);
  if (out.ok) {
    flatten(document.root, &out.tree);
  } else {
    out.error = error.message + "@" + std::to_string(error.offset);
  }
  return out;
}

TEST(JsonDocument, PositionsAndDecodedStrings) {
  const std::string text =
      "{\"a\" : \"x\\\"y\", \"b\\u0041\":[1.5e3, true,null , false],\n \"c\":\"\\\\\"}";
  const Parsed parsed = parse(text, true);
  ASSERT_TRUE(parsed.ok) << parsed.error;
  const std::vector<std::string> expected = {
      "{@0",
      "key a@1",
      "a string:x\"y@7",
      "key bA@15",
      "[@25",
      "a number:1.5e3@26",
      "a boolean:true@33",
      "null:@38",
      "a boolean:false@45",
      "key c@54",
      "a string:\\@58",
  };
  EXPECT_EQ(parsed.tree, expected);
}

TEST(JsonDocument, BothStreamsAgree) {
  const std::vector<std::string> texts = {
      R"({"Statement":[{"Sid":"A","Action":["s3:Get*","s3:Put\u002a"],"N":-0.5}]})",
      "{\n  \"k\": \"\\t\\n\\\"\\\\\\/\",\n  \"e\": [], \"o\": {}\n}",
      R"(["a",)",                           // truncated
      std::string("{\"a\":\"b\0c\"}", 11),  // NUL byte inside a string
      std::string("{\"a\":1}\0", 8),        // NUL byte after the document
      "{\"a\":\"\xC3\x28\"}",               // invalid UTF-8
      R"({"a":1,"a":2})",                   // duplicate key
      R"({"a":1} x)",                       // text after the document
      R"({"a":tru})",                       // bad literal
  };
  for (const std::string& text : texts) {
    const Parsed view = parse(text, false);
    const Parsed terminated = parse(text, true);
    EXPECT_EQ(view.ok, terminated.ok) << text;
    EXPECT_EQ(view.tree, terminated.tree) << text;
    EXPECT_EQ(view.error, terminated.error) << text;
  }
  EXPECT_EQ(parse(std::string("{\"a\":\"b\0c\"}", 11), true).error,
            "invalid JSON: NUL byte in input@7");
}

// Strings are checked eight bytes at a time for escapes and non-ASCII bytes: put each kind at
// every position of strings of many lengths, and check the decoded text, where the next value
// starts and where an invalid byte is reported.
TEST(JsonDocument, EscapesAndNonAsciiAnywhereInAString) {
  for (std::size_t length = 1; length <= 20; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      const std::string before(at, 'a');
      const std::string after(length - at - 1, 'b');
      struct Variant {
        std::string raw;      // between the quotes
        std::string decoded;  // empty: invalid UTF-8 at `at`
      };
      const Variant variants[] = {
          {before + "\\\"" + after, before + "\"" + after},
          {before + "\\u0041" + after, before + "A" + after},
          {before + "\xC3\xA9" + after, before + "\xC3\xA9" + after},
          {before + "\xFF" + after, ""},
      };
      for (const Variant& variant : variants) {
        const std::string text = "[\"" + variant.raw + "\",7]";
        for (const bool terminated : {false, true}) {
          const Parsed parsed = parse(text, terminated);
          if (variant.decoded.empty()) {
            EXPECT_EQ(parsed.error,
                      "invalid JSON: invalid UTF-8 in string@" + std::to_string(2 + at))
                << text;
            continue;
          }
          ASSERT_TRUE(parsed.ok) << text << ": " << parsed.error;
          const std::vector<std::string> expected = {
              "[@0", "a string:" + variant.decoded + "@1",
              "a number:7@" + std::to_string(variant.raw.size() + 4)};
          EXPECT_EQ(parsed.tree, expected) << text;
        }
      }
    }
  }
}

}  // namespace
