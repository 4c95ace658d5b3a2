import type { Context, Middleware } from 'koa';
import { appError } from '../../../errors.js';
import type { AdminAudit, AdminCall, Authorizer, ResourceInput, ResourceTags } from '../../../iam/index.js';
import { requirePrincipal } from '../../middleware/authenticate.js';
import { toAppError } from '../../middleware/error-handler.js';

/** What a route acts on: one SRN, several (all must be allowed), or `"*"` for account-level actions. */
export type ResourceFn = (ctx: Context) => ResourceInput | ResourceInput[] | Promise<ResourceInput | ResourceInput[]>;

export interface RequireActionOptions {
  /** POL-6: send the tags of the IAM entities named, so `scp:ResourceTag/{key}` conditions can match. */
  resourceTags?: Pick<ResourceTags, 'resolve'>;
  /** ENT-7: record refusals, and every outcome of a mutating call. */
  audit?: Pick<AdminAudit, 'record'>;
  /** A bulk call: its event names the ids in `details.resources` and no single target. */
  many?: boolean;
}

/** What a handler adds to its call's audit event (the id it created, a summary of a bulk result). */
export interface AuditNote {
  created?: string;
  details?: Record<string, unknown>;
}

export function noteAudit(ctx: Context, note: AuditNote): void {
  ctx.state.auditNote = note;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * ENT-7: the admin API is itself authorised by the policy evaluator. Runs before the handler, so a
 * denial (403 ACCESS_DENIED naming the action and the resources) never leaves a partial write; no
 * principal is 401. The account in the path is the request's account: `"*"` resources of another
 * account than the caller's are refused by the authorizer. With `audit`, a denial writes a failure event
 * `ACCESS_DENIED`, and a mutating call writes one event after its handler: success, or failure with the
 * error's code.
 */
export function requireAction(
  authorizer: Authorizer,
  action: string,
  resources: ResourceFn,
  options: RequireActionOptions = {},
): Middleware {
  const { audit, resourceTags } = options;
  return async function authorizeAction(ctx, next) {
    const principal = requirePrincipal(ctx);
    const accountId = (ctx.params as Record<string, string> | undefined)?.accountId;
    const clientIp = ctx.state.clientIp as string | undefined;
    const asked = await resources(ctx);
    const list = Array.isArray(asked) ? asked : [asked];
    const withTags = resourceTags === undefined ? list : await withEntityTags(resourceTags, list);
    const result = await authorizer.authorize(principal, action, withTags, {
      ...(accountId === undefined ? {} : { accountId }),
      ...(clientIp === undefined ? {} : { values: { 'scp:SourceIp': clientIp } }),
    });
    const call: AdminCall | null =
      audit === undefined || accountId === undefined
        ? null
        : {
            principal,
            accountId,
            action,
            resources: result.resources,
            sourceIp: clientIp ?? null,
            ...(options.many === true ? { many: true } : {}),
          };
    const deciding = result.deciding.map((s) => ({ policyId: s.policyId, sid: s.sid ?? null }));
    if (!result.allowed) {
      if (call !== null) {
        const details = {
          decision: result.decision,
          deciding,
          ...(result.reason === null ? {} : { refusal: result.reason }),
        };
        await audit?.record(call, { result: 'failure', reasonCode: 'ACCESS_DENIED', details });
      }
      throw appError(
        'ACCESS_DENIED',
        { action, resources: result.resources, decision: result.decision, deciding },
        `Not allowed to call ${action} on ${result.resources.join(', ')}.`,
      );
    }
    ctx.state.authorization = result;
    if (call === null || READS.has(ctx.method)) {
      await next();
      return;
    }
    try {
      await next();
    } catch (err) {
      await audit?.record(call, { result: 'failure', reasonCode: toAppError(err).code });
      throw err;
    }
    const note = (ctx.state.auditNote ?? {}) as AuditNote;
    await audit?.record(call, { result: 'success', created: note.created, details: note.details });
  };
}

async function withEntityTags(
  tags: Pick<ResourceTags, 'resolve'>,
  list: readonly ResourceInput[],
): Promise<ResourceInput[]> {
  const srns = list.filter((r): r is string => typeof r === 'string');
  const resolved = await tags.resolve(srns);
  let next = 0;
  return list.map((r) => (typeof r === 'string' ? (resolved[next++] as ResourceInput) : r));
}
