// Batch decisions (`policysim check --requests FILE --format jsonl`): one request per line in,
// one decision line per request out ({"line":N,"decision":...}), in input order. A malformed
// line stops the run with FILE:LINE:COL on the error stream, unless keepGoing: then it becomes
// an error line ({"line":N,"error":...}) and the run goes on. Blank lines are skipped (but
// counted); a line over engine::kMaxRequestBytes is an error.
//
// A large regular file is mapped and cut into chunks of lines that worker threads (one per
// core) parse and decide against the one shared PolicySet, each with its own parser and
// scratch; the chunks' output is written in input order with large writes. Standard input (and
// anything that is not a regular file) streams through one thread in constant memory, its
// output written whenever the input runs dry.
#pragma once

#include <cstddef>
#include <cstdio>
#include <ostream>
#include <string>

#include "engine/policy_set.h"
#include "engine/request.h"
#include "engine/status.h"

namespace policysim::analysis {

struct BatchOptions {
  std::string requests;  // file name, or "-" for standard input; labels error messages
  bool keepGoing = false;
  bool anonymous = false;         // --anonymous: every request is unsigned
  std::string managementAccount;  // --management-account: set on every request
  // Worker threads for a large file: 0 = one per core. 1 = no worker threads.
  unsigned threads = 0;
  // Below this many bytes a file is decided on the calling thread (threads cost more than
  // they save on a few thousand lines).
  std::size_t parallelMinBytes = std::size_t{4} << 20U;
};

enum class BatchResult {
  AllAllowed,  // every request allowed
  SomeDenied,  // at least one request denied, no input errors
  InputError,  // the file could not be read, or a line was malformed (message on err)
};

// --anonymous on one request: it must name no principal; it becomes unsigned (semantics §4.8).
[[nodiscard]] engine::Status makeAnonymous(const std::string& source, engine::Request* request);
// --management-account on one request (empty account: nothing to do); a request that names
// another management account contradicts it.
[[nodiscard]] engine::Status setManagementAccount(const std::string& account,
                                                  const std::string& source,
                                                  engine::Request* request);

// Decides every request of options.requests against set, writing decision lines to out and
// error messages to err.
[[nodiscard]] BatchResult runBatch(const engine::PolicySet& set, const BatchOptions& options,
                                   std::FILE* out, std::ostream& err);

}  // namespace policysim::analysis
