import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { toClaims } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import { appError, validationFailed, type Violation } from '../errors.js';
import type { Authorizer } from '../authz/authorizer.js';
import { specialiseBuiltin } from '../authz/self.js';
import { iamSrn } from '../authz/srn.js';
import {
  compilePolicy,
  simulate,
  validatePolicy,
  type CompiledPolicy,
  type PolicyKind,
  type PrincipalClaims,
  type RequestResource,
  type Simulation,
} from '../policy/index.js';
import type { Store } from '../store/ports.js';
import { contextValue, parseBody, requestResource, resourcesOf } from './input.js';
import { userPolicies } from '../authz/applicable.js';

/**
 * The administrators' policy simulator (POL-9): `POST /v1/accounts/{id}/policy-simulator`, action
 * `iam:simulatePolicy`. Either a stored user's policies (direct + groups, all scopes) or policy
 * documents given in the request, plus optional resource policies, against one request; the answer is
 * the decision with every statement's outcome (`simulate`). Nothing is stored.
 */
const simulatorBody = z
  .strictObject({
    principal: z.strictObject({ userId: z.string().min(1) }).optional(),
    policies: z.array(z.unknown()).min(1).max(50).optional(),
    resourcePolicies: z.record(z.string(), z.unknown()).optional(),
    action: z.string().min(3).max(256),
    resource: requestResource.optional(),
    resources: z.array(requestResource).min(1).max(100).optional(),
    context: z.record(z.string(), contextValue).optional(),
  })
  .refine((b) => (b.principal === undefined) !== (b.policies === undefined), {
    message: 'exactly one of principal or policies',
    path: ['principal'],
  })
  .refine((b) => (b.resource === undefined) !== (b.resources === undefined), {
    message: 'exactly one of resource or resources',
    path: ['resource'],
  });

export interface SimulatorDeps {
  store: Pick<Store, 'users' | 'groups' | 'policies'>;
  authorizer: Pick<Authorizer, 'authorize'>;
  clock: Clock;
}

export async function simulatePolicies(
  deps: SimulatorDeps,
  caller: Principal,
  accountId: string,
  body: unknown,
): Promise<Simulation> {
  const allowed = await deps.authorizer.authorize(caller, 'iam:simulatePolicy', '*', { accountId });
  if (!allowed.allowed) throw appError('ACCESS_DENIED', { action: 'iam:simulatePolicy', deciding: allowed.deciding });
  const b = parseBody(simulatorBody, body);
  const violations: Violation[] = [];
  const given = (b.policies ?? []).map((doc, i) =>
    compileGiven(doc, 'identity', `request-${i}`, accountId, `policies.${i}`, violations),
  );
  const resource: Record<string, CompiledPolicy> = {};
  for (const [srn, doc] of Object.entries(b.resourcePolicies ?? {})) {
    const compiled = compileGiven(doc, 'resource', `resource:${srn}`, accountId, `resourcePolicies.${srn}`, violations);
    if (compiled) resource[srn] = compiled;
  }
  if (violations.length > 0) throw validationFailed(violations);

  const subject =
    b.principal === undefined
      ? { claims: toClaims(caller), identity: given.filter((p) => p !== null) }
      : await storedUser(deps, accountId, b.principal.userId);
  return simulate(
    {
      principal: subject.claims,
      action: b.action,
      resources: resourcesOf(b) as RequestResource[],
      now: deps.clock.now(),
      ...(b.context === undefined ? {} : { context: b.context }),
    },
    { identity: subject.identity, resource },
  );
}

function compileGiven(
  doc: unknown,
  kind: PolicyKind,
  id: string,
  account: string,
  path: string,
  out: Violation[],
): CompiledPolicy | null {
  const v = validatePolicy(doc, { kind });
  if (!v.ok) {
    out.push(
      ...v.errors.map((e) => ({ path: `${path}${e.path.replace(/^\$/, '')}`, code: e.code, message: e.message })),
    );
    return null;
  }
  return compilePolicy(v.policy, { id, kind, account });
}

async function storedUser(
  deps: SimulatorDeps,
  accountId: string,
  userId: string,
): Promise<{ claims: PrincipalClaims; identity: CompiledPolicy[] }> {
  const user = await deps.store.users.get(accountId, userId);
  if (!user) throw appError('NOT_FOUND', { kind: 'user', id: userId });
  const { groups, policyIds } = await userPolicies(deps.store, user, 'every-project');
  const policies = (await Promise.all(policyIds.map((id) => deps.store.policies.get(accountId, id)))).filter(
    (p) => p !== null,
  );
  const identity = policies.map((p) =>
    compilePolicy(specialiseBuiltin(p, user.id) ?? p.document, {
      id: p.id,
      version: p.policyVersion,
      kind: 'identity',
      account: accountId,
    }),
  );
  const claims: PrincipalClaims = {
    sub: iamSrn(accountId, 'user', user.id),
    acct: accountId,
    ptype: user.kind === 'root' ? 'root' : 'user',
    groups: groups.map((g) => g.id),
    userId: user.id,
    userName: user.name,
  };
  return { claims, identity };
}
