import type { Redis } from 'ioredis';
import type { Ids } from '../clock.js';
import { DEFAULT_REVOCATION_TTL_MS, SESSION_ID_BYTES, assertPositiveInt, idleDeadline, notify, userIndexKey } from './common.js';
import type { CreateSessionInput, HitResult, IncrementResult, RevocationListener, Session, SessionInspection, SessionPatch, SessionStore } from './ports.js';
import { FailClosedRedis, execAll, script } from './redis-connection.js';
import { SESSION_FIELDS } from './redis-scripts.js';

/**
 * Redis SessionStore, shared by every gateway instance (OPS-5). Every key lives under `keyPrefix`;
 * every read-modify-write is a one-key Lua script (redis-scripts.ts); TTLs are Redis's own (PEXPIRE on
 * server time), so no instance's clock decides an expiry. Failing closed: redis-connection.ts (OPS-6).
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
}

/**
 * KEYS[1] the session, KEYS[2..ARGV[1]+1] markers, the rest epochs → {exists, {marker values}, {epoch
 * values}}. Missing values come back as nil, so positions are kept.
 */
const SESSION_INSPECT = `local markers = tonumber(ARGV[1] or (#KEYS - 1))
local values, epochs = {}, {}
for i = 2, markers + 1 do values[i - 1] = redis.call('GET', KEYS[i]) end
for i = markers + 2, #KEYS do epochs[i - markers - 1] = redis.call('GET', KEYS[i]) end
return {redis.call('EXISTS', KEYS[1]), values, epochs}`;

/** Redis replies of a GET batch: null where the key is absent. */
function present<V>(keys: readonly string[], values: readonly (string | null | undefined)[] | undefined, parse: (v: string) => V): Map<string, V> {
  const out = new Map<string, V>();
  keys.forEach((k, i) => {
    const v = values?.[i];
    if (v != null) out.set(k, parse(v));
  });
  return out;
}

interface InspectCommand {
  sessionInspect(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<unknown>;
}

type Fields = [string | null, string | null, string | null, string | null, string | null, string | null];

export class RedisSessionStore implements SessionStore {
  private readonly redis: FailClosedRedis;
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly ids: Ids;
  private readonly revocationTtlMs: number;
  private readonly onError: (err: Error) => void;
  private readonly listeners = new Set<RevocationListener>();
  private subscriber: Redis | null = null;
  private subscribed: Promise<unknown> | null = null;

  constructor(options: RedisSessionStoreOptions) {
    this.prefix = options.keyPrefix;
    this.ids = options.ids;
    this.revocationTtlMs = options.revocationTtlMs ?? DEFAULT_REVOCATION_TTL_MS;
    this.onError = options.onError ?? (() => {});
    this.redis = new FailClosedRedis(options.url, { timeoutMs: options.commandTimeoutMs ?? 1000, onError: this.onError });
    this.client = this.redis.client;
    // Variable key count (the session plus each marker), so not among the one-key scripts of redis-scripts.ts.
    this.client.defineCommand('sessionInspect', { lua: SESSION_INSPECT });
  }

  // ── sessions ──────────────────────────────────────────────────────────

  async create(input: CreateSessionInput): Promise<Session> {
    assertPositiveInt('absoluteTtlMs', input.absoluteTtlMs);
    assertPositiveInt('idleTtlMs', input.idleTtlMs);
    const id = this.ids.token(SESSION_ID_BYTES);
    const indexKey = this.key('u', userIndexKey(input.principal.accountId, input.principal.userId));
    const args = [JSON.stringify(input.principal), JSON.stringify(input.data ?? {}), input.absoluteTtlMs, input.idleTtlMs];
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
    return (await this.run(() => this.client.del(this.key('s', id)))) > 0;
  }

