/**
 * `GET …/audit-events` (iam:listAuditEvents): one account's audit log, newest first, paged, optionally
 * bounded to a time range. Times are ISO 8601 date-times (with a zone) or epoch milliseconds; `from` is
 * inclusive, `to` exclusive, so consecutive ranges never count an event twice.
 */
import { z } from 'zod';
import type { AuditEvent, AuditLog, AuditQuery } from '../store/ports.js';
import { defined } from './common.js';
import { parseInput, type IamLimits } from './validation.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an ISO date-time with a zone or of a run of digits; anything else (a date without a zone is ambiguous) is refused. */
const instant = (code: string) =>
  z.string().transform((s, ctx) => {
    const ms = /^\d{1,15}$/.test(s) ? Number(s) : ISO_DATE_TIME.test(s) ? Date.parse(s) : Number.NaN;
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: code });
      return z.NEVER;
    }
    return ms;
  });

export class AuditEventService {
  private readonly schema;

  constructor(private readonly deps: { audit: AuditLog; limits: IamLimits }) {
    const max = deps.limits.maxPageSize;
    this.schema = z
      .strictObject({
        limit: z.coerce
          .number()
          .int()
          .min(1, { error: 'LIMIT_OUT_OF_RANGE' })
          .max(max, { error: 'LIMIT_OUT_OF_RANGE' })
          .optional(),
        cursor: z
          .string()
          .regex(/^\d+~[^~]+$/, { error: 'CURSOR_INVALID' })
          .optional(),
        from: instant('TIME_INVALID').optional(),
        to: instant('TIME_INVALID').optional(),
      })
      .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
        error: 'TIME_RANGE_INVALID',
        path: ['to'],
      });
  }

  async list(accountId: string, query: unknown): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
    const q: AuditQuery = defined(parseInput(this.schema, query));
    return this.deps.audit.list(accountId, q);
  }
}
