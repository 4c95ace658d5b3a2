import { Redis } from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { AppError, isAppError } from '../errors.js';
import { multiKeyScripts, scripts } from './redis-scripts.js';
import type { MultiKeyScriptName, ScriptName } from './redis-scripts.js';

/**
 * The Redis connection of the session store, failing closed and fast (OPS-6): no offline queue and no
 * per-request retries, so while Redis is unreachable every call rejects at once with STORE_UNAVAILABLE
 * instead of piling requests up; `commandTimeout` bounds a server that accepts connections but does not
 * answer. Retrying would also be unsafe (a retried INCR counts a failed login twice). The client
 * reconnects by itself with a capped backoff. Nothing ioredis-typed leaves src/sessions.
 */
export interface ConnectionOptions {
  /** Bound on one command, and on the wait for the very first connection. */
  timeoutMs: number;
  onError: (err: Error) => void;
}

export class FailClosedRedis {
  readonly client: Redis;
  private readonly timeoutMs: number;
  private everReady = false;

  constructor(url: string, options: ConnectionOptions) {
    this.timeoutMs = options.timeoutMs;
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
      retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
      // Commands issued by concurrent requests within one event-loop turn leave in one socket write: under
      // load the per-command write syscall was the largest single CPU cost of /v1/authorize
      // (docs/performance.md). Each command keeps its own reply and error, so semantics are unchanged.
      enableAutoPipelining: true,
    });
    this.client.on('ready', () => (this.everReady = true));
    this.client.on('error', options.onError);
    for (const [name, lua] of Object.entries(scripts)) this.client.defineCommand(name, { numberOfKeys: 1, lua });
    // No numberOfKeys: these take the key count as their first argument (see scriptN).
    for (const [name, lua] of Object.entries(multiKeyScripts)) this.client.defineCommand(name, { lua });
  }

  /** Runs one round trip; any failure leaves as STORE_UNAVAILABLE (the cause stays for server logs). */
  async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      if (!this.everReady) await this.firstConnection();
      return await op();
    } catch (err) {
      if (isAppError(err)) throw err;
      throw new AppError('STORE_UNAVAILABLE', { details: { store: 'redis' }, cause: err });
    }
  }

  /** Only before the first connection do calls wait (briefly) for it: startup must not fail spuriously. */
  private firstConnection(): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const settle = (err?: Error): void => {
        clearTimeout(timer);
        this.client.off('ready', onReady).off('error', settle);
        if (err) reject(err);
        else resolve();
      };
      const onReady = (): void => settle();
      const timer = setTimeout(() => settle(new Error('redis: no connection yet')), this.timeoutMs);
      this.client.once('ready', onReady).once('error', settle);
    });
  }
}

export type ScriptArg = string | number;

/**
 * Calls a defineCommand script; ioredis adds these methods at runtime, so they are not in its types. On a
 * client it answers the reply; on a pipeline it only queues the command and answers the pipeline (the reply
 * comes from `exec`), so nothing is left unawaited.
 */
export function script(target: Redis, name: ScriptName, key: string, ...args: ScriptArg[]): Promise<unknown>;
export function script(
  target: ChainableCommander,
  name: ScriptName,
  key: string,
  ...args: ScriptArg[]
): ChainableCommander;
export function script(
  target: Redis | ChainableCommander,
  name: ScriptName,
  key: string,
  ...args: ScriptArg[]
): Promise<unknown> | ChainableCommander {
  const fn = (target as unknown as Record<ScriptName, (...a: ScriptArg[]) => Promise<unknown> | ChainableCommander>)[
    name
  ];
  return fn.call(target, key, ...args);
}

/** Calls a multi-key script: KEYS are `keys`, ARGV are `args`. */
export function scriptN(
  target: Redis,
  name: MultiKeyScriptName,
  keys: readonly string[],
  ...args: ScriptArg[]
): Promise<unknown> {
  const fn = (target as unknown as Record<MultiKeyScriptName, (...a: ScriptArg[]) => Promise<unknown>>)[name];
  return fn.call(target, keys.length, ...keys, ...args);
}

/** The replies of a pipeline; a failed command fails the whole call. */
export async function execAll(p: ChainableCommander): Promise<unknown[]> {
  const replies = await p.exec();
  if (!replies) throw new Error('redis: pipeline aborted');
  return replies.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}
