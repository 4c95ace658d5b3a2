import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import { LEGACY_WRAP_INFO, openLegacy, parseLegacy } from './legacy.js';

/**
 * Secrets at rest (LOGIN-4 TOTP secrets, TOK-1 signing keys, next OIDC client and API key secrets): one
 * AES-256-GCM envelope under a key-encryption key (KEK) that names its key, so KEKs can rotate.
 *
 *   v2.<kid>.<iv>.<ciphertext‖tag>        (base64url parts; kid = 12 characters, derived from the KEK)
 *
 * - The wrap key is an HKDF-SHA256 subkey of the KEK, never the KEK itself, so the KEK can also feed the
 *   token capability's own subkeys (`derive`) without one use keying another.
 * - Associated data = `v2.<kid>`, the purpose and the caller's context (a user id, a signing key id): an MFA
 *   secret does not open as a signing key, nor one user's secret on another user's record.
 * - New seals use the current KEK; previous KEKs only open (and `reseal` moves an envelope to the current
 *   one). An envelope naming a KEK that is not configured is SEAL_KEY_UNKNOWN; anything else that does not
 *   open (altered, another purpose or context, malformed) is SEAL_INVALID. Neither message carries a secret.
 * - Envelopes written before issue 15 (`v1.<iv>.<ct>.<tag>`, no key id) still open: see legacy.ts.
 * - Key material stays in `#` fields: logging a Sealer (or a Kek) prints no key.
 */
export type SealPurpose = 'mfa-totp-secret' | 'signing-key' | 'oidc-client-secret' | 'api-key-secret';

/** What an envelope is bound to: both must be given again to open it. */
export interface SealBinding {
  purpose: SealPurpose;
  /** The record the secret belongs to (user id, signing key id …); any string. */
  context: string;
}

/** The tally of one `reseal-secrets` pass over one kind of record (docs/operations.md). */
export interface ResealReport {
  resealed: number;
  /** Already under the current key. */
  unchanged: number;
  /** Records whose envelope did not open or could not be written, with the error code (never a secret). */
  failed: ResealFailure[];
}

export interface ResealFailure {
  record: string;
  code: string;
  /** SEAL_KEY_UNKNOWN: the key id the envelope names (null for a v1 envelope), so the operator knows which to add. */
  keyId?: string | null;
}

/** A failure of a reseal pass as its report lists it. */
export function resealFailure(record: string, err: unknown): ResealFailure {
  if (!(err instanceof AppError)) return { record, code: 'INTERNAL' };
  const keyId =
    err.code === 'SEAL_KEY_UNKNOWN' ? (err.details as { keyId?: string | null } | undefined)?.keyId : undefined;
  return { record, code: err.code, ...(keyId === undefined ? {} : { keyId }) };
}

/** The settings a Sealer is built from (config `tokens`, where the KEK has always lived). */
export interface KekSettings {
  /** Base64 of 32 bytes; empty = an ephemeral key (dev/test only, production config refuses it). */
  keyEncryptionKey: string;
  /** Base64 of 32 bytes each: keys that still open envelopes sealed under them, never used to seal. */
  previousKeyEncryptionKeys: readonly string[];
}

const VERSION = 'v2';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID = /^[A-Za-z0-9_-]{12}$/;

const hkdf = (ikm: Buffer, info: string, bytes = KEY_BYTES): Buffer =>
  Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, bytes));

/** The key id of a KEK: 72 bits of an HKDF output, which identify the key and reveal nothing of it. */
export function keyIdOf(kek: Buffer): string {
  return hkdf(kek, 'iam-gateway kek-id', 9).toString('base64url');
}

/** One KEK: its id, its wrap key and whatever subkeys callers derive from it. */
class Kek {
  readonly id: string;
  readonly #material: Buffer;
  readonly #wrapKey: Buffer;

  constructor(material: Buffer) {
    if (material.length !== KEY_BYTES) throw new RangeError('a key-encryption key must be 32 bytes');
    this.#material = Buffer.from(material);
    this.id = keyIdOf(material);
    this.#wrapKey = hkdf(material, 'iam-gateway seal v2');
  }

