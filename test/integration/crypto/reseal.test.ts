import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import { generateSecret } from 'otplib';
import type { AppOverrides } from '../../../src/app.js';
import { ManualClock, randomIds } from '../../../src/clock.js';
import { Sealer, keyIdOf } from '../../../src/crypto/index.js';
import { mfaSubject } from '../../../src/login/lockout.js';
import { mfaSecretBinding } from '../../../src/mfa/index.js';
import { MemorySessionStore } from '../../../src/sessions/memory.js';
import { createMemoryStore } from '../../../src/store/memory/memory-store.js';
import { MemorySigningKeyStore } from '../../../src/store/memory/signing-key-store.js';
import { MongoSigningKeyStore } from '../../../src/store/mongo/signing-key-store.js';
import type { SigningKeyStore, StoredSigningKey } from '../../../src/store/signing-keys.js';
import type { Account, User } from '../../../src/store/ports.js';
import { legacySeal } from '../../support/legacy-seal.js';
import { describeWithServer, mongoTestDatabase } from '../../support/servers.js';
import { newSession } from '../tokens/fixtures.js';
import {
  codeAt,
  createAccount,
  createUser,
  errorCode,
  NO_THROTTLE,
  PASSWORD,
  pendingMfa,
  postJson,
  sessionOf,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';

/**
 * OPS-1 KEK rotation, end to end (LOGIN-4 MFA secrets, TOK-1 signing keys): data sealed under K1 — part of
 * it in the pre-key-id v1 format, as stores written before issue 15 hold it — is re-sealed under K2 by a
 * gateway configured with K2 current + K1 previous; then K1 is removed and everything still opens.
 */
const K1 = Buffer.alloc(32, 11);
const K2 = Buffer.alloc(32, 12);
const b64 = (k: Buffer) => k.toString('base64');
const ROTATION_MS = 604_800_000; // config default tokens.rotationSeconds
const kekEnv = (current: Buffer, previous: Buffer[] = []): Record<string, string> => ({
  ...NO_THROTTLE,
  IAMGW_TOKENS_KEY_ENCRYPTION_KEY: b64(current),
  ...(previous.length > 0 ? { IAMGW_TOKENS_PREVIOUS_KEY_ENCRYPTION_KEYS: previous.map(b64).join(',') } : {}),
});

interface Backing {
  /** Env every gateway of the scenario gets on top of its KEKs. */
  env: Record<string, string>;
  /** Overrides every gateway gets (the stores they share). */
  overrides: AppOverrides;
  /** A signing-key store on the same data as the gateways', for planting and reading. */
  keys(): Promise<SigningKeyStore>;
  /** Runs the re-seal as the operator does; resolves with the counts. */
  reseal(gw: TestGateway, env: Record<string, string>): Promise<{ mfa: number; keys: number; output: string }>;
}

/** A signing key as the pre-issue-15 code stored it: PKCS#8 sealed in the v1 format under `kek`. */
async function legacySigningKey(kek: Buffer, nowMs: number): Promise<StoredSigningKey> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicJwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk);
  const slot = Math.floor(nowMs / ROTATION_MS);
  const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return {
    id: `ES256-${slot}`,
    kid,
    alg: 'ES256',
    publicJwk,
    sealedPrivateKey: legacySeal(kek, 'signing-key', pem, kid),
    createdAtMs: nowMs,
    activeFromMs: slot * ROTATION_MS,
    activeUntilMs: (slot + 1) * ROTATION_MS,
    publishedUntilMs: (slot + 1) * ROTATION_MS + 930_000,
  };
}

