import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs (OPS-3). Secrets never reach a log line: request bodies are never logged, and these
 * paths are censored wherever they appear in a logged object, as a second line of defence for code that
 * logs an object it did not build.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'currentPassword',
  '*.currentPassword',
  'newPassword',
  '*.newPassword',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'SAMLResponse',
  '*.SAMLResponse',
  '*.totp',
  'passwordHash',
  '*.passwordHash',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'config.store.mongoUri',
  'config.sessions.redisUrl',
  'config.tokens.keyEncryptionKey',
  'config.tokens.previousKeyEncryptionKeys',
  'config.bootstrap.rootPassword',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'iam-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? process.stdout,
  );
}
