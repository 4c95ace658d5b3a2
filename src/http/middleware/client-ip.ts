import ipaddr from 'ipaddr.js';
import type { Socket } from 'node:net';
import type { Middleware } from 'koa';

/**
 * The client address (LOGIN-5, LOGIN-3 throttles): the socket peer, unless the peer is a configured trusted
 * proxy; then X-Forwarded-For is read right to left, skipping trusted hops, and the first untrusted address
 * is the client. A client cannot spoof its address by sending its own X-Forwarded-For, because only hops
 * appended by trusted proxies are ever skipped.
 */
export type TrustedNet = [ipaddr.IPv4 | ipaddr.IPv6, number];

export function parseTrusted(entries: readonly string[]): TrustedNet[] {
  return entries.map((e) =>
    e.includes('/') ? ipaddr.parseCIDR(e) : [ipaddr.parse(e), ipaddr.parse(e).kind() === 'ipv4' ? 32 : 128],
  );
}

export function normalizeIp(raw: string): string | null {
  if (!ipaddr.isValid(raw)) return null;
  const a = ipaddr.parse(raw);
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()
    ? (a as ipaddr.IPv6).toIPv4Address().toString()
    : a.toString();
}

function isTrusted(ip: string, nets: TrustedNet[]): boolean {
  const a = ipaddr.parse(ip);
  return nets.some(([net, bits]) => a.kind() === net.kind() && a.match(net, bits));
}

export function resolveClientIp(
  peer: string | undefined,
  forwardedFor: string | undefined,
  nets: TrustedNet[],
): string {
  const socketIp = normalizeIp(peer ?? '') ?? '0.0.0.0';
  if (nets.length === 0 || !isTrusted(socketIp, nets) || !forwardedFor) return socketIp;
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = normalizeIp(hops[i]!);
    if (ip === null) return socketIp; // garbage in the chain: fall back to what we know
    if (!isTrusted(ip, nets)) return ip;
  }
  return socketIp;
}

/**
 * The client address of a request from its socket and X-Forwarded-For. Without trusted proxies the answer
 * depends on the socket alone, so it is parsed once per keep-alive connection.
 */
export function clientIpResolver(
  trustedProxies: readonly string[],
): (socket: Socket, forwardedFor: string | undefined) => string {
  const nets = parseTrusted(trustedProxies);
  const bySocket = new WeakMap<Socket, string>();
  return (socket, forwardedFor) => {
    if (nets.length > 0) return resolveClientIp(socket.remoteAddress, forwardedFor || undefined, nets);
    let ip = bySocket.get(socket);
    if (ip === undefined) bySocket.set(socket, (ip = resolveClientIp(socket.remoteAddress, undefined, nets)));
    return ip;
  };
}

export function clientIp(trustedProxies: readonly string[]): Middleware {
  const resolve = clientIpResolver(trustedProxies);
  return async function withClientIp(ctx, next) {
    ctx.state.clientIp = resolve(ctx.req.socket, ctx.get('x-forwarded-for') || undefined);
    await next();
  };
}
