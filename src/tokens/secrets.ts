import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';
import { Lru } from '../cache/lru.js';

/**
 * Everything the token capability derives from the key-encryption key (`tokens.keyEncryptionKey`), each
 * purpose with its own HKDF subkey so one use can never be turned into another:
 * - `seal`/`open`: AES-256-GCM for signing private keys at rest, the key id bound as additional data, so
 *   a sealed key copied onto another record does not decrypt.
 * - `sidClaim`/`sessionIdOf`: the token's `sid` claim. The raw session id is the console cookie value,
 *   and tokens travel to other services, so the claim is the id encrypted deterministically (synthetic IV
 *   = HMAC of the id): stable per session, opaque to its readers, reversible only here.
 * - `mac`/`macMatches`: HMAC-SHA256 of refresh handles, compared in constant time.
 */
const VERSION = 'v1';

export class TokenSecrets {
  private readonly wrapKey: Buffer;
  private readonly sidKey: Buffer;
  private readonly sidIvKey: Buffer;
  private readonly macKey: Buffer;
  private readonly sessionIds = new Lru<string, string>(10_000);

  constructor(kek: Buffer) {
    if (kek.length !== 32) throw new RangeError('the key-encryption key must be 32 bytes');
    const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), `iam-gateway tokens ${info}`, 32));
    this.wrapKey = derive('key-wrap');
    this.sidKey = derive('sid-enc');
    this.sidIvKey = derive('sid-iv');
    this.macKey = derive('refresh-mac');
  }

  /** An empty configured KEK (dev/test only; config refuses it in production) gets a per-process one. */
  static fromConfig(kekBase64: string, onEphemeral: () => void): TokenSecrets {
    if (kekBase64) return new TokenSecrets(Buffer.from(kekBase64, 'base64'));
    onEphemeral();
    return new TokenSecrets(randomBytes(32));
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.wrapKey, iv).setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, ct, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** Throws TOKEN_SIGNING_KEY_UNAVAILABLE when the text was sealed under another KEK or altered. */
  open(sealed: string, aad: string): string {
    const [version, iv, ct, tag] = sealed.split('.');
    try {
      if (version !== VERSION || !iv || !ct || !tag) throw new Error('unknown sealed format');
      const decipher = createDecipheriv('aes-256-gcm', this.wrapKey, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new AppError('TOKEN_SIGNING_KEY_UNAVAILABLE', { cause });
    }
  }

  sidClaim(sessionId: string): string {
    const plain = Buffer.from(sessionId, 'utf8');
    const iv = createHmac('sha256', this.sidIvKey).update(plain).digest().subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', this.sidKey, iv);
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64url');
  }

  /**
   * The raw session id behind a `sid` claim, or null when it is not one of ours. Answers are remembered
   * (the claim is a pure function of the id under this key, and every token of a session carries the same
   * one), which spares an AES-GCM decryption per uncached token verify; refusals are not remembered.
   */
  sessionIdOf(sid: string): string | null {
    const known = this.sessionIds.get(sid);
    if (known !== undefined) return known;
    const id = this.decryptSid(sid);
    if (id !== null) this.sessionIds.set(sid, id);
    return id;
  }

  private decryptSid(sid: string): string | null {
    const raw = Buffer.from(sid, 'base64url');
    if (raw.length < 12 + 16 + 1) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sidKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  mac(data: string): string {
    return createHmac('sha256', this.macKey).update(data).digest('base64url');
  }

  macMatches(data: string, mac: string): boolean {
    const expected = Buffer.from(this.mac(data));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
