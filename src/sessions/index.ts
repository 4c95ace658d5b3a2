/**
 * Sessions and short-lived shared state (LOGIN-3, LOGIN-4, LOGIN-6, FED-5, ENT-5, TOK-4).
 *
 * Capabilities depend on the `SessionStore` port (ports.ts) only. The composition root calls
 * `createSessionStore(config, deps)`, which picks the adapter from `config.sessions.kind`:
 * `memory` for a single process without servers, `redis` when several instances share state (OPS-5).
 */
import type { Clock, Ids } from '../clock.js';
import type { Config } from '../config/schema.js';
import { MemorySessionStore } from './memory.js';
import type { SessionStore } from './ports.js';
import { RedisSessionStore } from './redis.js';

export type * from './ports.js';
export { MemorySessionStore } from './memory.js';
export { RedisSessionStore } from './redis.js';

export interface SessionStoreDeps {
  clock: Clock;
  ids: Ids;
  /** Revocation marker lifetime; must exceed the longest token lifetime (default: a day). */
  revocationTtlMs?: number;
  /** Redis connection errors, for the logger (never carries session data). */
  onError?: (err: Error) => void;
}

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
