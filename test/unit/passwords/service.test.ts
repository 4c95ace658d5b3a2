import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import { testConfig } from '../../../src/config/load.js';
import { AppError } from '../../../src/errors.js';
import { appendHistory, checkPassword, isExpired, isReused, PasswordService } from '../../../src/passwords/index.js';

const policy = testConfig().passwords;
const identity = { username: 'alice', accountId: '0123456789abcdef0123456789abcdef', accountAlias: 'acme7' };
const DAY = 24 * 60 * 60 * 1000;

/** Distinct valid passwords P0..Pk and their history, oldest first, as a user who set each in turn has. */
async function historyOf(
  service: PasswordService,
  count: number,
  n: number,
): Promise<{ passwords: string[]; history: string[] }> {
  const passwords = Array.from({ length: count }, (_, i) => `Kx7#mQ2!vR9z${String.fromCharCode(65 + i)}`);
  let history: string[] = [];
  for (const pw of passwords) history = appendHistory(history, await service.hash(pw), n);
  return { passwords, history };
}

describe('PWD-7 history', () => {
  const service = new PasswordService(policy, new ManualClock());

  it('appendHistory keeps the last N hashes, oldest dropped first', () => {
    let h: string[] = [];
    for (const x of ['a', 'b', 'c', 'd']) h = appendHistory(h, x, 3);
    expect(h).toEqual(['b', 'c', 'd']);
    expect(appendHistory(['a', 'b'], 'c', 1)).toEqual(['c']);
  });

  it.each([0, 25, 2.5])('appendHistory refuses N = %s (must be 1–24)', (n) => {
    expect(() => appendHistory([], 'x', n)).toThrow(RangeError);
  });

  it('refuses any of the last N passwords, accepts the one before them (N = 5, N + 1 set)', async () => {
    const n = 5;
    const { passwords, history } = await historyOf(service, n + 1, n);
    expect(history).toHaveLength(n);
    const [oldest, ...lastN] = passwords;
    for (const pw of lastN) expect(await isReused(pw, history)).toBe(true);
    expect(await isReused(oldest ?? '', history)).toBe(false);
  });

  it('checks only the user’s current N when a longer history is stored', async () => {
    const { passwords, history } = await historyOf(service, 4, 24);
    const ctx = { ...identity, history, reuseRestriction: 2 };
    expect((await service.checkNewPassword(passwords[1] ?? '', ctx)).map((v) => v.code)).toEqual([]);
    expect((await service.checkNewPassword(passwords[2] ?? '', ctx)).map((v) => v.code)).toEqual(['PASSWORD_REUSED']);
  });

  it('uses the configured default N when the user has none', async () => {
    const { passwords, history } = await historyOf(service, 6, 24);
    const ctx = { ...identity, history };
    expect(policy.defaultReuseRestriction).toBe(5);
    expect(await service.checkNewPassword(passwords[0] ?? '', ctx)).toEqual([]);
    expect((await service.checkNewPassword(passwords[1] ?? '', ctx)).map((v) => v.code)).toEqual(['PASSWORD_REUSED']);
  });

  it('a corrupt history entry does not break the check', async () => {
    expect(await isReused('Kx7#mQ2!vR9z', ['garbage', ''])).toBe(false);
  });
});

describe('validateNewPassword (PWD-9)', () => {
  const service = new PasswordService(policy, new ManualClock());

  it('reports rule violations and reuse together in one PASSWORD_REJECTED', async () => {
    const reusedShort = 'Kx7#mQ2!';
    const history = [await service.hash(reusedShort)];
    const err = await service.validateNewPassword(reusedShort, { ...identity, history }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const violations = (err as AppError).details as { violations: { path: string; code: string }[] };
    expect(violations.violations.map((v) => [v.path, v.code])).toEqual([
      ['password', 'PASSWORD_TOO_SHORT'],
      ['password', 'PASSWORD_TOO_WEAK'],
      ['password', 'PASSWORD_REUSED'],
    ]);
  });

  it('resolves for a good new password', async () => {
    await expect(service.validateNewPassword('Kx7#mQ2!vR9z', { ...identity, history: [] })).resolves.toBeUndefined();
  });
});

describe('PasswordService hashing', () => {
  const service = new PasswordService(policy, new ManualClock());

  it('hashes with the configured params, verifies, and detects rehash against a stronger config', async () => {
    const h = await service.hash('Kx7#mQ2!vR9z');
    expect(h.startsWith('$argon2id$v=19$m=1024,t=1,p=1$')).toBe(true);
    expect(await service.verify(h, 'Kx7#mQ2!vR9z')).toBe(true);
    expect(await service.verify(h, 'Kx7#mQ2!vR9Z')).toBe(false);
    expect(service.needsRehash(h)).toBe(false);
    const stronger = new PasswordService({ ...policy, argon2: { ...policy.argon2, timeCost: 2 } }, new ManualClock());
    expect(stronger.needsRehash(h)).toBe(true);
  });

  it('dummyVerify resolves on every call (LOGIN-3)', async () => {
    await expect(service.dummyVerify()).resolves.toBeUndefined();
    await expect(service.dummyVerify()).resolves.toBeUndefined();
  });

  it('generate() returns a password passing every rule for that user (ENT-2)', () => {
    for (let i = 0; i < 5; i++) expect(checkPassword(service.generate(identity), identity, policy)).toEqual([]);
  });
});

describe('PWD-8 expiry', () => {
  it('expires exactly expiryDays after the change, not a millisecond before', () => {
    const clock = new ManualClock();
    const service = new PasswordService(policy, clock);
    const changedAt = clock.now();
    clock.advance(90 * DAY - 1);
    expect(service.isExpired(changedAt)).toBe(false);
    clock.advance(1);
    expect(service.isExpired(changedAt)).toBe(true);
  });

  it('follows the configured number of days', () => {
    expect(isExpired(0, 30 * DAY, 30)).toBe(true);
    expect(isExpired(0, 30 * DAY - 1, 30)).toBe(false);
  });

  it('never expires with expiryDays 0', () => {
    const clock = new ManualClock();
    const service = new PasswordService({ ...policy, expiryDays: 0 }, clock);
    const changedAt = clock.now();
    clock.advance(10 * 365 * DAY);
    expect(service.isExpired(changedAt)).toBe(false);
  });
});
