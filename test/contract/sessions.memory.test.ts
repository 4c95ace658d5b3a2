import { describe, expect, it } from '@jest/globals';
import { ManualClock, randomIds } from '../../src/clock.js';
import { createSessionStore } from '../../src/adapters.js';
import { MemorySessionStore } from '../../src/sessions/memory.js';
import { describeSessionStoreContract } from './sessions.contract.js';

describe('SessionStore contract: memory', () => {
  describeSessionStoreContract('memory', async () => {
    const clock = new ManualClock();
    return {
      store: new MemorySessionStore({ clock, ids: randomIds }),
      pass: async (ms) => clock.advance(ms),
    };
  });

  it('[memory] createSessionStore picks the memory adapter for sessions.kind "memory"', async () => {
    const sessions = {
      kind: 'memory',
      redisUrl: '',
      keyPrefix: 'x',
      absoluteTtlSeconds: 60,
      idleTtlSeconds: 30,
      inspectCacheMs: 1_000,
    } as const;
    const store = createSessionStore({ sessions }, { clock: new ManualClock(), ids: randomIds });
    expect(store).toBeInstanceOf(MemorySessionStore);
    await store.close();
  });
});
