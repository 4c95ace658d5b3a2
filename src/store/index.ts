import type { Config } from '../config/schema.js';
import { createMemoryStore } from './memory/memory-store.js';
import type { Store } from './ports.js';
import type { StoreDeps } from './shared.js';

/**
 * Entity store (DESIGN §1, §4): the composition root calls `createStore` then `init()` once at startup.
 * `memory` is the `npm start` default (optionally persisted to `store.memoryFile`); `mongo` is production.
 * The mongo adapter is imported only when chosen: mongoose and its driver are ~30 MB of resident memory a
 * memory-mode process never needs (DESIGN §5 idle budget).
 */
export type * from './ports.js';
export type { StoreDeps } from './shared.js';

export async function createStore(config: Pick<Config, 'store' | 'limits'>, deps: StoreDeps): Promise<Store> {
  const options = { maxTags: config.limits.tagsPerResource, maxPageSize: config.limits.maxPageSize };
  switch (config.store.kind) {
    case 'memory':
      return createMemoryStore(deps, { ...options, ...(config.store.memoryFile ? { file: config.store.memoryFile } : {}) });
    case 'mongo': {
      const { createMongoStore } = await import('./mongo/mongo-store.js');
      return createMongoStore(deps, { ...options, uri: config.store.mongoUri });
    }
  }
}
