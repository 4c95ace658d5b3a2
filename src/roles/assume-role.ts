/**
 * AssumeRole (ROLE-3..6, POL-7): a caller becomes a role session. Both sides must agree:
 * 1. the role's side — a trusted principal matches the caller (trust.ts);
 * 2. the caller's side — its own identity policies allow `iam:assumeRole` on the role's SRN, judged by the
 *    shared evaluator with the request's conditions. Across accounts the trust is the role's resource
 *    policy naming the caller, so the evaluator's both-sides rule (POL-7) applies unchanged.
 * Then the session issuer starts the session (duration rules there: ROLE-4, ROLE-6). The new session's
 * permissions are the role's only (ROLE-5, src/authz/applicable.ts). Every attempt is audited.
 *
 * A configured service (ROLE-2 `service`, services.ts) has no identity policies: for it the role's trust is
 * the whole grant, as for an AWS service principal, and nothing else is asked.
 *
 * Beyond the seed, as STS (issue 16 item 7, session-input.ts): `tags` reach the caller's check as
 * `scp:RequestTag/{key}` and `scp:TagKeys` and the session as `scp:PrincipalTag/{key}`; `sourceIdentity` is
 * set once and carried unchanged through a chain (`scp:SourceIdentity`); `policy`, an inline session
 * policy, narrows every decision of the session (the evaluator's `session` set, src/authz/session-policy.ts).
 */
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { AuditRecorder } from '../audit/index.js';
import type { Authorizer } from '../authz/authorizer.js';
import { roleOf } from '../authz/applicable.js';
import { iamSrn } from '../authz/srn.js';
import { AppError, appError, isAppError, type Violation } from '../errors.js';
import type { SessionIssuer, StartSession, StartedSession } from '../issuer/index.js';
import { IAM_ACTIONS, compilePolicy, type AuthMethod, type ContextValue } from '../policy/index.js';
import type { AuditLog, Role, Store } from '../store/ports.js';
import { parseInput } from '../validation.js';
import {
  SESSION_INPUT_MESSAGES,
  checkSessionPolicy,
  sessionPolicyRule,
  sessionTagsRule,
  sourceIdentityRule,
  tagRecord,
} from './session-input.js';
import { serviceSource } from './services.js';
import { matchTrust, type TrustCaller } from './trust.js';

