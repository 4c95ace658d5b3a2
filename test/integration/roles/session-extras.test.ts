import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { iamSrn } from '../../../src/authz/srn.js';
import type { Account, Role, User } from '../../../src/store/ports.js';
import { bearerClient, codeOf, roleSrn } from './api.helpers.js';
import { createAccount, createUser, PASSWORD, startGateway, type TestGateway } from '../login/helpers.js';

/**
 * AssumeRole's STS extras over HTTP (issue 16 item 7; POL-6, POL-7, TOK-2): a session policy only narrows
 * the role (both must allow, a Deny in either wins); session tags reach the caller's check as
 * `scp:RequestTag/*` / `scp:TagKeys` and the session's decisions as `scp:PrincipalTag/*`; the source
 * identity is set once and carried through a chain. Bad extras are 400s naming each violation; nothing starts.
 */
describe('AssumeRole session policy, tags and source identity', () => {
  let t: TestGateway;
  let a: Account;
  let admin: User; // may assume any role
  let tagger: User; // may assume only with team=blue and no other tag key
  let lister: Role; // iam:list*; a second policy reads the team tag
  let hop: Role; // trusts lister, for chains

  const { post, get, tokenOf } = bearerClient(() => t);
  const code = codeOf;
  const violations = (r: { body: Record<string, unknown> }) =>
    ((r.body.error as { details?: { violations?: { code: string; path: string }[] } }).details?.violations ?? []).map(
      (v): [string, string] => [v.code, v.path],
    );
  const srnOf = roleSrn;
  const policy = (name: string, ...Statement: Record<string, unknown>[]) =>
    t.gw.store.policies.create({
      accountId: a.id,
      name,
      type: 'custom',
      policyVersion: 1,
      createdBy: 'test',
      document: { Version: '2024-07-01', Statement },
    });
  const assume = async (caller: string, extra: Record<string, unknown> = {}, target = lister) =>
    post('/v1/sts/assume-role', { roleSrn: srnOf(target), sessionName: 'extras', ...extra }, caller);
  const sessionToken = async (caller: string, extra: Record<string, unknown> = {}) => {
    const r = await assume(caller, extra);
    if (r.status !== 200) throw new Error(`assume: ${r.status} ${JSON.stringify(r.body)}`);
    return String(r.body.access_token);
  };

  beforeAll(async () => {
    t = await startGateway({ IAMGW_TOKENS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') });
    a = await createAccount(t.gw);
    const everything = await policy('Everything', { Effect: 'Allow', Action: '*', Resource: '*' });
    const blueOnly = await policy('AssumeBlueOnly', {
      Effect: 'Allow',
      Action: 'iam:assumeRole',
      Resource: '*',
      Condition: {
        StringEquals: { 'scp:RequestTag/team': 'blue' },
        'ForAllValues:StringEquals': { 'scp:TagKeys': ['team'] },
      },
    });
    const lists = await policy('Lists', { Effect: 'Allow', Action: 'iam:list*', Resource: '*' });
    const blueReads = await policy('BlueReadsGroups', {
      Effect: 'Allow',
      Action: 'iam:getGroup',
      Resource: '*',
      Condition: { StringEquals: { 'scp:PrincipalTag/team': 'blue' } },
    });
    const assumeHop = await policy('AssumeHop', { Effect: 'Allow', Action: 'iam:assumeRole', Resource: '*' });
    admin = await createUser(t.gw, a, 'admin', PASSWORD, { policyIds: [everything.id] });
    tagger = await createUser(t.gw, a, 'tagger', PASSWORD, { policyIds: [blueOnly.id] });
    const trustAccount = [{ kind: 'current-account' as const, value: a.id }];
    lister = await t.gw.store.roles.create({
      accountId: a.id,
      name: 'lister',
      maxSessionSeconds: 7200,
      trustedPrincipals: trustAccount,
      policyIds: [lists.id, blueReads.id, assumeHop.id],
      createdBy: 'test',
    });
    hop = await t.gw.store.roles.create({
      accountId: a.id,
      name: 'hop',
      maxSessionSeconds: 3600,
      trustedPrincipals: [{ kind: 'user', value: srnOf(lister) }],
      policyIds: [lists.id],
      createdBy: 'test',
    });
  });
  afterAll(() => t.close());

  it('session policy: the role allows iam:list*, the session policy only iam:listRoles → iam:listUsers denied', async () => {
    const token = await sessionToken(await tokenOf(admin), {
      policy: { Version: '2024-07-01', Statement: [{ Effect: 'Allow', Action: 'iam:listRoles', Resource: '*' }] },
    });
    expect(await get(`/v1/accounts/${a.id}/roles`, token)).toBe(200);
    expect(await get(`/v1/accounts/${a.id}/users`, token)).toBe(403);
    // The same role without a session policy lists users: the narrowing is the session's, not the role's.
    expect(await get(`/v1/accounts/${a.id}/users`, await sessionToken(await tokenOf(admin)))).toBe(200);
  });

  it('session policy cannot widen: it allows iam:* but the role does not grant deleteUser; a Deny in it wins', async () => {
    const wide = await sessionToken(await tokenOf(admin), {
      policy: JSON.stringify({
        Version: '2024-07-01',
        Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
      }),
    });
    const decide = async (token: string, action: string) =>
      (await post('/v1/authorize', { action, resource: iamSrn(a.id, 'user', admin.id) }, token)).body.allowed;
    expect(await decide(wide, 'iam:deleteUser')).toBe(false);
    expect(await decide(wide, 'iam:listUsers')).toBe(true);
    const denying = await sessionToken(await tokenOf(admin), {
      policy: {
        Version: '2024-07-01',
        Statement: [
          { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
          { Effect: 'Deny', Action: 'iam:listUsers', Resource: '*' },
        ],
      },
    });
    expect(await decide(denying, 'iam:listUsers')).toBe(false);
    expect(await decide(denying, 'iam:listGroups')).toBe(true);
  });

  it('tags: the caller’s policy sees scp:RequestTag and scp:TagKeys; the session sees scp:PrincipalTag', async () => {
    const caller = await tokenOf(tagger);
    expect(code(await assume(caller))).toBe('ACCESS_DENIED'); // no team tag
    expect(code(await assume(caller, { tags: [{ key: 'team', value: 'red' }] }))).toBe('ACCESS_DENIED');
    const extraKey = [
      { key: 'team', value: 'blue' },
      { key: 'cost', value: '1' },
    ];
    expect(code(await assume(caller, { tags: extraKey }))).toBe('ACCESS_DENIED'); // TagKeys: team only
    const blue = await sessionToken(caller, { tags: [{ key: 'team', value: 'blue' }] });
    const group = iamSrn(a.id, 'group', 'g1');
    expect((await post('/v1/authorize', { action: 'iam:getGroup', resource: group }, blue)).body.allowed).toBe(true);
    const untagged = await sessionToken(await tokenOf(admin));
    expect((await post('/v1/authorize', { action: 'iam:getGroup', resource: group }, untagged)).body.allowed).toBe(
      false,
    );
    // A request context cannot forge a principal tag.
    const forged = await post(
      '/v1/authorize',
      { action: 'iam:getGroup', resource: group, context: { 'scp:PrincipalTag/team': 'blue' } },
      untagged,
    );
    expect(forged.body.allowed).not.toBe(true);
  });

  it('source identity: set once, carried through a chain, shown by introspection; changing it is refused', async () => {
    const first = await sessionToken(await tokenOf(admin), { sourceIdentity: 'alice@corp' });
    const chained = await post('/v1/sts/assume-role', { roleSrn: srnOf(hop), sessionName: 'hop2' }, first);
    expect(chained.status).toBe(200);
    const intro = await post('/v1/introspect', { token: chained.body.access_token }, String(chained.body.access_token));
    expect(intro.body).toMatchObject({ active: true, sourceIdentity: 'alice@corp' });
    const changed = await post(
      '/v1/sts/assume-role',
      { roleSrn: srnOf(hop), sessionName: 'hop3', sourceIdentity: 'mallory' },
      first,
    );
    expect([changed.status, code(changed)]).toEqual([400, 'SOURCE_IDENTITY_IMMUTABLE']);
  });

  it('bad extras are a 400 naming every violation with its path; nothing starts', async () => {
    const caller = await tokenOf(admin);
    const before = (await t.gw.store.audit.list(a.id, { limit: 1000 })).items.length;
    const tags51 = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const cases: [Record<string, unknown>, [string, string][]][] = [
      [{ tags: tags51 }, [['TOO_MANY_TAGS', 'tags']]],
      [
        {
          tags: [
            { key: 'Team', value: 'a' },
            { key: 'team', value: 'b' },
          ],
        },
        [['DUPLICATE_TAG_KEY', 'tags[1].key']],
      ],
      [{ tags: [{ key: 'bad\u0000key', value: 'v' }] }, [['TAG_KEY_INVALID_CHARACTER', 'tags[0].key']]],
      [{ sourceIdentity: 'x' }, [['SOURCE_IDENTITY_INVALID', 'sourceIdentity']]],
      [{ policy: { Version: '2024-07-01', Statement: [{ Effect: 'Permit', Action: 'iam:x', Resource: '*' }] } }, []],
      [
        {
          policy: {
            Version: '2024-07-01',
            Statement: [{ Effect: 'Allow', Action: 'iam:listUsers', Resource: '*', Sid: 'x'.repeat(2100) }],
          },
        },
        [],
      ],
      [
        { sessionName: 'x'.repeat(10_000), tags: tags51 },
        [
          ['SESSION_NAME_INVALID', 'sessionName'],
          ['TOO_MANY_TAGS', 'tags'],
        ],
      ],
    ];
    for (const [extra, expected] of cases) {
      const r = await assume(caller, extra);
      expect([r.status, code(r)]).toEqual([400, 'VALIDATION_FAILED']);
      const got = violations(r);
      for (const v of expected) expect(got).toContainEqual(v);
      if (extra.policy !== undefined) expect(got.every(([, path]) => path.startsWith('policy'))).toBe(true);
      expect(got.length).toBeGreaterThan(0);
    }
    expect((await t.gw.store.audit.list(a.id, { limit: 1000 })).items.length).toBe(before);
  });
});
