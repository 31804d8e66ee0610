// Batch decisions (analysis/batch.h): worker threads over a mapped file, one thread over the
// same file, and the streaming reader over a pipe write the same lines in input order, with the
// same line numbers, errors and result; a malformed line stops every mode at the same place.
#include "analysis/batch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "engine/policy_set.h"
#include "engine/request_json.h"

namespace policysim::analysis {
namespace {

constexpr const char* kPolicy = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"*",
   "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
  {"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]})";

std::shared_ptr<const engine::PolicySet> compileSet() {
  engine::PolicySetTexts texts;
  texts.put(engine::PolicyKind::Identity, engine::PolicyText{"p.json", kPolicy});
  auto set = engine::PolicySet::compile(texts);
  EXPECT_TRUE(set.ok()) << set.status().toString();
  return set.value();
}

// A request line, varied by i: allowed, implicitly denied, explicitly denied, blank lines.
std::string line(std::size_t i) {
  switch (i % 7) {
    case 0:
      return R"({"action":"s3:GetObject","resource":"arn:aws:s3:::b/k)" + std::to_string(i) +
             R"(","context":{"aws:MultiFactorAuthPresent":true}})";
    case 1:
      return R"({"action":"s3:GetObject","context":{"aws:MultiFactorAuthPresent":false}})";
    case 2:
      return R"({"action":"s3:DeleteObject"})";
    case 3:
      return "  \r";
    case 4:
      return R"({"action":"s3:GetObject","context":{"aws:MultiFactorAuthPresent":"tr\u0075e"}})";
    case 5:
      return R"( { "action" : "s3:PutObject" , "principal" : "arn:aws:iam::1:user/a" } )";
    default:
      return R"({"action":"s3:GetObject","context":{"aws:MultiFactorAuthPresent":[true]}})";
  }
}

struct BatchRun {
  BatchResult result;
  std::string out;
  std::string err;
};

BatchRun run(const engine::PolicySet& set, BatchOptions options) {
  std::FILE* out = std::tmpfile();
  std::ostringstream err;
  BatchRun result{runBatch(set, options, out, err), "", err.str()};
  std::fflush(out);
  std::rewind(out);
  char buffer[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, out)) > 0) {
    result.out.append(buffer, got);
  }
  std::fclose(out);
  return result;
}

// Through a pipe: not a regular file, so the streaming reader.
BatchRun runPiped(const engine::PolicySet& set, BatchOptions options, const std::string& content) {
  std::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fds[1], content.data() + done, content.size() - done);
      if (n <= 0) {
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
  });
  options.requests = "/proc/self/fd/" + std::to_string(fds[0]);
  BatchRun result = run(set, options);
  ::close(fds[0]);  // a run that stopped early leaves input unread: the writer gets EPIPE
  writer.join();
  return result;
}

class BatchTest : public ::testing::Test {
 protected:
  void write(const std::string& content) {
    path_ = std::filesystem::temp_directory_path() /
            ("policysim_batch_test_" + std::to_string(::getpid()) + ".jsonl");
    std::ofstream(path_, std::ios::binary) << content;
  }
  void TearDown() override { std::filesystem::remove(path_); }
  BatchOptions options(unsigned threads) const {
    BatchOptions o;
    o.requests = path_.string();
    o.threads = threads;
    o.parallelMinBytes = 0;
    return o;
  }
  std::filesystem::path path_;
};

TEST_F(BatchTest, ThreadsStreamingAndOneThreadWriteTheSameLinesInOrder) {
  const auto set = compileSet();
  std::string content;
  const std::size_t lines = 40000;  // several 1 MiB chunks
  for (std::size_t i = 0; i < lines; ++i) {
    content += line(i) + "\n";
  }
  content += line(0);  // the last line without its newline
  write(content);
  const BatchRun one = run(*set, options(1));
  const BatchRun two = run(*set, options(2));
  const BatchRun three = run(*set, options(3));
  const BatchRun piped = runPiped(*set, options(1), content);
  EXPECT_EQ(one.result, BatchResult::SomeDenied);
  EXPECT_EQ(one.err, "");
  // Every non-blank line decided, numbered as in the file, in order.
  std::istringstream out(one.out);
  std::string decided;
  std::size_t expected = 1;
  std::size_t count = 0;
  while (std::getline(out, decided)) {
    if ((expected - 1) % 7 == 3) {
      ++expected;
    }
    ASSERT_EQ(decided.rfind("{\"line\":" + std::to_string(expected) + ",\"decision\":", 0), 0U)
        << decided;
    ++expected;
    ++count;
  }
  EXPECT_EQ(count, lines - lines / 7 + 1);
  EXPECT_NE(one.out.find(R"({"line":1,"decision":"allowed")"), std::string::npos);
  EXPECT_NE(one.out.find(R"({"line":3,"decision":"explicitDeny")"), std::string::npos);
  EXPECT_EQ(two.out, one.out);
  EXPECT_EQ(three.out, one.out);
  EXPECT_EQ(piped.out, one.out);
  EXPECT_EQ(two.result, one.result);
  EXPECT_EQ(piped.result, one.result);
}

