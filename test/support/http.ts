import type { AddressInfo } from 'node:net';
import { buildApp, type AppOverrides, type Gateway } from '../../src/app.js';
import { testConfig } from '../../src/config/load.js';

/** A running gateway on a free loopback port, for HTTP tests against the real app. */
export interface RunningGateway {
  gw: Gateway;
  url: string;
  close(): Promise<void>;
}

/** `beforeListen` may add test-only middleware: Koa composes the chain when it starts listening. */
export async function startGateway(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
  beforeListen?: (gw: Gateway) => void,
): Promise<RunningGateway> {
  const gw = await buildApp(testConfig(env), overrides);
  beforeListen?.(gw);
  const server = await gw.listen();
  const { port } = server.address() as AddressInfo;
  return { gw, url: `http://127.0.0.1:${port}`, close: () => gw.close() };
}
