// Turns the raw results of bench/compare.sh into the Markdown report and the plot data.
// Usage: node report.mjs RAW_DIR OUT_DIR
//   RAW_DIR: env.json, manifest.json, gbench.json (Google Benchmark JSON), policysim.jsonl
//            (batch runs), peers.jsonl (one JSON object per peer process)
//   writes OUT_DIR/latest.md (also printed), OUT_DIR/latest.json (all raw numbers) and
//   OUT_DIR/scaling.dat (the plotted numbers, input of bench/plot.gnuplot)

import fs from 'node:fs';
import path from 'node:path';

const [rawDir, outDir] = process.argv.slice(2);
const readJson = (f) => JSON.parse(fs.readFileSync(path.join(rawDir, f), 'utf8'));
const readJsonl = (f) => {
  const p = path.join(rawDir, f);
  if (!fs.existsSync(p)) return [];
  return fs.readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
};

const env = readJson('env.json');
const manifest = readJson('manifest.json');
const gbench = readJson('gbench.json');
const batch = readJsonl('policysim.jsonl');
const peers = readJsonl('peers.jsonl');
const sizes = Object.keys(manifest.scaling).map(Number).sort((a, b) => a - b);

// --- Google Benchmark: median of the repetitions when there are some, else the one run ---
const UNIT_NS = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };
const gb = {};
for (const b of gbench.benchmarks) {
  const isMedian = b.run_type === 'aggregate' && b.aggregate_name === 'median';
  if (b.run_type === 'aggregate' && !isMedian) continue;
  if (gb[b.run_name] && !isMedian) continue;
  gb[b.run_name] = {
    error: b.error_occurred ? b.error_message || 'error' : undefined,
    ns: b.real_time * UNIT_NS[b.time_unit],
    cpuNs: b.cpu_time * UNIT_NS[b.time_unit],
    bytesPerSec: b.bytes_per_second,
  };
}
const gbUs = (name) => (gb[name] && !gb[name].error ? gb[name].ns / 1e3 : undefined);
const gbCpuUs = (name) => (gb[name] ? gb[name].cpuNs / 1e3 : undefined);

// --- formatting ---
const sig = (x, digits = 3) => Number(x).toLocaleString('en-US', { maximumSignificantDigits: digits });
function fmtTime(us) {
  if (us === undefined || !Number.isFinite(us)) return 'n/a';
  if (us < 1) return `${sig(us * 1e3)} ns`;
  if (us < 1e3) return `${sig(us)} µs`;
  if (us < 1e6) return `${sig(us / 1e3)} ms`;
  return `${sig(us / 1e6)} s`;
}
const fmtRate = (us) => (us === undefined || !Number.isFinite(us) ? 'n/a' : `${sig(1e6 / us)}/s`);
const fmtRatio = (peerUs, oursUs) =>
  peerUs === undefined || oursUs === undefined ? 'n/a' : `${sig(peerUs / oursUs)}×`;
const fmtMs = (ms) => (ms === undefined ? '—' : fmtTime(ms * 1e3));
const fmtBytes = (b) => (b >= 1e6 ? `${sig(b / 1e6)} MB` : b >= 1e3 ? `${sig(b / 1e3)} kB` : `${b} B`);

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

// --- lookups ---
const peer = (engine, scenario, extra = {}) =>
  peers.find(
    (p) => p.engine === engine && p.scenario === scenario && Object.entries(extra).every(([k, v]) => p[k] === v),
  );
const peerUs = (p) => (p && !p.failed ? p.timing.meanUs : undefined);
const peerNote = (p) => {
  if (!p) return 'n/a (not run)';
  if (p.failed === 'timeout') return 'n/a (timeout)';
  if (p.failed === 'skipped') return 'n/a (timed out at a smaller N)';
  if (p.failed === 'not run') return `n/a (not run${env.quick ? ': --quick' : ''})`;
  if (p.failed) return 'n/a (error)';
  return undefined;
};
// "rate (latency)" for a measured peer, with a dagger when the soft budget cut it short.
const peerCell = (p) => {
  const note = peerNote(p);
  if (note) return note;
  const dagger = p.timing.truncated
    ? ` † ${p.timing.iterations} timed`
    : p.timing.sampled ? ` ‡ ${p.timing.iterations} sampled` : '';
  return `${fmtRate(p.timing.meanUs)} (${fmtTime(p.timing.meanUs)})${dagger}`;
};
const batchOf = (scenario, extra = {}) =>
  batch.find((b) => b.scenario === scenario && Object.entries(extra).every(([k, v]) => b[k] === v));
