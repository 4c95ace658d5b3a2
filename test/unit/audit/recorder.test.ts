import { describe, expect, it } from '@jest/globals';
import { AuditRecorder, AuditSecretError, assertNoSecrets, isSecretKey } from '../../../src/audit/index.js';
import { ManualClock, randomIds } from '../../../src/clock.js';
import { createMemoryStore } from '../../../src/store/memory/memory-store.js';

const base = {
  accountId: 'a'.repeat(32),
  actor: 'u1',
  action: 'iam:updateUser',
  target: 'u2',
  sourceIp: '203.0.113.9',
  result: 'success' as const,
};

async function recorder() {
  const clock = new ManualClock(Date.UTC(2026, 3, 1));
  const store = createMemoryStore({ clock, ids: randomIds });
  await store.init();
  return { store, clock, audit: new AuditRecorder(store.audit) };
}

describe('audit recorder (LOGIN-7, ENT-7)', () => {
  it('writes who, what, when, source IP, result, reason code and details; absent reason and details are null and {}', async () => {
    const { store, clock, audit } = await recorder();
    const written = await audit.record(base);
    expect(written).toMatchObject({ ...base, at: clock.now(), reasonCode: null, details: {} });
    await audit.record({
      ...base,
      result: 'failure',
      reasonCode: 'ACCESS_DENIED',
      details: { resources: ['srn:e::x:::scp-iam:user/u2'] },
    });
    const listed = (await store.audit.list(base.accountId)).items;
    expect(listed).toHaveLength(2);
    expect(listed.find((e) => e.result === 'failure')).toMatchObject({
      reasonCode: 'ACCESS_DENIED',
      details: { resources: ['srn:e::x:::scp-iam:user/u2'] },
    });
  });

  it.each([
    ['password', { password: 'Gen3rated!pw' }],
    ['camelCase hash', { passwordHash: 'x' }],
    ['snake_case codes', { recovery_codes: ['ABCD'] }],
    ['kebab-case token', { 'session-token': 't' }],
    ['run-together secret', { clientsecret: 's' }],
    ['one-time code', { code: '123456' }],
    ['otp', { otp: '123456' }],
    ['nested', { change: { user: { newPassword: 'p' } } }],
    ['inside an array', { refused: [{ id: 'x', token: 't' }] }],
    ['an argon2 hash under an innocent key', { note: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA' }],
    ['a bcrypt hash in an array', { values: ['$2b$10$abcdefghijklmnopqrstuv'] }],
  ])('refuses details with a secret (%s) and writes nothing', async (_label, details) => {
    const { store, audit } = await recorder();
    await expect(audit.record({ ...base, details })).rejects.toBeInstanceOf(AuditSecretError);
    expect((await store.audit.list(base.accountId)).items).toEqual([]);
  });

  it('accepts the detail keys the capabilities use', () => {
    const used = {
      attempt: 3,
      failures: 5,
      wasLocked: true,
      reason: 'expired',
      mfa: true,
      proof: 'password',
      fields: ['email', 'password'],
      otherSessionsEnded: 2,
      sharedContact: 'email',
      from: 'iam',
      to: 'root',
      enabled: true,
      entries: 2,
      during: 'login',
      resources: ['srn:e::a:::scp-iam:user/u'],
      deleted: ['x'],
      notFound: [],
      refused: [{ id: 'r', reason: 'ROOT_USER_PROTECTED' }],
      decision: 'ImplicitDeny',
      deciding: [{ policyId: 'p', sid: null }],
      principalType: 'user',
      keyCount: 1,
      reasonText: 'ok',
    };
    expect(() => assertNoSecrets(used)).not.toThrow();
  });

  it('names the offending path', () => {
    expect(() => assertNoSecrets({ a: [{ b: { apiKey: 'k' } }] })).toThrow('details.a[0].b.apiKey');
    expect(isSecretKey('reasonCode')).toBe(true);
    expect(isSecretKey('reason')).toBe(false);
  });
});
