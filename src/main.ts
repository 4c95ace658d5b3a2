import { buildApp } from './app.js';
import { bootstrapIfEmpty } from './bootstrap.js';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { ConfigError, loadConfig, withListeningPort } from './config/load.js';

/**
 * The process: load and validate config (a wrong setting stops here, naming it), build the app, bootstrap
 * an empty store, listen, and drain on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`iam-gateway: ${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  // Port 0 = any free port: bound first, so a public URL derived from it (login URLs, token issuer) names it.
  const bound = config.http.port === 0 ? await bindAnyPort(config.http.host) : undefined;
  if (bound) config = withListeningPort((bound.address() as AddressInfo).port);
  const gw = await buildApp(config);
  const boot = await bootstrapIfEmpty(gw);
  const server = await gw.listen(bound);
  const addr = server.address();
  gw.logger.info({ address: typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : addr, store: config.store.kind, sessions: config.sessions.kind }, 'listening');
  if (boot) {
    // Printed once to the operator's terminal, deliberately not through the logger (OPS-3).
    process.stdout.write(
      `\n  Account ${boot.accountId} created.\n  Login URL: ${boot.loginUrl}\n  Root user: ${boot.rootUserName}\n` +
        (boot.generatedPassword ? `  Root password (shown once): ${boot.generatedPassword}\n\n` : '\n'),
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gw.logger.info({ signal }, 'shutting down');
    gw.close().then(
      () => process.exit(0),
      (err: unknown) => {
        gw.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** A socket listening on a free port of `host`; `gw.listen` takes it over. */
function bindAnyPort(host: string): Promise<NetServer> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
  });
}

main().catch((err: unknown) => {
  // A setting refused after loading (the bootstrap root password, PWD-9) is a config error like the others.
  if (err instanceof ConfigError) {
    process.stderr.write(`iam-gateway: ${err.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`iam-gateway: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
