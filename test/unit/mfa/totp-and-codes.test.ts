import { describe, expect, it } from '@jest/globals';
import { generate, generateSecret, verify } from 'otplib';
import { matchTotp } from '../../../src/mfa/totp.js';
import {
  findRecoveryCode,
  hashRecoveryCode,
  newRecoveryCodes,
  normaliseRecoveryCode,
} from '../../../src/mfa/recovery-codes.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 15);
const at = (secret: string, ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });

describe('matchTotp (LOGIN-4)', () => {
  const secret = generateSecret();

  it('returns the matched time step within ±window and null beyond it', async () => {
    const step = Math.floor(T0 / 30_000);
    expect(await matchTotp(secret, await at(secret, T0), T0, 1)).toBe(step);
    expect(await matchTotp(secret, await at(secret, T0 - 30_000), T0, 1)).toBe(step - 1);
    expect(await matchTotp(secret, await at(secret, T0 + 30_000), T0, 1)).toBe(step + 1);
    expect(await matchTotp(secret, await at(secret, T0 - 60_000), T0, 1)).toBeNull();
    expect(await matchTotp(secret, await at(secret, T0 + 90_000), T0, 1)).toBeNull();
    expect(await matchTotp(secret, await at(secret, T0 - 30_000), T0, 0)).toBeNull();
  });

  it('otplib v13 verify() resolves to an object that is truthy even for a wrong code: only .valid counts', async () => {
    const wrong = await verify({ secret, token: '000000', epoch: Math.floor(T0 / 1000) });
    expect(Boolean(wrong)).toBe(true); // the pitfall: `if (await verify(...))` would let this in
    const code = await at(secret, T0);
    const wrongCode = code === '000000' ? '000001' : '000000';
    expect(await matchTotp(secret, wrongCode, T0, 1)).toBeNull();
  });

  it('refuses malformed codes without asking otplib', async () => {
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 12345', '12345\n'])
      expect(await matchTotp(secret, bad, T0, 1)).toBeNull();
  });
});

describe('recovery codes', () => {
  it('10 distinct 16-character codes, normalised case- and dash-insensitively', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    const c = codes[0] ?? '';
    expect(normaliseRecoveryCode(c.toUpperCase().replace(/-/g, ' '))).toBe(c.replace(/-/g, ''));
    expect(normaliseRecoveryCode('too-short')).toBeNull();
  });

  it('hashes are bound to the user and found only for the right code', () => {
    const [a = '', b = ''] = newRecoveryCodes().map((c) => normaliseRecoveryCode(c) ?? '');
    const hashes = [hashRecoveryCode(a, 'u1'), hashRecoveryCode(b, 'u1')];
    expect(findRecoveryCode(hashes, hashRecoveryCode(b, 'u1'))).toBe(1);
    expect(findRecoveryCode(hashes, hashRecoveryCode(b, 'u2'))).toBe(-1);
    expect(hashes.join()).not.toContain(a);
  });
});
