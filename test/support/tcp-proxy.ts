import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (Redis) that a test can cut, refuse and restore on the same port, and
 * whose connections it can handle one by one: a client library's connections are accepted in the order
 * it opens them (for the Redis session store: the main connection, then the pub/sub one).
 */
export interface ProxiedConnection {
  /** Buffers what the server sends to the client until `release` (requests still go through). */
  hold(): void;
  release(): void;
  /** Bytes from the server waiting in the hold buffer. */
  readonly heldBytes: number;
  /** Drops both sides, as a network failure would. */
  cut(): void;
}

export interface TcpProxy {
  readonly port: number;
  readonly connections: readonly ProxiedConnection[];
  /** Stops accepting; open connections stay. */
  refuse(): Promise<void>;
  /** Stops accepting and cuts every open connection. */
  stop(): Promise<void>;
  /** Accepts again on the same port. */
  start(): Promise<void>;
}

export async function startProxy(target: URL): Promise<TcpProxy> {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  const connections: ProxiedConnection[] = [];
  let port = 0;

  const accept = (client: Socket): void => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const sock of [client, upstream]) {
      sockets.add(sock);
      sock.on('close', () => {
        sockets.delete(sock);
        client.destroy();
        upstream.destroy();
      });
      sock.on('error', () => sock.destroy());
    }
    client.pipe(upstream);
    let held: Buffer[] | null = null;
    upstream.on('data', (chunk: Buffer) => (held ? held.push(chunk) : client.write(chunk)));
    connections.push({
      hold: () => void (held ??= []),
      release: () => {
        const chunks = held ?? [];
        held = null;
        for (const chunk of chunks) client.write(chunk);
      },
      get heldBytes() {
        return (held ?? []).reduce((n, c) => n + c.length, 0);
      },
      cut: () => {
        client.destroy();
        upstream.destroy();
      },
    });
  };

  // close() frees the port at once; its callback waits for the open connections, which may stay.
  const unlisten = (): Promise<unknown> => {
    const s = server;
    server = null;
    return s ? new Promise((resolve) => s.close(resolve)) : Promise.resolve();
  };
  const refuse = async (): Promise<void> => {
    void unlisten();
  };
  const start = async (): Promise<void> => {
    const s = createServer(accept);
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const stop = async (): Promise<void> => {
    const closing = unlisten();
    for (const sock of sockets) sock.destroy();
    await closing;
  };

  await start();
  return {
    get port() {
      return port;
    },
    connections,
    refuse,
    stop,
    start,
  };
}
