/**
 * Built-in default policies (ENT-7), written in the policy language. They are seeded into every account
 * when the account is created (type `default`, read-only), so lists, paging, counts, the `type` filter and
 * connected targets treat them like any other policy; `ensureBuiltinPolicies` is idempotent, so an account
 * created before a built-in existed gets it on the next call.
 *
 * The language has no `${…}` variables, so "a user acting on itself" cannot be written once for everyone.
 * SelfService names the reserved resource `user/self` (ids are 32 hex, so no real user has it), and the
 * authorizer specialises that built-in per caller: `user/self` becomes the caller's own user SRN.
 */
import { appError, isAppError } from '../errors.js';
import { IAM_ACTIONS } from '../policy/index.js';
import { SELF_RESOURCE } from '../authz/self.js';
import type { Store } from '../store/ports.js';

const VERSION = '2024-07-01';

export const BUILTIN_POLICIES = [
  {
    name: 'FullAdministrator',
    description: 'Every action on every resource of the account.',
    document: { Version: VERSION, Statement: [{ Sid: 'FullAccess', Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  {
    name: 'IAMAdministrator',
    description: 'Manage users, groups, policies, roles, credential providers and projects of the account.',
    document: {
      Version: VERSION,
      Statement: [{ Sid: 'IamFullAccess', Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
    },
  },
  {
    name: 'ReadOnlyAccess',
    description: 'View IAM resources of the account without changing them.',
    document: {
      Version: VERSION,
      Statement: [{ Sid: 'IamReadOnly', Effect: 'Allow', Action: ['iam:get*', 'iam:list*'], Resource: '*' }],
    },
  },
  {
    name: 'SelfService',
    // Read only through the admin API: edits of one's own profile go through /v1/me (My Info), which asks for
    // the password where PWD-11 requires it and can never touch state, tags or contact verification.
    description: 'My Info: view one\'s own user (the resource "user/self" means the caller); edits go through My Info.',
    document: {
      Version: VERSION,
      Statement: [{ Sid: 'MyInfo', Effect: 'Allow', Action: [IAM_ACTIONS.getUser], Resource: SELF_RESOURCE }],
    },
  },
] as const;

export type BuiltinPolicyName = (typeof BUILTIN_POLICIES)[number]['name'];

/** Creates the built-ins missing from an account; a parallel creator winning the race is fine. */
export async function ensureBuiltinPolicies(
  store: Pick<Store, 'policies'>,
  accountId: string,
  by: string,
): Promise<void> {
  for (const b of BUILTIN_POLICIES) {
    if ((await store.policies.getByName(accountId, b.name)) !== null) continue;
    try {
      await store.policies.create({
        accountId,
        name: b.name,
        description: b.description,
        type: 'default',
        document: structuredClone(b.document),
        policyVersion: 1,
        createdBy: by,
      });
    } catch (err) {
      if (!isAppError(err) || err.code !== 'ALREADY_EXISTS') throw err;
    }
  }
}

/** The id of a built-in in an account (seeded at account creation). */
export async function builtinPolicyId(
  store: Pick<Store, 'policies'>,
  accountId: string,
  name: BuiltinPolicyName,
): Promise<string> {
  const p = await store.policies.getByName(accountId, name);
  if (p === null || p.type !== 'default') throw appError('NOT_FOUND', { kind: 'policy', name });
  return p.id;
}
