import { describe, expect, it } from '@jest/globals';
import { loadConfig, testConfig } from '../../../src/config/load.js';
import { hashPassword, makeDummyHash, needsRehash, parsePhc, verifyPassword } from '../../../src/passwords/hash.js';

const weak = testConfig().passwords.argon2; // m=1024, t=1, p=1: fast enough for unit tests
const owasp = loadConfig({ NODE_ENV: 'development' }).passwords.argon2;

describe('PWD-10 argon2id hashing', () => {
  it('hashes with argon2id v1.3 and the configured parameters in the PHC string', async () => {
    const h = await hashPassword('Kx7#mQ2!vR9z', weak);
    expect(h).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(parsePhc(h)).toEqual({
      algorithm: 'argon2id',
      version: 19,
      memoryCostKiB: 1024,
      timeCost: 1,
      parallelism: 1,
    });
  });

  it('defaults to the OWASP parameters m=19456, t=2, p=1', async () => {
    expect(await hashPassword('Kx7#mQ2!vR9z', owasp)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same', weak)).not.toBe(await hashPassword('same', weak));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('Kx7#mQ2!vR9z', weak);
    expect(await verifyPassword(h, 'Kx7#mQ2!vR9z')).toBe(true);
    expect(await verifyPassword(h, 'kx7#mQ2!vR9z')).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['not a hash', 'Kx7#mQ2!vR9z'],
    ['truncated', '$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ'],
    ['bad base64', '$argon2id$v=19$m=1024,t=1,p=1$!!!!$####'],
    ['absurd parameters', '$argon2id$v=19$m=0,t=0,p=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['bcrypt', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
  ])('returns false, never throws, for a malformed hash (%s)', async (_kind, stored) => {
    await expect(verifyPassword(stored, 'Kx7#mQ2!vR9z')).resolves.toBe(false);
  });
});

describe('PWD-10 needsRehash', () => {
  it('is true when the stored hash is weaker than the config, in any parameter', async () => {
    const h = await hashPassword('Kx7#mQ2!vR9z', weak);
    expect(needsRehash(h, owasp)).toBe(true);
    expect(needsRehash(h, { ...weak, memoryCostKiB: 2048 })).toBe(true);
    expect(needsRehash(h, { ...weak, timeCost: 2 })).toBe(true);
    expect(needsRehash(h, { ...weak, parallelism: 2 })).toBe(true);
  });

  it('is false for equal parameters, and for stronger stored ones', async () => {
    const h = await hashPassword('Kx7#mQ2!vR9z', { memoryCostKiB: 2048, timeCost: 2, parallelism: 1 });
    expect(needsRehash(h, { memoryCostKiB: 2048, timeCost: 2, parallelism: 1 })).toBe(false);
    expect(needsRehash(h, weak)).toBe(false);
  });

  it('is true for another algorithm, an old version, or something unparseable', async () => {
    const h = await hashPassword('Kx7#mQ2!vR9z', weak);
    expect(needsRehash(h.replace('$argon2id$', '$argon2i$'), weak)).toBe(true);
    expect(needsRehash(h.replace('$v=19$', '$v=16$'), weak)).toBe(true);
    expect(needsRehash(h.replace('$v=19$', '$'), weak)).toBe(true);
    expect(needsRehash('$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', weak)).toBe(true);
    expect(needsRehash('', weak)).toBe(true);
  });
});

describe('LOGIN-3 dummy hash', () => {
  it('carries the configured parameters, so verifying against it costs what a real verify costs', async () => {
    expect(parsePhc(await makeDummyHash(weak))).toMatchObject({
      algorithm: 'argon2id',
      memoryCostKiB: 1024,
      timeCost: 1,
    });
  });
});
