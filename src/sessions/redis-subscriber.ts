import type { Redis } from 'ioredis';

/**
 * The pub/sub connection of the Redis session store: revocation notifications (`onRevoked`) and the
 * invalidations of the local inspect cache (TOK-4, ENT-5). Subscribed connections cannot run other
 * commands, hence a second connection.
 *
 * "Subscribed" means what the server confirmed on the current connection, never what ioredis intends:
 * auto-resubscribe is off and every `ready` sends SUBSCRIBE explicitly; `up` is reported only when that
 * reply arrives on the same, still-ready connection. Any sign of trouble (error, close, reconnecting,
 * end, a failed SUBSCRIBE) reports `down` at once, because messages published from then on may be lost.
 */
export interface SubscriberEvents {
  message(channel: string, message: string): void;
  /** The subscription is confirmed: every message published from now on will be delivered. */
  up(): void;
  /** Messages may be missed from now on (called again on every further sign of trouble). */
  down(): void;
  onError(err: Error): void;
}

export interface SubscriberOptions {
  channels: readonly string[];
  /** CLIENT SETNAME of the connection, so operators (and tests) can find it in CLIENT LIST. */
  name: string;
  /** Bound on `whenSubscribed` when the subscription is not confirmed yet. */
  timeoutMs: number;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class RedisSubscriber {
  private connection: Redis | null = null;
  private confirmed = false;
  /** Bumped on every loss: a SUBSCRIBE reply of an earlier connection must not count for this one. */
  private attempt = 0;
  private closed = false;
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly main: Redis,
    private readonly options: SubscriberOptions,
    private readonly events: SubscriberEvents,
  ) {}

  /** True while the subscription is confirmed on a connection that is still ready. */
  get subscribed(): boolean {
    return this.confirmed && this.connection?.status === 'ready';
  }

  /** Opens the connection if needed; returns at once (never blocks a caller on the subscription). */
  start(): void {
    if (this.connection || this.closed) return;
    const conn = this.main.duplicate({
      enableOfflineQueue: false,
      enableAutoPipelining: false,
      autoResubscribe: false,
      connectionName: this.options.name,
    });
    this.connection = conn;
    conn.on('ready', () => this.subscribe(conn));
    for (const event of ['close', 'end', 'reconnecting'])
      conn.on(event, () => this.lost(new Error(`redis subscriber: ${event}`)));
    conn.on('error', (err: Error) => {
      this.events.onError(err);
      this.lost(err);
      // Not every error closes the connection; if this one did not, confirm the subscription afresh.
      if (conn.status === 'ready') this.subscribe(conn);
    });
    conn.on('message', (channel: string, message: string) => this.events.message(channel, message));
  }

  /** Resolves once the subscription is confirmed; rejects on a connection failure or after `timeoutMs`. */
  whenSubscribed(): Promise<void> {
    this.start();
    if (this.subscribed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => settle(),
        reject: (err) => settle(err),
      };
      const settle = (err?: Error): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => settle(new Error('redis subscriber: not subscribed in time')),
        this.options.timeoutMs,
      );
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.closed = true;
    this.connection?.disconnect();
    this.lost(new Error('redis subscriber: closed'));
  }

  private subscribe(conn: Redis): void {
    const attempt = this.attempt;
    conn.subscribe(...this.options.channels).then(
      () => {
        if (attempt !== this.attempt || conn !== this.connection || conn.status !== 'ready') return;
        this.confirmed = true;
        this.events.up();
        for (const w of [...this.waiters]) w.resolve();
      },
      (err: unknown) => {
        if (attempt !== this.attempt) return;
        this.lost(err instanceof Error ? err : new Error(String(err)));
        // A ready connection that could not subscribe would stay unsubscribed: start it over.
        if (conn.status === 'ready' && !this.closed) conn.disconnect(true);
      },
    );
  }

  private lost(err: Error): void {
    this.attempt++;
    this.confirmed = false;
    this.events.down();
    for (const w of [...this.waiters]) w.reject(err);
  }
}