const batchUs = (b) => (b ? (b.seconds * 1e6) / b.lines : undefined);
const batchCpuUs = (b) => (b && b.cpuSeconds !== undefined ? (b.cpuSeconds * 1e6) / b.lines : undefined);

const out = [];
const say = (s = '') => out.push(s);

say('# policysim side by side with peers');
say();
say(
  `Run ${env.date} on ${env.cpu} (${env.cores} cores), load average ${env.loadStart} at start, ` +
    `${env.loadEnd} at end; Node.js ${env.node}; policysim ${env.commit} (${env.binary}); ` +
    (env.niceness ? `run at niceness ${env.niceness}; ` : '') +
    `iam-simulate ${peer('iam-simulate', 'force_mfa')?.version ?? '?'}, ` +
    `cedar-wasm ${peer('cedar-wasm', 'force_mfa')?.version ?? '?'}. ` +
    `Produced by \`bench/compare.sh\`; what is measured and the caveats: \`bench/README.md\`.`,
);
if (env.binaryOlderThanHead) {
  say();
  say('**The policysim binaries are older than the newest commit changing their sources** (run with `--no-build` on a stale build): the policysim numbers may not reflect the current engine.');
}
// Only the load before the run tells of other work: by its end the run's own processes
// (Node.js with its compiler and GC threads) account for up to two cores.
if (Number(env.loadStart.split(' ')[0]) > 1) {
  say();
  say(`**The machine was busy during this run** (1-minute load average above 1 at the start, on ${env.cores} cores): other processes competed for the CPU, so every engine's numbers are noisier and slower than on an idle machine.`);
}
say();
say(
  'Latency is the mean wall-clock time per decision. policysim in-process = Google Benchmark ' +
    '(median of 3 repetitions), requests prepared beforehand; policysim batch = one ' +
    `\`policysim check --requests FILE --format jsonl\` process over ${env.batchLines.toLocaleString('en-US')} ` +
    'request lines, total time / lines (process start, policy parse+compile, request JSON parsing and ' +
    'output included, nothing subtracted). Peers: Node.js, after a warm-up, in one process per ' +
    `scenario capped at ${env.peerTimeoutS} s. "×" = how many times faster policysim is (peer latency ÷ policysim latency).`,
);

