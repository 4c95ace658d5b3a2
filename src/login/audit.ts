import { AuditRecorder, type AuditEntry } from '../audit/index.js';
import type { AuditLog } from '../store/ports.js';
import type { RequestOrigin } from './types.js';

/**
 * LOGIN-7 audit events of the login capability, written through the one audit recorder (src/audit).
 * Nothing secret goes in: never a password, hash, session id or pending token. A name typed for an
 * unknown user is not recorded either, because people type their password into the username field
 * (CloudTrail hides such names for the same reason).
 */
export type LoginAuditAction = 'login' | 'login.lockout' | 'login.unlock' | 'login.password_change';

/** An audit entry whose source IP comes from the request's origin (`actor` is `anonymous` for an unknown name). */
export type LoginAuditEvent = Omit<AuditEntry<LoginAuditAction>, 'sourceIp'> & { origin: RequestOrigin | null };

export class LoginAudit {
  private readonly recorder: AuditRecorder<LoginAuditAction>;

  constructor(log: AuditLog) {
    this.recorder = new AuditRecorder(log);
  }

  async record({ origin, ...e }: LoginAuditEvent): Promise<void> {
    await this.recorder.record({ ...e, sourceIp: origin?.sourceIp ?? null });
  }
}
