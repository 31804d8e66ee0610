// Batch decisions: see batch.h.
#include "analysis/batch.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "engine/decision_format.h"
#include "engine/file_reader.h"
#include "engine/request_json.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace policysim::analysis {

engine::Status makeAnonymous(const std::string& source, engine::Request* request) {
  if (!request->principal.empty()) {
    return engine::Status::invalidArgument(
        "--anonymous: the request names the principal " + request->principal,
        engine::SourceLocation{source, 1, 1});
  }
  request->anonymous = true;
  return engine::Status();
}

engine::Status setManagementAccount(const std::string& account, const std::string& source,
                                    engine::Request* request) {
  if (account.empty()) {
    return engine::Status();
  }
  if (!request->managementAccount.empty() && request->managementAccount != account) {
    return engine::Status::invalidArgument(
        "--management-account: the request names the "
        "management account " +
            request->managementAccount,
        engine::SourceLocation{source, 1, 1});
  }
  request->managementAccount = account;
  return engine::Status();
}

namespace {

// Input is cut into chunks of about this many bytes (whole lines): big enough that handing a
// chunk to a thread and writing its output cost nothing next to deciding ~4,000 lines.
constexpr std::size_t kChunkBytes = std::size_t{1} << 20U;

// What one chunk of lines produced.
struct ChunkOutput {
  std::string out;     // decision and error lines
  std::string errors;  // messages for the error stream, one per line
  bool anyDenied = false;
  bool anyError = false;
  bool stopped = false;  // a malformed line without keepGoing: out ends before it

  void clear() {
    out.clear();
    errors.clear();
    anyDenied = anyError = stopped = false;
  }
};

// One thread's parser and scratch; the policy set is shared.
class LineDecider {
 public:
  LineDecider(const engine::PolicySet& set, const BatchOptions& options)
      : set_(set), options_(options) {}

  // Decides the lines of text ('\n'-separated; the last may lack its newline), numbered from
  // firstLine. readableAfter: bytes after text that may be read (lets the parser skip a copy).
  void decideLines(std::string_view text, std::size_t firstLine, std::size_t readableAfter,
                   ChunkOutput* output) {
    std::size_t pos = 0;
    std::size_t lineNumber = firstLine;
    while (pos < text.size()) {
      const void* newline = std::memchr(text.data() + pos, '\n', text.size() - pos);
      const std::size_t end =
          newline == nullptr ? text.size() : static_cast<const char*>(newline) - text.data();
      const std::string_view line = text.substr(pos, end - pos);
      if (!decideLine(line, lineNumber, line.size() > engine::kMaxRequestBytes,
                      text.size() - end + readableAfter, output)) {
        return;
      }
      pos = end + 1;
      ++lineNumber;
    }
  }

  // One line; tooLong: it was over the limit (and line holds none of it). False: stop here.
  bool decideLine(std::string_view line, std::size_t lineNumber, bool tooLong,
                  std::size_t readableAfter, ChunkOutput* output) {
    if (!tooLong && line.find_first_not_of(" \t\r") == std::string_view::npos) {
      return true;
    }
    engine::Status status =
        tooLong ? engine::Status::resourceExhausted(
                      fmt::format("line is over the limit of {} bytes", engine::kMaxRequestBytes),
                      engine::SourceLocation{options_.requests, 1, 1})
                : parser_.parse(line, options_.requests, &request_, readableAfter);
    if (status.ok() && options_.anonymous) {
      status = makeAnonymous(options_.requests, &request_);
    }
    if (status.ok() && !options_.managementAccount.empty()) {
      status = setManagementAccount(options_.managementAccount, options_.requests, &request_);
    }
    if (!status.ok()) {
      const engine::SourceLocation location{options_.requests, lineNumber,
                                            status.location().column};
      output->errors += engine::Status(status.code(), status.message(), location).toString();
      output->errors.push_back('\n');
      output->anyError = true;
      if (!options_.keepGoing) {
        output->stopped = true;
        return false;
      }
      engine::appendErrorJsonLine(lineNumber, status.message(), &output->out);
    } else {
      set_.evaluate(request_, false, &decision_);
      output->anyDenied = output->anyDenied || decision_.kind != engine::DecisionKind::Allowed;
      engine::appendDecisionJsonLine(lineNumber, decision_, &output->out, &statements_);
    }
    output->out.push_back('\n');
    return true;
  }

