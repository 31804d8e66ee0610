// policysim_bench's main: Google Benchmark's, after fixing glibc's heap thresholds.
//
// A compile benchmark frees everything it built at the end of each iteration. With glibc's
// default (dynamic) thresholds, whether that memory stays in the heap or goes back to the
// kernel depends on the sizes of earlier frees, so the same work measured 8.6 ms in one run
// and 31 ms in the next (BM_Compile_Scaling/10000): the difference is page faults on memory
// given back and taken again. Fixed thresholds keep freed memory in the heap, as a long-lived
// process that recompiles (serve's reload) does, so runs measure parsing and compiling. The
// cold cost of a fresh process, page faults included, is measured by bench/compare.sh
// ("CLI with 0 requests") and reported next to these numbers.
#include <benchmark/benchmark.h>
#include <malloc.h>

int main(int argc, char** argv) {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // blocks up to 32 MiB come from the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);   // and freed heap is kept for reuse
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