  async listForUser(accountId: string, userId: string): Promise<Session[]> {
    const { live } = await this.readIndex(accountId, userId);
    return live.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async endAllForUser(accountId: string, userId: string): Promise<number> {
    const { indexKey, live } = await this.readIndex(accountId, userId);
    if (live.length === 0) return 0;
    // ZREM what was read rather than DEL the index: a session created meanwhile keeps its entry.
    const replies = await this.run(() => {
      const p = this.client.pipeline();
      for (const s of live) p.del(this.key('s', s.id));
      p.zrem(indexKey, ...live.map((s) => s.id));
      return execAll(p);
    });
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
    const replies = await this.run(() => {
      const p = this.client.pipeline();
      for (const k of subjectKeys) script(p, 'revocationMark', this.key('r', k), atMs, this.revocationTtlMs);
      p.mget(...subjectKeys.map((k) => this.key('r', k)));
      return execAll(p);
    });
    // Publish the stored maxima (not atMs): a listener must never learn an older time than Redis holds.
    // A failed publish rejects the call; marking again is harmless (the maximum is kept).
    const maxima = replies[subjectKeys.length] as (string | null)[];
    const payload = subjectKeys.map((k, i) => [k, Number(maxima[i] ?? atMs)]);
    await this.run(() => this.client.publish(this.channel(), JSON.stringify(payload)));
  }

  async revokedAfter(subjectKeys: readonly string[]): Promise<Map<string, number>> {
    if (subjectKeys.length === 0) return new Map();
    // One MGET: a token check costs at most one Redis round trip (DESIGN §5, /v1/authorize).
    const values = await this.run(() => this.client.mget(...subjectKeys.map((k) => this.key('r', k))));
    return present(subjectKeys, values, Number);
  }

  async inspect(sessionId: string, subjectKeys: readonly string[], epochKeys: readonly string[] = []): Promise<SessionInspection> {
    // One command, not a pipeline: a two-command pipeline cost ~3.5x the CPU of one MGET under load
    // (bench/authorize.ts). EXISTS suffices for liveness: the key's PEXPIRE already is min(idle, absolute).
    const keys = [this.key('s', sessionId), ...subjectKeys.map((k) => this.key('r', k)), ...epochKeys.map((k) => this.key('e', k))];
    const [live, values, epochs] = (await this.run(() =>
      (this.client as unknown as InspectCommand).sessionInspect(keys.length, ...keys, subjectKeys.length),
    )) as [number, (string | null)[], (string | null)[] | undefined];
    return { live: live === 1, revoked: present(subjectKeys, values, Number), epochs: present(epochKeys, epochs, String) };
  }

  async bumpEpochs(epochKeys: readonly string[]): Promise<void> {
    if (epochKeys.length === 0) return;
    await this.run(() => {
      const p = this.client.pipeline();
      for (const k of epochKeys) p.set(this.key('e', k), this.ids.token(12), 'PX', this.revocationTtlMs);
      return execAll(p);
    });
  }

  async onRevoked(listener: RevocationListener): Promise<() => void> {
    if (!this.subscriber) {
      // Subscribed connections cannot run other commands, hence a second one; it resubscribes by itself.
      // It queues SUBSCRIBE until connected; maxRetriesPerRequest 0 still fails it if Redis is down.
      const sub = this.client.duplicate({ enableOfflineQueue: true });
      this.subscriber = sub;
      sub.on('error', (err: Error) => this.onError(err));
      sub.on('message', (_channel: string, message: string) => this.dispatch(message));
      this.subscribed = sub.subscribe(this.channel()).catch((err: unknown) => {
        // Start over on the next call instead of caching a failed subscription forever.
        this.subscriber = null;
        this.subscribed = null;
        sub.disconnect();
        throw err;
      });
    }
    // Every caller waits for the one SUBSCRIBE, so no listener believes it is subscribed too early.
    await this.run(() => this.subscribed ?? Promise.resolve());
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // ── lifecycle ─────────────────────────────────────────────────────────

  async ping(): Promise<void> {
    await this.run(() => this.client.ping());
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber?.disconnect();
    this.client.disconnect();
  }

  // ── internals ─────────────────────────────────────────────────────────

  private key(kind: 's' | 'u' | 'c' | 'w' | 'o' | 'r' | 'e', key: string): string {
    return `${this.prefix}:${kind}:${key}`;
  }

  private channel(): string {
    return `${this.prefix}:revoked`;
  }

  private async touch(id: string, patchJson: string): Promise<Session | null> {
    const fields = (await this.run(() => script(this.client, 'sessionTouch', this.key('s', id), patchJson))) as Fields | null;
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

  private dispatch(message: string): void {
    let revoked: Map<string, number>;
    try {
      revoked = new Map(JSON.parse(message) as [string, number][]);
    } catch {
      return; // not ours: someone else published on the channel
    }
    for (const listener of this.listeners) notify(listener, revoked);
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
