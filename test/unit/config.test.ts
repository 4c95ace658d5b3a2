import { describe, expect, it } from '@jest/globals';
import { ConfigError, listeningUrl, loadConfig, withListeningPort } from '../../src/config/load.js';

describe('config (OPS-1)', () => {
  it('loads the spec defaults', () => {
    const c = loadConfig({ NODE_ENV: 'development' });
    expect(c.lockout.threshold).toBe(5);
    expect(c.lockout.durationSeconds).toBe(1800);
    expect(c.passwords).toMatchObject({ minLength: 9, maxLength: 20, expiryDays: 90 });
    expect(c.passwords.argon2).toEqual({ memoryCostKiB: 19456, timeCost: 2, parallelism: 1 });
    expect(c.tokens.accessTtlSeconds).toBe(900);
    expect(c.limits.samlMetadataBytes).toBe(10 * 1024 * 1024);
    expect(c.store.kind).toBe('memory');
    expect(c.sessions.kind).toBe('memory');
    expect(Object.isFrozen(c.lockout)).toBe(true);
  });

  it('applies env overrides with type coercion', () => {
    const c = loadConfig({
      NODE_ENV: 'test',
      IAMGW_LOCKOUT_THRESHOLD: '7',
      IAMGW_COOKIES_SECURE: 'true',
      IAMGW_HTTP_TRUSTED_PROXIES: '10.0.0.1, 10.0.0.0/8',
    });
    expect(c.lockout.threshold).toBe(7);
    expect(c.cookies.secure).toBe(true);
    expect(c.http.trustedProxies).toEqual(['10.0.0.1', '10.0.0.0/8']);
  });

  it('names the setting and its env variable when a value is wrong', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', IAMGW_LOCKOUT_THRESHOLD: 'abc' })).toThrow(
      /lockout\.threshold \(from IAMGW_LOCKOUT_THRESHOLD\)/,
    );
  });

  it('reports every problem at once, including unknown variables', () => {
    try {
      loadConfig({
        NODE_ENV: 'test',
        IAMGW_LOCKOUT_THRESHLD: '5',
        IAMGW_HTTP_PORT: '70000',
        IAMGW_TOKENS_ALGORITHM: 'HS256',
      });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/IAMGW_LOCKOUT_THRESHLD: unknown setting/);
      expect(problems).toMatch(/http\.port/);
      expect(problems).toMatch(/tokens\.algorithm/);
    }
  });

  it('MONGODB_URI and REDIS_URL select the real adapters', () => {
    const c = loadConfig({
      NODE_ENV: 'test',
      MONGODB_URI: 'mongodb://127.0.0.1:27017/x',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(c.store).toMatchObject({ kind: 'mongo', mongoUri: 'mongodb://127.0.0.1:27017/x' });
    expect(c.sessions).toMatchObject({ kind: 'redis', redisUrl: 'redis://127.0.0.1:6379' });
  });

  it('refuses a mongo store without a URI', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', IAMGW_STORE_KIND: 'mongo' })).toThrow(/store\.mongoUri/);
  });

  it('refuses dev-only settings in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', IAMGW_COOKIES_SECURE: 'false' })).toThrow(
      /cookies\.secure \(from IAMGW_COOKIES_SECURE\): must be true in production[\s\S]*tokens\.keyEncryptionKey: required/,
    );
  });
});

describe('revocation marker lifetime (ENT-5, TOK-4)', () => {
  it('outlives the longest session, refresh handle and role session', async () => {
    const { revocationTtlMs } = await import('../../src/app.js');
    const base = loadConfig({ NODE_ENV: 'test' });
    expect(revocationTtlMs(base)).toBe((43_200 + 3600) * 1000);
    const long = loadConfig({ NODE_ENV: 'test', IAMGW_SESSIONS_ABSOLUTE_TTL_SECONDS: String(7 * 86_400) });
    expect(revocationTtlMs(long)).toBeGreaterThan(7 * 86_400 * 1000);
  });
});

describe('sessions.inspectCacheMs (TOK-4, ENT-5)', () => {
  it('defaults to 1000 ms, 0 turns the cache off, anything outside whole 0..5000 ms is refused', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).sessions.inspectCacheMs).toBe(1000);
    expect(loadConfig({ NODE_ENV: 'test', IAMGW_SESSIONS_INSPECT_CACHE_MS: '0' }).sessions.inspectCacheMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', IAMGW_SESSIONS_INSPECT_CACHE_MS: '5000' }).sessions.inspectCacheMs).toBe(
      5000,
    );
    for (const bad of ['5001', '-1', '1.5', 'soon'])
      expect(() => loadConfig({ NODE_ENV: 'test', IAMGW_SESSIONS_INSPECT_CACHE_MS: bad })).toThrow(
        /sessions\.inspectCacheMs \(from IAMGW_SESSIONS_INSPECT_CACHE_MS\)/,
      );
  });
});

