// The fast path of RequestParser (request_json.h): policysim's own request shape read with
// simdjson's On-Demand API straight into a Request. It only accepts what it can read exactly as
// parseRequests does: it gives up (returns false) on anything unusual (escapes, non-ASCII
// bytes, control characters, numbers beyond plain decimals, other fields, duplicates, errors),
// and the caller then runs the full parser for the exact result or error message.
#pragma once

#include <memory>
#include <string_view>

#include "engine/request.h"

namespace policysim::engine::internal {

class SimdRequestReader {
 public:
  SimdRequestReader();
  ~SimdRequestReader();
  SimdRequestReader(const SimdRequestReader&) = delete;
  SimdRequestReader& operator=(const SimdRequestReader&) = delete;

  // Reads text into *out (cleared first) and returns true, or returns false when the full
  // parser must decide; *out is then unspecified. Reuses its buffers: no allocation per
  // request once they have grown to the largest request seen. readableAfter: bytes after the
  // text that may be read; with simdjson's padding (64) there, the text is read in place.
  [[nodiscard]] bool read(std::string_view text, std::size_t readableAfter, Request* out);

 private:
  struct State;  // simdjson's parser and the padded copy of the text
  std::unique_ptr<State> state_;
};

// True when text has no backslash, no byte >= 0x80 and no control character other than tab,
// newline and carriage return: the input on which simdjson and RapidJSON cannot differ in how
// they decode or validate strings.
[[nodiscard]] bool isPlainJsonText(std::string_view text);

// True for a JSON number the fast path takes as written: -?(0|[1-9][0-9]{0,17})(.[0-9]{1,32})?
// (RapidJSON refuses some longer numbers and exponents as too big; those go to the full parser).
[[nodiscard]] bool isPlainJsonNumber(std::string_view text);

}  // namespace policysim::engine::internal
