import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { iamSrn } from '../../../src/authz/srn.js';
import type { Account, Policy, Role, User } from '../../../src/store/ports.js';
import { bearerFor } from '../../support/bearer.js';
import { bearerClient, codeOf, roleSrn } from './api.helpers.js';
import { policy as createPolicy } from './console-switch.helpers.js';
import { createAccount, createUser, PASSWORD, startGateway, type TestGateway } from '../login/helpers.js';

/**
 * AssumeRole over HTTP (ROLE-3..6, POL-7, ENT-5 for roles): both sides must allow, the session has the
 * role's policies only, durations are refused out of range, and revocation reaches earlier tokens.
 */
describe('POST /v1/sts/assume-role (ROLE-3, ROLE-4, ROLE-5, ROLE-6)', () => {
  let t: TestGateway;
  let a: Account;
  let b: Account;
  let admin: User; // `*` on everything in A
  let plain: User; // no policies in A
  let crossAllowed: User; // in A, allowed iam:assumeRole on B's roles
  let readOnlyRole: Role; // in A, trusts A, iam:list* only
  let bRole: Role; // in B, trusts account A
  let chainTarget: Role; // in A, trusts readOnlyRole
  let fullAccess: Policy;

  const { post, get, tokenOf } = bearerClient(() => t);
  const code = codeOf;
  const policy = (accountId: string, name: string, statement: Record<string, unknown>) =>
    createPolicy(t.gw, accountId, name, statement);
  const role = (
    accountId: string,
    name: string,
    trustedPrincipals: Role['trustedPrincipals'],
    policyIds: string[],
    maxSessionSeconds = 7200,
  ) => t.gw.store.roles.create({ accountId, name, maxSessionSeconds, trustedPrincipals, policyIds, createdBy: 'test' });
  const srnOf = roleSrn;

  beforeAll(async () => {
    t = await startGateway({ IAMGW_TOKENS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') });
    a = await createAccount(t.gw);
    b = await createAccount(t.gw);
    fullAccess = await policy(a.id, 'Everything', { Effect: 'Allow', Action: '*', Resource: '*' });
    const listOnly = await policy(a.id, 'ListOnly', { Effect: 'Allow', Action: 'iam:list*', Resource: '*' });
    const crossAssume = await policy(a.id, 'AssumeInB', {
      Effect: 'Allow',
      Action: 'iam:assumeRole',
      Resource: `srn:e::${b.id}:::scp-iam:role/*`,
    });
    const bList = await policy(b.id, 'BList', { Effect: 'Allow', Action: 'iam:listRoles', Resource: '*' });
    admin = await createUser(t.gw, a, 'admin', PASSWORD, { policyIds: [fullAccess.id] });
    plain = await createUser(t.gw, a, 'plain', PASSWORD);
    crossAllowed = await createUser(t.gw, a, 'crosser', PASSWORD, { policyIds: [crossAssume.id] });
    readOnlyRole = await role(a.id, 'reader', [{ kind: 'current-account', value: a.id }], [listOnly.id]);
    bRole = await role(b.id, 'partner', [{ kind: 'other-account', value: a.id }], [bList.id]);
    chainTarget = await role(a.id, 'chained', [{ kind: 'user', value: srnOf(readOnlyRole) }], [listOnly.id], 43200);
  });
  afterAll(() => t.close());

  it('ROLE-5: an administrator with * assumes a read-only role; a read works, a write is denied', async () => {
    const r = await post(
      '/v1/sts/assume-role',
      { roleSrn: srnOf(readOnlyRole), sessionName: 'admin-reads' },
      await tokenOf(admin),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      assumedRoleSrn: expect.stringMatching(new RegExp(`^srn:e::${a.id}:::scp-iam:role-session/[0-9a-f]{32}$`)),
      roleSrn: srnOf(readOnlyRole),
      sessionName: 'admin-reads',
      token_type: 'Bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
    });
    const token = String(r.body.access_token);
    expect(await get(`/v1/accounts/${a.id}/users`, token)).toBe(200);
    const write = await post(`/v1/accounts/${a.id}/groups`, { name: 'nope-group' }, token);
    expect([write.status, code(write)]).toEqual([403, 'ACCESS_DENIED']);
    expect(await t.gw.store.groups.getByName(a.id, 'nope-group')).toBeNull();
  });

  it('a trusted caller whose own policies do not allow iam:assumeRole is refused (both sides, ROLE-3)', async () => {
    const r = await post(
      '/v1/sts/assume-role',
      { roleSrn: srnOf(readOnlyRole), sessionName: 'plain' },
      await tokenOf(plain),
    );
    expect([r.status, code(r)]).toEqual([403, 'ACCESS_DENIED']);
  });

  it("the caller's side is judged with its conditions: iam:assumeRole only with MFA (scp:MultiFactorAuthPresent)", async () => {
    const mfaOnly = await policy(a.id, 'AssumeWithMfa', {
      Effect: 'Allow',
      Action: 'iam:assumeRole',
      Resource: srnOf(readOnlyRole),
      Condition: { Bool: { 'scp:MultiFactorAuthPresent': 'true' } },
    });
    const careful = await createUser(t.gw, a, 'careful', PASSWORD, { policyIds: [mfaOnly.id] });
    const who = { accountId: a.id, userId: careful.id, type: 'user' as const, srn: iamSrn(a.id, 'user', careful.id) };
    const body = { roleSrn: srnOf(readOnlyRole), sessionName: 'careful' };
    const without = await post('/v1/sts/assume-role', body, await bearerFor(t.gw, who));
    expect([without.status, code(without)]).toEqual([403, 'ACCESS_DENIED']);
    const withMfa = await post(
      '/v1/sts/assume-role',
      body,
      await bearerFor(t.gw, { ...who, mfa: true, amr: ['pwd', 'mfa'] }),
    );
    expect(withMfa.status).toBe(200);
    const intro = await post('/v1/introspect', { token: withMfa.body.access_token }, String(withMfa.body.access_token));
    expect(intro.body).toMatchObject({ mfa: true, amr: ['pwd', 'mfa'] }); // the session keeps how the caller signed in
  });

  it('an unknown role and an untrusting role give the same answer', async () => {
    const unknown = await post(
      '/v1/sts/assume-role',
      { roleSrn: iamSrn(b.id, 'role', 'f'.repeat(32)), sessionName: 'probe' },
      await tokenOf(admin),
    );
    const untrusted = await post(
      '/v1/sts/assume-role',
      { roleSrn: srnOf(chainTarget), sessionName: 'probe' },
      await tokenOf(admin),
    );
    expect([unknown.status, code(unknown)]).toEqual([403, 'ROLE_NOT_TRUSTED']);
    const withoutRequestId = (body: Record<string, unknown>) => ({
      ...(body.error as Record<string, unknown>),
      requestId: undefined,
    });
    expect(withoutRequestId(untrusted.body)).toEqual(withoutRequestId(unknown.body));
  });

  it('cross-account (POL-7): trusted by B, no identity allow in A → denied; with it → allowed, acting in B only', async () => {
    // B trusts every user of A, but `plain` has no identity policy in A allowing it.
    const denied = await post(
      '/v1/sts/assume-role',
      { roleSrn: srnOf(bRole), sessionName: 'xy' },
      await tokenOf(plain),
    );
    expect([denied.status, code(denied)]).toEqual([403, 'ACCESS_DENIED']);
    const ok = await post(
      '/v1/sts/assume-role',
      { roleSrn: srnOf(bRole), sessionName: 'partner' },
      await tokenOf(crossAllowed),
    );
    expect(ok.status).toBe(200);
    const token = String(ok.body.access_token);
    expect(await get(`/v1/accounts/${b.id}/roles`, token)).toBe(200);
    expect(await get(`/v1/accounts/${a.id}/roles`, token)).toBe(403);
  });

  it('durations: none → max; 3,199 and max+1 refused with the range; 3,200 and max accepted (ROLE-4)', async () => {
    const token = await tokenOf(admin);
    const ask = (durationSeconds?: number) =>
      post(
        '/v1/sts/assume-role',
        {
          roleSrn: srnOf(readOnlyRole),
          sessionName: 'durations',
          ...(durationSeconds === undefined ? {} : { durationSeconds }),
        },
        token,
      );
    const none = await ask();
    expect(Date.parse(String(none.body.expiresAt)) - t.gw.clock.now()).toBeGreaterThan(7190_000);
    for (const d of [3199, 7201]) {
      const r = await ask(d);
      expect([r.status, code(r)]).toEqual([400, 'SESSION_DURATION_OUT_OF_RANGE']);
      expect((r.body.error as { details: unknown }).details).toEqual({
        requested: d,
        min: 3200,
        max: 7200,
        chained: false,
      });
    }
    for (const d of [3200, 7200]) expect((await ask(d)).status).toBe(200);
  });

  it('chaining (ROLE-6): the target must trust the role; an hour at most; 3,601 refused; the source stays the user', async () => {
    const first = await post(
      '/v1/sts/assume-role',
      { roleSrn: srnOf(readOnlyRole), sessionName: 'hop1' },
      await tokenOf(admin),
    );
    const session = String(first.body.access_token);
    // The reader role holds iam:list* only, so give it the identity side of the chain.
    const assumeChained = await policy(a.id, 'AssumeChained', {
      Effect: 'Allow',
      Action: 'iam:assumeRole',
      Resource: srnOf(chainTarget),
    });
    await t.gw.store.roles.update(
      a.id,
      readOnlyRole.id,
      readOnlyRole.version,
      { policyIds: [...readOnlyRole.policyIds, assumeChained.id] },
      'test',
    );
    const over = await post(
      '/v1/sts/assume-role',
      { roleSrn: srnOf(chainTarget), sessionName: 'hop2', durationSeconds: 3601 },
      session,
    );
    expect([over.status, code(over)]).toEqual([400, 'SESSION_DURATION_OUT_OF_RANGE']);
    const hop = await post('/v1/sts/assume-role', { roleSrn: srnOf(chainTarget), sessionName: 'hop2' }, session);
    expect(hop.status).toBe(200);
    expect(Date.parse(String(hop.body.expiresAt)) - t.gw.clock.now()).toBeLessThanOrEqual(3600_000);
    const intro = await post('/v1/introspect', { token: hop.body.access_token }, String(hop.body.access_token));
    expect(intro.body).toMatchObject({
      active: true,
      ptype: 'role-session',
      role: srnOf(chainTarget),
      source: iamSrn(a.id, 'user', admin.id),
      sessionName: 'hop2',
    });
    // A user session cannot enter the chained role: it trusts only the reader role.
    expect(
      code(
        await post('/v1/sts/assume-role', { roleSrn: srnOf(chainTarget), sessionName: 'direct' }, await tokenOf(admin)),
      ),
    ).toBe('ROLE_NOT_TRUSTED');
  });

  it('bad input is a 400 with its code and writes nothing', async () => {
    const token = await tokenOf(admin);
    const sessionsBefore = (await t.gw.sessions.listForUser(a.id, admin.id)).length;
    const cases: [unknown, string][] = [
      [{ roleSrn: srnOf(readOnlyRole), sessionName: 'ok', extra: 1 }, 'UNKNOWN_FIELD'],
      [{ roleSrn: srnOf(readOnlyRole), sessionName: 'x'.repeat(10_000) }, 'SESSION_NAME_INVALID'],
      [{ roleSrn: srnOf(readOnlyRole), sessionName: 'a' }, 'SESSION_NAME_INVALID'],
      [{ roleSrn: iamSrn(a.id, 'user', admin.id), sessionName: 'notarole' }, 'SRN_INVALID'],
      [{ roleSrn: 'not-an-srn', sessionName: 'notarole' }, 'SRN_INVALID'],
    ];
    for (const [body, expected] of cases) {
      const r = await post('/v1/sts/assume-role', body, token);
      expect([r.status, code(r)]).toEqual([400, 'VALIDATION_FAILED']);
      expect(JSON.stringify(r.body)).toContain(expected);
    }
    expect((await t.gw.sessions.listForUser(a.id, admin.id)).length).toBe(sessionsBefore);
  });

  it('every attempt is audited, refusals with their reason code', async () => {
    const events = (await t.gw.store.audit.list(a.id, { limit: 200 })).items.filter((e) => e.action === 'role.assume');
    expect(events.some((e) => e.result === 'success' && e.details?.sessionName === 'admin-reads')).toBe(true);
    expect(events.some((e) => e.result === 'failure' && e.reasonCode === 'SESSION_DURATION_OUT_OF_RANGE')).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/eyJ/); // no token in the log
  });

  it('ENT-5 for roles: revoke-sessions, a trust edit and deleting the role refuse earlier session tokens', async () => {
    const adminToken = await tokenOf(admin);
    const assume = async (r: Role) =>
      String(
        (await post('/v1/sts/assume-role', { roleSrn: srnOf(r), sessionName: 'revoked' }, adminToken)).body
          .access_token,
      );
    const introspect = async (tok: string) => (await post('/v1/introspect', { token: tok }, adminToken)).body.active;

    const before = await assume(readOnlyRole);
    expect(await introspect(before)).toBe(true);
    const revoke = await post(`/v1/accounts/${a.id}/roles/${readOnlyRole.id}/revoke-sessions`, {}, adminToken);
    expect(revoke.status).toBe(200);
    expect(await introspect(before)).toBe(false);
    // A session started after the revocation is not touched by it.
    const fresh = await assume(readOnlyRole);
    expect(await introspect(fresh)).toBe(true);

    const current = (await t.gw.store.roles.get(a.id, readOnlyRole.id))!;
    const edit = await fetch(`${t.base}/v1/accounts/${a.id}/roles/${readOnlyRole.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ version: current.version, trustedPrincipals: current.trustedPrincipals }),
    });
    expect(edit.status).toBe(200);
    expect(await introspect(fresh)).toBe(false);

    const temp = await role(a.id, 'temp', [{ kind: 'current-account', value: a.id }], []);
    const tempToken = await assume(temp);
    expect(await introspect(tempToken)).toBe(true);
    const del = await fetch(`${t.base}/v1/accounts/${a.id}/roles/${temp.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(del.status).toBeLessThan(300);
    expect(await introspect(tempToken)).toBe(false);
  });

  it('disabling the source user ends its role sessions', async () => {
    const worker = await createUser(t.gw, a, 'worker', PASSWORD, { policyIds: [fullAccess.id] });
    const r = await post(
      '/v1/sts/assume-role',
      { roleSrn: srnOf(readOnlyRole), sessionName: 'worker' },
      await tokenOf(worker),
    );
    const token = String(r.body.access_token);
    expect(await get(`/v1/accounts/${a.id}/users`, token)).toBe(200);
    const current = (await t.gw.store.users.get(a.id, worker.id))!;
    const disable = await fetch(`${t.base}/v1/accounts/${a.id}/users/${worker.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(admin)}` },
      body: JSON.stringify({ version: current.version, state: 'disabled' }),
    });
    expect(disable.status).toBe(200);
    expect(await get(`/v1/accounts/${a.id}/users`, token)).toBe(401);
  });
});
