import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { FLUSH_MS, accessLog } from '../../../src/observability/access-log.js';
import { createLogger } from '../../../src/observability/logger.js';

/** OPS-3 access lines, written by hand for DESIGN §5's log budget: they must read exactly as the logger's own. */
function capture(level: string) {
  const writes: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writes.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger(level, sink);
  return { logger, writes, lines: () => writes.join('').split('\n').filter(Boolean) };
}

const flushed = () => sleep(FLUSH_MS + 10);

const record = {
  requestId: 'trace-1',
  method: 'POST',
  path: '/v1/users/"quoted"\\\n',
  route: '/v1/users/:id',
  status: 201,
  ms: 1.3,
  ip: '203.0.113.9',
};

describe('access log (OPS-3)', () => {
  it('writes the line the logger itself would write, same keys in the same order', async () => {
    const hand = capture('info');
    accessLog(hand.logger)(record);
    const viaPino = capture('info');
    viaPino.logger.info(record, 'request');
    await flushed();
    const [ours] = hand.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    const [theirs] = viaPino.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(ours!)).toEqual(Object.keys(theirs!));
    expect({ ...ours, time: 'x' }).toEqual({ ...theirs, time: 'x' });
    expect(ours!.path).toBe(record.path); // escaped, not broken into a second line
    expect(Number.isNaN(Date.parse(String(ours!.time)))).toBe(false);
  });

  it('the lines of one flush interval go out in one write; the next line starts a new one', async () => {
    const { logger, writes, lines } = capture('info');
    const log = accessLog(logger);
    for (let i = 0; i < 5; i++) log({ ...record, requestId: `r${i}` });
    expect(writes).toHaveLength(0);
    await flushed();
    log({ ...record, requestId: 'r5' });
    await flushed();
    expect(writes).toHaveLength(2);
    expect(lines().map((l) => (JSON.parse(l) as { requestId: string }).requestId)).toEqual([
      'r0',
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
    ]);
  });

  it('a full buffer is written at once, without waiting for the interval', () => {
    const { logger, lines } = capture('info');
    const log = accessLog(logger);
    for (let i = 0; i < 512; i++) log({ ...record, requestId: `r${i}` });
    expect(lines()).toHaveLength(512);
  });

  it('omits an unknown client address as pino omits an undefined field', async () => {
    const { logger, lines } = capture('info');
    accessLog(logger)({ ...record, ip: undefined });
    await flushed();
    expect(JSON.parse(lines()[0]!)).not.toHaveProperty('ip');
  });

  it('writes nothing below info, and follows a level changed at run time', async () => {
    const { logger, lines } = capture('warn');
    const log = accessLog(logger);
    log(record);
    await flushed();
    expect(lines()).toEqual([]);
    logger.level = 'info';
    log(record);
    await flushed();
    expect(lines()).toHaveLength(1);
  });
});
