/**
 * ENT-7 audit of the admin API: one event per mutating call (success or failure) and one per call the
 * evaluator refused (`ACCESS_DENIED`, reads included, since probing is worth seeing). The action is the
 * `iam:` action name; the target is the entity the route acts on (or the one it created); every SRN the
 * call was authorised on is kept in `details.resources`. No request or response body is ever copied in:
 * a created user's generated password lives only in that one response.
 */
import type { Principal } from '../auth/principal.js';
import { AuditRecorder } from '../audit/index.js';
import { parseSrn } from '../srn/index.js';
import type { AuditLog } from '../store/ports.js';
import type { BulkResult } from './common.js';

export interface AdminCall {
  principal: Principal;
  /** The account in the path: its administrators read the event, also when the caller came from elsewhere. */
  accountId: string;
  action: string;
  /** The SRNs (or `"*"`) the call was authorised on. */
  resources: readonly string[];
  sourceIp: string | null;
  /** Bulk calls name several entities and no single target. */
  many?: boolean;
}

export type AdminOutcome =
  | { result: 'success'; created?: string | undefined; details?: Record<string, unknown> | undefined }
  | { result: 'failure'; reasonCode: string; details?: Record<string, unknown> | undefined };

export class AdminAudit {
  private readonly recorder: AuditRecorder;

  constructor(log: AuditLog) {
    this.recorder = new AuditRecorder(log);
  }

  async record(call: AdminCall, outcome: AdminOutcome): Promise<void> {
    const concrete = call.resources.filter((r) => r !== '*');
    const created = outcome.result === 'success' ? outcome.created : undefined;
    const target = created ?? (call.many === true ? null : concrete[0] === undefined ? null : idOf(concrete[0]));
    const { principal } = call;
    await this.recorder.record({
      accountId: call.accountId,
      actor: principal.userId,
      action: call.action,
      target,
      sourceIp: call.sourceIp,
      result: outcome.result,
      reasonCode: outcome.result === 'failure' ? outcome.reasonCode : null,
      details: {
        resources: concrete,
        principalType: principal.type,
        ...(principal.accountId === call.accountId ? {} : { principalAccountId: principal.accountId }),
        ...(principal.role === undefined ? {} : { role: principal.role }),
        ...outcome.details,
      },
    });
  }
}

function idOf(srn: string): string {
  const parsed = parseSrn(srn);
  return parsed.ok ? parsed.srn.resourceId : srn;
}

/** What a bulk delete did, for its event (ids only; the refusal reason under `reason`). */
export function bulkAuditDetails(result: BulkResult): Record<string, unknown> {
  return {
    deleted: result.deleted,
    notFound: result.notFound,
    refused: result.refused.map((r) => ({ id: r.id, reason: r.code })),
  };
}
