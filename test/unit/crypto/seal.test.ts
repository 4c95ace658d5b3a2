import { describe, expect, it } from '@jest/globals';
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';
import { Sealer, keyIdOf, type SealBinding } from '../../../src/crypto/index.js';
import { TokenSecrets } from '../../../src/tokens/index.js';
import { legacySeal } from '../../support/legacy-seal.js';

const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);
const K3 = Buffer.alloc(32, 3);
const MFA: SealBinding = { purpose: 'mfa-totp-secret', context: 'user-1' };
const SECRET = 'JBSWY3DPEHPK3PXP';

/** The envelope with bit `bit` of byte `at` of part `part` (2 = iv, 3 = ciphertext‖tag) flipped. */
function flip(envelope: string, part: 2 | 3, at: (bytes: Buffer) => number, bit = 0): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  const i = at(bytes);
  bytes[i] = (bytes[i] ?? 0) ^ (1 << bit);
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

const refusal = (code: string) => expect.objectContaining({ code });

describe('Sealer: AES-256-GCM envelopes under a named KEK (LOGIN-4, TOK-1, OPS-1)', () => {
  const sealer = new Sealer(K1);

  it('round-trips; the envelope is v2.<kid>.<iv>.<ct‖tag>, names the key, hides the plaintext and never repeats', () => {
    const a = sealer.seal(SECRET, MFA);
    const b = sealer.seal(SECRET, MFA);
    expect(a).toMatch(/^v2\.[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a.split('.')[1]).toBe(keyIdOf(K1));
    expect(a).not.toBe(b); // a fresh IV each time
    expect(a).not.toContain(SECRET);
    expect(sealer.open(a, MFA)).toBe(SECRET);
    expect(new Sealer(K1).open(b, MFA)).toBe(SECRET); // same KEK, another instance
    expect(sealer.open(sealer.seal('', MFA), MFA)).toBe('');
  });

  it('refuses one flipped bit anywhere: ciphertext, tag, IV (SEAL_INVALID)', () => {
    const env = sealer.seal(SECRET, MFA);
    for (const bit of [0, 7]) {
      expect(() =>
        sealer.open(
          flip(env, 3, () => 0, bit),
          MFA,
        ),
      ).toThrow(refusal('SEAL_INVALID')); // ciphertext
      expect(() =>
        sealer.open(
          flip(env, 3, (b) => b.length - 1, bit),
          MFA,
        ),
      ).toThrow(refusal('SEAL_INVALID')); // tag
      expect(() =>
        sealer.open(
          flip(env, 2, () => 5, bit),
          MFA,
        ),
      ).toThrow(refusal('SEAL_INVALID')); // iv
    }
  });

  it('refuses an altered key id: unknown → SEAL_KEY_UNKNOWN naming it; another configured key → SEAL_INVALID', () => {
    const both = new Sealer(K1, [K2]);
    const env = both.seal(SECRET, MFA);
    const [v, , iv, body] = env.split('.');
    const stranger = keyIdOf(K3);
    expect(() => both.open([v, stranger, iv, body].join('.'), MFA)).toThrow(
      expect.objectContaining({ code: 'SEAL_KEY_UNKNOWN', details: { keyId: stranger } }),
    );
    expect(() => both.open([v, keyIdOf(K2), iv, body].join('.'), MFA)).toThrow(refusal('SEAL_INVALID'));
  });

  it('refuses another context (a secret copied onto another user) and another purpose (an MFA secret as a signing key)', () => {
    const env = sealer.seal(SECRET, MFA);
    expect(() => sealer.open(env, { ...MFA, context: 'user-2' })).toThrow(refusal('SEAL_INVALID'));
    expect(() => sealer.open(env, { purpose: 'signing-key', context: 'user-1' })).toThrow(refusal('SEAL_INVALID'));
    // Purpose and context are separated unambiguously: moving characters between them changes the binding.
    const odd = sealer.seal(SECRET, { purpose: 'signing-key', context: 'a\nb' });
    expect(() => sealer.open(odd, { purpose: 'signing-key', context: 'a\nc' })).toThrow(refusal('SEAL_INVALID'));
  });

  it('refuses malformed envelopes and non-canonical base64 (no malleable encodings)', () => {
    const env = sealer.seal(SECRET, MFA);
    const [v, kid, iv, body] = env.split('.') as [string, string, string, string];
    const bad = [
      '',
      'garbage',
      'v3.x.y.z',
      `${env}.extra`,
      [v, kid, iv].join('.'),
      [v, kid, iv, body.slice(0, 10)].join('.'),
      [v, kid, `${iv}A`, body].join('.'),
      [v, kid, iv, `${body}*`].join('.'),
      [v, 'short', iv, body].join('.'),
    ];
    for (const e of bad) expect(() => sealer.open(e, MFA)).toThrow(refusal('SEAL_INVALID'));
  });

  it('rotation: sealed under K1, opens with K2 current + K1 previous; new seals use K2; reseal moves it; K1 can then go', () => {
    const old = new Sealer(K1).seal(SECRET, MFA);
    const rotated = new Sealer(K2, [K1]);
    expect(rotated.currentKeyId).toBe(keyIdOf(K2));
    expect(rotated.keyIds).toEqual([keyIdOf(K2), keyIdOf(K1)]);
    expect(rotated.open(old, MFA)).toBe(SECRET);
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.seal(SECRET, MFA))).toBe(true);
    expect(() => new Sealer(K2).open(old, MFA)).toThrow(
      expect.objectContaining({ code: 'SEAL_KEY_UNKNOWN', details: { keyId: keyIdOf(K1) } }),
    );

    const moved = rotated.reseal(old, MFA);
    expect(moved.split('.')[1]).toBe(keyIdOf(K2));
    expect(new Sealer(K2).open(moved, MFA)).toBe(SECRET);
    // reseal opens first, with the same checks
    expect(() => rotated.reseal(old, { ...MFA, context: 'user-2' })).toThrow(refusal('SEAL_INVALID'));
  });

  it('the same KEK twice is a configuration error', () => {
    expect(() => new Sealer(K1, [K2, Buffer.from(K1)])).toThrow(/configured twice/);
    expect(() => new Sealer(Buffer.alloc(16))).toThrow(/32 bytes/);
  });

  it('an empty KEK gets an ephemeral key, said once, and two processes cannot read each other', () => {
    const warnings: string[] = [];
    const a = Sealer.fromSettings({ keyEncryptionKey: '', previousKeyEncryptionKeys: [] }, (m) => warnings.push(m));
    const b = Sealer.fromSettings({ keyEncryptionKey: '', previousKeyEncryptionKeys: [] }, (m) => warnings.push(m));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/tokens\.keyEncryptionKey is empty: using an ephemeral key/);
    expect(() => b.open(a.seal(SECRET, MFA), MFA)).toThrow(refusal('SEAL_KEY_UNKNOWN'));
    const configured = Sealer.fromSettings(
      { keyEncryptionKey: K2.toString('base64'), previousKeyEncryptionKeys: [K1.toString('base64')] },
      () => {
        throw new Error('no warning with a KEK');
      },
    );
    expect(configured.keyIds).toEqual([keyIdOf(K2), keyIdOf(K1)]);
  });

  it('never shows key material when printed or serialised', () => {
    const s = new Sealer(K1, [K2]);
    const shown = `${inspect(s, { depth: 10, showHidden: true })} ${JSON.stringify(s)}`;
    for (const k of [K1, K2]) {
      for (const form of [k.toString('base64'), k.toString('hex'), k.toString('base64url')])
        expect(shown).not.toContain(form);
    }
    for (const info of ['iam-gateway seal v2']) {
      const wrap = Buffer.from(hkdfSync('sha256', K1, Buffer.alloc(0), info, 32));
      expect(shown).not.toContain(wrap.toString('hex'));
    }
  });
});