// --- force_mfa ---
const fmBatch = batchOf('force_mfa');
const fmOurs = gbUs('BM_Evaluate_ForceMfa');
const fmBatchUs = batchUs(fmBatch);
const fmRows = [];
fmRows.push([
  'policysim, in-process evaluate (GB `BM_Evaluate_ForceMfa`)',
  `parse+compile ${fmtTime(gbUs('BM_Compile_ForceMfa'))}`,
  fmtRate(fmOurs), fmtTime(fmOurs), fmtTime(gbCpuUs('BM_Evaluate_ForceMfa')), '—', '—',
]);
const fmPrepared = gbUs('BM_Evaluate_ForceMfaPrepared');
if (fmPrepared !== undefined) {
  fmRows.push([
    'policysim, in-process evaluate of a `PreparedRequest` (GB `BM_Evaluate_ForceMfaPrepared`)',
    '(same); request prepared beforehand', fmtRate(fmPrepared), fmtTime(fmPrepared),
    fmtTime(gbCpuUs('BM_Evaluate_ForceMfaPrepared')), '—', '—',
  ]);
}
const fmJson = gbUs('BM_Evaluate_ForceMfaWithJson');
fmRows.push([
  'policysim, in-process request JSON parse + evaluate (GB `BM_Evaluate_ForceMfaWithJson`)',
  '(same)', fmtRate(fmJson), fmtTime(fmJson), fmtTime(gbCpuUs('BM_Evaluate_ForceMfaWithJson')), '—', '—',
]);
fmRows.push([
  `policysim, batch end to end (${env.batchLines.toLocaleString('en-US')} lines, ${sig(fmBatch.bytes / fmBatch.lines)} B/line)`,
  `CLI with 0 requests ${fmtMs(fmBatch.setupSeconds * 1e3)}`,
  fmtRate(fmBatchUs), fmtTime(fmBatchUs), fmtTime(batchCpuUs(fmBatch)), '—', '—',
]);
const peerRows = [
  ['iam-simulate `runSimulation` (validates, then evaluates)', peer('iam-simulate', 'force_mfa', { api: 'safe' })],
  ['iam-simulate `runUnsafeSimulation` (no validation)', peer('iam-simulate', 'force_mfa', { api: 'unsafe' })],
  ['cedar-wasm `statefulIsAuthorized` (policy set preparsed)', peer('cedar-wasm', 'force_mfa', { api: 'stateful' })],
  ['cedar-wasm `isAuthorized` (policy text parsed every call)', peer('cedar-wasm', 'force_mfa', { api: 'stateless' })],
];
for (const [label, p] of peerRows) {
  const note = peerNote(p);
  if (note) {
    fmRows.push([label, '—', note, note, 'n/a', 'n/a', 'n/a']);
    continue;
  }
  const s = p.setup;
  const setup = [
    s.preparseMs !== undefined ? `preparse ${fmtMs(s.preparseMs)}` : 'no compile step',
    `import ${fmtMs(s.importMs)}`,
    `first call ${fmtMs(s.firstCallMs)}`,
  ].join('; ');
  const us = peerUs(p);
  fmRows.push([label + (p.timing.truncated ? ' †' : ''), setup, fmtRate(us), fmtTime(us), fmtTime(p.timing.cpuUs), fmtRatio(us, fmOurs), fmtRatio(us, fmBatchUs)]);
}
say();
say('## force_mfa.json: 12 requests (MFA true / false / absent × iam:CreateAccessKey and iam:EnableMFADevice on the own user, s3:ListAllMyBuckets, ec2:DescribeInstances), cycled');
say();
say(table(['engine', 'setup (separate from evaluation)', 'decisions/s', 'mean latency', 'CPU time per decision', 'policysim in-process ×', 'policysim batch ×'], fmRows));
say();
say('The × columns compare with `BM_Evaluate_ForceMfa` (from a `Request`: action lower-casing, ARN splits and caller identification included) and with batch mode; a `PreparedRequest` has that per-request work done once beforehand.');
say();
say('CPU time per decision: the process\'s CPU time (all threads, user + system) over the timed calls. Close to the latency on an idle machine; well below it when other processes took the CPU away; above it when an engine keeps a second core busy (Node.js background compilation and GC threads).');

