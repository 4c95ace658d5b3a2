import { Worker } from 'node:worker_threads';
import { AppError } from '../../../errors.js';
import type { MetadataResult, MetadataRules } from './check.js';

/**
 * FED-3: the metadata check off the event loop. A 10 MB file takes saxes hundreds of milliseconds, which on
 * the main thread would stall every other request; in a worker the main loop stays responsive. Each check
 * gets its own worker (uploads are rare; a warm pool would hold memory for nothing) and a time limit: a
 * check still running at `timeoutMs` is ended by terminating its worker (`METADATA_CHECK_TIMEOUT`), so no
 * input, however crafted, holds a CPU for long.
 */
export class MetadataChecker {
  constructor(private readonly options: { timeoutMs: number }) {}

  check(bytes: Uint8Array, rules: MetadataRules): Promise<MetadataResult> {
    const worker = new Worker(WORKER_URL, WORKER_OPTIONS);
    return new Promise<MetadataResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new AppError('METADATA_CHECK_TIMEOUT'));
      }, this.options.timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        void worker.terminate();
      };
      worker.once('message', (message: { result: MetadataResult }) => {
        done();
        resolve(message.result);
      });
      worker.once('error', (err) => {
        done();
        reject(new AppError('INTERNAL', { cause: err }));
      });
      // A copy: the caller's buffer may be a slice of a larger one, and transferring would detach it.
      const copy = new Uint8Array(bytes);
      worker.postMessage({ id: 1, bytes: copy, rules }, [copy.buffer]);
    });
  }
}

// The built gateway runs worker.js beside this file. From the sources (tests, `npm run dev`) the worker
// registers tsx itself before loading worker.ts: loader flags in a worker's execArgv do not carry hooks.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_FILE = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);
const WORKER_URL: URL | string = FROM_SOURCE
  ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_FILE.href)}); });`
  : WORKER_FILE;
const WORKER_OPTIONS = FROM_SOURCE ? { eval: true } : {};