describe('envelopes from before key ids (v1, src/mfa/secret-box.ts and src/tokens/secrets.ts)', () => {
  it('still open, under the current or a previous KEK, bound to their purpose and record; reseal makes them v2', () => {
    const mfa = legacySeal(K1, 'mfa-totp-secret', SECRET, 'user-1');
    const key = legacySeal(K1, 'signing-key', 'PEM', 'kid-a');
    expect(new Sealer(K1).open(mfa, MFA)).toBe(SECRET);
    expect(new Sealer(K2, [K1]).open(key, { purpose: 'signing-key', context: 'kid-a' })).toBe('PEM');
    expect(() => new Sealer(K1).open(mfa, { ...MFA, context: 'user-2' })).toThrow(refusal('SEAL_KEY_UNKNOWN'));
    expect(() => new Sealer(K1).open(mfa, { purpose: 'signing-key', context: 'user-1' })).toThrow(
      refusal('SEAL_KEY_UNKNOWN'),
    );
    expect(() => new Sealer(K2).open(mfa, MFA)).toThrow(
      expect.objectContaining({ code: 'SEAL_KEY_UNKNOWN', details: { keyId: null, format: 'v1' } }),
    );
    expect(() =>
      new Sealer(K1).open(
        flip(mfa, 3, () => 0),
        MFA,
      ),
    ).toThrow(refusal('SEAL_KEY_UNKNOWN'));
    // Purposes born after key ids never had a v1 envelope.
    expect(() => new Sealer(K1).open(mfa, { purpose: 'api-key-secret', context: 'user-1' })).toThrow(
      refusal('SEAL_INVALID'),
    );

    const rotated = new Sealer(K2, [K1]);
    expect(rotated.isCurrent(mfa)).toBe(false);
    const moved = rotated.reseal(mfa, MFA);
    expect(moved).toMatch(new RegExp(`^v2\\.${keyIdOf(K2)}\\.`));
    expect(new Sealer(K2).open(moved, MFA)).toBe(SECRET);
  });
});

