/**
 * The one audit recorder (LOGIN-7, ENT-7, DESIGN §1 `audit/`): every capability writes its events through
 * it into `store.audit` — who (actor), what (action), when (the store stamps `at`), source IP, result,
 * reason code and a few non-secret details. Login, MFA and the admin API name their own actions; the event
 * shape and the secret guard are the same for all of them.
 */
import type { AuditEvent, AuditLog } from '../store/ports.js';

export type AuditResult = 'success' | 'failure';

export interface AuditEntry<A extends string = string> {
  accountId: string;
  /** A user id, a role-session id, `anonymous`, or a system component. */
  actor: string;
  action: A;
  /** The entity acted upon, when there is one. */
  target: string | null;
  sourceIp: string | null;
  result: AuditResult;
  /** Stable code of a refusal or of what happened (`ACCESS_DENIED`, `LOCKOUT_THRESHOLD` …). */
  reasonCode?: string | null | undefined;
  /** Facts about the event; never a secret (see `assertNoSecrets`). */
  details?: Record<string, unknown> | undefined;
}

/** Thrown when an event's details carry something secret-looking: a programming error, never user input. */
export class AuditSecretError extends Error {
  constructor(readonly path: string) {
    super(`audit details must not carry secrets (at ${path})`);
    this.name = 'AuditSecretError';
  }
}

// Key words that name secrets. Matched on the key's words (camelCase, snake_case, kebab-case split), so
// `reason` or `attempt` pass and `passwordHash`, `recovery_codes`, `sessionToken`, `otp` do not.
const SECRET_WORDS = new Set([
  'password',
  'passwords',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'hash',
  'hashes',
  'code',
  'codes',
  'otp',
  'totp',
  'cookie',
  'cookies',
  'salt',
  'pin',
]);
// Run together in one lower-case word (`passwordhash`, `clientsecret`, `apikey`), these still name a secret.
const SECRET_FRAGMENTS = ['password', 'secret', 'token', 'hash', 'privatekey', 'apikey', 'sessionid'];
// Values that are stored secrets whatever key carries them: PHC-format password hashes (argon2, bcrypt, scrypt).
const HASH_VALUE = /^\$(argon2(id|i|d)|2[abxy]?|scrypt|pbkdf2[-\w]*)\$/;

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return words(key).some((w) => SECRET_WORDS.has(w)) || SECRET_FRAGMENTS.some((f) => lower.includes(f));
}

/**
 * Refuses details that would put a secret into the audit log: a secret-looking key anywhere in the tree,
 * or a value shaped like a password hash. Events are evidence kept for a long time and read by many
 * administrators, so a leak there outlives any rotation.
 */
export function assertNoSecrets(value: unknown, path = 'details'): void {
  if (typeof value === 'string') {
    if (HASH_VALUE.test(value)) throw new AuditSecretError(path);
    return;
  }
  if (Array.isArray(value)) return value.forEach((v, i) => assertNoSecrets(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return;
  for (const [key, v] of Object.entries(value)) {
    if (isSecretKey(key)) throw new AuditSecretError(`${path}.${key}`);
    assertNoSecrets(v, `${path}.${key}`);
  }
}

/** Appends events to the audit log; `A` narrows the action names a capability may write. */
export class AuditRecorder<A extends string = string> {
  constructor(private readonly log: AuditLog) {}

  async record(e: AuditEntry<A>): Promise<AuditEvent> {
    const details = e.details ?? {};
    assertNoSecrets(details);
    return this.log.append({
      accountId: e.accountId,
      actor: e.actor,
      action: e.action,
      target: e.target,
      sourceIp: e.sourceIp,
      result: e.result,
      reasonCode: e.reasonCode ?? null,
      details,
    });
  }
}
