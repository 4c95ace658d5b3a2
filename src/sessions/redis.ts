import type { ChainableCommander, Redis } from 'ioredis';
import { systemClock } from '../clock.js';
import type { Clock, Ids } from '../clock.js';
import {
  DEFAULT_REVOCATION_TTL_MS,
  SESSION_ID_BYTES,
  assertPositiveInt,
  idleDeadline,
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
import { FailClosedRedis, execAll, script, scriptN } from './redis-connection.js';
import { RedisEvents } from './redis-events.js';
import { SESSION_FIELDS } from './redis-scripts.js';

/**
 * Redis SessionStore, shared by every gateway instance (OPS-5). Every key lives under `keyPrefix`;
 * every read-modify-write is a one-key Lua script (redis-scripts.ts); TTLs are Redis's own (PEXPIRE on
 * server time), so no instance's clock decides an expiry. Failing closed: redis-connection.ts (OPS-6).
 * Pub/sub (revocations, inspect cache invalidations): redis-events.ts.
 */
export interface RedisSessionStoreOptions {
  url: string;
  keyPrefix: string;
  ids: Ids;
  /** How long revocation markers live; longer than the longest token (default: a day). */
  revocationTtlMs?: number;
  /** Bound on one command, and on the wait for the very first connection (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Connection errors (reported once per failure, never with data); default: ignored. */
  onError?: (err: Error) => void;
  /**
   * How long an `inspect` answer may be served from the local cache (inspect-cache.ts); 0 or absent: no
   * cache. Explicit ends, revocations and epoch bumps invalidate it at once through pub/sub; this bound
   * covers what publishes nothing (a session or marker expiring by TTL) and a silently dead subscriber.
   */
  inspectCacheMs?: number;
  /** Ages cache entries, nothing else (expiries are Redis's own); default: the system clock. */
  clock?: Clock;
}

/** Redis replies of a GET batch: null where the key is absent. */
function present<V>(
  keys: readonly string[],
  values: readonly (string | null | undefined)[] | undefined,
  parse: (v: string) => V,
): Map<string, V> {
  const out = new Map<string, V>();
  keys.forEach((k, i) => {
    const v = values?.[i];
    if (v != null) out.set(k, parse(v));
  });
  return out;
}

type Fields = [string | null, string | null, string | null, string | null, string | null, string | null];

export class RedisSessionStore implements SessionStore {
  private readonly redis: FailClosedRedis;
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly ids: Ids;
  private readonly revocationTtlMs: number;
  private readonly events: RedisEvents;

  constructor(options: RedisSessionStoreOptions) {
    const inspectCacheMs = options.inspectCacheMs ?? 0;
    if (inspectCacheMs !== 0) assertPositiveInt('inspectCacheMs', inspectCacheMs); // before any connection opens
    this.prefix = options.keyPrefix;
    this.ids = options.ids;
    this.revocationTtlMs = options.revocationTtlMs ?? DEFAULT_REVOCATION_TTL_MS;
    const onError = options.onError ?? (() => {});
    const timeoutMs = options.commandTimeoutMs ?? 1000;
    this.redis = new FailClosedRedis(options.url, { timeoutMs, onError });
    this.client = this.redis.client;
    this.events = new RedisEvents(this.client, {
      keyPrefix: this.prefix,
      timeoutMs,
      onError,
      inspectCacheMs,
      clock: options.clock ?? systemClock,
    });
  }

  /** True while `inspect` answers from the local cache (see RedisSessionStoreOptions.inspectCacheMs). */
  get inspectCacheActive(): boolean {
    return this.events.inspectCacheActive;
  }

  // ── sessions ──────────────────────────────────────────────────────────

  async create(input: CreateSessionInput): Promise<Session> {
    assertPositiveInt('absoluteTtlMs', input.absoluteTtlMs);
    assertPositiveInt('idleTtlMs', input.idleTtlMs);
    const id = this.ids.token(SESSION_ID_BYTES);
    const indexKey = this.key('u', userIndexKey(input.principal.accountId, input.principal.userId));
    const args = [
      JSON.stringify(input.principal),
      JSON.stringify(input.data ?? {}),
      input.absoluteTtlMs,
      input.idleTtlMs,
    ];
    // Index first, in the same round trip: a session never exists without its index entry, so
    // endAllForUser cannot miss it; an index entry without a session is pruned on read.
    const replies = await this.run(() => {
      const p = this.client.pipeline();
      script(p, 'userIndexAdd', indexKey, id, input.absoluteTtlMs);
      script(p, 'sessionCreate', this.key('s', id), ...args);
      return execAll(p);
    });
    return toSession(id, replies[1] as Fields);
  }

  async get(id: string): Promise<Session | null> {
    return this.touch(id, '');
  }

  async update(id: string, patch: SessionPatch): Promise<Session | null> {
    return this.touch(id, JSON.stringify(patch));
  }

  async end(id: string): Promise<boolean> {
    const [deleted] = await this.endSessions([id], () => {});
    return deleted === 1;
  }

  async listForUser(accountId: string, userId: string): Promise<Session[]> {
    const { live } = await this.readIndex(accountId, userId);
    return live.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async endAllForUser(accountId: string, userId: string): Promise<number> {
    const { indexKey, live } = await this.readIndex(accountId, userId);
    if (live.length === 0) return 0;
    // ZREM what was read rather than DEL the index: a session created meanwhile keeps its entry.
    const ids = live.map((s) => s.id);
    const replies = await this.endSessions(ids, (m) => m.zrem(indexKey, ...ids));
    return live.filter((_, i) => replies[i] === 1).length;
  }

  // ── counters, windows, replay cache ───────────────────────────────────

  async increment(key: string, ttlMs: number, opts: { ceiling?: number } = {}): Promise<IncrementResult> {
    assertPositiveInt('ttlMs', ttlMs);
    const [value, applied] = (await this.run(() =>
      script(this.client, 'counterIncrement', this.key('c', key), ttlMs, opts.ceiling ?? ''),
    )) as [number, number];
    return { value, applied: applied === 1 };
  }

  async getCounter(key: string): Promise<number> {
    return Number((await this.run(() => this.client.get(this.key('c', key)))) ?? 0);
  }

  async resetCounter(key: string): Promise<void> {
    await this.run(() => this.client.del(this.key('c', key)));
  }

  async hit(key: string, windowMs: number, limit: number): Promise<HitResult> {
    assertPositiveInt('windowMs', windowMs);
    assertPositiveInt('limit', limit);
    const member = this.ids.token(9);
    const [allowed, count, retryAfterMs] = (await this.run(() =>
      script(this.client, 'slidingWindowHit', this.key('w', key), windowMs, limit, member),
    )) as [number, number, number];
    return { allowed: allowed === 1, count, retryAfterMs };
  }

  async setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    assertPositiveInt('ttlMs', ttlMs);
    return (await this.run(() => this.client.set(this.key('o', key), '1', 'PX', ttlMs, 'NX'))) === 'OK';
  }

  // ── revocation ────────────────────────────────────────────────────────

  async markRevoked(subjectKeys: readonly string[], atMs: number): Promise<void> {
    if (subjectKeys.length === 0) return;
    // Marks and publishes the stored maxima in one script, so no crash separates the two. Every inspect
    // cache drops everything on it (own one included, here), as markers are not indexed by key.
    const keys = subjectKeys.map((k) => this.key('r', k));
    await this.invalidating(null, () =>
      scriptN(
        this.client,
        'revocationMarkAll',
        keys,
        atMs,
        this.revocationTtlMs,
        this.events.revokedChannel,
        ...subjectKeys,
      ),
    );
  }

  async revokedAfter(subjectKeys: readonly string[]): Promise<Map<string, number>> {
    if (subjectKeys.length === 0) return new Map();
    // One MGET: a token check costs at most one Redis round trip (DESIGN §5, /v1/authorize).
    const values = await this.run(() => this.client.mget(...subjectKeys.map((k) => this.key('r', k))));
    return present(subjectKeys, values, Number);
  }

  async inspect(
    sessionId: string,
    subjectKeys: readonly string[],
    epochKeys: readonly string[] = [],
  ): Promise<SessionInspection> {
    const fetch = (): Promise<SessionInspection> => this.fetchInspection(sessionId, subjectKeys, epochKeys);
    return this.events.inspect(sessionId, subjectKeys, epochKeys, this.client.status === 'ready', fetch);
  }

  async bumpEpochs(epochKeys: readonly string[]): Promise<void> {
    if (epochKeys.length === 0) return;
    // MULTI: the new values and their invalidation message are applied together or not at all.
    await this.invalidating(null, () => {
      const m = this.client.multi();
      for (const k of epochKeys) m.set(this.key('e', k), this.ids.token(12), 'PX', this.revocationTtlMs);
      m.publish(this.events.inspectChannel, this.events.epochsMessage(epochKeys));
      return execAll(m);
    });
  }

  async onRevoked(listener: RevocationListener): Promise<() => void> {
    await this.run(() => this.events.whenSubscribed());
    return this.events.addRevocationListener(listener);
  }

  // ── lifecycle ─────────────────────────────────────────────────────────

  async ping(): Promise<void> {
    await this.run(() => this.client.ping());
  }

  async close(): Promise<void> {
    this.events.close();
    this.client.disconnect();
  }

  // ── internals ─────────────────────────────────────────────────────────

  private key(kind: 's' | 'u' | 'c' | 'w' | 'o' | 'r' | 'e', key: string): string {
    return `${this.prefix}:${kind}:${key}`;
  }

  /** One command, not a pipeline: a two-command pipeline cost ~3.5x the CPU of one MGET under load. */
  private async fetchInspection(
    sessionId: string,
    subjectKeys: readonly string[],
    epochKeys: readonly string[],
  ): Promise<SessionInspection> {
    // EXISTS suffices for liveness: the key's PEXPIRE already is min(idle, absolute).
    const keys = [
      this.key('s', sessionId),
      ...subjectKeys.map((k) => this.key('r', k)),
      ...epochKeys.map((k) => this.key('e', k)),
    ];
    const [live, values, epochs] = (await this.run(() =>
      scriptN(this.client, 'sessionInspect', keys, subjectKeys.length),
    )) as [number, (string | null)[], (string | null)[] | undefined];
    return {
      live: live === 1,
      revoked: present(subjectKeys, values, Number),
      epochs: present(epochKeys, epochs, String),
    };
  }

  /**
   * Ends sessions and announces it in one MULTI (with `more` commands after the DELs); the replies of
   * the DELs come first.
   */
  private endSessions(ids: readonly string[], more: (m: ChainableCommander) => unknown): Promise<unknown[]> {
    return this.invalidating(ids, () => {
      const m = this.client.multi();
      for (const id of ids) m.del(this.key('s', id));
      more(m);
      m.publish(this.events.inspectChannel, this.events.endedMessage(ids));
      return execAll(m);
    });
  }

  /** A write that changes inspect answers of `sessionIds` (null: of anyone); see RedisEvents.wrote. */
  private async invalidating<T>(sessionIds: readonly string[] | null, op: () => Promise<T>): Promise<T> {
    try {
      return await this.run(op);
    } finally {
      this.events.wrote(sessionIds);
    }
  }

  private async touch(id: string, patchJson: string): Promise<Session | null> {
    const fields = (await this.run(() =>
      script(this.client, 'sessionTouch', this.key('s', id), patchJson),
    )) as Fields | null;
    return fields ? toSession(id, fields) : null;
  }

  /** Reads the index and the sessions it names without touching them; prunes dead entries. */
  private async readIndex(accountId: string, userId: string): Promise<{ indexKey: string; live: Session[] }> {
    const indexKey = this.key('u', userIndexKey(accountId, userId));
    const ids = await this.run(() => this.client.zrange(indexKey, '0', '-1'));
    if (ids.length === 0) return { indexKey, live: [] };
    const replies = await this.run(() => {
      const p = this.client.pipeline();
      for (const id of ids) p.hmget(this.key('s', id), ...SESSION_FIELDS);
      return execAll(p);
    });
    const live: Session[] = [];
    const dead: string[] = [];
    ids.forEach((id, i) => {
      const fields = replies[i] as Fields;
      if (fields[0] === null) dead.push(id);
      else live.push(toSession(id, fields));
    });
    if (dead.length > 0) await this.run(() => this.client.zrem(indexKey, ...dead));
    return { indexKey, live };
  }

  private run<T>(op: () => Promise<T>): Promise<T> {
    return this.redis.run(op);
  }
}

function toSession(id: string, [p, d, c, a, i, s]: Fields): Session {
  const absoluteExpiresAtMs = Number(a);
  const lastSeenAtMs = Number(s);
  return {
    id,
    principal: JSON.parse(p ?? '{}') as Session['principal'],
    data: JSON.parse(d ?? '{}') as Session['data'],
    createdAtMs: Number(c),
    lastSeenAtMs,
    absoluteExpiresAtMs,
    idleExpiresAtMs: idleDeadline(lastSeenAtMs, Number(i), absoluteExpiresAtMs),
  };
}
