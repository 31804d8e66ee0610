// Timing helpers shared by the peer benchmark scripts.
//
// measure() runs a warm-up (at least WARMUP_MS and at least one call, so the JIT and any lazy
// loading are done), then timed calls until both BENCH_SECONDS have passed and MIN_ITERS calls
// were made. Fast calls are timed in chunks (one clock read per chunk) so the clock does not
// dominate. A soft budget (PEER_BUDGET_S, counted from process start) ends warm-up and
// measurement early for very slow calls, as long as at least one call was timed; the caller
// (bench/compare.sh) also kills the process after its hard cap and reports "n/a (timeout)".

export const BENCH_SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
export const WARMUP_MS = Number(process.env.WARMUP_MS ?? 2000);
export const MIN_ITERS = Number(process.env.MIN_ITERS ?? 3);
export const PEER_BUDGET_S = Number(process.env.PEER_BUDGET_S ?? 50);

const processStart = process.hrtime.bigint() - BigInt(Math.round(process.uptime() * 1e9));

export function nowNs() {
  return process.hrtime.bigint();
}

export function msSince(startNs) {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

function overBudget() {
  return Number(process.hrtime.bigint() - processStart) / 1e9 > PEER_BUDGET_S;
}

// fn(i) evaluates request i (callers cycle through their requests); it may return a promise
// when isAsync is set. Returns {iterations, seconds, evalsPerSec, meanUs, warmupIterations,
// truncated, cpuUs}: truncated means the soft budget cut the run short; cpuUs is the process's
// CPU time (every thread, user + system) per call, which stays near meanUs on an idle machine
// and falls below it when other processes take the CPU away.
export async function measure(fn, { isAsync = false } = {}) {
  let i = 0;
  const call = isAsync ? async () => { await fn(i++); } : () => { fn(i++); };
  // Warm-up.
  const warmStart = nowNs();
  let warmupIterations = 0;
  while (warmupIterations < 1 || (msSince(warmStart) < WARMUP_MS && !overBudget())) {
    if (isAsync) await call(); else call();
    ++warmupIterations;
  }
  const warmPerCallMs = msSince(warmStart) / warmupIterations;
  // Chunk size so that one chunk takes ~10 ms.
  const chunk = Math.max(1, Math.min(100000, Math.floor(10 / Math.max(warmPerCallMs, 1e-6))));
  let iterations = 0;
  let truncated = false;
  const cpuStart = process.cpuUsage();
  const start = nowNs();
  for (;;) {
    if (isAsync) {
      for (let k = 0; k < chunk; ++k) await call();
    } else {
      for (let k = 0; k < chunk; ++k) call();
    }
    iterations += chunk;
    const elapsedS = msSince(start) / 1000;
    if (elapsedS >= BENCH_SECONDS && iterations >= MIN_ITERS) break;
    if (overBudget()) {
      truncated = iterations < MIN_ITERS || elapsedS < BENCH_SECONDS;
      break;
    }
  }
  const seconds = msSince(start) / 1000;
  const cpu = process.cpuUsage(cpuStart); // all threads of the process: user + system, in µs
  return {
    cpuUs: (cpu.user + cpu.system) / iterations,
    iterations,
    seconds,
    evalsPerSec: iterations / seconds,
    meanUs: (seconds * 1e6) / iterations,
    warmupIterations,
    truncated,
  };
}

// Slow calls (the peers at N = 100,000 take seconds per decision) are sampled instead of
// measured: when the cold first call took more than SAMPLE_OVER_MS, SAMPLE_CALLS further calls
// are timed one by one with no warm-up beyond that first call, and the result says sampled.
export const SAMPLE_OVER_MS = Number(process.env.SAMPLE_OVER_MS ?? 1000);
export const SAMPLE_CALLS = Number(process.env.SAMPLE_CALLS ?? 2);

export async function measureOrSample(fn, firstCallMs, { isAsync = false } = {}) {
  if (firstCallMs <= SAMPLE_OVER_MS) return { ...(await measure(fn, { isAsync })), sampled: false };
  const cpuStart = process.cpuUsage();
  const start = nowNs();
  for (let i = 0; i < SAMPLE_CALLS; ++i) {
    if (isAsync) await fn(i); else fn(i);
  }
  const seconds = msSince(start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return {
    cpuUs: (cpu.user + cpu.system) / SAMPLE_CALLS,
    iterations: SAMPLE_CALLS,
    seconds,
    evalsPerSec: SAMPLE_CALLS / seconds,
    meanUs: (seconds * 1e6) / SAMPLE_CALLS,
    warmupIterations: 1,
    truncated: false,
    sampled: true,
  };
}

export function parseArgs(argv) {
  const positional = [];
  const options = {};
  for (let k = 0; k < argv.length; ++k) {
    if (argv[k].startsWith('--')) {
      options[argv[k].slice(2)] = argv[k + 1];
      ++k;
    } else {
      positional.push(argv[k]);
    }
  }
  return { positional, options };
}

export function emit(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}
