// engine::MappedFile and the SIGBUS handler for a mapped file that shrinks while it is read
// (batch mode maps request files): an input error with the file's name, not a crash.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/file_reader.h"

namespace policysim::engine {
namespace {

// A temporary file of `bytes` bytes of 'x', removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(std::size_t bytes) {
    char name[] = "/tmp/policysim-mapped-XXXXXX";
    fd_ = ::mkstemp(name);
    path_ = name;
    const std::string text(bytes, 'x');
    EXPECT_EQ(::write(fd_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  ~TempFile() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

constexpr std::size_t kBytes = 3 * 4096;

TEST(MappedFile, MapsTheTextAndListsItsRangeWhileItLives) {
  const TempFile file(kBytes);
  const char* inside = nullptr;
  {
    const MappedFile mapped(file.fd(), kBytes, file.path());
    ASSERT_TRUE(mapped.ok());
    EXPECT_EQ(mapped.text(), std::string(kBytes, 'x'));
    inside = mapped.text().data() + kBytes - 1;
    ASSERT_NE(mappedFileAt(mapped.text().data()), nullptr);
    EXPECT_EQ(std::string(mappedFileAt(inside)), file.path());
    EXPECT_EQ(mappedFileAt(mapped.text().data() + kBytes), nullptr);
  }
  EXPECT_EQ(mappedFileAt(inside), nullptr);                  // unlisted once unmapped
  EXPECT_FALSE(MappedFile(file.fd(), 0, file.path()).ok());  // nothing to map: read it instead
}

#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_ASAN() GTEST_SKIP() << "AddressSanitizer handles SIGBUS itself"
#else
#define SKIP_UNDER_ASAN() (void)0
#endif

// Reads the last byte of a mapping of `file` after the file was truncated: SIGBUS.
int readPastShrunkEnd(const char* mapped, const TempFile& file) {
  EXPECT_EQ(::ftruncate(file.fd(), 0), 0);
  return static_cast<unsigned char>(*static_cast<const volatile char*>(mapped + kBytes - 1));
}

TEST(MappedFileDeathTest, ShrunkFileIsAnInputErrorNamingIt) {
  SKIP_UNDER_ASAN();
  const TempFile file(kBytes);
  EXPECT_EXIT(
      {
        exitOnShrunkMappedFile(2);
        const MappedFile mapped(file.fd(), kBytes, file.path());
        std::exit(readPastShrunkEnd(mapped.text().data(), file));
      },
      testing::ExitedWithCode(2), file.path() + ": error: the file shrank while it was being read");
}

// A SIGBUS outside every MappedFile still ends the process with SIGBUS.
TEST(MappedFileDeathTest, OtherBusErrorsStillCrash) {
  SKIP_UNDER_ASAN();
  const TempFile file(kBytes);
  EXPECT_EXIT(
      {
        exitOnShrunkMappedFile(2);
        void* plain = ::mmap(nullptr, kBytes, PROT_READ, MAP_PRIVATE, file.fd(), 0);
        std::exit(readPastShrunkEnd(static_cast<const char*>(plain), file));
      },
      testing::KilledBySignal(SIGBUS), "");
}

}  // namespace
}  // namespace policysim::engine
