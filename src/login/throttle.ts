import { appError } from '../errors.js';
import type { SessionStore } from '../sessions/ports.js';

export interface ThrottleConfig {
  windowSeconds: number;
  perIpLimit: number;
  perAccountLimit: number;
}

/**
 * LOGIN-3: sliding-window throttles in front of the per-user lockout, per source IP and per account. They
 * slow password spraying (one password against many users) without locking the victims out, and they run
 * before any argon2 work, so a flood cannot buy CPU (toolchain.md §3.1: ~60 hashes/s per process).
 * A hit refused by the IP window is not counted against the account.
 */
export class LoginThrottle {
  constructor(
    private readonly sessions: SessionStore,
    private readonly config: ThrottleConfig,
  ) {}

  /** Throws 429 RATE_LIMITED with `retryAfterSeconds` when either window is full. */
  async admit(sourceIp: string, accountId: string): Promise<void> {
    const windowMs = this.config.windowSeconds * 1000;
    const byIp = await this.sessions.hit(`throttle:login:ip:${sourceIp}`, windowMs, this.config.perIpLimit);
    if (!byIp.allowed) throw rateLimited(byIp.retryAfterMs);
    const byAccount = await this.sessions.hit(
      `throttle:login:account:${accountId}`,
      windowMs,
      this.config.perAccountLimit,
    );
    if (!byAccount.allowed) throw rateLimited(byAccount.retryAfterMs);
  }
}

function rateLimited(retryAfterMs: number) {
  return appError('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}