function rotationScenario(name: string, makeBacking: (clock: ManualClock) => Backing): void {
  describe(`KEK rotation with re-seal [${name}] (OPS-1, LOGIN-4, TOK-1)`, () => {
    // Mid-slot, near real time (the re-seal process lists the keys published at its own clock).
    const clock = new ManualClock(Math.floor(Date.now() / ROTATION_MS) * ROTATION_MS + ROTATION_MS / 2);
    const backing = makeBacking(clock);
    const gateways: TestGateway[] = [];
    const start = async (env: Record<string, string>) => {
      const t = await startGateway({ ...backing.env, ...env }, { clock, ...backing.overrides });
      gateways.push(t);
      return t;
    };
    let account: Account;
    let alice: User;
    let bob: User;
    const secrets = { alice: '', bob: generateSecret() };
    let legacyKid = '';
    let underK1 = { access: '', refresh: '' };

    /** The MFA step of a JSON login with the current code; the step is then spent. */
    const mfaLogin = async (t: TestGateway, user: User, secret: string) => {
      const r = await postJson(t, '/v1/login/mfa', {
        pendingToken: await pendingMfa(t, account.id, user.name, PASSWORD),
        code: await codeAt(secret, clock),
      });
      clock.advance(30_000);
      return r;
    };
    const storedSecret = async (t: TestGateway, user: User) =>
      (await t.gw.store.users.get(account.id, user.id))?.mfa.secret ?? '';

    beforeAll(async () => {
      const keys = await backing.keys();
      const planted = await legacySigningKey(K1, clock.now());
      legacyKid = planted.kid;
      await keys.insertIfAbsent(planted);
    });
    afterAll(async () => {
      for (const t of gateways) await t.close();
    });

    it('before: K1 seals; alice enrols over HTTP, bob has a v1 secret from before key ids, tokens are signed', async () => {
      const a = await start(kekEnv(K1));
      account = await createAccount(a.gw);
      alice = await createUser(a.gw, account, 'alice', PASSWORD);
      bob = await createUser(a.gw, account, 'bob', PASSWORD);
      await a.gw.store.users.mutate(account.id, bob.id, 'test', () => ({
        mfa: { secret: legacySeal(K1, 'mfa-totp-secret', secrets.bob, bob.id), enrolled: true, recoveryCodeHashes: [] },
      }));
      const s = await sessionOf(a, account.id, 'alice', PASSWORD);
      const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
      secrets.alice = String((await postJson(a, '/v1/me/mfa/enrolment', {}, h)).body.secret);
      expect(
        (await postJson(a, '/v1/me/mfa/enrolment/confirm', { code: await codeAt(secrets.alice, clock) }, h)).status,
      ).toBe(200);
      clock.advance(30_000);

      expect(await storedSecret(a, alice)).toMatch(new RegExp(`^v2\\.${keyIdOf(K1)}\\.`));
      expect(await storedSecret(a, bob)).toMatch(/^v1\./);
      expect((await mfaLogin(a, bob, secrets.bob)).body.state).toBe('authenticated'); // the legacy path
      const token = await a.gw.tokens.service.issueForSession((await newSession(a.gw, alice)).id, {
        withRefresh: true,
      });
      expect(decodeProtectedHeader(token.access_token).kid).toBe(legacyKid); // the v1-sealed key still signs
      underK1 = { access: token.access_token, refresh: token.refresh_token ?? '' };
    });

    it('K2 current + K1 previous: everything opens; reseal moves every secret to K2 (a second run has nothing to do)', async () => {
      const b = await start(kekEnv(K2, [K1]));
      expect((await mfaLogin(b, alice, secrets.alice)).body.state).toBe('authenticated');
      expect((await mfaLogin(b, bob, secrets.bob)).body.state).toBe('authenticated');
      const token = await b.gw.tokens.service.issueForSession((await newSession(b.gw, alice)).id);
      expect(decodeProtectedHeader(token.access_token).kid).toBe(legacyKid);
      // Tokens and refresh handles made under K1 (their `sid` and MAC) keep working while K1 is previous.
      await expect(b.gw.tokens.service.authenticate(underK1.access)).resolves.toMatchObject({ userId: alice.id });
      underK1.refresh = (await b.gw.tokens.service.refresh(underK1.refresh)).refresh_token ?? '';

      // The control: with K2 alone, before the re-seal, nothing opens.
      const k2Only = new Sealer(K2);
      const aliceSealed = await storedSecret(b, alice);
      expect(() => k2Only.open(aliceSealed, mfaSecretBinding(alice.id))).toThrow(
        expect.objectContaining({ code: 'SEAL_KEY_UNKNOWN' }),
      );
      const c = await start(kekEnv(K2));
      const refused = await mfaLogin(c, alice, secrets.alice);
      expect([refused.status, errorCode(refused.body)]).toEqual([500, 'SEAL_KEY_UNKNOWN']); // not a "wrong code"
      expect(await c.gw.sessions.getCounter(`lockout:${account.id}:${mfaSubject(alice.id)}`)).toBe(0); // nor counted
      await expect(c.gw.tokens.service.issueForSession((await newSession(c.gw, alice)).id)).rejects.toMatchObject({
        code: 'TOKEN_SIGNING_KEY_UNAVAILABLE',
      });
      // A re-seal run without K1 changes nothing and names, per record, the key it lacks.
      const blind = await c.gw.resealSecrets();
      expect(blind.mfaSecrets).toEqual({
        resealed: 0,
        unchanged: 0,
        failed: expect.arrayContaining([
          { record: `user ${account.id}/${alice.id}`, code: 'SEAL_KEY_UNKNOWN', keyId: keyIdOf(K1) },
          { record: `user ${account.id}/${bob.id}`, code: 'SEAL_KEY_UNKNOWN', keyId: null },
        ]),
      });
      expect(blind.signingKeys.failed.map((f) => f.code)).toEqual(['SEAL_KEY_UNKNOWN', 'SEAL_KEY_UNKNOWN']);
      expect(await storedSecret(c, alice)).toBe(aliceSealed);

      const first = await backing.reseal(b, kekEnv(K2, [K1]));
      expect([first.mfa, first.keys]).toEqual([2, 2]); // alice + bob; the legacy slot key + the next slot's
      const second = await backing.reseal(b, kekEnv(K2, [K1]));
      expect([second.mfa, second.keys]).toEqual([0, 0]);

      const current = new RegExp(`^v2\\.${keyIdOf(K2)}\\.`);
      expect(await storedSecret(b, alice)).toMatch(current);
      expect(await storedSecret(b, bob)).toMatch(current);
      const stored = await (await backing.keys()).listPublished(clock.now());
      expect(stored.length).toBeGreaterThanOrEqual(2);
      for (const k of stored) expect(k.sealedPrivateKey).toMatch(current);
      expect(stored.map((k) => k.kid)).toContain(legacyKid); // the same keys, only re-sealed
    });

    it('K1 removed: MFA secrets and signing keys still open; nothing re-generated', async () => {
      const d = await start(kekEnv(K2));
      expect((await mfaLogin(d, alice, secrets.alice)).body.state).toBe('authenticated');
      expect((await mfaLogin(d, bob, secrets.bob)).body.state).toBe('authenticated');
      const token = await d.gw.tokens.service.issueForSession((await newSession(d.gw, alice)).id);
      expect(decodeProtectedHeader(token.access_token).kid).toBe(legacyKid);
      await expect(d.gw.tokens.service.authenticate(token.access_token)).resolves.toMatchObject({ userId: alice.id });
      expect((await d.gw.tokens.keys.jwks()).keys.map((k) => k.kid)).toContain(legacyKid);
      // What K1 still keys: the `sid` of sessions started under it, which every token and refresh handle of
      // the session carries. Hence docs/operations.md: remove K1 only once those sessions have ended.
      await expect(d.gw.tokens.service.authenticate(underK1.access)).rejects.toMatchObject({
        code: 'TOKEN_CLAIMS_INVALID',
      });
      await expect(d.gw.tokens.service.refresh(underK1.refresh)).rejects.toMatchObject({
        code: 'REFRESH_TOKEN_INVALID',
      });
    });
  });
}

