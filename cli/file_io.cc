#include "cli/file_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace policysim::cli {

engine::Result<std::string> readFile(const std::string& path) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return engine::Status::notFound(std::string("cannot read file: ") + std::strerror(errno),
                                    engine::SourceLocation{path, 0, 0});
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    return engine::Status::invalidArgument("error while reading file",
                                           engine::SourceLocation{path, 0, 0});
  }
  return text;
}

}  // namespace policysim::cli
