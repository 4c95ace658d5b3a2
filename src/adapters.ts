/**
 * The adapters of every port, chosen from config (DESIGN §4). Part of the composition root: only this file
 * and app.ts import an adapter (test/unit/architecture.test.ts holds it), so a capability can never reach
 * mongoose, ioredis or a memory map behind its port's back.
 *
 * The mongo adapters are imported only when chosen: mongoose and its driver are ~30 MB of resident memory
 * a memory-mode process never needs (DESIGN §5 idle budget).
 */
import type { Clock, Ids } from './clock.js';
import type { Config } from './config/schema.js';
import { MemorySessionStore } from './sessions/memory.js';
import type { SessionStore } from './sessions/ports.js';
import { RedisSessionStore } from './sessions/redis.js';
import { createMemoryStore } from './store/memory/memory-store.js';
import { MemorySigningKeyStore } from './store/memory/signing-key-store.js';
import type { Store } from './store/ports.js';
import type { StoreDeps } from './store/shared.js';
import type { SigningKeyStore } from './store/signing-keys.js';

/** Entity store: `memory` is the `npm start` default (optionally persisted to `store.memoryFile`); `mongo` is production. */
export async function createStore(config: Pick<Config, 'store' | 'limits'>, deps: StoreDeps): Promise<Store> {
  const options = { maxTags: config.limits.tagsPerResource, maxPageSize: config.limits.maxPageSize };
  switch (config.store.kind) {
    case 'memory':
      return createMemoryStore(deps, {
        ...options,
        ...(config.store.memoryFile ? { file: config.store.memoryFile } : {}),
      });
    case 'mongo': {
      const { createMongoStore } = await import('./store/mongo/mongo-store.js');
      return createMongoStore(deps, { ...options, uri: config.store.mongoUri });
    }
  }
}

export interface SessionStoreDeps {
  clock: Clock;
  ids: Ids;
  /** Revocation marker lifetime; must exceed the longest token lifetime (default: a day). */
  revocationTtlMs?: number;
  /** Redis connection errors, for the logger (never carries session data). */
  onError?: (err: Error) => void;
}

/** Sessions and short-lived shared state: `memory` for one process, `redis` when instances share state (OPS-5). */
export function createSessionStore(config: Pick<Config, 'sessions'>, deps: SessionStoreDeps): SessionStore {
  const optional = deps.revocationTtlMs === undefined ? {} : { revocationTtlMs: deps.revocationTtlMs };
  switch (config.sessions.kind) {
    case 'memory':
      return new MemorySessionStore({ clock: deps.clock, ids: deps.ids, ...optional });
    case 'redis':
      return new RedisSessionStore({
        url: config.sessions.redisUrl,
        keyPrefix: config.sessions.keyPrefix,
        ids: deps.ids,
        inspectCacheMs: config.sessions.inspectCacheMs,
        clock: deps.clock,
        ...optional,
        ...(deps.onError === undefined ? {} : { onError: deps.onError }),
      });
  }
}

/** Signing keys (TOK-1) live beside the entities: in MongoDB when the store is, else in the process. */
export async function createSigningKeyStore(config: Pick<Config, 'store'>): Promise<SigningKeyStore> {
  if (config.store.kind !== 'mongo') return new MemorySigningKeyStore();
  const { MongoSigningKeyStore } = await import('./store/mongo/signing-key-store.js');
  return new MongoSigningKeyStore(config.store.mongoUri);
}
