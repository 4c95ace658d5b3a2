import { Redis } from 'ioredis';
import { servers } from './servers.js';

/** Every key matching `match`: SCAN walks the whole keyspace in pages, and a busy shared Redis needs all of them. */
export async function scanKeys(admin: Redis, match: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await admin.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    keys.push(...page);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Deletes what a suite wrote under its own prefix (call in afterAll). */
export async function deleteKeysUnder(prefix: string): Promise<void> {
  const admin = new Redis(servers.redisUrl);
  try {
    const keys = await scanKeys(admin, `${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1000) await admin.del(...keys.slice(i, i + 1000));
  } finally {
    admin.disconnect();
  }
}
