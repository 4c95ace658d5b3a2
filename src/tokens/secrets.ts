import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { SealBinding, Sealer } from '../crypto/index.js';
import { AppError } from '../errors.js';
import { Lru } from '../cache/lru.js';

/**
 * What the token capability keeps secret, all under the gateway's key-encryption keys (src/crypto):
 * - `seal`/`open`: signing private keys at rest, in a Sealer envelope bound to the key id, so a sealed key
 *   copied onto another record does not decrypt.
 * - `sidClaim`/`sessionIdOf`: the token's `sid` claim. The raw session id is the console cookie value,
 *   and tokens travel to other services, so the claim is the id encrypted deterministically (synthetic IV
 *   = HMAC of the id): stable per session, opaque to its readers, reversible only here.
 * - `mac`/`macMatches`: HMAC-SHA256 of refresh handles, compared in constant time.
 * The last two use HKDF subkeys of each KEK (`Sealer.derive`, labels unchanged since before key rotation):
 * made under the current KEK, accepted under any configured one, so a KEK rotation ends no session.
 */
/** What a signing private key is sealed for: its purpose and its key id. */
export const signingKeyBinding = (kid: string): SealBinding => ({ purpose: 'signing-key', context: kid });

interface SidKeys {
  enc: Buffer;
  iv: Buffer;
}

export class TokenSecrets {
  /** One entry per configured KEK, the current one's first (never empty). */
  private readonly sidKeys: SidKeys[];
  private readonly macKeys: Buffer[];
  private readonly sessionIds = new Lru<string, string>(10_000);

  constructor(private readonly sealer: Sealer) {
    const iv = sealer.derive('iam-gateway tokens sid-iv');
    this.sidKeys = sealer.derive('iam-gateway tokens sid-enc').map((enc, i) => ({ enc, iv: iv[i]! }));
    this.macKeys = sealer.derive('iam-gateway tokens refresh-mac');
  }

  seal(plaintext: string, kid: string): string {
    return this.sealer.seal(plaintext, signingKeyBinding(kid));
  }

  /** Throws TOKEN_SIGNING_KEY_UNAVAILABLE (cause: the Sealer's refusal) when the text does not open. */
  open(sealed: string, kid: string): string {
    try {
      return this.sealer.open(sealed, signingKeyBinding(kid));
    } catch (cause) {
      throw new AppError('TOKEN_SIGNING_KEY_UNAVAILABLE', { cause });
    }
  }

  sidClaim(sessionId: string): string {
    const keys = this.sidKeys[0]!;
    const plain = Buffer.from(sessionId, 'utf8');
    const iv = createHmac('sha256', keys.iv).update(plain).digest().subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', keys.enc, iv);
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
    for (const { enc } of this.sidKeys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', enc, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        // a previous KEK's, or not ours
      }
    }
    return null;
  }

  mac(data: string): string {
    return macWith(this.macKeys[0]!, data);
  }

  macMatches(data: string, mac: string): boolean {
    const given = Buffer.from(mac);
    return this.macKeys.some((key) => {
      const expected = Buffer.from(macWith(key, data));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }
}

const macWith = (key: Buffer, data: string): string => createHmac('sha256', key).update(data).digest('base64url');