 private:
  const engine::PolicySet& set_;
  const BatchOptions& options_;
  engine::RequestParser parser_;
  engine::Request request_;  // reused from line to line, as is the decision
  engine::Decision decision_;
  engine::StatementJsonCache statements_;
};

std::size_t countNewlines(const char* data, std::size_t size) {
  std::size_t count = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // Per byte lane: subtract the compare's -1s, and sum the lanes before any can overflow.
  const __m128i newline = _mm_set1_epi8('\n');
  while (i + 16 <= size) {
    __m128i lanes = _mm_setzero_si128();
    for (int round = 0; round < 255 && i + 16 <= size; ++round, i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(v, newline));
    }
    const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
    count += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  for (; i < size; ++i) {
    count += data[i] == '\n' ? 1 : 0;
  }
  return count;
}

// Writes a chunk's output and messages; false once the run must stop.
struct Totals {
  bool anyDenied = false;
  bool anyError = false;
};
bool writeChunk(const ChunkOutput& chunk, std::FILE* out, std::ostream& err, Totals* totals) {
  std::fwrite(chunk.out.data(), 1, chunk.out.size(), out);
  if (!chunk.errors.empty()) {
    std::fflush(out);
    err << chunk.errors << std::flush;
  }
  totals->anyDenied = totals->anyDenied || chunk.anyDenied;
  totals->anyError = totals->anyError || chunk.anyError;
  return !chunk.stopped;
}

// The output written in full: a full disk or a closed pipe is an error of the run, not "all
// allowed" with nothing written.
bool flushed(std::FILE* out, std::ostream& err) {
  if (std::fflush(out) == 0 && std::ferror(out) == 0) {
    return true;
  }
  err << "cannot write the decisions: " << std::strerror(errno) << "\n";
  return false;
}

BatchResult resultOf(const Totals& totals) {
  if (totals.anyError) {
    return BatchResult::InputError;
  }
  return totals.anyDenied ? BatchResult::SomeDenied : BatchResult::AllAllowed;
}

// The end of the chunk starting at start: about kChunkBytes on, just past a newline.
std::size_t chunkEnd(std::string_view text, std::size_t start) {
  if (text.size() - start <= kChunkBytes) {
    return text.size();
  }
  const void* newline =
      std::memchr(text.data() + start + kChunkBytes, '\n', text.size() - start - kChunkBytes);
  return newline == nullptr
             ? text.size()
             : static_cast<std::size_t>(static_cast<const char*>(newline) - text.data()) + 1;
}

// A mapped file: chunks decided by worker threads (or by this one), written in order.
BatchResult decideMapped(const engine::PolicySet& set, const BatchOptions& options,
                         std::string_view text, unsigned threads, std::FILE* out,
                         std::ostream& err) {
  Totals totals;
  if (threads <= 1) {
    LineDecider decider(set, options);
    ChunkOutput chunk;
    std::size_t line = 1;
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t end = chunkEnd(text, start);
      chunk.clear();
      decider.decideLines(text.substr(start, end - start), line, text.size() - end, &chunk);
      if (!writeChunk(chunk, out, err, &totals)) {
        return BatchResult::InputError;
      }
      line += countNewlines(text.data() + start, end - start);
      start = end;
    }
    return flushed(out, err) ? resultOf(totals) : BatchResult::InputError;
  }

  // A ring of chunks: the producer (this thread) fills slot seq % ring for seq < produced,
  // workers take them in order (taken), this thread writes them in order (written).
  struct Slot {
    std::size_t start = 0;
    std::size_t end = 0;
    std::size_t firstLine = 0;
    bool done = false;
    ChunkOutput output;
  };
  const std::size_t ring = 4 * std::size_t{threads};
  std::vector<Slot> slots(ring);
  std::mutex mutex;
  std::condition_variable work;      // a chunk to take, or stop
  std::condition_variable finished;  // a chunk is done
  std::size_t produced = 0;
  std::size_t taken = 0;
  bool stop = false;
  bool inputDone = false;

  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) {
    try {
      workers.emplace_back([&] {
        LineDecider decider(set, options);
        std::unique_lock lock(mutex);
        while (true) {
          work.wait(lock, [&] { return stop || taken < produced || inputDone; });
          if (stop || (taken == produced && inputDone)) {
            return;
          }
          Slot& slot = slots[taken++ % ring];
          lock.unlock();
          slot.output.clear();
          try {
            decider.decideLines(text.substr(slot.start, slot.end - slot.start), slot.firstLine,
                                text.size() - slot.end, &slot.output);
          } catch (const std::exception& e) {  // out of memory: this chunk stops the run, said
            slot.output.clear();
            slot.output.errors = options.requests + ":" + std::to_string(slot.firstLine) +
                                 ": cannot decide this part of the file: " + e.what() + "\n";
            slot.output.anyError = true;
            slot.output.stopped = true;
          }
          lock.lock();
          slot.done = true;
          finished.notify_one();
        }
      });
    } catch (const std::system_error&) {  // no thread to be had (a process limit): fewer
      break;
    }
  }
  if (workers.empty()) {  // not even one: decide on this thread
    return decideMapped(set, options, text, 1, out, err);
  }

  bool stopped = false;
  std::size_t nextStart = 0;
  std::size_t nextLine = 1;
  for (std::size_t written = 0;; ++written) {
    {
      std::unique_lock lock(mutex);
      // Keep the ring full: count the lines of each chunk as it is handed out.
      while (produced < written + ring && nextStart < text.size()) {
        Slot& slot = slots[produced % ring];
        slot.start = nextStart;
        slot.end = chunkEnd(text, nextStart);
        slot.firstLine = nextLine;
        slot.done = false;
        lock.unlock();
        nextLine += countNewlines(text.data() + slot.start, slot.end - slot.start);
        lock.lock();
        nextStart = slot.end;
        ++produced;
        work.notify_one();
      }
      if (nextStart >= text.size() && !inputDone) {
        inputDone = true;
        work.notify_all();
      }
      if (written == produced) {
        break;
      }
      Slot& slot = slots[written % ring];
      finished.wait(lock, [&] { return slot.done; });
    }
    if (!writeChunk(slots[written % ring].output, out, err, &totals)) {
      stopped = true;
      break;
    }
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  work.notify_all();
  for (std::thread& worker : workers) {
    worker.join();
  }
  if (!flushed(out, err)) {
    return BatchResult::InputError;
  }
  return stopped ? BatchResult::InputError : resultOf(totals);
}

