import type { Policy } from '../store/ports.js';

/**
 * "The caller itself" in a built-in policy. The policy language has no `${…}` variables, so the SelfService
 * built-in (ENT-7, src/iam/builtin-policies.ts) names the reserved resource `user/self` (ids are 32 hex, so
 * no real user has it), and every evaluation of that built-in — the authorizer's and the simulator's — sees
 * it specialised to the caller's own user SRN.
 */
export const SELF_RESOURCE = 'srn:e:::::scp-iam:user/self';

/** The SelfService document narrowed to the caller; null for every other policy (used verbatim). */
export function specialiseBuiltin(policy: Policy, callerId: string): Record<string, unknown> | null {
  if (policy.type !== 'default' || policy.name !== 'SelfService') return null;
  const own = SELF_RESOURCE.replace(/self$/, callerId);
  return JSON.parse(JSON.stringify(policy.document, (_k, v: unknown) => (v === SELF_RESOURCE ? own : v))) as Record<
    string,
    unknown
  >;
}
