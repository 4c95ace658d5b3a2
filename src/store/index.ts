/**
 * Entity store (DESIGN §1, §4): the port (ports.ts) and what its adapters share. The composition root
 * (src/adapters.ts) picks the adapter and calls `init()` once at startup.
 */
export type * from './ports.js';
export type { StoreDeps } from './shared.js';
export type * from './signing-keys.js';