// Standard input, a pipe, anything not mapped: read in blocks, decided on this thread; a line
// over the limit is skipped to its newline without being held.
BatchResult decideStream(const engine::PolicySet& set, const BatchOptions& options, int fd,
                         std::FILE* out, std::ostream& err) {
  Totals totals;
  LineDecider decider(set, options);
  ChunkOutput chunk;
  constexpr std::size_t kReadBytes = std::size_t{1} << 20U;
  constexpr std::size_t kFlushBytes = std::size_t{1} << 20U;
  std::string buffer;  // unfinished line, then what was read
  std::size_t line = 1;
  bool skipping = false;  // inside a line over the limit
  std::size_t skippedLine = 0;
  while (true) {
    const std::size_t kept = buffer.size();
    buffer.resize(kept + kReadBytes);
    ssize_t got = 0;
    do {
      got = ::read(fd, buffer.data() + kept, kReadBytes);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      err << options.requests << ": error: cannot read file: " << std::strerror(errno) << "\n";
      return BatchResult::InputError;
    }
    buffer.resize(kept + static_cast<std::size_t>(got));
    const bool end = got == 0;
    std::string_view text = buffer;
    std::size_t consumed = 0;
    if (skipping) {
      const std::size_t newline = text.find('\n');
      if (newline == std::string_view::npos && !end) {
        buffer.clear();
        continue;
      }
      skipping = false;
      consumed = newline == std::string_view::npos ? text.size() : newline + 1;
      if (!decider.decideLine({}, skippedLine, true, 0, &chunk)) {
        writeChunk(chunk, out, err, &totals);
        std::fflush(out);
        return BatchResult::InputError;
      }
      line = skippedLine + 1;
    }
    // Complete lines (all of them at the end of input), decided in one go.
    const std::size_t lastNewline = text.rfind('\n');
    std::size_t complete =
        end ? text.size()
            : (lastNewline == std::string_view::npos || lastNewline < consumed ? consumed
                                                                               : lastNewline + 1);
    if (complete > consumed) {
      const std::string_view lines = text.substr(consumed, complete - consumed);
      decider.decideLines(lines, line, text.size() - complete, &chunk);
      if (chunk.stopped) {
        writeChunk(chunk, out, err, &totals);
        std::fflush(out);
        return BatchResult::InputError;
      }
      line += countNewlines(lines.data(), lines.size());
    }
    if (!end && text.size() - complete > engine::kMaxRequestBytes) {
      skipping = true;  // the unfinished line is over the limit: drop it and what follows
      skippedLine = line;
      complete = text.size();
    }
    buffer.erase(0, complete);
    // Written when large, and whenever the input ran dry (a reader waiting on a pipe sees the
    // answers to what it sent).
    if (chunk.out.size() >= kFlushBytes || !chunk.errors.empty() ||
        static_cast<std::size_t>(got) < kReadBytes || end) {
      writeChunk(chunk, out, err, &totals);
      if (!flushed(out, err)) {
        return BatchResult::InputError;
      }
      chunk.clear();
    }
    if (end) {
      break;
    }
  }
  return resultOf(totals);
}

}  // namespace

BatchResult runBatch(const engine::PolicySet& set, const BatchOptions& options, std::FILE* out,
                     std::ostream& err) {
  int fd = STDIN_FILENO;
  if (options.requests != "-") {
    fd = ::open(options.requests.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      err << options.requests << ": error: cannot read file: " << std::strerror(errno) << "\n";
      return BatchResult::InputError;
    }
  }
  struct stat info {};
  BatchResult result = BatchResult::AllAllowed;
  bool done = false;
  if (options.requests != "-" && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
      info.st_size > 0) {
    const engine::MappedFile file(fd, static_cast<std::size_t>(info.st_size), options.requests);
    if (file.ok()) {
      unsigned threads = options.threads != 0 ? options.threads
                                              : std::max(1U, std::thread::hardware_concurrency());
      if (file.text().size() < options.parallelMinBytes) {
        threads = 1;
      }
      result = decideMapped(set, options, file.text(), threads, out, err);
      done = true;
    }
  }
  if (!done) {
    result = decideStream(set, options, fd, out, err);
  }
  if (fd != STDIN_FILENO) {
    ::close(fd);
  }
  return result;
}

}  // namespace policysim::analysis
