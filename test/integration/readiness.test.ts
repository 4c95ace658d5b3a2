import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ferretdbProcess, redisProcess, type ServerProcess } from '../support/processes.js';
import { startGateway, type RunningGateway } from '../support/http.js';
import { servers } from '../support/servers.js';

/**
 * OPS-2 / OPS-6: stop Redis or the MongoDB-wire server under a running gateway: /readyz turns 503 naming
 * it, requests needing it fail closed with 503; start it again: ready again without restarting the app.
 */
async function readyz(url: string): Promise<{ status: number; body: { down?: string[] } }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { down?: string[] } };
}

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('readiness follows the backing stores (OPS-2, OPS-6)', () => {
  let redis: ServerProcess;
  let ferret: ServerProcess;
  let app: RunningGateway;

  beforeAll(async () => {
    // Private servers of this suite's own (stopping the shared ones would disturb other suites): the
    // FerretDB binary comes from scripts/dev-services.sh, which `npm test` runs; redis-server from Debian.
    if (!servers.ferretdbBin)
      throw new Error('FERRETDB_BIN is not set: run with `npm test` (it builds and exports it)');
    redis = await redisProcess();
    ferret = await ferretdbProcess(servers.ferretdbBin);
    await Promise.all([redis.start(), ferret.start()]);
    app = await startGateway({
      MONGODB_URI: `mongodb://127.0.0.1:${ferret.port}/iamgw_ready`,
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([redis?.cleanup(), ferret?.cleanup()]);
  });

  it('is ready with both up', async () => {
    expect(await readyz(app.url)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { mongo: 'up', redis: 'up' } },
    });
  });

  it('names redis when it stops, and recovers when it returns', async () => {
    await redis.stop();
    const down = await eventually(
      () => readyz(app.url),
      (r) => r.status === 503,
    );
    expect(down).toEqual({
      status: 503,
      body: { status: 'unavailable', down: ['redis'], checks: { mongo: 'up', redis: 'down' } },
    });
    await expect(app.gw.sessions.getCounter('x')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await redis.start();
    expect(
      (
        await eventually(
          () => readyz(app.url),
          (r) => r.status === 200,
        )
      ).status,
    ).toBe(200);
  }, 40_000);

  it('names mongo when FerretDB stops, and recovers when it returns', async () => {
    await ferret.stop();
    const down = await eventually(
      () => readyz(app.url),
      (r) => r.status === 503,
    );
    expect(down).toEqual({
      status: 503,
      body: { status: 'unavailable', down: ['mongo'], checks: { mongo: 'down', redis: 'up' } },
    });
    await expect(app.gw.store.accounts.countAll()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await ferret.start();
    expect(
      (
        await eventually(
          () => readyz(app.url),
          (r) => r.status === 200,
          30_000,
        )
      ).status,
    ).toBe(200);
    expect(await app.gw.store.accounts.countAll()).toBe(0);
  }, 60_000);
});
