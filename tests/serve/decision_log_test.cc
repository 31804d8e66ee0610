#include "cli/serve/decision_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "analysis/decision_log.h"

namespace policysim::serve {
namespace {

engine::ContextValue value(engine::ContextValue::Type type, std::vector<std::string> values,
                           bool multivalued = false) {
  engine::ContextValue v;
  v.type = type;
  v.values = std::move(values);
  v.multivalued = multivalued;
  return v;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What the gateway writes is what the reader (and so replay) reads back.
TEST(DecisionLogLine, RoundTripsThroughTheReader) {
  engine::Request request;
  request.principal = "arn:aws:iam::111122223333:user/alice";
  request.action = "iam:CreateAccessKey";
  request.resource = "arn:aws:iam::111122223333:user/\"quoted\"";
  ASSERT_TRUE(request.setContext("aws:MultiFactorAuthPresent",
                                 value(engine::ContextValue::Type::Bool, {"false"})));
  ASSERT_TRUE(request.setContext("aws:MultiFactorAuthAge",
                                 value(engine::ContextValue::Type::Number, {"42"})));
  ASSERT_TRUE(
      request.setContext("aws:SourceIp", value(engine::ContextValue::Type::Ip, {"192.0.2.1"})));
  ASSERT_TRUE(request.setContext(
      "aws:CurrentTime", value(engine::ContextValue::Type::Date, {"2026-12-06T19:30:24Z"})));
  ASSERT_TRUE(request.setContext("aws:TagKeys",
                                 value(engine::ContextValue::Type::String, {"a", "b\n"}, true)));
  engine::Decision decision;
  decision.kind = engine::DecisionKind::ExplicitDeny;
  engine::StatementRef ref;
  ref.policyName = "identity/force_mfa.json";
  ref.statementIndex = 8;
  ref.sid = "DenyAllExceptListedIfNoMFA";
  ref.effect = engine::Effect::Deny;
  decision.matchedStatements.push_back(ref);

  DecisionRecord record;
  record.requestId = "req-1";
  record.endpoint = "authz";
  record.request = &request;
  record.decision = decision.kind;
  record.result = &decision;
  record.policyGeneration = 7;
  std::string line;
  appendDecisionLine(
      record, std::chrono::system_clock::time_point(std::chrono::milliseconds(1796585424123)),
      &line);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find(R"("time":"2026-12-06T19:30:24.123Z")"), std::string::npos) << line;

  auto log = analysis::readDecisionLog(line + "\n", "log");
  ASSERT_TRUE(log.ok()) << log.status().toString() << "\n" << line;
  ASSERT_EQ(log.value().size(), 1u);
  const analysis::LoggedDecision& read = log.value()[0];
  EXPECT_EQ(read.requestId, "req-1");
  EXPECT_EQ(read.endpoint, "authz");
  EXPECT_EQ(read.principal, request.principal);
  EXPECT_EQ(read.resource, request.resource);
  EXPECT_EQ(read.mfaPresent, false);
  EXPECT_EQ(read.mfaAgeSeconds, 42);
  EXPECT_EQ(read.decision, engine::DecisionKind::ExplicitDeny);
  ASSERT_EQ(read.statements.size(), 1u);
  EXPECT_EQ(read.statements[0].sid, "DenyAllExceptListedIfNoMFA");
  EXPECT_EQ(read.statements[0].effect, "Deny");
  EXPECT_EQ(read.policyGeneration, 7u);
  ASSERT_TRUE(read.request.has_value());
  EXPECT_EQ(read.request->principal, request.principal);
  ASSERT_EQ(read.request->contextSize(), request.contextSize());
  for (std::size_t i = 0; i < request.contextSize(); ++i) {
    const engine::ContextValue* back = read.request->findContext(request.contextKey(i));
    ASSERT_NE(back, nullptr) << request.contextKey(i);
    EXPECT_EQ(back->values, request.contextValue(i).values) << request.contextKey(i);
    EXPECT_EQ(back->multivalued, request.contextValue(i).multivalued);
  }
}

TEST(DecisionLogLine, AnonymousAndUndecided) {
  engine::Request request;
  request.anonymous = true;
  request.action = "s3:GetObject";
  DecisionRecord record;
  record.request = &request;
  std::string line;
  appendDecisionLine(record, std::chrono::system_clock::now(), &line);
  auto log = analysis::readDecisionLog(line + "\n", "log");
  ASSERT_TRUE(log.ok()) << log.status().toString();
  EXPECT_FALSE(log.value()[0].principal.has_value());
  EXPECT_TRUE(log.value()[0].request->anonymous);
  EXPECT_FALSE(log.value()[0].mfaPresent.has_value());

  DecisionRecord undecided;
  undecided.error = "no route maps GET /x to an action";
  line.clear();
  appendDecisionLine(undecided, std::chrono::system_clock::now(), &line);
  log = analysis::readDecisionLog(line + "\n", "log");
  ASSERT_TRUE(log.ok()) << log.status().toString();
  EXPECT_EQ(log.value()[0].error, undecided.error);
  EXPECT_EQ(log.value()[0].decision, engine::DecisionKind::ImplicitDeny);
}

TEST(DecisionLogQueue, FullQueueDropsAndCountsWithoutBlocking) {
  DecisionLog log("/nonexistent/never-opened.log", 2);  // no writer thread: nothing drains
  EXPECT_TRUE(log.submit("a"));
  EXPECT_TRUE(log.submit("b"));
  EXPECT_FALSE(log.submit("c"));
  EXPECT_EQ(log.dropped(), 1u);
  EXPECT_NE(log.renderMetrics().find("policysim_decision_log_dropped_total 1\n"),
            std::string::npos);
}

TEST(DecisionLogQueue, WritesLinesAndReopensAfterRotation) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("policysim-log-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "decisions.log").string();
  {
    DecisionLog log(path, 100);
    ASSERT_TRUE(log.open().ok());
    EXPECT_TRUE(log.submit("one"));
    // Rotation: rename, then ask for a reopen; later lines go to a new file at the path.
    for (int i = 0; i < 200 && log.written() < 1; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::filesystem::rename(path, path + ".1");
    log.reopen();
    for (int i = 0; i < 200 && log.reopens() < 1; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(log.submit("two"));
    log.stop();  // flushes
    EXPECT_EQ(log.written(), 2u);
    EXPECT_EQ(log.writeErrors(), 0u);
  }
  EXPECT_EQ(readAll(path + ".1"), "one\n");
  EXPECT_EQ(readAll(path), "two\n");
  std::filesystem::remove_all(dir);
}

TEST(DecisionLogQueue, UnwritablePathIsAnErrorAtOpen) {
  DecisionLog log("/nonexistent-dir/decisions.log", 10);
  EXPECT_FALSE(log.open().ok());
}

}  // namespace
}  // namespace policysim::serve
