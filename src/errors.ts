/**
 * The one error type that crosses layers (DESIGN §3). A capability throws `appError('CODE', details)`;
 * the HTTP error middleware maps it to `{ error: { code, message, details? } }` with the code's status.
 * Anything that is not an AppError becomes a generic 500 whose cause is logged server-side only.
 *
 * Codes are API: they live in ERROR_CODES below, and test/unit/errors.test.ts pins every code with its
 * status, so renaming one is a deliberate, reviewed change. Add new codes in the section of your capability.
 */
export const ERROR_CODES = {
  // ── generic / HTTP shell ──────────────────────────────────────────────
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  /** The client went away before its body arrived: nobody reads the answer, but logs and metrics must not call it a server failure. */
  REQUEST_ABORTED: { status: 400, message: 'The request body was not received completely.' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication is required.' },
  ACCESS_DENIED: { status: 403, message: 'The caller is not allowed to perform this action.' },
  NOT_FOUND: { status: 404, message: 'The resource does not exist.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'The method is not allowed on this route.' },
  ALREADY_EXISTS: { status: 409, message: 'A resource with the same unique value already exists.' },
  VERSION_CONFLICT: { status: 409, message: 'The resource was changed by someone else; reload and retry.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request content type is not supported.' },
  /** A multipart upload that is not one file in the field the route names; `details.reason` says what (http/upload.ts). */
  /** FED-3: a metadata check still running at its time limit was ended (src/federation/saml/metadata). */
  METADATA_CHECK_TIMEOUT: { status: 422, message: 'The metadata file took too long to check; it cannot be used.' },
  UPLOAD_INVALID: { status: 400, message: 'The upload must be exactly one file, in the form field the route names.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry later.' },
  INTERNAL: { status: 500, message: 'Something went wrong.' },
  STORE_UNAVAILABLE: { status: 503, message: 'A backing store is unavailable; retry later.' },

  // ── store (src/store) ─────────────────────────────────────────────────
  TOO_MANY_TAGS: { status: 400, message: 'A resource carries at most 50 tags.' },
  DUPLICATE_TAG_KEY: { status: 400, message: 'Tag keys must be unique per resource.' },

  // ── secrets at rest (src/crypto) ──────────────────────────────────────
  /** details.keyId names the missing key (null for a pre-key-id envelope); server misconfiguration, logged. */
  SEAL_KEY_UNKNOWN: { status: 500, message: 'A secret is sealed under a key-encryption key that is not configured.' },
  /** Altered, malformed, or opened for another purpose or record than it was sealed for. */
  SEAL_INVALID: { status: 500, message: 'A sealed secret does not open: altered, or meant for another record.' },

  // ── passwords (src/passwords) ─────────────────────────────────────────
  // PASSWORD_REJECTED is the error thrown; details.violations carries one entry per broken rule (PWD-9).
  PASSWORD_REJECTED: { status: 400, message: 'The password does not meet the password rules.' },
  PASSWORD_TOO_SHORT: { status: 400, message: 'The password is too short.' },
  PASSWORD_TOO_LONG: { status: 400, message: 'The password is too long.' },
  PASSWORD_MISSING_UPPERCASE: { status: 400, message: 'The password needs an uppercase letter.' },
  PASSWORD_MISSING_LOWERCASE: { status: 400, message: 'The password needs a lowercase letter.' },
  PASSWORD_MISSING_DIGIT: { status: 400, message: 'The password needs a digit.' },
  PASSWORD_MISSING_SPECIAL: {
    status: 400,
    message: 'The password needs one of the special characters ! @ # $ % & * ^.',
  },
  PASSWORD_INVALID_CHARACTER: { status: 400, message: 'The password contains a character that is not allowed.' },
  PASSWORD_CONTAINS_USERNAME: { status: 400, message: 'The password must not contain the username.' },
  PASSWORD_CONTAINS_ACCOUNT: { status: 400, message: 'The password must not contain the account id or alias.' },
  PASSWORD_REPEATED_CHARACTERS: {
    status: 400,
    message: 'The password repeats a character more than 3 times in a row.',
  },
  PASSWORD_SEQUENTIAL_CHARACTERS: {
    status: 400,
    message: 'The password contains 4 or more consecutive letters or digits.',
  },
  PASSWORD_TOO_COMMON: { status: 400, message: 'The password is on a list of commonly used passwords.' },
  PASSWORD_TOO_WEAK: { status: 400, message: 'The password is too easy to guess.' },
  PASSWORD_REUSED: { status: 400, message: 'The password was used recently.' },

  // ── iam (src/iam) ─────────────────────────────────────────────────────
  ROOT_USER_PROTECTED: {
    status: 409,
    message: 'The root user cannot be deleted, disabled, made a group member or edited by another user.',
  },
  POLICY_READ_ONLY: { status: 409, message: 'Built-in (default) policies cannot be changed or deleted.' },
  PROVIDER_LOCKED: {
    status: 409,
    message: 'The credential provider is locked by the identity centre and cannot be modified.',
  },

  // ── login (src/login) ─────────────────────────────────────────────────
  // One answer for unknown user, wrong password and disabled user (LOGIN-3, style.md §8.8).
  INVALID_CREDENTIALS: { status: 401, message: 'The username or password is incorrect.' },
  ACCOUNT_LOCKED: {
    status: 423,
    message: 'Too many failed attempts; this user is locked. Try again later or ask an administrator.',
  },
  LOGIN_STEP_EXPIRED: { status: 401, message: 'This login step has expired; log in again.' },
  CSRF_INVALID: {
    status: 403,
    message: 'The form or request is missing a valid CSRF token; reload the page and retry.',
  },

  // ── tokens (src/tokens) ───────────────────────────────────────────────
  // TOK-3: every refusal of a bearer token has its own code; all are 401 so clients re-authenticate.
  TOKEN_MALFORMED: { status: 401, message: 'The access token is malformed.' },
  TOKEN_ALG_NOT_ALLOWED: { status: 401, message: 'The access token uses an algorithm that is not accepted.' },
  TOKEN_UNKNOWN_KID: { status: 401, message: 'The access token names no published signing key.' },
  TOKEN_SIGNATURE_INVALID: { status: 401, message: 'The access token signature does not verify.' },
  TOKEN_EXPIRED: { status: 401, message: 'The access token has expired.' },
  TOKEN_NOT_YET_VALID: { status: 401, message: 'The access token is not valid yet.' },
  TOKEN_ISSUER_MISMATCH: { status: 401, message: 'The access token was issued by someone else.' },
  TOKEN_AUDIENCE_MISMATCH: { status: 401, message: 'The access token is meant for another audience.' },
  TOKEN_CLAIMS_INVALID: { status: 401, message: 'The access token claims are invalid.' },
  TOKEN_SESSION_ENDED: { status: 401, message: 'The session of this credential has ended; log in again.' },
  TOKEN_REVOKED: { status: 401, message: 'This credential was revoked; obtain a new one.' },
  TOKEN_PRINCIPAL_INACTIVE: { status: 401, message: 'The principal of this session is disabled or no longer exists.' },
  REFRESH_TOKEN_INVALID: { status: 400, message: 'The refresh token is invalid.' },
  REFRESH_TOKEN_EXPIRED: { status: 400, message: 'The refresh token has expired; log in again.' },
  REFRESH_TOKEN_REUSED: { status: 400, message: 'The refresh token was already used; the session has been ended.' },
  UNSUPPORTED_GRANT_TYPE: { status: 400, message: 'The grant type is not supported.' },
  TOKEN_SIGNING_KEY_UNAVAILABLE: { status: 503, message: 'No usable signing key; check tokens.keyEncryptionKey.' },

  // ── session issuer (src/issuer) ───────────────────────────────────────
  /** ROLE-4, ROLE-6: details carry `min`, `max` (an hour when chained) and the `requested` value. */
  SESSION_DURATION_OUT_OF_RANGE: {
    status: 400,
    message: 'The requested session duration is outside the allowed range.',
  },

  // ── role sessions (src/roles) ─────────────────────────────────────────
  /** ROLE-2/3: no trusted principal matches the caller; also the answer for a role the caller cannot see. */
  ROLE_NOT_TRUSTED: { status: 403, message: 'The role does not trust the caller, or it does not exist.' },
  /** ROLE-2 `service` callers: an unknown service and a wrong secret answer the same (src/roles/services.ts). */
  SERVICE_CREDENTIALS_INVALID: { status: 401, message: 'The service credentials are not valid.' },
  /** STS rule: a role session's source identity is set once; a chained assume may repeat it, never change it. */
  SOURCE_IDENTITY_IMMUTABLE: {
    status: 400,
    message: 'The source identity is set once per chain of role sessions; this session carries another one.',
  },

  // ── mfa (src/mfa, src/console-access, src/my-info) ────────────────────
  MFA_CODE_INVALID: { status: 401, message: 'The verification code is incorrect or was already used.' },
  MFA_ALREADY_ENROLLED: {
    status: 409,
    message: 'An authenticator is already set up; disable it first to set up another.',
  },
  MFA_NOT_ENROLLED: { status: 409, message: 'No authenticator is set up for this user.' },
  MFA_ENROLMENT_NOT_STARTED: { status: 409, message: 'Start the authenticator set-up before confirming it.' },
  MFA_REQUIRED_BY_ACCOUNT: {
    status: 409,
    message: 'This account requires MFA for every user; it cannot be turned off.',
  },
  PROOF_REQUIRED: { status: 400, message: 'Confirm with your password or a current verification code.' },
  RECONFIRM_FAILED: { status: 403, message: 'The password is incorrect.' },
  RECONFIRM_LOCKOUT: { status: 401, message: 'Too many wrong password confirmations; you have been signed out.' },
  CONSOLE_SESSION_REQUIRED: { status: 401, message: 'This action needs a console session.' },
  CONSOLE_IP_DENIED: {
    status: 403,
    message: "Console access from this address is not allowed by the user's console access IP control.",
  },
  SWITCH_NOT_ALLOWED: { status: 403, message: 'Switching to that user is not allowed.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, options: { message?: string; details?: unknown; cause?: unknown } = {}) {
    super(
      options.message ?? ERROR_CODES[code].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = options.details;
  }

  /** Koa's convention: 4xx messages are safe to show, 5xx are replaced by a generic text. */
  get expose(): boolean {
    return this.status < 500;
  }
}

/** Shorthand used by capabilities: `throw appError('NOT_FOUND', { kind: 'user', id })`. */
export function appError(code: ErrorCode, details?: unknown, message?: string): AppError {
  return new AppError(code, { details, ...(message === undefined ? {} : { message }) });
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** One violation of an input rule; forms show all of them at once (PWD-9, POL-2). */
export interface Violation {
  /** JSON path or field name, e.g. `tags[3].key` or `password`. */
  path: string;
  /** Stable machine code, e.g. `PASSWORD_TOO_SHORT`. */
  code: string;
  message: string;
}

export function validationFailed(violations: Violation[], code: ErrorCode = 'VALIDATION_FAILED'): AppError {
  return new AppError(code, { details: { violations } });
}