  derive(info: string): Buffer {
    return hkdf(this.#material, info);
  }

  wrap(plaintext: string, aad: Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#wrapKey, iv).setAAD(aad);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${this.id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** The plaintext, or null when the tag does not verify. */
  unwrap(iv: Buffer, body: Buffer, aad: Buffer): string | null {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#wrapKey, iv).setAAD(aad);
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return null;
    }
  }
}

const aadOf = (kid: string, b: SealBinding): Buffer =>
  Buffer.from(`${VERSION}.${kid}\n${b.purpose}\n${b.context}`, 'utf8');

/** Base64url that re-encodes to itself: Node's decoder skips stray characters, which would make envelopes malleable. */
function strictBase64url(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

const invalid = (purpose: SealPurpose): AppError => new AppError('SEAL_INVALID', { details: { purpose } });

export class Sealer {
  readonly #current: Kek;
  /** Current first, then the previous keys in configured order. */
  readonly #keks: readonly Kek[];

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.#current = new Kek(current);
    this.#keks = [this.#current, ...previous.map((k) => new Kek(k))];
    const ids = new Set(this.#keks.map((k) => k.id));
    if (ids.size !== this.#keks.length) throw new RangeError('the same key-encryption key is configured twice');
  }

  /** An empty KEK gets a random one for this process; `onEphemeral` says so once (never with key material). */
  static fromSettings(s: KekSettings, onEphemeral: (message: string) => void): Sealer {
    const previous = s.previousKeyEncryptionKeys.map((k) => Buffer.from(k, 'base64'));
    if (s.keyEncryptionKey) return new Sealer(Buffer.from(s.keyEncryptionKey, 'base64'), previous);
    onEphemeral(
      'tokens.keyEncryptionKey is empty: using an ephemeral key, so signing keys and MFA secrets stored by ' +
        'this process are unreadable after a restart',
    );
    return new Sealer(randomBytes(KEY_BYTES), previous);
  }

  get currentKeyId(): string {
    return this.#current.id;
  }

  /** Every configured key id, current first (for operators; ids are not secret). */
  get keyIds(): string[] {
    return this.#keks.map((k) => k.id);
  }

  seal(plaintext: string, binding: SealBinding): string {
    return this.#current.wrap(plaintext, aadOf(this.#current.id, binding));
  }

  /** The plaintext; throws SEAL_KEY_UNKNOWN or SEAL_INVALID (see the module comment). */
  open(envelope: string, binding: SealBinding): string {
    const parts = envelope.split('.');
    if (parts[0] === 'v1') return this.openV1(envelope, binding);
    const [version, kid = '', ivText = '', bodyText = ''] = parts;
    if (parts.length !== 4 || version !== VERSION || !KID.test(kid)) throw invalid(binding.purpose);
    const kek = this.#keks.find((k) => k.id === kid);
    if (!kek) throw new AppError('SEAL_KEY_UNKNOWN', { details: { keyId: kid } });
    const iv = strictBase64url(ivText);
    const body = strictBase64url(bodyText);
    if (!iv || iv.length !== IV_BYTES || !body || body.length < TAG_BYTES) throw invalid(binding.purpose);
    const plaintext = kek.unwrap(iv, body, aadOf(kid, binding));
    if (plaintext === null) throw invalid(binding.purpose);
    return plaintext;
  }

  /** Whether the envelope is already sealed under the current key (a v1 envelope never is). */
  isCurrent(envelope: string): boolean {
    return envelope.startsWith(`${VERSION}.${this.#current.id}.`);
  }

  /** The same plaintext sealed under the current key; throws as `open` does. */
  reseal(envelope: string, binding: SealBinding): string {
    return this.seal(this.open(envelope, binding), binding);
  }

  /**
   * HKDF-SHA256 subkeys of every configured KEK for a non-sealing use (the token capability's `sid` and
   * refresh-handle MAC keys), current first: make with the first, accept any, so values made under a
   * previous KEK keep working while it stays configured.
   */
  derive(info: string): Buffer[] {
    return this.#keks.map((k) => k.derive(info));
  }

  private openV1(envelope: string, binding: SealBinding): string {
    const info = LEGACY_WRAP_INFO[binding.purpose];
    const parsed = parseLegacy(envelope);
    // Purposes born after v2 have no v1 envelopes.
    if (info === undefined || parsed === null) throw invalid(binding.purpose);
    const plaintext = openLegacy(parsed, this.derive(info), binding.context);
    // No key id in a v1 envelope: failing under every configured key most likely means its key is missing.
    if (plaintext === null) throw new AppError('SEAL_KEY_UNKNOWN', { details: { keyId: null, format: 'v1' } });
    return plaintext;
  }
}
