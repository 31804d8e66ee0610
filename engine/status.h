// Status and Result<T>: errors as values. A Status carries a canonical code, a message and,
// for input errors, where in which file the problem is. Result<T> holds a value or an error.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace policysim::engine {

enum class StatusCode {
  Ok,
  InvalidArgument,    // input that breaks the grammar or the IAM rules
  NotFound,           // a file or key that is not there
  ResourceExhausted,  // input over a documented limit (size, depth, count)
  Internal,           // a bug: should never be seen
};

// Where an input problem is: file name (may be empty), 1-based line and column (0 = unknown).
struct SourceLocation {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;
};

// A line and column in a text whose file is known from elsewhere (e.g. a parsed policy's
// elements: their document names the file once instead of every value copying it).
struct TextPosition {
  std::size_t line = 0;
  std::size_t column = 0;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, SourceLocation location = {})
      : code_(code), message_(std::move(message)), location_(std::move(location)) {}

  static Status invalidArgument(std::string message, SourceLocation location = {}) {
    return {StatusCode::InvalidArgument, std::move(message), std::move(location)};
  }
  static Status notFound(std::string message, SourceLocation location = {}) {
    return {StatusCode::NotFound, std::move(message), std::move(location)};
  }
  static Status resourceExhausted(std::string message, SourceLocation location = {}) {
    return {StatusCode::ResourceExhausted, std::move(message), std::move(location)};
  }
  // A broken invariant of policysim itself, never a problem of the input.
  static Status internal(std::string message) { return {StatusCode::Internal, std::move(message)}; }

  [[nodiscard]] bool ok() const { return code_ == StatusCode::Ok; }
  [[nodiscard]] bool isInvalidArgument() const { return code_ == StatusCode::InvalidArgument; }
  [[nodiscard]] bool isNotFound() const { return code_ == StatusCode::NotFound; }
  [[nodiscard]] bool isResourceExhausted() const { return code_ == StatusCode::ResourceExhausted; }
  [[nodiscard]] bool isInternal() const { return code_ == StatusCode::Internal; }
  [[nodiscard]] StatusCode code() const { return code_; }
  [[nodiscard]] const std::string& message() const { return message_; }
  [[nodiscard]] const SourceLocation& location() const { return location_; }

  // "FILE:LINE:COL: error: message" (the compiler convention editors and CI annotate from);
  // parts that are unknown are left out.
  [[nodiscard]] std::string toString() const;

 private:
  StatusCode code_ = StatusCode::Ok;
  std::string message_;
  SourceLocation location_;
};

// A value or the error that kept it from being made. Built from an OK Status (a bug: there is
// no value to hold) it holds an Internal error instead, so that no caller mistakes it for
// success.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status)                          // NOLINT(google-explicit-constructor)
      : state_(status.ok() ? Status::internal("a Result was made from an OK status, no value")
                           : std::move(status)) {}

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(state_); }
  // REQUIRES: ok().
  [[nodiscard]] T& value() & { return std::get<T>(state_); }
  [[nodiscard]] const T& value() const& { return std::get<T>(state_); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(state_)); }
  // The error, or an OK Status when there is a value.
  [[nodiscard]] const Status& status() const {
    static const Status kOk;
    const Status* error = std::get_if<Status>(&state_);
    return error != nullptr ? *error : kOk;
  }

 private:
  std::variant<T, Status> state_;
};

}  // namespace policysim::engine
