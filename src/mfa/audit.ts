import { AuditRecorder, type AuditEntry } from '../audit/index.js';

/**
 * Audit events of the self-service security changes (LOGIN-7, issue 6), written through the one audit
 * recorder (src/audit): who (actor user id), what (action), on whom, from where, result and reason. Never
 * a secret, code, password or contact value: only which fields changed.
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

export type SecurityEvent = AuditEntry<SecurityAction>;

export class SecurityAudit extends AuditRecorder<SecurityAction> {}

/** Who does something, from where, within which console session. */
export interface Actor {
  accountId: string;
  userId: string;
  sourceIp: string;
  /** The console session the request came with (re-confirmation counts and lockout end it). */
  sessionId?: string | undefined;
}
