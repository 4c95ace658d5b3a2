/**
 * The session / short-lived-state port (DESIGN §1): console sessions (LOGIN-6), lockout and throttle
 * counters (LOGIN-3), replay caches (LOGIN-4 TOTP codes, FED-5 SAML assertion ids) and revocation markers
 * (ENT-5, TOK-4). Adapters: `memory.ts` (one process, injected Clock) and `redis.ts` (shared by every
 * instance, OPS-5). Both pass test/contract/sessions.contract.ts.
 *
 * Common rules for every method:
 * - A miss is `null` (or 0 / an empty collection), never an error.
 * - "Atomic" means: correct under any number of concurrent callers across all gateway instances.
 * - Every key argument is a caller-chosen string (e.g. `lockout:<accountId>:<userId>`); adapters namespace
 *   it themselves, so callers never add a prefix.
 * - When the backing server is unreachable, every method rejects quickly with
 *   `AppError('STORE_UNAVAILABLE')` (fail closed, OPS-6); nothing is queued for later.
 * - Session records hold a CSRF token and MFA state: never log them.
 */

export type PrincipalType = 'root' | 'user' | 'role-session' | 'federated';

/** Who the session belongs to. Kept small: the token claims are derived elsewhere (TOK-2). */
export interface SessionPrincipal {
  accountId: string;
  /** The user id; for role sessions and federated users, the identity that entered (index key). */
  userId: string;
  type: PrincipalType;
  /** Principal SRN when known (TEN-2). */
  srn?: string;
}

/** Values of the small per-session map (CSRF token, MFA step state, re-confirmation counters …). */
export type SessionValue = string | number | boolean;
export type SessionData = Record<string, SessionValue>;
/** A patch: a value sets the key, `null` removes it, absent keys stay as they are. */
export type SessionPatch = Record<string, SessionValue | null>;

export interface Session {
  /** 256-bit random, URL-safe (from `Ids.token(32)`); the cookie value. */
  id: string;
  principal: SessionPrincipal;
  data: SessionData;
  createdAtMs: number;
  /** Last time `get` or `update` touched the session. */
  lastSeenAtMs: number;
  /** The session ends here whatever the activity. */
  absoluteExpiresAtMs: number;
  /** min(lastSeen + idle TTL, absoluteExpiresAtMs). */
  idleExpiresAtMs: number;
}

export interface CreateSessionInput {
  principal: SessionPrincipal;
  data?: SessionData;
  absoluteTtlMs: number;
  idleTtlMs: number;
}

export interface IncrementResult {
  /** The counter after this call (unchanged when not applied). */
  value: number;
  /** False only when a ceiling was given and the counter had already reached it. */
  applied: boolean;
}

export interface HitResult {
  allowed: boolean;
  /** Hits counted in the window, this one included when allowed. */
  count: number;
  /** 0 when allowed; otherwise how long until the oldest counted hit leaves the window (> 0). */
  retryAfterMs: number;
}

/** Answer of `inspect`: session liveness and revocation markers read together. Read-only: adapters may share it. */
export interface SessionInspection {
  live: boolean;
  /** Revoked-at ms of the keys that have a marker. */
  revoked: ReadonlyMap<string, number>;
  /** Current value of each requested epoch key that has one (absent: never bumped, or expired). */
  epochs: ReadonlyMap<string, string>;
}

/** Receives `subject key → revoked-at ms` for markers set by any instance sharing the store. */
export type RevocationListener = (revoked: ReadonlyMap<string, number>) => void;

export interface SessionStore {
  // ── sessions (LOGIN-6) ────────────────────────────────────────────────

  /** Creates a session with a fresh id; it starts its idle timer now. Adds it to the user's index. */
  create(input: CreateSessionInput): Promise<Session>;

  /**
   * The live session, or null when unknown, ended, idle-expired or past its absolute expiry.
   * A hit touches the idle timer atomically; the idle expiry never extends past the absolute one.
   */
  get(id: string): Promise<Session | null>;

