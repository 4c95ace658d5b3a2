import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private server processes for tests that stop and restart a backing store (OPS-6): a Redis and a FerretDB
 * of the test's own, on free loopback ports, so the shared servers other suites use are never disturbed.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ServerProcess {
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

function managed(port: number, launch: () => ChildProcess, onCleanup: () => void = () => {}): ServerProcess {
  let child: ChildProcess | null = null;
  const stop = async () => {
    if (!child) return;
    const c = child;
    child = null;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  return {
    port,
    async start() {
      child = launch();
      await waitForPort(port);
    },
    stop,
    async cleanup() {
      await stop();
      onCleanup();
    },
  };
}

export async function redisProcess(): Promise<ServerProcess> {
  const port = await freePort();
  return managed(port, () =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    }),
  );
}

export async function ferretdbProcess(bin: string): Promise<ServerProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'iamgw-fdb-'));
  return managed(
    port,
    () =>
      spawn(
        bin,
        [
          '--handler=sqlite',
          `--sqlite-url=file:${dir}/`,
          `--listen-addr=127.0.0.1:${port}`,
          '--telemetry=disable',
          '--log-level=error',
          '--debug-addr=-',
          `--state-dir=${dir}`,
        ],
        {
          stdio: 'ignore',
        },
      ),
    () => rmSync(dir, { recursive: true, force: true }),
  );
}
