import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { iamSrn } from '../../../src/authz/srn.js';
import { isAppError } from '../../../src/errors.js';
import { CHAINED_SESSION_MAX_SECONDS, ROLE_SESSION_MIN_SECONDS, type StartSession } from '../../../src/issuer/index.js';
import type { Role } from '../../../src/store/ports.js';
import { seededGateway, type Seeded } from '../tokens/fixtures.js';

/**
 * The session issuer (issue 15; ROLE-3..6, TOK-2, ENT-5): one entry for every principal kind. Role sessions
 * are not reachable over HTTP yet (the role-session issue adds AssumeRole); this drives the issuer the
 * way that capability will, against the real token service and authorizer.
 */
describe('SessionIssuer (ROLE-4, ROLE-5, ROLE-6, TOK-2)', () => {
  let s: Seeded;
  let role: Role;
  const origin = { sourceIp: '192.0.2.10', userAgent: 'cli/1.0' };

  beforeAll(async () => {
    s = await seededGateway();
    const listGroups = await s.gw.store.policies.create({
      accountId: s.account.id,
      name: 'ListGroups',
      type: 'custom',
      policyVersion: 1,
      createdBy: 'test',
      document: {
        Version: '2024-07-01',
        Statement: [{ Sid: 'Groups', Effect: 'Allow', Action: 'iam:listGroups', Resource: '*' }],
      },
    });
    role = await s.gw.store.roles.create({
      accountId: s.account.id,
      name: 'auditor',
      maxSessionSeconds: 7200,
      policyIds: [listGroups.id],
      trustedPrincipals: [{ kind: 'current-account', value: s.account.id }],
      createdBy: 'test',
    });
  });
  afterAll(() => s.gw.close());

  const roleSession = (over: Partial<StartSession> & { chained?: boolean } = {}): StartSession => {
    const { chained = false, ...rest } = over;
    return {
      subject: {
        kind: 'role-session',
        role: { accountId: role.accountId, id: role.id, maxSessionSeconds: role.maxSessionSeconds },
        source: iamSrn(s.account.id, 'user', s.user.id),
        sessionName: 'alice-cli',
        chained,
      },
      mfa: false,
      origin,
      deliver: 'tokens',
      ...rest,
    };
  };
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if (isAppError(err)) return { code: err.code, details: err.details };
      throw err;
    }
    throw new Error('expected a refusal');
  };

  it("a role session carries the TOK-2 role claims and has the role's policies only (ROLE-5)", async () => {
    const started = await s.gw.issuer.start(roleSession());
    expect(started.csrfToken).toBeNull();
    const token = started.tokens!.access_token;
    const claims = await s.gw.tokens.service.introspect(token);
    expect(claims).toMatchObject({
      active: true,
      ptype: 'role-session',
      acct: s.account.id,
      role: iamSrn(s.account.id, 'role', role.id),
      source: iamSrn(s.account.id, 'user', s.user.id),
      sessionName: 'alice-cli',
      groups: [],
    });
    const principal = await s.gw.tokens.service.authenticate(token);
    const az = s.gw.iam.authorizer;
    expect((await az.authorize(principal, 'iam:listGroups', '*')).allowed).toBe(true);
    // The caller's own group allows iam:getUser; the role does not, and the role session has only the role's.
    expect((await az.authorize(principal, 'iam:getUser', iamSrn(s.account.id, 'user', s.user.id))).allowed).toBe(false);
    expect(started.tokens!.refresh_token).toEqual(expect.any(String));
  });

  it("no duration → the role's maximum; a chained session → an hour (ROLE-4, ROLE-6)", async () => {
    const plain = await s.gw.issuer.start(roleSession());
    expect(plain.session.absoluteExpiresAtMs - plain.session.createdAtMs).toBe(7200 * 1000);
    const chained = await s.gw.issuer.start(roleSession({ chained: true }));
    expect(chained.session.absoluteExpiresAtMs - chained.session.createdAtMs).toBe(CHAINED_SESSION_MAX_SECONDS * 1000);
    expect(chained.tokens!.refresh_expires_in).toBeLessThanOrEqual(CHAINED_SESSION_MAX_SECONDS);
  });

  it('a duration outside the range is refused with the range, never clamped (ROLE-4, ROLE-6)', async () => {
    expect(await refusal(s.gw.issuer.start(roleSession({ durationSeconds: ROLE_SESSION_MIN_SECONDS - 1 })))).toEqual({
      code: 'SESSION_DURATION_OUT_OF_RANGE',
      details: { requested: 3199, min: 3200, max: 7200, chained: false },
    });
    expect((await refusal(s.gw.issuer.start(roleSession({ durationSeconds: 7201 })))).code).toBe(
      'SESSION_DURATION_OUT_OF_RANGE',
    );
    expect((await refusal(s.gw.issuer.start(roleSession({ durationSeconds: 3601, chained: true })))).details).toEqual({
      requested: 3601,
      min: 3200,
      max: 3600,
      chained: true,
    });
    const ok = await s.gw.issuer.start(roleSession({ durationSeconds: 3600, chained: true }));
    expect(ok.session.absoluteExpiresAtMs - ok.session.createdAtMs).toBe(3_600_000);
  });

  it('a deleted role starts no session; a disabled user starts none either', async () => {
    const gone = {
      ...roleSession(),
      subject: {
        ...roleSession().subject,
        role: { accountId: s.account.id, id: 'f'.repeat(32), maxSessionSeconds: 7200 },
      },
    } as StartSession;
    expect((await refusal(s.gw.issuer.start(gone))).code).toBe('NOT_FOUND');
    const bob = await s.gw.store.users.create({
      ...s.user,
      id: undefined,
      name: 'bob-disabled',
      state: 'disabled',
      createdBy: 'test',
    } as never);
    expect(
      (
        await refusal(
          s.gw.issuer.start({ subject: { kind: 'user', user: bob }, mfa: false, origin, deliver: 'cookie' }),
        )
      ).code,
    ).toBe('UNAUTHENTICATED');
  });

  it('end() ends the session and refuses its tokens at once (TOK-4)', async () => {
    const started = await s.gw.issuer.start({
      subject: { kind: 'user', user: s.user },
      mfa: true,
      origin,
      deliver: 'tokens',
    });
    const token = started.tokens!.access_token;
    expect((await s.gw.tokens.service.introspect(token)).active).toBe(true);
    expect(await s.gw.issuer.end(started.session.id)).toBe(true);
    expect(await s.gw.issuer.end(started.session.id)).toBe(false); // single use: one of two racing callers wins
    expect((await s.gw.tokens.service.introspect(token)).active).toBe(false);
  });
});
