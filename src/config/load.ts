import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deepFreeze } from '../frozen.js';
import { configSchema, type Config } from './schema.js';

/**
 * Loads config/default.json, then config/<env>.json when it exists, then the file named by IAMGW_CONFIG,
 * then environment overrides; validates the result strictly and reports every problem at once, each
 * naming the setting (and the env variable it came from). The only place that reads process.env.
 *
 * Env overrides: every leaf `a.bC` of default.json can be set as `IAMGW_A_B_C` (e.g.
 * `IAMGW_LOCKOUT_THRESHOLD=5`); arrays take JSON or a comma list. `MONGODB_URI` and `REDIS_URL` are
 * accepted as the conventional names and switch the store/sessions kind to mongo/redis. An unknown
 * `IAMGW_*` variable is an error, because a typo must not be silently ignored.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

const envName = (path: string[]): string =>
  'IAMGW_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');

/** Every leaf path of the defaults, keyed by its env variable name. */
function leafPaths(obj: JsonObject, prefix: string[] = [], out = new Map<string, string[]>()): Map<string, string[]> {
  for (const [k, v] of Object.entries(obj)) {
    const p = [...prefix, k];
    if (isObject(v)) leafPaths(v, p, out);
    else out.set(envName(p), p);
  }
  return out;
}

function coerce(raw: string, sample: Json): Json {
  if (typeof sample === 'number') return raw.trim() === '' || Number.isNaN(Number(raw)) ? raw : Number(raw);
  if (typeof sample === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (Array.isArray(sample)) {
    if (raw.trim().startsWith('[')) {
      try {
        return JSON.parse(raw) as Json;
      } catch {
        return raw;
      }
    }
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return raw;
}

function setPath(obj: JsonObject, path: string[], value: Json): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    const next = cur[k];
    if (!isObject(next)) cur[k] = {};
    cur = cur[k] as JsonObject;
  }
  cur[path[path.length - 1]!] = value;
}

function getPath(obj: JsonObject, path: string[]): Json | undefined {
  let cur: Json | undefined = obj;
  for (const k of path) cur = isObject(cur) ? cur[k] : undefined;
  return cur;
}

function readJson(file: string, problems: string[]): JsonObject {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Json;
    if (!isObject(v)) throw new Error('not a JSON object');
    return v;
  } catch (e) {
    problems.push(`${file}: ${(e as Error).message}`);
    return {};
  }
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  dir = join(import.meta.dirname, '..', '..', 'config'),
): Config {
  const problems: string[] = [];
  const defaults = readJson(join(dir, 'default.json'), problems);
  const mode = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  let merged: JsonObject = deepMerge(defaults, { env: mode });
  const modeFile = join(dir, `${mode}.json`);
  if (existsSync(modeFile)) merged = deepMerge(merged, readJson(modeFile, problems));
  if (env.IAMGW_CONFIG) merged = deepMerge(merged, readJson(env.IAMGW_CONFIG, problems));

  const leaves = leafPaths(defaults);
  const origin = new Map<string, string>(); // "a.b" -> env var that set it, for messages
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('IAMGW_') || name === 'IAMGW_CONFIG' || raw === undefined) continue;
    const path = leaves.get(name);
    if (!path) {
      problems.push(`${name}: unknown setting (no such key in config/default.json)`);
      continue;
    }
    setPath(merged, path, coerce(raw, getPath(defaults, path) ?? ''));
    origin.set(path.join('.'), name);
  }
  if (env.MONGODB_URI) {
    setPath(merged, ['store', 'mongoUri'], env.MONGODB_URI);
    if (!origin.has('store.kind')) setPath(merged, ['store', 'kind'], 'mongo');
  }
  if (env.REDIS_URL) {
    setPath(merged, ['sessions', 'redisUrl'], env.REDIS_URL);
    if (!origin.has('sessions.kind')) setPath(merged, ['sessions', 'kind'], 'redis');
  }

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      const from = origin.get(key);
      problems.push(`${key || '(root)'}${from ? ` (from ${from})` : ''}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const http = parsed.data.http;
  if (http.publicUrl === '') http.publicUrl = listeningUrl(http.host, http.port);
  return deepFreeze(parsed.data);
}

/**
 * The default public URL: `http://<host>:<port>` of the listening address. Wildcard and loopback hosts read
 * as `localhost` (what a browser on the same machine opens), so the default start prints
 * `http://localhost:8080` as before; any other host is used as it is.
 */
export function listeningUrl(host: string, port: number): string {
  const local = ['0.0.0.0', '::', '[::]', '127.0.0.1', '::1', '[::1]', 'localhost'].includes(host);
  const name = local ? 'localhost' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** The same configuration listening on `port` (main.ts, after binding port 0): a derived public URL follows it. */
export function withListeningPort(port: number, env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig({ ...env, IAMGW_HTTP_PORT: String(port) });
}

/** Test helper: the test config with overrides applied, without touching process.env. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', ...overrides });
}
