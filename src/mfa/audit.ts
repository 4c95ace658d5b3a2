import type { AuditLog } from '../store/ports.js';

/**
 * Audit events of the self-service security changes (LOGIN-7, issue 6): who (actor user id), what
 * (action), on whom, from where, result and reason. Never a secret, code, password or contact value: only
 * which fields changed.
 */
export type SecurityAction =
  | 'mfa.enrol'
  | 'mfa.verify'
  | 'mfa.lockout'
  | 'mfa.disable'
  | 'mfa.recovery_code.use'
  | 'mfa.recovery_codes.regenerate'
  | 'console_ip_control.change'
  | 'console_ip_control.deny'
  | 'password.change'
  | 'contact.change'
  | 'reconfirm'
  | 'reconfirm.lockout'
  | 'account.switch';

export interface SecurityEvent {
  accountId: string;
  actor: string;
  action: SecurityAction;
  target: string | null;
  sourceIp: string | null;
  result: 'success' | 'failure';
  reasonCode?: string;
  details?: Record<string, unknown>;
}

export class SecurityAudit {
  constructor(private readonly log: AuditLog) {}

  async record(e: SecurityEvent): Promise<void> {
    await this.log.append({ ...e, reasonCode: e.reasonCode ?? null, details: e.details ?? {} });
  }
}

/** Who does something, from where, within which console session. */
export interface Actor {
  accountId: string;
  userId: string;
  sourceIp: string;
  /** The console session the request came with (re-confirmation counts and lockout end it). */
  sessionId?: string | undefined;
}
