import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { Authorizer } from '../iam/authorizer.js';
import type { RequestResource } from '../policy/index.js';
import { contextValue, parseBody, requestResource, resourcesOf } from './input.js';
import type { TokenService } from './service.js';

/**
 * `POST /v1/authorize` (POL-9, TOK-4): "may the holder of this token do `action` on `resource`?". The
 * token is checked like any bearer credential (signature via the verified-token cache, then session and
 * revocation on every call) and the IAM authorizer decides from the principal's current policies.
 * A refusal of the *token* is an error (401); a Deny is a normal answer (200, `allowed: false`).
 */
export const authorizeBody = z
  .strictObject({
    /** The token to judge; without it, the request's own bearer token is judged. */
    token: z.string().min(1).optional(),
    action: z.string().min(3).max(256),
    resource: requestResource.optional(),
    resources: z.array(requestResource).min(1).max(100).optional(),
    context: z.record(z.string(), contextValue).optional(),
    /** The account acted in (for actions on `*`); defaults to the principal's. */
    accountId: z.string().min(1).optional(),
    projectId: z.string().min(1).optional(),
  })
  .refine((b) => (b.resource === undefined) !== (b.resources === undefined), { message: 'exactly one of resource or resources', path: ['resource'] });

export interface AuthorizeAnswer {
  allowed: boolean;
  decision: string;
  principal: string;
  action: string;
  resources: string[];
  deciding: { policyId: string; sid: string | null }[];
  reasons: { code: string; message?: string }[];
}

/** The authenticated caller, with its IAM epoch when its credential's check read one (a bearer token). */
export interface Caller {
  principal: Principal;
  policyEpoch?: string | undefined;
}

export async function authorizeRequest(
  deps: { tokens: TokenService; authorizer: Pick<Authorizer, 'authorize'> },
  body: unknown,
  caller: Caller | null,
): Promise<AuthorizeAnswer | null> {
  const b = parseBody(authorizeBody, body);
  const judged = b.token === undefined ? caller : await deps.tokens.authenticateWithEpoch(b.token);
  if (judged === null) return null;
  const { principal, policyEpoch } = judged;
  const resources = resourcesOf(b) as RequestResource[];
  const r = await deps.authorizer.authorize(principal, b.action, resources, {
    ...(policyEpoch === undefined ? {} : { policyEpoch }),
    ...(b.context === undefined ? {} : { values: b.context }),
    ...(b.accountId === undefined ? {} : { accountId: b.accountId }),
    ...(b.projectId === undefined ? {} : { projectId: b.projectId }),
  });
  const reasons = [
    ...(r.reason === null ? [] : [{ code: r.reason }]),
    ...(r.evaluation?.errors ?? []).map((e) => ({ code: e.code, message: e.message })),
  ];
  return {
    allowed: r.allowed,
    decision: r.decision,
    principal: principal.srn,
    action: r.action,
    resources: r.resources,
    deciding: r.deciding.map((s) => ({ policyId: s.policyId, sid: s.sid ?? null })),
    reasons,
  };
}
