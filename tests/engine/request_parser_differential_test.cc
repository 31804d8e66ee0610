// RequestParser's two fast paths (simdjson On-Demand, RapidJSON SAX) must accept and reject
// exactly the same inputs, with the same Request and the same error message, and whatever the
// simdjson path accepts on its own, parseRequests must read the same way. Inputs: every
// request file of the repository's tests, and seeded random requests and mutations of them
// (duplicate keys, wrong types, escapes, invalid UTF-8, control characters, odd numbers,
// nesting, truncation, trailing bytes).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/internal/request_simdjson.h"
#include "engine/request_json.h"

namespace policysim::engine {
namespace {

std::string describe(const Status& status, const Request& request) {
  std::ostringstream out;
  if (!status.ok()) {
    out << "error " << status.toString();
    return out.str();
  }
  out << "principal=" << request.principal << " anonymous=" << request.anonymous
      << " action=" << request.action << " resource=" << request.resource
      << " management=" << request.managementAccount << " context={";
  for (std::size_t i = 0; i < request.contextSize(); ++i) {
    const ContextValue& value = request.contextValue(i);
    out << request.contextKey(i) << ":" << static_cast<int>(value.type) << ":" << value.multivalued
        << ":[";
    for (const std::string& item : value.values) {
      out << item.size() << "'" << item << "',";
    }
    out << "];";
  }
  out << "}";
  return out.str();
}

// Runs both fast paths (each parser reused, as batch mode does) and parseRequests.
class Differential {
 public:
  void check(const std::string& text) {
    ++inputs_;
    const Status a = simd_.parse(text, "r.jsonl", &simdRequest_);
    const Status b = rapid_.parse(text, "r.jsonl", &rapidRequest_);
    ASSERT_EQ(describe(a, simdRequest_), describe(b, rapidRequest_)) << "input: " << text;
    // A copy with no readable bytes after it and one read in place must agree too.
    std::string padded = text + std::string(64, '}');
    const Status c = inPlace_.parse(std::string_view(padded).substr(0, text.size()), "r.jsonl",
                                    &inPlaceRequest_, 64);
    ASSERT_EQ(describe(a, simdRequest_), describe(c, inPlaceRequest_)) << "input: " << text;
    Request fast;
    if (reader_.read(text, 0, &fast)) {
      ++fastAccepted_;
      auto full = parseRequests(text, "r.jsonl");
      ASSERT_TRUE(full.ok()) << "simdjson accepted, parseRequests refuses: " << text;
      ASSERT_EQ(full.value().size(), 1U) << text;
      ASSERT_EQ(describe(Status(), fast), describe(Status(), full.value().front())) << text;
    }
    if (a.ok()) {
      ++accepted_;
    }
  }
  [[nodiscard]] std::size_t inputs() const { return inputs_; }
  [[nodiscard]] std::size_t accepted() const { return accepted_; }
  [[nodiscard]] std::size_t fastAccepted() const { return fastAccepted_; }

 private:
  RequestParser simd_{RequestParser::FastPath::Simdjson};
  RequestParser rapid_{RequestParser::FastPath::RapidJson};
  RequestParser inPlace_{RequestParser::FastPath::Simdjson};
  internal::SimdRequestReader reader_;
  Request simdRequest_;
  Request rapidRequest_;
  Request inPlaceRequest_;
  std::size_t inputs_ = 0;
  std::size_t accepted_ = 0;
  std::size_t fastAccepted_ = 0;
};

TEST(RequestParserDifferential, EveryRequestFileOfTheTests) {
  Differential differential;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(POLICYSIM_TESTS_DIR)) {
    const std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".json" && ext != ".jsonl")) {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    const std::string text = content.str();
    if (text.size() > (std::size_t{1} << 20U)) {
      continue;
    }
    ++files;
    differential.check(text);
    if (HasFatalFailure()) {
      return;
    }
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      differential.check(line);
      if (HasFatalFailure()) {
        return;
      }
    }
  }
  EXPECT_GT(files, 100U);
  // Most files are policies; the requests among them (about 40) are read, most by simdjson.
  EXPECT_GT(differential.accepted(), 30U);
  EXPECT_GT(differential.fastAccepted(), 25U);
}

