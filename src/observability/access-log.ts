import { pino, type DestinationStream, type Logger } from 'pino';

/** One finished request, as the access line records it (OPS-3: the path never carries its query string). */
export interface AccessRecord {
  requestId: string;
  method: string;
  path: string;
  route: string;
  status: number;
  ms: number;
  ip: unknown;
}

/**
 * The access log (OPS-3): one JSON line per request at `info`, in the logger's own format and to its own
 * destination, so it reads like any other line. It is written by hand instead of through the logger for
 * DESIGN §5's budget (the access log may cost `/v1/authorize` ≤ 10% of its throughput): every field is
 * fixed and holds no secret, so the line needs neither pino's serializers nor its redaction pass (with
 * REDACT_PATHS' wildcards that pass alone took ~10 µs a line), and the lines of up to FLUSH_MS go out in
 * one write instead of one system call each (docs/performance.md has the measurements). Pending lines are
 * written when the process exits; a hard kill loses at most FLUSH_MS of them.
 */
export const FLUSH_MS = 20;
const MAX_PENDING = 512;

/** Every access log with lines pending, written out on exit by one listener (not one per log). */
const unflushed = new Set<() => void>();
let exitHooked = false;
function flushAtExit(flush: () => void): void {
  unflushed.add(flush);
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const f of unflushed) f();
  });
}

export function accessLog(logger: Logger): (record: AccessRecord) => void {
  const stream = (logger as unknown as Record<symbol, DestinationStream | undefined>)[pino.symbols.streamSym];
  // A logger without a reachable stream (never the case for pino's own) still gets its lines.
  if (stream === undefined) return (record) => logger.info(record, 'request');
  const service = JSON.stringify((logger.bindings() as { service?: unknown }).service ?? 'iam-gateway');
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    unflushed.delete(flush);
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    stream.write(lines.join(''));
  };
  return function logAccess({ requestId, method, path, route, status, ms, ip }) {
    if (!logger.isLevelEnabled('info')) return;
    const where = ip === undefined ? '' : `,"ip":${JSON.stringify(ip)}`;
    pending.push(
      `{"level":"info","time":"${new Date().toISOString()}","service":${service},"requestId":${JSON.stringify(requestId)},` +
        `"method":${JSON.stringify(method)},"path":${JSON.stringify(path)},"route":${JSON.stringify(route)},` +
        `"status":${status},"ms":${ms}${where},"msg":"request"}\n`,
    );
    if (pending.length >= MAX_PENDING) flush();
    else if (timer === undefined) {
      timer = setTimeout(flush, FLUSH_MS).unref(); // unref: pending lines never keep a stopping process alive
      flushAtExit(flush);
    }
  };
}
