/**
 * Role-session inputs of the evaluator (issue 16 item 7; POL-6, POL-7, TOK-2): the session policy
 * narrows the role's policies (intersection, a Deny in either wins), and the session's tags and source
 * identity are read from the claims as `scp:PrincipalTag/{key}` and `scp:SourceIdentity`, never from the
 * request context.
 */
import { describe, expect, it } from '@jest/globals';
import {
  compilePolicy,
  evaluate,
  simulate,
  validatePolicy,
  type AuthorizationRequest,
  type PolicyStatement,
  type PrincipalClaims,
} from '../../../src/policy/index.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const B = '4c1f0b0e2a7d4e8f9a6b3c2d1e0f9a8b';
const session: PrincipalClaims = {
  sub: `srn:e::${A}:::scp-iam:role-session/s1`,
  acct: A,
  ptype: 'role-session',
  role: `srn:e::${A}:::scp-iam:role/r1`,
  mfa: false,
};
const policy = (id: string, ...Statement: PolicyStatement[]) =>
  compilePolicy({ Version: '2024-07-01', Statement }, { id, kind: 'identity', account: A });
const ask = (action: string, over: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  principal: session,
  action,
  resources: ['*'],
  now: 0,
  ...over,
});

describe('session policy (PolicySet.session): the intersection', () => {
  const role = policy('role', { Sid: 'lists', Effect: 'Allow', Action: 'iam:list*', Resource: '*' });
  const onlyRoles = policy('session', { Sid: 'roles', Effect: 'Allow', Action: 'iam:listRoles', Resource: '*' });

  it('the role allows iam:list*, the session policy only iam:listRoles → iam:listUsers denied, iam:listRoles allowed', () => {
    expect(evaluate(ask('iam:listUsers'), { identity: [role] }).decision).toBe('Allow');
    expect(evaluate(ask('iam:listUsers'), { identity: [role], session: [onlyRoles] })).toMatchObject({
      allowed: false,
      decision: 'ImplicitDeny',
      deciding: [],
    });
    const d = evaluate(ask('iam:listRoles'), { identity: [role], session: [onlyRoles] });
    expect(d.decision).toBe('Allow');
    // Both sides decided: the role's statement and the session's.
    expect(d.deciding.map((s) => `${s.policyId}/${s.sid}`)).toEqual(['role/lists', 'session/roles']);
  });

  it('never widens: a session policy allowing more than the role grants nothing beyond the role', () => {
    const everything = policy('session', { Effect: 'Allow', Action: '*', Resource: '*' });
    expect(evaluate(ask('iam:createUser'), { identity: [role], session: [everything] }).decision).toBe('ImplicitDeny');
    expect(evaluate(ask('iam:createUser'), { identity: [], session: [everything] }).decision).toBe('ImplicitDeny');
  });

  it('an explicit Deny in the session policy wins over the role’s Allow, and one in the role over the session’s', () => {
    const denyRoles = policy(
      'session',
      { Effect: 'Allow', Action: 'iam:list*', Resource: '*' },
      { Sid: 'no', Effect: 'Deny', Action: 'iam:listRoles', Resource: '*' },
    );
    const d = evaluate(ask('iam:listRoles'), { identity: [role], session: [denyRoles] });
    expect(d).toMatchObject({ decision: 'ExplicitDeny', deciding: [{ policyId: 'session', sid: 'no' }] });
    expect(evaluate(ask('iam:listUsers'), { identity: [role], session: [denyRoles] }).decision).toBe('Allow');
    const roleDenies = policy(
      'role2',
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'r', Effect: 'Deny', Action: 'iam:listUsers', Resource: '*' },
    );
    const sessionAll = policy('session', { Effect: 'Allow', Action: '*', Resource: '*' });
    expect(evaluate(ask('iam:listUsers'), { identity: [roleDenies], session: [sessionAll] }).decision).toBe(
      'ExplicitDeny',
    );
  });

  it('absent means no session policy; an empty set allows nothing, the root user included', () => {
    expect(evaluate(ask('iam:listUsers'), { identity: [role], session: [] }).decision).toBe('ImplicitDeny');
    const root = { ...session, sub: `srn:e::${A}:::scp-iam:user/root`, ptype: 'root' } as const;
    expect(evaluate(ask('iam:deleteUser', { principal: root }), { identity: [] }).decision).toBe('Allow');
    expect(evaluate(ask('iam:deleteUser', { principal: root }), { identity: [], session: [onlyRoles] }).decision).toBe(
      'ImplicitDeny',
    );
  });

  it('narrows a resource-policy Allow too, and across accounts both sides plus the session policy must allow', () => {
    const target = `srn:e::${B}:::scp-iam:role/x`;
    const trust = compilePolicy(
      {
        Version: '2024-07-01',
        Statement: [{ Effect: 'Allow', Principal: { scp: session.sub }, Action: 'iam:assumeRole', Resource: target }],
      },
      { id: 'trust', kind: 'resource', account: B },
    );
    const identity = policy('id', { Effect: 'Allow', Action: 'iam:assumeRole', Resource: '*' });
    const req = ask('iam:assumeRole', { resources: [target] });
    expect(evaluate(req, { identity: [identity], resource: { [target]: trust } }).decision).toBe('Allow');
    expect(evaluate(req, { identity: [identity], resource: { [target]: trust }, session: [onlyRoles] }).decision).toBe(
      'ImplicitDeny',
    );
    const sessionAssume = policy('session', { Effect: 'Allow', Action: 'iam:assumeRole', Resource: target });
    expect(
      evaluate(req, { identity: [identity], resource: { [target]: trust }, session: [sessionAssume] }).decision,
    ).toBe('Allow');
    expect(evaluate(req, { identity: [], resource: { [target]: trust }, session: [sessionAssume] }).decision).toBe(
      'ImplicitDeny',
    );
  });

  it('an error in a session policy condition denies (errors never grant)', () => {
    const broken = policy('session', {
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'scp:RequestAttribute/body[when]': '2030-01-01T00:00:00Z' } },
    });
    const d = evaluate(ask('iam:listRoles', { context: { 'scp:RequestAttribute/body[when]': 'not a date' } }), {
      identity: [role],
      session: [broken],
    });
    expect(d).toMatchObject({ allowed: false, decision: 'Error' });
  });

  it('the simulator traces the session policy’s statements', () => {
    const sim = simulate(ask('iam:listUsers'), { identity: [role], session: [onlyRoles] });
    expect(sim.statements.map((s) => [s.policyId, s.outcome])).toEqual([
      ['role', 'applied'],
      ['session', 'action-not-matched'],
    ]);
  });
});

