import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSecretKey, generateKeyPairSync, sign } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { accessToken, seededGateway, type Seeded } from '../../integration/tokens/fixtures.js';

/**
 * TOK-3: each attack is crafted by hand with jose / node:crypto and must be refused with its own code.
 * Forged-but-validly-signed tokens use the gateway's real private key, so the only thing wrong with
 * each is the one property under test.
 */
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('token verification refuses every attack with its code (TOK-3)', () => {
  let s: Seeded;
  let good: string;
  let claims: JWTPayload;
  let kid: string;

  beforeAll(async () => {
    s = await seededGateway();
    good = await accessToken(s.gw, s.session);
    claims = decodeJwt(good);
    kid = decodeProtectedHeader(good).kid ?? '';
  });
  afterAll(() => s.gw.close());

  const refused = (token: string) => expect(s.gw.tokens.service.authenticate(token)).rejects;

  /** Same claims (with `patch`), signed by the real current key. */
  async function resign(patch: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const key = await s.gw.tokens.keys.signingKey();
    return new SignJWT({ ...claims, ...patch })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })
      .sign(key.privateKey);
  }

  it('accepts the genuine token (the control case)', async () => {
    await expect(s.gw.tokens.service.authenticate(good)).resolves.toMatchObject({
      userId: s.user.id,
      groups: [s.group.id],
    });
  });

  it('alg none → TOKEN_ALG_NOT_ALLOWED', async () => {
    const [, payload] = good.split('.');
    await refused(`${b64({ alg: 'none', kid, typ: 'at+jwt' })}.${payload}.`).toMatchObject({
      code: 'TOKEN_ALG_NOT_ALLOWED',
    });
  });

  it('HS256 signed with the public key bytes as the HMAC secret → TOKEN_ALG_NOT_ALLOWED', async () => {
    const jwk = (await s.gw.tokens.keys.jwks()).keys.find((k) => k.kid === kid);
    for (const secret of [JSON.stringify(jwk), `${jwk?.x}${jwk?.y}`]) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
        .sign(createSecretKey(Buffer.from(secret)));
      await refused(forged).toMatchObject({ code: 'TOKEN_ALG_NOT_ALLOWED' });
    }
  });

  it('RS256 when only ES256 is allowed → TOKEN_ALG_NOT_ALLOWED', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
      .sign(rsa.privateKey);
    await refused(forged).toMatchObject({ code: 'TOKEN_ALG_NOT_ALLOWED' });
  });

  it('unknown kid (signed by an attacker key) → TOKEN_UNKNOWN_KID; no kid at all → the same', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const unknown = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'attacker-key', typ: 'at+jwt' })
      .sign(attacker.privateKey);
    await refused(unknown).toMatchObject({ code: 'TOKEN_UNKNOWN_KID' });
    const none = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(attacker.privateKey);
    await refused(none).toMatchObject({ code: 'TOKEN_UNKNOWN_KID' });
  });

  it('a real kid with an attacker signature → TOKEN_SIGNATURE_INVALID', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .sign(attacker.privateKey);
    await refused(forged).toMatchObject({ code: 'TOKEN_SIGNATURE_INVALID' });
  });

  it('tampered payload (a group added, signature kept) → TOKEN_SIGNATURE_INVALID', async () => {
    const [header, , signature] = good.split('.');
    const tampered = `${header}.${b64({ ...claims, groups: [...(claims.groups as string[]), 'admins'] })}.${signature}`;
    // The genuine token is in the verified-token cache, whose key is the token's tail — the signature the
    // tampered token shares. Only the whole token may hit, and the genuine entry survives the attempt.
    await s.gw.tokens.service.authenticate(good);
    await refused(tampered).toMatchObject({ code: 'TOKEN_SIGNATURE_INVALID' });
    await refused(tampered).toMatchObject({ code: 'TOKEN_SIGNATURE_INVALID' });
    await expect(s.gw.tokens.service.authenticate(good)).resolves.toMatchObject({ groups: [s.group.id] });
  });

  it('expired beyond the skew → TOKEN_EXPIRED; expired within the skew is still accepted', async () => {
    const now = Math.floor(s.clock.now() / 1000);
    await refused(await resign({ exp: now - 31 })).toMatchObject({ code: 'TOKEN_EXPIRED' });
    await expect(s.gw.tokens.service.authenticate(await resign({ exp: now - 29 }))).resolves.toMatchObject({
      userId: s.user.id,
    });
  });

  it('nbf in the future beyond the skew → TOKEN_NOT_YET_VALID; within the skew accepted', async () => {
    const now = Math.floor(s.clock.now() / 1000);
    await refused(await resign({ nbf: now + 31 })).toMatchObject({ code: 'TOKEN_NOT_YET_VALID' });
    await expect(s.gw.tokens.service.authenticate(await resign({ nbf: now + 29 }))).resolves.toBeDefined();
  });

  it('wrong iss → TOKEN_ISSUER_MISMATCH, wrong aud → TOKEN_AUDIENCE_MISMATCH', async () => {
    await refused(await resign({ iss: 'https://evil.example' })).toMatchObject({ code: 'TOKEN_ISSUER_MISMATCH' });
    await refused(await resign({ aud: 'another-service' })).toMatchObject({ code: 'TOKEN_AUDIENCE_MISMATCH' });
  });

  it('a JWT of another type, a sid that is not ours, or missing TOK-2 claims → TOKEN_CLAIMS_INVALID', async () => {
    await refused(await resign({}, { typ: 'JWT' })).toMatchObject({ code: 'TOKEN_CLAIMS_INVALID' });
    await refused(await resign({ sid: Buffer.from(s.session.id).toString('base64url') })).toMatchObject({
      code: 'TOKEN_CLAIMS_INVALID',
    });
    await refused(await resign({ ptype: 'admin' })).toMatchObject({ code: 'TOKEN_CLAIMS_INVALID' });
  });

  it('garbage → TOKEN_MALFORMED', async () => {
    for (const junk of ['abc', 'a.b.c', `${b64({ alg: 'ES256' })}.e30`])
      await refused(junk).toMatchObject({ code: 'TOKEN_MALFORMED' });
  });

  describe('strict compact JWS (hand-rolled verify)', () => {
    const parts = () => good.split('.') as [string, string, string];
    /** Header/payload as given (any JSON), signed by the real key with the exact bytes shown. */
    async function signRaw(header: unknown, payload: unknown): Promise<string> {
      const key = await s.gw.tokens.keys.signingKey();
      const input = `${b64(header)}.${b64(payload)}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    }

    it('four segments, or five (JWE shape) → TOKEN_MALFORMED', async () => {
      await refused(`${good}.${parts()[2]}`).toMatchObject({ code: 'TOKEN_MALFORMED' });
      await refused(`${good}..`).toMatchObject({ code: 'TOKEN_MALFORMED' });
    });

    it('padded, standard-alphabet or out-of-alphabet base64 in any segment → TOKEN_MALFORMED', async () => {
      const [h, p, sig] = parts();
      // A 64-byte signature is 86 chars of base64url, so standard base64 pads it with "==".
      await refused(`${h}.${p}.${sig}==`).toMatchObject({ code: 'TOKEN_MALFORMED' });
      await refused(`${h}=.${p}.${sig}`).toMatchObject({ code: 'TOKEN_MALFORMED' });
      await refused(`${h}.${p}.${Buffer.from(sig, 'base64url').toString('base64')}`).toMatchObject({
        code: 'TOKEN_MALFORMED',
      });
      await refused(`${h}.${p}.${sig.slice(0, -1)}*`).toMatchObject({ code: 'TOKEN_MALFORMED' });
      await refused(`${h}.${p.slice(0, -1)}+.${sig}`).toMatchObject({ code: 'TOKEN_MALFORMED' });
    });

    it('the same signature bytes spelled another way (spare bits set) → TOKEN_SIGNATURE_INVALID', async () => {
      const [h, p, sig] = parts();
      // The last of 86 chars carries 4 spare bits; flipping one keeps the bytes but must not verify.
      const last = sig.slice(-1);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
      expect(Buffer.from(`${sig.slice(0, -1)}${sibling}`, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(
        true,
      );
      await refused(`${h}.${p}.${sig.slice(0, -1)}${sibling}`).toMatchObject({ code: 'TOKEN_SIGNATURE_INVALID' });
      await expect(s.gw.tokens.service.authenticate(good)).resolves.toBeDefined();
    });

    it('a header or payload that is JSON but not an object → TOKEN_MALFORMED, even when validly signed', async () => {
      const header = { alg: 'ES256', kid, typ: 'at+jwt' };
      for (const notObject of [[header], 'ES256', null, 42])
        await refused(await signRaw(notObject, claims)).toMatchObject({ code: 'TOKEN_MALFORMED' });
      for (const notObject of [[claims], 'claims', null, 7])
        await refused(await signRaw(header, notObject)).toMatchObject({ code: 'TOKEN_MALFORMED' });
      await expect(s.gw.tokens.service.authenticate(await signRaw(header, claims))).resolves.toMatchObject({
        userId: s.user.id,
      });
    });

    it('a crit header (even a well-formed one) → TOKEN_MALFORMED; jku/jwk/x5u pointing elsewhere are ignored', async () => {
      await refused(await signRaw({ alg: 'ES256', kid, typ: 'at+jwt', crit: ['exp'], exp: 1 }, claims)).toMatchObject({
        code: 'TOKEN_MALFORMED',
      });
      await refused(await signRaw({ alg: 'ES256', kid, typ: 'at+jwt', crit: [] }, claims)).toMatchObject({
        code: 'TOKEN_MALFORMED',
      });
      const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = attacker.publicKey.export({ format: 'jwk' });
      const forged = await new SignJWT(claims)
        .setProtectedHeader({
          alg: 'ES256',
          kid,
          typ: 'at+jwt',
          jwk,
          jku: 'https://evil.example/jwks',
          x5u: 'https://evil.example/x5',
        })
        .sign(attacker.privateKey);
      await refused(forged).toMatchObject({ code: 'TOKEN_SIGNATURE_INVALID' });
    });

    it('a 65-byte signature (valid r‖s plus one byte), a DER ECDSA signature, an empty one → TOKEN_SIGNATURE_INVALID', async () => {
      const [h, p, sig] = parts();
      const raw = Buffer.from(sig, 'base64url');
      await refused(`${h}.${p}.${Buffer.concat([raw, Buffer.from([0])]).toString('base64url')}`).toMatchObject({
        code: 'TOKEN_SIGNATURE_INVALID',
      });
      const key = await s.gw.tokens.keys.signingKey();
      const der = sign('sha256', Buffer.from(`${h}.${p}`), { key: key.privateKey, dsaEncoding: 'der' });
      await refused(`${h}.${p}.${der.toString('base64url')}`).toMatchObject({ code: 'TOKEN_SIGNATURE_INVALID' });
      await refused(`${h}.${p}.`).toMatchObject({ code: 'TOKEN_SIGNATURE_INVALID' });
    });

    it('typ compares as a media type (RFC 7515 §4.1.9), no typ → TOKEN_CLAIMS_INVALID; missing exp or iss → their codes', async () => {
      await expect(
        s.gw.tokens.service.authenticate(await resign({}, { typ: 'application/AT+JWT' })),
      ).resolves.toBeDefined();
      await refused(await signRaw({ alg: 'ES256', kid }, claims)).toMatchObject({ code: 'TOKEN_CLAIMS_INVALID' });
      const { exp: _exp, ...noExp } = claims;
      await refused(await signRaw({ alg: 'ES256', kid, typ: 'at+jwt' }, noExp)).toMatchObject({
        code: 'TOKEN_CLAIMS_INVALID',
      });
      const { iss: _iss, ...noIss } = claims;
      await refused(await signRaw({ alg: 'ES256', kid, typ: 'at+jwt' }, noIss)).toMatchObject({
        code: 'TOKEN_ISSUER_MISMATCH',
      });
      await refused(await resign({ exp: String(claims.exp) as never })).toMatchObject({ code: 'TOKEN_CLAIMS_INVALID' });
    });
  });

  it('over HTTP each refusal is a 401 carrying the code, never a fall-through to weaker methods', async () => {
    const server = await s.gw.listen();
    const { port } = server.address() as { port: number };
    const forged = await resign({ aud: 'x' });
    const res = await fetch(`http://127.0.0.1:${port}/v1/introspect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: good }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOKEN_AUDIENCE_MISMATCH');
  });
});
