import { z } from 'zod';
import { SERVICE_PRINCIPALS } from '../policy/index.js';

/** `services.credentials` entries: `<service>:<sha256 hex of its secret>` (src/roles/services.ts reads them). */
export const SERVICE_CREDENTIAL = /^([a-z][a-z0-9-]{1,63}):([0-9a-f]{64})$/;

/**
 * The whole configuration, strict: an unknown key anywhere is an error (style.md §8.11). Defaults are the
 * spec's; config/default.json spells them out so operators can read them in one place. Every key has a
 * comment; keys marked "secret" are redacted from logs (src/observability/logger.ts).
 */
const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();
const seconds = z.number().int().positive();

export const configSchema = z
  .object({
    /** Runtime mode; `production` refuses dev-only settings (see load.ts). */
    env: z.enum(['development', 'test', 'production']),
    http: z
      .object({
        host: z.string().min(1),
        port,
        /**
         * Public base URL (scheme + host [+ port]) used in login URLs, token `iss` and SP metadata. Empty
         * (the default) = `http://<host>:<port>` of the listening address (load.ts `listeningUrl`; with port
         * 0 the port main.ts bound). Instances that name different URLs refuse each other's tokens.
         */
        publicUrl: z.union([z.literal(''), z.string().url()]),
        /** Peers (IPs or CIDRs) whose X-Forwarded-For is believed (LOGIN-5); empty = socket address only. */
        trustedProxies: z.array(z.string().min(1)).max(50),
        /** Largest JSON/form body accepted, in bytes (the default `json` and the `raw` body readers). */
        bodyLimitBytes: positiveInt,
        /** SIGTERM: how long open requests may take to finish before the process exits. */
        shutdownGraceMs: positiveInt,
      })
      .strict(),
    store: z
      .object({
        /** `memory` (default, no server) or `mongo` (MongoDB via mongoose). */
        kind: z.enum(['memory', 'mongo']),
        /** MongoDB connection string; required when kind is `mongo`. Secret (may hold a password). */
        mongoUri: z.string(),
        /** Memory store only: persist to this JSON file so restarts keep data; empty = no persistence. */
        memoryFile: z.string(),
      })
      .strict(),
    sessions: z
      .object({
        /** `memory` (default, single process) or `redis` (shared by every instance, OPS-5). */
        kind: z.enum(['memory', 'redis']),
        /** Redis URL; required when kind is `redis`. Secret (may hold a password). */
        redisUrl: z.string(),
        /** Prefix of every Redis key this gateway writes. */
        keyPrefix: z.string().min(1),
        /** Absolute console session lifetime (LOGIN-6). */
        absoluteTtlSeconds: seconds,
        /** Idle timeout: a session unused this long ends (LOGIN-6). */
        idleTtlSeconds: seconds,
        /**
         * Redis only: how long a session/revocation check may be answered from the instance's memory
         * (invalidated at once through pub/sub; this bounds what publishes nothing, like TTL expiry). 0: off.
         */
        inspectCacheMs: z.number().int().min(0).max(5000),
      })
      .strict(),
    cookies: z
      .object({
        /** `Secure` attribute; turn off only for plain-http local development. */
        secure: z.boolean(),
        /** Session cookie name; `__Host-` prefix is used automatically when secure. */
        sessionName: z.string().min(1),
      })
      .strict(),
    passwords: z
      .object({
        minLength: z.number().int().min(1),
        maxLength: z.number().int().min(1),
        /** PWD-8: days until a password expires; 0 turns expiry off (docs/decisions.md, PWD-12). */
        expiryDays: z.number().int().min(0),
        /** ENT-1: default password-reuse restriction N (1–24). */
        defaultReuseRestriction: z.number().int().min(1).max(24),
        /** PWD-6: minimum zxcvbn score (0–4). */
        minStrengthScore: z.number().int().min(0).max(4),
        /** PWD-10: argon2id parameters; at least OWASP's m=19 MiB, t=2, p=1 in production. */
        argon2: z
          .object({
            memoryCostKiB: z.number().int().min(1024),
            timeCost: z.number().int().min(1),
            parallelism: z.number().int().min(1).max(16),
          })
          .strict(),
      })
      .strict(),
    lockout: z
      .object({
        /** LOGIN-3: consecutive failures that lock a user. */
        threshold: positiveInt,
        /** LOGIN-3: how long a lock lasts before it lifts by itself. */
        durationSeconds: seconds,
        /** Re-confirmation failures that end a console session (PWD-11). */
        reconfirmThreshold: positiveInt,
      })
      .strict(),
    throttle: z
      .object({
        /** Sliding window for the per-source-IP and per-account login throttles (LOGIN-3). */
        windowSeconds: seconds,
        perIpLimit: positiveInt,
        perAccountLimit: positiveInt,
      })
      .strict(),
    tokens: z
      .object({
        /** TOK-1: signing algorithm of new keys. */
        algorithm: z.enum(['ES256', 'EdDSA']),
        /** TOK-4: access token lifetime. */
        accessTtlSeconds: seconds,
        /** Refresh handle lifetime (never beyond the session's own). */
        refreshTtlSeconds: seconds,
        /** `aud` of console/API tokens. */
        audience: z.string().min(1),
        /** TOK-3: tolerated clock skew for exp/nbf. */
        clockSkewSeconds: z.number().int().min(0).max(300),
        /** TOK-1: a new signing key every N seconds; the old one stays published until its tokens expire. */
        rotationSeconds: seconds,
        /**
         * The current key-encryption key (base64, 32 bytes): seals every secret at rest (signing keys, MFA
         * secrets; src/crypto) and keys the `sid`/refresh-handle subkeys. Secret; required in production.
         */
        keyEncryptionKey: z.string(),
        /**
         * Earlier KEKs (base64, 32 bytes each), kept while secrets sealed under them remain: they open, never
         * seal. Rotation steps in docs/operations.md. Secret.
         */
        previousKeyEncryptionKeys: z.array(z.string()).max(10),
      })
      .strict(),
    limits: z
      .object({
        /** POL-2: policy document size. */
        policyDocumentBytes: positiveInt,
        /** FED-2: SAML metadata upload size. */
        samlMetadataBytes: positiveInt,
        /** FED-8: SAML response size. */
        samlResponseBytes: positiveInt,
        /**
         * FED-5, FED-8: the urlencoded body of SAML's POST binding, the `form` reader's limit. It carries the
         * response base64-encoded (4/3 of samlResponseBytes: 342 KiB for the spec's 256 KiB), %-escaped `+/=`
         * and RelayState, so its default is 512 KiB; the decoded response is still held to samlResponseBytes.
         */
        samlPostBodyBytes: positiveInt,
        /** TEN-4: tags per resource. */
        tagsPerResource: positiveInt,
        /** TEN-5: description length. */
        descriptionChars: positiveInt,
        /** Largest page a list call returns. */
        maxPageSize: positiveInt,
      })
      .strict(),
    mfa: z
      .object({
        /** Issuer label shown in authenticator apps. */
        issuer: z.string().min(1),
        /** LOGIN-4: accepted time steps either side of now. */
        window: z.number().int().min(0).max(2),
      })
      .strict(),
    bootstrap: z
      .object({
        /** First start with an empty store: the alias of the account created. */
        accountAlias: z.string(),
        /** Root user's email. */
        rootEmail: z.string(),
        /** Root password; empty = generate one and print it once. Secret. */
        rootPassword: z.string(),
      })
      .strict(),
    services: z
      .object({
        /**
         * ROLE-2 `service` trust: the services that may call AssumeRole with their own credential, each entry
         * `<name>:<sha256 hex of its secret>` (env: comma-separated). Several entries of one name are that
         * service's current and next secret while it rotates. Generating, adding and rotating them:
         * docs/roles.md. Only digests are configured; the secrets never are.
         */
        credentials: z
          .array(
            z
              .string()
              .regex(SERVICE_CREDENTIAL, {
                message: 'must be "<service>:<sha256 hex of the secret>" (64 lower-case hex digits)',
              })
              .refine((e) => (SERVICE_PRINCIPALS as readonly string[]).includes(e.split(':')[0] ?? ''), {
                message: `names a service roles can trust: one of ${SERVICE_PRINCIPALS.join(', ')}`,
              }),
          )
          .max(100),
      })
      .strict(),
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }).strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.store.kind === 'mongo' && !c.store.mongoUri)
      ctx.addIssue({
        code: 'custom',
        path: ['store', 'mongoUri'],
        message: 'required when store.kind is "mongo" (set MONGODB_URI)',
      });
    if (c.sessions.kind === 'redis' && !c.sessions.redisUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['sessions', 'redisUrl'],
        message: 'required when sessions.kind is "redis" (set REDIS_URL)',
      });
    if (c.passwords.minLength > c.passwords.maxLength)
      ctx.addIssue({
        code: 'custom',
        path: ['passwords', 'minLength'],
        message: 'must not exceed passwords.maxLength',
      });
    if (c.tokens.keyEncryptionKey && !isKek(c.tokens.keyEncryptionKey))
      ctx.addIssue({
        code: 'custom',
        path: ['tokens', 'keyEncryptionKey'],
        message: 'must be 32 bytes, base64-encoded',
      });
    for (const message of previousKekProblems(c.tokens.keyEncryptionKey, c.tokens.previousKeyEncryptionKeys))
      ctx.addIssue({ code: 'custom', path: ['tokens', 'previousKeyEncryptionKeys'], message });
    if (c.env === 'production') {
      // OPS-5: production runs several instances; nothing shared may live only in process memory.
      if (c.store.kind !== 'mongo')
        ctx.addIssue({
          code: 'custom',
          path: ['store', 'kind'],
          message: 'must be "mongo" in production (set MONGODB_URI)',
        });
      if (c.sessions.kind !== 'redis')
        ctx.addIssue({
          code: 'custom',
          path: ['sessions', 'kind'],
          message: 'must be "redis" in production (set REDIS_URL)',
        });
      if (!c.cookies.secure)
        ctx.addIssue({ code: 'custom', path: ['cookies', 'secure'], message: 'must be true in production' });
      if (!c.tokens.keyEncryptionKey)
        ctx.addIssue({ code: 'custom', path: ['tokens', 'keyEncryptionKey'], message: 'required in production' });
      // It is the token issuer: instances deriving it from their own address would refuse each other's tokens.
      if (!c.http.publicUrl)
        ctx.addIssue({
          code: 'custom',
          path: ['http', 'publicUrl'],
          message: 'required in production (the URL clients reach, the same on every instance)',
        });
      const a = c.passwords.argon2;
      if (a.memoryCostKiB < 19456 || a.timeCost < 2)
        ctx.addIssue({
          code: 'custom',
          path: ['passwords', 'argon2'],
          message: 'must be at least m=19456 KiB, t=2 in production (PWD-10)',
        });
    }
  });

export type Config = z.infer<typeof configSchema>;

function isKek(base64: string): boolean {
  return Buffer.from(base64, 'base64').length === 32;
}

/** Each wrong entry once, by position (never by value: the values are keys). */
function previousKekProblems(current: string, previous: readonly string[]): string[] {
  if (previous.length > 0 && !current) return ['needs tokens.keyEncryptionKey (the current key) to be set'];
  const seen = new Set([Buffer.from(current, 'base64').toString('base64')]);
  return previous.flatMap((k, i) => {
    if (!isKek(k)) return [`entry ${i + 1} must be 32 bytes, base64-encoded`];
    const canonical = Buffer.from(k, 'base64').toString('base64');
    if (seen.has(canonical)) return [`entry ${i + 1} repeats tokens.keyEncryptionKey or an earlier entry`];
    seen.add(canonical);
    return [];
  });
}
