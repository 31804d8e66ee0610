// Benchmarks @cedar-policy/cedar-wasm (Apache-2.0) on the shared scenarios
// (bench/peers/scenarios.mjs), with Cedar policy sets equivalent to the IAM ones.
//
// Usage (prints one JSON object):
//   node cedar_bench.mjs force-mfa --api stateful|stateless
//   node cedar_bench.mjs scaling N last|none
//   node cedar_bench.mjs agreement
//   node cedar_bench.mjs shape SHAPE N   (prints one JSON object per request: last, none)
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
//
// The shapes (scenarios.mjs shapeStatement) are translated statement by statement, so that
// Cedar decides from the request alone what IAM decides from it (no match precomputed into
// entity data):
//   Action "ec2:Op5" (literal)           -> action == Action::"ec2:Op5"
//   Action "ec2:Op5*" (wildcard)         -> when { context.iamAction like "ec2:Op5*" }
//   Resource "*"                          -> resource (unconstrained)
//   Resource "arn:...:instance/i-5"       -> resource == Resource::"arn:...:instance/i-5"
//   Resource "arn:aws:s3:::tenant-5/*"    -> when { resource.arn like "arn:aws:s3:::tenant-5/*" }
//   StringEquals aws:PrincipalTag/team=X  -> when { principal has team && principal.team == "X" }
// and each request carries context.iamAction (the IAM action name), a User entity for the
// principal with its team tag as attribute `team`, and a Resource entity with attribute `arn`.

import { emit, measure, measureOrSample, msSince, nowNs, parseArgs } from './harness.mjs';
import {
  FORCE_MFA_CEDAR_PATH,
  agreementRequests,
  forceMfaRequests,
  scalingActionOf,
  scalingRequest,
  scalingTeamOf,
  SCALING_REQUESTS,
  shapeRequest,
  shapeStatement,
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

// One IAM statement of scenarios.mjs shapeStatement (one action, one resource, at most one
// StringEquals on aws:PrincipalTag/team) as a Cedar policy; the rules are at the top.
function cedarOfShapeStatement(statement) {
  const when = [];
  let actionScope = 'action';
  if (statement.Action.includes('*')) when.push(`context.iamAction like "${statement.Action}"`);
  else actionScope = `action == Action::"${statement.Action}"`;
  let resourceScope = 'resource';
  if (statement.Resource.includes('*')) {
    if (statement.Resource !== '*') when.push(`resource.arn like "${statement.Resource}"`);
  } else {
    resourceScope = `resource == Resource::"${statement.Resource}"`;
  }
  const conditions = statement.Condition?.StringEquals ?? {};
  for (const [key, value] of Object.entries(conditions)) {
    if (key !== TEAM_KEY) throw new Error(`no Cedar translation for condition key ${key}`);
    when.push(`principal has team && principal.team == "${value}"`);
  }
  const effect = statement.Effect === 'Allow' ? 'permit' : 'forbid';
  const body = when.length ? ` when { ${when.join(' && ')} }` : '';
  return `${effect} (principal, ${actionScope}, ${resourceScope})${body};\n`;
}

function shapeCedarText(shape, n) {
  const parts = new Array(n);
  for (let i = 0; i < n; ++i) parts[i] = cedarOfShapeStatement(shapeStatement(shape, i));
  return parts.join('');
}

function cedarShapeRequest(req) {
  const principal = { type: 'User', id: req.principal };
  const resource = { type: 'Resource', id: req.resource };
  const attrs = {};
  if (req.context[TEAM_KEY] !== undefined) attrs.team = req.context[TEAM_KEY];
  return {
    principal,
    action: { type: 'Action', id: req.action },
    resource,
    context: { iamAction: req.action },
    entities: [
      { uid: principal, attrs, parents: [] },
      { uid: resource, attrs: { arn: req.resource }, parents: [] },
    ],
  };
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
} else if (scenario === 'shape') {
  // One process for both requests of a shape and N: the policy set is preparsed once.
  const [, shape, nText] = positional;
  const n = Number(nText);
  const api = options.api ?? 'stateful';
  const genStart = nowNs();
  const text = shapeCedarText(shape, n);
  const generateMs = msSince(genStart);
  const engine = prepare(text, api);
  for (const which of SCALING_REQUESTS) {
    const call = engine.wrap(cedarShapeRequest(shapeRequest(shape, n, which)));
    const firstStart = nowNs();
    const decision = decisionOf(engine.run(call));
    const firstCallMs = msSince(firstStart);
    const timing = await measureOrSample(() => engine.run(call), firstCallMs);
    emit({
      ...base, api, scenario: 'shape', shape, n, request: which, policyBytes: Buffer.byteLength(text),
      setup: { importMs, generateMs, ...engine.setup, firstCallMs }, decisions: [decision], timing,
    });
  }
} else if (scenario === 'agreement') {
  const engine = prepare(fs.readFileSync(FORCE_MFA_CEDAR_PATH, 'utf8'), 'stateful');
  const decisions = agreementRequests().map((r) => ({
    name: r.name,
    decision: decisionOf(engine.run(engine.wrap(cedarRequest(r.request)))),
  }));
  emit({ ...base, api: 'stateful', scenario: 'agreement', decisions });
} else {
  console.error('usage: node cedar_bench.mjs force-mfa [--api stateful|stateless] | scaling N last|none | agreement | shape SHAPE N');
  process.exit(2);
}
