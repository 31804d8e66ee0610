// Scenario generation shared by every engine in bench/compare.sh, so that policysim,
// iam-simulate and cedar-wasm all see the same policies and the same requests.
//
// The scenarios mirror bench/bench_inputs.cc byte for byte (same request lines, same
// generated scaling policy text), so policysim's Google Benchmark numbers and the batch and
// peer numbers measure the same thing.
//
// Requests are engine-neutral objects: {principal, action, resource, context} where context
// values are typed JSON (booleans, numbers, strings). Each engine's script adapts them.
//
// CLI: node scenarios.mjs write OUTDIR [--batch-lines L]
//   writes OUTDIR/force_mfa.jsonl (the 12 benchmark requests), OUTDIR/agreement.jsonl (those
//   plus extra correctness-only requests), OUTDIR/scaling-N.json (IAM policy) and
//   OUTDIR/scaling-N-{last,none}.jsonl (one request each), OUTDIR/shape-S-N.json and
//   OUTDIR/shape-S-N-{last,none}.jsonl for each shape S and N of SHAPES and SHAPE_SIZES, and
//   OUTDIR/manifest.json.
//   With --batch-lines L it also writes OUTDIR/batch-force_mfa.jsonl: L lines cycling through
//   the 12 force_mfa requests (policysim batch end-to-end input).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
export const FORCE_MFA_POLICY_PATH = path.join(REPO_ROOT, 'policies', 'force_mfa.json');
export const FORCE_MFA_CEDAR_PATH = path.join(here, 'policies', 'force_mfa.cedar');

export const ACCOUNT = '111122223333';
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const SCALING_SIZES = [10, 100, 1000, 10000, 100000];

export function readForceMfaPolicy() {
  return JSON.parse(fs.readFileSync(FORCE_MFA_POLICY_PATH, 'utf8'));
}

// --- force_mfa: the 12 requests of bench_inputs.cc forceMfaRequestLines(), same order ---

const MFA_STATES = [
  ['mfa=true', { 'aws:MultiFactorAuthPresent': true, 'aws:MultiFactorAuthAge': 300 }],
  ['mfa=false', { 'aws:MultiFactorAuthPresent': false }],
  ['mfa absent', {}],
];

function request(principal, action, resource, context) {
  // Key order matters: JSON.stringify of this object is the exact policysim JSONL line.
  return { principal, action, resource, context };
}

function baseContext(username = 'alice') {
  return { 'aws:username': username, 'aws:CurrentTime': '2026-11-22T10:00:00Z' };
}

export function forceMfaRequests() {
  const actions = [
    ['iam:CreateAccessKey', ALICE],
    ['iam:EnableMFADevice', ALICE],
    ['s3:ListAllMyBuckets', '*'],
    ['ec2:DescribeInstances', '*'],
  ];
  const out = [];
  for (const [action, resource] of actions) {
    for (const [label, mfa] of MFA_STATES) {
      out.push({
        name: `${action} on ${resource === '*' ? '*' : 'own user'}, ${label}`,
        request: request(ALICE, action, resource, { ...baseContext(), ...mfa }),
      });
    }
  }
  return out;
}

// Correctness-only requests (not timed): other self-management actions, another user's ARN,
// the MFA bootstrap actions, and an expired-looking but present MFA.
export function agreementExtraRequests() {
  const bob = `arn:aws:iam::${ACCOUNT}:user/bob`;
  const mfaDevice = `arn:aws:iam::${ACCOUNT}:mfa/alice`;
  const extra = [
    ['iam:CreateAccessKey', bob, 'other user'],
    ['iam:ChangePassword', ALICE, 'own user'],
    ['iam:ChangePassword', bob, 'other user'],
    ['iam:GetUser', ALICE, 'own user'],
    ['iam:ListSSHPublicKeys', ALICE, 'own user'],
    ['iam:DeactivateMFADevice', ALICE, 'own user'],
    ['iam:CreateVirtualMFADevice', mfaDevice, 'mfa device'],
    ['iam:ListVirtualMFADevices', '*', '*'],
    ['iam:GetAccountPasswordPolicy', '*', '*'],
    ['sts:GetSessionToken', '*', '*'],
    ['s3:GetObject', 'arn:aws:s3:::bucket/key', 'bucket object'],
  ];
  const out = [];
  for (const [action, resource, where] of extra) {
    for (const [label, mfa] of MFA_STATES) {
      out.push({
        name: `${action} on ${where}, ${label}`,
        request: request(ALICE, action, resource, { ...baseContext(), ...mfa }),
      });
    }
  }
  return out;
}

export function agreementRequests() {
  return [...forceMfaRequests(), ...agreementExtraRequests()];
}

