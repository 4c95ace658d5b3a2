import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock, randomIds } from '../../../src/clock.js';
import type { Account, User } from '../../../src/store/ports.js';
import {
  apiLogin,
  codeAt,
  createAccount,
  createUser,
  errorCode,
  NO_THROTTLE,
  PASSWORD,
  postJson,
  sessionOf,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';
import {
  refusal,
  switched,
  switchEvents,
  switchTo,
  targetsOf,
  verified,
  whoAmI,
  type Session,
} from './switch-helpers.js';

/**
 * LOGIN-8 refusals: a switch never asks less than a login of the target would. Each refusal is 403
 * SWITCH_NOT_ALLOWED with a stable `details.reason` (MFA codes keep the MFA step's own codes), hands out no
 * session, leaves the caller's session alive, and is audited in both accounts.
 */
describe('account switching refusals: contact, disabled, locked, password change, IP control, MFA (LOGIN-8, LOGIN-3/4/5)', () => {
  const clock = new ManualClock(Date.UTC(2026, 4, 1, 12, 0, 10));
  const EMAIL = 'me@example.com';
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  let t: TestGateway;
  let a: Account;
  let b: Account;
  let d: Account;
  const u: Record<string, User> = {};
  let mfaSecret = '';
  const rootSession = () => sessionOf(t, a.id, 'root', PASSWORD);

  beforeAll(async () => {
    t = await startGateway({ ...NO_THROTTLE, IAMGW_HTTP_TRUSTED_PROXIES: '127.0.0.1' }, { clock });
    [a, b, d] = [await createAccount(t.gw), await createAccount(t.gw), await createAccount(t.gw)];
    await t.gw.store.accounts.update(d.id, d.id, 1, { settings: { mfaRequired: true } }, 'test');
    const mine = { email: verified(EMAIL) };
    u.root = await createUser(t.gw, a, 'root', PASSWORD, { kind: 'root', ...mine });
    u.unverified = await createUser(t.gw, b, 'b-unverified', PASSWORD, { email: { value: EMAIL, verified: false } });
    u.differs = await createUser(t.gw, b, 'b-differs', PASSWORD, { email: verified('not-me@example.com') });
    u.disabled = await createUser(t.gw, b, 'b-disabled', PASSWORD, { ...mine, state: 'disabled' });
    u.locked = await createUser(t.gw, b, 'b-locked', PASSWORD, mine);
    u.mustChange = await createUser(t.gw, b, 'b-must-change', PASSWORD, { ...mine, mustChangePassword: true });
    u.ip = await createUser(t.gw, b, 'b-ip', PASSWORD, {
      ...mine,
      consoleIpControl: { enabled: true, entries: ['198.51.100.0/24'] },
    });
    u.mfa = await createUser(t.gw, b, 'b-mfa', PASSWORD, mine);
    u.needsEnrolment = await createUser(t.gw, d, 'd-no-mfa-yet', PASSWORD, mine);
    // b-locked: five wrong passwords (LOGIN-3); b-mfa: enrols an authenticator through My Info (LOGIN-4)
    for (let i = 0; i < 5; i++) await apiLogin(t, { account: b.id, username: 'b-locked', password: 'Wrong#Pass1' });
    expect((await apiLogin(t, { account: b.id, username: 'b-locked', password: PASSWORD })).status).toBe(423);
    const s = await sessionOf(t, b.id, 'b-mfa', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    mfaSecret = String((await postJson(t, '/v1/me/mfa/enrolment', {}, h)).body.secret);
    expect(
      (await postJson(t, '/v1/me/mfa/enrolment/confirm', { code: await codeAt(mfaSecret, clock) }, h)).status,
    ).toBe(200);
    clock.advance(30_000);
  });
  afterAll(() => t.close());

  /** The account.switch events of `accountId` written while `act` ran (the test clock stands still, so not by time). */
  async function newEvents(accountIds: string[], act: () => Promise<void>) {
    const seen = new Set((await Promise.all(accountIds.map((id) => switchEvents(t, id)))).flat().map((e) => e.id));
    await act();
    return Promise.all(accountIds.map(async (id) => (await switchEvents(t, id)).filter((e) => !seen.has(e.id))));
  }

  /** Refused without a new session; the caller's session still works; one failure event in each account. */
  async function expectRefused(
    s: Session,
    target: User,
    reason: string,
    headers: Record<string, string> = {},
  ): Promise<void> {
    const [out, inTarget] = await newEvents([a.id, target.accountId], async () => {
      expect(refusal(await switchTo(t, s, target, {}, headers))).toEqual([403, 'SWITCH_NOT_ALLOWED', reason]);
    });
    expect(await whoAmI(t, s.cookie)).toMatchObject({ accountId: a.id, userId: u.root?.id });
    for (const [events, direction] of [
      [out, 'out'],
      [inTarget, 'in'],
    ] as const) {
      expect(events).toHaveLength(1);
      expect(events?.[0]).toMatchObject({
        actor: u.root?.id,
        target: target.id,
        result: 'failure',
        reasonCode: reason,
        details: { direction, fromAccountId: a.id, toAccountId: target.accountId },
      });
    }
  }

  it('a matching contact that is unverified, or a contact that differs: one refusal, NO_SHARED_VERIFIED_CONTACT', async () => {
    const s = await rootSession();
    await expectRefused(s, u.unverified as User, 'NO_SHARED_VERIFIED_CONTACT');
    await expectRefused(s, u.differs as User, 'NO_SHARED_VERIFIED_CONTACT');
    // an unknown user (or a real id under the wrong account) answers the same, and only the caller's account records it
    for (const to of [
      { accountId: b.id, id: randomIds.hex32() },
      { accountId: d.id, id: String(u.locked?.id) },
    ])
      expect(refusal(await switchTo(t, s, to))).toEqual([403, 'SWITCH_NOT_ALLOWED', 'NO_SHARED_VERIFIED_CONTACT']);
    // the caller's own contact unverified: b-unverified cannot switch into root either
    const other = await sessionOf(t, b.id, 'b-unverified', PASSWORD);
    expect(refusal(await switchTo(t, other, u.root as User))).toEqual([
      403,
      'SWITCH_NOT_ALLOWED',
      'NO_SHARED_VERIFIED_CONTACT',
    ]);
    expect(refusal(await switchTo(t, s, u.root as User))).toEqual([403, 'SWITCH_NOT_ALLOWED', 'SAME_USER']);
  });

  it('a disabled target is refused (and not listed)', async () => {
    const s = await rootSession();
    expect((await targetsOf(t, s)).map((x) => x.userName)).not.toContain('b-disabled');
    await expectRefused(s, u.disabled as User, 'TARGET_DISABLED');
  });

  it('a locked-out target is refused until an administrator unlocks it', async () => {
    const s = await rootSession();
    await expectRefused(s, u.locked as User, 'TARGET_LOCKED');
    await t.gw.login.lockout.unlock(b.id, String(u.locked?.id));
    const ok = await switched(await switchTo(t, s, u.locked as User));
    expect(await whoAmI(t, ok.cookie)).toMatchObject({ accountId: b.id, userId: u.locked?.id });
  });

  it('a target that owes a password change is refused (the change belongs to its own login)', async () => {
    await expectRefused(await rootSession(), u.mustChange as User, 'TARGET_PASSWORD_CHANGE_REQUIRED');
  });

  it("the target's console IP control applies: from outside its list refused (and its deny audited), from inside allowed", async () => {
    const s = await rootSession();
    await expectRefused(s, u.ip as User, 'CONSOLE_IP_DENIED', from('203.0.113.9'));
    const deny = (await t.gw.store.audit.list(b.id, { limit: 500 })).items.find(
      (e) => e.action === 'console_ip_control.deny',
    );
    expect(deny).toMatchObject({ target: u.ip?.id, sourceIp: '203.0.113.9', details: { during: 'login' } });
    const ok = await switched(await switchTo(t, s, u.ip as User, {}, from('198.51.100.20')));
    expect(await whoAmI(t, ok.cookie, from('198.51.100.20'))).toMatchObject({ userId: u.ip?.id });
    expect(await whoAmI(t, ok.cookie, from('203.0.113.9'))).toBeNull(); // and the new session stays under b-ip's control
  });

  it("a target with MFA asks for its code when this session has no MFA: none → MFA_REQUIRED, wrong → MFA_CODE_INVALID, right → MFA'd session", async () => {
    const s = await rootSession();
    expect((await targetsOf(t, s)).find((x) => x.userName === 'b-mfa')?.mfaCodeRequired).toBe(true);
    await expectRefused(s, u.mfa as User, 'MFA_REQUIRED');
    const [, inB0] = await newEvents([a.id, b.id], async () => {
      const wrong = await switchTo(t, s, u.mfa as User, { code: '000000' });
      expect([wrong.status, errorCode(wrong.body)]).toEqual([401, 'MFA_CODE_INVALID']);
    });
    expect(inB0).toEqual([
      expect.objectContaining({ result: 'failure', reasonCode: 'MFA_CODE_INVALID', target: u.mfa?.id }),
    ]);
    expect(await whoAmI(t, s.cookie)).not.toBeNull();

    const code = await codeAt(mfaSecret, clock);
    const inB = await switched(await switchTo(t, s, u.mfa as User, { code }));
    expect(await whoAmI(t, inB.cookie)).toMatchObject({ userId: u.mfa?.id, mfa: true });
    // the MFA'd session carries the flag back to root, and from there b-mfa needs no second code
    const back = await switched(await switchTo(t, inB, u.root as User));
    expect(await whoAmI(t, back.cookie)).toMatchObject({ userId: u.root?.id, mfa: true });
    expect((await targetsOf(t, back)).find((x) => x.userName === 'b-mfa')?.mfaCodeRequired).toBe(false);
    expect((await switchTo(t, back, u.mfa as User)).status).toBe(200);
    // the code used above is spent (replay cache), even for a fresh attempt
    const again = await switchTo(t, await rootSession(), u.mfa as User, { code });
    expect(errorCode(again.body)).toBe('MFA_CODE_INVALID');
  });

  it('an account that requires MFA, with a target not enrolled yet: refused, enrolment belongs to its own login', async () => {
    await expectRefused(await rootSession(), u.needsEnrolment as User, 'MFA_ENROLMENT_REQUIRED');
  });

  it('bad input is a 400 with every violation; a switch needs the CSRF token', async () => {
    const s = await rootSession();
    const bad = await postJson(
      t,
      '/v1/me/switch',
      { userId: '', accountId: 'x'.repeat(65), extra: 1 },
      { cookie: s.cookie, 'x-csrf-token': s.csrf },
    );
    expect(bad.status).toBe(400);
    expect((bad.body.error as { details: { violations: unknown[] } }).details.violations.length).toBeGreaterThanOrEqual(
      3,
    );
    expect(
      (await postJson(t, '/v1/me/switch', { accountId: b.id, userId: u.ip?.id }, { cookie: s.cookie })).status,
    ).toBe(403);
    expect(await whoAmI(t, s.cookie)).not.toBeNull();
  });
});
