import type { AuditLog } from '../store/ports.js';
import type { RequestOrigin } from './types.js';

/**
 * LOGIN-7 audit events of the login capability: who, what, when (the store stamps `at`), source IP, result,
 * reason code. Nothing secret goes in: never a password, hash, session id or pending token. A name typed
 * for an unknown user is not recorded either, because people type their password into the username field
 * (CloudTrail hides such names for the same reason).
 */
export type LoginAuditAction = 'login' | 'login.lockout' | 'login.unlock' | 'login.password_change';

export interface LoginAuditEvent {
  accountId: string;
  action: LoginAuditAction;
  /** The acting user id, or `anonymous` when the name matched no user. */
  actor: string;
  /** The user acted upon (user id), when known. */
  target: string | null;
  origin: RequestOrigin | null;
  result: 'success' | 'failure';
  reasonCode?: string;
  details?: Record<string, unknown>;
}

export class LoginAudit {
  constructor(private readonly log: AuditLog) {}

  async record(e: LoginAuditEvent): Promise<void> {
    await this.log.append({
      accountId: e.accountId,
      actor: e.actor,
      action: e.action,
      target: e.target,
      sourceIp: e.origin?.sourceIp ?? null,
      result: e.result,
      reasonCode: e.reasonCode ?? null,
      details: e.details ?? {},
    });
  }
}
