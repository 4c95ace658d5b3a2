import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { SigningAlgorithm, SigningKeyStore, StoredSigningKey } from '../store/signing-keys.js';
import type { TokenSecrets } from './secrets.js';

/**
 * Signing keys with scheduled rotation (TOK-1). Time is cut into slots of `rotationMs`; slot n's key signs
 * during [n·R, (n+1)·R) and stays published until (n+1)·R + `publishMarginMs` (the longest token
 * lifetime plus the skew), so every token it signed verifies until it expires. The key of the *next*
 * slot is created and published one slot ahead, so services that cache the JWKS already hold it when
 * signing switches to it. Every instance computes the same slot ids and inserts-if-absent, so several
 * instances starting together agree on one key per slot without coordination.
 */
export interface KeyRingDeps {
  store: SigningKeyStore;
  secrets: TokenSecrets;
  clock: Clock;
  algorithm: SigningAlgorithm;
  rotationMs: number;
  publishMarginMs: number;
  /** How often the published set is re-read at least (keys made elsewhere, deletions); default 60 s. */
  reloadMs?: number;
  /** An unknown `kid` triggers a reload at most this often, so random kids cannot flood the store. */
  unknownKidReloadMs?: number;
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  activeUntilMs: number;
}

export interface VerificationKey {
  alg: SigningAlgorithm;
  /** A node:crypto public key, imported once per key (verify.ts checks signatures with `crypto.verify`). */
  key: KeyObject;
}

export class KeyRing {
  private published: StoredSigningKey[] = [];
  private readonly verification = new Map<string, VerificationKey>();
  private readonly signing = new Map<string, SigningKey>();
  private nextReloadAtMs = -Infinity;
  private lastUnknownKidReloadMs = -Infinity;
  private inflight: Promise<void> | null = null;

  constructor(private readonly deps: KeyRingDeps) {}

  async signingKey(): Promise<SigningKey> {
    await this.fresh();
    const now = this.deps.clock.now();
    const stored = this.published.find(
      (k) => k.activeFromMs <= now && now < k.activeUntilMs && k.alg === this.deps.algorithm,
    );
    if (!stored) throw new Error('no active signing key after reload'); // reload always creates it
    let key = this.signing.get(stored.id);
    if (!key) {
      const pem = this.deps.secrets.open(stored.sealedPrivateKey, stored.kid);
      key = {
        kid: stored.kid,
        alg: stored.alg,
        privateKey: createPrivateKey(pem),
        activeUntilMs: stored.activeUntilMs,
      };
      this.signing.set(stored.id, key);
    }
    return key;
  }

  /** The imported public key of `kid` (cached), or null when no published key has it. */
  async verificationKey(kid: string): Promise<VerificationKey | null> {
    await this.fresh();
    let found = this.verification.get(kid);
    if (!found && this.deps.clock.now() - this.lastUnknownKidReloadMs >= (this.deps.unknownKidReloadMs ?? 5000)) {
      // Another instance may have created a key we have not seen yet (its clock a little ahead of ours).
      this.lastUnknownKidReloadMs = this.deps.clock.now();
      await this.reload();
      found = this.verification.get(kid);
    }
    return found ?? null;
  }

  /** The JWKS document (TOK-1): public parts only. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.fresh();
    return { keys: this.published.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: 'sig' })) };
  }

  private async fresh(): Promise<void> {
    if (this.deps.clock.now() >= this.nextReloadAtMs) await this.reload();
  }

  /** Single flight: concurrent callers share one reload. */
  private reload(): Promise<void> {
    this.inflight ??= this.doReload().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async doReload(): Promise<void> {
    const { store, clock, rotationMs } = this.deps;
    const now = clock.now();
    const slot = Math.floor(now / rotationMs);
    await Promise.all([this.ensure(slot), this.ensure(slot + 1)]);
    await store.deleteExpired(now);
    this.published = await store.listPublished(now);
    const live = new Set(this.published.map((k) => k.kid));
    for (const kid of this.verification.keys()) if (!live.has(kid)) this.verification.delete(kid);
    for (const [id, key] of this.signing) if (key.activeUntilMs <= now) this.signing.delete(id);
    for (const k of this.published) {
      if (!this.verification.has(k.kid))
        this.verification.set(k.kid, {
          alg: k.alg,
          key: createPublicKey({ key: k.publicJwk as JsonWebKey, format: 'jwk' }),
        });
    }
    this.nextReloadAtMs = Math.min((slot + 1) * rotationMs, now + (this.deps.reloadMs ?? 60_000));
  }

  private async ensure(slot: number): Promise<void> {
    const id = `${this.deps.algorithm}-${slot}`;
    if (this.published.some((k) => k.id === id)) return;
    await this.deps.store.insertIfAbsent(await this.generate(id, slot));
  }

  private async generate(id: string, slot: number): Promise<StoredSigningKey> {
    const { algorithm, rotationMs, publishMarginMs, secrets, clock } = this.deps;
    const pair =
      algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
    const publicJwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    return {
      id,
      kid,
      alg: algorithm,
      publicJwk,
      sealedPrivateKey: secrets.seal(pem, kid),
      createdAtMs: clock.now(),
      activeFromMs: slot * rotationMs,
      activeUntilMs: (slot + 1) * rotationMs,
      publishedUntilMs: (slot + 1) * rotationMs + publishMarginMs,
    };
  }
}
