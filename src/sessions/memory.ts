import type { Clock, Ids } from '../clock.js';
import {
  DEFAULT_REVOCATION_TTL_MS,
  SESSION_ID_BYTES,
  applyPatch,
  assertPositiveInt,
  idleDeadline,
  notify,
  userIndexKey,
} from './common.js';
import type {
  CreateSessionInput,
  HitResult,
  IncrementResult,
  RevocationListener,
  Session,
  SessionInspection,
  SessionPatch,
  SessionStore,
} from './ports.js';

/**
 * Single-process SessionStore for `npm start` without servers and for unit tests. Every expiry reads the
 * injected Clock, so tests move time instead of sleeping. Expired entries are dropped when touched and by
 * a sweep every SWEEP_EVERY writes, so memory stays bounded by live state. Not for several instances
 * (OPS-5): config refuses `memory` in production.
 */
export interface MemorySessionStoreDeps {
  clock: Clock;
  ids: Ids;
  revocationTtlMs?: number;
}

interface Expiring<T> {
  value: T;
  expiresAtMs: number;
}

interface StoredSession {
  session: Session;
  idleTtlMs: number;
}

const SWEEP_EVERY = 1024;

export class MemorySessionStore implements SessionStore {
  private readonly clock: Clock;
  private readonly ids: Ids;
  private readonly revocationTtlMs: number;
  private readonly sessions = new Map<string, StoredSession>();
  private readonly userIndex = new Map<string, Set<string>>();
  private readonly counters = new Map<string, Expiring<number>>();
  private readonly windows = new Map<string, Expiring<number[]>>();
  private readonly once = new Map<string, Expiring<true>>();
  private readonly revoked = new Map<string, Expiring<number>>();
  private readonly epochs = new Map<string, Expiring<string>>();
  private readonly listeners = new Set<RevocationListener>();
  private writes = 0;

  constructor(deps: MemorySessionStoreDeps) {
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.revocationTtlMs = deps.revocationTtlMs ?? DEFAULT_REVOCATION_TTL_MS;
  }

  // ── sessions ──────────────────────────────────────────────────────────

  async create(input: CreateSessionInput): Promise<Session> {
    assertPositiveInt('absoluteTtlMs', input.absoluteTtlMs);
    assertPositiveInt('idleTtlMs', input.idleTtlMs);
    this.wrote();
    const now = this.clock.now();
    const absoluteExpiresAtMs = now + input.absoluteTtlMs;
    const session: Session = {
      id: this.ids.token(SESSION_ID_BYTES),
      principal: { ...input.principal },
      data: { ...input.data },
      createdAtMs: now,
      lastSeenAtMs: now,
      absoluteExpiresAtMs,
      idleExpiresAtMs: idleDeadline(now, input.idleTtlMs, absoluteExpiresAtMs),
    };
    this.sessions.set(session.id, { session, idleTtlMs: input.idleTtlMs });
    const indexKey = userIndexKey(input.principal.accountId, input.principal.userId);
    const index = this.userIndex.get(indexKey) ?? new Set<string>();
    index.add(session.id);
    this.userIndex.set(indexKey, index);
    return copy(session);
  }

  async get(id: string): Promise<Session | null> {
    return this.touch(id, null);
  }

  async update(id: string, patch: SessionPatch): Promise<Session | null> {
    return this.touch(id, patch);
  }

  async end(id: string): Promise<boolean> {
    const live = this.liveSession(id) !== null;
    this.sessions.delete(id);
    return live;
  }

  async listForUser(accountId: string, userId: string): Promise<Session[]> {
    const indexKey = userIndexKey(accountId, userId);
    const index = this.userIndex.get(indexKey);
    if (!index) return [];
    const live: Session[] = [];
    for (const id of index) {
      const stored = this.liveSession(id);
      if (stored) live.push(copy(stored.session));
      else index.delete(id);
    }
    if (index.size === 0) this.userIndex.delete(indexKey);
    return live.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async endAllForUser(accountId: string, userId: string): Promise<number> {
    const live = await this.listForUser(accountId, userId);
    for (const s of live) this.sessions.delete(s.id);
    this.userIndex.delete(userIndexKey(accountId, userId));
    return live.length;
  }

  // ── counters, windows, replay cache ───────────────────────────────────

  async increment(key: string, ttlMs: number, opts: { ceiling?: number } = {}): Promise<IncrementResult> {
    assertPositiveInt('ttlMs', ttlMs);
    const current = this.live(this.counters, key);
    const value = current?.value ?? 0;
    if (opts.ceiling !== undefined && value >= opts.ceiling) return { value, applied: false };
    this.wrote();
    // The TTL starts with the first increment; later ones keep the original deadline.
    this.counters.set(key, { value: value + 1, expiresAtMs: current?.expiresAtMs ?? this.clock.now() + ttlMs });
    return { value: value + 1, applied: true };
  }

  async getCounter(key: string): Promise<number> {
    return this.live(this.counters, key)?.value ?? 0;
  }

  async resetCounter(key: string): Promise<void> {
    this.counters.delete(key);
  }

  async hit(key: string, windowMs: number, limit: number): Promise<HitResult> {
    assertPositiveInt('windowMs', windowMs);
    assertPositiveInt('limit', limit);
    const now = this.clock.now();
    const hits = (this.live(this.windows, key)?.value ?? []).filter((t) => t > now - windowMs);
    const oldest = hits[0];
    if (hits.length >= limit && oldest !== undefined) {
      this.windows.set(key, { value: hits, expiresAtMs: now + windowMs });
      return { allowed: false, count: hits.length, retryAfterMs: Math.max(1, oldest + windowMs - now) };
    }
    this.wrote();
    hits.push(now);
    this.windows.set(key, { value: hits, expiresAtMs: now + windowMs });
    return { allowed: true, count: hits.length, retryAfterMs: 0 };
  }

  async setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    assertPositiveInt('ttlMs', ttlMs);
    if (this.live(this.once, key)) return false;
    this.wrote();
    this.once.set(key, { value: true, expiresAtMs: this.clock.now() + ttlMs });
    return true;
  }

