import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../src/config/load.js';
import { ServiceCredentials } from '../../../src/roles/services.js';

/** ROLE-2 `service` principals: configured digests, constant-time checks, rotation by two digests. */
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const OLD = 'old-secret-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const NEW = 'new-secret-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const OTHER = 'other-secret-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC';

describe('ServiceCredentials', () => {
  const creds = ServiceCredentials.fromConfig([
    `api-gateway:${sha(OLD)}`,
    `api-gateway:${sha(NEW)}`,
    `cloud-function:${sha(OTHER)}`,
  ]);

  it('accepts each configured secret of a service (rotation: the current and the next)', () => {
    expect(creds.verify('api-gateway', OLD)).toBe('api-gateway');
    expect(creds.verify('api-gateway', NEW)).toBe('api-gateway');
    expect(creds.verify('cloud-function', OTHER)).toBe('cloud-function');
  });

  it("refuses a wrong secret, another service's secret, an unknown service and the digest itself", () => {
    expect(creds.verify('api-gateway', 'nope')).toBeNull();
    expect(creds.verify('api-gateway', OTHER)).toBeNull();
    expect(creds.verify('cloud-function', OLD)).toBeNull();
    expect(creds.verify('virtual-server', OLD)).toBeNull();
    expect(creds.verify('api-gateway', sha(OLD))).toBeNull();
    expect(creds.verify('', '')).toBeNull();
    expect(ServiceCredentials.fromConfig([]).verify('api-gateway', OLD)).toBeNull();
  });

  it('reads HTTP Basic (RFC 7617), case-insensitive scheme; anything else is not a service credential', () => {
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(ServiceCredentials.basic(basic('api-gateway:se:cret'))).toEqual(['api-gateway', 'se:cret']);
    expect(ServiceCredentials.basic(`bAsIc ${Buffer.from('a:b').toString('base64')}`)).toEqual(['a', 'b']);
    expect(ServiceCredentials.basic(basic('no-colon'))).toEqual(['', '']);
    expect(ServiceCredentials.basic('Bearer x.y.z')).toBeNull();
    expect(ServiceCredentials.basic(undefined)).toBeNull();
  });
});

describe('services.credentials in the configuration', () => {
  it('takes comma-separated entries from IAMGW_SERVICES_CREDENTIALS', () => {
    const c = loadConfig({
      NODE_ENV: 'test',
      IAMGW_SERVICES_CREDENTIALS: `api-gateway:${sha(OLD)}, cloud-function:${sha(NEW)}`,
    });
    expect(c.services.credentials).toEqual([`api-gateway:${sha(OLD)}`, `cloud-function:${sha(NEW)}`]);
  });

  it('refuses at start-up an entry that is not <service>:<sha256 hex>, or names a service no role can trust', () => {
    const load = (v: string) => () => loadConfig({ NODE_ENV: 'test', IAMGW_SERVICES_CREDENTIALS: v });
    expect(load(`api-gateway:${sha(OLD).slice(1)}`)).toThrow(/services\.credentials\.0.*<service>:<sha256 hex/s);
    expect(load(`api-gateway:${OLD}`)).toThrow(/services\.credentials\.0/);
    expect(load(`billing:${sha(OLD)}`)).toThrow(/services\.credentials\.0.*one of api-gateway, config-inspection/s);
  });
});
