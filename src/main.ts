import { buildApp } from './app.js';
import { bootstrapIfEmpty } from './bootstrap.js';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { ConfigError, loadConfig, withListeningPort } from './config/load.js';
import type { Config } from './config/schema.js';
import type { ResealReport } from './crypto/index.js';

/**
 * The process: load and validate config (a wrong setting stops here, naming it), build the app, bootstrap
 * an empty store, listen, and drain on SIGTERM/SIGINT. `node dist/main.js reseal-secrets` instead re-seals
 * every secret at rest under the current KEK and exits (docs/operations.md).
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
  if (process.argv[2] === 'reseal-secrets') {
    await resealSecrets(config);
    process.exit(); // with process.exitCode
  }
  // Port 0 = any free port: bound first, so a public URL derived from it (login URLs, token issuer) names it.
  const bound = config.http.port === 0 ? await bindAnyPort(config.http.host) : undefined;
  if (bound) config = withListeningPort((bound.address() as AddressInfo).port);
  const gw = await buildApp(config);
  const boot = await bootstrapIfEmpty(gw);
  const server = await gw.listen(bound);
  const addr = server.address();
  gw.logger.info(
    {
      address: typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : addr,
      store: config.store.kind,
      sessions: config.sessions.kind,
    },
    'listening',
  );
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

/** Prints what it did (key ids and counts, never key material); exit 1 while anything still needs an old key. */
async function resealSecrets(config: Config): Promise<void> {
  const gw = await buildApp(config);
  try {
    const { keyId, mfaSecrets, signingKeys } = await gw.resealSecrets();
    const line = (what: string, r: ResealReport) =>
      `  ${what}: ${r.resealed} re-sealed, ${r.unchanged} already current, ${r.failed.length} failed\n`;
    process.stdout.write(`reseal-secrets: current key id ${keyId}\n`);
    process.stdout.write(line('MFA secrets', mfaSecrets) + line('signing keys', signingKeys));
    const failed = [...mfaSecrets.failed, ...signingKeys.failed];
    for (const f of failed) {
      const under = f.keyId === null ? 'a KEK from before key ids' : `key id ${f.keyId}`;
      const key = f.keyId === undefined ? '' : ` (sealed under ${under})`;
      process.stdout.write(`  not re-sealed: ${f.record}: ${f.code}${key}\n`);
    }
    process.exitCode = failed.length > 0 ? 1 : 0;
  } finally {
    await gw.close();
  }
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