  // ── revocation ────────────────────────────────────────────────────────

  async markRevoked(subjectKeys: readonly string[], atMs: number): Promise<void> {
    if (subjectKeys.length === 0) return;
    this.wrote();
    const expiresAtMs = this.clock.now() + this.revocationTtlMs;
    const marked = new Map<string, number>();
    for (const key of subjectKeys) {
      const max = Math.max(atMs, this.live(this.revoked, key)?.value ?? atMs);
      this.revoked.set(key, { value: max, expiresAtMs });
      marked.set(key, max);
    }
    for (const listener of this.listeners) notify(listener, marked);
  }

  async revokedAfter(subjectKeys: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const key of subjectKeys) {
      const marker = this.live(this.revoked, key);
      if (marker) out.set(key, marker.value);
    }
    return out;
  }

  async inspect(
    sessionId: string,
    subjectKeys: readonly string[],
    epochKeys: readonly string[] = [],
  ): Promise<SessionInspection> {
    const epochs = new Map<string, string>();
    for (const key of epochKeys) {
      const epoch = this.live(this.epochs, key);
      if (epoch) epochs.set(key, epoch.value);
    }
    return { live: this.liveSession(sessionId) !== null, revoked: await this.revokedAfter(subjectKeys), epochs };
  }

  async bumpEpochs(epochKeys: readonly string[]): Promise<void> {
    if (epochKeys.length === 0) return;
    this.wrote();
    const expiresAtMs = this.clock.now() + this.revocationTtlMs;
    for (const key of epochKeys) this.epochs.set(key, { value: this.ids.token(12), expiresAtMs });
  }

  async onRevoked(listener: RevocationListener): Promise<() => void> {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ── lifecycle ─────────────────────────────────────────────────────────

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
  }

  // ── internals ─────────────────────────────────────────────────────────

  private touch(id: string, patch: SessionPatch | null): Session | null {
    const stored = this.liveSession(id);
    if (!stored) return null;
    const now = this.clock.now();
    const s = stored.session;
    if (patch) s.data = applyPatch(s.data, patch);
    s.lastSeenAtMs = now;
    s.idleExpiresAtMs = idleDeadline(now, stored.idleTtlMs, s.absoluteExpiresAtMs);
    return copy(s);
  }

  private liveSession(id: string): StoredSession | null {
    const stored = this.sessions.get(id);
    if (!stored) return null;
    if (this.clock.now() < stored.session.idleExpiresAtMs) return stored;
    this.sessions.delete(id);
    return null;
  }

  private live<T>(map: Map<string, Expiring<T>>, key: string): Expiring<T> | null {
    const entry = map.get(key);
    if (!entry) return null;
    if (this.clock.now() < entry.expiresAtMs) return entry;
    map.delete(key);
    return null;
  }

  private wrote(): void {
    if (++this.writes % SWEEP_EVERY !== 0) return;
    const now = this.clock.now();
    for (const map of [this.counters, this.windows, this.once, this.revoked, this.epochs] as Map<
      string,
      Expiring<unknown>
    >[]) {
      for (const [key, entry] of map) if (now >= entry.expiresAtMs) map.delete(key);
    }
    for (const [id, stored] of this.sessions) if (now >= stored.session.idleExpiresAtMs) this.sessions.delete(id);
    for (const [key, index] of this.userIndex) {
      for (const id of index) if (!this.sessions.has(id)) index.delete(id);
      if (index.size === 0) this.userIndex.delete(key);
    }
  }
}

/** Callers get copies: mutating a returned session must not change the stored one. */
function copy(session: Session): Session {
  return { ...session, principal: { ...session.principal }, data: { ...session.data } };
}
