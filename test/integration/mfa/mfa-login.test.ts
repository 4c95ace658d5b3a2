import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import type { Account, AuditEvent } from '../../../src/store/ports.js';
import {
  codeAt,
  createAccount,
  createUser,
  errorCode,
  PASSWORD,
  pendingMfa,
  postJson,
  sessionCookie,
  sessionOf,
  startGateway,
  type TestGateway,
} from './helpers.js';

/** LOGIN-4 through the HTTP stack: enrol in My Info, then the login MFA step (JSON twin). */
describe('TOTP MFA: enrolment, login step, replay, recovery codes, lockout, disable (LOGIN-4, LOGIN-7)', () => {
  const clock = new ManualClock(Date.UTC(2026, 4, 1, 12, 0, 10));
  let t: TestGateway;
  let account: Account;

  const audit = async (action: string): Promise<AuditEvent[]> =>
    (await t.gw.store.audit.list(account.id, { limit: 100 })).items.filter((e) => e.action === action);

  /** Signs in `name`, enrols through /v1/me/mfa, confirms; returns the secret and recovery codes. */
  async function enrol(name: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const s = await sessionOf(t, account.id, name, PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const begin = await postJson(t, '/v1/me/mfa/enrolment', {}, h);
    expect(begin.status).toBe(200);
    const secret = String(begin.body.secret);
    const uri = new URL(String(begin.body.otpauthUri));
    expect([uri.protocol, uri.host, decodeURIComponent(uri.pathname)]).toEqual([
      'otpauth:',
      'totp',
      `/iam-gateway:${account.alias}/${name}`,
    ]);
    expect([uri.searchParams.get('secret'), uri.searchParams.get('issuer')]).toEqual([secret, 'iam-gateway']);
    expect(String(begin.body.qrCodeDataUrl)).toMatch(/^data:image\/svg\+xml;base64,/);
    const stored = await t.gw.store.users.getByName(account.id, name);
    expect(stored?.mfa.enrolled).toBe(false); // not before a first valid code
    expect(stored?.mfa.secret).not.toContain(secret); // sealed at rest
    const confirm = await postJson(t, '/v1/me/mfa/enrolment/confirm', { code: await codeAt(secret, clock) }, h);
    expect(confirm.status).toBe(200);
    clock.advance(30_000); // the enrolment code's step is spent; tests start on a fresh step
    return { secret, recoveryCodes: confirm.body.recoveryCodes as string[] };
  }

  beforeAll(async () => {
    t = await startGateway(
      { IAMGW_THROTTLE_PER_IP_LIMIT: '10000', IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '10000' },
      { clock },
    );
    account = await createAccount(t.gw);
    for (const n of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina'])
      await createUser(t.gw, account, n, PASSWORD);
  });
  afterAll(() => t.close());

  it('enrolment needs a valid first code: a wrong one leaves MFA off; 10 distinct recovery codes, stored hashed; audited', async () => {
    const s = await sessionOf(t, account.id, 'alice', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const begin = await postJson(t, '/v1/me/mfa/enrolment', {}, h);
    const bad = await postJson(t, '/v1/me/mfa/enrolment/confirm', { code: '000000' }, h);
    expect([bad.status, errorCode(bad.body)]).toEqual([401, 'MFA_CODE_INVALID']);
    expect((await t.gw.store.users.getByName(account.id, 'alice'))?.mfa.enrolled).toBe(false);
    const ok = await postJson(
      t,
      '/v1/me/mfa/enrolment/confirm',
      { code: await codeAt(String(begin.body.secret), clock) },
      h,
    );
    const codes = ok.body.recoveryCodes as string[];
    expect(new Set(codes).size).toBe(10);
    const user = await t.gw.store.users.getByName(account.id, 'alice');
    expect(user?.mfa.enrolled).toBe(true);
    expect(user?.mfa.recoveryCodeHashes).toHaveLength(10);
    for (const c of codes) expect(JSON.stringify(user)).not.toContain(c);
    expect((await audit('mfa.enrol')).map((e) => e.target)).toContain(user?.id);
    // Enrolling again while enrolled is refused: an attacker in a session cannot swap the authenticator.
    expect(errorCode((await postJson(t, '/v1/me/mfa/enrolment', {}, h)).body)).toBe('MFA_ALREADY_ENROLLED');
  });

  it('login: password → mfa_required; a right code → session; the same code again is refused (replay), also in the next step', async () => {
    const { secret } = await enrol('bob');
    const code = await codeAt(secret, clock);
    const first = await postJson(t, '/v1/login/mfa', {
      pendingToken: await pendingMfa(t, account.id, 'bob', PASSWORD),
      code,
    });
    expect(first.body.state).toBe('authenticated');
    const me = await fetch(`${t.base}/v1/me`, { headers: { cookie: sessionCookie(first.res) } });
    expect(((await me.json()) as { mfa: boolean }).mfa).toBe(true);

    const again = await postJson(t, '/v1/login/mfa', {
      pendingToken: await pendingMfa(t, account.id, 'bob', PASSWORD),
      code,
    });
    expect([again.status, errorCode(again.body)]).toEqual([401, 'MFA_CODE_INVALID']);
    clock.advance(30_000); // still inside ±1 window, the code matches the same (used) step
    const nextStep = await postJson(t, '/v1/login/mfa', {
      pendingToken: await pendingMfa(t, account.id, 'bob', PASSWORD),
      code,
    });
    expect(errorCode(nextStep.body)).toBe('MFA_CODE_INVALID');
  });

  it('accepts ±1 step, refuses a code from 2 steps away, and a wrong code never opens a session (object truthiness)', async () => {
    const { secret } = await enrol('carol');
    const token = await pendingMfa(t, account.id, 'carol', PASSWORD);
    for (const far of [await codeAt(secret, clock, -2), await codeAt(secret, clock, 2), '123456', 'abcdef']) {
      const r = await postJson(t, '/v1/login/mfa', { pendingToken: token, code: far });
      expect(r.body.state).toBeUndefined();
      expect(r.res.headers.getSetCookie().join()).not.toContain('iamgw_session');
    }
    const prev = await postJson(t, '/v1/login/mfa', { pendingToken: token, code: await codeAt(secret, clock, 1) }); // -1 is the enrolment step, already used
    expect(prev.body.state).toBe('authenticated');
  });

  it('a recovery code works once; the second use is refused; use is audited', async () => {
    const { recoveryCodes } = await enrol('dave');
    const code = recoveryCodes[3] ?? '';
    const ok = await postJson(t, '/v1/login/mfa', {
      pendingToken: await pendingMfa(t, account.id, 'dave', PASSWORD),
      recoveryCode: code.toUpperCase(),
    });
    expect(ok.body.state).toBe('authenticated');
    const reuse = await postJson(t, '/v1/login/mfa', {
      pendingToken: await pendingMfa(t, account.id, 'dave', PASSWORD),
      recoveryCode: code,
    });
    expect(errorCode(reuse.body)).toBe('MFA_CODE_INVALID');
    expect((await t.gw.store.users.getByName(account.id, 'dave'))?.mfa.recoveryCodeHashes).toHaveLength(9);
    expect((await audit('mfa.recovery_code.use')).length).toBeGreaterThanOrEqual(1);
  });

  it('MFA failures lock on their own counter at the threshold (the password counter is untouched); locked even with a right code', async () => {
    const { secret } = await enrol('erin');
    const token = await pendingMfa(t, account.id, 'erin', PASSWORD);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(errorCode((await postJson(t, '/v1/login/mfa', { pendingToken: token, code: '000000' })).body) ?? '');
    expect(codes).toEqual([
      'MFA_CODE_INVALID',
      'MFA_CODE_INVALID',
      'MFA_CODE_INVALID',
      'MFA_CODE_INVALID',
      'ACCOUNT_LOCKED',
    ]);
    const right = await postJson(t, '/v1/login/mfa', { pendingToken: token, code: await codeAt(secret, clock) });
    expect([right.status, errorCode(right.body)]).toEqual([423, 'ACCOUNT_LOCKED']);
    const erin = await t.gw.store.users.getByName(account.id, 'erin');
    expect(await t.gw.login.lockout.failures(account.id, erin?.id ?? '')).toBe(0);
    expect((await audit('mfa.lockout')).map((e) => e.target)).toContain(erin?.id);
    // An administrator's unlock lifts the MFA lock too (LOGIN-3): the right code then completes the login.
    expect(await t.gw.login.lockout.unlock(account.id, erin?.id ?? '')).toBe(true);
    const again = await postJson(t, '/v1/login/mfa', {
      pendingToken: await pendingMfa(t, account.id, 'erin', PASSWORD),
      code: await codeAt(secret, clock),
    });
    expect(again.body.state).toBe('authenticated');
  });

  it('disabling MFA needs proof: none, a wrong code, a replayed code or a wrong password are refused; a current code works; audited', async () => {
    const { secret } = await enrol('frank');
    const login = await postJson(t, '/v1/login/mfa', {
      pendingToken: await pendingMfa(t, account.id, 'frank', PASSWORD),
      code: await codeAt(secret, clock),
    });
    const h = { cookie: sessionCookie(login.res), 'x-csrf-token': String(login.body.csrfToken) };
    const used = await codeAt(secret, clock);
    const attempts = [{}, { code: '000000' }, { code: used }, { password: 'Wrong#Pass123' }];
    const answers = [];
    for (const proof of attempts) answers.push(errorCode((await postJson(t, '/v1/me/mfa/disable', proof, h)).body));
    expect(answers).toEqual(['PROOF_REQUIRED', 'MFA_CODE_INVALID', 'MFA_CODE_INVALID', 'RECONFIRM_FAILED']);
    expect((await t.gw.store.users.getByName(account.id, 'frank'))?.mfa.enrolled).toBe(true);
    expect(
      await postJson(t, '/v1/me/mfa/disable', { code: await codeAt(secret, clock, 1) }, h).then((r) => r.status),
    ).toBe(204);
    const frank = await t.gw.store.users.getByName(account.id, 'frank');
    expect(frank?.mfa).toEqual({ secret: null, enrolled: false, recoveryCodeHashes: [] });
    expect((await audit('mfa.disable')).map((e) => [e.target, e.details.proof])).toContainEqual([frank?.id, 'totp']);
  });

  it('regenerating recovery codes (with the password) replaces the old set; audited; CSRF is required with the cookie', async () => {
    const { recoveryCodes: old } = await enrol('gina');
    const { secret } = { secret: '' };
    void secret;
    const token = await pendingMfa(t, account.id, 'gina', PASSWORD);
    const login = await postJson(t, '/v1/login/mfa', { pendingToken: token, recoveryCode: old[0] });
    const cookie = sessionCookie(login.res);
    const noCsrf = await postJson(t, '/v1/me/mfa/recovery-codes', { password: PASSWORD }, { cookie });
    expect([noCsrf.status, errorCode(noCsrf.body)]).toEqual([403, 'CSRF_INVALID']);
    const r = await postJson(
      t,
      '/v1/me/mfa/recovery-codes',
      { password: PASSWORD },
      { cookie, 'x-csrf-token': String(login.body.csrfToken) },
    );
    const fresh = r.body.recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    const reuseOld = await postJson(t, '/v1/login/mfa', {
      pendingToken: await pendingMfa(t, account.id, 'gina', PASSWORD),
      recoveryCode: old[1],
    });
    expect(errorCode(reuseOld.body)).toBe('MFA_CODE_INVALID');
    const useNew = await postJson(t, '/v1/login/mfa', {
      pendingToken: await pendingMfa(t, account.id, 'gina', PASSWORD),
      recoveryCode: fresh[0],
    });
    expect(useNew.body.state).toBe('authenticated');
    expect((await audit('mfa.recovery_codes.regenerate')).length).toBe(1);
  });

  it('an account requiring MFA sends a user without MFA to enrolment at login (JSON), then into a session; an enrolled user cannot re-enrol there', async () => {
    const acct = await createAccount(t.gw);
    await t.gw.store.accounts.mutate(acct.id, acct.id, 'test', () => ({ settings: { mfaRequired: true } }));
    await createUser(t.gw, acct, 'hank', PASSWORD);
    const token = await pendingMfa(t, acct.id, 'hank', PASSWORD);
    const noCode = await postJson(t, '/v1/login/mfa', { pendingToken: token, code: '123456' });
    expect(errorCode(noCode.body)).toBe('MFA_NOT_ENROLLED');
    const begin = await postJson(t, '/v1/login/mfa/enrolment', { pendingToken: token });
    const done = await postJson(t, '/v1/login/mfa/enrolment/confirm', {
      pendingToken: token,
      code: await codeAt(String(begin.body.secret), clock),
    });
    expect(done.body.state).toBe('authenticated');
    expect(done.body.recoveryCodes).toHaveLength(10);
    clock.advance(30_000);
    const again = await postJson(t, '/v1/login/mfa/enrolment', {
      pendingToken: await pendingMfa(t, acct.id, 'hank', PASSWORD),
    });
    expect(errorCode(again.body)).toBe('MFA_ALREADY_ENROLLED');
  });
});
