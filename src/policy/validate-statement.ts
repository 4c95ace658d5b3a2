/** One statement (item 4): keys, Sid, Effect, Action XOR NotAction, Resource, Principal, Condition. */
import { hasWildcard, parseSrn, parseSrnPattern } from '../srn/index.js';
import { childPath } from './issues.js';
import { findAction } from './registry.js';
import { checkCondition } from './validate-condition.js';
import { checkKeys, isRecord, type ValidationContext } from './validate-context.js';

const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'Condition', 'Principal'] as const;
const REFUSED = {
  NotResource: '"NotResource" is not part of this language',
  NotPrincipal: '"NotPrincipal" is not part of this language',
};
const SID = /^[A-Za-z0-9_.-]{1,128}$/;
const ACTION = /^(?:\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+)$/;
const SERVICE_NAME = /^[a-z0-9][a-z0-9.-]*$/;

/** A string or a non-empty array of strings (Action, Resource, Principal entries). */
export function stringList(
  ctx: ValidationContext,
  value: unknown,
  path: string,
): { readonly path: string; readonly value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (!Array.isArray(value)) {
    ctx.sink.error('VALUE_NOT_STRING', path, 'expected a string or an array of strings');
    return [];
  }
  if (value.length === 0) ctx.sink.error('LIST_EMPTY', path, 'the array may not be empty');
  const out: { path: string; value: string }[] = [];
  value.forEach((v, i) => {
    if (typeof v === 'string') out.push({ path: childPath(path, i), value: v });
    else ctx.sink.error('VALUE_NOT_STRING', childPath(path, i), 'expected a string');
  });
  return out;
}

function checkActions(ctx: ValidationContext, stmt: Record<string, unknown>, path: string): void {
  const { sink } = ctx;
  const hasAction = 'Action' in stmt;
  const hasNot = 'NotAction' in stmt;
  if (hasAction && hasNot) sink.error('ACTION_AND_NOT_ACTION', path, 'use exactly one of "Action" and "NotAction"');
  if (!hasAction && !hasNot) sink.error('ACTION_MISSING', path, 'one of "Action" or "NotAction" is required');
  if (hasNot && stmt['Effect'] === 'Allow')
    sink.warn(
      'WARN_NOT_ACTION_ALLOW',
      childPath(path, 'NotAction'),
      'NotAction with Allow grants every other action, including future ones',
    );
  const key = hasAction ? 'Action' : 'NotAction';
  if (!hasAction && !hasNot) return;
  for (const a of stringList(ctx, stmt[key], childPath(path, key))) {
    if (!ACTION.test(a.value)) {
      sink.error('ACTION_INVALID', a.path, `"${a.value}" is not "service:actionName" or "*"`);
      continue;
    }
    if (hasWildcard(a.value)) continue;
    const found = findAction(ctx.registry, a.value);
    if (found.action === undefined)
      sink.warn('WARN_ACTION_UNKNOWN', a.path, `"${a.value}" is not in the action catalogue`);
    else if (!found.exact)
      sink.warn(
        'WARN_ACTION_CASE',
        a.path,
        `"${a.value}" matches "${found.service?.actionPrefix}:${found.action.name}" only when case is ignored`,
      );
  }
}

function checkResources(ctx: ValidationContext, stmt: Record<string, unknown>, path: string): void {
  if (!('Resource' in stmt)) {
    ctx.sink.error('MISSING_KEY', childPath(path, 'Resource'), '"Resource" is required ("*" or SRN patterns)');
    return;
  }
  for (const r of stringList(ctx, stmt['Resource'], childPath(path, 'Resource'))) {
    const parsed = parseSrnPattern(r.value);
    if (!parsed.ok) ctx.sink.error(parsed.error.code, r.path, parsed.error.message);
  }
}

function checkPrincipal(ctx: ValidationContext, stmt: Record<string, unknown>, path: string): void {
  const { sink } = ctx;
  const p = stmt['Principal'];
  const at = childPath(path, 'Principal');
  if (ctx.kind === 'identity') {
    if (p !== undefined) sink.error('PRINCIPAL_FORBIDDEN', at, 'identity-based policies may not name a Principal');
    return;
  }
  if (p === undefined) return sink.error('PRINCIPAL_REQUIRED', at, 'resource-based policies must name a Principal');
  if (p === '*') return sink.error('PRINCIPAL_WILDCARD', at, 'Principal may not be "*"');
  if (!isRecord(p) || Object.keys(p).length === 0)
    return sink.error('PRINCIPAL_INVALID', at, 'Principal is {"scp": …} and/or {"Service": […]}');
  checkKeys(sink, p, at, ['scp', 'Service']);
  const entries = [
    ...('scp' in p ? stringList(ctx, p['scp'], childPath(at, 'scp')).map((e) => ({ ...e, service: false })) : []),
    ...('Service' in p
      ? stringList(ctx, p['Service'], childPath(at, 'Service')).map((e) => ({ ...e, service: true }))
      : []),
  ];
  for (const e of entries) {
    if (hasWildcard(e.value)) sink.error('PRINCIPAL_WILDCARD', e.path, 'Principal entries may not use wildcards');
    else if (e.service ? !SERVICE_NAME.test(e.value) : !parseSrn(e.value).ok) {
      sink.error(
        'PRINCIPAL_INVALID',
        e.path,
        e.service ? `"${e.value}" is not a service name` : `"${e.value}" is not a principal SRN`,
      );
    }
  }
}

/** Policy variables do not exist here (item 36): `${…}` is literal text, which authors rarely mean. */
function warnVariables(ctx: ValidationContext, value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('${'))
      ctx.sink.warn('WARN_POLICY_VARIABLE', path, '"${" is literal text: policy variables are not supported');
  } else if (Array.isArray(value)) value.forEach((v, i) => warnVariables(ctx, v, childPath(path, i)));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) warnVariables(ctx, v, childPath(path, k));
}

export function checkStatement(stmt: unknown, path: string, ctx: ValidationContext): void {
  const { sink } = ctx;
  if (!isRecord(stmt)) return sink.error('NOT_AN_OBJECT', path, 'a statement is a JSON object');
  checkKeys(sink, stmt, path, STATEMENT_KEYS, REFUSED);
  const sid = stmt['Sid'];
  if (sid !== undefined) {
    if (typeof sid !== 'string' || !SID.test(sid))
      sink.error('SID_INVALID', childPath(path, 'Sid'), 'Sid is 1–128 characters of A-Z a-z 0-9 _ . -');
    else if (ctx.sids.has(sid))
      sink.error('SID_DUPLICATE', childPath(path, 'Sid'), `Sid "${sid}" is used twice in this policy`);
    else ctx.sids.add(sid);
  }
  const effect = stmt['Effect'];
  if (effect === undefined) sink.error('MISSING_KEY', childPath(path, 'Effect'), '"Effect" is required');
  else if (effect !== 'Allow' && effect !== 'Deny')
    sink.error('EFFECT_INVALID', childPath(path, 'Effect'), '"Effect" is "Allow" or "Deny" (case-sensitive)');
  checkActions(ctx, stmt, path);
  checkResources(ctx, stmt, path);
  checkPrincipal(ctx, stmt, path);
  if ('Condition' in stmt) checkCondition(ctx, stmt['Condition'], childPath(path, 'Condition'), effect === 'Allow');
  warnVariables(ctx, stmt, path);
}
