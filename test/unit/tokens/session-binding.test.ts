import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { revocationKeys } from '../../../src/authz/revocation.js';
import { Lru } from '../../../src/cache/lru.js';
import { accessToken, newSession, seededGateway, type Seeded } from '../../integration/tokens/fixtures.js';

/** TOK-2 claims, TOK-4 refresh rotation and revocation, ENT-5 markers, with memory stores and a ManualClock. */
let s: Seeded;
beforeEach(async () => {
  s = await seededGateway();
});
afterAll(() => s.gw.close());

const svc = () => s.gw.tokens.service;

describe('issue (TOK-2)', () => {
  it('carries exactly the TOK-2 claims, bound to the session without exposing its id', async () => {
    const token = await accessToken(s.gw, s.session);
    const c = decodeJwt(token);
    expect(Object.keys(c).sort()).toEqual(
      [
        'acct',
        'amr',
        'aud',
        'auth',
        'exp',
        'groups',
        'iat',
        'iss',
        'jti',
        'mfa',
        'nbf',
        'ptype',
        'pver',
        'sid',
        'sub',
      ].sort(),
    );
    expect(c).toMatchObject({
      iss: s.gw.config.http.publicUrl.replace(/\/$/, ''),
      aud: 'iam-gateway',
      acct: s.account.id,
      ptype: 'user',
      auth: 'console',
      mfa: false,
      amr: ['pwd'],
      groups: [s.group.id],
    });
    expect(c.sub).toBe(`srn:e::${s.account.id}:::scp-iam:user/${s.user.id}`);
    expect(c.exp).toBe(Math.floor(s.clock.now() / 1000) + 900);
    expect(c.iat).toBe(s.clock.now() / 1000);
    expect(token).not.toContain(s.session.id);
    expect(JSON.stringify(c)).not.toContain(s.session.id);
  });

  it('the policy-set version moves when a policy of the set changes', async () => {
    const before = decodeJwt(await accessToken(s.gw, s.session)).pver;
    await s.gw.store.policies.update(s.account.id, s.policy.id, 1, { policyVersion: 2 }, 'test');
    expect(decodeJwt(await accessToken(s.gw, s.session)).pver).not.toBe(before);
  });

  it('a disabled user gets no token (TOKEN_PRINCIPAL_INACTIVE); an ended session none (TOKEN_SESSION_ENDED)', async () => {
    await s.gw.store.users.update(s.account.id, s.user.id, 1, { state: 'disabled' }, 'test');
    await expect(svc().issueForSession(s.session.id)).rejects.toMatchObject({ code: 'TOKEN_PRINCIPAL_INACTIVE' });
    await s.gw.sessions.end(s.session.id);
    await expect(svc().issueForSession(s.session.id)).rejects.toMatchObject({ code: 'TOKEN_SESSION_ENDED' });
  });

  it('a pending-login record (password passed, MFA not yet) never mints a token, even by its id', async () => {
    const pending = await s.gw.sessions.create({
      principal: s.session.principal,
      data: { kind: 'pending', stage: 'mfa', mfa: false },
      absoluteTtlMs: 300_000,
      idleTtlMs: 300_000,
    });
    await expect(svc().issueForSession(pending.id)).rejects.toMatchObject({ code: 'TOKEN_SESSION_ENDED' });
  });
});

