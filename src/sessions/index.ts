/**
 * Sessions and short-lived shared state (LOGIN-3, LOGIN-4, LOGIN-6, FED-5, ENT-5, TOK-4).
 *
 * Capabilities depend on the `SessionStore` port (ports.ts) only. The composition root
 * (src/adapters.ts `createSessionStore`) picks the adapter from `config.sessions.kind`: memory.ts for a
 * single process without servers, redis.ts when several instances share state (OPS-5).
 */
export type * from './ports.js';
