/**
 * Roles (ROLE-1, ROLE-2): maximum session 3,200–43,200 s (the console's presets are 1, 2, 4, 8 and 12 h;
 * any value in range is accepted), at most 20 trusted principals of the five kinds, each checked for what
 * its value must be. Assuming a role is src/roles. Deleting a role, changing its trust or detaching one of
 * its policies publishes `role:<id>`, which refuses every earlier session of the role on every instance
 * (ENT-5 for roles), as does `revokeSessions`.
 */
import { z } from 'zod';
import { appError, type Violation } from '../errors.js';
import { isAccountId, parseSrn } from '../srn/index.js';
import type { Role } from '../store/ports.js';
import { IAM_ACTIONS } from '../policy/index.js';
import {
  attachPolicyIds,
  bodyIds,
  bulkDeleteEntities,
  detachPolicyId,
  defined,
  missingIds,
  mustGet,
  pageOf,
  parseListQuery,
  withRevocation,
  type Actor,
  type BulkResult,
  type CreateGrant,
  type IamDeps,
} from './common.js';
import { revocationKeys } from '../authz/revocation.js';
import { IAM_SERVICE } from '../authz/srn.js';
import { SERVICE_PRINCIPALS } from '../policy/index.js';
import { NAME_RULES, assertNoViolations, commonFields, idList, parseInput, versionRule } from './validation.js';

export const MIN_SESSION_SECONDS = 3200;
export const MAX_SESSION_SECONDS = 43200;
export const MAX_TRUSTED_PRINCIPALS = 20;
/** ROLE-2's named services; `service` principals must be one of these (the catalogue holds the list). */
export const TRUSTED_SERVICES = SERVICE_PRINCIPALS;

const principal = z.strictObject({
  kind: z.enum(['current-account', 'other-account', 'user', 'credential-provider', 'service']),
  value: z.string(),
});
const sessionSeconds = z
  .number()
  .int()
  .min(MIN_SESSION_SECONDS, { error: 'SESSION_DURATION_OUT_OF_RANGE' })
  .max(MAX_SESSION_SECONDS, { error: 'SESSION_DURATION_OUT_OF_RANGE' });
const principals = z.array(principal).max(MAX_TRUSTED_PRINCIPALS, { error: 'TOO_MANY_TRUSTED_PRINCIPALS' });

type TrustedPrincipal = z.output<typeof principal>;

export class RoleService {
  private readonly createSchema;
  private readonly updateSchema;

  constructor(private readonly deps: IamDeps) {
    const common = commonFields(deps.limits);
    this.createSchema = z.strictObject({
      name: NAME_RULES.role,
      maxSessionSeconds: sessionSeconds.default(3600),
      trustedPrincipals: principals.default([]),
      policyIds: idList.optional(),
      ...common,
    });
    this.updateSchema = z.strictObject({
      version: versionRule,
      name: NAME_RULES.role.optional(),
      maxSessionSeconds: sessionSeconds.optional(),
      trustedPrincipals: principals.optional(),
      ...common,
    });
  }

  /** ROLE-2: what each kind's value must be. */
  private async principalViolations(accountId: string, list: readonly TrustedPrincipal[]): Promise<Violation[]> {
    const out: Violation[] = [];
    const bad = (i: number, code: string, message: string) =>
      out.push({ path: `trustedPrincipals[${i}].value`, code, message });
    for (const [i, p] of list.entries()) {
      if (p.kind === 'current-account' && p.value !== '' && p.value !== accountId)
        bad(i, 'PRINCIPAL_INVALID', 'current-account takes this account id (or nothing).');
      if (p.kind === 'other-account' && (!isAccountId(p.value) || p.value === accountId))
        bad(i, 'PRINCIPAL_INVALID', "other-account takes another account's 32-hex id.");
      if (p.kind === 'user') {
        // A role SRN trusts every session of that role: role chaining (ROLE-6) names the role it comes from.
        const srn = parseSrn(p.value);
        if (
          !srn.ok ||
          srn.srn.service !== IAM_SERVICE ||
          (srn.srn.resourceType !== 'user' && srn.srn.resourceType !== 'role')
        )
          bad(i, 'PRINCIPAL_INVALID', 'user takes a user SRN (or a role SRN, for role chaining).');
      }
      if (p.kind === 'credential-provider' && (await this.deps.store.providers.get(accountId, p.value)) === null)
        bad(i, 'PROVIDER_NOT_FOUND', 'credential-provider takes the id of a provider of this account.');
      if (p.kind === 'service' && !(TRUSTED_SERVICES as readonly string[]).includes(p.value))
        bad(i, 'PRINCIPAL_INVALID', `service is one of ${TRUSTED_SERVICES.join(', ')}.`);
    }
    return out;
  }

