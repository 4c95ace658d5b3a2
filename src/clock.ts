import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Time and randomness come through these small providers so that expiry, lockout windows, TOTP steps and
 * token lifetimes are testable without sleeping (style.md §8.2). Nothing in src/ calls Date.now() directly
 * on a security decision path.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  set(ms: number): void {
    this.t = ms;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Ids {
  /** 32 lowercase hex chars (128 bits): account ids (TEN-1) and entity ids. */
  hex32(): string;
  /** URL-safe random token with `bytes` bytes of entropy (session ids, CSRF tokens, handles). */
  token(bytes?: number): string;
  uuid(): string;
}

export const randomIds: Ids = {
  hex32: () => randomBytes(16).toString('hex'),
  token: (bytes = 32) => randomBytes(bytes).toString('base64url'),
  uuid: () => randomUUID(),
};