// --- scaling ---
const scalingRows = [];
const setupRows = [];
const dat = [];
for (const n of sizes) {
  const gbCompile = gbUs(`BM_Compile_Scaling/${n}`);
  const iamP = peer('iam-simulate', 'scaling', { n, request: 'last' });
  const cedarP = peer('cedar-wasm', 'scaling', { n, request: 'last' });
  const b = batchOf('scaling', { n, request: 'last' });
  setupRows.push([
    n.toLocaleString('en-US'),
    fmtBytes(manifest.scaling[n].policyBytes),
    gbCompile === undefined
      ? '— (GB starts at 100)'
      : `${fmtTime(gbCompile)} (${sig(gb[`BM_Compile_Scaling/${n}`].bytesPerSec / 1e6)} MB/s)`,
    b ? fmtMs(b.setupSeconds * 1e3) : 'n/a',
    peerNote(iamP) ?? `${fmtMs(iamP.setup.firstCallMs)} (import ${fmtMs(iamP.setup.importMs)})`,
    peerNote(cedarP) ?? `${fmtMs(cedarP.setup.preparseMs)} (${fmtBytes(cedarP.policyBytes)} of Cedar)`,
  ]);
  const datRow = [n];
  for (const which of ['last', 'none']) {
    const ours = gbUs(`BM_Evaluate_Scaling${which === 'last' ? 'Last' : 'None'}/${n}`);
    const bb = batchOf('scaling', { n, request: which });
    const bUs = batchUs(bb);
    const ip = peer('iam-simulate', 'scaling', { n, request: which });
    const cp = peer('cedar-wasm', 'scaling', { n, request: which });
    scalingRows.push([
      n.toLocaleString('en-US'),
      which === 'last' ? 'matches last statement' : 'matches none',
      ours === undefined ? 'n/a' : `${fmtRate(ours)} (${fmtTime(ours)})`,
      bUs === undefined ? 'n/a' : `${fmtRate(bUs)} (${fmtTime(bUs)})`,
      peerCell(ip),
      peerCell(cp),
      fmtRatio(peerUs(ip), ours),
      fmtRatio(peerUs(cp), ours),
    ]);
    for (const us of [ours, bUs, peerUs(ip), peerUs(cp)]) datRow.push(us === undefined ? '?' : us.toPrecision(6));
  }
  dat.push(datRow.join(' '));
}
say();
say('## Scaling: one policy of N statements with distinct actions (every tenth a prefix wildcard), one StringEquals condition each');
say();
say('Decisions/s (mean latency). iam-simulate runs `runUnsafeSimulation` here: its validating `runSimulation` rejects the synthetic `svcK:ActionI` actions (`invalid.service`). cedar-wasm runs `statefulIsAuthorized` on N preparsed permit policies.');
say();
say(table(
  ['N', 'request', 'policysim in-process', 'policysim batch end to end', 'iam-simulate', 'cedar-wasm', 'policysim in-process × iam-simulate', 'policysim in-process × cedar-wasm'],
  scalingRows,
));
say();
say('Setup (parse/compile), separate from the evaluations above:');
say();
say(table(
  ['N', 'IAM policy JSON', 'policysim parse+compile (in-process, GB)', 'policysim CLI with 0 requests (best of 3)', 'iam-simulate first call, cold (no compile step)', 'cedar-wasm preparsePolicySet'],
  setupRows,
));
const truncated = peers.some((p) => !p.failed && p.timing?.truncated);
if (truncated) {
  say();
  say(`† the peer's soft budget (${env.peerBudgetS} s from process start, setup included) ended its measurement before ${process.env.MIN_ITERS ?? 3} timed calls / ${process.env.BENCH_SECONDS ?? 3} s: few samples, treat as indicative.`);
}

// --- shapes of issue 17 ---
// A shape peer process decides both requests; when it failed as a whole (timeout, error,
// skipped, not run) its record has no request.
const shapePeer = (engine, shape, n, which) =>
  peers.find((p) => p.engine === engine && p.scenario === 'shape' && p.shape === shape && p.n === n && p.request === which) ??
  peers.find((p) => p.engine === engine && p.scenario === 'shape' && p.shape === shape && p.n === n && p.request === undefined);
