// Benchmarks @cedar-policy/cedar-wasm (Apache-2.0) on the shared scenarios
// (bench/peers/scenarios.mjs), with Cedar policy sets equivalent to the IAM ones.
//
// Usage (prints one JSON object):
//   node cedar_bench.mjs force-mfa --api stateful|stateless
//   node cedar_bench.mjs scaling N last|none
//   node cedar_bench.mjs agreement
//
// --api stateful  = preparsePolicySet once (setup, timed separately), then statefulIsAuthorized
//                   per request: the compiled path, comparable to policysim's PolicySet.
// --api stateless = isAuthorized with the policy text in every call (Cedar parses it each time).
//
// force_mfa uses policies/force_mfa.cedar. The scaling set is N permit policies, one per IAM
// statement of scenarios.mjs scalingPolicy(N):
//   permit (principal, action == Action::"svc7:Action7", resource)
//   when { context has "aws:PrincipalTag/team" && context["aws:PrincipalTag/team"] == "team0" };
// An IAM prefix wildcard (svc0:Act10*) becomes `action in Action::"svc0:Act10*"`, i.e. an action
// group; a request action inside the wildcard would list that group as a parent in the entity
// data. The benchmark's requests never fall inside a wildcard, so the entity data is empty.

import { emit, measure, msSince, nowNs, parseArgs } from './harness.mjs';
import {
  FORCE_MFA_CEDAR_PATH,
  agreementRequests,
  forceMfaRequests,
  scalingActionOf,
  scalingRequest,
  scalingTeamOf,
} from './scenarios.mjs';
import fs from 'node:fs';

const importStart = nowNs();
const cedar = await import('@cedar-policy/cedar-wasm/nodejs');
const importMs = msSince(importStart);

const TEAM_KEY = 'aws:PrincipalTag/team';

function scalingCedarText(n) {
  const parts = new Array(n);
  for (let i = 0; i < n; ++i) {
    const action = scalingActionOf(i);
    const scope = action.endsWith('*') ? `action in Action::"${action}"` : `action == Action::"${action}"`;
    parts[i] =
      `permit (principal, ${scope}, resource) when { context has "${TEAM_KEY}" && ` +
      `context["${TEAM_KEY}"] == "${scalingTeamOf(i)}" };\n`;
  }
  return parts.join('');
}

function resourceEntity(arn) {
  if (/^arn:aws:iam::[^:]*:user\//.test(arn)) return { type: 'User', id: arn };
  if (/^arn:aws:iam::[^:]*:mfa\//.test(arn)) return { type: 'MfaDevice', id: arn };
  return { type: 'Resource', id: arn };
}

function cedarRequest(req) {
  return {
    principal: { type: 'User', id: req.principal },
    action: { type: 'Action', id: req.action },
    resource: resourceEntity(req.resource),
    context: req.context, // typed JSON values: Bool, Long, String
    entities: [],
  };
}

function decisionOf(answer) {
  if (answer.type !== 'success') return `error: ${answer.errors.map((e) => e.message).join('; ')}`;
  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length) return `error: ${diagnostics.errors.map((e) => e.error.message).join('; ')}`;
  if (decision === 'allow') return 'allowed';
  // A deny's reasons are the satisfied forbid policies; none means no permit applied.
  return diagnostics.reason.length ? 'explicitDeny' : 'implicitDeny';
}

function prepare(policyText, api) {
  if (api === 'stateful') {
    const start = nowNs();
    const answer = cedar.preparsePolicySet('bench', { staticPolicies: policyText });
    const preparseMs = msSince(start);
    if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors).slice(0, 2000));
    return {
      setup: { preparseMs },
      wrap: (r) => ({ ...r, preparsedPolicySetId: 'bench' }),
      run: (c) => cedar.statefulIsAuthorized(c),
    };
  }
  if (api === 'stateless') {
    const policies = { staticPolicies: policyText };
    return {
      setup: {},
      wrap: (r) => ({ ...r, policies }),
      run: (c) => cedar.isAuthorized(c),
    };
  }
  throw new Error(`unknown --api ${api}`);
}

async function setupAndRun(policyText, reqs, api) {
  const engine = prepare(policyText, api);
  const calls = reqs.map((r) => engine.wrap(cedarRequest(r)));
  const firstStart = nowNs();
  const first = engine.run(calls[0]);
  const firstCallMs = msSince(firstStart);
  const decisions = [decisionOf(first)];
  for (const c of calls.slice(1)) decisions.push(decisionOf(engine.run(c)));
  const timing = await measure((i) => engine.run(calls[i % calls.length]));
  return { setup: { importMs, ...engine.setup, firstCallMs }, decisions, timing };
}

const { positional, options } = parseArgs(process.argv.slice(2));
const [scenario] = positional;
const base = { engine: 'cedar-wasm', version: cedar.getCedarVersion() };

if (scenario === 'force-mfa') {
  const api = options.api ?? 'stateful';
  const reqs = forceMfaRequests().map((r) => r.request);
  const out = await setupAndRun(fs.readFileSync(FORCE_MFA_CEDAR_PATH, 'utf8'), reqs, api);
  emit({ ...base, api, scenario: 'force_mfa', requests: reqs.length, ...out });
} else if (scenario === 'scaling') {
  const n = Number(positional[1]);
  const which = positional[2];
  const api = options.api ?? 'stateful';
  const genStart = nowNs();
  const text = scalingCedarText(n);
  const generateMs = msSince(genStart);
  const out = await setupAndRun(text, [scalingRequest(n, which)], api);
  out.setup.generateMs = generateMs;
  emit({ ...base, api, scenario: 'scaling', n, request: which, policyBytes: Buffer.byteLength(text), ...out });
} else if (scenario === 'agreement') {
  const engine = prepare(fs.readFileSync(FORCE_MFA_CEDAR_PATH, 'utf8'), 'stateful');
  const decisions = agreementRequests().map((r) => ({
    name: r.name,
    decision: decisionOf(engine.run(engine.wrap(cedarRequest(r.request)))),
  }));
  emit({ ...base, api: 'stateful', scenario: 'agreement', decisions });
} else {
  console.error('usage: node cedar_bench.mjs force-mfa [--api stateful|stateless] | scaling N last|none | agreement');
  process.exit(2);
}
