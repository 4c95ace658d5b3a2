/**
 * AssumeRole (ROLE-3..6, POL-7): a caller becomes a role session. Both sides must agree:
 * 1. the role's side — a trusted principal matches the caller (trust.ts);
 * 2. the caller's side — its own identity policies allow `iam:assumeRole` on the role's SRN, judged by the
 *    shared evaluator with the request's conditions. Across accounts the trust is the role's resource
 *    policy naming the caller, so the evaluator's both-sides rule (POL-7) applies unchanged.
 * Then the session issuer starts the session (duration rules there: ROLE-4, ROLE-6). The new session's
 * permissions are the role's only (ROLE-5, src/authz/applicable.ts). Every attempt is audited.
 */
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { AuditRecorder } from '../audit/index.js';
import type { Authorizer } from '../authz/authorizer.js';
import { roleOf } from '../authz/applicable.js';
import { iamSrn } from '../authz/srn.js';
import { AppError, appError, isAppError, validationFailed } from '../errors.js';
import type { SessionIssuer, StartedSession } from '../issuer/index.js';
import { IAM_ACTIONS, compilePolicy } from '../policy/index.js';
import type { AuditLog, Role, Store } from '../store/ports.js';
import { toViolations } from '../iam/validation.js';
import { matchTrust, type TrustCaller } from './trust.js';

/** ROLE-4 API body. `sessionName` as STS: 2–64 of `[\w+=,.@-]`. */
export const assumeRoleBody = z.strictObject({
  roleSrn: z.string().min(1).max(2048),
  sessionName: z.string().regex(/^[\w+=,.@-]{2,64}$/, { error: 'SESSION_NAME_INVALID' }),
  durationSeconds: z.number().int().positive().optional(),
});
export type AssumeRoleInput = z.output<typeof assumeRoleBody>;

export interface AssumeRoleDeps {
  store: Pick<Store, 'roles'> & { audit: AuditLog };
  authorizer: Pick<Authorizer, 'authorize'>;
  issuer: Pick<SessionIssuer, 'start'>;
}

export interface AssumedRole {
  started: StartedSession;
  role: Role;
  /** The role session's principal SRN (`…:scp-iam:role-session/<id>`). */
  assumedRoleSrn: string;
}

type Origin = { sourceIp: string; userAgent?: string | undefined };

export class RoleAssumption {
  private readonly audit: AuditRecorder<'role.assume'>;

  constructor(private readonly deps: AssumeRoleDeps) {
    this.audit = new AuditRecorder(deps.store.audit);
  }

  /** A bearer/console caller assumes a role; `deliver` says how the client holds the new session. */
  async assume(caller: Principal, body: unknown, origin: Origin, deliver: 'tokens' | 'cookie'): Promise<AssumedRole> {
    const parsed = assumeRoleBody.safeParse(body ?? {});
    if (!parsed.success) throw validationFailed(toViolations(parsed.error));
    const input = parsed.data;
    const target = roleOf(input.roleSrn);
    if (target === null) throw validationFailed([{ path: 'roleSrn', code: 'SRN_INVALID', message: 'roleSrn must name an IAM role: srn:…:scp-iam:role/<id>.' }]);
    const record = (result: 'success' | 'failure', reasonCode: string | null, extra: Record<string, unknown> = {}) =>
      this.audit.record({
        accountId: target.accountId, actor: caller.userId, action: 'role.assume', target: target.roleId, sourceIp: origin.sourceIp, result, reasonCode,
        details: { roleSrn: input.roleSrn, source: caller.srn, sessionName: input.sessionName, durationSeconds: input.durationSeconds ?? null, ...extra },
      });
    try {
      const role = await this.trustingRole(caller, target, input.roleSrn, origin);
      const started = await this.deps.issuer.start({
        subject: {
          kind: 'role-session',
          role: { accountId: role.accountId, id: role.id, maxSessionSeconds: role.maxSessionSeconds },
          // The human at the start of a chain stays the source (TOK-2 `source`): disabling it ends the chain.
          source: caller.source ?? caller.srn,
          sessionName: input.sessionName,
          chained: caller.type === 'role-session' || caller.type === 'federated',
        },
        mfa: caller.mfa,
        amr: caller.amr,
        auth: caller.auth,
        origin,
        deliver,
        ...(input.durationSeconds === undefined ? {} : { durationSeconds: input.durationSeconds }),
      });
      const assumedRoleSrn = started.session.principal.srn ?? iamSrn(role.accountId, 'role-session', started.session.principal.userId);
      await record('success', null, { assumedRoleSrn, expiresAtMs: started.session.absoluteExpiresAtMs });
      return { started, role, assumedRoleSrn };
    } catch (err) {
      if (isAppError(err)) await record('failure', err.code);
      throw err;
    }
  }

  /** The role, when it exists, trusts the caller, and the caller's own policies allow assuming it. */
  private async trustingRole(caller: Principal, target: { accountId: string; roleId: string }, roleSrn: string, origin: Origin): Promise<Role> {
    const role = await this.deps.store.roles.get(target.accountId, target.roleId);
    const trusted = role === null ? null : matchTrust(role, { kind: 'principal', principal: caller } satisfies TrustCaller);
    // A role that does not exist and one that does not trust the caller get the same answer, so the
    // refusal tells nobody which roles another account has.
    if (role === null || trusted === null) throw new AppError('ROLE_NOT_TRUSTED');
    // The caller's side is its identity policies. Across accounts the matched trust also stands as the
    // role's resource policy, so the evaluator demands both sides (POL-7); within one account it must not
    // be passed, or it alone would allow and the caller's own policies would not matter.
    const crossAccount = caller.accountId !== role.accountId;
    const decision = await this.deps.authorizer.authorize(caller, IAM_ACTIONS.assumeRole, roleSrn, {
      accountId: role.accountId,
      values: { 'scp:SourceIp': origin.sourceIp },
      ...(crossAccount ? { resourcePolicies: { [roleSrn]: trustPolicy(role, caller.srn, roleSrn) } } : {}),
    });
    if (!decision.allowed) throw appError('ACCESS_DENIED', { action: IAM_ACTIONS.assumeRole, deciding: decision.deciding });
    return role;
  }
}

/** A matched trust as the role's resource policy: allow `iam:assumeRole` on the role to that caller only. */
function trustPolicy(role: Role, callerSrn: string, roleSrn: string) {
  return compilePolicy(
    { Version: '2024-07-01', Statement: [{ Sid: 'Trust', Effect: 'Allow', Principal: { scp: [callerSrn] }, Action: IAM_ACTIONS.assumeRole, Resource: roleSrn }] },
    { id: `trust:${role.id}`, version: role.version, kind: 'resource', account: role.accountId },
  );
}
