// PolicyStore (cli/serve/policy_store.h): generations, rejected reloads keep the old set, the
// directory fingerprint, and snapshots that follow the generation.
#include "cli/serve/policy_store.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/policysim.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kAllow = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
constexpr const char* kDeny = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]})";

class PolicyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/policysim-store-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    // Publish atomically, as docs/serve.md recommends: a hidden file renamed into place.
    const fs::path tmp = fs::path(dir_) / ("." + name + ".tmp");
    std::ofstream(tmp) << text;
    fs::rename(tmp, fs::path(dir_) / name);
  }
  policysim::engine::DecisionKind decide(const policysim::PolicySet& set) {
    // A signed caller: identity policies never allow an anonymous one (semantics §4.8).
    auto request = policysim::RequestBuilder()
                       .principal("arn:aws:iam::111122223333:user/alice")
                       .action("s3:GetObject")
                       .resource("arn:aws:s3:::b/k")
                       .build();
    return set.evaluate(request.value()).kind;
  }
  std::string dir_;
};

TEST_F(PolicyStoreTest, LoadsThenSwapsGenerations) {
  write("p.json", kAllow);
  policysim::serve::PolicyStore store(dir_);
  EXPECT_EQ(store.generation(), 0U);
  EXPECT_EQ(store.current(), nullptr);
  ASSERT_TRUE(store.reload().status.ok());
  EXPECT_EQ(store.generation(), 1U);
  EXPECT_EQ(decide(*store.current()), policysim::engine::DecisionKind::Allowed);

  policysim::serve::PolicySnapshot snapshot(store);
  const auto first = snapshot.get();
  write("p.json", kDeny);
  const auto result = store.reload();
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(result.generation, 2U);
  EXPECT_EQ(decide(*snapshot.get()), policysim::engine::DecisionKind::ExplicitDeny);
  // The old set lives on for whoever still holds it.
  EXPECT_EQ(decide(*first), policysim::engine::DecisionKind::Allowed);
  EXPECT_EQ(store.reloads(), 2U);
}

TEST_F(PolicyStoreTest, RejectedReloadKeepsTheOldSet) {
  write("p.json", kAllow);
  policysim::serve::PolicyStore store(dir_);
  ASSERT_TRUE(store.reload().status.ok());
  write("p.json", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]})");
  const auto result = store.reload();
  EXPECT_FALSE(result.status.ok());
  EXPECT_EQ(result.generation, 1U);
  EXPECT_EQ(store.reloadFailures(), 1U);
  EXPECT_EQ(decide(*store.current()), policysim::engine::DecisionKind::Allowed);
  // The rejected state is remembered: nothing to retry until the files change.
  EXPECT_EQ(store.fingerprint(), store.lastAttemptFingerprint());
}

TEST_F(PolicyStoreTest, FingerprintFollowsChanges) {
  write("p.json", kAllow);
  policysim::serve::PolicyStore store(dir_);
  const std::string before = store.fingerprint();
  EXPECT_EQ(before, store.fingerprint());
  write("q.json", kAllow);
  const std::string added = store.fingerprint();
  EXPECT_NE(before, added);
  write("q.json", kDeny);  // same size, new inode and mtime
  EXPECT_NE(added, store.fingerprint());
}

TEST_F(PolicyStoreTest, ConcurrentReadersDuringReloads) {
  write("p.json", kAllow);
  policysim::serve::PolicyStore store(dir_);
  ASSERT_TRUE(store.reload().status.ok());
  std::atomic<bool> stop{false};
  std::atomic<long> bad{0};
  std::array<std::atomic<long>, 2> reads{};  // per reader: a reader that never read proves nothing
  std::vector<std::thread> readers;
  for (std::size_t t = 0; t < reads.size(); ++t) {
    readers.emplace_back([&, t] {
      policysim::serve::PolicySnapshot snapshot(store);
      while (!stop.load()) {
        const auto& set = snapshot.get();
        if (set == nullptr || decide(*set) == policysim::engine::DecisionKind::ImplicitDeny) {
          bad.fetch_add(1);
        }
        reads[t].fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    write("p.json", i % 2 == 0 ? kDeny : kAllow);
    ASSERT_TRUE(store.reload().status.ok());
  }
  // Let every reader read at least once more after the last reload (bounded wait).
  const long seen0 = reads[0].load();
  const long seen1 = reads[1].load();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((reads[0].load() == seen0 || reads[1].load() == seen1) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  stop = true;
  for (auto& t : readers) {
    t.join();
  }
  EXPECT_GT(reads[0].load(), seen0);
  EXPECT_GT(reads[1].load(), seen1);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(store.generation(), 51U);
}

}  // namespace
