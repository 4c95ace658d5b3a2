/**
 * Console access IP control (SPEC LOGIN-5). `rules.ts` parses and matches entries (ipaddr.js);
 * `console-access.ts` stores the setting and enforces it at login and on every console request.
 * The client address is `ctx.state.clientIp` (src/http/middleware/client-ip.ts: trusted proxies only).
 */
export { ConsoleAccess, type IpControlView } from './console-access.js';
export { addressAllowed, canonicalEntry, MAX_ENTRIES, validateEntries } from './rules.js';
