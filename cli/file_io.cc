#include "cli/file_io.h"

namespace policysim::cli {

LineRead readBoundedLine(std::istream& in, std::size_t maxBytes, std::string* line) {
  line->clear();
  bool tooLong = false;
  bool readSomething = false;
  char chunk[1 << 14];
  while (true) {
    // istream::getline stops at '\n' (taken, not stored), at end of input, or when the chunk
    // is full (failbit without eofbit): then the line continues in the next chunk.
    in.getline(chunk, sizeof chunk);
    const auto got = static_cast<std::size_t>(in.gcount());
    bool complete = true;
    std::size_t stored = got;
    if (!in.fail() && !in.eof()) {
      stored = got - 1;  // the newline was taken
    } else if (in.eof()) {
      if (got == 0 && !readSomething) {
        return LineRead::End;
      }
    } else if (got == sizeof chunk - 1) {
      complete = false;
      in.clear();
    } else {
      return readSomething ? (tooLong ? LineRead::TooLong : LineRead::Line) : LineRead::End;
    }
    readSomething = true;
    if (!tooLong) {
      if (stored > maxBytes - line->size()) {
        tooLong = true;
        std::string().swap(*line);  // give the memory back: the rest is skipped
      } else {
        line->append(chunk, stored);
      }
    }
    if (complete) {
      return tooLong ? LineRead::TooLong : LineRead::Line;
    }
  }
}

}  // namespace policysim::cli
