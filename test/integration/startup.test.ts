import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
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

/** Starts the gateway; `until` ends it (SIGTERM) once stdout holds what the case waits for. */
function startGateway(vars: Record<string, string>, until?: RegExp): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', IAMGW_STORE_MEMORY_FILE: '', IAMGW_LOG_LEVEL: 'silent', ...vars };
  for (const name of ['MONGODB_URI', 'REDIS_URL', 'IAMGW_CONFIG']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => {
    run.stdout += d.toString();
    if (until?.test(run.stdout)) child.kill('SIGTERM');
  });
  child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ ...run, code })));
}

describe('start-up of the process (OPS-1)', () => {
  it('IAMGW_BOOTSTRAP_ROOT_PASSWORD that breaks rules: exit 78 naming every broken rule, code and message (PWD-9)', async () => {
    const password = 'rootabcd';
    const run = await startGateway({ IAMGW_BOOTSTRAP_ROOT_PASSWORD: password, IAMGW_HTTP_PORT: '0' });
    expect(run.code).toBe(78);
    const rules = checkPassword(password, { username: 'root', accountId: 'f'.repeat(32) }, loadConfig({ NODE_ENV: 'development' }).passwords);
    expect(rules.map((r) => r.code)).toEqual(expect.arrayContaining(['PASSWORD_TOO_SHORT', 'PASSWORD_CONTAINS_USERNAME', 'PASSWORD_MISSING_DIGIT']));
    for (const r of rules) expect(run.stderr).toContain(`bootstrap.rootPassword (IAMGW_BOOTSTRAP_ROOT_PASSWORD): ${r.code}: ${r.message}`);
    expect(run.stderr).not.toContain(password);
    expect(run.stdout).not.toContain('Login URL');
  }, 30_000);
});