describe('refresh (TOK-4)', () => {
  it('rotates the handle on every use; reusing an old handle ends the session and its tokens', async () => {
    const first = await svc().issueForSession(s.session.id, { withRefresh: true });
    const second = await svc().refresh(first.refresh_token ?? '');
    const third = await svc().refresh(second.refresh_token ?? '');
    expect(third.refresh_token).not.toBe(second.refresh_token);
    await expect(svc().authenticate(third.access_token)).resolves.toMatchObject({ userId: s.user.id });

    await expect(svc().refresh(first.refresh_token ?? '')).rejects.toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    expect(await s.gw.sessions.get(s.session.id)).toBeNull();
    await expect(svc().authenticate(third.access_token)).rejects.toMatchObject({ code: 'TOKEN_SESSION_ENDED' });
    await expect(svc().refresh(third.refresh_token ?? '')).rejects.toMatchObject({ code: 'TOKEN_SESSION_ENDED' });
  });

  it('of two concurrent uses of one handle exactly one wins, and the session ends', async () => {
    const first = await svc().issueForSession(s.session.id, { withRefresh: true });
    const results = await Promise.allSettled([
      svc().refresh(first.refresh_token ?? ''),
      svc().refresh(first.refresh_token ?? ''),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'REFRESH_TOKEN_REUSED' } });
  });

  it('a forged or altered handle is refused without ending the session (no denial of service by sid)', async () => {
    const { refresh_token: handle = '' } = await svc().issueForSession(s.session.id, { withRefresh: true });
    const [sid, chain, , iat, mac] = handle.split('.');
    for (const forged of [
      `${sid}.${chain}.0.${iat}.${'A'.repeat(43)}`,
      `${sid}.${chain}.7.${iat}.${mac}`,
      'nonsense',
    ]) {
      await expect(svc().refresh(forged)).rejects.toMatchObject({ code: 'REFRESH_TOKEN_INVALID' });
    }
    expect(await s.gw.sessions.get(s.session.id)).not.toBeNull();
    await expect(svc().refresh(handle)).resolves.toHaveProperty('access_token');
  });

  it('an expired handle is refused (REFRESH_TOKEN_EXPIRED)', async () => {
    const { refresh_token: handle = '' } = await svc().issueForSession(s.session.id, { withRefresh: true });
    s.clock.advance(43_200_000);
    await expect(svc().refresh(handle)).rejects.toMatchObject({ code: 'REFRESH_TOKEN_EXPIRED' });
  });
});

describe('revocation on every request (TOK-4, ENT-5)', () => {
  it('a user, group or session marker later than iat refuses the token, even when it sits in the verified cache', async () => {
    const keys = [
      () => revocationKeys.user(s.user.id),
      () => revocationKeys.group(s.group.id),
      (sessionId: string) => revocationKeys.session(sessionId),
    ];
    for (const keyOf of keys) {
      const session = await newSession(s.gw, s.user);
      const key = keyOf(session.id);
      const token = await accessToken(s.gw, session);
      await expect(svc().authenticate(token)).resolves.toBeDefined(); // now cached
      s.clock.advance(1);
      await s.gw.sessions.markRevoked([key], s.clock.now());
      await expect(svc().authenticate(token)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    }
  });

  it('a marker of another group or an older marker does not refuse it', async () => {
    await s.gw.sessions.markRevoked([revocationKeys.user(s.user.id)], s.clock.now() - 1);
    const session = await newSession(s.gw, s.user);
    const token = await accessToken(s.gw, session);
    await s.gw.sessions.markRevoked([revocationKeys.group('another-group')], s.clock.now() + 5);
    await expect(svc().authenticate(token)).resolves.toMatchObject({ groups: [s.group.id] });
  });

  it('a user marker revokes the session for new tokens too; after a new login the token lacks the removed group', async () => {
    s.clock.advance(1);
    await s.gw.store.groups.update(s.account.id, s.group.id, 1, { memberIds: [] }, 'admin');
    await s.gw.sessions.markRevoked([revocationKeys.user(s.user.id)], s.clock.now());
    await expect(svc().issueForSession(s.session.id)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    const again = await newSession(s.gw, s.user);
    expect(decodeJwt(await accessToken(s.gw, again)).groups).toEqual([]);
  });

  it('introspection answers active with the claims, or only {active:false}', async () => {
    const token = await accessToken(s.gw, s.session);
    await expect(svc().introspect(token)).resolves.toMatchObject({
      active: true,
      token_type: 'Bearer',
      sub: expect.stringContaining(s.user.id),
    });
    await s.gw.sessions.end(s.session.id);
    await expect(svc().introspect(token)).resolves.toEqual({ active: false });
  });
});

describe('Lru', () => {
  it('keeps at most its capacity and evicts the least recently used', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the youngest
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect([lru.get('a'), lru.get('c'), lru.size]).toEqual([1, 3, 2]);
  });

  it('moves an entry on a hit once it has aged past the young quarter, so a hot entry is never evicted', () => {
    const lru = new Lru<string, number>(8); // young quarter: the last 2 placements
    lru.set('hot', 0);
    for (let i = 1; i <= 20; i++) {
      lru.set(`k${i}`, i);
      expect(lru.get('hot')).toBe(0); // read between every insertion: always survives
    }
    expect(lru.size).toBe(8);
    // An entry not read again goes after `capacity` placements, as with exact LRU.
    expect([lru.get('k13'), lru.get('k14')]).toEqual([undefined, 14]);
  });
});