/** ROLE-4 API body. `sessionName` as STS: 2–64 of `[\w+=,.@-]`; the STS extras in session-input.ts. */
export const assumeRoleBody = z.strictObject({
  roleSrn: z.string().min(1).max(2048),
  sessionName: z.string().regex(/^[\w+=,.@-]{2,64}$/, { error: 'SESSION_NAME_INVALID' }),
  durationSeconds: z.number().int().positive().optional(),
  tags: sessionTagsRule.optional(),
  sourceIdentity: sourceIdentityRule.optional(),
  policy: sessionPolicyRule.optional(),
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

/** Who is assuming, as the assume needs it: a principal (user, root, role session) or a configured service. */
interface Assumer {
  /** Audit actor and `details.source`. */
  actor: string;
  srn: string;
  /** TOK-2 `source` of the new session: the identity at the start of the chain. */
  source: string;
  chained: boolean;
  mfa: boolean;
  amr: string[];
  auth: AuthMethod;
  sourceIdentity: string | undefined;
  trust: TrustCaller;
  /** Whose identity policies must allow `iam:assumeRole`; null for a service (trust is its whole grant). */
  principal: Principal | null;
}

function principalAssumer(caller: Principal): Assumer {
  return {
    actor: caller.userId,
    srn: caller.srn,
    // The human at the start of a chain stays the source (TOK-2 `source`): disabling it ends the chain.
    source: caller.source ?? caller.srn,
    chained: caller.type === 'role-session' || caller.type === 'federated',
    mfa: caller.mfa,
    amr: caller.amr,
    auth: caller.auth,
    sourceIdentity: caller.sourceIdentity,
    trust: { kind: 'principal', principal: caller },
    principal: caller,
  };
}

function serviceAssumer(service: string): Assumer {
  const srn = serviceSource(service);
  return {
    actor: srn,
    srn,
    source: srn,
    chained: false,
    mfa: false,
    amr: ['svc'],
    auth: 'service',
    sourceIdentity: undefined,
    trust: { kind: 'service', service },
    principal: null,
  };
}

export class RoleAssumption {
  private readonly audit: AuditRecorder<'role.assume'>;

  constructor(private readonly deps: AssumeRoleDeps) {
    this.audit = new AuditRecorder(deps.store.audit);
  }

  /**
   * A bearer/console caller assumes a role; `deliver` says how the client holds the new session, and
   * `parent` names the console session a switch role comes from (console-switch.ts, ROLE-3).
   */
  assume(
    caller: Principal,
    body: unknown,
    origin: Origin,
    deliver: 'tokens' | 'cookie',
    parent?: StartSession['parent'],
  ): Promise<AssumedRole> {
    return this.assumeAs(principalAssumer(caller), body, origin, deliver, parent);
  }

  /** A configured service, already authenticated by its credential (services.ts), assumes a role. */
  assumeAsService(service: string, body: unknown, origin: Origin): Promise<AssumedRole> {
    return this.assumeAs(serviceAssumer(service), body, origin, 'tokens');
  }

  private async assumeAs(
    caller: Assumer,
    body: unknown,
    origin: Origin,
    deliver: 'tokens' | 'cookie',
    parent?: StartSession['parent'],
  ): Promise<AssumedRole> {
    // Every violation at once: the schema's, the session policy's (with its paths) and a non-role SRN.
    const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const extra: Violation[] = [];
    const policy = checkSessionPolicy(raw.policy, extra);
    if (typeof raw.roleSrn === 'string' && roleOf(raw.roleSrn) === null)
      extra.push({
        path: 'roleSrn',
        code: 'SRN_INVALID',
        message: 'roleSrn must name an IAM role: srn:…:scp-iam:role/<id>.',
      });
    const input = parseInput(assumeRoleBody, body, extra, SESSION_INPUT_MESSAGES);
    const target = roleOf(input.roleSrn) as { accountId: string; roleId: string }; // a role SRN, or parseInput threw
    const tags = input.tags === undefined ? undefined : tagRecord(input.tags);
    const record = (result: 'success' | 'failure', reasonCode: string | null, more: Record<string, unknown> = {}) =>
      this.audit.record({
        accountId: target.accountId,
        actor: caller.actor,
        action: 'role.assume',
        target: target.roleId,
        sourceIp: origin.sourceIp,
        result,
        reasonCode,
        details: {
          roleSrn: input.roleSrn,
          source: caller.srn,
          sessionName: input.sessionName,
          durationSeconds: input.durationSeconds ?? null,
          tagKeys: input.tags?.map((t) => t.key) ?? [],
          sourceIdentity: input.sourceIdentity ?? caller.sourceIdentity ?? null,
          sessionPolicy: policy !== null,
          ...more,
        },
      });
    try {
      const sourceIdentity = carriedSourceIdentity(caller, input.sourceIdentity);
      const role = await this.trustingRole(caller, target, input.roleSrn, origin, input.tags ?? []);
      const started = await this.deps.issuer.start({
        subject: {
          kind: 'role-session',
          role: { accountId: role.accountId, id: role.id, maxSessionSeconds: role.maxSessionSeconds },
          source: caller.source,
          sessionName: input.sessionName,
          chained: caller.chained,
          // Tags are not inherited through a chain (docs/decisions.md); the source identity is.
          ...(tags === undefined ? {} : { tags }),
          ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
          ...(policy === null ? {} : { policy }),
        },
        mfa: caller.mfa,
        amr: caller.amr,
        auth: caller.auth,
        origin,
        deliver,
        ...(input.durationSeconds === undefined ? {} : { durationSeconds: input.durationSeconds }),
        ...(parent === undefined ? {} : { parent }),
      });
      const assumedRoleSrn =
        started.session.principal.srn ?? iamSrn(role.accountId, 'role-session', started.session.principal.userId);
      await record('success', null, { assumedRoleSrn, expiresAtMs: started.session.absoluteExpiresAtMs });
      return { started, role, assumedRoleSrn };
    } catch (err) {
      if (isAppError(err)) await record('failure', err.code);
      throw err;
    }
  }

  /** The role, when it exists, trusts the caller, and the caller's own policies allow assuming it. */
  private async trustingRole(
    caller: Assumer,
    target: { accountId: string; roleId: string },
    roleSrn: string,
    origin: Origin,
    tags: readonly { key: string; value: string }[],
  ): Promise<Role> {
    const role = await this.deps.store.roles.get(target.accountId, target.roleId);
    const trusted = role === null ? null : matchTrust(role, caller.trust);
    // A role that does not exist and one that does not trust the caller get the same answer, so the
    // refusal tells nobody which roles another account has.
    if (role === null || trusted === null) throw new AppError('ROLE_NOT_TRUSTED');
    const principal = caller.principal;
    if (principal === null) return role; // a service: the trust matched its name, and that is the grant
    // The caller's side is its identity policies. Across accounts the matched trust also stands as the
    // role's resource policy, so the evaluator demands both sides (POL-7); within one account it must not
    // be passed, or it alone would allow and the caller's own policies would not matter.
    const crossAccount = principal.accountId !== role.accountId;
    const decision = await this.deps.authorizer.authorize(principal, IAM_ACTIONS.assumeRole, roleSrn, {
      accountId: role.accountId,
      values: requestValues(origin, tags),
      ...(crossAccount ? { resourcePolicies: { [roleSrn]: trustPolicy(role, principal.srn, roleSrn) } } : {}),
    });
    if (!decision.allowed)
      throw appError('ACCESS_DENIED', { action: IAM_ACTIONS.assumeRole, deciding: decision.deciding });
    return role;
  }
}

/**
 * The assume call's request keys: the caller's address, and the requested tags as `scp:RequestTag/{key}`
 * and `scp:TagKeys`, so the caller's policy can restrict which tags a session may be given.
 */
function requestValues(origin: Origin, tags: readonly { key: string; value: string }[]): Record<string, ContextValue> {
  const values: Record<string, ContextValue> = { 'scp:SourceIp': origin.sourceIp };
  if (tags.length === 0) return values;
  values['scp:TagKeys'] = tags.map((t) => t.key);
  for (const t of tags) values[`scp:RequestTag/${t.key}`] = t.value;
  return values;
}

/**
 * STS's source identity is set once: a caller that carries one (a role session of a chain) passes it on
 * unchanged and may repeat it, never replace it; anyone else may set it.
 */
function carriedSourceIdentity(
  caller: Pick<Assumer, 'sourceIdentity'>,
  requested: string | undefined,
): string | undefined {
  if (caller.sourceIdentity === undefined) return requested;
  if (requested !== undefined && requested !== caller.sourceIdentity) throw new AppError('SOURCE_IDENTITY_IMMUTABLE');
  return caller.sourceIdentity;
}

/** A matched trust as the role's resource policy: allow `iam:assumeRole` on the role to that caller only. */
function trustPolicy(role: Role, callerSrn: string, roleSrn: string) {
  return compilePolicy(
    {
      Version: '2024-07-01',
      Statement: [
        {
          Sid: 'Trust',
          Effect: 'Allow',
          Principal: { scp: [callerSrn] },
          Action: IAM_ACTIONS.assumeRole,
          Resource: roleSrn,
        },
      ],
    },
    { id: `trust:${role.id}`, version: role.version, kind: 'resource', account: role.accountId },
  );
}