  async create(accountId: string, input: unknown, by: Actor): Promise<Role> {
    const { store } = this.deps;
    await mustGet(store.accounts, 'account', accountId, accountId);
    const d = parseInput(this.createSchema, input);
    const trusted = d.trustedPrincipals.map((p) => (p.kind === 'current-account' ? { ...p, value: accountId } : p));
    assertNoViolations([
      ...(await this.principalViolations(accountId, trusted)),
      ...(await missingIds(store.policies, accountId, d.policyIds ?? [], 'policyIds', 'POLICY_NOT_FOUND')),
    ]);
    return store.roles.create({
      accountId,
      name: d.name,
      maxSessionSeconds: d.maxSessionSeconds,
      trustedPrincipals: trusted,
      policyIds: [...new Set(d.policyIds ?? [])],
      ...defined({ description: d.description ?? undefined, tags: d.tags }),
      createdBy: by,
    });
  }

  /** ENT-7: a new role's policies need attachRolePolicy on each, as the attach route. */
  async createGrants(_accountId: string, input: unknown): Promise<CreateGrant[]> {
    return [{ action: IAM_ACTIONS.attachRolePolicy, type: 'policy', ids: bodyIds(input, 'policyIds') }];
  }

  get(accountId: string, id: string): Promise<Role> {
    return mustGet(this.deps.store.roles, 'role', accountId, id);
  }

  async list(accountId: string, query: unknown) {
    return pageOf(await this.deps.store.roles.list(accountId, parseListQuery(query, this.deps.limits)), (r) => r);
  }

  async update(accountId: string, id: string, input: unknown, by: Actor): Promise<Role> {
    const { version, trustedPrincipals, ...rest } = parseInput(this.updateSchema, input);
    const trusted = trustedPrincipals?.map((p) => (p.kind === 'current-account' ? { ...p, value: accountId } : p));
    if (trusted !== undefined) assertNoViolations(await this.principalViolations(accountId, trusted));
    const patch = defined({ ...rest, trustedPrincipals: trusted });
    // A trust change may drop whoever holds a session now: those sessions end with it.
    return withRevocation(this.deps, trusted === undefined ? [] : [revocationKeys.role(id)], () =>
      this.deps.store.roles.update(accountId, id, version, patch, by),
    );
  }

  async delete(accountId: string, id: string): Promise<void> {
    const gone = await withRevocation(this.deps, [revocationKeys.role(id)], () =>
      this.deps.store.roles.delete(accountId, id),
    );
    if (!gone) throw appError('NOT_FOUND', { kind: 'role', id });
  }

  async bulkDelete(accountId: string, ids: readonly string[]): Promise<BulkResult> {
    const { entities: _gone, ...result } = await withRevocation(this.deps, ids.map(revocationKeys.role), () =>
      bulkDeleteEntities(this.deps.store.roles, accountId, ids, () => null),
    );
    return result;
  }

  /** ENT-5 for roles: every session of the role issued until now is refused, on every instance. */
  async revokeSessions(accountId: string, id: string): Promise<{ revokedAt: string }> {
    await this.get(accountId, id);
    const at = this.deps.clock.now();
    await this.deps.sessions.markRevoked([revocationKeys.role(id)], at);
    return { revokedAt: new Date(at).toISOString() };
  }

  attachPolicies(accountId: string, id: string, input: unknown, by: Actor): Promise<Role> {
    return attachPolicyIds(this.deps, this.deps.store.roles, 'role', accountId, id, input, by);
  }

  // Role sessions read the role's policies live at every decision; the marker also ends their tokens.
  detachPolicy(accountId: string, id: string, policyId: string, by: Actor): Promise<Role> {
    return detachPolicyId(this.deps, this.deps.store.roles, 'role', accountId, id, policyId, by, [
      revocationKeys.role(id),
    ]);
  }
}