// Random requests: mostly the shape batch files have, with every kind of oddity mixed in.
class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  std::string request() {
    std::string out = ws();
    out += '{';
    out += ws();
    const int fields = pick(6);
    bool first = true;
    auto field = [&](const std::string& key, const std::string& value) {
      if (!first) {
        out += ',';
        out += ws();
      }
      out += quote(key);
      out += ws();
      out += ':';
      out += ws();
      out += value;
      out += ws();
      first = false;
    };
    if (pick(10) != 0) {
      field("principal", chance(12) ? scalar() : quote("arn:aws:iam::111122223333:user/" + text()));
    }
    if (pick(20) != 0) {
      field(chance(15) ? "Action" : "action",
            chance(12) ? scalar()
            : chance(3)
                ? quote("s3:Get" + text())
                : quote(pickOf({"iam:CreateAccessKey", "s3:GetObject", "s3:", ":x", "ec2:*"})));
    }
    if (pick(3) != 0) {
      field("resource", chance(12) ? scalar() : quote("arn:aws:s3:::b/" + text()));
    }
    for (int i = 0; i < fields - 3; ++i) {
      const std::string key = pickOf({"context", "anonymous", "vpcEndpoint", "managementAccount",
                                      "principal", "action", "other", "ContextEntries"});
      field(key, key == "context" ? context() : value(2));
    }
    if (pick(3) != 0) {
      field("context", context());
    }
    out += '}';
    out += ws();
    return out;
  }

  // A random byte-level change: insert, delete, replace, truncate, duplicate a span.
  std::string mutate(std::string text) {
    if (text.empty()) {
      return text;
    }
    const std::size_t at = pick(static_cast<int>(text.size()));
    switch (pick(6)) {
      case 0:
        text.insert(at, 1, pickByte());
        break;
      case 1:
        text.erase(at, 1);
        break;
      case 2:
        text[at] = pickByte();
        break;
      case 3:
        text.resize(at);
        break;
      case 4:
        text.insert(at, text.substr(at, pick(20)));
        break;
      default:
        text += pickOf({"x", "}", "{}", " ", "\t", "\r", "]", ",", "\"", "0"});
        break;
    }
    return text;
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint32_t>(n)); }
  bool chance(int oneIn) { return pick(oneIn) == 0; }
  std::string pickOf(std::initializer_list<const char*> items) {
    auto it = items.begin();
    std::advance(it, pick(static_cast<int>(items.size())));
    return *it;
  }
  char pickByte() {
    static const char kBytes[] = "{}[]:,\"\\ \t\r\nabc019-+.eEtfn\x01\x7f\x80\xc3\xa9\xed\xff";
    return kBytes[pick(sizeof kBytes - 1)];
  }
  std::string ws() {
    switch (pick(12)) {
      case 0:
        return " ";
      case 1:
        return "\t";
      case 2:
        return "\r";
      case 3:
        return " \n ";
      default:
        return "";
    }
  }
  // String content: mostly plain, sometimes escapes, UTF-8 (valid and not), control bytes.
  std::string text() {
    std::string out;
    const int n = pick(12);
    for (int i = 0; i < n; ++i) {
      switch (pick(30)) {
        case 0:
          out += pickOf({"\\n", "\\\"", "\\\\", "\\/", "\\t", "\\b", "\\u0041", "\\u00e9",
                         "\\u0000", "\\ud83d\\ude00", "\\ud83d", "\\ude00", "\\udbff\\udfff",
                         "\\uD800x", "\\x", "\\u12", "\\U0041"});
          break;
        case 1:
          out += pickOf({"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3", "\xa9", "\xc0\xaf",
                         "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\xe2\x82"});
          break;
        case 2:
          out += static_cast<char>(pick(32));
          break;
        case 3:
          out += pickOf({"MFA", "Alice", "ALICE", "aws:username"});
          break;
        default:
          out += static_cast<char>('a' + pick(26));
      }
    }
    return out;
  }
  static std::string quote(const std::string& s) {
    std::string out = "\"";
    out += s;
    out += '"';
    return out;
  }
  std::string number() {
    if (chance(3)) {
      return std::to_string(static_cast<long long>(rng_() % 100000) - 500);
    }
    if (chance(8)) {  // RapidJSON refuses integers of 309 digits and more as too big
      return std::string(static_cast<std::size_t>(300 + pick(20)), '7');
    }
    return pickOf({"0",
                   "-0",
                   "01",
                   "1.5",
                   "1.",
                   ".5",
                   "-",
                   "1e5",
                   "1E+3",
                   "2e-7",
                   "1.5e308",
                   "1e309",
                   "123456789012345678",
                   "1234567890123456789",
                   "123456789012345678901234567890",
                   "0.00000000000000000000000000000000001",
                   "-12.5",
                   "+1",
                   "1.2.3",
                   "0x10",
                   "NaN",
                   "Infinity",
                   "1e",
                   "1e+"});
  }
  std::string scalar() {
    switch (pick(8)) {
      case 0:
        return number();
      case 1:
        return pickOf({"true", "false", "null", "tru", "falsey", "True", "nul"});
      default:
        return quote(text());
    }
  }
  std::string value(int depth) {
    if (depth > 0 && chance(8)) {
      std::string out = "[";
      const int n = pick(4);
      for (int i = 0; i < n; ++i) {
        out += i == 0 ? "" : ",";
        out += ws();
        out += value(depth - 1);
      }
      out += ws();
      out += ']';
      return out;
    }
    if (depth > 0 && chance(10)) {
      std::string out = "{";
      out += quote(text());
      out += ':';
      out += value(depth - 1);
      out += '}';
      return out;
    }
    return scalar();
  }
  std::string context() {
    if (chance(15)) {
      return value(2);
    }
    std::string out = "{";
    const int n = pick(6);
    for (int i = 0; i < n; ++i) {
      std::string key = pickOf({"aws:username", "aws:MultiFactorAuthPresent", "aws:CurrentTime",
                                "AWS:UserName", "aws:TagKeys", "", "k"});
      if (chance(4)) {
        key = text();
      }
      out += i == 0 ? "" : ",";
      out += ws();
      out += quote(key);
      out += ws();
      out += ':';
      out += ws();
      out += value(2);
    }
    out += ws();
    out += '}';
    return out;
  }

  std::mt19937 rng_;
};