// --- scaling: bench_inputs.cc scalingPolicyText(n) and its two requests ---

// Statement i's action; every tenth is a prefix wildcard. The last statement (i = n - 1) is
// never a multiple of ten for the sizes used, so it is a literal action.
export function scalingActionOf(i) {
  const service = i % 50;
  if (i % 10 === 0) {
    return `svc${service}:Act${i}*`;
  }
  return `svc${service}:Action${i}`;
}

export function scalingTeamOf(i) {
  return `team${i % 7}`;
}

export function scalingPolicy(n) {
  const statements = new Array(n);
  for (let i = 0; i < n; ++i) {
    statements[i] = {
      Sid: `S${i}`,
      Effect: 'Allow',
      Action: scalingActionOf(i),
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/team': scalingTeamOf(i) } },
    };
  }
  return { Version: '2012-10-17', Statement: statements };
}

// Same text as scalingPolicyText(n): no whitespace, same key order.
export function scalingPolicyText(n) {
  return JSON.stringify(scalingPolicy(n));
}

export function scalingRequest(n, which) {
  if (which === 'last') {
    const last = n - 1;
    let action = scalingActionOf(last);
    if (action.endsWith('*')) {
      action = action.slice(0, -1) + 'X';
    }
    return request(ALICE, action, '*', { 'aws:PrincipalTag/team': scalingTeamOf(last) });
  }
  if (which === 'none') {
    return request(ALICE, 'other:Nothing', '*', { 'aws:PrincipalTag/team': 'team1' });
  }
  throw new Error(`unknown scaling request ${which}`);
}

export const SCALING_REQUESTS = ['last', 'none'];

// --- shapes: bench_inputs.cc shapePolicyText(shape, n) and shapeRequest(shape, n, matchLast) ---
// The shapes of policy set of issue 17's table, n statements each (statement i):
//   literal   Action "ec2:Op<i>", Resource "*"
//   prefix    Action "ec2:Op<i>*" (a prefix wildcard, like "s3:Get*"), Resource "*"
//   resources Action "s3:GetObject", Resource "arn:aws:s3:::tenant-<i>/*" (a tenant per prefix)
//   tags      Action "s3:GetObject", Resource "arn:aws:s3:::shared/*", and
//             StringEquals aws:PrincipalTag/team = "team<i>" (ABAC)
//   mixed     Action "ec2:Op<i>" (every 7th "ec2:Op<i>*"), its own instance ARN and a
//             StringEquals aws:PrincipalTag/team = "team<i % 10>" condition
// Names as in the Google Benchmark families BM_Shape_<Name>_{Last,None}/N.

export const SHAPES = ['literal', 'prefix', 'resources', 'tags', 'mixed'];
export const SHAPE_BENCH_NAMES = { literal: 'Literal', prefix: 'Prefix', resources: 'Resources', tags: 'Tags', mixed: 'Mixed' };
export const SHAPE_SIZES = [10, 1000, 100000];
export const SHAPE_TITLES = {
  literal: 'distinct literal actions (`ec2:Op123`)',
  prefix: 'prefix-wildcard actions (`ec2:Op123*`, like `s3:Get*`)',
  resources: 'one action over many resources (a tenant per bucket prefix, `arn:aws:s3:::tenant-123/*`)',
  tags: 'one action and resource over many tag values (ABAC: `StringEquals aws:PrincipalTag/team = team123`)',
  mixed: 'every 7th action a prefix wildcard, each statement with its own resource and a tag condition',
};

