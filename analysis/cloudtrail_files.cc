#include "analysis/cloudtrail_files.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

namespace policysim::analysis {
namespace {

namespace fs = std::filesystem;

bool isLogFileName(std::string_view name) {
  if (name.ends_with(".gz")) {
    name.remove_suffix(3);
  }
  return name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".ndjson");
}

struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file != nullptr && file != stdin) {
      std::fclose(file);
    }
  }
};

// Inflates gzip members one after another; input arrives in chunks.
class Inflater {
 public:
  Inflater() { stream_.zalloc = nullptr; }
  ~Inflater() {
    if (started_) {
      inflateEnd(&stream_);
    }
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates `in`, handing out the output; false + error when the data is not valid gzip or
  // consume stopped.
  bool inflateChunk(std::string_view in, const std::function<bool(std::string_view)>& consume,
                    std::string* error) {
    if (!started_) {
      if (inflateInit2(&stream_, 15 + 16) != Z_OK) {  // 16: gzip wrapper only
        *error = "cannot start gzip decompression";
        return false;
      }
      started_ = true;
    }
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream_.avail_in = static_cast<uInt>(in.size());
    while (stream_.avail_in > 0) {
      if (memberDone_) {
        // Another gzip member follows (`cat a.gz b.gz`); trailing zero padding is tolerated.
        if (*stream_.next_in == 0) {
          ++stream_.next_in;
          --stream_.avail_in;
          continue;
        }
        inflateReset(&stream_);
        memberDone_ = false;
      }
      stream_.next_out = reinterpret_cast<Bytef*>(out_.get());
      stream_.avail_out = static_cast<uInt>(kCloudTrailChunkBytes);
      const int result = inflate(&stream_, Z_NO_FLUSH);
      const std::size_t produced = kCloudTrailChunkBytes - stream_.avail_out;
      if (produced > 0 && !consume({out_.get(), produced})) {
        *error = "";
        return false;
      }
      if (result == Z_STREAM_END) {
        memberDone_ = true;
      } else if (result != Z_OK && result != Z_BUF_ERROR) {
        *error = std::string("gzip data is corrupt: ") +
                 (stream_.msg != nullptr ? stream_.msg : "inflate failed");
        return false;
      }
    }
    return true;
  }
  [[nodiscard]] bool complete() const { return memberDone_; }

 private:
  z_stream stream_{};
  bool started_ = false;
  bool memberDone_ = false;
  std::unique_ptr<char[]> out_ = std::make_unique<char[]>(kCloudTrailChunkBytes);
};

}  // namespace

Result<std::vector<std::string>> listCloudTrailFiles(std::span<const std::string> paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path == "-" || !fs::is_directory(path, ec)) {
      if (path != "-" && !fs::exists(path, ec)) {
        return Status::notFound("cannot read file: no such file or directory", {path});
      }
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::follow_directory_symlink, ec);
    if (ec) {
      return Status::notFound("cannot read directory: " + ec.message(), {path});
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        return Status::notFound("cannot read directory: " + ec.message(), {path});
      }
      const fs::directory_entry& entry = *it;
      const std::string name = entry.path().filename().string();
      if (entry.is_directory(ec)) {
        if (name == "CloudTrail-Digest") {
          it.disable_recursion_pending();
        }
        continue;
      }
      if (entry.is_regular_file(ec) && isLogFileName(name)) {
        found.push_back(entry.path().string());
      }
    }
    if (found.empty()) {
      return Status::notFound(
          "no CloudTrail log files (*.json, *.jsonl, *.ndjson, each optionally .gz) in this "
          "directory",
          {path});
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

Status readCloudTrailChunks(const std::string& path,
                            const std::function<bool(std::string_view)>& consume) {
  std::unique_ptr<std::FILE, FileCloser> file(path == "-" ? stdin : std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return Status::notFound(std::string("cannot read file: ") + std::strerror(errno), {path});
  }
  auto buffer = std::make_unique<char[]>(kCloudTrailChunkBytes);
  Inflater inflater;
  bool first = true;
  bool gzip = false;
  std::string error;
  while (true) {
    const std::size_t got = std::fread(buffer.get(), 1, kCloudTrailChunkBytes, file.get());
    if (got == 0) {
      if (std::ferror(file.get()) != 0) {
        return Status::invalidArgument(std::string("read error: ") + std::strerror(errno), {path});
      }
      break;
    }
    const std::string_view chunk(buffer.get(), got);
    if (first) {
      gzip = chunk.size() >= 2 && static_cast<unsigned char>(chunk[0]) == 0x1f &&
             static_cast<unsigned char>(chunk[1]) == 0x8b;
      first = false;
    }
    if (!gzip) {
      if (!consume(chunk)) {
        return {};
      }
    } else if (!inflater.inflateChunk(chunk, consume, &error)) {
      if (error.empty()) {
        return {};
      }
      return Status::invalidArgument(error, {path});
    }
  }
  if (gzip && !inflater.complete()) {
    return Status::invalidArgument("gzip data ends early: the file is cut short", {path});
  }
  return {};
}

}  // namespace policysim::analysis
