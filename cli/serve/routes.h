// RouteTable: maps the method and path of a request seen by a gateway to the IAM action and
// resource ARN to authorize, for the subrequest endpoint. Loaded once from a routes file:
//
//   # METHOD  PATH-TEMPLATE                    ACTION               RESOURCE-TEMPLATE
//   POST      /iam/users/{user}/access-keys    iam:CreateAccessKey
//   arn:aws:iam::111122223333:user/{user} GET       /s3/{bucket}/{key+}              s3:GetObject
//   arn:aws:s3:::{bucket}/{key}
//   *         /                                s3:ListAllMyBuckets  *
//
// One route per line, four fields separated by blanks; '#' starts a comment. METHOD is an HTTP
// method or '*'. In the path template, {name} matches one non-empty segment and {name+} (last
// only) one or more segments; other segments match literally (case-sensitive). The resource
// template may use every name the path captured. The first route that matches wins. Captured
// text is used verbatim (percent-encoding is not decoded). The query string is ignored.
//
// Paths that a gateway could route differently from what policysim sees are refused (no match,
// so the request is denied): empty segments ("//", a trailing '/'), "." and ".." segments,
// percent-encoded '/', '\', '.' or NUL, backslashes and control characters.
// Thread-safety: immutable after load; match() is const and safe from many threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace policysim::serve {

struct RouteMatch {
  std::string action;
  std::string resource;
};

class RouteTable {
 public:
  // Parses a routes file's text. `name` labels errors (FILE:LINE:COL).
  [[nodiscard]] static engine::Result<RouteTable> parse(std::string_view text,
                                                        const std::string& name);
  // Reads and parses a routes file.
  [[nodiscard]] static engine::Result<RouteTable> load(const std::string& path);

  // Maps `method` and `target` (a path, optionally with "?query") to an action and resource.
  // Returns false when no route matches or the path is refused (see above).
  bool match(std::string_view method, std::string_view target, RouteMatch* out) const;

  [[nodiscard]] std::size_t size() const { return routes_.size(); }

 private:
  struct Segment {
    enum class Kind { Literal, Capture, CaptureRest };
    Kind kind = Kind::Literal;
    std::string text;  // literal text or capture name
  };
  struct Part {  // of a resource template: literal text, or a capture (index into captures)
    bool capture = false;
    std::string text;
    std::size_t index = 0;
  };
  struct Route {
    std::string method;  // "*" or upper-case method
    std::vector<Segment> segments;
    std::string action;
    std::vector<Part> resource;
    std::size_t captureCount = 0;
  };
  std::vector<Route> routes_;
};

// OK when `path` (no query) is one policysim can map safely (see the header comment), else
// InvalidArgument saying why it is refused ("it has a '..' segment").
[[nodiscard]] engine::Status checkPath(std::string_view path);
// checkPath(path).ok().
[[nodiscard]] bool isSafePath(std::string_view path);

}  // namespace policysim::serve