// Statement i of a shape, as the IAM statement object (key order as in bench_inputs.cc).
export function shapeStatement(shape, i) {
  const id = String(i);
  let action = 's3:GetObject';
  let resource = '*';
  let team;
  switch (shape) {
    case 'literal':
      action = `ec2:Op${id}`;
      break;
    case 'prefix':
      action = `ec2:Op${id}*`;
      break;
    case 'resources':
      resource = `arn:aws:s3:::tenant-${id}/*`;
      break;
    case 'tags':
      resource = 'arn:aws:s3:::shared/*';
      team = `team${id}`;
      break;
    case 'mixed':
      action = `ec2:Op${id}${i % 7 === 0 ? '*' : ''}`;
      resource = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-${id}`;
      team = `team${i % 10}`;
      break;
    default:
      throw new Error(`unknown shape ${shape}`);
  }
  const statement = { Sid: `S${id}`, Effect: 'Allow', Action: action, Resource: resource };
  if (team !== undefined) statement.Condition = { StringEquals: { 'aws:PrincipalTag/team': team } };
  return statement;
}

export function shapePolicy(shape, n) {
  const statements = new Array(n);
  for (let i = 0; i < n; ++i) statements[i] = shapeStatement(shape, i);
  return { Version: '2012-10-17', Statement: statements };
}

// Same text as shapePolicyText(shape, n): no whitespace, same key order.
export function shapePolicyText(shape, n) {
  return JSON.stringify(shapePolicy(shape, n));
}

// which = 'last': a request the last statement allows; 'none': one no statement covers, of the
// same service, action and resource form as the set's statements.
export function shapeRequest(shape, n, which) {
  if (which !== 'last' && which !== 'none') throw new Error(`unknown shape request ${which}`);
  const matchLast = which === 'last';
  const id = matchLast ? String(n - 1) : 'none';
  let action = 's3:GetObject';
  let resource = '*';
  let team = `team${id}`;
  switch (shape) {
    case 'literal':
    case 'prefix':
      action = `ec2:Op${id}`;
      break;
    case 'resources':
      resource = `arn:aws:s3:::tenant-${id}/report.csv`;
      break;
    case 'tags':
      resource = 'arn:aws:s3:::shared/report.csv';
      break;
    case 'mixed':
      action = `ec2:Op${id}`;
      resource = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-${id}`;
      team = matchLast ? `team${(n - 1) % 10}` : 'nobody';
      break;
    default:
      throw new Error(`unknown shape ${shape}`);
  }
  return request(ALICE, action, resource, { 'aws:PrincipalTag/team': team });
}

// --- writing inputs for policysim's batch mode ---

export function jsonlLine(req) {
  return JSON.stringify(req);
}

// Writes `lines` lines cycling through `reqs` to `file`, in chunks (the file can be large).
export function writeRepeated(file, reqs, lines) {
  const block = reqs.map((r) => jsonlLine(r) + '\n');
  const fd = fs.openSync(file, 'w');
  try {
    let chunk = [];
    for (let i = 0; i < lines; ++i) {
      chunk.push(block[i % block.length]);
      if (chunk.length === 65536) {
        fs.writeSync(fd, chunk.join(''));
        chunk = [];
      }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join(''));
  } finally {
    fs.closeSync(fd);
  }
}

function writeInputs(outDir, batchLines) {
  fs.mkdirSync(outDir, { recursive: true });
  const fm = forceMfaRequests().map((r) => r.request);
  fs.writeFileSync(path.join(outDir, 'force_mfa.jsonl'), fm.map((r) => jsonlLine(r) + '\n').join(''));
  fs.writeFileSync(
    path.join(outDir, 'agreement.jsonl'),
    agreementRequests().map((r) => jsonlLine(r.request) + '\n').join(''),
  );
  const manifest = { forceMfa: forceMfaRequests().map((r) => r.name), agreement: agreementRequests().map((r) => r.name), scaling: {} };
  for (const n of SCALING_SIZES) {
    const text = scalingPolicyText(n);
    fs.writeFileSync(path.join(outDir, `scaling-${n}.json`), text);
    manifest.scaling[n] = { policyBytes: Buffer.byteLength(text) };
    for (const which of SCALING_REQUESTS) {
      fs.writeFileSync(path.join(outDir, `scaling-${n}-${which}.jsonl`), jsonlLine(scalingRequest(n, which)) + '\n');
    }
  }
  manifest.shapes = {};
  for (const shape of SHAPES) {
    manifest.shapes[shape] = {};
    for (const n of SHAPE_SIZES) {
      const text = shapePolicyText(shape, n);
      fs.writeFileSync(path.join(outDir, `shape-${shape}-${n}.json`), text);
      manifest.shapes[shape][n] = { policyBytes: Buffer.byteLength(text) };
      for (const which of SCALING_REQUESTS) {
        fs.writeFileSync(path.join(outDir, `shape-${shape}-${n}-${which}.jsonl`), jsonlLine(shapeRequest(shape, n, which)) + '\n');
      }
    }
  }
  if (batchLines > 0) {
    writeRepeated(path.join(outDir, 'batch-force_mfa.jsonl'), fm, batchLines);
  }
  fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 1));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, outDir, ...rest] = process.argv.slice(2);
  if (command === 'write' && outDir) {
    const i = rest.indexOf('--batch-lines');
    writeInputs(outDir, i >= 0 ? Number(rest[i + 1]) : 0);
  } else if (command === 'repeat' && outDir) {
    // node scenarios.mjs repeat OUT.jsonl IN.jsonl LINES: OUT = LINES lines cycling IN's lines.
    const [input, lines] = rest;
    const reqs = fs.readFileSync(input, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    writeRepeated(outDir, reqs, Number(lines));
  } else {
    console.error('usage: node scenarios.mjs write OUTDIR [--batch-lines L] | repeat OUT.jsonl IN.jsonl LINES');
    process.exit(2);
  }
}