TEST_F(BatchTest, AMalformedLineStopsEveryModeAtTheSamePlace) {
  const auto set = compileSet();
  std::string content;
  const std::size_t bad = 23457;  // in the middle of a later chunk
  for (std::size_t i = 1; i <= 30000; ++i) {
    content += (i == bad ? std::string(R"({"action":})") : line(0)) + "\n";
  }
  write(content);
  const BatchRun one = run(*set, options(1));
  const BatchRun two = run(*set, options(2));
  const BatchRun piped = runPiped(*set, options(1), content);
  EXPECT_EQ(one.result, BatchResult::InputError);
  EXPECT_EQ(one.err.rfind(path_.string() + ":23457:11: error:", 0), 0U) << one.err;
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), static_cast<long>(bad - 1));
  EXPECT_EQ(two.out, one.out);
  EXPECT_EQ(two.err, one.err);
  EXPECT_EQ(two.result, BatchResult::InputError);
  EXPECT_EQ(piped.out, one.out);
  EXPECT_EQ(piped.result, BatchResult::InputError);

  BatchOptions going = options(2);
  going.keepGoing = true;
  const BatchRun kept = run(*set, going);
  EXPECT_EQ(kept.result, BatchResult::InputError);
  EXPECT_EQ(std::count(kept.out.begin(), kept.out.end(), '\n'), 30000);
  EXPECT_NE(kept.out.find("{\"line\":23457,\"error\":"), std::string::npos);
  EXPECT_NE(kept.out.find("{\"line\":30000,\"decision\":\"allowed\""), std::string::npos);
}

TEST_F(BatchTest, AllAllowedAndMissingFile) {
  const auto set = compileSet();
  write(line(0) + "\n" + line(7) + "\n");
  EXPECT_EQ(run(*set, options(2)).result, BatchResult::AllAllowed);
  BatchOptions missing = options(2);
  missing.requests = path_.string() + ".none";
  const BatchRun none = run(*set, missing);
  EXPECT_EQ(none.result, BatchResult::InputError);
  EXPECT_NE(none.err.find(".none: error: cannot read file: No such file or directory"),
            std::string::npos)
      << none.err;
}

TEST_F(BatchTest, AnonymousAndManagementAccountApplyToEveryLine) {
  const auto set = compileSet();
  write(line(0) + "\n" + line(5) + "\n");
  BatchOptions anonymous = options(1);
  anonymous.anonymous = true;
  const BatchRun refused = run(*set, anonymous);
  EXPECT_EQ(refused.result, BatchResult::InputError);
  EXPECT_NE(refused.err.find(":2:1: error: --anonymous: the request names the principal"),
            std::string::npos)
      << refused.err;
}

// Streaming: a line over the limit is skipped to its newline (the reader never holds more
// than the limit and one read) and reported at its own line number; the lines around it are
// decided, with the same output as the mapped file's.
TEST_F(BatchTest, StreamingSkipsALineOverTheLimit) {
  const auto set = compileSet();
  std::string content = line(0) + "\n{\"action\":\"s3:GetObject\",\"context\":{\"k\":\"";
  content.append(engine::kMaxRequestBytes + 100, 'a');
  content += "\"}}\n" + line(0) + "\n" + line(2);
  write(content);
  BatchOptions going = options(1);
  going.keepGoing = true;
  const BatchRun mapped = run(*set, going);
  const BatchRun piped = runPiped(*set, going, content);
  EXPECT_EQ(piped.result, BatchResult::InputError);
  EXPECT_NE(piped.out.find("{\"line\":2,\"error\":\"line is over the limit of 16777216 bytes\"}"),
            std::string::npos)
      << piped.out.substr(0, 300);
  EXPECT_NE(piped.out.find("{\"line\":4,\"decision\":\"explicitDeny\""), std::string::npos);
  EXPECT_EQ(piped.out, mapped.out);
  EXPECT_NE(piped.err.find(":2:1: error: line is over the limit"), std::string::npos) << piped.err;
}

}  // namespace
}  // namespace policysim::analysis