  /**
   * Atomically merges `patch` into the session's data (concurrent patches of different keys never lose
   * each other) and touches it like `get`. Returns the updated session, or null on a miss (nothing written).
   */
  update(id: string, patch: SessionPatch): Promise<Session | null>;

  /** Ends the session (logout). Idempotent; returns whether a live session was ended. */
  end(id: string): Promise<boolean>;

  /**
   * The user's live sessions (oldest first), without touching them; dead index entries are pruned.
   */
  listForUser(accountId: string, userId: string): Promise<Session[]>;

  /** Ends every session of the user; returns how many were live. Other users are untouched. */
  endAllForUser(accountId: string, userId: string): Promise<number>;

  // ── counters with TTL (LOGIN-3 lockout, PWD-11 re-confirmation) ───────

  /**
   * Atomically adds 1. The TTL starts at the first increment (the one creating the counter) and is not
   * extended by later ones. With `ceiling`, the increment is applied only while the value is below it,
   * so N concurrent callers reserving a slot get exactly `ceiling` successes.
   */
  increment(key: string, ttlMs: number, opts?: { ceiling?: number }): Promise<IncrementResult>;

  /** Current value; 0 when absent or expired. */
  getCounter(key: string): Promise<number>;

  resetCounter(key: string): Promise<void>;

  // ── sliding-window rate limit (LOGIN-3 per-IP / per-account throttle) ─

  /**
   * Atomically counts a hit in the window ending now if fewer than `limit` hits are in it.
   * Refused hits are not counted, so a client that keeps hammering is let in again once old hits age out.
   */
  hit(key: string, windowMs: number, limit: number): Promise<HitResult>;

  // ── replay caches (LOGIN-4 TOTP code reuse, FED-5 assertion ids) ──────

  /** True for exactly one caller until the key expires `ttlMs` later; false for everyone else. */
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>;

  // ── revocation markers (ENT-5, TOK-4) ────────────────────────────────

  /**
   * Records that everything issued for each subject key (`user:<id>`, `group:<id>`, `session:<id>` …)
   * before `atMs` is revoked. Keeps the maximum timestamp per key; markers outlive the longest token
   * lifetime (adapter option). Notifies `onRevoked` listeners of every instance.
   */
  markRevoked(subjectKeys: readonly string[], atMs: number): Promise<void>;

  /** Revoked-at timestamps of the given keys that have a marker, in one round trip. */
  revokedAfter(subjectKeys: readonly string[]): Promise<Map<string, number>>;

  /**
   * One credential check in one round trip (TOK-4): whether the session is live, and the markers of
   * `subjectKeys`, as `get` + `revokedAfter` would answer, plus the current values of `epochKeys`. Unlike `get` it does not touch the idle timer:
   * using an access token is not console activity, and a read-only check keeps the hot path write-free.
   * An adapter may answer from a local cache that every explicit change (end, endAllForUser, markRevoked,
   * bumpEpochs, from any instance) invalidates at once; an expiry by TTL may then show up to that cache's
   * bound late (Redis: `inspectCacheMs`, docs/decisions.md "Inspect cache").
   */
  inspect(sessionId: string, subjectKeys: readonly string[], epochKeys?: readonly string[]): Promise<SessionInspection>;

  // ── epochs (IAM policy-set versions, docs/decisions.md Tokens) ────────

  /**
   * Gives each key a fresh, never-repeating value (not a counter: a counter lost with its key could count
   * back up to a value some cache still holds). Readers that cached something under the old value see
   * the new one in their next `inspect` and drop it. Values live as long as revocation markers.
   */
  bumpEpochs(epochKeys: readonly string[]): Promise<void>;

  /**
   * Subscribes to markers set by any instance (for local verified-token caches). Delivery is best effort:
   * `revokedAfter` stays the source of truth. Returns an unsubscribe function.
   */
  onRevoked(listener: RevocationListener): Promise<() => void>;

  // ── lifecycle ─────────────────────────────────────────────────────────

  /** Resolves when the store answers (OPS-2 readiness); rejects with STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
