import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_REGISTRY,
  IAM_ACTIONS,
  PolicyCache,
  PolicyValidationError,
  compilePolicy,
  evaluate,
  simulate,
  type ResourceRegistry,
} from '../../../src/policy/index.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const alice = { sub: `srn:e::${A}:::scp-iam:user/alice`, acct: A, ptype: 'user', mfa: true } as const;
const doc = {
  Version: '2024-07-01',
  Statement: [
    {
      Sid: 'get',
      Effect: 'Allow',
      Action: 'iam:getUser',
      Resource: '*',
      Condition: { IpAddress: { 'scp:SourceIp': '10.0.0.0/8' } },
    },
    { Sid: 'users', Effect: 'Allow', Action: 'iam:*', Resource: 'srn:e:::::scp-iam:group/*' },
    { Sid: 'del', Effect: 'Deny', Action: 'iam:deleteUser', Resource: '*' },
    {
      Sid: 'attr',
      Effect: 'Deny',
      Action: 'iam:getUser',
      Resource: '*',
      Condition: { StringEquals: { 'iam:userLastname': 'Kim' } },
    },
  ],
} as const;

describe('simulate', () => {
  it('explains every statement, naming the condition that failed', () => {
    const p = compilePolicy(doc, { id: 'p', kind: 'identity', account: A });
    const sim = simulate(
      {
        principal: alice,
        action: 'iam:getUser',
        resources: [`srn:e::${A}:::scp-iam:user/bob`],
        context: { 'scp:SourceIp': '8.8.8.8' },
        now: 0,
      },
      { identity: [p] },
    );
    expect(sim.decision.decision).toBe('ImplicitDeny');
    expect(sim.statements.map((s) => [s.sid, s.outcome, s.failedCondition])).toEqual([
      ['get', 'condition-false', 'IpAddress scp:SourceIp'],
      ['users', 'resource-not-matched', undefined],
      ['del', 'action-not-matched', undefined],
      ['attr', 'condition-false', 'StringEquals iam:userLastname'],
    ]);
  });

  it('reports principal mismatches in resource-based policies', () => {
    const bucket = `srn:e::${A}:::object-store:bucket/b`;
    const rp = compilePolicy(
      {
        Version: '2024-07-01',
        Statement: [
          {
            Sid: 'bob',
            Effect: 'Allow',
            Action: '*',
            Resource: '*',
            Principal: { scp: `srn:e::${A}:::scp-iam:user/bob` },
          },
        ],
      },
      { id: 'rp', kind: 'resource', account: A },
    );
    const sim = simulate(
      { principal: alice, action: 'object-store:UploadObject', resources: [bucket], now: 0 },
      { identity: [], resource: { [bucket]: rp } },
    );
    expect(sim.statements.map((s) => s.outcome)).toEqual(['principal-not-matched']);
  });
});

describe('attribute keys that no longer resolve fail closed (item 30)', () => {
  it('denies with EVAL_KEY_UNRESOLVED when the registry dropped the attribute after the policy was saved', () => {
    const shrunk: ResourceRegistry = {
      services: DEFAULT_REGISTRY.services.map((s) =>
        s.serviceType === 'scp-iam' ? { ...s, resourceTypes: [{ name: 'user' }] } : s,
      ),
    };
    const stored = {
      Version: '2024-07-01',
      Statement: [
        { Sid: 'all', Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Sid: 'kim',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'iam:userLastname': 'Kim' } },
        },
      ],
    };
    // Saved under the full catalogue…
    compilePolicy(stored, { id: 'p', kind: 'identity', account: A });
    // …then the definition changed: compiling keeps the Deny, and evaluating it is an error, never an allow.
    const p = compilePolicy(stored, { id: 'p', kind: 'identity', account: A, registry: shrunk });
    const d = evaluate(
      { principal: alice, action: 'iam:getUser', resources: [`srn:e::${A}:::scp-iam:user/bob`], now: 0 },
      { identity: [p] },
    );
    expect(d).toMatchObject({
      allowed: false,
      decision: 'Error',
      errors: [{ code: 'EVAL_KEY_UNRESOLVED', statement: { sid: 'kim' } }],
    });
    expect(() =>
      compilePolicy({ ...stored, Version: '1' }, { id: 'p', kind: 'identity', account: A, registry: shrunk }),
    ).toThrow(PolicyValidationError);
  });
});

describe('PolicyCache', () => {
  it('compiles once per id + version and evicts the least recently used', () => {
    const cache = new PolicyCache(2);
    const opts = (id: string, version: number) => ({ id, version, kind: 'identity' as const, account: A });
    const p1 = cache.compile(doc, opts('a', 1));
    expect(cache.compile(doc, opts('a', 1))).toBe(p1);
    const p2 = cache.compile(doc, opts('a', 2));
    expect(p2).not.toBe(p1);
    cache.compile(doc, opts('a', 1)); // touch a@1
    cache.compile(doc, opts('b', 1)); // evicts a@2
    expect(cache.size).toBe(2);
    expect(cache.compile(doc, opts('a', 1))).toBe(p1);
    expect(cache.compile(doc, opts('a', 2))).not.toBe(p2);
    cache.evict('a');
    expect(cache.size).toBe(0);
  });

  it('refuses invalid documents with every issue', () => {
    const cache = new PolicyCache();
    expect(() => cache.compile('{"Version":"x"}', { id: 'x', kind: 'identity', account: A })).toThrow(
      /VERSION_INVALID.*MISSING_KEY/,
    );
  });
});

describe('IAM_ACTIONS', () => {
  it('lists the admin API actions, each allowed by an iam:* statement', () => {
    expect(IAM_ACTIONS.getUser).toBe('iam:getUser');
    expect(Object.values(IAM_ACTIONS)).toEqual(
      expect.arrayContaining([
        'iam:listCredentialProviders',
        'iam:deleteAuthKey',
        'iam:attachRolePolicy',
        'iam:listAuditEvents',
        'iam:unlockUser',
      ]),
    );
    const p = compilePolicy(
      { Version: '2024-07-01', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] },
      { id: 'p', kind: 'identity', account: A },
    );
    for (const action of Object.values(IAM_ACTIONS))
      expect(evaluate({ principal: alice, action, resources: ['*'], now: 0 }, { identity: [p] }).allowed).toBe(true);
  });
});
