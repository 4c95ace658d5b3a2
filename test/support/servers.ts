import { afterAll, describe, it } from '@jest/globals';
import mongoose from 'mongoose';

/**
 * Suites that need a real server (DESIGN §4). `npm test` (scripts/test.sh) and .ci/run start FerretDB and
 * Redis and export their URLs, so these suites always run; a missing URL is a failure naming what to
 * start, never a silent skip.
 */
export const servers = {
  mongoUri: process.env.MONGODB_URI ?? '',
  redisUrl: process.env.REDIS_URL ?? '',
  ferretdbBin: process.env.FERRETDB_BIN ?? '',
};

export function describeWithServer(kind: 'mongo' | 'redis', name: string, body: () => void): void {
  const url = kind === 'mongo' ? servers.mongoUri : servers.redisUrl;
  const env = kind === 'mongo' ? 'MONGODB_URI' : 'REDIS_URL';
  if (url) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it(`needs ${env}`, () => {
      throw new Error(
        `${env} is not set: run the suite with \`npm test\` (it starts the ${kind} server) or eval "$(scripts/dev-services.sh start)"`,
      );
    });
  });
}

/** A unique name per test run, so parallel suites and reruns never see each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A database of the calling suite's own on the MongoDB-wire server, dropped when the suite ends. Call it
 * inside a `describeWithServer('mongo', …)` body.
 */
export function mongoTestDatabase(prefix: string): string {
  const url = new URL(servers.mongoUri);
  url.pathname = `/${uniqueName(prefix).slice(0, 60)}`;
  const uri = url.toString();
  afterAll(async () => {
    const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 2000 }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });
  return uri;
}
