// internal::parseJson: positions of every value and key, decoded strings, errors, and the
// streamed array of JsonArrayStream. RapidJSON decodes a copy of the text in place; the tree
// must still describe the original text.
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

Parsed parse(std::string_view text) {
  JsonDocument document;
  JsonError error;
  Parsed out;
  out.ok = parseJson(text, {}, &document, &error);
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
  const Parsed parsed = parse(text);
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

TEST(JsonDocument, ErrorsAtTheirOffsets) {
  struct Row {
    std::string text;
    std::string error;  // "message@offset", empty when the text parses
  };
  const Row rows[] = {
      {R"({"Statement":[{"Sid":"A","Action":["s3:Get*","s3:Put\u002a"],"N":-0.5}]})", ""},
      {"{\n  \"k\": \"\\t\\n\\\"\\\\\\/\",\n  \"e\": [], \"o\": {}\n}", ""},
      {R"(["a",)", "invalid JSON: Invalid value.@5"},  // truncated
      {std::string("{\"a\":\"b\0c\"}", 11), "invalid JSON: NUL byte in input@7"},
      {std::string("{\"a\":1}\0", 8), "invalid JSON: NUL byte in input@7"},
      {"{\"a\":\"\xC3\x28\"}", "invalid JSON: invalid UTF-8 in string@6"},
      {R"({"a":1,"a":2})", "duplicate key \"a\" (IAM rejects repeated keys)@7"},
      {R"({"a":1} x)", "invalid JSON: unexpected text after the document@8"},
      {R"({"a":tru})", "invalid JSON: Invalid value.@8"},
  };
  for (const Row& row : rows) {
    const Parsed parsed = parse(row.text);
    EXPECT_EQ(parsed.ok, row.error.empty()) << row.text;
    EXPECT_EQ(parsed.error, row.error) << row.text;
  }
  // A view that is not NUL-terminated is read to its end and no further.
  const std::string longer = R"({"a":"bc"}garbage)";
  const Parsed view = parse(std::string_view(longer).substr(0, 10));
  ASSERT_TRUE(view.ok) << view.error;
  EXPECT_EQ(view.tree, (std::vector<std::string>{"{@0", "key a@1", "a string:bc@5"}));
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
        {
          const Parsed parsed = parse(text);
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

// The elements of the streamed array arrive in batches with their indexes and end offsets; a
// dropped batch's nodes are reused by the next batch, while strings with escapes (stored apart)
// stay valid; a kept batch stays in the tree with every element after it.
TEST(JsonDocument, StreamedArrayArrivesInBatches) {
  const std::string text =
      R"({"v":1,"items":[{"k":"a\u0041"},{"k":"b"},{"k":"c\n"},{"k":"d"},{"k":"e"}],"w":[{"x":1}]})";
  for (const bool keepSecond : {false, true}) {
    JsonArrayStream stream;
    stream.rootKey = "items";
    stream.batchSize = 2;
    std::vector<std::size_t> firstIndexes;
    std::vector<std::size_t> sizes;
    std::vector<std::size_t> ends;
    std::vector<std::string_view> keys;  // views kept past their batch
    std::vector<const JsonMember*> nodes;
    stream.onBatch = [&](const JsonArrayStream::Batch& batch) {
      firstIndexes.push_back(batch.firstIndex);
      sizes.push_back(batch.elements.size());
      ends.push_back(batch.end);
      EXPECT_EQ(batch.rootMembers.size(), 1U);
      EXPECT_EQ(batch.rootMembers[0].key, "v");
      for (const JsonValue& element : batch.elements) {
        keys.push_back(element.members()[0].value.text());
      }
      nodes.push_back(batch.elements[0].members().begin());
      return keepSecond && batch.firstIndex == 2;
    };
    JsonDocument document;
    JsonError error;
    ASSERT_TRUE(parseJson(text, {}, &document, &error, &stream)) << error.message;
    const std::size_t expectedBatches = keepSecond ? 2 : 3;
    ASSERT_EQ(firstIndexes.size(), expectedBatches);
    const std::vector<std::size_t> allFirst = {0, 2, 4};
    const std::vector<std::size_t> allSizes = {2, 2, 1};
    EXPECT_EQ(firstIndexes,
              std::vector<std::size_t>(allFirst.begin(), allFirst.begin() + expectedBatches));
    EXPECT_EQ(sizes,
              std::vector<std::size_t>(allSizes.begin(), allSizes.begin() + expectedBatches));
    EXPECT_EQ(ends[0], text.find("},{\"k\":\"c") + 1);  // just past the second element
    EXPECT_EQ(nodes[1], nodes[0]) << "the first batch's nodes are reused";
    const std::vector<std::string_view> expectedKeys = {"aA", "b", "c\n", "d", "e"};
    EXPECT_EQ(keys, std::vector<std::string_view>(expectedKeys.begin(),
                                                  expectedKeys.begin() + (keepSecond ? 4 : 5)));
    const JsonMember* items = document.root.find("items");
    ASSERT_NE(items, nullptr);
    std::vector<std::string> kept;
    for (const JsonValue& element : items->value.elements()) {
      kept.push_back(std::string(element.members()[0].value.text()));
    }
    const std::vector<std::string> expectedKept =
        keepSecond ? std::vector<std::string>{"c\n", "d", "e"} : std::vector<std::string>{};
    EXPECT_EQ(kept, expectedKept);
    // Arrays elsewhere are untouched.
    ASSERT_NE(document.root.find("w"), nullptr);
    EXPECT_EQ(document.root.find("w")->value.elements().size(), 1U);
  }
}

// A text cut just after an element of the streamed array parses as if the array and the root
// closed there (kept or streamed elements alike); cut anywhere else, it fails as cut text does.
TEST(JsonDocument, TextEndingAfterAStreamedElementClosesThere) {
  const std::string whole =
      R"({"v":1,"items":[{"k":"a"},{"k":"b","n":[{"x":1},{"x":2}]}, {"k":"c"}]})";
  auto parseCut = [&](std::size_t end, bool keep, std::vector<std::string>* keys) {
    JsonArrayStream stream;
    stream.rootKey = "items";
    stream.batchSize = 1;
    stream.textEndsAfterElement = true;
    stream.onBatch = [&](const JsonArrayStream::Batch& batch) {
      keys->push_back(std::string(batch.elements[0].members()[0].value.text()));
      return keep;
    };
    JsonDocument document;
    JsonError error;
    const bool ok =
        parseJson(std::string_view(whole).substr(0, end), {}, &document, &error, &stream);
    std::vector<std::string> tree;
    if (ok) {
      flatten(document.root, &tree);
    }
    return std::make_pair(ok, tree);
  };
  const std::size_t afterB = whole.find("]}, {") + 2;  // just past the second element
  for (const bool keep : {false, true}) {
    std::vector<std::string> keys;
    const auto [ok, tree] = parseCut(afterB, keep, &keys);
    ASSERT_TRUE(ok) << "keep " << keep;
    EXPECT_EQ(keys, (keep ? std::vector<std::string>{"a"} : std::vector<std::string>{"a", "b"}));
    ASSERT_GE(tree.size(), 4U);
    EXPECT_EQ(tree[0], "{@0");
    EXPECT_EQ(tree[3], "key items@7");
    // The array holds the kept elements: none when streamed, both when kept from the first.
    EXPECT_EQ(tree.size(), keep ? 19U : 5U);
    EXPECT_EQ(tree.back(), keep ? "a number:2@" + std::to_string(whole.find("2}]")) : "[@15");
  }
  // Cut after an element of an array inside an element, inside a string, after a key, or
  // without the option: the text does not read.
  for (const std::size_t end : {whole.find("{\"x\":2}") - 1, whole.find("{\"x\":2}") + 7,
                                whole.find("\"b\"") + 2, whole.find("\"n\"") + 3}) {
    std::vector<std::string> keys;
    EXPECT_FALSE(parseCut(end, false, &keys).first) << whole.substr(0, end);
  }
  JsonDocument document;
  JsonError error;
  EXPECT_FALSE(parseJson(std::string_view(whole).substr(0, afterB), {}, &document, &error));
}

// A gap leaves bytes out of the document, and every offset still refers to the text: values,
// keys and errors after the gap, and a value right after a bracket that ends where it starts.
TEST(JsonDocument, GapIsLeftOutAndOffsetsReferToTheText) {
  const std::string text = R"({"v":1,"a":[{"k":1},{"k":2},{"k":"three"}]})";
  const JsonGap gap{text.find(R"({"k":1})"), text.find(R"({"k":"three"})")};
  JsonDocument document;
  JsonError error;
  ASSERT_TRUE(parseJson(text, {}, &document, &error, nullptr, gap)) << error.message;
  std::vector<std::string> tree;
  flatten(document.root, &tree);
  const std::vector<std::string> expected = {"{@0",
                                             "key v@1",
                                             "a number:1@5",
                                             "key a@7",
                                             "[@11",
                                             "{@" + std::to_string(gap.to),
                                             "key k@" + std::to_string(gap.to + 1),
                                             "a string:three@" + std::to_string(gap.to + 5)};
  EXPECT_EQ(tree, expected);

  const std::string bad = R"({"a":[{"k":1},{"k":x}]})";
  EXPECT_FALSE(parseJson(bad, {}, &document, &error, nullptr,
                         JsonGap{bad.find(R"({"k":1})"), bad.find(R"({"k":x})")}));
  EXPECT_EQ(error.offset, bad.find('x')) << error.message;
}

// The default depth limit stops RapidJSON's recursive parser early; a limit deeper than the
// stack allows is parsed iteratively, so deep input never overflows the stack.
TEST(JsonDocument, DepthLimitBoundsRecursion) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  JsonDocument shallow;
  JsonError error;
  EXPECT_FALSE(parseJson(deep, {}, &shallow, &error));
  EXPECT_NE(error.message.find("nesting deeper than 64"), std::string::npos) << error.message;
  JsonLimits limits;
  limits.maxDepth = 300000;
  JsonDocument document;
  ASSERT_TRUE(parseJson(deep, limits, &document, &error)) << error.message;
  EXPECT_TRUE(document.root.isArray());
}

}  // namespace
