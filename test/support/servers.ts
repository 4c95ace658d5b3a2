import { describe, it } from '@jest/globals';

/**
 * Gates for suites that need a real server (DESIGN §4). With the server's URL in the environment the
 * suite runs; without it, locally, it is skipped with a visible notice; under CI=true a missing server is
 * a failure, never a silent skip.
 */
export const servers = {
  mongoUri: process.env.MONGODB_URI ?? '',
  redisUrl: process.env.REDIS_URL ?? '',
  ci: process.env.CI === 'true' || process.env.CI === '1',
};

export function describeWithServer(kind: 'mongo' | 'redis', name: string, body: () => void): void {
  const url = kind === 'mongo' ? servers.mongoUri : servers.redisUrl;
  const env = kind === 'mongo' ? 'MONGODB_URI' : 'REDIS_URL';
  if (url) {
    describe(name, body);
  } else if (servers.ci) {
    describe(name, () => {
      it(`needs ${env} (CI=true forbids skipping real-adapter suites)`, () => {
        throw new Error(`${env} is not set: .ci/run must start the ${kind} server before npm test`);
      });
    });
  } else {
    process.stderr.write(`NOTICE: skipping "${name}" — set ${env} (or run scripts/dev-services.sh) to run it\n`);
    // The body is not run at all: it may need the server's URL just to declare its tests.
    it.skip(`${name} (needs ${env})`, () => {});
  }
}

/** A unique name per test run, so parallel suites and reruns never see each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
