import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { freePort } from '../support/processes.js';
import { checkPassword } from '../../src/passwords/index.js';

/**
 * The process as `npm start` runs it (`src/main.ts`), with in-memory stores and nothing persisted: what an
 * operator sees on the terminal at start-up (OPS-1).
 */
const MAIN = join(import.meta.dirname, '../../src/main.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the gateway and waits for it to end. Once the bootstrap lines are out (printed after `listen`),
 * `whileUp` runs against the live process, which is then stopped with SIGTERM.
 */
function startGateway(vars: Record<string, string>, whileUp?: (stdout: string) => Promise<void>): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    IAMGW_STORE_MEMORY_FILE: '',
    IAMGW_LOG_LEVEL: 'silent',
    ...vars,
  };
  for (const name of ['MONGODB_URI', 'REDIS_URL', 'IAMGW_CONFIG']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { code: null, stdout: '', stderr: '' };
  let failure: Error | null = null;
  let started = false;
  child.stdout.on('data', (d: Buffer) => {
    run.stdout += d.toString();
    if (started || !whileUp || !/Root user: .*\n/.test(run.stdout)) return;
    started = true;
    whileUp(run.stdout)
      .catch((err: unknown) => (failure = err instanceof Error ? err : new Error(String(err))))
      .finally(() => child.kill('SIGTERM'));
  });
  child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return new Promise((resolve, reject) =>
    child.once('close', (code) => (failure ? reject(failure) : resolve({ ...run, code }))),
  );
}

describe('start-up of the process (OPS-1)', () => {
  it('IAMGW_BOOTSTRAP_ROOT_PASSWORD that breaks rules: exit 78 naming every broken rule, code and message (PWD-9)', async () => {
    const password = 'rootabcd';
    const run = await startGateway({ IAMGW_BOOTSTRAP_ROOT_PASSWORD: password, IAMGW_HTTP_PORT: '0' });
    expect(run.code).toBe(78);
    const rules = checkPassword(
      password,
      { username: 'root', accountId: 'f'.repeat(32) },
      loadConfig({ NODE_ENV: 'development' }).passwords,
    );
    expect(rules.map((r) => r.code)).toEqual(
      expect.arrayContaining(['PASSWORD_TOO_SHORT', 'PASSWORD_CONTAINS_USERNAME', 'PASSWORD_MISSING_DIGIT']),
    );
    for (const r of rules)
      expect(run.stderr).toContain(`bootstrap.rootPassword (IAMGW_BOOTSTRAP_ROOT_PASSWORD): ${r.code}: ${r.message}`);
    expect(run.stderr).not.toContain(password);
    expect(run.stdout).not.toContain('Login URL');
  }, 30_000);

  /** The login URL printed at bootstrap, the port the process answers on and its token issuer all agree. */
  const agree = (expectPort?: number) => async (stdout: string) => {
    const loginUrl = /Login URL: (\S+)/.exec(stdout)?.[1] ?? '';
    const base = new URL(loginUrl);
    expect(base.hostname).toBe('localhost');
    if (expectPort !== undefined) expect(base.port).toBe(String(expectPort));
    expect(Number(base.port)).toBeGreaterThan(0);
    const discovery = await fetch(`http://127.0.0.1:${base.port}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`http://localhost:${base.port}`);
  };

  it('IAMGW_HTTP_PORT=<port> and no http.publicUrl: the login URL and the token issuer name that port, not 8080', async () => {
    const port = await freePort();
    const run = await startGateway({ IAMGW_HTTP_PORT: String(port) }, agree(port));
    expect(run.stdout).toContain(`Login URL: http://localhost:${port}/login/default`);
  }, 30_000);

  it('IAMGW_HTTP_PORT=0: they name the port that was bound', async () => {
    const run = await startGateway({ IAMGW_HTTP_PORT: '0' }, agree());
    expect(run.stdout).not.toContain(':0/login');
  }, 30_000);

  it('an explicit http.publicUrl is kept whatever the port', async () => {
    const port = await freePort();
    const run = await startGateway(
      { IAMGW_HTTP_PORT: String(port), IAMGW_HTTP_PUBLIC_URL: 'https://console.example.com' },
      async () => {
        const discovery = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`);
        expect(((await discovery.json()) as { issuer: string }).issuer).toBe('https://console.example.com');
      },
    );
    expect(run.stdout).toContain('Login URL: https://console.example.com/login/default');
  }, 30_000);
});