rotationScenario('memory', (clock) => {
  const store = createMemoryStore({ clock, ids: randomIds });
  const signingKeys = new MemorySigningKeyStore();
  const sessions = new MemorySessionStore({ clock, ids: randomIds });
  return {
    env: {},
    overrides: { store, signingKeys, sessions },
    keys: async () => signingKeys,
    reseal: async (t) => {
      const r = await t.gw.resealSecrets();
      expect(r.keyId).toBe(keyIdOf(K2));
      expect([...r.mfaSecrets.failed, ...r.signingKeys.failed]).toEqual([]);
      return { mfa: r.mfaSecrets.resealed, keys: r.signingKeys.resealed, output: '' };
    },
  };
});

describeWithServer('mongo', 'KEK rotation on MongoDB-wire', () => {
  const mongoUri = mongoTestDatabase('iamgw_reseal');
  const opened: SigningKeyStore[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
  });
  rotationScenario('mongo, re-sealed by `main.ts reseal-secrets`', (clock) => ({
    env: { MONGODB_URI: mongoUri },
    overrides: { sessions: new MemorySessionStore({ clock, ids: randomIds }) },
    keys: async () => {
      const s = new MongoSigningKeyStore(mongoUri);
      opened.push(s);
      await s.init();
      return s;
    },
    reseal: async (_t, env) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, '../../../src/main.ts'), 'reseal-secrets'],
        {
          env: { ...process.env, NODE_ENV: 'test', MONGODB_URI: mongoUri, ...env, REDIS_URL: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ code, output }).toMatchObject({ code: 0 });
      expect(output).toContain(`current key id ${keyIdOf(K2)}`);
      expect(output).not.toContain(b64(K1));
      expect(output).not.toContain(b64(K2));
      const count = (what: string) => Number(new RegExp(`${what}: (\\d+) re-sealed`).exec(output)?.[1]);
      return { mfa: count('MFA secrets'), keys: count('signing keys'), output };
    },
  }));
});
