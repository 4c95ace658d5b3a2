/**
 * The evaluator's hot-path machinery (DESIGN §5) answers exactly as the plain reading of the rules:
 * `prepareRequest`, the per-policy action index, the in-place case-insensitive key lookups and the
 * IPv4 fast path. Correctness only: timings live in bench/policy.ts, never in tests.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  compilePolicy,
  evaluate,
  prepareRequest,
  simulate,
  type AuthorizationRequest,
  type PolicyStatement,
} from '../../../src/policy/index.js';
import { ACTION_INDEX_LIMIT, ACTION_INDEX_MAX_LENGTH } from '../../../src/policy/compile.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const USER = `srn:e::${A}:::scp-iam:user/bob`;
const alice = { sub: `srn:e::${A}:::scp-iam:user/alice`, acct: A, ptype: 'user', mfa: true } as const;
const policy = (...Statement: PolicyStatement[]) =>
  compilePolicy({ Version: '2024-07-01', Statement }, { id: 'p', kind: 'identity', account: A });
const request = (over: Partial<AuthorizationRequest>): AuthorizationRequest => ({
  principal: alice,
  action: 'iam:getUser',
  resources: [USER],
  now: 0,
  ...over,
});

describe('prepareRequest', () => {
  const p = policy(
    {
      Sid: 'read',
      Effect: 'Allow',
      Action: 'iam:get*',
      Resource: 'srn:e:::::scp-iam:user/*',
      Condition: { StringEquals: { 'scp:ResourceTag/env': 'dev' } },
    },
    { Sid: 'noDelete', Effect: 'Deny', Action: 'iam:delete*', Resource: '*' },
  );

  it('answers as evaluate does, on every call, for several policy sets', () => {
    const r = request({ resources: [{ srn: USER, tags: { env: 'dev' } }, `srn:e::${A}:::scp-iam:user/carol`] });
    const prepared = prepareRequest(r);
    expect(prepared.request).toBe(r);
    for (const set of [{ identity: [p] }, { identity: [] }, { identity: [p, p] }]) {
      expect(evaluate(prepared, set)).toEqual(evaluate(r, set));
      expect(evaluate(prepared, set)).toEqual(evaluate(r, set));
      expect(simulate(prepared, set)).toEqual(simulate(r, set));
    }
  });

  it('never throws on a malformed request: it evaluates to Error', () => {
    for (const bad of [
      { ...request({}), action: undefined },
      { ...request({}), resources: undefined },
      { ...request({}), resources: [null] },
      undefined,
    ]) {
      const prepared = prepareRequest(bad as unknown as AuthorizationRequest);
      const d = evaluate(prepared, { identity: [p] });
      expect(d).toMatchObject({ allowed: false, decision: 'Error' });
      expect(d.errors[0]?.code).toBe('EVAL_INTERNAL');
      expect(d).toEqual(evaluate(bad as unknown as AuthorizationRequest, { identity: [p] }));
      expect(simulate(prepared, { identity: [p] }).statements).toEqual([]);
    }
  });

  it('reports an unparsable resource as evaluate does', () => {
    const r = request({ resources: ['garbage', { srn: 42 as unknown as string }] });
    const d = evaluate(prepareRequest(r), { identity: [p] });
    expect(d.decision).toBe('Error');
    expect(d.errors.map((e) => e.code)).toEqual(['EVAL_RESOURCE_INVALID', 'EVAL_RESOURCE_INVALID']);
    expect(d).toEqual(evaluate(r, { identity: [p] }));
  });
});

describe('action index', () => {
  const p = policy(
    { Sid: 'get', Effect: 'Allow', Action: ['iam:get*'], Resource: '*' },
    { Sid: 'any', Effect: 'Allow', Action: ['*:list?sers'], Resource: '*' },
    { Sid: 'not', Effect: 'Deny', NotAction: ['iam:*'], Resource: '*' },
  );
  const sids = (action: string) =>
    evaluate(request({ action, resources: ['*'] }), { identity: [p] }).matched.map((m) => m.sid);

  it('matches actions ignoring case, on first sight and from the index alike', () => {
    for (let round = 0; round < 2; round++) {
      expect(sids('iam:getUser')).toEqual(['get']);
      expect(sids('IAM:GETUSER')).toEqual(['get']);
      expect(sids('iam:listUsers')).toEqual(['any']);
      expect(sids('object-store:listusers')).toEqual(['any', 'not']);
      expect(sids('nocolon')).toEqual(['not']);
      expect(sids('iam:putUser')).toEqual([]);
    }
  });

  it('stays right past its size bound and for long actions', () => {
    for (let i = 0; i < ACTION_INDEX_LIMIT * 3; i++) {
      expect(sids(`iam:get${i}`)).toEqual(['get']);
      expect(sids(`s${i}:x`)).toEqual(['not']);
    }
    const long = `iam:get${'x'.repeat(ACTION_INDEX_MAX_LENGTH)}`;
    expect(sids(long)).toEqual(['get']);
    expect(sids(long)).toEqual(['get']);
    expect(sids('iam:getUser')).toEqual(['get']);
  });
});

describe('case-insensitive key lookup without copies', () => {
  const allowIf = (Condition: PolicyStatement['Condition']) =>
    policy({ Effect: 'Allow', Action: 'iam:getUser', Resource: '*', ...(Condition ? { Condition } : {}) });
  const allowed = (p: ReturnType<typeof policy>, over: Partial<AuthorizationRequest>) =>
    evaluate(request({ resources: ['*'], ...over }), { identity: [p] }).decision;

  it('context keys ignore case; of two spellings the last one wins', () => {
    const p = allowIf({ StringEquals: { 'scp:RequestTag/team': 'a' } });
    expect(allowed(p, { context: { 'SCP:REQUESTTAG/TEAM': 'a' } })).toBe('Allow');
    expect(allowed(p, { context: { 'scp:requesttag/team': 'b', 'Scp:RequestTag/Team': 'a' } })).toBe('Allow');
    expect(allowed(p, { context: { 'Scp:RequestTag/Team': 'a', 'scp:requesttag/team': 'b' } })).toBe('ImplicitDeny');
    expect(allowed(p, { context: { 'scp:RequestTag/tea': 'a', 'scp:RequestTag/teams': 'a' } })).toBe('ImplicitDeny');
  });

  it('non-ASCII key spellings fold exactly as toLowerCase does', () => {
    const p = allowIf({ StringEquals: { 'scp:RequestTag/kind': 'a' } });
    expect(allowed(p, { context: { 'scp:RequestTag/\u212Aind': 'a' } })).toBe('Allow'); // KELVIN SIGN lower-cases to "k"
    expect(allowed(p, { context: { 'scp:RequestTag/kınd': 'a' } })).toBe('ImplicitDeny'); // dotless ı is not i
  });

  it('the bracketed names of RequestAttribute body/query stay exact; header names ignore case', () => {
    const body = allowIf({ StringEquals: { "scp:RequestAttribute/body['Name']": 'x' } });
    expect(allowed(body, { context: { "SCP:REQUESTATTRIBUTE/BODY['Name']": 'x' } })).toBe('Allow');
    expect(allowed(body, { context: { "scp:RequestAttribute/body['name']": 'x' } })).toBe('ImplicitDeny');
    const header = allowIf({ StringEquals: { 'scp:RequestAttribute/header[X-Team]': 'x' } });
    expect(allowed(header, { context: { 'scp:requestattribute/header[x-team]': 'x' } })).toBe('Allow');
  });

  it('resource tags ignore case; array and scalar context values keep their meaning', () => {
    const tag = allowIf({ StringEquals: { 'scp:ResourceTag/Env': 'dev' } });
    expect(allowed(tag, { resources: [{ srn: USER, tags: { ENV: 'dev' } }] })).toBe('Allow');
    expect(allowed(tag, { resources: [{ srn: USER, tags: { env: 'prod', Env: 'dev' } }] })).toBe('Allow');
    const keys = allowIf({ 'ForAllValues:StringEquals': { 'scp:TagKeys': ['a', '1'] } });
    expect(allowed(keys, { context: { 'scp:tagkeys': ['a', 1] } })).toBe('Allow');
    expect(allowed(keys, { context: { 'scp:tagkeys': ['a', 'b'] } })).toBe('ImplicitDeny');
  });
});

describe('IpAddress fast path', () => {
  it('a dotted quad answers as the general parser does', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'iam:getUser',
      Resource: '*',
      Condition: {
        IpAddress: { 'scp:SourceIp': ['10.0.0.0/8', '::ffff:192.168.0.0/112', '2001:db8::/32', '0.0.0.0/0'] },
      },
    });
    const q = policy({
      Effect: 'Allow',
      Action: 'iam:getUser',
      Resource: '*',
      Condition: { NotIpAddress: { 'scp:SourceIp': ['10.0.0.0/8', '255.255.255.255'] } },
    });
    const d = (pol: typeof p, ip: string) =>
      evaluate(request({ resources: ['*'], context: { 'scp:SourceIp': ip } }), { identity: [pol] }).decision;
    expect(d(p, '10.255.0.1')).toBe('Allow');
    expect(d(p, '192.168.3.4')).toBe('Allow'); // 0.0.0.0/0
    expect(d(p, '2001:db8::1')).toBe('Allow');
    expect(d(p, '10.0.0.1/8')).toBe('Error');
    expect(d(p, '010.0.0.1')).toBe('Error');
    expect(d(q, '10.1.2.3')).toBe('ImplicitDeny');
    expect(d(q, '255.255.255.255')).toBe('ImplicitDeny');
    expect(d(q, '11.0.0.0')).toBe('Allow');
    expect(d(q, '::ffff:10.1.2.3')).toBe('ImplicitDeny'); // mapped IPv6 is IPv4 (item 2)
  });

  it('agrees with the IPv6 path on random IPv4 addresses', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'iam:getUser',
      Resource: '*',
      Condition: { IpAddress: { 'scp:SourceIp': ['10.0.0.0/8', '172.16.0.0/12', '192.168.1.128/25'] } },
    });
    const d = (ip: string) =>
      evaluate(request({ resources: ['*'], context: { 'scp:SourceIp': ip } }), { identity: [p] }).decision;
    fc.assert(
      fc.property(fc.ipV4(), (ip) => expect(d(ip)).toBe(d(`::ffff:${ip}`))),
      { numRuns: 500 },
    );
  });
});
