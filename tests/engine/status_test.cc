// engine/status.h: errors as values.
#include "engine/status.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using policysim::engine::Result;
using policysim::engine::Status;
using policysim::engine::StatusCode;

TEST(Status, DefaultIsOk) {
  const Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::Ok);
}

TEST(Status, PredicatesNameTheirCodeOnly) {
  const Status invalid = Status::invalidArgument("bad");
  const Status missing = Status::notFound("gone");
  const Status over = Status::resourceExhausted("big");
  const Status bug = Status::internal("oops");
  EXPECT_TRUE(invalid.isInvalidArgument());
  EXPECT_FALSE(invalid.isNotFound());
  EXPECT_TRUE(missing.isNotFound());
  EXPECT_FALSE(missing.isInternal());
  EXPECT_TRUE(over.isResourceExhausted());
  EXPECT_FALSE(over.isInvalidArgument());
  EXPECT_TRUE(bug.isInternal());
  EXPECT_EQ(bug.code(), StatusCode::Internal);
  EXPECT_EQ(bug.message(), "oops");
  for (const Status* status : {&invalid, &missing, &over, &bug}) {
    EXPECT_FALSE(status->ok());
  }
}

TEST(Result, HoldsAValueWithAnOkStatus) {
  // (A Result<int> here meets a GCC 12 -Wmaybe-uninitialized false positive in std::variant.)
  const Result<std::string> result(std::string("policy"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), "policy");
  EXPECT_TRUE(result.status().ok());
}

TEST(Result, HoldsAnError) {
  const Result<std::string> result(Status::notFound("no such file"));
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.status().isNotFound());
  EXPECT_EQ(result.status().message(), "no such file");
}

TEST(Result, RefusesAnOkStatus) {
  const Result<std::string> result{Status()};
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.status().isInternal());
}

}  // namespace