describe('scp:PrincipalTag/{key} and scp:SourceIdentity (POL-6)', () => {
  const tagged: PrincipalClaims = {
    ...session,
    tags: { Team: 'red', 'cost-center': '42' },
    sourceIdentity: 'alice@example.com',
  };
  const allowIf = (Condition: PolicyStatement['Condition']) =>
    policy('p', { Effect: 'Allow', Action: '*', Resource: '*', ...(Condition === undefined ? {} : { Condition }) });
  const decision = (
    p: ReturnType<typeof allowIf>,
    principal: PrincipalClaims,
    context?: AuthorizationRequest['context'],
  ) =>
    evaluate(ask('iam:listUsers', { principal, ...(context === undefined ? {} : { context }) }), { identity: [p] })
      .decision;

  it('reads the session tags, keys ignoring case', () => {
    const p = allowIf({ StringEquals: { 'scp:PrincipalTag/team': 'red' } });
    expect(decision(p, tagged)).toBe('Allow');
    expect(decision(allowIf({ StringEquals: { 'SCP:PRINCIPALTAG/TEAM': 'red' } }), tagged)).toBe('Allow');
    expect(decision(allowIf({ StringEquals: { 'scp:PrincipalTag/team': 'blue' } }), tagged)).toBe('ImplicitDeny');
    expect(decision(allowIf({ NumericEquals: { 'scp:PrincipalTag/Cost-Center': 42 } }), tagged)).toBe('Allow');
    expect(decision(p, session)).toBe('ImplicitDeny');
    expect(decision(allowIf({ Null: { 'scp:PrincipalTag/team': 'true' } }), session)).toBe('Allow');
  });

  it('a request context cannot forge a principal tag or the source identity', () => {
    const forged = { 'scp:PrincipalTag/team': 'red', 'scp:SourceIdentity': 'alice@example.com' };
    expect(decision(allowIf({ StringEquals: { 'scp:PrincipalTag/team': 'red' } }), session, forged)).toBe(
      'ImplicitDeny',
    );
    expect(decision(allowIf({ StringEquals: { 'scp:SourceIdentity': 'alice@example.com' } }), session, forged)).toBe(
      'ImplicitDeny',
    );
    expect(
      decision(allowIf({ StringEquals: { 'scp:PrincipalTag/team': 'red' } }), tagged, {
        'scp:PrincipalTag/team': 'blue',
      }),
    ).toBe('Allow');
  });

  it('reads the source identity from the claims', () => {
    expect(decision(allowIf({ StringLike: { 'scp:SourceIdentity': '*@example.com' } }), tagged)).toBe('Allow');
    expect(decision(allowIf({ StringLike: { 'scp:SourceIdentity': '*@example.com' } }), session)).toBe('ImplicitDeny');
  });

  it('the validator knows the keys', () => {
    const doc = (key: string) => ({
      Version: '2024-07-01',
      Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { [key]: 'x' } } },
    });
    for (const key of ['scp:PrincipalTag/team', 'scp:SourceIdentity', 'scp:sourceidentity'])
      expect(validatePolicy(doc(key)).ok).toBe(true);
    const bad = validatePolicy(doc('scp:PrincipalTag/'));
    expect(bad.ok === false && bad.errors.map((e) => e.code)).toEqual(['KEY_UNKNOWN']);
  });
});
