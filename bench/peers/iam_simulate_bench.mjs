// Benchmarks @cloud-copilot/iam-simulate on the shared scenarios (bench/peers/scenarios.mjs).
//
// iam-simulate is AGPL-3.0: it is installed from npm by bench/peers/install.sh and used here
// only as an outside library through its public, documented API (runSimulation and
// runUnsafeSimulation from the package's index). No code of it is copied into this project.
//
// Usage (prints one JSON object):
//   node iam_simulate_bench.mjs force-mfa --api safe|unsafe
//   node iam_simulate_bench.mjs scaling N last|none
//   node iam_simulate_bench.mjs agreement --api safe|unsafe
//   node iam_simulate_bench.mjs shape SHAPE N   (prints one JSON object per request: last, none)
//
// --api safe   = runSimulation: validates the policies, the action (against its IAM data), the
//                resource type and the context keys, then evaluates. The normal entry point.
// --api unsafe = runUnsafeSimulation: evaluation without input validation. The scaling
//                and shape scenarios must use it: their synthetic actions (svc7:Action7...,
//                ec2:Op123) are not real AWS actions, and runSimulation rejects them
//                (invalid.service).
//
// iam-simulate has no separate compile step: each call takes the policy objects and parses
// them again. Setup reported here = module import, policy JSON.parse, and the first (cold)
// call, which loads its IAM data lazily.

import { emit, measure, measureOrSample, msSince, nowNs, parseArgs } from './harness.mjs';
import {
  ACCOUNT,
  FORCE_MFA_POLICY_PATH,
  agreementRequests,
  forceMfaRequests,
  SCALING_REQUESTS,
  scalingPolicyText,
  scalingRequest,
  shapePolicyText,
  shapeRequest,
} from './scenarios.mjs';
import fs from 'node:fs';

const importStart = nowNs();
const sim = await import('@cloud-copilot/iam-simulate');
const importMs = msSince(importStart);

function contextValue(value) {
  if (Array.isArray(value)) return value.map((v) => String(v));
  return String(value); // iam-simulate takes context values as strings
}

function resourceAccount(resource) {
  const parts = resource.split(':');
  return parts.length >= 5 && parts[4] !== '' ? parts[4] : ACCOUNT;
}

function simulation(policy, req) {
  const contextVariables = {};
  for (const [key, value] of Object.entries(req.context)) contextVariables[key] = contextValue(value);
  return {
    identityPolicies: [{ name: 'policy', policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: req.principal,
      action: req.action,
      resource: { resource: req.resource, accountId: resourceAccount(req.resource) },
      contextVariables,
    },
  };
}

const DECISIONS = { Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny' };

function decisionOf(result) {
  if (typeof result === 'string') return DECISIONS[result] ?? result; // runUnsafeSimulation
  if (result.resultType === 'error') return `error: ${result.errors?.message}`;
  return DECISIONS[result.overallResult] ?? String(result.overallResult);
}

function evaluator(api) {
  if (api === 'safe') return { isAsync: true, run: (s) => sim.runSimulation(s, {}) };
  if (api === 'unsafe') return { isAsync: false, run: (s) => sim.runUnsafeSimulation(s, {}) };
  throw new Error(`unknown --api ${api}`);
}

async function setupAndRun(policyText, reqs, api) {
  const parseStart = nowNs();
  const policy = JSON.parse(policyText);
  const policyParseMs = msSince(parseStart);
  const sims = reqs.map((r) => simulation(policy, r));
  const { isAsync, run } = evaluator(api);
  const firstStart = nowNs();
  const firstResult = await run(sims[0]);
  const firstCallMs = msSince(firstStart);
  const decisions = [decisionOf(firstResult)];
  for (const s of sims.slice(1)) decisions.push(decisionOf(await run(s)));
  const timing = await measure((i) => run(sims[i % sims.length]), { isAsync });
  return { setup: { importMs, policyParseMs, firstCallMs }, decisions, timing };
}

const { positional, options } = parseArgs(process.argv.slice(2));
const [scenario] = positional;
const base = { engine: 'iam-simulate', version: JSON.parse(fs.readFileSync(new URL('./node_modules/@cloud-copilot/iam-simulate/package.json', import.meta.url))).version };

if (scenario === 'force-mfa') {
  const api = options.api ?? 'safe';
  const reqs = forceMfaRequests().map((r) => r.request);
  const out = await setupAndRun(fs.readFileSync(FORCE_MFA_POLICY_PATH, 'utf8'), reqs, api);
  emit({ ...base, api, scenario: 'force_mfa', requests: reqs.length, ...out });
} else if (scenario === 'scaling') {
  const n = Number(positional[1]);
  const which = positional[2];
  const api = options.api ?? 'unsafe';
  const genStart = nowNs();
  const text = scalingPolicyText(n);
  const generateMs = msSince(genStart);
  const out = await setupAndRun(text, [scalingRequest(n, which)], api);
  out.setup.generateMs = generateMs;
  emit({ ...base, api, scenario: 'scaling', n, request: which, policyBytes: Buffer.byteLength(text), ...out });
} else if (scenario === 'shape') {
  // One process for both requests of a shape and N: the policy is generated and parsed once.
  // Every call still takes the policy objects and walks them (no compiled form).
  const [, shape, nText] = positional;
  const n = Number(nText);
  const api = options.api ?? 'unsafe';
  const genStart = nowNs();
  const text = shapePolicyText(shape, n);
  const generateMs = msSince(genStart);
  const parseStart = nowNs();
  const policy = JSON.parse(text);
  const policyParseMs = msSince(parseStart);
  const { isAsync, run } = evaluator(api);
  for (const which of SCALING_REQUESTS) {
    const s = simulation(policy, shapeRequest(shape, n, which));
    const firstStart = nowNs();
    const decision = decisionOf(await run(s));
    const firstCallMs = msSince(firstStart);
    const timing = await measureOrSample(() => run(s), firstCallMs, { isAsync });
    emit({
      ...base, api, scenario: 'shape', shape, n, request: which, policyBytes: Buffer.byteLength(text),
      setup: { importMs, generateMs, policyParseMs, firstCallMs }, decisions: [decision], timing,
    });
  }
} else if (scenario === 'agreement') {
  const api = options.api ?? 'safe';
  const policy = JSON.parse(fs.readFileSync(FORCE_MFA_POLICY_PATH, 'utf8'));
  const { run } = evaluator(api);
  const decisions = [];
  for (const r of agreementRequests()) decisions.push({ name: r.name, decision: decisionOf(await run(simulation(policy, r.request))) });
  emit({ ...base, api, scenario: 'agreement', decisions });
} else {
  console.error('usage: node iam_simulate_bench.mjs force-mfa|scaling N last|none|agreement|shape SHAPE N [--api safe|unsafe]');
  process.exit(2);
}