TEST(RequestParserDifferential, RandomAndMutatedRequests) {
  Differential differential;
  Generator generator(20261206);
  for (int i = 0; i < 40000; ++i) {
    std::string text = generator.request();
    differential.check(text);
    if (HasFatalFailure()) {
      return;
    }
    for (int m = 0; m < 3; ++m) {
      text = generator.mutate(text);
      differential.check(text);
      if (HasFatalFailure()) {
        return;
      }
    }
  }
  // Not vacuous: many inputs are valid, and the simdjson path reads many of them itself.
  std::printf("%zu inputs, %zu accepted, %zu read by simdjson alone\n", differential.inputs(),
              differential.accepted(), differential.fastAccepted());
  EXPECT_GT(differential.accepted(), differential.inputs() / 40);
  EXPECT_GT(differential.fastAccepted(), differential.inputs() / 100);
}

TEST(RequestParserDifferential, SimdjsonReadsThePlainShapeItself) {
  internal::SimdRequestReader reader;
  Request request;
  ASSERT_TRUE(reader.read(
      R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:CreateAccessKey",)"
      R"("resource":"arn:aws:iam::111122223333:user/alice","context":{"aws:username":"alice",)"
      R"("aws:MultiFactorAuthPresent":true,"aws:MultiFactorAuthAge":300,"aws:TagKeys":["a","b"]}})",
      0, &request));
  EXPECT_EQ(request.action, "iam:CreateAccessKey");
  ASSERT_EQ(request.contextSize(), 4U);
  EXPECT_EQ(request.contextValue(2).values.front(), "300");
  EXPECT_EQ(request.contextValue(2).type, ContextValue::Type::Number);
  EXPECT_TRUE(request.contextValue(3).multivalued);
  // What it leaves to the full parser.
  EXPECT_FALSE(reader.read(R"({"action":"s3:A","context":{"k":"\u00e9"}})", 0, &request));
  EXPECT_FALSE(reader.read("{\"action\":\"s3:A\",\"context\":{\"k\":\"\xc3\xa9\"}}", 0, &request));
  EXPECT_FALSE(reader.read(R"({"action":"s3:A","context":{"k":1e5}})", 0, &request));
  EXPECT_FALSE(reader.read(R"({"action":"s3:A"} x)", 0, &request));
  EXPECT_FALSE(reader.read(R"({"action":"s3:A"}{})", 0, &request));
  EXPECT_FALSE(reader.read(R"({"action":"s3:A","action":"s3:B"})", 0, &request));
}

TEST(RequestParserDifferential, PlainNumbers) {
  for (const char* yes : {"0", "-0", "12", "-12.5", "123456789012345678", "0.5"}) {
    EXPECT_TRUE(internal::isPlainJsonNumber(yes)) << yes;
  }
  for (const char* no :
       {"", "-", "01", "1.", ".5", "1e5", "+1", "1234567890123456789", "0x1", "1 "}) {
    EXPECT_FALSE(internal::isPlainJsonNumber(no)) << no;
  }
}

}  // namespace
}  // namespace policysim::engine