const shapeBatch = (shape, n, which) => batchOf('shape', { shape, n, request: which });
// Per line with the CLI's load (process start, parse, compile: the 0-request run) taken off,
// as issue 17's table measured it.
// Undefined when the run took no longer than the load (too few lines to tell).
const shapeBatchUs = (b) => (b && b.seconds > b.setupSeconds ? ((b.seconds - b.setupSeconds) * 1e6) / b.lines : undefined);
// The decisions took less time than the load they are told apart from: noisy.
const shapeBatchNoisy = (b) => b && b.seconds - b.setupSeconds < b.setupSeconds;
const shapeBatchCell = (b) => {
  if (!b) return 'n/a';
  const us = shapeBatchUs(b);
  if (us === undefined) return 'n/a (run no longer than the load)';
  return `${fmtRate(us)} (${fmtTime(us)})${shapeBatchNoisy(b) ? ' §' : ''}`;
};
const shapeNames = Object.keys(manifest.shapes ?? {});
const benchName = (shape) => shape[0].toUpperCase() + shape.slice(1);
const gbShape = (shape, which, n) => `BM_Shape_${benchName(shape)}_${which === 'last' ? 'Last' : 'None'}/${n}`;
const SHAPE_TITLES = {
  literal: 'distinct literal actions (`ec2:Op<i>`)',
  prefix: 'prefix-wildcard actions (`ec2:Op<i>*`, like `s3:Get*`)',
  resources: 'one action over many resources (a tenant per bucket prefix, `arn:aws:s3:::tenant-<i>/*`)',
  tags: 'one action and resource over many tag values (ABAC: `StringEquals aws:PrincipalTag/team = team<i>`)',
  mixed: 'every 7th action a prefix wildcard (`ec2:Op<i>` / `ec2:Op<i>*`), each statement with its own instance ARN and a tag condition',
};
const shapeDat = [];
if (shapeNames.length) {
  say();
  say('## Shapes of policy set (issue 17): N statements of one shape, a request the last statement allows and one no statement covers');
  say();
  say(
    'Decisions/s (mean latency). policysim in-process = Google Benchmark `BM_Shape_<Shape>_{Last,None}/N` ' +
      '(requests parsed beforehand); policysim batch = `policysim check --requests` over ' +
      `${env.batchLines.toLocaleString('en-US')} copies of the request, per line with the CLI's load (the 0-request run) subtracted, as issue 17 measured. ` +
      'iam-simulate runs `runUnsafeSimulation` (the synthetic `ec2:Op<i>` actions are not in its IAM data); cedar-wasm runs ' +
      '`statefulIsAuthorized` on the N translated policies (translation: `bench/README.md`). ' +
      'The growth line compares N = 100,000 with N = 10 (issue 17 asks at most 3× for policysim).' +
      (env.quick ? ' This was a `--quick` run: the peers ran at N = ' + (env.peerShapeSizes ?? []).map((n) => n.toLocaleString('en-US')).join(', ') + ' only.' : '') +
      ' § the batch spent less time deciding than loading (process start, parse, compile: up to a second at N = 100,000), so the load-subtracted figure is noisy; it is left off the plot.' +
      (env.batchLines < 1e6 ? ` With ${env.batchLines.toLocaleString('en-US')} lines that is the case at large N: read those from a full run.` : ''),
  );
  const setupRows = [];
  for (const shape of shapeNames) {
    const ns = Object.keys(manifest.shapes[shape]).map(Number).sort((a, b) => a - b);
    const rows = [];
    const block = [`# shape ${shape}`];
    for (const n of ns) {
      const datRow = [n];
      for (const which of ['last', 'none']) {
        const ours = gbUs(gbShape(shape, which, n));
        const oursError = gb[gbShape(shape, which, n)]?.error;
        const bRun = shapeBatch(shape, n, which);
        const bUs = shapeBatchUs(bRun);
        const ip = shapePeer('iam-simulate', shape, n, which);
        const cp = shapePeer('cedar-wasm', shape, n, which);
        rows.push([
          n.toLocaleString('en-US'),
          which === 'last' ? 'matches last statement' : 'matches none',
          ours === undefined ? (oursError ? `n/a (GB: ${oursError})` : 'n/a') : `${fmtRate(ours)} (${fmtTime(ours)})`,
          shapeBatchCell(bRun),
          peerCell(ip),
          peerCell(cp),
          fmtRatio(peerUs(ip), ours),
          fmtRatio(peerUs(cp), ours),
        ]);
        for (const us of [ours, shapeBatchNoisy(bRun) ? undefined : bUs, peerUs(ip), peerUs(cp)]) datRow.push(us === undefined ? '?' : us.toPrecision(6));
      }
      block.push(datRow.join(' '));
      const b = shapeBatch(shape, n, 'last');
      const ip = shapePeer('iam-simulate', shape, n, 'last');
      const cp = shapePeer('cedar-wasm', shape, n, 'last');
      setupRows.push([
        shape,
        n.toLocaleString('en-US'),
        fmtBytes(manifest.shapes[shape][n].policyBytes),
        b ? fmtMs(b.setupSeconds * 1e3) : 'n/a',
        peerNote(ip) ?? `parse ${fmtMs(ip.setup.policyParseMs)}; first call ${fmtMs(ip.setup.firstCallMs)}`,
        peerNote(cp) ?? `${fmtMs(cp.setup.preparseMs)} (${fmtBytes(cp.policyBytes)} of Cedar)`,
      ]);
    }
    shapeDat.push(block.join('\n'));
    say();
    say(`### ${shape}: ${SHAPE_TITLES[shape] ?? shape}`);
    say();
    say(table(
      ['N', 'request', 'policysim in-process', 'policysim batch (per line, load subtracted)', 'iam-simulate', 'cedar-wasm', 'policysim in-process × iam-simulate', 'policysim in-process × cedar-wasm'],
      rows,
    ));
    const lo = ns[0];
    const hi = ns[ns.length - 1];
    const growth = (which) => {
      const a = gbUs(gbShape(shape, which, lo));
      const z = gbUs(gbShape(shape, which, hi));
      return a === undefined || z === undefined ? 'n/a' : `${sig(z / a)}×`;
    };
    say();
    say(`Growth N = ${lo.toLocaleString('en-US')} → ${hi.toLocaleString('en-US')}, policysim in-process: ${growth('last')} (matches last), ${growth('none')} (matches none).`);
  }
  say();
  say('Setup of the shapes (policy JSON and what each engine does before deciding):');
  say();
  say(table(
    ['shape', 'N', 'IAM policy JSON', 'policysim CLI with 0 requests (best of 3)', 'iam-simulate JSON.parse; first call, cold (no compile step)', 'cedar-wasm preparsePolicySet'],
    setupRows,
  ));
  if (peers.some((p) => p.scenario === 'shape' && !p.failed && p.timing?.sampled)) {
    say();
    say('‡ sampled: the cold first call took over a second, so only the few calls shown were timed after it (no warm-up beyond the first call): one decision of this engine at this N costs seconds.');
  }
}

