// Test-only, compiled into sanitizer builds alone (CMake option POLICYSIM_SANITIZE), never into
// a release binary. With POLICYSIM_INJECT_FAULT=use-after-free in the environment the process
// reads freed memory while it starts, so the test suite can prove that a memory error fails the
// sanitizer stage (exit status 99) instead of reading as a deny (exit status 1).
#include <cstdlib>
#include <string_view>

namespace {

int injectFault() {
  const char* fault = std::getenv("POLICYSIM_INJECT_FAULT");
  if (fault == nullptr || std::string_view(fault) != "use-after-free") {
    return 0;
  }
  int* volatile freed = new int(1);  // volatile: the compiler may not see through the read
  delete freed;
  return *freed;
}

[[maybe_unused]] const volatile int injected = injectFault();

}  // namespace