describe('tokens.previousKeyEncryptionKeys (OPS-1 KEK rotation)', () => {
  const k = (fill: number) => Buffer.alloc(32, fill).toString('base64');

  it('defaults to none; takes a comma list or JSON array from IAMGW_TOKENS_PREVIOUS_KEY_ENCRYPTION_KEYS', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).tokens.previousKeyEncryptionKeys).toEqual([]);
    const env = { NODE_ENV: 'test', IAMGW_TOKENS_KEY_ENCRYPTION_KEY: k(1) };
    const previous = (list: string) => loadConfig({ ...env, IAMGW_TOKENS_PREVIOUS_KEY_ENCRYPTION_KEYS: list }).tokens;
    expect(previous(`${k(2)},${k(3)}`).previousKeyEncryptionKeys).toEqual([k(2), k(3)]);
    expect(previous(JSON.stringify([k(2)])).previousKeyEncryptionKeys).toEqual([k(2)]);
  });

  it('refuses at start-up, naming the setting and the entry, never the key: wrong length, a repeat, no current key', () => {
    const bad = (current: string, previous: string) => () =>
      loadConfig({
        NODE_ENV: 'test',
        IAMGW_TOKENS_KEY_ENCRYPTION_KEY: current,
        IAMGW_TOKENS_PREVIOUS_KEY_ENCRYPTION_KEYS: previous,
      });
    const setting = 'tokens\\.previousKeyEncryptionKeys \\(from IAMGW_TOKENS_PREVIOUS_KEY_ENCRYPTION_KEYS\\)';
    expect(bad(k(1), `${k(2)},c2hvcnQ=`)).toThrow(new RegExp(`${setting}: entry 2 must be 32 bytes`));
    expect(bad(k(1), `${k(2)},${k(1)}`)).toThrow(new RegExp(`${setting}: entry 2 repeats tokens\\.keyEncryptionKey`));
    expect(bad(k(1), `${k(2)},${k(2)}`)).toThrow(/entry 2 repeats/);
    expect(bad('', k(2))).toThrow(new RegExp(`${setting}: needs tokens\\.keyEncryptionKey`));
    try {
      bad(k(1), `${k(2)},${k(1)}`)();
    } catch (e) {
      expect((e as Error).message).not.toContain(k(1));
    }
  });
});

describe('http.publicUrl default (OPS-1, TOK-1)', () => {
  const dev = (vars: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'development', ...vars }).http.publicUrl;

  it('follows the listening address unless set: IAMGW_HTTP_PORT=9000 gives port 9000, not 8080', () => {
    expect(dev()).toBe('http://localhost:8080');
    expect(dev({ IAMGW_HTTP_PORT: '9000' })).toBe('http://localhost:9000');
    expect(dev({ IAMGW_HTTP_PORT: '9000', IAMGW_HTTP_HOST: '0.0.0.0' })).toBe('http://localhost:9000');
    expect(dev({ IAMGW_HTTP_PORT: '9000', IAMGW_HTTP_HOST: '10.1.2.3' })).toBe('http://10.1.2.3:9000');
    expect(dev({ IAMGW_HTTP_PORT: '9000', IAMGW_HTTP_PUBLIC_URL: 'https://console.example.com' })).toBe(
      'https://console.example.com',
    );
    expect(listeningUrl('fd00::5', 9000)).toBe('http://[fd00::5]:9000');
    expect(listeningUrl('::', 9000)).toBe('http://localhost:9000');
  });

  it('port 0: the port bound at start (main.ts) replaces it; a set URL stays', () => {
    const env = { NODE_ENV: 'development', IAMGW_HTTP_PORT: '0' };
    expect(withListeningPort(41234, env).http).toMatchObject({ port: 41234, publicUrl: 'http://localhost:41234' });
    expect(
      withListeningPort(41234, { ...env, IAMGW_HTTP_PUBLIC_URL: 'https://console.example.com' }).http.publicUrl,
    ).toBe('https://console.example.com');
  });

  it('refuses anything but a URL, and is required in production (the issuer every instance must share)', () => {
    expect(() => dev({ IAMGW_HTTP_PUBLIC_URL: 'console' })).toThrow(/http\.publicUrl \(from IAMGW_HTTP_PUBLIC_URL\)/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/http\.publicUrl: required in production/);
  });
});