// --- agreement ---
const names = manifest.agreement;
const ours = batch.find((b) => b.scenario === 'agreement')?.decisions ?? [];
const columns = [
  ['policysim', (i) => ours[i]],
  ['iam-simulate runSimulation', (i) => peer('iam-simulate', 'agreement', { api: 'safe' })?.decisions?.[i]?.decision],
  ['iam-simulate runUnsafeSimulation', (i) => peer('iam-simulate', 'agreement', { api: 'unsafe' })?.decisions?.[i]?.decision],
  ['cedar-wasm', (i) => peer('cedar-wasm', 'agreement')?.decisions?.[i]?.decision],
];
const agreeRows = [];
let disagreements = 0;
for (let i = 0; i < names.length; ++i) {
  const values = columns.map(([, f]) => f(i) ?? 'n/a');
  const agree = values.every((v) => v === values[0]);
  if (!agree) ++disagreements;
  agreeRows.push([String(i + 1), names[i] + (i < manifest.forceMfa.length ? '' : ' (extra)'), ...values, agree ? 'yes' : '**NO**']);
}
// Scaling decisions: every engine's decision for each N and request.
const scalingDisagreements = [];
for (const n of sizes) {
  for (const which of ['last', 'none']) {
    const expected = which === 'last' ? 'allowed' : 'implicitDeny';
    const got = {
      policysim: batchOf('scaling', { n, request: which })?.decisions?.[0],
      'iam-simulate': peer('iam-simulate', 'scaling', { n, request: which })?.decisions?.[0],
      'cedar-wasm': peer('cedar-wasm', 'scaling', { n, request: which })?.decisions?.[0],
    };
    for (const [engine, d] of Object.entries(got)) {
      if (d !== undefined && d !== expected) scalingDisagreements.push(`N=${n} ${which}: ${engine} says ${d}, expected ${expected}`);
    }
  }
}
// Shape decisions: each engine against the intended decision (the last statement allows;
// nothing covers the other request), per shape, N and request.
const shapeAgreeRows = [];
const shapeDisagreements = [];
for (const shape of shapeNames) {
  for (const n of Object.keys(manifest.shapes[shape]).map(Number).sort((a, b) => a - b)) {
    for (const which of ['last', 'none']) {
      const expected = which === 'last' ? 'allowed' : 'implicitDeny';
      const gbRun = gb[gbShape(shape, which, n)];
      const got = [
        ['policysim batch', shapeBatch(shape, n, which)?.decisions?.[0]],
        // BM_Shape_* checks the decision before timing and stops with an error when it differs.
        ['policysim GB', gbRun ? (gbRun.error ? `error: ${gbRun.error}` : expected) : undefined],
        ['iam-simulate', shapePeer('iam-simulate', shape, n, which)?.decisions?.[0]],
        ['cedar-wasm', shapePeer('cedar-wasm', shape, n, which)?.decisions?.[0]],
      ];
      const ran = got.filter(([, d]) => d !== undefined);
      const agree = ran.every(([, d]) => d === expected);
      for (const [engine, d] of ran) {
        if (d !== expected) shapeDisagreements.push(`${shape} N=${n} ${which}: ${engine} says ${d}, expected ${expected}`);
      }
      shapeAgreeRows.push([shape, n.toLocaleString('en-US'), which, expected, ...got.map(([, d]) => d ?? 'n/a'), agree ? 'yes' : '**NO**']);
    }
  }
}
const fmPeerDecisions = peers.filter((p) => p.scenario === 'force_mfa' && !p.failed);
const fmTimedMismatch = fmPeerDecisions.filter((p) => JSON.stringify(p.decisions) !== JSON.stringify(fmBatch.decisions));
say();
say('## Decisions: do the engines agree?');
say();
say(
  `force_mfa: ${names.length - disagreements} of ${names.length} requests decided identically by all engines ` +
    `(the 12 benchmark requests plus ${names.length - manifest.forceMfa.length} extra correctness-only requests)` +
    (disagreements ? `; **${disagreements} disagreement(s)**, marked below.` : '.') +
    ` The timed force_mfa runs ${fmTimedMismatch.length ? `**disagree** (${fmTimedMismatch.map((p) => `${p.engine} ${p.api}`).join(', ')})` : 'returned the same 12 decisions as policysim'}.` +
    ` Scaling: ${scalingDisagreements.length ? `**${scalingDisagreements.join('; ')}**` : 'every engine allowed the request matching the last statement and implicitly denied the one matching none, at every N it ran'}.` +
    ' cedar-wasm has no explicit/implicit distinction of its own: a deny with a satisfied forbid policy is counted as explicitDeny, a deny without one as implicitDeny.',
);
say();
say(table(['#', 'request', ...columns.map(([c]) => c), 'agree'], agreeRows));
if (shapeAgreeRows.length) {
  say();
  say(
    'Shapes: ' +
      (shapeDisagreements.length
        ? `**${shapeDisagreements.length} disagreement(s)**: ${shapeDisagreements.join('; ')}.`
        : 'every engine that ran decided every shape request as intended (allowed when the last statement matches, implicitDeny when none does).') +
      ' "n/a" = not run at that N.',
  );
  say();
  say(table(['shape', 'N', 'request', 'intended', 'policysim batch', 'policysim GB', 'iam-simulate', 'cedar-wasm', 'agree'], shapeAgreeRows));
}
say();

const md = out.join('\n');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'latest.md'), md);
fs.writeFileSync(
  path.join(outDir, 'latest.json'),
  JSON.stringify({ env, manifest: { scaling: manifest.scaling, shapes: manifest.shapes }, googleBenchmark: gb, policysimBatch: batch, peers }, null, 1) + '\n',
);
fs.writeFileSync(
  path.join(outDir, 'scaling.dat'),
  '# Mean time per decision in microseconds, ? = n/a. Columns: N, then for the request matching the\n' +
    '# last statement policysim_inprocess policysim_batch iam_simulate cedar_wasm, then the same four\n' +
    '# for the request matching none. Block 0 (gnuplot index 0): the scaling scenario (batch end to\n' +
    '# end); blocks 1.. the shapes in this order (batch per line, load subtracted): ' + shapeNames.join(' ') + '\n' +
    '# shape scaling\n' + dat.join('\n') + '\n' +
    shapeDat.map((b) => '\n\n' + b + '\n').join(''),
);
process.stdout.write(md + '\n');
