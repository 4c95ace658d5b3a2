import { describe, expect, it } from '@jest/globals';
import { parseTrusted, resolveClientIp } from '../../../src/http/middleware/client-ip.js';

describe('client address (LOGIN-5: socket unless a trusted proxy)', () => {
  const proxies = parseTrusted(['10.0.0.0/8', '192.168.1.1', 'fd00::/8']);

  it('uses the socket peer when no proxy is configured, ignoring X-Forwarded-For', () => {
    expect(resolveClientIp('203.0.113.9', '1.2.3.4', [])).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from an untrusted peer (spoofing attempt)', () => {
    expect(resolveClientIp('203.0.113.9', '10.0.0.1, 1.2.3.4', proxies)).toBe('203.0.113.9');
  });

  it('takes the first untrusted hop from the right behind trusted proxies', () => {
    expect(resolveClientIp('10.1.1.1', '198.51.100.7', proxies)).toBe('198.51.100.7');
    // the client prepended a fake address; only hops appended by trusted proxies are skipped
    expect(resolveClientIp('10.1.1.1', '6.6.6.6, 198.51.100.7, 192.168.1.1', proxies)).toBe('198.51.100.7');
  });

  it('normalises IPv4-mapped IPv6 peers', () => {
    expect(resolveClientIp('::ffff:10.1.1.1', '198.51.100.7', proxies)).toBe('198.51.100.7');
    expect(resolveClientIp('::ffff:203.0.113.9', undefined, proxies)).toBe('203.0.113.9');
  });

  it('handles IPv6 proxies and clients', () => {
    expect(resolveClientIp('fd00::1', '2001:db8::5', proxies)).toBe('2001:db8::5');
  });

  it('falls back to the socket address when the chain holds garbage or only trusted hops', () => {
    expect(resolveClientIp('10.1.1.1', 'not-an-ip', proxies)).toBe('10.1.1.1');
    expect(resolveClientIp('10.1.1.1', '10.2.2.2, 10.3.3.3', proxies)).toBe('10.1.1.1');
  });
});
