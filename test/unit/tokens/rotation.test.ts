import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import { ManualClock } from '../../../src/clock.js';
import { Sealer } from '../../../src/crypto/index.js';
import { MemorySigningKeyStore } from '../../../src/store/memory/signing-key-store.js';
import { KeyRing, TokenSecrets } from '../../../src/tokens/index.js';
import { accessToken, newSession, seededGateway, type Seeded } from '../../integration/tokens/fixtures.js';

const HOUR = 3600_000;
const kidOf = (t: string): string => decodeProtectedHeader(t).kid ?? '';

describe('signing key rotation with a ManualClock (TOK-1)', () => {
  let s: Seeded;
  // rotation every 2 h, tokens 15 min, skew 30 s
  beforeAll(async () => {
    s = await seededGateway({ IAMGW_TOKENS_ROTATION_SECONDS: '7200' });
    s.clock.set(Math.ceil(s.clock.now() / (2 * HOUR)) * 2 * HOUR + HOUR + 50 * 60_000); // 10 min before a rotation
    s.session = await newSession(s.gw, s.user);
  });
  afterAll(() => s.gw.close());

  it('tokens of the previous key verify until expiry; JWKS shows both keys during the overlap and drops the old one after', async () => {
    const jwksKids = async () => (await s.gw.tokens.keys.jwks()).keys.map((k) => k.kid);
    const old = await accessToken(s.gw, s.session);
    s.clock.advance(11 * 60_000); // into the next slot
    const fresh = await accessToken(s.gw, s.session);
    expect(kidOf(fresh)).not.toBe(kidOf(old));
    expect(await jwksKids()).toEqual(expect.arrayContaining([kidOf(old), kidOf(fresh)]));
    await expect(s.gw.tokens.service.authenticate(old)).resolves.toMatchObject({ userId: s.user.id });

    s.clock.advance(4 * 60_000 + 31_000); // the old token is now past exp + skew
    await expect(s.gw.tokens.service.authenticate(old)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    // A token signed at the slot's last instant would live until rotation + 15 min (+ skew): still published.
    s.clock.advance(9 * 60_000);
    expect(await jwksKids()).toContain(kidOf(old));
    s.clock.advance(60_000); // rotation + 16 min 31 s: past that
    expect(await jwksKids()).not.toContain(kidOf(old));
    expect(await jwksKids()).toContain(kidOf(fresh));
    await expect(s.gw.tokens.service.authenticate(fresh)).resolves.toBeDefined();
  });

  it('publishes the next slot key ahead of use, and only public parts', async () => {
    const { keys } = await s.gw.tokens.keys.jwks();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const k of keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(k).not.toHaveProperty('d');
    }
  });
});

describe('key storage (TOK-1)', () => {
  const clock = new ManualClock();
  const ring = (store: MemorySigningKeyStore, kek: Buffer) =>
    new KeyRing({
      store,
      secrets: new TokenSecrets(new Sealer(kek)),
      clock,
      algorithm: 'EdDSA',
      rotationMs: HOUR,
      publishMarginMs: 60_000,
    });

  it('several instances starting together agree on one key per slot', async () => {
    const store = new MemorySigningKeyStore();
    const rings = Array.from({ length: 5 }, () => ring(store, Buffer.alloc(32, 1)));
    const kids = await Promise.all(rings.map(async (r) => (await r.signingKey()).kid));
    expect(new Set(kids).size).toBe(1);
    expect((await store.listPublished(clock.now())).length).toBe(2); // this slot and the next
  });

  it('private keys are sealed at rest; another KEK cannot use them (TOKEN_SIGNING_KEY_UNAVAILABLE)', async () => {
    const store = new MemorySigningKeyStore();
    await ring(store, Buffer.alloc(32, 1)).signingKey();
    const [stored] = await store.listPublished(clock.now());
    expect(stored?.sealedPrivateKey).not.toMatch(/PRIVATE KEY/);
    await expect(ring(store, Buffer.alloc(32, 2)).signingKey()).rejects.toMatchObject({
      code: 'TOKEN_SIGNING_KEY_UNAVAILABLE',
    });
  });

  it('a sealed key moved onto another key id does not open (the kid is bound as additional data)', () => {
    const secrets = new TokenSecrets(new Sealer(Buffer.alloc(32, 3)));
    const sealed = secrets.seal('pem', 'kid-a');
    expect(secrets.open(sealed, 'kid-a')).toBe('pem');
    expect(() => secrets.open(sealed, 'kid-b')).toThrow(
      expect.objectContaining({ code: 'TOKEN_SIGNING_KEY_UNAVAILABLE' }),
    );
  });
});

describe('EdDSA (tokens.algorithm)', () => {
  it('signs Ed25519 tokens that verify with the published OKP key, and refuses ES256 ones', async () => {
    const s = await seededGateway({ IAMGW_TOKENS_ALGORITHM: 'EdDSA' });
    try {
      const token = await accessToken(s.gw, s.session);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
      expect((await s.gw.tokens.keys.jwks()).keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
      await expect(s.gw.tokens.service.authenticate(token)).resolves.toMatchObject({ userId: s.user.id });
      const [, payload] = token.split('.');
      const es = Buffer.from(
        JSON.stringify({ alg: 'ES256', kid: decodeProtectedHeader(token).kid, typ: 'at+jwt' }),
      ).toString('base64url');
      await expect(s.gw.tokens.service.authenticate(`${es}.${payload}.AAAA`)).rejects.toMatchObject({
        code: 'TOKEN_ALG_NOT_ALLOWED',
      });
    } finally {
      await s.gw.close();
    }
  });
});