describe('TokenSecrets on the sealer (TOK-2 sid, TOK-4 refresh-handle MAC)', () => {
  const hkdf = (kek: Buffer, info: string) => Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), info, 32));

  it('derives exactly what it derived before issue 15 from the same KEK (tokens keep verifying across the upgrade)', () => {
    const secrets = new TokenSecrets(new Sealer(K1));
    const id = 'session-123';
    const iv = createHmac('sha256', hkdf(K1, 'iam-gateway tokens sid-iv')).update(id).digest().subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', hkdf(K1, 'iam-gateway tokens sid-enc'), iv);
    const before = Buffer.concat([iv, cipher.update(id), cipher.final(), cipher.getAuthTag()]).toString('base64url');
    expect(secrets.sidClaim(id)).toBe(before);
    expect(secrets.mac('body')).toBe(
      createHmac('sha256', hkdf(K1, 'iam-gateway tokens refresh-mac')).update('body').digest('base64url'),
    );
    const sealedUnderOldHelper = legacySeal(K1, 'signing-key', 'PEM', 'kid-a');
    expect(secrets.open(sealedUnderOldHelper, 'kid-a')).toBe('PEM');
  });

  it('sid claims and refresh MACs made under K1 still work with K2 current + K1 previous, not once K1 is gone', () => {
    const old = new TokenSecrets(new Sealer(K1));
    const sid = old.sidClaim('session-1');
    const mac = old.mac('handle-body');
    const rotated = new TokenSecrets(new Sealer(K2, [K1]));
    expect(rotated.sessionIdOf(sid)).toBe('session-1');
    expect(rotated.macMatches('handle-body', mac)).toBe(true);
    expect(rotated.sidClaim('session-1')).not.toBe(sid); // made under K2 now
    expect(rotated.macMatches('handle-body!', mac)).toBe(false);
    const k2Only = new TokenSecrets(new Sealer(K2));
    expect(k2Only.sessionIdOf(sid)).toBeNull();
    expect(k2Only.macMatches('handle-body', mac)).toBe(false);
    expect(k2Only.sessionIdOf(rotated.sidClaim('session-1'))).toBe('session-1');
  });

  it('a signing key that does not open is TOKEN_SIGNING_KEY_UNAVAILABLE, with the sealer refusal as its cause', () => {
    const sealed = new TokenSecrets(new Sealer(K1)).seal('PEM', 'kid-a');
    expect(() => new TokenSecrets(new Sealer(K2)).open(sealed, 'kid-a')).toThrow(
      expect.objectContaining({
        code: 'TOKEN_SIGNING_KEY_UNAVAILABLE',
        cause: expect.objectContaining({ code: 'SEAL_KEY_UNKNOWN' }),
      }),
    );
  });
});
